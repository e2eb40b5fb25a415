/* gen-pcaps.c: writes every capture of pcaps/ (each listed in
 * pcaps/README.md), deterministically: the same program writes the same
 * bytes, which `make check` verifies against the committed files.
 *
 * Usage: gen-pcaps DIR [NAME...]   (no NAME: every capture)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/craft.h"
#include "gen/deployment.h"
#include "gen/hosts.h"
#include "gen/outcomes.h"
#include "gen/sources.h"
#include "gen/tunnels.h"

#define SNAPLEN 262144

#define AGENT "10.20.1.21"
#define AGENT_V6 "2001:db8:20::21"

/* Write a scene as a microsecond pcap of its own link type, and free it. */
static bool finish(struct scene *sc, const char *path)
{
	bool ok = scene_write(sc, path, CAP_PCAP_US, NULL, 0, 0);

	scene_free(sc);
	return ok;
}

/* --- link types ----------------------------------------------------------- */

/* The flows of every link-type capture: TCP, UDP and ICMP both ways,
 * IPv4 and IPv6 as the link type carries them. */
static void standard_mix(struct scene *sc, int64_t t, bool v4, bool v6,
			 uint32_t v6_iface)
{
	struct tcp k;

	sc->local[0] = addr_of(AGENT);
	sc->local[1] = addr_of(AGENT_V6);
	if (v4) {
		dns_lookup(sc, t, AGENT, 61001, DC, "lucs01.corp.example",
			   US(700));
		tcp_begin(&k, sc, AGENT, 50101, LUCS01, 443, t + MS(2));
		tcp_handshake(&k);
		tcp_request(&k, 320, 760);
		k.t += MS(40);
		tcp_request(&k, 180, 420);
		k.t += MS(300);
		tcp_close(&k, CLI);
		rtp_stream(sc, t + MS(100), AGENT, 50010, POOL_B, 50500, 4,
			   MS(20), 60);
		rtp_stream(sc, t + MS(105), POOL_B, 50500, AGENT, 50010, 4,
			   MS(20), 60);
		ping(sc, t + MS(400), AGENT, LUCS01, 1, 101, US(450));
		ping(sc, t + MS(1400), AGENT, LUCS01, 1, 102, US(430));
	}
	if (v6) {
		sc->iface = v6_iface;
		tcp_begin(&k, sc, AGENT_V6, 50102, LUCS01_V6, 4443,
			  t + MS(10));
		tcp_handshake(&k);
		tcp_request(&k, 280, 640);
		k.t += MS(500);
		tcp_close(&k, SRV);
		dns_lookup(sc, t + MS(8), AGENT_V6, 61002, DNS_V6,
			   "lucs02.corp.example", US(650));
		ping(sc, t + MS(450), AGENT_V6, LUCS02_V6, 2, 1, US(500));
		sc->iface = 0;
	}
}

/* The link-type captures: the standard mix in one framing each. */
static const struct link_capture {
	const char *file;
	enum link link;
	bool v4, v6;
	enum cap_format fmt;
	int64_t t;
} link_captures[] = {
	{ "link-ether.pcap", LINK_ETHER, true, true, CAP_PCAP_US, T0 },
	{ "link-vlan.pcap", LINK_VLAN, true, true, CAP_PCAP_US, T0 },
	{ "link-qinq.pcap", LINK_QINQ, true, true, CAP_PCAP_US, T0 },
	{ "link-sll.pcap", LINK_SLL, true, true, CAP_PCAP_US, T0 },
	{ "link-sll2.pcap", LINK_SLL2, true, true, CAP_PCAP_US, T0 },
	{ "link-null.pcap", LINK_NULL, true, true, CAP_PCAP_US, T0 },
	{ "link-loop.pcap", LINK_LOOP, true, true, CAP_PCAP_US, T0 },
	{ "link-raw.pcap", LINK_RAW, true, true, CAP_PCAP_US, T0 },
	{ "link-ipv4.pcap", LINK_IPV4, true, false, CAP_PCAP_US, T0 },
	{ "link-ipv6.pcap", LINK_IPV6, false, true, CAP_PCAP_US, T0 },
	/* nanosecond timestamps whose last three digits lucsaudit drops */
	{ "nsec.pcap", LINK_ETHER, true, true, CAP_PCAP_NS, T0 + 123456789 },
};

