/* One error convention for the whole core: functions return cg_err,
 * CG_OK (0) on success, a positive code otherwise.  Codes are specific
 * enough that a caller (and a test) can tell *why* input was rejected,
 * and cg_strerror() gives a message an admin can act on.  Messages never
 * contain the rejected input: it may be a secret. */
#ifndef CG_ERROR_H
#define CG_ERROR_H

typedef enum {
	CG_OK = 0,
	CG_E_NOMEM,           /* out of memory */
	CG_E_INVAL,           /* invalid argument */
	CG_E_RANGE,           /* value out of the accepted range */
	CG_E_TOOBIG,          /* input or output larger than allowed */
	CG_E_CRYPTO,          /* OpenSSL failure */
	CG_E_RANDOM,          /* CSPRNG failure */

	CG_E_BASE32_CHAR,     /* character outside the RFC 4648 alphabet */
	CG_E_BASE32_LENGTH,   /* length impossible for base32 */
	CG_E_BASE32_PADDING,  /* misplaced or excess '=' */
	CG_E_BASE32_EMPTY,    /* nothing to decode */

	CG_E_URI_SCHEME,      /* not otpauth:// */
	CG_E_URI_TYPE,        /* not totp (hotp unsupported) */
	CG_E_URI_LABEL,       /* missing or malformed label */
	CG_E_URI_ENCODING,    /* bad percent-encoding */
	CG_E_URI_SECRET,      /* missing or malformed secret */
	CG_E_URI_ALGORITHM,   /* algorithm other than SHA1/SHA256/SHA512 */
	CG_E_URI_DIGITS,      /* digits other than 6 or 8 */
	CG_E_URI_PERIOD,      /* period other than 30 or 60 */
	CG_E_URI_PARAM,       /* unknown or duplicated parameter */
	CG_E_URI_ISSUER,      /* issuer parameter disagrees with label */

	CG_E_IO,              /* I/O error (errno kept by the caller) */
	CG_E_NOENT,           /* file does not exist */
	CG_E_SYMLINK,         /* refused: symbolic link */
	CG_E_NOTREG,          /* refused: not a regular file / directory */
	CG_E_OWNER,           /* refused: wrong owner */
	CG_E_MODE,            /* refused: group/other permissions */
	CG_E_NLINK,           /* refused: hard-linked file */
	CG_E_LOCK,            /* could not take the lock in time */
	CG_E_PARSE,           /* malformed file contents */
	CG_E_EXISTS,          /* already exists */
	CG_E_NAME,            /* unsafe name (user, credential) */
	CG_E_NOTMINE,         /* refused: file belongs to another user */
	CG_E_UNAVAILABLE,     /* the state store cannot be reached */
	CG_E_CONFLICT,        /* state changed under a compare-and-set */
	CG_E_UNSEAL,          /* sealed data failed authentication */
	CG_E_KEY,             /* host key missing or unusable */
	CG_E_CHANGED,         /* file changed while it was being replaced */
	CG_E_EXPOSED,         /* refused: a secret readable by group/others */
	CG_E__COUNT
} cg_err;

const char *cg_strerror(cg_err err);

#endif
