/* test_dedup.c: --dedup's copies: the same IP packet under every link
 * layer lucsaudit reads is one packet; its IP header found where the
 * decoder says, or the frame kept; the window both ways in time; the
 * bytes compared.  The
 * window's ends and the ring's size are tested through capture, in
 * test_capture.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "dedup.h"
#include "pktbuild.h"
#include "tunables.h"

#define T0 1700000000000000

enum framing {
	FR_ETHER, FR_VLAN, FR_QINQ, FR_SLL, FR_SLL2, FR_NULL, FR_RAW,
	FR_COUNT
};

struct fixture {
	struct dedup *d;
	struct frame frames[4];
	struct frame_extra extras[4];
	struct frame_sink sink;
	struct decode_config decap;
};

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof *x);
	struct hash_key key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

	if (!x || !(x->d = dedup_new(&key)))
		return -1;
	x->sink.frames = x->frames;
	x->sink.extras = x->extras;
	decode_config_default(&x->decap);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	dedup_free(x->d);
	free(x);
	return 0;
}

/* The link layer of fr, for an IP packet of this family. */
static void framing(struct fb *f, enum framing fr, int family)
{
	uint16_t et = family == 4 ? ET_IPV4 : ET_IPV6;

	fb_init(f);
	switch (fr) {
	case FR_ETHER:
		fb_eth(f, et);
		break;
	case FR_VLAN:
		fb_eth(f, ET_VLAN);
		fb_vlan(f, 100, et);
		break;
	case FR_QINQ:
		fb_eth(f, ET_QINQ);
		fb_vlan(f, 200, ET_VLAN);
		fb_vlan(f, 100, et);
		break;
	case FR_SLL:
		fb_sll(f, et);
		break;
	case FR_SLL2:
		fb_sll2(f, et);
		break;
	case FR_NULL:
		fb_null(f, family == 4 ? 2 : 30, false);
		break;
	default:
		break;
	}
}

static int dlt_of(enum framing fr)
{
	static const int dlts[FR_COUNT] = {
		[FR_ETHER] = 1, [FR_VLAN] = 1, [FR_QINQ] = 1, [FR_SLL] = 113,
		[FR_SLL2] = 276, [FR_NULL] = 0, [FR_RAW] = 12,
	};

	return dlts[fr];
}

/* A TCP segment (or, family 6, its IPv6 twin) with tag as the first of
 * its 30 payload bytes, framed. */
static void segment(struct fb *f, enum framing fr, int family, uint8_t tag)
{
	framing(f, fr, family);
	if (family == 4)
		fb_ipv4(f, "10.20.1.1", "10.10.0.11");
	else
		fb_ipv6(f, "2001:db8:20::1", "2001:db8:10::11");
	fb_tcp(f, 50000, 443, 0x18);
	fb_bytes(f, &tag, 1);
	fb_payload(f, 29);
	fb_end(f);
}

/* Decode the frame's first caplen bytes at us, and ask: a copy? */
static bool copy(struct fixture *x, const struct fb *f, int dlt,
		 uint32_t caplen, int64_t us)
{
	x->sink.n = x->sink.nextras = 0;
	decode_frame(&x->sink, dlt, us, f->b, caplen, (uint32_t)f->len);
	return dedup_frame(x->d, &x->frames[0], f->b, caplen);
}

/* One IP packet under every framing, microseconds apart: the first is
 * kept, every other is its copy; IPv4 and IPv6. */
static void test_dedup_every_framing(void **state)
{
	struct fixture *x = *state;
	struct fb f;

	for (int family = 4; family <= 6; family += 2) {
		for (int fr = 0; fr < FR_COUNT; fr++) {
			segment(&f, (enum framing)fr, family, (uint8_t)family);
			assert_int_equal(copy(x, &f, dlt_of((enum framing)fr),
					      (uint32_t)f.len, T0 + fr),
					 fr != FR_ETHER);
		}
	}
}

