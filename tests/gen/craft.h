/* craft.h: the packets of the generated captures.
 *
 * IPv4 (RFC 791) and IPv6 (RFC 8200) packets carrying TCP (RFC 9293),
 * UDP (RFC 768), ICMP (RFC 792) or ICMPv6 (RFC 4443), with valid
 * checksums; ICMP and ICMPv6 errors quoting a packet as a router, a
 * firewall or its destination sends them; IP fragments cut from whole
 * packets; the link layers
 * lucsaudit reads; and scenes, which collect packets in any order and
 * write them sorted by time, so that each conversation of a capture can
 * be scripted on its own.  Everything is deterministic: the only
 * randomness is a fixed-seed PRNG per scene.
 */
#ifndef LUCS_GEN_CRAFT_H
#define LUCS_GEN_CRAFT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capwrite.h"

#define IP_MAX 65600		/* bytes: the largest packet built */
#define FRAME_MAX (IP_MAX + 128)	/* bytes: a packet and its link header */

#define US(n) ((int64_t)(n) * 1000)
#define MS(n) ((int64_t)(n) * 1000000)
#define SEC(n) ((int64_t)(n) * 1000000000)

enum { IPP_ICMP = 1, IPP_TCP = 6, IPP_UDP = 17, IPP_FRAGMENT = 44,
       IPP_ICMPV6 = 58, IPP_DSTOPTS = 60 };

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08,
       TH_ACK = 0x10 };

struct addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t b[16];
};

/* The address written as text; exits on a typo. */
struct addr addr_of(const char *text);

void put16(uint8_t *p, uint16_t v);	/* big-endian stores */
void put32(uint8_t *p, uint32_t v);

/* splitmix64 (Steele, Lea, Flood 2014), seeded by each capture. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);
void rng_fill(struct rng *r, uint8_t *p, size_t n);

/* One IP packet.  Unset fields take sensible defaults (TTL 128, window
 * 64240). */
struct ipspec {
	struct addr src, dst;
	uint8_t proto;
	uint16_t sport, dport;		/* TCP and UDP */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint16_t window;
	const uint8_t *tcp_opts;	/* a multiple of 4 bytes */
	size_t tcp_optlen;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	const uint8_t *ip_opts;		/* IPv4 options, a multiple of 4 bytes */
	size_t ip_optlen;
	const uint8_t *payload;
	size_t plen;
	uint16_t ip_id;
	uint8_t ttl;
	bool no_df;			/* IPv4: leave Don't Fragment clear */
};

/* Build s into out (IP_MAX bytes); returns the packet's length. */
size_t ip_packet(uint8_t *out, const struct ipspec *s);

/* Fragments of a whole packet: the payload bytes [off, off + n) after
 * its IP header, offset off a multiple of 8, More Fragments when more. */
size_t ipv4_fragment(uint8_t *out, const uint8_t *pkt, size_t off, size_t n,
		     bool more);
size_t ipv6_fragment(uint8_t *out, const uint8_t *pkt, size_t off, size_t n,
		     bool more, uint32_t ident);

enum link {
	LINK_ETHER,		/* Ethernet II */
	LINK_VLAN,		/* Ethernet, one 802.1Q tag (VLAN 100) */
	LINK_QINQ,		/* Ethernet, 802.1ad 0x88a8 VLAN 200 + 802.1Q VLAN 100 */
	LINK_PRIO_TAG,		/* Ethernet, an 802.1Q priority tag (VLAN 0, PCP 5) */
	LINK_SNAP,		/* 802.3 with an 802.2 LLC/SNAP header */
	LINK_MPLS,		/* Ethernet, two MPLS labels (RFC 3032) */
	LINK_PPPOE,		/* Ethernet, a PPPoE session (RFC 2516) */
	LINK_SLL,		/* Linux cooked v1 */
	LINK_SLL2,		/* Linux cooked v2 */
	LINK_NULL,		/* BSD loopback, host (little-endian) order, macOS AFs */
	LINK_LOOP,		/* OpenBSD loopback, network order */
	LINK_RAW,		/* LINKTYPE_RAW (101) */
	LINK_IPV4,		/* LINKTYPE_IPV4 (228) */
	LINK_IPV6		/* LINKTYPE_IPV6 (229) */
};