static bool make_link_capture(const char *path, const struct link_capture *c)
{
	struct scene sc;
	bool ok;

	scene_init(&sc, c->link, SNAPLEN, 0x11 + c->link);
	standard_mix(&sc, c->t, c->v4, c->v6, 0);
	ok = scene_write(&sc, path, c->fmt, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}

/* Two Ethernet interfaces: IPv4 on eth0 (microseconds), IPv6 on eth1
 * (nanoseconds, if_tsresol 9); one packet carries a comment. */
static bool make_pcapng(const char *path)
{
	static const struct cap_iface ifaces[] = {
		{ 1, SNAPLEN, 6, "eth0" },
		{ 1, SNAPLEN, 9, "eth1" },
	};
	struct scene sc;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0x2a);
	sc.comment = "first packet: written by tests/gen-pcaps";
	standard_mix(&sc, T0 + 987654321, true, true, 1);
	ok = scene_write(&sc, path, CAP_PCAPNG, ifaces, 2, 0);
	scene_free(&sc);
	return ok;
}

/* --- TCP states ------------------------------------------------------------- */

static bool make_tcp_states(const char *path)
{
	struct scene sc;
	struct tcp k;
	int64_t t = T0;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0x7c);

	/* attempted: a SYN and its retransmissions after 3 s and 6 s more,
	 * never answered (a firewall drops them) */
	tcp_begin(&k, &sc, LUCS02, 50001, POOL_B, 5061, t);
	tcp_syn(&k, t);
	tcp_syn(&k, t + SEC(3));
	tcp_syn(&k, t + SEC(9));

	/* rejected: each SYN answered by RST/ACK (nothing listens) */
	tcp_begin(&k, &sc, LUCS01, 50002, LUCS02, 19400, t + MS(200));
	tcp_syn(&k, k.t);
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);
	tcp_syn(&k, k.t + MS(500));
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);

	/* established, still open when the capture ends */
	tcp_begin(&k, &sc, "10.20.1.31", 50003, LUCS01, 443, t + MS(400));
	tcp_handshake(&k);
	tcp_request(&k, 320, 760);
	k.t += SEC(20);
	tcp_request(&k, 90, 150);

	/* closed by FIN, the client first */
	tcp_begin(&k, &sc, "10.20.1.32", 50004, LUCS02, 4443, t + MS(600));
	tcp_handshake(&k);
	tcp_request(&k, 320, 700);
	tcp_request(&k, 450, 900);
	k.t += MS(800);
	tcp_close(&k, CLI);

	/* closed by FIN, the server first */
	tcp_begin(&k, &sc, LUCS01, 50005, EXCHANGE, 443, t + MS(800));
	tcp_handshake(&k);
	tcp_request(&k, 320, 800);
	k.t += SEC(2);
	tcp_close(&k, SRV);

	/* closed by the client's RST/ACK (an aborted connection) */
	tcp_begin(&k, &sc, LUCS01, 50006, SQL, 1433, t + SEC(1));
	tcp_handshake(&k);
	tcp_request(&k, 88, 88);
	tcp_request(&k, 240, 600);
	tcp_segment(&k, CLI, TH_RST | TH_ACK, 0);

	/* closed by the server's RST/ACK in mid-conversation */
	tcp_begin(&k, &sc, "10.20.1.33", 50007, LUCS01, 19412, t + SEC(1));
	tcp_handshake(&k);
	tcp_request(&k, 300, 120);
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);

	/* midstream: the capture starts inside the conversation, with data
	 * from the server */
	tcp_begin(&k, &sc, LUCS01, 50123, POOL_CMS, 5061, t + MS(1200));
	tcp_segment(&k, SRV, TH_PSH | TH_ACK, 410);
	tcp_segment(&k, CLI, TH_ACK, 0);
	tcp_request(&k, 520, 330);

	/* midstream, the server's port higher than the client's: the
	 * packets suggest the agent is the server, the catalogue says it is
	 * the client (agent media to the SfB server over TCP) */
	tcp_begin(&k, &sc, "10.20.1.34", 49200, POOL_B, 50500,
		  t + MS(1300));
	tcp_segment(&k, CLI, TH_PSH | TH_ACK, 300);
	tcp_segment(&k, SRV, TH_PSH | TH_ACK, 300);
	tcp_segment(&k, CLI, TH_ACK, 0);

	/* port reuse: a new SYN on the same ports 4 s after the first
	 * connection closed */
	tcp_begin(&k, &sc, "10.20.1.35", 50200, LUCS01, 4444, t + SEC(2));
	tcp_handshake(&k);
	tcp_request(&k, 320, 500);
	tcp_close(&k, CLI);
	tcp_begin(&k, &sc, "10.20.1.35", 50200, LUCS01, 4444, k.t + SEC(4));
	tcp_handshake(&k);
	tcp_request(&k, 320, 500);
	tcp_request(&k, 400, 260);
	tcp_close(&k, CLI);

	/* SYN-ACK seen first: the capture missed the client's SYN */
	tcp_begin(&k, &sc, LUCS02, 50300, LUCS01, 19400, t + SEC(3));
	tcp_segment(&k, SRV, TH_SYN | TH_ACK, 0);
	tcp_segment(&k, CLI, TH_ACK, 0);
	tcp_request(&k, 200, 400);
	tcp_close(&k, CLI);

	/* a lone RST: the only packet of a conversation */
	tcp_begin(&k, &sc, "10.20.1.36", 51999, LUCS01, 443, t + SEC(4));
	tcp_segment(&k, SRV, TH_RST, 0);

	/* 45 s on: flows closed for 30 s expire on this packet's clock */
	ping(&sc, t + SEC(45), LUCS01, SQL, 1, 1, US(300));

	return finish(&sc, path);
}

