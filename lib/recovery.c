/* Recovery codes: generation, salted hashes, matching, use.
 *
 * A code is only ever held in clear in buffers we wipe; the state keeps
 * "sha256:SALTHEX:HASHHEX", SHA-256 of a 16-byte random salt and the
 * normalised code.  A fast hash is enough: a code carries 60 random bits,
 * and the hashes live inside the sealed state, where whoever can read
 * them holds the host key and with it the TOTP secret itself.  PBKDF2
 * ("pbkdf2-sha256:ITER:SALTHEX:HASHHEX", what format-1 states stored) is
 * still matched, so codes handed out before stay valid.
 *
 * A code has one of two forms, after case folding and dropping spaces
 * and dashes: the 12 letters and digits we generate, or the 8 digits of a
 * Google Authenticator scratch code (imported).  Nothing else is hashed
 * or stored, and an input of another form -- above all the 6-digit TOTP
 * code of nearly every login -- is no match without any hashing: what
 * that skips depends on the form of what was typed, which the typist
 * knows, never on the state.
 *
 * An input of a code's form is matched by CG_RECOVERY_MAX hashes every
 * time: one per stored entry and one on a dummy entry for each empty
 * slot, with no early exit and no branch on the result, so the time
 * taken says neither which entry matched, nor whether one did, nor how
 * many codes the user has (nor whether the user has a state at all: the
 * module judges a decoy the same way).  Only legacy PBKDF2 entries cost
 * more, until the user gets new codes. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include "recovery.h"
#include "cg_macros.h"
#include "evp_fetch.h"
#include "hex.h"
#include "number.h"
#include "random.h"
#include "wipe.h"

#define PBKDF2_PREFIX "pbkdf2-sha256:"
#define FAST_PREFIX "sha256:"
/* The lengths of a normalised code: generated codes have 12 characters,
 * Google Authenticator scratch codes 8 digits. */
#define RECOVERY_NORM_MAX 12
#define RECOVERY_SCRATCH_LEN 8

static const char code_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

cg_err cg_recovery_generate(char out[CG_RECOVERY_CODE_SIZE])
{
	uint8_t rnd[12];
	size_t o = 0;
	cg_err r;

	if ((r = cg_random_bytes(rnd, sizeof(rnd))) != CG_OK)
		goto out;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		/* 256 is a multiple of 32: the low 5 bits are uniform. */
		out[o++] = code_alphabet[rnd[i] & 0x1f];
	}
	out[o] = '\0';
 out:
	cg_wipe(rnd, sizeof(rnd));
	return r;
}

/* Fold case and drop spaces and dashes.  The result must be 8 or 12
 * characters of [a-z0-9]; anything else is no code. */
static cg_err recovery_normalise(const char *code, char out[RECOVERY_NORM_MAX + 1],
				 size_t *len_out)
{
	size_t n = 0;

	for (const char *p = code; *p != '\0'; p++) {
		char c = *p;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ||
		    n >= RECOVERY_NORM_MAX) {
			cg_wipe(out, RECOVERY_NORM_MAX + 1);
			return CG_E_INVAL;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*len_out = n;
	if (n == RECOVERY_SCRATCH_LEN || n == RECOVERY_NORM_MAX)
		return CG_OK;
	cg_wipe(out, RECOVERY_NORM_MAX + 1);
	return CG_E_INVAL;
}

/* SHA-256(salt || code): the fast hash.  One context serves all the
 * hashes of a caller (re-initialised each time, cleansed when freed);
 * the digest is fetched once per process (evp_fetch.h). */
static cg_err fast_hash(EVP_MD_CTX *ctx, const char *norm, size_t len,
			const uint8_t salt[CG_RECOVERY_SALT_LEN],
			uint8_t out[CG_RECOVERY_KEY_LEN])
{
	EVP_MD *md = cg_evp_sha256();
	unsigned n = 0;
	cg_err e = CG_E_CRYPTO;

	if (md != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, salt, CG_RECOVERY_SALT_LEN) == 1 &&
	    EVP_DigestUpdate(ctx, norm, len) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == CG_RECOVERY_KEY_LEN)
		e = CG_OK;
	if (e != CG_OK)
		cg_wipe(out, CG_RECOVERY_KEY_LEN);
	return e;
}

