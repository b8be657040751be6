/* The text form of a user's state (format in state.h).
 *
 * The parser is strict on purpose: the file is written only by
 * cg_state_format, so anything it would not have written is damage or
 * tampering, and the module must deny rather than guess.  The formatter
 * refuses a struct the parser would refuse, so what we write we can read. */
#include "config.h"
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base32.h"
#include "number.h"
#include "recovery.h"
#include "state.h"
#include "wipe.h"

#define STATE_HEADER "credgate-state 1"
_Static_assert(CG_STATE_VERSION == 1, "STATE_HEADER names the version");

/* Longest line we accept; the longest we write is enrolled_by. */
#define STATE_LINE_MAX 512
/* Longest text cg_state_format can produce (generous per-line bounds). */
#define STATE_TEXT_MAX (64 + 16 + 2 * CG_SECRET_MAX + 10 * 48 + \
			CG_USER_MAX + \
			CG_RECOVERY_MAX * (16 + CG_RECOVERY_HASH_SIZE))
_Static_assert(STATE_TEXT_MAX <= CG_STATE_MAX_BYTES, "state text bound");
#define SECRET_B32_MAX ((CG_SECRET_MAX + 4) / 5 * 8)

enum state_key {
	K_SECRET, K_ALGORITHM, K_DIGITS, K_PERIOD, K_LAST_STEP, K_FAILURES,
	K_FIRST_FAILURE, K_LOCKED_UNTIL, K_ENROLLED_AT, K_ENROLLED_BY,
	K_ONCE_COUNT,           /* keys above appear exactly once */
	K_RECOVERY = K_ONCE_COUNT,
	K_LEGACY_GRACE,         /* read and ignored: grace is in grace.h now */
	K_COUNT
};
/* Old files held at most this many "grace TTY EPOCH" lines. */
#define LEGACY_GRACE_MAX 8
#define LEGACY_TTY_MAX 64

static const char *const key_names[K_COUNT] = {
	"secret", "algorithm", "digits", "period", "last_step", "failures",
	"last_failure", "locked_until", "enrolled_at", "enrolled_by",
	"recovery", "grace",
};

static bool legacy_tty_valid(const char *tty)
{
	size_t n = 0;

	for (const char *p = tty; *p != '\0'; p++, n++) {
		char c = *p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || strchr("/:._-", c) != NULL))
			return false;
	}
	return n > 0 && n < LEGACY_TTY_MAX;
}

/* Canonical unpadded upper-case base32 (encode(decode(s)) == s). */
static cg_err parse_secret(const char *s, struct cg_totp *t)
{
	char again[SECRET_B32_MAX + 1];
	size_t n = strlen(s);
	cg_err r = CG_E_PARSE;

	memset(again, 0, sizeof(again));
	if (n > SECRET_B32_MAX || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != n)
		goto out;
	if (cg_base32_decode(s, t->secret, sizeof(t->secret),
			     &t->secret_len) != CG_OK ||
	    t->secret_len < CG_SECRET_MIN || t->secret_len > CG_SECRET_MAX)
		goto out;
	if (cg_base32_encode(t->secret, t->secret_len, false, again,
			     sizeof(again)) != CG_OK || strcmp(again, s) != 0)
		goto out;
	r = CG_OK;
 out:
	cg_wipe(again, sizeof(again));
	return r;
}

static bool enroller_valid(const char *who)
{
	return strcmp(who, "-") == 0 || cg_user_name_valid(who);
}

/* "grace TTY EPOCH" of files written before grace moved out: checked as
 * strictly as it was (a damaged file still denies), then dropped. */
static cg_err parse_legacy_grace(const char *v, unsigned *count)
{
	char tty[LEGACY_TTY_MAX];
	const char *sp = strchr(v, ' ');
	int64_t at = 0;
	size_t n;

	if (sp == NULL || *count >= LEGACY_GRACE_MAX)
		return CG_E_PARSE;
	n = (size_t)(sp - v);
	if (n >= LEGACY_TTY_MAX)
		return CG_E_PARSE;
	memcpy(tty, v, n);
	tty[n] = '\0';
	if (!legacy_tty_valid(tty) || !cg_dec_i64(sp + 1, 0, INT64_MAX, &at))
		return CG_E_PARSE;
	(*count)++;
	return CG_OK;
}

static cg_err parse_recovery(const char *v, struct cg_state *st)
{
	if (st->nrecovery >= CG_RECOVERY_MAX ||
	    strlen(v) >= CG_RECOVERY_HASH_SIZE ||
	    cg_recovery_entry_parse(v, NULL, NULL, NULL) != CG_OK)
		return CG_E_PARSE;
	strcpy(st->recovery[st->nrecovery++], v);
	return CG_OK;
}

