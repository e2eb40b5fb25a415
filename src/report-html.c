/* report-html.c: the audit as one self-contained HTML5 page (--html), to
 * open from a mail attachment with no server and no network: the CSS and
 * a few lines of optional script inline, the charts SVG drawn here, no
 * external URL, font or script.  Every string that came from the capture,
 * the command line or the YAML files goes through out_html_str.
 *
 * It writes the summary alone, from the same views as the other writers
 * (report.h), plus the timeline of intervals the report keeps for it;
 * tables list groups, never flows, and at most LUCS_HTML_GROUPS rows
 * each, so a flood's page stays small. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ptime.h"
#include "svg.h"
#include "tunables.h"

#define LIT(o, s) out_write((o), "" s "", sizeof("" s "") - 1)

static void text(struct out *o, const char *s)
{
	out_html_str(o, s);
}

/* A printf-formed string, escaped. */
static void textf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void textf(struct out *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out_html_str(o, buf);
}

/* A cell holding a number (right-aligned, sorted as one). */
static void num_cell(struct out *o, uint64_t v)
{
	LIT(o, "<td class=\"n\">");
	out_u64(o, v);
	LIT(o, "</td>");
}

static void text_cell(struct out *o, const char *s)
{
	LIT(o, "<td>");
	text(o, s);
	LIT(o, "</td>");
}

/* A time to the second: 2024-03-12T09:00:00Z */
static void bar_time(char *buf, size_t size, int64_t us)
{
	size_t n = format_date(buf, size, us / 1000000);

	if (n + 1 < size) {
		buf[n] = 'Z';
		buf[n + 1] = '\0';
	}
}

static const char *const verdict_titles[VERDICT_COUNT] = {
	"none", "expected", "debug", "unexpected", "out of scope",
};

/* --- the page's frame: style, script --- */

static const char page_style[] =
":root{color-scheme:light dark;--bg:#fff;--fg:#1b1f23;--mute:#5b6470;"
"--line:#d6dae0;--card:#f5f7f9;--v1:#2e7d32;--v2:#b26a00;--v3:#c62828;"
"--v4:#78828c;--c0:#2e7d32;--c1:#c62828;--c2:#b26a00;--c3:#5c6bc0;"
"--c4:#b0b7bf;--hot:#fde8e8}\n"
"@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e4e7eb;"
"--mute:#9aa4ae;--line:#343a42;--card:#1e2228;--v1:#66bb6a;--v2:#ffb74d;"
"--v3:#ef5350;--v4:#9aa4ae;--c0:#66bb6a;--c1:#ef5350;--c2:#ffb74d;"
"--c3:#9fa8da;--c4:#59616b;--hot:#4a2326}}\n"
"body{margin:0 auto;max-width:1200px;padding:1em 1.5em;background:var(--bg);"
"color:var(--fg);font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
"sans-serif}\n"
"h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;"
"padding-bottom:.2em;border-bottom:1px solid var(--line)}\n"
".sub,.note,figcaption{color:var(--mute)}\n"
"dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;"
"margin:.5em 0}dl.prov dt{color:var(--mute)}dl.prov dd{margin:0;"
"overflow-wrap:anywhere}\n"
"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
"font-size:.92em}\n"
".figs{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}\n"
".fig{background:var(--card);border-radius:8px;padding:.6em 1em;"
"flex:1 1 9em;border-left:6px solid var(--line)}\n"
".scroll{overflow-x:auto}\n"
".fig .n{display:block;font-size:2.1em;font-weight:700;line-height:1.1}\n"
".fig .l{font-weight:600}.fig .s{display:block;color:var(--mute);"
"font-size:.9em}\n"
".fig.v1{border-color:var(--v1)}.fig.v2{border-color:var(--v2)}"
".fig.v3{border-color:var(--v3)}.fig.v4{border-color:var(--v4)}"
".fig.bad{border-color:var(--v3)}\n"
"svg{display:block;max-width:100%}svg text{fill:var(--fg);font-size:11px}\n"
"svg .axis{stroke:var(--line)}\n"
".v1{fill:var(--v1)}.v2{fill:var(--v2)}.v3{fill:var(--v3)}"
".v4{fill:var(--v4)}.c0{fill:var(--c0)}.c1{fill:var(--c1)}"
".c2{fill:var(--c2)}.c3{fill:var(--c3)}.c4{fill:var(--c4)}\n"
".key{display:flex;flex-wrap:wrap;gap:1em;margin:.3em 0;color:var(--mute)}"
".key i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;"
"border-radius:2px;vertical-align:-.05em}\n"
".key .v1,.b.v1{background:var(--v1)}.key .v2,.b.v2{background:var(--v2)}"
".key .v3,.b.v3{background:var(--v3)}.key .v4,.b.v4{background:var(--v4)}"
".key .c0,.b.c0{background:var(--c0)}.key .c1,.b.c1{background:var(--c1)}"
".key .c2,.b.c2{background:var(--c2)}.key .c3,.b.c3{background:var(--c3)}"
".key .c4,.b.c4{background:var(--c4)}\n"
"table{border-collapse:collapse;width:100%;margin:.4em 0 1em}\n"
"th,td{padding:.25em .5em;border-bottom:1px solid var(--line);"
"text-align:left;vertical-align:top}\n"
"th{font-weight:600;white-space:nowrap}table.sort th{cursor:pointer}\n"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
".b{display:inline-block;padding:0 .45em;border-radius:4px;color:#fff;"
"font-size:.88em;font-weight:600;white-space:nowrap}\n"
"table.matrix td{text-align:right;min-width:4.5em}table.matrix td.hot"
"{background:var(--hot)}table.matrix svg{margin-top:2px}\n"
"tr.hot td{background:var(--hot)}.nw{white-space:nowrap}"
"td.why{min-width:14em}\n"
"details summary{cursor:pointer;color:var(--mute)}\n"
"footer{margin-top:2.5em;color:var(--mute);font-size:.9em}\n"
"@media print{:root{color-scheme:light;--bg:#fff;--fg:#000;--mute:#444;"
"--card:#fff;--line:#bbb;--hot:#fde8e8}body{max-width:none;padding:0;"
"font-size:10pt}section{break-inside:avoid-page}h2{break-after:avoid}"
"details{display:none}.fig{border:1px solid #bbb}"
"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Optional: a click on a column's heading sorts its table; the page
 * shows everything without it. */
