/* deployment.c: pcaps/lucs-deployment.pcap, ten minutes of packet time in
 * a two-server LUCS deployment with TM beside it, addressed as
 * rules/site.example.yaml inventories it.
 *
 * Busy from 0 to 150 s, quiet (not one packet) from 150 to 400 s, busy
 * again until 600 s.  The flows follow the vendor's port tables
 * (rules/lucs.yaml encodes them); a few are failed attempts (two of them
 * refused by ICMP errors), a debug session, and traffic the tables do not
 * document.  The expected verdict of every flow is in the comment beside
 * it.
 */
#include "deployment.h"

#include <stddef.h>

#include "craft.h"
#include "hosts.h"

#define QUIET_FROM 150000	/* ms: the quiet stretch */
#define QUIET_TO 400000

#define AGENT1 "10.20.1.101"
#define AGENT2 "10.20.1.102"
#define AGENT3 "10.20.1.103"
#define AGENT4 "10.20.1.104"
#define AGENT5 "10.20.1.105"
#define AGENT6 "10.20.1.106"
#define AGENT7 "10.20.1.107"
#define AGENT8 "10.20.1.108"
#define AGENT9 "10.20.1.109"
#define AGENT_V6 "2001:db8:20::101"

/* How a TCP session begins and ends. */
enum how {
	CLIENT_FIN,		/* handshake ... the client closes */
	SERVER_FIN,		/* handshake ... the server closes */
	CLIENT_RST,		/* handshake ... the client aborts */
	LEFT_OPEN,		/* handshake ... still open at the end */
	MIDSTREAM,		/* begun before the capture: the first packet
				 * is the server's data; still open */
};

struct session {
	int at;			/* ms after T0: the first packet */
	const char *client;
	uint16_t cport;
	const char *server;
	uint16_t sport;
	int rounds;		/* request/response exchanges */
	int every;		/* ms between exchanges */
	uint16_t req, resp;	/* bytes per request, per response */
	enum how how;
};

