/* report-json.c: one JSON object per line (JSON Lines), field names as
 * documented in lucsaudit(1) and kept stable. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>

#include "tunables.h"

/* Member names are literals of this file: the macros glue the quotes,
 * colon and comma on at compile time, so a name costs one short copy (a
 * flood writes a record per flow). */
#define LIT(o, s) out_write((o), "" s "", sizeof("" s "") - 1)
#define key(o, name) LIT(o, ",\"" name "\":")
#define first_key(o, name) LIT(o, "\"" name "\":")
#define field_u64(o, name, v) (key(o, name), out_u64((o), (v)))
#define field_word(o, name, v) (key(o, name), word((o), (v)))
#define field_str(o, name, v) (key(o, name), out_json_str((o), (v)))
#define field_bool(o, name, v) (key(o, name), word_bare((o), (v)))
#define field_time(s, name, us) (key((s)->out, name), quoted_time((s), (us)))

/* A name that is not a literal (a verdict, tag, decode reason): words
 * lucsaudit defines or validates, so none needs escaping. */
static void name_key(struct out *o, const char *name)
{
	out_char(o, '"');
	out_str(o, name);
	out_write(o, "\":", 2);
}

/* A value lucsaudit wrote or validated itself (an address, an enum name,
 * a rule id, a tag): quoted as it is. */
static void word(struct out *o, const char *s)
{
	out_char(o, '"');
	out_str(o, s);
	out_char(o, '"');
}

static void word_bare(struct out *o, bool v)
{
	if (v)
		LIT(o, "true");
	else
		LIT(o, "false");
}

static void quoted_time(struct sink *s, int64_t us)
{
	out_char(s->out, '"');
	out_time(s->out, &s->times, us);
	out_char(s->out, '"');
}

/* Signed seconds with microseconds: -86400.000000 */
static void seconds(struct out *o, int64_t us)
{
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	char frac[8];

	if (us < 0)
		out_char(o, '-');
	out_u64(o, mag / 1000000);
	snprintf(frac, sizeof frac, ".%06u", (unsigned)(mag % 1000000));
	out_str(o, frac);
}

static void string_array(struct out *o, const char *const *s, size_t n)
{
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			out_char(o, ',');
		word(o, s[i]);
	}
	out_char(o, ']');
}

static void counts_object(struct out *o, const struct counts *c)
{
	out_str(o, "{\"flows\":");
	out_u64(o, c->flows);
	field_u64(o, "packets", c->packets);
	field_u64(o, "bytes", c->bytes);
	out_char(o, '}');
}

static void proto_field(struct out *o, const char *proto,
			const char *number_buf, uint8_t num)
{
	if (proto == number_buf)
		field_u64(o, "proto", num);
	else
		field_word(o, "proto", proto);
}

/* --- flow records, formatted in place (a flood writes one per flow) ---- */

/* The longest classification: verdict and reason, at most 64 rule ids and
 * all tags, each length-bounded by the catalogue loader; the longest flow
 * record adds fixed text, two IPv6 addresses, eight numbers, two times. */
#define CLASS_TEXT_MAX \
	(256 + 64 * (CAT_MAX_ID + 8) + CAT_MAX_TAGS * (CAT_MAX_TAG + 3))
#define ROLES_TEXT_MAX (3 * 64 * (CAT_MAX_ID + 3) + 64)
#define TUNNEL_TEXT_MAX (LUCS_MAX_TUNNEL_DEPTH * 192 + 16)
#define FLOW_RECORD_MAX (1280 + CLASS_TEXT_MAX + ROLES_TEXT_MAX + \
			 TUNNEL_TEXT_MAX)

static char *put_word(char *p, const char *s)
{
	*p++ = '"';
	p = put_str(p, s);
	*p++ = '"';
	return p;
}

static char *put_words(char *p, const char *const *s, size_t n)
{
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		p = put_word(p, s[i]);
	}
	*p++ = ']';
	return p;
}

