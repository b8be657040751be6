/* otpauth:// URIs (lib/otpauth.c): exact output of the builder, round
 * trips through the parser, URIs as real generators write them, and a
 * table of malformed URIs each refused with its exact error code.  Table
 * rows become individual TAP lines. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "base32.h"
#include "otpauth.h"
#include "wipe.h"

#define MAX_TESTS 200
#include "table_test.h"
#include "cg_macros.h"

/* Canonical base32 (upper case, unpadded) of the parsed secret. */
static void secret_b32(const struct cg_otpauth *o, char *out, size_t outsz)
{
	expect_err(cg_base32_encode(o->totp.secret, o->totp.secret_len, false,
	    out, outsz), CG_OK);
}

static void set_secret(struct cg_otpauth *o, const char *b32)
{
	expect_err(cg_base32_decode(b32, o->totp.secret,
	    sizeof(o->totp.secret), &o->totp.secret_len), CG_OK);
}

static void init_otpauth(struct cg_otpauth *o, const char *issuer,
			 const char *account, const char *b32)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->issuer, sizeof(o->issuer), "%s", issuer);
	snprintf(o->account, sizeof(o->account), "%s", account);
	set_secret(o, b32);
	o->totp.alg = CG_ALG_SHA1;
	o->totp.digits = 6;
	o->totp.period = 30;
}

static void assert_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != 0)
			fail_msg("byte %zu not wiped", i);
	}
}

/* ---- exact builder output ---------------------------------------------- */

struct built {
	const char *name;
	const char *issuer;
	const char *account;
	const char *secret;
	cg_alg alg;
	unsigned digits, period;
	const char *uri;
};

static struct built built[] = {
	{ "build: Google example", "Example", "alice@google.com",
	  "JBSWY3DPEHPK3PXP", CG_ALG_SHA1, 6, 30,
	  "otpauth://totp/Example:alice%40google.com?secret=JBSWY3DPEHPK3PXP"
	  "&issuer=Example&algorithm=SHA1&digits=6&period=30" },
	{ "build: spaces, SHA256/8/60", "ACME Co", "john.doe@email.com",
	  "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", CG_ALG_SHA256, 8, 60,
	  "otpauth://totp/ACME%20Co:john.doe%40email.com"
	  "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co"
	  "&algorithm=SHA256&digits=8&period=60" },
	{ "build: no issuer, SHA512", "", "alice", "JBSWY3DPEHPK3PXP",
	  CG_ALG_SHA512, 6, 30,
	  "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512"
	  "&digits=6&period=30" },
	{ "build: colons, UTF-8, reserved chars", "a:b+c", "c:d\xc3\xa9/~",
	  "JBSWY3DPEHPK3PXP", CG_ALG_SHA1, 6, 30,
	  "otpauth://totp/a%3Ab%2Bc:c%3Ad%C3%A9%2F~?secret=JBSWY3DPEHPK3PXP"
	  "&issuer=a%3Ab%2Bc&algorithm=SHA1&digits=6&period=30" },
};

static void test_build_exact(void **state)
{
	const struct built *b = *state;
	struct cg_otpauth o;
	char *uri = NULL;

	init_otpauth(&o, b->issuer, b->account, b->secret);
	o.totp.alg = b->alg;
	o.totp.digits = b->digits;
	o.totp.period = b->period;
	expect_err(cg_otpauth_build(&o, &uri), CG_OK);
	assert_string_equal(uri, b->uri);
	cg_free_string(uri);
}

/* ---- round trips --------------------------------------------------------- */

struct names {
	const char *name;
	const char *issuer;
	const char *account;
};

static struct names round_trips[] = {
	{ "round trip: Example / alice@google.com", "Example",
	  "alice@google.com" },
	{ "round trip: no issuer", "", "alice" },
	{ "round trip: spaces", "ACME Co", "john doe " },
	{ "round trip: issuer with leading spaces", "  lead", "x" },
	{ "round trip: colons", "a:b:c", "x:y" },
	{ "round trip: UTF-8 bytes", "B\xc3\xa4nk \xe2\x9c\x93",
	  "\xc3\xbc" "ser" },
	{ "round trip: reserved chars", "100% + & = ? # / ;", "~._-!$'()*,@" },
	{ "round trip: percent-like text", "%3A", "%20x%" },
	{ "round trip: plus signs", "C++", "a+b" },
	{ "round trip: high bytes", "\x80\xff", "\xfe" },
};

