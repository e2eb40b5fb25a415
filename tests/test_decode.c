/* test_decode.c: the decoders, link layer to transport, on hand-built
 * frames: every link type, tags and labels, IPv4 and IPv6 headers, the
 * transport headers, every malformation that has a status, and every frame
 * cut at every byte offset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pktbuild.h"
#include "tunables.h"

/* --- helpers ------------------------------------------------------------- */

static size_t wire_of(const struct fb *f)
{
	return f->wire ? f->wire : f->len;
}

static enum decode_status decode_fb(int dlt, const struct fb *f,
				    struct pkt *p)
{
	return decode_packet(dlt, f->b, f->len, wire_of(f), p);
}

/* addr holds text's address, zero-padded to 16 bytes for IPv4. */
static void assert_addr(const uint8_t *addr, const char *text)
{
	uint8_t want[16] = { 0 };
	int af = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(af, text, want), 1);
	assert_memory_equal(addr, want, sizeof want);
}

/* The statuses a capture cut short may give. */
static bool is_short(enum decode_status st)
{
	switch (st) {
	case DECODE_LINK_TRUNCATED:
	case DECODE_IPV4_TRUNCATED:
	case DECODE_IPV6_TRUNCATED:
	case DECODE_IPV6_EXT_TRUNCATED:
	case DECODE_TCP_TRUNCATED:
	case DECODE_UDP_TRUNCATED:
	case DECODE_ICMP_TRUNCATED:
	case DECODE_FRAG_FIRST_TOO_SHORT:
		return true;
	default:
		return false;
	}
}

/* --- the frames ---------------------------------------------------------- */

/* Padded to Ethernet's 60 bytes: 6 bytes more than the IP packet. */
static void eth_ipv4_tcp(struct fb *f)
{
	fb_eth(f, ET_IPV4);
	fb_ipv4(f, "192.0.2.1", "198.51.100.2");
	fb_tcp(f, 40000, 443, TCP_SYN);
	fb_end(f);
	fb_pad_to(f, 60);
}

static void eth_vlan_ipv6_udp(struct fb *f)
{
	fb_eth(f, ET_VLAN);
	fb_vlan(f, 100, ET_IPV6);
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_udp(f, 5353, 53);
	fb_payload(f, 12);
	fb_end(f);
}

static void eth_qinq_ipv4_udp(struct fb *f)
{
	fb_eth(f, ET_QINQ);
	fb_vlan(f, 10, ET_VLAN);
	fb_vlan(f, 20, ET_IPV4);
	fb_ipv4(f, "10.0.0.1", "10.0.0.2");
	fb_udp(f, 1234, 5678);
	fb_payload(f, 3);
	fb_end(f);
}

static void eth_qinq_old_ipv4_tcp(struct fb *f)
{
	fb_eth(f, ET_QINQ_OLD);
	fb_vlan(f, 10, ET_VLAN);
	fb_vlan(f, 20, ET_IPV4);
	fb_ipv4(f, "10.0.0.1", "10.0.0.2");
	fb_tcp(f, 22, 50000, TCP_ACK | TCP_PSH);
	fb_payload(f, 7);
	fb_end(f);
}

/* LUCS_MAX_LINK_TAGS tags: the most a frame may carry. */
static void eth_max_tags_ipv6_tcp(struct fb *f)
{
	fb_eth(f, ET_VLAN);
	for (int i = 1; i < LUCS_MAX_LINK_TAGS; i++)
		fb_vlan(f, (uint16_t)i, ET_VLAN);
	fb_vlan(f, LUCS_MAX_LINK_TAGS, ET_IPV6);
	fb_ipv6(f, "2001:db8::a", "2001:db8::b");
	fb_tcp(f, 443, 40001, TCP_SYN | TCP_ACK);
	fb_end(f);
}

/* 802.3 length field, 802.2 LLC, SNAP with OUI 0. */
static void eth_snap_ipv4_udp(struct fb *f)
{
	fb_eth_len(f, 0);
	fb_snap(f, ET_IPV4);
	fb_ipv4(f, "192.0.2.7", "192.0.2.8");
	fb_udp(f, 161, 40000);
	fb_payload(f, 9);
	fb_end(f);
	fb_put16(f, 12, (uint16_t)(f->len - 14));
}

static void eth_vlan_snap_ipv6_tcp(struct fb *f)
{
	fb_eth(f, ET_VLAN);
	fb_vlan(f, 5, 0);
	fb_snap(f, ET_IPV6);
	fb_ipv6(f, "2001:db8::7", "2001:db8::8");
	fb_tcp(f, 179, 40000, TCP_ACK);
	fb_payload(f, 19);
	fb_end(f);
	fb_put16(f, 16, (uint16_t)(f->len - 18));
}

static void eth_mpls2_ipv4_udp(struct fb *f)
{
	fb_eth(f, ET_MPLS);
	fb_mpls(f, 100, false);
	fb_mpls(f, 200, true);
	fb_ipv4(f, "10.1.0.1", "10.2.0.1");
	fb_udp(f, 4789, 4789);
	fb_payload(f, 16);
	fb_end(f);
}

static void eth_vlan_mpls_ipv6_tcp(struct fb *f)
{
	fb_eth(f, ET_VLAN);
	fb_vlan(f, 7, ET_MPLS);
	fb_mpls(f, 16, true);
	fb_ipv6(f, "2001:db8:1::1", "2001:db8:2::1");
	fb_tcp(f, 50000, 80, TCP_FIN | TCP_ACK);
	fb_end(f);
}

static void eth_pppoe_ipv4_tcp(struct fb *f)
{
	fb_eth(f, ET_PPPOE);
	fb_pppoe(f, PPP_IP);
	fb_ipv4(f, "100.64.0.1", "203.0.113.9");
	fb_tcp(f, 51000, 25, TCP_SYN);
	fb_end(f);
}

static void eth_pppoe_ipv6_udp(struct fb *f)
{
	fb_eth(f, ET_PPPOE);
	fb_pppoe(f, PPP_IPV6);
	fb_ipv6(f, "2001:db8::100", "2001:db8::200");
	fb_udp(f, 546, 547);
	fb_payload(f, 30);
	fb_end(f);
}

static void sll_ipv4_udp(struct fb *f)
{
	fb_sll(f, ET_IPV4);
	fb_ipv4(f, "172.16.0.1", "172.16.0.2");
	fb_udp(f, 123, 123);
	fb_payload(f, 48);
	fb_end(f);
}

static void sll2_ipv6_tcp(struct fb *f)
{
	fb_sll2(f, ET_IPV6);
	fb_ipv6(f, "fe80::1", "fe80::2");
	fb_tcp(f, 40002, 22, TCP_RST);
	fb_end(f);
}

static void null_le_ipv4_icmp(struct fb *f)
{
	fb_null(f, 2, false);
	fb_ipv4(f, "127.0.0.1", "127.0.0.1");
	fb_icmp(f, 8, 0);
	fb_payload(f, 56);
	fb_end(f);
}

static void null_be_ipv6_icmp(struct fb *f)
{
	fb_null(f, 30, true);
	fb_ipv6(f, "::1", "::1");
	fb_icmp(f, 128, 0);
	fb_payload(f, 8);
	fb_end(f);
}

static void loop_ipv4_tcp(struct fb *f)
{
	fb_null(f, 2, true);
	fb_ipv4(f, "10.9.9.9", "10.8.8.8");
	fb_tcp(f, 8080, 40003, TCP_ACK);
	fb_payload(f, 100);
	fb_end(f);
}

static void loop_ipv6_udp(struct fb *f)
{
	fb_null(f, 24, true);
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_udp(f, 500, 4500);
	fb_end(f);
}

