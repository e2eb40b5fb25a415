/* baseline-diff.c: this run against a baseline's summary
 * (baseline-diff.h). */
#include "baseline-diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "proto.h"
#include "tunables.h"

bool baseline_view_init(struct baseline_view *v, const struct baseline *b)
{
	memset(v, 0, sizeof *v);
	v->b = b;
	v->new_unexpected = calloc(LUCS_TALLY_GROUPS,
				   sizeof *v->new_unexpected);
	v->new_failed = calloc(LUCS_TALLY_GROUPS, sizeof *v->new_failed);
	v->recovered = calloc(b->nfailed + 1, sizeof *v->recovered);
	v->no_longer_seen = calloc(b->nseen + 1, sizeof *v->no_longer_seen);
	if (v->new_unexpected && v->new_failed && v->recovered &&
	    v->no_longer_seen)
		return true;
	baseline_view_free(v);
	return false;
}

void baseline_view_free(struct baseline_view *v)
{
	free(v->new_unexpected);
	free(v->new_failed);
	free(v->recovered);
	free(v->no_longer_seen);
	memset(v, 0, sizeof *v);
}

/* names of mask's bits, in order, joined by commas into buf. */
static void join_mask(char *buf, size_t size, uint64_t mask,
		      const char *(*name)(const void *ctx, int i),
		      const void *ctx, int count)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < count && n < size; i++)
		if (mask & ((uint64_t)1 << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? "," : "", name(ctx, i));
}

static const char *reason_of(const void *ctx, int i)
{
	(void)ctx;
	return reason_name((enum reason)i);
}

static const char *role_of(const void *ctx, int i)
{
	return ((const struct catalogue *)ctx)->roles[i];
}

/* The key the baseline gave the same group (baseline_group_key). */
static char *group_key(const struct group *g, const struct classifier *cls,
		       bool failed)
{
	char server[48], pb[4], reasons[128], roles[CAT_MAX_ROLES * 66];
	const struct catalogue *cat = classifier_catalogue(cls);
	bool ports = g->proto == IPPROTO_NUM_TCP ||
		     g->proto == IPPROTO_NUM_UDP;
	unsigned port = ports ? g->port : 0;

	format_addr(server, sizeof server, g->family, g->server);
	if (failed)
		return baseline_group_key(proto_text(g->proto, pb), server,
					  port, NULL, NULL);
	join_mask(reasons, sizeof reasons, g->reasons, reason_of, NULL,
		  REASON_COUNT);
	roles[0] = '\0';
	if (classifier_has_site(cls))
		join_mask(roles, sizeof roles, g->client_roles, role_of, cat,
			  (int)cat->nroles);
	return baseline_group_key(proto_text(g->proto, pb), server, port,
				  reasons, roles);
}

static bool in_baseline(const struct baseline_group *bg, size_t n,
			const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(bg[i].key, key) == 0)
			return true;
	return false;
}

/* The groups of kind whose key the baseline lacks; a key that cannot be
 * made (no memory) counts the group as known, never as new. */
static size_t new_groups(const struct tally *t, enum group_kind kind,
			 const struct classifier *cls,
			 const struct baseline_group *bg, size_t nbg,
			 const struct group **out)
{
	size_t n, k = 0;
	const struct group *const *g = tally_sorted(t, kind, &n);

	for (size_t i = 0; g && i < n; i++) {
		char *key = group_key(g[i], cls, kind == GROUP_FAILED);

		if (key && !in_baseline(bg, nbg, key))
			out[k++] = g[i];
		free(key);
	}
	return k;
}

