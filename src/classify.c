/* classify.c: compiled port tables and once-per-flow verdicts.  It owns
 * the compiled rules, the port tables and the interned classes; it never
 * writes a flow (flow.c applies what it returns). */
#include "classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define CACHE_SLOTS 4096	/* (rule set, roles) -> class, power of two */
/* A port documented only through a range wider than this (the SfB media
 * range 49152-57500 overlaps every OS's ephemeral ports) says little about
 * which side is the server. */
#define NARROW_RANGE 1024

struct rule_set {
	uint16_t *rules;
	size_t n;
	uint32_t port_only_class;	/* class id + 1 once computed */
};

struct cache_entry {
	uint64_t client_roles, server_roles;
	uint32_t set;
	uint32_t class_id;	/* + 1; 0 = empty */
};

struct classifier {
	const struct catalogue *cat;
	const struct site *site;
	bool role_aware;
	struct rule *rules;	/* compiled: ids and ports owned */
	size_t nrules;
	struct rule_set *sets;	/* sets[0] is the empty set */
	size_t nsets, capsets;
	struct hash_index set_index;	/* a set's rules -> its index */
	uint16_t port_set[2][65536];	/* [tcp, udp][server port] */
	uint8_t narrow[2][65536 / 8];	/* bit: a narrow range documents it */
	uint16_t proto_set[256];	/* portless protocols */
	struct verdict_class *classes;	/* classes[0] is VERDICT_NONE */
	size_t nclasses, capclasses;
	uint16_t *matched;	/* scratch: nrules entries */
	struct cache_entry cache[CACHE_SLOTS];
};

static const char *const verdict_names[VERDICT_COUNT] = {
	"none", "expected", "debug", "unexpected", "out_of_scope"
};

static const char *const reason_names[REASON_COUNT] = {
	"", "role_mismatch", "undocumented_port"
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_names[v] : "?";
}

const char *reason_name(enum reason r)
{
	return (unsigned)r < REASON_COUNT ? reason_names[r] : "?";
}

void classifier_free(struct classifier *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < cl->nrules; i++) {
		free(cl->rules[i].id);
		free(cl->rules[i].ports);
	}
	free(cl->rules);
	for (size_t i = 0; i < cl->nsets; i++)
		free(cl->sets[i].rules);
	free(cl->sets);
	hash_index_free(&cl->set_index);
	for (size_t i = 0; i < cl->nclasses; i++)
		free(cl->classes[i].rules);
	free(cl->classes);
	free(cl->matched);
	free(cl);
}

/* --- compiling the rules ----------------------------------------------------- */

/* A compiled rule shares the catalogue's strings but owns its id and its
 * ports, which the site or the TM offset may have changed. */
static bool compiled_add(struct classifier *cl, const struct rule *base,
			 const char *id, const struct port_range *ports,
			 size_t nports)
{
	struct rule *r = &cl->rules[cl->nrules];

	*r = *base;
	r->id = strdup(id);
	r->ports = nports ? malloc(nports * sizeof *ports) : NULL;
	if (!r->id || (nports && !r->ports)) {
		free(r->id);
		free(r->ports);
		return false;
	}
	if (nports)
		memcpy(r->ports, ports, nports * sizeof *ports);
	r->nports = nports;
	cl->nrules++;
	return true;
}

/* Blame what the user can edit: the site's value when it set the ports. */
static void twin_overflow(const struct classifier *cl, const struct rule *base,
			  unsigned port, struct load_error *err)
{
	const struct site_override *o =
		base->setting ? site_override(cl->site, base->setting) : NULL;

	if (o)
		load_error_pos(err, cl->site->file, o->line, o->col,
			       "%s: the TM twin of rule '%s' would need port %u, "
			       "beyond 65535 (tm offset %u; or set tm: false)",
			       base->setting, base->id, port, cl->cat->tm_offset);
	else
		load_error_pos(err, base->file, base->line, base->col,
			       "the TM twin of rule '%s' would need port %u, "
			       "beyond 65535 (tm offset %u)", base->id, port,
			       cl->cat->tm_offset);
}

/* TM uses the LUCS ports plus a flat offset (the vendor's example: PS on
 * 19400 for LUCS, 21400 for TM). */
static bool add_twin(struct classifier *cl, size_t base_index,
		     struct load_error *err)
{
	const struct rule *base = &cl->rules[base_index];
	unsigned off = cl->cat->tm_offset;
	struct port_range shifted[64];
	char id[256];
	struct rule twin;

