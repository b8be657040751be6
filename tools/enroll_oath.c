/* pam_oath's usersfile (liboath), one token per line:
 *
 *   TYPE USER PASSWORD HEXSECRET [COUNTER [LASTOTP [LASTTIME]]]
 *   HOTP/T30/6  alice  -  3132333435363738393031323334353637383930
 *
 * TYPE is HOTP[/E[/N]] (event-based) or HOTP/T30[/N], HOTP/T60[/N] (time-
 * based, N digits, HMAC-SHA1).  Lines whose type liboath does not know
 * are skipped as liboath skips them.  LASTTIME is local time as liboath
 * writes it, "%Y-%m-%dT%H:%M:%SL". */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "enroll.h"
#include "wipe.h"
#include "cg_macros.h"
#include "hex.h"

#define OATH_LINE_MAX 4096
#define OATH_FIELDS 7

/* liboath's token types; *period 0 for event-based. */
static bool parse_type(const char *s, unsigned *digits, unsigned *period)
{
	static const char *const event[] = { "HOTP", "HOTP/E", "HOTP/E/6",
					      "HOTP/E/7", "HOTP/E/8" };

	*period = 0;
	*digits = 6;
	for (size_t i = 0; i < CG_ARRAY_SIZE(event); i++)
		if (strcmp(s, event[i]) == 0) {
			*digits = s[strlen(s) - 1] == '7' ? 7 :
				  s[strlen(s) - 1] == '8' ? 8 : 6;
			return true;
		}
	if (strncmp(s, "HOTP/T30", 8) == 0)
		*period = 30;
	else if (strncmp(s, "HOTP/T60", 8) == 0)
		*period = 60;
	else
		return false;
	s += 8;
	if (*s == '\0')
		return true;
	if (s[0] != '/' || s[1] < '6' || s[1] > '8' || s[2] != '\0')
		return false;
	*digits = (unsigned)(s[1] - '0');
	return true;
}

static bool parse_hex(const char *s, struct cg_totp *t)
{
	size_t n = strlen(s);

	if (n % 2 != 0 || n / 2 < CG_SECRET_MIN || n / 2 > CG_SECRET_MAX)
		return false;
	if (!cg_hex_decode(s, n / 2, false, t->secret))
		return false;
	t->secret_len = n / 2;
	return true;
}

/* The step of the last code liboath accepted: the step near LASTTIME
 * whose code is LASTOTP (the newest, should two match); else the step of
 * LASTTIME itself.  Either way older codes cannot be replayed here. */
static void map_last_use(const char *otp, const char *when,
			 struct enroll_import *out, unsigned *notes)
{
	char code[CG_CODE_MAX + 1];
	const char *end;
	struct tm tm;
	uint64_t base;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(when, "%Y-%m-%dT%H:%M:%SL", &tm);
	if (end == NULL || *end != '\0')
		return;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || t < 0)
		return;
	base = cg_totp_step(&out->totp, t);
	out->last_step = (int64_t)base;
	*notes |= ENROLL_OATH_LAST_TIME;
	for (uint64_t s = base > CG_WINDOW_MAX ? base - CG_WINDOW_MAX : 0;
	     s <= base + CG_WINDOW_MAX; s++) {
		if (cg_totp_code(&out->totp, s, code, sizeof(code)) == CG_OK &&
		    strcmp(code, otp) == 0) {
			out->last_step = (int64_t)s;
			*notes = (*notes & ~ENROLL_OATH_LAST_TIME) |
				 ENROLL_OATH_LAST_OTP;
		}
	}
	cg_wipe(code, sizeof(code));
}

/* Fill out from the user's line (fields already split). */
static cg_err take_line(char **f, size_t nf, unsigned digits, unsigned period,
			struct enroll_import *out, unsigned *notes,
			char *why, size_t whysz)
{
	if (period == 0) {
		snprintf(why, whysz, "event-based HOTP token: credgate "
			 "supports time-based ones only (HOTP/T30, HOTP/T60)");
		return CG_E_PARSE;
	}
	if (!cg_digits_valid(digits)) {
		snprintf(why, whysz, "%u-digit codes: credgate supports 6 or 8",
			 digits);
		return CG_E_PARSE;
	}
	if (nf < 4 || !parse_hex(f[3], &out->totp)) {
		snprintf(why, whysz, "missing or malformed hex secret "
			 "(10 to 128 bytes)");
		return CG_E_PARSE;
	}
	out->totp.alg = CG_ALG_SHA1;
	out->totp.digits = digits;
	out->totp.period = period;
	if (strcmp(f[2], "-") != 0)
		*notes |= ENROLL_OATH_PASSWORD;
	if (nf >= 7)
		map_last_use(f[5], f[6], out, notes);
	return CG_OK;
}

/* Split on blanks into at most OATH_FIELDS fields (more are ignored, as
 * liboath ignores them). */
static size_t split(char *line, char **f)
{
	size_t n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t\r", &save);
	     tok != NULL && n < OATH_FIELDS;
	     tok = strtok_r(NULL, " \t\r", &save))
		f[n++] = tok;
	return n;
}

cg_err enroll_oath_parse(const char *text, size_t len, const char *user,
			 struct enroll_import *out, unsigned *notes,
			 unsigned *bad_line, char *why, size_t whysz)
{
	char line[OATH_LINE_MAX], *f[OATH_FIELDS];
	unsigned ln = 0, digits, period, found = 0;
	cg_err e = CG_E_NOENT;

	memset(out, 0, sizeof(*out));
	memset(line, 0, sizeof(line));
	out->last_step = -1;
	*notes = 0;
	*bad_line = 0;
	for (size_t pos = 0; pos < len; pos += strcspn(text + pos, "\n") + 1) {
		size_t n = strcspn(text + pos, "\n"), nf;

		ln++;
		if (n >= sizeof(line) || memchr(text + pos, '\0', n) != NULL) {
			snprintf(why, whysz, "line too long or NUL byte");
			e = CG_E_PARSE;
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		nf = split(line, f);
		if (nf < 2 || !parse_type(f[0], &digits, &period) ||
		    strcmp(f[1], user) != 0)
			continue;
		if (found++ > 0) {
			snprintf(why, whysz, "second line for this user: "
				 "credgate keeps one secret per user");
			e = CG_E_PARSE;
			break;
		}
		if ((e = take_line(f, nf, digits, period, out, notes, why,
				   whysz)) != CG_OK)
			break;
		*bad_line = ln;       /* where the user's token was */
	}
	if (e != CG_OK && e != CG_E_NOENT)
		*bad_line = ln;
	cg_wipe(line, sizeof(line));
	if (e != CG_OK)
		cg_wipe(out, sizeof(*out));
	return e;
}