/* --- fragments ---------------------------------------------------------------- */

/* A UDP datagram of len payload bytes as IPv4 fragments of at most mtu
 * bytes, sent in the order `order` gives (fragment indices; NULL: in
 * order, n <= 0 entries), at step intervals. */
static void udp_fragments(struct scene *sc, int64_t t, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport,
			  size_t len, size_t mtu, const int *order, int n)
{
	static uint8_t pkt[IP_MAX], payload[IP_MAX], frag[IP_MAX];
	struct ipspec s = {
		.src = addr_of(src), .dst = addr_of(dst), .proto = IPP_UDP,
		.sport = sport, .dport = dport, .payload = payload, .plen = len,
		.no_df = true,
	};
	bool v6 = s.src.family == 6;
	size_t hl = v6 ? 48 : 20;
	size_t step = (mtu - hl) & ~(size_t)7, plen, nfrags;
	uint32_t ident = (uint32_t)rng_next(&sc->rng);

	rng_fill(&sc->rng, payload, len);
	if (!v6)
		s.ip_id = sc->ip_id++;
	plen = ip_packet(pkt, &s) - (v6 ? 40 : 20);
	nfrags = (plen + step - 1) / step;
	for (int i = 0; i < (order ? n : (int)nfrags); i++, t += US(20)) {
		size_t f = order ? (size_t)order[i] : (size_t)i;
		size_t off = f * step;
		size_t m = plen - off < step ? plen - off : step;
		bool more = f + 1 < nfrags;

		scene_ip(sc, t, frag,
			 v6 ? ipv6_fragment(frag, pkt, off, m, more, ident)
			    : ipv4_fragment(frag, pkt, off, m, more));
	}
}

static bool make_fragments(const char *path)
{
	static const int last_first[] = { 2, 0, 1 };
	static const int second_first[] = { 1, 0 };
	static const int only_second[] = { 1 };
	static uint8_t pkt[IP_MAX], frag[IP_MAX], payload[1200];
	struct scene sc;
	struct tcp k;
	struct ipspec s;
	int64_t t = T0;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0xf7);

	/* a large DNS answer in three fragments over a 576-byte MTU, first
	 * fragment first */
	udp_send(&sc, t, LUCS01, 61010, DC, 53, 40);
	udp_fragments(&sc, t + US(800), DC, 53, LUCS01, 61010, 1200, 576,
		      NULL, 0);

	/* the same, the last fragment first (as older Linux sends them) */
	udp_send(&sc, t + MS(100), LUCS01, 61011, DC, 53, 40);
	udp_fragments(&sc, t + MS(101), DC, 53, LUCS01, 61011, 1200, 576,
		      last_first, 3);

	/* a flow whose very first packet is a later fragment */
	udp_fragments(&sc, t + MS(200), LUCS02, 50500, POOL_C, 51000, 800,
		      576, second_first, 2);
	rtp_stream(&sc, t + MS(240), POOL_C, 51000, LUCS02, 50500, 3, MS(20),
		   160);

	/* IPv6: a DNS answer in fragments of the minimum MTU */
	udp_send(&sc, t + MS(300), LUCS01_V6, 61020, DNS_V6, 53, 40);
	udp_fragments(&sc, t + MS(301), DNS_V6, 53, LUCS01_V6, 61020, 1500,
		      1280, NULL, 0);

	/* orphans: later fragments whose first fragment never comes */
	udp_fragments(&sc, t + MS(400), DC, 53, LUCS01, 61012, 1200, 576,
		      only_second, 1);
	udp_fragments(&sc, t + MS(410), DNS_V6, 53, LUCS01_V6, 61021, 1500,
		      1280, only_second, 1);

	/* a 1200-byte ping and its reply, both fragmented over a 576-byte
	 * MTU */
	memset(payload, 0x61, sizeof payload);
	s = (struct ipspec){ .src = addr_of(LUCS01), .dst = addr_of(SQL),
			     .proto = IPP_ICMP, .icmp_type = 8, .icmp_id = 1,
			     .icmp_seq = 7, .payload = payload,
			     .plen = sizeof payload, .no_df = true,
			     .ip_id = sc.ip_id++ };
	for (int dir = 0; dir < 2; dir++) {
		size_t plen = ip_packet(pkt, &s) - 20;

		for (size_t off = 0; off < plen; off += 552)
			scene_ip(&sc, t + MS(500) + MS(dir) + (int64_t)off,
				 frag,
				 ipv4_fragment(frag, pkt, off,
					       plen - off < 552 ? plen - off
								: 552,
					       off + 552 < plen));
		s.src = addr_of(SQL);
		s.dst = addr_of(LUCS01);
		s.icmp_type = 0;
		s.ip_id = sc.ip_id++;
	}

	/* a TCP segment whose first fragment holds only 8 bytes of the TCP
	 * header (RFC 1858's tiny fragment): ports, but no flags */
	tcp_begin(&k, &sc, "10.20.1.41", 50700, LUCS01, 443, t + MS(600));
	tcp_handshake(&k);
	s = (struct ipspec){ .src = k.addr[CLI], .dst = k.addr[SRV],
			     .proto = IPP_TCP, .sport = k.port[CLI],
			     .dport = k.port[SRV],
			     .tcp_flags = TH_PSH | TH_ACK, .seq = k.seq[CLI],
			     .ack = k.seq[SRV], .payload = payload,
			     .plen = 400, .no_df = true, .ip_id = sc.ip_id++ };
	{
		size_t plen = ip_packet(pkt, &s) - 20;

		scene_ip(&sc, k.t, frag, ipv4_fragment(frag, pkt, 0, 8, true));
		scene_ip(&sc, k.t + US(10), frag,
			 ipv4_fragment(frag, pkt, 8, plen - 8, false));
	}
	k.seq[CLI] += 400;
	k.t += US(300);
	tcp_segment(&k, SRV, TH_ACK, 0);
	tcp_send(&k, SRV, 600);
	tcp_close(&k, CLI);

	return finish(&sc, path);
}

