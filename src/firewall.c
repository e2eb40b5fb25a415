/* firewall.c: the inbound allow-lists of --export-firewall (firewall.h):
 * the plan from the compiled rules and the site, and its three writers:
 * PowerShell's New-NetFirewallRule (NetSecurity module), netsh
 * advfirewall, and an nftables table (nft(8)). */
#include "firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto.h"

#define FW_GROUP "lucsaudit"	/* the Windows rule group; the nft table */
#define NFT_COMMENT_MAX 120	/* bytes: nft keeps at most 128 */

static const char *const format_names[FW_FORMAT_COUNT] = {
	"powershell", "netsh", "nft"
};

bool fw_format_find(const char *name, enum fw_format *out)
{
	for (int f = 0; f < FW_FORMAT_COUNT; f++)
		if (strcmp(name, format_names[f]) == 0) {
			*out = (enum fw_format)f;
			return true;
		}
	return false;
}

const char *fw_format_name(enum fw_format f)
{
	return format_names[f];
}

/* --- which hosts ---------------------------------------------------------- */

static bool parse_address(const char *s, struct prefix *p)
{
	memset(p, 0, sizeof *p);
	if (inet_pton(AF_INET, s, p->addr) == 1) {
		p->family = 4;
		p->len = 32;
		return true;
	}
	if (inet_pton(AF_INET6, s, p->addr) == 1) {
		p->family = 6;
		p->len = 128;
		return true;
	}
	return false;
}

bool fw_select_parse(const char *host, const struct catalogue *cat,
		     const struct site *site, struct fw_select *sel,
		     char *err, size_t size)
{
	memset(sel, 0, sizeof *sel);
	sel->role = -1;
	sel->roles = ~(uint64_t)0;
	if (!host)
		return true;
	if (parse_address(host, &sel->addr)) {
		sel->addr.roles = site_roles(site, sel->addr.family,
					     sel->addr.addr);
		if (!sel->addr.roles) {
			snprintf(err, size, "--host %s: the site gives this "
				 "address no role (list it under a role in %s)",
				 host, site->file ? site->file : "the site");
			return false;
		}
		sel->has_addr = true;
		sel->roles = sel->addr.roles;
		return true;
	}
	sel->role = catalogue_role(cat, host);
	if (sel->role < 0) {
		snprintf(err, size, "--host %s: neither an address nor a role "
			 "of the catalogue (lucsaudit --check lists the roles)",
			 host);
		return false;
	}
	sel->roles = (uint64_t)1 << sel->role;
	return true;
}

/* --- the plan ------------------------------------------------------------- */

