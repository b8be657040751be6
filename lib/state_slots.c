/* State format 3: a fixed-size file of two sealed slots, so that the
 * files store commits an attempt with one write in place and one
 * fdatasync (store_files.c), crash-safe without a temp file and a rename.
 *
 *   offset 0     header, 64 bytes: "credgate-state 3\nslot_size S\n",
 *                then NUL bytes.  Written only when the file is created
 *                (temp file, fsync, rename): never in place, never torn.
 *   offset 64    slot 0, S bytes
 *   offset 64+S  slot 1, S bytes
 *
 * S = 2048 k - 32 (k = 1..16), so the file is k 4 KiB blocks: the usual
 * state (up to about 14 recovery codes) has k = 1, two slots of 2016
 * bytes in one block.  A slot is
 *
 *   generation   8 bytes, little-endian; 0 = never written (empty)
 *   key id       8 bytes: the host key that sealed it
 *   blob         S - 16 bytes: cg_seal(nonce || ciphertext || tag)
 *
 * The plaintext is the format-1 text (state_text.c) followed by NUL bytes
 * up to the slot's end, so every state that fits a slot of that size
 * looks the same (the padding of format 2, without its second block).
 * The additional data is "credgate-state 3", NUL, the user name, NUL,
 * the generation and S (8 and 4 bytes little-endian): a slot copied to
 * another user, given another generation or read with another slot size
 * fails authentication, so a torn or stale slot can never pass for the
 * newer one.
 *
 * Reading opens both slots and takes the authentic one with the higher
 * generation.  A writer always overwrites the other one with generation
 * + 1 and syncs it before the attempt counts; killed or crashed half-way,
 * it leaves a slot that fails its tag, and the slot it did not touch is
 * the answer: the state as it was before that attempt, which was not
 * accepted.  Two authentic slots of the same generation are never
 * written, so they are damage.  A file of any other length is damage too
 * (nothing here ever changes a file's size). */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "number.h"
#include "state.h"
#include "state_sealed.h"
#include "wipe.h"

#define V3_MAGIC "credgate-state 3\n"
#define V3_SIZE_KEY "slot_size "
#define V3_AAD_TAG "credgate-state 3"
#define SLOT_UNIT 2048                 /* two slots per 4 KiB block */
#define SLOT_K_MAX 16                  /* files up to 64 KiB */
#define SLOT_HDR 16                    /* generation, key id */
#define V3_AAD_MAX (sizeof(V3_AAD_TAG) + CG_USER_MAX + 8 + 4)

_Static_assert(CG_STATE_V3_HEADER == SLOT_UNIT / 32, "64 + 2S = 4096 k");
_Static_assert(CG_STATE_V3_HEADER + 2 * (SLOT_K_MAX * SLOT_UNIT -
	       CG_STATE_V3_HEADER / 2) <= CG_STATE_MAX_BYTES, "read bound");

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

static bool slot_size_valid(uint64_t s)
{
	return (s + CG_STATE_V3_HEADER / 2) % SLOT_UNIT == 0 &&
	    s >= SLOT_UNIT - CG_STATE_V3_HEADER / 2 &&
	    s <= SLOT_K_MAX * SLOT_UNIT - CG_STATE_V3_HEADER / 2;
}

/* The smallest valid slot size >= min that holds a text of tlen bytes
 * and at least one NUL of padding; 0 if none does. */
static size_t slot_size_for(size_t tlen, size_t min)
{
	for (size_t k = 1; k <= SLOT_K_MAX; k++) {
		size_t s = k * SLOT_UNIT - CG_STATE_V3_HEADER / 2;

		if (s >= min && SLOT_HDR + CG_SEAL_OVERHEAD + tlen + 1 <= s)
			return s;
	}
	return 0;
}

size_t cg_state_slot_offset(size_t slot_size, int slot)
{
	return CG_STATE_V3_HEADER + (slot == 0 ? 0 : slot_size);
}

static size_t make_aad(const char *user, uint64_t gen, size_t s,
		       uint8_t aad[V3_AAD_MAX])
{
	size_t t = sizeof(V3_AAD_TAG), u = strlen(user) + 1;

	memcpy(aad, V3_AAD_TAG, t);
	memcpy(aad + t, user, u);
	put_le(aad + t + u, gen, 8);
	put_le(aad + t + u + 8, s, 4);
	return t + u + 12;
}

/* Seal text (tlen bytes, padded with NULs to the slot's end) into the
 * slot at out[0..s). */
