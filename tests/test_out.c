/* test_out.c: the buffered writer: numbers, padded fields, JSON and CSV
 * strings, times, addresses, record-whole flushing and sticky errors,
 * written to temporary files, a pipe and /dev/full. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out.h"
#include "tunables.h"

struct fx {
	struct out o;
	char path[512];
};

/* The second run of the record and error tests writes through the
 * writer thread: everything must read the same, once flushed. */
static bool threaded;

static int open_out(struct out *o, const char *path, bool append)
{
	int err = out_open(o, path, append);

	if (err == 0 && threaded && !out_start_writer(o)) {
		out_close(o);
		return EAGAIN;
	}
	return err;
}

/* With the thread, a write handed over is done only once waited for. */
static void settle(struct out *o)
{
	if (threaded)
		assert_int_equal(out_flush(o), 0);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!x)
		return -1;
	snprintf(x->path, sizeof x->path, "%s/lucs-test-out-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(x->path);
	if (fd < 0)
		return -1;
	close(fd);
	*state = x;
	return open_out(&x->o, x->path, false) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	out_close(&x->o);
	unlink(x->path);
	free(x);
	return 0;
}

/* The whole file, NUL-terminated; *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void assert_file(const struct fx *x, const char *want)
{
	size_t len;
	char *got = slurp(x->path, &len);

	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(got);
}

static size_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (size_t)st.st_size;
}

/* End the record, flush, and compare the file. */
static void assert_written(struct fx *x, const char *want)
{
	out_char(&x->o, '\n');
	out_end_record(&x->o);
	assert_int_equal(out_flush(&x->o), 0);
	assert_file(x, want);
}

/* --- numbers and fields -------------------------------------------------- */

static void test_out_integers(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;

	out_u64(o, 0);
	out_char(o, ' ');
	out_u64(o, 7);
	out_char(o, ' ');
	out_u64(o, 10);
	out_char(o, ' ');
	out_u64(o, UINT64_MAX);
	out_char(o, ' ');
	out_i64(o, INT64_MIN);
	out_char(o, ' ');
	out_i64(o, -1);
	out_char(o, ' ');
	out_i64(o, 0);
	out_char(o, ' ');
	out_i64(o, INT64_MAX);
	assert_written(x, "0 7 10 18446744073709551615 -9223372036854775808 "
			  "-1 0 9223372036854775807\n");
}

static void test_out_widths(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;
	char want[400];

	out_u64_width(o, 42, 5);
	out_char(o, '|');
	out_u64_width(o, 123456, 3);	/* never cut */
	out_char(o, '|');
	out_u64_width(o, 7, 0);
	out_char(o, '|');
	out_u64_width(o, 5, -3);
	out_char(o, '|');
	out_str_width(o, "ab", 5);
	out_char(o, '|');
	out_str_width(o, "abcdef", 3);	/* never cut */
	out_char(o, '|');
	out_u64_width(o, 0, 40);	/* wider than any one run of spaces */
	out_char(o, '|');
	out_str_width(o, "", 70);
	out_char(o, '|');
	for (int w = 31; w <= 33; w++) {
		out_str_width(o, "", w);
		out_char(o, '|');
	}
	snprintf(want, sizeof want,
		 "   42|123456|7|5|ab   |abcdef|%40s|%70s|%31s|%32s|%33s|\n",
		 "0", "", "", "", "");
	assert_written(x, want);
}

/* --- strings ------------------------------------------------------------- */

static void test_out_json_str(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;

	out_json_str(o, "plain");
	out_char(o, ' ');
	out_json_str(o, "");
	out_char(o, ' ');
	out_json_str(o, "say \"hi\" \\ back\\slash");
	out_char(o, ' ');
	out_json_str(o, "nl\ncr\rtab\t\x01\x1f");
	out_char(o, ' ');
	/* DEL, UTF-8 and the solidus need no escape. */
	out_json_str(o, "\x7f caf\xc3\xa9 a/b");
	assert_written(x, "\"plain\" \"\" "
			  "\"say \\\"hi\\\" \\\\ back\\\\slash\" "
			  "\"nl\\u000acr\\u000dtab\\u0009\\u0001\\u001f\" "
			  "\"\x7f caf\xc3\xa9 a/b\"\n");
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double the
 * quotes inside. */
static void test_out_csv_str(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ " spaced ", " spaced " },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ "semi;colon", "semi;colon" },
	};
	struct fx *x = *state;
	char want[400] = "";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i > 0) {
			out_char(&x->o, ',');
			strcat(want, ",");
		}
		out_csv_str(&x->o, cases[i].in);
		strcat(want, cases[i].out);
	}
	strcat(want, "\n");
	assert_written(x, want);
}