static void raw_ipv4_opts_tcp(struct fb *f)
{
	fb_ipv4(f, "192.0.2.10", "192.0.2.20");
	fb_ipv4_options(f, 12);
	fb_tcp(f, 40004, 993, TCP_PSH | TCP_ACK);
	fb_payload(f, 33);
	fb_end(f);
}

/* Hop-by-hop, routing, destination options and AH before UDP. */
static void raw_ipv6_chain_udp(struct fb *f)
{
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_ext(f, NH_HOPOPTS, 8);
	fb_ipv6_ext(f, NH_ROUTING, 24);
	fb_ipv6_ext(f, NH_DSTOPTS, 16);
	fb_ipv6_ext(f, NH_AH, 24);
	fb_udp(f, 33434, 33435);
	fb_payload(f, 10);
	fb_end(f);
}

static void ipv4_gre(struct fb *f)
{
	fb_ipv4(f, "198.51.100.1", "198.51.100.2");
	fb_proto(f, NH_GRE);
	fb_payload(f, 24);
	fb_end(f);
}

static void ipv6_esp(struct fb *f)
{
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_proto(f, NH_ESP);
	fb_payload(f, 40);
	fb_end(f);
}

static void ipv4_first_frag_udp(struct fb *f)
{
	fb_ipv4(f, "192.0.2.1", "192.0.2.2");
	fb_ipv4_frag(f, 0x1234, 0, true);
	fb_udp(f, 53, 40005);
	fb_payload(f, 32);
	fb_end(f);
}

static void ipv4_first_frag_tcp(struct fb *f)
{
	fb_ipv4(f, "192.0.2.1", "192.0.2.2");
	fb_ipv4_frag(f, 0x4321, 0, true);
	fb_tcp(f, 40006, 80, TCP_ACK);
	fb_payload(f, 16);
	fb_end(f);
}

static void ipv4_later_frag(struct fb *f)
{
	fb_ipv4(f, "192.0.2.1", "192.0.2.2");
	fb_ipv4_frag(f, 0x1234, 5, false);
	fb_proto(f, 17);
	fb_payload(f, 20);
	fb_end(f);
}

static void ipv6_first_frag_tcp(struct fb *f)
{
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_frag(f, 0xabcdef01, 0, true);
	fb_tcp(f, 40007, 443, TCP_ACK);
	fb_payload(f, 64);
	fb_end(f);
}

static void ipv6_later_frag(struct fb *f)
{
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_ext(f, NH_HOPOPTS, 8);
	fb_ipv6_frag(f, 0xabcdef01, 100, true);
	fb_proto(f, 6);
	fb_payload(f, 64);
	fb_end(f);
}

static void eth_ipv4_tcp_opts(struct fb *f)
{
	fb_eth(f, ET_IPV4);
	fb_ipv4(f, "192.0.2.1", "192.0.2.2");
	fb_tcp_opts(f, 40008, 8443, TCP_SYN, 12);
	fb_payload(f, 5);
	fb_end(f);
}

/* RFC 2675: payload length 0, a Jumbo Payload option of 70000 bytes and a
 * UDP length of 0; only the headers are captured. */
static void ipv6_jumbogram(struct fb *f)
{
	static const uint8_t hdr[] = {
		0x60, 0x00, 0x00, 0x00, 0x00, 0x00, NH_HOPOPTS, 64,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		17, 0, 0xc2, 4, 0x00, 0x01, 0x11, 0x70,	/* hop-by-hop */
		0x30, 0x39, 0x00, 0x35, 0x00, 0x00, 0x00, 0x00,	/* UDP */
	};

	fb_bytes(f, hdr, sizeof hdr);
	f->ip6 = 0;
	f->need = sizeof hdr;
	f->wire = 40 + 70000;
}

struct test_frame {
	const char *name;
	int dlt;
	void (*build)(struct fb *f);
};

static const struct test_frame frames[] = {
	{ "eth_ipv4_tcp", DLT_EN10MB, eth_ipv4_tcp },
	{ "eth_vlan_ipv6_udp", DLT_EN10MB, eth_vlan_ipv6_udp },
	{ "eth_qinq_ipv4_udp", DLT_EN10MB, eth_qinq_ipv4_udp },
	{ "eth_qinq_old_ipv4_tcp", DLT_EN10MB, eth_qinq_old_ipv4_tcp },
	{ "eth_max_tags_ipv6_tcp", DLT_EN10MB, eth_max_tags_ipv6_tcp },
	{ "eth_snap_ipv4_udp", DLT_EN10MB, eth_snap_ipv4_udp },
	{ "eth_vlan_snap_ipv6_tcp", DLT_EN10MB, eth_vlan_snap_ipv6_tcp },
	{ "eth_mpls2_ipv4_udp", DLT_EN10MB, eth_mpls2_ipv4_udp },
	{ "eth_vlan_mpls_ipv6_tcp", DLT_EN10MB, eth_vlan_mpls_ipv6_tcp },
	{ "eth_pppoe_ipv4_tcp", DLT_EN10MB, eth_pppoe_ipv4_tcp },
	{ "eth_pppoe_ipv6_udp", DLT_EN10MB, eth_pppoe_ipv6_udp },
	{ "sll_ipv4_udp", DLT_LINUX_SLL, sll_ipv4_udp },
	{ "sll2_ipv6_tcp", DLT_LINUX_SLL2, sll2_ipv6_tcp },
	{ "null_le_ipv4_icmp", DLT_NULL, null_le_ipv4_icmp },
	{ "null_be_ipv6_icmp", DLT_NULL, null_be_ipv6_icmp },
	{ "loop_ipv4_tcp", DLT_LOOP, loop_ipv4_tcp },
	{ "loop_ipv6_udp", DLT_LOOP, loop_ipv6_udp },
	{ "raw_ipv4_opts_tcp", DLT_RAW, raw_ipv4_opts_tcp },
	{ "raw_ipv6_chain_udp", DLT_RAW, raw_ipv6_chain_udp },
	{ "ipv4_gre", DLT_IPV4, ipv4_gre },
	{ "ipv6_esp", DLT_IPV6, ipv6_esp },
	{ "ipv4_first_frag_udp", DLT_RAW, ipv4_first_frag_udp },
	{ "ipv4_first_frag_tcp", DLT_IPV4, ipv4_first_frag_tcp },
	{ "ipv4_later_frag", DLT_RAW, ipv4_later_frag },
	{ "ipv6_first_frag_tcp", DLT_IPV6, ipv6_first_frag_tcp },
	{ "ipv6_later_frag", DLT_RAW, ipv6_later_frag },
	{ "eth_ipv4_tcp_opts", DLT_EN10MB, eth_ipv4_tcp_opts },
	{ "ipv6_jumbogram", DLT_IPV6, ipv6_jumbogram },
};

#define N_FRAMES (sizeof frames / sizeof frames[0])

static void build(const struct test_frame *fr, struct fb *f)
{
	fb_init(f);
	fr->build(f);
}

/* Build frames[i] (by name, so tests read as what they check) and decode
 * it whole, which must succeed. */
static const struct test_frame *frame_named(const char *name)
{
	for (size_t i = 0; i < N_FRAMES; i++)
		if (strcmp(frames[i].name, name) == 0)
			return &frames[i];
	fail_msg("no frame %s", name);
	return NULL;
}

static void decode_named(const char *name, struct fb *f, struct pkt *p)
{
	const struct test_frame *fr = frame_named(name);

	build(fr, f);
	assert_int_equal(decode_fb(fr->dlt, f, p), DECODE_OK);
}

/* --- status names and link types ----------------------------------------- */

