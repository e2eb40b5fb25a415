/* report-ipfix.h: ended flows as IPFIX records for the exporter (ipfix.h),
 * fed by report.c beside the writer: the same flow, the same counts and
 * the same classification as its record in the report.
 *
 * The feed keeps each class's rules and tags joined once (a class's
 * flows all share them), so that a record costs a copy, not a join. */
#ifndef LUCS_REPORT_IPFIX_H
#define LUCS_REPORT_IPFIX_H

#include <stddef.h>

#include "classify.h"
#include "flow.h"
#include "ipfix.h"

struct flow_view;

/* A class's names as the records carry them, with their lengths
 * (ipfix_flow.str_len); rules and tags NULL until first used. */
struct ipfix_class_names {
	const char *verdict, *reason;
	char *rules;		/* comma-separated rule ids */
	char *tags;		/* comma-separated tags */
	size_t verdict_len, reason_len, rules_len, tags_len;
};

struct ipfix_feed {
	struct ipfix_exporter *x;	/* the run's, NULL: no export */
	struct ipfix_class_names *classes;	/* by class id */
	size_t nclasses;
};

/* Export f, which left the flow table (why), as its view v says it:
 * the client as source, the strings of its class in cls. */
void ipfix_feed_flow(struct ipfix_feed *feed, const struct classifier *cls,
		     const struct flow *f, enum flow_end why,
		     const struct flow_view *v);

/* The rules were reloaded: class ids mean something else. */
void ipfix_feed_forget(struct ipfix_feed *feed);

#endif
