/* HOTP (RFC 4226) and TOTP (RFC 6238) through OpenSSL 3 EVP_MAC.
 *
 * Everything that held key material or a code (HMAC output, truncated
 * value, computed codes) is wiped before returning.  OpenSSL wipes its
 * own copy of the key when the MAC context is freed. */
#include "config.h"
#include <string.h>
#include <strings.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include "evp_fetch.h"
#include "otp.h"
#include "wipe.h"
#include "cg_macros.h"

struct alg_info {
	const char *name;     /* our name, as in config and state files */
	const char *digest;   /* OpenSSL's name */
};

static const struct alg_info algs[] = {
	[CG_ALG_SHA1] = { "sha1", "SHA1" },
	[CG_ALG_SHA256] = { "sha256", "SHA2-256" },
	[CG_ALG_SHA512] = { "sha512", "SHA2-512" },
};
#define N_ALGS CG_ARRAY_SIZE(algs)

static bool alg_valid(cg_alg alg)
{
	return (unsigned)alg < N_ALGS;
}

const char *cg_alg_name(cg_alg alg)
{
	return alg_valid(alg) ? algs[alg].name : NULL;
}

cg_err cg_alg_parse(const char *name, cg_alg *alg)
{
	if (name == NULL || alg == NULL)
		return CG_E_INVAL;
	for (size_t i = 0; i < N_ALGS; i++) {
		if (strcasecmp(name, algs[i].name) == 0) {
			*alg = (cg_alg)i;
			return CG_OK;
		}
	}
	return CG_E_INVAL;
}

bool cg_digits_valid(unsigned digits)
{
	return digits == 6 || digits == 8;
}

bool cg_period_valid(unsigned period)
{
	return period == 30 || period == 60;
}

/* An HMAC context keyed for one secret: set up once (the HMAC fetched
 * once per process, the digest and the key's pads once per context),
 * then one hotp_step per counter.  Freeing it wipes OpenSSL's copy of
 * the key. */
static cg_err hmac_keyed(const uint8_t *key, size_t keylen, cg_alg alg,
			 EVP_MAC_CTX **out)
{
	EVP_MAC *impl = cg_evp_hmac();
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];

	*out = NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)algs[alg].digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (impl == NULL || (ctx = EVP_MAC_CTX_new(impl)) == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1) {
		/* Leave no errors behind in the queue of the application
		 * we are loaded into (sshd, sudo use OpenSSL too). */
		ERR_clear_error();
		EVP_MAC_CTX_free(ctx);
		return CG_E_CRYPTO;
	}
	*out = ctx;
	return CG_OK;
}

/* RFC 4226 section 5.3: 31 bits at the offset given by the low nibble of
 * the last byte.  offset + 3 <= 18, inside even a SHA-1 output. */
static uint32_t dynamic_truncate(const uint8_t *mac, size_t maclen)
{
	unsigned off = mac[maclen - 1] & 0x0f;

	return ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) |
	    (uint32_t)mac[off + 3];
}

/* Zero-padded decimal, the last `digits` digits of value. */
static void format_code(uint32_t value, unsigned digits, char *out)
{
	for (unsigned i = digits; i > 0; i--) {
		out[i - 1] = (char)('0' + value % 10);
		value /= 10;
	}
	out[digits] = '\0';
}

/* The HOTP value for one counter under a keyed context (hmac_keyed),
 * `digits` digits and a NUL into out.  The context is re-initialised
 * first (same key), so every step costs the same. */
static cg_err hotp_step(EVP_MAC_CTX *ctx, uint64_t counter, unsigned digits,
			char out[CG_CODE_MAX + 1])
{
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	uint32_t value = 0;
	cg_err r = CG_E_CRYPTO;

	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (uint8_t)(counter & 0xff);
	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, msg, sizeof(msg)) != 1 ||
	    EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) != 1 ||
	    maclen < 20) {
		ERR_clear_error();
		goto out;
	}
	/* 10^8 < 2^31, so the modulus is never larger than the value range. */
	value = dynamic_truncate(mac, maclen) % (digits == 8 ? 100000000u :
	    1000000u);
	format_code(value, digits, out);
	r = CG_OK;
 out:
	cg_wipe(mac, sizeof(mac));
	cg_wipe(&value, sizeof(value));
	return r;
}

