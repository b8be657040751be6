/* The read-judge-record transaction (lib/verify.c): verdicts, replay,
 * lock-out, one write per attempt, the same judging work whatever the
 * outcome, and that a code whose acceptance cannot be written is never
 * accepted.  fdatasync(2) (how every update of a state with slots lands:
 * one slot written in place, then synced), cg_totp_verify and
 * cg_recovery_match are wrapped at link time (-Wl,--wrap) to fail writes
 * on demand and to count writes and judging work. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "recovery.h"
#include "state.h"
#include "store.h"
#include "seal.h"
#include <sys/stat.h>
#include "verify.h"
#include "wipe.h"

#define USER "alice"
#define NOW ((time_t)1800000015)

/* ---- link-time wraps -------------------------------------------------- */

int __real_fdatasync(int);
int __wrap_fdatasync(int);
cg_err __real_cg_totp_verify(const struct cg_totp *, const char *, uint64_t,
			     unsigned, uint64_t *);
cg_err __wrap_cg_totp_verify(const struct cg_totp *, const char *, uint64_t,
			     unsigned, uint64_t *);
cg_err __real_cg_recovery_match(const struct cg_state *, const char *,
				size_t *);
cg_err __wrap_cg_recovery_match(const struct cg_state *, const char *,
				size_t *);

static unsigned syncs;          /* fdatasync calls so far */
static bool fail_all_syncs;
static unsigned judged;         /* cg_totp_verify calls so far */
static unsigned recovery_checks; /* cg_recovery_match calls so far */
static cg_err totp_fault;       /* returned instead of judging, if set */

int __wrap_fdatasync(int fd)
{
	syncs++;
	if (fail_all_syncs) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

cg_err __wrap_cg_totp_verify(const struct cg_totp *t, const char *code,
			     uint64_t center, unsigned window,
			     uint64_t *matched_step)
{
	judged++;
	if (totp_fault != CG_OK)
		return totp_fault;
	return __real_cg_totp_verify(t, code, center, window, matched_step);
}

cg_err __wrap_cg_recovery_match(const struct cg_state *st, const char *input,
				size_t *index)
{
	recovery_checks++;
	return __real_cg_recovery_match(st, input, index);
}

/* ---- fixture ---------------------------------------------------------- */

static char dir[64], sdir[80], key[80];
static struct cg_store *store;
static struct cg_defaults defs;

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static void fresh_state(struct cg_state *st)
{
	cg_state_init(st);
	for (size_t i = 0; i < 20; i++)
		st->totp.secret[i] = (uint8_t)(i * 7 + 1);
	st->totp.secret_len = 20;
	st->enrolled_at = 1700000000;
}

static int setup(void **s)
{
	struct cg_state st;

	(void)s;
	syncs = judged = recovery_checks = 0;
	fail_all_syncs = false;
	totp_fault = CG_OK;
	snprintf(dir, sizeof(dir), "/tmp/cg-verify.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(key, sizeof(key), "%s/host.key", dir);
	if (cg_key_create(key, NULL) != CG_OK)
		return -1;
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	if (mkdir(sdir, 0700) != 0 ||
	    cg_store_open_files(sdir, key, &store) != CG_OK)
		return -1;
	fresh_state(&st);
	if (cg_store_create(store, USER, &st) != CG_OK)
		return -1;
	cg_state_wipe(&st);
	memset(&defs, 0, sizeof(defs));
	defs.window = 1;
	defs.max_failures = 3;
	defs.failure_window = 300;
	defs.lockout = 900;
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	cg_store_close(store);
	store = NULL;
	return nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void code_at(time_t t, char out[CG_CODE_MAX + 1])
{
	struct cg_state st;

	fresh_state(&st);
	assert_int_equal(cg_totp_code(&st.totp, cg_totp_step(&st.totp, t),
				      out, CG_CODE_MAX + 1), CG_OK);
	cg_state_wipe(&st);
}

static void wrong_code_at(time_t t, char out[CG_CODE_MAX + 1])
{
	code_at(t, out);
	out[0] = out[0] == '9' ? '0' : (char)(out[0] + 1);
}

static void read_back(struct cg_state *st)
{
	assert_int_equal(cg_store_read(store, USER, st, NULL), CG_OK);
}

static enum cg_verdict attempt(const char *code, time_t t)
{
	struct cg_verify_result res;

	cg_verify_and_record(store, USER, &defs, code, t, &res);
	return res.verdict;
}

/* ---- tests ------------------------------------------------------------ */

static void test_good_bad_replay(void **s)
{
	char good[CG_CODE_MAX + 1], bad[CG_CODE_MAX + 1];
	struct cg_state st;

	(void)s;
	code_at(NOW, good);
	wrong_code_at(NOW, bad);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	read_back(&st);
	assert_int_equal(st.failures, 1);
	assert_int_equal(attempt(good, NOW), CG_GRANTED_CODE);
	read_back(&st);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.last_failure, 0);
	assert_int_equal(st.last_step, NOW / 30);
	assert_int_equal(attempt(good, NOW + 1), CG_DENIED_REPLAY);
	read_back(&st);
	assert_int_equal(st.failures, 1);
	cg_state_wipe(&st);
}

static void test_lockout_judged_not_counted(void **s)
{
	char good[CG_CODE_MAX + 1], bad[CG_CODE_MAX + 1];
	struct cg_state st;

	(void)s;
	wrong_code_at(NOW, bad);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_NOW_LOCKED);
	read_back(&st);
	assert_int_equal(st.locked_until, NOW + 900);
	assert_int_equal(st.failures, 0);       /* counted into the lock */
	cg_state_wipe(&st);
	/* Locked: even the right code is refused, after the same judging
	 * as any attempt (the time tells nothing), and nothing counts. */
	judged = recovery_checks = 0;
	code_at(NOW + 60, good);
	assert_int_equal(attempt(good, NOW + 60), CG_DENIED_LOCKED);
	wrong_code_at(NOW + 90, bad);
	assert_int_equal(attempt(bad, NOW + 90), CG_DENIED_LOCKED);
	assert_int_equal(judged, 2);
	assert_int_equal(recovery_checks, 2);
	read_back(&st);
	assert_int_equal(st.locked_until, NOW + 900);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.last_failure, 0);
	assert_int_equal(st.last_step, -1);
	code_at(NOW + 900, good);
	assert_int_equal(attempt(good, NOW + 900), CG_GRANTED_CODE);
	cg_state_wipe(&st);
}

