/* Test helper: enroll users with known secrets and inspect their state
 * through the same lib/ API the module and credgate-enroll use.
 *   cg-state DIR enroll USER BASE32 [ALG DIGITS PERIOD]
 *   cg-state DIR recovery USER N        new codes, printed one per line
 *   cg-state DIR check USER             exit 0 if the state parses
 *   cg-state DIR get USER FIELD         last_step failures locked_until
 *                                       recovery_left secret
 *   cg-state DIR init                   create the host key
 * The host key is $CG_HOST_KEY, else host.key next to DIR: tests keep it next
 * to their state directory and name it as host_key in their config. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base32.h"
#include "recovery.h"
#include "state.h"
#include "store.h"
#include "seal.h"
#include "wipe.h"
#include <limits.h>

static int fail(const char *what, cg_err e)
{
	fprintf(stderr, "cg-state: %s: %s\n", what, cg_strerror(e));
	return 1;
}

static int enroll(struct cg_store *s, char **a, int n, struct cg_state *st)
{
	cg_err e;

	if (n < 2)
		return 2;
	e = cg_base32_decode(a[1], st->totp.secret, sizeof(st->totp.secret),
			     &st->totp.secret_len);
	if (e != CG_OK)
		return fail("secret", e);
	if (n >= 5) {
		if ((e = cg_alg_parse(a[2], &st->totp.alg)) != CG_OK)
			return fail("algorithm", e);
		st->totp.digits = (unsigned)atoi(a[3]);
		st->totp.period = (unsigned)atoi(a[4]);
	}
	st->enrolled_at = time(NULL);
	snprintf(st->enrolled_by, sizeof(st->enrolled_by), "test");
	e = cg_store_create(s, a[0], st);
	return e == CG_OK ? 0 : fail("create", e);
}

struct new_codes {
	size_t count;
	char (*codes)[CG_RECOVERY_CODE_SIZE];
};

static cg_err new_codes_txn(struct cg_store_txn *txn, void *arg)
{
	struct new_codes *nc = arg;
	cg_err e;

	if (txn->found != CG_OK)
		return txn->found;
	e = cg_recovery_regenerate(&txn->st, nc->count, nc->codes);
	if (e == CG_OK)
		txn->op = CG_STORE_WRITE;
	return e;
}

static int recovery(struct cg_store *s, char **a, int n, struct cg_state *st)
{
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	struct new_codes nc = { n >= 2 ? (size_t)atoi(a[1]) : 10, codes };
	size_t count = nc.count;
	cg_err e;

	(void)st;
	if (count > CG_RECOVERY_MAX)
		return 2;
	e = cg_store_update(s, a[0], new_codes_txn, &nc, NULL);
	if (e != CG_OK)
		return fail("recovery", e);
	for (size_t i = 0; i < count; i++)
		printf("%s\n", codes[i]);
	return 0;
}

/* The secret in base32, as an otpauth URI carries it: for tests that
 * must compare secrets now that the state file no longer shows them. */
static int print_secret(const struct cg_state *st)
{
	char b32[2 * CG_SECRET_MAX];

	if (cg_base32_encode(st->totp.secret, st->totp.secret_len, false, b32,
			     sizeof(b32)) != CG_OK)
		return 1;
	printf("%s\n", b32);
	cg_wipe_array(b32);
	return 0;
}

static int get(struct cg_store *s, char **a, int n, struct cg_state *st)
{
	unsigned line = 0;
	cg_err e = cg_store_read(s, a[0], st, &line);

	if (e != CG_OK) {
		fprintf(stderr, "cg-state: %s: line %u: %s\n", a[0], line,
			cg_strerror(e));
		return 1;
	}
	if (n < 2)
		return 0;                         /* "check" */
	if (strcmp(a[1], "last_step") == 0)
		printf("%lld\n", (long long)st->last_step);
	else if (strcmp(a[1], "failures") == 0)
		printf("%u\n", st->failures);
	else if (strcmp(a[1], "locked_until") == 0)
		printf("%lld\n", (long long)st->locked_until);
	else if (strcmp(a[1], "recovery_left") == 0)
		printf("%zu\n", st->nrecovery);
	else if (strcmp(a[1], "secret") == 0)
		return print_secret(st);
	else
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	struct cg_store *store = NULL;
	struct cg_state st;
	char key[PATH_MAX];
	const char *env = getenv("CG_HOST_KEY"), *slash;
	int rc = 2;
	cg_err e;

	if (argc < 3 || (argc < 4 && strcmp(argv[2], "init") != 0)) {
		fprintf(stderr, "usage: cg-state DIR enroll|recovery|check|get USER ...\n"
			"       cg-state DIR init\n");
		return 2;
	}
	if (env != NULL)
		snprintf(key, sizeof(key), "%s", env);
	else if ((slash = strrchr(argv[1], '/')) != NULL)
		snprintf(key, sizeof(key), "%.*s/host.key",
			 (int)(slash - argv[1]), argv[1]);
	else
		return fail("DIR must be absolute", CG_E_INVAL);
	if (strcmp(argv[2], "init") == 0) {
		e = cg_key_create(key, NULL);
		return e == CG_OK ? 0 : fail(key, e);
	}
	if ((e = cg_store_open_files(argv[1], key, &store)) != CG_OK)
		return fail(argv[1], e);
	cg_state_init(&st);
	if (strcmp(argv[2], "enroll") == 0)
		rc = enroll(store, argv + 3, argc - 3, &st);
	else if (strcmp(argv[2], "recovery") == 0)
		rc = recovery(store, argv + 3, argc - 3, &st);
	else if (strcmp(argv[2], "check") == 0)
		rc = get(store, argv + 3, 1, &st);
	else if (strcmp(argv[2], "get") == 0)
		rc = get(store, argv + 3, argc - 3, &st);
	cg_state_wipe(&st);
	cg_store_close(store);
	return rc;
}
