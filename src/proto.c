/* proto.c: the protocol names lucsaudit knows, a constant table. */
#include "proto.h"

#include <stdio.h>
#include <string.h>

/* IANA's keywords, in lower case, for the protocols a capture of LUCS and
 * SfB servers may hold; "icmpv6" (IANA: ipv6-icmp) and "ospf" (ospfigp)
 * as every tool writes them.  Any other protocol is written as its
 * number. */
static const struct {
	uint8_t num;
	const char *name;
} protocols[] = {
	{ IPPROTO_NUM_TCP, "tcp" },
	{ IPPROTO_NUM_UDP, "udp" },
	{ IPPROTO_NUM_ICMP, "icmp" },
	{ IPPROTO_NUM_ICMPV6, "icmpv6" },
	{ 0, "hopopt" },
	{ 2, "igmp" },
	{ 3, "ggp" },
	{ IPPROTO_NUM_IPIP, "ipv4" },
	{ 5, "st" },
	{ 8, "egp" },
	{ 9, "igp" },
	{ 27, "rdp" },
	{ 33, "dccp" },
	{ IPPROTO_NUM_IPV6, "ipv6" },
	{ 43, "ipv6-route" },
	{ 44, "ipv6-frag" },
	{ 46, "rsvp" },
	{ IPPROTO_NUM_GRE, "gre" },
	{ 50, "esp" },
	{ 51, "ah" },
	{ 59, "ipv6-nonxt" },
	{ 60, "ipv6-opts" },
	{ 88, "eigrp" },
	{ 89, "ospf" },
	{ 94, "ipip" },
	{ 97, "etherip" },
	{ 98, "encap" },
	{ 103, "pim" },
	{ 108, "ipcomp" },
	{ 112, "vrrp" },
	{ 115, "l2tp" },
	{ 132, "sctp" },
	{ 135, "mobility" },
	{ 136, "udplite" },
	{ 137, "mpls-in-ip" },
	{ 139, "hip" },
	{ 140, "shim6" },
	{ 142, "rohc" },
	{ 143, "ethernet" },
};

#define NPROTOCOLS (sizeof protocols / sizeof protocols[0])

const char *proto_name(uint8_t num)
{
	for (size_t i = 0; i < NPROTOCOLS; i++)
		if (protocols[i].num == num)
			return protocols[i].name;
	return NULL;
}

bool proto_number(const char *name, uint8_t *num)
{
	for (size_t i = 0; i < NPROTOCOLS; i++)
		if (strcmp(protocols[i].name, name) == 0) {
			*num = protocols[i].num;
			return true;
		}
	return false;
}

const char *proto_text(uint8_t num, char buf[4])
{
	const char *name = proto_name(num);

	if (name)
		return name;
	snprintf(buf, 4, "%u", num);
	return buf;
}