/* Packets of 1400 bytes captured with a 96-byte snaplen: lucsaudit counts
 * the bytes the IP headers announce, not the bytes captured. */
static bool make_snaplen(const char *path)
{
	struct scene sc;
	struct tcp k;

	scene_init(&sc, LINK_ETHER, 96, 0x60);
	tcp_begin(&k, &sc, "10.20.1.51", 50800, LUCS01, 443, T0);
	k.mss = 1360;
	tcp_handshake(&k);
	tcp_request(&k, 517, 20 * 1360);
	tcp_close(&k, CLI);
	tcp_begin(&k, &sc, "2001:db8:20::51", 50801, LUCS01_V6, 443,
		  T0 + MS(50));
	k.mss = 1340;
	tcp_handshake(&k);
	tcp_request(&k, 517, 10 * 1340);
	tcp_close(&k, SRV);
	for (int i = 0; i < 5; i++)
		udp_send(&sc, T0 + MS(100) + MS(20) * i, "10.20.1.51", 50810,
			 POOL_B, 50600, 1372);
	return finish(&sc, path);
}

/* --- malformed packets ---------------------------------------------------- */

/* An Ethernet frame holding ip (len bytes) of which caplen frame bytes
 * are captured; len 0 keeps the frame's own length. */
static void frame_cut(struct scene *sc, int64_t t, const uint8_t *ip,
		      size_t len, uint16_t type, size_t caplen)
{
	static uint8_t frame[FRAME_MAX];
	struct addr a = addr_of(LUCS01), b = addr_of(LUCS02);
	uint8_t smac[6], dmac[6];
	size_t n;

	mac_of(&a, smac);
	mac_of(&b, dmac);
	n = ether_frame(frame, dmac, smac, NULL, 0, type, ip, len);
	scene_record(sc, t, frame, (uint32_t)(caplen && caplen < n ? caplen : n),
		     (uint32_t)n);
}

static size_t udp_packet(uint8_t *pkt, const char *src, const char *dst,
			 size_t plen)
{
	static const uint8_t zeros[64];
	struct ipspec s = {
		.src = addr_of(src), .dst = addr_of(dst), .proto = IPP_UDP,
		.sport = 50900, .dport = 3478, .payload = zeros, .plen = plen,
		.ip_id = 0x4d4d,
	};

	return ip_packet(pkt, &s);
}

static size_t tcp_packet(uint8_t *pkt, size_t plen)
{
	static const uint8_t zeros[64];
	struct ipspec s = {
		.src = addr_of(LUCS01), .dst = addr_of(LUCS02),
		.proto = IPP_TCP, .sport = 50901, .dport = 19400,
		.tcp_flags = TH_ACK, .payload = zeros, .plen = plen,
		.ip_id = 0x4d4e,
	};

	return ip_packet(pkt, &s);
}

/* Put n IPv6 extension headers of 8 bytes (types[i], padded with PadN)
 * between the fixed header of pkt (len bytes) and its payload. */
