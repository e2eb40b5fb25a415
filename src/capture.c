/* capture.c: libpcap sources: capture files in order, or a live
 * interface, decoded into batches of frames the caller pulls.  It owns
 * the sources, the reader thread and the batches it fills. */
#include "capture.h"

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "messages.h"
#include "thread.h"
#include "tunables.h"

#define BATCH 4096	/* packets per pcap_dispatch */
#define RELAY_BATCH 1024	/* frames per hand-over */
#define RELAY_DEPTH 8	/* hand-overs the reader may be ahead */
#define RELAY_SPIN 2000	/* polls before a side sleeps: ~10 us */
#define RELAY_WAKE (RELAY_DEPTH / 2)	/* hand-overs that wake a sleeper */

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

struct source {
	pcap_t *pcap;
	FILE *file;
	char *buffer;		/* the FILE's stdio buffer */
	int dlt;
	uint64_t size;		/* 0 when unknown */
	char *error;		/* why reading stopped early */
	bool failed;
};

/* The two threads never write to one cache line: the reader counts every
 * packet into the batch it fills while the caller reads the one it
 * consumes, and sharing a line would move it between the cores at each
 * packet. */
#define CACHE_LINE 64

/* Frames on their way from the reader thread. */
struct batch {
	_Alignas(CACHE_LINE) struct frame_sink sink;	/* RELAY_BATCH frames */
	size_t source;		/* the input they came from */
	bool source_done;	/* the input is read (or reading stopped) */
	bool last;		/* nothing follows */
};

/* The reader fills batch[head], the caller consumes batch[tail]; each
 * side moves only its own counter.  A side that finds nothing to do polls
 * a while before it sleeps: waking a sleeper is a system call, and with a
 * hand-over every few hundred microseconds the one that wakes the other
 * would pay it each time.  A sleeper is woken only once half the ring is
 * ready for it, so the side that sets the pace pays one wake-up per few
 * hand-overs, not one each.  (Sleeping sets `asleep` before checking again,
 * and the other side checks `asleep` after moving its counter: with
 * sequentially consistent atomics one of the two sees the other.) */
struct relay {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* on the monotonic clock: the caller's waits
				 * are timed */
	atomic_bool asleep[2];	/* the caller (0), the reader (1) */
	atomic_bool finished;	/* the last batch is published */
	_Alignas(CACHE_LINE) atomic_uint head;
	_Alignas(CACHE_LINE) atomic_uint tail;
	struct batch batch[RELAY_DEPTH];
	_Alignas(CACHE_LINE) size_t reading;	/* the reader's input */
	uint64_t read;		/* packets the reader took from it */
	bool ok;		/* no input stopped early */
	/* The caller's side: */
	_Alignas(CACHE_LINE) bool held;	/* it holds the batch at tail */
	bool done;		/* it took the last batch */
};

struct capture {
	bool live;
	bool inline_read;
	bool ok;		/* no input stopped early */
	struct capture_stats stats;	/* live: widened counters */
	struct pcap_stat last;		/* live: pcap_stats' previous answer */
	struct source *src;
	struct input_info *info;
	size_t n;
	size_t current;		/* the source being read */
	uint64_t done_before;	/* bytes of the sources already read */
	atomic_int stop;	/* capture_stop was called */
	struct relay *relay;	/* a replay's reader thread, or NULL */
	bool relay_tried;	/* it was started, or could not be */
	struct frame_sink sink;	/* without one: BATCH frames */
	const struct decode_config *decode;
	char live_error[PCAP_ERRBUF_SIZE + 16];
};

static void dlt_describe(int dlt, char *buf, size_t size)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);

	if (name && desc)
		snprintf(buf, size, "%s (%d, %s)", name, dlt, desc);
	else
		snprintf(buf, size, "%d", dlt);
}

