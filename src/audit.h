/* audit.h: the per-frame path, top-down: each decoded frame's flow is
 * found or made (frag, flow), a new flow is classified once (classify),
 * its packets are counted (report), and every flow that ends is written
 * out (report, out), in arrival order.
 *
 * audit owns the packet clock (the clock of a replay): intervals close
 * and idle flows end as packet time passes.  Nothing here allocates after
 * audit_new(), and nothing below it calls back into it: the flow table
 * hands ended flows back, and audit passes them on.
 */
#ifndef LUCS_AUDIT_H
#define LUCS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "classify.h"
#include "decode.h"
#include "flow.h"
#include "report.h"

struct audit;

/* cls may be NULL (no classification); report receives every flow. */
struct audit *audit_new(const struct flow_config *fc, struct classifier *cls,
			struct report *report);
void audit_free(struct audit *a);

/* Take n frames in arrival order, with what some carry beside them
 * (frame.extra names its entry of extras).  Each is counted a few frames
 * later (see audit.c), or by audit_drain(). */
void audit_frames(struct audit *a, const struct frame *frames,
		  const struct frame_extra *extras, size_t n);

/* Count every frame taken so far: before reading any count, and at every
 * pause of the input. */
void audit_drain(struct audit *a);

/* Move packet time to now_us without a packet (live capture on a quiet
 * link): flows expire and intervals close on time. */
void audit_clock(struct audit *a, int64_t now_us);

/* The rules changed: classify every flow in the table again (their
 * counters stay). */
void audit_reclassify(struct audit *a, struct classifier *cls);

/* End of input: every flow and held fragment is accounted for, the last
 * interval written. */
void audit_finish(struct audit *a);

/* The summary: at the end of the run, or (snapshot, SIGUSR1) now, with the
 * flows still in the table counted as if they had ended; false when a
 * snapshot found no memory.  inputs and capture (live, else NULL) are the
 * capture's.  audit_summary_to: to where to says too (a page), or there
 * alone. */
bool audit_summary(struct audit *a, bool snapshot,
		   const struct input_info *inputs, size_t ninputs,
		   const struct capture_stats *capture);
bool audit_summary_to(struct audit *a, bool snapshot,
		      const struct summary_to *to,
		      const struct input_info *inputs, size_t ninputs,
		      const struct capture_stats *capture);

void audit_counts(struct audit *a, struct frame_counts *out);
void audit_flow_stats(const struct audit *a, struct flow_stats *out);

#endif
