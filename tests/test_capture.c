/* test_capture.c: reading files as one timeline, with the reader thread
 * and without: every frame handed out once and in order, per-file counts,
 * a stop, a file cut short, each side of the relay asleep, a quiet pipe
 * that a stop still ends, a filter that names capture files (-r given
 * once for several), and -B's size in bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "tunables.h"

#define FRAME 60
#define BASE_US 1700000000000000
#define NAP_US 20000

/* A file of n Ethernet frames numbered from first (the number is in the
 * frame's time: BASE_US + first * 1000); returns its path. */
static char *write_capture(uint32_t first, uint32_t n)
{
	char *path = malloc(64);
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	int fd;

	assert_non_null(path);
	snprintf(path, 64, "/tmp/lucs-test-capture-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(p);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	for (uint32_t i = first; i < first + n; i++) {
		uint8_t frame[FRAME] = { 0 };
		int64_t us = (int64_t)i * 1000 + BASE_US;
		struct pcap_pkthdr h = {
			.ts = { (time_t)(us / 1000000), (suseconds_t)(us % 1000000) },
			.caplen = FRAME, .len = FRAME + 4,
		};

		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return path;
}

static void remove_capture(char *path)
{
	unlink(path);
	free(path);
}

static struct capture *open_files(char **paths, size_t n, bool inline_read)
{
	struct capture_config cfg = {
		.files = (const char *const *)paths, .nfiles = n,
		.inline_read = inline_read,
	};
	char err[256];
	struct capture *c = capture_open(&cfg, err, sizeof err);

	if (!c)
		fail_msg("capture_open: %s", err);
	return c;
}

/* What a reading loop saw. */
struct seen {
	uint64_t frames, batches, quiet;
	uint32_t next;		/* the number the next frame must have */
};

static void check_batch(struct seen *s, const struct capture_batch *b)
{
	assert_true(b->n > 0);
	for (size_t i = 0; i < b->n; i++) {
		const struct frame *f = &b->frames[i];

		assert_int_equal(f->ts_us, (int64_t)s->next * 1000 + BASE_US);
		assert_int_equal(f->wirelen, FRAME + 4);
		/* all-zero frames: an 802.3 length, no LLC SNAP, so no IP */
		assert_int_equal(f->status, DECODE_NON_IP);
		s->next++;
	}
	s->frames += b->n;
	s->batches++;
}

/* Read to the end; stop once stop_after frames were seen (0: never). */
static void read_all(struct capture *c, struct seen *s, uint64_t stop_after)
{
	struct capture_batch b;
	enum capture_status st;

	while ((st = capture_next(c, &b)) != CAPTURE_END) {
		if (st == CAPTURE_QUIET) {
			s->quiet++;
			continue;
		}
		check_batch(s, &b);
		if (stop_after && s->frames >= stop_after)
			capture_stop(c);
	}
}

/* Three files, one timeline: 10000 + 1 + 70000 frames. */
static void test_read_all(void **state)
{
	bool inline_read = *(const bool *)*state;
	static const uint32_t sizes[3] = { 10000, 1, 70000 };
	char *paths[3];
	uint32_t first = 0;
	struct seen s = { 0 };
	const struct input_info *info;
	struct capture_batch b;
	size_t n;
	struct capture *c;

	for (int i = 0; i < 3; i++) {
		paths[i] = write_capture(first, sizes[i]);
		first += sizes[i];
	}
	c = open_files(paths, 3, inline_read);
	read_all(c, &s, 0);
	assert_int_equal(s.frames, first);
	assert_true(capture_ok(c));
	/* The caller has control at least every 4096 frames of a file. */
	assert_true(s.batches >= first / 4096);
	/* Ended, it stays ended. */
	assert_int_equal(capture_next(c, &b), CAPTURE_END);
	info = capture_inputs(c, &n);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(info[i].packets, sizes[i]);
		assert_null(info[i].error);
	}
	capture_close(c);
	for (int i = 0; i < 3; i++)
		remove_capture(paths[i]);
}

/* A stop comes within a few batches of reading, is no error, and every
 * frame read was handed out and counted. */
static void test_stop_early(void **state)
{
	bool inline_read = *(const bool *)*state;
	char *path = write_capture(0, 200000);
	struct seen s = { 0 };
	struct capture *c = open_files(&path, 1, inline_read);
	const struct input_info *info;
	size_t n;

	read_all(c, &s, 10000);
	assert_true(capture_ok(c));
	assert_true(s.frames >= 10000);
	assert_true(s.frames < 10000 + 8 * 4096 + 4096);
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, s.frames);
	capture_close(c);
	remove_capture(path);
}