static bool link_supported(int dlt, const char *name, char *err,
			   size_t errlen)
{
	char what[160];

	if (decode_linktype_supported(dlt))
		return true;
	dlt_describe(dlt, what, sizeof what);
	snprintf(err, errlen,
		 "%s: unsupported link type %s; lucsaudit reads Ethernet, "
		 "Linux cooked (SLL, SLL2), raw IP (RAW, IPV4, IPV6) and BSD "
		 "loopback (NULL, LOOP)", name, what);
	return false;
}

static bool set_filter(pcap_t *p, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	bool ok;

	if (!filter)
		return true;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
		return false;
	}
	ok = pcap_setfilter(p, &prog) == 0;
	if (!ok)
		snprintf(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
	pcap_freecode(&prog);
	return ok;
}

/* The next word of a filter (words are joined with spaces, as main has
 * them), cut to size; false after the last. */
static bool next_word(const char **s, char *word, size_t size)
{
	size_t n;

	*s += strspn(*s, " ");
	n = strcspn(*s, " ");
	if (n == 0)
		return false;
	snprintf(word, size, "%.*s", (int)n, *s);
	*s += n;
	return true;
}

/* A word that is no filter but a capture file: one that exists, or is
 * named like one. */
static bool names_capture(const char *word)
{
	static const char *const exts[] = { ".pcap", ".pcapng", ".cap" };
	size_t n = strlen(word);
	struct stat st;

	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (n > strlen(exts[i]) &&
		    strcasecmp(word + n - strlen(exts[i]), exts[i]) == 0)
			return true;
	return stat(word, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* "-r a.pcap b.pcap": b.pcap became the filter, which does not compile.
 * The command line that reads both, the filter words after the files. */
static void filter_hint(const struct capture_config *cfg, char *err,
			size_t errlen)
{
	char word[PATH_MAX];
	const char *s = cfg->filter;
	bool files = false;

	while (!files && next_word(&s, word, sizeof word))
		files = names_capture(word);
	if (!files)
		return;
	msg_append(err, errlen, "; to read several files, repeat -r:");
	for (size_t i = 0; i < cfg->nfiles; i++)
		msg_append(err, errlen, " -r %s", cfg->files[i]);
	for (s = cfg->filter; next_word(&s, word, sizeof word);)
		if (names_capture(word))
			msg_append(err, errlen, " -r %s", word);
	for (s = cfg->filter; next_word(&s, word, sizeof word);)
		if (!names_capture(word))
			msg_append(err, errlen, " %s", word);
}

static bool source_open(struct source *s, const char *name,
			const struct capture_config *cfg, char *err,
			size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct stat st;
	bool is_stdin = strcmp(name, "-") == 0;

	s->file = is_stdin ? stdin : fopen(name, "rb");
	if (!s->file) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return false;
	}
	/* libpcap reads through stdio in 4 KiB chunks by default; a large
	 * buffer makes replays of big files markedly faster.  glibc ignores
	 * the size when setvbuf is not given the buffer itself. */
	s->buffer = malloc(LUCS_READ_BUFFER);
	if (s->buffer)
		setvbuf(s->file, s->buffer, _IOFBF, LUCS_READ_BUFFER);
	if (fstat(fileno(s->file), &st) == 0 && S_ISREG(st.st_mode))
		s->size = (uint64_t)st.st_size;
	s->pcap = pcap_fopen_offline_with_tstamp_precision(
		s->file, PCAP_TSTAMP_PRECISION_MICRO, pcap_err);
	if (!s->pcap) {
		snprintf(err, errlen, "%s: not a capture file lucsaudit can read: %s",
			 name, pcap_err);
		if (!is_stdin)
			fclose(s->file);
		s->file = NULL;
		return false;
	}
	s->dlt = pcap_datalink(s->pcap);
	if (!link_supported(s->dlt, name, err, errlen))
		return false;
	if (!set_filter(s->pcap, cfg->filter, err, errlen)) {
		filter_hint(cfg, err, errlen);
		return false;
	}
	return true;
}

/* pcap_activate's failures, said the way a network engineer acts on them. */
static void activate_error(pcap_t *p, const char *iface, int rc, char *err,
			   size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen,
			 "%s: no permission to capture: run as root, or give the "
			 "program CAP_NET_RAW (setcap cap_net_raw+ep %s)", iface,
			 "$(command -v lucsaudit)");
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "%s: no such interface (lucsaudit -D "
			 "lists them)", iface);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "%s: the interface is down", iface);
		break;
	default:
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(p));
		break;
	}
}