static const char page_script[] =
"document.querySelectorAll('table.sort th').forEach(function(th){"
"th.addEventListener('click',function(){"
"var t=th.closest('table'),b=t.tBodies[0],"
"i=Array.prototype.indexOf.call(th.parentNode.children,th),"
"up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';"
"function key(r){var c=r.cells[i],s=c?c.textContent.trim():'',"
"n=Number(s.replace(/^~/,''));return s!==''&&!isNaN(n)?n:s.toLowerCase()}"
"Array.prototype.slice.call(b.rows).sort(function(x,y){"
"var a=key(x),c=key(y),d=typeof a===typeof c?(a<c?-1:a>c?1:0)"
":(typeof a==='number'?-1:1);return up?d:-d})"
".forEach(function(r){b.appendChild(r)})})});\n";

/* The first input's name, or the interface: what the page is about. */
static const char *subject(const struct summary_view *s)
{
	if (s->run && s->run->ninputs)
		return s->run->inputs[0].name;
	if (s->ninputs)
		return s->inputs[0].name;
	return "no input";
}

static void page_head(struct out *o, const struct summary_view *s)
{
	LIT(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	       "<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width,"
	       "initial-scale=1\">\n<title>lucsaudit: ");
	text(o, subject(s));
	if (s->partial)
		LIT(o, " (so far)");
	LIT(o, "</title>\n<style>\n");
	out_write(o, page_style, sizeof page_style - 1);
	LIT(o, "</style>\n</head>\n<body>\n<header>\n<h1>Traffic audit: ");
	text(o, subject(s));
	LIT(o, "</h1>\n<p class=\"sub\">");
	if (s->partial)
		LIT(o, "A report asked for during the run: the figures so far, "
		       "the flows still under way counted as if they had "
		       "ended. ");
	LIT(o, "Each flow is judged once against the documented port "
	       "catalogue: <b>expected</b> (documented), <b>debug</b> "
	       "(troubleshooting port), <b>unexpected</b> (undocumented), "
	       "<b>out of scope</b> (no inventoried host).</p>\n</header>\n");
}

/* --- charts --- */

/* A horizontal bar of width x height split among values, part i of
 * class classes[i] with a tooltip "names[i]: N unit"; data-n carries each
 * value, data-total their sum.  svg_split makes the parts fill the bar;
 * with nothing to show there is no part. */
static void stacked_bar(struct out *o, const uint64_t *values,
			const char *const *names, const char *const *classes,
			size_t n, const char *unit, unsigned width,
			unsigned height)
{
	unsigned parts[SVG_SPLIT_MAX], x = 0;
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += values[i];
	svg_split(values, n, width, parts);
	LIT(o, "<svg class=\"stack\" role=\"img\" viewBox=\"0 0 ");
	out_u64(o, width);
	out_char(o, ' ');
	out_u64(o, height);
	LIT(o, "\" width=\"100%\" height=\"");
	out_u64(o, height);
	LIT(o, "\" preserveAspectRatio=\"none\" data-total=\"");
	out_u64(o, total);
	LIT(o, "\"><title>");
	for (size_t i = 0; i < n; i++)
		textf(o, "%s%s %llu", i ? ", " : "", names[i],
		      (unsigned long long)values[i]);
	textf(o, " %s", unit);
	LIT(o, "</title>\n");
	for (size_t i = 0; i < n; i++) {
		if (!parts[i])
			continue;
		LIT(o, "<rect x=\"");
		out_u64(o, x);
		LIT(o, "\" y=\"0\" width=\"");
		out_u64(o, parts[i]);
		LIT(o, "\" height=\"");
		out_u64(o, height);
		LIT(o, "\" class=\"");
		out_str(o, classes[i]);
		LIT(o, "\" data-n=\"");
		out_u64(o, values[i]);
		LIT(o, "\"><title>");
		textf(o, "%s: %llu %s", names[i],
		      (unsigned long long)values[i], unit);
		LIT(o, "</title></rect>\n");
		x += parts[i];
	}
	LIT(o, "</svg>\n");
}

static void key_item(struct out *o, const char *cls, const char *name)
{
	LIT(o, "<span><i class=\"");
	out_str(o, cls);
	LIT(o, "\"></i>");
	text(o, name);
	LIT(o, "</span>");
}

static const char *const verdict_classes[VERDICT_COUNT] = {
	"v0", "v1", "v2", "v3", "v4",
};

static void verdict_key(struct out *o)
{
	LIT(o, "<div class=\"key\">");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++)
		key_item(o, verdict_classes[v], verdict_titles[v]);
	LIT(o, "</div>\n");
}

/* --- 1. provenance and totals --- */

static void prov_row(struct out *o, const char *label)
{
	LIT(o, "<dt>");
	text(o, label);
	LIT(o, "</dt><dd>");
}

static void source_row(struct out *o, const char *label,
		       const struct rule_source_info *i)
{
	prov_row(o, label);
	LIT(o, "<span class=\"mono\">");
	text(o, i->file);
	LIT(o, "</span> <span class=\"note mono\">sha256 ");
	text(o, i->sha256);
	LIT(o, "</span></dd>\n");
}

static void run_rows(struct out *o, const struct summary_view *s)
{
	const struct run_info *ri = s->run;
	const struct rulebook *b = ri->book;

	prov_row(o, "lucsaudit");
	text(o, ri->version);
	LIT(o, "</dd>\n");
	for (size_t i = 0; b && i < b->nsources; i++)
		source_row(o, "rules", &b->sources[i]);
	if (b && b->has_site_info)
		source_row(o, "site", &b->site_info);
	else
		LIT(o, "<dt>site</dt><dd>none</dd>\n");
	prov_row(o, "filter");
	text(o, ri->filter ? ri->filter : "none");
	LIT(o, "</dd>\n");
	prov_row(o, "command");
	LIT(o, "<code>");
	text(o, ri->program);
	for (int i = 0; i < ri->nargs; i++) {
		out_char(o, ' ');
		text(o, ri->args[i]);
	}
	LIT(o, "</code></dd>\n");
}

