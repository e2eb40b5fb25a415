/* fuzz_pcapng.c: libFuzzer target for the pcapng reader (src/pcapng.c):
 * the input is a pcapng file, read through fmemopen with pcapng_open and
 * pcapng_next to its end or its first error.
 *
 * The file is read twice: once all through the FILE, once with its first
 * 1 to 13 bytes handed over as the prefix a caller peeked; both reads
 * must give the same packets, end and error.  Beyond not crashing, each
 * packet keeps pcapng.h's promises: an interface described before it,
 * with its link type, DLT_ and snapshot length; a DLT_ that decode-link.c
 * decodes, or -1; nanoseconds below 10^9 and no time without ts_valid;
 * data inside the blocks read for it; the offset never going back nor
 * past the input, and at the input's end when the reader says it ended.
 */
#include <string.h>

#include "decode.h"
#include "fuzz.h"
#include "pcapng.h"

struct outcome {
	uint64_t packets, hash, offset;
	int rc;
	char err[256];
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;	/* FNV-1a */
	return h;
}

static void check_packet(struct pcapng *r, const struct pcapng_packet *p,
			 uint64_t before, size_t size)
{
	struct pcapng_interface i;
	uint64_t after = pcapng_offset(r);

	FUZZ_CHECK(pcapng_interface(r, p->interface, &i));
	FUZZ_CHECK(i.linktype == p->linktype && i.dlt == p->dlt &&
		   i.snaplen == p->snaplen);
	FUZZ_CHECK(p->dlt == -1 || decode_linktype_supported(p->dlt));
	FUZZ_CHECK(p->ts_nsec < 1000000000u);
	if (!p->ts_valid)
		FUZZ_CHECK(p->ts_sec == 0 && p->ts_nsec == 0);
	/* The smallest packet block (SPB) has 16 bytes around its data. */
	FUZZ_CHECK(after > before && after <= size);
	FUZZ_CHECK(p->caplen <= after - before - 16);
}

static void read_file(const uint8_t *data, size_t size, size_t nprefix,
		      struct outcome *o)
{
	static uint8_t none[1];
	FILE *f = fmemopen(size > nprefix ? (void *)(data + nprefix) : none,
			   size - nprefix, "rb");
	struct pcapng *r;
	struct pcapng_packet p;
	uint64_t before;

	memset(o, 0, sizeof *o);
	FUZZ_CHECK(f != NULL);
	r = pcapng_open(f, data, nprefix, o->err, sizeof o->err);
	if (!r) {
		FUZZ_CHECK(o->err[0] != '\0');
		o->rc = -2;
		fclose(f);
		return;
	}
	before = pcapng_offset(r);
	while ((o->rc = pcapng_next(r, &p)) == 1) {
		check_packet(r, &p, before, size);
		o->packets++;
		o->hash = mix(o->hash, &p.interface, sizeof p.interface);
		o->hash = mix(o->hash, &p.ts_sec, sizeof p.ts_sec);
		o->hash = mix(o->hash, &p.ts_nsec, sizeof p.ts_nsec);
		o->hash = mix(o->hash, &p.wirelen, sizeof p.wirelen);
		o->hash = mix(o->hash, p.data, p.caplen);
		before = pcapng_offset(r);
	}
	FUZZ_CHECK(o->rc == 0 || o->rc == -1);
	o->offset = pcapng_offset(r);
	if (o->rc == 0)
		FUZZ_CHECK(o->offset == size && pcapng_error(r)[0] == '\0');
	else
		FUZZ_CHECK(pcapng_error(r)[0] != '\0' && o->offset <= size);
	FUZZ_CHECK(pcapng_next(r, &p) == o->rc);	/* it stays there */
	snprintf(o->err, sizeof o->err, "%s", pcapng_error(r));
	pcapng_close(r);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome whole, peeked;
	size_t nprefix = 1 + size % 13;

	read_file(data, size, 0, &whole);
	read_file(data, size, nprefix < size ? nprefix : size, &peeked);
	FUZZ_CHECK(whole.rc == peeked.rc && whole.packets == peeked.packets &&
		   whole.hash == peeked.hash && whole.offset == peeked.offset &&
		   strcmp(whole.err, peeked.err) == 0);
	return 0;
}
