/* test_fmt.c: the text forms: integers, widths, JSON and CSV strings,
 * RFC 3339 times (and the time cache), RFC 5952 addresses, and formatting
 * in place into room an out reserved. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "out.h"
#include "tunables.h"

/* Text appended to an out stays in its buffer until a record ends: the
 * tests read it there. */
struct fx {
	struct out o;
	struct time_cache times;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	*state = x;
	return out_open(&x->o, "/dev/null", false) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	out_close(&x->o);
	free(x);
	return 0;
}

/* The text appended since the last check, with a newline, is want. */
static void assert_written(struct fx *x, const char *want)
{
	out_char(&x->o, '\n');
	assert_int_equal(out_error(&x->o), 0);
	assert_int_equal(x->o.len, strlen(want));
	assert_memory_equal(x->o.buf, want, x->o.len);
	x->o.len = 0;
}

/* --- numbers and fields -------------------------------------------------- */

static void test_fmt_integers(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;

	out_u64(o, 0);
	out_char(o, ' ');
	out_u64(o, 7);
	out_char(o, ' ');
	out_u64(o, 10);
	out_char(o, ' ');
	out_u64(o, UINT64_MAX);
	out_char(o, ' ');
	out_i64(o, INT64_MIN);
	out_char(o, ' ');
	out_i64(o, -1);
	out_char(o, ' ');
	out_i64(o, 0);
	out_char(o, ' ');
	out_i64(o, INT64_MAX);
	assert_written(x, "0 7 10 18446744073709551615 -9223372036854775808 "
			  "-1 0 9223372036854775807\n");
}

static void test_fmt_widths(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;
	char want[400];

	out_u64_width(o, 42, 5);
	out_char(o, '|');
	out_u64_width(o, 123456, 3);	/* never cut */
	out_char(o, '|');
	out_u64_width(o, 7, 0);
	out_char(o, '|');
	out_u64_width(o, 5, -3);
	out_char(o, '|');
	out_str_width(o, "ab", 5);
	out_char(o, '|');
	out_str_width(o, "abcdef", 3);	/* never cut */
	out_char(o, '|');
	out_u64_width(o, 0, 40);	/* wider than any one run of spaces */
	out_char(o, '|');
	out_str_width(o, "", 70);
	out_char(o, '|');
	for (int w = 31; w <= 33; w++) {
		out_str_width(o, "", w);
		out_char(o, '|');
	}
	snprintf(want, sizeof want,
		 "   42|123456|7|5|ab   |abcdef|%40s|%70s|%31s|%32s|%33s|\n",
		 "0", "", "", "", "");
	assert_written(x, want);
}

/* --- strings ------------------------------------------------------------- */

static void test_fmt_json_str(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;

	out_json_str(o, "plain");
	out_char(o, ' ');
	out_json_str(o, "");
	out_char(o, ' ');
	out_json_str(o, "say \"hi\" \\ back\\slash");
	out_char(o, ' ');
	out_json_str(o, "nl\ncr\rtab\t\x01\x1f");
	out_char(o, ' ');
	/* DEL, UTF-8 and the solidus need no escape. */
	out_json_str(o, "\x7f caf\xc3\xa9 a/b");
	assert_written(x, "\"plain\" \"\" "
			  "\"say \\\"hi\\\" \\\\ back\\\\slash\" "
			  "\"nl\\u000acr\\u000dtab\\u0009\\u0001\\u001f\" "
			  "\"\x7f caf\xc3\xa9 a/b\"\n");
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double the
 * quotes inside. */
static void test_fmt_csv_str(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ " spaced ", " spaced " },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ "semi;colon", "semi;colon" },
	};
	struct fx *x = *state;
	char want[400] = "";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i > 0) {
			out_char(&x->o, ',');
			strcat(want, ",");
		}
		out_csv_str(&x->o, cases[i].in);
		strcat(want, cases[i].out);
	}
	strcat(want, "\n");
	assert_written(x, want);
}

/* --- times and addresses ------------------------------------------------- */

static void test_fmt_time(void **state)
{
	static const struct {
		int64_t us;
		const char *text;
	} cases[] = {
		/* the first call, in second 0, must not take the empty
		 * cache for that second's text */
		{ 0, "1970-01-01T00:00:00.000000Z" },
		/* two in one second (the cached date), the next second,
		 * and back to the first */
		{ 1700000000123456, "2023-11-14T22:13:20.123456Z" },
		{ 1700000000999999, "2023-11-14T22:13:20.999999Z" },
		{ 1700000001000000, "2023-11-14T22:13:21.000000Z" },
		{ 1700000000000001, "2023-11-14T22:13:20.000001Z" },
		/* midnight into the next day (the cached date), the day's
		 * last second, and back to the day before */
		{ 1700006400000000, "2023-11-15T00:00:00.000000Z" },
		{ 1700092799999999, "2023-11-15T23:59:59.999999Z" },
		{ 1700006399000007, "2023-11-14T23:59:59.000007Z" },
		{ 951782400000250, "2000-02-29T00:00:00.000250Z" },
		{ -1, "1969-12-31T23:59:59.999999Z" },
		{ -999999, "1969-12-31T23:59:59.000001Z" },
		{ -1000000, "1969-12-31T23:59:59.000000Z" },
		{ -1500000, "1969-12-31T23:59:58.500000Z" },
		{ 253402300799999999, "9999-12-31T23:59:59.999999Z" },
		/* years of more than four digits, either side of zero */
		{ INT64_MAX, "294247-01-10T04:00:54.775807Z" },
		{ INT64_MIN, "-290308-12-21T19:59:05.224192Z" },
	};
	struct fx *x = *state;
	char want[1024] = "";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];

		format_time(buf, sizeof buf, cases[i].us);
		assert_string_equal(buf, cases[i].text);
		out_time(&x->o, &x->times, cases[i].us);
		out_char(&x->o, ' ');
		strcat(want, cases[i].text);
		strcat(want, " ");
	}
	strcat(want, "\n");
	assert_written(x, want);
}

