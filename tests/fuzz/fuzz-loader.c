/* fuzz-loader.c: checks and printing shared by the loader targets. */
#include "fuzz-loader.h"

#include <string.h>

#include "fuzz.h"
#include "out.h"
#include "check.h"

void fuzz_check_refusal(const struct load_error *err, const uint8_t *text,
			size_t len)
{
	unsigned lines = 1;
	char buf[600];

	FUZZ_CHECK(err->msg[0] != '\0');
	FUZZ_CHECK(err->file[0] != '\0');
	/* YAML's line breaks: LF, CR, CR LF, and NEL, LS, PS in UTF-8 */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' ||
		    (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
			lines++;
		else if (i + 1 < len && text[i] == 0xc2 && text[i + 1] == 0x85)
			lines++;
		else if (i + 2 < len && text[i] == 0xe2 && text[i + 1] == 0x80 &&
			 (text[i + 2] == 0xa8 || text[i + 2] == 0xa9))
			lines++;
	}
	if (err->line) {
		FUZZ_CHECK(err->line <= lines + 1);
		FUZZ_CHECK(err->col >= 1);
	} else {
		FUZZ_CHECK(err->col == 0);
	}
	load_error_format(err, buf, sizeof buf);
	FUZZ_CHECK(buf[0] != '\0');
}

void fuzz_print_rules(const struct classifier *cl, const struct site *site)
{
	static struct out sink;
	static bool open;

	if (!open) {
		if (out_open(&sink, "/dev/null", false) != 0) {
			fprintf(stderr, "fuzz: cannot open /dev/null\n");
			abort();
		}
		open = true;
	}
	check_print(&sink, cl, site);
	check_list_rules(&sink, cl);
	FUZZ_CHECK(out_flush(&sink) == 0);
}

void fuzz_flow_make(struct flow *f, uint8_t proto, uint16_t cport,
		    uint16_t sport)
{
	static const uint8_t client[4] = { 192, 0, 2, 1 };
	static const uint8_t server[4] = { 192, 0, 2, 2 };

	memset(f, 0, sizeof *f);
	f->key.family = 4;
	f->key.proto = proto;
	memcpy(f->key.addr[0], client, sizeof client);
	memcpy(f->key.addr[1], server, sizeof server);
	if (proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP) {
		f->key.port[0] = cport;
		f->key.port[1] = sport;
	}
	f->client = 0;
	f->oriented = 1;
	f->packets[0] = 1;
	f->state = proto == IPPROTO_NUM_TCP ? TCP_STATE_ATTEMPTED
					    : TCP_STATE_NONE;
}

void fuzz_classify(struct classifier *cl, struct flow *f)
{
	struct flow_class c = classify_flow(cl, f);

	f->class_id = c.class_id;
	f->client = c.client;
}
