/* fuzz_flow.c: libFuzzer target for the per-packet path as lucsaudit runs
 * it: decode, fragment table, flow table (at most 16 flows, so eviction,
 * idle expiry and port reuse happen), classification and the report, in
 * packet time taken from the input.  Input layout: fuzz.h.
 *
 * Records may also move the clock without a packet (a live tick), ask for
 * a summary mid-run (SIGUSR1) or swap the rules (SIGHUP), the way run.c
 * does between two batches of frames.  The report
 * goes to /dev/null through the writer the input chooses, wrapped in one
 * that checks that every packet read is accounted for: in a flow, as a
 * decode error or as an orphan fragment.
 *
 * Catalogues and sites are parsed once; classifiers, tables and the report
 * are made per input, so nothing one input does is seen by the next.
 */
#include <stdint.h>
#include <string.h>

#include "audit.h"
#include "catalogue.h"
#include "classify.h"
#include "fuzz.h"
#include "out.h"
#include "ptime.h"
#include "report.h"
#include "site.h"

/* A compact catalogue in the built-in one's terms (roles, tags, the
 * settings the site overrides, TM twins, debug and portless rules):
 * compiling the whole built-in catalogue for every input would cost more
 * than the rest of the run, so only FUZZ_RULES_BUILTIN does. */
static const char mini_text[] =
	"version: 1\n"
	"rules:\n"
	"  - {id: lucs-sql, from: lucs_server, to: sql_server, proto: tcp,\n"
	"     ports: 1433, tag: LUCS, configurable: sql_port}\n"
	"  - {id: agent-fe, from: agent_pc, to: lucs_server_01, proto: tcp,\n"
	"     ports: 443, tag: LUCS}\n"
	"  - {id: smd-ps, from: sfb_fe_pool, to: lucs_server, proto: tcp,\n"
	"     ports: 19400, tag: LUCS, tm: true}\n"
	"  - {id: lucs-sip, from: lucs_server, to: sfb_fe_pool, proto: tcp,\n"
	"     ports: [5061, 5065-5067], tag: SfB, optional: true}\n"
	"  - {id: agent-media, from: agent_pc, to: sfb_server, proto: udp,\n"
	"     ports: 49152-57500, tag: SfB, configurable: media_ports}\n"
	"  - {id: edge-stun, from: any, to: sfb_edge, proto: [tcp, udp],\n"
	"     ports: 3478, tag: SfB}\n"
	"  - {id: cms-smb, from: sfb_cms, to: lucs_server, proto: tcp,\n"
	"     ports: 445, tag: SfB}\n"
	"  - {id: debug-lm, from: any, to: lucs_server_01, proto: tcp,\n"
	"     ports: 19513, tag: LUCS, debug: true, tm: true}\n"
	"  - {id: ping, from: any, to: any, proto: [icmp], tag: LUCS}\n"
	"  - {id: ping6, from: any, to: any, proto: icmpv6, tag: LUCS}\n";

/* Another catalogue: other tags and roles, so a reload has tags to carry
 * over by name and some to drop. */
static const char other_text[] =
	"version: 1\n"
	"tm:\n"
	"  offset: 100\n"
	"roles: [printer]\n"
	"tags: [Extra, Print]\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp,\n"
	"     ports: [80, 443, 8000-8100], tag: Extra, tm: true}\n"
	"  - {id: dns, from: any, to: any, proto: [tcp, udp], ports: 53,\n"
	"     tag: SfB}\n"
	"  - {id: ipp, from: agent_pc, to: printer, proto: tcp, ports: 631,\n"
	"     tag: Print, debug: true}\n"
	"  - {id: gre, from: any, to: any, proto: 47, tag: LUCS}\n";

/* The hosts of rules/site.example.yaml, where the seeds' addresses come
 * from, with TM off. */