static bool live_open(struct capture *c, const struct capture_config *cfg,
		      char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct source *s = &c->src[0];
	int rc;

	c->live = true;
	c->n = 1;
	c->info[0].name = cfg->iface;
	s->pcap = pcap_create(cfg->iface, pcap_err);
	if (!s->pcap) {
		snprintf(err, errlen, "%s: %s", cfg->iface, pcap_err);
		return false;
	}
	pcap_set_snaplen(s->pcap, cfg->snaplen);
	pcap_set_promisc(s->pcap, cfg->promisc);
	/* Reports must be on time on a quiet link: no batching delay. */
	pcap_set_immediate_mode(s->pcap, 1);
	if (cfg->buffer_kib)
		pcap_set_buffer_size(s->pcap,
				     capture_buffer_bytes(cfg->buffer_kib));
	rc = pcap_activate(s->pcap);
	if (rc < 0) {
		activate_error(s->pcap, cfg->iface, rc, err, errlen);
		return false;
	}
	s->dlt = pcap_datalink(s->pcap);
	if (!link_supported(s->dlt, cfg->iface, err, errlen) ||
	    !set_filter(s->pcap, cfg->filter, err, errlen))
		return false;
	if (pcap_setnonblock(s->pcap, 1, pcap_err) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->iface, pcap_err);
		return false;
	}
	return true;
}

struct capture *capture_open(const struct capture_config *cfg, char *err,
			     size_t errlen)
{
	struct capture *c = calloc(1, sizeof *c);
	size_t stdin_uses = 0;

	if (!c)
		goto nomem;
	c->ok = true;
	c->decode = cfg->decode;
	c->sink.cfg = cfg->decode;
	c->sink.frames = malloc(BATCH * sizeof *c->sink.frames);
	c->sink.extras = malloc(BATCH * sizeof *c->sink.extras);
	if (!c->sink.frames || !c->sink.extras)
		goto nomem;
	if (cfg->iface) {
		c->src = calloc(1, sizeof *c->src);
		c->info = calloc(1, sizeof *c->info);
		if (!c->src || !c->info)
			goto nomem;
		if (live_open(c, cfg, err, errlen))
			return c;
		capture_close(c);
		return NULL;
	}
	c->inline_read = cfg->inline_read;
	c->src = calloc(cfg->nfiles, sizeof *c->src);
	c->info = calloc(cfg->nfiles, sizeof *c->info);
	if (cfg->nfiles && (!c->src || !c->info))
		goto nomem;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		c->info[i].name = cfg->files[i];
		if (strcmp(cfg->files[i], "-") == 0 && ++stdin_uses > 1) {
			snprintf(err, errlen, "-r -: standard input can be read only once");
			capture_close(c);
			return NULL;
		}
		c->n = i + 1;
		if (!source_open(&c->src[i], cfg->files[i], cfg, err, errlen)) {
			capture_close(c);
			return NULL;
		}
	}
	return c;
nomem:
	snprintf(err, errlen, "out of memory");
	capture_close(c);
	return NULL;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->relay) {		/* the caller stopped early: the reader ends first */
		struct capture_batch b;

		capture_stop(c);
		while (capture_next(c, &b) != CAPTURE_END)
			;
	}
	for (size_t i = 0; i < c->n; i++) {
		/* pcap_close closes the FILE it was opened on. */
		if (c->src[i].pcap)
			pcap_close(c->src[i].pcap);
		else if (c->src[i].file && c->src[i].file != stdin)
			fclose(c->src[i].file);
		/* Standard input stays open, with its buffer, to the end. */
		if (c->src[i].file != stdin)
			free(c->src[i].buffer);
		free(c->src[i].error);
	}
	free(c->src);
	free(c->info);
	free(c->sink.frames);
	free(c->sink.extras);
	free(c);
}

