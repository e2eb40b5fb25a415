/* fuzz-loader.h: what the catalogue and site targets share. */
#ifndef LUCS_FUZZ_LOADER_H
#define LUCS_FUZZ_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "flow.h"
#include "site.h"
#include "yamldoc.h"

/* A refused file: the error has a message and names the file, and its
 * position (if any) is 1-based and inside the text. */
void fuzz_check_refusal(const struct load_error *err, const uint8_t *text,
			size_t len);

/* --check and --list-rules of a compiled catalogue, to /dev/null. */
void fuzz_print_rules(const struct classifier *cl, const struct site *site);

/* An IPv4 flow opened by a SYN (or a UDP or echo request) from
 * 192.0.2.1:cport to 192.0.2.2:sport: its client is known. */
void fuzz_flow_make(struct flow *f, uint8_t proto, uint16_t cport,
		    uint16_t sport);
/* Classify f as the flow table would: the class and the client that
 * classify_flow returns, applied to the target's own copy. */
void fuzz_classify(struct classifier *cl, struct flow *f);

#endif
