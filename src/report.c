/* report.c: intervals, the summary's tallies, and views for the writers.
 * It owns the interval under way, the tallies, the class texts and what
 * it keeps per flow slot; writers see read-only views. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptime.h"
#include "report-ipfix.h"
#include "tunables.h"

/* A new unexpected flow, kept for the interval's list: what the list
 * shows, so that a reload of the rules leaves it alone. */
struct new_flow {
	struct flow_key key;
	uint8_t client;
	uint8_t reason;		/* enum reason */
	int64_t first_us;
};

/* The interval under way: [start_us, end_us) of packet time, or live of
 * the wall clock's labels; live, it ends when the monotonic clock reaches
 * mono_end_us. */
struct interval {
	bool open;		/* has a start */
	uint32_t seq;		/* stamped for flows it counted (never 0) */
	int64_t start_us, end_us;
	int64_t mono_end_us;	/* live */
	int64_t clock_step_us;	/* live: the wall clock stepped meanwhile */
	uint64_t packets, bytes, flows_active, flows_new;
	struct counts *per_class;	/* by class id */
	size_t nclass;
	struct counts carried_verdicts[VERDICT_COUNT];	/* before a reload */
	struct counts carried_tags[CAT_MAX_TAGS];
	struct new_flow fresh[LUCS_INTERVAL_NEW_MAX];
	size_t nfresh;
	uint64_t fresh_more;
	struct capture_stats capture_base;	/* live counters at the start */
};

/* A class's classification as the writer renders it. */
struct class_text {
	char *text;
	size_t len;
};

struct report {
	const struct report_writer *w;
	struct sink sink;
	const struct report_writer *page;	/* --html, or NULL */
	struct sink page_sink;	/* its out is the summary's to.page */
	struct timeline *timeline;	/* a page's intervals, or NULL */
	struct timeline *timeline_now;	/* a snapshot's: with the one under
					 * way */
	const struct classifier *cls;
	struct class_text *class_texts;	/* by class id; NULL: none */
	size_t nclass_texts;
	int64_t interval_us;
	int64_t answer_wait_us;	/* --answer-wait */
	enum coverage_mode coverage;
	const struct run_info *run;
	bool live;		/* intervals by the monotonic clock, all written */
	bool clock_seen;	/* live: mono_us and wall_offset_us are set */
	int64_t mono_us;	/* live: the monotonic clock, last seen */
	int64_t wall_offset_us;	/* live: wall clock - monotonic clock */
	bool has_capture;	/* capture holds the live counters */
	struct capture_stats capture;
	bool has_notes;		/* notes holds what the reading found */
	struct capture_notes notes;
	/* By flow slot: the seq of the interval that last counted the flow
	 * there, so that an interval counts each flow once. */
	uint32_t *counted_in;
	struct flow_view *fresh_views;	/* LUCS_INTERVAL_NEW_MAX, reserved */
	uint64_t packets, bytes;	/* counted in flows, the whole run */
	struct interval iv;
	struct tally tally;
	struct tally snapshot;
	bool in_snapshot;
	bool has_baseline;	/* --baseline: baseline holds the changes */
	struct baseline_view baseline;
	struct ipfix_feed ipfix;	/* --ipfix: ended flows exported too */
	bool has_ipfix_stats;
	struct ipfix_stats ipfix_stats;	/* the exporter's, for the summary */
};

static void class_texts_free(struct report *r);

static const struct report_writer *const writers[] = {
	&report_writer_text,
	&report_writer_json,
	&report_writer_csv,
};

