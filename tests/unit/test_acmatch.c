/* The multi-pattern matcher (lib/acmatch.c): the textbook example, every
 * match (overlapping, nested, duplicated, at the edges, binary bytes)
 * found exactly once, stopping from the callback, misuse refused, and
 * randomised cross-checks against a naive search — through both scan
 * paths (the 4-byte prefix filter when every pattern is that long, the
 * plain DFA otherwise). */
#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "acmatch.h"

#define MAX_TESTS 32
#include "table_test.h"

#define MAX_HITS 100000

struct hit {
	uint32_t id;
	size_t end;
};

struct hits {
	struct hit h[MAX_HITS];
	size_t n;
	size_t stop_after;              /* 0: never stop */
};

static struct hits got, want;

static int record(uint32_t id, size_t end, void *arg)
{
	struct hits *hs = arg;

	assert_true(hs->n < MAX_HITS);
	hs->h[hs->n].id = id;
	hs->h[hs->n].end = end;
	hs->n++;
	return hs->stop_after != 0 && hs->n == hs->stop_after ? 42 : 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void assert_same_hits(struct hits *a, struct hits *b)
{
	qsort(a->h, a->n, sizeof(a->h[0]), cmp_hit);
	qsort(b->h, b->n, sizeof(b->h[0]), cmp_hit);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->h[i].id, b->h[i].id);
		assert_int_equal(a->h[i].end, b->h[i].end);
	}
}

struct pattern {
	const char *s;
	size_t len;                     /* 0: strlen */
};

static struct cg_ac *compile(const struct pattern *p, size_t n)
{
	struct cg_ac *ac = NULL;

	expect_err(cg_ac_new(0, &ac), CG_OK);
	for (size_t i = 0; i < n; i++)
		expect_err(cg_ac_add(ac, p[i].s, p[i].len ? p[i].len :
				     strlen(p[i].s), (uint32_t)i), CG_OK);
	expect_err(cg_ac_compile(ac), CG_OK);
	return ac;
}

/* Every occurrence of every pattern, the slow way. */
static void naive(const struct pattern *p, size_t n, const unsigned char *text,
		  size_t len, struct hits *out)
{
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		size_t pl = p[i].len ? p[i].len : strlen(p[i].s);

		for (size_t j = 0; j + pl <= len; j++)
			if (memcmp(text + j, p[i].s, pl) == 0)
				record((uint32_t)i, j + pl, out);
	}
}

static void check(const struct pattern *p, size_t n, const void *text,
		  size_t len)
{
	struct cg_ac *ac = compile(p, n);

	naive(p, n, text, len, &want);
	got.n = 0;
	got.stop_after = 0;
	assert_int_equal(cg_ac_scan(ac, text, len, record, &got), 0);
	assert_same_hits(&got, &want);
	cg_ac_free(ac);
}

static void textbook(void **state)
{
	static const struct pattern p[] = {
		{ "he", 0 }, { "she", 0 }, { "his", 0 }, { "hers", 0 },
	};

	check(p, 4, "ushers", 6);
	assert_int_equal(got.n, 3);     /* she, he (both end at 4), hers */
	check(p, 4, "ahishershe", 10);
}

static void long_patterns(void **state)
{
	static const struct pattern p[] = {
		{ "s3cr3t-password", 0 }, { "cr3t-pass", 0 },
		{ "relay-user:s3cr3t-password", 0 }, { "password", 0 },
	};
	static const char text[] =
		"x relay-user:s3cr3t-password y s3cr3t-passwor s3cr3t-password";

	check(p, 4, text, sizeof(text) - 1);
	assert_int_equal(got.n, 8);
}

static void edges(void **state)
{
	static const struct pattern p[] = { { "abcd", 0 }, { "bcde", 0 } };

	check(p, 2, "abcd", 4);                 /* the whole buffer */
	assert_int_equal(got.n, 1);
	check(p, 2, "xxabcde", 7);              /* ends at the end */
	assert_int_equal(got.n, 2);
	check(p, 2, "abc", 3);                  /* shorter than any pattern */
	assert_int_equal(got.n, 0);
	check(p, 2, "", 0);
	assert_int_equal(got.n, 0);
	check(p, 2, "aaaabcdabcdabcd", 15);     /* repeats, back to back */
	assert_int_equal(got.n, 3);
}

static void overlapping_self(void **state)
{
	static const struct pattern p[] = { { "aaaa", 0 }, { "aaaaaa", 0 } };

	check(p, 2, "aaaaaaaaaa", 10);          /* 7 + 5 overlapping matches */
	assert_int_equal(got.n, 12);
}

static void duplicates(void **state)
{
	static const struct pattern p[] = {
		{ "same-bytes", 0 }, { "same-bytes", 0 }, { "bytes", 0 },
	};

	check(p, 3, "the same-bytes here", 19);
	assert_int_equal(got.n, 3);             /* both ids, and the suffix */
}

static void binary(void **state)
{
	static const struct pattern p[] = {
		{ "\0\xff\0\xff", 4 }, { "\xff\xfe\0", 3 }, { "\0", 1 },
	};
	static const unsigned char text[] = {
		1, 0, 0xff, 0, 0xff, 0xfe, 0, 7, 0xff, 0xfe,
	};

	check(p, 3, text, sizeof(text));
	assert_int_equal(got.n, 5);
}

