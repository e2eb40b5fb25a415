/* test_report_html.c: the --html page: every string from the capture, the
 * command line or the YAML files escaped (a rule id, a role name, a file
 * name and a comment holding markup, quotes and ampersands), no external
 * URL, one script (the page's own); tables capped at LUCS_HTML_GROUPS
 * rows; the charts' lengths (svg.c) adding
 * up to their totals and never dividing by zero on an empty capture; the
 * timeline's bars merging in pairs with every total kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classified.h"
#include "report.h"
#include "site.h"
#include "svg.h"
#include "timeline.h"
#include "tunables.h"

#define S(sec) ((int64_t)(sec) * 1000000)

/* --- escaping --- */

/* out's bytes so far, as a string the caller frees. */
static char *out_text(struct out *o)
{
	char *s = malloc(o->len + 1);

	assert_non_null(s);
	memcpy(s, o->buf, o->len);
	s[o->len] = '\0';
	return s;
}

static void test_html_escape(void **state)
{
	struct out o;
	char *s;

	(void)state;
	assert_int_equal(out_open(&o, "/dev/null", false), 0);
	out_html_str(&o, "<script>alert(\"x\")</script> & 'q' plain");
	s = out_text(&o);
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script"
			       "&gt; &amp; &#39;q&#39; plain");
	free(s);
	o.len = 0;
	out_html_str(&o, "");
	assert_int_equal(o.len, 0);
	out_html_str(&o, "&&");
	s = out_text(&o);
	assert_string_equal(s, "&amp;&amp;");
	free(s);
	o.len = 0;
	out_close(&o);
}

/* --- chart arithmetic --- */

static unsigned sum(const unsigned *parts, size_t n)
{
	unsigned t = 0;

	for (size_t i = 0; i < n; i++)
		t += parts[i];
	return t;
}

static void test_svg_split_adds_up(void **state)
{
	const uint64_t thirds[3] = { 1, 1, 1 };
	const uint64_t skewed[4] = { 1000000000, 1, 0, 3 };
	const uint64_t zero[4] = { 0, 0, 0, 0 };
	const uint64_t huge[2] = { UINT64_MAX, UINT64_MAX / 3 };
	unsigned parts[4];

	(void)state;
	svg_split(thirds, 3, 1000, parts);
	assert_int_equal(sum(parts, 3), 1000);
	assert_true(parts[0] >= 333 && parts[0] <= 334);
	svg_split(skewed, 4, 180, parts);
	assert_int_equal(sum(parts, 4), 180);
	assert_int_equal(parts[2], 0);	/* nothing gets nothing */
	svg_split(zero, 4, 1000, parts);	/* an empty capture */
	assert_int_equal(sum(parts, 4), 0);
	svg_split(huge, 2, 7, parts);
	assert_int_equal(sum(parts, 2), 7);
	svg_split(thirds, 3, 0, parts);
	assert_int_equal(sum(parts, 3), 0);
	svg_split(thirds, 3, 2, parts);	/* fewer units than values */
	assert_int_equal(sum(parts, 3), 2);
}

static void test_svg_scale(void **state)
{
	(void)state;
	assert_int_equal(svg_scale(0, 0, 180), 0);	/* no divide by zero */
	assert_int_equal(svg_scale(5, 0, 180), 0);
	assert_int_equal(svg_scale(10, 10, 180), 180);
	assert_int_equal(svg_scale(20, 10, 180), 180);	/* never beyond */
	assert_int_equal(svg_scale(5, 10, 180), 90);
	assert_int_equal(svg_scale(1, 1000000000, 180), 1);	/* still shows */
	assert_int_equal(svg_scale(UINT64_MAX / 2, UINT64_MAX, 100), 50);
}

/* --- the timeline --- */

