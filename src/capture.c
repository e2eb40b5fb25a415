/* capture.c: libpcap sources: capture files in order, or a live
 * interface. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "thread.h"
#include "tunables.h"

#define BATCH 4096	/* packets per pcap_dispatch between checks */
#define LIVE_WAKE_MS 200	/* longest a live capture sleeps */
#define RELAY_BATCH 1024	/* prepared packets per hand-over */
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

/* Prepared packets on their way from the reader thread. */
struct batch {
	_Alignas(CACHE_LINE) size_t n;
	size_t source;		/* the input they came from */
	bool between;		/* a pcap_dispatch ended: the caller checks */
	bool source_done;	/* the input is read (or reading stopped) */
	bool last;		/* nothing follows */
	unsigned char *slots;	/* RELAY_BATCH slots of hooks->slot_size */
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
	pthread_cond_t wake;
	atomic_bool asleep[2];	/* the caller (0), the reader (1) */
	atomic_bool finished;	/* the last batch is published */
	_Alignas(CACHE_LINE) atomic_uint head;
	_Alignas(CACHE_LINE) atomic_uint tail;
	struct batch batch[RELAY_DEPTH];
	_Alignas(CACHE_LINE) size_t reading;	/* the reader's input */
	uint64_t read;		/* packets the reader took from it */
	bool ok;		/* no input stopped early */
};

