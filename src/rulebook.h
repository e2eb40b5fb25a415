/* rulebook.h: the catalogue, the site and the classifier compiled from
 * them, loaded (and on SIGHUP reloaded) together, and which texts they
 * came from. */
#ifndef LUCS_RULEBOOK_H
#define LUCS_RULEBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "classify.h"
#include "sha256.h"
#include "site.h"

/* Where the rules come from: the built-in catalogue (unless no_builtin),
 * then each --rules argument in order, adding to it (a file, or a
 * shipped catalogue by short name: rulepath.h), and an optional --site
 * file. */
struct rule_sources {
	const char *const *rules;
	size_t nrules;
	const char *site;
	bool no_builtin;	/* --no-builtin-rules: no built-in catalogue */
};

/* One text a rulebook was loaded from, for the report to say which rules
 * judged the traffic. */
struct rule_source_info {
	char *file;		/* the file read, or "built-in" */
	char sha256[SHA256_HEX_SIZE];	/* SHA-256 of the exact bytes loaded,
					 * 64 lowercase hex digits */
	bool builtin;		/* the catalogue compiled into lucsaudit */
};

#define RULEBOOK_BUILTIN_FILE "built-in"	/* rule_source_info.file */

struct rulebook {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
	/* Provenance.  sources: the catalogue texts the rules came from, in
	 * the order they were loaded, each listed once: the built-in
	 * catalogue first (file "built-in", its embedded text's hash,
	 * builtin true) unless --no-builtin-rules, then every --rules file
	 * (the path read; for a short name, the shipped file it led to).
	 * A --rules file byte-identical to the built-in catalogue (the same
	 * SHA-256) stands for it: it is neither loaded again nor listed.
	 * site_info: the --site file (builtin false), when has_site_info.
	 * rulebook_load fills them every time, a SIGHUP reload included;
	 * the rulebook owns the strings. */
	struct rule_source_info *sources;
	size_t nsources;
	struct rule_source_info site_info;
	bool has_site_info;
};

/* false with the one-line error in msg ("FILE:LINE:COL: why"). */
bool rulebook_load(const struct rule_sources *src, struct rulebook *b,
		   char *msg, size_t size);
void rulebook_free(struct rulebook *b);

#endif
