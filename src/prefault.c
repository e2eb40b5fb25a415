/* prefault.c: see prefault.h. */
#include "prefault.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "thread.h"

#define PREFAULT_STEP (2u << 20)	/* a huge page */

struct prefault {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char *base;
	size_t size, ahead;
	size_t want;		/* commit up to here */
	size_t done;		/* committed up to here */
	bool stop;
	bool failed;		/* the kernel cannot populate: give up */
};

static void *prefault_main(void *arg)
{
	struct prefault *pf = arg;

	pthread_mutex_lock(&pf->lock);
	while (!pf->stop && !pf->failed) {
		size_t from = pf->done, to = pf->want;

		if (from >= to) {
			pthread_cond_wait(&pf->wake, &pf->lock);
			continue;
		}
		pthread_mutex_unlock(&pf->lock);
		/* MADV_POPULATE_WRITE never changes what a page holds, so the
		 * main thread may be writing to the same pages meanwhile. */
		bool ok = madvise(pf->base + from, to - from,
				  MADV_POPULATE_WRITE) == 0;
		pthread_mutex_lock(&pf->lock);
		pf->done = to;
		pf->failed = !ok;
	}
	pthread_mutex_unlock(&pf->lock);
	return NULL;
}

static size_t clamp(const struct prefault *pf, size_t n)
{
	return n < pf->size ? n : pf->size;
}

struct prefault *prefault_start(void *base, size_t size, size_t ahead)
{
	struct prefault *pf;

	/* A region no larger than the distance ahead faults in a few
	 * milliseconds at most: not worth a thread. */
	if (size <= ahead || !(pf = calloc(1, sizeof *pf)))
		return NULL;
	pf->base = base;
	pf->size = size;
	pf->ahead = ahead;
	pf->want = clamp(pf, ahead);
	pthread_mutex_init(&pf->lock, NULL);
	pthread_cond_init(&pf->wake, NULL);
	if (thread_start(&pf->thread, prefault_main, pf) != 0) {
		pthread_cond_destroy(&pf->wake);
		pthread_mutex_destroy(&pf->lock);
		free(pf);
		return NULL;
	}
	return pf;
}

size_t prefault_reach(struct prefault *pf, size_t used)
{
	size_t next;

	pthread_mutex_lock(&pf->lock);
	if (pf->failed || pf->want == pf->size) {
		next = SIZE_MAX;
	} else {
		pf->want = clamp(pf, used + pf->ahead);
		pthread_cond_signal(&pf->wake);
		next = used + PREFAULT_STEP;
	}
	pthread_mutex_unlock(&pf->lock);
	return next;
}

void prefault_stop(struct prefault *pf)
{
	if (!pf)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->stop = true;
	pthread_cond_signal(&pf->wake);
	pthread_mutex_unlock(&pf->lock);
	pthread_join(pf->thread, NULL);
	pthread_cond_destroy(&pf->wake);
	pthread_mutex_destroy(&pf->lock);
	free(pf);
}
