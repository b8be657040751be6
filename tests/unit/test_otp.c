/* HOTP/TOTP (lib/otp.c): the published test vectors of RFC 4226 and
 * RFC 6238, window verification, and argument checking.  Each vector is
 * its own TAP line. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "otp.h"

/* HMAC computations (EVP_MAC_init, wrapped at link time). */
int __real_EVP_MAC_init(EVP_MAC_CTX *, const unsigned char *, size_t,
			const OSSL_PARAM[]);
int __wrap_EVP_MAC_init(EVP_MAC_CTX *, const unsigned char *, size_t,
			const OSSL_PARAM[]);
static unsigned mac_inits;

int __wrap_EVP_MAC_init(EVP_MAC_CTX *ctx, const unsigned char *key,
			size_t keylen, const OSSL_PARAM params[])
{
	mac_inits++;
	return __real_EVP_MAC_init(ctx, key, keylen, params);
}

#define MAX_TESTS 128
#include "table_test.h"
#include "cg_macros.h"

/* RFC 4226 Appendix D and RFC 6238 Appendix B seeds (ASCII digits). */
static const char seed20[] = "12345678901234567890";
static const char seed32[] = "12345678901234567890123456789012";
static const char seed64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

static void totp_init(struct cg_totp *t, cg_alg alg, unsigned digits,
		      unsigned period)
{
	const char *seed = alg == CG_ALG_SHA1 ? seed20 :
	    alg == CG_ALG_SHA256 ? seed32 : seed64;

	memset(t, 0, sizeof(*t));
	t->secret_len = strlen(seed);
	memcpy(t->secret, seed, t->secret_len);
	t->alg = alg;
	t->digits = digits;
	t->period = period;
}

/* ---- RFC 4226 Appendix D ------------------------------------------------ */

struct hotp_vector {
	const char *name;
	uint64_t counter;
	const char *code;
};

static struct hotp_vector hotp_vectors[] = {
	{ "rfc4226 count 0", 0, "755224" },
	{ "rfc4226 count 1", 1, "287082" },
	{ "rfc4226 count 2", 2, "359152" },
	{ "rfc4226 count 3", 3, "969429" },
	{ "rfc4226 count 4", 4, "338314" },
	{ "rfc4226 count 5", 5, "254676" },
	{ "rfc4226 count 6", 6, "287922" },
	{ "rfc4226 count 7", 7, "162583" },
	{ "rfc4226 count 8", 8, "399871" },
	{ "rfc4226 count 9", 9, "520489" },
};

static void test_hotp_vector(void **state)
{
	const struct hotp_vector *v = *state;
	char out[CG_CODE_MAX + 1];

	expect_err(cg_hotp((const uint8_t *)seed20, 20, CG_ALG_SHA1,
	    v->counter, 6, out, sizeof(out)), CG_OK);
	assert_string_equal(out, v->code);
}

/* ---- RFC 6238 Appendix B ------------------------------------------------ */

struct totp_vector {
	const char *name;
	time_t time;
	uint64_t step;      /* the "Value of T (hex)" column */
	cg_alg alg;
	const char *code;
};

