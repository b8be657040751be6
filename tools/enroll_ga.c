/* The ~/.google_authenticator format of pam_google_authenticator:
 *
 *   BASE32SECRET                  first line
 *   " RATE_LIMIT 3 30 [times..]   option lines start with '"' and a space
 *   " WINDOW_SIZE 17
 *   " DISALLOW_REUSE [steps..]
 *   " TOTP_AUTH                   time-based (else HOTP_COUNTER n)
 *   " STEP_SIZE 30
 *   12345678                      8-digit scratch codes, each usable once
 *
 * Read here as that module reads it (only a file it would accept for
 * time-based codes is imported), but strictly: a line that is neither an
 * option nor a scratch code is an error, not something to skip. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "base32.h"
#include "enroll.h"
#include "wipe.h"
#include "number.h"

#define GA_LINE_MAX 1024

struct ga_parse {
	struct enroll_import *out;
	struct enroll_ga_info *info;
	bool totp_auth, hotp;
	unsigned step_line;       /* line of STEP_SIZE, for its error */
	char *why;
	size_t whysz;
};

static cg_err fail(struct ga_parse *p, const char *msg)
{
	snprintf(p->why, p->whysz, "%s", msg);
	return CG_E_PARSE;
}

/* Next decimal number of an option's value; false at the end (*end) or
 * on anything that is not blanks and digits. */
static bool next_number(const char **s, unsigned long long *v, bool *end)
{
	const char *q = *s + strspn(*s, " \t");
	uint64_t n;

	*end = *q == '\0';
	if (*end)
		return false;
	if (cg_dec_prefix(q, &q, &n) != CG_OK ||
	    (*q != '\0' && *q != ' ' && *q != '\t'))
		return false;
	*v = n;
	*s = q;
	return true;
}

/* One number in lo..hi, then nothing else. */
static bool one_number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long long v;
	bool end;

	if (!next_number(&s, &v, &end) || v < lo || v > hi)
		return false;
	if (next_number(&s, &v, &end) || !end)
		return false;
	*out = (unsigned)v;
	return true;
}

static cg_err parse_rate_limit(struct ga_parse *p, const char *v)
{
	unsigned long long n, s, t;
	bool end;

	if (!next_number(&v, &n, &end) || n < 1 || n > 100 ||
	    !next_number(&v, &s, &end) || s < 1 || s > 3600)
		return fail(p, "RATE_LIMIT needs attempts (1-100) and seconds "
			    "(1-3600)");
	while (next_number(&v, &t, &end))
		;                 /* times of recent attempts: transient */
	if (!end)
		return fail(p, "malformed RATE_LIMIT");
	p->info->rate_attempts = (unsigned)n;
	p->info->rate_seconds = (unsigned)s;
	return CG_OK;
}

/* The time steps already used: the newest becomes our last_step, so none
 * of them can be replayed after the move. */
static cg_err parse_disallow(struct ga_parse *p, const char *v)
{
	unsigned long long step;
	bool end;

	p->info->disallow_reuse = true;
	while (next_number(&v, &step, &end))
		if ((int64_t)step > p->out->last_step)
			p->out->last_step = (int64_t)step;
	return end ? CG_OK : fail(p, "malformed DISALLOW_REUSE");
}

static cg_err parse_option(struct ga_parse *p, const char *line, unsigned ln)
{
	char key[32];
	size_t klen = strcspn(line, " \t");
	const char *v = line + klen;
	long long skew = 0;

	if (klen == 0 || klen >= sizeof(key))
		return fail(p, "malformed option line");
	memcpy(key, line, klen);
	key[klen] = '\0';
	if (strcmp(key, "TOTP_AUTH") == 0) {
		p->totp_auth = true;
	} else if (strcmp(key, "HOTP_COUNTER") == 0) {
		p->hotp = true;
	} else if (strcmp(key, "WINDOW_SIZE") == 0) {
		if (!one_number(v, 1, 100, &p->info->window_size))
			return fail(p, "WINDOW_SIZE must be 1-100");
	} else if (strcmp(key, "STEP_SIZE") == 0) {
		if (!one_number(v, 1, 60, &p->info->step_size))
			return fail(p, "STEP_SIZE must be 1-60");
		p->step_line = ln;
	} else if (strcmp(key, "RATE_LIMIT") == 0) {
		return parse_rate_limit(p, v);
	} else if (strcmp(key, "DISALLOW_REUSE") == 0) {
		return parse_disallow(p, v);
	} else if (strcmp(key, "TIME_SKEW") == 0) {
		if (sscanf(v, "%lld", &skew) != 1)
			return fail(p, "malformed TIME_SKEW");
		p->info->time_skew = skew != 0;
	} else if (strcmp(key, "RESETTING_TIME_SKEW") != 0) {
		p->info->ignored++;  /* (a skew probe in progress: transient) */
	}
	return CG_OK;
}

static bool is_scratch_code(const char *line)
{
	if (strlen(line) != 8 || line[0] < '1' || line[0] > '9')
		return false;
	return strspn(line, "0123456789") == 8;
}

static cg_err parse_secret(struct ga_parse *p, const char *line)
{
	struct cg_totp *t = &p->out->totp;

	if (cg_base32_decode(line, t->secret, sizeof(t->secret),
			     &t->secret_len) != CG_OK)
		return fail(p, "first line is not a base32 secret");
	if (t->secret_len < CG_SECRET_MIN)
		return fail(p, "secret shorter than 80 bits");
	return CG_OK;
}