uint32_t link_linktype(enum link l);

/* The locally administered MAC address the generator gives an IP address. */
void mac_of(const struct addr *a, uint8_t mac[6]);

/* An Ethernet frame: tags are 32-bit TPID << 16 | TCI values, outermost
 * first; frames shorter than 60 bytes are padded as a NIC pads them. */
size_t ether_frame(uint8_t *out, const uint8_t dst[6], const uint8_t src[6],
		   const uint32_t *tags, size_t ntags, uint16_t type,
		   const uint8_t *payload, size_t len);

struct rec {
	int64_t ts;		/* nanoseconds since the epoch */
	uint64_t order;		/* insertion order: ties keep it */
	uint32_t iface;
	uint32_t caplen, wirelen;	/* bytes */
	const char *comment;
	uint32_t ip_off, ip_len;	/* bytes: the IP packet in data, if
					 * scene_ip added it; else 0, 0 */
	uint8_t *data;
};

/* Packets of one capture, written sorted by time. */
struct scene {
	enum link link;
	uint32_t snaplen;	/* records are cut to it */
	uint32_t iface;		/* pcapng interface of packets added next */
	struct addr local[2];	/* cooked captures: the capturing host's
				 * IPv4 and IPv6 addresses */
	const char *comment;	/* pcapng comment of the next packet */
	uint16_t ip_id;		/* next IPv4 identification */
	struct rng rng;
	struct rec *recs;
	size_t n, cap;
};

void scene_init(struct scene *sc, enum link link, uint32_t snaplen,
		uint64_t seed);
void scene_free(struct scene *sc);

/* A record as is: caplen bytes of a wirelen-byte frame. */
void scene_record(struct scene *sc, int64_t ts, const uint8_t *data,
		  uint32_t caplen, uint32_t wirelen);
/* A link-layer frame, cut to the snaplen. */
void scene_frame(struct scene *sc, int64_t ts, const uint8_t *frame,
		 size_t len);
/* An IP packet, framed in the scene's link layer. */
void scene_ip(struct scene *sc, int64_t ts, const uint8_t *ip, size_t len);
/* Build s and add it. */
void scene_spec(struct scene *sc, int64_t ts, struct ipspec *s);
/* The IP packet of the record added last (before sorting), *len bytes:
 * what an ICMP error about it quotes.  Exits when scene_ip did not add
 * that record or the snaplen cut it. */
const uint8_t *scene_last_ip(const struct scene *sc, size_t *len);

/* Forget record i (in insertion order, before sorting): a packet the
 * capture missed. */
void scene_drop(struct scene *sc, size_t i);
/* Sort the records by time (scene_write does it too). */
void scene_sort(struct scene *sc);
/* Write the scene to path; limit > 0 cuts the file after that many
 * bytes.  ifaces NULL: one interface of the scene's link type. */
bool scene_write(struct scene *sc, const char *path, enum cap_format fmt,
		 const struct cap_iface *ifaces, size_t nifaces,
		 uint64_t limit);

/* --- conversations ------------------------------------------------------ */

enum { CLI = 0, SRV = 1 };

/* A TCP connection's two ends and sequence numbers; every call emits
 * segments at k->t and moves it on by half a round trip per segment. */
struct tcp {
	struct scene *sc;
	struct addr addr[2];	/* [CLI], [SRV] */
	uint16_t port[2];
	uint32_t seq[2];	/* next sequence number each end sends */
	uint32_t isn[2];	/* initial sequence numbers */
	bool spoke[2];		/* each end has sent data */
	uint16_t mss;		/* bytes per full-size segment */
	int64_t t;		/* nanoseconds: the next segment's time */
	int64_t rtt;		/* nanoseconds */
};

