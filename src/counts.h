/* counts.h: flows, packets and bytes: what every total of a report
 * counts. */
#ifndef LUCS_COUNTS_H
#define LUCS_COUNTS_H

#include <stdint.h>

struct counts {
	uint64_t flows, packets, bytes;
};

void counts_add(struct counts *c, uint64_t flows, uint64_t packets,
		uint64_t bytes);

#endif