static cg_err parse_line(struct ga_parse *p, const char *line, unsigned ln)
{
	struct enroll_import *o = p->out;

	if (ln == 1)
		return parse_secret(p, line);
	if (line[0] == '\0')
		return CG_OK;
	if (line[0] == '"' && line[1] == ' ')
		return parse_option(p, line + 2, ln);
	if (!is_scratch_code(line))
		return fail(p, "neither an option nor an 8-digit scratch code");
	if (o->nscratch >= CG_RECOVERY_MAX)
		return fail(p, "more than 20 scratch codes");
	memcpy(o->scratch[o->nscratch++], line, 9);
	return CG_OK;
}

/* The whole file read: is it one the old module used for TOTP? */
static cg_err finish(struct ga_parse *p, unsigned *bad_line)
{
	if (p->hotp)
		return fail(p, "counter-based (HOTP_COUNTER): credgate supports "
			    "time-based codes only; enroll this user anew");
	if (!p->totp_auth)
		return fail(p, "no TOTP_AUTH line: the file holds no time-based "
			    "secret");
	if (!cg_period_valid(p->info->step_size)) {
		*bad_line = p->step_line;
		return fail(p, "STEP_SIZE other than 30 or 60: not supported");
	}
	p->out->totp.alg = CG_ALG_SHA1;
	p->out->totp.digits = 6;
	p->out->totp.period = p->info->step_size;
	return CG_OK;
}

cg_err enroll_ga_parse(const char *text, size_t len, struct enroll_import *out,
		       struct enroll_ga_info *info, unsigned *bad_line,
		       char *why, size_t whysz)
{
	struct ga_parse p = { out, info, false, false, 0, why, whysz };
	char line[GA_LINE_MAX];
	unsigned ln = 0;
	cg_err e = CG_OK;

	memset(out, 0, sizeof(*out));
	memset(info, 0, sizeof(*info));
	memset(line, 0, sizeof(line));
	out->last_step = -1;
	info->step_size = 30;
	*bad_line = 0;
	if (memchr(text, '\0', len) != NULL)
		e = fail(&p, "NUL byte in the file");
	for (size_t pos = 0; pos < len && e == CG_OK; ln++) {
		size_t n = strcspn(text + pos, "\n");

		if (n >= sizeof(line)) {
			*bad_line = ln + 1;
			e = fail(&p, "line too long");
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		pos += n + 1;
		if ((e = parse_line(&p, line, ln + 1)) != CG_OK)
			*bad_line = ln + 1;
	}
	if (e == CG_OK && ln == 0)
		e = fail(&p, "empty file");
	if (e == CG_OK)
		e = finish(&p, bad_line);
	cg_wipe(line, sizeof(line));
	if (e != CG_OK)
		cg_wipe(out, sizeof(*out));
	return e;
}

static void report_window(const struct enroll_ga_info *info,
			  const struct cg_defaults *d, FILE *f)
{
	unsigned w = info->window_size != 0 ? info->window_size : 3;
	unsigned before = (w - 1) / 2, after = w / 2;

	fprintf(f, "  WINDOW_SIZE %u%s: accepted %u step(s) before and %u "
		"after the current one.\n", w,
		info->window_size != 0 ? "" : " (its default)", before, after);
	if (before == d->window && after == d->window)
		fprintf(f, "    Same as credgate's window = %u (set site-wide "
			"in credgate.conf [defaults]).\n", d->window);
	else
		fprintf(f, "    Not mapped: credgate's window is site-wide, "
			"now window = %u (steps either side)\n    in "
			"credgate.conf [defaults]; window = %u would accept "
			"this file's codes%s.\n", d->window,
			after < 10 ? after : 10,
			after > 10 ? " as far as credgate allows" : "");
}

void enroll_ga_report(const struct enroll_import *imp,
		      const struct enroll_ga_info *info,
		      const struct cg_defaults *d, FILE *f)
{
	fprintf(f, "Imported from the google-authenticator file:\n");
	fprintf(f, "  secret (%zu bits), SHA1, 6 digits, %u s steps: mapped.\n",
		imp->totp.secret_len * 8, imp->totp.period);
	fprintf(f, "  %zu scratch code(s): kept as recovery codes, each "
		"usable once.\n", imp->nscratch);
	if (info->disallow_reuse)
		fprintf(f, "  DISALLOW_REUSE: mapped; credgate refuses any "
			"code used before%s.\n", imp->last_step >= 0 ?
			", the last step used is carried over" : "");
	else
		fprintf(f, "  no DISALLOW_REUSE: credgate refuses a code used "
			"before in any case.\n");
	report_window(info, d, f);
	if (info->rate_attempts != 0)
		fprintf(f, "  RATE_LIMIT %u %u: not mapped: credgate limits "
			"failures site-wide in credgate.conf [defaults]:\n"
			"    now max_failures = %u within failure_window = %u s, "
			"then lockout = %u s.\n", info->rate_attempts,
			info->rate_seconds, d->max_failures, d->failure_window,
			d->lockout);
	if (info->time_skew)
		fprintf(f, "  TIME_SKEW: not mapped: credgate does not learn "
			"clock skew; the app's clock must be right\n    within "
			"the window.\n");
	if (info->ignored != 0)
		fprintf(f, "  %u option line(s) not understood: ignored.\n",
			info->ignored);
}