static struct totp_vector totp_vectors[] = {
	{ "rfc6238 59 SHA1", 59, 0x1, CG_ALG_SHA1, "94287082" },
	{ "rfc6238 59 SHA256", 59, 0x1, CG_ALG_SHA256, "46119246" },
	{ "rfc6238 59 SHA512", 59, 0x1, CG_ALG_SHA512, "90693936" },
	{ "rfc6238 1111111109 SHA1", 1111111109, 0x23523EC, CG_ALG_SHA1,
	  "07081804" },
	{ "rfc6238 1111111109 SHA256", 1111111109, 0x23523EC, CG_ALG_SHA256,
	  "68084774" },
	{ "rfc6238 1111111109 SHA512", 1111111109, 0x23523EC, CG_ALG_SHA512,
	  "25091201" },
	{ "rfc6238 1111111111 SHA1", 1111111111, 0x23523ED, CG_ALG_SHA1,
	  "14050471" },
	{ "rfc6238 1111111111 SHA256", 1111111111, 0x23523ED, CG_ALG_SHA256,
	  "67062674" },
	{ "rfc6238 1111111111 SHA512", 1111111111, 0x23523ED, CG_ALG_SHA512,
	  "99943326" },
	{ "rfc6238 1234567890 SHA1", 1234567890, 0x273EF07, CG_ALG_SHA1,
	  "89005924" },
	{ "rfc6238 1234567890 SHA256", 1234567890, 0x273EF07, CG_ALG_SHA256,
	  "91819424" },
	{ "rfc6238 1234567890 SHA512", 1234567890, 0x273EF07, CG_ALG_SHA512,
	  "93441116" },
	{ "rfc6238 2000000000 SHA1", 2000000000, 0x3F940AA, CG_ALG_SHA1,
	  "69279037" },
	{ "rfc6238 2000000000 SHA256", 2000000000, 0x3F940AA, CG_ALG_SHA256,
	  "90698825" },
	{ "rfc6238 2000000000 SHA512", 2000000000, 0x3F940AA, CG_ALG_SHA512,
	  "38618901" },
	{ "rfc6238 20000000000 SHA1", 20000000000, 0x27BC86AA, CG_ALG_SHA1,
	  "65353130" },
	{ "rfc6238 20000000000 SHA256", 20000000000, 0x27BC86AA,
	  CG_ALG_SHA256, "77737706" },
	{ "rfc6238 20000000000 SHA512", 20000000000, 0x27BC86AA,
	  CG_ALG_SHA512, "47863826" },
};

static void test_totp_vector(void **state)
{
	const struct totp_vector *v = *state;
	struct cg_totp t;
	char out[CG_CODE_MAX + 1];
	uint64_t step, matched = 0;

	totp_init(&t, v->alg, 8, 30);
	step = cg_totp_step(&t, v->time);
	assert_int_equal(step, v->step);
	expect_err(cg_totp_code(&t, step, out, sizeof(out)), CG_OK);
	assert_string_equal(out, v->code);
	/* and the verifier accepts it at the centre, window 0 */
	expect_err(cg_totp_verify(&t, v->code, step, 0, &matched), CG_OK);
	assert_int_equal(matched, step);
}

/* ---- window verification ------------------------------------------------ */

static const time_t window_now = 1111111111;

static void code_at(const struct cg_totp *t, uint64_t step, char *out)
{
	expect_err(cg_totp_code(t, step, out, CG_CODE_MAX + 1), CG_OK);
}

static void test_window_match(void **state)
{
	struct cg_totp t;
	char code[CG_CODE_MAX + 1];
	uint64_t c, matched;

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	c = cg_totp_step(&t, window_now);
	for (int off = -1; off <= 1; off++) {
		code_at(&t, c + (uint64_t)(int64_t)off, code);
		matched = 0;
		expect_err(cg_totp_verify(&t, code, c, 1, &matched), CG_OK);
		assert_int_equal(matched, c + (uint64_t)(int64_t)off);
	}
}

static void test_window_outside(void **state)
{
	struct cg_totp t;
	char code[CG_CODE_MAX + 1];
	uint64_t c, matched = 777;

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	c = cg_totp_step(&t, window_now);
	code_at(&t, c - 2, code);
	expect_err(cg_totp_verify(&t, code, c, 1, &matched), CG_E_INVAL);
	code_at(&t, c + 2, code);
	expect_err(cg_totp_verify(&t, code, c, 1, &matched), CG_E_INVAL);
	assert_int_equal(matched, 777);   /* untouched on failure */
	/* a wider window reaches them */
	expect_err(cg_totp_verify(&t, code, c, 2, &matched), CG_OK);
	assert_int_equal(matched, c + 2);
	/* window 0: only the centre */
	code_at(&t, c + 1, code);
	expect_err(cg_totp_verify(&t, code, c, 0, &matched), CG_E_INVAL);
}

