/* fuzz-seeds.c: writes seed inputs for the decode and flow fuzz targets:
 * frames made by hand for every link type and encapsulation lucsaudit
 * decodes, and the packets of captures (pcap or pcapng, through libpcap),
 * in the input layouts of fuzz.h.
 *
 * Usage: fuzz-seeds OUTDIR [CAPTURE...]
 * Writes OUTDIR/decode/, OUTDIR/decap/ (tunnels, made by hand) and
 * OUTDIR/flow/ (created if need be).  From each
 * capture whose link type lucsaudit supports: up to DECODE_PER_CAPTURE
 * distinct frames as decode seeds, and its packets in chunks of
 * FLOW_CHUNK as flow seeds, cut to SEED_SNAPLEN bytes with the wire
 * length kept (what -s does), so no seed is large.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "fuzz.h"
#include "tunables.h"

#define DECODE_PER_CAPTURE 64
#define FLOW_CHUNK 64
#define FLOW_CHUNKS_MAX 8
#define SEED_SNAPLEN 160
#define FRAME_MAX 2048

static const char *outdir;
static unsigned written;

/* --- output -------------------------------------------------------------- */

struct buf {
	uint8_t b[65536];
	size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (n > sizeof b->b - b->len)
		n = sizeof b->b - b->len;
	memcpy(b->b + b->len, p, n);
	b->len += n;
}

static void put_u8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(b, &c, 1);
}

static void put_be16(struct buf *b, unsigned v)
{
	put_u8(b, v >> 8);
	put_u8(b, v);
}

static void put_be32(struct buf *b, uint32_t v)
{
	put_be16(b, v >> 16);
	put_be16(b, v & 0xffff);
}

static void write_seed(const char *target, const char *name,
		       const struct buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->b, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	written++;
}

/* --- frames -------------------------------------------------------------- */

struct seed_frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

static void fput(struct seed_frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void fput16(struct seed_frame *f, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	fput(f, b, 2);
}

static void fput32(struct seed_frame *f, uint32_t v)
{
	fput16(f, v >> 16);
	fput16(f, v & 0xffff);
}

/* Addresses of rules/site.example.yaml's hosts, so role-aware runs find
 * them: 4-byte IPv4 or 16-byte IPv6. */
static const uint8_t agent4[4] = { 10, 20, 0, 5 };
static const uint8_t lucs4[4] = { 10, 10, 0, 11 };
static const uint8_t sql4[4] = { 10, 10, 0, 20 };
static const uint8_t sfb4[4] = { 10, 10, 1, 10 };
static const uint8_t agent6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x20, 0, 0,
				    0, 0, 0, 0, 0, 0, 0, 5 };
static const uint8_t lucs6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0x11 };

struct l4 {
	uint8_t proto;		/* 6, 17, 1, 58 or another */
	uint16_t sport, dport;
	uint8_t flags;		/* TCP */
	uint8_t icmp_type;
	size_t payload;		/* bytes after the transport header */
};

static void transport(struct seed_frame *f, const struct l4 *t)
{
	switch (t->proto) {
	case 6:
		fput16(f, t->sport);
		fput16(f, t->dport);
		fput32(f, 1000);	/* seq */
		fput32(f, t->flags & TCP_ACK ? 2000 : 0);
		fput16(f, 0x5000 | t->flags);
		fput16(f, 65535);
		fput32(f, 0);		/* checksum, urgent */
		break;
	case 17:
		fput16(f, t->sport);
		fput16(f, t->dport);
		fput16(f, (unsigned)(8 + t->payload));
		fput16(f, 0);
		break;
	case 1:
	case 58:
		fput16(f, (unsigned)t->icmp_type << 8);
		fput32(f, 0x12340001);
		fput16(f, 0);
		break;
	default:
		break;
	}
	memset(f->b + f->len, 'x', t->payload);
	f->len += t->payload;
}

static size_t l4_len(const struct l4 *t)
{
	size_t h = t->proto == 6 ? 20 : t->proto == 17 ? 8
		 : t->proto == 1 || t->proto == 58 ? 8 : 0;

	return h + t->payload;
}

/* An IPv4 datagram; frag is the raw flags/offset field. */
static void ipv4(struct seed_frame *f, const uint8_t *src, const uint8_t *dst,
		 const struct l4 *t, uint16_t id, uint16_t frag)
{
	fput16(f, 0x4500);
	fput16(f, (unsigned)(20 + l4_len(t)));
	fput16(f, id);
	fput16(f, frag);
	fput16(f, 0x4000 | t->proto);	/* TTL 64 */
	fput16(f, 0);
	fput(f, src, 4);
	fput(f, dst, 4);
	transport(f, t);
}

