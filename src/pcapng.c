/* pcapng.c: a strict reader of pcapng capture files, every section and
 * interface whatever its byte order, link type or snapshot length.
 *
 * Follows "PCAP Next Generation (pcapng) Capture File Format",
 * draft-ietf-opsawg-pcapng (IETF OPSAWG).  The blocks it reads, offsets in
 * bytes from the block's start, every number in its section's byte order:
 *
 *   Every block (general block structure)   Option (in SHB, IDB, EPB, PB)
 *    0  Block Type                           0  Option Code | Option Length
 *    4  Block Total Length (multiple of 4)   4  Value, padded to 4 bytes
 *    8  Block Body, padded to 4 bytes        code 0 (opt_endofopt) ends the
 *       Block Total Length again             list, as does the block's end
 *
 *   Section Header Block, type 0x0A0D0D0A   Interface Description Block, 1
 *    8  Byte-Order Magic 0x1A2B3C4D          8  LinkType (16) | Reserved (16)
 *   12  Major (16) | Minor Version (16)     12  SnapLen (0: no limit)
 *   16  Section Length (64, may be -1)      16  Options: if_name 2,
 *   24  Options                                 if_tsresol 9, if_tsoffset 14
 *
 *   Enhanced Packet Block, 6                Packet Block, 2 (obsolete)
 *    8  Interface ID                         8  Interface ID (16) | Drops (16)
 *   12  Timestamp (High)                    12  Timestamp (High)
 *   16  Timestamp (Low)                     16  Timestamp (Low)
 *   20  Captured Packet Length              20  Captured Packet Length
 *   24  Original Packet Length              24  Original Packet Length
 *   28  Packet Data, padded; Options        28  Packet Data, padded; Options
 *
 *   Simple Packet Block, 3: the section's first interface, no time
 *    8  Original Packet Length
 *   12  Packet Data: min(Original Packet Length, SnapLen) bytes, padded
 *
 * Every other block (Name Resolution 4, Interface Statistics 5, Decryption
 * Secrets 10, systemd Journal Export 9, Custom 0xBAD and 0x40000BAD,
 * unknown types) is skipped whole after its lengths are checked.
 *
 * Interface IDs count from 0 in each section; a new Section Header Block,
 * possibly in the other byte order, starts a new list.  Packets carry a
 * number that keeps counting across sections instead, so a caller's state
 * per interface never mixes two sections' interfaces.
 *
 * Deliberately stricter or looser than the draft: a section of a version
 * other than 1.0 (or 1.2, which the draft says to read as 1.0) stops the
 * reader, as libpcap and Wireshark do, rather than being skipped; bytes
 * after opt_endofopt are ignored.
 */
#include "pcapng.h"

#include <errno.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "span.h"
#include "tunables.h"

enum block_type {
	BT_IDB = 1, BT_PB = 2, BT_SPB = 3, BT_NRB = 4, BT_ISB = 5, BT_EPB = 6,
	BT_SHB = PCAPNG_MAGIC
};

/* The shortest block of each type: its fixed fields and both lengths. */
enum {
	BLOCK_MIN = 12, SHB_MIN = 28, IDB_MIN = 20, EPB_MIN = 32, PB_MIN = 32,
	SPB_MIN = 16
};
#define TRAILER 4		/* the trailing copy of the total length */
#define PACKET_DATA 28		/* where an EPB's or PB's data starts */
#define SPB_DATA 12
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

enum { OPT_ENDOFOPT = 0, IF_NAME = 2, IF_TSRESOL = 9, IF_TSOFFSET = 14 };
#define TSRESOL_DEFAULT 6	/* microseconds, when if_tsresol is absent */
#define TSRESOL_POW2 0x80	/* top bit: a negative power of 2 */
#define TSRESOL_MAX10 19	/* 10^19 units per second still fit 64 bits */
#define TSRESOL_MAX2 63		/* and so do 2^63 */
#define NSEC 1000000000u

/* LINKTYPE_ values (draft-ietf-opsawg-pcaplinktype) lucsaudit decodes. */
enum {
	LT_NULL = 0, LT_ETHERNET = 1, LT_DLT_RAW = 12, LT_RAW = 101,
	LT_LOOP = 108, LT_LINUX_SLL = 113, LT_IPV4 = 228, LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276
};

