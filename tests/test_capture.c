/* test_capture.c: reading files as one timeline, with the reader thread
 * and without: every frame handed out once and in order, per-file counts,
 * a stop, a file cut short, each side of the relay asleep, a quiet pipe
 * that a stop still ends, a filter that names capture files (-r given
 * once for several), and -B's size in bytes; pcapng files whose
 * interfaces differ in link type, each packet decoded and filtered by its
 * own; folders, read in the order of their first packets, what is not a
 * capture skipped; --dedup's window. */
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
#include "pcapng-build.h"
#include "pktbuild.h"
#include "tunables.h"

#define FRAME 60
#define BASE_US 1700000000000000
#define NAP_US 20000

/* A new empty file's path. */
static char *temp_path(void)
{
	char *path = malloc(64);
	int fd;

	assert_non_null(path);
	snprintf(path, 64, "/tmp/lucs-test-capture-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* At path, n Ethernet frames numbered from first (the number is in the
 * frame's time: BASE_US + first * 1000). */
static void write_capture_at(const char *path, uint32_t first, uint32_t n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;

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
}

/* A file of n Ethernet frames numbered from first; returns its path. */
static char *write_capture(uint32_t first, uint32_t n)
{
	char *path = temp_path();

	write_capture_at(path, first, n);
	return path;
}

/* n bytes in a new file; returns its path. */
static char *write_bytes(const uint8_t *b, size_t n)
{
	char *path = temp_path();
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void remove_capture(char *path)
{
	unlink(path);
	free(path);
}

/* capture_open, and the message when it fails (then NULL). */
static struct capture *open_with(char **paths, size_t n, bool inline_read,
				 const char *filter, bool dedup, char *err,
				 size_t errlen)
{
	struct capture_config cfg = {
		.files = (const char *const *)paths, .nfiles = n,
		.inline_read = inline_read, .filter = filter, .dedup = dedup,
	};

	return capture_open(&cfg, err, errlen);
}

static struct capture *open_files(char **paths, size_t n, bool inline_read)
{
	char err[512];
	struct capture *c = open_with(paths, n, inline_read, NULL, false, err,
				      sizeof err);

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

/* A FIFO fed these bytes (f->bytes, f->len: a capture file's, taken over)
 * by a thread of its own. */
static void feeder_start_bytes(struct feeder *f)
{
	f->pause_at = f->pause_before ? f->len - f->pause_before : 0;
	snprintf(f->fifo, sizeof f->fifo, "/tmp/lucs-test-fifo-%d",
		 (int)getpid());
	unlink(f->fifo);
	assert_int_equal(mkfifo(f->fifo, 0600), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, feed, f), 0);
}

/* A FIFO fed the bytes of a capture of n frames. */
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
	feeder_start_bytes(f);
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
typedef void batch_check(struct seen *s, const struct capture_batch *b);

static void quiet_pipe(struct feeder *f, batch_check *check)
{
	char *path = f->fifo;
	struct capture *c;
	struct capture_batch b;
	enum capture_status st;
	struct seen s = { 0 };
	struct timespec t0;
	const struct input_info *info;
	size_t n;

	c = open_files(&path, 1, false);
	alarm(20);
	/* The reader waits inside libpcap for the rest of a batch: quiet,
	 * a wait, not a hang. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((st = capture_next(c, &b)) == CAPTURE_FRAMES)
		check(&s, &b);
	assert_int_equal(st, CAPTURE_QUIET);
	assert_true(seconds_since(&t0) < 5.0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	capture_stop(c);
	while ((st = capture_next(c, &b)) != CAPTURE_END)
		if (st == CAPTURE_FRAMES)
			check(&s, &b);
	/* The wait is 0.2 s; generous for a machine loaded five times over. */
	assert_true(seconds_since(&t0) < 2.0);
	alarm(0);
	assert_int_equal(s.frames, 100);
	assert_true(capture_ok(c));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 100);
	assert_null(info[0].error);
	capture_close(c);
	feeder_end(f);
}

static void test_quiet_pipe_stops(void **state)
{
	struct feeder f = { .hold_open = true };

	(void)state;
	feeder_start(&f, 100);
	quiet_pipe(&f, check_batch);
}

/* --- pcapng: each interface its own link type ---------------------------- */

enum framing { FR_ETHER, FR_NULL, FR_VLAN };

#define AGENT_A "10.20.1.1"
#define AGENT_B "10.20.1.2"
#define SERVER "10.10.0.11"

/* A UDP datagram from src:sport to SERVER:53, 21 bytes of payload that
 * begin with tag, in one of the framings, into f. */
static void udp_frame(struct fb *f, enum framing fr, const char *src,
		      uint16_t sport, uint8_t tag)
{
	fb_init(f);
	if (fr == FR_NULL) {
		fb_null(f, 2, false);	/* AF_INET, the host's order */
	} else if (fr == FR_VLAN) {
		fb_eth(f, ET_VLAN);
		fb_vlan(f, 100, ET_IPV4);
	} else {
		fb_eth(f, ET_IPV4);
	}
	fb_ipv4(f, src, SERVER);
	fb_udp(f, sport, 53);
	fb_bytes(f, &tag, 1);
	fb_payload(f, 20);
	fb_end(f);
}

/* One Enhanced Packet Block: that datagram on interface iface, at
 * ts in the interface's units. */
static void ng_udp(struct ngimg *m, uint32_t iface, uint64_t ts,
		   enum framing fr, const char *src, uint16_t sport,
		   uint8_t tag)
{
	struct fb f;

	udp_frame(&f, fr, src, sport, tag);
	ng_epb(m, iface, ts, (uint32_t)f.len, (uint32_t)f.len, f.b);
}

/* What Wireshark writes on Windows with Npcap: interface 0 Ethernet (in
 * microseconds), interface 1 Npcap's loopback, LINKTYPE_NULL (in
 * nanoseconds, if_tsresol 9, and an if_tsoffset of 100 s); n datagrams,
 * the even ones on Ethernet, the odd ones on the loopback, from AGENT_A
 * (from AGENT_B every third), source port 40000 + i, each 1 ms after the
 * one before it: their time in microseconds is BASE_US + i * 1000. */
#define NG_OFFSET 100
static void mixed_links(struct ngimg *m, uint32_t n)
{
	static const uint8_t nine = 9;
	uint8_t offset[8];
	uint64_t us;

	ng_init(m, false);
	ng_shb(m, 1, 0);
	ng_idb(m, 1, 262144);
	ng_idb_begin(m, 0, 65535);
	ng_opt(m, 2, "\\Device\\NPF_Loopback", 20);
	ng_opt(m, 9, &nine, 1);
	for (int i = 0; i < 8; i++)	/* little-endian, as the section */
		offset[i] = (uint8_t)((uint64_t)NG_OFFSET >> (8 * i));
	ng_opt(m, 14, offset, 8);
	ng_opt_end(m);
	ng_end(m);
	for (uint32_t i = 0; i < n; i++) {
		us = (uint64_t)BASE_US + i * 1000;
		ng_udp(m, i % 2, i % 2 ? (us - NG_OFFSET * 1000000) * 1000 : us,
		       i % 2 ? FR_NULL : FR_ETHER, i % 3 ? AGENT_A : AGENT_B,
		       (uint16_t)(40000 + i), 0);
	}
}

/* Read to the end, checking each frame against mixed_links' datagram i
 * (step: 1, or 3 when a filter kept every third); returns the frames. */
static uint32_t read_mixed(struct capture *c, uint32_t first, uint32_t step)
{
	struct capture_batch b;
	enum capture_status st;
	uint32_t i = first, n = 0;

	while ((st = capture_next(c, &b)) != CAPTURE_END) {
		for (size_t k = 0; st == CAPTURE_FRAMES && k < b.n; k++) {
			const struct frame *f = &b.frames[k];

			assert_int_equal(f->status, DECODE_OK);
			assert_int_equal(f->p.sport, 40000 + i);
			assert_int_equal(f->ts_us, BASE_US + (int64_t)i * 1000);
			i += step;
			n++;
		}
	}
	return n;
}

/* Ethernet and the loopback in one file: every packet decoded by its own
 * interface's link type, on one timeline, if_tsresol and if_tsoffset
 * taken. */
static void test_pcapng_mixed_links(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct ngimg m;
	char *path;
	struct capture *c;
	const struct input_info *info;
	size_t n;

	mixed_links(&m, 5000);
	path = write_bytes(m.b, m.len);
	c = open_files(&path, 1, inline_read);
	assert_int_equal(read_mixed(c, 0, 1), 5000);
	assert_true(capture_ok(c));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 5000);
	assert_null(info[0].error);
	capture_close(c);
	remove_capture(path);
	ng_free(&m);
}

/* A filter compiled once per link type: it passes the same datagrams on
 * both interfaces.  One that passes nothing of a link type (arp on the
 * loopback) is no error there; one that does not compile for an
 * interface's link type fails the opening, naming file and interface. */
static void test_pcapng_filter_per_link(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct ngimg m;
	char *path, err[512];
	struct capture *c;
	const struct input_info *info;
	size_t n;

	mixed_links(&m, 3000);
	path = write_bytes(m.b, m.len);
	c = open_with(&path, 1, inline_read, "src host " AGENT_B, false, err,
		      sizeof err);
	assert_non_null(c);
	assert_int_equal(read_mixed(c, 0, 3), 1000);
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 1000);
	assert_true(capture_ok(c));
	capture_close(c);

	c = open_with(&path, 1, inline_read, "arp", false, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(read_mixed(c, 0, 1), 0);
	assert_true(capture_ok(c));
	capture_close(c);

	c = open_with(&path, 1, inline_read, "vlan 100", false, err,
		      sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "interface 1 (\\Device\\NPF_Loopback, NULL"));
	assert_non_null(strstr(err, "filter 'vlan 100'"));
	remove_capture(path);
	ng_free(&m);
}