/* An IPv6 packet; ext lists extension headers (0, 43, 44, 60, 51) in
 * order, ending with 0xff. */
static void ipv6(struct seed_frame *f, const uint8_t *src, const uint8_t *dst,
		 const struct l4 *t, const uint8_t *ext, uint16_t fragoff)
{
	size_t n = 0, extlen = 0;

	while (ext && ext[n] != 0xff) {
		extlen += ext[n] == 51 ? 12 : 8;
		n++;
	}
	fput32(f, 0x60000000);
	fput16(f, (unsigned)(extlen + l4_len(t)));
	fput16(f, (unsigned)((n ? ext[0] : t->proto) << 8 | 64));
	fput(f, src, 16);
	fput(f, dst, 16);
	for (size_t i = 0; i < n; i++) {
		uint8_t next = i + 1 < n ? ext[i + 1] : t->proto;

		switch (ext[i]) {
		case 44:
			fput16(f, (unsigned)next << 8);
			fput16(f, fragoff);
			fput32(f, 0xabcd);
			break;
		case 51:	/* AH: length in 4-byte units minus 2 */
			fput16(f, (unsigned)next << 8 | 1);
			fput16(f, 0);
			fput32(f, 0x100);
			fput32(f, 1);
			break;
		default:	/* options: one PadN filling the 8 bytes */
			fput16(f, (unsigned)next << 8);
			fput16(f, 0x0104);
			fput32(f, 0);
			break;
		}
	}
	transport(f, t);
}

/* Link-layer wrappers: the header goes in front of an IP packet. */
enum wrap {
	W_ETHER, W_VLAN, W_QINQ, W_MPLS, W_PPPOE, W_SNAP, W_SLL, W_SLL2,
	W_NULL, W_LOOP, W_RAW, W_BARE
};

static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2 };

/* Wrap ip (an IPv4 or IPv6 packet) for link w: the link index of
 * fuzz_links it belongs to. */
static int wrap(struct seed_frame *out, enum wrap w,
		const struct seed_frame *ip)
{
	bool v6 = ip->len > 0 && ip->b[0] >> 4 == 6;
	unsigned type = v6 ? 0x86dd : 0x0800;
	int link = 0;

	out->len = 0;
	switch (w) {
	case W_ETHER:
		fput(out, macs, 12);
		fput16(out, type);
		break;
	case W_VLAN:
		fput(out, macs, 12);
		fput16(out, 0x8100);
		fput16(out, 100);
		fput16(out, type);
		break;
	case W_QINQ:
		fput(out, macs, 12);
		fput16(out, 0x88a8);
		fput16(out, 200);
		fput16(out, 0x8100);
		fput16(out, 100);
		fput16(out, type);
		break;
	case W_MPLS:
		fput(out, macs, 12);
		fput16(out, 0x8847);
		fput32(out, 16u << 12 | 0x0040);	/* label 16, TTL */
		fput32(out, 17u << 12 | 0x0140);	/* bottom of stack */
		break;
	case W_PPPOE:
		fput(out, macs, 12);
		fput16(out, 0x8864);
		fput16(out, 0x1100);			/* ver, type, code */
		fput16(out, 0x0001);			/* session */
		fput16(out, (unsigned)(ip->len + 2));
		fput16(out, v6 ? 0x0057 : 0x0021);
		break;
	case W_SNAP:
		fput(out, macs, 12);
		fput16(out, (unsigned)(ip->len + 8));	/* 802.3 length */
		fput32(out, 0xaaaa0300);
		fput16(out, 0x0000);
		fput16(out, type);
		break;
	case W_SLL:
		link = 1;
		fput16(out, 0);		/* to us */
		fput16(out, 1);		/* ARPHRD_ETHER */
		fput16(out, 6);
		fput(out, macs, 6);
		fput16(out, 0);
		fput16(out, type);
		break;
	case W_SLL2:
		link = 2;
		fput16(out, type);
		fput16(out, 0);
		fput32(out, 2);		/* ifindex */
		fput16(out, 1);
		fput16(out, 0x0006);	/* packet type, address length */
		fput(out, macs, 6);
		fput16(out, 0);
		break;
	case W_NULL: {			/* host order: little-endian here */
		uint8_t af[4] = { v6 ? 30 : 2, 0, 0, 0 };

		link = 3;
		fput(out, af, 4);
		break;
	}
	case W_LOOP:
		link = 4;
		fput32(out, v6 ? 24 : 2);
		break;
	case W_RAW:
		link = 5;
		break;
	case W_BARE:
		link = v6 ? 7 : 6;
		break;
	}
	fput(out, ip->b, ip->len);
	return link;
}

/* --- seeds --------------------------------------------------------------- */

