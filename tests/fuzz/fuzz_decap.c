/* fuzz_decap.c: libFuzzer target for decode_packet_ext: every tunnel
 * it opens or names, every ICMP error's quote, under every supported link type, with the default
 * ports, others, decapsulation off and no configuration, with and
 * without a tunnel stack.  Input layout: fuzz.h.
 *
 * Beyond not crashing, it checks what decode.h promises: the packet found
 * keeps every promise decode_packet's does; with nothing opened it is
 * decode_packet's packet; the outermost layer is the packet decode_packet
 * saw; the stack and the packet agree on the depth; and the same bytes
 * decode the same way twice, whatever the structs held before.
 */
#include <string.h>

#include "decode.h"
#include "fuzz.h"

static void configure(struct decode_config *cfg, unsigned which)
{
	static const uint16_t vxlan[] = { 8472, 4790 };
	static const uint16_t geneve[] = { 4789, 6081 };

	decode_config_default(cfg);
	switch (which) {
	case FUZZ_DECAP_PORTS:
		FUZZ_CHECK(decode_config_ports(cfg, TUNNEL_VXLAN, vxlan, 2));
		FUZZ_CHECK(decode_config_ports(cfg, TUNNEL_GENEVE, geneve, 2));
		break;
	case FUZZ_DECAP_OFF:
		cfg->decap = false;
		break;
	default:
		break;
	}
}

static void check_layers(const struct frame_extra *t, const struct pkt *p,
			 enum decode_status st, const struct pkt *outer)
{
	FUZZ_CHECK(t->depth <= LUCS_MAX_TUNNEL_DEPTH);
	FUZZ_CHECK(p->tunnel_depth == t->depth);
	FUZZ_CHECK(st != DECODE_TUNNEL_TOO_DEEP ||
		   t->depth == LUCS_MAX_TUNNEL_DEPTH);
	for (unsigned i = 0; i < t->depth; i++) {
		const struct tunnel_layer *l = &t->layer[i];

		FUZZ_CHECK(l->type > TUNNEL_NONE &&
			   l->type < TUNNEL_TYPE_COUNT);
		FUZZ_CHECK(l->family == 4 || l->family == 6);
		FUZZ_CHECK(l->has_id || l->id == 0);
		if (l->type == TUNNEL_VXLAN || l->type == TUNNEL_GENEVE)
			FUZZ_CHECK(l->has_id && l->id < (1u << 24));
		if (l->type == TUNNEL_IPIP)
			FUZZ_CHECK(!l->has_id);
		if (l->family == 4) {
			for (size_t j = 4; j < 16; j++)
				FUZZ_CHECK(l->src[j] == 0 && l->dst[j] == 0);
		}
	}
	/* The outermost layer is what decode_packet decoded. */
	if (t->depth > 0) {
		FUZZ_CHECK(t->layer[0].family == outer->family);
		FUZZ_CHECK(memcmp(t->layer[0].src, outer->src, 16) == 0);
		FUZZ_CHECK(memcmp(t->layer[0].dst, outer->dst, 16) == 0);
	}
}

/* An ICMP error's quote: only an error has one, and what it names is a
 * flow of the error's own family. */
static void check_quote(const struct frame_extra *t, const struct pkt *p)
{
	bool icmp = p->proto == IPPROTO_NUM_ICMP ||
		    p->proto == IPPROTO_NUM_ICMPV6;

	FUZZ_CHECK(p->quote <= QUOTE_DAMAGED);	/* read: ext was given */
	FUZZ_CHECK(p->quote == QUOTE_NONE || icmp);
	if (p->quote != QUOTE_VALID)
		return;
	FUZZ_CHECK(t->quote.family == p->family);
	if (t->quote.family == 4)
		for (size_t j = 4; j < 16; j++)
			FUZZ_CHECK(t->quote.src[j] == 0 && t->quote.dst[j] == 0);
	if (t->quote.proto != IPPROTO_NUM_TCP &&
	    t->quote.proto != IPPROTO_NUM_UDP)
		FUZZ_CHECK(t->quote.sport == 0 && t->quote.dport == 0);
}

