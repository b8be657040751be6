/* Random bytes from the OpenSSL CSPRNG, for secrets, salts and ids. */
#ifndef CG_RANDOM_H
#define CG_RANDOM_H
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"

#define CG_SECRET_DEFAULT_LEN 20   /* 160 bits, RFC 4226 recommendation */

cg_err cg_random_bytes(uint8_t *out, size_t n);

#endif
