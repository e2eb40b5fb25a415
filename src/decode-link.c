/* decode-link.c: link layers to IP: Ethernet II with 802.1Q/802.1ad tags
 * (IEEE 802.1Q-2018), 802.2 SNAP, MPLS (RFC 3032), PPPoE sessions
 * (RFC 2516), Linux cooked SLL and SLL2, BSD NULL/LOOP and raw IP.
 *
 * Link-layer framing is skipped, never trusted for lengths: the IP header
 * decides what the packet is worth.  The two entry points start here:
 * decode_packet, and decode_packet_ext (see decode-layers.h).
 */
#include "decode.h"

#include <pcap/dlt.h>

#include "decode-layers.h"
#include "ptime.h"
#include "span.h"
#include "tunables.h"

#define ETH_HDR_LEN 14
#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define NULL_HDR_LEN 4
#define VLAN_TAG_LEN 4
#define MPLS_LABEL_LEN 4
#define PPPOE_HDR_LEN 8		/* 6 bytes PPPoE + 2 bytes PPP protocol */

enum {
	ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_VLAN = 0x8100, ETHERTYPE_QINQ = 0x88a8,
	ETHERTYPE_QINQ_OLD = 0x9100, ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848, ETHERTYPE_PPPOE = 0x8864,
	ETHERTYPE_MIN = 0x0600	/* below: an 802.3 length field */
};

enum { PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057 };

static const char *const status_names[DECODE_STATUS_COUNT] = {
	[DECODE_OK] = "ok",
	[DECODE_LINK_TRUNCATED] = "link_truncated",
	[DECODE_TOO_MANY_TAGS] = "too_many_tags",
	[DECODE_NON_IP] = "non_ip",
	[DECODE_IP_BAD_VERSION] = "ip_bad_version",
	[DECODE_IPV4_TRUNCATED] = "ipv4_truncated",
	[DECODE_IPV4_BAD_HEADER_LENGTH] = "ipv4_bad_header_length",
	[DECODE_IPV4_BAD_TOTAL_LENGTH] = "ipv4_bad_total_length",
	[DECODE_IPV6_TRUNCATED] = "ipv6_truncated",
	[DECODE_IPV6_BAD_PAYLOAD_LENGTH] = "ipv6_bad_payload_length",
	[DECODE_IPV6_EXT_TRUNCATED] = "ipv6_ext_truncated",
	[DECODE_IPV6_TOO_MANY_EXT] = "ipv6_too_many_ext",
	[DECODE_TCP_TRUNCATED] = "tcp_truncated",
	[DECODE_TCP_BAD_OFFSET] = "tcp_bad_offset",
	[DECODE_UDP_TRUNCATED] = "udp_truncated",
	[DECODE_UDP_BAD_LENGTH] = "udp_bad_length",
	[DECODE_ICMP_TRUNCATED] = "icmp_truncated",
	[DECODE_FRAG_FIRST_TOO_SHORT] = "fragment_first_too_short",
	[DECODE_FRAG_ORPHAN] = "fragment_orphan",
	[DECODE_BAD_TIMESTAMP] = "bad_timestamp",
	[DECODE_TUNNEL_TRUNCATED] = "tunnel_truncated",
	[DECODE_TUNNEL_BAD_HEADER] = "tunnel_bad_header",
	[DECODE_TUNNEL_TOO_DEEP] = "tunnel_too_deep",
	[DECODE_LINK_BAD_LENGTH] = "link_bad_length",
};

const char *decode_status_name(enum decode_status st)
{
	if ((unsigned)st >= DECODE_STATUS_COUNT)
		return "unknown";
	return status_names[st];
}

bool decode_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

/* Skip n header bytes of both the captured span and the wire length.
 * Every caller has already read a field ending at or past n; were the
 * bytes missing, the span empties and the next read reports truncation. */
static void advance(struct span *s, size_t n, struct pkt *out)
{
	if (n > s->len)
		n = s->len;
	s->p += n;
	s->len -= n;
	out->wire_left -= (uint32_t)n;	/* wire_left >= captured bytes */
}

