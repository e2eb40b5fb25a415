/* proto.c: the protocol names lucsaudit knows, a constant table. */
#include "proto.h"

#include <stdio.h>
#include <string.h>

static const struct {
	uint8_t num;
	const char *name;
} protocols[] = {
	{ IPPROTO_NUM_TCP, "tcp" },
	{ IPPROTO_NUM_UDP, "udp" },
	{ IPPROTO_NUM_ICMP, "icmp" },
	{ IPPROTO_NUM_ICMPV6, "icmpv6" },
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

void proto_names(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NPROTOCOLS; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 protocols[i].name);

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}