/* An interface described after packets of another: the filter compiles
 * for its link type when it is met, and reading stops there when it does
 * not, the packets before it counted. */
static void test_pcapng_filter_mid_file(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct ngimg m;
	char *path, err[512];
	struct capture *c;
	const struct input_info *info;
	size_t n;

	ng_init(&m, false);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 1, 262144);
	for (uint32_t i = 0; i < 10; i++)
		ng_udp(&m, 0, (uint64_t)BASE_US + i * 1000, FR_ETHER, AGENT_A,
		       (uint16_t)(40000 + i), 0);
	ng_idb(&m, 0, 262144);
	ng_udp(&m, 1, (uint64_t)BASE_US + 10000, FR_NULL, AGENT_A, 40010, 0);
	path = write_bytes(m.b, m.len);

	/* without a filter, or one that compiles for both: all of it */
	c = open_with(&path, 1, inline_read, "udp", false, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(read_mixed(c, 0, 1), 11);
	assert_true(capture_ok(c));
	capture_close(c);

	c = open_with(&path, 1, inline_read, "udp or ether broadcast", false,
		      err, sizeof err);
	assert_non_null(c);
	assert_int_equal(read_mixed(c, 0, 1), 10);
	assert_false(capture_ok(c));
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 10);
	assert_non_null(info[0].error);
	assert_non_null(strstr(info[0].error,
			       "reading stopped after packet 10: interface 1 "
			       "(NULL"));
	assert_non_null(strstr(info[0].error, "not a broadcast link"));
	capture_close(c);
	remove_capture(path);
	ng_free(&m);
}