/* A decode or decap input (their layouts differ in byte 0 only). */
static void frame_seed(const char *target, const char *name, unsigned b0,
		       unsigned mode, unsigned arg, const uint8_t *p,
		       size_t len)
{
	struct buf *b = calloc(1, sizeof *b);

	if (!b)
		exit(1);
	put_u8(b, b0);
	put_u8(b, mode);
	put_be16(b, arg);
	put(b, p, len);
	write_seed(target, name, b);
	free(b);
}

static void decode_seed(const char *name, int link, unsigned mode,
			unsigned arg, const uint8_t *p, size_t len)
{
	frame_seed("decode", name, (unsigned)link, mode, arg, p, len);
}

/* A flow seed under construction: records appended with their time. */
struct flowseed {
	struct buf b;
	int64_t ts;		/* packet time as the target will compute it */
	unsigned packets;
};

static void flow_begin(struct flowseed *s, unsigned b0, unsigned b1,
		       const uint8_t timeouts[5], uint32_t start_s)
{
	memset(s, 0, sizeof *s);
	put_u8(&s->b, b0);
	put_u8(&s->b, b1);
	put(&s->b, timeouts, 5);
	put_u8(&s->b, 0);
	put_be32(&s->b, start_s);
	s->ts = (int64_t)start_s * 1000000;
}

/* The record's control byte and time step for reaching ts_us: the finest
 * unit that holds the step. */
static void flow_time(struct flowseed *s, unsigned kind, int link,
		      int64_t ts_us)
{
	const int64_t *units = fuzz_time_units;
	int64_t delta = ts_us - s->ts, step = 0;
	unsigned u;

	for (u = 0; u < 3; u++)
		if (delta / units[u] >= -32768 && delta / units[u] <= 32767)
			break;
	step = delta / units[u];
	if (step > 32767)
		step = 32767;
	if (step < -32768)
		step = -32768;
	s->ts += step * units[u];
	put_u8(&s->b, kind << 5 | u << 3 | (unsigned)link);
	put_be16(&s->b, (unsigned)(uint16_t)(int16_t)step);
}

static void flow_packet(struct flowseed *s, int link, int64_t ts_us,
			const uint8_t *p, size_t caplen, size_t wirelen)
{
	unsigned mode = FUZZ_WIRE_CAPLEN, arg = 0;

	if (caplen > SEED_SNAPLEN)
		caplen = SEED_SNAPLEN;
	if (wirelen < caplen) {
		mode = FUZZ_WIRE_SHORTER;
		arg = (unsigned)(caplen - wirelen);
	} else if (wirelen - caplen > 65535) {
		mode = FUZZ_WIRE_MUCH_LONGER;
		arg = (unsigned)((wirelen - caplen) / 1024);
	} else if (wirelen > caplen) {
		mode = FUZZ_WIRE_LONGER;
		arg = (unsigned)(wirelen - caplen);
	}
	flow_time(s, FUZZ_REC_PACKET, link, ts_us);
	put_be16(&s->b, (unsigned)caplen);
	put_u8(&s->b, mode);
	put_be16(&s->b, arg);
	put(&s->b, p, caplen);
	s->packets++;
}

/* A burst record: about copies copies of the frame (see
 * fuzz_burst_copies), the 16-bit field at offset counting up; the
 * record's time step (step_ms, below 32 s) comes before every copy, the
 * first included. */
static void flow_burst(struct flowseed *s, int link, int step_ms,
		       const uint8_t *p, size_t len, unsigned copies,
		       unsigned offset)
{
	unsigned v = copies <= 256 ? copies - 1
				   : 0xff00 | ((copies - 1 + 17) / 18 & 0xff);

	copies = fuzz_burst_copies((uint16_t)v);
	flow_time(s, FUZZ_REC_BURST, link, s->ts + (int64_t)step_ms * 1000);
	put_be16(&s->b, (unsigned)len);
	put_u8(&s->b, FUZZ_WIRE_CAPLEN);
	put_be16(&s->b, 0);
	put_be16(&s->b, v);
	put_be16(&s->b, offset);
	put(&s->b, p, len);
	s->ts += (int64_t)(copies - 1) * step_ms * 1000;
	s->packets += copies;
}

static void flow_control(struct flowseed *s, unsigned kind, int64_t ts_us)
{
	flow_time(s, kind, 0, ts_us);
}

/* --- frames made by hand ------------------------------------------------- */