/* A crafted pcapng can carry seconds beyond what microseconds in 64 bits
 * hold: saturate rather than overflow. */
static int64_t timestamp_us(const struct timeval *tv)
{
	const int64_t max_sec = INT64_MAX / 1000000 - 1;
	int64_t sec = (int64_t)tv->tv_sec;

	if (sec > max_sec)
		sec = max_sec;
	if (sec < -max_sec)
		sec = -max_sec;
	return sec * 1000000 + tv->tv_usec;
}

/* Without a reader thread: decoded into the capture's own frames. */
static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct capture *c = (struct capture *)user;

	c->info[c->current].packets++;
	decode_frame(&c->sink, c->src[c->current].dlt, timestamp_us(&h->ts),
		     bytes, h->caplen, h->len);
}

static uint64_t source_offset(const struct source *s)
{
	long off = s->file ? ftell(s->file) : -1;

	return off > 0 ? (uint64_t)off : 0;
}

/* Say in s->error why s stopped after `packets`, and where. */
static void source_failed(struct source *s, uint64_t packets)
{
	char msg[PCAP_ERRBUF_SIZE + 200], where[80] = "";
	uint64_t at = source_offset(s);

	if (s->size)
		snprintf(where, sizeof where, ", at byte %llu of %llu",
			 (unsigned long long)at, (unsigned long long)s->size);
	const char *why = pcap_geterr(s->pcap);
	/* libpcap 1.10 reads a pcapng file only while all its interfaces
	 * share one link type and snapshot length, and in one byte order: a
	 * section in the other order reads as a huge block. */
	const char *hint = strstr(why, "different from the")
		? " (split the file by interface first, e.g. with tshark)"
		: strstr(why, "> maximum")
		? " (a damaged block, or a pcapng section in the other byte "
		  "order, which libpcap 1.10 does not read: rewrite the file "
		  "with editcap -F pcapng IN OUT)" : "";

	snprintf(msg, sizeof msg, "reading stopped after packet %llu%s: %s%s",
		 (unsigned long long)packets, where, why, hint);
	s->error = strdup(msg);
	s->failed = true;
}

/* Input i is read: its bytes count as done, its error is told. */
static void source_done(struct capture *c, size_t i)
{
	c->done_before += c->src[i].size;
	if (c->src[i].failed)
		c->info[i].error = c->src[i].error ? c->src[i].error
						   : "read error";
}

/* Live: sleep in poll() until packets come or the wait passes, then take
 * one pcap_dispatch's worth: under load the caller still gets control
 * between batches (clock, signals, output), not only when it is quiet. */
static enum capture_status live_next(struct capture *c,
				     struct capture_batch *b)
{
	struct source *s = &c->src[0];
	struct pollfd pfd = { pcap_get_selectable_fd(s->pcap), POLLIN, 0 };
	int r;

	if (atomic_load(&c->stop) || !c->ok)
		return CAPTURE_END;
	if (poll(&pfd, 1, LUCS_CAPTURE_WAIT_MS) < 0 && errno != EINTR) {
		snprintf(c->live_error, sizeof c->live_error, "poll: %s",
			 strerror(errno));
		c->info[0].error = c->live_error;
		c->ok = false;
		return CAPTURE_END;
	}
	c->sink.n = c->sink.nextras = 0;
	r = pcap_dispatch(s->pcap, BATCH, on_packet, (u_char *)c);
	if (r == PCAP_ERROR) {
		snprintf(c->live_error, sizeof c->live_error, "%s",
			 pcap_geterr(s->pcap));
		c->info[0].error = c->live_error;
		c->ok = false;
	}
	b->frames = c->sink.frames;
	b->extras = c->sink.extras;
	b->n = c->sink.n;
	return b->n ? CAPTURE_FRAMES : c->ok ? CAPTURE_QUIET : CAPTURE_END;
}

