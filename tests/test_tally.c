/* test_tally.c: the summary's counts: totals per verdict, tag and rule;
 * groups of unexpected, debug and failed flows per server, the group cap
 * and its "other" bucket; distinct clients, exact then estimated; the
 * copy a snapshot counts into; counts carried over to new rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classified.h"
#include "tally.h"
#include "tunables.h"

/* Two catalogues: the second renames one rule, drops a tag and keeps the
 * rest, as a reload might. */
static const char rules_a[] =
	"version: 1\n"
	"tags: [Extra]\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp, ports: 443, tag: LUCS}\n"
	"  - {id: sip, from: any, to: any, proto: tcp, ports: 5061, tag: SfB}\n"
	"  - {id: lm, from: any, to: any, proto: tcp, ports: 19513,\n"
	"     tag: LUCS, debug: true}\n"
	"  - {id: extra, from: any, to: any, proto: udp, ports: 7000,\n"
	"     tag: Extra}\n";

static const char rules_b[] =
	"version: 1\n"
	"rules:\n"
	"  - {id: web, from: any, to: any, proto: tcp, ports: 443, tag: LUCS}\n"
	"  - {id: sip-tls, from: any, to: any, proto: tcp, ports: 5061,\n"
	"     tag: SfB}\n";

static const struct hash_key seed = { 0x0706050403020100ULL,
				      0x0f0e0d0c0b0a0908ULL };

struct fx {
	struct catalogue *cat;
	struct classifier *cls;
	struct tally t;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	if (!x)
		return -1;
	x->cls = classified_rules(&x->cat, rules_a);
	*state = x;
	return tally_init(&x->t, x->cls, &seed) ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	tally_free(&x->t);
	classifier_free(x->cls);
	catalogue_free(x->cat);
	free(x);
	return 0;
}

/* A flow from client 10.20.c.c to server 10.10.0.s, classified, in a
 * TCP state, with packets and bytes from the client. */
static struct flow flow_to(const struct classifier *cls, uint16_t client,
			   uint8_t server, uint8_t proto, uint16_t port,
			   uint8_t state, uint64_t packets, uint64_t bytes)
{
	struct flow f = classified_flow(cls, client, 40000, server, proto,
					port);

	f.state = state;
	f.packets[f.client] = packets;
	f.bytes[f.client] = bytes;
	f.first_us = 1000000;
	f.last_us = 2000000;
	return f;
}

/* As the audit tallies a flow that ends a minute after its last packet,
 * or when the input ends right after it: what came of it decides. */
static void tally_ended(struct tally *t, const struct flow *f)
{
	tally_flow(t, f, flow_outcome(f, f->last_us + 60000000, 3000000), NULL,
		   NULL);
}

static void tally_at_input_end(struct tally *t, const struct flow *f)
{
	tally_flow(t, f, flow_outcome(f, f->last_us, 3000000), NULL, NULL);
}

static const struct group *only_group(const struct tally *t,
				      enum group_kind kind)
{
	size_t n;
	const struct group *const *g = tally_sorted(t, kind, &n);
	const struct group *first;

	assert_non_null(g);
	assert_int_equal(n, 1);
	first = g[0];
	return first;
}

/* Every flow counts once in its verdict, tags and rules. */
static void test_tally_totals(void **state)
{
	struct fx *x = *state;
	struct flow web = flow_to(x->cls, 1, 11, IPPROTO_NUM_TCP, 443,
				  TCP_STATE_CLOSED, 10, 1000);
	struct flow odd = flow_to(x->cls, 2, 11, IPPROTO_NUM_TCP, 9999,
				  TCP_STATE_CLOSED, 3, 300);
	struct flow lm = flow_to(x->cls, 3, 12, IPPROTO_NUM_TCP, 19513,
				 TCP_STATE_CLOSED, 5, 50);

	tally_ended(&x->t, &web);
	tally_at_input_end(&x->t, &web);
	tally_ended(&x->t, &odd);
	tally_ended(&x->t, &lm);
	assert_int_equal(x->t.verdicts[VERDICT_EXPECTED].flows, 2);
	assert_int_equal(x->t.verdicts[VERDICT_EXPECTED].packets, 20);
	assert_int_equal(x->t.verdicts[VERDICT_EXPECTED].bytes, 2000);
	assert_int_equal(x->t.verdicts[VERDICT_UNEXPECTED].flows, 1);
	assert_int_equal(x->t.verdicts[VERDICT_DEBUG].flows, 1);
	assert_int_equal(x->t.tags[TAG_LUCS].flows, 3);	/* web twice, lm */
	assert_int_equal(x->t.tags[TAG_SFB].flows, 0);
	assert_int_equal(x->t.per_rule[0].c.flows, 2);	/* web */
	assert_int_equal(x->t.per_rule[2].c.flows, 1);	/* lm */
	assert_int_equal(only_group(&x->t, GROUP_UNEXPECTED)->port, 9999);
	assert_int_equal(only_group(&x->t, GROUP_DEBUG)->port, 19513);
}

