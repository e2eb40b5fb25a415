/* fuzz.h: what the fuzz targets share: libFuzzer's entry point, a reader
 * that takes fields from the front of an input, the checks that turn a
 * broken promise into a crash, and the link types the inputs choose from.
 *
 * The input layouts are written down here because fuzz-seeds.c writes
 * them too (see tests/fuzz/README for how they are used).
 */
#ifndef LUCS_FUZZ_H
#define LUCS_FUZZ_H

#include <pcap/dlt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

/* libFuzzer calls this once per input; replay-main.c calls it per file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A promise of the code under test that an input broke: libFuzzer sees
 * the abort as a crash and keeps the input. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n",  \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* The link types decode_packet supports, in the order an input's
 * link-type field indexes them (decode: byte 0; flow: each record). */
#define FUZZ_NLINKS 8
static const int fuzz_links[FUZZ_NLINKS] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
	DLT_LOOP, DLT_RAW, DLT_IPV4, DLT_IPV6
};

/* The index of dlt in fuzz_links, or -1. */
static inline int fuzz_link_index(int dlt)
{
	for (int i = 0; i < FUZZ_NLINKS; i++)
		if (fuzz_links[i] == dlt)
			return i;
	return -1;
}

/* The unread rest of an input.  Fields past its end read as zero, so every
 * input, however short, means something. */
struct fuzz_in {
	const uint8_t *p;
	size_t len;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	if (in->len == 0)
		return 0;
	v = in->p[0];
	in->p++;
	in->len--;
	return v;
}

static inline uint16_t fuzz_be16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_be32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_be16(in);

	return hi << 16 | fuzz_be16(in);
}

/* Up to n bytes, in place; *got says how many there were. */
static inline const uint8_t *fuzz_take(struct fuzz_in *in, size_t n,
				       size_t *got)
{
	const uint8_t *p = in->p;

	if (n > in->len)
		n = in->len;
	in->p += n;
	in->len -= n;
	*got = n;
	return p;
}

/* --- the decode target's input (fuzz_decode.c) ------------------------------
 *
 *   byte 0    link: low 3 bits index fuzz_links; bit 3 set: an unsupported
 *             link type (DLT_PPP), which must decode as non-IP
 *   byte 1    wire length mode (enum fuzz_wire, modulo FUZZ_WIRE_COUNT)
 *   bytes 2-3 big-endian operand of the wire length mode
 *   bytes 4-  the frame as captured (caplen is what is left)
 */
enum fuzz_wire {
	FUZZ_WIRE_CAPLEN = 0,	/* wirelen == caplen */
	FUZZ_WIRE_LONGER,	/* caplen + operand: a short snaplen */
	FUZZ_WIRE_MUCH_LONGER,	/* caplen + operand * 1024: jumbograms */
	FUZZ_WIRE_SHORTER,	/* caplen - operand (at least 0): damaged */
	FUZZ_WIRE_MAX32,	/* UINT32_MAX */
	FUZZ_WIRE_HUGE,		/* beyond 32 bits (decode_packet takes size_t) */
	FUZZ_WIRE_COUNT
};

/* The promises decode.h makes about a packet decoded with status st from
 * a frame of wirelen bytes on the wire (after decode_packet's clamping):
 * fuzz_decode.c and fuzz_decap.c check them all. */
static inline void fuzz_check_pkt(enum decode_status st, const struct pkt *p,
				  size_t wirelen)
{
	FUZZ_CHECK((unsigned)st < DECODE_STATUS_COUNT);
	/* Orphans are counted by the fragment table, never decoded. */
	FUZZ_CHECK(st != DECODE_FRAG_ORPHAN);
	FUZZ_CHECK(strcmp(decode_status_name(st), "unknown") != 0);
	if (st != DECODE_OK)
		return;
	FUZZ_CHECK(p->family == 4 || p->family == 6);
	FUZZ_CHECK(p->frag <= PKT_FRAG_LATER);
	/* The IP length was checked against the frame's wire length. */
	FUZZ_CHECK(p->ip_len <= wirelen);
	FUZZ_CHECK(p->wire_left <= wirelen);
	FUZZ_CHECK(p->payload_len <= p->ip_len);
	FUZZ_CHECK(p->ip_len >= (p->family == 4 ? 20u : 40u));
	if (p->proto != IPPROTO_NUM_TCP)
		FUZZ_CHECK(p->tcp_flags == 0);
	if (p->frag == PKT_FRAG_LATER ||
	    (p->proto != IPPROTO_NUM_TCP && p->proto != IPPROTO_NUM_UDP))
		FUZZ_CHECK(p->sport == 0 && p->dport == 0);
	if (p->family == 4) {
		for (size_t i = 4; i < 16; i++)
			FUZZ_CHECK(p->src[i] == 0 && p->dst[i] == 0);
	}
}

static inline unsigned fuzz_burst_copies(uint16_t v)
{
	return v >= 0xff00 ? 1 + (v & 0xffu) * 18 : 1 + v % 256u;
}

