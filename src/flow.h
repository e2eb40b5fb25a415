/* flow.h: the bidirectional flow table: one flow per protocol, address pair
 * and port pair, with per-direction counters, TCP state and idle expiry.
 *
 * flow owns struct flow: only flow.c writes one.  Sized once at start-up,
 * the table never allocates per packet.  It calls nothing above it: a flow
 * that ends (idle, evicted, port reused, end of input) is handed back to
 * the caller of the function that ended it, so nothing counted is ever
 * dropped silently and the caller writes it out in its own time.
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

/* What came of a flow, for the troubleshooter's question: did the
 * connection work, and if not, what said no (lucsaudit(1), Outcomes). */
enum flow_outcome {
	OUTCOME_SUCCEEDED = 0,	/* a handshake, or packets both ways */
	OUTCOME_UNANSWERED,	/* nothing came back, and long enough */
	OUTCOME_REFUSED,	/* RST to a SYN; ICMP port unreachable */
	OUTCOME_PROHIBITED,	/* ICMP administratively prohibited */
	OUTCOME_UNREACHABLE,	/* another ICMP unreachable, time exceeded */
	OUTCOME_UNDETERMINED,	/* too soon to tell, or seen one way only */
	OUTCOME_COUNT
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
	uint16_t tunnel;	/* the tunnel path (tunnels.h), 0: none;
				 * keys compare and hash as bytes */
};

#define FLOW_HISTORY_MAX 12

/* Counters are indexed by key endpoint; `client` says which one opened the
 * conversation, so orienting a flow never moves counters.  128 bytes, two
 * cache lines (asserted in flow.c): the first holds the key, which every
 * lookup compares, and both times; the counters and list links that an
 * update writes follow in the second. */
struct flow {
	struct flow_key key;
	int64_t first_us;	/* microseconds since the epoch */
	int64_t last_us;
	uint64_t packets[2];	/* sent by key endpoint 0 and 1 */
	uint64_t bytes[2];	/* IP-layer bytes sent */
	uint64_t history;	/* Zeek-style events, 4 bits each */
	uint32_t prev, next;	/* idle list links, pool indices */
	uint32_t class_id;	/* the classifier's class id, 0 = none yet */
	uint32_t listed;	/* tick it last went to a list's tail */
	uint16_t history_seen;	/* events already in history */
	uint8_t tcp_flags[2];	/* flags sent by endpoint 0 and 1 */
	uint8_t client;		/* 0 or 1 */
	uint8_t oriented;	/* client known from the packets themselves */
	uint8_t state;		/* enum tcp_state */
	uint8_t idle;		/* enum idle_class */
	uint8_t history_len;
	uint8_t icmp_type;	/* the last ICMP error that quoted it */
	uint8_t icmp_code;
	uint16_t icmp_errors;	/* ICMP errors that quoted it (to 65535) */
	uint8_t icmp_client_type;	/* ICMP flows: the client's message, */
	uint8_t icmp_client_code;	/* as the first packet showed it */
};

struct flow_config {
	uint32_t max_flows;
	uint32_t timeout_s[IDLE_CLASS_COUNT];
	struct hash_key hash_key;
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

/* Slots a table for max_flows has: every flow's slot (flow_update.slot,
 * flow_table_next) is below this, for callers that keep storage of their
 * own per flow. */
uint32_t flow_table_slots(uint32_t max_flows);

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

/* What counting one packet did.  A flow that ended on the way is handed
 * back in `ended`: it stays readable, unchanged, until the next call that
 * changes the table. */
struct flow_update {
	const struct flow *flow;	/* the packet's flow */
	uint32_t slot;		/* its slot (see flow_table_slots) */
	bool created;		/* the flow is new: the caller classifies it */
	const struct flow *ended;	/* evicted for room, or the connection
					 * this packet's SYN replaced; NULL */
	enum flow_end why;	/* of ended */
};

/* Count one decoded packet taken at ts_us in its flow (located by
 * flow_table_locate), creating the flow, first evicting the longest-idle
 * one when the table is full. */
void flow_table_update(struct flow_table *t, const struct pkt *p,
		       const struct flow_ref *ref, int64_t ts_us,
		       struct flow_update *u);

/* The classifier's verdict for the flow in slot: its class id, and which
 * key endpoint is the client (the classifier orients flows whose packets
 * did not say). */
void flow_table_classify(struct flow_table *t, uint32_t slot,
			 uint32_t class_id, unsigned client);

/* Count packets that reached the flow in slot late (fragments held until
 * their first fragment came) from key endpoint `from`, as in
 * flow_ref.sender, the earliest seen at first_us. */
void flow_table_add_packets(struct flow_table *t, uint32_t slot,
			    unsigned from, uint64_t packets, uint64_t bytes,
			    int64_t first_us);

/* An ICMP or ICMPv6 error that quotes q, came through tunnel path
 * tunnel (0: none: the quoted flow took the same path), sent by reporter
 * (the hop that
 * answered: a firewall, a router, the host): counted on the flow q
 * belongs to when it is in the table, which is returned (and its slot);
 * NULL when it is not, and the error is then nothing to the table. */
const struct flow *flow_table_icmp_error(struct flow_table *t,
					 const struct icmp_quote *q,
					 uint16_t tunnel,
					 const uint8_t *reporter, uint8_t type,
					 uint8_t code, uint32_t *slot);

/* The address of the last ICMP error's reporter for f (a flow of this
 * table, f->icmp_errors > 0); valid while f is. */
const uint8_t *flow_table_reporter(const struct flow_table *t,
				   const struct flow *f);

/* What came of f, ended (or looked at) at end_us: a client that got no
 * answer waited answer_wait_us at least for it to be unanswered. */
enum flow_outcome flow_outcome(const struct flow *f, int64_t end_us,
			       int64_t answer_wait_us);
const char *flow_outcome_name(enum flow_outcome o);
/* The outcome an ICMP error (type, code) stands for, in family (4, 6);
 * OUTCOME_SUCCEEDED for an error that says nothing of the kind (a packet
 * too big, a parameter problem). */
enum flow_outcome icmp_error_outcome(int family, uint8_t type, uint8_t code);

/* The next flow idle for longer than its timeout at now_us, ended
 * (FLOW_END_IDLE) and handed back; NULL when none is.  It stays readable
 * until the next call that changes the table. */
const struct flow *flow_table_expire_next(struct flow_table *t, int64_t now_us);

/* Every flow ends (FLOW_END_INPUT), handed back one per call in the order
 * of their last packet (to the tick); NULL once the table is empty.  Each
 * stays readable until the next call; no other call that changes the
 * table may come between the first call and the NULL. */
const struct flow *flow_table_flush_next(struct flow_table *t);

/* Walking the flows in the table (a report asked for mid-run, a reload):
 * zero an iterator, then each call gives the next flow and its slot, NULL
 * after the last.  The table must not change meanwhile. */
struct flow_iter {
	int list;
	uint32_t next;
	bool started;
};
const struct flow *flow_table_next(const struct flow_table *t,
				   struct flow_iter *it, uint32_t *slot);

void flow_table_stats(const struct flow_table *t, struct flow_stats *out);

/* The canonical key of p's flow; *sender is the key endpoint that sent p. */
void flow_key_from_pkt(const struct pkt *p, struct flow_key *k,
		       unsigned *sender);

/* Render the Zeek-style history (originator upper case); buf holds at
 * least FLOW_HISTORY_MAX + 1 bytes. */
void flow_history(const struct flow *f, char *buf);

static inline unsigned flow_server(const struct flow *f)
{
	return f->client ^ 1u;
}

#endif
