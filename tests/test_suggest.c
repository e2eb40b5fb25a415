/* test_suggest.c: the nearest-name suggestion and the list of names that
 * messages add to an unknown word: the distance (insertions, deletions,
 * replacements, swaps of neighbours, case ignored), when a name is close
 * and when none is, when the names are listed, and the exact text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "suggest.h"
#include "tunables.h"

static const char *const rule_keys[] = {
	"id", "from", "to", "proto", "ports", "tag", "comment", "note",
	"source", "configurable", "optional", "debug", "tm", NULL
};

static const char *const roles[] = {
	"agent_pc", "lucs_server_01", "lucs_server_02", "sql_server",
	"exchange_server", "sfb_server", "sfb_edge", "sfb_fe_pool", "sfb_cms",
	"lucs_api", "live_reporting", NULL
};

static const char *close_among(const char *word, const char *const *names)
{
	static struct suggest s;

	suggest_start(&s, word, "");
	for (; *names; names++)
		suggest_offer(&s, *names);
	return suggest_close(&s);
}

/* --- distance ---------------------------------------------------------------- */

static void test_suggest_distance_edits(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("ports", "ports"), 0);
	assert_int_equal(suggest_distance("port", "ports"), 1);	/* insert */
	assert_int_equal(suggest_distance("portss", "ports"), 1); /* delete */
	assert_int_equal(suggest_distance("porta", "ports"), 1);	/* replace */
	assert_int_equal(suggest_distance("prot", "port"), 1);	/* swap */
	assert_int_equal(suggest_distance("jsno", "json"), 1);
	assert_int_equal(suggest_distance("prot", "ports"), 2);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
}

/* The optimal string alignment: a swapped pair is not edited again, so
 * "ca" to "abc" costs 3 (true Damerau-Levenshtein says 2). */
static void test_suggest_distance_alignment(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("ca", "abc"), 3);
	assert_int_equal(suggest_distance("abc", "ca"), 3);
	assert_int_equal(suggest_distance("abcd", "badc"), 2);
}

static void test_suggest_distance_case(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("lucs", "LUCS"), 0);
	assert_int_equal(suggest_distance("Sfb", "SfB"), 0);
	assert_int_equal(suggest_distance("TCP-established", "tcp-established"), 0);
	assert_int_equal(suggest_distance("\xc3\xa9", "\xc3\x89"), 1);	/* bytes */
}

static void test_suggest_distance_too_long(void **state)
{
	char longest[LUCS_SUGGEST_MAX_LEN + 2];

	(void)state;
	memset(longest, 'a', sizeof longest - 1);
	longest[sizeof longest - 1] = '\0';
	assert_int_equal(suggest_distance(longest, "a"), UINT_MAX);
	assert_int_equal(suggest_distance("a", longest), UINT_MAX);
	longest[LUCS_SUGGEST_MAX_LEN] = '\0';
	assert_int_equal(suggest_distance(longest, "a"), LUCS_SUGGEST_MAX_LEN - 1);
}

/* --- close ------------------------------------------------------------------- */

static void test_suggest_close_one(void **state)
{
	(void)state;
	assert_string_equal(close_among("port", rule_keys), "ports");
	assert_string_equal(close_among("prot", rule_keys), "proto");
	assert_string_equal(close_among("lucs_sever_01", roles), "lucs_server_01");
	assert_string_equal(close_among("sql_servers", roles), "sql_server");
	assert_string_equal(close_among("Agent_PC", roles), "agent_pc");
}

/* A third of the word's length away at most, and at least 1: "al" is
 * close to "all", "sql" to nothing of "sfb_server". */
static void test_suggest_close_threshold(void **state)
{
	static const char *const coverage[] = { "missing", "all", "none", NULL };
	static const char *const tags[] = { "LUCS", "SfB", "TM", NULL };

	(void)state;
	assert_string_equal(close_among("al", coverage), "all");
	assert_string_equal(close_among("lucs", tags), "LUCS");
	assert_null(close_among("sql", roles));
	assert_null(close_among("agent", roles));	/* 3 of 5 */
	assert_null(close_among("x", rule_keys));	/* 2 from tm, to, id */
	assert_string_equal(close_among("configurabel", rule_keys), "configurable");
	assert_string_equal(close_among("comfigurabel", rule_keys), "configurable");
	assert_null(close_among("domain_controller", roles));
}

/* Two names as near: neither is suggested. */
static void test_suggest_close_tie(void **state)
{
	(void)state;
	assert_null(close_among("lucs_server_03", roles));
	assert_null(close_among("t", rule_keys));	/* to, tm */
}

static void test_suggest_close_none_offered(void **state)
{
	struct suggest s;
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	suggest_start(&s, "x", "");
	assert_null(suggest_close(&s));
	assert_string_equal(suggest_hint(&s, NULL, buf, sizeof buf), "");
	assert_string_equal(suggest_hint(&s, "declare it", buf, sizeof buf),
			    " (declare it)");
}

/* --- the hint ------------------------------------------------------------- */

