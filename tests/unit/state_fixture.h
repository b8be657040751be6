/* Shared by the state and store unit tests: a known state, its v1 text
 * form line by line, and a field-by-field comparison. */
#ifndef CG_TEST_STATE_FIXTURE_H
#define CG_TEST_STATE_FIXTURE_H
#include <string.h>
#include "state.h"

#define SECRET_B32 "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT"   /* bytes 0..19 */
#define HASH1 "pbkdf2-sha256:20000:00112233445566778899aabbccddeeff:" \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HASH2 "pbkdf2-sha256:1000:ffeeddccbbaa99887766554433221100:" \
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f"

#define L_HDR "credgate-state 1\n"                 /* line 1 */
#define L_SECRET "secret " SECRET_B32 "\n"          /* 2 */
#define L_ALG "algorithm sha1\n"                    /* 3 */
#define L_DIGITS "digits 6\n"                       /* 4 */
#define L_PERIOD "period 30\n"                      /* 5 */
#define L_LAST "last_step -1\n"                     /* 6 */
#define L_FAIL "failures 0\n"                       /* 7 */
#define L_LASTF "last_failure 0\n"                 /* 8 */
#define L_LOCKED "locked_until 0\n"                 /* 9 */
#define L_AT "enrolled_at 1700000000\n"             /* 10 */
#define L_BY "enrolled_by root\n"                   /* 11 */
#define L_AFTER_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL L_LASTF \
	L_LOCKED L_AT L_BY
#define VALID L_HDR L_SECRET L_AFTER_SECRET

static inline void fill_state(struct cg_state *st)
{
	cg_state_init(st);
	for (size_t i = 0; i < 20; i++)
		st->totp.secret[i] = (uint8_t)i;
	st->totp.secret_len = 20;
	st->totp.alg = CG_ALG_SHA256;
	st->totp.digits = 8;
	st->totp.period = 60;
	st->last_step = 56666666;
	st->failures = 3;
	st->last_failure = 1700000100;
	st->locked_until = 1700000900;
	st->enrolled_at = 1700000000;
	strcpy(st->enrolled_by, "admin@EXAMPLE");
	strcpy(st->recovery[0], HASH1);
	strcpy(st->recovery[1], HASH2);
	st->nrecovery = 2;
}

static inline void assert_states_equal(const struct cg_state *a,
				const struct cg_state *b)
{
	assert_int_equal(a->totp.secret_len, b->totp.secret_len);
	assert_memory_equal(a->totp.secret, b->totp.secret, a->totp.secret_len);
	assert_int_equal(a->totp.alg, b->totp.alg);
	assert_int_equal(a->totp.digits, b->totp.digits);
	assert_int_equal(a->totp.period, b->totp.period);
	assert_true(a->last_step == b->last_step);
	assert_int_equal(a->failures, b->failures);
	assert_true(a->last_failure == b->last_failure);
	assert_true(a->locked_until == b->locked_until);
	assert_true(a->enrolled_at == b->enrolled_at);
	assert_string_equal(a->enrolled_by, b->enrolled_by);
	assert_int_equal(a->nrecovery, b->nrecovery);
	for (size_t i = 0; i < a->nrecovery; i++)
		assert_string_equal(a->recovery[i], b->recovery[i]);
}

#endif
