/* test_decap.c: decode_packet_ext on hand-built frames: VXLAN, Geneve,
 * GRE with every combination of its C, K and S bits, ERSPAN types I, II
 * and III, IP in IP, each over IPv4 and IPv6; tunnels inside tunnels up to
 * the depth limit and one past it; every strict check failing; the
 * encapsulations recognised but not opened; outer fragments; the port
 * configuration; and every frame cut at every byte offset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pktbuild.h"
#include "tunables.h"

/* The mirror's two ends, and the conversation it carries: an agent's TCP
 * to a LUCS server over IPv4, its UDP over IPv6. */
#define OUT4_SRC "192.0.2.1"
#define OUT4_DST "192.0.2.2"
#define OUT6_SRC "2001:db8:ff::1"
#define OUT6_DST "2001:db8:ff::2"
#define IN4_SRC "10.20.1.21"
#define IN4_DST "10.10.0.11"
#define IN6_SRC "2001:db8:20::21"
#define IN6_DST "2001:db8:10::11"

#define VNI 0x123456u
#define GENEVE_VNI 0xabcdefu
#define GRE_KEY 0xdeadbeefu
#define SESSION2 101
#define SESSION3 202

static struct decode_config cfg;	/* decode_config_default */

/* --- helpers ------------------------------------------------------------- */

static size_t wire_of(const struct fb *f)
{
	return f->wire ? f->wire : f->len;
}

static enum decode_status decap_fb(int dlt, const struct fb *f, struct pkt *p,
				   struct frame_extra *t)
{
	return decode_packet_ext(&cfg, dlt, f->b, f->len, wire_of(f), p,
				     t);
}

static void assert_addr(const uint8_t *addr, const char *text)
{
	uint8_t want[16];

	fb_addr(text, want);
	assert_memory_equal(addr, want, sizeof want);
}

/* The statuses of a capture cut short. */
static const enum decode_status short_statuses[] = {
	DECODE_LINK_TRUNCATED, DECODE_IPV4_TRUNCATED, DECODE_IPV6_TRUNCATED,
	DECODE_IPV6_EXT_TRUNCATED, DECODE_TCP_TRUNCATED, DECODE_UDP_TRUNCATED,
	DECODE_ICMP_TRUNCATED, DECODE_FRAG_FIRST_TOO_SHORT,
	DECODE_TUNNEL_TRUNCATED,
};

static bool cut_short(enum decode_status st)
{
	for (size_t i = 0; i < sizeof short_statuses / sizeof *short_statuses;
	     i++)
		if (st == short_statuses[i])
			return true;
	return false;
}

/* --- the frames ---------------------------------------------------------- */

/* What a frame builder's argument asks for. */
enum {
	A_OUT6 = 1 << 0,	/* outer IPv6 (else IPv4) */
	A_IN6 = 1 << 1,		/* inner IPv6 and UDP (else IPv4 and TCP) */
	A_C = 1 << 2,		/* GRE flags */
	A_K = 1 << 3,
	A_S = 1 << 4,
	A_OPT = 1 << 5,		/* Geneve options, ERSPAN III subheader */
	A_VLAN = 1 << 6,	/* an 802.1Q tag on the outer Ethernet */
	A_SLL = 1 << 7,		/* Linux cooked outer link (DLT_LINUX_SLL) */
	A_RAW = 1 << 8,		/* no outer link layer (DLT_RAW) */
	A_ETH = 1 << 9,		/* Ethernet inside the tunnel */
	/* the tunnel: */
	K_IPIP = 0 << 10, K_VXLAN = 1 << 10, K_GENEVE = 2 << 10,
	K_GRE = 3 << 10, K_ERSPAN1 = 4 << 10, K_ERSPAN2 = 5 << 10,
	K_ERSPAN3 = 6 << 10, A_KIND = 7 << 10
};

static void outer(struct fb *f, unsigned arg)
{
	uint16_t type = arg & A_OUT6 ? ET_IPV6 : ET_IPV4;

	if (arg & A_SLL) {
		fb_sll(f, type);
	} else if (arg & A_VLAN) {
		fb_eth(f, ET_VLAN);
		fb_vlan(f, 30, type);
	} else if (!(arg & A_RAW)) {
		fb_eth(f, type);
	}
	if (arg & A_OUT6)
		fb_ipv6(f, OUT6_SRC, OUT6_DST);
	else
		fb_ipv4(f, OUT4_SRC, OUT4_DST);
}

static void inner_ip(struct fb *f, unsigned arg)
{
	if (arg & A_IN6) {
		fb_ipv6(f, IN6_SRC, IN6_DST);
		fb_udp(f, 50124, 3478);
		fb_payload(f, 12);
	} else {
		fb_ipv4(f, IN4_SRC, IN4_DST);
		fb_tcp(f, 50123, 443, TCP_PSH | TCP_ACK);
		fb_payload(f, 20);
	}
}

/* The conversation, inside Ethernet when A_ETH says so. */
static void inner(struct fb *f, unsigned arg)
{
	if (arg & A_ETH)
		fb_eth(f, arg & A_IN6 ? ET_IPV6 : ET_IPV4);
	inner_ip(f, arg);
}

/* What a GRE or Geneve header names as its payload. */
static uint16_t payload_type(unsigned arg)
{
	if (arg & A_ETH)
		return ET_TEB;
	return arg & A_IN6 ? ET_IPV6 : ET_IPV4;
}

static uint16_t gre_flags(unsigned arg)
{
	return (uint16_t)((arg & A_C ? GRE_FLAG_C : 0) |
			  (arg & A_K ? GRE_FLAG_K : 0) |
			  (arg & A_S ? GRE_FLAG_S : 0));
}

/* The tunnel arg names (VXLAN and ERSPAN I and II carry Ethernet: they
 * want A_ETH; ERSPAN III without it is frame type 2, IP). */
static void tunnel_frame(struct fb *f, unsigned arg)
{
	outer(f, arg);
	switch (arg & A_KIND) {
	case K_VXLAN:
		fb_udp(f, 54321, 4789);
		fb_vxlan(f, VNI);
		break;
	case K_GENEVE:
		fb_udp(f, 54322, 6081);
		fb_geneve(f, payload_type(arg), GENEVE_VNI,
			  arg & A_OPT ? 36 : 0);
		break;
	case K_GRE:
		fb_gre(f, gre_flags(arg), payload_type(arg), GRE_KEY, 7);
		break;
	case K_ERSPAN1:
		fb_gre(f, 0, ET_ERSPAN, 0, 0);
		break;
	case K_ERSPAN2:
		fb_gre(f, GRE_FLAG_S, ET_ERSPAN, 0, 9);
		fb_erspan2(f, SESSION2);
		break;
	case K_ERSPAN3:
		fb_gre(f, 0, ET_ERSPAN3, 0, 0);
		fb_erspan3(f, SESSION3, arg & A_OPT, arg & A_ETH ? 0 : 2);
		break;
	default:		/* IP in IP: nothing between */
		break;
	}
	inner(f, arg);
	fb_end(f);
}

/* VXLAN inside GRE (an overlay carried over a GRE underlay). */
static void vxlan_in_gre_frame(struct fb *f, unsigned arg)
{
	outer(f, arg);
	fb_gre(f, GRE_FLAG_K, ET_IPV4, GRE_KEY, 0);
	fb_ipv4(f, "198.51.100.1", "198.51.100.2");
	fb_udp(f, 54324, 4789);
	fb_vxlan(f, VNI);
	inner(f, arg | A_ETH);
	fb_end(f);
}

