/* suggest.h: what a message adds when a word names nothing known: the
 * known name nearest to it, when one is close ("did you mean 'ports'?"),
 * and every known name, when they are few enough to list.
 *
 * Near is by Damerau-Levenshtein distance in its optimal-string-alignment
 * form (insert, delete, replace or swap two neighbours, each once per
 * place), ignoring ASCII case: "prot" is 1 from "proto", "lucs" 0 from
 * "LUCS".  A name is close when it is at most a third of the word's
 * length away (at least 1), and no other name is as near.
 *
 * The names are offered one at a time, so that a caller walks whatever
 * table it keeps; the struct holds pointers to them, not copies.
 */
#ifndef LUCS_SUGGEST_H
#define LUCS_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_LIST_NAMES 32	/* names a list can hold */
#define SUGGEST_HINT_SIZE 512	/* room that any hint fits in */

struct suggest {
	const char *word;	/* as typed, without prefix */
	const char *prefix;	/* shown before each name: "--" for options */
	const char *names[SUGGEST_LIST_NAMES];	/* the first names offered */
	size_t n;		/* names offered */
	size_t width;		/* characters they take, listed */
	const char *nearest;	/* NULL until one is offered */
	unsigned distance;	/* the nearest's */
	bool tie;		/* another name is as near */
};

void suggest_start(struct suggest *s, const char *word, const char *prefix);
void suggest_offer(struct suggest *s, const char *name);

/* The one close name, or NULL. */
const char *suggest_close(const struct suggest *s);

/* Into buf, and returned: "; did you mean 'NAME'?" when a name is close,
 * then " (expected one of: A, B, C)" when the names fit in
 * LUCS_SUGGEST_LIST_WIDTH characters (and are not just the one
 * suggested).  or_else, when not NULL, is another
 * way out, added to the list ("...; or OR_ELSE)") or, with no list, said
 * alone (" (OR_ELSE)").  Empty when there is nothing to add. */
const char *suggest_hint(const struct suggest *s, const char *or_else,
			 char *buf, size_t size);

/* The same for a NULL-terminated array of names, without prefix. */
const char *suggest_among(const char *word, const char *const *names,
			  char *buf, size_t size);

/* The distance itself; UINT_MAX when either is longer than
 * LUCS_SUGGEST_MAX_LEN. */
unsigned suggest_distance(const char *a, const char *b);

#endif
