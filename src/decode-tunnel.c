/* decode-tunnel.c: the tunnels remote mirrors and overlays arrive in,
 * opened down to the traffic inside: VXLAN (RFC 7348), Geneve (RFC 8926),
 * GRE (RFC 2784, RFC 2890) carrying IPv4, IPv6 or Ethernet (transparent
 * Ethernet bridging), ERSPAN types I, II and III in GRE
 * (draft-foschiano-erspan-03), and IPv4 or IPv6 in IPv4 or IPv6 (RFC 2003,
 * RFC 4213, RFC 2473).  Recognised and named, not opened: Teredo (RFC 4380),
 * GTP-U and GTP-C (3GPP TS 29.281, 29.060, 29.274), MPLS in UDP (RFC 7510),
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe), L2TP (RFC 2661, RFC 3931), GRE in
 * UDP (RFC 8086).
 *
 *  VXLAN                                 Geneve
 *  +-+-+-+-+-+-+-+-+-----------------+   +---+------+-+-+------+--------------+
 *  |R|R|R|R|I|R|R|R|    Reserved     |   |Ver|OptLen|O|C| Rsvd |Protocol Type |
 *  +-+-+-+-+-+-+-+-+---------+-------+   +---+------+-+-+------+-------+------+
 *  |   VNI (24 bits)         | Rsvd  |   |   VNI (24 bits)             | Rsvd |
 *  +-------------------------+-------+   +-----------------------------+------+
 *                                        | options, OptLen 4-byte words  ...
 *  GRE
 *  +-+-+-+-+-------------------+-----+-----------------+
 *  |C|R|K|S|  Reserved0        | Ver |  Protocol Type  |
 *  +-+-+-+-+-------------------+-----+-----------------+
 *  |  Checksum (C)             |  Reserved1 (C)        |
 *  |  Key (K)                                          |
 *  |  Sequence number (S)                              |
 *  +---------------------------------------------------+
 *  ERSPAN II (0x88be, S set)             ERSPAN III (0x22eb)
 *  +---+------+---+--+-+----------+      +---+------+---+---+-+----------+
 *  |Ver| VLAN |COS|En|T|Session ID|      |Ver| VLAN |COS|BSO|T|Session ID|
 *  +---+------+---+--+-+----------+      +---+------+---+---+-+----------+
 *  |Reserved (12)| Index (20)     |      |  Timestamp                    |
 *  +-------------+----------------+      +-------------+-+--+----+-+--+-+
 *  ERSPAN I (0x88be, S clear):           |  SGT        |P|FT|HwID|D|Gr|O|
 *  no header, Ethernet follows           +-------------+-+--+----+-+--+-+
 *                                        | platform subheader (O): 8 bytes
 *
 * A tunnel is opened only after strict checks: reserved bits zero, the
 * version the specification names, lengths within the packet.  A UDP port
 * alone proves nothing, so a datagram to a VXLAN or Geneve port whose
 * header fails them stays the UDP flow it looks like; IP protocols 4, 41
 * and 47 do prove their header, so a GRE header that fails them is a
 * decode error.  The bytes inside a tunnel count as on the wire as far as
 * the outer headers' lengths say: each layer's wire length is the one
 * around it less the header, exactly as link layers take theirs.
 */
#include "decode.h"

#include <string.h>

#include "decode-layers.h"
#include "span.h"
#include "tunables.h"

#define UDP_HDR 8
#define VXLAN_HDR 8
#define GENEVE_HDR 8
#define GENEVE_OPT_HDR 4
#define GRE_HDR 4
#define ERSPAN2_HDR 8
#define ERSPAN3_HDR 12
#define ERSPAN3_SUBHDR 8	/* the platform-specific subheader (O) */

enum { PORT_VXLAN = 4789, PORT_GENEVE = 6081 };

enum {
	ET_IPV4 = 0x0800, ET_IPV6 = 0x86dd, ET_BRIDGE = 0x6558,
	ET_ERSPAN = 0x88be, ET_ERSPAN3 = 0x22eb, ET_MIN = 0x0600
};