DECODE_BODY enum decode_status decode_mpls_payload(struct span s,
						   struct pkt *out,
						   struct frame_extra *ext)
{
	uint8_t first;

	if (!read_u8(s, 0, &first))
		return DECODE_LINK_TRUNCATED;
	switch (first >> 4) {
	case 4:
		return next_ipv4(s, out, ext);
	case 6:
		return next_ipv6(s, out, ext);
	default:		/* a pseudowire control word: not IP */
		return DECODE_NON_IP;
	}
}

/* An MPLS label stack ends at the bottom-of-stack bit; what follows
 * carries no type, so the IP version nibble tells (RFC 4928 keeps
 * pseudowires from starting with 4 or 6). */
DECODE_BODY enum decode_status decode_mpls(struct span s, struct pkt *out,
					   struct frame_extra *ext)
{
	for (unsigned depth = 0; depth < LUCS_MAX_LINK_TAGS; depth++) {
		uint32_t entry;

		if (!read_be32(s, 0, &entry))
			return DECODE_LINK_TRUNCATED;
		advance(&s, MPLS_LABEL_LEN, out);
		if (entry & 0x100)
			return decode_mpls_payload(s, out, ext);
	}
	return DECODE_TOO_MANY_TAGS;
}

/* A PPPoE session (RFC 2516): its length field counts the PPP protocol
 * field and the payload, and, like every length, may only narrow what
 * follows: a length too short to hold the protocol is damage. */
DECODE_BODY enum decode_status decode_pppoe(struct span s, struct pkt *out,
					    struct frame_extra *ext)
{
	uint16_t proto, length;

	if (!read_be16(s, 4, &length) || !read_be16(s, 6, &proto))
		return DECODE_LINK_TRUNCATED;
	if (length < PPPOE_HDR_LEN - 6)
		return DECODE_LINK_BAD_LENGTH;
	advance(&s, PPPOE_HDR_LEN, out);
	length -= PPPOE_HDR_LEN - 6;	/* the payload, after the protocol */
	s = span_clamp(s, length);
	if (out->wire_left > length)
		out->wire_left = length;
	switch (proto) {
	case PPP_IPV4:
		return next_ipv4(s, out, ext);
	case PPP_IPV6:
		return next_ipv6(s, out, ext);
	default:
		return DECODE_NON_IP;
	}
}

/* 802.2 LLC with a SNAP header of OUI 0 carries an Ethernet type: *type
 * receives it.  A header cut short by the snapshot length is truncated,
 * not "non-IP", as long as what was captured of it is SNAP's. */
static enum decode_status snap_type(struct span *s, struct pkt *out,
				    uint16_t *type)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	uint8_t llc[6];
	size_t have = s->len < sizeof llc ? s->len : sizeof llc;

	if (!read_bytes(*s, 0, llc, have) || memcmp(llc, snap, have) != 0)
		return DECODE_NON_IP;
	if (!read_be16(*s, 6, type))
		return DECODE_LINK_TRUNCATED;
	advance(s, 8, out);
	return *type < ETHERTYPE_MIN ? DECODE_NON_IP : DECODE_OK;
}

/* Tags, SNAP headers and labels all count as layers: at most
 * LUCS_MAX_LINK_TAGS of them before IP. */
DECODE_BODY enum decode_status ethertype(uint16_t type, const uint8_t *p,
					 size_t len, struct pkt *out,
					 struct frame_extra *ext)
{
	struct span s = span_make(p, len);

	for (unsigned layers = 0; layers <= LUCS_MAX_LINK_TAGS; layers++) {
		enum decode_status st;

		if (type < ETHERTYPE_MIN) {	/* an 802.3 length: LLC */
			st = snap_type(&s, out, &type);
			if (st != DECODE_OK)
				return st;
			continue;
		}
		switch (type) {
		case ETHERTYPE_IPV4:
			return next_ipv4(s, out, ext);
		case ETHERTYPE_IPV6:
			return next_ipv6(s, out, ext);
		case ETHERTYPE_VLAN:
		case ETHERTYPE_QINQ:
		case ETHERTYPE_QINQ_OLD:
			if (!read_be16(s, 2, &type))
				return DECODE_LINK_TRUNCATED;
			advance(&s, VLAN_TAG_LEN, out);
			break;
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MC:
			return decode_mpls(s, out, ext);
		case ETHERTYPE_PPPOE:
			return decode_pppoe(s, out, ext);
		default:
			return DECODE_NON_IP;
		}
	}
	return DECODE_TOO_MANY_TAGS;
}

