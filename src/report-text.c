/* report-text.c: aligned columns a person scans in a terminal; colour only
 * when the sink says so (a terminal, and NO_COLOR unset). */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunables.h"

#define W_VERDICT 13
#define W_PROTO 7
#define W_ENDPOINT 22	/* "255.255.255.255:65535" and a space */
#define W_STATE 12
#define W_OUTCOME 13
#define W_COUNT 9
#define W_BYTES 11
#define W_SECONDS 10
#define W_TAGS 10
#define W_LABEL 16

static const char *const verdict_colors[VERDICT_COUNT] = {
	"", "\033[32m", "\033[33m", "\033[1;31m", "\033[2m"
};

static void colored(struct sink *sk, enum verdict v, const char *s, int width)
{
	struct out *o = sk->out;

	if (sk->color && (unsigned)v < VERDICT_COUNT && v != VERDICT_NONE) {
		out_str(o, verdict_colors[v]);
		out_str(o, s);
		out_str(o, "\033[0m");
		out_str_width(o, "", width - (int)strlen(s));
	} else {
		out_str_width(o, s, width);
	}
}

static void endpoint(char *buf, size_t size, const char *addr, bool v6,
		     bool has_port, uint16_t port)
{
	if (!has_port)
		snprintf(buf, size, "%s", addr);
	else if (v6)
		snprintf(buf, size, "[%s]:%u", addr, port);
	else
		snprintf(buf, size, "%s:%u", addr, port);
}

static void text_begin(struct sink *sk)
{
	struct out *o = sk->out;

	out_str_width(o, "verdict", W_VERDICT);
	out_str_width(o, "proto", W_PROTO);
	out_str_width(o, "client", W_ENDPOINT + 1);
	out_str_width(o, "server", W_ENDPOINT + 1);
	out_str_width(o, "state", W_STATE);
	out_str_width(o, "outcome", W_OUTCOME - 1);
	out_str(o, " pkts c>s pkts s>c  bytes c>s  bytes s>c");
	out_str(o, "  first seen (UTC)       seconds  tags       rules\n");
	out_end_record(o);
}

/* Seconds with millisecond precision, right-aligned. */
static void duration(struct out *o, int64_t us)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%.3f", (double)us / 1e6);
	/* at least one space: a flow of decades must not run into its time */
	out_str_width(o, "", W_SECONDS - (int)strlen(buf) > 0
				     ? W_SECONDS - (int)strlen(buf) : 1);
	out_str(o, buf);
}

static void joined(struct out *o, const char *const *s, size_t n, int width)
{
	char buf[512];

	names_join(buf, sizeof buf, s, n, ',');
	out_str_width(o, n ? buf : "-", width);
}

/* Whole seconds are enough here. */
static void seconds_time(struct out *o, int64_t us)
{
	char when[40];
	int64_t sec = us / 1000000 - (us % 1000000 < 0);

	format_date(when, sizeof when, sec);
	out_str(o, when);
	out_char(o, 'Z');
}

/* "  via vxlan 10.30.0.2>10.30.0.100 id 100": the flow came through
 * tunnels, outermost first. */
static void tunnel_note(struct out *o, const struct tunnel_path *t)
{
	char addr[48];

	for (unsigned i = 0; i < t->depth; i++) {
		const struct tunnel_layer *l = &t->layer[i];

		out_str(o, i ? ", " : "  via ");
		out_str(o, tunnel_type_name((enum tunnel_type)l->type));
		out_char(o, ' ');
		format_addr(addr, sizeof addr, l->family, l->src);
		out_str(o, addr);
		out_char(o, '>');
		format_addr(addr, sizeof addr, l->family, l->dst);
		out_str(o, addr);
		if (l->has_id) {
			out_str(o, " id ");
			out_u64(o, l->id);
		}
	}
}

