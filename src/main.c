/* main.c: options, and the wiring of capture -> audit -> report. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "capture.h"
#include "catalogue.h"
#include "classify.h"
#include "config.h"
#include "out.h"
#include "privs.h"
#include "progress.h"
#include "report-rules.h"
#include "report.h"
#include "site.h"
#include "tunables.h"

/* Exit statuses: documented in lucsaudit(1); never renumber. */
enum exit_status {
	EXIT_DONE = 0,		/* the run completed */
	EXIT_FOUND = 1,		/* --fail-on matched a flow */
	EXIT_TROUBLE = 2	/* usage, input or output error */
};

struct options {
	const char **files;
	size_t nfiles;
	const char **rules;
	size_t nrules;
	const char *site;
	bool check;
	bool list_rules;
	char *filter;
	const char *output;
	const struct report_writer *writer;
	struct flow_config flow;
	unsigned interval_s;	/* 0: no interval records */
	uint32_t fail_on;	/* mask of 1 << enum verdict */
	bool quiet;
	const char *iface;	/* -i: live capture */
	bool list_interfaces;	/* -D */
	bool no_promisc;	/* -p */
	int buffer_kib;		/* -B */
	int snaplen;		/* -s */
	const char *user;	/* -Z */
};

static void complain_v(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void complain_v(const char *fmt, va_list ap)
{
	fputs("lucsaudit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void complain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain_v(fmt, ap);
	va_end(ap);
}

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain_v(fmt, ap);
	va_end(ap);
	fputs("Try 'lucsaudit --help' for more information.\n", stderr);
	exit(EXIT_TROUBLE);
}

static void usage(void)
{
	fputs(
"Usage: lucsaudit [OPTION]... -r FILE [-r FILE]... [FILTER EXPRESSION]\n"
"       lucsaudit [OPTION]... -i IFACE [FILTER EXPRESSION]\n"
"       lucsaudit --check [--rules FILE]... [--site FILE]\n"
"Audit captured traffic against the LUCS/SfB port catalogue.\n"
"\n"
"Input:\n"
"  -r, --read FILE          read a pcap or pcapng file ('-' for standard\n"
"                           input); repeat to read several as one timeline\n"
"  -i, --interface IFACE    capture live on IFACE ('any': every interface)\n"
"  -D, --list-interfaces    list the interfaces and exit\n"
"  -p, --no-promiscuous-mode  do not put the interface in promiscuous mode\n"
"  -B, --buffer-size KIB    kernel capture buffer in KiB\n"
"  -s, --snapshot-length N  bytes kept of each packet (default 256: every\n"
"                           header lucsaudit reads; bytes come from IP)\n"
"  -Z, --relinquish-privileges USER\n"
"                           become USER once the capture is open\n"
"Catalogue:\n"
"      --rules FILE         catalogue file (default: the built-in\n"
"                           rules/lucs.yaml); repeat: later files add rules\n"
"      --site FILE          site inventory: roles, port overrides, tm\n"
"      --check              validate the catalogue and site, print a summary\n"
"      --list-rules         print the compiled rules, one line each\n"
"Output:\n"
"  -o, --output FILE        write the report to FILE (default: standard output)\n"
"  -F, --format FORMAT      text (default), json or csv\n"
"      --interval SECONDS   an interval record every SECONDS of packet time\n"
"                           (default 300; 0: none)\n"
"      --fail-on VERDICTS   exit 1 when a flow has one of these verdicts:\n"
"                           unexpected, debug (comma-separated)\n"
"  -q, --quiet              no progress line on the terminal\n"
"Flows:\n"
"      --max-flows N        flows held at once (default 1000000); when full,\n"
"                           the longest-idle flow is written out first\n"
"  -t, --timeout NAME=SEC   idle timeout: tcp-attempted (30), tcp-established\n"
"                           (3600), tcp-closed (30), udp (120), other (60)\n"
"\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"A trailing FILTER EXPRESSION (pcap-filter(7)) selects packets, as in tcpdump.\n"
"Signals: INT and TERM end the run with its summary; USR1 writes a summary\n"
"now; HUP reloads --rules and --site and reopens -o FILE.\n"
"Exit status: 0 done, 1 --fail-on matched, 2 usage, input or output error.\n"
"See lucsaudit(1) and lucsaudit-rules(5).\n", stdout);
}

static unsigned long parse_number(const char *opt, const char *s,
				  unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		usage_error("%s: '%s' is not a number from %lu to %lu", opt, s,
			    min, max);
	return v;
}

static void parse_timeout(struct flow_config *fc, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq) {
		for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
			const char *name = idle_class_name((enum idle_class)c);

			if (strlen(name) == (size_t)(eq - arg) &&
			    strncmp(arg, name, (size_t)(eq - arg)) == 0) {
				fc->timeout_s[c] = (uint32_t)parse_number(
					"--timeout", eq + 1, 1, 31 * 86400);
				return;
			}
		}
	}
	usage_error("--timeout: '%s' is not NAME=SECONDS with NAME one of "
		    "tcp-attempted, tcp-established, tcp-closed, udp, other",
		    arg);
}

