/* Judging one authentication attempt and recording it in one store
 * transaction (see verify.h): lock-out first, then the code judged in
 * memory with the same work whatever the outcome, then one write. */
#include "config.h"
#include <string.h>
#include "otp.h"
#include "random.h"
#include "recovery.h"
#include "store.h"
#include "verify.h"
#include "wipe.h"

#define CODE_INPUT_MAX 64

const char *cg_verdict_reason(enum cg_verdict v)
{
	switch (v) {
	case CG_GRANTED_CODE:        return "code";
	case CG_GRANTED_RECOVERY:    return "recovery_code";
	case CG_DENIED_BAD_CODE:     return "bad_code";
	case CG_DENIED_REPLAY:       return "replay";
	case CG_DENIED_LOCKED:       return "locked_out";
	case CG_DENIED_NOW_LOCKED:   return "bad_code_locked_out";
	case CG_DENIED_NOT_ENROLLED: return "not_enrolled";
	case CG_DENIED_STATE_ERROR:  return "state_error";
	}
	return "unknown";
}

/* Copy the code without spaces; false if it is absurdly long. */
static bool normalise_code(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '\t')
			continue;
		if (o + 1 >= outsz)
			return false;
		out[o++] = *in;
	}
	out[o] = '\0';
	return o > 0;
}

/* Failures count up as long as each comes within failure_window of the
 * previous one; only a quiet failure_window resets the count.  (A window
 * fixed at the first failure would let a patient attacker make
 * max_failures - 1 guesses per window forever without a lock-out.)  So
 * guessing without ever being locked out is limited to one guess per
 * failure_window. */
static void record_failure(struct cg_state *st, const struct cg_defaults *d,
			   time_t now, struct cg_verify_result *res)
{
	if (st->last_failure == 0 ||
	    now - st->last_failure >= (int64_t)d->failure_window)
		st->failures = 0;
	st->failures++;
	st->last_failure = now;
	if (st->failures >= d->max_failures) {
		st->locked_until = now + d->lockout;
		st->failures = 0;
		st->last_failure = 0;
		res->verdict = CG_DENIED_NOW_LOCKED;
	}
}

static void record_success(struct cg_state *st)
{
	st->failures = 0;
	st->last_failure = 0;
	st->locked_until = 0;
}

/* Decide on the code; updates st in memory only.  The work does not
 * depend on the outcome, nor on the state: the form of the answer alone
 * decides whether every step of the window is computed (6 or 8 digits,
 * cg_totp_verify) and whether every recovery slot is hashed (a recovery
 * code's form, cg_recovery_match), whether the code was right, wrong or
 * a recovery code, so the time taken tells nothing before the one write
 * that records the attempt.  A failure to compute a code at all (OpenSSL
 * refusing, e.g. a short key in FIPS mode) is not the user's fault:
 * CG_DENIED_STATE_ERROR with res->err, st unchanged. */
static void judge(struct cg_state *st, const struct cg_defaults *d,
		  const char *code, time_t now,
		  struct cg_verify_result *res)
{
	char clean[CODE_INPUT_MAX + 1];
	uint64_t step = 0;
	size_t idx = 0;
	bool recovery;
	cg_err e;

	res->verdict = CG_DENIED_BAD_CODE;
	if (!normalise_code(code, clean, sizeof(clean)))
		goto failed;
	e = cg_totp_verify(&st->totp, clean, cg_totp_step(&st->totp, now),
			   d->window, &step);
	if (e != CG_OK && e != CG_E_INVAL) {
		res->verdict = CG_DENIED_STATE_ERROR;
		res->err = e;
		goto out;
	}
	recovery = cg_recovery_match(st, clean, &idx) == CG_OK;
	if (e == CG_OK) {
		if ((int64_t)step <= st->last_step) {
			res->verdict = CG_DENIED_REPLAY;
			goto failed;
		}
		st->last_step = (int64_t)step;
		res->verdict = CG_GRANTED_CODE;
		record_success(st);
		goto out;
	}
	if (recovery) {
		cg_recovery_consume(st, idx);
		res->verdict = CG_GRANTED_RECOVERY;
		res->recovery_left = (unsigned)st->nrecovery;
		record_success(st);
		goto out;
	}
failed:
	record_failure(st, d, now, res);
 out:
	cg_wipe(clean, sizeof(clean));
}

struct verify_arg {
	const struct cg_defaults *d;
	const char *code;
	time_t now;
	struct cg_verify_result *res;
};

