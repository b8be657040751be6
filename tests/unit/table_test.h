/* Shared by the table-driven cmocka tests: cases are registered at run
 * time (one TAP line per table row), and cg_err results are compared with
 * both codes' messages in the failure.  Include after <cmocka.h>; define
 * MAX_TESTS first to change the capacity. */
#ifndef CG_TABLE_TEST_H
#define CG_TABLE_TEST_H
#include <stdio.h>
#include "cg_error.h"

#ifndef MAX_TESTS
#define MAX_TESTS 128
#endif
static struct CMUnitTest tests[MAX_TESTS];
static size_t ntests;

static void add_test(const char *name, CMUnitTestFunction fn, void *state)
{
	if (ntests >= MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		return;
	}
	tests[ntests].name = name;
	tests[ntests].test_func = fn;
	tests[ntests].setup_func = NULL;
	tests[ntests].teardown_func = NULL;
	tests[ntests].initial_state = state;
	ntests++;
}

/* Append a fixed array of cases (with their setup and teardown). */
static __attribute__((unused)) void add_tests(const struct CMUnitTest *t,
					      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ntests >= MAX_TESTS) {
			fprintf(stderr, "too many tests\n");
			return;
		}
		tests[ntests++] = t[i];
	}
}

static __attribute__((unused)) void expect_err(cg_err got, cg_err want)
{
	if (got != want)
		fail_msg("got %d (%s), want %d (%s)", (int)got,
		    cg_strerror(got), (int)want, cg_strerror(want));
}

#endif
