/* test_rulebook.c: where the rules come from (lucsaudit-rules(5), SEVERAL
 * CATALOGUE FILES): the built-in catalogue first, --rules files added to
 * it, a file byte-identical to it standing for it (SHA-256),
 * --no-builtin-rules, shipped catalogues by short name, the Windows
 * infrastructure catalogue with its example site; and the provenance the
 * rulebook keeps for the report, on a first load and on a reload as
 * SIGHUP does it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "rulebook.h"
#include "sha256.h"

#define DEFAULT_NAME "rules/lucs.yaml (built in)"
#define DEFAULT_RULES 107	/* rules/lucs.yaml, as test_catalogue says */
#define WINDOWS_RULES 17	/* rules/windows-infrastructure.yaml */
#define MAX_FILES 8

/* Site rules in the catalogue format: a role, a tag and two rules. */
static const char dc_yaml[] =
	"roles: [domain_controller]\n"
	"tags: [AD]\n"
	"rules:\n"
	"  - id: lucs-dns\n"
	"    from: lucs_server\n"
	"    to: domain_controller\n"
	"    proto: [udp, tcp]\n"
	"    ports: 53\n"
	"    tag: AD\n"
	"  - id: agent-dns\n"
	"    from: agent_pc\n"
	"    to: domain_controller\n"
	"    proto: [udp, tcp]\n"
	"    ports: 53\n"
	"    tag: AD\n";

static const char site_yaml[] =
	"roles:\n"
	"  lucs_server_01: 10.10.0.11\n"
	"  domain_controller: 10.10.0.5\n";

/* --- fixture -------------------------------------------------------------- */

struct fix {
	char dir[64];			/* a directory of its own */
	char files[MAX_FILES][128];	/* the files written there */
	size_t nfiles;
	struct rulebook book;
	bool loaded;
	char msg[1024];
	char builtin_sha[SHA256_HEX_SIZE];
	char cwd[PATH_MAX];		/* to come back to */
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	size_t len;
	const char *text = catalogue_default_text(&len);

