/* capture.c: packet sources: capture files in order (classic pcap
 * through libpcap, pcapng through our own reader, pcapng.c), the captures
 * of a folder in the order of their first packets, or a live interface,
 * decoded into batches of frames the caller pulls.  It owns the sources,
 * the reader thread and the batches it fills.
 *
 * Every pcapng file is read by pcapng.c, whatever it holds: libpcap 1.10
 * refuses a file whose interfaces differ in link type or snapshot length
 * (Wireshark with Npcap's loopback, pktmon), and one reader for all pcapng
 * keeps every such file on the same path.  Filters stay libpcap's: a
 * classic file or a live interface filters inside libpcap; the packets of
 * a pcapng file go through pcap_offline_filter, the filter compiled once
 * per link type met, as each interface has its own (draft-ietf-opsawg-
 * pcapng, section 4.2: an Interface Description Block gives its
 * interface's LinkType and SnapLen; section 4.3: an Enhanced Packet Block
 * names its interface).
 */
#include "capture.h"

#include <dirent.h>
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

#include "dedup.h"
#include "messages.h"
#include "pcapng.h"
#include "thread.h"
#include "tunables.h"

#define BATCH 4096	/* packets per pcap_dispatch */
#define RELAY_BATCH 1024	/* frames per hand-over */
#define RELAY_DEPTH 8	/* hand-overs the reader may be ahead */
#define RELAY_SPIN 2000	/* polls before a side sleeps: ~10 us */
#define RELAY_WAKE (RELAY_DEPTH / 2)	/* hand-overs that wake a sleeper */
#define MAX_SNAPLEN 262144	/* libpcap's largest: filters compiled for it */

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

struct source {
	const char *name;	/* as given, or FOLDER/NAME */
	char *owned_name;	/* a folder's entry: name, owned */
	bool reopen;		/* a regular file: closed once checked, opened
				 * again when its turn comes */
	FILE *file;
	char *buffer;		/* the FILE's stdio buffer */
	pcap_t *pcap;		/* a classic pcap file, or the live interface */
	struct pcapng *ng;	/* a pcapng file */
	int dlt;		/* the link type of the packets handed over:
				 * pcapng sets it per packet, its interface's */
	int *iface_filter;	/* pcapng with a filter: per interface, its
				 * filter in capture.filters, -1: none passes */
	uint32_t nifaces;	/* interfaces in iface_filter */
	uint64_t size;		/* bytes; 0 when unknown */
	int64_t first_us;	/* its first packet's time; INT64_MAX: none */
	atomic_uint_least64_t offset;	/* bytes read: the progress line's */
	char *error;		/* why reading stopped early */
	bool failed;
};

/* The filter, compiled for one link type. */
struct link_filter {
	int dlt;
	char *rejects_all;	/* libpcap's refusal of a filter that passes
				 * nothing of this link type, or NULL */
	struct bpf_program prog;
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
	uint32_t dropped;	/* --dedup: copies read and left out */
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
	size_t room;		/* sources src has room for */
	size_t current;		/* the source being read */
	uint64_t done_before;	/* bytes of the sources already read */
	atomic_int stop;	/* capture_stop was called */
	struct relay *relay;	/* a replay's reader thread, or NULL */
	bool relay_tried;	/* it was started, or could not be */
	struct frame_sink sink;	/* without one: BATCH frames */
	const struct decode_config *decode;
	const char *filter;	/* BPF expression, or NULL */
	bool filter_failed;	/* it does not compile for a link type */
	char filter_error[PCAP_ERRBUF_SIZE];	/* libpcap's why */
	struct link_filter *filters;	/* compiled per link type met */
	size_t nfilters;
	struct dedup *dedup;	/* --dedup, or NULL */
	char **skipped;		/* folder entries not read, said */
	size_t nskipped;
	/* Why a source stopped: written by whichever thread reads. */
	char why[PCAP_ERRBUF_SIZE + 512];
	/* The caller's view of what it was handed (capture_notes): */
	uint64_t duplicates;	/* copies --dedup left out */
	size_t times_input;	/* the input of the frames handed out last */
	bool times_first;	/* its first timed frame is yet to come */
	int64_t input_last_us;	/* its last timed frame's time so far */
	int64_t before_us;	/* the latest last time of the inputs before */
	bool overlap;
	char live_error[PCAP_ERRBUF_SIZE + 16];
};

/* --- link types and filters ----------------------------------------------- */

static void dlt_describe(int dlt, char *buf, size_t size)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);

	if (name && desc)
		snprintf(buf, size, "%s (%d, %s)", name, dlt, desc);
	else
		snprintf(buf, size, "%d", dlt);
}