/* A file cut inside a packet: the packets before it count, the error
 * says where, and the next file (numbered on from the cut) is read. */
static void test_cut_short(void **state)
{
	bool inline_read = *(const bool *)*state;
	char *paths[2] = { write_capture(0, 5000), write_capture(4000, 10) };
	struct seen s = { 0 };
	struct capture *c;
	const struct input_info *info;
	size_t n;

	/* 24-byte file header, then 16 + FRAME bytes per packet. */
	assert_int_equal(truncate(paths[0], 24 + 4000 * (16 + FRAME) + 30), 0);
	c = open_files(paths, 2, inline_read);
	read_all(c, &s, 0);
	assert_false(capture_ok(c));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 4000);
	assert_non_null(info[0].error);
	assert_non_null(strstr(info[0].error, "after packet 4000"));
	assert_null(info[1].error);
	assert_int_equal(info[1].packets, 10);
	assert_int_equal(s.frames, 4010);
	capture_close(c);
	for (int i = 0; i < 2; i++)
		remove_capture(paths[i]);
}

/* --- through a FIFO: the reader thread waits on its input ----------------- */

struct feeder {
	pthread_t thread;
	char fifo[64];
	char *bytes;		/* a capture file's bytes */
	size_t len;
	size_t pause_before;	/* pause this many bytes before the end */
	size_t pause_at;
	useconds_t pause_us;
	bool hold_open;		/* then keep the FIFO open, silent */
	atomic_bool release;	/* ... until this is set */
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	int fd = open(f->fifo, O_WRONLY);
	size_t done = 0;

	assert_true(fd >= 0);
	while (done < f->len) {
		size_t end = done < f->pause_at ? f->pause_at : f->len;
		ssize_t w = write(fd, f->bytes + done, end - done);

		assert_true(w > 0);
		done += (size_t)w;
		if (done == f->pause_at)
			usleep(f->pause_us);
	}
	while (f->hold_open && !atomic_load(&f->release))
		usleep(1000);
	close(fd);
	return NULL;
}

/* A FIFO fed the bytes of a capture of n frames by a thread of its own. */
static void feeder_start(struct feeder *f, uint32_t n)
{
	char *path = write_capture(0, n);
	FILE *in = fopen(path, "rb");
	struct stat st;

	assert_non_null(in);
	assert_int_equal(fstat(fileno(in), &st), 0);
	f->len = (size_t)st.st_size;
	f->bytes = malloc(f->len);
	assert_non_null(f->bytes);
	assert_int_equal(fread(f->bytes, 1, f->len, in), f->len);
	fclose(in);
	remove_capture(path);
	f->pause_at = f->pause_before ? f->len - f->pause_before : 0;
	snprintf(f->fifo, sizeof f->fifo, "/tmp/lucs-test-fifo-%d",
		 (int)getpid());
	unlink(f->fifo);
	assert_int_equal(mkfifo(f->fifo, 0600), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, feed, f), 0);
}

static void feeder_end(struct feeder *f)
{
	atomic_store(&f->release, true);
	pthread_join(f->thread, NULL);
	unlink(f->fifo);
	free(f->bytes);
}

/* Each side of the relay made to sleep: first the caller is slow, so the
 * reader fills every batch and waits for room; then the input pauses just
 * before the last packet, so the caller drains the ring and waits, and
 * only the last batches remain to wake it (fewer than a sleeper is
 * otherwise woken for).  A wake-up lost either way hangs, which the alarm
 * turns into a failure. */
