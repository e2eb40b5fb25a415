/* decode-ip.c: IPv4 (RFC 791, RFC 6864) and IPv6 with its extension headers
 * (RFC 8200, RFC 4302 for AH, RFC 2675 for jumbograms).
 *
 *  IPv4                                      IPv6
 *  0       4       8              16    31   0       4          12          31
 *  +-------+-------+---------------+-----+   +-------+----------+-----------+
 *  |Version|  IHL  |     TOS       | Total|  |Version| Traffic  | Flow label|
 *  +-------+-------+---------------+-----+   +-------+---+------+--+--------+
 *  |  Identification   |Flags|  Offset   |   | Payload length | Next | Hops |
 *  +-------------------+-----+-----------+   +----------------+------+------+
 *  |  TTL  | Proto |  Header checksum    |   |  Source address (16 bytes)   |
 *  |  Source address | Dest address      |   |  Dest address (16 bytes)     |
 *
 * The IP length field gives the bytes a packet is counted for (as NetFlow
 * and IPFIX count octets), so a short snaplen still counts the real size.
 * It is checked against the frame's wire length before it is believed, and
 * it only ever narrows what the transport decoder may look at.
 */
#include "decode.h"

#include "decode-layers.h"
#include "span.h"
#include "tunables.h"

#define IPV4_MIN_HDR 20
#define IPV6_HDR 40

enum {
	IP6_HOPOPTS = 0, IP6_ROUTING = 43, IP6_FRAGMENT = 44, IP6_AH = 51,
	IP6_DSTOPTS = 60
};

DECODE_BODY enum decode_status ip(const uint8_t *p, size_t len,
				  struct pkt *out, struct frame_extra *ext)
{
	struct span s = span_make(p, len);
	uint8_t vhl;

	if (!read_u8(s, 0, &vhl))
		return DECODE_IPV4_TRUNCATED;
	switch (vhl >> 4) {
	case 4:
		return next_ipv4(s, out, ext);
	case 6:
		return next_ipv6(s, out, ext);
	default:
		return DECODE_IP_BAD_VERSION;
	}
}

DECODE_LAYER(ip)	/* decode_ip, decode_ip_ctx */

/* A later fragment has no payload to look into; a tunnel's is named. */
DECODE_BODY enum decode_status later_fragment(struct span s, struct pkt *out,
					      struct frame_extra *ext)
{
	return ext ? decap_payload(ext, span_clamp(s, 0), out) : DECODE_OK;
}

DECODE_BODY enum decode_status ipv4(const uint8_t *p, size_t len,
				    struct pkt *out, struct frame_extra *ext)
{
	struct span s = span_make(p, len);
	uint8_t vhl, proto;
	uint16_t total, id, frag;
	size_t hlen;

	if (!span_has(s, 0, IPV4_MIN_HDR))
		return DECODE_IPV4_TRUNCATED;
	read_u8(s, 0, &vhl);
	if (vhl >> 4 != 4)
		return DECODE_IP_BAD_VERSION;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR)
		return DECODE_IPV4_BAD_HEADER_LENGTH;
	read_be16(s, 2, &total);
	if (total < hlen || total > out->wire_left)
		return DECODE_IPV4_BAD_TOTAL_LENGTH;
	if (!span_has(s, 0, hlen))
		return DECODE_IPV4_TRUNCATED;
	read_be16(s, 4, &id);
	read_be16(s, 6, &frag);
	read_u8(s, 9, &proto);
	read_bytes(s, 12, out->src, 4);
	read_bytes(s, 16, out->dst, 4);

	out->family = 4;
	out->proto = proto;
	out->ip_len = total;
	out->payload_len = total - (uint32_t)hlen;
	out->frag_id = id;
	if (frag & 0x1fff) {
		out->frag = PKT_FRAG_LATER;
		return later_fragment(s, out, ext);
	}
	if (frag & 0x2000)
		out->frag = PKT_FRAG_FIRST;
	span_tail(span_clamp(s, total), hlen, &s);
	return next_transport(s, out, ext);
}

DECODE_LAYER(ipv4)	/* decode_ipv4, decode_ipv4_ctx */

/* RFC 2675: a zero payload length with a Jumbo Payload option in the
 * hop-by-hop header; false when the option is absent or malformed. */
