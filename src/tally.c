/* tally.c: the summary's counters and groups, bounded; the report owns
 * the tallies, tally.c alone writes them. */
#include "tally.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "tunables.h"

#define INDEX_SLOTS (2 * LUCS_TALLY_GROUPS)
#define LC_BITS (CLIENTS_EXACT * 32)

/* Clients are counted through a hash that must be the same every run (an
 * estimate is part of the output); a crafted client can only skew it. */
static uint32_t client_hash(const uint8_t addr[16])
{
	uint64_t w[2];

	memcpy(w, addr, sizeof w);
	return (uint32_t)(fmix64(w[0] * 0x9e3779b97f4a7c15ULL + w[1]) >> 32);
}

/* Room for the cap of groups, their index and their sorted order, all at
 * once (calloc maps pages only as groups use them). */
static bool reserve_groups(struct group_table *gt)
{
	gt->groups = calloc(LUCS_TALLY_GROUPS, sizeof *gt->groups);
	gt->sorted = calloc(LUCS_TALLY_GROUPS, sizeof *gt->sorted);
	gt->index = calloc(INDEX_SLOTS, sizeof *gt->index);
	return gt->groups && gt->sorted && gt->index;
}

bool tally_init(struct tally *t, const struct classifier *cls,
		const struct hash_key *seed)
{
	size_t nrules;

	memset(t, 0, sizeof *t);
	t->cls = cls;
	/* The group index is keyed per run: crafted servers cannot make
	 * every flow walk one long probe run. */
	mshash_key_derive(&t->group_key, seed);
	classifier_rules(cls, &nrules);
	t->nrules = nrules;
	t->per_rule = calloc(nrules + 1, sizeof *t->per_rule);
	if (!t->per_rule)
		return false;
	for (int k = 0; k < GROUP_KIND_COUNT; k++)
		if (!reserve_groups(&t->kinds[k])) {
			tally_free(t);
			return false;
		}
	if (!role_tally_init(&t->roles, cls, &t->group_key)) {
		tally_free(t);
		return false;
	}
	return true;
}

void tally_free(struct tally *t)
{
	free(t->per_rule);
	for (int k = 0; k < GROUP_KIND_COUNT; k++) {
		free(t->kinds[k].groups);
		free(t->kinds[k].sorted);
		free(t->kinds[k].index);
	}
	role_tally_free(&t->roles);
	memset(t, 0, sizeof *t);
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p = malloc(n * size + 1);

	if (p && n)
		memcpy(p, src, n * size);
	return p;
}

bool tally_copy(struct tally *dst, const struct tally *src)
{
	bool ok = true;

	*dst = *src;
	ok &= role_tally_copy(&dst->roles, &src->roles);
	dst->per_rule = dup_array(src->per_rule, src->nrules,
				  sizeof *src->per_rule);
	for (int k = 0; k < GROUP_KIND_COUNT; k++) {
		const struct group_table *s = &src->kinds[k];
		struct group_table *d = &dst->kinds[k];

		d->groups = NULL;
		d->sorted = NULL;
		d->index = NULL;
		ok &= reserve_groups(d);
		if (d->groups && s->n)
			memcpy(d->groups, s->groups, s->n * sizeof *s->groups);
		if (d->index)
			memcpy(d->index, s->index, INDEX_SLOTS * sizeof *s->index);
	}
	if (!ok || !dst->per_rule) {
		tally_free(dst);
		return false;
	}
	return true;
}

void counts_add(struct counts *c, uint64_t flows, uint64_t packets,
		uint64_t bytes)
{
	c->flows += flows;
	c->packets += packets;
	c->bytes += bytes;
}

static void add(struct counts *c, uint64_t packets, uint64_t bytes)
{
	counts_add(c, 1, packets, bytes);
}

/* --- distinct clients ------------------------------------------------------ */

static void lc_set(struct client_count *c, uint32_t h)
{
	c->u.bits[(h % LC_BITS) / 8] |= (uint8_t)(1u << (h % 8));
}

static void client_count_add(struct client_count *c, uint32_t h)
{
	if (!c->estimating) {
		uint32_t seen[CLIENTS_EXACT];

		for (uint32_t i = 0; i < c->exact; i++)
			if (c->u.seen[i] == h)
				return;
		if (c->exact < CLIENTS_EXACT) {
			c->u.seen[c->exact++] = h;
			return;
		}
		memcpy(seen, c->u.seen, sizeof seen);
		memset(c->u.bits, 0, sizeof c->u.bits);
		c->estimating = true;
		for (uint32_t i = 0; i < CLIENTS_EXACT; i++)
			lc_set(c, seen[i]);
	}
	lc_set(c, h);
}

