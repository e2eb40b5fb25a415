/* ipfix-send.c: drives src/ipfix.c for tests/ipfix-collectors.sh until
 * lucsaudit's --ipfix options are wired: exports a fixed list of flows
 * (IPv4 and IPv6, TCP, UDP, ICMP with a VLAN, strings past 255 bytes) to
 * the collectors named on the command line, then prints each flow sent as
 * a JSON line on standard output.
 *
 *   ipfix-send [-d DOMAIN] [-P PEN] [-r REFRESH_S] [-m MTU]
 *              [-n ROUNDS] [-g GAP_MS] URL...
 *
 * Each of ROUNDS rounds (default 1) exports the whole list, GAP_MS apart
 * (default 0), with the last byte of every source address raised by the
 * round's number so that each record is unique; ipfix_tick runs every
 * 50 ms meanwhile.  Warnings go to standard error as they come, and at the
 * end one line per collector:
 *   "stats URL sent N dropped N cut N reconnects N send_errors N"
 * Exit status: 0, or 1 when ipfix_close reported records dropped at the
 * end, 2 for usage or ipfix_open errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipfix.h"
#include "fmt.h"

#define TICK_MS 50

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* 30 rule ids of 9 characters and commas: 299 bytes. */
static char long_rules[300];
/* A reason of 260 bytes: past the one-byte length prefix. */
static char long_reason[261];

static struct ipfix_flow flows[] = {
	{ .family = 4, .proto = 6, .src = { 10, 20, 1, 102 },
	  .dst = { 10, 10, 0, 12 }, .sport = 50903, .dport = 4443,
	  .packets = 10, .bytes = 1342, .rev_packets = 5, .rev_bytes = 1832,
	  .tcp_flags = 0x1b, .rev_tcp_flags = 0x1a,
	  .end_reason = IPFIX_END_IDLE, .verdict = "expected", .reason = "",
	  .rules = "agent-webconfig-02", .tags = "LUCS",
	  .outcome = "succeeded", .client_roles = "agent",
	  .server_roles = "lucs" },
	{ .family = 4, .proto = 17, .src = { 10, 10, 0, 11 },
	  .dst = { 10, 10, 0, 5 }, .sport = 50123, .dport = 53,
	  .packets = 1, .bytes = 64, .rev_packets = 1, .rev_bytes = 80,
	  .end_reason = IPFIX_END_FORCED, .has_vlan = true, .vlan = 20,
	  .verdict = "unexpected", .reason = "undocumented_port",
	  .rules = "", .tags = "", .outcome = "answered",
	  .client_roles = "lucs", .server_roles = "" },
	{ .family = 6, .proto = 6,
	  .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 },
	  .dst = { 0x20, 0x01, 0x0d, 0xb8, [14] = 1, [15] = 0x20 },
	  .sport = 49152, .dport = 5061, .packets = 3, .bytes = 180,
	  .rev_packets = 0, .rev_bytes = 0, .tcp_flags = 0x02,
	  .end_reason = IPFIX_END_RESOURCES, .verdict = "expected",
	  .reason = "", .rules = long_rules, .tags = "SfB,LUCS",
	  .outcome = "unanswered", .client_roles = "sfb-fe",
	  .server_roles = "sfb-edge,sfb-fe" },
	{ .family = 4, .proto = 1, .src = { 10, 10, 0, 11 },
	  .dst = { 10, 10, 0, 20 }, .packets = 4, .bytes = 240,
	  .rev_packets = 4, .rev_bytes = 240, .end_reason = IPFIX_END_IDLE,
	  .has_icmp = true, .icmp_type_code = 8 << 8, .has_vlan = true,
	  .vlan = 4094, .verdict = "unexpected", .reason = long_reason,
	  .rules = "", .tags = "", .outcome = "answered", .client_roles = "",
	  .server_roles = "" },
	{ .family = 6, .proto = 58,
	  .src = { 0xfd, 0x00, [15] = 0x01 }, .dst = { 0xfd, 0x00, [15] = 2 },
	  .packets = 2, .bytes = 208, .rev_packets = 0, .rev_bytes = 0,
	  .end_reason = IPFIX_END_OF_FLOW, .has_icmp = true,
	  .icmp_type_code = 128 << 8, .verdict = "out_of_scope",
	  .reason = "", .rules = "", .tags = "", .outcome = "unanswered",
	  .client_roles = "", .server_roles = "" },
	{ .family = 4, .proto = 6, .src = { 10, 20, 1, 107 },
	  .dst = { 10, 10, 0, 11 }, .sport = 50960, .dport = 3389,
	  .packets = 3, .bytes = 156, .rev_packets = 1, .rev_bytes = 40,
	  .tcp_flags = 0x02, .rev_tcp_flags = 0x14,
	  .end_reason = IPFIX_END_IDLE, .verdict = "unexpected",
	  .reason = "undocumented_port", .rules = "", .tags = "",
	  .outcome = "refused", .client_roles = "agent",
	  .server_roles = "lucs" },
};
#define NFLOWS (sizeof flows / sizeof flows[0])

