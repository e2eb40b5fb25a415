/* test_baseline.c: an earlier report read back for --baseline: the last
 * summary line of a JSON Lines report (or a whole pretty-printed one),
 * the groups keyed as this run's are, the entries kept as written, the
 * rules seen; refusals that say why, for files that are not reports,
 * summaries cut short, and hostile text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "baseline.h"

#define RUN "\"run\":{\"rules_files\":[{\"file\":\"built-in\"," \
	    "\"sha256\":\"aa\"}],\"site_file\":{\"file\":\"s.yaml\"," \
	    "\"sha256\":\"bb\"}}"
#define UNEXPECTED "{\"verdict\":\"unexpected\",\"proto\":\"udp\"," \
	"\"server\":\"10.10.0.5\",\"server_port\":53,\"flows\":3," \
	"\"reasons\":[\"undocumented_port\"],\"client_roles\":" \
	"[\"lucs_server_01\",\"lucs_server_02\"]}"
#define ICMP "{\"verdict\":\"unexpected\",\"proto\":\"icmp\"," \
	"\"server\":\"10.10.0.20\",\"reasons\":[\"undocumented_port\"]," \
	"\"client_roles\":[]}"
#define FAILED "{\"outcome\":\"refused\",\"rules\":[\"lucs-ps-01-02\"," \
	"\"x\"],\"proto\":\"tcp\",\"server\":\"10.10.0.12\"," \
	"\"server_port\":19400}"
#define SUMMARY "{\"type\":\"summary\"," RUN ",\"unexpected\":[" \
	UNEXPECTED "," ICMP "],\"failed\":[" FAILED "],\"coverage\":[" \
	"{\"rule\":\"agent-fe-01\",\"seen\":true},{\"rule\":\"b\"," \
	"\"seen\":false}]}"

static bool load(const char *text, struct baseline *b, struct load_error *e)
{
	return baseline_load_string(b, "old.json", text, strlen(text), e);
}

static void test_baseline_summary_line(void **state)
{
	const char *text = "{\"type\":\"flow\",\"proto\":\"tcp\"}\n"
			   "{\"type\":\"summary\",\"partial\":true," RUN "}\n"
			   SUMMARY "\n";
	struct baseline b;
	struct load_error e;

	(void)state;
	assert_true(load(text, &b, &e));
	assert_string_equal(b.file, "old.json");
	assert_int_equal(b.nsources, 1);
	assert_string_equal(b.sources[0], "built-in aa");
	assert_string_equal(b.site, "s.yaml bb");
	assert_int_equal(b.nunexpected, 2);
	assert_string_equal(b.unexpected[0].key, "udp 10.10.0.5 53 "
			    "undocumented_port lucs_server_01,lucs_server_02");
	assert_string_equal(b.unexpected[0].json, UNEXPECTED);
	assert_string_equal(b.unexpected[0].text, "10.10.0.5:53/udp");
	assert_string_equal(b.unexpected[1].key,
			    "icmp 10.10.0.20 0 undocumented_port ");
	assert_string_equal(b.unexpected[1].text, "10.10.0.20/icmp");
	assert_int_equal(b.nfailed, 1);
	assert_string_equal(b.failed[0].key, "tcp 10.10.0.12 19400");
	assert_int_equal(b.failed[0].nrules, 2);
	assert_string_equal(b.failed[0].rules[0], "lucs-ps-01-02");
	assert_int_equal(b.nseen, 1);
	assert_string_equal(b.seen[0].id, "agent-fe-01");
	baseline_free(&b);
}

/* The keys this run makes for its groups are the baseline's. */
static void test_baseline_key(void **state)
{
	char *k = baseline_group_key("tcp", "10.10.0.11", 3389,
				     "undocumented_port", "agent_pc");

	(void)state;
	assert_string_equal(k, "tcp 10.10.0.11 3389 undocumented_port agent_pc");
	free(k);
	k = baseline_group_key("udp", "2001:db8::1", 53, NULL, NULL);
	assert_string_equal(k, "udp 2001:db8::1 53");
	free(k);
}

