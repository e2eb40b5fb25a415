/* audit.h: the per-packet path: decode, fragments, flow, classify, count.
 *
 * One call per captured frame.  It keeps packet time (the clock of a
 * replay), expires idle flows once per second of it, and hands flows that
 * end to the report.  Nothing here allocates after audit_new().
 */
#ifndef LUCS_AUDIT_H
#define LUCS_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"

struct classifier;
struct report;

struct audit_stats {
	uint64_t packets_read;	/* frames counted (audit_packet, audit_consume) */
	uint64_t bytes_read;	/* their wire lengths */
	uint64_t decode[DECODE_STATUS_COUNT];	/* frames that gave no flow */
	int64_t first_us, last_us;	/* packet time seen, 0 if none */
};

struct audit;

/* cls may be NULL (no classification); report receives every flow. */
struct audit *audit_new(const struct flow_config *fc, struct classifier *cls,
			struct report *report);
void audit_free(struct audit *a);

/* Take one frame; it is counted a few frames later (see audit.c), or by
 * audit_drain(). */
void audit_packet(struct audit *a, int dlt, int64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wirelen);

/* audit_packet in two halves, for a replay whose reader thread does the
 * first: decoding touches nothing of the audit's, so audit_prepare may run
 * in another thread, ahead, as long as frames reach audit_consume in the
 * order they were read. */
struct audit_input {
	struct pkt p;
	int64_t ts_us;
	uint32_t wirelen;
	uint8_t status;		/* enum decode_status */
};

void audit_prepare(int dlt, int64_t ts_us, const uint8_t *bytes,
		   uint32_t caplen, uint32_t wirelen, struct audit_input *in);
void audit_consume(struct audit *a, const struct audit_input *in);

/* Count every frame taken so far: before reading any count, and at every
 * pause of the input. */
void audit_drain(struct audit *a);

/* Move packet time to now_us without a packet (live capture on a quiet
 * link): flows expire and intervals close on time. */
void audit_clock(struct audit *a, int64_t now_us);

/* The rules changed: classify every flow in the table again (their
 * counters stay). */
void audit_reclassify(struct audit *a, struct classifier *cls);

/* End of input: every flow and held fragment is accounted for. */
void audit_finish(struct audit *a);

void audit_stats(const struct audit *a, struct audit_stats *out);
/* Every flow still in the table (a report asked for mid-run). */
void audit_foreach_flow(struct audit *a, void (*fn)(void *ctx, struct flow *f),
			void *ctx);
void audit_flow_stats(const struct audit *a, struct flow_stats *out);

#endif
