/* tunnels.c: the tunnel paths, interned: an array of paths and an index
 * over it by a keyed hash (a crafted capture cannot make its paths
 * collide).  Only tunnelled packets come here. */
#include "tunnels.h"

#include <stdlib.h>
#include <string.h>

#include "tunables.h"

#define INDEX_SLOTS (2 * LUCS_TUNNEL_PATHS)

struct tunnel_table {
	struct tunnel_path *paths;	/* paths[id - 1] */
	uint16_t npaths;
	uint64_t merged;
	uint16_t *index;	/* id, 0: free; open addressing */
	struct hash_key key;
	/* The last path interned, as its packet had it: a mirror sends run
	 * after run of one session, so most packets stop here. */
	uint8_t last_depth;
	struct tunnel_layer last[LUCS_MAX_TUNNEL_DEPTH];
	uint16_t last_id;
};

_Static_assert(LUCS_TUNNEL_PATHS <= UINT16_MAX, "ids are 16-bit");

struct tunnel_table *tunnel_table_new(const struct hash_key *seed)
{
	struct tunnel_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->key = *seed;
	t->paths = calloc(LUCS_TUNNEL_PATHS, sizeof *t->paths);
	t->index = calloc(INDEX_SLOTS, sizeof *t->index);
	if (!t->paths || !t->index) {
		tunnel_table_free(t);
		return NULL;
	}
	return t;
}

void tunnel_table_free(struct tunnel_table *t)
{
	if (!t)
		return;
	free(t->paths);
	free(t->index);
	free(t);
}

/* A layer's endpoints in a fixed order, so that either direction of a
 * tunnel is the same path. */
static void layer_canonical(const struct tunnel_layer *l, uint8_t lo[16],
			    uint8_t hi[16])
{
	bool swap = memcmp(l->src, l->dst, 16) > 0;

	memcpy(lo, swap ? l->dst : l->src, 16);
	memcpy(hi, swap ? l->src : l->dst, 16);
}

static bool same_path(const struct tunnel_path *p,
		      const struct frame_extra *ext)
{
	if (p->depth != ext->depth)
		return false;
	for (unsigned i = 0; i < ext->depth; i++) {
		const struct tunnel_layer *a = &p->layer[i], *b = &ext->layer[i];
		uint8_t alo[16], ahi[16], blo[16], bhi[16];

		if (a->type != b->type || a->family != b->family ||
		    a->has_id != b->has_id || a->id != b->id)
			return false;
		layer_canonical(a, alo, ahi);
		layer_canonical(b, blo, bhi);
		if (memcmp(alo, blo, 16) || memcmp(ahi, bhi, 16))
			return false;
	}
	return true;
}

static uint64_t path_hash(const struct tunnel_table *t,
			  const struct frame_extra *ext)
{
	uint8_t buf[LUCS_MAX_TUNNEL_DEPTH * 40];
	size_t n = 0;

	for (unsigned i = 0; i < ext->depth; i++) {
		const struct tunnel_layer *l = &ext->layer[i];

		buf[n++] = l->type;
		buf[n++] = l->family;
		memcpy(buf + n, &l->id, 4);
		n += 4;
		layer_canonical(l, buf + n, buf + n + 16);
		n += 32;
	}
	return siphash13(&t->key, buf, n);
}

static uint16_t remember(struct tunnel_table *t, const struct frame_extra *ext,
			 uint16_t id)
{
	t->last_depth = ext->depth;
	memcpy(t->last, ext->layer, ext->depth * sizeof *ext->layer);
	t->last_id = id;
	return id;
}

uint16_t tunnel_intern(struct tunnel_table *t, const struct frame_extra *ext)
{
	uint64_t h;

	/* Layers are compared whole, padding included: decap_payload fills
	 * every byte of the ones it opens (see below). */
	if (t->last_id && ext->depth == t->last_depth &&
	    memcmp(ext->layer, t->last, ext->depth * sizeof *ext->layer) == 0)
		return t->last_id;
	h = path_hash(t, ext);

	for (size_t i = h % INDEX_SLOTS;; i = (i + 1) % INDEX_SLOTS) {
		uint16_t id = t->index[i];

		if (id && same_path(&t->paths[id - 1], ext))
			return remember(t, ext, id);
		if (id)
			continue;
		if (t->npaths == LUCS_TUNNEL_PATHS) {
			t->merged++;
			return LUCS_TUNNEL_PATHS;
		}
		t->paths[t->npaths].depth = ext->depth;
		memcpy(t->paths[t->npaths].layer, ext->layer,
		       ext->depth * sizeof *ext->layer);
		t->index[i] = ++t->npaths;
		return remember(t, ext, t->npaths);
	}
}

const struct tunnel_path *tunnel_path(const struct tunnel_table *t,
				      uint16_t id)
{
	return id && id <= t->npaths ? &t->paths[id - 1] : NULL;
}

uint64_t tunnel_paths_merged(const struct tunnel_table *t)
{
	return t->merged;
}