static void test_window_edges(void **state)
{
	struct cg_totp t;
	char code[CG_CODE_MAX + 1];
	uint64_t matched;

	(void)state;
	totp_init(&t, CG_ALG_SHA256, 8, 60);
	/* centre 0: steps below 0 are skipped, not wrapped to UINT64_MAX */
	code_at(&t, 0, code);
	expect_err(cg_totp_verify(&t, code, 0, 3, &matched), CG_OK);
	assert_int_equal(matched, 0);
	code_at(&t, UINT64_MAX, code);
	expect_err(cg_totp_verify(&t, code, 0, 3, &matched), CG_E_INVAL);
	/* centre UINT64_MAX: steps above are skipped, not wrapped to 0 */
	code_at(&t, UINT64_MAX - 1, code);
	expect_err(cg_totp_verify(&t, code, UINT64_MAX, 1, &matched), CG_OK);
	assert_int_equal(matched, UINT64_MAX - 1);
	code_at(&t, 0, code);
	expect_err(cg_totp_verify(&t, code, UINT64_MAX, 1, &matched),
	    CG_E_INVAL);
}

/* Found offline: with the RFC SHA-1 seed, 6 digits, steps 910737 and
 * 910738 both give 911617.  The lower step is reported, which is the
 * conservative answer for the caller's replay check. */
static void test_window_collision(void **state)
{
	struct cg_totp t;
	char a[CG_CODE_MAX + 1], b[CG_CODE_MAX + 1];
	uint64_t matched;

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	code_at(&t, 910737, a);
	code_at(&t, 910738, b);
	assert_string_equal(a, "911617");
	assert_string_equal(b, "911617");
	expect_err(cg_totp_verify(&t, "911617", 910737, 1, &matched), CG_OK);
	assert_int_equal(matched, 910737);
	expect_err(cg_totp_verify(&t, "911617", 910738, 1, &matched), CG_OK);
	assert_int_equal(matched, 910737);
	expect_err(cg_totp_verify(&t, "911617", 910739, 1, &matched), CG_OK);
	assert_int_equal(matched, 910738);
}

/* Codes that are not exactly `digits` ASCII digits are refused, even
 * when they contain the right code. */
static void test_code_format(void **state)
{
	struct cg_totp t;
	char good[CG_CODE_MAX + 1], bad[32];
	uint64_t c, matched;
	/* prefix and suffix around the right code */
	const char *wrap[][2] = { { "", " " }, { " ", "" }, { "", "0" },
	    { "+", "" }, { "", "\n" }, { "-", "" }, { "0", "" } };

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	c = cg_totp_step(&t, window_now);
	code_at(&t, c, good);
	expect_err(cg_totp_verify(&t, good, c, 1, &matched), CG_OK);
	for (size_t i = 0; i < CG_ARRAY_SIZE(wrap); i++) {
		snprintf(bad, sizeof(bad), "%s%s%s", wrap[i][0], good,
		    wrap[i][1]);
		expect_err(cg_totp_verify(&t, bad, c, 1, &matched),
		    CG_E_INVAL);
	}
	snprintf(bad, sizeof(bad), "%.5s", good);        /* too short */
	expect_err(cg_totp_verify(&t, bad, c, 1, &matched), CG_E_INVAL);
	snprintf(bad, sizeof(bad), "%.5sa", good);       /* letter */
	expect_err(cg_totp_verify(&t, bad, c, 1, &matched), CG_E_INVAL);
	snprintf(bad, sizeof(bad), "%.3s %.3s", good, good + 3);
	expect_err(cg_totp_verify(&t, bad, c, 1, &matched), CG_E_INVAL);
	expect_err(cg_totp_verify(&t, "", c, 1, &matched), CG_E_INVAL);
	/* fullwidth digits are not ASCII digits */
	expect_err(cg_totp_verify(&t, "\xef\xbc\x91\xef\xbc\x92", c, 1,
	    &matched), CG_E_INVAL);
	/* an 8-digit code when 6 are configured */
	t.digits = 8;
	code_at(&t, c, good);
	t.digits = 6;
	expect_err(cg_totp_verify(&t, good, c, 1, &matched), CG_E_INVAL);
}

