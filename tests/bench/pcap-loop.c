/* pcap-loop.c: the benchmark's baseline: read a capture with libpcap and
 * do nothing with it, the floor under any tool that reads files with
 * libpcap.
 *
 * The file is opened exactly as lucsaudit opens it (src/capture.c): fopen,
 * a stdio buffer of LUCS_READ_BUFFER bytes handed to setvbuf,
 * pcap_fopen_offline_with_tstamp_precision with microsecond timestamps.  The callback only adds up caplen, so that the
 * compiler cannot drop the loop and every packet's header is read.  The
 * ratio of lucsaudit's time to this program's is lucsaudit's own work.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunables.h"


struct totals {
	uint64_t packets;
	uint64_t bytes;		/* captured bytes */
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct totals *t = (struct totals *)user;

	(void)bytes;
	t->packets++;
	t->bytes += h->caplen;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct totals t = { 0, 0 };
	FILE *f;
	pcap_t *p;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		puts(pcap_lib_version());
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs("Usage: pcap-loop FILE\n"
		      "Read FILE with libpcap as lucsaudit does, doing nothing with "
		      "the packets;\nprint the packet and captured byte counts.  "
		      "--version: libpcap's version.\n",
		      argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "pcap-loop: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* The same stdio buffer as lucsaudit's (glibc ignores the size
	 * unless it is given the buffer too). */
	setvbuf(f, malloc(LUCS_READ_BUFFER), _IOFBF, LUCS_READ_BUFFER);
	p = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!p) {
		fprintf(stderr, "pcap-loop: %s: %s\n", argv[1], err);
		fclose(f);
		return 1;
	}
	rc = pcap_loop(p, -1, on_packet, (u_char *)&t);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap-loop: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%llu packets %llu bytes\n", (unsigned long long)t.packets,
	       (unsigned long long)t.bytes);
	return 0;
}
