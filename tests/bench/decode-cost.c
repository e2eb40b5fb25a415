/* decode-cost.c: the decoder alone, for callgrind: reads a capture into
 * memory, then decodes each frame once with decode_packet or, given -t,
 * with decode_packet_ext under the default configuration.  Its
 * instructions per packet are the inclusive cost of that function over
 * the packet count it prints (tests/bench/README.md, "Profiling the
 * decoder").
 *
 * Usage: decode-cost [-t] CAPTURE
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct rec {
	uint32_t caplen, wirelen;	/* bytes */
	uint8_t *p;
};

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	bool tunnels = argc == 3 && strcmp(argv[1], "-t") == 0;
	pcap_t *pc = argc >= 2 ? pcap_open_offline(argv[argc - 1], err) : NULL;
	struct decode_config cfg;
	struct pcap_pkthdr *h;
	const u_char *d;
	struct rec *r = NULL;
	size_t n = 0, cap = 0;
	unsigned long ok = 0;
	int dlt;

	if (argc != 2 + tunnels || !pc) {
		fprintf(stderr, "usage: decode-cost [-t] CAPTURE%s%s\n",
			pc || argc < 2 ? "" : ": ", pc || argc < 2 ? "" : err);
		return 2;
	}
	dlt = pcap_datalink(pc);
	decode_config_default(&cfg);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			r = realloc(r, cap * sizeof *r);
		}
		if (!r || !(r[n].p = malloc(h->caplen ? h->caplen : 1)))
			return 1;
		memcpy(r[n].p, d, h->caplen);
		r[n].caplen = h->caplen;
		r[n].wirelen = h->len;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		struct frame_extra tun;
		struct pkt p;

		ok += (tunnels ? decode_packet_ext(&cfg, dlt, r[i].p,
						       r[i].caplen,
						       r[i].wirelen, &p, &tun)
			       : decode_packet(dlt, r[i].p, r[i].caplen,
					       r[i].wirelen, &p)) == DECODE_OK;
	}
	printf("%zu packets, %lu decoded\n", n, ok);
	for (size_t i = 0; i < n; i++)
		free(r[i].p);
	free(r);
	pcap_close(pc);
	return 0;
}
