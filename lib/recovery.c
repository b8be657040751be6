/* Recovery codes: generation, salted PBKDF2 hashes, matching, use.
 *
 * A code is only ever held in clear in buffers we wipe; the state file
 * keeps "pbkdf2-sha256:ITER:SALTHEX:HASHHEX".  Matching derives the key
 * for every stored entry, so the time taken says neither which entry
 * matched nor whether one did. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include "recovery.h"
#include "random.h"
#include "wipe.h"

#define RECOVERY_PREFIX "pbkdf2-sha256:"
/* Longest normalised code we hash: generated codes have 12 characters,
 * Google Authenticator scratch codes 8 digits. */
#define RECOVERY_NORM_MAX 32

static const char code_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char hex_digits[] = "0123456789abcdef";

cg_err cg_recovery_generate(char out[CG_RECOVERY_CODE_SIZE])
{
	uint8_t rnd[12];
	size_t o = 0;
	cg_err r;

	if ((r = cg_random_bytes(rnd, sizeof rnd)) != CG_OK)
		goto out;
	for (size_t i = 0; i < sizeof rnd; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		/* 256 is a multiple of 32: the low 5 bits are uniform. */
		out[o++] = code_alphabet[rnd[i] & 0x1f];
	}
	out[o] = '\0';
 out:
	cg_wipe(rnd, sizeof rnd);
	return r;
}

/* Fold case and drop spaces and dashes.  The result must be 1..
 * RECOVERY_NORM_MAX characters of [a-z0-9]; anything else is no code. */
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
	return n > 0 ? CG_OK : CG_E_INVAL;
}

static cg_err recovery_derive(const char *norm, size_t len,
			      const uint8_t salt[CG_RECOVERY_SALT_LEN],
			      unsigned iter, uint8_t key[CG_RECOVERY_KEY_LEN])
{
	if (PKCS5_PBKDF2_HMAC(norm, (int)len, salt, CG_RECOVERY_SALT_LEN,
			      (int)iter, EVP_sha256(), CG_RECOVERY_KEY_LEN,
			      key) != 1) {
		cg_wipe(key, CG_RECOVERY_KEY_LEN);
		return CG_E_CRYPTO;
	}
	return CG_OK;
}

static void hex_encode(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

cg_err cg_recovery_hash(const char *code, char out[CG_RECOVERY_HASH_SIZE])
{
	char norm[RECOVERY_NORM_MAX + 1];
	uint8_t salt[CG_RECOVERY_SALT_LEN], key[CG_RECOVERY_KEY_LEN];
	char salthex[2 * CG_RECOVERY_SALT_LEN + 1];
	char keyhex[2 * CG_RECOVERY_KEY_LEN + 1];
	size_t len;
	int n;
	cg_err r;

	memset(norm, 0, sizeof norm);
	memset(key, 0, sizeof key);
	memset(keyhex, 0, sizeof keyhex);
	if ((r = recovery_normalise(code, norm, &len)) != CG_OK)
		goto out;
	if ((r = cg_random_bytes(salt, sizeof salt)) != CG_OK)
		goto out;
	if ((r = recovery_derive(norm, len, salt, CG_RECOVERY_ITERATIONS,
				 key)) != CG_OK)
		goto out;
	hex_encode(salt, sizeof salt, salthex);
	hex_encode(key, sizeof key, keyhex);
	n = snprintf(out, CG_RECOVERY_HASH_SIZE, RECOVERY_PREFIX "%u:%s:%s",
		     (unsigned)CG_RECOVERY_ITERATIONS, salthex, keyhex);
	r = (n > 0 && n < CG_RECOVERY_HASH_SIZE) ? CG_OK : CG_E_TOOBIG;
 out:
	if (r != CG_OK)
		cg_wipe(out, CG_RECOVERY_HASH_SIZE);
	cg_wipe(norm, sizeof norm);
	cg_wipe(key, sizeof key);
	cg_wipe(keyhex, sizeof keyhex);
	return r;
}

/* Exactly 2*n lower-case hex digits ending at a terminator. */
static bool hex_decode(const char *s, size_t n, char end, uint8_t *out)
{
	for (size_t i = 0; i < 2 * n; i++) {
		const char *d = s[i] != '\0' ? strchr(hex_digits, s[i]) : NULL;

		if (d == NULL)
			return false;
		if (out != NULL) {
			unsigned v = (unsigned)(d - hex_digits);

			out[i / 2] = (uint8_t)(i % 2 == 0 ? v << 4 :
					       (out[i / 2] | v));
		}
	}
	return s[2 * n] == end;
}

/* Canonical decimal (no sign, no leading zero) in ITER_MIN..ITER_MAX,
 * followed by ':'.  Sets *len to the number of digits. */
static bool iter_parse(const char *s, unsigned *iter, size_t *len)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 8 || (i == 1 && s[0] == '0'))
			return false;       /* beyond ITER_MAX's 8 digits */
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || s[i] != ':' || v < CG_RECOVERY_ITER_MIN ||
	    v > CG_RECOVERY_ITER_MAX)
		return false;
	*iter = (unsigned)v;
	*len = i;
	return true;
}

