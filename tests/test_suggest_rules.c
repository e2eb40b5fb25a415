/* test_suggest_rules.c: --suggest-rules' catalogue file: a rule per
 * client role of each unexpected group, to the server's role or to a
 * role of its own for a server in no role (declared, and named for the
 * site); clients in no role: from any; one rule for groups that share
 * roles, protocol and port; ids no catalogue has; debug ports never
 * suggested; and the file loads as a catalogue on top of the one the run
 * used, documenting what was seen. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "suggest-rules.h"

static struct seen_group group(uint8_t proto, uint16_t port, uint8_t last,
			       uint64_t server_roles, uint64_t client_roles)
{
	struct seen_group g = {
		.family = 4, .proto = proto, .port = port,
		.server = { 10, 10, 0, last },
		.server_roles = server_roles, .client_roles = client_roles,
		.flows = 3, .packets = 6, .bytes = 442, .clients = 2,
		.first_us = 1710234000000000, .last_us = 1710234060000000,
		.ntop = 1,
	};

	g.top[0].addr[0] = 10;
	g.top[0].addr[3] = 7;
	g.top[0].flows = 3;
	return g;
}

static char *suggest(const struct catalogue *cat, const struct seen_group *g,
		     size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_true(suggest_rules_write(fp, cat, g, n));
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static struct catalogue *builtin(void)
{
	struct catalogue *c = catalogue_new();
	struct load_error err;

	assert_non_null(c);
	assert_true(catalogue_load_default(c, &err));
	return c;
}

static uint64_t role(const struct catalogue *c, const char *name)
{
	int i = catalogue_role(c, name);

	assert_true(i >= 0);
	return (uint64_t)1 << i;
}

static void test_suggest_rules_round_trip(void **state)
{
	struct catalogue *c = builtin();
	uint64_t lucs1 = role(c, "lucs_server_01"),
		 lucs2 = role(c, "lucs_server_02"), agent = role(c, "agent_pc");
	struct seen_group g[4] = {
		group(17, 53, 5, 0, lucs1 | lucs2),	/* server in no role */
		group(6, 3389, 11, lucs1, agent),
		group(1, 0, 20, role(c, "sql_server"), 0),	/* no client role */
		group(6, 19513, 12, lucs2, 0),	/* a debug port */
	};
	const struct rule *r;
	struct load_error err;
	char *text;

	(void)state;
	g[3].debug_port = true;
	text = suggest(c, g, 4);
	assert_non_null(strstr(text, "may be inaccurate"));
	assert_non_null(strstr(text, "#   host_10_10_0_5: \"10.10.0.5\"\n"));
	assert_non_null(strstr(text, "roles: [host_10_10_0_5]\n"));
	assert_non_null(strstr(text, "tags: [observed]\n"));
	assert_non_null(strstr(text, "# not suggested: tcp 10.10.0.12:19513 "
			       "is a debug port"));
	assert_null(strstr(text, "ports: 19513"));
	assert_non_null(strstr(text, "# seen: 3 flows, 6 packets, 442 bytes"));
	assert_non_null(strstr(text, "10.0.0.7 (3)"));
	assert_true(catalogue_load_string(c, "suggested.yaml", text,
					  strlen(text), &err));
	r = catalogue_rule(c, "observed-udp-53");
	assert_non_null(r);
	assert_string_equal(r->from_name, "lucs_server_01");
	assert_string_equal(r->to_name, "host_10_10_0_5");
	r = catalogue_rule(c, "observed-udp-53-2");
	assert_non_null(r);
	assert_string_equal(r->from_name, "lucs_server_02");
	r = catalogue_rule(c, "observed-tcp-3389");
	assert_non_null(r);
	assert_true(r->from == agent && r->to == lucs1);
	assert_int_equal(r->ports[0].lo, 3389);
	r = catalogue_rule(c, "observed-icmp");
	assert_non_null(r);
	assert_string_equal(r->from_name, "any");
	assert_true(r->has_ip_proto && r->ip_proto == 1);
	assert_null(catalogue_rule(c, "observed-tcp-19513"));
	free(text);

	/* Suggested again on top: the tag, the role and the ids taken. */
	text = suggest(c, g, 2);
	assert_null(strstr(text, "tags:"));
	assert_null(strstr(text, "\nroles: ["));
	assert_non_null(strstr(text, "(done: the catalogue already declares"));
	assert_non_null(strstr(text, "- id: observed-tcp-3389-2\n"));
	if (!catalogue_load_string(c, "again.yaml", text, strlen(text), &err))
		fail_msg("%s:%u: %s\n%s", err.file, err.line, err.msg, text);
	free(text);
	catalogue_free(c);
}

/* Groups to two servers of one role, on one port: one rule. */
static void test_suggest_rules_merged(void **state)
{
	struct catalogue *c = builtin();
	uint64_t pool = role(c, "sfb_fe_pool"), lucs1 = role(c, "lucs_server_01");
	struct seen_group g[2] = {
		group(6, 8080, 10, pool, lucs1), group(6, 8080, 11, pool, lucs1),
	};
	char *text;

	(void)state;
	text = suggest(c, g, 2);
	assert_non_null(strstr(text, "# seen: 6 flows, 12 packets, 884 bytes"));
	assert_non_null(strstr(text, "# server 10.10.0.10,"));
	assert_non_null(strstr(text, "# server 10.10.0.11,"));
	assert_null(strstr(text, "observed-tcp-8080-2"));
	free(text);
	catalogue_free(c);
}

static void test_suggest_rules_none(void **state)
{
	struct catalogue *c = builtin();
	struct load_error err;
	char *text;

	(void)state;
	text = suggest(c, NULL, 0);
	assert_non_null(strstr(text, "rules: []\n"));
	assert_true(catalogue_load_string(c, "empty.yaml", text, strlen(text),
					  &err));
	free(text);
	catalogue_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_rules_round_trip),
		cmocka_unit_test(test_suggest_rules_merged),
		cmocka_unit_test(test_suggest_rules_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
