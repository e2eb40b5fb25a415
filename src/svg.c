/* svg.c: lengths for the page's charts, from counts. */
#include "svg.h"

unsigned svg_scale(uint64_t value, uint64_t max, unsigned length)
{
	double share;
	unsigned n;

	if (max == 0 || value == 0)
		return 0;
	if (value >= max)
		return length;
	share = (double)value / (double)max * length;
	n = (unsigned)share;
	return n ? n : (length ? 1 : 0);
}

/* The part with the largest remainder that has not had its extra unit
 * yet (rem < 0 once it has), or n when none is left. */
static size_t largest_remainder(const double *rem, const uint64_t *values,
				size_t n)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (values[i] && rem[i] >= 0 && (best == n || rem[i] > rem[best]))
			best = i;
	return best;
}

void svg_split(const uint64_t *values, size_t n, unsigned length,
	       unsigned *parts)
{
	double total = 0, rem[SVG_SPLIT_MAX];
	unsigned given = 0;

	for (size_t i = 0; i < n; i++)
		parts[i] = 0;
	if (n > SVG_SPLIT_MAX)
		n = SVG_SPLIT_MAX;
	for (size_t i = 0; i < n; i++)
		total += (double)values[i];
	if (total == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		double exact = (double)values[i] / total * length;

		parts[i] = (unsigned)exact;
		if (parts[i] > length - given)	/* rounding: never overrun */
			parts[i] = length - given;
		given += parts[i];
		rem[i] = exact - parts[i];
	}
	/* Each value's extra unit once, largest remainder first; rounding
	 * may leave more, handed round again. */
	while (given < length) {
		size_t i = largest_remainder(rem, values, n);

		if (i == n) {
			for (size_t j = 0; j < n; j++)
				if (values[j] && rem[j] < 0)
					rem[j] = 0;
			continue;
		}
		parts[i]++;
		given++;
		rem[i] = -1;
	}
}
