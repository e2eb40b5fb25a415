/* test_pcapng.c: the pcapng reader on images built in memory: both byte
 * orders and sections that switch between them, mixed link types and
 * snapshot lengths, timestamp resolutions and offsets to the ends of
 * int64_t, Simple and obsolete Packet Blocks, skipped blocks, options,
 * every damaged length, a file cut at every byte, and the prefix a caller
 * peeked.
 *
 * `test_pcapng --write-seeds DIR` writes the valid images as fuzz seeds
 * (tests/fuzz/seeds/pcapng) instead of testing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pcapng-build.h"
#include "pcapng.h"
#include "tunables.h"

enum { LE = 0, BE = 1 };
#define US(sec, usec) ((uint64_t)(sec) * 1000000 + (usec))
#define T0 1700000000		/* 2023-11-14T22:13:20Z */

/* --- reading an image ---------------------------------------------------- */

/* A reader over bytes [nprefix, len) through a FILE, bytes [0, nprefix)
 * handed over as the prefix a caller peeked. */
struct rd {
	FILE *f;
	struct pcapng *r;
	char err[256];
};

static bool rd_open_prefix(struct rd *d, const uint8_t *b, size_t len,
			   size_t nprefix)
{
	static const uint8_t none[1];

	d->f = fmemopen((void *)(len > nprefix ? b + nprefix : none),
			len - nprefix, "rb");
	assert_non_null(d->f);
	d->err[0] = '\0';
	d->r = pcapng_open(d->f, b, nprefix, d->err, sizeof d->err);
	return d->r != NULL;
}

static bool rd_open(struct rd *d, const struct ngimg *m)
{
	return rd_open_prefix(d, m->b, m->len, 0);
}

static void rd_close(struct rd *d)
{
	pcapng_close(d->r);
	fclose(d->f);
}

static void next_ok(struct rd *d, struct pcapng_packet *p)
{
	int rc = pcapng_next(d->r, p);

	if (rc != 1)
		fail_msg("pcapng_next: %d: %s", rc, pcapng_error(d->r));
}

static void at_end(struct rd *d)
{
	struct pcapng_packet p;

	assert_int_equal(pcapng_next(d->r, &p), 0);
	assert_string_equal(pcapng_error(d->r), "");
	assert_int_equal(pcapng_next(d->r, &p), 0);	/* and stays there */
}

/* Reading stops with an error that contains want. */
static void fails_with(struct rd *d, const char *want)
{
	struct pcapng_packet p;

	assert_int_equal(pcapng_next(d->r, &p), -1);
	if (!strstr(pcapng_error(d->r), want))
		fail_msg("error \"%s\" does not say \"%s\"",
			 pcapng_error(d->r), want);
	assert_int_equal(pcapng_next(d->r, &p), -1);	/* and stays there */
}

static void check_pattern(const struct pcapng_packet *p)
{
	for (uint32_t i = 0; i < p->caplen; i++)
		assert_int_equal(p->data[i], ng_pattern(i));
}

/* SHB, an Ethernet IDB, one 60-byte EPB at T0 + 0.5 s. */
static void start(struct ngimg *m, bool big)
{
	ng_init(m, big);
	ng_shb(m, 1, 0);
	ng_idb(m, 1, 65535);
	ng_epb(m, 0, US(T0, 500000), 60, 60, NULL);
}

/* --- both byte orders -------------------------------------------------- */

static void one_order(bool big)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	start(&m, big);
	ng_epb(&m, 0, US(T0 + 1, 123456), 61, 1514, NULL);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	assert_int_equal(p.caplen, 60);
	assert_int_equal(p.wirelen, 60);
	assert_int_equal(p.interface, 0);
	assert_int_equal(p.dlt, DLT_EN10MB);
	assert_int_equal(p.linktype, 1);
	assert_int_equal(p.snaplen, 65535);
	assert_true(p.ts_valid);
	assert_int_equal(p.ts_sec, T0);
	assert_int_equal(p.ts_nsec, 500000000);
	check_pattern(&p);
	next_ok(&d, &p);
	assert_int_equal(p.caplen, 61);
	assert_int_equal(p.wirelen, 1514);
	assert_int_equal(p.ts_sec, T0 + 1);
	assert_int_equal(p.ts_nsec, 123456000);
	check_pattern(&p);
	at_end(&d);
	assert_int_equal(pcapng_offset(d.r), m.len);
	rd_close(&d);
	ng_free(&m);
}

static void test_pcapng_little_endian(void **state)
{
	(void)state;
	one_order(LE);
}

static void test_pcapng_big_endian(void **state)
{
	(void)state;
	one_order(BE);
}

/* Two sections, little- then big-endian, each with its own interfaces:
 * numbers go on counting, a section's ID 0 is not the last one's. */