static size_t ipv6_ext(uint8_t *pkt, size_t len, const uint8_t *types,
		       size_t n)
{
	uint8_t last = pkt[6];

	memmove(pkt + 40 + 8 * n, pkt + 40, len - 40);
	for (size_t i = 0; i < n; i++) {
		uint8_t *h = pkt + 40 + 8 * i;

		memset(h, 0, 8);
		h[0] = i + 1 < n ? types[i + 1] : last;
		h[2] = 1;		/* PadN of 4 bytes */
		h[3] = 4;
	}
	pkt[6] = types[0];
	put16(pkt + 4, (uint16_t)(len - 40 + 8 * n));
	return len + 8 * n;
}

/* Every decode failure lucsaudit counts, one after the other, between
 * the packets of a healthy conversation. */
static bool make_malformed(const char *path)
{
	static const uint8_t router_alert[] = { 0x94, 0x04, 0x00, 0x00 };
	static const uint8_t nine_dstopts[9] = {
		IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS,
		IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS,
	};
	static const uint8_t bpdu[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0a, 0x0a,
		0x00, 0x01, 0x00, 0x26, 0x42, 0x42, 0x03, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x80, 0x00, 0x02, 0x00, 0x0a, 0x0a, 0x00, 0x01,
	};
	static uint8_t pkt[IP_MAX], frame[FRAME_MAX], arp[28];
	uint32_t tags[9];
	struct addr a = addr_of(LUCS01), b = addr_of(LUCS02);
	uint8_t amac[6], bmac[6];
	struct scene sc;
	struct tcp k;
	struct ipspec s;
	int64_t t = T0 + MS(100);
	size_t n;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0xba);
	mac_of(&a, amac);
	mac_of(&b, bmac);

	tcp_begin(&k, &sc, "10.20.1.61", 50950, LUCS01, 443, T0);
	tcp_handshake(&k);
	tcp_request(&k, 517, 1400);
	k.t = T0 + SEC(2);
	tcp_request(&k, 300, 800);
	tcp_close(&k, CLI);

	/* link_truncated: a 10-byte frame */
	scene_record(&sc, t, amac, 6, 10);
	/* non_ip: ARP who-has and is-at, and an 802.3 spanning-tree BPDU */
	put16(arp, 1);
	put16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);
	memcpy(arp + 8, bmac, 6);
	memcpy(arp + 14, b.b, 4);
	memset(arp + 18, 0, 6);
	memcpy(arp + 24, a.b, 4);
	scene_frame(&sc, t += MS(10), frame,
		    ether_frame(frame, (const uint8_t *)"\xff\xff\xff\xff\xff\xff",
				bmac, NULL, 0, 0x0806, arp, sizeof arp));
	put16(arp + 6, 2);
	memcpy(arp + 8, amac, 6);
	memcpy(arp + 14, a.b, 4);
	memcpy(arp + 18, bmac, 6);
	memcpy(arp + 24, b.b, 4);
	scene_frame(&sc, t += MS(10), frame,
		    ether_frame(frame, bmac, amac, NULL, 0, 0x0806, arp,
				sizeof arp));
	scene_frame(&sc, t += MS(10), bpdu, sizeof bpdu);

	/* too_many_tags: nine VLAN tags; eight still decode */
	for (int i = 0; i < 9; i++)
		tags[i] = 0x81000000u | (uint32_t)(10 + i);
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	scene_frame(&sc, t += MS(10), frame,
		    ether_frame(frame, bmac, amac, tags, 9, 0x0800, pkt, n));
	scene_frame(&sc, t += MS(10), frame,
		    ether_frame(frame, bmac, amac, tags, 8, 0x0800, pkt, n));

	/* ip_bad_version: version 5 behind the IPv4 type */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	pkt[0] = 0x55;
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* ipv4_truncated: the capture holds 12 bytes of the IP header */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 14 + 12);

	/* ipv4_bad_header_length: IHL 4 (16 bytes) */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	pkt[0] = 0x44;
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* ipv4_bad_total_length: more than the frame holds, and less than
	 * the header */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	put16(pkt + 2, 1500);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);
	put16(pkt + 2, 16);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* still valid: an IPv4 header with options (router alert, IHL 6) */
	s = (struct ipspec){ .src = a, .dst = b, .proto = IPP_UDP,
			     .sport = 50902, .dport = 3478,
			     .payload = router_alert, .plen = 4,
			     .ip_opts = router_alert, .ip_optlen = 4,
			     .ip_id = 0x4d4f };
	frame_cut(&sc, t += MS(10), pkt, ip_packet(pkt, &s), 0x0800, 0);

	/* tcp_truncated: the capture stops inside the TCP header; the IP
	 * length leaves room for 10 bytes of it */
	n = tcp_packet(pkt, 0);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 14 + 20 + 10);
	put16(pkt + 2, 30);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* tcp_bad_offset: a data offset below 5, and one beyond the packet */
	n = tcp_packet(pkt, 0);
	pkt[20 + 12] = 4 << 4;
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);
	pkt[20 + 12] = 15 << 4;
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* udp_truncated: the IP length leaves 4 bytes for UDP */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	put16(pkt + 2, 24);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* udp_bad_length: below the header, and beyond the packet */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	put16(pkt + 24, 4);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);
	put16(pkt + 24, 200);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* icmp_truncated: two bytes of ICMP */
	s = (struct ipspec){ .src = a, .dst = b, .proto = IPP_ICMP,
			     .icmp_type = 8, .ip_id = 0x4d50 };
	n = ip_packet(pkt, &s);
	put16(pkt + 2, 22);
	frame_cut(&sc, t += MS(10), pkt, n, 0x0800, 0);

	/* fragment_first_too_short: a first fragment with no UDP bytes */
	n = udp_packet(pkt, LUCS01, LUCS02, 20);
	put16(pkt + 2, 20);
	put16(pkt + 6, 0x2000);
	frame_cut(&sc, t += MS(10), pkt, 20, 0x0800, 0);

	/* ipv6_truncated: 30 bytes of the 40-byte header captured */
	n = udp_packet(pkt, LUCS01_V6, LUCS02_V6, 20);
	frame_cut(&sc, t += MS(10), pkt, n, 0x86dd, 14 + 30);

	/* ipv6_bad_payload_length: more than the frame holds */
	put16(pkt + 4, 1000);
	frame_cut(&sc, t += MS(10), pkt, n, 0x86dd, 0);

	/* ipv6_ext_truncated: a destination options header of 88 bytes in
	 * a packet of 16 */
	n = udp_packet(pkt, LUCS01_V6, LUCS02_V6, 0);
	memmove(pkt + 48, pkt + 40, 8);
	pkt[40] = IPP_UDP;
	pkt[41] = 10;
	memset(pkt + 42, 0, 6);
	pkt[6] = IPP_DSTOPTS;
	put16(pkt + 4, 16);
	frame_cut(&sc, t += MS(10), pkt, 56, 0x86dd, 0);

	/* ipv6_too_many_ext: nine destination options headers (eight still
	 * decode: see ether-encaps.pcap) */
	n = udp_packet(pkt, LUCS01_V6, LUCS02_V6, 0);
	n = ipv6_ext(pkt, n, nine_dstopts, 9);
	frame_cut(&sc, t += MS(10), pkt, n, 0x86dd, 0);

	return finish(&sc, path);
}