static void text_flow(struct sink *sk, const struct flow_view *v)
{
	struct out *o = sk->out;
	char c[64], s[64];
	bool v6 = v->family == 6;

	endpoint(c, sizeof c, v->client, v6, v->has_ports, v->client_port);
	endpoint(s, sizeof s, v->server, v6, v->has_ports, v->server_port);
	colored(sk, v->verdict_id, v->verdict ? v->verdict : "-", W_VERDICT);
	out_str_width(o, v->proto, W_PROTO);
	out_str_width(o, c, W_ENDPOINT);
	out_str(o, " ");
	out_str_width(o, s, W_ENDPOINT);
	out_char(o, ' ');
	out_str_width(o, v->tcp_state ? v->tcp_state : "-", W_STATE);
	out_str_width(o, v->outcome ? v->outcome : "-", W_OUTCOME - 1);
	out_u64_width(o, v->packets_c2s, W_COUNT);
	out_u64_width(o, v->packets_s2c, W_COUNT);
	out_u64_width(o, v->bytes_c2s, W_BYTES);
	out_u64_width(o, v->bytes_s2c, W_BYTES);
	out_str(o, "  ");
	seconds_time(o, v->first_us);
	duration(o, v->last_us - v->first_us);
	out_str(o, "  ");
	joined(o, v->tags, v->ntags, W_TAGS);
	out_char(o, ' ');
	if (v->reason) {
		out_char(o, '(');
		out_str(o, v->reason);
		if (v->mismatch[0]) {
			out_str(o, ": ");
			out_str(o, v->mismatch);
		}
		out_char(o, ')');
	} else {
		joined(o, v->rules, v->nrules, 0);
	}
	if (v->tunnel)
		tunnel_note(o, v->tunnel);
	out_char(o, '\n');
}

/* "label  flows N  packets N  bytes N" */
static void counts_line(struct sink *sk, const char *label, enum verdict v,
			const struct counts *c)
{
	struct out *o = sk->out;

	out_str(o, "  ");
	colored(sk, v, label, W_LABEL);
	out_u64_width(o, c->flows, 9);
	out_u64_width(o, c->packets, 12);
	out_u64_width(o, c->bytes, 15);
	out_char(o, '\n');
}

static void totals(struct sink *sk, const struct counts *verdicts,
		   const struct counts *tags, const struct catalogue *cat)
{
	struct out *o = sk->out;

	out_str(o, "  ");
	out_str_width(o, "verdict", W_LABEL);
	out_str(o, "    flows     packets          bytes\n");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++)
		counts_line(sk, verdict_name((enum verdict)v), (enum verdict)v,
			    &verdicts[v]);
	for (size_t t = 0; t < cat->ntags; t++) {
		char label[64];

		snprintf(label, sizeof label, "tag %s", cat->tags[t]);
		counts_line(sk, label, VERDICT_NONE, &tags[t]);
	}
}

static void capture_line(struct out *o, const struct capture_stats *c)
{
	if (!c)
		return;
	out_str(o, "  capture: ");
	out_u64(o, c->received);
	out_str(o, " received, ");
	out_u64(o, c->dropped);
	out_str(o, " dropped by the kernel, ");
	out_u64(o, c->if_dropped);
	out_str(o, " by the interface\n");
}

/* "expected 10 flows 1200 pkts 560000 B; unexpected ..." for the
 * non-zero entries only: an interval block stays a few lines. */
static void compact_counts(struct sink *sk, const char *label,
			   const struct counts *c, const char *const *names,
			   size_t n, const enum verdict *colors)
{
	struct out *o = sk->out;
	bool any = false;

	out_str(o, label);
	for (size_t i = 0; i < n; i++) {
		if (!c[i].flows)
			continue;
		out_str(o, any ? "; " : "");
		colored(sk, colors ? colors[i] : VERDICT_NONE, names[i], 0);
		out_char(o, ' ');
		out_u64(o, c[i].flows);
		out_str(o, " flows ");
		out_u64(o, c[i].packets);
		out_str(o, " pkts ");
		out_u64(o, c[i].bytes);
		out_str(o, " B");
		any = true;
	}
	out_str(o, any ? "\n" : "none\n");
}

