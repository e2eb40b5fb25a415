/* report.h: what lucsaudit writes: one record per flow as it ends, and a
 * summary at the end of the run, in the format chosen by --format.
 *
 * The report module turns flows into plain views; writers (report-text.c,
 * report-json.c, ...) only format views, from a const table of functions.
 */
#ifndef LUCS_REPORT_H
#define LUCS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "flow.h"
#include "out.h"

struct audit_stats;

/* A flow as the writers see it. */
struct flow_view {
	const char *proto;	/* "tcp", "udp", "icmp", "icmpv6" or a number */
	char proto_number[4];
	uint8_t proto_num;
	uint8_t family;		/* 4 or 6 */
	char client[48];
	char server[48];
	bool has_ports;
	uint16_t client_port, server_port;
	uint64_t packets_c2s, packets_s2c;
	uint64_t bytes_c2s, bytes_s2c;
	int64_t first_us, last_us;
	const char *tcp_state;	/* NULL unless TCP */
	char history[FLOW_HISTORY_MAX + 1];
	const char *end;	/* why the flow was written */
	const char *verdict;	/* "expected", "debug", "unexpected", ... */
	const char *reason;	/* why unexpected, or NULL */
	const char *tags[CAT_MAX_TAGS];
	size_t ntags;
	const char *rules[64];	/* matched rule ids (the first 64) */
	size_t nrules;
};

struct input_info {
	const char *name;
	uint64_t packets;
	const char *error;	/* why reading stopped early, or NULL */
};

/* The end-of-run totals as the writers see them. */
struct summary_view {
	const struct audit_stats *audit;
	const struct flow_stats *flows;
	const struct input_info *inputs;
	size_t ninputs;
	uint64_t packets, bytes;	/* counted in flows */
	uint64_t decode_errors;		/* sum of audit->decode[] */
};

struct report_writer {
	const char *name;
	void (*begin)(struct out *o);
	void (*flow)(struct out *o, const struct flow_view *v);
	void (*summary)(struct out *o, const struct summary_view *s);
};

extern const struct report_writer report_writer_text;
extern const struct report_writer report_writer_json;

/* The writer named name ("text", "json"), or NULL. */
const struct report_writer *report_writer_find(const char *name);

struct report_config {
	const struct report_writer *writer;
	struct out *out;
	const struct classifier *cls;
};

struct report;

struct report *report_new(const struct report_config *cfg);
void report_free(struct report *r);

/* Packets counted into f (created: f is new). */
void report_count(struct report *r, struct flow *f, uint64_t packets,
		  uint64_t bytes, bool created);
/* f leaves the flow table: write its record. */
void report_flow_end(struct report *r, struct flow *f, enum flow_end why);
void report_summary(struct report *r, const struct audit_stats *audit,
		    const struct flow_stats *flows,
		    const struct input_info *inputs, size_t ninputs);

/* Build the view of f (exposed for tests). */
void flow_view_make(const struct flow *f, enum flow_end why,
		    const struct classifier *cls, struct flow_view *v);
const char *proto_name(uint8_t proto, char buf[4]);

#endif
