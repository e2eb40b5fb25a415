/* test_flow.c: the flow table: keys, counters, orientation, the TCP state
 * machine, history, expiry, eviction, flushing, ended flows handed back
 * once each, the index under churn and against a collision flood. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "flow-test.h"
#include "flow.h"
#include "tunables.h"

#define S(sec) ((int64_t)(sec) * 1000000)	/* seconds to microseconds */
#define LOG_MAX 4096

/* Timeouts all different, so a test can tell the classes apart. */
static const uint32_t timeouts[IDLE_CLASS_COUNT] = {
	[IDLE_TCP_ATTEMPTED] = 10, [IDLE_TCP_ESTABLISHED] = 20,
	[IDLE_TCP_CLOSED] = 30, [IDLE_UDP] = 40, [IDLE_OTHER] = 50
};

static const struct hash_key key_a = { 0x0706050403020100ULL,
				       0x0f0e0d0c0b0a0908ULL };
static const struct hash_key key_b = { 0x243f6a8885a308d3ULL,
				       0x13198a2e03707344ULL };

struct ended {
	struct flow f;		/* the flow as it was handed back */
	enum flow_end why;
};

struct fx {
	struct flow_config cfg;
	struct flow_table *t;
	struct ended *log;
	size_t n_ended;		/* flows handed back; the first LOG_MAX kept */
	uint32_t slot;		/* the last update's flow */
};

/* A flow handed back: logged, as the program writes it out. */
static void log_end(struct fx *x, const struct flow *f, enum flow_end why)
{
	if (x->n_ended < LOG_MAX) {
		x->log[x->n_ended].f = *f;
		x->log[x->n_ended].why = why;
	}
	x->n_ended++;
}

static void expire(struct fx *x, int64_t now_us)
{
	const struct flow *f;

	while ((f = flow_table_expire_next(x->t, now_us)))
		log_end(x, f, FLOW_END_IDLE);
}

static void flush(struct fx *x)
{
	const struct flow *f;

	while ((f = flow_table_flush_next(x->t)))
		log_end(x, f, FLOW_END_INPUT);
}

/* A fresh table of max_flows with hash key k, the log emptied. */
static void reopen(struct fx *x, uint32_t max_flows, const struct hash_key *k)
{
	flow_table_free(x->t);
	x->cfg.max_flows = max_flows;
	x->cfg.hash_key = *k;
	x->t = flow_table_new(&x->cfg);
	assert_non_null(x->t);
	x->n_ended = 0;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	x->log = calloc(LOG_MAX, sizeof *x->log);
	flow_config_defaults(&x->cfg);
	x->cfg.max_flows = 64;
	memcpy(x->cfg.timeout_s, timeouts, sizeof timeouts);
	x->cfg.hash_key = key_a;
	x->t = flow_table_new(&x->cfg);
	*state = x;
	return x->log && x->t ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	flow_table_free(x->t);
	free(x->log);
	free(x);
	return 0;
}

/* --- packets ------------------------------------------------------------- */

static void set_addr(uint8_t *dst, const char *text, uint8_t *family)
{
	bool v6 = strchr(text, ':') != NULL;

	*family = v6 ? 6 : 4;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, dst) != 1)
		fail_msg("bad address %s", text);
}

static struct pkt mkpkt(uint8_t proto, const char *src, uint16_t sport,
			const char *dst, uint16_t dport, uint32_t payload)
{
	struct pkt p;
	uint32_t hdr;

	memset(&p, 0, sizeof p);
	set_addr(p.src, src, &p.family);
	set_addr(p.dst, dst, &p.family);
	p.sport = sport;
	p.dport = dport;
	p.proto = proto;
	hdr = proto == IPPROTO_NUM_TCP ? 20 : 8;
	p.ip_len = (p.family == 4 ? 20 : 40) + hdr + payload;
	p.payload_len = payload;
	return p;
}

static struct pkt tcp(const char *src, uint16_t sport, const char *dst,
		      uint16_t dport, uint8_t flags, uint32_t payload)
{
	struct pkt p = mkpkt(IPPROTO_NUM_TCP, src, sport, dst, dport, payload);

	p.tcp_flags = flags;
	return p;
}

static struct pkt udp(const char *src, uint16_t sport, const char *dst,
		      uint16_t dport, uint32_t payload)
{
	return mkpkt(IPPROTO_NUM_UDP, src, sport, dst, dport, payload);
}

static struct pkt icmp(const char *src, const char *dst, uint8_t type)
{
	bool v6 = strchr(src, ':') != NULL;
	struct pkt p = mkpkt(v6 ? IPPROTO_NUM_ICMPV6 : IPPROTO_NUM_ICMP, src,
			     0, dst, 0, 56);

	p.icmp_type = type;
	return p;
}

static const struct flow *update(struct fx *x, struct pkt p, int64_t ts_us,
				 bool *created)
{
	struct flow_ref ref;
	struct flow_update u;

	flow_table_locate(x->t, &p, &ref);
	flow_table_update(x->t, &p, &ref, ts_us, &u);
	assert_non_null(u.flow);
	if (u.ended)
		log_end(x, u.ended, u.why);
	*created = u.created;
	x->slot = u.slot;
	return u.flow;
}

/* Update with a packet that must not create a flow. */
static const struct flow *more(struct fx *x, struct pkt p, int64_t ts_us)
{
	bool created;
	const struct flow *f = update(x, p, ts_us, &created);

	assert_false(created);
	return f;
}

/* Update with a packet that must create one. */
static const struct flow *first(struct fx *x, struct pkt p, int64_t ts_us)
{
	bool created;
	const struct flow *f = update(x, p, ts_us, &created);

	assert_true(created);
	return f;
}

static struct flow_stats stats(const struct fx *x)
{
	struct flow_stats st;

	flow_table_stats(x->t, &st);
	return st;
}

static void assert_history(const struct flow *f, const char *want)
{
	char buf[FLOW_HISTORY_MAX + 1];

	flow_history(f, buf);
	assert_string_equal(buf, want);
}

/* The client is 10.0.0.9, the larger address: key endpoint 1. */
#define CLI "10.0.0.9"
#define SRV "10.0.0.2"

/* --- keys ---------------------------------------------------------------- */

static void test_flow_key_canonical(void **state)
{
	struct pkt p = tcp(CLI, 40000, SRV, 80, TCP_SYN, 0);
	struct pkt r = tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0);
	struct flow_key k, kr;
	unsigned sender, sender_r;
	uint8_t srv[4] = { 10, 0, 0, 2 };

	(void)state;
	memset(&k, 0xff, sizeof k);
	flow_key_from_pkt(&p, &k, &sender);
	flow_key_from_pkt(&r, &kr, &sender_r);
	assert_memory_equal(&k, &kr, sizeof k);
	assert_int_equal(sender, 1);
	assert_int_equal(sender_r, 0);
	assert_memory_equal(k.addr[0], srv, 4);
	assert_int_equal(k.port[0], 80);
	assert_int_equal(k.port[1], 40000);
	assert_int_equal(k.family, 4);
	assert_int_equal(k.proto, IPPROTO_NUM_TCP);
	/* Unused address bytes and the padding are zero: keys hash and
	 * compare as bytes. */
	for (int i = 4; i < 16; i++)
		assert_int_equal(k.addr[0][i] | k.addr[1][i], 0);
	assert_int_equal(k.tunnel, 0);
	assert_int_equal(flow_key_hash(&key_a, &k), flow_key_hash(&key_a, &kr));

	/* One address at both ends: the smaller port comes first. */
	p = udp(SRV, 5353, SRV, 53, 0);
	flow_key_from_pkt(&p, &k, &sender);
	assert_int_equal(sender, 1);
	assert_int_equal(k.port[0], 53);
	p = udp(SRV, 53, SRV, 5353, 0);
	flow_key_from_pkt(&p, &kr, &sender);
	assert_int_equal(sender, 0);
	assert_memory_equal(&k, &kr, sizeof k);

	/* IPv6 compares all 16 bytes: ::1:0 is the larger. */
	p = tcp("2001:db8::1:0", 1, "2001:db8::2", 2, TCP_SYN, 0);
	flow_key_from_pkt(&p, &k, &sender);
	assert_int_equal(sender, 1);
	assert_int_equal(k.family, 6);
	assert_int_equal(k.port[0], 2);
	r = tcp("2001:db8::2", 2, "2001:db8::1:0", 1, TCP_ACK, 0);
	flow_key_from_pkt(&r, &kr, &sender);
	assert_int_equal(sender, 0);
	assert_memory_equal(&k, &kr, sizeof k);

	/* The protocol is part of the key, and of the hash. */
	p = udp(CLI, 40000, SRV, 80, 0);
	flow_key_from_pkt(&p, &kr, &sender);
	p = tcp(CLI, 40000, SRV, 80, 0, 0);
	flow_key_from_pkt(&p, &k, &sender);
	assert_memory_not_equal(&k, &kr, sizeof k);
	assert_int_not_equal(flow_key_hash(&key_a, &k),
			     flow_key_hash(&key_a, &kr));
	/* Another key, another hash. */
	assert_int_not_equal(flow_key_hash(&key_a, &k),
			     flow_key_hash(&key_b, &k));
}

