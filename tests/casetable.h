/* casetable.h: a cmocka group of fixed tests plus one test per entry of a
 * table of inputs (test_catalogue.c, test_site.c), so that every malformed
 * input is reported under a name of its own: PREFIX<entry name>. */
#ifndef LUCS_TESTS_CASETABLE_H
#define LUCS_TESTS_CASETABLE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Entries of the table are structs of `size` bytes whose first member is
 * their name (const char *); each runs fn with the entry as its state. */
static inline int run_case_table(const char *group,
				 const struct CMUnitTest *fixed, size_t nfixed,
				 const char *prefix, const void *table,
				 size_t ncases, size_t size,
				 CMUnitTestFunction fn, CMFixtureFunction setup,
				 CMFixtureFunction teardown)
{
	struct CMUnitTest *tests = calloc(nfixed + ncases, sizeof *tests);
	char (*names)[96] = calloc(ncases + 1, sizeof *names);
	int failed;

	if (!tests || !names) {
		free(tests);
		free(names);
		return 1;
	}
	memcpy(tests, fixed, nfixed * sizeof *fixed);
	for (size_t i = 0; i < ncases; i++) {
		const void *entry = (const char *)table + i * size;
		const char *name;

		memcpy(&name, entry, sizeof name);
		snprintf(names[i], sizeof names[i], "%s%s", prefix, name);
		tests[nfixed + i] = (struct CMUnitTest){
			names[i], fn, setup, teardown, (void *)entry
		};
	}
	failed = _cmocka_run_group_tests(group, tests, nfixed + ncases, NULL,
					 NULL);
	free(tests);
	free(names);
	return failed;
}

#endif