enum {
	GRE_C = 0x8000, GRE_K = 0x2000, GRE_S = 0x1000,
	GRE_RESERVED0 = 0x4ff8,	/* RFC 1701's routing, recursion, flags */
	GRE_VERSION = 0x0007
};

/* What is inside a tunnel header. */
enum inner_link { INNER_NONE, INNER_ETHER, INNER_IPV4, INNER_IPV6, INNER_IP };

/* A tunnel header read: the layer it makes and the packet it carries. */
struct inner {
	struct span frame;	/* the packet inside, as captured */
	uint32_t wire;		/* its bytes on the wire */
	uint8_t link;		/* enum inner_link; INNER_NONE: not opened */
	uint8_t unopened;	/* enum tunnel_unopened, when not opened */
	uint8_t type;		/* enum tunnel_type of the layer */
	bool has_id;
	uint32_t id;
};

/* Every frame goes from the reader thread to the audit, and is copied
 * again into the audit's ring: struct frame stays 80 bytes (what a frame
 * carries beyond that goes in a struct frame_extra, for the few frames
 * that have it). */
_Static_assert(sizeof(struct pkt) <= 64, "struct pkt grew");
_Static_assert(sizeof(struct frame) <= 80, "struct frame grew");

static const char *const type_names[TUNNEL_TYPE_COUNT] = {
	[TUNNEL_NONE] = "none",
	[TUNNEL_VXLAN] = "vxlan",
	[TUNNEL_GENEVE] = "geneve",
	[TUNNEL_GRE] = "gre",
	[TUNNEL_ERSPAN] = "erspan",
	[TUNNEL_IPIP] = "ipip",
};

static const char *const unopened_names[UNOPENED_COUNT] = {
	[UNOPENED_NONE] = "none",
	[UNOPENED_TEREDO] = "teredo",
	[UNOPENED_GTP_U] = "gtp_u",
	[UNOPENED_GTP_C] = "gtp_c",
	[UNOPENED_MPLS_UDP] = "mpls_in_udp",
	[UNOPENED_VXLAN_GPE] = "vxlan_gpe",
	[UNOPENED_L2TP] = "l2tp",
	[UNOPENED_GRE_UDP] = "gre_in_udp",
	[UNOPENED_GRE_OTHER] = "gre_other",
	[UNOPENED_GENEVE_OTHER] = "geneve_other",
	[UNOPENED_FRAGMENT] = "tunnel_fragment",
};

/* names[i], or "unknown" past the n of them. */
static const char *name_of(const char *const *names, unsigned n, unsigned i)
{
	return i < n ? names[i] : "unknown";
}

const char *tunnel_type_name(enum tunnel_type t)
{
	return name_of(type_names, TUNNEL_TYPE_COUNT, (unsigned)t);
}

const char *tunnel_unopened_name(enum tunnel_unopened u)
{
	return name_of(unopened_names, UNOPENED_COUNT, (unsigned)u);
}

/* --- encapsulations recognised, not opened ------------------------------- */

/* RFC 4380 5.1.1: an IPv6 packet filling the datagram, behind an optional
 * authentication indicator (type 1) and an optional origin indication
 * (type 0), in that order. */
static bool teredo_like(struct span b, uint32_t wire)
{
	uint8_t h[4], vtc;
	uint16_t plen;
	size_t off = 0;

	if (read_bytes(b, 0, h, 4) && h[0] == 0 && h[1] == 1)
		off = 4 + (size_t)h[2] + h[3] + 8 + 1;	/* ids, nonce, conf. */
	if (read_bytes(b, off, h, 2) && h[0] == 0 && h[1] == 0)
		off += 8;
	return read_u8(b, off, &vtc) && vtc >> 4 == 6 &&
	       read_be16(b, off + 4, &plen) && off + 40 + plen == wire;
}

/* GTPv1 (TS 29.281, 29.060): version 1, protocol type GTP, the spare bit
 * clear; the length counts what follows the first 8 bytes. */
