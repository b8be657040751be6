/* Wiping and constant-time comparison of memory that held secrets. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "wipe.h"

void cg_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void cg_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

void cg_free_string(char *s)
{
	if (s != NULL)
		cg_freezero(s, strlen(s));
}

bool cg_memeq_consttime(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

bool cg_streq_consttime(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Compare over the longer length against a fixed pad, so a length
	 * mismatch costs the same as a content mismatch. */
	size_t n = la > lb ? la : lb;
	unsigned char diff = (unsigned char)(la != lb);
	for (size_t i = 0; i < n; i++) {
		unsigned char ca = i < la ? (unsigned char)a[i] : 0;
		unsigned char cb = i < lb ? (unsigned char)b[i] : 0;
		diff |= ca ^ cb;
	}
	return diff == 0;
}
