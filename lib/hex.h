/* Hexadecimal: the one codec for secrets in pam_oath files, hashes and
 * salts in state files, fingerprints, and percent-escapes in URIs. */
#ifndef CG_HEX_H
#define CG_HEX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0..15 for [0-9a-fA-F], else -1. */
int cg_hex_value(char c);

/* 2*n lower-case digits of in[0..n) and a NUL into out (2*n+1 bytes). */
void cg_hex_encode(const uint8_t *in, size_t n, char *out);

/* Exactly 2*n hex digits from s into out[0..n) (out may be NULL to only
 * check); lower_only refuses 'A'-'F' (for canonical files).  Nothing is
 * read past s[2*n-1] or past a NUL before it; the caller checks what
 * follows.  Constant time in the digits' values (secrets are decoded
 * here).  On failure out[0..n) is wiped. */
bool cg_hex_decode(const char *s, size_t n, bool lower_only, uint8_t *out);

#endif