/* Files in the caller's thread (tests, or no reader thread could be
 * made): one pcap_dispatch's worth per call. */
static enum capture_status files_next(struct capture *c,
				      struct capture_batch *b)
{
	while (c->current < c->n && !atomic_load(&c->stop)) {
		size_t i = c->current;
		int r;

		c->sink.n = c->sink.nextras = 0;
		r = pcap_dispatch(c->src[i].pcap, BATCH, on_packet, (u_char *)c);
		if (r <= 0) {
			if (r == PCAP_ERROR) {
				source_failed(&c->src[i], c->info[i].packets);
				c->ok = false;
			}
			source_done(c, i);
			c->current++;
		}
		if (c->sink.n) {
			b->frames = c->sink.frames;
			b->extras = c->sink.extras;
			b->n = c->sink.n;
			return CAPTURE_FRAMES;
		}
	}
	return CAPTURE_END;
}

/* --- the reader thread ------------------------------------------------- */

/* Side 0, the caller, waits for batches; side 1, the reader, for room. */
static unsigned relay_ready(const struct relay *rl, int side)
{
	unsigned queued = atomic_load(&rl->head) - atomic_load(&rl->tail);

	return side == 0 ? queued : RELAY_DEPTH - queued;
}

/* Enough is ready to be worth waking a sleeper for; the caller also for
 * the last batches, however few. */
static bool relay_worth_waking(const struct relay *rl, int side)
{
	unsigned ready = relay_ready(rl, side);

	return ready >= RELAY_WAKE ||
	       (side == 0 && ready > 0 && atomic_load(&rl->finished));
}

/* The caller's waits end after LUCS_CAPTURE_WAIT_MS at the latest. */
static struct timespec wait_deadline(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)(LUCS_CAPTURE_WAIT_MS % 1000) * 1000000;
	t.tv_sec += LUCS_CAPTURE_WAIT_MS / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

/* Poll for anything to do; sleep until there is plenty, the caller no
 * longer than its wait.  True when there is something to do. */
static bool relay_wait(struct relay *rl, int side)
{
	struct timespec deadline;

	for (int i = 0; i < RELAY_SPIN; i++) {
		if (relay_ready(rl, side) > 0)
			return true;
		cpu_relax();
	}
	if (side == 0)
		deadline = wait_deadline();
	pthread_mutex_lock(&rl->lock);
	atomic_store(&rl->asleep[side], true);
	while (!relay_worth_waking(rl, side)) {
		if (side == 1)
			pthread_cond_wait(&rl->wake, &rl->lock);
		else if (pthread_cond_timedwait(&rl->wake, &rl->lock,
						&deadline) == ETIMEDOUT)
			break;
	}
	atomic_store(&rl->asleep[side], false);
	pthread_mutex_unlock(&rl->lock);
	return relay_ready(rl, side) > 0;
}

/* The other side may be asleep waiting for the counter just moved. */
static void relay_nudge(struct relay *rl, int other)
{
	if (atomic_load(&rl->asleep[other]) && relay_worth_waking(rl, other)) {
		pthread_mutex_lock(&rl->lock);
		pthread_cond_broadcast(&rl->wake);
		pthread_mutex_unlock(&rl->lock);
	}
}

/* Hand the batch being filled over, and wait for room for the next. */
static void relay_publish(struct relay *rl, bool source_done, bool last)
{
	struct batch *b = &rl->batch[atomic_load(&rl->head) % RELAY_DEPTH];

	b->source_done = source_done;
	b->last = last;
	if (last)
		atomic_store(&rl->finished, true);
	atomic_fetch_add(&rl->head, 1);
	relay_nudge(rl, 0);
	if (last)
		return;
	relay_wait(rl, 1);
	b = &rl->batch[atomic_load(&rl->head) % RELAY_DEPTH];
	b->sink.n = 0;
	b->sink.nextras = 0;
	b->source = rl->reading;
}

