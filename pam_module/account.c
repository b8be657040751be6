/* The account stage: roles.  Which check applies:
 *   CREDGATE_CREDENTIAL set (the gate)  a role granting that credential:
 *                                       a reader's ("roles"), or with
 *                                       CREDGATE_ACTION=write a
 *                                       writer's ("writers")
 *   role=NAME arguments                 one of those roles
 *   both                                both: the variable only narrows,
 *                                       so a stack's role= cannot be
 *                                       bypassed by whoever set it
 *   neither                             PAM_IGNORE: nothing to decide
 * Policy errors, NSS failures and unknown roles deny, with the reason in
 * the audit line. */
#include "config.h"
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include "account.h"
#include "args.h"
#include "conf.h"
#include "pam_audit.h"
#include "pin.h"
#include "policy.h"

struct acct_txn {
	struct cg_pam_ctx ctx;
	struct cg_args args;
	struct cg_config *cfg;
};

static int deny(const struct acct_txn *t, const char *reason,
		const char *role, const char *detail, int rc)
{
	cg_pam_audit(&t->ctx, "access", false, reason, role, detail);
	return rc;
}

static int load_policy(struct acct_txn *t)
{
	char msg[CG_CONFIG_MSG_MAX];

	if (cg_config_load_explained(t->args.config, &t->cfg, msg,
				     sizeof(msg)) == CG_OK)
		return PAM_SUCCESS;
	return deny(t, "config_error", NULL, msg, PAM_AUTH_ERR);
}

/* A decision (or the error that kept us from one) as a PAM code.  Only a
 * grant is left unaudited here: the caller audits the final one. */
static int decision_rc(const struct acct_txn *t, cg_err err,
		       const struct cg_decision *d)
{
	char msg[300];

	if (err == CG_E_NOENT)          /* role=NAME with no [role NAME] */
		return deny(t, "config_error", d->role, d->explain,
			    PAM_AUTH_ERR);
	if (err != CG_OK) {
		snprintf(msg, sizeof(msg), "cannot resolve user or groups: %s",
			 cg_strerror(err));
		return deny(t, "nss_error", NULL, msg, PAM_AUTH_ERR);
	}
	if (d->granted)
		return PAM_SUCCESS;
	return deny(t, cg_policy_reason_name(d->reason), d->role, d->explain,
		    d->reason == CG_POLICY_UNKNOWN_USER ? PAM_USER_UNKNOWN :
							  PAM_PERM_DENIED);
}

static int decide(struct acct_txn *t, const char *user)
{
	enum cg_access access;
	struct cg_decision d;
	cg_err err;
	int rc;

	if (t->args.nroles > 0) {
		err = cg_policy_check_roles(t->cfg, user, t->args.roles,
					    t->args.nroles, &d);
		if ((rc = decision_rc(t, err, &d)) != PAM_SUCCESS)
			return rc;
	}
	if (t->ctx.credential != NULL) {
		if (!cg_access_parse(t->ctx.action, &access))
			return deny(t, "bad_action", NULL, CG_ACTION_ENV
				    " is neither read nor write", PAM_AUTH_ERR);
		err = cg_policy_check_access(t->cfg, user, t->ctx.credential,
					     access, &d);
		if ((rc = decision_rc(t, err, &d)) != PAM_SUCCESS)
			return rc;
	}
	cg_pam_audit(&t->ctx, "access", true, "granted", d.role, d.explain);
	return PAM_SUCCESS;
}

/* Is PAM_USER still the user our auth stage authenticated (pin.h)?  By
 * the account's canonical name, as the auth stage keys it.  Nothing
 * pinned (an account stage without ours in auth: sshd with a key) is
 * fine. */
static bool pinned_user_ok(const struct acct_txn *t, const char *user)
{
	const struct passwd *pw = pam_modutil_getpwnam(t->ctx.pamh, user);

	return cg_pin_matches(t->ctx.pamh, pw != NULL ? pw->pw_name : NULL,
			      NULL);
}

int cg_pam_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
		     const char **argv)
{
	struct acct_txn t;
	const char *user = NULL;
	int rc;

	(void)flags;
	memset(&t, 0, sizeof(t));
	cg_pam_ctx_init(&t.ctx, pamh, "account");
	if (!cg_args_parse(argc, argv, &t.args))
		return deny(&t, "bad_argument", NULL, t.args.bad,
			    PAM_SERVICE_ERR);
	t.ctx.debug = t.args.debug;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL)
		return deny(&t, "no_user", NULL, NULL, PAM_USER_UNKNOWN);
	t.ctx.user = user;
	if (t.ctx.credential == NULL && t.args.nroles == 0) {
		cg_pam_debug(&t.ctx, "account: no role= and no "
			     "CREDGATE_CREDENTIAL: nothing to check");
		return PAM_IGNORE;
	}
	if (!pinned_user_ok(&t, user))
		return deny(&t, "user_changed", NULL, "PAM_USER is not the user "
			    "the auth stage authenticated", PAM_PERM_DENIED);
	if ((rc = load_policy(&t)) == PAM_SUCCESS)
		rc = decide(&t, user);
	cg_config_free(t.cfg);
	return rc;
}
