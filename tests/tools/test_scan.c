/* The scanner's pure parts: which needles a credential file gives
 * (tools/scan_needles.c), who can read a file (tools/scan_reach.c), and
 * how values are written in the text output (tools/scan_report.c). */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "scan.h"

#define MAX_TESTS 64
#include "table_test.h"

/* ---- needles -------------------------------------------------------------- */

#define MAX_NEEDLES 32

struct got {
	char v[MAX_NEEDLES][SCAN_NEEDLE_MAX + 1];
	size_t n;
};

static cg_err collect(const unsigned char *p, size_t len, void *arg)
{
	struct got *g = arg;
	size_t i;

	assert_true(len <= SCAN_NEEDLE_MAX);
	for (i = 0; i < g->n; i++)              /* the caller drops duplicates */
		if (strlen(g->v[i]) == len && memcmp(g->v[i], p, len) == 0)
			return CG_OK;
	assert_true(g->n < MAX_NEEDLES);
	memcpy(g->v[g->n], p, len);
	g->v[g->n][len] = '\0';
	g->n++;
	return CG_OK;
}

struct needle_case {
	const char *name;
	const char *content;
	unsigned min_length;
	const char *want[12];                   /* NULL-terminated, any order */
};

static const struct needle_case needle_cases[] = {
	{ "postfix sasl_passwd: line, user:pass, pass",
	  "[smtp.example.com]:587 relay-user:s3cr3t-pw-42\n", 10,
	  { "[smtp.example.com]:587 relay-user:s3cr3t-pw-42",
	    "relay-user:s3cr3t-pw-42", "s3cr3t-pw-42", NULL } },
	{ "a short password stays out; the user name alone never is one",
	  "relay-user:s3cr3t-pw\n", 10,
	  { "relay-user:s3cr3t-pw", NULL } },
	{ "KEY=value, quoted, export",
	  "export API_TOKEN=\"tok-0123456789abcdef\"\n", 10,
	  { "export API_TOKEN=\"tok-0123456789abcdef\"",
	    "API_TOKEN=\"tok-0123456789abcdef\"",
	    "tok-0123456789abcdef", NULL } },
	{ "key: value and key = 'value';",
	  "password: hunter2-hunter2\nsecret = 'abcdefghijkl';\n", 10,
	  { "password: hunter2-hunter2\nsecret = 'abcdefghijkl';",
	    "password: hunter2-hunter2", "hunter2-hunter2",
	    "secret = 'abcdefghijkl';", "abcdefghijkl", NULL } },
	{ "JSON member: the value without quotes and comma",
	  "  \"client_secret\": \"GOCSPX-abcdefghijkl\",\n", 10,
	  { "\"client_secret\": \"GOCSPX-abcdefghijkl\",",
	    "GOCSPX-abcdefghijkl", NULL } },
	{ "whole content of several lines, each line, comments and headers out",
	  "# smtp relay credentials\n[default]\naws_access_key_id = AKIAEXAMPLE0001\n"
	  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n", 10,
	  { "# smtp relay credentials\n[default]\naws_access_key_id = "
	    "AKIAEXAMPLE0001\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG",
	    "aws_access_key_id = AKIAEXAMPLE0001", "AKIAEXAMPLE0001",
	    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG",
	    "wJalrXUtnFEMI/K7MDENG", NULL } },
	{ "PEM armour is no needle, the key body is",
	  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0\n"
	  "-----END PRIVATE KEY-----\n", 10,
	  { "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0\n"
	    "-----END PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0", NULL } },
	{ "blanks and CRLF trimmed",
	  "  \tpassword-only-value  \r\n", 10,
	  { "password-only-value", NULL } },
	{ "min_length raised: only the long part",
	  "user:a-much-longer-secret\n", 21,
	  { "user:a-much-longer-secret", NULL } },
	{ "nothing long enough: no needle",
	  "short\n\n\n", 10, { NULL } },
};

static size_t count_want(const struct needle_case *c)
{
	size_t n = 0;

	while (c->want[n] != NULL)
		n++;
	return n;
}

static void test_needles(void **state)
{
	const struct needle_case *c = *state;
	struct got g = { .n = 0 };
	size_t nwant = count_want(c);

	expect_err(scan_needles_derive((const unsigned char *)c->content,
				       strlen(c->content), c->min_length,
				       collect, &g), CG_OK);
	for (size_t i = 0; i < nwant; i++) {
		size_t j;

		for (j = 0; j < g.n && strcmp(g.v[j], c->want[i]) != 0; j++)
			;
		if (j == g.n)
			fail_msg("missing needle \"%s\"", c->want[i]);
	}
	for (size_t j = 0; j < g.n; j++) {
		size_t i;

		for (i = 0; i < nwant && strcmp(g.v[j], c->want[i]) != 0; i++)
			;
		if (i == nwant)
			fail_msg("unexpected needle \"%s\"", g.v[j]);
	}
}

