/* loader.c: a rulebook loaded in a thread; it owns the thread and the
 * book until the run takes it, or lets it go. */
#include "loader.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "thread.h"

enum { LOADING, LOADED, ABANDONED };

struct loader {
	pthread_t thread;
	const struct rule_sources *src;
	atomic_int state;
	struct rulebook book;
	bool ok;
	char msg[1024];
};

static void *loader_main(void *arg)
{
	struct loader *l = arg;
	int loading = LOADING;

	l->ok = rulebook_load(l->src, &l->book, l->msg, sizeof l->msg);
	if (atomic_compare_exchange_strong(&l->state, &loading, LOADED))
		return NULL;
	/* let go meanwhile: nobody will take the result */
	if (l->ok)
		rulebook_free(&l->book);
	free(l);
	return NULL;
}

struct loader *loader_start(const struct rule_sources *src)
{
	struct loader *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->src = src;
	atomic_init(&l->state, LOADING);
	if (thread_start(&l->thread, loader_main, l) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

bool loader_done(struct loader *l)
{
	return atomic_load(&l->state) == LOADED;
}

bool loader_take(struct loader *l, struct rulebook *book, char *msg,
		 size_t size)
{
	bool ok;

	pthread_join(l->thread, NULL);
	ok = l->ok;
	if (ok)
		*book = l->book;
	else
		snprintf(msg, size, "%s", l->msg);
	free(l);
	return ok;
}

void loader_abandon(struct loader *l)
{
	int loading = LOADING;

	if (atomic_compare_exchange_strong(&l->state, &loading, ABANDONED)) {
		pthread_detach(l->thread);	/* it frees what it made */
		return;
	}
	pthread_join(l->thread, NULL);
	if (l->ok)
		rulebook_free(&l->book);
	free(l);
}