uint64_t client_count_value(const struct client_count *c, bool *estimate)
{
	unsigned zeros = 0;

	*estimate = c->estimating;
	if (!c->estimating)
		return c->exact;
	for (size_t i = 0; i < sizeof c->u.bits; i++)
		zeros += 8u - (unsigned)__builtin_popcount(c->u.bits[i]);
	if (zeros == 0)
		zeros = 1;	/* saturated: the estimate is a lower bound */
	return (uint64_t)llround(-(double)LC_BITS *
				 log((double)zeros / LC_BITS));
}

/* --- groups ---------------------------------------------------------------- */

struct group_id {
	uint8_t server[16];
	uint32_t rules_key;	/* failed: of the rules' names (rules_key) */
	const char *rules;	/* failed: the names, else NULL */
	uint16_t port;
	uint8_t family, proto;
	uint8_t outcome;	/* failed: enum flow_outcome */
	uint32_t hash;		/* of the members above, for the index */
};

/* From the flow's members, stored long ago, not from the id just built:
 * GCC merges loads of the id's adjacent narrow members into one wide load,
 * and a load spanning several fresh narrow stores cannot be forwarded from
 * the store buffer, so it waits for them (on the flood, half the samples
 * of group_flow sat there). */
static uint32_t group_hash(const struct mshash_key *m, const struct flow *f,
			   unsigned server, uint32_t rules_key, uint8_t outcome)
{
	uint32_t w[7];

	memcpy(w, f->key.addr[server], sizeof f->key.addr[server]);
	w[4] = rules_key;
	w[5] = f->key.port[server] | (uint32_t)f->key.family << 16 |
	       (uint32_t)f->key.proto << 24;
	w[6] = outcome;
	return mshash_words(m, w, 7);
}

static bool group_matches(const struct group *g, const struct group_id *id)
{
	return g->family == id->family && g->proto == id->proto &&
	       g->port == id->port && g->outcome == id->outcome &&
	       g->rules_key == id->rules_key &&
	       memcmp(g->server, id->server, sizeof g->server) == 0 &&
	       (!id->rules || strcmp(g->rules, id->rules) == 0);
}

static struct group *group_find(struct group_table *gt,
				const struct group_id *id)
{
	uint32_t hash = id->hash, i = hash % INDEX_SLOTS;

	/* The hash beside each entry spares a look at groups that differ:
	 * a flood's flows probe many of them. */
	for (;; i = (i + 1) % INDEX_SLOTS) {
		struct group *g;

		if (gt->index[i].group == 0)
			break;
		if (gt->index[i].hash != hash)
			continue;
		g = &gt->groups[gt->index[i].group - 1];
		if (group_matches(g, id))
			return g;
	}
	if (gt->n == LUCS_TALLY_GROUPS)
		return NULL;
	gt->index[i].group = (uint32_t)++gt->n;
	gt->index[i].hash = hash;
	memset(&gt->groups[gt->n - 1], 0, sizeof gt->groups[0]);
	return &gt->groups[gt->n - 1];
}

static void rules_text(const struct classifier *cls, uint32_t class_id,
		       char *buf, size_t size)
{
	const struct verdict_class *k = classifier_class(cls, class_id);
	size_t n, used = 0;
	const struct rule *rules = classifier_rules(cls, &n);

	buf[0] = '\0';
	for (size_t i = 0; i < k->nrules; i++) {
		const char *id = rules[k->rules[i]].id;
		size_t len = strlen(id);

		if (used + len + 5 >= size) {
			memcpy(buf + used, i ? ",..." : "...", i ? 5 : 4);
			return;
		}
		if (i)
			buf[used++] = ',';
		memcpy(buf + used, id, len + 1);
		used += len;
	}
}

/* Space-saving: a client kept counts up; a new one takes the place of
 * the lightest, with its count plus one. */
static void top_client_add(struct group *g, const uint8_t *addr)
{
	struct top_client *least = &g->top[0];

	for (int i = 0; i < GROUP_TOP_CLIENTS; i++) {
		struct top_client *c = &g->top[i];

		if (c->flows && memcmp(c->addr, addr, sizeof c->addr) == 0) {
			c->flows++;
			return;
		}
		if (c->flows < least->flows)
			least = c;
	}
	memcpy(least->addr, addr, sizeof least->addr);
	least->flows++;
}

