/* flow.c: the flow table.
 *
 * Flows live in a pool allocated once (max_flows records, and one more for
 * a flow handed back to the caller: see `retired`); an index of
 * (pool slot, hash) pairs, open addressing with linear probing and
 * backward-shift deletion, finds them with one keyed hash per packet.
 * Each flow sits on one of five idle lists (doubly linked through pool
 * indices), ordered from longest idle, one list per timeout: expiry and
 * eviction only ever look at list heads.  A flow moves to its list's tail
 * at most once per tick of a second: the order is kept to the tick,
 * and a busy flow does not touch its neighbours on every packet.
 */
#include "flow.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "flow-test.h"
#include "ptime.h"
#include "tunables.h"

#define NIL UINT32_MAX

/* The lookup compares keys as bytes, and the layout puts the key and the
 * times in the first cache line (flow.h); the pool is page-aligned, so
 * each record fills exactly two lines. */
_Static_assert(sizeof(struct flow) == 128, "a flow is two cache lines");
_Static_assert(offsetof(struct flow, key) == 0 &&
	       offsetof(struct flow, last_us) + sizeof(int64_t) <= 64,
	       "the key and both times share the first cache line");
_Static_assert(sizeof(struct flow_key) == 40, "a key is hashed as 10 words");

struct slot {
	uint32_t flow;		/* pool index + 1; 0 = empty */
	uint32_t hash;
};

struct idle_list {
	uint32_t head, tail;
	int64_t timeout_us;
};

#define FLUSH_AHEAD 8	/* flows fetched ahead on each list; a power of 2 */

/* An idle list being flushed: the next FLUSH_AHEAD flows' pool indices,
 * fetched from memory as they join.  Walking the links costs a miss per
 * flow, one after another; taken this far ahead of the merge, each link
 * read is of a flow whose fetch started FLUSH_AHEAD flows ago. */
struct flush_run {
	uint32_t ring[FLUSH_AHEAD];
	uint32_t taken, added;	/* ring positions, counted up */
	int64_t head_us;	/* the next flow's last packet; MAX: none */
};

struct flow_table {
	struct flow *pool;	/* max_flows + 1 records */
	struct slot *index;
	uint32_t index_size;
	uint32_t max_flows;
	uint32_t pool_used;	/* pool slots ever handed out */
	uint32_t free_head;	/* ended flows' slots, linked through next */
	/* The flow last handed back to the caller, out of the index and the
	 * lists: its slot is freed by the next call that changes the table,
	 * so the caller may read it until then.  The pool's extra record
	 * makes room for it when the table is full. */
	uint32_t retired;
	bool flushing;		/* flow_table_flush_next has begun */
	struct idle_list idle[IDLE_CLASS_COUNT];
	struct flush_run flush[IDLE_CLASS_COUNT];
	uint8_t (*reporter)[16];	/* by pool slot: an ICMP error's sender;
					 * pages mapped only where written */
	struct mshash_key hash_key;	/* derived from the configured key */
	struct flow_stats stats;
};

static const char *const idle_names[IDLE_CLASS_COUNT] = {
	"tcp-attempted", "tcp-established", "tcp-closed", "udp", "other"
};

static const char *const state_names[TCP_STATE_COUNT] = {
	"", "attempted", "rejected", "established", "closed", "midstream"
};

static const char *const end_names[FLOW_END_COUNT] = {
	"idle", "evicted", "port_reuse", "end"
};

static const char *const outcome_names[OUTCOME_COUNT] = {
	"succeeded", "unanswered", "refused", "prohibited", "unreachable",
	"undetermined"
};

const char *flow_outcome_name(enum flow_outcome o)
{
	return (unsigned)o < OUTCOME_COUNT ? outcome_names[o] : "?";
}

const char *idle_class_name(enum idle_class c)
{
	return (unsigned)c < IDLE_CLASS_COUNT ? idle_names[c] : "?";
}

const char *tcp_state_name(enum tcp_state s)
{
	return (unsigned)s < TCP_STATE_COUNT ? state_names[s] : "?";
}

const char *flow_end_name(enum flow_end e)
{
	return (unsigned)e < FLOW_END_COUNT ? end_names[e] : "?";
}

