/* proto.h: IP protocol numbers (IANA's "Assigned Internet Protocol
 * Numbers") and the names lucsaudit reads in catalogues and writes in
 * reports: one table for both. */
#ifndef LUCS_PROTO_H
#define LUCS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { IPPROTO_NUM_ICMP = 1, IPPROTO_NUM_IPIP = 4, IPPROTO_NUM_TCP = 6,
       IPPROTO_NUM_UDP = 17, IPPROTO_NUM_IPV6 = 41, IPPROTO_NUM_GRE = 47,
       IPPROTO_NUM_ICMPV6 = 58 };

/* The name of protocol num, or NULL when it has none here. */
const char *proto_name(uint8_t num);
/* The number a name stands for; false when it names no protocol here. */
bool proto_number(const char *name, uint8_t *num);
/* The protocol's name, or its number written into buf. */
const char *proto_text(uint8_t num, char buf[4]);

#endif
