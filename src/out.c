/* out.c: the record writer: buffered, record-whole output with sticky
 * errors, written in the caller's thread or a thread of its own.  It owns
 * the output's descriptor and buffers; formatting is fmt.c's. */
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "thread.h"
#include "tunables.h"

static int open_fd(struct out *o, int flags)
{
	struct stat st;

	if (!o->path) {
		o->fd = STDOUT_FILENO;
		o->owns_fd = false;
	} else {
		/* Appending: a file truncated behind lucsaudit's back
		 * (logrotate's copytruncate) is written at its new end, not
		 * at the old offset over a run of NUL bytes. */
		o->fd = open(o->path, O_WRONLY | O_CREAT | O_CLOEXEC |
				      O_APPEND | flags, 0644);
		if (o->fd < 0)
			return errno;
		o->owns_fd = true;
	}
	o->regular = fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode);
	o->tty = isatty(o->fd);
	return 0;
}

/* The buffer of an out being opened. */
static int out_init(struct out *o)
{
	memset(o, 0, sizeof *o);
	o->fd = -1;
	/* Records are handed on at LUCS_WRITE_BUFFER / 2; the rest is room
	 * kept for the summary, one record that may run to megabytes, so
	 * that it is written even once memory has run out (malloc maps the
	 * pages only as they are used). */
	o->cap = LUCS_WRITE_BUFFER + LUCS_SUMMARY_RESERVE;
	o->buf = malloc(o->cap);
	return o->buf ? 0 : ENOMEM;
}

int out_open(struct out *o, const char *path, bool append)
{
	int err;

	if (out_init(o))
		return ENOMEM;
	if (path && strcmp(path, "-") != 0) {
		o->path = strdup(path);
		if (!o->path) {
			free(o->buf);
			return ENOMEM;
		}
	}
	err = open_fd(o, append ? 0 : O_TRUNC);
	if (err) {
		free(o->buf);
		free(o->path);
		o->buf = o->path = NULL;
	}
	return err;
}

/* Cut a regular file back to the last newline of buf that reached it, so
 * a failed write never leaves half a record behind; returns the bytes that
 * stay in the file (all of them where it cannot be cut: a pipe).  The cut
 * is made from the file's real size, where the partial record ends, not
 * from a count of lucsaudit's own: the file may have been truncated
 * behind its back. */
static size_t cut_back(struct out *o, const char *buf, size_t written)
{
	size_t keep = written;
	struct stat st;

	while (keep > 0 && buf[keep - 1] != '\n')
		keep--;
	if (!o->regular || keep == written || fstat(o->fd, &st) != 0 ||
	    st.st_size < (off_t)(written - keep) ||
	    ftruncate(o->fd, st.st_size - (off_t)(written - keep)) != 0)
		return written;
	return keep;
}

/* The run is stopping while a write waits: a reader that stopped
 * reading must not hold lucsaudit up. */
static bool stopping(const struct out *o)
{
	return (o->stop && *o->stop) || atomic_load(&o->abandon);
}

/* Write buf's n bytes; 0, or the errno of a failure.  *kept is what
 * reached the file for good: n, or after a failure what cut_back left. */
static int write_whole(struct out *o, const char *buf, size_t n, size_t *kept)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(o->fd, buf + done, n - done);

		if (w < 0 && errno == EINTR && !stopping(o))
			continue;
		if (w < 0 && errno == EINTR)
			errno = ECANCELED;	/* the run stops: give up */
		if (w <= 0) {
			int err = w < 0 ? errno : EIO;

			*kept = cut_back(o, buf, done);
			return err;
		}
		done += (size_t)w;
	}
	*kept = n;
	return 0;
}

/* The buffer's first n bytes are dealt with: drop them.  After a failure
 * the rest stays, so what reached the file never goes out twice should a
 * reopen clear the error. */
static void consume(struct out *o, size_t n)
{
	memmove(o->buf, o->buf + n, o->len - n);
	o->len -= n;
	o->record -= n;
}