static void input_rows(struct out *o, const struct summary_view *s)
{
	for (size_t i = 0; i < s->ninputs; i++) {
		const struct input_info *in = &s->inputs[i];
		int64_t size = -1;

		if (s->run && i < s->run->ninputs)
			size = s->run->inputs[i].size;
		prov_row(o, "input");
		LIT(o, "<span class=\"mono\">");
		text(o, in->name);
		LIT(o, "</span>: ");
		out_u64(o, in->packets);
		LIT(o, " packets");
		if (size >= 0) {
			LIT(o, ", ");
			out_u64(o, (uint64_t)size);
			LIT(o, " bytes");
		}
		if (in->error) {
			LIT(o, " <b>(");
			text(o, in->error);
			LIT(o, ")</b>");
		}
		LIT(o, "</dd>\n");
	}
}

static void mode_row(struct out *o, const struct summary_view *s)
{
	size_t tcp, udp;

	prov_row(o, "mode");
	if (classifier_has_site(s->cls)) {
		LIT(o, "site: verdicts by the hosts' roles and ports</dd>\n");
		return;
	}
	classifier_documented_ports(s->cls, &tcp, &udp);
	textf(o, "port only: verdicts rest on ports alone (%zu TCP and %zu "
	      "UDP ports documented); --site judges by roles", tcp, udp);
	LIT(o, "</dd>\n");
}

static void provenance(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	const struct frame_counts *a = s->frames;

	LIT(o, "<section id=\"provenance\">\n<h2>What was audited, against "
	       "what</h2>\n<dl class=\"prov\">\n");
	mode_row(o, s);
	if (s->run)
		run_rows(o, s);
	input_rows(o, s);
	prov_row(o, "packet time");
	if (a->timed) {
		out_time(o, &sk->times, a->first_us);
		LIT(o, " .. ");
		out_time(o, &sk->times, a->last_us);
	} else {
		LIT(o, "no packet");
	}
	LIT(o, "</dd>\n");
	prov_row(o, "read");
	textf(o, "%llu packets, %llu bytes; %llu packets and %llu IP bytes in "
	      "%llu flows; %llu not decoded",
	      (unsigned long long)a->packets_read,
	      (unsigned long long)a->bytes_read,
	      (unsigned long long)s->packets, (unsigned long long)s->bytes,
	      (unsigned long long)s->flows->created,
	      (unsigned long long)s->decode_errors);
	LIT(o, "</dd>\n</dl>\n");
}

static void figure(struct out *o, const char *cls, uint64_t n,
		   const char *label, const char *sub)
{
	LIT(o, "<div class=\"fig ");
	out_str(o, cls);
	LIT(o, "\"><span class=\"n\">");
	out_u64(o, n);
	LIT(o, "</span><span class=\"l\">");
	text(o, label);
	LIT(o, "</span><span class=\"s\">");
	text(o, sub);
	LIT(o, "</span></div>\n");
}

static void totals(struct out *o, const struct summary_view *s)
{
	uint64_t flows[VERDICT_COUNT - 1];
	char sub[96];

	LIT(o, "<h2 id=\"totals\">Verdicts</h2>\n<div class=\"figs\">\n");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++) {
		const struct counts *c = &s->verdicts[v];

		snprintf(sub, sizeof sub, "flows; %llu packets, %llu bytes",
			 (unsigned long long)c->packets,
			 (unsigned long long)c->bytes);
		figure(o, verdict_classes[v], c->flows, verdict_titles[v], sub);
		flows[v - 1] = c->flows;
	}
	snprintf(sub, sizeof sub, "flows of documented connections; "
		 "%llu undetermined", (unsigned long long)s->tally->undetermined);
	figure(o, s->tally->failed ? "bad" : "", s->tally->failed, "failed",
	       sub);
	LIT(o, "</div>\n");
	stacked_bar(o, flows, verdict_titles + 1, verdict_classes + 1,
		    VERDICT_COUNT - 1, "flows", 1000, 22);
	verdict_key(o);
	LIT(o, "</section>\n");
}

/* --- groups: failed, unexpected, debug --- */

/* "5061/tcp", or the protocol alone where it has no ports. */
static void port_text(const struct group *g, char *buf, size_t size)
{
	char pbuf[4];
	const char *proto = proto_text(g->proto, pbuf);

	if (g->proto == IPPROTO_NUM_TCP || g->proto == IPPROTO_NUM_UDP)
		snprintf(buf, size, "%u/%s", g->port, proto);
	else
		snprintf(buf, size, "%s", proto);
}

/* Server, port, then the figures every group has. */
static void group_cells(struct out *o, const struct group *g)
{
	char addr[48], port[16];
	bool estimate;
	uint64_t clients = client_count_value(&g->clients, &estimate);

	format_addr(addr, sizeof addr, g->family, g->server);
	port_text(g, port, sizeof port);
	LIT(o, "<td class=\"mono\">");
	text(o, addr);
	LIT(o, "</td><td class=\"mono\">");
	text(o, port);
	LIT(o, "</td>");
	num_cell(o, g->c.flows);
	LIT(o, "<td class=\"n\">");
	if (estimate)
		out_char(o, '~');
	out_u64(o, clients);
	LIT(o, "</td>");
	num_cell(o, g->c.packets);
	num_cell(o, g->c.bytes);
}

static void reporters_cell(struct out *o, const struct group *g)
{
	char addr[48];

	LIT(o, "<td class=\"mono\">");
	for (uint8_t i = 0; i < g->nreporters; i++) {
		format_addr(addr, sizeof addr, g->family, g->reporters[i]);
		if (i)
			LIT(o, ", ");
		text(o, addr);
		if (memcmp(g->reporters[i], g->server, sizeof g->server) == 0)
			LIT(o, " (the server)");
	}
	if (g->more_reporters)
		LIT(o, " and more");
	if (!g->nreporters)
		LIT(o, "none (no ICMP error)");
	LIT(o, "</td>");
}

/* First and last seen, to the second (JSON has the microseconds). */
static void time_cells(struct out *o, const struct group *g)
{
	char t[32];

	bar_time(t, sizeof t, g->first_us);
	LIT(o, "<td class=\"mono nw\">");
	text(o, t);
	bar_time(t, sizeof t, g->last_us);
	LIT(o, "</td><td class=\"mono nw\">");
	text(o, t);
	LIT(o, "</td>");
}

/* "... and N more", "and N flows beyond the group limit" */
static void groups_more(struct out *o, size_t n, const struct counts *other)
{
	if (n > LUCS_HTML_GROUPS) {
		LIT(o, "<p class=\"note\">");
		textf(o, "and %zu more groups (-F json lists every one)",
		      n - LUCS_HTML_GROUPS);
		LIT(o, "</p>\n");
	}
	if (other->flows) {
		LIT(o, "<p class=\"note\">and ");
		out_u64(o, other->flows);
		LIT(o, " flows beyond the group limit</p>\n");
	}
}

