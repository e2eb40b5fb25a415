/* craft.c: packets, link layers, scenes and conversations (see craft.h). */
#include "craft.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TCP_MSS 1460
#define LINK_HDR_MAX 64		/* bytes: the longest link header built */

struct addr addr_of(const char *text)
{
	struct addr a;

	memset(&a, 0, sizeof a);
	if (inet_pton(AF_INET, text, a.b) == 1) {
		a.family = 4;
	} else if (inet_pton(AF_INET6, text, a.b) == 1) {
		a.family = 6;
	} else {
		fprintf(stderr, "gen-pcaps: bad address '%s'\n", text);
		exit(1);
	}
	return a;
}

void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

void rng_fill(struct rng *r, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rng_next(r) >> 56);
}

/* --- IP packets ----------------------------------------------------------- */

/* RFC 1071 one's complement sum, folded at the end. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static uint32_t pseudo_sum(const struct addr *src, const struct addr *dst,
			   uint8_t proto, size_t len)
{
	size_t alen = src->family == 4 ? 4 : 16;
	uint32_t acc = sum16(src->b, alen, 0);

	acc = sum16(dst->b, alen, acc);
	return acc + proto + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
}

/* The transport header and payload at l4; returns their length. */
static size_t transport(uint8_t *l4, const struct ipspec *s)
{
	size_t hl;

	switch (s->proto) {
	case IPP_TCP:
		hl = 20 + s->tcp_optlen;
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = (uint8_t)(hl / 4 << 4);
		l4[13] = s->tcp_flags;
		put16(l4 + 14, s->window ? s->window : 64240);
		put32(l4 + 16, 0);		/* checksum, urgent pointer */
		if (s->tcp_optlen)
			memcpy(l4 + 20, s->tcp_opts, s->tcp_optlen);
		break;
	case IPP_UDP:
		hl = 8;
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)(hl + s->plen));
		put16(l4 + 6, 0);
		break;
	case IPP_ICMP:
	case IPP_ICMPV6:
		hl = 8;
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put16(l4 + 2, 0);
		put16(l4 + 4, s->icmp_id);
		put16(l4 + 6, s->icmp_seq);
		break;
	default:
		hl = 0;
		break;
	}
	if (s->plen)
		memcpy(l4 + hl, s->payload, s->plen);
	return hl + s->plen;
}

static void transport_checksum(uint8_t *l4, size_t len, const struct ipspec *s)
{
	uint16_t c;

	switch (s->proto) {
	case IPP_TCP:
		put16(l4 + 16, fold(sum16(l4, len, pseudo_sum(&s->src, &s->dst,
							      IPP_TCP, len))));
		break;
	case IPP_UDP:
		c = fold(sum16(l4, len, pseudo_sum(&s->src, &s->dst, IPP_UDP,
						   len)));
		put16(l4 + 6, c ? c : 0xffff);
		break;
	case IPP_ICMP:
		put16(l4 + 2, fold(sum16(l4, len, 0)));
		break;
	case IPP_ICMPV6:
		put16(l4 + 2, fold(sum16(l4, len, pseudo_sum(&s->src, &s->dst,
							     IPP_ICMPV6, len))));
		break;
	default:
		break;
	}
}

static void ipv4_checksum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 15) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, fold(sum16(ip, hl, 0)));
}

size_t ip_packet(uint8_t *out, const struct ipspec *s)
{
	size_t hl = s->src.family == 4 ? 20 + s->ip_optlen : 40;
	size_t l4len = transport(out + hl, s);

	transport_checksum(out + hl, l4len, s);
	if (s->src.family == 6) {
		put32(out, 0x60000000u);
		put16(out + 4, (uint16_t)l4len);
		out[6] = s->proto;
		out[7] = s->ttl ? s->ttl : 128;
		memcpy(out + 8, s->src.b, 16);
		memcpy(out + 24, s->dst.b, 16);
		return hl + l4len;
	}
	out[0] = (uint8_t)(0x40 | hl / 4);
	out[1] = 0;
	put16(out + 2, (uint16_t)(hl + l4len));
	put16(out + 4, s->ip_id);
	put16(out + 6, s->no_df ? 0 : 0x4000);
	out[8] = s->ttl ? s->ttl : 128;
	out[9] = s->proto;
	memcpy(out + 12, s->src.b, 4);
	memcpy(out + 16, s->dst.b, 4);
	if (s->ip_optlen)
		memcpy(out + 20, s->ip_opts, s->ip_optlen);
	ipv4_checksum(out);
	return hl + l4len;
}

