/* outcomes.c: the captures of connection outcomes: documented LUCS and
 * SfB connections that a firewall prohibits (ICMP 3/9, 3/10, 3/13,
 * ICMPv6 1/1), that nothing listens for (ICMP 3/3, ICMPv6 1/4, a TCP
 * RST), that a routing loop loses (ICMPv6 3/0) or that nobody answers,
 * timed around the 3 s answer wait and the 30 s tcp-attempted timeout;
 * and ICMP errors (RFC 792, RFC 4443) whose quote is cut short, names a
 * flow the capture never saw or a protocol without ports, or travels in
 * IPv4 fragments.
 *
 * The hosts are those of rules/site.example.yaml (hosts.h); the firewall
 * (10.10.0.1, 2001:db8:10::1) and the router (10.10.0.254,
 * 2001:db8:10::fe) that report some of the errors are not in it.  An
 * error leaves its reporter REPORT_DELAY after the packet it answers.
 */
#include "outcomes.h"

#include <stdint.h>
#include <string.h>

#include "craft.h"
#include "hosts.h"

#define SNAPLEN 262144
#define REPORT_DELAY US(150)	/* as tcp_attempt's: a quarter round trip */

/* Attempts at one conversation: what a client tries, and what answers
 * each try. */
struct probe {
	const char *file;	/* the capture, in pcaps/ */
	int at_ms;		/* after T0: the first try */
	uint8_t proto;		/* IPP_TCP: a SYN; IPP_UDP: a STUN request */
	const char *client;
	uint16_t cport;
	const char *server;
	uint16_t sport;
	int tries;		/* TCP: retransmitted 1, 3 s after the first;
				 * UDP: repeated 0.5, 1.5 s after (RFC 8489) */
	struct icmperr err;	/* the answer to each try; from NULL: none */
};

