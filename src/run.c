/* run.c: one audit run, top-down: open the capture and the output; pull
 * batches of decoded frames (capture) and pass them through the audit
 * (flow, classify, report, out, and ipfix for --ipfix); between batches
 * act on signals (INT and TERM stop, USR1 reports, HUP reloads), keep the
 * live clock, pace the IPFIX exporter, say drops and draw the progress
 * line; at the end, the summary.
 *
 * run owns the loop, the output and the IPFIX exporter.  Its only file-scope state is the
 * flags the signal handlers set: a handler touches nothing else. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "loader.h"
#include "messages.h"
#include "privs.h"
#include "progress.h"
#include "tunables.h"

static volatile sig_atomic_t stop_requested, snapshot_requested,
	reload_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_snapshot_signal(int sig)
{
	(void)sig;
	snapshot_requested = 1;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* INT and TERM interrupt a blocking read (no SA_RESTART), so that a run
 * waiting on a quiet input still stops. */
void run_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_snapshot_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_reload_signal;
	sigaction(SIGHUP, &sa, NULL);
	/* A closed pipe must show as EPIPE, so that output stops cleanly. */
	signal(SIGPIPE, SIG_IGN);
}

struct run {
	const struct run_config *cfg;
	struct rulebook *book;
	bool live;
	struct capture_stats cstats;	/* live: the capture's counters */
	uint64_t drops_warned;		/* drops already reported */
	time_t drop_warning_at;
	struct out out;
	bool out_opened;		/* out is to be closed */
	struct capture *cap;
	bool stopping;			/* capture_stop was called */
	struct report *report;
	struct audit *audit;
	struct loader *loading;		/* rules being reloaded, or NULL */
	bool reload_again;		/* SIGHUP came while they were */
	struct progress progress;
	struct run_info info;		/* the report's provenance */
	struct run_input *inputs;
	struct ipfix_exporter *ipfix;	/* --ipfix, or NULL */
	int64_t ipfix_ticked_ms;	/* the wall clock at its last tick */
};

/* What the reading found of the inputs together, to the report. */
static void note_capture(struct run *r)
{
	struct capture_notes notes;

	capture_notes(r->cap, &notes);
	report_set_capture_notes(r->report, &notes);
}

/* --- the page (--html) ------------------------------------------------------ */

/* The summary (snapshot: now, counting the flows still in the table),
 * to the report unless page_only, and with --html to the page: written
 * whole beside FILE, then renamed over it.  false when the page could
 * not be written (said). */
static bool summarize(struct run *r, bool snapshot, bool page_only)
{
	const struct input_info *inputs;
	size_t ninputs;
	struct out page;
	struct summary_to to = { NULL, page_only };
	int err = 0;

	if (r->cfg->html && (err = out_open_replace(&page, r->cfg->html)) == 0)
		to.page = &page;
	note_capture(r);
	inputs = capture_inputs(r->cap, &ninputs);
	if (!audit_summary_to(r->audit, snapshot, &to, inputs, ninputs,
			      r->live ? &r->cstats : NULL)) {
		complain("no memory for a report now");
		err = err ? err : ENOMEM;
	}
	if (to.page) {
		int werr = out_close_replace(&page, err == 0);

		err = err ? err : werr;
	}
	if (r->cfg->html && err) {
		complain("%s: the page was not written: %s", r->cfg->html,
			 strerror(err));
		return false;
	}
	return true;
}

/* --- between batches ------------------------------------------------------ */


/* The summary now (SIGUSR1), counting the flows still in the table. */
static void snapshot(struct run *r)
{
	progress_clear(&r->progress);
	if (r->ipfix) {
		struct ipfix_stats st;

		ipfix_stats(r->ipfix, &st);
		report_set_ipfix_stats(r->report, &st);
	}
	summarize(r, true, false);
	out_flush(&r->out);
}

/* New rules take over only if they loaded; the flows in the table are
 * classified again and keep their counters. */
