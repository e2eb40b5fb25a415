/* test_firewall.c: --export-firewall's plan and writers: which rules a
 * host, a role or the whole site receives, from which sources, on which
 * ports (site ports, TM twins, ranges kept); debug rules only when asked;
 * rules whose clients have no host left out; and the three formats'
 * quoting: PowerShell single quotes, netsh's double quotes and %, nft's
 * comment length and quotes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "firewall.h"
#include "site.h"

static const char rules_yaml[] =
	"roles: [web, client, admin, nobody_role]\n"
	"tags: [T]\n"
	"rules:\n"
	"  - {id: web-https, from: client, to: web, proto: tcp, ports: 443,"
	" tag: T, comment: \"it's \\u2019quoted\\u2019 \\\"double\\\" 100%\"}\n"
	"  - {id: web-media, from: client, to: web, proto: [tcp, udp],"
	" ports: [5000-5010, 6000], tag: T, configurable: media, tm: true,"
	" optional: true}\n"
	"  - {id: web-debug, from: admin, to: web, proto: tcp, ports: 9999,"
	" tag: T, debug: true}\n"
	"  - {id: web-ping, from: any, to: web, proto: icmp, tag: T}\n"
	"  - {id: web-ghost, from: nobody_role, to: web, proto: tcp,"
	" ports: 1, tag: T}\n"
	"  - {id: client-back, from: web, to: client, proto: udp, ports: 53,"
	" tag: T, comment: \"" "a very long comment that goes on and on, "
	"longer than nft keeps in a comment, with \\u00e9\\u00e9\\u00e9 "
	"accents near the end to cut inside: \\u00e9\\u00e9\\u00e9\\u00e9"
	"\\u00e9\\u00e9\\u00e9\\u00e9\"}\n";

static const char site_yaml[] =
	"roles:\n"
	"  web: [\"10.0.0.1\", \"10.0.0.2\", \"2001:db8::1\"]\n"
	"  client: [\"10.1.0.0/16\", \"2001:db8:1::/48\"]\n"
	"  admin: \"10.9.9.9\"\n"
	"ports:\n"
	"  media: 7000-7100\n";

struct world {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
	const struct rule *rules;
	size_t nrules;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	struct load_error err;

	assert_non_null(w);
	w->cat = catalogue_new();
	assert_true(catalogue_load_string(w->cat, "r.yaml", rules_yaml,
					  strlen(rules_yaml), &err));
	w->site = site_load_string("site.yaml", site_yaml, strlen(site_yaml),
				   w->cat, &err);
	assert_non_null(w->site);
	w->cls = classifier_new(w->cat, w->site, &err);
	assert_non_null(w->cls);
	w->rules = classifier_rules(w->cls, &w->nrules);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	classifier_free(w->cls);
	site_free(w->site);
	catalogue_free(w->cat);
	free(w);
	return 0;
}

static void plan_for(struct world *w, const char *host, bool debug,
		     struct fw_plan *plan)
{
	struct fw_select sel;
	char err[256];

	assert_true(fw_select_parse(host, w->cat, w->site, &sel, err,
				    sizeof err));
	assert_true(firewall_plan(w->rules, w->nrules, w->site, &sel, debug,
				  plan));
	plan->selection = host;
	plan->selection_is_role = sel.role >= 0;
}

static const struct fw_rule *find(const struct fw_plan *p, const char *id,
				  uint8_t proto)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, id) == 0 &&
		    p->rules[i].proto == proto)
			return &p->rules[i];
	return NULL;
}

static char *written(const struct fw_plan *p, enum fw_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_true(firewall_write(fp, f, p));
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void test_firewall_plan_host(void **state)
{
	struct world *w = *state;
	struct fw_plan p;
	const struct fw_rule *r;

	plan_for(w, "10.0.0.1", false, &p);
	/* https, media tcp+udp, its TM twin tcp+udp, ping */
	assert_int_equal(p.nrules, 6);
	r = find(&p, "web-https", 6);
	assert_non_null(r);
	assert_int_equal(r->nsrc, 2);	/* the client prefixes, both families */
	assert_int_equal(r->ndst, 1);
	assert_int_equal(r->dst[0].len, 32);
	r = find(&p, "web-media", 17);
	assert_non_null(r);
	assert_true(r->optional);
	assert_int_equal(r->nports, 1);	/* the site's media ports */
	assert_int_equal(r->ports[0].lo, 7000);
	assert_int_equal(r->ports[0].hi, 7100);
	r = find(&p, "web-media-tm", 6);
	assert_non_null(r);
	assert_int_equal(r->ports[0].lo, 9000);
	r = find(&p, "web-ping", 1);
	assert_non_null(r);
	assert_true(r->src_any);
	assert_null(find(&p, "web-debug", 6));
	assert_null(find(&p, "web-ghost", 6));	/* its clients: no host */
	assert_null(find(&p, "client-back", 17));	/* not this host's */
	assert_int_equal(p.nhosts, 1);
	firewall_plan_free(&p);
	plan_for(w, "10.0.0.1", true, &p);
	assert_non_null(find(&p, "web-debug", 6));
	assert_true(find(&p, "web-debug", 6)->debug);
	firewall_plan_free(&p);
}

