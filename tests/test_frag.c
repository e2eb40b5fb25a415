/* test_frag.c: fragments matched to their first fragment: ports handed to
 * later fragments, later fragments held for the first, orphans, the keys
 * of IPv4 and IPv6 datagrams, the timeout and the bounded table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "frag.h"
#include "pktbuild.h"
#include "tunables.h"

#define S(sec) ((int64_t)(sec) * 1000000)	/* seconds to microseconds */

static const struct hash_key key = { 0x0706050403020100ULL,
				     0x0f0e0d0c0b0a0908ULL };

static int setup(void **state)
{
	*state = frag_table_new(&key);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	frag_table_free(*state);
	return 0;
}

/* --- fragments, decoded from real frames ---------------------------------- */

static struct pkt decoded(struct fb *f, uint8_t want_frag)
{
	struct pkt p;

	fb_end(f);
	assert_int_equal(decode_packet(DLT_RAW, f->b, f->len, f->len, &p),
			 DECODE_OK);
	assert_int_equal(p.frag, want_frag);
	return p;
}

/* IPv4 first fragment: UDP 40000 -> 53 or TCP 40000 -> 80, 100 bytes. */
static struct pkt first4(const char *src, const char *dst, uint8_t proto,
			 uint16_t id)
{
	struct fb f;

	fb_init(&f);
	fb_ipv4(&f, src, dst);
	fb_ipv4_frag(&f, id, 0, true);
	if (proto == IPPROTO_NUM_UDP)
		fb_udp(&f, 40000, 53);
	else
		fb_tcp(&f, 40000, 80, TCP_SYN);
	fb_payload(&f, 100);
	return decoded(&f, PKT_FRAG_FIRST);
}

/* IPv4 later fragment of n bytes at offset8. */
static struct pkt later4(const char *src, const char *dst, uint8_t proto,
			 uint16_t id, uint16_t offset8, size_t n)
{
	struct fb f;

	fb_init(&f);
	fb_ipv4(&f, src, dst);
	fb_ipv4_frag(&f, id, offset8, true);
	fb_proto(&f, proto);
	fb_payload(&f, n);
	return decoded(&f, PKT_FRAG_LATER);
}

/* IPv6 first fragment: TCP 40000 -> 443. */
static struct pkt first6(const char *src, const char *dst, uint32_t id)
{
	struct fb f;

	fb_init(&f);
	fb_ipv6(&f, src, dst);
	fb_ipv6_frag(&f, id, 0, true);
	fb_tcp(&f, 40000, 443, TCP_ACK);
	fb_payload(&f, 100);
	return decoded(&f, PKT_FRAG_FIRST);
}

/* IPv6 later fragment whose fragment header names next header nh. */
static struct pkt later6(const char *src, const char *dst, uint32_t id,
			 uint8_t nh)
{
	struct fb f;

	fb_init(&f);
	fb_ipv6(&f, src, dst);
	fb_ipv6_frag(&f, id, 200, false);
	fb_proto(&f, nh);
	fb_payload(&f, 100);
	return decoded(&f, PKT_FRAG_LATER);
}

/* The held fragments the first fragment p collects. */
static uint64_t first_collects(struct frag_table *t, struct pkt p,
			       int64_t ts, uint64_t *bytes)
{
	struct frag_held held = { 99, 99, 99 };

	frag_table_first(t, &p, ts, &held);
	if (bytes)
		*bytes = held.bytes;
	return held.packets;
}

#define A "192.0.2.1"
#define B "192.0.2.2"
#define C "192.0.2.3"

/* --- tests ---------------------------------------------------------------- */

static void test_frag_later_after_first(void **state)
{
	struct frag_table *t = *state;
	struct pkt p;
	uint64_t bytes;

	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_TCP, 7),
					S(1), &bytes), 0);
	assert_int_equal(bytes, 0);

	p = later4(A, B, IPPROTO_NUM_TCP, 7, 16, 100);
	p.tcp_flags = 0xff;	/* as if: a later fragment has none */
	assert_true(frag_table_later(t, &p, S(2)));
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.tcp_flags, 0);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.ip_len, 120);
	assert_int_equal(p.frag, PKT_FRAG_LATER);

	p = later4(A, B, IPPROTO_NUM_TCP, 7, 32, 8);
	assert_true(frag_table_later(t, &p, S(3)));
	assert_int_equal(p.dport, 80);
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 0);
}