static void test_long_needle_cut(void **state)
{
	char content[600];
	struct got g = { .n = 0 };

	memset(content, 'x', sizeof(content) - 1);
	content[sizeof(content) - 1] = '\0';
	expect_err(scan_needles_derive((const unsigned char *)content,
				       strlen(content), 10, collect, &g), CG_OK);
	assert_int_equal(g.n, 1);               /* content = line, one needle */
	assert_int_equal(strlen(g.v[0]), SCAN_NEEDLE_MAX);
}

static cg_err refuse(const unsigned char *p, size_t len, void *arg)
{
	return CG_E_NOMEM;
}

static void test_needle_error_stops(void **state)
{
	expect_err(scan_needles_derive((const unsigned char *)"long-enough-value",
				       17, 10, refuse, NULL), CG_E_NOMEM);
}

/* ---- who can read it ------------------------------------------------------ */

static struct stat st_of(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_uid = uid;
	st.st_gid = gid;
	return st;
}

static void test_reach(void **state)
{
	struct scan_reach r = { REACH_ALL, 0 };
	struct stat home = st_of(S_IFDIR | 0755, 1000, 1000);
	struct stat grpdir = st_of(S_IFDIR | 0750, 1000, 50);
	struct stat grpdir2 = st_of(S_IFDIR | 0710, 0, 51);
	struct stat priv = st_of(S_IFDIR | 0700, 1000, 1000);
	struct stat f;
	struct scan_reader rd;

	scan_reach_enter(&r, &home);
	assert_int_equal(r.kind, REACH_ALL);
	f = st_of(S_IFREG | 0644, 1000, 1000);
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_WORLD);
	f = st_of(S_IFREG | 0640, 1000, 60);
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_GROUP);
	assert_int_equal(rd.id, 60);
	f = st_of(S_IFREG | 0600, 1000, 60);
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_OWNER);
	assert_int_equal(rd.id, 1000);

	/* behind a directory only group 50 may enter */
	scan_reach_enter(&r, &grpdir);
	assert_int_equal(r.kind, REACH_GROUP);
	assert_int_equal(r.gid, 50);
	f = st_of(S_IFREG | 0644, 1000, 1000);   /* world-readable, but... */
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_GROUP);
	assert_int_equal(rd.id, 50);
	f = st_of(S_IFREG | 0640, 1000, 60);     /* another group: nobody */
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_OWNER);
	f = st_of(S_IFREG | 0640, 1000, 50);
	rd = scan_readable_by(&r, &f);
	assert_int_equal(rd.kind, READER_GROUP);
	assert_int_equal(rd.id, 50);

	/* a second group-only directory of another group: nobody */
	scan_reach_enter(&r, &grpdir2);
	assert_int_equal(r.kind, REACH_NONE);
	f = st_of(S_IFREG | 0644, 1000, 1000);
	assert_int_equal(scan_readable_by(&r, &f).kind, READER_OWNER);

	r = (struct scan_reach){ REACH_ALL, 0 };
	scan_reach_enter(&r, &priv);
	assert_int_equal(r.kind, REACH_NONE);
}

static void test_reader_text(void **state)
{
	struct scan_reader rd = { READER_WORLD, 0 };
	char buf[64];

	scan_reader_text(&rd, buf, sizeof(buf));
	assert_string_equal(buf, "world");
	rd = (struct scan_reader){ READER_OWNER, 0 };
	scan_reader_text(&rd, buf, sizeof(buf));
	assert_string_equal(buf, "owner root");
	rd = (struct scan_reader){ READER_GROUP, 4000000000u };
	scan_reader_text(&rd, buf, sizeof(buf));
	assert_string_equal(buf, "group 4000000000");
}

/* ---- escaping ----------------------------------------------------------- */

static char *capture(void (*put)(FILE *, const char *), const char *s)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	put(f, s);
	fclose(f);
	return out;
}

static void test_put_value(void **state)
{
	assert_string_equal(capture(scan_put_value, "/home/alice/x.sh"),
			    "/home/alice/x.sh");
	assert_string_equal(capture(scan_put_value, "group dev"),
			    "\"group dev\"");
	assert_string_equal(capture(scan_put_value, "a\nb\"c\\d\x1b[0m"),
			    "\"a\\x0ab\\\"c\\\\d\\x1b[0m\"");
	assert_string_equal(capture(scan_put_value, ""), "-");
	assert_string_equal(capture(scan_put_value, "caf\xc3\xa9"),
			    "\"caf\\xc3\\xa9\"");
}

int main(void)
{
	for (size_t i = 0; i < CG_ARRAY_SIZE(needle_cases); i++)
		add_test(needle_cases[i].name, test_needles,
			 (void *)&needle_cases[i]);
	add_test("a long needle keeps its first bytes", test_long_needle_cut,
		 NULL);
	add_test("an error from the callback stops", test_needle_error_stops,
		 NULL);
	add_test("who can read: world, a group, the owner", test_reach, NULL);
	add_test("readers in words", test_reader_text, NULL);
	add_test("text values escaped, never cut", test_put_value, NULL);
	return _cmocka_run_group_tests("scan", tests, ntests, NULL, NULL);
}