static bool ipv6_jumbo_length(struct span s, size_t off, size_t extlen,
			      uint32_t *jumbo)
{
	size_t end = off + extlen;

	for (off += 2; off < end;) {
		uint8_t type, olen;

		if (!read_u8(s, off, &type))
			return false;
		if (type == 0) {	/* Pad1 */
			off++;
			continue;
		}
		if (!read_u8(s, off + 1, &olen))
			return false;
		if (type == 0xc2 && olen == 4)
			return read_be32(s, off + 2, jumbo) && *jumbo > 65535;
		off += 2 + (size_t)olen;
	}
	return false;
}

/* Walk the extension headers up to the upper-layer protocol.  On return
 * *off is that header's offset and out->proto its number. */
static enum decode_status ipv6_walk(struct span s, size_t *off,
				    struct pkt *out)
{
	uint8_t nh = out->proto;

	for (unsigned n = 0;; n++) {
		uint8_t next, hlen8;
		uint16_t offflags;
		uint32_t ident;
		size_t extlen;

		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_AH:
			if (!read_u8(s, *off, &next) ||
			    !read_u8(s, *off + 1, &hlen8))
				return DECODE_IPV6_EXT_TRUNCATED;
			extlen = nh == IP6_AH ? ((size_t)hlen8 + 2) * 4
					      : ((size_t)hlen8 + 1) * 8;
			break;
		case IP6_FRAGMENT:
			if (!read_u8(s, *off, &next) ||
			    !read_be16(s, *off + 2, &offflags) ||
			    !read_be32(s, *off + 4, &ident))
				return DECODE_IPV6_EXT_TRUNCATED;
			extlen = 8;
			out->frag_id = ident;
			if (offflags & 0xfff8) {
				out->frag = PKT_FRAG_LATER;
				out->proto = next;
				*off += extlen;
				return DECODE_OK;
			}
			if (offflags & 1)
				out->frag = PKT_FRAG_FIRST;
			break;
		default:
			out->proto = nh;
			return DECODE_OK;
		}
		if (n >= LUCS_MAX_IPV6_EXT)
			return DECODE_IPV6_TOO_MANY_EXT;
		if (!span_has(s, *off, extlen))
			return DECODE_IPV6_EXT_TRUNCATED;
		*off += extlen;
		nh = next;
	}
}

DECODE_BODY enum decode_status ipv6(const uint8_t *p, size_t len,
				    struct pkt *out, struct frame_extra *ext)
{
	struct span s = span_make(p, len);
	uint8_t vtc, nh, hlen8;
	uint16_t plen;
	uint32_t ip_len, jumbo = 0;	/* set only when found; -O1 cannot tell */
	size_t off = IPV6_HDR;
	enum decode_status st;

	if (!span_has(s, 0, IPV6_HDR))
		return DECODE_IPV6_TRUNCATED;
	read_u8(s, 0, &vtc);
	if (vtc >> 4 != 6)
		return DECODE_IP_BAD_VERSION;
	read_be16(s, 4, &plen);
	read_u8(s, 6, &nh);
	read_bytes(s, 8, out->src, 16);
	read_bytes(s, 24, out->dst, 16);

	ip_len = IPV6_HDR + (uint32_t)plen;
	if (plen == 0 && nh == IP6_HOPOPTS && read_u8(s, IPV6_HDR + 1, &hlen8) &&
	    ipv6_jumbo_length(s, IPV6_HDR, ((size_t)hlen8 + 1) * 8, &jumbo) &&
	    jumbo <= UINT32_MAX - IPV6_HDR)
		ip_len = IPV6_HDR + jumbo;
	if (ip_len > out->wire_left)
		return DECODE_IPV6_BAD_PAYLOAD_LENGTH;

	out->family = 6;
	out->proto = nh;
	out->ip_len = ip_len;
	s = span_clamp(s, ip_len);
	st = ipv6_walk(s, &off, out);
	if (st != DECODE_OK)
		return st;
	out->payload_len = ip_len - (uint32_t)off;
	if (out->frag == PKT_FRAG_LATER)
		return later_fragment(s, out, ext);
	span_tail(s, off, &s);
	return next_transport(s, out, ext);
}

DECODE_LAYER(ipv6)	/* decode_ipv6, decode_ipv6_ctx */
