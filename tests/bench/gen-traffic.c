/* gen-traffic.c: deterministic synthetic captures for the benchmark and
 * for replay tests: classic pcap (microsecond timestamps, Ethernet), written
 * with stdio through a large buffer.
 *
 * Two kinds of traffic, both with ~10% IPv6 and ~10% 802.1Q-tagged flows:
 *
 *   mix    LUCS/SfB-like enterprise traffic: TCP conversations with a
 *          handshake, a request, bulk data and a FIN exchange; UDP media
 *          (RTP-sized) and DNS-like exchanges; some refused and unanswered
 *          connections.  About two thirds of the flows use ports from
 *          rules/lucs.yaml, the rest ports the catalogue does not name.
 *          Flows overlap (a few hundred open at a time) and are
 *          interleaved at random, as on a real link.
 *   flood  a SYN scan across a /8 with UDP noise: nearly every packet
 *          opens a new flow; some probes are answered (RST or SYN-ACK).
 *
 * The same kind, counts and seed always give a byte-identical file.  All
 * checksums are valid.  Payload bytes are a fixed pattern (no DPI signal).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_VERSION 1		/* bump when the output of a seed changes */
#define WRITE_BUFFER (8u << 20)	/* stdio buffer: few, large writes */
#define SNAPLEN 65535
#define START_SEC 1700000000	/* 2023-11-14T22:13:20Z */
#define MIX_CONCURRENT 384	/* mix: flows open at a time */
#define FLOOD_PENDING 8192	/* flood: probes that may still be answered */

#define ETH_LEN 14
#define VLAN_LEN 4
#define IP4_LEN 20
#define IP6_LEN 40
#define TCP_LEN 20
#define TCP_SYN_OPT 12		/* MSS, NOP, window scale, SACK permitted, NOPs */
#define UDP_LEN 8
#define MIN_FRAME 60		/* Ethernet minimum without FCS: padded */
#define MAX_FRAME 1518		/* with one 802.1Q tag */

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };
enum { P_TCP = 6, P_UDP = 17 };
enum kind { KIND_MIX, KIND_FLOOD };

/* --- randomness: xoshiro256** seeded by splitmix64 ---------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is < 2^-32). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnd(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability pct percent. */
static bool chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

/* A bijection on 32 bits: distinct inputs give distinct outputs, so flow
 * numbers map to distinct addresses and ports without a set. */
static uint32_t permute32(uint32_t x, uint32_t key)
{
	x ^= key;
	x *= 0x9e3779b1u;
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x += key * 0x27d4eb2fu;
	x ^= x >> 15;
	return x;
}

/* --- ports ---------------------------------------------------------------- */

/* TCP ports rules/lucs.yaml names, weighted by repetition. */
static const uint16_t lucs_tcp[] = {
	443, 443, 443, 443, 443, 443, 5061, 5061, 5061, 5060, 19400, 19400,
	19412, 19413, 19415, 19417, 19418, 19419, 19421, 19422, 19423, 19430,
	19431, 19432, 19433, 19513, 19515, 19517, 19520, 19522, 4443, 4444,
	1433, 1443, 445, 4570, 4670, 4770, 4871, 4881, 4882, 6000, 6100, 6200,
	6300, 7000, 7100, 7200, 7300, 7400, 7500, 7600, 7999,
};

/* TCP ports the catalogue does not name. */
static const uint16_t other_tcp[] = {
	80, 80, 80, 22, 22, 3389, 8080, 8443, 25, 135, 139, 389, 636, 9100,
	5985, 3306, 5432, 8000, 21, 110,
};

/* UDP services outside the catalogue (media uses 49152-57500 and 3478). */
static const uint16_t other_udp[] = {
	53, 53, 53, 123, 161, 514, 1812, 5353, 1900, 10000, 16384, 20000,
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Flood: 256 distinct target ports, the catalogue's first, then the
 * commonly scanned ones, then a deterministic spread over the rest. */
static uint16_t scan_ports[256];

static bool port_listed(const uint16_t *list, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == port)
			return true;
	return false;
}

