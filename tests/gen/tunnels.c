/* tunnels.c: the tunnel captures of pcaps/: LUCS conversations as a
 * remote mirror or an overlay delivers them, inside VXLAN (RFC 7348),
 * Geneve (RFC 8926), GRE (RFC 2784, RFC 2890), ERSPAN types I, II and III
 * (draft-foschiano-erspan-03) and IP in IP (RFC 2003, RFC 2473, RFC
 * 4213), each under IPv4 and IPv6 outer headers; one conversation seen by
 * two mirror sessions; and the encapsulations lucsaudit names without
 * opening them.
 *
 * A conversation is scripted as in the other captures, into a scene of its
 * own (Ethernet frames, or IP packets for the tunnels that carry IP); each
 * of its packets is then wrapped in the tunnel's headers and an outer IP
 * packet from the mirror's exporter to the collector lucsaudit captures
 * on, a few microseconds later.
 */
#include "tunnels.h"

#include <stdint.h>
#include <string.h>

#include "craft.h"
#include "hosts.h"

#define SNAPLEN 262144
#define INNER_MSS 1360		/* bytes: the mirror's packets fit 1500 */

/* The mirror's ends, not in the inventory: a switch or cloud endpoint
 * that exports it, and the host lucsaudit captures on. */
#define EXPORTER "10.30.0.2"
#define COLLECTOR "10.30.0.100"
#define EXPORTER_V6 "2001:db8:30::2"
#define COLLECTOR_V6 "2001:db8:30::100"

enum carrier {
	C_VXLAN,		/* UDP 4789: Ethernet */
	C_GENEVE_ETH,		/* UDP 6081: Ethernet, no options */
	C_GENEVE_IP,		/* UDP 6081: IP, behind the three options
				 * a gateway load balancer sends */
	C_GRE,			/* GRE, no optional field: IP */
	C_GRE_KS,		/* GRE with key and sequence number: IP */
	C_GRE_TEB,		/* GRE with key: Ethernet (0x6558) */
	C_ERSPAN1,		/* GRE 0x88be, no sequence number: Ethernet */
	C_ERSPAN2,		/* GRE 0x88be, sequence number, ERSPAN II */
	C_ERSPAN3,		/* GRE 0x22eb, ERSPAN III */
	C_ERSPAN3_PLATFORM,	/* ... with its platform subheader */
	C_IPIP			/* IP protocol 4 or 41 */
};

/* A conversation, mirrored: in which capture, how it travels, and what
 * it is. */
struct leg {
	const char *file;
	enum carrier carrier;
	bool outer_v6;
	uint32_t id;		/* VNI, GRE key or ERSPAN session */
	int delay_us;		/* what the mirror adds to each packet */
	int at_ms;		/* after T0: the conversation's start */
	const char *client;
	uint16_t cport;
	const char *server;
	uint16_t sport;
};

static bool carries_ethernet(enum carrier c)
{
	return c != C_GENEVE_IP && c != C_GRE && c != C_GRE_KS && c != C_IPIP;
}

/* A DNS lookup of the server, then TCP: handshake, two exchanges with
 * data both ways, the client's FIN.  The same leg always makes the same
 * bytes, so two sessions mirror one conversation exactly. */
static void converse(struct scene *in, const struct leg *l)
{
	bool v6 = strchr(l->client, ':') != NULL;
	int64_t t = T0 + MS(l->at_ms);
	struct tcp k;

	dns_lookup(in, t, l->client, (uint16_t)(l->cport + 1000),
		   v6 ? DNS_V6 : DC, "lucs01.corp.example", US(700));
	tcp_begin(&k, in, l->client, l->cport, l->server, l->sport, t + MS(2));
	k.mss = INNER_MSS;
	tcp_handshake(&k);
	tcp_request(&k, 517, 3000);
	k.t += MS(40);
	tcp_request(&k, 320, 760);
	k.t += MS(200);
	tcp_close(&k, CLI);
}

static uint16_t inner_type(const uint8_t *ip)
{
	return ip[0] >> 4 == 6 ? 0x86dd : 0x0800;
}

/* RFC 8926 options of 8, 8 and 4 bytes, class 0x0108 (Amazon): the
 * endpoint, the attachment and a flow cookie. */
static size_t geneve_options(uint8_t *h, uint32_t id)
{
	static const uint8_t lens[3] = { 2, 2, 1 };	/* 4-byte words */
	size_t n = 0;

	for (uint8_t i = 0; i < 3; i++) {
		put16(h + n, 0x0108);
		h[n + 2] = (uint8_t)(i + 1);
		h[n + 3] = lens[i];
		memset(h + n + 4, 0, 4 * (size_t)lens[i]);
		put32(h + n + 4 * (size_t)lens[i], id + i);
		n += 4 + 4 * (size_t)lens[i];
	}
	return n;
}

