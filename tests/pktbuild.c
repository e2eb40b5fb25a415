/* pktbuild.c: test frames built layer by layer (see pktbuild.h).  Header
 * layouts after IEEE 802.3/802.1Q, RFC 3032 (MPLS), RFC 2516 (PPPoE),
 * libpcap's LINKTYPE_LINUX_SLL/SLL2, RFC 791, RFC 8200, RFC 9293, RFC 768,
 * and for tunnels RFC 2784/2890 (GRE), RFC 7348 (VXLAN), RFC 8926
 * (Geneve), draft-foschiano-erspan-03 (ERSPAN).
 */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes, zeroed; a test that overflows is a broken test. */
static uint8_t *grow(struct fb *f, size_t n)
{
	uint8_t *p;

	if (n > FB_MAX - f->len)
		abort();
	p = f->b + f->len;
	memset(p, 0, n);
	f->len += n;
	return p;
}

void fb_put16(struct fb *f, size_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

void fb_put32(struct fb *f, size_t off, uint32_t v)
{
	fb_put16(f, off, (uint16_t)(v >> 16));
	fb_put16(f, off + 2, (uint16_t)v);
}

static size_t off_of(const struct fb *f, const uint8_t *p)
{
	return (size_t)(p - f->b);
}

/* A header wrapped by the one appended next keeps its length field for
 * fb_end. */
static void wrap_header(struct fb *f, size_t off, uint8_t kind)
{
	if (off == FB_NONE)
		return;
	if (f->nwrapped == FB_WRAPPED)
		abort();
	f->wrapped[f->nwrapped] = off;
	f->wrapped_kind[f->nwrapped++] = kind;
}

static void put_length(struct fb *f, size_t off, uint8_t kind)
{
	switch (kind) {
	case 4:
		fb_put16(f, off + 2, (uint16_t)(f->len - off));
		break;
	case 6:
		fb_put16(f, off + 4, (uint16_t)(f->len - off - 40));
		break;
	default:
		fb_put16(f, off + 4, (uint16_t)(f->len - off));
		break;
	}
}

/* Set the pending protocol byte of the layer before to proto. */
static void chain(struct fb *f, uint8_t proto)
{
	if (f->next != FB_NONE)
		f->b[f->next] = proto;
	f->next = FB_NONE;
}

void fb_init(struct fb *f)
{
	memset(f, 0, sizeof *f);
	f->next = f->ip4 = f->ip6 = f->udp = f->pppoe = f->llc = FB_NONE;
}

void fb_eth(struct fb *f, uint16_t type)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x02,
					  0x02, 0, 0, 0, 0, 0x01 };
	uint8_t *p = grow(f, 14);

	memcpy(p, macs, sizeof macs);
	fb_put16(f, off_of(f, p) + 12, type);
	f->need = f->len;
}

void fb_eth_len(struct fb *f, uint16_t length)
{
	fb_eth(f, length);
}

void fb_vlan(struct fb *f, uint16_t vid, uint16_t type)
{
	size_t off = off_of(f, grow(f, 4));

	fb_put16(f, off, vid & 0x0fff);
	fb_put16(f, off + 2, type);
	f->need = f->len;
}

void fb_snap(struct fb *f, uint16_t type)
{
	static const uint8_t llc[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	uint8_t *p = grow(f, 8);

	memcpy(p, llc, sizeof llc);
	f->llc = off_of(f, p);
	fb_put16(f, f->llc + 6, type);
	f->need = f->len;
}

void fb_mpls(struct fb *f, uint32_t label, bool bottom)
{
	size_t off = off_of(f, grow(f, 4));

	/* label (20 bits), traffic class, bottom of stack, TTL 64 */
	fb_put32(f, off, label << 12 | (bottom ? 0x100u : 0) | 64);
	f->need = f->len;
}

void fb_pppoe(struct fb *f, uint16_t ppp_proto)
{
	uint8_t *p = grow(f, 8);

	p[0] = 0x11;		/* version 1, type 1 */
	p[1] = 0x00;		/* code: session data */
	f->pppoe = off_of(f, p);
	fb_put16(f, f->pppoe + 2, 0x1234);	/* session id */
	fb_put16(f, f->pppoe + 6, ppp_proto);
	f->need = f->len;
}

void fb_sll(struct fb *f, uint16_t proto)
{
	size_t off = off_of(f, grow(f, 16));

	fb_put16(f, off, 0);		/* packet type: to us */
	fb_put16(f, off + 2, 1);	/* ARPHRD_ETHER */
	fb_put16(f, off + 4, 6);	/* address length */
	f->b[off + 6] = 0x02;
	fb_put16(f, off + 14, proto);
	f->need = f->len;
}

void fb_sll2(struct fb *f, uint16_t proto)
{
	size_t off = off_of(f, grow(f, 20));

	fb_put16(f, off, proto);
	fb_put32(f, off + 4, 2);	/* interface index */
	fb_put16(f, off + 8, 1);	/* ARPHRD_ETHER */
	f->b[off + 11] = 6;		/* address length */
	f->b[off + 12] = 0x02;
	f->need = f->len;
}

void fb_null(struct fb *f, uint32_t af, bool big_endian)
{
	size_t off = off_of(f, grow(f, 4));

	if (big_endian) {
		fb_put32(f, off, af);
	} else {
		for (int i = 0; i < 4; i++)
			f->b[off + (size_t)i] = (uint8_t)(af >> (8 * i));
	}
	f->need = f->len;
}

void fb_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text, out) != 1)
		abort();
}

