/* out.h: the buffered writer every report goes through.
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
	bool color;		/* ANSI colour wanted (text on a terminal) */
	int error;		/* errno of the first failed write, or 0 */
	off_t committed;	/* file offset after the last full flush */
	size_t record;		/* buffer offset where the open record began */
	char *buf;
	size_t len, cap;
	char *path;		/* for reopen; NULL for standard output */
	int64_t time_sec;	/* the second time_text shows */
	int64_t time_day;	/* and its day */
	char time_text[32];	/* "2026-11-23T10:00:01" */
	size_t time_len;	/* 0: nothing cached */
	size_t date_len;	/* "2026-11-23T" */
	struct out_writer *writer;	/* NULL: write() in the caller */
};

/* path NULL or "-" is standard output; a file is emptied first unless
 * append (a live audit's log survives restarts).  Returns 0 or an errno
 * value. */
int out_open(struct out *o, const char *path, bool append);
/* Reopen the same path (log rotation); 0 or an errno value. */
int out_reopen(struct out *o);
int out_close(struct out *o);
/* Write in a thread from now on (which blocks every signal); false, and
 * nothing changes, when no thread can be made. */
bool out_start_writer(struct out *o);

/* Room for n more bytes at the end of the buffer, for a writer that
 * formats a whole record in place and then calls out_commit with where it
 * ended; NULL once an error has stuck. */
char *out_reserve(struct out *o, size_t n);

static inline void out_commit(struct out *o, char *end)
{
	o->len = (size_t)(end - o->buf);
}

/* In-place formatting: each writes at p and returns the end. */
#define PUT_LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static inline char *put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static inline char *put_str(char *p, const char *s)
{
	return put_mem(p, s, strlen(s));
}

/* The first n bytes of the array a, copied as the whole array: a copy of
 * known size is a few moves, where a call to memcpy for a short string
 * costs more than its bytes.  Needs sizeof(a) bytes of room at p. */
#define PUT_PREFIX(p, a, n) (memcpy((p), (a), sizeof(a)), (p) + (n))

/* Writes the digits only: 20 bytes at most. */
char *put_u64(char *p, uint64_t v);
/* RFC 3339 with microseconds; needs OUT_TIME_MAX bytes of room, writes 27
 * for the years 0-9999 any capture has. */
#define OUT_TIME_MAX 40
char *put_time(struct out *o, char *p, int64_t us);

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

void out_u64(struct out *o, uint64_t v);
void out_i64(struct out *o, int64_t v);
/* v right-aligned in a field of width characters. */
void out_u64_width(struct out *o, uint64_t v, int width);
/* s padded with spaces to width characters (never cut). */
void out_str_width(struct out *o, const char *s, int width);
/* A JSON string, quoted and escaped (RFC 8259). */
void out_json_str(struct out *o, const char *s);
/* An RFC 4180 field: quoted when it holds a comma, quote or line break. */
void out_csv_str(struct out *o, const char *s);
/* RFC 3339 UTC with microseconds: 2026-11-23T10:00:01.000250Z */
void out_time(struct out *o, int64_t us);
void out_addr(struct out *o, int family, const uint8_t *addr);

/* End a record; the buffer is flushed once it holds enough of them. */
void out_end_record(struct out *o);
/* Write out every complete record now; 0 or the sticky errno. */
int out_flush(struct out *o);

static inline int out_error(const struct out *o)
{
	return o->error;
}

/* Text forms shared by the writers. */
void format_time(char *buf, size_t size, int64_t us);
/* "2026-11-23T10:00:01" (seconds, no zone); returns the length. */
size_t format_date(char *buf, size_t size, int64_t sec);
/* Returns the length written. */
size_t format_addr(char *buf, size_t size, int family, const uint8_t *addr);

#endif
