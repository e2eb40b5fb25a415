/* fmt.h: the text forms every writer shares, after RFC 3339 (times),
 * RFC 5952 (IPv6 addresses), RFC 8259 (JSON strings), RFC 4180 (CSV
 * fields) and HTML5 (text and attribute values).  put_* write in place, at p, into room the caller reserved
 * (out_reserve) and return the end; out_* append to an out. */
#ifndef LUCS_FMT_H
#define LUCS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "out.h"

/* "" s "": only a string literal compiles here (a pointer's sizeof would
 * silently cut the text). */
#define PUT_LIT(p, s) \
	(memcpy((p), "" s "", sizeof("" s "") - 1), (p) + sizeof(s) - 1)

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

/* The text of the last second put_time wrote, and of its day: records come
 * in time order, so most times differ from the last in their fraction or
 * clock only.  Zeroed, it is empty. */
struct time_cache {
	int64_t sec;		/* the second text shows */
	int64_t day;		/* and its day */
	char text[32];		/* "2026-11-23T10:00:01" */
	size_t len;		/* 0: nothing cached */
	size_t date_len;	/* "2026-11-23T" */
};

char *put_time(struct time_cache *tc, char *p, int64_t us);

void out_u64(struct out *o, uint64_t v);
void out_i64(struct out *o, int64_t v);
/* v right-aligned in a field of width characters. */
void out_u64_width(struct out *o, uint64_t v, int width);
/* s padded with spaces to width characters (never cut). */
void out_str_width(struct out *o, const char *s, int width);
/* A JSON string, quoted and escaped (RFC 8259). */
void out_json_str(struct out *o, const char *s);
/* Text for HTML, in an element or a quoted attribute: & < > " and '
 * written as character references (HTML5, 13.1.4). */
void out_html_str(struct out *o, const char *s);
/* An RFC 4180 field: quoted when it holds a comma, quote or line break. */
void out_csv_str(struct out *o, const char *s);
/* RFC 3339 UTC with microseconds: 2026-11-23T10:00:01.000250Z */
void out_time(struct out *o, struct time_cache *tc, int64_t us);
void out_addr(struct out *o, int family, const uint8_t *addr);

/* Into a buffer of size bytes, always terminated: */
void format_time(char *buf, size_t size, int64_t us);
/* "2026-11-23T10:00:01" (seconds, no zone); returns the length. */
size_t format_date(char *buf, size_t size, int64_t sec);
/* Returns the length written. */
size_t format_addr(char *buf, size_t size, int family, const uint8_t *addr);

/* names joined by sep into buf, cut (never overrun) when it is full;
 * returns the length of the string written. */
size_t names_join(char *buf, size_t size, const char *const *names,
		  size_t n, char sep);

#endif