/* --- insert, lookup, counters -------------------------------------------- */

static void test_flow_insert_lookup(void **state)
{
	struct fx *x = *state;
	const struct flow *f, *g;

	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	assert_ptr_equal(more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK,
				     0), S(2)), f);
	assert_ptr_equal(more(x, tcp(CLI, 40000, SRV, 80, TCP_ACK, 0), S(3)),
			 f);
	g = first(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), S(4));
	assert_ptr_not_equal(g, f);
	assert_ptr_not_equal(first(x, udp(CLI, 40000, SRV, 80, 0), S(5)), f);
	first(x, tcp("2001:db8::9", 40000, "2001:db8::2", 80, TCP_SYN, 0),
	      S(6));
	assert_ptr_equal(more(x, tcp(SRV, 80, CLI, 40001, TCP_RST, 0), S(7)),
			 g);
	assert_int_equal(stats(x).active, 4);
	assert_int_equal(stats(x).created, 4);
	assert_int_equal(f->first_us, S(1));
	assert_int_equal(f->last_us, S(3));
	assert_int_equal(x->n_ended, 0);
}

static void test_flow_counters_per_direction(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(2));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_ACK, 0), S(3));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_PSH | TCP_ACK, 100), S(4));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_PSH | TCP_ACK, 1000), S(5));
	assert_int_equal(f->client, 1);
	assert_int_equal(flow_server(f), 0);
	assert_int_equal(f->packets[1], 3);
	assert_int_equal(f->bytes[1], 40 + 40 + 140);
	assert_int_equal(f->packets[0], 2);
	assert_int_equal(f->bytes[0], 40 + 1040);
	assert_int_equal(f->tcp_flags[1], TCP_SYN | TCP_ACK | TCP_PSH);
	assert_int_equal(f->tcp_flags[0], TCP_SYN | TCP_ACK | TCP_PSH);
	assert_int_equal(f->first_us, S(1));
	assert_int_equal(f->last_us, S(5));
}

/* Packets a flow gets late (held fragments) count for their sender. */
static void test_flow_add_packets(void **state)
{
	struct fx *x = *state;
	struct pkt c = udp(CLI, 40000, SRV, 53, 1400);
	struct pkt s = udp(SRV, 53, CLI, 40000, 1400);
	struct flow_ref rc, rs;
	const struct flow *f;

	f = first(x, c, S(1));
	flow_table_locate(x->t, &c, &rc);
	flow_table_locate(x->t, &s, &rs);
	flow_table_add_packets(x->t, x->slot, rc.sender, 2, 2960, S(1) - 500);
	flow_table_add_packets(x->t, x->slot, rs.sender, 3, 4000, S(2));
	assert_int_equal(f->packets[1], 3);
	assert_int_equal(f->bytes[1], c.ip_len + 2960);
	assert_int_equal(f->packets[0], 3);
	assert_int_equal(f->bytes[0], 4000);
	/* held fragments seen before the first one move first_seen back */
	assert_int_equal(f->first_us, S(1) - 500);
	assert_int_equal(f->last_us, S(1));
}

/* --- orientation --------------------------------------------------------- */

static void test_flow_orient_syn(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	assert_int_equal(f->client, 1);
	assert_true(f->oriented);
	assert_int_equal(f->state, TCP_STATE_ATTEMPTED);
	/* The server's answer does not move the client. */
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(2));
	assert_int_equal(f->client, 1);

	/* The same with the client at key endpoint 0. */
	f = first(x, tcp(SRV, 40000, CLI, 80, TCP_SYN, 0), S(3));
	assert_int_equal(f->client, 0);
	assert_true(f->oriented);
}

/* A SYN-ACK seen first: its sender is the server. */
static void test_flow_orient_synack_first(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(1));
	assert_int_equal(f->client, 1);
	assert_true(f->oriented);
	assert_int_equal(f->state, TCP_STATE_ESTABLISHED);
	f = first(x, tcp(CLI, 443, SRV, 40000, TCP_SYN | TCP_ACK, 0), S(2));
	assert_int_equal(f->client, 0);
	assert_int_equal(f->state, TCP_STATE_ESTABLISHED);
}

/* Midstream TCP: the higher port is the client, whoever sent first. */
static void test_flow_orient_midstream(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, tcp(SRV, 80, CLI, 40000, TCP_ACK, 10), S(1));
	assert_int_equal(f->client, 1);
	assert_false(f->oriented);
	assert_int_equal(f->state, TCP_STATE_MIDSTREAM);
	f = first(x, tcp(CLI, 40001, SRV, 80, TCP_ACK, 10), S(2));
	assert_int_equal(f->client, 1);
	f = first(x, tcp(CLI, 443, SRV, 50000, TCP_PSH | TCP_ACK, 10), S(3));
	assert_int_equal(f->client, 0);
	f = first(x, tcp(SRV, 50001, CLI, 443, TCP_ACK, 0), S(4));
	assert_int_equal(f->client, 0);
	/* Equal ports: the sender. */
	f = first(x, tcp(CLI, 179, SRV, 179, TCP_ACK, 19), S(5));
	assert_int_equal(f->client, 1);
	f = first(x, tcp(SRV, 5060, CLI, 5060, TCP_ACK, 19), S(6));
	assert_int_equal(f->client, 0);
}

/* UDP: the first sender is the client, even from the lower port. */
static void test_flow_orient_udp(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, udp(CLI, 53, SRV, 40000, 40), S(1));
	assert_int_equal(f->client, 1);
	assert_false(f->oriented);
	assert_int_equal(f->state, TCP_STATE_NONE);
	more(x, udp(SRV, 40000, CLI, 53, 40), S(2));
	assert_int_equal(f->client, 1);
	f = first(x, udp(SRV, 53, CLI, 40000, 40), S(3));
	assert_int_equal(f->client, 0);
}

