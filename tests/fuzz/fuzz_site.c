/* fuzz_site.c: libFuzzer target for the site loader: the input is a site
 * file (lucsaudit-rules(5)), loaded with site_load_string against the
 * built-in catalogue and, when it loads, compiled with it by
 * classifier_new and printed as --check prints it.
 *
 * A refusal must say why and where; a site that loads must give every
 * listed address the roles it was listed with, the addresses around its
 * first prefixes the roles a scan of every prefix gives (site-scan.h),
 * and every port setting it overrides back.
 */
#include <string.h>

#include "../site-scan.h"
#include "catalogue.h"
#include "classify.h"
#include "fuzz-loader.h"
#include "fuzz.h"
#include "site.h"

#define SCANNED_PREFIXES 8	/* prefixes whose probes are checked */

/* The index gives what the scan gives, around the first prefixes (in
 * both families: the other one must not match). */
static void check_roles_scan(const struct site *s, struct classifier *cl)
{
	for (size_t i = 0; i < s->nprefixes && i < SCANNED_PREFIXES; i++) {
		uint8_t probe[SCAN_PROBES][16];
		size_t n = scan_probes(&s->prefixes[i], probe);

		for (size_t k = 0; k < n; k++)
			for (int family = 4; family <= 6; family += 2) {
				uint64_t want = scan_roles(s, family, probe[k]);

				FUZZ_CHECK(site_roles(s, family, probe[k]) == want);
				FUZZ_CHECK(classifier_roles(cl, family, probe[k]) ==
					   want);
			}
	}
}

static struct catalogue *cat;

static void setup(void)
{
	struct load_error err;
	char msg[600];

	memset(&err, 0, sizeof err);
	cat = catalogue_new();
	if (cat && catalogue_load_default(cat, &err))
		return;
	load_error_format(&err, msg, sizeof msg);
	fprintf(stderr, "fuzz_site: the built-in catalogue: %s\n", msg);
	abort();
}

static void check_site(const struct site *s, struct classifier *cl)
{
	for (size_t i = 0; i < s->nprefixes; i++) {
		const struct prefix *p = &s->prefixes[i];

		FUZZ_CHECK(p->family == 4 || p->family == 6);
		FUZZ_CHECK(p->len <= (p->family == 4 ? 32 : 128));
		FUZZ_CHECK(p->roles != 0);
		FUZZ_CHECK((site_roles(s, p->family, p->addr) & p->roles) ==
			   p->roles);
		FUZZ_CHECK((classifier_roles(cl, p->family, p->addr) &
			    p->roles) == p->roles);
	}
	for (size_t i = 0; i < s->noverrides; i++) {
		const struct site_override *o = &s->overrides[i];
		size_t nrules;
		const struct rule *rules = classifier_rules(cl, &nrules);

		FUZZ_CHECK(o->nports > 0);
		FUZZ_CHECK(site_override(s, o->setting) != NULL);
		FUZZ_CHECK(catalogue_setting(cat, o->setting) != NULL);
		/* every rule naming the setting takes the site's ports */
		for (size_t r = 0; r < nrules; r++)
			if (rules[r].twin_of < 0 && rules[r].setting &&
			    strcmp(rules[r].setting, o->setting) == 0)
				FUZZ_CHECK(ports_equal(rules[r].ports,
						       rules[r].nports, o->ports,
						       o->nports));
	}
	FUZZ_CHECK(classifier_has_site(cl) == (s->nprefixes > 0));
	check_roles_scan(s, cl);
	/* A flow between the first two addresses listed of one family, on
	 * a port the catalogue documents (SQL) and one it does not. */
	for (size_t j = 1; j < s->nprefixes; j++) {
		static const uint16_t ports[2] = { 1433, 9 };
		const struct prefix *a = &s->prefixes[0], *b = &s->prefixes[j];

		if (b->family != a->family)
			continue;
		for (int i = 0; i < 2; i++) {
			struct flow f;

			fuzz_flow_make(&f, IPPROTO_NUM_TCP, 40000, ports[i]);
			f.key.family = a->family;
			memcpy(f.key.addr[0], a->addr, 16);
			memcpy(f.key.addr[1], b->addr, 16);
			fuzz_classify(cl, &f);
			FUZZ_CHECK(f.class_id > 0 &&
				   f.class_id < classifier_class_count(cl));
			FUZZ_CHECK(classifier_class(cl, f.class_id)->verdict !=
				   VERDICT_OUT_OF_SCOPE);
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct classifier *cl = NULL;
	struct load_error err;
	struct site *s;

	if (!cat)
		setup();
	memset(&err, 0, sizeof err);
	s = site_load_string("fuzz.yaml", (const char *)data, size, cat, &err);
	if (!s) {
		fuzz_check_refusal(&err, data, size);
	} else if (!(cl = classifier_new(cat, s, &err))) {
		fuzz_check_refusal(&err, data, size);
	} else {
		check_site(s, cl);
		fuzz_print_rules(cl, s);
	}
	classifier_free(cl);
	site_free(s);
	return 0;
}
