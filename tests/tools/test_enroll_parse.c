/* The import parsers of credgate-enroll (tools/enroll_ga.c, enroll_oath.c):
 * what a ~/.google_authenticator file and a pam_oath usersfile line yield,
 * and every refusal with the line it names.  Table rows become
 * individual TAP lines. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "enroll.h"

#define MAX_TESTS 64
#include "table_test.h"
#include "cg_macros.h"

/* RFC 6238's SHA1 test secret "12345678901234567890". */
#define B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define HEX "3132333435363738393031323334353637383930"

/* ---- google-authenticator ------------------------------------------------ */

struct ga_ok {
	const char *name, *text;
	unsigned period;
	int64_t last_step;
	size_t nscratch;
	unsigned window, rate_n, rate_s, ignored;
	bool reuse, skew;
};

static struct ga_ok ga_good[] = {
	{ "ga: secret and TOTP_AUTH only", B32 "\n\" TOTP_AUTH\n",
	  30, -1, 0, 0, 0, 0, 0, false, false },
	{ "ga: as google-authenticator writes it",
	  B32 "\n\" RATE_LIMIT 3 30 1800000005\n\" WINDOW_SIZE 3\n"
	  "\" DISALLOW_REUSE 60000000\n\" TOTP_AUTH\n26933322\n43047716\n",
	  30, 60000000, 2, 3, 3, 30, 0, true, false },
	{ "ga: CRLF line ends, no final newline",
	  B32 "\r\n\" TOTP_AUTH\r\n12345678",
	  30, -1, 1, 0, 0, 0, 0, false, false },
	{ "ga: newest DISALLOW_REUSE step is kept",
	  B32 "\n\" DISALLOW_REUSE 57 99 58\n\" TOTP_AUTH\n",
	  30, 99, 0, 0, 0, 0, 0, true, false },
	{ "ga: STEP_SIZE 60", B32 "\n\" STEP_SIZE 60\n\" TOTP_AUTH\n",
	  60, -1, 0, 0, 0, 0, 0, false, false },
	{ "ga: unknown options are counted, skew noted",
	  B32 "\n\" FUTURE_THING 1\n\" TIME_SKEW -2\n\" RESETTING_TIME_SKEW 1+2\n"
	  "\" TOTP_AUTH\n\n",
	  30, -1, 0, 0, 0, 0, 1, false, true },
};

static void test_ga_good(void **state)
{
	const struct ga_ok *t = *state;
	struct enroll_import imp;
	struct enroll_ga_info info;
	unsigned line = 99;
	char why[256] = "";

	assert_int_equal(enroll_ga_parse(t->text, strlen(t->text), &imp, &info,
					 &line, why, sizeof(why)), CG_OK);
	assert_int_equal(imp.totp.secret_len, 20);
	assert_memory_equal(imp.totp.secret, "12345678901234567890", 20);
	assert_int_equal(imp.totp.alg, CG_ALG_SHA1);
	assert_int_equal(imp.totp.digits, 6);
	assert_int_equal(imp.totp.period, t->period);
	assert_int_equal(imp.last_step, t->last_step);
	assert_int_equal(imp.nscratch, t->nscratch);
	assert_int_equal(info.window_size, t->window);
	assert_int_equal(info.rate_attempts, t->rate_n);
	assert_int_equal(info.rate_seconds, t->rate_s);
	assert_int_equal(info.ignored, t->ignored);
	assert_int_equal(info.disallow_reuse, t->reuse);
	assert_int_equal(info.time_skew, t->skew);
	if (t->nscratch == 2)
		assert_string_equal(imp.scratch[1], "43047716");
}

struct ga_bad {
	const char *name, *text;
	unsigned line;
	const char *why;
};

