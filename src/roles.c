/* roles.c: the role tallies: pairs of roles, and the listed hosts seen. */
#include "roles.h"

#include <stdlib.h>
#include <string.h>

#include "tunables.h"

#define HOST_SLOTS (2 * LUCS_ROLE_HOSTS)

struct flow_roles flow_roles_of(const struct classifier *cls,
				const struct flow *f)
{
	struct flow_roles r = { 0, 0 };

	if (!classifier_has_site(cls))
		return r;
	r.client = classifier_roles(cls, f->key.family,
				    f->key.addr[f->client]);
	r.server = classifier_roles(cls, f->key.family,
				    f->key.addr[flow_server(f)]);
	return r;
}

static size_t pair_count(size_t nroles)
{
	return (nroles + 1) * (nroles + 1);
}

bool role_tally_init(struct role_tally *rt, const struct classifier *cls,
		     const struct mshash_key *key)
{
	memset(rt, 0, sizeof *rt);
	rt->key = *key;
	if (!classifier_has_site(cls))
		return true;
	rt->nroles = classifier_catalogue(cls)->nroles;
	/* Both reserved now, as the other tallies are: calloc maps pages
	 * only as they are used. */
	rt->pairs = calloc(pair_count(rt->nroles), sizeof *rt->pairs);
	rt->sorted = calloc(pair_count(rt->nroles), sizeof *rt->sorted);
	rt->hosts = calloc(HOST_SLOTS, sizeof *rt->hosts);
	if (!rt->pairs || !rt->sorted || !rt->hosts) {
		role_tally_free(rt);
		return false;
	}
	for (size_t a = 0; a <= rt->nroles; a++)
		for (size_t b = 0; b <= rt->nroles; b++) {
			rt->pairs[a * (rt->nroles + 1) + b].from = (uint8_t)a;
			rt->pairs[a * (rt->nroles + 1) + b].to = (uint8_t)b;
		}
	return true;
}

void role_tally_free(struct role_tally *rt)
{
	free(rt->pairs);
	free(rt->sorted);
	free(rt->hosts);
	rt->pairs = NULL;
	rt->sorted = NULL;
	rt->hosts = NULL;
}

static void *dup_or_null(const void *p, size_t size, bool *ok)
{
	void *d;

	if (!p)
		return NULL;
	if (!(d = malloc(size)))
		*ok = false;
	else
		memcpy(d, p, size);
	return d;
}

bool role_tally_copy(struct role_tally *dst, const struct role_tally *src)
{
	bool ok = true;

	*dst = *src;
	dst->pairs = dup_or_null(src->pairs, pair_count(src->nroles) *
					     sizeof *src->pairs, &ok);
	dst->sorted = dup_or_null(src->sorted, pair_count(src->nroles) *
					       sizeof *src->sorted, &ok);
	dst->hosts = dup_or_null(src->hosts, HOST_SLOTS * sizeof *src->hosts,
				 &ok);
	if (!ok)
		role_tally_free(dst);
	return ok;
}

/* Role index i of old, as an index of now (now's "no role" if gone). */
static size_t role_renamed(const struct catalogue *old,
			   const struct catalogue *now, size_t i)
{
	if (i < old->nroles)
		for (size_t j = 0; j < now->nroles; j++)
			if (strcmp(old->roles[i], now->roles[j]) == 0)
				return j;
	return now->nroles;
}

bool role_tally_rebase(struct role_tally *rt, const struct classifier *old,
		       const struct classifier *cls)
{
	const struct catalogue *oc = classifier_catalogue(old);
	const struct catalogue *nc = classifier_catalogue(cls);
	struct role_tally next;
	size_t on = rt->nroles;

	if (!role_tally_init(&next, cls, &rt->key))
		return false;
	for (size_t a = 0; next.pairs && rt->pairs && a <= on; a++)
		for (size_t b = 0; b <= on; b++) {
			const struct role_pair *p = &rt->pairs[a * (on + 1) + b];
			struct role_pair *q = &next.pairs[
				role_renamed(oc, nc, a) * (next.nroles + 1) +
				role_renamed(oc, nc, b)];

			counts_add(&q->c, p->c.flows, p->c.packets,
				   p->c.bytes);	/* from and to stay q's */
			for (int v = 0; v < VERDICT_COUNT; v++)
				q->verdicts[v] += p->verdicts[v];
		}
	if (next.hosts && rt->hosts) {
		memcpy(next.hosts, rt->hosts, HOST_SLOTS * sizeof *rt->hosts);
		next.nhosts = rt->nhosts;
		next.hosts_dropped = rt->hosts_dropped;
	}
	role_tally_free(rt);
	*rt = next;
	return true;
}