/* HMACs one verification computes. */
static unsigned macs_for(const struct cg_totp *t, const char *code)
{
	uint64_t matched;

	mac_inits = 0;
	(void)cg_totp_verify(t, code, 1000, 1, &matched);
	return mac_inits;
}

/* The work depends on the answer's form, never on the user's digits: a
 * 6- or 8-digit answer costs the whole window for a 6- and for an
 * 8-digit user alike (else the time would tell the decoy, which has 6,
 * from a user with 8); any other answer costs no HMAC. */
static void test_work_by_form_only(void **state)
{
	struct cg_totp six, eight;
	unsigned ref;

	(void)state;
	totp_init(&six, CG_ALG_SHA1, 6, 30);
	totp_init(&eight, CG_ALG_SHA1, 8, 30);
	ref = macs_for(&six, "123456");
	assert_true(ref >= 3);                  /* window 1: three steps */
	assert_int_equal(macs_for(&six, "12345678"), ref);
	assert_int_equal(macs_for(&eight, "123456"), ref);
	assert_int_equal(macs_for(&eight, "12345678"), ref);
	assert_int_equal(macs_for(&six, "12345"), 0);
	assert_int_equal(macs_for(&eight, "1234567"), 0);
	assert_int_equal(macs_for(&six, "abcdef"), 0);
	assert_int_equal(macs_for(&six, ""), 0);
}

/* ---- arguments and helpers ---------------------------------------------- */

static void test_alg_names(void **state)
{
	cg_alg alg = CG_ALG_SHA1;
	const char *bad[] = { "", "sha", "sha-1", "SHA384", "md5", "sha1 ",
	    "sha2-256" };

	(void)state;
	assert_string_equal(cg_alg_name(CG_ALG_SHA1), "sha1");
	assert_string_equal(cg_alg_name(CG_ALG_SHA256), "sha256");
	assert_string_equal(cg_alg_name(CG_ALG_SHA512), "sha512");
	assert_null(cg_alg_name((cg_alg)3));
	assert_null(cg_alg_name((cg_alg)-1));
	expect_err(cg_alg_parse("SHA256", &alg), CG_OK);
	assert_int_equal(alg, CG_ALG_SHA256);
	expect_err(cg_alg_parse("Sha512", &alg), CG_OK);
	assert_int_equal(alg, CG_ALG_SHA512);
	expect_err(cg_alg_parse("sha1", &alg), CG_OK);
	assert_int_equal(alg, CG_ALG_SHA1);
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad); i++)
		expect_err(cg_alg_parse(bad[i], &alg), CG_E_INVAL);
	expect_err(cg_alg_parse(NULL, &alg), CG_E_INVAL);
}

static void test_valid_params(void **state)
{
	(void)state;
	assert_true(cg_digits_valid(6));
	assert_true(cg_digits_valid(8));
	assert_false(cg_digits_valid(7));
	assert_false(cg_digits_valid(0));
	assert_true(cg_period_valid(30));
	assert_true(cg_period_valid(60));
	assert_false(cg_period_valid(0));
	assert_false(cg_period_valid(45));
}

static void test_hotp_args(void **state)
{
	const uint8_t *key = (const uint8_t *)seed20;
	uint8_t big[CG_SECRET_MAX + 1] = { 0 };
	char out[CG_CODE_MAX + 1];

	(void)state;
	expect_err(cg_hotp(key, 20, CG_ALG_SHA1, 0, 7, out, sizeof(out)),
	    CG_E_INVAL);
	expect_err(cg_hotp(key, 20, (cg_alg)3, 0, 6, out, sizeof(out)),
	    CG_E_INVAL);
	expect_err(cg_hotp(NULL, 20, CG_ALG_SHA1, 0, 6, out, sizeof(out)),
	    CG_E_INVAL);
	expect_err(cg_hotp(key, 20, CG_ALG_SHA1, 0, 6, NULL, sizeof(out)),
	    CG_E_INVAL);
	expect_err(cg_hotp(key, 0, CG_ALG_SHA1, 0, 6, out, sizeof(out)),
	    CG_E_RANGE);
	expect_err(cg_hotp(big, sizeof(big), CG_ALG_SHA1, 0, 6, out,
	    sizeof(out)), CG_E_RANGE);
	expect_err(cg_hotp(key, 20, CG_ALG_SHA1, 0, 6, out, 6), CG_E_TOOBIG);
	expect_err(cg_hotp(key, 20, CG_ALG_SHA1, 0, 6, out, 7), CG_OK);
	assert_string_equal(out, "755224");
	expect_err(cg_hotp(key, 20, CG_ALG_SHA1, 0, 8, out, 8), CG_E_TOOBIG);
}

