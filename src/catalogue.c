/* catalogue.c: catalogue files into struct rule, checked as they load; it
 * owns the catalogue, which nothing else writes once loaded. */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "suggest.h"

#define DEFAULT_TM_OFFSET 2000

/* The deployment roles of the vendor's port table (lucsaudit-rules(5)). */
static const char *const builtin_roles[] = {
	"agent_pc", "lucs_server_01", "lucs_server_02", "sql_server",
	"exchange_server", "sfb_server", "sfb_edge", "sfb_fe_pool", "sfb_cms",
	"lucs_api", "live_reporting",
};

static const char *const builtin_tags[] = { "LUCS", "SfB", "TM" };

extern const char lucs_default_catalogue[];
extern const size_t lucs_default_catalogue_len;

struct catalogue *catalogue_new(void)
{
	struct catalogue *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	for (size_t i = 0; i < sizeof builtin_roles / sizeof *builtin_roles; i++)
		if (!(c->roles[c->nroles++] = strdup(builtin_roles[i])))
			goto fail;
	for (size_t i = 0; i < sizeof builtin_tags / sizeof *builtin_tags; i++)
		if (!(c->tags[c->ntags++] = strdup(builtin_tags[i])))
			goto fail;
	c->tm_offset = DEFAULT_TM_OFFSET;
	return c;
fail:
	catalogue_free(c);
	return NULL;
}

static void rule_free(struct rule *r)
{
	free(r->id);
	free(r->comment);
	free(r->note);
	free(r->source);
	free(r->setting);
	free(r->from_name);
	free(r->to_name);
	free(r->ports);
}

void catalogue_free(struct catalogue *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++)
		rule_free(&c->rules[i]);
	free(c->rules);
	for (size_t i = 0; i < c->nroles; i++)
		free(c->roles[i]);
	for (size_t i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	hash_index_free(&c->ids);
	hash_index_free(&c->settings);
	free(c);
}

int catalogue_role(const struct catalogue *c, const char *name)
{
	for (size_t i = 0; i < c->nroles; i++)
		if (strcmp(c->roles[i], name) == 0)
			return (int)i;
	return -1;
}

bool catalogue_role_mask(const struct catalogue *c, const char *name,
			 uint64_t *mask)
{
	int r = catalogue_role(c, name);

	if (strcmp(name, "any") == 0) {
		*mask = ROLES_ANY;
		return true;
	}
	if (strcmp(name, "lucs_server") == 0) {
		*mask = 1ULL << catalogue_role(c, "lucs_server_01") |
			1ULL << catalogue_role(c, "lucs_server_02");
		return true;
	}
	if (r < 0)
		return false;
	*mask = 1ULL << r;
	return true;
}

int catalogue_tag(const struct catalogue *c, const char *name)
{
	for (size_t i = 0; i < c->ntags; i++)
		if (strcmp(c->tags[i], name) == 0)
			return (int)i;
	return -1;
}

/* Rule ids and settings are looked up in indexes of the rules loaded:
 * comparing each new rule with every one before it made loading
 * quadratic. */
static const struct rule *indexed_rule(const struct catalogue *c,
				       const struct hash_index *x,
				       const char *name)
{
	long i = hash_index_find(x, name, strlen(name));

	return i >= 0 ? &c->rules[i] : NULL;
}

const struct rule *catalogue_rule(const struct catalogue *c, const char *id)
{
	return indexed_rule(c, &c->ids, id);
}

const struct rule *catalogue_setting(const struct catalogue *c,
				     const char *name)
{
	return indexed_rule(c, &c->settings, name);
}

/* --- ports ---------------------------------------------------------------- */

static bool parse_port(const char *s, const char **end, unsigned long *v)
{
	unsigned long x = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9' && x <= 65535)
		x = x * 10 + (unsigned long)(*p++ - '0');
	if (p == s)
		return false;
	*end = p;
	*v = x;
	return true;
}

static bool port_item(const struct ynode *n, const char *file,
		      struct port_range *out, struct load_error *err)
{
	unsigned long lo, hi;
	const char *s, *end;