/* Geneve carrying IPv4 carrying GRE, as a cloud load balancer sends a
 * GRE tunnel's packets to an appliance. */
static void geneve_gre_frame(struct fb *f, unsigned arg)
{
	outer(f, arg);
	fb_udp(f, 54325, 6081);
	fb_geneve(f, ET_IPV4, GENEVE_VNI, 12);
	fb_ipv4(f, "198.51.100.3", "198.51.100.4");
	fb_gre(f, 0, arg & A_IN6 ? ET_IPV6 : ET_IPV4, 0, 0);
	inner_ip(f, arg);
	fb_end(f);
}

struct test_frame {
	const char *name;
	int dlt;
	void (*build)(struct fb *f, unsigned arg);
	unsigned arg;
	uint8_t depth;		/* layers opened */
	uint8_t type;		/* of the outermost */
	bool has_id;
	uint32_t id;
};

/* GRE over Ethernet with each combination of C, K and S. */
#define GRE_FRAMES(name, out)                                               \
	GRE_FRAME(name, out, false, 0),                                     \
	GRE_FRAME(name "_c", out | A_C, false, 0),                          \
	GRE_FRAME(name "_k", out | A_K, true, GRE_KEY),                     \
	GRE_FRAME(name "_s", out | A_S, false, 0),                          \
	GRE_FRAME(name "_ck", out | A_C | A_K, true, GRE_KEY),              \
	GRE_FRAME(name "_cs", out | A_C | A_S, false, 0),                   \
	GRE_FRAME(name "_ks", out | A_K | A_S, true, GRE_KEY),              \
	GRE_FRAME(name "_cks", out | A_C | A_K | A_S, true, GRE_KEY)
#define GRE_FRAME(name, arg, has_id, id)                                    \
	{ name, DLT_EN10MB, tunnel_frame, K_GRE | (arg), 1, TUNNEL_GRE,     \
	  has_id, id }

static const struct test_frame frames[] = {
	{ "vxlan_v4_v4", DLT_EN10MB, tunnel_frame,
	  K_VXLAN | A_ETH, 1, TUNNEL_VXLAN, true, VNI },
	{ "vxlan_v6_v6", DLT_EN10MB, tunnel_frame,
	  K_VXLAN | A_ETH | A_OUT6 | A_IN6, 1, TUNNEL_VXLAN, true, VNI },
	{ "vxlan_v4_v6_vlan", DLT_EN10MB, tunnel_frame,
	  K_VXLAN | A_ETH | A_IN6 | A_VLAN, 1, TUNNEL_VXLAN, true, VNI },
	{ "vxlan_v6_v4_sll", DLT_LINUX_SLL, tunnel_frame,
	  K_VXLAN | A_ETH | A_OUT6 | A_SLL, 1, TUNNEL_VXLAN, true, VNI },
	{ "geneve_eth_v4_opts", DLT_EN10MB, tunnel_frame,
	  K_GENEVE | A_ETH | A_OPT, 1, TUNNEL_GENEVE, true, GENEVE_VNI },
	{ "geneve_eth_v6", DLT_EN10MB, tunnel_frame,
	  K_GENEVE | A_ETH | A_OUT6 | A_IN6, 1,
	  TUNNEL_GENEVE, true, GENEVE_VNI },
	{ "geneve_ip_v4_raw", DLT_RAW, tunnel_frame,
	  K_GENEVE | A_RAW, 1, TUNNEL_GENEVE, true, GENEVE_VNI },
	{ "geneve_ip_v6_opts", DLT_EN10MB, tunnel_frame,
	  K_GENEVE | A_OUT6 | A_IN6 | A_OPT, 1,
	  TUNNEL_GENEVE, true, GENEVE_VNI },
	GRE_FRAMES("gre_v4", 0),
	GRE_FRAMES("gre_v6", A_OUT6 | A_IN6),
	{ "gre_ipv6_in_v4", DLT_RAW, tunnel_frame,
	  K_GRE | A_RAW | A_IN6, 1, TUNNEL_GRE, false, 0 },
	{ "gre_teb_v4_k", DLT_EN10MB, tunnel_frame,
	  K_GRE | A_ETH | A_K, 1, TUNNEL_GRE, true, GRE_KEY },
	{ "gre_teb_v6_cs", DLT_EN10MB, tunnel_frame,
	  K_GRE | A_ETH | A_OUT6 | A_IN6 | A_C | A_S, 1, TUNNEL_GRE, false, 0 },
	{ "erspan1_v4", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN1 | A_ETH, 1, TUNNEL_ERSPAN, false, 0 },
	{ "erspan1_v6", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN1 | A_ETH | A_OUT6 | A_IN6, 1, TUNNEL_ERSPAN, false, 0 },
	{ "erspan2_v4", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN2 | A_ETH, 1, TUNNEL_ERSPAN, true, SESSION2 },
	{ "erspan2_v6_vlan", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN2 | A_ETH | A_OUT6 | A_IN6 | A_VLAN, 1,
	  TUNNEL_ERSPAN, true, SESSION2 },
	{ "erspan3_v4", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_ETH, 1, TUNNEL_ERSPAN, true, SESSION3 },
	{ "erspan3_v4_platform", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_ETH | A_OPT, 1, TUNNEL_ERSPAN, true, SESSION3 },
	{ "erspan3_v6", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_ETH | A_OUT6, 1, TUNNEL_ERSPAN, true, SESSION3 },
	{ "erspan3_v6_platform", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_ETH | A_OUT6 | A_IN6 | A_OPT, 1,
	  TUNNEL_ERSPAN, true, SESSION3 },
	{ "erspan3_ip_v4_platform", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_OPT, 1, TUNNEL_ERSPAN, true, SESSION3 },
	{ "erspan3_ip_v6", DLT_EN10MB, tunnel_frame,
	  K_ERSPAN3 | A_OUT6 | A_IN6, 1, TUNNEL_ERSPAN, true, SESSION3 },
	{ "ipip_4in4", DLT_EN10MB, tunnel_frame,
	  K_IPIP, 1, TUNNEL_IPIP, false, 0 },
	{ "ipip_6in4", DLT_EN10MB, tunnel_frame,
	  K_IPIP | A_IN6, 1, TUNNEL_IPIP, false, 0 },
	{ "ipip_4in6_sll", DLT_LINUX_SLL, tunnel_frame,
	  K_IPIP | A_OUT6 | A_SLL, 1, TUNNEL_IPIP, false, 0 },
	{ "ipip_6in6_raw", DLT_RAW, tunnel_frame,
	  K_IPIP | A_OUT6 | A_IN6 | A_RAW, 1, TUNNEL_IPIP, false, 0 },
	{ "vxlan_in_gre_v6", DLT_EN10MB, vxlan_in_gre_frame, A_OUT6, 2,
	  TUNNEL_GRE, true, GRE_KEY },
	{ "geneve_gre_v4", DLT_EN10MB, geneve_gre_frame, A_IN6, 2,
	  TUNNEL_GENEVE, true, GENEVE_VNI },
};

#define N_FRAMES (sizeof frames / sizeof frames[0])

static void build(const struct test_frame *fr, struct fb *f)
{
	fb_init(f);
	fr->build(f, fr->arg);
}