/* The members a flow record and an interval's new-flow entry share. */
static char *put_endpoints(char *p, const struct flow_view *v)
{
	p = PUT_LIT(p, ",\"proto\":");
	p = v->proto == v->proto_number ? put_u64(p, v->proto_num)
					: put_word(p, v->proto);
	p = PUT_LIT(p, ",\"client\":\"");
	p = PUT_PREFIX(p, v->client, v->client_len);
	*p++ = '"';
	if (v->has_ports) {
		p = PUT_LIT(p, ",\"client_port\":");
		p = put_u64(p, v->client_port);
	}
	p = PUT_LIT(p, ",\"server\":\"");
	p = PUT_PREFIX(p, v->server, v->server_len);
	*p++ = '"';
	if (v->has_ports) {
		p = PUT_LIT(p, ",\"server_port\":");
		p = put_u64(p, v->server_port);
	}
	return p;
}

static char *put_classification(char *p, const struct flow_view *v)
{
	if (!v->verdict)
		return p;
	p = PUT_LIT(p, ",\"verdict\":");
	p = put_word(p, v->verdict);
	p = PUT_LIT(p, ",\"tags\":");
	p = put_words(p, v->tags, v->ntags);
	p = PUT_LIT(p, ",\"rules\":");
	p = put_words(p, v->rules, v->nrules);
	if (v->reason) {
		p = PUT_LIT(p, ",\"reason\":");
		p = put_word(p, v->reason);
	}
	return p;
}

/* Seconds with microseconds: 4.202000. */
static char *put_seconds(char *p, int64_t us)
{
	uint64_t mag = us < 0 ? 0 : (uint64_t)us;
	uint32_t frac = (uint32_t)(mag % 1000000);

	p = put_u64(p, mag / 1000000);
	*p = '.';
	/* from the right, by a constant divisor: no division instruction */
	for (int i = 6; i > 0; i--, frac /= 10)
		p[i] = (char)('0' + frac % 10);
	return p + 7;
}

static char *put_roles(char *p, const struct flow_view *v)
{
	p = PUT_LIT(p, ",\"client_roles\":");
	p = put_words(p, v->client_roles, v->nclient_roles);
	p = PUT_LIT(p, ",\"server_roles\":");
	p = put_words(p, v->server_roles, v->nserver_roles);
	if (v->nport_rules) {
		p = PUT_LIT(p, ",\"port_rules\":");
		p = put_words(p, v->port_rules, v->nport_rules);
	}
	return p;
}

/* The tunnels a flow came through, outermost first. */
static char *put_tunnel(char *p, const struct tunnel_path *t)
{
	char addr[48];

	p = PUT_LIT(p, ",\"tunnel\":[");
	for (unsigned i = 0; i < t->depth; i++) {
		const struct tunnel_layer *l = &t->layer[i];

		if (i)
			*p++ = ',';
		p = PUT_LIT(p, "{\"type\":");
		p = put_word(p, tunnel_type_name((enum tunnel_type)l->type));
		p = PUT_LIT(p, ",\"outer_src\":");
		format_addr(addr, sizeof addr, l->family, l->src);
		p = put_word(p, addr);
		p = PUT_LIT(p, ",\"outer_dst\":");
		format_addr(addr, sizeof addr, l->family, l->dst);
		p = put_word(p, addr);
		if (l->has_id) {
			p = PUT_LIT(p, ",\"id\":");
			p = put_u64(p, l->id);
		}
		*p++ = '}';
	}
	*p++ = ']';
	return p;
}

static char *put_icmp_error(char *p, const struct flow_view *v)
{
	p = PUT_LIT(p, ",\"icmp_error\":{\"type\":");
	p = put_u64(p, v->icmp_type);
	p = PUT_LIT(p, ",\"code\":");
	p = put_u64(p, v->icmp_code);
	p = PUT_LIT(p, ",\"from\":");
	p = put_word(p, v->icmp_from);
	p = PUT_LIT(p, ",\"count\":");
	p = put_u64(p, v->icmp_errors);
	*p++ = '}';
	return p;
}

