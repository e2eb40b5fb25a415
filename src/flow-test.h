/* flow-test.h: what flow.c offers its tests alone (tests/test_flow.c
 * checks the hash and the index against them); the program never needs
 * these. */
#ifndef LUCS_FLOW_TEST_H
#define LUCS_FLOW_TEST_H

#include <stdint.h>

#include "flow.h"
#include "hash.h"

/* The hash the table keyed with hk gives k (see hash.h: mshash). */
uint32_t flow_key_hash(const struct hash_key *hk, const struct flow_key *k);
/* The index slot a hash starts probing at, in a table for max_flows. */
uint32_t flow_home_slot(uint32_t max_flows, uint32_t hash);

#endif