static const struct test_frame *frame_named(const char *name)
{
	const struct test_frame *fr = frames;

	while (fr < frames + N_FRAMES && strcmp(fr->name, name) != 0)
		fr++;
	if (fr == frames + N_FRAMES)
		fail_msg("no frame %s", name);
	return fr;
}

/* The offset of the innermost IP header. */
static size_t inner_off(const struct fb *f)
{
	return f->ip4 != FB_NONE ? f->ip4 : f->ip6;
}

/* The conversation inner_ip() wrote. */
static void assert_inner(const struct pkt *p, unsigned arg, uint32_t ip_len)
{
	bool v6 = arg & A_IN6;

	assert_int_equal(p->family, v6 ? 6 : 4);
	assert_addr(p->src, v6 ? IN6_SRC : IN4_SRC);
	assert_addr(p->dst, v6 ? IN6_DST : IN4_DST);
	assert_int_equal(p->proto, v6 ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP);
	assert_int_equal(p->sport, v6 ? 50124 : 50123);
	assert_int_equal(p->dport, v6 ? 3478 : 443);
	assert_int_equal(p->tcp_flags, v6 ? 0 : TCP_PSH | TCP_ACK);
	assert_int_equal(p->payload_len, v6 ? 12 : 20);
	assert_int_equal(p->ip_len, ip_len);
	assert_int_equal(p->frag, PKT_WHOLE);
	assert_int_equal(p->unopened, UNOPENED_NONE);
}

/* Layer i recorded the mirror's outer addresses. */
static void assert_outer(const struct tunnel_layer *l, unsigned arg)
{
	bool v6 = arg & A_OUT6;

	assert_int_equal(l->family, v6 ? 6 : 4);
	assert_addr(l->src, v6 ? OUT6_SRC : OUT4_SRC);
	assert_addr(l->dst, v6 ? OUT6_DST : OUT4_DST);
}

/* --- every frame --------------------------------------------------------- */

/* Each frame of the table, built, handed to check. */
static void for_each_frame(void (*check)(const struct test_frame *fr,
					 struct fb *f))
{
	for (size_t i = 0; i < N_FRAMES; i++) {
		struct fb f;

		build(&frames[i], &f);
		check(&frames[i], &f);
	}
}

static void decodes(const struct test_frame *fr, struct fb *f)
{
	struct frame_extra t;
	struct pkt p;
	enum decode_status st = decap_fb(fr->dlt, f, &p, &t);

	if (st != DECODE_OK)
		fail_msg("%s: %s", fr->name, decode_status_name(st));
	assert_int_equal(t.depth, fr->depth);
	assert_int_equal(p.tunnel_depth, fr->depth);
	assert_int_equal(t.layer[0].type, fr->type);
	assert_int_equal(t.layer[0].has_id, fr->has_id);
	assert_int_equal(t.layer[0].id, fr->id);
	assert_outer(&t.layer[0], fr->arg);
	assert_inner(&p, fr->arg, (uint32_t)(f->len - inner_off(f)));
}

static void test_decap_frames(void **state)
{
	(void)state;
	for_each_frame(decodes);
}

/* With no configuration, or decapsulation off, the outer packet is what
 * decode_packet makes of it, to the byte; with no stack the inner packet
 * is the same as with one. */
static void off_is_decode_packet(const struct test_frame *fr, struct fb *f)
{
	struct decode_config off = cfg;
	struct frame_extra t;
	struct pkt want, p;
	enum decode_status st;

	off.decap = false;
	st = decode_packet(fr->dlt, f->b, f->len, f->len, &want);
	memset(&p, 0xa5, sizeof p);
	assert_int_equal(decode_packet_ext(NULL, fr->dlt, f->b, f->len,
					       f->len, &p, &t), st);
	assert_memory_equal(&p, &want, sizeof p);
	assert_int_equal(t.depth, 0);
	memset(&p, 0xa5, sizeof p);
	assert_int_equal(decode_packet_ext(&off, fr->dlt, f->b, f->len,
					       f->len, &p, &t), st);
	assert_memory_equal(&p, &want, sizeof p);
	assert_int_equal(t.depth, 0);

	assert_int_equal(decap_fb(fr->dlt, f, &want, &t), DECODE_OK);
	memset(&p, 0xa5, sizeof p);
	assert_int_equal(decode_packet_ext(&cfg, fr->dlt, f->b, f->len,
					       f->len, &p, NULL), DECODE_OK);
	assert_memory_equal(&p, &want, sizeof p);
}

static void test_decap_off_is_decode_packet(void **state)
{
	(void)state;
	for_each_frame(off_is_decode_packet);
}

/* Cut at every byte, the wire length kept: below the bytes the frame's
 * innermost header needs, a truncation status; from there on, the very
 * packet the whole frame gives. */
static void cut_every_byte(const struct test_frame *fr, struct fb *f)
{
	struct pkt whole;

	assert_int_equal(decap_fb(fr->dlt, f, &whole, NULL), DECODE_OK);
	for (size_t cut = 0; cut <= f->len; cut++) {
		uint8_t *copy = fb_copy(f, cut);
		struct frame_extra t;
		struct pkt p;
		enum decode_status st = decode_packet_ext(
			&cfg, fr->dlt, copy, cut, f->len, &p, &t);

		free(copy);
		if (cut < f->need && !cut_short(st))
			fail_msg("%s cut at %zu: %s", fr->name, cut,
				 decode_status_name(st));
		if (cut < f->need)
			continue;
		if (st != DECODE_OK)
			fail_msg("%s cut at %zu of need %zu: %s", fr->name, cut,
				 f->need, decode_status_name(st));
		assert_memory_equal(&p, &whole, sizeof p);
		assert_int_equal(t.depth, fr->depth);
	}
}

static void test_decap_truncated_every_offset(void **state)
{
	(void)state;
	for_each_frame(cut_every_byte);
}

/* The inner IP length is checked against the bytes the outer headers
 * say they carry: one byte more is malformed, at the inner depth. */
static void inner_one_too_long(const struct test_frame *fr, struct fb *f)
{
	bool v6 = fr->arg & A_IN6;
	size_t off = inner_off(f) + (v6 ? 4 : 2);
	struct frame_extra t;
	struct pkt p;

	fb_put16(f, off, (uint16_t)((f->b[off] << 8 | f->b[off + 1]) + 1));
	assert_int_equal(decap_fb(fr->dlt, f, &p, &t),
			 v6 ? DECODE_IPV6_BAD_PAYLOAD_LENGTH
			    : DECODE_IPV4_BAD_TOTAL_LENGTH);
	assert_int_equal(p.tunnel_depth, fr->depth);
	assert_int_equal(t.depth, fr->depth);
}

static void test_decap_inner_length_against_wire(void **state)
{
	(void)state;
	for_each_frame(inner_one_too_long);
}

/* A mirrored Ethernet frame padded to 60 bytes: the inner IP length, not
 * the carrier's, is the packet's. */
static void test_decap_inner_padding(void **state)
{
	struct frame_extra t;
	struct fb f;
	struct pkt p;
	uint16_t total;

	(void)state;
	fb_init(&f);
	outer(&f, 0);
	fb_udp(&f, 54321, 4789);
	fb_vxlan(&f, 7);
	fb_eth(&f, ET_IPV4);
	fb_ipv4(&f, IN4_SRC, IN4_DST);
	fb_tcp(&f, 50123, 443, TCP_SYN);
	fb_end(&f);
	total = (uint16_t)(f.len - f.ip4);
	fb_payload(&f, 6);		/* inner Ethernet padding */
	fb_end(&f);
	fb_put16(&f, f.ip4 + 2, total);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.ip_len, 40);
	assert_int_equal(p.tcp_flags, TCP_SYN);
	assert_int_equal(p.wire_left, 40 + 6);
}