/* Every algorithm, digits and period, and secrets of several lengths. */
static void test_round_trip(void **state)
{
	static const cg_alg algs[] = { CG_ALG_SHA1, CG_ALG_SHA256,
	    CG_ALG_SHA512 };
	static const size_t lens[] = { CG_SECRET_MIN, 20, 32, 64,
	    CG_SECRET_MAX };
	const struct names *nm = *state;
	struct cg_otpauth in, back;
	char *uri = NULL;

	for (size_t i = 0; i < 3 * 2 * 2 * 5; i++) {
		memset(&in, 0, sizeof(in));
		snprintf(in.issuer, sizeof(in.issuer), "%s", nm->issuer);
		snprintf(in.account, sizeof(in.account), "%s", nm->account);
		in.totp.alg = algs[i % 3];
		in.totp.digits = (i / 3) % 2 ? 8 : 6;
		in.totp.period = (i / 6) % 2 ? 60 : 30;
		in.totp.secret_len = lens[i / 12];
		for (size_t k = 0; k < in.totp.secret_len; k++)
			in.totp.secret[k] = (uint8_t)(k * 37 + i);
		expect_err(cg_otpauth_build(&in, &uri), CG_OK);
		/* Only printable ASCII, nothing a QR scanner could mangle. */
		for (const char *p = uri; *p != '\0'; p++)
			assert_true(*p > ' ' && *p < 0x7f && *p != '#');
		expect_err(cg_otpauth_parse(uri, &back), CG_OK);
		assert_memory_equal(&in, &back, sizeof(in));
		cg_free_string(uri);
		uri = NULL;
	}
}

/* Longest names the struct holds (255 bytes each, all needing %XX). */
static void test_round_trip_longest(void **state)
{
	struct cg_otpauth in, back;
	char *uri = NULL;

	(void)state;
	init_otpauth(&in, "", "", "JBSWY3DPEHPK3PXP");
	memset(in.issuer, ':', CG_LABEL_MAX - 1);
	memset(in.account, ' ', CG_LABEL_MAX - 1);
	in.account[0] = 'a';
	expect_err(cg_otpauth_build(&in, &uri), CG_OK);
	assert_true(strlen(uri) < CG_URI_MAX);
	expect_err(cg_otpauth_parse(uri, &back), CG_OK);
	assert_memory_equal(&in, &back, sizeof(in));
	cg_free_string(uri);
}

/* ---- real-world URIs ----------------------------------------------------- */

struct parsed {
	const char *name;
	const char *uri;
	const char *issuer;
	const char *account;
	const char *secret;      /* canonical base32 */
	cg_alg alg;
	unsigned digits, period;
};

#define GSECRET "JBSWY3DPEHPK3PXP"