static int heavier_first(const void *a, const void *b)
{
	const struct top_client *x = a, *y = b;

	if (x->flows != y->flows)
		return x->flows > y->flows ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof x->addr);
}

size_t group_top_clients(const struct group *g,
			 struct top_client out[GROUP_TOP_CLIENTS])
{
	size_t n = 0;

	for (int i = 0; i < GROUP_TOP_CLIENTS; i++)
		if (g->top[i].flows)
			out[n++] = g->top[i];
	qsort(out, n, sizeof *out, heavier_first);
	return n;
}

static struct group *group_flow(struct tally *t, struct group_table *gt,
				const struct flow *f, const struct group_id *id,
				enum reason why, uint64_t packets,
				uint64_t bytes)
{
	struct group *g = group_find(gt, id);

	if (!g) {
		add(&gt->other, packets, bytes);
		return NULL;
	}
	if (g->c.flows == 0) {
		if (id->rules)
			snprintf(g->rules, sizeof g->rules, "%s", id->rules);
		memcpy(g->server, id->server, sizeof g->server);
		g->rules_key = id->rules_key;
		g->version = t->version;
		g->port = id->port;
		g->family = id->family;
		g->proto = id->proto;
		g->outcome = id->outcome;
		g->first_us = f->first_us;
		g->last_us = f->last_us;
	}
	add(&g->c, packets, bytes);
	g->reasons |= 1u << why;
	if (f->first_us < g->first_us)
		g->first_us = f->first_us;
	if (f->last_us > g->last_us)
		g->last_us = f->last_us;
	client_count_add(&g->clients, client_hash(f->key.addr[f->client]));
	top_client_add(g, f->key.addr[f->client]);
	return g;
}

/* FNV-1a of the rules' names: the same on either side of a reload, so
 * that rules which did not change keep their failed group. */
static uint32_t rules_key(const char *names)
{
	uint32_t h = 2166136261u;

	for (; *names; names++)
		h = (h ^ (uint8_t)*names) * 16777619u;
	return h;
}

static void group_of(const struct mshash_key *m, const struct flow *f,
		     const char *rules, uint8_t outcome, struct group_id *id)
{
	unsigned s = flow_server(f);

	memcpy(id->server, f->key.addr[s], sizeof id->server);
	id->port = f->key.port[s];
	id->family = f->key.family;
	id->proto = f->key.proto;
	id->rules = rules;
	id->rules_key = rules ? rules_key(rules) : 0;
	id->outcome = outcome;
	id->hash = group_hash(m, f, s, id->rules_key, outcome);
}

/* --- flows ------------------------------------------------------------------ */

bool outcome_failed(enum flow_outcome o)
{
	return o == OUTCOME_UNANSWERED || o == OUTCOME_REFUSED ||
	       o == OUTCOME_PROHIBITED || o == OUTCOME_UNREACHABLE;
}

/* A failed group names the hops whose ICMP errors said no, a few. */
static void add_reporter(struct group *g, int family, const uint8_t *addr)
{
	size_t len = family == 4 ? 4 : 16;

	for (uint8_t i = 0; i < g->nreporters; i++)
		if (memcmp(g->reporters[i], addr, len) == 0)
			return;
	if (g->nreporters == GROUP_REPORTERS) {
		g->more_reporters = true;
		return;
	}
	memset(g->reporters[g->nreporters], 0, sizeof g->reporters[0]);
	memcpy(g->reporters[g->nreporters++], addr, len);
}

static void tally_failed(struct tally *t, const struct flow *f,
			 enum flow_outcome o, const uint8_t *reporter,
			 uint64_t packets, uint64_t bytes)
{
	struct group_table *gt = &t->kinds[GROUP_FAILED];
	struct group_id id;
	struct group *g;

	/* Failed flows come in runs of one class (a scan of one documented
	 * port): its rules' names are made once a run. */
	if (t->failed_class != f->class_id + 1) {
		rules_text(t->cls, f->class_id, t->failed_rules,
			   sizeof t->failed_rules);
		t->failed_class = f->class_id + 1;
	}
	group_of(&t->group_key, f, t->failed_rules, (uint8_t)o, &id);
	g = group_flow(t, gt, f, &id, REASON_NONE, packets, bytes);
	if (g && reporter && o != OUTCOME_UNANSWERED)
		add_reporter(g, f->key.family, reporter);
}