static struct ga_bad ga_refused[] = {
	{ "ga: HOTP file", B32 "\n\" HOTP_COUNTER 1\n12345678\n", 0, "HOTP" },
	{ "ga: no TOTP_AUTH", B32 "\n\" WINDOW_SIZE 3\n", 0, "TOTP_AUTH" },
	{ "ga: STEP_SIZE 45", B32 "\n\" TOTP_AUTH\n\" STEP_SIZE 45\n", 3,
	  "30 or 60" },
	{ "ga: STEP_SIZE 0", B32 "\n\" STEP_SIZE 0\n", 2, "1-60" },
	{ "ga: WINDOW_SIZE 0", B32 "\n\" WINDOW_SIZE 0\n", 2, "1-100" },
	{ "ga: WINDOW_SIZE with junk", B32 "\n\" WINDOW_SIZE 3x\n", 2, "1-100" },
	{ "ga: RATE_LIMIT without seconds", B32 "\n\" RATE_LIMIT 3\n", 2,
	  "RATE_LIMIT" },
	{ "ga: DISALLOW_REUSE junk", B32 "\n\" DISALLOW_REUSE 5 x\n", 2,
	  "DISALLOW_REUSE" },
	{ "ga: scratch code with a leading 0", B32 "\n\" TOTP_AUTH\n01234567\n",
	  3, "scratch" },
	{ "ga: 7-digit scratch code", B32 "\n\" TOTP_AUTH\n1234567\n", 3,
	  "scratch" },
	{ "ga: a stray line", B32 "\n\" TOTP_AUTH\nhello\n", 3, "scratch" },
	{ "ga: not base32", "hello world!\n\" TOTP_AUTH\n", 1, "base32" },
	{ "ga: secret below 80 bits", "GEZDGNBV\n\" TOTP_AUTH\n", 1, "80 bits" },
	{ "ga: empty file", "", 0, "empty" },
	{ "ga: option without a key", B32 "\n\" \n", 2, "option" },
};

static void test_ga_refused(void **state)
{
	const struct ga_bad *t = *state;
	struct enroll_import imp;
	struct enroll_ga_info info;
	unsigned line = 99;
	char why[256] = "";

	assert_int_equal(enroll_ga_parse(t->text, strlen(t->text), &imp, &info,
					 &line, why, sizeof(why)), CG_E_PARSE);
	assert_int_equal(line, t->line);
	assert_non_null(strstr(why, t->why));
	assert_int_equal(imp.totp.secret_len, 0);   /* wiped */
}

static void test_ga_nul(void **state)
{
	static const char text[] = B32 "\n\0\" TOTP_AUTH\n";
	struct enroll_import imp;
	struct enroll_ga_info info;
	unsigned line;
	char why[256];

	(void)state;
	assert_int_equal(enroll_ga_parse(text, sizeof(text) - 1, &imp, &info,
					 &line, why, sizeof(why)), CG_E_PARSE);
	assert_non_null(strstr(why, "NUL"));
}

static void test_ga_too_many_scratch(void **state)
{
	char text[1024];
	struct enroll_import imp;
	struct enroll_ga_info info;
	unsigned line;
	char why[256];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s", B32 "\n\" TOTP_AUTH\n");

	(void)state;
	for (int i = 0; i < CG_RECOVERY_MAX + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%d\n",
				      10000000 + i);
	assert_int_equal(enroll_ga_parse(text, n, &imp, &info, &line, why,
					 sizeof(why)), CG_E_PARSE);
	assert_int_equal(line, 3 + CG_RECOVERY_MAX);
}

/* ---- pam_oath usersfile ------------------------------------------------- */

static const char usersfile[] =
	"# users\n"
	"HOTP/T30/6 alice - " HEX "\n"
	"HOTP/T60/8\tbob\t+\t" HEX "\t0\n"
	"HOTP carol - " HEX "\n"
	"HOTP/T30 dave - " HEX "\n"
	"HOTP/T30 dave - " HEX "\n"
	"HOTP/T30/7 erin - " HEX "\n"
	"HOTP/T30 frank - 31323g\n"
	"TOTP/T30 gina - " HEX "\n"
	"HOTP/T30\n";

static void test_oath_user(void **state)
{
	struct enroll_import imp;
	unsigned notes = 0, line = 0;
	char why[256];

	(void)state;
	assert_int_equal(enroll_oath_parse(usersfile, strlen(usersfile), "alice",
					   &imp, &notes, &line, why,
					   sizeof(why)), CG_OK);
	assert_int_equal(line, 2);
	assert_int_equal(imp.totp.secret_len, 20);
	assert_memory_equal(imp.totp.secret, "12345678901234567890", 20);
	assert_int_equal(imp.totp.period, 30);
	assert_int_equal(imp.totp.digits, 6);
	assert_int_equal(imp.last_step, -1);
	assert_int_equal(notes, 0);
	assert_int_equal(enroll_oath_parse(usersfile, strlen(usersfile), "bob",
					   &imp, &notes, &line, why,
					   sizeof(why)), CG_OK);
	assert_int_equal(imp.totp.period, 60);
	assert_int_equal(imp.totp.digits, 8);
	assert_int_equal(notes, ENROLL_OATH_PASSWORD);
}

