/* pcapng-build.h: pcapng images built in memory, block by block, in
 * either byte order, for tests/test_pcapng.c and the fuzz seeds it
 * writes.  Lengths and padding are filled in; anything can be broken on
 * purpose afterwards through the bytes themselves.
 *
 *	struct ngimg m;
 *	ng_init(&m, false);		little-endian
 *	ng_shb(&m, 1, 0);
 *	ng_idb(&m, 1, 65535);		Ethernet
 *	ng_epb(&m, 0, ts, 60, 60, NULL);	60 bytes of pattern
 *	... m.b[0 .. m.len) ...
 *	ng_free(&m);
 */
#ifndef LUCS_TEST_PCAPNG_BUILD_H
#define LUCS_TEST_PCAPNG_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ngimg {
	uint8_t *b;
	size_t len, cap;
	bool big;		/* numbers of the current section */
	size_t open;		/* where the unfinished block starts */
};

void ng_init(struct ngimg *m, bool big);
void ng_free(struct ngimg *m);

/* Raw numbers in the current byte order, bytes, padding to 4. */
void ng_u16(struct ngimg *m, uint16_t v);
void ng_u32(struct ngimg *m, uint32_t v);
void ng_u64(struct ngimg *m, uint64_t v);
void ng_bytes(struct ngimg *m, const void *p, size_t n);
void ng_pad(struct ngimg *m);

/* A block: its type and a length to patch, a body, then both lengths. */
void ng_begin(struct ngimg *m, uint32_t type);
void ng_end(struct ngimg *m);
void ng_block(struct ngimg *m, uint32_t type, const void *body, size_t n);

/* An option (code, length, value, padding) and opt_endofopt. */
void ng_opt(struct ngimg *m, uint16_t code, const void *v, uint16_t len);
void ng_opt_end(struct ngimg *m);

/* A Section Header Block without options; it switches the byte order of
 * what follows to the one ng_init or ng_set_order chose. */
void ng_set_order(struct ngimg *m, bool big);
void ng_shb(struct ngimg *m, uint16_t major, uint16_t minor);

/* Interface Description Blocks: without options, or begun for some. */
void ng_idb(struct ngimg *m, uint16_t linktype, uint32_t snaplen);
void ng_idb_begin(struct ngimg *m, uint16_t linktype, uint32_t snaplen);

/* Packets: caplen bytes of data, or of ng_pattern(caplen) when NULL. */
void ng_epb(struct ngimg *m, uint32_t iface, uint64_t ts, uint32_t caplen,
	    uint32_t wirelen, const uint8_t *data);
void ng_epb_begin(struct ngimg *m, uint32_t iface, uint64_t ts,
		  uint32_t caplen, uint32_t wirelen, const uint8_t *data);
void ng_pb(struct ngimg *m, uint16_t iface, uint64_t ts, uint32_t caplen,
	   uint32_t wirelen, const uint8_t *data);
void ng_spb(struct ngimg *m, uint32_t wirelen, const uint8_t *data,
	    size_t n);

/* Byte i of the default packet data. */
uint8_t ng_pattern(size_t i);

/* Overwrite the 32-bit number at off in the current byte order. */
void ng_put32_at(struct ngimg *m, size_t off, uint32_t v);

#endif