static const char site_text[] =
	"roles:\n"
	"  lucs_server_01: [\"10.10.0.11\", \"2001:db8:10::11\"]\n"
	"  lucs_server_02: [\"10.10.0.12\", \"2001:db8:10::12\"]\n"
	"  sql_server: \"10.10.0.20\"\n"
	"  exchange_server: \"10.10.0.30\"\n"
	"  sfb_fe_pool: [\"10.10.1.10\", \"10.10.1.11\", \"10.10.1.12\"]\n"
	"  sfb_cms: \"10.10.1.10\"\n"
	"  sfb_server: [\"10.10.1.10\", \"10.10.1.11\", \"10.10.1.12\"]\n"
	"  sfb_edge: \"10.10.2.10\"\n"
	"  lucs_api: \"10.10.0.40\"\n"
	"  live_reporting: \"10.10.0.41\"\n"
	"  agent_pc: [\"10.20.0.0/16\", \"2001:db8:20::/48\", \"192.0.2.0/24\"]\n"
	"ports:\n"
	"  sql_port: 1433\n"
	"  media_ports: [49152-50000, 50002-57500]\n"
	"tm: false\n";

static struct catalogue *builtin_cat, *mini_cat, *other_cat;
static struct site *builtin_site, *mini_site;
static struct out sink;

static void setup_failed(const char *what, const struct load_error *err)
{
	char msg[600];

	load_error_format(err, msg, sizeof msg);
	fprintf(stderr, "fuzz_flow: %s: %s\n", what, msg);
	abort();
}

static struct catalogue *load(const char *name, const char *text,
			      size_t len)
{
	struct catalogue *c = catalogue_new();
	struct load_error err;

	memset(&err, 0, sizeof err);
	if (!c || !(text ? catalogue_load_string(c, name, text, len, &err)
			 : catalogue_load_default(c, &err)))
		setup_failed(name, &err);
	return c;
}

static struct site *load_site(const struct catalogue *c)
{
	struct load_error err;
	struct site *s;

	memset(&err, 0, sizeof err);
	s = site_load_string("site.yaml", site_text, sizeof site_text - 1, c,
			     &err);
	if (!s)
		setup_failed("site.yaml", &err);
	return s;
}

static void setup(void)
{
	builtin_cat = load("the built-in catalogue", NULL, 0);
	mini_cat = load("mini.yaml", mini_text, sizeof mini_text - 1);
	other_cat = load("other.yaml", other_text, sizeof other_text - 1);
	builtin_site = load_site(builtin_cat);
	mini_site = load_site(mini_cat);
	if (out_open(&sink, "/dev/null", false) != 0) {
		fprintf(stderr, "fuzz_flow: cannot open /dev/null\n");
		abort();
	}
}

static struct classifier *rules_new(unsigned which)
{
	struct load_error err;
	struct classifier *cl;

	memset(&err, 0, sizeof err);
	switch (which % FUZZ_RULES_COUNT) {
	case FUZZ_RULES_SITE:
		cl = classifier_new(mini_cat, mini_site, &err);
		break;
	case FUZZ_RULES_OTHER:
		cl = classifier_new(other_cat, NULL, &err);
		break;
	case FUZZ_RULES_BUILTIN:
		cl = classifier_new(builtin_cat, builtin_site, &err);
		break;
	default:
		cl = classifier_new(mini_cat, NULL, &err);
		break;
	}
	if (!cl)
		setup_failed("classifier_new", &err);
	return cl;
}

/* --- the checking writer ---------------------------------------------------- */

static const struct report_writer *inner;
static struct {
	uint64_t flows, packets, bytes;	/* in flow records */
	uint64_t interval_packets, interval_bytes;
	bool summary;
} seen;

static void check_begin(struct sink *o)
{
	if (inner->begin)
		inner->begin(o);
}

