/* report-ipfix.c: ended flows as IPFIX records (RFC 5103 biflows, the
 * client as source), each with the verdict, reason, rules, tags, outcome
 * and roles its report record carries. */
#include "report-ipfix.h"

#include <stdlib.h>
#include <string.h>

#include "flow-view.h"
#include "fmt.h"

/* At most as many rule ids as a view lists (flow_view.rules), so that a
 * record names the rules its JSON record names. */
#define RULES_MAX (sizeof ((struct flow_view *)0)->rules / \
		   sizeof ((struct flow_view *)0)->rules[0])

/* names joined by ',' into a string of its own, its length in *len;
 * NULL without memory. */
static char *joined(const char *const *names, size_t n, size_t *len)
{
	size_t size = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		size += strlen(names[i]) + 1;
	s = malloc(size);
	if (s)
		*len = names_join(s, size, names, n, ',');
	return s;
}

/* The names of class id, joined at its first flow.  NULL without memory:
 * the record then goes without them. */
static const struct ipfix_class_names *
class_names(struct ipfix_feed *feed, const struct classifier *cls,
	    uint32_t id)
{
	const struct verdict_class *k;
	const struct catalogue *cat = classifier_catalogue(cls);
	const char *names[RULES_MAX > CAT_MAX_TAGS ? RULES_MAX : CAT_MAX_TAGS];
	struct ipfix_class_names *c;
	size_t n = 0, nrules;
	const struct rule *rules = classifier_rules(cls, &nrules);

	if (id >= classifier_class_count(cls))
		return NULL;
	if (id >= feed->nclasses) {
		size_t grow = classifier_class_count(cls);
		struct ipfix_class_names *more =
			realloc(feed->classes, grow * sizeof *more);

		if (!more)
			return NULL;
		memset(more + feed->nclasses, 0,
		       (grow - feed->nclasses) * sizeof *more);
		feed->classes = more;
		feed->nclasses = grow;
	}
	c = &feed->classes[id];
	if (c->rules && c->tags)
		return c;
	k = classifier_class(cls, id);
	for (size_t i = 0; i < k->nrules && n < RULES_MAX; i++)
		names[n++] = rules[k->rules[i]].id;
	free(c->rules);
	c->rules = joined(names, n, &c->rules_len);
	n = 0;
	for (size_t t = 0; t < cat->ntags; t++)
		if (k->tags & (1u << t))
			names[n++] = cat->tags[t];
	free(c->tags);
	c->tags = joined(names, n, &c->tags_len);
	c->verdict = verdict_name(k->verdict);
	c->verdict_len = strlen(c->verdict);
	c->reason = k->reason ? reason_name(k->reason) : "";
	c->reason_len = strlen(c->reason);
	return c->rules && c->tags ? c : NULL;
}

void ipfix_feed_forget(struct ipfix_feed *feed)
{
	for (size_t i = 0; i < feed->nclasses; i++) {
		free(feed->classes[i].rules);
		free(feed->classes[i].tags);
	}
	free(feed->classes);
	feed->classes = NULL;
	feed->nclasses = 0;
}

/* Milliseconds of a packet time in microseconds, rounded down. */
static int64_t to_ms(int64_t us)
{
	return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

void ipfix_feed_flow(struct ipfix_feed *feed, const struct classifier *cls,
		     const struct flow *f, enum flow_end why,
		     const struct flow_view *v)
{
	unsigned c = f->client, s = flow_server(f);
	const struct verdict_class *k = cls ? classifier_class(cls, f->class_id)
					    : NULL;
	const struct ipfix_class_names *names =
		cls ? class_names(feed, cls, f->class_id) : NULL;
	char client_roles[1024], server_roles[1024];
	struct ipfix_flow r = {
		.family = f->key.family, .proto = f->key.proto,
		.sport = v->has_ports ? v->client_port : 0,
		.dport = v->has_ports ? v->server_port : 0,
		.start_ms = to_ms(f->first_us), .end_ms = to_ms(f->last_us),
		.packets = f->packets[c], .bytes = f->bytes[c],
		.rev_packets = f->packets[s], .rev_bytes = f->bytes[s],
		.tcp_flags = f->tcp_flags[c], .rev_tcp_flags = f->tcp_flags[s],
		.end_reason = ipfix_end_reason_of(why),
		.has_icmp = f->key.proto == IPPROTO_NUM_ICMP ||
			    f->key.proto == IPPROTO_NUM_ICMPV6,
		.icmp_type_code = (uint16_t)(f->icmp_client_type << 8 |
					     f->icmp_client_code),
		.verdict = k ? verdict_name(k->verdict) : "",
		.reason = k && k->reason ? reason_name(k->reason) : "",
		.rules = names ? names->rules : "",
		.tags = names ? names->tags : "",
		.outcome = v->outcome ? v->outcome : "",
		.client_roles = client_roles, .server_roles = server_roles,
	};

	memcpy(r.src, f->key.addr[c], sizeof r.src);
	memcpy(r.dst, f->key.addr[s], sizeof r.dst);
	if (names) {
		r.verdict = names->verdict;
		r.reason = names->reason;
		r.has_str_len = true;
		r.str_len[0] = names->verdict_len;
		r.str_len[1] = names->reason_len;
		r.str_len[2] = names->rules_len;
		r.str_len[3] = names->tags_len;
		r.str_len[4] = strlen(r.outcome);
	}
	r.str_len[5] = names_join(client_roles, sizeof client_roles,
				  v->client_roles, v->nclient_roles, ',');
	r.str_len[6] = names_join(server_roles, sizeof server_roles,
				  v->server_roles, v->nserver_roles, ',');
	/* 0: the time the run last ticked the exporter (run.c, between
	 * batches); a record carries its own times. */
	ipfix_export(feed->x, &r, 0);
}