const struct report_writer *report_writer_find(const char *name)
{
	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

static bool grow_interval_classes(struct interval *iv, uint32_t id)
{
	size_t n = (size_t)id + 64;
	struct counts *grown = realloc(iv->per_class, n * sizeof *grown);

	if (!grown)
		return false;
	memset(grown + iv->nclass, 0, (n - iv->nclass) * sizeof *grown);
	iv->per_class = grown;
	iv->nclass = n;
	return true;
}

struct report *report_new(const struct report_config *cfg)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->w = cfg->writer;
	r->sink.out = cfg->out;
	r->page = cfg->page;
	r->sink.color = cfg->color;
	r->sink.width = cfg->text_width;
	r->sink.sort = cfg->sort;
	r->sink.sort_max = cfg->sort_max ? cfg->sort_max : LUCS_SORT_MAX_FLOWS;
	r->cls = cfg->cls;
	r->interval_us = cfg->interval_us;
	r->answer_wait_us = cfg->answer_wait_us;
	r->coverage = cfg->coverage;
	r->run = cfg->run;
	r->live = cfg->live;
	r->ipfix.x = cfg->ipfix;
	r->iv.seq = 1;
	/* What intervals need is reserved now, as the tallies are: running
	 * out of memory later costs no record.  counted_in is large and
	 * zeroed: calloc maps it, pages come as slots are used. */
	if (r->interval_us &&
	    (!(r->counted_in = calloc(cfg->flow_slots, sizeof *r->counted_in)) ||
	     !(r->fresh_views = calloc(LUCS_INTERVAL_NEW_MAX,
				       sizeof *r->fresh_views)) ||
	     !grow_interval_classes(&r->iv, LUCS_INTERVAL_CLASSES - 64))) {
		report_free(r);
		return NULL;
	}
	if (r->page && r->interval_us &&
	    (!(r->timeline = calloc(1, sizeof *r->timeline)) ||
	     !(r->timeline_now = calloc(1, sizeof *r->timeline_now)))) {
		report_free(r);
		return NULL;
	}
	if (!tally_init(&r->tally, cfg->cls, &cfg->hash_key) ||
	    (cfg->baseline &&
	     !baseline_view_init(&r->baseline, cfg->baseline))) {
		report_free(r);
		return NULL;
	}
	r->has_baseline = cfg->baseline != NULL;
	if (r->w->prologue && r->run)
		r->w->prologue(&r->sink, r->run, r->cls);
	if (r->w->begin)
		r->w->begin(&r->sink);
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	if (r->w->end)
		r->w->end(&r->sink);
	tally_free(&r->tally);
	baseline_view_free(&r->baseline);
	class_texts_free(r);
	ipfix_feed_forget(&r->ipfix);
	free(r->iv.per_class);
	free(r->counted_in);
	free(r->fresh_views);
	free(r->timeline);
	free(r->timeline_now);
	free(r);
}

void report_set_capture_stats(struct report *r, const struct capture_stats *cs)
{
	r->has_capture = true;
	r->capture = *cs;
}

void report_set_capture_notes(struct report *r, const struct capture_notes *n)
{
	r->has_notes = true;
	r->notes = *n;
}

static const struct capture_stats *live_counters(const struct report *r)
{
	return r->has_capture ? &r->capture : NULL;
}

/* --- views -------------------------------------------------------------------- */

const char *failure_cause(enum flow_outcome o, uint8_t proto, bool by_icmp,
			  bool words)
{
	switch (o) {
	case OUTCOME_PROHIBITED:
		return words ? "a firewall rejects it" : "firewall_rejects";
	case OUTCOME_REFUSED:
		if (!words)
			return "nothing_listens";
		return by_icmp ? "nothing listens (or a firewall rejecting with "
				 "port unreachable, as iptables REJECT does)"
			       : "nothing listens (or a firewall rejecting with "
				 "a TCP reset)";
	case OUTCOME_UNREACHABLE:
		return words ? "routing: no way to the server" : "routing";
	default:
		if (proto == IPPROTO_NUM_UDP)
			return words ? "a silent drop or a host down (one-way "
				       "media looks like this too)"
				     : "silent_drop_or_host_down";
		return words ? "a silent drop or a host down"
			     : "silent_drop_or_host_down";
	}
}

enum coverage_status coverage_status(const struct classifier *cls,
				     size_t rule, const struct rule_counts *c)
{
	if (c->succeeded)
		return COVERAGE_SUCCEEDED;
	if (c->failed)
		return COVERAGE_FAILED;
	if (c->c.flows)
		return COVERAGE_UNDETERMINED;
	return classifier_rule_applies(cls, rule) ? COVERAGE_NOT_SEEN
						  : COVERAGE_NOT_APPLICABLE;
}

const char *coverage_status_name(enum coverage_status s)
{
	static const char *const names[COVERAGE_STATUS_COUNT] = {
		"succeeded", "failed", "undetermined", "not_seen",
		"not_applicable",
	};

	return (unsigned)s < COVERAGE_STATUS_COUNT ? names[s] : "?";
}

bool names_nth(const char *names, size_t i, char *buf, size_t size)
{
	const char *end;
	size_t len;

	for (; i > 0; i--) {
		if (!(names = strchr(names, ',')))
			return false;
		names++;
	}
	if (!*names)
		return false;
	end = strchr(names, ',');
	len = end ? (size_t)(end - names) : strlen(names);
	if (len >= size)
		len = size - 1;
	memcpy(buf, names, len);
	buf[len] = '\0';
	return true;
}

/* Every classification member of v, from the class alone. */
static void view_classification(uint32_t class_id,
				const struct classifier *cls,
				struct flow_view *v)
{
	const struct verdict_class *k = classifier_class(cls, class_id);
	const struct catalogue *cat = classifier_catalogue(cls);
	size_t nrules;
	const struct rule *rules = classifier_rules(cls, &nrules);