static void tcp_ip(struct seed_frame *ip, bool v6, bool reply, uint8_t flags,
		   uint16_t cport, uint16_t sport, size_t payload)
{
	struct l4 t = { 6, reply ? sport : cport, reply ? cport : sport,
			flags, 0, payload };

	ip->len = 0;
	if (v6)
		ipv6(ip, reply ? lucs6 : agent6, reply ? agent6 : lucs6, &t,
		     NULL, 0);
	else
		ipv4(ip, reply ? sql4 : lucs4, reply ? lucs4 : sql4, &t, 1,
		     0x4000);
}

static void hand_decode(void)
{
	static const struct {
		const char *name;
		enum wrap w;
		bool v6;
	} wraps[] = {
		{ "ether-ipv4", W_ETHER, false }, { "ether-ipv6", W_ETHER, true },
		{ "vlan-ipv4", W_VLAN, false }, { "qinq-ipv6", W_QINQ, true },
		{ "mpls-ipv4", W_MPLS, false }, { "pppoe-ipv4", W_PPPOE, false },
		{ "pppoe-ipv6", W_PPPOE, true }, { "snap-ipv4", W_SNAP, false },
		{ "sll-ipv4", W_SLL, false }, { "sll2-ipv6", W_SLL2, true },
		{ "null-ipv4", W_NULL, false }, { "null-ipv6", W_NULL, true },
		{ "loop-ipv6", W_LOOP, true }, { "raw-ipv4", W_RAW, false },
		{ "raw-ipv6", W_RAW, true }, { "ipv4-bare", W_BARE, false },
		{ "ipv6-bare", W_BARE, true },
	};
	static const uint8_t ext_all[] = { 0, 43, 60, 51, 0xff };
	static const uint8_t ext_frag[] = { 44, 0xff };
	struct seed_frame ip, fr;
	char name[128];
	int link;

	for (size_t i = 0; i < sizeof wraps / sizeof *wraps; i++) {
		tcp_ip(&ip, wraps[i].v6, false, TCP_SYN, 40000, 1433, 0);
		link = wrap(&fr, wraps[i].w, &ip);
		snprintf(name, sizeof name, "hand-%s-tcp-syn", wraps[i].name);
		decode_seed(name, link, FUZZ_WIRE_CAPLEN, 0, fr.b, fr.len);
	}

	/* Transports, fragments and extension headers over Ethernet. */
	{
		struct l4 udp = { 17, 50000, 3478, 0, 0, 12 };
		struct l4 echo = { 1, 0, 0, 0, 8, 16 };
		struct l4 echo6 = { 58, 0, 0, 0, 128, 16 };
		struct l4 gre = { 47, 0, 0, 0, 0, 8 };
		struct l4 tcpdata = { 6, 40000, 443, TCP_ACK | TCP_PSH, 0, 100 };

		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &udp, 7, 0);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv4-udp", link, 0, 0, fr.b, fr.len);
		ip.len = 0;
		ipv4(&ip, agent4, lucs4, &echo, 8, 0);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv4-icmp-echo", link, 0, 0, fr.b, fr.len);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &echo6, NULL, 0);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv6-icmpv6-echo", link, 0, 0, fr.b,
			    fr.len);
		ip.len = 0;
		ipv4(&ip, agent4, lucs4, &gre, 9, 0);
		link = wrap(&fr, W_RAW, &ip);
		decode_seed("hand-raw-ipv4-gre", link, 0, 0, fr.b, fr.len);
		ip.len = 0;
		ipv4(&ip, agent4, lucs4, &tcpdata, 10, 0x2000);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv4-frag-first", link, 0, 0, fr.b,
			    fr.len);
		ip.len = 0;
		ipv4(&ip, agent4, lucs4, &gre, 10, 0x0010);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv4-frag-later", link, 0, 0, fr.b,
			    fr.len);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &tcpdata, ext_all, 0);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv6-ext-headers", link, 0, 0, fr.b,
			    fr.len);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &udp, ext_frag, 0x0001);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv6-frag-first", link, 0, 0, fr.b,
			    fr.len);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &gre, ext_frag, 0x0100);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv6-frag-later", link, 0, 0, fr.b,
			    fr.len);
		/* a snaplen shorter than the packet, and a damaged record */
		ip.len = 0;
		ipv4(&ip, agent4, lucs4, &tcpdata, 11, 0);
		link = wrap(&fr, W_ETHER, &ip);
		decode_seed("hand-ether-ipv4-snaplen-68", link,
			    FUZZ_WIRE_LONGER, (unsigned)(fr.len - 68), fr.b, 68);
		decode_seed("hand-ether-ipv4-wirelen-short", link,
			    FUZZ_WIRE_SHORTER, 10, fr.b, fr.len);
	}

	/* An IPv6 jumbogram (RFC 2675): payload length 0, a Jumbo Payload
	 * option of 70000 bytes, UDP length 0. */
	{
		struct seed_frame j;

		j.len = 0;
		fput32(&j, 0x60000000);
		fput16(&j, 0);
		fput16(&j, 0 << 8 | 64);	/* hop-by-hop */
		fput(&j, agent6, 16);
		fput(&j, lucs6, 16);
		fput16(&j, 17u << 8 | 0);	/* next UDP, 8 bytes */
		fput16(&j, 0xc204);
		fput32(&j, 70000);
		fput16(&j, 50000);
		fput16(&j, 3478);
		fput32(&j, 0);
		link = wrap(&fr, W_ETHER, &j);
		decode_seed("hand-ether-ipv6-jumbogram", link,
			    FUZZ_WIRE_MUCH_LONGER, 70, fr.b, fr.len);
	}
	/* Not IP: ARP, and an unsupported link type. */
	{
		static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };

		fr.len = 0;
		fput(&fr, macs, 12);
		fput16(&fr, 0x0806);
		fput(&fr, arp, sizeof arp);
		decode_seed("hand-ether-arp", 0, 0, 0, fr.b, fr.len);
		tcp_ip(&ip, false, false, TCP_SYN, 40000, 443, 0);
		decode_seed("hand-unsupported-link", 8, 0, 0, ip.b, ip.len);
	}
}

