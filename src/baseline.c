/* baseline.c: an earlier run's JSON summary read back (baseline.h). */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define BASELINE_MAX_FILE (256u << 20)	/* bytes read of a baseline */
#define SUMMARY_PREFIX "{\"type\":\"summary\""

static bool set_error(struct load_error *err, const char *name,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool set_error(struct load_error *err, const char *name,
		      const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof err->file, "%s", name);
	err->line = err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return false;
}

static char *dup_span(const char *text, size_t start, size_t end)
{
	char *s = malloc(end - start + 1);

	if (s) {
		memcpy(s, text + start, end - start);
		s[end - start] = '\0';
	}
	return s;
}

/* Words of a string array joined by commas ("" when absent). */
static char *join_strings(const struct json *arr)
{
	size_t len = 1;
	char *s;

	if (!arr || arr->type != JSON_ARRAY)
		return strdup("");
	for (size_t i = 0; i < arr->n; i++)
		if (arr->items[i].type == JSON_STRING)
			len += strlen(arr->items[i].str) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < arr->n; i++) {
		if (arr->items[i].type != JSON_STRING)
			continue;
		if (s[0])
			strcat(s, ",");
		strcat(s, arr->items[i].str);
	}
	return s;
}

char *baseline_group_key(const char *proto, const char *server,
			 unsigned port, const char *reasons,
			 const char *roles)
{
	size_t len = strlen(proto) + strlen(server) + 16 +
		     (reasons ? strlen(reasons) + strlen(roles) + 2 : 0);
	char *k = malloc(len);

	if (!k)
		return NULL;
	if (reasons)
		snprintf(k, len, "%s %s %u %s %s", proto, server, port, reasons,
			 roles);
	else
		snprintf(k, len, "%s %s %u", proto, server, port);
	return k;
}

/* The port of an entry: 0 when absent (portless), -1 when not a port. */
static long entry_port(const struct json *e)
{
	const struct json *p = json_get(e, "server_port");

	if (!p)
		return 0;
	if (p->type != JSON_NUMBER || !p->is_u64 || p->u64 < 1 ||
	    p->u64 > 65535)
		return -1;
	return (long)p->u64;
}

static bool group_of(const char *text, const struct json *e, bool failed,
		     struct baseline_group *g)
{
	const char *proto = json_get_str(e, "proto");
	const char *server = json_get_str(e, "server");
	long port = entry_port(e);
	char *reasons = NULL, *roles = NULL;
	const struct json *rules = json_get(e, "rules");
	char buf[128];

	memset(g, 0, sizeof *g);
	if (e->type != JSON_OBJECT || !proto || !server || port < 0)
		return false;
	if (!failed) {
		reasons = join_strings(json_get(e, "reasons"));
		roles = join_strings(json_get(e, "client_roles"));
	}
	g->key = (failed || (reasons && roles))
		 ? baseline_group_key(proto, server, (unsigned)port,
				      reasons, roles) : NULL;
	free(reasons);
	free(roles);
	if (port)
		snprintf(buf, sizeof buf, "%s:%ld/%s", server, port, proto);
	else
		snprintf(buf, sizeof buf, "%s/%s", server, proto);
	g->text = strdup(buf);
	g->json = dup_span(text, e->start, e->end);
	if (failed && rules && rules->type == JSON_ARRAY && rules->n) {
		g->rules = calloc(rules->n, sizeof *g->rules);
		for (size_t i = 0; g->rules && i < rules->n; i++)
			if (rules->items[i].type == JSON_STRING)
				g->rules[g->nrules++] =
					strdup(rules->items[i].str);
	}
	return true;
}

static void group_free(struct baseline_group *g)
{
	free(g->key);
	free(g->json);
	free(g->text);
	for (size_t i = 0; i < g->nrules; i++)
		free(g->rules[i]);
	free(g->rules);
}

static bool group_ok(const struct baseline_group *g)
{
	if (!g->key || !g->json || !g->text)
		return false;
	for (size_t i = 0; i < g->nrules; i++)
		if (!g->rules[i])
			return false;
	return true;
}

/* An array of groups; entries that are not groups are an error. */
static bool read_groups(struct baseline *b, const char *text,
			const struct json *sum, const char *key, bool failed,
			struct load_error *err)
{
	const struct json *arr = json_get(sum, key);
	struct baseline_group **out = failed ? &b->failed : &b->unexpected;
	size_t *n = failed ? &b->nfailed : &b->nunexpected;

	if (!arr)
		return true;	/* a summary without a site has them too */
	if (arr->type != JSON_ARRAY)
		return set_error(err, b->file, "the summary's \"%s\" is not "
				 "a list", key);
	*out = calloc(arr->n ? arr->n : 1, sizeof **out);
	if (!*out)
		return set_error(err, b->file, "%s", "out of memory");
	for (size_t i = 0; i < arr->n; i++) {
		struct baseline_group *g = &(*out)[(*n)++];

		if (!group_of(text, &arr->items[i], failed, g))
			return set_error(err, b->file, "an entry of the "
					 "summary's \"%s\" is not a group of "
					 "a lucsaudit report", key);
		if (!group_ok(g))
			return set_error(err, b->file, "%s", "out of memory");
	}
	return true;
}

