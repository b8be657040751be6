/* credgate-enroll list, status, revoke, unlock and recovery: the
 * administrator's commands on existing enrollments. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cg_macros.h"
#include "enroll.h"
#include "json.h"
#include "policy.h"
#include "wipe.h"

static int exit_for(cg_err e)
{
	return e == CG_E_NOENT ? ENROLL_EXIT_NOTFOUND : ENROLL_EXIT_ERROR;
}

static const char *fail_reason(cg_err e)
{
	return e == CG_E_NOENT ? "not_enrolled" : "state_error";
}

/* A change of an existing state: one store transaction (rule 3). */
typedef cg_err (*state_change_fn)(struct cg_state *st, void *arg);

struct change {
	state_change_fn fn;
	void *arg;
};

static cg_err change_txn(struct cg_store_txn *txn, void *arg)
{
	struct change *ch = arg;
	cg_err e;

	if (txn->found != CG_OK)
		return txn->found;
	if ((e = ch->fn(&txn->st, ch->arg)) == CG_OK)
		txn->op = CG_STORE_WRITE;
	return e;
}

static cg_err locked_update(struct enroll_ctx *c, state_change_fn fn,
			    void *arg, unsigned *bad_line)
{
	struct change ch = { fn, arg };

	return cg_store_update(c->store, c->target, change_txn, &ch, bad_line);
}

static bool is_locked(const struct cg_state *st, time_t now)
{
	return st->locked_until > (int64_t)now;
}

/* Why a state could not be read, as list and status show it. */
static void state_problem(cg_err e, unsigned line, char *buf, size_t sz)
{
	if (line > 0)
		snprintf(buf, sz, "line %u: %s", line, cg_strerror(e));
	else
		snprintf(buf, sz, "%s", cg_strerror(e));
}

/* The members list and status share (credgate-enroll(8), JSON OUTPUT):
 * st is NULL when the state could not be read, problem says why. */
static void json_state_members(struct cg_json_out *w, const char *user,
			       const struct cg_state *st, const char *problem,
			       cg_err known, time_t now)
{
	cg_json_out_str(w, "user", user);
	if (known == CG_OK || known == CG_E_NOENT)
		cg_json_out_bool(w, "orphan", known == CG_E_NOENT);
	else
		cg_json_out_null(w, "orphan");
	if (st == NULL) {
		static const char *const unknown[] = {
			"algorithm", "digits", "period", "recovery_codes",
			"locked", "locked_until", "enrolled_at", "enrolled_by",
		};
		for (size_t i = 0; i < CG_ARRAY_SIZE(unknown); i++)
			cg_json_out_null(w, unknown[i]);
		cg_json_out_str(w, "error", problem);
		return;
	}
	cg_json_out_str(w, "algorithm", cg_alg_name(st->totp.alg));
	cg_json_out_int(w, "digits", st->totp.digits);
	cg_json_out_int(w, "period", st->totp.period);
	cg_json_out_int(w, "recovery_codes", (long long)st->nrecovery);
	cg_json_out_bool(w, "locked", is_locked(st, now));
	if (is_locked(st, now))
		cg_json_out_int(w, "locked_until", st->locked_until);
	else
		cg_json_out_null(w, "locked_until");
	if (st->enrolled_at > 0)
		cg_json_out_int(w, "enrolled_at", st->enrolled_at);
	else
		cg_json_out_null(w, "enrolled_at");
	cg_json_out_str(w, "enrolled_by", st->enrolled_by);
	cg_json_out_null(w, "error");
}

/* After a line of list: whether NSS still knows the account (cg_user_known). */
static const char *account_note(cg_err known)
{
	return known == CG_OK ? "" :
	       known == CG_E_NOENT ? "  (orphan: no such account)" :
	       "  (account lookup failed)";
}

static void print_list_text(const char *user, const struct cg_state *st,
			    const char *problem, cg_err known, time_t now)
{
	char when[64];

	if (st == NULL) {
		printf("%-16s unreadable state: %s%s\n", user, problem,
		       account_note(known));
		return;
	}
	enroll_format_time(st->enrolled_at, when, sizeof(when));
	printf("%-16s %-9s %-6u %-6u %-8zu %-6s %-23s %s%s\n", user,
	       cg_alg_name(st->totp.alg), st->totp.digits, st->totp.period,
	       st->nrecovery, is_locked(st, now) ? "yes" : "no", when,
	       st->enrolled_by, account_note(known));
}

