/* report-csv.c: one row per flow for spreadsheets (RFC 4180: a header
 * row, CRLF line ends, fields quoted when they hold a comma or a quote).
 * What a report was made from comes first, and the site's roles and
 * role pairs last, as lines that begin with '#' (RFC 4180 has no
 * comments; readers skip them with pandas' comment='#', R's
 * comment.char, or grep -v).  Intervals have no rows: use -F json. */
#include "report.h"

#include <stdio.h>

#include "tunables.h"

static const char *const columns[] = {
	"proto", "client", "client_port", "server", "server_port",
	"packets_c2s", "packets_s2c", "bytes_c2s", "bytes_s2c", "first_seen",
	"last_seen", "tcp_state", "history", "end", "outcome", "icmp_type",
	"icmp_code", "icmp_from", "icmp_errors", "verdict", "tags", "rules",
	"reason", "duration", "client_roles", "server_roles", "port_rules",
	"tunnel",
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

static void duration(struct out *o, int64_t us)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld.%06lld", (long long)(us / 1000000),
		 (long long)(us % 1000000));
	out_str(o, buf);
}

/* The tunnels, outermost first, ';' between them, each "type src dst"
 * and its id when it has one: "vxlan 10.30.0.2 10.30.0.100 100". */
static void tunnel(struct out *o, const struct tunnel_path *t)
{
	char buf[LUCS_MAX_TUNNEL_DEPTH * 128], src[48], dst[48];
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; t && i < t->depth; i++) {
		const struct tunnel_layer *l = &t->layer[i];
		char id[16] = "";
		int w;

		format_addr(src, sizeof src, l->family, l->src);
		format_addr(dst, sizeof dst, l->family, l->dst);
		if (l->has_id)
			snprintf(id, sizeof id, " %u", l->id);
		w = snprintf(buf + used, sizeof buf - used, "%s%s %s %s%s",
			     i ? ";" : "",
			     tunnel_type_name((enum tunnel_type)l->type), src,
			     dst, id);
		if (w > 0 && (size_t)w < sizeof buf - used)
			used += (size_t)w;
	}
	sep(o);
	out_csv_str(o, buf);
}

/* A comment line: '#', a space, the text, CRLF as every line. */
static void comment(struct out *o, const char *what, const char *text)
{
	out_str(o, "# ");
	out_str(o, what);
	out_str(o, text);
	out_str(o, "\r\n");
}

static void source_comment(struct out *o, const char *what,
			   const struct rule_source_info *i)
{
	out_str(o, "# ");
	out_str(o, what);
	out_str(o, ": ");
	out_str(o, i->file);
	out_str(o, " sha256 ");
	out_str(o, i->sha256);
	out_str(o, "\r\n");
}

static void csv_prologue(struct sink *s, const struct run_info *ri,
			 const struct classifier *cls)
{
	struct out *o = s->out;
	char line[256];

	comment(o, "lucsaudit ", ri->version);
	comment(o, "mode: ", classifier_has_site(cls) ? "site" : "port_only");
	for (size_t i = 0; ri->book && i < ri->book->nsources; i++)
		source_comment(o, "rules", &ri->book->sources[i]);
	if (ri->book && ri->book->has_site_info)
		source_comment(o, "site", &ri->book->site_info);
	comment(o, "filter: ", ri->filter ? ri->filter : "none");
	for (size_t i = 0; i < ri->ninputs; i++) {
		if (ri->inputs[i].size >= 0)
			snprintf(line, sizeof line, " (%lld bytes)",
				 (long long)ri->inputs[i].size);
		else
			line[0] = '\0';
		out_str(o, "# input: ");
		out_str(o, ri->inputs[i].name);
		out_str(o, line);
		out_str(o, "\r\n");
	}
	out_str(o, "# command: ");
	out_str(o, ri->program);
	for (int i = 0; i < ri->nargs; i++) {
		out_char(o, ' ');
		out_str(o, ri->args[i]);
	}
	out_str(o, "\r\n");
	out_end_record(o);
}

/* The site's roles: what it lists, the addresses seen, the listed hosts
 * never seen (lists space-separated, as tags and rules are). */
static void roles_comments(struct out *o, const struct summary_view *v)
{
	const struct catalogue *cat = classifier_catalogue(v->cls);
	char buf[8192];

	comment(o, "roles: ", "role,listed,addresses_seen,hosts_not_seen");
	for (size_t r = 0; r < cat->nroles; r++) {
		out_str(o, "# ");
		out_str(o, cat->roles[r]);
		role_prefixes_text(v, r, false, " ", LUCS_ROLE_LISTED, buf,
				   sizeof buf);
		out_char(o, ',');
		out_csv_str(o, buf);
		out_char(o, ',');
		out_u64(o, role_tally_hosts(&v->tally->roles, v->cls, r));
		role_prefixes_text(v, r, true, " ", LUCS_ROLE_LISTED, buf,
				   sizeof buf);
		out_char(o, ',');
		out_csv_str(o, buf);
		out_str(o, "\r\n");
	}
}

/* Who talks to whom, as comment lines that are CSV once the "# " is cut. */
static void csv_summary(struct sink *s, const struct summary_view *v)
{
	struct out *o = s->out;
	const struct catalogue *cat = classifier_catalogue(v->cls);
	size_t n;
	const struct role_pair *const *p;

	if (!classifier_has_site(v->cls) || v->partial)
		return;
	roles_comments(o, v);
	p = role_tally_sorted(&v->tally->roles, &n);
	comment(o, "role_pairs: ", "from,to,flows,packets,bytes,expected,debug,"
		"unexpected,out_of_scope");
	for (size_t i = 0; i < n; i++) {
		char nums[160];

		snprintf(nums, sizeof nums, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu",
			 (unsigned long long)p[i]->c.flows,
			 (unsigned long long)p[i]->c.packets,
			 (unsigned long long)p[i]->c.bytes,
			 (unsigned long long)p[i]->verdicts[VERDICT_EXPECTED],
			 (unsigned long long)p[i]->verdicts[VERDICT_DEBUG],
			 (unsigned long long)p[i]->verdicts[VERDICT_UNEXPECTED],
			 (unsigned long long)p[i]->verdicts[VERDICT_OUT_OF_SCOPE]);
		out_str(o, "# ");
		out_str(o, p[i]->from < cat->nroles ? cat->roles[p[i]->from] : "");
		out_char(o, ',');
		out_str(o, p[i]->to < cat->nroles ? cat->roles[p[i]->to] : "");
		out_str(o, nums);
		out_str(o, "\r\n");
	}
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
	sep(o);
	duration(o, v->last_us - v->first_us);
	list(o, v->client_roles, v->nclient_roles);
	list(o, v->server_roles, v->nserver_roles);
	list(o, v->port_rules, v->nport_rules);
	tunnel(o, v->tunnel);
	out_str(o, "\r\n");
}

const struct report_writer report_writer_csv = {
	.name = "csv",
	.prologue = csv_prologue,
	.begin = csv_begin,
	.summary = csv_summary,
	.flow = csv_flow,
};
