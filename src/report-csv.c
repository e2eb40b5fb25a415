/* report-csv.c: one row per flow for spreadsheets (RFC 4180: a header
 * row, CRLF line ends, fields quoted when they hold a comma or a quote).
 * Intervals and the summary have no rows: use -F json for those. */
#include "report.h"

static const char *const columns[] = {
	"proto", "client", "client_port", "server", "server_port",
	"packets_c2s", "packets_s2c", "bytes_c2s", "bytes_s2c", "first_seen",
	"last_seen", "tcp_state", "history", "end", "outcome", "icmp_type",
	"icmp_code", "icmp_from", "icmp_errors", "verdict", "tags", "rules",
	"reason",
};

static void csv_begin(struct sink *s)
{
	struct out *o = s->out;

	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
		if (i)
			out_char(o, ',');
		out_str(o, columns[i]);
	}
	out_str(o, "\r\n");
	out_end_record(o);
}

static void sep(struct out *o)
{
	out_char(o, ',');
}

static void port(struct out *o, bool has, uint16_t p)
{
	sep(o);
	if (has)
		out_u64(o, p);
}

/* Lists (tags, rules) are one field, items separated by spaces. */
static void list(struct out *o, const char *const *s, size_t n)
{
	char buf[2048];

	names_join(buf, sizeof buf, s, n, ' ');
	sep(o);
	out_csv_str(o, buf);
}

/* Empty fields when no ICMP error quoted the flow. */
static void icmp_error(struct out *o, const struct flow_view *v)
{
	sep(o);
	if (v->icmp_errors)
		out_u64(o, v->icmp_type);
	sep(o);
	if (v->icmp_errors)
		out_u64(o, v->icmp_code);
	sep(o);
	out_csv_str(o, v->icmp_errors ? v->icmp_from : "");
	sep(o);
	out_u64(o, v->icmp_errors);
}

static void csv_flow(struct sink *s, const struct flow_view *v)
{
	struct out *o = s->out;

	out_csv_str(o, v->proto);
	sep(o);
	out_csv_str(o, v->client);
	port(o, v->has_ports, v->client_port);
	sep(o);
	out_csv_str(o, v->server);
	port(o, v->has_ports, v->server_port);
	sep(o);
	out_u64(o, v->packets_c2s);
	sep(o);
	out_u64(o, v->packets_s2c);
	sep(o);
	out_u64(o, v->bytes_c2s);
	sep(o);
	out_u64(o, v->bytes_s2c);
	sep(o);
	out_time(o, &s->times, v->first_us);
	sep(o);
	out_time(o, &s->times, v->last_us);
	sep(o);
	out_csv_str(o, v->tcp_state ? v->tcp_state : "");
	sep(o);
	out_csv_str(o, v->history);
	sep(o);
	out_csv_str(o, v->end ? v->end : "");
	sep(o);
	out_csv_str(o, v->outcome ? v->outcome : "");
	icmp_error(o, v);
	sep(o);
	out_csv_str(o, v->verdict ? v->verdict : "");
	list(o, v->tags, v->ntags);
	list(o, v->rules, v->nrules);
	sep(o);
	out_csv_str(o, v->reason ? v->reason : "");
	out_str(o, "\r\n");
}

const struct report_writer report_writer_csv = {
	.name = "csv",
	.begin = csv_begin,
	.flow = csv_flow,
};
