/* report-json.c: one JSON object per line (JSON Lines), field names as
 * documented in lucsaudit(1) and kept stable. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "decode.h"

/* Member names are literals of this file or catalogue names validated as
 * words (tags): none needs escaping. */
static void first_key(struct out *o, const char *name)
{
	out_char(o, '"');
	out_str(o, name);
	out_write(o, "\":", 2);
}

static void key(struct out *o, const char *name)
{
	out_char(o, ',');
	first_key(o, name);
}

/* A value lucsaudit wrote or validated itself (an address, an enum name,
 * a rule id, a tag): quoted as it is. */
static void word(struct out *o, const char *s)
{
	out_char(o, '"');
	out_str(o, s);
	out_char(o, '"');
}

static void field_word(struct out *o, const char *name, const char *v)
{
	key(o, name);
	word(o, v);
}

static void field_u64(struct out *o, const char *name, uint64_t v)
{
	key(o, name);
	out_u64(o, v);
}

static void field_str(struct out *o, const char *name, const char *v)
{
	key(o, name);
	out_json_str(o, v);
}

static void field_bool(struct out *o, const char *name, bool v)
{
	key(o, name);
	out_str(o, v ? "true" : "false");
}

static void field_time(struct out *o, const char *name, int64_t us)
{
	key(o, name);
	out_char(o, '"');
	out_time(o, us);
	out_char(o, '"');
}

static void string_array(struct out *o, const char *const *s, size_t n)
{
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			out_char(o, ',');
		word(o, s[i]);
	}
	out_char(o, ']');
}

static void counts_object(struct out *o, const struct counts *c)
{
	out_str(o, "{\"flows\":");
	out_u64(o, c->flows);
	field_u64(o, "packets", c->packets);
	field_u64(o, "bytes", c->bytes);
	out_char(o, '}');
}

static void proto_field(struct out *o, const char *proto,
			const char *number_buf, uint8_t num)
{
	if (proto == number_buf)
		field_u64(o, "proto", num);
	else
		field_word(o, "proto", proto);
}

/* The members a flow record and an interval's new-flow entry share. */
static void flow_members(struct out *o, const struct flow_view *v)
{
	proto_field(o, v->proto, v->proto_number, v->proto_num);
	field_word(o, "client", v->client);
	if (v->has_ports)
		field_u64(o, "client_port", v->client_port);
	field_word(o, "server", v->server);
	if (v->has_ports)
		field_u64(o, "server_port", v->server_port);
}

static void classification(struct out *o, const struct flow_view *v)
{
	if (!v->verdict)
		return;
	field_word(o, "verdict", v->verdict);
	key(o, "tags");
	string_array(o, v->tags, v->ntags);
	key(o, "rules");
	string_array(o, v->rules, v->nrules);
	if (v->reason)
		field_word(o, "reason", v->reason);
}

static void json_flow(struct out *o, const struct flow_view *v)
{
	out_str(o, "{\"type\":\"flow\"");
	flow_members(o, v);
	field_u64(o, "packets_c2s", v->packets_c2s);
	field_u64(o, "packets_s2c", v->packets_s2c);
	field_u64(o, "bytes_c2s", v->bytes_c2s);
	field_u64(o, "bytes_s2c", v->bytes_s2c);
	field_time(o, "first_seen", v->first_us);
	field_time(o, "last_seen", v->last_us);
	if (v->tcp_state)
		field_word(o, "tcp_state", v->tcp_state);
	if (v->history[0])
		field_word(o, "history", v->history);
	if (v->end)
		field_word(o, "end", v->end);
	classification(o, v);
	out_str(o, "}\n");
}