static void scan_ports_init(void)
{
	size_t n = 0;
	uint32_t x = 1;

	for (size_t i = 0; i < NELEM(lucs_tcp) && n < 256; i++)
		if (!port_listed(scan_ports, n, lucs_tcp[i]))
			scan_ports[n++] = lucs_tcp[i];
	for (size_t i = 0; i < NELEM(other_tcp) && n < 256; i++)
		if (!port_listed(scan_ports, n, other_tcp[i]))
			scan_ports[n++] = other_tcp[i];
	while (n < 256) {
		uint16_t p;

		x = x * 1103515245u + 12345u;
		p = (uint16_t)(1 + (x >> 16) % 65535);
		if (!port_listed(scan_ports, n, p))
			scan_ports[n++] = p;
	}
}

/* --- one flow: what a packet needs to be built ---------------------------- */

enum flow_type {
	FT_TCP_BULK,		/* request, then server data with ACKs */
	FT_TCP_CHAT,		/* small messages both ways (SIP, API calls) */
	FT_UDP_MEDIA,		/* RTP-sized datagrams both ways */
	FT_UDP_QUERY,		/* question and answer */
	FT_SCAN_SYN,		/* flood: a probe and its answers */
	FT_UDP_NOISE		/* flood: stray datagrams */
};

struct gflow {
	uint8_t type;		/* enum flow_type */
	uint8_t proto;
	uint8_t v6;
	uint8_t synack;		/* flood: the probed port answers SYN-ACK */
	uint16_t vlan;		/* 0: untagged */
	uint16_t cport, sport;
	uint8_t caddr[16], saddr[16];
	uint32_t cseq, sseq;	/* next sequence numbers */
	uint32_t len;		/* packets in the flow */
	uint32_t sent;		/* packets so far */
	uint16_t qsize;		/* UDP query size, bytes of payload */
};

/* --- building frames -------------------------------------------------------- */

static uint8_t pattern[MAX_FRAME];
/* pattern_sum[n]: the ones' complement partial sum (not folded) of the
 * pattern's first n bytes, read as big-endian 16-bit words. */
static uint32_t pattern_sum[MAX_FRAME + 1];

