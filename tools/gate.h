/* The access gate (tools/credgate): what its parts share.
 *   credgate.c      main: hardening, arguments, caller, policy, dispatch
 *   gate_conv.c     the PAM conversation on the terminal (or stdin)
 *   gate_pam.c      one PAM transaction: authenticate, then account
 *   gate_deliver.c  cat and run: open the credential, hand it over
 *   gate_query.c    list and check: the policy, explained
 *   gate_write.c    put and rollback: replacing the credential file
 *   gate_versions.c versions: the kept versions of a credential
 *   gate_onchange.c the policy's on_change command, run with a timeout
 *   gate_approve.c  request, approve, deny, requests; the approved read
 * The gate is setuid root; DESIGN.md rule 7 says what that demands. */
#ifndef CG_GATE_H
#define CG_GATE_H
#include <stdbool.h>
#include <sys/types.h>
#include "conf.h"
#include "seal.h"
#include "gate_args.h"
#include "policy.h"
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
	GATE_EXIT_BUSY = 6,         /* put, rollback: another is running */
	GATE_EXIT_ON_CHANGE = 7,    /* put, rollback: done; on_change failed */
	GATE_EXIT_NOEXEC = 126,     /* run: command found but not executable */
	GATE_EXIT_NOTFOUND = 127,   /* run: command not found */
};

/* Largest credential handed over, so a mistaken path (a log file, a
 * disk image) fails clearly instead of filling memory. */
#define GATE_MAX_CREDENTIAL CG_CREDENTIAL_SIZE_MAX

struct gate_caller {
	char name[CG_USER_MAX];     /* from the real uid, never $USER */
	uid_t uid;
	char tty[CG_TTY_NAME_MAX];  /* "pts/0"; "" when not on a terminal */
	char login[CG_USER_MAX];    /* the login uid's name (by_login), or "" */
};

struct gate {
	struct gate_args args;
	struct gate_caller caller;
	struct cg_config *cfg;      /* the policy, loaded before anything else */
};

/* One audit line: event=access (rotate for put and rollback, versions
 * for versions) result= reason= user= credential= service=credgate tty=
 * rhost=- [detail=]. */
void gate_audit(const struct gate *g, bool granted, const char *reason,
		const char *detail);
/* The same for a refused credential file: path= and, when it is
 * exposed, readable_by= ("world", "group NAME"). */
void gate_audit_file(const struct gate *g, const char *reason,
		     const char *path, const char *readable_by,
		     const char *detail);

/* The line of a rotation (put, rollback), granted or not:
 *   event=rotate result= reason= user= by_login= credential= old_fp=
 *   new_fp= size= service=credgate tty= rhost=- [detail=] [version=] */
struct gate_rotation {
	const char *reason;
	const char *old_fp, *new_fp;  /* NULL: not known (yet) */
	size_t size;                  /* of the new content, when known */
	bool have_size;
	unsigned long long version;   /* the version the new content is, 0 */
	const char *detail;
};
void gate_audit_rotate(const struct gate *g, bool granted,
		       const struct gate_rotation *r);
/* "credgate: MESSAGE" on stderr. */
void gate_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Authenticate the caller and check the account stage for credential
 * through PAM service "credgate", for a read or another access (policy.h:
 * CREDGATE_ACTION).  GATE_EXIT_OK only when both
 * succeeded for the caller's own name. */
int gate_pam_authorize(const struct gate *g, const char *credential,
		       enum cg_access access);

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
/* put and rollback, once PAM and the policy said yes. */
int gate_cmd_write(const struct gate *g, const struct cg_credential *c);
/* versions, once the policy said yes (no code: it shows no content). */
int gate_cmd_versions(const struct gate *g, const struct cg_credential *c);

/* Run c's on_change (if any) as root with a clean environment, killed at
 * its timeout; audited (event=on_change) and reported on stderr.  True
 * when there was none or it exited 0. */
bool gate_on_change(const struct gate *g, const struct cg_credential *c);

/* The host key as the policy names it -- or, while credgate-enroll rekey
 * runs, the new one beside it (what the rekey moves every version to, so
 * nothing is sealed under the key it retires).  Errors are told to the
 * caller (*path_out names the file) and not printed. */
cg_err gate_load_host_key(const struct gate *g, struct cg_key *k,
			  const char **path_out);

/* Two-person approval (gate_approve.c): request NAME, approve ID and
 * deny ID, requests. */
int gate_cmd_request(const struct gate *g);
int gate_cmd_vote(const struct gate *g);
int gate_cmd_requests(const struct gate *g);
/* cat and run of a credential with approvals, once the roles have
 * granted it: before authenticating, whether the caller holds an
 * approved request (deny before the prompt); after, take one read of it,
 * under the lock, exactly once. */
int gate_approval_precheck(const struct gate *g, const struct cg_credential *c);
int gate_approval_use(const struct gate *g, const struct cg_credential *c);

#endif