static bool read_coverage(struct baseline *b, const char *text,
			  const struct json *sum, struct load_error *err)
{
	const struct json *arr = json_get(sum, "coverage");

	if (!arr)
		return true;
	if (arr->type != JSON_ARRAY)
		return set_error(err, b->file, "%s", "the summary's "
				 "\"coverage\" is not a list");
	b->seen = calloc(arr->n ? arr->n : 1, sizeof *b->seen);
	if (!b->seen)
		return set_error(err, b->file, "%s", "out of memory");
	for (size_t i = 0; i < arr->n; i++) {
		const struct json *e = &arr->items[i];
		const struct json *seen = json_get(e, "seen");
		const char *id = json_get_str(e, "rule");
		struct baseline_rule *r;

		if (!id || !seen || (seen->type != JSON_TRUE &&
				     seen->type != JSON_FALSE))
			return set_error(err, b->file, "%s", "an entry of "
					 "the summary's \"coverage\" has no "
					 "rule or seen");
		if (seen->type != JSON_TRUE)
			continue;
		r = &b->seen[b->nseen++];
		r->id = strdup(id);
		r->json = dup_span(text, e->start, e->end);
		if (!r->id || !r->json)
			return set_error(err, b->file, "%s", "out of memory");
	}
	return true;
}

/* "file sha256" of a {"file":..,"sha256":..} object, or NULL. */
static char *source_text(const struct json *o)
{
	const char *file = o ? json_get_str(o, "file") : NULL;
	const char *sha = o ? json_get_str(o, "sha256") : NULL;
	size_t len;
	char *s;

	if (!file || !sha)
		return NULL;
	len = strlen(file) + strlen(sha) + 2;
	s = malloc(len);
	if (s)
		snprintf(s, len, "%s %s", file, sha);
	return s;
}

static bool read_run(struct baseline *b, const struct json *sum,
		     struct load_error *err)
{
	const struct json *run = json_get(sum, "run");
	const struct json *files = run ? json_get(run, "rules_files") : NULL;
	const struct json *site = run ? json_get(run, "site_file") : NULL;

	if (!files || files->type != JSON_ARRAY)
		return set_error(err, b->file, "%s", "the summary names no "
				 "rules files (\"run\": {\"rules_files\"}): "
				 "not a lucsaudit report");
	for (size_t i = 0; i < files->n && i < BASELINE_MAX_SOURCES; i++) {
		b->sources[b->nsources] = source_text(&files->items[i]);
		if (!b->sources[b->nsources])
			return set_error(err, b->file, "%s", "a rules file "
					 "of the summary has no file or "
					 "sha256");
		b->nsources++;
	}
	if (site && site->type == JSON_OBJECT && !(b->site = source_text(site)))
		return set_error(err, b->file, "%s", "the summary's site "
				 "file has no file or sha256");
	return true;
}

/* The last line that is a summary record, or the whole text. */
static void find_summary(const char *text, size_t len, size_t *start,
			 size_t *end)
{
	size_t at = 0, plen = strlen(SUMMARY_PREFIX);

	*start = 0;
	*end = len;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t stop = nl ? (size_t)(nl - text) : len;

		if (stop - at >= plen && memcmp(text + at, SUMMARY_PREFIX,
						plen) == 0) {
			*start = at;
			*end = stop;
		}
		at = stop + 1;
	}
}

bool baseline_load_string(struct baseline *b, const char *name,
			  const char *text, size_t len,
			  struct load_error *err)
{
	struct json sum;
	size_t start, end;
	char why[256];
	const char *type;
	bool ok;

	memset(b, 0, sizeof *b);
	memset(err, 0, sizeof *err);
	b->file = strdup(name);
	if (!b->file)
		return set_error(err, name, "%s", "out of memory");
	find_summary(text, len, &start, &end);
	if (!json_parse(text + start, end - start, &sum, why, sizeof why)) {
		set_error(err, name, "not a lucsaudit JSON report (-F json): "
			  "%s", why);
		baseline_free(b);
		return false;
	}
	type = json_get_str(&sum, "type");
	ok = type && strcmp(type, "summary") == 0
	     ? read_run(b, &sum, err) &&
	       read_groups(b, text + start, &sum, "unexpected", false, err) &&
	       read_groups(b, text + start, &sum, "failed", true, err) &&
	       read_coverage(b, text + start, &sum, err)
	     : set_error(err, name, "%s", "no summary record in it: a "
			 "lucsaudit JSON report (-F json) ends with one");
	json_free(&sum);
	if (!ok)
		baseline_free(b);
	return ok;
}

bool baseline_load_file(struct baseline *b, const char *path,
			struct load_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	bool ok;

	memset(b, 0, sizeof *b);
	if (!fp)
		return set_error(err, path, "%s", strerror(errno));
	do {
		if (len == cap) {
			char *grown;

			cap = cap ? cap * 2 : 65536;
			grown = cap <= BASELINE_MAX_FILE ? realloc(text, cap)
							 : NULL;
			if (!grown) {
				free(text);
				fclose(fp);
				return set_error(err, path, "%s", cap >
						 BASELINE_MAX_FILE
						 ? "larger than 256 MiB: give "
						   "the summary line alone "
						   "(tail -1 FILE)"
						 : "out of memory");
			}
			text = grown;
		}
		got = fread(text + len, 1, cap - len, fp);
		len += got;
	} while (got);
	if (ferror(fp)) {
		free(text);
		fclose(fp);
		return set_error(err, path, "%s", strerror(EIO));
	}
	fclose(fp);
	ok = baseline_load_string(b, path, text, len, err);
	free(text);
	return ok;
}

void baseline_free(struct baseline *b)
{
	free(b->file);
	for (size_t i = 0; i < b->nsources; i++)
		free(b->sources[i]);
	free(b->site);
	for (size_t i = 0; i < b->nunexpected; i++)
		group_free(&b->unexpected[i]);
	for (size_t i = 0; i < b->nfailed; i++)
		group_free(&b->failed[i]);
	free(b->unexpected);
	free(b->failed);
	for (size_t i = 0; i < b->nseen; i++) {
		free(b->seen[i].id);
		free(b->seen[i].json);
	}
	free(b->seen);
	memset(b, 0, sizeof *b);
}
