/* main.c: the command line, and what each form of it runs: an audit
 * (run.c), --check and --list-rules, or -D. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "ipfix.h"
#include "messages.h"
#include "out.h"
#include "check.h"
#include "firewall.h"
#include "rulebook.h"
#include "run.h"
#include "suggest.h"
#include "tunables.h"

struct options {
	const char **files;
	size_t nfiles;
	const char **rules;
	size_t nrules;
	bool no_builtin_rules;	/* --no-builtin-rules */
	const char *site;
	bool check;
	bool list_rules;
	char *filter;
	const char *output;
	const char *html;	/* --html */
	const struct report_writer *writer;
	struct flow_config flow;
	unsigned interval_s;	/* 0: no interval records */
	uint32_t fail_on;	/* verdicts (1 << v), FAIL_ON_* */
	int64_t answer_wait_us;	/* --answer-wait */
	enum coverage_mode coverage;	/* --coverage */
	enum flow_sort sort;	/* --sort */
	bool quiet;
	const char *iface;	/* -i: live capture */
	bool list_interfaces;	/* -D */
	bool no_promisc;	/* -p */
	unsigned buffer_kib;	/* -B */
	int snaplen;		/* -s */
	const char *user;	/* -Z */
	char **argv;		/* the whole command line */
	int argc;
	struct decode_config decode;	/* tunnels opened (--no-decap, ports) */
	bool export_firewall;	/* --export-firewall */
	enum fw_format firewall;	/* its format */
	const char *host;	/* --host ADDRESS|ROLE, or NULL: every host */
	bool with_debug;	/* --with-debug */
	const char *suggest_rules;	/* --suggest-rules FILE */
	const char *baseline;	/* --baseline FILE */
	const char **ipfix_urls;	/* --ipfix, repeated */
	struct ipfix_config ipfix;
	bool ipfix_tuned;	/* an --ipfix-* option was given */
	bool dedup;		/* --dedup */
};

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

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
"Usage: lucsaudit [OPTION]... -r FILE|FOLDER [-r ...]... [FILTER EXPRESSION]\n"
"       lucsaudit [OPTION]... -i IFACE [FILTER EXPRESSION]\n"
"       lucsaudit --check [--no-builtin-rules] [--rules FILE]... [--site FILE]\n"
"       lucsaudit --export-firewall FORMAT --site FILE [--host ADDRESS|ROLE]\n"
"Audit captured traffic against the LUCS/SfB port catalogue.\n"
"\n"
"Input:\n"
"  -r, --read FILE          read a pcap or pcapng file ('-' for standard\n"
"                           input); repeat to read several as one timeline\n"
"  -r, --read FOLDER        read every capture in FOLDER (not its\n"
"                           subfolders), in the order of their first packets\n"
"      --dedup              count once the copies of a packet (the same IP\n"
"                           and TCP or UDP headers within 10 ms) that pktmon\n"
"                           writes; the summary counts those dropped\n"
"  -i, --interface IFACE    capture live on IFACE ('any': every interface)\n"
"  -D, --list-interfaces    list the interfaces and exit\n"
"  -p, --no-promiscuous-mode  do not put the interface in promiscuous mode\n"
"  -B, --buffer-size KIB    kernel capture buffer in KiB\n"
"  -s, --snapshot-length N  bytes kept of each packet (default 256: every\n"
"                           header lucsaudit reads; bytes come from IP)\n"
"  -Z, --relinquish-privileges USER\n"
"                           become USER once the capture is open\n"
"Catalogue:\n"
"      --rules FILE         add a catalogue file's rules to the built-in\n"
"                           rules/lucs.yaml; repeat to add several; a name\n"
"                           without '/' or '.yaml' (windows-infrastructure)\n"
"                           is a catalogue lucsaudit ships\n"
"      --no-builtin-rules   start from no catalogue: only --rules files\n"
"      --site FILE          site inventory: roles, port overrides, tm\n"
"      --check              validate the catalogue and site, print a summary\n"
"      --list-rules         print the compiled rules, one line each\n"
"Firewall:\n"
"      --export-firewall FORMAT  print inbound allow rules from the catalogue\n"
"                           and the site: powershell, netsh or nft\n"
"      --host ADDRESS|ROLE  for one host the site lists, or every host of a\n"
"                           role (default: every host of the site)\n"
"      --with-debug         also open the troubleshooting (debug) ports\n"
"Output:\n"
"  -o, --output FILE        write the report to FILE (default: standard output)\n"
"  -F, --format FORMAT      text (default), json or csv\n"
"      --html FILE          also write the summary as one self-contained\n"
"                           HTML page with charts (at the end, on USR1 and\n"
"                           on HUP)\n"
"      --interval SECONDS   an interval record every SECONDS of packet time\n"
"                           (default 300; 0: none)\n"
"      --fail-on WORDS      exit 1 when: unexpected, debug (a flow has the\n"
"                           verdict), failed (a documented connection\n"
"                           failed), empty (no packet audited), new (an\n"
"                           unexpected group new since --baseline);\n"
"                           comma-separated\n"
"      --answer-wait SECONDS  how long an unanswered client waits before its\n"
"                           flow is unanswered, not undetermined (default 3)\n"
"      --baseline FILE      the JSON report (-F json) of an earlier run: the\n"
"                           summary says what is new since, first\n"
"      --suggest-rules FILE  write to FILE a catalogue file with a rule per\n"
"                           unexpected group, for review (--rules FILE)\n"
"      --coverage WHICH     the text report's coverage: missing (default:\n"
"                           TM twins, debug and not-applicable rules summed\n"
"                           up), all, or none\n"
"      --sort KEY           text: hold the flows and write them at the end,\n"
"                           sorted: bytes or packets (most first), first\n"
"                           (earliest first seen); not with -i\n"
"  -q, --quiet              no progress line on the terminal\n"
"IPFIX export (every flow, as it ends, with its verdict):\n"
"      --ipfix URL          a collector: udp://HOST[:PORT] or tcp://HOST[:PORT]\n"
"                           (IPv6: [ADDR]; default port 4739); repeatable\n"
"      --ipfix-domain N     observation domain id (default 0)\n"
"      --ipfix-pen N        enterprise number of lucsaudit's elements\n"
"                           (default 32473, RFC 5612's for documentation)\n"
"      --ipfix-template-refresh SECONDS  UDP: templates again (default 600)\n"
"      --ipfix-mtu BYTES    UDP: largest IP packet sent (default 1400)\n"
"Tunnels:\n"
"      --no-decap           open no tunnel: audit the outer packets\n"
"      --vxlan-port PORTS   UDP ports VXLAN is opened on (default 4789)\n"
"      --geneve-port PORTS  UDP ports Geneve is opened on (default 6081)\n"
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
"now; HUP reloads --rules and --site, reopens -o FILE and rewrites --html.\n"
"The text report fits a terminal's width (or COLUMNS), dropping columns.\n"
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

