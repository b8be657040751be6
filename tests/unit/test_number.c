/* The one decimal parser and the one hex codec (lib/number.c, lib/hex.c):
 * every spelling the files and options may not use is refused. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "hex.h"
#include "number.h"

static void test_prefix(void **s)
{
	const char *end;
	uint64_t v = 7;
	(void)s;
	assert_int_equal(cg_dec_prefix("42s", &end, &v), CG_OK);
	assert_int_equal(v, 42);
	assert_string_equal(end, "s");
	assert_int_equal(cg_dec_prefix("18446744073709551615", &end, &v), CG_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cg_dec_prefix("18446744073709551616x", &end, &v),
			 CG_E_RANGE);
	assert_string_equal(end, "x");
	assert_int_equal(cg_dec_prefix("", &end, &v), CG_E_INVAL);
	assert_int_equal(cg_dec_prefix("-1", &end, &v), CG_E_INVAL);
	assert_int_equal(cg_dec_prefix(" 1", &end, &v), CG_E_INVAL);
	assert_int_equal(cg_dec_prefix("+1", &end, &v), CG_E_INVAL);
}

static void test_whole_unsigned(void **s)
{
	static const struct { const char *in; uint64_t max; bool canon, ok; uint64_t v; } t[] = {
		{ "0", 10, true, true, 0 },     { "10", 10, true, true, 10 },
		{ "11", 10, true, false, 0 },   { "007", 10, true, false, 0 },
		{ "007", 10, false, true, 7 },  { "1 ", 10, false, false, 0 },
		{ "0x10", 99, false, false, 0 }, { "", 10, false, false, 0 },
		{ "1e3", 9999, false, false, 0 }, { "4294967296", UINT32_MAX, false, false, 0 },
	};
	(void)s;
	for (size_t i = 0; i < CG_ARRAY_SIZE(t); i++) {
		uint64_t v = 12345;
		bool ok = cg_dec_u64(t[i].in, t[i].max, t[i].canon, &v);

		if (ok != t[i].ok || (ok && v != t[i].v))
			fail_msg("\"%s\": got %d/%llu", t[i].in, ok,
				 (unsigned long long)v);
	}
}

static void test_signed(void **s)
{
	int64_t v;
	(void)s;
	assert_true(cg_dec_i64("-1", -1, 5, &v) && v == -1);
	assert_true(cg_dec_i64("-9223372036854775808", INT64_MIN, 0, &v) &&
		    v == INT64_MIN);
	assert_true(cg_dec_i64("9223372036854775807", 0, INT64_MAX, &v) &&
		    v == INT64_MAX);
	assert_false(cg_dec_i64("9223372036854775808", 0, INT64_MAX, &v));
	assert_false(cg_dec_i64("-0", -1, 5, &v));
	assert_false(cg_dec_i64("-01", -1, 5, &v));
	assert_false(cg_dec_i64("01", 0, 5, &v));
	assert_false(cg_dec_i64("-2", -1, 5, &v));
	assert_false(cg_dec_i64("-", -1, 5, &v));
	assert_false(cg_dec_i64("6", -1, 5, &v));
}

static void test_hex(void **s)
{
	const uint8_t in[] = { 0x00, 0x7f, 0xa5, 0xff };
	uint8_t out[4];
	char txt[9];
	(void)s;
	cg_hex_encode(in, sizeof(in), txt);
	assert_string_equal(txt, "007fa5ff");
	assert_true(cg_hex_decode("007FA5ff", 4, false, out));
	assert_memory_equal(in, out, 4);
	assert_false(cg_hex_decode("007FA5ff", 4, true, out));
	assert_true(cg_hex_decode("007fa5ff", 4, true, NULL));
	assert_false(cg_hex_decode("007fa5f", 4, false, out));   /* short: NUL */
	assert_false(cg_hex_decode("007fa5fg", 4, false, out));
	assert_int_equal(cg_hex_value('F'), 15);
	assert_int_equal(cg_hex_value('g'), -1);
	assert_int_equal(cg_hex_value('\0'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_whole_unsigned),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