void flow_config_defaults(struct flow_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->max_flows = LUCS_DEFAULT_MAX_FLOWS;
	cfg->timeout_s[IDLE_TCP_ATTEMPTED] = LUCS_TIMEOUT_TCP_ATTEMPT;
	cfg->timeout_s[IDLE_TCP_ESTABLISHED] = LUCS_TIMEOUT_TCP_ESTABLISHED;
	cfg->timeout_s[IDLE_TCP_CLOSED] = LUCS_TIMEOUT_TCP_CLOSED;
	cfg->timeout_s[IDLE_UDP] = LUCS_TIMEOUT_UDP;
	cfg->timeout_s[IDLE_OTHER] = LUCS_TIMEOUT_OTHER;
}

static uint32_t index_size_for(uint32_t max_flows)
{
	return (uint32_t)((uint64_t)max_flows * LUCS_TABLE_SLACK_NUM /
			  LUCS_TABLE_SLACK_DEN + 1);
}

/* Lemire's multiply-shift maps a 32-bit hash onto any table size. */
static inline uint32_t slot_of(uint32_t size, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * size) >> 32);
}

uint32_t flow_home_slot(uint32_t max_flows, uint32_t hash)
{
	return slot_of(index_size_for(max_flows), hash);
}

uint32_t flow_table_slots(uint32_t max_flows)
{
	return max_flows + 1;
}

/* Zeroed, committed page by page as used; huge pages where the kernel
 * offers them, since every packet lands on a random place of the index:
 * with 4 KiB pages that is a TLB miss per packet on a large table. */
static void *map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);	/* a hint: failure is fine */
#endif
	return p;
}

struct flow_table *flow_table_new(const struct flow_config *cfg)
{
	struct flow_table *t;

	if (cfg->max_flows == 0 || cfg->max_flows > LUCS_MAX_MAX_FLOWS)
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->index_size = index_size_for(cfg->max_flows);
	t->max_flows = cfg->max_flows;
	/* Anonymous mappings are zeroed and committed page by page, so memory
	 * grows with the flows actually seen, never beyond max_flows; being
	 * page-aligned, every flow record fills exactly two cache lines. */
	t->pool = map_zeroed((size_t)flow_table_slots(cfg->max_flows) *
			     sizeof *t->pool);
	t->index = map_zeroed((size_t)t->index_size * sizeof *t->index);
	t->reporter = calloc(flow_table_slots(cfg->max_flows),
			     sizeof *t->reporter);
	if (!t->pool || !t->index || !t->reporter) {
		flow_table_free(t);
		return NULL;
	}
	t->free_head = t->retired = NIL;
	for (int i = 0; i < IDLE_CLASS_COUNT; i++) {
		t->idle[i].head = t->idle[i].tail = NIL;
		t->idle[i].timeout_us = (int64_t)cfg->timeout_s[i] * 1000000;
	}
	mshash_key_derive(&t->hash_key, &cfg->hash_key);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	if (t->pool)
		munmap(t->pool, (size_t)flow_table_slots(t->max_flows) *
				    sizeof *t->pool);
	if (t->index)
		munmap(t->index, (size_t)t->index_size * sizeof *t->index);
	free(t->reporter);
	free(t);
}

/* --- keys and hashing --------------------------------------------------- */

static inline uint32_t load_be32(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	       (uint32_t)a[2] << 8 | a[3];
}

void flow_key_from_pkt(const struct pkt *p, struct flow_key *k,
		       unsigned *sender)
{
	size_t alen = p->family == 4 ? 4 : 16;
	int c = p->family == 4
		? (load_be32(p->src) > load_be32(p->dst)) -
		  (load_be32(p->src) < load_be32(p->dst))
		: memcmp(p->src, p->dst, alen);
	unsigned s = c > 0 || (c == 0 && p->sport > p->dport);

	memset(k, 0, sizeof *k);
	memcpy(k->addr[s], p->src, alen);
	memcpy(k->addr[s ^ 1], p->dst, alen);
	k->port[s] = p->sport;
	k->port[s ^ 1] = p->dport;
	k->family = p->family;
	k->proto = p->proto;
	k->tunnel = p->tunnel;
	*sender = s;
}