/* A documented connection refused, unanswered for longer than the
 * answer wait, or turned away by an ICMP error is a failed one, grouped
 * by outcome; unanswered when the input ended right after, it is
 * undetermined, only counted. */
static void test_tally_failed(void **state)
{
	struct fx *x = *state;
	struct flow rej = flow_to(x->cls, 1, 20, IPPROTO_NUM_TCP, 5061,
				  TCP_STATE_REJECTED, 1, 60);
	struct flow att = flow_to(x->cls, 2, 20, IPPROTO_NUM_TCP, 5061,
				  TCP_STATE_ATTEMPTED, 3, 180);
	struct flow blocked = flow_to(x->cls, 3, 20, IPPROTO_NUM_TCP, 5061,
				      TCP_STATE_ATTEMPTED, 1, 60);
	const uint8_t firewall[16] = { 10, 10, 0, 1 };
	const struct group *const *g;
	size_t n;

	tally_ended(&x->t, &rej);
	tally_ended(&x->t, &rej);
	tally_at_input_end(&x->t, &att);
	g = tally_sorted(&x->t, GROUP_FAILED, &n);
	assert_int_equal(n, 1);
	assert_int_equal(g[0]->outcome, OUTCOME_REFUSED);
	assert_int_equal(g[0]->c.flows, 2);
	assert_string_equal(g[0]->rules, "sip");
	assert_int_equal(g[0]->nreporters, 0);
	assert_int_equal(x->t.undetermined, 1);
	assert_int_equal(x->t.failed, 2);
	tally_ended(&x->t, &att);
	g = tally_sorted(&x->t, GROUP_FAILED, &n);
	assert_int_equal(n, 2);	/* one group per outcome */
	assert_int_equal(g[0]->outcome, OUTCOME_UNANSWERED);	/* more bytes */

	blocked.icmp_errors = 3;
	blocked.icmp_type = 3;
	blocked.icmp_code = 13;
	tally_flow(&x->t, &blocked,
		   flow_outcome(&blocked, blocked.last_us, 3000000), firewall,
		   NULL);
	tally_flow(&x->t, &blocked, OUTCOME_PROHIBITED, firewall, NULL);
	g = tally_sorted(&x->t, GROUP_FAILED, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		if (g[i]->outcome != OUTCOME_PROHIBITED)
			continue;
		assert_int_equal(g[i]->c.flows, 2);
		assert_int_equal(g[i]->nreporters, 1);	/* once, not twice */
		assert_memory_equal(g[i]->reporters[0], firewall, 4);
	}
	assert_int_equal(x->t.failed, 5);
	assert_int_equal(x->t.per_rule[1].failed, 5);
	assert_int_equal(x->t.per_rule[1].succeeded, 0);
	assert_int_equal(x->t.outcomes[OUTCOME_UNDETERMINED], 1);
}

/* An unexpected flow that got no answer is no failed documented one. */
static void test_tally_failed_documented_only(void **state)
{
	struct fx *x = *state;
	struct flow odd = flow_to(x->cls, 1, 11, IPPROTO_NUM_TCP, 9999,
				  TCP_STATE_ATTEMPTED, 2, 120);
	size_t n;

	tally_ended(&x->t, &odd);
	tally_sorted(&x->t, GROUP_FAILED, &n);
	assert_int_equal(n, 0);
	assert_int_equal(x->t.failed, 0);
	assert_int_equal(x->t.outcomes[OUTCOME_UNANSWERED], 1);
}

/* A group names its heaviest clients: a client with more than a quarter
 * of the flows is always among them, counted at least truly. */
static void test_tally_top_clients(void **state)
{
	struct fx *x = *state;
	struct top_client top[GROUP_TOP_CLIENTS];
	size_t n;

	for (unsigned i = 0; i < 40; i++) {
		/* client 7 every other flow, 20 others once each */
		struct flow f = flow_to(x->cls, i % 2 ? 7 : (uint16_t)(100 + i),
					11, IPPROTO_NUM_TCP, 9999,
					TCP_STATE_CLOSED, 1, 10);

		tally_ended(&x->t, &f);
	}
	n = group_top_clients(only_group(&x->t, GROUP_UNEXPECTED), top);
	assert_int_equal(n, GROUP_TOP_CLIENTS);
	assert_int_equal(top[0].addr[2], 0);
	assert_int_equal(top[0].addr[3], 7);
	assert_true(top[0].flows >= 20);
	for (size_t i = 1; i < n; i++)
		assert_true(top[i].flows <= top[i - 1].flows);
}