/* The headers of leg l's tunnel before a packet (ts: its time; inner: its
 * first bytes): their length; *proto and *dport say what carries them. */
static size_t carrier_header(uint8_t *h, const struct leg *l, uint32_t seq,
			     int64_t ts, const uint8_t *inner, uint8_t *proto,
			     uint16_t *dport)
{
	uint32_t stamp = (uint32_t)(ts / 100);	/* ERSPAN III: 100 ns */
	size_t n;

	*proto = 47;
	*dport = 0;
	switch (l->carrier) {
	case C_VXLAN:
		*proto = IPP_UDP;
		*dport = 4789;
		put32(h, 0x08000000);		/* I: the VNI is valid */
		put32(h + 4, l->id << 8);
		return 8;
	case C_GENEVE_ETH:
	case C_GENEVE_IP:
		*proto = IPP_UDP;
		*dport = 6081;
		n = l->carrier == C_GENEVE_IP ? geneve_options(h + 8, l->id)
					       : 0;
		h[0] = (uint8_t)(n / 4);	/* version 0, options length */
		h[1] = 0;
		put16(h + 2, l->carrier == C_GENEVE_IP ? inner_type(inner)
						       : 0x6558);
		put32(h + 4, l->id << 8);
		return 8 + n;
	case C_GRE:
		put16(h, 0);
		put16(h + 2, inner_type(inner));
		return 4;
	case C_GRE_KS:
		put16(h, 0x3000);		/* K, S */
		put16(h + 2, inner_type(inner));
		put32(h + 4, l->id);
		put32(h + 8, seq);
		return 12;
	case C_GRE_TEB:
		put16(h, 0x2000);		/* K */
		put16(h + 2, 0x6558);
		put32(h + 4, l->id);
		return 8;
	case C_ERSPAN1:
		put16(h, 0);
		put16(h + 2, 0x88be);
		return 4;
	case C_ERSPAN2:
		put16(h, 0x1000);		/* S */
		put16(h + 2, 0x88be);
		put32(h + 4, seq);
		put16(h + 8, 0x1000 | 20);	/* version 1, VLAN 20 */
		put16(h + 10, (uint16_t)(l->id & 0x3ff));	/* session */
		put32(h + 12, 7);		/* reserved, port index 7 */
		return 16;
	case C_ERSPAN3:
	case C_ERSPAN3_PLATFORM:
		put16(h, 0);
		put16(h + 2, 0x22eb);
		put16(h + 4, 0x2000 | 20);	/* version 2, VLAN 20 */
		put16(h + 6, (uint16_t)(l->id & 0x3ff));	/* session */
		put32(h + 8, stamp);
		put16(h + 12, 0);		/* security group tag */
		/* P 0, frame type 0 (Ethernet), hardware 1, ingress,
		 * granularity 1 (100 ns), O */
		put16(h + 14, (uint16_t)(1 << 4 | 1 << 1 |
					 (l->carrier == C_ERSPAN3_PLATFORM)));
		if (l->carrier == C_ERSPAN3)
			return 16;
		put32(h + 16, 3u << 26 | 7);	/* platform 3, port 7 */
		put32(h + 20, (uint32_t)(ts / 100 >> 32));
		return 24;
	default:			/* C_IPIP */
		*proto = inner[0] >> 4 == 6 ? 41 : 4;
		return 0;
	}
}

/* Leg l's conversation, wrapped packet by packet into out. */
static void mirror(struct scene *out, const struct leg *l)
{
	static uint8_t payload[IP_MAX];
	struct scene in;
	uint32_t seq = 1;

	scene_init(&in, carries_ethernet(l->carrier) ? LINK_ETHER : LINK_RAW,
		   SNAPLEN, (uint64_t)l->cport << 16 | (uint64_t)l->at_ms);
	converse(&in, l);
	scene_sort(&in);
	for (size_t i = 0; i < in.n; i++) {
		const struct rec *r = &in.recs[i];
		/* RFC 7348: a source port from the inner flow, the same
		 * for all of its packets */
		struct ipspec s = {
			.src = addr_of(l->outer_v6 ? EXPORTER_V6 : EXPORTER),
			.dst = addr_of(l->outer_v6 ? COLLECTOR_V6 : COLLECTOR),
			.sport = (uint16_t)(49152 + l->cport % 16384),
			.payload = payload,
		};
		const uint8_t *ip = r->data + (carries_ethernet(l->carrier)
					       ? 14 : 0);
		size_t hl = carrier_header(payload, l, seq++, r->ts, ip,
					   &s.proto, &s.dport);

		memcpy(payload + hl, r->data, r->caplen);
		s.plen = hl + r->caplen;
		scene_spec(out, r->ts + US(l->delay_us), &s);
	}
	scene_free(&in);
}

