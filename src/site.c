/* site.c: site inventory files into prefixes and overrides, which it
 * owns once loaded. */
#include "site.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct site_loader {
	struct site *s;
	const struct catalogue *c;
	const char *file;
	struct load_error *err;
};

void site_free(struct site *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->noverrides; i++) {
		free(s->overrides[i].setting);
		free(s->overrides[i].ports);
	}
	free(s->overrides);
	free(s->prefixes);
	free(s->file);
	free(s);
}

static bool prefix_matches(const struct prefix *p, int family,
			   const uint8_t *addr)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (p->family != family || memcmp(p->addr, addr, full) != 0)
		return false;
	return rest == 0 ||
	       ((p->addr[full] ^ addr[full]) & (0xff00 >> rest) & 0xff) == 0;
}

uint64_t site_roles(const struct site *s, int family, const uint8_t *addr)
{
	uint64_t roles = 0;

	for (size_t i = 0; i < s->nprefixes; i++)
		if (prefix_matches(&s->prefixes[i], family, addr))
			roles |= s->prefixes[i].roles;
	return roles;
}

const struct site_override *site_override(const struct site *s,
					  const char *setting)
{
	for (size_t i = 0; s && i < s->noverrides; i++)
		if (strcmp(s->overrides[i].setting, setting) == 0)
			return &s->overrides[i];
	return NULL;
}

/* "10.20.0.0/16", "2001:db8::11" (a host is a full-length prefix). */
static bool parse_prefix(struct site_loader *l, const struct ynode *n,
			 struct prefix *p)
{
	char text[64];
	char *slash;
	unsigned long len;
	unsigned max;

	if (!ynode_expect(n, Y_SCALAR, "an address", l->file, l->err))
		return false;
	if (strlen(n->text) >= sizeof text)
		goto bad;
	strcpy(text, n->text);
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	memset(p, 0, sizeof *p);
	if (inet_pton(AF_INET, text, p->addr) == 1)
		p->family = 4;
	else if (inet_pton(AF_INET6, text, p->addr) == 1)
		p->family = 6;
	else
		goto bad;
	max = p->family == 4 ? 32 : 128;
	len = max;
	if (slash) {
		char *end;

		if (slash[1] < '0' || slash[1] > '9')
			goto bad;
		len = strtoul(slash + 1, &end, 10);
		if (*end)
			goto bad;
		if (len > max) {
			load_error_at(l->err, l->file, n,
				      "'%s': prefix length must be 0-%u", n->text,
				      max);
			return false;
		}
	}
	p->len = (uint8_t)len;
	for (unsigned bit = (unsigned)len; bit < max; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8))) {
			load_error_at(l->err, l->file, n,
				      "'%s' has host bits set after /%lu",
				      n->text, len);
			return false;
		}
	return true;
bad:
	load_error_at(l->err, l->file, n,
		      "'%s' is not an IPv4 or IPv6 address or prefix", n->text);
	return false;
}

static bool add_prefix(struct site_loader *l, const struct ynode *n,
		       uint64_t role)
{
	struct site *s = l->s;
	struct prefix p, *grown;

	if (!parse_prefix(l, n, &p))
		return false;
	p.roles = role;
	grown = realloc(s->prefixes, (s->nprefixes + 1) * sizeof *grown);
	if (!grown) {
		load_error_at(l->err, l->file, n, "out of memory");
		return false;
	}
	s->prefixes = grown;
	s->prefixes[s->nprefixes++] = p;
	return true;
}