/* An interface whose link type lucsaudit does not decode (USBPcap, 249)
 * beside Ethernet: its packets are non_ip, and no filter passes them; a
 * file with no other is refused, as a classic file of that link type. */
static void test_pcapng_unsupported_interface(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct ngimg m;
	char *path, err[512];
	struct capture *c;
	struct capture_batch b;
	enum capture_status st;
	uint64_t ok = 0, non_ip = 0;

	ng_init(&m, false);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 249, 65535);
	ng_idb(&m, 1, 65535);
	for (uint32_t i = 0; i < 6; i++) {
		if (i % 2)
			ng_epb(&m, 0, (uint64_t)BASE_US + i, 40, 40, NULL);
		else
			ng_udp(&m, 1, (uint64_t)BASE_US + i, FR_ETHER, AGENT_A,
			       40000, 0);
	}
	path = write_bytes(m.b, m.len);
	for (int filtered = 0; filtered < 2; filtered++) {
		ok = non_ip = 0;
		c = open_with(&path, 1, inline_read, filtered ? "udp" : NULL,
			      false, err, sizeof err);
		assert_non_null(c);
		while ((st = capture_next(c, &b)) != CAPTURE_END)
			for (size_t k = 0; st == CAPTURE_FRAMES && k < b.n; k++) {
				ok += b.frames[k].status == DECODE_OK;
				non_ip += b.frames[k].status == DECODE_NON_IP;
			}
		assert_true(capture_ok(c));
		assert_int_equal(ok, 3);
		assert_int_equal(non_ip, filtered ? 0 : 3);
		capture_close(c);
	}
	remove_capture(path);

	ng_free(&m);
	ng_init(&m, false);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 249, 65535);
	ng_epb(&m, 0, (uint64_t)BASE_US, 40, 40, NULL);
	path = write_bytes(m.b, m.len);
	c = open_with(&path, 1, inline_read, NULL, false, err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "unsupported link type USBPCAP"));
	remove_capture(path);
	ng_free(&m);
}