static void failed_section(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	size_t n;
	const struct group *const *g = tally_sorted(s->tally, GROUP_FAILED, &n);

	LIT(o, "<section id=\"failed\">\n<h2>Failed documented connections"
	       "</h2>\n");
	if (!g || !n) {
		LIT(o, "<p>None: no documented connection was refused, "
		       "prohibited, unreachable or left unanswered.</p>\n"
		       "</section>\n");
		return;
	}
	LIT(o, "<p class=\"note\">What is blocked: documented connections "
	       "that were tried and got no answer, a refusal or an ICMP "
	       "error, by server and outcome, largest first.</p>\n"
	       "<div class=\"scroll\"><table class=\"sort\"><thead><tr>"
	       "<th>server</th><th>port</th>"
	       "<th class=\"n\">flows</th><th class=\"n\">clients</th>"
	       "<th class=\"n\">packets</th><th class=\"n\">bytes</th>"
	       "<th>outcome</th><th>likely cause</th><th>reported by</th>"
	       "<th>rules</th><th>first seen</th><th>last seen</th></tr>"
	       "</thead>\n<tbody>\n");
	for (size_t i = 0; i < n && i < LUCS_HTML_GROUPS; i++) {
		enum flow_outcome oc = (enum flow_outcome)g[i]->outcome;

		LIT(o, "<tr>");
		group_cells(o, g[i]);
		LIT(o, "<td><span class=\"b v3\">");
		text(o, flow_outcome_name(oc));
		LIT(o, "</span></td>");
		LIT(o, "<td class=\"why\">");
		text(o, failure_cause(oc, g[i]->proto, g[i]->nreporters > 0,
				      true));
		LIT(o, "</td>");
		reporters_cell(o, g[i]);
		LIT(o, "<td class=\"mono nw\">");
		text(o, g[i]->rules);
		LIT(o, "</td>");
		time_cells(o, g[i]);
		LIT(o, "</tr>\n");
	}
	LIT(o, "</tbody></table></div>\n");
	groups_more(o, n, &s->tally->kinds[GROUP_FAILED].other);
	LIT(o, "</section>\n");
}

/* The clients of an unexpected or debug group: roles, heaviest. */
static void clients_cells(struct out *o, const struct summary_view *s,
			  const struct group *g)
{
	struct top_client top[GROUP_TOP_CLIENTS];
	size_t n = group_top_clients(g, top);
	char addr[48];

	if (classifier_has_site(s->cls)) {
		const char *names[CAT_MAX_ROLES];
		size_t nr = role_names(classifier_catalogue(s->cls),
				       g->client_roles, names);

		LIT(o, "<td>");
		for (size_t i = 0; i < nr; i++) {
			if (i)
				LIT(o, ", ");
			text(o, names[i]);
		}
		if (!nr)
			LIT(o, "none listed");
		LIT(o, "</td>");
	}
	LIT(o, "<td class=\"mono\">");
	for (size_t i = 0; i < n; i++) {
		format_addr(addr, sizeof addr, g->family, top[i].addr);
		if (i)
			LIT(o, ", ");
		text(o, addr);
		LIT(o, " (");
		out_u64(o, top[i].flows);
		out_char(o, ')');
	}
	LIT(o, "</td>");
}

static void reasons_cell(struct out *o, uint32_t mask)
{
	LIT(o, "<td>");
	for (int r = 1, n = 0; r < REASON_COUNT; r++) {
		if (!(mask & (1u << r)))
			continue;
		if (n++)
			LIT(o, ", ");
		text(o, reason_name((enum reason)r));
	}
	LIT(o, "</td>");
}

static void groups_table(struct sink *sk, const struct summary_view *s,
			 enum group_kind kind)
{
	struct out *o = sk->out;
	size_t n;
	const struct group *const *g = tally_sorted(s->tally, kind, &n);

	if (!g || !n) {
		LIT(o, "<p>None.</p>\n");
		return;
	}
	LIT(o, "<div class=\"scroll\"><table class=\"sort\"><thead><tr>"
	       "<th>server</th><th>port</th>"
	       "<th class=\"n\">flows</th><th class=\"n\">clients</th>"
	       "<th class=\"n\">packets</th><th class=\"n\">bytes</th>");
	if (kind == GROUP_UNEXPECTED)
		LIT(o, "<th>reason</th>");
	if (classifier_has_site(s->cls))
		LIT(o, "<th>client roles</th>");
	LIT(o, "<th>top clients (flows)</th><th>first seen</th>"
	       "<th>last seen</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n && i < LUCS_HTML_GROUPS; i++) {
		LIT(o, "<tr>");
		group_cells(o, g[i]);
		if (kind == GROUP_UNEXPECTED)
			reasons_cell(o, g[i]->reasons);
		clients_cells(o, s, g[i]);
		time_cells(o, g[i]);
		LIT(o, "</tr>\n");
	}
	LIT(o, "</tbody></table></div>\n");
	groups_more(o, n, &s->tally->kinds[kind].other);
}

/* Unexpected flows summed by server port (over every server), the
 * largest LUCS_PAGE_PORTS. */
#define LUCS_PAGE_PORTS 12
struct port_sum {
	uint8_t proto;
	uint16_t port;
	uint64_t flows;
	uint64_t client_roles;
};

/* The ports of the groups into sums (each (proto, port) once), the
 * largest first in sums[0..nsums). */
static size_t port_sums(const struct group *const *g, size_t n,
			struct port_sum *sums, size_t max)
{
	size_t nsums = 0;

	for (size_t i = 0; i < n; i++) {
		bool ports = g[i]->proto == IPPROTO_NUM_TCP ||
			     g[i]->proto == IPPROTO_NUM_UDP;
		uint16_t port = ports ? g[i]->port : 0;
		size_t j = 0;

		while (j < nsums && (sums[j].proto != g[i]->proto ||
				     sums[j].port != port))
			j++;
		if (j == nsums) {
			if (nsums == max)
				continue;
			sums[nsums++] = (struct port_sum){ g[i]->proto, port,
							   0, 0 };
		}
		sums[j].flows += g[i]->c.flows;
		sums[j].client_roles |= g[i]->client_roles;
	}
	for (size_t i = 1; i < nsums; i++)	/* insertion sort, few */
		for (size_t j = i; j > 0 && sums[j].flows > sums[j - 1].flows;
		     j--) {
			struct port_sum t = sums[j];

			sums[j] = sums[j - 1];
			sums[j - 1] = t;
		}
	return nsums;
}

