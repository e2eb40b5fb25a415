/* dedup.c: --dedup (dedup.h): the packets kept lately, in arrival order
 * in a ring, found by their hash through an open-addressing index.
 *
 * The ring decides what is remembered: the last LUCS_DEDUP_PACKETS
 * packets kept, whatever their hashes.  The index only finds them: linear
 * probing, at most a quarter full, an entry deleted when its packet
 * leaves the ring (backward-shift deletion, Knuth's Algorithm R, so no
 * tombstones pile up).
 */
#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "span.h"
#include "tunables.h"

#define RING LUCS_DEDUP_PACKETS
#define INDEX (RING * 4)	/* slots: a quarter full keeps probes short */

_Static_assert((RING & (RING - 1)) == 0, "LUCS_DEDUP_PACKETS: a power of two");
_Static_assert(RING < UINT16_MAX, "index slots hold 1 + a ring position");

struct kept {
	uint64_t hash;		/* of the IP packet's bytes */
	int64_t ts_us;
};

struct dedup {
	struct hash_key key;
	uint32_t head;		/* the ring slot filled next */
	uint32_t count;		/* packets in the ring, up to RING */
	struct kept ring[RING];
	uint16_t index[INDEX];	/* 1 + a ring position; 0: a free slot */
};

struct dedup *dedup_new(const struct hash_key *key)
{
	struct dedup *d = calloc(1, sizeof *d);

	if (d)
		d->key = *key;
	return d;
}

void dedup_free(struct dedup *d)
{
	free(d);
}

/* The IP packet of f, as far as it was captured (never beyond its IP
 * length).  Where it starts follows from the decoder's wire_left, which
 * the link layers count down to the bytes on the wire from the IP header
 * on and which the IP and transport decoders leave as they found it
 * (decode.h); the start is then checked against the bytes themselves: the
 * version and both addresses must be those decoded.  A frame that fails
 * the check (a PPPoE length that narrowed wire_left, say) is no copy of
 * anything. */
static bool frame_ip(const struct frame *f, const uint8_t *bytes,
		     uint32_t caplen, struct span *ip)
{
	const struct pkt *p = &f->p;
	struct span s = span_make(bytes, caplen);
	uint32_t wire = f->wirelen > caplen ? f->wirelen : caplen;
	size_t alen = p->family == 4 ? 4 : 16, at = p->family == 4 ? 12 : 8;
	size_t off, len;
	uint8_t version;

	if ((p->family != 4 && p->family != 6) || p->tunnel_depth ||
	    p->wire_left > wire)
		return false;
	off = wire - p->wire_left;
	if (!read_u8(s, off, &version) || version >> 4 != p->family ||
	    !span_has(s, off + at, 2 * alen) ||
	    memcmp(bytes + off + at, p->src, alen) != 0 ||
	    memcmp(bytes + off + at + alen, p->dst, alen) != 0)
		return false;
	len = caplen - off;
	*ip = span_make(bytes + off, len < p->ip_len ? len : p->ip_len);
	return true;
}

static bool within_window(int64_t a, int64_t b)
{
	/* both believable times (ptime.h): no overflow */
	return a - b <= LUCS_DEDUP_WINDOW_US && b - a <= LUCS_DEDUP_WINDOW_US;
}

static uint32_t home(uint64_t hash)
{
	return (uint32_t)(hash & (INDEX - 1));
}

/* A packet of this hash kept within the window of ts_us. */
static bool seen(const struct dedup *d, uint64_t hash, int64_t ts_us)
{
	for (uint32_t i = home(hash); d->index[i]; i = (i + 1) & (INDEX - 1)) {
		const struct kept *k = &d->ring[d->index[i] - 1];

		if (k->hash == hash && within_window(k->ts_us, ts_us))
			return true;
	}
	return false;
}

/* Ring position pos leaves the index; the entries after it in its probe
 * run move back into the gap when their home allows. */
static void unindex(struct dedup *d, uint32_t pos)
{
	uint32_t i = home(d->ring[pos].hash), j;

	while (d->index[i] != pos + 1)
		i = (i + 1) & (INDEX - 1);
	for (j = i;;) {
		uint32_t k;

		j = (j + 1) & (INDEX - 1);
		if (!d->index[j])
			break;
		k = home(d->ring[d->index[j] - 1].hash);
		/* k cyclically in (i, j]: the entry at j stays reachable */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		d->index[i] = d->index[j];
		i = j;
	}
	d->index[i] = 0;
}

static void remember(struct dedup *d, uint64_t hash, int64_t ts_us)
{
	uint32_t pos = d->head, i;

	if (d->count == RING)
		unindex(d, pos);
	else
		d->count++;
	d->ring[pos] = (struct kept){ hash, ts_us };
	for (i = home(hash); d->index[i]; i = (i + 1) & (INDEX - 1))
		;
	d->index[i] = (uint16_t)(pos + 1);
	d->head = (pos + 1) & (RING - 1);
}

/* The packet's captured length and first LUCS_DEDUP_BYTES, hashed as
 * whole words in the host's order (hashes are only compared with each
 * other): a third of the instructions of siphash13's byte loads.  The
 * zeros that fill the last word cannot make two packets alike, as the
 * length says how many bytes follow it. */
static uint64_t packet_hash(const struct dedup *d, struct span ip)
{
	uint64_t words[(4 + LUCS_DEDUP_BYTES + 7) / 8] = { 0 };
	size_t n = ip.len < LUCS_DEDUP_BYTES ? ip.len : LUCS_DEDUP_BYTES;
	uint32_t len = (uint32_t)ip.len;

	memcpy(words, &len, 4);
	memcpy((uint8_t *)words + 4, ip.p, n);
	return siphash13_words(&d->key, words, (4 + n + 7) / 8);
}

bool dedup_frame(struct dedup *d, const struct frame *f, const uint8_t *bytes,
		 uint32_t caplen)
{
	struct span ip;
	uint64_t hash;

	if (!frame_ip(f, bytes, caplen, &ip))
		return false;
	hash = packet_hash(d, ip);
	if (seen(d, hash, f->ts_us))
		return true;
	remember(d, hash, f->ts_us);
	return false;
}
