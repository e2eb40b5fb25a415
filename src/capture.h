/* capture.h: packet sources: capture files read in order as one timeline
 * (classic pcap through libpcap, pcapng through pcapng.c, each known by
 * its first bytes; "-" is standard input), the captures of a folder in
 * the order of their first packets, or one live interface (libpcap); each
 * frame decoded (decode.h) on the way, by its own interface's link type.
 *
 * capture owns the sources, the reader thread and the frames it hands
 * out.  All inputs are opened and checked (format, link types, filter)
 * before the first packet is read, so a bad argument fails before any
 * output; a regular file is then closed, and opened again when its turn
 * comes (a folder may hold thousands).  Files are read and decoded by a
 * thread of their own, batches of frames ahead of the caller.  The caller
 * pulls batches (capture_next); each call waits at most about
 * LUCS_CAPTURE_WAIT_MS, so that the caller keeps its clock and sees
 * signals even when the input is quiet.
 */
#ifndef LUCS_CAPTURE_H
#define LUCS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode.h"

struct capture_config {
	const char *const *files;	/* files, folders, "-" */
	size_t nfiles;
	const char *filter;	/* BPF expression, or NULL */
	const char *iface;	/* live capture instead of files */
	int snaplen;		/* live: bytes kept of each packet */
	bool promisc;		/* live: promiscuous mode */
	unsigned buffer_kib;	/* live: kernel buffer, 0 = libpcap's */
	bool inline_read;	/* files: no reader thread (tests) */
	const struct decode_config *decode;	/* NULL: open no tunnel */
	bool dedup;		/* --dedup: copies of a packet count once */
};

/* One input: its name, the packets read from it, and why reading stopped
 * early, if it did.  A folder's captures are inputs of their own,
 * "FOLDER/NAME". */
struct input_info {
	const char *name;
	uint64_t packets;	/* read (the filter passed), copies too */
	const char *error;	/* NULL when it was read to its end */
};

/* What the reading found of the inputs together, for the summary. */
struct capture_notes {
	bool dedup;		/* --dedup was given */
	uint64_t duplicates_dropped;	/* copies it left out */
	bool inputs_overlap;	/* an input's first packet came before the
				 * last packet of an input read before it */
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

/* What the reading found so far of the inputs together: for the frames
 * handed out until now. */
void capture_notes(const struct capture *c, struct capture_notes *out);

/* The entries of the folders given that are not read, each said as
 * "FOLDER/NAME: why, skipped", in the order found. */
const char *const *capture_skipped(const struct capture *c, size_t *n);

/* The kernel buffer -B asks for, in bytes, as libpcap takes it (an int):
 * at most INT_MAX. */
int capture_buffer_bytes(unsigned buffer_kib);

#endif
