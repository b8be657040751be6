/* credgate-enroll: what the parts of the enrollment tool share.
 *
 * credgate-enroll.c  main: hardening, who may do what, dispatch
 * enroll_args.c      command line and --help
 * enroll_common.c    config and store, audit lines, prompts, locked writes
 * enroll_self.c      a user re-enrolling themself: their current code
 * enroll_add.c       add: new secret, confirmation, recovery codes
 * enroll_show.c      the URI and its QR codes (terminal, PNG, SVG)
 * enroll_admin.c     list, status, revoke, unlock, recovery
 * enroll_prune.c     prune: enrollments of accounts NSS no longer knows
 * enroll_import.c    import: reading the file as the caller, storing
 * enroll_ga.c        the ~/.google_authenticator format
 * enroll_oath.c      pam_oath's usersfile format
 * enroll_check.c     check-config
 * enroll_log.c       log: the incident query (parts in logq.h)
 * enroll_scan.c      scan: copies of credentials on the host (scan.h)
 * enroll_migrate.c   migrate between the files and the ldap store
 * enroll_keys.c      init, rekey: the host key that seals the state */

#ifndef CG_ENROLL_H
#define CG_ENROLL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "audit.h"
#include "conf.h"
#include "otp.h"
#include "recovery.h"
#include "state.h"
#include "ttyline.h"
#include "store.h"

#define ENROLL_PROG "credgate-enroll"

/* Exit statuses; credgate-enroll(8) and --help list the same. */
enum enroll_exit {
	ENROLL_EXIT_OK = 0,
	ENROLL_EXIT_ERROR = 1,       /* failed: config, state, I/O, bad input file */
	ENROLL_EXIT_USAGE = 2,       /* bad command line */
	ENROLL_EXIT_DENIED = 3,      /* not permitted for this caller */
	ENROLL_EXIT_NOTFOUND = 4,    /* unknown user, or user not enrolled */
	ENROLL_EXIT_EXISTS = 5,      /* already enrolled and no --force */
	ENROLL_EXIT_UNCONFIRMED = 6, /* no right code given; nothing written */
};

enum enroll_cmd {
	CMD_NONE, CMD_ADD, CMD_LIST, CMD_STATUS, CMD_REVOKE, CMD_UNLOCK,
	CMD_RECOVERY, CMD_IMPORT, CMD_CHECK_CONFIG, CMD_LOG, CMD_SCAN,
	CMD_MIGRATE, CMD_INIT, CMD_REKEY, CMD_PRUNE,
};

enum enroll_qr { QR_DEFAULT, QR_NONE, QR_UTF8, QR_ANSIUTF8, QR_ANSI };

#define ENROLL_CONFIRM_TRIES 3
#define ENROLL_LINE_MAX 4096         /* one line of input (a URI at most) */
#define ENROLL_LOG_FILES_MAX 64      /* log --file, repeated */

struct enroll_opts {
	enum enroll_cmd cmd;
	const char *config;          /* --config, NULL for the default */
	const char *arg;             /* USER, or FILE for check-config */
	cg_alg alg;
	unsigned digits, period;
	const char *issuer, *label;
	enum enroll_qr qr;
	const char *qr_png, *qr_svg;
	bool no_confirm, force;
	unsigned recovery_count;     /* --recovery-codes, default 10 */
	char *uri;                   /* --uri (a copy; argv is wiped) */
	const char *ga_file, *oath_file;
	/* log */
	const char *log_credential, *log_user, *log_event, *log_result;
	const char *log_since, *log_until;
	const char *log_files[ENROLL_LOG_FILES_MAX];
	size_t nlog_files;
	bool log_journal, json, summary, before_rotation;
	/* scan (--json is shared with log) */
	char **args;                 /* scan's PATHs, migrate's USERs */
	size_t nargs;
	bool rotate_hint, no_xdev, no_git;
	bool to_ldap, to_set;        /* migrate --to */
	bool dry_run;                /* prune --dry-run */
};

struct enroll_ctx {
	const struct enroll_opts *o;
	struct cg_config *cfg;
	struct cg_store *store;
	bool caller_root;
	char caller[CG_USER_MAX];    /* name of the real uid */
	char login[CG_USER_MAX];     /* of the login uid (by_login), or "" */
	char target[CG_USER_MAX];    /* the user acted on */
	uid_t target_uid;            /* valid when target_known */
	bool target_known;           /* the target exists in NSS */
};

/* enroll_args.c: 0 to go on, else the exit status (after --help it is
 * ENROLL_EXIT_OK and *stop is set). */
int enroll_parse_args(int argc, char **argv, struct enroll_opts *o,
		      bool *stop);
void enroll_opts_free(struct enroll_opts *o);
const char *enroll_cmd_name(enum enroll_cmd cmd);