/* --- tunnels, for the decap target --------------------------------------- */

static const struct tunnel_seed {
	const char *name;
	bool outer_v6, inner_v6, ether;	/* ether: Ethernet inside */
	uint8_t proto;
	uint16_t dport;
	uint8_t hl;
	uint8_t hdr[24];
	unsigned b0;		/* byte 0 beyond the link: fuzz.h */
} tunnel_seeds[] = {
	{ "vxlan", false, false, true, 17, 4789, 8,
	  { 0x08, 0, 0, 0, 0, 0x12, 0x34, 0 }, 0 },
	{ "vxlan-gbp-v6", true, true, true, 17, 4789, 8,
	  { 0x88, 0x48, 0x12, 0x34, 0, 0, 7, 0 }, 0 },
	{ "vxlan-8472", false, true, true, 17, 8472, 8,
	  { 0x08, 0, 0, 0, 0, 0, 7, 0 }, FUZZ_DECAP_PORTS << 3 },
	{ "vxlan-off", false, false, true, 17, 4789, 8,
	  { 0x08, 0, 0, 0, 0, 0, 7, 0 }, FUZZ_DECAP_OFF << 3 },
	{ "vxlan-stackless", true, false, true, 17, 4789, 8,
	  { 0x08, 0, 0, 0, 0, 0, 7, 0 }, 0x20 },
	{ "geneve-eth-options", false, false, true, 17, 6081, 20,
	  { 0x03, 0, 0x65, 0x58, 0, 0, 9, 0, 0x01, 0x08, 0x01, 0x02,
	    1, 2, 3, 4, 5, 6, 7, 8 }, 0 },
	{ "geneve-ipv6", true, true, false, 17, 6081, 8,
	  { 0, 0, 0x86, 0xdd, 0, 0, 9, 0 }, 0 },
	{ "gre-ipv4", false, false, false, 47, 0, 4,
	  { 0, 0, 0x08, 0 }, 0 },
	{ "gre-cks-ipv6", true, true, false, 47, 0, 16,
	  { 0xb0, 0, 0x86, 0xdd, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 1 }, 0 },
	{ "gre-teb-key", false, false, true, 47, 0, 8,
	  { 0x20, 0, 0x65, 0x58, 0, 0, 0, 42 }, 0 },
	{ "pptp-gre", false, false, false, 47, 0, 14,
	  { 0x30, 0x01, 0x88, 0x0b, 0, 42, 0, 7, 0, 0, 0, 1, 0, 0x21 }, 0 },
	{ "erspan1", true, false, true, 47, 0, 4,
	  { 0, 0, 0x88, 0xbe }, 0 },
	{ "erspan2", false, false, true, 47, 0, 16,
	  { 0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 20, 0, 101, 0, 0, 0, 7 },
	  0 },
	{ "erspan3", false, true, true, 47, 0, 16,
	  { 0, 0, 0x22, 0xeb, 0x20, 20, 0, 201, 1, 2, 3, 4, 0, 0, 0, 0x12 },
	  0 },
	{ "erspan3-platform", true, false, true, 47, 0, 24,
	  { 0, 0, 0x22, 0xeb, 0x20, 20, 0, 202, 1, 2, 3, 4, 0, 0, 0, 0x13,
	    0x0c, 0, 0, 7, 0, 0, 0, 1 }, 0 },
	{ "erspan3-ip", false, false, false, 47, 0, 16,
	  { 0, 0, 0x22, 0xeb, 0x20, 20, 0, 203, 1, 2, 3, 4, 0, 0, 0x08, 0x12 },
	  0 },
	{ "ipip-4in4", false, false, false, 4, 0, 0, { 0 }, 0 },
	{ "ipip-6in4", false, true, false, 41, 0, 0, { 0 }, 0 },
	{ "ipip-4in6", true, false, false, 4, 0, 0, { 0 }, 0 },
	{ "ipip-6in6", true, true, false, 41, 0, 0, { 0 }, 0 },
	{ "teredo", false, true, false, 17, 3544, 0, { 0 }, 0 },
	{ "gtp-u", false, false, false, 17, 2152, 8,
	  { 0x30, 0xff, 0, 40, 0, 0, 1, 0x71 }, 0 },
	{ "gtp-c-v2", false, false, false, 17, 2123, 8,
	  { 0x40, 1, 0, 44, 0, 0, 1, 0 }, 0 },
	{ "mpls-in-udp", false, false, false, 17, 6635, 4,
	  { 0, 0x3e, 0x81, 0x40 }, 0 },
	{ "vxlan-gpe", false, false, false, 17, 4790, 8,
	  { 0x0c, 0, 0, 1, 0, 0, 17, 0 }, 0 },
	{ "l2tp", false, false, false, 17, 1701, 8,
	  { 0x40, 0x02, 0, 48, 0, 1, 0, 2 }, 0 },
	{ "gre-in-udp", true, false, false, 17, 4754, 4,
	  { 0, 0, 0x08, 0 }, 0 },
};