static void test_decode_status_names(void **state)
{
	(void)state;
	for (int i = 0; i < DECODE_STATUS_COUNT; i++) {
		const char *name = decode_status_name((enum decode_status)i);

		assert_non_null(name);
		assert_string_not_equal(name, "unknown");
		for (int j = 0; j < i; j++) {
			enum decode_status other = (enum decode_status)j;

			assert_string_not_equal(name,
						decode_status_name(other));
		}
	}
	assert_string_equal(decode_status_name(DECODE_OK), "ok");
	assert_string_equal(decode_status_name(DECODE_STATUS_COUNT),
			    "unknown");
	assert_string_equal(decode_status_name((enum decode_status)-1),
			    "unknown");
}

static void test_decode_linktype_supported(void **state)
{
	static const int yes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
				   DLT_NULL, DLT_LOOP, DLT_RAW, DLT_IPV4,
				   DLT_IPV6 };
	static const int no[] = { DLT_IEEE802_11, DLT_PPP, DLT_USER0, -1 };
	struct fb f;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(decode_linktype_supported(yes[i]));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(decode_linktype_supported(no[i]));
	/* An unsupported link type decodes as non-IP, whatever it holds. */
	build(frame_named("raw_ipv4_opts_tcp"), &f);
	assert_int_equal(decode_fb(DLT_PPP, &f, &p), DECODE_NON_IP);
}

/* --- Ethernet and its tags ------------------------------------------------ */

/* Every field of struct pkt, once: the IP length comes from the IP header,
 * not from the padded frame. */
static void test_decode_ether_ipv4_tcp(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_ipv4_tcp", &f, &p);
	assert_int_equal(f.len, 60);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_addr(p.src, "192.0.2.1");
	assert_addr(p.dst, "198.51.100.2");
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.ip_len, 40);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.tcp_flags, TCP_SYN);
	assert_int_equal(p.frag, PKT_WHOLE);
	assert_int_equal(p.frag_id, 0);
	assert_int_equal(p.icmp_type, 0);
	assert_int_equal(p.wire_left, 60 - 14);
}

/* A snaplen cut after the headers still counts the IP length. */
static void test_decode_ether_snaplen_cut(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	fb_init(&f);
	fb_eth(&f, ET_IPV4);
	fb_ipv4(&f, "192.0.2.1", "192.0.2.2");
	fb_tcp(&f, 443, 40000, TCP_ACK);
	fb_payload(&f, 1460);
	fb_end(&f);
	assert_int_equal(decode_packet(DLT_EN10MB, f.b, 54, f.len, &p),
			 DECODE_OK);
	assert_int_equal(p.ip_len, 1500);
	assert_int_equal(p.payload_len, 1460);
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.dport, 40000);
	assert_int_equal(p.tcp_flags, TCP_ACK);
}

static void test_decode_ether_vlan(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_vlan_ipv6_udp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_addr(p.src, "2001:db8::1");
	assert_addr(p.dst, "2001:db8::2");
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.ip_len, 40 + 8 + 12);
	assert_int_equal(p.payload_len, 12);
	assert_int_equal(p.frag, PKT_WHOLE);
}

/* 802.1ad (0x88a8) and the older 0x9100 outer tags over an 802.1Q tag. */
static void test_decode_ether_qinq(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_qinq_ipv4_udp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_addr(p.src, "10.0.0.1");
	assert_addr(p.dst, "10.0.0.2");
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.dport, 5678);
	assert_int_equal(p.ip_len, 20 + 8 + 3);
	assert_int_equal(p.payload_len, 3);

	decode_named("eth_qinq_old_ipv4_tcp", &f, &p);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.sport, 22);
	assert_int_equal(p.dport, 50000);
	assert_int_equal(p.tcp_flags, TCP_ACK | TCP_PSH);
	assert_int_equal(p.ip_len, 20 + 20 + 7);
	assert_int_equal(p.payload_len, 7);
}

static void test_decode_ether_too_many_tags(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_max_tags_ipv6_tcp", &f, &p);
	assert_int_equal(p.sport, 443);
	assert_int_equal(p.tcp_flags, TCP_SYN | TCP_ACK);

	/* One tag more, of every kind. */
	fb_init(&f);
	fb_eth(&f, ET_QINQ);
	fb_vlan(&f, 1, ET_QINQ_OLD);
	for (int i = 2; i <= LUCS_MAX_LINK_TAGS; i++)
		fb_vlan(&f, (uint16_t)i, ET_VLAN);
	fb_vlan(&f, 99, ET_IPV4);
	fb_ipv4(&f, "10.0.0.1", "10.0.0.2");
	fb_udp(&f, 1, 2);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_TOO_MANY_TAGS);
}

static void test_decode_ether_snap(void **state)
{
	static const uint8_t stp_llc[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
	static const uint8_t snap_cisco[] = { 0xaa, 0xaa, 0x03, 0x00, 0x00,
					      0x0c, 0x20, 0x00 };
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_snap_ipv4_udp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "192.0.2.7");
	assert_int_equal(p.sport, 161);
	assert_int_equal(p.dport, 40000);
	assert_int_equal(p.ip_len, 20 + 8 + 9);
	assert_int_equal(p.wire_left, 20 + 8 + 9);

	decode_named("eth_vlan_snap_ipv6_tcp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.sport, 179);
	assert_int_equal(p.payload_len, 19);

	/* Spanning tree's LLC and a SNAP header with a vendor OUI. */
	fb_init(&f);
	fb_eth_len(&f, 38);
	fb_bytes(&f, stp_llc, sizeof stp_llc);
	fb_payload(&f, 30);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
	fb_init(&f);
	fb_eth_len(&f, 38);
	fb_bytes(&f, snap_cisco, sizeof snap_cisco);
	fb_payload(&f, 30);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
	/* SNAP naming a length, not a type. */
	fb_init(&f);
	fb_eth_len(&f, 38);
	fb_snap(&f, 0x0100);
	fb_payload(&f, 30);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
}

/* A snaplen cut inside an LLC/SNAP header is a truncation like any other. */
static void test_decode_ether_snap_cut_in_llc(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	build(frame_named("eth_snap_ipv4_udp"), &f);
	for (size_t cut = 14; cut < 14 + 8; cut++)
		assert_int_equal(decode_packet(DLT_EN10MB, f.b, cut, f.len, &p),
				 DECODE_LINK_TRUNCATED);
}

/* Tags with LLC/SNAP headers between them count toward the same limit
 * (each SNAP header is a layer of its own). */
static void test_decode_ether_tags_across_snap(void **state)
{
	struct fb f;
	struct pkt p;
	enum decode_status st;

	(void)state;
	fb_init(&f);
	fb_eth(&f, ET_VLAN);
	for (int i = 0; i < LUCS_MAX_LINK_TAGS; i++) {
		fb_vlan(&f, (uint16_t)i, 0x0064);	/* an 802.3 length */
		fb_snap(&f, ET_VLAN);
	}
	fb_vlan(&f, 99, ET_IPV4);
	fb_ipv4(&f, "10.0.0.1", "10.0.0.2");
	fb_udp(&f, 1, 2);
	fb_end(&f);
	st = decode_fb(DLT_EN10MB, &f, &p);
	assert_int_equal(st, DECODE_TOO_MANY_TAGS);
}

static void test_decode_ether_non_ip(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	fb_init(&f);
	fb_eth(&f, ET_ARP);
	fb_payload(&f, 28);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
	/* ARP inside a VLAN tag, and PPPoE discovery. */
	fb_init(&f);
	fb_eth(&f, ET_VLAN);
	fb_vlan(&f, 3, ET_ARP);
	fb_payload(&f, 28);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
	fb_init(&f);
	fb_eth(&f, 0x8863);
	fb_payload(&f, 28);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);
}

