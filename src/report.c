/* report.c: flows and totals into views for the writers. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

struct report {
	const struct report_writer *w;
	struct out *out;
	const struct classifier *cls;
	uint64_t packets, bytes;	/* counted in flows, the whole run */
};

static const struct report_writer *const writers[] = {
	&report_writer_text,
	&report_writer_json,
};

const struct report_writer *report_writer_find(const char *name)
{
	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

struct report *report_new(const struct report_config *cfg)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->w = cfg->writer;
	r->out = cfg->out;
	r->cls = cfg->cls;
	if (r->w->begin)
		r->w->begin(r->out);
	return r;
}

void report_free(struct report *r)
{
	free(r);
}

const char *proto_name(uint8_t proto, char buf[4])
{
	switch (proto) {
	case IPPROTO_NUM_TCP:
		return "tcp";
	case IPPROTO_NUM_UDP:
		return "udp";
	case IPPROTO_NUM_ICMP:
		return "icmp";
	case IPPROTO_NUM_ICMPV6:
		return "icmpv6";
	default:
		snprintf(buf, 4, "%u", proto);
		return buf;
	}
}

static void view_classification(const struct flow *f,
				const struct classifier *cls,
				struct flow_view *v)
{
	const struct verdict_class *k = classifier_class(cls, f->class_id);
	const struct catalogue *cat = classifier_catalogue(cls);
	size_t nrules;
	const struct rule *rules = classifier_rules(cls, &nrules);

	v->verdict = verdict_name(k->verdict);
	v->reason = k->reason ? reason_name(k->reason) : NULL;
	for (size_t t = 0; t < cat->ntags; t++)
		if (k->tags & (1u << t))
			v->tags[v->ntags++] = cat->tags[t];
	for (size_t i = 0; i < k->nrules && v->nrules < 64; i++)
		v->rules[v->nrules++] = rules[k->rules[i]].id;
}

void flow_view_make(const struct flow *f, enum flow_end why,
		    const struct classifier *cls, struct flow_view *v)
{
	unsigned c = f->client, s = flow_server(f);

	memset(v, 0, sizeof *v);
	v->family = f->key.family;
	v->proto_num = f->key.proto;
	v->proto = proto_name(f->key.proto, v->proto_number);
	format_addr(v->client, sizeof v->client, f->key.family,
		    f->key.addr[c]);
	format_addr(v->server, sizeof v->server, f->key.family,
		    f->key.addr[s]);
	v->has_ports = f->key.proto == IPPROTO_NUM_TCP ||
		       f->key.proto == IPPROTO_NUM_UDP;
	v->client_port = f->key.port[c];
	v->server_port = f->key.port[s];
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
	v->end = flow_end_name(why);
	if (cls)
		view_classification(f, cls, v);
}

void report_count(struct report *r, struct flow *f, uint64_t packets,
		  uint64_t bytes, bool created)
{
	(void)f;
	(void)created;
	r->packets += packets;
	r->bytes += bytes;
}

void report_flow_end(struct report *r, struct flow *f, enum flow_end why)
{
	struct flow_view v;

	flow_view_make(f, why, r->cls, &v);
	r->w->flow(r->out, &v);
	out_end_record(r->out);
}

void report_summary(struct report *r, const struct audit_stats *audit,
		    const struct flow_stats *flows,
		    const struct input_info *inputs, size_t ninputs)
{
	struct summary_view s = {
		.audit = audit, .flows = flows, .inputs = inputs,
		.ninputs = ninputs, .packets = r->packets, .bytes = r->bytes,
	};

	for (int i = 0; i < DECODE_STATUS_COUNT; i++)
		s.decode_errors += audit->decode[i];
	r->w->summary(r->out, &s);
	out_end_record(r->out);
}