static void text_interval(struct sink *sk, const struct interval_view *v)
{
	struct out *o = sk->out;
	const char *names[VERDICT_COUNT];
	enum verdict ids[VERDICT_COUNT];

	for (int i = 0; i < VERDICT_COUNT; i++) {
		names[i] = verdict_name((enum verdict)i);
		ids[i] = (enum verdict)i;
	}
	out_str(o, "\n-- interval ");
	seconds_time(o, v->start_us);
	out_str(o, " .. ");
	seconds_time(o, v->end_us);
	if (v->partial)
		out_str(o, " (partial)");
	out_str(o, ": ");
	out_u64(o, v->packets);
	out_str(o, " packets, ");
	out_u64(o, v->bytes);
	out_str(o, " bytes, ");
	out_u64(o, v->flows_active);
	out_str(o, " flows (");
	out_u64(o, v->flows_new);
	out_str(o, " new)\n");
	compact_counts(sk, "  verdicts: ", v->verdicts, names, VERDICT_COUNT, ids);
	compact_counts(sk, "  tags:     ", v->tags,
		       (const char *const *)v->cat->tags, v->cat->ntags, NULL);
	capture_line(o, v->capture);
	if (v->clock_step_us) {
		char step[64];

		snprintf(step, sizeof step, "%s by %.3f s",
			 v->clock_step_us > 0 ? "forward" : "back",
			 (double)(v->clock_step_us > 0 ? v->clock_step_us
						       : -v->clock_step_us) / 1e6);
		out_str(o, "  clock: the wall clock stepped ");
		out_str(o, step);
		out_str(o, "; the next interval starts from the new time\n");
	}
	for (size_t i = 0; i < v->nnew; i++) {
		const struct flow_view *f = &v->new_unexpected[i];
		char c[64], s[64];

		endpoint(c, sizeof c, f->client, f->family == 6, false, 0);
		endpoint(s, sizeof s, f->server, f->family == 6, f->has_ports,
			 f->server_port);
		out_str(o, i ? "                  " : "  new unexpected: ");
		out_str_width(o, f->proto, W_PROTO);
		out_str(o, c);
		out_str(o, " -> ");
		out_str(o, s);
		if (f->reason) {
			out_str(o, " (");
			out_str(o, f->reason);
			out_char(o, ')');
		}
		out_char(o, '\n');
	}
	if (v->new_unexpected_more) {
		out_str(o, "                  and ");
		out_u64(o, v->new_unexpected_more);
		out_str(o, " more\n");
	}
}

static void line_u64(struct out *o, const char *label, uint64_t v)
{
	out_str(o, "  ");
	out_str_width(o, label, 28);
	out_u64_width(o, v, 12);
	out_char(o, '\n');
}

/* The tunnels opened and the encapsulations only named, by type. */
static void tunnel_lines(struct out *o, const struct frame_counts *a)
{
	for (int t = TUNNEL_NONE + 1; t < TUNNEL_TYPE_COUNT; t++) {
		char label[40];

		if (!a->tunnels[t])
			continue;
		snprintf(label, sizeof label, "tunnel %s opened",
			 tunnel_type_name((enum tunnel_type)t));
		line_u64(o, label, a->tunnels[t]);
	}
	for (int u = UNOPENED_NONE + 1; u < UNOPENED_COUNT; u++) {
		char label[40];

		if (!a->unopened[u])
			continue;
		snprintf(label, sizeof label, "%s not opened",
			 tunnel_unopened_name((enum tunnel_unopened)u));
		line_u64(o, label, a->unopened[u]);
	}
	if (a->tunnel_paths_merged)
		line_u64(o, "tunnel paths merged", a->tunnel_paths_merged);
}

static void outcome_lines(struct out *o, const struct summary_view *s)
{
	const struct frame_counts *a = s->frames;

	tunnel_lines(o, a);
	line_u64(o, "ICMP errors on flows", a->icmp_matched);
	line_u64(o, "  quoting no known flow", a->icmp_unmatched);
	if (a->icmp_quote_damaged)
		line_u64(o, "  quote damaged", a->icmp_quote_damaged);
	out_str(o, "  ");
	out_str_width(o, "flows by outcome", 28);
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		out_str(o, i ? ", " : "");
		out_u64(o, s->tally->outcomes[i]);
		out_char(o, ' ');
		out_str(o, flow_outcome_name((enum flow_outcome)i));
	}
	out_char(o, '\n');
	line_u64(o, "documented, undetermined", s->tally->undetermined);
}

/* --ipfix: what reached the collectors, summed over them. */
static void ipfix_lines(struct out *o, const struct ipfix_stats *x)
{
	if (!x)
		return;
	line_u64(o, "IPFIX records sent", x->records_sent);
	line_u64(o, "IPFIX records dropped", x->records_dropped);
	line_u64(o, "IPFIX reconnects", x->reconnects);
	line_u64(o, "IPFIX send errors", x->send_errors);
}