static void test_firewall_plan_role_and_site(void **state)
{
	struct world *w = *state;
	struct fw_plan p;

	plan_for(w, "web", false, &p);
	assert_int_equal(find(&p, "web-https", 6)->ndst, 3);
	assert_int_equal(p.nhosts, 3);
	firewall_plan_free(&p);
	plan_for(w, NULL, false, &p);
	assert_non_null(find(&p, "client-back", 17));
	assert_int_equal(find(&p, "client-back", 17)->ndst, 2);
	assert_int_equal(p.nhosts, 6);	/* every prefix of the site */
	firewall_plan_free(&p);
}

static void test_firewall_select_refused(void **state)
{
	struct world *w = *state;
	struct fw_select sel;
	char err[256];

	assert_false(fw_select_parse("10.5.5.5", w->cat, w->site, &sel, err,
				     sizeof err));
	assert_non_null(strstr(err, "no role"));
	assert_false(fw_select_parse("webb", w->cat, w->site, &sel, err,
				     sizeof err));
	assert_non_null(strstr(err, "neither an address nor a role"));
}

static void test_firewall_powershell(void **state)
{
	struct world *w = *state;
	struct fw_plan p;
	char *out;

	plan_for(w, "10.0.0.1", false, &p);
	out = written(&p, FW_POWERSHELL);
	assert_non_null(strstr(out, "Remove-NetFirewallRule -Group 'lucsaudit'"));
	assert_non_null(strstr(out, "New-NetFirewallRule -Name "
			       "'lucsaudit-web-https-tcp' -DisplayName "
			       "'lucsaudit web-https (client -> web)' -Group "
			       "'lucsaudit' -Direction Inbound -Protocol TCP "
			       "-LocalPort '443' -RemoteAddress '10.1.0.0/16',"
			       "'2001:db8:1::/48' -Action Allow -Description "
			       "'web-https: it''s ''quoted'' \"double\" 100%'"));
	assert_non_null(strstr(out, "-Protocol UDP -LocalPort '7000-7100'"));
	assert_non_null(strstr(out, "-Protocol ICMPv4 -RemoteAddress Any"));
	assert_non_null(strstr(out, "(optional)"));
	free(out);
	firewall_plan_free(&p);
}

static void test_firewall_netsh(void **state)
{
	struct world *w = *state;
	struct fw_plan p;
	char *out;

	plan_for(w, "10.0.0.1", false, &p);
	out = written(&p, FW_NETSH);
	assert_non_null(strstr(out, "netsh advfirewall firewall delete rule "
			       "name=\"lucsaudit-web-https-tcp\" >nul 2>&1\n"
			       "netsh advfirewall firewall add rule name="
			       "\"lucsaudit-web-https-tcp\" dir=in action=allow "
			       "protocol=tcp localport=443 remoteip=10.1.0.0/16,"
			       "2001:db8:1::/48 description=\"web-https: it's "));
	assert_non_null(strstr(out, "'double' 100percent\"\n"));
	assert_non_null(strstr(out, "protocol=icmpv4 remoteip=any"));
	free(out);
	firewall_plan_free(&p);
}

static void test_firewall_nft(void **state)
{
	struct world *w = *state;
	struct fw_plan p;
	char *out, *c;

	plan_for(w, NULL, false, &p);
	out = written(&p, FW_NFT);
	assert_non_null(strstr(out, "table inet lucsaudit\ndelete table inet "
			       "lucsaudit\ntable inet lucsaudit {\n"));
	assert_non_null(strstr(out, "ct state established,related accept"));
	assert_non_null(strstr(out, "iif \"lo\" accept"));
	assert_non_null(strstr(out, "elements = { 7000-7100 }"));
	assert_non_null(strstr(out, "ip saddr @from_client_4 ip daddr @to_web_4 "
			       "tcp dport @ports_0_web_https accept comment "
			       "\"web-https: it's "));
	assert_non_null(strstr(out, "meta l4proto icmp accept"));
	assert_non_null(strstr(out, "ip daddr @hosts_4 ct state new counter drop"));
	/* the long comment: cut to at most 120 bytes, between characters */
	c = strstr(out, "comment \"client-back: ");
	assert_non_null(c);
	c += strlen("comment \"");
	assert_true(strchr(c, '"') - c <= 120);
	assert_true(((unsigned char)strchr(c, '"')[-1] & 0xc0) != 0xc0);
	free(out);
	firewall_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firewall_plan_host),
		cmocka_unit_test(test_firewall_plan_role_and_site),
		cmocka_unit_test(test_firewall_select_refused),
		cmocka_unit_test(test_firewall_powershell),
		cmocka_unit_test(test_firewall_netsh),
		cmocka_unit_test(test_firewall_nft),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