	v->verdict_id = k->verdict;
	v->verdict = verdict_name(k->verdict);
	v->reason = k->reason ? reason_name(k->reason) : NULL;
	v->ntags = v->nrules = 0;
	for (size_t t = 0; t < cat->ntags; t++)
		if (k->tags & (1u << t))
			v->tags[v->ntags++] = cat->tags[t];
	for (size_t i = 0; i < k->nrules && v->nrules < 64; i++)
		v->rules[v->nrules++] = rules[k->rules[i]].id;
}

/* The members every view of a flow has: protocol and endpoints. */
static void view_endpoints(const struct flow_key *k, unsigned client,
			   struct flow_view *v)
{
	unsigned server = client ^ 1u;

	v->family = k->family;
	v->proto_num = k->proto;
	v->proto = proto_text(k->proto, v->proto_number);
	v->client_len = (uint8_t)format_addr(v->client, sizeof v->client,
					     k->family, k->addr[client]);
	v->server_len = (uint8_t)format_addr(v->server, sizeof v->server,
					     k->family, k->addr[server]);
	v->has_ports = k->proto == IPPROTO_NUM_TCP ||
		       k->proto == IPPROTO_NUM_UDP;
	v->client_port = k->port[client];
	v->server_port = k->port[server];
}

/* What came of f, and the ICMP errors that quoted it. */
static void view_outcome(const struct flow *f, int64_t end_us,
			 int64_t answer_wait_us, const uint8_t *reporter,
			 struct flow_view *v)
{
	v->outcome_id = flow_outcome(f, end_us, answer_wait_us);
	v->outcome = flow_outcome_name(v->outcome_id);
	v->icmp_errors = f->icmp_errors;
	if (!f->icmp_errors || !reporter)
		return;
	v->icmp_type = f->icmp_type;
	v->icmp_code = f->icmp_code;
	format_addr(v->icmp_from, sizeof v->icmp_from, f->key.family, reporter);
}

/* The view of f; ended says whether it leaves the table (why). */
static void flow_view_make(const struct flow *f, enum flow_end why,
			   bool ended, const struct classifier *cls,
			   struct flow_view *v)
{
	unsigned c = f->client, s = flow_server(f);

	/* Not memset: the view is large (tag and rule lists) and built for
	 * every flow; each member is set below. */
	v->verdict_id = VERDICT_NONE;
	v->verdict = v->reason = NULL;
	v->ntags = v->nrules = 0;
	v->class_text = NULL;
	view_endpoints(&f->key, c, v);
	v->packets_c2s = f->packets[c];
	v->packets_s2c = f->packets[s];
	v->bytes_c2s = f->bytes[c];
	v->bytes_s2c = f->bytes[s];
	v->first_us = f->first_us;
	v->last_us = f->last_us;
	v->tcp_state = f->key.proto == IPPROTO_NUM_TCP
			       ? tcp_state_name((enum tcp_state)f->state)
			       : NULL;
	flow_history(f, v->history);
	v->end = ended ? flow_end_name(why) : NULL;
	if (cls)
		view_classification(f->class_id, cls, v);
}

/* --- classifications rendered once per class ------------------------------ */

/* Every flow of a class has the same verdict, tags, rules and reason, and
 * their names cost a record more than its numbers: a writer that can
 * render them alone (put_class) does so at a class's first flow, and the
 * class's later records copy the text.  Without memory a record is
 * rendered name by name, as without the cache. */
static void class_texts_free(struct report *r)
{
	for (size_t k = 0; k < r->nclass_texts; k++)
		free(r->class_texts[k].text);
	free(r->class_texts);
	r->class_texts = NULL;
	r->nclass_texts = 0;
}

static bool class_texts_grow(struct report *r, uint32_t id)
{
	size_t n = classifier_class_count(r->cls);
	struct class_text *grown;

	if (id >= n)	/* classifier_class() answers class 0: no cache */
		return false;
	grown = realloc(r->class_texts, n * sizeof *grown);
	if (!grown)
		return false;
	memset(grown + r->nclass_texts, 0,
	       (n - r->nclass_texts) * sizeof *grown);
	r->class_texts = grown;
	r->nclass_texts = n;
	return true;
}

