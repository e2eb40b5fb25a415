/* decode-l4.c: the transport headers a flow needs: TCP (RFC 9293) ports and
 * flags, UDP (RFC 768) ports, ICMP (RFC 792) and ICMPv6 (RFC 4443) type
 * and code, and the flow an ICMP error quotes.
 *
 * Called with the bytes after the IP headers, already clamped to the IP
 * length, and with out->payload_len holding the transport bytes the IP
 * header announces.  Any other protocol is a flow of its own with no ports.
 */
#include "decode.h"

#include <string.h>

#include "decode-layers.h"
#include "span.h"
#include "tunables.h"

#define TCP_MIN_HDR 20
#define UDP_HDR 8
#define ICMP_MIN_HDR 4
#define ICMP_ERROR_HDR 8	/* type, code, checksum, 4 bytes; the quote */
#define IPV4_MIN_HDR 20
#define IPV6_HDR 40

/* payload_len comes from the caller; never let it wrap. */
static uint32_t sub_sat(uint32_t a, uint32_t b)
{
	return a > b ? a - b : 0;
}

/* The first fragment of a datagram need only hold the ports (its first 8
 * bytes always do, RFC 791); a TCP header split across fragments (RFC
 * 1858's tiny fragments) still gives the flow, without the flags it hid. */
static enum decode_status first_fragment_ports(struct span s, struct pkt *out)
{
	uint8_t offx2;
	uint32_t hlen = UDP_HDR;

	if (!read_be16(s, 0, &out->sport) || !read_be16(s, 2, &out->dport))
		return DECODE_FRAG_FIRST_TOO_SHORT;
	if (out->proto == IPPROTO_NUM_TCP) {
		read_u8(s, 13, &out->tcp_flags);
		hlen = read_u8(s, 12, &offx2) ? (uint32_t)(offx2 >> 4) * 4 : 0;
		if (hlen < TCP_MIN_HDR)
			hlen = out->payload_len;	/* payload unknown */
	}
	out->payload_len = sub_sat(out->payload_len, hlen);
	return DECODE_OK;
}

static enum decode_status decode_tcp(struct span s, struct pkt *out)
{
	uint8_t offx2, flags;
	uint32_t hlen;

	if (out->frag == PKT_FRAG_FIRST)
		return first_fragment_ports(s, out);
	if (!span_has(s, 0, TCP_MIN_HDR))
		return DECODE_TCP_TRUNCATED;
	read_be16(s, 0, &out->sport);
	read_be16(s, 2, &out->dport);
	read_u8(s, 12, &offx2);
	read_u8(s, 13, &flags);
	hlen = (uint32_t)(offx2 >> 4) * 4;
	if (hlen < TCP_MIN_HDR || hlen > out->payload_len)
		return DECODE_TCP_BAD_OFFSET;
	out->tcp_flags = flags;
	out->payload_len -= hlen;
	return DECODE_OK;
}

/* A datagram to or from a port worth a closer look goes to the
 * decapsulation, its payload clamped to the UDP length.  Out of line: the
 * datagrams that come here are few. */
__attribute__((noinline))
static enum decode_status udp_tunnel(struct frame_extra *ext, struct span s,
				     struct pkt *out)
{
	struct span payload = span_clamp(s, 0);

	if (out->frag == PKT_WHOLE)
		span_tail(span_clamp(s, UDP_HDR + (size_t)out->payload_len),
			  UDP_HDR, &payload);
	return decap_payload(ext, payload, out);
}

DECODE_BODY enum decode_status udp_payload(struct span s, struct pkt *out,
					   struct frame_extra *ext)
{
	if (!ext || !(decap_udp_port(ext, out->dport) ||
		     decap_udp_port(ext, out->sport)))
		return DECODE_OK;
	return udp_tunnel(ext, s, out);
}

DECODE_BODY enum decode_status decode_udp(struct span s, struct pkt *out,
					  struct frame_extra *ext)
{
	uint16_t ulen;
	enum decode_status st;

	if (out->frag == PKT_FRAG_FIRST) {
		st = first_fragment_ports(s, out);
		return st == DECODE_OK ? udp_payload(s, out, ext) : st;
	}
	if (!span_has(s, 0, UDP_HDR))
		return DECODE_UDP_TRUNCATED;
	read_be16(s, 0, &out->sport);
	read_be16(s, 2, &out->dport);
	read_be16(s, 4, &ulen);
	/* A jumbogram's UDP length is 0 (RFC 2675). */
	if (ulen == 0 && out->ip_len > 65535) {
		out->payload_len = sub_sat(out->payload_len, UDP_HDR);
		return udp_payload(s, out, ext);
	}
	if (ulen < UDP_HDR || ulen > out->payload_len)
		return DECODE_UDP_BAD_LENGTH;
	out->payload_len = (uint32_t)ulen - UDP_HDR;
	return udp_payload(s, out, ext);
}

