/* libFuzzer target: base32 decoding never overruns, and decode(encode(x)) == x. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base32.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char out[256], back[256];
	char text[1024], *s;
	size_t n = 0, m = 0;

	/* As text to decode. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cg_base32_decode(s, out, sizeof(out), &n);
	free(s);
	/* As bytes to round-trip. */
	if (size > sizeof(back) || size == 0)
		return 0;
	if (cg_base32_encode(data, size, size % 2 == 0, text, sizeof(text)) != CG_OK)
		abort();
	if (cg_base32_decode(text, back, sizeof(back), &m) != CG_OK ||
	    m != size || memcmp(back, data, size) != 0)
		abort();
	return 0;
}