/* mshash_words of an IPv4 key, from its nonzero 32-bit words only: the two
 * addresses, the two ports, family and protocol (its words 1-3 and 5-7 are
 * always zero). */
static uint32_t hash_v4(const struct mshash_key *m, uint32_t a0, uint32_t a1,
			uint32_t ports, uint32_t kind)
{
	return (uint32_t)(fmix64(m->b + m->a[0] * a0 + m->a[4] * a1 +
				 m->a[8] * ports + m->a[9] * kind) >> 32);
}

/* The key as ten 32-bit words, in memory order. */
static uint32_t table_hash(const struct mshash_key *m, const struct flow_key *k)
{
	uint32_t w[10];

	_Static_assert(sizeof *k == sizeof w, "a flow key is hashed whole");
	memcpy(w, k, sizeof w);
	if (k->family == 4)
		return hash_v4(m, w[0], w[4], w[8], w[9]);
	return mshash_words(m, w, 10);
}

uint32_t flow_key_hash(const struct hash_key *hk, const struct flow_key *k)
{
	struct mshash_key m;

	mshash_key_derive(&m, hk);
	return table_hash(&m, k);
}

static inline uint32_t home_slot(const struct flow_table *t, uint32_t hash)
{
	return slot_of(t->index_size, hash);
}

static inline uint32_t next_slot(const struct flow_table *t, uint32_t i)
{
	return ++i == t->index_size ? 0 : i;
}

/* Find k; on a miss *slot is the empty slot where it belongs. */
static struct flow *lookup(struct flow_table *t, const struct flow_key *k,
			   uint32_t hash, uint32_t *slot)
{
	uint32_t i = home_slot(t, hash), probes = 0;

	struct flow *found = NULL;

	for (;; i = next_slot(t, i), probes++) {
		struct slot *s = &t->index[i];

		if (s->flow == 0)
			break;
		if (s->hash == hash &&
		    memcmp(&t->pool[s->flow - 1].key, k, sizeof *k) == 0) {
			found = &t->pool[s->flow - 1];
			break;
		}
	}
	if (probes > t->stats.max_probe)
		t->stats.max_probe = probes;
	*slot = i;
	return found;
}

/* Backward-shift deletion: later members of the probe run move up so no
 * tombstone is ever needed. */