/* ICMP echo: the requester is the client, a reply seen first included. */
static void test_flow_orient_icmp(void **state)
{
	static const struct {
		const char *src, *dst;
		uint8_t type;
		uint8_t client;		/* key endpoint */
		bool oriented;
	} cases[] = {
		{ "10.0.0.9", "10.0.0.2", 8, 1, true },		/* request */
		{ "10.0.1.9", "10.0.1.2", 0, 0, true },		/* reply */
		{ "10.0.2.2", "10.0.2.9", 0, 1, true },
		{ "2001:db8::9", "2001:db8::2", 128, 1, true },
		{ "2001:db8::1:9", "2001:db8::1:2", 129, 0, true },
		{ "10.0.3.9", "10.0.3.2", 3, 1, false },	/* unreach. */
		{ "2001:db8::2:2", "2001:db8::2:9", 1, 0, false },
		/* the other family's echo numbers are not echoes */
		{ "10.0.4.9", "10.0.4.2", 129, 1, false },
		{ "2001:db8::3:9", "2001:db8::3:2", 0, 1, false },
		{ "2001:db8::4:9", "2001:db8::4:2", 8, 1, false },
	};
	struct fx *x = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct flow *f = first(x, icmp(cases[i].src, cases[i].dst,
					       cases[i].type), S(i));

		assert_int_equal(f->client, cases[i].client);
		assert_int_equal(f->oriented, cases[i].oriented);
		assert_int_equal(f->state, TCP_STATE_NONE);
		assert_int_equal(f->idle, IDLE_OTHER);
	}
}

/* The classifier's verdict: a class id, and the client it says. */
static void test_flow_classify(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	f = first(x, udp(CLI, 40000, SRV, 53, 40), S(1));
	assert_int_equal(f->class_id, 0);
	more(x, udp(SRV, 53, CLI, 40000, 0), S(2));
	assert_history(f, "D");
	flow_table_classify(x->t, x->slot, 7, 0);
	assert_int_equal(f->class_id, 7);
	assert_int_equal(f->client, 0);
	assert_int_equal(flow_server(f), 1);
	assert_history(f, "d");
	assert_int_equal(f->packets[1], 1);	/* counters never move */
	flow_table_classify(x->t, x->slot, 7, 3);	/* the low bit counts */
	assert_int_equal(f->client, 1);
}

/* --- TCP state --------------------------------------------------------- */

static void test_flow_tcp_states(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	/* A SYN, retransmitted, even reset by its sender: attempted. */
	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(2));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_RST, 0), S(3));
	assert_int_equal(f->state, TCP_STATE_ATTEMPTED);
	assert_int_equal(f->idle, IDLE_TCP_ATTEMPTED);

	/* Answered by a reset: rejected, and stays so on other packets. */
	f = first(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), S(4));
	more(x, tcp(SRV, 80, CLI, 40001, TCP_RST | TCP_ACK, 0), S(5));
	assert_int_equal(f->state, TCP_STATE_REJECTED);
	assert_int_equal(f->idle, IDLE_TCP_CLOSED);
	more(x, tcp(SRV, 80, CLI, 40001, TCP_ACK, 0), S(6));
	more(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), S(7));
	assert_int_equal(f->state, TCP_STATE_REJECTED);
	/* ...until the server answers a retried SYN after all. */
	more(x, tcp(SRV, 80, CLI, 40001, TCP_SYN | TCP_ACK, 0), S(8));
	assert_int_equal(f->state, TCP_STATE_ESTABLISHED);
	assert_int_equal(f->idle, IDLE_TCP_ESTABLISHED);

	/* Handshake, then FIN: established, then closed. */
	f = first(x, tcp(CLI, 40002, SRV, 80, TCP_SYN, 0), S(9));
	more(x, tcp(SRV, 80, CLI, 40002, TCP_SYN | TCP_ACK, 0), S(10));
	assert_int_equal(f->state, TCP_STATE_ESTABLISHED);
	more(x, tcp(CLI, 40002, SRV, 80, TCP_ACK, 0), S(11));
	more(x, tcp(CLI, 40002, SRV, 80, TCP_PSH | TCP_ACK, 10), S(12));
	assert_int_equal(f->state, TCP_STATE_ESTABLISHED);
	more(x, tcp(SRV, 80, CLI, 40002, TCP_FIN | TCP_ACK, 0), S(13));
	assert_int_equal(f->state, TCP_STATE_CLOSED);
	assert_int_equal(f->idle, IDLE_TCP_CLOSED);
	more(x, tcp(CLI, 40002, SRV, 80, TCP_ACK, 0), S(14));
	assert_int_equal(f->state, TCP_STATE_CLOSED);

	/* A reset closes an established connection too. */
	f = first(x, tcp(CLI, 40003, SRV, 80, TCP_SYN, 0), S(15));
	more(x, tcp(SRV, 80, CLI, 40003, TCP_SYN | TCP_ACK, 0), S(16));
	more(x, tcp(CLI, 40003, SRV, 80, TCP_RST, 0), S(17));
	assert_int_equal(f->state, TCP_STATE_CLOSED);

	/* Midstream, then closed by a FIN. */
	f = first(x, tcp(CLI, 40004, SRV, 80, TCP_ACK, 100), S(18));
	assert_int_equal(f->state, TCP_STATE_MIDSTREAM);
	assert_int_equal(f->idle, IDLE_TCP_ESTABLISHED);
	more(x, tcp(SRV, 80, CLI, 40004, TCP_ACK, 100), S(19));
	assert_int_equal(f->state, TCP_STATE_MIDSTREAM);
	more(x, tcp(SRV, 80, CLI, 40004, TCP_FIN | TCP_ACK, 0), S(20));
	assert_int_equal(f->state, TCP_STATE_CLOSED);

	assert_string_equal(tcp_state_name(TCP_STATE_REJECTED), "rejected");
	assert_string_equal(tcp_state_name(TCP_STATE_MIDSTREAM), "midstream");
	assert_string_equal(tcp_state_name(TCP_STATE_COUNT), "?");
	assert_string_equal(idle_class_name(IDLE_UDP), "udp");
	assert_string_equal(idle_class_name(IDLE_CLASS_COUNT), "?");
	assert_string_equal(flow_end_name(FLOW_END_PORT_REUSE), "port_reuse");
	assert_string_equal(flow_end_name(FLOW_END_COUNT), "?");
}

/* A SYN on a closed connection ends it and starts a new flow in place. */
static void test_flow_port_reuse(void **state)
{
	struct fx *x = *state;
	const struct flow *f, *g;
	bool created;

	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(2));
	/* A retransmitted SYN on an open connection is no reuse. */
	more(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(3));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_FIN | TCP_ACK, 0), S(4));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_FIN | TCP_ACK, 0), S(5));
	assert_int_equal(f->state, TCP_STATE_CLOSED);
	/* Nor is a SYN-ACK. */
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(6));
	assert_int_equal(x->n_ended, 0);

	g = update(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(100), &created);
	assert_true(created);
	assert_int_equal(x->n_ended, 1);
	assert_int_equal(x->log[0].why, FLOW_END_PORT_REUSE);
	assert_int_equal(x->log[0].f.packets[1], 3);
	assert_int_equal(x->log[0].f.packets[0], 3);
	assert_int_equal(x->log[0].f.state, TCP_STATE_CLOSED);
	assert_int_equal(x->log[0].f.last_us, S(6));

	assert_int_equal(g->state, TCP_STATE_ATTEMPTED);
	assert_int_equal(g->packets[1], 1);
	assert_int_equal(g->packets[0], 0);
	assert_int_equal(g->first_us, S(100));
	assert_history(g, "S");
	assert_int_equal(stats(x).created, 2);
	assert_int_equal(stats(x).ended[FLOW_END_PORT_REUSE], 1);
	assert_int_equal(stats(x).active, 1);
	/* The new flow is found again, and is the only one left. */
	assert_ptr_equal(more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK,
				     0), S(101)), g);
	assert_int_equal(g->state, TCP_STATE_ESTABLISHED);
	flush(x);
	assert_int_equal(x->n_ended, 2);
	assert_int_equal(x->log[1].why, FLOW_END_INPUT);
	assert_int_equal(x->log[1].f.first_us, S(100));
}

/* --- history ------------------------------------------------------------- */