static void list_one(struct enroll_ctx *c, struct cg_json_out *w,
		     const char *user, time_t now)
{
	struct cg_state st;
	unsigned line = 0;
	char problem[128];
	bool ok;
	cg_err e, known;

	cg_state_init(&st);
	memcpy(c->target, user, strlen(user) + 1);  /* valid, < CG_USER_MAX */
	if (!(ok = (e = enroll_read_state(c, &st, &line)) == CG_OK))
		state_problem(e, line, problem, sizeof(problem));
	known = cg_user_known(user);
	if (c->o->json) {
		cg_json_out_object(w, NULL);
		json_state_members(w, user, ok ? &st : NULL, problem, known,
				   now);
		cg_json_out_close(w);
	} else {
		print_list_text(user, ok ? &st : NULL, problem, known, now);
	}
	cg_state_wipe(&st);
}

int enroll_cmd_list(struct enroll_ctx *c)
{
	struct cg_json_out w;
	char **users = NULL;
	size_t n = 0;
	time_t now = time(NULL);
	cg_err e;

	if ((e = cg_store_list(c->store, &users, &n)) != CG_OK) {
		enroll_err("cannot list the %s store: %s%s%s",
			   cg_store_backend(c->store), cg_strerror(e),
			   cg_store_why(c->store)[0] != '\0' ? ": " : "",
			   cg_store_why(c->store));
		return ENROLL_EXIT_ERROR;
	}
	cg_json_out_init(&w, stdout);
	if (c->o->json) {
		cg_json_out_object(&w, NULL);
		cg_json_out_array(&w, "users");
	} else {
		printf("%-16s %-9s %-6s %-6s %-8s %-6s %-23s %s\n", "USER",
		       "ALGORITHM", "DIGITS", "PERIOD", "RECOVERY", "LOCKED",
		       "ENROLLED", "BY");
	}
	for (size_t i = 0; i < n; i++)
		list_one(c, &w, users[i], now);
	cg_store_list_free(users, n);
	c->target[0] = '\0';
	if (c->o->json) {
		cg_json_out_close(&w);
		cg_json_out_close(&w);
	}
	if (cg_json_out_end(&w) != CG_OK) {
		enroll_err("writing the list failed");
		return ENROLL_EXIT_ERROR;
	}
	return ENROLL_EXIT_OK;
}

static void print_status_text(const char *user, const struct cg_state *st,
			      time_t now)
{
	char when[64];

	enroll_format_time(st->enrolled_at, when, sizeof(when));
	printf("user:            %s\n", user);
	printf("enrolled:        %s by %s\n", when, st->enrolled_by);
	printf("algorithm:       %s\n", cg_alg_name(st->totp.alg));
	printf("digits:          %u\n", st->totp.digits);
	printf("period:          %u\n", st->totp.period);
	enroll_format_time(st->last_step < 0 ? 0 :
			   st->last_step * (int64_t)st->totp.period, when,
			   sizeof(when));
	printf("last code used:  %s\n", st->last_step < 0 ? "never" : when);
	printf("failures:        %u\n", st->failures);
	enroll_format_time(st->locked_until, when, sizeof(when));
	if (is_locked(st, now))
		printf("locked:          yes, until %s\n", when);
	else
		printf("locked:          no\n");
	printf("recovery codes:  %zu left\n", st->nrecovery);
	if (cg_user_known(user) == CG_E_NOENT)
		printf("account:         no such account (an orphan: "
		       "credgate-enroll prune removes it)\n");
}

/* status --json: list's members, plus enrolled, last_used and failures.
 * A user who is not enrolled, or whose state is unreadable, still gets
 * a document (the exit status says which, as without --json). */