size_t ipv4_fragment(uint8_t *out, const uint8_t *pkt, size_t off, size_t n,
		     bool more)
{
	size_t hl = (size_t)(pkt[0] & 15) * 4;

	memcpy(out, pkt, hl);
	memcpy(out + hl, pkt + hl + off, n);
	put16(out + 2, (uint16_t)(hl + n));
	put16(out + 6, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	ipv4_checksum(out);
	return hl + n;
}

size_t ipv6_fragment(uint8_t *out, const uint8_t *pkt, size_t off, size_t n,
		     bool more, uint32_t ident)
{
	memcpy(out, pkt, 40);
	out[6] = IPP_FRAGMENT;
	put16(out + 4, (uint16_t)(8 + n));
	out[40] = pkt[6];		/* the packet's own next header */
	out[41] = 0;
	put16(out + 42, (uint16_t)(off | (more ? 1 : 0)));
	put32(out + 44, ident);
	memcpy(out + 48, pkt + 40 + off, n);
	return 48 + n;
}

/* --- link layers ---------------------------------------------------------- */

uint32_t link_linktype(enum link l)
{
	static const uint32_t types[] = {
		[LINK_ETHER] = 1, [LINK_VLAN] = 1, [LINK_QINQ] = 1,
		[LINK_PRIO_TAG] = 1, [LINK_SNAP] = 1, [LINK_MPLS] = 1,
		[LINK_PPPOE] = 1,
		[LINK_SLL] = 113, [LINK_SLL2] = 276, [LINK_NULL] = 0,
		[LINK_LOOP] = 108, [LINK_RAW] = 101, [LINK_IPV4] = 228,
		[LINK_IPV6] = 229,
	};

	return types[l];
}

void mac_of(const struct addr *a, uint8_t mac[6])
{
	const uint8_t *low = a->family == 4 ? a->b : a->b + 12;

	mac[0] = 0x02;			/* locally administered */
	mac[1] = a->family == 4 ? 0x00 : 0x06;
	memcpy(mac + 2, low, 4);
}

size_t ether_frame(uint8_t *out, const uint8_t dst[6], const uint8_t src[6],
		   const uint32_t *tags, size_t ntags, uint16_t type,
		   const uint8_t *payload, size_t len)
{
	size_t n = 12;

	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	for (size_t i = 0; i < ntags; i++, n += 4)
		put32(out + n, tags[i]);
	put16(out + n, type);
	n += 2;
	memcpy(out + n, payload, len);
	n += len;
	for (; n < 60; n++)
		out[n] = 0;
	return n;
}

static void ip_addrs(const uint8_t *ip, struct addr *src, struct addr *dst)
{
	memset(src, 0, sizeof *src);
	memset(dst, 0, sizeof *dst);
	src->family = dst->family = ip[0] >> 4 == 6 ? 6 : 4;
	if (src->family == 4) {
		memcpy(src->b, ip + 12, 4);
		memcpy(dst->b, ip + 16, 4);
	} else {
		memcpy(src->b, ip + 8, 16);
		memcpy(dst->b, ip + 24, 16);
	}
}

/* Linux cooked headers (v1: 16 bytes, protocol last; v2: 20 bytes,
 * protocol first); the packet type says whether the capturing host sent
 * the packet (PACKET_OUTGOING, 4) or received it (PACKET_HOST, 0). */
static size_t cooked(uint8_t *out, bool v2, bool outgoing,
		     const uint8_t mac[6], uint16_t type)
{
	uint8_t pkttype = outgoing ? 4 : 0;

	if (!v2) {
		put16(out, pkttype);
		put16(out + 2, 1);		/* ARPHRD_ETHER */
		put16(out + 4, 6);
		memcpy(out + 6, mac, 6);
		put16(out + 12, 0);
		put16(out + 14, type);
		return 16;
	}
	put16(out, type);
	put16(out + 2, 0);
	put32(out + 4, 2);			/* interface index */
	put16(out + 8, 1);			/* ARPHRD_ETHER */
	out[10] = pkttype;
	out[11] = 6;
	memcpy(out + 12, mac, 6);
	put16(out + 18, 0);
	return 20;
}

/* Ethernet payloads that wrap the IP packet once more: LLC/SNAP, an MPLS
 * label stack, a PPPoE session header; 0 for plain Ethernet. */
static size_t ether_wrap(enum link l, bool v6, const uint8_t *ip, size_t len,
			 uint8_t *out, uint16_t *type)
{
	size_t hl;

	switch (l) {
	case LINK_SNAP:
		memcpy(out, "\xaa\xaa\x03\x00\x00\x00", 6);
		put16(out + 6, *type);
		hl = 8;
		*type = (uint16_t)(hl + len);	/* 802.3: a length */
		break;
	case LINK_MPLS:
		put32(out, 1000u << 12 | 64);		/* label 1000, TTL 64 */
		put32(out + 4, 2000u << 12 | 0x100 | 64);	/* bottom of stack */
		hl = 8;
		*type = 0x8847;
		break;
	case LINK_PPPOE:
		out[0] = 0x11;				/* version 1, type 1 */
		out[1] = 0;				/* session data */
		put16(out + 2, 0x2a);			/* session id */
		put16(out + 4, (uint16_t)(len + 2));
		put16(out + 6, v6 ? 0x0057 : 0x0021);	/* PPP: IPv6, IPv4 */
		hl = 8;
		*type = 0x8864;
		break;
	default:
		return 0;
	}
	memcpy(out + hl, ip, len);
	return hl + len;
}

/* The frame of IP packet ip in the scene's link layer; *ip_off: where
 * the packet starts in it. */
static size_t link_frame(const struct scene *sc, const uint8_t *ip,
			 size_t len, uint8_t *out, size_t *ip_off)
{
	static const uint32_t vlan[] = { 0x81000064u };
	static const uint32_t qinq[] = { 0x88a800c8u, 0x81000064u };
	static const uint32_t prio[] = { 0x8100a000u };
	static uint8_t body[FRAME_MAX];
	struct addr src, dst;
	uint8_t smac[6], dmac[6];
	bool v6 = ip[0] >> 4 == 6;
	uint16_t type = v6 ? 0x86dd : 0x0800;
	const uint32_t *tags = NULL;
	size_t ntags = 0, hl;

	ip_addrs(ip, &src, &dst);
	mac_of(&src, smac);
	mac_of(&dst, dmac);
	switch (sc->link) {
	case LINK_VLAN:
		tags = vlan;
		ntags = 1;
		break;
	case LINK_QINQ:
		tags = qinq;
		ntags = 2;
		break;
	case LINK_PRIO_TAG:
		tags = prio;
		ntags = 1;
		break;
	default:
		break;
	}
	switch (sc->link) {
	case LINK_ETHER:
	case LINK_VLAN:
	case LINK_QINQ:
	case LINK_PRIO_TAG:
		*ip_off = 14 + 4 * ntags;
		return ether_frame(out, dmac, smac, tags, ntags, type, ip, len);
	case LINK_SNAP:
	case LINK_MPLS:
	case LINK_PPPOE:
		hl = ether_wrap(sc->link, v6, ip, len, body, &type);
		*ip_off = 14 + hl - len;
		return ether_frame(out, dmac, smac, NULL, 0, type, body, hl);
	case LINK_SLL:
	case LINK_SLL2:
		hl = cooked(out, sc->link == LINK_SLL2,
			    memcmp(&src, &sc->local[src.family == 6],
				   sizeof src) == 0, smac,
			    type);
		break;
	case LINK_NULL:			/* macOS: AF_INET 2, AF_INET6 30 */
		out[0] = v6 ? 30 : 2;
		out[1] = out[2] = out[3] = 0;
		hl = 4;
		break;
	case LINK_LOOP:			/* OpenBSD: AF_INET6 24 */
		put32(out, v6 ? 24 : 2);
		hl = 4;
		break;
	default:
		hl = 0;
		break;
	}
	memcpy(out + hl, ip, len);
	*ip_off = hl;
	return hl + len;
}

/* --- scenes --------------------------------------------------------------- */

void scene_init(struct scene *sc, enum link link, uint32_t snaplen,
		uint64_t seed)
{
	memset(sc, 0, sizeof *sc);
	sc->link = link;
	sc->snaplen = snaplen;
	sc->rng.s = seed;
	sc->ip_id = (uint16_t)seed;
}

void scene_free(struct scene *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		free(sc->recs[i].data);
	free(sc->recs);
	sc->recs = NULL;
	sc->n = sc->cap = 0;
}

void scene_record(struct scene *sc, int64_t ts, const uint8_t *data,
		  uint32_t caplen, uint32_t wirelen)
{
	struct rec *r;

	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 256;
		sc->recs = realloc(sc->recs, sc->cap * sizeof *sc->recs);
		if (!sc->recs) {
			fputs("gen-pcaps: out of memory\n", stderr);
			exit(1);
		}
	}
	r = &sc->recs[sc->n];
	r->ts = ts;
	r->order = sc->n++;
	r->iface = sc->iface;
	r->caplen = caplen;
	r->wirelen = wirelen;
	r->comment = sc->comment;
	r->ip_off = r->ip_len = 0;
	sc->comment = NULL;
	r->data = malloc(caplen ? caplen : 1);
	if (!r->data) {
		fputs("gen-pcaps: out of memory\n", stderr);
		exit(1);
	}
	memcpy(r->data, data, caplen);
}