static void unknown_word(const char *opt, const char *what, const char *word,
			 const struct suggest *s)
	__attribute__((noreturn));

/* A word an option does not know, with the words it takes and the one
 * meant when it is close. */
static void unknown_word(const char *opt, const char *what, const char *word,
			 const struct suggest *s)
{
	char hint[SUGGEST_HINT_SIZE];

	usage_error("%s: unknown %s '%s'%s", opt, what, word,
		    suggest_hint(s, NULL, hint, sizeof hint));
}

/* The words an option takes, and what each means to it. */
struct word {
	const char *name;
	uint32_t value;
};

/* The value of the first n bytes of s among words, or a usage error. */
static uint32_t word_value(const char *opt, const char *what, const char *s,
			   size_t n, const struct word *words, size_t nwords)
{
	char word[64];
	struct suggest sg;

	snprintf(word, sizeof word, "%.*s", (int)n, s);
	suggest_start(&sg, word, "");
	for (size_t i = 0; i < nwords; i++) {
		if (strcmp(word, words[i].name) == 0)
			return words[i].value;
		suggest_offer(&sg, words[i].name);
	}
	unknown_word(opt, what, word, &sg);
}

static void parse_timeout(struct flow_config *fc, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct word classes[IDLE_CLASS_COUNT];
	uint32_t c;

	if (!eq)
		usage_error("--timeout: '%s' is not NAME=SECONDS, as in "
			    "udp=300", arg);
	for (c = 0; c < IDLE_CLASS_COUNT; c++)
		classes[c] = (struct word){ idle_class_name((enum idle_class)c),
					    c };
	c = word_value("--timeout", "class", arg, (size_t)(eq - arg), classes,
		       IDLE_CLASS_COUNT);
	fc->timeout_s[c] = (uint32_t)parse_number("--timeout", eq + 1, 1,
						  31 * 86400);
}

