/* hash.h: keyed hashes, under a key drawn at random per run, so that
 * whoever crafts the traffic cannot know which addresses collide.
 *
 * SipHash-1-3 (Aumasson and Bernstein, 2012; the variant Python and Rust
 * use for the same reason) keys the fragment table and expands the key
 * into the coefficients of the flow table's multiply-shift hash, which
 * runs on every packet (below). */
#ifndef LUCS_HASH_H
#define LUCS_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hash_key {
	uint64_t k0, k1;
};

#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3)                                        \
	do {                                                             \
		v0 += v1; v1 = SIP_ROTL(v1, 13); v1 ^= v0;                \
		v0 = SIP_ROTL(v0, 32);                                   \
		v2 += v3; v3 = SIP_ROTL(v3, 16); v3 ^= v2;                \
		v0 += v3; v3 = SIP_ROTL(v3, 21); v3 ^= v0;                \
		v2 += v1; v1 = SIP_ROTL(v1, 17); v1 ^= v2;                \
		v2 = SIP_ROTL(v2, 32);                                   \
	} while (0)

/* SipHash-1-3's state: set from the key, fed 64-bit words (one round
 * each), finished with the last word (the length in its top byte). */
static inline void sip_init(uint64_t v[4], const struct hash_key *key)
{
	v[0] = 0x736f6d6570736575ULL ^ key->k0;
	v[1] = 0x646f72616e646f6dULL ^ key->k1;
	v[2] = 0x6c7967656e657261ULL ^ key->k0;
	v[3] = 0x7465646279746573ULL ^ key->k1;
}

static inline void sip_word(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	SIP_ROUND(v[0], v[1], v[2], v[3]);
	v[0] ^= m;
}

static inline uint64_t sip_finish(uint64_t v[4], uint64_t last)
{
	sip_word(v, last);
	v[2] ^= 0xff;
	SIP_ROUND(v[0], v[1], v[2], v[3]);
	SIP_ROUND(v[0], v[1], v[2], v[3]);
	SIP_ROUND(v[0], v[1], v[2], v[3]);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* SipHash-1-3 of n 64-bit words (byte length 8 * n). */
static inline uint64_t siphash13_words(const struct hash_key *key,
				       const uint64_t *m, size_t n)
{
	uint64_t v[4];

	sip_init(v, key);
	for (size_t i = 0; i < n; i++)
		sip_word(v, m[i]);
	return sip_finish(v, (uint64_t)(n * 8) << 56);
}

/* SipHash-1-3 of n bytes (words read little-endian, as the reference). */
uint64_t siphash13(const struct hash_key *key, const void *p, size_t n);

/* Fill a key from the kernel's random source: 0, or -1 if it failed. */
int hash_key_random(struct hash_key *key);

/* Strongly universal multiply-shift hashing of up to ten 32-bit words
 * (Dietzfelbinger, 1996, as Thorup gives it in "High Speed Hashing for
 * Integers and Strings", 2015): for any two keys, chosen by an attacker
 * who does not know the coefficients, the sums' top 32 bits collide with
 * probability 2^-32.  A bijective finalizer (MurmurHash3's fmix64) then
 * spreads structured keys, such as a scan's consecutive ports, over the
 * table.  Four multiplications for an IPv4 flow, where SipHash costs
 * several times as much on every packet. */
struct mshash_key {
	uint64_t a[10];
	uint64_t b;
};

/* The coefficients, expanded from a SipHash key (the per-run secret). */
void mshash_key_derive(struct mshash_key *m, const struct hash_key *seed);

static inline uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The hash of n words, n at most 10. */
static inline uint32_t mshash_words(const struct mshash_key *m,
				    const uint32_t *w, int n)
{
	uint64_t h = m->b;

	for (int i = 0; i < n; i++)
		h += m->a[i] * w[i];
	return (uint32_t)(fmix64(h) >> 32);
}

/* An index from byte strings the caller keeps (a name, a list of rule
 * numbers) to item numbers, for the loaders' look-ups by name and their
 * checks for duplicates: expected O(1) per operation, where comparing with
 * every earlier item made loading quadratic.  Open addressing, at most
 * half full, under SipHash with a key drawn at the first item, so that a
 * crafted file cannot make its names collide (without random numbers
 * from the kernel the key stays 0: still correct, only not secret).  A
 * zeroed struct is an empty index. */
struct hash_slot {
	const void *bytes;	/* the caller's; NULL: a free slot */
	size_t len;
	uint64_t hash;
	uint32_t item;
};

struct hash_index {
	struct hash_slot *slots;
	size_t size;		/* slots, a power of two (0 before any item) */
	size_t count;		/* items */
	struct hash_key key;
	bool keyed;
};

/* The item stored under the n bytes at p, or -1. */
long hash_index_find(const struct hash_index *x, const void *p, size_t n);
/* Store item under the n bytes at p, which must stay unchanged where they
 * are while the index holds them.  Returns item, or the item already
 * stored under those bytes (then nothing is stored), or -1 when out of
 * memory. */
long hash_index_add(struct hash_index *x, const void *p, size_t n,
		    uint32_t item);
/* Forget every item; the cost is that of the items added since. */
void hash_index_clear(struct hash_index *x);
void hash_index_free(struct hash_index *x);

#endif