enum decode_status decode_ethertype(uint16_t type, const uint8_t *p,
				    size_t len, struct pkt *out)
{
	return ethertype(type, p, len, out, NULL);
}

DECODE_BODY enum decode_status ether(const uint8_t *p, size_t len,
				     struct pkt *out, struct frame_extra *ext)
{
	struct span s = span_make(p, len);
	uint16_t type;

	if (!read_be16(s, 12, &type))
		return DECODE_LINK_TRUNCATED;
	advance(&s, ETH_HDR_LEN, out);
	return ethertype(type, s.p, s.len, out, ext);
}

DECODE_LAYER(ether)	/* decode_ether, decode_ether_ctx */

/* Linux cooked capture v1: the protocol field ends the 16-byte header. */
DECODE_BODY enum decode_status decode_sll(struct span s, struct pkt *out,
					  struct frame_extra *ext)
{
	uint16_t proto;

	if (!read_be16(s, 14, &proto))
		return DECODE_LINK_TRUNCATED;
	advance(&s, SLL_HDR_LEN, out);
	return ethertype(proto, s.p, s.len, out, ext);
}

/* Linux cooked capture v2: the protocol field starts the 20-byte header. */
DECODE_BODY enum decode_status decode_sll2(struct span s, struct pkt *out,
					   struct frame_extra *ext)
{
	uint16_t proto;

	if (!span_has(s, 0, SLL2_HDR_LEN))
		return DECODE_LINK_TRUNCATED;
	read_be16(s, 0, &proto);
	advance(&s, SLL2_HDR_LEN, out);
	return ethertype(proto, s.p, s.len, out, ext);
}

/* The address-family values an IPv6 loopback header carries depend on the
 * capturing OS: Linux 10, Windows 23, NetBSD/OpenBSD 24, FreeBSD 28,
 * macOS 30. */
static bool af_is_inet6(uint32_t af)
{
	return af == 10 || af == 23 || af == 24 || af == 28 || af == 30;
}

/* DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP
 * in network order. */
DECODE_BODY enum decode_status decode_loopback(struct span s,
					       bool network_order,
					       struct pkt *out,
					       struct frame_extra *ext)
{
	uint32_t af;

	if (!(network_order ? read_be32(s, 0, &af) : read_le32(s, 0, &af)))
		return DECODE_LINK_TRUNCATED;
	if (!network_order && af > 0xffff)
		af = (af >> 24) | ((af >> 8) & 0xff00);
	advance(&s, NULL_HDR_LEN, out);
	if (af == 2)
		return next_ipv4(s, out, ext);
	if (af_is_inet6(af))
		return next_ipv6(s, out, ext);
	return DECODE_NON_IP;
}

DECODE_BODY enum decode_status packet(int dlt, const uint8_t *p,
				      size_t caplen, size_t wirelen,
				      struct pkt *out, struct frame_extra *ext)
{
	struct span s = span_make(p, caplen);

	memset(out, 0, sizeof *out);
	/* A record claiming fewer wire bytes than it holds is damaged; the
	 * captured bytes are the better lower bound. */
	if (wirelen < caplen)
		wirelen = caplen;
	out->wire_left = wirelen > UINT32_MAX ? UINT32_MAX : (uint32_t)wirelen;

	switch (dlt) {
	case DLT_EN10MB:
		return ether(s.p, s.len, out, ext);
	case DLT_LINUX_SLL:
		return decode_sll(s, out, ext);
	case DLT_LINUX_SLL2:
		return decode_sll2(s, out, ext);
	case DLT_NULL:
		return decode_loopback(s, false, out, ext);
	case DLT_LOOP:
		return decode_loopback(s, true, out, ext);
	case DLT_RAW:
		return next_ip(s, out, ext);
	case DLT_IPV4:
		return next_ipv4(s, out, ext);
	case DLT_IPV6:
		return next_ipv6(s, out, ext);
	default:
		return DECODE_NON_IP;
	}
}