static uint32_t parse_fail_on(const char *arg)
{
	static const struct word words[] = {
		{ "unexpected", 1u << VERDICT_UNEXPECTED },
		{ "debug", 1u << VERDICT_DEBUG },
		{ "failed", FAIL_ON_FAILED },
		{ "empty", FAIL_ON_EMPTY },
		{ "new", FAIL_ON_NEW },
	};
	uint32_t mask = 0;
	const char *p = arg;

	while (*p) {
		size_t n = strcspn(p, ",");

		mask |= word_value("--fail-on", "word", p, n, words,
				   sizeof words / sizeof *words);
		p += n + (p[n] == ',');
	}
	if (!mask)
		usage_error("--fail-on: name one or more of unexpected, debug, "
			    "failed, empty, new");
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
	OPT_MAX_FLOWS = 256, OPT_RULES, OPT_NO_BUILTIN_RULES, OPT_SITE,
	OPT_CHECK, OPT_LIST_RULES, OPT_INTERVAL, OPT_FAIL_ON, OPT_ANSWER_WAIT,
	OPT_COVERAGE, OPT_NO_DECAP, OPT_VXLAN_PORT, OPT_GENEVE_PORT, OPT_SORT,
	OPT_EXPORT_FIREWALL, OPT_HOST, OPT_WITH_DEBUG, OPT_SUGGEST_RULES,
	OPT_BASELINE,
	OPT_HTML,
	OPT_IPFIX, OPT_IPFIX_DOMAIN, OPT_IPFIX_PEN, OPT_IPFIX_REFRESH,
	OPT_IPFIX_MTU,
	OPT_DEDUP
};

/* --ipfix URL: checked now, a usage error when it is not one (names are
 * resolved when the run starts). */
static void parse_ipfix_url(struct options *o, const char *arg)
{
	struct ipfix_url u;
	char err[512];

	if (!ipfix_parse_url(arg, &u, err, sizeof err))
		usage_error("--ipfix: %s", err);
	o->ipfix_urls[o->ipfix.nurls++] = arg;
}

/* The --ipfix-* options other than --ipfix itself. */
static void parse_ipfix_option(struct options *o, int c, const char *arg)
{
	struct ipfix_config *x = &o->ipfix;

	o->ipfix_tuned = true;
	switch (c) {
	case OPT_IPFIX_DOMAIN:
		x->domain = (uint32_t)parse_number("--ipfix-domain", arg, 0,
						   UINT32_MAX);
		break;
	case OPT_IPFIX_PEN:
		x->pen = (uint32_t)parse_number("--ipfix-pen", arg, 1,
						UINT32_MAX);
		if (x->pen == 29305)
			usage_error("--ipfix-pen: 29305 is RFC 5103's, for the "
				    "reverse elements: give your organisation's "
				    "enterprise number");
		break;
	case OPT_IPFIX_REFRESH:
		x->template_refresh_s = (unsigned)parse_number(
			"--ipfix-template-refresh", arg, 1, 86400);
		break;
	default:
		x->mtu = (unsigned)parse_number("--ipfix-mtu", arg,
						LUCS_IPFIX_MIN_MTU, 65535);
	}
}

/* --vxlan-port 4789,8472: the UDP ports a tunnel type is opened on. */
static void parse_tunnel_ports(struct decode_config *dc, enum tunnel_type t,
			       const char *arg)
{
	const char *opt = t == TUNNEL_VXLAN ? "--vxlan-port" : "--geneve-port";
	uint16_t ports[LUCS_MAX_TUNNEL_PORTS];
	size_t n = 0;
	char word[16];

	for (const char *p = arg; *p;) {
		size_t len = strcspn(p, ",");

		if (n == LUCS_MAX_TUNNEL_PORTS || len >= sizeof word)
			usage_error("%s: at most %d ports from 1 to 65535, "
				    "comma-separated", opt,
				    LUCS_MAX_TUNNEL_PORTS);
		memcpy(word, p, len);
		word[len] = '\0';
		ports[n++] = (uint16_t)parse_number(opt, word, 1, 65535);
		p += len + (p[len] == ',');
	}
	if (!decode_config_ports(dc, t, ports, n))
		usage_error("%s: '%s': a port is given twice, or is the other "
			    "tunnel type's", opt, arg);
}

