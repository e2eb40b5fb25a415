/* loader.h: the rules reloaded in a thread of their own (SIGHUP), so that
 * the capture never waits for files: the new rulebook is built beside the
 * one in use, and the run swaps them between batches. */
#ifndef LUCS_LOADER_H
#define LUCS_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "rulebook.h"

struct loader;

/* Start loading src (which must outlive the loader); NULL when no thread
 * can be made (the caller then loads in line). */
struct loader *loader_start(const struct rule_sources *src);

/* True once the loading has ended, well or not (never blocks). */
bool loader_done(struct loader *l);

/* After loader_done: the result, and the loader is gone.  true with *book
 * filled, or false with the one-line error in msg. */
bool loader_take(struct loader *l, struct rulebook *book, char *msg,
		 size_t size);

/* The run ends first: the loader is let go.  A load still under way (a
 * file that does not answer) finishes, or not, on its own; whatever it
 * made is freed. */
void loader_abandon(struct loader *l);

#endif