static void build_two_sections(struct ngimg *m)
{
	ng_init(m, LE);
	ng_shb(m, 1, 0);
	ng_idb(m, 1, 65535);	/* 0 */
	ng_idb(m, 0, 262144);	/* 1: NULL, Npcap's loopback */
	ng_epb(m, 1, US(T0, 1), 44, 44, NULL);
	ng_epb(m, 0, US(T0, 2), 60, 60, NULL);
	ng_set_order(m, BE);
	ng_shb(m, 1, 2);	/* 1.2 reads as 1.0 */
	ng_idb(m, 101, 128);	/* 2: raw IP */
	ng_epb(m, 0, US(T0, 3), 40, 40, NULL);
}

static void test_pcapng_sections_switch_byte_order(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;
	struct pcapng_interface i;

	(void)state;
	build_two_sections(&m);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	assert_int_equal(p.interface, 1);
	assert_int_equal(p.dlt, DLT_NULL);
	next_ok(&d, &p);
	assert_int_equal(p.interface, 0);
	assert_int_equal(p.dlt, DLT_EN10MB);
	next_ok(&d, &p);
	assert_int_equal(p.interface, 2);
	assert_int_equal(p.dlt, DLT_RAW);
	assert_int_equal(p.linktype, 101);
	assert_int_equal(p.snaplen, 128);
	assert_int_equal(p.caplen, 40);
	assert_int_equal(p.ts_sec, T0);
	assert_int_equal(p.ts_nsec, 3000);
	check_pattern(&p);
	at_end(&d);
	assert_int_equal(pcapng_interfaces(d.r), 3);
	assert_true(pcapng_interface(d.r, 1, &i));
	assert_int_equal(i.snaplen, 262144);
	assert_false(pcapng_interface(d.r, 3, &i));
	rd_close(&d);
	ng_free(&m);
}

/* A new section forgets the last one's interfaces. */
static void test_pcapng_section_resets_interfaces(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	start(&m, LE);
	ng_set_order(&m, BE);
	ng_shb(&m, 1, 0);
	ng_epb(&m, 0, 0, 4, 4, NULL);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	fails_with(&d, "interface 0 is not described in this section "
		   "(it has 0 so far)");
	rd_close(&d);
	ng_free(&m);
}

/* --- interfaces ---------------------------------------------------------- */

