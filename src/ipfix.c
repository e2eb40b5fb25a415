/* ipfix.c: IPFIX export of ended flows: RFC 7011 messages carrying RFC 5103
 * biflow records (reverse elements under PEN 29305) of the elements of
 * RFC 7012's IANA registry, plus the audit's own under the configured PEN.
 *
 * Eight templates, id 256 plus: 1 for IPv6, 2 for ICMP (icmpTypeCode in
 * place of the ports), 4 when the VLAN is known.  ICMP's type/code cannot
 * ride along as a zero in every record, since 0/0 is an echo reply, and
 * collectors show a present vlanId 0 as a VLAN; a template per case says
 * exactly what is known.  A record holds, in this order (RFC 7013 style):
 *
 *   sourceIPv4Address(8)<ipv4Address>[4]                 IPv4
 *   sourceIPv6Address(27)<ipv6Address>[16]               IPv6
 *   destinationIPv4Address(12)<ipv4Address>[4]           IPv4
 *   destinationIPv6Address(28)<ipv6Address>[16]          IPv6
 *   sourceTransportPort(7)<unsigned16>[2]                not ICMP
 *   destinationTransportPort(11)<unsigned16>[2]          not ICMP
 *   icmpTypeCodeIPv4(32)<unsigned16>[2]                  ICMP over IPv4
 *   icmpTypeCodeIPv6(139)<unsigned16>[2]                 ICMP over IPv6
 *   protocolIdentifier(4)<unsigned8>[1]
 *   flowStartMilliseconds(152)<dateTimeMilliseconds>[8]
 *   flowEndMilliseconds(153)<dateTimeMilliseconds>[8]
 *   octetDeltaCount(1)<unsigned64>[8]                    client to server
 *   packetDeltaCount(2)<unsigned64>[8]
 *   reverseOctetDeltaCount(29305/1)<unsigned64>[8]       server to client
 *   reversePacketDeltaCount(29305/2)<unsigned64>[8]
 *   reverseTcpControlBits(29305/6)<unsigned16>[1]        reduced size, 6.2
 *   tcpControlBits(6)<unsigned16>[1]
 *   flowEndReason(136)<unsigned8>[1]
 *   vlanId(58)<unsigned16>[2]                            VLAN known
 *   lucsVerdict(PEN/100)<string>[65535]
 *   lucsReason(PEN/101)<string>[65535]
 *   lucsRules(PEN/102)<string>[65535]                    comma-separated
 *   lucsTags(PEN/103)<string>[65535]                     comma-separated
 *   lucsOutcome(PEN/104)<string>[65535]
 *   lucsClientRoles(PEN/105)<string>[65535]
 *   lucsServerRoles(PEN/106)<string>[65535]
 *
 * The flags are the 8 bits the audit keeps, so one byte each, which every
 * collector reads as NetFlow v9 sent it.  The reverse flags come first:
 * nfdump 1.7.1 keeps one flags field and shows the last of the two, and
 * must show the client's; pmacct 1.7.7 reads both flags right in either
 * order, but loses a forward counter that follows its reverse, so the
 * counters keep forward first.  rules/lucsaudit-ipfix.* describe
 * the audit's elements to collectors.
 *
 * The encoder is written here rather than taken from libfixbuf: encoding
 * is a few hundred lines, and libfixbuf would bring GLib yet leave the
 * transport, the template refresh and the fitting of strings to us.
 */
#define _GNU_SOURCE	/* sendmmsg */
#include "ipfix.h"

#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tunables.h"

#define IPFIX_VERSION 10
#define MSG_HDR 16
#define SET_HDR 4
#define SET_TEMPLATE 2
#define PEN_REVERSE 29305	/* RFC 5103 */
#define VARLEN 65535
#define NSTRINGS 7

/* Template bits: the template id is TEMPLATE_BASE plus these. */
#define TB_V6 1
#define TB_ICMP 2
#define TB_VLAN 4
#define NTEMPLATES 8
#define TEMPLATE_BASE 256

enum field {
	F_SRC4, F_SRC6, F_DST4, F_DST6, F_SPORT, F_DPORT, F_ICMP4, F_ICMP6,
	F_PROTO, F_START, F_END, F_BYTES, F_PACKETS, F_REV_BYTES,
	F_REV_PACKETS, F_FLAGS, F_REV_FLAGS, F_END_REASON, F_VLAN,
	F_STRING	/* F_STRING + i: the i-th audit string */
};

enum owner { IANA, REVERSE, OWN };	/* whose number the id is */

/* The element table: one template per bit set, each taking the elements
 * whose `need` bits it has and whose `shun` bits it lacks. */