static void put_addr(struct fb *f, size_t off, int family, const char *text)
{
	if (inet_pton(family, text, f->b + off) != 1)
		abort();
}

void fb_ipv4(struct fb *f, const char *src, const char *dst)
{
	uint8_t *p;

	chain(f, 4);
	wrap_header(f, f->ip4, 4);
	wrap_header(f, f->ip6, 6);
	p = grow(f, 20);
	p[0] = 0x45;
	p[8] = 64;		/* TTL */
	f->ip4 = off_of(f, p);
	f->ip6 = FB_NONE;
	put_addr(f, f->ip4 + 12, AF_INET, src);
	put_addr(f, f->ip4 + 16, AF_INET, dst);
	f->next = f->ip4 + 9;
	f->family = 4;
	f->need = f->len;
}

void fb_ipv4_options(struct fb *f, size_t n)
{
	uint8_t *p;

	if (f->ip4 == FB_NONE || n % 4 != 0 || n > 40)
		abort();
	p = grow(f, n);
	memset(p, 0x01, n);	/* NOP */
	f->b[f->ip4] = (uint8_t)(0x40 | (5 + n / 4));
	f->need = f->len;
}

void fb_ipv4_frag(struct fb *f, uint16_t id, uint16_t offset8, bool more)
{
	if (f->ip4 == FB_NONE)
		abort();
	fb_put16(f, f->ip4 + 4, id);
	fb_put16(f, f->ip4 + 6, (uint16_t)((more ? 0x2000 : 0) | offset8));
	f->first_frag = offset8 == 0 && more;
}

void fb_ipv6(struct fb *f, const char *src, const char *dst)
{
	uint8_t *p;

	chain(f, 41);
	wrap_header(f, f->ip4, 4);
	wrap_header(f, f->ip6, 6);
	p = grow(f, 40);
	p[0] = 0x60;
	p[7] = 64;		/* hop limit */
	f->ip6 = off_of(f, p);
	f->ip4 = FB_NONE;
	put_addr(f, f->ip6 + 8, AF_INET6, src);
	put_addr(f, f->ip6 + 24, AF_INET6, dst);
	f->next = f->ip6 + 6;
	f->family = 6;
	f->need = f->len;
}

void fb_ipv6_ext(struct fb *f, uint8_t type, size_t len)
{
	bool ah = type == NH_AH;
	uint8_t *p;

	if (ah ? len % 4 != 0 || len < 12 : len % 8 != 0 || len == 0)
		abort();
	chain(f, type);
	p = grow(f, len);
	p[1] = (uint8_t)(ah ? len / 4 - 2 : len / 8 - 1);
	if (!ah && len > 2) {	/* PadN over the rest */
		p[2] = 1;
		p[3] = (uint8_t)(len - 4);
	}
	f->next = off_of(f, p);
	f->need = f->len;
}

void fb_ipv6_frag(struct fb *f, uint32_t id, uint16_t offset8, bool more)
{
	size_t off;

	chain(f, NH_FRAGMENT);
	off = off_of(f, grow(f, 8));
	fb_put16(f, off + 2, (uint16_t)(offset8 << 3 | (more ? 1 : 0)));
	fb_put32(f, off + 4, id);
	f->next = off;
	f->first_frag = offset8 == 0 && more;
	f->need = f->len;
}

void fb_tcp_opts(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags,
		 size_t n)
{
	size_t off;

	if (n % 4 != 0 || n > 40)
		abort();
	chain(f, 6);
	off = off_of(f, grow(f, 20 + n));
	fb_put16(f, off, sport);
	fb_put16(f, off + 2, dport);
	fb_put32(f, off + 4, 1000);		/* sequence */
	f->b[off + 12] = (uint8_t)((5 + n / 4) << 4);
	f->b[off + 13] = flags;
	fb_put16(f, off + 14, 65535);		/* window */
	memset(f->b + off + 20, 0x01, n);	/* NOP */
	f->need = off + (f->first_frag ? 4 : 20);
}

void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	fb_tcp_opts(f, sport, dport, flags, 0);
}

void fb_udp(struct fb *f, uint16_t sport, uint16_t dport)
{
	chain(f, 17);
	wrap_header(f, f->udp, 17);
	f->udp = off_of(f, grow(f, 8));
	fb_put16(f, f->udp, sport);
	fb_put16(f, f->udp + 2, dport);
	f->need = f->udp + (f->first_frag ? 4 : 8);
}

