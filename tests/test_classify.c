/* test_classify.c: verdicts against the vendor's port table (Luware's
 * "Network Port Configuration / Used Protocols and Ports", the project's
 * seed): one case per row of the table, each in its documented direction
 * and reversed, with roles from a site inventory (IPv4 and IPv6) and by
 * port alone; then TM twins, the debug table, role mismatches, scope,
 * port overrides, overlapping prefixes, rule files adding rules, roles
 * and tags, portless protocols, and how unoriented flows are oriented.
 *
 * The seed's rows are written out below independently of rules/lucs.yaml;
 * only the rule ids, and the product tags (which the seed has no column
 * for), follow that file's documented encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "flow.h"
#include "site.h"

/* --- the seed ---------------------------------------------------------------- */

/* The deployment roles the seed names.  ANY is the debug table's "*"
 * ("depends from where the telnet session will be opened"). */
enum role {
	ANY, AGENT, LUCS01, LUCS02, SQL, EXCHANGE, SFB_SERVER, EDGE, POOL, CMS,
	API, LIVE, ROLE_COUNT
};

static const struct {
	const char *name;	/* the catalogue's role id */
	const char *v4, *v6;	/* one host holding it in SEED_SITE */
} roles[ROLE_COUNT] = {
	[ANY] = { "any", NULL, NULL },
	[AGENT] = { "agent_pc", "10.20.1.5", "2001:db8:20::5" },
	[LUCS01] = { "lucs_server_01", "10.10.0.11", "2001:db8:10::11" },
	[LUCS02] = { "lucs_server_02", "10.10.0.12", "2001:db8:10::12" },
	[SQL] = { "sql_server", "10.10.0.20", "2001:db8:10::20" },
	[EXCHANGE] = { "exchange_server", "10.10.0.30", "2001:db8:10::30" },
	[SFB_SERVER] = { "sfb_server", "10.10.1.20", "2001:db8:11::20" },
	[EDGE] = { "sfb_edge", "10.10.2.10", "2001:db8:12::10" },
	[POOL] = { "sfb_fe_pool", "10.10.1.10", "2001:db8:11::10" },
	[CMS] = { "sfb_cms", "10.10.1.30", "2001:db8:11::30" },
	[API] = { "lucs_api", "10.10.0.40", "2001:db8:10::40" },
	[LIVE] = { "live_reporting", "10.10.0.41", "2001:db8:10::41" },
};

/* Every role at its own addresses, so that a verdict depends on the row
 * alone; agents are a prefix, as sites list them. */
#define SEED_SITE \
	"roles:\n" \
	"  agent_pc: [10.20.0.0/16, \"2001:db8:20::/48\"]\n" \
	"  lucs_server_01: [10.10.0.11, \"2001:db8:10::11\"]\n" \
	"  lucs_server_02: [10.10.0.12, \"2001:db8:10::12\"]\n" \
	"  sql_server: [10.10.0.20, \"2001:db8:10::20\"]\n" \
	"  exchange_server: [10.10.0.30, \"2001:db8:10::30\"]\n" \
	"  sfb_server: [10.10.1.20, \"2001:db8:11::20\"]\n" \
	"  sfb_edge: [10.10.2.10, \"2001:db8:12::10\"]\n" \
	"  sfb_fe_pool: [10.10.1.10, \"2001:db8:11::10\"]\n" \
	"  sfb_cms: [10.10.1.30, \"2001:db8:11::30\"]\n" \
	"  lucs_api: [10.10.0.40, \"2001:db8:10::40\"]\n" \
	"  live_reporting: [10.10.0.41, \"2001:db8:10::41\"]\n"

/* A host no site lists. */
#define STRANGER "192.0.2.99"
#define STRANGER6 "2001:db8:99::99"

enum { T = 1, U = 2 };	/* protocols of a row: TCP, UDP */

/* One row of the seed: source, destination, protocol(s), the destination
 * server port(s) (default), the product, and whether it is in the
 * debugging table. */
struct seed_row {
	const char *id;
	enum role from, to;
	unsigned protos;
	struct port_range ports[2];
	size_t nports;
	const char *tag;
	bool debug;
};

#define P(p) { { (p), (p) } }, 1
#define P2(a, b) { { (a), (a) }, { (b), (b) } }, 2
#define RANGE(lo, hi) { { (lo), (hi) } }, 1
#define MEDIA RANGE(49152, 57500)

