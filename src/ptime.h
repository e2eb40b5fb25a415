/* ptime.h: packet time, in microseconds since the epoch (int64_t).
 *
 * Time is data: a capture may say anything, up to the 64-bit limit.  A
 * frame's time is believed only within LUCS_TIME_MIN_US..LUCS_TIME_MAX_US
 * (tunables.h): outside, the frame is counted as bad_timestamp and moves
 * no clock (decode_frame).  What stays in that range cannot overflow when
 * added to or subtracted from another such time; the helpers below
 * saturate anyway, for times that come from elsewhere (a live wall clock)
 * and for INT64_MAX, which stands for "the end of time".
 */
#ifndef LUCS_PTIME_H
#define LUCS_PTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "tunables.h"

static inline bool ptime_plausible(int64_t us)
{
	return us >= LUCS_TIME_MIN_US && us <= LUCS_TIME_MAX_US;
}

/* a + b, held at INT64_MIN or INT64_MAX rather than wrapping. */
static inline int64_t ptime_add(int64_t a, int64_t b)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return sum;
}

/* a - b, held at INT64_MIN or INT64_MAX rather than wrapping. */
static inline int64_t ptime_sub(int64_t a, int64_t b)
{
	int64_t diff;

	if (__builtin_sub_overflow(a, b, &diff))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return diff;
}

/* The multiple of step (> 0) at or below t. */
static inline int64_t ptime_floor(int64_t t, int64_t step)
{
	int64_t q = t / step;

	return (t % step < 0 ? q - 1 : q) * step;
}

#endif
