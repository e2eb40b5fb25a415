/* test_site.c: the site inventory (--site FILE, lucsaudit-rules(5)):
 * IPv4 and IPv6 addresses and prefixes (/0, odd lengths, host bits),
 * role lookups with overlapping prefixes, the role index against a scan
 * of every prefix on random sites, roles a rule file declares, port
 * overrides, the tm flag, loading the largest sites in linear time, and
 * every malformed input with its exact FILE:LINE:COLUMN message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "casetable.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "classify.h"
#include "site-scan.h"
#include "site.h"

/* --- fixture -------------------------------------------------------------- */

/* What an unknown role is answered with: the catalogue's roles, and how
 * to add one. */
#define SITE_ROLES " (expected one of: agent_pc, lucs_server_01, " \
	"lucs_server_02, sql_server, exchange_server, sfb_server, sfb_edge, " \
	"sfb_fe_pool, sfb_cms, lucs_api, live_reporting; or declare it under " \
	"'roles:' in a --rules file)"
#define SITE_KEYS " (expected one of: roles, ports, tm)"
#define SETTINGS_SEE " (see 'lucsaudit --check' for the catalogue's " \
	"configurable ports)"

struct error_case {
	const char *name;
	const char *text;
	const char *want;
};

/* The built-in catalogue (the site's roles and settings come from it) and
 * the site under test. */
struct fix {
	struct catalogue *cat;
	struct site *site;
	struct load_error err;
	char line[700];
	const struct error_case *ec;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->ec = *state;
	f->cat = catalogue_new();
	assert_non_null(f->cat);
	assert_true(catalogue_load_default(f->cat, &f->err));
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	site_free(f->site);
	catalogue_free(f->cat);
	free(f);
	return 0;
}

static struct site *load(struct fix *f, const char *text)
{
	site_free(f->site);
	f->site = site_load_string("s.yaml", text, strlen(text), f->cat, &f->err);
	if (!f->site) {
		load_error_format(&f->err, f->line, sizeof f->line);
		fail_msg("refused: %s", f->line);
	}
	return f->site;
}

/* text must be refused with exactly the line want. */
static void refuse(struct fix *f, const char *text, const char *want)
{
	site_free(f->site);
	f->site = site_load_string("s.yaml", text, strlen(text), f->cat, &f->err);
	if (f->site)
		fail_msg("accepted, expected \"%s\"", want);
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, want);
}

/* The role mask of a role name. */
static uint64_t R(const struct fix *f, const char *role)
{
	int r = catalogue_role(f->cat, role);

	if (r < 0)
		fail_msg("no role '%s'", role);
	return 1ULL << r;
}

/* The roles the site gives the address text (IPv4 or IPv6). */
static uint64_t roles_of(const struct fix *f, const char *text)
{
	uint8_t addr[16] = { 0 };
	bool v6 = strchr(text, ':') != NULL;

	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, addr) != 1)
		fail_msg("bad test address '%s'", text);
	return site_roles(f->site, v6 ? 6 : 4, addr);
}

#define assert_roles(f, addr, mask) do { \
	uint64_t got_ = roles_of((f), (addr)), want_ = (mask); \
	if (got_ != want_) \
		fail_msg("%s: roles %#llx, want %#llx", (addr), \
			 (unsigned long long)got_, (unsigned long long)want_); \
} while (0)

/* --- prefixes and roles ------------------------------------------------------ */

static void test_site_roles_hosts_v4(void **state)
{
	struct fix *f = *state;

	load(f, "roles:\n"
		"  sql_server: 10.10.0.20\n"
		"  lucs_server_01: [\"10.10.0.11\"]\n"
		"  lucs_server_02: [10.10.0.12/32]\n");
	assert_int_equal(f->site->nprefixes, 3);
	assert_int_equal(f->site->prefixes[0].family, 4);
	assert_int_equal(f->site->prefixes[0].len, 32);
	assert_roles(f, "10.10.0.20", R(f, "sql_server"));
	assert_roles(f, "10.10.0.11", R(f, "lucs_server_01"));
	assert_roles(f, "10.10.0.12", R(f, "lucs_server_02"));
	assert_roles(f, "10.10.0.21", 0);
	assert_roles(f, "10.10.0.19", 0);
	assert_roles(f, "20.10.0.10", 0);
	assert_roles(f, "0.0.0.0", 0);
}