static bool gtp1_like(struct span b, uint32_t wire)
{
	uint8_t flags;
	uint16_t len;

	return read_u8(b, 0, &flags) && (flags & 0xf8) == 0x30 &&
	       read_be16(b, 2, &len) && (uint32_t)len + 8 == wire;
}

/* GTPv1-C, or GTPv2-C (TS 29.274): version 2, spare bits clear, the
 * length counting what follows the first 4 bytes (less than the datagram
 * when a piggybacked message follows, P set). */
static bool gtp_c_like(struct span b, uint32_t wire)
{
	uint8_t flags;
	uint16_t len;

	if (gtp1_like(b, wire))
		return true;
	if (!read_u8(b, 0, &flags) || (flags & 0xe3) != 0x40 ||
	    !read_be16(b, 2, &len))
		return false;
	return (uint32_t)len + 4 == wire ||
	       ((flags & 0x10) && (uint32_t)len + 4 < wire);
}

/* RFC 7510: an MPLS label stack, its bottom within the link-layer limit. */
static bool mpls_like(struct span b, uint32_t wire)
{
	(void)wire;
	for (size_t i = 0; i < LUCS_MAX_LINK_TAGS; i++) {
		uint32_t entry;

		if (!read_be32(b, 4 * i, &entry))
			return false;
		if (entry & 0x100)
			return true;
	}
	return false;
}

/* VXLAN-GPE: version 0, the I flag, a next protocol, the last byte 0. */
static bool gpe_like(const uint8_t h[VXLAN_HDR])
{
	return (h[0] & 0xf8) == 0x08 && h[3] != 0 && h[7] == 0;
}

static bool gpe_span_like(struct span b, uint32_t wire)
{
	uint8_t h[VXLAN_HDR];

	(void)wire;
	return read_bytes(b, 0, h, sizeof h) && gpe_like(h);
}

/* L2TPv2 (RFC 2661 3.1): reserved bits clear, a control message with
 * length and sequence, a length that is the datagram's.  L2TPv3 over UDP
 * (RFC 3931 4.1.2): a control message so, or a data header whose
 * reserved bits are all clear. */
static bool l2tp_like(struct span b, uint32_t wire)
{
	uint16_t w, len;

	if (!read_be16(b, 0, &w) || !read_be16(b, 2, &len))
		return false;
	switch (w & 0x000f) {
	case 2:
		if ((w & 0x34f0) || ((w & 0x8000) && (w & 0x4800) != 0x4800))
			return false;
		return !(w & 0x4000) || len == wire;
	case 3:
		if (w == 0xc803)
			return len == wire;
		return w == 0x0003 && len == 0;
	default:
		return false;
	}
}

/* RFC 8086: a GRE version 0 header with RFC 2784's reserved bits clear. */
static bool gre_like(struct span b, uint32_t wire)
{
	uint16_t flags, type;

	(void)wire;
	return read_be16(b, 0, &flags) && read_be16(b, 2, &type) &&
	       (flags & (GRE_RESERVED0 | GRE_VERSION)) == 0 && type >= ET_MIN;
}

/* The checks read what was captured of the datagram, never more than its
 * wire bytes: a length that fits the capture fits the datagram. */
static const struct recognised {
	uint16_t port;
	bool either;		/* answers come from it: the source port too */
	uint8_t kind;		/* enum tunnel_unopened */
	bool (*like)(struct span b, uint32_t wire);
} recognised[] = {
	{ 3544, true, UNOPENED_TEREDO, teredo_like },
	{ 2152, false, UNOPENED_GTP_U, gtp1_like },
	{ 2123, true, UNOPENED_GTP_C, gtp_c_like },
	{ 6635, false, UNOPENED_MPLS_UDP, mpls_like },
	{ 4790, false, UNOPENED_VXLAN_GPE, gpe_span_like },
	{ 1701, true, UNOPENED_L2TP, l2tp_like },
	{ 4754, false, UNOPENED_GRE_UDP, gre_like },
};

#define N_RECOGNISED (sizeof recognised / sizeof recognised[0])

