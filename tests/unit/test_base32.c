/* Base32 (lib/base32.c): RFC 4648 section 10 vectors both ways, what the
 * decoder tolerates, and every way it refuses input, each with its exact
 * error code.  Table rows become individual TAP lines. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "base32.h"

#define MAX_TESTS 128
#include "table_test.h"
#include "cg_macros.h"

/* ---- RFC 4648 section 10 ------------------------------------------------ */

struct vector {
	const char *name;
	const char *plain;
	const char *padded;
	const char *unpadded;
};

static struct vector rfc_vectors[] = {
	{ "rfc4648 \"\"", "", "", "" },
	{ "rfc4648 \"f\"", "f", "MY======", "MY" },
	{ "rfc4648 \"fo\"", "fo", "MZXQ====", "MZXQ" },
	{ "rfc4648 \"foo\"", "foo", "MZXW6===", "MZXW6" },
	{ "rfc4648 \"foob\"", "foob", "MZXW6YQ=", "MZXW6YQ" },
	{ "rfc4648 \"fooba\"", "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "rfc4648 \"foobar\"", "foobar", "MZXW6YTBOI======", "MZXW6YTBOI" },
};

static void rfc_encode(const struct vector *v)
{
	size_t n = strlen(v->plain);
	char out[32];

	assert_int_equal(cg_base32_encoded_len(n, true), strlen(v->padded));
	assert_int_equal(cg_base32_encoded_len(n, false), strlen(v->unpadded));
	expect_err(cg_base32_encode((const uint8_t *)v->plain, n, true, out,
	    sizeof(out)), CG_OK);
	assert_string_equal(out, v->padded);
	expect_err(cg_base32_encode((const uint8_t *)v->plain, n, false, out,
	    sizeof(out)), CG_OK);
	assert_string_equal(out, v->unpadded);
}

static void decode_expect(const char *in, const char *plain)
{
	uint8_t out[32];
	size_t len = 99;

	expect_err(cg_base32_decode(in, out, sizeof(out), &len), CG_OK);
	assert_int_equal(len, strlen(plain));
	assert_memory_equal(out, plain, len);
}

static void rfc_decode(const struct vector *v)
{
	uint8_t out[8];
	size_t len = 99;

	if (v->plain[0] == '\0') {
		/* Nothing to decode is an error, not an empty secret. */
		expect_err(cg_base32_decode(v->padded, out, sizeof(out), &len),
		    CG_E_BASE32_EMPTY);
		assert_int_equal(len, 0);
		return;
	}
	decode_expect(v->padded, v->plain);
	decode_expect(v->unpadded, v->plain);
}

/* Both directions, with and without padding. */
static void test_rfc_vector(void **state)
{
	rfc_encode(*state);
	rfc_decode(*state);
}

/* ---- what the decoder tolerates ---------------------------------------- */

struct tolerated {
	const char *name;
	const char *in;
	const char *plain;
};

static struct tolerated tolerated[] = {
	{ "lower case", "mzxw6ytboi", "foobar" },
	{ "mixed case", "MzXw6yTbOi======", "foobar" },
	{ "spaces in groups of 4", "MZXW 6YTB OI", "foobar" },
	{ "tabs", "\tMZXW6\tYTBOI\t", "foobar" },
	{ "leading and trailing spaces", "  MZXW6YTBOI  ", "foobar" },
	{ "spaces among padding", "MZXW6YTBOI === ===", "foobar" },
	{ "lower case, spaces, padding", "mzxw 6ytb oi== ====", "foobar" },
	{ "missing padding of 1", "MZXW6YQ", "foob" },
	{ "non-zero trailing bits ignored (MZ)", "MZ", "f" },
	{ "non-zero trailing bits ignored (MZXR)", "MZXR", "fo" },
	{ "google example secret", "JBSWY3DPEHPK3PXP",
	  "Hello!\xde\xad\xbe\xef" },
};

static void test_tolerated(void **state)
{
	const struct tolerated *t = *state;

	decode_expect(t->in, t->plain);
}

/* ---- what the decoder refuses ------------------------------------------- */

struct malformed {
	const char *name;
	const char *in;
	cg_err want;
};

