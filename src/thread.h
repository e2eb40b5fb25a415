/* thread.h: the helper threads (capture's reader, out's writer, the rules
 * loader) start with every signal blocked, so that signals reach the main
 * thread, whose handlers stop the run, report and reload.
 *
 * A helper blocked in read(2) or write(2) on a pipe that stays silent (a
 * FIFO whose writer went quiet, a reader that stopped reading) cannot see
 * that the run is stopping: thread_wake() sends it THREAD_WAKE_SIGNAL,
 * which it alone accepts (thread_accept_wake) and whose handler does
 * nothing, installed without SA_RESTART, so the call fails with EINTR. */
#ifndef LUCS_THREAD_H
#define LUCS_THREAD_H

#include <pthread.h>
#include <signal.h>
#include <string.h>

#define THREAD_WAKE_SIGNAL SIGURG

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

static inline void thread_wake_handler(int sig)
{
	(void)sig;
}

/* In a helper thread: THREAD_WAKE_SIGNAL interrupts its blocking calls. */
static inline void thread_accept_wake(void)
{
	struct sigaction sa;
	sigset_t wake;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = thread_wake_handler;
	sigaction(THREAD_WAKE_SIGNAL, &sa, NULL);
	sigemptyset(&wake);
	sigaddset(&wake, THREAD_WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
}

/* Interrupt t's blocking call, if it is in one (a hint: the call may be
 * about to begin, so a caller that waits repeats it). */
static inline void thread_wake(pthread_t t)
{
	pthread_kill(t, THREAD_WAKE_SIGNAL);
}

#endif