static uint8_t recognise(struct span b, uint32_t wire, uint16_t sport,
			 uint16_t dport)
{
	for (size_t i = 0; i < N_RECOGNISED; i++) {
		const struct recognised *r = &recognised[i];

		if ((dport == r->port || (r->either && sport == r->port)) &&
		    r->like(b, wire))
			return r->kind;
	}
	return UNOPENED_NONE;
}

/* --- configuration ------------------------------------------------------- */

static void filter_add(struct decode_config *cfg, uint16_t port)
{
	cfg->udp_filter[port >> 6 & 15] |= (uint64_t)1 << (port & 63);
}

static bool port_in(const uint16_t ports[LUCS_MAX_TUNNEL_PORTS],
		    uint16_t port)
{
	for (size_t i = 0; i < LUCS_MAX_TUNNEL_PORTS; i++)
		if (ports[i] == port)
			return port != 0;
	return false;
}

static void filter_build(struct decode_config *cfg)
{
	memset(cfg->udp_filter, 0, sizeof cfg->udp_filter);
	for (size_t i = 0; i < LUCS_MAX_TUNNEL_PORTS; i++) {
		if (cfg->vxlan_ports[i])
			filter_add(cfg, cfg->vxlan_ports[i]);
		if (cfg->geneve_ports[i])
			filter_add(cfg, cfg->geneve_ports[i]);
	}
	for (size_t i = 0; i < N_RECOGNISED; i++)
		filter_add(cfg, recognised[i].port);
}

void decode_config_default(struct decode_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->decap = true;
	cfg->vxlan_ports[0] = PORT_VXLAN;
	cfg->geneve_ports[0] = PORT_GENEVE;
	filter_build(cfg);
}

bool decode_config_ports(struct decode_config *cfg, enum tunnel_type type,
			 const uint16_t *ports, size_t n)
{
	uint16_t *mine, *other;

	switch (type) {
	case TUNNEL_VXLAN:
		mine = cfg->vxlan_ports;
		other = cfg->geneve_ports;
		break;
	case TUNNEL_GENEVE:
		mine = cfg->geneve_ports;
		other = cfg->vxlan_ports;
		break;
	default:
		return false;
	}
	if (n > LUCS_MAX_TUNNEL_PORTS)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ports[i] == 0 || port_in(other, ports[i]))
			return false;
	memset(mine, 0, LUCS_MAX_TUNNEL_PORTS * sizeof *mine);
	if (n)
		memcpy(mine, ports, n * sizeof *ports);
	filter_build(cfg);
	return true;
}

/* --- tunnel headers ------------------------------------------------------ */

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* The packet inside starts off bytes into b (a header already read, so
 * captured) and is carried as link. */
static enum decode_status inside(struct span b, uint32_t wire, size_t off,
				 uint8_t link, struct inner *in)
{
	span_tail(b, off, &in->frame);
	in->wire = wire - (uint32_t)off;
	in->link = link;
	return DECODE_OK;
}

/* n bytes of header at the start of b, of a packet of wire bytes on the
 * wire: a packet too short for them is malformed, a capture that stopped
 * before them truncated. */
static enum decode_status header_has(struct span b, uint32_t wire, size_t n)
{
	if (n > wire)
		return DECODE_TUNNEL_BAD_HEADER;
	return span_has(b, 0, n) ? DECODE_OK : DECODE_TUNNEL_TRUNCATED;
}

/* RFC 7348 with only the I flag set, everything reserved clear, or the
 * group policy extension (draft-smith-vxlan-group-policy: G flag, D and A
 * bits, a policy id) that Linux and Cisco send. */
static bool vxlan_ok(const uint8_t h[VXLAN_HDR])
{
	if (h[7] != 0)
		return false;
	if (h[0] == 0x08)
		return h[1] == 0 && h[2] == 0 && h[3] == 0;
	return h[0] == 0x88 && (h[1] & ~0x48) == 0;
}

_Static_assert(VXLAN_HDR == GENEVE_HDR, "one fixed UDP tunnel header");

/* The 8 bytes a VXLAN or Geneve header starts with, into h; false, with
 * *st saying why, when the datagram is too short for them (DECODE_OK: no
 * tunnel) or the capture stopped before them. */