cg_err cg_recovery_entry_parse(const char *entry, unsigned *iter,
			       uint8_t salt[CG_RECOVERY_SALT_LEN],
			       uint8_t key[CG_RECOVERY_KEY_LEN])
{
	const char *p = entry;
	unsigned it;
	size_t len;

	if (strncmp(p, RECOVERY_PREFIX, strlen(RECOVERY_PREFIX)) != 0)
		return CG_E_PARSE;
	p += strlen(RECOVERY_PREFIX);
	if (!iter_parse(p, &it, &len))
		return CG_E_PARSE;
	p += len + 1;
	if (!hex_decode(p, CG_RECOVERY_SALT_LEN, ':', salt))
		return CG_E_PARSE;
	p += 2 * CG_RECOVERY_SALT_LEN + 1;
	if (!hex_decode(p, CG_RECOVERY_KEY_LEN, '\0', key))
		return CG_E_PARSE;
	if (iter != NULL)
		*iter = it;
	return CG_OK;
}

/* Does the normalised code match one stored entry?  A malformed entry
 * (the parser refuses those, so only a corrupted struct) never matches. */
static bool recovery_entry_matches(const char *entry, const char *norm,
				   size_t len)
{
	uint8_t salt[CG_RECOVERY_SALT_LEN], want[CG_RECOVERY_KEY_LEN];
	uint8_t got[CG_RECOVERY_KEY_LEN];
	unsigned iter;
	bool ok = false;

	if (cg_recovery_entry_parse(entry, &iter, salt, want) == CG_OK &&
	    recovery_derive(norm, len, salt, iter, got) == CG_OK)
		ok = cg_memeq_consttime(got, want, sizeof got);
	cg_wipe(got, sizeof got);
	cg_wipe(want, sizeof want);
	return ok;
}

cg_err cg_recovery_match(const struct cg_state *st, const char *input,
			 size_t *index)
{
	char norm[RECOVERY_NORM_MAX + 1];
	size_t len, found = 0;
	unsigned hit = 0;
	cg_err r;

	memset(norm, 0, sizeof norm);
	/* Input that cannot be a code at all returns at once: that depends
	 * only on what the caller typed, never on the stored codes. */
	if ((r = recovery_normalise(input, norm, &len)) != CG_OK)
		goto out;
	/* No early exit: every entry costs one full derivation.  The
	 * selection below has no data-dependent branch either. */
	for (size_t i = 0; i < st->nrecovery && i < CG_RECOVERY_MAX; i++) {
		unsigned m = recovery_entry_matches(st->recovery[i], norm, len);
		size_t first = (size_t)0 - (size_t)(m & ~hit & 1u);

		found = (found & ~first) | (i & first);
		hit |= m;
	}
	if (hit) {
		*index = found;
		r = CG_OK;
	} else
		r = CG_E_INVAL;
 out:
	cg_wipe(norm, sizeof norm);
	return r;
}

void cg_recovery_consume(struct cg_state *st, size_t index)
{
	if (index >= st->nrecovery || st->nrecovery > CG_RECOVERY_MAX)
		return;
	memmove(st->recovery[index], st->recovery[index + 1],
		(st->nrecovery - index - 1) * sizeof st->recovery[0]);
	st->nrecovery--;
	cg_wipe(st->recovery[st->nrecovery], sizeof st->recovery[0]);
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
	cg_wipe(st->recovery, sizeof st->recovery);
	memcpy(st->recovery, hashes, count * sizeof hashes[0]);
	st->nrecovery = count;
 out:
	if (r != CG_OK)
		cg_wipe(codes_out, count * sizeof codes_out[0]);
	cg_wipe(hashes, sizeof hashes);
	return r;
}