static enum fw_format parse_firewall_format(const char *arg)
{
	enum fw_format f;
	struct suggest s;

	if (fw_format_find(arg, &f))
		return f;
	suggest_start(&s, arg, "");
	for (int i = 0; i < FW_FORMAT_COUNT; i++)
		suggest_offer(&s, fw_format_name((enum fw_format)i));
	unknown_word("--export-firewall", "format", arg, &s);
}

static enum coverage_mode parse_coverage(const char *arg)
{
	static const struct word words[] = {
		{ "missing", COVERAGE_MISSING },
		{ "all", COVERAGE_ALL },
		{ "none", COVERAGE_NONE },
	};

	return (enum coverage_mode)word_value("--coverage", "value", arg,
					      strlen(arg), words,
					      sizeof words / sizeof *words);
}

static enum flow_sort parse_sort(const char *arg)
{
	static const struct word words[] = {
		{ "bytes", SORT_BYTES },
		{ "packets", SORT_PACKETS },
		{ "first", SORT_FIRST },
	};

	return (enum flow_sort)word_value("--sort", "key", arg, strlen(arg),
					  words, sizeof words / sizeof *words);
}

/* report_writer_find decides; the writers' own names are the words
 * offered when it finds none. */
static const struct report_writer *parse_format(const char *arg)
{
	static const struct report_writer *const known[] = {
		&report_writer_text, &report_writer_json, &report_writer_csv
	};
	const struct report_writer *w = report_writer_find(arg);
	struct suggest s;

	if (w)
		return w;
	suggest_start(&s, arg, "");
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		suggest_offer(&s, known[i]->name);
	unknown_word("--format", "format", arg, &s);
}

/* The long option whose value is val: each has its own. */
static const char *long_name(const struct option *longopts, int val)
{
	for (; longopts->name; longopts++)
		if (longopts->val == val)
			return longopts->name;
	return "?";
}

static void unknown_long_option(const char *arg,
				const struct option *longopts)
	__attribute__((noreturn));

/* An unknown or ambiguous "--NAME[=VALUE]": the options meant. */
static void unknown_long_option(const char *arg,
				const struct option *longopts)
{
	char name[64], hint[SUGGEST_HINT_SIZE];
	struct suggest all, prefixed;

	snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="),
		 arg + 2);
	suggest_start(&all, name, "--");
	suggest_start(&prefixed, name, "--");
	for (; longopts->name; longopts++) {
		suggest_offer(&all, longopts->name);
		if (strncmp(longopts->name, name, strlen(name)) == 0)
			suggest_offer(&prefixed, longopts->name);
	}
	if (*name && prefixed.n > 1)
		usage_error("option '--%s' is ambiguous%s", name,
			    suggest_hint(&prefixed, NULL, hint, sizeof hint));
	usage_error("unknown option '--%s'%s", name,
		    suggest_hint(&all, NULL, hint, sizeof hint));
}

static void option_error(const char *arg, int c,
			 const struct option *longopts)
	__attribute__((noreturn));

/* What getopt_long returned c for at the argument arg, said by lucsaudit
 * (opterr is 0: getopt names the program by the path it was run as). */
static void option_error(const char *arg, int c,
			 const struct option *longopts)
{
	if (strncmp(arg, "--", 2) != 0) {
		if (c == ':')
			usage_error("-%c needs an argument", optopt);
		usage_error("unknown option '-%c'", optopt);
	}
	if (c == ':')
		usage_error("--%s needs an argument",
			    long_name(longopts, optopt));
	if (optopt)
		usage_error("--%s takes no argument",
			    long_name(longopts, optopt));
	unknown_long_option(arg, longopts);
}