static void unsupported(int dlt, char *why, size_t whylen)
{
	char what[160];

	dlt_describe(dlt, what, sizeof what);
	snprintf(why, whylen,
		 "unsupported link type %s; lucsaudit reads Ethernet, "
		 "Linux cooked (SLL, SLL2), raw IP (RAW, IPV4, IPV6) and BSD "
		 "loopback (NULL, LOOP)", what);
}

static bool link_supported(int dlt, char *why, size_t whylen)
{
	if (decode_linktype_supported(dlt))
		return true;
	unsupported(dlt, why, whylen);
	return false;
}

/* A live interface's filter, compiled on its own handle. */
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

/* A word that is no filter but an input: a file or folder that exists,
 * or a name like a capture's. */
static bool names_capture(const char *word)
{
	static const char *const exts[] = { ".pcap", ".pcapng", ".cap" };
	size_t n = strlen(word);
	struct stat st;

	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (n > strlen(exts[i]) &&
		    strcasecmp(word + n - strlen(exts[i]), exts[i]) == 0)
			return true;
	return stat(word, &st) == 0;
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

/* The filter compiled for link type dlt, once per run: its index into
 * *k.  A handle from pcap_open_dead compiles it as a capture of that link
 * type would be; the snapshot length only sets how much of a packet a
 * filter passes on, and pcap_offline_filter and a file's filter pass or
 * drop whole packets.  libpcap's optimiser refuses a filter that passes
 * nothing ("expression rejects all packets": arp on a loopback): compiled
 * unoptimised, it is kept with that refusal, which a classic file says
 * (as tcpdump does) and a pcapng file's interface does not: there, a
 * filter meant for the packets of another interface rejects all of its
 * own, rightly. */
static bool link_filter(struct capture *c, int dlt, size_t *k, char *why,
			size_t whylen)
{
	struct link_filter *grown, *f;
	pcap_t *dead;

	for (*k = 0; *k < c->nfilters; (*k)++)
		if (c->filters[*k].dlt == dlt)
			return true;
	grown = realloc(c->filters, (c->nfilters + 1) * sizeof *grown);
	dead = grown ? pcap_open_dead(dlt, MAX_SNAPLEN) : NULL;
	if (grown)
		c->filters = grown;
	if (!dead) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	f = &grown[*k];
	f->dlt = dlt;
	f->rejects_all = NULL;
	if (pcap_compile(dead, &f->prog, c->filter, 1,
			 PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(why, whylen, "filter '%s': %s", c->filter,
			 pcap_geterr(dead));
		f->rejects_all = strdup(why);
		if (!f->rejects_all ||
		    pcap_compile(dead, &f->prog, c->filter, 0,
				 PCAP_NETMASK_UNKNOWN) != 0) {
			c->filter_failed = f->rejects_all != NULL;
			if (c->filter_failed)
				snprintf(c->filter_error,
					 sizeof c->filter_error, "%s",
					 pcap_geterr(dead));
			free(f->rejects_all);
			pcap_close(dead);
			return false;
		}
	}
	pcap_close(dead);
	c->nfilters++;
	return true;
}

/* The filter for a classic file of link type dlt: one that passes
 * nothing is refused. */
static bool classic_filter(struct capture *c, int dlt, size_t *k, char *why,
			   size_t whylen)
{
	if (!link_filter(c, dlt, k, why, whylen))
		return false;
	if (!c->filters[*k].rejects_all)
		return true;
	snprintf(why, whylen, "%s", c->filters[*k].rejects_all);
	return false;
}

/* A classic file's filter, inside libpcap. */
static bool pcap_install_filter(struct capture *c, struct source *s,
				char *why, size_t whylen)
{
	size_t k;

	if (!c->filter)
		return true;
	if (!classic_filter(c, s->dlt, &k, why, whylen))
		return false;
	if (pcap_setfilter(s->pcap, &c->filters[k].prog) == 0)
		return true;
	snprintf(why, whylen, "filter '%s': %s", c->filter,
		 pcap_geterr(s->pcap));
	return false;
}

/* The interfaces of a pcapng file described since the last look, each
 * mapped to the filter compiled for its link type.  One lucsaudit does
 * not decode maps to -1: no filter passes its packets (without a filter
 * they count as non_ip).  False, with why naming the interface, when
 * the filter does not compile for its link type. */
static bool learn_interfaces(struct capture *c, struct source *s, char *why,
			     size_t whylen)
{
	uint32_t n = pcapng_interfaces(s->ng);
	int *map;

	if (n <= s->nifaces)
		return true;
	map = realloc(s->iface_filter, n * sizeof *map);
	if (!map) {
		snprintf(why, whylen, "out of memory for %lu interfaces",
			 (unsigned long)n);
		return false;
	}
	s->iface_filter = map;
	for (; s->nifaces < n; s->nifaces++) {
		struct pcapng_interface ifc;
		char msg[PCAP_ERRBUF_SIZE + 256], what[160];
		size_t k;

		map[s->nifaces] = -1;
		pcapng_interface(s->ng, s->nifaces, &ifc);
		if (ifc.dlt < 0)
			continue;
		if (!link_filter(c, ifc.dlt, &k, msg, sizeof msg)) {
			dlt_describe(ifc.dlt, what, sizeof what);
			snprintf(why, whylen, "interface %lu (%s%s%s): %s",
				 (unsigned long)s->nifaces,
				 ifc.name ? ifc.name : "", ifc.name ? ", " : "",
				 what, msg);
			msg_append(why, whylen, "; the filter must compile "
				   "for the link type of every interface");
			return false;
		}
		if (!c->filters[k].rejects_all)
			map[s->nifaces] = (int)k;
	}
	return true;
}

/* --- opening a file ----------------------------------------------------- */

/* What a file's first four bytes say it is: pcapng by the type of its
 * Section Header Block, the same in both byte orders (draft-ietf-opsawg-
 * pcapng, section 4.1); a classic pcap by its magic number, in either
 * byte order (microseconds, nanoseconds, Alexey Kuznetzov's variant). */
enum file_kind { KIND_OTHER, KIND_PCAP, KIND_PCAPNG };

static enum file_kind file_kind(const uint8_t m[4])
{
	static const uint32_t pcap_magic[] = {
		0xa1b2c3d4u, 0xa1b23c4du, 0xa1b2cd34u
	};
	uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		      (uint32_t)m[2] << 8 | m[3];
	uint32_t le = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 |
		      (uint32_t)m[1] << 8 | m[0];

	if (be == PCAPNG_MAGIC)
		return KIND_PCAPNG;
	for (size_t i = 0; i < sizeof pcap_magic / sizeof *pcap_magic; i++)
		if (be == pcap_magic[i] || le == pcap_magic[i])
			return KIND_PCAP;
	return KIND_OTHER;
}

/* s's file, with a large stdio buffer: libpcap reads through stdio in
 * 4 KiB chunks by default, and a large buffer makes replays of big files
 * markedly faster.  glibc ignores the size when setvbuf is not given the
 * buffer itself. */
static bool source_fopen(struct source *s, char *why, size_t whylen)
{
	bool is_stdin = strcmp(s->name, "-") == 0;
	struct stat st;

	s->file = is_stdin ? stdin : fopen(s->name, "rb");
	if (!s->file) {
		snprintf(why, whylen, "%s", strerror(errno));
		return false;
	}
	if (!s->buffer)
		s->buffer = malloc(LUCS_READ_BUFFER);
	if (s->buffer)
		setvbuf(s->file, s->buffer, _IOFBF, LUCS_READ_BUFFER);
	if (fstat(fileno(s->file), &st) == 0 && S_ISREG(st.st_mode)) {
		s->size = (uint64_t)st.st_size;
		s->reopen = !is_stdin;
	}
	return true;
}

/* The n bytes just read from the start of s, given back for libpcap to
 * read: a regular file seeks back; from a pipe, ungetc takes back as many
 * bytes as were just read from its buffer (glibc, musl and the BSDs'
 * stdio all do, beyond the one byte C promises). */
static bool unread(struct source *s, const uint8_t *b, size_t n)
{
	if (s->size || s->reopen)
		return fseek(s->file, 0, SEEK_SET) == 0;
	while (n > 0)
		if (ungetc(b[--n], s->file) == EOF)
			return false;
	return true;
}

/* Open s: pcapng (known by its first bytes) to our reader, anything else
 * to libpcap, which says what it does not know.  A classic file's link
 * type is checked (a pcapng file's, interface by interface, as met). */
static bool source_open(struct source *s, char *why, size_t whylen)
{
	char perr[PCAP_ERRBUF_SIZE + 256];
	uint8_t magic[4];
	size_t got;

	if (!source_fopen(s, why, whylen))
		return false;
	got = fread(magic, 1, sizeof magic, s->file);
	if (got == sizeof magic && file_kind(magic) == KIND_PCAPNG) {
		s->ng = pcapng_open(s->file, magic, got, perr, sizeof perr);
		if (s->ng)
			return true;
	} else if (!unread(s, magic, got)) {
		snprintf(perr, sizeof perr, "its first bytes cannot be read "
			 "again");
	} else {
		s->pcap = pcap_fopen_offline_with_tstamp_precision(
			s->file, PCAP_TSTAMP_PRECISION_MICRO, perr);
		if (s->pcap) {
			s->dlt = pcap_datalink(s->pcap);
			return link_supported(s->dlt, why, whylen);
		}
	}
	snprintf(why, whylen, "not a capture file lucsaudit can read: %s",
		 perr);
	return false;
}

static void source_close(struct source *s)
{
	if (s->ng)
		pcapng_close(s->ng);
	/* pcap_close closes the FILE it was opened on. */
	if (s->pcap)
		pcap_close(s->pcap);
	else if (s->file && s->file != stdin)
		fclose(s->file);
	/* Standard input stays open, with its buffer, to the end. */
	if (s->file != stdin) {
		free(s->buffer);
		s->buffer = NULL;
		s->file = NULL;
	}
	s->ng = NULL;
	s->pcap = NULL;
	free(s->iface_filter);
	s->iface_filter = NULL;
	s->nifaces = 0;
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

/* A pcapng packet as libpcap's callbacks take it.  No time (a Simple
 * Packet Block), or one a struct timeval cannot hold, becomes a time
 * before 1970: bad_timestamp. */
static void packet_header(const struct pcapng_packet *p, struct pcap_pkthdr *h)
{
	time_t sec = (time_t)p->ts_sec;
	bool timed = p->ts_valid && (int64_t)sec == p->ts_sec;

	h->ts.tv_sec = timed ? sec : -1;
	h->ts.tv_usec = timed ? (suseconds_t)(p->ts_nsec / 1000) : 0;
	h->caplen = p->caplen;
	h->len = p->wirelen;
}

/* A classic file: the filter compiles for its link type; the time of its
 * first packet, whatever the filter. */
static bool pcap_check(struct capture *c, struct source *s, char *why,
		       size_t whylen)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	size_t k;

	if (c->filter && !classic_filter(c, s->dlt, &k, why, whylen))
		return false;
	if (pcap_next_ex(s->pcap, &h, &bytes) == 1)
		s->first_us = timestamp_us(&h->ts);
	return true;
}

/* A pcapng file up to its first packet: the interfaces described before
 * it (writers describe them all there, as a rule) have a link type
 * lucsaudit decodes, one at least, and the filter compiles for each.  An
 * interface described later is checked when it is met; a file damaged
 * before its first packet says so when it is read. */
static bool pcapng_check(struct capture *c, struct source *s, char *why,
			 size_t whylen)
{
	struct pcapng_packet pkt;
	struct pcapng_interface ifc;
	struct pcap_pkthdr h;
	uint32_t n;
	bool decoded = false;

	if (pcapng_next(s->ng, &pkt) > 0 && pkt.ts_valid) {
		packet_header(&pkt, &h);
		s->first_us = timestamp_us(&h.ts);
	}
	n = pcapng_interfaces(s->ng);
	for (uint32_t i = 0; i < n && !decoded; i++)
		decoded = pcapng_interface(s->ng, i, &ifc) && ifc.dlt >= 0;
	if (n && !decoded) {
		pcapng_interface(s->ng, 0, &ifc);
		unsupported(ifc.linktype, why, whylen);
		return false;
	}
	return !c->filter || learn_interfaces(c, s, why, whylen);
}

/* Check s before any output: its format, its link types, the filter for
 * each.  A regular file is closed again (a folder may hold thousands: each
 * is opened when its turn comes) with the time of its first packet; any
 * other input (standard input, a pipe) cannot be opened twice and stays
 * open, a pcapng one checked as its interfaces come. */
static bool source_check(struct capture *c, struct source *s, char *why,
			 size_t whylen)
{
	bool ok = source_open(s, why, whylen);

	if (ok && !s->reopen)
		return !s->pcap || pcap_install_filter(c, s, why, whylen);
	if (ok)
		ok = s->ng ? pcapng_check(c, s, why, whylen)
			   : pcap_check(c, s, why, whylen);
	source_close(s);
	return ok;
}

/* s ready to be read: opened again if it was closed after its check. */
static bool source_start(struct capture *c, struct source *s)
{
	if (s->pcap || s->ng)
		return true;
	return source_open(s, c->why, sizeof c->why) &&
	       (!s->pcap || pcap_install_filter(c, s, c->why, sizeof c->why));
}

/* Read: a regular file is closed, until capture_close nothing else is. */
static void source_end(struct source *s)
{
	if (s->reopen)
		source_close(s);
}

/* --- folders ------------------------------------------------------------ */

/* Room for one more source, zeroed. */
static struct source *add_source(struct capture *c, const char *name,
				 char *owned)
{
	struct source *s;

	if (c->n == c->room) {
		size_t room = c->room ? c->room * 2 : 8;
		struct source *grown = realloc(c->src, room * sizeof *grown);

		if (!grown) {
			free(owned);
			return NULL;
		}
		c->src = grown;
		c->room = room;
	}
	s = &c->src[c->n++];
	memset(s, 0, sizeof *s);
	s->name = owned ? owned : name;
	s->owned_name = owned;
	s->first_us = INT64_MAX;
	return s;
}

static bool add_skipped(struct capture *c, const char *path, const char *why)
{
	size_t len = strlen(path) + strlen(why) + 3;
	char **grown = realloc(c->skipped, (c->nskipped + 1) * sizeof *grown);
	char *line = grown ? malloc(len) : NULL;

	if (grown)
		c->skipped = grown;
	if (!line)
		return false;
	snprintf(line, len, "%s: %s", path, why);
	c->skipped[c->nskipped++] = line;
	return true;
}

/* What a folder entry is: a capture (by its first bytes), or why not. */
static const char *not_a_capture(const char *path, char *err, size_t errlen,
				 bool *fatal)
{
	uint8_t magic[4];
	struct stat st;
	size_t got;
	FILE *f;

	*fatal = false;
	if (stat(path, &st) != 0)
		return strerror(errno);	/* a dangling link, say */
	if (S_ISDIR(st.st_mode))
		return "a folder, skipped (-r reads the captures in a folder, "
		       "not those in its subfolders)";
	if (!S_ISREG(st.st_mode))
		return "not a regular file, skipped";
	f = fopen(path, "rb");
	if (!f) {
		/* a capture it cannot read is no capture to pass over */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		*fatal = true;
		return "";
	}
	got = fread(magic, 1, sizeof magic, f);
	fclose(f);
	return got == sizeof magic && file_kind(magic) != KIND_OTHER
	       ? NULL : "not a capture file, skipped";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's captures are read in the order of their first packets (files
 * without one last), ties by name. */
static int by_first_packet(const void *a, const void *b)
{
	const struct source *x = a, *y = b;

	if (x->first_us != y->first_us)
		return x->first_us < y->first_us ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* One entry of a folder: a capture becomes a source, checked; anything
 * else is named in c->skipped. */
static bool add_entry(struct capture *c, const char *dir, const char *entry,
		      char *err, size_t errlen)
{
	size_t dlen = strlen(dir), len = dlen + strlen(entry) + 2;
	bool slash = dlen && dir[dlen - 1] == '/', fatal;
	char *path = malloc(len), why[PCAP_ERRBUF_SIZE + 512];
	const char *skip;
	struct source *s;

	if (!path)
		goto nomem;
	snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", entry);
	skip = not_a_capture(path, err, errlen, &fatal);
	if (skip) {
		bool ok = !fatal && add_skipped(c, path, skip);

		free(path);
		if (ok || fatal)
			return ok;
		goto nomem;
	}
	s = add_source(c, path, path);
	if (!s)
		goto nomem;
	if (source_check(c, s, why, sizeof why))
		return true;
	snprintf(err, errlen, "%s: %s", s->name, why);
	return false;
nomem:
	snprintf(err, errlen, "out of memory");
	return false;
}

/* The captures of folder dir, known by their first bytes, each checked,
 * in the order of their first packets; the other entries are said in
 * c->skipped.  Subfolders are not entered, and names that begin with a
 * dot are passed over, as ls does. */
static bool add_folder(struct capture *c, const char *dir, char *err,
		       size_t errlen)
{
	size_t first = c->n, skipped = c->nskipped, n = 0, room = 0;
	char **names = NULL;
	bool ok = true;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return false;
	}
	while (ok && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == room) {
			char **grown = realloc(names, (room ? room * 2 : 16) *
							      sizeof *grown);

			ok = grown != NULL;
			names = grown ? grown : names;
			room = grown ? (room ? room * 2 : 16) : room;
		}
		if (ok && !(names[n] = strdup(e->d_name)))
			ok = false;
		n += ok;
	}
	closedir(d);
	if (!ok)
		snprintf(err, errlen, "out of memory");
	if (n > 1)	/* an empty folder has no array to sort */
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (ok)
			ok = add_entry(c, dir, names[i], err, errlen);
		free(names[i]);
	}
	free(names);
	if (ok && c->n == first) {
		snprintf(err, errlen, "%s: no capture file in this folder "
			 "(%zu entries that are not captures)", dir,
			 c->nskipped - skipped);
		return false;
	}
	if (ok)
		qsort(c->src + first, c->n - first, sizeof *c->src,
		      by_first_packet);
	return ok;
}

