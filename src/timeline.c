/* timeline.c: intervals into a fixed number of bars, merged in pairs as
 * the run grows. */
#include "timeline.h"

#include <string.h>

#include "ptime.h"

/* Bars twice as long: bar i becomes bars 2i and 2i+1 together. */
static void merge_pairs(struct timeline *t)
{
	size_t half = (t->nbars + 1) / 2;

	for (size_t i = 0; i < half; i++) {
		struct timeline_bar *to = &t->bars[i];
		const struct timeline_bar *a = &t->bars[2 * i];
		const struct timeline_bar *b = 2 * i + 1 < t->nbars
					       ? &t->bars[2 * i + 1] : NULL;
		struct timeline_bar sum = *a;

		for (int v = 0; b && v < VERDICT_COUNT; v++)
			counts_add(&sum.verdicts[v], b->verdicts[v].flows,
				   b->verdicts[v].packets, b->verdicts[v].bytes);
		*to = sum;
	}
	memset(&t->bars[half], 0, (t->nbars - half) * sizeof t->bars[0]);
	t->nbars = half;
	t->bar_us = ptime_add(t->bar_us, t->bar_us);
}

void timeline_add(struct timeline *t, int64_t start_us, int64_t interval_us,
		  const struct counts verdicts[VERDICT_COUNT])
{
	int64_t since;
	size_t i;

	if (interval_us <= 0)
		return;
	if (t->bar_us == 0) {
		t->origin_us = start_us;
		t->bar_us = interval_us;
	}
	since = start_us > t->origin_us ? ptime_sub(start_us, t->origin_us)
					: 0;
	while ((uint64_t)(since / t->bar_us) >= LUCS_TIMELINE_BARS)
		merge_pairs(t);
	i = (size_t)(since / t->bar_us);
	for (int v = 0; v < VERDICT_COUNT; v++)
		counts_add(&t->bars[i].verdicts[v], verdicts[v].flows,
			   verdicts[v].packets, verdicts[v].bytes);
	if (i >= t->nbars)
		t->nbars = i + 1;
}

uint64_t timeline_bar_flows(const struct timeline_bar *b)
{
	uint64_t n = 0;

	for (int v = 0; v < VERDICT_COUNT; v++)
		n += b->verdicts[v].flows;
	return n;
}