cg_err cg_hotp(const uint8_t *key, size_t keylen, cg_alg alg, uint64_t counter,
	       unsigned digits, char *out, size_t outsz)
{
	char code[CG_CODE_MAX + 1];
	EVP_MAC_CTX *ctx = NULL;
	cg_err r;

	if (key == NULL || out == NULL || !alg_valid(alg) ||
	    !cg_digits_valid(digits))
		return CG_E_INVAL;
	if (keylen == 0 || keylen > CG_SECRET_MAX)
		return CG_E_RANGE;
	if (outsz < (size_t)digits + 1)
		return CG_E_TOOBIG;
	if ((r = hmac_keyed(key, keylen, alg, &ctx)) == CG_OK &&
	    (r = hotp_step(ctx, counter, digits, code)) == CG_OK)
		memcpy(out, code, (size_t)digits + 1);
	EVP_MAC_CTX_free(ctx);
	cg_wipe_array(code);
	return r;
}

uint64_t cg_totp_step(const struct cg_totp *t, time_t now)
{
	if (t == NULL || t->period == 0 || now < 0)
		return 0;
	return (uint64_t)now / t->period;
}

/* Refuse a struct no enrollment could have produced (corrupt state). */
static cg_err totp_check(const struct cg_totp *t)
{
	if (t == NULL)
		return CG_E_INVAL;
	if (t->secret_len < CG_SECRET_MIN || t->secret_len > CG_SECRET_MAX)
		return CG_E_RANGE;
	if (!alg_valid(t->alg) || !cg_digits_valid(t->digits) ||
	    !cg_period_valid(t->period))
		return CG_E_INVAL;
	return CG_OK;
}

cg_err cg_totp_code(const struct cg_totp *t, uint64_t step, char *out,
		    size_t outsz)
{
	cg_err r;

	if ((r = totp_check(t)) != CG_OK)
		return r;
	return cg_hotp(t->secret, t->secret_len, t->alg, step, t->digits,
	    out, outsz);
}

/* Exactly `digits` ASCII digits.  Looks only at the format, which says
 * nothing about the expected code. */
static bool code_well_formed(const char *code, unsigned digits)
{
	for (unsigned i = 0; i < digits; i++) {
		if (code[i] < '0' || code[i] > '9')
			return false;
	}
	return code[digits] == '\0';
}

/* center + off as a step, false if it falls below 0 or past UINT64_MAX. */
static bool window_step(uint64_t center, long long off, uint64_t *step)
{
	if (off < 0 && (uint64_t)-off > center)
		return false;
	if (off > 0 && center > UINT64_MAX - (uint64_t)off)
		return false;
	*step = center + (uint64_t)off;   /* modular: exact for both signs */
	return true;
}

cg_err cg_totp_verify(const struct cg_totp *t, const char *code,
		      uint64_t center, unsigned window,
		      uint64_t *matched_step)
{
	char want[CG_CODE_MAX + 1], got[CG_CODE_MAX + 1];
	uint64_t step, found = 0, mask;
	EVP_MAC_CTX *ctx = NULL;
	unsigned any = 0, len_ok;
	cg_err r;

	if (code == NULL || matched_step == NULL)
		return CG_E_INVAL;
	if ((r = totp_check(t)) != CG_OK)
		return r;
	if (window > CG_WINDOW_MAX)
		return CG_E_RANGE;
	/* Either code length is worked on, whatever this user's is: a
	 * 6-digit answer refused at once for an 8-digit user (or the other
	 * way round) would take less time than for a 6-digit user or the
	 * decoy, and tell them apart.  Whether the length is the user's
	 * counts only in the comparison. */
	if (!code_well_formed(code, 6) && !code_well_formed(code, 8))
		return CG_E_INVAL;
	len_ok = code_well_formed(code, t->digits);
	memset(got, 0, sizeof(got));
	memcpy(got, code, strlen(code));         /* 6 or 8 digits: it fits */
	/* One keyed context for the whole window. */
	if ((r = hmac_keyed(t->secret, t->secret_len, t->alg, &ctx)) != CG_OK)
		return r;
	/* No early exit.  Highest step first, so that if two steps match
	 * (a collision) the lowest is reported: the conservative choice for
	 * the caller's replay check. */
	for (long long off = window; off >= -(long long)window; off--) {
		if (!window_step(center, off, &step))
			continue;
		if ((r = hotp_step(ctx, step, t->digits, want)) != CG_OK)
			goto out;
		mask = (uint64_t)0 - (uint64_t)(cg_memeq_consttime(want, got,
		    t->digits) & len_ok);
		found = (found & ~mask) | (step & mask);
		any |= (unsigned)(mask & 1);
	}
	r = any ? CG_OK : CG_E_INVAL;
	if (r == CG_OK)
		*matched_step = found;
 out:
	EVP_MAC_CTX_free(ctx);
	cg_wipe(want, sizeof(want));
	cg_wipe(got, sizeof(got));
	return r;
}