static bool icmp_error(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_NUM_ICMP)
		return type == 3 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* The ports of a quoted TCP or UDP header, at off of the quote: the
 * first 4 of the 8 bytes every error quotes. */
static enum pkt_quote quoted_ports(struct span q, size_t off,
				   struct icmp_quote *out)
{
	if (out->proto != IPPROTO_NUM_TCP && out->proto != IPPROTO_NUM_UDP)
		return QUOTE_VALID;	/* portless: the hosts' flow */
	return read_be16(q, off, &out->sport) &&
	       read_be16(q, off + 2, &out->dport) ? QUOTE_VALID : QUOTE_DAMAGED;
}

/* A quoted IPv4 header (RFC 792): whole, a later fragment's port-less. */
static enum pkt_quote quoted_ipv4(struct span q, struct icmp_quote *out)
{
	uint8_t vhl;
	uint16_t frag = 0;	/* span_has said it is there; -O1 cannot tell */
	size_t hlen;

	if (!read_u8(q, 0, &vhl) || vhl >> 4 != 4)
		return QUOTE_DAMAGED;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR || !span_has(q, 0, hlen))
		return QUOTE_DAMAGED;
	read_be16(q, 6, &frag);
	read_u8(q, 9, &out->proto);
	read_bytes(q, 12, out->src, 4);
	read_bytes(q, 16, out->dst, 4);
	if (frag & 0x1fff)
		return QUOTE_DAMAGED;	/* a later fragment: no ports */
	return quoted_ports(q, hlen, out);
}

/* A quoted IPv6 header (RFC 4443) and its extension headers. */
static enum pkt_quote quoted_ipv6(struct span q, struct icmp_quote *out)
{
	uint8_t vtc, nh = 0, hlen8;
	uint16_t offflags;
	size_t off = IPV6_HDR;

	if (!span_has(q, 0, IPV6_HDR) || !read_u8(q, 0, &vtc) || vtc >> 4 != 6)
		return QUOTE_DAMAGED;
	read_u8(q, 6, &nh);
	read_bytes(q, 8, out->src, 16);
	read_bytes(q, 24, out->dst, 16);
	for (unsigned n = 0; n <= LUCS_MAX_IPV6_EXT; n++) {
		switch (nh) {
		case 0: case 43: case 60:	/* hop-by-hop, routing, dest. */
			if (!read_u8(q, off, &nh) || !read_u8(q, off + 1, &hlen8))
				return QUOTE_DAMAGED;
			off += ((size_t)hlen8 + 1) * 8;
			continue;
		case 44:			/* fragment */
			if (!read_u8(q, off, &nh) ||
			    !read_be16(q, off + 2, &offflags) ||
			    offflags & 0xfff8)
				return QUOTE_DAMAGED;
			off += 8;
			continue;
		default:
			out->proto = nh;
			return quoted_ports(q, off, out);
		}
	}
	return QUOTE_DAMAGED;
}

/* What the error quotes, of its own family only (ICMP quotes IPv4,
 * ICMPv6 quotes IPv6); its length fields are not believed, since a quote
 * is cut short by design. */
static enum pkt_quote decode_quote(struct span s, struct pkt *out,
				   struct icmp_quote *q)
{
	struct span quoted;

	memset(q, 0, sizeof *q);
	q->family = out->family;
	if (!span_tail(s, ICMP_ERROR_HDR, &quoted))
		return QUOTE_DAMAGED;
	return out->family == 4 ? quoted_ipv4(quoted, q)
				: quoted_ipv6(quoted, q);
}

DECODE_BODY enum decode_status decode_icmp(struct span s, struct pkt *out,
					   struct frame_extra *ext)
{
	if (!span_has(s, 0, ICMP_MIN_HDR))
		return out->frag == PKT_FRAG_FIRST ? DECODE_FRAG_FIRST_TOO_SHORT
						   : DECODE_ICMP_TRUNCATED;
	read_u8(s, 0, &out->icmp_type);
	read_u8(s, 1, &out->icmp_code);
	out->payload_len = sub_sat(out->payload_len, ICMP_MIN_HDR);
	if (icmp_error(out->proto, out->icmp_type))
		out->quote = ext ? (uint8_t)decode_quote(s, out, &ext->quote)
				 : QUOTE_UNREAD;
	return DECODE_OK;
}

/* Any other protocol (IP in IP and GRE among them) has its payload
 * looked into when decapsulating. */
DECODE_BODY enum decode_status transport(const uint8_t *p, size_t len,
					 struct pkt *out,
					 struct frame_extra *ext)
{
	struct span s = span_make(p, len);

	switch (out->proto) {
	case IPPROTO_NUM_TCP:
		return decode_tcp(s, out);
	case IPPROTO_NUM_UDP:
		return decode_udp(s, out, ext);
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		return decode_icmp(s, out, ext);
	default:
		return ext && ext->cfg->decap ? decap_payload(ext, s, out)
					      : DECODE_OK;
	}
}

DECODE_LAYER(transport)	/* decode_transport, decode_transport_ctx */
