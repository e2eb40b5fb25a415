/* flow.h: the bidirectional flow table: one flow per protocol, address pair
 * and port pair, with per-direction counters, TCP state and idle expiry.
 *
 * Sized once at start-up: the table never allocates per packet.  A flow
 * leaves the table only through the end callback (idle, evicted, port
 * reused, end of input), so nothing counted is ever dropped silently.
 */
#ifndef LUCS_FLOW_H
#define LUCS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"

enum tcp_state {
	TCP_STATE_NONE = 0,	/* not TCP */
	TCP_STATE_ATTEMPTED,	/* SYN with no answer */
	TCP_STATE_REJECTED,	/* SYN answered by RST */
	TCP_STATE_ESTABLISHED,
	TCP_STATE_CLOSED,	/* FIN or RST after the handshake */
	TCP_STATE_MIDSTREAM,	/* the first packet seen was not a SYN */
	TCP_STATE_COUNT
};

/* Idle lists, one per timeout, each ordered from longest idle. */
enum idle_class {
	IDLE_TCP_ATTEMPTED = 0,
	IDLE_TCP_ESTABLISHED,	/* established and midstream */
	IDLE_TCP_CLOSED,	/* closed and rejected */
	IDLE_UDP,
	IDLE_OTHER,
	IDLE_CLASS_COUNT
};

enum flow_end {
	FLOW_END_IDLE = 0,
	FLOW_END_EVICTED,	/* the table was full */
	FLOW_END_PORT_REUSE,	/* a new SYN after the connection closed */
	FLOW_END_INPUT,		/* input ended or the run was stopped */
	FLOW_END_COUNT
};

/* Endpoints in canonical order (the smaller address, then port, first), so
 * both directions of a conversation build the same key. */
struct flow_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	uint8_t pad[2];		/* zero: keys compare and hash as bytes */
};

#define FLOW_HISTORY_MAX 12

/* Counters are indexed by key endpoint; `client` says which one opened the
 * conversation, so orienting a flow never moves counters.  128 bytes: two
 * cache lines, the key and what every packet updates in the first. */
struct flow {
	struct flow_key key;
	int64_t first_us;	/* microseconds since the epoch */
	int64_t last_us;
	uint64_t packets[2];	/* sent by key endpoint 0 and 1 */
	uint64_t bytes[2];	/* IP-layer bytes sent */
	uint64_t history;	/* Zeek-style events, 4 bits each */
	uint32_t prev, next;	/* idle list links, pool indices */
	uint32_t class_id;	/* cached classification, 0 = none yet */
	uint32_t interval;	/* report's scratch: last interval counted */
	uint32_t listed;	/* tick (2^20 us) it last went to a list's tail */
	uint16_t history_seen;	/* events already in history */
	uint8_t tcp_flags[2];	/* flags sent by endpoint 0 and 1 */
	uint8_t client;		/* 0 or 1 */
	uint8_t oriented;	/* client known from the packets themselves */
	uint8_t state;		/* enum tcp_state */
	uint8_t idle;		/* enum idle_class */
	uint8_t history_len;
};

typedef void (*flow_end_fn)(void *ctx, struct flow *f, enum flow_end why);

struct flow_config {
	uint32_t max_flows;
	uint32_t timeout_s[IDLE_CLASS_COUNT];
	struct hash_key hash_key;
	flow_end_fn on_end;
	void *ctx;
};

struct flow_stats {
	uint64_t created;
	uint64_t ended[FLOW_END_COUNT];
	uint32_t active;
	uint32_t max_probe;	/* longest index probe seen */
};

struct flow_table;

void flow_config_defaults(struct flow_config *cfg);
const char *idle_class_name(enum idle_class c);
const char *tcp_state_name(enum tcp_state s);
const char *flow_end_name(enum flow_end e);

struct flow_table *flow_table_new(const struct flow_config *cfg);
void flow_table_free(struct flow_table *t);

/* Count one decoded packet taken at ts_us in its flow, creating the flow
 * (and first evicting the longest-idle one when full).  *created tells
 * whether the flow is new, for the caller to classify it. */
struct flow *flow_table_update(struct flow_table *t, const struct pkt *p,
			       int64_t ts_us, bool *created);

/* Where a packet belongs, worked out ahead of its update so that the
 * memory the update needs can be fetched meanwhile (audit.c keeps a few
 * packets in flight). */
struct flow_ref {
	struct flow_key key;
	uint32_t hash;
	uint8_t sender;		/* the key endpoint that sent the packet */
};

/* Compute p's key and hash, and prefetch its index slot. */
void flow_table_locate(const struct flow_table *t, const struct pkt *p,
		       struct flow_ref *ref);
/* Prefetch the flow the index slot names (a hint: the table may change
 * before the update). */
void flow_table_prefetch(const struct flow_table *t, const struct flow_ref *ref);
/* flow_table_update with the work of flow_table_locate already done. */
struct flow *flow_table_update_ref(struct flow_table *t, const struct pkt *p,
				   const struct flow_ref *ref, int64_t ts_us,
				   bool *created);

/* Count packets that reached the flow late (fragments held until their
 * first fragment came) from key endpoint `from`, as in flow_ref.sender,
 * the earliest seen at first_us. */
void flow_add_packets(struct flow *f, unsigned from, uint64_t packets,
		      uint64_t bytes, int64_t first_us);

/* End every flow idle for longer than its timeout at now_us. */
void flow_table_expire(struct flow_table *t, int64_t now_us);

/* End every flow, in the order of their last packet (to the tick). */
void flow_table_flush(struct flow_table *t);

void flow_table_foreach(struct flow_table *t,
			void (*fn)(void *ctx, struct flow *f), void *ctx);
void flow_table_stats(const struct flow_table *t, struct flow_stats *out);

/* The canonical key of p's flow; *sender is the key endpoint that sent p. */
void flow_key_from_pkt(const struct pkt *p, struct flow_key *k,
		       unsigned *sender);
/* The hash the table keyed with hk gives k (see hash.h: mshash). */
uint32_t flow_key_hash(const struct hash_key *hk, const struct flow_key *k);
/* The index slot a hash starts probing at, in a table for max_flows. */
uint32_t flow_home_slot(uint32_t max_flows, uint32_t hash);

/* Make endpoint `client` the client (the classifier orients flows whose
 * packets did not say). */
void flow_set_client(struct flow *f, unsigned client);

/* Render the Zeek-style history (originator upper case); buf holds at
 * least FLOW_HISTORY_MAX + 1 bytes. */
void flow_history(const struct flow *f, char *buf);

static inline unsigned flow_server(const struct flow *f)
{
	return f->client ^ 1u;
}

#endif
