#include "config.h"
#include <ctype.h>
#include <string.h>
#include "otp.h"
#include "recovery.h"
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

const char *cg_grace_tty(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strncmp(t, "/dev/", 5) == 0)
		t += 5;
	if (strncmp(t, "pts/", 4) != 0 && strncmp(t, "tty", 3) != 0)
		return NULL;
	if (strlen(t) >= CG_TTY_MAX)
		return NULL;
	for (const char *p = t; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '/')
			return NULL;
	return t;
}

bool cg_grace_applies(const struct cg_state *st, const char *tty,
		      unsigned grace, time_t now)
{
	const char *key = cg_grace_tty(tty);

	if (grace == 0 || key == NULL)
		return false;
	for (size_t i = 0; i < st->ngrace; i++)
		if (strcmp(st->grace[i].tty, key) == 0)
			return st->grace[i].at <= now &&
			       now - st->grace[i].at < (int64_t)grace;
	return false;
}

/* Remember a success on this terminal; the oldest entry makes room. */
static void grace_remember(struct cg_state *st, const char *tty, time_t now)
{
	const char *key = cg_grace_tty(tty);
	size_t slot = 0;

	if (key == NULL)
		return;
	for (slot = 0; slot < st->ngrace; slot++)
		if (strcmp(st->grace[slot].tty, key) == 0)
			break;
	if (slot == st->ngrace) {
		if (st->ngrace < CG_GRACE_MAX) {
			st->ngrace++;
		} else {
			slot = 0;
			for (size_t i = 1; i < st->ngrace; i++)
				if (st->grace[i].at < st->grace[slot].at)
					slot = i;
		}
	}
	memcpy(st->grace[slot].tty, key, strlen(key) + 1); /* length checked */
	st->grace[slot].at = now;
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

static void record_success(struct cg_state *st, const char *tty, time_t now)
{
	st->failures = 0;
	st->last_failure = 0;
	st->locked_until = 0;
	grace_remember(st, tty, now);
}

/* Decide on the code; updates st in memory only.  A failure to compute
 * a code at all (OpenSSL refusing, e.g. a short key in FIPS mode) is not
 * the user's fault: CG_DENIED_STATE_ERROR with res->err, st unchanged. */
static void judge(struct cg_state *st, const struct cg_defaults *d,
		  const char *code, const char *tty, time_t now,
		  struct cg_verify_result *res)
{
	char clean[CODE_INPUT_MAX + 1];
	uint64_t step = 0;
	size_t idx = 0;
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
	if (e == CG_OK) {
		if ((int64_t)step <= st->last_step) {
			res->verdict = CG_DENIED_REPLAY;
			goto failed;
		}
		st->last_step = (int64_t)step;
		res->verdict = CG_GRANTED_CODE;
		record_success(st, tty, now);
		goto out;
	}
	if (cg_recovery_match(st, clean, &idx) == CG_OK) {
		cg_recovery_consume(st, idx);
		res->verdict = CG_GRANTED_RECOVERY;
		res->recovery_left = (unsigned)st->nrecovery;
		record_success(st, tty, now);
		goto out;
	}
failed:
	record_failure(st, d, now, res);
out:
	cg_wipe(clean, sizeof(clean));
}

/* Write this attempt down as a failure before the code is looked at.
 * Were the failure only written after judging, a state that cannot be
 * written (disk or inodes exhausted, I/O errors) would let every guess
 * be judged and none be counted: unlimited guesses, each answered by
 * its timing (a right code skips the recovery-code derivations).  Now a
 * guess is judged only once its failure is on disk; a success then
 * writes the reset count. */
static cg_err count_attempt(struct cg_store *store, const char *user,
			    const struct cg_defaults *d, time_t now,
			    const struct cg_state *st)
{
	struct cg_verify_result scratch;
	struct cg_state pending = *st;
	cg_err e;

	memset(&scratch, 0, sizeof(scratch));
	record_failure(&pending, d, now, &scratch);
	e = cg_state_write(store, user, &pending);
	cg_state_wipe(&pending);
	return e;
}

void cg_verify_and_record(struct cg_store *store, const char *user,
			  const struct cg_defaults *d, const char *code,
			  const char *tty, time_t now,
			  struct cg_verify_result *res)
{
	struct cg_state_lock lock = { -1 };
	struct cg_state st;
	cg_err e;

	memset(res, 0, sizeof(*res));
	cg_state_init(&st);
	res->verdict = CG_DENIED_STATE_ERROR;
	if ((e = cg_state_lock(store, user, CG_LOCK_TIMEOUT_MS, &lock)) != CG_OK)
		goto out;
	e = cg_state_read(store, user, &st, &res->bad_line);
	if (e == CG_E_NOENT) {
		res->verdict = CG_DENIED_NOT_ENROLLED;
		goto out;
	}
	if (e != CG_OK)
		goto out;
	if (st.locked_until > now) {
		/* Locked: the code is not even looked at. */
		res->verdict = CG_DENIED_LOCKED;
		goto out;
	}
	if ((e = count_attempt(store, user, d, now, &st)) != CG_OK)
		goto out;
	judge(&st, d, code, tty, now, res);
	switch (res->verdict) {
	case CG_GRANTED_CODE:
	case CG_GRANTED_RECOVERY:
		if ((e = cg_state_write(store, user, &st)) != CG_OK)
			res->verdict = CG_DENIED_STATE_ERROR;
		break;
	case CG_DENIED_STATE_ERROR:
		/* Judging failed, not the user: take the counted failure
		 * back (st is unchanged).  If that fails too, it stays
		 * counted, which errs on the safe side. */
		e = res->err;
		(void)cg_state_write(store, user, &st);
		break;
	default:
		/* Denied: st now equals what count_attempt wrote. */
		break;
	}
out:
	res->err = e;
	cg_state_wipe(&st);
	cg_state_unlock(&lock);
}