/* A copy may come before what was kept: the window reaches both ways. */
static void test_dedup_both_ways(void **state)
{
	struct fixture *x = *state;
	struct fb f;

	segment(&f, FR_ETHER, 4, 1);
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + 1000));
	segment(&f, FR_NULL, 4, 1);
	assert_true(copy(x, &f, 0, (uint32_t)f.len,
			 T0 + 1000 - LUCS_DEDUP_WINDOW_US));
	assert_false(copy(x, &f, 0, (uint32_t)f.len,
			  T0 + 1000 - LUCS_DEDUP_WINDOW_US - 1));
}

/* Not copies: other bytes anywhere from the IP header on (a TTL one
 * lower: a router forwarded it), or the same bytes captured to another
 * length. */
static void test_dedup_other_bytes(void **state)
{
	struct fixture *x = *state;
	struct fb f;

	segment(&f, FR_ETHER, 4, 2);
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0));
	f.b[14 + 8]--;		/* the TTL */
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + 1));
	segment(&f, FR_ETHER, 4, 3);
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + 2));
	assert_false(copy(x, &f, 1, (uint32_t)f.len - 10, T0 + 3));
	assert_true(copy(x, &f, 1, (uint32_t)f.len, T0 + 4));
}

/* What is compared is the first LUCS_DEDUP_BYTES of the IP packet, which
 * hold the TCP checksum (covering the payload), and the captured length:
 * a checksum that differs tells the packets apart, a payload byte beyond
 * them alone does not (a real packet's checksum would differ too). */
static void test_dedup_bytes_compared(void **state)
{
	struct fixture *x = *state;
	const size_t ip = 14, csum = ip + 20 + 16, late = ip + 20 + 20 + 150;
	struct fb f;

	fb_init(&f);
	fb_eth(&f, ET_IPV4);
	fb_ipv4(&f, "10.20.1.1", "10.10.0.11");
	fb_tcp(&f, 50000, 443, 0x18);
	fb_payload(&f, 200);
	fb_end(&f);
	assert_true(late - ip >= LUCS_DEDUP_BYTES && csum - ip < LUCS_DEDUP_BYTES);
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0));
	f.b[late] ^= 0xff;
	assert_true(copy(x, &f, 1, (uint32_t)f.len, T0 + 1));
	f.b[csum] ^= 0xff;
	assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + 2));
}

/* Frames whose IP packet cannot be told are always kept: not IP, a link
 * header cut short, a PPPoE frame whose length stops before the
 * Ethernet padding (the decoder narrows its wire length to the PPPoE
 * length, and the start found from it fails the check), and a packet
 * found inside a tunnel (whose outer header the decoder does not say). */
static void test_dedup_no_ip(void **state)
{
	struct fixture *x = *state;
	struct fb f;

	for (int i = 0; i < 2; i++) {
		fb_init(&f);
		fb_eth(&f, ET_ARP);
		fb_payload(&f, 28);
		fb_end(&f);
		assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + i));
		assert_false(copy(x, &f, 1, 10, T0 + i));

		fb_init(&f);
		fb_eth(&f, ET_PPPOE);
		fb_pppoe(&f, PPP_IP);
		fb_ipv4(&f, "10.20.1.1", "10.10.0.11");
		fb_udp(&f, 50000, 53);
		fb_end(&f);
		fb_pad_to(&f, 60);
		assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + i));
	}

	x->sink.cfg = &x->decap;
	for (int i = 0; i < 2; i++) {
		fb_init(&f);
		fb_eth(&f, ET_IPV4);
		fb_ipv4(&f, "10.30.0.2", "10.30.0.100");
		fb_udp(&f, 40000, 4789);
		fb_vxlan(&f, 7);
		fb_eth(&f, ET_IPV4);
		fb_ipv4(&f, "10.20.1.1", "10.10.0.11");
		fb_tcp(&f, 50000, 443, 0x02);
		fb_end(&f);
		assert_false(copy(x, &f, 1, (uint32_t)f.len, T0 + i));
		assert_true(x->frames[0].p.tunnel_depth > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dedup_every_framing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_both_ways, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dedup_other_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dedup_bytes_compared,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dedup_no_ip, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