static void flush_bytes(struct out *o, size_t n)
{
	size_t kept;
	int err = write_whole(o, o->buf, n, &kept);

	if (err)
		o->error = err;
	consume(o, kept);
}

/* --- the writer thread ---------------------------------------------------
 * Two buffers: the caller fills o->buf while the thread writes the spare.
 * Only the thread touches fd and regular while a job is under
 * way; the caller waits for it before it reopens or closes. */

struct out_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* a job was given, or quit */
	pthread_cond_t idle;	/* the job is done */
	char *spare;		/* the buffer being written, or free */
	size_t spare_cap;
	size_t job;		/* bytes of spare to write */
	size_t kept;		/* of which reached the file */
	int error;		/* the job's errno, or 0 */
	bool busy, quit;
};

static void *writer_main(void *arg)
{
	struct out *o = arg;
	struct out_writer *w = o->writer;

	/* a write to a reader that stopped reading ends when the run stops */
	thread_accept_wake();
	pthread_mutex_lock(&w->lock);
	for (;;) {
		size_t kept;
		int err;

		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->lock);
		err = write_whole(o, w->spare, w->job, &kept);
		pthread_mutex_lock(&w->lock);
		w->error = err;
		w->kept = kept;
		w->busy = false;
		pthread_cond_signal(&w->idle);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The buffer being filled becomes the spare, and the spare the buffer. */
static void swap_buffers(struct out *o, struct out_writer *w)
{
	char *buf = o->buf;
	size_t cap = o->cap;

	o->buf = w->spare;
	o->cap = w->spare_cap;
	w->spare = buf;
	w->spare_cap = cap;
}

/* The job under way is done, or LUCS_CAPTURE_WAIT_MS have passed. */
static void wait_idle(struct out_writer *w)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)LUCS_CAPTURE_WAIT_MS * 1000000;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	pthread_cond_timedwait(&w->idle, &w->lock, &t);
}

/* Wait for the job under way.  A failure sticks as it would without the
 * thread: the bytes it could not write become the buffer again, and what
 * was formatted meanwhile is dropped.  While the run stops, a job that
 * does not end (a reader that stopped reading) is given up. */
