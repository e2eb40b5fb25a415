/* pcapng-build.c: pcapng images in memory for the tests (pcapng-build.h);
 * block layouts as src/pcapng.c's opening comment draws them. */
#include "pcapng-build.h"

#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

void ng_init(struct ngimg *m, bool big)
{
	memset(m, 0, sizeof *m);
	m->big = big;
}

void ng_free(struct ngimg *m)
{
	free(m->b);
	memset(m, 0, sizeof *m);
}

void ng_bytes(struct ngimg *m, const void *p, size_t n)
{
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap : 256;

		while (cap < m->len + n)
			cap *= 2;
		m->b = realloc(m->b, cap);
		if (!m->b)
			abort();
		m->cap = cap;
	}
	if (n)
		memcpy(m->b + m->len, p, n);
	m->len += n;
}

/* v's low n bytes in the current byte order. */
static void put_uint(struct ngimg *m, uint64_t v, unsigned n)
{
	uint8_t b[8];

	for (unsigned i = 0; i < n; i++)
		b[m->big ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
	ng_bytes(m, b, n);
}

void ng_u16(struct ngimg *m, uint16_t v)
{
	put_uint(m, v, 2);
}

void ng_u32(struct ngimg *m, uint32_t v)
{
	put_uint(m, v, 4);
}

void ng_u64(struct ngimg *m, uint64_t v)
{
	put_uint(m, v, 8);
}

void ng_pad(struct ngimg *m)
{
	static const uint8_t zero[3];

	ng_bytes(m, zero, (4 - m->len % 4) % 4);
}

void ng_put32_at(struct ngimg *m, size_t off, uint32_t v)
{
	size_t len = m->len;

	m->len = off;
	ng_u32(m, v);
	m->len = len;
}

void ng_begin(struct ngimg *m, uint32_t type)
{
	m->open = m->len;
	ng_u32(m, type);
	ng_u32(m, 0);
}

void ng_end(struct ngimg *m)
{
	uint32_t total;

	ng_pad(m);
	total = (uint32_t)(m->len - m->open + 4);
	ng_put32_at(m, m->open + 4, total);
	ng_u32(m, total);
}

void ng_block(struct ngimg *m, uint32_t type, const void *body, size_t n)
{
	ng_begin(m, type);
	ng_bytes(m, body, n);
	ng_end(m);
}

void ng_opt(struct ngimg *m, uint16_t code, const void *v, uint16_t len)
{
	ng_u16(m, code);
	ng_u16(m, len);
	ng_bytes(m, v, len);
	ng_pad(m);
}

void ng_opt_end(struct ngimg *m)
{
	ng_u32(m, 0);
}

void ng_set_order(struct ngimg *m, bool big)
{
	m->big = big;
}

void ng_shb(struct ngimg *m, uint16_t major, uint16_t minor)
{
	ng_begin(m, PCAPNG_MAGIC);
	ng_u32(m, 0x1A2B3C4D);
	ng_u16(m, major);
	ng_u16(m, minor);
	ng_u64(m, UINT64_MAX);	/* section length not given: -1 */
	ng_end(m);
}

void ng_idb_begin(struct ngimg *m, uint16_t linktype, uint32_t snaplen)
{
	ng_begin(m, 1);
	ng_u16(m, linktype);
	ng_u16(m, 0);
	ng_u32(m, snaplen);
}

void ng_idb(struct ngimg *m, uint16_t linktype, uint32_t snaplen)
{
	ng_idb_begin(m, linktype, snaplen);
	ng_end(m);
}

uint8_t ng_pattern(size_t i)
{
	return (uint8_t)(i * 7 + 1);
}

static void packet_data(struct ngimg *m, uint32_t caplen, const uint8_t *data)
{
	if (data) {
		ng_bytes(m, data, caplen);
	} else {
		for (uint32_t i = 0; i < caplen; i++) {
			uint8_t b = ng_pattern(i);

			ng_bytes(m, &b, 1);
		}
	}
	ng_pad(m);
}

void ng_epb_begin(struct ngimg *m, uint32_t iface, uint64_t ts,
		  uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	ng_begin(m, 6);
	ng_u32(m, iface);
	ng_u32(m, (uint32_t)(ts >> 32));
	ng_u32(m, (uint32_t)ts);
	ng_u32(m, caplen);
	ng_u32(m, wirelen);
	packet_data(m, caplen, data);
}

void ng_epb(struct ngimg *m, uint32_t iface, uint64_t ts, uint32_t caplen,
	    uint32_t wirelen, const uint8_t *data)
{
	ng_epb_begin(m, iface, ts, caplen, wirelen, data);
	ng_end(m);
}

void ng_pb(struct ngimg *m, uint16_t iface, uint64_t ts, uint32_t caplen,
	   uint32_t wirelen, const uint8_t *data)
{
	ng_begin(m, 2);
	ng_u16(m, iface);
	ng_u16(m, 0);		/* drops count */
	ng_u32(m, (uint32_t)(ts >> 32));
	ng_u32(m, (uint32_t)ts);
	ng_u32(m, caplen);
	ng_u32(m, wirelen);
	packet_data(m, caplen, data);
	ng_end(m);
}

void ng_spb(struct ngimg *m, uint32_t wirelen, const uint8_t *data, size_t n)
{
	ng_begin(m, 3);
	ng_u32(m, wirelen);
	packet_data(m, (uint32_t)n, data);
	ng_end(m);
}
