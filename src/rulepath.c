/* rulepath.c: --rules arguments to file names: a path as it is, a short
 * name to a shipped catalogue. */
#include "rulepath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Makefile.am defines where `make install` puts the rules/ files, the source
 * tree's rules/ and the top build directory. */
#if !defined(LUCS_PKGDATADIR) || !defined(LUCS_SOURCE_RULES) || \
	!defined(LUCS_BUILD_TREE)
#error "LUCS_PKGDATADIR, LUCS_SOURCE_RULES and LUCS_BUILD_TREE come from Makefile.am"
#endif

/* Every catalogue of rules/ that Makefile.am installs (test_rulebook checks
 * the list against the source tree). */
static const char *const shipped[] = { "lucs", "windows-infrastructure" };

const char *const *rulepath_shipped(size_t *count)
{
	*count = sizeof shipped / sizeof *shipped;
	return shipped;
}

/* This program lies below the top build directory (Linux's
 * /proc/self/exe, as lucsaudit is for Linux). */
static bool in_build_tree(void)
{
	char exe[PATH_MAX], top[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t len;

	if (n <= 0 || !realpath(LUCS_BUILD_TREE, top))
		return false;
	exe[n] = '\0';
	len = strlen(top);
	return strncmp(exe, top, len) == 0 && exe[len] == '/';
}

/* dir without ".." or links, relative to the working directory when
 * it lies below it. */
static void below_cwd(char *out, size_t size, const char *dir)
{
	char cwd[PATH_MAX], real[PATH_MAX];
	size_t len;

	if (!realpath(dir, real)) {
		snprintf(out, size, "%s", dir);
		return;
	}
	len = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
	if (len && strncmp(real, cwd, len) == 0 && real[len] == '/')
		snprintf(out, size, "%s", real + len + 1);
	else
		snprintf(out, size, "%s", real);
}

void rulepath_dirs(struct rule_dirs *d)
{
	d->n = 0;
	if (in_build_tree())
		below_cwd(d->dir[d->n++], sizeof d->dir[0], LUCS_SOURCE_RULES);
	snprintf(d->dir[d->n++], sizeof d->dir[0], "%s", LUCS_PKGDATADIR);
}

bool rulepath_is_short(const char *arg)
{
	size_t len = strlen(arg);
	struct stat st;

	return len > 0 && !strchr(arg, '/') &&
	       !(len >= 5 && strcmp(arg + len - 5, ".yaml") == 0) &&
	       stat(arg, &st) != 0 && errno == ENOENT;
}

static bool is_shipped(const char *name)
{
	for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++)
		if (strcmp(shipped[i], name) == 0)
			return true;
	return false;
}

/* "a, b, c" or "a or b" into buf. */
static void join(char *buf, size_t size, const char *sep,
		 const char *const *items, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s",
				 i ? sep : "", items[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static void not_found(const char *arg, const struct rule_dirs *d,
		      struct load_error *err)
{
	const char *dirs[RULEPATH_MAX_DIRS];
	char names[256], where[RULEPATH_MAX_DIRS * PATH_MAX];

	for (size_t i = 0; i < d->n; i++)
		dirs[i] = d->dir[i];
	join(where, sizeof where, " or ", dirs, d->n);
	if (is_shipped(arg)) {
		load_error_pos(err, arg, 0, 0,
			       "no such file, and the shipped catalogue is not "
			       "in %s: install lucsaudit, or give the file's "
			       "path", where);
		return;
	}
	join(names, sizeof names, ", ", shipped,
	     sizeof shipped / sizeof *shipped);
	load_error_pos(err, arg, 0, 0,
		       "no such file, nor a catalogue in %s: give a file's "
		       "path or a shipped catalogue: %s", where, names);
}

bool rulepath_resolve(const char *arg, const struct rule_dirs *d,
		      char *path, size_t size, struct load_error *err)
{
	struct stat st;

	if (!rulepath_is_short(arg)) {
		if (strlen(arg) >= size) {	/* never read a cut name */
			load_error_pos(err, arg, 0, 0, "%s",
				       strerror(ENAMETOOLONG));
			return false;
		}
		snprintf(path, size, "%s", arg);
		return true;
	}
	for (size_t i = 0; i < d->n; i++) {
		int w = snprintf(path, size, "%s/%s.yaml", d->dir[i], arg);

		if (w > 0 && (size_t)w < size && stat(path, &st) == 0)
			return true;
	}
	not_found(arg, d, err);
	return false;
}
