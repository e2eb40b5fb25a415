/* baseline-diff.h: what changed since a baseline (--baseline FILE): this
 * run's tally against the summary of an earlier one.
 *
 *   new_unexpected  unexpected groups (protocol, server, port, reasons,
 *                   client roles) the baseline does not have;
 *   new_failed      failed documented connections (protocol, server,
 *                   port) the baseline does not have;
 *   recovered       the baseline's failed connections that failed no
 *                   more, one of whose rules succeeded in this run;
 *   no_longer_seen  the rules the baseline saw used that this run did
 *                   not (or that the catalogue no longer has).
 *
 * Room is reserved at the start (baseline_view_init), so that a summary
 * written once memory has run out still says what changed. */
#ifndef LUCS_BASELINE_DIFF_H
#define LUCS_BASELINE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "classify.h"
#include "rulebook.h"
#include "tally.h"

struct baseline_view {
	const struct baseline *b;
	const struct group **new_unexpected;	/* this run's groups */
	size_t nnew_unexpected;
	const struct group **new_failed;
	size_t nnew_failed;
	const struct baseline_group **recovered;	/* the baseline's */
	size_t nrecovered;
	const struct baseline_rule **no_longer_seen;
	size_t nno_longer_seen;
};

bool baseline_view_init(struct baseline_view *v, const struct baseline *b);
void baseline_view_free(struct baseline_view *v);
void baseline_compare(struct baseline_view *v, const struct tally *t,
		      const struct classifier *cls);

/* How the baseline's rules differ from book's, in words, into buf:
 * false when they are the same texts (by SHA-256). */
bool baseline_rules_differ(const struct baseline *b,
			   const struct rulebook *book, char *buf,
			   size_t size);

#endif
