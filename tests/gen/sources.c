/* sources.c: the captures of lucsaudit(1)'s CAPTURE SOURCES.
 *
 * windows-npcap.pcapng: what Wireshark with Npcap writes on a Windows
 * server when it captures on the network adapter and on Npcap's loopback
 * adapter at once: one pcapng, interface 0 Ethernet, interface 1
 * LINKTYPE_NULL (a 4-byte address family in the host's order, 2 for
 * IPv4), which libpcap 1.10 refuses to read.  LUCS server 01's own
 * components talk TCP to each other over the loopback.
 *
 * pktmon-copies.pcapng: every packet written two or three times, 7 us
 * apart, in the manner of Windows' pktmon (one copy for each networking
 * component a packet passes), each copy's comment naming its component;
 * one SYN is also retransmitted byte for byte 3 s later, a real second
 * packet that --dedup must keep.
 *
 * rotated/: a ring of captures as `tcpdump -w trace -C 1 -W 3` leaves it
 * once it wrapped: trace1 holds the first minute, trace2 the second and
 * trace0, overwritten last, the third, so that their names do not sort
 * as their times; a connection runs through all three; notes.txt beside
 * them is no capture.
 */
#include "sources.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "craft.h"
#include "hosts.h"

#define SNAPLEN 262144
#define COPY_GAP US(7)		/* between a packet's copies */
#define RING_FILE SEC(60)	/* packet time each rotated file holds */

/* A connection's handshake, n requests and responses, and its close by
 * the client, at a round trip of rtt. */
static void conversation(struct scene *sc, const char *client, uint16_t cport,
			 const char *server, uint16_t sport, int64_t t,
			 int64_t rtt, int n, size_t req, size_t resp)
{
	struct tcp k;

	tcp_begin(&k, sc, client, cport, server, sport, t);
	k.rtt = rtt;
	tcp_handshake(&k);
	for (int i = 0; i < n; i++) {
		tcp_request(&k, req, resp);
		k.t += MS(20);
	}
	tcp_close(&k, CLI);
}

/* --- Wireshark with Npcap: Ethernet and the loopback in one file -------- */

static bool make_windows_npcap(const char *path)
{
	static const struct cap_iface ifaces[] = {
		{ 1, SNAPLEN, 6,
		  "\\Device\\NPF_{5C1B7E2A-3F4D-4E8B-9A61-2D7C0E4F8B13}" },
		{ 0, SNAPLEN, 6, "\\Device\\NPF_Loopback" },
	};
	struct scene sc;
	bool ok;

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0x5e1);
	/* the network adapter: an agent, SQL, the SfB pool, DNS */
	sc.iface = 0;
	conversation(&sc, "10.20.1.51", 50301, LUCS01, 443, T0, US(600), 2,
		     420, 1300);
	conversation(&sc, LUCS01, 50302, SQL, 1433, T0 + MS(50), US(400), 2,
		     240, 1800);
	conversation(&sc, LUCS01, 50303, POOL_B, 5061, T0 + MS(120),
		     US(500), 1, 600, 400);
	dns_lookup(&sc, T0 + MS(10), LUCS01, 61010, DC, "sql01.corp.example",
		   US(600));
	/* the loopback adapter: lucs_server_01's components to each other
	 * (CIC 19415, FE Core 19418), interleaved in time with the rest */
	sc.link = LINK_NULL;
	sc.iface = 1;
	conversation(&sc, LUCS01, 50401, LUCS01, 19415, T0 + MS(30), US(40),
		     2, 180, 90);
	conversation(&sc, LUCS01, 50402, LUCS01, 19418, T0 + MS(60), US(40),
		     1, 300, 150);
	ok = scene_write(&sc, path, CAP_PCAPNG, ifaces, 2, 0);
	scene_free(&sc);
	return ok;
}

/* --- pktmon: a packet once per networking component --------------------- */

