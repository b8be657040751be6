/* Base32, RFC 4648 section 6.
 *
 * The decoder is meant for secrets typed or pasted by people: it accepts
 * lower case, spaces and tabs anywhere, and a missing final padding.  It
 * refuses everything else so that a typo is an error, not a different
 * secret.  Validation runs over the whole input before a single byte is
 * written, so out only ever holds a complete result (or zeros).
 *
 * Trailing bits: the last character of an unpadded-length group carries
 * bits that belong to no output byte.  RFC 4648 encoders always set them
 * to zero; we ignore them instead of rejecting non-zero ones, as
 * oathtool does ("MY" and "MZ" give the same codes there), so a secret
 * another tool accepts is not refused here.  Consequence: decoding is
 * not injective, which fuzz round-trip checks must allow: check
 * decode(encode(x)) == x, not encode(decode(s)) == s. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "base32.h"
#include "wipe.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Result of scanning the input: counts of data and padding characters. */
struct b32_scan {
	size_t data;
	size_t pad;
};

size_t cg_base32_encoded_len(size_t n, bool pad)
{
	size_t full = n / 5, rest = n % 5;
	/* Characters for a final partial quantum of 1..4 bytes. */
	static const size_t tail[5] = { 0, 2, 4, 5, 7 };

	if (pad)
		return (full + (rest != 0)) * 8;
	return full * 8 + tail[rest];
}

cg_err cg_base32_encode(const uint8_t *in, size_t n, bool pad,
			char *out, size_t outsz)
{
	size_t need, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if ((in == NULL && n > 0) || out == NULL)
		return CG_E_INVAL;
	if (n > SIZE_MAX / 16)
		return CG_E_TOOBIG;
	need = cg_base32_encoded_len(n, pad);
	if (outsz < need + 1)
		return CG_E_TOOBIG;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 0x1f];
	while (o < need)
		out[o++] = '=';
	out[o] = '\0';
	cg_wipe(&acc, sizeof(acc));
	return CG_OK;
}

/* Value of one alphabet character, either case; -1 if not in the alphabet. */
static int b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

static bool b32_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Padding a correct encoder puts after `rem` data characters of the last
 * quantum; rem 1, 3 and 6 are impossible and rejected before this. */
static size_t b32_expected_pad(size_t rem)
{
	static const size_t pad[8] = { 0, 0, 6, 0, 4, 3, 0, 1 };

	return pad[rem];
}

/* Character pass: count data and padding, refuse foreign characters and
 * data after padding. */
static cg_err b32_scan_chars(const char *in, struct b32_scan *s)
{
	s->data = s->pad = 0;
	for (const char *p = in; *p != '\0'; p++) {
		if (b32_blank(*p))
			continue;
		if (*p == '=') {
			s->pad++;
			continue;
		}
		if (b32_value(*p) < 0)
			return CG_E_BASE32_CHAR;
		if (s->pad > 0)
			return CG_E_BASE32_PADDING;
		s->data++;
	}
	return CG_OK;
}

/* Length pass: the counts must be ones an encoder can produce.  Padding
 * may be absent, but if present it must be exactly the right amount. */
static cg_err b32_check_lengths(const struct b32_scan *s)
{
	size_t rem = s->data % 8;

	if (s->data == 0)
		return s->pad > 0 ? CG_E_BASE32_PADDING : CG_E_BASE32_EMPTY;
	if (rem == 1 || rem == 3 || rem == 6)
		return CG_E_BASE32_LENGTH;
	if (s->pad > 0 && s->pad != b32_expected_pad(rem))
		return CG_E_BASE32_PADDING;
	return CG_OK;
}

/* Input already validated: convert the data characters. */
static size_t b32_convert(const char *in, uint8_t *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	for (const char *p = in; *p != '\0' && *p != '='; p++) {
		if (b32_blank(*p))
			continue;
		acc = (acc << 5) | (uint32_t)b32_value(*p);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits (< 8) are the trailing bits discussed above. */
	cg_wipe(&acc, sizeof(acc));
	return o;
}

cg_err cg_base32_decode(const char *in, uint8_t *out, size_t outsz,
			size_t *outlen)
{
	struct b32_scan s;
	cg_err r;

	if (in == NULL || out == NULL || outlen == NULL)
		return CG_E_INVAL;
	*outlen = 0;
	if ((r = b32_scan_chars(in, &s)) != CG_OK)
		goto out;
	if ((r = b32_check_lengths(&s)) != CG_OK)
		goto out;
	if (s.data / 8 * 5 + (s.data % 8) * 5 / 8 > outsz) {
		r = CG_E_TOOBIG;
		goto out;
	}
	*outlen = b32_convert(in, out);
	r = CG_OK;
 out:
	if (r != CG_OK)
		cg_wipe(out, outsz);
	return r;
}
