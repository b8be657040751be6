/* HOTP (RFC 4226) and TOTP (RFC 6238) through OpenSSL 3 EVP_MAC. */
#ifndef CG_OTP_H
#define CG_OTP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include "cg_error.h"

typedef enum { CG_ALG_SHA1 = 0, CG_ALG_SHA256, CG_ALG_SHA512 } cg_alg;

#define CG_SECRET_MAX 128         /* bytes; generated secrets are 20 */
/* Shortest TOTP secret accepted anywhere (URI, state, cg_totp_*): 80 bits.
 * RFC 4226 asks for 128 bits, but 80-bit secrets (16 base32 characters)
 * are what many services hand out for Google Authenticator; refusing them
 * would break imports without making our own secrets (160 bits) safer. */
#define CG_SECRET_MIN 10
#define CG_CODE_MAX   8           /* digits */
/* Largest verification window (steps either side).  Every step in the
 * window is computed, so this bounds the work one login attempt costs. */
#define CG_WINDOW_MAX 20

/* Parameters of one TOTP enrollment. */
struct cg_totp {
	uint8_t secret[CG_SECRET_MAX];
	size_t secret_len;
	cg_alg alg;
	unsigned digits;   /* 6 or 8 */
	unsigned period;   /* 30 or 60 seconds */
};

/* "sha1", "sha256", "sha512"; NULL for a value outside the enum. */
const char *cg_alg_name(cg_alg alg);
/* Case-insensitive "sha1"/"SHA1"...; CG_E_INVAL for anything else. */
cg_err cg_alg_parse(const char *name, cg_alg *alg);
bool cg_digits_valid(unsigned digits);
bool cg_period_valid(unsigned period);

/* HOTP value for a counter, as a NUL-terminated zero-padded decimal string
 * of `digits` characters in out (outsz >= digits + 1, else CG_E_TOOBIG).
 * keylen must be 1..CG_SECRET_MAX (CG_E_RANGE); digits 6 or 8. */
cg_err cg_hotp(const uint8_t *key, size_t keylen, cg_alg alg, uint64_t counter,
	       unsigned digits, char *out, size_t outsz);

/* The time step containing `now` (floor(now / period)); now < 0 gives 0,
 * and so does a period of 0 (cg_totp_code refuses such a struct anyway). */
uint64_t cg_totp_step(const struct cg_totp *t, time_t now);

/* Code for one time step.  The struct is checked first: secret length
 * CG_SECRET_MIN..CG_SECRET_MAX, known algorithm, valid digits and period
 * (CG_E_RANGE / CG_E_INVAL otherwise). */
cg_err cg_totp_code(const struct cg_totp *t, uint64_t step, char *out,
		    size_t outsz);

/* Verify `code` against steps (center - window) .. (center + window).
 * Every step in the window is computed and compared in constant time, so
 * the time taken does not say which step matched.  On a match returns
 * CG_OK and sets *matched_step (the lowest matching step, should two
 * match); CG_E_INVAL if no step matches or the code is not exactly
 * `digits` decimal digits; CG_E_RANGE if window > CG_WINDOW_MAX.  Steps
 * below 0 (or above UINT64_MAX) are skipped, not wrapped.  A code of 6
 * or of 8 digits costs the whole window whatever `digits` is, so the
 * time does not tell a user's code length; anything else costs none. */
cg_err cg_totp_verify(const struct cg_totp *t, const char *code,
		      uint64_t center, unsigned window,
		      uint64_t *matched_step);

#endif
