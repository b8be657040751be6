/* Dates in the policy (lib/datetime.c): every accepted form against
 * epochs computed by GNU date(1) (`date -u -d TEXT +%s`), every refusal
 * with its reason, and the format back. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "datetime.h"
#include "table_test.h"
#include "cg_macros.h"

struct good { const char *text; int64_t epoch; };

static const struct good goods[] = {
	{ "2026-12-31", 1798675200 },
	{ "2027-01-15T18:00", 1800036000 },
	{ "2027-01-15T18:00Z", 1800036000 },
	{ "2027-01-15T18:00:00", 1800036000 },
	{ "2030-01-01T10:00+02:00", 1893484800 },
	{ "2030-01-01T10:00+0200", 1893484800 },
	{ "2030-01-01T10:00+02", 1893484800 },
	{ "2027-01-15T18:00-05:30", 1800055800 },
	{ "2000-02-29", 951782400 },
	{ "2024-02-29T23:59:59", 1709251199 },
	{ "1970-01-01T00:00:01", 1 },
	{ "9999-12-31T23:59:59", 253402300799 },
	{ "2026-12-31Z", 1798675200 },
	{ "2026-12-31-01:00", 1798678800 },
};

struct bad { const char *text; const char *why; };

static const struct bad bads[] = {
	{ "", "not YYYY-MM-DD" },
	{ "2026", "not YYYY-MM-DD" },
	{ "2026-1-01", "not YYYY-MM-DD" },
	{ "26-01-01", "not YYYY-MM-DD" },
	{ "2026/01/01", "not YYYY-MM-DD" },
	{ "2026-00-10", "month out of range" },
	{ "2026-13-10", "month out of range" },
	{ "2026-01-00", "no such day in that month" },
	{ "2026-04-31", "no such day in that month" },
	{ "2100-02-29", "no such day in that month" },
	{ "1969-12-31", "year before 1970" },
	{ "1970-01-01", "before 1970" },
	{ "1970-01-01T00:30+01:00", "before 1970" },
	{ "2026-01-01T", "time not hh:mm or hh:mm:ss" },
	{ "2026-01-01T1:00", "time not hh:mm or hh:mm:ss" },
	{ "2026-01-01T10:00:", "time not hh:mm or hh:mm:ss" },
	{ "2026-01-01T24:00", "time out of range" },
	{ "2026-01-01T23:60", "time out of range" },
	{ "2026-01-01T23:59:60", "time out of range" },
	{ "2026-01-01 10:00", "expected T between date and time" },
	{ "2026-01-01t10:00", "expected T between date and time" },
	{ "2026-01-01T10:00CET", "zone names are not supported; give Z or an offset such as +01:00" },
	{ "2026-01-01T10:00UTC", "zone names are not supported; give Z or an offset such as +01:00" },
	{ "2026-01-01T10:00ZZ", "zone names are not supported; give Z or an offset such as +01:00" },
	{ "2026-01-01T10:00+1", "offset not +hh:mm" },
	{ "2026-01-01T10:00+01:0", "offset not +hh:mm" },
	{ "2026-01-01T10:00+01:00:00", "text after the offset" },
	{ "2026-01-01T10:00+24:00", "offset out of range" },
	{ "2026-01-01T10:00+01:60", "offset out of range" },
};

static void test_good(void **state)
{
	const struct good *g = *state;
	const char *why = NULL;
	int64_t t = -1;

	if (!cg_datetime_parse(g->text, &t, &why))
		fail_msg("'%s' refused: %s", g->text, why);
	assert_int_equal(t, g->epoch);
}

static void test_bad(void **state)
{
	const struct bad *b = *state;
	const char *why = NULL;
	int64_t t = 42;

	assert_false(cg_datetime_parse(b->text, &t, &why));
	assert_non_null(why);
	assert_string_equal(why, b->why);
	assert_int_equal(t, 42);        /* untouched on failure */
	assert_false(cg_datetime_parse(b->text, &t, NULL));
}

static void test_format(void **state)
{
	char buf[CG_DATETIME_TEXT_MAX], small[8];
	int64_t t = 0;

	cg_datetime_format(1798675200, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-31 00:00 UTC");
	cg_datetime_format(1800036000, buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-15 18:00 UTC");
	cg_datetime_format(1709251199, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29 23:59:59 UTC");
	cg_datetime_format(253402300799, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31 23:59:59 UTC");
	cg_datetime_format(1798675200, small, sizeof(small));
	assert_string_equal(small, "2026-12");
	cg_datetime_format(1798675200, NULL, 0);
	assert_false(cg_datetime_parse(NULL, &t, NULL));
	assert_false(cg_datetime_parse("2026-01-01", NULL, NULL));
	/* What is formatted parses back (as ISO). */
	assert_true(cg_datetime_parse("2024-02-29T23:59:59Z", &t, NULL));
	assert_int_equal(t, 1709251199);
}

int main(void)
{
	for (size_t i = 0; i < CG_ARRAY_SIZE(goods); i++)
		add_test(goods[i].text, test_good, (void *)&goods[i]);
	for (size_t i = 0; i < CG_ARRAY_SIZE(bads); i++)
		add_test(bads[i].text[0] != '\0' ? bads[i].text : "(empty)",
			 test_bad, (void *)&bads[i]);
	add_test("format", test_format, NULL);
	return _cmocka_run_group_tests("datetime", tests, ntests, NULL, NULL);
}
