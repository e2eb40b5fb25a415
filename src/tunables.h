/* tunables.h: every size, limit and default timeout in one place.
 * man/lucsaudit.1 documents the ones a user can change. */
#ifndef LUCS_TUNABLES_H
#define LUCS_TUNABLES_H

#include <stdint.h>

/* The packet times lucsaudit believes: what a classic pcap's unsigned
 * 32-bit seconds hold, 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z.  A
 * frame outside is counted as bad_timestamp (see ptime.h). */
#define LUCS_TIME_MIN_US 0
#define LUCS_TIME_MAX_US ((int64_t)UINT32_MAX * 1000000 + 999999)

/* Packet time moves on in ticks of a second: idle flows and held fragments
 * expire once a tick, and the idle lists keep flows in the order of their
 * last packet to the tick. */
#define LUCS_TICK_US 1000000

/* Decoding */
#define LUCS_MAX_LINK_TAGS 8		/* VLAN tags or MPLS labels per frame */
#define LUCS_MAX_IPV6_EXT 8		/* IPv6 extension headers walked */
#define LUCS_MAX_TUNNEL_DEPTH 4		/* tunnels opened inside one another */
#define LUCS_MAX_TUNNEL_PORTS 4		/* UDP ports of VXLAN, of Geneve */
#define LUCS_TUNNEL_PATHS 4096		/* distinct tunnel paths told apart */

/* Flow table */
#define LUCS_DEFAULT_MAX_FLOWS 1000000	/* --max-flows */
#define LUCS_MAX_MAX_FLOWS 100000000	/* the largest --max-flows taken */
#define LUCS_TABLE_SLACK_NUM 3		/* index slots per flow: 3/2, so */
#define LUCS_TABLE_SLACK_DEN 2		/* probes stay short when full */

/* Idle timeouts in seconds (--timeout NAME=SECONDS) */
#define LUCS_TIMEOUT_TCP_ATTEMPT 30	/* SYN with no answer yet */
#define LUCS_TIMEOUT_TCP_ESTABLISHED 3600 /* established or midstream */
#define LUCS_TIMEOUT_TCP_CLOSED 30	/* after FIN or RST, or rejected */
#define LUCS_TIMEOUT_UDP 120
#define LUCS_TIMEOUT_OTHER 60		/* ICMP, ICMPv6 and other protocols */

/* IP fragments waiting for (or matched to) their first fragment */
#define LUCS_FRAG_SLOTS 8192		/* power of two */
#define LUCS_FRAG_PROBE 8		/* slots searched before replacing */
#define LUCS_FRAG_TIMEOUT 30		/* seconds, as Linux's ipfrag_time */

/* I/O */
#define LUCS_CLOCK_STEP_US 1000000	/* live: a wall-clock change beyond
					 * the monotonic clock's that is a
					 * step, not a slew */
#define LUCS_CAPTURE_WAIT_MS 200	/* longest capture_next waits: the
					 * clock and signals stay on time */
#define LUCS_READ_BUFFER (64 << 10)	/* stdio buffer under libpcap: fits L2 */
#define LUCS_WRITE_BUFFER (1 << 20)	/* report output buffer */
#define LUCS_DEFAULT_SNAPLEN 256	/* -s: every header we decode */
#define LUCS_DEFAULT_INTERVAL 300	/* --interval, seconds */
#define LUCS_DEFAULT_ANSWER_WAIT_US 3000000	/* --answer-wait: 3 s */

/* pcapng files, read by src/pcapng.c */
#define LUCS_PCAPNG_BUFFER (1 << 20)	/* bytes asked of stdio at once */
#define LUCS_PCAPNG_FIRST_BUFFER (64 << 10) /* until the file proves longer:
					      * small files stay cheap */
#define LUCS_PCAPNG_MAX_BLOCK (16 << 20) /* longer blocks are refused, as
					 * libpcap does: a damaged length must
					 * not make us buffer gigabytes */
#define LUCS_PCAPNG_MAX_INTERFACES 65536 /* IDBs in one file, all sections
					  * together: memory stays bounded */

