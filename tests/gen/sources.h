/* sources.h: the captures of lucsaudit(1)'s CAPTURE SOURCES: a Windows
 * capture with an Ethernet and the loopback interface in one pcapng, a
 * capture holding pktmon's copies of every packet, and a folder of
 * rotated captures (see sources.c). */
#ifndef LUCS_GEN_SOURCES_H
#define LUCS_GEN_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

struct source_capture {
	const char *file;		/* in pcaps/: a file, or a folder */
	bool (*make)(const char *path);
};

extern const struct source_capture source_captures[];
extern const size_t n_source_captures;

#endif