static const struct seed_row seed_rows[] = {
	/* Agent to Server Connection */
	{ "agent-fe-01", AGENT, LUCS01, T, P(443), "LUCS", false },
	{ "agent-fe-02", AGENT, LUCS02, T, P(443), "LUCS", false },
	{ "agent-webconfig-01", AGENT, LUCS01, T, P(4443), "LUCS", false },
	{ "agent-webconfig-02", AGENT, LUCS02, T, P(4443), "LUCS", false },
	{ "agent-webapi-01", AGENT, LUCS01, T, P(4444), "LUCS", false },
	{ "agent-webapi-02", AGENT, LUCS02, T, P(4444), "LUCS", false },
	{ "agent-ssrs", AGENT, SQL, T, P(443), "LUCS", false },
	{ "agent-powerpivot", AGENT, SQL, T, P(1443), "LUCS", false },
	{ "agent-aa-01", AGENT, LUCS01, T, P(19412), "LUCS", false },
	{ "agent-aa-02", AGENT, LUCS02, T, P(19412), "LUCS", false },
	/* listed four times, identically */
	{ "agent-sfb-media", AGENT, SFB_SERVER, T | U, MEDIA, "SfB", false },
	{ "agent-edge-stun", AGENT, EDGE, U, P(3478), "SfB", false },
	{ "agent-edge-tls", AGENT, EDGE, T, P(443), "SfB", false },
	/* Server to Server connection ports */
	{ "lucs-sql-01", LUCS01, SQL, T, P(1433), "LUCS", false },
	{ "lucs-sql-02", LUCS02, SQL, T, P(1433), "LUCS", false },
	{ "lucs-ews-01", LUCS01, EXCHANGE, T, P(443), "LUCS", false },
	{ "lucs-ews-02", LUCS02, EXCHANGE, T, P(443), "LUCS", false },
	{ "lucs-edge-stun-01", LUCS01, EDGE, U, P(3478), "SfB", false },
	{ "lucs-edge-stun-02", LUCS02, EDGE, U, P(3478), "SfB", false },
	{ "lucs-edge-tls-01", LUCS01, EDGE, T, P(443), "SfB", false },
	{ "lucs-edge-tls-02", LUCS02, EDGE, T, P(443), "SfB", false },
	{ "lucs-sip-01", LUCS01, POOL, T, P2(5060, 5061), "SfB", false },
	{ "lucs-sip-02", LUCS02, POOL, T, P2(5060, 5061), "SfB", false },
	{ "lucs-media-01", LUCS01, POOL, T | U, MEDIA, "SfB", false },
	{ "lucs-media-02", LUCS02, POOL, T | U, MEDIA, "SfB", false },
	{ "pool-media-01", POOL, LUCS01, T | U, MEDIA, "SfB", false },
	{ "pool-media-02", POOL, LUCS02, T | U, MEDIA, "SfB", false },
	{ "cms-smb-01", CMS, LUCS01, T, P(445), "SfB", false },	/* SMB/TCP */
	{ "cms-smb-02", CMS, LUCS02, T, P(445), "SfB", false },
	/* LUCS and the pool; the trusted applications */
	{ "lucs-pool-https-01", LUCS01, POOL, T, P(443), "LUCS", false },
	{ "lucs-pool-https-02", LUCS02, POOL, T, P(443), "LUCS", false },
	{ "trusted-app-6000-01", POOL, LUCS01, T, P(6000), "LUCS", false },
	{ "trusted-app-6000-02", POOL, LUCS02, T, P(6000), "LUCS", false },
	{ "trusted-app-7000-01", POOL, LUCS01, T, P(7000), "LUCS", false },
	{ "trusted-app-7000-02", POOL, LUCS02, T, P(7000), "LUCS", false },
	{ "trusted-app-7100-01", POOL, LUCS01, T, P(7100), "LUCS", false },
	{ "trusted-app-7100-02", POOL, LUCS02, T, P(7100), "LUCS", false },
	{ "trusted-app-7200-01", POOL, LUCS01, T, P(7200), "LUCS", false },
	{ "trusted-app-7200-02", POOL, LUCS02, T, P(7200), "LUCS", false },
	{ "trusted-app-7300-01", POOL, LUCS01, T, P(7300), "LUCS", false },
	{ "trusted-app-7300-02", POOL, LUCS02, T, P(7300), "LUCS", false },
	{ "trusted-app-7400-01", POOL, LUCS01, T, P(7400), "LUCS", false },
	{ "trusted-app-7400-02", POOL, LUCS02, T, P(7400), "LUCS", false },
	{ "trusted-app-6100-01", POOL, LUCS01, T, P(6100), "LUCS", false },
	{ "trusted-app-6100-02", POOL, LUCS02, T, P(6100), "LUCS", false },
	{ "trusted-app-6200-01", POOL, LUCS01, T, P(6200), "LUCS", false },
	{ "trusted-app-6200-02", POOL, LUCS02, T, P(6200), "LUCS", false },
	{ "trusted-app-6300-01", POOL, LUCS01, T, P(6300), "LUCS", false },
	{ "trusted-app-6300-02", POOL, LUCS02, T, P(6300), "LUCS", false },
	{ "trusted-app-extra-01", POOL, LUCS01, T, RANGE(7500, 7999), "LUCS", false },
	{ "trusted-app-extra-02", POOL, LUCS02, T, RANGE(7500, 7999), "LUCS", false },
	/* LUCS services between the servers and the pool */
	{ "lucs-ps-01-02", LUCS01, LUCS02, T, P(19400), "LUCS", false },
	{ "lucs-ps-02-01", LUCS02, LUCS01, T, P(19400), "LUCS", false },
	{ "smd-ps-01", POOL, LUCS01, T, P(19400), "LUCS", false },
	{ "smd-ps-02", POOL, LUCS02, T, P(19400), "LUCS", false },
	{ "smd-am-01", POOL, LUCS01, T, P(19432), "LUCS", false },
	{ "smd-am-02", POOL, LUCS02, T, P(19432), "LUCS", false },
	{ "am-smd-01", LUCS01, POOL, T, P(19433), "LUCS", false },
	{ "am-smd-02", LUCS02, POOL, T, P(19433), "LUCS", false },
	{ "election-ps-01-02", LUCS01, LUCS02, T, P(4570), "LUCS", false },
	{ "election-ps-02-01", LUCS02, LUCS01, T, P(4570), "LUCS", false },
	{ "election-cic-01-02", LUCS01, LUCS02, T, P(4670), "LUCS", false },
	{ "election-cic-02-01", LUCS02, LUCS01, T, P(4670), "LUCS", false },
	{ "election-fecore-01-02", LUCS01, LUCS02, T, P(4770), "LUCS", false },
	{ "election-fecore-02-01", LUCS02, LUCS01, T, P(4770), "LUCS", false },
	{ "election-am-01-02", LUCS01, LUCS02, T, P(4871), "LUCS", false },
	{ "election-am-02-01", LUCS02, LUCS01, T, P(4871), "LUCS", false },
	{ "election-ac-01-02", LUCS01, LUCS02, T, P(4881), "LUCS", false },
	{ "election-ac-02-01", LUCS02, LUCS01, T, P(4881), "LUCS", false },
	{ "election-mm-01-02", LUCS01, LUCS02, T, P(4882), "LUCS", false },
	{ "election-mm-02-01", LUCS02, LUCS01, T, P(4882), "LUCS", false },
	/* Internal Communication for LUCS components.  The "Net.pipe / TCP"
	 * rows (Server 01 to itself) have no port: their TCP fallback uses
	 * the component's port of the row that follows. */
	{ "cic-01-01", LUCS01, LUCS01, T, P(19415), "LUCS", false },
	{ "cic-02-01", LUCS02, LUCS01, T, P(19415), "LUCS", false },
	{ "ci-01-01", LUCS01, LUCS01, T, P(19417), "LUCS", false },
	{ "ci-02-01", LUCS02, LUCS01, T, P(19417), "LUCS", false },
	{ "fecore-01-01", LUCS01, LUCS01, T, P(19418), "LUCS", false },
	{ "fecore-02-01", LUCS02, LUCS01, T, P(19418), "LUCS", false },
	{ "ich-fecore-01-01", LUCS01, LUCS01, T, P(19419), "LUCS", false },
	{ "ich-fecore-02-01", LUCS02, LUCS01, T, P(19419), "LUCS", false },
	{ "ci-fecore-01-01", LUCS01, LUCS01, T, P(19421), "LUCS", false },
	{ "ci-fecore-02-01", LUCS02, LUCS01, T, P(19421), "LUCS", false },
	{ "amcore-01-01", LUCS01, LUCS01, T, P(19422), "LUCS", false },
	{ "amcore-02-01", LUCS02, LUCS01, T, P(19422), "LUCS", false },
	{ "mm-fecore-01-01", LUCS01, LUCS01, T, P(19423), "LUCS", false },
	{ "mm-fecore-02-01", LUCS02, LUCS01, T, P(19423), "LUCS", false },
	{ "am-fecore-01-01", LUCS01, LUCS01, T, P(19430), "LUCS", false },
	{ "am-fecore-02-01", LUCS02, LUCS01, T, P(19430), "LUCS", false },
	{ "presence-01-01", LUCS01, LUCS01, T, P(19431), "LUCS", false },
	{ "presence-02-01", LUCS02, LUCS01, T, P(19431), "LUCS", false },
	{ "api-wcf", API, LUCS01, T, P(19413), "LUCS", false },
	{ "live-reporting-wcf", LIVE, LUCS01, T, P(19413), "LUCS", false },
	/* Debugging / Troubleshooting */
	{ "debug-lm-01", ANY, LUCS01, T, P(19513), "LUCS", true },
	{ "debug-lm-02", ANY, LUCS02, T, P(19513), "LUCS", true },
	{ "debug-cic-01", ANY, LUCS01, T, P(19515), "LUCS", true },
	{ "debug-cic-02", ANY, LUCS02, T, P(19515), "LUCS", true },
	{ "debug-ci-01", ANY, LUCS01, T, P(19517), "LUCS", true },
	{ "debug-ci-02", ANY, LUCS02, T, P(19517), "LUCS", true },
	{ "debug-ich-01", ANY, LUCS01, T, P(19518), "LUCS", true },
	{ "debug-ich-02", ANY, LUCS02, T, P(19518), "LUCS", true },
	{ "debug-smd-01", ANY, LUCS01, T, P(19519), "LUCS", true },
	{ "debug-smd-02", ANY, LUCS02, T, P(19519), "LUCS", true },
	{ "debug-ac-01", ANY, LUCS01, T, P(19520), "LUCS", true },
	{ "debug-ac-02", ANY, LUCS02, T, P(19520), "LUCS", true },
	{ "debug-am-01", ANY, LUCS01, T, P(19521), "LUCS", true },
	{ "debug-am-02", ANY, LUCS02, T, P(19521), "LUCS", true },
	{ "debug-mm-01", ANY, LUCS01, T, P(19522), "LUCS", true },
	{ "debug-mm-02", ANY, LUCS02, T, P(19522), "LUCS", true },
};

#define SEED_ROWS (sizeof seed_rows / sizeof *seed_rows)

/* --- worlds: a catalogue, a site and their classifier ---------------------- */

struct world {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cl;
	struct load_error err;
	char line[700];
};

static void world_free(struct world *w)
{
	classifier_free(w->cl);
	site_free(w->site);
	catalogue_free(w->cat);
	memset(w, 0, sizeof *w);
}

static void world_fail(struct world *w, const char *what)
{
	load_error_format(&w->err, w->line, sizeof w->line);
	fail_msg("%s: %s", what, w->line);
}

/* The built-in catalogue, then each rule file of rules (NULL-terminated,
 * may be NULL), then the site (NULL: none, port-only classification). */
static void world_open(struct world *w, const char *const *rules,
		       const char *site)
{
	world_free(w);
	w->cat = catalogue_new();
	assert_non_null(w->cat);
	if (!catalogue_load_default(w->cat, &w->err))
		world_fail(w, "built-in catalogue");
	for (size_t i = 0; rules && rules[i]; i++) {
		char name[32];

		snprintf(name, sizeof name, "rules-%zu.yaml", i + 1);
		if (!catalogue_load_string(w->cat, name, rules[i],
					   strlen(rules[i]), &w->err))
			world_fail(w, name);
	}
	if (site) {
		w->site = site_load_string("site.yaml", site, strlen(site), w->cat,
					   &w->err);
		if (!w->site)
			world_fail(w, "site");
	}
	w->cl = classifier_new(w->cat, w->site, &w->err);
	if (!w->cl)
		world_fail(w, "classifier");
}