/* The other encapsulations lucsaudit decodes: 802.3 with LLC/SNAP, MPLS,
 * PPPoE, an 802.1Q priority tag; IPv6 extension header chains (eight
 * headers, the most lucsaudit walks) and an atomic fragment (RFC 6946);
 * GRE, a protocol without ports; and an MPLS pseudowire, which is not IP. */
static bool make_encaps(const char *path)
{
	static const uint8_t hbh_dst[] = { 0, IPP_DSTOPTS };
	static const uint8_t eight[8] = {
		IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS,
		IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS, IPP_DSTOPTS,
	};
	static uint8_t pkt[IP_MAX], frag[IP_MAX], frame[FRAME_MAX], body[128];
	static const uint8_t query[24] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01 };
	struct addr a6 = addr_of(AGENT_V6), d6 = addr_of(DNS_V6);
	struct scene sc;
	struct tcp k;
	struct ipspec s;
	uint8_t mac[6];
	int64_t t = T0;
	size_t n;

	scene_init(&sc, LINK_SNAP, SNAPLEN, 0xe1);
	ping(&sc, t, AGENT, LUCS01, 3, 1, US(400));
	sc.link = LINK_MPLS;
	tcp_begin(&k, &sc, LUCS01, 51200, SQL, 1433, t + MS(10));
	tcp_handshake(&k);
	tcp_request(&k, 140, 250);
	tcp_close(&k, CLI);
	sc.link = LINK_PPPOE;
	dns_lookup(&sc, t + MS(20), AGENT_V6, 61003, DNS_V6,
		   "lucs01.corp.example", US(600));
	tcp_begin(&k, &sc, AGENT, 50110, LUCS02, 443, t + MS(30));
	tcp_handshake(&k);
	tcp_request(&k, 320, 500);
	tcp_close(&k, CLI);
	sc.link = LINK_PRIO_TAG;
	stun_binding(&sc, t + MS(40), AGENT, 50020, EDGE, 3478, MS(1));
	sc.link = LINK_ETHER;

	/* IPv6 UDP behind hop-by-hop and destination options headers, and
	 * behind eight destination options headers */
	s = (struct ipspec){ .src = a6, .dst = d6, .proto = IPP_UDP,
			     .sport = 61004, .dport = 53, .payload = query,
			     .plen = sizeof query };
	n = ip_packet(pkt, &s);
	scene_ip(&sc, t + MS(50), pkt, ipv6_ext(pkt, n, hbh_dst, 2));
	s.sport = 61005;
	n = ip_packet(pkt, &s);
	scene_ip(&sc, t + MS(51), pkt, ipv6_ext(pkt, n, eight, 8));
	/* an atomic fragment: offset 0, no more fragments */
	s.sport = 61006;
	n = ip_packet(pkt, &s);
	scene_ip(&sc, t + MS(52), frag,
		 ipv6_fragment(frag, pkt, 0, n - 40, false, 0x5eed));

	/* GRE (protocol 47) carrying an IPv4 ping, both ways */
	for (int i = 0; i < 2; i++) {
		struct ipspec in = {
			.src = addr_of(i ? "10.99.0.2" : "10.99.0.1"),
			.dst = addr_of(i ? "10.99.0.1" : "10.99.0.2"),
			.proto = IPP_ICMP, .icmp_type = i ? 0 : 8, .icmp_id = 9,
			.icmp_seq = 1, .ip_id = (uint16_t)(0x600 + i),
		};

		put32(body, 0x00000800);	/* no flags, IPv4 inside */
		n = 4 + ip_packet(body + 4, &in);
		s = (struct ipspec){ .src = addr_of(i ? "10.10.9.1" : LUCS02),
				     .dst = addr_of(i ? LUCS02 : "10.10.9.1"),
				     .proto = 47, .payload = body, .plen = n };
		scene_spec(&sc, t + MS(60) + MS(i), &s);
	}

	/* an MPLS pseudowire: a control word, then Ethernet: not IP */
	s = (struct ipspec){ .src = addr_of(LUCS01), .dst = addr_of(SQL) };
	mac_of(&s.src, mac);
	put32(body, 3000u << 12 | 0x100 | 64);
	memset(body + 4, 0, sizeof body - 4);
	scene_frame(&sc, t + MS(70), frame,
		    ether_frame(frame, mac, mac, NULL, 0, 0x8847, body,
				sizeof body));

	return finish(&sc, path);
}