static bool udp_tunnel_header(struct span b, uint32_t wire,
			      uint8_t h[VXLAN_HDR], enum decode_status *st)
{
	*st = wire < VXLAN_HDR ? DECODE_OK : DECODE_TUNNEL_TRUNCATED;
	return wire >= VXLAN_HDR && read_bytes(b, 0, h, VXLAN_HDR);
}

/* A VXLAN or Geneve layer, its VNI in h; what it carries starts off
 * bytes into b. */
static enum decode_status vni_layer(struct span b, uint32_t wire, size_t off,
				    uint8_t type, uint8_t link,
				    const uint8_t h[VXLAN_HDR],
				    struct inner *in)
{
	in->type = type;
	in->has_id = true;
	in->id = be24(h + 4);
	return inside(b, wire, off, link, in);
}

/* A datagram to a VXLAN port; not VXLAN unless its header passes. */
static enum decode_status open_vxlan(struct span b, uint32_t wire,
				     struct inner *in)
{
	uint8_t h[VXLAN_HDR];
	enum decode_status st;

	if (!udp_tunnel_header(b, wire, h, &st))
		return st;
	if (!vxlan_ok(h)) {
		if (gpe_like(h))
			in->unopened = UNOPENED_VXLAN_GPE;
		return DECODE_OK;
	}
	return vni_layer(b, wire, VXLAN_HDR, TUNNEL_VXLAN, INNER_ETHER, h, in);
}

/* Geneve options: type-length-value, lengths in 4-byte words, that fill
 * exactly the options length.  1: not captured; -1: they do not add up. */
static int geneve_options(struct span b, size_t end)
{
	for (size_t off = GENEVE_HDR; off < end;) {
		uint8_t len;

		if (!read_u8(b, off + 3, &len))
			return 1;
		off += GENEVE_OPT_HDR + 4 * (size_t)(len & 0x1f);
		if (off > end)
			return -1;
	}
	return span_has(b, 0, end) ? 0 : 1;
}

/* A datagram to a Geneve port: version 0, reserved bits clear, options
 * that add up within the datagram. */
static enum decode_status open_geneve(struct span b, uint32_t wire,
				      struct inner *in)
{
	uint8_t h[GENEVE_HDR], link;
	enum decode_status st;
	size_t end;
	int opts;

	if (!udp_tunnel_header(b, wire, h, &st))
		return st;
	end = GENEVE_HDR + 4 * (size_t)(h[0] & 0x3f);
	if (h[0] >> 6 != 0 || (h[1] & 0x3f) != 0 || h[7] != 0 || end > wire)
		return DECODE_OK;
	opts = geneve_options(b, end);
	if (opts < 0)
		return DECODE_OK;
	if (opts > 0)
		return DECODE_TUNNEL_TRUNCATED;
	switch ((uint16_t)(h[2] << 8 | h[3])) {
	case ET_BRIDGE:
		link = INNER_ETHER;
		break;
	case ET_IPV4:
		link = INNER_IPV4;
		break;
	case ET_IPV6:
		link = INNER_IPV6;
		break;
	default:
		in->unopened = UNOPENED_GENEVE_OTHER;
		return DECODE_OK;
	}
	return vni_layer(b, wire, end, TUNNEL_GENEVE, link, h, in);
}

/* ERSPAN type II (off: its header, after GRE's): version 1, reserved bits
 * clear; an Ethernet frame follows. */
static enum decode_status open_erspan2(struct span b, uint32_t wire,
				       size_t off, struct inner *in)
{
	uint16_t w0 = 0;	/* header_has saw them captured; GCC cannot */
	uint32_t w1 = 0;
	enum decode_status st = header_has(b, wire, off + ERSPAN2_HDR);

	if (st != DECODE_OK)
		return st;
	read_be16(b, off, &w0);
	read_be32(b, off + 4, &w1);
	if (w0 >> 12 != 1 || w1 >> 20 != 0)
		return DECODE_TUNNEL_BAD_HEADER;
	read_be16(b, off + 2, &w0);
	in->id = w0 & 0x3ff;
	return inside(b, wire, off + ERSPAN2_HDR, INNER_ETHER, in);
}

