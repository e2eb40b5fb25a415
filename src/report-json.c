/* report-json.c: one JSON object per line (JSON Lines), field names as
 * documented in lucsaudit(1) and kept stable. */
#include "report.h"

#include "audit.h"
#include "decode.h"

static void key(struct out *o, const char *name)
{
	out_char(o, ',');
	out_json_str(o, name);
	out_char(o, ':');
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
		out_json_str(o, s[i]);
	}
	out_char(o, ']');
}

static void json_flow(struct out *o, const struct flow_view *v)
{
	out_str(o, "{\"type\":\"flow\"");
	if (v->proto == v->proto_number)
		field_u64(o, "proto", v->proto_num);
	else
		field_str(o, "proto", v->proto);
	field_str(o, "client", v->client);
	if (v->has_ports)
		field_u64(o, "client_port", v->client_port);
	field_str(o, "server", v->server);
	if (v->has_ports)
		field_u64(o, "server_port", v->server_port);
	field_u64(o, "packets_c2s", v->packets_c2s);
	field_u64(o, "packets_s2c", v->packets_s2c);
	field_u64(o, "bytes_c2s", v->bytes_c2s);
	field_u64(o, "bytes_s2c", v->bytes_s2c);
	field_time(o, "first_seen", v->first_us);
	field_time(o, "last_seen", v->last_us);
	if (v->tcp_state)
		field_str(o, "tcp_state", v->tcp_state);
	if (v->history[0])
		field_str(o, "history", v->history);
	field_str(o, "end", v->end);
	if (v->verdict) {
		field_str(o, "verdict", v->verdict);
		key(o, "tags");
		string_array(o, v->tags, v->ntags);
		key(o, "rules");
		string_array(o, v->rules, v->nrules);
		if (v->reason)
			field_str(o, "reason", v->reason);
	}
	out_str(o, "}\n");
}

static void json_summary(struct out *o, const struct summary_view *s)
{
	const struct audit_stats *a = s->audit;

	out_str(o, "{\"type\":\"summary\"");
	if (a->packets_read) {
		field_time(o, "first_packet", a->first_us);
		field_time(o, "last_packet", a->last_us);
	}
	field_u64(o, "packets_read", a->packets_read);
	field_u64(o, "bytes_read", a->bytes_read);
	field_u64(o, "packets", s->packets);
	field_u64(o, "bytes", s->bytes);
	field_u64(o, "flows", s->flows->created);
	field_u64(o, "evictions", s->flows->ended[FLOW_END_EVICTED]);
	key(o, "flows_ended");
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		out_char(o, e ? ',' : '{');
		out_json_str(o, flow_end_name((enum flow_end)e));
		out_char(o, ':');
		out_u64(o, s->flows->ended[e]);
	}
	out_char(o, '}');
	field_u64(o, "decode_errors", s->decode_errors);
	key(o, "decode_errors_by_reason");
	out_char(o, '{');
	for (int i = 1, n = 0; i < DECODE_STATUS_COUNT; i++) {
		if (!a->decode[i])
			continue;
		if (n++)
			out_char(o, ',');
		out_json_str(o, decode_status_name((enum decode_status)i));
		out_char(o, ':');
		out_u64(o, a->decode[i]);
	}
	out_char(o, '}');
	key(o, "inputs");
	for (size_t i = 0; i < s->ninputs; i++) {
		out_str(o, i ? ",{" : "[{");
		out_str(o, "\"file\":");
		out_json_str(o, s->inputs[i].name);
		field_u64(o, "packets", s->inputs[i].packets);
		if (s->inputs[i].error)
			field_str(o, "error", s->inputs[i].error);
		out_char(o, '}');
	}
	out_str(o, s->ninputs ? "]}\n" : "[]}\n");
}

const struct report_writer report_writer_json = {
	.name = "json",
	.flow = json_flow,
	.summary = json_summary,
};