static void test_site_roles_prefixes_v4(void **state)
{
	struct fix *f = *state;

	load(f, "roles:\n"
		"  agent_pc: 10.20.0.0/16\n"
		"  sfb_fe_pool: 10.10.16.0/20\n"
		"  sfb_edge: 100.64.0.128/31\n"
		"  lucs_api: 128.0.0.0/1\n");
	assert_roles(f, "10.20.0.0", R(f, "agent_pc"));
	assert_roles(f, "10.20.255.255", R(f, "agent_pc"));
	assert_roles(f, "10.21.0.0", 0);
	assert_roles(f, "10.19.255.255", 0);
	assert_roles(f, "10.10.16.0", R(f, "sfb_fe_pool"));
	assert_roles(f, "10.10.31.255", R(f, "sfb_fe_pool"));
	assert_roles(f, "10.10.32.0", 0);
	assert_roles(f, "10.10.15.255", 0);
	assert_roles(f, "100.64.0.128", R(f, "sfb_edge"));
	assert_roles(f, "100.64.0.129", R(f, "sfb_edge"));
	assert_roles(f, "100.64.0.130", 0);
	assert_roles(f, "100.64.0.127", 0);
	assert_roles(f, "128.0.0.0", R(f, "lucs_api"));
	assert_roles(f, "255.255.255.255", R(f, "lucs_api"));
	assert_roles(f, "127.255.255.255", 0);
}

static void test_site_roles_ipv6(void **state)
{
	struct fix *f = *state;

	load(f, "roles:\n"
		"  lucs_server_01: \"2001:db8:10::11\"\n"
		"  agent_pc: [\"2001:db8:20::/48\"]\n"
		"  sfb_edge: \"2001:db8:30::/127\"\n"
		"  sfb_cms: \"2001:db8:40:0:8000::/65\"\n");
	assert_int_equal(f->site->prefixes[0].family, 6);
	assert_int_equal(f->site->prefixes[0].len, 128);
	assert_roles(f, "2001:db8:10::11", R(f, "lucs_server_01"));
	assert_roles(f, "2001:db8:10::12", 0);
	assert_roles(f, "2001:db8:20::", R(f, "agent_pc"));
	assert_roles(f, "2001:db8:20:ffff:ffff:ffff:ffff:ffff", R(f, "agent_pc"));
	assert_roles(f, "2001:db8:21::", 0);
	assert_roles(f, "2001:db8:30::", R(f, "sfb_edge"));
	assert_roles(f, "2001:db8:30::1", R(f, "sfb_edge"));
	assert_roles(f, "2001:db8:30::2", 0);
	assert_roles(f, "2001:db8:40:0:8000::1", R(f, "sfb_cms"));
	assert_roles(f, "2001:db8:40:0:ffff::", R(f, "sfb_cms"));
	assert_roles(f, "2001:db8:40:0:7fff::", 0);
	/* An IPv4 address is not its IPv6 namesake. */
	assert_roles(f, "0.0.0.0", 0);
}

/* /0 covers its own family only.  An IPv4-mapped address is IPv6: IPv4
 * entries never give it their roles, and an entry written as one (or as
 * ::ffff:0:0/96) matches IPv6 addresses only. */
static void test_site_roles_default_routes(void **state)
{
	struct fix *f = *state;

	load(f, "roles:\n"
		"  agent_pc: [0.0.0.0/0, 10.10.0.0/16]\n"
		"  sfb_server: \"::/0\"\n"
		"  sql_server: \"::ffff:10.10.0.20\"\n"
		"  lucs_api: \"::ffff:0:0/96\"\n");
	assert_roles(f, "10.1.2.3", R(f, "agent_pc"));
	assert_roles(f, "0.0.0.0", R(f, "agent_pc"));
	assert_roles(f, "255.255.255.255", R(f, "agent_pc"));
	assert_roles(f, "10.10.0.20", R(f, "agent_pc"));
	assert_roles(f, "::", R(f, "sfb_server"));
	assert_roles(f, "2001:db8::1", R(f, "sfb_server"));
	assert_roles(f, "::ffff:10.10.0.20",
		     R(f, "sfb_server") | R(f, "sql_server") | R(f, "lucs_api"));
	assert_roles(f, "::ffff:10.99.0.1", R(f, "sfb_server") | R(f, "lucs_api"));
	assert_roles(f, "::10.10.0.20", R(f, "sfb_server"));	/* compatible */
	assert_int_equal(f->site->prefixes[0].len, 0);
	assert_int_equal(f->site->prefixes[2].len, 0);
}