struct iface {
	struct pcapng_interface pub;
	char *name;		/* pub.name, owned */
	bool pow2;		/* units is 2^shift */
	unsigned shift;
	uint64_t units;		/* timestamp units per second */
	uint32_t nsec_mul;	/* powers of 10: the nanoseconds of a */
	uint64_t nsec_div;	/* fraction are frac * mul / div */
};

enum state { READING, ENDED, FAILED };

struct pcapng {
	FILE *f;
	bool stream;		/* f is a pipe, a socket or a terminal */
	uint8_t *buf;
	size_t cap;		/* bytes at buf */
	size_t pos;		/* the next block starts at buf[pos] */
	size_t end;		/* bytes read into buf */
	bool eof;		/* f has no more */
	uint64_t offset;	/* file offset of buf[pos] */
	uint32_t type;		/* the block being read */
	bool big;		/* the section is big-endian */
	struct iface *ifs;	/* every section's, in file order */
	uint32_t nifs, ifcap;
	uint32_t section_base;	/* the section's first in ifs */
	enum state state;
	char err[256];
};

/* --- errors ---------------------------------------------------------- */

/* "block of type 6 (Enhanced Packet)": the number as the draft's registry
 * writes it (hex for the large ones), the name when we know it. */
static void describe(uint32_t type, char *buf, size_t size)
{
	static const char *const names[] = {
		[BT_IDB] = "Interface Description", [BT_PB] = "Packet",
		[BT_SPB] = "Simple Packet", [BT_NRB] = "Name Resolution",
		[BT_ISB] = "Interface Statistics", [BT_EPB] = "Enhanced Packet"
	};
	const char *name = type == BT_SHB ? "Section Header"
			   : type < sizeof names / sizeof *names ? names[type]
								 : NULL;

	snprintf(buf, size, type < 0x10000 ? "block of type %lu%s%s%s"
					   : "block of type 0x%08lX%s%s%s",
		 (unsigned long)type, name ? " (" : "", name ? name : "",
		 name ? ")" : "");
}

/* Stop reading: say why in r->err, after the block it is about when
 * in_block (fail), or alone (fail_file).  Returns -1. */