void scene_drop(struct scene *sc, size_t i)
{
	if (i >= sc->n)
		return;
	free(sc->recs[i].data);
	memmove(sc->recs + i, sc->recs + i + 1,
		(sc->n - i - 1) * sizeof *sc->recs);
	sc->n--;
}

void scene_frame(struct scene *sc, int64_t ts, const uint8_t *frame,
		 size_t len)
{
	size_t cap = len < sc->snaplen ? len : sc->snaplen;

	scene_record(sc, ts, frame, (uint32_t)cap, (uint32_t)len);
}

void scene_ip(struct scene *sc, int64_t ts, const uint8_t *ip, size_t len)
{
	static uint8_t frame[FRAME_MAX];
	size_t off;
	struct rec *r;

	scene_frame(sc, ts, frame, link_frame(sc, ip, len, frame, &off));
	r = &sc->recs[sc->n - 1];
	r->ip_off = (uint32_t)off;
	r->ip_len = (uint32_t)len;
}

const uint8_t *scene_last_ip(const struct scene *sc, size_t *len)
{
	const struct rec *r = sc->n ? &sc->recs[sc->n - 1] : NULL;

	if (!r || !r->ip_len || r->caplen < r->ip_off ||
	    r->caplen - r->ip_off < r->ip_len) {
		fputs("gen-pcaps: the last record is no whole IP packet\n",
		      stderr);
		exit(1);
	}
	*len = r->ip_len;
	return r->data + r->ip_off;
}

