/* pcapng-dump.c: prints every packet src/pcapng.c reads from a pcapng
 * file, one line each, for tests/pcapng-corpus.sh to hold against tshark:
 *
 *   interface <TAB> linktype <TAB> seconds.nanoseconds <TAB> caplen <TAB> wirelen
 *
 * The time is "-" when the packet has none.  Like a caller reading a pipe,
 * it peeks the first four bytes itself and hands them to pcapng_open as
 * its prefix.  Exit status: 0 read to the end, 1 reading stopped (the
 * reason on standard error, after the packets read), 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
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

static int dump(FILE *f, const char *name)
{
	unsigned char magic[4];
	size_t n = fread(magic, 1, sizeof magic, f);
	char err[256];
	struct pcapng *r = pcapng_open(f, magic, n, err, sizeof err);
	struct pcapng_packet p;
	int rc;

	if (!r) {
		fprintf(stderr, "pcapng-dump: %s: %s\n", name, err);
		return 1;
	}
	while ((rc = pcapng_next(r, &p)) == 1) {
		printf("%" PRIu32 "\t%d\t", p.interface, p.linktype);
		print_time(&p);
		printf("\t%" PRIu32 "\t%" PRIu32 "\n", p.caplen, p.wirelen);
	}
	if (rc < 0)
		fprintf(stderr, "pcapng-dump: %s: %s\n", name, pcapng_error(r));
	pcapng_close(r);
	return rc < 0;
}

int main(int argc, char **argv)
{
	FILE *f;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcapng-dump FILE|-\n");
		return 2;
	}
	f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "pcapng-dump: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	rc = dump(f, argv[1]);
	if (f != stdin)
		fclose(f);
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
	return rc;
}