/* --dedup (dedup.c): a packet whose first LUCS_DEDUP_BYTES from its IP
 * header on, and captured length, repeat those of a packet kept at most
 * LUCS_DEDUP_WINDOW_US before or after it, among the last
 * LUCS_DEDUP_PACKETS kept, counts once.  pktmon's copies of a packet are
 * microseconds apart. */
#define LUCS_DEDUP_WINDOW_US 10000	/* 10 ms of packet time */
#define LUCS_DEDUP_PACKETS 8192		/* power of two: 192 KiB of table */
#define LUCS_DEDUP_BYTES 96		/* IP and TCP headers with options */

/* Reports */
#define LUCS_TALLY_GROUPS 4096		/* server groups kept per kind */
#define LUCS_INTERVAL_NEW_MAX 100	/* new unexpected flows listed per interval */
#define LUCS_INTERVAL_CLASSES 1024	/* classifications counted per
					 * interval without more memory */
#define LUCS_SUMMARY_RESERVE (16 << 20)	/* output room kept for the summary:
					 * every group of every kind, and the
					 * coverage of a large catalogue */
#define LUCS_TEXT_GROUPS 50		/* groups a text summary lists */
#define LUCS_HTML_GROUPS 200		/* rows an --html table lists */
#define LUCS_HTML_ROLES 16		/* roles a page's matrix shows a row or
					 * column each (the rest: "other") */
#define LUCS_TIMELINE_BARS 288		/* bars of a page's timeline (a day of
					 * 5-minute intervals); a longer run
					 * merges them in pairs */
#define LUCS_ROLE_LISTED 256		/* addresses a summary lists per role */
#define LUCS_TEXT_LISTED 8		/* ... and a text summary */
#define LUCS_ROLE_HOSTS 65536		/* inventoried addresses remembered
					 * as seen (hosts_not_seen) */
#define LUCS_SORT_MAX_FLOWS 1000000	/* flows --sort holds at once (some
					 * 200 bytes each); then those are
					 * written, sorted, and it starts
					 * anew */
#define LUCS_TEXT_MIN_WIDTH 80		/* a narrower terminal or COLUMNS
					 * counts as this */

/* YAML inputs (catalogue and site) */
#define LUCS_YAML_MAX_BYTES (1 << 20)	/* larger files are refused */
#define LUCS_YAML_MAX_DEPTH 16		/* nesting of collections */
#define LUCS_YAML_MAX_NODES 50000	/* scalars and collections */

/* Messages: what an unknown name is answered with (suggest.h) */
#define LUCS_SUGGEST_LIST_WIDTH 160	/* characters of names a message lists
					 * at most: the built-in roles fit */
#define LUCS_SUGGEST_MAX_LEN 64		/* longer words are no typo of a name:
					 * no distance is computed for them */

/* IPFIX export (src/ipfix.c) */
#define LUCS_IPFIX_DEFAULT_PORT 4739	/* IANA's port for IPFIX */
#define LUCS_IPFIX_DEFAULT_PEN 32473	/* --ipfix-pen: RFC 5612's example PEN */
#define LUCS_IPFIX_DEFAULT_REFRESH 600	/* --ipfix-template-refresh, seconds */
#define LUCS_IPFIX_DEFAULT_MTU 1400	/* --ipfix-mtu, bytes of IP packet */
#define LUCS_IPFIX_MIN_MTU 512		/* RFC 7011 10.3.3's unknown-PMTU size */
#define LUCS_IPFIX_REFRESH_MESSAGES 100	/* UDP: templates again after this many */
#define LUCS_IPFIX_UDP_BATCH 32		/* UDP: messages sent in one sendmmsg */
#define LUCS_IPFIX_TCP_QUEUE (256 << 10) /* bytes waiting per TCP collector */
#define LUCS_IPFIX_TCP_QUEUE_MSGS 2048	/* messages waiting per TCP collector */
#define LUCS_IPFIX_CONNECT_MS 5000	/* a TCP connect gives up after this */
#define LUCS_IPFIX_BACKOFF_MIN_MS 1000	/* first reconnect delay, doubled */
#define LUCS_IPFIX_BACKOFF_MAX_MS 60000	/* on each failure up to this */
#define LUCS_IPFIX_CLOSE_MS 2000	/* ipfix_close waits for TCP at most */
#define LUCS_IPFIX_TICK_MS 1000		/* run.c ticks the exporter this often */

#endif