static void pattern_init(void)
{
	uint32_t x = 0x4c554353;	/* "LUCS" */

	for (size_t i = 0; i < sizeof pattern; i++) {
		x = x * 1664525u + 1013904223u;
		pattern[i] = (uint8_t)(x >> 24);
	}
	pattern_sum[0] = 0;
	for (size_t n = 1; n <= MAX_FRAME; n++)
		pattern_sum[n] = pattern_sum[n - 1] +
			((n & 1) ? (uint32_t)pattern[n - 1] << 8 : pattern[n - 1]);
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Partial sum of n bytes (n even) as big-endian words. */
static uint32_t sum_words(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct writer {
	FILE *f;
	const char *path;
	uint64_t packets;
	uint64_t bytes;		/* file bytes */
	int64_t ts_us;		/* the clock, microseconds since the epoch */
	uint8_t frame[16 + MAX_FRAME];	/* record header, then the frame */
};

static bool write_file_header(struct writer *w)
{
	uint8_t h[24];

	put32le(h, 0xa1b2c3d4);
	h[4] = 2; h[5] = 0;	/* version 2.4, little-endian */
	h[6] = 4; h[7] = 0;
	put32le(h + 8, 0);	/* thiszone */
	put32le(h + 12, 0);	/* sigfigs */
	put32le(h + 16, SNAPLEN);
	put32le(h + 20, 1);	/* LINKTYPE_ETHERNET */
	w->bytes += sizeof h;
	return fwrite(h, sizeof h, 1, w->f) == 1;
}

/* Emit one packet of flow f: from the client if c2s, with TCP flags (TCP
 * only) and `payload` bytes of transport payload. */
static bool emit(struct writer *w, struct gflow *f, bool c2s, uint8_t flags,
		 uint32_t payload)
{
	uint8_t *rec = w->frame, *fr = w->frame + 16, *ip, *l4;
	const uint8_t *src = c2s ? f->caddr : f->saddr;
	const uint8_t *dst = c2s ? f->saddr : f->caddr;
	uint16_t sp = c2s ? f->cport : f->sport, dp = c2s ? f->sport : f->cport;
	size_t alen = f->v6 ? 16 : 4, off, l4len, hl;
	uint32_t sum, caplen;

	/* Ethernet: locally administered MACs derived from the addresses. */
	fr[0] = 0x02; fr[1] = 0x00;
	memcpy(fr + 2, dst + alen - 4, 4);
	fr[6] = 0x02; fr[7] = 0x01;
	memcpy(fr + 8, src + alen - 4, 4);
	off = 12;
	if (f->vlan) {
		put16(fr + off, 0x8100);
		put16(fr + off + 2, f->vlan);
		off += VLAN_LEN;
	}
	put16(fr + off, f->v6 ? 0x86dd : 0x0800);
	off += 2;
	ip = fr + off;

	if (f->proto == P_TCP)
		hl = TCP_LEN + ((flags & F_SYN) ? TCP_SYN_OPT : 0);
	else
		hl = UDP_LEN;
	if (payload > MAX_FRAME - off - (f->v6 ? IP6_LEN : IP4_LEN) - hl)
		payload = (uint32_t)(MAX_FRAME - off - (f->v6 ? IP6_LEN : IP4_LEN) - hl);
	l4len = hl + payload;

	if (f->v6) {
		put32(ip, 0x60000000);
		put16(ip + 4, (uint32_t)l4len);
		ip[6] = f->proto;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		l4 = ip + IP6_LEN;
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint32_t)(IP4_LEN + l4len));
		put16(ip + 4, (uint32_t)w->packets);	/* identification */
		put16(ip + 6, 0x4000);			/* DF */
		ip[8] = c2s ? 128 : 64;
		ip[9] = f->proto;
		put16(ip + 10, 0);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, fold(sum_words(ip, IP4_LEN)));
		l4 = ip + IP4_LEN;
	}

	put16(l4, sp);
	put16(l4 + 2, dp);
	if (f->proto == P_TCP) {
		uint32_t *seq = c2s ? &f->cseq : &f->sseq;
		uint32_t ack = c2s ? f->sseq : f->cseq;

		put32(l4 + 4, *seq);
		put32(l4 + 8, (flags & F_ACK) ? ack : 0);
		l4[12] = (uint8_t)((hl / 4) << 4);
		l4[13] = flags;
		put16(l4 + 14, 64240);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		if (flags & F_SYN) {
			static const uint8_t opt[TCP_SYN_OPT] = {
				2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2
			};
			memcpy(l4 + TCP_LEN, opt, sizeof opt);
		}
		*seq += payload + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
	} else {
		put16(l4 + 4, (uint32_t)l4len);
		put16(l4 + 6, 0);
	}
	memcpy(l4 + hl, pattern, payload);

	/* Pseudo-header, transport header, then the pattern's known sum. */
	sum = sum_words(src, alen) + sum_words(dst, alen) + f->proto +
	      (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff) +
	      sum_words(l4, hl) + pattern_sum[payload];
	sum = fold(sum);
	if (f->proto == P_UDP && sum == 0)
		sum = 0xffff;
	put16(l4 + (f->proto == P_TCP ? 16 : 6), sum);

	caplen = (uint32_t)(l4 + l4len - fr);
	if (caplen < MIN_FRAME) {
		memset(fr + caplen, 0, MIN_FRAME - caplen);
		caplen = MIN_FRAME;
	}
	put32le(rec, (uint32_t)(w->ts_us / 1000000));
	put32le(rec + 4, (uint32_t)(w->ts_us % 1000000));
	put32le(rec + 8, caplen);
	put32le(rec + 12, caplen);
	w->packets++;
	w->bytes += 16 + caplen;
	f->sent++;
	return fwrite(rec, 16 + caplen, 1, w->f) == 1;
}

