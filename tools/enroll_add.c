/* credgate-enroll add: a new secret, its URI and QR code, a confirmed
 * first code, recovery codes, then one locked write. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base32.h"
#include "enroll.h"
#include "otpauth.h"
#include "random.h"
#include "wipe.h"

/* --issuer, else [defaults] issuer, else the host name. */
static int choose_issuer(const struct enroll_ctx *c, char *out, size_t sz)
{
	const char *v = c->o->issuer;

	if (v == NULL && c->cfg->defaults.issuer[0] != '\0')
		v = c->cfg->defaults.issuer;
	if (v != NULL) {
		if (strlen(v) >= sz) {
			enroll_err("issuer too long");
			return ENROLL_EXIT_USAGE;
		}
		memcpy(out, v, strlen(v) + 1);
		return 0;
	}
	if (gethostname(out, sz) != 0 || memchr(out, '\0', sz) == NULL) {
		enroll_err("cannot get the host name; use --issuer");
		return ENROLL_EXIT_ERROR;
	}
	return 0;
}

/* The otpauth:// URI: secret, algorithm, digits and period all in it, so
 * the app computes exactly the codes the module checks. */
static int build_uri(const struct enroll_ctx *c, const struct cg_totp *t,
		     char **uri)
{
	struct cg_otpauth oa;
	const char *account = c->o->label != NULL ? c->o->label : c->target;
	int rc;
	cg_err e;

	memset(&oa, 0, sizeof(oa));
	oa.totp = *t;
	if ((rc = choose_issuer(c, oa.issuer, sizeof(oa.issuer))) != 0)
		goto out;
	if (strlen(account) >= sizeof(oa.account)) {
		enroll_err("label too long");
		rc = ENROLL_EXIT_USAGE;
		goto out;
	}
	memcpy(oa.account, account, strlen(account) + 1);
	if ((e = cg_otpauth_build(&oa, uri)) != CG_OK) {
		enroll_err("cannot build the key URI: %s (check --issuer "
			   "and --label)", cg_strerror(e));
		rc = ENROLL_EXIT_USAGE;
	}
 out:
	cg_wipe(&oa, sizeof(oa));
	return rc;
}

/* Copy without blanks: "123 456" as some apps show it is fine. */
static void strip_blanks(const char *in, char *out, size_t sz)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < sz; in++)
		if (*in != ' ' && *in != '\t')
			out[n++] = *in;
	out[n] = '\0';
}

/* Nothing is activated until the app has shown a right code.  The step
 * of that code is recorded as used, so it cannot log in afterwards. */
static int confirm(struct enroll_ctx *c, struct cg_state *st)
{
	char line[128], code[128];
	uint64_t step = 0;
	int rc = ENROLL_EXIT_UNCONFIRMED;
	enum cg_line got;

	memset(code, 0, sizeof(code));
	if (c->o->no_confirm)
		return 0;
	for (int tries = ENROLL_CONFIRM_TRIES; tries > 0; tries--) {
		got = enroll_read_secret("Code shown by the app: ", line,
					 sizeof(line));
		if (got == CG_LINE_EOF || got == CG_LINE_ERROR) {
			enroll_err("no code given; nothing was enrolled");
			goto out;
		}
		if (got != CG_LINE_OK)
			enroll_err("that is no code: %s", cg_line_strerror(got));
		strip_blanks(line, code, sizeof(code));
		if (cg_totp_verify(&st->totp, code,
				   cg_totp_step(&st->totp, time(NULL)),
				   c->cfg->defaults.window, &step) == CG_OK) {
			st->last_step = (int64_t)step;
			rc = 0;
			goto out;
		}
		if (tries > 1)
			fprintf(stderr, "That code is not right (%d %s left). "
				"Check the app's clock.\n", tries - 1,
				tries - 1 == 1 ? "try" : "tries");
	}
	enroll_err("no right code given; nothing was enrolled");
 out:
	cg_wipe(line, sizeof(line));
	cg_wipe(code, sizeof(code));
	return rc;
}