static void test_decode_mpls(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_mpls2_ipv4_udp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "10.1.0.1");
	assert_addr(p.dst, "10.2.0.1");
	assert_int_equal(p.sport, 4789);
	assert_int_equal(p.ip_len, 20 + 8 + 16);
	assert_int_equal(p.payload_len, 16);

	decode_named("eth_vlan_mpls_ipv6_tcp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_addr(p.src, "2001:db8:1::1");
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.tcp_flags, TCP_FIN | TCP_ACK);

	/* A pseudowire control word (first nibble 0) is not IP. */
	fb_init(&f);
	fb_eth(&f, ET_MPLS);
	fb_mpls(&f, 300, true);
	fb_payload(&f, 4);
	f.b[f.len - 4] = 0x00;
	fb_payload(&f, 60);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);

	/* LUCS_MAX_LINK_TAGS labels decode; one more is too many. */
	for (int extra = 0; extra <= 1; extra++) {
		int labels = LUCS_MAX_LINK_TAGS + extra;

		fb_init(&f);
		fb_eth(&f, ET_MPLS);
		for (int i = 1; i <= labels; i++)
			fb_mpls(&f, (uint32_t)i, i == labels);
		fb_ipv4(&f, "10.0.0.1", "10.0.0.2");
		fb_udp(&f, 7, 7);
		fb_end(&f);
		assert_int_equal(decode_fb(DLT_EN10MB, &f, &p),
				 extra ? DECODE_TOO_MANY_TAGS : DECODE_OK);
	}
}

static void test_decode_pppoe(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_pppoe_ipv4_tcp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "100.64.0.1");
	assert_addr(p.dst, "203.0.113.9");
	assert_int_equal(p.sport, 51000);
	assert_int_equal(p.dport, 25);
	assert_int_equal(p.tcp_flags, TCP_SYN);
	assert_int_equal(p.ip_len, 40);

	decode_named("eth_pppoe_ipv6_udp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.sport, 546);
	assert_int_equal(p.dport, 547);
	assert_int_equal(p.payload_len, 30);

	fb_init(&f);
	fb_eth(&f, ET_PPPOE);
	fb_pppoe(&f, PPP_LCP);
	fb_payload(&f, 20);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_NON_IP);

	/* The length field narrows what follows, never widens it: 0 and 1
	 * cannot hold the PPP protocol; 65535 (more than the frame) leaves
	 * the packet whole; 41 holds the protocol and 39 of the IPv4
	 * packet's 40 bytes, whose total length then overruns it; 20 cuts
	 * its very header. */
	{
		static const struct {
			uint16_t length;
			enum decode_status want;
		} cases[] = {
			{ 0, DECODE_LINK_BAD_LENGTH },
			{ 1, DECODE_LINK_BAD_LENGTH },
			{ 65535, DECODE_OK },
			{ 42, DECODE_OK },
			{ 41, DECODE_IPV4_BAD_TOTAL_LENGTH },
			{ 20, DECODE_IPV4_TRUNCATED },
		};

		for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
			build(frame_named("eth_pppoe_ipv4_tcp"), &f);
			fb_put16(&f, f.pppoe + 4, cases[i].length);
			assert_int_equal(decode_fb(DLT_EN10MB, &f, &p),
					 cases[i].want);
		}
	}
}

/* --- the other link types ------------------------------------------------ */

static void test_decode_sll(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("sll_ipv4_udp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "172.16.0.1");
	assert_addr(p.dst, "172.16.0.2");
	assert_int_equal(p.sport, 123);
	assert_int_equal(p.dport, 123);
	assert_int_equal(p.ip_len, 20 + 8 + 48);
	assert_int_equal(p.payload_len, 48);

	fb_init(&f);
	fb_sll(&f, ET_ARP);
	fb_payload(&f, 28);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p), DECODE_NON_IP);
}

static void test_decode_sll2(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("sll2_ipv6_tcp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_addr(p.src, "fe80::1");
	assert_addr(p.dst, "fe80::2");
	assert_int_equal(p.sport, 40002);
	assert_int_equal(p.dport, 22);
	assert_int_equal(p.tcp_flags, TCP_RST);
	assert_int_equal(p.ip_len, 60);

	/* SLL2 carries its protocol first: an SLL header is not one. */
	build(frame_named("sll_ipv4_udp"), &f);
	assert_int_equal(decode_fb(DLT_LINUX_SLL2, &f, &p), DECODE_NON_IP);
}

/* DLT_NULL's family is in the capturing host's byte order, either one;
 * IPv6 has a different AF value on each OS. */
static void test_decode_null_families(void **state)
{
	static const struct {
		uint32_t af;
		uint8_t family;		/* 0: not IP */
	} afs[] = { { 2, 4 }, { 10, 6 }, { 23, 6 }, { 24, 6 }, { 28, 6 },
		    { 30, 6 }, { 0, 0 }, { 7, 0 }, { 26, 0 } };

	(void)state;
	for (size_t i = 0; i < sizeof afs / sizeof afs[0]; i++) {
		for (int be = 0; be <= 1; be++) {
			struct fb f;
			struct pkt p;

			fb_init(&f);
			fb_null(&f, afs[i].af, be);
			if (afs[i].family == 6)
				fb_ipv6(&f, "::1", "::2");
			else
				fb_ipv4(&f, "127.0.0.1", "127.0.0.2");
			fb_udp(&f, 1000, 2000);
			fb_end(&f);
			if (!afs[i].family) {
				assert_int_equal(decode_fb(DLT_NULL, &f, &p),
						 DECODE_NON_IP);
				continue;
			}
			assert_int_equal(decode_fb(DLT_NULL, &f, &p),
					 DECODE_OK);
			assert_int_equal(p.family, afs[i].family);
			assert_int_equal(p.sport, 1000);
			assert_int_equal(p.dport, 2000);
		}
	}
}

/* DLT_LOOP is always network order: a little-endian family is not one. */
static void test_decode_loop(void **state)
{
	static const uint32_t v6[] = { 10, 23, 24, 28, 30 };
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("loop_ipv4_tcp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "10.9.9.9");
	assert_int_equal(p.sport, 8080);
	assert_int_equal(p.payload_len, 100);
	assert_int_equal(p.ip_len, 140);

	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
		fb_init(&f);
		fb_null(&f, v6[i], true);
		fb_ipv6(&f, "2001:db8::1", "2001:db8::2");
		fb_udp(&f, 500, 4500);
		fb_end(&f);
		assert_int_equal(decode_fb(DLT_LOOP, &f, &p), DECODE_OK);
		assert_int_equal(p.family, 6);
		assert_int_equal(p.dport, 4500);
	}

	fb_init(&f);
	fb_null(&f, 2, false);
	fb_ipv4(&f, "10.0.0.1", "10.0.0.2");
	fb_udp(&f, 1, 2);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_LOOP, &f, &p), DECODE_NON_IP);
}

/* DLT_RAW looks at the version; DLT_IPV4 and DLT_IPV6 insist on theirs. */
static void test_decode_raw(void **state)
{
	struct fb f4, f6;
	struct pkt p;

	(void)state;
	build(frame_named("raw_ipv4_opts_tcp"), &f4);
	build(frame_named("raw_ipv6_chain_udp"), &f6);
	assert_int_equal(decode_fb(DLT_RAW, &f4, &p), DECODE_OK);
	assert_int_equal(p.family, 4);
	assert_int_equal(decode_fb(DLT_IPV4, &f4, &p), DECODE_OK);
	assert_int_equal(p.family, 4);
	assert_int_equal(decode_fb(DLT_RAW, &f6, &p), DECODE_OK);
	assert_int_equal(p.family, 6);
	assert_int_equal(decode_fb(DLT_IPV6, &f6, &p), DECODE_OK);
	assert_int_equal(p.family, 6);

	assert_int_equal(decode_fb(DLT_IPV4, &f6, &p), DECODE_IP_BAD_VERSION);
	assert_int_equal(decode_fb(DLT_IPV6, &f4, &p), DECODE_IP_BAD_VERSION);
	f4.b[0] = 0x55;
	assert_int_equal(decode_fb(DLT_RAW, &f4, &p), DECODE_IP_BAD_VERSION);
	f6.b[0] = 0x45;
	assert_int_equal(decode_fb(DLT_IPV6, &f6, &p), DECODE_IP_BAD_VERSION);
	assert_int_equal(decode_packet(DLT_RAW, f6.b, 0, 0, &p),
			 DECODE_IPV4_TRUNCATED);
}

