/* audit.c: the per-frame path: frag and flow, classify, report.  It owns
 * the frames in flight, the packet clock and the frame counts.
 *
 * Frames go through a short pipeline so that the flow table's memory is
 * fetched before it is needed: a frame is hashed (its index slot
 * prefetched) on arrival, its flow record is prefetched FETCH_AT frames
 * later, and it is counted IN_FLIGHT frames later, always in arrival
 * order.  audit_drain() empties the pipeline wherever the rest of the
 * program looks at the counts.
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "frag.h"
#include "ptime.h"
#include "tunables.h"
#include "tunnels.h"

#define IN_FLIGHT 16	/* frames hashed ahead of their update */
#define FETCH_AT 8	/* ... of which the newest have no record prefetched */

struct inflight {
	struct frame in;
	struct flow_ref ref;
	struct frame_extra extra;	/* copied in when in.extra says so */
};

struct audit {
	struct inflight ring[IN_FLIGHT];
	uint32_t head, tail;	/* arrival and update counters */
	struct flow_table *flows;
	struct frag_table *frags;
	struct tunnel_table *tunnels;	/* the paths flows came through */
	struct classifier *cls;
	struct report *report;
	struct frame_counts counts;
	int64_t now_us;		/* latest packet time: the replay's clock */
	int64_t next_tick_us;	/* when idle flows are next looked for */
	int64_t next_report_us;	/* the next interval boundary */
	bool started;
};

struct audit *audit_new(const struct flow_config *fc, struct classifier *cls,
			struct report *report)
{
	struct audit *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->flows = flow_table_new(fc);
	a->frags = frag_table_new(&fc->hash_key);
	a->tunnels = tunnel_table_new(&fc->hash_key);
	if (!a->flows || !a->frags || !a->tunnels) {
		audit_free(a);
		return NULL;
	}
	a->cls = cls;
	a->report = report;
	return a;
}

void audit_free(struct audit *a)
{
	if (!a)
		return;
	flow_table_free(a->flows);
	frag_table_free(a->frags);
	tunnel_table_free(a->tunnels);
	free(a);
}

/* --- packet time -------------------------------------------------------- */

/* f leaves the table at end_us (packet time): to the report, with the
 * reporter of the ICMP errors that quoted it, if any. */
__attribute__((noinline))
static void flow_ended(struct audit *a, const struct flow *f,
		       enum flow_end why, int64_t end_us)
{
	report_flow_end(a->report, f, why, end_us,
			f->icmp_errors ? flow_table_reporter(a->flows, f)
				       : NULL,
			tunnel_path(a->tunnels, f->key.tunnel));
}

static void end_idle_flows(struct audit *a, int64_t now_us)
{
	const struct flow *f;

	while ((f = flow_table_expire_next(a->flows, now_us)))
		flow_ended(a, f, FLOW_END_IDLE, now_us);
}

/* Packet time only moves forward: a capture whose timestamps step back
 * counts those packets, but never un-expires anything.  Intervals close
 * before idle flows end, as they would had the clock moved in steps. */
static void advance_clock(struct audit *a, int64_t now_us)
{
	if (!a->started) {
		a->started = true;
		a->now_us = now_us;
		a->next_tick_us = ptime_add(now_us, LUCS_TICK_US);
		a->next_report_us = report_clock(a->report, now_us);
		return;
	}
	if (now_us <= a->now_us)
		return;
	a->now_us = now_us;
	if (now_us >= a->next_report_us)
		a->next_report_us = report_clock(a->report, now_us);
	if (now_us < a->next_tick_us)
		return;
	a->next_tick_us = ptime_add(now_us, LUCS_TICK_US);
	end_idle_flows(a, now_us);
	frag_table_expire(a->frags, now_us);
}

/* --- one frame ------------------------------------------------------------ */

