/* credgate-enroll list, status, revoke, unlock and recovery: the
 * administrator's commands on existing enrollments. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "enroll.h"
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

static void print_list_line(struct enroll_ctx *c, const char *user,
			    time_t now)
{
	struct cg_state st;
	unsigned line = 0;
	char when[64];
	cg_err e;

	cg_state_init(&st);
	memcpy(c->target, user, strlen(user) + 1);  /* valid, < CG_USER_MAX */
	if ((e = enroll_read_state(c, &st, &line)) != CG_OK) {
		if (line > 0)
			printf("%-16s unreadable state: line %u: %s\n", user,
			       line, cg_strerror(e));
		else
			printf("%-16s unreadable state: %s\n", user,
			       cg_strerror(e));
		goto out;
	}
	enroll_format_time(st.enrolled_at, when, sizeof(when));
	printf("%-16s %-9s %-6u %-6u %-8zu %-6s %-23s %s\n", user,
	       cg_alg_name(st.totp.alg), st.totp.digits, st.totp.period,
	       st.nrecovery, is_locked(&st, now) ? "yes" : "no", when,
	       st.enrolled_by);
out:
	cg_state_wipe(&st);
}

int enroll_cmd_list(struct enroll_ctx *c)
{
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
	printf("%-16s %-9s %-6s %-6s %-8s %-6s %-23s %s\n", "USER",
	       "ALGORITHM", "DIGITS", "PERIOD", "RECOVERY", "LOCKED",
	       "ENROLLED", "BY");
	for (size_t i = 0; i < n; i++)
		print_list_line(c, users[i], now);
	cg_store_list_free(users, n);
	c->target[0] = '\0';
	return ENROLL_EXIT_OK;
}

int enroll_cmd_status(struct enroll_ctx *c)
{
	struct cg_state st;
	unsigned line = 0;
	char when[64];
	time_t now = time(NULL);
	cg_err e;

	cg_state_init(&st);
	if ((e = enroll_read_state(c, &st, &line)) != CG_OK) {
		enroll_state_error(c, e, line);
		cg_state_wipe(&st);
		return exit_for(e);
	}
	enroll_format_time(st.enrolled_at, when, sizeof(when));
	printf("user:            %s\n", c->target);
	printf("enrolled:        %s by %s\n", when, st.enrolled_by);
	printf("algorithm:       %s\n", cg_alg_name(st.totp.alg));
	printf("digits:          %u\n", st.totp.digits);
	printf("period:          %u\n", st.totp.period);
	enroll_format_time(st.last_step < 0 ? 0 :
			   st.last_step * (int64_t)st.totp.period, when,
			   sizeof(when));
	printf("last code used:  %s\n", st.last_step < 0 ? "never" : when);
	printf("failures:        %u\n", st.failures);
	enroll_format_time(st.locked_until, when, sizeof(when));
	if (is_locked(&st, now))
		printf("locked:          yes, until %s\n", when);
	else
		printf("locked:          no\n");
	printf("recovery codes:  %zu left\n", st.nrecovery);
	cg_state_wipe(&st);
	return ENROLL_EXIT_OK;
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