static void test_timeline_merges_in_pairs(void **state)
{
	struct timeline *t = calloc(1, sizeof *t);
	struct counts v[VERDICT_COUNT];
	uint64_t flows = 0, unexpected = 0;
	const size_t n = 3 * LUCS_TIMELINE_BARS + 5;

	(void)state;
	assert_non_null(t);
	memset(v, 0, sizeof v);
	v[VERDICT_EXPECTED].flows = 2;
	v[VERDICT_UNEXPECTED].flows = 1;
	for (size_t i = 0; i < n; i++)
		timeline_add(t, S(1000) + (int64_t)i * S(60), S(60), v);
	assert_true(t->nbars <= LUCS_TIMELINE_BARS);
	assert_int_equal(t->origin_us, S(1000));
	assert_int_equal(t->bar_us, S(60) * 4);	/* merged twice */
	for (size_t i = 0; i < t->nbars; i++) {
		flows += timeline_bar_flows(&t->bars[i]);
		unexpected += t->bars[i].verdicts[VERDICT_UNEXPECTED].flows;
	}
	assert_int_equal(flows, 3 * n);
	assert_int_equal(unexpected, n);
	/* a gap leaves empty bars; a time before the first counts in bar 0 */
	timeline_add(t, S(0), S(60), v);
	assert_int_equal(t->bars[0].verdicts[VERDICT_EXPECTED].flows, 4 * 2 + 2);
	free(t);
}

/* --- the page --- */

static const char rules_yaml[] =
	"version: 1\n"
	"roles: [web_client, web_server]\n"
	"rules:\n"
	"  - {id: web, from: web_client, to: web_server, proto: tcp,\n"
	"     ports: 443, tag: LUCS,\n"
	"     comment: \"<script>alert('c')</script> & \\\"quoted\\\"\"}\n"
	"  - {id: web-alt, from: web_client, to: web_server, proto: tcp,\n"
	"     ports: 8443, tag: LUCS}\n";

/* 10.10.0.9 is listed and never seen: a silent host. */
static const char site_yaml[] =
	"roles:\n"
	"  web_client: [\"10.20.0.0/16\"]\n"
	"  web_server: [\"10.10.0.1\", \"10.10.0.9\"]\n";

#define EVIL_ROLE "<img src=x onerror=\"alert(1)\">&role"
#define EVIL_ID "id<b>&\"'"
#define EVIL_FILE "cap<script>alert(2)</script>&'.pcap"
#define EVIL_FILTER "tcp && \"port 443\""

struct fx {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
	struct out out;
	struct report *r;
	struct run_input run_input;
	struct run_info run;
	const char *args[2];
};

/* A catalogue and site that load, then names a loader would refuse, as a
 * writer must survive them all the same. */
static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct load_error err;
	struct rule *rules;
	size_t n;

	if (!x)
		return -1;
	memset(&err, 0, sizeof err);
	x->cat = catalogue_new();
	if (!x->cat || !catalogue_load_string(x->cat, "r.yaml", rules_yaml,
					      strlen(rules_yaml), &err))
		return -1;
	x->site = site_load_string("s.yaml", site_yaml, strlen(site_yaml),
				   x->cat, &err);
	if (!x->site || !(x->cls = classifier_new(x->cat, x->site, &err)))
		return -1;
	for (size_t r = 0; r < x->cat->nroles; r++)
		if (strcmp(x->cat->roles[r], "web_client") == 0) {
			free(x->cat->roles[r]);
			x->cat->roles[r] = strdup(EVIL_ROLE);
		}
	rules = (struct rule *)classifier_rules(x->cls, &n);
	free(rules[1].id);
	rules[1].id = strdup(EVIL_ID);
	x->run_input = (struct run_input){ EVIL_FILE, 1234 };
	x->args[0] = "-r";
	x->args[1] = EVIL_FILE;
	x->run = (struct run_info){
		.version = "9.9<&>", .filter = EVIL_FILTER,
		.program = "lucsaudit", .args = x->args, .nargs = 2,
		.inputs = &x->run_input, .ninputs = 1,
	};
	if (out_open(&x->out, "/dev/null", false) != 0)
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	report_free(x->r);
	out_close(&x->out);
	classifier_free(x->cls);
	site_free(x->site);
	catalogue_free(x->cat);
	free(x);
	return 0;
}

static void open_report(struct fx *x, int64_t interval_us)
{
	struct report_config rc = {
		.writer = &report_writer_json, .out = &x->out,
		.page = &report_writer_html, .cls = x->cls,
		.interval_us = interval_us, .answer_wait_us = S(3),
		.run = &x->run, .flow_slots = flow_table_slots(16),
	};

	x->r = report_new(&rc);
	assert_non_null(x->r);
}

/* A flow from 10.20.0.client to 10.10.0.1:port, ended at end seconds;
 * answered: it succeeded, else it was a lone SYN. */