static void overview(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	const struct frame_counts *a = s->frames;

	if (a->timed) {
		out_str(o, "  ");
		out_str_width(o, "packet time", 28);
		out_time(o, &sk->times, a->first_us);
		out_str(o, " .. ");
		out_time(o, &sk->times, a->last_us);
		out_char(o, '\n');
	}
	line_u64(o, "packets read", a->packets_read);
	line_u64(o, "bytes read", a->bytes_read);
	line_u64(o, "packets in flows", s->packets);
	line_u64(o, "IP bytes in flows", s->bytes);
	line_u64(o, "flows", s->flows->created);
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		char label[40];

		snprintf(label, sizeof label, "  ended %s",
			 flow_end_name((enum flow_end)e));
		line_u64(o, label, s->flows->ended[e]);
	}
	if (s->partial)
		line_u64(o, "  still active", s->flows->active);
	line_u64(o, "not decoded", s->decode_errors);
	for (int i = 1; i < DECODE_STATUS_COUNT; i++) {
		char label[40];

		if (!a->decode[i])
			continue;
		snprintf(label, sizeof label, "  %s",
			 decode_status_name((enum decode_status)i));
		line_u64(o, label, a->decode[i]);
	}
	outcome_lines(o, s);
	capture_line(o, s->capture);
	for (size_t i = 0; i < s->ninputs; i++) {
		out_str(o, "  input ");
		out_str(o, s->inputs[i].name);
		out_str(o, ": ");
		out_u64(o, s->inputs[i].packets);
		out_str(o, " packets");
		if (s->inputs[i].error) {
			out_str(o, " (");
			out_str(o, s->inputs[i].error);
			out_char(o, ')');
		}
		out_char(o, '\n');
	}
	ipfix_lines(o, s->ipfix);
}

static void group_line(struct out *o, const struct group *g)
{
	char addr[48], ep[64], pbuf[4], where[80];
	bool estimate;
	uint64_t clients = client_count_value(&g->clients, &estimate);
	const char *proto = proto_text(g->proto, pbuf);

	format_addr(addr, sizeof addr, g->family, g->server);
	if (g->proto == IPPROTO_NUM_TCP || g->proto == IPPROTO_NUM_UDP)
		endpoint(ep, sizeof ep, addr, g->family == 6, true, g->port);
	else
		snprintf(ep, sizeof ep, "%s", addr);
	snprintf(where, sizeof where, "%s/%s", ep, proto);
	out_str(o, "  ");
	out_str_width(o, where, 32);
	out_u64_width(o, g->c.flows, 7);
	out_str(o, estimate ? "  ~" : "   ");
	out_u64_width(o, clients, 6);
	out_u64_width(o, g->c.packets, 10);
	out_u64_width(o, g->c.bytes, 13);
}

static void reasons(struct out *o, uint32_t mask)
{
	const char *names[REASON_COUNT];
	size_t n = 0;
	char buf[128];

	for (int r = 1; r < REASON_COUNT; r++)
		if (mask & (1u << r))
			names[n++] = reason_name((enum reason)r);
	names_join(buf, sizeof buf, names, n, ' ');
	out_str(o, buf);
}

/* The outcome, then on a line of its own what it likely means, who said
 * so, and the rules that document the connection. */
static void failed_lines(struct out *o, const struct group *g, bool versions)
{
	enum flow_outcome oc = (enum flow_outcome)g->outcome;
	char addr[48];

	out_str(o, "  ");
	out_str(o, flow_outcome_name(oc));
	out_str(o, "\n      likely: ");
	out_str(o, failure_cause(oc, g->proto, g->nreporters > 0, true));
	for (uint8_t i = 0; i < g->nreporters; i++) {
		format_addr(addr, sizeof addr, g->family, g->reporters[i]);
		out_str(o, i ? ", " : "; ICMP from ");
		out_str(o, addr);
		if (memcmp(g->reporters[i], g->server, sizeof g->server) == 0)
			out_str(o, " (the server)");
	}
	if (g->more_reporters)
		out_str(o, " and more");
	out_str(o, "\n      rules: ");
	out_str(o, g->rules);
	if (versions) {
		out_str(o, " (rules version ");
		out_u64(o, g->version);
		out_char(o, ')');
	}
	out_char(o, '\n');
}

/* Who an unexpected or debug group's clients are: their roles (site
 * mode) and the heaviest of them. */