static void port_chart(struct out *o, const struct summary_view *s)
{
	/* static: a summary allocates nothing (written even once memory
	 * has run out), and this is too large for the stack */
	static struct port_sum sums[LUCS_TALLY_GROUPS];
	size_t n, nsums;
	const struct group *const *g = tally_sorted(s->tally, GROUP_UNEXPECTED,
						    &n);
	const unsigned label = 110, width = 640, row = 20;
	uint64_t max;

	if (!g || !n)
		return;
	nsums = port_sums(g, n, sums, LUCS_TALLY_GROUPS);
	if (nsums > LUCS_PAGE_PORTS)
		nsums = LUCS_PAGE_PORTS;
	max = sums[0].flows;
	LIT(o, "<figure><svg role=\"img\" viewBox=\"0 0 ");
	out_u64(o, label + width + 80);
	out_char(o, ' ');
	out_u64(o, row * nsums + 4);
	LIT(o, "\" width=\"100%\"><title>Unexpected flows by server port"
	       "</title>\n");
	for (size_t i = 0; i < nsums; i++) {
		unsigned y = (unsigned)(row * i), w;
		struct group fake = { .proto = sums[i].proto,
				      .port = sums[i].port };
		char port[16];

		port_text(&fake, port, sizeof port);
		w = svg_scale(sums[i].flows, max, width);
		LIT(o, "<g><title>");
		textf(o, "%s: %llu unexpected flows", port,
		      (unsigned long long)sums[i].flows);
		LIT(o, "</title><text x=\"");
		out_u64(o, label - 6);
		LIT(o, "\" y=\"");
		out_u64(o, y + 14);
		LIT(o, "\" text-anchor=\"end\">");
		text(o, port);
		LIT(o, "</text><rect class=\"v3\" x=\"");
		out_u64(o, label);
		LIT(o, "\" y=\"");
		out_u64(o, y + 3);
		LIT(o, "\" width=\"");
		out_u64(o, w);
		LIT(o, "\" height=\"");
		out_u64(o, row - 6);
		LIT(o, "\"/><text x=\"");
		out_u64(o, label + w + 6);
		LIT(o, "\" y=\"");
		out_u64(o, y + 14);
		LIT(o, "\">");
		out_u64(o, sums[i].flows);
		LIT(o, "</text></g>\n");
	}
	LIT(o, "</svg><figcaption>Unexpected flows by server port, over every "
	       "server (the largest ");
	out_u64(o, LUCS_PAGE_PORTS);
	LIT(o, ").</figcaption></figure>\n");
}

static void unexpected_section(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;

	LIT(o, "<section id=\"unexpected\">\n<h2>Unexpected flows by server "
	       "port</h2>\n");
	port_chart(o, s);
	groups_table(sk, s, GROUP_UNEXPECTED);
	LIT(o, "<h2 id=\"debug\">Debug-port use</h2>\n<p class=\"note\">"
	       "Documented troubleshooting ports: expected only while someone "
	       "troubleshoots.</p>\n");
	groups_table(sk, s, GROUP_DEBUG);
	LIT(o, "</section>\n");
}

/* --- 3. who talks to whom --- */

/* A cell of the matrix: the pairs it sums (other roles fold into the
 * last row and column). */
struct cell {
	struct counts c;
	uint64_t verdicts[VERDICT_COUNT];
};

/* The roles to show on one side: the LUCS_HTML_ROLES with most flows,
 * in catalogue order (no role last); slot[role] is each role's place,
 * LUCS_HTML_ROLES for "other".  Returns how many are shown. */
static size_t pick_roles(const uint64_t *flows, size_t nroles, size_t *slot,
			 size_t *shown)
{
	bool keep[CAT_MAX_ROLES + 1] = { false };
	size_t n = 0;

	for (size_t k = 0; k < LUCS_HTML_ROLES; k++) {
		size_t best = nroles + 1;

		for (size_t r = 0; r <= nroles; r++)
			if (flows[r] && !keep[r] &&
			    (best > nroles || flows[r] > flows[best]))
				best = r;
		if (best > nroles)
			break;
		keep[best] = true;
	}
	for (size_t r = 0; r <= nroles; r++) {
		slot[r] = LUCS_HTML_ROLES;
		if (keep[r]) {
			slot[r] = n;
			shown[n++] = r;
		}
	}
	return n;
}

static const char *role_label(const struct catalogue *cat, size_t r)
{
	return r < cat->nroles ? cat->roles[r] : "(no role)";
}

static void matrix_cell(struct out *o, const char *from, const char *to,
			const struct cell *c)
{
	uint64_t v[VERDICT_COUNT - 1];
	char title[512];

	if (!c->c.flows) {
		LIT(o, "<td></td>");
		return;
	}
	for (int i = VERDICT_EXPECTED; i < VERDICT_COUNT; i++)
		v[i - 1] = c->verdicts[i];
	snprintf(title, sizeof title, "%s -> %s: %llu flows, %llu packets, "
		 "%llu bytes; expected %llu, debug %llu, unexpected %llu, "
		 "out of scope %llu", from, to, (unsigned long long)c->c.flows,
		 (unsigned long long)c->c.packets,
		 (unsigned long long)c->c.bytes, (unsigned long long)v[0],
		 (unsigned long long)v[1], (unsigned long long)v[2],
		 (unsigned long long)v[3]);
	LIT(o, "<td");
	if (v[2])
		LIT(o, " class=\"hot\"");
	LIT(o, " title=\"");
	text(o, title);
	LIT(o, "\">");
	out_u64(o, c->c.flows);
	stacked_bar(o, v, verdict_titles + 1, verdict_classes + 1,
		    VERDICT_COUNT - 1, "flows", 60, 6);
	LIT(o, "</td>");
}