static const struct element {
	uint16_t id, len;
	uint8_t owner, field, need, shun;
} elements[] = {
	{ 8, 4, IANA, F_SRC4, 0, TB_V6 },
	{ 27, 16, IANA, F_SRC6, TB_V6, 0 },
	{ 12, 4, IANA, F_DST4, 0, TB_V6 },
	{ 28, 16, IANA, F_DST6, TB_V6, 0 },
	{ 7, 2, IANA, F_SPORT, 0, TB_ICMP },
	{ 11, 2, IANA, F_DPORT, 0, TB_ICMP },
	{ 32, 2, IANA, F_ICMP4, TB_ICMP, TB_V6 },
	{ 139, 2, IANA, F_ICMP6, TB_ICMP | TB_V6, 0 },
	{ 4, 1, IANA, F_PROTO, 0, 0 },
	{ 152, 8, IANA, F_START, 0, 0 },
	{ 153, 8, IANA, F_END, 0, 0 },
	{ 1, 8, IANA, F_BYTES, 0, 0 },
	{ 2, 8, IANA, F_PACKETS, 0, 0 },
	{ 1, 8, REVERSE, F_REV_BYTES, 0, 0 },
	{ 2, 8, REVERSE, F_REV_PACKETS, 0, 0 },
	{ 6, 1, REVERSE, F_REV_FLAGS, 0, 0 },
	{ 6, 1, IANA, F_FLAGS, 0, 0 },
	{ 136, 1, IANA, F_END_REASON, 0, 0 },
	{ 58, 2, IANA, F_VLAN, TB_VLAN, 0 },
	{ 100, VARLEN, OWN, F_STRING + 0, 0, 0 },
	{ 101, VARLEN, OWN, F_STRING + 1, 0, 0 },
	{ 102, VARLEN, OWN, F_STRING + 2, 0, 0 },
	{ 103, VARLEN, OWN, F_STRING + 3, 0, 0 },
	{ 104, VARLEN, OWN, F_STRING + 4, 0, 0 },
	{ 105, VARLEN, OWN, F_STRING + 5, 0, 0 },
	{ 106, VARLEN, OWN, F_STRING + 6, 0, 0 },
};
#define NELEMENTS (sizeof elements / sizeof elements[0])

static bool in_template(const struct element *e, unsigned bits)
{
	return (bits & e->need) == e->need && !(bits & e->shun);
}

/* Where a template's record holds each fixed-size field, so that a
 * record is encoded by straight stores, no test per element.  A field
 * the template lacks points at `fixed`, where the strings begin: it is
 * written there and then overwritten by them, which needs REC_SLACK
 * bytes past the largest record in the encoding buffer. */
struct layout {
	uint16_t off[F_STRING];
	uint16_t fixed;		/* bytes before the strings */
};

#define REC_SLACK 16	/* the largest fixed-size field: an address */
_Static_assert(sizeof ((struct ipfix_flow *)0)->src == REC_SLACK &&
	       sizeof ((struct ipfix_flow *)0)->dst == REC_SLACK,
	       "an absent field's store must fit in the encoder's slack");
_Static_assert(sizeof ((struct ipfix_flow *)0)->str_len /
	       sizeof ((struct ipfix_flow *)0)->str_len[0] == NSTRINGS,
	       "one length per audit string");

enum link { LINK_UDP, LINK_DOWN, LINK_CONNECTING, LINK_UP };

struct queued {
	uint32_t len, records;
};

/* UDP messages are sent LUCS_IPFIX_UDP_BATCH at a time, one sendmmsg
 * for all: a datagram a syscall was most of the export's system time. */
_Static_assert(LUCS_IPFIX_UDP_BATCH >= 1 && LUCS_IPFIX_UDP_BATCH <= 1024,
	       "sendmmsg takes at most UIO_MAXIOV (1024) messages");

struct collector {
	const char *url;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool tcp;
	uint8_t link;		/* enum link */
	int fd;
	size_t msg_max;		/* bytes in one message */
	uint8_t *buf;		/* UDP: LUCS_IPFIX_UDP_BATCH messages of
				   msg_max bytes; TCP: one */
	uint8_t *msg;		/* the message being filled, in buf */
	size_t nout;		/* UDP: whole messages waiting in buf */
	struct queued out[LUCS_IPFIX_UDP_BATCH];	/* their sizes */
	size_t len;		/* bytes in it, 0: none begun */
	size_t set;		/* offset of the open data set, 0: none */
	unsigned set_id;
	uint32_t records;	/* in the message */
	uint32_t seq;		/* records sent in this transport session */
	bool templates_sent;	/* UDP: at least once */
	int64_t templates_ms;	/* UDP: when they last went out */
	uint32_t since_templates; /* UDP: data messages since */
	/* TCP: whole messages waiting, bytes q[qoff, qoff + qlen) */
	uint8_t *q;
	size_t qoff, qlen;
	struct queued *qm;	/* their lengths and records, a ring */
	size_t qm_head, qm_count;
	size_t head_left;	/* bytes of the first message not yet sent */
	bool started;		/* a connect was tried before */
	int64_t retry_ms, backoff_ms, deadline_ms;
	bool outage;		/* warned for (or warning pending) */
	bool warn_pending;
	char warn[320];
	struct ipfix_stats st;
};

struct ipfix_exporter {
	uint32_t domain, pen;
	int64_t refresh_ms;
	int64_t now;		/* ms, never going backwards */
	size_t rec_max;		/* the largest record any collector takes */
	struct layout layout[NTEMPLATES];
	uint8_t *rec;		/* the record being encoded, rec_max +
				   REC_SLACK bytes */
	uint64_t records_cut;
	struct pollfd *pfd;	/* ipfix_close's, one per collector */
	size_t ncollectors;
	struct collector c[];
};

/* Big-endian writers: each writes at p and returns the end. */
static uint8_t *wr8(uint8_t *p, unsigned v)
{
	*p = (uint8_t)v;
	return p + 1;
}

static uint8_t *wr16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *wr32(uint8_t *p, uint32_t v)
{
	p = wr16(p, v >> 16);
	return wr16(p, v & 0xffff);
}