static int world_setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	*state = w;
	return 0;
}

static int world_teardown(void **state)
{
	world_free(*state);
	free(*state);
	return 0;
}

/* --- flows -------------------------------------------------------------------- */

/* A flow as the flow table keys it: endpoints in canonical order (smaller
 * address, then smaller port, first), `client` naming the endpoint that
 * opened it; oriented, as after a SYN. */
static struct flow flow_of(uint8_t proto, const char *client, uint16_t cport,
			   const char *server, uint16_t sport)
{
	struct flow f;
	uint8_t c[16] = { 0 }, s[16] = { 0 };
	bool v6 = strchr(client, ':') != NULL;
	int af = v6 ? AF_INET6 : AF_INET, cmp;
	unsigned ci;

	if (inet_pton(af, client, c) != 1 || inet_pton(af, server, s) != 1)
		fail_msg("bad test addresses %s, %s", client, server);
	memset(&f, 0, sizeof f);
	cmp = memcmp(c, s, v6 ? 16 : 4);
	ci = cmp > 0 || (cmp == 0 && cport > sport);
	f.key.family = v6 ? 6 : 4;
	f.key.proto = proto;
	memcpy(f.key.addr[ci], c, 16);
	memcpy(f.key.addr[ci ^ 1], s, 16);
	f.key.port[ci] = cport;
	f.key.port[ci ^ 1] = sport;
	f.client = (uint8_t)ci;
	f.oriented = 1;
	return f;
}

static const char *proto_word(uint8_t proto)
{
	const char *name = proto_name(proto);

	return name ? name : "ip";
}

/* Classify f as the flow table would: the class and the orientation
 * classify_flow returns, applied to the test's own copy. */
static void classify(struct classifier *cl, struct flow *f)
{
	struct flow_class c = classify_flow(cl, f);

	f->class_id = c.class_id;
	f->client = c.client;
}

static void flow_text(const struct flow *f, char *buf, size_t size)
{
	char a[2][INET6_ADDRSTRLEN];
	unsigned c = f->client, s = flow_server(f);

	for (unsigned i = 0; i < 2; i++)
		inet_ntop(f->key.family == 6 ? AF_INET6 : AF_INET, f->key.addr[i],
			  a[i], sizeof a[i]);
	snprintf(buf, size, "%s %s:%u -> %s:%u", proto_word(f->key.proto), a[c],
		 f->key.port[c], a[s], f->key.port[s]);
}

/* Space-separated words, sorted, so that sets compare as strings. */
static void sort_words(const char *in, char *out, size_t size)
{
	char copy[2048], *words[128], *save = NULL;
	size_t n = 0, used = 0;

	snprintf(copy, sizeof copy, "%s", in);
	for (char *w = strtok_r(copy, " ", &save); w && n < 128;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
			char *t = words[j];

			words[j] = words[j - 1];
			words[j - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s",
					 i ? " " : "", words[i]);
}

/* The verdict class of a flow, rendered "verdict[/reason] [tags] {ids}". */
static void class_text(const struct world *w, const struct verdict_class *k,
		       char *buf, size_t size)
{
	char tags[256] = "", ids[2048] = "", stags[256], sids[2048];
	size_t n, used = 0;
	const struct rule *rules = classifier_rules(w->cl, &n);

	for (size_t t = 0; t < w->cat->ntags; t++)
		if (k->tags & (1u << t))
			used += (size_t)snprintf(tags + used, sizeof tags - used,
						 "%s%s", used ? " " : "",
						 w->cat->tags[t]);
	used = 0;
	for (size_t i = 0; i < k->nrules; i++) {
		assert_true(k->rules[i] < n);
		used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s",
					 i ? " " : "", rules[k->rules[i]].id);
	}
	sort_words(tags, stags, sizeof stags);
	sort_words(ids, sids, sizeof sids);
	snprintf(buf, size, "%s%s%s [%s] {%s}", verdict_name(k->verdict),
		 k->reason ? "/" : "", k->reason ? reason_name(k->reason) : "",
		 stags, sids);
}

/* Classify f and compare with want, "verdict[/reason] [tags] {ids}"
 * (tags and ids in any order). */
static void expect_flow(struct world *w, struct flow *f, const char *want)
{
	char got[4096], norm[4096], flow[160];
	char verdict[64] = "", tags[256] = "", ids[2048] = "";
	char stags[256], sids[2048];
	const struct verdict_class *k;

	classify(w->cl, f);
	k = classifier_class(w->cl, f->class_id);
	class_text(w, k, got, sizeof got);
	/* want: verdict, then [tags], then {ids} */
	if (sscanf(want, "%63s [%255[^]]] {%2047[^}]}", verdict, tags, ids) < 1)
		fail_msg("bad expectation '%s'", want);
	if (strstr(want, "[]"))
		tags[0] = '\0';
	if (strstr(want, "{}"))
		ids[0] = '\0';
	sort_words(tags, stags, sizeof stags);
	sort_words(ids, sids, sizeof sids);
	snprintf(norm, sizeof norm, "%s [%s] {%s}", verdict, stags, sids);
	if (strcmp(got, norm) != 0) {
		flow_text(f, flow, sizeof flow);
		fail_msg("%s: got %s, want %s", flow, got, norm);
	}
}

/* Shorthand: an oriented flow from client to server:port. */
static void expect(struct world *w, uint8_t proto, const char *client,
		   const char *server, uint16_t port, const char *want)
{
	struct flow f = flow_of(proto, client, 61000, server, port);

	expect_flow(w, &f, want);
}

#define TCP IPPROTO_NUM_TCP
#define UDP IPPROTO_NUM_UDP

/* --- the seed, row by row ---------------------------------------------------- */

static struct world seed_world;	/* SEED_SITE */
static struct world port_world;	/* no site: port-only */

static int seed_group_setup(void **state)
{
	(void)state;
	world_open(&seed_world, NULL, SEED_SITE);
	world_open(&port_world, NULL, NULL);
	return 0;
}

static int seed_group_teardown(void **state)
{
	(void)state;
	world_free(&seed_world);
	world_free(&port_world);
	return 0;
}

static bool row_covers(const struct seed_row *r, unsigned proto_bit,
		       unsigned port)
{
	if (!(r->protos & proto_bit))
		return false;
	for (size_t i = 0; i < r->nports; i++)
		if (port >= r->ports[i].lo && port <= r->ports[i].hi)
			return true;
	return false;
}

/* What the seed says of a flow from a host holding role client to one
 * holding role server (each holds one role in SEED_SITE); with
 * port_only, what it says of the port alone.  The answer is rendered as
 * expect_flow wants it. */
static void seed_verdict(enum role client, enum role server,
			 unsigned proto_bit, unsigned port, bool port_only,
			 char *out, size_t size)
{
	char tags[64] = "", ids[2048] = "";
	size_t used = 0, candidates = 0, matches = 0;
	bool lucs = false, sfb = false, all_debug = true;

	for (size_t i = 0; i < SEED_ROWS; i++) {
		const struct seed_row *r = &seed_rows[i];

		if (!row_covers(r, proto_bit, port))
			continue;
		candidates++;
		if (!port_only &&
		    ((r->from != ANY && r->from != client) || r->to != server))
			continue;
		matches++;
		all_debug = all_debug && r->debug;
		lucs = lucs || strcmp(r->tag, "LUCS") == 0;
		sfb = sfb || strcmp(r->tag, "SfB") == 0;
		used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s",
					 used ? " " : "", r->id);
	}
	snprintf(tags, sizeof tags, "%s%s%s", lucs ? "LUCS" : "",
		 lucs && sfb ? " " : "", sfb ? "SfB" : "");
	if (matches)
		snprintf(out, size, "%s [%s] {%s}",
			 all_debug ? "debug" : "expected", tags, ids);
	else
		snprintf(out, size, "unexpected/%s [] {}",
			 candidates ? "role_mismatch" : "undocumented_port");
}

static const char *host_of(enum role r, int family)
{
	if (r == ANY)	/* "*": any host; agents are the usual one */
		r = AGENT;
	return family == 6 ? roles[r].v6 : roles[r].v4;
}

/* One row: each protocol, each port (the ends of each range and a port
 * inside), over IPv4 and IPv6: the documented direction gives the row's
 * verdict, with its tag and its rule; the reverse is a role mismatch
 * unless the seed documents it too; by port alone, every row of that
 * port and protocol matches. */