void scene_spec(struct scene *sc, int64_t ts, struct ipspec *s)
{
	static uint8_t pkt[IP_MAX];

	if (s->src.family == 4 && !s->ip_id)
		s->ip_id = sc->ip_id++;
	scene_ip(sc, ts, pkt, ip_packet(pkt, s));
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void scene_sort(struct scene *sc)
{
	if (sc->n > 1)		/* an empty scene has no array to sort */
		qsort(sc->recs, sc->n, sizeof *sc->recs, rec_cmp);
}

bool scene_write(struct scene *sc, const char *path, enum cap_format fmt,
		 const struct cap_iface *ifaces, size_t nifaces,
		 uint64_t limit)
{
	struct cap_iface one = { link_linktype(sc->link), sc->snaplen, 6, NULL };
	struct capw w;

	if (!ifaces) {
		ifaces = &one;
		nifaces = 1;
	}
	scene_sort(sc);
	if (!capw_open(&w, path, fmt, ifaces, nifaces))
		return false;
	w.limit = limit;
	for (size_t i = 0; i < sc->n; i++) {
		const struct rec *r = &sc->recs[i];

		capw_packet(&w, r->iface, r->ts, r->data, r->caplen,
			    r->wirelen, r->comment);
	}
	return capw_close(&w);
}

/* --- payloads ------------------------------------------------------------- */

static bool tls_port(uint16_t port)
{
	static const uint16_t tls[] = { 443, 1443, 4443, 4444, 5061, 6443,
					6444 };

	for (size_t i = 0; i < sizeof tls / sizeof *tls; i++)
		if (port == tls[i])
			return true;
	/* the trusted applications and their TM twins speak MTLS */
	return port >= 6000 && port <= 9999 && port % 100 == 0;
}

static void fill_text(struct rng *r, uint8_t *p, size_t n)
{
	static const char words[] =
		"status ok calls queued agents ready lm fe-core trace on "
		"dump sessions help quit\r\n";

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)words[(i + rng_below(r, 3)) % (sizeof words - 1)];
}