static const struct class_text *class_text(struct report *r, uint32_t id)
{
	struct class_text *t;
	struct flow_view v;
	char *text, *end;

	if (!r->w->put_class || !r->cls ||
	    (id >= r->nclass_texts && !class_texts_grow(r, id)))
		return NULL;
	t = &r->class_texts[id];
	if (t->text)
		return t;
	if (!(text = malloc(r->w->class_max)))
		return NULL;
	view_classification(id, r->cls, &v);
	end = r->w->put_class(text, &v);
	t->len = (size_t)(end - text);
	t->text = realloc(text, t->len ? t->len : 1);
	if (!t->text)	/* cannot shrink: keep it whole */
		t->text = text;
	return t;
}

bool prefix_is_host(const struct prefix *p)
{
	return p->len == (p->family == 4 ? 32 : 128);
}

void prefix_format(const struct prefix *p, char *buf, size_t size)
{
	size_t n = format_addr(buf, size, p->family, p->addr);

	if (!prefix_is_host(p) && n < size)
		snprintf(buf + n, size - n, "/%u", p->len);
}

size_t role_prefixes_text(const struct summary_view *s, size_t role,
			  bool unseen, const char *sep, size_t max, char *buf,
			  size_t size)
{
	const struct site *site = classifier_site(s->cls);
	size_t n = 0, used = 0;
	char addr[64];

	buf[0] = '\0';
	for (size_t i = 0; site && i < site->nprefixes; i++) {
		const struct prefix *p = &site->prefixes[i];
		int w;

		if (!(p->roles >> role & 1) ||
		    (unseen && (!prefix_is_host(p) ||
				role_tally_seen(&s->tally->roles, p->family,
						p->addr))))
			continue;
		if (n++ >= max)
			continue;
		prefix_format(p, addr, sizeof addr);
		w = snprintf(buf + used, size - used, "%s%s", n > 1 ? sep : "",
			     addr);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
	}
	if (n > max)
		snprintf(buf + used, size - used, " and %zu more", n - max);
	return n;
}

size_t role_names(const struct catalogue *cat, uint64_t mask,
		  const char **names)
{
	size_t n = 0;

	for (size_t i = 0; i < cat->nroles; i++)
		if (mask >> i & 1)
			names[n++] = cat->roles[i];
	return n;
}

/* The roles of f's ends, and for a role_mismatch the rules of its port. */
static void view_roles(const struct classifier *cls, const struct flow *f,
		       const struct flow_roles *fr, struct flow_view *v)
{
	const struct catalogue *cat = classifier_catalogue(cls);
	const struct verdict_class *k = classifier_class(cls, f->class_id);
	size_t n, nrules;
	const uint16_t *set;
	const struct rule *rules;

	v->has_roles = classifier_has_site(cls);
	v->nclient_roles = v->nserver_roles = v->nport_rules = 0;
	v->mismatch[0] = '\0';
	if (!v->has_roles)
		return;
	v->client_role_mask = fr->client;
	v->server_role_mask = fr->server;
	v->nclient_roles = role_names(cat, fr->client, v->client_roles);
	v->nserver_roles = role_names(cat, fr->server, v->server_roles);
	if (k->reason != REASON_ROLE_MISMATCH)
		return;
	set = classifier_port_rules(cls, f->key.proto,
				    f->key.port[flow_server(f)], &n);
	rules = classifier_rules(cls, &nrules);
	for (size_t i = 0; i < n && v->nport_rules < 64; i++)
		v->port_rules[v->nport_rules++] = rules[set[i]].id;
	role_mismatch_text(cls, v, v->mismatch, sizeof v->mismatch);
}

/* The length of the stem of a and b: up to the last '_' they share. */
static size_t shared_stem(const char *a, const char *b)
{
	size_t stem = 0;

	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '_')
			stem = i + 1;
	return stem;
}

/* The names once each, '/'-joined, each after the first without the stem
 * it shares with the first: lucs_server_01/02. */
static void compact_names(char *buf, size_t size, const char *const *names,
			  size_t n)
{
	const char *uniq[CAT_MAX_ROLES];
	size_t k = 0, used = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		while (j < k && strcmp(uniq[j], names[i]) != 0)
			j++;
		if (j == k && k < CAT_MAX_ROLES)
			uniq[k++] = names[i];
	}
	buf[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		const char *shown = uniq[i] + (i ? shared_stem(uniq[0], uniq[i])
						 : 0);
		int w = snprintf(buf + used, size - used, "%s%s", i ? "/" : "",
				 shown);

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	if (!k)
		snprintf(buf, size, "a host the site lists no role for");
}

