/* classify.h: a flow's verdict against the catalogue and site inventory,
 * computed once per flow; the flow table keeps it as a class id.
 *
 * The classifier compiles the catalogue (with the site's port overrides
 * and the derived TM twins) into direct-indexed tables: per transport
 * protocol, 65536 entries naming the set of rules for that server port,
 * and per portless IP protocol one more set.  A lookup is O(1); the
 * verdicts themselves are interned, so a flow only carries a number.
 */
#ifndef LUCS_CLASSIFY_H
#define LUCS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "flow.h"
#include "site.h"

enum verdict {
	VERDICT_NONE = 0,	/* not classified */
	VERDICT_EXPECTED,
	VERDICT_DEBUG,		/* documented for troubleshooting only */
	VERDICT_UNEXPECTED,
	VERDICT_OUT_OF_SCOPE,	/* touches no inventoried host */
	VERDICT_COUNT
};

enum reason {
	REASON_NONE = 0,
	REASON_ROLE_MISMATCH,	/* documented port, wrong roles or direction */
	REASON_UNDOCUMENTED_PORT, /* no rule for this port or protocol */
	REASON_COUNT
};

/* One distinct classification outcome; many flows share one. */
struct verdict_class {
	enum verdict verdict;
	enum reason reason;
	uint32_t tags;		/* mask of catalogue tag indices */
	uint16_t *rules;	/* indices into the compiled rules */
	size_t nrules;
};

struct classifier;

/* site may be NULL (port-only classification). */
struct classifier *classifier_new(const struct catalogue *c,
				  const struct site *s,
				  struct load_error *err);
void classifier_free(struct classifier *cl);

/* A flow's verdict, as a class id, and its orientation: which key endpoint
 * is the client.  The classifier turns round a flow whose packets did not
 * say who opened it (f->oriented unset) when the catalogue documents the
 * other way clearly better; otherwise the client stays f->client.  It
 * depends on f's key, orientation and the rules alone; the flow table
 * applies it (flow_table_classify). */
struct flow_class {
	uint32_t class_id;
	uint8_t client;		/* key endpoint 0 or 1 */
};

struct flow_class classify_flow(struct classifier *cl, const struct flow *f)
	__attribute__((warn_unused_result));

const struct verdict_class *classifier_class(const struct classifier *cl,
					     uint32_t id);
size_t classifier_class_count(const struct classifier *cl);

/* The compiled rules: the catalogue's with the site's ports, each rule
 * that has one followed by its TM twin. */
const struct rule *classifier_rules(const struct classifier *cl, size_t *n);
const struct catalogue *classifier_catalogue(const struct classifier *cl);
/* The site it was compiled with, or NULL. */
const struct site *classifier_site(const struct classifier *cl);
/* How many TCP and UDP server ports the catalogue documents (port-only
 * mode judges by these alone). */
void classifier_documented_ports(const struct classifier *cl, size_t *tcp,
				 size_t *udp);
/* True when a site file gave at least one address (role-aware mode). */
bool classifier_has_site(const struct classifier *cl);
/* False when, in site mode, a role the rule names has no host in the
 * site: the rule cannot be seen there (coverage's not_applicable). */
bool classifier_rule_applies(const struct classifier *cl, size_t rule);
/* Role mask of an address (0 without a site). */
uint64_t classifier_roles(const struct classifier *cl, int family,
			  const uint8_t *addr);
/* The set of rule indices documented for a server port (or, for a
 * portless protocol, the protocol); n is 0 when none. */
const uint16_t *classifier_port_rules(const struct classifier *cl,
				      uint8_t proto, uint16_t port,
				      size_t *n);

const char *verdict_name(enum verdict v);
const char *reason_name(enum reason r);

#endif