/* mixed_links' datagrams, in order. */
static void check_mixed(struct seen *s, const struct capture_batch *b)
{
	for (size_t i = 0; i < b->n; i++, s->next++) {
		assert_int_equal(b->frames[i].status, DECODE_OK);
		assert_int_equal(b->frames[i].p.sport, 40000 + s->next);
	}
	s->frames += b->n;
}

/* pcapng from a pipe that stays open, as from a live dumpcap: the
 * reader takes each block as it comes (a large read would wait for a
 * megabyte that never comes, at the opening already); a stop ends the
 * reading, every packet read handed out. */
static void test_pcapng_quiet_pipe(void **state)
{
	struct feeder f = { .hold_open = true };
	struct ngimg m;

	(void)state;
	mixed_links(&m, 100);
	f.bytes = malloc(m.len);
	assert_non_null(f.bytes);
	memcpy(f.bytes, m.b, m.len);
	f.len = m.len;
	ng_free(&m);
	feeder_start_bytes(&f);
	quiet_pipe(&f, check_mixed);
}

/* --- folders ------------------------------------------------------------ */

struct folder {
	char dir[64];
	char path[8][128];
	size_t n;
};

static const char *folder_file(struct folder *d, const char *name)
{
	char path[sizeof d->path[0]];

	assert_true(d->n < 8);
	snprintf(path, sizeof path, "%s/%s", d->dir, name);
	memcpy(d->path[d->n], path, sizeof path);
	return d->path[d->n++];
}