/* --- IPv4 ---------------------------------------------------------------- */

static void test_decode_ipv4_options(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("raw_ipv4_opts_tcp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_addr(p.src, "192.0.2.10");
	assert_addr(p.dst, "192.0.2.20");
	assert_int_equal(p.sport, 40004);
	assert_int_equal(p.dport, 993);
	assert_int_equal(p.ip_len, 32 + 20 + 33);
	assert_int_equal(p.payload_len, 33);
	assert_int_equal(p.tcp_flags, TCP_PSH | TCP_ACK);

	/* The longest header: IHL 15, 40 bytes of options. */
	fb_init(&f);
	fb_ipv4(&f, "192.0.2.10", "192.0.2.20");
	fb_ipv4_options(&f, 40);
	fb_udp(&f, 67, 68);
	fb_payload(&f, 300);
	fb_end(&f);
	assert_int_equal(f.b[0], 0x4f);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.sport, 67);
	assert_int_equal(p.dport, 68);
	assert_int_equal(p.ip_len, 60 + 8 + 300);
	assert_int_equal(p.payload_len, 300);
}

static void test_decode_ipv4_bad_header(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	/* A version 6 header behind an IPv4 Ethernet type. */
	fb_init(&f);
	fb_eth(&f, ET_IPV4);
	fb_ipv6(&f, "::1", "::2");
	fb_udp(&f, 1, 2);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_IP_BAD_VERSION);

	/* IHL below 5. */
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		build(frame_named("raw_ipv4_opts_tcp"), &f);
		f.b[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(decode_fb(DLT_RAW, &f, &p),
				 DECODE_IPV4_BAD_HEADER_LENGTH);
	}

	/* A total length shorter than the header, with and without options. */
	build(frame_named("raw_ipv4_opts_tcp"), &f);
	fb_put16(&f, 2, 31);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV4_BAD_TOTAL_LENGTH);
	fb_put16(&f, 2, 32);	/* exactly the header: no TCP header */
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_TCP_TRUNCATED);
	build(frame_named("ipv4_gre"), &f);
	fb_put16(&f, 2, 19);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV4_BAD_TOTAL_LENGTH);
	fb_put16(&f, 2, 0);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV4_BAD_TOTAL_LENGTH);

	/* A total length beyond the wire length. */
	build(frame_named("ipv4_gre"), &f);
	fb_put16(&f, 2, (uint16_t)(f.len + 1));
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV4_BAD_TOTAL_LENGTH);
	assert_int_equal(decode_packet(DLT_RAW, f.b, f.len, f.len + 1, &p),
			 DECODE_OK);
	assert_int_equal(p.ip_len, f.len + 1);
	assert_int_equal(p.payload_len, f.len + 1 - 20);

	/* A total length shorter than the frame: the rest is padding. */
	build(frame_named("ipv4_gre"), &f);
	fb_put16(&f, 2, 30);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.ip_len, 30);
	assert_int_equal(p.payload_len, 10);
}

static void test_decode_ipv4_fragments(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	/* First: offset 0 and MF, with the ports. */
	decode_named("ipv4_first_frag_udp", &f, &p);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.frag_id, 0x1234);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, 40005);
	assert_int_equal(p.ip_len, 20 + 8 + 32);
	assert_int_equal(p.payload_len, 32);

	/* A first TCP fragment of 8 bytes keeps the ports, not the flags. */
	build(frame_named("ipv4_first_frag_tcp"), &f);
	fb_put16(&f, 2, 28);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.frag_id, 0x4321);
	assert_int_equal(p.sport, 40006);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.tcp_flags, 0);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.ip_len, 28);
	/* Whole, it has the flags too. */
	decode_named("ipv4_first_frag_tcp", &f, &p);
	assert_int_equal(p.tcp_flags, TCP_ACK);
	assert_int_equal(p.payload_len, 16);

	/* A first fragment too short for the ports. */
	fb_init(&f);
	fb_ipv4(&f, "192.0.2.1", "192.0.2.2");
	fb_ipv4_frag(&f, 9, 0, true);
	fb_proto(&f, 17);
	fb_payload(&f, 3);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_FRAG_FIRST_TOO_SHORT);
	f.b[9] = IPPROTO_NUM_ICMP;
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_FRAG_FIRST_TOO_SHORT);

	/* Later: no transport header, MF set or not. */
	decode_named("ipv4_later_frag", &f, &p);
	assert_int_equal(p.frag, PKT_FRAG_LATER);
	assert_int_equal(p.frag_id, 0x1234);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.ip_len, 40);
	assert_int_equal(p.payload_len, 20);
	fb_put16(&f, 6, 0x2000 | 5);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_LATER);

	/* DF alone is no fragment; neither is an ID without flags. */
	build(frame_named("ipv4_first_frag_udp"), &f);
	fb_put16(&f, 6, 0x4000);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_WHOLE);
	assert_int_equal(p.frag_id, 0x1234);
	assert_int_equal(p.sport, 53);
}

/* --- IPv6 ---------------------------------------------------------------- */

static void test_decode_ipv6_ext_chain(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("raw_ipv6_chain_udp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_addr(p.src, "2001:db8::1");
	assert_addr(p.dst, "2001:db8::2");
	assert_int_equal(p.sport, 33434);
	assert_int_equal(p.dport, 33435);
	assert_int_equal(p.ip_len, 40 + 8 + 24 + 16 + 24 + 8 + 10);
	assert_int_equal(p.payload_len, 10);
	assert_int_equal(p.frag, PKT_WHOLE);

	/* AH counts its length in 4-byte words, less 2. */
	fb_init(&f);
	fb_ipv6(&f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_ext(&f, NH_AH, 28);
	fb_tcp(&f, 1, 2, TCP_ACK);
	fb_end(&f);
	assert_int_equal(f.b[41], 5);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.sport, 1);
	assert_int_equal(p.ip_len, 40 + 28 + 20);
}

static void test_decode_ipv6_fragments(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("ipv6_first_frag_tcp", &f, &p);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.frag_id, 0xabcdef01);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.sport, 40007);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.tcp_flags, TCP_ACK);
	assert_int_equal(p.ip_len, 40 + 8 + 20 + 64);
	assert_int_equal(p.payload_len, 64);

	/* Later: the protocol is the fragment header's next header. */
	decode_named("ipv6_later_frag", &f, &p);
	assert_int_equal(p.frag, PKT_FRAG_LATER);
	assert_int_equal(p.frag_id, 0xabcdef01);
	assert_int_equal(p.proto, IPPROTO_NUM_TCP);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.ip_len, 40 + 8 + 8 + 64);
	assert_int_equal(p.payload_len, 64);
	/* The last fragment (M clear) is a later one too. */
	f.b[40 + 8 + 3] &= 0xfe;
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_LATER);

	/* An atomic fragment (offset 0, M clear) is whole. */
	fb_init(&f);
	fb_ipv6(&f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_frag(&f, 77, 0, false);
	fb_udp(&f, 9, 10);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.frag, PKT_WHOLE);
	assert_int_equal(p.sport, 9);
	assert_int_equal(p.payload_len, 0);
}

