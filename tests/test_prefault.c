/* test_prefault.c: the helper commits pages ahead of the use reported, and
 * only those, without changing what any page holds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "prefault.h"

#define MIB (1u << 20)
#define REGION (64 * MIB)
#define AHEAD (8 * MIB)

static size_t page;

/* Pages of [p, p + len) the kernel has mapped. */
static size_t resident(const char *p, size_t len)
{
	unsigned char vec[REGION / 4096];
	size_t n = len / page, count = 0;

	assert_true(n <= sizeof vec);
	assert_int_equal(mincore((void *)p, len, vec), 0);
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

/* The helper works on its own time: wait up to five seconds for it. */
static size_t resident_within(const char *p, size_t len, size_t want)
{
	struct timespec nap = { 0, 1000000 };
	size_t got = 0;

	for (int i = 0; i < 5000 && (got = resident(p, len)) < want; i++)
		nanosleep(&nap, NULL);
	return got;
}

static char *map_region(void)
{
	void *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	/* Small pages, so that residency is counted as the helper asked. */
	madvise(p, REGION, MADV_NOHUGEPAGE);
	return p;
}

static void test_commits_ahead_of_use(void **state)
{
	char *base = map_region();
	struct prefault *pf = prefault_start(base, REGION, AHEAD);
	size_t next;

	(void)state;
	if (!pf)
		skip();
	/* The start commits the first AHEAD bytes, and nothing past them. */
	assert_int_equal(resident_within(base, AHEAD, AHEAD / page),
			 AHEAD / page);
	/* Using the first 20 MiB (written here, as a pool's owner would)
	 * moves the commitment to 28 MiB; what was written stays. */
	memset(base, 0xa5, 20 * MIB);
	next = prefault_reach(pf, 20 * MIB);
	assert_true(next > 20 * MIB && next < REGION);
	assert_int_equal(resident_within(base, 28 * MIB, 28 * MIB / page),
			 28 * MIB / page);
	prefault_stop(pf);
	assert_int_equal(resident(base + 28 * MIB, REGION - 28 * MIB), 0);
	for (size_t i = 0; i < 20 * MIB; i += page)
		assert_int_equal((unsigned char)base[i], 0xa5);
	for (size_t i = 20 * MIB; i < 28 * MIB; i += page)
		assert_int_equal(base[i], 0);
	munmap(base, REGION);
}

static void test_reach_at_the_end(void **state)
{
	char *base = map_region();
	struct prefault *pf = prefault_start(base, REGION, AHEAD);

	(void)state;
	if (!pf)
		skip();
	/* Asking past the end commits to the end; once there, never call
	 * again. */
	assert_true(prefault_reach(pf, REGION - MIB) != SIZE_MAX);
	assert_int_equal(prefault_reach(pf, REGION), SIZE_MAX);
	assert_int_equal(resident_within(base, REGION, REGION / page),
			 REGION / page);
	prefault_stop(pf);
	munmap(base, REGION);
}

static void test_small_region_has_no_helper(void **state)
{
	char *base = map_region();

	(void)state;
	assert_null(prefault_start(base, AHEAD, AHEAD));
	assert_int_equal(resident(base, AHEAD), 0);
	prefault_stop(NULL);
	munmap(base, REGION);
}

/* Stopping while the helper is still at work joins it cleanly. */
static void test_stop_while_busy(void **state)
{
	char *base = map_region();
	struct prefault *pf = prefault_start(base, REGION, REGION / 2);

	(void)state;
	if (!pf)
		skip();
	prefault_reach(pf, REGION / 2);
	prefault_stop(pf);
	munmap(base, REGION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commits_ahead_of_use),
		cmocka_unit_test(test_reach_at_the_end),
		cmocka_unit_test(test_small_region_has_no_helper),
		cmocka_unit_test(test_stop_while_busy),
	};

	page = (size_t)sysconf(_SC_PAGESIZE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