/* Every conversation of the tunnel captures but tunnel-unopened.pcap:
 *   vxlan: AWS or Azure traffic mirroring, VXLAN on 4789;
 *   geneve: a gateway load balancer's Geneve, IP inside behind its
 *     options; and Geneve carrying Ethernet;
 *   gre: GRE carrying IPv4 and IPv6, with and without key and sequence
 *     number, and carrying Ethernet (transparent bridging);
 *   erspan: a Cisco switch's ERSPAN types I, II (sessions 101, 102) and
 *     III (sessions 201, 202), the last with its platform subheader;
 *   ipip: IPv4 in IPv4, IPv6 in IPv4, IPv4 in IPv6, IPv6 in IPv6;
 *   two-sessions: one conversation in two VXLAN mirror sessions (VNI 100
 *     and 200), one in two ERSPAN II sessions (1 and 2) under IPv6: the
 *     same inner packets, 20 or 30 microseconds apart. */
static const struct leg legs[] = {
	{ "tunnel-vxlan.pcap", C_VXLAN, false, 7, 40, 0,
	  "10.20.1.111", 50111, LUCS01, 443 },
	{ "tunnel-vxlan.pcap", C_VXLAN, true, 7, 40, 300,
	  "2001:db8:20::112", 50112, LUCS01_V6, 443 },
	{ "tunnel-vxlan.pcap", C_VXLAN, true, 8, 45, 600,
	  "10.20.1.113", 50113, LUCS02, 4443 },
	{ "tunnel-geneve.pcap", C_GENEVE_IP, false, 0x5e7, 30, 0,
	  "10.20.1.121", 50121, LUCS01, 443 },
	{ "tunnel-geneve.pcap", C_GENEVE_IP, true, 0x5e7, 30, 300,
	  "2001:db8:20::122", 50122, LUCS01_V6, 443 },
	{ "tunnel-geneve.pcap", C_GENEVE_ETH, false, 0x5e8, 35, 600,
	  "10.20.1.123", 50123, LUCS02, 4443 },
	{ "tunnel-gre.pcap", C_GRE, false, 0, 20, 0,
	  "10.20.1.131", 50131, LUCS01, 443 },
	{ "tunnel-gre.pcap", C_GRE_KS, true, 0x1031, 20, 300,
	  "2001:db8:20::132", 50132, LUCS01_V6, 443 },
	{ "tunnel-gre.pcap", C_GRE_TEB, false, 0x1033, 25, 600,
	  "10.20.1.133", 50133, LUCS02, 4443 },
	{ "tunnel-gre.pcap", C_GRE_TEB, true, 0x1034, 25, 900,
	  "10.20.1.134", 50134, LUCS01, 443 },
	{ "tunnel-erspan.pcap", C_ERSPAN1, false, 0, 15, 0,
	  "10.20.1.141", 50141, LUCS01, 443 },
	{ "tunnel-erspan.pcap", C_ERSPAN2, false, 101, 15, 300,
	  "10.20.1.142", 50142, LUCS01, 443 },
	{ "tunnel-erspan.pcap", C_ERSPAN2, true, 102, 15, 600,
	  "2001:db8:20::143", 50143, LUCS01_V6, 443 },
	{ "tunnel-erspan.pcap", C_ERSPAN3, false, 201, 15, 900,
	  "10.20.1.144", 50144, LUCS02, 4443 },
	{ "tunnel-erspan.pcap", C_ERSPAN3_PLATFORM, true, 202, 15, 1200,
	  "10.20.1.145", 50145, LUCS02, 4443 },
	{ "tunnel-ipip.pcap", C_IPIP, false, 0, 10, 0,
	  "10.20.1.151", 50151, LUCS01, 443 },
	{ "tunnel-ipip.pcap", C_IPIP, false, 0, 10, 300,
	  "2001:db8:20::152", 50152, LUCS01_V6, 443 },
	{ "tunnel-ipip.pcap", C_IPIP, true, 0, 10, 600,
	  "10.20.1.153", 50153, LUCS02, 4443 },
	{ "tunnel-ipip.pcap", C_IPIP, true, 0, 10, 900,
	  "2001:db8:20::154", 50154, LUCS01_V6, 443 },
	{ "tunnel-two-sessions.pcap", C_VXLAN, false, 100, 35, 0,
	  "10.20.1.161", 50161, LUCS01, 443 },
	{ "tunnel-two-sessions.pcap", C_VXLAN, false, 200, 55, 0,
	  "10.20.1.161", 50161, LUCS01, 443 },
	{ "tunnel-two-sessions.pcap", C_ERSPAN2, true, 1, 30, 500,
	  "10.20.1.162", 50162, LUCS02, 4443 },
	{ "tunnel-two-sessions.pcap", C_ERSPAN2, true, 2, 60, 500,
	  "10.20.1.162", 50162, LUCS02, 4443 },
};

