/* hash.c: per-run hash keys from the kernel's random source. */
#include "hash.h"

#include <errno.h>
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