/* Field by field: a layer's padding is not written. */
static bool same_layer(const struct tunnel_layer *x,
		       const struct tunnel_layer *y)
{
	return x->type == y->type && x->family == y->family &&
	       x->has_id == y->has_id && x->id == y->id &&
	       memcmp(x->src, y->src, 16) == 0 &&
	       memcmp(x->dst, y->dst, 16) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	uint8_t mode = fuzz_u8(&in);
	uint16_t arg = fuzz_be16(&in);
	int dlt = fuzz_links[flags & 7];
	unsigned which = flags >> 3 & 3;
	bool stackless = flags & 0x20;
	size_t caplen = in.len, wirelen = fuzz_wirelen(mode, caplen, arg);
	size_t effective = wirelen < caplen ? caplen : wirelen;
	struct decode_config cfg;
	struct frame_extra ta, tb;
	struct pkt outer, a, b;
	enum decode_status st_outer, st;

	if (effective > UINT32_MAX)
		effective = UINT32_MAX;
	configure(&cfg, which);
	st_outer = decode_packet(dlt, in.p, caplen, wirelen, &outer);
	memset(&ta, 0x5a, sizeof ta);
	st = decode_packet_ext(which == FUZZ_DECAP_NONE ? NULL : &cfg, dlt,
				   in.p, caplen, wirelen, &a,
				   stackless ? NULL : &ta);
	fuzz_check_pkt(st, &a, effective);
	FUZZ_CHECK(a.unopened < UNOPENED_COUNT);
	FUZZ_CHECK(strcmp(tunnel_unopened_name(a.unopened), "unknown") != 0);
	if (which >= FUZZ_DECAP_OFF) {
		/* Nothing opened, nothing named: decode_packet exactly. */
		FUZZ_CHECK(st == st_outer);
		/* an error's quote is read only into a frame_extra */
		FUZZ_CHECK((outer.quote == QUOTE_UNREAD) ==
			   (a.quote != QUOTE_NONE));
		outer.quote = a.quote;
		FUZZ_CHECK(memcmp(&a, &outer, sizeof a) == 0);
	}
	if (stackless) {
		FUZZ_CHECK(a.tunnel_depth <= LUCS_MAX_TUNNEL_DEPTH);
		FUZZ_CHECK(a.quote <= QUOTE_DAMAGED);
		return 0;
	}
	check_layers(&ta, &a, st, &outer);
	check_quote(&ta, &a);
	if (ta.depth > 0 || st == DECODE_TUNNEL_TRUNCATED ||
	    st == DECODE_TUNNEL_BAD_HEADER) {
		/* A tunnel header is read in a packet decode_packet
		 * decodes. */
		FUZZ_CHECK(st_outer == DECODE_OK);
	} else {
		/* One not opened leaves the packet as it was, but for its
		 * name. */
		FUZZ_CHECK(st == st_outer);
		outer.unopened = a.unopened;
		outer.quote = a.quote;
		FUZZ_CHECK(memcmp(&a, &outer, sizeof a) == 0);
	}
	/* Deterministic, whatever the structs held. */
	memset(&b, 0xa5, sizeof b);
	memset(&tb, 0xa5, sizeof tb);
	FUZZ_CHECK(decode_packet_ext(which == FUZZ_DECAP_NONE ? NULL : &cfg,
					 dlt, in.p, caplen, wirelen, &b,
					 &tb) == st);
	FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
	FUZZ_CHECK(tb.depth == ta.depth);
	for (unsigned i = 0; i < ta.depth; i++)
		FUZZ_CHECK(same_layer(&ta.layer[i], &tb.layer[i]));
	if (a.quote == QUOTE_VALID)
		FUZZ_CHECK(memcmp(&ta.quote, &tb.quote, sizeof ta.quote) == 0);
	return 0;
}
