/* fuzz_baseline.c: libFuzzer target for the --baseline reader: the input
 * is a report file (JSON Lines, or one JSON object), read with
 * baseline_load_string, and parsed whole by json_parse.
 *
 * A refusal must say why; a baseline that loads must hold only keys,
 * texts and rule ids that are C strings, and each entry's JSON text must
 * parse again as one object.  A text json_parse accepts must give values
 * whose byte spans lie inside it, nested within their parents', and
 * whose text parses again alone.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "fuzz.h"
#include "json.h"

static void check_reparse(const char *text, size_t len, bool object)
{
	struct json j;
	char why[256];

	FUZZ_CHECK(json_parse(text, len, &j, why, sizeof why));
	FUZZ_CHECK(!object || j.type == JSON_OBJECT);
	json_free(&j);
}

static void check_baseline(const struct baseline *b)
{
	for (size_t i = 0; i < b->nunexpected; i++) {
		FUZZ_CHECK(b->unexpected[i].key && b->unexpected[i].text);
		FUZZ_CHECK(b->unexpected[i].nrules == 0);
		check_reparse(b->unexpected[i].json,
			      strlen(b->unexpected[i].json), true);
	}
	for (size_t i = 0; i < b->nfailed; i++) {
		FUZZ_CHECK(b->failed[i].key && b->failed[i].text);
		for (size_t k = 0; k < b->failed[i].nrules; k++)
			FUZZ_CHECK(b->failed[i].rules[k] != NULL);
		check_reparse(b->failed[i].json, strlen(b->failed[i].json),
			      true);
	}
	for (size_t i = 0; i < b->nseen; i++) {
		FUZZ_CHECK(b->seen[i].id != NULL);
		check_reparse(b->seen[i].json, strlen(b->seen[i].json), true);
	}
	FUZZ_CHECK(b->nsources <= BASELINE_MAX_SOURCES);
}

/* Spans inside the parent's; the first few children parse alone. */
static void check_spans(const char *text, const struct json *j,
			size_t start, size_t end, unsigned depth)
{
	FUZZ_CHECK(j->start >= start && j->end <= end && j->start < j->end);
	FUZZ_CHECK(depth <= JSON_MAX_DEPTH);
	if (j->type == JSON_STRING)
		FUZZ_CHECK(j->str && strlen(j->str) <= j->end - j->start);
	for (size_t i = 0; i < j->n; i++) {
		check_spans(text, &j->items[i], j->start, j->end, depth + 1);
		if (j->type == JSON_OBJECT)
			FUZZ_CHECK(j->keys[i] != NULL);
		if (i < 4)
			check_reparse(text + j->items[i].start,
				      j->items[i].end - j->items[i].start,
				      false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b;
	struct load_error err;
	struct json j;
	char why[256];

	if (baseline_load_string(&b, "fuzz.json", (const char *)data, size,
				 &err)) {
		check_baseline(&b);
		baseline_free(&b);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	if (json_parse((const char *)data, size, &j, why, sizeof why)) {
		check_spans((const char *)data, &j, 0, size, 0);
		json_free(&j);
	} else {
		FUZZ_CHECK(why[0] != '\0');
	}
	return 0;
}
