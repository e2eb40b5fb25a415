/* test_capture.c: reading files as one timeline, with the reader thread
 * and without: every packet prepared once and consumed in order, the
 * checks between batches, stopping, per-file counts, a file cut short. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"

#define FRAME 60

struct slot {
	int64_t ts_us;
	uint32_t caplen, wirelen;
	uint32_t seq;		/* from the frame's bytes */
	int dlt;
};

struct log {
	uint64_t consumed, betweens;
	uint32_t next_seq;
	uint64_t stop_after;	/* between returns false past this; 0 never */
	uint32_t slow_prepare_at;	/* prepare of this seq sleeps; 0 none */
	uint32_t slow_consume_until;	/* consume sleeps every 1024 before */
};

#define NAP_US 20000

static void prepare(void *ctx, void *slot, int dlt, int64_t ts_us,
		    const uint8_t *bytes, uint32_t caplen, uint32_t wirelen)
{
	struct slot *s = slot;
	const struct log *l = ctx;

	s->ts_us = ts_us;
	s->caplen = caplen;
	s->wirelen = wirelen;
	s->dlt = dlt;
	memcpy(&s->seq, bytes, sizeof s->seq);
	if (l->slow_prepare_at && s->seq == l->slow_prepare_at)
		usleep(NAP_US);
}

static void consume(void *ctx, void *slot)
{
	struct log *l = ctx;
	const struct slot *s = slot;

	assert_int_equal(s->seq, l->next_seq);
	assert_int_equal(s->ts_us, (int64_t)s->seq * 1000 + 1700000000000000);
	assert_int_equal(s->caplen, FRAME);
	assert_int_equal(s->wirelen, FRAME + 4);
	assert_int_equal(s->dlt, DLT_EN10MB);
	l->next_seq++;
	l->consumed++;
	if (s->seq < l->slow_consume_until && s->seq % 1024 == 0)
		usleep(NAP_US / 10);
}

static bool between(void *ctx)
{
	struct log *l = ctx;

	l->betweens++;
	return !l->stop_after || l->consumed < l->stop_after;
}

/* A file of n Ethernet frames numbered from first; returns its path. */
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
		int64_t us = (int64_t)i * 1000 + 1700000000000000;
		struct pcap_pkthdr h = {
			.ts = { (time_t)(us / 1000000), (suseconds_t)(us % 1000000) },
			.caplen = FRAME, .len = FRAME + 4,
		};

		memcpy(frame, &i, sizeof i);
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return path;
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

static struct capture_hooks hooks_for(struct log *l)
{
	return (struct capture_hooks){ prepare, consume, sizeof(struct slot),
				       between, l };
}

/* Three files, one timeline: 10000 + 1 + 70000 packets. */
static void test_read_all(void **state)
{
	bool inline_read = *(const bool *)*state;
	static const uint32_t sizes[3] = { 10000, 1, 70000 };
	char *paths[3];
	uint32_t first = 0;
	struct log l = { 0 };
	struct capture_hooks hk = hooks_for(&l);
	const struct input_info *info;
	size_t n;
	struct capture *c;

	for (int i = 0; i < 3; i++) {
		paths[i] = write_capture(first, sizes[i]);
		first += sizes[i];
	}
	c = open_files(paths, 3, inline_read);
	assert_true(capture_run(c, &hk));
	assert_int_equal(l.consumed, first);
	/* A check at least every 4096 packets of each file. */
	assert_true(l.betweens >= 3 + first / 4096);
	info = capture_inputs(c, &n);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(info[i].packets, sizes[i]);
		assert_null(info[i].error);
	}
	capture_close(c);
	for (int i = 0; i < 3; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
}

/* A stop asked for between batches comes within a batch of reading, is
 * no error, and every packet read was consumed and counted. */
static void test_stop_early(void **state)
{
	bool inline_read = *(const bool *)*state;
	char *path = write_capture(0, 200000);
	struct log l = { .stop_after = 10000 };
	struct capture_hooks hk = hooks_for(&l);
	struct capture *c = open_files(&path, 1, inline_read);
	const struct input_info *info;
	size_t n;

	assert_true(capture_run(c, &hk));
	assert_true(l.consumed >= 10000);
	assert_true(l.consumed < 10000 + 8 * 4096 + 4096);
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, l.consumed);
	capture_close(c);
	unlink(path);
	free(path);
}

/* A file cut inside a packet: the packets before it count, the error
 * says where, and the next file (numbered on from the cut) is read. */
static void test_cut_short(void **state)
{
	bool inline_read = *(const bool *)*state;
	char *paths[2] = { write_capture(0, 5000), write_capture(4000, 10) };
	struct log l = { 0 };
	struct capture_hooks hk = hooks_for(&l);
	struct capture *c;
	const struct input_info *info;
	size_t n;

	/* 24-byte file header, then 16 + FRAME bytes per packet. */
	assert_int_equal(truncate(paths[0], 24 + 4000 * (16 + FRAME) + 30), 0);
	c = open_files(paths, 2, inline_read);
	assert_false(capture_run(c, &hk));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 4000);
	assert_non_null(info[0].error);
	assert_non_null(strstr(info[0].error, "after packet 4000"));
	assert_null(info[1].error);
	assert_int_equal(info[1].packets, 10);
	assert_int_equal(l.consumed, 4010);
	capture_close(c);
	for (int i = 0; i < 2; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
}

/* Each side of the relay made to sleep: first the caller is slow, so the
 * reader fills every batch and waits for room; then the reader naps just
 * before the last packet, so the caller drains the ring and sleeps, and
 * only the last few batches remain to wake it (fewer than a sleeper is
 * otherwise woken for).  A wake-up lost either way hangs, which the alarm
 * turns into a failure. */
static void test_both_sides_sleep(void **state)
{
	bool inline_read = *(const bool *)*state;
	char *path = write_capture(0, 20000);
	struct log l = { .slow_prepare_at = 19999,
			 .slow_consume_until = 12288 };
	struct capture_hooks hk = hooks_for(&l);
	struct capture *c = open_files(&path, 1, inline_read);
	const struct input_info *info;
	size_t n;

	alarm(20);
	assert_true(capture_run(c, &hk));
	alarm(0);
	assert_int_equal(l.consumed, 20000);
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 20000);
	capture_close(c);
	unlink(path);
	free(path);
}

/* Each test twice, the state being capture_config.inline_read: with the
 * reader thread, then in the caller's thread. */
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
		BOTH_WAYS(test_both_sides_sleep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