static void json_flow(struct sink *s, const struct flow_view *v)
{
	struct out *o = s->out;
	char *p = out_reserve(o, FLOW_RECORD_MAX);

	if (!p)
		return;
	p = PUT_LIT(p, "{\"type\":\"flow\"");
	p = put_endpoints(p, v);
	p = PUT_LIT(p, ",\"packets_c2s\":");
	p = put_u64(p, v->packets_c2s);
	p = PUT_LIT(p, ",\"packets_s2c\":");
	p = put_u64(p, v->packets_s2c);
	p = PUT_LIT(p, ",\"bytes_c2s\":");
	p = put_u64(p, v->bytes_c2s);
	p = PUT_LIT(p, ",\"bytes_s2c\":");
	p = put_u64(p, v->bytes_s2c);
	p = PUT_LIT(p, ",\"first_seen\":\"");
	p = put_time(&s->times, p, v->first_us);
	p = PUT_LIT(p, "\",\"last_seen\":\"");
	p = put_time(&s->times, p, v->last_us);
	p = PUT_LIT(p, "\",\"duration\":");
	p = put_seconds(p, v->last_us - v->first_us);
	if (v->tcp_state) {
		p = PUT_LIT(p, ",\"tcp_state\":");
		p = put_word(p, v->tcp_state);
	}
	if (v->history[0]) {
		p = PUT_LIT(p, ",\"history\":");
		p = put_word(p, v->history);
	}
	if (v->end) {
		p = PUT_LIT(p, ",\"end\":");
		p = put_word(p, v->end);
	}
	p = PUT_LIT(p, ",\"outcome\":");
	p = put_word(p, v->outcome);
	if (v->icmp_errors)
		p = put_icmp_error(p, v);
	p = v->class_text ? put_mem(p, v->class_text, v->class_len)
			  : put_classification(p, v);
	if (v->has_roles)
		p = put_roles(p, v);
	if (v->tunnel)
		p = put_tunnel(p, v->tunnel);
	p = PUT_LIT(p, "}\n");
	out_commit(o, p);
}

/* --- intervals and the summary -------------------------------------------- */

static void verdict_and_tag_totals(struct out *o, const struct counts *verdicts,
				   const struct counts *tags,
				   const struct catalogue *cat)
{
	key(o, "verdicts");
	for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++) {
		out_char(o, v == VERDICT_EXPECTED ? '{' : ',');
		name_key(o, verdict_name((enum verdict)v));
		counts_object(o, &verdicts[v]);
	}
	out_char(o, '}');
	key(o, "tags");
	out_char(o, '{');
	for (size_t t = 0; t < cat->ntags; t++) {
		if (t)
			out_char(o, ',');
		name_key(o, cat->tags[t]);
		counts_object(o, &tags[t]);
	}
	out_char(o, '}');
}

static void capture_members(struct out *o, const struct capture_stats *c)
{
	if (!c)
		return;
	field_u64(o, "received", c->received);
	field_u64(o, "dropped", c->dropped);
	field_u64(o, "if_dropped", c->if_dropped);
}

static void json_interval(struct sink *s, const struct interval_view *v)
{
	struct out *o = s->out;

	out_str(o, "{\"type\":\"interval\"");
	field_time(s, "start", v->start_us);
	field_time(s, "end", v->end_us);
	if (v->partial)
		field_bool(o, "partial", true);
	field_u64(o, "packets", v->packets);
	field_u64(o, "bytes", v->bytes);
	field_u64(o, "flows_active", v->flows_active);
	field_u64(o, "flows_new", v->flows_new);
	if (v->clock_step_us) {
		key(o, "clock_step_s");
		seconds(o, v->clock_step_us);
	}
	verdict_and_tag_totals(o, v->verdicts, v->tags, v->cat);
	key(o, "new_unexpected");
	out_char(o, '[');
	for (size_t i = 0; i < v->nnew; i++) {
		const struct flow_view *f = &v->new_unexpected[i];

		char *p;

		if (i)
			out_char(o, ',');
		p = out_reserve(o, FLOW_RECORD_MAX);
		if (!p)
			return;
		p = PUT_LIT(p, "{\"first_seen\":\"");
		p = put_time(&s->times, p, f->first_us);
		*p++ = '"';
		p = put_endpoints(p, f);
		if (f->reason) {
			p = PUT_LIT(p, ",\"reason\":");
			p = put_word(p, f->reason);
		}
		*p++ = '}';
		out_commit(o, p);
	}
	out_char(o, ']');
	if (v->new_unexpected_more)
		field_u64(o, "new_unexpected_more", v->new_unexpected_more);
	capture_members(o, v->capture);
	out_str(o, "}\n");
}