static void build_ext_chain(struct fb *f, int n)
{
	fb_init(f);
	fb_ipv6(f, "2001:db8::1", "2001:db8::2");
	for (int i = 0; i < n; i++)
		fb_ipv6_ext(f, NH_DSTOPTS, 8);
	fb_udp(f, 1, 2);
	fb_end(f);
}

static void test_decode_ipv6_too_many_ext(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	build_ext_chain(&f, LUCS_MAX_IPV6_EXT);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_int_equal(p.sport, 1);
	build_ext_chain(&f, LUCS_MAX_IPV6_EXT + 1);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_IPV6_TOO_MANY_EXT);
}

static void test_decode_ipv6_ext_truncated(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	/* A destination options header longer than the payload length. */
	fb_init(&f);
	fb_ipv6(&f, "2001:db8::1", "2001:db8::2");
	fb_ipv6_ext(&f, NH_DSTOPTS, 8);
	fb_proto(&f, 59);	/* no next header */
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.proto, 59);
	assert_int_equal(p.payload_len, 0);
	f.b[41] = 1;		/* 16 bytes */
	fb_payload(&f, 8);	/* captured, but outside the packet */
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV6_EXT_TRUNCATED);

	/* A fragment header cut by the payload length. */
	build(frame_named("ipv6_later_frag"), &f);
	fb_put16(&f, 4, 8 + 4);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV6_EXT_TRUNCATED);

	/* Payload length beyond the wire; a header shorter than 40 bytes. */
	build(frame_named("ipv6_esp"), &f);
	fb_put16(&f, 4, (uint16_t)(f.len - 40 + 1));
	assert_int_equal(decode_fb(DLT_RAW, &f, &p),
			 DECODE_IPV6_BAD_PAYLOAD_LENGTH);
	assert_int_equal(decode_packet(DLT_RAW, f.b, 39, f.len, &p),
			 DECODE_IPV6_TRUNCATED);
}

static void test_decode_ipv6_jumbogram(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("ipv6_jumbogram", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, IPPROTO_NUM_UDP);
	assert_addr(p.src, "2001:db8::1");
	assert_addr(p.dst, "2001:db8::2");
	assert_int_equal(p.ip_len, 70040);
	assert_int_equal(p.sport, 12345);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.payload_len, 70000 - 8 - 8);

	/* Longer than the wire. */
	assert_int_equal(decode_packet(DLT_IPV6, f.b, f.len, 70039, &p),
			 DECODE_IPV6_BAD_PAYLOAD_LENGTH);
	/* A Jumbo Payload option of 65535 or less is no jumbogram: the
	 * payload length of 0 leaves no room for the hop-by-hop header. */
	fb_put32(&f, 44, 65535);
	assert_int_equal(decode_fb(DLT_IPV6, &f, &p),
			 DECODE_IPV6_EXT_TRUNCATED);
	/* Nor is a packet whose payload length is not 0. */
	build(frame_named("ipv6_jumbogram"), &f);
	fb_put16(&f, 4, 16);
	assert_int_equal(decode_fb(DLT_IPV6, &f, &p), DECODE_UDP_BAD_LENGTH);
	assert_int_equal(p.ip_len, 56);
}

/* --- transport ----------------------------------------------------------- */

static void test_decode_tcp_flags(void **state)
{
	static const uint8_t flags[] = {
		0, TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_PSH | TCP_ACK,
		TCP_FIN | TCP_ACK, TCP_RST, TCP_RST | TCP_ACK,
		TCP_URG | TCP_ECE | TCP_CWR, 0xff
	};

	(void)state;
	for (size_t i = 0; i < sizeof flags; i++) {
		struct fb f;
		struct pkt p;

		fb_init(&f);
		fb_ipv4(&f, "192.0.2.1", "192.0.2.2");
		fb_tcp(&f, 1, 2, flags[i]);
		fb_end(&f);
		assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
		assert_int_equal(p.tcp_flags, flags[i]);
	}
}

static void test_decode_tcp_bad_offset(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("eth_ipv4_tcp_opts", &f, &p);
	assert_int_equal(p.sport, 40008);
	assert_int_equal(p.dport, 8443);
	assert_int_equal(p.payload_len, 5);
	assert_int_equal(p.ip_len, 20 + 32 + 5);

	/* Data offset below 5 words. */
	f.b[14 + 20 + 12] = 4 << 4;
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_TCP_BAD_OFFSET);
	f.b[14 + 20 + 12] = 0;
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_TCP_BAD_OFFSET);
	/* Data offset past the segment: 60 bytes of 37. */
	f.b[14 + 20 + 12] = 15 << 4;
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_TCP_BAD_OFFSET);
	/* Exactly the segment: no payload. */
	f.b[14 + 20 + 12] = 9 << 4;
	fb_put16(&f, 14 + 2, 20 + 36);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_OK);
	assert_int_equal(p.payload_len, 0);
	/* A segment shorter than the fixed header. */
	fb_put16(&f, 14 + 2, 20 + 19);
	assert_int_equal(decode_fb(DLT_EN10MB, &f, &p), DECODE_TCP_TRUNCATED);
}

static void test_decode_udp_bad_length(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	build(frame_named("sll_ipv4_udp"), &f);
	/* The UDP length of a datagram padded inside its IP packet wins. */
	fb_put16(&f, 16 + 20 + 4, 8 + 40);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p), DECODE_OK);
	assert_int_equal(p.payload_len, 40);
	assert_int_equal(p.ip_len, 76);
	fb_put16(&f, 16 + 20 + 4, 8);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p), DECODE_OK);
	assert_int_equal(p.payload_len, 0);
	/* Shorter than its header; longer than the IP packet holds. */
	fb_put16(&f, 16 + 20 + 4, 7);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p),
			 DECODE_UDP_BAD_LENGTH);
	fb_put16(&f, 16 + 20 + 4, 0);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p),
			 DECODE_UDP_BAD_LENGTH);
	fb_put16(&f, 16 + 20 + 4, 8 + 48 + 1);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p),
			 DECODE_UDP_BAD_LENGTH);
	/* An IP packet too short for the UDP header. */
	build(frame_named("sll_ipv4_udp"), &f);
	fb_put16(&f, 16 + 2, 20 + 7);
	assert_int_equal(decode_fb(DLT_LINUX_SLL, &f, &p),
			 DECODE_UDP_TRUNCATED);
}

static void test_decode_icmp(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("null_le_ipv4_icmp", &f, &p);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.proto, IPPROTO_NUM_ICMP);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.tcp_flags, 0);
	assert_int_equal(p.ip_len, 20 + 8 + 56);
	assert_int_equal(p.payload_len, 8 - 4 + 56);

	decode_named("null_be_ipv6_icmp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, IPPROTO_NUM_ICMPV6);
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.ip_len, 40 + 8 + 8);

	/* An ICMP message shorter than type, code and checksum. */
	build(frame_named("null_le_ipv4_icmp"), &f);
	fb_put16(&f, 4 + 2, 20 + 3);
	assert_int_equal(decode_fb(DLT_NULL, &f, &p), DECODE_ICMP_TRUNCATED);
}

/* Protocols with no ports are flows of their own, ports 0. */
static void test_decode_other_protocols(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	decode_named("ipv4_gre", &f, &p);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.proto, 47);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.ip_len, 44);
	assert_int_equal(p.payload_len, 24);

	decode_named("ipv6_esp", &f, &p);
	assert_int_equal(p.family, 6);
	assert_int_equal(p.proto, 50);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.ip_len, 80);
	assert_int_equal(p.payload_len, 40);

	/* SCTP has ports, but lucsaudit does not read them. */
	fb_init(&f);
	fb_ipv4(&f, "192.0.2.1", "192.0.2.2");
	fb_proto(&f, 132);
	fb_payload(&f, 12);
	fb_end(&f);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.proto, 132);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.dport, 0);
	assert_int_equal(p.payload_len, 12);
}