void role_mismatch_text(const struct classifier *cls,
			const struct flow_view *v, char *buf, size_t size)
{
	size_t nrules, n = 0;
	const struct rule *rules = classifier_rules(cls, &nrules);
	const char *from[64], *to[64];
	char from_text[256], to_text[256], seen_from[256], seen_to[256],
	     pbuf[4];

	for (size_t i = 0; i < v->nport_rules; i++)
		for (size_t j = 0; j < nrules && n < 64; j++)
			if (rules[j].id == v->port_rules[i]) {
				from[n] = rules[j].from_name;
				to[n++] = rules[j].to_name;
			}
	compact_names(from_text, sizeof from_text, from, n);
	compact_names(to_text, sizeof to_text, to, n);
	compact_names(seen_from, sizeof seen_from, v->client_roles,
		      v->nclient_roles);
	compact_names(seen_to, sizeof seen_to, v->server_roles,
		      v->nserver_roles);
	snprintf(buf, size, "%s/%u is documented from %s to %s; seen from %s "
		 "to %s", proto_text(v->proto_num, pbuf), v->server_port,
		 from_text, to_text, seen_from, seen_to);
}

/* The view of a flow leaving the table, for the writer. */
static void ended_flow_view(struct report *r, const struct flow *f,
			    enum flow_end why, struct flow_view *v)
{
	const struct class_text *t = class_text(r, f->class_id);

	flow_view_make(f, why, true, t ? NULL : r->cls, v);
	if (t) {
		v->verdict_id = classifier_class(r->cls, f->class_id)->verdict;
		v->class_text = t->text;
		v->class_len = t->len;
	}
}

/* --- intervals ------------------------------------------------------------------ */


static void remember_new_unexpected(struct interval *iv, const struct flow *f,
				    const struct verdict_class *k)
{
	struct new_flow *n;

	if (iv->nfresh == LUCS_INTERVAL_NEW_MAX) {
		iv->fresh_more++;
		return;
	}
	n = &iv->fresh[iv->nfresh++];
	n->key = f->key;
	n->client = f->client;
	n->reason = (uint8_t)k->reason;
	n->first_us = f->first_us;
}

void report_count(struct report *r, const struct flow *f, uint32_t slot,
		  uint64_t packets, uint64_t bytes, bool created)
{
	struct interval *iv = &r->iv;
	struct counts *c;

	r->packets += packets;
	r->bytes += bytes;
	if (!r->interval_us)
		return;
	iv->packets += packets;
	iv->bytes += bytes;
	if (f->class_id >= iv->nclass && !grow_interval_classes(iv, f->class_id))
		return;
	c = &iv->per_class[f->class_id];
	c->packets += packets;
	c->bytes += bytes;
	/* A new flow may have a slot an earlier one counted in this one. */
	if (created || r->counted_in[slot] != iv->seq) {
		r->counted_in[slot] = iv->seq;
		iv->flows_active++;
		c->flows++;
	}
	if (created) {
		const struct verdict_class *k =
			classifier_class(r->cls, f->class_id);

		iv->flows_new++;
		if (k->verdict == VERDICT_UNEXPECTED)
			remember_new_unexpected(iv, f, k);
	}
}

/* The new-unexpected list as views, built from stored keys. */
static void new_flow_view(const struct report *r, const struct new_flow *n,
			  struct flow_view *v)
{
	(void)r;
	memset(v, 0, sizeof *v);
	view_endpoints(&n->key, n->client, v);
	v->tunnel = NULL;
	v->first_us = v->last_us = n->first_us;
	v->verdict_id = VERDICT_UNEXPECTED;
	v->verdict = verdict_name(VERDICT_UNEXPECTED);
	v->reason = reason_name((enum reason)n->reason);
}

/* Fold an interval's per-class counts into verdicts and tags. */
static void fold_classes(const struct classifier *cls, const struct interval *iv,
			 struct counts verdicts[VERDICT_COUNT],
			 struct counts tags[CAT_MAX_TAGS])
{
	size_t n = classifier_class_count(cls);

	for (size_t i = 0; i < iv->nclass && i < n; i++) {
		const struct verdict_class *k = classifier_class(cls, (uint32_t)i);
		const struct counts *c = &iv->per_class[i];

		counts_add(&verdicts[k->verdict], c->flows, c->packets, c->bytes);
		for (unsigned b = 0; b < CAT_MAX_TAGS; b++)
			if (k->tags & (1u << b))
				counts_add(&tags[b], c->flows, c->packets, c->bytes);
	}
}

