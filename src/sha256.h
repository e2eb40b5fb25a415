/* sha256.h: SHA-256 (FIPS 180-4, section 6.2), to name the exact text a
 * catalogue or site was loaded from.  Not for passwords or secrets: a
 * plain hash of public bytes, with no care for timing. */
#ifndef LUCS_SHA256_H
#define LUCS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32	/* bytes */
#define SHA256_HEX_SIZE 65	/* 64 lowercase hex digits and a NUL */

struct sha256 {
	uint32_t h[8];		/* the hash value H(i) */
	uint8_t block[64];	/* the message block being filled */
	size_t used;		/* bytes of block filled */
	uint64_t bytes;		/* message length so far */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);

/* A digest as 64 lowercase hex digits. */
void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_SIZE],
		   char hex[SHA256_HEX_SIZE]);
/* The digest of len bytes at data, as lowercase hex. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