/* Groups stop at LUCS_TALLY_GROUPS per kind; the flows beyond are still
 * counted, in "other", so every total adds up. */
static void test_tally_group_cap(void **state)
{
	struct fx *x = *state;
	const unsigned extra = 100;
	uint64_t grouped = 0;
	const struct group *const *g;
	size_t n;

	for (unsigned i = 0; i < LUCS_TALLY_GROUPS + extra; i++) {
		/* every flow its own server port: one group each */
		struct flow f = flow_to(x->cls, 1, 11, IPPROTO_NUM_UDP,
					(uint16_t)(10000 + i), 0, 2, 100);

		tally_ended(&x->t, &f);
	}
	g = tally_sorted(&x->t, GROUP_UNEXPECTED, &n);
	assert_int_equal(n, LUCS_TALLY_GROUPS);
	for (size_t i = 0; i < n; i++)
		grouped += g[i]->c.flows;
	assert_int_equal(grouped, LUCS_TALLY_GROUPS);
	assert_int_equal(x->t.kinds[GROUP_UNEXPECTED].other.flows, extra);
	assert_int_equal(x->t.kinds[GROUP_UNEXPECTED].other.packets, 2 * extra);
	assert_int_equal(x->t.verdicts[VERDICT_UNEXPECTED].flows,
			 LUCS_TALLY_GROUPS + extra);
	/* A flow of a group already there still finds it. */
	{
		struct flow f = flow_to(x->cls, 7, 11, IPPROTO_NUM_UDP, 10000,
					0, 1, 10);

		tally_ended(&x->t, &f);
		assert_int_equal(x->t.kinds[GROUP_UNEXPECTED].other.flows,
				 extra);
	}
}

/* Distinct clients of a group: exact up to CLIENTS_EXACT, then estimated
 * by linear counting, within 5% for the sizes a site sees. */
static void test_tally_distinct_clients(void **state)
{
	struct fx *x = *state;
	static const unsigned sizes[] = { 1, CLIENTS_EXACT, CLIENTS_EXACT + 1,
					  300, 1000, 3000 };
	uint16_t port = 20000;

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++, port++) {
		const struct group *const *g;
		size_t n;
		bool estimate;
		uint64_t v;

		/* each client twice: repeats never count */
		for (unsigned rep = 0; rep < 2; rep++)
			for (unsigned c = 0; c < sizes[s]; c++) {
				struct flow f = flow_to(x->cls, c, 11,
							IPPROTO_NUM_UDP, port,
							0, 1, 10);

				tally_ended(&x->t, &f);
			}
		g = tally_sorted(&x->t, GROUP_UNEXPECTED, &n);
		for (size_t i = 0; i < n; i++) {
			if (g[i]->port != port)
				continue;
			v = client_count_value(&g[i]->clients, &estimate);
			assert_int_equal(estimate, sizes[s] > CLIENTS_EXACT);
			if (!estimate)
				assert_int_equal(v, sizes[s]);
			else
				assert_true(v * 100 >= sizes[s] * 95 &&
					    v * 100 <= sizes[s] * 105);
		}
	}
}

/* A snapshot counts into a copy: the run's own tally does not move. */
static void test_tally_copy(void **state)
{
	struct fx *x = *state;
	struct flow web = flow_to(x->cls, 1, 11, IPPROTO_NUM_TCP, 443,
				  TCP_STATE_ESTABLISHED, 4, 400);
	struct flow odd = flow_to(x->cls, 2, 11, IPPROTO_NUM_TCP, 9999,
				  TCP_STATE_CLOSED, 3, 300);
	struct tally snap;

	tally_ended(&x->t, &odd);
	assert_true(tally_copy(&snap, &x->t));
	tally_at_input_end(&snap, &web);
	tally_at_input_end(&snap, &odd);
	assert_int_equal(snap.verdicts[VERDICT_EXPECTED].flows, 1);
	assert_int_equal(snap.verdicts[VERDICT_UNEXPECTED].flows, 2);
	assert_int_equal(only_group(&snap, GROUP_UNEXPECTED)->c.flows, 2);
	assert_int_equal(x->t.verdicts[VERDICT_EXPECTED].flows, 0);
	assert_int_equal(only_group(&x->t, GROUP_UNEXPECTED)->c.flows, 1);
	tally_free(&snap);
}

/* New rules: counts per rule and tag follow their names, a failed group
 * keeps its old rules' names and its flows, and later failures of the
 * same server start a group of their own under the new rules. */
