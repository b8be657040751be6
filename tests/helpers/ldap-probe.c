/* Test helper: the LDAP client layer (lib/ldap_client.h) one operation at
 * a time, against the directory a test started, configured by a real
 * credgate.conf [ldap] section.
 *
 *   ldap-probe CONF connect              "ok URI ops=N"
 *   ldap-probe CONF find USER            "USER_DN TOKEN_DN"
 *   ldap-probe CONF read USER            the state, one "key value" a line
 *   ldap-probe CONF create USER HEX [ALG DIGITS PERIOD]
 *   ldap-probe CONF accept USER STEP [BARRIER]
 *                  a login accepting STEP: read, refuse STEP <= last step
 *                  ("replay", 5), else commit it; with BARRIER, after the
 *                  read create BARRIER.PID and wait for BARRIER to exist,
 *                  so racing probes all read the same state first
 *   ldap-probe CONF fail USER [BARRIER]   count one failure the same way
 *   ldap-probe CONF set USER FIELD VALUE  last_step failures locked_until
 *   ldap-probe CONF recovery USER HASH..  replace the recovery hashes
 *   ldap-probe CONF remove USER
 *   ldap-probe CONF list
 *   ldap-probe CONF schema
 *   ldap-probe CONF secrets BASE [anonymous]   entries showing oathSecret
 *
 * Exit: 0 done, 1 error (reason on stderr), 2 usage, 3 not found
 * (CG_E_NOENT), 4 conflict (CG_E_CONFLICT), 5 replay, 6 damaged
 * (CG_E_PARSE), 7 unavailable (CG_E_UNAVAILABLE). */
#include "config.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "hex.h"
#include "ldap_client.h"
#include "otp.h"
#include "state.h"

struct probe {
	struct cg_config *cfg;
	struct cg_ldap *l;
	char *user_dn, *token_dn;
	bool totp_user;
	struct cg_ldap_token *tok;
	struct cg_state st;
};

static int code_of(cg_err e)
{
	switch (e) {
	case CG_OK: return 0;
	case CG_E_NOENT: return 3;
	case CG_E_CONFLICT: return 4;
	case CG_E_PARSE: return 6;
	case CG_E_UNAVAILABLE: return 7;
	default: return 1;
	}
}

static int fail(struct probe *p, const char *what, cg_err e)
{
	fprintf(stderr, "ldap-probe: %s: %s: %s\n", what, cg_strerror(e),
		p->l != NULL ? cg_ldap_why(p->l) : "");
	return code_of(e);
}

static int load(struct probe *p, const char *user)
{
	cg_err e = cg_ldap_find(p->l, user, &p->user_dn, &p->token_dn,
				&p->totp_user);

	if (e != CG_OK)
		return fail(p, "find", e);
	if ((e = cg_ldap_read(p->l, p->token_dn, &p->tok, &p->st)) != CG_OK)
		return fail(p, "read", e);
	return 0;
}

static void barrier(const char *b)
{
	char mine[4096];
	FILE *f;

	if (b == NULL)
		return;
	snprintf(mine, sizeof(mine), "%s.%ld", b, (long)getpid());
	if ((f = fopen(mine, "w")) != NULL)
		fclose(f);
	while (access(b, F_OK) != 0)
		usleep(2000);
}

/* Write p->st over what was read. */
static int commit(struct probe *p, const struct cg_state *old)
{
	cg_err e = cg_ldap_commit(p->l, p->tok, old, &p->st,
				  p->cfg->defaults.window, false);

	return e == CG_OK ? 0 : fail(p, "commit", e);
}

static int cmd_read(struct probe *p, char **a, int n)
{
	char hex[2 * CG_SECRET_MAX + 1];
	int rc;

	if (n < 1)
		return 2;
	if ((rc = load(p, a[0])) != 0)
		return rc;
	printf("token %s\n", cg_ldap_token_dn(p->tok));
	cg_hex_encode(p->st.totp.secret, p->st.totp.secret_len, hex);
	printf("secret %s\nalgorithm %s\ndigits %u\nperiod %u\n",
	       hex, cg_alg_name(p->st.totp.alg), p->st.totp.digits,
	       p->st.totp.period);
	printf("last_step %" PRId64 "\nfailures %u\nlast_failure %" PRId64
	       "\nlocked_until %" PRId64 "\nenrolled_at %" PRId64
	       "\nenrolled_by %s\nrecovery %zu\n", p->st.last_step,
	       p->st.failures, p->st.last_failure, p->st.locked_until,
	       p->st.enrolled_at, p->st.enrolled_by, p->st.nrecovery);
	return 0;
}