static inline size_t fuzz_wirelen(unsigned mode, size_t caplen, uint16_t arg)
{
	switch (mode % FUZZ_WIRE_COUNT) {
	case FUZZ_WIRE_LONGER:
		return caplen + arg;
	case FUZZ_WIRE_MUCH_LONGER:
		return caplen + (size_t)arg * 1024;
	case FUZZ_WIRE_SHORTER:
		return caplen > arg ? caplen - arg : 0;
	case FUZZ_WIRE_MAX32:
		return UINT32_MAX;
	case FUZZ_WIRE_HUGE:
		return SIZE_MAX;
	default:
		return caplen;
	}
}

/* --- the decap target's input (fuzz_decap.c) --------------------------------
 *
 * The decode target's layout, byte 0 read differently:
 *   byte 0    bits 0-2: link, indexing fuzz_links; bits 3-4: the
 *             configuration (enum fuzz_decap_cfg); bit 5: no tunnel stack
 *   byte 1    wire length mode (enum fuzz_wire), bytes 2-3 its operand
 *   bytes 4-  the frame as captured
 * so that every decode input is a decap input too.
 */
enum fuzz_decap_cfg {
	FUZZ_DECAP_DEFAULT = 0,	/* VXLAN on 4789, Geneve on 6081 */
	FUZZ_DECAP_PORTS,	/* VXLAN on 8472 and 4790, Geneve on 4789 and
				 * 6081: a configured port wins */
	FUZZ_DECAP_OFF,		/* cfg->decap false: decode_packet's result */
	FUZZ_DECAP_NONE		/* no configuration: decode_packet's result */
};

/* --- the flow target's input (fuzz_flow.c) ----------------------------------
 *
 * A header of FUZZ_FLOW_HEADER bytes, then records until the input ends.
 *
 * Header
 *   byte 0     bits 0-3: --max-flows minus 1 (1 to 16 flows);
 *              bits 4-5: writer (0 text, 1 json, 2 csv, 3 text);
 *              bits 6-7: rule set (FUZZ_RULES_*)
 *   byte 1     bits 0-1: interval (none, 1 s, 60 s, 300 s);
 *              bit 2: live (quiet intervals written, capture counters);
 *              bits 3-7: varies the flow hash key
 *   bytes 2-6  idle timeouts in seconds, in enum idle_class order
 *              (0: the default)
 *   byte 7     varies the flow hash key
 *   bytes 8-11 packet time of the first record, seconds since the epoch
 *
 * Record
 *   byte 0     bits 0-2: link type (index into fuzz_links);
 *              bits 3-4: time unit (1 ms, 100 ms, 10 s, 2^48 us:
 *              fuzz_time_units);
 *              bits 5-7: kind (FUZZ_REC_*)
 *   bytes 1-2  signed big-endian step of packet time, in that unit (live
 *              inputs use at most 100 ms units: their clock is the wall's)
 *   packets and bursts only:
 *   bytes 3-4  big-endian caplen: bytes of frame that follow (fewer if
 *              the input ends)
 *   byte 5     wire length mode (enum fuzz_wire)
 *   bytes 6-7  its operand
 *   bursts only:
 *   bytes 8-9  big-endian copies: v below 0xff00 means 1 + v % 256
 *              copies, 0xff00 + k means 1 + 18 k (up to 4591, more than
 *              LUCS_TALLY_GROUPS), so that mutations rarely make a slow one
 *   bytes 10-11  big-endian offset of a 16-bit field of the frame that
 *              copy i has i added to (an address or port: so many flows)
 *   then       the frame
 *
 * A burst is the frame fed again and again, packet time moving by the
 * record's step before each copy: what takes a capture of thousands of
 * packets (tally caps, client estimates, long lists) in a few bytes.
 */
#define FUZZ_FLOW_HEADER 12
#define FUZZ_MAX_FLOWS 16

/* Rule sets (fuzz_flow.c); a reload moves to the next compact one. */
enum {
	FUZZ_RULES_PORTS = 0,	/* a compact catalogue, port-only */
	FUZZ_RULES_SITE,	/* the compact catalogue and a site */
	FUZZ_RULES_OTHER,	/* a catalogue with other tags and roles */
	FUZZ_RULES_BUILTIN,	/* rules/lucs.yaml and the site */
	FUZZ_RULES_COUNT
};

/* Reloads, snapshots and bursts cost far more than a packet: an input
 * gets at most this many of each, later ones are ignored (bursts then
 * count as one packet). */
#define FUZZ_MAX_RELOADS 2
#define FUZZ_MAX_SNAPSHOTS 2
#define FUZZ_MAX_BURSTS 2

enum fuzz_record {
	FUZZ_REC_PACKET = 0,	/* kinds 0-3 are packets */
	FUZZ_REC_BURST = 4,	/* one frame many times */
	FUZZ_REC_CLOCK = 5,	/* the clock moves, no packet (live tick) */
	FUZZ_REC_SNAPSHOT = 6,	/* a summary now (SIGUSR1) */
	FUZZ_REC_RELOAD = 7	/* the next rule set (SIGHUP) */
};

/* The time units of a record, in microseconds. */
static const int64_t fuzz_time_units[4] = { 1000, 100000, 10000000,
					    (int64_t)1 << 48 };

#endif
