/* One PAM transaction of the gate: pam_authenticate, then pam_acct_mgmt,
 * for the caller and the credential named. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <security/pam_appl.h>
#include "gate.h"
#include "gate_conv.h"
#include "policy.h"

/* Denials the module has already audited with their reason; anything
 * else means PAM itself failed (missing service file, module not
 * loadable, conversation error), which the gate audits. */
static bool is_denial(int rc)
{
	switch (rc) {
	case PAM_AUTH_ERR:
	case PAM_PERM_DENIED:
	case PAM_USER_UNKNOWN:
	case PAM_MAXTRIES:
	case PAM_ACCT_EXPIRED:
	case PAM_NEW_AUTHTOK_REQD:
	case PAM_CRED_INSUFFICIENT:
	case PAM_AUTHINFO_UNAVAIL:
		return true;
	default:
		return false;
	}
}

static int pam_failure(const struct gate *g, pam_handle_t *pamh, int rc,
		       const char *stage)
{
	char detail[160];

	if (is_denial(rc)) {
		gate_err("%s", strcmp(stage, "auth") == 0 ?
			 "authentication failed" : "access denied");
		return GATE_EXIT_DENIED;
	}
	snprintf(detail, sizeof(detail), "%s: %s", stage,
		 pam_strerror(pamh, rc));
	gate_audit(g, false, "pam_error", detail);
	gate_err("PAM error (%s)", detail);
	return GATE_EXIT_ERROR;
}

/* A module may change PAM_USER; the gate hands the file to the caller
 * only, so the authenticated user must still be the caller. */
static bool still_caller(pam_handle_t *pamh, const char *name)
{
	const void *item = NULL;

	return pam_get_item(pamh, PAM_USER, &item) == PAM_SUCCESS &&
	       item != NULL && strcmp(item, name) == 0;
}

/* GATE_EXIT_OK while PAM_USER is the caller; else audited and denied
 * (*rc set for pam_end). */
static int user_changed(const struct gate *g, pam_handle_t *pamh,
			const char *stage, int *rc)
{
	char detail[64];

	if (still_caller(pamh, g->caller.name))
		return GATE_EXIT_OK;
	*rc = PAM_PERM_DENIED;
	snprintf(detail, sizeof(detail), "PAM_USER is not the caller after %s",
		 stage);
	gate_audit(g, false, "user_changed", detail);
	gate_err("access denied");
	return GATE_EXIT_DENIED;
}

static int set_items(pam_handle_t *pamh, const struct gate *g,
		     const char *credential, enum cg_access access)
{
	char env[sizeof("CREDGATE_CREDENTIAL=") + CG_NAME_MAX];
	char act[sizeof(CG_ACTION_ENV) + 16];
	int rc;

	snprintf(env, sizeof(env), "CREDGATE_CREDENTIAL=%s", credential);
	if ((rc = pam_set_item(pamh, PAM_RUSER, g->caller.name)) != PAM_SUCCESS)
		return rc;
	if (g->caller.tty[0] != '\0' &&
	    (rc = pam_set_item(pamh, PAM_TTY, g->caller.tty)) != PAM_SUCCESS)
		return rc;
	if ((rc = pam_putenv(pamh, env)) != PAM_SUCCESS)
		return rc;
	if (access == CG_ACCESS_READ)
		return PAM_SUCCESS;
	snprintf(act, sizeof(act), CG_ACTION_ENV "=%s", cg_access_name(access));
	return pam_putenv(pamh, act);
}

int gate_pam_authorize(const struct gate *g, const char *credential,
		       enum cg_access access)
{
	struct gate_conv_io io;
	struct pam_conv conv = { gate_conv, &io };
	pam_handle_t *pamh = NULL;
	int rc, ret;

	gate_conv_open(&io);
	rc = pam_start(CG_GATE_SERVICE, g->caller.name, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		pamh = NULL;
		ret = pam_failure(g, NULL, rc, "start");
		goto out;
	}
	if ((rc = set_items(pamh, g, credential, access)) != PAM_SUCCESS) {
		ret = pam_failure(g, pamh, rc, "items");
		goto out;
	}
	if ((rc = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK)) != PAM_SUCCESS) {
		ret = pam_failure(g, pamh, rc, "auth");
		goto out;
	}
	/* Checked after each stage: a code checked for someone else must
	 * not open the account stage for the caller (the module pins the
	 * user it authenticated, pam_module/pin.h, and denies a change
	 * that is undone before we look). */
	if ((ret = user_changed(g, pamh, "auth", &rc)) != GATE_EXIT_OK)
		goto out;
	if ((rc = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK)) != PAM_SUCCESS) {
		ret = pam_failure(g, pamh, rc, "account");
		goto out;
	}
	if ((ret = user_changed(g, pamh, "account", &rc)) != GATE_EXIT_OK)
		goto out;
	ret = GATE_EXIT_OK;
 out:
	if (pamh != NULL)
		pam_end(pamh, rc);
	gate_conv_close(&io);
	return ret;
}