	if (base->nports > sizeof shifted / sizeof *shifted) {
		load_error_pos(err, base->file, base->line, base->col,
			       "rule '%s': too many port ranges for a TM twin",
			       base->id);
		return false;
	}
	for (size_t i = 0; i < base->nports; i++) {
		if (base->ports[i].hi + off > 65535) {
			twin_overflow(cl, base, base->ports[i].hi + off, err);
			return false;
		}
		shifted[i].lo = (uint16_t)(base->ports[i].lo + off);
		shifted[i].hi = (uint16_t)(base->ports[i].hi + off);
	}
	snprintf(id, sizeof id, "%s-tm", base->id);
	if (catalogue_rule(cl->cat, id)) {
		load_error_pos(err, base->file, base->line, base->col,
			       "rule '%s' has a TM twin, whose id '%s' another "
			       "rule already has", base->id, id);
		return false;
	}
	twin = *base;
	twin.tag = TAG_TM;
	twin.tm = false;
	twin.twin_of = (int)base_index;
	return compiled_add(cl, &twin, id, shifted, base->nports);
}

static bool compile_rules(struct classifier *cl, struct load_error *err)
{
	const struct catalogue *c = cl->cat;
	bool tm = !(cl->site && cl->site->tm_off);

	cl->rules = calloc(c->nrules * 2 + 1, sizeof *cl->rules);
	if (!cl->rules)
		goto nomem;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		const struct site_override *o =
			r->setting ? site_override(cl->site, r->setting) : NULL;
		size_t base = cl->nrules;

		if (!compiled_add(cl, r, r->id, o ? o->ports : r->ports,
				  o ? o->nports : r->nports))
			goto nomem;
		if (r->tm && tm && !add_twin(cl, base, err))
			return false;
	}
	if (cl->nrules > UINT16_MAX) {
		load_error_at(err, c->nfiles ? c->files[0] : "catalogue", NULL,
			      "more than %u rules", UINT16_MAX);
		return false;
	}
	return true;
nomem:
	load_error_at(err, "catalogue", NULL, "out of memory");
	return false;
}

/* --- port tables --------------------------------------------------------- */

/* Rule sets are interned: equal sets share one index, found by hashing
 * (a port table can hold 65536 sets). */
