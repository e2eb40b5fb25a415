/* test_report.c: what the report makes of flows and time, seen through a
 * writer that keeps every view it is given: flow records, intervals of
 * packet time (each flow counted once per interval, a slot reused by a
 * new flow, quiet stretches skipped in a replay and written live, the
 * capture's counters per interval), the new unexpected flows, counts
 * carried over when the rules are reloaded, summaries and snapshots. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classified.h"
#include "report.h"
#include "tunables.h"

#define S(sec) ((int64_t)(sec) * 1000000)
#define STEP S(60)		/* the interval */
#define MAX_VIEWS 64

static const char rules_a[] =
	"version: 1\n"
	"tags: [Extra]\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp, ports: 443, tag: LUCS}\n"
	"  - {id: extra, from: any, to: any, proto: udp, ports: 7000,\n"
	"     tag: Extra}\n";

static const char rules_b[] =
	"version: 1\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp, ports: 443, tag: SfB}\n";

/* --- a writer that keeps what it is given ------------------------------- */

static struct {
	struct flow_view flows[MAX_VIEWS];
	size_t nflows;
	struct interval_view intervals[MAX_VIEWS];
	struct capture_stats capture[MAX_VIEWS];
	char new_unexpected[MAX_VIEWS][256];	/* "server:port reason ..." */
	size_t nintervals;
	struct summary_view summaries[4];
	size_t nsummaries;
} got;

static void keep_flow(struct sink *s, const struct flow_view *v)
{
	(void)s;
	assert_true(got.nflows < MAX_VIEWS);
	got.flows[got.nflows++] = *v;
}

static void keep_interval(struct sink *s, const struct interval_view *v)
{
	char *text = got.new_unexpected[got.nintervals];

	(void)s;
	assert_true(got.nintervals < MAX_VIEWS);
	text[0] = '\0';
	for (size_t i = 0; i < v->nnew; i++) {
		char one[96];

		snprintf(one, sizeof one, "%s%s:%u %s", i ? " " : "",
			 v->new_unexpected[i].server,
			 v->new_unexpected[i].server_port,
			 v->new_unexpected[i].reason);
		strcat(text, one);
	}
	if (v->capture)
		got.capture[got.nintervals] = *v->capture;
	got.intervals[got.nintervals] = *v;
	got.intervals[got.nintervals].new_unexpected = NULL;
	got.intervals[got.nintervals].capture =
		v->capture ? &got.capture[got.nintervals] : NULL;
	got.nintervals++;
}

static void keep_summary(struct sink *s, const struct summary_view *v)
{
	(void)s;
	assert_true(got.nsummaries < 4);
	got.summaries[got.nsummaries++] = *v;
}

static const struct report_writer keeper = {
	.name = "keep", .flow = keep_flow, .interval = keep_interval,
	.summary = keep_summary,
};

/* --- fixture -------------------------------------------------------------- */

struct fx {
	struct catalogue *cat;
	struct classifier *cls;
	struct out out;
	struct report *r;
	uint32_t next_slot;
};

static void open_report(struct fx *x, bool live)
{
	struct report_config rc = {
		.writer = &keeper, .out = &x->out, .cls = x->cls,
		.interval_us = STEP, .live = live, .answer_wait_us = S(3),
		.flow_slots = flow_table_slots(16),
	};

	x->r = report_new(&rc);
	assert_non_null(x->r);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	memset(&got, 0, sizeof got);
	x->cls = classified_rules(&x->cat, rules_a);
	if (out_open(&x->out, "/dev/null", false) != 0)
		return -1;
	open_report(x, false);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	report_free(x->r);
	out_close(&x->out);
	classifier_free(x->cls);
	catalogue_free(x->cat);
	free(x);
	return 0;
}

/* A classified flow from 10.20.0.c to 10.10.0.1. */
static struct flow flow_to(const struct classifier *cls, uint8_t client,
			   uint8_t proto, uint16_t port)
{
	return classified_flow(cls, client, (uint16_t)(40000 + client), 1,
			       proto, port);
}

/* One packet of f at now: the clock moves, then the packet counts. */
static void packet(struct fx *x, struct flow *f, uint32_t slot, int64_t now,
		   bool created)
{
	report_clock(x->r, now);
	f->packets[f->client]++;
	f->bytes[f->client] += 100;
	if (created)
		f->first_us = now;
	f->last_us = now;
	report_count(x->r, f, slot, 1, 100, created);
}