/* Comments give each flow's catalogue rule and its outcome. */
static const struct probe probes[] = {
	/* agent-fe-01: prohibited (3/13), RFC 792's quote */
	{ "icmp-prohibited.pcap", 0, IPP_TCP, "10.20.1.201", 51201,
	  LUCS01, 443, 3, { FIREWALL, 3, 13, 0, 8 } },
	/* lucs-sip-01: prohibited (3/13), the whole SYN quoted, as Linux's
	 * REJECT target does */
	{ "icmp-prohibited.pcap", 5000, IPP_TCP, LUCS01, 51202,
	  POOL_B, 5061, 3, { FIREWALL, 3, 13, 0, QUOTE_FILL } },
	/* agent-webconfig-02: prohibited (3/9, network) */
	{ "icmp-prohibited.pcap", 10000, IPP_TCP, "10.20.1.202", 51203,
	  LUCS02, 4443, 1, { FIREWALL, 3, 9, 0, 8 } },
	/* agent-aa-02: prohibited (3/10, host) */
	{ "icmp-prohibited.pcap", 11000, IPP_TCP, "10.20.1.203", 51204,
	  LUCS02, 19412, 1, { FIREWALL, 3, 10, 0, 8 } },

	/* agent-edge-stun: refused (3/3) by the edge, twice */
	{ "icmp-port-unreachable.pcap", 0, IPP_UDP, "10.20.1.211", 50211,
	  EDGE, 3478, 2, { EDGE, 3, 3, 0, QUOTE_FILL } },

	/* agent-fe-01 over IPv6: prohibited (1/1) */
	{ "icmpv6-prohibited.pcap", 0, IPP_TCP, "2001:db8:20::221", 51221,
	  LUCS01_V6, 443, 3, { FIREWALL_V6, 1, 1, 0, QUOTE_FILL } },
	/* STUN sent to a LUCS server (undocumented): refused (1/4) */
	{ "icmpv6-prohibited.pcap", 5000, IPP_UDP, "2001:db8:20::222", 50222,
	  LUCS01_V6, 3478, 1, { LUCS01_V6, 1, 4, 0, QUOTE_FILL } },
	/* the same to the other server, lost in a routing loop:
	 * unreachable (3/0, hop limit exceeded) */
	{ "icmpv6-prohibited.pcap", 6000, IPP_UDP, "2001:db8:20::223", 50223,
	  LUCS02_V6, 3478, 1, { ROUTER_V6, 3, 0, 0, QUOTE_FILL } },

	/* agent-fe-01: unanswered; its tcp-attempted timeout (30 s) runs
	 * out at 33 s */
	{ "outcomes-timing.pcap", 0, IPP_TCP, "10.20.1.231", 51231,
	  LUCS01, 443, 3, { 0 } },
	/* agent-webconfig-02: unanswered; still attempted at the end (60 s),
	 * its last SYN 17 s before */
	{ "outcomes-timing.pcap", 40000, IPP_TCP, "10.20.1.236", 51236,
	  LUCS02, 4443, 3, { 0 } },
	/* agent-edge-stun: unanswered, 10 s before the end */
	{ "outcomes-timing.pcap", 50000, IPP_UDP, "10.20.1.237", 50237,
	  EDGE, 3478, 1, { 0 } },
	/* lucs-edge-stun-01: undetermined, 1 s before the end */
	{ "outcomes-timing.pcap", 59000, IPP_UDP, LUCS01, 50031,
	  EDGE, 3478, 1, { 0 } },
	/* agent-webapi-01: undetermined, 0.5 s before the end */
	{ "outcomes-timing.pcap", 59500, IPP_TCP, "10.20.1.238", 51238,
	  LUCS01, 4444, 1, { 0 } },

	/* agent-edge-stun: the quote stops in the middle of the quoted
	 * source address (14 bytes of the IP header) */
	{ "icmp-quote-damaged.pcap", 0, IPP_UDP, "10.20.1.241", 50241,
	  EDGE, 3478, 1, { EDGE, 3, 3, 0, -6 } },
	/* agent-fe-01: 4 bytes of TCP quoted, the ports alone */
	{ "icmp-quote-damaged.pcap", 1000, IPP_TCP, "10.20.1.242", 51242,
	  LUCS01, 443, 1, { FIREWALL, 3, 13, 0, 4 } },
	/* the same over IPv6: the quote stops after 12 bytes of the source
	 * address; 4 bytes of TCP */
	{ "icmp-quote-damaged.pcap", 6000, IPP_UDP, "2001:db8:20::247", 50247,
	  LUCS01_V6, 3478, 1, { LUCS01_V6, 1, 4, 0, -20 } },
	{ "icmp-quote-damaged.pcap", 7000, IPP_TCP, "2001:db8:20::248", 51248,
	  LUCS01_V6, 443, 1, { FIREWALL_V6, 1, 1, 0, 4 } },
};

static void probe(struct scene *sc, const struct probe *p)
{
	const struct icmperr *e = p->err.from ? &p->err : NULL;
	int64_t t = T0 + MS(p->at_ms);
	struct tcp k;

	if (p->proto == IPP_TCP) {
		tcp_begin(&k, sc, p->client, p->cport, p->server, p->sport, t);
		tcp_attempt(&k, t, p->tries, e);
		return;
	}
	for (int i = 0; i < p->tries; i++) {
		int64_t at = t + MS(500) * ((1 << i) - 1);

		stun_binding(sc, at, p->client, p->cport, p->server, p->sport,
			     -1);
		if (e)
			icmp_error(sc, at + REPORT_DELAY, e);
	}
}

/* The probes of capture `file`, then what extra adds; written to path. */
static bool write_probes(const char *path, const char *file, uint64_t seed,
			 void (*extra)(struct scene *sc))
{
	struct scene sc;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, seed);
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++)
		if (strcmp(probes[i].file, file) == 0)
			probe(&sc, &probes[i]);
	if (extra)
		extra(&sc);
	ok = scene_write(&sc, path, CAP_PCAP_US, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}

static bool make_icmp_prohibited(const char *path)
{
	return write_probes(path, "icmp-prohibited.pcap", 0x3d1, NULL);
}

/* agent-edge-tls refused the TCP way: nothing listens on the edge's 443,
 * which answers the SYN with RST/ACK. */
