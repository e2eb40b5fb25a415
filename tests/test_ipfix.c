/* test_ipfix.c: the IPFIX exporter (RFC 7011, RFC 5103) checked on the
 * wire: loopback UDP and TCP receivers in this process take its messages
 * and a strict parser here checks them byte by byte: headers, template
 * sets field by field, record offsets and lengths, variable-length
 * strings, sequence numbers, template refresh, the MTU, URL parsing, and
 * TCP collectors that refuse, hang up or stop reading. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipfix.h"
#include "tunables.h"

#define T0 1800000000000LL	/* a fixed now_ms: 2027-01-15 */
#define PEN 32473
#define REV 29305
#define VAR 65535
#define WAIT_MS 2000		/* longest wait for a message that is due */

/* ---- a strict RFC 7011 parser ---- */

struct field {
	uint16_t id, len;
	uint32_t pen;
};

struct tmpl {
	unsigned n;		/* 0: not known */
	struct field f[32];
};

struct rec {
	unsigned tid;
	const uint8_t *p;
	size_t len;
};

struct msg {
	size_t len;
	uint32_t export_time, seq, domain;
	unsigned ntemplates;	/* template records in the message */
	unsigned nrecords;
	struct rec r[512];
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* The length of the value at p of a field, and where it starts. */
static size_t value_len(const struct field *f, const uint8_t **p,
			const uint8_t *end)
{
	size_t n = f->len;

	if (n == VAR) {
		assert_true(*p < end);
		n = *(*p)++;
		if (n == 255) {
			assert_true(end - *p >= 2);
			n = be16(*p);
			*p += 2;
			assert_true(n >= 255);	/* 3-byte form only when needed */
		}
	}
	assert_true((size_t)(end - *p) >= n);
	return n;
}

/* Parse one message, learning templates into t[0..7] (ids 256-263). */
static void parse(const uint8_t *b, size_t n, struct msg *m, struct tmpl *t)
{
	size_t off = 16;

	memset(m, 0, sizeof *m);
	assert_true(n >= 16);
	assert_int_equal(be16(b), 10);
	m->len = be16(b + 2);
	assert_int_equal(m->len, n);
	m->export_time = be32(b + 4);
	m->seq = be32(b + 8);
	m->domain = be32(b + 12);
	assert_true(n > 16);	/* never an empty message */
	while (off < n) {
		unsigned id, slen;
		const uint8_t *p, *end;

		assert_true(n - off >= 4);
		id = be16(b + off);
		slen = be16(b + off + 2);
		assert_true(slen > 4 && slen <= n - off);
		p = b + off + 4;
		end = b + off + slen;
		if (id == 2) {
			while (p < end) {
				unsigned tid, cnt;
				struct tmpl *tt;

				assert_true(end - p >= 4);
				tid = be16(p);
				cnt = be16(p + 2);
				p += 4;
				assert_in_range(tid, 256, 263);
				tt = &t[tid - 256];
				assert_in_range(cnt, 1, 32);
				tt->n = cnt;
				for (unsigned i = 0; i < cnt; i++) {
					struct field *f = &tt->f[i];

					assert_true(end - p >= 4);
					f->id = be16(p) & 0x7fff;
					f->len = be16(p + 2);
					f->pen = 0;
					if (be16(p) & 0x8000) {
						assert_true(end - p >= 8);
						f->pen = be32(p + 4);
						p += 4;
					}
					p += 4;
				}
				m->ntemplates++;
			}
			assert_ptr_equal(p, end);	/* no padding */
		} else {
			struct tmpl *tt;

			assert_in_range(id, 256, 263);
			tt = &t[id - 256];
			assert_true(tt->n > 0);	/* template known first */
			while (p < end) {
				struct rec *r = &m->r[m->nrecords++];

				assert_true(m->nrecords <= 512);
				r->tid = id;
				r->p = p;
				for (unsigned i = 0; i < tt->n; i++)
					p += value_len(&tt->f[i], &p, end);
				r->len = (size_t)(p - r->p);
			}
			assert_ptr_equal(p, end);
		}
		off += slen;
	}
}

/* The value of element pen/id in record r, or NULL. */
static const uint8_t *value(const struct tmpl *t, const struct rec *r,
			    uint32_t pen, unsigned id, size_t *len)
{
	const struct tmpl *tt = &t[r->tid - 256];
	const uint8_t *p = r->p, *end = r->p + r->len;

	for (unsigned i = 0; i < tt->n; i++) {
		size_t n = value_len(&tt->f[i], &p, end);

		if (tt->f[i].pen == pen && tt->f[i].id == id) {
			*len = n;
			return p;
		}
		p += n;
	}
	return NULL;
}

/* ---- loopback receivers ---- */

static int udp_receiver(int family, uint16_t *port)
{
	int fd = socket(family, SOCK_DGRAM, 0);
	struct sockaddr_storage ss = { 0 };
	socklen_t len;

	assert_true(fd >= 0);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *a;
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET6
			      ? ((struct sockaddr_in6 *)&ss)->sin6_port
			      : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int tcp_listener(uint16_t *port, bool fixed)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = fixed ? htons(*port) : 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* A loopback port with nothing behind it (bound, then closed). */
static uint16_t closed_port(int type)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* One datagram, or -1 when none comes within timeout_ms. */
static ssize_t recv_msg(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return recv(fd, buf, cap, 0);
}

/* Read exactly n bytes of a TCP stream; false at EOF or timeout. */
static bool read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, WAIT_MS) <= 0)
			return false;
		r = recv(fd, buf + got, n - got, 0);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* One whole message from a TCP stream into buf; its length or 0. */