static void test_flow_history(void **state)
{
	struct fx *x = *state;
	const struct flow *f;

	/* Originator upper case, each event once per direction. */
	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_ACK, 0), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_PSH | TCP_ACK, 100), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_PSH | TCP_ACK, 100), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_ACK, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_PSH | TCP_ACK, 500), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_FIN | TCP_ACK, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_FIN | TCP_ACK, 0), S(1));
	more(x, tcp(CLI, 40000, SRV, 80, TCP_ACK, 0), S(1));
	assert_history(f, "ShADadFf");

	/* The same with the client at key endpoint 0. */
	f = first(x, tcp(SRV, 40000, CLI, 80, TCP_SYN, 0), S(2));
	more(x, tcp(CLI, 80, SRV, 40000, TCP_SYN | TCP_ACK, 0), S(2));
	more(x, tcp(SRV, 40000, CLI, 80, TCP_ACK, 0), S(2));
	more(x, tcp(SRV, 40000, CLI, 80, TCP_PSH | TCP_ACK, 1), S(2));
	assert_history(f, "ShAD");

	/* Rejected; reset after the handshake. */
	f = first(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), S(3));
	more(x, tcp(SRV, 80, CLI, 40001, TCP_RST | TCP_ACK, 0), S(3));
	assert_history(f, "Sr");
	f = first(x, tcp(CLI, 40002, SRV, 80, TCP_SYN, 0), S(4));
	more(x, tcp(SRV, 80, CLI, 40002, TCP_SYN | TCP_ACK, 0), S(4));
	more(x, tcp(CLI, 40002, SRV, 80, TCP_RST, 0), S(4));
	assert_history(f, "ShR");

	/* A SYN-ACK seen first is the responder's. */
	f = first(x, tcp(SRV, 80, CLI, 40003, TCP_SYN | TCP_ACK, 0), S(5));
	more(x, tcp(CLI, 40003, SRV, 80, TCP_ACK, 0), S(5));
	assert_history(f, "hA");

	/* All twelve events fit. */
	f = first(x, tcp(CLI, 40004, SRV, 80, TCP_SYN, 0), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_SYN, 0), S(6));
	more(x, tcp(CLI, 40004, SRV, 80, TCP_SYN | TCP_ACK, 0), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_SYN | TCP_ACK, 0), S(6));
	more(x, tcp(CLI, 40004, SRV, 80, TCP_ACK, 0), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_ACK, 0), S(6));
	more(x, tcp(CLI, 40004, SRV, 80, TCP_ACK, 1), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_ACK, 1), S(6));
	more(x, tcp(CLI, 40004, SRV, 80, TCP_FIN, 0), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_FIN, 0), S(6));
	more(x, tcp(CLI, 40004, SRV, 80, TCP_RST, 0), S(6));
	more(x, tcp(SRV, 80, CLI, 40004, TCP_RST, 0), S(6));
	assert_history(f, "SsHhAaDdFfRr");
	assert_int_equal(f->history_len, FLOW_HISTORY_MAX);

	/* UDP: data only. */
	f = first(x, udp(CLI, 40000, SRV, 53, 30), S(7));
	more(x, udp(CLI, 40000, SRV, 53, 0), S(7));
	more(x, udp(SRV, 53, CLI, 40000, 80), S(7));
	more(x, udp(CLI, 40000, SRV, 53, 30), S(7));
	assert_history(f, "Dd");
	f = first(x, icmp(CLI, SRV, 8), S(8));
	assert_history(f, "");
}

/* --- expiry, eviction, flushing ------------------------------------------ */

/* One flow in each idle class, all last seen at 0. */
static void one_per_class(struct fx *x, int64_t t)
{
	first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), t);		/* 10 */
	first(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), t);		/* 20 */
	more(x, tcp(SRV, 80, CLI, 40001, TCP_SYN | TCP_ACK, 0), t);
	first(x, tcp(CLI, 40002, SRV, 80, TCP_SYN, 0), t);		/* 30 */
	more(x, tcp(SRV, 80, CLI, 40002, TCP_RST | TCP_ACK, 0), t);
	first(x, udp(CLI, 40003, SRV, 53, 10), t);			/* 40 */
	first(x, icmp(CLI, SRV, 8), t);					/* 50 */
}

static void test_flow_expire_per_class(void **state)
{
	static const struct {
		uint16_t client_port;	/* 0: the ICMP flow */
		uint8_t proto;
	} order[IDLE_CLASS_COUNT] = {
		{ 40000, IPPROTO_NUM_TCP }, { 40001, IPPROTO_NUM_TCP },
		{ 40002, IPPROTO_NUM_TCP }, { 40003, IPPROTO_NUM_UDP },
		{ 0, IPPROTO_NUM_ICMP },
	};
	struct fx *x = *state;

	one_per_class(x, 0);
	assert_int_equal(stats(x).active, IDLE_CLASS_COUNT);
	for (int c = 0; c < IDLE_CLASS_COUNT; c++) {
		const struct flow *f;

		expire(x, S(timeouts[c]) - 1);
		assert_int_equal(x->n_ended, (size_t)c);
		expire(x, S(timeouts[c]));
		assert_int_equal(x->n_ended, (size_t)c + 1);
		f = &x->log[c].f;
		assert_int_equal(x->log[c].why, FLOW_END_IDLE);
		assert_int_equal(f->idle, c);
		assert_int_equal(f->key.proto, order[c].proto);
		assert_int_equal(f->key.port[1], order[c].client_port);
	}
	assert_int_equal(stats(x).active, 0);
	assert_int_equal(stats(x).ended[FLOW_END_IDLE], IDLE_CLASS_COUNT);
}

/* A packet restarts the idle time; a flow moving class takes its new
 * timeout from its last packet. */
static void test_flow_expire_after_activity(void **state)
{
	struct fx *x = *state;

	first(x, udp(CLI, 40000, SRV, 53, 10), S(0));
	first(x, udp(CLI, 40001, SRV, 53, 10), S(0));
	more(x, udp(SRV, 53, CLI, 40000, 10), S(30));
	first(x, tcp(CLI, 40002, SRV, 80, TCP_SYN, 0), S(0));
	more(x, tcp(SRV, 80, CLI, 40002, TCP_SYN | TCP_ACK, 0), S(5));
	/* Established at 5: not the attempted timeout from 0, but 5 + 20. */
	expire(x, S(25) - 1);
	assert_int_equal(x->n_ended, 0);
	expire(x, S(25));
	assert_int_equal(x->n_ended, 1);
	assert_int_equal(x->log[0].f.key.port[1], 40002);
	/* The untouched UDP flow at 40, the other at 30 + 40. */
	expire(x, S(40) - 1);
	assert_int_equal(x->n_ended, 1);
	expire(x, S(40));
	assert_int_equal(x->n_ended, 2);
	assert_int_equal(x->log[1].f.key.port[1], 40001);
	expire(x, S(70) - 1);
	assert_int_equal(x->n_ended, 2);
	expire(x, S(70));
	assert_int_equal(x->n_ended, 3);
	assert_int_equal(x->log[2].f.key.port[1], 40000);
	assert_int_equal(x->log[2].f.packets[0], 1);
	assert_int_equal(x->log[2].f.packets[1], 1);
}

