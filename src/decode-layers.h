/* decode-layers.h: what decode-link.c, decode-ip.c, decode-l4.c and
 * decode-tunnel.c share, and nothing else calls: each layer's decoder as
 * decode_packet_ext runs it, and the decapsulation it hands transport
 * payloads to.
 *
 * decode.h's decoders open nothing: a payload goes nowhere, as it always
 * did.  decode_packet_ext passes the caller's tunnel stack (which
 * names the configuration) down the layers; a tunnel in a payload is
 * opened right where the transport decoder holds its bytes, and the
 * packet inside is decoded by the same layers, which may find the next.
 */
#ifndef LUCS_DECODE_LAYERS_H
#define LUCS_DECODE_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "span.h"

/* decode.h's decoder decode_name with a tunnel stack, never NULL. */
#define DECODE_CTX(name)                                                   \
	__attribute__((nonnull(4)))                                        \
	enum decode_status decode_##name##_ctx(const uint8_t *p, size_t len, \
					       struct pkt *out,            \
					       struct frame_extra *ext)

DECODE_CTX(ether);
DECODE_CTX(ip);
DECODE_CTX(ipv4);
DECODE_CTX(ipv6);
DECODE_CTX(transport);

/* Each layer is one body, always inlined into both its decoders: into
 * decode.h's with ext NULL, where every test of ext folds away (so
 * decode_packet pays nothing for tunnels), and into the _ctx one, whose
 * nonnull attribute folds them the other way.  DECODE_LAYER(name) defines
 * the two, decode_name and decode_name_ctx, around the body name(p, len,
 * out, ext); a body calls the next layer, in another file, through
 * next_name(s, out, ext). */
#define DECODE_BODY static inline __attribute__((always_inline))

#define DECODE_LAYER(name)                                                 \
	enum decode_status decode_##name(const uint8_t *p, size_t len,     \
					 struct pkt *out)                  \
	{                                                                  \
		return name(p, len, out, NULL);                            \
	}                                                                  \
	DECODE_CTX(name)                                                   \
	{                                                                  \
		return name(p, len, out, ext);                             \
	}

#define DECODE_NEXT(name)                                                  \
	DECODE_BODY enum decode_status next_##name(struct span s,          \
						   struct pkt *out,        \
						   struct frame_extra *ext) \
	{                                                                  \
		return ext ? decode_##name##_ctx(s.p, s.len, out, ext)     \
			   : decode_##name(s.p, s.len, out);               \
	}

DECODE_NEXT(ip)
DECODE_NEXT(ipv4)
DECODE_NEXT(ipv6)
DECODE_NEXT(transport)

/* decode_packet_ext for a caller with no stack: one of its own. */
enum decode_status decode_ext_stackless(const struct decode_config *cfg,
					    int dlt, const uint8_t *p,
					    size_t caplen, size_t wirelen,
					    struct pkt *out);

/* The transport payload of the packet out describes (a UDP datagram's
 * after its header, the IP payload of another protocol, nothing of a
 * fragment): a tunnel to open, one to name, or neither.  Its wire length
 * is out->payload_len. */
enum decode_status decap_payload(struct frame_extra *ext,
				 struct span payload, struct pkt *out);

/* Whether a UDP port is worth a closer look: the bit of the port modulo
 * 1024 in the configuration's filter.  All a datagram outside any tunnel
 * pays for them. */
static inline bool decap_udp_port(const struct frame_extra *ext,
				  uint16_t port)
{
	return ext->cfg->udp_filter[port >> 6 & 15] >> (port & 63) & 1;
}

#endif