void ipfix_config_defaults(struct ipfix_config *c)
{
	memset(c, 0, sizeof *c);
	c->domain = 0;
	c->pen = LUCS_IPFIX_DEFAULT_PEN;
	c->template_refresh_s = LUCS_IPFIX_DEFAULT_REFRESH;
	c->mtu = LUCS_IPFIX_DEFAULT_MTU;
}

uint8_t ipfix_end_reason_of(enum flow_end why)
{
	switch (why) {
	case FLOW_END_IDLE:
		return IPFIX_END_IDLE;
	case FLOW_END_EVICTED:
		return IPFIX_END_RESOURCES;
	case FLOW_END_PORT_REUSE:
		return IPFIX_END_OF_FLOW;
	case FLOW_END_INPUT:
	default:
		return IPFIX_END_FORCED;
	}
}

static bool url_error(char *err, size_t errlen, const char *url,
		      const char *why)
{
	snprintf(err, errlen,
		 "bad IPFIX collector '%s' (%s): expected udp://HOST[:PORT] "
		 "or tcp://HOST[:PORT], HOST an IPv4 address, a name or "
		 "[IPv6 address], PORT 1-65535 (default %d)",
		 url, why, LUCS_IPFIX_DEFAULT_PORT);
	return false;
}

bool ipfix_parse_url(const char *url, struct ipfix_url *out, char *err,
		     size_t errlen)
{
	const char *h, *end, *port = NULL;
	size_t n;

	memset(out, 0, sizeof *out);
	if (strncmp(url, "udp://", 6) == 0)
		out->tcp = false;
	else if (strncmp(url, "tcp://", 6) == 0)
		out->tcp = true;
	else
		return url_error(err, errlen, url, "unknown transport");
	h = url + 6;
	if (*h == '[') {
		end = strchr(++h, ']');
		if (!end)
			return url_error(err, errlen, url, "no ']'");
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return url_error(err, errlen, url,
					 "junk after the address");
	} else {
		end = strchr(h, ':');
		if (end) {
			port = end + 1;
			if (strchr(port, ':'))
				return url_error(err, errlen, url,
						 "IPv6 address not in []");
		} else {
			end = h + strlen(h);
		}
		if (memchr(h, '/', (size_t)(end - h)))
			return url_error(err, errlen, url, "a path");
	}
	n = (size_t)(end - h);
	if (n == 0)
		return url_error(err, errlen, url, "no host");
	if (n >= sizeof out->host)
		return url_error(err, errlen, url, "host too long");
	memcpy(out->host, h, n);
	out->host[n] = '\0';
	out->port = LUCS_IPFIX_DEFAULT_PORT;
	if (port) {
		unsigned long v = 0;
		const char *d = port;

		if (!*d)
			return url_error(err, errlen, url, "empty port");
		for (; *d >= '0' && *d <= '9' && v <= 65535; d++)
			v = v * 10 + (unsigned long)(*d - '0');
		if (*d || v == 0 || v > 65535)
			return url_error(err, errlen, url, "bad port");
		out->port = (uint16_t)v;
	}
	return true;
}

/* The audit's strings of f, in element order (ids 100-106). */
static void flow_strings(const struct ipfix_flow *f, const char *s[NSTRINGS])
{
	s[0] = f->verdict;
	s[1] = f->reason;
	s[2] = f->rules;
	s[3] = f->tags;
	s[4] = f->outcome;
	s[5] = f->client_roles;
	s[6] = f->server_roles;
	for (unsigned i = 0; i < NSTRINGS; i++)
		if (!s[i])
			s[i] = "";	/* with has_str_len, its length is 0 */
}

/* A string's bytes with its RFC 7011 7. length prefix. */
static size_t varlen_cost(size_t n)
{
	return n + (n < 255 ? 1 : 3);
}

static size_t strings_cost(const size_t len[NSTRINGS], size_t cap)
{
	size_t total = 0;

	for (unsigned i = 0; i < NSTRINGS; i++)
		total += varlen_cost(len[i] < cap ? len[i] : cap);
	return total;
}

/* Cut the longest strings to the largest common length that fits budget
 * (the fewest bytes lost, every short string whole), each at a UTF-8
 * character boundary.  True when something was cut.  The MTU's lower
 * bound leaves room for seven empty strings. */
static bool fit_strings(const char *s[NSTRINGS], size_t len[NSTRINGS],
			size_t budget)
{
	size_t lo = 0, hi = 0;

	for (unsigned i = 0; i < NSTRINGS; i++)
		if (len[i] > hi)
			hi = len[i];
	if (strings_cost(len, hi) <= budget)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (strings_cost(len, mid) <= budget)
			lo = mid;
		else
			hi = mid - 1;
	}
	for (unsigned i = 0; i < NSTRINGS; i++) {
		if (len[i] <= lo)
			continue;
		len[i] = lo;
		while (len[i] > 0 && ((uint8_t)s[i][len[i]] & 0xc0) == 0x80)
			len[i]--;
	}
	return true;
}

static uint8_t *put_string(uint8_t *p, const char *s, size_t n)
{
	if (n < 255) {
		p = wr8(p, (unsigned)n);
	} else {
		p = wr8(p, 255);
		p = wr16(p, (unsigned)n);
	}
	if (n)		/* most records have empty strings: no call */
		memcpy(p, s, n);
	return p + n;
}

/* Big-endian stores of the encoder, one instruction each or nearly. */
static void st16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof v);
}

static void st64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof v);
}