/* A full table ends its longest-idle flow, of whatever class, first. */
static void test_flow_evict_longest_idle(void **state)
{
	struct fx *x = *state;

	reopen(x, 4, &key_a);
	first(x, udp(CLI, 1, SRV, 53, 0), S(1));
	first(x, tcp(CLI, 2, SRV, 80, TCP_SYN, 0), S(2));
	first(x, tcp(CLI, 3, SRV, 80, TCP_ACK, 0), S(3));
	first(x, icmp(CLI, SRV, 8), S(4));
	more(x, udp(CLI, 1, SRV, 53, 0), S(5));
	assert_int_equal(x->n_ended, 0);

	first(x, udp(CLI, 6, SRV, 53, 0), S(6));
	assert_int_equal(x->n_ended, 1);
	assert_int_equal(x->log[0].why, FLOW_END_EVICTED);
	assert_int_equal(x->log[0].f.key.port[1], 2);
	first(x, udp(CLI, 7, SRV, 53, 0), S(7));
	assert_int_equal(x->log[1].f.key.port[1], 3);
	first(x, udp(CLI, 8, SRV, 53, 0), S(8));
	assert_int_equal(x->log[2].f.key.proto, IPPROTO_NUM_ICMP);
	first(x, udp(CLI, 9, SRV, 53, 0), S(9));
	assert_int_equal(x->log[3].f.key.port[1], 1);
	assert_int_equal(x->log[3].f.packets[1], 2);
	assert_int_equal(x->n_ended, 4);
	assert_int_equal(stats(x).active, 4);
	assert_int_equal(stats(x).created, 8);
	assert_int_equal(stats(x).ended[FLOW_END_EVICTED], 4);
	/* The survivors are still found. */
	for (uint16_t port = 6; port <= 9; port++)
		more(x, udp(SRV, 53, CLI, port, 0), S(10));

	/* A table of one flow. */
	reopen(x, 1, &key_a);
	first(x, udp(CLI, 1, SRV, 53, 0), S(1));
	first(x, udp(CLI, 2, SRV, 53, 0), S(2));
	assert_int_equal(x->n_ended, 1);
	more(x, udp(CLI, 2, SRV, 53, 0), S(3));
	first(x, udp(CLI, 1, SRV, 53, 0), S(4));
	assert_int_equal(x->n_ended, 2);
	assert_int_equal(x->log[1].f.packets[1], 2);
}

static void test_flow_flush_order(void **state)
{
	struct fx *x = *state;
	static const uint16_t want[] = { 2, 1, 4, 5, 0 };

	first(x, tcp(CLI, 1, SRV, 80, TCP_SYN, 0), S(1));		/* 3 */
	more(x, tcp(SRV, 80, CLI, 1, TCP_SYN | TCP_ACK, 0), S(3));
	first(x, tcp(CLI, 2, SRV, 80, TCP_SYN, 0), S(2));		/* 2 */
	first(x, udp(CLI, 4, SRV, 53, 0), S(5));			/* 5 */
	first(x, udp(CLI, 5, SRV, 53, 0), S(4));			/* 7 */
	first(x, icmp(CLI, SRV, 8), S(9));				/* 9 */
	more(x, udp(SRV, 53, CLI, 5, 0), S(7));
	flush(x);
	assert_int_equal(x->n_ended, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(x->log[i].why, FLOW_END_INPUT);
		assert_int_equal(x->log[i].f.key.port[1], want[i]);
		if (i > 0)
			assert_true(x->log[i - 1].f.last_us <=
				    x->log[i].f.last_us);
	}
	assert_int_equal(stats(x).active, 0);
	assert_int_equal(stats(x).ended[FLOW_END_INPUT], 5);
	flush(x);
	assert_int_equal(x->n_ended, 5);
	/* The table works on after a flush. */
	first(x, udp(CLI, 4, SRV, 53, 0), S(10));
	assert_int_equal(stats(x).active, 1);
}

/* Lists far longer than the flush's look-ahead, interleaved, with ties:
 * the flows come out merged by last packet, and of two with the same time
 * the one on the earlier idle list (tcp-attempted before udp) first. */
static void test_flow_flush_long_lists(void **state)
{
	struct fx *x = *state;
	enum { ROUNDS = 60 };

	reopen(x, 4 * ROUNDS, &key_a);
	for (uint16_t j = 0; j < ROUNDS; j++) {
		int64_t t = S(1) + 10 * j;

		first(x, udp(CLI, (uint16_t)(2000 + j), SRV, 53, 0), t);
		first(x, tcp(CLI, (uint16_t)(1000 + j), SRV, 80, TCP_SYN, 0), t);
		first(x, udp(CLI, (uint16_t)(3000 + j), SRV, 53, 0), t + 5);
	}
	flush(x);
	assert_int_equal(x->n_ended, 3 * ROUNDS);
	for (uint16_t j = 0; j < ROUNDS; j++) {
		const struct ended *e = &x->log[3 * j];

		assert_int_equal(e[0].f.key.port[e[0].f.client], 1000 + j);
		assert_int_equal(e[1].f.key.port[e[1].f.client], 2000 + j);
		assert_int_equal(e[2].f.key.port[e[2].f.client], 3000 + j);
	}
}

static void test_flow_iterate(void **state)
{
	struct fx *x = *state;
	unsigned seen[8] = { 0 };
	struct flow_iter it = { 0 };
	const struct flow *f;
	uint32_t slot;

	first(x, tcp(CLI, 1, SRV, 80, TCP_SYN, 0), S(1));
	first(x, tcp(CLI, 2, SRV, 80, TCP_ACK, 0), S(2));
	first(x, udp(CLI, 3, SRV, 53, 0), S(3));
	first(x, udp(CLI, 4, SRV, 53, 0), S(4));
	first(x, tcp(CLI, 5, SRV, 80, TCP_SYN, 0), S(5));
	more(x, tcp(SRV, 80, CLI, 5, TCP_RST, 0), S(6));
	while ((f = flow_table_next(x->t, &it, &slot))) {
		assert_true(f->key.port[1] < 8);
		assert_true(slot < flow_table_slots(x->cfg.max_flows));
		seen[f->key.port[1]]++;
	}
	assert_null(flow_table_next(x->t, &it, &slot));	/* stays ended */
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(seen[i], i >= 1 && i <= 5);
}

static void test_flow_stats(void **state)
{
	struct fx *x = *state;
	struct flow_stats st = stats(x);

	assert_int_equal(st.created, 0);
	assert_int_equal(st.active, 0);
	for (int e = 0; e < FLOW_END_COUNT; e++)
		assert_int_equal(st.ended[e], 0);

	first(x, udp(CLI, 1, SRV, 53, 0), S(0));
	first(x, tcp(CLI, 2, SRV, 80, TCP_SYN, 0), S(100));
	more(x, tcp(SRV, 80, CLI, 2, TCP_SYN | TCP_ACK, 0), S(100));
	more(x, tcp(SRV, 80, CLI, 2, TCP_RST, 0), S(100));
	first(x, tcp(CLI, 2, SRV, 80, TCP_SYN, 0), S(101));	/* reuse */
	first(x, icmp(CLI, SRV, 8), S(102));
	expire(x, S(100));			/* the UDP */
	st = stats(x);
	assert_int_equal(st.created, 4);
	assert_int_equal(st.active, 2);
	assert_int_equal(st.ended[FLOW_END_IDLE], 1);
	assert_int_equal(st.ended[FLOW_END_PORT_REUSE], 1);
	assert_int_equal(st.ended[FLOW_END_EVICTED], 0);
	assert_true(st.max_probe < 64);
	flush(x);
	st = stats(x);
	assert_int_equal(st.ended[FLOW_END_INPUT], 2);
	assert_int_equal(st.active, 0);
	assert_int_equal(x->n_ended, 4);
}

static void test_flow_new_limits(void **state)
{
	struct fx *x = *state;
	struct flow_config cfg = x->cfg;

	cfg.max_flows = 0;
	assert_null(flow_table_new(&cfg));
	cfg.max_flows = LUCS_MAX_MAX_FLOWS + 1;
	assert_null(flow_table_new(&cfg));
	flow_config_defaults(&cfg);
	assert_int_equal(cfg.max_flows, LUCS_DEFAULT_MAX_FLOWS);
	assert_int_equal(cfg.timeout_s[IDLE_TCP_ATTEMPTED],
			 LUCS_TIMEOUT_TCP_ATTEMPT);
	assert_int_equal(cfg.timeout_s[IDLE_TCP_ESTABLISHED],
			 LUCS_TIMEOUT_TCP_ESTABLISHED);
	assert_int_equal(cfg.timeout_s[IDLE_TCP_CLOSED],
			 LUCS_TIMEOUT_TCP_CLOSED);
	assert_int_equal(cfg.timeout_s[IDLE_UDP], LUCS_TIMEOUT_UDP);
	assert_int_equal(cfg.timeout_s[IDLE_OTHER], LUCS_TIMEOUT_OTHER);
}