/* --- times and addresses ------------------------------------------------- */

static void test_out_time(void **state)
{
	static const struct {
		int64_t us;
		const char *text;
	} cases[] = {
		/* the first call, in second 0, must not take the empty
		 * cache for that second's text */
		{ 0, "1970-01-01T00:00:00.000000Z" },
		/* two in one second (the cached date), the next second,
		 * and back to the first */
		{ 1700000000123456, "2023-11-14T22:13:20.123456Z" },
		{ 1700000000999999, "2023-11-14T22:13:20.999999Z" },
		{ 1700000001000000, "2023-11-14T22:13:21.000000Z" },
		{ 1700000000000001, "2023-11-14T22:13:20.000001Z" },
		/* midnight into the next day (the cached date), the day's
		 * last second, and back to the day before */
		{ 1700006400000000, "2023-11-15T00:00:00.000000Z" },
		{ 1700092799999999, "2023-11-15T23:59:59.999999Z" },
		{ 1700006399000007, "2023-11-14T23:59:59.000007Z" },
		{ 951782400000250, "2000-02-29T00:00:00.000250Z" },
		{ -1, "1969-12-31T23:59:59.999999Z" },
		{ -999999, "1969-12-31T23:59:59.000001Z" },
		{ -1000000, "1969-12-31T23:59:59.000000Z" },
		{ -1500000, "1969-12-31T23:59:58.500000Z" },
		{ 253402300799999999, "9999-12-31T23:59:59.999999Z" },
		/* years of more than four digits, either side of zero */
		{ INT64_MAX, "294247-01-10T04:00:54.775807Z" },
		{ INT64_MIN, "-290308-12-21T19:59:05.224192Z" },
	};
	struct fx *x = *state;
	char want[1024] = "";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];

		format_time(buf, sizeof buf, cases[i].us);
		assert_string_equal(buf, cases[i].text);
		out_time(&x->o, cases[i].us);
		out_char(&x->o, ' ');
		strcat(want, cases[i].text);
		strcat(want, " ");
	}
	strcat(want, "\n");
	assert_written(x, want);
}

static void test_out_addr(void **state)
{
	static const struct {
		int family;
		const char *text;
	} cases[] = {
		{ 4, "192.0.2.1" }, { 4, "0.0.0.0" },
		{ 4, "255.255.255.255" }, { 4, "100.64.10.9" },
		{ 4, "1.20.199.250" }, { 6, "2001:db8::1" }, { 6, "::" },
		{ 6, "::ffff:192.0.2.1" }, { 6, "fe80::1:2:3:4" },
		{ 6, "2001:db8:1:2:3:4:5:6" },
	};
	struct fx *x = *state;
	char want[400] = "", buf[64];
	uint8_t addr[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(addr, 0, sizeof addr);
		assert_int_equal(inet_pton(cases[i].family == 4 ? AF_INET
								: AF_INET6,
					   cases[i].text, addr), 1);
		assert_int_equal(format_addr(buf, sizeof buf, cases[i].family,
					     addr), strlen(cases[i].text));
		assert_string_equal(buf, cases[i].text);
		out_addr(&x->o, cases[i].family, addr);
		out_char(&x->o, ' ');
		strcat(want, cases[i].text);
		strcat(want, " ");
	}
	/* Every byte value in every position, as inet_ntop writes it. */
	for (int pos = 0; pos < 4; pos++) {
		for (unsigned v = 0; v < 256; v++) {
			char ref[INET_ADDRSTRLEN];

			memcpy(addr, "\xc0\x00\x02\x01", 4);
			addr[pos] = (uint8_t)v;
			assert_non_null(inet_ntop(AF_INET, addr, ref,
						  sizeof ref));
			assert_int_equal(format_addr(buf, sizeof buf, 4, addr),
					 strlen(ref));
			assert_string_equal(buf, ref);
		}
	}
	/* IPv6: every pattern of zero groups, with groups of one to four
	 * digits (and a zero inside a group), as inet_ntop writes them; the
	 * patterns include the embedded IPv4 forms. */
	for (unsigned mask = 0; mask < 256; mask++) {
		static const unsigned groups[] = { 0x1, 0xab, 0xf00, 0xabcd,
						   0xffff, 0x10, 0x102 };

		for (unsigned g = 0; g < sizeof groups / sizeof groups[0]; g++) {
			char ref[INET6_ADDRSTRLEN];

			for (unsigned i = 0; i < 8; i++) {
				unsigned w = mask >> i & 1
					? groups[(g + i) % 7] : 0;

				addr[2 * i] = (uint8_t)(w >> 8);
				addr[2 * i + 1] = (uint8_t)w;
			}
			assert_non_null(inet_ntop(AF_INET6, addr, ref,
						  sizeof ref));
			assert_int_equal(format_addr(buf, sizeof buf, 6, addr),
					 strlen(ref));
			assert_string_equal(buf, ref);
		}
	}
	/* A buffer too small says so rather than cutting an address. */
	format_addr(buf, 8, 4, addr);
	assert_string_equal(buf, "?");
	format_addr(buf, 10, 6, addr);
	assert_string_equal(buf, "?");
	strcat(want, "\n");
	assert_written(x, want);
}

