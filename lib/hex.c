/* Hexadecimal encoding and decoding (see hex.h). */
#include "config.h"
#include "hex.h"

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

bool cg_hex_decode(const char *s, size_t n, bool lower_only, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = cg_hex_value(s[2 * i]);
		int lo = hi < 0 ? -1 : cg_hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		if (lower_only && ((s[2 * i] >= 'A' && s[2 * i] <= 'F') ||
				   (s[2 * i + 1] >= 'A' && s[2 * i + 1] <= 'F')))
			return false;
		if (out != NULL)
			out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}