/* An address in several prefixes holds every one of their roles. */
static void test_site_roles_overlap(void **state)
{
	struct fix *f = *state;

	load(f, "roles:\n"
		"  agent_pc: [10.20.0.0/16, 10.20.5.0/24]\n"
		"  sql_server: 10.20.5.0/24\n"
		"  sfb_fe_pool: [10.10.1.10, 10.10.1.11]\n"
		"  sfb_cms: 10.10.1.10\n"
		"  sfb_server: 10.10.1.0/24\n");
	assert_roles(f, "10.20.5.7", R(f, "agent_pc") | R(f, "sql_server"));
	assert_roles(f, "10.20.6.7", R(f, "agent_pc"));
	assert_roles(f, "10.10.1.10",
		     R(f, "sfb_fe_pool") | R(f, "sfb_cms") | R(f, "sfb_server"));
	assert_roles(f, "10.10.1.11", R(f, "sfb_fe_pool") | R(f, "sfb_server"));
	assert_roles(f, "10.10.1.12", R(f, "sfb_server"));
}

/* --- the role index against a scan of every prefix ---------------------------- */

#define RANDOM_SITES 300
#define RANDOM_PREFIXES 40
#define RANDOM_ADDRESSES 50	/* per site, besides each prefix's probes */

struct gen_prefix {
	int family;
	unsigned len;
	uint8_t addr[16];
	unsigned role;		/* index of a built-in role */
};

/* splitmix64: the same sites on every run. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void random_addr(uint64_t *r, int family, uint8_t *addr)
{
	static const uint8_t base[2][4] = { { 10 }, { 0x20, 0x01, 0x0d, 0xb8 } };

	memset(addr, 0, 16);
	for (unsigned i = 0; i < (family == 4 ? 4u : 16u); i++)
		addr[i] = (uint8_t)rnd(r);
	/* Half of them in 10/8 or 2001:db8::/32, where they overlap. */
	if (rnd(r) & 1)
		memcpy(addr, base[family == 6], family == 4 ? 1 : 4);
}

/* A prefix inside, around or equal to an earlier one, or a new one:
 * /0, host routes and every length between. */
static void random_prefix(uint64_t *r, const struct gen_prefix *done,
			  size_t n, struct gen_prefix *p)
{
	unsigned pick = (unsigned)(rnd(r) % 8), max;

	if (n > 0 && pick < 4) {
		*p = done[rnd(r) % n];
		max = p->family == 4 ? 32 : 128;
		if (pick == 0) {		/* inside it */
			unsigned len = p->len +
				       (unsigned)(rnd(r) % (max - p->len + 1));

			for (unsigned bit = p->len; bit < len; bit++)
				if (rnd(r) & 1)
					scan_flip(p->addr, bit);
			p->len = len;
		} else if (pick == 1) {	/* around it */
			p->len = (unsigned)(rnd(r) % (p->len + 1));
		}			/* else the same, maybe another role */
	} else {
		p->family = pick & 1 ? 4 : 6;
		max = p->family == 4 ? 32 : 128;
		random_addr(r, p->family, p->addr);
		pick = (unsigned)(rnd(r) % 16);
		p->len = pick == 0 ? 0 : pick < 6 ? max
			: (unsigned)(rnd(r) % (max + 1));
	}
	p->role = (unsigned)(rnd(r) % 11);
	for (unsigned bit = p->len; bit < 128; bit++)
		p->addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

/* The site file listing the prefixes, each under its role. */
static char *random_site_text(const struct catalogue *c,
			      const struct gen_prefix *p, size_t n)
{
	size_t size = 64 * n + 512, used = 0;
	char *text = malloc(size), a[INET6_ADDRSTRLEN];

	assert_non_null(text);
	used += (size_t)snprintf(text, size, "roles:\n");
	for (unsigned role = 0; role < 11; role++) {
		const char *sep = "";

		for (size_t i = 0; i < n; i++) {
			if (p[i].role != role)
				continue;
			inet_ntop(p[i].family == 4 ? AF_INET : AF_INET6,
				  p[i].addr, a, sizeof a);
			if (!*sep)
				used += (size_t)snprintf(text + used, size - used,
							 "  %s: [", c->roles[role]);
			used += (size_t)snprintf(text + used, size - used,
						 "%s\"%s/%u\"", sep, a, p[i].len);
			sep = ", ";
		}
		if (*sep)
			used += (size_t)snprintf(text + used, size - used, "]\n");
	}
	assert_true(used < size);
	return text;
}

static void check_address(const struct fix *f, int family, const uint8_t *addr)
{
	uint64_t got = site_roles(f->site, family, addr);
	uint64_t want = scan_roles(f->site, family, addr);
	char a[INET6_ADDRSTRLEN];

	if (got == want)
		return;
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof a);
	fail_msg("%s: roles %#llx, the scan says %#llx", a,
		 (unsigned long long)got, (unsigned long long)want);
}

/* Random sites of both families with nested, overlapping and equal
 * prefixes, /0, /32 and /128: every prefix's probes (scan_probes), in
 * both families, and random addresses give what the scan gives. */