static const char *file_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static uint64_t seed_of(const char *file)
{
	for (size_t i = 0; i < n_tunnel_captures; i++)
		if (strcmp(tunnel_captures[i].file, file) == 0)
			return tunnel_captures[i].seed;
	return 0;
}

/* The capture path names (by its file name): its conversations,
 * mirrored. */
static bool make_mirrored(const char *path)
{
	const char *file = file_of(path);
	struct scene sc;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, seed_of(file));
	for (size_t i = 0; i < sizeof legs / sizeof *legs; i++)
		if (strcmp(legs[i].file, file) == 0)
			mirror(&sc, &legs[i]);
	ok = scene_write(&sc, path, CAP_PCAP_US, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}

/* --- encapsulations named, not opened ------------------------------------ */

static void udp_datagram(struct scene *sc, int64_t t, const char *src,
			 uint16_t sport, const char *dst, uint16_t dport,
			 const uint8_t *payload, size_t len)
{
	struct ipspec s = {
		.src = addr_of(src), .dst = addr_of(dst), .proto = IPP_UDP,
		.sport = sport, .dport = dport, .payload = payload, .plen = len,
	};

	scene_spec(sc, t, &s);
}

/* An IPv4 ICMP echo request from the agent to LUCS01, as the payload of
 * the encapsulations below; returns its length. */
static size_t echo(uint8_t *p)
{
	static const uint8_t data[8] = "lucsping";
	struct ipspec s = {
		.src = addr_of("10.20.1.171"), .dst = addr_of(LUCS01),
		.proto = IPP_ICMP, .icmp_type = 8, .icmp_id = 1, .icmp_seq = 1,
		.payload = data, .plen = sizeof data, .ip_id = 0x1717,
	};

	return ip_packet(p, &s);
}

/* Teredo, GTP-U, GTP-C, MPLS in UDP, VXLAN-GPE, L2TP, GRE in UDP, PPTP's
 * GRE and Geneve carrying NSH, once each; and a GRE mirror whose outer
 * packet the network fragmented. */
