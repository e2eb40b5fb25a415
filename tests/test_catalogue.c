/* test_catalogue.c: the port catalogue (lucsaudit-rules(5)): the built-in
 * rules/lucs.yaml as compiled in (counts, ids, positions, settings, TM
 * twins), rule files added to it, and every malformed input with its
 * exact FILE:LINE:COLUMN message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "casetable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "classify.h"

/* The built-in catalogue, as the build compiled it from rules/lucs.yaml. */
extern const char lucs_default_catalogue[];
extern const size_t lucs_default_catalogue_len;

#define DEFAULT_NAME "rules/lucs.yaml (built in)"

/* What `lucsaudit --check` reports for rules/lucs.yaml: one rule per
 * distinct row of the vendor's table, and a TM twin for every LUCS
 * service port (see the file's header). */
#define DEFAULT_RULES 107
#define DEFAULT_TWINS 82
#define DEFAULT_LUCS 92
#define DEFAULT_SFB 15

/* --- fixture -------------------------------------------------------------- */

/* A malformed input and the one line lucsaudit must print for it. */
struct error_case {
	const char *name;
	const char *text;
	const char *want;
	bool compile;		/* loads; classifier_new refuses it */
};

struct fix {
	struct catalogue *cat;
	struct classifier *cl;
	struct load_error err;
	char line[700];
	const struct error_case *ec;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->ec = *state;		/* the error case, for those tests */
	f->cat = catalogue_new();
	assert_non_null(f->cat);
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	classifier_free(f->cl);
	catalogue_free(f->cat);
	free(f);
	return 0;
}

static void load_ok(struct fix *f, const char *name, const char *text)
{
	if (!catalogue_load_string(f->cat, name, text, strlen(text), &f->err)) {
		load_error_format(&f->err, f->line, sizeof f->line);
		fail_msg("refused: %s", f->line);
	}
}

static void load_default(struct fix *f)
{
	if (!catalogue_load_default(f->cat, &f->err)) {
		load_error_format(&f->err, f->line, sizeof f->line);
		fail_msg("built-in catalogue refused: %s", f->line);
	}
}

static void compile(struct fix *f)
{
	f->cl = classifier_new(f->cat, NULL, &f->err);
	if (!f->cl) {
		load_error_format(&f->err, f->line, sizeof f->line);
		fail_msg("classifier refused: %s", f->line);
	}
}

static const struct rule *rule_by_id(const struct catalogue *c, const char *id)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].id, id) == 0)
			return &c->rules[i];
	fail_msg("no rule '%s'", id);
	return NULL;
}

static uint64_t role_bit(const struct catalogue *c, const char *name)
{
	int r = catalogue_role(c, name);

	assert_true(r >= 0);
	return 1ULL << r;
}

/* --- the built-in catalogue ----------------------------------------------- */

static void test_catalogue_default_counts(void **state)
{
	struct fix *f = *state;
	size_t n, twins = 0, tags[3] = { 0, 0, 0 };
	const struct rule *rules;

	load_default(f);
	assert_int_equal(f->cat->nrules, DEFAULT_RULES);
	assert_int_equal(f->cat->nfiles, 1);
	assert_string_equal(f->cat->files[0], DEFAULT_NAME);
	assert_int_equal(f->cat->tm_offset, 2000);
	for (size_t i = 0; i < f->cat->nrules; i++) {
		assert_true(f->cat->rules[i].tag < 3);
		tags[f->cat->rules[i].tag]++;
	}
	assert_int_equal(tags[TAG_LUCS], DEFAULT_LUCS);
	assert_int_equal(tags[TAG_SFB], DEFAULT_SFB);
	assert_int_equal(tags[TAG_TM], 0);
	compile(f);
	rules = classifier_rules(f->cl, &n);
	for (size_t i = 0; i < n; i++)
		twins += rules[i].twin_of >= 0;
	assert_int_equal(twins, DEFAULT_TWINS);
	assert_int_equal(n, DEFAULT_RULES + DEFAULT_TWINS);
}

static void test_catalogue_default_ids_unique(void **state)
{
	struct fix *f = *state;
	size_t n;
	const struct rule *rules;

	load_default(f);
	compile(f);
	rules = classifier_rules(f->cl, &n);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(rules[i].id);
		assert_true(rules[i].id[0] != '\0');
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(rules[i].id, rules[j].id) == 0)
				fail_msg("rule id '%s' twice (%zu and %zu)",
					 rules[i].id, i, j);
	}
}

/* Every rule's position is where its id is written in the text. */
static void test_catalogue_default_positions(void **state)
{
	struct fix *f = *state;
	const char *text = lucs_default_catalogue;

	load_default(f);
	for (size_t i = 0; i < f->cat->nrules; i++) {
		const struct rule *r = &f->cat->rules[i];
		const char *p = text;

		assert_string_equal(r->file, DEFAULT_NAME);
		for (unsigned line = 1; line < r->line; line++) {
			p = strchr(p, '\n');
			assert_non_null(p);
			p++;
		}
		assert_true((size_t)(p - text) + r->col - 1 < lucs_default_catalogue_len);
		if (strncmp(p + r->col - 1, r->id, strlen(r->id)) != 0)
			fail_msg("rule '%s' at %u:%u points elsewhere", r->id,
				 r->line, r->col);
	}
}

static void test_catalogue_default_roles_tags(void **state)
{
	struct fix *f = *state;
	static const char *const roles[] = {
		"agent_pc", "lucs_server_01", "lucs_server_02", "sql_server",
		"exchange_server", "sfb_server", "sfb_edge", "sfb_fe_pool",
		"sfb_cms", "lucs_api", "live_reporting",
	};

	load_default(f);
	assert_int_equal(f->cat->nroles, sizeof roles / sizeof *roles);
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		assert_int_equal(catalogue_role(f->cat, roles[i]), (int)i);
	assert_int_equal(f->cat->ntags, 3);
	assert_int_equal(catalogue_tag(f->cat, "LUCS"), TAG_LUCS);
	assert_int_equal(catalogue_tag(f->cat, "SfB"), TAG_SFB);
	assert_int_equal(catalogue_tag(f->cat, "TM"), TAG_TM);
	assert_int_equal(catalogue_tag(f->cat, "lucs"), -1);
	/* Every rule names roles of this list, or any (the debug table). */
	for (size_t i = 0; i < f->cat->nrules; i++) {
		const struct rule *r = &f->cat->rules[i];
		uint64_t from, to;

		assert_true(catalogue_role_mask(f->cat, r->from_name, &from));
		assert_true(catalogue_role_mask(f->cat, r->to_name, &to));
		assert_true(from == r->from);
		assert_true(to == r->to);
		assert_true(r->to != ROLES_ANY);
		assert_true(r->from != ROLES_ANY || r->debug);
	}
}