/* ERSPAN type III: version 2, then the platform-specific subheader when
 * the O flag is set; an Ethernet frame (frame type 0) or an IP packet
 * (frame type 2) follows. */
static enum decode_status open_erspan3(struct span b, uint32_t wire,
				       size_t off, struct inner *in)
{
	uint16_t w0 = 0, w5 = 0;	/* header_has saw them captured */
	size_t len = ERSPAN3_HDR;
	uint8_t link;
	enum decode_status st = header_has(b, wire, off + ERSPAN3_HDR);

	if (st != DECODE_OK)
		return st;
	read_be16(b, off, &w0);
	read_be16(b, off + 10, &w5);
	if (w0 >> 12 != 2)
		return DECODE_TUNNEL_BAD_HEADER;
	switch (w5 >> 10 & 0x1f) {
	case 0:
		link = INNER_ETHER;
		break;
	case 2:
		link = INNER_IP;
		break;
	default:
		return DECODE_TUNNEL_BAD_HEADER;
	}
	if (w5 & 1) {
		len += ERSPAN3_SUBHDR;
		st = header_has(b, wire, off + len);
		if (st != DECODE_OK)
			return st;
	}
	read_be16(b, off + 2, &w0);
	in->id = w0 & 0x3ff;
	return inside(b, wire, off + len, link, in);
}

/* GRE version 0 with RFC 2784's reserved bits clear and the optional
 * fields of RFC 2890; ERSPAN is told by the protocol type and, for types I
 * and II, the sequence bit.  PPTP's version 1 and the payloads lucsaudit
 * does not open stay the GRE flow. */
static enum decode_status open_gre(struct span b, uint32_t wire,
				   struct inner *in)
{
	uint16_t flags, type, reserved1;
	size_t off = GRE_HDR;
	enum decode_status st = header_has(b, wire, GRE_HDR);

	if (st != DECODE_OK)
		return st;
	read_be16(b, 0, &flags);
	read_be16(b, 2, &type);
	if ((flags & GRE_VERSION) == 1) {
		in->unopened = UNOPENED_GRE_OTHER;
		return DECODE_OK;
	}
	if (flags & (GRE_RESERVED0 | GRE_VERSION))
		return DECODE_TUNNEL_BAD_HEADER;
	off += (flags & GRE_C ? 4 : 0) + (flags & GRE_K ? 4 : 0) +
	       (flags & GRE_S ? 4 : 0);
	st = header_has(b, wire, off);
	if (st != DECODE_OK)
		return st;
	if ((flags & GRE_C) && read_be16(b, 6, &reserved1) && reserved1 != 0)
		return DECODE_TUNNEL_BAD_HEADER;
	in->type = TUNNEL_GRE;
	in->has_id = (flags & GRE_K) != 0;
	if (in->has_id)
		read_be32(b, flags & GRE_C ? 8 : 4, &in->id);
	switch (type) {
	case ET_IPV4:
		return inside(b, wire, off, INNER_IPV4, in);
	case ET_IPV6:
		return inside(b, wire, off, INNER_IPV6, in);
	case ET_BRIDGE:
		return inside(b, wire, off, INNER_ETHER, in);
	case ET_ERSPAN:		/* type I keeps the key, if any, as its id */
		in->type = TUNNEL_ERSPAN;
		if (!(flags & GRE_S))
			return inside(b, wire, off, INNER_ETHER, in);
		in->has_id = true;
		return open_erspan2(b, wire, off, in);
	case ET_ERSPAN3:
		in->type = TUNNEL_ERSPAN;
		in->has_id = true;
		return open_erspan3(b, wire, off, in);
	default:
		in->unopened = UNOPENED_GRE_OTHER;
		return DECODE_OK;
	}
}

/* --- the layers ---------------------------------------------------------- */

/* A fragment of a tunnel's packet: its header may be there, what it
 * carries is not, and nothing is reassembled. */