static void check_mode(const struct options *o)
{
	bool reads = o->nfiles || o->iface;

	if (o->export_firewall && (reads || o->filter || o->check ||
				   o->list_rules))
		usage_error("--export-firewall reads no capture: it prints "
			    "rules from the catalogue and the site");
	if (o->export_firewall && !o->site)
		usage_error("--export-firewall needs the site's hosts: give "
			    "--site FILE");
	if ((o->fail_on & FAIL_ON_NEW) && !o->baseline)
		usage_error("--fail-on new needs --baseline FILE: the JSON "
			    "report of an earlier run to compare with");
	if ((o->baseline || o->suggest_rules) && !reads)
		usage_error("--baseline and --suggest-rules go with an audit "
			    "(-r FILE or -i IFACE)");
	if ((o->host || o->with_debug) && !o->export_firewall)
		usage_error("--host and --with-debug go with --export-firewall");

	if ((o->check || o->list_rules) && (reads || o->filter || o->html))
		usage_error("--check and --list-rules read no capture");
	if (o->nfiles && o->iface)
		usage_error("-r and -i: read files or capture live, not both");
	if (o->no_builtin_rules && !o->nrules)
		usage_error("--no-builtin-rules leaves no catalogue: give one "
			    "with --rules FILE, or drop --no-builtin-rules to "
			    "use the built-in one");
	if (!reads && !o->check && !o->list_rules && !o->list_interfaces &&
	    !o->export_firewall)
		usage_error("nothing to read: give a capture with -r FILE or "
			    "an interface with -i IFACE");
	if (o->ipfix_tuned && !o->ipfix.nurls)
		usage_error("--ipfix-domain, --ipfix-pen, --ipfix-template-refresh "
			    "and --ipfix-mtu apply to --ipfix URL: name a "
			    "collector");
	if ((o->check || o->list_rules) && o->ipfix.nurls)
		usage_error("--check and --list-rules export nothing: --ipfix "
			    "applies to an audit (-r or -i)");
	if (!o->iface && (o->user || o->buffer_kib || o->no_promisc ||
			  o->snaplen != LUCS_DEFAULT_SNAPLEN))
		usage_error("-Z, -B, -p and -s apply to live capture (-i)");
	/* --sort holds every flow until the run ends: a live one never
	 * does, and JSON and CSV have sort tools of their own. */
	if (o->sort != SORT_NONE && o->iface)
		usage_error("--sort holds the flows until the run ends: it "
			    "sorts a replay (-r), not a live capture (-i)");
	if (o->sort != SORT_NONE && o->writer != &report_writer_text)
		usage_error("--sort sorts the text report: sort JSON or CSV "
			    "with jq or sort");
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "timeout", required_argument, NULL, 't' },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "no-builtin-rules", no_argument, NULL, OPT_NO_BUILTIN_RULES },
		{ "site", required_argument, NULL, OPT_SITE },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "answer-wait", required_argument, NULL, OPT_ANSWER_WAIT },
		{ "coverage", required_argument, NULL, OPT_COVERAGE },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "no-decap", no_argument, NULL, OPT_NO_DECAP },
		{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
		{ "geneve-port", required_argument, NULL, OPT_GENEVE_PORT },
		{ "export-firewall", required_argument, NULL,
		  OPT_EXPORT_FIREWALL },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "with-debug", no_argument, NULL, OPT_WITH_DEBUG },
		{ "suggest-rules", required_argument, NULL, OPT_SUGGEST_RULES },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "ipfix", required_argument, NULL, OPT_IPFIX },
		{ "ipfix-domain", required_argument, NULL, OPT_IPFIX_DOMAIN },
		{ "ipfix-pen", required_argument, NULL, OPT_IPFIX_PEN },
		{ "ipfix-template-refresh", required_argument, NULL,
		  OPT_IPFIX_REFRESH },
		{ "ipfix-mtu", required_argument, NULL, OPT_IPFIX_MTU },
		{ "quiet", no_argument, NULL, 'q' },
		{ "interface", required_argument, NULL, 'i' },
		{ "list-interfaces", no_argument, NULL, 'D' },
		{ "no-promiscuous-mode", no_argument, NULL, 'p' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "snapshot-length", required_argument, NULL, 's' },
		{ "relinquish-privileges", required_argument, NULL, 'Z' },
		{ "dedup", no_argument, NULL, OPT_DEDUP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	o->argv = argv;
	o->argc = argc;
	o->writer = &report_writer_text;
	o->interval_s = LUCS_DEFAULT_INTERVAL;
	o->answer_wait_us = LUCS_DEFAULT_ANSWER_WAIT_US;
	decode_config_default(&o->decode);
	o->snaplen = LUCS_DEFAULT_SNAPLEN;
	flow_config_defaults(&o->flow);
	o->files = calloc((size_t)argc, sizeof *o->files);
	o->rules = calloc((size_t)argc, sizeof *o->rules);
	o->ipfix_urls = calloc((size_t)argc, sizeof *o->ipfix_urls);
	ipfix_config_defaults(&o->ipfix);
	o->ipfix.urls = o->ipfix_urls;
	if (!o->files || !o->rules || !o->ipfix_urls) {
		complain("out of memory");
		exit(EXIT_TROUBLE);
	}
	opterr = 0;
	for (int at = optind; (c = getopt_long(argc, argv,
					       "+:r:o:F:t:qi:DpB:s:Z:hV",
					       longopts, NULL)) != -1;
	     at = optind) {
		switch (c) {
		case 'r':
			o->files[o->nfiles++] = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'F':
			o->writer = parse_format(optarg);
			break;
		case OPT_HTML:
			if (!*optarg || strcmp(optarg, "-") == 0)
				usage_error("--html: give a file name (the page "
					    "is written beside it, then renamed "
					    "over it)");
			o->html = optarg;
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
		case OPT_NO_BUILTIN_RULES:
			o->no_builtin_rules = true;
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
		case OPT_ANSWER_WAIT:
			o->answer_wait_us = (int64_t)parse_number(
				"--answer-wait", optarg, 0, 86400) * 1000000;
			break;
		case OPT_COVERAGE:
			o->coverage = parse_coverage(optarg);
			break;
		case OPT_SORT:
			o->sort = parse_sort(optarg);
			break;
		case OPT_NO_DECAP:
			o->decode.decap = false;
			break;
		case OPT_VXLAN_PORT:
		case OPT_GENEVE_PORT:
			parse_tunnel_ports(&o->decode, c == OPT_VXLAN_PORT
					   ? TUNNEL_VXLAN : TUNNEL_GENEVE,
					   optarg);
			break;
		case OPT_EXPORT_FIREWALL:
			o->export_firewall = true;
			o->firewall = parse_firewall_format(optarg);
			break;
		case OPT_HOST:
			o->host = optarg;
			break;
		case OPT_WITH_DEBUG:
			o->with_debug = true;
			break;
		case OPT_SUGGEST_RULES:
			o->suggest_rules = optarg;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_IPFIX:
			parse_ipfix_url(o, optarg);
			break;
		case OPT_IPFIX_DOMAIN:
		case OPT_IPFIX_PEN:
		case OPT_IPFIX_REFRESH:
		case OPT_IPFIX_MTU:
			parse_ipfix_option(o, c, optarg);
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
			o->buffer_kib = (unsigned)parse_number("-B", optarg, 1,
							       4 * 1024 * 1024);
			break;
		case 's':
			o->snaplen = (int)parse_number("-s", optarg, 68, 262144);
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_DEDUP:
			o->dedup = true;
			break;
		case 'h':
			usage();
			exit(EXIT_DONE);
		case 'V':
			puts(PACKAGE_STRING);
			exit(EXIT_DONE);
		default:
			option_error(argv[at], c, longopts);
		}
	}
	o->filter = join_words(argv + optind, argc - optind);
	check_mode(o);
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
	free(o->ipfix_urls);
}