static unsigned template_bits(const struct ipfix_flow *f)
{
	return (f->family == 6 ? TB_V6 : 0) | (f->has_icmp ? TB_ICMP : 0) |
	       (f->has_vlan ? TB_VLAN : 0);
}

/* The fixed-size fields of f where layout l puts them; every field is
 * stored, those l lacks at the strings' start (struct layout). */
static void put_fixed(uint8_t *r, const struct layout *l,
		      const struct ipfix_flow *f)
{
	memcpy(r + l->off[F_SRC6], f->src, 16);
	memcpy(r + l->off[F_DST6], f->dst, 16);
	memcpy(r + l->off[F_SRC4], f->src, 4);
	memcpy(r + l->off[F_DST4], f->dst, 4);
	st16(r + l->off[F_SPORT], f->sport);
	st16(r + l->off[F_DPORT], f->dport);
	st16(r + l->off[F_ICMP4], f->icmp_type_code);
	st16(r + l->off[F_ICMP6], f->icmp_type_code);
	r[l->off[F_PROTO]] = f->proto;
	st64(r + l->off[F_START], (uint64_t)f->start_ms);
	st64(r + l->off[F_END], (uint64_t)f->end_ms);
	st64(r + l->off[F_BYTES], f->bytes);
	st64(r + l->off[F_PACKETS], f->packets);
	st64(r + l->off[F_REV_BYTES], f->rev_bytes);
	st64(r + l->off[F_REV_PACKETS], f->rev_packets);
	r[l->off[F_FLAGS]] = f->tcp_flags;
	r[l->off[F_REV_FLAGS]] = f->rev_tcp_flags;
	r[l->off[F_END_REASON]] = f->end_reason;
	st16(r + l->off[F_VLAN], f->vlan & 0xfff);
}

/* Encode f into x->rec; returns its length and sets *bits. */
static size_t encode_record(struct ipfix_exporter *x,
			    const struct ipfix_flow *f, unsigned *bits)
{
	const char *s[NSTRINGS];
	size_t len[NSTRINGS], total = 0;
	const struct layout *l = &x->layout[template_bits(f)];
	uint8_t *p = x->rec + l->fixed;

	*bits = template_bits(f);
	put_fixed(x->rec, l, f);
	flow_strings(f, s);
	for (unsigned i = 0; i < NSTRINGS; i++) {
		len[i] = f->has_str_len ? f->str_len[i] : strlen(s[i]);
		total += len[i];
	}
	/* Three bytes of prefix at most each: whole strings fit. */
	if (total + 3 * NSTRINGS > x->rec_max - l->fixed &&
	    fit_strings(s, len, x->rec_max - l->fixed))
		x->records_cut++;
	for (unsigned i = 0; i < NSTRINGS; i++)
		p = put_string(p, s[i], len[i]);
	return (size_t)(p - x->rec);
}

/* One template record: id, field count, then each field specifier. */
static uint8_t *put_template(uint8_t *p, unsigned bits, uint32_t pen)
{
	uint8_t *count = p + 2;
	unsigned n = 0;

	p = wr16(p, TEMPLATE_BASE + bits);
	p += 2;
	for (size_t i = 0; i < NELEMENTS; i++) {
		const struct element *e = &elements[i];

		if (!in_template(e, bits))
			continue;
		n++;
		if (e->owner == IANA) {
			p = wr16(p, e->id);
			p = wr16(p, e->len);
		} else {
			p = wr16(p, 0x8000u | e->id);
			p = wr16(p, e->len);
			p = wr32(p, e->owner == REVERSE ? PEN_REVERSE : pen);
		}
	}
	wr16(count, n);
	return p;
}

static size_t template_size(unsigned bits)
{
	size_t n = 4;

	for (size_t i = 0; i < NELEMENTS; i++)
		if (in_template(&elements[i], bits))
			n += elements[i].owner == IANA ? 4 : 8;
	return n;
}

/* The warning of an outage that began, once until it ends. */
static void outage(struct collector *c, const char *what, int err)
{
	if (c->outage)
		return;
	c->outage = true;
	c->warn_pending = true;
	snprintf(c->warn, sizeof c->warn,
		 "%s: %s: %s: records are dropped until it is back", c->url,
		 what, strerror(err));
}

static void drop_queue(struct collector *c)
{
	for (size_t i = 0; i < c->qm_count; i++) {
		size_t k = (c->qm_head + i) % LUCS_IPFIX_TCP_QUEUE_MSGS;

		c->st.records_dropped += c->qm[k].records;
	}
	c->qoff = c->qlen = 0;
	c->qm_head = c->qm_count = 0;
	c->head_left = 0;
}

/* Forget the message being filled, counting its records as dropped. */
static void drop_partial(struct collector *c)
{
	c->st.records_dropped += c->records;
	c->len = c->set = 0;
	c->set_id = 0;
	c->records = 0;
}

/* A TCP session ended: drop everything pending, retry later. */
static void tcp_fail(struct ipfix_exporter *x, struct collector *c,
		     const char *what, int err)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->link = LINK_DOWN;
	c->st.send_errors++;
	drop_queue(c);
	drop_partial(c);
	c->retry_ms = x->now + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > LUCS_IPFIX_BACKOFF_MAX_MS
				? LUCS_IPFIX_BACKOFF_MAX_MS
				: c->backoff_ms * 2;
	outage(c, what, err);
}