static bool same_prefix(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

/* Append p to list unless it holds it already. */
static bool prefix_add(struct prefix **list, size_t *n, const struct prefix *p)
{
	struct prefix *grown;

	for (size_t i = 0; i < *n; i++)
		if (same_prefix(&(*list)[i], p))
			return true;
	grown = realloc(*list, (*n + 1) * sizeof *grown);
	if (!grown)
		return false;
	grown[*n] = *p;
	*list = grown;
	(*n)++;
	return true;
}

/* The site's prefixes holding a role of mask. */
static bool prefixes_of(const struct site *site, uint64_t mask,
			struct prefix **list, size_t *n)
{
	for (size_t i = 0; i < site->nprefixes; i++)
		if ((site->prefixes[i].roles & mask) &&
		    !prefix_add(list, n, &site->prefixes[i]))
			return false;
	return true;
}

/* Where the rule's server is among the selected hosts; false: nowhere. */
static bool rule_destinations(const struct rule *r, const struct site *site,
			      const struct fw_select *sel, struct fw_rule *out,
			      bool *oom)
{
	uint64_t mask = r->to == ROLES_ANY ? sel->roles : r->to & sel->roles;

	*oom = false;
	if (!mask)
		return false;
	if (sel->has_addr) {
		*oom = !prefix_add(&out->dst, &out->ndst, &sel->addr);
		return !*oom;
	}
	if (r->to == ROLES_ANY && sel->role < 0) {
		out->dst_any = true;
		return true;
	}
	*oom = !prefixes_of(site, mask, &out->dst, &out->ndst);
	return !*oom && out->ndst > 0;
}

static bool rule_sources(const struct rule *r, const struct site *site,
			 struct fw_rule *out, bool *oom)
{
	*oom = false;
	if (r->from == ROLES_ANY) {
		out->src_any = true;
		return true;
	}
	*oom = !prefixes_of(site, r->from, &out->src, &out->nsrc);
	return !*oom && out->nsrc > 0;
}

static void fw_rule_free(struct fw_rule *r)
{
	free(r->src);
	free(r->dst);
}

static bool plan_push(struct fw_plan *plan, const struct fw_rule *r)
{
	struct fw_rule *grown = realloc(plan->rules,
					(plan->nrules + 1) * sizeof *grown);

	if (!grown)
		return false;
	grown[plan->nrules++] = *r;
	plan->rules = grown;
	return true;
}

/* One fw_rule per protocol of r; each owns copies of the prefixes. */
static bool plan_rule(struct fw_plan *plan, const struct rule *r,
		      const struct fw_rule *base)
{
	uint8_t protos[2];
	size_t n = 0;

	if (r->has_ip_proto)
		protos[n++] = r->ip_proto;
	if (!r->has_ip_proto && (r->l4 & PROTO_TCP))
		protos[n++] = IPPROTO_NUM_TCP;
	if (!r->has_ip_proto && (r->l4 & PROTO_UDP))
		protos[n++] = IPPROTO_NUM_UDP;
	for (size_t i = 0; i < n; i++) {
		struct fw_rule one = *base;

		one.proto = protos[i];
		one.src = NULL;
		one.dst = NULL;
		one.nsrc = one.ndst = 0;
		for (size_t k = 0; k < base->nsrc; k++)
			if (!prefix_add(&one.src, &one.nsrc, &base->src[k]))
				goto oom;
		for (size_t k = 0; k < base->ndst; k++)
			if (!prefix_add(&one.dst, &one.ndst, &base->dst[k]))
				goto oom;
		if (!plan_push(plan, &one))
			goto oom;
		continue;
oom:
		fw_rule_free(&one);
		return false;
	}
	return true;
}

static bool plan_hosts(struct fw_plan *plan, const struct site *site,
		       const struct fw_select *sel)
{
	if (sel->has_addr)
		return prefix_add(&plan->hosts, &plan->nhosts, &sel->addr);
	return prefixes_of(site, sel->roles, &plan->hosts, &plan->nhosts);
}

bool firewall_plan(const struct rule *rules, size_t nrules,
		   const struct site *site, const struct fw_select *sel,
		   bool with_debug, struct fw_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	plan->site_file = site->file;
	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		struct fw_rule base = {
			.id = r->id, .comment = r->comment, .note = r->note,
			.from_name = r->from_name, .to_name = r->to_name,
			.ports = r->ports, .nports = r->nports,
			.optional = r->optional, .debug = r->debug,
		};
		bool oom = false;

		if (r->debug && !with_debug)
			continue;
		if (rule_destinations(r, site, sel, &base, &oom) &&
		    rule_sources(r, site, &base, &oom) &&
		    !plan_rule(plan, r, &base))
			oom = true;
		fw_rule_free(&base);
		if (oom)
			goto fail;
	}
	if (plan_hosts(plan, site, sel))
		return true;
fail:
	firewall_plan_free(plan);
	return false;
}

void firewall_plan_free(struct fw_plan *plan)
{
	for (size_t i = 0; i < plan->nrules; i++)
		fw_rule_free(&plan->rules[i]);
	free(plan->rules);
	free(plan->hosts);
	memset(plan, 0, sizeof *plan);
}

/* --- text shared by the writers ------------------------------------------- */

static bool has_ports(const struct fw_rule *r)
{
	return r->proto == IPPROTO_NUM_TCP || r->proto == IPPROTO_NUM_UDP;
}

static void prefix_text(const struct prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof a);
	if (p->len == (p->family == 4 ? 32 : 128))
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%s/%u", a, p->len);
}

static void port_text(const struct port_range *p, char *buf, size_t size)
{
	if (p->lo == p->hi)
		snprintf(buf, size, "%u", p->lo);
	else
		snprintf(buf, size, "%u-%u", p->lo, p->hi);
}

/* What a reviewer traces an opening by: "agent-fe-01: LUCS Front-End
 * [note] (optional)". */
static void describe(const struct fw_rule *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s: %s%s%s%s%s%s", r->id,
		 r->comment ? r->comment : "no comment",
		 r->note ? " [" : "", r->note ? r->note : "",
		 r->note ? "]" : "", r->optional ? " (optional)" : "",
		 r->debug ? " (debug only)" : "");
}

/* The Windows rule name: stable across runs, from the rule id. */
static void rule_name(const struct fw_rule *r, char *buf, size_t size)
{
	char pb[4];

	snprintf(buf, size, FW_GROUP "-%s-%s", r->id,
		 proto_text(r->proto, pb));
}

