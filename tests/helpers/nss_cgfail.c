/* A test NSS module, "cgfail" in nsswitch.conf: for the user "ghost" the
 * source is unavailable (NSS_STATUS_UNAVAIL, errno EIO), as a directory
 * that is down would be; every other name is simply not found here.  So
 * "passwd: files cgfail" tells "no such user" from "NSS failed". */
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>

enum nss_status _nss_cgfail_getpwnam_r(const char *name, struct passwd *pw,
				       char *buf, size_t len, int *errnop);

enum nss_status _nss_cgfail_getpwnam_r(const char *name, struct passwd *pw,
				       char *buf, size_t len, int *errnop)
{
	(void)pw;
	(void)buf;
	(void)len;
	if (strcmp(name, "ghost") == 0) {
		*errnop = EIO;
		return NSS_STATUS_UNAVAIL;
	}
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}