/* UDP flows whose first packet does not come from the client.  DNS
 * queries from a source port inside the SfB media range 49152-57500
 * (Windows takes ephemeral ports from 49152-65535), from above it and from
 * an agent: the querier stays the client.  A STUN answer from the edge's
 * 3478 and media from the SfB server seen before the agent's own packets:
 * the agent becomes the client. */
static bool make_udp_orientation(const char *path)
{
	struct scene sc;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0xd5);
	dns_lookup(&sc, T0, LUCS01, 50123, DC, "sql01.corp.example", US(800));
	dns_lookup(&sc, T0 + MS(10), LUCS01, 58123, DC, "sql01.corp.example",
		   US(800));
	dns_lookup(&sc, T0 + MS(20), "10.20.1.81", 51234, DC,
		   "lucs01.corp.example", US(800));
	/* the capture missed the agent's first binding request */
	stun_binding(&sc, T0 + MS(28), "10.20.1.82", 50123, EDGE, 3478, MS(2));
	scene_drop(&sc, sc.n - 2);
	stun_binding(&sc, T0 + MS(35), "10.20.1.82", 50123, EDGE, 3478, MS(2));
	rtp_stream(&sc, T0 + MS(40), POOL_B, 50500, "10.20.1.82", 50124, 3,
		   MS(20), 60);
	rtp_stream(&sc, T0 + MS(45), "10.20.1.82", 50124, POOL_B, 50500, 3,
		   MS(20), 60);
	return finish(&sc, path);
}

/* --- damaged files -------------------------------------------------------- */

/* Ten whole packets, then a file that ends in the middle of the
 * eleventh packet's bytes. */
static bool make_cut_short(const char *path)
{
	struct scene sc;
	struct tcp k;
	uint64_t limit = 24;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0xc5);
	tcp_begin(&k, &sc, "10.20.1.71", 51000, LUCS02, 443, T0);
	tcp_handshake(&k);
	tcp_request(&k, 517, 1800);
	tcp_request(&k, 400, 900);
	tcp_close(&k, CLI);
	scene_sort(&sc);
	for (size_t i = 0; i < 10; i++)
		limit += 16 + sc.recs[i].caplen;
	limit += 16 + sc.recs[10].caplen / 2;
	ok = scene_write(&sc, path, CAP_PCAP_US, NULL, 0, limit);
	scene_free(&sc);
	return ok;
}

/* Times a capture may carry (lucsaudit(1), Packet time): a conversation
 * of 2024 whose records, in order, carry the raw times of `odd` where it
 * gives them: the microsecond before 1970 (not believed), 1970's first
 * (believed: time steps back), 2038-01-19T03:14:07Z (a jump of 14 years,
 * to the last second libpcap 1.10's signed field holds), its last
 * microsecond, and the second after it (which libpcap reads as 1901: not
 * believed). */