static void test_frag_later_before_first(void **state)
{
	struct frag_table *t = *state;
	struct frag_held held;
	struct pkt p;
	uint64_t bytes;

	p = later4(A, B, IPPROTO_NUM_UDP, 9, 16, 100);
	assert_false(frag_table_later(t, &p, S(1)));
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	p = later4(A, B, IPPROTO_NUM_UDP, 9, 30, 40);
	assert_false(frag_table_later(t, &p, S(2)));

	/* The first collects both, once, with when the earliest came. */
	held = (struct frag_held){ 0, 0, 0 };
	p = first4(A, B, IPPROTO_NUM_UDP, 9);
	frag_table_first(t, &p, S(3), &held);
	assert_int_equal(held.packets, 2);
	assert_int_equal(held.bytes, 120 + 60);
	assert_int_equal(held.first_us, S(1));
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 9),
					S(4), &bytes), 0);
	assert_int_equal(bytes, 0);

	/* Later ones go straight through. */
	p = later4(A, B, IPPROTO_NUM_UDP, 9, 40, 40);
	assert_true(frag_table_later(t, &p, S(5)));
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 53);

	/* Held fragments out of time order: the earliest time counts. */
	p = later4(A, C, IPPROTO_NUM_UDP, 10, 16, 100);
	assert_false(frag_table_later(t, &p, S(7)));
	assert_false(frag_table_later(t, &p, S(6)));
	assert_false(frag_table_later(t, &p, S(8)));
	p = first4(A, C, IPPROTO_NUM_UDP, 10);
	frag_table_first(t, &p, S(9), &held);
	assert_int_equal(held.packets, 3);
	assert_int_equal(held.first_us, S(6));
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 0);
}

static void test_frag_orphans_at_expire(void **state)
{
	struct frag_table *t = *state;
	struct pkt p;

	p = later4(A, B, IPPROTO_NUM_UDP, 1, 16, 100);
	assert_false(frag_table_later(t, &p, 0));
	p = later4(A, C, IPPROTO_NUM_UDP, 2, 16, 100);
	assert_false(frag_table_later(t, &p, S(10)));
	assert_false(frag_table_later(t, &p, S(10)));
	/* A datagram whose first came leaves no orphans. */
	first_collects(t, first4(B, C, IPPROTO_NUM_UDP, 3), 0, NULL);

	frag_table_expire(t, S(LUCS_FRAG_TIMEOUT) - 1);
	assert_int_equal(frag_table_orphans(t), 0);
	frag_table_expire(t, S(LUCS_FRAG_TIMEOUT));
	assert_int_equal(frag_table_orphans(t), 1);
	frag_table_expire(t, S(LUCS_FRAG_TIMEOUT + 10));
	assert_int_equal(frag_table_orphans(t), 3);
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 3);

	/* Forgotten: a first arriving now finds nothing held. */
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 1),
					S(100), NULL), 0);

	/* INT64_MAX ends everything, however recent. */
	p = later4(A, B, IPPROTO_NUM_UDP, 4, 16, 100);
	assert_false(frag_table_later(t, &p, S(200)));
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 4);
}

/* IPv4 datagrams are (source, destination, protocol, identification). */
static void test_frag_ipv4_key(void **state)
{
	struct frag_table *t = *state;
	struct pkt p = later4(A, B, IPPROTO_NUM_UDP, 7, 16, 100);

	assert_false(frag_table_later(t, &p, S(1)));
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_TCP, 7),
					S(2), NULL), 0);
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 8),
					S(2), NULL), 0);
	assert_int_equal(first_collects(t, first4(C, B, IPPROTO_NUM_UDP, 7),
					S(2), NULL), 0);
	assert_int_equal(first_collects(t, first4(A, C, IPPROTO_NUM_UDP, 7),
					S(2), NULL), 0);
	assert_int_equal(first_collects(t, first4(B, A, IPPROTO_NUM_UDP, 7),
					S(2), NULL), 0);
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 7),
					S(2), NULL), 1);

	/* The TCP datagram of the same ID kept its own ports. */
	p = later4(A, B, IPPROTO_NUM_TCP, 7, 16, 100);
	assert_true(frag_table_later(t, &p, S(3)));
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.dport, 80);
	p = later4(A, B, IPPROTO_NUM_UDP, 7, 16, 100);
	assert_true(frag_table_later(t, &p, S(3)));
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_int_equal(p.dport, 53);
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 0);
}

/* IPv6 datagrams are (source, destination, identification): a later
 * fragment's next header may differ from the first's upper layer. */
