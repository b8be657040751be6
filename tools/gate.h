/* The access gate (tools/credgate): what its parts share.
 *   credgate.c      main: hardening, arguments, caller, policy, dispatch
 *   gate_conv.c     the PAM conversation on the terminal (or stdin)
 *   gate_pam.c      one PAM transaction: authenticate, then account
 *   gate_deliver.c  cat and run: open the credential, hand it over
 *   gate_query.c    list and check: the policy, explained
 * The gate is setuid root; DESIGN.md rule 7 says what that demands. */
#ifndef CG_GATE_H
#define CG_GATE_H
#include <stdbool.h>
#include <sys/types.h>
#include "conf.h"
#include "gate_args.h"
#include "session.h"
#include "state.h"

/* Exit statuses, documented in credgate(1).  run exits with the
 * command's own status once the command has started. */
enum {
	GATE_EXIT_OK = 0,
	GATE_EXIT_DENIED = 1,       /* authentication, role or policy said no */
	GATE_EXIT_USAGE = 2,        /* bad arguments, or root-only request */
	GATE_EXIT_CONFIG = 3,       /* the policy cannot be used */
	GATE_EXIT_FILE = 4,         /* the credential file was refused */
	GATE_EXIT_ERROR = 5,        /* PAM, NSS, memory, output, privileges */
	GATE_EXIT_NOEXEC = 126,     /* run: command found but not executable */
	GATE_EXIT_NOTFOUND = 127,   /* run: command not found */
};

/* Largest credential handed over, so a mistaken path (a log file, a
 * disk image) fails clearly instead of filling memory. */
#define GATE_MAX_CREDENTIAL (1024 * 1024)

struct gate_caller {
	char name[CG_USER_MAX];     /* from the real uid, never $USER */
	uid_t uid;
	char tty[CG_TTY_NAME_MAX];  /* "pts/0"; "" when not on a terminal */
};

struct gate {
	struct gate_args args;
	struct gate_caller caller;
	struct cg_config *cfg;      /* the policy, loaded before anything else */
};

/* One audit line: event=access result= reason= user= credential=
 * service=credgate tty= rhost=- [detail=]. */
void gate_audit(const struct gate *g, bool granted, const char *reason,
		const char *detail);
/* The same for a refused credential file: path= and, when it is
 * exposed, readable_by= ("world", "group NAME"). */
void gate_audit_file(const struct gate *g, const char *reason,
		     const char *path, const char *readable_by,
		     const char *detail);
/* "credgate: MESSAGE" on stderr. */
void gate_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Authenticate the caller and check the account stage for
 * g->args.credential through PAM service "credgate".  GATE_EXIT_OK only
 * when both succeeded for the caller's own name. */
int gate_pam_authorize(const struct gate *g);

/* Open c's file and check it (credfile.h) before anyone is asked for a
 * code: *fd_out on GATE_EXIT_OK, else audited (file_error or
 * credential_exposed) and GATE_EXIT_FILE. */
int gate_open_credential(const struct gate *g, const struct cg_credential *c,
			 int *fd_out);
/* Hand over the file open on fd (from gate_open_credential). */
int gate_cmd_cat(const struct gate *g, const struct cg_credential *c, int fd);
/* Returns only on failure (after the drop: 126/127). */
int gate_cmd_run(const struct gate *g, const struct cg_credential *c, int fd);
int gate_cmd_list(const struct gate *g);
int gate_cmd_check(const struct gate *g);

#endif
