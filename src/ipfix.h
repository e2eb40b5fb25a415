/* ipfix.h: the IPFIX exporter: each ended flow once, as an RFC 5103
 * biflow record (client as source) with the audit's verdict, reason,
 * rules, tags, outcome and roles, in RFC 7011 messages over UDP or TCP to
 * one or more collectors.
 *
 * Transport faults never stop or stall the audit: sockets never block,
 * what cannot be sent is counted as dropped, TCP reconnects with capped
 * exponential backoff, and the module prints nothing: the caller reads
 * ipfix_warning() (once per collector per outage) and the counters.
 *
 * Times given as now_ms are the wall clock in milliseconds since the
 * epoch (export times are stamped from it); it paces the template
 * refresh, the flushing of partial messages and the reconnects, and
 * going backwards is taken as standing still.
 */
#ifndef LUCS_IPFIX_H
#define LUCS_IPFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* flowEndReason values (IANA IPFIX registry, element 136). */
enum ipfix_end_reason {
	IPFIX_END_IDLE = 1,		/* idle timeout */
	IPFIX_END_ACTIVE = 2,		/* active timeout */
	IPFIX_END_OF_FLOW = 3,		/* end of flow detected */
	IPFIX_END_FORCED = 4,		/* forced end (end of input, stop) */
	IPFIX_END_RESOURCES = 5		/* lack of resources (evicted) */
};

/* One ended flow, the client as source.  Strings are "" when there is
 * none; they are cut, at a UTF-8 character boundary, when the record
 * would not fit in one message (ipfix_stats' records_cut). */
struct ipfix_flow {
	uint8_t family;			/* 4 or 6 */
	uint8_t proto;
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	int64_t start_ms, end_ms;	/* milliseconds since the epoch */
	uint64_t packets, bytes;	/* client to server, IP bytes */
	uint64_t rev_packets, rev_bytes; /* server to client */
	uint8_t tcp_flags, rev_tcp_flags; /* flags sent by each side */
	uint8_t end_reason;		/* enum ipfix_end_reason */
	bool has_icmp;			/* sends icmp_type_code, not ports */
	uint16_t icmp_type_code;	/* type * 256 + code */
	bool has_vlan;
	uint16_t vlan;			/* 12-bit VLAN id */
	const char *verdict, *reason, *rules, *tags, *outcome;
	const char *client_roles, *server_roles;
	/* With has_str_len, their lengths in bytes, in the order above
	 * (a caller that keeps a class's strings measures them once, not
	 * per record); without, they are measured here. */
	bool has_str_len;
	size_t str_len[7];
};

/* The options --ipfix (repeatable), --ipfix-domain, --ipfix-pen,
 * --ipfix-template-refresh and --ipfix-mtu, one member each. */
struct ipfix_config {
	const char *const *urls;	/* udp://HOST[:PORT], tcp://HOST[:PORT],
					   kept (not copied) while open */
	size_t nurls;
	uint32_t domain;		/* observationDomainId */
	uint32_t pen;			/* enterprise number of elements 100-106 */
	unsigned template_refresh_s;	/* UDP template resend period */
	unsigned mtu;			/* IP packet size cap, bytes */
};

void ipfix_config_defaults(struct ipfix_config *c);

/* A collector's address as parsed from its URL. */
struct ipfix_url {
	bool tcp;
	char host[256];			/* without the IPv6 brackets */
	uint16_t port;
};

/* Parse udp://HOST[:PORT] or tcp://HOST[:PORT]: HOST an IPv4 address, a
 * name or a bracketed IPv6 address, PORT 1-65535 (default 4739).  False,
 * with a message naming the URL and the expected form, when it is not. */
bool ipfix_parse_url(const char *url, struct ipfix_url *out, char *err,
		     size_t errlen);

/* The flowEndReason for why the flow table ended a flow. */
uint8_t ipfix_end_reason_of(enum flow_end why);

/* The wall clock in milliseconds since the epoch, as now_ms wants it. */
int64_t ipfix_clock_ms(void);

struct ipfix_exporter;

/* Check the configuration, parse and resolve every URL (names once,
 * here), open the sockets and send the templates: UDP at once, TCP when
 * its non-blocking connect completes.  NULL with a message in err. */
struct ipfix_exporter *ipfix_open(const struct ipfix_config *c,
				  int64_t now_ms, char *err, size_t errlen);

/* Add one record for every collector; full messages go out over TCP at
 * once, over UDP LUCS_IPFIX_UDP_BATCH at a time (or at the next tick).
 * Never blocks and never allocates. */
void ipfix_export(struct ipfix_exporter *x, const struct ipfix_flow *f,
		  int64_t now_ms);

/* Call about once a second: sends partial messages and the UDP
 * messages waiting, resends templates that are due, advances TCP
 * connects and sends, notices a collector that closed its side, and
 * retries lost connections. */
void ipfix_tick(struct ipfix_exporter *x, int64_t now_ms);

struct ipfix_stats {
	uint64_t records_sent;		/* handed whole to the transport */
	uint64_t records_dropped;	/* never sent: collector down, queue
					   full, send failed */
	uint64_t records_cut;		/* sent with strings cut to fit */
	uint64_t reconnects;		/* TCP connects after the first */
	uint64_t send_errors;		/* failed sends and connects */
};

size_t ipfix_collectors(const struct ipfix_exporter *x);
/* The URL as given, for the caller's messages. */
const char *ipfix_collector_url(const struct ipfix_exporter *x, size_t i);
/* Summed over every collector (records_cut once per record). */
void ipfix_stats(const struct ipfix_exporter *x, struct ipfix_stats *out);
void ipfix_collector_stats(const struct ipfix_exporter *x, size_t i,
			   struct ipfix_stats *out);

/* The next warning for the caller to print, one per collector per outage
 * ("tcp://[::1]:4739: connect: Connection refused: records are dropped
 * until it is back"); false when none is pending. */
bool ipfix_warning(struct ipfix_exporter *x, char *buf, size_t len);

/* Send what is pending, wait for TCP sends at most LUCS_IPFIX_CLOSE_MS in
 * all, close and free.  final, when not NULL, gets the summed counters
 * after the last send.  0 when everything pending went out, -1 when some
 * of it was dropped. */
int ipfix_close(struct ipfix_exporter *x, int64_t now_ms,
		struct ipfix_stats *final);

#endif