/* --- opening ------------------------------------------------------------ */

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
	struct source *s = add_source(c, cfg->iface, NULL);
	int rc;

	c->live = true;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
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
	if (!link_supported(s->dlt, c->why, sizeof c->why)) {
		snprintf(err, errlen, "%s: %s", cfg->iface, c->why);
		return false;
	}
	if (!set_filter(s->pcap, cfg->filter, err, errlen))
		return false;
	if (pcap_setnonblock(s->pcap, 1, pcap_err) != 0) {
		snprintf(err, errlen, "%s: %s", cfg->iface, pcap_err);
		return false;
	}
	return true;
}

/* Every input given, a folder's captures in its place, each checked. */
static bool files_open(struct capture *c, const struct capture_config *cfg,
		       char *err, size_t errlen)
{
	size_t stdin_uses = 0;

	for (size_t i = 0; i < cfg->nfiles; i++) {
		const char *name = cfg->files[i];
		bool is_stdin = strcmp(name, "-") == 0;
		struct stat st;
		struct source *s;

		if (is_stdin && ++stdin_uses > 1) {
			snprintf(err, errlen, "-r -: standard input can be "
				 "read only once");
			return false;
		}
		if (!is_stdin && stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!add_folder(c, name, err, errlen))
				return false;
			continue;
		}
		s = add_source(c, name, NULL);
		if (!s) {
			snprintf(err, errlen, "out of memory");
			return false;
		}
		if (!source_check(c, s, c->why, sizeof c->why)) {
			snprintf(err, errlen, "%s: %s", name, c->why);
			return false;
		}
	}
	return true;
}

