/* thread.h: the helper threads (capture's reader, out's writer) start
 * with every signal blocked, so that signals reach the main thread, whose
 * handlers stop the run, report and reload. */
#ifndef LUCS_THREAD_H
#define LUCS_THREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create's result: 0 or an errno value. */
static inline int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

#endif