static void relay_packet(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct relay *rl = c->relay;
	struct batch *b = &rl->batch[atomic_load_explicit(
		&rl->head, memory_order_relaxed) % RELAY_DEPTH];

	rl->read++;
	decode_frame(&b->sink, c->src[rl->reading].dlt, timestamp_us(&h->ts),
		     bytes, h->caplen, h->len);
	if (b->sink.n == RELAY_BATCH)
		relay_publish(rl, false, false);
}

static void *reader_main(void *arg)
{
	struct capture *c = arg;
	struct relay *rl = c->relay;
	bool ok = true;

	/* a read from a silent pipe ends when the run stops (capture_stop) */
	thread_accept_wake();
	for (; rl->reading < c->n && !atomic_load(&c->stop); rl->reading++) {
		struct source *s = &c->src[rl->reading];
		int r;

		rl->batch[atomic_load(&rl->head) % RELAY_DEPTH].source =
			rl->reading;
		rl->read = 0;
		do {
			r = pcap_dispatch(s->pcap, BATCH, relay_packet,
					  (u_char *)c);
			/* A reader of a slow pipe hands over what it has. */
			if (r > 0)
				relay_publish(rl, false, false);
		} while (r > 0 && !atomic_load(&c->stop));
		/* An interrupted read after a stop is no input's failure. */
		if (r == PCAP_ERROR && !atomic_load(&c->stop)) {
			source_failed(s, rl->read);
			ok = false;
		}
		relay_publish(rl, true, false);
	}
	rl->ok = ok;
	relay_publish(rl, false, true);
	return NULL;
}

static void relay_free(struct relay *rl)
{
	pthread_cond_destroy(&rl->wake);
	pthread_mutex_destroy(&rl->lock);
	for (int i = 0; i < RELAY_DEPTH; i++) {
		free(rl->batch[i].sink.frames);
		free(rl->batch[i].sink.extras);
	}
	free(rl);
}

static void relay_init_sync(struct relay *rl)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&rl->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&rl->wake, &attr);
	pthread_condattr_destroy(&attr);
}

/* Start the reader thread; false when it cannot be (the caller then reads
 * in its own thread). */
static bool relay_start(struct capture *c)
{
	/* sizeof is a multiple of CACHE_LINE, as aligned_alloc wants */
	struct relay *rl = aligned_alloc(CACHE_LINE, sizeof *rl);

	if (!rl)
		return false;
	memset(rl, 0, sizeof *rl);
	relay_init_sync(rl);
	for (int i = 0; i < RELAY_DEPTH; i++) {
		struct batch *b = &rl->batch[i];

		b->sink.cfg = c->decode;
		b->sink.frames = malloc(RELAY_BATCH * sizeof *b->sink.frames);
		b->sink.extras = malloc(RELAY_BATCH * sizeof *b->sink.extras);
		if (!b->sink.frames || !b->sink.extras) {
			relay_free(rl);
			return false;
		}
	}
	c->relay = rl;
	if (thread_start(&rl->thread, reader_main, c) != 0) {
		c->relay = NULL;
		relay_free(rl);
		return false;
	}
	return true;
}

/* The reader stopped: it is joined and its results taken. */
static void relay_end(struct capture *c)
{
	struct relay *rl = c->relay;

	pthread_join(rl->thread, NULL);
	if (!rl->ok)
		c->ok = false;
	c->current = c->n;
	c->relay = NULL;
	relay_free(rl);
}

/* The caller is done with the batch at tail. */
static void relay_release(struct relay *rl)
{
	atomic_fetch_add(&rl->tail, 1);
	relay_nudge(rl, 1);
}

/* The next batch with frames from the reader; the inputs' counts follow
 * the batches as the caller takes them. */
static enum capture_status relay_next(struct capture *c,
				      struct capture_batch *out)
{
	struct relay *rl = c->relay;

