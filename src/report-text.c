/* report-text.c: aligned columns a person scans in a terminal. */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "decode.h"

#define W_PROTO 6
#define W_ENDPOINT 22	/* "255.255.255.255:65535" and a space */
#define W_STATE 12
#define W_COUNT 9
#define W_BYTES 11
#define W_VERDICT 13
#define W_SECONDS 10
#define W_TAGS 10

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

static void text_begin(struct out *o)
{
	out_str_width(o, "verdict", W_VERDICT);
	out_str_width(o, "proto", W_PROTO);
	out_str_width(o, "client", W_ENDPOINT + 1);
	out_str_width(o, "server", W_ENDPOINT);
	out_str_width(o, "state", W_STATE);
	out_str(o, " pkts c>s pkts s>c  bytes c>s  bytes s>c");
	out_str(o, "  first seen (UTC)       seconds  tags       rules\n");
	out_end_record(o);
}

/* Seconds with millisecond precision, right-aligned. */
static void duration(struct out *o, int64_t us)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%.3f", (double)us / 1e6);
	out_str_width(o, "", W_SECONDS - (int)strlen(buf));
	out_str(o, buf);
}

static void joined(struct out *o, const char *const *s, size_t n, int width)
{
	char buf[512];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s",
					 i ? "," : "", s[i]);
	out_str_width(o, n ? buf : "-", width);
}

static void text_flow(struct out *o, const struct flow_view *v)
{
	char c[64], s[64], when[40];
	bool v6 = v->family == 6;

	endpoint(c, sizeof c, v->client, v6, v->has_ports, v->client_port);
	endpoint(s, sizeof s, v->server, v6, v->has_ports, v->server_port);
	format_time(when, sizeof when, v->first_us);
	memcpy(when + 19, "Z", 2);	/* whole seconds are enough here */
	out_str_width(o, v->verdict ? v->verdict : "-", W_VERDICT);
	out_str_width(o, v->proto, W_PROTO);
	out_str_width(o, c, W_ENDPOINT);
	out_str(o, " ");
	out_str_width(o, s, W_ENDPOINT);
	out_str_width(o, v->tcp_state ? v->tcp_state : "-", W_STATE);
	out_u64_width(o, v->packets_c2s, W_COUNT);
	out_u64_width(o, v->packets_s2c, W_COUNT);
	out_u64_width(o, v->bytes_c2s, W_BYTES);
	out_u64_width(o, v->bytes_s2c, W_BYTES);
	out_str(o, "  ");
	out_str(o, when);
	duration(o, v->last_us - v->first_us);
	out_str(o, "  ");
	joined(o, v->tags, v->ntags, W_TAGS);
	out_char(o, ' ');
	if (v->reason) {
		out_char(o, '(');
		out_str(o, v->reason);
		out_char(o, ')');
	} else {
		joined(o, v->rules, v->nrules, 0);
	}
	out_char(o, '\n');
}

static void line_u64(struct out *o, const char *label, uint64_t v)
{
	out_str_width(o, label, 24);
	out_u64_width(o, v, 12);
	out_char(o, '\n');
}

static void text_summary(struct out *o, const struct summary_view *s)
{
	const struct audit_stats *a = s->audit;

	out_str(o, "\nsummary\n");
	if (a->packets_read) {
		out_str_width(o, "  packet time", 24);
		out_time(o, a->first_us);
		out_str(o, " .. ");
		out_time(o, a->last_us);
		out_char(o, '\n');
	}
	line_u64(o, "  packets read", a->packets_read);
	line_u64(o, "  bytes read", a->bytes_read);
	line_u64(o, "  packets in flows", s->packets);
	line_u64(o, "  IP bytes in flows", s->bytes);
	line_u64(o, "  flows", s->flows->created);
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		char label[40];

		snprintf(label, sizeof label, "    ended %s",
			 flow_end_name((enum flow_end)e));
		line_u64(o, label, s->flows->ended[e]);
	}
	line_u64(o, "  not decoded", s->decode_errors);
	for (int i = 1; i < DECODE_STATUS_COUNT; i++) {
		char label[40];

		if (!a->decode[i])
			continue;
		snprintf(label, sizeof label, "    %s",
			 decode_status_name((enum decode_status)i));
		line_u64(o, label, a->decode[i]);
	}
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
}

const struct report_writer report_writer_text = {
	.name = "text",
	.begin = text_begin,
	.flow = text_flow,
	.summary = text_summary,
};
