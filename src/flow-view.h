/* flow-view.h: a flow as the writers see it, formatted once by report.c
 * for every writer of the run: the report's (text, JSON, CSV) and the
 * IPFIX feed, which would otherwise have to reach up into report.h. */
#ifndef LUCS_FLOW_VIEW_H
#define LUCS_FLOW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "classify.h"
#include "flow.h"
#include "tunnels.h"

/* A flow as the writers see it. */
struct flow_view {
	const char *proto;	/* "tcp", "udp", "icmp", "icmpv6" or a number */
	char proto_number[4];
	uint8_t proto_num;
	uint8_t family;		/* 4 or 6 */
	char client[48];
	char server[48];
	uint8_t client_len, server_len;
	bool has_ports;
	uint16_t client_port, server_port;
	uint64_t packets_c2s, packets_s2c;
	uint64_t bytes_c2s, bytes_s2c;
	int64_t first_us, last_us;
	const char *tcp_state;	/* NULL unless TCP */
	char history[FLOW_HISTORY_MAX + 1];
	const char *end;	/* why the flow was written, NULL if it goes on */
	enum flow_outcome outcome_id;
	const char *outcome;	/* NULL where none (a new-unexpected entry) */
	uint16_t icmp_errors;	/* ICMP errors that quoted it; then: */
	uint8_t icmp_type, icmp_code;
	char icmp_from[48];	/* the last one's reporter */
	enum verdict verdict_id;
	const char *verdict;	/* "expected", "debug", "unexpected", ... */
	const char *reason;	/* why unexpected, or NULL */
	const char *tags[CAT_MAX_TAGS];
	size_t ntags;
	const char *rules[64];	/* matched rule ids (the first 64) */
	size_t nrules;
	/* When the writer renders classifications on its own (put_class),
	 * its text for this flow's class, rendered once per class; the
	 * members above from verdict on are then unset. */
	const char *class_text;
	size_t class_len;
	/* Site mode: the roles of each end (none listed: empty), and for a
	 * role_mismatch flow the ids of the rules documented for its server
	 * port and protocol, whose roles it did not match. */
	bool has_roles;
	const char *client_roles[CAT_MAX_ROLES];
	size_t nclient_roles;
	const char *server_roles[CAT_MAX_ROLES];
	size_t nserver_roles;
	const char *port_rules[64];
	size_t nport_rules;
	char mismatch[384];	/* role_mismatch_text's, or "" */
	const struct tunnel_path *tunnel;	/* the tunnels it came through,
						 * or NULL */
	uint64_t client_role_mask, server_role_mask;
};

#endif