static void verdict_and_tag_totals(struct out *o, const struct counts *verdicts,
				   const struct counts *tags,
				   const struct catalogue *cat)
{
	key(o, "verdicts");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++) {
		out_char(o, v == VERDICT_EXPECTED ? '{' : ',');
		first_key(o, verdict_name((enum verdict)v));
		counts_object(o, &verdicts[v]);
	}
	out_char(o, '}');
	key(o, "tags");
	out_char(o, '{');
	for (size_t t = 0; t < cat->ntags; t++) {
		if (t)
			out_char(o, ',');
		first_key(o, cat->tags[t]);
		counts_object(o, &tags[t]);
	}
	out_char(o, '}');
}

static void capture_members(struct out *o, const struct capture_stats *c)
{
	if (!c)
		return;
	field_u64(o, "received", c->received);
	field_u64(o, "dropped", c->dropped);
	field_u64(o, "if_dropped", c->if_dropped);
}

static void json_interval(struct out *o, const struct interval_view *v)
{
	out_str(o, "{\"type\":\"interval\"");
	field_time(o, "start", v->start_us);
	field_time(o, "end", v->end_us);
	if (v->partial)
		field_bool(o, "partial", true);
	field_u64(o, "packets", v->packets);
	field_u64(o, "bytes", v->bytes);
	field_u64(o, "flows_active", v->flows_active);
	field_u64(o, "flows_new", v->flows_new);
	verdict_and_tag_totals(o, v->verdicts, v->tags, v->cat);
	key(o, "new_unexpected");
	out_char(o, '[');
	for (size_t i = 0; i < v->nnew; i++) {
		const struct flow_view *f = &v->new_unexpected[i];

		out_str(o, i ? ",{" : "{");
		first_key(o, "first_seen");
		out_char(o, '"');
		out_time(o, f->first_us);
		out_char(o, '"');
		flow_members(o, f);
		if (f->reason)
			field_word(o, "reason", f->reason);
		out_char(o, '}');
	}
	out_char(o, ']');
	if (v->new_unexpected_more)
		field_u64(o, "new_unexpected_more", v->new_unexpected_more);
	capture_members(o, v->capture);
	out_str(o, "}\n");
}

static void decode_errors(struct out *o, const struct summary_view *s)
{
	field_u64(o, "decode_errors", s->decode_errors);
	key(o, "decode_errors_by_reason");
	out_char(o, '{');
	for (int i = 1, n = 0; i < DECODE_STATUS_COUNT; i++) {
		if (!s->audit->decode[i])
			continue;
		if (n++)
			out_char(o, ',');
		first_key(o, decode_status_name((enum decode_status)i));
		out_u64(o, s->audit->decode[i]);
	}
	out_char(o, '}');
}