/* Application bytes shaped after what the service port carries, so a
 * reader of the capture (tshark, Wireshark) sees plausible traffic:
 * TLS records, TDS packets, SMB2 over NetBIOS, TPKT, telnet text. */
static void tcp_payload(struct rng *r, uint8_t *p, size_t n, uint16_t svc,
			bool from_client, bool first)
{
	rng_fill(r, p, n);
	if (svc == 19513 || svc == 21513) {
		fill_text(r, p, n);
	} else if (n >= 5 && tls_port(svc)) {
		p[0] = first ? 0x16 : 0x17;	/* handshake, application data */
		p[1] = 3;
		p[2] = first && from_client ? 1 : 3;
		put16(p + 3, (uint16_t)(n - 5));
	} else if (n >= 8 && svc == 1433) {
		p[0] = first ? 0x12 : from_client ? 0x01 : 0x04;
		p[1] = 1;			/* end of message */
		put16(p + 2, (uint16_t)n);
		put32(p + 4, 0x00000100);	/* SPID 0, packet 1, window 0 */
	} else if (n >= 8 && svc == 445) {
		put32(p, (uint32_t)(n - 4));	/* NetBIOS session message */
		memcpy(p + 4, "\xfeSMB", 4);
	} else if (n >= 4 && svc == 3389) {
		p[0] = 3;			/* TPKT */
		p[1] = 0;
		put16(p + 2, (uint16_t)n);
	}
}

/* --- TCP ------------------------------------------------------------------ */

void tcp_begin(struct tcp *k, struct scene *sc, const char *client,
	       uint16_t cport, const char *server, uint16_t sport, int64_t t)
{
	memset(k, 0, sizeof *k);
	k->sc = sc;
	k->addr[CLI] = addr_of(client);
	k->addr[SRV] = addr_of(server);
	k->port[CLI] = cport;
	k->port[SRV] = sport;
	k->seq[CLI] = k->isn[CLI] = (uint32_t)rng_next(&sc->rng);
	k->seq[SRV] = k->isn[SRV] = (uint32_t)rng_next(&sc->rng);
	k->t = t;
	k->rtt = US(600);
	k->mss = TCP_MSS;
}

void tcp_segment(struct tcp *k, int from, uint8_t flags, size_t len)
{
	/* MSS 1460, NOP, window scale 8, NOP, NOP, SACK permitted */
	static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 8,
					    1, 1, 4, 2 };
	static uint8_t data[IP_MAX];
	int to = from ^ 1;
	struct ipspec s = {
		.src = k->addr[from], .dst = k->addr[to], .proto = IPP_TCP,
		.sport = k->port[from], .dport = k->port[to],
		.tcp_flags = flags, .seq = k->seq[from],
		.payload = data, .plen = len,
	};

	if (flags & TH_ACK)
		s.ack = k->seq[to];
	if (flags & TH_SYN) {
		s.tcp_opts = syn_opts;
		s.tcp_optlen = sizeof syn_opts;
		s.window = 64240;
	} else {
		s.window = from == CLI ? 1026 : 8212;	/* scaled by 2^8 */
	}
	if (len) {
		tcp_payload(&k->sc->rng, data, len, k->port[SRV], from == CLI,
			    !k->spoke[from]);
		k->spoke[from] = true;
	}
	scene_spec(k->sc, k->t, &s);
	k->seq[from] += (uint32_t)len + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
	k->t += k->rtt / 2;
}

void tcp_syn(struct tcp *k, int64_t t)
{
	k->seq[CLI] = k->isn[CLI];
	k->t = t;
	tcp_segment(k, CLI, TH_SYN, 0);
}

void tcp_handshake(struct tcp *k)
{
	tcp_segment(k, CLI, TH_SYN, 0);
	tcp_segment(k, SRV, TH_SYN | TH_ACK, 0);
	tcp_segment(k, CLI, TH_ACK, 0);
}

