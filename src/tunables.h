/* tunables.h: every size, limit and default timeout in one place.
 * man/lucsaudit.1 documents the ones a user can change. */
#ifndef LUCS_TUNABLES_H
#define LUCS_TUNABLES_H

/* Packet time moves on in ticks of a second: idle flows and held fragments
 * expire once a tick, and the idle lists keep flows in the order of their
 * last packet to the tick. */
#define LUCS_TICK_US 1000000

/* Decoding */
#define LUCS_MAX_LINK_TAGS 8		/* VLAN tags or MPLS labels per frame */
#define LUCS_MAX_IPV6_EXT 8		/* IPv6 extension headers walked */

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
#define LUCS_CAPTURE_WAIT_MS 200	/* longest capture_next waits: the
					 * clock and signals stay on time */
#define LUCS_READ_BUFFER (64 << 10)	/* stdio buffer under libpcap: fits L2 */
#define LUCS_WRITE_BUFFER (1 << 20)	/* report output buffer */
#define LUCS_DEFAULT_SNAPLEN 256	/* -s: every header we decode */
#define LUCS_DEFAULT_INTERVAL 300	/* --interval, seconds */

/* Reports */
#define LUCS_TALLY_GROUPS 4096		/* server groups kept per kind */
#define LUCS_INTERVAL_NEW_MAX 100	/* new unexpected flows listed per interval */
#define LUCS_TEXT_GROUPS 50		/* groups a text summary lists */

/* YAML inputs (catalogue and site) */
#define LUCS_YAML_MAX_BYTES (1 << 20)	/* larger files are refused */
#define LUCS_YAML_MAX_DEPTH 16		/* nesting of collections */
#define LUCS_YAML_MAX_NODES 50000	/* scalars and collections */

/* IPFIX export (src/ipfix.c) */
#define LUCS_IPFIX_DEFAULT_PORT 4739	/* IANA's port for IPFIX */
#define LUCS_IPFIX_DEFAULT_PEN 32473	/* --ipfix-pen: RFC 5612's example PEN */
#define LUCS_IPFIX_DEFAULT_REFRESH 600	/* --ipfix-template-refresh, seconds */
#define LUCS_IPFIX_DEFAULT_MTU 1400	/* --ipfix-mtu, bytes of IP packet */
#define LUCS_IPFIX_MIN_MTU 512		/* RFC 7011 10.3.3's unknown-PMTU size */
#define LUCS_IPFIX_REFRESH_MESSAGES 100	/* UDP: templates again after this many */
#define LUCS_IPFIX_TCP_QUEUE (256 << 10) /* bytes waiting per TCP collector */
#define LUCS_IPFIX_TCP_QUEUE_MSGS 2048	/* messages waiting per TCP collector */
#define LUCS_IPFIX_CONNECT_MS 5000	/* a TCP connect gives up after this */
#define LUCS_IPFIX_BACKOFF_MIN_MS 1000	/* first reconnect delay, doubled */
#define LUCS_IPFIX_BACKOFF_MAX_MS 60000	/* on each failure up to this */
#define LUCS_IPFIX_CLOSE_MS 2000	/* ipfix_close waits for TCP at most */

#endif
