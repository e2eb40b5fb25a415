/* tests/classified.h: catalogues compiled from inline YAML, and IPv4 flows
 * classified against them as the flow table would classify them: for the
 * tests of the modules that come after classify (report, tally). */
#ifndef LUCS_TESTS_CLASSIFIED_H
#define LUCS_TESTS_CLASSIFIED_H

#include <stdint.h>

#include "catalogue.h"
#include "classify.h"
#include "flow.h"

/* yaml compiled without a site; fails the test when it does not load. */
struct classifier *classified_rules(struct catalogue **cat, const char *yaml);

/* A flow from 10.20.c.c:cport to 10.10.0.server:port (key endpoint 0),
 * opened by the client (oriented, as after a SYN), no packets counted,
 * classified. */
struct flow classified_flow(const struct classifier *cls, uint16_t client,
			    uint16_t cport, uint8_t server, uint8_t proto,
			    uint16_t port);

#endif