static void test_frag_ipv6_key(void **state)
{
	struct frag_table *t = *state;
	struct pkt p = later6("2001:db8::1", "2001:db8::2", 0xabcdef01,
			      NH_DSTOPTS);

	assert_false(frag_table_later(t, &p, S(1)));
	assert_int_equal(first_collects(t, first6("2001:db8::1", "2001:db8::2",
						  0xabcdef02), S(2), NULL), 0);
	assert_int_equal(first_collects(t, first6("2001:db8::3", "2001:db8::2",
						  0xabcdef01), S(2), NULL), 0);
	assert_int_equal(first_collects(t, first6("2001:db8::2", "2001:db8::1",
						  0xabcdef01), S(2), NULL), 0);
	assert_int_equal(first_collects(t, first6("2001:db8::1", "2001:db8::2",
						  0xabcdef01), S(2), NULL), 1);

	p = later6("2001:db8::1", "2001:db8::2", 0xabcdef01, NH_DSTOPTS);
	assert_true(frag_table_later(t, &p, S(3)));
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 443);

	/* An IPv4 datagram of the same ID and leading address bytes is
	 * another datagram. */
	p = later4("32.1.13.184", "32.1.13.184", 0, 0xef01, 16, 100);
	assert_false(frag_table_later(t, &p, S(4)));
	assert_int_equal(first_collects(t, first6("2001:db8::", "2001:db8::",
						  0xef01), S(5), NULL), 0);
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 1);
}

static void test_frag_timeout(void **state)
{
	struct frag_table *t = *state;
	struct pkt p;

	/* Held until just before the timeout... */
	p = later4(A, B, IPPROTO_NUM_UDP, 1, 16, 100);
	assert_false(frag_table_later(t, &p, 0));
	frag_table_expire(t, S(LUCS_FRAG_TIMEOUT) - 1);
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 1),
					S(LUCS_FRAG_TIMEOUT) - 1, NULL), 1);

	/* ...and not after it. */
	p = later4(A, B, IPPROTO_NUM_UDP, 2, 16, 100);
	assert_false(frag_table_later(t, &p, 0));
	frag_table_expire(t, S(LUCS_FRAG_TIMEOUT));
	assert_int_equal(frag_table_orphans(t), 1);
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 2),
					S(LUCS_FRAG_TIMEOUT), NULL), 0);

	/* Each fragment restarts the idle time. */
	p = later4(A, B, IPPROTO_NUM_UDP, 3, 16, 100);
	assert_false(frag_table_later(t, &p, S(100)));
	assert_false(frag_table_later(t, &p, S(120)));
	frag_table_expire(t, S(120 + LUCS_FRAG_TIMEOUT) - 1);
	assert_int_equal(first_collects(t, first4(A, B, IPPROTO_NUM_UDP, 3),
					S(120 + LUCS_FRAG_TIMEOUT) - 1, NULL),
			 2);
	assert_int_equal(frag_table_orphans(t), 1);

	/* A matched datagram is forgotten too: its ports with it. */
	frag_table_expire(t, S(200));
	p = later4(A, B, IPPROTO_NUM_UDP, 3, 24, 100);
	assert_false(frag_table_later(t, &p, S(200)));
	assert_int_equal(p.sport, 0);
	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), 2);
}

/* A flood of datagrams that never complete costs a bounded table: the
 * longest idle give way and their fragments are counted as orphans,
 * every one of them exactly once. */
static void test_frag_window_replacement(void **state)
{
	enum { FLOOD = 8 * LUCS_FRAG_SLOTS };
	struct frag_table *t = *state;
	struct pkt old = later4(A, B, IPPROTO_NUM_UDP, 1, 16, 100);
	struct pkt p = old, newest;
	uint64_t before_expire;

	assert_false(frag_table_later(t, &old, 0));
	p.src[0] = 10;
	for (uint32_t i = 1; i <= FLOOD; i++) {
		p.src[1] = (uint8_t)(i >> 16);
		p.src[2] = (uint8_t)(i >> 8);
		p.src[3] = (uint8_t)i;
		assert_false(frag_table_later(t, &p, i));
	}
	newest = p;
	before_expire = frag_table_orphans(t);
	assert_true(before_expire >= FLOOD + 1 - LUCS_FRAG_SLOTS);
	assert_true(before_expire <= FLOOD);

	/* The oldest was pushed out; the newest is still waiting. */
	newest.frag = PKT_FRAG_FIRST;
	newest.sport = 1;
	newest.dport = 2;
	assert_int_equal(first_collects(t, newest, FLOOD + 1, NULL), 1);
	old.frag = PKT_FRAG_FIRST;
	assert_int_equal(first_collects(t, old, FLOOD + 2, NULL), 0);

	frag_table_expire(t, INT64_MAX);
	assert_int_equal(frag_table_orphans(t), FLOOD);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_frag_later_after_first),
		T(test_frag_later_before_first),
		T(test_frag_orphans_at_expire),
		T(test_frag_ipv4_key),
		T(test_frag_ipv6_key),
		T(test_frag_timeout),
		T(test_frag_window_replacement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
