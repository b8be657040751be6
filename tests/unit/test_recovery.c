/* Recovery codes: format of generated codes, salted hashes, matching
 * with case/space/dash folding, single use, regeneration, and that the
 * clear code never reaches the state text. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include "hex.h"
#include "recovery.h"
#include "state.h"
#include "wipe.h"
#include "cg_macros.h"

/* Hashes computed (fast_hash's EVP_DigestInit_ex, wrapped at link time). */
int __real_EVP_DigestInit_ex(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
int __wrap_EVP_DigestInit_ex(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
static unsigned hashes;

int __wrap_EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *md, ENGINE *e)
{
	hashes++;
	return __real_EVP_DigestInit_ex(ctx, md, e);
}

static void base_state(struct cg_state *st)
{
	cg_state_init(st);
	memset(st->totp.secret, 0x42, 20);
	st->totp.secret_len = 20;
	strcpy(st->enrolled_by, "root");
}

static void assert_code_format(const char *c)
{
	assert_int_equal(strlen(c), 14);
	for (size_t i = 0; i < 14; i++) {
		if (i == 4 || i == 9)
			assert_int_equal(c[i], '-');
		else
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz234567",
					       c[i]));
	}
}

static void test_generate_format_and_distinct(void **unused)
{
	char codes[64][CG_RECOVERY_CODE_SIZE];

	for (size_t i = 0; i < 64; i++) {
		assert_int_equal(cg_recovery_generate(codes[i]), CG_OK);
		assert_code_format(codes[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(codes[i], codes[j]);
	}
	cg_wipe(codes, sizeof(codes));
}

static void test_hash_format(void **unused)
{
	char h1[CG_RECOVERY_HASH_SIZE], h2[CG_RECOVERY_HASH_SIZE];
	char want_prefix[64];
	unsigned iter = 0;
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];

	assert_int_equal(cg_recovery_hash("abcd-efgh-ijkl", h1), CG_OK);
	assert_int_equal(cg_recovery_hash("abcd-efgh-ijkl", h2), CG_OK);
	snprintf(want_prefix, sizeof(want_prefix), "sha256:");
	assert_memory_equal(h1, want_prefix, strlen(want_prefix));
	assert_int_equal(strlen(h1), strlen(want_prefix) + 32 + 1 + 64);
	/* Fresh salt each time: same code, different hashes. */
	assert_string_not_equal(h1, h2);
	assert_null(strstr(h1, "abcd"));
	assert_int_equal(cg_recovery_entry_parse(h1, &iter, salt, key), CG_OK);
	assert_int_equal(iter, 0);
}

/* Independent check of the hash: SHA-256(salt || normalised code),
 * recomputed with OpenSSL's one-shot EVP_Digest. */
static void test_hash_is_sha256_of_salt_and_code(void **unused)
{
	char h[CG_RECOVERY_HASH_SIZE];
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];
	uint8_t want[CG_RECOVERY_KEY_LEN], msg[CG_RECOVERY_SALT_LEN + 12];
	unsigned iter = 99, n = 0;

	assert_int_equal(cg_recovery_hash("ABCD EFGH-IJKL", h), CG_OK);
	assert_int_equal(cg_recovery_entry_parse(h, &iter, salt, key), CG_OK);
	assert_int_equal(iter, 0);
	memcpy(msg, salt, sizeof(salt));
	memcpy(msg + sizeof(salt), "abcdefghijkl", 12);
	assert_int_equal(EVP_Digest(msg, sizeof(msg), want, &n, EVP_sha256(),
				    NULL), 1);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(key, want, sizeof(want));
}

/* Codes handed out before (format-1 states: PBKDF2) still match. */
static void test_legacy_pbkdf2_entry_matches(void **unused)
{
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];
	char salthex[2 * CG_RECOVERY_SALT_LEN + 1];
	char keyhex[2 * CG_RECOVERY_KEY_LEN + 1];
	struct cg_state st;
	size_t idx = 99;

	memset(salt, 0x5a, sizeof(salt));
	assert_int_equal(PKCS5_PBKDF2_HMAC("abcdefghijkl", 12, salt,
					   sizeof(salt), 1000, EVP_sha256(),
					   sizeof(key), key), 1);
	cg_hex_encode(salt, sizeof(salt), salthex);
	cg_hex_encode(key, sizeof(key), keyhex);
	base_state(&st);
	assert_int_equal(cg_recovery_hash("zzzz-zzzz-zzzz", st.recovery[0]),
			 CG_OK);
	snprintf(st.recovery[1], sizeof(st.recovery[1]),
		 "pbkdf2-sha256:1000:%s:%s", salthex, keyhex);
	st.nrecovery = 2;
	assert_int_equal(cg_recovery_match(&st, "ABCD-EFGH-IJKL", &idx), CG_OK);
	assert_int_equal(idx, 1);
	assert_int_equal(cg_recovery_match(&st, "abcd-efgh-ijkm", &idx),
			 CG_E_INVAL);
	cg_state_wipe(&st);
}

