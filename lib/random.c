/* Random bytes from the OpenSSL CSPRNG (see random.h). */
#include "config.h"
#include <openssl/rand.h>
#include "random.h"
#include "wipe.h"

cg_err cg_random_bytes(uint8_t *out, size_t n)
{
	if (n > 4096)
		return CG_E_RANGE;
	if (RAND_bytes(out, (int)n) != 1) {
		cg_wipe(out, n);
		return CG_E_RANDOM;
	}
	return CG_OK;
}
