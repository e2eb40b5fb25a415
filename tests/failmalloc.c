/* tests/failmalloc.c: a preloaded malloc that fails once a file exists,
 * for the test that runs lucsaudit out of memory mid-run
 * (tests/output-errors.sh): LD_PRELOAD=tests/failmalloc.so and
 * LUCS_FAILMALLOC=PATH; from the moment PATH exists, malloc, calloc and
 * realloc of anything return NULL with ENOMEM.  glibc's own allocator
 * does the work until then (__libc_malloc and its kin). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static int failing(void)
{
	const char *path = getenv("LUCS_FAILMALLOC");

	if (!path || access(path, F_OK) != 0)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return failing() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return failing() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return failing() ? NULL : __libc_realloc(p, n);
}