/* The clock: exponential-ish gaps averaging 1e6 / rate microseconds. */
static void tick(struct writer *w, struct rng *r, uint32_t mean_gap_ns)
{
	static uint64_t ns_carry;

	ns_carry += below(r, 2 * mean_gap_ns + 1);
	w->ts_us += (int64_t)(ns_carry / 1000);
	ns_carry %= 1000;
}

/* --- mix ------------------------------------------------------------------------ */

struct mix {
	uint64_t flows_left, packets_left;
	uint32_t nclients;
	uint64_t next_flow;	/* flow number, for distinct client ports */
};

static void addr4(uint8_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, 16);
	a[0] = b0; a[1] = b1; a[2] = b2; a[3] = b3;
}

/* 2001:db8:NET::HOST */
static void addr6(uint8_t *a, uint16_t net, uint32_t host)
{
	memset(a, 0, 16);
	put16(a, 0x2001);
	put16(a + 2, 0x0db8);
	put16(a + 4, net);
	put32(a + 12, host);
}

/* The number of packets of the next flow: geometric around the packets
 * still to write per flow still to start, so the totals come out exact. */
static uint32_t mix_length(struct mix *m, struct rng *r)
{
	uint64_t mean, len, spare;

	if (m->flows_left == 1)
		return (uint32_t)(m->packets_left > UINT32_MAX ? UINT32_MAX
							       : m->packets_left);
	mean = m->packets_left / m->flows_left;
	if (mean <= 1)
		return 1;
	/* 1 + an exponential with mean (mean - 1), from 53 random bits. */
	{
		double u = (double)(rnd(r) >> 11) / 9007199254740992.0;
		double e = -(double)(mean - 1) * log1p(-u);

		len = 1 + (uint64_t)e;
	}
	spare = m->packets_left - (m->flows_left - 1);	/* leave 1 each */
	if (len > spare)
		len = spare;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return (uint32_t)len;
}

static void mix_new_flow(struct mix *m, struct rng *r, struct gflow *f)
{
	uint64_t n = m->next_flow++;
	uint32_t client = (uint32_t)(n % m->nclients);
	uint32_t round = (uint32_t)(n / m->nclients);
	unsigned roll = below(r, 100);
	bool documented = chance(r, 67);

	memset(f, 0, sizeof *f);
	f->len = mix_length(m, r);
	m->packets_left -= f->len;
	m->flows_left--;
	f->v6 = chance(r, 10);
	f->vlan = chance(r, 10) ? (uint16_t)(100 + below(r, 4)) : 0;
	f->cseq = (uint32_t)rnd(r);
	f->sseq = (uint32_t)rnd(r);

	if (f->len <= 2 && roll < 32)
		roll = 32 + below(r, 68);	/* short flows: UDP query, failed TCP */
	if (roll < 32) {
		f->type = FT_UDP_MEDIA;
	} else if (roll < 40) {
		f->type = FT_UDP_QUERY;
	} else if (roll < 52) {
		f->type = FT_TCP_CHAT;
	} else {
		f->type = FT_TCP_BULK;
	}
	f->proto = f->type == FT_UDP_MEDIA || f->type == FT_UDP_QUERY ? P_UDP : P_TCP;

	/* Clients: 10.20.0.0/16 or 2001:db8:20::/64, ports distinct per
	 * client.  Servers: the LUCS/SfB farm in 10.10.0.0/24 for
	 * documented ports, elsewhere for the rest. */
	if (f->v6)
		addr6(f->caddr, 0x20, 0x1000 + client);
	else
		addr4(f->caddr, 10, 20, (uint8_t)(client / 250),
		      (uint8_t)(1 + client % 250));
	switch (f->type) {
	case FT_UDP_MEDIA:
		f->cport = (uint16_t)(49152 + round % 8349);
		if (documented) {
			f->sport = chance(r, 20) ? 3478 : (uint16_t)(49152 + below(r, 8349));
		} else {
			f->sport = (uint16_t)(16384 + below(r, 16384));
			f->cport = (uint16_t)(16384 + (round * 7 + client) % 16384);
		}
		break;
	case FT_UDP_QUERY:
		f->cport = (uint16_t)(32768 + round % 28232);
		f->sport = documented ? 3478 : other_udp[below(r, NELEM(other_udp))];
		f->qsize = (uint16_t)(30 + below(r, 60));
		break;
	default:
		f->cport = (uint16_t)(32768 + round % 28232);
		f->sport = documented ? lucs_tcp[below(r, NELEM(lucs_tcp))]
				      : other_tcp[below(r, NELEM(other_tcp))];
		break;
	}
	if (documented) {
		uint32_t s = below(r, 24);

		if (f->v6)
			addr6(f->saddr, 0x10, 1 + s);
		else
			addr4(f->saddr, 10, 10, 0, (uint8_t)(1 + s));
	} else {
		uint32_t s = below(r, 200);

		if (f->v6)
			addr6(f->saddr, 0x99, 1 + s);
		else
			addr4(f->saddr, s < 100 ? 198 : 203, s < 100 ? 51 : 0,
			      s < 100 ? 100 : 113, (uint8_t)(1 + s % 100));
	}
}