static void test_hash_refuses_non_codes(void **unused)
{
	char h[CG_RECOVERY_HASH_SIZE];

	assert_int_equal(cg_recovery_hash("", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash(" - -", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash("abcd_efgh", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash("abcd\nefgh", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash(
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", h), CG_E_INVAL);
	/* Google Authenticator scratch codes are codes too; only 8 and
	 * 12 characters are a code's form. */
	assert_int_equal(cg_recovery_hash("12345678", h), CG_OK);
	assert_int_equal(cg_recovery_hash("123456", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash("1234567", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash("abcd-efgh-ijk", h), CG_E_INVAL);
	assert_int_equal(cg_recovery_hash("abcd-efgh-ijkl-m", h), CG_E_INVAL);
}

/* Hashes a match of `input` against st computes. */
static unsigned hashes_for(const struct cg_state *st, const char *input)
{
	size_t idx;

	hashes = 0;
	(void)cg_recovery_match(st, input, &idx);
	return hashes;
}

/* The work of a match depends on the form of the input alone: a code's
 * form (8 or 12 characters) costs CG_RECOVERY_MAX hashes whether the user
 * has no codes, one or all, and whether it matches; anything else (a
 * 6-digit TOTP code) costs none. */
static void test_match_work_by_form_only(void **unused)
{
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	const size_t counts[] = { 0, 1, CG_RECOVERY_MAX };
	struct cg_state st;

	for (size_t c = 0; c < CG_ARRAY_SIZE(counts); c++) {
		base_state(&st);
		if (counts[c] > 0)
			assert_int_equal(cg_recovery_regenerate(&st, counts[c],
								codes), CG_OK);
		assert_int_equal(hashes_for(&st, "abcd-efgh-ijkm"),
				 CG_RECOVERY_MAX);
		assert_int_equal(hashes_for(&st, "12345678"), CG_RECOVERY_MAX);
		if (counts[c] > 0)
			assert_int_equal(hashes_for(&st, codes[0]),
					 CG_RECOVERY_MAX);
		assert_int_equal(hashes_for(&st, "123456"), 0);
		assert_int_equal(hashes_for(&st, "12 34 56"), 0);
		assert_int_equal(hashes_for(&st, ""), 0);
		cg_state_wipe(&st);
	}
}

static void test_match_variants(void **unused)
{
	static const char *const variants[] = {
		"abcd-efgh-ijkl", "ABCD-EFGH-IJKL", "abcd efgh ijkl",
		"abcdefghijkl", " AbCd-eFgH ijKL ", "a-b-c-d-e-f-g-h-i-j-k-l",
	};
	struct cg_state st;
	size_t idx = 99;

	base_state(&st);
	assert_int_equal(cg_recovery_hash("zzzz-zzzz-zzzz", st.recovery[0]),
			 CG_OK);
	assert_int_equal(cg_recovery_hash("abcd-efgh-ijkl", st.recovery[1]),
			 CG_OK);
	assert_int_equal(cg_recovery_hash("2345-6723-4567", st.recovery[2]),
			 CG_OK);
	st.nrecovery = 3;
	for (size_t i = 0; i < CG_ARRAY_SIZE(variants); i++) {
		idx = 99;
		assert_int_equal(cg_recovery_match(&st, variants[i], &idx),
				 CG_OK);
		assert_int_equal(idx, 1);
	}
	assert_int_equal(cg_recovery_match(&st, "2345 6723 4567", &idx), CG_OK);
	assert_int_equal(idx, 2);
	cg_state_wipe(&st);
}

static void test_match_wrong_code(void **unused)
{
	struct cg_state st;
	size_t idx = 99;

	base_state(&st);
	assert_int_equal(cg_recovery_hash("abcd-efgh-ijkl", st.recovery[0]),
			 CG_OK);
	st.nrecovery = 1;
	assert_int_equal(cg_recovery_match(&st, "abcd-efgh-ijkm", &idx),
			 CG_E_INVAL);
	assert_int_equal(cg_recovery_match(&st, "abcd-efgh-ijk", &idx),
			 CG_E_INVAL);
	assert_int_equal(cg_recovery_match(&st, "abcd-efgh-ijkll", &idx),
			 CG_E_INVAL);
	assert_int_equal(cg_recovery_match(&st, "123456", &idx), CG_E_INVAL);
	assert_int_equal(cg_recovery_match(&st, "", &idx), CG_E_INVAL);
	assert_int_equal(idx, 99);
	/* No codes at all: nothing matches. */
	st.nrecovery = 0;
	assert_int_equal(cg_recovery_match(&st, "abcd-efgh-ijkl", &idx),
			 CG_E_INVAL);
	cg_state_wipe(&st);
}

/* The same code hashed twice (two salts): the first entry is reported. */
static void test_match_duplicate_reports_first(void **unused)
{
	struct cg_state st;
	size_t idx = 99;

	base_state(&st);
	assert_int_equal(cg_recovery_hash("aaaa-bbbb-cccc", st.recovery[0]),
			 CG_OK);
	assert_int_equal(cg_recovery_hash("dddd-eeee-ffff", st.recovery[1]),
			 CG_OK);
	assert_int_equal(cg_recovery_hash("dddd-eeee-ffff", st.recovery[2]),
			 CG_OK);
	st.nrecovery = 3;
	assert_int_equal(cg_recovery_match(&st, "ddddeeeeffff", &idx), CG_OK);
	assert_int_equal(idx, 1);
	cg_state_wipe(&st);
}

static void test_code_not_in_state_text(void **unused)
{
	char codes[CG_RECOVERY_DEFAULT_COUNT][CG_RECOVERY_CODE_SIZE];
	struct cg_state st, back;
	char *text = NULL;
	size_t idx;

	base_state(&st);
	assert_int_equal(cg_recovery_regenerate(&st, CG_RECOVERY_DEFAULT_COUNT,
						codes), CG_OK);
	assert_int_equal(cg_state_format(&st, &text), CG_OK);
	for (size_t i = 0; i < CG_RECOVERY_DEFAULT_COUNT; i++) {
		char bare[CG_RECOVERY_CODE_SIZE], upper[CG_RECOVERY_CODE_SIZE];
		size_t n = 0;

		for (const char *p = codes[i]; *p; p++)
			if (*p != '-')
				bare[n++] = *p;
		bare[n] = '\0';
		for (n = 0; codes[i][n]; n++)
			upper[n] = (char)toupper((unsigned char)codes[i][n]);
		upper[n] = '\0';
		assert_null(strstr(text, codes[i]));
		assert_null(strstr(text, bare));
		assert_null(strstr(text, upper));
	}
	/* And the hashes survive a round trip and still match. */
	assert_int_equal(cg_state_parse(text, strlen(text), &back, NULL), CG_OK);
	assert_int_equal(back.nrecovery, CG_RECOVERY_DEFAULT_COUNT);
	assert_int_equal(cg_recovery_match(&back, codes[7], &idx), CG_OK);
	assert_int_equal(idx, 7);
	cg_free_string(text);
	cg_state_wipe(&st);
	cg_state_wipe(&back);
	cg_wipe(codes, sizeof(codes));
}

static void test_consume_removes_only_that(void **unused)
{
	char codes[5][CG_RECOVERY_CODE_SIZE];
	char before[5][CG_RECOVERY_HASH_SIZE];
	struct cg_state st;
	size_t idx;

	base_state(&st);
	assert_int_equal(cg_recovery_regenerate(&st, 5, codes), CG_OK);
	memcpy(before, st.recovery, sizeof(before));
	assert_int_equal(cg_recovery_match(&st, codes[2], &idx), CG_OK);
	assert_int_equal(idx, 2);
	cg_recovery_consume(&st, idx);
	assert_int_equal(st.nrecovery, 4);
	assert_string_equal(st.recovery[0], before[0]);
	assert_string_equal(st.recovery[1], before[1]);
	assert_string_equal(st.recovery[2], before[3]);
	assert_string_equal(st.recovery[3], before[4]);
	assert_int_equal(st.recovery[4][0], '\0');
	/* Used once: gone.  The others still work. */
	assert_int_equal(cg_recovery_match(&st, codes[2], &idx), CG_E_INVAL);
	assert_int_equal(cg_recovery_match(&st, codes[4], &idx), CG_OK);
	assert_int_equal(idx, 3);
	cg_recovery_consume(&st, 3);
	assert_int_equal(st.nrecovery, 3);
	cg_recovery_consume(&st, 3);            /* out of range: ignored */
	assert_int_equal(st.nrecovery, 3);
	cg_recovery_consume(&st, 0);
	assert_int_equal(st.nrecovery, 2);
	assert_string_equal(st.recovery[0], before[1]);
	assert_string_equal(st.recovery[1], before[3]);
	cg_state_wipe(&st);
	cg_wipe(codes, sizeof(codes));
}

static void test_regenerate_replaces_all(void **unused)
{
	char old[4][CG_RECOVERY_CODE_SIZE], fresh[6][CG_RECOVERY_CODE_SIZE];
	char too_many[CG_RECOVERY_MAX + 1][CG_RECOVERY_CODE_SIZE];
	struct cg_state st;
	size_t idx;

	base_state(&st);
	assert_int_equal(cg_recovery_regenerate(&st, 4, old), CG_OK);
	assert_int_equal(st.nrecovery, 4);
	assert_int_equal(cg_recovery_regenerate(&st, 6, fresh), CG_OK);
	assert_int_equal(st.nrecovery, 6);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(cg_recovery_match(&st, old[i], &idx),
				 CG_E_INVAL);
	for (size_t i = 0; i < 6; i++) {
		assert_code_format(fresh[i]);
		assert_int_equal(cg_recovery_match(&st, fresh[i], &idx), CG_OK);
		assert_int_equal(idx, i);
	}
	assert_int_equal(cg_recovery_regenerate(&st, CG_RECOVERY_MAX + 1,
						too_many), CG_E_RANGE);
	assert_int_equal(st.nrecovery, 6);       /* unchanged */
	assert_int_equal(cg_recovery_regenerate(&st, 0, fresh), CG_OK);
	assert_int_equal(st.nrecovery, 0);
	assert_int_equal(st.recovery[0][0], '\0');
	cg_state_wipe(&st);
	cg_wipe(old, sizeof(old));
	cg_wipe(fresh, sizeof(fresh));
}

static void test_entry_parse(void **unused)
{
	static const char good[] = "pbkdf2-sha256:1000:"
		"00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	static const char *const bad[] = {
		"",
		"pbkdf2-sha256:",
		"pbkdf2-sha256:0999:00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256:99999999999:00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256:1000:00112233445566778899aabbccddeef:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"pbkdf2-sha256:1000:00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0",
		"pbkdf2-sha256:1000:00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
		"pbkdf2-sha256:+1000:00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};
	unsigned iter = 0;
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];

	assert_int_equal(cg_recovery_entry_parse(good, &iter, salt, key), CG_OK);
	assert_int_equal(iter, 1000);
	assert_int_equal(salt[0], 0x00);
	assert_int_equal(salt[15], 0xff);
	assert_int_equal(key[31], 0x1f);
	assert_int_equal(cg_recovery_entry_parse(good, NULL, NULL, NULL), CG_OK);
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad); i++)
		assert_int_equal(cg_recovery_entry_parse(bad[i], NULL, NULL,
							 NULL), CG_E_PARSE);
	assert_int_equal(cg_recovery_entry_parse("sha256:"
		"00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		&iter, salt, key), CG_OK);
	assert_int_equal(iter, 0);
	assert_int_equal(key[31], 0x1f);
	assert_int_equal(cg_recovery_entry_parse("sha256:"
		"00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1F",
		NULL, NULL, NULL), CG_E_PARSE);
	assert_int_equal(cg_recovery_entry_parse("sha256:1000:"
		"00112233445566778899aabbccddeeff:"
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		NULL, NULL, NULL), CG_E_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_format_and_distinct),
		cmocka_unit_test(test_hash_format),
		cmocka_unit_test(test_hash_is_sha256_of_salt_and_code),
		cmocka_unit_test(test_legacy_pbkdf2_entry_matches),
		cmocka_unit_test(test_hash_refuses_non_codes),
		cmocka_unit_test(test_match_variants),
		cmocka_unit_test(test_match_wrong_code),
		cmocka_unit_test(test_match_work_by_form_only),
		cmocka_unit_test(test_match_duplicate_reports_first),
		cmocka_unit_test(test_code_not_in_state_text),
		cmocka_unit_test(test_consume_removes_only_that),
		cmocka_unit_test(test_regenerate_replaces_all),
		cmocka_unit_test(test_entry_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
