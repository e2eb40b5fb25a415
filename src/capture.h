/* capture.h: packet sources through libpcap: capture files read in order
 * as one timeline (pcap, nanosecond pcap, pcapng; "-" is standard input),
 * or one live interface; each frame decoded (decode.h) on the way.
 *
 * capture owns the sources, the reader thread and the frames it hands
 * out.  All inputs are opened and checked (format, link type, filter)
 * before the first packet is read, so a bad argument fails before any
 * output.  Files are read and decoded by a thread of their own, batches of
 * frames ahead of the caller.  The caller pulls batches (capture_next);
 * each call waits at most about LUCS_CAPTURE_WAIT_MS, so that the caller
 * keeps its clock and sees signals even when the input is quiet.
 */
#ifndef LUCS_CAPTURE_H
#define LUCS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode.h"

struct capture_config {
	const char *const *files;
	size_t nfiles;
	const char *filter;	/* BPF expression, or NULL */
	const char *iface;	/* live capture instead of files */
	int snaplen;		/* live: bytes kept of each packet */
	bool promisc;		/* live: promiscuous mode */
	unsigned buffer_kib;	/* live: kernel buffer, 0 = libpcap's */
	bool inline_read;	/* files: no reader thread (tests) */
	const struct decode_config *decode;	/* NULL: open no tunnel */
};

/* One input: its name, the packets read from it, and why reading stopped
 * early, if it did. */
struct input_info {
	const char *name;
	uint64_t packets;
	const char *error;	/* NULL when it was read to its end */
};

/* Live capture counters (pcap_stats) since the start. */
struct capture_stats {
	uint64_t received;
	uint64_t dropped;	/* by the kernel: no room in the buffer */
	uint64_t if_dropped;	/* by the interface or its driver */
};

struct capture;

/* NULL with a message in err ("FILE: why") when an input is unusable. */
struct capture *capture_open(const struct capture_config *cfg, char *err,
			     size_t errlen);
void capture_close(struct capture *c);

/* Frames in arrival order, and what some of them carry beside
 * (frame.extra); valid until the next capture_next. */
struct capture_batch {
	const struct frame *frames;
	size_t n;
	const struct frame_extra *extras;
};

enum capture_status {
	CAPTURE_FRAMES,		/* the batch holds one frame or more */
	CAPTURE_QUIET,		/* none came within the wait */
	CAPTURE_END		/* every input is read, or reading stopped */
};

/* The next batch of frames, waiting for it a short while at most. */
enum capture_status capture_next(struct capture *c, struct capture_batch *b);

/* Stop reading soon (not from a signal handler: the caller's loop calls
 * it when a stop was asked for); capture_next then hands out what was
 * already read and ends.  It may be called more than once. */
void capture_stop(struct capture *c);

/* False when an input stopped early (its input_info says why). */
bool capture_ok(const struct capture *c);

bool capture_is_live(const struct capture *c);

/* Live counters since the start, widened to 64 bits; false for files. */
bool capture_stats(struct capture *c, struct capture_stats *out);

/* -D: the interfaces libpcap can capture on, numbered as tcpdump -D does;
 * false with err filled when none can be listed. */
bool capture_list_interfaces(FILE *f, char *err, size_t errlen);

/* Progress of the inputs: bytes consumed and total size of all inputs
 * (total 0 when unknown, as for a pipe). */
void capture_progress(const struct capture *c, uint64_t *done,
		      uint64_t *total);

const struct input_info *capture_inputs(const struct capture *c, size_t *n);

/* The kernel buffer -B asks for, in bytes, as libpcap takes it (an int):
 * at most INT_MAX. */
int capture_buffer_bytes(unsigned buffer_kib);

#endif