static int cmd_create(struct probe *p, char **a, int n)
{
	struct cg_state st;
	size_t len;
	cg_err e;

	if (n < 2 || (len = strlen(a[1])) % 2 != 0 || len / 2 > CG_SECRET_MAX)
		return 2;
	cg_state_init(&st);
	if (!cg_hex_decode(a[1], len / 2, false, st.totp.secret))
		return 2;
	st.totp.secret_len = len / 2;
	if (n >= 5) {
		if (cg_alg_parse(a[2], &st.totp.alg) != CG_OK)
			return 2;
		st.totp.digits = (unsigned)atoi(a[3]);
		st.totp.period = (unsigned)atoi(a[4]);
	}
	st.enrolled_at = time(NULL);
	snprintf(st.enrolled_by, sizeof(st.enrolled_by), "root");
	e = cg_ldap_find(p->l, a[0], &p->user_dn, &p->token_dn, &p->totp_user);
	if (e == CG_OK)
		return fail(p, "create", CG_E_EXISTS);
	if (p->user_dn == NULL)
		return fail(p, "find", e);
	e = cg_ldap_create(p->l, a[0], p->user_dn, p->totp_user, &st,
			   p->cfg->defaults.window);
	cg_state_wipe(&st);
	return e == CG_OK ? 0 : fail(p, "create", e);
}

static int cmd_accept(struct probe *p, char **a, int n)
{
	struct cg_state old;
	int64_t step;
	int rc;

	if (n < 2)
		return 2;
	if ((rc = load(p, a[0])) != 0)
		return rc;
	barrier(n >= 3 ? a[2] : NULL);
	step = strtoll(a[1], NULL, 10);
	if (step <= p->st.last_step) {
		printf("replay\n");
		return 5;
	}
	old = p->st;
	p->st.last_step = step;
	p->st.failures = 0;
	p->st.last_failure = 0;
	if ((rc = commit(p, &old)) == 0)
		printf("won\n");
	cg_state_wipe(&old);
	return rc;
}

static int cmd_fail(struct probe *p, char **a, int n)
{
	struct cg_state old;
	int rc;

	if (n < 1)
		return 2;
	if ((rc = load(p, a[0])) != 0)
		return rc;
	barrier(n >= 2 ? a[1] : NULL);
	old = p->st;
	p->st.failures++;
	p->st.last_failure = time(NULL);
	rc = commit(p, &old);
	cg_state_wipe(&old);
	return rc;
}

static int cmd_set(struct probe *p, char **a, int n)
{
	struct cg_state old;
	int64_t v;
	int rc;

	if (n < 3)
		return 2;
	if ((rc = load(p, a[0])) != 0)
		return rc;
	old = p->st;
	v = strtoll(a[2], NULL, 10);
	if (strcmp(a[1], "last_step") == 0)
		p->st.last_step = v;
	else if (strcmp(a[1], "failures") == 0)
		p->st.failures = (unsigned)v;
	else if (strcmp(a[1], "locked_until") == 0)
		p->st.locked_until = v;
	else
		return 2;
	rc = commit(p, &old);
	cg_state_wipe(&old);
	return rc;
}

static int cmd_recovery(struct probe *p, char **a, int n)
{
	struct cg_state old;
	int rc;

	if (n < 1 || n - 1 > CG_RECOVERY_MAX)
		return 2;
	if ((rc = load(p, a[0])) != 0)
		return rc;
	old = p->st;
	p->st.nrecovery = 0;
	for (int i = 1; i < n; i++)
		snprintf(p->st.recovery[p->st.nrecovery++],
			 CG_RECOVERY_HASH_SIZE, "%s", a[i]);
	rc = commit(p, &old);
	cg_state_wipe(&old);
	return rc;
}

static int cmd_remove(struct probe *p, char **a, int n)
{
	cg_err e;

	if (n < 1)
		return 2;
	e = cg_ldap_find(p->l, a[0], &p->user_dn, &p->token_dn, NULL);
	if (e == CG_OK)
		e = cg_ldap_remove(p->l, p->user_dn, p->token_dn);
	return e == CG_OK ? 0 : fail(p, "remove", e);
}