/* Formatting in place: reserve, put, commit. */
static void test_out_reserve_put(void **state)
{
	static const uint64_t big[] = { 99999999, 100000000, 4294967295u,
					10000000000000000000u, UINT64_MAX };
	struct fx *x = *state;
	struct out *o = &x->o;
	char want[200], *p;

	p = out_reserve(o, 100);
	assert_non_null(p);
	p = PUT_LIT(p, "n=");
	p = put_u64(p, 1234567);
	p = PUT_LIT(p, " t=");
	p = put_time(o, p, 1700000000000250);
	p = put_str(p, " end");
	p = put_mem(p, "!?", 1);
	out_commit(o, p);
	/* A large reservation grows the buffer; committing nothing adds
	 * nothing. */
	p = out_reserve(o, 3 * LUCS_WRITE_BUFFER);
	assert_non_null(p);
	out_commit(o, p);
	assert_written(x, "n=1234567 t=2023-11-14T22:13:20.000250Z end!\n");

	/* put_u64 and out_u64 agree with printf, two digits at a time or
	 * one. */
	for (uint64_t v = 0; v < 100000; v++) {
		char got[24];

		snprintf(want, sizeof want, "%" PRIu64, v);
		*put_u64(got, v) = '\0';
		assert_string_equal(got, want);
	}
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char got[24];

		snprintf(want, sizeof want, "%" PRIu64, big[i]);
		*put_u64(got, big[i]) = '\0';
		assert_string_equal(got, want);
	}
	/* put_u64 writes its digits and nothing after them; put_time copies
	 * whole blocks, scratch included, but never beyond OUT_TIME_MAX. */
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		char room[20 + 4];
		size_t n;

		memset(room, '#', sizeof room);
		n = (size_t)(put_u64(room, big[i]) - room);
		assert_memory_equal(room + n, "####", 4);
	}
	{
		char room[OUT_TIME_MAX + 4];

		memset(room, '#', sizeof room);
		put_time(o, room, 1700000000000250);
		assert_memory_equal(room + OUT_TIME_MAX, "####", 4);
	}
}

/* Append keeps what the file held; without it the file starts empty. */
static void test_out_append(void **state)
{
	struct fx *x = *state;
	struct out o;

	out_str(&x->o, "first run");
	assert_written(x, "first run\n");
	assert_int_equal(out_close(&x->o), 0);

	assert_int_equal(out_open(&x->o, x->path, true), 0);
	out_str(&x->o, "second run");
	assert_written(x, "first run\nsecond run\n");

	assert_int_equal(out_open(&o, x->path, false), 0);
	assert_file(x, "");
	assert_int_equal(out_close(&o), 0);
}

/* --- records and errors -------------------------------------------------- */

static void test_out_record_whole(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;

	/* Nothing reaches the file before its record ends. */
	out_str(o, "first,record");
	assert_int_equal(out_flush(o), 0);
	assert_file(x, "");
	out_char(o, '\n');
	out_end_record(o);
	assert_file(x, "");	/* a small record waits in the buffer */
	out_str(o, "second");
	assert_int_equal(out_flush(o), 0);
	assert_file(x, "first,record\n");
	out_str(o, ",record\n");
	out_end_record(o);
	assert_int_equal(out_flush(o), 0);
	assert_file(x, "first,record\nsecond,record\n");
	assert_int_equal(out_error(o), 0);
}

