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
#define CG_CODE_MAX   8           /* digits */

/* Parameters of one TOTP enrollment. */
struct cg_totp {
	uint8_t secret[CG_SECRET_MAX];
	size_t secret_len;
	cg_alg alg;
	unsigned digits;   /* 6 or 8 */
	unsigned period;   /* 30 or 60 seconds */
};

const char *cg_alg_name(cg_alg alg);          /* "sha1", "sha256", "sha512" */
/* Case-insensitive "sha1"/"SHA1"... */
cg_err cg_alg_parse(const char *name, cg_alg *alg);
bool cg_digits_valid(unsigned digits);
bool cg_period_valid(unsigned period);

/* HOTP value for a counter, as a NUL-terminated zero-padded decimal string
 * of `digits` characters in out (outsz >= digits + 1). */
cg_err cg_hotp(const uint8_t *key, size_t keylen, cg_alg alg, uint64_t counter,
	       unsigned digits, char *out, size_t outsz);

/* The time step containing `now` (floor(now / period)); now < 0 gives 0. */
uint64_t cg_totp_step(const struct cg_totp *t, time_t now);

/* Code for one time step. */
cg_err cg_totp_code(const struct cg_totp *t, uint64_t step, char *out,
		    size_t outsz);

/* Verify `code` against steps (center - window) .. (center + window).
 * Every step in the window is computed and compared in constant time, so
 * the time taken does not say which step matched.  On a match returns
 * CG_OK and sets *matched_step; CG_E_INVAL if no step matches or the code
 * is not exactly `digits` decimal digits. */
cg_err cg_totp_verify(const struct cg_totp *t, const char *code,
		      uint64_t center, unsigned window,
		      uint64_t *matched_step);

#endif
