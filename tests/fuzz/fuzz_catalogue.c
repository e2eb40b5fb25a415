/* fuzz_catalogue.c: libFuzzer target for the catalogue loader: the input
 * is a catalogue file (lucsaudit-rules(5)), loaded with
 * catalogue_load_string and, when it loads, compiled by classifier_new
 * and printed as --check and --list-rules print it.
 *
 * A refusal must say why and where (a message, a position inside the
 * text); a catalogue that compiles must classify a flow to any of its
 * documented ports as documented.
 */
#include <string.h>

#include "catalogue.h"
#include "classify.h"
#include "fuzz-loader.h"
#include "fuzz.h"

/* Port-only classification: a SYN to a port some rule documents is
 * expected (or debug), never unexpected. */
static void check_documented(struct classifier *cl)
{
	size_t n, nrules;
	const struct rule *rules = classifier_rules(cl, &nrules);

	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		uint8_t proto = r->has_ip_proto ? r->ip_proto
			      : r->l4 & PROTO_TCP ? IPPROTO_NUM_TCP
						  : IPPROTO_NUM_UDP;
		uint16_t port = r->nports ? r->ports[0].lo : 0;
		const struct verdict_class *k;
		struct flow f;

		FUZZ_CHECK(r->has_ip_proto || r->nports > 0);
		classifier_port_rules(cl, proto, port, &n);
		FUZZ_CHECK(n > 0);
		fuzz_flow_make(&f, proto, 40000, port);
		fuzz_classify(cl, &f);
		FUZZ_CHECK(f.class_id < classifier_class_count(cl));
		k = classifier_class(cl, f.class_id);
		FUZZ_CHECK(k->verdict == VERDICT_EXPECTED ||
			   k->verdict == VERDICT_DEBUG);
		FUZZ_CHECK(k->nrules > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalogue *c = catalogue_new();
	struct classifier *cl = NULL;
	struct load_error err;

	FUZZ_CHECK(c != NULL);
	memset(&err, 0, sizeof err);
	if (!catalogue_load_string(c, "fuzz.yaml", (const char *)data, size,
				   &err)) {
		fuzz_check_refusal(&err, data, size);
	} else if (!(cl = classifier_new(c, NULL, &err))) {
		fuzz_check_refusal(&err, data, size);
	} else {
		check_documented(cl);
		fuzz_print_rules(cl, NULL);
	}
	classifier_free(cl);
	catalogue_free(c);
	return 0;
}