static uint32_t parse_fail_on(const char *arg)
{
	uint32_t mask = 0;
	const char *p = arg;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 10 && strncmp(p, "unexpected", n) == 0)
			mask |= 1u << VERDICT_UNEXPECTED;
		else if (n == 5 && strncmp(p, "debug", n) == 0)
			mask |= 1u << VERDICT_DEBUG;
		else
			usage_error("--fail-on: '%s' is not a list of unexpected "
				    "and debug", arg);
		p += n + (p[n] == ',');
	}
	if (!mask)
		usage_error("--fail-on: name unexpected, debug or both");
	return mask;
}

/* The words after the options form one filter expression, as tcpdump's. */
static char *join_words(char **words, int n)
{
	size_t len = 1;
	char *s;

	if (n == 0)
		return NULL;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	s = malloc(len);
	if (!s) {
		complain("out of memory");
		exit(EXIT_TROUBLE);
	}
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

enum {
	OPT_MAX_FLOWS = 256, OPT_RULES, OPT_SITE, OPT_CHECK, OPT_LIST_RULES,
	OPT_INTERVAL, OPT_FAIL_ON
};

static void check_mode(const struct options *o)
{
	bool reads = o->nfiles || o->iface;

	if ((o->check || o->list_rules) && (reads || o->filter))
		usage_error("--check and --list-rules read no capture");
	if (o->nfiles && o->iface)
		usage_error("-r and -i: read files or capture live, not both");
	if (!reads && !o->check && !o->list_rules && !o->list_interfaces)
		usage_error("nothing to read: give a capture with -r FILE or "
			    "an interface with -i IFACE");
	if (!o->iface && (o->user || o->buffer_kib || o->no_promisc ||
			  o->snaplen != LUCS_DEFAULT_SNAPLEN))
		usage_error("-Z, -B, -p and -s apply to live capture (-i)");
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "timeout", required_argument, NULL, 't' },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "site", required_argument, NULL, OPT_SITE },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "interface", required_argument, NULL, 'i' },
		{ "list-interfaces", no_argument, NULL, 'D' },
		{ "no-promiscuous-mode", no_argument, NULL, 'p' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "snapshot-length", required_argument, NULL, 's' },
		{ "relinquish-privileges", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	o->writer = &report_writer_text;
	o->interval_s = LUCS_DEFAULT_INTERVAL;
	o->snaplen = LUCS_DEFAULT_SNAPLEN;
	flow_config_defaults(&o->flow);
	o->files = calloc((size_t)argc, sizeof *o->files);
	o->rules = calloc((size_t)argc, sizeof *o->rules);
	if (!o->files || !o->rules) {
		complain("out of memory");
		exit(EXIT_TROUBLE);
	}
	while ((c = getopt_long(argc, argv, "+r:o:F:t:qi:DpB:s:Z:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'r':
			o->files[o->nfiles++] = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'F':
			o->writer = report_writer_find(optarg);
			if (!o->writer)
				usage_error("--format: '%s' is not text, json or "
					    "csv", optarg);
			break;
		case OPT_MAX_FLOWS:
			o->flow.max_flows = (uint32_t)parse_number(
				"--max-flows", optarg, 1, LUCS_MAX_MAX_FLOWS);
			break;
		case 't':
			parse_timeout(&o->flow, optarg);
			break;
		case OPT_RULES:
			o->rules[o->nrules++] = optarg;
			break;
		case OPT_SITE:
			if (o->site)
				usage_error("--site: give one site file");
			o->site = optarg;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_LIST_RULES:
			o->list_rules = true;
			break;
		case OPT_INTERVAL:
			o->interval_s = (unsigned)parse_number("--interval",
							       optarg, 0, 86400);
			break;
		case OPT_FAIL_ON:
			o->fail_on = parse_fail_on(optarg);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'D':
			o->list_interfaces = true;
			break;
		case 'p':
			o->no_promisc = true;
			break;
		case 'B':
			o->buffer_kib = (int)parse_number("-B", optarg, 1,
							  4 * 1024 * 1024);
			break;
		case 's':
			o->snaplen = (int)parse_number("-s", optarg, 68, 262144);
			break;
		case 'Z':
			o->user = optarg;
			break;
		case 'h':
			usage();
			exit(EXIT_DONE);
		case 'V':
			puts(PACKAGE_STRING);
			exit(EXIT_DONE);
		default:
			fputs("Try 'lucsaudit --help' for more information.\n",
			      stderr);
			exit(EXIT_TROUBLE);
		}
	}
	o->filter = join_words(argv + optind, argc - optind);
	check_mode(o);
}

/* --- the catalogue ------------------------------------------------------ */

struct rulebook {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
};

static void rulebook_free(struct rulebook *b)
{
	classifier_free(b->cls);
	site_free(b->site);
	catalogue_free(b->cat);
}

/* Load catalogue and site; false with the one-line error in msg. */
static bool rulebook_load(const struct options *o, struct rulebook *b,
			  char *msg, size_t size)
{
	struct load_error err;
	bool ok = true;

	memset(b, 0, sizeof *b);
	memset(&err, 0, sizeof err);
	b->cat = catalogue_new();
	if (!b->cat) {
		snprintf(msg, size, "out of memory");
		return false;
	}
	if (o->nrules == 0)
		ok = catalogue_load_default(b->cat, &err);
	for (size_t i = 0; ok && i < o->nrules; i++)
		ok = catalogue_load_file(b->cat, o->rules[i], &err);
	if (ok && o->site)
		ok = (b->site = site_load_file(o->site, b->cat, &err)) != NULL;
	if (ok)
		ok = (b->cls = classifier_new(b->cat, b->site, &err)) != NULL;
	if (!ok) {
		load_error_format(&err, msg, size);
		rulebook_free(b);
	}
	return ok;
}

/* --- the run ------------------------------------------------------------ */

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
	const struct options *o;
	struct rulebook *book;
	struct capture_stats cstats;	/* live */
	uint64_t drops_warned;		/* drops already reported */
	time_t drop_warning_at;
	struct out out;
	struct capture *cap;
	struct report *report;
	struct audit *audit;
	struct progress progress;
};