void tcp_begin(struct tcp *k, struct scene *sc, const char *client,
	       uint16_t cport, const char *server, uint16_t sport, int64_t t);
/* One segment from end `from` with exactly these flags; with ACK set it
 * acknowledges everything the other end sent. */
void tcp_segment(struct tcp *k, int from, uint8_t flags, size_t len);
/* The client's SYN at time t: its first or a retransmission. */
void tcp_syn(struct tcp *k, int64_t t);
void tcp_handshake(struct tcp *k);
/* len bytes from `from` in full-size segments, each acknowledged. */
void tcp_send(struct tcp *k, int from, size_t len);
/* A request and its response, which carries the request's ACK. */
void tcp_request(struct tcp *k, size_t req, size_t resp);
/* An orderly close begun by `from`: FIN, FIN, ACK. */
void tcp_close(struct tcp *k, int from);

/* One UDP datagram. */
void udp_send(struct scene *sc, int64_t t, const char *src, uint16_t sport,
	      const char *dst, uint16_t dport, size_t len);
/* An RTP stream of n packets every ptime nanoseconds. */
void rtp_stream(struct scene *sc, int64_t t, const char *src, uint16_t sport,
		const char *dst, uint16_t dport, int n, int64_t ptime,
		size_t len);
/* A STUN binding request (RFC 8489) and, after rtt, its response (rtt <
 * 0: none). */
void stun_binding(struct scene *sc, int64_t t, const char *client,
		  uint16_t cport, const char *server, uint16_t sport,
		  int64_t rtt);
/* A DNS A query (RFC 1035) and, after rtt, its answer. */
void dns_lookup(struct scene *sc, int64_t t, const char *client,
		uint16_t cport, const char *server, const char *name,
		int64_t rtt);
/* ICMP or ICMPv6 echo request and, after rtt, its reply (rtt < 0: none). */
void ping(struct scene *sc, int64_t t, const char *src, const char *dst,
	  uint16_t id, uint16_t seq, int64_t rtt);

/* --- ICMP errors ---------------------------------------------------------- */

#define QUOTE_FILL INT_MAX	/* quote as much as the error may carry */

/* An ICMP (RFC 792) or ICMPv6 (RFC 4443) error about an IP packet, sent
 * to that packet's source; ICMP or ICMPv6 as the packet is IPv4 or IPv6. */
struct icmperr {
	const char *from;	/* the reporter: a firewall, a router, the
				 * destination itself */
	uint8_t type, code;
	uint32_t word;		/* the header's second 32 bits: 0 (unused),
				 * the next-hop MTU (ICMP 3/4), the pointer
				 * (ICMP 12, top byte; ICMPv6 4), the MTU
				 * (ICMPv6 2) */
	int quote;		/* bytes quoted after the packet's IP header
				 * (IPv4's with options, IPv6's fixed 40):
				 * RFC 792 asks for 8; fewer cut the transport
				 * header, a negative count cuts that many
				 * bytes off the IP header; QUOTE_FILL quotes
				 * as much as fits in 576 bytes (ICMP, RFC 1812
				 * 4.3.2.3) or 1280 (ICMPv6, RFC 4443 2.4 (c)).
				 * Never more than the packet holds. */
};

/* Error e about the IP packet orig (len bytes), as an ipspec whose
 * payload points into orig; set ip_id or no_df before building it. */
struct ipspec icmp_error_spec(const struct icmperr *e, const uint8_t *orig,
			      size_t len);
/* Error e, at time t, about the packet added last to sc. */
void icmp_error(struct scene *sc, int64_t t, const struct icmperr *e);
/* A connection attempt: the client's SYN at time t and n - 1
 * retransmissions 1, 3, 7... s after it (Linux: an initial timeout of
 * 1 s, doubled each time); with e, each answered k->rtt / 4 later by
 * that error (from a firewall or router between the ends). */
void tcp_attempt(struct tcp *k, int64_t t, int n, const struct icmperr *e);

#endif