static void test_classify_seed_row(void **state)
{
	const struct seed_row *r = *state;
	enum role client = r->from == ANY ? AGENT : r->from;

	for (unsigned pb = T; pb <= U; pb <<= 1) {
		uint8_t proto = pb == T ? TCP : UDP;

		if (!(r->protos & pb))
			continue;
		for (size_t i = 0; i < r->nports; i++) {
			unsigned probe[3] = { r->ports[i].lo,
					      (r->ports[i].lo + r->ports[i].hi) / 2,
					      r->ports[i].hi };

			for (size_t j = 0; j < 3; j++) {
				unsigned port = probe[j];
				char want[2400], mine[512];
				struct flow f;

				for (int fam = 4; fam <= 6; fam += 2) {
					/* the documented direction */
					seed_verdict(client, r->to, pb, port, false,
						     want, sizeof want);
					snprintf(mine, sizeof mine, "%s [%s]",
						 r->debug ? "debug" : "expected",
						 r->tag);
					if (strncmp(want, mine, strlen(mine)) != 0 ||
					    !strstr(want, r->id))
						fail_msg("the table contradicts row %s: %s",
							 r->id, want);
					f = flow_of(proto, host_of(client, fam), 61000,
						    host_of(r->to, fam), (uint16_t)port);
					expect_flow(&seed_world, &f, want);
					/* reversed */
					seed_verdict(r->to, client, pb, port, false,
						     want, sizeof want);
					f = flow_of(proto, host_of(r->to, fam), 61000,
						    host_of(client, fam), (uint16_t)port);
					expect_flow(&seed_world, &f, want);
				}
				/* by port alone, from anywhere to anywhere */
				seed_verdict(ANY, ANY, pb, port, true, want,
					     sizeof want);
				f = flow_of(proto, STRANGER, 61000, "198.51.100.7",
					    (uint16_t)port);
				expect_flow(&port_world, &f, want);
			}
		}
	}
}

/* The table itself: one row per distinct seed row, every one of which
 * the catalogue holds with the seed's roles, protocols and ports. */
static void test_classify_seed_table(void **state)
{
	size_t n;
	const struct rule *rules = classifier_rules(seed_world.cl, &n);
	size_t base = 0;

	(void)state;
	assert_int_equal(SEED_ROWS, 107);
	for (size_t i = 0; i < n; i++)
		base += rules[i].twin_of < 0;
	assert_int_equal(base, SEED_ROWS);
	for (size_t i = 0; i < SEED_ROWS; i++) {
		const struct seed_row *r = &seed_rows[i];
		const struct rule *k = NULL;

		for (size_t j = 0; j < i; j++)
			if (seed_rows[j].from == r->from && seed_rows[j].to == r->to &&
			    seed_rows[j].protos == r->protos &&
			    seed_rows[j].nports == r->nports &&
			    memcmp(seed_rows[j].ports, r->ports,
				   r->nports * sizeof *r->ports) == 0)
				fail_msg("rows %s and %s are one row", seed_rows[j].id,
					 r->id);
		for (size_t j = 0; j < n && !k; j++)
			if (strcmp(rules[j].id, r->id) == 0)
				k = &rules[j];
		if (!k)
			fail_msg("no rule %s", r->id);
		assert_string_equal(k->from_name, roles[r->from].name);
		assert_string_equal(k->to_name, roles[r->to].name);
		assert_int_equal(k->l4, (r->protos & T ? PROTO_TCP : 0) |
					(r->protos & U ? PROTO_UDP : 0));
		assert_true(ports_equal(k->ports, k->nports, r->ports, r->nports));
		assert_string_equal(seed_world.cat->tags[k->tag], r->tag);
		assert_int_equal(k->debug, r->debug);
	}
}

/* --- TM ------------------------------------------------------------------------ */

#define H(role) roles[role].v4

/* TM uses the LUCS ports plus 2000: twins keep the roles and direction
 * and carry the tag TM. */
static void test_classify_tm_twins(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, H(LUCS01), H(LUCS02), 21400, "expected [TM] {lucs-ps-01-02-tm}");
	expect(w, TCP, H(LUCS02), H(LUCS01), 21400, "expected [TM] {lucs-ps-02-01-tm}");
	expect(w, TCP, H(POOL), H(LUCS01), 21400, "expected [TM] {smd-ps-01-tm}");
	expect(w, TCP, H(LUCS01), H(POOL), 21433, "expected [TM] {am-smd-01-tm}");
	expect(w, TCP, H(LUCS02), H(POOL), 21433, "expected [TM] {am-smd-02-tm}");
	expect(w, TCP, H(AGENT), H(LUCS01), 21513, "debug [TM] {debug-lm-01-tm}");
	expect(w, TCP, STRANGER, H(LUCS02), 21522, "debug [TM] {debug-mm-02-tm}");
	expect(w, TCP, H(AGENT), H(LUCS02), 6443, "expected [TM] {agent-webconfig-02-tm}");
	expect(w, TCP, H(AGENT), H(LUCS01), 21412, "expected [TM] {agent-aa-01-tm}");
	expect(w, TCP, H(LUCS01), H(LUCS02), 6570, "expected [TM] {election-ps-01-02-tm}");
	expect(w, TCP, H(POOL), H(LUCS01), 8000, "expected [TM] {trusted-app-6000-01-tm}");
	expect(w, TCP, H(POOL), H(LUCS02), 9500, "expected [TM] {trusted-app-extra-02-tm}");
	expect(w, TCP, H(POOL), H(LUCS02), 9999, "expected [TM] {trusted-app-extra-02-tm}");
	expect(w, TCP, H(LUCS01), H(LUCS01), 21415, "expected [TM] {cic-01-01-tm}");
	expect(w, TCP, H(API), H(LUCS01), 21413, "expected [TM] {api-wcf-tm}");
	/* twins keep their rule's direction */
	expect(w, TCP, H(POOL), H(LUCS01), 21433, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(LUCS02), 21415, "unexpected/role_mismatch [] {}");
	/* 443 has no twin, nor has any other product's port */
	expect(w, TCP, H(AGENT), H(LUCS01), 2443, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(SQL), 2443, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(SQL), 3443, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(LUCS01), H(SQL), 3433, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(LUCS01), H(POOL), 7060, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(CMS), H(LUCS01), 2445, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(EDGE), 5478, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 59500, "unexpected/undocumented_port [] {}");
}

static void test_classify_tm_off(void **state)
{
	struct world *w = *state;
	size_t n;

	world_open(w, NULL, SEED_SITE "tm: false\n");
	classifier_rules(w->cl, &n);
	assert_int_equal(n, SEED_ROWS);
	expect(w, TCP, H(LUCS01), H(LUCS02), 21400, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(LUCS01), 21513, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(POOL), H(LUCS01), 8000, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(LUCS01), H(LUCS02), 19400, "expected [LUCS] {lucs-ps-01-02}");
	expect(w, TCP, H(AGENT), H(LUCS01), 19513, "debug [LUCS] {debug-lm-01}");
}

/* --- the debug table, roles, scope -------------------------------------------------- */

/* "*": the debugging ports are debug traffic from any host, inventoried
 * or not, with any role. */
static void test_classify_debug_any_host(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, STRANGER, H(LUCS01), 19515, "debug [LUCS] {debug-cic-01}");
	expect(w, TCP, H(SQL), H(LUCS02), 19522, "debug [LUCS] {debug-mm-02}");
	expect(w, TCP, H(LUCS01), H(LUCS02), 19513, "debug [LUCS] {debug-lm-02}");
	expect(w, TCP, H(LUCS01), H(LUCS01), 19519, "debug [LUCS] {debug-smd-01}");
	expect(w, TCP, STRANGER6, roles[LUCS02].v6, 19520, "debug [LUCS] {debug-ac-02}");
	/* only to the LUCS servers, only over TCP */
	expect(w, TCP, H(AGENT), H(SQL), 19513, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), STRANGER, 19513, "unexpected/role_mismatch [] {}");
	expect(w, UDP, H(AGENT), H(LUCS01), 19513, "unexpected/undocumented_port [] {}");
}

/* A debug rule and a documented rule for one flow: expected wins. */
static void test_classify_debug_and_documented(void **state)
{
	struct world *w = *state;
	static const char *const rules[] = {
		"rules:\n"
		"  - {id: agent-lm-01, from: agent_pc, to: lucs_server_01, proto: tcp, ports: 19513, tag: LUCS}\n",
		NULL
	};

	world_open(w, rules, SEED_SITE);
	expect(w, TCP, H(AGENT), H(LUCS01), 19513,
	       "expected [LUCS] {debug-lm-01 agent-lm-01}");
}