/* Server data segment sizes: mostly full, some partial. */
static uint32_t bulk_segment(struct rng *r, const struct gflow *f)
{
	uint32_t mss = f->v6 ? 1440 : 1460;

	return chance(r, 75) ? mss : 40 + below(r, mss - 40);
}

/* Emit flow f's next packet.  TCP: packets 1-3 the handshake; the last
 * three the FIN exchange when the flow has at least 7; data between.
 * Flows of 1 or 2 packets are an unanswered SYN or a refused one. */
static bool mix_step(struct writer *w, struct rng *r, struct gflow *f)
{
	uint32_t k = f->sent, n = f->len;

	switch (f->type) {
	case FT_UDP_MEDIA:
		/* 172 bytes: RTP header and 20 ms of G.711; some RTCP. */
		return emit(w, f, k % 2 == 0 || chance(r, 10), 0,
			    chance(r, 3) ? 60 + below(r, 40) : 172);
	case FT_UDP_QUERY:
		if (k % 2 == 0)
			return emit(w, f, true, 0, f->qsize);
		return emit(w, f, false, 0, f->qsize + 16 + below(r, 200));
	default:
		break;
	}
	if (n == 1 || k == 0)
		return emit(w, f, true, F_SYN, 0);
	if (n == 2)
		return emit(w, f, false, F_RST | F_ACK, 0);
	if (k == 1)
		return emit(w, f, false, F_SYN | F_ACK, 0);
	if (k == 2)
		return emit(w, f, true, F_ACK, 0);
	if (n >= 7 && k >= n - 3) {
		if (k == n - 3)
			return emit(w, f, true, F_FIN | F_ACK, 0);
		if (k == n - 2)
			return emit(w, f, false, F_FIN | F_ACK, 0);
		return emit(w, f, true, F_ACK, 0);
	}
	/* Data: the first segment is the client's request. */
	k -= 3;
	if (k == 0)
		return emit(w, f, true, F_PSH | F_ACK, 80 + below(r, 600));
	if (f->type == FT_TCP_CHAT)
		return emit(w, f, k % 2 == 0, F_PSH | F_ACK,
			    60 + below(r, 500));
	if (k % 3 == 0)
		return emit(w, f, true, F_ACK, 0);
	return emit(w, f, false, F_ACK | (k % 3 == 2 ? F_PSH : 0),
		    bulk_segment(r, f));
}

