/* run.c: one audit run: the capture loop and what happens between its
 * batches: signals (INT and TERM stop, USR1 reports, HUP reloads), the
 * live clock and drop warnings, the progress line; then the summary. */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "messages.h"
#include "privs.h"
#include "progress.h"

static volatile sig_atomic_t stop_requested, snapshot_requested,
	reload_requested;
static struct capture *running_capture;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (running_capture)
		capture_break(running_capture);
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

static void install_signals(void)
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
	struct capture_stats cstats;	/* live */
	uint64_t drops_warned;		/* drops already reported */
	time_t drop_warning_at;
	struct out out;
	bool out_opened;		/* out is to be closed */
	struct capture *cap;
	struct report *report;
	struct audit *audit;
	struct progress progress;
};

/* In the capture's reader thread (ctx is not needed there). */
static void prepare_packet(void *ctx, void *slot, int dlt, int64_t ts_us,
			   const uint8_t *bytes, uint32_t caplen,
			   uint32_t wirelen)
{
	(void)ctx;
	audit_prepare(dlt, ts_us, bytes, caplen, wirelen, slot);
}

static void consume_packet(void *ctx, void *slot)
{
	struct run *r = ctx;

	audit_consume(r->audit, slot);
}

static void write_summary(struct run *r, bool snapshot)
{
	struct audit_stats as;
	struct flow_stats fs;
	const struct input_info *inputs;
	size_t ninputs;

	audit_stats(r->audit, &as);
	audit_flow_stats(r->audit, &fs);
	inputs = capture_inputs(r->cap, &ninputs);
	if (!snapshot) {
		report_summary(r->report, &as, &fs, inputs, ninputs);
		return;
	}
	if (!report_snapshot_begin(r->report)) {
		complain("no memory for a report now");
		return;
	}
	audit_foreach_flow(r->audit, report_snapshot_flow, r->report);
	report_snapshot_end(r->report, &as, &fs, inputs, ninputs);
	out_flush(&r->out);
}

/* SIGHUP: new rules only if they load; the flows in the table are
 * classified again and keep their counters; -o FILE is reopened (log
 * rotation). */
static void reload(struct run *r)
{
	struct rulebook fresh;
	char err[1024];
	int werr;

	if (!rulebook_load(&r->cfg->rules, &fresh, err, sizeof err)) {
		complain("SIGHUP: keeping the rules in use: %s", err);
	} else if (!report_set_classifier(r->report, fresh.cls)) {
		complain("SIGHUP: out of memory: keeping the rules in use");
		rulebook_free(&fresh);
	} else {
		audit_reclassify(r->audit, fresh.cls);
		rulebook_free(r->book);
		*r->book = fresh;
		complain("SIGHUP: rules reloaded");
	}
	if (r->cfg->output && (werr = out_reopen(&r->out)) != 0)
		complain("SIGHUP: %s: %s", r->cfg->output, strerror(werr));
}

static int64_t wall_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Live: the clock moves without packets, drops are said at once (at most
 * every ten seconds), records reach the output promptly. */
static void live_tick(struct run *r)
{
	time_t now = time(NULL);

	if (capture_stats(r->cap, &r->cstats) &&
	    r->cstats.dropped + r->cstats.if_dropped > r->drops_warned &&
	    now - r->drop_warning_at >= 10) {
		uint64_t total = r->cstats.dropped + r->cstats.if_dropped;

		complain("%llu packets dropped (%llu by the kernel, %llu by the "
			 "interface): raise -B or narrow the filter",
			 (unsigned long long)(total - r->drops_warned),
			 (unsigned long long)r->cstats.dropped,
			 (unsigned long long)r->cstats.if_dropped);
		r->drops_warned = total;
		r->drop_warning_at = now;
	}
	audit_clock(r->audit, wall_clock_us());
	out_flush(&r->out);
}

static bool between_batches(void *ctx)
{
	struct run *r = ctx;
	uint64_t done, total;
	struct audit_stats as;
	struct flow_stats fs;

	audit_drain(r->audit);
	if (capture_is_live(r->cap))
		live_tick(r);
	if (reload_requested) {
		reload_requested = 0;
		reload(r);
	}
	if (snapshot_requested) {
		snapshot_requested = 0;
		progress_clear(&r->progress);
		write_summary(r, true);
	}
	if (r->progress.on) {
		capture_progress(r->cap, &done, &total);
		audit_stats(r->audit, &as);
		audit_flow_stats(r->audit, &fs);
		progress_update(&r->progress, done, total, as.packets_read,
				fs.active);
	}
	return !stop_requested && !out_error(&r->out);
}