static void test_site_roles_random(void **state)
{
	struct fix *f = *state;
	struct gen_prefix p[RANDOM_PREFIXES];
	uint64_t r = 1;

	for (int site = 0; site < RANDOM_SITES; site++) {
		size_t n = 1 + rnd(&r) % RANDOM_PREFIXES;
		char *text;

		for (size_t i = 0; i < n; i++)
			random_prefix(&r, p, i, &p[i]);
		text = random_site_text(f->cat, p, n);
		load(f, text);
		free(text);
		assert_int_equal(f->site->nprefixes, n);
		for (size_t i = 0; i < n; i++) {
			uint8_t probe[SCAN_PROBES][16];
			size_t np = scan_probes(&f->site->prefixes[i], probe);

			for (size_t k = 0; k < np; k++) {
				check_address(f, 4, probe[k]);
				check_address(f, 6, probe[k]);
			}
		}
		for (int i = 0; i < RANDOM_ADDRESSES; i++) {
			uint8_t addr[16];
			int family = i & 1 ? 4 : 6;

			random_addr(&r, family, addr);
			check_address(f, family, addr);
		}
	}
}

/* Empty lists and empty mappings are allowed: a site that lists no
 * address (classification by port alone). */
static void test_site_roles_none(void **state)
{
	struct fix *f = *state;

	load(f, "{}\n");
	assert_int_equal(f->site->nprefixes, 0);
	assert_false(f->site->tm_off);
	assert_roles(f, "10.0.0.1", 0);
	load(f, "roles: {}\n");
	assert_int_equal(f->site->nprefixes, 0);
	load(f, "roles:\n  agent_pc: []\nports:\n  sql_port: 1533\n");
	assert_int_equal(f->site->nprefixes, 0);
	assert_int_equal(f->site->noverrides, 1);
}

/* Roles a --rules file declared are roles of the site too. */
static void test_site_roles_declared(void **state)
{
	struct fix *f = *state;
	static const char rules[] =
		"roles: [domain_controller]\n"
		"tags: [DNS]\n"
		"rules:\n"
		"  - {id: dns, from: lucs_server, to: domain_controller, proto: udp, ports: 53, tag: DNS}\n";
	static const char site[] = "roles:\n  domain_controller: 10.10.3.10\n";

	refuse(f, site, "s.yaml:2:3: unknown role 'domain_controller'" SITE_ROLES);
	assert_true(catalogue_load_string(f->cat, "dc.yaml", rules, sizeof rules - 1,
					  &f->err));
	load(f, site);
	assert_roles(f, "10.10.3.10", R(f, "domain_controller"));
	assert_int_equal(catalogue_role(f->cat, "domain_controller"), 11);
}

/* The example shipped in rules/ loads, and says what its comments say. */
static void test_site_load_example_file(void **state)
{
	struct fix *f = *state;
	const struct site_override *o;

	f->site = site_load_file(LUCS_SRCDIR "/rules/site.example.yaml", f->cat,
				 &f->err);
	if (!f->site) {
		load_error_format(&f->err, f->line, sizeof f->line);
		fail_msg("refused: %s", f->line);
	}
	assert_roles(f, "10.10.0.11", R(f, "lucs_server_01"));
	assert_roles(f, "2001:db8:10::12", R(f, "lucs_server_02"));
	assert_roles(f, "10.10.1.10",
		     R(f, "sfb_fe_pool") | R(f, "sfb_cms") | R(f, "sfb_server"));
	assert_roles(f, "10.20.99.1", R(f, "agent_pc"));
	assert_roles(f, "2001:db8:20:1::1", R(f, "agent_pc"));
	assert_roles(f, "10.10.0.99", 0);
	o = site_override(f->site, "media_ports");
	assert_non_null(o);
	assert_int_equal(o->nports, 1);
	assert_int_equal(o->ports[0].lo, 49152);
	assert_int_equal(o->ports[0].hi, 57500);
	assert_false(f->site->tm_off);
}