static bool make_hostile_time(const char *path)
{
	static const struct {
		size_t rec;
		uint32_t sec, usec;
	} odd[] = {
		{ 3, UINT32_MAX, 999999 },
		{ 4, 0, 0 },
		{ 7, INT32_MAX, 0 },
		{ 9, INT32_MAX, 999999 },
		{ 10, (uint32_t)INT32_MAX + 1, 0 },
	};
	struct scene sc;
	struct tcp k;
	struct capw w;
	size_t next = 0;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0x71);
	tcp_begin(&k, &sc, AGENT, 50201, LUCS01, 443, T0);
	tcp_handshake(&k);
	tcp_request(&k, 300, 1200);
	tcp_close(&k, CLI);
	udp_send(&sc, T0 + SEC(2), AGENT, 50202, LUCS01, 3478, 60);
	udp_send(&sc, T0 + SEC(3), AGENT, 50203, LUCS01, 3478, 60);
	scene_sort(&sc);
	if (!capw_open(&w, path, CAP_PCAP_US,
		       &(struct cap_iface){ 1, SNAPLEN, 6, NULL }, 1)) {
		scene_free(&sc);
		return false;
	}
	for (size_t i = 0; i < sc.n; i++) {
		const struct rec *r = &sc.recs[i];

		if (next < sizeof odd / sizeof *odd && odd[next].rec == i) {
			capw_record(&w, odd[next].sec, odd[next].usec, r->data,
				    r->caplen, r->wirelen);
			next++;
		} else {
			capw_packet(&w, 0, r->ts, r->data, r->caplen,
				    r->wirelen, NULL);
		}
	}
	scene_free(&sc);
	return capw_close(&w);
}

/* A pcap file header and no packets. */
static bool make_empty(const char *path)
{
	struct scene sc;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0);
	return finish(&sc, path);
}

/* Text with a capture's name. */
static bool make_not_a_capture(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs("This is not a capture file: it is text that someone saved\n"
	      "with a .pcap name.  lucsaudit must say so and stop.\n", f);
	return fclose(f) == 0;
}

/* --- main ------------------------------------------------------------------ */

/* The other captures, each written by its own function. */
static const struct {
	const char *file;
	bool (*make)(const char *path);
} captures[] = {
	{ "two-interfaces.pcapng", make_pcapng },
	{ "tcp-states.pcap", make_tcp_states },
	{ "fragments.pcap", make_fragments },
	{ "snaplen-96.pcap", make_snaplen },
	{ "malformed.pcap", make_malformed },
	{ "ether-encaps.pcap", make_encaps },
	{ "udp-orientation.pcap", make_udp_orientation },
	{ "cut-short.pcap", make_cut_short },
	{ "empty.pcap", make_empty },
	{ "not-a-capture.pcap", make_not_a_capture },
	{ "lucs-deployment.pcap", make_lucs_deployment },
	{ "hostile-time.pcap", make_hostile_time },
};

static bool wanted(const char *file, int argc, char **argv)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], file) == 0)
			return true;
	return false;
}

/* Write one capture if it is wanted; false when writing failed. */
static bool write_one(const char *dir, const char *file, int argc, char **argv,
		      const struct link_capture *link,
		      bool (*make)(const char *path))
{
	char path[4096];

	if (!wanted(file, argc, argv))
		return true;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (link ? make_link_capture(path, link) : make(path))
		return true;
	fprintf(stderr, "gen-pcaps: %s: cannot write\n", path);
	return false;
}

int main(int argc, char **argv)
{
	bool ok = true;

	if (argc < 2) {
		fputs("usage: gen-pcaps DIR [NAME...]\n", stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof link_captures / sizeof *link_captures; i++)
		ok &= write_one(argv[1], link_captures[i].file, argc, argv,
				&link_captures[i], NULL);
	for (size_t i = 0; i < sizeof captures / sizeof *captures; i++)
		ok &= write_one(argv[1], captures[i].file, argc, argv, NULL,
				captures[i].make);
	for (size_t i = 0; i < n_tunnel_captures; i++)
		ok &= write_one(argv[1], tunnel_captures[i].file, argc, argv,
				NULL, tunnel_captures[i].make);
	for (size_t i = 0; i < n_outcome_captures; i++)
		ok &= write_one(argv[1], outcome_captures[i].file, argc, argv,
				NULL, outcome_captures[i].make);
	for (size_t i = 0; i < n_source_captures; i++)
		ok &= write_one(argv[1], source_captures[i].file, argc, argv,
				NULL, source_captures[i].make);
	return ok ? 0 : 1;
}
