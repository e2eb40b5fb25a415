/* pktbuild.h: test frames built layer by layer as byte arrays.
 *
 * A frame is appended from the outermost layer in.  Link layers name the
 * type that follows them explicitly (tests want to write odd ones); IP
 * layers are chained automatically: each IP header, extension header or
 * transport header patches the pending protocol or next-header byte of the
 * layer before it (an IP header after another: IP in IP; GRE: protocol
 * 47).  fb_end() then fills in the length fields (IPv4 total length, IPv6
 * payload length, UDP length, PPPoE length) from what was appended, those
 * of every IP and UDP header a tunnel wraps included: each reaches to the
 * end of the frame.  Checksums stay zero: lucsaudit never looks at them.
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
	ET_MPLS = 0x8847, ET_PPPOE = 0x8864, ET_TEB = 0x6558,
	ET_ERSPAN = 0x88be, ET_ERSPAN3 = 0x22eb,
	PPP_IP = 0x0021, PPP_IPV6 = 0x0057, PPP_LCP = 0xc021
};
enum {
	NH_HOPOPTS = 0, NH_IPIP = 4, NH_IPV6 = 41, NH_ROUTING = 43,
	NH_FRAGMENT = 44, NH_GRE = 47, NH_ESP = 50, NH_AH = 51, NH_DSTOPTS = 60
};
/* GRE flags (RFC 2784, RFC 2890). */
enum { GRE_FLAG_C = 0x8000, GRE_FLAG_K = 0x2000, GRE_FLAG_S = 0x1000 };

#define FB_WRAPPED 8	/* IP and UDP headers a frame's tunnels wrap */

struct fb {
	uint8_t b[FB_MAX];
	size_t len;		/* bytes built */
	size_t wire;		/* wire length when larger than len, else 0 */
	size_t need;		/* bytes decode_packet needs for DECODE_OK */
	size_t next;		/* pending protocol / next-header byte */
	size_t ip4, ip6, udp, pppoe, llc;	/* header offsets or FB_NONE */
	size_t wrapped[FB_WRAPPED];	/* outer IP and UDP headers */
	uint8_t wrapped_kind[FB_WRAPPED];	/* 4, 6 or 17 */
	size_t nwrapped;
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

/* Tunnels: the header after an outer UDP header (VXLAN, Geneve) or IP
 * header (GRE, chained as protocol 47); what it carries is appended next
 * (fb_eth, fb_ipv4, fb_ipv6).  fb_gre writes the optional fields its flags
 * ask for; its reserved and version bits are patched by tests that want
 * them wrong. */
void fb_gre(struct fb *f, uint16_t flags, uint16_t proto, uint32_t key,
	    uint32_t seq);
void fb_vxlan(struct fb *f, uint32_t vni);
/* optlen bytes (a multiple of 4, at most 252) of options after the
 * 8-byte header, as options of up to 20 bytes each. */
void fb_geneve(struct fb *f, uint16_t proto, uint32_t vni, size_t optlen);
/* ERSPAN type II (after fb_gre with GRE_FLAG_S and ET_ERSPAN) and type
 * III (after ET_ERSPAN3): platform adds the 8-byte platform subheader
 * (O flag); frame_type 0 is Ethernet, 2 an IP packet. */
void fb_erspan2(struct fb *f, uint16_t session);
void fb_erspan3(struct fb *f, uint16_t session, bool platform,
		uint8_t frame_type);

void fb_bytes(struct fb *f, const void *p, size_t n);
void fb_payload(struct fb *f, size_t n);	/* n bytes of a pattern */

/* The first n bytes of the frame in a heap block of exactly n bytes (at
 * least 1), so AddressSanitizer catches a read past them; free() it. */
uint8_t *fb_copy(const struct fb *f, size_t n);

/* Fill in the length fields; returns f->len. */
size_t fb_end(struct fb *f);
/* Zero-pad to n bytes (Ethernet's 60), after fb_end: lengths stay. */
void fb_pad_to(struct fb *f, size_t n);

/* text's address in 16 bytes, an IPv4 one zero-padded as struct pkt
 * holds it. */
void fb_addr(const char *text, uint8_t out[16]);

/* Big-endian stores, for tests that patch a field. */
void fb_put16(struct fb *f, size_t off, uint16_t v);
void fb_put32(struct fb *f, size_t off, uint32_t v);

#endif
