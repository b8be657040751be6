/* Decimal numbers: one parser for the whole tree (see number.h). */
#include "config.h"
#include "number.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

cg_err cg_dec_prefix(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;

	if (!is_digit(*s)) {
		*end = s;
		return CG_E_INVAL;
	}
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	*end = s;
	if (overflow)
		return CG_E_RANGE;
	*out = v;
	return CG_OK;
}

bool cg_dec_u64(const char *s, uint64_t max, bool canonical, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (canonical && s[0] == '0' && s[1] != '\0')
		return false;
	if (cg_dec_prefix(s, &end, &v) != CG_OK || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

bool cg_dec_unsigned(const char *s, unsigned max, bool canonical,
		     unsigned *out)
{
	uint64_t v;

	if (!cg_dec_u64(s, max, canonical, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

bool cg_dec_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int64_t x;

	if (neg && s[1] == '0')       /* "-0", "-01" */
		return false;
	if (!cg_dec_u64(neg ? s + 1 : s, lim, true, &v))
		return false;
	x = !neg ? (int64_t)v : v == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		-(int64_t)v;
	if (x < min || x > max)
		return false;
	*out = x;
	return true;
}