/* One write per attempt, success, failure or locked out. */
static void test_one_write_per_attempt(void **s)
{
	char good[CG_CODE_MAX + 1], bad[CG_CODE_MAX + 1];

	(void)s;
	code_at(NOW, good);
	wrong_code_at(NOW, bad);
	syncs = 0;
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	assert_int_equal(syncs, 1);
	assert_int_equal(attempt(good, NOW), CG_GRANTED_CODE);
	assert_int_equal(syncs, 2);
	assert_int_equal(attempt(good, NOW), CG_DENIED_REPLAY);
	assert_int_equal(syncs, 3);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	assert_int_equal(syncs, 4);
	assert_int_equal(attempt(bad, NOW), CG_DENIED_NOW_LOCKED);
	assert_int_equal(syncs, 5);
	assert_int_equal(attempt(good, NOW + 30), CG_DENIED_LOCKED);
	assert_int_equal(syncs, 6);
}

/* The same judging work for a right code, a wrong one and a recovery
 * code: every window step and every recovery hash, each time. */
static void test_same_work_whatever_the_outcome(void **s)
{
	char codes[3][CG_RECOVERY_CODE_SIZE];
	char good[CG_CODE_MAX + 1], bad[CG_CODE_MAX + 1];
	struct cg_state st;
	bool replaced = false;

	(void)s;
	read_back(&st);
	assert_int_equal(cg_recovery_regenerate(&st, 3, codes), CG_OK);
	assert_int_equal(cg_store_put(store, USER, &st, &replaced), CG_OK);
	code_at(NOW, good);
	wrong_code_at(NOW, bad);
	judged = recovery_checks = 0;
	assert_int_equal(attempt(bad, NOW), CG_DENIED_BAD_CODE);
	assert_int_equal(judged, 1);
	assert_int_equal(recovery_checks, 1);
	assert_int_equal(attempt(good, NOW), CG_GRANTED_CODE);
	assert_int_equal(judged, 2);
	assert_int_equal(recovery_checks, 2);
	assert_int_equal(attempt(codes[1], NOW + 30), CG_GRANTED_RECOVERY);
	assert_int_equal(judged, 3);
	assert_int_equal(recovery_checks, 3);
	read_back(&st);
	assert_int_equal(st.nrecovery, 2);
	cg_state_wipe(&st);
	cg_wipe(codes, sizeof(codes));
}

/* The state cannot be written: every attempt is denied, the right code
 * too, and nothing changes, however many guesses come. */
static void test_unwritable_state_denies_everything(void **s)
{
	char good[CG_CODE_MAX + 1], bad[CG_CODE_MAX + 1];
	struct cg_state st;

	(void)s;
	code_at(NOW, good);
	wrong_code_at(NOW, bad);
	fail_all_syncs = true;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(attempt(bad, NOW), CG_DENIED_STATE_ERROR);
		assert_int_equal(attempt(good, NOW), CG_DENIED_STATE_ERROR);
	}
	fail_all_syncs = false;
	read_back(&st);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.last_step, -1);
	assert_int_equal(st.locked_until, 0);
	cg_state_wipe(&st);
	assert_int_equal(attempt(good, NOW), CG_GRANTED_CODE);
}

/* The code cannot be computed (OpenSSL refuses): a state error, logged
 * as such by the caller, and not held against the user. */
static void test_crypto_failure_is_not_a_bad_code(void **s)
{
	char good[CG_CODE_MAX + 1];
	struct cg_verify_result res;
	struct cg_state st;

	(void)s;
	code_at(NOW, good);
	totp_fault = CG_E_CRYPTO;
	for (int i = 0; i < 5; i++) {
		cg_verify_and_record(store, USER, &defs, good, NOW, &res);
		assert_int_equal(res.verdict, CG_DENIED_STATE_ERROR);
		assert_int_equal(res.err, CG_E_CRYPTO);
	}
	totp_fault = CG_OK;
	read_back(&st);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 0);
	cg_state_wipe(&st);
	assert_int_equal(attempt(good, NOW), CG_GRANTED_CODE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_bad_replay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lockout_judged_not_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_one_write_per_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_same_work_whatever_the_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unwritable_state_denies_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_crypto_failure_is_not_a_bad_code, setup, teardown),
	};
	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