static void test_totp_struct_checks(void **state)
{
	struct cg_totp t;
	char out[CG_CODE_MAX + 1];
	uint64_t matched;

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	t.secret_len = CG_SECRET_MIN - 1;
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_E_RANGE);
	t.secret_len = CG_SECRET_MAX + 1;
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_E_RANGE);
	totp_init(&t, CG_ALG_SHA1, 6, 45);
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_E_INVAL);
	totp_init(&t, CG_ALG_SHA1, 7, 30);
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_E_INVAL);
	totp_init(&t, (cg_alg)9, 6, 30);
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_E_INVAL);
	expect_err(cg_totp_code(NULL, 1, out, sizeof(out)), CG_E_INVAL);
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	t.secret_len = CG_SECRET_MIN;
	expect_err(cg_totp_code(&t, 1, out, sizeof(out)), CG_OK);
	expect_err(cg_totp_verify(&t, out, 1, CG_WINDOW_MAX, &matched),
	    CG_OK);
	expect_err(cg_totp_verify(&t, out, 1, CG_WINDOW_MAX + 1, &matched),
	    CG_E_RANGE);
	expect_err(cg_totp_verify(&t, NULL, 1, 1, &matched), CG_E_INVAL);
	expect_err(cg_totp_verify(&t, out, 1, 1, NULL), CG_E_INVAL);
}

static void test_totp_step(void **state)
{
	struct cg_totp t;

	(void)state;
	totp_init(&t, CG_ALG_SHA1, 6, 30);
	assert_int_equal(cg_totp_step(&t, -1), 0);
	assert_int_equal(cg_totp_step(&t, 0), 0);
	assert_int_equal(cg_totp_step(&t, 29), 0);
	assert_int_equal(cg_totp_step(&t, 30), 1);
	t.period = 60;
	assert_int_equal(cg_totp_step(&t, 119), 1);
	assert_int_equal(cg_totp_step(&t, 120), 2);
	t.period = 0;
	assert_int_equal(cg_totp_step(&t, 120), 0);
}

#define ADD_TABLE(table, fn) \
	for (size_t i_ = 0; i_ < CG_ARRAY_SIZE(table); i_++) \
		add_test(table[i_].name, fn, &table[i_])

int main(void)
{
	ADD_TABLE(hotp_vectors, test_hotp_vector);
	ADD_TABLE(totp_vectors, test_totp_vector);
	add_test("window: match at -1, 0, +1 reports the step",
	    test_window_match, NULL);
	add_test("window: no match outside", test_window_outside, NULL);
	add_test("window: no wrap at 0 and UINT64_MAX", test_window_edges,
	    NULL);
	add_test("window: collision reports the lowest step",
	    test_window_collision, NULL);
	add_test("code format: exactly `digits` ASCII digits",
	    test_code_format, NULL);
	add_test("work: by the answer's form, not the user's digits",
	    test_work_by_form_only, NULL);
	add_test("algorithm names", test_alg_names, NULL);
	add_test("digits and period", test_valid_params, NULL);
	add_test("hotp: argument checks", test_hotp_args, NULL);
	add_test("totp: struct checks", test_totp_struct_checks, NULL);
	add_test("totp: time step", test_totp_step, NULL);
	return _cmocka_run_group_tests("otp", tests, ntests, NULL, NULL);
}