struct capture {
	bool live;
	bool inline_read;
	struct capture_stats stats;	/* live: widened counters */
	struct pcap_stat last;		/* live: pcap_stats' previous answer */
	struct source *src;
	struct input_info *info;
	size_t n;
	size_t current;		/* the source being read */
	uint64_t done_before;	/* bytes of the sources already read */
	atomic_int stop;	/* lock-free: set by signal handlers */
	const struct capture_hooks *hooks;
	struct relay *relay;	/* a replay's reader thread, or NULL */
	unsigned char *slot;	/* without one: the packet being handled */
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

static bool source_open(struct source *s, const char *name, const char *filter,
			char *err, size_t errlen)
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
	return link_supported(s->dlt, name, err, errlen) &&
	       set_filter(s->pcap, filter, err, errlen);
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
		pcap_set_buffer_size(s->pcap, cfg->buffer_kib * 1024);
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
		if (!source_open(&c->src[i], cfg->files[i], cfg->filter, err,
				 errlen)) {
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

/* Without a reader thread: both halves of the packet's work at once. */
static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	const struct capture_hooks *hk = c->hooks;

	c->info[c->current].packets++;
	hk->prepare(hk->ctx, c->slot, c->src[c->current].dlt,
		    timestamp_us(&h->ts), bytes, h->caplen, h->len);
	hk->consume(hk->ctx, c->slot);
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
	 * share one link type and snapshot length. */
	const char *hint = strstr(why, "different from the")
		? " (split the file by interface first, e.g. with tshark)" : "";

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

/* Sleep in poll() until packets come or LIVE_WAKE_MS pass, so that the
 * hooks run (clock, signals, reports) even when the link is quiet. */
static bool live_run(struct capture *c, const struct capture_hooks *hooks)
{
	struct source *s = &c->src[0];
	struct pollfd pfd = { pcap_get_selectable_fd(s->pcap), POLLIN, 0 };

	c->current = 0;
	while (!atomic_load(&c->stop)) {
		int r;

		if (poll(&pfd, 1, LIVE_WAKE_MS) < 0 && errno != EINTR) {
			snprintf(c->live_error, sizeof c->live_error, "poll: %s",
				 strerror(errno));
			c->info[0].error = c->live_error;
			return false;
		}
		/* One batch per turn: under load the hooks still run between
		 * batches (clock, signals, output), not only when it is quiet. */
		r = pcap_dispatch(s->pcap, BATCH, on_packet, (u_char *)c);
		if (r == PCAP_ERROR) {
			snprintf(c->live_error, sizeof c->live_error, "%s",
				 pcap_geterr(s->pcap));
			c->info[0].error = c->live_error;
			return false;
		}
		if (hooks->between && !hooks->between(hooks->ctx))
			atomic_store(&c->stop, 1);
	}
	return true;
}

/* Files in the caller's thread (no reader thread could be made). */
static bool files_run(struct capture *c, const struct capture_hooks *hooks)
{
	bool ok = true;

	for (c->current = 0; c->current < c->n && !atomic_load(&c->stop);
	     c->current++) {
		struct source *s = &c->src[c->current];
		int r;

		do {
			r = pcap_dispatch(s->pcap, BATCH, on_packet,
					  (u_char *)c);
			if (hooks->between && !hooks->between(hooks->ctx))
				atomic_store(&c->stop, 1);
		} while (r > 0 && !atomic_load(&c->stop));
		if (r == -1) {
			source_failed(s, c->info[c->current].packets);
			ok = false;
		}
		source_done(c, c->current);
	}
	return ok;
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

/* Poll for anything to do; sleep until there is plenty. */
static void relay_wait(struct relay *rl, int side)
{
	for (int i = 0; i < RELAY_SPIN; i++) {
		if (relay_ready(rl, side) > 0)
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&rl->lock);
	atomic_store(&rl->asleep[side], true);
	while (!relay_worth_waking(rl, side))
		pthread_cond_wait(&rl->wake, &rl->lock);
	atomic_store(&rl->asleep[side], false);
	pthread_mutex_unlock(&rl->lock);
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
static void relay_publish(struct relay *rl, bool between, bool source_done,
			  bool last)
{
	struct batch *b = &rl->batch[atomic_load(&rl->head) % RELAY_DEPTH];

	b->between = between;
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
	b->n = 0;
	b->source = rl->reading;
}

static void relay_packet(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	const struct capture_hooks *hk = c->hooks;
	struct relay *rl = c->relay;
	struct batch *b = &rl->batch[atomic_load_explicit(
		&rl->head, memory_order_relaxed) % RELAY_DEPTH];

	rl->read++;
	hk->prepare(hk->ctx, b->slots + b->n * hk->slot_size,
		    c->src[rl->reading].dlt, timestamp_us(&h->ts), bytes,
		    h->caplen, h->len);
	if (++b->n == RELAY_BATCH)
		relay_publish(rl, false, false, false);
}

static void *reader_main(void *arg)
{
	struct capture *c = arg;
	struct relay *rl = c->relay;
	bool ok = true;

	for (; rl->reading < c->n && !atomic_load(&c->stop); rl->reading++) {
		struct source *s = &c->src[rl->reading];
		int r;

		rl->batch[atomic_load(&rl->head) % RELAY_DEPTH].source =
			rl->reading;
		rl->read = 0;
		do {
			r = pcap_dispatch(s->pcap, BATCH, relay_packet,
					  (u_char *)c);
			if (r > 0)
				relay_publish(rl, true, false, false);
		} while (r > 0 && !atomic_load(&c->stop));
		if (r == -1) {
			source_failed(s, rl->read);
			ok = false;
		}
		relay_publish(rl, true, true, false);
	}
	rl->ok = ok;
	relay_publish(rl, false, false, true);
	return NULL;
}

static void relay_free(struct relay *rl)
{
	pthread_cond_destroy(&rl->wake);
	pthread_mutex_destroy(&rl->lock);
	for (int i = 0; i < RELAY_DEPTH; i++)
		free(rl->batch[i].slots);
	free(rl);
}

/* Start the reader thread; NULL when it cannot be (the caller then reads
 * in its own thread). */
static struct relay *relay_start(struct capture *c, size_t slot_size)
{
	/* sizeof is a multiple of CACHE_LINE, as aligned_alloc wants */
	struct relay *rl = aligned_alloc(CACHE_LINE, sizeof *rl);

	if (!rl)
		return NULL;
	memset(rl, 0, sizeof *rl);
	pthread_mutex_init(&rl->lock, NULL);
	pthread_cond_init(&rl->wake, NULL);
	for (int i = 0; i < RELAY_DEPTH; i++)
		if (!(rl->batch[i].slots = malloc(RELAY_BATCH * slot_size))) {
			relay_free(rl);
			return NULL;
		}
	c->relay = rl;
	if (thread_start(&rl->thread, reader_main, c) != 0) {
		c->relay = NULL;
		relay_free(rl);
		return NULL;
	}
	return rl;
}

/* Consume batches until the last; the caller's checks run where the
 * reader finished a pcap_dispatch, as they would without the thread. */
static bool relay_run(struct capture *c, const struct capture_hooks *hk)
{
	struct relay *rl = c->relay;
	bool last = false, ok;

	while (!last) {
		struct batch *b;
		size_t n;
		bool between;

		relay_wait(rl, 0);
		b = &rl->batch[atomic_load(&rl->tail) % RELAY_DEPTH];
		c->current = b->source;
		n = b->n;
		for (size_t i = 0; i < n; i++)
			hk->consume(hk->ctx, b->slots + i * hk->slot_size);
		c->info[b->source].packets += n;
		if (b->source_done)
			source_done(c, b->source);
		between = b->between;
		last = b->last;
		atomic_fetch_add(&rl->tail, 1);
		relay_nudge(rl, 1);
		if (between && hk->between && !hk->between(hk->ctx))
			atomic_store(&c->stop, 1);
	}
	pthread_join(rl->thread, NULL);
	ok = rl->ok;
	c->current = c->n;
	c->relay = NULL;
	relay_free(rl);
	return ok;
}

bool capture_run(struct capture *c, const struct capture_hooks *hooks)
{
	bool ok;

	c->hooks = hooks;
	if (!c->live && !c->inline_read && c->n > 0 &&
	    relay_start(c, hooks->slot_size))
		return relay_run(c, hooks);
	c->slot = malloc(hooks->slot_size);
	if (!c->slot) {
		snprintf(c->live_error, sizeof c->live_error, "out of memory");
		if (c->n)
			c->info[0].error = c->live_error;
		return false;
	}
	ok = c->live ? live_run(c, hooks) : files_run(c, hooks);
	free(c->slot);
	c->slot = NULL;
	return ok;
}

/* With a reader thread, the stop is seen at its next hand-over, within
 * BATCH packets; live, pcap_breakloop ends the wait at once. */
void capture_break(struct capture *c)
{
	atomic_store(&c->stop, 1);
	if (c->live)
		pcap_breakloop(c->src[0].pcap);
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