static struct parsed parsed[] = {
	{ "parse: Google wiki example",
	  "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP"
	  "&issuer=Example",
	  "Example", "alice@google.com", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: Google wiki full example",
	  "otpauth://totp/ACME%20Co:john.doe@email.com"
	  "?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
	  "&algorithm=SHA1&digits=6&period=30",
	  "ACME Co", "john.doe@email.com", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
	  CG_ALG_SHA1, 6, 30 },
	{ "parse: label without issuer",
	  "otpauth://totp/alice@google.com?secret=" GSECRET,
	  "", "alice@google.com", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: issuer only as parameter",
	  "otpauth://totp/alice?secret=" GSECRET "&issuer=Example",
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: issuer only in label",
	  "otpauth://totp/Example:alice?secret=" GSECRET,
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: %3A separator",
	  "otpauth://totp/Example%3Aalice?secret=" GSECRET "&issuer=Example",
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: %3a separator (lower case hex)",
	  "otpauth://totp/Example%3aalice?secret=" GSECRET,
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: literal ':' wins over an earlier %3A",
	  "otpauth://totp/a%3Ab:c?secret=" GSECRET,
	  "a:b", "c", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: %20 before the account dropped",
	  "otpauth://totp/Example:%20%20alice?secret=" GSECRET,
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: raw space before the account dropped",
	  "otpauth://totp/Example: alice?secret=" GSECRET,
	  "Example", "alice", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: upper-case scheme and type (QR alphanumeric mode)",
	  "OTPAUTH://TOTP/EXAMPLE:ALICE?secret=" GSECRET,
	  "EXAMPLE", "ALICE", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: parameters in any order, lower-case values",
	  "otpauth://totp/A:b?period=60&digits=8&algorithm=sha512&issuer=A"
	  "&secret=jbswy3dpehpk3pxp",
	  "A", "b", GSECRET, CG_ALG_SHA512, 8, 60 },
	{ "parse: mixed-case algorithm",
	  "otpauth://totp/A:b?secret=" GSECRET "&algorithm=Sha256",
	  "A", "b", GSECRET, CG_ALG_SHA256, 6, 30 },
	{ "parse: 1Password/Aegis order",
	  "otpauth://totp/GitHub:octocat?algorithm=SHA1&digits=6"
	  "&issuer=GitHub&period=30&secret=" GSECRET,
	  "GitHub", "octocat", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: '+' in query is a space (form encoding)",
	  "otpauth://totp/My%20Co:al?secret=" GSECRET "&issuer=My+Co",
	  "My Co", "al", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: '+' in label is a plus",
	  "otpauth://totp/C++:a+b?secret=" GSECRET,
	  "C++", "a+b", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: %2B in query is a plus",
	  "otpauth://totp/C++:a?secret=" GSECRET "&issuer=C%2B%2B",
	  "C++", "a", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: padded secret",
	  "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGE======",
	  "", "a", "GEZDGNBVGY3TQOJQGE", CG_ALG_SHA1, 6, 30 },
	{ "parse: padded secret, %3D",
	  "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGE%3D%3D%3D%3D%3D%3D",
	  "", "a", "GEZDGNBVGY3TQOJQGE", CG_ALG_SHA1, 6, 30 },
	{ "parse: secret with spaces",
	  "otpauth://totp/a?secret=JBSW%20Y3DP+EHPK%203PXP",
	  "", "a", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: empty query segments",
	  "otpauth://totp/a?&secret=" GSECRET "&&issuer=X&",
	  "X", "a", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: raw UTF-8 in the label",
	  "otpauth://totp/B\xc3\xa4nk:\xc3\xbc?secret=" GSECRET,
	  "B\xc3\xa4nk", "\xc3\xbc", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: encoded UTF-8 in issuer parameter",
	  "otpauth://totp/B%C3%A4nk:x?secret=" GSECRET "&issuer=B%c3%a4nk",
	  "B\xc3\xa4nk", "x", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: empty issuer parameter, no label issuer",
	  "otpauth://totp/a?secret=" GSECRET "&issuer=",
	  "", "a", GSECRET, CG_ALG_SHA1, 6, 30 },
	{ "parse: shortest secret (10 bytes)",
	  "otpauth://totp/a?secret=AAAQEAYEAUDAOCAJ",
	  "", "a", "AAAQEAYEAUDAOCAJ", CG_ALG_SHA1, 6, 30 },
};

static void test_parse(void **state)
{
	const struct parsed *p = *state;
	struct cg_otpauth o;
	char b32[256];

	expect_err(cg_otpauth_parse(p->uri, &o), CG_OK);
	assert_string_equal(o.issuer, p->issuer);
	assert_string_equal(o.account, p->account);
	secret_b32(&o, b32, sizeof(b32));
	assert_string_equal(b32, p->secret);
	assert_int_equal(o.totp.alg, p->alg);
	assert_int_equal(o.totp.digits, p->digits);
	assert_int_equal(o.totp.period, p->period);
}

/* ---- malformed URIs ------------------------------------------------------ */

struct malformed {
	const char *name;
	const char *uri;
	cg_err want;
};

#define OK_Q "?secret=" GSECRET