static void use_rules(struct run *r, bool loaded, struct rulebook *fresh,
		      const char *err)
{
	if (!loaded) {
		complain("SIGHUP: keeping the rules in use: %s", err);
	} else if (!report_set_classifier(r->report, fresh->cls)) {
		complain("SIGHUP: out of memory: keeping the rules in use");
		rulebook_free(fresh);
	} else {
		audit_reclassify(r->audit, fresh->cls);
		rulebook_free(r->book);
		*r->book = *fresh;
		complain("SIGHUP: rules reloaded");
	}
}

/* The rules load in a thread of their own: the capture never waits for
 * the files, however large (or slow: a file on a stalled share). */
static void start_reload(struct run *r)
{
	struct rulebook fresh;
	char err[1024];

	r->loading = loader_start(&r->cfg->rules);
	if (r->loading)
		return;
	/* no thread to be had: in line, as a last resort */
	use_rules(r, rulebook_load(&r->cfg->rules, &fresh, err, sizeof err),
		  &fresh, err);
}

/* Loaded (or failed): the new rules take over between two batches. */
static void finish_reload(struct run *r)
{
	struct rulebook fresh;
	char err[1024];
	bool ok = loader_take(r->loading, &fresh, err, sizeof err);

	r->loading = NULL;
	use_rules(r, ok, &fresh, err);
	if (r->reload_again) {
		r->reload_again = false;
		start_reload(r);
	}
}

/* SIGHUP: -o FILE is reopened at once (log rotation), --html FILE is
 * written anew; the rules are reloaded beside the ones in use. */
static void reload(struct run *r)
{
	int werr;

	if (r->cfg->output && (werr = out_reopen(&r->out)) != 0)
		complain("SIGHUP: %s: %s", r->cfg->output, strerror(werr));
	if (r->cfg->html) {	/* the page as it stands, for the new day */
		progress_clear(&r->progress);
		summarize(r, true, true);
	}
	if (r->loading)
		r->reload_again = true;
	else
		start_reload(r);
}

/* The run ends: rules loaded meanwhile still count for the flows left;
 * rules still loading are let go. */
