/* State format 3 (lib/state_slots.c): which slot a reader takes.  Files
 * are built with the real sealer, then damaged as a crash, an old copy or
 * a careless hand would: a torn slot, both slots valid, a stale or forged
 * generation, swapped slots, equal generations, a truncated file, another
 * user's or another key's slots, a bad header, a state that outgrows its
 * slot. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cg_macros.h"
#include "recovery.h"
#include "seal.h"
#include "state.h"
#include "state_fixture.h"
#include "state_sealed.h"
#include "wipe.h"

#define HDR CG_STATE_V3_HEADER

static struct cg_key key1, key2;

static int setup_keys(void **unused)
{
	(void)unused;
	memset(key1.bytes, 0x11, sizeof(key1.bytes));
	memset(key1.id, 0xa1, sizeof(key1.id));
	memset(key2.bytes, 0x22, sizeof(key2.bytes));
	memset(key2.id, 0xb2, sizeof(key2.id));
	return 0;
}

/* A file with generation gen in slot 0 (last_step step0) and, if gen1 is
 * not 0, generation gen1 in slot 1 (last_step step1). */
static uint8_t *make_file(uint64_t gen0, int64_t step0, uint64_t gen1,
			  int64_t step1, size_t *len, size_t *s)
{
	struct cg_state st;
	uint8_t *file = NULL;

	fill_state(&st);
	st.last_step = step0;
	assert_int_equal(cg_state_seal_file(&st, "alice", &key1, gen0, 0, &file,
					    len), CG_OK);
	*s = (*len - HDR) / 2;
	assert_int_equal(*len, 4096);
	assert_int_equal(*s, 2016);
	if (gen1 != 0) {
		st.last_step = step1;
		assert_int_equal(cg_state_seal_slot(&st, "alice", &key1, gen1, *s,
						    file + HDR + *s), CG_OK);
	}
	cg_state_wipe(&st);
	return file;
}

/* Open as alice with key1 (and key2): the error, and on CG_OK the
 * last_step read and the slot it came from. */
static cg_err open_file(const uint8_t *file, size_t len, const char *user,
			int64_t *step, struct cg_state_form *form)
{
	const struct cg_key *keys[2] = { &key1, &key2 };
	struct cg_state st;
	unsigned line = 0;
	cg_err e;

	cg_state_init(&st);
	e = cg_state_open((const char *)file, len, user, keys, 2, &st, &line,
			  form);
	*step = st.last_step;
	cg_state_wipe(&st);
	return e;
}

static void expect_slot(const uint8_t *file, size_t len, int slot,
			uint64_t gen, int64_t step)
{
	struct cg_state_form form;
	int64_t got = 0;

	assert_int_equal(open_file(file, len, "alice", &got, &form), CG_OK);
	assert_int_equal(form.version, 3);
	assert_int_equal(form.slot, slot);
	assert_int_equal(form.generation, gen);
	assert_int_equal(got, step);
}

static void expect_refused(const uint8_t *file, size_t len, cg_err want)
{
	struct cg_state_form form;
	int64_t got = 0;

	assert_int_equal(open_file(file, len, "alice", &got, &form), want);
}

static void test_new_file(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 0, 0, &len, &s);

	(void)unused;
	assert_memory_equal(f, "credgate-state 3\nslot_size 2016\n", 32);
	for (size_t i = HDR + s; i < len; i++)   /* slot 1 empty, written */
		assert_int_equal(f[i], 0);
	expect_slot(f, len, 0, 5, 100);
	free(f);
}

static void test_both_valid_newer_wins(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);
	uint8_t *g = make_file(8, 200, 7, 199, &len, &s);

	(void)unused;
	expect_slot(f, len, 1, 6, 101);
	expect_slot(g, len, 0, 8, 200);
	free(f);
	free(g);
}