	if (n->type != Y_SCALAR) {
		load_error_at(err, file, n,
			      "a port is a number or a range such as 49152-57500");
		return false;
	}
	s = n->text;
	if (!parse_port(s, &end, &lo))
		goto bad;
	hi = lo;
	if (*end == '-' && !parse_port(end + 1, &end, &hi))
		goto bad;
	if (*end)
		goto bad;
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535) {
		load_error_at(err, file, n, "port %lu is outside 1-65535",
			      lo < 1 || lo > 65535 ? lo : hi);
		return false;
	}
	if (lo > hi) {
		load_error_at(err, file, n,
			      "range %lu-%lu is reversed: write %lu-%lu", lo, hi,
			      hi, lo);
		return false;
	}
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return true;
bad:
	load_error_at(err, file, n,
		      "'%s' is not a port or a range such as 49152-57500",
		      n->text);
	return false;
}

bool ports_parse(const struct ynode *n, const char *file,
		 struct port_range **out, size_t *count,
		 struct load_error *err)
{
	size_t items = n->type == Y_SEQUENCE ? n->n : 1;
	struct port_range *p;

	if (n->type == Y_MAPPING || items == 0) {
		load_error_at(err, file, n,
			      "ports must be a port, a range or a list of them");
		return false;
	}
	p = calloc(items, sizeof *p);
	if (!p) {
		load_error_at(err, file, n, "out of memory");
		return false;
	}
	for (size_t i = 0; i < items; i++)
		if (!port_item(n->type == Y_SEQUENCE ? n->items[i] : n, file,
			       &p[i], err)) {
			free(p);
			return false;
		}
	*out = p;
	*count = items;
	return true;
}

bool ports_equal(const struct port_range *a, size_t na,
		 const struct port_range *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

void ports_format(const struct port_range *p, size_t n, char *buf,
		  size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = p[i].lo == p[i].hi
			? snprintf(buf + used, size - used, "%s%u",
				   i ? "," : "", p[i].lo)
			: snprintf(buf + used, size - used, "%s%u-%u",
				   i ? "," : "", p[i].lo, p[i].hi);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* --- rules ---------------------------------------------------------------- */

struct loader {
	struct catalogue *c;
	const char *file;
	struct load_error *err;
};

static bool word_ok(const char *s, bool dash)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || (dash && (*s == '-' || *s == '.'))))
			return false;
	return true;
}

/* Tags are shown as they are in every output format: up to CAT_MAX_TAG
 * letters, digits, '.', '_' and '-'. */