/* --- the end callback sees every flow once -------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

#define CHURN_KEYS 32

/* Every flow that leaves the table is handed back exactly once, whichever
 * way it goes: idle, evicted, port reuse, end of input. */
static void test_flow_every_end_handed_back_once(void **state)
{
	struct fx *x = *state;
	unsigned created[CHURN_KEYS] = { 0 }, ended[CHURN_KEYS] = { 0 };
	struct flow_stats st;
	uint64_t all_ends = 0;
	int64_t t = 0;

	reopen(x, 8, &key_a);
	for (int i = 0; i < 3000; i++) {
		unsigned k = rnd() % CHURN_KEYS;
		uint16_t port = (uint16_t)(1000 + k);
		struct pkt p;
		bool c;

		t += rnd() % S(3);
		/* TCP keys open, close and reopen (port reuse); UDP keys
		 * come and go. */
		if (k % 2)
			p = udp(CLI, port, SRV, 53, 10);
		else if (rnd() % 4 == 0)
			p = tcp(SRV, 80, CLI, port, TCP_FIN | TCP_ACK, 0);
		else
			p = tcp(CLI, port, SRV, 80,
				rnd() % 2 ? TCP_SYN : TCP_ACK, 0);
		update(x, p, t, &c);
		created[k] += c;
		if (i % 50 == 0)
			expire(x, t);
	}
	flush(x);
	assert_true(x->n_ended <= LOG_MAX);
	for (size_t i = 0; i < x->n_ended; i++) {
		unsigned k = x->log[i].f.key.port[1] - 1000u;

		assert_true(k < CHURN_KEYS);
		ended[k]++;
	}
	st = stats(x);
	for (int e = 0; e < FLOW_END_COUNT; e++)
		all_ends += st.ended[e];
	for (unsigned k = 0; k < CHURN_KEYS; k++)
		assert_int_equal(created[k], ended[k]);
	assert_int_equal(x->n_ended, st.created);
	assert_int_equal(all_ends, st.created);
	assert_int_equal(st.active, 0);
	/* Every way out was taken. */
	for (int e = 0; e < FLOW_END_COUNT; e++)
		assert_true(st.ended[e] > 0);
}

/* A flow handed back stays as it ended until the next call that changes
 * the table, even when a new flow needed its room at once. */
static void test_flow_handed_back_stays_readable(void **state)
{
	struct fx *x = *state;
	struct pkt a = udp(CLI, 1001, SRV, 53, 10);
	struct pkt c = udp(CLI, 1003, SRV, 53, 10);
	struct pkt d = tcp(CLI, 1004, SRV, 80, TCP_SYN, 0);
	struct flow_ref ref;
	struct flow_update u;
	const struct flow *f, *g;

	reopen(x, 2, &key_a);
	first(x, a, S(1));
	more(x, a, S(2));
	first(x, udp(CLI, 1002, SRV, 53, 10), S(3));
	/* Full: the third flow evicts the first, whose record stays. */
	flow_table_locate(x->t, &c, &ref);
	flow_table_update(x->t, &c, &ref, S(4), &u);
	assert_true(u.created);
	assert_non_null(u.ended);
	assert_int_equal(u.why, FLOW_END_EVICTED);
	assert_ptr_not_equal(u.ended, u.flow);
	assert_int_equal(u.ended->key.port[u.ended->client], 1001);
	assert_int_equal(u.ended->packets[u.ended->client], 2);
	assert_int_equal(u.ended->last_us, S(2));
	assert_int_equal(u.flow->key.port[u.flow->client], 1003);
	assert_true(u.slot < flow_table_slots(2));
	assert_int_equal(stats(x).active, 2);

	/* Port reuse: the closed connection is handed back whole beside the
	 * new one. */
	reopen(x, 4, &key_a);
	first(x, d, S(1));
	more(x, tcp(SRV, 80, CLI, 1004, TCP_SYN | TCP_ACK, 0), S(2));
	more(x, tcp(CLI, 1004, SRV, 80, TCP_RST, 0), S(3));
	flow_table_locate(x->t, &d, &ref);
	flow_table_update(x->t, &d, &ref, S(9), &u);
	assert_true(u.created);
	assert_int_equal(u.why, FLOW_END_PORT_REUSE);
	assert_ptr_not_equal(u.ended, u.flow);
	assert_int_equal(u.ended->state, TCP_STATE_CLOSED);
	assert_int_equal(u.ended->packets[0] + u.ended->packets[1], 3);
	assert_int_equal(u.flow->state, TCP_STATE_ATTEMPTED);
	assert_int_equal(u.flow->packets[0] + u.flow->packets[1], 1);

	/* Expiry hands flows back one at a time; each is intact while the
	 * caller holds it. */
	first(x, udp(CLI, 2001, SRV, 53, 10), S(10));
	first(x, udp(CLI, 2002, SRV, 53, 10), S(11));
	assert_non_null(flow_table_expire_next(x->t, S(1000)));	/* the TCP */
	f = flow_table_expire_next(x->t, S(1000));
	assert_non_null(f);
	assert_int_equal(f->key.port[f->client], 2001);
	g = flow_table_expire_next(x->t, S(1000));
	assert_non_null(g);
	assert_ptr_not_equal(f, g);
	assert_int_equal(g->key.port[g->client], 2002);
	assert_int_equal(g->last_us, S(11));
	assert_null(flow_table_expire_next(x->t, S(1000)));
	assert_int_equal(stats(x).active, 0);
	/* Every slot is free again. */
	for (uint16_t i = 0; i < 4; i++)
		first(x, udp(CLI, (uint16_t)(3000 + i), SRV, 53, 10), S(2000));
	assert_int_equal(stats(x).active, 4);
}

/* --- the index against a reference model ---------------------------------- */

#define MODEL_KEYS 40
#define TICK_US LUCS_TICK_US	/* flow.h: lists keep order to it */

/* What the table must hold.  With every packet in a tick of its own the
 * idle order is exact; with several per tick it may be off by a tick. */
struct model {
	bool live[MODEL_KEYS];
	int64_t last[MODEL_KEYS];
	uint64_t packets[MODEL_KEYS];
	unsigned n;
	bool exact;
	uint64_t evicted, expired;
};

static struct pkt model_pkt(unsigned k)
{
	return udp("10.0.0.1", (uint16_t)(2000 + k), "10.0.0.2", 53, 0);
}

static unsigned key_of(const struct flow *f)
{
	unsigned k = f->key.port[0] - 2000u;

	assert_true(k < MODEL_KEYS);
	return k;
}

static void model_check_all(struct fx *x, const struct model *m)
{
	unsigned seen[MODEL_KEYS] = { 0 };
	struct flow_iter it = { 0 };
	const struct flow *f;
	uint32_t slot;

	while ((f = flow_table_next(x->t, &it, &slot)))
		seen[key_of(f)]++;
	for (unsigned k = 0; k < MODEL_KEYS; k++)
		assert_int_equal(seen[k], m->live[k]);
	assert_int_equal(stats(x).active, m->n);
}

static void model_end(struct model *m, unsigned k)
{
	assert_true(m->live[k]);
	m->live[k] = false;
	m->n--;
}