static void decode_errors(struct out *o, const struct summary_view *s)
{
	field_u64(o, "decode_errors", s->decode_errors);
	key(o, "decode_errors_by_reason");
	out_char(o, '{');
	for (int i = 1, n = 0; i < DECODE_STATUS_COUNT; i++) {
		if (!s->frames->decode[i])
			continue;
		if (n++)
			out_char(o, ',');
		name_key(o, decode_status_name((enum decode_status)i));
		out_u64(o, s->frames->decode[i]);
	}
	out_char(o, '}');
}

/* Layers opened by tunnel type (the carriers' packets, which are no flows
 * of their own), encapsulations named but not opened, and packets whose
 * tunnel path found no room. */
static void tunnel_counts(struct out *o, const struct frame_counts *a)
{
	key(o, "tunnels");
	for (int t = TUNNEL_NONE + 1; t < TUNNEL_TYPE_COUNT; t++) {
		out_char(o, t == TUNNEL_NONE + 1 ? '{' : ',');
		name_key(o, tunnel_type_name((enum tunnel_type)t));
		out_u64(o, a->tunnels[t]);
	}
	out_char(o, '}');
	key(o, "unopened");
	out_char(o, '{');
	for (int u = UNOPENED_NONE + 1, n = 0; u < UNOPENED_COUNT; u++) {
		if (!a->unopened[u])
			continue;
		if (n++)
			out_char(o, ',');
		name_key(o, tunnel_unopened_name((enum tunnel_unopened)u));
		out_u64(o, a->unopened[u]);
	}
	out_char(o, '}');
	if (a->tunnel_paths_merged)
		field_u64(o, "tunnel_paths_merged", a->tunnel_paths_merged);
}

static void outcomes(struct out *o, const struct summary_view *s)
{
	key(o, "outcomes");
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		out_char(o, i ? ',' : '{');
		name_key(o, flow_outcome_name((enum flow_outcome)i));
		out_u64(o, s->tally->outcomes[i]);
	}
	out_char(o, '}');
	field_u64(o, "undetermined", s->tally->undetermined);
	tunnel_counts(o, s->frames);
	key(o, "icmp_errors");
	out_str(o, "{\"matched\":");
	out_u64(o, s->frames->icmp_matched);
	field_u64(o, "unmatched", s->frames->icmp_unmatched);
	field_u64(o, "quote_damaged", s->frames->icmp_quote_damaged);
	out_char(o, '}');
}

static void inputs(struct out *o, const struct summary_view *s)
{
	key(o, "inputs");
	out_char(o, '[');
	for (size_t i = 0; i < s->ninputs; i++) {
		out_str(o, i ? ",{" : "{");
		first_key(o, "file");
		out_json_str(o, s->inputs[i].name);
		field_u64(o, "packets", s->inputs[i].packets);
		if (s->inputs[i].error)
			field_str(o, "error", s->inputs[i].error);
		out_char(o, '}');
	}
	out_char(o, ']');
}

/* What the reading found of the inputs together: each member only when
 * it says something (--dedup given, inputs that overlap). */
static void capture_notes_members(struct out *o, const struct summary_view *s)
{
	if (s->notes && s->notes->dedup)
		field_u64(o, "duplicates_dropped", s->notes->duplicates_dropped);
	if (s->notes && s->notes->inputs_overlap)
		field_bool(o, "inputs_overlap", true);
}

