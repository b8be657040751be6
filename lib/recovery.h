/* Recovery codes: shown once at enrollment, stored only as salted hashes
 * inside the sealed state (recovery.c says why a fast hash), each
 * accepted once at the TOTP prompt. */
#ifndef CG_RECOVERY_H
#define CG_RECOVERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"
#include "state.h"

#define CG_RECOVERY_DEFAULT_COUNT 10
/* "xxxx-xxxx-xxxx": 12 characters of a 32-letter alphabet = 60 bits. */
#define CG_RECOVERY_CODE_SIZE 16      /* incl. NUL */

/* A new random code, printable form (lower-case base32 in groups of 4). */
cg_err cg_recovery_generate(char out[CG_RECOVERY_CODE_SIZE]);

/* Hash a code as "sha256:SALTHEX:HASHHEX" (SHA-256 of a fresh 16-byte
 * salt and the normalised code).
 * The code is normalised first: case folded, spaces and dashes dropped,
 * so "ABCD EFGH IJKL" matches "abcd-efgh-ijkl".  Google Authenticator's
 * 8-digit scratch codes are valid codes too (imports keep them); any
 * other length is CG_E_INVAL. */
cg_err cg_recovery_hash(const char *code, char out[CG_RECOVERY_HASH_SIZE]);

/* Is `input` one of st's recovery codes?  An input of a code's form (8
 * or 12 letters and digits once normalised) costs CG_RECOVERY_MAX hashes
 * whatever st holds (recovery.c), so timing tells neither which code,
 * nor whether any, nor how many the user has; any other input (a TOTP
 * code) is no match and costs no hash.  CG_E_CRYPTO if OpenSSL fails.
 * On a match returns CG_OK and *index; CG_E_INVAL if none matches. */
cg_err cg_recovery_match(const struct cg_state *st, const char *input,
			 size_t *index);

/* The parts of one stored entry: "sha256:SALTHEX:HASHHEX" (*iter 0), or
 * the legacy "pbkdf2-sha256:ITER:SALTHEX:HASHHEX" with ITER canonical
 * decimal in CG_RECOVERY_ITER_MIN..CG_RECOVERY_ITER_MAX; 32 and 64
 * lower-case hex digits.  Anything else is CG_E_PARSE.  Used by
 * the state parser (to refuse a malformed entry) and by the matcher.
 * Any of the out pointers may be NULL. */
#define CG_RECOVERY_SALT_LEN 16
#define CG_RECOVERY_KEY_LEN 32
#define CG_RECOVERY_ITER_MIN 1000
#define CG_RECOVERY_ITER_MAX 10000000
cg_err cg_recovery_entry_parse(const char *entry, unsigned *iter,
			       uint8_t salt[CG_RECOVERY_SALT_LEN],
			       uint8_t key[CG_RECOVERY_KEY_LEN]);

/* Remove entry `index` (after a successful use); an index out of range
 * is ignored. */
void cg_recovery_consume(struct cg_state *st, size_t index);

/* Replace st's recovery codes by `count` new ones; the plain codes are
 * written to codes_out[count][CG_RECOVERY_CODE_SIZE] for showing once. */
cg_err cg_recovery_regenerate(struct cg_state *st, size_t count,
			      char (*codes_out)[CG_RECOVERY_CODE_SIZE]);

#endif
