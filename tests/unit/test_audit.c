/* Audit line escaping: no user-controlled byte may end the line, start a
 * new field, or be hidden. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "audit.h"

static void check_escape(const char *in, const char *want)
{
	char out[CG_AUDIT_VALUE_MAX * 4 + 8];
	cg_audit_escape(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_plain_values(void **s)
{
	(void)s;
	check_escape("alice", "alice");
	check_escape("pts/0", "pts/0");
	check_escape("10.0.0.7", "10.0.0.7");
	check_escape("user@EXAMPLE.COM", "user@EXAMPLE.COM");
	check_escape(NULL, "-");
	check_escape("", "-");
}

static void test_forging_is_impossible(void **s)
{
	(void)s;
	check_escape("bob result=granted", "\"bob result=granted\"");
	check_escape("a\nevent=auth", "\"a\\x0aevent=auth\"");
	check_escape("x\"y\\z", "\"x\\\"y\\\\z\"");
	check_escape("\x1b[2J", "\"\\x1b[2J\"");
	check_escape("caf\xc3\xa9", "\"caf\\xc3\\xa9\"");
	check_escape("a\rb", "\"a\\x0db\"");
}

static void test_long_values_are_marked(void **s)
{
	char in[400], out[CG_AUDIT_VALUE_MAX * 4 + 8];
	(void)s;
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cg_audit_escape(in, out, sizeof(out));
	assert_int_equal(strlen(out), CG_AUDIT_VALUE_MAX + 3);
	assert_string_equal(out + CG_AUDIT_VALUE_MAX, "...");
}

static void test_small_buffer_never_cuts_an_escape(void **s)
{
	char out[12];
	(void)s;
	cg_audit_escape("\n\n\n\n\n\n", out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	/* Every backslash is followed by a complete \xNN. */
	for (char *p = strchr(out, '\\'); p != NULL; p = strchr(p + 1, '\\'))
		assert_true(p[1] == 'x' && p[2] != '\0' && p[3] != '\0');
}

/* Tiny buffers: nothing is written past outsz (the canary bytes after
 * it stay intact) and the result is always a terminated string. */
static void test_tiny_buffer_stays_in_bounds(void **s)
{
	static const char *const values[] = { "alice", "a b", "\n\n\n", "-" };
	(void)s;
	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		for (size_t sz = 1; sz <= 12; sz++) {
			char buf[32];

			memset(buf, 'Z', sizeof(buf));
			cg_audit_escape(values[v], buf, sz);
			assert_non_null(memchr(buf, '\0', sz));
			for (size_t i = sz; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 'Z');
		}
	}
}

static void test_format_line(void **s)
{
	struct cg_audit_field f[] = {
		{ "event", "auth" }, { "result", "denied" },
		{ "reason", "bad_code" }, { "user", "eve\nevent=auth" },
		{ "tty", NULL },
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	cg_audit_format(f, 5, line, sizeof(line));
	assert_string_equal(line, "event=auth result=denied reason=bad_code "
			    "user=\"eve\\x0aevent=auth\" tty=-");
	assert_null(strchr(line, '\n'));
}

static void test_format_drops_fields_that_do_not_fit(void **s)
{
	struct cg_audit_field f[] = {
		{ "event", "auth" }, { "user", "a-rather-long-user-name" },
		{ "result", "ok" },
	};
	char line[24];
	(void)s;
	cg_audit_format(f, 3, line, sizeof(line));
	assert_string_equal(line, "event=auth result=ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_values),
		cmocka_unit_test(test_forging_is_impossible),
		cmocka_unit_test(test_long_values_are_marked),
		cmocka_unit_test(test_small_buffer_never_cuts_an_escape),
		cmocka_unit_test(test_tiny_buffer_stays_in_bounds),
		cmocka_unit_test(test_format_line),
		cmocka_unit_test(test_format_drops_fields_that_do_not_fit),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