static size_t read_stream_msg(int fd, uint8_t *buf)
{
	size_t len;

	if (!read_full(fd, buf, 16))
		return 0;
	len = be16(buf + 2);
	assert_true(len >= 16);
	if (!read_full(fd, buf + 16, len - 16))
		return 0;
	return len;
}

static int accept_within(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	assert_true(poll(&p, 1, WAIT_MS) == 1);
	return accept(lfd, NULL, NULL);
}

/* ---- flows ---- */

static struct ipfix_flow flow4(void)
{
	struct ipfix_flow f = {
		.family = 4, .proto = 6, .src = { 192, 0, 2, 1 },
		.dst = { 198, 51, 100, 2 }, .sport = 50000, .dport = 443,
		.start_ms = T0 - 4000, .end_ms = T0 - 1000,
		.packets = 10, .bytes = 1500, .rev_packets = 8,
		.rev_bytes = 0x0102030405060708ULL, .tcp_flags = 0x1b,
		.rev_tcp_flags = 0x12, .end_reason = IPFIX_END_IDLE,
		.verdict = "expected", .reason = "", .rules = "r1,r2",
		.tags = "LUCS", .outcome = "succeeded", .client_roles = "agent",
		.server_roles = "lucs",
	};
	return f;
}

static struct ipfix_exporter *open1(const char *url, unsigned mtu,
				    uint32_t domain, unsigned refresh)
{
	struct ipfix_config c;
	struct ipfix_exporter *x;
	char err[512];
	const char *urls[1] = { url };

	ipfix_config_defaults(&c);
	c.urls = urls;
	c.nurls = 1;
	if (mtu)
		c.mtu = mtu;
	c.domain = domain;
	if (refresh)
		c.template_refresh_s = refresh;
	x = ipfix_open(&c, T0, err, sizeof err);
	if (!x)
		fail_msg("ipfix_open: %s", err);
	return x;
}

/* A UDP receiver, an exporter sending to it, and what came so far. */
struct rig {
	int fd;
	struct ipfix_exporter *x;
	size_t max;		/* the largest message the MTU allows */
	uint32_t seq;		/* the sequence number the next must carry */
	unsigned templates;	/* template records in the last rig_take */
	unsigned records;	/* data records in the last rig_take */
	struct tmpl t[8];
	struct msg m;		/* the last message */
	uint8_t buf[65536];	/* its bytes */
};

/* Take every message waiting, the first within first_ms: none over the
 * MTU, every one numbered with the data records before it. */
static void rig_take(struct rig *r, int first_ms)
{
	ssize_t n;

	r->templates = r->records = 0;
	while ((n = recv_msg(r->fd, r->buf, sizeof r->buf, first_ms)) > 0) {
		assert_true((size_t)n <= r->max);
		parse(r->buf, (size_t)n, &r->m, r->t);
		assert_int_equal(r->m.seq, r->seq);
		r->seq += r->m.nrecords;
		r->templates += r->m.ntemplates;
		r->records += r->m.nrecords;
		first_ms = 10;
	}
}

/* Open to a fresh UDP receiver; the eight templates must come first. */
static struct rig *rig_open(int family, unsigned mtu, uint32_t domain,
			    unsigned refresh)
{
	struct rig *r = calloc(1, sizeof *r);
	char url[64];
	uint16_t port;

	assert_non_null(r);
	r->fd = udp_receiver(family, &port);
	snprintf(url, sizeof url,
		 family == AF_INET6 ? "udp://[::1]:%u" : "udp://127.0.0.1:%u",
		 port);
	r->x = open1(url, mtu, domain, refresh);
	r->max = (mtu ? mtu : LUCS_IPFIX_DEFAULT_MTU) -
		 (family == AF_INET6 ? 48 : 28);
	rig_take(r, WAIT_MS);
	assert_int_equal(r->templates, 8);
	assert_int_equal(r->records, 0);
	assert_int_equal(r->m.domain, domain);
	assert_int_equal(r->m.export_time, T0 / 1000);
	return r;
}

/* Export f and tick: the one record that must come. */
static const struct rec *rig_one(struct rig *r, const struct ipfix_flow *f,
				 int64_t now)
{
	ipfix_export(r->x, f, now);
	ipfix_tick(r->x, now);
	rig_take(r, WAIT_MS);
	assert_int_equal(r->records, 1);
	assert_int_equal(r->m.nrecords, 1);
	return &r->m.r[0];
}