static void end_reload(struct run *r)
{
	if (!r->loading)
		return;
	if (loader_done(r->loading)) {
		r->reload_again = false;
		finish_reload(r);
		return;
	}
	loader_abandon(r->loading);
	r->loading = NULL;
	complain("SIGHUP: the run ended before the rules had loaded: they were "
		 "not used");
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Live, intervals keep to the monotonic clock and flows to packet time,
 * which is the wall clock: a step of it is said once. */
static void live_clock(struct run *r)
{
	int64_t wall = clock_us(CLOCK_REALTIME), step;

	report_live_clock(r->report, clock_us(CLOCK_MONOTONIC), wall, &step);
	if (step)
		complain("the wall clock stepped %s by %.3f s: intervals keep "
			 "their length by the monotonic clock and take their "
			 "labels from the new time", step > 0 ? "forward" : "back",
			 (double)(step > 0 ? step : -step) / 1e6);
	audit_clock(r->audit, wall);
}

/* The capture's counters, to the report too. */
static void read_capture_stats(struct run *r)
{
	if (capture_stats(r->cap, &r->cstats))
		report_set_capture_stats(r->report, &r->cstats);
}

/* Live: the clock moves without packets, drops are said at once (at most
 * every ten seconds), records reach the output promptly. */
static void live_tick(struct run *r)
{
	time_t now = time(NULL);
	uint64_t total;

	read_capture_stats(r);
	total = r->cstats.dropped + r->cstats.if_dropped;
	if (total > r->drops_warned && now - r->drop_warning_at >= 10) {
		complain("%llu packets dropped (%llu by the kernel, %llu by the "
			 "interface): raise -B or narrow the filter",
			 (unsigned long long)(total - r->drops_warned),
			 (unsigned long long)r->cstats.dropped,
			 (unsigned long long)r->cstats.if_dropped);
		r->drops_warned = total;
		r->drop_warning_at = now;
	}
	live_clock(r);
	out_flush(&r->out);
}

static void show_progress(struct run *r)
{
	uint64_t done, total;
	struct frame_counts fc;
	struct flow_stats fs;

	if (!r->progress.on)
		return;
	capture_progress(r->cap, &done, &total);
	audit_counts(r->audit, &fc);
	audit_flow_stats(r->audit, &fs);
	progress_update(&r->progress, done, total, fc.packets_read, fs.active);
}

/* The exporter's outage warnings, each once, as they come. */
static void say_ipfix_warnings(struct run *r)
{
	char warning[512];

	while (ipfix_warning(r->ipfix, warning, sizeof warning))
		complain("IPFIX: %s", warning);
}

/* About once a second of the wall clock, live or replayed: partial
 * messages go out, templates are refreshed, TCP collectors reconnect.
 * Records exported meanwhile take the time of the last tick. */
static void ipfix_pace(struct run *r)
{
	int64_t now = ipfix_clock_ms();

	if (now - r->ipfix_ticked_ms < LUCS_IPFIX_TICK_MS &&
	    now >= r->ipfix_ticked_ms)
		return;
	r->ipfix_ticked_ms = now;
	ipfix_tick(r->ipfix, now);
	say_ipfix_warnings(r);
}

/* What the signals asked for, the live clock, the exporter's pace, the
 * progress line. */
static void between_batches(struct run *r)
{
	if (r->live)
		live_tick(r);
	if (r->ipfix)
		ipfix_pace(r);
	if (reload_requested) {
		reload_requested = 0;
		reload(r);
	}
	if (r->loading && loader_done(r->loading))
		finish_reload(r);
	if (snapshot_requested) {
		snapshot_requested = 0;
		snapshot(r);
	}
	show_progress(r);
	if ((stop_requested || out_error(&r->out)) && !r->stopping) {
		r->stopping = true;
		capture_stop(r->cap);
	}
}

/* --- start and end -------------------------------------------------------- */

/* A reader that went away (head -1) ends the run as it ends any tool in a
 * pipeline: quietly, by SIGPIPE. */
int output_failed(const char *output, int err)
{
	if (err == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	if (err == ECANCELED)
		complain("%s: stopped while writing was blocked (the reader had "
			 "stopped reading): the records not yet written are lost",
			 output ? output : "standard output");
	else
		complain("%s: write error: %s",
			 output ? output : "standard output", strerror(err));
	return EXIT_TROUBLE;
}

/* After the capture is open, root is no longer needed: give it up, or say
 * once that it is kept. */
static bool settle_privileges(const char *user)
{
	char err[256];

	if (user) {
		if (privs_drop(user, err, sizeof err))
			return true;
		complain("%s", err);
		return false;
	}
	if (geteuid() == 0)
		complain("still running as root: -Z USER gives up root once "
			 "the capture is open");
	return true;
}

/* The file os (named name) is one of the inputs the capture reads (a
 * folder's captures one by one): said, and true. */
static bool is_an_input(const struct capture *cap, const char *name,
			const struct stat *os, const char *opt)
{
	const struct input_info *inputs;
	size_t n;
	struct stat is;

	if (capture_is_live(cap))
		return false;
	inputs = capture_inputs(cap, &n);
	for (size_t i = 0; i < n; i++) {
		const char *in = inputs[i].name;

		if (strcmp(in, "-") == 0 ? fstat(STDIN_FILENO, &is) != 0
					 : stat(in, &is) != 0)
			continue;
		if (is.st_dev != os->st_dev || is.st_ino != os->st_ino ||
		    !S_ISREG(is.st_mode))
			continue;
		complain("%s is the input %s: refusing to write the report over "
			 "the capture (give %s another file)", name, in, opt);
		return true;
	}
	return false;
}

/* --html FILE is the report's own output (a page and records would
 * overwrite each other): said, and true. */
static bool page_is_output(const struct run_config *cfg, bool to_stdout,
			   const struct stat *os, bool os_ok)
{
	struct stat hs;
	bool same = stat(cfg->html, &hs) == 0
		    ? os_ok && os->st_dev == hs.st_dev && os->st_ino == hs.st_ino
		    : !to_stdout && strcmp(cfg->html, cfg->output) == 0;

	if (same)
		complain("--html %s is the report's output too: give the page "
			 "a file of its own", cfg->html);
	return same;
}

/* The output is the file an input is (its device and inode, whatever the
 * names: -o cap.pcap, -o /dev/stdout or a redirection onto the capture,
 * or a capture of a folder read):
 * said, before anything is opened for writing, and refused, since writing
 * would destroy the capture being read.  So is --html FILE, and a page
 * onto the report itself. */
static bool output_is_input(const struct run_config *cfg,
			    const struct capture *cc)
{
	const char *out = cfg->output;
	bool to_stdout = !out || strcmp(out, "-") == 0;
	struct stat os, hs;
	bool os_ok = to_stdout ? fstat(STDOUT_FILENO, &os) == 0
			       : stat(out, &os) == 0;

	if (cfg->html && ((stat(cfg->html, &hs) == 0 &&
			   is_an_input(cc, cfg->html, &hs, "--html")) ||
			  page_is_output(cfg, to_stdout, &os, os_ok)))
		return true;
	/* no file yet: it cannot be an input */
	return os_ok && is_an_input(cc, to_stdout ? "standard output" : out,
				    &os, "-o");
}

/* The page is written at the end, and may be on a signal before: its
 * directory must take a new file now, as the user the run became (-Z),
 * rather than fail after hours of capture. */
static bool page_writable(const char *html)
{
	struct out probe;
	int err = out_open_replace(&probe, html);

	if (!err)
		err = out_close_replace(&probe, false);
	if (err)
		complain("--html %s: cannot write a file beside it: %s (the "
			 "page is written there, then renamed over it)", html,
			 strerror(err));
	return err == 0;
}

static bool open_output(struct run *r)
{
	const char *name = r->cfg->output ? r->cfg->output : "standard output";
	int werr = out_open(&r->out, r->cfg->output, r->live);

	if (werr) {
		complain("%s: %s", name, strerror(werr));
		return false;
	}
	r->out_opened = true;
	out_watch_stop(&r->out, &stop_requested);
	return true;
}

/* The columns the text report fits (lucsaudit(1), Text): a terminal's
 * width, else COLUMNS, else none (0: every column, as for a file or a
 * pipe).  Decided once, at the start: flows are written as they end. */
static int text_width(const struct out *o)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	long n = 0;

	if (o->tty && ioctl(o->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		n = ws.ws_col;
	} else if (env && *env) {
		n = strtol(env, &end, 10);
		if (*end)
			n = 0;	/* not a number: as if unset */
	}
	if (n <= 0 || n > 65535)
		return 0;
	return n < LUCS_TEXT_MIN_WIDTH ? LUCS_TEXT_MIN_WIDTH : (int)n;
}

/* Without a site every host may play every role: say so, and how wide
 * "documented" then is. */
static void warn_port_only(const struct classifier *cls)
{
	size_t tcp, udp;

	classifier_documented_ports(cls, &tcp, &udp);
	complain("no --site: verdicts rest on ports alone, and the catalogue "
		 "documents %zu TCP and %zu UDP ports; give --site FILE to "
		 "judge each flow by its hosts' roles", tcp, udp);
}

/* What the report says it was made from: the inputs the capture reads
 * (a folder's captures one by one, not the folder).  Sizes are the files'
 * when the run starts (a file that grows is read to its end all the
 * same). */
static bool describe_run(struct run *r)
{
	const struct capture_config *cc = &r->cfg->capture;
	size_t n;
	const struct input_info *read = capture_inputs(r->cap, &n);
	struct stat st;

	r->inputs = calloc(n ? n : 1, sizeof *r->inputs);
	if (!r->inputs)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *name = read[i].name;

		r->inputs[i].name = name;
		r->inputs[i].size = !r->live && strcmp(name, "-") != 0 &&
					    stat(name, &st) == 0 &&
					    S_ISREG(st.st_mode)
				    ? (int64_t)st.st_size : -1;
	}
	/* The program by its name, not the path it was run by: the same
	 * command reads the same wherever lucsaudit is installed. */
	r->info = (struct run_info){
		.version = PACKAGE_VERSION, .filter = cc->filter,
		.program = PACKAGE, .args = r->cfg->argv + 1,
		.nargs = r->cfg->argc - 1,
		.inputs = r->inputs, .ninputs = n, .book = r->book,
	};
	return true;
}

/* --ipfix: the collectors' addresses are resolved and the templates
 * sent (TCP: once connected) before the first flow can end. */
static bool open_ipfix(struct run *r)
{
	char err[1024];

	if (!r->cfg->ipfix.nurls)
		return true;
	r->ipfix_ticked_ms = ipfix_clock_ms();
	r->ipfix = ipfix_open(&r->cfg->ipfix, r->ipfix_ticked_ms, err,
			      sizeof err);
	if (!r->ipfix) {
		complain("%s", err);
		return false;
	}
	say_ipfix_warnings(r);
	return true;
}

/* The report and the audit, with the run's random hash key. */
static bool open_audit(struct run *r)
{
	struct flow_config fc = r->cfg->flow;
	struct report_config rc;

	if (!describe_run(r)) {
		complain("out of memory");
		return false;
	}
	if (!classifier_has_site(r->book->cls) && !r->cfg->quiet)
		warn_port_only(r->book->cls);
	if (hash_key_random(&fc.hash_key) != 0) {
		complain("no random numbers from the kernel: %s", strerror(errno));
		return false;
	}
	rc = (struct report_config){
		.writer = r->cfg->writer, .out = &r->out,
		.page = r->cfg->html ? &report_writer_html : NULL,
		/* no-color.org: NO_COLOR set to anything but "" */
		.color = r->out.tty && r->cfg->writer == &report_writer_text &&
			 !(getenv("NO_COLOR") && *getenv("NO_COLOR")),
		.cls = r->book->cls,
		.interval_us = (int64_t)r->cfg->interval_s * 1000000,
		.answer_wait_us = r->cfg->answer_wait_us,
		.coverage = r->cfg->coverage, .run = &r->info,
		.live = r->live, .hash_key = fc.hash_key,
		.flow_slots = flow_table_slots(fc.max_flows),
		.text_width = r->cfg->writer == &report_writer_text
				      ? text_width(&r->out) : 0,
		.sort = r->cfg->sort,
		.baseline = r->cfg->baseline,
		.ipfix = r->ipfix,
	};
	r->report = report_new(&rc);
	if (r->report && r->live)
		report_set_capture_stats(r->report, &r->cstats);
	r->audit = r->report ? audit_new(&fc, r->book->cls, r->report) : NULL;
	if (!r->audit) {
		complain("out of memory for %u flows (see --max-flows)",
			 fc.max_flows);
		return false;
	}
	if (r->live)
		live_clock(r);	/* the first interval starts now */
	return true;
}

/* The entries of the folders given that are not captures. */
static void say_skipped(const struct capture *cap)
{
	size_t n;
	const char *const *skipped = capture_skipped(cap, &n);

	for (size_t i = 0; i < n; i++)
		complain("%s", skipped[i]);
}

static bool run_start(struct run *r, const struct run_config *cfg,
		      struct rulebook *book)
{
	char err[1024];

	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->book = book;
	r->live = cfg->capture.iface != NULL;
	r->cap = capture_open(&cfg->capture, err, sizeof err);
	if (!r->cap) {
		complain("%s", err);
		return false;
	}
	say_skipped(r->cap);
	if (output_is_input(cfg, r->cap) || !open_output(r))
		return false;
	if (r->live && !settle_privileges(cfg->user))
		return false;
	if (cfg->html && !page_writable(cfg->html))
		return false;
	/* After -Z: the thread is made with the privileges the run keeps.
	 * Without it, records are simply written in line. */
	out_start_writer(&r->out);
	if (!open_ipfix(r) || !open_audit(r))
		return false;
	progress_init(&r->progress, !cfg->quiet && !r->live &&
				    isatty(STDERR_FILENO));
	return true;
}

/* Also after a failed start: the output, its writer thread included,
 * closes here unless run_end closed it. */
static void run_free(struct run *r)
{
	if (r->out_opened)
		out_close(&r->out);
	audit_free(r->audit);
	report_free(r->report);
	capture_close(r->cap);
	free(r->inputs);
	if (r->ipfix)
		ipfix_close(r->ipfix, ipfix_clock_ms(), NULL);
}

static void say_drops(const struct run *r)
{
	uint64_t total = r->cstats.dropped + r->cstats.if_dropped;

	if (total > r->drops_warned)
		complain("%llu packets dropped in all (%llu by the kernel, "
			 "%llu by the interface)", (unsigned long long)total,
			 (unsigned long long)r->cstats.dropped,
			 (unsigned long long)r->cstats.if_dropped);
}

static bool fail_on_matched(uint32_t fail_on, const struct report *rep)
{
	return report_flows_with(rep, fail_on) ||
	       ((fail_on & FAIL_ON_FAILED) && report_failed(rep)) ||
	       ((fail_on & FAIL_ON_EMPTY) && report_packets(rep) == 0) ||
	       ((fail_on & FAIL_ON_NEW) && report_new_unexpected(rep) > 0);
}

/* --suggest-rules FILE: the unexpected groups as a catalogue file. */
static bool write_suggestions(const struct run *r)
{
	const char *path = r->cfg->suggest_rules;
	struct seen_group *groups;
	size_t n = report_seen_groups(r->report, &groups);
	FILE *fp;
	bool ok;

	if (n == SIZE_MAX) {
		complain("--suggest-rules: out of memory");
		return false;
	}
	fp = fopen(path, "w");
	if (!fp) {
		complain("--suggest-rules: %s: %s", path, strerror(errno));
		free(groups);
		return false;
	}
	ok = suggest_rules_write(fp, r->book->cat, groups, n);
	free(groups);
	if (fclose(fp) != 0 || !ok) {
		complain("--suggest-rules: %s: write error: %s", path,
			 strerror(errno ? errno : EIO));
		return false;
	}
	return true;
}

/* Every flow is exported: what is pending goes out (TCP: waited for, a
 * moment at most), and the summary gets the final counts.  Records still
 * queued then are dropped, and said: no outage warning covered them. */
static void close_ipfix(struct run *r)
{
	struct ipfix_stats before, after;

	/* A tick first: a collector found down now is said as such. */
	ipfix_tick(r->ipfix, ipfix_clock_ms());
	say_ipfix_warnings(r);
	ipfix_stats(r->ipfix, &before);
	report_set_ipfix(r->report, NULL);
	ipfix_close(r->ipfix, ipfix_clock_ms(), &after);
	r->ipfix = NULL;
	if (after.records_dropped > before.records_dropped)
		complain("IPFIX: %llu records still unsent at the end were "
			 "dropped (a collector slow to take them, or down)",
			 (unsigned long long)(after.records_dropped -
					      before.records_dropped));
	report_set_ipfix_stats(r->report, &after);
}

/* Everything is read (or the run was stopped): the flows still in the
 * table are written, then the summary; the exit status. */
static int run_end(struct run *r)
{
	const struct input_info *inputs;
	size_t ninputs;
	int status = EXIT_DONE, werr;
	bool page_ok;

	progress_clear(&r->progress);
	end_reload(r);
	if (r->live) {
		read_capture_stats(r);
		live_clock(r);
		say_drops(r);
	}
	audit_finish(r->audit);
	if (r->ipfix)
		close_ipfix(r);
	page_ok = summarize(r, false, false);
	inputs = capture_inputs(r->cap, &ninputs);
	for (size_t i = 0; i < ninputs; i++)
		if (inputs[i].error)
			complain("%s: %s", inputs[i].name, inputs[i].error);
	if (!capture_ok(r->cap) || !page_ok)
		status = EXIT_TROUBLE;
	else if (r->cfg->suggest_rules && !write_suggestions(r))
		status = EXIT_TROUBLE;
	else if (fail_on_matched(r->cfg->fail_on, r->report))
		status = EXIT_FOUND;
	werr = out_close(&r->out);
	r->out_opened = false;
	if (werr)
		return output_failed(r->cfg->output, werr);
	return status;
}

/* --- the loop --------------------------------------------------------------- */

int run_audit(const struct run_config *cfg, struct rulebook *book)
{
	struct run run;
	struct capture_batch batch;
	enum capture_status st;
	int status = EXIT_TROUBLE;

	if (run_start(&run, cfg, book)) {
		while ((st = capture_next(run.cap, &batch)) != CAPTURE_END) {
			if (st == CAPTURE_FRAMES)
				audit_frames(run.audit, batch.frames,
					     batch.extras, batch.n);
			between_batches(&run);
		}
		status = run_end(&run);
	}
	run_free(&run);
	return status;
}