/* enroll_common.c */
void enroll_err(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* An absolute form of a path root gave (the core opens absolute paths
 * only): the working directory prefixed, nothing resolved. */
int enroll_abs_path(const char *path, char *out, size_t sz);
int enroll_load_config(struct enroll_ctx *c, const char *path);
int enroll_open_store(struct enroll_ctx *c);
void enroll_ctx_release(struct enroll_ctx *c);
/* One audit line: event, result, reason, user=target, by=caller, extras. */
void enroll_audit(const struct enroll_ctx *c, const char *event,
		  const char *result, const char *reason,
		  const struct cg_audit_field *extra, size_t nextra);
/* Prompt on stderr and read one line of secret input (a code, a recovery
 * code, a URI) from stdin into buf, with echo off on a terminal: the
 * tools' one reader (ttyline.h).  CG_LINE_NUL and CG_LINE_TOOLONG are
 * errors to report, never a line cut short.  The caller wipes buf. */
enum cg_line enroll_read_secret(const char *prompt, char *buf, size_t sz);
/* Create (or with force replace) the target's state under its lock.
 * *replaced says which happened.  CG_E_EXISTS without force. */
cg_err enroll_store_state(struct enroll_ctx *c, const struct cg_state *st,
			  bool force, bool *replaced);
/* Forget the target's grace records (revoked, re-enrolled); a failure
 * is a warning on stderr. */
void enroll_forget_grace(const struct enroll_ctx *c);
/* Read the target's state (no lock: for display and early checks). */
cg_err enroll_read_state(struct enroll_ctx *c, struct cg_state *st,
			 unsigned *bad_line);
void enroll_state_error(const struct enroll_ctx *c, cg_err e, unsigned line);
void enroll_print_recovery(char (*codes)[CG_RECOVERY_CODE_SIZE], size_t n);
/* "2027-01-15 08:00:00 UTC", or "-" for 0. */
void enroll_format_time(int64_t t, char *buf, size_t sz);

/* enroll_self.c: may add/import write the target's state?  Not enrolled:
 * yes.  Enrolled: only with --force, and a caller other than root must
 * then give their current code (or a recovery code), checked and
 * recorded as a login is, so it can neither be replayed nor guessed
 * without limit.  0 to go on, else an exit status (audited as `event`). */
int enroll_may_write(struct enroll_ctx *c, const char *event);

/* enroll_show.c: the URI, the terminal QR code, the PNG/SVG files. */
int enroll_show(const struct enroll_ctx *c, const char *uri,
		const char *secret_b32);

/* Subcommands; each returns an exit status. */
int enroll_cmd_add(struct enroll_ctx *c);
int enroll_cmd_list(struct enroll_ctx *c);
int enroll_cmd_prune(struct enroll_ctx *c);
int enroll_cmd_status(struct enroll_ctx *c);
int enroll_cmd_revoke(struct enroll_ctx *c);
int enroll_cmd_unlock(struct enroll_ctx *c);
int enroll_cmd_recovery(struct enroll_ctx *c);
int enroll_cmd_import(struct enroll_ctx *c);
int enroll_cmd_check_config(struct enroll_ctx *c);
int enroll_cmd_log(struct enroll_ctx *c);
/* scan exits 0 (nothing found), 1 (found) or 2 (error, or something
 * could not be looked at), as scan.h says. */
int enroll_cmd_scan(struct enroll_ctx *c);
int enroll_cmd_migrate(struct enroll_ctx *c);
int enroll_cmd_init(struct enroll_ctx *c);
int enroll_cmd_rekey(struct enroll_ctx *c);

/* What an import file yields (enroll_ga.c, enroll_oath.c). */
struct enroll_import {
	struct cg_totp totp;
	int64_t last_step;            /* last step used before, -1 unknown */
	char scratch[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	size_t nscratch;              /* GA scratch codes, kept as recovery */
};

/* Settings of a ~/.google_authenticator file besides the secret, so the
 * import can say what maps onto credgate and what does not. */
struct enroll_ga_info {
	unsigned window_size;         /* 0: no WINDOW_SIZE line (GA default 3) */
	unsigned rate_attempts, rate_seconds;   /* 0: no RATE_LIMIT */
	bool disallow_reuse;
	bool time_skew;               /* TIME_SKEW present and not 0 */
	unsigned step_size;           /* 30 unless STEP_SIZE said otherwise */
	unsigned ignored;             /* option lines not understood */
};

/* Parse the text of a ~/.google_authenticator file.  CG_E_PARSE with
 * *bad_line and a message in why (never file contents) on a malformed
 * line, a HOTP file, a file without TOTP_AUTH or a STEP_SIZE other than
 * 30 or 60.  out is wiped on failure. */
cg_err enroll_ga_parse(const char *text, size_t len, struct enroll_import *out,
		       struct enroll_ga_info *info, unsigned *bad_line,
		       char *why, size_t whysz);
/* What was mapped and what was not, with hints, on `f`. */
void enroll_ga_report(const struct enroll_import *imp,
		      const struct enroll_ga_info *info,
		      const struct cg_defaults *d, FILE *f);

/* Parse pam_oath's usersfile and take the one TOTP line of `user`.
 * CG_E_NOENT when the user has no line; CG_E_PARSE (with *bad_line and
 * why) for a line of the user that cannot be imported (HOTP, 7 digits,
 * bad secret) or several lines for the user.  *notes receives bits of
 * ENROLL_OATH_* for the report. */
#define ENROLL_OATH_PASSWORD   0x1    /* a password field was set */
#define ENROLL_OATH_LAST_OTP   0x2    /* the last code used was mapped */
#define ENROLL_OATH_LAST_TIME  0x4    /* only the last login time was */
cg_err enroll_oath_parse(const char *text, size_t len, const char *user,
			 struct enroll_import *out, unsigned *notes,
			 unsigned *bad_line, char *why, size_t whysz);

#endif