static const struct session sessions[] = {
	/* begun before the capture */
	{ 0, LUCS01, 50412, POOL_CMS, 5061, 15, 40000, 180, 220, MIDSTREAM },
		/* expected lucs-sip-01 */
	{ 150, LUCS02, 49733, LUCS01, 19400, 20, 30000, 70, 96, MIDSTREAM },
		/* expected lucs-ps-02-01 */
	{ 300, AGENT1, 50833, LUCS01, 443, 12, 50000, 90, 140, MIDSTREAM },
		/* expected agent-fe-01 */

	/* agents */
	{ 2000, AGENT1, 50901, LUCS01, 19412, 6, 10000, 100, 250, CLIENT_FIN },
		/* expected agent-aa-01 */
	{ 3000, AGENT2, 50902, LUCS02, 443, 15, 40000, 70, 180, LEFT_OPEN },
		/* expected agent-fe-02 */
	{ 5000, AGENT2, 50903, LUCS02, 4443, 3, 2000, 310, 540, CLIENT_FIN },
		/* expected agent-webconfig-02 */
	{ 7000, AGENT3, 50904, LUCS01, 4444, 4, 1000, 310, 480, CLIENT_RST },
		/* expected agent-webapi-01, closed by the browser's RST */
	{ 9000, AGENT4, 50905, SQL, 443, 4, 3000, 240, 540, CLIENT_FIN },
		/* expected agent-ssrs */
	{ 12000, AGENT4, 50906, SQL, 1443, 3, 4000, 240, 480, SERVER_FIN },
		/* expected agent-powerpivot */
	{ 14000, AGENT3, 50907, LUCS02, 19412, 4, 5000, 100, 180, CLIENT_FIN },
		/* expected agent-aa-02 */
	{ 20000, AGENT5, 50908, EDGE, 443, 3, 1500, 310, 360, CLIENT_FIN },
		/* expected agent-edge-tls */

	/* the LUCS servers and their database, mail and SfB servers */
	{ 1000, LUCS01, 51001, SQL, 1433, 20, 30000, 140, 250, LEFT_OPEN },
		/* expected lucs-sql-01 */
	{ 1500, LUCS02, 51002, SQL, 1433, 15, 40000, 140, 250, LEFT_OPEN },
		/* expected lucs-sql-02 */
	{ 30000, LUCS01, 51003, EXCHANGE, 443, 2, 800, 240, 540, CLIENT_FIN },
		/* expected lucs-ews-01 */
	{ 31000, LUCS02, 51004, EXCHANGE, 443, 2, 800, 240, 540, SERVER_FIN },
		/* expected lucs-ews-02 */
	{ 35000, LUCS01, 51005, POOL_B, 443, 3, 1200, 240, 420, CLIENT_FIN },
		/* expected lucs-pool-https-01 */
	{ 40000, POOL_CMS, 52001, LUCS01, 445, 4, 300, 180, 80, CLIENT_FIN },
		/* expected cms-smb-01 */
	{ 41000, POOL_CMS, 52002, LUCS02, 445, 4, 300, 180, 80, CLIENT_FIN },
		/* expected cms-smb-02 */
	{ 10000, POOL_B, 52101, LUCS01, 6000, 10, 60000, 250, 110, LEFT_OPEN },
		/* expected trusted-app-6000-01 */
	{ 11000, POOL_C, 52102, LUCS02, 7000, 10, 60000, 250, 110, LEFT_OPEN },
		/* expected trusted-app-7000-02 */
	{ 50000, POOL_B, 52103, LUCS01, 7500, 2, 2000, 180, 70, SERVER_FIN },
		/* expected trusted-app-extra-01 */
	{ 60000, LUCS02, 51013, EDGE, 443, 2, 1500, 310, 420, CLIENT_FIN },
		/* expected lucs-edge-tls-02 */
	{ 62000, LUCS01, 51014, POOL_B, 5060, 2, 3000, 370, 200, CLIENT_FIN },
		/* expected lucs-sip-01 */

	/* LUCS services between the servers and the pool */
	{ 4000, LUCS01, 51006, LUCS02, 19400, 20, 30000, 70, 96, LEFT_OPEN },
		/* expected lucs-ps-01-02 */
	{ 16000, POOL_B, 52104, LUCS01, 19400, 3, 4000, 120, 90, CLIENT_FIN },
		/* expected smd-ps-01 */
	{ 17000, POOL_C, 52105, LUCS02, 19432, 3, 4000, 120, 90, CLIENT_FIN },
		/* expected smd-am-02 */
	{ 18000, LUCS01, 51007, POOL_B, 19433, 3, 4000, 120, 90, CLIENT_FIN },
		/* expected am-smd-01 */
	{ 25000, LUCS01, 51008, LUCS02, 4570, 1, 1000, 64, 64, CLIENT_FIN },
		/* expected election-ps-01-02 */
	{ 26000, LUCS02, 51009, LUCS01, 4882, 1, 1000, 64, 64, CLIENT_FIN },
		/* expected election-mm-02-01 */
	{ 27000, LUCS02, 51010, LUCS01, 19415, 2, 1000, 110, 130, CLIENT_FIN },
		/* expected cic-02-01 */
	{ 28000, LUCS02, 51011, LUCS01, 19418, 2, 1000, 110, 130, CLIENT_FIN },
		/* expected fecore-02-01 */
	{ 29000, LUCS02, 51012, LUCS01, 19431, 2, 1000, 110, 130, CLIENT_FIN },
		/* expected presence-02-01 */
	{ 45000, LUCS_API, 53001, LUCS01, 19413, 3, 2000, 180, 360, CLIENT_FIN },
		/* expected api-wcf */
	{ 46000, LIVE_REPORTING, 53002, LUCS01, 19413, 3, 2000, 180, 360,
	  CLIENT_FIN },
		/* expected live-reporting-wcf */

	/* after the quiet stretch */
	{ 430000, ADMIN_PC, 55001, LUCS02, 19513, 6, 6000, 12, 180,
	  CLIENT_FIN },
		/* debug debug-lm-02: a telnet session */
	{ 440000, LUCS01, 51103, LUCS02, 21400, 6, 30000, 70, 96, LEFT_OPEN },
		/* expected lucs-ps-01-02-tm (TM beside LUCS) */
	{ 445000, AGENT6, 50950, LUCS01, 21412, 3, 4000, 100, 250, CLIENT_FIN },
		/* expected agent-aa-01-tm */
	{ 450000, LUCS02, 51104, POOL_C, 21433, 2, 4000, 120, 90, CLIENT_FIN },
		/* expected am-smd-02-tm */
	{ 460000, AGENT7, 50960, LUCS01, 3389, 4, 2000, 120, 360, CLIENT_FIN },
		/* unexpected undocumented_port: RDP */
	{ 470000, AGENT7, 50961, LUCS02, 445, 3, 500, 180, 80, CLIENT_FIN },
		/* unexpected role_mismatch: SMB from an agent, not the CMS */
	{ 480000, SQL, 50970, LUCS01, 1433, 2, 1000, 140, 370, CLIENT_FIN },
		/* unexpected role_mismatch: SQL the wrong way round */
	{ 500000, AGENT_V6, 50980, LUCS01_V6, 443, 3, 3000, 240, 420,
	  CLIENT_FIN },
		/* expected agent-fe-01 over IPv6 */
	{ 510000, DOC_A, 50990, DOC_B, 80, 2, 1000, 180, 420, CLIENT_FIN },
		/* out_of_scope: neither host is inventoried */
	{ 550000, POOL_B, 52106, LUCS02, 19400, 3, 4000, 120, 90, CLIENT_FIN },
		/* expected smd-ps-02 */
	{ 555000, AGENT9, 50997, LUCS01, 19412, 4, 10000, 100, 250, LEFT_OPEN },
		/* expected agent-aa-01 */
	{ 560000, LUCS02, 51105, LUCS01, 19422, 2, 1000, 110, 130, CLIENT_FIN },
		/* expected amcore-02-01 */
};