static void rig_close(struct rig *r)
{
	if (r->x)
		ipfix_close(r->x, T0, NULL);
	close(r->fd);
	free(r);
}

/* ---- tests ---- */

struct want {
	uint16_t id, len;
	uint32_t pen;
};

static void check_template(const struct tmpl *t, const struct want *w,
			   unsigned n)
{
	assert_int_equal(t->n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(t->f[i].id, w[i].id);
		assert_int_equal(t->f[i].len, w[i].len);
		assert_int_equal(t->f[i].pen, w[i].pen);
	}
}

/* Every template, element by element, as the table in ipfix.c says. */
static void test_templates_fields(void **state)
{
	struct rig *r = rig_open(AF_INET, 0, 0, 0);
	static const struct want strings[] = {
		{ 100, VAR, PEN }, { 101, VAR, PEN }, { 102, VAR, PEN },
		{ 103, VAR, PEN }, { 104, VAR, PEN }, { 105, VAR, PEN },
		{ 106, VAR, PEN },
	};
	static const struct want common[] = {
		{ 4, 1, 0 }, { 152, 8, 0 }, { 153, 8, 0 }, { 1, 8, 0 },
		{ 2, 8, 0 }, { 1, 8, REV }, { 2, 8, REV }, { 6, 1, REV },
		{ 6, 1, 0 }, { 136, 1, 0 },
	};

	(void)state;
	for (unsigned bits = 0; bits < 8; bits++) {
		struct want w[32];
		unsigned n = 0;
		bool v6 = bits & 1, icmp = bits & 2, vlan = bits & 4;

		w[n++] = (struct want){ v6 ? 27 : 8, v6 ? 16 : 4, 0 };
		w[n++] = (struct want){ v6 ? 28 : 12, v6 ? 16 : 4, 0 };
		if (icmp) {
			w[n++] = (struct want){ v6 ? 139 : 32, 2, 0 };
		} else {
			w[n++] = (struct want){ 7, 2, 0 };
			w[n++] = (struct want){ 11, 2, 0 };
		}
		memcpy(w + n, common, sizeof common);
		n += 10;
		if (vlan)
			w[n++] = (struct want){ 58, 2, 0 };
		memcpy(w + n, strings, sizeof strings);
		n += 7;
		check_template(&r->t[bits], w, n);
	}
	rig_close(r);
}

/* The template set's bytes: set id 2, the enterprise bit and PEN. */
static void test_templates_bytes(void **state)
{
	uint8_t buf[2048];
	uint16_t port;
	int fd = udp_receiver(AF_INET, &port);
	char url[64];
	struct ipfix_exporter *x;
	ssize_t n;
	/* Template 256: IPv4 with ports, 21 fields. */
	static const uint8_t head[] = {
		0x00, 0x02, 0, 0,	/* set 2, length checked apart */
		0x01, 0x00, 0x00, 21,	/* template 256, 21 fields */
		0x00, 8, 0, 4, 0x00, 12, 0, 4, 0x00, 7, 0, 2, 0x00, 11, 0, 2,
		0x00, 4, 0, 1, 0x00, 152, 0, 8, 0x00, 153, 0, 8,
		0x00, 1, 0, 8, 0x00, 2, 0, 8,
		0x80, 1, 0, 8, 0, 0, 0x72, 0x79,	/* 29305/1 */
		0x80, 2, 0, 8, 0, 0, 0x72, 0x79,
		0x80, 6, 0, 1, 0, 0, 0x72, 0x79,
		0x00, 6, 0, 1, 0x00, 136, 0, 1,
		0x80, 100, 0xff, 0xff, 0, 0, 0x7e, 0xd9,	/* 32473/100 */
	};

	(void)state;
	snprintf(url, sizeof url, "udp://127.0.0.1:%u", port);
	x = open1(url, 0, 7, 0);
	n = recv_msg(fd, buf, sizeof buf, WAIT_MS);
	assert_true(n > 16 + (ssize_t)sizeof head);
	assert_int_equal(be16(buf), 10);
	assert_int_equal(be16(buf + 2), n);
	assert_int_equal(be32(buf + 4), (uint32_t)(T0 / 1000));
	assert_int_equal(be32(buf + 8), 0);
	assert_int_equal(be32(buf + 12), 7);
	assert_int_equal(be16(buf + 18), n - 16);	/* one set */
	assert_memory_equal(buf + 16, head, 2);
	assert_memory_equal(buf + 20, head + 4, sizeof head - 4);
	ipfix_close(x, T0, NULL);
	close(fd);
}