	assert_non_null(f);
	assert_non_null(getcwd(f->cwd, sizeof f->cwd));
	snprintf(f->dir, sizeof f->dir, "/tmp/lucs-test-rulebook-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	sha256_hex(text, len, f->builtin_sha);
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	assert_int_equal(chdir(f->cwd), 0);
	if (f->loaded)
		rulebook_free(&f->book);
	for (size_t i = 0; i < f->nfiles; i++)
		unlink(f->files[i]);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write len bytes of text to a file name of the fixture's directory. */
static const char *write_file(struct fix *f, const char *name,
			      const char *text, size_t len)
{
	char *path = f->files[f->nfiles];
	char dir[sizeof f->dir];
	FILE *fp;

	assert_true(f->nfiles < MAX_FILES);
	memcpy(dir, f->dir, sizeof dir);
	snprintf(path, sizeof f->files[0], "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	f->nfiles++;
	return path;
}

/* A copy of the built-in catalogue's text, as `make install` puts it. */
static const char *write_builtin_copy(struct fix *f, const char *name)
{
	size_t len;
	const char *text = catalogue_default_text(&len);

	return write_file(f, name, text, len);
}

static bool load(struct fix *f, const char *const *rules, size_t nrules,
		 const char *site, bool no_builtin)
{
	struct rule_sources src = {
		.rules = rules, .nrules = nrules, .site = site,
		.no_builtin = no_builtin,
	};

	assert_false(f->loaded);
	f->loaded = rulebook_load(&src, &f->book, f->msg, sizeof f->msg);
	return f->loaded;
}

static void load_ok(struct fix *f, const char *const *rules, size_t nrules,
		    const char *site, bool no_builtin)
{
	if (!load(f, rules, nrules, site, no_builtin))
		fail_msg("refused: %s", f->msg);
}

static void assert_source(const struct rule_source_info *s, const char *file,
			  const char *sha256, bool builtin)
{
	assert_string_equal(s->file, file);
	assert_string_equal(s->sha256, sha256);
	assert_int_equal(s->builtin, builtin);
}

static void assert_only_builtin(const struct fix *f)
{
	assert_int_equal(f->book.nsources, 1);
	assert_source(&f->book.sources[0], "built-in", f->builtin_sha, true);
	assert_int_equal(f->book.cat->nfiles, 1);
	assert_string_equal(f->book.cat->files[0], DEFAULT_NAME);
	assert_int_equal(f->book.cat->nrules, DEFAULT_RULES);
}

/* --- the built-in catalogue and files added to it --------------------------- */

/* No --rules: the built-in catalogue alone, its hash that of the text
 * compiled in, lowercase hex; no site. */
static void test_rulebook_builtin_alone(void **state)
{
	struct fix *f = *state;
	const char *sha;

	load_ok(f, NULL, 0, NULL, false);
	assert_only_builtin(f);
	sha = f->book.sources[0].sha256;
	assert_int_equal(strlen(sha), 64);
	assert_int_equal(strspn(sha, "0123456789abcdef"), 64);
	assert_false(f->book.has_site_info);
	assert_null(f->book.site_info.file);
}

/* A --rules file adds its roles, tags and rules after the built-in ones:
 * it no longer replaces them. */
static void test_rulebook_file_adds(void **state)
{
	struct fix *f = *state;
	const char *dc = write_file(f, "dc.yaml", dc_yaml, sizeof dc_yaml - 1);
	const char *rules[] = { dc };
	char sha[SHA256_HEX_SIZE];

	load_ok(f, rules, 1, NULL, false);
	sha256_hex(dc_yaml, sizeof dc_yaml - 1, sha);
	assert_int_equal(f->book.nsources, 2);
	assert_source(&f->book.sources[0], "built-in", f->builtin_sha, true);
	assert_source(&f->book.sources[1], dc, sha, false);
	assert_int_equal(f->book.cat->nrules, DEFAULT_RULES + 2);
	assert_non_null(catalogue_rule(f->book.cat, "agent-fe-01"));
	assert_string_equal(catalogue_rule(f->book.cat, "lucs-dns")->file, dc);
	assert_true(catalogue_role(f->book.cat, "domain_controller") >= 0);
	assert_true(catalogue_tag(f->book.cat, "AD") >= 0);
}

/* The documented way before, --rules INSTALLED/lucs.yaml --rules dc.yaml:
 * the copy stands for the built-in catalogue, which is listed once and
 * not loaded twice (its rule ids would clash). */
static void test_rulebook_builtin_copy_stands_for_it(void **state)
{
	struct fix *f = *state;
	const char *copy = write_builtin_copy(f, "lucs.yaml");
	const char *dc = write_file(f, "dc.yaml", dc_yaml, sizeof dc_yaml - 1);
	const char *rules[] = { copy, dc, copy };

	load_ok(f, rules, 3, NULL, false);
	assert_int_equal(f->book.nsources, 2);
	assert_source(&f->book.sources[0], "built-in", f->builtin_sha, true);
	assert_string_equal(f->book.sources[1].file, dc);
	assert_int_equal(f->book.cat->nfiles, 2);
	assert_string_equal(f->book.cat->files[0], DEFAULT_NAME);
	assert_int_equal(f->book.cat->nrules, DEFAULT_RULES + 2);
}

/* The shipped rules/lucs.yaml is the text compiled in. */
static void test_rulebook_source_tree_copy(void **state)
{
	struct fix *f = *state;
	const char *rules[] = { LUCS_SRCDIR "/rules/lucs.yaml" };

	load_ok(f, rules, 1, NULL, false);
	assert_only_builtin(f);
}

/* One byte more is another catalogue: loaded, and its ids clash with the
 * built-in ones. */
static void test_rulebook_changed_copy_loads(void **state)
{
	struct fix *f = *state;
	size_t len;
	const char *text = catalogue_default_text(&len);
	char *changed = malloc(len + 1);
	const char *rules[1];
	char want[1200];

	assert_non_null(changed);
	memcpy(changed, text, len);
	changed[len] = '\n';
	rules[0] = write_file(f, "lucs.yaml", changed, len + 1);
	free(changed);
	assert_false(load(f, rules, 1, NULL, false));
	snprintf(want, sizeof want,
		 "%s:63:9: duplicate rule id 'agent-fe-01' (first at %s:63)",
		 rules[0], DEFAULT_NAME);
	assert_string_equal(f->msg, want);
}

/* --- --no-builtin-rules --------------------------------------------------------- */

/* Only the files: the built-in roles and tags stay, its rules do not. */
static void test_rulebook_no_builtin(void **state)
{
	struct fix *f = *state;
	const char *dc = write_file(f, "dc.yaml", dc_yaml, sizeof dc_yaml - 1);
	const char *rules[] = { dc };

	load_ok(f, rules, 1, NULL, true);
	assert_int_equal(f->book.nsources, 1);
	assert_false(f->book.sources[0].builtin);
	assert_string_equal(f->book.sources[0].file, dc);
	assert_int_equal(f->book.cat->nrules, 2);
	assert_null(catalogue_rule(f->book.cat, "agent-fe-01"));
	assert_true(catalogue_role(f->book.cat, "agent_pc") >= 0);
}

/* With no built-in catalogue loaded, a copy of it is a file like any
 * other: loaded under its own name, with the built-in text's hash. */
static void test_rulebook_no_builtin_copy_is_a_file(void **state)
{
	struct fix *f = *state;
	const char *copy = write_builtin_copy(f, "lucs.yaml");
	const char *rules[] = { copy };

	load_ok(f, rules, 1, NULL, true);
	assert_int_equal(f->book.nsources, 1);
	assert_source(&f->book.sources[0], copy, f->builtin_sha, false);
	assert_string_equal(f->book.cat->files[0], copy);
	assert_int_equal(f->book.cat->nrules, DEFAULT_RULES);
}

/* --- shipped catalogues --------------------------------------------------------- */

/* The SHA-256 of a file, as lowercase hex. */
static void file_sha(const char *path, char sha[SHA256_HEX_SIZE])
{
	struct load_error err;
	char *text;
	size_t len;

	assert_true(ydoc_read_file(path, &text, &len, &err));
	sha256_hex(text, len, sha);
	free(text);
}

/* From the source tree, as the replay tests run: a short name leads to
 * rules/NAME.yaml, and the provenance names that file. */
static void test_rulebook_short_name(void **state)
{
	struct fix *f = *state;
	const char *rules[] = { "windows-infrastructure" };
	char sha[SHA256_HEX_SIZE];

	assert_int_equal(chdir(LUCS_SRCDIR), 0);
	load_ok(f, rules, 1, NULL, false);
	file_sha("rules/windows-infrastructure.yaml", sha);
	assert_int_equal(f->book.nsources, 2);
	assert_source(&f->book.sources[0], "built-in", f->builtin_sha, true);
	assert_source(&f->book.sources[1], "rules/windows-infrastructure.yaml",
		      sha, false);
	assert_int_equal(f->book.cat->nrules, DEFAULT_RULES + WINDOWS_RULES);
}

/* "lucs" is the shipped copy of the built-in catalogue: it stands for it. */
static void test_rulebook_short_name_builtin(void **state)
{
	struct fix *f = *state;
	const char *rules[] = { "lucs" };

	load_ok(f, rules, 1, NULL, false);
	assert_only_builtin(f);
}

static void test_rulebook_short_name_unknown(void **state)
{
	struct fix *f = *state;
	const char *rules[] = { "windows-infra" };

	assert_int_equal(chdir(LUCS_SRCDIR), 0);
	assert_false(load(f, rules, 1, NULL, false));
	assert_non_null(strstr(f->msg, "windows-infra: no such file, nor a "
				       "catalogue in rules or "));
	assert_non_null(strstr(f->msg, ": give a file's path or a shipped "
				       "catalogue: lucs, "
				       "windows-infrastructure"));
}

/* The Windows catalogue beside the built-in one, with its example site:
 * its roles and tag are declared, every rule of it has the tag Windows,
 * and a host holds its LUCS role and domain_member together. */
static void test_rulebook_windows_infrastructure(void **state)
{
	struct fix *f = *state;
	const char *rules[] = {
		LUCS_SRCDIR "/rules/windows-infrastructure.yaml"
	};
	const struct catalogue *c;
	uint8_t lucs01[4] = { 10, 10, 0, 11 }, dc[4] = { 10, 10, 0, 5 };
	uint64_t roles;
	int windows;
	size_t mine = 0;

	load_ok(f, rules, 1, LUCS_SRCDIR "/rules/site-windows.example.yaml",
		false);
	c = f->book.cat;
	windows = catalogue_tag(c, "Windows");
	assert_true(windows >= 0);
	for (size_t i = 0; i < c->nrules; i++) {
		bool in_file = strcmp(c->rules[i].file, rules[0]) == 0;

		mine += in_file;
		assert_int_equal(in_file, c->rules[i].tag == (unsigned)windows);
	}
	assert_int_equal(mine, WINDOWS_RULES);
	roles = site_roles(f->book.site, 4, lucs01);
	assert_true(roles >> catalogue_role(c, "lucs_server_01") & 1);
	assert_true(roles >> catalogue_role(c, "domain_member") & 1);
	roles = site_roles(f->book.site, 4, dc);
	assert_true(roles >> catalogue_role(c, "domain_controller") & 1);
	assert_true(roles >> catalogue_role(c, "dns_server") & 1);
	assert_true(roles >> catalogue_role(c, "ntp_server") & 1);
}

/* It needs nothing of the built-in catalogue. */
static void test_rulebook_windows_alone(void **state)
{
	struct fix *f = *state;
	const char *rules[] = {
		LUCS_SRCDIR "/rules/windows-infrastructure.yaml"
	};

	load_ok(f, rules, 1, NULL, true);
	assert_int_equal(f->book.cat->nrules, WINDOWS_RULES);
}

/* --- the site ------------------------------------------------------------------ */

static void test_rulebook_site_info(void **state)
{
	struct fix *f = *state;
	const char *dc = write_file(f, "dc.yaml", dc_yaml, sizeof dc_yaml - 1);
	const char *site = write_file(f, "site.yaml", site_yaml,
				      sizeof site_yaml - 1);
	const char *rules[] = { dc };
	char sha[SHA256_HEX_SIZE];

	load_ok(f, rules, 1, site, false);
	sha256_hex(site_yaml, sizeof site_yaml - 1, sha);
	assert_true(f->book.has_site_info);
	assert_source(&f->book.site_info, site, sha, false);
	assert_int_equal(f->book.nsources, 2);
}

/* --- errors ------------------------------------------------------------------- */

static void test_rulebook_error_missing_file(void **state)
{
	struct fix *f = *state;
	const char *rules[] = { "/nonexistent/dc.yaml" };

	assert_false(load(f, rules, 1, NULL, false));
	assert_string_equal(f->msg,
			    "/nonexistent/dc.yaml: No such file or directory");
}

static void test_rulebook_error_missing_site(void **state)
{
	struct fix *f = *state;

	assert_false(load(f, NULL, 0, "/nonexistent/site.yaml", false));
	assert_string_equal(f->msg,
			    "/nonexistent/site.yaml: No such file or directory");
}

/* --- reloading ----------------------------------------------------------------- */

/* SIGHUP's reload (loader.c) builds a new rulebook with its provenance,
 * from the files as they are then. */
static void test_rulebook_reload_provenance(void **state)
{
	struct fix *f = *state;
	const char *dc = write_file(f, "dc.yaml", dc_yaml, sizeof dc_yaml - 1);
	const char *site = write_file(f, "site.yaml", site_yaml,
				      sizeof site_yaml - 1);
	const char *rules[] = { dc };
	struct rule_sources src = {
		.rules = rules, .nrules = 1, .site = site,
	};
	static const char more[] = "# the site file, edited\n";
	char *edited = malloc(sizeof site_yaml + sizeof more);
	char sha[SHA256_HEX_SIZE];
	struct loader *l;
	struct timespec nap = { 0, 1000000 };

	assert_non_null(edited);
	snprintf(edited, sizeof site_yaml + sizeof more, "%s%s", site_yaml, more);
	load_ok(f, rules, 1, site, false);
	write_file(f, "site.yaml", edited, strlen(edited));
	f->nfiles--;		/* the same file, rewritten */
	l = loader_start(&src);
	assert_non_null(l);
	while (!loader_done(l))
		nanosleep(&nap, NULL);
	rulebook_free(&f->book);
	f->loaded = loader_take(l, &f->book, f->msg, sizeof f->msg);
	assert_true(f->loaded);
	sha256_hex(edited, strlen(edited), sha);
	free(edited);
	assert_int_equal(f->book.nsources, 2);
	assert_source(&f->book.sources[0], "built-in", f->builtin_sha, true);
	assert_string_equal(f->book.sources[1].file, dc);
	assert_true(f->book.has_site_info);
	assert_source(&f->book.site_info, site, sha, false);
}

/* --- the program ------------------------------------------------------------- */

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	static const struct CMUnitTest tests[] = {
		T(test_rulebook_builtin_alone),
		T(test_rulebook_file_adds),
		T(test_rulebook_builtin_copy_stands_for_it),
		T(test_rulebook_source_tree_copy),
		T(test_rulebook_changed_copy_loads),
		T(test_rulebook_no_builtin),
		T(test_rulebook_no_builtin_copy_is_a_file),
		T(test_rulebook_short_name),
		T(test_rulebook_short_name_builtin),
		T(test_rulebook_short_name_unknown),
		T(test_rulebook_windows_infrastructure),
		T(test_rulebook_windows_alone),
		T(test_rulebook_site_info),
		T(test_rulebook_error_missing_file),
		T(test_rulebook_error_missing_site),
		T(test_rulebook_reload_provenance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