static cg_err pbkdf2_hash(const char *norm, size_t len,
			  const uint8_t salt[CG_RECOVERY_SALT_LEN],
			  unsigned iter, uint8_t out[CG_RECOVERY_KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(norm, (int)len, salt, CG_RECOVERY_SALT_LEN,
			      (int)iter, EVP_sha256(), CG_RECOVERY_KEY_LEN,
			      out) != 1) {
		cg_wipe(out, CG_RECOVERY_KEY_LEN);
		return CG_E_CRYPTO;
	}
	return CG_OK;
}

/* iter 0: the fast hash, else PBKDF2 with iter iterations. */
static cg_err entry_hash(EVP_MD_CTX *ctx, const char *norm, size_t len,
			 const uint8_t salt[CG_RECOVERY_SALT_LEN],
			 unsigned iter, uint8_t out[CG_RECOVERY_KEY_LEN])
{
	return iter == 0 ? fast_hash(ctx, norm, len, salt, out) :
	    pbkdf2_hash(norm, len, salt, iter, out);
}

cg_err cg_recovery_hash(const char *code, char out[CG_RECOVERY_HASH_SIZE])
{
	char norm[RECOVERY_NORM_MAX + 1];
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];
	char salthex[2 * CG_RECOVERY_SALT_LEN + 1];
	char keyhex[2 * CG_RECOVERY_KEY_LEN + 1];
	EVP_MD_CTX *ctx = NULL;
	size_t len;
	int n;
	cg_err r;

	memset(norm, 0, sizeof(norm));
	memset(key, 0, sizeof(key));
	memset(keyhex, 0, sizeof(keyhex));
	if ((r = recovery_normalise(code, norm, &len)) != CG_OK)
		goto out;
	if ((r = cg_random_bytes(salt, sizeof(salt))) != CG_OK)
		goto out;
	r = CG_E_CRYPTO;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    (r = fast_hash(ctx, norm, len, salt, key)) != CG_OK)
		goto out;
	cg_hex_encode(salt, sizeof(salt), salthex);
	cg_hex_encode(key, sizeof(key), keyhex);
	n = snprintf(out, CG_RECOVERY_HASH_SIZE, FAST_PREFIX "%s:%s", salthex,
		     keyhex);
	r = (n > 0 && n < CG_RECOVERY_HASH_SIZE) ? CG_OK : CG_E_TOOBIG;
 out:
	if (r != CG_OK)
		cg_wipe(out, CG_RECOVERY_HASH_SIZE);
	EVP_MD_CTX_free(ctx);
	cg_wipe_array(norm);
	cg_wipe_array(key);
	cg_wipe_array(keyhex);
	return r;
}

/* Canonical decimal in ITER_MIN..ITER_MAX followed by ':'; *len digits. */
static bool iter_parse(const char *s, unsigned *iter, size_t *len)
{
	const char *end = NULL;
	uint64_t v = 0;

	if (cg_dec_prefix(s, &end, &v) != CG_OK || *end != ':' ||
	    (s[0] == '0' && end - s > 1) || v < CG_RECOVERY_ITER_MIN ||
	    v > CG_RECOVERY_ITER_MAX)
		return false;
	*iter = (unsigned)v;
	*len = (size_t)(end - s);
	return true;
}

/* SALTHEX ":" HASHHEX, lower case, then the end of the string. */
static bool salt_and_hash(const char *p, uint8_t salt[CG_RECOVERY_SALT_LEN],
			  uint8_t key[CG_RECOVERY_KEY_LEN])
{
	if (strnlen(p, 2 * CG_RECOVERY_SALT_LEN + 1) <
	    2 * CG_RECOVERY_SALT_LEN + 1 ||
	    !cg_hex_decode(p, CG_RECOVERY_SALT_LEN, true, salt) ||
	    p[2 * CG_RECOVERY_SALT_LEN] != ':')
		return false;
	p += 2 * CG_RECOVERY_SALT_LEN + 1;
	return strnlen(p, 2 * CG_RECOVERY_KEY_LEN + 1) ==
	    2 * CG_RECOVERY_KEY_LEN &&
	    cg_hex_decode(p, CG_RECOVERY_KEY_LEN, true, key);
}