static void header(FILE *fp, const struct fw_plan *plan, const char *hash,
		   const char *format)
{
	fprintf(fp, "%s lucsaudit --export-firewall %s: inbound allow rules "
		"for %s%s, from the catalogue and the site %s.\n", hash, format,
		!plan->selection ? "every host of the site"
		: plan->selection_is_role ? "every host of the role " : "host ",
		plan->selection ? plan->selection : "",
		plan->site_file ? plan->site_file : "");
	fprintf(fp, "%s Review before applying: lucsaudit applies nothing.  "
		"Each rule names the catalogue rule\n%s and the vendor's "
		"comment it opens for.\n", hash, hash);
}

/* --- PowerShell ----------------------------------------------------------- */

/* A single-quoted PowerShell string: ' doubled, and the typographic
 * single quotes PowerShell also takes as quotes written as ''. */
static void ps_quoted(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'') {
			fputs("''", fp);
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x98 &&
			   p[2] <= 0x9b) {
			fputs("''", fp);
			p += 2;
		} else {
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
		}
	}
	fputc('\'', fp);
}

static void ps_addresses(FILE *fp, bool any, const struct prefix *p, size_t n)
{
	char buf[64];

	if (any) {
		fputs("Any", fp);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		prefix_text(&p[i], buf, sizeof buf);
		if (i)
			fputc(',', fp);
		ps_quoted(fp, buf);
	}
}

static void ps_rule(FILE *fp, const struct fw_rule *r)
{
	char name[128], text[1024], buf[32], pb[4];

	rule_name(r, name, sizeof name);
	fputs("New-NetFirewallRule -Name ", fp);
	ps_quoted(fp, name);
	snprintf(text, sizeof text, "lucsaudit %s (%s -> %s)", r->id,
		 r->from_name, r->to_name);
	fputs(" -DisplayName ", fp);
	ps_quoted(fp, text);
	fputs(" -Group '" FW_GROUP "' -Direction Inbound -Protocol ", fp);
	if (r->proto == IPPROTO_NUM_ICMP || r->proto == IPPROTO_NUM_ICMPV6)
		fputs(r->proto == IPPROTO_NUM_ICMP ? "ICMPv4" : "ICMPv6", fp);
	else if (has_ports(r))
		fputs(r->proto == IPPROTO_NUM_TCP ? "TCP" : "UDP", fp);
	else
		fputs(proto_text(r->proto, pb), fp);
	if (has_ports(r)) {
		fputs(" -LocalPort ", fp);
		for (size_t i = 0; i < r->nports; i++) {
			port_text(&r->ports[i], buf, sizeof buf);
			if (i)
				fputc(',', fp);
			ps_quoted(fp, buf);
		}
	}
	fputs(" -RemoteAddress ", fp);
	ps_addresses(fp, r->src_any, r->src, r->nsrc);
	fputs(" -Action Allow -Description ", fp);
	describe(r, text, sizeof text);
	ps_quoted(fp, text);
	fputc('\n', fp);
}

static void write_powershell(FILE *fp, const struct fw_plan *plan)
{
	header(fp, plan, "#", "powershell");
	fputs("# Run in an elevated PowerShell on the host.  Re-running "
	      "replaces the rules:\n# the group's rules from an earlier run "
	      "are removed first.\n", fp);
	fputs("Remove-NetFirewallRule -Group '" FW_GROUP "' "
	      "-ErrorAction SilentlyContinue\n", fp);
	for (size_t i = 0; i < plan->nrules; i++)
		ps_rule(fp, &plan->rules[i]);
}

/* --- netsh ---------------------------------------------------------------- */

/* A double-quoted netsh value: it has no escape, so " becomes ', and %
 * (which cmd expands even inside quotes) becomes "percent". */
static void netsh_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			fputc('\'', fp);
		else if (*p == '%')
			fputs("percent", fp);
		else
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
	}
	fputc('"', fp);
}