static void write_header(const struct ipfix_exporter *x,
			 const struct collector *c, size_t len)
{
	uint8_t *p = c->msg;

	p = wr16(p, IPFIX_VERSION);
	p = wr16(p, (unsigned)len);
	p = wr32(p, (uint32_t)(x->now / 1000));
	p = wr32(p, c->seq);
	wr32(p, x->domain);
}

/* Hand the first n bytes of the TCP queue's accounting as sent. */
static void queue_sent(struct collector *c, size_t n)
{
	c->qoff += n;
	c->qlen -= n;
	while (n > 0 && c->qm_count > 0) {
		struct queued *m = &c->qm[c->qm_head];

		if (n < c->head_left) {
			c->head_left -= n;
			break;
		}
		n -= c->head_left;
		c->st.records_sent += m->records;
		c->qm_head = (c->qm_head + 1) % LUCS_IPFIX_TCP_QUEUE_MSGS;
		c->qm_count--;
		c->head_left = c->qm_count ? c->qm[c->qm_head].len : 0;
	}
	if (c->qlen == 0)
		c->qoff = 0;
}

/* Advance a TCP collector without blocking: finish a connect, notice a
 * collector that hung up, write what the socket takes. */
static void tcp_pump(struct ipfix_exporter *x, struct collector *c,
		     bool check_hangup)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

	if (c->link == LINK_CONNECTING) {
		int err = 0;
		socklen_t elen = sizeof err;

		if (poll(&pfd, 1, 0) <= 0) {
			if (x->now >= c->deadline_ms)
				tcp_fail(x, c, "connect", ETIMEDOUT);
			return;
		}
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		if (err) {
			tcp_fail(x, c, "connect", err);
			return;
		}
		c->link = LINK_UP;
		c->backoff_ms = LUCS_IPFIX_BACKOFF_MIN_MS;
		c->outage = false;
	}
	if (c->link != LINK_UP)
		return;
	if (check_hangup) {
		/* Collectors never send: readable means closed or reset. */
		char junk[256];

		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) > 0) {
			ssize_t r = recv(c->fd, junk, sizeof junk, MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN &&
				       errno != EINTR)) {
				tcp_fail(x, c, "collector closed the connection",
					 r == 0 ? ECONNRESET : errno);
				return;
			}
		}
	}
	while (c->qlen > 0) {
		ssize_t n = send(c->fd, c->q + c->qoff, c->qlen,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tcp_fail(x, c, "send", errno);
			return;
		}
		queue_sent(c, (size_t)n);
	}
}

static bool tcp_enqueue(struct collector *c, size_t n, uint32_t records)
{
	struct queued *m;

	if (c->qm_count == LUCS_IPFIX_TCP_QUEUE_MSGS ||
	    n > LUCS_IPFIX_TCP_QUEUE - c->qlen)
		return false;
	if (n > LUCS_IPFIX_TCP_QUEUE - c->qoff - c->qlen) {
		memmove(c->q, c->q + c->qoff, c->qlen);
		c->qoff = 0;
	}
	memcpy(c->q + c->qoff + c->qlen, c->msg, n);
	c->qlen += n;
	m = &c->qm[(c->qm_head + c->qm_count) % LUCS_IPFIX_TCP_QUEUE_MSGS];
	m->len = (uint32_t)n;
	m->records = records;
	if (c->qm_count++ == 0)
		c->head_left = n;
	return true;
}

static void udp_sent(struct collector *c, const struct queued *m,
		     bool first_attempt)
{
	c->seq += m->records;
	c->st.records_sent += m->records;
	if (first_attempt)
		c->outage = false;
}

/* Message m at p failed with err: once more when the error was an
 * earlier datagram's ICMP error (ECONNREFUSED: nothing was sent), else
 * its records are dropped. */
static void udp_failed(struct collector *c, const struct queued *m,
		       const uint8_t *p, int err)
{
	c->st.send_errors++;
	outage(c, "send", err);
	if (err == ECONNREFUSED) {
		ssize_t r = send(c->fd, p, m->len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r == (ssize_t)m->len) {
			udp_sent(c, m, false);
			return;
		}
		c->st.send_errors++;
		outage(c, "send", r < 0 ? errno : EMSGSIZE);
	}
	c->st.records_dropped += m->records;
}

/* Send the UDP messages waiting, in order, each numbered (RFC 7011 3.1)
 * with the records sent before it: a message that fails is not
 * counted in the next ones' numbers. */
static void udp_flush(struct collector *c)
{
	struct mmsghdr mm[LUCS_IPFIX_UDP_BATCH];
	struct iovec iov[LUCS_IPFIX_UDP_BATCH];
	size_t i = 0;

	while (i < c->nout) {
		uint32_t seq = c->seq;
		int r;

		for (size_t k = i; k < c->nout; k++) {
			uint8_t *p = c->buf + k * c->msg_max;

			wr32(p + 8, seq);
			seq += c->out[k].records;
			iov[k] = (struct iovec){ p, c->out[k].len };
			mm[k] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[k],
							       .msg_iovlen = 1 } };
		}
		r = sendmmsg(c->fd, mm + i, (unsigned)(c->nout - i),
			     MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r <= 0) {
			udp_failed(c, &c->out[i], iov[i].iov_base,
				   r < 0 ? errno : EAGAIN);
			i++;
			continue;
		}
		for (size_t end = i + (size_t)r; i < end; i++) {
			if (mm[i].msg_len == c->out[i].len) {
				udp_sent(c, &c->out[i], true);
			} else {
				udp_failed(c, &c->out[i], iov[i].iov_base,
					   EMSGSIZE);
				i++;
				break;	/* renumber the rest */
			}
		}
	}
	c->nout = 0;
	c->msg = c->buf;
}