static void finish(struct fx *x, int64_t now)
{
	report_close_interval(x->r, now);
}

/* --- tests -------------------------------------------------------------- */

/* A flow record: oriented by the flow's client, with its classification
 * and why it ended. */
static void test_report_flow_record(void **state)
{
	struct fx *x = *state;
	struct flow f = flow_to(x->cls, 5, IPPROTO_NUM_TCP, 443);

	f.packets[1] = 3;
	f.packets[0] = 2;
	f.bytes[1] = 300;
	f.bytes[0] = 200;
	f.first_us = S(10);
	f.last_us = S(12);
	f.state = TCP_STATE_CLOSED;
	report_flow_end(x->r, &f, FLOW_END_IDLE, S(40), NULL, NULL);
	assert_int_equal(got.nflows, 1);
	assert_string_equal(got.flows[0].client, "10.20.0.5");
	assert_int_equal(got.flows[0].client_port, 40005);
	assert_string_equal(got.flows[0].server, "10.10.0.1");
	assert_int_equal(got.flows[0].server_port, 443);
	assert_int_equal(got.flows[0].packets_c2s, 3);
	assert_int_equal(got.flows[0].bytes_s2c, 200);
	assert_string_equal(got.flows[0].proto, "tcp");
	assert_string_equal(got.flows[0].tcp_state, "closed");
	assert_string_equal(got.flows[0].end, "idle");
	assert_string_equal(got.flows[0].outcome, "succeeded");
	assert_int_equal(got.flows[0].icmp_errors, 0);
	assert_string_equal(got.flows[0].verdict, "expected");
	assert_int_equal(got.flows[0].nrules, 1);
	assert_string_equal(got.flows[0].rules[0], "web");
	assert_int_equal(report_flows_with(x->r, 1u << VERDICT_EXPECTED), 1);
	assert_int_equal(report_flows_with(x->r, 1u << VERDICT_UNEXPECTED), 0);
}

/* An unanswered SYN is unanswered once the answer wait passed before the
 * flow (or the input) ended, undetermined before; one an ICMP error
 * quoted says what the error said, and who said it.  Coverage follows:
 * a rule whose only flows failed is failed, not seen as working. */
static void test_report_outcomes(void **state)
{
	struct fx *x = *state;
	struct flow syn = flow_to(x->cls, 5, IPPROTO_NUM_TCP, 443);
	struct flow ok = flow_to(x->cls, 6, IPPROTO_NUM_TCP, 443);
	const uint8_t firewall[16] = { 10, 10, 0, 254 };
	const struct rule_counts *web;

	syn.state = TCP_STATE_ATTEMPTED;
	syn.packets[syn.client] = 2;
	syn.first_us = S(9);
	syn.last_us = S(10);
	report_flow_end(x->r, &syn, FLOW_END_INPUT, S(12), NULL, NULL);
	assert_string_equal(got.flows[0].outcome, "undetermined");
	assert_int_equal(report_failed(x->r), 0);
	report_flow_end(x->r, &syn, FLOW_END_INPUT, S(13), NULL, NULL);
	assert_string_equal(got.flows[1].outcome, "unanswered");
	assert_int_equal(report_failed(x->r), 1);

	syn.icmp_errors = 2;
	syn.icmp_type = 3;
	syn.icmp_code = 13;
	report_flow_end(x->r, &syn, FLOW_END_IDLE, S(40), firewall, NULL);
	assert_string_equal(got.flows[2].outcome, "prohibited");
	assert_int_equal(got.flows[2].icmp_errors, 2);
	assert_int_equal(got.flows[2].icmp_type, 3);
	assert_int_equal(got.flows[2].icmp_code, 13);
	assert_string_equal(got.flows[2].icmp_from, "10.10.0.254");
	assert_int_equal(report_failed(x->r), 2);

	report_summary(x->r, &(struct summary_input){
		&(struct frame_counts){ .packets_read = 1 },
		&(struct flow_stats){ .created = 1 }, NULL, 0, NULL });
	web = &got.summaries[0].tally->per_rule[0];
	assert_int_equal(coverage_status(x->cls, 0, web), COVERAGE_FAILED);
	assert_int_equal(coverage_status(x->cls, 1,
					 &got.summaries[0].tally->per_rule[1]),
			 COVERAGE_NOT_SEEN);

	ok.state = TCP_STATE_CLOSED;
	ok.packets[0] = ok.packets[1] = 3;
	report_flow_end(x->r, &ok, FLOW_END_IDLE, S(40), NULL, NULL);
	assert_string_equal(got.flows[3].outcome, "succeeded");
	assert_int_equal(coverage_status(x->cls, 0, web), COVERAGE_SUCCEEDED);
	assert_int_equal(web->failed, 2);
	assert_int_equal(web->succeeded, 1);
}

