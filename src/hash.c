/* hash.c: per-run hash keys from the kernel's random source, SipHash of
 * byte strings, and the index of byte strings the loaders use. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int hash_key_random(struct hash_key *key)
{
	uint64_t k[2];
	ssize_t n;

	do
		n = getrandom(k, sizeof k, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof k)
		return -1;
	key->k0 = k[0];
	key->k1 = k[1];
	return 0;
}

void mshash_key_derive(struct mshash_key *m, const struct hash_key *seed)
{
	for (uint64_t i = 0; i < 10; i++)
		m->a[i] = siphash13_words(seed, &i, 1);
	m->b = siphash13_words(seed, &(uint64_t){ 10 }, 1);
}

uint64_t siphash13(const struct hash_key *key, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t v[4], last = (uint64_t)n << 56;
	size_t i = 0;

	sip_init(v, key);
	for (; n - i >= 8; i += 8) {
		uint64_t m = 0;

		for (unsigned j = 8; j-- > 0;)
			m = m << 8 | b[i + j];
		sip_word(v, m);
	}
	for (unsigned j = 0; i + j < n; j++)
		last |= (uint64_t)b[i + j] << (8 * j);
	return sip_finish(v, last);
}

/* --- the index of byte strings ------------------------------------------- */

#define INDEX_MIN 32		/* slots of a new index; kept by a clear */

/* The slot holding (p, n) under hash h, or the free slot where it goes. */
static struct hash_slot *index_slot(const struct hash_index *x, const void *p,
				    size_t n, uint64_t h)
{
	for (size_t i = (size_t)h;; i++) {
		struct hash_slot *s = &x->slots[i & (x->size - 1)];

		if (!s->bytes || (s->hash == h && s->len == n &&
				  (n == 0 || memcmp(s->bytes, p, n) == 0)))
			return s;
	}
}

long hash_index_find(const struct hash_index *x, const void *p, size_t n)
{
	const struct hash_slot *s;

	if (x->count == 0)
		return -1;
	s = index_slot(x, p, n, siphash13(&x->key, p, n));
	return s->bytes ? (long)s->item : -1;
}

static bool index_grow(struct hash_index *x)
{
	size_t old_size = x->size, size = old_size ? old_size * 2 : INDEX_MIN;
	struct hash_slot *old = x->slots, *slots = calloc(size, sizeof *slots);

	if (!slots)
		return false;
	x->slots = slots;
	x->size = size;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].bytes)
			*index_slot(x, old[i].bytes, old[i].len, old[i].hash) =
				old[i];
	free(old);
	return true;
}

long hash_index_add(struct hash_index *x, const void *p, size_t n,
		    uint32_t item)
{
	struct hash_slot *s;
	uint64_t h;

	if (!x->keyed) {
		if (hash_key_random(&x->key) != 0)
			x->key = (struct hash_key){ 0, 0 };
		x->keyed = true;
	}
	if (2 * (x->count + 1) > x->size && !index_grow(x))
		return -1;
	h = siphash13(&x->key, p, n);
	s = index_slot(x, p, n, h);
	if (s->bytes)
		return s->item;
	*s = (struct hash_slot){ n ? p : "", n, h, item };
	x->count++;
	return item;
}

void hash_index_clear(struct hash_index *x)
{
	if (x->count == 0)
		return;
	if (x->size > INDEX_MIN) {
		free(x->slots);
		x->slots = NULL;
		x->size = 0;
	} else {
		memset(x->slots, 0, x->size * sizeof *x->slots);
	}
	x->count = 0;
}

void hash_index_free(struct hash_index *x)
{
	free(x->slots);
	*x = (struct hash_index){ 0 };
}