static struct malformed malformed[] = {
	{ "empty string", "", CG_E_URI_SCHEME },
	{ "http scheme", "http://totp/a" OK_Q, CG_E_URI_SCHEME },
	{ "one slash", "otpauth:/totp/a" OK_Q, CG_E_URI_SCHEME },
	{ "no slashes", "otpauth:totp/a" OK_Q, CG_E_URI_SCHEME },
	{ "no colon", "otpauth//totp/a" OK_Q, CG_E_URI_SCHEME },
	{ "scheme prefix only", "otpauth", CG_E_URI_SCHEME },
	{ "leading space", " otpauth://totp/a" OK_Q, CG_E_URI_SCHEME },
	{ "hotp", "otpauth://hotp/a" OK_Q "&counter=0", CG_E_URI_TYPE },
	{ "steam", "otpauth://steam/a" OK_Q, CG_E_URI_TYPE },
	{ "empty type", "otpauth:///a" OK_Q, CG_E_URI_TYPE },
	{ "type totpx", "otpauth://totpx/a" OK_Q, CG_E_URI_TYPE },
	{ "type tot", "otpauth://tot/a" OK_Q, CG_E_URI_TYPE },
	{ "nothing after scheme", "otpauth://", CG_E_URI_TYPE },
	{ "no label, query follows type", "otpauth://totp" OK_Q,
	  CG_E_URI_LABEL },
	{ "no label, end", "otpauth://totp", CG_E_URI_LABEL },
	{ "empty label", "otpauth://totp/" OK_Q, CG_E_URI_LABEL },
	{ "empty account", "otpauth://totp/Example:" OK_Q, CG_E_URI_LABEL },
	{ "account only spaces", "otpauth://totp/Example:%20%20" OK_Q,
	  CG_E_URI_LABEL },
	{ "empty issuer prefix", "otpauth://totp/:alice" OK_Q,
	  CG_E_URI_LABEL },
	{ "empty issuer prefix %3A", "otpauth://totp/%3Aalice" OK_Q,
	  CG_E_URI_LABEL },
	{ "label is only a colon", "otpauth://totp/:" OK_Q, CG_E_URI_LABEL },
	{ "truncated escape %2", "otpauth://totp/a%2" OK_Q,
	  CG_E_URI_ENCODING },
	{ "truncated escape %", "otpauth://totp/a%" OK_Q, CG_E_URI_ENCODING },
	{ "non-hex escape %zz", "otpauth://totp/a%zz" OK_Q,
	  CG_E_URI_ENCODING },
	{ "non-hex escape %g0", "otpauth://totp/a%g0" OK_Q,
	  CG_E_URI_ENCODING },
	{ "escaped NUL", "otpauth://totp/a%00b" OK_Q, CG_E_URI_ENCODING },
	{ "escaped newline", "otpauth://totp/a%0Ab" OK_Q, CG_E_URI_ENCODING },
	{ "escaped escape char", "otpauth://totp/a%1B[31m" OK_Q,
	  CG_E_URI_ENCODING },
	{ "escaped DEL", "otpauth://totp/a%7F" OK_Q, CG_E_URI_ENCODING },
	{ "raw tab", "otpauth://totp/a\tb" OK_Q, CG_E_URI_ENCODING },
	{ "raw newline", "otpauth://totp/a\nb" OK_Q, CG_E_URI_ENCODING },
	{ "raw newline at end", "otpauth://totp/a" OK_Q "\n",
	  CG_E_URI_ENCODING },
	{ "raw DEL", "otpauth://totp/a\x7f" OK_Q, CG_E_URI_ENCODING },
	{ "fragment", "otpauth://totp/a" OK_Q "#frag", CG_E_URI_ENCODING },
	{ "bad escape in issuer", "otpauth://totp/a" OK_Q "&issuer=A%",
	  CG_E_URI_ENCODING },
	{ "bad escape in secret", "otpauth://totp/a?secret=JBSW%2",
	  CG_E_URI_ENCODING },
	{ "control char in issuer", "otpauth://totp/a" OK_Q "&issuer=A%0D",
	  CG_E_URI_ENCODING },
	{ "no query", "otpauth://totp/a", CG_E_URI_SECRET },
	{ "empty query", "otpauth://totp/a?", CG_E_URI_SECRET },
	{ "no secret", "otpauth://totp/a?issuer=x", CG_E_URI_SECRET },
	{ "empty secret", "otpauth://totp/a?secret=", CG_E_URI_SECRET },
	{ "secret with 1", "otpauth://totp/a?secret=JBSWY3DPEHPK3PX1",
	  CG_E_URI_SECRET },
	{ "secret with dash", "otpauth://totp/a?secret=JBSW-Y3DP-EHPK-3PXP",
	  CG_E_URI_SECRET },
	{ "secret impossible length", "otpauth://totp/a?secret=JBSWY3DPEHPK3P",
	  CG_E_URI_SECRET },
	{ "secret 9 bytes", "otpauth://totp/a?secret=AAAQEAYEAUDAOCA",
	  CG_E_URI_SECRET },
	{ "secret 5 bytes", "otpauth://totp/a?secret=JBSWY3DP",
	  CG_E_URI_SECRET },
	{ "secret padding in middle",
	  "otpauth://totp/a?secret=JBSWY3DP=EHPK3PXP", CG_E_URI_SECRET },
	{ "algorithm MD5", "otpauth://totp/a" OK_Q "&algorithm=MD5",
	  CG_E_URI_ALGORITHM },
	{ "algorithm SHA384", "otpauth://totp/a" OK_Q "&algorithm=SHA384",
	  CG_E_URI_ALGORITHM },
	{ "algorithm SHA-1", "otpauth://totp/a" OK_Q "&algorithm=SHA-1",
	  CG_E_URI_ALGORITHM },
	{ "algorithm empty", "otpauth://totp/a" OK_Q "&algorithm=",
	  CG_E_URI_ALGORITHM },
	{ "algorithm too long", "otpauth://totp/a" OK_Q
	  "&algorithm=SHA1SHA1SHA1SHA1SHA1", CG_E_URI_ALGORITHM },
	{ "algorithm with space", "otpauth://totp/a" OK_Q "&algorithm=SHA1+",
	  CG_E_URI_ALGORITHM },
	{ "digits 7", "otpauth://totp/a" OK_Q "&digits=7", CG_E_URI_DIGITS },
	{ "digits 10", "otpauth://totp/a" OK_Q "&digits=10", CG_E_URI_DIGITS },
	{ "digits 06", "otpauth://totp/a" OK_Q "&digits=06", CG_E_URI_DIGITS },
	{ "digits 6x", "otpauth://totp/a" OK_Q "&digits=6x", CG_E_URI_DIGITS },
	{ "digits empty", "otpauth://totp/a" OK_Q "&digits=", CG_E_URI_DIGITS },
	{ "digits huge", "otpauth://totp/a" OK_Q
	  "&digits=99999999999999999999999", CG_E_URI_DIGITS },
	{ "period 15", "otpauth://totp/a" OK_Q "&period=15", CG_E_URI_PERIOD },
	{ "period 0", "otpauth://totp/a" OK_Q "&period=0", CG_E_URI_PERIOD },
	{ "period 030", "otpauth://totp/a" OK_Q "&period=030",
	  CG_E_URI_PERIOD },
	{ "period -30", "otpauth://totp/a" OK_Q "&period=-30",
	  CG_E_URI_PERIOD },
	{ "period 30s", "otpauth://totp/a" OK_Q "&period=30s",
	  CG_E_URI_PERIOD },
	{ "period empty", "otpauth://totp/a" OK_Q "&period=", CG_E_URI_PERIOD },
	{ "unknown parameter", "otpauth://totp/a" OK_Q "&foo=bar",
	  CG_E_URI_PARAM },
	{ "counter (hotp only)", "otpauth://totp/a" OK_Q "&counter=0",
	  CG_E_URI_PARAM },
	{ "image (FreeOTP extension)", "otpauth://totp/a" OK_Q
	  "&image=https%3A%2F%2Fexample.com%2Fx.png", CG_E_URI_PARAM },
	{ "capitalised name", "otpauth://totp/a?Secret=" GSECRET,
	  CG_E_URI_PARAM },
	{ "parameter without =", "otpauth://totp/a" OK_Q "&secret",
	  CG_E_URI_PARAM },
	{ "empty name", "otpauth://totp/a" OK_Q "&=x", CG_E_URI_PARAM },
	{ "repeated secret", "otpauth://totp/a" OK_Q "&secret=" GSECRET,
	  CG_E_URI_PARAM },
	{ "repeated issuer", "otpauth://totp/a" OK_Q "&issuer=A&issuer=A",
	  CG_E_URI_PARAM },
	{ "repeated digits", "otpauth://totp/a" OK_Q "&digits=6&digits=6",
	  CG_E_URI_PARAM },
	{ "repeated algorithm", "otpauth://totp/a" OK_Q
	  "&algorithm=SHA1&algorithm=SHA256", CG_E_URI_PARAM },
	{ "repeated period", "otpauth://totp/a" OK_Q "&period=30&period=30",
	  CG_E_URI_PARAM },
	{ "issuer mismatch", "otpauth://totp/Example:alice" OK_Q
	  "&issuer=Other", CG_E_URI_ISSUER },
	{ "issuer differs in case", "otpauth://totp/Example:alice" OK_Q
	  "&issuer=example", CG_E_URI_ISSUER },
	{ "issuer empty vs label", "otpauth://totp/Example:alice" OK_Q
	  "&issuer=", CG_E_URI_ISSUER },
	{ "issuer + is space, label + is plus", "otpauth://totp/A+B:alice"
	  OK_Q "&issuer=A+B", CG_E_URI_ISSUER },
};