static bool tag_ok(const char *s)
{
	if (!*s || strlen(s) > CAT_MAX_TAG)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

static bool scalar_text(struct loader *l, const struct ynode *n,
			const char *what, char **out)
{
	if (!ynode_expect(n, Y_SCALAR, what, l->file, l->err))
		return false;
	*out = strdup(n->text);
	if (!*out) {
		load_error_at(l->err, l->file, n, "out of memory");
		return false;
	}
	return true;
}

/* An unknown role or tag: the names known, the one meant when it is
 * close, and how a file adds one. */
static bool unknown_name(struct loader *l, const struct ynode *n, bool roles)
{
	char *const *names = roles ? l->c->roles : l->c->tags;
	size_t count = roles ? l->c->nroles : l->c->ntags;
	char hint[SUGGEST_HINT_SIZE];
	struct suggest s;

	suggest_start(&s, n->text, "");
	for (size_t i = 0; i < count; i++)
		suggest_offer(&s, names[i]);
	if (roles) {
		suggest_offer(&s, "lucs_server");
		suggest_offer(&s, "any");
	}
	load_error_at(l->err, l->file, n, "unknown %s '%s'%s",
		      roles ? "role" : "tag", n->text,
		      suggest_hint(&s, roles ? "declare it under 'roles:'"
					     : "declare it under 'tags:'",
				   hint, sizeof hint));
	return false;
}

static bool rule_role(struct loader *l, const struct ynode *n,
		      const char *what, uint64_t *mask, char **name)
{
	if (!ynode_expect(n, Y_SCALAR, what, l->file, l->err))
		return false;
	if (!catalogue_role_mask(l->c, n->text, mask))
		return unknown_name(l, n, true);
	return scalar_text(l, n, what, name);
}

static bool proto_item(struct loader *l, const struct ynode *n,
		       struct rule *r)
{
	unsigned long num;
	uint8_t named;

	if (!ynode_expect(n, Y_SCALAR, "a protocol", l->file, l->err))
		return false;
	if (proto_number(n->text, &named)) {
		num = named;
	} else if (n->text[0] >= '0' && n->text[0] <= '9') {
		if (!ynode_uint(n, 0, 255, &num, l->file, l->err))
			return false;
	} else {
		load_error_at(l->err, l->file, n,
			      "unknown protocol '%s' (tcp, udp, icmp, icmpv6, "
			      "an IANA keyword such as gre or esp, or a "
			      "protocol number)", n->text);
		return false;
	}
	if (num == 6 || num == 17) {
		r->l4 |= num == 6 ? PROTO_TCP : PROTO_UDP;
		return true;
	}
	/* Portless protocols are looked up by number alone: one per rule. */
	if (r->has_ip_proto && r->ip_proto != num) {
		load_error_at(l->err, l->file, n,
			      "one portless protocol per rule: give '%s' a rule "
			      "of its own", n->text);
		return false;
	}
	r->has_ip_proto = true;
	r->ip_proto = (uint8_t)num;
	return true;
}

static bool rule_proto(struct loader *l, const struct ynode *n, struct rule *r)
{
	if (n->type == Y_SEQUENCE) {
		if (n->n == 0) {
			load_error_at(l->err, l->file, n, "proto: empty list");
			return false;
		}
		for (size_t i = 0; i < n->n; i++)
			if (!proto_item(l, n->items[i], r))
				return false;
	} else if (!proto_item(l, n, r)) {
		return false;
	}
	if (r->l4 && r->has_ip_proto) {
		load_error_at(l->err, l->file, n,
			      "tcp/udp and portless protocols need separate rules");
		return false;
	}
	return true;
}

static bool rule_flag(struct loader *l, const struct ynode *map,
		      const char *key, bool *v)
{
	const struct ynode *n = ymap_get(map, key);

	*v = false;
	return !n || ynode_bool(n, v, l->file, l->err);
}

static const struct ynode *required(struct loader *l, const struct ynode *map,
				    const char *key)
{
	const struct ynode *n = ymap_get(map, key);

	if (!n)
		load_error_at(l->err, l->file, map, "rule without '%s'", key);
	return n;
}

static bool rule_ids_unique(struct loader *l, const struct ynode *n)
{
	const struct rule *first = catalogue_rule(l->c, n->text);

	if (first)
		load_error_at(l->err, l->file, n,
			      "duplicate rule id '%s' (first at %s:%u)", n->text,
			      first->file, first->line);
	return !first;
}

static bool rule_setting(struct loader *l, const struct ynode *n,
			 struct rule *r)
{
	const struct rule *first;

	if (r->has_ip_proto) {
		load_error_at(l->err, l->file, n,
			      "a portless rule has no ports to configure");
		return false;
	}
	if (!scalar_text(l, n, "configurable", &r->setting))
		return false;
	if (!word_ok(r->setting, false)) {
		load_error_at(l->err, l->file, n,
			      "setting '%s': use lower case, digits and _",
			      r->setting);
		return false;
	}
	first = catalogue_setting(l->c, r->setting);
	if (first && !ports_equal(first->ports, first->nports, r->ports,
				  r->nports)) {
		load_error_at(l->err, l->file, n,
			      "setting '%s' has other default ports in rule '%s'",
			      r->setting, first->id);
		return false;
	}
	return true;
}

static bool rule_ports(struct loader *l, const struct ynode *map,
		       struct rule *r)
{
	const struct ynode *n = ymap_get(map, "ports");

	if (r->has_ip_proto) {
		if (n) {
			load_error_at(l->err, l->file, n,
				      "ports apply to tcp and udp only");
			return false;
		}
		return true;
	}
	if (!n) {
		load_error_at(l->err, l->file, map,
			      "a tcp or udp rule needs 'ports'");
		return false;
	}
	return ports_parse(n, l->file, &r->ports, &r->nports, l->err);
}

static bool rule_tag(struct loader *l, const struct ynode *n, struct rule *r)
{
	int tag;

	if (!ynode_expect(n, Y_SCALAR, "tag", l->file, l->err))
		return false;
	tag = catalogue_tag(l->c, n->text);
	if (tag < 0)
		return unknown_name(l, n, false);
	r->tag = (unsigned)tag;
	return true;
}

static const char *const rule_keys[] = {
	"id", "from", "to", "proto", "ports", "tag", "comment", "note",
	"source", "configurable", "optional", "debug", "tm", NULL
};

static bool rule_fill(struct loader *l, const struct ynode *m, struct rule *r)
{
	const struct ynode *id, *from, *to, *proto, *tag, *n;

	if (!ynode_expect(m, Y_MAPPING, "a rule", l->file, l->err) ||
	    !ymap_check_keys(m, rule_keys, l->file, l->err) ||
	    !(id = required(l, m, "id")) || !(from = required(l, m, "from")) ||
	    !(to = required(l, m, "to")) || !(proto = required(l, m, "proto")) ||
	    !(tag = required(l, m, "tag")))
		return false;
	r->line = id->line;
	r->col = id->col;
	if (!scalar_text(l, id, "id", &r->id))
		return false;
	if (!word_ok(r->id, true) || strlen(r->id) > CAT_MAX_ID) {
		load_error_at(l->err, l->file, id,
			      "rule id '%s': up to %d lower-case letters, digits, "
			      "'-', '.' and '_'", r->id, CAT_MAX_ID);
		return false;
	}
	if (!rule_ids_unique(l, id) ||
	    !rule_role(l, from, "from", &r->from, &r->from_name) ||
	    !rule_role(l, to, "to", &r->to, &r->to_name) ||
	    !rule_proto(l, proto, r) || !rule_ports(l, m, r) ||
	    !rule_tag(l, tag, r) || !rule_flag(l, m, "optional", &r->optional) ||
	    !rule_flag(l, m, "debug", &r->debug) ||
	    !rule_flag(l, m, "tm", &r->tm))
		return false;
	if ((n = ymap_get(m, "comment")) && !scalar_text(l, n, "comment", &r->comment))
		return false;
	if ((n = ymap_get(m, "note")) && !scalar_text(l, n, "note", &r->note))
		return false;
	if ((n = ymap_get(m, "source")) && !scalar_text(l, n, "source", &r->source))
		return false;
	if ((n = ymap_get(m, "configurable")) && !rule_setting(l, n, r))
		return false;
	if (r->tm && r->has_ip_proto) {
		load_error_at(l->err, l->file, ymap_get(m, "tm"),
			      "a TM twin needs ports");
		return false;
	}
	return true;
}

static bool add_rule(struct loader *l, const struct ynode *m)
{
	struct catalogue *c = l->c;
	struct rule *r;

	if (c->nrules == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct rule *rules = realloc(c->rules, cap * sizeof *rules);

		if (!rules) {
			load_error_at(l->err, l->file, m, "out of memory");
			return false;
		}
		c->rules = rules;
		c->cap = cap;
	}
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof *r);
	r->file = l->file;
	r->twin_of = -1;
	if (!rule_fill(l, m, r)) {
		rule_free(r);
		return false;
	}
	if (r->nports == 0 && !r->has_ip_proto) {
		rule_free(r);
		load_error_at(l->err, l->file, m, "a rule needs ports or a protocol");
		return false;
	}
	/* Indexed once it is in: an index never names a rule that is not.
	 * The first rule naming a setting stays its entry. */
	c->nrules++;
	if (hash_index_add(&c->ids, r->id, strlen(r->id),
			   (uint32_t)(c->nrules - 1)) < 0 ||
	    (r->setting && hash_index_add(&c->settings, r->setting,
					  strlen(r->setting),
					  (uint32_t)(c->nrules - 1)) < 0)) {
		load_error_at(l->err, l->file, m, "out of memory");
		return false;
	}
	return true;
}