/* --dedup's table, under a key of its own drawn for the run. */
static bool dedup_open(struct capture *c, char *err, size_t errlen)
{
	struct hash_key key;

	if (hash_key_random(&key) != 0) {
		snprintf(err, errlen, "--dedup: no random numbers from the "
			 "kernel: %s", strerror(errno));
		return false;
	}
	c->dedup = dedup_new(&key);
	if (!c->dedup)
		snprintf(err, errlen, "out of memory");
	return c->dedup != NULL;
}

/* Whether the filter compiles for a link type lucsaudit decodes. */
static bool compiles_anywhere(const char *filter)
{
	bool ok = false;

	for (int dlt = 0; dlt < 512 && !ok; dlt++) {
		struct bpf_program prog;
		pcap_t *dead;

		if (!decode_linktype_supported(dlt) ||
		    !(dead = pcap_open_dead(dlt, MAX_SNAPLEN)))
			continue;
		ok = pcap_compile(dead, &prog, filter, 0,
				  PCAP_NETMASK_UNKNOWN) == 0;
		if (ok)
			pcap_freecode(&prog);
		pcap_close(dead);
	}
	return ok;
}

/* The filter did not compile for an input's link type.  One that
 * compiles for none (a syntax error, a second file given without -r) is
 * said as the filter's fault, not the input's; either way with the
 * command line meant, when its words name inputs. */