static void test_classify_role_mismatch(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, H(SQL), H(LUCS01), 443, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(EXCHANGE), H(LUCS01), 19400, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(AGENT), H(SQL), 1433, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(AGENT), H(POOL), 5061, "unexpected/role_mismatch [] {}");
	expect(w, UDP, H(AGENT), H(POOL), 50000, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(POOL), H(LUCS01), 19413, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS02), H(LUCS02), 19415, "unexpected/role_mismatch [] {}");
	/* an inventoried server, a client the site does not know */
	expect(w, TCP, STRANGER, H(LUCS01), 443, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(AGENT), STRANGER, 443, "unexpected/role_mismatch [] {}");
}

/* A documented port in the other direction than the seed's. */
static void test_classify_wrong_direction(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, H(LUCS01), H(AGENT), 443, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(LUCS02), 19415, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(CMS), 445, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(API), 19413, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(SQL), H(LUCS01), 1433, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(POOL), 6000, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(POOL), H(LUCS01), 19433, "unexpected/role_mismatch [] {}");
	/* the seed lists both directions of these */
	expect(w, TCP, H(LUCS02), H(LUCS01), 4882, "expected [LUCS] {election-mm-02-01}");
	expect(w, UDP, H(POOL), H(LUCS02), 50000, "expected [SfB] {pool-media-02}");
	expect(w, UDP, H(LUCS02), H(POOL), 50000, "expected [SfB] {lucs-media-02}");
}

/* Neither address in the inventory: out of scope, whatever the port. */
static void test_classify_out_of_scope(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, STRANGER, "198.51.100.7", 443, "out_of_scope [] {}");
	expect(w, TCP, STRANGER, "198.51.100.7", 19513, "out_of_scope [] {}");
	expect(w, UDP, STRANGER, "198.51.100.7", 12345, "out_of_scope [] {}");
	expect(w, TCP, STRANGER6, "2001:db8:98::1", 443, "out_of_scope [] {}");
	/* IPv4 addresses in IPv6 clothing are other addresses */
	expect(w, TCP, "::ffff:10.20.1.5", "::ffff:10.10.0.11", 443, "out_of_scope [] {}");
	f = flow_of(IPPROTO_NUM_ICMP, STRANGER, 0, "198.51.100.7", 0);
	expect_flow(w, &f, "out_of_scope [] {}");
	assert_int_equal(classifier_roles(w->cl, 4, f.key.addr[0]), 0);
}

static void test_classify_undocumented_port(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE);
	expect(w, TCP, H(AGENT), H(LUCS01), 12345, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(LUCS01), H(LUCS02), 12345, "unexpected/undocumented_port [] {}");
	expect(w, TCP, STRANGER, H(SQL), 3389, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(SQL), STRANGER, 3389, "unexpected/undocumented_port [] {}");
	/* documented for the other transport only */
	expect(w, UDP, H(AGENT), H(LUCS01), 443, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(EDGE), 3478, "unexpected/undocumented_port [] {}");
	/* next to documented ports and ranges */
	expect(w, TCP, H(POOL), H(LUCS01), 7499, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(POOL), H(LUCS01), 6001, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 49151, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 57501, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(LUCS01), H(POOL), 5062, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(LUCS01), 1, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(AGENT), H(LUCS01), 65535, "unexpected/undocumented_port [] {}");
}

/* --- without a site ---------------------------------------------------------------- */

/* No addresses: a flow is judged by its port; the verdict names every
 * rule of that port and the union of their tags. */
static void test_classify_port_only(void **state)
{
	struct world *w = *state;
	size_t n;

	world_open(w, NULL, NULL);
	assert_false(classifier_has_site(w->cl));
	expect(w, TCP, STRANGER, "198.51.100.7", 443,
	       "expected [LUCS SfB] {agent-fe-01 agent-fe-02 agent-ssrs agent-edge-tls "
	       "lucs-ews-01 lucs-ews-02 lucs-edge-tls-01 lucs-edge-tls-02 "
	       "lucs-pool-https-01 lucs-pool-https-02}");
	expect(w, UDP, H(LUCS01), H(AGENT), 3478,
	       "expected [SfB] {agent-edge-stun lucs-edge-stun-01 lucs-edge-stun-02}");
	expect(w, TCP, STRANGER, H(SQL), 19513, "debug [LUCS] {debug-lm-01 debug-lm-02}");
	expect(w, TCP, STRANGER, H(SQL), 21513, "debug [TM] {debug-lm-01-tm debug-lm-02-tm}");
	expect(w, TCP, H(SQL), H(AGENT), 21400,
	       "expected [TM] {lucs-ps-01-02-tm lucs-ps-02-01-tm smd-ps-01-tm smd-ps-02-tm}");
	expect(w, TCP, STRANGER, H(SQL), 12345, "unexpected/undocumented_port [] {}");
	expect(w, UDP, STRANGER, H(SQL), 443, "unexpected/undocumented_port [] {}");
	expect(w, TCP, STRANGER6, "2001:db8:98::1", 4570,
	       "expected [LUCS] {election-ps-01-02 election-ps-02-01}");
	assert_int_equal(classifier_roles(w->cl, 4, (const uint8_t[16]){ 10, 10, 0, 11 }), 0);
	classifier_port_rules(w->cl, TCP, 443, &n);
	assert_int_equal(n, 10);
	classifier_port_rules(w->cl, UDP, 50000, &n);
	assert_int_equal(n, 5);
	classifier_port_rules(w->cl, TCP, 2443, &n);
	assert_int_equal(n, 0);
}

/* A site that lists no address still sets ports and TM, by port alone. */
static void test_classify_port_only_site(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, "ports:\n  sql_port: 1533\ntm: false\n");
	assert_false(classifier_has_site(w->cl));
	expect(w, TCP, STRANGER, "198.51.100.7", 1533,
	       "expected [LUCS] {lucs-sql-01 lucs-sql-02}");
	expect(w, TCP, STRANGER, "198.51.100.7", 1433, "unexpected/undocumented_port [] {}");
	expect(w, TCP, STRANGER, "198.51.100.7", 21400, "unexpected/undocumented_port [] {}");
}

/* --- overrides ---------------------------------------------------------------------- */

/* The site's ports replace the default in every rule naming the
 * setting; the default becomes undocumented. */
static void test_classify_override_media(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE "ports:\n  media_ports: 40000-40100\n");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 40000, "expected [SfB] {agent-sfb-media}");
	expect(w, TCP, H(AGENT), H(SFB_SERVER), 40100, "expected [SfB] {agent-sfb-media}");
	expect(w, UDP, H(POOL), H(LUCS01), 40050, "expected [SfB] {pool-media-01}");
	expect(w, UDP, H(LUCS02), H(POOL), 40050, "expected [SfB] {lucs-media-02}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 40101, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 39999, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 49152, "unexpected/undocumented_port [] {}");
	expect(w, UDP, H(POOL), H(LUCS01), 50000, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(LUCS01), H(POOL), 57500, "unexpected/undocumented_port [] {}");
}

static void test_classify_override_list(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE "ports:\n  media_ports: [40000-40100, 45000]\n");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 45000, "expected [SfB] {agent-sfb-media}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 40001, "expected [SfB] {agent-sfb-media}");
	expect(w, UDP, H(AGENT), H(SFB_SERVER), 44999, "unexpected/undocumented_port [] {}");
}

static void test_classify_override_sql(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE "ports:\n  sql_port: 1533\n");
	expect(w, TCP, H(LUCS01), H(SQL), 1533, "expected [LUCS] {lucs-sql-01}");
	expect(w, TCP, H(LUCS02), H(SQL), 1533, "expected [LUCS] {lucs-sql-02}");
	expect(w, TCP, H(LUCS01), H(SQL), 1433, "unexpected/undocumented_port [] {}");
	/* the agents' PowerPivot port is its own setting */
	expect(w, TCP, H(AGENT), H(SQL), 1443, "expected [LUCS] {agent-powerpivot}");
}

/* An override may land on a port other rules document: both hold. */
static void test_classify_override_shared_port(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE "ports:\n  powerpivot_port: 1433\n");
	expect(w, TCP, H(AGENT), H(SQL), 1433, "expected [LUCS] {agent-powerpivot}");
	expect(w, TCP, H(LUCS01), H(SQL), 1433, "expected [LUCS] {lucs-sql-01}");
	expect(w, TCP, H(AGENT), H(SQL), 1443, "unexpected/undocumented_port [] {}");
}