/* --- each tunnel --------------------------------------------------------- */

/* One byte of a frame, set to v; decoded, the status and the depth. */
static enum decode_status patched(const char *name, size_t off, uint8_t v,
				  struct pkt *p)
{
	const struct test_frame *fr = frame_named(name);
	struct fb f;

	build(fr, &f);
	f.b[off] = v;
	return decap_fb(fr->dlt, &f, p, NULL);
}

/* Not a tunnel after all: the outer UDP flow, as decode_packet has it. */
static void assert_outer_udp(const struct pkt *p, uint16_t dport,
			     uint8_t unopened)
{
	assert_int_equal(p->tunnel_depth, 0);
	assert_int_equal(p->proto, IPPROTO_NUM_UDP);
	assert_addr(p->src, OUT4_SRC);
	assert_int_equal(p->dport, dport);
	assert_int_equal(p->unopened, unopened);
}

#define ETH_IP4_UDP (14 + 20 + 8)	/* where vxlan_v4_v4's VXLAN starts */

static void test_decap_vxlan_strict(void **state)
{
	static const struct {
		size_t off;
		uint8_t v;
		uint8_t unopened;
	} bad[] = {
		{ 0, 0x00, UNOPENED_NONE },	/* I clear */
		{ 0, 0x09, UNOPENED_NONE },	/* a reserved flag */
		{ 0, 0x48, UNOPENED_NONE },
		{ 0, 0xff, UNOPENED_NONE },	/* every flag */
		{ 1, 0x01, UNOPENED_NONE },	/* reserved bytes */
		{ 2, 0x80, UNOPENED_NONE },
		{ 3, 0x03, UNOPENED_VXLAN_GPE },	/* GPE's next one */
		{ 7, 0x01, UNOPENED_NONE },	/* the byte after the VNI */
	};
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(patched("vxlan_v4_v4",
					 ETH_IP4_UDP + bad[i].off, bad[i].v,
					 &p), DECODE_OK);
		assert_outer_udp(&p, 4789, bad[i].unopened);
	}
	/* The group policy extension: G flag, D and A bits, a policy id. */
	for (size_t i = 0; i < 3; i++) {
		const struct test_frame *fr = frame_named("vxlan_v4_v4");
		static const uint8_t byte1[3] = { 0x00, 0x40, 0x48 };
		struct fb f;

		build(fr, &f);
		f.b[ETH_IP4_UDP] = 0x88;
		f.b[ETH_IP4_UDP + 1] = byte1[i];
		fb_put16(&f, ETH_IP4_UDP + 2, 0x1234);
		assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL), DECODE_OK);
		assert_int_equal(p.tunnel_depth, 1);
		f.b[ETH_IP4_UDP + 1] = 0x01;
		assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL), DECODE_OK);
		assert_outer_udp(&p, 4789, UNOPENED_NONE);
	}
}

/* The port decides: to 4789, not from it; a datagram too short for the
 * header is no tunnel; the UDP length, not the IP one, bounds it. */
static void test_decap_vxlan_ports(void **state)
{
	const struct test_frame *fr = frame_named("vxlan_v4_v4");
	struct fb f;
	struct pkt p;

	(void)state;
	build(fr, &f);
	fb_put16(&f, 14 + 20, 4789);
	fb_put16(&f, 14 + 20 + 2, 54321);
	assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
	assert_int_equal(p.sport, 4789);

	fb_init(&f);
	outer(&f, 0);
	fb_udp(&f, 54321, 4789);
	fb_payload(&f, 7);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, NULL), DECODE_OK);
	assert_outer_udp(&p, 4789, UNOPENED_NONE);

	/* The UDP length stops 8 bytes before the IP packet's end: the
	 * inner packet is longer than what the datagram carries. */
	build(fr, &f);
	fb_put16(&f, 14 + 20 + 4, (uint16_t)(f.len - 14 - 20 - 8));
	assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL),
			 DECODE_IPV4_BAD_TOTAL_LENGTH);
	assert_int_equal(p.tunnel_depth, 1);
	assert_int_equal(p.wire_left, f.len - 14 - 20 - 8 - 8 - 8 - 14);
}

#define GENEVE_AT (14 + 20 + 8)	/* geneve_eth_v4_opts' Geneve header */

static void test_decap_geneve_strict(void **state)
{
	static const struct {
		size_t off;
		uint8_t v;
	} bad[] = {
		{ 0, 0x40 | 9 },	/* version 1 */
		{ 0, 0x80 | 9 },	/* version 2 */
		{ 0, 60 },		/* options past the datagram */
		{ 0, 8 },		/* options that do not add up: */
		{ 8 + 3, 5 },		/* the first one word longer */
		{ 1, 0x01 },		/* reserved flag bits */
		{ 1, 0x20 },
		{ 7, 0x01 },		/* the byte after the VNI */
		{ 8 + 3, 0x1f },	/* an option past the options */
	};
	struct frame_extra t;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(patched("geneve_eth_v4_opts",
					 GENEVE_AT + bad[i].off, bad[i].v, &p),
				 DECODE_OK);
		assert_outer_udp(&p, 6081, UNOPENED_NONE);
	}
	/* The O (control) and C (critical options) flags are fine. */
	assert_int_equal(patched("geneve_eth_v4_opts", GENEVE_AT + 1, 0xc0, &p),
			 DECODE_OK);
	assert_int_equal(p.tunnel_depth, 1);
	/* An option's own reserved flags are ignored (RFC 8926 3.5). */
	assert_int_equal(patched("geneve_eth_v4_opts", GENEVE_AT + 8 + 3,
				 0xe0 | 4, &p), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 1);
	/* A payload it does not carry IP or Ethernet in. */
	{
		const struct test_frame *fr = frame_named("geneve_eth_v4_opts");
		struct fb f;

		build(fr, &f);
		fb_put16(&f, GENEVE_AT + 2, 0x894f);	/* NSH */
		assert_int_equal(decap_fb(fr->dlt, &f, &p, &t), DECODE_OK);
		assert_outer_udp(&p, 6081, UNOPENED_GENEVE_OTHER);
		assert_int_equal(t.depth, 0);
	}
}

/* Every combination of C, K and S over both families: the key is the id
 * when K is set; the checksum's reserved half must be 0. */
static void test_decap_gre_flags(void **state)
{
	(void)state;
	for (unsigned bits = 0; bits < 8; bits++) {
		for (unsigned out = 0; out < 2; out++) {
			unsigned arg = (bits & 1 ? A_C : 0) |
				       (bits & 2 ? A_K : 0) |
				       (bits & 4 ? A_S : 0) |
				       (out ? A_OUT6 : 0);
			size_t gre = 14 + (out ? 40 : 20);
			struct frame_extra t;
			struct fb f;
			struct pkt p;

			fb_init(&f);
			tunnel_frame(&f, K_GRE | arg);
			assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
					 DECODE_OK);
			assert_int_equal(t.layer[0].type, TUNNEL_GRE);
			assert_int_equal(t.layer[0].has_id, (bits & 2) != 0);
			assert_int_equal(t.layer[0].id, bits & 2 ? GRE_KEY : 0);
			assert_inner(&p, arg, (uint32_t)(f.len - f.ip4));
			if (!(bits & 1))
				continue;
			f.b[gre + 7] = 1;	/* reserved1 */
			assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
					 DECODE_TUNNEL_BAD_HEADER);
			assert_int_equal(p.tunnel_depth, 0);
		}
	}
}

