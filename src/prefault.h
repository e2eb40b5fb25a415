/* prefault.h: commit the pages of a growing region ahead of its use, on a
 * helper thread.
 *
 * A fresh anonymous page costs its first writer a fault and a zeroing (on
 * a VM with free page reporting, a fault on the host too): for the flow
 * pool that is most of the main thread's time on a capture of new flows.
 * The helper pays it instead, on the core the main thread leaves idle.
 */
#ifndef LUCS_PREFAULT_H
#define LUCS_PREFAULT_H

#include <stddef.h>

struct prefault;

/* Start committing [base, base + size), `ahead` bytes past the use
 * reported; NULL when no helper runs (size <= ahead, or no memory or
 * thread for it): the pages then fault on use, as without it. */
struct prefault *prefault_start(void *base, size_t size, size_t ahead);
/* The first `used` bytes are in use; returns the use at which to call
 * again (SIZE_MAX: never). */
size_t prefault_reach(struct prefault *pf, size_t used);
void prefault_stop(struct prefault *pf);

#endif