/* Every frame counts as read; only a believable time is packet time. */
static void count_read(struct frame_counts *c, const struct frame *in)
{
	c->packets_read++;
	c->bytes_read += in->wirelen;
	if (in->status == DECODE_BAD_TIMESTAMP)
		return;
	if (c->timed++ == 0 || in->ts_us < c->first_us)
		c->first_us = in->ts_us;
	if (c->timed == 1 || in->ts_us > c->last_us)
		c->last_us = in->ts_us;
}

/* A new flow's verdict, once: the classifier says, the table keeps it. */
static void classify_new(struct audit *a, const struct flow_update *u)
{
	struct flow_class c = classify_flow(a->cls, u->flow);

	flow_table_classify(a->flows, u->slot, c.class_id, c.client);
}

/* A first fragment: the later ones held for it count in its flow now. */
static void add_held_fragments(struct audit *a, struct inflight *e,
			       const struct flow_update *u)
{
	struct frag_held held;

	frag_table_first(a->frags, &e->in.p, e->in.ts_us, &held);
	if (!held.packets)
		return;
	flow_table_add_packets(a->flows, u->slot, e->ref.sender, held.packets,
			       held.bytes, held.first_us);
	report_count(a->report, u->flow, u->slot, held.packets, held.bytes,
		     false);
}

/* An ICMP error whose quote names a flow of the table counts on that
 * flow and is no flow of its own; one that names none is an ICMP flow,
 * as any other ICMP packet. */
__attribute__((noinline, cold))
static bool icmp_error_matched(struct audit *a, struct inflight *e)
{
	const struct pkt *p = &e->in.p;
	uint32_t slot;

	if (p->quote == QUOTE_DAMAGED) {
		a->counts.icmp_quote_damaged++;
		return false;
	}
	if (flow_table_icmp_error(a->flows, &e->extra.quote, p->tunnel, p->src,
				  p->icmp_type, p->icmp_code, &slot)) {
		a->counts.icmp_matched++;
		return true;
	}
	a->counts.icmp_unmatched++;
	return false;
}

/* The last stage: the frame's packet counts in its flow, in arrival
 * order; what ends on the way is written out first. */
static void update(struct audit *a, struct inflight *e)
{
	struct pkt *p = &e->in.p;
	struct flow_update u;

	count_read(&a->counts, &e->in);
	if (__builtin_expect(p->unopened != UNOPENED_NONE, 0))
		a->counts.unopened[p->unopened < UNOPENED_COUNT ? p->unopened
							       : 0]++;
	if (e->in.status != DECODE_BAD_TIMESTAMP)
		advance_clock(a, e->in.ts_us);
	if (e->in.status != DECODE_OK) {
		a->counts.decode[e->in.status]++;
		return;
	}
	if (p->quote != QUOTE_NONE && icmp_error_matched(a, e))
		return;
	if (p->frag == PKT_FRAG_LATER) {
		/* Its ports come from the first fragment: located only now. */
		if (!frag_table_later(a->frags, p, e->in.ts_us))
			return;
		flow_table_locate(a->flows, p, &e->ref);
	}
	flow_table_update(a->flows, p, &e->ref, e->in.ts_us, &u);
	if (u.ended)
		flow_ended(a, u.ended, u.why, a->now_us);
	if (u.created && a->cls)
		classify_new(a, &u);
	report_count(a->report, u.flow, u.slot, 1, p->ip_len, u.created);
	if (p->frag == PKT_FRAG_FIRST)
		add_held_fragments(a, e, &u);
}

static bool located(const struct frame *in)
{
	return in->status == DECODE_OK && in->p.frag != PKT_FRAG_LATER;
}

/* The newest frame, in the ring at head, enters the pipeline. */
static void advance(struct audit *a)
{
	struct inflight *e = &a->ring[a->head++ % IN_FLIGHT];

	if (located(&e->in))
		flow_table_locate(a->flows, &e->in.p, &e->ref);
	if (a->head - a->tail > FETCH_AT) {
		struct inflight *ahead =
			&a->ring[(a->head - FETCH_AT - 1) % IN_FLIGHT];

		if (located(&ahead->in))
			flow_table_prefetch(a->flows, &ahead->ref);
	}
	if (a->head - a->tail == IN_FLIGHT)
		update(a, &a->ring[a->tail++ % IN_FLIGHT]);
}

