/* out.h: the record writer every report goes through: buffered output
 * that reaches its file in whole records.
 *
 * Records are appended whole and only whole records are ever flushed, so a
 * reader never sees half a JSON line; when a write to a regular file fails
 * part-way (disk full), the file is cut back to its last complete line.
 * The first error sticks: later writes are dropped and out_error() tells.
 *
 * With out_start_writer(), full buffers are written by a thread of their
 * own while the next one fills: a flood's records cost the audit only
 * their formatting.  An error is then learnt at the next hand-over, and
 * what was formatted meanwhile is dropped as if formatted after it.
 */
#ifndef LUCS_OUT_H
#define LUCS_OUT_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct out_writer;

struct out {
	int fd;
	bool owns_fd;
	bool regular;		/* a regular file: can be cut back on error */
	bool tty;
	int error;		/* errno of the first failed write, or 0 */
	size_t record;		/* buffer offset where the open record began */
	char *buf;
	size_t len, cap;
	char *path;		/* for reopen; NULL for standard output */
	char *replaces;		/* out_open_replace's path, or NULL */
	struct out_writer *writer;	/* NULL: write() in the caller */
	const volatile sig_atomic_t *stop;	/* set: the run is stopping */
	atomic_bool abandon;	/* a blocked write is given up */
};

/* path NULL or "-" is standard output; a file is opened for appending
 * (records land at its real end, whatever happens to it meanwhile) and
 * emptied first unless append (a live audit's log survives restarts).
 * Returns 0 or an errno value. */
int out_open(struct out *o, const char *path, bool append);
/* A file written whole, then put in place (a page): a new file is
 * opened beside path, in its directory, and out_close_replace renames it
 * over path once every byte reached it, or removes it: a reader of path
 * sees the old file or the new one, never half of one.  0 or an errno. */
int out_open_replace(struct out *o, const char *path);
/* keep false: the new file is removed and path left alone.  0, or the
 * errno of the first failure (the new file is then removed). */
int out_close_replace(struct out *o, bool keep);
/* Reopen the same path (log rotation); 0 or an errno value. */
int out_reopen(struct out *o);
int out_close(struct out *o);
/* Write in a thread from now on (which blocks every signal); false, and
 * nothing changes, when no thread can be made. */
bool out_start_writer(struct out *o);

/* stop is the flag the run's stop signals set: once it is, a write that
 * blocks (a pipe or FIFO whose reader stopped reading) is given up within
 * about LUCS_CAPTURE_WAIT_MS, and fails with ECANCELED, sticky as any
 * write error: the records not written are lost, and said to be. */
void out_watch_stop(struct out *o, const volatile sig_atomic_t *stop);

/* Room for n more bytes at the end of the buffer, for a writer that
 * formats a whole record in place and then calls out_commit with where it
 * ended; NULL once an error has stuck. */
char *out_reserve(struct out *o, size_t n);

static inline void out_commit(struct out *o, char *end)
{
	o->len = (size_t)(end - o->buf);
}

/* Appending is inline: the common case is a copy into room already there. */
void out_write_slow(struct out *o, const void *p, size_t n);

static inline void out_write(struct out *o, const void *p, size_t n)
{
	if (n <= o->cap - o->len && !o->error) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else {
		out_write_slow(o, p, n);
	}
}

static inline void out_char(struct out *o, char c)
{
	if (o->len < o->cap && !o->error)
		o->buf[o->len++] = c;
	else
		out_write_slow(o, &c, 1);
}

static inline void out_str(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

/* End a record; the buffer is flushed once it holds enough of them. */
void out_end_record(struct out *o);
/* Write out every complete record now; 0 or the sticky errno. */
int out_flush(struct out *o);

static inline int out_error(const struct out *o)
{
	return o->error;
}

#endif