static void test_suggest_hint_close_and_list(void **state)
{
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	assert_string_equal(suggest_among("port", rule_keys, buf, sizeof buf),
		"; did you mean 'ports'? (expected one of: id, from, to, "
		"proto, ports, tag, comment, note, source, configurable, "
		"optional, debug, tm)");
}

static void test_suggest_hint_list_only(void **state)
{
	static const char *const formats[] = { "text", "json", "csv", NULL };
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	assert_string_equal(suggest_among("yaml", formats, buf, sizeof buf),
			    " (expected one of: text, json, csv)");
}

/* Listed while the names take LUCS_SUGGEST_LIST_WIDTH characters or
 * fewer, separators included. */
static void test_suggest_hint_width(void **state)
{
	char name[LUCS_SUGGEST_LIST_WIDTH + 2];
	struct suggest s;
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	memset(name, 'n', sizeof name - 1);
	name[LUCS_SUGGEST_LIST_WIDTH - 4] = '\0';	/* with "ab, ": the width */
	suggest_start(&s, "zz", "");
	suggest_offer(&s, "ab");
	suggest_offer(&s, name);
	assert_non_null(strstr(suggest_hint(&s, NULL, buf, sizeof buf),
			       "(expected one of: ab, nnn"));
	name[LUCS_SUGGEST_LIST_WIDTH - 4] = 'n';
	name[LUCS_SUGGEST_LIST_WIDTH - 3] = '\0';	/* one more */
	suggest_start(&s, "zz", "");
	suggest_offer(&s, "ab");
	suggest_offer(&s, name);
	assert_string_equal(suggest_hint(&s, NULL, buf, sizeof buf), "");
}

/* Too many names to list, however short. */
static void test_suggest_hint_count(void **state)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
	char names[sizeof letters][2];
	struct suggest s;
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	suggest_start(&s, "99", "");
	for (size_t i = 0; i < SUGGEST_LIST_NAMES + 1; i++) {
		names[i][0] = letters[i];
		names[i][1] = '\0';
		suggest_offer(&s, names[i]);
	}
	assert_string_equal(suggest_hint(&s, NULL, buf, sizeof buf), "");
}

static void test_suggest_hint_close_only(void **state)
{
	static const char *const options[] = {
		"read", "output", "format", "max-flows", "timeout", "rules",
		"site", "check", "list-rules", "interval", "fail-on",
		"answer-wait", "coverage", "quiet", "interface",
		"list-interfaces", "no-promiscuous-mode", "buffer-size",
		"snapshot-length", "relinquish-privileges", "help", "version",
		NULL
	};
	struct suggest s;
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	suggest_start(&s, "max-flwos", "--");
	for (size_t i = 0; options[i]; i++)
		suggest_offer(&s, options[i]);
	assert_string_equal(suggest_hint(&s, NULL, buf, sizeof buf),
			    "; did you mean '--max-flows'?");
	suggest_start(&s, "bogus", "--");
	for (size_t i = 0; options[i]; i++)
		suggest_offer(&s, options[i]);
	assert_string_equal(suggest_hint(&s, NULL, buf, sizeof buf), "");
}

static void test_suggest_hint_or_else(void **state)
{
	static const char *const tags[] = { "LUCS", "SfB", "TM" };
	struct suggest s;
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	suggest_start(&s, "lucs", "");
	for (size_t i = 0; i < 3; i++)
		suggest_offer(&s, tags[i]);
	assert_string_equal(suggest_hint(&s, "declare it under 'tags:'", buf,
					 sizeof buf),
			    "; did you mean 'LUCS'? (expected one of: LUCS, SfB, "
			    "TM; or declare it under 'tags:')");
}

/* The only name, close: suggested, not listed again. */
static void test_suggest_hint_single(void **state)
{
	static const char *const keys[] = { "offset", NULL };
	char buf[SUGGEST_HINT_SIZE];

	(void)state;
	assert_string_equal(suggest_among("ofset", keys, buf, sizeof buf),
			    "; did you mean 'offset'?");
	assert_string_equal(suggest_among("shift", keys, buf, sizeof buf),
			    " (expected one of: offset)");
}

/* A small buffer holds the start of the hint, terminated. */
static void test_suggest_hint_cut(void **state)
{
	char buf[12];

	(void)state;
	assert_string_equal(suggest_among("port", rule_keys, buf, sizeof buf),
			    "; did you m");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_distance_edits),
		cmocka_unit_test(test_suggest_distance_alignment),
		cmocka_unit_test(test_suggest_distance_case),
		cmocka_unit_test(test_suggest_distance_too_long),
		cmocka_unit_test(test_suggest_close_one),
		cmocka_unit_test(test_suggest_close_threshold),
		cmocka_unit_test(test_suggest_close_tie),
		cmocka_unit_test(test_suggest_close_none_offered),
		cmocka_unit_test(test_suggest_hint_close_and_list),
		cmocka_unit_test(test_suggest_hint_list_only),
		cmocka_unit_test(test_suggest_hint_width),
		cmocka_unit_test(test_suggest_hint_count),
		cmocka_unit_test(test_suggest_hint_close_only),
		cmocka_unit_test(test_suggest_hint_or_else),
		cmocka_unit_test(test_suggest_hint_single),
		cmocka_unit_test(test_suggest_hint_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