void tally_flow(struct tally *t, const struct flow *f, enum flow_outcome o,
		const uint8_t *reporter, const struct flow_roles *roles)
{
	const struct verdict_class *k = classifier_class(t->cls, f->class_id);
	uint64_t packets = f->packets[0] + f->packets[1];
	uint64_t bytes = f->bytes[0] + f->bytes[1];
	bool documented = k->verdict == VERDICT_EXPECTED ||
			  k->verdict == VERDICT_DEBUG;
	bool failed = documented && outcome_failed(o);
	struct group_id id;

	add(&t->verdicts[k->verdict], packets, bytes);
	for (uint32_t tags = k->tags; tags; tags &= tags - 1)
		add(&t->tags[__builtin_ctz(tags)], packets, bytes);
	for (size_t i = 0; i < k->nrules; i++) {
		struct rule_counts *rc = &t->per_rule[k->rules[i]];

		add(&rc->c, packets, bytes);
		rc->succeeded += o == OUTCOME_SUCCEEDED;
		rc->failed += failed;
	}
	t->outcomes[o < OUTCOME_COUNT ? o : OUTCOME_UNDETERMINED]++;
	t->failed += failed;
	t->undetermined += documented && o == OUTCOME_UNDETERMINED;
	if (k->verdict == VERDICT_UNEXPECTED || k->verdict == VERDICT_DEBUG) {
		struct group *g;

		group_of(&t->group_key, f, NULL, 0, &id);
		g = group_flow(t, &t->kinds[k->verdict == VERDICT_DEBUG
						? GROUP_DEBUG : GROUP_UNEXPECTED],
			       f, &id, k->reason, packets, bytes);
		if (g && roles)
			g->client_roles |= roles->client;
	}
	if (roles)
		role_tally_flow(&t->roles, f, roles, k->verdict, packets,
				bytes);
	if (failed)
		tally_failed(t, f, o, reporter, packets, bytes);
}

bool tally_rebase(struct tally *t, const struct classifier *cls)
{
	const struct catalogue *old_cat = classifier_catalogue(t->cls);
	const struct catalogue *new_cat = classifier_catalogue(cls);
	size_t old_n, new_n;
	const struct rule *old_rules = classifier_rules(t->cls, &old_n);
	const struct rule *new_rules = classifier_rules(cls, &new_n);
	struct rule_counts *per_rule = calloc(new_n + 1, sizeof *per_rule);
	struct counts tags[CAT_MAX_TAGS] = { { 0, 0, 0 } };
	if (!per_rule || !role_tally_rebase(&t->roles, t->cls, cls)) {
		free(per_rule);
		return false;
	}
	for (size_t i = 0; i < new_n; i++)
		for (size_t j = 0; j < old_n; j++)
			if (strcmp(new_rules[i].id, old_rules[j].id) == 0)
				per_rule[i] = t->per_rule[j];
	for (size_t b = 0; b < old_cat->ntags; b++) {
		int nb = catalogue_tag(new_cat, old_cat->tags[b]);

		if (nb >= 0)
			tags[nb] = t->tags[b];
	}
	/* Failed groups are keyed by their rules' names: new flows join a
	 * group whose rules did not change, and start one of their own (of
	 * the new version) where they did. */
	t->version++;
	t->failed_class = 0;	/* class ids are the old classifier's */
	free(t->per_rule);
	t->per_rule = per_rule;
	t->nrules = new_n;
	memcpy(t->tags, tags, sizeof tags);
	t->cls = cls;
	return true;
}

static int group_order(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;
	int c;

	if (x->c.bytes != y->c.bytes)
		return x->c.bytes > y->c.bytes ? -1 : 1;
	if (x->c.flows != y->c.flows)
		return x->c.flows > y->c.flows ? -1 : 1;
	c = memcmp(x->server, y->server, sizeof x->server);
	if (c)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if ((c = strcmp(x->rules, y->rules)) != 0)
		return c;
	return (int)x->outcome - (int)y->outcome;
}

const struct group *const *tally_sorted(const struct tally *t,
					enum group_kind k, size_t *n)
{
	const struct group_table *gt = &t->kinds[k];

	for (size_t i = 0; i < gt->n; i++)
		gt->sorted[i] = &gt->groups[i];
	qsort(gt->sorted, gt->n, sizeof *gt->sorted, group_order);
	*n = gt->n;
	return gt->sorted;
}
