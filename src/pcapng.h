/* pcapng.h: our own reader of pcapng capture files (draft-ietf-opsawg-pcapng),
 * for the files libpcap 1.10 refuses: interfaces of different link types
 * or snapshot lengths (Wireshark with Npcap's loopback, pktmon), and
 * sections in different byte orders.  libpcap stays for classic pcap,
 * live capture and BPF.
 *
 * The reader is strict: a damaged block stops it with a message that
 * says what is wrong and at which byte; it never reads past a length.
 * Packets are handed out in place from a large read buffer.
 */
#ifndef LUCS_PCAPNG_H
#define LUCS_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The first four bytes of every pcapng file (a Section Header Block's
 * type, the same in both byte orders): what a caller peeks for. */
#define PCAPNG_MAGIC 0x0A0D0D0Au

struct pcapng;

struct pcapng_packet {
	const uint8_t *data;	/* valid until the next pcapng_next */
	uint32_t caplen;	/* bytes at data */
	uint32_t wirelen;	/* bytes on the wire, as the block says */
	uint32_t interface;	/* numbered across the whole file: a new
				 * section's interfaces get new numbers */
	int dlt;		/* DLT_ of a link type lucsaudit decodes, or -1 */
	int linktype;		/* the interface's LINKTYPE_, always */
	uint32_t snaplen;	/* the interface's, 0 for no limit */
	int64_t ts_sec;		/* seconds since the epoch, if_tsoffset added */
	uint32_t ts_nsec;	/* nanoseconds after ts_sec, below 10^9 */
	bool ts_valid;		/* false: no time (Simple Packet Block), or
				 * seconds beyond int64_t; ts_* are 0 */
};

struct pcapng_interface {
	int linktype;		/* LINKTYPE_ of its Interface Description */
	int dlt;		/* as in struct pcapng_packet */
	uint32_t snaplen;	/* bytes, 0 for no limit */
	uint8_t tsresol;	/* if_tsresol as written (6 when absent) */
	int64_t tsoffset;	/* if_tsoffset, seconds (0 when absent) */
	const char *name;	/* if_name up to any NUL byte, or NULL;
				 * valid until pcapng_close */
};

/* Read a pcapng file from f, whose first nprefix bytes the caller has
 * already taken (e.g. peeked the magic from a pipe) and passes in prefix;
 * nprefix may be 0.  The first Section Header Block is read and checked
 * here.  NULL with a message in err when f is not a pcapng file this
 * reader takes, or on a read error. */
struct pcapng *pcapng_open(FILE *f, const void *prefix, size_t nprefix,
			   char *err, size_t errlen);

/* 1: *pkt holds the next packet; 0: the file ended between blocks; -1:
 * reading stopped, pcapng_error() says why and at which byte.  Once 0 or
 * -1, always the same. */
int pcapng_next(struct pcapng *r, struct pcapng_packet *pkt);

/* Why pcapng_next returned -1 ("" before that). */
const char *pcapng_error(const struct pcapng *r);

/* Bytes of the file consumed so far (the prefix included): whole blocks,
 * for a progress line; after an error, where the bad block starts. */
uint64_t pcapng_offset(const struct pcapng *r);

/* Interfaces described so far, in all sections; the ones of a section
 * are known once its packets refer to them. */
uint32_t pcapng_interfaces(const struct pcapng *r);

/* Interface number n (as struct pcapng_packet numbers them) into *out;
 * false when there is no such interface yet. */
bool pcapng_interface(const struct pcapng *r, uint32_t n,
		      struct pcapng_interface *out);

/* Frees the reader; f stays open. */
void pcapng_close(struct pcapng *r);

#endif