static void check_flow(struct sink *o, const struct flow_view *v)
{
	FUZZ_CHECK(v->end != NULL);
	FUZZ_CHECK(v->family == 4 || v->family == 6);
	FUZZ_CHECK(v->first_us <= v->last_us);
	FUZZ_CHECK(v->packets_c2s + v->packets_s2c > 0);
	FUZZ_CHECK(strlen(v->history) <= FLOW_HISTORY_MAX);
	FUZZ_CHECK(v->outcome != NULL && v->outcome_id < OUTCOME_COUNT);
	/* an answered flow never failed; a failed one had no answer */
	FUZZ_CHECK(!(v->packets_c2s && v->packets_s2c) ||
		   v->outcome_id == OUTCOME_SUCCEEDED ||
		   v->outcome_id == OUTCOME_REFUSED);
	seen.flows++;
	seen.packets += v->packets_c2s + v->packets_s2c;
	seen.bytes += v->bytes_c2s + v->bytes_s2c;
	inner->flow(o, v);
}

static void check_interval(struct sink *o, const struct interval_view *v)
{
	FUZZ_CHECK(v->start_us < v->end_us);
	FUZZ_CHECK(v->flows_new <= v->flows_active);
	seen.interval_packets += v->packets;
	seen.interval_bytes += v->bytes;
	if (inner->interval)
		inner->interval(o, v);
}

static void check_summary(struct sink *o, const struct summary_view *s)
{
	if (!s->partial) {
		uint64_t created = 0, ended = 0, tallied = 0, tpackets = 0;

		/* Every frame read is in a flow, a decode error or an orphan
		 * fragment (flow.h, frag.h: nothing is dropped silently). */
		FUZZ_CHECK(s->packets + s->decode_errors +
				   s->frames->icmp_matched ==
			   s->frames->packets_read);
		/* After audit_finish every flow has been written out. */
		FUZZ_CHECK(s->flows->active == 0);
		created = s->flows->created;
		for (int e = 0; e < FLOW_END_COUNT; e++)
			ended += s->flows->ended[e];
		FUZZ_CHECK(created == ended);
		FUZZ_CHECK(seen.flows == created);
		FUZZ_CHECK(seen.packets == s->packets);
		FUZZ_CHECK(seen.bytes == s->bytes);
		/* The tallies add up (tally.h). */
		for (int v = 0; v < VERDICT_COUNT; v++) {
			tallied += s->verdicts[v].flows;
			tpackets += s->verdicts[v].packets;
		}
		FUZZ_CHECK(tallied == created);
		FUZZ_CHECK(tpackets == s->packets);
		for (int oc = 0; oc < OUTCOME_COUNT; oc++)
			tallied -= s->tally->outcomes[oc];
		FUZZ_CHECK(tallied == 0);
		seen.summary = true;
	}
	if (inner->summary)
		inner->summary(o, s);
}

static void check_end(struct sink *o)
{
	if (inner->end)
		inner->end(o);
}

/* Renders classifications alone when the inner writer does (set with it),
 * so that JSON runs go through the report's per-class texts. */
static void check_prologue(struct sink *o, const struct run_info *run,
			   const struct classifier *cls)
{
	if (inner->prologue)
		inner->prologue(o, run, cls);
}

static struct report_writer checking_writer = {
	.name = "check", .prologue = check_prologue, .begin = check_begin,
	.flow = check_flow, .interval = check_interval,
	.summary = check_summary, .end = check_end,
};

/* What run.c would say the run was made from. */
static const char *const fuzz_args[] = { "-r", "fuzz", "-F", "json" };
static const struct run_input fuzz_input = { "fuzz", 1234 };
static const struct run_info fuzz_run = {
	.version = "fuzz", .filter = "tcp or udp", .program = "lucsaudit",
	.args = fuzz_args, .nargs = 4, .inputs = &fuzz_input, .ninputs = 1,
};

/* --- the run ---------------------------------------------------------------- */

/* Packet time reaches the whole 64-bit range, either side of zero: the
 * largest unit, 2^48 us (about 9 years), takes a record from one end to
 * the other; what decode_frame does not believe is bad_timestamp. */
static int64_t step_time(int64_t ts, int16_t step, unsigned unit, bool live)
{
	if (live && unit > 1)
		unit = 1;
	return ptime_add(ts, step * fuzz_time_units[unit]);
}