/* --ipfix: what reached the collectors, summed over them. */
static void ipfix_counts(struct out *o, const struct ipfix_stats *x)
{
	if (!x)
		return;
	key(o, "ipfix");
	out_str(o, "{\"records_sent\":");
	out_u64(o, x->records_sent);
	field_u64(o, "records_dropped", x->records_dropped);
	field_u64(o, "reconnects", x->reconnects);
	field_u64(o, "send_errors", x->send_errors);
	out_char(o, '}');
}

static void coverage(struct out *o, const struct summary_view *s)
{
	size_t n;
	const struct rule *rules = classifier_rules(s->cls, &n);
	const struct catalogue *cat = classifier_catalogue(s->cls);

	key(o, "coverage");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		const struct rule_counts *rc = &s->tally->per_rule[i];
		const struct counts *c = &rc->c;
		enum coverage_status st = coverage_status(s->cls, i, rc);
		char ports[256];

		ports_format(r->ports, r->nports, ports, sizeof ports);
		out_str(o, i ? ",{" : "{");
		first_key(o, "rule");
		word(o, r->id);
		field_word(o, "from", r->from_name);
		field_word(o, "to", r->to_name);
		field_word(o, "ports", ports);
		field_word(o, "tag", cat->tags[r->tag]);
		/* a blocked attempt is no sighting of the documented flow */
		field_bool(o, "seen", st == COVERAGE_SUCCEEDED ||
				      st == COVERAGE_UNDETERMINED);
		field_word(o, "status", coverage_status_name(st));
		field_u64(o, "flows", c->flows);
		field_u64(o, "flows_succeeded", rc->succeeded);
		field_u64(o, "flows_failed", rc->failed);
		field_u64(o, "packets", c->packets);
		field_u64(o, "bytes", c->bytes);
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void group_members(struct sink *s, const struct group *g)
{
	struct out *o = s->out;
	char addr[48], pbuf[4];
	bool estimate;
	uint64_t clients = client_count_value(&g->clients, &estimate);

	format_addr(addr, sizeof addr, g->family, g->server);
	proto_field(o, proto_text(g->proto, pbuf), pbuf, g->proto);
	field_word(o, "server", addr);
	if (g->proto == IPPROTO_NUM_TCP || g->proto == IPPROTO_NUM_UDP)
		field_u64(o, "server_port", g->port);
	field_u64(o, "flows", g->c.flows);
	field_u64(o, "clients", clients);
	if (estimate)
		field_bool(o, "clients_estimated", true);
	field_u64(o, "packets", g->c.packets);
	field_u64(o, "bytes", g->c.bytes);
	field_time(s, "first_seen", g->first_us);
	field_time(s, "last_seen", g->last_us);
}

static void reasons(struct out *o, uint32_t mask)
{
	const char *names[REASON_COUNT];
	size_t n = 0;

	for (int r = 1; r < REASON_COUNT; r++)
		if (mask & (1u << r))
			names[n++] = reason_name((enum reason)r);
	key(o, "reasons");
	string_array(o, names, n);
}

/* A failed group's outcome, what it likely means, its rules (the group
 * keeps their ids joined) and the hops whose ICMP errors said no. */
static void failed_members(struct out *o, const struct group *g)
{
	enum flow_outcome oc = (enum flow_outcome)g->outcome;
	char name[CAT_MAX_ID + 1], addr[48];

	first_key(o, "outcome");
	word(o, flow_outcome_name(oc));
	field_word(o, "likely", failure_cause(oc, g->proto, g->nreporters > 0, false));
	key(o, "rules");
	out_char(o, '[');
	for (size_t i = 0; names_nth(g->rules, i, name, sizeof name); i++) {
		if (i)
			out_char(o, ',');
		word(o, name);
	}
	out_char(o, ']');
	if (!g->nreporters)
		return;
	key(o, "reported_by");
	out_char(o, '[');
	for (uint8_t i = 0; i < g->nreporters; i++) {
		if (i)
			out_char(o, ',');
		format_addr(addr, sizeof addr, g->family, g->reporters[i]);
		word(o, addr);
	}
	out_char(o, ']');
	if (g->more_reporters)
		field_bool(o, "reported_by_more", true);
}

/* Who the clients of an unexpected or debug group are: their roles and
 * the heaviest of them. */
static void clients_members(struct out *o, const struct summary_view *s,
			    const struct group *g)
{
	struct top_client top[GROUP_TOP_CLIENTS];
	size_t n = group_top_clients(g, top);
	char addr[48];

	if (classifier_has_site(s->cls)) {
		const char *names[CAT_MAX_ROLES];

		key(o, "client_roles");
		string_array(o, names, role_names(classifier_catalogue(s->cls),
						  g->client_roles, names));
	}
	key(o, "top_clients");
	for (size_t i = 0; i < n; i++) {
		out_str(o, i ? ",{" : "[{");
		format_addr(addr, sizeof addr, g->family, top[i].addr);
		first_key(o, "client");
		word(o, addr);
		field_u64(o, "flows", top[i].flows);
		out_char(o, '}');
	}
	out_str(o, n ? "]" : "[]");
}

/* A group as the summary's lists write it. */
static void group_object(struct sink *sk, const struct summary_view *s,
			 enum group_kind kind, const struct group *g)
{
	struct out *o = sk->out;

	out_char(o, '{');
	if (kind == GROUP_FAILED) {
		failed_members(o, g);
		if (s->tally->version)
			field_u64(o, "rules_version", g->version);
	} else {
		first_key(o, "verdict");
		word(o, kind == GROUP_DEBUG ? "debug" : "unexpected");
	}
	group_members(sk, g);
	if (kind == GROUP_UNEXPECTED)
		reasons(o, g->reasons);
	if (kind != GROUP_FAILED)
		clients_members(o, s, g);
	out_char(o, '}');
}

static void groups(struct sink *sk, const struct summary_view *s,
		   enum group_kind kind, const char *name)
{
	struct out *o = sk->out;
	size_t n;
	const struct group *const *g = tally_sorted(s->tally, kind, &n);
	const struct counts *other = &s->tally->kinds[kind].other;

	out_char(o, ',');
	name_key(o, name);
	out_char(o, '[');
	for (size_t i = 0; g && i < n; i++) {
		if (i)
			out_char(o, ',');
		group_object(sk, s, kind, g[i]);
	}
	out_char(o, ']');
	if (other->flows) {
		char more[64];

		snprintf(more, sizeof more, "%s_ungrouped", name);
		out_char(o, ',');
		name_key(o, more);
		counts_object(o, other);
	}
}

static void group_list(struct sink *sk, const struct summary_view *s,
		       const char *name, enum group_kind kind,
		       const struct group *const *g, size_t n)
{
	out_char(sk->out, ',');
	name_key(sk->out, name);
	out_char(sk->out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			out_char(sk->out, ',');
		group_object(sk, s, kind, g[i]);
	}
	out_char(sk->out, ']');
}

/* What changed since the baseline: this run's groups, and the
 * baseline's entries as it wrote them (its reader checked them). */
static void baseline_object(struct sink *sk, const struct summary_view *s)
{
	const struct baseline_view *v = s->baseline;
	struct out *o = sk->out;

	key(o, "baseline");
	out_str(o, "{\"file\":");
	out_json_str(o, v->b->file);
	group_list(sk, s, "new_unexpected", GROUP_UNEXPECTED,
		   v->new_unexpected, v->nnew_unexpected);
	group_list(sk, s, "new_failed", GROUP_FAILED, v->new_failed,
		   v->nnew_failed);
	key(o, "recovered");
	for (size_t i = 0; i < v->nrecovered; i++) {
		out_char(o, i ? ',' : '[');
		out_str(o, v->recovered[i]->json);
	}
	out_str(o, v->nrecovered ? "]" : "[]");
	key(o, "no_longer_seen");
	for (size_t i = 0; i < v->nno_longer_seen; i++) {
		out_char(o, i ? ',' : '[');
		out_str(o, v->no_longer_seen[i]->json);
	}
	out_str(o, v->nno_longer_seen ? "]}" : "[]}");
}

/* --- provenance and roles ------------------------------------------------ */

static void source_object(struct out *o, const struct rule_source_info *i)
{
	out_str(o, "{\"file\":");
	out_json_str(o, i->file);
	field_word(o, "sha256", i->sha256);
	out_char(o, '}');
}

/* The catalogue files the rules came from, the built-in one as
 * "built-in", and the site file or null. */
static void rule_sources(struct out *o, const struct rulebook *b)
{
	key(o, "rules_files");
	out_char(o, '[');
	for (size_t i = 0; i < b->nsources; i++) {
		if (i)
			out_char(o, ',');
		source_object(o, &b->sources[i]);
	}
	out_char(o, ']');
	key(o, "site_file");
	if (b->has_site_info)
		source_object(o, &b->site_info);
	else
		LIT(o, "null");
}

static void run_object(struct out *o, const struct summary_view *s)
{
	const struct run_info *ri = s->run;
	size_t tcp, udp;

	key(o, "run");
	out_str(o, "{\"version\":");
	out_json_str(o, ri->version);
	field_word(o, "mode", classifier_has_site(s->cls) ? "site" : "port_only");
	if (!classifier_has_site(s->cls)) {
		classifier_documented_ports(s->cls, &tcp, &udp);
		key(o, "documented_ports");
		out_str(o, "{\"tcp\":");
		out_u64(o, tcp);
		field_u64(o, "udp", udp);
		out_char(o, '}');
	}
	if (ri->book)
		rule_sources(o, ri->book);
	key(o, "filter");
	if (ri->filter)
		out_json_str(o, ri->filter);
	else
		LIT(o, "null");
	key(o, "inputs");
	for (size_t i = 0; i < ri->ninputs; i++) {
		out_str(o, i ? ",{" : "[{");
		first_key(o, "file");
		out_json_str(o, ri->inputs[i].name);
		if (ri->inputs[i].size >= 0)
			field_u64(o, "bytes", (uint64_t)ri->inputs[i].size);
		out_char(o, '}');
	}
	out_str(o, ri->ninputs ? "]" : "[]");
	key(o, "command");
	out_char(o, '[');
	out_json_str(o, ri->program);
	for (int i = 0; i < ri->nargs; i++) {
		out_char(o, ',');
		out_json_str(o, ri->args[i]);
	}
	out_str(o, "]}");
}

/* The prefixes of role that the site lists (unseen: only the single
 * hosts never seen), at most LUCS_ROLE_LISTED, as an array named name,
 * and how many more there were as name_more. */
static void prefixes_of_role(struct out *o, const struct summary_view *s,
			     size_t role, bool unseen, const char *name)
{
	const struct site *site = classifier_site(s->cls);
	size_t n = 0;
	char addr[64];

	out_str(o, ",\"");
	out_str(o, name);
	out_str(o, "\":[");
	for (size_t i = 0; i < site->nprefixes; i++) {
		const struct prefix *p = &site->prefixes[i];

		if (!(p->roles >> role & 1) ||
		    (unseen && (!prefix_is_host(p) ||
				role_tally_seen(&s->tally->roles, p->family,
						p->addr))))
			continue;
		if (n++ >= LUCS_ROLE_LISTED)
			continue;
		if (n > 1)
			out_char(o, ',');
		prefix_format(p, addr, sizeof addr);
		word(o, addr);
	}
	out_char(o, ']');
	if (n > LUCS_ROLE_LISTED) {
		out_str(o, ",\"");
		out_str(o, name);
		out_str(o, "_more\":");
		out_u64(o, n - LUCS_ROLE_LISTED);
	}
}

/* A role: what the site lists for it, how many of its addresses were
 * seen, and the single addresses listed that never were. */
static void role_object(struct out *o, const struct summary_view *s,
			size_t role)
{
	out_char(o, '{');
	first_key(o, "addresses_seen");
	out_u64(o, role_tally_hosts(&s->tally->roles, s->cls, role));
	prefixes_of_role(o, s, role, false, "listed");
	prefixes_of_role(o, s, role, true, "hosts_not_seen");
	out_char(o, '}');
}

static void roles_object(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);

	key(o, "roles");
	out_char(o, '{');
	for (size_t r = 0; r < cat->nroles; r++) {
		if (r)
			out_char(o, ',');
		name_key(o, cat->roles[r]);
		role_object(o, s, r);
	}
	out_char(o, '}');
}