static uint8_t fragment_kind(const struct decode_config *cfg,
			     const struct pkt *p)
{
	switch (p->proto) {
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
	case IPPROTO_NUM_GRE:
		return UNOPENED_FRAGMENT;
	case IPPROTO_NUM_UDP:	/* a first fragment: the ports are known */
		if (port_in(cfg->vxlan_ports, p->dport) ||
		    port_in(cfg->geneve_ports, p->dport))
			return UNOPENED_FRAGMENT;
		return UNOPENED_NONE;
	default:
		return UNOPENED_NONE;
	}
}

/* The tunnel header at the start of b, the payload of packet p. */
static enum decode_status open_layer(const struct decode_config *cfg,
				     const struct pkt *p, struct span b,
				     struct inner *in)
{
	uint32_t wire = p->payload_len;

	switch (p->proto) {
	case IPPROTO_NUM_IPIP:
		in->type = TUNNEL_IPIP;
		return inside(b, wire, 0, INNER_IPV4, in);
	case IPPROTO_NUM_IPV6:
		in->type = TUNNEL_IPIP;
		return inside(b, wire, 0, INNER_IPV6, in);
	case IPPROTO_NUM_GRE:
		return open_gre(b, wire, in);
	case IPPROTO_NUM_UDP:
		if (port_in(cfg->vxlan_ports, p->dport))
			return open_vxlan(b, wire, in);
		if (port_in(cfg->geneve_ports, p->dport))
			return open_geneve(b, wire, in);
		in->unopened = recognise(b, wire, p->sport, p->dport);
		return DECODE_OK;
	default:
		return DECODE_OK;
	}
}

static enum decode_status decode_inner(const struct inner *in,
				       struct pkt *out,
				       struct frame_extra *ext)
{
	const uint8_t *p = in->frame.p;
	size_t len = in->frame.len;

	switch (in->link) {
	case INNER_ETHER:
		return decode_ether_ctx(p, len, out, ext);
	case INNER_IPV4:
		return decode_ipv4_ctx(p, len, out, ext);
	case INNER_IPV6:
		return decode_ipv6_ctx(p, len, out, ext);
	default:
		return decode_ip_ctx(p, len, out, ext);
	}
}

enum decode_status decap_payload(struct frame_extra *ext, struct span payload,
				 struct pkt *out)
{
	struct inner in = { .link = INNER_NONE };
	struct tunnel_layer *l;
	enum decode_status st;

	if (!ext->cfg->decap)	/* --no-decap: nothing opened, nothing named */
		return DECODE_OK;
	if (out->frag != PKT_WHOLE) {
		out->unopened = fragment_kind(ext->cfg, out);
		return DECODE_OK;
	}
	st = open_layer(ext->cfg, out, payload, &in);
	if (st != DECODE_OK)
		return st;
	if (in.link == INNER_NONE) {
		out->unopened = in.unopened;
		return DECODE_OK;
	}
	if (ext->depth == LUCS_MAX_TUNNEL_DEPTH)
		return DECODE_TUNNEL_TOO_DEEP;
	l = &ext->layer[ext->depth++];
	memset(l, 0, sizeof *l);	/* padding too: tunnels.c compares whole */
	l->type = in.type;
	l->family = out->family;
	l->has_id = in.has_id;
	l->id = in.id;
	memcpy(l->src, out->src, sizeof l->src);
	memcpy(l->dst, out->dst, sizeof l->dst);

	/* The packet inside, decoded by the same layers, which may open
	 * the next tunnel: at most LUCS_MAX_TUNNEL_DEPTH calls deep. */
	memset(out, 0, sizeof *out);
	out->wire_left = in.wire;
	out->tunnel_depth = ext->depth;
	return decode_inner(&in, out, ext);
}

enum decode_status decode_ext_stackless(const struct decode_config *cfg,
					    int dlt, const uint8_t *p,
					    size_t caplen, size_t wirelen,
					    struct pkt *out)
{
	struct frame_extra ext;

	return decode_packet_ext(cfg, dlt, p, caplen, wirelen, out, &ext);
}
