/* rulebook.h: the catalogue, the site and the classifier compiled from
 * them, loaded (and on SIGHUP reloaded) together. */
#ifndef LUCS_RULEBOOK_H
#define LUCS_RULEBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "classify.h"
#include "site.h"

/* Where the rules come from: --rules files (none: the built-in
 * catalogue) and an optional --site file. */
struct rule_sources {
	const char *const *rules;
	size_t nrules;
	const char *site;
};

struct rulebook {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
};

/* false with the one-line error in msg ("FILE:LINE:COL: why"). */
bool rulebook_load(const struct rule_sources *src, struct rulebook *b,
		   char *msg, size_t size);
void rulebook_free(struct rulebook *b);

#endif