/* A role's name as a member value: null for "no role". */
static void role_value(struct out *o, const struct catalogue *cat,
		       size_t role)
{
	if (role < cat->nroles)
		word(o, cat->roles[role]);
	else
		LIT(o, "null");
}

static void role_pairs(struct out *o, const struct summary_view *s)
{
	const struct catalogue *cat = classifier_catalogue(s->cls);
	size_t n;
	const struct role_pair *const *p = role_tally_sorted(&s->tally->roles,
							     &n);

	key(o, "role_pairs");
	out_char(o, '[');
	for (size_t i = 0; i < n; i++) {
		out_str(o, i ? ",{" : "{");
		first_key(o, "from");
		role_value(o, cat, p[i]->from);
		key(o, "to");
		role_value(o, cat, p[i]->to);
		field_u64(o, "flows", p[i]->c.flows);
		field_u64(o, "packets", p[i]->c.packets);
		field_u64(o, "bytes", p[i]->c.bytes);
		key(o, "verdicts");
		for (int v = VERDICT_EXPECTED; v < VERDICT_COUNT; v++) {
			out_char(o, v == VERDICT_EXPECTED ? '{' : ',');
			name_key(o, verdict_name((enum verdict)v));
			out_u64(o, p[i]->verdicts[v]);
		}
		out_str(o, "}}");
	}
	out_char(o, ']');
}