/* A trusted application moved: its TM twin moves with it. */
static void test_classify_override_trusted_app(void **state)
{
	struct world *w = *state;

	world_open(w, NULL, SEED_SITE "ports:\n  trusted_app_6000: 16000\n");
	expect(w, TCP, H(POOL), H(LUCS01), 16000, "expected [LUCS] {trusted-app-6000-01}");
	expect(w, TCP, H(POOL), H(LUCS02), 16000, "expected [LUCS] {trusted-app-6000-02}");
	expect(w, TCP, H(POOL), H(LUCS01), 18000, "expected [TM] {trusted-app-6000-01-tm}");
	expect(w, TCP, H(POOL), H(LUCS01), 6000, "unexpected/undocumented_port [] {}");
	expect(w, TCP, H(POOL), H(LUCS01), 8000, "unexpected/undocumented_port [] {}");
	/* the other trusted applications keep theirs */
	expect(w, TCP, H(POOL), H(LUCS01), 6100, "expected [LUCS] {trusted-app-6100-01}");
	expect(w, TCP, H(POOL), H(LUCS01), 8100, "expected [TM] {trusted-app-6100-01-tm}");
}

/* --- inventories ----------------------------------------------------------------- */

/* An address in two prefixes holds both roles, and plays either. */
static void test_classify_overlapping_prefixes(void **state)
{
	struct world *w = *state;

	world_open(w, NULL,
		   "roles:\n"
		   "  agent_pc: 10.20.0.0/16\n"
		   "  sql_server: 10.20.5.0/24\n"
		   "  lucs_server_01: 10.10.0.11\n"
		   "  sfb_fe_pool: [10.10.1.10, 10.10.1.11]\n"
		   "  sfb_cms: 10.10.1.10\n");
	expect(w, TCP, "10.20.5.7", "10.10.0.11", 443, "expected [LUCS] {agent-fe-01}");
	expect(w, TCP, "10.20.1.1", "10.20.5.7", 1443, "expected [LUCS] {agent-powerpivot}");
	expect(w, TCP, "10.10.0.11", "10.20.5.7", 1433, "expected [LUCS] {lucs-sql-01}");
	expect(w, TCP, "10.20.5.8", "10.20.5.7", 443, "expected [LUCS] {agent-ssrs}");
	expect(w, TCP, "10.20.1.1", "10.20.1.2", 1443, "unexpected/role_mismatch [] {}");
	/* a pool server that also hosts the CMS */
	expect(w, TCP, "10.10.1.10", "10.10.0.11", 445, "expected [SfB] {cms-smb-01}");
	expect(w, TCP, "10.10.1.10", "10.10.0.11", 6000, "expected [LUCS] {trusted-app-6000-01}");
	expect(w, TCP, "10.10.1.11", "10.10.0.11", 445, "unexpected/role_mismatch [] {}");
}

static void test_classify_ipv6_roles(void **state)
{
	struct world *w = *state;
	uint8_t a[16];

	world_open(w, NULL, SEED_SITE);
	assert_true(classifier_has_site(w->cl));
	expect(w, TCP, "2001:db8:20:ffff::1", "2001:db8:10::11", 443,
	       "expected [LUCS] {agent-fe-01}");
	expect(w, UDP, "2001:db8:10::12", "2001:db8:12::10", 3478,
	       "expected [SfB] {lucs-edge-stun-02}");
	expect(w, TCP, "2001:db8:10::11", "2001:db8:20::1", 443,
	       "unexpected/role_mismatch [] {}");
	expect(w, TCP, "2001:db8:21::1", "2001:db8:10::11", 443,
	       "unexpected/role_mismatch [] {}");
	inet_pton(AF_INET6, "2001:db8:10::11", a);
	assert_true(classifier_roles(w->cl, 6, a) ==
		    1ULL << catalogue_role(w->cat, "lucs_server_01"));
}

/* The Net.pipe / TCP rows: a LUCS server to itself, over the network
 * address or, as the rules file's header suggests, loopback. */
static void test_classify_net_pipe_self(void **state)
{
	struct world *w = *state;
	static const char *const ports[][2] = {
		{ "19415", "cic-01-01" }, { "19417", "ci-01-01" },
		{ "19418", "fecore-01-01" }, { "19419", "ich-fecore-01-01" },
		{ "19421", "ci-fecore-01-01" }, { "19422", "amcore-01-01" },
		{ "19423", "mm-fecore-01-01" }, { "19430", "am-fecore-01-01" },
		{ "19431", "presence-01-01" },
	};

	world_open(w, NULL, SEED_SITE);
	for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
		char want[128];
		uint16_t port = (uint16_t)atoi(ports[i][0]);

		snprintf(want, sizeof want, "expected [LUCS] {%s}", ports[i][1]);
		expect(w, TCP, "10.10.0.11", "10.10.0.11", port, want);
		expect(w, TCP, "2001:db8:10::11", "2001:db8:10::11", port, want);
	}
	/* the seed lists Server 01 to itself only */
	expect(w, TCP, "10.10.0.12", "10.10.0.12", 19415, "unexpected/role_mismatch [] {}");
	/* a client port below the server's still keys the same flow */
	{
		struct flow f = flow_of(TCP, "10.10.0.11", 1024, "10.10.0.11", 19415);

		assert_int_equal(f.client, 0);
		expect_flow(w, &f, "expected [LUCS] {cic-01-01}");
	}
}

static void test_classify_net_pipe_loopback(void **state)
{
	struct world *w = *state;

	world_open(w, NULL,
		   "roles:\n"
		   "  lucs_server_01: [10.10.0.11, 127.0.0.1, \"::1\"]\n"
		   "  lucs_server_02: 10.10.0.12\n");
	expect(w, TCP, "127.0.0.1", "127.0.0.1", 19415, "expected [LUCS] {cic-01-01}");
	expect(w, TCP, "::1", "::1", 19431, "expected [LUCS] {presence-01-01}");
	expect(w, TCP, "127.0.0.1", "127.0.0.1", 21418, "expected [TM] {fecore-01-01-tm}");
	expect(w, TCP, "10.10.0.12", "127.0.0.1", 19415, "expected [LUCS] {cic-02-01}");
}

/* --- rule files added to the catalogue --------------------------------------------- */

/* In a rules file, lucs_server means either LUCS server. */
static void test_classify_rules_lucs_server(void **state)
{
	struct world *w = *state;
	static const char *const rules[] = {
		"rules:\n"
		"  - id: agent-alt-https\n"
		"    from: agent_pc\n"
		"    to: lucs_server\n"
		"    proto: tcp\n"
		"    ports: 8443\n"
		"    tag: LUCS\n"
		"  - id: lucs-syslog\n"
		"    from: lucs_server\n"
		"    to: sql_server\n"
		"    proto: udp\n"
		"    ports: 514\n"
		"    tag: LUCS\n",
		NULL
	};

	world_open(w, rules, SEED_SITE);
	expect(w, TCP, H(AGENT), H(LUCS01), 8443, "expected [LUCS] {agent-alt-https}");
	expect(w, TCP, H(AGENT), H(LUCS02), 8443, "expected [LUCS] {agent-alt-https}");
	expect(w, TCP, H(AGENT), H(SQL), 8443, "unexpected/role_mismatch [] {}");
	expect(w, TCP, H(LUCS01), H(AGENT), 8443, "unexpected/role_mismatch [] {}");
	expect(w, UDP, H(LUCS01), H(SQL), 514, "expected [LUCS] {lucs-syslog}");
	expect(w, UDP, H(LUCS02), H(SQL), 514, "expected [LUCS] {lucs-syslog}");
	expect(w, UDP, H(AGENT), H(SQL), 514, "unexpected/role_mismatch [] {}");
}

/* A site's own rules file: its role, its tag. */
static void test_classify_rules_declared_role_tag(void **state)
{
	struct world *w = *state;
	static const char *const rules[] = {
		"roles: [domain_controller]\n"
		"tags: [DNS]\n"
		"rules:\n"
		"  - id: lucs-dns\n"
		"    from: lucs_server\n"
		"    to: domain_controller\n"
		"    proto: [udp, tcp]\n"
		"    ports: 53\n"
		"    tag: DNS\n",
		NULL
	};

	world_open(w, rules, SEED_SITE "  domain_controller: [10.10.3.10, \"2001:db8:13::10\"]\n");
	expect(w, UDP, H(LUCS01), "10.10.3.10", 53, "expected [DNS] {lucs-dns}");
	expect(w, TCP, H(LUCS02), "10.10.3.10", 53, "expected [DNS] {lucs-dns}");
	expect(w, UDP, "2001:db8:10::11", "2001:db8:13::10", 53, "expected [DNS] {lucs-dns}");
	expect(w, UDP, H(AGENT), "10.10.3.10", 53, "unexpected/role_mismatch [] {}");
	expect(w, UDP, "10.10.3.10", H(LUCS01), 53, "unexpected/role_mismatch [] {}");
	expect(w, UDP, H(LUCS01), "10.10.3.10", 54, "unexpected/undocumented_port [] {}");
	assert_int_equal(catalogue_tag(w->cat, "DNS"), 3);
}