struct run {
	struct classifier *cls;
	unsigned rules;
	struct report *report;
	struct audit *audit;
	struct capture_stats capture;
	struct input_info input;
	unsigned reloads, snapshots, bursts;
	bool live;
	int64_t mono;		/* live: the monotonic clock */
};

static void summary(struct run *r, bool snapshot)
{
	audit_summary(r->audit, snapshot, &r->input, 1,
		      r->live ? &r->capture : NULL);
}

/* As main.c's reload(): the new rules take over and the old go. */
static void reload(struct run *r)
{
	/* The compact sets take turns; the built-in one costs too much to
	 * build twice in one input. */
	unsigned next = r->rules == FUZZ_RULES_BUILTIN ? FUZZ_RULES_PORTS
			: (r->rules + 1) % FUZZ_RULES_BUILTIN;
	struct classifier *cl = rules_new(next);

	if (!report_set_classifier(r->report, cl)) {
		classifier_free(cl);
		return;
	}
	audit_reclassify(r->audit, cl);
	classifier_free(r->cls);
	r->cls = cl;
	r->rules = next;
}

/* One frame, decoded as capture.c decodes it, to the audit. */
static void packet(struct run *r, uint8_t ctl, int64_t ts,
		   const uint8_t *frame, size_t len, uint8_t mode, uint16_t arg)
{
	struct frame f;
	struct frame_extra extra[1];
	struct frame_sink sk = { NULL, &f, extra, 0, 0 };

	r->input.packets++;
	r->capture.received++;
	r->capture.dropped += mode >> 7;
	if (r->live)
		report_set_capture_stats(r->report, &r->capture);
	decode_frame(&sk, fuzz_links[ctl & 7], ts, frame, (uint32_t)len,
		     (uint32_t)fuzz_wirelen(mode, len, arg));
	audit_frames(r->audit, &f, extra, 1);
}

/* The frame copies times, copy i with i added to the 16-bit field at
 * offset (when it lies inside the frame), time moving by step before
 * each copy after the first. */
