/* Base32, RFC 4648 section 6. */
#ifndef CG_BASE32_H
#define CG_BASE32_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "cg_error.h"

/* Characters needed to encode n bytes (with padding), excluding NUL. */
size_t cg_base32_encoded_len(size_t n, bool pad);
/* Encode n bytes into out (outsz includes the NUL).  Upper case. */
cg_err cg_base32_encode(const uint8_t *in, size_t n, bool pad,
			char *out, size_t outsz);
/* Decode.  Tolerates lower case, spaces (and tabs, dashes are NOT
 * tolerated) and missing padding; rejects any other character, padding
 * in the middle, and lengths no encoder can produce.  *outlen receives
 * the number of bytes written.  out is wiped on failure. */
cg_err cg_base32_decode(const char *in, uint8_t *out, size_t outsz,
			size_t *outlen);

#endif