/* An IPv4 record, every byte at its offset. */
/* An IPv4 record, every byte at its offset. */
static void test_record_ipv4_bytes(void **state)
{
	struct rig *r = rig_open(AF_INET, 0, 3, 0);
	struct ipfix_flow f = flow4();
	static const uint8_t want[] = {
		192, 0, 2, 1, 198, 51, 100, 2,		/* 0: addresses */
		0xc3, 0x50, 0x01, 0xbb,			/* 8: ports */
		6,					/* 12: protocol */
		0, 0, 0x01, 0xa3, 0x18, 0x5c, 0x40, 0x60, /* 13: start */
		0, 0, 0x01, 0xa3, 0x18, 0x5c, 0x4c, 0x18, /* 21: end */
		0, 0, 0, 0, 0, 0, 0x05, 0xdc,		/* 29: bytes */
		0, 0, 0, 0, 0, 0, 0, 10,		/* 37: packets */
		1, 2, 3, 4, 5, 6, 7, 8,			/* 45: reverse bytes */
		0, 0, 0, 0, 0, 0, 0, 8,			/* 53: reverse packets */
		0x12, 0x1b,				/* 61: rev, fwd flags */
		1,					/* 63: idle */
		8, 'e', 'x', 'p', 'e', 'c', 't', 'e', 'd', /* 64: strings */
		0,
		5, 'r', '1', ',', 'r', '2',
		4, 'L', 'U', 'C', 'S',
		9, 's', 'u', 'c', 'c', 'e', 'e', 'd', 'e', 'd',
		5, 'a', 'g', 'e', 'n', 't',
		4, 'l', 'u', 'c', 's',
	};

	(void)state;
	ipfix_export(r->x, &f, T0 + 10);
	rig_take(r, 100);
	assert_int_equal(r->records, 0);	/* batched until the tick */
	ipfix_tick(r->x, T0 + 20);
	rig_take(r, WAIT_MS);
	assert_int_equal(r->m.nrecords, 1);
	assert_int_equal(r->m.seq, 0);
	assert_int_equal(r->m.domain, 3);
	assert_int_equal(r->m.r[0].tid, 256);
	assert_int_equal(be16(r->buf + 16), 256);
	assert_int_equal(be16(r->buf + 18), 4 + sizeof want);
	assert_int_equal(r->m.r[0].len, sizeof want);
	assert_memory_equal(r->m.r[0].p, want, sizeof want);
	rig_close(r);
}

/* IPv6, ICMPv6 and a VLAN: template 263 and its offsets. */
static void test_record_ipv6_icmp_vlan(void **state)
{
	struct rig *r = rig_open(AF_INET, 0, 0, 0);
	struct ipfix_flow f = flow4();
	const struct rec *rec;
	const uint8_t *p;
	size_t len;

	(void)state;
	f.family = 6;
	f.proto = 58;
	memset(f.src, 0, 16);
	memset(f.dst, 0, 16);
	f.src[0] = 0x20, f.src[1] = 0x01, f.src[15] = 1;
	f.dst[0] = 0xfe, f.dst[1] = 0x80, f.dst[15] = 2;
	f.has_icmp = true;
	f.icmp_type_code = 0x8100;	/* echo reply 129/0 */
	f.has_vlan = true;
	f.vlan = 0xf123;		/* only the 12 bits go */
	f.tcp_flags = f.rev_tcp_flags = 0;
	f.end_reason = IPFIX_END_RESOURCES;
	rec = rig_one(r, &f, T0);
	assert_int_equal(rec->tid, 263);
	p = rec->p;
	assert_memory_equal(p, f.src, 16);
	assert_memory_equal(p + 16, f.dst, 16);
	assert_int_equal(be16(p + 32), 0x8100);		/* icmpTypeCodeIPv6 */
	assert_int_equal(p[34], 58);
	assert_int_equal(be64(p + 35), (uint64_t)f.start_ms);
	assert_int_equal(be64(p + 43), (uint64_t)f.end_ms);
	assert_int_equal(be64(p + 51), 1500);
	assert_int_equal(be64(p + 59), 10);
	assert_int_equal(be64(p + 67), f.rev_bytes);
	assert_int_equal(be64(p + 75), 8);
	assert_int_equal(p[83], 0);
	assert_int_equal(p[84], 0);
	assert_int_equal(p[85], 5);
	assert_int_equal(be16(p + 86), 0x123);		/* vlanId */
	assert_int_equal(p[88], 8);			/* verdict's length */
	assert_null(value(r->t, rec, 0, 7, &len));	/* no ports */
	assert_null(value(r->t, rec, 0, 32, &len));
	p = value(r->t, rec, PEN, 102, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "r1,r2", 5);
	rig_close(r);
}

/* Strings of 0, 254, 255 and 300 bytes: one length byte below 255,
 * else 255 and two bytes (RFC 7011 7.). */
static void test_varlen_encoding(void **state)
{
	static const size_t sizes[] = { 0, 254, 255, 300 };
	static const uint8_t prefix[][3] = {
		{ 0x00 }, { 0xfe }, { 0xff, 0x00, 0xff }, { 0xff, 0x01, 0x2c },
	};
	struct rig *r = rig_open(AF_INET, 0, 0, 0);
	char s[301];

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct ipfix_flow f = flow4();
		const struct rec *rec;
		const uint8_t *p;
		size_t len, plen = sizes[i] < 255 ? 1 : 3;

		memset(s, 'a' + (int)i, sizes[i]);
		s[sizes[i]] = '\0';
		f.reason = s;
		rec = rig_one(r, &f, T0);
		p = value(r->t, rec, PEN, 101, &len);
		assert_non_null(p);
		assert_int_equal(len, sizes[i]);
		assert_memory_equal(p - plen, prefix[i], plen);
		for (size_t k = 0; k < len; k++)
			assert_int_equal(p[k], 'a' + i);
		/* the next string starts right after */
		assert_int_equal(p[len], 5);
		assert_memory_equal(p + len + 1, "r1,r2", 5);
	}
	rig_close(r);
}

