/* privs.c: privilege dropping, further than tcpdump's -Z goes: tcpdump
 * keeps the capability bounding set and does not set no_new_privs. */
#define _GNU_SOURCE	/* setresuid, getresuid */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

/* Needs CAP_SETPCAP: done while still root. */
static bool drop_bounding_set(char *err, size_t errlen)
{
	for (int cap = 0; cap <= last_cap(); cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(err, errlen, "cannot drop capability %d from the "
				 "bounding set: %s", cap, strerror(errno));
			return false;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return true;
}

/* glibc has no wrapper for capset and libcap would be a dependency for
 * one call. */
static bool clear_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "cannot clear capabilities: %s",
			 strerror(errno));
		return false;
	}
	return true;
}

static bool verify(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid || getgroups(0, NULL) != 0) {
		snprintf(err, errlen, "the ids did not change as asked");
		return false;
	}
	if (uid != 0 && setuid(0) == 0) {
		snprintf(err, errlen, "root could be regained");
		return false;
	}
	return true;
}

bool privs_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "-Z %s: %s", user,
			 errno ? strerror(errno) : "no such user");
		return false;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (geteuid() != 0) {
		snprintf(err, errlen, "-Z %s: only root can become another user; "
			 "without -Z, a non-root lucsaudit keeps only the "
			 "capabilities it was given", user);
		return false;
	}
	if (!drop_bounding_set(err, errlen))
		return false;
	if (setgroups(0, NULL) != 0) {
		snprintf(err, errlen, "-Z %s: setgroups: %s", user, strerror(errno));
		return false;
	}
	if (setresgid(gid, gid, gid) != 0) {
		snprintf(err, errlen, "-Z %s: setresgid: %s", user, strerror(errno));
		return false;
	}
	if (setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "-Z %s: setresuid: %s", user, strerror(errno));
		return false;
	}
	if (!clear_capabilities(err, errlen))
		return false;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "-Z %s: no_new_privs: %s", user,
			 strerror(errno));
		return false;
	}
	return verify(uid, gid, err, errlen);
}
