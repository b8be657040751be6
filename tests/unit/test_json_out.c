/* The JSON writer (lib/json_out.c): commas, nesting, null, escaping, the
 * final newline, and a document it cannot complete reported as such.
 * Its output is read back with the project's own JSON object parser. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json.h"

struct doc {
	char *buf;
	size_t len;
	FILE *f;
	struct cg_json_out w;
};

static void doc_open(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	d->f = open_memstream(&d->buf, &d->len);
	assert_non_null(d->f);
	cg_json_out_init(&d->w, d->f);
}

static void doc_done(struct doc *d, cg_err want, const char *text)
{
	assert_int_equal(cg_json_out_end(&d->w), want);
	fclose(d->f);
	if (text != NULL)
		assert_string_equal(d->buf, text);
	free(d->buf);
}

static void test_nested(void **s)
{
	struct doc d;
	(void)s;
	doc_open(&d);
	cg_json_out_object(&d.w, NULL);
	cg_json_out_str(&d.w, "user", "alice");
	cg_json_out_array(&d.w, "credentials");
	cg_json_out_object(&d.w, NULL);
	cg_json_out_str(&d.w, "name", "smtp");
	cg_json_out_null(&d.w, "description");
	cg_json_out_close(&d.w);
	cg_json_out_object(&d.w, NULL);
	cg_json_out_str(&d.w, "name", "api");
	cg_json_out_str(&d.w, "description", NULL);
	cg_json_out_close(&d.w);
	cg_json_out_close(&d.w);
	cg_json_out_int(&d.w, "n", -42);
	cg_json_out_bool(&d.w, "ok", true);
	cg_json_out_bool(&d.w, "bad", false);
	cg_json_out_array(&d.w, "empty");
	cg_json_out_close(&d.w);
	cg_json_out_close(&d.w);
	doc_done(&d, CG_OK,
		 "{\"user\":\"alice\",\"credentials\":[{\"name\":\"smtp\","
		 "\"description\":null},{\"name\":\"api\",\"description\":null}],"
		 "\"n\":-42,\"ok\":true,\"bad\":false,\"empty\":[]}\n");
}

static void test_escaping(void **s)
{
	struct doc d;
	(void)s;
	doc_open(&d);
	cg_json_out_object(&d.w, NULL);
	cg_json_out_str(&d.w, "a\"b", "line\nnext\\\x01\xff");
	cg_json_out_close(&d.w);
	doc_done(&d, CG_OK,
		 "{\"a\\\"b\":\"line\\nnext\\\\\\u0001\\u00ff\"}\n");
}

static cg_err count_member(void *arg, const char *key, enum cg_json_type t,
			   const char *val, size_t vlen)
{
	(void)key; (void)t; (void)val; (void)vlen;
	(*(int *)arg)++;
	return CG_OK;
}

/* What it writes, the parser reads: one object, every member. */
static void test_round_trip(void **s)
{
	struct doc d;
	int n = 0;
	(void)s;
	doc_open(&d);
	cg_json_out_object(&d.w, NULL);
	cg_json_out_str(&d.w, "s", "x\ty");
	cg_json_out_int(&d.w, "i", 1790000000);
	cg_json_out_null(&d.w, "z");
	cg_json_out_array(&d.w, "a");
	cg_json_out_int(&d.w, NULL, 1);
	cg_json_out_int(&d.w, NULL, 2);
	cg_json_out_close(&d.w);
	cg_json_out_close(&d.w);
	assert_int_equal(cg_json_out_end(&d.w), CG_OK);
	fclose(d.f);
	assert_int_equal(cg_json_object_parse(d.buf, d.len, count_member, &n),
			 CG_OK);
	assert_int_equal(n, 4);
	free(d.buf);
}

static void test_incomplete(void **s)
{
	struct doc d;
	(void)s;
	doc_open(&d);
	cg_json_out_object(&d.w, NULL);
	cg_json_out_array(&d.w, "a");
	cg_json_out_close(&d.w);
	doc_done(&d, CG_E_INVAL, NULL);        /* the object is still open */

	doc_open(&d);
	for (int i = 0; i < CG_JSON_OUT_DEPTH + 1; i++)
		cg_json_out_array(&d.w, NULL);
	for (int i = 0; i < CG_JSON_OUT_DEPTH + 1; i++)
		cg_json_out_close(&d.w);
	doc_done(&d, CG_E_INVAL, NULL);        /* too deep */

	doc_open(&d);
	cg_json_out_close(&d.w);
	doc_done(&d, CG_E_INVAL, NULL);        /* nothing to close */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_incomplete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
