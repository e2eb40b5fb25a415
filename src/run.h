/* run.h: one audit run, from opening the inputs to the summary. */
#ifndef LUCS_RUN_H
#define LUCS_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "flow.h"
#include "ipfix.h"
#include "report.h"
#include "rulebook.h"

/* Exit statuses: documented in lucsaudit(1); never renumbered. */
enum exit_status {
	EXIT_DONE = 0,		/* the run completed */
	EXIT_FOUND = 1,		/* --fail-on matched a flow */
	EXIT_TROUBLE = 2	/* usage, input or output error */
};

/* --fail-on words beyond the verdicts (1 << enum verdict). */
#define FAIL_ON_NEW (1u << 29)	/* unexpected groups new since --baseline */
#define FAIL_ON_FAILED (1u << 30)	/* a documented connection failed */
#define FAIL_ON_EMPTY (1u << 31)	/* no packet was audited */

struct run_config {
	struct capture_config capture;	/* files, or a live interface */
	struct rule_sources rules;	/* read again on SIGHUP */
	const char *output;		/* -o, NULL: standard output */
	const char *html;		/* --html FILE, or NULL */
	const char *user;		/* -Z */
	const struct report_writer *writer;
	struct flow_config flow;
	unsigned interval_s;		/* 0: no interval records */
	uint32_t fail_on;		/* verdicts (1 << v), FAIL_ON_* */
	int64_t answer_wait_us;		/* --answer-wait */
	enum coverage_mode coverage;	/* --coverage */
	bool quiet;			/* no progress line */
	const char *suggest_rules;	/* --suggest-rules FILE, or NULL */
	const struct baseline *baseline;	/* --baseline, or NULL */
	struct ipfix_config ipfix;	/* --ipfix (nurls 0: no export) */
	const char *const *argv;	/* the command line, for provenance */
	int argc;
	enum flow_sort sort;		/* --sort (text only) */
};

/* The run's signal handlers (INT and TERM stop, USR1 reports, HUP
 * reloads; SIGPIPE ignored), installed before anything is loaded: a
 * signal that comes while a large site loads is acted on once the run
 * starts, not fatal. */
void run_install_signals(void);

/* Audit with book (the run may replace it on SIGHUP); an exit status. */
int run_audit(const struct run_config *cfg, struct rulebook *book);

/* A write error on the report: a message and EXIT_TROUBLE, or, for a
 * reader that went away (head -1), a quiet end by SIGPIPE, as any tool in
 * a pipeline ends. */
int output_failed(const char *output, int err);

#endif
