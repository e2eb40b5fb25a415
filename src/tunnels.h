/* tunnels.h: the tunnels flows came through, interned: a flow's key holds
 * a small number for its path (0: none), so that two mirror sessions that
 * carry the same inner conversation stay two flows, and the report can
 * say which path a flow took.  A path is the tunnels opened, outermost
 * first, each its type, outer endpoints and id; the endpoints of a layer
 * count in either order, so a GRE or IP-in-IP tunnel's replies (outer
 * endpoints swapped) take the same path as its requests.  The audit owns
 * the table; only tunnels.c writes it.  Bounded: past LUCS_TUNNEL_PATHS
 * paths, new ones share the last number (the report says so). */
#ifndef LUCS_TUNNELS_H
#define LUCS_TUNNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"

/* A path as first seen (its endpoints as that packet had them). */
struct tunnel_path {
	uint8_t depth;
	struct tunnel_layer layer[LUCS_MAX_TUNNEL_DEPTH];
};

struct tunnel_table;

struct tunnel_table *tunnel_table_new(const struct hash_key *seed);
void tunnel_table_free(struct tunnel_table *t);

/* The number of the path ext opened (ext->depth > 0): 1 or more. */
uint16_t tunnel_intern(struct tunnel_table *t, const struct frame_extra *ext);
/* The path numbered id, or NULL for 0. */
const struct tunnel_path *tunnel_path(const struct tunnel_table *t,
				      uint16_t id);
/* Packets whose path found no room: they share the last number. */
uint64_t tunnel_paths_merged(const struct tunnel_table *t);

#endif
