/* capture.h: packet sources through libpcap: capture files read in order
 * as one timeline (pcap, nanosecond pcap, pcapng; "-" is standard input),
 * or one live interface.
 *
 * All inputs are opened and checked (format, link type, filter) before the
 * first packet is read, so a bad argument fails before any output.  Files
 * are read by a thread of their own, batches of prepared packets ahead of
 * the caller, which consumes them (capture_hooks).  A live
 * capture wakes at least every LIVE_WAKE_MS so that the clock moves on a
 * quiet link: flows expire and intervals close on time.
 */
#ifndef LUCS_CAPTURE_H
#define LUCS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

struct capture_config {
	const char *const *files;
	size_t nfiles;
	const char *filter;	/* BPF expression, or NULL */
	const char *iface;	/* live capture instead of files */
	int snaplen;		/* live: bytes kept of each packet */
	bool promisc;		/* live: promiscuous mode */
	int buffer_kib;		/* live: kernel buffer, 0 = libpcap's */
	bool inline_read;	/* files: no reader thread (tests) */
};

/* A packet's work comes in two halves.  prepare needs nothing but the
 * packet and may run in a reader thread (a replay reads and prepares
 * ahead while the caller's thread consumes); it fills slot_size bytes at
 * slot.  consume runs in the caller's thread, in packet order. */
struct capture_hooks {
	void (*prepare)(void *ctx, void *slot, int dlt, int64_t ts_us,
			const uint8_t *bytes, uint32_t caplen,
			uint32_t wirelen);
	void (*consume)(void *ctx, void *slot);
	size_t slot_size;
	/* Called in the caller's thread between batches of packets;
	 * returning false stops. */
	bool (*between)(void *ctx);
	void *ctx;
};

struct capture;

/* NULL with a message in err ("FILE: why") when an input is unusable. */
struct capture *capture_open(const struct capture_config *cfg, char *err,
			     size_t errlen);
void capture_close(struct capture *c);

/* Read every input; false when one stopped early (its input_info says
 * why and where), true otherwise.  A stop asked for by hooks.between or
 * capture_break() is not an error. */
bool capture_run(struct capture *c, const struct capture_hooks *hooks);

bool capture_is_live(const struct capture *c);

/* Live counters since the start, widened to 64 bits; false for files. */
bool capture_stats(struct capture *c, struct capture_stats *out);

/* -D: the interfaces libpcap can capture on, numbered as tcpdump -D does;
 * false with err filled when none can be listed. */
bool capture_list_interfaces(FILE *f, char *err, size_t errlen);

/* Ask the running loop to stop soon (safe in a signal handler). */
void capture_break(struct capture *c);

/* Progress of the file being read: bytes consumed and total size of all
 * inputs (total 0 when unknown, as for a pipe). */
void capture_progress(const struct capture *c, uint64_t *done,
		      uint64_t *total);

const struct input_info *capture_inputs(const struct capture *c, size_t *n);

#endif