/* Half a buffer of ended records is written out without being asked. */
static void test_out_record_flush_threshold(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;
	size_t half = LUCS_WRITE_BUFFER / 2;
	char *line = malloc(half);

	assert_non_null(line);
	memset(line, 'x', half - 1);
	line[half - 1] = '\n';
	out_write(o, line, half - 2);
	out_write(o, line + half - 2, 2);
	assert_int_equal(file_size(x->path), 0);
	out_end_record(o);
	assert_int_equal(o->len, 0);	/* gone from the buffer */
	settle(o);
	assert_int_equal(file_size(x->path), half);
	free(line);
}

/* A record longer than the buffer grows it; ended records before it are
 * written first, and none of it until it ends. */
static void test_out_record_larger_than_buffer(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;
	size_t big = LUCS_WRITE_BUFFER + LUCS_WRITE_BUFFER / 2;
	char *blob = malloc(big), *got;
	size_t len;

	assert_non_null(blob);
	memset(blob, 'y', big);
	out_str(o, "small\n");
	out_end_record(o);
	assert_int_equal(file_size(x->path), 0);
	out_write(o, blob, big);
	settle(o);
	assert_int_equal(file_size(x->path), 6);
	out_char(o, '\n');
	out_end_record(o);
	assert_int_equal(out_flush(o), 0);
	got = slurp(x->path, &len);
	assert_int_equal(len, 6 + big + 1);
	assert_memory_equal(got, "small\n", 6);
	assert_memory_equal(got + 6, blob, big);
	assert_int_equal(got[len - 1], '\n');
	free(got);
	free(blob);
}

static void test_out_dev_full(void **state)
{
	struct out o;

	(void)state;
	if (access("/dev/full", W_OK) != 0) {
		print_message("no writable /dev/full here\n");
		skip();
	}
	assert_int_equal(open_out(&o, "/dev/full", false), 0);
	assert_false(o.regular);
	out_str(&o, "a record\n");
	out_end_record(&o);
	assert_int_equal(out_error(&o), 0);
	assert_int_equal(out_flush(&o), ENOSPC);
	assert_int_equal(out_error(&o), ENOSPC);
	assert_null(out_reserve(&o, 16));
	/* Sticky: later records are dropped, the error stays. */
	out_str(&o, "another\n");
	out_end_record(&o);
	assert_int_equal(out_flush(&o), ENOSPC);
	assert_int_equal(out_close(&o), ENOSPC);
}

static void test_out_open_errors(void **state)
{
	struct fx *x = *state;
	struct out o;
	char path[600];

	snprintf(path, sizeof path, "%s/no/such/dir", x->path);
	assert_int_equal(out_open(&o, path, false), ENOTDIR);
	out_close(&o);
	assert_int_equal(out_open(&o, "/nonexistent-lucs-dir/out", false),
			 ENOENT);
	out_close(&o);
}

/* Output to a pipe: not a regular file, records whole all the same. */
static void test_out_pipe(void **state)
{
	struct out o;
	int fds[2];
	char path[64], buf[64];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[1]);
	assert_int_equal(open_out(&o, path, false), 0);
	assert_false(o.regular);
	out_str(&o, "one\n");
	out_end_record(&o);
	out_str(&o, "tw");
	assert_int_equal(out_flush(&o), 0);
	n = read(fds[0], buf, sizeof buf);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "one\n", 4);
	out_str(&o, "o\n");
	out_end_record(&o);
	assert_int_equal(out_close(&o), 0);
	n = read(fds[0], buf, sizeof buf);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "two\n", 4);
	close(fds[0]);
	close(fds[1]);
}

/* Reopen appends to the path, as after log rotation. */
static void test_out_reopen(void **state)
{
	struct fx *x = *state;
	char rotated[600];
	char *got;

	out_str(&x->o, "before\n");
	out_end_record(&x->o);
	assert_int_equal(out_flush(&x->o), 0);
	assert_int_equal(out_reopen(&x->o), 0);
	out_str(&x->o, "after");
	assert_written(x, "before\nafter\n");

	snprintf(rotated, sizeof rotated, "%s.1", x->path);
	assert_int_equal(rename(x->path, rotated), 0);
	assert_int_equal(out_reopen(&x->o), 0);
	out_str(&x->o, "rotated");
	assert_written(x, "rotated\n");
	got = slurp(rotated, NULL);
	assert_string_equal(got, "before\nafter\n");
	free(got);
	unlink(rotated);
}

