/* decode.h: link layer -> IP -> TCP/UDP/ICMP into a small packet struct,
 * through the tunnels a remote mirror arrives in when asked to.
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
#include "tunables.h"

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
	DECODE_TUNNEL_TRUNCATED,	/* a tunnel header cut by the capture */
	DECODE_TUNNEL_BAD_HEADER,	/* one that fails its strict checks */
	DECODE_TUNNEL_TOO_DEEP,		/* one inside LUCS_MAX_TUNNEL_DEPTH */
	DECODE_LINK_BAD_LENGTH,	/* a link-layer length field too short */
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
	uint8_t icmp_code;
	uint8_t quote;		/* enum pkt_quote: an ICMP error's */
	uint8_t tunnel_depth;	/* tunnels opened to reach this packet */
	uint8_t unopened;	/* enum tunnel_unopened: one seen, not opened */
	uint16_t tunnel;	/* the audit's number for its tunnel path,
				 * 0: none (decode leaves it 0) */
};

/* What an ICMP or ICMPv6 error (v4 types 3, 11, 12; v6 types 1 to 4)
 * says of the packet it quotes, in struct frame_extra's quote. */
enum pkt_quote {
	QUOTE_NONE = 0,		/* not an error (or no frame_extra given) */
	QUOTE_VALID,		/* the quote holds the packet's flow */
	QUOTE_DAMAGED,		/* cut short or malformed: not believed */
	QUOTE_UNREAD		/* an error, decoded with no frame_extra */
};

/* The packet an ICMP error quotes (RFC 792: its IP header and at least 8
 * bytes more; RFC 4443: as much as fits), as its flow: the addresses,
 * protocol and ports of the packet that was refused. */
struct icmp_quote {
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes */
	uint16_t sport, dport;	/* 0 unless TCP or UDP */
	uint8_t family;		/* 4 or 6, that of the error */
	uint8_t proto;
};

struct frame_extra;
struct decode_config;

/* A frame as capture hands it on: decoded, with its time and length.
 * What few frames carry beyond struct pkt (an ICMP error's quote, the
 * tunnels opened) is in a struct frame_extra beside the batch's frames. */
struct frame {
	struct pkt p;
	int64_t ts_us;		/* microseconds since the epoch */
	uint32_t wirelen;	/* bytes on the wire */
	uint8_t status;		/* enum decode_status */
	uint16_t extra;		/* 1 + its frame_extra's index, 0: none */
};

const char *decode_status_name(enum decode_status st);

/* True for the libpcap DLT_ values decode_packet understands. */
bool decode_linktype_supported(int dlt);

/* Decode one frame: caplen bytes captured of wirelen on the wire. */
enum decode_status decode_packet(int dlt, const uint8_t *p, size_t caplen,
				 size_t wirelen, struct pkt *out);
/* Where decode_frame puts frames: frames[n], then n grows.  A frame that
 * carries more than struct pkt (tunnels opened, an ICMP error's quote)
 * takes extras[nextras] too, and names it; the others take none, so the
 * extras hold just those frames'. */
struct frame_sink {
	const struct decode_config *cfg;	/* NULL: open no tunnel */
	struct frame *frames;
	struct frame_extra *extras;	/* room for as many as frames */
	size_t n, nextras;
};

/* Decode a frame into the sink's next, with the frame's time and length;
 * a frame whose time is not plausible (ptime.h) is not decoded: its
 * status is DECODE_BAD_TIMESTAMP.  Six arguments, all in registers: this
 * runs for every packet. */
void decode_frame(struct frame_sink *sk, int dlt, int64_t ts_us,
		  const uint8_t *bytes, uint32_t caplen, uint32_t wirelen);

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

/* --- tunnels (decode-tunnel.c) ------------------------------------------ */

enum tunnel_type {
	TUNNEL_NONE = 0,
	TUNNEL_VXLAN,		/* RFC 7348, on a VXLAN port */
	TUNNEL_GENEVE,		/* RFC 8926, on a Geneve port */
	TUNNEL_GRE,		/* RFC 2784/2890: IPv4, IPv6 or Ethernet */
	TUNNEL_ERSPAN,		/* types I, II and III, inside GRE */
	TUNNEL_IPIP,		/* IPv4 or IPv6 in IPv4 or IPv6 */
	TUNNEL_TYPE_COUNT
};