/* Store one value; every check for its key is made here. */
static cg_err parse_value(struct cg_state *st, enum state_key k, const char *v,
			  unsigned *legacy_grace)
{
	int64_t x = 0;
	bool ok;

	switch (k) {
	case K_SECRET:
		return parse_secret(v, &st->totp);
	case K_ALGORITHM:
		ok = cg_alg_parse(v, &st->totp.alg) == CG_OK &&
			strcmp(cg_alg_name(st->totp.alg), v) == 0;
		break;
	case K_DIGITS:
		ok = cg_dec_i64(v, 0, 100, &x) && cg_digits_valid((unsigned)x);
		st->totp.digits = (unsigned)x;
		break;
	case K_PERIOD:
		ok = cg_dec_i64(v, 0, 100000, &x) && cg_period_valid((unsigned)x);
		st->totp.period = (unsigned)x;
		break;
	case K_LAST_STEP:
		ok = cg_dec_i64(v, -1, INT64_MAX, &st->last_step);
		break;
	case K_FAILURES:
		ok = cg_dec_i64(v, 0, UINT_MAX, &x);
		st->failures = (unsigned)x;
		break;
	case K_FIRST_FAILURE:
		ok = cg_dec_i64(v, 0, INT64_MAX, &st->last_failure);
		break;
	case K_LOCKED_UNTIL:
		ok = cg_dec_i64(v, 0, INT64_MAX, &st->locked_until);
		break;
	case K_ENROLLED_AT:
		ok = cg_dec_i64(v, 0, INT64_MAX, &st->enrolled_at);
		break;
	case K_ENROLLED_BY:
		ok = strlen(v) < CG_USER_MAX && enroller_valid(v);
		if (ok)
			strcpy(st->enrolled_by, v);
		break;
	case K_RECOVERY:
		return parse_recovery(v, st);
	case K_LEGACY_GRACE:
		return parse_legacy_grace(v, legacy_grace);
	default:
		ok = false;
	}
	return ok ? CG_OK : CG_E_PARSE;
}

/* "key value": one space, a known key, a once-only key not seen before. */
static cg_err parse_line(struct cg_state *st, const char *line, unsigned *seen,
			 unsigned *legacy_grace)
{
	const char *sp = strchr(line, ' ');
	size_t klen;
	int k;

	if (sp == NULL || sp == line || sp[1] == '\0')
		return CG_E_PARSE;
	klen = (size_t)(sp - line);
	for (k = 0; k < K_COUNT; k++) {
		if (strlen(key_names[k]) == klen &&
		    memcmp(key_names[k], line, klen) == 0)
			break;
	}
	if (k == K_COUNT)
		return CG_E_PARSE;
	if (k < K_ONCE_COUNT) {
		if (*seen & (1u << k))
			return CG_E_PARSE;
		*seen |= 1u << k;
	}
	return parse_value(st, (enum state_key)k, sp + 1, legacy_grace);
}

/* Copy the line at *pos into line (NUL-terminated) and advance past its
 * '\n'.  No '\n' before the end, an overlong line, or any control
 * character (CR, NUL, ...) is a parse error. */
/* Does p[0..n) hold a control character (below 0x20, or 0x7f)?  Eight
 * bytes at a time: the classic "has a byte less than" and "has a zero
 * byte" tests, exact for whether any byte is one. */
static bool has_control(const char *p, size_t n)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	uint64_t w, any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		any |= ((w - 0x20 * ones) | ((w ^ 0x7f * ones) - ones)) & ~w &
		    high;
	}
	for (; i < n; i++)
		any |= (unsigned char)p[i] < 0x20 || p[i] == 0x7f;
	return any != 0;
}

/* The line at *pos: up to STATE_LINE_MAX - 1 characters, none of them a
 * control character, then '\n'. */
static cg_err next_line(const char *text, size_t len, size_t *pos,
			char line[STATE_LINE_MAX])
{
	const char *p = text + *pos, *nl = memchr(p, '\n', len - *pos);
	size_t n;

	if (nl == NULL)
		return CG_E_PARSE;
	n = (size_t)(nl - p);
	if (n >= STATE_LINE_MAX || has_control(p, n))
		return CG_E_PARSE;
	memcpy(line, p, n);
	line[n] = '\0';
	*pos += n + 1;
	return CG_OK;
}

