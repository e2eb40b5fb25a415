/* test_rulepath.c: what a --rules argument names (lucsaudit-rules(5),
 * SHIPPED CATALOGUES): a path as it is; a short name looked up as
 * NAME.yaml in the directories given, in order; the messages when it is
 * found nowhere; and the list of shipped names against the source
 * tree's rules/. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rulepath.h"

/* --- fixture -------------------------------------------------------------- */

struct fix {
	char dir[64];		/* a directory of its own, with sub/ in it */
	char sub[80];
	char cwd[PATH_MAX];	/* to come back to */
	struct rule_dirs dirs;
	struct load_error err;
	char path[PATH_MAX];
	char msg[700];
};

static void touch(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fclose(fp), 0);
}

static void rm(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/* The fixture's directory holds mine.yaml and a file called "plain";
 * sub/ holds mine.yaml and other.yaml.  dirs: the directory, then sub/. */
static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_non_null(getcwd(f->cwd, sizeof f->cwd));
	snprintf(f->dir, sizeof f->dir, "/tmp/lucs-test-rulepath-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sub, sizeof f->sub, "%s/sub", f->dir);
	assert_int_equal(mkdir(f->sub, 0700), 0);
	touch(f->dir, "mine.yaml");
	touch(f->dir, "plain");
	touch(f->sub, "mine.yaml");
	touch(f->sub, "other.yaml");
	snprintf(f->dirs.dir[0], sizeof f->dirs.dir[0], "%s", f->dir);
	snprintf(f->dirs.dir[1], sizeof f->dirs.dir[1], "%s", f->sub);
	f->dirs.n = 2;
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	assert_int_equal(chdir(f->cwd), 0);
	rm(f->sub, "mine.yaml");
	rm(f->sub, "other.yaml");
	rmdir(f->sub);
	rm(f->dir, "mine.yaml");
	rm(f->dir, "plain");
	rmdir(f->dir);
	free(f);
	return 0;
}

static bool resolve(struct fix *f, const char *arg)
{
	bool ok = rulepath_resolve(arg, &f->dirs, f->path, sizeof f->path,
				   &f->err);

	if (!ok)
		load_error_format(&f->err, f->msg, sizeof f->msg);
	return ok;
}

/* --- short names ------------------------------------------------------------ */

/* A name with a '/', ending in ".yaml", or naming what exists where
 * lucsaudit runs is a path, as it always was. */
static void test_rulepath_is_short(void **state)
{
	struct fix *f = *state;

	assert_int_equal(chdir(f->dir), 0);
	assert_true(rulepath_is_short("windows-infrastructure"));
	assert_true(rulepath_is_short("mine"));
	assert_true(rulepath_is_short("lucs.yml"));
	assert_false(rulepath_is_short(""));
	assert_false(rulepath_is_short("rules/lucs"));
	assert_false(rulepath_is_short("./mine"));
	assert_false(rulepath_is_short("lucs.yaml"));
	assert_false(rulepath_is_short("missing.yaml"));
	assert_false(rulepath_is_short("plain"));	/* a file here */
	assert_false(rulepath_is_short("sub"));		/* a directory here */
}

static void test_rulepath_resolve_path(void **state)
{
	struct fix *f = *state;

	assert_true(resolve(f, "/nonexistent/dc.yaml"));
	assert_string_equal(f->path, "/nonexistent/dc.yaml");
	assert_true(resolve(f, "dc.yaml"));
	assert_string_equal(f->path, "dc.yaml");
}

/* A path longer than PATH_MAX is refused, not cut to another one. */
static void test_rulepath_resolve_too_long(void **state)
{
	struct fix *f = *state;
	char *arg = malloc(PATH_MAX + 16);

	assert_non_null(arg);
	memset(arg, 'a', PATH_MAX + 10);
	memcpy(arg, "/tmp/", 5);
	strcpy(arg + PATH_MAX + 5, ".yaml");
	assert_false(resolve(f, arg));
	assert_non_null(strstr(f->msg, ": File name too long"));
	free(arg);
}

/* The first directory holding NAME.yaml wins. */
static void test_rulepath_resolve_in_order(void **state)
{
	struct fix *f = *state;
	char want[PATH_MAX];

	assert_true(resolve(f, "mine"));
	snprintf(want, sizeof want, "%s/mine.yaml", f->dir);
	assert_string_equal(f->path, want);
	assert_true(resolve(f, "other"));
	snprintf(want, sizeof want, "%s/other.yaml", f->sub);
	assert_string_equal(f->path, want);
}

/* Found nowhere: the directories looked in and what is shipped. */
static void test_rulepath_resolve_unknown(void **state)
{
	struct fix *f = *state;
	char want[700];

	assert_false(resolve(f, "windows-infra"));
	snprintf(want, sizeof want,
		 "windows-infra: no such file, nor a catalogue in %s or %s: "
		 "give a file's path or a shipped catalogue: lucs, "
		 "windows-infrastructure", f->dir, f->sub);
	assert_string_equal(f->msg, want);
}

/* A shipped name that is not where it should be: not installed. */
static void test_rulepath_resolve_not_installed(void **state)
{
	struct fix *f = *state;
	char want[700];

	f->dirs.n = 1;
	assert_false(resolve(f, "windows-infrastructure"));
	snprintf(want, sizeof want,
		 "windows-infrastructure: no such file, and the shipped "
		 "catalogue is not in %s: install lucsaudit, or give the "
		 "file's path", f->dir);
	assert_string_equal(f->msg, want);
}

/* --- this program's directories ---------------------------------------------- */

/* A test runs from the build tree: the source tree's rules/ first, named
 * relative to the working directory below which it lies; the installed
 * directory after it. */
static void test_rulepath_dirs_build_tree(void **state)
{
	struct fix *f = *state;
	struct rule_dirs d;

	assert_int_equal(chdir(LUCS_SRCDIR), 0);
	rulepath_dirs(&d);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.dir[0], "rules");
	assert_string_equal(d.dir[1], LUCS_PKGDATADIR);
	assert_int_equal(chdir(f->sub), 0);
	rulepath_dirs(&d);
	assert_true(d.dir[0][0] == '/');
	assert_non_null(strstr(d.dir[0], "/rules"));
}

/* The shipped names are the catalogues of rules/: every .yaml file but
 * the site examples. */
static void test_rulepath_shipped_is_the_tree(void **state)
{
	size_t n, found = 0;
	const char *const *names = rulepath_shipped(&n);
	DIR *dir = opendir(LUCS_SRCDIR "/rules");
	struct dirent *e;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		bool listed = false;

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0 ||
		    strncmp(e->d_name, "site", 4) == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			listed |= strlen(names[i]) == len - 5 &&
				  strncmp(names[i], e->d_name, len - 5) == 0;
		if (!listed)
			fail_msg("rules/%s is not in rulepath.c's shipped list",
				 e->d_name);
		found++;
	}
	closedir(dir);
	assert_int_equal(found, n);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	static const struct CMUnitTest tests[] = {
		T(test_rulepath_is_short),
		T(test_rulepath_resolve_path),
		T(test_rulepath_resolve_too_long),
		T(test_rulepath_resolve_in_order),
		T(test_rulepath_resolve_unknown),
		T(test_rulepath_resolve_not_installed),
		T(test_rulepath_dirs_build_tree),
		T(test_rulepath_shipped_is_the_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