static void filter_refused(const struct capture *c,
			   const struct capture_config *cfg, char *err,
			   size_t errlen)
{
	if (!compiles_anywhere(c->filter))
		snprintf(err, errlen, "filter '%s': %s", c->filter,
			 c->filter_error);
	filter_hint(cfg, err, errlen);
}

struct capture *capture_open(const struct capture_config *cfg, char *err,
			     size_t errlen)
{
	struct capture *c = calloc(1, sizeof *c);
	bool ok;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ok = true;
	c->decode = cfg->decode;
	c->filter = cfg->filter;
	c->inline_read = cfg->inline_read;
	c->times_input = SIZE_MAX;
	c->before_us = INT64_MIN;
	c->input_last_us = INT64_MIN;
	c->sink.cfg = cfg->decode;
	c->sink.frames = malloc(BATCH * sizeof *c->sink.frames);
	c->sink.extras = malloc(BATCH * sizeof *c->sink.extras);
	ok = c->sink.frames && c->sink.extras;
	if (!ok)
		snprintf(err, errlen, "out of memory");
	if (ok && cfg->dedup)
		ok = dedup_open(c, err, errlen);
	if (ok)
		ok = cfg->iface ? live_open(c, cfg, err, errlen)
				: files_open(c, cfg, err, errlen);
	if (ok) {
		c->info = calloc(c->n ? c->n : 1, sizeof *c->info);
		ok = c->info != NULL;
		if (!ok)
			snprintf(err, errlen, "out of memory");
		for (size_t i = 0; ok && i < c->n; i++)
			c->info[i].name = c->src[i].name;
	}
	if (ok)
		return c;
	if (c->filter_failed)
		filter_refused(c, cfg, err, errlen);
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
		source_close(&c->src[i]);
		free(c->src[i].owned_name);
		free(c->src[i].error);
	}
	for (size_t i = 0; i < c->nfilters; i++) {
		pcap_freecode(&c->filters[i].prog);
		free(c->filters[i].rejects_all);
	}
	for (size_t i = 0; i < c->nskipped; i++)
		free(c->skipped[i]);
	free(c->skipped);
	free(c->filters);
	dedup_free(c->dedup);
	free(c->src);
	free(c->info);
	free(c->sink.frames);
	free(c->sink.extras);
	free(c);
}

