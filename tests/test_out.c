/* test_out.c: the buffered writer: numbers, padded fields, JSON and CSV
 * strings, times, addresses, record-whole flushing and sticky errors,
 * written to temporary files, a pipe and /dev/full. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
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

/* A fresh empty file; its out not opened (fd -1). */
static int setup_path(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!x)
		return -1;
	x->o.fd = -1;
	snprintf(x->path, sizeof x->path, "%s/lucs-test-out-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(x->path);
	if (fd < 0) {
		free(x);
		return -1;
	}
	close(fd);
	*state = x;
	return 0;
}

static int setup(void **state)
{
	struct fx *x;

	if (setup_path(state) != 0)
		return -1;
	x = *state;
	return open_out(&x->o, x->path, false) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	if (x->o.fd >= 0)
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

/* --- records ------------------------------------------------------------- */

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

/* Half a buffer of ended records is written out without being asked;
 * the summary's reserve beyond the buffer does not hold them back. */
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

/* A record longer than the buffer (the summary's reserve included) grows
 * it; ended records before it are written first, and none of it until it
 * ends. */
static void test_out_record_larger_than_buffer(void **state)
{
	struct fx *x = *state;
	struct out *o = &x->o;
	size_t big = LUCS_WRITE_BUFFER + LUCS_SUMMARY_RESERVE +
		     LUCS_WRITE_BUFFER / 2;
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

enum { CHILD_FLUSH_FAILED = 10, CHILD_REOPENED = 11, CHILD_TRUNCATED = 12 };

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

/* Two records flushed; the file truncated behind the writer's back (as
 * logrotate's copytruncate does); three more records, of which the size
 * limit lets two and a half through. */
static void child_truncated_then_full(const char *path)
{
	struct rlimit rl;
	struct out o;

	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
		_exit(2);
	rl.rlim_cur = 100;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || open_out(&o, path, false) != 0)
		_exit(3);
	for (int i = 0; i < 2; i++) {
		out_str(&o, rec[i]);
		out_end_record(&o);
	}
	if (out_flush(&o) != 0 || truncate(path, 0) != 0)
		_exit(4);
	for (int i = 0; i < 3; i++) {
		out_str(&o, rec[i]);
		out_end_record(&o);
	}
	if (out_flush(&o) != EFBIG)
		_exit(5);
	_exit(CHILD_TRUNCATED);
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

/* The file truncated behind the writer, then full: it holds whole
 * records from its start, never a run of NUL bytes where the old end was
 * (appending), and the cut back works from its real size. */
static void test_out_truncated_behind_then_full(void **state)
{
	struct fx *x = *state;
	char want[100];
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_truncated_then_full(x->path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CHILD_TRUNCATED);
	snprintf(want, sizeof want, "%s%s", rec[0], rec[1]);
	assert_file(x, want);
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
/* The tests that fork: no writer thread may be alive in the parent then,
 * or a lock it holds mid-allocation (ASan's allocator, say) stays held in
 * the child for ever, and the test hangs. */
#define FORKS(name) \
	cmocka_unit_test_setup_teardown(name, setup_path, teardown)

static int set_threaded(void **state)
{
	(void)state;
	threaded = true;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_out_append),
		T(test_out_record_whole),
		T(test_out_record_flush_threshold),
		T(test_out_record_larger_than_buffer),
		cmocka_unit_test(test_out_dev_full),
		T(test_out_open_errors),
		cmocka_unit_test(test_out_pipe),
		T(test_out_reopen),
		T(test_out_reopen_fails),
		FORKS(test_out_cut_back_on_error),
		FORKS(test_out_truncated_behind_then_full),
		FORKS(test_out_reopen_after_error),
	};
	const struct CMUnitTest with_thread[] = {
		T(test_out_record_whole),
		T(test_out_record_flush_threshold),
		T(test_out_record_larger_than_buffer),
		cmocka_unit_test(test_out_dev_full),
		cmocka_unit_test(test_out_pipe),
		T(test_out_reopen),
		T(test_out_reopen_fails),
		FORKS(test_out_cut_back_on_error),
		FORKS(test_out_truncated_behind_then_full),
		FORKS(test_out_reopen_after_error),
	};

	return cmocka_run_group_tests_name("in line", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("writer thread", with_thread,
					   set_threaded, NULL);
}
