/* fmt.c: the text forms every writer shares: numbers, RFC 3339 times,
 * RFC 5952 addresses, JSON and CSV strings, written in place or appended
 * to an out.  It owns nothing but the time cache its callers keep. */
#include "fmt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "00" "01" ... "99": numbers are written two digits at a time. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static size_t u64_digits(uint64_t v, char *end)
{
	char *p = end;

	while (v >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return (size_t)(end - p);
}

static unsigned u64_length(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/* Digits go straight to their place, the length counted first: a wide copy
 * from a scratch buffer just written two bytes at a time would wait for
 * those stores to land (no store forwarding), some 5 ns a number. */
char *put_u64(char *p, uint64_t v)
{
	char *end = p + u64_length(v);

	u64_digits(v, end);
	return end;
}

void out_u64(struct out *o, uint64_t v)
{
	char *p = out_reserve(o, 20);

	if (p)
		out_commit(o, put_u64(p, v));
}

void out_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_char(o, '-');
		out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		out_u64(o, (uint64_t)v);
	}
}

static void out_spaces(struct out *o, int n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;

		out_write(o, spaces, (size_t)k);
		n -= k;
	}
}

void out_u64_width(struct out *o, uint64_t v, int width)
{
	char tmp[20];
	size_t n = u64_digits(v, tmp + sizeof tmp);

	out_spaces(o, width - (int)n);
	out_write(o, tmp + sizeof tmp - n, n);
}

void out_str_width(struct out *o, const char *s, int width)
{
	size_t n = strlen(s);

	out_write(o, s, n);
	out_spaces(o, width - (int)n);
}

/* Runs of plain characters go out in one copy; only quotes, backslashes
 * and control characters are escaped. */
void out_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	out_char(o, '"');
	for (;; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		out_write(o, run, (size_t)(s - run));
		if (c == '\0')
			break;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			out_write(o, esc, 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4],
					hex[c & 15] };
			out_write(o, esc, 6);
		}
		run = s + 1;
	}
	out_char(o, '"');
}

void out_html_str(struct out *o, const char *s)
{
	for (const char *run = s;; s++) {
		const char *ref;

		switch (*s) {
		case '&': ref = "&amp;"; break;
		case '<': ref = "&lt;"; break;
		case '>': ref = "&gt;"; break;
		case '"': ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		case '\0': out_write(o, run, (size_t)(s - run)); return;
		default: continue;
		}
		out_write(o, run, (size_t)(s - run));
		out_str(o, ref);
		run = s + 1;
	}
}

void out_csv_str(struct out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		out_str(o, s);
		return;
	}
	out_char(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			out_char(o, '"');
		out_char(o, *s);
	}
	out_char(o, '"');
}

/* Seconds and microseconds, the fraction never negative. */
static void split_us(int64_t us, int64_t *sec, int *frac)
{
	*sec = us / 1000000;
	*frac = (int)(us % 1000000);
	if (*frac < 0) {
		*frac += 1000000;
		(*sec)--;
	}
}

size_t format_date(char *buf, size_t size, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm))
		n = snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d",
			     (long long)tm.tm_year + 1900, tm.tm_mon + 1,
			     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else	/* beyond the calendar gmtime knows */
		n = snprintf(buf, size, "@%lld", (long long)sec);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void format_time(char *buf, size_t size, int64_t us)
{
	int64_t sec;
	int frac;
	size_t n;

	split_us(us, &sec, &frac);
	n = format_date(buf, size, sec);
	snprintf(buf + n, size - n, ".%06dZ", frac);
}

/* The time of day as HH:MM:SS, from digit pairs. */
static char *put_clock(char *p, int tod)
{
	memcpy(p, digit_pairs + 2 * (tod / 3600), 2);
	p[2] = ':';
	memcpy(p + 3, digit_pairs + 2 * (tod / 60 % 60), 2);
	p[5] = ':';
	memcpy(p + 6, digit_pairs + 2 * (tod % 60), 2);
	return p + 8;
}

/* The calendar's text for the day's midnight, "...T00:00:00"; len stays 0 when the calendar cannot say it (the caller then formats the
 * whole time itself). */
static void cache_date(struct time_cache *tc, int64_t day)
{
	static const char midnight[] = "T00:00:00";
	size_t n = format_date(tc->text, sizeof tc->text,
			       day * 86400);

	tc->day = day;
	tc->len = 0;
	if (n >= sizeof midnight - 1 &&
	    memcmp(tc->text + n - (sizeof midnight - 1), midnight,
		   sizeof midnight - 1) == 0) {
		tc->len = n;
		tc->date_len = n - (sizeof midnight - 2);
	}
}

/* A new second rewrites the clock of the cached text; gmtime and
 * snprintf run only for a new day.  (With the second alone cached, every
 * record whose first and last packets straddle a second formatted its
 * date twice.) */