/* --check and --list-rules: the compiled catalogue, no capture. */
static int print_rules(const struct options *o, struct rulebook *b)
{
	struct out out;
	int werr = out_open(&out, o->output, false);

	if (!werr) {
		if (o->check)
			check_print(&out, b->cls, b->site);
		if (o->list_rules)
			check_list_rules(&out, b->cls);
		werr = out_close(&out);
	}
	rulebook_free(b);
	if (werr)
		return output_failed(o->output, werr);
	return EXIT_DONE;
}

/* The plan written to -o FILE or standard output; 0 or an errno. */
static int write_plan(const char *output, enum fw_format f,
		      const struct fw_plan *plan)
{
	FILE *fp = output ? fopen(output, "w") : stdout;
	int werr = 0;

	if (!fp)
		return errno;
	if (!firewall_write(fp, f, plan))
		werr = errno ? errno : EIO;
	if ((output ? fclose(fp) : fflush(fp)) != 0 && !werr)
		werr = errno ? errno : EIO;
	return werr;
}

/* --export-firewall: the allow rules of the selected hosts, printed. */
static int export_firewall(const struct options *o, struct rulebook *b)
{
	struct fw_select sel;
	struct fw_plan plan;
	const struct rule *rules;
	size_t nrules;
	char err[512];
	int werr;

	rules = classifier_rules(b->cls, &nrules);
	if (!fw_select_parse(o->host, b->cat, b->site, &sel, err, sizeof err)) {
		complain("%s", err);
		rulebook_free(b);
		return EXIT_TROUBLE;
	}
	if (!firewall_plan(rules, nrules, b->site, &sel, o->with_debug,
			   &plan)) {
		complain("out of memory");
		rulebook_free(b);
		return EXIT_TROUBLE;
	}
	plan.selection = o->host;
	plan.selection_is_role = sel.role >= 0;
	werr = write_plan(o->output, o->firewall, &plan);
	firewall_plan_free(&plan);
	rulebook_free(b);
	return werr ? output_failed(o->output, werr) : EXIT_DONE;
}

