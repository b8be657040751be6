/* Grace: a recent success remembered per login session, as sudo
 * remembers one in /run/sudo/ts.
 *
 * A record says "USER typed a right code in SERVICE, in the session
 * (terminal device, session id, session leader's start time, boot) of
 * session.h, at AT".  Within `grace` seconds the same user, service and
 * session need no code.  A recycled pts, a claimed PAM_TTY, another
 * service, another boot, or a process without a controlling terminal
 * matches no record.
 *
 * Records live in a root-only runtime directory (grace_dir, by default
 * /run/credgate/grace: a tmpfs cleared at boot), made on first use,
 * one file per user, replaced atomically under the user's lock file
 * ".USER.lock".  Nothing is fsynced: a record lost in a crash costs one
 * more prompt.  A file that cannot be read or parsed grants nothing.
 *
 * File format (written only by cg_grace_format):
 *
 *   credgate-grace 1
 *   SERVICE MAJOR:MINOR SID LEADER_START BOOT_ID AT     zero or more
 *
 * at most CG_GRACE_RECORDS records; SERVICE as cg_grace_service_valid
 * says; numbers canonical decimal; every line ends in '\n'. */
#ifndef CG_GRACE_H
#define CG_GRACE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cg_error.h"
#include "session.h"

#define CG_GRACE_RECORDS 16         /* sessions remembered per user */
#define CG_SERVICE_MAX 64           /* incl. NUL */
#define CG_GRACE_MAX_SECONDS 86400  /* the longest grace a policy allows */
#define CG_GRACE_FILE_MAX 8192

struct cg_grace_record {
	char service[CG_SERVICE_MAX];
	struct cg_session session;
	int64_t at;
};

struct cg_grace_list {
	struct cg_grace_record rec[CG_GRACE_RECORDS];
	size_t n;
};

/* PAM service names we remember: 1..CG_SERVICE_MAX-1 bytes of
 * [A-Za-z0-9_.@+-].  Another service gets no grace. */
bool cg_grace_service_valid(const char *service);

/* Does a record of (user, service, session) from within the last `grace`
 * seconds exist?  *applies is false on any error; CG_E_NOENT (no
 * directory, no file) is not an error and gives CG_OK. */
cg_err cg_grace_check(const char *dir, const char *user, const char *service,
		      const struct cg_session *s, unsigned grace, time_t now,
		      bool *applies);

/* Remember a success now (creating the directory if needed).  Records
 * of other boots, from the future or older than CG_GRACE_MAX_SECONDS are
 * dropped; the oldest makes room. */
cg_err cg_grace_record(const char *dir, const char *user, const char *service,
		       const struct cg_session *s, time_t now);

/* Forget every record of user (revoked or re-enrolled).  CG_OK when
 * there was nothing to forget. */
cg_err cg_grace_forget(const char *dir, const char *user);

/* Text form <-> list, for tests and the fuzz target.  The format output
 * is freed with free(). */
cg_err cg_grace_parse(const char *text, size_t len, struct cg_grace_list *out);
cg_err cg_grace_format(const struct cg_grace_list *l, char **text_out);

#endif