/* Encapsulations recognised (by port and a sanity check of their header)
 * but not opened: the packet stays the flow that carries them. */
enum tunnel_unopened {
	UNOPENED_NONE = 0,
	UNOPENED_TEREDO,	/* UDP 3544, RFC 4380 */
	UNOPENED_GTP_U,		/* UDP 2152, 3GPP TS 29.281 */
	UNOPENED_GTP_C,		/* UDP 2123, 3GPP TS 29.060, 29.274 */
	UNOPENED_MPLS_UDP,	/* UDP 6635, RFC 7510 */
	UNOPENED_VXLAN_GPE,	/* UDP 4790, or its header on a VXLAN port */
	UNOPENED_L2TP,		/* UDP 1701, RFC 2661, RFC 3931 */
	UNOPENED_GRE_UDP,	/* UDP 4754, RFC 8086 */
	UNOPENED_GRE_OTHER,	/* PPTP's GRE (version 1), or a payload
				 * other than IP, Ethernet or ERSPAN */
	UNOPENED_GENEVE_OTHER,	/* a payload other than IP or Ethernet */
	UNOPENED_FRAGMENT,	/* a tunnel's outer IP packet is a fragment */
	UNOPENED_COUNT
};

/* One tunnel opened: what the packet around it said. */
struct tunnel_layer {
	uint8_t type;		/* enum tunnel_type */
	uint8_t family;		/* 4 or 6: of the outer addresses */
	bool has_id;		/* id is set */
	uint8_t src[16];	/* outer IP endpoints; IPv4 in the first 4 */
	uint8_t dst[16];
	uint32_t id;		/* VNI, Geneve VNI, ERSPAN session or GRE key */
};

/* What a frame may carry beyond struct pkt: the tunnels opened, outermost
 * first, under the configuration named, and an ICMP error's quote. */
struct frame_extra {
	const struct decode_config *cfg; /* set by decode_packet_ext */
	uint8_t depth;		/* layers filled in */
	struct tunnel_layer layer[LUCS_MAX_TUNNEL_DEPTH];
	struct icmp_quote quote;	/* pkt.quote == QUOTE_VALID */
};

/* What decode_packet_ext opens.  Set the ports with
 * decode_config_ports, which keeps udp_filter in step with them. */
struct decode_config {
	bool decap;		/* open tunnels at all */
	uint16_t vxlan_ports[LUCS_MAX_TUNNEL_PORTS];	/* UDP destination */
	uint16_t geneve_ports[LUCS_MAX_TUNNEL_PORTS];	/* ports; 0: unused */
	/* A bit per UDP port modulo 1024: set for the ports above and those
	 * of the encapsulations recognised; a clear bit rules a port out. */
	uint64_t udp_filter[16];
};

const char *tunnel_type_name(enum tunnel_type t);
const char *tunnel_unopened_name(enum tunnel_unopened u);

/* Tunnels opened, VXLAN on UDP 4789, Geneve on UDP 6081. */
void decode_config_default(struct decode_config *cfg);

/* The UDP destination ports (n of them, at most LUCS_MAX_TUNNEL_PORTS, none
 * 0 nor another type's) of TUNNEL_VXLAN or TUNNEL_GENEVE; false, changing
 * nothing, for anything else. */
bool decode_config_ports(struct decode_config *cfg, enum tunnel_type type,
			 const uint16_t *ports, size_t n);

/* decode_packet, then through the tunnels cfg opens (none when cfg is NULL
 * or cfg->decap false): out describes the innermost packet, ext (which may
 * be NULL) the layers opened around it and, for an ICMP error, what it
 * quotes (out->quote).  A status other than DECODE_OK after a layer was
 * opened is the inner packet's: out->tunnel_depth and ext say how deep it
 * was. */
enum decode_status decode_packet_ext(const struct decode_config *cfg,
					 int dlt, const uint8_t *p,
					 size_t caplen, size_t wirelen,
					 struct pkt *out,
					 struct frame_extra *ext);

#endif
