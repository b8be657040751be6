/* Reading audit lines back (lib/audit_parse.c): whatever cg_audit_format
 * writes reads back to the same values (the writer is the oracle, fed
 * random bytes), and lines it never writes -- forged, hand-edited or with
 * injected fields -- are refused with a reason. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "audit_parse.h"
#include "table_test.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A random value: sometimes plain, sometimes any byte but NUL, sometimes
 * longer than the writer keeps. */
static void random_value(char *v, size_t sz)
{
	static const char plain[] = "abcXYZ019._:/@%+,-";
	size_t len = 1 + rnd(rnd(4) == 0 ? (unsigned)sz - 1 : 40);
	bool any = rnd(2) == 0;

	for (size_t i = 0; i < len; i++)
		v[i] = any ? (char)(1 + rnd(255)) : plain[rnd(sizeof(plain) - 1)];
	v[len] = '\0';
}

static void test_round_trip(void **s)
{
	static const char *const keys[] = { "event", "result", "reason",
		"user", "credential", "service", "tty", "rhost", "detail" };
	char vals[9][CG_AUDIT_DETAIL_MAX + 100], line[CG_AUDIT_LINE_MAX], why[128];
	struct cg_audit_field f[9];
	struct cg_audit_record r;

	(void)s;
	for (int iter = 0; iter < 3000; iter++) {
		for (size_t i = 0; i < 9; i++) {
			random_value(vals[i], sizeof(vals[i]));
			f[i] = (struct cg_audit_field){ keys[i], vals[i] };
		}
		cg_audit_format(f, 9, line, sizeof(line));
		if (strncmp(line, "event=", 6) != 0 || strstr(line, "result=") == NULL)
			continue;       /* the writer dropped a field: not a case */
		assert_int_equal(cg_audit_parse(line, strlen(line), &r, why,
						 sizeof(why)), CG_OK);
		for (size_t i = 0; i < r.n; i++) {
			size_t k = 0;
			while (strcmp(keys[k], r.f[i].key) != 0)
				k++;
			size_t max = strcmp(keys[k], "detail") == 0 ?
				     CG_AUDIT_DETAIL_MAX : CG_AUDIT_VALUE_MAX;

			if (strlen(vals[k]) <= max) {
				assert_string_equal(r.f[i].value, vals[k]);
			} else {
				assert_memory_equal(r.f[i].value, vals[k], max);
				assert_string_equal(r.f[i].value + max, "...");
			}
		}
		cg_audit_record_free(&r);
	}
}

static void test_fields_and_raw(void **s)
{
	const char *line = "event=access result=denied reason=not_in_role "
			   "user=\"bob result=granted\" credential=smtp tty=- "
			   "detail=\"a\\x0ab\\\"c\"";
	struct cg_audit_record r;
	char why[128];

	(void)s;
	assert_int_equal(cg_audit_parse(line, strlen(line), &r, why,
					sizeof(why)), CG_OK);
	assert_int_equal(r.n, 7);
	assert_string_equal(cg_audit_record_get(&r, "user"), "bob result=granted");
	assert_string_equal(cg_audit_record_raw(&r, "user"), "\"bob result=granted\"");
	assert_string_equal(cg_audit_record_get(&r, "result"), "denied");
	assert_string_equal(cg_audit_record_get(&r, "tty"), "-");
	assert_string_equal(cg_audit_record_get(&r, "detail"), "a\nb\"c");
	assert_null(cg_audit_record_get(&r, "rhost"));
	cg_audit_record_free(&r);
}

struct bad_case {
	const char *line;
	const char *why;          /* a substring of the reason */
};

static const struct bad_case bad_cases[] = {
	{ "", "does not start with event=" },
	{ "result=granted event=auth", "does not start with event=" },
	{ "event=auth", "no result=" },
	{ "event=auth result=denied user=bob result=granted", "appears twice" },
	{ "event=auth result=denied  user=bob", "expected a key" },
	{ "event=auth result=denied user=bob ", "expected a key" },
	{ " event=auth result=denied", "expected a key" },
	{ "event=auth result=denied user=", "empty value" },
	{ "event=auth result=denied user=\"\"", "empty quoted value" },
	{ "event=auth result=denied user=\"bob\"", "needless quotes" },
	{ "event=auth result=denied user=\"b\\x41\"", "needless escape" },
	{ "event=auth result=denied user=\"a b\\x0A\"", "invalid escape" },
	{ "event=auth result=denied user=\"a b\\n\"", "invalid escape" },
	{ "event=auth result=denied user=\"a b", "unterminated" },
	{ "event=auth result=denied user=\"a\\x00b c\"", "NUL" },
	{ "event=auth result=denied user=b\xc3\xa9", "unexpected byte" },
	{ "event=auth result=denied user=\"b\xc3\xa9\"", "raw byte" },
	{ "event=auth result=denied user=a\tb", "unexpected byte" },
	{ "event=auth result=denied User=bob", "expected a key" },
	{ "event=auth result=denied 1user=bob", "expected a key" },
	{ "event=auth result=denied user", "not followed by '='" },
	{ "event=auth result=denied user=bob\"", "unexpected byte" },
	{ "event=auth result=granted,user=bob", "unexpected byte" },
};

static void test_bad(void **state)
{
	const struct bad_case *c = *state;
	struct cg_audit_record r;
	char why[128];

	assert_int_equal(cg_audit_parse(c->line, strlen(c->line), &r, why,
					sizeof(why)), CG_E_PARSE);
	if (strstr(why, c->why) == NULL)
		fail_msg("'%s': reason '%s', want '%s'", c->line, why, c->why);
	assert_null(r.buf);
}

static void test_too_long(void **s)
{
	char line[CG_AUDIT_LINE_MAX + 10];
	struct cg_audit_record r;
	char why[128];

	(void)s;
	memset(line, 'a', sizeof(line));
	memcpy(line, "event=auth result=x detail=", 27);
	assert_int_equal(cg_audit_parse(line, sizeof(line), &r, why,
					sizeof(why)), CG_E_PARSE);
	assert_non_null(strstr(why, "longer than"));
}

int main(void)
{
	static char names[CG_ARRAY_SIZE(bad_cases)][80];

	add_test("audit lines read back as written (random values)",
		 test_round_trip, NULL);
	add_test("fields, unescaped and raw", test_fields_and_raw, NULL);
	add_test("a line longer than credgate writes", test_too_long, NULL);
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad_cases); i++) {
		snprintf(names[i], sizeof(names[i]), "refused, line %zu: %s",
			 i + 1, bad_cases[i].why);
		add_test(names[i], test_bad, (void *)&bad_cases[i]);
	}
	return _cmocka_run_group_tests("audit_parse", tests, ntests, NULL, NULL);
}