/* Strings too long for one message are cut to fit, at a character
 * boundary, the short ones whole; records_cut counts them. */
static void test_strings_cut_to_fit(void **state)
{
	struct rig *r = rig_open(AF_INET, 512, 0, 0);
	static char big[3000], utf[3001];
	struct ipfix_flow f = flow4();
	struct ipfix_stats st;
	const struct rec *rec;
	const uint8_t *p;
	size_t len, len2;

	(void)state;
	memset(big, 'b', sizeof big - 1);
	for (size_t i = 0; i + 1 < sizeof utf; i += 2)
		memcpy(utf + i, "\xc3\xa9", 2);	/* é */
	f.reason = big;
	f.rules = utf;
	rec = rig_one(r, &f, T0);
	assert_in_range(r->m.len, 400, 512 - 28);
	p = value(r->t, rec, PEN, 101, &len);
	assert_true(len > 100 && len < 512);
	assert_non_null(value(r->t, rec, PEN, 102, &len2));
	assert_int_equal(len2 % 2, 0);		/* é not split */
	assert_in_range(len - len2, 0, 1);
	p = value(r->t, rec, PEN, 100, &len);
	assert_int_equal(len, 8);		/* short ones whole */
	assert_memory_equal(p, "expected", 8);
	ipfix_stats(r->x, &st);
	assert_int_equal(st.records_cut, 1);
	assert_int_equal(st.records_sent, 1);
	rig_close(r);
}

/* Many records of every size: no datagram over the MTU less the IP and
 * UDP headers (rig_take checks), every record in exactly one message. */
static void test_mtu_never_exceeded(void **state)
{
	static const unsigned mtus[] = { 512, 576, 1400, 9000 };
	static char s[2000];

	(void)state;
	memset(s, 'x', sizeof s - 1);
	for (unsigned k = 0; k < 4; k++) {
		struct rig *r = rig_open(AF_INET, mtus[k], 0, 0);
		unsigned got = 0;

		for (unsigned i = 0; i < 300; i++) {
			struct ipfix_flow f = flow4();

			f.family = i % 3 == 0 ? 6 : 4;
			f.has_vlan = i % 5 == 0;
			f.reason = s + sizeof s - 1 - (i * 37) % 1999;
			f.tags = s + sizeof s - 1 - (i * 11) % 400;
			ipfix_export(r->x, &f, T0);
			if (i % 50 == 49)
				ipfix_tick(r->x, T0);
			rig_take(r, 0);
			got += r->records;
		}
		ipfix_tick(r->x, T0);
		rig_take(r, WAIT_MS);
		got += r->records;
		assert_int_equal(got, 300);
		rig_close(r);
	}
}

/* Each exporter numbers its domain's records from 0 (rig_take checks);
 * template-only messages carry the count so far. */
static void test_sequence_per_domain(void **state)
{
	struct rig *a = rig_open(AF_INET, 0, 1, 0);
	struct rig *b = rig_open(AF_INET, 0, 2, 0);
	struct ipfix_flow f = flow4();

	(void)state;
	for (unsigned round = 1; round <= 4; round++) {
		for (unsigned i = 0; i < round; i++)
			ipfix_export(a->x, &f, T0);
		for (unsigned i = 0; i < 2 * round; i++)
			ipfix_export(b->x, &f, T0);
		ipfix_tick(a->x, T0);
		ipfix_tick(b->x, T0);
		rig_take(a, WAIT_MS);
		rig_take(b, WAIT_MS);
		assert_int_equal(a->m.domain, 1);
		assert_int_equal(a->records, round);
		assert_int_equal(b->m.domain, 2);
		assert_int_equal(b->records, 2 * round);
	}
	assert_int_equal(a->seq, 10);
	assert_int_equal(b->seq, 20);
	ipfix_tick(a->x, T0 + LUCS_IPFIX_DEFAULT_REFRESH * 1000LL);
	rig_take(a, WAIT_MS);
	assert_int_equal(a->templates, 8);
	assert_int_equal(a->m.seq, 10);
	rig_close(a);
	rig_close(b);
}

/* Over UDP templates go again after template_refresh_s, and after
 * LUCS_IPFIX_REFRESH_MESSAGES data messages, before the data. */
