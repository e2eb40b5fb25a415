/* span.h: the only way lucsaudit reads packet bytes: bounds-checked getters.
 *
 * A span is a pointer and the number of bytes captured from it on.  Every
 * getter checks its offset and width against that length with comparisons
 * that cannot overflow (n > len - off, never off + n > len), and builds
 * integers byte by byte, so no decoder ever casts packet memory to a struct
 * or reads past what libpcap captured.
 */
#ifndef LUCS_SPAN_H
#define LUCS_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
	const uint8_t *p;
	size_t len;		/* bytes readable at p */
};

static inline struct span span_make(const uint8_t *p, size_t len)
{
	struct span s = { p, len };
	return s;
}

/* True when n bytes are readable at off. */
static inline bool span_has(struct span s, size_t off, size_t n)
{
	return off <= s.len && n <= s.len - off;
}

static inline bool read_u8(struct span s, size_t off, uint8_t *v)
{
	if (!span_has(s, off, 1))
		return false;
	*v = s.p[off];
	return true;
}

static inline bool read_be16(struct span s, size_t off, uint16_t *v)
{
	if (!span_has(s, off, 2))
		return false;
	*v = (uint16_t)((uint16_t)s.p[off] << 8 | s.p[off + 1]);
	return true;
}

static inline bool read_be32(struct span s, size_t off, uint32_t *v)
{
	if (!span_has(s, off, 4))
		return false;
	*v = (uint32_t)s.p[off] << 24 | (uint32_t)s.p[off + 1] << 16 |
	     (uint32_t)s.p[off + 2] << 8 | (uint32_t)s.p[off + 3];
	return true;
}

static inline bool read_le16(struct span s, size_t off, uint16_t *v)
{
	if (!span_has(s, off, 2))
		return false;
	*v = (uint16_t)((uint16_t)s.p[off + 1] << 8 | s.p[off]);
	return true;
}

static inline bool read_le32(struct span s, size_t off, uint32_t *v)
{
	if (!span_has(s, off, 4))
		return false;
	*v = (uint32_t)s.p[off + 3] << 24 | (uint32_t)s.p[off + 2] << 16 |
	     (uint32_t)s.p[off + 1] << 8 | (uint32_t)s.p[off];
	return true;
}

/* 64-bit fields (pcapng's if_tsoffset, section length), 32-bit aligned at
 * best: built from two 32-bit halves. */
static inline bool read_be64(struct span s, size_t off, uint64_t *v)
{
	uint32_t hi, lo;

	if (!read_be32(s, off, &hi) || !read_be32(s, off + 4, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

static inline bool read_le64(struct span s, size_t off, uint64_t *v)
{
	uint32_t hi, lo;

	if (!read_le32(s, off, &lo) || !read_le32(s, off + 4, &hi))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

static inline bool read_bytes(struct span s, size_t off, void *dst, size_t n)
{
	if (!span_has(s, off, n))
		return false;
	memcpy(dst, s.p + off, n);
	return true;
}

/* The bytes from off on; false when off lies beyond the span. */
static inline bool span_tail(struct span s, size_t off, struct span *out)
{
	if (off > s.len)
		return false;
	out->p = s.p + off;
	out->len = s.len - off;
	return true;
}

/* The first n bytes at most: a header's own length field may only shrink
 * what a decoder looks at, never grow it. */
static inline struct span span_clamp(struct span s, size_t n)
{
	if (n < s.len)
		s.len = n;
	return s;
}

#endif