#define GRE_AT (14 + 20)	/* gre_v4's GRE header */

static void test_decap_gre_strict(void **state)
{
	/* RFC 1701's routing bit, strict source route, recursion, flags */
	static const uint16_t reserved[] = { 0x4000, 0x0800, 0x0100, 0x0400,
					     0x0080, 0x0008 };
	struct frame_extra t;
	struct fb f;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++) {
		build(frame_named("gre_v4"), &f);
		fb_put16(&f, GRE_AT, reserved[i]);
		assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
				 DECODE_TUNNEL_BAD_HEADER);
		assert_int_equal(t.depth, 0);
	}
	/* Versions 2 to 7 do not exist; PPTP's version 1 is not opened. */
	for (uint16_t v = 2; v < 8; v++) {
		build(frame_named("gre_v4_k"), &f);
		fb_put16(&f, GRE_AT, GRE_FLAG_K | v);
		assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
				 DECODE_TUNNEL_BAD_HEADER);
	}
	build(frame_named("gre_v4_ks"), &f);
	fb_put16(&f, GRE_AT, GRE_FLAG_K | GRE_FLAG_S | 0x0080 | 1);
	fb_put16(&f, GRE_AT + 2, 0x880b);	/* PPP */
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_GRE);
	assert_int_equal(p.unopened, UNOPENED_GRE_OTHER);
	assert_int_equal(t.depth, 0);
	/* Payloads not opened: WCCP, NHRP, MPLS stay the GRE flow. */
	build(frame_named("gre_v4_ck"), &f);
	fb_put16(&f, GRE_AT + 2, 0x883e);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_GRE);
	assert_int_equal(p.unopened, UNOPENED_GRE_OTHER);
	assert_int_equal(p.payload_len, f.len - GRE_AT);
	/* A GRE packet too short for its header, or for its key. */
	fb_init(&f);
	outer(&f, 0);
	fb_proto(&f, NH_GRE);
	fb_payload(&f, 3);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
			 DECODE_TUNNEL_BAD_HEADER);
	build(frame_named("gre_v4_k"), &f);
	fb_put16(&f, 14 + 2, 20 + 6);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
			 DECODE_TUNNEL_BAD_HEADER);
}

static void test_decap_erspan(void **state)
{
	static const char *const names[] = {
		"erspan1_v4", "erspan2_v4", "erspan3_v4", "erspan3_v4_platform",
		"erspan3_ip_v4_platform"
	};
	struct frame_extra t;
	struct fb f;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const struct test_frame *fr = frame_named(names[i]);

		build(fr, &f);
		assert_int_equal(decap_fb(fr->dlt, &f, &p, &t), DECODE_OK);
		assert_int_equal(t.layer[0].type, TUNNEL_ERSPAN);
		assert_inner(&p, fr->arg, (uint32_t)(f.len - f.ip4));
	}
	/* Type I keeps a GRE key as its id; type II's session id wins. */
	fb_init(&f);
	outer(&f, 0);
	fb_gre(&f, GRE_FLAG_K, ET_ERSPAN, 77, 0);
	inner(&f, A_ETH);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_true(t.layer[0].has_id);
	assert_int_equal(t.layer[0].id, 77);
	fb_init(&f);
	outer(&f, 0);
	fb_gre(&f, GRE_FLAG_K | GRE_FLAG_S, ET_ERSPAN, 77, 1);
	fb_erspan2(&f, 1023);
	inner(&f, A_ETH);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(t.layer[0].id, 1023);
}

#define ERSPAN2_AT (14 + 20 + 8)	/* after GRE with a sequence number */
#define ERSPAN3_AT (14 + 20 + 4)

static void test_decap_erspan_strict(void **state)
{
	struct pkt p;

	(void)state;
	/* Type II: version 1 only (the GRE version tells nothing), the
	 * reserved bits before the index clear. */
	assert_int_equal(patched("erspan2_v4", ERSPAN2_AT, 0x20, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan2_v4", ERSPAN2_AT, 0x00, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan2_v4", ERSPAN2_AT + 4, 0x10, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan2_v4", ERSPAN2_AT + 5, 0x10, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan2_v4", ERSPAN2_AT + 5, 0x01, &p),
			 DECODE_OK);		/* the index */
	/* Type III: version 2 only; frame types 0 and 2 only. */
	assert_int_equal(patched("erspan3_v4", ERSPAN3_AT, 0x10, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan3_v4", ERSPAN3_AT, 0x30, &p),
			 DECODE_TUNNEL_BAD_HEADER);
	assert_int_equal(patched("erspan3_v4", ERSPAN3_AT + 10, 0x04, &p),
			 DECODE_TUNNEL_BAD_HEADER);	/* frame type 1 */
	assert_int_equal(patched("erspan3_v4", ERSPAN3_AT + 10, 0x7c, &p),
			 DECODE_TUNNEL_BAD_HEADER);	/* frame type 31 */
	assert_int_equal(patched("erspan3_v4", ERSPAN3_AT + 10, 0x80, &p),
			 DECODE_OK);			/* P */
	/* The O flag with no room for the subheader. */
	{
		const struct test_frame *fr = frame_named("erspan3_v4");
		struct fb f;

		fb_init(&f);
		outer(&f, 0);
		fb_gre(&f, 0, ET_ERSPAN3, 0, 0);
		fb_erspan3(&f, 5, false, 0);
		fb_payload(&f, 7);
		fb_end(&f);
		f.b[ERSPAN3_AT + 11] |= 1;
		assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL),
				 DECODE_TUNNEL_BAD_HEADER);
		/* ... and an ERSPAN header longer than the packet */
		fb_init(&f);
		outer(&f, 0);
		fb_gre(&f, GRE_FLAG_S, ET_ERSPAN, 0, 0);
		fb_payload(&f, 7);
		fb_end(&f);
		assert_int_equal(decap_fb(fr->dlt, &f, &p, NULL),
				 DECODE_TUNNEL_BAD_HEADER);
	}
	/* ERSPAN carrying a frame that is not IP: like any such frame. */
	{
		static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
		struct frame_extra t;
		struct fb f;

		fb_init(&f);
		outer(&f, A_OUT6);
		fb_gre(&f, GRE_FLAG_S, ET_ERSPAN, 0, 0);
		fb_erspan2(&f, 3);
		fb_eth(&f, 0x0806);
		fb_bytes(&f, arp, sizeof arp);
		fb_end(&f);
		assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
				 DECODE_NON_IP);
		assert_int_equal(t.depth, 1);
		assert_int_equal(t.layer[0].id, 3);
	}
}

/* Protocols 4 and 41 in IPv4 and IPv6: the inner header must be the
 * version the protocol names. */
