/* firewall.h: inbound allow-lists for the hosts of a site, from the
 * compiled catalogue (--export-firewall): which documented connections
 * a host's roles receive, from which client addresses, on which ports;
 * written as PowerShell New-NetFirewallRule commands, netsh advfirewall
 * lines, or one nftables table (nft(8)).
 *
 * The plan is plain data built once (firewall_plan); the writers only
 * format it.  Nothing is applied: the output is for an administrator to
 * review. */
#ifndef LUCS_FIREWALL_H
#define LUCS_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "site.h"

enum fw_format { FW_POWERSHELL = 0, FW_NETSH, FW_NFT, FW_FORMAT_COUNT };

/* The format named name ("powershell", "netsh", "nft"); false if none. */
bool fw_format_find(const char *name, enum fw_format *out);
const char *fw_format_name(enum fw_format f);

/* The hosts whose inbound rules are wanted (--host): one address the
 * site lists, every host of one role, or (neither) every host of the
 * site. */
struct fw_select {
	bool has_addr;
	struct prefix addr;	/* has_addr: the host, with its roles */
	int role;		/* a role index, or -1 */
	uint64_t roles;		/* the roles selected (all: every role) */
};

/* --host ADDRESS|ROLE (NULL: every host); false with the reason in err. */
bool fw_select_parse(const char *host, const struct catalogue *cat,
		     const struct site *site, struct fw_select *sel,
		     char *err, size_t size);

/* One opening: a documented rule for one protocol. */
struct fw_rule {
	const char *id;		/* the compiled rule's (TM twins: id-tm) */
	const char *comment;	/* the seed row's comment, or NULL */
	const char *note;	/* our remark on the row, or NULL */
	const char *from_name, *to_name;
	uint8_t proto;		/* 6, 17, or a portless protocol */
	const struct port_range *ports;	/* none for portless protocols */
	size_t nports;
	bool optional;		/* the vendor marks it optional */
	bool debug;		/* troubleshooting only (--with-debug) */
	bool src_any;		/* from any host */
	struct prefix *src;	/* else the client roles' prefixes */
	size_t nsrc;
	bool dst_any;		/* to any host (no host selected, to: any) */
	struct prefix *dst;	/* else the selected hosts of the server role */
	size_t ndst;
};

struct fw_plan {
	struct fw_rule *rules;
	size_t nrules;
	struct prefix *hosts;	/* every destination, once: what is closed */
	size_t nhosts;
	const char *selection;	/* --host as given, or NULL: every host */
	bool selection_is_role;	/* it names a role */
	const char *site_file;	/* for the header */
};

/* The openings for sel, from rules (the compiled catalogue: site ports
 * and TM twins applied) and the site's prefixes.  A rule whose client
 * role has no host is left out; debug rules only when with_debug.
 * false when out of memory. */
bool firewall_plan(const struct rule *rules, size_t nrules,
		   const struct site *site, const struct fw_select *sel,
		   bool with_debug, struct fw_plan *plan);
void firewall_plan_free(struct fw_plan *plan);

/* The plan in format f; false on a write error (errno set). */
bool firewall_write(FILE *fp, enum fw_format f, const struct fw_plan *plan);

#endif
