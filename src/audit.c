/* audit.c: the per-packet path, wiring decode, frag, flow and report. */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "frag.h"
#include "report.h"

#define TICK_US 1000000	/* expiry runs once per second of packet time */

struct audit {
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
void audit_clock(struct audit *a, int64_t now_us)
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

void audit_packet(struct audit *a, int dlt, int64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	struct pkt p;
	enum decode_status st;
	struct flow *f;
	bool created;

	a->stats.packets_read++;
	a->stats.bytes_read += wirelen;
	note_time(&a->stats, ts_us);
	audit_clock(a, ts_us);

	st = decode_packet(dlt, bytes, caplen, wirelen, &p);
	if (st != DECODE_OK) {
		a->stats.decode[st]++;
		return;
	}
	if (p.frag == PKT_FRAG_LATER && !frag_table_later(a->frags, &p, ts_us))
		return;
	f = flow_table_update(a->flows, &p, ts_us, &created);
	if (created && a->cls)
		classify_flow(a->cls, f);
	report_count(a->report, f, 1, p.ip_len, created);
	if (p.frag == PKT_FRAG_FIRST) {
		uint64_t held, held_bytes;

		frag_table_first(a->frags, &p, ts_us, &held, &held_bytes);
		if (held) {
			flow_add_packets(f, &p, held, held_bytes);
			report_count(a->report, f, held, held_bytes, false);
		}
	}
}

void audit_finish(struct audit *a)
{
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
	flow_table_foreach(a->flows, fn, ctx);
}

void audit_flow_stats(const struct audit *a, struct flow_stats *out)
{
	flow_table_stats(a->flows, out);
}