/* --- reading -------------------------------------------------------------- */

/* One packet into a sink: decoded; with --dedup, taken out again when it
 * is a copy of a packet kept.  False when it was taken out. */
static inline __attribute__((always_inline)) bool
sink_take(struct frame_sink *sk, struct dedup *dd, int dlt,
	  const struct pcap_pkthdr *h, const u_char *bytes)
{
	decode_frame(sk, dlt, timestamp_us(&h->ts), bytes, h->caplen, h->len);
	if (!dd || !dedup_frame(dd, &sk->frames[sk->n - 1], bytes, h->caplen))
		return true;
	sk->n--;
	if (sk->frames[sk->n].extra)
		sk->nextras--;
	return false;
}

/* Without a reader thread: decoded into the capture's own frames. */
static inline __attribute__((always_inline)) void
inline_take(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes,
	    bool dedup)
{
	struct capture *c = (struct capture *)user;

	c->info[c->current].packets++;
	if (!sink_take(&c->sink, dedup ? c->dedup : NULL,
		       c->src[c->current].dlt, h, bytes))
		c->duplicates++;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	inline_take(user, h, bytes, false);
}

static void on_packet_dedup(u_char *user, const struct pcap_pkthdr *h,
			    const u_char *bytes)
{
	inline_take(user, h, bytes, true);
}