static void clients_line(struct out *o, const struct summary_view *s,
			 const struct group *g)
{
	struct top_client top[GROUP_TOP_CLIENTS];
	size_t n = group_top_clients(g, top);
	char addr[48];

	out_str(o, "      clients:");
	if (classifier_has_site(s->cls)) {
		const char *names[CAT_MAX_ROLES];
		size_t nr = role_names(classifier_catalogue(s->cls),
				       g->client_roles, names);
		char buf[512];

		names_join(buf, sizeof buf, names, nr, ',');
		out_str(o, " roles ");
		out_str(o, nr ? buf : "none listed");
		out_char(o, ';');
	}
	out_str(o, " top");
	for (size_t i = 0; i < n; i++) {
		format_addr(addr, sizeof addr, g->family, top[i].addr);
		out_str(o, i ? ", " : " ");
		out_str(o, addr);
		out_str(o, " (");
		out_u64(o, top[i].flows);
		out_char(o, ')');
	}
	out_char(o, '\n');
}

static void group_section(struct out *o, const struct summary_view *s,
			  enum group_kind kind, const char *title)
{
	size_t n;
	const struct group *const *g = tally_sorted(s->tally, kind, &n);
	const struct counts *other = &s->tally->kinds[kind].other;

	out_str(o, "\n");
	out_str(o, title);
	if (n == 0) {
		out_str(o, ": none\n");
		return;
	}
	out_str(o, "\n  server:port/proto                  flows  clients   packets        bytes");
	out_str(o, kind == GROUP_FAILED ? "  outcome\n"
		   : kind == GROUP_UNEXPECTED ? "  reason\n" : "\n");
	for (size_t i = 0; g && i < n && i < LUCS_TEXT_GROUPS; i++) {
		group_line(o, g[i]);
		if (kind == GROUP_FAILED) {
			failed_lines(o, g[i], s->tally->version != 0);
			continue;
		} else if (kind == GROUP_UNEXPECTED) {
			out_str(o, "  ");
			reasons(o, g[i]->reasons);
		}
		out_char(o, '\n');
		clients_line(o, s, g[i]);
	}
	if (n > LUCS_TEXT_GROUPS) {
		out_str(o, "  ... and ");
		out_u64(o, n - LUCS_TEXT_GROUPS);
		out_str(o, " more (see -F json)\n");
	}
	if (other->flows) {
		out_str(o, "  and ");
		out_u64(o, other->flows);
		out_str(o, " flows beyond the group limit\n");
	}
}

static void coverage_line(struct out *o, const struct rule *r,
			  const struct rule_counts *rc,
			  enum coverage_status status)
{
	char pair[80], ports[128];
	const struct counts *c = &rc->c;

	snprintf(pair, sizeof pair, "%s -> %s", r->from_name, r->to_name);
	out_str(o, "  ");
	out_str_width(o, r->id, 25);
	out_char(o, ' ');
	out_str_width(o, pair, 36);
	if (c->flows) {
		out_u64_width(o, c->flows, 9);
		out_u64_width(o, rc->succeeded, 10);
		out_u64_width(o, rc->failed, 8);
		out_u64_width(o, c->packets, 12);
		out_u64_width(o, c->bytes, 15);
	} else {
		ports_format(r->ports, r->nports, ports, sizeof ports);
		out_str(o, "  ");
		out_str(o, status == COVERAGE_NOT_APPLICABLE ? "not applicable"
							     : "not seen");
		out_str(o, " (");
		out_str(o, r->l4 == PROTO_UDP ? "udp " : r->l4 == PROTO_TCP ? "tcp "
			   : r->l4 ? "tcp/udp " : "");
		out_str(o, r->nports ? ports : "no ports");
		out_char(o, ')');
	}
	out_char(o, '\n');
}

static void summed_line(struct out *o, size_t n, const char *what)
{
	if (!n)
		return;
	out_str(o, "  and ");
	out_u64(o, n);
	out_char(o, ' ');
	out_str(o, what);
	out_char(o, '\n');
}

/* Rules not seen that --coverage missing sums up in a line each. */
enum unseen_kind { UNSEEN_LISTED, UNSEEN_TWIN, UNSEEN_DEBUG, UNSEEN_NA,
		   UNSEEN_KIND_COUNT };

static enum unseen_kind unseen_kind(const struct rule *r,
				    enum coverage_status st)
{
	if (st == COVERAGE_NOT_APPLICABLE)
		return UNSEEN_NA;
	if (r->debug)
		return UNSEEN_DEBUG;
	return r->twin_of >= 0 ? UNSEEN_TWIN : UNSEEN_LISTED;
}

