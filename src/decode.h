/* decode.h: link layer -> IP -> TCP/UDP/ICMP into a small packet struct.
 *
 * Every decoder has the same shape: it takes the bytes captured from its
 * layer on, never reads past them (see span.h), allocates nothing, fills
 * struct pkt and returns a status.  A status other than DECODE_OK names why
 * the packet gave no flow; the caller counts it.
 */
#ifndef LUCS_DECODE_H
#define LUCS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

enum decode_status {
	DECODE_OK = 0,
	DECODE_LINK_TRUNCATED,
	DECODE_TOO_MANY_TAGS,
	DECODE_NON_IP,
	DECODE_IP_BAD_VERSION,
	DECODE_IPV4_TRUNCATED,
	DECODE_IPV4_BAD_HEADER_LENGTH,
	DECODE_IPV4_BAD_TOTAL_LENGTH,
	DECODE_IPV6_TRUNCATED,
	DECODE_IPV6_BAD_PAYLOAD_LENGTH,
	DECODE_IPV6_EXT_TRUNCATED,
	DECODE_IPV6_TOO_MANY_EXT,
	DECODE_TCP_TRUNCATED,
	DECODE_TCP_BAD_OFFSET,
	DECODE_UDP_TRUNCATED,
	DECODE_UDP_BAD_LENGTH,
	DECODE_ICMP_TRUNCATED,
	DECODE_FRAG_FIRST_TOO_SHORT,
	DECODE_FRAG_ORPHAN,	/* counted by frag.c, not by a decoder */
	DECODE_BAD_TIMESTAMP,	/* a time outside LUCS_TIME_MIN_US..MAX_US */
	DECODE_STATUS_COUNT
};

enum pkt_frag {
	PKT_WHOLE = 0,		/* not a fragment (or an atomic one) */
	PKT_FRAG_FIRST,		/* offset 0, more to come: carries the ports */
	PKT_FRAG_LATER		/* offset > 0: no transport header */
};

/* TCP flag bits as on the wire (RFC 9293). */
enum {
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
	TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80
};


struct pkt {
	uint8_t src[16];	/* IPv4 addresses use the first 4 bytes */
	uint8_t dst[16];
	uint32_t ip_len;	/* IP-layer bytes, from the IP length field */
	uint32_t payload_len;	/* transport payload bytes, from the headers */
	uint32_t frag_id;	/* IPv4 ID or IPv6 fragment identification */
	uint32_t wire_left;	/* frame bytes on the wire from this layer on */
	uint16_t sport;		/* 0 unless TCP or UDP */
	uint16_t dport;
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* final IP protocol number */
	uint8_t tcp_flags;
	uint8_t frag;		/* enum pkt_frag */
	uint8_t icmp_type;
};

/* A frame as capture hands it on: decoded, with its time and length. */
struct frame {
	struct pkt p;
	int64_t ts_us;		/* microseconds since the epoch */
	uint32_t wirelen;	/* bytes on the wire */
	uint8_t status;		/* enum decode_status */
};

const char *decode_status_name(enum decode_status st);

/* True for the libpcap DLT_ values decode_packet understands. */
bool decode_linktype_supported(int dlt);

/* Decode one frame: caplen bytes captured of wirelen on the wire. */
enum decode_status decode_packet(int dlt, const uint8_t *p, size_t caplen,
				 size_t wirelen, struct pkt *out);
/* decode_packet into a frame, with the frame's time and length; a frame
 * whose time is not plausible (ptime.h) is not decoded: its status is
 * DECODE_BAD_TIMESTAMP. */
void decode_frame(int dlt, int64_t ts_us, const uint8_t *bytes,
		  uint32_t caplen, uint32_t wirelen, struct frame *out);

/* The layers, each callable on its own (tests, fuzzers).  out->wire_left
 * must hold the wire length from that layer on. */
enum decode_status decode_ether(const uint8_t *p, size_t len, struct pkt *out);
enum decode_status decode_ethertype(uint16_t type, const uint8_t *p,
				    size_t len, struct pkt *out);
enum decode_status decode_ip(const uint8_t *p, size_t len, struct pkt *out);
enum decode_status decode_ipv4(const uint8_t *p, size_t len, struct pkt *out);
enum decode_status decode_ipv6(const uint8_t *p, size_t len, struct pkt *out);
enum decode_status decode_transport(const uint8_t *p, size_t len,
				    struct pkt *out);

#endif