static void model_update(struct fx *x, struct model *m, unsigned k, int64_t t,
			 uint32_t max_flows)
{
	bool want_created = !m->live[k], created;
	int oldest = -1;
	const struct flow *f;

	if (want_created && m->n == max_flows)
		for (unsigned j = 0; j < MODEL_KEYS; j++)
			if (m->live[j] &&
			    (oldest < 0 || m->last[j] < m->last[oldest]))
				oldest = (int)j;
	x->n_ended = 0;
	f = update(x, model_pkt(k), t, &created);
	assert_int_equal(created, want_created);
	assert_int_equal(key_of(f), k);
	if (oldest >= 0) {
		unsigned victim;

		assert_int_equal(x->n_ended, 1);
		assert_int_equal(x->log[0].why, FLOW_END_EVICTED);
		victim = key_of(&x->log[0].f);
		if (m->exact)
			assert_int_equal(victim, oldest);
		else
			assert_true(m->last[victim] <
				    m->last[oldest] + TICK_US);
		assert_int_equal(x->log[0].f.packets[0], m->packets[victim]);
		model_end(m, victim);
		m->evicted++;
	} else {
		assert_int_equal(x->n_ended, 0);
	}
	if (want_created) {
		m->live[k] = true;
		m->n++;
		m->packets[k] = 0;
	}
	m->packets[k]++;
	m->last[k] = t;
	assert_int_equal(f->packets[0], m->packets[k]);
}

static void model_expire(struct fx *x, struct model *m, int64_t now)
{
	int64_t timeout = S(timeouts[IDLE_UDP]);

	x->n_ended = 0;
	expire(x, now);
	for (size_t i = 0; i < x->n_ended; i++) {
		unsigned k = key_of(&x->log[i].f);

		assert_int_equal(x->log[i].why, FLOW_END_IDLE);
		assert_true(now - m->last[k] >= timeout);
		if (m->exact && i > 0)
			assert_true(x->log[i - 1].f.last_us <
				    x->log[i].f.last_us);
		model_end(m, k);
		m->expired++;
	}
	/* What is left is not idle, or not by more than a tick. */
	for (unsigned k = 0; k < MODEL_KEYS; k++)
		if (m->live[k])
			assert_true(now - m->last[k] <
				    timeout + (m->exact ? 0 : TICK_US));
}

/* 10000 random packets and expiries on one table, checked step by step. */
static void model_run(struct fx *x, uint32_t max_flows,
		      const struct hash_key *k, bool exact, uint64_t *evicted,
		      uint64_t *expired)
{
	struct model m;
	int64_t t = 0;

	memset(&m, 0, sizeof m);
	m.exact = exact;
	reopen(x, max_flows, k);
	for (int i = 0; i < 10000; i++) {
		/* A tick of its own, or as it comes. */
		t += exact ? TICK_US + rnd() % S(5) : 1 + rnd() % S(2);
		model_update(x, &m, rnd() % MODEL_KEYS, t, max_flows);
		if (rnd() % 8 == 0)
			model_expire(x, &m, t);
		if (i % 64 == 0)
			model_check_all(x, &m);
	}
	model_check_all(x, &m);
	*evicted += m.evicted;
	*expired += m.expired;
}

/* Random inserts, updates, evictions and expiries on small tables, whose
 * index wraps and shifts back on every delete. */
static void test_flow_index_random(void **state)
{
	static const uint32_t sizes[] = { 16, 7, 3 };
	static const struct hash_key keys[] = {
		{ 1, 2 }, { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL },
		{ 0xdeadbeefcafef00dULL, 0x0123456789abcdefULL },
	};
	struct fx *x = *state;
	uint64_t evicted = 0, expired = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (size_t h = 0; h < sizeof keys / sizeof keys[0]; h++)
			for (int exact = 0; exact <= 1; exact++)
				model_run(x, sizes[s], &keys[h], exact,
					  &evicted, &expired);
	assert_true(evicted > 1000);
	assert_true(expired > 1000);
}

/* --- collision flood ------------------------------------------------------ */

/* Distinct UDP flows, one per i. */
static struct pkt flood_pkt(uint32_t i)
{
	struct pkt p = udp("10.0.0.0", 1234, "192.0.2.1", 53, 0);

	p.src[1] = (uint8_t)(i >> 16);
	p.src[2] = (uint8_t)(i >> 8);
	p.src[3] = (uint8_t)i;
	return p;
}

/* Whoever knows the hash key can pile flows onto one index slot; a table
 * keyed otherwise spreads the same flows out. */
static void test_flow_collision_flood(void **state)
{
	enum { N = 256, FLOOD = 200 };
	struct fx *x = *state;
	struct pkt *flood = calloc(FLOOD, sizeof *flood);
	uint32_t target = 0;
	unsigned n = 0;

	assert_non_null(flood);
	for (uint32_t i = 0; n < FLOOD; i++) {
		struct pkt p = flood_pkt(i);
		struct flow_key k;
		unsigned sender;
		uint32_t slot;

		assert_true(i < (1u << 24));
		flow_key_from_pkt(&p, &k, &sender);
		slot = flow_home_slot(N, flow_key_hash(&key_a, &k));
		if (i == 0)
			target = slot;
		if (slot == target)
			flood[n++] = p;
	}

	reopen(x, N, &key_a);
	for (unsigned i = 0; i < FLOOD; i++)
		first(x, flood[i], S(1));
	assert_true(stats(x).max_probe >= FLOOD - 1);
	for (unsigned i = 0; i < FLOOD; i++)
		more(x, flood[i], S(2));
	assert_int_equal(stats(x).active, FLOOD);

	reopen(x, N, &key_b);
	for (unsigned i = 0; i < FLOOD; i++)
		first(x, flood[i], S(1));
	for (unsigned i = 0; i < FLOOD; i++)
		more(x, flood[i], S(2));
	assert_true(stats(x).max_probe < 16);
	assert_int_equal(stats(x).active, FLOOD);
	free(flood);
}

/* --- ICMP errors and outcomes ------------------------------------------- */

/* The quote of a packet from src:sport to dst:dport. */
static struct icmp_quote quote_of(uint8_t proto, const char *src,
				  uint16_t sport, const char *dst,
				  uint16_t dport)
{
	struct icmp_quote q;

	memset(&q, 0, sizeof q);
	set_addr(q.src, src, &q.family);
	set_addr(q.dst, dst, &q.family);
	q.proto = proto;
	q.sport = sport;
	q.dport = dport;
	return q;
}

/* An error quoting a flow's packet counts on that flow, whichever way the
 * quoted packet went, keeps the last type, code and reporter, and is no
 * packet of the flow; one quoting no flow is nothing to the table. */
static void test_flow_icmp_error_matched(void **state)
{
	struct fx *x = *state;
	const uint8_t fw[16] = { 10, 10, 0, 1 }, host[16] = { 10, 0, 0, 2 };
	struct icmp_quote q = quote_of(IPPROTO_NUM_TCP, CLI, 40000, SRV, 5061);
	struct icmp_quote other = quote_of(IPPROTO_NUM_TCP, CLI, 40001, SRV,
					   5061);
	struct icmp_quote udp_q = quote_of(IPPROTO_NUM_UDP, CLI, 40000, SRV,
					   5061);
	const struct flow *f;
	uint32_t slot = 0;

	f = first(x, tcp(CLI, 40000, SRV, 5061, TCP_SYN, 0), S(1));
	assert_ptr_equal(flow_table_icmp_error(x->t, &q, 0, fw, 3, 13, &slot), f);
	assert_int_equal(slot, x->slot);
	assert_int_equal(f->icmp_errors, 1);
	assert_int_equal(f->icmp_type, 3);
	assert_int_equal(f->icmp_code, 13);
	assert_memory_equal(flow_table_reporter(x->t, f), fw, 4);
	assert_int_equal(f->packets[0] + f->packets[1], 1);
	assert_null(flow_table_icmp_error(x->t, &other, 0, fw, 3, 13, &slot));
	assert_null(flow_table_icmp_error(x->t, &udp_q, 0, fw, 3, 3, &slot));
	/* the reverse packet's quote names the same flow */
	q = quote_of(IPPROTO_NUM_TCP, SRV, 5061, CLI, 40000);
	assert_ptr_equal(flow_table_icmp_error(x->t, &q, 0, host, 3, 3, &slot), f);
	assert_int_equal(f->icmp_errors, 2);
	assert_int_equal(f->icmp_code, 3);
	assert_memory_equal(flow_table_reporter(x->t, f), host, 4);
	assert_int_equal(stats(x).created, 1);
	/* the same quote through a tunnel names the flow of that path */
	assert_null(flow_table_icmp_error(x->t, &q, 7, host, 3, 3, &slot));
}