static void test_tally_rebase(void **state)
{
	struct fx *x = *state;
	struct catalogue *cat_b;
	struct classifier *cls_b = classified_rules(&cat_b, rules_b);
	struct flow web = flow_to(x->cls, 1, 11, IPPROTO_NUM_TCP, 443,
				  TCP_STATE_CLOSED, 2, 200);
	struct flow ext = flow_to(x->cls, 1, 11, IPPROTO_NUM_UDP, 7000, 0,
				  1, 100);
	struct flow rej = flow_to(x->cls, 1, 20, IPPROTO_NUM_TCP, 5061,
				  TCP_STATE_REJECTED, 1, 60);
	struct flow rej_b;
	const struct group *const *g;
	size_t n;

	ext.packets[flow_server(&ext)] = 1;	/* answered: no failure */
	tally_ended(&x->t, &web);
	tally_ended(&x->t, &ext);
	tally_ended(&x->t, &rej);
	assert_int_equal(x->t.tags[catalogue_tag(x->cat, "Extra")].flows, 1);
	assert_true(tally_rebase(&x->t, cls_b));
	assert_int_equal(x->t.nrules, 2);
	assert_int_equal(x->t.per_rule[0].c.flows, 1);	/* web, by name */
	assert_int_equal(x->t.per_rule[1].c.flows, 0);	/* sip-tls is new */
	assert_int_equal(x->t.tags[TAG_LUCS].flows, 1);
	assert_int_equal(x->t.tags[TAG_SFB].flows, 1);	/* the rejected sip */
	assert_int_equal(catalogue_tag(cat_b, "Extra"), -1);
	/* verdict totals are names too */
	assert_int_equal(x->t.verdicts[VERDICT_EXPECTED].flows, 3);

	rej_b = flow_to(cls_b, 1, 20, IPPROTO_NUM_TCP, 5061,
			TCP_STATE_REJECTED, 1, 60);
	tally_ended(&x->t, &rej_b);
	g = tally_sorted(&x->t, GROUP_FAILED, &n);
	assert_int_equal(n, 2);
	assert_true((strcmp(g[0]->rules, "sip") == 0 &&
		     strcmp(g[1]->rules, "sip-tls") == 0) ||
		    (strcmp(g[0]->rules, "sip-tls") == 0 &&
		     strcmp(g[1]->rules, "sip") == 0));
	assert_int_equal(g[0]->c.flows + g[1]->c.flows, 2);
	classifier_free(x->cls);
	catalogue_free(x->cat);
	x->cls = cls_b;
	x->cat = cat_b;
}

/* A reload of the same rules (a SIGHUP for log rotation) splits no
 * failed group, and the groups say which rules version they began in. */
static void test_tally_rebase_same_rules(void **state)
{
	struct fx *x = *state;
	struct catalogue *cat_again;
	struct classifier *again = classified_rules(&cat_again, rules_a);
	struct flow rej = flow_to(x->cls, 1, 20, IPPROTO_NUM_TCP, 5061,
				  TCP_STATE_REJECTED, 1, 60);
	struct flow rej_again = flow_to(again, 2, 20, IPPROTO_NUM_TCP, 5061,
					TCP_STATE_REJECTED, 1, 60);
	const struct group *g;

	tally_ended(&x->t, &rej);
	assert_true(tally_rebase(&x->t, again));
	assert_int_equal(x->t.version, 1);
	tally_ended(&x->t, &rej_again);
	g = only_group(&x->t, GROUP_FAILED);
	assert_int_equal(g->c.flows, 2);
	assert_int_equal(g->version, 0);
	assert_string_equal(g->rules, "sip");
	classifier_free(x->cls);
	catalogue_free(x->cat);
	x->cls = again;
	x->cat = cat_again;
}

/* Largest first: by bytes, then flows, then the server. */
static void test_tally_sorted(void **state)
{
	struct fx *x = *state;
	static const struct {
		uint16_t port;
		uint64_t bytes;
		unsigned flows;
	} in[] = { { 1001, 300, 1 }, { 1002, 900, 1 }, { 1003, 300, 3 },
		   { 1004, 500, 2 } };
	static const uint16_t want[] = { 1002, 1004, 1003, 1001 };
	const struct group *const *g;
	size_t n;

	for (size_t i = 0; i < sizeof in / sizeof *in; i++)
		for (unsigned k = 0; k < in[i].flows; k++) {
			struct flow f = flow_to(x->cls, k, 11, IPPROTO_NUM_UDP,
						in[i].port, 0, 1,
						in[i].bytes / in[i].flows);

			tally_ended(&x->t, &f);
		}
	g = tally_sorted(&x->t, GROUP_UNEXPECTED, &n);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(g[i]->port, want[i]);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_tally_totals),
		TEST(test_tally_failed),
		TEST(test_tally_failed_documented_only),
		TEST(test_tally_top_clients),
		TEST(test_tally_group_cap),
		TEST(test_tally_distinct_clients),
		TEST(test_tally_copy),
		TEST(test_tally_rebase),
		TEST(test_tally_rebase_same_rules),
		TEST(test_tally_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
