/* svg.h: the arithmetic of the charts a page draws (report-html.c):
 * counts turned into whole lengths that never divide by zero, never
 * overrun their room, and add up to the total they stand for. */
#ifndef LUCS_SVG_H
#define LUCS_SVG_H

#include <stddef.h>
#include <stdint.h>

/* value's share of length against max (the largest value drawn): 0 when
 * max is 0, length at most; a value above 0 gets at least 1, so that a
 * single flow among millions still shows. */
unsigned svg_scale(uint64_t value, uint64_t max, unsigned length);

#define SVG_SPLIT_MAX 16	/* values svg_split shares among (the rest get 0) */

/* length split among n values in proportion, into parts: whole numbers
 * that add up to length exactly (largest remainders first, Hamilton's
 * method), or all 0 when the values add up to 0.  A value of 0 gets 0. */
void svg_split(const uint64_t *values, size_t n, unsigned length,
	       unsigned *parts);

#endif