static void index_remove(struct flow_table *t, uint32_t pool_idx,
			 uint32_t hash)
{
	uint32_t i = home_slot(t, hash);

	while (t->index[i].flow != pool_idx + 1)
		i = next_slot(t, i);
	for (uint32_t j = next_slot(t, i);; j = next_slot(t, j)) {
		uint32_t k;

		if (t->index[j].flow == 0)
			break;
		k = home_slot(t, t->index[j].hash);
		/* Entry j may fill hole i unless its home lies in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->index[i] = t->index[j];
		i = j;
	}
	t->index[i].flow = 0;
}

/* --- idle lists --------------------------------------------------------- */

/* The tick a time falls in; a division by a constant, which compilers
 * turn into a multiplication. */
static inline uint32_t tick_of(int64_t ts_us)
{
	return (uint32_t)((uint64_t)ts_us / LUCS_TICK_US);
}

static inline uint32_t pool_index(const struct flow_table *t,
				  const struct flow *f)
{
	return (uint32_t)(f - t->pool);
}

static void list_unlink(struct flow_table *t, struct flow *f)
{
	struct idle_list *l = &t->idle[f->idle];

	if (f->prev != NIL)
		t->pool[f->prev].next = f->next;
	else
		l->head = f->next;
	if (f->next != NIL)
		t->pool[f->next].prev = f->prev;
	else
		l->tail = f->prev;
}

static void list_append(struct flow_table *t, struct flow *f,
			enum idle_class c)
{
	struct idle_list *l = &t->idle[c];
	uint32_t idx = pool_index(t, f);

	f->idle = (uint8_t)c;
	f->next = NIL;
	f->prev = l->tail;
	if (l->tail != NIL)
		t->pool[l->tail].next = idx;
	else
		l->head = idx;
	l->tail = idx;
}

static enum idle_class idle_class_of(const struct flow *f)
{
	switch (f->state) {
	case TCP_STATE_ATTEMPTED:
		return IDLE_TCP_ATTEMPTED;
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_MIDSTREAM:
		return IDLE_TCP_ESTABLISHED;
	case TCP_STATE_REJECTED:
	case TCP_STATE_CLOSED:
		return IDLE_TCP_CLOSED;
	default:
		return f->key.proto == IPPROTO_NUM_UDP ? IDLE_UDP : IDLE_OTHER;
	}
}

/* Keep the list ordered by last packet, to the tick: the touched flow
 * goes last once per tick, or at once when its state changes lists. */
static void relist(struct flow_table *t, struct flow *f, int64_t ts_us)
{
	enum idle_class c = idle_class_of(f);
	uint32_t tick = tick_of(ts_us);

	if (c == f->idle && (int32_t)(tick - f->listed) <= 0)
		return;
	f->listed = tick;
	if (t->idle[c].tail == pool_index(t, f))
		return;
	list_unlink(t, f);
	list_append(t, f, c);
}

/* --- ending flows ------------------------------------------------------- */

/* The flow handed back last is no longer the caller's: its slot is free. */
static void release_retired(struct flow_table *t)
{
	if (t->retired == NIL)
		return;
	t->pool[t->retired].next = t->free_head;
	t->free_head = t->retired;
	t->retired = NIL;
}

/* f leaves the index and its list, its record kept aside for the caller
 * (release_retired came first: at most one is ever aside). */
static const struct flow *retire(struct flow_table *t, struct flow *f,
				 enum flow_end why)
{
	uint32_t idx = pool_index(t, f);

	t->stats.ended[why]++;
	t->stats.active--;
	list_unlink(t, f);
	index_remove(t, idx, table_hash(&t->hash_key, &f->key));
	t->retired = idx;
	return f;
}

static void table_reset(struct flow_table *t)
{
	size_t size = (size_t)t->index_size * sizeof *t->index;

	/* Dropping the pages zeroes them without touching them. */
	if (madvise(t->index, size, MADV_DONTNEED) != 0)
		memset(t->index, 0, size);
	for (int c = 0; c < IDLE_CLASS_COUNT; c++)
		t->idle[c].head = t->idle[c].tail = NIL;
	t->free_head = t->retired = NIL;
	t->pool_used = 0;
	t->stats.active = 0;
	t->flushing = false;
}

/* The longest-idle flow is the oldest of the list heads. */
static struct flow *longest_idle(struct flow_table *t)
{
	struct flow *oldest = NULL;

	for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
		uint32_t h = t->idle[c].head;

		if (h != NIL && (!oldest || t->pool[h].last_us < oldest->last_us))
			oldest = &t->pool[h];
	}
	return oldest;
}

const struct flow *flow_table_expire_next(struct flow_table *t, int64_t now_us)
{
	release_retired(t);
	for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
		const struct idle_list *l = &t->idle[c];

		if (l->head != NIL &&
		    now_us - t->pool[l->head].last_us >= l->timeout_us)
			return retire(t, &t->pool[l->head], FLOW_END_IDLE);
	}
	return NULL;
}

static void run_add(const struct flow_table *t, struct flush_run *r,
		    uint32_t idx)
{
	const char *f = (const char *)&t->pool[idx];

	__builtin_prefetch(f);
	__builtin_prefetch(f + 64);
	r->ring[r->added++ % FLUSH_AHEAD] = idx;
}

static void run_refill(const struct flow_table *t, struct flush_run *r)
{
	while (r->added - r->taken < FLUSH_AHEAD) {
		uint32_t next = t->pool[r->ring[(r->added - 1) % FLUSH_AHEAD]].next;

		if (next == NIL)
			break;
		run_add(t, r, next);
	}
	r->head_us = r->taken == r->added
		? INT64_MAX
		: t->pool[r->ring[r->taken % FLUSH_AHEAD]].last_us;
}