static struct malformed malformed[] = {
	{ "empty", "", CG_E_BASE32_EMPTY },
	{ "only spaces", "   ", CG_E_BASE32_EMPTY },
	{ "only a tab", "\t", CG_E_BASE32_EMPTY },
	{ "only padding", "========", CG_E_BASE32_PADDING },
	{ "single =", "=", CG_E_BASE32_PADDING },
	{ "1 char", "M", CG_E_BASE32_LENGTH },
	{ "3 chars", "MZX", CG_E_BASE32_LENGTH },
	{ "6 chars", "MZXW6Y", CG_E_BASE32_LENGTH },
	{ "9 chars (8+1)", "MZXW6YTBM", CG_E_BASE32_LENGTH },
	{ "11 chars (8+3)", "MZXW6YTBOIM", CG_E_BASE32_LENGTH },
	{ "14 chars (8+6)", "MZXW6YTBOIMZXW", CG_E_BASE32_LENGTH },
	{ "1 char padded", "M=======", CG_E_BASE32_LENGTH },
	{ "6 chars padded", "MZXW6Y==", CG_E_BASE32_LENGTH },
	{ "too little padding", "MY=====", CG_E_BASE32_PADDING },
	{ "too much padding", "MY=======", CG_E_BASE32_PADDING },
	{ "partial padding", "MZXQ==", CG_E_BASE32_PADDING },
	{ "padding after full quantum", "MZXW6YTB========", CG_E_BASE32_PADDING },
	{ "one = after full quantum", "MZXW6YTB=", CG_E_BASE32_PADDING },
	{ "data after padding", "MY======MY======", CG_E_BASE32_PADDING },
	{ "padding in the middle", "M=Y", CG_E_BASE32_PADDING },
	{ "padding in the middle, spaces", "MZXW6= YTB", CG_E_BASE32_PADDING },
	{ "digit 0", "MZXW6YT0", CG_E_BASE32_CHAR },
	{ "digit 1", "MZXW6YT1", CG_E_BASE32_CHAR },
	{ "digit 8", "MZXW6YT8", CG_E_BASE32_CHAR },
	{ "digit 9", "MZXW6YT9", CG_E_BASE32_CHAR },
	{ "dash", "MZXW-6YTB", CG_E_BASE32_CHAR },
	{ "dot", "MZ.W", CG_E_BASE32_CHAR },
	{ "newline", "MZXW\n6YTB", CG_E_BASE32_CHAR },
	{ "carriage return", "MZXW6YTB\r", CG_E_BASE32_CHAR },
	{ "trailing newline after padding", "MY======\n", CG_E_BASE32_CHAR },
	{ "vertical tab", "MZXW\v6YTB", CG_E_BASE32_CHAR },
	{ "non-ASCII (UTF-8 A umlaut)", "MZXW6YT\xc3\x84", CG_E_BASE32_CHAR },
	{ "byte 0xff", "MZXW6YT\xff", CG_E_BASE32_CHAR },
	{ "base64 char +", "MZXW6YT+", CG_E_BASE32_CHAR },
	{ "base32hex alphabet is not ours", "CPNMUOJ1", CG_E_BASE32_CHAR },
	{ "bad char wins over bad length", "M!", CG_E_BASE32_CHAR },
};

static void test_malformed(void **state)
{
	const struct malformed *m = *state;
	uint8_t out[32];
	size_t len = 99;

	memset(out, 0xaa, sizeof(out));
	expect_err(cg_base32_decode(m->in, out, sizeof(out), &len), m->want);
	assert_int_equal(len, 0);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);   /* wiped on failure */
}

/* ---- sizes, arguments, round trips ------------------------------------- */

static void test_encode_toobig(void **state)
{
	char out[17];

	(void)state;
	/* "foobar" padded needs 16 characters plus the NUL. */
	expect_err(cg_base32_encode((const uint8_t *)"foobar", 6, true, out,
	    16), CG_E_TOOBIG);
	expect_err(cg_base32_encode((const uint8_t *)"foobar", 6, true, out,
	    17), CG_OK);
	assert_string_equal(out, "MZXW6YTBOI======");
	expect_err(cg_base32_encode((const uint8_t *)"foobar", 6, false, out,
	    10), CG_E_TOOBIG);
	expect_err(cg_base32_encode((const uint8_t *)"foobar", 6, false, out,
	    11), CG_OK);
	assert_string_equal(out, "MZXW6YTBOI");
}

static void test_decode_toobig(void **state)
{
	uint8_t out[6];
	size_t len = 99;

	(void)state;
	memset(out, 0xaa, sizeof(out));
	expect_err(cg_base32_decode("MZXW6YTBOI", out, 5, &len), CG_E_TOOBIG);
	assert_int_equal(len, 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(out[i], 0);
	expect_err(cg_base32_decode("MZXW6YTBOI", out, 6, &len), CG_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "foobar", 6);
}

static void test_null_args(void **state)
{
	uint8_t buf[8];
	char text[8];
	size_t len;

	(void)state;
	expect_err(cg_base32_decode(NULL, buf, sizeof(buf), &len), CG_E_INVAL);
	expect_err(cg_base32_decode("MY", NULL, sizeof(buf), &len), CG_E_INVAL);
	expect_err(cg_base32_decode("MY", buf, sizeof(buf), NULL), CG_E_INVAL);
	expect_err(cg_base32_encode(NULL, 1, true, text, sizeof(text)),
	    CG_E_INVAL);
	expect_err(cg_base32_encode(buf, 1, true, NULL, sizeof(text)),
	    CG_E_INVAL);
	expect_err(cg_base32_encode(NULL, 0, true, text, sizeof(text)), CG_OK);
	assert_string_equal(text, "");
}

/* Every length 1..256 (so every byte value occurs), both paddings:
 * decode(encode(x)) is x, and the encoded length is what
 * cg_base32_encoded_len says. */
static void test_round_trip(void **state)
{
	uint8_t in[256], back[256];
	char text[512];
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(255 - i);
	for (size_t n = 1; n <= sizeof(in); n++) {
		for (int pad = 0; pad <= 1; pad++) {
			expect_err(cg_base32_encode(in, n, pad, text,
			    sizeof(text)), CG_OK);
			assert_int_equal(strlen(text),
			    cg_base32_encoded_len(n, pad));
			expect_err(cg_base32_decode(text, back, sizeof(back),
			    &len), CG_OK);
			assert_int_equal(len, n);
			assert_memory_equal(back, in, n);
		}
	}
}

#define ADD_TABLE(table, fn) \
	for (size_t i_ = 0; i_ < CG_ARRAY_SIZE(table); i_++) \
		add_test(table[i_].name, fn, &table[i_])

int main(void)
{
	ADD_TABLE(rfc_vectors, test_rfc_vector);
	ADD_TABLE(tolerated, test_tolerated);
	ADD_TABLE(malformed, test_malformed);
	add_test("encode: output too small", test_encode_toobig, NULL);
	add_test("decode: output too small", test_decode_toobig, NULL);
	add_test("NULL arguments", test_null_args, NULL);
	add_test("round trip 1..256 bytes", test_round_trip, NULL);
	return _cmocka_run_group_tests("base32", tests, ntests, NULL, NULL);
}
