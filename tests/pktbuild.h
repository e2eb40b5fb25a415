/* pktbuild.h: test frames built layer by layer as byte arrays.
 *
 * A frame is appended from the outermost layer in.  Link layers name the
 * type that follows them explicitly (tests want to write odd ones); IP
 * layers are chained automatically: each IP header, extension header or
 * transport header patches the pending protocol or next-header byte of the
 * layer before it.  fb_end() then fills in the length fields (IPv4 total
 * length, IPv6 payload length, UDP length, PPPoE length) from what was
 * appended.  Checksums stay zero: lucsaudit never looks at them.
 *
 *	struct fb f;
 *	fb_init(&f);
 *	fb_eth(&f, 0x0800);
 *	fb_ipv4(&f, "192.0.2.1", "198.51.100.2");
 *	fb_tcp(&f, 40000, 443, TCP_SYN);
 *	fb_end(&f);		-> f.b[0 .. f.len)
 */
#ifndef LUCS_TEST_PKTBUILD_H
#define LUCS_TEST_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FB_MAX 4096
#define FB_NONE ((size_t)-1)

/* Ethernet types, PPP protocols and IPv6 next headers the tests name. */
enum {
	ET_IPV4 = 0x0800, ET_ARP = 0x0806, ET_VLAN = 0x8100,
	ET_QINQ = 0x88a8, ET_QINQ_OLD = 0x9100, ET_IPV6 = 0x86dd,
	ET_MPLS = 0x8847, ET_PPPOE = 0x8864,
	PPP_IP = 0x0021, PPP_IPV6 = 0x0057, PPP_LCP = 0xc021
};
enum {
	NH_HOPOPTS = 0, NH_ROUTING = 43, NH_FRAGMENT = 44, NH_GRE = 47,
	NH_ESP = 50, NH_AH = 51, NH_DSTOPTS = 60
};

struct fb {
	uint8_t b[FB_MAX];
	size_t len;		/* bytes built */
	size_t wire;		/* wire length when larger than len, else 0 */
	size_t need;		/* bytes decode_packet needs for DECODE_OK */
	size_t next;		/* pending protocol / next-header byte */
	size_t ip4, ip6, udp, pppoe, llc;	/* header offsets or FB_NONE */
	uint8_t family;		/* of the innermost IP header */
	bool first_frag;	/* the IP header is a first fragment */
};

void fb_init(struct fb *f);

/* Link layers.  fb_vlan appends one 4-byte tag: the TCI, then the type
 * that follows it; the tag's own TPID is the type named before it. */
void fb_eth(struct fb *f, uint16_t type);
void fb_eth_len(struct fb *f, uint16_t length);	/* 802.3: a length field */
void fb_vlan(struct fb *f, uint16_t vid, uint16_t type);
void fb_snap(struct fb *f, uint16_t type);	/* 802.2 LLC + SNAP, OUI 0 */
void fb_mpls(struct fb *f, uint32_t label, bool bottom);
void fb_pppoe(struct fb *f, uint16_t ppp_proto);
void fb_sll(struct fb *f, uint16_t proto);
void fb_sll2(struct fb *f, uint16_t proto);
/* DLT_NULL (the capturing host's order) or DLT_LOOP (big_endian). */
void fb_null(struct fb *f, uint32_t af, bool big_endian);

/* IP.  Addresses are text ("192.0.2.1", "2001:db8::1"). */
void fb_ipv4(struct fb *f, const char *src, const char *dst);
/* n bytes (a multiple of 4) of NOP options after the last IPv4 header. */
void fb_ipv4_options(struct fb *f, size_t n);
void fb_ipv4_frag(struct fb *f, uint16_t id, uint16_t offset8, bool more);
void fb_ipv6(struct fb *f, const char *src, const char *dst);
/* Hop-by-hop, routing, destination options (len a multiple of 8) or AH
 * (len a multiple of 4, at least 12), padded with PadN. */
void fb_ipv6_ext(struct fb *f, uint8_t type, size_t len);
void fb_ipv6_frag(struct fb *f, uint32_t id, uint16_t offset8, bool more);

/* Transport. */
void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags);
/* TCP with n bytes (a multiple of 4) of NOP options. */
void fb_tcp_opts(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags,
		 size_t n);
void fb_udp(struct fb *f, uint16_t sport, uint16_t dport);
/* ICMP after IPv4, ICMPv6 after IPv6: 8 bytes (type, code, id, seq). */
void fb_icmp(struct fb *f, uint8_t type, uint8_t code);
/* Name a protocol no builder writes (GRE, ESP); its bytes follow. */
void fb_proto(struct fb *f, uint8_t proto);

void fb_bytes(struct fb *f, const void *p, size_t n);
void fb_payload(struct fb *f, size_t n);	/* n bytes of a pattern */

/* Fill in the length fields; returns f->len. */
size_t fb_end(struct fb *f);
/* Zero-pad to n bytes (Ethernet's 60), after fb_end: lengths stay. */
void fb_pad_to(struct fb *f, size_t n);

/* Big-endian stores, for tests that patch a field. */
void fb_put16(struct fb *f, size_t off, uint16_t v);
void fb_put32(struct fb *f, size_t off, uint32_t v);

#endif