static void flow(struct fx *x, uint16_t client, uint16_t port, int64_t at,
		 bool answered)
{
	struct flow f = classified_flow(x->cls, client, (uint16_t)(40000 + client),
					1, IPPROTO_NUM_TCP, port);
	unsigned c = f.client, s = c ^ 1u;

	report_clock(x->r, S(at));
	f.first_us = S(at);
	f.last_us = S(at) + 1000;
	f.packets[c] = answered ? 3 : 1;
	f.bytes[c] = answered ? 300 : 60;
	f.packets[s] = answered ? 2 : 0;
	f.bytes[s] = answered ? 200 : 0;
	f.state = answered ? TCP_STATE_CLOSED : TCP_STATE_ATTEMPTED;
	report_count(x->r, &f, client % 16, f.packets[c] + f.packets[s],
		     f.bytes[c] + f.bytes[s], true);
	report_flow_end(x->r, &f, FLOW_END_IDLE, S(at + 100), NULL, NULL);
}

/* The page of a summary now, as a string the caller frees. */
static char *page(struct fx *x, int64_t now)
{
	struct frame_counts fc = { .packets_read = 7, .timed = 1,
				   .first_us = S(10), .last_us = S(now) };
	struct flow_stats fs = { .created = 3 };
	struct input_info in = { EVIL_FILE, 7, NULL };
	struct out pg;
	struct summary_input si = { &fc, &fs, &in, 1, NULL };
	struct summary_to to = { &pg, true };
	char *s;

	report_close_interval(x->r, S(now));
	/* far below LUCS_WRITE_BUFFER / 2: the page stays in the buffer */
	assert_int_equal(out_open(&pg, "/dev/null", false), 0);
	report_summary_to(x->r, &si, &to);
	assert_int_equal(out_error(&pg), 0);
	s = out_text(&pg);
	out_close(&pg);
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_page_escapes_every_name(void **state)
{
	struct fx *x = *state;
	char *s;

	open_report(x, S(60));
	flow(x, 5, 443, 10, true);
	flow(x, 6, 8443, 20, true);
	flow(x, 7, 3389, 30, true);	/* undocumented */
	s = page(x, 90);
	assert_non_null(strstr(s, "<!DOCTYPE html>"));
	assert_non_null(strstr(s, "</html>\n"));
	/* markup from the inputs shows as text, never as markup */
	assert_null(strstr(s, "<script>alert"));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "<b>&"));
	assert_int_equal(count(s, "<script"), 1);	/* the page's own */
	assert_non_null(strstr(s, "cap&lt;script&gt;alert(2)&lt;/script&gt;"
				  "&amp;&#39;.pcap"));
	assert_non_null(strstr(s, "&lt;img src=x onerror=&quot;alert(1)"
				  "&quot;&gt;&amp;role"));
	assert_non_null(strstr(s, "id&lt;b&gt;&amp;&quot;&#39;"));
	assert_non_null(strstr(s, "tcp &amp;&amp; &quot;port 443&quot;"));
	assert_non_null(strstr(s, "title=\"&lt;script&gt;alert(&#39;c&#39;)"
				  "&lt;/script&gt; &amp; &quot;quoted&quot;\""));
	assert_non_null(strstr(s, "9.9&lt;&amp;&gt;"));
	/* nothing loads from elsewhere */
	assert_null(strstr(s, "http://"));
	assert_null(strstr(s, "https://"));
	assert_null(strstr(s, " src=\""));
	assert_null(strstr(s, " href=\""));
	assert_null(strstr(s, "<link"));
	assert_null(strstr(s, "@import"));
	/* the silent host, the undocumented port */
	assert_non_null(strstr(s, "10.10.0.9"));
	assert_non_null(strstr(s, "3389/tcp"));
	free(s);
}

/* The sum of the numbers after each key in s up to end. */
static uint64_t sum_after(const char *s, const char *end, const char *key)
{
	uint64_t total = 0;

	for (const char *p = s; (p = strstr(p, key)) && p < end; p++)
		total += strtoull(p + strlen(key), NULL, 10);
	return total;
}

/* The verdict bar: its parts fill it and their figures add up to the
 * flows; the tallest timeline bar's parts fill the chart's height. */