/* A write cut short anywhere in the newer slot: the older one answers. */
static void test_torn_slot(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);
	uint8_t *old = make_file(5, 100, 0, 0, &len, &s);
	size_t cuts[] = { 1, 8, 16, 17, 500, 2015 };

	(void)unused;
	for (size_t i = 0; i < CG_ARRAY_SIZE(cuts); i++) {
		uint8_t *t = malloc(len);

		/* the first cuts[i] bytes of the new slot over older bytes */
		memcpy(t, f, len);
		memset(t + HDR + s + cuts[i], 0x5a, s - cuts[i]);
		expect_slot(t, len, 0, 5, 100);
		/* or over the slot's empty (zero) state */
		memcpy(t + HDR + s + cuts[i], old + HDR + s + cuts[i],
		       s - cuts[i]);
		expect_slot(t, len, 0, 5, 100);
		free(t);
	}
	/* one flipped bit in the tag */
	f[len - 1] ^= 1;
	expect_slot(f, len, 0, 5, 100);
	free(f);
	free(old);
}

/* A generation is authenticated: an old slot relabelled as newer fails,
 * and the slot that really is newer still wins. */
static void test_stale_generation(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);

	(void)unused;
	f[HDR] = 9;                          /* slot 0 claims generation 9 */
	expect_slot(f, len, 1, 6, 101);
	f[HDR + s] = 10;                     /* and slot 1 then claims 10 */
	expect_refused(f, len, CG_E_UNSEAL);
	free(f);
}

static void test_swapped_slots(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);
	uint8_t *tmp = malloc(s);

	(void)unused;
	memcpy(tmp, f + HDR, s);
	memmove(f + HDR, f + HDR + s, s);
	memcpy(f + HDR + s, tmp, s);
	expect_slot(f, len, 0, 6, 101);
	free(tmp);
	free(f);
}

/* Never written by us: two authentic slots of one generation. */
static void test_equal_generations(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 5, 101, &len, &s);

	(void)unused;
	expect_refused(f, len, CG_E_PARSE);
	memcpy(f + HDR + s, f + HDR, s);     /* a slot copied over the other */
	expect_refused(f, len, CG_E_PARSE);
	free(f);
}

static void test_truncated(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);
	size_t cuts[] = { 0, 10, HDR - 1, HDR, HDR + s, len - 1 };

	(void)unused;
	for (size_t i = 0; i < CG_ARRAY_SIZE(cuts); i++)
		expect_refused(f, cuts[i], CG_E_PARSE);
	free(f);
}

static void test_header_checked(void **unused)
{
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);
	uint8_t *t = malloc(len);

	(void)unused;
	memcpy(t, f, len);
	memcpy(t + 17, "slot_size 2017\n", 15);   /* not 2048 k - 32 */
	expect_refused(t, len, CG_E_PARSE);
	memcpy(t, f, len);
	t[HDR - 1] = 'x';                         /* padding not NUL */
	expect_refused(t, len, CG_E_PARSE);
	memcpy(t, f, len);
	memcpy(t + 17, "slot_size 02016", 15);    /* not canonical */
	expect_refused(t, len, CG_E_PARSE);
	free(t);
	free(f);
}

static void test_bound_to_user_and_key(void **unused)
{
	const struct cg_key *only2[1] = { &key2 };
	struct cg_state_form form;
	struct cg_state st;
	int64_t got;
	size_t len, s;
	uint8_t *f = make_file(5, 100, 6, 101, &len, &s);

	(void)unused;
	assert_int_equal(open_file(f, len, "alicf", &got, &form), CG_E_UNSEAL);
	assert_false(form.unknown_key);
	cg_state_init(&st);
	assert_int_equal(cg_state_open((const char *)f, len, "alice", only2, 1,
				       &st, NULL, &form), CG_E_UNSEAL);
	assert_true(form.unknown_key);
	assert_memory_equal(form.key_id, key1.id, CG_KEY_ID_LEN);
	/* both slots empty: nothing to read */
	memset(f + HDR, 0, 2 * s);
	expect_refused(f, len, CG_E_PARSE);
	cg_state_wipe(&st);
	free(f);
}

