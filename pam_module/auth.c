/* pam_sm_authenticate: the TOTP second factor (or a recovery code).
 *
 * Flow of one call (cg_pam_authenticate):
 *   1. arguments (args.c): an unknown or malformed one denies, logged
 *   2. PAM_USER -> the account's canonical name from NSS (the state key);
 *      an unknown user is denied like any other, never ignored
 *   3. the policy (credgate.conf) and the store it names; any error
 *      denies after still prompting, so the answer reveals nothing
 *   4. the gate's per-credential options (only in service "credgate")
 *   5. precheck, before prompting: not enrolled (PAM_IGNORE with
 *      nullok), a damaged state (deny), or grace for this very session
 *      (grace.h), unless locked out
 *   6. prompt (or the stacked token with try/use_first_pass), then one
 *      store transaction judges and records the attempt (verify.h)
 *   7. on success: grace remembered, and the user this stage vouched for
 *      pinned for the account stage (cg_pin_user)
 * Every decision is one audit line (pam_audit.c). */
#include "config.h"
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include "args.h"
#include "audit.h"
#include "auth.h"
#include "conf.h"
#include "grace.h"
#include "pam_audit.h"
#include "pin.h"
#include "policy.h"
#include "session.h"
#include "state.h"
#include "store.h"
#include "verify.h"
#include "wipe.h"

/* Everything one authentication holds; released in one place. */
struct auth_txn {
	struct cg_pam_ctx ctx;
	struct cg_args args;
	struct cg_config *cfg;
	struct cg_store *store;
	char *code;                   /* what the user typed: wiped */
};

static void txn_release(struct auth_txn *t)
{
	cg_free_string(t->code);
	t->code = NULL;
	cg_store_close(t->store);
	t->store = NULL;
	cg_config_free(t->cfg);
	t->cfg = NULL;
}

/* 6 or 8 digits (spaces allowed), or a recovery code's 12 letters and
 * digits in groups: the shapes a person types at our prompt. */
static bool looks_like_code(const char *s)
{
	size_t digits = 0, alnum = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z'))
			alnum++;
		else if (*s != ' ' && *s != '-')
			return false;
	}
	return (digits == alnum && (digits == 6 || digits == 8)) ||
	       alnum == 12;
}