/* A reader that went away (head -1) ends the run as it ends any tool in a
 * pipeline: quietly, by SIGPIPE. */
int output_failed(const char *output, int err)
{
	if (err == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	complain("%s: write error: %s", output ? output : "standard output",
		 strerror(err));
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

static bool run_start(struct run *r, const struct run_config *cfg,
		      struct rulebook *book)
{
	const char *out_name = cfg->output ? cfg->output : "standard output";
	bool live = cfg->capture.iface != NULL;
	struct report_config rc;
	struct flow_config fc = cfg->flow;
	char err[1024];
	int werr;

	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	r->book = book;
	r->cap = capture_open(&cfg->capture, err, sizeof err);
	if (!r->cap) {
		complain("%s", err);
		return false;
	}
	werr = out_open(&r->out, cfg->output, live);
	if (werr) {
		complain("%s: %s", out_name, strerror(werr));
		return false;
	}
	r->out_opened = true;
	if (live && !settle_privileges(cfg->user))
		return false;
	/* After -Z: the thread is made with the privileges the run keeps.
	 * Without it, records are simply written in line. */
	out_start_writer(&r->out);
	/* no-color.org: NO_COLOR set to anything but the empty string. */
	r->out.color = r->out.tty && cfg->writer == &report_writer_text &&
		       !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (hash_key_random(&fc.hash_key) != 0) {
		complain("no random numbers from the kernel: %s", strerror(errno));
		return false;
	}
	rc = (struct report_config){
		.writer = cfg->writer, .out = &r->out, .cls = book->cls,
		.interval_us = (int64_t)cfg->interval_s * 1000000,
		.write_empty = live, .hash_key = fc.hash_key,
	};
	r->report = report_new(&rc);
	if (r->report && live)
		report_set_capture_stats(r->report, &r->cstats);
	r->audit = r->report ? audit_new(&fc, book->cls, r->report) : NULL;
	if (!r->audit) {
		complain("out of memory for %u flows (see --max-flows)",
			 fc.max_flows);
		return false;
	}
	progress_init(&r->progress, !cfg->quiet && !live &&
				    isatty(STDERR_FILENO));
	return true;
}

/* Also after a failed start: the output, its writer thread included,
 * closes here unless run_loop closed it. */
static void run_free(struct run *r)
{
	if (r->out_opened)
		out_close(&r->out);
	audit_free(r->audit);
	report_free(r->report);
	capture_close(r->cap);
}

/* Read everything (or capture until stopped), then write what is left and
 * the summary. */
static int run_loop(struct run *r)
{
	const struct input_info *inputs;
	size_t ninputs;
	bool read_ok;
	int status = EXIT_DONE, werr;

	running_capture = r->cap;
	install_signals();
	read_ok = capture_run(r->cap, &(struct capture_hooks){
		prepare_packet, consume_packet, sizeof(struct audit_input),
		between_batches, r });
	running_capture = NULL;
	progress_clear(&r->progress);
	if (capture_is_live(r->cap)) {
		capture_stats(r->cap, &r->cstats);
		audit_clock(r->audit, wall_clock_us());
		if (r->cstats.dropped + r->cstats.if_dropped > r->drops_warned)
			complain("%llu packets dropped in all (%llu by the kernel, "
				 "%llu by the interface)",
				 (unsigned long long)(r->cstats.dropped +
						      r->cstats.if_dropped),
				 (unsigned long long)r->cstats.dropped,
				 (unsigned long long)r->cstats.if_dropped);
	}
	audit_finish(r->audit);
	write_summary(r, false);
	inputs = capture_inputs(r->cap, &ninputs);
	for (size_t i = 0; i < ninputs; i++)
		if (inputs[i].error)
			complain("%s: %s", inputs[i].name, inputs[i].error);
	if (!read_ok)
		status = EXIT_TROUBLE;
	else if (r->cfg->fail_on && report_flows_with(r->report, r->cfg->fail_on))
		status = EXIT_FOUND;
	werr = out_close(&r->out);
	r->out_opened = false;
	if (werr)
		return output_failed(r->cfg->output, werr);
	return status;
}

int run_audit(const struct run_config *cfg, struct rulebook *book)
{
	struct run run;
	int status = EXIT_TROUBLE;

	if (run_start(&run, cfg, book))
		status = run_loop(&run);
	run_free(&run);
	return status;
}
