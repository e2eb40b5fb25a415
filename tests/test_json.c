/* test_json.c: the JSON reader --baseline reads reports with: values of
 * every kind, escapes and surrogate pairs, exact integers, byte spans;
 * and hostile text refused with a reason, never a crash: cut short at
 * every byte, nested past the limit, huge numbers, bytes that are not
 * UTF-8, NUL, control characters, trailing garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json.h"

static bool parses(const char *text, struct json *j)
{
	char why[256] = "";
	bool ok = json_parse(text, strlen(text), j, why, sizeof why);

	if (!ok)
		assert_true(why[0] != '\0');
	return ok;
}

static void refused(const char *text, size_t len, const char *why_part)
{
	struct json j;
	char why[256] = "";

	assert_false(json_parse(text, len, &j, why, sizeof why));
	if (why_part && !strstr(why, why_part))
		fail_msg("'%.*s': '%s' does not say '%s'", (int)len, text, why,
			 why_part);
	assert_int_equal(j.n, 0);	/* nothing left to free */
}

static void test_json_values(void **state)
{
	struct json j;
	const struct json *v;

	(void)state;
	assert_true(parses(" {\"a\": [1, true, false, null, \"x\"], "
			   "\"b\": {\"c\": 18446744073709551615}} ", &j));
	assert_int_equal(j.type, JSON_OBJECT);
	assert_int_equal(j.n, 2);
	v = json_get(&j, "a");
	assert_non_null(v);
	assert_int_equal(v->type, JSON_ARRAY);
	assert_int_equal(v->n, 5);
	assert_true(v->items[0].is_u64);
	assert_int_equal(v->items[0].u64, 1);
	assert_int_equal(v->items[1].type, JSON_TRUE);
	assert_int_equal(v->items[2].type, JSON_FALSE);
	assert_int_equal(v->items[3].type, JSON_NULL);
	assert_string_equal(v->items[4].str, "x");
	v = json_get(json_get(&j, "b"), "c");
	assert_true(v->is_u64);
	assert_true(v->u64 == UINT64_MAX);
	assert_null(json_get(&j, "nope"));
	assert_null(json_get_str(&j, "a"));
	json_free(&j);
}

/* A value's span is its text: what --baseline writes back. */
static void test_json_spans(void **state)
{
	const char *text = "{\"g\":[{\"k\":\"v\"} , 2]}";
	struct json j;
	const struct json *g;

	(void)state;
	assert_true(parses(text, &j));
	g = json_get(&j, "g");
	assert_int_equal(g->items[0].end - g->items[0].start, 9);
	assert_memory_equal(text + g->items[0].start, "{\"k\":\"v\"}", 9);
	assert_memory_equal(text + g->items[1].start, "2", 1);
	assert_int_equal(j.start, 0);
	assert_int_equal(j.end, strlen(text));
	json_free(&j);
}

static void test_json_escapes(void **state)
{
	struct json j;

	(void)state;
	assert_true(parses("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac"
			   "\\ud83d\\ude00\"", &j));
	assert_string_equal(j.str, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac"
			    "\xf0\x9f\x98\x80");
	json_free(&j);
	assert_true(parses("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", &j));
	assert_string_equal(j.str, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	json_free(&j);
}

static void test_json_numbers(void **state)
{
	static const char *const good[] = {
		"0", "-0", "-1", "1.5", "1e10", "1E+2", "2.5e-3",
		"18446744073709551616",	/* 2^64: a number, not a u64 */
		"1e999999", "-1e-999999",
		"123456789012345678901234567890123456789012345678901234567890",
	};
	static const char *const bad[] = {
		"01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "Infinity",
		"NaN", "--1", "1.e5",
	};
	struct json j;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		assert_true(parses(good[i], &j));
		assert_int_equal(j.type, JSON_NUMBER);
		json_free(&j);
	}
	assert_true(parses("18446744073709551616", &j));
	assert_false(j.is_u64);
	json_free(&j);
	assert_true(parses("-5", &j));
	assert_false(j.is_u64);
	json_free(&j);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		refused(bad[i], strlen(bad[i]), NULL);
}

/* Every prefix of a valid text is refused (none is whole). */
static void test_json_truncated(void **state)
{
	const char *text = "{\"type\":\"summary\",\"a\":[1,2.5e3,true,null,"
			   "{\"s\":\"\\u00e9\\ud83d\\ude00\"}],\"b\":false}";
	size_t len = strlen(text);

	(void)state;
	for (size_t n = 0; n < len; n++)
		refused(text, n, NULL);
	refused("", 0, "missing");
	refused("\"abc", 4, "cut short");
	refused("\"abc\\", 5, "cut short");
	refused("[1,", 3, NULL);
}

static void test_json_deep(void **state)
{
	size_t n = 100000;
	char *text = malloc(2 * n + 1);
	struct json j;
	char why[256];

	(void)state;
	assert_non_null(text);
	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	refused(text, 2 * n, "nested too deep");
	/* at the limit: accepted */
	memset(text, '[', JSON_MAX_DEPTH);
	memset(text + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	assert_true(json_parse(text, 2 * JSON_MAX_DEPTH, &j, why,
			       sizeof why));
	json_free(&j);
	refused("{\"a\":{\"a\":{\"a\":", 15, NULL);
	free(text);
}

static void test_json_bad_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\xc3\x28\"",		/* a lead byte, then no continuation */
		"\"\xc0\xaf\"",		/* overlong '/' */
		"\"\xe0\x80\xaf\"",	/* overlong, three bytes */
		"\"\xed\xa0\x80\"",	/* a surrogate, encoded */
		"\"\xf4\x90\x80\x80\"",	/* past U+10FFFF */
		"\"\xff\"", "\"\x80\"",	/* never lead bytes */
		"\"\xe2\x82\"",		/* cut inside a character */
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		refused(bad[i], strlen(bad[i]), "UTF-8");
	refused("\"a\\ud800\"", 9, "surrogate");
	refused("\"a\\udc00\"", 9, "surrogate");
	refused("\"\\ud800\\u0041\"", 14, "surrogate");
	refused("\"\\u12\"", 6, "hex");
	refused("\"\\x41\"", 6, "escape");
}

static void test_json_nul_and_controls(void **state)
{
	(void)state;
	refused("\"a\\u0000b\"", 10, "NUL");
	refused("\"a\0b\"", 5, "control");
	refused("\"a\nb\"", 5, "control");
	refused("{\"a\":1} x", 9, "more after");
	refused("{\"a\" 1}", 7, "':'");
	refused("{1:2}", 5, "key");
	refused("[1 2]", 5, "expected");
	refused("tru", 3, NULL);
	refused("nul", 3, NULL);
}

/* A key's value is the first one's; the duplicate is kept, not an
 * error (RFC 8259 leaves it to the reader). */
static void test_json_duplicate_keys(void **state)
{
	struct json j;

	(void)state;
	assert_true(parses("{\"a\":1,\"a\":2}", &j));
	assert_int_equal(json_get(&j, "a")->u64, 1);
	json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_spans),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_truncated),
		cmocka_unit_test(test_json_deep),
		cmocka_unit_test(test_json_bad_utf8),
		cmocka_unit_test(test_json_nul_and_controls),
		cmocka_unit_test(test_json_duplicate_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
