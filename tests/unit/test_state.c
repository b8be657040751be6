/* The state's text form: strict parser, round trip, name rules.  The
 * store itself: test_store.c. */
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
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "state.h"
#include "state_fixture.h"
#include "wipe.h"
#include "cg_macros.h"


/* ---- text format ---------------------------------------------------- */

static void test_format_parse_round_trip(void **unused)
{
	struct cg_state st, back;
	char *text = NULL;
	unsigned bad = 99;

	fill_state(&st);
	assert_int_equal(cg_state_format(&st, &text), CG_OK);
	assert_string_equal(text,
		"credgate-state 1\nsecret " SECRET_B32 "\nalgorithm sha256\n"
		"digits 8\nperiod 60\nlast_step 56666666\nfailures 3\n"
		"last_failure 1700000100\nlocked_until 1700000900\n"
		"enrolled_at 1700000000\nenrolled_by admin@EXAMPLE\n"
		"recovery " HASH1 "\nrecovery " HASH2 "\n");
	assert_int_equal(cg_state_parse(text, strlen(text), &back, &bad), CG_OK);
	assert_int_equal(bad, 0);
	assert_states_equal(&st, &back);
	cg_free_string(text);
	cg_state_wipe(&back);
}

/* A file written before grace moved to lib/grace.c: its grace lines are
 * read (and checked), then dropped; the rest is intact and the file
 * formats back without them. */
static void test_parse_legacy_grace_ignored(void **unused)
{
	static const char old[] =
		"credgate-state 1\nsecret " SECRET_B32 "\nalgorithm sha256\n"
		"digits 8\nperiod 60\nlast_step 56666666\nfailures 3\n"
		"grace pts/3 1700000500\n"
		"last_failure 1700000100\nlocked_until 1700000900\n"
		"enrolled_at 1700000000\nenrolled_by admin@EXAMPLE\n"
		"recovery " HASH1 "\nrecovery " HASH2 "\n"
		"grace ssh:notty 0\n";
	struct cg_state st, back;
	char *text = NULL;
	unsigned bad = 99;

	fill_state(&st);
	assert_int_equal(cg_state_parse(old, strlen(old), &back, &bad), CG_OK);
	assert_int_equal(bad, 0);
	assert_states_equal(&st, &back);
	assert_int_equal(cg_state_format(&back, &text), CG_OK);
	assert_null(strstr(text, "grace"));
	cg_free_string(text);
	cg_state_wipe(&back);
	cg_state_wipe(&st);
}

static void test_parse_valid_and_reformat(void **unused)
{
	static const char text[] = VALID;
	struct cg_state st;
	char *again = NULL;

	assert_int_equal(cg_state_parse(text, strlen(text), &st, NULL), CG_OK);
	assert_int_equal(st.totp.secret_len, 20);
	assert_int_equal(st.totp.secret[19], 19);
	assert_true(st.last_step == -1);
	assert_string_equal(st.enrolled_by, "root");
	assert_int_equal(st.nrecovery, 0);
	assert_int_equal(cg_state_format(&st, &again), CG_OK);
	assert_string_equal(again, text);
	cg_free_string(again);
	cg_state_wipe(&st);
}

static void test_parse_keys_any_order_and_limits(void **unused)
{
	static const char ok[] = L_HDR L_BY L_AT
		"last_step 9223372036854775807\nfailures 4294967295\n"
		L_LOCKED L_LASTF L_PERIOD L_DIGITS L_ALG
		"secret JBSWY3DPEHPK3PXP\n";
	struct cg_state st;
	unsigned bad = 99;

	assert_int_equal(cg_state_parse(ok, strlen(ok), &st, &bad), CG_OK);
	assert_int_equal(bad, 0);
	assert_true(st.last_step == INT64_MAX);
	assert_int_equal(st.failures, 4294967295u);
	assert_int_equal(st.totp.secret_len, 10);     /* 80 bits: minimum */
	cg_state_wipe(&st);
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	unsigned line;
};