/* Get the code: the stacked password with try/use_first_pass, else ask. */
static int read_code(struct auth_txn *t)
{
	const void *item = NULL;
	char *resp = NULL;

	if (t->args.try_first_pass || t->args.use_first_pass) {
		/* try_first_pass: a stacked *password* (pam_unix stores one)
		 * is not a code; judging it would count a failure on every
		 * login and lock the user out.  Take only what looks like a
		 * code, else prompt, as pam_unix's try_first_pass does. */
		if (pam_get_item(t->ctx.pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS &&
		    item != NULL && (t->args.use_first_pass ||
				     looks_like_code(item))) {
			t->code = strdup(item);
			return t->code != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
		}
		if (t->args.use_first_pass)
			return PAM_AUTH_ERR;
	}
	if (pam_prompt(t->ctx.pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s",
		       t->args.prompt) != PAM_SUCCESS || resp == NULL) {
		cg_free_string(resp);
		return PAM_CONV_ERR;
	}
	t->code = resp;
	return PAM_SUCCESS;
}

/* Deny after still asking for a code, so the answer does not tell an
 * attacker whether the user is enrolled or the system is misconfigured. */
static int deny_after_prompt(struct auth_txn *t, const char *reason,
			     const char *detail, int rc)
{
	(void)read_code(t);
	cg_pam_audit(&t->ctx, "auth", false, reason, NULL, detail);
	return rc;
}

static int load_policy(struct auth_txn *t);

/* A user NSS does not know: asked for a code and denied like anyone,
 * after the same judging and durable write a wrong code costs (the
 * store's decoy), so the answer's timing does not tell. */
static int deny_unknown(struct auth_txn *t, const char *reason)
{
	int rc;

	if ((rc = load_policy(t)) != PAM_SUCCESS)
		return rc;                 /* prompted, denied and logged */
	cg_store_read_decoy(t->store);     /* as a user's state is read */
	if (read_code(t) == PAM_SUCCESS)
		cg_verify_decoy(t->store, &t->cfg->defaults, t->code,
				time(NULL));
	cg_pam_audit(&t->ctx, "auth", false, reason, NULL, NULL);
	return PAM_AUTH_ERR;
}

static int load_policy(struct auth_txn *t)
{
	char msg[CG_CONFIG_MSG_MAX];
	cg_err e;

	if (cg_config_load_explained(t->args.config, &t->cfg, msg,
				     sizeof(msg)) != CG_OK)
		return deny_after_prompt(t, "config_error", msg, PAM_AUTH_ERR);
	e = cg_store_open(t->cfg, &t->store);
	if (e != CG_OK) {
		if (cg_store_why(NULL)[0] != '\0')
			snprintf(msg, sizeof(msg), "%s", cg_store_why(NULL));
		else
			snprintf(msg, sizeof(msg), "%s: %s",
				 t->cfg->defaults.state_dir, cg_strerror(e));
		return deny_after_prompt(t, cg_store_reason(e), msg,
					 PAM_AUTH_ERR);
	}
	cg_pam_debug(&t->ctx, "debug: config %s: state_dir %s, window %u, "
		     "max_failures %u per %u s, lockout %u s, grace %u s",
		     t->args.config, t->cfg->defaults.state_dir,
		     t->cfg->defaults.window, t->cfg->defaults.max_failures,
		     t->cfg->defaults.failure_window, t->cfg->defaults.lockout,
		     t->cfg->defaults.grace);
	return PAM_SUCCESS;
}

/* The error, and the store's own words (a directory's reason, the host
 * key's problem, why a sealed state does not open), which say it better
 * than the error code when there are any. */
static void state_error_detail(const struct auth_txn *t, const char *user,
			       cg_err e, unsigned line, char *msg, size_t sz)
{
	const char *why = cg_store_why(t->store);

	if (why[0] != '\0')
		snprintf(msg, sz, "state of %s: %s", user, why);
	else if (line > 0)
		snprintf(msg, sz, "state of %s: line %u: %s", user, line,
			 cg_strerror(e));
	else
		snprintf(msg, sz, "state of %s: %s", user, cg_strerror(e));
}

/* The session grace is kept for: the kernel's view of this process's
 * login session (session.h), never PAM_TTY.  False when there is none
 * (no controlling terminal: sshd's monitor, cron) or when the service
 * name cannot be remembered. */
static bool grace_session(const struct auth_txn *t, struct cg_session *s)
{
	cg_err e;

	if (t->cfg->defaults.grace == 0 ||
	    !cg_grace_service_valid(t->ctx.service))
		return false;
	if ((e = cg_session_current(s)) != CG_OK) {
		cg_pam_debug(&t->ctx, "debug: no login session for grace: %s",
			     cg_strerror(e));
		return false;
	}
	return true;
}

static bool grace_applies(const struct auth_txn *t, const char *user,
			  time_t now)
{
	struct cg_session s;
	bool applies = false;
	cg_err e;

	if (!grace_session(t, &s))
		return false;
	e = cg_grace_check(t->cfg->defaults.grace_dir, user, t->ctx.service,
			   &s, t->cfg->defaults.grace, now, &applies);
	if (e != CG_OK)
		cg_pam_debug(&t->ctx, "debug: grace records of %s: %s", user,
			     cg_strerror(e));
	return applies;
}

/* After a right code: remember it for this session.  Failing to is no
 * reason to deny; it is logged, since grace will not work. */
static void grace_remember(const struct auth_txn *t, const char *user,
			   time_t now)
{
	char dir[CG_AUDIT_VALUE_MAX + 8];
	struct cg_session s;
	cg_err e;

	if (!grace_session(t, &s))
		return;
	e = cg_grace_record(t->cfg->defaults.grace_dir, user, t->ctx.service,
			    &s, now);
	if (e == CG_OK)
		return;
	cg_audit_escape(t->cfg->defaults.grace_dir, dir, sizeof(dir));
	pam_syslog(t->ctx.pamh, LOG_WARNING, "grace not recorded: grace_dir "
		   "%s: %s", dir, cg_strerror(e));
}

/* Before prompting: not enrolled (nullok), or within the grace period. */
static int precheck(struct auth_txn *t, const char *user, bool *done)
{
	struct cg_state st;
	unsigned line = 0;
	char msg[CG_STORE_DETAIL_MAX];
	int rc = PAM_SUCCESS;
	time_t now = time(NULL);
	cg_err e;

	*done = true;
	cg_state_init(&st);
	e = cg_store_read(t->store, user, &st, &line);
	if (e == CG_E_NOENT && t->args.nullok) {
		cg_pam_audit(&t->ctx, "auth", false, "not_enrolled", NULL,
			     "nullok: ignored");
		rc = PAM_IGNORE;
	} else if (e == CG_E_NOENT) {
		/* Prompted and judged like anyone (against the decoy):
		 * verify() denies it as not_enrolled. */
		*done = false;
	} else if (e != CG_OK) {
		state_error_detail(t, user, e, line, msg, sizeof(msg));
		rc = deny_after_prompt(t, cg_store_reason(e), msg,
				       PAM_AUTH_ERR);
	} else if (st.locked_until <= now &&    /* a lock-out beats grace */
		   grace_applies(t, user, now)) {
		cg_pam_audit(&t->ctx, "auth", true, "grace", NULL, NULL);
	} else {
		*done = false;
	}
	cg_state_wipe(&st);
	return rc;
}

static int verify(struct auth_txn *t, const char *user)
{
	struct cg_verify_result res;
	char msg[CG_STORE_DETAIL_MAX] = "";
	const char *reason;
	int rc = read_code(t);
	time_t now;

	if (rc != PAM_SUCCESS) {
		cg_pam_audit(&t->ctx, "auth", false, "no_code", NULL, NULL);
		return rc == PAM_BUF_ERR ? rc : PAM_AUTH_ERR;
	}
	now = time(NULL);
	cg_verify_and_record(t->store, user, &t->cfg->defaults, t->code, now,
			     &res);
	cg_pam_debug(&t->ctx, "debug: state of %s: verdict %s",
		     user, cg_verdict_reason(res.verdict));
	reason = cg_verdict_reason(res.verdict);
	if (res.verdict == CG_DENIED_STATE_ERROR) {
		state_error_detail(t, user, res.err, res.bad_line, msg,
				   sizeof(msg));
		reason = cg_store_reason(res.err);
	} else if (res.verdict == CG_GRANTED_RECOVERY) {
		snprintf(msg, sizeof(msg), "recovery codes left: %u",
			 res.recovery_left);
	}
	cg_pam_audit(&t->ctx, "auth",
		     res.verdict == CG_GRANTED_CODE ||
		     res.verdict == CG_GRANTED_RECOVERY, reason, NULL,
		     msg[0] != '\0' ? msg : NULL);
	if (res.verdict == CG_DENIED_NOW_LOCKED)
		cg_pam_audit(&t->ctx, "lockout", false, "max_failures", NULL,
			     NULL);
	switch (res.verdict) {
	case CG_GRANTED_CODE:
	case CG_GRANTED_RECOVERY:
		grace_remember(t, user, now);
		return PAM_SUCCESS;
	case CG_DENIED_NOT_ENROLLED:   /* revoked while we prompted */
	default:
		return PAM_AUTH_ERR;
	}
}

/* The gate names the credential it is about to hand over: that
 * credential's grace (if set) replaces the default, and require_totp = no
 * grants without a prompt (the account stage still checks the roles).
 * Only in the gate's service: elsewhere the variable may come from
 * pam_env and a file the user writes, and must not relax anything.  An
 * unknown name changes nothing here; the account stage denies it.
 * Returns true when TOTP is waived. */
static bool apply_credential_options(struct auth_txn *t)
{
	const struct cg_credential *cred;

	if (t->ctx.credential == NULL || t->ctx.service == NULL ||
	    strcmp(t->ctx.service, CG_GATE_SERVICE) != 0)
		return false;
	if ((cred = cg_config_credential(t->cfg, t->ctx.credential)) == NULL)
		return false;
	/* A write (credgate put, rollback) always takes a fresh code: no
	 * grace, no waiver. */
	if (t->ctx.action != NULL && strcmp(t->ctx.action, "read") != 0) {
		t->cfg->defaults.grace = 0;
		return false;
	}
	if (cred->grace >= 0)
		t->cfg->defaults.grace = (unsigned)cred->grace;
	if (cred->require_totp)
		return false;
	cg_pam_audit(&t->ctx, "auth", true, "totp_not_required", NULL, NULL);
	return true;
}

int cg_pam_authenticate(pam_handle_t *pamh, int flags, int argc,
			const char **argv)
{
	struct auth_txn t;
	char canon[CG_USER_NAME_LEN + 1];
	const char *user = NULL;
	bool done = false;
	int rc;
	cg_err e;

	(void)flags;
	memset(&t, 0, sizeof(t));
	cg_pam_ctx_init(&t.ctx, pamh, "auth");
	if (!cg_args_parse(argc, argv, &t.args)) {
		cg_pam_audit(&t.ctx, "auth", false, "bad_argument", NULL,
			     t.args.bad);
		return PAM_SERVICE_ERR;
	}
	t.ctx.debug = t.args.debug;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL) {
		cg_pam_audit(&t.ctx, "auth", false, "no_user", NULL, NULL);
		return PAM_USER_UNKNOWN;
	}
	t.ctx.user = user;
	if (!cg_user_name_valid(user)) {
		rc = deny_after_prompt(&t, "bad_user_name", NULL, PAM_AUTH_ERR);
		goto out;
	}
	/* The state is keyed by the canonical account for the uid.  NSS
	 * may resolve other spellings to the same account (SSSD/LDAP/winbind
	 * are case-insensitive, accept user@domain), a passwd file may hold
	 * an alias entry with another name and the same uid, and sshd and
	 * su hand PAM the name as typed: none of them may find "no state"
	 * and so, with nullok, skip the account's second factor.  An
	 * unknown user is denied like any other, never ignored. */
	if ((e = cg_user_canonical(user, canon, NULL)) != CG_OK) {
		rc = deny_unknown(&t, e == CG_E_NOENT || e == CG_E_NAME ?
				  "unknown_user" : "nss_error");
		goto out;
	}
	user = canon;
	if ((rc = load_policy(&t)) != PAM_SUCCESS)
		goto out;
	if (apply_credential_options(&t))
		goto out;       /* TOTP waived; rc is PAM_SUCCESS */
	rc = precheck(&t, user, &done);
	if (!done)
		rc = verify(&t, user);
 out:
	/* Whoever granted it (code, grace, totp_not_required), the user
	 * this stage vouches for is the one the account stage must see. */
	if (rc == PAM_SUCCESS && user != NULL)
		rc = cg_pin_user(pamh, user);
	txn_release(&t);
	return rc;
}
