/* outcomes.h: pcaps/icmp-*.pcap, icmpv6-prohibited.pcap and
 * outcomes-timing.pcap: connections refused, prohibited, unreachable and
 * unanswered, the ICMP errors that say so, and errors whose quote is
 * damaged (see outcomes.c). */
#ifndef LUCS_GEN_OUTCOMES_H
#define LUCS_GEN_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>

struct outcome_capture {
	const char *file;		/* in pcaps/ */
	bool (*make)(const char *path);
};

extern const struct outcome_capture outcome_captures[];
extern const size_t n_outcome_captures;

#endif