static void test_template_refresh(void **state)
{
	struct rig *r = rig_open(AF_INET, 0, 0, 10);
	struct ipfix_flow f = flow4();

	(void)state;
	ipfix_export(r->x, &f, T0 + 5000);
	ipfix_tick(r->x, T0 + 9999);
	rig_take(r, 10);
	assert_int_equal(r->templates, 0);
	assert_int_equal(r->records, 1);
	ipfix_tick(r->x, T0 + 10000);		/* due even without data */
	rig_take(r, 10);
	assert_int_equal(r->templates, 8);
	ipfix_tick(r->x, T0 + 19999);
	rig_take(r, 10);
	assert_int_equal(r->templates, 0);
	rig_one(r, &f, T0 + 20000);		/* due: before the record */
	assert_int_equal(r->templates, 8);
	/* By message count, one record a message: the one above was the
	 * first since the templates. */
	for (unsigned i = 1; i < LUCS_IPFIX_REFRESH_MESSAGES; i++) {
		rig_one(r, &f, T0 + 20001);
		assert_int_equal(r->templates, 0);
	}
	rig_one(r, &f, T0 + 20001);
	assert_int_equal(r->templates, 8);
	rig_close(r);
}

static void test_url_good(void **state)
{
	static const struct {
		const char *url;
		bool tcp;
		const char *host;
		uint16_t port;
	} good[] = {
		{ "udp://127.0.0.1", false, "127.0.0.1", 4739 },
		{ "tcp://127.0.0.1:9995", true, "127.0.0.1", 9995 },
		{ "udp://[::1]", false, "::1", 4739 },
		{ "tcp://[2001:db8::1]:65535", true, "2001:db8::1", 65535 },
		{ "udp://collector.example:1", false, "collector.example", 1 },
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct ipfix_url u;

		assert_true(ipfix_parse_url(good[i].url, &u, err, sizeof err));
		assert_int_equal(u.tcp, good[i].tcp);
		assert_string_equal(u.host, good[i].host);
		assert_int_equal(u.port, good[i].port);
	}
}

static void test_url_bad(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1:4739", "http://127.0.0.1", "udp://", "udp://:4739",
		"udp://[::1", "udp://::1", "udp://[::1]x", "udp://h:0",
		"udp://h:65536", "udp://h:", "udp://h:12x", "udp://h/path",
		"tcp://h:99999999999999999999", "UDP://h", "udp://[]:1",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ipfix_url u;

		assert_false(ipfix_parse_url(bad[i], &u, err, sizeof err));
		assert_non_null(strstr(err, bad[i]));
		assert_non_null(strstr(err, "expected udp://HOST[:PORT] or "
					    "tcp://HOST[:PORT]"));
	}
}

static void test_open_errors(void **state)
{
	struct ipfix_config c;
	char err[512];
	const char *urls[] = { "udp://127.0.0.1:9", "tcp://[::1:9" };

	(void)state;
	ipfix_config_defaults(&c);
	assert_int_equal(c.domain, 0);
	assert_int_equal(c.pen, 32473);
	assert_int_equal(c.template_refresh_s, 600);
	assert_int_equal(c.mtu, 1400);
	c.urls = urls;
	assert_null(ipfix_open(&c, T0, err, sizeof err));	/* no URL */
	c.nurls = 2;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	assert_non_null(strstr(err, "'tcp://[::1:9'"));
	c.nurls = 1;
	c.mtu = LUCS_IPFIX_MIN_MTU - 1;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	assert_non_null(strstr(err, "--ipfix-mtu"));
	c.mtu = 65536;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	c.mtu = 1400;
	c.pen = 29305;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	assert_non_null(strstr(err, "--ipfix-pen"));
	c.pen = 0;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	c.pen = 1;
	c.template_refresh_s = 0;
	assert_null(ipfix_open(&c, T0, err, sizeof err));
	assert_non_null(strstr(err, "--ipfix-template-refresh"));
}

static void test_end_reason_of(void **state)
{
	(void)state;
	assert_int_equal(ipfix_end_reason_of(FLOW_END_IDLE), 1);
	assert_int_equal(ipfix_end_reason_of(FLOW_END_PORT_REUSE), 3);
	assert_int_equal(ipfix_end_reason_of(FLOW_END_INPUT), 4);
	assert_int_equal(ipfix_end_reason_of(FLOW_END_EVICTED), 5);
}

/* IPv6 loopback over UDP: the message cap is 48 bytes under the MTU. */

/* IPv6 loopback over UDP: the message cap is 48 bytes under the MTU, and
 * close sends the partial message. */
static void test_udp_ipv6_loopback(void **state)
{
	struct rig *r = rig_open(AF_INET6, 512, 0, 0);
	struct ipfix_flow f = flow4();

	(void)state;
	for (unsigned i = 0; i < 40; i++)
		ipfix_export(r->x, &f, T0);
	ipfix_close(r->x, T0, NULL);
	r->x = NULL;
	rig_take(r, WAIT_MS);
	assert_int_equal(r->seq, 40);
	rig_close(r);
}

/* Over TCP: templates once at the start of the session, then data,
 * messages whole in the stream, and close sends what is pending. */