static void refused_by_rst(struct scene *sc)
{
	struct tcp k;

	tcp_begin(&k, sc, "10.20.1.212", 51212, EDGE, 443, 0);
	tcp_syn(&k, T0 + SEC(2));
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);
}

static bool make_icmp_port_unreachable(const char *path)
{
	return write_probes(path, "icmp-port-unreachable.pcap", 0x3d3,
			    refused_by_rst);
}

static bool make_icmpv6_prohibited(const char *path)
{
	return write_probes(path, "icmpv6-prohibited.pcap", 0x3d6, NULL);
}

/* Besides the unanswered probes: a documented connection seen one way
 * only, whose packets span the capture (10 s to 60 s, the last packet);
 * a TCP connection and a STUN exchange that succeed; an echo request
 * answered and one not. */
static void timing_extras(struct scene *sc)
{
	struct tcp k;

	/* lucs-sip-01 midstream, the pool's half routed past the capture:
	 * undetermined */
	tcp_begin(&k, sc, LUCS01, 50412, POOL_CMS, 5061, 0);
	for (int i = 1; i <= 6; i++) {
		k.t = T0 + SEC(10) * i;
		tcp_segment(&k, CLI, TH_PSH | TH_ACK, 180);
	}
	/* agent-fe-02, agent-edge-stun: succeeded */
	tcp_begin(&k, sc, "10.20.1.232", 51232, LUCS02, 443,
		  T0 + SEC(10) + MS(500));
	tcp_handshake(&k);
	tcp_request(&k, 517, 1400);
	tcp_close(&k, CLI);
	stun_binding(sc, T0 + SEC(15), "10.20.1.233", 50233, EDGE, 3478,
		     MS(2));
	/* ICMP echo, in no table: succeeded, and unanswered */
	ping(sc, T0 + SEC(20), "10.20.1.234", LUCS01, 1, 1, US(450));
	ping(sc, T0 + SEC(25), "10.20.1.235", LUCS02, 1, 1, -1);
}

static bool make_outcomes_timing(const char *path)
{
	return write_probes(path, "outcomes-timing.pcap", 0x3d7,
			    timing_extras);
}

/* Error e at time t about a SYN from client:cport to server:443 that
 * the capture never saw. */
static void about_unseen_syn(struct scene *sc, int64_t t, const char *client,
			     uint16_t cport, const char *server,
			     const struct icmperr *e)
{
	static uint8_t syn[IP_MAX];
	struct ipspec s = {
		.src = addr_of(client), .dst = addr_of(server),
		.proto = IPP_TCP, .sport = cport, .dport = 443,
		.tcp_flags = TH_SYN, .seq = (uint32_t)rng_next(&sc->rng),
	}, err;
	size_t n;

	if (s.src.family == 4)
		s.ip_id = sc->ip_id++;
	n = ip_packet(syn, &s);
	err = icmp_error_spec(e, syn, n);
	scene_spec(sc, t, &err);
}

/* A GRE packet (RFC 2784, no optional fields) from src to dst carrying
 * an ICMP echo request between two tunnel addresses, and error e about
 * it. */
static void gre_answered(struct scene *sc, int64_t t, const char *src,
			 const char *dst, const struct icmperr *e)
{
	static uint8_t body[256];
	bool v6 = strchr(src, ':') != NULL;
	struct ipspec in = {
		.src = addr_of(v6 ? "2001:db8:99::1" : "10.99.0.1"),
		.dst = addr_of(v6 ? "2001:db8:99::2" : "10.99.0.2"),
		.proto = v6 ? IPP_ICMPV6 : IPP_ICMP,
		.icmp_type = v6 ? 128 : 8, .icmp_id = 0x99, .icmp_seq = 1,
		.ip_id = 0x0990,
	};
	struct ipspec gre = {
		.src = addr_of(src), .dst = addr_of(dst), .proto = 47,
		.payload = body,
	};

	put32(body, v6 ? 0x000086dd : 0x00000800);
	gre.plen = 4 + ip_packet(body + 4, &in);
	scene_spec(sc, t, &gre);
	icmp_error(sc, t + REPORT_DELAY, e);
}

