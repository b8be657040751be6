/* A user re-enrolling themself: who may write, and proof of the current
 * code before an enrollment is replaced. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "enroll.h"
#include "verify.h"
#include "wipe.h"

/* Ask for the current code; each try is a login attempt for the module's
 * failure count and lock-out, and an accepted code is recorded. */
static int verify_current(struct enroll_ctx *c, const char *event)
{
	struct cg_verify_result res;
	const char *reason = "no_code";
	char code[128];
	int rc = ENROLL_EXIT_UNCONFIRMED;
	enum cg_line got;

	memset(&res, 0, sizeof(res));
	for (int tries = 0; tries < ENROLL_CONFIRM_TRIES; tries++) {
		got = enroll_read_secret("Current verification code (or a "
					 "recovery code): ", code, sizeof(code));
		if (got == CG_LINE_EOF || got == CG_LINE_ERROR)
			break;
		if (got != CG_LINE_OK) {
			/* Not even a candidate: nothing to count or check. */
			rc = ENROLL_EXIT_DENIED;
			reason = "bad_input";
			enroll_err("that is no code: %s", cg_line_strerror(got));
			continue;
		}
		cg_verify_and_record(c->store, c->target, &c->cfg->defaults,
				     code, time(NULL), &res);
		cg_wipe(code, sizeof(code));
		if (res.verdict == CG_GRANTED_CODE ||
		    res.verdict == CG_GRANTED_RECOVERY)
			return 0;
		rc = ENROLL_EXIT_DENIED;
		reason = cg_verdict_reason(res.verdict);
		if (res.verdict != CG_DENIED_BAD_CODE &&
		    res.verdict != CG_DENIED_REPLAY)
			break;          /* locked, state error: no retry */
		fprintf(stderr, "That code is not right.\n");
	}
	cg_wipe(code, sizeof(code));
	if (res.verdict == CG_DENIED_STATE_ERROR)
		enroll_state_error(c, res.err, res.bad_line);
	else if (rc == ENROLL_EXIT_UNCONFIRMED)
		enroll_err("no current code given; nothing changed");
	else
		enroll_err("current code not accepted (%s); nothing changed",
			   reason);
	enroll_audit(c, event, "denied", reason,
		     (const struct cg_audit_field[]){ { "check", "current_code" } },
		     1);
	return rc;
}

int enroll_may_write(struct enroll_ctx *c, const char *event)
{
	struct cg_state st;
	unsigned line = 0;
	cg_err e;

	cg_state_init(&st);
	e = enroll_read_state(c, &st, &line);
	cg_state_wipe(&st);
	if (e == CG_E_NOENT)
		return 0;
	if (e != CG_OK && e != CG_E_PARSE) {
		enroll_state_error(c, e, line);
		return ENROLL_EXIT_ERROR;
	}
	if (!c->o->force) {
		enroll_err("%s is enrolled already; --force replaces the "
			   "enrollment", c->target);
		enroll_audit(c, event, "failed", "already_enrolled", NULL, 0);
		return ENROLL_EXIT_EXISTS;
	}
	if (c->caller_root)
		return 0;
	if (e == CG_E_PARSE) {
		/* No code can be checked against a damaged state. */
		enroll_state_error(c, e, line);
		enroll_audit(c, event, "denied", "state_error", NULL, 0);
		return ENROLL_EXIT_DENIED;
	}
	return verify_current(c, event);
}