static void test_malformed(void **state)
{
	const struct malformed *m = *state;
	struct cg_otpauth o;

	memset(&o, 0xaa, sizeof(o));
	expect_err(cg_otpauth_parse(m->uri, &o), m->want);
	assert_all_zero(&o, sizeof(o));
}

/* ---- sizes ---------------------------------------------------------------- */

/* A heap URI: prefix, then `n` copies of `fill`, then suffix. */
static char *make_uri(const char *prefix, char fill, size_t n,
		      const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + n + sl + 1);

	assert_non_null(s);
	memcpy(s, prefix, pl);
	memset(s + pl, fill, n);
	memcpy(s + pl + n, suffix, sl + 1);
	return s;
}

static void parse_expect(const char *uri, cg_err want)
{
	struct cg_otpauth o;

	memset(&o, 0xaa, sizeof(o));
	expect_err(cg_otpauth_parse(uri, &o), want);
	if (want != CG_OK)
		assert_all_zero(&o, sizeof(o));
}

static void test_sizes(void **state)
{
	const char *head = "otpauth://totp/a" OK_Q;
	size_t hl = strlen(head);
	char *u;

	(void)state;
	/* CG_URI_MAX exactly is fine (padded with empty segments); one more
	 * byte is not. */
	u = make_uri(head, '&', CG_URI_MAX - hl, "");
	parse_expect(u, CG_OK);
	free(u);
	u = make_uri(head, '&', CG_URI_MAX - hl + 1, "");
	parse_expect(u, CG_E_TOOBIG);
	free(u);
	/* account of CG_LABEL_MAX - 1 bytes fits, CG_LABEL_MAX does not */
	u = make_uri("otpauth://totp/I:", 'x', CG_LABEL_MAX - 1, OK_Q);
	parse_expect(u, CG_OK);
	free(u);
	u = make_uri("otpauth://totp/I:", 'x', CG_LABEL_MAX, OK_Q);
	parse_expect(u, CG_E_TOOBIG);
	free(u);
	u = make_uri("otpauth://totp/", 'x', CG_LABEL_MAX, ":a" OK_Q);
	parse_expect(u, CG_E_TOOBIG);
	free(u);
	u = make_uri("otpauth://totp/a" OK_Q "&issuer=", 'x', CG_LABEL_MAX,
	    "");
	parse_expect(u, CG_E_TOOBIG);
	free(u);
}