/* roles: and tags: declare names a file adds to the built-in ones. */
static bool declare(struct loader *l, const struct ynode *n, bool roles)
{
	char **names = roles ? l->c->roles : l->c->tags;
	size_t *count = roles ? &l->c->nroles : &l->c->ntags;
	size_t max = roles ? CAT_MAX_ROLES : CAT_MAX_TAGS;
	const char *what = roles ? "roles" : "tags";

	if (!ynode_expect(n, Y_SEQUENCE, what, l->file, l->err))
		return false;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *item = n->items[i];
		bool known;

		if (!ynode_expect(item, Y_SCALAR, "a name", l->file, l->err))
			return false;
		known = roles ? catalogue_role(l->c, item->text) >= 0 ||
					strcmp(item->text, "any") == 0 ||
					strcmp(item->text, "lucs_server") == 0
			      : catalogue_tag(l->c, item->text) >= 0;
		if (known) {
			load_error_at(l->err, l->file, item, "%s: '%s' is already known",
				      what, item->text);
			return false;
		}
		if (roles ? !word_ok(item->text, false) ||
				    strlen(item->text) > CAT_MAX_ID
			  : !tag_ok(item->text)) {
			load_error_at(l->err, l->file, item, "%s: '%s' is not a valid name",
				      what, item->text);
			return false;
		}
		if (*count == max) {
			load_error_at(l->err, l->file, item, "more than %zu %s", max, what);
			return false;
		}
		if (!(names[*count] = strdup(item->text))) {
			load_error_at(l->err, l->file, item, "out of memory");
			return false;
		}
		(*count)++;
	}
	return true;
}