struct oath_bad {
	const char *name, *user;
	cg_err err;
	unsigned line;
	const char *why;
};

static struct oath_bad oath_refused[] = {
	{ "oath: event-based HOTP", "carol", CG_E_PARSE, 4, "event-based" },
	{ "oath: two lines for a user", "dave", CG_E_PARSE, 6, "second line" },
	{ "oath: 7 digits", "erin", CG_E_PARSE, 7, "7-digit" },
	{ "oath: bad hex", "frank", CG_E_PARSE, 8, "hex secret" },
	{ "oath: unknown type is skipped as liboath does", "gina", CG_E_NOENT,
	  0, NULL },
	{ "oath: no line for the user", "nobody", CG_E_NOENT, 0, NULL },
};

static void test_oath_refused(void **state)
{
	const struct oath_bad *t = *state;
	struct enroll_import imp;
	unsigned notes, line = 99;
	char why[256] = "";

	assert_int_equal(enroll_oath_parse(usersfile, strlen(usersfile), t->user,
					   &imp, &notes, &line, why,
					   sizeof(why)), t->err);
	assert_int_equal(line, t->line);
	if (t->why != NULL)
		assert_non_null(strstr(why, t->why));
	assert_int_equal(imp.totp.secret_len, 0);
}

/* liboath's last OTP and time: the step whose code it was is kept. */
static void test_oath_last_use(void **state)
{
	const time_t at = 1800000015;     /* 2027-01-15T08:00:15 UTC */
	struct enroll_import imp;
	struct cg_totp t;
	unsigned notes, line;
	char why[256], code[16], text[512];

	(void)state;
	memset(&t, 0, sizeof(t));
	memcpy(t.secret, "12345678901234567890", 20);
	t.secret_len = 20;
	t.digits = 6;
	t.period = 30;
	/* The code of the step before the recorded time (clock skew). */
	assert_int_equal(cg_totp_code(&t, at / 30 - 1, code, sizeof(code)), CG_OK);
	snprintf(text, sizeof(text), "HOTP/T30 alice - %s 0 %s "
		 "2027-01-15T08:00:15L\n", HEX, code);
	assert_int_equal(enroll_oath_parse(text, strlen(text), "alice", &imp,
					   &notes, &line, why, sizeof(why)),
			 CG_OK);
	assert_int_equal(notes, ENROLL_OATH_LAST_OTP);
	assert_int_equal(imp.last_step, at / 30 - 1);
	/* A code that matches no step near the time: the time's step. */
	snprintf(text, sizeof(text), "HOTP/T30 alice - %s 0 000000 "
		 "2027-01-15T08:00:15L\n", HEX);
	assert_int_equal(enroll_oath_parse(text, strlen(text), "alice", &imp,
					   &notes, &line, why, sizeof(why)),
			 CG_OK);
	assert_int_equal(notes, ENROLL_OATH_LAST_TIME);
	assert_int_equal(imp.last_step, at / 30);
	/* A time liboath would not write: nothing is mapped. */
	snprintf(text, sizeof(text), "HOTP/T30 alice - %s 0 000000 "
		 "yesterday\n", HEX);
	assert_int_equal(enroll_oath_parse(text, strlen(text), "alice", &imp,
					   &notes, &line, why, sizeof(why)),
			 CG_OK);
	assert_int_equal(notes, 0);
	assert_int_equal(imp.last_step, -1);
}

#define ADD_TABLE(table, fn) \
	for (size_t i_ = 0; i_ < CG_ARRAY_SIZE(table); i_++) \
		add_test(table[i_].name, fn, &table[i_])

int main(void)
{
	/* liboath writes local time; make local time UTC for the test. */
	setenv("TZ", "UTC", 1);
	tzset();
	ADD_TABLE(ga_good, test_ga_good);
	ADD_TABLE(ga_refused, test_ga_refused);
	add_test("ga: NUL byte", test_ga_nul, NULL);
	add_test("ga: more than 20 scratch codes", test_ga_too_many_scratch,
		 NULL);
	add_test("oath: the user's line", test_oath_user, NULL);
	ADD_TABLE(oath_refused, test_oath_refused);
	add_test("oath: last code used and its time", test_oath_last_use, NULL);
	return _cmocka_run_group_tests("enroll-parse", tests, ntests, NULL,
				       NULL);
}
