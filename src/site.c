/* site.c: site inventory files into prefixes and overrides, and the
 * index that site_roles and site_override look them up in; it owns all
 * three once loaded. */
#include "site.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "suggest.h"

struct site_loader {
	struct site *s;
	const struct catalogue *c;
	const char *file;
	struct load_error *err;
	size_t cap;		/* prefixes allocated */
};

/* --- the role index --------------------------------------------------------
 *
 * Two prefixes that contain one address are nested, so the union of the
 * roles of every prefix containing an address is the roles of the longest
 * one, once each prefix also carries the roles of the prefixes containing
 * it.  Per family, an open-addressing hash table keyed by (prefix, length)
 * holds each distinct prefix with those roles, and a lookup probes the
 * family's distinct lengths, longest first, stopping at the first prefix
 * it finds: one probe per distinct length at most (two for the example
 * site, 33 or 129 at worst), however many prefixes the site lists.  The
 * table is at most half full, and hashed with multipliers drawn at load,
 * so that neither a crafted site file nor crafted traffic can line
 * prefixes up into long runs of slots.
 *
 * A large table does not stay in the cache, and most look-ups find
 * nothing (scans, the Internet): a filter of 4 bits per slot, one set
 * per prefix at a bit the hash chooses, answers most of those without
 * reading the table (a 49,000-host site: a 64 KiB filter beside a 4 MiB
 * table; on the flood, with callgrind's model of a 1 MiB last-level
 * cache, the look-ups' misses there fall from 2.9 to 0.4 per flow, at
 * the same instruction count).
 */

#define LENGTHS 129		/* prefix lengths 0-128 */

struct role_slot {
	uint64_t hi, lo;	/* the prefix's bits; IPv4 in hi's top 32 */
	uint64_t roles;		/* with its containers' roles; 0: free slot */
	uint8_t len;
};

/* A prefix length the table holds, with the masks that cut an address's
 * words to it. */
struct role_length {
	uint64_t hi, lo;
	unsigned len;
};

struct role_table {
	struct role_slot *slots;
	size_t mask;		/* slots - 1 (a power of two, less one) */
	uint64_t *filter;	/* 4 bits per slot: one set per prefix */
	unsigned filter_shift;	/* 64 - log2(its bits): a hash's top bits */
	uint64_t mul[3];	/* the hash's multipliers, odd, drawn at load */
	unsigned nlens;
	struct role_length lens[LENGTHS];	/* longest first */
};

struct site_index {
	struct role_table family[2];	/* IPv4, IPv6 */
	struct hash_index overrides;	/* setting -> override index */
};

static uint64_t be32_at(const uint8_t *p)
{
	return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
	       (uint64_t)p[2] << 8 | p[3];
}

/* An address's bits as two words, IPv4 in the top of the first, so that
 * lengths count from the top in both families. */
static void addr_words(int family, const uint8_t *addr, uint64_t *hi,
		       uint64_t *lo)
{
	*hi = be32_at(addr) << 32;
	*lo = 0;
	if (family == 6) {
		*hi |= be32_at(addr + 4);
		*lo = be32_at(addr + 8) << 32 | be32_at(addr + 12);
	}
}

/* The n leading bits of a word (n from 0 to 64). */
static uint64_t lead_bits(unsigned n)
{
	return n ? ~0ULL << (64 - n) : 0;
}

/* The hash of the prefix (hi, lo)/len, no bit set after len: its low
 * bits choose the slot, its top bits the filter's bit. */
static uint64_t prefix_hash(const struct role_table *t, uint64_t hi,
			    uint64_t lo, unsigned len)
{
	return fmix64(hi * t->mul[0] + lo * t->mul[1] + len * t->mul[2]);
}

/* The slot of the prefix, or the free slot where it would go: the table
 * always has one. */
static struct role_slot *slot_at(const struct role_table *t, uint64_t h,
				 uint64_t hi, uint64_t lo, unsigned len)
{
	for (size_t i = (size_t)h;; i++) {
		struct role_slot *e = &t->slots[i & t->mask];

		if (!e->roles || (e->hi == hi && e->lo == lo && e->len == len))
			return e;
	}
}

static bool filter_bit(const struct role_table *t, uint64_t h, bool set)
{
	uint64_t bit = h >> t->filter_shift;

	if (set)
		t->filter[bit / 64] |= 1ULL << (bit % 64);
	return t->filter[bit / 64] >> (bit % 64) & 1;
}

/* The roles of the address cut to length l (0: no such prefix). */
static uint64_t roles_within(const struct role_table *t,
			     const struct role_length *l, uint64_t hi,
			     uint64_t lo)
{
	uint64_t h;

	hi &= l->hi;
	lo &= l->lo;
	h = prefix_hash(t, hi, lo, l->len);
	return filter_bit(t, h, false) ? slot_at(t, h, hi, lo, l->len)->roles
				       : 0;
}

uint64_t site_roles(const struct site *s, int family, const uint8_t *addr)
{
	const struct role_table *t;
	uint64_t hi, lo;

	if (family != 4 && family != 6)
		return 0;
	t = &s->index->family[family == 6];
	addr_words(family, addr, &hi, &lo);
	for (unsigned i = 0; i < t->nlens; i++) {
		uint64_t roles = roles_within(t, &t->lens[i], hi, lo);

		if (roles)
			return roles;
	}
	return 0;
}

static void table_key(struct role_table *t)
{
	struct hash_key seed = { 0, 0 };

	/* Without random numbers the multipliers are fixed: still correct. */
	if (hash_key_random(&seed) != 0)
		seed = (struct hash_key){ 0, 0 };
	for (uint64_t i = 0; i < 3; i++)
		t->mul[i] = siphash13_words(&seed, &i, 1) | 1;
}

