/* Hexadecimal encoding and decoding (see hex.h).
 *
 * cg_hex_decode reads secrets (TOTP secrets from pam_oath files) as well
 * as salts and hashes on every login, so it is both constant-time and
 * cheap: sixteen digits at a time in an SSE2 register where there is
 * one, eight in a 64-bit word (SWAR) otherwise and for the rest, each
 * byte classified with compares or additions and masks, no branch and no
 * table indexed by a digit, so neither the time nor the cache lines
 * touched depend on the value decoded.  Only whether the whole input is valid decides a branch,
 * once, at the end. */
#include "config.h"
#include <endian.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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

#ifdef __SSE2__
/* decode8 for sixteen digits at once, where every x86-64 CPU can: the
 * same classification with byte compares (signed: a byte >= 0x80 is
 * negative, below every range, so no digit), the same value, the pairs
 * packed with 16-bit shifts.  *bad gets 0xff for each non-digit. */
static inline void decode16(const char *s, __m128i upper, uint8_t out[8],
			    __m128i *bad)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
				      _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
	__m128i lower = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('a' - 1)),
				      _mm_cmplt_epi8(x, _mm_set1_epi8('f' + 1)));
	__m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
				   _mm_cmplt_epi8(x, _mm_set1_epi8('F' + 1)));
	__m128i letter = _mm_or_si128(lower, _mm_and_si128(up, upper));
	__m128i v;

	*bad = _mm_or_si128(*bad, _mm_andnot_si128(_mm_or_si128(digit, letter),
						   _mm_set1_epi8(-1)));
	v = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0f)),
			 _mm_and_si128(letter, _mm_set1_epi8(9)));
	/* 16-bit lane i holds digit 2i (low byte) and 2i+1 (high byte). */
	v = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0xff)),
					4),
			 _mm_srli_epi16(v, 8));
	_mm_storel_epi64((__m128i *)(void *)out,
			 _mm_packus_epi16(v, _mm_setzero_si128()));
}
#endif

bool cg_hex_decode(const char *s, size_t n, bool lower_only, uint8_t *out)
{
	uint64_t upper = lower_only ? 0 : HIGH, bad = 0;
	uint8_t tmp[8];
	char tail[8];
	size_t i = 0, rem;

	/* A shorter string ends in a NUL, which is no digit: refused before
	 * anything past it is read. */
	if (strnlen(s, 2 * n) < 2 * n)
		goto fail;
#ifdef __SSE2__
	{
		__m128i bad16 = _mm_setzero_si128();
		__m128i upper16 = _mm_set1_epi8(lower_only ? 0 : -1);

		for (; i + 8 <= n; i += 8)
			decode16(s + 2 * i, upper16,
				 out != NULL ? out + i : tmp, &bad16);
		bad |= (uint64_t)_mm_movemask_epi8(bad16) != 0 ? HIGH : 0;
	}
#endif
	for (; i + 4 <= n; i += 4)
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
