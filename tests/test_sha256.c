/* test_sha256.c: SHA-256 against the examples NIST publishes for FIPS
 * 180-4 (csrc.nist.gov, "Cryptographic Standards and Guidelines:
 * Examples with Intermediate Values", SHA-256): "", "abc", the 448-bit
 * and 896-bit messages and one million 'a'; and messages whose padding
 * falls on each side of a block's end, fed whole and in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* The digest of text fed in pieces of step bytes (0: whole). */
static void assert_digest(const char *text, size_t len, size_t step,
			  const char *want)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct sha256 s;

	sha256_init(&s);
	for (size_t off = 0; off < len; off += step ? step : len)
		sha256_update(&s, text + off,
			      step && len - off > step ? step : len - off);
	sha256_final(&s, digest);
	sha256_to_hex(digest, hex);
	assert_string_equal(hex, want);
}

static void test_sha256_empty(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
}

/* One block. */
static void test_sha256_abc(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
}

/* 448 bits: the padding's length field no longer fits the block. */
static void test_sha256_448_bits(void **state)
{
	static const char m[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char want[] = "248d6a61d20638b8e5c026930c3e6039"
				   "a33ce45964ff2167f6ecedd419db06c1";

	(void)state;
	assert_int_equal(sizeof m - 1, 56);
	assert_digest(m, sizeof m - 1, 0, want);
	assert_digest(m, sizeof m - 1, 1, want);
	assert_digest(m, sizeof m - 1, 7, want);
}

static void test_sha256_896_bits(void **state)
{
	static const char m[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	(void)state;
	assert_int_equal(sizeof m - 1, 112);
	assert_digest(m, sizeof m - 1, 0,
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a': many blocks, fed whole and in pieces that do not
 * divide the block size. */
static void test_sha256_million_a(void **state)
{
	static const char want[] = "cdc76e5c9914fb9281a1c7e284d73e67"
				   "f1809a48a497200e046d39ccc7112cd0";
	char *m = malloc(1000000);

	(void)state;
	assert_non_null(m);
	memset(m, 'a', 1000000);
	assert_digest(m, 1000000, 0, want);
	assert_digest(m, 1000000, 1000, want);
	assert_digest(m, 1000000, 61, want);
	free(m);
}

/* 55 bytes leave room for the 1 bit and the length; 56 and 63 do not;
 * 64 fill a block exactly.  (Values from GNU coreutils' sha256sum.) */
static void test_sha256_padding_edges(void **state)
{
	static const struct {
		size_t len;
		const char *want;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	char m[64];

	(void)state;
	memset(m, 'a', sizeof m);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_digest(m, cases[i].len, 0, cases[i].want);
		assert_digest(m, cases[i].len, 3, cases[i].want);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_448_bits),
		cmocka_unit_test(test_sha256_896_bits),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_padding_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