/* Each ICMP and ICMPv6 error the issue names, to its outcome. */
static void test_flow_icmp_error_outcome(void **state)
{
	static const struct {
		int family;
		uint8_t type, code;
		enum flow_outcome want;
	} cases[] = {
		{ 4, 3, 3, OUTCOME_REFUSED },
		{ 4, 3, 9, OUTCOME_PROHIBITED },
		{ 4, 3, 10, OUTCOME_PROHIBITED },
		{ 4, 3, 13, OUTCOME_PROHIBITED },
		{ 4, 3, 0, OUTCOME_UNREACHABLE },
		{ 4, 3, 1, OUTCOME_UNREACHABLE },
		{ 4, 3, 4, OUTCOME_UNREACHABLE },	/* needs fragmenting */
		{ 4, 11, 0, OUTCOME_UNREACHABLE },	/* TTL exceeded */
		{ 4, 12, 0, OUTCOME_SUCCEEDED },	/* says nothing */
		{ 6, 1, 4, OUTCOME_REFUSED },
		{ 6, 1, 1, OUTCOME_PROHIBITED },
		{ 6, 1, 0, OUTCOME_UNREACHABLE },
		{ 6, 1, 3, OUTCOME_UNREACHABLE },
		{ 6, 3, 0, OUTCOME_UNREACHABLE },	/* hop limit */
		{ 6, 2, 0, OUTCOME_SUCCEEDED },		/* too big */
		{ 6, 4, 0, OUTCOME_SUCCEEDED },		/* parameter problem */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(icmp_error_outcome(cases[i].family,
						    cases[i].type,
						    cases[i].code),
				 cases[i].want);
}

/* The outcome rules, each on the flow it is about: answered, refused by
 * RST or by ICMP, silent for longer than the answer wait or not. */
static void test_flow_outcomes(void **state)
{
	struct fx *x = *state;
	const struct flow *f;
	struct icmp_quote q;
	const uint8_t fw[16] = { 10, 10, 0, 1 };
	uint32_t slot;
	const int64_t wait = S(3);

	/* a handshake */
	f = first(x, tcp(CLI, 40000, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40000, TCP_SYN | TCP_ACK, 0), S(1));
	assert_int_equal(flow_outcome(f, S(1), wait), OUTCOME_SUCCEEDED);
	/* RST to a SYN */
	f = first(x, tcp(CLI, 40001, SRV, 80, TCP_SYN, 0), S(1));
	more(x, tcp(SRV, 80, CLI, 40001, TCP_RST | TCP_ACK, 0), S(1));
	assert_int_equal(flow_outcome(f, S(9), wait), OUTCOME_REFUSED);
	/* a SYN alone: unanswered once the wait passed, else undetermined */
	f = first(x, tcp(CLI, 40002, SRV, 80, TCP_SYN, 0), S(10));
	assert_int_equal(flow_outcome(f, S(12), wait), OUTCOME_UNDETERMINED);
	assert_int_equal(flow_outcome(f, S(13), wait), OUTCOME_UNANSWERED);
	/* ... and prohibited by a firewall, however soon the input ends */
	q = quote_of(IPPROTO_NUM_TCP, CLI, 40002, SRV, 80);
	flow_table_icmp_error(x->t, &q, 0, fw, 3, 13, &slot);
	assert_int_equal(flow_outcome(f, S(10), wait), OUTCOME_PROHIBITED);
	/* UDP: a reply, none, an ICMP port unreachable */
	f = first(x, udp(CLI, 50000, SRV, 53, 30), S(20));
	assert_int_equal(flow_outcome(f, S(30), wait), OUTCOME_UNANSWERED);
	more(x, udp(SRV, 53, CLI, 50000, 60), S(20));
	assert_int_equal(flow_outcome(f, S(30), wait), OUTCOME_SUCCEEDED);
	f = first(x, udp(CLI, 50001, SRV, 3478, 30), S(20));
	q = quote_of(IPPROTO_NUM_UDP, CLI, 50001, SRV, 3478);
	flow_table_icmp_error(x->t, &q, 0, (const uint8_t[16]){ 10, 0, 0, 2 }, 3,
			      3, &slot);
	assert_int_equal(flow_outcome(f, S(20), wait), OUTCOME_REFUSED);
	/* an error does not undo an answer */
	q = quote_of(IPPROTO_NUM_TCP, CLI, 40000, SRV, 80);
	f = flow_table_icmp_error(x->t, &q, 0, fw, 3, 13, &slot);
	assert_int_equal(flow_outcome(f, S(30), wait), OUTCOME_SUCCEEDED);
	/* midstream, one way: nothing to tell */
	f = first(x, tcp(CLI, 40003, SRV, 80, TCP_ACK, 100), S(40));
	assert_int_equal(flow_outcome(f, S(99), wait), OUTCOME_UNDETERMINED);
	/* an echo request answered, and one not */
	f = first(x, icmp(CLI, SRV, 8), S(50));
	assert_int_equal(flow_outcome(f, S(60), wait), OUTCOME_UNANSWERED);
	more(x, icmp(SRV, CLI, 0), S(50));
	assert_int_equal(flow_outcome(f, S(60), wait), OUTCOME_SUCCEEDED);
	/* a reply seen alone: one way */
	f = first(x, icmp("10.0.0.7", "10.0.0.8", 0), S(50));
	assert_int_equal(flow_outcome(f, S(60), wait), OUTCOME_UNDETERMINED);
}

/* The same conversation through two tunnel paths is two flows. */
static void test_flow_tunnel_paths_apart(void **state)
{
	struct fx *x = *state;
	struct pkt a = tcp(CLI, 40000, SRV, 443, TCP_SYN, 0), b = a;
	const struct flow *fa, *fb;

	a.tunnel = 1;
	b.tunnel = 2;
	fa = first(x, a, S(1));
	fb = first(x, b, S(1));
	assert_ptr_not_equal(fa, fb);
	assert_int_equal(fa->key.tunnel, 1);
	assert_int_equal(fb->key.tunnel, 2);
	a.sport = 443, a.dport = 40000;	/* a reply on path 1 */
	memcpy(a.src, b.dst, 16);
	memcpy(a.dst, b.src, 16);
	assert_ptr_equal(more(x, a, S(2)), fa);
	assert_int_equal(stats(x).created, 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flow_key_canonical),
		T(test_flow_insert_lookup),
		T(test_flow_counters_per_direction),
		T(test_flow_add_packets),
		T(test_flow_orient_syn),
		T(test_flow_orient_synack_first),
		T(test_flow_orient_midstream),
		T(test_flow_orient_udp),
		T(test_flow_orient_icmp),
		T(test_flow_classify),
		T(test_flow_tcp_states),
		T(test_flow_port_reuse),
		T(test_flow_history),
		T(test_flow_expire_per_class),
		T(test_flow_expire_after_activity),
		T(test_flow_evict_longest_idle),
		T(test_flow_flush_order),
		T(test_flow_flush_long_lists),
		T(test_flow_iterate),
		T(test_flow_stats),
		T(test_flow_new_limits),
		T(test_flow_every_end_handed_back_once),
		T(test_flow_handed_back_stays_readable),
		T(test_flow_index_random),
		T(test_flow_collision_flood),
		T(test_flow_icmp_error_matched),
		T(test_flow_icmp_error_outcome),
		T(test_flow_outcomes),
		T(test_flow_tunnel_paths_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