static bool gen_mix(struct writer *w, struct rng *r, uint64_t packets,
		    uint64_t flows, uint32_t gap_ns)
{
	struct mix m = { .flows_left = flows, .packets_left = packets };
	struct gflow *open;
	size_t nopen = 0, cap = flows < MIX_CONCURRENT ? (size_t)flows : MIX_CONCURRENT;
	bool ok = true;

	m.nclients = (uint32_t)(flows / 25 < 64 ? 64 : flows / 25 > 60000 ? 60000 : flows / 25);
	open = calloc(cap ? cap : 1, sizeof *open);
	if (!open)
		return false;
	while (nopen < cap && m.flows_left)
		mix_new_flow(&m, r, &open[nopen++]);
	while (ok && nopen) {
		size_t i = below(r, (uint32_t)nopen);

		tick(w, r, gap_ns);
		ok = mix_step(w, r, &open[i]);
		if (open[i].sent < open[i].len)
			continue;
		if (m.flows_left)
			mix_new_flow(&m, r, &open[i]);
		else
			open[i] = open[--nopen];
	}
	free(open);
	return ok;
}

/* --- flood ---------------------------------------------------------------------- */

/* Flow number i of the flood, always the same: a probe from one of four
 * scanners to a distinct (address, port), or a stray UDP datagram. */
static void flood_flow(uint64_t i, uint32_t seed_key, struct gflow *f)
{
	uint32_t x = permute32((uint32_t)i, seed_key);
	uint32_t h = permute32((uint32_t)i, ~seed_key);
	unsigned scanner = (unsigned)(i & 3);

	memset(f, 0, sizeof *f);
	f->v6 = h % 10 == 0;
	f->vlan = (h >> 8) % 10 == 0 ? (uint16_t)(200 + scanner) : 0;
	f->synack = (h >> 16) % 100 < 20;
	if ((h >> 24) % 100 < 15) {
		/* Noise: anyone to anyone, a distinct (address, port). */
		f->type = FT_UDP_NOISE;
		f->proto = P_UDP;
		f->cport = (uint16_t)(1024 + (h >> 4) % 64000);
		f->sport = scan_ports[x & 0xff];
		f->qsize = (uint16_t)(16 + (h >> 12) % 400);
		if (f->v6) {
			addr6(f->caddr, 0x30, h & 0xffff);
			addr6(f->saddr, 0xf, x >> 8);
		} else {
			addr4(f->caddr, 10, 30, (uint8_t)(h >> 8), (uint8_t)h);
			addr4(f->saddr, 10, (uint8_t)(x >> 24), (uint8_t)(x >> 16),
			      (uint8_t)(x >> 8));
		}
		return;
	}
	f->type = FT_SCAN_SYN;
	f->proto = P_TCP;
	f->cport = (uint16_t)(40000 + scanner);
	f->sport = scan_ports[x & 0xff];
	f->cseq = h;
	f->sseq = x;
	if (f->v6) {
		addr6(f->caddr, 0xbad, 1 + scanner);
		addr6(f->saddr, 0xf, x >> 8);
	} else {
		addr4(f->caddr, 192, 0, 2, (uint8_t)(1 + scanner));
		addr4(f->saddr, 10, (uint8_t)(x >> 24), (uint8_t)(x >> 16),
		      (uint8_t)(x >> 8));
	}
}

struct pending {
	uint32_t flow;
	uint32_t stage;		/* packets the flow has had */
};

/* Stage 0 is the probe; later stages are answers and the scanner's RST. */
static bool flood_packet(struct writer *w, struct rng *r, struct gflow *f,
			 uint32_t stage)
{
	if (f->type == FT_UDP_NOISE)
		return emit(w, f, stage % 2 == 0, 0,
			    stage % 2 ? f->qsize + below(r, 64) : f->qsize);
	if (stage == 0)
		return emit(w, f, true, F_SYN, 0);
	if (!f->synack)
		return emit(w, f, false, F_RST | F_ACK, 0);
	if (stage == 1)
		return emit(w, f, false, F_SYN | F_ACK, 0);
	return emit(w, f, true, F_RST, 0);
}