/* A reopen that cannot open the path keeps writing to the file it has. */
static void test_out_reopen_fails(void **state)
{
	struct fx *x = *state;
	char rotated[600];
	char *got;

	snprintf(rotated, sizeof rotated, "%s.1", x->path);
	out_str(&x->o, "one\n");
	out_end_record(&x->o);
	assert_int_equal(rename(x->path, rotated), 0);
	assert_int_equal(mkdir(x->path, 0700), 0);	/* in the way */
	assert_int_equal(out_reopen(&x->o), EISDIR);
	assert_int_equal(out_error(&x->o), 0);
	out_str(&x->o, "two\n");
	out_end_record(&x->o);
	assert_int_equal(out_flush(&x->o), 0);
	got = slurp(rotated, NULL);
	assert_string_equal(got, "one\ntwo\n");
	free(got);
	assert_int_equal(rmdir(x->path), 0);
	assert_int_equal(rename(rotated, x->path), 0);
}

/* A write that fails part-way through a regular file leaves only whole
 * records: run in a child whose file size limit is 100 bytes. */
static const char rec[3][41] = {
	"record one: forty bytes long, exactly!!\n",
	"record two: forty bytes long, exactly!!\n",
	"record three: forty bytes long, really!\n",
};

enum { CHILD_FLUSH_FAILED = 10, CHILD_REOPENED = 11 };

static void child_limited_write(const char *path, bool reopen)
{
	struct rlimit rl;
	struct out o;

	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
		_exit(2);
	rl.rlim_cur = 100;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || open_out(&o, path, false) != 0)
		_exit(3);
	for (int i = 0; i < 3; i++) {
		out_str(&o, rec[i]);
		out_end_record(&o);
	}
	if (out_flush(&o) != EFBIG)
		_exit(4);
	if (!reopen)
		_exit(CHILD_FLUSH_FAILED);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || out_reopen(&o) != 0 ||
	    out_flush(&o) != 0 || out_close(&o) != 0)
		_exit(5);
	_exit(CHILD_REOPENED);
}

static void run_child(const char *path, bool reopen)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_limited_write(path, reopen);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status),
			 reopen ? CHILD_REOPENED : CHILD_FLUSH_FAILED);
}

static void test_out_cut_back_on_error(void **state)
{
	struct fx *x = *state;
	char want[100];

	run_child(x->path, false);
	snprintf(want, sizeof want, "%s%s", rec[0], rec[1]);
	assert_file(x, want);
}

/* After the error, a reopen (the disk has room again, or the log was
 * rotated) must not write again what already reached the file: the file
 * holds each record once. */
static void test_out_reopen_after_error(void **state)
{
	struct fx *x = *state;
	char whole[200];
	char *got;

	run_child(x->path, true);
	snprintf(whole, sizeof whole, "%s%s%s", rec[0], rec[1], rec[2]);
	got = slurp(x->path, NULL);
	assert_string_equal(got, whole);
	free(got);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static int set_threaded(void **state)
{
	(void)state;
	threaded = true;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_out_integers),
		T(test_out_widths),
		T(test_out_json_str),
		T(test_out_csv_str),
		T(test_out_time),
		T(test_out_addr),
		T(test_out_reserve_put),
		T(test_out_append),
		T(test_out_record_whole),
		T(test_out_record_flush_threshold),
		T(test_out_record_larger_than_buffer),
		cmocka_unit_test(test_out_dev_full),
		T(test_out_open_errors),
		cmocka_unit_test(test_out_pipe),
		T(test_out_reopen),
		T(test_out_reopen_fails),
		T(test_out_cut_back_on_error),
		T(test_out_reopen_after_error),
	};
	const struct CMUnitTest with_thread[] = {
		T(test_out_record_whole),
		T(test_out_record_flush_threshold),
		T(test_out_record_larger_than_buffer),
		cmocka_unit_test(test_out_dev_full),
		cmocka_unit_test(test_out_pipe),
		T(test_out_reopen),
		T(test_out_reopen_fails),
		T(test_out_cut_back_on_error),
		T(test_out_reopen_after_error),
	};

	return cmocka_run_group_tests_name("in line", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("writer thread", with_thread,
					   set_threaded, NULL);
}