static const struct bad_case bad_cases[] = {
	{ "empty file", "", 0, 1 },
	{ "missing version", L_SECRET L_AFTER_SECRET, 0, 1 },
	{ "version 2", "credgate-state 2\n" L_SECRET L_AFTER_SECRET, 0, 1 },
	{ "version trailing space", "credgate-state 1 \n" L_SECRET
	  L_AFTER_SECRET, 0, 1 },
	{ "unknown key", VALID "colour blue\n", 0, 12 },
	{ "duplicate key", VALID "digits 6\n", 0, 12 },
	{ "duplicate secret", L_HDR L_SECRET L_SECRET L_AFTER_SECRET, 0, 3 },
	{ "missing key", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT, 0, 11 },
	{ "only version", L_HDR, 0, 2 },
	{ "secret bad char", L_HDR "secret AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ1\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret lower case", L_HDR "secret aaaqeayeaudaocajbifqydiob4ibceqt\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret padded", L_HDR "secret JBSWY3DP\x3d\x3d\x3d\n" L_AFTER_SECRET,
	  0, 2 },
	{ "secret too short", L_HDR "secret JBSWY3DP\n" L_AFTER_SECRET, 0, 2 },
	{ "secret bad length", L_HDR "secret JBSWY3DPE\n" L_AFTER_SECRET, 0, 2 },
	{ "secret trailing bits", L_HDR "secret AEBAGBAFAYDQQCIKBN\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret with space", L_HDR "secret JBSWY3DP EHPK3PXP\n" L_AFTER_SECRET,
	  0, 2 },
	{ "algorithm upper case", L_HDR L_SECRET "algorithm SHA1\n" L_DIGITS
	  L_PERIOD L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "algorithm md5", L_HDR L_SECRET "algorithm md5\n" L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "digits 7", L_HDR L_SECRET L_ALG "digits 7\n" L_PERIOD L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "digits leading zero", L_HDR L_SECRET L_ALG "digits 06\n" L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "digits plus sign", L_HDR L_SECRET L_ALG "digits +6\n" L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "period 45", L_HDR L_SECRET L_ALG L_DIGITS "period 45\n" L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT L_BY, 0, 5 },
	{ "last_step -2", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  "last_step -2\n" L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 6 },
	{ "last_step -0", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  "last_step -0\n" L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 6 },
	{ "negative failures", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  "failures -1\n" L_LASTF L_LOCKED L_AT L_BY, 0, 7 },
	{ "failures overflow", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  "failures 4294967296\n" L_LASTF L_LOCKED L_AT L_BY, 0, 7 },
	{ "int64 overflow", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  "last_failure 9223372036854775808\n" L_LOCKED L_AT L_BY, 0, 8 },
	{ "huge number", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  L_LASTF "locked_until 99999999999999999999999999\n" L_AT L_BY, 0, 9 },
	{ "number with garbage", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED "enrolled_at 17e8\n" L_BY, 0, 10 },
	{ "enrolled_by path", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT "enrolled_by ../x\n", 0, 11 },
	{ "no trailing newline", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT "enrolled_by root", 0, 11 },
	{ "CR line ending", L_HDR L_SECRET L_ALG "digits 6\r\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "tab separator", L_HDR L_SECRET L_ALG "digits\t6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "two spaces", L_HDR L_SECRET L_ALG "digits  6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "trailing space", L_HDR L_SECRET L_ALG "digits 6 \n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "empty value", L_HDR L_SECRET L_ALG "digits \n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "no separator", L_HDR L_SECRET L_ALG "digits6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "blank line", L_HDR L_SECRET "\n" L_AFTER_SECRET, 0, 3 },
	{ "DEL", L_HDR L_SECRET L_ALG "digits 6\x7f\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "control first", L_HDR L_SECRET L_ALG "\x1f" "digits 6\n" L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "control deep in a line", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT
	  "enrolled_by rootrootrootroot\x01rootrootroot\n", 0, 11 },
	{ "DEL deep in a line", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT
	  "enrolled_by rootrootrootrootr\x7f\n", 0, 11 },
	{ "leading space", L_HDR L_SECRET " algorithm sha1\n" L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "embedded NUL", L_HDR L_SECRET L_ALG "digits 6\0\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY,
	  sizeof(L_HDR L_SECRET L_ALG "digits 6\0\n" L_PERIOD L_LAST L_FAIL
		 L_LASTF L_LOCKED L_AT L_BY) - 1, 4 },
	{ "recovery short hex", VALID "recovery pbkdf2-sha256:20000:abc:def\n",
	  0, 12 },
	{ "recovery upper-case hex", VALID "recovery pbkdf2-sha256:20000:"
	  "00112233445566778899AABBCCDDEEFF:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery iterations 999", VALID "recovery pbkdf2-sha256:999:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery iterations too many", VALID "recovery pbkdf2-sha256:10000001:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery other kdf", VALID "recovery pbkdf2-sha1:20000:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery trailing garbage", VALID "recovery " HASH1 ":x\n", 0, 12 },
	{ "recovery clear text", VALID "recovery abcd-efgh-ijkl\n", 0, 12 },
	{ "grace bad tty", VALID "grace pts/0;rm 1700000000\n", 0, 12 },
	{ "grace no time", VALID "grace pts/0\n", 0, 12 },
	{ "grace negative time", VALID "grace pts/0 -5\n", 0, 12 },
	{ "grace extra field", VALID "grace pts/0 5 6\n", 0, 12 },
	{ "grace after bad", VALID "grace pts/1 5\nrecovery x\n", 0, 13 },
};