/* len bytes from `from` in full-size segments, PSH on the last. */
static void segments(struct tcp *k, int from, size_t len)
{
	while (len) {
		size_t n = len < k->mss ? len : k->mss;

		len -= n;
		tcp_segment(k, from, len ? TH_ACK : TH_PSH | TH_ACK, n);
	}
}

void tcp_send(struct tcp *k, int from, size_t len)
{
	segments(k, from, len);
	tcp_segment(k, from ^ 1, TH_ACK, 0);
}

/* The response acknowledges the request; the client acknowledges the
 * response. */
void tcp_request(struct tcp *k, size_t req, size_t resp)
{
	segments(k, CLI, req);
	if (resp)
		segments(k, SRV, resp);
	tcp_segment(k, resp ? CLI : SRV, TH_ACK, 0);
}

void tcp_close(struct tcp *k, int from)
{
	tcp_segment(k, from, TH_FIN | TH_ACK, 0);
	tcp_segment(k, from ^ 1, TH_FIN | TH_ACK, 0);
	tcp_segment(k, from, TH_ACK, 0);
}

/* --- UDP and ICMP ----------------------------------------------------------- */

static void udp_payload(struct scene *sc, const char *src, uint16_t sport,
			const char *dst, uint16_t dport, const uint8_t *p,
			size_t len, int64_t t)
{
	struct ipspec s = {
		.src = addr_of(src), .dst = addr_of(dst), .proto = IPP_UDP,
		.sport = sport, .dport = dport, .payload = p, .plen = len,
	};

	scene_spec(sc, t, &s);
}

void udp_send(struct scene *sc, int64_t t, const char *src, uint16_t sport,
	      const char *dst, uint16_t dport, size_t len)
{
	static uint8_t data[IP_MAX];

	rng_fill(&sc->rng, data, len);
	udp_payload(sc, src, sport, dst, dport, data, len, t);
}

void rtp_stream(struct scene *sc, int64_t t, const char *src, uint16_t sport,
		const char *dst, uint16_t dport, int n, int64_t ptime,
		size_t len)
{
	uint8_t data[1500];
	uint32_t ssrc = (uint32_t)rng_next(&sc->rng);
	uint16_t seq = (uint16_t)rng_next(&sc->rng);
	uint32_t ts = (uint32_t)rng_next(&sc->rng);

	if (len < 12 || len > sizeof data)
		len = 12;
	for (int i = 0; i < n; i++, t += ptime) {
		rng_fill(&sc->rng, data, len);
		data[0] = 0x80;			/* version 2 */
		data[1] = i == 0 ? 0xe4 : 0x64;	/* marker; dynamic type 100 */
		put16(data + 2, seq++);
		put32(data + 4, ts);
		put32(data + 8, ssrc);
		ts += 320;			/* 20 ms at 16 kHz */
		udp_payload(sc, src, sport, dst, dport, data, len, t);
	}
}

void stun_binding(struct scene *sc, int64_t t, const char *client,
		  uint16_t cport, const char *server, uint16_t sport,
		  int64_t rtt)
{
	uint8_t req[20], resp[32];
	struct addr c = addr_of(client);

	put16(req, 0x0001);			/* Binding request */
	put16(req + 2, 0);
	put32(req + 4, 0x2112a442u);		/* magic cookie */
	rng_fill(&sc->rng, req + 8, 12);	/* transaction id */
	udp_payload(sc, client, cport, server, sport, req, sizeof req, t);
	if (c.family != 4 || rtt < 0)
		return;
	memcpy(resp, req, 20);
	put16(resp, 0x0101);			/* Binding success response */
	put16(resp + 2, 12);
	put16(resp + 20, 0x0020);		/* XOR-MAPPED-ADDRESS */
	put16(resp + 22, 8);
	put16(resp + 24, 0x0001);
	put16(resp + 26, cport ^ 0x2112);
	for (int i = 0; i < 4; i++)
		resp[28 + i] = c.b[i] ^ req[4 + i];
	udp_payload(sc, server, sport, client, cport, resp, sizeof resp,
		    t + rtt);
}

