/* test_hash.c: SipHash-1-3 of byte strings against published values, and
 * the index of byte strings the loaders use: look-ups, duplicates, growth,
 * clearing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* --- SipHash-1-3 ------------------------------------------------------------ */

/* Values other implementations publish for SipHash-1-3 (Rust's
 * DefaultHasher, Ruby's digest-sip_hash): the zero key, and the key of
 * bytes 00 to 0f. */
static void test_hash_siphash13_known(void **state)
{
	static const struct hash_key zero = { 0, 0 };
	static const struct hash_key bytes = { 0x0706050403020100ULL,
					       0x0f0e0d0c0b0a0908ULL };
	char x1000[1000];

	(void)state;
	memset(x1000, 'x', sizeof x1000);
	assert_true(siphash13(&zero, "", 0) == 0xd1fba762150c532cULL);
	assert_true(siphash13(&bytes, "", 0) == 0xabac0158050fc4dcULL);
	assert_true(siphash13(&zero, "test", 4) == 0xe0969da9b8fb378dULL);
	assert_true(siphash13(&zero, "siphash", 7) == 0x8264ceeccb16bcbeULL);
	assert_true(siphash13(&zero, "digest-sip_hash", 15) ==
		    0xce31007e34130c0aULL);
	assert_true(siphash13(&zero, x1000, sizeof x1000) ==
		    0x1b47c0cc4dd21f05ULL);
}

/* The flow hashes' word form is the same function on little-endian words. */
static void test_hash_siphash13_words(void **state)
{
	static const struct hash_key key = { 0x243f6a8885a308d3ULL,
					     0x13198a2e03707344ULL };
	uint64_t words[5];
	uint8_t b[40];

	(void)state;
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = (uint8_t)(i * 37 + 11);
	for (size_t w = 0; w < 5; w++) {
		words[w] = 0;
		for (unsigned j = 8; j-- > 0;)
			words[w] = words[w] << 8 | b[8 * w + j];
	}
	for (size_t n = 0; n <= 5; n++)
		assert_true(siphash13(&key, b, 8 * n) ==
			    siphash13_words(&key, words, n));
}

/* --- the index ----------------------------------------------------------------- */

#define NAMES 20000

static void test_hash_index_names(void **state)
{
	struct hash_index x = { 0 };
	char (*names)[16] = calloc(NAMES, sizeof *names);
	char probe[16];

	(void)state;
	assert_non_null(names);
	assert_int_equal(hash_index_find(&x, "name0", 5), -1);
	for (uint32_t i = 0; i < NAMES; i++) {
		snprintf(names[i], sizeof names[i], "name%u", (unsigned)i);
		assert_int_equal(hash_index_add(&x, names[i], strlen(names[i]),
						i), i);
	}
	assert_int_equal(x.count, NAMES);
	assert_true(2 * x.count <= x.size);
	/* Found through other copies of the same bytes. */
	for (uint32_t i = 0; i < NAMES; i++) {
		snprintf(probe, sizeof probe, "name%u", (unsigned)i);
		assert_int_equal(hash_index_find(&x, probe, strlen(probe)), i);
	}
	/* A second item under the same bytes is not stored: the first is
	 * returned. */
	assert_int_equal(hash_index_add(&x, "name7", 5, 99999), 7);
	assert_int_equal(hash_index_find(&x, "name7", 5), 7);
	assert_int_equal(x.count, NAMES);
	/* Prefixes and longer names are other names. */
	assert_int_equal(hash_index_find(&x, "name", 4), -1);
	assert_int_equal(hash_index_find(&x, "name70", 5), 7);
	assert_int_equal(hash_index_find(&x, "name200000", 10), -1);
	hash_index_free(&x);
	free(names);
}

/* Empty byte strings are keys too (the empty rule set). */
static void test_hash_index_empty_key(void **state)
{
	struct hash_index x = { 0 };

	(void)state;
	assert_int_equal(hash_index_add(&x, NULL, 0, 3), 3);
	assert_int_equal(hash_index_find(&x, "", 0), 3);
	assert_int_equal(hash_index_add(&x, "a", 1, 4), 4);
	assert_int_equal(hash_index_add(&x, "", 0, 5), 3);
	hash_index_free(&x);
}

/* A clear forgets every item; the index works on after it, whether it had
 * grown or not. */
static void test_hash_index_clear(void **state)
{
	static const char *const words[] = { "roles", "ports", "tm" };
	struct hash_index x = { 0 };
	char many[1000][8];

	(void)state;
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 3; i++)
			assert_int_equal(hash_index_add(&x, words[i],
							strlen(words[i]), i), i);
		assert_int_equal(hash_index_find(&x, "tm", 2), 2);
		hash_index_clear(&x);
		assert_int_equal(x.count, 0);
		assert_int_equal(hash_index_find(&x, "tm", 2), -1);
		for (uint32_t i = 0; i < 1000; i++) {
			snprintf(many[i], sizeof many[i], "k%u", (unsigned)i);
			assert_int_equal(hash_index_add(&x, many[i],
							strlen(many[i]), i), i);
		}
		assert_int_equal(hash_index_find(&x, "k999", 4), 999);
		hash_index_clear(&x);
		assert_int_equal(hash_index_find(&x, "k999", 4), -1);
	}
	hash_index_clear(&x);
	hash_index_free(&x);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_siphash13_known),
		cmocka_unit_test(test_hash_siphash13_words),
		cmocka_unit_test(test_hash_index_names),
		cmocka_unit_test(test_hash_index_empty_key),
		cmocka_unit_test(test_hash_index_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