	if (rl->held) {
		rl->held = false;
		relay_release(rl);
	}
	for (;;) {
		struct batch *b;

		if (rl->done) {
			relay_end(c);
			return CAPTURE_END;
		}
		if (!relay_wait(rl, 0)) {
			/* A read may have begun just before the stop:
			 * interrupt it again. */
			if (atomic_load(&c->stop))
				thread_wake(rl->thread);
			return CAPTURE_QUIET;
		}
		b = &rl->batch[atomic_load(&rl->tail) % RELAY_DEPTH];
		c->current = b->source;
		c->info[b->source].packets += b->sink.n;
		if (b->source_done)
			source_done(c, b->source);
		rl->done = b->last;
		if (b->sink.n) {
			out->frames = b->sink.frames;
			out->extras = b->sink.extras;
			out->n = b->sink.n;
			rl->held = true;
			return CAPTURE_FRAMES;
		}
		relay_release(rl);
	}
}

enum capture_status capture_next(struct capture *c, struct capture_batch *b)
{
	if (c->live)
		return live_next(c, b);
	if (!c->relay_tried) {
		c->relay_tried = true;
		if (!c->inline_read && c->n > 0)
			relay_start(c);
	}
	return c->relay ? relay_next(c, b) : files_next(c, b);
}

void capture_stop(struct capture *c)
{
	atomic_store(&c->stop, 1);
	if (c->relay)
		thread_wake(c->relay->thread);
}

bool capture_ok(const struct capture *c)
{
	return c->ok;
}

int capture_buffer_bytes(unsigned buffer_kib)
{
	uint64_t bytes = (uint64_t)buffer_kib * 1024;

	return bytes > INT_MAX ? INT_MAX : (int)bytes;
}

void capture_progress(const struct capture *c, uint64_t *done,
		      uint64_t *total)
{
	*total = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!c->src[i].size) {
			*total = 0;
			break;
		}
		*total += c->src[i].size;
	}
	*done = c->done_before;
	if (c->current < c->n)
		*done += source_offset(&c->src[c->current]);
}

bool capture_is_live(const struct capture *c)
{
	return c->live;
}

/* pcap_stats counts in 32 bits that wrap on a busy link: add deltas. */
static uint64_t widen(uint64_t total, unsigned now, unsigned before)
{
	return total + (unsigned)(now - before);
}

bool capture_stats(struct capture *c, struct capture_stats *out)
{
	struct pcap_stat ps;

	if (!c->live || pcap_stats(c->src[0].pcap, &ps) != 0)
		return false;
	c->stats.received = widen(c->stats.received, ps.ps_recv,
				  c->last.ps_recv);
	c->stats.dropped = widen(c->stats.dropped, ps.ps_drop, c->last.ps_drop);
	c->stats.if_dropped = widen(c->stats.if_dropped, ps.ps_ifdrop,
				    c->last.ps_ifdrop);
	c->last = ps;
	*out = c->stats;
	return true;
}

bool capture_list_interfaces(FILE *f, char *err, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_if_t *all;
	int i = 1;

	if (pcap_findalldevs(&all, pcap_err) != 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", pcap_err);
		return false;
	}
	for (pcap_if_t *d = all; d; d = d->next, i++)
		fprintf(f, "%d.%s%s%s%s [%s%s%s]\n", i, d->name,
			d->description ? " (" : "",
			d->description ? d->description : "",
			d->description ? ")" : "",
			d->flags & PCAP_IF_UP ? "Up" : "Down",
			d->flags & PCAP_IF_RUNNING ? ", Running" : "",
			d->flags & PCAP_IF_LOOPBACK ? ", Loopback" : "");
	pcap_freealldevs(all);
	if (i == 1) {
		snprintf(err, errlen, "no interface to capture on (are you "
			 "root, or does the program have CAP_NET_RAW?)");
		return false;
	}
	return true;
}

const struct input_info *capture_inputs(const struct capture *c, size_t *n)
{
	*n = c->n;
	return c->info;
}