static void json_summary(struct sink *sk, const struct summary_view *s)
{
	struct out *o = sk->out;
	const struct frame_counts *a = s->frames;

	out_str(o, "{\"type\":\"summary\"");
	if (s->partial)
		field_bool(o, "partial", true);
	if (s->run)
		run_object(o, s);
	if (s->baseline)
		baseline_object(sk, s);
	if (a->timed) {
		field_time(sk, "first_packet", a->first_us);
		field_time(sk, "last_packet", a->last_us);
	}
	field_u64(o, "packets_read", a->packets_read);
	field_u64(o, "bytes_read", a->bytes_read);
	field_u64(o, "packets", s->packets);
	field_u64(o, "bytes", s->bytes);
	field_u64(o, "flows", s->flows->created);
	field_u64(o, "flows_active", s->flows->active);
	field_u64(o, "evictions", s->flows->ended[FLOW_END_EVICTED]);
	key(o, "flows_ended");
	for (int e = 0; e < FLOW_END_COUNT; e++) {
		out_char(o, e ? ',' : '{');
		name_key(o, flow_end_name((enum flow_end)e));
		out_u64(o, s->flows->ended[e]);
	}
	out_char(o, '}');
	decode_errors(o, s);
	outcomes(o, s);
	capture_members(o, s->capture);
	inputs(o, s);
	capture_notes_members(o, s);
	ipfix_counts(o, s->ipfix);
	verdict_and_tag_totals(o, s->verdicts, s->tags,
			       classifier_catalogue(s->cls));
	key(o, "site");
	out_str(o, classifier_has_site(s->cls) ? "true" : "false");
	if (classifier_has_site(s->cls)) {
		roles_object(o, s);
		role_pairs(o, s);
	}
	groups(sk, s, GROUP_FAILED, "failed");
	groups(sk, s, GROUP_UNEXPECTED, "unexpected");
	groups(sk, s, GROUP_DEBUG, "debug");
	coverage(o, s);
	out_str(o, "}\n");
}

const struct report_writer report_writer_json = {
	.name = "json",
	.flow = json_flow,
	.interval = json_interval,
	.summary = json_summary,
	.put_class = put_classification,
	.class_max = CLASS_TEXT_MAX,
};
