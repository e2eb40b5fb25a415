/* report.h: what lucsaudit writes: one record per flow as it ends, one per
 * interval of packet time (or of the clock, live), and a summary at the
 * end, in the format chosen by --format.
 *
 * report owns the run's counts: the interval under way, the tallies (with
 * tally.c), and what it keeps per flow, in storage of its own indexed by
 * the flow's slot in the flow table.  It turns flows into plain views;
 * writers (report-text.c, report-json.c, report-csv.c) only format them,
 * from a const table of functions, through out.c and fmt.c.  A page
 * (--html, report-html.c) is one more writer, of the summary alone, beside
 * the chosen format: it gets the same views, and the run's intervals as a
 * timeline the report keeps for it.
 */
#ifndef LUCS_REPORT_H
#define LUCS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseline-diff.h"
#include "capture.h"
#include "classify.h"
#include "decode.h"
#include "flow.h"
#include "flow-view.h"
#include "fmt.h"
#include "ipfix.h"
#include "out.h"
#include "proto.h"
#include "rulebook.h"
#include "tunnels.h"
#include "suggest-rules.h"
#include "tally.h"
#include "timeline.h"

/* The order of the text report's flows (--sort): as they end, or held
 * to the end of the run and written largest (or earliest) first. */
enum flow_sort {
	SORT_NONE = 0,
	SORT_BYTES,		/* bytes both ways, most first */
	SORT_PACKETS,		/* packets both ways, most first */
	SORT_FIRST,		/* first packet, earliest first */
};

/* What a writer writes to: the record writer, and what formatting keeps
 * from one record to the next. */
struct sink {
	struct out *out;
	struct time_cache times;
	bool color;		/* ANSI colour wanted (text on a terminal) */
	/* The text writer's (lucsaudit(1), Text): */
	int width;		/* columns the text fits, 0: no limit */
	enum flow_sort sort;	/* --sort */
	uint32_t sort_max;	/* flows --sort holds at once */
	void *state;		/* the writer's own, from begin to end */
};

/* Frames read and what became of them, as the audit counted them. */
struct frame_counts {
	uint64_t packets_read;	/* frames */
	uint64_t bytes_read;	/* their wire lengths */
	uint64_t decode[DECODE_STATUS_COUNT];	/* frames that gave no flow */
	uint64_t timed;		/* frames with a believable time */
	uint64_t icmp_matched;	/* ICMP errors counted on a flow they quote */
	uint64_t icmp_unmatched;	/* ... quoting no flow of the table */
	uint64_t icmp_quote_damaged;	/* ... whose quote was not believed */
	uint64_t tunnels[TUNNEL_TYPE_COUNT];	/* layers opened, by type */
	uint64_t unopened[UNOPENED_COUNT];	/* encapsulations named only */
	uint64_t tunnel_paths_merged;	/* packets whose path found no room */
	int64_t first_us, last_us;	/* their packet time, 0 if none */
};

/* Where a summary goes besides the summary record on the report's
 * output: a page (--html, into an out the caller opened for it alone),
 * or the page alone (SIGHUP's, which writes no record). */
struct summary_to {
	struct out *page;	/* NULL: no page this time */
	bool page_only;
};

/* What a summary reports besides the report's own counts. */
struct summary_input {
	const struct frame_counts *frames;
	const struct flow_stats *flows;
	const struct input_info *inputs;
	size_t ninputs;
	const struct capture_stats *capture;	/* live only, else NULL */
};

/* What a report was made from, as the command line and run.c know it:
 * the provenance every summary carries. */
struct run_input {
	const char *name;	/* -r FILE, "-", or the interface */
	int64_t size;		/* bytes when a regular file, else -1 */
};

struct run_info {
	const char *version;
	const char *filter;	/* NULL: none */
	const char *program;	/* "lucsaudit", not the path it ran by */
	const char *const *args;	/* the command line after it */
	int nargs;
	const struct run_input *inputs;
	size_t ninputs;
	/* The rules in use: their sources and site file (updated in place
	 * when SIGHUP reloads them). */
	const struct rulebook *book;
};

/* One interval's counts. */
struct interval_view {
	int64_t start_us, end_us;
	bool partial;		/* the run ended before end_us */
	uint64_t packets, bytes;
	uint64_t flows_active, flows_new;
	int64_t clock_step_us;	/* live: the wall clock stepped, by this */
	struct counts verdicts[VERDICT_COUNT];
	struct counts tags[CAT_MAX_TAGS];
	const struct catalogue *cat;
	const struct flow_view *new_unexpected;
	size_t nnew;
	uint64_t new_unexpected_more;	/* beyond the list */
	const struct capture_stats *capture;	/* live only, else NULL */
};

