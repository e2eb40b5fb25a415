/* roles.h: who talks to whom, by the site's roles: the flows between each
 * client role and server role, by verdict, and the inventoried addresses
 * that were seen (so that a listed host that never appeared stands out:
 * an address typo, a server that is down).  Kept in site mode only; the
 * tally owns it, and only roles.c writes it. */
#ifndef LUCS_ROLES_H
#define LUCS_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "counts.h"
#include "flow.h"
#include "hash.h"

/* The roles a flow's two ends hold in the site (0: none listed). */
struct flow_roles {
	uint64_t client, server;
};

/* Flows from one role to another, and their verdicts (flows each). */
struct role_pair {
	struct counts c;
	uint64_t verdicts[VERDICT_COUNT];
	uint8_t from, to;	/* role indices; nroles: no role */
};

/* An address the site inventories, seen in a flow. */
struct seen_host {
	uint8_t family;		/* 0: a free slot */
	uint8_t addr[16];
};

struct role_tally {
	size_t nroles;		/* the catalogue's; index nroles: no role */
	struct role_pair *pairs;	/* [client * (nroles + 1) + server] */
	const struct role_pair **sorted;	/* role_tally_sorted's, reserved */
	struct seen_host *hosts;	/* open addressing, LUCS_ROLE_HOSTS * 2 */
	size_t nhosts;
	uint64_t hosts_dropped;	/* seen once the set was full */
	struct mshash_key key;
};

/* The roles of f's ends under cls (both 0 without a site). */
struct flow_roles flow_roles_of(const struct classifier *cls,
				const struct flow *f);

/* Nothing is reserved without a site (classifier_has_site). */
bool role_tally_init(struct role_tally *rt, const struct classifier *cls,
		     const struct mshash_key *key);
void role_tally_free(struct role_tally *rt);
bool role_tally_copy(struct role_tally *dst, const struct role_tally *src);
/* New rules: pairs follow their roles' names; a role gone is no role. */
bool role_tally_rebase(struct role_tally *rt, const struct classifier *old,
		       const struct classifier *cls);

/* A flow of verdict v between hosts of roles r ends: it counts for every
 * pair of its client's and server's roles, and its listed ends are seen. */
void role_tally_flow(struct role_tally *rt, const struct flow *f,
		     const struct flow_roles *r, enum verdict v,
		     uint64_t packets, uint64_t bytes);

/* The pairs that had flows, largest first (bytes, then flows), in an
 * array the tally keeps: valid until the next call. */
const struct role_pair *const *role_tally_sorted(const struct role_tally *rt,
						 size_t *n);
/* The pair from role a to role b (rt->nroles: no role), or NULL without
 * a site. */
const struct role_pair *role_tally_pair(const struct role_tally *rt,
					size_t a, size_t b);
bool role_tally_seen(const struct role_tally *rt, int family,
		     const uint8_t *addr);
/* Addresses seen that hold role (a catalogue role index) under cls. */
uint64_t role_tally_hosts(const struct role_tally *rt,
			  const struct classifier *cls, size_t role);

#endif