static void writer_wait(struct out *o)
{
	struct out_writer *w = o->writer;

	pthread_mutex_lock(&w->lock);
	while (w->busy) {
		wait_idle(w);
		if (w->busy && o->stop && *o->stop) {
			atomic_store(&o->abandon, true);
			thread_wake(w->thread);
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (w->error && !o->error) {
		swap_buffers(o, w);
		o->len = w->job;
		o->record = w->job;
		consume(o, w->kept);
		o->error = w->error;
	}
	w->job = 0;
	w->error = 0;
}

/* Give the complete records to the thread and go on in the spare buffer
 * with the record under way, if any. */
static void hand_off(struct out *o)
{
	struct out_writer *w = o->writer;
	size_t tail = o->len - o->record;

	writer_wait(o);
	if (o->error)
		return;
	if (w->spare_cap < o->cap) {
		char *grown = realloc(w->spare, o->cap);

		if (!grown) {
			o->error = ENOMEM;
			return;
		}
		w->spare = grown;
		w->spare_cap = o->cap;
	}
	swap_buffers(o, w);
	memcpy(o->buf, w->spare + o->record, tail);
	w->job = o->record;
	o->len = tail;
	o->record = 0;
	pthread_mutex_lock(&w->lock);
	w->busy = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

static void writer_free(struct out_writer *w)
{
	pthread_cond_destroy(&w->idle);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w->spare);
	free(w);
}

bool out_start_writer(struct out *o)
{
	struct out_writer *w = calloc(1, sizeof *w);
	pthread_condattr_t attr;

	if (!w || !(w->spare = malloc(o->cap))) {
		free(w);
		return false;
	}
	w->spare_cap = o->cap;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->idle, &attr);
	pthread_condattr_destroy(&attr);
	o->writer = w;
	if (thread_start(&w->thread, writer_main, o) != 0) {
		o->writer = NULL;
		writer_free(w);
		return false;
	}
	return true;
}

static void writer_stop(struct out *o)
{
	struct out_writer *w = o->writer;

	pthread_mutex_lock(&w->lock);
	w->quit = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	writer_free(w);
	o->writer = NULL;
}

/* The complete records go out: now, or handed to the thread. */
static void flush_records(struct out *o)
{
	if (o->error || o->record == 0)
		return;
	if (o->writer)
		hand_off(o);
	else
		flush_bytes(o, o->record);
}

int out_flush(struct out *o)
{
	flush_records(o);
	if (o->writer)
		writer_wait(o);
	return o->error;
}

/* The new file is opened before the old one is closed: when it cannot be
 * (a rotated directory the -Z user may not write), records keep going to
 * the old file rather than nowhere. */
int out_reopen(struct out *o)
{
	struct out fresh = *o;
	int err;

	if (!o->path)
		return 0;
	out_flush(o);
	err = open_fd(&fresh, 0);
	if (err)
		return err;
	if (o->owns_fd)
		close(o->fd);
	o->fd = fresh.fd;
	o->owns_fd = fresh.owns_fd;
	o->regular = fresh.regular;
	o->tty = fresh.tty;
	o->error = 0;
	return 0;
}

/* PATH.PID.N.tmp, created new (O_EXCL: never a file already there,
 * whoever made it); the mode is out_open's, after the umask. */
static int open_beside(struct out *o, const char *path)
{
	size_t size = strlen(path) + 48;

	if (!(o->path = malloc(size)))
		return ENOMEM;
	for (unsigned n = 0; n < 100; n++) {
		snprintf(o->path, size, "%s.%ld.%u.tmp", path, (long)getpid(),
			 n);
		o->fd = open(o->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     0644);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	if (o->fd < 0)
		return errno;
	o->owns_fd = true;
	o->regular = true;
	return 0;
}

int out_open_replace(struct out *o, const char *path)
{
	int err = out_init(o);

	if (!err && !(o->replaces = strdup(path)))
		err = ENOMEM;
	if (!err)
		err = open_beside(o, path);
	if (err) {
		free(o->buf);
		free(o->path);
		free(o->replaces);
		memset(o, 0, sizeof *o);
		o->fd = -1;
	}
	return err;
}

int out_close_replace(struct out *o, bool keep)
{
	char *tmp = o->path, *path = o->replaces;
	int err;

	o->path = o->replaces = NULL;
	err = out_close(o);
	if (keep && !err && rename(tmp, path) != 0)
		err = errno;
	if (!keep || err)
		unlink(tmp);
	free(tmp);
	free(path);
	return err;
}

int out_close(struct out *o)
{
	int err = out_flush(o);

	if (o->writer)
		writer_stop(o);
	if (o->owns_fd && close(o->fd) != 0 && !err)
		err = errno;
	free(o->buf);
	free(o->path);
	o->buf = NULL;
	o->path = NULL;
	o->fd = -1;
	return err;
}

char *out_reserve(struct out *o, size_t n)
{
	if (o->error)
		return NULL;
	if (n > o->cap - o->len)
		flush_records(o);
	while (!o->error && n > o->cap - o->len) {
		char *nb = realloc(o->buf, o->cap * 2);

		if (!nb) {
			o->error = ENOMEM;
			break;
		}
		o->buf = nb;
		o->cap *= 2;
	}
	return o->error ? NULL : o->buf + o->len;
}

void out_write_slow(struct out *o, const void *p, size_t n)
{
	char *d = out_reserve(o, n);

	if (d) {
		memcpy(d, p, n);
		out_commit(o, d + n);
	}
}

void out_end_record(struct out *o)
{
	o->record = o->len;
	if (o->len >= LUCS_WRITE_BUFFER / 2)
		flush_records(o);
}

void out_watch_stop(struct out *o, const volatile sig_atomic_t *stop)
{
	o->stop = stop;
}