static int set_intern(struct classifier *cl, const uint16_t *rules, size_t n)
{
	struct rule_set *set;
	long found = hash_index_find(&cl->set_index, rules, n * sizeof *rules);

	if (found >= 0)
		return (int)found;
	if (cl->nsets > UINT16_MAX)
		return -1;
	if (cl->nsets == cl->capsets) {
		size_t cap = cl->capsets ? cl->capsets * 2 : 64;
		struct rule_set *sets = realloc(cl->sets, cap * sizeof *sets);

		if (!sets)
			return -1;
		cl->sets = sets;
		cl->capsets = cap;
	}
	set = &cl->sets[cl->nsets];
	set->rules = n ? malloc(n * sizeof *rules) : NULL;
	if (n && !set->rules)
		return -1;
	if (n)
		memcpy(set->rules, rules, n * sizeof *rules);
	set->n = n;
	set->port_only_class = 0;
	if (hash_index_add(&cl->set_index, set->rules, n * sizeof *rules,
			   (uint32_t)cl->nsets) < 0) {
		free(set->rules);
		return -1;
	}
	return (int)cl->nsets++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Where a rule's port range opens or closes, as one sortable word: the
 * port (0-65536) on top, then the rule, whether the range is narrow, and
 * whether it opens there. */
static uint64_t range_edge(uint32_t port, size_t rule, bool narrow,
			   bool opens)
{
	return (uint64_t)port << 32 | (uint64_t)rule << 2 |
	       (uint64_t)narrow << 1 | opens;
}

/* The rules whose bit is set, in index order. */
static size_t bits_to_rules(const uint64_t *on, size_t words,
			    uint16_t *rules)
{
	size_t n = 0;

	for (size_t w = 0; w < words; w++)
		for (uint64_t x = on[w]; x; x &= x - 1)
			rules[n++] = (uint16_t)(w * 64 +
						(unsigned)__builtin_ctzll(x));
	return n;
}

struct sweep {
	uint64_t *edges;	/* sorted range_edge words */
	size_t nedges;
	uint32_t *cover;	/* per rule: its ranges open here */
	uint64_t *on;		/* per rule: a bit, cover > 0 */
	size_t words;
};

static bool sweep_init(struct sweep *w, const struct classifier *cl,
		       uint8_t l4_bit)
{
	size_t cap = 1;

	for (size_t i = 0; i < cl->nrules; i++)
		if (cl->rules[i].l4 & l4_bit)
			cap += 2 * cl->rules[i].nports;
	w->nedges = 0;
	w->words = cl->nrules / 64 + 1;
	w->edges = malloc(cap * sizeof *w->edges);
	w->cover = calloc(cl->nrules + 1, sizeof *w->cover);
	w->on = calloc(w->words, sizeof *w->on);
	if (!w->edges || !w->cover || !w->on)
		return false;
	for (size_t i = 0; i < cl->nrules; i++) {
		if (!(cl->rules[i].l4 & l4_bit))
			continue;
		for (size_t j = 0; j < cl->rules[i].nports; j++) {
			const struct port_range *r = &cl->rules[i].ports[j];
			bool narrow = r->hi - r->lo < NARROW_RANGE;

			w->edges[w->nedges++] = range_edge(r->lo, i, narrow, true);
			w->edges[w->nedges++] =
				range_edge((uint32_t)r->hi + 1, i, narrow, false);
		}
	}
	qsort(w->edges, w->nedges, sizeof *w->edges, cmp_u64);
	return true;
}

static void sweep_free(struct sweep *w)
{
	free(w->edges);
	free(w->cover);
	free(w->on);
}

/* The set of rules documenting a port, and whether a narrow range does,
 * change only where some range opens or closes: one sweep over the sorted
 * edges fills the table and the narrow bits segment by segment, interning
 * a set only where it changed.  Linear in the ranges (after the sort) and
 * the table, where testing every rule at every edge was quadratic. */
static bool fill_port_table(struct classifier *cl, uint8_t l4_bit, int table,
			    uint16_t *scratch)
{
	struct sweep w;
	size_t e = 0;
	unsigned narrow = 0;
	int set = 0;
	bool ok = sweep_init(&w, cl, l4_bit);

	for (uint32_t port = 0; ok && port < 65536;) {
		bool changed = port == 0;
		uint32_t next;

		for (; e < w.nedges && w.edges[e] >> 32 == port; e++) {
			size_t r = (size_t)(w.edges[e] >> 2 & 0xffff);
			bool opens = w.edges[e] & 1;

			if (w.edges[e] & 2)
				narrow = opens ? narrow + 1 : narrow - 1;
			if (opens ? w.cover[r]++ == 0 : --w.cover[r] == 0) {
				w.on[r / 64] ^= 1ULL << (r % 64);
				changed = true;
			}
		}
		if (changed)
			set = set_intern(cl, scratch,
					 bits_to_rules(w.on, w.words, scratch));
		ok = set >= 0;
		next = e < w.nedges ? (uint32_t)(w.edges[e] >> 32) : 65536;
		for (; ok && port < next; port++) {
			cl->port_set[table][port] = (uint16_t)set;
			if (narrow)
				cl->narrow[table][port / 8] |=
					(uint8_t)(1u << (port % 8));
		}
	}
	sweep_free(&w);
	return ok;
}

static bool fill_proto_table(struct classifier *cl, uint16_t *scratch)
{
	for (unsigned proto = 0; proto < 256; proto++) {
		size_t n = 0;
		int set;

		for (size_t i = 0; i < cl->nrules; i++)
			if (cl->rules[i].has_ip_proto &&
			    cl->rules[i].ip_proto == proto)
				scratch[n++] = (uint16_t)i;
		set = set_intern(cl, scratch, n);
		if (set < 0)
			return false;
		cl->proto_set[proto] = (uint16_t)set;
	}
	return true;
}

static bool build_tables(struct classifier *cl, struct load_error *err)
{
	uint16_t *scratch = malloc((cl->nrules + 1) * sizeof *scratch);
	bool ok;

	ok = scratch && set_intern(cl, NULL, 0) == 0 &&
		  fill_port_table(cl, PROTO_TCP, 0, scratch) &&
		  fill_port_table(cl, PROTO_UDP, 1, scratch) &&
		  fill_proto_table(cl, scratch);

	cl->matched = scratch;
	if (!ok)
		load_error_at(err, "catalogue", NULL, "out of memory");
	return ok;
}

struct classifier *classifier_new(const struct catalogue *c,
				  const struct site *s,
				  struct load_error *err)
{
	struct classifier *cl = calloc(1, sizeof *cl);

	if (!cl) {
		load_error_at(err, "catalogue", NULL, "out of memory");
		return NULL;
	}
	cl->cat = c;
	cl->site = s;
	cl->role_aware = s && s->nprefixes > 0;
	cl->classes = calloc(1, sizeof *cl->classes);
	if (!cl->classes) {
		load_error_at(err, "catalogue", NULL, "out of memory");
		classifier_free(cl);
		return NULL;
	}
	cl->nclasses = cl->capclasses = 1;
	if (!compile_rules(cl, err) || !build_tables(cl, err)) {
		classifier_free(cl);
		return NULL;
	}
	return cl;
}

/* --- classifying --------------------------------------------------------- */

static uint16_t set_index(const struct classifier *cl, uint8_t proto,
			  uint16_t port)
{
	switch (proto) {
	case IPPROTO_NUM_TCP:
		return cl->port_set[0][port];
	case IPPROTO_NUM_UDP:
		return cl->port_set[1][port];
	default:
		return cl->proto_set[proto];
	}
}

static const struct rule_set *set_for(const struct classifier *cl,
				      uint8_t proto, uint16_t port)
{
	return &cl->sets[set_index(cl, proto, port)];
}

static bool roles_match(uint64_t want, uint64_t have)
{
	return want == ROLES_ANY || (want & have) != 0;
}

static bool rule_fits(const struct rule *r, uint64_t client, uint64_t server)
{
	return roles_match(r->from, client) && roles_match(r->to, server);
}

static bool port_narrow(const struct classifier *cl, uint8_t proto,
			uint16_t port)
{
	int table = proto == IPPROTO_NUM_TCP ? 0 : 1;

	return (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP) &&
	       (cl->narrow[table][port / 8] >> (port % 8) & 1);
}

/* How well the catalogue says a flow's server is this endpoint: 3 a rule
 * fits its port and (with a site) both roles, 2 its port is documented as
 * a single port or narrow range, 1 only inside a wide range, 0 not. */
static int documented(const struct classifier *cl, const struct flow *f,
		      unsigned server, const uint64_t roles[2])
{
	uint16_t port = f->key.port[server];
	const struct rule_set *set = set_for(cl, f->key.proto, port);

	if (set->n == 0)
		return 0;
	for (size_t i = 0; cl->role_aware && i < set->n; i++)
		if (rule_fits(&cl->rules[set->rules[i]], roles[server ^ 1],
			      roles[server]))
			return 3;
	return port_narrow(cl, f->key.proto, port) ? 2 : 1;
}

static uint32_t class_intern(struct classifier *cl, enum verdict v,
			     enum reason why, const uint16_t *rules, size_t n)
{
	struct verdict_class *k;
	uint32_t tags = 0;

	for (size_t i = 0; i < n; i++)
		tags |= 1u << cl->rules[rules[i]].tag;
	for (size_t i = 1; i < cl->nclasses; i++) {
		k = &cl->classes[i];
		if (k->verdict == v && k->reason == why && k->nrules == n &&
		    (n == 0 || memcmp(k->rules, rules, n * sizeof *rules) == 0))
			return (uint32_t)i;
	}
	if (cl->nclasses == cl->capclasses) {
		size_t cap = cl->capclasses * 2;
		struct verdict_class *grown =
			realloc(cl->classes, cap * sizeof *grown);

		if (!grown)
			return 0;
		cl->classes = grown;
		cl->capclasses = cap;
	}
	k = &cl->classes[cl->nclasses];
	memset(k, 0, sizeof *k);
	k->rules = n ? malloc(n * sizeof *rules) : NULL;
	if (n && !k->rules)
		return 0;
	if (n)
		memcpy(k->rules, rules, n * sizeof *rules);
	k->verdict = v;
	k->reason = why;
	k->tags = tags;
	k->nrules = n;
	return (uint32_t)cl->nclasses++;
}

/* Matched rules: expected when one is not a debug rule, else debug. */
static uint32_t class_of_matches(struct classifier *cl, const uint16_t *rules,
				 size_t n, size_t candidates)
{
	bool all_debug = true;

	if (n == 0)
		return class_intern(cl, VERDICT_UNEXPECTED,
				    candidates ? REASON_ROLE_MISMATCH
					       : REASON_UNDOCUMENTED_PORT,
				    NULL, 0);
	for (size_t i = 0; i < n && all_debug; i++)
		all_debug = cl->rules[rules[i]].debug;
	return class_intern(cl, all_debug ? VERDICT_DEBUG : VERDICT_EXPECTED,
			    REASON_NONE, rules, n);
}

static uint32_t role_class(struct classifier *cl, const struct rule_set *set,
			   uint64_t client, uint64_t server)
{
	size_t n = 0;

	if (client == 0 && server == 0)
		return class_intern(cl, VERDICT_OUT_OF_SCOPE, REASON_NONE, NULL, 0);
	for (size_t i = 0; i < set->n; i++)
		if (rule_fits(&cl->rules[set->rules[i]], client, server))
			cl->matched[n++] = set->rules[i];
	return class_of_matches(cl, cl->matched, n, set->n);
}

/* Distinct (rule set, client roles, server roles) are few: a small
 * direct-mapped cache keeps the per-flow cost at one probe. */
static uint32_t cached_role_class(struct classifier *cl, uint32_t set_index,
				  uint64_t client, uint64_t server)
{
	uint64_t h = (client * 0x9e3779b97f4a7c15ULL) ^
		     (server * 0xc2b2ae3d27d4eb4fULL) ^ set_index;
	struct cache_entry *e =
		&cl->cache[(h ^ (h >> 29)) & (CACHE_SLOTS - 1)];

	if (e->class_id && e->set == set_index && e->client_roles == client &&
	    e->server_roles == server)
		return e->class_id - 1;
	e->class_id = role_class(cl, &cl->sets[set_index], client, server) + 1;
	e->set = set_index;
	e->client_roles = client;
	e->server_roles = server;
	return e->class_id - 1;
}

struct flow_class classify_flow(struct classifier *cl, const struct flow *f)
{
	uint64_t roles[2] = { 0, 0 };
	struct flow_class out = { 0, f->client };
	struct rule_set *set;
	unsigned server;

	if (cl->role_aware) {
		roles[0] = site_roles(cl->site, f->key.family, f->key.addr[0]);
		roles[1] = site_roles(cl->site, f->key.family, f->key.addr[1]);
	}
	/* Packets that did not say who opened the conversation: turn the flow
	 * round only when the catalogue documents the other way clearly
	 * better (a fitting rule, or a narrow port against none); otherwise
	 * keep the flow's own guess (UDP: first sender; TCP: higher port). */
	if (!f->oriented) {
		int now = documented(cl, f, flow_server(f), roles);
		int turned = documented(cl, f, f->client, roles);

		if (turned >= 2 && turned > now)
			out.client = (uint8_t)flow_server(f);
	}
	server = out.client ^ 1u;
	set = &cl->sets[set_index(cl, f->key.proto, f->key.port[server])];
	if (!cl->role_aware) {
		if (!set->port_only_class)
			set->port_only_class =
				class_of_matches(cl, set->rules, set->n, 0) + 1;
		out.class_id = set->port_only_class - 1;
		return out;
	}
	out.class_id = cached_role_class(cl, (uint32_t)(set - cl->sets),
					 roles[out.client], roles[server]);
	return out;
}

/* --- queries -------------------------------------------------------------- */

const struct verdict_class *classifier_class(const struct classifier *cl,
					     uint32_t id)
{
	return &cl->classes[id < cl->nclasses ? id : 0];
}

size_t classifier_class_count(const struct classifier *cl)
{
	return cl->nclasses;
}

const struct rule *classifier_rules(const struct classifier *cl, size_t *n)
{
	*n = cl->nrules;
	return cl->rules;
}

const struct catalogue *classifier_catalogue(const struct classifier *cl)
{
	return cl->cat;
}

const struct site *classifier_site(const struct classifier *cl)
{
	return cl->site;
}

void classifier_documented_ports(const struct classifier *cl, size_t *tcp,
				 size_t *udp)
{
	*tcp = *udp = 0;
	for (size_t p = 0; p < 65536; p++) {
		*tcp += cl->port_set[0][p] != 0;
		*udp += cl->port_set[1][p] != 0;
	}
}

bool classifier_has_site(const struct classifier *cl)
{
	return cl->role_aware;
}

bool classifier_rule_applies(const struct classifier *cl, size_t rule)
{
	const struct rule *r = &cl->rules[rule];
	uint64_t present = 0;

	if (!cl->role_aware)
		return true;
	for (size_t i = 0; i < cl->site->nprefixes; i++)
		present |= cl->site->prefixes[i].roles;
	return (r->from == ROLES_ANY || (r->from & present)) &&
	       (r->to == ROLES_ANY || (r->to & present));
}

uint64_t classifier_roles(const struct classifier *cl, int family,
			  const uint8_t *addr)
{
	return cl->role_aware ? site_roles(cl->site, family, addr) : 0;
}

const uint16_t *classifier_port_rules(const struct classifier *cl,
				      uint8_t proto, uint16_t port, size_t *n)
{
	const struct rule_set *set = set_for(cl, proto, port);

	*n = set->n;
	return set->rules;
}