static void write_interval(struct report *r, bool partial)
{
	struct interval *iv = &r->iv;
	struct interval_view v;
	struct flow_view *fresh = r->fresh_views;
	struct capture_stats delta;

	memset(&v, 0, sizeof v);
	v.start_us = iv->start_us;
	v.end_us = iv->end_us;
	v.partial = partial;
	v.packets = iv->packets;
	v.bytes = iv->bytes;
	v.flows_active = iv->flows_active;
	v.flows_new = iv->flows_new;
	v.clock_step_us = iv->clock_step_us;
	v.cat = classifier_catalogue(r->cls);
	if (r->has_capture) {
		delta.received = r->capture.received - iv->capture_base.received;
		delta.dropped = r->capture.dropped - iv->capture_base.dropped;
		delta.if_dropped = r->capture.if_dropped -
				   iv->capture_base.if_dropped;
		v.capture = &delta;
	}
	memcpy(v.verdicts, iv->carried_verdicts, sizeof v.verdicts);
	memcpy(v.tags, iv->carried_tags, sizeof v.tags);
	fold_classes(r->cls, iv, v.verdicts, v.tags);
	for (size_t i = 0; i < iv->nfresh; i++)
		new_flow_view(r, &iv->fresh[i], &fresh[i]);
	v.new_unexpected = fresh;
	v.nnew = iv->nfresh;
	v.new_unexpected_more = iv->fresh_more;
	if (r->timeline)
		timeline_add(r->timeline, iv->start_us, r->interval_us,
			     v.verdicts);
	if (r->w->interval) {
		r->w->interval(&r->sink, &v);
		out_end_record(r->sink.out);
	}
}

static void reset_interval(struct interval *iv, int64_t start, int64_t step,
			   const struct capture_stats *capture)
{
	struct counts *per_class = iv->per_class;
	size_t nclass = iv->nclass;
	uint32_t seq = iv->seq + 1;

	if (nclass)
		memset(per_class, 0, nclass * sizeof *per_class);
	memset(iv, 0, sizeof *iv);
	iv->per_class = per_class;
	iv->nclass = nclass;
	iv->seq = seq ? seq : 1;
	iv->open = true;
	iv->start_us = start;
	iv->end_us = ptime_add(start, step);
	if (capture)
		iv->capture_base = *capture;
}

/* A replay: the interval a packet falls in follows at once, whatever time
 * passed without packets (quiet stretches are skipped, not written). */
int64_t report_clock(struct report *r, int64_t now_us)
{
	struct interval *iv = &r->iv;

	if (!r->interval_us || r->live)
		return INT64_MAX;
	if (iv->open && now_us < iv->end_us)
		return iv->end_us;
	if (iv->open && iv->packets)
		write_interval(r, false);
	reset_interval(iv, ptime_floor(now_us, r->interval_us), r->interval_us,
		       NULL);
	return iv->end_us;
}

/* Live: the interval under way takes its labels from the wall clock's time
 * now, aligned to its multiple of the interval, and ends on the monotonic
 * clock.  What it counted so far stays. */
static void label_live_interval(struct report *r, int64_t wall_us)
{
	struct interval *iv = &r->iv;

	iv->open = true;
	iv->start_us = ptime_floor(wall_us, r->interval_us);
	iv->end_us = ptime_add(iv->start_us, r->interval_us);
	iv->mono_end_us = ptime_add(r->mono_us, ptime_sub(iv->end_us, wall_us));
}

int64_t report_live_clock(struct report *r, int64_t mono_us, int64_t wall_us,
			  int64_t *step_us)
{
	struct interval *iv = &r->iv;
	int64_t offset = ptime_sub(wall_us, mono_us);
	bool stepped;

	*step_us = r->clock_seen ? ptime_sub(offset, r->wall_offset_us) : 0;
	if (*step_us >= -LUCS_CLOCK_STEP_US && *step_us <= LUCS_CLOCK_STEP_US)
		*step_us = 0;	/* a slew, or the time between two readings */
	r->clock_seen = true;
	r->mono_us = mono_us;
	r->wall_offset_us = offset;
	if (!r->interval_us)
		return INT64_MAX;
	if (!iv->open) {
		label_live_interval(r, wall_us);
		iv->capture_base = r->capture;
		return iv->mono_end_us;
	}
	iv->clock_step_us = ptime_add(iv->clock_step_us, *step_us);
	if (mono_us < iv->mono_end_us)
		return iv->mono_end_us;
	/* Every interval is a record (it carries the capture's counters).
	 * The next follows on, unless the wall clock stepped or the loop
	 * was held up for longer than an interval (a suspended process):
	 * then it starts from the clock now, with no empty records for
	 * what passed. */
	stepped = iv->clock_step_us != 0 ||
		  mono_us >= ptime_add(iv->mono_end_us, r->interval_us);
	write_interval(r, false);
	if (stepped) {
		reset_interval(iv, 0, r->interval_us, live_counters(r));
		label_live_interval(r, wall_us);
	} else {
		int64_t mono_end = ptime_add(iv->mono_end_us, r->interval_us);

		reset_interval(iv, iv->end_us, r->interval_us, live_counters(r));
		iv->mono_end_us = mono_end;
	}
	return iv->mono_end_us;
}