static void netsh_rule(FILE *fp, const struct fw_rule *r)
{
	char name[128], text[1024], buf[64], pb[4];

	rule_name(r, name, sizeof name);
	fputs("netsh advfirewall firewall delete rule name=", fp);
	netsh_quoted(fp, name);
	fputs(" >nul 2>&1\n", fp);
	fputs("netsh advfirewall firewall add rule name=", fp);
	netsh_quoted(fp, name);
	fputs(" dir=in action=allow protocol=", fp);
	fputs(r->proto == IPPROTO_NUM_ICMP ? "icmpv4"
	      : r->proto == IPPROTO_NUM_ICMPV6 ? "icmpv6"
	      : proto_text(r->proto, pb), fp);
	if (has_ports(r)) {
		fputs(" localport=", fp);
		for (size_t i = 0; i < r->nports; i++) {
			port_text(&r->ports[i], buf, sizeof buf);
			fprintf(fp, "%s%s", i ? "," : "", buf);
		}
	}
	fputs(" remoteip=", fp);
	if (r->src_any)
		fputs("any", fp);
	for (size_t i = 0; !r->src_any && i < r->nsrc; i++) {
		prefix_text(&r->src[i], buf, sizeof buf);
		fprintf(fp, "%s%s", i ? "," : "", buf);
	}
	fputs(" description=", fp);
	describe(r, text, sizeof text);
	netsh_quoted(fp, text);
	fputc('\n', fp);
}

static void write_netsh(FILE *fp, const struct fw_plan *plan)
{
	header(fp, plan, "rem", "netsh");
	fputs("rem Run from an elevated command prompt on the host.  "
	      "Re-running replaces the\nrem rules: each is deleted by its "
	      "name before it is added.\n", fp);
	for (size_t i = 0; i < plan->nrules; i++)
		netsh_rule(fp, &plan->rules[i]);
}

/* --- nftables ------------------------------------------------------------- */

/* An nft identifier from a role or rule id: [a-z0-9_] kept, else _. */
static void nft_ident(char *buf, size_t size, const char *prefix,
		      const char *name, int family)
{
	size_t n = (size_t)snprintf(buf, size, "%s", prefix);

	for (const char *p = name; *p && n + 3 < size; p++, n++)
		buf[n] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
			 ? *p : '_';
	buf[n] = '\0';
	if (family)
		snprintf(buf + n, size - n, "_%d", family);
}

static size_t count_family(const struct prefix *p, size_t n, int family)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i].family == family;
	return k;
}

static void nft_addr_set(FILE *fp, const char *name, int family,
			 const struct prefix *p, size_t n)
{
	char buf[64];
	bool first = true;

	fprintf(fp, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n"
		"\t\tauto-merge\n", name,
		family == 4 ? "ipv4_addr" : "ipv6_addr");
	for (size_t i = 0; i < n; i++) {
		if (p[i].family != family)
			continue;
		prefix_text(&p[i], buf, sizeof buf);
		fprintf(fp, "%s%s", first ? "\t\telements = { " : ", ", buf);
		first = false;
	}
	fputs(first ? "\t}\n" : " }\n\t}\n", fp);
}

/* The first rule of the plan (before index i) with the same source
 * role, whose set is then already written. */
static bool src_written(const struct fw_plan *plan, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!plan->rules[k].src_any &&
		    strcmp(plan->rules[k].from_name,
			   plan->rules[i].from_name) == 0)
			return true;
	return false;
}

static bool dst_written(const struct fw_plan *plan, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!plan->rules[k].dst_any &&
		    strcmp(plan->rules[k].to_name, plan->rules[i].to_name) == 0)
			return true;
	return false;
}

static void nft_sets(FILE *fp, const struct fw_plan *plan)
{
	char name[96], buf[32];

	nft_addr_set(fp, "hosts_4", 4, plan->hosts, plan->nhosts);
	nft_addr_set(fp, "hosts_6", 6, plan->hosts, plan->nhosts);
	for (size_t i = 0; i < plan->nrules; i++) {
		const struct fw_rule *r = &plan->rules[i];

		for (int fam = 4; fam <= 6; fam += 2) {
			if (!r->src_any && !src_written(plan, i)) {
				nft_ident(name, sizeof name, "from_",
					  r->from_name, fam);
				nft_addr_set(fp, name, fam, r->src, r->nsrc);
			}
			if (!r->dst_any && !dst_written(plan, i)) {
				nft_ident(name, sizeof name, "to_",
					  r->to_name, fam);
				nft_addr_set(fp, name, fam, r->dst, r->ndst);
			}
		}
		if (!has_ports(r))
			continue;
		snprintf(buf, sizeof buf, "ports_%zu_", i);
		nft_ident(name, sizeof name, buf, r->id, 0);
		fprintf(fp, "\tset %s {\n\t\ttype inet_service\n"
			"\t\tflags interval\n\t\tauto-merge\n\t\telements = { ",
			name);
		for (size_t k = 0; k < r->nports; k++) {
			port_text(&r->ports[k], buf, sizeof buf);
			fprintf(fp, "%s%s", k ? ", " : "", buf);
		}
		fputs(" }\n\t}\n", fp);
	}
}

