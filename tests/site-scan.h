/* site-scan.h: the reference site_roles is checked against, for
 * test_site.c and the site fuzz target: every prefix the site lists tested
 * against the address, as site_roles did before it had an index; and the
 * addresses worth asking about a prefix: its first and last, their
 * neighbours outside it, and the addresses one bit either side of its
 * length. */
#ifndef LUCS_TESTS_SITE_SCAN_H
#define LUCS_TESTS_SITE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "site.h"

#define SCAN_PROBES 6		/* addresses scan_probes gives at most */

static inline bool scan_matches(const struct prefix *p, int family,
				const uint8_t *addr)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (p->family != family || memcmp(p->addr, addr, full) != 0)
		return false;
	return rest == 0 ||
	       ((p->addr[full] ^ addr[full]) & (0xff00 >> rest) & 0xff) == 0;
}

/* The union of the roles of every prefix containing the address. */
static inline uint64_t scan_roles(const struct site *s, int family,
				  const uint8_t *addr)
{
	uint64_t roles = 0;

	for (size_t i = 0; i < s->nprefixes; i++)
		if (scan_matches(&s->prefixes[i], family, addr))
			roles |= s->prefixes[i].roles;
	return roles;
}

/* The next (up) or previous address of the family, wrapping round. */
static inline void scan_step(uint8_t *addr, int family, bool up)
{
	for (int i = (family == 4 ? 4 : 16) - 1; i >= 0; i--)
		if (up ? ++addr[i] != 0 : addr[i]-- != 0)
			break;
}

static inline void scan_flip(uint8_t *addr, unsigned bit)
{
	addr[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
}

/* Addresses about prefix p, into out; returns how many. */
static inline size_t scan_probes(const struct prefix *p,
				 uint8_t out[SCAN_PROBES][16])
{
	unsigned max = p->family == 4 ? 32 : 128;
	size_t n = 0;

	memcpy(out[n++], p->addr, 16);			/* first */
	memcpy(out[n], p->addr, 16);			/* last */
	for (unsigned bit = p->len; bit < max; bit++)
		scan_flip(out[n], bit);
	n++;
	memcpy(out[n], out[0], 16);			/* before the first */
	scan_step(out[n++], p->family, false);
	memcpy(out[n], out[1], 16);			/* after the last */
	scan_step(out[n++], p->family, true);
	if (p->len > 0) {				/* the last bit flipped */
		memcpy(out[n], p->addr, 16);
		scan_flip(out[n++], p->len - 1);
	}
	if (p->len < max) {				/* the next bit set */
		memcpy(out[n], p->addr, 16);
		scan_flip(out[n++], p->len);
	}
	return n;
}

#endif
