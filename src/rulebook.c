/* rulebook.c: load catalogue, site and classifier as one; the rulebook
 * owns all three until the run frees or replaces it. */
#include "rulebook.h"

#include <stdio.h>
#include <string.h>

void rulebook_free(struct rulebook *b)
{
	classifier_free(b->cls);
	site_free(b->site);
	catalogue_free(b->cat);
}

bool rulebook_load(const struct rule_sources *src, struct rulebook *b,
		   char *msg, size_t size)
{
	struct load_error err;
	bool ok = true;

	memset(b, 0, sizeof *b);
	memset(&err, 0, sizeof err);
	b->cat = catalogue_new();
	if (!b->cat) {
		snprintf(msg, size, "out of memory");
		return false;
	}
	if (src->nrules == 0)
		ok = catalogue_load_default(b->cat, &err);
	for (size_t i = 0; ok && i < src->nrules; i++)
		ok = catalogue_load_file(b->cat, src->rules[i], &err);
	if (ok && src->site)
		ok = (b->site = site_load_file(src->site, b->cat, &err)) != NULL;
	if (ok)
		ok = (b->cls = classifier_new(b->cat, b->site, &err)) != NULL;
	if (!ok) {
		load_error_format(&err, msg, size);
		rulebook_free(b);
	}
	return ok;
}