static void no_patterns(void **state)
{
	struct cg_ac *ac = compile(NULL, 0);

	got.n = 0;
	assert_int_equal(cg_ac_scan(ac, "anything", 8, record, &got), 0);
	assert_int_equal(got.n, 0);
	cg_ac_free(ac);
}

static void stop(void **state)
{
	static const struct pattern p[] = { { "abcd", 0 } };
	struct cg_ac *ac = compile(p, 1);

	got.n = 0;
	got.stop_after = 2;
	assert_int_equal(cg_ac_scan(ac, "abcd abcd abcd", 14, record, &got), 42);
	assert_int_equal(got.n, 2);
	got.stop_after = 0;
	cg_ac_free(ac);
}

static void misuse(void **state)
{
	struct cg_ac *ac = NULL;

	expect_err(cg_ac_new(0x80, &ac), CG_E_INVAL);
	expect_err(cg_ac_new(0, NULL), CG_E_INVAL);
	expect_err(cg_ac_new(0, &ac), CG_OK);
	expect_err(cg_ac_add(ac, "", 0, 1), CG_E_INVAL);
	expect_err(cg_ac_add(ac, NULL, 3, 1), CG_E_INVAL);
	expect_err(cg_ac_add(ac, "abc", 3, 1), CG_OK);
	expect_err(cg_ac_compile(ac), CG_OK);
	expect_err(cg_ac_compile(ac), CG_E_INVAL);
	expect_err(cg_ac_add(ac, "abc", 3, 2), CG_E_INVAL);
	assert_int_equal(cg_ac_states(ac), 4);
	assert_true(cg_ac_memory(ac) > 0);
	cg_ac_free(ac);
	cg_ac_free(NULL);
	assert_int_equal(cg_ac_scan(NULL, "abc", 3, record, &got), 0);
}

/* Locked memory: as root always; otherwise within RLIMIT_MEMLOCK. */
static void locked(void **state)
{
	struct cg_ac *ac = NULL;
	cg_err e = cg_ac_new(CG_AC_LOCKED, &ac);

	if (e == CG_E_NOMEM && (errno == EPERM || errno == ENOMEM))
		skip();
	expect_err(e, CG_OK);
	expect_err(cg_ac_add(ac, "locked-needle", 13, 7), CG_OK);
	expect_err(cg_ac_compile(ac), CG_OK);
	got.n = 0;
	assert_int_equal(cg_ac_scan(ac, "a locked-needle", 15, record, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.h[0].id, 7);
	assert_int_equal(got.h[0].end, 15);
	cg_ac_free(ac);
}

/* ---- randomised cross-checks against the naive search ------------------ */

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Patterns and text over a small alphabet, so matches overlap and nest. */
static void random_round(size_t minlen, size_t maxlen, size_t npat,
			 const char *alphabet)
{
	static char store[64][16];
	struct pattern p[64];
	unsigned char text[4096];
	size_t na = strlen(alphabet);

	for (size_t i = 0; i < npat; i++) {
		size_t len = minlen + next_rand() % (maxlen - minlen + 1);

		for (size_t j = 0; j < len; j++)
			store[i][j] = alphabet[next_rand() % na];
		p[i].s = store[i];
		p[i].len = len;
	}
	for (size_t j = 0; j < sizeof(text); j++)
		text[j] = (unsigned char)alphabet[next_rand() % na];
	/* plant a few patterns, one right at the end */
	for (size_t k = 0; k < 8; k++) {
		const struct pattern *q = &p[next_rand() % npat];
		size_t at = k == 0 ? sizeof(text) - q->len :
			    next_rand() % (sizeof(text) - q->len);

		memcpy(text + at, q->s, q->len);
	}
	check(p, npat, text, sizeof(text));
}

static void random_filtered(void **state)
{
	for (int round = 0; round < 200; round++)
		random_round(4, 12, 1 + next_rand() % 64, "abc");
}

static void random_plain(void **state)
{
	for (int round = 0; round < 200; round++)
		random_round(1, 6, 1 + next_rand() % 64, "ab");
}

static void random_wide(void **state)
{
	for (int round = 0; round < 50; round++)
		random_round(4, 15, 64,
			     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_:");
}

int main(void)
{
	add_test("textbook he/she/his/hers", textbook, NULL);
	add_test("long overlapping patterns", long_patterns, NULL);
	add_test("matches at the edges of the buffer", edges, NULL);
	add_test("self-overlapping matches", overlapping_self, NULL);
	add_test("the same bytes under two ids", duplicates, NULL);
	add_test("binary bytes, NUL included", binary, NULL);
	add_test("no patterns: no matches", no_patterns, NULL);
	add_test("the callback stops the scan", stop, NULL);
	add_test("misuse refused", misuse, NULL);
	add_test("locked memory", locked, NULL);
	add_test("random: filtered scan = naive search", random_filtered, NULL);
	add_test("random: plain scan = naive search", random_plain, NULL);
	add_test("random: wide alphabet = naive search", random_wide, NULL);
	return _cmocka_run_group_tests("acmatch", tests, ntests, NULL, NULL);
}
