/* dedup.h: --dedup: copies of one IP packet counted once.
 *
 * Windows' pktmon logs a packet once for every networking component it
 * passes (the NIC's miniport, filter drivers, the vSwitch's ports, TCP/IP),
 * and its converter (pktmon etl2pcap) writes every copy; a capture on
 * "any" on a host that bridges sees a bridged packet on each interface.
 * The copies differ in their link layer only: from the IP header on they
 * are the same bytes, microseconds apart (a routed packet's TTL differs:
 * it is no copy).
 *
 * A frame is a copy when the IP packet it holds, captured to the same
 * length, begins with the same LUCS_DEDUP_BYTES as one kept at most
 * LUCS_DEDUP_WINDOW_US of packet time before or after it, among the last
 * LUCS_DEDUP_PACKETS packets kept (tunables.h).  Those bytes hold the IP
 * header, the TCP or UDP header and its checksum, which covers the
 * payload: comparing the rest would add nothing the checksum does not
 * already say, and hashing it would cost more than the whole audit of a
 * packet (5000 instructions per packet of 540 bytes against 1360).
 * Packets are compared by a 64-bit SipHash under a key drawn per run, so
 * that traffic cannot be crafted to pass for a copy of other traffic.
 * Which packets are remembered does not depend on the key: two runs drop
 * the same copies.  The table has a fixed size; nothing is allocated per
 * packet.
 */
#ifndef LUCS_DEDUP_H
#define LUCS_DEDUP_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"

struct dedup;

/* NULL when out of memory. */
struct dedup *dedup_new(const struct hash_key *key);
void dedup_free(struct dedup *d);

/* True when f, decoded from the caplen bytes at bytes, is a copy of a
 * packet kept: leave it out.  Otherwise it is kept and remembered, when
 * its IP packet can be found; frames without one (not IP, not decoded as
 * far as the IP header, or found inside a tunnel, whose outer IP header
 * the decoder does not say) are always kept. */
bool dedup_frame(struct dedup *d, const struct frame *f, const uint8_t *bytes,
		 uint32_t caplen);

#endif
