/* site.h: the site inventory (--site FILE): which addresses hold which
 * roles, local values of the catalogue's configurable ports, and whether
 * TM runs beside LUCS.  The format is lucsaudit-rules(5). */
#ifndef LUCS_SITE_H
#define LUCS_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "yamldoc.h"

struct prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];
	uint64_t roles;		/* role mask (catalogue role indices) */
};

struct site_override {
	char *setting;
	struct port_range *ports;
	size_t nports;
	unsigned line, col;	/* where the site file sets it */
};

struct site_index;

struct site {
	struct prefix *prefixes;	/* as listed, for --check */
	size_t nprefixes;
	struct site_index *index;	/* built from them for site_roles */
	struct site_override *overrides;
	size_t noverrides;
	bool tm_off;		/* tm: false */
	char *file;		/* its name, for messages */
};

struct site *site_load_file(const char *path, const struct catalogue *c,
			    struct load_error *err);
struct site *site_load_string(const char *name, const char *text, size_t len,
			      const struct catalogue *c,
			      struct load_error *err);
void site_free(struct site *s);

/* Every role the address holds (0: not inventoried): the union of the
 * roles of every prefix of its family that contains it.  A pure lookup
 * whose cost does not grow with the number of prefixes: one hash probe per
 * distinct prefix length of the family at most (site.c). */
uint64_t site_roles(const struct site *s, int family, const uint8_t *addr);

/* The site's ports for a setting, or NULL to keep the catalogue's. */
const struct site_override *site_override(const struct site *s,
					  const char *setting);

#endif