static void test_tcp_loopback(void **state)
{
	uint8_t buf[65536];
	struct tmpl t[8];
	uint16_t port = 0;
	int lfd = tcp_listener(&port, false), cfd;
	char url[64];
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	unsigned got = 0, templates = 0, msgs = 0;
	uint32_t seq = 0;
	size_t n;

	(void)state;
	snprintf(url, sizeof url, "tcp://127.0.0.1:%u", port);
	x = open1(url, 0, 9, 0);
	cfd = accept_within(lfd);
	assert_true(cfd >= 0);
	for (unsigned i = 0; i < 500; i++) {
		struct ipfix_flow f = flow4();

		f.sport = (uint16_t)i;
		ipfix_export(x, &f, T0 + i);
		if (i % 100 == 0)
			ipfix_tick(x, T0 + i);
	}
	assert_int_equal(ipfix_close(x, T0 + 1000, &st), 0);
	assert_int_equal(st.records_sent, 500);
	assert_int_equal(st.records_dropped, 0);
	memset(t, 0, sizeof t);
	while ((n = read_stream_msg(cfd, buf)) > 0) {
		struct msg m;

		parse(buf, n, &m, t);
		assert_int_equal(m.domain, 9);
		assert_int_equal(m.seq, seq);
		assert_true(n <= 1400 - 28);
		if (m.ntemplates)
			assert_int_equal(got, 0);	/* first, once */
		templates += m.ntemplates;
		for (unsigned i = 0; i < m.nrecords; i++) {
			size_t len;
			const uint8_t *p = value(t, &m.r[i], 0, 7, &len);

			assert_int_equal(be16(p), got + i);
		}
		seq += m.nrecords;
		got += m.nrecords;
		msgs++;
	}
	assert_int_equal(templates, 8);
	assert_int_equal(got, 500);
	close(cfd);
	close(lfd);
}

/* No TCP collector: never blocks, drops and counts, retries after 1, 2,
 * 4... seconds up to the cap, warns once. */
static void test_tcp_refused_backoff(void **state)
{
	char url[64], w[512];
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	struct ipfix_flow f = flow4();
	int64_t t = T0, start = ipfix_clock_ms();
	int64_t gap = LUCS_IPFIX_BACKOFF_MIN_MS;
	uint64_t tries;

	(void)state;
	snprintf(url, sizeof url, "tcp://127.0.0.1:%u",
		 closed_port(SOCK_STREAM));
	x = open1(url, 0, 0, 0);
	/* The refusal is learnt at once or at the first tick. */
	ipfix_tick(x, t);
	assert_true(ipfix_warning(x, w, sizeof w));
	assert_non_null(strstr(w, url));
	assert_non_null(strstr(w, "refused"));
	assert_false(ipfix_warning(x, w, sizeof w));
	for (unsigned i = 0; i < 10; i++)
		ipfix_export(x, &f, t);
	ipfix_stats(x, &st);
	assert_int_equal(st.records_dropped, 10);
	assert_int_equal(st.records_sent, 0);
	assert_int_equal(st.reconnects, 0);
	tries = 0;
	for (unsigned k = 0; k < 12; k++) {
		ipfix_tick(x, t + gap - 1);
		ipfix_stats(x, &st);
		assert_int_equal(st.reconnects, tries);
		ipfix_tick(x, t + gap);
		/* a refused connect may still be in progress: one tick on */
		ipfix_tick(x, t + gap);
		ipfix_stats(x, &st);
		assert_int_equal(st.reconnects, ++tries);
		assert_int_equal(st.send_errors, tries + 1);
		t += gap;
		gap = gap * 2 > LUCS_IPFIX_BACKOFF_MAX_MS
			      ? LUCS_IPFIX_BACKOFF_MAX_MS
			      : gap * 2;
	}
	assert_int_equal(gap, LUCS_IPFIX_BACKOFF_MAX_MS);
	assert_false(ipfix_warning(x, w, sizeof w));	/* one outage */
	assert_int_equal(ipfix_close(x, t, &st), 0);
	assert_int_equal(st.records_dropped, 10);
	assert_true(ipfix_clock_ms() - start < 1000);
}

/* A collector that hangs up is noticed at the next tick; the session
 * after the backoff starts again with templates and sequence 0. */