/* Each flow is counted once per interval however many packets it has,
 * and again in the next interval it is active in. */
static void test_report_interval_counts_flows_once(void **state)
{
	struct fx *x = *state;
	struct flow a = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);
	struct flow b = flow_to(x->cls, 2, IPPROTO_NUM_TCP, 443);

	packet(x, &a, 3, S(600) + 1, true);
	packet(x, &a, 3, S(601), false);
	packet(x, &b, 4, S(602), true);
	packet(x, &a, 3, S(603), false);
	packet(x, &a, 3, S(660), false);	/* the next interval */
	finish(x, S(661));
	assert_int_equal(got.nintervals, 2);
	assert_int_equal(got.intervals[0].start_us, S(600));
	assert_int_equal(got.intervals[0].end_us, S(660));
	assert_false(got.intervals[0].partial);
	assert_int_equal(got.intervals[0].packets, 4);
	assert_int_equal(got.intervals[0].bytes, 400);
	assert_int_equal(got.intervals[0].flows_active, 2);
	assert_int_equal(got.intervals[0].flows_new, 2);
	assert_int_equal(got.intervals[0].verdicts[VERDICT_EXPECTED].flows, 2);
	assert_int_equal(got.intervals[0].tags[TAG_LUCS].packets, 4);
	assert_int_equal(got.intervals[1].flows_active, 1);
	assert_int_equal(got.intervals[1].flows_new, 0);
	assert_true(got.intervals[1].partial);
}

/* A new flow in the slot of one that ended in the same interval is a flow
 * of its own. */
static void test_report_interval_slot_reused(void **state)
{
	struct fx *x = *state;
	struct flow a = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);
	struct flow b = flow_to(x->cls, 2, IPPROTO_NUM_TCP, 443);

	packet(x, &a, 7, S(1), true);
	report_flow_end(x->r, &a, FLOW_END_PORT_REUSE, S(2), NULL, NULL);
	packet(x, &b, 7, S(2), true);
	packet(x, &b, 7, S(3), false);
	finish(x, S(4));
	assert_int_equal(got.nintervals, 1);
	assert_int_equal(got.intervals[0].flows_active, 2);
	assert_int_equal(got.intervals[0].flows_new, 2);
}

/* A replay skips quiet stretches: no record for an interval without
 * packets, and the clock jumps to the interval the packet is in. */
static void test_report_replay_skips_quiet(void **state)
{
	struct fx *x = *state;
	struct flow a = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);

	packet(x, &a, 0, S(30), true);
	assert_int_equal(report_clock(x->r, S(45)), S(60));
	packet(x, &a, 0, S(6000) + 5, false);	/* 99 quiet intervals later */
	finish(x, S(6001));
	assert_int_equal(got.nintervals, 2);
	assert_int_equal(got.intervals[0].start_us, 0);
	assert_int_equal(got.intervals[1].start_us, S(6000));
	assert_int_equal(got.intervals[1].flows_active, 1);
}

/* Live, every interval is a record (it carries the capture's counters,
 * as deltas of the interval); intervals keep to the monotonic clock and
 * take their labels from the wall clock, aligned. */