static bool load_roles(struct site_loader *l, const struct ynode *m)
{
	if (!ynode_expect(m, Y_MAPPING, "roles", l->file, l->err))
		return false;
	for (size_t i = 0; i < m->n; i += 2) {
		const struct ynode *k = m->items[i], *v = m->items[i + 1];
		int role = catalogue_role(l->c, k->text);

		if (role < 0 && strcmp(k->text, "lucs_server") == 0) {
			load_error_at(l->err, l->file, k,
				      "'lucs_server' means either LUCS server in "
				      "rules: list addresses under lucs_server_01 "
				      "and lucs_server_02");
			return false;
		}
		if (role < 0) {
			load_error_at(l->err, l->file, k, "unknown role '%s'",
				      k->text);
			return false;
		}
		if (v->type == Y_SCALAR) {
			if (!add_prefix(l, v, 1ULL << role))
				return false;
			continue;
		}
		if (!ynode_expect(v, Y_SEQUENCE, "a role's addresses", l->file,
				  l->err))
			return false;
		for (size_t j = 0; j < v->n; j++)
			if (!add_prefix(l, v->items[j], 1ULL << role))
				return false;
	}
	return true;
}

static bool load_ports(struct site_loader *l, const struct ynode *m)
{
	struct site *s = l->s;

	if (!ynode_expect(m, Y_MAPPING, "ports", l->file, l->err))
		return false;
	s->overrides = calloc(m->n / 2 + 1, sizeof *s->overrides);
	if (!s->overrides) {
		load_error_at(l->err, l->file, m, "out of memory");
		return false;
	}
	for (size_t i = 0; i < m->n; i += 2) {
		const struct ynode *k = m->items[i];
		struct site_override *o = &s->overrides[s->noverrides];

		if (!catalogue_setting(l->c, k->text)) {
			load_error_at(l->err, l->file, k,
				      "unknown setting '%s': the catalogue's "
				      "configurable ports are listed by "
				      "'lucsaudit --check'", k->text);
			return false;
		}
		if (!ports_parse(m->items[i + 1], l->file, &o->ports,
				 &o->nports, l->err))
			return false;
		o->line = m->items[i + 1]->line;
		o->col = m->items[i + 1]->col;
		o->setting = strdup(k->text);
		s->noverrides++;
		if (!o->setting) {
			load_error_at(l->err, l->file, k, "out of memory");
			return false;
		}
	}
	return true;
}

static const char *const site_keys[] = { "roles", "ports", "tm", NULL };

static bool load_site(struct site_loader *l, const struct ynode *root)
{
	const struct ynode *n;
	bool tm;

	if (ydoc_empty(root)) {
		load_error_at(l->err, l->file, NULL,
			      "empty: a site is a mapping with 'roles:'");
		return false;
	}
	if (!ynode_expect(root, Y_MAPPING, "a site", l->file, l->err) ||
	    !ymap_check_keys(root, site_keys, l->file, l->err))
		return false;
	if ((n = ymap_get(root, "roles")) && !load_roles(l, n))
		return false;
	if ((n = ymap_get(root, "ports")) && !load_ports(l, n))
		return false;
	if ((n = ymap_get(root, "tm"))) {
		if (!ynode_bool(n, &tm, l->file, l->err))
			return false;
		l->s->tm_off = !tm;
	}
	return true;
}

static struct site *site_from(struct ydoc *d, const char *name,
			      const struct catalogue *c,
			      struct load_error *err)
{
	struct site_loader l = { calloc(1, sizeof(struct site)), c, name, err };

	if (!d)
		goto fail;
	if (!l.s) {
		load_error_at(err, name, NULL, "out of memory");
		goto fail;
	}
	if (!load_site(&l, ydoc_root(d)))
		goto fail;
	l.s->file = strdup(name);
	if (!l.s->file) {
		load_error_at(err, name, NULL, "out of memory");
		goto fail;
	}
	ydoc_free(d);
	return l.s;
fail:
	ydoc_free(d);
	site_free(l.s);
	return NULL;
}

struct site *site_load_string(const char *name, const char *text, size_t len,
			      const struct catalogue *c,
			      struct load_error *err)
{
	return site_from(ydoc_parse(name, text, len, err), name, c, err);
}

struct site *site_load_file(const char *path, const struct catalogue *c,
			    struct load_error *err)
{
	return site_from(ydoc_load_file(path, err), path, c, err);
}