void report_close_interval(struct report *r, int64_t now_us)
{
	struct interval *iv = &r->iv;

	if (!r->interval_us || !iv->open)
		return;
	if (r->live)
		write_interval(r, r->mono_us < iv->mono_end_us);
	else if (iv->packets)
		write_interval(r, now_us < iv->end_us);
	iv->open = false;
}

/* --- flows and the summary -------------------------------------------------------- */

void report_flow_end(struct report *r, const struct flow *f,
		     enum flow_end why, int64_t end_us, const uint8_t *reporter,
		     const struct tunnel_path *tunnel)
{
	struct flow_view v;

	struct flow_roles fr = flow_roles_of(r->cls, f);

	ended_flow_view(r, f, why, &v);
	view_outcome(f, end_us, r->answer_wait_us, reporter, &v);
	view_roles(r->cls, f, &fr, &v);
	v.tunnel = tunnel;
	r->w->flow(&r->sink, &v);
	out_end_record(r->sink.out);
	if (r->ipfix.x)
		ipfix_feed_flow(&r->ipfix, r->cls, f, why, &v);
	tally_flow(&r->tally, f, v.outcome_id, reporter, &fr);
}

void report_set_ipfix(struct report *r, struct ipfix_exporter *x)
{
	r->ipfix.x = x;
}

void report_set_ipfix_stats(struct report *r, const struct ipfix_stats *s)
{
	r->has_ipfix_stats = true;
	r->ipfix_stats = *s;
}

uint64_t report_failed(const struct report *r)
{
	return r->tally.failed;
}

size_t report_new_unexpected(const struct report *r)
{
	return r->has_baseline ? r->baseline.nnew_unexpected : 0;
}

uint64_t report_packets(const struct report *r)
{
	return r->packets;
}

/* Only debug rules document the port (or portless protocol). */
static bool debug_port(const struct classifier *cls, uint8_t proto,
		       uint16_t port)
{
	size_t n, nrules;
	const uint16_t *set = classifier_port_rules(cls, proto, port, &n);
	const struct rule *rules = classifier_rules(cls, &nrules);
	bool all_debug = n > 0;

	for (size_t i = 0; i < n; i++)
		all_debug = all_debug && rules[set[i]].debug;
	return all_debug;
}

_Static_assert(SEEN_TOP_CLIENTS == GROUP_TOP_CLIENTS,
	       "a seen group names the clients a group keeps");

static void seen_group_of(const struct classifier *cls, const struct group *g,
			  struct seen_group *s)
{
	struct top_client top[GROUP_TOP_CLIENTS];
	bool estimate;

	memset(s, 0, sizeof *s);
	s->family = g->family;
	s->proto = g->proto;
	s->port = g->port;
	memcpy(s->server, g->server, sizeof s->server);
	s->server_roles = classifier_roles(cls, g->family, g->server);
	s->client_roles = g->client_roles;
	s->debug_port = debug_port(cls, g->proto, g->port);
	s->flows = g->c.flows;
	s->packets = g->c.packets;
	s->bytes = g->c.bytes;
	s->clients = client_count_value(&g->clients, &estimate);
	s->first_us = g->first_us;
	s->last_us = g->last_us;
	s->ntop = group_top_clients(g, top);
	for (size_t i = 0; i < s->ntop && i < SEEN_TOP_CLIENTS; i++) {
		memcpy(s->top[i].addr, top[i].addr, sizeof s->top[i].addr);
		s->top[i].flows = top[i].flows;
	}
}

size_t report_seen_groups(const struct report *r, struct seen_group **out)
{
	size_t n;
	const struct group *const *g =
		tally_sorted(&r->tally, GROUP_UNEXPECTED, &n);

	*out = calloc(n ? n : 1, sizeof **out);
	if (!*out)
		return SIZE_MAX;
	for (size_t i = 0; g && i < n; i++)
		seen_group_of(r->cls, g[i], &(*out)[i]);
	return g ? n : 0;
}

uint64_t report_flows_with(const struct report *r, uint32_t verdicts)
{
	uint64_t n = 0;

	for (int v = 0; v < VERDICT_COUNT; v++)
		if (verdicts & (1u << v))	/* bits above are FAIL_ON_* */
			n += r->tally.verdicts[v].flows;
	return n;
}

/* The timeline a page shows: the intervals written, and for a snapshot
 * the one under way too (what it counted so far). */
