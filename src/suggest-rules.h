/* suggest-rules.h: a catalogue file (lucsaudit-rules(5)) documenting the
 * unexpected flows of a run (--suggest-rules FILE), for review, as
 * audit2allow turns denials into policy: one rule per client role,
 * server role, protocol and port seen, with what was seen in comments.
 *
 * Fed plain data: the run's unexpected groups as report.c hands them
 * over, and the catalogue the run used (for the names taken). */
#ifndef LUCS_SUGGEST_RULES_H
#define LUCS_SUGGEST_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"

#define SEEN_TOP_CLIENTS 4	/* clients a seen group names */

/* An unexpected group of the summary: flows to one server port. */
struct seen_group {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IP protocol */
	uint16_t port;		/* server port (tcp, udp), else 0 */
	uint8_t server[16];
	uint64_t server_roles;	/* the site's roles of the server, 0: none */
	uint64_t client_roles;	/* the clients' roles, 0: none */
	bool debug_port;	/* only debug rules document the port */
	uint64_t flows, packets, bytes, clients;
	int64_t first_us, last_us;	/* packet time */
	struct {
		uint8_t addr[16];
		uint64_t flows;
	} top[SEEN_TOP_CLIENTS];	/* heaviest clients first */
	size_t ntop;
};

/* The catalogue file for groups into fp (debug ports never suggested,
 * but named in a comment); false on a write error or out of memory. */
bool suggest_rules_write(FILE *fp, const struct catalogue *cat,
			 const struct seen_group *groups, size_t n);

#endif
