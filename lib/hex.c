/* Hexadecimal encoding and decoding (see hex.h).
 *
 * cg_hex_decode reads secrets (TOTP secrets from pam_oath files) as well
 * as salts and hashes on every login, so it is both constant-time and
 * cheap: eight digits at a time in a 64-bit word (SWAR), each byte
 * classified with additions and masks, no branch and no table indexed by
 * a digit, so neither the time nor the cache lines touched depend on the
 * value decoded.  Only whether the whole input is valid decides a branch,
 * once, at the end. */
#include "config.h"
#include <endian.h>
#include <string.h>
#include "hex.h"
#include "wipe.h"

int cg_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void cg_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)
#define BYTES(k) ((uint64_t)(k) * ONES)

/* Bit 7 of each byte set where that byte (top bit clear: x7) lies in
 * lo..hi.  No sum carries into the next byte: x7 <= 0x7f and both
 * addends are <= 0x80. */
static uint64_t in_range(uint64_t x7, unsigned lo, unsigned hi)
{
	uint64_t ge = x7 + BYTES(0x80 - lo);    /* bit 7: byte >= lo */
	uint64_t gt = x7 + BYTES(0x7f - hi);    /* bit 7: byte > hi */

	return ge & ~gt & HIGH;
}

/* Eight digits s[0..8) into four bytes; bit 7 of *bad's bytes is set
 * for each digit that is not one.  upper is HIGH to allow 'A'-'F', else
 * 0. */
static inline void decode8(const char *s, uint64_t upper, uint8_t out[4],
		    uint64_t *bad)
{
	uint64_t x, x7, digit, letter, v;
	uint32_t w;

	/* Byte i of x is s[i] whatever the host's byte order. */
	memcpy(&x, s, sizeof(x));
	x = le64toh(x);
	x7 = x & ~HIGH;
	digit = in_range(x7, '0', '9');
	letter = in_range(x7, 'a', 'f') | (in_range(x7, 'A', 'F') & upper);
	*bad |= ~(digit | letter) | (x & HIGH);
	/* '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66, 'A'-'F' 0x41-0x46: the
	 * low nibble, plus 9 for a letter.  Every byte stays <= 15. */
	v = (x & BYTES(0x0f)) + (letter >> 7) * 9;
	/* Byte 2i becomes digit 2i << 4 | digit 2i+1; then the even bytes
	 * are packed into the low four. */
	v = ((v << 4) | (v >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	v = (v | (v >> 8)) & UINT64_C(0x0000ffff0000ffff);
	w = htole32((uint32_t)(v | (v >> 16)));
	memcpy(out, &w, sizeof(w));
}

bool cg_hex_decode(const char *s, size_t n, bool lower_only, uint8_t *out)
{
	uint64_t upper = lower_only ? 0 : HIGH, bad = 0;
	uint8_t tmp[4];
	char tail[8];
	size_t i, rem;

	/* A shorter string ends in a NUL, which is no digit: refused before
	 * anything past it is read. */
	if (strnlen(s, 2 * n) < 2 * n)
		goto fail;
	for (i = 0; i + 4 <= n; i += 4)
		decode8(s + 2 * i, upper, out != NULL ? out + i : tmp, &bad);
	if ((rem = n - i) > 0) {
		/* The last 2, 4 or 6 digits, padded with valid ones. */
		memset(tail, '0', sizeof(tail));
		memcpy(tail, s + 2 * i, 2 * rem);
		decode8(tail, upper, tmp, &bad);
		if (out != NULL)
			memcpy(out + i, tmp, rem);
		cg_wipe_array(tail);
	}
	cg_wipe_array(tmp);
	if ((bad & HIGH) == 0)
		return true;
 fail:
	if (out != NULL)
		cg_wipe(out, n);
	return false;
}