static const struct timeline *page_timeline(struct report *r, bool partial)
{
	const struct interval *iv = &r->iv;
	struct counts verdicts[VERDICT_COUNT], tags[CAT_MAX_TAGS];

	if (!r->timeline || !partial || !iv->open || !iv->flows_active)
		return r->timeline;
	memcpy(r->timeline_now, r->timeline, sizeof *r->timeline_now);
	memcpy(verdicts, iv->carried_verdicts, sizeof verdicts);
	memcpy(tags, iv->carried_tags, sizeof tags);
	fold_classes(r->cls, iv, verdicts, tags);
	timeline_add(r->timeline_now, iv->start_us, r->interval_us, verdicts);
	return r->timeline_now;
}

static void write_summary(struct report *r, const struct tally *t,
			  bool partial, const struct summary_input *in,
			  const struct summary_to *to)
{
	struct summary_view s = {
		.partial = partial, .frames = in->frames, .flows = in->flows,
		.inputs = in->inputs, .ninputs = in->ninputs,
		.capture = in->capture, .packets = r->packets,
		.bytes = r->bytes, .tally = t, .cls = r->cls,
		.coverage = r->coverage, .run = r->run,
		.notes = r->has_notes ? &r->notes : NULL,
		.interval_us = r->interval_us,
		.ipfix = r->has_ipfix_stats ? &r->ipfix_stats : NULL,
	};

	for (int i = 0; i < DECODE_STATUS_COUNT; i++)
		s.decode_errors += in->frames->decode[i];
	memcpy(s.verdicts, t->verdicts, sizeof s.verdicts);
	memcpy(s.tags, t->tags, sizeof s.tags);
	if (r->has_baseline) {
		baseline_compare(&r->baseline, t, r->cls);
		s.baseline = &r->baseline;
	}
	if (!to->page_only && r->w->summary) {
		r->w->summary(&r->sink, &s);
		out_end_record(r->sink.out);
	}
	if (to->page && r->page) {
		s.timeline = page_timeline(r, partial);
		r->page_sink.out = to->page;
		r->page->summary(&r->page_sink, &s);
		out_end_record(to->page);
	}
}

static const struct summary_to record_only = { NULL, false };

void report_summary(struct report *r, const struct summary_input *in)
{
	write_summary(r, &r->tally, false, in, &record_only);
}

void report_summary_to(struct report *r, const struct summary_input *in,
		       const struct summary_to *to)
{
	write_summary(r, &r->tally, false, in, to);
}

bool report_snapshot_begin(struct report *r)
{
	r->in_snapshot = tally_copy(&r->snapshot, &r->tally);
	return r->in_snapshot;
}

void report_snapshot_flow(struct report *r, const struct flow *f,
			  int64_t now_us, const uint8_t *reporter,
			  const struct tunnel_path *tunnel)
{
	struct flow_roles fr;

	(void)tunnel;	/* the summary counts flows, not their paths */
	if (!r->in_snapshot)
		return;
	fr = flow_roles_of(r->cls, f);
	tally_flow(&r->snapshot, f, flow_outcome(f, now_us, r->answer_wait_us),
		   reporter, &fr);
}

void report_snapshot_end_to(struct report *r, const struct summary_input *in,
			    const struct summary_to *to)
{
	if (!r->in_snapshot)
		return;
	write_summary(r, &r->snapshot, true, in, to);
	tally_free(&r->snapshot);
	r->in_snapshot = false;
}

void report_snapshot_end(struct report *r, const struct summary_input *in)
{
	report_snapshot_end_to(r, in, &record_only);
}

bool report_set_classifier(struct report *r, const struct classifier *cls)
{
	struct interval *iv = &r->iv;

	if (!tally_rebase(&r->tally, cls))
		return false;
	/* The interval under way keeps its counts by verdict and tag name. */
	if (r->cls && iv->nclass) {
		struct counts tags[CAT_MAX_TAGS] = { { 0, 0, 0 } };
		const struct catalogue *old = classifier_catalogue(r->cls);
		const struct catalogue *now = classifier_catalogue(cls);

		fold_classes(r->cls, iv, iv->carried_verdicts, tags);
		for (size_t b = 0; b < old->ntags; b++) {
			int nb = catalogue_tag(now, old->tags[b]);

			if (nb >= 0)
				counts_add(&iv->carried_tags[nb], tags[b].flows,
					   tags[b].packets, tags[b].bytes);
		}
		memset(iv->per_class, 0, iv->nclass * sizeof *iv->per_class);	/* nclass > 0 */
	}
	r->cls = cls;
	class_texts_free(r);	/* class ids mean nothing to the new one */
	ipfix_feed_forget(&r->ipfix);
	return true;
}
