/* test_roles.c: who talks to whom: flows counted for every pair of their
 * ends' roles, by verdict, "no role" for an unlisted host; the listed
 * hosts seen and not seen; pairs that follow their names to new rules;
 * the words a role_mismatch flow is explained with. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "roles.h"

static const char rules[] =
	"version: 1\n"
	"roles: [web_client, web_server, admin]\n"
	"rules:\n"
	"  - {id: web, from: web_client, to: web_server, proto: tcp,\n"
	"     ports: 443, tag: LUCS}\n"
	"  - {id: web-admin, from: admin, to: web_server, proto: tcp,\n"
	"     ports: 8443, tag: LUCS}\n";

/* 10.20.0.1 is a web client and an admin; 10.10.0.1 and .2 serve. */
static const char site[] =
	"roles:\n"
	"  web_client: [\"10.20.0.0/24\"]\n"
	"  admin: \"10.20.0.1\"\n"
	"  web_server: [\"10.10.0.1\", \"10.10.0.2\"]\n";

struct fx {
	struct catalogue *cat;
	struct site *site;
	struct classifier *cls;
	struct role_tally rt;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	struct load_error err;
	struct mshash_key key;
	const struct hash_key seed = { 1, 2 };

	memset(&err, 0, sizeof err);
	x->cat = catalogue_new();
	if (!x->cat || !catalogue_load_string(x->cat, "r.yaml", rules,
					      strlen(rules), &err))
		return -1;
	x->site = site_load_string("s.yaml", site, strlen(site), x->cat, &err);
	if (!x->site || !(x->cls = classifier_new(x->cat, x->site, &err)))
		return -1;
	mshash_key_derive(&key, &seed);
	*state = x;
	return role_tally_init(&x->rt, x->cls, &key) ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	role_tally_free(&x->rt);
	classifier_free(x->cls);
	site_free(x->site);
	catalogue_free(x->cat);
	free(x);
	return 0;
}

/* A flow from 10.20.0.c to 10.10.0.s (the server is key endpoint 0). */
static struct flow flow_of(uint8_t c, uint8_t s)
{
	struct flow f;

	memset(&f, 0, sizeof f);
	f.key.family = 4;
	f.key.proto = IPPROTO_NUM_TCP;
	memcpy(f.key.addr[0], (uint8_t[4]){ 10, 10, 0, s }, 4);
	memcpy(f.key.addr[1], (uint8_t[4]){ 10, 20, 0, c }, 4);
	f.client = 1;
	return f;
}

static int role(const struct fx *x, const char *name)
{
	for (size_t i = 0; i < x->cat->nroles; i++)
		if (strcmp(x->cat->roles[i], name) == 0)
			return (int)i;
	fail_msg("no role %s", name);
	return -1;
}

static void add(struct fx *x, uint8_t c, uint8_t s, enum verdict v)
{
	struct flow f = flow_of(c, s);
	struct flow_roles r = flow_roles_of(x->cls, &f);

	role_tally_flow(&x->rt, &f, &r, v, 10, 1000);
}

/* A client of two roles counts in both pairs; an unlisted server is "no
 * role"; each pair keeps its flows by verdict. */
static void test_roles_pairs(void **state)
{
	struct fx *x = *state;
	size_t client = (size_t)role(x, "web_client");
	size_t admin = (size_t)role(x, "admin");
	size_t server = (size_t)role(x, "web_server");
	size_t none = x->rt.nroles;
	const struct role_pair *p;
	size_t n;

	add(x, 1, 1, VERDICT_EXPECTED);		/* client and admin */
	add(x, 2, 1, VERDICT_EXPECTED);
	add(x, 2, 9, VERDICT_UNEXPECTED);	/* 10.10.0.9: no role */
	p = role_tally_pair(&x->rt, client, server);
	assert_int_equal(p->c.flows, 2);
	assert_int_equal(p->c.bytes, 2000);
	assert_int_equal(p->verdicts[VERDICT_EXPECTED], 2);
	assert_int_equal(role_tally_pair(&x->rt, admin, server)->c.flows, 1);
	p = role_tally_pair(&x->rt, client, none);
	assert_int_equal(p->verdicts[VERDICT_UNEXPECTED], 1);
	role_tally_sorted(&x->rt, &n);
	assert_int_equal(n, 3);
}

/* Listed addresses are remembered as seen; a listed host no flow had is
 * not; addresses seen are counted per role. */
static void test_roles_hosts_seen(void **state)
{
	struct fx *x = *state;
	const uint8_t two[16] = { 10, 10, 0, 2 }, one[16] = { 10, 10, 0, 1 };

	add(x, 1, 1, VERDICT_EXPECTED);
	add(x, 3, 1, VERDICT_EXPECTED);
	add(x, 3, 9, VERDICT_UNEXPECTED);	/* unlisted: not remembered */
	assert_true(role_tally_seen(&x->rt, 4, one));
	assert_false(role_tally_seen(&x->rt, 4, two));
	assert_int_equal(x->rt.nhosts, 3);
	assert_int_equal(role_tally_hosts(&x->rt, x->cls,
					  (size_t)role(x, "web_client")), 2);
	assert_int_equal(role_tally_hosts(&x->rt, x->cls,
					  (size_t)role(x, "admin")), 1);
	assert_int_equal(role_tally_hosts(&x->rt, x->cls,
					  (size_t)role(x, "web_server")), 1);
}

/* A copy (a snapshot) counts on without touching the original. */
static void test_roles_copy(void **state)
{
	struct fx *x = *state;
	struct role_tally snap;
	size_t c = (size_t)role(x, "web_client"), s = (size_t)role(x,
								  "web_server");

	add(x, 1, 1, VERDICT_EXPECTED);
	assert_true(role_tally_copy(&snap, &x->rt));
	role_tally_flow(&snap, &(struct flow){ .client = 1 },
			&(struct flow_roles){ 1u << c, 1u << s },
			VERDICT_EXPECTED, 1, 1);
	assert_int_equal(role_tally_pair(&snap, c, s)->c.flows, 2);
	assert_int_equal(role_tally_pair(&x->rt, c, s)->c.flows, 1);
	role_tally_free(&snap);
}

/* The explanation of a role_mismatch: the port's documented roles, the
 * roles seen, names that share a stem shortened after the first. */
static void test_roles_mismatch_text(void **state)
{
	struct fx *x = *state;
	struct flow_view v;
	char buf[384];
	size_t nr;
	const struct rule *r = classifier_rules(x->cls, &nr);

	(void)nr;
	memset(&v, 0, sizeof v);
	v.proto_num = IPPROTO_NUM_TCP;
	v.server_port = 8443;
	v.port_rules[v.nport_rules++] = r[1].id;
	v.client_roles[v.nclient_roles++] = "web_client";
	v.server_roles[v.nserver_roles++] = "web_server";
	role_mismatch_text(x->cls, &v, buf, sizeof buf);
	assert_string_equal(buf, "tcp/8443 is documented from admin to "
			    "web_server; seen from web_client to web_server");
	v.nclient_roles = 0;
	v.port_rules[v.nport_rules++] = r[0].id;
	role_mismatch_text(x->cls, &v, buf, sizeof buf);
	assert_string_equal(buf, "tcp/8443 is documented from admin/web_client "
			    "to web_server; seen from a host the site lists "
			    "no role for to web_server");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_roles_pairs),
		T(test_roles_hosts_seen),
		T(test_roles_copy),
		T(test_roles_mismatch_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
