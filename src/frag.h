/* frag.h: IP fragments matched to their first fragment, which alone carries
 * the ports (RFC 791, RFC 8200 section 4.5).
 *
 * A datagram is (addresses, protocol for IPv4, identification).  Later
 * fragments take the ports of their first fragment and count in its flow;
 * those that come before it are held as counts until it arrives, and are
 * counted as orphans if it never does.  Nothing is reassembled and no flow
 * is ever made from a guess.
 */
#ifndef LUCS_FRAG_H
#define LUCS_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"

struct frag_table;

struct frag_table *frag_table_new(const struct hash_key *key);
void frag_table_free(struct frag_table *t);

/* A later fragment: true with p's ports and protocol filled in when the
 * first fragment was seen; false when p is held back for it. */
bool frag_table_later(struct frag_table *t, struct pkt *p, int64_t ts_us);

/* Later fragments held for a first fragment that had not come yet. */
struct frag_held {
	uint64_t packets, bytes;
	int64_t first_us;	/* when the earliest of them was seen */
};

/* A first fragment: remember its ports; *held receives the later
 * fragments held for it, for the caller to add to its flow. */
void frag_table_first(struct frag_table *t, const struct pkt *p,
		      int64_t ts_us, struct frag_held *held);

/* Forget datagrams idle for the reassembly timeout (all of them when
 * now_us is INT64_MAX); their held fragments become orphans. */
void frag_table_expire(struct frag_table *t, int64_t now_us);

/* Fragments whose first fragment never came. */
uint64_t frag_table_orphans(const struct frag_table *t);

#endif
