/* capture.c: libpcap sources: capture files in order, or a live
 * interface. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "tunables.h"

#define BATCH 4096	/* packets per pcap_dispatch between checks */
#define LIVE_WAKE_MS 200	/* longest a live capture sleeps */

struct source {
	pcap_t *pcap;
	FILE *file;
	char *buffer;		/* the FILE's stdio buffer */
	int dlt;
	uint64_t size;		/* 0 when unknown */
	char *error;		/* why reading stopped early */
};

struct capture {
	bool live;
	struct capture_stats stats;	/* live: widened counters */
	struct pcap_stat last;		/* live: pcap_stats' previous answer */
	struct source *src;
	struct input_info *info;
	size_t n;
	size_t current;		/* the source being read */
	uint64_t done_before;	/* bytes of the sources already read */
	volatile sig_atomic_t stop;
	const struct capture_hooks *hooks;
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

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct source *s = &c->src[c->current];
	int64_t ts = timestamp_us(&h->ts);

	c->info[c->current].packets++;
	c->hooks->packet(c->hooks->ctx, s->dlt, ts, bytes, h->caplen, h->len);
}

static uint64_t source_offset(const struct source *s)
{
	long off = s->file ? ftell(s->file) : -1;

	return off > 0 ? (uint64_t)off : 0;
}

static void source_failed(struct capture *c, struct source *s)
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
		 (unsigned long long)c->info[c->current].packets, where, why,
		 hint);
	s->error = strdup(msg);
	c->info[c->current].error = s->error ? s->error : "read error";
}

/* Sleep in poll() until packets come or LIVE_WAKE_MS pass, so that the
 * hooks run (clock, signals, reports) even when the link is quiet. */
static bool live_run(struct capture *c, const struct capture_hooks *hooks)
{
	struct source *s = &c->src[0];
	struct pollfd pfd = { pcap_get_selectable_fd(s->pcap), POLLIN, 0 };

	c->current = 0;
	while (!c->stop) {
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
			c->stop = 1;
	}
	return true;
}

bool capture_run(struct capture *c, const struct capture_hooks *hooks)
{
	bool ok = true;

	c->hooks = hooks;
	if (c->live)
		return live_run(c, hooks);
	for (c->current = 0; c->current < c->n && !c->stop; c->current++) {
		struct source *s = &c->src[c->current];
		int r;

		do {
			r = pcap_dispatch(s->pcap, BATCH, on_packet,
					  (u_char *)c);
			if (hooks->between && !hooks->between(hooks->ctx))
				c->stop = 1;
		} while (r > 0 && !c->stop);
		if (r == -1) {
			source_failed(c, s);
			ok = false;
		}
		c->done_before += s->size;
	}
	return ok;
}

void capture_break(struct capture *c)
{
	c->stop = 1;
	if (c->current < c->n)
		pcap_breakloop(c->src[c->current].pcap);
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