static void test_report_live_writes_every_interval(void **state)
{
	struct fx *x = *state;
	struct capture_stats cs = { 100, 1, 0 };
	struct flow a = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);
	const int64_t mono0 = S(5000), wall0 = S(1700000010);
	int64_t step;

	report_free(x->r);
	open_report(x, true);
	report_set_capture_stats(x->r, &cs);
	/* the first interval ends where the wall clock's minute does */
	assert_int_equal(report_live_clock(x->r, mono0, wall0, &step),
			 mono0 + S(30));
	assert_int_equal(step, 0);
	report_count(x->r, &a, 0, 1, 100, true);
	cs.received = 250;
	cs.dropped = 5;
	report_set_capture_stats(x->r, &cs);
	/* each call past the end writes one interval; the wall clock may
	 * lag or lead a little (a slew) */
	for (int i = 0; i < 3; i++)
		report_live_clock(x->r, mono0 + S(30) + i * STEP + 1000,
				  wall0 + S(30) + i * STEP + 300000, &step);
	assert_int_equal(step, 0);
	report_live_clock(x->r, mono0 + S(200), wall0 + S(200), &step);
	report_close_interval(x->r, 0);
	assert_int_equal(got.nintervals, 4);
	assert_int_equal(got.intervals[0].start_us, S(1699999980));
	assert_int_equal(got.intervals[0].end_us, S(1700000040));
	assert_int_equal(got.intervals[0].packets, 1);
	assert_non_null(got.intervals[0].capture);
	assert_int_equal(got.intervals[0].capture->received, 150);
	assert_int_equal(got.intervals[0].capture->dropped, 4);
	assert_int_equal(got.intervals[1].start_us, S(1700000040));
	assert_int_equal(got.intervals[1].packets, 0);
	assert_int_equal(got.intervals[1].capture->received, 0);
	assert_int_equal(got.intervals[2].end_us, S(1700000160));
	assert_false(got.intervals[2].partial);
	assert_int_equal(got.intervals[3].start_us, S(1700000160));
	assert_true(got.intervals[3].partial);
	for (size_t i = 0; i < got.nintervals; i++)
		assert_int_equal(got.intervals[i].clock_step_us, 0);
}

/* A step of the wall clock (a day, ten years, back an hour) with one
 * second intervals: said once, in the record of the interval under way,
 * and the next interval starts from the new time; no empty interval is
 * ever written for the step. */
static void test_report_live_clock_steps(void **state)
{
	static const int64_t steps[] = { S(86400), S(10 * 365 * 86400),
					 -S(3600) };
	struct fx *x = *state;
	int64_t mono = S(100), wall = S(1700000000), step;

	report_free(x->r);
	x->r = NULL;
	for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
		struct report_config rc = {
			.writer = &keeper, .out = &x->out, .cls = x->cls,
			.interval_us = S(1), .live = true,
			.flow_slots = flow_table_slots(16),
		};

		memset(&got, 0, sizeof got);
		x->r = report_new(&rc);
		assert_non_null(x->r);
		report_live_clock(x->r, mono, wall, &step);
		report_live_clock(x->r, mono + S(1) / 2, wall + S(1) / 2, &step);
		assert_int_equal(step, 0);
		/* the step, noticed at the next reading */
		report_live_clock(x->r, mono + S(1) / 2 + 1000,
				  wall + steps[k] + S(1) / 2 + 1000, &step);
		assert_int_equal(step, steps[k]);
		report_live_clock(x->r, mono + S(1), wall + steps[k] + S(1),
				  &step);
		assert_int_equal(step, 0);
		report_live_clock(x->r, mono + S(2), wall + steps[k] + S(2),
				  &step);
		report_close_interval(x->r, 0);
		assert_int_equal(got.nintervals, 3);
		assert_int_equal(got.intervals[0].start_us, wall);
		assert_int_equal(got.intervals[0].clock_step_us, steps[k]);
		assert_int_equal(got.intervals[1].start_us, wall + steps[k] + S(1));
		assert_int_equal(got.intervals[1].clock_step_us, 0);
		assert_int_equal(got.intervals[2].start_us, wall + steps[k] + S(2));
		report_free(x->r);
		x->r = NULL;
	}
	open_report(x, false);
}

/* The loop held up for a day (a suspended process): one record for the
 * interval under way, then the interval of the time now, not a day of
 * empty ones. */
static void test_report_live_held_up(void **state)
{
	struct fx *x = *state;
	int64_t step;

	report_free(x->r);
	open_report(x, true);
	report_live_clock(x->r, S(100), S(1700000000), &step);
	report_live_clock(x->r, S(100) + S(86400), S(1700000000) + S(86400),
			  &step);
	assert_int_equal(step, 0);
	report_close_interval(x->r, 0);
	assert_int_equal(got.nintervals, 2);
	assert_int_equal(got.intervals[1].start_us, S(1700086380));	/* aligned */
}