static void flush_begin(struct flow_table *t)
{
	release_retired(t);
	memset(t->flush, 0, sizeof t->flush);
	for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
		t->flush[c].head_us = INT64_MAX;
		if (t->idle[c].head != NIL) {
			run_add(t, &t->flush[c], t->idle[c].head);
			run_refill(t, &t->flush[c]);
		}
	}
	t->flushing = true;
}

/* Every flow ends at once: they are handed back in order of last packet
 * (a merge of the lists' heads), then the table is emptied wholesale
 * instead of flow by flow, which would cost a random index access each.
 * The lists are only read meanwhile, so every record handed back stays as
 * it was until the table is emptied. */
const struct flow *flow_table_flush_next(struct flow_table *t)
{
	struct flush_run *r;
	uint32_t idx;
	int c = 0;

	if (!t->flushing)
		flush_begin(t);
	/* Which list comes next is data, not a branch: on a flood the lists
	 * interleave at random, and a branch would mispredict at every other
	 * flow. */
	for (int k = 1; k < IDLE_CLASS_COUNT; k++)
		c = t->flush[k].head_us < t->flush[c].head_us ? k : c;
	r = &t->flush[c];
	if (r->taken == r->added) {
		table_reset(t);
		return NULL;
	}
	t->stats.ended[FLOW_END_INPUT]++;
	idx = r->ring[r->taken++ % FLUSH_AHEAD];
	run_refill(t, r);
	return &t->pool[idx];
}

/* --- counting ----------------------------------------------------------- */

/* History events, after Zeek's conn.log: SYN, SYN-ACK, pure ACK, data,
 * FIN, RST; each recorded once per direction, in the order first seen. */
enum { H_SYN, H_SYNACK, H_ACK, H_DATA, H_FIN, H_RST, H_COUNT };
static const char history_letters[H_COUNT] = { 'S', 'H', 'A', 'D', 'F', 'R' };

static void history_add(struct flow *f, unsigned from, unsigned ev)
{
	unsigned code = ev | from << 3;
	uint16_t bit = (uint16_t)(1u << (ev + from * H_COUNT));

	if (f->history_seen & bit || f->history_len >= FLOW_HISTORY_MAX)
		return;
	f->history_seen |= bit;
	f->history |= (uint64_t)code << (4 * f->history_len++);
}

void flow_history(const struct flow *f, char *buf)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->history_len; i++) {
		unsigned code = (unsigned)(f->history >> (4 * i)) & 0xf;
		char c = history_letters[code & 7];

		buf[n++] = (code >> 3) == f->client ? c : (char)(c + 'a' - 'A');
	}
	buf[n] = '\0';
}

static void tcp_history(struct flow *f, unsigned from, const struct pkt *p)
{
	uint8_t fl = p->tcp_flags;

	if (fl & TCP_SYN)
		history_add(f, from, fl & TCP_ACK ? H_SYNACK : H_SYN);
	else if ((fl & (TCP_ACK | TCP_FIN | TCP_RST)) == TCP_ACK &&
		 p->payload_len == 0)
		history_add(f, from, H_ACK);
	if (p->payload_len > 0)
		history_add(f, from, H_DATA);
	if (fl & TCP_FIN)
		history_add(f, from, H_FIN);
	if (fl & TCP_RST)
		history_add(f, from, H_RST);
}

static void tcp_advance(struct flow *f, unsigned from, uint8_t fl)
{
	bool from_server = from != f->client;

	switch (f->state) {
	case TCP_STATE_ATTEMPTED:
		if (from_server)
			f->state = fl & TCP_RST ? TCP_STATE_REJECTED
						: TCP_STATE_ESTABLISHED;
		break;
	case TCP_STATE_REJECTED:
		if (from_server && (fl & (TCP_SYN | TCP_ACK)) ==
				       (TCP_SYN | TCP_ACK))
			f->state = TCP_STATE_ESTABLISHED;
		break;
	case TCP_STATE_ESTABLISHED:
	case TCP_STATE_MIDSTREAM:
		if (fl & (TCP_FIN | TCP_RST))
			f->state = TCP_STATE_CLOSED;
		break;
	default:
		break;
	}
}

