/* pcapng-dump.c: prints every packet src/pcapng.c reads from a pcapng
 * file, one line each, for tests/pcapng-corpus.sh to hold against tshark:
 *
 *   interface <TAB> linktype <TAB> seconds.nanoseconds <TAB> caplen <TAB> wirelen
 *
 * The time is "-" when the packet has none.  With -c it prints only the
 * number of packets and captured bytes: the reader alone, to time against
 * libpcap's bare loop (tests/bench/pcap-loop).  Like a caller reading a
 * pipe, it peeks the first four bytes itself and hands them to
 * pcapng_open as its prefix.  Exit status: 0 read to the end, 1 reading
 * stopped (the reason on standard error, after the packets read), 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"

/* Seconds and nanoseconds as one signed decimal, as tshark prints them:
 * -2 s + 0.5 s is "-1.500000000". */
static void print_time(const struct pcapng_packet *p)
{
	if (!p->ts_valid)
		fputs("-", stdout);
	else if (p->ts_sec < 0 && p->ts_nsec > 0)
		printf("-%" PRId64 ".%09" PRIu32, -(p->ts_sec + 1),
		       1000000000u - p->ts_nsec);
	else
		printf("%" PRId64 ".%09" PRIu32, p->ts_sec, p->ts_nsec);
}

static int dump(FILE *f, const char *name, bool count_only)
{
	unsigned char magic[4];
	size_t n = fread(magic, 1, sizeof magic, f);
	char err[256];
	struct pcapng *r = pcapng_open(f, magic, n, err, sizeof err);
	struct pcapng_packet p;
	uint64_t packets = 0, bytes = 0;
	int rc;

	if (!r) {
		fprintf(stderr, "pcapng-dump: %s: %s\n", name, err);
		return 1;
	}
	while ((rc = pcapng_next(r, &p)) == 1) {
		packets++;
		bytes += p.caplen;
		if (count_only)
			continue;
		printf("%" PRIu32 "\t%d\t", p.interface, p.linktype);
		print_time(&p);
		printf("\t%" PRIu32 "\t%" PRIu32 "\n", p.caplen, p.wirelen);
	}
	if (count_only)
		printf("%" PRIu64 " packets, %" PRIu64 " bytes\n", packets,
		       bytes);
	if (rc < 0)
		fprintf(stderr, "pcapng-dump: %s: %s\n", name, pcapng_error(r));
	pcapng_close(r);
	return rc < 0;
}

int main(int argc, char **argv)
{
	bool count_only = argc == 3 && strcmp(argv[1], "-c") == 0;
	const char *name = argv[argc - 1];
	FILE *f;
	int rc;

	if (argc != 2 && !count_only) {
		fprintf(stderr, "usage: pcapng-dump [-c] FILE|-\n");
		return 2;
	}
	f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
	if (!f) {
		fprintf(stderr, "pcapng-dump: %s: %s\n", name, strerror(errno));
		return 1;
	}
	rc = dump(f, name, count_only);
	if (f != stdin)
		fclose(f);
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
	return rc;
}