enum decode_status decode_packet(int dlt, const uint8_t *p, size_t caplen,
				 size_t wirelen, struct pkt *out)
{
	return packet(dlt, p, caplen, wirelen, out, NULL);
}

/* What nothing opens: the layers still get a frame_extra, for the quote
 * of an ICMP error. */
static const struct decode_config no_decap;

/* All a packet outside any tunnel pays here is these few tests: the
 * frame_extra is the decapsulation's whole state, and the layers get the
 * caller's. */
enum decode_status decode_packet_ext(const struct decode_config *cfg,
				     int dlt, const uint8_t *p, size_t caplen,
				     size_t wirelen, struct pkt *out,
				     struct frame_extra *ext)
{
	if (!ext)
		return decode_ext_stackless(cfg, dlt, p, caplen, wirelen, out);
	ext->cfg = cfg && cfg->decap ? cfg : &no_decap;
	ext->depth = 0;
	return packet(dlt, p, caplen, wirelen, out, ext);
}

/* decode_frame with a frame_extra: tunnels to open, or an ICMP error's
 * quote to read.  Out of line: the common frame keeps nothing. */
__attribute__((noinline))
static void decode_frame_ext(struct frame_sink *sk, const struct decode_config *cfg,
			     int dlt, const uint8_t *bytes, uint32_t caplen,
			     uint32_t wirelen, struct frame *out)
{
	out->status = (uint8_t)decode_packet_ext(cfg, dlt, bytes, caplen,
						 wirelen, &out->p,
						 &sk->extras[sk->nextras]);
	if (out->p.tunnel_depth || out->p.quote == QUOTE_VALID)
		out->extra = (uint16_t)++sk->nextras;
}

/* Whether a packet, decoded without opening anything, may carry what cfg
 * opens or names: IP in IP, GRE, or UDP to or from a port the filter
 * admits (decode_config_ports). */
static inline bool may_carry_tunnel(const struct decode_config *cfg,
				    const struct pkt *p)
{
	/* First by the protocol's low five bits, a test TCP fails at once:
	 * IP in IP (4), UDP (17), IPv6 in IP (41), GRE (47). */
	const uint32_t maybe = 1u << 4 | 1u << 17 | 1u << (41 & 31) |
			       1u << (47 & 31);

	if (!(maybe >> (p->proto & 31) & 1) || !cfg || !cfg->decap)
		return false;
	switch (p->proto) {
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
	case IPPROTO_NUM_GRE:
		return true;
	case IPPROTO_NUM_UDP:
		return (cfg->udp_filter[p->dport >> 6 & 15] >> (p->dport & 63) |
			cfg->udp_filter[p->sport >> 6 & 15] >> (p->sport & 63)) &
		       1;
	default:
		return false;
	}
}

void decode_frame(struct frame_sink *sk, int dlt, int64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	struct frame *out = &sk->frames[sk->n++];

	out->ts_us = ts_us;
	out->wirelen = wirelen;
	out->extra = 0;
	if (!ptime_plausible(ts_us)) {
		memset(&out->p, 0, sizeof out->p);
		out->status = DECODE_BAD_TIMESTAMP;
		return;
	}
	/* Every packet takes the decoder that keeps nothing; the few that
	 * may carry a tunnel, and ICMP errors (for their quote), are decoded
	 * again with a frame_extra.  So a capture without tunnels pays a
	 * test or two per packet for them. */
	out->status = (uint8_t)packet(dlt, bytes, caplen, wirelen, &out->p,
				      NULL);
	if (__builtin_expect(out->p.quote == QUOTE_UNREAD ||
			     may_carry_tunnel(sk->cfg, &out->p), 0))
		decode_frame_ext(sk, sk->cfg, dlt, bytes, caplen, wirelen, out);
}