/* --baseline FILE, said when its rules are not this run's. */
static bool load_baseline(const char *path, const struct rulebook *book,
			  struct baseline *b)
{
	struct load_error err;
	char why[512];

	if (!baseline_load_file(b, path, &err)) {
		complain("--baseline %s: %s", err.file, err.msg);
		return false;
	}
	if (baseline_rules_differ(b, book, why, sizeof why))
		complain("--baseline %s: other rules than this run's: %s; "
			 "what is new may be new rules, not new traffic",
			 path, why);
	return true;
}

static int run_main(struct options *o)
{
	struct rule_sources src = {
		.rules = o->rules, .nrules = o->nrules, .site = o->site,
		.no_builtin = o->no_builtin_rules,
	};
	struct run_config cfg = {
		.capture = {
			.files = o->files, .nfiles = o->nfiles,
			.filter = o->filter, .iface = o->iface,
			.snaplen = o->snaplen, .promisc = !o->no_promisc,
			.buffer_kib = o->buffer_kib, .decode = &o->decode,
			.dedup = o->dedup,
		},
		.rules = src, .output = o->output, .html = o->html,
		.user = o->user,
		.writer = o->writer, .flow = o->flow,
		.interval_s = o->interval_s, .fail_on = o->fail_on,
		.answer_wait_us = o->answer_wait_us, .coverage = o->coverage,
		.argv = (const char *const *)o->argv, .argc = o->argc,
		.quiet = o->quiet, .sort = o->sort, .ipfix = o->ipfix,
		.suggest_rules = o->suggest_rules,
	};
	struct rulebook book;
	struct baseline baseline;
	char err[1024];
	int status;

	if (o->list_interfaces)
		return list_interfaces();
	if (!rulebook_load(&src, &book, err, sizeof err)) {
		complain("%s", err);
		return EXIT_TROUBLE;
	}
	if (o->check || o->list_rules)
		return print_rules(o, &book);
	if (o->export_firewall)
		return export_firewall(o, &book);
	if (o->baseline && !load_baseline(o->baseline, &book, &baseline)) {
		rulebook_free(&book);
		return EXIT_TROUBLE;
	}
	cfg.baseline = o->baseline ? &baseline : NULL;
	status = run_audit(&cfg, &book);
	if (o->baseline)
		baseline_free(&baseline);
	rulebook_free(&book);
	return status;
}

/* As daemons do: descriptors 0, 1 and 2 open (on /dev/null where they
 * were closed) before anything else is, so that no file lucsaudit opens
 * becomes its standard output or error by accident (a capture on fd 1, a
 * report taking in error messages on fd 2). */
static void open_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;

		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (got != fd)	/* the lowest free descriptor: fd itself */
			exit(EXIT_TROUBLE);
	}
}

int main(int argc, char **argv)
{
	struct options o;
	int status;

	open_standard_fds();
	/* Before anything takes time to load: a signal then is heard. */
	run_install_signals();
	parse_options(argc, argv, &o);
	status = run_main(&o);
	options_free(&o);
	return status;
}
