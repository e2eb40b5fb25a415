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