/* jq . writes a report's summary over many lines: read as a whole. */
static void test_baseline_pretty(void **state)
{
	const char *text = "{\n  \"type\": \"summary\",\n  \"run\": {\n"
			   "    \"rules_files\": []\n  },\n  \"unexpected\": "
			   "[]\n}\n";
	struct baseline b;
	struct load_error e;

	(void)state;
	assert_true(load(text, &b, &e));
	assert_int_equal(b.nsources, 0);
	assert_null(b.site);
	baseline_free(&b);
}

static void refused(const char *text, size_t len, const char *why)
{
	struct baseline b;
	struct load_error e;

	if (!baseline_load_string(&b, "old.json", text, len, &e))
		assert_non_null(strstr(e.msg, why));
	else
		fail_msg("'%.*s' was loaded", (int)len, text);
	assert_string_equal(e.file, "old.json");
}

static void test_baseline_refused(void **state)
{
	(void)state;
	refused("", 0, "not a lucsaudit JSON report");
	refused("verdict proto client\n", 21, "not a lucsaudit JSON report");
	refused("{\"type\":\"flow\"}\n", 16, "no summary record");
	refused("{\"type\":\"summary\"}", 18, "rules files");
	refused("{\"type\":\"summary\"," RUN ",\"unexpected\":{}}", 
		strlen("{\"type\":\"summary\"," RUN ",\"unexpected\":{}}"),
		"not a list");
	refused("{\"type\":\"summary\"," RUN ",\"unexpected\":[{\"proto\":1}]}",
		strlen("{\"type\":\"summary\"," RUN
		       ",\"unexpected\":[{\"proto\":1}]}"), "not a group");
	refused("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":\"tcp\","
		"\"server\":\"a\",\"server_port\":70000}]}",
		strlen("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":"
		       "\"tcp\",\"server\":\"a\",\"server_port\":70000}]}"),
		"not a group");
	refused("{\"type\":\"summary\"," RUN ",\"coverage\":[{\"rule\":\"a\"}]}",
		strlen("{\"type\":\"summary\"," RUN
		       ",\"coverage\":[{\"rule\":\"a\"}]}"), "no rule or seen");
}

/* Every prefix of a summary line is refused, none crashes. */
static void test_baseline_truncated(void **state)
{
	size_t len = strlen(SUMMARY);
	struct baseline b;
	struct load_error e;

	(void)state;
	for (size_t n = 0; n < len; n++) {
		assert_false(baseline_load_string(&b, "old.json", SUMMARY, n,
						  &e));
		assert_true(e.msg[0] != '\0');
	}
}

static void test_baseline_hostile(void **state)
{
	size_t n = 5000;
	char *deep = malloc(n * 2 + 64);

	(void)state;
	assert_non_null(deep);
	strcpy(deep, "{\"type\":\"summary\",\"x\":");
	memset(deep + strlen(deep), '[', n);
	deep[22 + n] = '\0';
	refused(deep, strlen(deep), "nested too deep");
	free(deep);
	refused("{\"type\":\"summary\",\"run\":{\"rules_files\":[{\"file\":"
		"\"\xc3\x28\",\"sha256\":\"a\"}]}}", 62, "UTF-8");
	refused("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":\"tcp\","
		"\"server\":\"a\",\"server_port\":1e99999}]}",
		strlen("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":"
		       "\"tcp\",\"server\":\"a\",\"server_port\":1e99999}]}"),
		"not a group");
	refused("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":\"tcp\","
		"\"server\":\"a\",\"server_port\":99999999999999999999999}]}",
		strlen("{\"type\":\"summary\"," RUN ",\"failed\":[{\"proto\":"
		       "\"tcp\",\"server\":\"a\",\"server_port\":"
		       "99999999999999999999999}]}"), "not a group");
}

static void test_baseline_file_missing(void **state)
{
	struct baseline b;
	struct load_error e;

	(void)state;
	assert_false(baseline_load_file(&b, "/nonexistent/old.json", &e));
	assert_non_null(strstr(e.msg, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_summary_line),
		cmocka_unit_test(test_baseline_key),
		cmocka_unit_test(test_baseline_pretty),
		cmocka_unit_test(test_baseline_refused),
		cmocka_unit_test(test_baseline_truncated),
		cmocka_unit_test(test_baseline_hostile),
		cmocka_unit_test(test_baseline_file_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