static const char *const coverage_titles[COVERAGE_STATUS_COUNT] = {
	"documented flows that succeeded",
	"documented flows that failed, never succeeding",
	"documented flows seen, outcome undetermined",
	"documented flows not seen",
	"documented flows not applicable (a role has no host in the site)",
};

static void coverage_status_section(struct out *o, const struct summary_view *s,
				    enum coverage_status want)
{
	size_t n, listed = 0, summed[UNSEEN_KIND_COUNT] = { 0 };
	const struct rule *rules = classifier_rules(s->cls, &n);
	bool all = s->coverage == COVERAGE_ALL;

	if (want == COVERAGE_NOT_APPLICABLE && !all)
		return;	/* summed up with the rules not seen */
	out_str(o, "\ncoverage: ");
	out_str(o, coverage_titles[want]);
	out_char(o, '\n');
	for (size_t i = 0; i < n; i++) {
		const struct rule_counts *rc = &s->tally->per_rule[i];
		enum coverage_status st = coverage_status(s->cls, i, rc);
		enum unseen_kind k = UNSEEN_LISTED;

		if (want == COVERAGE_NOT_SEEN && st == COVERAGE_NOT_APPLICABLE)
			k = UNSEEN_NA;
		else if (st != want)
			continue;
		else if (want == COVERAGE_NOT_SEEN)
			k = unseen_kind(&rules[i], st);
		if (!all && k != UNSEEN_LISTED) {
			summed[k]++;
			continue;
		}
		if (all && k == UNSEEN_NA)
			continue;	/* listed in a section of their own */
		if (!listed++ && want < COVERAGE_NOT_SEEN)
			out_str(o, "  rule                      from -> to                             flows succeeded  failed     packets          bytes\n");
		coverage_line(o, &rules[i], rc, st);
	}
	if (!listed && !summed[UNSEEN_TWIN] && !summed[UNSEEN_DEBUG] &&
	    !summed[UNSEEN_NA])
		out_str(o, want == COVERAGE_NOT_SEEN
				   ? "  none: every documented flow was seen\n"
				   : "  none\n");
	summed_line(o, summed[UNSEEN_TWIN], "TM twins (LUCS ports +2000) not seen");
	summed_line(o, summed[UNSEEN_DEBUG], "debug rules (troubleshooting only) not seen");
	summed_line(o, summed[UNSEEN_NA],
		    "rules not applicable: a role has no host in the site");
}

/* Succeeded, failed-only, undetermined and unseen rules apart: "which
 * documented flow never happened?" is the last list, and a blocked
 * attempt is never in the first. */
static void coverage(struct out *o, const struct summary_view *s)
{
	if (s->coverage == COVERAGE_NONE)
		return;
	for (int st = 0; st < COVERAGE_STATUS_COUNT; st++)
		coverage_status_section(o, s, (enum coverage_status)st);
	if (s->coverage != COVERAGE_ALL)
		out_str(o, "  (--coverage all lists every rule)\n");
}

/* --- provenance and roles ------------------------------------------------ */

static void label(struct out *o, const char *name)
{
	out_str(o, "  ");
	out_str_width(o, name, 28);
}

static void source_line(struct out *o, const char *what,
			const struct rule_source_info *i)
{
	label(o, what);
	out_str(o, i->file);
	out_str(o, " (sha256 ");
	out_str(o, i->sha256);
	out_str(o, ")\n");
}

static void text_sources(struct out *o, const struct rulebook *b)
{
	for (size_t i = 0; i < b->nsources; i++)
		source_line(o, "rules", &b->sources[i]);
	if (b->has_site_info)
		source_line(o, "site", &b->site_info);
	else {
		label(o, "site");
		out_str(o, "none\n");
	}
}

/* What the report was made from: the header of the summary. */
static void provenance(struct out *o, const struct summary_view *s)
{
	const struct run_info *ri = s->run;

	label(o, "lucsaudit");
	out_str(o, ri->version);
	out_char(o, '\n');
	label(o, "mode");
	if (classifier_has_site(s->cls)) {
		out_str(o, "site: verdicts by the hosts' roles and ports\n");
	} else {
		size_t tcp, udp;

		classifier_documented_ports(s->cls, &tcp, &udp);
		out_str(o, "port only: verdicts rest on ports alone (");
		out_u64(o, tcp);
		out_str(o, " TCP and ");
		out_u64(o, udp);
		out_str(o, " UDP ports documented); --site judges by roles\n");
	}
	if (ri->book)
		text_sources(o, ri->book);
	label(o, "filter");
	out_str(o, ri->filter ? ri->filter : "none");
	out_char(o, '\n');
	for (size_t i = 0; i < ri->ninputs; i++) {
		label(o, "input");
		out_str(o, ri->inputs[i].name);
		if (ri->inputs[i].size >= 0) {
			out_str(o, ", ");
			out_u64(o, (uint64_t)ri->inputs[i].size);
			out_str(o, " bytes");
		}
		out_char(o, '\n');
	}
	label(o, "command");
	out_str(o, ri->program);
	for (int i = 0; i < ri->nargs; i++) {
		out_char(o, ' ');
		out_str(o, ri->args[i]);
	}
	out_char(o, '\n');
}