void fb_icmp(struct fb *f, uint8_t type, uint8_t code)
{
	uint8_t *p;

	chain(f, f->family == 6 ? 58 : 1);
	p = grow(f, 8);
	p[0] = type;
	p[1] = code;
	fb_put16(f, off_of(f, p) + 4, 0x4242);	/* identifier */
	fb_put16(f, off_of(f, p) + 6, 1);	/* sequence */
	f->need = off_of(f, p) + 4;
}

void fb_proto(struct fb *f, uint8_t proto)
{
	chain(f, proto);
}

void fb_gre(struct fb *f, uint16_t flags, uint16_t proto, uint32_t key,
	    uint32_t seq)
{
	size_t off;

	chain(f, NH_GRE);
	off = off_of(f, grow(f, 4));
	fb_put16(f, off, flags);
	fb_put16(f, off + 2, proto);
	if (flags & GRE_FLAG_C)
		grow(f, 4);		/* checksum 0, reserved1 0 */
	if (flags & GRE_FLAG_K)
		fb_put32(f, off_of(f, grow(f, 4)), key);
	if (flags & GRE_FLAG_S)
		fb_put32(f, off_of(f, grow(f, 4)), seq);
	f->need = f->len;
}

void fb_vxlan(struct fb *f, uint32_t vni)
{
	size_t off = off_of(f, grow(f, 8));

	f->b[off] = 0x08;		/* I: the VNI is valid */
	fb_put32(f, off + 4, vni << 8);
	f->need = f->len;
}

void fb_geneve(struct fb *f, uint16_t proto, uint32_t vni, size_t optlen)
{
	size_t off;

	if (optlen % 4 != 0 || optlen > 252)
		abort();
	off = off_of(f, grow(f, 8 + optlen));
	f->b[off] = (uint8_t)(optlen / 4);	/* version 0 */
	fb_put16(f, off + 2, proto);
	fb_put32(f, off + 4, vni << 8);
	for (size_t o = off + 8, left = optlen; left;) {
		size_t n = left < 20 ? left : 20;

		fb_put16(f, o, 0x0108);		/* option class */
		f->b[o + 2] = (uint8_t)(0x01 + (o - off) / 4);	/* type */
		f->b[o + 3] = (uint8_t)((n - 4) / 4);	/* length in words */
		memset(f->b + o + 4, 0x5a, n - 4);
		o += n;
		left -= n;
	}
	f->need = f->len;
}

void fb_erspan2(struct fb *f, uint16_t session)
{
	size_t off = off_of(f, grow(f, 8));

	/* version 1, VLAN 10; COS 0, En 3 (tag kept), T 0, session */
	fb_put16(f, off, 0x1000 | 10);
	fb_put16(f, off + 2, (uint16_t)(0x1800 | (session & 0x3ff)));
	fb_put32(f, off + 4, 0x00012);	/* reserved 0, index 18 */
	f->need = f->len;
}

void fb_erspan3(struct fb *f, uint16_t session, bool platform,
		uint8_t frame_type)
{
	size_t off = off_of(f, grow(f, platform ? 20 : 12));

	fb_put16(f, off, 0x2000 | 10);	/* version 2, VLAN 10 */
	fb_put16(f, off + 2, session & 0x3ff);
	fb_put32(f, off + 4, 0x5eed1234);	/* timestamp */
	/* SGT 0; P, frame type, hardware id 5, ingress, granularity 3, O */
	fb_put16(f, off + 10, (uint16_t)((frame_type & 0x1f) << 10 | 5 << 4 |
					 3 << 1 | (platform ? 1 : 0)));
	if (platform) {
		fb_put32(f, off + 12, 3u << 26 | 77);	/* platform 3, port */
		fb_put32(f, off + 16, 0x00c0ffee);	/* timestamp */
	}
	f->need = f->len;
}

void fb_bytes(struct fb *f, const void *p, size_t n)
{
	memcpy(grow(f, n), p, n);
}

void fb_payload(struct fb *f, size_t n)
{
	uint8_t *p = grow(f, n);

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(0xa0 + i % 16);
}

uint8_t *fb_copy(const struct fb *f, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy || n > f->len)
		abort();
	memcpy(copy, f->b, n);
	return copy;
}

size_t fb_end(struct fb *f)
{
	for (size_t i = 0; i < f->nwrapped; i++)
		put_length(f, f->wrapped[i], f->wrapped_kind[i]);
	if (f->pppoe != FB_NONE)
		fb_put16(f, f->pppoe + 4, (uint16_t)(f->len - f->pppoe - 6));
	if (f->ip4 != FB_NONE)
		put_length(f, f->ip4, 4);
	if (f->ip6 != FB_NONE)
		put_length(f, f->ip6, 6);
	if (f->udp != FB_NONE)
		put_length(f, f->udp, 17);
	return f->len;
}

void fb_pad_to(struct fb *f, size_t n)
{
	if (n > f->len)
		grow(f, n - f->len);
}
