/* decode-l4.c: the transport headers a flow needs: TCP (RFC 9293) ports and
 * flags, UDP (RFC 768) ports, ICMP (RFC 792) and ICMPv6 (RFC 4443) type.
 *
 * Called with the bytes after the IP headers, already clamped to the IP
 * length, and with out->payload_len holding the transport bytes the IP
 * header announces.  Any other protocol is a flow of its own with no ports.
 */
#include "decode.h"

#include "decode-layers.h"
#include "span.h"

#define TCP_MIN_HDR 20
#define UDP_HDR 8
#define ICMP_MIN_HDR 4

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
static enum decode_status udp_tunnel(struct tunnel_stack *tun, struct span s,
				     struct pkt *out)
{
	struct span payload = span_clamp(s, 0);

	if (out->frag == PKT_WHOLE)
		span_tail(span_clamp(s, UDP_HDR + (size_t)out->payload_len),
			  UDP_HDR, &payload);
	return decap_payload(tun, payload, out);
}

DECODE_BODY enum decode_status udp_payload(struct span s, struct pkt *out,
					   struct tunnel_stack *tun)
{
	if (!tun || !(decap_udp_port(tun, out->dport) ||
		     decap_udp_port(tun, out->sport)))
		return DECODE_OK;
	return udp_tunnel(tun, s, out);
}

DECODE_BODY enum decode_status decode_udp(struct span s, struct pkt *out,
					  struct tunnel_stack *tun)
{
	uint16_t ulen;
	enum decode_status st;

	if (out->frag == PKT_FRAG_FIRST) {
		st = first_fragment_ports(s, out);
		return st == DECODE_OK ? udp_payload(s, out, tun) : st;
	}
	if (!span_has(s, 0, UDP_HDR))
		return DECODE_UDP_TRUNCATED;
	read_be16(s, 0, &out->sport);
	read_be16(s, 2, &out->dport);
	read_be16(s, 4, &ulen);
	/* A jumbogram's UDP length is 0 (RFC 2675). */
	if (ulen == 0 && out->ip_len > 65535) {
		out->payload_len = sub_sat(out->payload_len, UDP_HDR);
		return udp_payload(s, out, tun);
	}
	if (ulen < UDP_HDR || ulen > out->payload_len)
		return DECODE_UDP_BAD_LENGTH;
	out->payload_len = (uint32_t)ulen - UDP_HDR;
	return udp_payload(s, out, tun);
}

static enum decode_status decode_icmp(struct span s, struct pkt *out)
{
	if (!span_has(s, 0, ICMP_MIN_HDR))
		return out->frag == PKT_FRAG_FIRST ? DECODE_FRAG_FIRST_TOO_SHORT
						   : DECODE_ICMP_TRUNCATED;
	read_u8(s, 0, &out->icmp_type);
	out->payload_len = sub_sat(out->payload_len, ICMP_MIN_HDR);
	return DECODE_OK;
}

/* Any other protocol (IP in IP and GRE among them) has its payload
 * looked into when decapsulating. */
DECODE_BODY enum decode_status transport(const uint8_t *p, size_t len,
					 struct pkt *out,
					 struct tunnel_stack *tun)
{
	struct span s = span_make(p, len);

	switch (out->proto) {
	case IPPROTO_NUM_TCP:
		return decode_tcp(s, out);
	case IPPROTO_NUM_UDP:
		return decode_udp(s, out, tun);
	case IPPROTO_NUM_ICMP:
	case IPPROTO_NUM_ICMPV6:
		return decode_icmp(s, out);
	default:
		return tun ? decap_payload(tun, s, out) : DECODE_OK;
	}
}

DECODE_LAYER(transport)	/* decode_transport, decode_transport_ctx */
