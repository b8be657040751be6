/* Secrets from the OpenSSL CSPRNG. */
#ifndef CG_SECRET_H
#define CG_SECRET_H
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"

#define CG_SECRET_DEFAULT_LEN 20   /* 160 bits, RFC 4226 recommendation */

cg_err cg_random_bytes(uint8_t *out, size_t n);

#endif