/* What came of a documented flow (a rule) over the run. */
enum coverage_status {
	COVERAGE_SUCCEEDED = 0,	/* at least one flow succeeded */
	COVERAGE_FAILED,	/* flows, none succeeded, at least one failed */
	COVERAGE_UNDETERMINED,	/* flows, none succeeded or failed */
	COVERAGE_NOT_SEEN,
	COVERAGE_NOT_APPLICABLE,	/* site mode: a role has no host */
	COVERAGE_STATUS_COUNT
};

/* How much of the coverage the text report lists (--coverage). */
enum coverage_mode {
	COVERAGE_MISSING = 0,	/* TM twins, debug, N/A summed up */
	COVERAGE_ALL,
	COVERAGE_NONE,
};

/* The end-of-run totals as the writers see them. */
struct summary_view {
	enum coverage_mode coverage;
	const struct run_info *run;
	bool partial;		/* a report asked for mid-run (SIGUSR1) */
	const struct frame_counts *frames;
	const struct flow_stats *flows;
	const struct input_info *inputs;
	size_t ninputs;
	const struct capture_stats *capture;	/* live only, else NULL */
	uint64_t packets, bytes;	/* counted in flows */
	uint64_t decode_errors;		/* sum of frames->decode[] */
	const struct tally *tally;
	const struct classifier *cls;
	struct counts verdicts[VERDICT_COUNT];
	struct counts tags[CAT_MAX_TAGS];
	const struct capture_notes *notes;	/* NULL: none given */
	/* --baseline: what changed since, or NULL */
	const struct baseline_view *baseline;
	/* A page's: the intervals so far (a snapshot's includes the one
	 * under way), or NULL without intervals (--interval 0). */
	const struct timeline *timeline;
	int64_t interval_us;	/* --interval */
	/* --ipfix: the exporter's counters (at the end, after its last
	 * send), else NULL. */
	const struct ipfix_stats *ipfix;
};

struct report_writer {
	const char *name;
	/* Optional: the provenance, before anything else (CSV: comment
	 * lines; the others carry it in the summary). */
	void (*prologue)(struct sink *s, const struct run_info *run,
			 const struct classifier *cls);
	void (*begin)(struct sink *s);
	void (*flow)(struct sink *s, const struct flow_view *v);
	void (*interval)(struct sink *s, const struct interval_view *v);
	void (*summary)(struct sink *s, const struct summary_view *v);
	/* Optional: a flow's classification (verdict, tags, rules, reason)
	 * as flow() would write it, at most class_max bytes.  A writer that
	 * has it gets class_text in flow records instead of the names. */
	char *(*put_class)(char *p, const struct flow_view *v);
	size_t class_max;
	/* Optional: the report is freed; what begin made goes. */
	void (*end)(struct sink *s);
};

extern const struct report_writer report_writer_text;
extern const struct report_writer report_writer_json;
extern const struct report_writer report_writer_csv;
/* --html: one self-contained HTML page from the summary alone (no
 * format of its own for --format: report_writer_find does not name it). */
extern const struct report_writer report_writer_html;

/* The writer named name ("text", "json", "csv"), or NULL. */
const struct report_writer *report_writer_find(const char *name);

struct report_config {
	const struct report_writer *writer;
	struct out *out;
	/* --html: the page's writer, or NULL; the report then keeps a
	 * timeline of its intervals for it. */
	const struct report_writer *page;
	bool color;		/* text on a terminal, NO_COLOR unset */
	const struct classifier *cls;
	int64_t interval_us;	/* 0: no interval records */
	int64_t answer_wait_us;	/* --answer-wait */
	enum coverage_mode coverage;	/* --coverage */
	const struct run_info *run;	/* provenance; kept by the caller */
	bool live;		/* intervals by the clock, every one written */
	struct hash_key hash_key;	/* the run's random key */
	uint32_t flow_slots;	/* the flow table's (flow_table_slots) */
	int text_width;		/* columns the text fits, 0: no limit */
	enum flow_sort sort;	/* --sort (text) */
	uint32_t sort_max;	/* flows it holds at once, 0: the default */
	const struct baseline *baseline;	/* --baseline, or NULL */
	struct ipfix_exporter *ipfix;	/* --ipfix: every ended flow is
					 * exported too; NULL: none */
};

struct report;

struct report *report_new(const struct report_config *cfg);
void report_free(struct report *r);

/* Packets counted into f, in slot of the flow table (created: f is new
 * and classified). */
void report_count(struct report *r, const struct flow *f, uint32_t slot,
		  uint64_t packets, uint64_t bytes, bool created);
/* f leaves the flow table (why) at end_us of packet time: write its
 * record and tally it; reporter is the last ICMP error's sender, when
 * f->icmp_errors. */
void report_flow_end(struct report *r, const struct flow *f,
		     enum flow_end why, int64_t end_us, const uint8_t *reporter,
		     const struct tunnel_path *tunnel);