static bool quiet(int64_t t)
{
	return t >= T0 + MS(QUIET_FROM) && t < T0 + MS(QUIET_TO);
}

static void session(struct scene *sc, const struct session *s)
{
	struct tcp k;
	int64_t last = 0;

	tcp_begin(&k, sc, s->client, s->cport, s->server, s->sport,
		  T0 + MS(s->at));
	if (s->how == MIDSTREAM) {
		tcp_segment(&k, SRV, TH_PSH | TH_ACK, s->resp);
		tcp_segment(&k, CLI, TH_ACK, 0);
	} else {
		tcp_handshake(&k);
	}
	for (int i = 0; i < s->rounds; i++) {
		int64_t at = T0 + MS(s->at) + MS(s->every) * i + MS(1);

		if (quiet(at) || at > T0 + SEC(599))
			continue;
		k.t = at;
		tcp_request(&k, s->req, s->resp);
		last = k.t;
	}
	k.t = last + MS(200);
	switch (s->how) {
	case CLIENT_FIN:
		tcp_close(&k, CLI);
		break;
	case SERVER_FIN:
		tcp_close(&k, SRV);
		break;
	case CLIENT_RST:
		tcp_segment(&k, CLI, TH_RST | TH_ACK, 0);
		break;
	default:
		break;
	}
}

/* Connections the network refuses with ICMP errors. */
static void icmp_refusals(struct scene *sc)
{
	static const struct icmperr prohibited = { FIREWALL, 3, 13, 0, 8 };
	static const struct icmperr port_closed = { EDGE, 3, 3, 0,
						    QUOTE_FILL };
	struct tcp k;

	/* SIP over TLS to the pool refused by a firewall (10.10.0.1, not
	 * inventoried): a SYN at 125 s and its retransmissions after 1 s
	 * and 3 s, each answered by ICMP 3/13 (administratively
	 * prohibited) quoting 8 bytes of TCP.  The SYNs: expected
	 * lucs-sip-02, state attempted; the errors: an ICMP flow of their
	 * own, unexpected undocumented_port */
	tcp_begin(&k, sc, LUCS02, 51106, POOL_C, 5061, 0);
	tcp_attempt(&k, T0 + MS(125000), 3, &prohibited);
	/* a STUN request to the edge, whose relay does not run: ICMP port
	 * unreachable (3/3) from the edge, quoting the whole datagram.  The
	 * request: expected agent-edge-stun; the error: unexpected
	 * undocumented_port */
	stun_binding(sc, T0 + MS(130000), AGENT1, 50022, EDGE, 3478, -1);
	icmp_error(sc, T0 + MS(130000) + US(300), &port_closed);
}