/* The compiled rule with this id, or -1. */
static long rule_index(const struct classifier *cls, const char *id)
{
	size_t n;
	const struct rule *rules = classifier_rules(cls, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* The counts of the rule with this id, or NULL (no such rule now). */
static const struct rule_counts *rule_counts_of(const struct tally *t,
						const struct classifier *cls,
						const char *id)
{
	long i = rule_index(cls, id);

	return i < 0 || (size_t)i >= t->nrules ? NULL : &t->per_rule[i];
}

/* Seen as the JSON coverage says: a flow succeeded, or flows whose
 * outcome is undetermined (a blocked attempt is no sighting). */
static bool rule_seen(const struct rule_counts *c)
{
	return c && (c->succeeded || (!c->failed && c->c.flows));
}

/* The keys of this run's failed groups, made once; NULL when out of
 * memory (every baseline failure is then taken as failing still). */
static char **failed_keys(const struct tally *t, const struct classifier *cls,
			  size_t *n)
{
	const struct group *const *g = tally_sorted(t, GROUP_FAILED, n);
	char **keys = calloc(*n ? *n : 1, sizeof *keys);

	for (size_t i = 0; keys && g && i < *n; i++)
		if (!(keys[i] = group_key(g[i], cls, true))) {
			while (i--)
				free(keys[i]);
			free(keys);
			return NULL;
		}
	return keys;
}

static bool failed_now(char *const *keys, size_t n, const char *key)
{
	if (!keys)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static bool succeeded_now(const struct tally *t, const struct classifier *cls,
			  const struct baseline_group *bg)
{
	for (size_t i = 0; i < bg->nrules; i++) {
		const struct rule_counts *c =
			rule_counts_of(t, cls, bg->rules[i]);

		if (c && c->succeeded)
			return true;
	}
	return false;
}

static void find_recovered(struct baseline_view *v, const struct tally *t,
			   const struct classifier *cls)
{
	const struct baseline *b = v->b;
	size_t nkeys;
	char **keys = failed_keys(t, cls, &nkeys);

	v->nrecovered = 0;
	for (size_t i = 0; i < b->nfailed; i++)
		if (!failed_now(keys, nkeys, b->failed[i].key) &&
		    succeeded_now(t, cls, &b->failed[i]))
			v->recovered[v->nrecovered++] = &b->failed[i];
	for (size_t i = 0; keys && i < nkeys; i++)
		free(keys[i]);
	free(keys);
}

void baseline_compare(struct baseline_view *v, const struct tally *t,
		      const struct classifier *cls)
{
	const struct baseline *b = v->b;

	v->nnew_unexpected = new_groups(t, GROUP_UNEXPECTED, cls,
					b->unexpected, b->nunexpected,
					v->new_unexpected);
	v->nnew_failed = new_groups(t, GROUP_FAILED, cls, b->failed,
				    b->nfailed, v->new_failed);
	find_recovered(v, t, cls);
	v->nno_longer_seen = 0;
	for (size_t i = 0; i < b->nseen; i++)
		if (!rule_seen(rule_counts_of(t, cls, b->seen[i].id)))
			v->no_longer_seen[v->nno_longer_seen++] = &b->seen[i];
}

static bool source_listed(const struct baseline *b, const char *sha)
{
	for (size_t i = 0; i < b->nsources; i++) {
		const char *sp = strrchr(b->sources[i], ' ');

		if (sp && strcmp(sp + 1, sha) == 0)
			return true;
	}
	return false;
}

bool baseline_rules_differ(const struct baseline *b,
			   const struct rulebook *book, char *buf,
			   size_t size)
{
	const char *site_sha = b->site ? strrchr(b->site, ' ') : NULL;

	for (size_t i = 0; i < book->nsources; i++)
		if (!source_listed(b, book->sources[i].sha256)) {
			snprintf(buf, size, "the catalogue %s (sha256 "
				 "%.12s...) is not among the baseline's rules "
				 "files", book->sources[i].file,
				 book->sources[i].sha256);
			return true;
		}
	for (size_t i = 0; i < b->nsources; i++) {
		const char *sp = strrchr(b->sources[i], ' ');
		bool found = false;

		for (size_t k = 0; sp && k < book->nsources && !found; k++)
			found = strcmp(sp + 1, book->sources[k].sha256) == 0;
		if (!found) {
			snprintf(buf, size, "the baseline's catalogue %.*s is "
				 "not among this run's rules files",
				 sp ? (int)(sp - b->sources[i]) : 0,
				 b->sources[i]);
			return true;
		}
	}
	if (!book->has_site_info != !site_sha ||
	    (site_sha && strcmp(site_sha + 1, book->site_info.sha256) != 0)) {
		snprintf(buf, size, "the site file differs (baseline: %s; "
			 "now: %s%s%.12s)", b->site ? b->site : "none",
			 book->has_site_info ? book->site_info.file : "none",
			 book->has_site_info ? " sha256 " : "",
			 book->has_site_info ? book->site_info.sha256 : "");
		return true;
	}
	return false;
}
