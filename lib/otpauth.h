/* otpauth:// Key URI format (Google Authenticator wiki "Key-Uri-Format"). */
#ifndef CG_OTPAUTH_H
#define CG_OTPAUTH_H
#include "otp.h"

#define CG_LABEL_MAX 256

struct cg_otpauth {
	struct cg_totp totp;
	char issuer[CG_LABEL_MAX];    /* may be empty */
	char account[CG_LABEL_MAX];   /* never empty */
};

/* Build otpauth://totp/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=..&digits=..&period=..
 * Issuer and account are percent-encoded.  Returns a malloc'd string the
 * caller frees with cg_free_string() (it holds the secret). */
cg_err cg_otpauth_build(const struct cg_otpauth *in, char **uri_out);

/* Parse a URI.  Missing algorithm/digits/period take the defaults of the
 * format (SHA1, 6, 30).  Rejected: another scheme, hotp, an empty account,
 * bad %-escapes, a missing or non-base32 secret, unsupported algorithm,
 * digits or period, unknown or repeated parameters, and an issuer parameter
 * that contradicts the label's issuer prefix.  `out` is wiped on failure. */
cg_err cg_otpauth_parse(const char *uri, struct cg_otpauth *out);

#endif