/* Send the message of n bytes in c->msg holding `records` data records:
 * TCP queues it, UDP adds it to the batch (udp_flush). */
static void deliver(struct ipfix_exporter *x, struct collector *c, size_t n,
		    uint32_t records)
{
	write_header(x, c, n);
	if (c->tcp) {
		if (c->link == LINK_DOWN) {
			c->st.records_dropped += records;
		} else if (!tcp_enqueue(c, n, records)) {
			c->st.records_dropped += records;
			outage(c, "send", ENOBUFS);
		} else {
			c->seq += records;
			/* A collector that hung up since is noticed first
			 * (a poll): the message is then dropped, not
			 * written to the closed connection and lost. */
			tcp_pump(x, c, true);
		}
		return;
	}
	c->out[c->nout].len = (uint32_t)n;
	c->out[c->nout].records = records;
	if (++c->nout == LUCS_IPFIX_UDP_BATCH)
		udp_flush(c);
	c->msg = c->buf + c->nout * c->msg_max;
}

/* Send every template, in as many messages as the MTU needs. */
static void send_templates(struct ipfix_exporter *x, struct collector *c)
{
	size_t len = MSG_HDR, set = 0;

	for (unsigned bits = 0; bits < NTEMPLATES; bits++) {
		size_t need = template_size(bits) + (set ? 0 : SET_HDR);

		if (need > c->msg_max - len) {
			wr16(c->msg + set + 2, (unsigned)(len - set));
			deliver(x, c, len, 0);
			len = MSG_HDR;
			set = 0;
		}
		if (!set) {
			set = len;
			wr16(c->msg + set, SET_TEMPLATE);
			len += SET_HDR;
		}
		len = (size_t)(put_template(c->msg + len, bits, x->pen) - c->msg);
	}
	wr16(c->msg + set + 2, (unsigned)(len - set));
	deliver(x, c, len, 0);
	c->templates_sent = true;
	c->templates_ms = x->now;
	c->since_templates = 0;
}

/* UDP templates go again every refresh period, ticked or not; and
 * before the next data after LUCS_IPFIX_REFRESH_MESSAGES data messages
 * (RFC 7011 8.4). */
static bool udp_templates_stale(const struct ipfix_exporter *x,
				const struct collector *c)
{
	return !c->templates_sent || x->now - c->templates_ms >= x->refresh_ms;
}

static bool udp_templates_due(const struct ipfix_exporter *x,
			      const struct collector *c)
{
	return udp_templates_stale(x, c) ||
	       c->since_templates >= LUCS_IPFIX_REFRESH_MESSAGES;
}

/* Send the message being filled. */
static void finish(struct ipfix_exporter *x, struct collector *c)
{
	size_t n = c->len;
	uint32_t records = c->records;

	if (n == 0)
		return;
	if (c->set)
		wr16(c->msg + c->set + 2, (unsigned)(n - c->set));
	c->len = c->set = 0;
	c->set_id = 0;
	c->records = 0;
	c->since_templates++;
	deliver(x, c, n, records);
}

/* Start a TCP session: a non-blocking connect, the templates queued
 * first, the sequence number from 0 (RFC 7011 3.1 counts the records
 * of one transport session and domain). */
static void tcp_connect(struct ipfix_exporter *x, struct collector *c)
{
	if (c->started)
		c->st.reconnects++;
	c->started = true;
	drop_partial(c);
	c->fd = socket(c->addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		tcp_fail(x, c, "socket", errno);
		return;
	}
	c->link = LINK_CONNECTING;
	c->deadline_ms = x->now + LUCS_IPFIX_CONNECT_MS;
	if (connect(c->fd, (const struct sockaddr *)&c->addr, c->addrlen) < 0 &&
	    errno != EINPROGRESS) {
		tcp_fail(x, c, "connect", errno);
		return;
	}
	c->seq = 0;
	send_templates(x, c);
}

static void advance(struct ipfix_exporter *x, int64_t now_ms)
{
	if (now_ms > x->now)
		x->now = now_ms;
}

/* True when c takes records now. */
static bool ready(struct ipfix_exporter *x, struct collector *c)
{
	if (!c->tcp)
		return true;
	if (c->link == LINK_DOWN && x->now >= c->retry_ms)
		tcp_connect(x, c);
	return c->link != LINK_DOWN;
}

static void append(struct ipfix_exporter *x, struct collector *c,
		   unsigned bits, size_t n)
{
	unsigned id = TEMPLATE_BASE + bits;
	size_t need = n + (c->set && c->set_id == id ? 0 : SET_HDR);

	if (c->len && need > c->msg_max - c->len) {
		finish(x, c);
		if (c->tcp && c->link == LINK_DOWN) {
			c->st.records_dropped++;
			return;
		}
	}
	if (!c->len) {
		if (!c->tcp && udp_templates_due(x, c))
			send_templates(x, c);
		c->len = MSG_HDR;
	}
	if (!c->set || c->set_id != id) {
		if (c->set)
			wr16(c->msg + c->set + 2, (unsigned)(c->len - c->set));
		c->set = c->len;
		c->set_id = id;
		wr16(c->msg + c->set, id);
		c->len += SET_HDR;
	}
	memcpy(c->msg + c->len, x->rec, n);
	c->len += n;
	c->records++;
}