/* The pairs summed into the matrix's cells: from rows[] to cols[]. */
static void fill_cells(const struct role_tally *rt, const size_t *row_slot,
		       const size_t *col_slot,
		       struct cell cells[LUCS_HTML_ROLES + 1][LUCS_HTML_ROLES + 1])
{
	for (size_t a = 0; a <= rt->nroles; a++)
		for (size_t b = 0; b <= rt->nroles; b++) {
			const struct role_pair *p = role_tally_pair(rt, a, b);
			struct cell *c;

			if (!p || !p->c.flows)
				continue;
			c = &cells[row_slot[a]][col_slot[b]];
			counts_add(&c->c, p->c.flows, p->c.packets,
				   p->c.bytes);
			for (int v = 0; v < VERDICT_COUNT; v++)
				c->verdicts[v] += p->verdicts[v];
		}
}

static void matrix_header(struct out *o, const struct catalogue *cat,
			  const size_t *cols, size_t ncols, bool other)
{
	LIT(o, "<div class=\"scroll\"><table class=\"matrix\"><thead><tr>"
	       "<th>client role \\ server role</th>");
	for (size_t j = 0; j < ncols; j++) {
		LIT(o, "<th>");
		text(o, role_label(cat, cols[j]));
		LIT(o, "</th>");
	}
	if (other)
		LIT(o, "<th>other roles</th>");
	LIT(o, "</tr></thead>\n<tbody>\n");
}

static void roles_matrix(struct out *o, const struct summary_view *s)
{
	/* static: as port_chart's sums */
	static struct cell cells[LUCS_HTML_ROLES + 1][LUCS_HTML_ROLES + 1];
	const struct role_tally *rt = &s->tally->roles;
	const struct catalogue *cat = classifier_catalogue(s->cls);
	uint64_t as_client[CAT_MAX_ROLES + 1] = { 0 },
		 as_server[CAT_MAX_ROLES + 1] = { 0 };
	size_t row_slot[CAT_MAX_ROLES + 1], col_slot[CAT_MAX_ROLES + 1],
	       rows[LUCS_HTML_ROLES], cols[LUCS_HTML_ROLES], nrows, ncols;
	bool other_row = false, other_col = false;

	for (size_t a = 0; a <= rt->nroles; a++)
		for (size_t b = 0; b <= rt->nroles; b++) {
			const struct role_pair *p = role_tally_pair(rt, a, b);

			if (p) {
				as_client[a] += p->c.flows;
				as_server[b] += p->c.flows;
			}
		}
	nrows = pick_roles(as_client, rt->nroles, row_slot, rows);
	ncols = pick_roles(as_server, rt->nroles, col_slot, cols);
	if (!nrows) {
		LIT(o, "<p>No flow between hosts of the site.</p>\n");
		return;
	}
	for (size_t r = 0; r <= rt->nroles; r++) {
		other_row |= as_client[r] && row_slot[r] == LUCS_HTML_ROLES;
		other_col |= as_server[r] && col_slot[r] == LUCS_HTML_ROLES;
	}
	memset(cells, 0, sizeof cells);
	fill_cells(rt, row_slot, col_slot, cells);
	matrix_header(o, cat, cols, ncols, other_col);
	for (size_t i = 0; i < nrows + other_row; i++) {
		const char *from = i < nrows ? role_label(cat, rows[i])
					     : "other roles";
		size_t ri = i < nrows ? i : LUCS_HTML_ROLES;

		LIT(o, "<tr><th>");
		text(o, from);
		LIT(o, "</th>");
		for (size_t j = 0; j < ncols + other_col; j++)
			matrix_cell(o, from, j < ncols ? role_label(cat, cols[j])
						       : "other roles",
				    &cells[ri][j < ncols ? j : LUCS_HTML_ROLES]);
		LIT(o, "</tr>\n");
	}
	LIT(o, "</tbody></table></div>\n");
}

static void roles_section(struct out *o, const struct summary_view *s)
{
	LIT(o, "<section id=\"roles\">\n<h2>Who talks to whom</h2>\n");
	if (!classifier_has_site(s->cls)) {
		LIT(o, "<p>No site inventory (--site): the hosts' roles are "
		       "not known.</p>\n</section>\n");
		return;
	}
	LIT(o, "<p class=\"note\">Flows from each client role (rows) to each "
	       "server role (columns), with their verdicts; a cell with "
	       "unexpected flows is tinted; hover for packets and bytes.  A "
	       "flow counts once for every role its hosts hold.</p>\n");
	verdict_key(o);
	roles_matrix(o, s);
	LIT(o, "</section>\n");
}

/* --- 4. the timeline --- */

/* Where bar i starts (saturating: a bar may stand for years). */
static int64_t bar_start(const struct timeline *t, size_t i)
{
	int64_t off;

	if (__builtin_mul_overflow((int64_t)i, t->bar_us, &off))
		return INT64_MAX;
	return ptime_add(t->origin_us, off);
}


/* One bar: its verdicts stacked from the bottom, parts adding up to its
 * height (svg_split), the figures in its tooltip. */
static void timeline_bar(struct out *o, const struct timeline *t, size_t i,
			 double x, double w, unsigned height, unsigned base)
{
	const struct timeline_bar *b = &t->bars[i];
	uint64_t v[VERDICT_COUNT - 1];
	unsigned parts[VERDICT_COUNT - 1], y = base;
	char from[32], to[32];

	for (int k = VERDICT_EXPECTED; k < VERDICT_COUNT; k++)
		v[k - 1] = b->verdicts[k].flows;
	svg_split(v, VERDICT_COUNT - 1, height, parts);
	bar_time(from, sizeof from, bar_start(t, i));
	bar_time(to, sizeof to, bar_start(t, i + 1));
	LIT(o, "<g><title>");
	textf(o, "%s .. %s: %llu flows: %llu expected, %llu debug, %llu "
	      "unexpected, %llu out of scope", from, to,
	      (unsigned long long)timeline_bar_flows(b),
	      (unsigned long long)v[0], (unsigned long long)v[1],
	      (unsigned long long)v[2], (unsigned long long)v[3]);
	LIT(o, "</title>");
	for (int k = 0; k < VERDICT_COUNT - 1; k++) {
		char rect[160];

		if (!parts[k])
			continue;
		y -= parts[k];
		snprintf(rect, sizeof rect, "<rect class=\"%s\" x=\"%.2f\" "
			 "y=\"%u\" width=\"%.2f\" height=\"%u\"/>",
			 verdict_classes[k + 1], x, y, w, parts[k]);
		out_str(o, rect);
	}
	LIT(o, "</g>\n");
}

