/* check.c: the --check and --list-rules printer: the compiled catalogue
 * and site as a site administrator reads them before trusting a verdict. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "proto.h"

static const char *rule_proto_text(const struct rule *r, char *buf,
				   size_t size)
{
	if (r->has_ip_proto) {
		const char *name = proto_name(r->ip_proto);

		if (name)
			return name;
		snprintf(buf, size, "%u", r->ip_proto);
		return buf;
	}
	return r->l4 == (PROTO_TCP | PROTO_UDP) ? "tcp,udp"
	     : r->l4 == PROTO_TCP ? "tcp" : "udp";
}

static void flags_text(const struct rule *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", r->setting ? "configurable " : "",
		 r->optional ? "optional " : "", r->debug ? "debug " : "",
		 r->twin_of >= 0 ? "tm-twin " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, size, "-");
}

void check_list_rules(struct out *o, const struct classifier *cl)
{
	const struct catalogue *cat = classifier_catalogue(cl);
	size_t n;
	const struct rule *rules = classifier_rules(cl, &n);

	out_str(o, "id                       from             to               "
		   "proto    ports            tag   flags              comment\n");
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		char ports[256], proto[8], flags[64];

		ports_format(r->ports, r->nports, ports, sizeof ports);
		flags_text(r, flags, sizeof flags);
		out_str_width(o, r->id, 24);
		out_char(o, ' ');
		out_str_width(o, r->from_name, 16);
		out_char(o, ' ');
		out_str_width(o, r->to_name, 16);
		out_char(o, ' ');
		out_str_width(o, rule_proto_text(r, proto, sizeof proto), 8);
		out_char(o, ' ');
		out_str_width(o, r->nports ? ports : "-", 16);
		out_char(o, ' ');
		out_str_width(o, cat->tags[r->tag], 5);
		out_char(o, ' ');
		out_str_width(o, flags, 18);
		out_char(o, ' ');
		if (r->twin_of >= 0) {
			out_str(o, "TM twin of ");
			out_str(o, rules[r->twin_of].id);
		} else {
			out_str(o, r->comment ? r->comment : "");
			if (r->note) {
				out_str(o, " [");
				out_str(o, r->note);
				out_char(o, ']');
			}
		}
		out_char(o, '\n');
		out_end_record(o);
	}
}

static size_t documented_ports(const struct classifier *cl, uint8_t proto)
{
	size_t count = 0, n;

	for (unsigned p = 1; p < 65536; p++) {
		classifier_port_rules(cl, proto, (uint16_t)p, &n);
		count += n > 0;
	}
	return count;
}

static void check_settings(struct out *o, const struct catalogue *cat,
			   const struct site *site)
{
	out_str(o, "configurable ports:\n");
	for (size_t i = 0; i < cat->nrules; i++) {
		const struct rule *r = &cat->rules[i];
		const struct site_override *ov;
		char ports[256];

		if (!r->setting || catalogue_setting(cat, r->setting) != r)
			continue;	/* not the first rule naming it */
		ov = site_override(site, r->setting);
		if (ov)
			ports_format(ov->ports, ov->nports, ports, sizeof ports);
		else
			ports_format(r->ports, r->nports, ports, sizeof ports);
		out_str(o, "  ");
		out_str_width(o, r->setting, 20);
		out_str(o, ports);
		out_str(o, ov ? " (site)\n" : "\n");
	}
}

void check_print(struct out *o, const struct classifier *cl,
		  const struct site *site)
{
	const struct catalogue *cat = classifier_catalogue(cl);
	size_t n, twins = 0, per_tag[CAT_MAX_TAGS] = { 0 };
	const struct rule *rules = classifier_rules(cl, &n);
	bool tm_on = !(site && site->tm_off);

	for (size_t i = 0; i < n; i++) {
		twins += rules[i].twin_of >= 0;
		per_tag[rules[i].tag]++;
	}
	out_str(o, "catalogue:");
	for (size_t i = 0; i < cat->nfiles; i++) {
		out_char(o, ' ');
		out_str(o, cat->files[i]);
	}
	out_str(o, "\nrules:     ");
	out_u64(o, cat->nrules);
	out_str(o, " from the catalogue, ");
	out_u64(o, twins);
	out_str(o, " TM twins, ");
	out_u64(o, n);
	out_str(o, " compiled\nTM:        ");
	if (tm_on) {
		out_str(o, "on, LUCS ports + ");
		out_u64(o, cat->tm_offset);
	} else {
		out_str(o, "off (site)");
	}
	out_str(o, "\ntags:     ");
	for (size_t t = 0; t < cat->ntags; t++) {
		out_char(o, ' ');
		out_str(o, cat->tags[t]);
		out_char(o, ' ');
		out_u64(o, per_tag[t]);
	}
	out_str(o, "\nports:     tcp ");
	out_u64(o, documented_ports(cl, 6));
	out_str(o, ", udp ");
	out_u64(o, documented_ports(cl, 17));
	out_str(o, " documented\nroles:    ");
	for (size_t r = 0; r < cat->nroles; r++) {
		size_t prefixes = 0;

		for (size_t i = 0; site && i < site->nprefixes; i++)
			prefixes += (site->prefixes[i].roles >> r) & 1;
		out_char(o, ' ');
		out_str(o, cat->roles[r]);
		if (site) {
			out_char(o, '(');
			out_u64(o, prefixes);
			out_char(o, ')');
		}
	}
	out_str(o, site ? "\nsite:      " : "\nsite:      none (port-only classification)\n");
	if (site) {
		out_u64(o, site->nprefixes);
		out_str(o, " addresses and prefixes\n");
	}
	check_settings(o, cat, site);
	out_end_record(o);
}