/* --- hosts seen -------------------------------------------------------- */

static uint32_t host_hash(const struct role_tally *rt, int family,
			  const uint8_t *addr)
{
	uint32_t w[5];

	memcpy(w, addr, 16);
	w[4] = (uint32_t)family;
	return mshash_words(&rt->key, w, 5);
}

/* The slot that holds the address, or the free one it would take. */
static struct seen_host *host_slot(const struct role_tally *rt, int family,
				   const uint8_t *addr)
{
	uint32_t i = host_hash(rt, family, addr);

	for (;; i++) {
		struct seen_host *h = &rt->hosts[i % HOST_SLOTS];

		if (!h->family || (h->family == family &&
				   memcmp(h->addr, addr, 16) == 0))
			return h;
	}
}

static void host_seen(struct role_tally *rt, int family, const uint8_t *addr)
{
	struct seen_host *h = host_slot(rt, family, addr);

	if (h->family)
		return;
	if (rt->nhosts == LUCS_ROLE_HOSTS) {	/* at most half full */
		rt->hosts_dropped++;
		return;
	}
	h->family = (uint8_t)family;
	memcpy(h->addr, addr, 16);
	rt->nhosts++;
}

bool role_tally_seen(const struct role_tally *rt, int family,
		     const uint8_t *addr)
{
	return rt->hosts && host_slot(rt, family, addr)->family != 0;
}

uint64_t role_tally_hosts(const struct role_tally *rt,
			  const struct classifier *cls, size_t role)
{
	uint64_t n = 0;

	for (size_t i = 0; rt->hosts && i < HOST_SLOTS; i++) {
		const struct seen_host *h = &rt->hosts[i];

		if (h->family &&
		    (classifier_roles(cls, h->family, h->addr) >> role & 1))
			n++;
	}
	return n;
}

/* --- pairs ------------------------------------------------------------- */

/* Each role of mask, or "no role" when it has none; it ends with -1. */
static int next_role(uint64_t mask, int after, size_t nroles)
{
	if (!mask)
		return after < 0 ? (int)nroles : -1;
	mask &= after < 0 ? ~0ULL : ~0ULL << after << 1;
	return mask ? __builtin_ctzll(mask) : -1;
}

void role_tally_flow(struct role_tally *rt, const struct flow *f,
		     const struct flow_roles *r, enum verdict v,
		     uint64_t packets, uint64_t bytes)
{
	size_t n = rt->nroles + 1;

	if (!rt->pairs)
		return;
	for (int a = next_role(r->client, -1, rt->nroles); a >= 0;
	     a = next_role(r->client, a, rt->nroles))
		for (int b = next_role(r->server, -1, rt->nroles); b >= 0;
		     b = next_role(r->server, b, rt->nroles)) {
			struct role_pair *p = &rt->pairs[(size_t)a * n +
							 (size_t)b];

			counts_add(&p->c, 1, packets, bytes);
			p->verdicts[v]++;
		}
	if (r->client)
		host_seen(rt, f->key.family, f->key.addr[f->client]);
	if (r->server)
		host_seen(rt, f->key.family, f->key.addr[flow_server(f)]);
}

static int larger_first(const void *a, const void *b)
{
	const struct role_pair *x = *(const struct role_pair *const *)a;
	const struct role_pair *y = *(const struct role_pair *const *)b;

	if (x->c.bytes != y->c.bytes)
		return x->c.bytes > y->c.bytes ? -1 : 1;
	if (x->c.flows != y->c.flows)
		return x->c.flows > y->c.flows ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (int)x->to - (int)y->to;
}

const struct role_pair *const *role_tally_sorted(const struct role_tally *rt,
						 size_t *n)
{
	*n = 0;
	if (!rt->pairs)
		return NULL;
	for (size_t i = 0; i < pair_count(rt->nroles); i++)
		if (rt->pairs[i].c.flows)
			rt->sorted[(*n)++] = &rt->pairs[i];
	qsort(rt->sorted, *n, sizeof *rt->sorted, larger_first);
	return rt->sorted;
}

const struct role_pair *role_tally_pair(const struct role_tally *rt,
					size_t a, size_t b)
{
	if (!rt->pairs || a > rt->nroles || b > rt->nroles)
		return NULL;
	return &rt->pairs[a * (rt->nroles + 1) + b];
}