/* --- every frame, every cut ---------------------------------------------- */

/* The fields a cut must not change once the needed headers are in. */
static void assert_same_flow_fields(const struct pkt *a, const struct pkt *b)
{
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->proto, b->proto);
	assert_memory_equal(a->src, b->src, 16);
	assert_memory_equal(a->dst, b->dst, 16);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->ip_len, b->ip_len);
	assert_int_equal(a->frag, b->frag);
	assert_int_equal(a->frag_id, b->frag_id);
	assert_int_equal(a->icmp_type, b->icmp_type);
	/* A first fragment's flags and payload need the whole TCP header,
	 * which its ports do not. */
	if (a->frag != PKT_FRAG_FIRST) {
		assert_int_equal(a->tcp_flags, b->tcp_flags);
		assert_int_equal(a->payload_len, b->payload_len);
	}
}

/* Each frame is copied to a heap block of exactly caplen bytes, so a read
 * past it is caught by AddressSanitizer. */
static enum decode_status decode_cut(int dlt, const struct fb *f, size_t cut,
				     size_t wire, struct pkt *p)
{
	uint8_t *copy = malloc(cut ? cut : 1);
	enum decode_status st;

	assert_non_null(copy);
	memcpy(copy, f->b, cut);
	st = decode_packet(dlt, copy, cut, wire, p);
	free(copy);
	return st;
}

static void test_decode_truncated_every_offset(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_FRAMES; i++) {
		const struct test_frame *fr = &frames[i];
		struct fb f;
		struct pkt whole;

		build(fr, &f);
		assert_true(f.need <= f.len);
		assert_int_equal(decode_cut(fr->dlt, &f, f.len, wire_of(&f),
					    &whole), DECODE_OK);
		for (size_t cut = 0; cut < f.len; cut++) {
			struct pkt p;
			enum decode_status st =
				decode_cut(fr->dlt, &f, cut, wire_of(&f), &p);

			/* See test_decode_ether_snap_cut_in_llc. */
			if (st == DECODE_NON_IP && f.llc != FB_NONE &&
			    cut >= f.llc && cut < f.llc + 6)
				continue;
			if (cut < f.need) {
				if (!is_short(st))
					fail_msg("%s cut at %zu: %s", fr->name,
						 cut, decode_status_name(st));
				continue;
			}
			if (st != DECODE_OK)
				fail_msg("%s cut at %zu of need %zu: %s",
					 fr->name, cut, f.need,
					 decode_status_name(st));
			assert_same_flow_fields(&p, &whole);
		}
	}
}

/* Every link layer takes exactly its own header from the wire length: an
 * IP length that fills the rest is fine, one byte more is not. */
static void test_decode_ip_length_against_wire(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_FRAMES; i++) {
		const struct test_frame *fr = &frames[i];
		struct fb f;
		struct pkt p;
		size_t ip_off, wire;
		enum decode_status bad;

		build(fr, &f);
		assert_int_equal(decode_fb(fr->dlt, &f, &p), DECODE_OK);
		ip_off = f.ip4 != FB_NONE ? f.ip4 : f.ip6;
		bad = p.family == 4 ? DECODE_IPV4_BAD_TOTAL_LENGTH
				    : DECODE_IPV6_BAD_PAYLOAD_LENGTH;
		wire = ip_off + p.ip_len;
		assert_int_equal(decode_packet(fr->dlt, f.b,
					       wire < f.len ? wire : f.len,
					       wire, &p), DECODE_OK);
		wire--;
		if (decode_packet(fr->dlt, f.b, wire < f.len ? wire : f.len,
				  wire, &p) != bad)
			fail_msg("%s: IP length one past the wire not %s",
				 fr->name, decode_status_name(bad));
	}
}

/* A record claiming fewer wire bytes than it holds is read as if the
 * capture were the whole frame. */
static void test_decode_wirelen_below_caplen(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_FRAMES; i++) {
		const struct test_frame *fr = &frames[i];
		size_t wires[4];
		struct fb f;
		struct pkt want;
		enum decode_status want_st;

		build(fr, &f);
		want_st = decode_packet(fr->dlt, f.b, f.len, f.len, &want);
		wires[0] = 0;
		wires[1] = 1;
		wires[2] = f.len / 2;
		wires[3] = f.len - 1;
		for (size_t w = 0; w < 4; w++) {
			struct pkt p;

			assert_int_equal(decode_cut(fr->dlt, &f, f.len,
						    wires[w], &p), want_st);
			assert_memory_equal(&p, &want, sizeof p);
		}
	}
}

static void test_decode_wirelen_table(void **state)
{
	static const struct {
		size_t caplen, wirelen;
		enum decode_status st;
		uint32_t ip_len;
	} cases[] = {
		{ 60, 0, DECODE_OK, 40 },		/* damaged record */
		{ 60, 59, DECODE_OK, 40 },
		{ 60, 60, DECODE_OK, 40 },
		{ 60, 1514, DECODE_OK, 40 },
		{ 53, 1514, DECODE_TCP_TRUNCATED, 0 },
		{ 53, 0, DECODE_IPV4_BAD_TOTAL_LENGTH, 0 },
		{ 13, 0, DECODE_LINK_TRUNCATED, 0 },
		{ 0, 0, DECODE_LINK_TRUNCATED, 0 },
	};
	struct fb f;

	(void)state;
	build(frame_named("eth_ipv4_tcp"), &f);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pkt p;

		assert_int_equal(decode_cut(DLT_EN10MB, &f, cases[i].caplen,
					    cases[i].wirelen, &p),
				 cases[i].st);
		if (cases[i].st == DECODE_OK)
			assert_int_equal(p.ip_len, cases[i].ip_len);
	}
}

/* --- ICMP errors: the quoted flow ------------------------------------------ */

/* The packet an error quotes, built whole: its first n bytes are the
 * quote. */
static void quoted_packet(struct fb *q, int family, uint8_t proto)
{
	fb_init(q);
	if (family == 4)
		fb_ipv4(q, "10.20.0.5", "10.10.0.11");
	else
		fb_ipv6(q, "2001:db8:20::5", "2001:db8:10::11");
	if (proto == 6)
		fb_tcp(q, 51102, 5061, TCP_SYN);
	else if (proto == 17)
		fb_udp(q, 50020, 3478);
	else
		fb_icmp(q, family == 4 ? 8 : 128, 0);
	fb_payload(q, 20);
	fb_end(q);
}

/* A firewall's error (v4 3/13, v6 1/1) quoting n bytes of q (fb_icmp
 * writes the 8-byte header the quote follows). */
static void icmp_error_frame(struct fb *f, int family, const struct fb *q,
			     size_t n)
{
	fb_init(f);
	if (family == 4) {
		fb_ipv4(f, "10.10.0.1", "10.20.0.5");
		fb_icmp(f, 3, 13);
	} else {
		fb_ipv6(f, "2001:db8::1", "2001:db8:20::5");
		fb_icmp(f, 1, 1);
	}
	fb_bytes(f, q->b, n);
	fb_end(f);
}

static enum decode_status decode_ext(const struct fb *f, size_t caplen,
				     struct pkt *p, struct frame_extra *ext)
{
	uint8_t *copy = fb_copy(f, caplen);
	enum decode_status st = decode_packet_ext(NULL, DLT_RAW, copy, caplen,
						  f->len, p, ext);

	free(copy);
	return st;
}