/* A state that outgrows a slot: the slot refuses it, a new file grows. */
static void test_growth(void **unused)
{
	struct cg_state st;
	uint8_t *f = NULL, slot[2016];
	size_t len = 0;
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	int64_t got = 0;
	struct cg_state_form form;

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_recovery_regenerate(&st, CG_RECOVERY_MAX, codes),
			 CG_OK);
	assert_int_equal(cg_state_seal_slot(&st, "alice", &key1, 2, 2016, slot),
			 CG_E_TOOBIG);
	assert_int_equal(cg_state_seal_file(&st, "alice", &key1, 2, 0, &f,
					    &len), CG_OK);
	assert_int_equal(len, 8192);
	assert_int_equal(open_file(f, len, "alice", &got, &form), CG_OK);
	assert_int_equal(form.slot_size, 4064);
	free(f);
	/* a minimum slot size is kept even when the state would fit less */
	st.nrecovery = 0;
	assert_int_equal(cg_state_seal_file(&st, "alice", &key1, 3, 4064, &f,
					    &len), CG_OK);
	assert_int_equal(len, 8192);
	free(f);
	cg_wipe_array(codes);
	cg_state_wipe(&st);
}

/* Slot 0 of a fresh file resealed, as the sealer would, over the state's
 * text padded with NULs, but with byte `at` of the padding set to c
 * (at 0: no change; SIZE_MAX: the plaintext's last byte).  The additional data rebuilt from its definition
 * (state_slots.c): tag, NUL, user, NUL, generation, slot size. */
static uint8_t *file_with_padding(size_t at, char c, size_t *len)
{
	static const char tag[] = "credgate-state 3";
	struct cg_state st;
	size_t s = 0, plen, tlen, alen = 0, blen = 0;
	uint8_t *file = make_file(1, 5, 0, 0, len, &s), *blob = NULL;
	uint8_t aad[64];
	char *text = NULL, *plain;

	fill_state(&st);
	st.last_step = 5;
	assert_int_equal(cg_state_format(&st, &text), CG_OK);
	tlen = strlen(text);
	plen = s - 16 - CG_SEAL_OVERHEAD;
	assert_non_null(plain = calloc(1, plen));
	memcpy(plain, text, tlen);
	if (at == SIZE_MAX) {
		plain[plen - 1] = c;
	} else if (at > 0) {
		assert_true(tlen + at < plen);
		plain[tlen + at] = c;
	}
	memcpy(aad, tag, sizeof(tag));
	alen = sizeof(tag);
	memcpy(aad + alen, "alice", 6);
	alen += 6;
	for (int i = 0; i < 8; i++)
		aad[alen++] = i == 0 ? 1 : 0;           /* generation 1 */
	for (int i = 0; i < 4; i++)
		aad[alen++] = (uint8_t)(s >> (8 * i));
	assert_int_equal(cg_seal(&key1, aad, alen, plain, plen, &blob, &blen),
			 CG_OK);
	assert_int_equal(blen, s - 16);
	memcpy(file + HDR + 16, blob, blen);
	free(blob);
	free(plain);
	cg_free_string(text);
	cg_state_wipe(&st);
	return file;
}

/* After the text, the plaintext is NULs to the slot's end: any other
 * byte there, first, in the middle or last, is damage. */
static void test_padding_all_nul(void **unused)
{
	size_t len = 0, at[] = { 1, 2, 700, 1, 0 };
	char c[] = { 'x', '\n', '\x01', '\x80', 0 };
	uint8_t *f;

	(void)unused;
	f = file_with_padding(0, 0, &len);           /* the oracle holds */
	expect_slot(f, len, 0, 1, 5);
	free(f);
	for (size_t i = 0; at[i] != 0; i++) {
		f = file_with_padding(at[i], c[i], &len);
		expect_refused(f, len, CG_E_PARSE);
		free(f);
	}
	/* the very last byte of the plaintext */
	f = file_with_padding(SIZE_MAX, 'z', &len);
	expect_refused(f, len, CG_E_PARSE);
	free(f);
}

#define T(f) cmocka_unit_test(f)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_file),
		T(test_both_valid_newer_wins),
		T(test_torn_slot),
		T(test_stale_generation),
		T(test_swapped_slots),
		T(test_equal_generations),
		T(test_truncated),
		T(test_header_checked),
		T(test_bound_to_user_and_key),
		T(test_growth),
		T(test_padding_all_nul),
	};

	return cmocka_run_group_tests(tests, setup_keys, NULL);
}
