/* rulebook.c: load catalogue, site and classifier as one; the rulebook
 * owns all three, and the record of the texts they came from, until the
 * run frees or replaces it. */
#include "rulebook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulepath.h"

void rulebook_free(struct rulebook *b)
{
	classifier_free(b->cls);
	site_free(b->site);
	catalogue_free(b->cat);
	for (size_t i = 0; i < b->nsources; i++)
		free(b->sources[i].file);
	free(b->sources);
	free(b->site_info.file);
}

static bool info_fill(struct rule_source_info *info, const char *file,
		      const char *sha256, bool builtin, struct load_error *err)
{
	info->file = strdup(file);
	if (!info->file) {
		load_error_pos(err, file, 0, 0, "out of memory");
		return false;
	}
	memcpy(info->sha256, sha256, sizeof info->sha256);
	info->builtin = builtin;
	return true;
}

static bool add_source(struct rulebook *b, const char *file,
		       const char *sha256, bool builtin,
		       struct load_error *err)
{
	struct rule_source_info *s = realloc(b->sources,
					     (b->nsources + 1) * sizeof *s);

	if (!s) {
		load_error_pos(err, file, 0, 0, "out of memory");
		return false;
	}
	b->sources = s;
	if (!info_fill(&s[b->nsources], file, sha256, builtin, err))
		return false;
	b->nsources++;
	return true;
}

static bool load_builtin(struct rulebook *b, struct load_error *err)
{
	size_t len;
	const char *text = catalogue_default_text(&len);
	char sha256[SHA256_HEX_SIZE];

	sha256_hex(text, len, sha256);
	return add_source(b, RULEBOOK_BUILTIN_FILE, sha256, true, err) &&
	       catalogue_load_default(b->cat, err);
}

/* The built-in catalogue is loaded, and this is its hash. */
static bool is_builtin(const struct rulebook *b, const char *sha256)
{
	return b->nsources > 0 && b->sources[0].builtin &&
	       strcmp(b->sources[0].sha256, sha256) == 0;
}

/* One --rules argument: the file is read once, and hashed and parsed from
 * the same bytes.  A copy of the built-in catalogue (the documented way to
 * extend it before it was always loaded) adds nothing: its rules are in. */
static bool load_rules(struct rulebook *b, const struct rule_dirs *dirs,
		       const char *arg, struct load_error *err)
{
	char path[PATH_MAX], sha256[SHA256_HEX_SIZE], *text;
	size_t len;
	bool ok;

	if (!rulepath_resolve(arg, dirs, path, sizeof path, err) ||
	    !ydoc_read_file(path, &text, &len, err))
		return false;
	sha256_hex(text, len, sha256);
	ok = is_builtin(b, sha256) ||
	     (add_source(b, path, sha256, false, err) &&
	      catalogue_load_string(b->cat, path, text, len, err));
	free(text);
	return ok;
}

static bool load_site(struct rulebook *b, const char *path,
		      struct load_error *err)
{
	char sha256[SHA256_HEX_SIZE], *text;
	size_t len;

	if (!ydoc_read_file(path, &text, &len, err))
		return false;
	sha256_hex(text, len, sha256);
	b->site = site_load_string(path, text, len, b->cat, err);
	free(text);
	b->has_site_info = b->site &&
			   info_fill(&b->site_info, path, sha256, false, err);
	return b->has_site_info;
}

bool rulebook_load(const struct rule_sources *src, struct rulebook *b,
		   char *msg, size_t size)
{
	struct load_error err;
	struct rule_dirs dirs;
	bool ok = true;

	memset(b, 0, sizeof *b);
	memset(&err, 0, sizeof err);
	b->cat = catalogue_new();
	if (!b->cat) {
		snprintf(msg, size, "out of memory");
		return false;
	}
	rulepath_dirs(&dirs);
	if (!src->no_builtin)
		ok = load_builtin(b, &err);
	for (size_t i = 0; ok && i < src->nrules; i++)
		ok = load_rules(b, &dirs, src->rules[i], &err);
	if (ok && src->site)
		ok = load_site(b, src->site, &err);
	if (ok)
		ok = (b->cls = classifier_new(b->cat, b->site, &err)) != NULL;
	if (!ok) {
		load_error_format(&err, msg, size);
		rulebook_free(b);
	}
	return ok;
}