static bool load_tm(struct loader *l, const struct ynode *n)
{
	static const char *const keys[] = { "offset", NULL };
	const struct ynode *off;
	unsigned long v;

	if (!ynode_expect(n, Y_MAPPING, "tm", l->file, l->err) ||
	    !ymap_check_keys(n, keys, l->file, l->err))
		return false;
	off = ymap_get(n, "offset");
	if (!off)
		return true;
	if (!ynode_uint(off, 1, 65534, &v, l->file, l->err))
		return false;
	l->c->tm_offset = (unsigned)v;
	return true;
}

static const char *const top_keys[] = {
	"version", "tm", "roles", "tags", "rules", NULL
};

static bool load_doc(struct loader *l, const struct ydoc *d)
{
	const struct ynode *root = ydoc_root(d), *n;
	unsigned long version;

	if (ydoc_empty(root)) {
		load_error_at(l->err, l->file, NULL,
			      "empty: a catalogue is a mapping with 'rules:'");
		return false;
	}
	if (!ynode_expect(root, Y_MAPPING, "a catalogue", l->file, l->err) ||
	    !ymap_check_keys(root, top_keys, l->file, l->err))
		return false;
	if ((n = ymap_get(root, "version")) &&
	    !ynode_uint(n, 1, 1, &version, l->file, l->err))
		return false;
	if ((n = ymap_get(root, "tm")) && !load_tm(l, n))
		return false;
	if ((n = ymap_get(root, "roles")) && !declare(l, n, true))
		return false;
	if ((n = ymap_get(root, "tags")) && !declare(l, n, false))
		return false;
	n = ymap_get(root, "rules");
	if (!n) {
		load_error_at(l->err, l->file, root, "no 'rules:' in this catalogue");
		return false;
	}
	if (!ynode_expect(n, Y_SEQUENCE, "rules", l->file, l->err))
		return false;
	for (size_t i = 0; i < n->n; i++)
		if (!add_rule(l, n->items[i]))
			return false;
	return true;
}

/* Rules keep a pointer to their file's name: the catalogue owns it. */
static const char *remember_file(struct catalogue *c, const char *name)
{
	char **files = realloc(c->files, (c->nfiles + 1) * sizeof *files);

	if (!files)
		return NULL;
	c->files = files;
	files[c->nfiles] = strdup(name);
	return files[c->nfiles] ? files[c->nfiles++] : NULL;
}

static bool load_parsed(struct catalogue *c, const char *name,
			struct ydoc *d, struct load_error *err)
{
	struct loader l = { c, remember_file(c, name), err };
	bool ok;

	if (!l.file) {
		load_error_at(err, name, NULL, "out of memory");
		ydoc_free(d);
		return false;
	}
	ok = load_doc(&l, d);
	ydoc_free(d);
	return ok;
}

bool catalogue_load_string(struct catalogue *c, const char *name,
			   const char *text, size_t len,
			   struct load_error *err)
{
	struct ydoc *d = ydoc_parse(name, text, len, err);

	return d && load_parsed(c, name, d, err);
}

bool catalogue_load_file(struct catalogue *c, const char *path,
			 struct load_error *err)
{
	struct ydoc *d = ydoc_load_file(path, err);

	return d && load_parsed(c, path, d, err);
}

const char *catalogue_default_text(size_t *len)
{
	*len = lucs_default_catalogue_len;
	return lucs_default_catalogue;
}

bool catalogue_load_default(struct catalogue *c, struct load_error *err)
{
	return catalogue_load_string(c, "rules/lucs.yaml (built in)",
				     lucs_default_catalogue,
				     lucs_default_catalogue_len, err);
}