/* --- portless protocols --------------------------------------------------------------- */

static void test_classify_icmp_undocumented(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	f = flow_of(IPPROTO_NUM_ICMP, H(LUCS01), 0, H(LUCS02), 0);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	f = flow_of(IPPROTO_NUM_ICMPV6, "2001:db8:20::5", 0, "2001:db8:10::11", 0);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	f = flow_of(47, H(AGENT), 0, H(LUCS01), 0);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
}

/* ICMP is expected where a rule names it. */
static void test_classify_icmp_rule(void **state)
{
	struct world *w = *state;
	static const char *const rules[] = {
		"rules:\n"
		"  - {id: lucs-ping, from: lucs_server, to: lucs_server, proto: icmp, tag: LUCS}\n"
		"  - {id: agent-ping6, from: agent_pc, to: lucs_server_01, proto: icmpv6, tag: LUCS}\n"
		"  - {id: edge-gre, from: sfb_edge, to: any, proto: 47, tag: SfB}\n",
		NULL
	};
	struct flow f;

	world_open(w, rules, SEED_SITE);
	f = flow_of(IPPROTO_NUM_ICMP, H(LUCS01), 0, H(LUCS02), 0);
	expect_flow(w, &f, "expected [LUCS] {lucs-ping}");
	f = flow_of(IPPROTO_NUM_ICMP, H(LUCS02), 0, H(LUCS01), 0);
	expect_flow(w, &f, "expected [LUCS] {lucs-ping}");
	f = flow_of(IPPROTO_NUM_ICMP, H(AGENT), 0, H(LUCS01), 0);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	f = flow_of(IPPROTO_NUM_ICMPV6, "2001:db8:20::5", 0, "2001:db8:10::11", 0);
	expect_flow(w, &f, "expected [LUCS] {agent-ping6}");
	f = flow_of(IPPROTO_NUM_ICMPV6, "2001:db8:20::5", 0, "2001:db8:10::12", 0);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	f = flow_of(47, H(EDGE), 0, STRANGER, 0);
	expect_flow(w, &f, "expected [SfB] {edge-gre}");
	/* a portless rule documents no port */
	expect(w, TCP, H(LUCS01), H(LUCS02), 1, "unexpected/undocumented_port [] {}");
	/* by port alone, the protocol suffices */
	world_open(w, rules, NULL);
	f = flow_of(IPPROTO_NUM_ICMP, STRANGER, 0, "198.51.100.7", 0);
	expect_flow(w, &f, "expected [LUCS] {lucs-ping}");
}

/* --- orientation ------------------------------------------------------------------ */

/* classify_flow orients a flow its packets did not orient (UDP; TCP seen
 * without its SYN).  It rates each way round by how well the catalogue
 * says the endpoint taken as server is one (classify.c, documented()):
 *   3  a rule fits its port and both roles (with a site);
 *   2  its port is documented as a single port or a narrow range (fewer
 *      than 1024 ports past the first: 7500-7999 is narrow);
 *   1  its port is documented only inside a wide range (the SfB media
 *      ports, 49152-57500, which overlap every ephemeral port range);
 *   0  its port is not documented.
 * The flow is turned round only when the other way rates at least 2 and
 * strictly better than the flow's own guess; otherwise, ties included,
 * the guess stands (UDP: the first sender is the client; TCP: the higher
 * port). */

/* An unoriented flow whose first sender (client) is the given endpoint. */
static struct flow unoriented(uint8_t proto, const char *first, uint16_t fport,
			      const char *other, uint16_t oport)
{
	struct flow f = flow_of(proto, first, fport, other, oport);

	f.oriented = 0;
	return f;
}

static void assert_client(const struct flow *f, const char *addr, uint16_t port)
{
	uint8_t a[16] = { 0 };
	char got[160];

	inet_pton(f->key.family == 6 ? AF_INET6 : AF_INET, addr, a);
	if (memcmp(f->key.addr[f->client], a, 16) != 0 ||
	    f->key.port[f->client] != port) {
		flow_text(f, got, sizeof got);
		fail_msg("%s: the client should be %s:%u", got, addr, port);
	}
}

/* STUN's first packet came from the edge (its answer seen first): the
 * agent is the client. */
static void test_classify_orient_flips_to_documented(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	f = unoriented(UDP, H(EDGE), 3478, H(AGENT), 50000);
	expect_flow(w, &f, "expected [SfB] {agent-edge-stun}");
	assert_client(&f, H(AGENT), 50000);
	f = unoriented(TCP, H(LUCS01), 19400, H(LUCS02), 61000);
	expect_flow(w, &f, "expected [LUCS] {lucs-ps-02-01}");
	assert_client(&f, H(LUCS02), 61000);
	/* over IPv6 too */
	f = unoriented(UDP, "2001:db8:12::10", 3478, "2001:db8:20::5", 50000);
	expect_flow(w, &f, "expected [SfB] {agent-edge-stun}");
	assert_client(&f, "2001:db8:20::5", 50000);
}

/* A rule that fits (3) beats a single port documented for other roles (2). */
static void test_classify_orient_rule_beats_port(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	/* agent:19412 <-> server:443: 19412 is the agents' port on the
	 * servers, not the servers' on the agents; 443 on the server fits. */
	f = unoriented(TCP, H(LUCS01), 443, H(AGENT), 19412);
	expect_flow(w, &f, "expected [LUCS] {agent-fe-01}");
	assert_client(&f, H(AGENT), 19412);
}

/* A single documented port, even for other roles (2), beats none (0). */
static void test_classify_orient_port_beats_nothing(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	f = unoriented(UDP, H(EDGE), 3478, H(SQL), 40000);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	assert_client(&f, H(SQL), 40000);
}

/* A port inside a wide range only (1) is no reason to turn a flow: a DNS
 * query from an ephemeral port in the media range stays a DNS query. */
static void test_classify_orient_wide_range_keeps(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	f = unoriented(UDP, H(AGENT), 50010, H(SQL), 53);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	assert_client(&f, H(AGENT), 50010);
	/* the first packet seen was the answer: the guess stands, wrong or not */
	f = unoriented(UDP, H(SQL), 53, H(AGENT), 50010);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	assert_client(&f, H(SQL), 53);
	/* a rule that fits the media port still turns it (3 against 0) */
	f = unoriented(UDP, H(SFB_SERVER), 50010, H(AGENT), 40000);
	expect_flow(w, &f, "expected [SfB] {agent-sfb-media}");
	assert_client(&f, H(AGENT), 40000);
}

/* Narrow and wide at the boundary, as classify.c's NARROW_RANGE draws it
 * (hi - lo < 1024): a range of 1024 ports is narrow, of 1025 wide. */
static void test_classify_orient_narrow_boundary(void **state)
{
	struct world *w = *state;
	static const char *const rules[] = {
		"rules:\n"
		"  - {id: narrow, from: any, to: sql_server, proto: udp, ports: 20000-21023, tag: LUCS}\n"
		"  - {id: wide, from: any, to: sql_server, proto: udp, ports: 30000-31024, tag: LUCS}\n",
		NULL
	};
	struct flow f;

	world_open(w, rules, NULL);
	f = unoriented(UDP, STRANGER, 21023, "198.51.100.7", 40000);
	expect_flow(w, &f, "expected [LUCS] {narrow}");
	assert_client(&f, "198.51.100.7", 40000);
	f = unoriented(UDP, STRANGER, 31024, "198.51.100.7", 40000);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	assert_client(&f, STRANGER, 31024);
	/* narrow (2) beats wide (1) */
	f = unoriented(UDP, STRANGER, 20000, "198.51.100.7", 30000);
	expect_flow(w, &f, "expected [LUCS] {narrow}");
	assert_client(&f, "198.51.100.7", 30000);
}