/* Each role the site lists hosts for: them, how many of its addresses
 * were seen, and the listed hosts never seen (a typo, a host down). */
static void roles_section(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);
	char buf[1024];

	out_str(o, "\nroles in the site: addresses seen; hosts listed but never seen\n");
	for (size_t r = 0; r < cat->nroles; r++) {
		uint64_t seen = role_tally_hosts(&s->tally->roles, s->cls, r);

		out_str(o, "  ");
		out_str_width(o, cat->roles[r], 22);
		out_char(o, ' ');
		if (!role_prefixes_text(s, r, false, ", ", LUCS_TEXT_LISTED,
					buf, sizeof buf)) {
			out_str(o, "(none listed)\n");
			continue;
		}
		out_str(o, buf);
		out_str(o, "\n    seen: ");
		out_u64(o, seen);
		out_str(o, seen == 1 ? " address" : " addresses");
		out_str(o, "; never seen: ");
		out_str(o, role_prefixes_text(s, r, true, ", ", LUCS_TEXT_LISTED,
					      buf, sizeof buf) ? buf : "none");
		out_char(o, '\n');
	}
}

/* "Who talks to whom": flows between client and server roles. */
static void role_pairs_section(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);
	size_t n;
	const struct role_pair *const *p = role_tally_sorted(&s->tally->roles,
							     &n);

	out_str(o, "\nwho talks to whom (client role -> server role)");
	if (!n) {
		out_str(o, ": none\n");
		return;
	}
	out_str(o, "\n  from -> to                                   flows     packets          bytes  expected  debug  unexpected  out_of_scope\n");
	for (size_t i = 0; i < n && i < LUCS_TEXT_GROUPS; i++) {
		char pair[128];

		snprintf(pair, sizeof pair, "%s -> %s",
			 p[i]->from < cat->nroles ? cat->roles[p[i]->from]
						  : "(no role)",
			 p[i]->to < cat->nroles ? cat->roles[p[i]->to]
						: "(no role)");
		out_str(o, "  ");
		out_str_width(o, pair, 42);
		out_u64_width(o, p[i]->c.flows, 9);
		out_u64_width(o, p[i]->c.packets, 12);
		out_u64_width(o, p[i]->c.bytes, 15);
		out_u64_width(o, p[i]->verdicts[VERDICT_EXPECTED], 10);
		out_u64_width(o, p[i]->verdicts[VERDICT_DEBUG], 7);
		out_u64_width(o, p[i]->verdicts[VERDICT_UNEXPECTED], 12);
		out_u64_width(o, p[i]->verdicts[VERDICT_OUT_OF_SCOPE], 14);
		out_char(o, '\n');
	}
	if (n > LUCS_TEXT_GROUPS) {
		out_str(o, "  ... and ");
		out_u64(o, n - LUCS_TEXT_GROUPS);
		out_str(o, " more (see -F json)\n");
	}
}

static void text_summary(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;

	out_str(o, s->partial ? "\nsummary so far\n" : "\nsummary\n");
	if (s->run)
		provenance(o, s);
	overview(sk, s);
	out_char(o, '\n');
	totals(sk, s->verdicts, s->tags, classifier_catalogue(s->cls));
	if (classifier_has_site(s->cls)) {
		roles_section(o, s);
		role_pairs_section(o, s);
	}
	group_section(o, s, GROUP_FAILED, "failed documented connections");
	group_section(o, s, GROUP_UNEXPECTED, "unexpected flows by server (largest first)");
	group_section(o, s, GROUP_DEBUG, "debug-port flows");
	coverage(o, s);
}

const struct report_writer report_writer_text = {
	.name = "text",
	.begin = text_begin,
	.flow = text_flow,
	.interval = text_interval,
	.summary = text_summary,
};