static void test_decap_ipip(void **state)
{
	static const char *const names[] = { "ipip_4in4", "ipip_6in4",
					     "ipip_4in6_sll", "ipip_6in6_raw" };
	struct frame_extra t;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const struct test_frame *fr = frame_named(names[i]);
		struct fb f;
		size_t in;

		build(fr, &f);
		in = inner_off(&f);
		assert_int_equal(decap_fb(fr->dlt, &f, &p, &t), DECODE_OK);
		assert_int_equal(t.layer[0].type, TUNNEL_IPIP);
		assert_false(t.layer[0].has_id);
		assert_outer(&t.layer[0], fr->arg);
		f.b[in] = (uint8_t)((fr->arg & A_IN6 ? 0x40 : 0x60) |
				    (f.b[in] & 0x0f));
		assert_int_equal(decap_fb(fr->dlt, &f, &p, &t),
				 DECODE_IP_BAD_VERSION);
		assert_int_equal(p.tunnel_depth, 1);
	}
}

/* --- depth --------------------------------------------------------------- */

/* n tunnels around the inner conversation, taking turns: IP in IP, GRE,
 * VXLAN, Geneve, ERSPAN III; each outer header's addresses name its
 * depth. */
static void nested(struct fb *f, unsigned n)
{
	fb_init(f);
	fb_eth(f, ET_IPV4);
	for (unsigned i = 0; i < n; i++) {
		char src[32], dst[32];

		snprintf(src, sizeof src, "172.16.%u.1", i);
		snprintf(dst, sizeof dst, "172.16.%u.2", i);
		fb_ipv4(f, src, dst);
		switch (i % 5) {
		case 0:
			break;			/* IP in IP */
		case 1:
			fb_gre(f, GRE_FLAG_K, ET_IPV4, i, 0);
			break;
		case 2:
			fb_udp(f, (uint16_t)(50000 + i), 4789);
			fb_vxlan(f, i);
			fb_eth(f, ET_IPV4);
			break;
		case 3:
			fb_udp(f, (uint16_t)(50000 + i), 6081);
			fb_geneve(f, ET_IPV4, i, 4);
			break;
		default:
			fb_gre(f, 0, ET_ERSPAN3, 0, 0);
			fb_erspan3(f, (uint16_t)i, i & 1, 0);
			fb_eth(f, ET_IPV4);
			break;
		}
	}
	inner_ip(f, 0);
	fb_end(f);
}

static void test_decap_depth_limit(void **state)
{
	static const uint8_t types[5] = { TUNNEL_IPIP, TUNNEL_GRE,
					  TUNNEL_VXLAN, TUNNEL_GENEVE,
					  TUNNEL_ERSPAN };
	struct frame_extra t;
	struct fb f;
	struct pkt p;

	(void)state;
	for (unsigned n = 0; n <= LUCS_MAX_TUNNEL_DEPTH; n++) {
		nested(&f, n);
		assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
		assert_int_equal(t.depth, n);
		assert_int_equal(p.tunnel_depth, n);
		assert_inner(&p, 0, (uint32_t)(f.len - f.ip4));
		for (unsigned i = 0; i < n; i++) {
			char src[32];

			snprintf(src, sizeof src, "172.16.%u.1", i);
			assert_int_equal(t.layer[i].type, types[i % 5]);
			assert_addr(t.layer[i].src, src);
			assert_int_equal(t.layer[i].has_id, i % 5 != 0);
			if (i % 5 != 0)
				assert_int_equal(t.layer[i].id, i % 5 == 4 ?
								i & 0x3ff : i);
		}
	}
	/* One more: the packet stays the one inside the deepest tunnel
	 * opened. */
	nested(&f, LUCS_MAX_TUNNEL_DEPTH + 1);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
			 DECODE_TUNNEL_TOO_DEEP);
	assert_int_equal(t.depth, LUCS_MAX_TUNNEL_DEPTH);
	assert_int_equal(p.tunnel_depth, LUCS_MAX_TUNNEL_DEPTH);
	{
		char src[32];

		snprintf(src, sizeof src, "172.16.%u.1", LUCS_MAX_TUNNEL_DEPTH);
		assert_addr(p.src, src);
	}
	/* Cut at every byte, on the way down. */
	for (size_t cut = 0; cut < f.len; cut++) {
		uint8_t *copy = fb_copy(&f, cut);
		enum decode_status st = decode_packet_ext(
			&cfg, DLT_EN10MB, copy, cut, f.len, &p, &t);

		free(copy);
		if (!cut_short(st) && st != DECODE_TUNNEL_TOO_DEEP)
			fail_msg("cut at %zu: %s", cut, decode_status_name(st));
	}
}

/* Two mirror sessions carrying the same conversation: the inner packets
 * are alike, the layers tell them apart. */
static void test_decap_two_sessions(void **state)
{
	struct frame_extra ta, tb;
	struct pkt a, b;
	struct fb f;

	(void)state;
	fb_init(&f);
	outer(&f, 0);
	fb_udp(&f, 54321, 4789);
	fb_vxlan(&f, 100);
	inner(&f, A_ETH);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &a, &ta), DECODE_OK);
	f.b[ETH_IP4_UDP + 6] = 101;
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &b, &tb), DECODE_OK);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(ta.layer[0].id, 100);
	assert_int_equal(tb.layer[0].id, 101);
	assert_memory_equal(ta.layer[0].src, tb.layer[0].src, 16);
}

/* --- recognised, not opened ---------------------------------------------- */

struct udp_case {
	const char *name;
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
	uint8_t want;		/* enum tunnel_unopened */
};

/* An IPv6 packet as Teredo carries it: version 6, payload length 8. */
static const uint8_t teredo[] = {
	0x60, 0, 0, 0, 0, 8, 59, 21,
	0x20, 0x01, 0, 0, 0x4d, 0x76, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 1,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0, 0xf2, 0x27, 0xbe, 0xee, 0xe0,
	0x01, 1, 2, 3, 4, 5, 6, 7, 8,
};
/* An origin indication before it. */
static const uint8_t teredo_origin[] = {
	0, 0, 0x0d, 0xc3, 0xa0, 0xb1, 0xc2, 0xd3,
	0x60, 0, 0, 0, 0, 0, 59, 21,
	0x20, 0x01, 0, 0, 0x4d, 0x76, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 1,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0, 0xf2, 0x27, 0xbe, 0xee, 0xe0,
	0x01,
};
/* An authentication indicator (no id, no value), then the packet. */
static const uint8_t teredo_auth[] = {
	0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0,
	0x60, 0, 0, 0, 0, 0, 59, 21,
	0x20, 0x01, 0, 0, 0x4d, 0x76, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 1,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0, 0xf2, 0x27, 0xbe, 0xee, 0xe0,
	0x01,
};
/* GTPv1-U G-PDU, length 4; GTPv2-C echo request, length 4. */
static const uint8_t gtp_u[] = { 0x30, 0xff, 0, 4, 0, 0, 0, 1, 0x45, 0, 0,
				 20 };
static const uint8_t gtp2_c[] = { 0x40, 1, 0, 4, 0, 0, 9, 0 };
static const uint8_t mpls2[] = { 0, 1, 0, 64, 0, 2, 1, 64, 0x45, 0 };
static const uint8_t gpe[] = { 0x0c, 0, 0, 3, 0, 1, 0, 0 };
/* L2TPv2 control message (T, L, S), length 12; data, no length. */
static const uint8_t l2tp2_ctrl[] = { 0xc8, 0x02, 0, 12, 0, 1, 0, 0,
				      0, 0, 0, 0 };