/* New unexpected flows are listed in their interval, up to a limit;
 * those beyond are counted. */
static void test_report_new_unexpected(void **state)
{
	struct fx *x = *state;
	struct flow odd;

	for (unsigned i = 0; i < LUCS_INTERVAL_NEW_MAX + 3; i++) {
		odd = flow_to(x->cls, (uint8_t)i, IPPROTO_NUM_TCP,
			      (uint16_t)(9000 + i));
		packet(x, &odd, i % 16, S(1), true);
	}
	finish(x, S(2));
	assert_int_equal(got.intervals[0].nnew, LUCS_INTERVAL_NEW_MAX);
	assert_int_equal(got.intervals[0].new_unexpected_more, 3);
	assert_int_equal(strncmp(got.new_unexpected[0],
				 "10.10.0.1:9000 undocumented_port ", 33), 0);
	assert_int_equal(got.intervals[0].verdicts[VERDICT_UNEXPECTED].flows,
			 LUCS_INTERVAL_NEW_MAX + 3);
}

/* Rules reloaded mid-interval: what the interval counted so far stays,
 * by verdict and by tag name (a tag the new rules lack drops out); the
 * new unexpected flows listed so far stay listed. */
static void test_report_reload_carries_interval(void **state)
{
	struct fx *x = *state;
	struct catalogue *cat_b;
	struct classifier *cls_b = classified_rules(&cat_b, rules_b);
	struct flow web = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);
	struct flow ext = flow_to(x->cls, 2, IPPROTO_NUM_UDP, 7000);
	struct flow odd = flow_to(x->cls, 3, IPPROTO_NUM_TCP, 9999);
	struct flow web_b;

	packet(x, &web, 0, S(1), true);
	packet(x, &ext, 1, S(2), true);
	packet(x, &odd, 2, S(3), true);
	assert_true(report_set_classifier(x->r, cls_b));
	web_b = flow_to(cls_b, 4, IPPROTO_NUM_TCP, 443);
	packet(x, &web_b, 3, S(4), true);
	finish(x, S(5));
	assert_int_equal(got.nintervals, 1);
	assert_int_equal(got.intervals[0].flows_active, 4);
	/* web, ext and web_b are expected; odd stays unexpected */
	assert_int_equal(got.intervals[0].verdicts[VERDICT_EXPECTED].flows, 3);
	assert_int_equal(got.intervals[0].verdicts[VERDICT_UNEXPECTED].flows, 1);
	assert_int_equal(got.intervals[0].tags[TAG_LUCS].flows, 1);	/* web */
	assert_int_equal(got.intervals[0].tags[TAG_SFB].flows, 1);	/* web_b */
	assert_int_equal(got.intervals[0].nnew, 1);
	assert_string_equal(got.new_unexpected[0],
			    "10.10.0.1:9999 undocumented_port");
	assert_int_equal(got.intervals[0].new_unexpected_more, 0);
	report_free(x->r);
	x->r = NULL;
	classifier_free(x->cls);
	catalogue_free(x->cat);
	x->cls = cls_b;
	x->cat = cat_b;
	open_report(x, false);
}

/* A snapshot counts the flows still in the table into a summary of its
 * own; the run's counts do not move. */
static void test_report_snapshot(void **state)
{
	struct fx *x = *state;
	struct flow web = flow_to(x->cls, 1, IPPROTO_NUM_TCP, 443);
	struct flow odd = flow_to(x->cls, 3, IPPROTO_NUM_TCP, 9999);
	struct frame_counts fc = { .packets_read = 2 };
	struct flow_stats fs = { .created = 2, .active = 1 };
	struct summary_input in = { &fc, &fs, NULL, 0, NULL };

	web.packets[1] = 1;
	odd.packets[1] = 1;
	report_flow_end(x->r, &web, FLOW_END_IDLE, S(60), NULL, NULL);
	assert_true(report_snapshot_begin(x->r));
	report_snapshot_flow(x->r, &odd, S(60), NULL, NULL);
	report_snapshot_end(x->r, &in);
	assert_int_equal(got.nsummaries, 1);
	assert_true(got.summaries[0].partial);
	assert_int_equal(got.summaries[0].verdicts[VERDICT_EXPECTED].flows, 1);
	assert_int_equal(got.summaries[0].verdicts[VERDICT_UNEXPECTED].flows, 1);
	assert_int_equal(report_flows_with(x->r, 1u << VERDICT_UNEXPECTED), 0);
	report_summary(x->r, &in);
	assert_int_equal(got.nsummaries, 2);
	assert_false(got.summaries[1].partial);
	assert_int_equal(got.summaries[1].verdicts[VERDICT_UNEXPECTED].flows, 0);
	assert_int_equal(got.summaries[1].frames->packets_read, 2);
}