void ipfix_export(struct ipfix_exporter *x, const struct ipfix_flow *f,
		  int64_t now_ms)
{
	unsigned bits;
	uint64_t cut = x->records_cut;
	size_t n;

	advance(x, now_ms);
	n = encode_record(x, f, &bits);
	for (size_t i = 0; i < x->ncollectors; i++) {
		struct collector *c = &x->c[i];

		c->st.records_cut += x->records_cut - cut;
		if (ready(x, c))
			append(x, c, bits, n);
		else
			c->st.records_dropped++;
	}
}

void ipfix_tick(struct ipfix_exporter *x, int64_t now_ms)
{
	advance(x, now_ms);
	for (size_t i = 0; i < x->ncollectors; i++) {
		struct collector *c = &x->c[i];

		if (c->tcp && !ready(x, c))
			continue;
		/* A collector that hung up is noticed before the pending
		 * records are written: written to a closed connection they
		 * would count as sent and be lost. */
		if (c->tcp && c->link == LINK_UP) {
			tcp_pump(x, c, true);
			if (c->link != LINK_UP)
				continue;
		}
		finish(x, c);
		if (c->tcp) {
			tcp_pump(x, c, true);
			continue;
		}
		if (udp_templates_stale(x, c))
			send_templates(x, c);
		udp_flush(c);
	}
}