static const uint8_t l2tp2_data[] = { 0x00, 0x02, 0, 1, 0, 2, 0xff, 0x03 };
static const uint8_t l2tp2_no_length[] = { 0x88, 0x02, 0, 1, 0, 2, 0, 0 };
static const uint8_t l2tp3_ctrl[] = { 0xc8, 0x03, 0, 8, 0, 0, 0, 0 };
static const uint8_t gre_eth[] = { 0, 0, 0x65, 0x58, 1, 2, 3, 4 };

static const struct udp_case udp_cases[] = {
	{ "teredo", 3544, 50000, teredo, sizeof teredo, UNOPENED_TEREDO },
	{ "teredo answer", 50000, 3544, teredo, sizeof teredo,
	  UNOPENED_TEREDO },
	{ "teredo origin", 3544, 50000, teredo_origin, sizeof teredo_origin,
	  UNOPENED_TEREDO },
	{ "teredo auth", 50000, 3544, teredo_auth, sizeof teredo_auth,
	  UNOPENED_TEREDO },
	{ "teredo short", 3544, 50000, teredo, sizeof teredo - 1,
	  UNOPENED_NONE },
	{ "teredo v4", 3544, 50000, gtp_u + 8, 4, UNOPENED_NONE },
	{ "gtp-u", 2152, 2152, gtp_u, sizeof gtp_u, UNOPENED_GTP_U },
	{ "gtp-u bad length", 2152, 2152, gtp_u, sizeof gtp_u - 1,
	  UNOPENED_NONE },
	{ "gtp-u v0", 2152, 2152, gpe, sizeof gpe, UNOPENED_NONE },
	{ "gtp-u from it", 2152, 50000, gtp_u, sizeof gtp_u, UNOPENED_NONE },
	{ "gtp-c v1", 2123, 2123, gtp_u, sizeof gtp_u, UNOPENED_GTP_C },
	{ "gtp-c v2 answer", 2123, 40000, gtp2_c, sizeof gtp2_c,
	  UNOPENED_GTP_C },
	{ "gtp-c v2 long", 40000, 2123, gtp2_c, sizeof gtp2_c - 1,
	  UNOPENED_NONE },
	{ "mpls in udp", 50000, 6635, mpls2, sizeof mpls2, UNOPENED_MPLS_UDP },
	{ "mpls no bottom", 50000, 6635, mpls2, 4, UNOPENED_NONE },
	{ "vxlan-gpe", 50000, 4790, gpe, sizeof gpe, UNOPENED_VXLAN_GPE },
	{ "vxlan-gpe no next", 50000, 4790, gre_eth, sizeof gre_eth,
	  UNOPENED_NONE },
	{ "l2tp2 control", 1701, 1701, l2tp2_ctrl, sizeof l2tp2_ctrl,
	  UNOPENED_L2TP },
	{ "l2tp2 data", 40000, 1701, l2tp2_data, sizeof l2tp2_data,
	  UNOPENED_L2TP },
	{ "l2tp3 control", 1701, 40000, l2tp3_ctrl, sizeof l2tp3_ctrl,
	  UNOPENED_L2TP },
	{ "l2tp2 control, no length", 1701, 1701, l2tp2_no_length,
	  sizeof l2tp2_no_length, UNOPENED_NONE },
	{ "l2tp wrong length", 1701, 1701, l2tp2_ctrl, 11, UNOPENED_NONE },
	{ "gre in udp", 50000, 4754, gre_eth, sizeof gre_eth,
	  UNOPENED_GRE_UDP },
	{ "gre in udp, version 1", 50000, 4754, gtp_u + 8, 4, UNOPENED_NONE },
	{ "dns to 3544's neighbour", 3545, 53, teredo, sizeof teredo,
	  UNOPENED_NONE },
};

static void test_decap_unopened_udp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof udp_cases / sizeof *udp_cases; i++) {
		const struct udp_case *c = &udp_cases[i];
		struct frame_extra t;
		struct fb f;
		struct pkt p;

		for (unsigned out = 0; out < 2; out++) {
			fb_init(&f);
			outer(&f, out ? A_OUT6 : 0);
			fb_udp(&f, c->sport, c->dport);
			fb_bytes(&f, c->payload, c->len);
			fb_end(&f);
			assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t),
					 DECODE_OK);
			if (p.unopened != c->want)
				fail_msg("%s: %s, not %s", c->name,
					 tunnel_unopened_name(p.unopened),
					 tunnel_unopened_name(c->want));
			assert_int_equal(t.depth, 0);
			assert_int_equal(p.sport, c->sport);
			assert_int_equal(p.payload_len, c->len);
			/* Without decapsulation nothing is recognised. */
			assert_int_equal(decode_packet_ext(NULL, DLT_EN10MB,
							       f.b, f.len,
							       f.len, &p, &t),
					 DECODE_OK);
			assert_int_equal(p.unopened, UNOPENED_NONE);
		}
	}
}

/* A recognised encapsulation inside an opened tunnel is named there. */
static void test_decap_unopened_inside(void **state)
{
	struct frame_extra t;
	struct fb f;
	struct pkt p;

	(void)state;
	fb_init(&f);
	outer(&f, 0);
	fb_udp(&f, 54321, 4789);
	fb_vxlan(&f, 9);
	fb_eth(&f, ET_IPV4);
	fb_ipv4(&f, IN4_SRC, IN4_DST);
	fb_udp(&f, 2152, 2152);
	fb_bytes(&f, gtp_u, sizeof gtp_u);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(t.depth, 1);
	assert_int_equal(p.unopened, UNOPENED_GTP_U);
	assert_addr(p.src, IN4_SRC);
}

/* A tunnel's outer packet in fragments is not reassembled: each stays
 * the outer flow, named. */
static void test_decap_fragments(void **state)
{
	struct frame_extra t;
	struct fb f;
	struct pkt p;

	(void)state;
	/* GRE: the first fragment, and a later one. */
	build(frame_named("gre_v4_k"), &f);
	fb_put16(&f, 14 + 6, 0x2000);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_GRE);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.unopened, UNOPENED_FRAGMENT);
	assert_int_equal(t.depth, 0);
	fb_put16(&f, 14 + 6, 0x0010);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_LATER);
	assert_int_equal(p.unopened, UNOPENED_FRAGMENT);
	/* IPv6 in IPv6 behind a fragment header. */
	fb_init(&f);
	fb_eth(&f, ET_IPV6);
	fb_ipv6(&f, OUT6_SRC, OUT6_DST);
	fb_ipv6_frag(&f, 42, 0, true);
	inner_ip(&f, A_IN6);
	fb_end(&f);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.proto, IPPROTO_NUM_IPV6);
	assert_int_equal(p.unopened, UNOPENED_FRAGMENT);
	/* VXLAN's first fragment; a UDP one to another port is no tunnel. */
	build(frame_named("vxlan_v4_v4"), &f);
	fb_put16(&f, 14 + 6, 0x2000);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.frag, PKT_FRAG_FIRST);
	assert_int_equal(p.unopened, UNOPENED_FRAGMENT);
	fb_put16(&f, 14 + 20, 4789);
	fb_put16(&f, 14 + 20 + 2, 54321);
	assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
	assert_int_equal(p.unopened, UNOPENED_NONE);
}

/* --- configuration and names --------------------------------------------- */

