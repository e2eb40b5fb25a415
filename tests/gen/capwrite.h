/* capwrite.h: capture files written by hand with stdio, little-endian:
 * pcap with microsecond or nanosecond timestamps (magic 0xa1b2c3d4,
 * 0xa1b23c4d) and pcapng with one SHB, one IDB per interface and EPBs
 * (draft-ietf-opsawg-pcapng).  libpcap cannot write pcapng, and writing
 * pcap by hand keeps the generator free of libpcap's choices. */
#ifndef LUCS_GEN_CAPWRITE_H
#define LUCS_GEN_CAPWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cap_format {
	CAP_PCAP_US,		/* classic pcap, microsecond timestamps */
	CAP_PCAP_NS,		/* classic pcap, nanosecond timestamps */
	CAP_PCAPNG
};

struct cap_iface {
	uint32_t linktype;	/* LINKTYPE_ value as stored in the file */
	uint32_t snaplen;	/* bytes */
	uint8_t tsresol;	/* pcapng: 6 (microseconds) or 9 (nanoseconds) */
	const char *name;	/* pcapng if_name, or NULL */
};

struct capw {
	FILE *f;
	enum cap_format fmt;
	uint8_t tsresol[8];	/* per interface, pcapng only */
	size_t nifaces;
	uint64_t written;	/* bytes written so far */
	uint64_t limit;		/* stop writing after this many bytes; 0: no limit */
	bool failed;
};

/* Open path and write the file header (pcap: interface 0 only). */
bool capw_open(struct capw *w, const char *path, enum cap_format fmt,
	       const struct cap_iface *ifaces, size_t nifaces);

/* One packet record: ts_ns nanoseconds since the epoch; comment (pcapng
 * opt_comment) may be NULL. */
void capw_packet(struct capw *w, uint32_t iface, int64_t ts_ns,
		 const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		 const char *comment);

/* One classic pcap record with its time fields as given, however
 * implausible: a fraction of a second may exceed a second's worth. */
void capw_record(struct capw *w, uint32_t sec, uint32_t frac,
		 const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/* Close; false if any write failed. */
bool capw_close(struct capw *w);

#endif
