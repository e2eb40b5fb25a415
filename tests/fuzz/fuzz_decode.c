/* fuzz_decode.c: libFuzzer target for the packet decoder, every supported
 * link type, with wire lengths longer than, equal to and shorter than
 * what was captured.  Input layout: fuzz.h.
 *
 * The frame is the end of the input, so ASan sees any read past caplen.
 * Beyond not crashing, the decoder must keep the promises decode.h makes
 * about struct pkt, and decode the same bytes the same way twice.
 */
#include <string.h>

#include "decode.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t link = fuzz_u8(&in);
	uint8_t mode = fuzz_u8(&in);
	uint16_t arg = fuzz_be16(&in);
	int dlt = link & 8 ? DLT_PPP : fuzz_links[link & 7];
	size_t caplen = in.len, wirelen = fuzz_wirelen(mode, caplen, arg);
	size_t effective = wirelen < caplen ? caplen : wirelen;
	struct pkt a, b;
	enum decode_status st;

	if (effective > UINT32_MAX)
		effective = UINT32_MAX;
	FUZZ_CHECK(decode_linktype_supported(dlt) == !(link & 8));
	st = decode_packet(dlt, in.p, caplen, wirelen, &a);
	if (link & 8)
		FUZZ_CHECK(st == DECODE_NON_IP);
	fuzz_check_pkt(st, &a, effective);
	/* Deterministic, and every field written (decode_packet clears the
	 * struct first: garbage left in it must not show). */
	memset(&b, 0xa5, sizeof b);
	FUZZ_CHECK(decode_packet(dlt, in.p, caplen, wirelen, &b) == st);
	FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
	return 0;
}