static void test_parse_rejects_malformed(void **unused)
{
	struct cg_state st;

	for (size_t i = 0; i < CG_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		unsigned bad = 0;
		cg_err r;

		memset(&st, 0x5a, sizeof(st));
		r = cg_state_parse(c->text, len, &st, &bad);
		if (r != CG_E_PARSE || bad != c->line)
			fail_msg("case \"%s\": got %d at line %u, want line %u",
				 c->name, (int)r, bad, c->line);
		/* Nothing half-parsed is left behind. */
		assert_int_equal(st.totp.secret_len, 0);
		assert_int_equal(st.totp.secret[0], 0);
	}
	assert_true(CG_ARRAY_SIZE(bad_cases) >= 20);
}

/* VALID followed by n copies of line; the first refused copy is max+1. */
static void check_repeat_limit(const char *line, size_t max)
{
	char text[8192];
	struct cg_state st;
	unsigned bad;
	size_t i;

	strcpy(text, VALID);
	for (i = 0; i < max; i++)
		strcat(text, line);
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad), CG_OK);
	strcat(text, line);
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad),
			 CG_E_PARSE);
	assert_int_equal(bad, 11 + max + 1);
}

static void test_parse_repeat_limits(void **unused)
{
	check_repeat_limit("recovery " HASH1 "\n", CG_RECOVERY_MAX);
	check_repeat_limit("grace pts/0 1700000000\n", 8);   /* legacy */
}

static void test_parse_overlong_line(void **unused)
{
	char text[4096];
	struct cg_state st;
	unsigned bad;

	strcpy(text, VALID "enrolled_by ");
	memset(text + strlen(text), 'a', 2000);
	strcpy(text + strlen(VALID "enrolled_by ") + 2000, "\n");
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad),
			 CG_E_PARSE);
	assert_int_equal(bad, 12);
}

static void test_format_refuses_invalid(void **unused)
{
	struct cg_state st;
	char *text = (char *)"unchanged";

	fill_state(&st);
	st.totp.digits = 7;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	assert_null(text);
	fill_state(&st);
	st.enrolled_by[0] = '\0';
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.totp.secret_len = 9;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	strcpy(st.recovery[1], "abcd-efgh-ijkl");   /* never a clear code */
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.last_step = -2;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.nrecovery = CG_RECOVERY_MAX + 1;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	cg_state_wipe(&st);
}

static void test_name_validation(void **unused)
{
	char longest[CG_USER_NAME_LEN + 2];

	assert_true(cg_user_name_valid("alice"));
	assert_true(cg_user_name_valid("a.b-c_d@EXAMPLE.COM"));
	assert_true(cg_user_name_valid("DOMAIN\\user"));
	assert_false(cg_user_name_valid(""));
	assert_false(cg_user_name_valid(".hidden"));
	assert_false(cg_user_name_valid("-x"));
	assert_false(cg_user_name_valid("a/b"));
	assert_false(cg_user_name_valid("../x"));
	assert_false(cg_user_name_valid("a b"));
	assert_false(cg_user_name_valid("a\nb"));
	assert_false(cg_user_name_valid(NULL));
	memset(longest, 'u', sizeof(longest));
	longest[CG_USER_NAME_LEN] = '\0';
	assert_true(cg_user_name_valid(longest));
	longest[CG_USER_NAME_LEN] = 'u';
	longest[CG_USER_NAME_LEN + 1] = '\0';
	assert_false(cg_user_name_valid(longest));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_parse_legacy_grace_ignored),
		cmocka_unit_test(test_parse_valid_and_reformat),
		cmocka_unit_test(test_parse_keys_any_order_and_limits),
		cmocka_unit_test(test_parse_rejects_malformed),
		cmocka_unit_test(test_parse_repeat_limits),
		cmocka_unit_test(test_parse_overlong_line),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_name_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
