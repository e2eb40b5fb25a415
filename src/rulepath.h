/* rulepath.h: what a --rules argument names: a file, or, by a short name
 * such as "windows-infrastructure", a catalogue lucsaudit ships in
 * $(pkgdatadir) (lucsaudit-rules(5), SHIPPED CATALOGUES). */
#ifndef LUCS_RULEPATH_H
#define LUCS_RULEPATH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "yamldoc.h"

#define RULEPATH_MAX_DIRS 2

/* Where short names are looked up, in order. */
struct rule_dirs {
	char dir[RULEPATH_MAX_DIRS][PATH_MAX];
	size_t n;
};

/* The catalogues lucsaudit ships, by short name, for messages. */
const char *const *rulepath_shipped(size_t *count);

/* The directories of this program: one run from its build tree looks in
 * the source tree's rules/ first (named relative to the working
 * directory when it lies below it, so that messages and reports do not
 * depend on where the tree is); every program then looks in the
 * installed $(pkgdatadir).  An installed lucsaudit never reads the build
 * tree. */
void rulepath_dirs(struct rule_dirs *d);

/* True for a short name: no '/', not ending in ".yaml", and no such file
 * or directory where lucsaudit runs. */
bool rulepath_is_short(const char *arg);

/* The file to read for arg, into path: arg itself, or for a short name
 * the first DIR/NAME.yaml of d that exists.  false with err filled (no
 * position) when a short name is found in none of them. */
bool rulepath_resolve(const char *arg, const struct rule_dirs *d,
		      char *path, size_t size, struct load_error *err);

#endif
