/* frag.c: a small fixed table of recent fragmented datagrams, which it
 * owns.
 *
 * Each datagram hashes to a window of LUCS_FRAG_PROBE slots; when the
 * window is full the entry idle longest gives way.  A flood of fragments
 * therefore costs bounded memory and time, and at worst turns fragments
 * into counted orphans.
 */
#include "frag.h"

#include <stdlib.h>
#include <string.h>

#include "tunables.h"

struct datagram {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;
	uint8_t family;
	uint8_t proto;		/* IPv4 only: IPv6 keys on addresses and id */
	uint8_t pad[2];
};

struct frag_entry {
	struct datagram key;
	int64_t last_us;
	uint64_t held_packets;	/* later fragments waiting for the first */
	uint64_t held_bytes;
	int64_t held_since;	/* when the first of them came */
	uint16_t sport, dport;
	uint8_t l4proto;	/* the first fragment's transport protocol */
	uint8_t used;
	uint8_t has_first;
};

struct frag_table {
	struct frag_entry slots[LUCS_FRAG_SLOTS];
	struct hash_key hash_key;
	uint64_t orphans;
	int64_t timeout_us;
};

struct frag_table *frag_table_new(const struct hash_key *key)
{
	struct frag_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->hash_key = *key;
	t->timeout_us = (int64_t)LUCS_FRAG_TIMEOUT * 1000000;
	return t;
}

void frag_table_free(struct frag_table *t)
{
	free(t);
}

static void datagram_of(const struct pkt *p, struct datagram *d)
{
	memset(d, 0, sizeof *d);
	memcpy(d->src, p->src, sizeof d->src);
	memcpy(d->dst, p->dst, sizeof d->dst);
	d->id = p->frag_id;
	d->family = p->family;
	d->proto = p->family == 4 ? p->proto : 0;
}

static uint32_t datagram_hash(const struct frag_table *t,
			      const struct datagram *d)
{
	uint64_t w[5];

	memcpy(w, d, sizeof w);
	return (uint32_t)siphash13_words(&t->hash_key, w, 5);
}

static void release(struct frag_table *t, struct frag_entry *e)
{
	if (!e->has_first)
		t->orphans += e->held_packets;
	memset(e, 0, sizeof *e);
}

/* The entry for d: found, or a fresh one in its window. */
static struct frag_entry *entry_for(struct frag_table *t, const struct pkt *p,
				    int64_t ts_us)
{
	struct datagram d;
	uint32_t home;
	struct frag_entry *victim = NULL;

	datagram_of(p, &d);
	home = datagram_hash(t, &d);
	for (unsigned i = 0; i < LUCS_FRAG_PROBE; i++) {
		struct frag_entry *e =
			&t->slots[(home + i) & (LUCS_FRAG_SLOTS - 1)];

		if (e->used && memcmp(&e->key, &d, sizeof d) == 0) {
			e->last_us = ts_us;
			return e;
		}
		if (e->used && ts_us - e->last_us >= t->timeout_us)
			release(t, e);
		if (!victim || !e->used ||
		    (victim->used && e->last_us < victim->last_us))
			victim = e;
	}
	if (victim->used)
		release(t, victim);
	victim->key = d;
	victim->used = 1;
	victim->last_us = ts_us;
	return victim;
}

bool frag_table_later(struct frag_table *t, struct pkt *p, int64_t ts_us)
{
	struct frag_entry *e = entry_for(t, p, ts_us);

	if (!e->has_first) {
		if (e->held_packets++ == 0 || ts_us < e->held_since)
			e->held_since = ts_us;
		e->held_bytes += p->ip_len;
		return false;
	}
	p->sport = e->sport;
	p->dport = e->dport;
	p->proto = e->l4proto;
	p->tcp_flags = 0;
	p->payload_len = 0;	/* no header of its own: no history event */
	return true;
}

void frag_table_first(struct frag_table *t, const struct pkt *p,
		      int64_t ts_us, struct frag_held *held)
{
	struct frag_entry *e = entry_for(t, p, ts_us);

	e->has_first = 1;
	e->sport = p->sport;
	e->dport = p->dport;
	e->l4proto = p->proto;
	held->packets = e->held_packets;
	held->bytes = e->held_bytes;
	held->first_us = e->held_since;
	e->held_packets = e->held_bytes = 0;
}

void frag_table_expire(struct frag_table *t, int64_t now_us)
{
	for (size_t i = 0; i < LUCS_FRAG_SLOTS; i++) {
		struct frag_entry *e = &t->slots[i];

		if (e->used && (now_us == INT64_MAX ||
				now_us - e->last_us >= t->timeout_us))
			release(t, e);
	}
}

uint64_t frag_table_orphans(const struct frag_table *t)
{
	return t->orphans;
}