static void timeline_table(struct out *o, const struct timeline *t)
{
	char from[32];

	LIT(o, "<details><summary>The timeline's figures</summary>\n"
	       "<div class=\"scroll\"><table class=\"sort\"><thead><tr>"
	       "<th>from</th>"
	       "<th class=\"n\">flows</th><th class=\"n\">expected</th>"
	       "<th class=\"n\">debug</th><th class=\"n\">unexpected</th>"
	       "<th class=\"n\">out of scope</th><th class=\"n\">packets</th>"
	       "<th class=\"n\">bytes</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < t->nbars; i++) {
		const struct timeline_bar *b = &t->bars[i];
		uint64_t packets = 0, bytes = 0;

		for (int v = 0; v < VERDICT_COUNT; v++) {
			packets += b->verdicts[v].packets;
			bytes += b->verdicts[v].bytes;
		}
		bar_time(from, sizeof from, bar_start(t, i));
		LIT(o, "<tr><td class=\"mono\">");
		text(o, from);
		LIT(o, "</td>");
		num_cell(o, timeline_bar_flows(b));
		for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++)
			num_cell(o, b->verdicts[v].flows);
		num_cell(o, packets);
		num_cell(o, bytes);
		LIT(o, "</tr>\n");
	}
	LIT(o, "</tbody></table></div></details>\n");
}

/* The axes: time along the bottom from first to last, flows up the
 * left from 0 to max. */
static void timeline_axes(struct out *o, unsigned left, unsigned right,
			  unsigned top, unsigned bottom, uint64_t max,
			  const char *first, const char *last)
{
	char text_at[512];

	snprintf(text_at, sizeof text_at,
		 "<line class=\"axis\" x1=\"%u\" y1=\"%u\" x2=\"%u\" "
		 "y2=\"%u\"/><line class=\"axis\" x1=\"%u\" y1=\"%u\" "
		 "x2=\"%u\" y2=\"%u\"/>\n<text x=\"%u\" y=\"%u\" "
		 "text-anchor=\"end\">%llu</text><text x=\"%u\" y=\"%u\" "
		 "text-anchor=\"end\">0</text>\n<text x=\"%u\" y=\"%u\">",
		 left, bottom, right, bottom, left, top, left, bottom, left - 6,
		 top + 8, (unsigned long long)max, left - 6, bottom, left,
		 bottom + 18);
	out_str(o, text_at);
	text(o, first);
	snprintf(text_at, sizeof text_at, "</text><text x=\"%u\" y=\"%u\" "
		 "text-anchor=\"end\">", right, bottom + 18);
	out_str(o, text_at);
	text(o, last);
	LIT(o, "</text>\n");
}

static void timeline_chart(struct out *o, const struct timeline *t,
			   int64_t interval_us)
{
	const unsigned left = 56, plot_w = 900, plot_h = 180, top = 8;
	uint64_t max = 0;
	char first[32], last[32];
	double w;

	for (size_t i = 0; i < t->nbars; i++)
		if (timeline_bar_flows(&t->bars[i]) > max)
			max = timeline_bar_flows(&t->bars[i]);
	w = (double)plot_w / (double)(t->nbars ? t->nbars : 1);
	if (w > 48)	/* a few intervals: bars, not a wall */
		w = 48;
	LIT(o, "<figure><svg role=\"img\" viewBox=\"0 0 ");
	out_u64(o, left + plot_w + 10);
	out_char(o, ' ');
	out_u64(o, top + plot_h + 24);
	LIT(o, "\" width=\"100%\"><title>Flows per interval by verdict"
	       "</title>\n");
	bar_time(first, sizeof first, t->origin_us);
	bar_time(last, sizeof last, bar_start(t, t->nbars));
	timeline_axes(o, left, left + (unsigned)(w * (double)t->nbars + 0.5),
		      top, top + plot_h, max, first, last);
	for (size_t i = 0; i < t->nbars; i++) {
		unsigned h = svg_scale(timeline_bar_flows(&t->bars[i]), max,
				       plot_h);

		timeline_bar(o, t, i, left + w * (double)i + (w > 3 ? 0.5 : 0),
			     w > 3 ? w - 1 : w, h, top + plot_h);
	}
	LIT(o, "</svg><figcaption>");
	textf(o, "Flows active in each %lld s, stacked by verdict",
	      (long long)(t->bar_us / 1000000));
	if (interval_us > 0 && t->bar_us > interval_us)
		textf(o, " (a bar sums %lld intervals: a flow active in "
		      "several counts in each)",
		      (long long)(t->bar_us / interval_us));
	textf(o, "; the highest bar holds %llu flows.",
	      (unsigned long long)max);
	LIT(o, "</figcaption></figure>\n");
}

static void timeline_section(struct out *o, const struct summary_view *s)
{
	const struct timeline *t = s->timeline;

	LIT(o, "<section id=\"timeline\">\n<h2>Timeline</h2>\n");
	if (!t || !t->nbars) {
		LIT(o, "<p>No interval to show");
		if (!s->interval_us)
			LIT(o, " (--interval 0 keeps none)");
		LIT(o, ".</p>\n</section>\n");
		return;
	}
	verdict_key(o);
	timeline_chart(o, t, s->interval_us);
	timeline_table(o, t);
	LIT(o, "</section>\n");
}

/* --- 6. coverage --- */

static const char *const coverage_titles[COVERAGE_STATUS_COUNT] = {
	"succeeded", "failed", "undetermined", "not seen", "not applicable",
};
static const char *const coverage_classes[COVERAGE_STATUS_COUNT] = {
	"c0", "c1", "c2", "c3", "c4",
};

static void coverage_row(struct out *o, const struct catalogue *cat,
			 const struct rule *r, const struct rule_counts *rc,
			 enum coverage_status st)
{
	char ports[256];