static bool gen_flood(struct writer *w, struct rng *r, uint64_t packets,
		      uint64_t flows, uint64_t seed, uint32_t gap_ns)
{
	struct pending *pend = calloc(FLOOD_PENDING, sizeof *pend);
	size_t npend = 0;
	uint64_t started = 0, answers = packets - flows;
	uint32_t key = (uint32_t)(seed * 0x9e3779b97f4a7c15ULL >> 32);
	struct gflow f;
	bool ok = true;

	if (!pend)
		return false;
	while (ok && (started < flows || answers)) {
		bool start = started < flows &&
			     (npend == 0 ||
			      below(r, 1u << 30) < (uint64_t)(1u << 30) *
				      (flows - started) /
				      (flows - started + answers));
		tick(w, r, gap_ns);
		if (start) {
			flood_flow(started, key, &f);
			ok = flood_packet(w, r, &f, 0);
			if (npend == FLOOD_PENDING)
				pend[below(r, FLOOD_PENDING)] =
					(struct pending){ (uint32_t)started, 1 };
			else
				pend[npend++] = (struct pending){ (uint32_t)started, 1 };
			started++;
		} else if (npend == 0) {
			/* Every probe answered and answers still owed: one
			 * more answer to a random probe (a duplicate). */
			flood_flow(below(r, (uint32_t)started), key, &f);
			f.cseq += 1;
			ok = flood_packet(w, r, &f, 1);
			answers--;
		} else {
			size_t i = below(r, (uint32_t)npend);

			flood_flow(pend[i].flow, key, &f);
			f.cseq += 1;	/* after the SYN */
			f.sseq += pend[i].stage > 1 && f.synack ? 1 : 0;
			ok = flood_packet(w, r, &f, pend[i].stage++);
			answers--;
			/* A probe is answered once, or twice after SYN-ACK
			 * (the scanner's RST); noise may go on. */
			if (f.type == FT_SCAN_SYN &&
			    pend[i].stage >= (f.synack ? 3u : 2u))
				pend[i] = pend[--npend];
		}
	}
	free(pend);
	return ok;
}

