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

/* Longest URI cg_otpauth_parse accepts (CG_E_TOOBIG beyond). */
#define CG_URI_MAX 4096

/* Build otpauth://totp/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=..&digits=..&period=..
 * Issuer and account are percent-encoded: RFC 3986 unreserved characters
 * (A-Z a-z 0-9 - . _ ~) are kept, every other byte becomes %XX (space is
 * %20, ':' inside a name is %3A, '+' is %2B, UTF-8 bytes are encoded one
 * by one).  An empty issuer gives the label ACCOUNT and no issuer=
 * parameter.  The secret is base32 without padding; all parameters are
 * always written.  Refused, so that every URI built parses back to the
 * same struct: an empty account, an account starting with a space (a
 * parser strips it), an account containing ':' when there is no issuer
 * (ambiguous with the %3A separator), control characters, or names not
 * NUL-terminated within CG_LABEL_MAX (CG_E_URI_LABEL / CG_E_TOOBIG); a
 * secret outside CG_SECRET_MIN..CG_SECRET_MAX (CG_E_URI_SECRET);
 * unsupported algorithm, digits or period (CG_E_URI_ALGORITHM/DIGITS/
 * PERIOD).  Returns a malloc'd string the caller frees with
 * cg_free_string() (it holds the secret). */
cg_err cg_otpauth_build(const struct cg_otpauth *in, char **uri_out);

/* Parse a URI.  Missing algorithm/digits/period take the defaults of the
 * format (SHA1, 6, 30).  Rejected: another scheme, hotp, an empty account,
 * bad %-escapes, a missing or non-base32 secret, unsupported algorithm,
 * digits or period, unknown or repeated parameters, and an issuer parameter
 * that contradicts the label's issuer prefix.  `out` is wiped on failure.
 *
 * Details, chosen for what real generators emit:
 * - scheme and type are case-insensitive (upper-case URIs make smaller
 *   QR codes); parameter names are case-sensitive, values of algorithm
 *   are not ("sha256" = "SHA256").
 * - Label: issuer and account are split at the first literal ':', or if
 *   there is none at the first "%3A"; no separator means no issuer.
 *   Spaces before the account are dropped.  An empty issuer prefix
 *   (":alice") or empty account is CG_E_URI_LABEL.  '+' in the label is
 *   a plain '+'.
 * - Query: '+' means a space (form encoding, as PHP's http_build_query
 *   and Python's urlencode write it).  Empty segments ("&&") are
 *   ignored; a segment without '=' is CG_E_URI_PARAM.  Known parameters:
 *   secret, issuer, algorithm, digits, period; anything else (counter,
 *   image, ...) is CG_E_URI_PARAM.
 * - The issuer parameter must equal the label prefix byte for byte when
 *   both are present (CG_E_URI_ISSUER); either alone sets the issuer.
 * - Secrets are decoded with cg_base32_decode (lower case, spaces and
 *   missing padding tolerated) and must be CG_SECRET_MIN..CG_SECRET_MAX
 *   bytes; any failure there is CG_E_URI_SECRET.
 * - A malformed %-escape, a %-escape or raw byte that is a control
 *   character (including %00), or a raw '#' is CG_E_URI_ENCODING; a
 *   decoded issuer or account of CG_LABEL_MAX bytes or more, or a URI
 *   longer than CG_URI_MAX, is CG_E_TOOBIG. */
cg_err cg_otpauth_parse(const char *uri, struct cg_otpauth *out);

#endif