static cg_err seal_into(const char *text, size_t tlen, const char *user,
			const struct cg_key *k, uint64_t gen, size_t s,
			uint8_t *out)
{
	uint8_t aad[V3_AAD_MAX], *blob = NULL;
	size_t plen = s - SLOT_HDR - CG_SEAL_OVERHEAD, blen = 0;
	char *plain;
	cg_err e;

	if (gen == 0 || tlen >= plen)
		return CG_E_TOOBIG;
	if ((plain = calloc(1, plen)) == NULL)
		return CG_E_NOMEM;
	memcpy(plain, text, tlen);
	e = cg_seal(k, aad, make_aad(user, gen, s, aad), plain, plen, &blob,
		    &blen);
	cg_freezero(plain, plen);
	if (e != CG_OK)
		return e;
	if (blen != s - SLOT_HDR) {
		free(blob);
		return CG_E_CRYPTO;
	}
	put_le(out, gen, 8);
	memcpy(out + 8, k->id, CG_KEY_ID_LEN);
	memcpy(out + SLOT_HDR, blob, blen);
	free(blob);
	return CG_OK;
}

cg_err cg_state_seal_slot(const struct cg_state *st, const char *user,
			  const struct cg_key *k, uint64_t gen,
			  size_t slot_size, uint8_t *out)
{
	char *text = NULL;
	cg_err e;

	if (!slot_size_valid(slot_size))
		return CG_E_INVAL;
	if ((e = cg_state_format(st, &text)) != CG_OK)
		return e;
	e = seal_into(text, strlen(text), user, k, gen, slot_size, out);
	cg_free_string(text);
	return e;
}

cg_err cg_state_seal_file(const struct cg_state *st, const char *user,
			  const struct cg_key *k, uint64_t gen,
			  size_t min_slot, uint8_t **out, size_t *len)
{
	char *text = NULL;
	uint8_t *file = NULL;
	size_t tlen, s = 0, flen = 0;
	cg_err e;

	*out = NULL;
	*len = 0;
	if ((e = cg_state_format(st, &text)) != CG_OK)
		goto out;
	tlen = strlen(text);
	e = CG_E_TOOBIG;
	if ((s = slot_size_for(tlen, min_slot)) == 0)
		goto out;
	flen = CG_STATE_V3_HEADER + 2 * s;
	e = CG_E_NOMEM;
	if ((file = calloc(1, flen)) == NULL)
		goto out;
	snprintf((char *)file, CG_STATE_V3_HEADER, V3_MAGIC V3_SIZE_KEY "%zu\n",
		 s);
	if ((e = seal_into(text, tlen, user, k, gen, s,
			   file + cg_state_slot_offset(s, 0))) != CG_OK)
		goto out;
	*out = file;
	*len = flen;
	file = NULL;
 out:
	free(file);
	cg_free_string(text);
	return e;
}

/* The header: magic, "slot_size S\n", NULs to CG_STATE_V3_HEADER, and a
 * file of exactly header + 2 S bytes. */
static bool header_parse(const char *text, size_t len, size_t *s_out)
{
	const char *p = text + strlen(V3_MAGIC V3_SIZE_KEY), *end, *nl;
	uint64_t s;

	if (len < CG_STATE_V3_HEADER ||
	    memcmp(text, V3_MAGIC V3_SIZE_KEY,
		   strlen(V3_MAGIC V3_SIZE_KEY)) != 0)
		return false;
	/* The size ends at a '\n' inside the header, looked for first: the
	 * digits are never read past it (text need not end in a NUL). */
	nl = memchr(p, '\n', (size_t)(text + CG_STATE_V3_HEADER - p));
	if (nl == NULL || cg_dec_prefix(p, &end, &s) != CG_OK || end != nl ||
	    p[0] == '0' || !slot_size_valid(s))
		return false;
	for (end++; end < text + CG_STATE_V3_HEADER; end++)
		if (*end != '\0')
			return false;
	if (len != CG_STATE_V3_HEADER + 2 * s)
		return false;
	*s_out = (size_t)s;
	return true;
}

/* What one slot turned out to be. */
enum slot_kind { SLOT_EMPTY, SLOT_UNKNOWN_KEY, SLOT_BAD, SLOT_OK };

struct slot_view {
	enum slot_kind kind;
	uint64_t gen;
	uint8_t key_id[CG_KEY_ID_LEN];
	uint8_t *plain;              /* SLOT_OK: the plaintext */
	size_t plen;
};

/* An empty slot (generation 0: a file not updated since it was made)
 * costs the unseal of a full one all the same, failed tag and all, under
 * the first key held: else a user's first login after enrollment would
 * answer faster than every later one, and than the decoy's. */