/* What a frame carries beside its packet: the tunnels it came through,
 * counted and numbered (the number is part of its flow's key, so it is
 * set before the flow is looked up), and an ICMP error's quote. */
__attribute__((noinline))
static void frame_aside(struct audit *a, struct inflight *e,
			const struct frame_extra *x)
{
	e->extra = *x;
	if (!x->depth)
		return;
	for (unsigned i = 0; i < x->depth; i++)
		a->counts.tunnels[x->layer[i].type]++;
	e->in.p.tunnel = tunnel_intern(a->tunnels, x);
}

void audit_frames(struct audit *a, const struct frame *frames,
		  const struct frame_extra *extras, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct inflight *e = &a->ring[a->head % IN_FLIGHT];

		e->in = frames[i];
		if (e->in.extra)
			frame_aside(a, e, &extras[e->in.extra - 1]);
		advance(a);
	}
}

void audit_drain(struct audit *a)
{
	while (a->tail != a->head)
		update(a, &a->ring[a->tail++ % IN_FLIGHT]);
}

/* --- the run's other events ------------------------------------------- */

void audit_clock(struct audit *a, int64_t now_us)
{
	audit_drain(a);
	if (ptime_plausible(now_us))
		advance_clock(a, now_us);
}

void audit_finish(struct audit *a)
{
	const struct flow *f;

	audit_drain(a);
	report_close_interval(a->report, a->now_us);
	while ((f = flow_table_flush_next(a->flows)))
		flow_ended(a, f, FLOW_END_INPUT, a->now_us);
	frag_table_expire(a->frags, INT64_MAX);
}

void audit_reclassify(struct audit *a, struct classifier *cls)
{
	struct flow_iter it = { 0 };
	const struct flow *f;
	uint32_t slot;

	audit_drain(a);
	a->cls = cls;
	while ((f = flow_table_next(a->flows, &it, &slot))) {
		struct flow_class c = classify_flow(cls, f);

		flow_table_classify(a->flows, slot, c.class_id, c.client);
	}
}

bool audit_summary(struct audit *a, bool snapshot,
		   const struct input_info *inputs, size_t ninputs,
		   const struct capture_stats *capture)
{
	const struct summary_to record_only = { NULL, false };

	return audit_summary_to(a, snapshot, &record_only, inputs, ninputs,
				capture);
}

bool audit_summary_to(struct audit *a, bool snapshot,
		      const struct summary_to *to,
		      const struct input_info *inputs, size_t ninputs,
		      const struct capture_stats *capture)
{
	struct frame_counts counts;
	struct flow_stats fs;
	struct summary_input in = { &counts, &fs, inputs, ninputs, capture };
	struct flow_iter it = { 0 };
	const struct flow *f;
	uint32_t slot;

	audit_drain(a);
	audit_counts(a, &counts);
	flow_table_stats(a->flows, &fs);
	if (!snapshot) {
		report_summary_to(a->report, &in, to);
		return true;
	}
	if (!report_snapshot_begin(a->report))
		return false;
	while ((f = flow_table_next(a->flows, &it, &slot)))
		report_snapshot_flow(a->report, f, a->now_us,
				     f->icmp_errors
				     ? flow_table_reporter(a->flows, f) : NULL,
				     tunnel_path(a->tunnels, f->key.tunnel));
	report_snapshot_end_to(a->report, &in, to);
	return true;
}

void audit_counts(struct audit *a, struct frame_counts *out)
{
	*out = a->counts;
	out->decode[DECODE_FRAG_ORPHAN] = frag_table_orphans(a->frags);
	out->tunnel_paths_merged = tunnel_paths_merged(a->tunnels);
}

void audit_flow_stats(const struct audit *a, struct flow_stats *out)
{
	flow_table_stats(a->flows, out);
}