/* Up to BATCH packets of a pcapng file handed to cb as pcap_dispatch
 * hands a classic file's: the number that passed the filter, 0 at the
 * end, PCAP_ERROR (why in c->why) when reading stopped.  Each packet
 * takes its interface's link type (s->dlt, which cb reads). */
static int pcapng_dispatch(struct capture *c, struct source *s,
			   pcap_handler cb)
{
	struct pcapng_packet pkt;
	int n = 0, rc = 1;

	while (n < BATCH && (rc = pcapng_next(s->ng, &pkt)) > 0) {
		struct pcap_pkthdr h;
		int k;

		packet_header(&pkt, &h);
		if (c->filter) {
			if (pkt.interface >= s->nifaces &&
			    !learn_interfaces(c, s, c->why, sizeof c->why))
				return PCAP_ERROR;
			k = s->iface_filter[pkt.interface];
			if (k < 0 || !pcap_offline_filter(&c->filters[k].prog,
							  &h, pkt.data))
				continue;
		}
		s->dlt = pkt.dlt;
		cb((u_char *)c, &h, pkt.data);
		n++;
	}
	if (rc >= 0)
		return n;
	snprintf(c->why, sizeof c->why, "%s", pcapng_error(s->ng));
	return PCAP_ERROR;
}

/* Bytes of s read so far, by whole blocks for pcapng. */
static uint64_t source_offset(const struct source *s)
{
	long off;

	if (s->ng)
		return pcapng_offset(s->ng);
	off = s->file ? ftell(s->file) : -1;
	return off > 0 ? (uint64_t)off : 0;
}

/* One pcap_dispatch's worth of s; the bytes read so far published for
 * the progress line (the caller's thread reads them). */
static int source_dispatch(struct capture *c, struct source *s,
			   pcap_handler cb)
{
	int r = s->ng ? pcapng_dispatch(c, s, cb)
		      : pcap_dispatch(s->pcap, BATCH, cb, (u_char *)c);

	if (r == PCAP_ERROR && s->pcap)
		snprintf(c->why, sizeof c->why, "%s", pcap_geterr(s->pcap));
	atomic_store_explicit(&s->offset, source_offset(s),
			      memory_order_relaxed);
	return r;
}

/* Say in s->error why s stopped after `packets`, and for a classic file
 * where (a pcapng reader's message says it). */