static cg_err new_secret(const struct enroll_opts *o, struct cg_totp *t)
{
	t->alg = o->alg;
	t->digits = o->digits;
	t->period = o->period;
	t->secret_len = CG_SECRET_DEFAULT_LEN;
	return cg_random_bytes(t->secret, t->secret_len);
}

static void audit_done(const struct enroll_ctx *c, const struct cg_state *st,
		       bool replaced)
{
	char digits[16], period[16], nrec[16];

	snprintf(digits, sizeof(digits), "%u", st->totp.digits);
	snprintf(period, sizeof(period), "%u", st->totp.period);
	snprintf(nrec, sizeof(nrec), "%zu", st->nrecovery);
	enroll_audit(c, "enroll", "ok", replaced ? "replaced" : "new",
		(const struct cg_audit_field[]){
			{ "algorithm", cg_alg_name(st->totp.alg) },
			{ "digits", digits }, { "period", period },
			{ "recovery_codes", nrec },
			{ "confirmed", c->o->no_confirm ? "no" : "yes" },
		}, 5);
}

static int store_failed(struct enroll_ctx *c, cg_err e)
{
	if (e == CG_E_EXISTS)
		enroll_err("%s was enrolled meanwhile; nothing changed "
			   "(--force replaces)", c->target);
	else
		enroll_state_error(c, e, 0);
	enroll_audit(c, "enroll", "failed", e == CG_E_EXISTS ?
		     "already_enrolled" : "state_error", NULL, 0);
	return e == CG_E_EXISTS ? ENROLL_EXIT_EXISTS : ENROLL_EXIT_ERROR;
}

/* Secret, URI and QR, confirmation, recovery codes, then one locked
 * write.  Every early exit leaves the state as it was. */
int enroll_cmd_add(struct enroll_ctx *c)
{
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	char b32[2 * CG_SECRET_MAX];
	struct cg_state st;
	char *uri = NULL;
	bool replaced = false;
	int rc;
	cg_err e;

	cg_state_init(&st);
	memset(codes, 0, sizeof(codes));
	memset(b32, 0, sizeof(b32));
	if ((rc = enroll_may_write(c, "enroll")) != 0)
		goto out;
	rc = ENROLL_EXIT_ERROR;
	if ((e = new_secret(c->o, &st.totp)) != CG_OK ||
	    (e = cg_base32_encode(st.totp.secret, st.totp.secret_len, false,
				  b32, sizeof(b32))) != CG_OK) {
		enroll_err("cannot make a secret: %s", cg_strerror(e));
		goto out;
	}
	if ((rc = build_uri(c, &st.totp, &uri)) != 0 ||
	    (rc = enroll_show(c, uri, b32)) != 0)
		goto out;
	if ((rc = confirm(c, &st)) != 0) {
		enroll_audit(c, "enroll", "failed", "not_confirmed", NULL, 0);
		goto out;
	}
	rc = ENROLL_EXIT_ERROR;
	if ((e = cg_recovery_regenerate(&st, c->o->recovery_count,
					codes)) != CG_OK) {
		enroll_err("cannot make recovery codes: %s", cg_strerror(e));
		goto out;
	}
	st.enrolled_at = time(NULL);
	memcpy(st.enrolled_by, c->caller, strlen(c->caller) + 1);
	if ((e = enroll_store_state(c, &st, c->o->force, &replaced)) != CG_OK) {
		rc = store_failed(c, e);
		goto out;
	}
	audit_done(c, &st, replaced);
	printf("%s is enrolled%s.\n", c->target,
	       replaced ? " (the previous enrollment is replaced)" : "");
	enroll_print_recovery(codes, c->o->recovery_count);
	rc = ENROLL_EXIT_OK;
 out:
	cg_free_string(uri);
	cg_wipe(b32, sizeof(b32));
	cg_wipe(codes, sizeof(codes));
	cg_state_wipe(&st);
	return rc;
}