/* The exporter closed (NULL): ended flows are no longer exported. */
void report_set_ipfix(struct report *r, struct ipfix_exporter *x);
/* --ipfix: the exporter's counters now, for the summary. */
void report_set_ipfix_stats(struct report *r, const struct ipfix_stats *s);
/* A replay's packet time is now_us: write the interval that ended, if it
 * counted anything, and go on to the one now_us falls in.  Returns the
 * time of the next interval boundary (INT64_MAX when there is none to
 * wait for, and always live). */
int64_t report_clock(struct report *r, int64_t now_us);
/* Live: intervals last an interval of the monotonic clock (mono_us) and
 * take their labels from the wall clock (wall_us), aligned to multiples
 * of the interval.  When the wall clock stepped (NTP setting the time of
 * a box without a clock battery), *step_us says by how much, the record
 * of the interval under way says so too, and the next interval starts
 * from the new time: a step never becomes empty intervals.  Returns when,
 * on the monotonic clock, the interval under way ends. */
int64_t report_live_clock(struct report *r, int64_t mono_us, int64_t wall_us,
			  int64_t *step_us);
/* The run ends: write the interval under way (a replay's at packet time
 * now_us, a live one at the monotonic clock last seen). */
void report_close_interval(struct report *r, int64_t now_us);
/* Live: the capture's counters now, for intervals and the summary. */
void report_set_capture_stats(struct report *r, const struct capture_stats *cs);
/* What the reading found of the inputs together, for the summary. */
void report_set_capture_notes(struct report *r, const struct capture_notes *n);
/* Flows whose verdict --fail-on names (a mask of 1 << enum verdict). */
uint64_t report_flows_with(const struct report *r, uint32_t verdicts);
/* Documented connections that failed (--fail-on failed). */
uint64_t report_failed(const struct report *r);
/* Unexpected groups new since the baseline, as the last summary found
 * them (--fail-on new). */
size_t report_new_unexpected(const struct report *r);
/* Packets counted in flows, the whole run (--fail-on empty). */
uint64_t report_packets(const struct report *r);
/* The unexpected groups of the run, largest first, as plain data for
 * --suggest-rules, in *out (the caller frees it); SIZE_MAX: no memory. */
size_t report_seen_groups(const struct report *r, struct seen_group **out);

void report_summary(struct report *r, const struct summary_input *in);
/* The same, and to where to says: a page too, or the page alone. */
void report_summary_to(struct report *r, const struct summary_input *in,
		       const struct summary_to *to);

/* SIGUSR1: a summary now, counting the flows still in the table as if
 * they had ended: begin, add each active flow, end. */
bool report_snapshot_begin(struct report *r);
void report_snapshot_flow(struct report *r, const struct flow *f,
			  int64_t now_us, const uint8_t *reporter,
			  const struct tunnel_path *tunnel);
void report_snapshot_end(struct report *r, const struct summary_input *in);
void report_snapshot_end_to(struct report *r, const struct summary_input *in,
			    const struct summary_to *to);

/* After the rules were reloaded: classes and rules are new. */
bool report_set_classifier(struct report *r, const struct classifier *cls);

/* A site prefix as written: 10.10.0.11, or 10.20.1.0/24 when it is not
 * a single host. */
void prefix_format(const struct prefix *p, char *buf, size_t size);
bool prefix_is_host(const struct prefix *p);
/* The prefixes the site lists for role (unseen: only the single hosts
 * never seen), the first max joined by sep into buf (cut, never overrun,
 * when it is full, and " and N more" said); how many there are. */
size_t role_prefixes_text(const struct summary_view *s, size_t role,
			  bool unseen, const char *sep, size_t max, char *buf,
			  size_t size);
/* The names of the roles of mask, in catalogue order, into names; how
 * many. */
size_t role_names(const struct catalogue *cat, uint64_t mask,
		  const char **names);
/* What a role_mismatch flow did wrong, for people: "tcp/4443 is
 * documented from agent_pc to lucs_server_01/02; seen from sql_server to
 * lucs_server_01". */
void role_mismatch_text(const struct classifier *cls,
			const struct flow_view *v, char *buf, size_t size);
enum coverage_status coverage_status(const struct classifier *cls,
				     size_t rule, const struct rule_counts *c);
const char *coverage_status_name(enum coverage_status s);
/* The i-th name of names (joined by ','), into buf: false past the end. */
bool names_nth(const char *names, size_t i, char *buf, size_t size);

/* What a failed documented connection's outcome likely means: a word for
 * JSON ("firewall_rejects") or words for people; by_icmp: ICMP errors
 * said so (else a TCP reset, or silence). */
const char *failure_cause(enum flow_outcome o, uint8_t proto, bool by_icmp,
			  bool words);

#endif