static void source_failed(struct source *s, uint64_t packets, const char *why)
{
	char msg[sizeof ((struct capture *)0)->why + 200], where[80] = "";
	uint64_t at = source_offset(s);

	if (s->pcap && s->size)
		snprintf(where, sizeof where, ", at byte %llu of %llu",
			 (unsigned long long)at, (unsigned long long)s->size);
	snprintf(msg, sizeof msg, "reading stopped after packet %llu%s: %s",
		 (unsigned long long)packets, where, why);
	free(s->error);
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

/* Inputs overlap when one's first packet comes before the last packet of
 * an input handed out before it.  Looked at per batch handed out (its
 * first and last frames with a believable time), never per frame. */
static void note_times(struct capture *c, size_t input, const struct frame *f,
		       size_t n)
{
	size_t i;

	if (input != c->times_input) {
		if (c->input_last_us > c->before_us)
			c->before_us = c->input_last_us;
		c->times_input = input;
		c->times_first = true;
		c->input_last_us = INT64_MIN;
	}
	if (c->times_first) {
		for (i = 0; i < n && f[i].status == DECODE_BAD_TIMESTAMP; i++)
			;
		if (i < n) {
			c->times_first = false;
			c->overlap |= f[i].ts_us < c->before_us;
		}
	}
	for (i = n; i-- > 0;) {
		if (f[i].status != DECODE_BAD_TIMESTAMP) {
			c->input_last_us = f[i].ts_us;
			break;
		}
	}
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
	r = pcap_dispatch(s->pcap, BATCH, c->dedup ? on_packet_dedup
						   : on_packet, (u_char *)c);
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
	pcap_handler cb = c->dedup ? on_packet_dedup : on_packet;

	while (c->current < c->n && !atomic_load(&c->stop)) {
		size_t i = c->current;
		struct source *s = &c->src[i];
		int r = 0;

		c->sink.n = c->sink.nextras = 0;
		if (!s->failed && !source_start(c, s))
			source_failed(s, 0, c->why);
		if (!s->failed)
			r = source_dispatch(c, s, cb);
		if (r == PCAP_ERROR)
			source_failed(s, c->info[i].packets, c->why);
		if (r <= 0) {
			c->ok &= !s->failed;
			source_end(s);
			source_done(c, i);
			c->current++;
		}
		if (c->sink.n) {
			note_times(c, i, c->sink.frames, c->sink.n);
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
	b->dropped = 0;
	b->source = rl->reading;
}

static inline __attribute__((always_inline)) void
relay_take(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes,
	   bool dedup)
{
	struct capture *c = (struct capture *)user;
	struct relay *rl = c->relay;
	struct batch *b = &rl->batch[atomic_load_explicit(
		&rl->head, memory_order_relaxed) % RELAY_DEPTH];

	rl->read++;
	if (!sink_take(&b->sink, dedup ? c->dedup : NULL,
		       c->src[rl->reading].dlt, h, bytes))
		b->dropped++;
	if (b->sink.n == RELAY_BATCH)
		relay_publish(rl, false, false);
}

static void relay_packet(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *bytes)
{
	relay_take(user, h, bytes, false);
}

static void relay_packet_dedup(u_char *user, const struct pcap_pkthdr *h,
			       const u_char *bytes)
{
	relay_take(user, h, bytes, true);
}

static void *reader_main(void *arg)
{
	struct capture *c = arg;
	struct relay *rl = c->relay;
	pcap_handler cb = c->dedup ? relay_packet_dedup : relay_packet;
	bool ok = true;

	/* a read from a silent pipe ends when the run stops (capture_stop) */
	thread_accept_wake();
	for (; rl->reading < c->n && !atomic_load(&c->stop); rl->reading++) {
		struct source *s = &c->src[rl->reading];
		int r = 0;

		rl->batch[atomic_load(&rl->head) % RELAY_DEPTH].source =
			rl->reading;
		rl->read = 0;
		if (!source_start(c, s))
			source_failed(s, 0, c->why);
		while (!s->failed && !atomic_load(&c->stop)) {
			r = source_dispatch(c, s, cb);
			/* A reader of a slow pipe hands over what it has. */
			if (r > 0)
				relay_publish(rl, false, false);
			if (r <= 0)
				break;
		}
		/* An interrupted read after a stop is no input's failure. */
		if (r == PCAP_ERROR && !atomic_load(&c->stop))
			source_failed(s, rl->read, c->why);
		ok &= !s->failed;
		source_end(s);
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
		c->info[b->source].packets += b->sink.n + b->dropped;
		c->duplicates += b->dropped;
		if (b->source_done)
			source_done(c, b->source);
		rl->done = b->last;
		if (b->sink.n) {
			note_times(c, b->source, b->sink.frames, b->sink.n);
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
		*done += atomic_load_explicit(&c->src[c->current].offset,
					      memory_order_relaxed);
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

void capture_notes(const struct capture *c, struct capture_notes *out)
{
	out->dedup = c->dedup != NULL;
	out->duplicates_dropped = c->duplicates;
	out->inputs_overlap = c->overlap;
}

const char *const *capture_skipped(const struct capture *c, size_t *n)
{
	*n = c->nskipped;
	return (const char *const *)c->skipped;
}