static bool table_build(struct role_table *t, const struct prefix *p,
			size_t n, int family)
{
	bool has_len[LENGTHS] = { false };
	size_t count = 0, size = 2;

	for (size_t i = 0; i < n; i++)
		count += p[i].family == family;
	if (count == 0)
		return true;
	while (size < 2 * count)
		size *= 2;
	t->slots = calloc(size, sizeof *t->slots);
	t->filter = calloc(size / 16 + 1, sizeof *t->filter);
	if (!t->slots || !t->filter)
		return false;
	t->mask = size - 1;
	t->filter_shift = 64 - 2;
	for (size_t bits = size; bits > 1; bits /= 2)
		t->filter_shift--;		/* 4 * size bits */
	table_key(t);
	/* Each distinct prefix once, with the roles of all its entries (the
	 * loader refused host bits). */
	for (size_t i = 0; i < n; i++) {
		uint64_t hi, lo, h;
		struct role_slot *e;

		if (p[i].family != family)
			continue;
		addr_words(family, p[i].addr, &hi, &lo);
		h = prefix_hash(t, hi, lo, p[i].len);
		filter_bit(t, h, true);
		e = slot_at(t, h, hi, lo, p[i].len);
		e->hi = hi;
		e->lo = lo;
		e->len = p[i].len;
		e->roles |= p[i].roles;
		has_len[p[i].len] = true;
	}
	for (unsigned len = LENGTHS; len-- > 0;)
		if (has_len[len])
			t->lens[t->nlens++] = (struct role_length){
				lead_bits(len < 64 ? len : 64),
				lead_bits(len > 64 ? len - 64 : 0), len
			};
	/* Then the roles of the prefixes containing it: whether a container
	 * got its own containers' roles yet does not matter, they contain
	 * this prefix too. */
	for (size_t i = 0; i < size; i++) {
		struct role_slot *e = &t->slots[i];

		for (unsigned j = 0; e->roles && j < t->nlens; j++)
			if (t->lens[j].len < e->len)
				e->roles |= roles_within(t, &t->lens[j], e->hi,
							 e->lo);
	}
	return true;
}

static void index_free(struct site_index *x)
{
	if (!x)
		return;
	for (int f = 0; f < 2; f++) {
		free(x->family[f].slots);
		free(x->family[f].filter);
	}
	hash_index_free(&x->overrides);
	free(x);
}

static bool overrides_build(struct hash_index *x, const struct site *s)
{
	for (size_t i = 0; i < s->noverrides; i++)
		if (hash_index_add(x, s->overrides[i].setting,
				   strlen(s->overrides[i].setting),
				   (uint32_t)i) < 0)
			return false;
	return true;
}

static struct site_index *index_build(const struct site *s)
{
	struct site_index *x = calloc(1, sizeof *x);

	if (x && table_build(&x->family[0], s->prefixes, s->nprefixes, 4) &&
	    table_build(&x->family[1], s->prefixes, s->nprefixes, 6) &&
	    overrides_build(&x->overrides, s))
		return x;
	index_free(x);
	return NULL;
}

/* --- loading --------------------------------------------------------------- */

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
	index_free(s->index);
	free(s->file);
	free(s);
}

const struct site_override *site_override(const struct site *s,
					  const char *setting)
{
	long i = s ? hash_index_find(&s->index->overrides, setting,
				     strlen(setting))
		   : -1;

	return i >= 0 ? &s->overrides[i] : NULL;
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
	if (s->nprefixes == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		grown = realloc(s->prefixes, cap * sizeof *grown);
		if (!grown) {
			load_error_at(l->err, l->file, n, "out of memory");
			return false;
		}
		s->prefixes = grown;
		l->cap = cap;
	}
	s->prefixes[s->nprefixes++] = p;
	return true;
}

/* Roles are the catalogue's: built in, or declared by a --rules file. */
static bool unknown_role(struct site_loader *l, const struct ynode *k)
{
	char hint[SUGGEST_HINT_SIZE];
	struct suggest s;

	suggest_start(&s, k->text, "");
	for (size_t i = 0; i < l->c->nroles; i++)
		suggest_offer(&s, l->c->roles[i]);
	load_error_at(l->err, l->file, k, "unknown role '%s'%s", k->text,
		      suggest_hint(&s, "declare it under 'roles:' in a --rules "
				   "file", hint, sizeof hint));
	return false;
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
		if (role < 0)
			return unknown_role(l, k);
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

/* Settings are those the catalogue's rules name, each offered once. */
static bool unknown_setting(struct site_loader *l, const struct ynode *k)
{
	const struct catalogue *c = l->c;
	char hint[SUGGEST_HINT_SIZE];
	struct suggest s;

	suggest_start(&s, k->text, "");
	for (size_t i = 0; i < c->nrules; i++) {
		const char *name = c->rules[i].setting;

		if (name && catalogue_setting(c, name) == &c->rules[i])
			suggest_offer(&s, name);
	}
	load_error_at(l->err, l->file, k, "unknown setting '%s'%s", k->text,
		      suggest_hint(&s, "see 'lucsaudit --check' for the "
				   "catalogue's configurable ports", hint,
				   sizeof hint));
	return false;
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

		if (!catalogue_setting(l->c, k->text))
			return unknown_setting(l, k);
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
	struct site_loader l = { calloc(1, sizeof(struct site)), c, name, err,
				 0 };

	if (!d)
		goto fail;
	if (!l.s) {
		load_error_at(err, name, NULL, "out of memory");
		goto fail;
	}
	if (!load_site(&l, ydoc_root(d)))
		goto fail;
	l.s->file = strdup(name);
	l.s->index = index_build(l.s);
	if (!l.s->file || !l.s->index) {
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