/* Echo request (ICMP 8, ICMPv6 128) or reply (0, 129). */
static bool icmp_echo(const struct pkt *p, bool request)
{
	if (p->proto == IPPROTO_NUM_ICMP)
		return p->icmp_type == (request ? 8 : 0);
	return p->icmp_type == (request ? 128 : 129);
}

/* The first packet says who the client is when it opens a TCP handshake
 * (SYN from the client, SYN-ACK from the server) or is an ICMP echo;
 * otherwise UDP takes the sender and TCP the higher port, until the
 * classifier's catalogue says better. */
static void flow_orient(struct flow *f, unsigned from, const struct pkt *p)
{
	uint8_t fl = p->tcp_flags;

	f->client = (uint8_t)from;
	switch (p->proto) {
	case IPPROTO_NUM_TCP:
		f->oriented = (fl & TCP_SYN) != 0;
		if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
			f->state = TCP_STATE_ATTEMPTED;
		} else if (fl & TCP_SYN) {
			f->client = (uint8_t)(from ^ 1);
			f->state = TCP_STATE_ESTABLISHED;
		} else {
			f->state = TCP_STATE_MIDSTREAM;
			if (f->key.port[0] != f->key.port[1])
				f->client = f->key.port[0] < f->key.port[1];
		}
		break;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		f->icmp_client_type = p->icmp_type;
		f->icmp_client_code = p->icmp_code;
		if (icmp_echo(p, true)) {
			f->oriented = 1;
		} else if (icmp_echo(p, false)) {
			/* The reply came first: the client sent a request. */
			f->oriented = 1;
			f->client = (uint8_t)(from ^ 1);
			f->icmp_client_type = p->proto == IPPROTO_NUM_ICMP ? 8
									   : 128;
		}
		break;
	default:
		break;
	}
}

static void flow_init(struct flow *f, const struct flow_key *k,
		      unsigned from, const struct pkt *p, int64_t ts_us)
{
	memset(f, 0, sizeof *f);
	f->key = *k;
	f->first_us = f->last_us = ts_us;
	f->listed = tick_of(ts_us);
	flow_orient(f, from, p);
}

void flow_table_add_packets(struct flow_table *t, uint32_t slot,
			    unsigned from, uint64_t packets, uint64_t bytes,
			    int64_t first_us)
{
	struct flow *f = &t->pool[slot];

	f->packets[from] += packets;
	f->bytes[from] += bytes;
	if (first_us < f->first_us)
		f->first_us = first_us;
}

static void account(struct flow_table *t, struct flow *f, unsigned from,
		    const struct pkt *p, int64_t ts_us)
{
	f->packets[from]++;
	f->bytes[from] += p->ip_len;
	if (ts_us < f->first_us)
		f->first_us = ts_us;
	if (ts_us > f->last_us)
		f->last_us = ts_us;
	if (f->key.proto == IPPROTO_NUM_TCP) {
		f->tcp_flags[from] |= p->tcp_flags;
		tcp_advance(f, from, p->tcp_flags);
		tcp_history(f, from, p);
	} else if (p->payload_len > 0 && f->key.proto == IPPROTO_NUM_UDP) {
		history_add(f, from, H_DATA);
	}
	relist(t, f, ts_us);
}

/* A SYN without ACK on a closed connection opens a new one (port reuse):
 * the old flow ends and the new one takes its place in the index. */