static void test_decap_config_ports(void **state)
{
	static const uint16_t flannel[] = { 8472 };
	static const uint16_t many[] = { 1, 2, 3, 4, 5 };
	static const uint16_t zero[] = { 8472, 0 };
	static const uint16_t taken[] = { 6081 };
	struct decode_config c, before;
	struct fb f;
	struct pkt p;

	(void)state;
	decode_config_default(&c);
	assert_true(c.decap);
	assert_int_equal(c.vxlan_ports[0], 4789);
	assert_int_equal(c.geneve_ports[0], 6081);
	before = c;
	assert_false(decode_config_ports(&c, TUNNEL_VXLAN, many, 5));
	assert_false(decode_config_ports(&c, TUNNEL_VXLAN, zero, 2));
	assert_false(decode_config_ports(&c, TUNNEL_VXLAN, taken, 1));
	assert_false(decode_config_ports(&c, TUNNEL_GRE, flannel, 1));
	assert_memory_equal(&c, &before, sizeof c);

	/* Linux's VXLAN port instead of IANA's: 4789 is plain UDP then. */
	assert_true(decode_config_ports(&c, TUNNEL_VXLAN, flannel, 1));
	fb_init(&f);
	outer(&f, 0);
	fb_udp(&f, 40000, 8472);
	fb_vxlan(&f, 1);
	inner(&f, A_ETH);
	fb_end(&f);
	assert_int_equal(decode_packet_ext(&c, DLT_EN10MB, f.b, f.len,
					       f.len, &p, NULL), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 1);
	fb_put16(&f, 14 + 20 + 2, 4789);
	assert_int_equal(decode_packet_ext(&c, DLT_EN10MB, f.b, f.len,
					       f.len, &p, NULL), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
	/* A port may be Geneve's once VXLAN gave it up; none at all. */
	assert_true(decode_config_ports(&c, TUNNEL_GENEVE, many, 4));
	assert_true(decode_config_ports(&c, TUNNEL_VXLAN, NULL, 0));
	assert_int_equal(c.vxlan_ports[0], 0);
	assert_int_equal(decode_packet_ext(&c, DLT_EN10MB, f.b, f.len,
					       f.len, &p, NULL), DECODE_OK);
	assert_int_equal(p.tunnel_depth, 0);
}

/* The filter the hot path reads has the bit of every configured port:
 * a port set without decode_config_ports would be missed. */
static void test_decap_config_filter(void **state)
{
	static const uint16_t ports[] = { 1024, 65535, 8472, 4790 };
	struct decode_config c;

	(void)state;
	decode_config_default(&c);
	assert_true(decode_config_ports(&c, TUNNEL_GENEVE, ports, 4));
	for (size_t i = 0; i < LUCS_MAX_TUNNEL_PORTS; i++) {
		uint16_t v = c.vxlan_ports[i], g = c.geneve_ports[i];

		if (v)
			assert_true(c.udp_filter[v >> 6 & 15] >> (v & 63) & 1);
		if (g)
			assert_true(c.udp_filter[g >> 6 & 15] >> (g & 63) & 1);
	}
	/* Geneve on 4790 wins over recognising VXLAN-GPE there. */
	{
		struct fb f;
		struct pkt p;

		fb_init(&f);
		outer(&f, 0);
		fb_udp(&f, 40000, 4790);
		fb_geneve(&f, ET_IPV4, 1, 0);
		inner_ip(&f, 0);
		fb_end(&f);
		assert_int_equal(decode_packet_ext(&c, DLT_EN10MB, f.b,
						       f.len, f.len, &p, NULL),
				 DECODE_OK);
		assert_int_equal(p.tunnel_depth, 1);
	}
}

static void test_decap_names(void **state)
{
	(void)state;
	for (int i = 0; i < TUNNEL_TYPE_COUNT; i++) {
		assert_non_null(tunnel_type_name((enum tunnel_type)i));
		assert_string_not_equal(tunnel_type_name((enum tunnel_type)i),
					"unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				tunnel_type_name((enum tunnel_type)i),
				tunnel_type_name((enum tunnel_type)j));
	}
	for (int i = 0; i < UNOPENED_COUNT; i++) {
		enum tunnel_unopened u = (enum tunnel_unopened)i;

		assert_non_null(tunnel_unopened_name(u));
		assert_string_not_equal(tunnel_unopened_name(u), "unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				tunnel_unopened_name(u),
				tunnel_unopened_name((enum tunnel_unopened)j));
	}
	assert_string_equal(tunnel_type_name(TUNNEL_VXLAN), "vxlan");
	assert_string_equal(tunnel_type_name(TUNNEL_TYPE_COUNT), "unknown");
	assert_string_equal(tunnel_unopened_name(UNOPENED_TEREDO), "teredo");
	assert_string_equal(tunnel_unopened_name(UNOPENED_COUNT), "unknown");
	assert_string_equal(decode_status_name(DECODE_TUNNEL_TRUNCATED),
			    "tunnel_truncated");
	assert_string_equal(decode_status_name(DECODE_TUNNEL_BAD_HEADER),
			    "tunnel_bad_header");
	assert_string_equal(decode_status_name(DECODE_TUNNEL_TOO_DEEP),
			    "tunnel_too_deep");
}

/* Traffic outside tunnels decodes exactly as decode_packet has it. */
static void test_decap_plain_traffic(void **state)
{
	static const uint16_t udp_ports[][2] = {
		{ 53, 40000 }, { 40000, 53 }, { 4789, 4789 + 1024 },
		{ 50000, 6081 + 1024 }, { 1701 + 1024, 3544 + 2048 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof udp_ports / sizeof *udp_ports; i++) {
		struct frame_extra t;
		struct pkt want, p;
		struct fb f;

		fb_init(&f);
		outer(&f, i & 1 ? A_OUT6 : 0);
		fb_udp(&f, udp_ports[i][0], udp_ports[i][1]);
		fb_payload(&f, 40);
		fb_end(&f);
		assert_int_equal(decode_packet(DLT_EN10MB, f.b, f.len, f.len,
					       &want), DECODE_OK);
		assert_int_equal(decap_fb(DLT_EN10MB, &f, &p, &t), DECODE_OK);
		assert_memory_equal(&p, &want, sizeof p);
		assert_int_equal(t.depth, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decap_frames),
		cmocka_unit_test(test_decap_off_is_decode_packet),
		cmocka_unit_test(test_decap_truncated_every_offset),
		cmocka_unit_test(test_decap_inner_length_against_wire),
		cmocka_unit_test(test_decap_inner_padding),
		cmocka_unit_test(test_decap_vxlan_strict),
		cmocka_unit_test(test_decap_vxlan_ports),
		cmocka_unit_test(test_decap_geneve_strict),
		cmocka_unit_test(test_decap_gre_flags),
		cmocka_unit_test(test_decap_gre_strict),
		cmocka_unit_test(test_decap_erspan),
		cmocka_unit_test(test_decap_erspan_strict),
		cmocka_unit_test(test_decap_ipip),
		cmocka_unit_test(test_decap_depth_limit),
		cmocka_unit_test(test_decap_two_sessions),
		cmocka_unit_test(test_decap_unopened_udp),
		cmocka_unit_test(test_decap_unopened_inside),
		cmocka_unit_test(test_decap_fragments),
		cmocka_unit_test(test_decap_config_ports),
		cmocka_unit_test(test_decap_config_filter),
		cmocka_unit_test(test_decap_names),
		cmocka_unit_test(test_decap_plain_traffic),
	};

	decode_config_default(&cfg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