static cg_err print_status_json(const char *user, const struct cg_state *st,
				cg_err e, const char *problem, time_t now)
{
	struct cg_json_out w;

	cg_json_out_init(&w, stdout);
	cg_json_out_object(&w, NULL);
	json_state_members(&w, user, e == CG_OK ? st : NULL,
			   e == CG_OK || e == CG_E_NOENT ? NULL : problem,
			   cg_user_known(user), now);
	cg_json_out_bool(&w, "enrolled", e != CG_E_NOENT);
	if (e == CG_OK && st->last_step >= 0)
		cg_json_out_int(&w, "last_used",
				st->last_step * (int64_t)st->totp.period);
	else
		cg_json_out_null(&w, "last_used");
	if (e == CG_OK)
		cg_json_out_int(&w, "failures", st->failures);
	else
		cg_json_out_null(&w, "failures");
	cg_json_out_close(&w);
	return cg_json_out_end(&w);
}

int enroll_cmd_status(struct enroll_ctx *c)
{
	struct cg_state st;
	unsigned line = 0;
	char problem[128];
	time_t now = time(NULL);
	int rc = ENROLL_EXIT_OK;
	cg_err e;

	cg_state_init(&st);
	if ((e = enroll_read_state(c, &st, &line)) != CG_OK) {
		enroll_state_error(c, e, line);
		state_problem(e, line, problem, sizeof(problem));
		rc = exit_for(e);
	}
	if (c->o->json) {
		if (print_status_json(c->target, &st, e, problem, now) != CG_OK) {
			enroll_err("writing the status failed");
			rc = ENROLL_EXIT_ERROR;
		}
	} else if (e == CG_OK) {
		print_status_text(c->target, &st, now);
	}
	cg_state_wipe(&st);
	return rc;
}

int enroll_cmd_revoke(struct enroll_ctx *c)
{
	cg_err e;

	if ((e = cg_store_remove(c->store, c->target)) != CG_OK) {
		enroll_state_error(c, e, 0);
		enroll_audit(c, "revoke", "failed", fail_reason(e), NULL, 0);
		return exit_for(e);
	}
	enroll_forget_grace(c);
	enroll_audit(c, "revoke", "ok", NULL, NULL, 0);
	printf("%s: enrollment revoked.\n", c->target);
	return ENROLL_EXIT_OK;
}

static cg_err clear_lockout(struct cg_state *st, void *arg)
{
	*(bool *)arg = is_locked(st, time(NULL));
	st->locked_until = 0;
	st->failures = 0;
	st->last_failure = 0;
	return CG_OK;
}

int enroll_cmd_unlock(struct enroll_ctx *c)
{
	unsigned line = 0;
	bool was_locked = false;
	cg_err e;

	if ((e = locked_update(c, clear_lockout, &was_locked, &line)) != CG_OK) {
		enroll_state_error(c, e, line);
		enroll_audit(c, "unlock", "failed", fail_reason(e), NULL, 0);
		return exit_for(e);
	}
	enroll_audit(c, "unlock", "ok", was_locked ? "was_locked" :
		     "not_locked", NULL, 0);
	printf("%s: %s; failure count cleared.\n", c->target,
	       was_locked ? "unlocked" : "was not locked");
	return ENROLL_EXIT_OK;
}

struct new_codes {
	size_t count;
	char (*codes)[CG_RECOVERY_CODE_SIZE];
};

static cg_err replace_codes(struct cg_state *st, void *arg)
{
	struct new_codes *nc = arg;

	return cg_recovery_regenerate(st, nc->count, nc->codes);
}

int enroll_cmd_recovery(struct enroll_ctx *c)
{
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	struct new_codes nc = { c->o->recovery_count, codes };
	unsigned line = 0;
	char count[16];
	cg_err e;

	memset(codes, 0, sizeof(codes));
	if ((e = locked_update(c, replace_codes, &nc, &line)) != CG_OK) {
		enroll_state_error(c, e, line);
		enroll_audit(c, "recovery", "failed", fail_reason(e), NULL, 0);
		cg_wipe(codes, sizeof(codes));
		return exit_for(e);
	}
	snprintf(count, sizeof(count), "%zu", nc.count);
	enroll_audit(c, "recovery", "ok", NULL,
		     (const struct cg_audit_field[]){ { "recovery_codes", count } },
		     1);
	printf("%s: new recovery codes; the previous ones no longer work.\n",
	       c->target);
	enroll_print_recovery(codes, nc.count);
	cg_wipe(codes, sizeof(codes));
	return ENROLL_EXIT_OK;
}