/* The quote of an error read back: the quoted packet's flow. */
static void test_decode_icmp_quote(void **state)
{
	static const struct { int family; uint8_t proto; } cases[] = {
		{ 4, 6 }, { 4, 17 }, { 4, 1 }, { 6, 6 }, { 6, 17 }, { 6, 58 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct fb q, f;
		struct pkt p;
		struct frame_extra ext;
		bool ports = cases[i].proto == 6 || cases[i].proto == 17;

		quoted_packet(&q, cases[i].family, cases[i].proto);
		icmp_error_frame(&f, cases[i].family, &q, q.len);
		assert_int_equal(decode_ext(&f, f.len, &p, &ext), DECODE_OK);
		assert_int_equal(p.icmp_type, cases[i].family == 4 ? 3 : 1);
		assert_int_equal(p.icmp_code, cases[i].family == 4 ? 13 : 1);
		assert_int_equal(p.quote, QUOTE_VALID);
		assert_int_equal(ext.quote.family, cases[i].family);
		assert_int_equal(ext.quote.proto, cases[i].proto);
		assert_addr(ext.quote.src, cases[i].family == 4
						   ? "10.20.0.5" : "2001:db8:20::5");
		assert_addr(ext.quote.dst, cases[i].family == 4
						   ? "10.10.0.11"
						   : "2001:db8:10::11");
		assert_int_equal(ext.quote.dport,
				 !ports ? 0 : cases[i].proto == 6 ? 5061 : 3478);
		/* the error's own flow is the reporter's, as any ICMP */
		assert_addr(p.src, cases[i].family == 4 ? "10.10.0.1"
							: "2001:db8::1");
	}
}

/* A quote cut at every byte, by its sender (the IP length says so) or by
 * the capture (snaplen): believed only once the ports are in it, never
 * read past its end, and the error itself still decodes. */
static void test_decode_icmp_quote_cut(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		struct fb q, f, whole;
		size_t ports_end = (family == 4 ? 20 : 40) + 4;
		size_t head = (family == 4 ? 20 : 40) + 8;	/* IP + ICMP */

		quoted_packet(&q, family, 6);
		icmp_error_frame(&whole, family, &q, q.len);
		for (size_t n = 0; n <= q.len; n++) {
			struct pkt p;
			struct frame_extra ext;

			icmp_error_frame(&f, family, &q, n);
			assert_int_equal(decode_ext(&f, f.len, &p, &ext),
					 DECODE_OK);
			assert_int_equal(p.quote, n >= ports_end ? QUOTE_VALID
								 : QUOTE_DAMAGED);
			if (p.quote == QUOTE_VALID)
				assert_int_equal(ext.quote.sport, 51102);
		}
		for (size_t cap = 0; cap <= whole.len; cap++) {
			struct pkt p;
			struct frame_extra ext;
			enum decode_status st = decode_ext(&whole, cap, &p,
							   &ext);

			if (cap < (family == 4 ? 20 : 40) + 4) {
				assert_true(is_short(st));
				continue;
			}
			assert_int_equal(st, DECODE_OK);
			assert_int_equal(p.quote, cap >= head + ports_end
						  ? QUOTE_VALID : QUOTE_DAMAGED);
		}
	}
}

/* Quotes that are not believed: the wrong IP version, a header length
 * past the quote, a later fragment (no ports). */
static void test_decode_icmp_quote_damaged(void **state)
{
	struct fb q, f;
	struct pkt p;
	struct frame_extra ext;

	(void)state;
	quoted_packet(&q, 6, 6);	/* IPv6 quoted by ICMPv4 */
	icmp_error_frame(&f, 4, &q, q.len);
	assert_int_equal(decode_ext(&f, f.len, &p, &ext), DECODE_OK);
	assert_int_equal(p.quote, QUOTE_DAMAGED);

	quoted_packet(&q, 4, 17);
	q.b[0] = 0x4f;			/* IHL 60 bytes: past the quote */
	icmp_error_frame(&f, 4, &q, 40);
	assert_int_equal(decode_ext(&f, f.len, &p, &ext), DECODE_OK);
	assert_int_equal(p.quote, QUOTE_DAMAGED);

	quoted_packet(&q, 4, 17);
	q.b[6] = 0x00;
	q.b[7] = 0x10;			/* fragment offset 128 */
	icmp_error_frame(&f, 4, &q, q.len);
	assert_int_equal(decode_ext(&f, f.len, &p, &ext), DECODE_OK);
	assert_int_equal(p.quote, QUOTE_DAMAGED);

	/* no frame_extra: the error says so, its quote unread */
	quoted_packet(&q, 4, 6);
	icmp_error_frame(&f, 4, &q, q.len);
	assert_int_equal(decode_fb(DLT_RAW, &f, &p), DECODE_OK);
	assert_int_equal(p.quote, QUOTE_UNREAD);
}

/* An echo request or reply has no quote. */
static void test_decode_icmp_not_error(void **state)
{
	struct fb f;
	struct pkt p;
	struct frame_extra ext;

	(void)state;
	fb_init(&f);
	fb_ipv4(&f, "10.0.0.1", "10.0.0.2");
	fb_icmp(&f, 8, 0);
	fb_payload(&f, 56);
	fb_end(&f);
	assert_int_equal(decode_ext(&f, f.len, &p, &ext), DECODE_OK);
	assert_int_equal(p.quote, QUOTE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_status_names),
		cmocka_unit_test(test_decode_linktype_supported),
		cmocka_unit_test(test_decode_ether_ipv4_tcp),
		cmocka_unit_test(test_decode_ether_snaplen_cut),
		cmocka_unit_test(test_decode_ether_vlan),
		cmocka_unit_test(test_decode_ether_qinq),
		cmocka_unit_test(test_decode_ether_too_many_tags),
		cmocka_unit_test(test_decode_ether_snap),
		cmocka_unit_test(test_decode_ether_snap_cut_in_llc),
		cmocka_unit_test(test_decode_ether_tags_across_snap),
		cmocka_unit_test(test_decode_ether_non_ip),
		cmocka_unit_test(test_decode_mpls),
		cmocka_unit_test(test_decode_pppoe),
		cmocka_unit_test(test_decode_sll),
		cmocka_unit_test(test_decode_sll2),
		cmocka_unit_test(test_decode_null_families),
		cmocka_unit_test(test_decode_loop),
		cmocka_unit_test(test_decode_raw),
		cmocka_unit_test(test_decode_ipv4_options),
		cmocka_unit_test(test_decode_ipv4_bad_header),
		cmocka_unit_test(test_decode_ipv4_fragments),
		cmocka_unit_test(test_decode_ipv6_ext_chain),
		cmocka_unit_test(test_decode_ipv6_fragments),
		cmocka_unit_test(test_decode_ipv6_too_many_ext),
		cmocka_unit_test(test_decode_ipv6_ext_truncated),
		cmocka_unit_test(test_decode_ipv6_jumbogram),
		cmocka_unit_test(test_decode_tcp_flags),
		cmocka_unit_test(test_decode_tcp_bad_offset),
		cmocka_unit_test(test_decode_udp_bad_length),
		cmocka_unit_test(test_decode_icmp),
		cmocka_unit_test(test_decode_other_protocols),
		cmocka_unit_test(test_decode_truncated_every_offset),
		cmocka_unit_test(test_decode_ip_length_against_wire),
		cmocka_unit_test(test_decode_wirelen_below_caplen),
		cmocka_unit_test(test_decode_wirelen_table),
		cmocka_unit_test(test_decode_icmp_quote),
		cmocka_unit_test(test_decode_icmp_quote_cut),
		cmocka_unit_test(test_decode_icmp_quote_damaged),
		cmocka_unit_test(test_decode_icmp_not_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