static int open_collector(struct ipfix_exporter *x, struct collector *c,
			  const struct ipfix_config *cf, const char *url,
			  char *err, size_t errlen)
{
	struct ipfix_url u;
	struct addrinfo hints = { 0 }, *ai = NULL;
	char port[8];
	int rc;

	if (!ipfix_parse_url(url, &u, err, errlen))
		return -1;
	hints.ai_socktype = u.tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", u.port);
	rc = getaddrinfo(u.host, port, &hints, &ai);
	if (rc != 0 || !ai) {
		snprintf(err, errlen,
			 "IPFIX collector '%s': %s: give its address, or a "
			 "name this host resolves", url,
			 rc ? gai_strerror(rc) : "no address");
		return -1;
	}
	memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
	c->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	c->url = url;
	c->tcp = u.tcp;
	c->fd = -1;
	c->backoff_ms = LUCS_IPFIX_BACKOFF_MIN_MS;
	/* The MTU counts the IP and UDP headers; a message is the rest. */
	c->msg_max = cf->mtu - (c->addr.ss_family == AF_INET6 ? 48 : 28);
	if (c->msg_max > 65535)
		c->msg_max = 65535;
	c->buf = malloc(c->msg_max * (c->tcp ? 1 : LUCS_IPFIX_UDP_BATCH));
	c->msg = c->buf;
	if (!c->buf) {
		snprintf(err, errlen, "IPFIX collector '%s': %s", url,
			 strerror(errno));
		return -1;
	}
	if (c->tcp) {
		c->q = malloc(LUCS_IPFIX_TCP_QUEUE);
		c->qm = calloc(LUCS_IPFIX_TCP_QUEUE_MSGS, sizeof *c->qm);
		if (!c->q || !c->qm) {
			snprintf(err, errlen, "IPFIX collector '%s': %s", url,
				 strerror(ENOMEM));
			return -1;
		}
		c->link = LINK_DOWN;
		c->retry_ms = x->now;
		return 0;
	}
	c->link = LINK_UDP;
	c->fd = socket(c->addr.ss_family,
		       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* Connected, so that the kernel reports ICMP errors to us. */
	if (c->fd < 0 ||
	    connect(c->fd, (const struct sockaddr *)&c->addr, c->addrlen) < 0) {
		snprintf(err, errlen, "IPFIX collector '%s': %s", url,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Template bits' layout, from the element table: the fixed-size
 * elements in order, then the strings (which the table lists last). */
static void lay_out(struct layout *l, unsigned bits)
{
	uint16_t off = 0;

	for (size_t i = 0; i < NELEMENTS; i++)
		if (in_template(&elements[i], bits) &&
		    elements[i].len != VARLEN)
			off = (uint16_t)(off + elements[i].len);
	l->fixed = off;
	for (unsigned f = 0; f < F_STRING; f++)
		l->off[f] = l->fixed;
	off = 0;
	for (size_t i = 0; i < NELEMENTS; i++) {
		const struct element *e = &elements[i];

		if (!in_template(e, bits) || e->len == VARLEN)
			continue;
		l->off[e->field] = off;
		off = (uint16_t)(off + e->len);
	}
}

static void free_exporter(struct ipfix_exporter *x)
{
	for (size_t i = 0; i < x->ncollectors; i++) {
		struct collector *c = &x->c[i];

		if (c->fd >= 0)
			close(c->fd);
		free(c->buf);
		free(c->q);
		free(c->qm);
	}
	free(x->rec);
	free(x->pfd);
	free(x);
}

struct ipfix_exporter *ipfix_open(const struct ipfix_config *cf,
				  int64_t now_ms, char *err, size_t errlen)
{
	struct ipfix_exporter *x;

	if (cf->nurls == 0) {
		snprintf(err, errlen, "no IPFIX collector given");
		return NULL;
	}
	if (cf->mtu < LUCS_IPFIX_MIN_MTU || cf->mtu > 65535) {
		snprintf(err, errlen, "--ipfix-mtu %u: expected %d to 65535",
			 cf->mtu, LUCS_IPFIX_MIN_MTU);
		return NULL;
	}
	if (cf->pen == 0 || cf->pen == PEN_REVERSE) {
		snprintf(err, errlen,
			 "--ipfix-pen %u: expected a private enterprise "
			 "number other than 0 and RFC 5103's 29305", cf->pen);
		return NULL;
	}
	if (cf->template_refresh_s == 0) {
		snprintf(err, errlen,
			 "--ipfix-template-refresh 0: expected 1 second or more");
		return NULL;
	}
	x = calloc(1, sizeof *x + cf->nurls * sizeof x->c[0]);
	if (!x) {
		snprintf(err, errlen, "IPFIX: %s", strerror(errno));
		return NULL;
	}
	x->domain = cf->domain;
	x->pen = cf->pen;
	x->refresh_ms = (int64_t)cf->template_refresh_s * 1000;
	x->now = now_ms;
	x->rec_max = 65535;
	for (size_t i = 0; i < cf->nurls; i++) {
		x->c[i].fd = -1;
		x->ncollectors++;
		if (open_collector(x, &x->c[i], cf, cf->urls[i], err,
				   errlen) < 0) {
			free_exporter(x);
			return NULL;
		}
		if (x->c[i].msg_max - MSG_HDR - SET_HDR < x->rec_max)
			x->rec_max = x->c[i].msg_max - MSG_HDR - SET_HDR;
	}
	for (unsigned bits = 0; bits < NTEMPLATES; bits++)
		lay_out(&x->layout[bits], bits);
	x->rec = malloc(x->rec_max + REC_SLACK);
	x->pfd = calloc(x->ncollectors, sizeof *x->pfd);
	if (!x->rec || !x->pfd) {
		snprintf(err, errlen, "IPFIX: %s", strerror(errno));
		free_exporter(x);
		return NULL;
	}
	for (size_t i = 0; i < x->ncollectors; i++) {
		if (x->c[i].tcp) {
			tcp_connect(x, &x->c[i]);
		} else {
			send_templates(x, &x->c[i]);
			udp_flush(&x->c[i]);
		}
	}
	return x;
}

size_t ipfix_collectors(const struct ipfix_exporter *x)
{
	return x->ncollectors;
}

const char *ipfix_collector_url(const struct ipfix_exporter *x, size_t i)
{
	return i < x->ncollectors ? x->c[i].url : NULL;
}

void ipfix_collector_stats(const struct ipfix_exporter *x, size_t i,
			   struct ipfix_stats *out)
{
	memset(out, 0, sizeof *out);
	if (i < x->ncollectors)
		*out = x->c[i].st;
}

void ipfix_stats(const struct ipfix_exporter *x, struct ipfix_stats *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < x->ncollectors; i++) {
		const struct ipfix_stats *s = &x->c[i].st;

		out->records_sent += s->records_sent;
		out->records_dropped += s->records_dropped;
		out->reconnects += s->reconnects;
		out->send_errors += s->send_errors;
	}
	out->records_cut = x->records_cut;
}

bool ipfix_warning(struct ipfix_exporter *x, char *buf, size_t len)
{
	for (size_t i = 0; i < x->ncollectors; i++) {
		struct collector *c = &x->c[i];

		if (c->warn_pending) {
			c->warn_pending = false;
			snprintf(buf, len, "%s", c->warn);
			return true;
		}
	}
	return false;
}

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ipfix_clock_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

/* Wait, at most until the monotonic deadline, for every TCP collector to
 * connect and send its queue. */
static void drain(struct ipfix_exporter *x, int64_t deadline)
{
	for (;;) {
		struct pollfd *pfd = x->pfd;
		nfds_t n = 0;
		int64_t left = deadline - clock_ms(CLOCK_MONOTONIC);

		for (size_t i = 0; i < x->ncollectors; i++) {
			struct collector *c = &x->c[i];

			if (c->tcp && (c->link == LINK_CONNECTING ||
				       (c->link == LINK_UP && c->qlen > 0)))
				pfd[n++] = (struct pollfd){ c->fd, POLLOUT, 0 };
		}
		if (n == 0 || left <= 0)
			return;
		if (poll(pfd, n, (int)left) < 0 && errno != EINTR)
			return;
		for (size_t i = 0; i < x->ncollectors; i++) {
			struct collector *c = &x->c[i];

			if (c->tcp && c->link != LINK_DOWN)
				tcp_pump(x, c, false);
		}
	}
}

int ipfix_close(struct ipfix_exporter *x, int64_t now_ms,
		struct ipfix_stats *final)
{
	uint64_t before = 0, after = 0;
	struct ipfix_stats s;

	advance(x, now_ms);
	ipfix_stats(x, &s);
	before = s.records_dropped;
	for (size_t i = 0; i < x->ncollectors; i++) {
		if (x->c[i].link != LINK_DOWN)
			finish(x, &x->c[i]);
		if (!x->c[i].tcp)
			udp_flush(&x->c[i]);
	}
	drain(x, clock_ms(CLOCK_MONOTONIC) + LUCS_IPFIX_CLOSE_MS);
	for (size_t i = 0; i < x->ncollectors; i++)
		drop_queue(&x->c[i]);
	ipfix_stats(x, &s);
	after = s.records_dropped;
	if (final)
		*final = s;
	free_exporter(x);
	return after == before ? 0 : -1;
}