static int say(struct pcapng *r, bool in_block, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(struct pcapng *r, bool in_block, const char *fmt, ...)
{
	char what[64];
	va_list ap;
	int n = 0;

	if (in_block) {
		describe(r->type, what, sizeof what);
		n = snprintf(r->err, sizeof r->err, "%s at byte %llu: ", what,
			     (unsigned long long)r->offset);
	}
	if (n < 0 || (size_t)n >= sizeof r->err)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}
#define fail(r, ...) say(r, true, __VA_ARGS__)
#define fail_file(r, ...) say(r, false, __VA_ARGS__)

static int truncated(struct pcapng *r, size_t have)
{
	char what[64];

	describe(r->type, what, sizeof what);
	if (have < 4)
		return fail_file(r, "truncated: the file ends %zu bytes into "
				 "a block header at byte %llu (was the capture "
				 "cut short?)", have,
				 (unsigned long long)r->offset);
	return fail_file(r, "truncated: the file ends inside %s at byte %llu "
			 "(was the capture cut short?)", what,
			 (unsigned long long)r->offset);
}

/* --- the read buffer --------------------------------------------------- */

/* Double the buffer, but not beyond limit. */
static bool grow(struct pcapng *r, size_t limit)
{
	size_t cap = r->cap * 2 < limit ? r->cap * 2 : limit;
	uint8_t *buf = realloc(r->buf, cap);

	if (!buf)
		return false;
	r->buf = buf;
	r->cap = cap;
	return true;
}

/* One large read into the free end of the buffer; from a stream, only
 * the n bytes the block needs (fread waits for all it is asked for, and a
 * pipe from a live capture may stay quiet after the block: its packets
 * must not wait for the next megabyte, as libpcap's do not). */
static int read_more(struct pcapng *r, size_t n)
{
	size_t want = (r->stream && n < r->cap ? n : r->cap) - r->end, got;

	errno = 0;
	got = fread(r->buf + r->end, 1, want, r->f);
	r->end += got;
	if (got < want) {
		if (ferror(r->f))
			return fail_file(r, "read error after byte %llu: %s",
					 (unsigned long long)(r->offset + r->end),
					 strerror(errno ? errno : EIO));
		r->eof = true;
	}
	return 1;
}

/* 1 when n bytes are in the buffer at r->pos, reading what is missing in
 * large chunks; 0 when the file ends first; -1 on a read error.  The
 * buffer grows to LUCS_PCAPNG_BUFFER once the file is longer than it,
 * and beyond for a long block only as the block's bytes arrive: a short
 * file costs little memory, whatever lengths it claims. */
static int fill(struct pcapng *r, size_t n)
{
	size_t have = r->end - r->pos;

	if (have >= n)
		return 1;
	if (r->eof)
		return 0;
	/* What is left is less than one block: moving it to the front
	 * leaves room for a large read. */
	memmove(r->buf, r->buf + r->pos, have);
	r->pos = 0;
	r->end = have;
	while (r->end < n && !r->eof) {
		bool full = r->end == r->cap;
		bool long_file = r->cap < LUCS_PCAPNG_BUFFER &&
				 r->offset >= r->cap;

		if ((full || long_file) &&
		    !grow(r, n > LUCS_PCAPNG_BUFFER ? n : LUCS_PCAPNG_BUFFER))
			return fail_file(r, "out of memory for a block of %zu "
					 "bytes at byte %llu", n,
					 (unsigned long long)r->offset);
		if (read_more(r, n) < 0)
			return -1;
	}
	return r->end >= n;
}

/* --- numbers in the section's byte order ------------------------------- */

static inline bool get16(const struct pcapng *r, struct span s,
			 size_t off, uint16_t *v)
{
	return r->big ? read_be16(s, off, v) : read_le16(s, off, v);
}

static inline bool get32(const struct pcapng *r, struct span s,
			 size_t off, uint32_t *v)
{
	return r->big ? read_be32(s, off, v) : read_le32(s, off, v);
}

static inline bool get64(const struct pcapng *r, struct span s,
			 size_t off, uint64_t *v)
{
	return r->big ? read_be64(s, off, v) : read_le64(s, off, v);
}

/* --- blocks ------------------------------------------------------------ */

/* A Section Header Block sets the byte order of its own lengths. */
static int section_order(struct pcapng *r)
{
	struct span s;
	uint32_t be, le;
	int got = fill(r, 12);

	if (got <= 0)
		return got < 0 ? -1 : truncated(r, r->end - r->pos);
	s = span_make(r->buf + r->pos, 12);
	if (!read_be32(s, 8, &be) || !read_le32(s, 8, &le))
		return truncated(r, r->end - r->pos);
	if (be != BYTE_ORDER_MAGIC && le != BYTE_ORDER_MAGIC)
		return fail(r, "byte-order magic %02x %02x %02x %02x is neither "
			    "1a 2b 3c 4d (big-endian) nor 4d 3c 2b 1a "
			    "(little-endian)", s.p[8], s.p[9], s.p[10], s.p[11]);
	r->big = be == BYTE_ORDER_MAGIC;
	return 1;
}

static int check_lengths(struct pcapng *r, uint32_t len)
{
	if (len < BLOCK_MIN)
		return fail(r, "block total length %lu is below %d, the "
			    "length of a block without a body",
			    (unsigned long)len, BLOCK_MIN);
	if (len % 4)
		return fail(r, "block total length %lu is not a multiple of 4",
			    (unsigned long)len);
	if (len > LUCS_PCAPNG_MAX_BLOCK)
		return fail(r, "block total length %lu is above %d bytes, "
			    "the longest this reader takes",
			    (unsigned long)len, LUCS_PCAPNG_MAX_BLOCK);
	return 1;
}

/* The next whole block into *blk, its lengths checked: 1; 0 when the file
 * ends between blocks; -1 on an error. */
static int next_block(struct pcapng *r, struct span *blk)
{
	uint32_t len = 0, trailer = 0;
	size_t have;
	int got = fill(r, 8);

	if (got < 0)
		return -1;
	have = r->end - r->pos;
	*blk = span_make(r->buf + r->pos, have);
	if (have >= 4)
		get32(r, *blk, 0, &r->type);
	if (!got)
		return have ? truncated(r, have) : 0;
	if (r->type == BT_SHB && section_order(r) < 0)
		return -1;
	get32(r, span_make(r->buf + r->pos, 8), 4, &len);
	if (check_lengths(r, len) < 0)
		return -1;
	got = fill(r, len);
	if (got <= 0)
		return got < 0 ? -1 : truncated(r, r->end - r->pos);
	*blk = span_make(r->buf + r->pos, len);
	if (!get32(r, *blk, len - TRAILER, &trailer) || trailer != len)
		return fail(r, "the block total length at its end, %lu, is "
			    "not the %lu at its start", (unsigned long)trailer,
			    (unsigned long)len);
	return 1;
}

static int too_short(struct pcapng *r, struct span b, int min)
{
	return fail(r, "block total length %zu is below %d, the fixed part "
		    "of this block type", b.len, min);
}

/* n rounded up to a multiple of 4: the padding after data and options. */
static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

typedef bool option_fn(struct pcapng *r, uint16_t code, struct span value,
		       void *ctx);

/* Walk the options from off to the trailer, each length checked, handing
 * each to fn (NULL: only check them). */
static int walk_options(struct pcapng *r, struct span b, size_t off,
			option_fn *fn, void *ctx)
{
	struct span opts;

	if (!span_tail(span_clamp(b, b.len - TRAILER), off, &opts))
		return fail(r, "the packet data runs into the block's end");
	while (opts.len > 0) {
		uint16_t code, len;
		size_t padded;
		struct span value;

		if (!get16(r, opts, 0, &code) || !get16(r, opts, 2, &len))
			return fail(r, "%zu bytes after the options, too few "
				    "for an option header", opts.len);
		if (code == OPT_ENDOFOPT)
			break;
		padded = pad4(len);
		if (!span_has(opts, 4, padded))
			return fail(r, "option %u of %u bytes (padded to %zu) "
				    "goes beyond the block: %zu bytes left",
				    code, len, padded, opts.len - 4);
		value = span_make(opts.p + 4, len);
		if (fn && !fn(r, code, value, ctx))
			return -1;
		span_tail(opts, 4 + padded, &opts);
	}
	return 1;
}

static int read_shb(struct pcapng *r, struct span b)
{
	uint16_t major, minor;

	if (b.len < SHB_MIN)
		return too_short(r, b, SHB_MIN);
	get16(r, b, 12, &major);
	get16(r, b, 14, &minor);
	if (major != 1 || (minor != 0 && minor != 2))
		return fail(r, "pcapng version %u.%u; this reader takes 1.0 "
			    "(and 1.2, read as 1.0)", major, minor);
	if (walk_options(r, b, 24, NULL, NULL) < 0)
		return -1;
	r->section_base = r->nifs;
	return 0;
}

/* The DLT_ of the link types decode-link.c decodes, -1 for the others.
 * LINKTYPE_ and DLT_ differ for RAW and LOOP (DLT_RAW is 12 or 14 by
 * platform); some old writers put DLT_RAW's 12 in the file, which libpcap
 * and Wireshark read as raw IP too. */
static int linktype_dlt(int linktype)
{
	switch (linktype) {
	case LT_NULL:
		return DLT_NULL;
	case LT_ETHERNET:
		return DLT_EN10MB;
	case LT_DLT_RAW:
	case LT_RAW:
		return DLT_RAW;
	case LT_LOOP:
		return DLT_LOOP;
	case LT_LINUX_SLL:
		return DLT_LINUX_SLL;
	case LT_IPV4:
		return DLT_IPV4;
	case LT_IPV6:
		return DLT_IPV6;
	case LT_LINUX_SLL2:
		return DLT_LINUX_SLL2;
	default:
		return -1;
	}
}

static bool set_name(struct pcapng *r, struct iface *i, struct span v)
{
	const uint8_t *nul = memchr(v.p, 0, v.len);
	size_t n = nul ? (size_t)(nul - v.p) : v.len;
	char *name = malloc(n + 1);

	if (!name) {
		fail(r, "out of memory for if_name");
		return false;
	}
	memcpy(name, v.p, n);
	name[n] = '\0';
	free(i->name);
	i->name = name;
	i->pub.name = name;
	return true;
}

static bool idb_option(struct pcapng *r, uint16_t code, struct span v,
		       void *ctx)
{
	struct iface *i = ctx;
	uint64_t u;

	switch (code) {
	case IF_NAME:
		return set_name(r, i, v);
	case IF_TSRESOL:
		if (v.len != 1) {
			fail(r, "if_tsresol of %zu bytes, not 1", v.len);
			return false;
		}
		i->pub.tsresol = v.p[0];
		return true;
	case IF_TSOFFSET:
		if (v.len != 8 || !get64(r, v, 0, &u)) {
			fail(r, "if_tsoffset of %zu bytes, not 8", v.len);
			return false;
		}
		/* Two's complement without an implementation-defined cast. */
		i->pub.tsoffset = u <= INT64_MAX ? (int64_t)u
						 : -(int64_t)(~u) - 1;
		return true;
	default:		/* if_fcslen and the rest: not needed */
		return true;
	}
}

/* Units per second and the nanosecond conversion of if_tsresol, or an
 * error for a resolution 64-bit timestamps cannot count. */
static int set_resolution(struct pcapng *r, struct iface *i)
{
	unsigned e = i->pub.tsresol & ~TSRESOL_POW2;

	i->pow2 = i->pub.tsresol & TSRESOL_POW2;
	if (i->pow2) {
		if (e > TSRESOL_MAX2)
			return fail(r, "if_tsresol 0x%02x: units of 2^-%u "
				    "seconds, finer than 64-bit timestamps "
				    "can count (2^-%d at most)",
				    i->pub.tsresol, e, TSRESOL_MAX2);
		i->shift = e;
		i->units = (uint64_t)1 << e;
		return 1;
	}
	if (e > TSRESOL_MAX10)
		return fail(r, "if_tsresol %u: units of 10^-%u seconds, finer "
			    "than 64-bit timestamps can count (10^-%d at most)",
			    i->pub.tsresol, e, TSRESOL_MAX10);
	i->units = 1;
	for (unsigned k = 0; k < e; k++)
		i->units *= 10;
	i->nsec_mul = 1;
	i->nsec_div = 1;
	for (unsigned k = e; k < 9; k++)
		i->nsec_mul *= 10;
	for (unsigned k = 9; k < e; k++)
		i->nsec_div *= 10;
	return 1;
}

static int read_idb(struct pcapng *r, struct span b)
{
	struct iface i = { .pub = { .tsresol = TSRESOL_DEFAULT } };
	uint16_t linktype;

	if (b.len < IDB_MIN)
		return too_short(r, b, IDB_MIN);
	if (r->nifs >= LUCS_PCAPNG_MAX_INTERFACES)
		return fail(r, "more than %d interfaces in one file",
			    LUCS_PCAPNG_MAX_INTERFACES);
	get16(r, b, 8, &linktype);
	get32(r, b, 12, &i.pub.snaplen);
	i.pub.linktype = linktype;
	i.pub.dlt = linktype_dlt(linktype);
	if (walk_options(r, b, 16, idb_option, &i) < 0 ||
	    set_resolution(r, &i) < 0)
		goto bad;
	if (r->nifs == r->ifcap) {
		uint32_t cap = r->ifcap ? r->ifcap * 2 : 8;
		struct iface *ifs = realloc(r->ifs, cap * sizeof *ifs);

		if (!ifs) {
			fail(r, "out of memory for %lu interfaces",
			     (unsigned long)cap);
			goto bad;
		}
		r->ifs = ifs;
		r->ifcap = cap;
	}
	r->ifs[r->nifs++] = i;
	return 0;
bad:
	free(i.name);
	return -1;
}

/* floor(a * b / 2^k) without overflow, for a below 2^k and k up to 63. */
static uint64_t mul_shift(uint64_t a, uint32_t b, unsigned k)
{
	uint64_t lo = (a & 0xffffffffu) * b, hi = (a >> 32) * b;

	if (k < 32)		/* then a < 2^32 and hi is 0 */
		return lo >> k;
	return (hi + (lo >> 32)) >> (k - 32);
}

/* whole + offset as int64_t seconds; false when it does not fit. */
static bool add_offset(uint64_t whole, int64_t offset, int64_t *sec)
{
	uint64_t back, d;

	if (offset >= 0) {
		if (whole > (uint64_t)INT64_MAX - (uint64_t)offset)
			return false;
		*sec = (int64_t)(whole + (uint64_t)offset);
		return true;
	}
	back = (uint64_t)(-(offset + 1)) + 1;	/* |offset|, up to 2^63 */
	if (whole >= back) {
		d = whole - back;
		if (d > INT64_MAX)
			return false;
		*sec = (int64_t)d;
		return true;
	}
	d = back - whole;	/* 1 to 2^63: d - 1 fits int64_t */
	*sec = -(int64_t)(d - 1) - 1;
	return true;
}

static void set_time(struct pcapng_packet *pkt, const struct iface *i,
		     uint64_t ts)
{
	uint64_t whole, frac;

	if (i->pow2) {
		whole = ts >> i->shift;
		frac = ts & (i->units - 1);
		pkt->ts_nsec = (uint32_t)mul_shift(frac, NSEC, i->shift);
	} else {
		whole = ts / i->units;
		frac = ts % i->units;
		pkt->ts_nsec = (uint32_t)(frac * i->nsec_mul / i->nsec_div);
	}
	pkt->ts_valid = add_offset(whole, i->pub.tsoffset, &pkt->ts_sec);
	if (!pkt->ts_valid) {
		pkt->ts_sec = 0;
		pkt->ts_nsec = 0;
	}
}

/* A packet of the section's interface id whose data starts at off. */
static int deliver(struct pcapng *r, struct span b, size_t off, uint32_t id,
		   uint32_t caplen, struct pcapng_packet *pkt)
{
	size_t room = b.len - TRAILER - off;	/* b.len >= off + TRAILER */
	const struct iface *i;

	if (id >= r->nifs - r->section_base)
		return fail(r, "interface %lu is not described in this section "
			    "(it has %lu so far)", (unsigned long)id,
			    (unsigned long)(r->nifs - r->section_base));
	if (caplen > room)
		return fail(r, "captured length %lu goes beyond the %zu bytes "
			    "of packet data the block holds",
			    (unsigned long)caplen, room);
	i = &r->ifs[r->section_base + id];
	pkt->data = b.p + off;
	pkt->caplen = caplen;
	pkt->interface = r->section_base + id;
	pkt->dlt = i->pub.dlt;
	pkt->linktype = i->pub.linktype;
	pkt->snaplen = i->pub.snaplen;
	pkt->ts_valid = false;
	pkt->ts_sec = 0;
	pkt->ts_nsec = 0;
	return 1;
}

/* Enhanced Packet Blocks and the obsolete Packet Blocks differ only in
 * the width of the interface ID. */
static int read_packet(struct pcapng *r, struct span b,
		       struct pcapng_packet *pkt)
{
	uint32_t id, hi, lo, caplen;

	if (b.len < (r->type == BT_EPB ? EPB_MIN : PB_MIN))
		return too_short(r, b, r->type == BT_EPB ? EPB_MIN : PB_MIN);
	if (r->type == BT_EPB) {
		get32(r, b, 8, &id);
	} else {
		uint16_t id16;

		get16(r, b, 8, &id16);
		id = id16;
	}
	get32(r, b, 12, &hi);
	get32(r, b, 16, &lo);
	get32(r, b, 20, &caplen);
	get32(r, b, 24, &pkt->wirelen);
	if (deliver(r, b, PACKET_DATA, id, caplen, pkt) < 0 ||
	    walk_options(r, b, PACKET_DATA + pad4(caplen), NULL, NULL) < 0)
		return -1;
	set_time(pkt, &r->ifs[pkt->interface], (uint64_t)hi << 32 | lo);
	return 1;
}

/* A Simple Packet Block's captured length is not written: the draft makes
 * it the smaller of the original length and the snapshot length (the
 * block's data also holds padding). */
static int read_spb(struct pcapng *r, struct span b, struct pcapng_packet *pkt)
{
	uint32_t caplen;

	if (b.len < SPB_MIN)
		return too_short(r, b, SPB_MIN);
	if (r->nifs == r->section_base)
		return fail(r, "a Simple Packet Block before any interface "
			    "is described in its section");
	get32(r, b, 8, &pkt->wirelen);
	caplen = pkt->wirelen;
	if (r->ifs[r->section_base].pub.snaplen &&
	    caplen > r->ifs[r->section_base].pub.snaplen)
		caplen = r->ifs[r->section_base].pub.snaplen;
	return deliver(r, b, SPB_DATA, 0, caplen, pkt);
}

/* 1: a packet in *pkt; 0: another block, read; -1: an error. */
static int read_block(struct pcapng *r, struct span b,
		      struct pcapng_packet *pkt)
{
	switch (r->type) {
	case BT_SHB:
		return read_shb(r, b);
	case BT_IDB:
		return read_idb(r, b);
	case BT_EPB:
	case BT_PB:
		return read_packet(r, b, pkt);
	case BT_SPB:
		return read_spb(r, b, pkt);
	default:		/* NRB, ISB, DSB, custom, unknown */
		return 0;
	}
}

/* --- the API ----------------------------------------------------------- */

/* Read blocks until a packet, the end or an error; a block is consumed
 * once read, so that after an error the offset is the bad block's. */
static int step(struct pcapng *r, struct pcapng_packet *pkt)
{
	for (;;) {
		struct span b;
		int rc = next_block(r, &b);

		if (rc <= 0)
			return rc;
		rc = read_block(r, b, pkt);
		if (rc < 0)
			return rc;
		r->pos += b.len;
		r->offset += b.len;
		if (rc > 0)
			return rc;
	}
}

int pcapng_next(struct pcapng *r, struct pcapng_packet *pkt)
{
	int rc;

	if (r->state != READING)
		return r->state == ENDED ? 0 : -1;
	rc = step(r, pkt);
	if (rc == 0)
		r->state = ENDED;
	else if (rc < 0)
		r->state = FAILED;
	return rc;
}

/* The file must open with a Section Header Block that this reader takes. */
static int first_section(struct pcapng *r)
{
	struct span b;
	uint32_t magic;
	int got = fill(r, 4);

	if (got < 0)
		return -1;
	b = span_make(r->buf, r->end);
	if (!got || !read_le32(b, 0, &magic) || magic != PCAPNG_MAGIC)
		return fail_file(r, "not a pcapng file: it does not begin "
				 "with a Section Header Block");
	if (next_block(r, &b) <= 0 || read_shb(r, b) < 0)
		return -1;
	r->pos += b.len;
	r->offset += b.len;
	return 1;
}

struct pcapng *pcapng_open(FILE *f, const void *prefix, size_t nprefix,
			   char *err, size_t errlen)
{
	struct pcapng *r = calloc(1, sizeof *r);
	struct stat st;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = f;
	r->stream = fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISBLK(st.st_mode);
	r->cap = nprefix > LUCS_PCAPNG_FIRST_BUFFER ? nprefix
						    : LUCS_PCAPNG_FIRST_BUFFER;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		snprintf(err, errlen, "out of memory");
		pcapng_close(r);
		return NULL;
	}
	if (nprefix)
		memcpy(r->buf, prefix, nprefix);
	r->end = nprefix;
	if (first_section(r) < 0) {
		snprintf(err, errlen, "%s", r->err);
		pcapng_close(r);
		return NULL;
	}
	return r;
}

const char *pcapng_error(const struct pcapng *r)
{
	return r->err;
}

uint64_t pcapng_offset(const struct pcapng *r)
{
	return r->offset;
}

uint32_t pcapng_interfaces(const struct pcapng *r)
{
	return r->nifs;
}

bool pcapng_interface(const struct pcapng *r, uint32_t n,
		      struct pcapng_interface *out)
{
	if (n >= r->nifs)
		return false;
	*out = r->ifs[n].pub;
	return true;
}

void pcapng_close(struct pcapng *r)
{
	if (!r)
		return;
	for (uint32_t k = 0; k < r->nifs; k++)
		free(r->ifs[k].name);
	free(r->ifs);
	free(r->buf);
	free(r);
}