static void put_json_str(const char *key, const char *s)
{
	printf(",\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void print_flow(const struct ipfix_flow *f, unsigned round)
{
	char a[64];

	format_addr(a, sizeof a, f->family, f->src);
	printf("{\"round\":%u,\"family\":%u,\"proto\":%u,\"src\":\"%s\"",
	       round, f->family, f->proto, a);
	format_addr(a, sizeof a, f->family, f->dst);
	printf(",\"dst\":\"%s\",\"sport\":%u,\"dport\":%u", a, f->sport,
	       f->dport);
	printf(",\"start_ms\":%" PRId64 ",\"end_ms\":%" PRId64, f->start_ms,
	       f->end_ms);
	printf(",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"rev_packets\":%" PRIu64 ",\"rev_bytes\":%" PRIu64,
	       f->packets, f->bytes, f->rev_packets, f->rev_bytes);
	printf(",\"tcp_flags\":%u,\"rev_tcp_flags\":%u,\"end_reason\":%u",
	       f->tcp_flags, f->rev_tcp_flags, f->end_reason);
	printf(",\"icmp_type_code\":%u,\"vlan\":%u",
	       f->has_icmp ? f->icmp_type_code : 0,
	       f->has_vlan ? f->vlan : 0);
	put_json_str("verdict", f->verdict);
	put_json_str("reason", f->reason);
	put_json_str("rules", f->rules);
	put_json_str("tags", f->tags);
	put_json_str("outcome", f->outcome);
	put_json_str("client_roles", f->client_roles);
	put_json_str("server_roles", f->server_roles);
	puts("}");
}

static void warnings(struct ipfix_exporter *x)
{
	char w[512];

	while (ipfix_warning(x, w, sizeof w))
		fprintf(stderr, "ipfix-send: warning: %s\n", w);
}

/* Wait until `until`, ticking the exporter. */
static void tick_until(struct ipfix_exporter *x, int64_t until)
{
	for (int64_t now = ipfix_clock_ms(); now < until; now = ipfix_clock_ms()) {
		sleep_ms(until - now < TICK_MS ? until - now : TICK_MS);
		ipfix_tick(x, ipfix_clock_ms());
		warnings(x);
	}
}

static void usage(void)
{
	fputs("usage: ipfix-send [-d DOMAIN] [-P PEN] [-r REFRESH_S] "
	      "[-m MTU] [-n ROUNDS] [-g GAP_MS] URL...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct ipfix_config cf;
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	char err[512];
	unsigned rounds = 1, gap_ms = 0;
	int opt, rc;

	ipfix_config_defaults(&cf);
	while ((opt = getopt(argc, argv, "d:P:r:m:n:g:")) != -1) {
		unsigned long v = strtoul(optarg, NULL, 10);

		switch (opt) {
		case 'd': cf.domain = (uint32_t)v; break;
		case 'P': cf.pen = (uint32_t)v; break;
		case 'r': cf.template_refresh_s = (unsigned)v; break;
		case 'm': cf.mtu = (unsigned)v; break;
		case 'n': rounds = (unsigned)v; break;
		case 'g': gap_ms = (unsigned)v; break;
		default: usage();
		}
	}
	if (optind >= argc || rounds == 0 || rounds > 100)
		usage();
	cf.urls = (const char *const *)argv + optind;
	cf.nurls = (size_t)(argc - optind);
	for (size_t i = 0, n = 0; i < 30; i++)
		n += (size_t)snprintf(long_rules + n, sizeof long_rules - n,
				      "%srule-%04zu", i ? "," : "", i);
	memset(long_reason, 'r', sizeof long_reason - 1);

	x = ipfix_open(&cf, ipfix_clock_ms(), err, sizeof err);
	if (!x) {
		fprintf(stderr, "ipfix-send: %s\n", err);
		return 2;
	}
	warnings(x);
	for (unsigned r = 0; r < rounds; r++) {
		int64_t now = ipfix_clock_ms();

		for (size_t i = 0; i < NFLOWS; i++) {
			struct ipfix_flow f = flows[i];

			f.src[f.family == 4 ? 3 : 15] += (uint8_t)r;
			f.start_ms = now - 5000 + (int64_t)i;
			f.end_ms = now - 1000;
			ipfix_export(x, &f, now);
			print_flow(&f, r);
		}
		warnings(x);
		if (r + 1 < rounds)
			tick_until(x, now + gap_ms);
	}
	ipfix_tick(x, ipfix_clock_ms());
	warnings(x);
	for (size_t i = 0; i < ipfix_collectors(x); i++) {
		ipfix_collector_stats(x, i, &st);
		fprintf(stderr, "stats-before-close %s sent %" PRIu64
			" dropped %" PRIu64 "\n", ipfix_collector_url(x, i),
			st.records_sent, st.records_dropped);
	}
	rc = ipfix_close(x, ipfix_clock_ms(), &st);
	fprintf(stderr, "stats all sent %" PRIu64 " dropped %" PRIu64
		" cut %" PRIu64 " reconnects %" PRIu64 " send_errors %" PRIu64
		"\n", st.records_sent, st.records_dropped, st.records_cut,
		st.reconnects, st.send_errors);
	return rc == 0 ? 0 : 1;
}
