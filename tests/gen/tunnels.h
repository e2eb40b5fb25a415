/* tunnels.h: pcaps/tunnel-*.pcap, LUCS conversations as remote mirrors and
 * overlays deliver them, inside VXLAN, Geneve, GRE, ERSPAN and IP in IP
 * (see tunnels.c). */
#ifndef LUCS_GEN_TUNNELS_H
#define LUCS_GEN_TUNNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tunnel_capture {
	const char *file;		/* in pcaps/ */
	bool (*make)(const char *path);
	uint64_t seed;			/* of the capture's scene */
};

extern const struct tunnel_capture tunnel_captures[];
extern const size_t n_tunnel_captures;

#endif