	ports_format(r->ports, r->nports, ports, sizeof ports);
	LIT(o, "<tr><td class=\"mono\"");
	if (r->comment) {
		LIT(o, " title=\"");
		text(o, r->comment);
		out_char(o, '"');
	}
	out_char(o, '>');
	text(o, r->id);
	LIT(o, "</td>");
	text_cell(o, cat->tags[r->tag]);
	LIT(o, "<td>");
	text(o, r->from_name);
	LIT(o, " &rarr; ");
	text(o, r->to_name);
	LIT(o, "</td><td class=\"mono\">");
	text(o, r->l4 == PROTO_UDP ? "udp " : r->l4 == PROTO_TCP ? "tcp "
		: r->l4 ? "tcp/udp " : "");
	text(o, r->nports ? ports : "no ports");
	LIT(o, "</td><td><span class=\"b ");
	out_str(o, coverage_classes[st]);
	LIT(o, "\">");
	text(o, coverage_titles[st]);
	LIT(o, "</span>");
	if (r->debug)
		LIT(o, " debug");
	if (r->twin_of >= 0)
		LIT(o, " TM twin");
	LIT(o, "</td>");
	num_cell(o, rc->c.flows);
	num_cell(o, rc->succeeded);
	num_cell(o, rc->failed);
	num_cell(o, rc->c.packets);
	num_cell(o, rc->c.bytes);
	LIT(o, "</tr>\n");
}

static void coverage_section(struct out *o, const struct summary_view *s)
{
	size_t n;
	const struct rule *rules = classifier_rules(s->cls, &n);
	const struct catalogue *cat = classifier_catalogue(s->cls);
	uint64_t by_status[COVERAGE_STATUS_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++)
		by_status[coverage_status(s->cls, i, &s->tally->per_rule[i])]++;
	LIT(o, "<section id=\"coverage\">\n<h2>Coverage of the catalogue"
	       "</h2>\n<p class=\"note\">Every documented flow, in the "
	       "catalogue's order: did it succeed, fail (tried, never "
	       "succeeding), stay undetermined, go unseen, or not apply (a "
	       "role has no host in the site)?</p>\n<div class=\"figs\">\n");
	for (int st = 0; st < COVERAGE_STATUS_COUNT; st++)
		figure(o, "", by_status[st], coverage_titles[st], "rules");
	LIT(o, "</div>\n");
	stacked_bar(o, by_status, coverage_titles, coverage_classes,
		    COVERAGE_STATUS_COUNT, "rules", 1000, 16);
	LIT(o, "<div class=\"key\">");
	for (int st = 0; st < COVERAGE_STATUS_COUNT; st++)
		key_item(o, coverage_classes[st], coverage_titles[st]);
	LIT(o, "</div>\n<div class=\"scroll\"><table class=\"sort\">"
	       "<thead><tr><th>rule</th>"
	       "<th>tag</th><th>from &rarr; to</th><th>ports</th>"
	       "<th>status</th><th class=\"n\">flows</th>"
	       "<th class=\"n\">succeeded</th><th class=\"n\">failed</th>"
	       "<th class=\"n\">packets</th><th class=\"n\">bytes</th></tr>"
	       "</thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		coverage_row(o, cat, &rules[i], &s->tally->per_rule[i],
			     coverage_status(s->cls, i, &s->tally->per_rule[i]));
	LIT(o, "</tbody></table></div>\n</section>\n");
}

/* --- 7. silent inventory hosts --- */

/* The single hosts the site lists for role that never appeared, at most
 * LUCS_ROLE_LISTED; how many there are. */
static size_t silent_hosts(struct out *o, const struct summary_view *s,
			   size_t role)
{
	const struct site *site = classifier_site(s->cls);
	size_t n = 0;
	char addr[64];

	for (size_t i = 0; site && i < site->nprefixes; i++) {
		const struct prefix *p = &site->prefixes[i];

		if (!(p->roles >> role & 1) || !prefix_is_host(p) ||
		    role_tally_seen(&s->tally->roles, p->family, p->addr))
			continue;
		if (n++ >= LUCS_ROLE_LISTED)
			continue;
		if (o) {
			if (n > 1)
				LIT(o, ", ");
			prefix_format(p, addr, sizeof addr);
			text(o, addr);
		}
	}
	return n;
}

static void silent_section(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);
	char listed[1024];
	size_t rows = 0;

	LIT(o, "<section id=\"silent\">\n<h2>Silent inventory hosts</h2>\n");
	if (!classifier_has_site(s->cls)) {
		LIT(o, "<p>No site inventory (--site): no host is listed.</p>\n"
		       "</section>\n");
		return;
	}
	LIT(o, "<p class=\"note\">Hosts the site lists that never appeared "
	       "in a flow: an address typo, or a host that was down.</p>\n");
	for (size_t r = 0; r < cat->nroles; r++) {
		size_t n = silent_hosts(NULL, s, r);

		if (!n)
			continue;
		if (!rows++)
			LIT(o, "<div class=\"scroll\"><table class=\"sort\">"
			       "<thead><tr><th>role</th>"
			       "<th>listed</th><th class=\"n\">addresses seen"
			       "</th><th class=\"n\">never seen</th>"
			       "<th>hosts never seen</th></tr></thead>\n"
			       "<tbody>\n");
		role_prefixes_text(s, r, false, ", ", LUCS_TEXT_LISTED, listed,
				   sizeof listed);
		LIT(o, "<tr class=\"hot\">");
		text_cell(o, cat->roles[r]);
		LIT(o, "<td class=\"mono\">");
		text(o, listed);
		LIT(o, "</td>");
		num_cell(o, role_tally_hosts(&s->tally->roles, s->cls, r));
		num_cell(o, n);
		LIT(o, "<td class=\"mono\">");
		silent_hosts(o, s, r);
		if (n > LUCS_ROLE_LISTED)
			textf(o, " and %zu more", n - LUCS_ROLE_LISTED);
		LIT(o, "</td></tr>\n");
	}
	if (rows)
		LIT(o, "</tbody></table></div>\n");
	else
		LIT(o, "<p>None: every host the site lists was seen.</p>\n");
	LIT(o, "</section>\n");
}

/* --- the page --- */

static void html_summary(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;

	page_head(o, s);
	provenance(sk, s);
	totals(o, s);
	out_end_record(o);
	failed_section(sk, s);
	roles_section(o, s);
	out_end_record(o);
	timeline_section(o, s);
	out_end_record(o);
	unexpected_section(sk, s);
	out_end_record(o);
	coverage_section(o, s);
	silent_section(o, s);
	LIT(o, "<footer>Written by lucsaudit ");
	text(o, s->run ? s->run->version : "");
	LIT(o, ". The page is self-contained: it loads nothing from anywhere."
	       "</footer>\n<script>\n");
	out_write(o, page_script, sizeof page_script - 1);
	LIT(o, "</script>\n</body>\n</html>\n");
}

const struct report_writer report_writer_html = {
	.name = "html",
	.summary = html_summary,
};