static void cache_second(struct time_cache *tc, int64_t sec)
{
	int64_t day = sec / 86400;
	int tod = (int)(sec % 86400);

	if (tod < 0) {
		tod += 86400;
		day--;
	}
	if (day != tc->day || tc->len == 0)
		cache_date(tc, day);
	if (tc->len != 0)
		put_clock(tc->text + tc->date_len, tod);
	tc->sec = sec;
}

char *put_time(struct time_cache *tc, char *p, int64_t us)
{
	int64_t sec;
	int frac;

	split_us(us, &sec, &frac);
	if (sec != tc->sec || tc->len == 0)
		cache_second(tc, sec);
	if (tc->len != 0)
		p = PUT_PREFIX(p, tc->text, tc->len);
	else
		p += format_date(p, OUT_TIME_MAX - 8, sec);
	*p++ = '.';
	memcpy(p, digit_pairs + 2 * (frac / 10000), 2);
	memcpy(p + 2, digit_pairs + 2 * (frac / 100 % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (frac % 100), 2);
	p[6] = 'Z';
	return p + 7;
}

void out_time(struct out *o, struct time_cache *tc, int64_t us)
{
	char *p = out_reserve(o, OUT_TIME_MAX);

	if (p)
		out_commit(o, put_time(tc, p, us));
}

/* Each byte value in decimal: its digits, left-aligned, and their count. */
struct octet_text {
	char digits[3];
	uint8_t len;
};

#define OCTET(v)							\
	{ { (char)('0' + ((v) >= 100 ? (v) / 100 : (v) >= 10 ? (v) / 10 : (v))), \
	    (char)('0' + ((v) >= 100 ? (v) / 10 % 10 : (v) % 10)),		\
	    (char)('0' + (v) % 10) },						\
	  (v) >= 100 ? 3 : (v) >= 10 ? 2 : 1 }
#define OCTET4(v) OCTET(v), OCTET((v) + 1), OCTET((v) + 2), OCTET((v) + 3)
#define OCTET16(v) OCTET4(v), OCTET4((v) + 4), OCTET4((v) + 8), OCTET4((v) + 12)
#define OCTET64(v) OCTET16(v), OCTET16((v) + 16), OCTET16((v) + 32), OCTET16((v) + 48)

static const struct octet_text octets[256] = {
	OCTET64(0), OCTET64(64), OCTET64(128), OCTET64(192)
};

/* glibc's inet_ntop formats IPv4 through sprintf: too slow for a record
 * per flow.  Each octet copies three digits and keeps len of them; buf
 * holds 16 bytes. */
static size_t format_ipv4(char *buf, const uint8_t *a)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		const struct octet_text *o = &octets[a[i]];

		memcpy(p, o->digits, sizeof o->digits);
		p += o->len;
		*p++ = '.';
	}
	p[-1] = '\0';
	return (size_t)(p - 1 - buf);
}

/* A 16-bit group in hex without leading zeros: shifted so that its first
 * digit is the top one, all four go out and p advances by the digits that
 * count (the rest is overwritten next), with no branch per digit.  Needs
 * four bytes of room. */
static size_t hex_group(char *p, unsigned w)
{
	static const char hex[] = "0123456789abcdef";
	unsigned n = 1 + (w > 0xf) + (w > 0xff) + (w > 0xfff);
	unsigned v = w << (4 * (4 - n));

	p[0] = hex[v >> 12 & 0xf];
	p[1] = hex[v >> 8 & 0xf];
	p[2] = hex[v >> 4 & 0xf];
	p[3] = hex[v & 0xf];
	return n;
}

/* RFC 5952: lower-case hex without leading zeros, the longest run of two
 * or more zero groups (the first of equals) as "::", and the embedded
 * IPv4 forms ::a.b.c.d and ::ffff:a.b.c.d as glibc's inet_ntop writes
 * them.  buf holds INET6_ADDRSTRLEN bytes. */
static size_t format_ipv6(char *buf, const uint8_t *a)
{
	unsigned w[8];
	int best = -1, best_len = 0, run = -1, len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (run < 0)
				run = i, len = 0;
			if (++len > best_len && len >= 2)
				best = run, best_len = len;
		} else {
			run = -1;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			buf[n++] = ':';
			if (i + best_len == 8)
				buf[n++] = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			buf[n++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return n + format_ipv4(buf + n, a + 12);
		n += hex_group(buf + n, w[i]);
	}
	buf[n] = '\0';
	return n;
}

size_t format_addr(char *buf, size_t size, int family, const uint8_t *addr)
{
	if (family == 4 && size >= 16)
		return format_ipv4(buf, addr);
	if (family == 6 && size >= INET6_ADDRSTRLEN)
		return format_ipv6(buf, addr);
	snprintf(buf, size, "?");
	return strlen(buf);
}

void out_addr(struct out *o, int family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	format_addr(buf, sizeof buf, family, addr);
	out_str(o, buf);
}

size_t names_join(char *buf, size_t size, const char *const *names,
		  size_t n, char sep)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]) + (i > 0);

		if (len >= size - used)
			break;
		if (i)
			buf[used++] = sep;
		memcpy(buf + used, names[i], len - (i > 0) + 1);
		used += len - (i > 0);
	}
	return used;
}
