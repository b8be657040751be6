/* Hardening for the setuid-root tools (DESIGN.md rule 7), in one place so
 * credgate and credgate-enroll refuse the same things the same way.
 * Modelled on Linux-PAM's unix_chkpwd and OpenSSH's ssh-keysign. */
#ifndef CG_PRIVGUARD_H
#define CG_PRIVGUARD_H
#include <stdbool.h>
#include <sys/types.h>
#include "cg_error.h"

#define CG_SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Call first thing in main().  Exits (status 1, message on stderr when
 * possible) when argc is 0 or argv[0] is empty (what Linux >= 5.18 makes
 * of argc 0).  Then: no core dumps (PR_SET_DUMPABLE 0,
 * RLIMIT_CORE 0), fds 0-2 opened on /dev/null if closed, umask 077,
 * RLIMIT_FSIZE and RLIMIT_CPU lifted and SIGXFSZ ignored (a caller's
 * "ulimit -f 0" must not kill us between writing a temp file and
 * removing it; both come back in the cg_priv_drop_* functions), and
 * the environment replaced by a minimal safe one (PATH=CG_SAFE_PATH, and
 * TERM/LANG/LC_ALL only if their values are plain).  The caller's
 * original environment is kept aside for cg_priv_caller_env(). */
void cg_priv_init(int argc, char **argv);

/* The environment the program was started with (NULL-terminated copy),
 * for a command run after privileges are dropped for good. */
char **cg_priv_caller_env(void);

/* True when the real uid is 0: only then are --config and similar
 * options honoured. */
bool cg_priv_caller_is_root(void);

/* Drop to uid/gid (supplementary groups from NSS via initgroups; none
 * when user is NULL, e.g. for an owner NSS does not know) for good:
 * real, effective and saved ids, then verify that regaining root fails.
 * Any failure is CG_E_IO: the caller must exit, not continue. */
cg_err cg_priv_drop_permanently(const char *user, uid_t uid, gid_t gid);

/* Drop for good to exactly the identity the program was started with:
 * real uid, real gid and the supplementary groups the caller had at
 * cg_priv_init (not initgroups: a caller who shed groups, e.g. with
 * setpriv --clear-groups, must not regain them through us).  Verified
 * like cg_priv_drop_permanently; CG_E_IO means exit, not continue. */
cg_err cg_priv_drop_to_caller(void);

/* The name of the login uid (/proc/self/loginuid, set by pam_loginuid
 * at login and not changeable by the user afterwards): who is behind a
 * sudo or su, for audit lines (by_login=).  "" when there is none (a
 * daemon, a container without it) or it cannot be read; the uid as a
 * number when NSS does not know it. */
void cg_priv_login_name(char *out, size_t sz);

/* Temporarily act as the real user for file system access (setfsuid/
 * setfsgid), e.g. to write a PNG where the user asked; and back. */
cg_err cg_priv_fs_as_caller(void);
cg_err cg_priv_fs_as_root(void);

#endif