static void test_tcp_collector_restart(void **state)
{
	uint8_t buf[65536];
	struct tmpl t[8];
	uint16_t port = 0;
	int lfd = tcp_listener(&port, false), cfd;
	char url[64], w[512];
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	struct ipfix_flow f = flow4();
	struct msg m;
	size_t n;
	unsigned got = 0;

	(void)state;
	snprintf(url, sizeof url, "tcp://127.0.0.1:%u", port);
	x = open1(url, 0, 0, 0);
	cfd = accept_within(lfd);
	ipfix_export(x, &f, T0);
	ipfix_tick(x, T0);
	memset(t, 0, sizeof t);
	n = read_stream_msg(cfd, buf);
	parse(buf, n, &m, t);
	assert_int_equal(m.ntemplates, 8);
	n = read_stream_msg(cfd, buf);
	parse(buf, n, &m, t);
	assert_int_equal(m.nrecords, 1);
	close(cfd);			/* the collector goes away */
	close(lfd);
	{
		struct pollfd p = { .fd = -1 };

		poll(&p, 0, 50);	/* let the FIN arrive */
	}
	ipfix_tick(x, T0 + 100);
	assert_true(ipfix_warning(x, w, sizeof w));
	assert_non_null(strstr(w, "closed"));
	ipfix_export(x, &f, T0 + 200);	/* down: dropped */
	ipfix_stats(x, &st);
	assert_int_equal(st.records_dropped, 1);
	lfd = tcp_listener(&port, true);	/* back on the same port */
	ipfix_tick(x, T0 + 100 + LUCS_IPFIX_BACKOFF_MIN_MS);
	cfd = accept_within(lfd);
	assert_true(cfd >= 0);
	for (unsigned i = 0; i < 3; i++)
		ipfix_export(x, &f, T0 + 2000);
	assert_int_equal(ipfix_close(x, T0 + 2000, &st), 0);
	assert_int_equal(st.reconnects, 1);
	assert_int_equal(st.records_sent, 4);
	assert_int_equal(st.records_dropped, 1);
	memset(t, 0, sizeof t);
	n = read_stream_msg(cfd, buf);
	parse(buf, n, &m, t);
	assert_int_equal(m.ntemplates, 8);
	assert_int_equal(m.seq, 0);
	while ((n = read_stream_msg(cfd, buf)) > 0) {
		parse(buf, n, &m, t);
		assert_int_equal(m.seq, got);
		got += m.nrecords;
	}
	assert_int_equal(got, 3);
	close(cfd);
	close(lfd);
}

/* A collector that stops reading: the queue fills, records are dropped
 * and counted, and close gives up after LUCS_IPFIX_CLOSE_MS. */
static void test_tcp_stalled_close_bounded(void **state)
{
	uint16_t port = 0;
	int lfd, small = 4096;
	char url[64], w[512];
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	static char s[1000];
	int64_t start;

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	{
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t len = sizeof a;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(bind(lfd, (struct sockaddr *)&a, len), 0);
		assert_int_equal(listen(lfd, 1), 0);	/* never accepted */
		getsockname(lfd, (struct sockaddr *)&a, &len);
		port = ntohs(a.sin_port);
	}
	memset(s, 's', sizeof s - 1);
	snprintf(url, sizeof url, "tcp://127.0.0.1:%u", port);
	x = open1(url, 0, 0, 0);
	start = ipfix_clock_ms();
	for (unsigned i = 0; i < 30000; i++) {
		struct ipfix_flow f = flow4();

		f.reason = s;
		ipfix_export(x, &f, T0);
		if (i % 1000 == 0)
			ipfix_tick(x, T0);
	}
	assert_true(ipfix_clock_ms() - start < 5000);	/* never blocked */
	ipfix_stats(x, &st);
	assert_true(st.records_dropped > 0);
	assert_true(ipfix_warning(x, w, sizeof w));
	start = ipfix_clock_ms();
	assert_int_equal(ipfix_close(x, T0, &st), -1);
	assert_true(ipfix_clock_ms() - start < LUCS_IPFIX_CLOSE_MS + 1000);
	assert_int_equal(st.records_sent + st.records_dropped, 30000);
	close(lfd);
}

/* UDP to a closed port: ICMP errors counted, never fatal. */
static void test_udp_refused_counted(void **state)
{
	char url[64], w[512];
	struct ipfix_exporter *x;
	struct ipfix_stats st;
	struct ipfix_flow f = flow4();

	(void)state;
	snprintf(url, sizeof url, "udp://127.0.0.1:%u",
		 closed_port(SOCK_DGRAM));
	x = open1(url, 0, 0, 0);
	for (unsigned i = 0; i < 5; i++) {
		struct pollfd p = { .fd = -1 };

		ipfix_export(x, &f, T0 + i);
		ipfix_tick(x, T0 + i);
		poll(&p, 0, 10);	/* let the ICMP error come back */
	}
	ipfix_stats(x, &st);
	assert_true(st.send_errors >= 4);
	assert_int_equal(st.records_sent + st.records_dropped, 5);
	assert_true(ipfix_warning(x, w, sizeof w));
	assert_non_null(strstr(w, "refused"));
	assert_false(ipfix_warning(x, w, sizeof w));
	ipfix_close(x, T0 + 10, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates_fields),
		cmocka_unit_test(test_templates_bytes),
		cmocka_unit_test(test_record_ipv4_bytes),
		cmocka_unit_test(test_record_ipv6_icmp_vlan),
		cmocka_unit_test(test_varlen_encoding),
		cmocka_unit_test(test_strings_cut_to_fit),
		cmocka_unit_test(test_mtu_never_exceeded),
		cmocka_unit_test(test_sequence_per_domain),
		cmocka_unit_test(test_template_refresh),
		cmocka_unit_test(test_url_good),
		cmocka_unit_test(test_url_bad),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_end_reason_of),
		cmocka_unit_test(test_udp_ipv6_loopback),
		cmocka_unit_test(test_tcp_loopback),
		cmocka_unit_test(test_tcp_refused_backoff),
		cmocka_unit_test(test_tcp_collector_restart),
		cmocka_unit_test(test_tcp_stalled_close_bounded),
		cmocka_unit_test(test_udp_refused_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