/* Both ways documented alike: the first sender stays the client. */
static void test_classify_orient_tie_keeps(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	/* media both ways between a LUCS server and the pool: 3 and 3 */
	f = unoriented(UDP, H(POOL), 50002, H(LUCS01), 50000);
	expect_flow(w, &f, "expected [SfB] {pool-media-01}");
	assert_client(&f, H(POOL), 50002);
	f = unoriented(UDP, H(LUCS01), 50000, H(POOL), 50002);
	expect_flow(w, &f, "expected [SfB] {lucs-media-01}");
	assert_client(&f, H(LUCS01), 50000);
	/* nothing either way: 0 and 0 */
	f = unoriented(UDP, H(LUCS02), 40001, H(LUCS01), 40000);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	assert_client(&f, H(LUCS02), 40001);
	/* single ports documented, neither for these roles: 2 and 2 */
	f = unoriented(TCP, H(SQL), 443, H(EXCHANGE), 1433);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	assert_client(&f, H(SQL), 443);
	/* a portless protocol: the same set both ways */
	f = unoriented(IPPROTO_NUM_ICMP, H(LUCS02), 0, H(LUCS01), 0);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	assert_client(&f, H(LUCS02), 0);
}

/* A flow its packets oriented (a SYN was seen) is never turned. */
static void test_classify_orient_oriented_kept(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, SEED_SITE);
	f = flow_of(UDP, H(EDGE), 3478, H(AGENT), 40000);
	expect_flow(w, &f, "unexpected/undocumented_port [] {}");
	assert_client(&f, H(EDGE), 3478);
	f = flow_of(TCP, H(LUCS01), 443, H(AGENT), 19412);
	expect_flow(w, &f, "unexpected/role_mismatch [] {}");
	assert_client(&f, H(LUCS01), 443);
}

/* Without a site the ports alone decide: a single port (2) beats a
 * port inside the media range (1); two wide ports tie. */
static void test_classify_orient_port_only(void **state)
{
	struct world *w = *state;
	struct flow f;

	world_open(w, NULL, NULL);
	f = unoriented(UDP, STRANGER, 3478, "198.51.100.7", 50001);
	expect_flow(w, &f, "expected [SfB] {agent-edge-stun lucs-edge-stun-01 lucs-edge-stun-02}");
	assert_client(&f, "198.51.100.7", 50001);
	f = unoriented(UDP, STRANGER, 3478, "198.51.100.7", 40000);
	expect_flow(w, &f, "expected [SfB] {agent-edge-stun lucs-edge-stun-01 lucs-edge-stun-02}");
	assert_client(&f, "198.51.100.7", 40000);
	f = unoriented(UDP, STRANGER, 50002, "198.51.100.7", 50001);
	expect_flow(w, &f, "expected [SfB] {agent-sfb-media lucs-media-01 lucs-media-02 "
			   "pool-media-01 pool-media-02}");
	assert_client(&f, STRANGER, 50002);
	/* the trusted applications' extra connectors are a narrow range */
	f = unoriented(TCP, STRANGER, 7600, "198.51.100.7", 61000);
	expect_flow(w, &f, "expected [LUCS] {trusted-app-extra-01 trusted-app-extra-02}");
	assert_client(&f, "198.51.100.7", 61000);
	/* two single ports: a tie */
	f = unoriented(TCP, STRANGER, 443, "198.51.100.7", 1433);
	expect_flow(w, &f, "expected [LUCS] {lucs-sql-01 lucs-sql-02}");
	assert_client(&f, STRANGER, 443);
}

/* --- classes ------------------------------------------------------------------------ */

/* Verdicts are interned: flows with one outcome share one class id. */
static void test_classify_classes_shared(void **state)
{
	struct world *w = *state;
	struct flow a, b, c;
	size_t count;

	world_open(w, NULL, SEED_SITE);
	assert_int_equal(classifier_class(w->cl, 0)->verdict, VERDICT_NONE);
	a = flow_of(TCP, "10.20.1.5", 50000, H(LUCS01), 443);
	b = flow_of(TCP, "10.20.200.9", 61234, H(LUCS01), 443);
	c = flow_of(TCP, "10.20.1.5", 50000, H(LUCS02), 443);
	classify(w->cl, &a);
	count = classifier_class_count(w->cl);
	classify(w->cl, &b);
	assert_int_equal(a.class_id, b.class_id);
	assert_int_equal(classifier_class_count(w->cl), count);
	classify(w->cl, &c);
	assert_int_not_equal(a.class_id, c.class_id);
	for (unsigned i = 0; i < 1000; i++) {
		struct flow f = flow_of(TCP, "10.20.1.5", (uint16_t)(1024 + i),
					H(LUCS01), 443);

		classify(w->cl, &f);
		assert_int_equal(f.class_id, a.class_id);
	}
	assert_int_equal(classifier_class_count(w->cl), count + 1);
	/* an id out of range reads as "not classified" */
	assert_int_equal(classifier_class(w->cl, 1u << 30)->verdict, VERDICT_NONE);
}

static void test_classify_names(void **state)
{
	(void)state;
	assert_string_equal(verdict_name(VERDICT_NONE), "none");
	assert_string_equal(verdict_name(VERDICT_EXPECTED), "expected");
	assert_string_equal(verdict_name(VERDICT_DEBUG), "debug");
	assert_string_equal(verdict_name(VERDICT_UNEXPECTED), "unexpected");
	assert_string_equal(verdict_name(VERDICT_OUT_OF_SCOPE), "out_of_scope");
	assert_string_equal(verdict_name(VERDICT_COUNT), "?");
	assert_string_equal(reason_name(REASON_NONE), "");
	assert_string_equal(reason_name(REASON_ROLE_MISMATCH), "role_mismatch");
	assert_string_equal(reason_name(REASON_UNDOCUMENTED_PORT), "undocumented_port");
	assert_string_equal(reason_name(REASON_COUNT), "?");
}

/* --- the program ---------------------------------------------------------------- */

#define W(name) cmocka_unit_test_setup_teardown(name, world_setup, world_teardown)

int main(void)
{
	static const struct CMUnitTest named[] = {
		W(test_classify_tm_twins),
		W(test_classify_tm_off),
		W(test_classify_debug_any_host),
		W(test_classify_debug_and_documented),
		W(test_classify_role_mismatch),
		W(test_classify_wrong_direction),
		W(test_classify_out_of_scope),
		W(test_classify_undocumented_port),
		W(test_classify_port_only),
		W(test_classify_port_only_site),
		W(test_classify_override_media),
		W(test_classify_override_list),
		W(test_classify_override_sql),
		W(test_classify_override_shared_port),
		W(test_classify_override_trusted_app),
		W(test_classify_overlapping_prefixes),
		W(test_classify_ipv6_roles),
		W(test_classify_net_pipe_self),
		W(test_classify_net_pipe_loopback),
		W(test_classify_rules_lucs_server),
		W(test_classify_rules_declared_role_tag),
		W(test_classify_icmp_undocumented),
		W(test_classify_icmp_rule),
		W(test_classify_orient_flips_to_documented),
		W(test_classify_orient_rule_beats_port),
		W(test_classify_orient_port_beats_nothing),
		W(test_classify_orient_wide_range_keeps),
		W(test_classify_orient_narrow_boundary),
		W(test_classify_orient_tie_keeps),
		W(test_classify_orient_oriented_kept),
		W(test_classify_orient_port_only),
		W(test_classify_classes_shared),
		cmocka_unit_test(test_classify_names),
	};
	static const struct CMUnitTest table = cmocka_unit_test(test_classify_seed_table);
	size_t nnamed = sizeof named / sizeof *named;
	size_t total = 1 + SEED_ROWS;
	struct CMUnitTest *seed = calloc(total, sizeof *seed);
	char (*names)[64] = calloc(SEED_ROWS, sizeof *names);
	int failed;

	if (!seed || !names)
		return 1;
	/* One case per seed row, test_classify_seed_<rule id>, sharing the
	 * group's two classifiers. */
	seed[0] = table;
	for (size_t i = 0; i < SEED_ROWS; i++) {
		snprintf(names[i], sizeof names[i], "test_classify_seed_%s",
			 seed_rows[i].id);
		seed[1 + i] = (struct CMUnitTest){
			names[i], test_classify_seed_row, NULL, NULL,
			(void *)&seed_rows[i]
		};
	}
	failed = _cmocka_run_group_tests("test_classify_seed", seed, total,
					 seed_group_setup, seed_group_teardown);
	failed += _cmocka_run_group_tests("test_classify", named, nnamed, NULL, NULL);
	free(seed);
	free(names);
	return failed;
}
