/* tally.h: what the summary counts, in memory bounded whatever the traffic
 * and reserved at the start (tally_init), so that running out of memory
 * later never costs the summary:
 * totals per classification, coverage per rule, failed documented
 * connections and unexpected flows grouped by server.
 *
 * Flows are tallied once, when they leave the flow table.  Groups are
 * capped (LUCS_TALLY_GROUPS each); what does not fit is still counted, in
 * an "other" bucket, so every total adds up.
 */
#ifndef LUCS_TALLY_H
#define LUCS_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "counts.h"
#include "flow.h"
#include "hash.h"
#include "roles.h"

/* Distinct clients: exact up to CLIENTS_EXACT, then a linear-counting
 * estimate (Whang et al., 1990) over 1024 bits, within a few percent up to
 * thousands of clients. */
#define CLIENTS_EXACT 32
struct client_count {
	uint32_t exact;
	bool estimating;
	union {
		uint32_t seen[CLIENTS_EXACT];
		uint8_t bits[CLIENTS_EXACT * 4];
	} u;
};

enum group_kind { GROUP_UNEXPECTED = 0, GROUP_DEBUG, GROUP_FAILED,
		  GROUP_KIND_COUNT };

#define GROUP_REPORTERS 4	/* reporters a failed group names */
#define GROUP_TOP_CLIENTS 4	/* clients an unexpected group names */

/* A client of a group and its flows: the group's heaviest clients are
 * kept by the space-saving algorithm (Metwally et al., 2005), so a
 * client with more than 1/GROUP_TOP_CLIENTS of the flows is among them;
 * a count may exceed the client's true one by at most the smallest. */
struct top_client {
	uint8_t addr[16];
	uint64_t flows;
};
#define GROUP_RULES 1024	/* bytes of rule names a failed group keeps */

/* Flows of one kind to one server port: for failed connections also one
 * outcome and one set of rules (by name). */
struct group {
	uint8_t family, proto;
	uint8_t outcome;	/* failed: enum flow_outcome */
	uint16_t port;
	uint8_t server[16];
	uint32_t rules_key;	/* failed: a hash of rules, part of the key */
	uint32_t version;	/* the rules version it began under */
	uint32_t reasons;	/* unexpected: mask of enum reason seen */
	uint64_t client_roles;	/* unexpected, debug: the clients' roles */
	struct top_client top[GROUP_TOP_CLIENTS];	/* by flows, unsorted */
	char rules[GROUP_RULES];	/* failed: the documented rules tried,
					 * ids joined by commas */
	uint8_t reporters[GROUP_REPORTERS][16];	/* failed: ICMP errors' */
	uint8_t nreporters;	/* of them; more_reporters beyond */
	bool more_reporters;
	struct counts c;
	struct client_count clients;
	int64_t first_us, last_us;
};

/* A rule's flows, and what came of them. */
struct rule_counts {
	struct counts c;
	uint64_t succeeded;	/* flows whose outcome was succeeded */
	uint64_t failed;	/* unanswered, refused, prohibited, unreachable */
};

struct group_table {
	struct group *groups;	/* in order of creation, room for the cap */
	const struct group **sorted;	/* tally_sorted's, room for the cap */
	size_t n;
	struct {
		uint32_t group;	/* group + 1, 0 = empty */
		uint32_t hash;
	} *index;		/* open addressing over the groups */
	struct counts other;	/* flows that found no room */
};

struct tally {
	const struct classifier *cls;
	uint32_t version;	/* rules reloaded this many times (tally_rebase) */
	struct mshash_key group_key;	/* keys the group indexes, per run */
	struct counts verdicts[VERDICT_COUNT];
	struct counts tags[CAT_MAX_TAGS];	/* by catalogue tag index */
	struct rule_counts *per_rule;	/* by compiled rule */
	uint64_t outcomes[OUTCOME_COUNT];	/* flows by outcome */
	uint64_t failed;	/* documented flows that failed */
	uint64_t undetermined;	/* documented flows undetermined */
	size_t nrules;
	struct group_table kinds[GROUP_KIND_COUNT];
	uint32_t failed_class;	/* class id + 1 that failed_rules names */
	char failed_rules[GROUP_RULES];	/* its rules' names, as groups keep them */
	struct role_tally roles;	/* site mode: who talks to whom */
};

/* seed: the run's random hash key. */
bool tally_init(struct tally *t, const struct classifier *cls,
		const struct hash_key *seed);
void tally_free(struct tally *t);
/* Carry the counts over to a new classifier (rules reloaded): tags and
 * rules are matched by name; failed groups are keyed by their rules'
 * names, so a reload that leaves a group's rules alone does not split it,
 * and one that changes them starts a group of the new rules version. */
bool tally_rebase(struct tally *t, const struct classifier *cls);
/* A copy to which a snapshot adds the flows still in the table. */
bool tally_copy(struct tally *dst, const struct tally *src);

/* Tally a flow that ended, with what came of it and who said so (the
 * last ICMP error's reporter, or NULL).  A documented flow that was
 * unanswered, refused, prohibited or unreachable is a failed connection;
 * an undetermined one is not, and is only counted. */
void tally_flow(struct tally *t, const struct flow *f, enum flow_outcome o,
		const uint8_t *reporter, const struct flow_roles *roles);

/* A group's top clients, heaviest first, into out; how many. */
size_t group_top_clients(const struct group *g,
			 struct top_client out[GROUP_TOP_CLIENTS]);

/* True for the outcomes of a failed connection. */
bool outcome_failed(enum flow_outcome o);

/* Groups of a kind sorted largest first (bytes, then flows), in an array
 * the tally keeps (valid until the next call for that kind): the summary
 * allocates nothing, so it is written even once memory has run out. */
const struct group *const *tally_sorted(const struct tally *t,
					enum group_kind k, size_t *n);
uint64_t client_count_value(const struct client_count *c, bool *estimate);

#endif