static void burst(struct run *r, uint8_t ctl, int64_t *ts, int16_t step,
		  const uint8_t *frame, size_t len, uint8_t mode, uint16_t arg,
		  unsigned copies, uint16_t offset)
{
	/* a copy of exactly len bytes: ASan still sees reads past it */
	uint8_t *p = malloc(len ? len : 1);
	bool vary = len >= 2 && offset <= len - 2;
	unsigned base = vary ? (unsigned)frame[offset] << 8 | frame[offset + 1]
			     : 0;

	FUZZ_CHECK(p != NULL);
	if (len)
		memcpy(p, frame, len);
	for (unsigned i = 0; i < copies; i++) {
		if (i)
			*ts = step_time(*ts, step, (ctl >> 3) & 3, r->live);
		if (vary) {
			p[offset] = (uint8_t)((base + i) >> 8);
			p[offset + 1] = (uint8_t)(base + i);
		}
		packet(r, ctl, *ts, p, len, mode, arg);
	}
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct report_writer *const writers[4] = {
		&report_writer_text, &report_writer_json, &report_writer_csv,
		&report_writer_text
	};
	static const int64_t intervals[4] = { 0, 1000000, 60000000,
					      300000000 };
	struct fuzz_in in = { data, size };
	struct flow_config fc;
	struct report_config rc;
	struct run r;
	uint8_t b0, b1;
	bool live;
	int64_t ts;

	if (!builtin_cat)
		setup();
	memset(&r, 0, sizeof r);
	memset(&seen, 0, sizeof seen);
	b0 = fuzz_u8(&in);
	b1 = fuzz_u8(&in);
	live = b1 & 4;
	flow_config_defaults(&fc);
	fc.max_flows = 1 + (b0 & 15u);
	for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
		uint8_t t = fuzz_u8(&in);

		if (t)
			fc.timeout_s[c] = t;
	}
	fc.hash_key.k0 = 0x0706050403020100ULL ^ (uint64_t)(b1 >> 3) << 56;
	fc.hash_key.k1 = 0x0f0e0d0c0b0a0908ULL ^ fuzz_u8(&in);
	ts = (int64_t)fuzz_be32(&in) * 1000000;

	r.live = live;
	r.rules = (b0 >> 6) % FUZZ_RULES_COUNT;
	r.cls = rules_new(r.rules);
	inner = writers[(b0 >> 4) & 3];
	checking_writer.put_class = inner->put_class;
	checking_writer.class_max = inner->class_max;
	rc = (struct report_config){
		.writer = &checking_writer, .out = &sink, .cls = r.cls,
		.flow_slots = flow_table_slots(fc.max_flows),
		/* live: quiet intervals are records, so no 1 s ones */
		.interval_us = intervals[b1 & 3] && live ? 60000000
						       : intervals[b1 & 3],
		.live = live, .run = &fuzz_run,
	};
	/* The second text writer fits a width and holds flows for --sort,
	 * two at a time, so that every batch is sorted and written. */
	if (((b0 >> 4) & 3) == 3) {
		rc.text_width = 80 + (b1 >> 3);
		rc.sort = (enum flow_sort)((b1 >> 3) & 3);
		rc.sort_max = 2;
	}
	r.input.name = "fuzz";
	r.report = report_new(&rc);
	FUZZ_CHECK(r.report != NULL);
	if (live) {
		int64_t stepped;

		report_set_capture_stats(r.report, &r.capture);
		/* as run.c: the first interval starts with the run */
		report_live_clock(r.report, r.mono, ts, &stepped);
	}
	r.audit = audit_new(&fc, r.cls, r.report);
	FUZZ_CHECK(r.audit != NULL);

	while (in.len > 0) {
		uint8_t ctl = fuzz_u8(&in);
		int16_t step = (int16_t)fuzz_be16(&in);
		unsigned kind = ctl >> 5, copies;
		uint16_t caplen, arg, offset;
		uint8_t mode;
		const uint8_t *frame;
		size_t got;

		ts = step_time(ts, step, (ctl >> 3) & 3, live);
		switch (kind) {
		case FUZZ_REC_CLOCK:
			/* live as run.c does it: intervals by a monotonic
			 * clock that moves as far as the wall's step, if
			 * forward; flows by the wall clock */
			if (live) {
				int64_t stepped;

				r.mono = ptime_add(r.mono, step > 0 ? step * 100000
								     : 1);
				report_live_clock(r.report, r.mono, ts,
						  &stepped);
			}
			audit_clock(r.audit, ts);
			continue;
		case FUZZ_REC_SNAPSHOT:
			if (r.snapshots == FUZZ_MAX_SNAPSHOTS)
				continue;
			r.snapshots++;
			summary(&r, true);
			continue;
		case FUZZ_REC_RELOAD:
			if (r.reloads == FUZZ_MAX_RELOADS)
				continue;
			r.reloads++;
			reload(&r);
			continue;
		default:
			break;
		}
		caplen = fuzz_be16(&in);
		mode = fuzz_u8(&in);
		arg = fuzz_be16(&in);
		if (kind == FUZZ_REC_BURST) {
			copies = fuzz_burst_copies(fuzz_be16(&in));
			offset = fuzz_be16(&in);
			if (r.bursts == FUZZ_MAX_BURSTS)
				copies = 1;
			else
				r.bursts++;
		} else {
			copies = 1;
		}
		frame = fuzz_take(&in, caplen, &got);
		if (copies == 1) {
			packet(&r, ctl, ts, frame, got, mode, arg);
			continue;
		}
		burst(&r, ctl, &ts, step, frame, got, mode, arg, copies,
		      offset);
	}

	audit_finish(r.audit);
	summary(&r, false);
	FUZZ_CHECK(seen.summary);
	if (rc.interval_us)
		FUZZ_CHECK(seen.interval_packets == seen.packets &&
			   seen.interval_bytes == seen.bytes);
	FUZZ_CHECK(out_flush(&sink) == 0);
	audit_free(r.audit);
	report_free(r.report);
	classifier_free(r.cls);
	return 0;
}