static bool make_pktmon_copies(const char *path)
{
	static const char *const component[] = {
		"pktmon copy 1: NIC miniport", "pktmon copy 2: vSwitch port",
		"pktmon copy 3: TCP/IP",
	};
	struct scene base, sc;
	struct tcp k;
	bool ok;

	scene_init(&base, LINK_ETHER, SNAPLEN, 0x9b7);
	conversation(&base, "10.20.1.61", 50501, LUCS02, 443, T0, US(600), 2,
		     380, 1100);
	conversation(&base, LUCS02, 50502, EXCHANGE, 443, T0 + MS(40),
		     US(800), 1, 520, 2400);
	rtp_stream(&base, T0 + MS(20), "10.20.1.61", 50020, POOL_B, 50500,
		   5, MS(20), 172);
	rtp_stream(&base, T0 + MS(25), POOL_B, 50500, "10.20.1.61", 50020,
		   5, MS(20), 172);
	/* a SYN nobody answers, and the same bytes again 3 s later */
	tcp_begin(&k, &base, LUCS02, 50503, POOL_C, 5061, T0 + MS(100));
	tcp_syn(&k, T0 + MS(100));
	{
		const struct rec *syn = &base.recs[base.n - 1];
		uint8_t again[FRAME_MAX];

		memcpy(again, syn->data, syn->caplen);
		scene_record(&base, T0 + MS(100) + SEC(3), again, syn->caplen,
			     syn->wirelen);
	}
	scene_sort(&base);

	scene_init(&sc, LINK_ETHER, SNAPLEN, 0);
	for (size_t i = 0; i < base.n; i++) {
		const struct rec *r = &base.recs[i];
		int copies = 2 + (int)(i % 2);

		for (int c = 0; c < copies; c++) {
			sc.comment = component[c];
			scene_record(&sc, r->ts + c * COPY_GAP, r->data,
				     r->caplen, r->wirelen);
		}
	}
	scene_free(&base);
	ok = scene_write(&sc, path, CAP_PCAPNG, NULL, 0, 0);
	scene_free(&sc);
	return ok;
}

/* --- a folder of rotated captures ----------------------------------------- */

/* The records of sc from time from to before time to, as a pcap file. */
static bool write_slice(const struct scene *sc, const char *dir,
			const char *name, int64_t from, int64_t to)
{
	const struct cap_iface ether = { link_linktype(LINK_ETHER), SNAPLEN, 6,
					 NULL };
	char path[4096];
	struct capw w;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!capw_open(&w, path, CAP_PCAP_US, &ether, 1))
		return false;
	for (size_t i = 0; i < sc->n; i++) {
		const struct rec *r = &sc->recs[i];

		if (r->ts >= from && r->ts < to)
			capw_packet(&w, 0, r->ts, r->data, r->caplen,
				    r->wirelen, NULL);
	}
	return capw_close(&w);
}

static bool write_notes(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/notes.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return false;
	fputs("Captured on the mirror port of the LUCS servers' switch with\n"
	      "tcpdump -i eth1 -w trace -C 1 -W 3 (a ring of three files).\n",
	      f);
	return fclose(f) == 0;
}

static bool make_rotated(const char *dir)
{
	static const char *const ring[] = { "trace1", "trace2", "trace0" };
	struct scene sc;
	struct tcp k;
	bool ok = true;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return false;
	scene_init(&sc, LINK_ETHER, SNAPLEN, 0x4e7);
	/* an agent's connection to LUCS server 01 through all three files:
	 * a request every 25 s, the close at 155 s */
	tcp_begin(&k, &sc, "10.20.1.71", 50701, LUCS01, 443, T0 + SEC(5));
	tcp_handshake(&k);
	for (int i = 0; i < 6; i++) {
		tcp_request(&k, 350, 900);
		k.t = T0 + SEC(5) + (int64_t)(i + 1) * SEC(25);
	}
	tcp_close(&k, CLI);
	/* a conversation in each minute */
	conversation(&sc, LUCS01, 50702, SQL, 1433, T0 + SEC(12), US(400), 2,
		     240, 1500);
	conversation(&sc, "10.20.1.72", 50703, LUCS02, 4443, T0 + SEC(70),
		     US(600), 1, 320, 760);
	rtp_stream(&sc, T0 + SEC(130), "10.20.1.72", 50030, POOL_B, 50500, 6,
		   MS(20), 172);
	rtp_stream(&sc, T0 + SEC(130) + MS(5), POOL_B, 50500, "10.20.1.72",
		   50030, 6, MS(20), 172);
	dns_lookup(&sc, T0 + SEC(150), LUCS02, 61030, DC,
		   "exchange.corp.example", US(600));
	scene_sort(&sc);
	for (int f = 0; f < 3; f++)
		ok &= write_slice(&sc, dir, ring[f], T0 + f * RING_FILE,
				  T0 + (f + 1) * RING_FILE);
	scene_free(&sc);
	return ok && write_notes(dir);
}

const struct source_capture source_captures[] = {
	{ "windows-npcap.pcapng", make_windows_npcap },
	{ "pktmon-copies.pcapng", make_pktmon_copies },
	{ "rotated", make_rotated },
};

const size_t n_source_captures =
	sizeof source_captures / sizeof *source_captures;
