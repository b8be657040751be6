/* Dates in the policy (datetime.h): a strict ISO 8601 subset, computed
 * without the C library's time zone machinery, so the answer never
 * depends on TZ or /etc/localtime. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "datetime.h"
#include "number.h"

/* A run of exactly n decimal digits at *s (the one decimal parser,
 * number.h), advancing *s past it; false if the run is longer or
 * shorter. */
static bool digits(const char **s, int n, int *out)
{
	const char *end = NULL;
	uint64_t v = 0;

	if (cg_dec_prefix(*s, &end, &v) != CG_OK || end - *s != n)
		return false;
	*s = end;
	*out = (int)v;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool fail(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return false;
}

/* "YYYY-MM-DD" at *s. */
static bool parse_date(const char **s, int64_t *days, const char **why)
{
	int y, m, d;

	if (!digits(s, 4, &y) || *(*s)++ != '-' || !digits(s, 2, &m) ||
	    *(*s)++ != '-' || !digits(s, 2, &d))
		return fail(why, "not YYYY-MM-DD");
	if (y < 1970)
		return fail(why, "year before 1970");
	if (m < 1 || m > 12)
		return fail(why, "month out of range");
	if (d < 1 || d > days_in_month(y, m))
		return fail(why, "no such day in that month");
	*days = days_from_civil(y, m, d);
	return true;
}

/* "Thh:mm" or "Thh:mm:ss" at *s (the T already consumed). */
static bool parse_time(const char **s, int64_t *secs, const char **why)
{
	int h, mi, se = 0;

	if (!digits(s, 2, &h) || *(*s)++ != ':' || !digits(s, 2, &mi))
		return fail(why, "time not hh:mm or hh:mm:ss");
	if (**s == ':' && (++*s, !digits(s, 2, &se)))
		return fail(why, "time not hh:mm or hh:mm:ss");
	if (h > 23 || mi > 59 || se > 59)
		return fail(why, "time out of range");
	*secs = (int64_t)h * 3600 + mi * 60 + se;
	return true;
}

/* "Z", "+hh:mm", "+hhmm", "+hh" (or '-') at *s, the whole rest. */
static bool parse_offset(const char *s, int64_t *offset, const char **why)
{
	int sign, h, m = 0, hm;

	if (strcmp(s, "Z") == 0) {
		*offset = 0;
		return true;
	}
	if (*s != '+' && *s != '-')
		return fail(why, "zone names are not supported; give Z or "
			    "an offset such as +01:00");
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 4, &hm)) {               /* +hhmm */
		h = hm / 100;
		m = hm % 100;
	} else if (!digits(&s, 2, &h) ||
		   (*s == ':' && (++s, !digits(&s, 2, &m)))) {
		return fail(why, "offset not +hh:mm");
	}
	if (*s != '\0')
		return fail(why, "text after the offset");
	if (h > 23 || m > 59)
		return fail(why, "offset out of range");
	*offset = sign * ((int64_t)h * 3600 + m * 60);
	return true;
}

bool cg_datetime_parse(const char *s, int64_t *out, const char **why)
{
	int64_t days = 0, secs = 0, offset = 0, t;

	if (s == NULL || out == NULL)
		return fail(why, "missing");
	if (!parse_date(&s, &days, why))
		return false;
	if (*s == 'T') {
		s++;
		if (!parse_time(&s, &secs, why))
			return false;
	} else if (*s == 't' || *s == ' ' || (*s >= '0' && *s <= '9')) {
		return fail(why, "expected T between date and time");
	}
	if (*s != '\0' && !parse_offset(s, &offset, why))
		return false;
	/* The local time minus its offset from UTC is UTC. */
	t = days * 86400 + secs - offset;
	if (t <= 0)
		return fail(why, "before 1970");
	*out = t;
	return true;
}

void cg_datetime_format(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (buf == NULL || sz == 0)
		return;
	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, sz, "@%lld", (long long)t);
		return;
	}
	if (tm.tm_sec != 0)
		snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d:%02d UTC",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d UTC",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min);
}