static int cmd_list(struct probe *p)
{
	char **users = NULL;
	size_t n = 0;
	cg_err e = cg_ldap_list(p->l, &users, &n);

	if (e != CG_OK)
		return fail(p, "list", e);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", users[i]);
		free(users[i]);
	}
	free(users);
	return 0;
}

static int cmd_secrets(struct probe *p, char **a, int n)
{
	unsigned count = 0;
	char why[512];
	cg_err e;

	if (n < 1)
		return 2;
	if (n >= 2 && strcmp(a[1], "anonymous") == 0) {
		if ((e = cg_ldap_connect_anonymous(&p->cfg->ldap, &p->l, why,
						   sizeof(why))) != CG_OK) {
			fprintf(stderr, "ldap-probe: %s\n", why);
			return code_of(e);
		}
	} else if ((e = cg_ldap_connect(&p->cfg->ldap, &p->l, why,
					sizeof(why))) != CG_OK) {
		fprintf(stderr, "ldap-probe: %s\n", why);
		return code_of(e);
	}
	if ((e = cg_ldap_count_secrets(p->l, a[0], &count)) != CG_OK)
		return fail(p, "secrets", e);
	printf("%u\n", count);
	return 0;
}

static int run(struct probe *p, const char *cmd, char **a, int n)
{
	char why[1024];
	cg_err e;

	if (strcmp(cmd, "secrets") == 0)
		return cmd_secrets(p, a, n);
	if ((e = cg_ldap_connect(&p->cfg->ldap, &p->l, why, sizeof(why)))
	    != CG_OK) {
		fprintf(stderr, "ldap-probe: connect: %s: %s\n",
			cg_strerror(e), why);
		return code_of(e);
	}
	if (strcmp(cmd, "connect") == 0) {
		printf("ok %s ops=%u\n", cg_ldap_uri(p->l), cg_ldap_ops(p->l));
		return 0;
	}
	if (strcmp(cmd, "find") == 0 && n >= 1) {
		e = cg_ldap_find(p->l, a[0], &p->user_dn, &p->token_dn, NULL);
		if (e != CG_OK)
			return fail(p, "find", e);
		printf("%s %s\n", p->user_dn, p->token_dn);
		return 0;
	}
	if (strcmp(cmd, "read") == 0)
		return cmd_read(p, a, n);
	if (strcmp(cmd, "create") == 0)
		return cmd_create(p, a, n);
	if (strcmp(cmd, "accept") == 0)
		return cmd_accept(p, a, n);
	if (strcmp(cmd, "fail") == 0)
		return cmd_fail(p, a, n);
	if (strcmp(cmd, "set") == 0)
		return cmd_set(p, a, n);
	if (strcmp(cmd, "recovery") == 0)
		return cmd_recovery(p, a, n);
	if (strcmp(cmd, "remove") == 0)
		return cmd_remove(p, a, n);
	if (strcmp(cmd, "list") == 0)
		return cmd_list(p);
	if (strcmp(cmd, "schema") == 0) {
		if ((e = cg_ldap_check_schema(p->l)) != CG_OK)
			return fail(p, "schema", e);
		printf("ok\n");
		return 0;
	}
	return 2;
}

int main(int argc, char **argv)
{
	struct probe p;
	struct cg_diag diag;
	char msg[PATH_MAX + 300];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: ldap-probe CONF COMMAND [ARGS]\n");
		return 2;
	}
	memset(&p, 0, sizeof(p));
	cg_state_init(&p.st);
	if (cg_config_load(argv[1], &p.cfg, &diag) != CG_OK) {
		cg_diag_format(&diag, msg, sizeof(msg));
		fprintf(stderr, "ldap-probe: %s\n", msg);
		return 1;
	}
	if (p.cfg->ldap.file == NULL) {
		fprintf(stderr, "ldap-probe: %s has no [ldap]\n", argv[1]);
		cg_config_free(p.cfg);
		return 1;
	}
	rc = run(&p, argv[2], argv + 3, argc - 3);
	cg_ldap_token_free(p.tok);
	cg_ldap_close(p.l);
	cg_state_wipe(&p.st);
	free(p.user_dn);
	free(p.token_dn);
	cg_config_free(p.cfg);
	return rc;
}