/* The IP packet (of outer_v6's family) of tunnel t around ip, in
 * Ethernet when t carries Ethernet: UDP to t's port, GRE or IP in IP, its
 * header, then what it carries. */
static void tunnel_ip(struct seed_frame *f, bool outer_v6,
		      const struct tunnel_seed *t, const struct seed_frame *ip)
{
	static struct seed_frame body;
	struct l4 l4 = { t->proto, 50000, t->dport, 0, 0, 0 };

	if (t->ether)
		wrap(&body, W_ETHER, ip);
	else
		body = *ip;
	l4.payload = t->hl + body.len;
	f->len = 0;
	if (outer_v6)
		ipv6(f, agent6, lucs6, &l4, NULL, 0);
	else
		ipv4(f, sql4, lucs4, &l4, 3, 0x4000);
	memcpy(f->b + f->len - l4.payload, t->hdr, t->hl);
	memcpy(f->b + f->len - body.len, body.b, body.len);
}

/* Every tunnel lucsaudit opens or names, over Ethernet, around an
 * agent's TCP SYN to a LUCS server; and tunnels nested one deeper than
 * LUCS_MAX_TUNNEL_DEPTH allows. */
static void hand_decap(void)
{
	struct seed_frame ip, fr, nest[2];
	char name[128];
	int link;

	for (size_t i = 0; i < sizeof tunnel_seeds / sizeof *tunnel_seeds;
	     i++) {
		const struct tunnel_seed *t = &tunnel_seeds[i];

		tcp_ip(&ip, t->inner_v6, false, TCP_SYN, 40000, 443, 0);
		tunnel_ip(&fr, t->outer_v6, t, &ip);
		link = wrap(&ip, W_ETHER, &fr);
		snprintf(name, sizeof name, "hand-%s", t->name);
		frame_seed("decap", name, (unsigned)link | t->b0, 0, 0, ip.b,
			   ip.len);
	}
	/* VXLAN and GRE by turns, LUCS_MAX_TUNNEL_DEPTH + 1 deep */
	tcp_ip(&nest[0], false, false, TCP_SYN, 40000, 443, 0);
	for (int depth = 0; depth <= LUCS_MAX_TUNNEL_DEPTH; depth++)
		tunnel_ip(&nest[(depth + 1) % 2], false,
			  &tunnel_seeds[depth % 2 ? 0 : 7], &nest[depth % 2]);
	link = wrap(&fr, W_ETHER, &nest[(LUCS_MAX_TUNNEL_DEPTH + 1) % 2]);
	frame_seed("decap", "hand-nested-too-deep", (unsigned)link, 0, 0,
		   fr.b, fr.len);
}

static const uint8_t default_timeouts[5] = { 0, 0, 0, 0, 0 };