static bool make_unopened(const char *path)
{
	static uint8_t b[IP_MAX], pkt[IP_MAX], frag[IP_MAX];
	/* A Teredo bubble: IPv6, no next header, from a Teredo address. */
	static const uint8_t bubble[40] = {
		0x60, 0, 0, 0, 0, 0, 59, 21,
		0x20, 0x01, 0, 0, 0x4d, 0x76, 0x01, 0x02, 0, 0, 0xf5, 0xeb,
		0xb2, 0xe1, 0xfe, 0xfe,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x80, 0, 0xf2, 0x27, 0xbe, 0xee,
		0xe0, 0x01,
	};
	static const uint8_t sccrq[12] = { 0xc8, 0x02, 0, 12, 0, 0, 0, 0,
					   0, 0, 0, 0 };
	struct scene sc;
	struct ipspec s;
	int64_t t = T0;
	size_t n;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, seed_of(file_of(path)));
	udp_datagram(&sc, t, "10.20.1.171", 50171, DOC_A, 3544, bubble,
		     sizeof bubble);
	udp_datagram(&sc, t + MS(1), DOC_A, 3544, "10.20.1.171", 50171, bubble,
		     sizeof bubble);
	/* GTP-U G-PDU (version 1, PT), tunnel id 0x171 */
	n = echo(b + 8);
	put32(b, 0x30ff0000u | (uint32_t)n);
	put32(b + 4, 0x171);
	udp_datagram(&sc, t + MS(10), "10.30.1.1", 2152, "10.30.1.2", 2152, b,
		     8 + n);
	/* GTPv2-C echo request, sequence 1 */
	put32(b, 0x40010004);
	put32(b + 4, 0x00000100);
	udp_datagram(&sc, t + MS(20), "10.30.1.1", 2123, "10.30.1.2", 2123, b,
		     8);
	/* MPLS in UDP: label 1000, bottom of stack, TTL 64 */
	n = echo(b + 4);
	put32(b, 1000u << 12 | 0x100 | 64);
	udp_datagram(&sc, t + MS(30), "10.30.1.1", 50172, "10.30.1.2", 6635, b,
		     4 + n);
	/* VXLAN-GPE: I and P flags, next protocol IPv4, VNI 17 */
	n = echo(b + 8);
	put32(b, 0x0c000001);
	put32(b + 4, 17u << 8);
	udp_datagram(&sc, t + MS(40), "10.30.1.1", 50173, "10.30.1.2", 4790, b,
		     8 + n);
	/* L2TPv2: a control connection request (T, L, S; length 12) */
	udp_datagram(&sc, t + MS(50), "10.30.1.1", 1701, "10.30.1.2", 1701,
		     sccrq, sizeof sccrq);
	/* GRE in UDP (RFC 8086) carrying IPv4 */
	n = echo(b + 4);
	put32(b, 0x00000800);
	udp_datagram(&sc, t + MS(60), "10.30.1.1", 50174, "10.30.1.2", 4754, b,
		     4 + n);
	/* PPTP's GRE (version 1: K, S, payload length, call id 7), PPP */
	n = echo(b + 14);
	put32(b, 0x3001880bu);
	put16(b + 4, (uint16_t)(n + 2));
	put16(b + 6, 7);
	put32(b + 8, 1);
	put16(b + 12, 0x0021);		/* PPP: IPv4 */
	s = (struct ipspec){ .src = addr_of("10.30.1.1"),
			     .dst = addr_of("10.30.1.2"), .proto = 47,
			     .payload = b, .plen = 14 + n };
	scene_spec(&sc, t + MS(70), &s);
	/* Geneve carrying NSH (0x894f) */
	n = echo(b + 8 + 8);
	put32(b, 0x0000894f);
	put32(b + 4, 0x171u << 8);
	put32(b + 8, 0x0fc20201);	/* NSH: TTL 63, 2 words, MD 2, IPv4 */
	put32(b + 12, 0x000171ff);	/* service path 0x171, index 255 */
	udp_datagram(&sc, t + MS(80), "10.30.1.1", 50175, "10.30.1.2", 6081, b,
		     16 + n);
	/* A GRE mirror of a full-size frame (an agent's UDP to the SfB
	 * server), its outer IPv4 packet fragmented on a 1500-byte path */
	{
		static uint8_t data[1472];
		struct ipspec in = {
			.src = addr_of("10.20.1.172"), .dst = addr_of(POOL_B),
			.proto = IPP_UDP, .sport = 50176, .dport = 50500,
			.payload = data, .plen = sizeof data, .ip_id = 0x0172,
		};
		uint8_t smac[6], dmac[6];

		memset(data, 0x5a, sizeof data);
		mac_of(&in.src, smac);
		mac_of(&in.dst, dmac);
		put32(b, 0x20006558);		/* K, Ethernet */
		put32(b + 4, 0x171);
		n = ip_packet(pkt, &in);
		n = 8 + ether_frame(b + 8, dmac, smac, NULL, 0, 0x0800, pkt, n);
		s = (struct ipspec){ .src = addr_of(EXPORTER),
				     .dst = addr_of(COLLECTOR), .proto = 47,
				     .payload = b, .plen = n, .no_df = true,
				     .ip_id = 0x0171 };
		n = ip_packet(pkt, &s);
		scene_ip(&sc, t + MS(90), frag,
			 ipv4_fragment(frag, pkt, 0, 1480, true));
		scene_ip(&sc, t + MS(90) + US(5), frag,
			 ipv4_fragment(frag, pkt, 1480, n - 20 - 1480, false));
	}
	ok = scene_write(&sc, path, CAP_PCAP_US, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}

const struct tunnel_capture tunnel_captures[] = {
	{ "tunnel-vxlan.pcap", make_mirrored, 0x7e1 },
	{ "tunnel-geneve.pcap", make_mirrored, 0x6e4 },
	{ "tunnel-gre.pcap", make_mirrored, 0x67e },
	{ "tunnel-erspan.pcap", make_mirrored, 0xe25 },
	{ "tunnel-ipip.pcap", make_mirrored, 0x191 },
	{ "tunnel-two-sessions.pcap", make_mirrored, 0x2e5 },
	{ "tunnel-unopened.pcap", make_unopened, 0x0e0 },
};

const size_t n_tunnel_captures =
	sizeof tunnel_captures / sizeof *tunnel_captures;
