/* timeline.h: the run's intervals, kept for the timeline a page draws
 * (--html): flows, packets and bytes by verdict in at most
 * LUCS_TIMELINE_BARS bars of equal length from the first interval on.
 * When the run outgrows them, neighbours merge in pairs into bars twice
 * as long: the memory is fixed whatever the run's length, and every total
 * still adds up.  report owns it; only timeline.c writes it. */
#ifndef LUCS_TIMELINE_H
#define LUCS_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "counts.h"
#include "tunables.h"

struct timeline_bar {
	struct counts verdicts[VERDICT_COUNT];	/* flows active in it */
};

struct timeline {
	int64_t origin_us;	/* where bar 0 starts */
	int64_t bar_us;		/* each bar's length; 0: nothing yet */
	size_t nbars;		/* bars up to the last that counted */
	struct timeline_bar bars[LUCS_TIMELINE_BARS];
};

/* An interval of interval_us from start_us counted verdicts.  One that
 * starts before the first (a wall clock stepped back) counts in bar 0. */
void timeline_add(struct timeline *t, int64_t start_us, int64_t interval_us,
		  const struct counts verdicts[VERDICT_COUNT]);

/* The flows of a bar, all verdicts. */
uint64_t timeline_bar_flows(const struct timeline_bar *b);

#endif