static void test_page_bars_add_up(void **state)
{
	struct fx *x = *state;
	const char *bar, *end, *tl;
	char *s;

	open_report(x, S(60));
	for (uint16_t c = 1; c <= 6; c++)
		flow(x, c, 443, 10 + c, true);
	flow(x, 20, 3389, 70, true);
	flow(x, 21, 3389, 75, true);
	flow(x, 22, 8443, 130, false);	/* failed */
	s = page(x, 190);
	bar = strstr(s, "<svg class=\"stack\"");
	assert_non_null(bar);
	assert_non_null(strstr(bar, "data-total=\"9\""));
	bar = strchr(bar, '>');	/* past the svg's own width */
	end = strstr(bar, "</svg>");
	assert_int_equal(sum_after(bar, end, "\" width=\""), 1000);
	assert_int_equal(sum_after(bar, end, "data-n=\""), 9);
	/* the timeline: three intervals, the first the tallest (6 flows) */
	tl = strstr(s, "<section id=\"timeline\">");
	assert_non_null(tl);
	end = strstr(tl, "</g>");
	assert_non_null(end);
	assert_int_equal(sum_after(strstr(tl, "<g><title>"), end,
				   " height=\""), 180);
	assert_non_null(strstr(tl, "6 flows: 6 expected"));
	assert_non_null(strstr(s, "unanswered"));
	free(s);
}

/* Nothing captured: no bar, no divide by zero, words instead. */
static void test_page_empty_capture(void **state)
{
	struct fx *x = *state;
	const char *bar, *rect;
	char *s;

	open_report(x, S(60));
	s = page(x, 0);
	bar = strstr(s, "<svg class=\"stack\"");
	assert_non_null(bar);
	assert_true(strstr(bar, "data-total=\"0\"") < strchr(bar, '>'));
	rect = strstr(bar, "<rect");
	assert_true(!rect || rect > strstr(bar, "</svg>"));
	assert_non_null(strstr(s, "No flow between hosts of the site"));
	assert_non_null(strstr(s, "No interval to show"));
	assert_non_null(strstr(s, "<section id=\"failed\">\n<h2>Failed "
				  "documented connections</h2>\n<p>None"));
	free(s);
	report_free(x->r);
	open_report(x, 0);	/* --interval 0 */
	s = page(x, 0);
	assert_non_null(strstr(s, "--interval 0 keeps none"));
	free(s);
}

/* A table lists LUCS_HTML_GROUPS groups and says how many more there
 * are, in words, not in escaped markup. */
static void test_page_caps_its_tables(void **state)
{
	struct fx *x = *state;
	char *s;

	open_report(x, S(60));
	for (uint16_t i = 0; i < LUCS_HTML_GROUPS + 3; i++)
		flow(x, 9, (uint16_t)(10000 + i), 10, true);
	s = page(x, 60);
	assert_int_equal(count(s, "<td class=\"mono\">10.10.0.1</td>"),
			 LUCS_HTML_GROUPS);
	assert_non_null(strstr(s, "<p class=\"note\">and 3 more groups (-F "
				  "json lists every one)</p>"));
	free(s);
}

/* A page asked for mid-run (SIGUSR1, SIGHUP): its timeline holds the
 * interval under way, which the report has not written yet. */
static void test_page_snapshot_has_interval_under_way(void **state)
{
	struct fx *x = *state;
	struct frame_counts fc = { .packets_read = 3 };
	struct flow_stats fs = { .created = 3 };
	struct out pg;
	struct summary_input si = { &fc, &fs, NULL, 0, NULL };
	struct summary_to to = { &pg, true };
	char *s;

	open_report(x, S(60));
	flow(x, 1, 443, 10, true);
	flow(x, 2, 3389, 70, true);	/* the interval from 60 s, under way */
	assert_int_equal(out_open(&pg, "/dev/null", false), 0);
	assert_true(report_snapshot_begin(x->r));
	report_snapshot_end_to(x->r, &si, &to);
	s = out_text(&pg);
	out_close(&pg);
	assert_non_null(strstr(s, "(so far)</title>"));
	assert_non_null(strstr(s, "1 flows: 1 expected"));
	assert_non_null(strstr(s, "1 flows: 0 expected, 0 debug, 1 unexpected"));
	free(s);
}

/* A page alone (SIGHUP): no summary record on the report's output. */
static void test_page_only_writes_no_record(void **state)
{
	struct fx *x = *state;
	size_t before;
	char *s;

	open_report(x, S(60));
	before = x->out.len;
	s = page(x, 0);
	assert_int_equal(x->out.len, before);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_svg_split_adds_up),
		cmocka_unit_test(test_svg_scale),
		cmocka_unit_test(test_timeline_merges_in_pairs),
		cmocka_unit_test_setup_teardown(test_page_escapes_every_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_bars_add_up, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_page_empty_capture, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_page_caps_its_tables, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_page_snapshot_has_interval_under_way, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_page_only_writes_no_record,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