/* Error e at time t about the packet added last, sent over a link that
 * cuts it into two IPv4 fragments, the first holding `first` bytes of
 * the ICMP message (a multiple of 8), the second 10 us later. */
static void icmp_error_fragmented(struct scene *sc, int64_t t,
				  const struct icmperr *e, size_t first)
{
	static uint8_t pkt[IP_MAX], frag[IP_MAX];
	size_t len;
	const uint8_t *orig = scene_last_ip(sc, &len);
	struct ipspec s = icmp_error_spec(e, orig, len);

	s.no_df = true;
	s.ip_id = sc->ip_id++;
	len = ip_packet(pkt, &s) - 20;
	scene_ip(sc, t, frag, ipv4_fragment(frag, pkt, 0, first, true));
	scene_ip(sc, t + US(10), frag,
		 ipv4_fragment(frag, pkt, first, len - first, false));
}

/* Besides the cut quotes of the probes: errors about flows the capture
 * never saw, about GRE (no ports) and in IPv4 fragments. */
static void damaged_extras(struct scene *sc)
{
	static const struct icmperr unknown = { ROUTER, 3, 1, 0, 8 };
	static const struct icmperr unknown6 = { ROUTER_V6, 1, 3, 0,
						 QUOTE_FILL };
	static const struct icmperr gre_ttl = { ROUTER, 11, 0, 0, 8 };
	static const struct icmperr gre_hops = { ROUTER_V6, 3, 0, 0,
						 QUOTE_FILL };
	static const struct icmperr media_closed = { POOL_B, 3, 3, 0,
						     QUOTE_FILL };
	static const struct icmperr syn_prohibited = { FIREWALL, 3, 13, 0,
						       QUOTE_FILL };
	struct tcp k;

	/* host unreachable (3/1), address unreachable (1/3) */
	about_unseen_syn(sc, T0 + SEC(2), "10.20.1.243", 51243, LUCS02,
			 &unknown);
	about_unseen_syn(sc, T0 + SEC(8), "2001:db8:20::249", 51249,
			 LUCS02_V6, &unknown6);
	/* time exceeded (11/0, 3/0): 8 bytes quote the GRE header and the
	 * first 4 of the packet inside */
	gre_answered(sc, T0 + SEC(3), LUCS02, "10.10.9.1", &gre_ttl);
	gre_answered(sc, T0 + SEC(9), LUCS02_V6, "2001:db8:10:9::1",
		     &gre_hops);
	/* agent-sfb-media, a 1200-byte RTP packet to a closed media port:
	 * port unreachable (3/3) quoting 548 bytes, in fragments of a
	 * 300-byte MTU (280 + 276 bytes) */
	rtp_stream(sc, T0 + SEC(4), "10.20.1.245", 50245, POOL_B, 50500, 1,
		   MS(20), 1200);
	icmp_error_fragmented(sc, T0 + SEC(4) + REPORT_DELAY, &media_closed,
			      280);
	/* agent-webconfig-01: prohibited (3/13), the error's first fragment
	 * holding the ICMP header and 8 bytes of the quoted IP header */
	tcp_begin(&k, sc, "10.20.1.246", 51246, LUCS01, 4443, 0);
	tcp_attempt(&k, T0 + SEC(5), 1, NULL);
	icmp_error_fragmented(sc, T0 + SEC(5) + REPORT_DELAY,
			      &syn_prohibited, 16);
}

static bool make_icmp_quote_damaged(const char *path)
{
	return write_probes(path, "icmp-quote-damaged.pcap", 0x3d9,
			    damaged_extras);
}

const struct outcome_capture outcome_captures[] = {
	{ "icmp-prohibited.pcap", make_icmp_prohibited },
	{ "icmp-port-unreachable.pcap", make_icmp_port_unreachable },
	{ "icmpv6-prohibited.pcap", make_icmpv6_prohibited },
	{ "outcomes-timing.pcap", make_outcomes_timing },
	{ "icmp-quote-damaged.pcap", make_icmp_quote_damaged },
};

const size_t n_outcome_captures =
	sizeof outcome_captures / sizeof *outcome_captures;