static void slot_open_empty(const uint8_t *slot, size_t s, const char *user,
			    const struct cg_key *const *keys, size_t nkeys)
{
	uint8_t aad[V3_AAD_MAX], *plain = NULL;
	size_t plen = 0;

	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i] == NULL)
			continue;
		if (cg_unseal(keys[i], aad, make_aad(user, 0, s, aad),
			      slot + SLOT_HDR, s - SLOT_HDR, &plain,
			      &plen) == CG_OK)
			cg_freezero(plain, plen + 1);
		return;
	}
}

static void slot_open(const uint8_t *slot, size_t s, const char *user,
		      const struct cg_key *const *keys, size_t nkeys,
		      struct slot_view *v)
{
	uint8_t aad[V3_AAD_MAX];
	const struct cg_key *k = NULL;

	memset(v, 0, sizeof(*v));
	v->gen = get_le(slot, 8);
	memcpy(v->key_id, slot + 8, CG_KEY_ID_LEN);
	if (v->gen == 0) {
		slot_open_empty(slot, s, user, keys, nkeys);
		v->kind = SLOT_EMPTY;
		return;
	}
	for (size_t i = 0; i < nkeys && k == NULL; i++)
		if (keys[i] != NULL &&
		    memcmp(keys[i]->id, v->key_id, CG_KEY_ID_LEN) == 0)
			k = keys[i];
	if (k == NULL) {
		v->kind = SLOT_UNKNOWN_KEY;
		return;
	}
	v->kind = cg_unseal(k, aad, make_aad(user, v->gen, s, aad),
			    slot + SLOT_HDR, s - SLOT_HDR, &v->plain,
			    &v->plen) == CG_OK ? SLOT_OK : SLOT_BAD;
}

static void slot_wipe(struct slot_view *v)
{
	if (v->plain != NULL)
		cg_freezero(v->plain, v->plen + 1);
	v->plain = NULL;
}

/* Neither slot opened: why, for the log.  A slot under a key we do not
 * have says more (a wrong or missing host key) than a failed tag. */
static cg_err no_slot(const struct slot_view v[2], struct cg_state_form *form)
{
	for (int i = 0; i < 2; i++)
		if (v[i].kind == SLOT_UNKNOWN_KEY) {
			form->unknown_key = true;
			memcpy(form->key_id, v[i].key_id, CG_KEY_ID_LEN);
			return CG_E_UNSEAL;
		}
	for (int i = 0; i < 2; i++)
		if (v[i].kind == SLOT_BAD) {
			memcpy(form->key_id, v[i].key_id, CG_KEY_ID_LEN);
			return CG_E_UNSEAL;
		}
	return CG_E_PARSE;                /* both empty */
}

/* The plaintext is text, then only NULs (at least one). */
static cg_err slot_text(const struct slot_view *v, size_t *tlen)
{
	const uint8_t *nul = memchr(v->plain, '\0', v->plen);

	if (nul == NULL)
		return CG_E_PARSE;
	*tlen = (size_t)(nul - v->plain);
	/* The first is a NUL and each byte equals the next: all NULs, at
	 * memcmp's speed rather than a byte at a time. */
	if (memcmp(nul, nul + 1, v->plen - *tlen - 1) != 0)
		return CG_E_PARSE;
	return CG_OK;
}

cg_err cg_state_open_v3(const char *text, size_t len, const char *user,
			const struct cg_key *const *keys, size_t nkeys,
			struct cg_state *out, unsigned *bad_line,
			struct cg_state_form *form)
{
	const uint8_t *file = (const uint8_t *)text;
	struct slot_view v[2];
	size_t s = 0, tlen = 0;
	int take;
	cg_err e;

	form->version = 3;
	if (!header_parse(text, len, &s)) {
		if (bad_line != NULL)
			*bad_line = 1;
		return CG_E_PARSE;
	}
	for (int i = 0; i < 2; i++)
		slot_open(file + cg_state_slot_offset(s, i), s, user, keys,
			  nkeys, &v[i]);
	if (v[0].kind != SLOT_OK && v[1].kind != SLOT_OK) {
		e = no_slot(v, form);
		goto out;
	}
	if (v[0].kind == SLOT_OK && v[1].kind == SLOT_OK &&
	    v[0].gen == v[1].gen) {
		e = CG_E_PARSE;
		goto out;
	}
	take = v[1].kind == SLOT_OK &&
	    (v[0].kind != SLOT_OK || v[1].gen > v[0].gen) ? 1 : 0;
	memcpy(form->key_id, v[take].key_id, CG_KEY_ID_LEN);
	form->slot_size = s;
	form->slot = take;
	form->generation = v[take].gen;
	if ((e = slot_text(&v[take], &tlen)) != CG_OK)
		goto out;
	e = cg_state_parse((const char *)v[take].plain, tlen, out, bad_line);
 out:
	slot_wipe(&v[0]);
	slot_wipe(&v[1]);
	return e;
}
