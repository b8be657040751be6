/* The one decimal parser and the one hex codec (lib/number.c, lib/hex.c):
 * every spelling the files and options may not use is refused. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
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

/* Every byte value decodes back, in both cases. */
static void test_hex_every_byte(void **s)
{
	uint8_t in[256], out[256];
	char txt[2 * 256 + 1];
	(void)s;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);  /* every value, shuffled */
	cg_hex_encode(in, sizeof(in), txt);
	assert_true(cg_hex_decode(txt, sizeof(in), true, out));
	assert_memory_equal(in, out, sizeof(in));
	for (size_t i = 0; txt[i] != '\0'; i++)
		if (txt[i] >= 'a' && txt[i] <= 'f')
			txt[i] = (char)(txt[i] - 'a' + 'A');
	memset(out, 0, sizeof(out));
	assert_true(cg_hex_decode(txt, sizeof(in), false, out));
	assert_memory_equal(in, out, sizeof(in));
	assert_false(cg_hex_decode(txt, sizeof(in), true, out));
}

/* Every character at every position of inputs of 1..9 bytes (the
 * decoder works eight digits at a time, then the rest): accepted exactly
 * when cg_hex_value says it is a digit (lower case only when asked),
 * decoded to its value, and a refused input leaves out zeroed. */
static void test_hex_every_char(void **s)
{
	char txt[2 * 9 + 1];
	uint8_t out[10];
	(void)s;
	for (size_t n = 1; n <= 9; n++) {
		for (size_t pos = 0; pos < 2 * n; pos++) {
			for (int c = 1; c < 256; c++) {
				int v = cg_hex_value((char)c);
				bool up = c >= 'A' && c <= 'F';

				memset(txt, '5', 2 * n);
				txt[2 * n] = '\0';
				txt[pos] = (char)c;
				memset(out, 0xaa, sizeof(out));
				if (cg_hex_decode(txt, n, false, out) != (v >= 0))
					fail_msg("n %zu pos %zu char %d", n, pos, c);
				if (v >= 0) {
					unsigned want = pos % 2 == 0 ?
					    (unsigned)v << 4 | 5 : 0x50 | (unsigned)v;
					assert_int_equal(out[pos / 2], want);
					for (size_t i = 0; i < n; i++)
						if (i != pos / 2)
							assert_int_equal(out[i], 0x55);
				} else {
					for (size_t i = 0; i < n; i++)
						assert_int_equal(out[i], 0);
				}
				assert_int_equal(out[n], 0xaa);  /* nothing past n */
				if (cg_hex_decode(txt, n, true, NULL) != (v >= 0 && !up))
					fail_msg("lower n %zu pos %zu char %d", n, pos, c);
			}
		}
	}
}

/* A string shorter than 2n digits (a NUL anywhere) is refused, and
 * nothing past the NUL is read (ASan and valgrind see the allocation
 * end there). */
static void test_hex_short(void **s)
{
	uint8_t out[8];
	(void)s;
	assert_true(cg_hex_decode("", 0, true, out));
	for (size_t len = 0; len < 16; len++) {
		char *p = malloc(len + 1);

		assert_non_null(p);
		memset(p, 'a', len);
		p[len] = '\0';
		memset(out, 0xaa, sizeof(out));
		assert_false(cg_hex_decode(p, 8, false, out));
		for (size_t i = 0; i < sizeof(out); i++)
			assert_int_equal(out[i], 0);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_whole_unsigned),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_every_byte),
		cmocka_unit_test(test_hex_every_char),
		cmocka_unit_test(test_hex_short),
	};
	return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