/* Largest secret accepted, one byte more refused. */
static void test_secret_sizes(void **state)
{
	uint8_t key[CG_SECRET_MAX + 1];
	char b32[256], uri[512];
	struct cg_otpauth o;

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	expect_err(cg_base32_encode(key, CG_SECRET_MAX, false, b32,
	    sizeof(b32)), CG_OK);
	snprintf(uri, sizeof(uri), "otpauth://totp/a?secret=%s", b32);
	expect_err(cg_otpauth_parse(uri, &o), CG_OK);
	assert_int_equal(o.totp.secret_len, CG_SECRET_MAX);
	assert_memory_equal(o.totp.secret, key, CG_SECRET_MAX);
	expect_err(cg_base32_encode(key, CG_SECRET_MAX + 1, false, b32,
	    sizeof(b32)), CG_OK);
	snprintf(uri, sizeof(uri), "otpauth://totp/a?secret=%s", b32);
	parse_expect(uri, CG_E_URI_SECRET);
}

/* ---- builder refusals --------------------------------------------------- */

static void build_expect(const struct cg_otpauth *o, cg_err want)
{
	char *uri = (char *)"untouched";

	expect_err(cg_otpauth_build(o, &uri), want);
	assert_null(uri);
}

static void test_build_refusals(void **state)
{
	struct cg_otpauth o;

	(void)state;
	init_otpauth(&o, "Example", "", GSECRET);
	build_expect(&o, CG_E_URI_LABEL);                /* empty account */
	init_otpauth(&o, "Example", " alice", GSECRET);
	build_expect(&o, CG_E_URI_LABEL);                /* leading space */
	init_otpauth(&o, "", "a:b", GSECRET);
	build_expect(&o, CG_E_URI_LABEL);                /* ambiguous */
	init_otpauth(&o, "Ex\nample", "alice", GSECRET);
	build_expect(&o, CG_E_URI_LABEL);                /* control char */
	init_otpauth(&o, "Example", "al\x7f" "ice", GSECRET);
	build_expect(&o, CG_E_URI_LABEL);
	init_otpauth(&o, "Example", "alice", GSECRET);
	memset(o.account, 'a', sizeof(o.account));        /* no NUL */
	build_expect(&o, CG_E_TOOBIG);
	init_otpauth(&o, "Example", "alice", GSECRET);
	memset(o.issuer, 'a', sizeof(o.issuer));
	build_expect(&o, CG_E_TOOBIG);
	init_otpauth(&o, "Example", "alice", GSECRET);
	o.totp.secret_len = CG_SECRET_MIN - 1;
	build_expect(&o, CG_E_URI_SECRET);
	o.totp.secret_len = CG_SECRET_MAX + 1;
	build_expect(&o, CG_E_URI_SECRET);
	init_otpauth(&o, "Example", "alice", GSECRET);
	o.totp.alg = (cg_alg)3;
	build_expect(&o, CG_E_URI_ALGORITHM);
	init_otpauth(&o, "Example", "alice", GSECRET);
	o.totp.digits = 7;
	build_expect(&o, CG_E_URI_DIGITS);
	init_otpauth(&o, "Example", "alice", GSECRET);
	o.totp.period = 45;
	build_expect(&o, CG_E_URI_PERIOD);
	build_expect(NULL, CG_E_INVAL);
	init_otpauth(&o, "Example", "alice", GSECRET);
	expect_err(cg_otpauth_build(&o, NULL), CG_E_INVAL);
	expect_err(cg_otpauth_parse(NULL, &o), CG_E_INVAL);
	expect_err(cg_otpauth_parse("otpauth://totp/a" OK_Q, NULL),
	    CG_E_INVAL);
}

#define ADD_TABLE(table, fn) \
	for (size_t i_ = 0; i_ < CG_ARRAY_SIZE(table); i_++) \
		add_test(table[i_].name, fn, &table[i_])

int main(void)
{
	ADD_TABLE(built, test_build_exact);
	ADD_TABLE(round_trips, test_round_trip);
	add_test("round trip: longest names", test_round_trip_longest, NULL);
	ADD_TABLE(parsed, test_parse);
	ADD_TABLE(malformed, test_malformed);
	add_test("sizes: URI and names at and past their limits", test_sizes,
	    NULL);
	add_test("sizes: secret of CG_SECRET_MAX and one more",
	    test_secret_sizes, NULL);
	add_test("build: refusals", test_build_refusals, NULL);
	return _cmocka_run_group_tests("otpauth", tests, ntests, NULL, NULL);
}
