/* privs.h: giving up root after the capture is open (-Z USER). */
#ifndef LUCS_PRIVS_H
#define LUCS_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Become user for good: no supplementary groups, the user's uid and gid
 * as real, effective, saved and filesystem ids, every capability gone
 * (permitted, effective, inheritable, ambient and the bounding set) and
 * no_new_privs set, so nothing can bring privileges back.  false with a
 * message in err when any step fails: the caller must not go on. */
bool privs_drop(const char *user, char *err, size_t errlen);

#endif