/* The seed's asterisks: each setting and its default ports. */
static void test_catalogue_default_settings(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *name, *ports;
		size_t rules;
	} settings[] = {
		{ "media_ports", "49152-57500", 5 },
		{ "sql_port", "1433", 2 },
		{ "powerpivot_port", "1443", 1 },
		{ "trusted_app_6000", "6000", 2 },
		{ "trusted_app_6100", "6100", 2 },
		{ "trusted_app_6200", "6200", 2 },
		{ "trusted_app_6300", "6300", 2 },
		{ "trusted_app_7000", "7000", 2 },
		{ "trusted_app_7100", "7100", 2 },
		{ "trusted_app_7200", "7200", 2 },
		{ "trusted_app_7300", "7300", 2 },
		{ "trusted_app_7400", "7400", 2 },
		{ "trusted_app_extra", "7500-7999", 2 },
	};
	size_t configurable = 0, named = 0;

	load_default(f);
	for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
		const struct rule *r = catalogue_setting(f->cat, settings[i].name);
		size_t count = 0;
		char buf[64];

		if (!r)
			fail_msg("no setting '%s'", settings[i].name);
		ports_format(r->ports, r->nports, buf, sizeof buf);
		assert_string_equal(buf, settings[i].ports);
		for (size_t j = 0; j < f->cat->nrules; j++)
			if (f->cat->rules[j].setting &&
			    strcmp(f->cat->rules[j].setting, settings[i].name) == 0) {
				count++;
				assert_true(ports_equal(r->ports, r->nports,
							f->cat->rules[j].ports,
							f->cat->rules[j].nports));
			}
		assert_int_equal(count, settings[i].rules);
		named += count;
	}
	for (size_t j = 0; j < f->cat->nrules; j++)
		configurable += f->cat->rules[j].setting != NULL;
	assert_int_equal(configurable, named);
	assert_null(catalogue_setting(f->cat, "media_port"));
}

/* The header's policy: a twin for every LUCS service port on the LUCS
 * servers and for LUCS-AM to SMD (19433) on the pool; none for 443 and
 * none for the ports of other products. */
static void test_catalogue_default_twins(void **state)
{
	struct fix *f = *state;
	size_t n;
	const struct rule *rules;

	load_default(f);
	for (size_t i = 0; i < f->cat->nrules; i++) {
		const struct rule *r = &f->cat->rules[i];
		bool to_lucs = r->to == (role_bit(f->cat, "lucs_server_01")) ||
			       r->to == (role_bit(f->cat, "lucs_server_02"));
		bool am_smd = r->to == role_bit(f->cat, "sfb_fe_pool") &&
			      r->nports == 1 && r->ports[0].lo == 19433;
		bool https = r->nports == 1 && r->ports[0].lo == 443;
		bool want = r->tag == TAG_LUCS && !https && (to_lucs || am_smd);

		if (r->tm != want)
			fail_msg("rule '%s': tm is %d, the policy says %d", r->id,
				 r->tm, want);
	}
	compile(f);
	rules = classifier_rules(f->cl, &n);
	for (size_t i = 0; i < n; i++) {
		const struct rule *t = &rules[i], *b;
		char id[128];

		if (t->twin_of < 0)
			continue;
		/* Twins follow their rule directly. */
		assert_int_equal(t->twin_of, (int)i - 1);
		b = &rules[t->twin_of];
		assert_true(b->tm);
		assert_int_equal(b->twin_of, -1);
		snprintf(id, sizeof id, "%s-tm", b->id);
		assert_string_equal(t->id, id);
		assert_int_equal(t->tag, TAG_TM);
		assert_false(t->tm);
		assert_true(t->from == b->from && t->to == b->to);
		assert_int_equal(t->l4, b->l4);
		assert_int_equal(t->debug, b->debug);
		assert_int_equal(t->nports, b->nports);
		for (size_t j = 0; j < b->nports; j++) {
			assert_int_equal(t->ports[j].lo, b->ports[j].lo + 2000);
			assert_int_equal(t->ports[j].hi, b->ports[j].hi + 2000);
		}
	}
}

/* --- loading rule files ----------------------------------------------------- */

static void test_catalogue_load_rule_fields(void **state)
{
	struct fix *f = *state;
	const struct rule *r;

	load_ok(f, "r.yaml",
		"version: 1\n"
		"rules:\n"
		"  - id: agent-x.1_a\n"
		"    source: Agent PC (X)\n"
		"    from: agent_pc\n"
		"    to: lucs_server_02\n"
		"    proto: [udp, tcp]\n"
		"    ports: [5060, 49152-57500]\n"
		"    configurable: x_ports\n"
		"    optional: true\n"
		"    debug: false\n"
		"    tm: true\n"
		"    tag: SfB\n"
		"    comment: \"Lync / SfB: x\"\n"
		"    note: ours\n");
	assert_int_equal(f->cat->nrules, 1);
	r = &f->cat->rules[0];
	assert_string_equal(r->id, "agent-x.1_a");
	assert_string_equal(r->source, "Agent PC (X)");
	assert_string_equal(r->from_name, "agent_pc");
	assert_string_equal(r->to_name, "lucs_server_02");
	assert_true(r->from == role_bit(f->cat, "agent_pc"));
	assert_true(r->to == role_bit(f->cat, "lucs_server_02"));
	assert_int_equal(r->l4, PROTO_TCP | PROTO_UDP);
	assert_false(r->has_ip_proto);
	assert_int_equal(r->nports, 2);
	assert_int_equal(r->ports[0].lo, 5060);
	assert_int_equal(r->ports[0].hi, 5060);
	assert_int_equal(r->ports[1].lo, 49152);
	assert_int_equal(r->ports[1].hi, 57500);
	assert_string_equal(r->setting, "x_ports");
	assert_true(r->optional);
	assert_false(r->debug);
	assert_true(r->tm);
	assert_int_equal(r->tag, TAG_SFB);
	assert_string_equal(r->comment, "Lync / SfB: x");
	assert_string_equal(r->note, "ours");
	assert_string_equal(r->file, "r.yaml");
	assert_int_equal(r->line, 3);
	assert_int_equal(r->col, 9);
	assert_int_equal(r->twin_of, -1);
	assert_ptr_equal(catalogue_setting(f->cat, "x_ports"), r);
}