static void test_both_sides_sleep(void **state)
{
	struct feeder f = { .pause_us = 3 * NAP_US,
			    .pause_before = 16 + FRAME };	/* the last */
	char *path = f.fifo;
	struct capture *c;
	struct capture_batch b;
	enum capture_status st;
	struct seen s = { 0 };

	(void)state;
	feeder_start(&f, 20000);
	c = open_files(&path, 1, false);
	alarm(20);
	while ((st = capture_next(c, &b)) != CAPTURE_END) {
		if (st == CAPTURE_QUIET)
			continue;
		check_batch(&s, &b);
		if (s.frames < 12288)
			usleep(NAP_US / 10);
	}
	alarm(0);
	assert_int_equal(s.frames, 20000);
	assert_true(capture_ok(c));
	capture_close(c);
	feeder_end(&f);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A pipe that stays open and silent: the caller still has control every
 * LUCS_CAPTURE_WAIT_MS, and a stop ends the reading within a second,
 * every frame read handed out (those of a batch libpcap had not finished
 * too), no input's failure. */
static void test_quiet_pipe_stops(void **state)
{
	struct feeder f = { .hold_open = true };
	char *path = f.fifo;
	struct capture *c;
	struct capture_batch b;
	enum capture_status st;
	struct seen s = { 0 };
	struct timespec t0;
	const struct input_info *info;
	size_t n;

	(void)state;
	feeder_start(&f, 100);
	c = open_files(&path, 1, false);
	alarm(20);
	/* The reader waits inside libpcap for the rest of a batch: quiet,
	 * a wait, not a hang. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((st = capture_next(c, &b)) == CAPTURE_FRAMES)
		check_batch(&s, &b);
	assert_int_equal(st, CAPTURE_QUIET);
	assert_true(seconds_since(&t0) < 5.0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	capture_stop(c);
	while ((st = capture_next(c, &b)) != CAPTURE_END)
		if (st == CAPTURE_FRAMES)
			check_batch(&s, &b);
	/* Generous for a loaded machine: the wait is 0.2 s. */
	assert_true(seconds_since(&t0) < 1.0);
	alarm(0);
	assert_int_equal(s.frames, 100);
	assert_true(capture_ok(c));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 100);
	assert_null(info[0].error);
	capture_close(c);
	feeder_end(&f);
}

/* capture_open's refusal of the files with this filter, into err. */
static void refused(char **paths, size_t n, const char *filter, char *err,
		    size_t size)
{
	struct capture_config cfg = {
		.files = (const char *const *)paths, .nfiles = n,
		.filter = filter, .inline_read = true,
	};
	struct capture *c = capture_open(&cfg, err, size);

	if (c) {
		capture_close(c);
		fail_msg("filter '%s' accepted", filter);
	}
}

#define NO_PARSE "can't parse filter expression: syntax error"

/* "-r a.pcap b.pcap": the second file became the filter.  The message
 * gives the command line that reads them, files first (an existing one,
 * or one named like a capture), then the filter's other words. */
static void test_filter_names_files(void **state)
{
	char *paths[2] = { write_capture(0, 1), write_capture(1, 1) };
	char filter[160], err[1024], want[1024];

	(void)state;
	refused(paths, 1, paths[1], err, sizeof err);
	snprintf(want, sizeof want, "filter '%s': " NO_PARSE "; to read several "
		 "files, repeat -r: -r %s -r %s", paths[1], paths[0], paths[1]);
	assert_string_equal(err, want);
	snprintf(filter, sizeof filter, "tcp %s later.PCAPNG", paths[1]);
	refused(paths, 1, filter, err, sizeof err);
	snprintf(want, sizeof want, "filter '%s': " NO_PARSE "; to read several "
		 "files, repeat -r: -r %s -r %s -r later.PCAPNG tcp", filter,
		 paths[0], paths[1]);
	assert_string_equal(err, want);
	remove_capture(paths[0]);
	remove_capture(paths[1]);
}

/* A filter that names no file is only said not to compile. */
static void test_filter_names_none(void **state)
{
	char *path = write_capture(0, 1);
	char err[1024];

	(void)state;
	refused(&path, 1, "host 10.1.1.1 and", err, sizeof err);
	assert_string_equal(err, "filter 'host 10.1.1.1 and': " NO_PARSE);
	remove_capture(path);
}

/* -B KIB in bytes, as libpcap's int takes it: the largest -B allowed
 * (4 GiB) does not overflow. */
static void test_buffer_bytes(void **state)
{
	(void)state;
	assert_int_equal(capture_buffer_bytes(1), 1024);
	assert_int_equal(capture_buffer_bytes(2097151), 2147482624);
	assert_int_equal(capture_buffer_bytes(2097152), INT_MAX);
	assert_int_equal(capture_buffer_bytes(4194304), INT_MAX);
	assert_int_equal(capture_buffer_bytes(UINT_MAX), INT_MAX);
}

/* Each of these twice, the state being capture_config.inline_read: with
 * the reader thread, then in the caller's thread. */
static bool with_thread = false, in_line = true;
#define BOTH_WAYS(f)							\
	{ #f " (reader thread)", f, NULL, NULL, &with_thread },		\
	{ #f " (inline)", f, NULL, NULL, &in_line }

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_WAYS(test_read_all),
		BOTH_WAYS(test_stop_early),
		BOTH_WAYS(test_cut_short),
		cmocka_unit_test(test_both_sides_sleep),
		cmocka_unit_test(test_quiet_pipe_stops),
		cmocka_unit_test(test_filter_names_files),
		cmocka_unit_test(test_filter_names_none),
		cmocka_unit_test(test_buffer_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