static void test_fmt_addr(void **state)
{
	static const struct {
		int family;
		const char *text;
	} cases[] = {
		{ 4, "192.0.2.1" }, { 4, "0.0.0.0" },
		{ 4, "255.255.255.255" }, { 4, "100.64.10.9" },
		{ 4, "1.20.199.250" }, { 6, "2001:db8::1" }, { 6, "::" },
		{ 6, "::ffff:192.0.2.1" }, { 6, "fe80::1:2:3:4" },
		{ 6, "2001:db8:1:2:3:4:5:6" },
	};
	struct fx *x = *state;
	char want[400] = "", buf[64];
	uint8_t addr[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(addr, 0, sizeof addr);
		assert_int_equal(inet_pton(cases[i].family == 4 ? AF_INET
								: AF_INET6,
					   cases[i].text, addr), 1);
		assert_int_equal(format_addr(buf, sizeof buf, cases[i].family,
					     addr), strlen(cases[i].text));
		assert_string_equal(buf, cases[i].text);
		out_addr(&x->o, cases[i].family, addr);
		out_char(&x->o, ' ');
		strcat(want, cases[i].text);
		strcat(want, " ");
	}
	/* Every byte value in every position, as inet_ntop writes it. */
	for (int pos = 0; pos < 4; pos++) {
		for (unsigned v = 0; v < 256; v++) {
			char ref[INET_ADDRSTRLEN];

			memcpy(addr, "\xc0\x00\x02\x01", 4);
			addr[pos] = (uint8_t)v;
			assert_non_null(inet_ntop(AF_INET, addr, ref,
						  sizeof ref));
			assert_int_equal(format_addr(buf, sizeof buf, 4, addr),
					 strlen(ref));
			assert_string_equal(buf, ref);
		}
	}
	/* IPv6: every pattern of zero groups, with groups of one to four
	 * digits (and a zero inside a group), as inet_ntop writes them; the
	 * patterns include the embedded IPv4 forms. */
	for (unsigned mask = 0; mask < 256; mask++) {
		static const unsigned groups[] = { 0x1, 0xab, 0xf00, 0xabcd,
						   0xffff, 0x10, 0x102 };

		for (unsigned g = 0; g < sizeof groups / sizeof groups[0]; g++) {
			char ref[INET6_ADDRSTRLEN];

			for (unsigned i = 0; i < 8; i++) {
				unsigned w = mask >> i & 1
					? groups[(g + i) % 7] : 0;

				addr[2 * i] = (uint8_t)(w >> 8);
				addr[2 * i + 1] = (uint8_t)w;
			}
			assert_non_null(inet_ntop(AF_INET6, addr, ref,
						  sizeof ref));
			assert_int_equal(format_addr(buf, sizeof buf, 6, addr),
					 strlen(ref));
			assert_string_equal(buf, ref);
		}
	}
	/* A buffer too small says so rather than cutting an address. */
	format_addr(buf, 8, 4, addr);
	assert_string_equal(buf, "?");
	format_addr(buf, 10, 6, addr);
	assert_string_equal(buf, "?");
	strcat(want, "\n");
	assert_written(x, want);
}

/* Formatting in place: reserve, put, commit. */
static void test_fmt_reserve_put(void **state)
{
	static const uint64_t big[] = { 99999999, 100000000, 4294967295u,
					10000000000000000000u, UINT64_MAX };
	struct fx *x = *state;
	struct out *o = &x->o;
	char want[200], *p;

	p = out_reserve(o, 100);
	assert_non_null(p);
	p = PUT_LIT(p, "n=");
	p = put_u64(p, 1234567);
	p = PUT_LIT(p, " t=");
	p = put_time(&x->times, p, 1700000000000250);
	p = put_str(p, " end");
	p = put_mem(p, "!?", 1);
	out_commit(o, p);
	/* A large reservation grows the buffer; committing nothing adds
	 * nothing. */
	p = out_reserve(o, 3 * LUCS_WRITE_BUFFER);
	assert_non_null(p);
	out_commit(o, p);
	assert_written(x, "n=1234567 t=2023-11-14T22:13:20.000250Z end!\n");

	/* put_u64 and out_u64 agree with printf, two digits at a time or
	 * one. */
	for (uint64_t v = 0; v < 100000; v++) {
		char got[24];

		snprintf(want, sizeof want, "%" PRIu64, v);
		*put_u64(got, v) = '\0';
		assert_string_equal(got, want);
	}
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char got[24];

		snprintf(want, sizeof want, "%" PRIu64, big[i]);
		*put_u64(got, big[i]) = '\0';
		assert_string_equal(got, want);
	}
	/* put_u64 writes its digits and nothing after them; put_time copies
	 * whole blocks, scratch included, but never beyond OUT_TIME_MAX. */
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char room[20 + 4];
		size_t n;

		memset(room, '#', sizeof room);
		n = (size_t)(put_u64(room, big[i]) - room);
		assert_memory_equal(room + n, "####", 4);
	}
	{
		char room[OUT_TIME_MAX + 4];

		memset(room, '#', sizeof room);
		put_time(&x->times, room, 1700000000000250);
		assert_memory_equal(room + OUT_TIME_MAX, "####", 4);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fmt_integers),
		T(test_fmt_widths),
		T(test_fmt_json_str),
		T(test_fmt_csv_str),
		T(test_fmt_time),
		T(test_fmt_addr),
		T(test_fmt_reserve_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