/* The conversations a table row cannot describe. */
static void specials(struct scene *sc)
{
	struct tcp k;

	/* name lookups at the domain controller, which no role names:
	 * unexpected undocumented_port.  Windows picks source ports from
	 * 49152-65535, which overlaps the SfB media range 49152-57500. */
	dns_lookup(sc, T0 + MS(500), LUCS01, 50123, DC,
		   "sql01.corp.example", US(800));
	dns_lookup(sc, T0 + MS(600), LUCS02, 58212, DC,
		   "sql01.corp.example", US(800));
	dns_lookup(sc, T0 + MS(490000), LUCS02, 58213, DC,
		   "exchange01.corp.example", US(800));

	/* agent media to the SfB server, the server's packet first:
	 * expected agent-sfb-media, the agent as client */
	rtp_stream(sc, T0 + MS(70000), POOL_B, 50500, AGENT5, 50010, 20,
		   MS(20), 60);
	rtp_stream(sc, T0 + MS(70012), AGENT5, 50010, POOL_B, 50500, 20,
		   MS(20), 60);
	/* the agent's media relay: expected agent-edge-stun */
	for (int i = 0; i < 3; i++)
		stun_binding(sc, T0 + MS(69000) + SEC(5) * i, AGENT5, 50020,
			     EDGE, 3478, MS(2));
	/* LUCS servers' media relay: expected lucs-edge-stun-01, -02 */
	stun_binding(sc, T0 + MS(80000), LUCS01, 50030, EDGE, 3478, MS(1));
	stun_binding(sc, T0 + MS(545000), LUCS02, 50060, EDGE, 3478, MS(1));
	/* media with the pool, each way: expected lucs-media-01 (the LUCS
	 * server sends first), pool-media-02 (the pool does) */
	rtp_stream(sc, T0 + MS(85000), LUCS01, 50040, POOL_C, 51040, 15,
		   MS(20), 60);
	rtp_stream(sc, T0 + MS(85010), POOL_C, 51040, LUCS01, 50040, 15,
		   MS(20), 60);
	rtp_stream(sc, T0 + MS(90000), POOL_B, 51050, LUCS02, 50050, 15,
		   MS(20), 60);
	rtp_stream(sc, T0 + MS(90008), LUCS02, 50050, POOL_B, 51050, 15,
		   MS(20), 60);
	/* agent media after the quiet stretch, the agent first:
	 * expected agent-sfb-media */
	rtp_stream(sc, T0 + MS(520000), AGENT8, 50030, POOL_C, 50600, 15,
		   MS(20), 60);
	rtp_stream(sc, T0 + MS(520015), POOL_C, 50600, AGENT8, 50030, 15,
		   MS(20), 60);
	/* out_of_scope over UDP: NTP between two uninventoried hosts */
	udp_send(sc, T0 + MS(515000), DOC_A, 123, DOC_B, 123, 48);
	udp_send(sc, T0 + MS(515001), DOC_B, 123, DOC_A, 123, 48);

	/* pings: ICMP is in no table, unexpected undocumented_port */
	for (int i = 0; i < 4; i++)
		ping(sc, T0 + MS(100000) + SEC(i), LUCS01, SQL, 1, (uint16_t)i,
		     US(400));
	for (int i = 0; i < 2; i++)
		ping(sc, T0 + MS(530000) + SEC(i), AGENT8, LUCS01, 1,
		     (uint16_t)(20 + i), US(500));

	/* port reuse: the same ports again 5 s after a FIN; two flows,
	 * both expected lucs-sql-02 */
	tcp_begin(&k, sc, LUCS02, 51100, SQL, 1433, T0 + MS(410000));
	tcp_handshake(&k);
	tcp_request(&k, 240, 410);
	tcp_close(&k, CLI);
	tcp_begin(&k, sc, LUCS02, 51100, SQL, 1433, T0 + MS(415000));
	tcp_handshake(&k);
	tcp_request(&k, 240, 810);
	tcp_close(&k, CLI);

	/* SIP to the pool dropped by a firewall: a SYN and two
	 * retransmissions; expected lucs-sip-02, state attempted */
	tcp_begin(&k, sc, LUCS02, 51101, POOL_B, 5061, 0);
	tcp_syn(&k, T0 + MS(420000));
	tcp_syn(&k, T0 + MS(423000));
	tcp_syn(&k, T0 + MS(429000));

	/* LUCS-PS stopped on server 02: RST/ACK to each SYN; expected
	 * lucs-ps-01-02, state rejected */
	tcp_begin(&k, sc, LUCS01, 51102, LUCS02, 19400, 0);
	tcp_syn(&k, T0 + MS(425000));
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);
	tcp_syn(&k, T0 + MS(425500));
	tcp_segment(&k, SRV, TH_RST | TH_ACK, 0);

	/* a web API connection the capture ends before it is answered:
	 * expected agent-webapi-02, state attempted */
	tcp_begin(&k, sc, AGENT9, 50999, LUCS02, 4444, 0);
	tcp_syn(&k, T0 + MS(599500));

	/* Added last, so that every packet above keeps its bytes. */
	icmp_refusals(sc);
}

bool make_lucs_deployment(const char *path)
{
	struct scene sc;
	bool ok;

	scene_init(&sc, LINK_ETHER, 262144, 0x1c5);
	for (size_t i = 0; i < sizeof sessions / sizeof *sessions; i++)
		session(&sc, &sessions[i]);
	specials(&sc);
	ok = scene_write(&sc, path, CAP_PCAP_US, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}