/* A locked-out user's attempt: denied whatever was typed, yet judged (on
 * a copy, thrown away) and the state written back unchanged, so that it
 * takes the time of any wrong code.  Without the work and the write, the
 * answer after a few wrong codes would come faster for an enrolled user
 * than for one who is not (the decoy never locks out) and tell them
 * apart. */
static void locked_txn(struct cg_store_txn *txn, const struct verify_arg *a)
{
	struct cg_verify_result ignored;
	struct cg_state copy = txn->st;

	memset(&ignored, 0, sizeof(ignored));
	judge(&copy, a->d, a->code, a->now, &ignored);
	cg_state_wipe(&copy);
	cg_wipe(&ignored, sizeof(ignored));
	a->res->verdict = CG_DENIED_LOCKED;
	txn->op = CG_STORE_WRITE;
}

/* The transaction's decision: locked out (the code cannot count), or
 * judged and recorded.  Written once whatever the verdict: a failure
 * raises the count, a success resets it and records the step, and a
 * locked-out attempt writes the state back as it was.  The write is the
 * commit of cg_store_update; if it fails the caller turns the verdict
 * into a denial, so a code that cannot be recorded is never accepted,
 * and a guess that cannot be counted gains nothing (same answer, same
 * time, for right and wrong). */
static cg_err verify_txn(struct cg_store_txn *txn, void *arg)
{
	struct verify_arg *a = arg;
	struct cg_verify_result *res = a->res;

	memset(res, 0, sizeof(*res));
	if (txn->found == CG_E_NOENT) {
		res->verdict = CG_DENIED_NOT_ENROLLED;
		return CG_OK;
	}
	res->verdict = CG_DENIED_STATE_ERROR;
	if (txn->found != CG_OK)
		return txn->found;
	if (txn->st.locked_until > a->now) {
		locked_txn(txn, a);
		return CG_OK;
	}
	judge(&txn->st, a->d, a->code, a->now, res);
	if (res->verdict == CG_DENIED_STATE_ERROR)
		return res->err;        /* judging failed, not the user */
	txn->op = CG_STORE_WRITE;
	return CG_OK;
}

/* The decoy's transaction: the same judging and the same one write as a
 * wrong code for an enrolled user, on a state nobody has; created (a
 * random secret) the first time, replaced if it no longer opens (after
 * a rekey).  It never locks out, so the next attempt costs the same. */
static cg_err decoy_txn(struct cg_store_txn *txn, void *arg)
{
	struct verify_arg *a = arg;
	struct cg_verify_result scratch;
	cg_err e;

	if (txn->found != CG_OK) {
		cg_state_init(&txn->st);
		txn->st.totp.secret_len = CG_SECRET_DEFAULT_LEN;
		if ((e = cg_random_bytes(txn->st.totp.secret,
					 CG_SECRET_DEFAULT_LEN)) != CG_OK)
			return e;
	}
	memset(&scratch, 0, sizeof(scratch));
	judge(&txn->st, a->d, a->code, a->now, &scratch);
	txn->st.failures = 0;
	txn->st.last_failure = 0;
	txn->st.locked_until = 0;
	txn->st.last_step = -1;
	txn->op = CG_STORE_WRITE;
	return CG_OK;
}

void cg_verify_decoy(struct cg_store *store, const struct cg_defaults *d,
		     const char *code, time_t now)
{
	struct cg_verify_result scratch;
	struct verify_arg a = { d, code, now, &scratch };

	/* Whatever happens here, the caller denies. */
	(void)cg_store_update_decoy(store, decoy_txn, &a);
	cg_wipe(&scratch, sizeof(scratch));
}

void cg_verify_and_record(struct cg_store *store, const char *user,
			  const struct cg_defaults *d, const char *code,
			  time_t now, struct cg_verify_result *res)
{
	struct verify_arg a = { d, code, now, res };
	unsigned bad_line = 0;
	cg_err e;

	memset(res, 0, sizeof(*res));
	res->verdict = CG_DENIED_STATE_ERROR;
	e = cg_store_update(store, user, verify_txn, &a, &bad_line);
	if (e == CG_OK && res->verdict == CG_DENIED_NOT_ENROLLED)
		cg_verify_decoy(store, d, code, now);
	if (e != CG_OK) {
		res->verdict = CG_DENIED_STATE_ERROR;
		res->err = e;
		res->bad_line = bad_line;
		res->recovery_left = 0;
	}
}