/* A comment nft takes: at most NFT_COMMENT_MAX bytes, cut between
 * UTF-8 characters, without " or \. */
static void nft_comment(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	if (n > NFT_COMMENT_MAX) {
		n = NFT_COMMENT_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	fputs(" comment \"", fp);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c == '"' ? '\'' : c == '\\' ? '/' : c < 0x20 ? ' ' : c,
		      fp);
	}
	fputc('"', fp);
}

static void nft_rule_family(FILE *fp, const struct fw_plan *plan, size_t i,
			    int fam)
{
	const struct fw_rule *r = &plan->rules[i];
	const char *ip = fam == 4 ? "ip" : "ip6";
	char name[96], text[1024], buf[32];

	if ((!r->src_any && !count_family(r->src, r->nsrc, fam)) ||
	    (!r->dst_any && !count_family(r->dst, r->ndst, fam)) ||
	    (r->proto == IPPROTO_NUM_ICMP && fam == 6) ||
	    (r->proto == IPPROTO_NUM_ICMPV6 && fam == 4))
		return;
	fputc('\t', fp);
	fputc('\t', fp);
	if (r->src_any && r->dst_any)
		fprintf(fp, "meta nfproto ipv%d ", fam);
	if (!r->src_any) {
		nft_ident(name, sizeof name, "from_", r->from_name, fam);
		fprintf(fp, "%s saddr @%s ", ip, name);
	}
	if (!r->dst_any) {
		nft_ident(name, sizeof name, "to_", r->to_name, fam);
		fprintf(fp, "%s daddr @%s ", ip, name);
	}
	if (has_ports(r)) {
		snprintf(buf, sizeof buf, "ports_%zu_", i);
		nft_ident(name, sizeof name, buf, r->id, 0);
		fprintf(fp, "%s dport @%s",
			r->proto == IPPROTO_NUM_TCP ? "tcp" : "udp", name);
	} else if (r->proto == IPPROTO_NUM_ICMP) {
		fputs("meta l4proto icmp", fp);
	} else if (r->proto == IPPROTO_NUM_ICMPV6) {
		fputs("meta l4proto ipv6-icmp", fp);
	} else {
		fprintf(fp, "meta l4proto %u", r->proto);
	}
	fputs(" accept", fp);
	describe(r, text, sizeof text);
	nft_comment(fp, text);
	fputc('\n', fp);
}

static void nft_base_chain(FILE *fp, const char *hook)
{
	bool input = strcmp(hook, "input") == 0;

	fprintf(fp, "\tchain %s {\n\t\ttype filter hook %s priority filter; "
		"policy accept;\n", hook, hook);
	fputs("\t\tct state established,related accept\n", fp);
	if (input)
		fputs("\t\tiif \"lo\" accept\n", fp);
	fputs("\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, "
	      "nd-router-solicit, nd-router-advert } accept\n", fp);
	fputs("\t\tct state new jump documented\n", fp);
	fputs("\t\tip daddr @hosts_4 ct state new counter drop "
	      "comment \"not documented\"\n", fp);
	fputs("\t\tip6 daddr @hosts_6 ct state new counter drop "
	      "comment \"not documented\"\n\t}\n", fp);
}

static void write_nft(FILE *fp, const struct fw_plan *plan)
{
	header(fp, plan, "#", "nft");
	fputs("# Load with nft -f FILE (check first: nft -c -f FILE).  "
	      "Loading again replaces\n# the table: it is created empty, "
	      "deleted, then written whole, in one transaction.\n"
	      "# New connections to the hosts below are dropped unless a "
	      "documented flow allows\n# them (input: on the host itself; "
	      "forward: on a gateway in front of it).\n", fp);
	fputs("table inet " FW_GROUP "\ndelete table inet " FW_GROUP "\n"
	      "table inet " FW_GROUP " {\n", fp);
	nft_sets(fp, plan);
	fputs("\tchain documented {\n", fp);
	for (size_t i = 0; i < plan->nrules; i++) {
		nft_rule_family(fp, plan, i, 4);
		nft_rule_family(fp, plan, i, 6);
	}
	fputs("\t}\n", fp);
	nft_base_chain(fp, "input");
	nft_base_chain(fp, "forward");
	fputs("}\n", fp);
}

bool firewall_write(FILE *fp, enum fw_format f, const struct fw_plan *plan)
{
	switch (f) {
	case FW_POWERSHELL:
		write_powershell(fp, plan);
		break;
	case FW_NETSH:
		write_netsh(fp, plan);
		break;
	default:
		write_nft(fp, plan);
		break;
	}
	return !ferror(fp);
}