static void test_pcapng_mixed_link_types(void **state)
{
	static const struct {
		uint16_t linktype;
		int dlt;
	} want[] = {
		{ 1, DLT_EN10MB }, { 0, DLT_NULL }, { 101, DLT_RAW },
		{ 12, DLT_RAW }, { 108, DLT_LOOP }, { 113, DLT_LINUX_SLL },
		{ 276, DLT_LINUX_SLL2 }, { 228, DLT_IPV4 }, { 229, DLT_IPV6 },
		{ 274, -1 }, { 249, -1 }, { 105, -1 },
	};
	size_t n = sizeof want / sizeof *want;
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	ng_init(&m, LE);
	ng_shb(&m, 1, 0);
	for (size_t k = 0; k < n; k++)
		ng_idb(&m, want[k].linktype, (uint32_t)(100 + k));
	for (size_t k = n; k-- > 0;)
		ng_epb(&m, (uint32_t)k, US(T0, k), 20, 20, NULL);
	assert_true(rd_open(&d, &m));
	for (size_t k = n; k-- > 0;) {
		next_ok(&d, &p);
		assert_int_equal(p.interface, k);
		assert_int_equal(p.linktype, want[k].linktype);
		assert_int_equal(p.dlt, want[k].dlt);
		assert_int_equal(p.snaplen, 100 + k);
	}
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

/* Every DLT_ the reader gives is one decode-link.c decodes, and every one
 * it decodes has a LINKTYPE_ that gives it: the two lists must move
 * together. */
static void test_pcapng_dlts_are_the_decoded_ones(void **state)
{
	static const int decoded[] = {
		DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
		DLT_RAW, DLT_IPV4, DLT_IPV6
	};
	bool seen[sizeof decoded / sizeof *decoded] = { false };
	struct ngimg m;
	struct rd d;
	struct pcapng_interface i;

	(void)state;
	ng_init(&m, LE);
	ng_shb(&m, 1, 0);
	for (unsigned lt = 0; lt < 1024; lt++)
		ng_idb(&m, (uint16_t)lt, 0);
	assert_true(rd_open(&d, &m));
	at_end(&d);
	assert_int_equal(pcapng_interfaces(d.r), 1024);
	for (uint32_t n = 0; n < 1024; n++) {
		assert_true(pcapng_interface(d.r, n, &i));
		assert_int_equal(i.linktype, n);
		if (i.dlt == -1)
			continue;
		assert_true(decode_linktype_supported(i.dlt));
		for (size_t k = 0; k < sizeof decoded / sizeof *decoded; k++)
			seen[k] |= decoded[k] == i.dlt;
	}
	for (size_t k = 0; k < sizeof decoded / sizeof *decoded; k++)
		assert_true(seen[k]);
	rd_close(&d);
	ng_free(&m);
}

static void build_interface_options(struct ngimg *m)
{
	static const uint8_t ns = 9, pow2 = 0x80 | 10;

	ng_init(m, BE);
	ng_shb(m, 1, 0);
	ng_idb_begin(m, 1, 0);
	ng_opt(m, 1, "odd", 3);			/* opt_comment, padded */
	ng_opt(m, 2, "eth0x", 5);		/* if_name */
	ng_opt(m, 13, "\x04", 1);		/* if_fcslen: ignored */
	ng_opt(m, 9, &ns, 1);
	ng_opt_end(m);
	ng_end(m);
	ng_idb_begin(m, 0, 1500);		/* no opt_endofopt */
	ng_opt(m, 2, "\\Device\\NPF_Loopback\0junk", 25);
	ng_opt(m, 9, &pow2, 1);
	ng_end(m);
	ng_idb_begin(m, 101, 0);		/* options after the end */
	ng_opt(m, 14, "\xff\xff\xff\xff\xff\xff\xff\xfe", 8);	/* -2 */
	ng_opt_end(m);
	ng_u32(m, 0xdeadbeef);
	ng_end(m);
	for (uint32_t k = 0; k < 3; k++)
		ng_epb(m, k, US(T0, k), 20, 20, NULL);
}

static void test_pcapng_interface_options(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_interface i;
	struct pcapng_packet p;

	(void)state;
	build_interface_options(&m);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	next_ok(&d, &p);
	next_ok(&d, &p);
	at_end(&d);
	assert_true(pcapng_interface(d.r, 0, &i));
	assert_string_equal(i.name, "eth0x");
	assert_int_equal(i.tsresol, 9);
	assert_int_equal(i.tsoffset, 0);
	assert_int_equal(i.snaplen, 0);
	assert_true(pcapng_interface(d.r, 1, &i));
	assert_string_equal(i.name, "\\Device\\NPF_Loopback");
	assert_int_equal(i.tsresol, 0x8a);
	assert_true(pcapng_interface(d.r, 2, &i));
	assert_null(i.name);
	assert_int_equal(i.tsresol, 6);
	assert_int_equal(i.tsoffset, -2);
	rd_close(&d);
	ng_free(&m);
}

/* Options of every length from 0 to 9 in a packet block: the padding
 * after each is where the next one starts. */
static void test_pcapng_packet_options_odd_lengths(void **state)
{
	static const uint8_t v[9] = "abcdefghi";
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	start(&m, LE);
	ng_epb_begin(&m, 0, US(T0, 7), 13, 13, NULL);
	for (uint16_t len = 0; len <= 9; len++)
		ng_opt(&m, 1, v, len);
	ng_opt_end(&m);
	ng_end(&m);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	next_ok(&d, &p);
	assert_int_equal(p.caplen, 13);
	check_pattern(&p);
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

static void test_pcapng_too_many_interfaces(void **state)
{
	struct ngimg m;
	struct rd d;
	size_t bad;

	(void)state;
	ng_init(&m, LE);
	ng_shb(&m, 1, 0);
	for (unsigned n = 0; n < LUCS_PCAPNG_MAX_INTERFACES; n++) {
		if (n % 1000 == 999)	/* sections do not reset the cap */
			ng_shb(&m, 1, 0);
		ng_idb(&m, 1, 0);
	}
	bad = m.len;
	ng_idb(&m, 1, 0);
	assert_true(rd_open(&d, &m));
	fails_with(&d, "more than 65536 interfaces");
	assert_int_equal(pcapng_offset(d.r), bad);
	assert_int_equal(pcapng_interfaces(d.r), LUCS_PCAPNG_MAX_INTERFACES);
	rd_close(&d);
	ng_free(&m);
}

/* --- timestamps ---------------------------------------------------------- */

struct ts_case {
	int tsresol;		/* -1: no if_tsresol option */
	bool has_offset;
	int64_t offset;
	uint64_t ts;
	bool valid;
	int64_t sec;
	uint32_t nsec;
};

static const struct ts_case ts_cases[] = {
	/* microseconds by default, nanoseconds */
	{ -1, false, 0, US(T0, 999999), true, T0, 999999000 },
	{ 6, false, 0, UINT64_MAX, true, 18446744073709, 551615000 },
	{ 9, false, 0, 1700000000123456789u, true, T0, 123456789 },
	{ 0, false, 0, 42, true, 42, 0 },
	{ 3, false, 0, 1500, true, 1, 500000000 },
	{ 10, false, 0, 15, true, 0, 1 },	/* 1.5 ns: rounded down */
	{ 19, false, 0, UINT64_MAX, true, 1, 844674407 },
	/* powers of 2 */
	{ 0x80 | 10, false, 0, 5 * 1024 + 512, true, 5, 500000000 },
	{ 0x80 | 10, false, 0, 1, true, 0, 976562 },
	{ 0x80, false, 0, 7, true, 7, 0 },
	{ 0x80 | 32, false, 0, (uint64_t)3 << 31, true, 1, 500000000 },
	{ 0x80 | 40, false, 0, ((uint64_t)1 << 40) - 1, true, 0, 999999999 },
	{ 0x80 | 63, false, 0, UINT64_MAX, true, 1, 999999999 },
	{ 0x80 | 63, false, 0, (uint64_t)3 << 62, true, 1, 500000000 },
	/* if_tsoffset, both ways, to the ends of int64_t */
	{ -1, true, 1000, US(T0, 5), true, T0 + 1000, 5000 },
	{ -1, true, -T0, US(T0, 5), true, 0, 5000 },
	{ -1, true, -T0 - 2, US(T0, 500000), true, -2, 500000000 },
	{ 0, false, 0, UINT64_MAX, false, 0, 0 },
	{ 0, false, 0, (uint64_t)INT64_MAX, true, INT64_MAX, 0 },
	{ 0, false, 0, (uint64_t)INT64_MAX + 1, false, 0, 0 },
	{ 0, true, INT64_MIN, UINT64_MAX, true, INT64_MAX, 0 },
	{ 0, true, INT64_MIN, 0, true, INT64_MIN, 0 },
	{ 0, true, INT64_MIN, 1, true, INT64_MIN + 1, 0 },
	{ 0, true, INT64_MAX, 1, false, 0, 0 },
	{ 0, true, INT64_MAX, 0, true, INT64_MAX, 0 },
	{ 0, true, -1, (uint64_t)INT64_MAX + 1, true, INT64_MAX, 0 },
	{ 0, true, -1, (uint64_t)INT64_MAX + 2, false, 0, 0 },
	{ 9, true, INT64_MIN, UINT64_MAX, true, INT64_MIN + 18446744073,
	  709551615 },
};

/* An interface per case, and its packet. */
static void build_timestamps(struct ngimg *m)
{
	ng_init(m, BE);
	ng_shb(m, 1, 0);
	for (size_t k = 0; k < sizeof ts_cases / sizeof *ts_cases; k++) {
		const struct ts_case *c = &ts_cases[k];
		uint8_t res = (uint8_t)c->tsresol;

		ng_idb_begin(m, 1, 0);
		if (c->tsresol >= 0)
			ng_opt(m, 9, &res, 1);
		if (c->has_offset) {
			size_t at = m->len + 4;

			ng_opt(m, 14, "01234567", 8);
			m->len = at;
			ng_u64(m, (uint64_t)c->offset);
		}
		ng_end(m);
		ng_epb(m, (uint32_t)k, c->ts, 1, 1, NULL);
	}
}

static void test_pcapng_timestamps(void **state)
{
	size_t n = sizeof ts_cases / sizeof *ts_cases;
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	build_timestamps(&m);
	assert_true(rd_open(&d, &m));
	for (size_t k = 0; k < n; k++) {
		const struct ts_case *c = &ts_cases[k];

		next_ok(&d, &p);
		if (p.ts_valid != c->valid || p.ts_sec != c->sec ||
		    p.ts_nsec != c->nsec)
			fail_msg("case %zu: %d %lld.%09u, not %d %lld.%09u", k,
				 p.ts_valid, (long long)p.ts_sec, p.ts_nsec,
				 c->valid, (long long)c->sec, c->nsec);
	}
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

/* --- other packet blocks, skipped blocks --------------------------------- */

static void test_pcapng_simple_packet_block(void **state)
{
	uint8_t data[100];
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	for (size_t k = 0; k < sizeof data; k++)
		data[k] = ng_pattern(k);
	ng_init(&m, BE);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 1, 0);		/* interface 0, elsewhere */
	ng_shb(&m, 1, 0);
	ng_idb(&m, 113, 64);		/* 1: the section's first */
	ng_idb(&m, 1, 0);
	ng_spb(&m, 1514, data, 64);	/* cut to the snapshot length */
	ng_spb(&m, 10, data, 10);	/* 10 bytes and 2 of padding */
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	assert_int_equal(p.interface, 1);
	assert_int_equal(p.dlt, DLT_LINUX_SLL);
	assert_int_equal(p.caplen, 64);
	assert_int_equal(p.wirelen, 1514);
	assert_false(p.ts_valid);
	assert_int_equal(p.ts_sec, 0);
	assert_int_equal(p.ts_nsec, 0);
	check_pattern(&p);
	next_ok(&d, &p);
	assert_int_equal(p.caplen, 10);
	assert_int_equal(p.wirelen, 10);
	check_pattern(&p);
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

static void test_pcapng_obsolete_packet_block(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	start(&m, BE);
	ng_idb(&m, 0, 0);
	ng_pb(&m, 1, US(T0, 250000), 33, 40, NULL);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	next_ok(&d, &p);
	assert_int_equal(p.interface, 1);
	assert_int_equal(p.dlt, DLT_NULL);
	assert_int_equal(p.caplen, 33);
	assert_int_equal(p.wirelen, 40);
	assert_int_equal(p.ts_sec, T0);
	assert_int_equal(p.ts_nsec, 250000000);
	check_pattern(&p);
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

/* NRB, ISB, systemd journal, DSB, custom blocks, local and unknown
 * types, an empty body: all skipped, none breaks the packets around. */
static void build_skipped_blocks(struct ngimg *m, bool big)
{
	static const uint32_t types[] = {
		4, 5, 9, 10, 0xBAD, 0x40000BAD, 7, 8, 0x12345678, 0x80000001
	};

	start(m, big);
	for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
		ng_block(m, types[k], "some body bytes", 15);
		ng_epb(m, 0, US(T0, k), (uint32_t)k, 60, NULL);
	}
	ng_block(m, 4, NULL, 0);
}

static void test_pcapng_unknown_blocks_skipped(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	build_skipped_blocks(&m, LE);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	for (uint32_t k = 0; k < 10; k++) {
		next_ok(&d, &p);
		assert_int_equal(p.caplen, k);
		assert_int_equal(p.ts_nsec, k * 1000);
	}
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

/* A block longer than the 1 MiB buffer: the buffer grows for it. */
static void test_pcapng_block_larger_than_buffer(void **state)
{
	uint32_t big = LUCS_PCAPNG_BUFFER * 3 + 5;
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	(void)state;
	start(&m, LE);
	ng_epb(&m, 0, 0, big, big, NULL);
	ng_epb(&m, 0, 0, 7, 7, NULL);
	assert_true(rd_open(&d, &m));
	next_ok(&d, &p);
	next_ok(&d, &p);
	assert_int_equal(p.caplen, big);
	check_pattern(&p);
	next_ok(&d, &p);
	assert_int_equal(p.caplen, 7);
	at_end(&d);
	rd_close(&d);
	ng_free(&m);
}

/* Many packets, megabytes of them: the buffer grows from its first size
 * to its large one, blocks straddle every read. */
static void test_pcapng_many_packets(void **state)
{
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;
	uint32_t n = 0;

	(void)state;
	ng_init(&m, LE);
	ng_shb(&m, 1, 0);
	ng_idb(&m, 1, 0);
	for (uint32_t k = 0; k < 40000; k++)
		ng_epb(&m, 0, US(T0, k), k % 151, 1000, NULL);
	assert_true(rd_open(&d, &m));
	while (pcapng_next(d.r, &p) == 1) {
		assert_int_equal(p.caplen, n % 151);
		assert_int_equal(p.ts_nsec, n * 1000);
		check_pattern(&p);
		n++;
	}
	assert_string_equal(pcapng_error(d.r), "");
	assert_int_equal(n, 40000);
	assert_int_equal(pcapng_offset(d.r), m.len);
	rd_close(&d);
	ng_free(&m);
}

/* --- damaged files -------------------------------------------------------- */

/* Each case builds on start() (one good packet) and then breaks something
 * in the block that begins at bad_at. */
static size_t bad_at;

static void mark(struct ngimg *m)
{
	bad_at = m->len;
}

static void raw_header(struct ngimg *m, uint32_t type, uint32_t len)
{
	mark(m);
	ng_u32(m, type);
	ng_u32(m, len);
	for (uint32_t k = 8; k + 8 <= len && k < 64; k += 4)
		ng_u32(m, 0);
	ng_u32(m, len);
}

static void len_below_12(struct ngimg *m) { raw_header(m, 6, 8); }
static void len_odd(struct ngimg *m) { raw_header(m, 6, 30); }
static void len_above_cap(struct ngimg *m)
{
	raw_header(m, 6, LUCS_PCAPNG_MAX_BLOCK + 4);
}
static void len_max(struct ngimg *m) { raw_header(m, 6, UINT32_MAX - 3); }
static void epb_short(struct ngimg *m) { raw_header(m, 6, 28); }
static void pb_short(struct ngimg *m) { raw_header(m, 2, 28); }
static void idb_short(struct ngimg *m) { raw_header(m, 1, 16); }
static void spb_short(struct ngimg *m) { raw_header(m, 3, 12); }

static void shb_short(struct ngimg *m)
{
	mark(m);
	ng_u32(m, PCAPNG_MAGIC);
	ng_u32(m, 24);
	ng_u32(m, 0x1A2B3C4D);
	ng_u16(m, 1);
	ng_u16(m, 0);
	ng_u32(m, 0);
	ng_u32(m, 24);
}

static void trailer_differs(struct ngimg *m)
{
	mark(m);
	ng_epb(m, 0, 0, 10, 10, NULL);
	ng_put32_at(m, m->len - 4, 36);
}

static void caplen_beyond(struct ngimg *m)
{
	mark(m);
	ng_epb(m, 0, 0, 10, 10, NULL);
	ng_put32_at(m, bad_at + 20, 13);
}

static void caplen_max(struct ngimg *m)
{
	mark(m);
	ng_epb(m, 0, 0, 10, 10, NULL);
	ng_put32_at(m, bad_at + 20, UINT32_MAX);
}

static void idb_option_beyond(struct ngimg *m)
{
	mark(m);
	ng_idb_begin(m, 1, 0);
	ng_u16(m, 2);
	ng_u16(m, 5);		/* 5 bytes, 8 padded: only 4 there */
	ng_u32(m, 0);
	ng_end(m);
}

static void epb_option_beyond(struct ngimg *m)
{
	mark(m);
	ng_epb_begin(m, 0, 0, 3, 3, NULL);
	ng_opt(m, 1, "abcd", 4);
	ng_end(m);
	/* Code 1, length 400, in either byte order. */
	ng_put32_at(m, m->len - 12, m->big ? 1 << 16 | 400 : 400 << 16 | 1);
}

static void idb_opt(struct ngimg *m, uint16_t code, const void *v,
		    uint16_t len)
{
	mark(m);
	ng_idb_begin(m, 1, 0);
	ng_opt(m, code, v, len);
	ng_end(m);
}

static void tsresol_2_bytes(struct ngimg *m) { idb_opt(m, 9, "\x06\x00", 2); }
static void tsoffset_4_bytes(struct ngimg *m) { idb_opt(m, 14, "abcd", 4); }
static void tsresol_10_20(struct ngimg *m) { idb_opt(m, 9, "\x14", 1); }
static void tsresol_10_127(struct ngimg *m) { idb_opt(m, 9, "\x7f", 1); }
static void tsresol_2_64(struct ngimg *m) { idb_opt(m, 9, "\xc0", 1); }

static void unknown_interface(struct ngimg *m)
{
	mark(m);
	ng_epb(m, 1, 0, 4, 4, NULL);
}

static void pb_unknown_interface(struct ngimg *m)
{
	mark(m);
	ng_pb(m, 0xffff, 0, 4, 4, NULL);
}

static void spb_no_interface(struct ngimg *m)
{
	ng_shb(m, 1, 0);
	mark(m);
	ng_spb(m, 4, NULL, 4);
}

static void spb_caplen_beyond(struct ngimg *m)
{
	ng_shb(m, 1, 0);
	ng_idb(m, 1, 0);	/* no limit: the wire length must be there */
	mark(m);
	ng_spb(m, 100, NULL, 8);
}

static void version_2_0(struct ngimg *m)
{
	mark(m);
	ng_shb(m, 2, 0);
}

static void version_1_1(struct ngimg *m)
{
	ng_set_order(m, !m->big);
	mark(m);
	ng_shb(m, 1, 1);
}

static void bad_byte_order_magic(struct ngimg *m)
{
	mark(m);
	ng_shb(m, 1, 0);
	ng_put32_at(m, bad_at + 8, 0x1A2B3C4E);
}

static void cut_header(struct ngimg *m)
{
	mark(m);
	ng_u16(m, 6);
}

static void cut_block(struct ngimg *m)
{
	mark(m);
	ng_epb(m, 0, 0, 10, 10, NULL);
	m->len -= 1;
}

static const struct bad_case {
	const char *name;
	void (*build)(struct ngimg *m);
	const char *want;
} bad_cases[] = {
	{ "length 8", len_below_12, "block total length 8 is below 12" },
	{ "length 30", len_odd, "block total length 30 is not a multiple of 4" },
	{ "length above the cap", len_above_cap,
	  "block total length 16777220 is above 16777216 bytes" },
	{ "length 2^32-4", len_max, "is above 16777216 bytes" },
	{ "EPB of 28", epb_short, "block total length 28 is below 32" },
	{ "PB of 28", pb_short, "block total length 28 is below 32" },
	{ "IDB of 16", idb_short, "block total length 16 is below 20" },
	{ "SPB of 12", spb_short, "block total length 12 is below 16" },
	{ "SHB of 24", shb_short, "block total length 24 is below 28" },
	{ "trailer", trailer_differs,
	  "the block total length at its end, 36, is not the 44 at its start" },
	{ "caplen 13 of 12", caplen_beyond,
	  "captured length 13 goes beyond the 12 bytes" },
	{ "caplen 2^32-1", caplen_max,
	  "captured length 4294967295 goes beyond the 12 bytes" },
	{ "IDB option", idb_option_beyond, "option 2 of 5 bytes" },
	{ "EPB option", epb_option_beyond, "option 1 of 400 bytes" },
	{ "if_tsresol 2 bytes", tsresol_2_bytes, "if_tsresol of 2 bytes" },
	{ "if_tsoffset 4 bytes", tsoffset_4_bytes, "if_tsoffset of 4 bytes" },
	{ "if_tsresol 10^-20", tsresol_10_20, "units of 10^-20 seconds" },
	{ "if_tsresol 10^-127", tsresol_10_127, "units of 10^-127 seconds" },
	{ "if_tsresol 2^-64", tsresol_2_64, "units of 2^-64 seconds" },
	{ "EPB interface", unknown_interface,
	  "interface 1 is not described in this section (it has 1 so far)" },
	{ "PB interface", pb_unknown_interface, "interface 65535 is not" },
	{ "SPB first", spb_no_interface,
	  "a Simple Packet Block before any interface" },
	{ "SPB caplen", spb_caplen_beyond,
	  "captured length 100 goes beyond the 8 bytes" },
	{ "version 2.0", version_2_0, "pcapng version 2.0" },
	{ "version 1.1", version_1_1, "pcapng version 1.1" },
	{ "byte-order magic", bad_byte_order_magic, "is neither 1a 2b 3c 4d" },
	{ "cut header", cut_header,
	  "truncated: the file ends 2 bytes into a block header at byte" },
	{ "cut block", cut_block, "truncated: the file ends inside block of "
	  "type 6 (Enhanced Packet) at byte" },
};

static void one_bad_case(const struct bad_case *c, bool big)
{
	char at[64];
	struct ngimg m;
	struct rd d;
	struct pcapng_packet p;

	start(&m, big);
	c->build(&m);
	if (!rd_open(&d, &m))
		fail_msg("%s: %s", c->name, d.err);
	next_ok(&d, &p);
	assert_int_equal(pcapng_next(d.r, &p), -1);
	snprintf(at, sizeof at, "at byte %zu", bad_at);
	if (!strstr(pcapng_error(d.r), c->want) ||
	    !strstr(pcapng_error(d.r), at))
		fail_msg("%s (%s): \"%s\" does not say \"%s\" %s", c->name,
			 big ? "big-endian" : "little-endian",
			 pcapng_error(d.r), c->want, at);
	assert_int_equal(pcapng_offset(d.r), bad_at);
	rd_close(&d);
	ng_free(&m);
}

static void test_pcapng_damaged_blocks(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof bad_cases / sizeof *bad_cases; k++) {
		one_bad_case(&bad_cases[k], LE);
		one_bad_case(&bad_cases[k], BE);
	}
}

static void test_pcapng_not_pcapng(void **state)
{
	static const uint8_t classic[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4 };
	struct rd d;

	(void)state;
	assert_false(rd_open_prefix(&d, classic, sizeof classic, 0));
	assert_string_equal(d.err, "not a pcapng file: it does not begin "
			    "with a Section Header Block");
	fclose(d.f);
	assert_false(rd_open_prefix(&d, classic, 0, 0));
	assert_string_equal(d.err, "not a pcapng file: it does not begin "
			    "with a Section Header Block");
	fclose(d.f);
}

/* The first block is read by pcapng_open: its errors come from there. */
static void test_pcapng_open_checks_first_section(void **state)
{
	struct ngimg m;
	struct rd d;

	(void)state;
	ng_init(&m, BE);
	ng_shb(&m, 0, 1);
	assert_false(rd_open(&d, &m));
	assert_string_equal(d.err, "block of type 0x0A0D0D0A (Section "
			    "Header) at byte 0: pcapng version 0.1; this "
			    "reader takes 1.0 (and 1.2, read as 1.0)");
	fclose(d.f);
	ng_free(&m);
	start(&m, LE);
	assert_false(rd_open_prefix(&d, m.b, 20, 0));
	assert_string_equal(d.err, "truncated: the file ends inside block of "
			    "type 0x0A0D0D0A (Section Header) at byte 0 (was "
			    "the capture cut short?)");
	fclose(d.f);
	ng_free(&m);
}

static void test_pcapng_read_error(void **state)
{
	struct ngimg m;
	struct pcapng *r;
	char err[256];
	FILE *f = fopen("/dev/null", "w");	/* reading it fails */

	(void)state;
	assert_non_null(f);
	start(&m, LE);
	r = pcapng_open(f, m.b, 8, err, sizeof err);
	assert_null(r);
	assert_non_null(strstr(err, "read error after byte 8: "));
	fclose(f);
	ng_free(&m);
}

/* --- every prefix of a valid file ---------------------------------------- */

/* Every kind of block, two sections in two byte orders; ends[] gets the
 * offset after each block. */
static size_t build_everything(struct ngimg *m, size_t *ends, size_t max)
{
	size_t n = 0;

#define END() (n < max ? (void)(ends[n++] = m->len) : abort())
	ng_init(m, LE);
	ng_shb(m, 1, 0); END();
	ng_idb_begin(m, 1, 96);
	ng_opt(m, 2, "eth0", 4);
	ng_opt(m, 9, "\x09", 1);
	ng_opt_end(m);
	ng_end(m); END();
	ng_epb(m, 0, 1700000000000000001u, 21, 60, NULL); END();
	ng_block(m, 4, "name", 4); END();
	ng_idb(m, 0, 0); END();
	ng_pb(m, 1, US(T0, 1), 5, 5, NULL); END();
	ng_spb(m, 200, NULL, 96); END();
	ng_set_order(m, BE);
	ng_shb(m, 1, 0); END();
	ng_idb(m, 101, 0); END();
	ng_block(m, 5, "stats...", 8); END();
	ng_epb_begin(m, 0, US(T0, 2), 3, 3, NULL);
	ng_opt(m, 1, "x", 1);
	ng_end(m); END();
#undef END
	return n;
}

struct seen {			/* no padding: compared with memcmp */
	uint64_t end;		/* pcapng_offset after it */
	int64_t sec;
	uint32_t caplen, wirelen, interface, nsec;
};

static size_t read_all(struct rd *d, struct seen *out, size_t max)
{
	struct pcapng_packet p;
	size_t n = 0;

	while (n < max && pcapng_next(d->r, &p) == 1) {
		struct seen s = { pcapng_offset(d->r), p.ts_sec, p.caplen,
				  p.wirelen, p.interface, p.ts_nsec };

		check_pattern(&p);
		out[n++] = s;
	}
	return n;
}

static bool is_end(const size_t *ends, size_t n, size_t len)
{
	for (size_t k = 0; k < n; k++)
		if (ends[k] == len)
			return true;
	return false;
}

/* Cut after every byte, with the first 0 to 12 bytes as a prefix: the
 * packets of the whole blocks before the cut, then a clean end at a block
 * boundary and a truncation error anywhere else. */
static void test_pcapng_cut_at_every_byte(void **state)
{
	struct ngimg m;
	size_t ends[16], nends;
	struct seen all[8], got[8];
	size_t nall;
	struct rd d;

	(void)state;
	nends = build_everything(&m, ends, 16);
	assert_true(rd_open(&d, &m));
	nall = read_all(&d, all, 8);
	at_end(&d);
	rd_close(&d);
	assert_int_equal(nall, 4);
	for (size_t len = 0; len <= m.len; len++) {
		/* Exactly len bytes: ASan sees a read past them. */
		uint8_t *cut = malloc(len ? len : 1);
		size_t nprefix = len % 13 < len ? len % 13 : len;
		size_t n, want = 0;

		assert_non_null(cut);
		memcpy(cut, m.b, len);
		if (!rd_open_prefix(&d, cut, len, nprefix)) {
			assert_true(len < ends[0]);
			assert_non_null(strstr(d.err, len < 4 ? "not a pcapng"
							      : "truncated"));
			fclose(d.f);
			free(cut);
			continue;
		}
		assert_true(len >= ends[0]);
		n = read_all(&d, got, 8);
		while (want < nall && all[want].end <= len)
			want++;
		assert_int_equal(n, want);
		assert_memory_equal(got, all, n * sizeof *got);
		if (is_end(ends, nends, len)) {
			at_end(&d);
		} else {
			fails_with(&d, "truncated: the file ends ");
			assert_true(pcapng_offset(d.r) < len);
		}
		rd_close(&d);
		free(cut);
	}
	ng_free(&m);
}

/* The caller may have taken any number of bytes already: the magic, the
 * whole first block and more, or the whole file. */
static void test_pcapng_prefix(void **state)
{
	struct ngimg m;
	size_t ends[16];
	struct seen all[8], got[8];
	size_t nall;
	struct rd d;

	(void)state;
	build_everything(&m, ends, 16);
	assert_true(rd_open(&d, &m));
	nall = read_all(&d, all, 8);
	rd_close(&d);
	for (size_t nprefix = 0; nprefix <= m.len; nprefix++) {
		assert_true(rd_open_prefix(&d, m.b, m.len, nprefix));
		assert_int_equal(read_all(&d, got, 8), nall);
		assert_memory_equal(got, all, nall * sizeof *got);
		at_end(&d);
		assert_int_equal(pcapng_offset(d.r), m.len);
		rd_close(&d);
	}
	ng_free(&m);
}

/* --- fuzz seeds ---------------------------------------------------------- */

static int write_seed(const char *dir, const char *name,
		      const struct ngimg *m)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(m->b, 1, m->len, f) != m->len || fclose(f) != 0) {
		fprintf(stderr, "test_pcapng: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* The valid images above, as seeds of tests/fuzz/fuzz_pcapng.c. */
static int write_seeds(const char *dir)
{
	struct ngimg m;
	size_t ends[16];
	int failed = 0;

	build_everything(&m, ends, 16);
	failed |= write_seed(dir, "every-block-two-sections", &m);
	ng_free(&m);
	build_two_sections(&m);
	failed |= write_seed(dir, "sections-le-be-ether-null-raw", &m);
	ng_free(&m);
	build_skipped_blocks(&m, BE);
	failed |= write_seed(dir, "skipped-blocks-be", &m);
	ng_free(&m);
	build_interface_options(&m);
	failed |= write_seed(dir, "interface-options-be", &m);
	ng_free(&m);
	build_timestamps(&m);
	failed |= write_seed(dir, "timestamp-resolutions-offsets", &m);
	ng_free(&m);
	return failed;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_little_endian),
		cmocka_unit_test(test_pcapng_big_endian),
		cmocka_unit_test(test_pcapng_sections_switch_byte_order),
		cmocka_unit_test(test_pcapng_section_resets_interfaces),
		cmocka_unit_test(test_pcapng_mixed_link_types),
		cmocka_unit_test(test_pcapng_dlts_are_the_decoded_ones),
		cmocka_unit_test(test_pcapng_interface_options),
		cmocka_unit_test(test_pcapng_packet_options_odd_lengths),
		cmocka_unit_test(test_pcapng_too_many_interfaces),
		cmocka_unit_test(test_pcapng_timestamps),
		cmocka_unit_test(test_pcapng_simple_packet_block),
		cmocka_unit_test(test_pcapng_obsolete_packet_block),
		cmocka_unit_test(test_pcapng_unknown_blocks_skipped),
		cmocka_unit_test(test_pcapng_block_larger_than_buffer),
		cmocka_unit_test(test_pcapng_many_packets),
		cmocka_unit_test(test_pcapng_damaged_blocks),
		cmocka_unit_test(test_pcapng_not_pcapng),
		cmocka_unit_test(test_pcapng_open_checks_first_section),
		cmocka_unit_test(test_pcapng_read_error),
		cmocka_unit_test(test_pcapng_cut_at_every_byte),
		cmocka_unit_test(test_pcapng_prefix),
	};

	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