/* The summary with every group of every kind full (IPv6 servers, the
 * longest addresses) and the whole built-in catalogue's coverage fits in
 * the room the output keeps for it: written without more memory. */
static void test_report_summary_fits_reserve(void **state)
{
	struct fx *x = *state;
	struct catalogue *cat = catalogue_new();
	struct classifier *cls;
	struct load_error err;
	struct out out;
	struct report *r;
	struct frame_counts fc = { .packets_read = 1 };
	struct flow_stats fs = { .created = 1 };
	struct summary_input in = { &fc, &fs, NULL, 0, NULL };
	/* 443: the port with the most rules, the longest failed groups */
	static const uint16_t ports[3] = { 9000, 19513, 443 };
	struct report_config rc = { .writer = &report_writer_json,
				    .out = &out, .flow_slots = 16 };

	(void)x;
	memset(&err, 0, sizeof err);
	assert_non_null(cat);
	assert_true(catalogue_load_default(cat, &err));
	cls = classifier_new(cat, NULL, &err);
	assert_non_null(cls);
	rc.cls = cls;
	assert_int_equal(out_open(&out, "/dev/null", false), 0);
	r = report_new(&rc);
	assert_non_null(r);
	for (int k = 0; k < 3; k++)	/* unexpected, debug, failed */
		for (uint32_t i = 0; i <= LUCS_TALLY_GROUPS; i++) {
			struct flow f;
			struct flow_class c;

			memset(&f, 0, sizeof f);
			f.key.family = 6;
			f.key.proto = IPPROTO_NUM_TCP;
			memset(f.key.addr[0], 0x20, 16);	/* the server */
			f.key.addr[0][14] = (uint8_t)(i >> 8);
			f.key.addr[0][15] = (uint8_t)i;
			memset(f.key.addr[1], 0xfd, 16);
			f.key.port[0] = ports[k];
			f.key.port[1] = 40000;
			f.client = 1;
			f.oriented = 1;
			f.state = k == 2 ? TCP_STATE_ATTEMPTED : TCP_STATE_CLOSED;
			f.packets[1] = UINT32_MAX;
			f.bytes[1] = UINT64_MAX / 4;
			f.first_us = f.last_us = S(1700000000);
			c = classify_flow(cls, &f);
			f.class_id = c.class_id;
			f.client = c.client;
			/* failed ones prohibited, by every reporter a
			 * group names and one more */
			f.icmp_type = 1;
			f.icmp_code = 1;
			f.icmp_errors = k == 2;
			for (int j = 0; j < (k == 2 ? GROUP_REPORTERS + 1 : 1);
			     j++) {
				uint8_t reporter[16];

				memset(reporter, 0xfe, sizeof reporter);
				reporter[15] = (uint8_t)j;
				report_flow_end(r, &f, FLOW_END_IDLE, S(1700000060),
						reporter, NULL);
				out.len = 0;	/* only the summary counts */
				out.record = 0;
			}
		}
	report_summary(r, &in);
	assert_int_equal(out_error(&out), 0);
	assert_int_equal(out.cap, LUCS_WRITE_BUFFER + LUCS_SUMMARY_RESERVE);
	report_free(r);
	out_close(&out);
	classifier_free(cls);
	catalogue_free(cat);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_report_flow_record),
		TEST(test_report_outcomes),
		TEST(test_report_interval_counts_flows_once),
		TEST(test_report_interval_slot_reused),
		TEST(test_report_replay_skips_quiet),
		TEST(test_report_live_writes_every_interval),
		TEST(test_report_live_clock_steps),
		TEST(test_report_live_held_up),
		TEST(test_report_new_unexpected),
		TEST(test_report_reload_carries_interval),
		TEST(test_report_snapshot),
		TEST(test_report_summary_fits_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
