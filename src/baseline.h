/* baseline.h: an earlier run's JSON report, read back (--baseline FILE):
 * what its summary says was unexpected, failed and seen, for the summary
 * of this run to say what changed since.
 *
 * The file is untrusted text: it is read by the bounded reader of
 * json.h, and only the last summary record of a JSON Lines report is
 * parsed (or the whole file, when it is one JSON object, as jq writes
 * it).  Nothing is kept but the fields compared, and each entry's JSON
 * text, which the report writes back as it was. */
#ifndef LUCS_BASELINE_H
#define LUCS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamldoc.h"

#define BASELINE_MAX_SOURCES 64	/* catalogue files compared */

/* An unexpected or failed group of the baseline's summary. */
struct baseline_group {
	char *key;		/* what identifies it (baseline_group_key) */
	char *json;		/* the entry as the baseline wrote it */
	char **rules;		/* failed: the documented rules tried */
	size_t nrules;
	char *text;		/* "10.10.0.5:53/udp" for people */
};

/* A rule of the baseline's coverage that flows used. */
struct baseline_rule {
	char *id;
	char *json;
};

struct baseline {
	char *file;
	char *sources[BASELINE_MAX_SOURCES];	/* "file sha256" of each
						 * catalogue text */
	size_t nsources;
	char *site;		/* "file sha256", or NULL: none */
	struct baseline_group *unexpected, *failed;
	size_t nunexpected, nfailed;
	struct baseline_rule *seen;	/* coverage entries with seen true */
	size_t nseen;
};

/* Load the last summary of the JSON report text (len bytes) read from
 * the file called name; false with err filled. */
bool baseline_load_string(struct baseline *b, const char *name,
			  const char *text, size_t len,
			  struct load_error *err);
bool baseline_load_file(struct baseline *b, const char *path,
			struct load_error *err);
void baseline_free(struct baseline *b);

/* The key of an unexpected group: "udp 10.10.0.5 53 undocumented_port
 * lucs_server_01,lucs_server_02" (reasons and roles sorted as the
 * summary writes them, in catalogue order); of a failed group: "udp
 * 10.10.0.5 53".  port 0 for portless protocols; reasons and roles NULL
 * for a failed group. */
char *baseline_group_key(const char *proto, const char *server,
			 unsigned port, const char *reasons,
			 const char *roles);

#endif