/* A TCP conversation: handshake, data, close, over link w. */
static void conversation(struct flowseed *s, enum wrap w, bool v6,
			 uint16_t cport, uint16_t sport, int64_t *t,
			 bool reject)
{
	static const struct { bool reply; uint8_t flags; size_t payload; }
	steps[] = {
		{ false, TCP_SYN, 0 }, { true, TCP_SYN | TCP_ACK, 0 },
		{ false, TCP_ACK, 0 }, { false, TCP_ACK | TCP_PSH, 200 },
		{ true, TCP_ACK | TCP_PSH, 1200 }, { false, TCP_FIN | TCP_ACK, 0 },
		{ true, TCP_FIN | TCP_ACK, 0 }, { false, TCP_ACK, 0 },
	};
	struct seed_frame ip, fr;
	int link;

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		uint8_t flags = steps[i].flags;

		if (reject && i == 1)
			flags = TCP_RST | TCP_ACK;
		tcp_ip(&ip, v6, steps[i].reply, flags, cport, sport,
		       steps[i].payload);
		link = wrap(&fr, w, &ip);
		flow_packet(s, link, *t, fr.b, fr.len, fr.len);
		*t += 1500;
		if (reject && i == 1)
			break;
	}
}

static void hand_flow(void)
{
	static struct flowseed s;
	static const uint8_t short_timeouts[5] = { 2, 5, 2, 3, 2 };
	const uint32_t start = 1700000000;
	int64_t t = (int64_t)start * 1000000;
	struct seed_frame ip, fr;
	int link;

	/* One conversation per link type, text report, port-only. */
	flow_begin(&s, 15 | 0 << 4 | FUZZ_RULES_PORTS << 6, 2,
		   default_timeouts, start);
	conversation(&s, W_ETHER, false, 40000, 1433, &t, false);
	conversation(&s, W_VLAN, true, 40001, 443, &t, false);
	conversation(&s, W_SLL, false, 40002, 19412, &t, false);
	conversation(&s, W_SLL2, true, 40003, 4443, &t, false);
	conversation(&s, W_NULL, false, 40004, 445, &t, true);
	conversation(&s, W_LOOP, true, 40005, 5061, &t, false);
	conversation(&s, W_RAW, false, 40006, 9999, &t, true);
	conversation(&s, W_BARE, true, 40007, 443, &t, false);
	write_seed("flow", "hand-conversations-text", &s.b);

	/* More flows than the table holds (4), JSON, role-aware: evictions. */
	t = (int64_t)start * 1000000;
	flow_begin(&s, 3 | 1 << 4 | FUZZ_RULES_SITE << 6, 3, default_timeouts,
		   start);
	for (unsigned i = 0; i < 12; i++) {
		struct l4 udp = { 17, (uint16_t)(50000 + i), 3478, 0, 0, 40 };

		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &udp, (uint16_t)i, 0);
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		t += 250000;
	}
	conversation(&s, W_ETHER, false, 40000, 1433, &t, false);
	write_seed("flow", "hand-evictions-json-site", &s.b);

	/* Short timeouts and time steps past them, forward and back; a
	 * closed connection's ports reused; CSV, intervals of 1 s. */
	t = (int64_t)start * 1000000;
	flow_begin(&s, 7 | 2 << 4 | FUZZ_RULES_SITE << 6, 1, short_timeouts,
		   start);
	conversation(&s, W_ETHER, false, 40000, 1433, &t, false);
	conversation(&s, W_ETHER, false, 40000, 1433, &t, false);
	t += 10 * 1000000;
	conversation(&s, W_ETHER, false, 40010, 443, &t, true);
	t -= 4 * 1000000;
	conversation(&s, W_ETHER, true, 40011, 443, &t, false);
	t += 3600LL * 1000000;
	flow_control(&s, FUZZ_REC_CLOCK, t);
	conversation(&s, W_ETHER, false, 40012, 445, &t, false);
	write_seed("flow", "hand-expiry-port-reuse-csv", &s.b);

	/* Fragments: later ones first, then the first, then an orphan; a
	 * snapshot and two reloads in between; live, intervals. */
	t = (int64_t)start * 1000000;
	flow_begin(&s, 15 | 0 << 4 | FUZZ_RULES_PORTS << 6, 2 | 4,
		   default_timeouts, start);
	{
		struct l4 later = { 200, 0, 0, 0, 0, 64 };
		struct l4 first = { 17, 50000, 3478, 0, 0, 64 };
		static const uint8_t ext_frag[] = { 44, 0xff };

		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &later, 77, 0x0010);
		ip.b[9] = 17;
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		t += 1000;
		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &first, 77, 0x2000);
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		t += 1000;
		flow_control(&s, FUZZ_REC_SNAPSHOT, t);
		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &later, 78, 0x0020);
		ip.b[9] = 17;
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		flow_control(&s, FUZZ_REC_RELOAD, t);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &later, ext_frag, 0x0100);
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		ip.len = 0;
		ipv6(&ip, agent6, lucs6, &first, ext_frag, 0x0001);
		link = wrap(&fr, W_ETHER, &ip);
		flow_packet(&s, link, t, fr.b, fr.len, fr.len);
		flow_control(&s, FUZZ_REC_RELOAD, t + 61000000);
		conversation(&s, W_ETHER, false, 40000, 1433, &t, false);
	}
	write_seed("flow", "hand-fragments-snapshot-reload-live", &s.b);

	/* Bursts: 300 clients of one undocumented UDP port (the distinct
	 * client count turns into an estimate), then 4200 servers (more
	 * groups than the tally keeps), 150 new unexpected flows in one
	 * interval; JSON, role-aware, 16 flows. */
	flow_begin(&s, 15 | 1 << 4 | FUZZ_RULES_SITE << 6, 3, default_timeouts,
		   start);
	{
		struct l4 udp = { 17, 40000, 9999, 0, 0, 20 };

		ip.len = 0;
		ipv4(&ip, agent4, sfb4, &udp, 1, 0);
		link = wrap(&fr, W_ETHER, &ip);
		/* Ethernet 14 + IPv4 source at 12: its last two bytes */
		flow_burst(&s, link, 1, fr.b, fr.len, 300, 14 + 14);
		flow_burst(&s, link, 2, fr.b, fr.len, 4200, 14 + 18);
	}
	write_seed("flow", "hand-bursts-clients-groups-json", &s.b);
}