/* --- main ------------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fputs(
"Usage: gen-traffic [OPTION]... -o FILE\n"
"Write a synthetic Ethernet capture (classic pcap, microsecond timestamps)\n"
"for lucsaudit's benchmark and replay tests.  The same options always give\n"
"a byte-identical file.\n"
"\n"
"  -k, --kind KIND      mix (default) or flood:\n"
"                         mix    TCP handshakes, requests, bulk data and FIN\n"
"                                exchanges, UDP media and queries, refused and\n"
"                                unanswered SYNs; ~2/3 of flows on ports from\n"
"                                rules/lucs.yaml, the rest on others\n"
"                         flood  a SYN scan with UDP noise: almost every packet\n"
"                                opens a new flow; some probes are answered\n"
"                       both: ~10% IPv6 and ~10% 802.1Q-tagged flows\n"
"  -n, --packets N      packets to write (mix: 5000000, flood: 2000000)\n"
"  -f, --flows N        distinct flows, at most the packets (default: mix\n"
"                       packets/100, flood 65% of the packets: 50000 and\n"
"                       1300000 at the default sizes); both counts are exact\n"
"                       (mix: up to 16 million flows)\n"
"  -s, --seed N         random seed (default 1)\n"
"  -r, --rate PPS       mean packets per second of capture time (mix: 100000,\n"
"                       flood: 200000); timestamps start at 2023-11-14\n"
"  -o, --output FILE    the capture to write ('-': standard output)\n"
"  -v, --verbose        print what was written on standard error\n"
"  -h, --help           show this help\n"
"  -V, --version        print the output format's version (it changes when\n"
"                       the same options start giving different files)\n"
"\n"
"Sizes: mix averages ~555 bytes a packet in the file at 100 packets a flow\n"
"(5,000,000 packets: ~2.8 GB), less with shorter flows; flood ~125 bytes.\n"
"Examples:\n"
"  gen-traffic --kind mix -o mix.pcap                 the benchmark's mix\n"
"  gen-traffic --kind flood --packets 2000000 --flows 1300000 -o flood.pcap\n"
"  gen-traffic --kind mix --flows 10000 --packets 100000 -o x.pcap\n"
"                       10,000 flows in 100,000 packets (~39 MB, 1 s of\n"
"                       traffic at the default rate), e.g. for tcpreplay;\n"
"                       add --rate to stretch or squeeze it in time\n",
	      out);
}

static uint64_t parse_count(const char *opt, const char *s, uint64_t min,
			    uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "gen-traffic: %s: '%s' is not a number from "
			"%llu to %llu\n", opt, s, (unsigned long long)min,
			(unsigned long long)max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "packets", required_argument, NULL, 'n' },
		{ "flows", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	enum kind kind = KIND_MIX;
	uint64_t packets = 0, flows = 0, seed = 1, rate = 0;
	const char *path = NULL;
	bool verbose = false, ok;
	struct writer w;
	struct rng r;
	int c;

	while ((c = getopt_long(argc, argv, "k:n:f:s:r:o:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (strcmp(optarg, "mix") == 0)
				kind = KIND_MIX;
			else if (strcmp(optarg, "flood") == 0)
				kind = KIND_FLOOD;
			else {
				fprintf(stderr, "gen-traffic: --kind: '%s' is not mix or flood\n", optarg);
				return 2;
			}
			break;
		case 'n':
			packets = parse_count("--packets", optarg, 1, UINT32_MAX * 64ull);
			break;
		case 'f':
			flows = parse_count("--flows", optarg, 1, UINT32_MAX);
			break;
		case 's':
			seed = parse_count("--seed", optarg, 0, UINT64_MAX);
			break;
		case 'r':
			rate = parse_count("--rate", optarg, 1, 1000000000);
			break;
		case 'o':
			path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("gen-traffic %d\n", GEN_VERSION);
			return 0;
		default:
			fputs("Try 'gen-traffic --help'.\n", stderr);
			return 2;
		}
	}
	if (optind != argc || !path) {
		fputs("gen-traffic: give the output file with -o FILE\n"
		      "Try 'gen-traffic --help'.\n", stderr);
		return 2;
	}
	if (!packets)
		packets = kind == KIND_MIX ? 5000000 : 2000000;
	if (!flows)
		flows = kind == KIND_MIX ? (packets / 100 ? packets / 100 : 1)
					 : packets * 13 / 20;
	if (!flows)
		flows = 1;
	if (flows > packets) {
		fprintf(stderr, "gen-traffic: --flows %llu: more flows than "
			"--packets %llu\n", (unsigned long long)flows,
			(unsigned long long)packets);
		return 2;
	}
	if (!rate)
		rate = kind == KIND_MIX ? 100000 : 200000;

	memset(&w, 0, sizeof w);
	w.path = path;
	w.f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!w.f) {
		fprintf(stderr, "gen-traffic: %s: %s\n", path, strerror(errno));
		return 1;
	}
	setvbuf(w.f, NULL, _IOFBF, WRITE_BUFFER);
	w.ts_us = (int64_t)START_SEC * 1000000;
	pattern_init();
	scan_ports_init();
	rng_seed(&r, seed ^ ((uint64_t)kind << 56) ^ GEN_VERSION);

	ok = write_file_header(&w);
	if (ok && kind == KIND_MIX)
		ok = gen_mix(&w, &r, packets, flows,
			     (uint32_t)(1000000000ull / rate));
	else if (ok)
		ok = gen_flood(&w, &r, packets, flows, seed,
			       (uint32_t)(1000000000ull / rate));
	if (fflush(w.f) != 0)
		ok = false;
	if (!ok || ferror(w.f)) {
		fprintf(stderr, "gen-traffic: %s: write error: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (w.f != stdout && fclose(w.f) != 0) {
		fprintf(stderr, "gen-traffic: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (verbose)
		fprintf(stderr, "gen-traffic: %s: %s, %llu packets, %llu flows, "
			"%llu bytes, %.3f s of traffic\n", path,
			kind == KIND_MIX ? "mix" : "flood",
			(unsigned long long)w.packets, (unsigned long long)flows,
			(unsigned long long)w.bytes,
			(double)(w.ts_us - (int64_t)START_SEC * 1000000) / 1e6);
	return 0;
}