static void inputs(struct out *o, const struct summary_view *s)
{
	key(o, "inputs");
	out_char(o, '[');
	for (size_t i = 0; i < s->ninputs; i++) {
		out_str(o, i ? ",{" : "{");
		first_key(o, "file");
		out_json_str(o, s->inputs[i].name);
		field_u64(o, "packets", s->inputs[i].packets);
		if (s->inputs[i].error)
			field_str(o, "error", s->inputs[i].error);
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void coverage(struct out *o, const struct summary_view *s)
{
	size_t n;
	const struct rule *rules = classifier_rules(s->cls, &n);
	const struct catalogue *cat = classifier_catalogue(s->cls);

	key(o, "coverage");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		const struct counts *c = &s->tally->per_rule[i];
		char ports[256];

		ports_format(r->ports, r->nports, ports, sizeof ports);
		out_str(o, i ? ",{" : "{");
		first_key(o, "rule");
		word(o, r->id);
		field_word(o, "from", r->from_name);
		field_word(o, "to", r->to_name);
		field_word(o, "ports", ports);
		field_word(o, "tag", cat->tags[r->tag]);
		field_bool(o, "seen", c->flows > 0);
		field_u64(o, "flows", c->flows);
		field_u64(o, "packets", c->packets);
		field_u64(o, "bytes", c->bytes);
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void group_members(struct out *o, const struct group *g)
{
	char addr[48], pbuf[4];
	bool estimate;
	uint64_t clients = client_count_value(&g->clients, &estimate);

	format_addr(addr, sizeof addr, g->family, g->server);
	proto_field(o, proto_name(g->proto, pbuf), pbuf, g->proto);
	field_word(o, "server", addr);
	if (g->proto == IPPROTO_NUM_TCP || g->proto == IPPROTO_NUM_UDP)
		field_u64(o, "server_port", g->port);
	field_u64(o, "flows", g->c.flows);
	field_u64(o, "clients", clients);
	if (estimate)
		field_bool(o, "clients_estimated", true);
	field_u64(o, "packets", g->c.packets);
	field_u64(o, "bytes", g->c.bytes);
	field_time(o, "first_seen", g->first_us);
	field_time(o, "last_seen", g->last_us);
}

static void reasons(struct out *o, uint32_t mask)
{
	const char *names[REASON_COUNT];
	size_t n = 0;

	for (int r = 1; r < REASON_COUNT; r++)
		if (mask & (1u << r))
			names[n++] = reason_name((enum reason)r);
	key(o, "reasons");
	string_array(o, names, n);
}

static void groups(struct out *o, const struct summary_view *s,
		   enum group_kind kind, const char *name)
{
	size_t n;
	const struct group **g = tally_sorted(s->tally, kind, &n);
	const struct counts *other = &s->tally->kinds[kind].other;

	key(o, name);
	out_char(o, '[');
	for (size_t i = 0; g && i < n; i++) {
		out_str(o, i ? ",{" : "{");
		if (kind == GROUP_FAILED) {
			first_key(o, "rules");
			word(o, g[i]->rules);
			field_word(o, "tcp_state",
				   tcp_state_name((enum tcp_state)g[i]->state));
			field_word(o, "likely", failure_cause(g[i]->state));
		} else {
			first_key(o, "verdict");
			word(o, kind == GROUP_DEBUG ? "debug" : "unexpected");
		}
		group_members(o, g[i]);
		if (kind == GROUP_UNEXPECTED)
			reasons(o, g[i]->reasons);
		out_char(o, '}');
	}
	out_char(o, ']');
	free(g);
	if (other->flows) {
		char more[64];

		snprintf(more, sizeof more, "%s_ungrouped", name);
		key(o, more);
		counts_object(o, other);
	}
}

static void json_summary(struct out *o, const struct summary_view *s)
{
	const struct audit_stats *a = s->audit;

	out_str(o, "{\"type\":\"summary\"");
	if (s->partial)
		field_bool(o, "partial", true);
	if (a->packets_read) {
		field_time(o, "first_packet", a->first_us);
		field_time(o, "last_packet", a->last_us);
	}
	field_u64(o, "packets_read", a->packets_read);
	field_u64(o, "bytes_read", a->bytes_read);
	field_u64(o, "packets", s->packets);
	field_u64(o, "bytes", s->bytes);
	field_u64(o, "flows", s->flows->created);
	field_u64(o, "flows_active", s->flows->active);
	field_u64(o, "evictions", s->flows->ended[FLOW_END_EVICTED]);
	key(o, "flows_ended");
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		out_char(o, e ? ',' : '{');
		first_key(o, flow_end_name((enum flow_end)e));
		out_u64(o, s->flows->ended[e]);
	}
	out_char(o, '}');
	decode_errors(o, s);
	capture_members(o, s->capture);
	inputs(o, s);
	verdict_and_tag_totals(o, s->verdicts, s->tags,
			       classifier_catalogue(s->cls));
	key(o, "site");
	out_str(o, classifier_has_site(s->cls) ? "true" : "false");
	groups(o, s, GROUP_FAILED, "failed");
	groups(o, s, GROUP_UNEXPECTED, "unexpected");
	groups(o, s, GROUP_DEBUG, "debug");
	coverage(o, s);
	out_str(o, "}\n");
}

const struct report_writer report_writer_json = {
	.name = "json",
	.flow = json_flow,
	.interval = json_interval,
	.summary = json_summary,
};
