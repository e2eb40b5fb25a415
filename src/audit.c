/* audit.c: the per-packet path, wiring decode, frag, flow and report.
 *
 * Packets go through a short pipeline so that the flow table's memory is
 * fetched before it is needed: a packet is decoded and hashed (its index
 * slot prefetched) on arrival, its flow record is prefetched FETCH_AT
 * packets later, and it is counted IN_FLIGHT packets later, always in
 * arrival order.  audit_drain() empties the pipeline wherever the rest of
 * the program looks at the counts.
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "frag.h"
#include "report.h"

#define TICK_US 1000000	/* expiry runs once per second of packet time */
#define IN_FLIGHT 16	/* packets decoded ahead of their update */
#define FETCH_AT 8	/* ... of which the newest have no record prefetched */

struct inflight {
	struct audit_input in;
	struct flow_ref ref;
};

struct audit {
	struct inflight ring[IN_FLIGHT];
	uint32_t head, tail;	/* arrival and update counters */
	struct flow_table *flows;
	struct frag_table *frags;
	struct classifier *cls;
	struct report *report;
	struct audit_stats stats;
	int64_t now_us;		/* latest packet time: the replay's clock */
	int64_t next_tick_us;
	int64_t next_report_us;	/* the next interval boundary */
	bool started;
};

static void flow_ended(void *ctx, struct flow *f, enum flow_end why)
{
	struct audit *a = ctx;

	report_flow_end(a->report, f, why);
}

struct audit *audit_new(const struct flow_config *fc, struct classifier *cls,
			struct report *report)
{
	struct audit *a = calloc(1, sizeof *a);
	struct flow_config cfg = *fc;

	if (!a)
		return NULL;
	cfg.on_end = flow_ended;
	cfg.ctx = a;
	a->flows = flow_table_new(&cfg);
	a->frags = frag_table_new(&fc->hash_key);
	if (!a->flows || !a->frags) {
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
	free(a);
}

/* Packet time only moves forward: a capture whose timestamps step back
 * counts those packets, but never un-expires anything. */
static void advance_clock(struct audit *a, int64_t now_us)
{
	if (!a->started) {
		a->started = true;
		a->now_us = now_us;
		a->next_tick_us = now_us + TICK_US;
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
	a->next_tick_us = now_us + TICK_US;
	flow_table_expire(a->flows, now_us);
	frag_table_expire(a->frags, now_us);
}

static void note_time(struct audit_stats *s, int64_t ts_us)
{
	if (s->packets_read == 1 || ts_us < s->first_us)
		s->first_us = ts_us;
	if (s->packets_read == 1 || ts_us > s->last_us)
		s->last_us = ts_us;
}

/* The last stage: count the packet in its flow, in arrival order. */
static void update(struct audit *a, struct inflight *e)
{
	struct pkt *p = &e->in.p;
	struct flow *f;
	bool created;

	a->stats.packets_read++;
	a->stats.bytes_read += e->in.wirelen;
	note_time(&a->stats, e->in.ts_us);
	advance_clock(a, e->in.ts_us);
	if (e->in.status != DECODE_OK) {
		a->stats.decode[e->in.status]++;
		return;
	}
	if (p->frag == PKT_FRAG_LATER) {
		/* Its ports come from the first fragment: located only now. */
		if (!frag_table_later(a->frags, p, e->in.ts_us))
			return;
		flow_table_locate(a->flows, p, &e->ref);
	}
	f = flow_table_update_ref(a->flows, p, &e->ref, e->in.ts_us, &created);
	if (created && a->cls)
		classify_flow(a->cls, f);
	report_count(a->report, f, 1, p->ip_len, created);
	if (p->frag == PKT_FRAG_FIRST) {
		struct frag_held held;

		frag_table_first(a->frags, p, e->in.ts_us, &held);
		if (held.packets) {
			flow_add_packets(f, e->ref.sender, held.packets,
					 held.bytes, held.first_us);
			report_count(a->report, f, held.packets, held.bytes,
				     false);
		}
	}
}

void audit_prepare(int dlt, int64_t ts_us, const uint8_t *bytes,
		   uint32_t caplen, uint32_t wirelen, struct audit_input *in)
{
	in->ts_us = ts_us;
	in->wirelen = wirelen;
	in->status = (uint8_t)decode_packet(dlt, bytes, caplen, wirelen, &in->p);
}

static bool located(const struct audit_input *in)
{
	return in->status == DECODE_OK && in->p.frag != PKT_FRAG_LATER;
}

/* The newest frame, prepared in the ring at head, enters the pipeline. */
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

void audit_packet(struct audit *a, int dlt, int64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	audit_prepare(dlt, ts_us, bytes, caplen, wirelen,
		      &a->ring[a->head % IN_FLIGHT].in);
	advance(a);
}

void audit_consume(struct audit *a, const struct audit_input *in)
{
	a->ring[a->head % IN_FLIGHT].in = *in;
	advance(a);
}

void audit_drain(struct audit *a)
{
	while (a->tail != a->head)
		update(a, &a->ring[a->tail++ % IN_FLIGHT]);
}

void audit_clock(struct audit *a, int64_t now_us)
{
	audit_drain(a);
	advance_clock(a, now_us);
}

void audit_finish(struct audit *a)
{
	audit_drain(a);
	report_close_interval(a->report, a->now_us);
	flow_table_flush(a->flows);
	frag_table_expire(a->frags, INT64_MAX);
	a->stats.decode[DECODE_FRAG_ORPHAN] = frag_table_orphans(a->frags);
}

static void reclassify_one(void *ctx, struct flow *f)
{
	classify_flow(ctx, f);
}

void audit_reclassify(struct audit *a, struct classifier *cls)
{
	audit_drain(a);
	a->cls = cls;
	flow_table_foreach(a->flows, reclassify_one, cls);
}

void audit_stats(const struct audit *a, struct audit_stats *out)
{
	*out = a->stats;
	out->decode[DECODE_FRAG_ORPHAN] = frag_table_orphans(a->frags);
}

void audit_foreach_flow(struct audit *a, void (*fn)(void *ctx, struct flow *f),
			void *ctx)
{
	audit_drain(a);
	flow_table_foreach(a->flows, fn, ctx);
}

void audit_flow_stats(const struct audit *a, struct flow_stats *out)
{
	flow_table_stats(a->flows, out);
}