cg_err cg_recovery_entry_parse(const char *entry, unsigned *iter,
			       uint8_t salt[CG_RECOVERY_SALT_LEN],
			       uint8_t key[CG_RECOVERY_KEY_LEN])
{
	uint8_t s[CG_RECOVERY_SALT_LEN], k[CG_RECOVERY_KEY_LEN];
	const char *p = entry;
	unsigned it = 0;
	size_t len;
	cg_err r = CG_E_PARSE;

	if (strncmp(p, FAST_PREFIX, strlen(FAST_PREFIX)) == 0) {
		p += strlen(FAST_PREFIX);
	} else if (strncmp(p, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0) {
		p += strlen(PBKDF2_PREFIX);
		if (!iter_parse(p, &it, &len))
			goto out;
		p += len + 1;
	} else {
		goto out;
	}
	if (!salt_and_hash(p, s, k))
		goto out;
	if (iter != NULL)
		*iter = it;
	if (salt != NULL)
		memcpy(salt, s, sizeof(s));
	if (key != NULL)
		memcpy(key, k, sizeof(k));
	r = CG_OK;
 out:
	cg_wipe_array(k);
	return r;
}

/* Does the normalised code match this entry?  Computed the same way
 * whether or not it is a real entry (real = 0: a dummy for an empty
 * slot, which never matches).  A malformed entry (the parser refuses
 * those, so only a corrupted struct) never matches. */
static unsigned entry_matches(EVP_MD_CTX *ctx, const char *entry, unsigned real,
			      const char *norm, size_t len)
{
	static const char dummy[] = FAST_PREFIX
	    "00000000000000000000000000000000:"
	    "0000000000000000000000000000000000000000000000000000000000000000";
	uint8_t salt[CG_RECOVERY_SALT_LEN], want[CG_RECOVERY_KEY_LEN];
	uint8_t got[CG_RECOVERY_KEY_LEN];
	unsigned iter = 0, ok = 0;

	if (cg_recovery_entry_parse(real ? entry : dummy, &iter, salt,
				    want) == CG_OK &&
	    entry_hash(ctx, norm, len, salt, iter, got) == CG_OK)
		ok = cg_memeq_consttime(got, want, sizeof(got));
	cg_wipe_array(got);
	cg_wipe_array(want);
	return ok & real;
}

cg_err cg_recovery_match(const struct cg_state *st, const char *input,
			 size_t *index)
{
	char norm[RECOVERY_NORM_MAX + 1];
	size_t len = 0, found = 0, n = st->nrecovery;
	unsigned hit = 0;
	EVP_MD_CTX *ctx = NULL;
	cg_err r;

	memset(norm, 0, sizeof(norm));
	/* Not a code's form: no match, by the form alone (see the top). */
	if (recovery_normalise(input, norm, &len) != CG_OK)
		return CG_E_INVAL;
	if ((ctx = EVP_MD_CTX_new()) == NULL || cg_evp_sha256() == NULL) {
		r = CG_E_CRYPTO;
		goto out;
	}
	/* No early exit; the selection has no data-dependent branch. */
	for (size_t i = 0; i < CG_RECOVERY_MAX; i++) {
		unsigned real = i < n, m;
		size_t first;

		m = entry_matches(ctx, st->recovery[i], real, norm, len);
		first = (size_t)0 - (size_t)(m & ~hit & 1u);
		found = (found & ~first) | (i & first);
		hit |= m;
	}
	if (hit) {
		*index = found;
		r = CG_OK;
	} else {
		r = CG_E_INVAL;
	}
 out:
	EVP_MD_CTX_free(ctx);
	cg_wipe_array(norm);
	return r;
}

void cg_recovery_consume(struct cg_state *st, size_t index)
{
	if (index >= st->nrecovery || st->nrecovery > CG_RECOVERY_MAX)
		return;
	memmove(st->recovery[index], st->recovery[index + 1],
		(st->nrecovery - index - 1) * sizeof(st->recovery[0]));
	st->nrecovery--;
	cg_wipe(st->recovery[st->nrecovery], sizeof(st->recovery[0]));
}

cg_err cg_recovery_regenerate(struct cg_state *st, size_t count,
			      char (*codes_out)[CG_RECOVERY_CODE_SIZE])
{
	char hashes[CG_RECOVERY_MAX][CG_RECOVERY_HASH_SIZE];
	cg_err r = CG_OK;
	size_t i;

	if (count > CG_RECOVERY_MAX)
		return CG_E_RANGE;
	/* Build the new set aside, so st is unchanged on failure. */
	for (i = 0; i < count; i++) {
		if ((r = cg_recovery_generate(codes_out[i])) != CG_OK ||
		    (r = cg_recovery_hash(codes_out[i], hashes[i])) != CG_OK)
			goto out;
	}
	cg_wipe(st->recovery, sizeof(st->recovery));
	memcpy(st->recovery, hashes, count * sizeof(hashes[0]));
	st->nrecovery = count;
 out:
	if (r != CG_OK)
		cg_wipe(codes_out, count * sizeof(codes_out[0]));
	cg_wipe(hashes, sizeof(hashes));
	return r;
}