static void folder_text(struct folder *d, const char *name, const char *text)
{
	FILE *f = fopen(folder_file(d, name), "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void folder_make(struct folder *d)
{
	snprintf(d->dir, sizeof d->dir, "/tmp/lucs-test-folder-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	d->n = 0;
}

static void folder_remove(struct folder *d)
{
	while (d->n > 0) {
		const char *p = d->path[--d->n];

		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(d->dir);
}

/* A rotated capture: three files whose names do not sort as their times
 * do, a pcapng among them, beside notes, a subfolder, an empty file and
 * a hidden one: the captures are read in the order of their first
 * packets as one timeline, the rest named as skipped (the hidden file
 * not even that). */
static void test_folder_order(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct folder d;
	struct ngimg m;
	char *dir, *path, err[512];
	struct capture *c;
	struct seen s = { 0 };
	const struct input_info *info;
	const char *const *skipped;
	struct capture_notes notes;
	size_t n;

	folder_make(&d);
	write_capture_at(folder_file(&d, "a.pcap"), 2000, 1000);
	write_capture_at(folder_file(&d, "c.pcap"), 0, 1500);
	ng_init(&m, false);	/* frames 1500.. as pcapng */
	ng_shb(&m, 1, 0);
	ng_idb(&m, 1, 65535);
	for (uint32_t i = 1500; i < 2000; i++) {
		uint8_t zero[FRAME] = { 0 };

		ng_epb(&m, 0, (uint64_t)BASE_US + i * 1000, FRAME, FRAME + 4,
		       zero);
	}
	path = write_bytes(m.b, m.len);
	assert_int_equal(rename(path, folder_file(&d, "b-rotated")), 0);
	free(path);
	folder_text(&d, "notes.txt", "captured on the LUCS server\n");
	folder_text(&d, "empty.pcap", "");
	folder_text(&d, ".hidden.pcap", "");
	assert_int_equal(mkdir(folder_file(&d, "sub"), 0700), 0);

	dir = d.dir;
	c = open_files(&dir, 1, inline_read);
	info = capture_inputs(c, &n);
	assert_int_equal(n, 3);
	assert_string_equal(info[0].name, d.path[1]);	/* c.pcap */
	assert_string_equal(info[1].name, d.path[2]);	/* b-rotated */
	assert_string_equal(info[2].name, d.path[0]);	/* a.pcap */
	skipped = capture_skipped(c, &n);
	assert_int_equal(n, 3);
	snprintf(err, sizeof err, "%s: not a capture file, skipped", d.path[4]);
	assert_string_equal(skipped[0], err);	/* empty.pcap */
	snprintf(err, sizeof err, "%s: not a capture file, skipped", d.path[3]);
	assert_string_equal(skipped[1], err);	/* notes.txt */
	assert_non_null(strstr(skipped[2], "/sub: a folder, skipped"));
	read_all(c, &s, 0);
	assert_int_equal(s.frames, 3000);
	info = capture_inputs(c, &n);
	assert_int_equal(info[0].packets, 1500);
	assert_int_equal(info[1].packets, 500);
	assert_int_equal(info[2].packets, 1000);
	capture_notes(c, &notes);
	assert_false(notes.inputs_overlap);
	assert_false(notes.dedup);
	assert_true(capture_ok(c));
	capture_close(c);
	folder_remove(&d);
	ng_free(&m);
}

/* A file given beside a folder, and a folder whose files overlap in
 * time: the summary is told. */
static void test_folder_overlap(void **state)
{
	bool inline_read = *(const bool *)*state;
	struct folder d;
	char *paths[2];
	struct capture *c;
	struct seen s = { 0 };
	struct capture_notes notes;
	const struct input_info *info;
	size_t n;

	folder_make(&d);
	write_capture_at(folder_file(&d, "1.pcap"), 1000, 500);
	write_capture_at(folder_file(&d, "2.pcap"), 1400, 100);
	paths[0] = write_capture(0, 1000);
	paths[1] = d.dir;
	c = open_files(paths, 2, inline_read);
	info = capture_inputs(c, &n);
	assert_int_equal(n, 3);
	assert_string_equal(info[0].name, paths[0]);
	assert_string_equal(info[1].name, d.path[0]);
	while (capture_next(c, &(struct capture_batch){ 0 }) != CAPTURE_END)
		;
	capture_notes(c, &notes);
	assert_true(notes.inputs_overlap);
	capture_close(c);

	/* one after the other: no overlap */
	c = open_files(paths, 1, inline_read);
	read_all(c, &s, 0);
	capture_notes(c, &notes);
	assert_false(notes.inputs_overlap);
	capture_close(c);
	remove_capture(paths[0]);
	folder_remove(&d);
}

/* A folder with no capture is an error that says so. */
static void test_folder_empty(void **state)
{
	struct folder d;
	char *dir, err[512];

	(void)state;
	folder_make(&d);
	dir = d.dir;
	assert_null(open_with(&dir, 1, true, NULL, false, err, sizeof err));
	assert_non_null(strstr(err, "no capture file in this folder"));
	folder_text(&d, "notes.txt", "nothing\n");
	assert_null(open_with(&dir, 1, true, NULL, false, err, sizeof err));
	assert_non_null(strstr(err, "(1 entries that are not captures)"));
	folder_remove(&d);
}

/* --- --dedup -------------------------------------------------------------- */

/* pktmon's copies: the same IP packet on two interfaces of different link
 * types, with and without a VLAN tag, microseconds apart; the window
 * measured from the copy kept, both ends in. */
static void test_dedup_window(void **state)
{
	bool inline_read = *(const bool *)*state;
	static const struct {
		int64_t at_us;
		uint32_t iface;
		enum framing fr;
		uint8_t tag;	/* the packet: A 'A', B 'B', B' 'b' */
		bool kept;
	} seq[] = {
		{ 0, 0, FR_ETHER, 'A', true },
		{ 5, 1, FR_NULL, 'A', false },
		{ 10, 0, FR_VLAN, 'A', false },
		{ 1000, 0, FR_ETHER, 'B', true },
		{ 1003, 1, FR_NULL, 'b', true },	/* other bytes */
		{ 20000, 0, FR_ETHER, 'A', true },	/* 20 ms on */
		{ 30000, 1, FR_NULL, 'A', false },	/* 10 ms after it */
		{ 40001, 0, FR_ETHER, 'A', true },	/* 10.001 ms */
	};
	const size_t nseq = sizeof seq / sizeof *seq;
	struct ngimg m;
	char *path, err[512];
	struct capture *c;
	struct capture_batch b;
	enum capture_status st;
	struct capture_notes notes;
	const struct input_info *info;
	size_t n, k;

	ng_init(&m, false);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 1, 65535);
	ng_idb(&m, 0, 65535);
	for (size_t i = 0; i < nseq; i++)
		ng_udp(&m, seq[i].iface, (uint64_t)(BASE_US + seq[i].at_us),
		       seq[i].fr, AGENT_A, 40000, seq[i].tag);
	path = write_bytes(m.b, m.len);
	for (int dedup = 0; dedup < 2; dedup++) {
		c = open_with(&path, 1, inline_read, NULL, dedup, err,
			      sizeof err);
		assert_non_null(c);
		k = 0;
		while ((st = capture_next(c, &b)) != CAPTURE_END) {
			for (size_t j = 0; st == CAPTURE_FRAMES && j < b.n; j++) {
				while (dedup && !seq[k].kept)
					k++;
				assert_int_equal(b.frames[j].ts_us,
						 BASE_US + seq[k].at_us);
				assert_int_equal(b.frames[j].status, DECODE_OK);
				k++;
			}
		}
		capture_notes(c, &notes);
		assert_int_equal(notes.dedup, dedup);
		assert_int_equal(notes.duplicates_dropped, dedup ? 3 : 0);
		assert_int_equal(k, nseq);
		info = capture_inputs(c, &n);
		assert_int_equal(info[0].packets, nseq);	/* copies too */
		capture_close(c);
	}
	remove_capture(path);
	ng_free(&m);
}

/* The window is also the last LUCS_DEDUP_PACKETS packets kept: a copy
 * that many distinct packets later is one no more. */
static void test_dedup_ring(void **state)
{
	bool inline_read = *(const bool *)*state;
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	char *path = temp_path(), err[512];
	pcap_dumper_t *d;
	struct capture *c;
	struct capture_notes notes;
	uint32_t i;

	assert_non_null(p);
	d = pcap_dump_open(p, path);
	assert_non_null(d);
	/* A, then LUCS_DEDUP_PACKETS - 1 others, A (a copy), one more, A
	 * (no copy: A has left the ring), all within a millisecond */
	for (i = 0; i < LUCS_DEDUP_PACKETS + 3; i++) {
		bool a = i == 0 || i == LUCS_DEDUP_PACKETS ||
			 i == LUCS_DEDUP_PACKETS + 2;
		struct fb f;
		struct pcap_pkthdr h = {
			.ts = { (time_t)(BASE_US / 1000000), (suseconds_t)(i / 10) },
		};

		fb_init(&f);
		fb_eth(&f, ET_IPV4);
		fb_ipv4(&f, AGENT_A, SERVER);
		fb_udp(&f, a ? 1 : (uint16_t)(1 + i % 60000),
		       a ? 53 : (uint16_t)(1024 + i / 60000));
		fb_end(&f);
		h.caplen = h.len = (uint32_t)f.len;
		pcap_dump((u_char *)d, &h, f.b);
	}
	pcap_dump_close(d);
	pcap_close(p);
	c = open_with(&path, 1, inline_read, NULL, true, err, sizeof err);
	assert_non_null(c);
	while (capture_next(c, &(struct capture_batch){ 0 }) != CAPTURE_END)
		;
	capture_notes(c, &notes);
	assert_int_equal(notes.duplicates_dropped, 1);
	capture_close(c);
	remove_capture(path);
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
		BOTH_WAYS(test_pcapng_mixed_links),
		BOTH_WAYS(test_pcapng_filter_per_link),
		BOTH_WAYS(test_pcapng_filter_mid_file),
		BOTH_WAYS(test_pcapng_unsupported_interface),
		BOTH_WAYS(test_folder_order),
		BOTH_WAYS(test_folder_overlap),
		BOTH_WAYS(test_dedup_window),
		BOTH_WAYS(test_dedup_ring),
		cmocka_unit_test(test_folder_empty),
		cmocka_unit_test(test_pcapng_quiet_pipe),
		cmocka_unit_test(test_both_sides_sleep),
		cmocka_unit_test(test_quiet_pipe_stops),
		cmocka_unit_test(test_filter_names_files),
		cmocka_unit_test(test_filter_names_none),
		cmocka_unit_test(test_buffer_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
