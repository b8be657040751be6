/* The messages of cg_err codes (see cg_error.h): one table, so every
 * caller explains a refusal with the same words. */
#include "config.h"
#include <stddef.h>
#include "cg_error.h"

static const char *const messages[CG_E__COUNT] = {
	[CG_OK] = "success",
	[CG_E_NOMEM] = "out of memory",
	[CG_E_INVAL] = "invalid argument",
	[CG_E_RANGE] = "value out of range",
	[CG_E_TOOBIG] = "too large",
	[CG_E_CRYPTO] = "cryptographic library failure",
	[CG_E_RANDOM] = "random number generator failure",
	[CG_E_BASE32_CHAR] = "invalid base32 character",
	[CG_E_BASE32_LENGTH] = "invalid base32 length",
	[CG_E_BASE32_PADDING] = "invalid base32 padding",
	[CG_E_BASE32_EMPTY] = "empty base32 string",
	[CG_E_URI_SCHEME] = "not an otpauth:// URI",
	[CG_E_URI_TYPE] = "unsupported OTP type (only totp)",
	[CG_E_URI_LABEL] = "missing or malformed label",
	[CG_E_URI_ENCODING] = "bad percent-encoding",
	[CG_E_URI_SECRET] = "missing or malformed secret",
	[CG_E_URI_ALGORITHM] = "unsupported algorithm (SHA1, SHA256, SHA512)",
	[CG_E_URI_DIGITS] = "unsupported number of digits (6 or 8)",
	[CG_E_URI_PERIOD] = "unsupported period (30 or 60)",
	[CG_E_URI_PARAM] = "unknown or repeated parameter",
	[CG_E_URI_ISSUER] = "issuer parameter does not match the label",
	[CG_E_IO] = "I/O error",
	[CG_E_NOENT] = "no such file",
	[CG_E_SYMLINK] = "refusing to follow a symbolic link",
	[CG_E_NOTREG] = "not a regular file or directory",
	[CG_E_OWNER] = "wrong owner (must be root)",
	[CG_E_MODE] = "unsafe permissions",
	[CG_E_NLINK] = "file has more than one hard link",
	[CG_E_LOCK] = "timed out waiting for lock",
	[CG_E_PARSE] = "malformed contents",
	[CG_E_EXISTS] = "already exists",
	[CG_E_NAME] = "invalid name",
	[CG_E_NOTMINE] = "file belongs to another user",
	[CG_E_UNAVAILABLE] = "state store unavailable",
	[CG_E_CONFLICT] = "state changed concurrently, retries exhausted",
	[CG_E_UNSEAL] = "sealed data does not open (other key, other "
			"user, or altered)",
	[CG_E_KEY] = "host key missing or unusable",
	[CG_E_CHANGED] = "file changed while it was being replaced",
	[CG_E_EXPOSED] = "readable by group or others",
};

const char *cg_strerror(cg_err err)
{
	if ((int)err < 0 || err >= CG_E__COUNT || messages[err] == NULL)
		return "unknown error";
	return messages[err];
}
