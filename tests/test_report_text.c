/* test_report_text.c: the text writer's flow table (report-text.c), as
 * lucsaudit(1), Text, describes it: today's full width without one, the
 * columns a width drops and in what order, values that never run into
 * each other and stay under their names whatever they hold (the longest
 * IPv6 endpoints, 20-digit counts, 64 rule ids of 64 characters), the
 * endpoints' line of their own, shortened values, colours by verdict and
 * outcome, and --sort's flows held to the end, sorted, in batches. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classified.h"
#include "report.h"
#include "tunables.h"

#define S(sec) ((int64_t)(sec) * 1000000)

static const char rules_yaml[] =
	"version: 1\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp, ports: 443, tag: LUCS}\n";

/* --- rendering ------------------------------------------------------------ */

/* What was written to o: the records are still in its buffer (tests
 * write less than it hands on at once). */
static char *written(const struct out *o)
{
	char *text = malloc(o->len + 1);

	assert_non_null(text);
	memcpy(text, o->buf, o->len);
	text[o->len] = '\0';
	return text;
}

/* The header and the views' lines, as the text writer writes them at
 * width (0: none). */
static char *render(int width, bool color, const struct flow_view *v,
		    size_t n)
{
	struct out out;
	struct sink sk;
	char *text;

	assert_int_equal(out_open(&out, "/dev/null", false), 0);
	memset(&sk, 0, sizeof sk);
	sk.out = &out;
	sk.color = color;
	sk.width = width;
	report_writer_text.begin(&sk);
	for (size_t i = 0; i < n; i++) {
		report_writer_text.flow(&sk, &v[i]);
		out_end_record(&out);
	}
	report_writer_text.end(&sk);
	assert_null(sk.state);
	text = written(&out);
	assert_int_equal(out_close(&out), 0);
	return text;
}

/* An ordinary flow: every value one word, no wider than its column. */
static struct flow_view plain_view(void)
{
	struct flow_view v;

	memset(&v, 0, sizeof v);
	v.proto = "tcp";
	v.family = 4;
	strcpy(v.client, "10.20.1.102");
	strcpy(v.server, "10.10.0.12");
	v.has_ports = true;
	v.client_port = 50903;
	v.server_port = 4443;
	v.packets_c2s = 10;
	v.packets_s2c = 5;
	v.bytes_c2s = 1342;
	v.bytes_s2c = 1832;
	v.first_us = S(1710234005);
	v.last_us = v.first_us + 4202000;
	v.tcp_state = "closed";
	v.outcome_id = OUTCOME_SUCCEEDED;
	v.outcome = "succeeded";
	v.verdict_id = VERDICT_EXPECTED;
	v.verdict = "expected";
	v.tags[v.ntags++] = "LUCS";
	v.rules[v.nrules++] = "agent-webconfig-02";
	return v;
}