/* --- captures ------------------------------------------------------------ */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void from_capture(const char *path, unsigned nth)
{
	char err[PCAP_ERRBUF_SIZE], stem[256], name[512];
	const char *base = strrchr(path, '/');
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *bytes;
	uint64_t seen[DECODE_PER_CAPTURE];
	size_t nseen = 0;
	static struct flowseed s;
	unsigned chunk = 0, packets = 0;
	int link, rc;

	if (!p) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, err);
		return;
	}
	link = fuzz_link_index(pcap_datalink(p));
	if (link < 0) {
		fprintf(stderr, "fuzz-seeds: %s: link type %s not decoded: "
			"skipped\n", path,
			pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return;
	}
	snprintf(stem, sizeof stem, "%s", base ? base + 1 : path);
	if (strchr(stem, '.'))
		*strrchr(stem, '.') = '\0';
	s.packets = 0;
	while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		size_t cap = h->caplen < SEED_SNAPLEN ? h->caplen : SEED_SNAPLEN;
		uint64_t hash = fnv1a(bytes, cap);
		bool dup = false;

		packets++;
		for (size_t i = 0; i < nseen; i++)
			dup |= seen[i] == hash;
		if (!dup && nseen < DECODE_PER_CAPTURE) {
			size_t wire = h->len;

			seen[nseen++] = hash;
			snprintf(name, sizeof name, "%s-%u", stem, packets);
			decode_seed(name, link,
				    wire > cap ? FUZZ_WIRE_LONGER : 0,
				    wire > cap ? (unsigned)(wire - cap > 65535 ?
							    65535 : wire - cap)
					       : 0,
				    bytes, cap);
		}
		if (s.packets == 0) {
			/* writers, rule sets and intervals vary by capture */
			flow_begin(&s, 15 | (nth + chunk) % 3 << 4 |
					       (nth + chunk) % FUZZ_RULES_COUNT << 6,
				   (nth + chunk) % 4, default_timeouts,
				   (uint32_t)h->ts.tv_sec);
		}
		flow_packet(&s, link, ts, bytes, h->caplen, h->len);
		if (s.packets == FLOW_CHUNK) {
			snprintf(name, sizeof name, "%s-chunk%u", stem, chunk);
			write_seed("flow", name, &s.b);
			s.packets = 0;
			if (++chunk == FLOW_CHUNKS_MAX)
				break;
		}
	}
	if (s.packets) {
		snprintf(name, sizeof name, "%s-chunk%u", stem, chunk);
		write_seed("flow", name, &s.b);
	}
	if (rc == -1)
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, pcap_geterr(p));
	pcap_close(p);
}

static void make_dir(const char *a, const char *b)
{
	char path[4096];

	snprintf(path, sizeof path, "%s%s%s", a, b ? "/" : "", b ? b : "");
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fuzz-seeds OUTDIR [CAPTURE...]\n");
		return 2;
	}
	outdir = argv[1];
	make_dir(outdir, NULL);
	make_dir(outdir, "decode");
	make_dir(outdir, "decap");
	make_dir(outdir, "flow");
	hand_decode();
	hand_decap();
	hand_flow();
	for (int i = 2; i < argc; i++)
		from_capture(argv[i], (unsigned)(i - 2));
	printf("fuzz-seeds: %u seeds in %s (%d captures)\n", written, outdir,
	       argc - 2);
	return 0;
}