static void on_packet(void *ctx, int dlt, int64_t ts_us, const uint8_t *bytes,
		      uint32_t caplen, uint32_t wirelen)
{
	struct run *r = ctx;

	audit_packet(r->audit, dlt, ts_us, bytes, caplen, wirelen);
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

	if (!rulebook_load(r->o, &fresh, err, sizeof err)) {
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
	if (r->o->output && (werr = out_reopen(&r->out)) != 0)
		complain("SIGHUP: %s: %s", r->o->output, strerror(werr));
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
static int output_failed(const struct options *o, int err)
{
	if (err == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	complain("%s: write error: %s", o->output ? o->output : "standard output",
		 strerror(err));
	return EXIT_TROUBLE;
}

/* --check and --list-rules: the compiled catalogue, no capture. */
static int print_rules(const struct options *o, struct rulebook *b)
{
	struct out out;
	int werr = out_open(&out, o->output, false);

	if (!werr) {
		if (o->check)
			report_check(&out, b->cls, b->site);
		if (o->list_rules)
			report_list_rules(&out, b->cls);
		werr = out_close(&out);
	}
	rulebook_free(b);
	if (werr)
		return output_failed(o, werr);
	return EXIT_DONE;
}

/* After the capture is open, root is no longer needed: give it up, or say
 * once that it is kept. */
static bool settle_privileges(const struct options *o)
{
	char err[256];

	if (o->user) {
		if (privs_drop(o->user, err, sizeof err))
			return true;
		complain("%s", err);
		return false;
	}
	if (geteuid() == 0)
		complain("still running as root: -Z USER gives up root once "
			 "the capture is open");
	return true;
}

static bool run_start(struct run *r, const struct options *o,
		      struct rulebook *book)
{
	struct capture_config cc = {
		.files = o->files, .nfiles = o->nfiles, .filter = o->filter,
		.iface = o->iface, .snaplen = o->snaplen,
		.promisc = !o->no_promisc, .buffer_kib = o->buffer_kib,
	};
	struct report_config rc;
	struct flow_config fc = o->flow;
	char err[1024];
	int werr;

	memset(r, 0, sizeof *r);
	r->o = o;
	r->book = book;
	r->cap = capture_open(&cc, err, sizeof err);
	if (!r->cap) {
		complain("%s", err);
		return false;
	}
	werr = out_open(&r->out, o->output, o->iface != NULL);
	if (werr) {
		complain("%s: %s", o->output ? o->output : "standard output",
			 strerror(werr));
		return false;
	}
	if (o->iface && !settle_privileges(o))
		return false;
	/* no-color.org: NO_COLOR set to anything but the empty string. */
	r->out.color = r->out.tty && o->writer == &report_writer_text &&
		       !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (hash_key_random(&fc.hash_key) != 0) {
		complain("no random numbers from the kernel: %s", strerror(errno));
		return false;
	}
	rc = (struct report_config){ .writer = o->writer, .out = &r->out,
				     .cls = book->cls,
				     .interval_us = (int64_t)o->interval_s * 1000000,
				     .write_empty = o->iface != NULL,
				     .hash_key = fc.hash_key };
	r->report = report_new(&rc);
	if (r->report && o->iface)
		report_set_capture_stats(r->report, &r->cstats);
	r->audit = r->report ? audit_new(&fc, book->cls, r->report) : NULL;
	if (!r->audit) {
		complain("out of memory for %u flows (see --max-flows)",
			 fc.max_flows);
		return false;
	}
	progress_init(&r->progress, !o->quiet && !o->iface &&
				    isatty(STDERR_FILENO));
	return true;
}

static void run_free(struct run *r)
{
	audit_free(r->audit);
	report_free(r->report);
	capture_close(r->cap);
}

/* Read everything (or capture until stopped), then write what is left and
 * the summary. */
static int run_capture(struct run *r)
{
	const struct input_info *inputs;
	size_t ninputs;
	bool read_ok;
	int status = EXIT_DONE, werr;

	running_capture = r->cap;
	install_signals();
	read_ok = capture_run(r->cap, &(struct capture_hooks){
		on_packet, between_batches, r });
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
	else if (r->o->fail_on && report_flows_with(r->report, r->o->fail_on))
		status = EXIT_FOUND;
	werr = out_close(&r->out);
	if (werr)
		return output_failed(r->o, werr);
	return status;
}

static int list_interfaces(void)
{
	char err[256];
	bool ok = capture_list_interfaces(stdout, err, sizeof err);

	if (!ok)
		complain("%s", err);
	return ok && fflush(stdout) == 0 ? EXIT_DONE : EXIT_TROUBLE;
}

static void options_free(struct options *o)
{
	free(o->filter);
	free(o->files);
	free(o->rules);
}

static int run_main(struct options *o)
{
	struct rulebook book;
	struct run run;
	char err[1024];
	int status = EXIT_TROUBLE;

	if (o->list_interfaces)
		return list_interfaces();
	if (!rulebook_load(o, &book, err, sizeof err)) {
		complain("%s", err);
		return EXIT_TROUBLE;
	}
	if (o->check || o->list_rules)
		return print_rules(o, &book);
	if (run_start(&run, o, &book))
		status = run_capture(&run);
	run_free(&run);
	rulebook_free(&book);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	int status;

	parse_options(argc, argv, &o);
	status = run_main(&o);
	options_free(&o);
	return status;
}