/* A flow that came through VXLAN, then GRE over IPv6. */
static const struct tunnel_path vxlan_gre = {
	.depth = 2,
	.layer = {
		{ .type = TUNNEL_VXLAN, .family = 4, .has_id = true, .id = 100,
		  .src = { 10, 30, 0, 2 }, .dst = { 10, 30, 0, 100 } },
		{ .type = TUNNEL_GRE, .family = 6,
		  .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
		  .dst = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
	},
};

/* Tunnels as deep as they go, every layer with the longest addresses. */
static struct tunnel_path deepest_path;

static void make_deepest_path(void)
{
	deepest_path.depth = LUCS_MAX_TUNNEL_DEPTH;
	for (size_t i = 0; i < LUCS_MAX_TUNNEL_DEPTH; i++) {
		struct tunnel_layer *l = &deepest_path.layer[i];

		l->type = TUNNEL_ERSPAN;
		l->family = 6;
		l->has_id = true;
		l->id = UINT32_MAX;
		memset(l->src, 0xff, sizeof l->src);
		memset(l->dst, 0xfe, sizeof l->dst);
	}
}

static char long_ids[64][CAT_MAX_ID + 1];
static char long_tags[CAT_MAX_TAGS][CAT_MAX_TAG + 1];

/* Flows whose every value is as long as it can be. */
static size_t extreme_views(struct flow_view *v)
{
	size_t n = 0;

	make_deepest_path();
	for (size_t i = 0; i < 64; i++) {
		memset(long_ids[i], 'a' + (char)(i % 26), CAT_MAX_ID);
		long_ids[i][CAT_MAX_ID] = '\0';
	}
	for (size_t i = 0; i < CAT_MAX_TAGS; i++) {
		memset(long_tags[i], 'A' + (char)(i % 26), CAT_MAX_TAG);
		long_tags[i][CAT_MAX_TAG] = '\0';
	}
	/* the longest IPv6 endpoints, counts and durations, every rule */
	v[n] = plain_view();
	v[n].family = 6;
	strcpy(v[n].client, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	strcpy(v[n].server, "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	v[n].client_port = v[n].server_port = 65535;
	v[n].packets_c2s = v[n].bytes_c2s = UINT64_MAX;
	v[n].packets_s2c = v[n].bytes_s2c = UINT64_MAX - 1;
	v[n].first_us = S(0);
	v[n].last_us = S(4294967295);
	v[n].tcp_state = "established";
	v[n].outcome_id = OUTCOME_UNDETERMINED;
	v[n].outcome = "undetermined";
	v[n].verdict_id = VERDICT_OUT_OF_SCOPE;
	v[n].verdict = "out_of_scope";
	v[n].ntags = CAT_MAX_TAGS;
	for (size_t i = 0; i < CAT_MAX_TAGS; i++)
		v[n].tags[i] = long_tags[i];
	v[n].nrules = 64;
	for (size_t i = 0; i < 64; i++)
		v[n].rules[i] = long_ids[i];
	n++;
	/* an IPv4 one as long, a protocol number, a reason, no port */
	v[n] = v[0];
	v[n].family = 4;
	strcpy(v[n].client, "255.255.255.255");
	strcpy(v[n].server, "255.255.255.254");
	v[n].proto = "253";
	v[n].has_ports = false;
	v[n].tcp_state = NULL;
	v[n].reason = "undocumented_port";
	v[n].verdict_id = VERDICT_UNEXPECTED;
	v[n].verdict = "unexpected";
	n++;
	/* the longest IPv4 endpoints with ports, one rule too long */
	v[n] = plain_view();
	strcpy(v[n].client, "255.255.255.255");
	strcpy(v[n].server, "255.255.255.254");
	v[n].client_port = v[n].server_port = 65535;
	v[n].rules[0] = long_ids[0];
	v[n].ntags = 0;
	n++;
	/* short IPv6 endpoints fit their columns */
	v[n] = plain_view();
	v[n].family = 6;
	strcpy(v[n].client, "::1");
	strcpy(v[n].server, "2001:db8::1");
	n++;
	/* before 1970 and a negative duration: no column for a sign */
	v[n] = plain_view();
	v[n].first_us = -S(86400) - 1;
	v[n].last_us = -S(90000);
	n++;
	/* the longest protocol name, no port, every note as long as it
	 * comes: a role_mismatch's detail (a word longer than any line of
	 * it) and the deepest tunnel path */
	v[n] = v[1];
	v[n].proto = "mpls-in-ip";
	v[n].reason = "role_mismatch";
	memset(v[n].mismatch, 'r', sizeof v[n].mismatch - 1);
	for (size_t i = 5; i < sizeof v[n].mismatch - 1; i += 6 + i % 50)
		v[n].mismatch[i] = ' ';
	v[n].mismatch[sizeof v[n].mismatch - 1] = '\0';
	v[n].tunnel = &deepest_path;
	n++;
	return n;
}

/* --- reading lines back --------------------------------------------------- */

/* Words of a line and where they start and end (0-based). */
struct words {
	size_t n;
	int start[64], end[64];
};

static void split_words(const char *line, size_t len, struct words *w)
{
	w->n = 0;
	for (size_t i = 0; i < len;) {
		if (line[i] == ' ') {
			i++;
			continue;
		}
		assert_true(w->n < 64);
		w->start[w->n] = (int)i;
		while (i < len && line[i] != ' ')
			i++;
		w->end[w->n++] = (int)i;
	}
}

/* The line-th line of text (0-based): its start, and its length. */
static const char *nth_line(const char *text, size_t line, size_t *len)
{
	const char *p = text;

	for (; line > 0 && p; line--)
		if ((p = strchr(p, '\n')))
			p++;
	assert_non_null(p);
	*len = strcspn(p, "\n");
	return p;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Is word k of got right of where ref has it only because the word before
 * it is wider than its column (and it follows that one a space or two
 * after)? */
static bool pushed(const struct words *got, const struct words *ref,
		   size_t k)
{
	return k > 0 && got->start[k] > ref->start[k] &&
	       got->end[k - 1] >= ref->start[k] - 1 &&
	       got->start[k] - got->end[k - 1] <= 2;
}

/* --- tests ---------------------------------------------------------------- */

/* Without a width (a file, a pipe) the table is today's, byte for byte:
 * scripts and the replay tests' expected outputs stay as they were. */
static void test_text_full_width(void **state)
{
	struct flow_view v = plain_view();
	char *text = render(0, false, &v, 1);

	(void)state;
	assert_string_equal(text,
		"verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)       seconds  tags       rules\n"
		"expected     tcp    10.20.1.102:50903      10.10.0.12:4443        closed      succeeded          10        5       1342       1832  2024-03-12T09:00:05Z     4.202  LUCS       agent-webconfig-02\n");
	free(text);
}

/* An endpoint too wide for its column: both endpoints go blank and come
 * on the next line from where the client column starts; when the pair
 * would pass the width, the server takes a line of its own. */
static void test_text_endpoints_apart(void **state)
{
	struct flow_view v[8];
	char *text;
	const char *line;
	size_t len;

	(void)state;
	extreme_views(v);
	v[0] = plain_view();
	v[0].family = 6;
	strcpy(v[0].client, "2001:db8:20::221");
	v[0].client_port = 51221;
	strcpy(v[0].server, "2001:db8:10::11");
	v[0].server_port = 443;
	text = render(0, false, v, 1);
	line = nth_line(text, 1, &len);
	assert_memory_equal(line, "expected     tcp                                                  closed ", 71);
	line = nth_line(text, 2, &len);
	assert_int_equal(len, 20 + 49);
	assert_memory_equal(line, "                    [2001:db8:20::221]:51221 -> [2001:db8:10::11]:443", len);
	free(text);

	extreme_views(v);
	text = render(80, false, v, 1);
	assert_int_equal(count_lines(text), 4);
	line = nth_line(text, 2, &len);
	assert_int_equal(len, 20 + 47 + 3);
	assert_memory_equal(line, "                    [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 ->", len);
	line = nth_line(text, 3, &len);
	assert_memory_equal(line, "                    [fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", len);
	free(text);

	/* short IPv6 endpoints stay in their columns */
	extreme_views(v);
	text = render(0, false, &v[3], 1);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "\nexpected     tcp    [::1]:50903            [2001:db8::1]:4443     closed "));
	free(text);
}

/* The columns a width shows, by lucsaudit(1)'s drop order: seconds go
 * first, then tags, byte counts, state, packet counts, first seen and
 * rules; verdict, protocol, endpoints and outcome always stay. */
static void test_text_drop_order(void **state)
{
	static const struct {
		int width;
		const char *header;
	} cases[] = {
		{ 80, "verdict      proto  client                 server                outcome\n" },
		{ 97, "verdict      proto  client                 server                outcome\n" },
		{ 98, "verdict      proto  client                 server                outcome       rules\n" },
		{ 119, "verdict      proto  client                 server                outcome       rules\n" },
		{ 120, "verdict      proto  client                 server                outcome       first seen (UTC)      rules\n" },
		{ 137, "verdict      proto  client                 server                outcome       first seen (UTC)      rules\n" },
		{ 138, "verdict      proto  client                 server                outcome      pkts c>s pkts s>c  first seen (UTC)      rules\n" },
		{ 150, "verdict      proto  client                 server                outcome      pkts c>s pkts s>c  first seen (UTC)      rules\n" },
		{ 151, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  first seen (UTC)      rules\n" },
		{ 172, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  first seen (UTC)      rules\n" },
		{ 173, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)      rules\n" },
		{ 183, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)      rules\n" },
		{ 184, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)      tags       rules\n" },
		{ 193, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)      tags       rules\n" },
		{ 194, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)       seconds  tags       rules\n" },
		{ 0, "verdict      proto  client                 server                 state       outcome      pkts c>s pkts s>c  bytes c>s  bytes s>c  first seen (UTC)       seconds  tags       rules\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = render(cases[i].width, false, NULL, 0);

		assert_string_equal(text, cases[i].header);
		free(text);
	}
}

/* At every width from 80 to 200 columns, with values as long as they
 * come: no line is wider, and every flow line has as many words as an
 * ordinary one, each where the ordinary one's is (left-aligned values
 * start there, right-aligned ones end there). */
static void test_text_fits_every_width(void **state)
{
	struct flow_view v[8];
	size_t n;

	(void)state;
	n = extreme_views(v + 1) + 1;
	v[0] = plain_view();
	for (int width = 80; width <= 200; width++) {
		char *text = render(width, false, v, n);
		struct words ref, got;
		const char *line;
		size_t len, lines = count_lines(text);

		for (size_t i = 0; i < lines; i++) {
			line = nth_line(text, i, &len);
			if ((int)len > width)
				fail_msg("width %d, line %zu is %zu long: %.*s",
					 width, i, len, (int)len, line);
		}
		line = nth_line(text, 1, &len);
		split_words(line, len, &ref);
		for (size_t i = 2; i < lines; i++) {
			line = nth_line(text, i, &len);
			if (line[0] == ' ') {	/* endpoints' or notes' line */
				size_t lead = strspn(line, " ");

				if (lead != 20 && lead != 22)
					fail_msg("width %d: a line from %zu: %.*s",
						 width, lead, (int)len, line);
				continue;
			}
			split_words(line, len, &got);
			if (got.n == ref.n - 2) {	/* the endpoints apart */
				line = nth_line(text, i + 1, &len);
				assert_true(len > 20 && line[19] == ' ' &&
					    line[20] != ' ');
				assert_int_equal(strspn(line, " "), 20);
				continue;
			}
			if (got.n != ref.n)
				fail_msg("width %d: %zu words, not %zu: %.*s", width,
					 got.n, ref.n, (int)len, line);
			for (size_t k = 0; k < got.n; k++)
				if (got.start[k] != ref.start[k] &&
				    got.end[k] != ref.end[k] &&
				    !pushed(&got, &ref, k))
					fail_msg("width %d: word %zu out of its column: %.*s",
						 width, k, (int)len, line);
		}
		free(text);
	}
}

/* A protocol's IANA name longer than its column ("ipv6-route") is never
 * cut: it pushes the client right, a space after it, and the client's
 * room takes up the shift (such protocols have no ports), so that the
 * server and what follows stay in their columns; IPv6 addresses take the
 * endpoints' line. */
static void test_text_long_protocols(void **state)
{
	static const int widths[] = { 0, 80, 120, 200 };
	struct flow_view v[3];

	(void)state;
	v[0] = plain_view();
	v[1] = plain_view();
	v[1].proto = "ipv6-route";
	v[1].has_ports = false;
	v[1].tcp_state = NULL;
	strcpy(v[1].client, "255.255.255.255");
	strcpy(v[1].server, "255.255.255.254");
	v[2] = v[1];
	v[2].proto = "mpls-in-ip";
	v[2].family = 6;
	strcpy(v[2].client, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	strcpy(v[2].server, "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		char *text = render(widths[i], false, v, 3);
		const char *header, *plain, *route, *mpls, *apart;
		struct words ref, got;
		size_t len;

		header = nth_line(text, 0, &len);
		plain = nth_line(text, 1, &len);
		route = nth_line(text, 2, &len);
		mpls = nth_line(text, 3, &len);
		apart = nth_line(text, 4, &len);
		/* the endpoints' line: 102 columns, 2 lines at 80 */
		assert_int_equal(count_lines(text), widths[i] == 80 ? 6 : 5);
		assert_memory_equal(route, "expected     ipv6-route 255.255.255.255    255.255.255.254 ", 59);
		assert_memory_equal(mpls, "expected     mpls-in-ip                                         ", 64);
		assert_memory_equal(apart, widths[i] == 80
			? "                    ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ->\n"
			  "                    fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n"
			: "                    ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n",
			widths[i] == 80 ? 123 : 103);
		/* from the server on, each value where an ordinary flow's is */
		split_words(plain, strcspn(plain, "\n"), &ref);
		split_words(route, strcspn(route, "\n"), &got);
		assert_int_equal(got.n, ref.n);
		for (size_t k = 3; k < got.n; k++)
			assert_true(got.start[k] == ref.start[k] ||
				    got.end[k] == ref.end[k]);
		assert_memory_equal(header + ref.start[3], "server", 6);
		split_words(mpls, strcspn(mpls, "\n"), &got);
		assert_int_equal(got.n, ref.n - 2);
		for (size_t k = 2; k < got.n; k++)
			assert_true(got.start[k] == ref.start[k + 2] ||
				    got.end[k] == ref.end[k + 2]);
		free(text);
	}
}

/* What a role_mismatch saw and the tunnels a flow came through: without
 * a width on the flow's line, the first in the reason's parentheses, the
 * path after the last column; with a width on lines of their own under
 * the flow, from where the client column starts, folded to the width. */
static void test_text_notes(void **state)
{
	struct flow_view v = plain_view();
	char *text;

	(void)state;
	v.verdict_id = VERDICT_UNEXPECTED;
	v.verdict = "unexpected";
	v.ntags = 0;
	v.nrules = 0;
	v.server_port = 445;
	v.reason = "role_mismatch";
	strcpy(v.mismatch, "tcp/445 is documented from sfb_cms to "
	       "lucs_server_01/02; seen from agent_pc to lucs_server_02");
	v.tunnel = &vxlan_gre;
	text = render(0, false, &v, 1);
	assert_non_null(strstr(text, "\nunexpected   tcp    10.20.1.102:50903      10.10.0.12:445         closed      succeeded          10        5       1342       1832  2024-03-12T09:00:05Z     4.202  -          (role_mismatch: tcp/445 is documented from sfb_cms to lucs_server_01/02; seen from agent_pc to lucs_server_02)  via vxlan 10.30.0.2>10.30.0.100 id 100, gre 2001:db8::1>2001:db8::2\n"));
	assert_int_equal(count_lines(text), 2);
	free(text);

	text = render(80, false, &v, 1);
	assert_string_equal(text,
		"verdict      proto  client                 server                outcome\n"
		"unexpected   tcp    10.20.1.102:50903      10.10.0.12:445        succeeded\n"
		"                    tcp/445 is documented from sfb_cms to lucs_server_01/02;\n"
		"                      seen from agent_pc to lucs_server_02\n"
		"                    via vxlan 10.30.0.2>10.30.0.100 id 100, gre\n"
		"                      2001:db8::1>2001:db8::2\n");
	free(text);

	text = render(120, false, &v, 1);
	assert_non_null(strstr(text, "  succeeded     2024-03-12T09:00:05Z  (role_mismatch)\n"
		"                    tcp/445 is documented from sfb_cms to lucs_server_01/02; seen from agent_pc to lucs_server_02\n"
		"                    via vxlan 10.30.0.2>10.30.0.100 id 100, gre 2001:db8::1>2001:db8::2\n"));
	free(text);
}

/* Values too wide for their column, with a width: rules are whole names
 * then ",+N", or the first cut; counts go to k, M, G...; text is cut with
 * "...".  Without a width nothing is cut. */
static void test_text_shortened(void **state)
{
	struct flow_view v[2];
	char *text;

	(void)state;
	v[0] = plain_view();
	v[0].rules[0] = "agent-fe-01";
	v[0].rules[1] = "agent-fe-02";
	v[0].rules[2] = "agent-fe-03";
	v[0].nrules = 3;
	v[1] = plain_view();
	v[1].rules[0] = "a-rule-id-of-thirty-characters";
	v[1].nrules = 1;
	/* rules start at 79: 21 columns at 100 */
	text = render(100, false, v, 2);
	assert_non_null(strstr(text, "  agent-fe-01,+2\n"));
	assert_non_null(strstr(text, "  a-rule-id-of-thirt...\n"));
	free(text);

	v[0] = plain_view();
	v[0].packets_c2s = 123456789012ULL;
	v[0].packets_s2c = UINT64_MAX;
	text = render(138, false, v, 1);
	assert_non_null(strstr(text, " 123456M   18446P "));
	free(text);
	text = render(0, false, v, 1);
	assert_non_null(strstr(text, " 123456789012 18446744073709551615 "));
	free(text);
}

/* Colour, when asked for: the verdict by verdict, red for a documented
 * flow that failed; the outcome green, red when it failed, yellow when
 * undetermined.  Colour takes no room: the line is the same without. */
static void test_text_colors(void **state)
{
	struct flow_view v[4];
	char *text, *plain, *stripped;

	(void)state;
	v[0] = plain_view();
	v[1] = plain_view();
	v[1].outcome_id = OUTCOME_PROHIBITED;
	v[1].outcome = "prohibited";
	v[2] = plain_view();
	v[2].verdict_id = VERDICT_DEBUG;
	v[2].verdict = "debug";
	v[2].outcome_id = OUTCOME_UNDETERMINED;
	v[2].outcome = "undetermined";
	v[3] = plain_view();
	v[3].verdict_id = VERDICT_UNEXPECTED;
	v[3].verdict = "unexpected";
	v[3].outcome_id = OUTCOME_REFUSED;
	v[3].outcome = "refused";
	text = render(0, true, v, 4);
	assert_non_null(strstr(text, "\n\033[32mexpected\033[0m     tcp "));
	assert_non_null(strstr(text, " \033[32msucceeded\033[0m "));
	assert_non_null(strstr(text, "\n\033[31mexpected\033[0m     tcp "));
	assert_non_null(strstr(text, " \033[31mprohibited\033[0m "));
	assert_non_null(strstr(text, "\n\033[33mdebug\033[0m        tcp "));
	assert_non_null(strstr(text, " \033[33mundetermined\033[0m "));
	assert_non_null(strstr(text, "\n\033[1;31munexpected\033[0m   tcp "));
	assert_non_null(strstr(text, " \033[31mrefused\033[0m "));
	plain = render(0, false, v, 4);
	stripped = calloc(1, strlen(text) + 1);
	assert_non_null(stripped);
	for (char *p = text, *q = stripped; *p;) {	/* the escapes go */
		if (*p == '\033')
			p = strchr(p, 'm') + 1;
		else
			*q++ = *p++;
	}
	assert_string_equal(stripped, plain);
	free(stripped);
	free(text);
	free(plain);
}

/* --- --sort, through the report --------------------------------------------- */

struct fx {
	struct catalogue *cat;
	struct classifier *cls;
	struct out out;
	struct report *r;
};

static void open_sorted(struct fx *x, enum flow_sort sort, uint32_t max)
{
	struct report_config rc = {
		.writer = &report_writer_text, .out = &x->out, .cls = x->cls,
		.answer_wait_us = S(3), .flow_slots = flow_table_slots(16),
		.sort = sort, .sort_max = max, .text_width = 80,
	};

	assert_int_equal(out_open(&x->out, "/dev/null", false), 0);
	x->r = report_new(&rc);
	assert_non_null(x->r);
}

/* The report's text so far, and the report closed. */
static char *close_sorted(struct fx *x)
{
	char *text;

	report_free(x->r);
	text = written(&x->out);
	assert_int_equal(out_close(&x->out), 0);
	return text;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	x->cls = classified_rules(&x->cat, rules_yaml);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	classifier_free(x->cls);
	catalogue_free(x->cat);
	free(x);
	return 0;
}

/* Flow c (10.20.0.c) with packets each way, bytes and its first packet. */
static void end_flow(struct fx *x, uint8_t c, uint64_t packets,
		     uint64_t bytes, int64_t first)
{
	struct flow f = classified_flow(x->cls, c, (uint16_t)(40000 + c), 1,
					IPPROTO_NUM_TCP, 443);

	f.packets[0] = f.packets[1] = packets;
	f.bytes[0] = f.bytes[1] = bytes;
	f.first_us = first;
	f.last_us = first + S(1);
	f.state = TCP_STATE_CLOSED;
	report_flow_end(x->r, &f, FLOW_END_IDLE, first + S(2), NULL, NULL);
}

static void summary(struct fx *x, bool partial)
{
	struct summary_input in = {
		&(struct frame_counts){ .packets_read = 1 },
		&(struct flow_stats){ .created = 1 }, NULL, 0, NULL
	};

	if (!partial) {
		report_summary(x->r, &in);
		return;
	}
	assert_true(report_snapshot_begin(x->r));
	report_snapshot_end(x->r, &in);
}

/* Where the client 10.20.0.c's line is in text, or NULL. */
static const char *flow_of(const char *text, uint8_t c)
{
	char client[32];

	snprintf(client, sizeof client, " 10.20.0.%u:%u ", c, 40000u + c);
	return strstr(text, client);
}

/* Held to the end, under the header, before the summary: most bytes or
 * packets first, earliest first; ties in the order the flows ended.  A
 * summary asked for mid-run leaves them held. */
static void test_text_sort_orders(void **state)
{
	static const struct {
		enum flow_sort sort;
		uint8_t order[4];
	} cases[] = {
		{ SORT_BYTES, { 3, 1, 4, 2 } },
		{ SORT_PACKETS, { 2, 4, 1, 3 } },
		{ SORT_FIRST, { 4, 3, 2, 1 } },
	};
	struct fx *x = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *at, *header, *so_far, *summary_at;
		char *text;

		open_sorted(x, cases[i].sort, 0);
		end_flow(x, 1, 5, 900, S(400));
		end_flow(x, 2, 9, 100, S(300));
		end_flow(x, 3, 1, 5000, S(200));
		summary(x, true);
		end_flow(x, 4, 9, 900, S(100));
		summary(x, false);
		text = close_sorted(x);
		so_far = strstr(text, "\nsummary so far\n");
		header = strstr(text, "verdict      proto ");
		summary_at = strstr(text, "\nsummary\n");
		assert_non_null(so_far);
		assert_non_null(header);
		assert_non_null(summary_at);
		assert_true(so_far < header && header < summary_at);
		at = header;
		for (size_t k = 0; k < 4; k++) {
			const char *f = flow_of(text, cases[i].order[k]);

			assert_non_null(f);
			if (f < at || f > summary_at)
				fail_msg("sort %d: 10.20.0.%u is not flow %zu: %s",
					 cases[i].sort, cases[i].order[k], k, text);
			at = f;
		}
		free(text);
	}
}

/* Holding at most sort_max flows: those are written, sorted, with a line
 * saying the next ones are sorted apart, and holding starts anew. */
static void test_text_sort_batches(void **state)
{
	struct fx *x = *state;
	const char *note, *second;
	char *text;

	open_sorted(x, SORT_BYTES, 2);
	end_flow(x, 1, 1, 100, S(100));
	end_flow(x, 2, 1, 200, S(100));
	end_flow(x, 3, 1, 300, S(100));
	summary(x, false);
	text = close_sorted(x);
	note = strstr(text, "-- the flows above are sorted apart: --sort holds "
			    "at most 2 flows\n\nverdict ");
	assert_non_null(note);
	assert_true(text == strstr(text, "verdict "));
	assert_true(flow_of(text, 2) < flow_of(text, 1));
	assert_true(flow_of(text, 1) < note);
	second = strstr(note, "verdict ");
	assert_true(second < flow_of(text, 3));
	assert_true(flow_of(text, 3) < strstr(text, "\nsummary\n"));
	free(text);
}

#define TEST(name) cmocka_unit_test(name)
#define TEST_FX(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_text_full_width),
		TEST(test_text_endpoints_apart),
		TEST(test_text_drop_order),
		TEST(test_text_fits_every_width),
		TEST(test_text_long_protocols),
		TEST(test_text_notes),
		TEST(test_text_shortened),
		TEST(test_text_colors),
		TEST_FX(test_text_sort_orders),
		TEST_FX(test_text_sort_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