void dns_lookup(struct scene *sc, int64_t t, const char *client,
		uint16_t cport, const char *server, const char *name,
		int64_t rtt)
{
	uint8_t msg[300];
	size_t n = 12;
	uint16_t id = (uint16_t)rng_next(&sc->rng);
	const char *label = name;

	put16(msg, id);
	put16(msg + 2, 0x0100);			/* query, recursion desired */
	put16(msg + 4, 1);
	put32(msg + 6, 0);
	put16(msg + 10, 0);
	while (*label && n < 250) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		msg[n++] = (uint8_t)len;
		memcpy(msg + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	msg[n++] = 0;
	put16(msg + n, 1);			/* type A */
	put16(msg + n + 2, 1);			/* class IN */
	n += 4;
	udp_payload(sc, client, cport, server, 53, msg, n, t);
	put16(msg + 2, 0x8180);			/* response, recursion available */
	put16(msg + 6, 1);
	put16(msg + n, 0xc00c);			/* the question's name */
	put16(msg + n + 2, 1);
	put16(msg + n + 4, 1);
	put32(msg + n + 6, 3600);
	put16(msg + n + 10, 4);
	put32(msg + n + 12, 0x0a0a0000u | (uint32_t)(id & 0xff));
	udp_payload(sc, server, 53, client, cport, msg, n + 16, t + rtt);
}

void ping(struct scene *sc, int64_t t, const char *src, const char *dst,
	  uint16_t id, uint16_t seq, int64_t rtt)
{
	static const uint8_t windows_payload[] =
		"abcdefghijklmnopqrstuvwabcdefghi";
	struct ipspec s = {
		.src = addr_of(src), .dst = addr_of(dst),
		.icmp_id = id, .icmp_seq = seq,
		.payload = windows_payload, .plen = sizeof windows_payload - 1,
	};
	bool v6 = s.src.family == 6;

	s.proto = v6 ? IPP_ICMPV6 : IPP_ICMP;
	s.icmp_type = v6 ? 128 : 8;
	scene_spec(sc, t, &s);
	if (rtt < 0)
		return;
	s.src = addr_of(dst);
	s.dst = addr_of(src);
	s.icmp_type = v6 ? 129 : 0;
	s.ip_id = 0;
	scene_spec(sc, t + rtt, &s);
}

/* --- ICMP errors ---------------------------------------------------------- */

#define ICMP_ERROR_MAX 576	/* bytes: RFC 1812 4.3.2.3 */
#define ICMPV6_ERROR_MAX 1280	/* bytes: RFC 4443 2.4 (c) */

/* How many bytes of orig (len bytes) error e quotes. */
static size_t quote_len(const struct icmperr *e, const uint8_t *orig,
			size_t len, bool v6)
{
	int hl = v6 ? 40 : (orig[0] & 15) * 4;
	size_t n;

	if (e->quote == QUOTE_FILL)
		n = v6 ? ICMPV6_ERROR_MAX - 40 - 8 : ICMP_ERROR_MAX - 20 - 8;
	else
		n = e->quote < -hl ? 0 : (size_t)(hl + e->quote);
	return n < len ? n : len;
}

struct ipspec icmp_error_spec(const struct icmperr *e, const uint8_t *orig,
			      size_t len)
{
	struct ipspec s = {
		.src = addr_of(e->from), .icmp_type = e->type,
		.icmp_code = e->code, .icmp_id = (uint16_t)(e->word >> 16),
		.icmp_seq = (uint16_t)e->word, .payload = orig,
	};
	struct addr orig_dst;
	bool v6 = orig[0] >> 4 == 6;

	ip_addrs(orig, &s.dst, &orig_dst);	/* to the packet's source */
	if (s.src.family != s.dst.family) {
		fprintf(stderr, "gen-pcaps: %s cannot report on IPv%d\n",
			e->from, s.dst.family);
		exit(1);
	}
	s.proto = v6 ? IPP_ICMPV6 : IPP_ICMP;
	s.plen = quote_len(e, orig, len, v6);
	return s;
}

void icmp_error(struct scene *sc, int64_t t, const struct icmperr *e)
{
	size_t len;
	const uint8_t *orig = scene_last_ip(sc, &len);
	struct ipspec s = icmp_error_spec(e, orig, len);

	scene_spec(sc, t, &s);
}

void tcp_attempt(struct tcp *k, int64_t t, int n, const struct icmperr *e)
{
	for (int i = 0; i < n; i++) {
		int64_t at = t + SEC((1 << i) - 1);

		tcp_syn(k, at);
		if (e)
			icmp_error(k->sc, at + k->rtt / 4, e);
	}
}
