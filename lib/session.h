/* The login session of this process, as the kernel sees it.
 *
 * Grace (grace.h) must belong to the session that typed a code, the way
 * sudo's timestamps do: not to a terminal *name* (PAM_TTY is whatever
 * the application says, and a pts number comes back to the next process
 * that opens a pty), but to the controlling terminal's device number, the
 * session id and the session leader's start time, all read from /proc,
 * plus the boot they belong to.  A recycled pts gets a new session (new
 * sid or leader start time); a process without a controlling terminal
 * (sshd's monitor, cron, `setsid`) has no session here at all.
 *
 * Nothing here trusts the environment, the fds or PAM items. */
#ifndef CG_SESSION_H
#define CG_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"

#define CG_BOOT_ID_SIZE 37           /* a UUID, 36 characters, and NUL */
#define CG_TTY_NAME_MAX 32           /* "pts/123456" or "tty63", and NUL */

struct cg_session {
	unsigned major, minor;       /* controlling terminal's device */
	long long sid;               /* session id (the leader's pid) */
	unsigned long long leader_start;  /* its start, clock ticks after boot */
	char boot_id[CG_BOOT_ID_SIZE];    /* /proc/sys/kernel/random/boot_id */
};

/* The session of the calling process.  CG_E_NOENT when it has no
 * controlling terminal or its session leader is gone; CG_E_IO or
 * CG_E_PARSE when /proc cannot be read or understood. */
cg_err cg_session_current(struct cg_session *out);

/* The fields of one /proc/PID/stat line: session (field 6), tty_nr
 * (field 7, decoded to major and minor) and starttime (field 22).  The
 * command name in parentheses may hold anything, ')' and spaces
 * included.  For tests and the fuzz target. */
cg_err cg_session_parse_stat(const char *text, size_t len, long long *sid,
			     unsigned *major, unsigned *minor,
			     unsigned long long *start);

/* The terminal's name for audit lines and PAM_TTY: "pts/N" or "ttyN",
 * only if /dev has a character device of that name with that number.
 * False (and "" in buf) otherwise. */
bool cg_session_tty_name(const struct cg_session *s, char *buf, size_t sz);

#endif