cg_err cg_state_parse(const char *text, size_t len, struct cg_state *out,
		      unsigned *bad_line)
{
	char line[STATE_LINE_MAX];
	unsigned lineno = 0, seen = 0, legacy_grace = 0;
	size_t pos = 0;
	cg_err r = CG_E_PARSE;

	if (bad_line != NULL)
		*bad_line = 0;
	if (text == NULL || out == NULL)
		return CG_E_INVAL;
	cg_state_init(out);
	memset(line, 0, sizeof(line));
	while (pos < len) {
		lineno++;
		if ((r = next_line(text, len, &pos, line)) != CG_OK)
			goto out;
		if (lineno == 1)
			r = strcmp(line, STATE_HEADER) == 0 ? CG_OK : CG_E_PARSE;
		else
			r = parse_line(out, line, &seen, &legacy_grace);
		if (r != CG_OK)
			goto out;
	}
	/* An empty file fails at line 1, a missing key just past the end. */
	r = CG_E_PARSE;
	lineno++;
	if (lineno == 1 || seen != (1u << K_ONCE_COUNT) - 1)
		goto out;
	r = CG_OK;
 out:
	cg_wipe(line, sizeof(line));
	if (r != CG_OK) {
		cg_state_wipe(out);
		if (bad_line != NULL)
			*bad_line = lineno;
	}
	return r;
}

/* Would the parser read this struct back unchanged? */
static bool state_valid(const struct cg_state *st)
{
	const struct cg_totp *t = &st->totp;

	if (t->secret_len < CG_SECRET_MIN || t->secret_len > CG_SECRET_MAX ||
	    cg_alg_name(t->alg) == NULL || !cg_digits_valid(t->digits) ||
	    !cg_period_valid(t->period))
		return false;
	if (st->last_step < -1 || st->last_failure < 0 ||
	    st->locked_until < 0 || st->enrolled_at < 0)
		return false;
	if (memchr(st->enrolled_by, '\0', sizeof(st->enrolled_by)) == NULL ||
	    !enroller_valid(st->enrolled_by))
		return false;
	if (st->nrecovery > CG_RECOVERY_MAX)
		return false;
	for (size_t i = 0; i < st->nrecovery; i++) {
		if (memchr(st->recovery[i], '\0', CG_RECOVERY_HASH_SIZE) == NULL ||
		    cg_recovery_entry_parse(st->recovery[i], NULL, NULL,
					    NULL) != CG_OK)
			return false;
	}
	return true;
}

/* Append to a fixed buffer; remembers if anything did not fit. */
struct text_buf {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void tb_printf(struct text_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tb_printf(struct text_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

/* n bytes of s, appended as tb_printf would, without a format. */
static void tb_put(struct text_buf *b, const char *s, size_t n)
{
	if (b->overflow)
		return;
	if (n >= b->cap - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void format_body(const struct cg_state *st, const char *secret,
			struct text_buf *b)
{
	tb_printf(b, STATE_HEADER "\nsecret %s\nalgorithm %s\n", secret,
		  cg_alg_name(st->totp.alg));
	tb_printf(b, "digits %u\nperiod %u\nlast_step %lld\nfailures %u\n",
		  st->totp.digits, st->totp.period, (long long)st->last_step,
		  st->failures);
	tb_printf(b, "last_failure %lld\nlocked_until %lld\n",
		  (long long)st->last_failure, (long long)st->locked_until);
	tb_printf(b, "enrolled_at %lld\nenrolled_by %s\n",
		  (long long)st->enrolled_at, st->enrolled_by);
	for (size_t i = 0; i < st->nrecovery; i++) {
		tb_put(b, "recovery ", strlen("recovery "));
		tb_put(b, st->recovery[i], strlen(st->recovery[i]));
		tb_put(b, "\n", 1);
	}
}

cg_err cg_state_format(const struct cg_state *st, char **text_out)
{
	char secret[SECRET_B32_MAX + 1];
	struct text_buf b = { NULL, 0, STATE_TEXT_MAX, false };
	cg_err r;

	*text_out = NULL;
	memset(secret, 0, sizeof(secret));
	if (!state_valid(st)) {
		r = CG_E_INVAL;
		goto out;
	}
	if ((r = cg_base32_encode(st->totp.secret, st->totp.secret_len, false,
				  secret, sizeof(secret))) != CG_OK)
		goto out;
	/* Not zeroed: only the text vsnprintf writes (NUL included) is ever
	 * read, and cg_free_string wipes that. */
	if ((b.p = malloc(b.cap)) == NULL) {
		r = CG_E_NOMEM;
		goto out;
	}
	format_body(st, secret, &b);
	if (b.overflow) {
		r = CG_E_TOOBIG;
		goto out;
	}
	*text_out = b.p;
	b.p = NULL;
	r = CG_OK;
 out:
	cg_freezero(b.p, b.cap);
	cg_wipe(secret, sizeof(secret));
	return r;
}

void cg_state_init(struct cg_state *st)
{
	memset(st, 0, sizeof(*st));
	st->totp.alg = CG_ALG_SHA1;
	st->totp.digits = 6;
	st->totp.period = 30;
	st->last_step = -1;
	strcpy(st->enrolled_by, "-");
}

void cg_state_wipe(struct cg_state *st)
{
	if (st != NULL)
		cg_wipe(st, sizeof(*st));
}