/* Flags default to false; comment, note, source and setting to none. */
static void test_catalogue_load_defaults(void **state)
{
	struct fix *f = *state;
	const struct rule *r;

	load_ok(f, "r.yaml",
		"rules:\n"
		"  - {id: a, from: sql_server, to: agent_pc, proto: tcp, ports: 1, tag: LUCS}\n");
	r = &f->cat->rules[0];
	assert_false(r->optional);
	assert_false(r->debug);
	assert_false(r->tm);
	assert_null(r->comment);
	assert_null(r->note);
	assert_null(r->source);
	assert_null(r->setting);
	assert_int_equal(r->line, 2);
	assert_int_equal(r->col, 10);
	assert_int_equal(f->cat->tm_offset, 2000);
}

static void test_catalogue_load_protocols(void **state)
{
	struct fix *f = *state;
	static const struct {
		const char *proto;
		uint8_t l4;
		bool portless;
		uint8_t ip_proto;
	} cases[] = {
		{ "tcp", PROTO_TCP, false, 0 },
		{ "udp", PROTO_UDP, false, 0 },
		{ "[tcp, udp]", PROTO_TCP | PROTO_UDP, false, 0 },
		{ "[udp, udp]", PROTO_UDP, false, 0 },
		{ "6", PROTO_TCP, false, 0 },
		{ "17", PROTO_UDP, false, 0 },
		{ "\"06\"", PROTO_TCP, false, 0 },
		{ "\"017\"", PROTO_UDP, false, 0 },
		{ "[6, udp]", PROTO_TCP | PROTO_UDP, false, 0 },
		{ "[icmp, 1]", 0, true, 1 },
		{ "icmp", 0, true, 1 },
		{ "icmpv6", 0, true, 58 },
		{ "47", 0, true, 47 },
		{ "0", 0, true, 0 },
		{ "255", 0, true, 255 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[256];
		const struct rule *r;

		snprintf(text, sizeof text,
			 "rules:\n  - id: p%zu\n    from: any\n    to: sfb_edge\n"
			 "    proto: %s\n%s    tag: SfB\n",
			 i, cases[i].proto, cases[i].portless ? "" : "    ports: 3478\n");
		load_ok(f, "p.yaml", text);
		r = &f->cat->rules[f->cat->nrules - 1];
		assert_int_equal(r->l4, cases[i].l4);
		assert_int_equal(r->has_ip_proto, cases[i].portless);
		assert_int_equal(r->ip_proto, cases[i].ip_proto);
		assert_int_equal(r->nports, cases[i].portless ? 0 : 1);
	}
}

/* "lucs_server" means either server; "any" every host. */
static void test_catalogue_load_role_sets(void **state)
{
	struct fix *f = *state;
	uint64_t mask = 1;

	load_ok(f, "r.yaml",
		"rules:\n"
		"  - {id: a, from: lucs_server, to: lucs_server, proto: tcp, ports: 1, tag: LUCS}\n"
		"  - {id: b, from: any, to: sql_server, proto: tcp, ports: 2, tag: LUCS}\n");
	assert_true(f->cat->rules[0].from ==
		    (role_bit(f->cat, "lucs_server_01") | role_bit(f->cat, "lucs_server_02")));
	assert_true(f->cat->rules[0].to == f->cat->rules[0].from);
	assert_string_equal(f->cat->rules[0].from_name, "lucs_server");
	assert_true(f->cat->rules[1].from == ROLES_ANY);
	assert_true(catalogue_role_mask(f->cat, "any", &mask));
	assert_true(mask == ROLES_ANY);
	assert_true(catalogue_role_mask(f->cat, "sfb_cms", &mask));
	assert_true(mask == role_bit(f->cat, "sfb_cms"));
	assert_false(catalogue_role_mask(f->cat, "domain_controller", &mask));
	assert_int_equal(catalogue_role(f->cat, "lucs_server"), -1);
	assert_int_equal(catalogue_role(f->cat, "any"), -1);
}

/* A file's roles: and tags: add names the later rules and files use. */
static void test_catalogue_load_declares(void **state)
{
	struct fix *f = *state;
	const struct rule *r;

	load_default(f);
	load_ok(f, "site-rules.yaml",
		"roles: [domain_controller, ntp_server]\n"
		"tags: [DNS, NTP]\n"
		"rules:\n"
		"  - id: lucs-dns\n"
		"    from: lucs_server\n"
		"    to: domain_controller\n"
		"    proto: [udp, tcp]\n"
		"    ports: 53\n"
		"    tag: DNS\n");
	assert_int_equal(catalogue_role(f->cat, "domain_controller"), 11);
	assert_int_equal(catalogue_role(f->cat, "ntp_server"), 12);
	assert_int_equal(catalogue_tag(f->cat, "DNS"), 3);
	assert_int_equal(catalogue_tag(f->cat, "NTP"), 4);
	assert_int_equal(f->cat->nrules, DEFAULT_RULES + 1);
	r = rule_by_id(f->cat, "lucs-dns");
	assert_int_equal(r->tag, 3);
	assert_true(r->to == role_bit(f->cat, "domain_controller"));
	assert_string_equal(r->file, "site-rules.yaml");
	assert_int_equal(f->cat->nfiles, 2);
	/* A third file uses what the second declared. */
	load_ok(f, "more.yaml",
		"rules:\n"
		"  - {id: ntp, from: any, to: ntp_server, proto: udp, ports: 123, tag: NTP}\n");
	assert_int_equal(rule_by_id(f->cat, "ntp")->tag, 4);
	assert_string_equal(rule_by_id(f->cat, "agent-fe-01")->file, DEFAULT_NAME);
}

/* The longest names allowed: ids of CAT_MAX_ID characters, tags of
 * CAT_MAX_TAG, tags in any case with '.', '_' and '-'. */
static void test_catalogue_load_name_limits(void **state)
{
	struct fix *f = *state;
	char id[CAT_MAX_ID + 1], tag[CAT_MAX_TAG + 1], text[512];

	memset(id, 'a', CAT_MAX_ID);
	id[CAT_MAX_ID] = '\0';
	memset(tag, 'T', CAT_MAX_TAG);
	tag[CAT_MAX_TAG] = '\0';
	snprintf(text, sizeof text,
		 "tags: [%s, Net.Pipe_2-b]\n"
		 "rules:\n"
		 "  - {id: %s, from: agent_pc, to: sql_server, proto: tcp, ports: 1, tag: %s}\n"
		 "  - {id: 0.a_b-c, from: agent_pc, to: sql_server, proto: tcp, ports: 2, tag: Net.Pipe_2-b}\n",
		 tag, id, tag);
	load_ok(f, "n.yaml", text);
	assert_string_equal(f->cat->rules[0].id, id);
	assert_string_equal(f->cat->tags[f->cat->rules[0].tag], tag);
	assert_int_equal(f->cat->rules[1].tag, 4);
}

/* Rules loaded from a file name it; a missing file is an error. */
static void test_catalogue_load_file(void **state)
{
	struct fix *f = *state;
	char path[] = "/tmp/test_catalogue.XXXXXX";
	int fd = mkstemp(path);
	static const char text[] =
		"rules:\n"
		"  - id: f1\n"
		"    from: agent_pc\n"
		"    to: sql_server\n"
		"    proto: tcp\n"
		"    ports: 1433\n"
		"    tag: LUCS\n";
	bool ok;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
	close(fd);
	ok = catalogue_load_file(f->cat, path, &f->err);
	unlink(path);
	assert_true(ok);
	assert_string_equal(f->cat->rules[0].file, path);
	assert_int_equal(f->cat->rules[0].line, 2);
	assert_int_equal(f->cat->rules[0].col, 9);
	assert_false(catalogue_load_file(f->cat, path, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	{
		char want[128];

		snprintf(want, sizeof want, "%s: No such file or directory", path);
		assert_string_equal(f->line, want);
	}
}

static void test_catalogue_load_empty_rules(void **state)
{
	struct fix *f = *state;

	load_ok(f, "e.yaml", "rules: []\n");
	assert_int_equal(f->cat->nrules, 0);
	compile(f);
}

/* Rules sharing a setting must agree on its default ports. */
static void test_catalogue_load_setting_shared(void **state)
{
	struct fix *f = *state;

	load_ok(f, "s.yaml",
		"rules:\n"
		"  - {id: a, from: agent_pc, to: sql_server, proto: tcp, ports: [1, 5-9], configurable: s, tag: LUCS}\n"
		"  - {id: b, from: lucs_server, to: sql_server, proto: tcp, ports: [1, 5-9], configurable: s, tag: LUCS}\n");
	assert_ptr_equal(catalogue_setting(f->cat, "s"), &f->cat->rules[0]);
}

static void test_catalogue_tm_offset(void **state)
{
	struct fix *f = *state;
	size_t n;
	const struct rule *rules;

	load_ok(f, "o.yaml",
		"tm:\n"
		"  offset: 100\n"
		"rules:\n"
		"  - {id: a, from: agent_pc, to: lucs_server_01, proto: tcp, ports: [1, 65000-65435], tm: true, tag: LUCS}\n"
		"  - {id: b, from: agent_pc, to: lucs_server_01, proto: icmp, tag: LUCS}\n");
	assert_int_equal(f->cat->tm_offset, 100);
	compile(f);
	rules = classifier_rules(f->cl, &n);
	assert_int_equal(n, 3);
	assert_string_equal(rules[1].id, "a-tm");
	assert_int_equal(rules[1].ports[0].lo, 101);
	assert_int_equal(rules[1].ports[1].lo, 65100);
	assert_int_equal(rules[1].ports[1].hi, 65535);
	assert_string_equal(rules[2].id, "b");
}

/* 11 built-in roles and 53 declared fill the 64-bit masks; one more is
 * refused at its name.  Tags likewise: 3 built in, 29 declared. */
static void test_catalogue_limit_roles(void **state)
{
	struct fix *f = *state;
	char text[2048], want[128];
	size_t used = 0;

	used += (size_t)snprintf(text, sizeof text, "roles:\n");
	for (unsigned i = 0; i < CAT_MAX_ROLES - 11 + 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used,
					 "  - r%02u\n", i);
	snprintf(text + used, sizeof text - used, "rules: []\n");
	assert_false(catalogue_load_string(f->cat, "r.yaml", text, strlen(text),
					   &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	snprintf(want, sizeof want, "r.yaml:%d:5: more than %d roles",
		 CAT_MAX_ROLES - 11 + 2, CAT_MAX_ROLES);
	assert_string_equal(f->line, want);
	assert_int_equal(f->cat->nroles, CAT_MAX_ROLES);
	/* The last role has the mask's last bit. */
	{
		uint64_t mask;
		char name[8];

		snprintf(name, sizeof name, "r%02d", CAT_MAX_ROLES - 11 - 1);
		assert_true(catalogue_role_mask(f->cat, name, &mask));
		assert_true(mask == 1ULL << 63);
	}
}

static void test_catalogue_limit_tags(void **state)
{
	struct fix *f = *state;
	char text[2048], want[128];
	size_t used = 0;

	used += (size_t)snprintf(text, sizeof text, "tags:\n");
	for (unsigned i = 0; i < CAT_MAX_TAGS - 3 + 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used,
					 "  - T%02u\n", i);
	snprintf(text + used, sizeof text - used, "rules: []\n");
	assert_false(catalogue_load_string(f->cat, "t.yaml", text, strlen(text),
					   &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	snprintf(want, sizeof want, "t.yaml:%d:5: more than %d tags",
		 CAT_MAX_TAGS - 3 + 2, CAT_MAX_TAGS);
	assert_string_equal(f->line, want);
	assert_int_equal(f->cat->ntags, CAT_MAX_TAGS);
}

/* A TM twin is limited to 64 port ranges. */
static void test_catalogue_twin_too_many_ranges(void **state)
{
	struct fix *f = *state;
	char text[2048];
	size_t used = 0;

	used += (size_t)snprintf(text, sizeof text,
				 "rules:\n  - id: many\n    from: agent_pc\n"
				 "    to: lucs_server_01\n    proto: tcp\n"
				 "    tm: true\n    tag: LUCS\n    ports: [");
	for (unsigned i = 0; i < 65; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "%s%u",
					 i ? ", " : "", 1000 + 2 * i);
	snprintf(text + used, sizeof text - used, "]\n");
	load_ok(f, "m.yaml", text);
	assert_null(classifier_new(f->cat, NULL, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line,
			    "m.yaml:2:9: rule 'many': too many port ranges for a TM twin");
}

static void test_catalogue_ports_format(void **state)
{
	struct fix *f = *state;
	static const struct port_range a[] = { { 5060, 5060 }, { 5061, 5061 } };
	static const struct port_range b[] = { { 49152, 57500 } };
	static const struct port_range c[] = { { 1, 1 }, { 7500, 7999 }, { 65535, 65535 } };
	char buf[64];

	(void)f;
	ports_format(a, 2, buf, sizeof buf);
	assert_string_equal(buf, "5060,5061");
	ports_format(b, 1, buf, sizeof buf);
	assert_string_equal(buf, "49152-57500");
	ports_format(c, 3, buf, sizeof buf);
	assert_string_equal(buf, "1,7500-7999,65535");
	ports_format(NULL, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
	ports_format(c, 3, buf, 8);	/* cut, still terminated */
	assert_string_equal(buf, "1,7500-");
	assert_true(ports_equal(a, 2, a, 2));
	assert_false(ports_equal(a, 2, a, 1));
	assert_false(ports_equal(a, 1, b, 1));
	assert_true(ports_equal(NULL, 0, NULL, 0));
}

/* --- malformed input ---------------------------------------------------------- */

/* A small valid rule, completed or broken by each case. */
#define RULE_HEAD \
	"rules:\n" \
	"  - id: x\n" \
	"    from: agent_pc\n" \
	"    to: lucs_server_01\n"
#define RULE_TCP RULE_HEAD "    proto: tcp\n"
#define RULE_PORTS(ports) RULE_TCP "    ports: " ports "\n    tag: LUCS\n"
#define RULE RULE_PORTS("443")

/* What an unknown role or tag is answered with: the names a rule may
 * use, and how a file adds one. */
#define ROLES "agent_pc, lucs_server_01, lucs_server_02, sql_server, " \
	"exchange_server, sfb_server, sfb_edge, sfb_fe_pool, sfb_cms, " \
	"lucs_api, live_reporting, lucs_server, any"
#define OR_ROLES " (expected one of: " ROLES "; or declare it under 'roles:')"
#define OR_TAGS " (expected one of: LUCS, SfB, TM; or declare it under 'tags:')"
#define RULE_KEYS " (expected one of: id, from, to, proto, ports, tag, " \
	"comment, note, source, configurable, optional, debug, tm)"

static const struct error_case error_cases[] = {
	/* the document */
	{ "empty_file", "", "c.yaml: empty: a catalogue is a mapping with 'rules:'", false },
	{ "only_comments", "# rules: []\n",
	  "c.yaml: empty: a catalogue is a mapping with 'rules:'", false },
	{ "empty_document", "---\n",
	  "c.yaml: empty: a catalogue is a mapping with 'rules:'", false },
	{ "root_list", "- rules\n", "c.yaml:1:1: a catalogue must be a mapping, not a list", false },
	{ "root_scalar", "rules\n",
	  "c.yaml:1:1: a catalogue must be a mapping, not a single value", false },
	{ "no_rules", "version: 1\n", "c.yaml:1:1: no 'rules:' in this catalogue", false },
	{ "unknown_top_key", "version: 1\nrule:\n  - id: x\n",
	  "c.yaml:2:1: unknown key 'rule'; did you mean 'rules'? "
	  "(expected one of: version, tm, roles, tags, rules)", false },
	{ "unknown_top_key_far", "version: 1\nroles: []\ncatalogue: []\n",
	  "c.yaml:3:1: unknown key 'catalogue' "
	  "(expected one of: version, tm, roles, tags, rules)", false },
	{ "rules_mapping", "rules: {id: x}\n", "c.yaml:1:8: rules must be a list, not a mapping", false },
	{ "syntax", "rules: [\n",
	  "c.yaml:2:1: a value is missing here: a ',' too many, or a '[' or '{' never closed", false },
	{ "tab", "rules:\n\t- id: x\n", "c.yaml:2:1: tabs cannot indent YAML; use spaces", false },
	{ "unclosed_quote", RULE_HEAD "    proto: \"tcp\n    ports: 1\n",
	  "c.yaml:5:12: this quote is never closed", false },
	{ "duplicate_key", RULE "    tag: SfB\n",
	  "c.yaml:8:5: duplicate key 'tag' (first at line 7)", false },
	{ "second_document", "rules: []\n---\nrules: []\n",
	  "c.yaml:2:1: a second document: one file holds one document", false },
	{ "anchor", RULE_HEAD "    proto: &p tcp\n",
	  "c.yaml:5:12: anchors (&) are not allowed", false },
	{ "alias", RULE_HEAD "    proto: *p\n", "c.yaml:5:12: aliases (*) are not allowed", false },
	{ "tag", RULE_HEAD "    proto: !!str tcp\n", "c.yaml:5:12: tags (!) are not allowed", false },
	{ "invalid_utf8", RULE "    comment: Gr\xfc\xdf""e\n",
	  "c.yaml:8:16: not valid YAML: invalid leading UTF-8 octet", false },
	/* version and tm */
	{ "version_2", "version: 2\nrules: []\n", "c.yaml:1:10: 2 is outside 1-1", false },
	{ "version_text", "version: one\nrules: []\n",
	  "c.yaml:1:10: 'one' is not a number from 1 to 1", false },
	{ "tm_scalar", "tm: 2000\nrules: []\n",
	  "c.yaml:1:5: tm must be a mapping, not a single value", false },
	{ "tm_unknown_key", "tm:\n  ofset: 2000\nrules: []\n",
	  "c.yaml:2:3: unknown key 'ofset'; did you mean 'offset'?", false },
	{ "tm_offset_0", "tm:\n  offset: 0\nrules: []\n", "c.yaml:2:11: 0 is outside 1-65534", false },
	{ "tm_offset_65535", "tm:\n  offset: 65535\nrules: []\n",
	  "c.yaml:2:11: 65535 is outside 1-65534", false },
	/* roles: and tags: */
	{ "roles_mapping", "roles: {dc: 1}\nrules: []\n",
	  "c.yaml:1:8: roles must be a list, not a mapping", false },
	{ "roles_item_list", "roles: [[dc]]\nrules: []\n",
	  "c.yaml:1:9: a name must be a single value, not a list", false },
	{ "roles_known", "roles: [dc, agent_pc]\nrules: []\n",
	  "c.yaml:1:13: roles: 'agent_pc' is already known", false },
	{ "roles_twice", "roles: [dc, dc]\nrules: []\n",
	  "c.yaml:1:13: roles: 'dc' is already known", false },
	{ "roles_any", "roles: [any]\nrules: []\n", "c.yaml:1:9: roles: 'any' is already known", false },
	{ "roles_lucs_server", "roles: [lucs_server]\nrules: []\n",
	  "c.yaml:1:9: roles: 'lucs_server' is already known", false },
	{ "roles_bad_name", "roles: [Domain-Controller]\nrules: []\n",
	  "c.yaml:1:9: roles: 'Domain-Controller' is not a valid name", false },
	{ "tags_known", "tags: [DNS, SfB]\nrules: []\n", "c.yaml:1:13: tags: 'SfB' is already known", false },
	{ "tags_space", "tags: [\"a b\"]\nrules: []\n", "c.yaml:1:8: tags: 'a b' is not a valid name", false },
	{ "tags_empty", "tags: [\"\"]\nrules: []\n", "c.yaml:1:8: tags: '' is not a valid name", false },
	{ "tags_comma", "tags: [\"DNS,NTP\"]\nrules: []\n",
	  "c.yaml:1:8: tags: 'DNS,NTP' is not a valid name", false },
	{ "tags_too_long", "tags: [A234567890B234567890C234567890D23]\nrules: []\n",
	  "c.yaml:1:8: tags: 'A234567890B234567890C234567890D23' is not a valid name", false },
	/* a rule's shape */
	{ "rule_scalar", "rules:\n  - x\n", "c.yaml:2:5: a rule must be a mapping, not a single value", false },
	{ "rule_unknown_key", RULE "    prot: tcp\n",
	  "c.yaml:8:5: unknown key 'prot'; did you mean 'proto'?" RULE_KEYS, false },
	{ "rule_key_port", RULE_TCP "    port: 443\n    tag: LUCS\n",
	  "c.yaml:6:5: unknown key 'port'; did you mean 'ports'?" RULE_KEYS, false },
	{ "rule_key_far", RULE "    direction: in\n",
	  "c.yaml:8:5: unknown key 'direction'" RULE_KEYS, false },
	{ "rule_without_id", "rules:\n  - from: agent_pc\n", "c.yaml:2:5: rule without 'id'", false },
	{ "rule_without_from", "rules:\n  - id: x\n    to: sql_server\n",
	  "c.yaml:2:5: rule without 'from'", false },
	{ "rule_without_to", "rules:\n  - id: x\n    from: sql_server\n",
	  "c.yaml:2:5: rule without 'to'", false },
	{ "rule_without_proto", RULE_HEAD, "c.yaml:2:5: rule without 'proto'", false },
	{ "rule_without_tag", RULE_TCP "    ports: 443\n", "c.yaml:2:5: rule without 'tag'", false },
	{ "rule_without_ports", RULE_TCP "    tag: LUCS\n",
	  "c.yaml:2:5: a tcp or udp rule needs 'ports'", false },
	/* ids */
	{ "id_upper", "rules:\n  - id: Agent-FE\n    from: agent_pc\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:2:9: rule id 'Agent-FE': up to 64 lower-case letters, digits, '-', '.' and '_'", false },
	{ "id_bad_chars", "rules:\n  - id: agent fe\n    from: agent_pc\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:2:9: rule id 'agent fe': up to 64 lower-case letters, digits, '-', '.' and '_'", false },
	{ "id_too_long",
	  "rules:\n  - id: a234567890b234567890c234567890d234567890e234567890f234567890g2345\n"
	  "    from: agent_pc\n    to: sql_server\n    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:2:9: rule id 'a234567890b234567890c234567890d234567890e234567890f234567890g2345': "
	  "up to 64 lower-case letters, digits, '-', '.' and '_'", false },
	{ "id_list", "rules:\n  - id: [x]\n    from: agent_pc\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:2:9: id must be a single value, not a list", false },
	{ "id_duplicate",
	  RULE "  - id: x\n    from: agent_pc\n    to: lucs_server_02\n"
	  "    proto: tcp\n    ports: 444\n    tag: LUCS\n",
	  "c.yaml:8:9: duplicate rule id 'x' (first at c.yaml:2)", false },
	/* roles */
	{ "from_unknown", "rules:\n  - id: x\n    from: agent\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:3:11: unknown role 'agent'" OR_ROLES, false },
	{ "from_typo", "rules:\n  - id: x\n    from: lucs_sever_01\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:3:11: unknown role 'lucs_sever_01'; did you mean 'lucs_server_01'?"
	  OR_ROLES, false },
	{ "to_case", "rules:\n  - id: x\n    from: agent_pc\n    to: SQL_Server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:4:9: unknown role 'SQL_Server'; did you mean 'sql_server'?" OR_ROLES,
	  false },
	{ "to_unknown", "rules:\n  - id: x\n    from: agent_pc\n    to: lucs_server_03\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:4:9: unknown role 'lucs_server_03'" OR_ROLES, false },
	/* two more roles: too many to list */
	{ "to_declared_typo", "roles: [domain_controller, web_proxy]\n"
	  "rules:\n  - id: x\n    from: agent_pc\n    to: domain_controler\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:9: unknown role 'domain_controler'; did you mean "
	  "'domain_controller'? (declare it under 'roles:')", false },
	{ "to_declared_far", "roles: [domain_controller, web_proxy]\n"
	  "rules:\n  - id: x\n    from: agent_pc\n    to: dns\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:9: unknown role 'dns' (declare it under 'roles:')", false },
	{ "to_list", "rules:\n  - id: x\n    from: agent_pc\n    to: [sql_server]\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:4:9: to must be a single value, not a list", false },
	{ "from_empty", "rules:\n  - id: x\n    from:\n    to: sql_server\n"
	  "    proto: tcp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:3:10: unknown role ''" OR_ROLES, false },
	/* protocols */
	{ "proto_unknown", RULE_HEAD "    proto: quic\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:12: unknown protocol 'quic' (tcp, udp, icmp, icmpv6, an IANA keyword such as gre or esp, or a protocol number)", false },
	{ "proto_upper", RULE_HEAD "    proto: TCP\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:12: unknown protocol 'TCP' (tcp, udp, icmp, icmpv6, an IANA keyword such as gre or esp, or a protocol number)", false },
	{ "proto_256", RULE_HEAD "    proto: 256\n    tag: LUCS\n",
	  "c.yaml:5:12: 256 is outside 0-255", false },
	{ "proto_empty_list", RULE_HEAD "    proto: []\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:12: proto: empty list", false },
	{ "proto_mapping", RULE_HEAD "    proto: {tcp: 1}\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:12: a protocol must be a single value, not a mapping", false },
	{ "proto_mixed", RULE_HEAD "    proto: [udp, icmpv6]\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:5:12: tcp/udp and portless protocols need separate rules", false },
	{ "proto_two_portless", RULE_HEAD "    proto: [icmp, icmpv6]\n    tag: LUCS\n",
	  "c.yaml:5:19: one portless protocol per rule: give 'icmpv6' a rule of its own", false },
	{ "proto_tcp_number_without_ports", RULE_HEAD "    proto: \"06\"\n    tag: LUCS\n",
	  "c.yaml:2:5: a tcp or udp rule needs 'ports'", false },
	{ "proto_icmp_ports", RULE_HEAD "    proto: icmp\n    ports: 1\n    tag: LUCS\n",
	  "c.yaml:6:12: ports apply to tcp and udp only", false },
	/* ports */
	{ "port_0", RULE_PORTS("0"), "c.yaml:6:12: port 0 is outside 1-65535", false },
	{ "port_65536", RULE_PORTS("65536"), "c.yaml:6:12: port 65536 is outside 1-65535", false },
	{ "port_range_from_0", RULE_PORTS("0-10"), "c.yaml:6:12: port 0 is outside 1-65535", false },
	{ "port_range_to_65536", RULE_PORTS("[1, 65000-65536]"),
	  "c.yaml:6:16: port 65536 is outside 1-65535", false },
	{ "port_huge", RULE_PORTS("99999999999999999999"),
	  "c.yaml:6:12: '99999999999999999999' is not a port or a range such as 49152-57500", false },
	{ "port_reversed", RULE_PORTS("57500-49152"),
	  "c.yaml:6:12: range 57500-49152 is reversed: write 49152-57500", false },
	{ "port_name", RULE_PORTS("https"),
	  "c.yaml:6:12: 'https' is not a port or a range such as 49152-57500", false },
	{ "port_negative", RULE_PORTS("-1"),
	  "c.yaml:6:12: '-1' is not a port or a range such as 49152-57500", false },
	{ "port_open_range", RULE_PORTS("443-"),
	  "c.yaml:6:12: '443-' is not a port or a range such as 49152-57500", false },
	{ "port_slash", RULE_PORTS("5060/5061"),
	  "c.yaml:6:12: '5060/5061' is not a port or a range such as 49152-57500", false },
	{ "port_nested_list", RULE_PORTS("[443, [444]]"),
	  "c.yaml:6:18: a port is a number or a range such as 49152-57500", false },
	{ "port_mapping", RULE_PORTS("{lo: 1}"),
	  "c.yaml:6:12: ports must be a port, a range or a list of them", false },
	{ "port_empty_list", RULE_PORTS("[]"),
	  "c.yaml:6:12: ports must be a port, a range or a list of them", false },
	/* tags and flags */
	{ "tag_unknown", RULE_TCP "    ports: 443\n    tag: lucs\n",
	  "c.yaml:7:10: unknown tag 'lucs'; did you mean 'LUCS'?" OR_TAGS, false },
	{ "tag_far", RULE_TCP "    ports: 443\n    tag: DNS\n",
	  "c.yaml:7:10: unknown tag 'DNS'" OR_TAGS, false },
	{ "tag_declared", "tags: [DNS]\n" RULE_TCP "    ports: 443\n    tag: DSN\n",
	  "c.yaml:8:10: unknown tag 'DSN'; did you mean 'DNS'? "
	  "(expected one of: LUCS, SfB, TM, DNS; or declare it under 'tags:')", false },
	{ "tag_list", RULE_TCP "    ports: 443\n    tag: [LUCS]\n",
	  "c.yaml:7:10: tag must be a single value, not a list", false },
	{ "flag_yes", RULE "    optional: yes\n", "c.yaml:8:15: expected true or false", false },
	{ "flag_number", RULE "    debug: 1\n", "c.yaml:8:12: expected true or false", false },
	{ "flag_quoted", RULE "    tm: \"true\"\n", "c.yaml:8:9: expected true or false", false },
	{ "comment_list", RULE "    comment: [a]\n",
	  "c.yaml:8:14: comment must be a single value, not a list", false },
	{ "note_mapping", RULE "    note: {a: b}\n",
	  "c.yaml:8:11: note must be a single value, not a mapping", false },
	{ "source_list", RULE "    source: [a]\n",
	  "c.yaml:8:13: source must be a single value, not a list", false },
	{ "tm_portless", RULE_HEAD "    proto: icmp\n    tag: LUCS\n    tm: true\n",
	  "c.yaml:7:9: a TM twin needs ports", false },
	/* settings */
	{ "setting_bad_name", RULE "    configurable: Media-Ports\n",
	  "c.yaml:8:19: setting 'Media-Ports': use lower case, digits and _", false },
	{ "setting_list", RULE "    configurable: [a]\n",
	  "c.yaml:8:19: configurable must be a single value, not a list", false },
	{ "setting_inconsistent",
	  "rules:\n"
	  "  - {id: a, from: agent_pc, to: sfb_server, proto: udp, ports: 49152-57500, configurable: media, tag: SfB}\n"
	  "  - {id: b, from: lucs_server, to: sfb_fe_pool, proto: udp, ports: 49152-57500, configurable: media, tag: SfB}\n"
	  "  - {id: c, from: sfb_fe_pool, to: lucs_server, proto: udp, ports: 50000-57500, configurable: media, tag: SfB}\n",
	  "c.yaml:4:95: setting 'media' has other default ports in rule 'a'", false },
	/* found when the rules are compiled with their TM twins */
	{ "twin_past_65535", RULE_TCP "    ports: [19400, 63536]\n    tm: true\n    tag: LUCS\n",
	  "c.yaml:2:9: the TM twin of rule 'x' would need port 65536, beyond 65535 (tm offset 2000)",
	  true },
	{ "twin_id_taken",
	  RULE "    tm: true\n"
	  "  - {id: x-tm, from: agent_pc, to: lucs_server_02, proto: tcp, ports: 2443, tag: TM}\n",
	  "c.yaml:2:9: rule 'x' has a TM twin, whose id 'x-tm' another rule already has", true },
};

static void test_catalogue_error(void **state)
{
	struct fix *f = *state;
	const struct error_case *ec = f->ec;
	bool ok = catalogue_load_string(f->cat, "c.yaml", ec->text,
					strlen(ec->text), &f->err);

	if (ec->compile) {
		if (!ok) {
			load_error_format(&f->err, f->line, sizeof f->line);
			fail_msg("refused while loading: %s", f->line);
		}
		f->cl = classifier_new(f->cat, NULL, &f->err);
		ok = f->cl != NULL;
	}
	if (ok)
		fail_msg("accepted, expected \"%s\"", ec->want);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, ec->want);
}

/* An id repeated in a later file names the first file and line. */
static void test_catalogue_error_duplicate_id_across_files(void **state)
{
	struct fix *f = *state;
	static const char first[] = "rules:\n\n" "  - {id: dup, from: agent_pc, to: sql_server, proto: tcp, ports: 1, tag: LUCS}\n";
	static const char second[] = "rules:\n  - id: ok\n    from: agent_pc\n    to: sql_server\n"
		"    proto: tcp\n    ports: 2\n    tag: LUCS\n"
		"  - id: dup\n    from: agent_pc\n    to: sql_server\n"
		"    proto: tcp\n    ports: 3\n    tag: LUCS\n";

	load_ok(f, "first.yaml", first);
	assert_false(catalogue_load_string(f->cat, "second.yaml", second,
					   sizeof second - 1, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line,
			    "second.yaml:8:9: duplicate rule id 'dup' (first at first.yaml:3)");
}

/* A site rule file may not reuse an id of the built-in catalogue. */
static void test_catalogue_error_duplicate_id_of_default(void **state)
{
	struct fix *f = *state;
	static const char text[] = "rules:\n  - id: agent-fe-01\n    from: agent_pc\n"
		"    to: lucs_server_01\n    proto: tcp\n    ports: 443\n    tag: LUCS\n";
	char want[160];

	load_default(f);
	assert_false(catalogue_load_string(f->cat, "site-rules.yaml", text,
					   sizeof text - 1, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	snprintf(want, sizeof want,
		 "site-rules.yaml:2:9: duplicate rule id 'agent-fe-01' (first at %s:%u)",
		 DEFAULT_NAME, rule_by_id(f->cat, "agent-fe-01")->line);
	assert_string_equal(f->line, want);
}

/* --- the program ------------------------------------------------------------- */

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		T(test_catalogue_default_counts),
		T(test_catalogue_default_ids_unique),
		T(test_catalogue_default_positions),
		T(test_catalogue_default_roles_tags),
		T(test_catalogue_default_settings),
		T(test_catalogue_default_twins),
		T(test_catalogue_load_rule_fields),
		T(test_catalogue_load_defaults),
		T(test_catalogue_load_protocols),
		T(test_catalogue_load_role_sets),
		T(test_catalogue_load_declares),
		T(test_catalogue_load_name_limits),
		T(test_catalogue_load_file),
		T(test_catalogue_load_empty_rules),
		T(test_catalogue_load_setting_shared),
		T(test_catalogue_tm_offset),
		T(test_catalogue_limit_roles),
		T(test_catalogue_limit_tags),
		T(test_catalogue_twin_too_many_ranges),
		T(test_catalogue_ports_format),
		T(test_catalogue_error_duplicate_id_across_files),
		T(test_catalogue_error_duplicate_id_of_default),
	};
	return run_case_table("test_catalogue", fixed, sizeof fixed / sizeof *fixed,
			      "test_catalogue_error_", error_cases,
			      sizeof error_cases / sizeof *error_cases,
			      sizeof *error_cases, test_catalogue_error, fix_setup,
			      fix_teardown);
}
