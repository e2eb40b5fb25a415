/* decap-dump.c: what decode_packet_ext finds in captures, summed up per
 * capture in a few stable lines: the statuses, the tunnels opened (type
 * and id), the encapsulations named, and the protocols and ports of the
 * packets inside.  tests/corpus-tunnels.sh runs it over the corpus.
 *
 * Usage: decap-dump [-C DIR] CAPTURE...   (names printed relative to DIR)
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define MAX_KEYS 64		/* distinct lines kept per section */
#define SHOWN 8			/* lines printed per section */

struct tally {
	char key[MAX_KEYS][48];
	unsigned long n[MAX_KEYS];
	size_t len;
	unsigned long other;	/* counted beyond MAX_KEYS keys */
};

static void count(struct tally *t, const char *key)
{
	for (size_t i = 0; i < t->len; i++) {
		if (strcmp(t->key[i], key) == 0) {
			t->n[i]++;
			return;
		}
	}
	if (t->len == MAX_KEYS) {
		t->other++;
		return;
	}
	snprintf(t->key[t->len], sizeof t->key[0], "%s", key);
	t->n[t->len++] = 1;
}

/* Most packets first, then by name: the same capture, the same lines. */
static void print(const char *title, struct tally *t)
{
	size_t shown = 0;
	unsigned long rest = t->other;

	if (t->len == 0)
		return;
	for (size_t i = 1; i < t->len; i++) {
		for (size_t j = i; j > 0 && (t->n[j] > t->n[j - 1] ||
					     (t->n[j] == t->n[j - 1] &&
					      strcmp(t->key[j],
						     t->key[j - 1]) < 0));
		     j--) {
			char k[sizeof t->key[0]];
			unsigned long n = t->n[j];

			memcpy(k, t->key[j], sizeof k);
			memcpy(t->key[j], t->key[j - 1], sizeof k);
			memcpy(t->key[j - 1], k, sizeof k);
			t->n[j] = t->n[j - 1];
			t->n[j - 1] = n;
		}
	}
	printf("  %-9s", title);
	for (size_t i = 0; i < t->len; i++) {
		if (shown++ == SHOWN) {
			rest += t->n[i];
			continue;
		}
		printf(" %s %lu%s", t->key[i], t->n[i],
		       i + 1 < t->len && shown < SHOWN ? "," : "");
	}
	if (rest)
		printf(" (and %lu more)", rest);
	printf("\n");
}

static int dump(const char *path, const char *name)
{
	char err[PCAP_ERRBUF_SIZE], key[64];
	static struct tally status, opened, unopened, inner;
	struct decode_config cfg;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	unsigned long packets = 0;
	pcap_t *p = pcap_open_offline(path, err);
	int dlt, rc;

	memset(&status, 0, sizeof status);
	memset(&opened, 0, sizeof opened);
	memset(&unopened, 0, sizeof unopened);
	memset(&inner, 0, sizeof inner);
	if (!p) {
		printf("%s: %s\n", name, err);
		return 1;
	}
	dlt = pcap_datalink(p);
	decode_config_default(&cfg);
	while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
		struct frame_extra tun;
		struct pkt pkt;
		enum decode_status st = decode_packet_ext(
			&cfg, dlt, bytes, h->caplen, h->len, &pkt, &tun);
		const char *proto = proto_name(pkt.proto);
		size_t n = 0;

		packets++;
		count(&status, decode_status_name(st));
		for (unsigned i = 0; i < tun.depth; i++) {
			const struct tunnel_layer *l = &tun.layer[i];

			n += (size_t)snprintf(key + n, sizeof key - n, "%s%s",
					      i ? "/" : "",
					      tunnel_type_name(l->type));
			if (l->has_id && n < sizeof key)
				n += (size_t)snprintf(key + n, sizeof key - n,
						      "#%u", l->id);
			if (n >= sizeof key)
				break;
		}
		if (tun.depth)
			count(&opened, key);
		if (st == DECODE_OK && pkt.unopened)
			count(&unopened, tunnel_unopened_name(pkt.unopened));
		if (st != DECODE_OK || !tun.depth)
			continue;
		if (!proto)
			snprintf(key, sizeof key, "ip proto %u", pkt.proto);
		else if (pkt.frag == PKT_FRAG_LATER || !pkt.sport)
			snprintf(key, sizeof key, "%s", proto);
		else	/* the service: the lower of the two ports */
			snprintf(key, sizeof key, "%s/%u", proto,
				 pkt.sport < pkt.dport ? pkt.sport : pkt.dport);
		count(&inner, key);
	}
	printf("%s: %lu packets, link type %s%s%s\n", name, packets,
	       pcap_datalink_val_to_name(dlt), rc == -1 ? "; libpcap: " : "",
	       rc == -1 ? pcap_geterr(p) : "");
	print("status", &status);
	print("opened", &opened);
	print("unopened", &unopened);
	print("inside", &inner);
	pcap_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int i = 1, rc = 0;

	if (argc > 2 && strcmp(argv[1], "-C") == 0) {
		dir = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fputs("usage: decap-dump [-C DIR] CAPTURE...\n", stderr);
		return 2;
	}
	for (; i < argc; i++) {
		char path[4096];

		snprintf(path, sizeof path, "%s%s%s", dir ? dir : "",
			 dir ? "/" : "", argv[i]);
		rc |= dump(path, argv[i]);
	}
	return rc;
}