static bool starts_new_connection(const struct flow *f, const struct pkt *p)
{
	return f->state == TCP_STATE_CLOSED &&
	       (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

/* A pool slot for a new flow: the pool holds one record more than
 * max_flows, so one is free even with a full table and a flow aside. */
static uint32_t pool_take(struct flow_table *t)
{
	uint32_t idx;

	if (t->free_head != NIL) {
		idx = t->free_head;
		t->free_head = t->pool[idx].next;
	} else {
		idx = t->pool_used++;
	}
	return idx;
}

/* A new flow in index slot `slot` (empty), evicting the longest-idle one
 * first when the table is full; returns its pool index. */
static uint32_t flow_create(struct flow_table *t, const struct flow_key *k,
			    uint32_t hash, uint32_t slot, struct flow_update *u)
{
	uint32_t idx;

	if (t->stats.active == t->max_flows) {
		u->ended = retire(t, longest_idle(t), FLOW_END_EVICTED);
		u->why = FLOW_END_EVICTED;
		/* The shift may have moved entries into our empty slot. */
		lookup(t, k, hash, &slot);
	}
	idx = pool_take(t);
	t->index[slot].flow = idx + 1;
	t->index[slot].hash = hash;
	t->stats.active++;
	t->stats.created++;
	return idx;
}

/* The flow in index slot `slot` ends by port reuse: a new one takes its
 * place there; returns its pool index. */
static uint32_t flow_reopen(struct flow_table *t, struct flow *old,
			    uint32_t slot, struct flow_update *u)
{
	uint32_t idx = pool_take(t);

	t->index[slot].flow = idx + 1;
	list_unlink(t, old);
	t->stats.ended[FLOW_END_PORT_REUSE]++;
	t->stats.created++;
	t->retired = pool_index(t, old);
	u->ended = old;
	u->why = FLOW_END_PORT_REUSE;
	return idx;
}

/* An IPv4 packet's words, taken from the packet rather than read back
 * from the key just written: a wide load of narrow stores would stall. */
static uint32_t pkt_hash_v4(const struct mshash_key *m, const struct pkt *p,
			    unsigned sender)
{
	uint32_t src, dst;
	uint16_t lo_port = sender ? p->dport : p->sport;
	uint16_t hi_port = sender ? p->sport : p->dport;
	union {
		uint8_t b[4];
		uint32_t w;
	} kind = { { p->family, p->proto, 0, 0 } };
	union {
		uint16_t h[2];
		uint32_t w;
	} ports = { { lo_port, hi_port } };

	memcpy(&src, p->src, 4);
	memcpy(&dst, p->dst, 4);
	return hash_v4(m, sender ? dst : src, sender ? src : dst, ports.w,
		       kind.w);
}

void flow_table_locate(const struct flow_table *t, const struct pkt *p,
		       struct flow_ref *ref)
{
	unsigned from;

	flow_key_from_pkt(p, &ref->key, &from);
	ref->sender = (uint8_t)from;
	ref->hash = p->family == 4 ? pkt_hash_v4(&t->hash_key, p, from)
				   : table_hash(&t->hash_key, &ref->key);
	__builtin_prefetch(&t->index[home_slot(t, ref->hash)]);
}

void flow_table_prefetch(const struct flow_table *t, const struct flow_ref *ref)
{
	const struct slot *s = &t->index[home_slot(t, ref->hash)];

	if (s->flow) {
		const char *f = (const char *)&t->pool[s->flow - 1];

		__builtin_prefetch(f, 1);
		__builtin_prefetch(f + 64, 1);
	}
}

void flow_table_update(struct flow_table *t, const struct pkt *p,
		       const struct flow_ref *ref, int64_t ts_us,
		       struct flow_update *u)
{
	uint32_t slot, idx;
	struct flow *f;

	release_retired(t);
	f = lookup(t, &ref->key, ref->hash, &slot);
	u->ended = NULL;
	u->created = f == NULL || starts_new_connection(f, p);
	if (!u->created) {
		account(t, f, ref->sender, p, ts_us);
		u->flow = f;
		u->slot = pool_index(t, f);
		return;
	}
	idx = f ? flow_reopen(t, f, slot, u)
		: flow_create(t, &ref->key, ref->hash, slot, u);
	f = &t->pool[idx];
	flow_init(f, &ref->key, ref->sender, p, ts_us);
	list_append(t, f, idle_class_of(f));
	account(t, f, ref->sender, p, ts_us);
	u->flow = f;
	u->slot = idx;
}

const struct flow *flow_table_icmp_error(struct flow_table *t,
					 const struct icmp_quote *q,
					 uint16_t tunnel,
					 const uint8_t *reporter, uint8_t type,
					 uint8_t code, uint32_t *slot)
{
	struct flow_key k;
	struct pkt quoted;
	struct flow *f;
	unsigned sender;
	uint32_t at;

	/* the quoted packet, as a packet of its own */
	memset(&quoted, 0, sizeof quoted);
	memcpy(quoted.src, q->src, sizeof quoted.src);
	memcpy(quoted.dst, q->dst, sizeof quoted.dst);
	quoted.sport = q->sport;
	quoted.dport = q->dport;
	quoted.family = q->family;
	quoted.proto = q->proto;
	quoted.tunnel = tunnel;
	flow_key_from_pkt(&quoted, &k, &sender);
	f = lookup(t, &k, table_hash(&t->hash_key, &k), &at);
	if (!f)
		return NULL;
	*slot = pool_index(t, f);
	f->icmp_type = type;
	f->icmp_code = code;
	if (f->icmp_errors < UINT16_MAX)
		f->icmp_errors++;
	memcpy(t->reporter[*slot], reporter, sizeof t->reporter[*slot]);
	return f;
}

const uint8_t *flow_table_reporter(const struct flow_table *t,
				   const struct flow *f)
{
	return t->reporter[pool_index(t, f)];
}

enum flow_outcome icmp_error_outcome(int family, uint8_t type, uint8_t code)
{
	if (family == 4 && type == 3)
		return code == 3 ? OUTCOME_REFUSED
		       : code == 9 || code == 10 || code == 13
		       ? OUTCOME_PROHIBITED : OUTCOME_UNREACHABLE;
	if (family == 6 && type == 1)
		return code == 4 ? OUTCOME_REFUSED
		       : code == 1 ? OUTCOME_PROHIBITED : OUTCOME_UNREACHABLE;
	if ((family == 4 && type == 11) || (family == 6 && type == 3))
		return OUTCOME_UNREACHABLE;	/* time exceeded */
	return OUTCOME_SUCCEEDED;
}

/* A client's request that waits for an answer: a TCP SYN, any UDP, an
 * ICMP echo request.  Other one-way traffic (a midstream TCP flow seen
 * from one side, a router's advertisements) tells nothing. */
static bool awaits_answer(const struct flow *f)
{
	switch (f->key.proto) {
	case IPPROTO_NUM_TCP:
		return f->state == TCP_STATE_ATTEMPTED;
	case IPPROTO_NUM_UDP:
		return true;
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		return f->oriented;	/* opened by an echo request */
	default:
		return false;
	}
}

enum flow_outcome flow_outcome(const struct flow *f, int64_t end_us,
			       int64_t answer_wait_us)
{
	enum flow_outcome said = OUTCOME_SUCCEEDED;

	if (f->key.proto == IPPROTO_NUM_TCP && f->state == TCP_STATE_REJECTED)
		return OUTCOME_REFUSED;
	if (f->packets[flow_server(f)] > 0)	/* answered, or one-way */
		return f->packets[f->client] > 0 ? OUTCOME_SUCCEEDED
						 : OUTCOME_UNDETERMINED;
	if (f->icmp_errors)
		said = icmp_error_outcome(f->key.family, f->icmp_type,
					  f->icmp_code);
	if (said != OUTCOME_SUCCEEDED)
		return said;
	if (!awaits_answer(f))
		return OUTCOME_UNDETERMINED;
	return ptime_sub(end_us, f->last_us) >= answer_wait_us
		       ? OUTCOME_UNANSWERED : OUTCOME_UNDETERMINED;
}

void flow_table_classify(struct flow_table *t, uint32_t slot,
			 uint32_t class_id, unsigned client)
{
	struct flow *f = &t->pool[slot];

	f->class_id = class_id;
	f->client = (uint8_t)(client & 1);
}

const struct flow *flow_table_next(const struct flow_table *t,
				   struct flow_iter *it, uint32_t *slot)
{
	if (!it->started) {
		it->started = true;
		it->list = 0;
		it->next = t->idle[0].head;
	}
	while (it->next == NIL) {
		if (++it->list >= IDLE_CLASS_COUNT)
			return NULL;
		it->next = t->idle[it->list].head;
	}
	*slot = it->next;
	it->next = t->pool[*slot].next;
	return &t->pool[*slot];
}

void flow_table_stats(const struct flow_table *t, struct flow_stats *out)
{
	*out = t->stats;
}
