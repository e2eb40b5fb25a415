/* progress.h: the progress line a long replay shows on a terminal. */
#ifndef LUCS_PROGRESS_H
#define LUCS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;		/* standard error is a terminal, no -q */
	bool shown;		/* a line is on screen */
	double start;		/* seconds, monotonic */
	double last;		/* when the line was last drawn */
};

void progress_init(struct progress *p, bool on);
/* Redraw at most PROGRESS_HZ times a second: bytes read of total (0 when
 * unknown), packets so far, flows in the table. */
void progress_update(struct progress *p, uint64_t done, uint64_t total,
		     uint64_t packets, uint64_t flows);
/* Erase the line (before anything else goes to the terminal). */
void progress_clear(struct progress *p);

#endif