static void test_site_load_file_missing(void **state)
{
	struct fix *f = *state;

	assert_null(site_load_file("/nonexistent/site.yaml", f->cat, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "/nonexistent/site.yaml: No such file or directory");
	assert_null(site_load_file("/", f->cat, &f->err));
	load_error_format(&f->err, f->line, sizeof f->line);
	assert_string_equal(f->line, "/: is a directory");
}

/* --- the largest sites ----------------------------------------------------------- */

#define BIG_HOSTS 49000		/* with the keys, under the 50,000 values */
#define BIG_PORTS 32768
#define BIG_HOSTS_BOUND 2.0	/* seconds: see test_site_load_big */
#define BIG_PORTS_BOUND 2.5

/* Host i: a distinct address in 10/8 (one in ten in 2001:db8:f::/104),
 * under role i % 11, in flow lists: 0.7 MB. */
static char *big_hosts_text(const struct catalogue *c)
{
	size_t size = 1 << 20, used = 0;
	char *text = malloc(size);

	assert_non_null(text);
	used += (size_t)snprintf(text, size, "roles:\n");
	for (unsigned role = 0; role < 11; role++) {
		used += (size_t)snprintf(text + used, size - used, "  %s: [",
					 c->roles[role]);
		for (unsigned i = role; i < BIG_HOSTS; i += 11) {
			unsigned v = (i * 2654435761u) & 0xffffff;
			const char *sep = i == role ? "" : ",";

			used += (size_t)(i % 10 == 9
				? snprintf(text + used, size - used,
					   "%s\"2001:db8:f::%x:%x\"", sep,
					   v >> 16, v & 0xffff)
				: snprintf(text + used, size - used,
					   "%s10.%u.%u.%u", sep, v >> 16,
					   v >> 8 & 0xff, v & 0xff));
		}
		used += (size_t)snprintf(text + used, size - used, "]\n");
	}
	assert_true(used < size);
	return text;
}

/* Every other port, 1 to 65535, as media_ports. */
static char *big_ports_text(void)
{
	size_t size = 1 << 20, used = 0;
	char *text = malloc(size);

	assert_non_null(text);
	used += (size_t)snprintf(text, size, "ports:\n  media_ports: [");
	for (unsigned port = 1; port < 65536; port += 2)
		used += (size_t)snprintf(text + used, size - used, "%s%u",
					 port == 1 ? "" : ",", port);
	used += (size_t)snprintf(text + used, size - used, "]\n");
	assert_true(used < size);
	return text;
}

/* Load a site and compile it with the catalogue; the CPU seconds it took
 * (CPU time: other processes loading the machine do not count). */
static double load_and_compile(struct fix *f, const char *text)
{
	struct timespec t0, t1;
	struct classifier *cl;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	load(f, text);
	cl = classifier_new(f->cat, f->site, &f->err);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	assert_non_null(cl);
	classifier_free(cl);
	return (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The largest site the value limit lets through, and a media_ports list
 * of 32,768 ports, load and compile (site_load_string, classifier_new) in
 * linear time.  On the development VM (2 vCPUs shared, gcc -O2) they take
 * 0.06-0.09 s and 0.09-0.12 s, with ASan and UBSan 0.24 s and 0.33 s;
 * the list took 8.4 s before (the port tables were quadratic in it).  The
 * bounds, 2 s and 2.5 s, are 20 times the -O2 times, so that a loaded CI
 * machine does not fail them while a quadratic step still does. */
static void test_site_load_big(void **state)
{
	struct fix *f = *state;
	char *text = big_hosts_text(f->cat);
	const struct site_override *o;
	double secs = load_and_compile(f, text);

	free(text);
	print_message("%d hosts: %.3f s\n", BIG_HOSTS, secs);
	assert_true(secs < BIG_HOSTS_BOUND);
	assert_int_equal(f->site->nprefixes, BIG_HOSTS);
	assert_roles(f, "10.0.0.0", R(f, "agent_pc"));		/* host 0 */
	assert_roles(f, "10.55.121.177", R(f, "lucs_server_01"));	/* 1 */
	assert_roles(f, "2001:db8:f::f3:4739", R(f, "lucs_api"));	/* 9 */
	assert_roles(f, "2001:db8:f::1e:823", R(f, "sfb_cms"));	/* 19 */
	assert_roles(f, "10.0.0.1", 0);
	assert_roles(f, "10.55.121.176", 0);
	text = big_ports_text();
	secs = load_and_compile(f, text);
	free(text);
	print_message("%d ports: %.3f s\n", BIG_PORTS, secs);
	assert_true(secs < BIG_PORTS_BOUND);
	o = site_override(f->site, "media_ports");
	assert_non_null(o);
	assert_int_equal(o->nports, BIG_PORTS);
	assert_int_equal(o->ports[BIG_PORTS - 1].lo, 65535);
}

/* --- overrides and tm ------------------------------------------------------- */

static void test_site_overrides(void **state)
{
	struct fix *f = *state;
	const struct site_override *o;

	load(f, "ports:\n"
		"  media_ports: [40000-40100, 45000]\n"
		"  sql_port: 1533\n"
		"  trusted_app_6000: 16000\n");
	assert_int_equal(f->site->noverrides, 3);
	o = site_override(f->site, "media_ports");
	assert_non_null(o);
	assert_string_equal(o->setting, "media_ports");
	assert_int_equal(o->nports, 2);
	assert_int_equal(o->ports[0].lo, 40000);
	assert_int_equal(o->ports[0].hi, 40100);
	assert_int_equal(o->ports[1].lo, 45000);
	assert_int_equal(o->ports[1].hi, 45000);
	o = site_override(f->site, "sql_port");
	assert_non_null(o);
	assert_int_equal(o->nports, 1);
	assert_int_equal(o->ports[0].lo, 1533);
	o = site_override(f->site, "trusted_app_6000");
	assert_non_null(o);
	assert_int_equal(o->ports[0].lo, 16000);
	assert_null(site_override(f->site, "powerpivot_port"));
	assert_null(site_override(f->site, "media"));
	assert_null(site_override(NULL, "media_ports"));
}

/* A site may restate a default; settings a rule file adds are settings. */
static void test_site_overrides_declared(void **state)
{
	struct fix *f = *state;
	static const char rules[] =
		"rules:\n"
		"  - {id: ldap, from: lucs_server, to: sql_server, proto: tcp, ports: 389, configurable: ldap_port, tag: LUCS}\n";

	assert_true(catalogue_load_string(f->cat, "l.yaml", rules, sizeof rules - 1,
					  &f->err));
	load(f, "ports:\n  ldap_port: 636\n  powerpivot_port: 1443\n");
	assert_int_equal(site_override(f->site, "ldap_port")->ports[0].lo, 636);
	assert_int_equal(site_override(f->site, "powerpivot_port")->ports[0].lo, 1443);
}

/* A catalogue of few settings: they are listed, each once. */
static void test_site_settings_few(void **state)
{
	struct fix *f = *state;
	static const char rules[] =
		"rules:\n"
		"  - {id: a, from: any, to: sql_server, proto: tcp, ports: 389, configurable: ldap_port, tag: LUCS}\n"
		"  - {id: b, from: any, to: sql_server, proto: udp, ports: 389, configurable: ldap_port, tag: LUCS}\n"
		"  - {id: c, from: any, to: sql_server, proto: tcp, ports: 88, configurable: kerberos_port, tag: LUCS}\n";

	catalogue_free(f->cat);
	f->cat = catalogue_new();
	assert_non_null(f->cat);
	assert_true(catalogue_load_string(f->cat, "l.yaml", rules, sizeof rules - 1,
					  &f->err));
	refuse(f, "ports:\n  ldap_ports: 636\n",
	       "s.yaml:2:3: unknown setting 'ldap_ports'; did you mean "
	       "'ldap_port'? (expected one of: ldap_port, kerberos_port; or see "
	       "'lucsaudit --check' for the catalogue's configurable ports)");
}

static void test_site_tm_flag(void **state)
{
	struct fix *f = *state;

	load(f, "roles: {}\n");
	assert_false(f->site->tm_off);
	load(f, "tm: false\n");
	assert_true(f->site->tm_off);
	load(f, "tm: true\n");
	assert_false(f->site->tm_off);
}

/* --- malformed input ---------------------------------------------------------- */

static const struct error_case error_cases[] = {
	/* the document */
	{ "empty_file", "", "s.yaml: empty: a site is a mapping with 'roles:'" },
	{ "only_comments", "# roles:\n", "s.yaml: empty: a site is a mapping with 'roles:'" },
	{ "empty_document", "---\n", "s.yaml: empty: a site is a mapping with 'roles:'" },
	{ "root_list", "- roles\n", "s.yaml:1:1: a site must be a mapping, not a list" },
	{ "unknown_key", "roles: {}\nrole:\n  sql_server: 10.0.0.1\n",
	  "s.yaml:2:1: unknown key 'role'; did you mean 'roles'?" SITE_KEYS },
	{ "catalogue_key", "rules: []\n",
	  "s.yaml:1:1: unknown key 'rules'; did you mean 'roles'?" SITE_KEYS },
	{ "key_far", "hosts: {}\n", "s.yaml:1:1: unknown key 'hosts'" SITE_KEYS },
	{ "duplicate_role", "roles:\n  sql_server: 10.0.0.1\n  sql_server: 10.0.0.2\n",
	  "s.yaml:3:3: duplicate key 'sql_server' (first at line 2)" },
	{ "second_document", "tm: true\n---\ntm: false\n",
	  "s.yaml:2:1: a second document: one file holds one document" },
	{ "anchor", "roles:\n  agent_pc: &agents 10.20.0.0/16\n",
	  "s.yaml:2:13: anchors (&) are not allowed" },
	{ "tag", "roles:\n  agent_pc: !cidr 10.20.0.0/16\n", "s.yaml:2:13: tags (!) are not allowed" },
	{ "tab", "roles:\n\tagent_pc: 10.20.0.0/16\n",
	  "s.yaml:2:1: tabs cannot indent YAML; use spaces" },
	{ "colon_in_value", "roles:\n  sql_server: 10.10.0.20: primary\n",
	  "s.yaml:2:25: unexpected ':': quote a value that holds ': ', or align "
	  "this key with the keys above it" },
	{ "invalid_utf8", "roles:\n  # Z\xfcrich\n  agent_pc: 10.20.0.0/16\n",
	  "s.yaml:2:6: not valid YAML: invalid leading UTF-8 octet" },
	/* roles */
	{ "roles_list", "roles: [agent_pc]\n", "s.yaml:1:8: roles must be a mapping, not a list" },
	{ "roles_scalar", "roles: agent_pc\n", "s.yaml:1:8: roles must be a mapping, not a single value" },
	{ "role_unknown", "roles:\n  sql: 10.0.0.1\n",
	  "s.yaml:2:3: unknown role 'sql'" SITE_ROLES },
	{ "role_typo", "roles:\n  lucs_sever_01: 10.10.0.11\n",
	  "s.yaml:2:3: unknown role 'lucs_sever_01'; did you mean 'lucs_server_01'?"
	  SITE_ROLES },
	{ "role_plural", "roles:\n  sql_servers: 10.10.0.20\n",
	  "s.yaml:2:3: unknown role 'sql_servers'; did you mean 'sql_server'?"
	  SITE_ROLES },
	{ "role_any", "roles:\n  any: 0.0.0.0/0\n", "s.yaml:2:3: unknown role 'any'" SITE_ROLES },
	{ "role_lucs_server", "roles:\n  lucs_server: [10.10.0.11, 10.10.0.12]\n",
	  "s.yaml:2:3: 'lucs_server' means either LUCS server in rules: list "
	  "addresses under lucs_server_01 and lucs_server_02" },
	{ "role_mapping", "roles:\n  sql_server: {address: 10.0.0.1}\n",
	  "s.yaml:2:15: a role's addresses must be a list, not a mapping" },
	{ "role_nested_list", "roles:\n  sql_server: [[10.0.0.1]]\n",
	  "s.yaml:2:16: an address must be a single value, not a list" },
	/* addresses */
	{ "address_empty", "roles:\n  sql_server:\n",
	  "s.yaml:2:14: '' is not an IPv4 or IPv6 address or prefix" },
	{ "address_octet", "roles:\n  sql_server: 10.0.0.300\n",
	  "s.yaml:2:15: '10.0.0.300' is not an IPv4 or IPv6 address or prefix" },
	{ "address_short", "roles:\n  sql_server: 10.0.0\n",
	  "s.yaml:2:15: '10.0.0' is not an IPv4 or IPv6 address or prefix" },
	{ "address_name", "roles:\n  sql_server: sql01.example.com\n",
	  "s.yaml:2:15: 'sql01.example.com' is not an IPv4 or IPv6 address or prefix" },
	{ "address_zone", "roles:\n  sql_server: \"fe80::1%eth0\"\n",
	  "s.yaml:2:15: 'fe80::1%eth0' is not an IPv4 or IPv6 address or prefix" },
	{ "address_range", "roles:\n  agent_pc: 10.20.0.1-10.20.0.9\n",
	  "s.yaml:2:13: '10.20.0.1-10.20.0.9' is not an IPv4 or IPv6 address or prefix" },
	{ "address_too_long",
	  "roles:\n  agent_pc: 10.20.0.0/16 and 10.30.0.0/16 and 10.40.0.0/16 and 10.50.0.0/16 and 10.60.0.0/16\n",
	  "s.yaml:2:13: '10.20.0.0/16 and 10.30.0.0/16 and 10.40.0.0/16 and 10.50.0.0/16 and 10.60.0.0/16' "
	  "is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_trailing", "roles:\n  agent_pc: 10.20.0.0/16 10.30.0.0/16\n",
	  "s.yaml:2:13: '10.20.0.0/16 10.30.0.0/16' is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_no_length", "roles:\n  agent_pc: 10.20.0.0/\n",
	  "s.yaml:2:13: '10.20.0.0/' is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_negative", "roles:\n  agent_pc: 10.20.0.0/-16\n",
	  "s.yaml:2:13: '10.20.0.0/-16' is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_space", "roles:\n  agent_pc: \"10.20.0.0/ 16\"\n",
	  "s.yaml:2:13: '10.20.0.0/ 16' is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_netmask", "roles:\n  agent_pc: 10.20.0.0/255.255.0.0\n",
	  "s.yaml:2:13: '10.20.0.0/255.255.0.0' is not an IPv4 or IPv6 address or prefix" },
	{ "prefix_33", "roles:\n  agent_pc: [10.20.0.0/16, 10.20.0.0/33]\n",
	  "s.yaml:2:28: '10.20.0.0/33': prefix length must be 0-32" },
	{ "prefix_129", "roles:\n  agent_pc: \"2001:db8::/129\"\n",
	  "s.yaml:2:13: '2001:db8::/129': prefix length must be 0-128" },
	{ "host_bits_v4", "roles:\n  agent_pc: 10.20.0.1/16\n",
	  "s.yaml:2:13: '10.20.0.1/16' has host bits set after /16" },
	{ "host_bits_v4_odd", "roles:\n  agent_pc: 10.20.8.0/20\n",
	  "s.yaml:2:13: '10.20.8.0/20' has host bits set after /20" },
	{ "host_bits_default", "roles:\n  agent_pc: 10.0.0.0/0\n",
	  "s.yaml:2:13: '10.0.0.0/0' has host bits set after /0" },
	{ "host_bits_v6", "roles:\n  agent_pc: \"2001:db8:20::1/48\"\n",
	  "s.yaml:2:13: '2001:db8:20::1/48' has host bits set after /48" },
	{ "host_bits_v6_last", "roles:\n  agent_pc: \"2001:db8::1/127\"\n",
	  "s.yaml:2:13: '2001:db8::1/127' has host bits set after /127" },
	/* ports */
	{ "ports_list", "ports: [1433]\n", "s.yaml:1:8: ports must be a mapping, not a list" },
	{ "setting_unknown", "ports:\n  sql_port: 1433\n  sql_ports: 1533\n",
	  "s.yaml:3:3: unknown setting 'sql_ports'; did you mean 'sql_port'?"
	  SETTINGS_SEE },
	{ "setting_swap", "ports:\n  meida_ports: 40000-40100\n",
	  "s.yaml:2:3: unknown setting 'meida_ports'; did you mean 'media_ports'?"
	  SETTINGS_SEE },
	{ "setting_far", "ports:\n  ldap: 636\n",
	  "s.yaml:2:3: unknown setting 'ldap'" SETTINGS_SEE },
	/* trusted_app_6000 to 7400: as near as each other */
	{ "setting_tie", "ports:\n  trusted_app_6500: 6500\n",
	  "s.yaml:2:3: unknown setting 'trusted_app_6500'" SETTINGS_SEE },
	{ "setting_zero", "ports:\n  sql_port: 0\n", "s.yaml:2:13: port 0 is outside 1-65535" },
	{ "setting_65536", "ports:\n  sql_port: 65536\n", "s.yaml:2:13: port 65536 is outside 1-65535" },
	{ "setting_reversed", "ports:\n  media_ports: 57500-49152\n",
	  "s.yaml:2:16: range 57500-49152 is reversed: write 49152-57500" },
	{ "setting_text", "ports:\n  sql_port: mssql\n",
	  "s.yaml:2:13: 'mssql' is not a port or a range such as 49152-57500" },
	{ "setting_empty", "ports:\n  media_ports: []\n",
	  "s.yaml:2:16: ports must be a port, a range or a list of them" },
	{ "setting_mapping", "ports:\n  media_ports: {lo: 40000, hi: 40100}\n",
	  "s.yaml:2:16: ports must be a port, a range or a list of them" },
	/* tm */
	{ "tm_yes", "tm: yes\n", "s.yaml:1:5: expected true or false" },
	{ "tm_quoted", "tm: \"false\"\n", "s.yaml:1:5: expected true or false" },
	{ "tm_mapping", "tm:\n  offset: 2000\n", "s.yaml:2:3: expected true or false" },
};

static void test_site_error(void **state)
{
	struct fix *f = *state;

	refuse(f, f->ec->text, f->ec->want);
}

/* --- the program ------------------------------------------------------------- */

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		T(test_site_roles_hosts_v4),
		T(test_site_roles_prefixes_v4),
		T(test_site_roles_ipv6),
		T(test_site_roles_default_routes),
		T(test_site_roles_overlap),
		T(test_site_roles_random),
		T(test_site_roles_none),
		T(test_site_roles_declared),
		T(test_site_load_example_file),
		T(test_site_load_file_missing),
		T(test_site_load_big),
		T(test_site_overrides),
		T(test_site_overrides_declared),
		T(test_site_settings_few),
		T(test_site_tm_flag),
	};
	return run_case_table("test_site", fixed, sizeof fixed / sizeof *fixed,
			      "test_site_error_", error_cases,
			      sizeof error_cases / sizeof *error_cases,
			      sizeof *error_cases, test_site_error, fix_setup,
			      fix_teardown);
}
