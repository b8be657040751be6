/* otpauth:// Key URIs: building the one we show as a QR code, and parsing
 * the ones admins import.  The rules (what is tolerated, what is refused
 * with which code) are in otpauth.h.  The builder refuses anything its own
 * parser would read back differently, so build -> parse is exact. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base32.h"
#include "otpauth.h"
#include "wipe.h"
#include "cg_macros.h"
#include "hex.h"

/* Algorithm names as the format spells them, indexed by cg_alg. */
static const char *const uri_alg_names[] = {
	[CG_ALG_SHA1] = "SHA1",
	[CG_ALG_SHA256] = "SHA256",
	[CG_ALG_SHA512] = "SHA512",
};

/* Base32 text of the largest secret, with room for padding and NUL. */
#define SECRET_B32_MAX (((CG_SECRET_MAX + 4) / 5) * 8 + 1)
/* Percent-decoded secret parameter: generous, spaces are allowed in it. */
#define SECRET_TEXT_MAX 1024

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if (is_control((unsigned char)*s))
			return true;
	}
	return false;
}

/* ---- building ---------------------------------------------------------- */

/* Appends into a buffer sized in advance; false if it would not fit. */
struct writer {
	char *buf;
	size_t len, cap;
};

static bool put_mem(struct writer *w, const char *s, size_t n)
{
	if (n >= w->cap - w->len)   /* keep room for the NUL */
		return false;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
	return true;
}

static bool put_str(struct writer *w, const char *s)
{
	return put_mem(w, s, strlen(s));
}

/* RFC 3986 section 2.3. */
static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static bool put_pct(struct writer *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3] = { '%', hex[c >> 4], hex[c & 0x0f] };
		bool ok = is_unreserved(c) ? put_mem(w, s, 1) :
		    put_mem(w, esc, sizeof(esc));

		if (!ok)
			return false;
	}
	return true;
}

static cg_err build_check_label(const struct cg_otpauth *in)
{
	size_t ilen = strnlen(in->issuer, CG_LABEL_MAX);
	size_t alen = strnlen(in->account, CG_LABEL_MAX);

	if (ilen == CG_LABEL_MAX || alen == CG_LABEL_MAX)
		return CG_E_TOOBIG;
	if (alen == 0 || in->account[0] == ' ')
		return CG_E_URI_LABEL;
	if (has_control(in->issuer) || has_control(in->account))
		return CG_E_URI_LABEL;
	if (ilen == 0 && strchr(in->account, ':') != NULL)
		return CG_E_URI_LABEL;
	return CG_OK;
}

static cg_err build_check(const struct cg_otpauth *in)
{
	const struct cg_totp *t = &in->totp;

	if (t->secret_len < CG_SECRET_MIN || t->secret_len > CG_SECRET_MAX)
		return CG_E_URI_SECRET;
	if (cg_alg_name(t->alg) == NULL)
		return CG_E_URI_ALGORITHM;
	if (!cg_digits_valid(t->digits))
		return CG_E_URI_DIGITS;
	if (!cg_period_valid(t->period))
		return CG_E_URI_PERIOD;
	return build_check_label(in);
}

static bool put_label(struct writer *w, const struct cg_otpauth *in)
{
	if (in->issuer[0] != '\0' &&
	    (!put_pct(w, in->issuer) || !put_str(w, ":")))
		return false;
	return put_pct(w, in->account);
}

static bool put_params(struct writer *w, const struct cg_otpauth *in,
		       const char *b32)
{
	char num[32];

	if (!put_str(w, "?secret=") || !put_str(w, b32))
		return false;
	if (in->issuer[0] != '\0' &&
	    (!put_str(w, "&issuer=") || !put_pct(w, in->issuer)))
		return false;
	if (!put_str(w, "&algorithm=") ||
	    !put_str(w, uri_alg_names[in->totp.alg]))
		return false;
	snprintf(num, sizeof(num), "&digits=%u", in->totp.digits);
	if (!put_str(w, num))
		return false;
	snprintf(num, sizeof(num), "&period=%u", in->totp.period);
	return put_str(w, num);
}

cg_err cg_otpauth_build(const struct cg_otpauth *in, char **uri_out)
{
	struct writer w = { NULL, 0, 0 };
	char b32[SECRET_B32_MAX];
	cg_err r;

	if (uri_out != NULL)
		*uri_out = NULL;
	if (in == NULL || uri_out == NULL)
		return CG_E_INVAL;
	if ((r = build_check(in)) != CG_OK)
		return r;
	/* Fixed text is under 128 bytes; each name byte is at most "%XX",
	 * and the issuer appears twice. */
	w.cap = 128 + sizeof(b32) + 3 * (2 * strlen(in->issuer) +
	    strlen(in->account));
	if ((w.buf = malloc(w.cap)) == NULL) {
		r = CG_E_NOMEM;
		goto out;
	}
	w.buf[0] = '\0';
	if ((r = cg_base32_encode(in->totp.secret, in->totp.secret_len, false,
	    b32, sizeof(b32))) != CG_OK)
		goto out;
	if (!put_str(&w, "otpauth://totp/") || !put_label(&w, in) ||
	    !put_params(&w, in, b32)) {
		r = CG_E_TOOBIG;
		goto out;
	}
	*uri_out = w.buf;
	w.buf = NULL;
	r = CG_OK;
 out:
	cg_freezero(w.buf, w.cap);
	cg_wipe(b32, sizeof(b32));
	return r;
}

/* ---- parsing ----------------------------------------------------------- */

/* State while reading the query. */
struct parse_ctx {
	struct cg_otpauth *out;
	char issuer_param[CG_LABEL_MAX];
	bool label_issuer;     /* the label had an ISSUER: prefix */
	unsigned seen;         /* bit per entry of params[] */
};

/* Percent-decode s[0..n) into dst as a NUL-terminated string.  In the
 * query, plus_space makes '+' a space.  CG_E_TOOBIG if dst is short. */
static cg_err pct_decode(const char *s, size_t n, bool plus_space,
			 char *dst, size_t dstsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;

		if (c == '%') {
			if (n - i < 3 || (hi = cg_hex_value(s[i + 1])) < 0 ||
			    (lo = cg_hex_value(s[i + 2])) < 0)
				return CG_E_URI_ENCODING;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (is_control(c))
				return CG_E_URI_ENCODING;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (o + 1 >= dstsz)
			return CG_E_TOOBIG;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return CG_OK;
}

/* "otpauth://totp/" in any case; *rest is the label that follows. */
static cg_err parse_prefix(const char *uri, const char **rest)
{
	static const char scheme[] = "otpauth://";
	const size_t slen = sizeof(scheme) - 1;

	if (strncasecmp(uri, scheme, slen) != 0)
		return CG_E_URI_SCHEME;
	uri += slen;
	if (strcspn(uri, "/?") != 4 || strncasecmp(uri, "totp", 4) != 0)
		return CG_E_URI_TYPE;
	if (uri[4] != '/')
		return CG_E_URI_LABEL;
	*rest = uri + 5;
	return CG_OK;
}

/* Raw bytes that must never appear unencoded: control characters, and
 * '#' (a fragment has no meaning here; better refuse than cut the URI). */
static cg_err check_raw_chars(const char *s)
{
	for (; *s != '\0'; s++) {
		if (is_control((unsigned char)*s) || *s == '#')
			return CG_E_URI_ENCODING;
	}
	return CG_OK;
}

/* Offset and length of the issuer separator in label[0..n): the first
 * literal ':', else the first "%3A".  False if there is none. */
static bool find_separator(const char *label, size_t n, size_t *at,
			   size_t *len)
{
	const char *colon = memchr(label, ':', n);

	if (colon != NULL) {
		*at = (size_t)(colon - label);
		*len = 1;
		return true;
	}
	for (size_t i = 0; i + 3 <= n; i++) {
		if (strncasecmp(label + i, "%3A", 3) == 0) {
			*at = i;
			*len = 3;
			return true;
		}
	}
	return false;
}

static void drop_leading_spaces(char *s)
{
	size_t k = strspn(s, " ");

	if (k > 0)
		memmove(s, s + k, strlen(s + k) + 1);
}

static cg_err parse_label(const char *label, size_t n, struct parse_ctx *c)
{
	struct cg_otpauth *out = c->out;
	size_t at, seplen;
	cg_err r;

	if (find_separator(label, n, &at, &seplen)) {
		if (at == 0)
			return CG_E_URI_LABEL;
		if ((r = pct_decode(label, at, false, out->issuer,
		    sizeof(out->issuer))) != CG_OK)
			return r;
		c->label_issuer = true;
		label += at + seplen;
		n -= at + seplen;
	}
	if ((r = pct_decode(label, n, false, out->account,
	    sizeof(out->account))) != CG_OK)
		return r;
	if (c->label_issuer)
		drop_leading_spaces(out->account);
	return out->account[0] == '\0' ? CG_E_URI_LABEL : CG_OK;
}

/* Decode a short value (algorithm, digits, period); too long is `err`. */
static cg_err decode_short(const char *v, size_t n, char *dst, size_t dstsz,
			   cg_err err)
{
	cg_err r = pct_decode(v, n, true, dst, dstsz);

	return r == CG_E_TOOBIG ? err : r;
}

static cg_err param_secret(const char *v, size_t n, struct parse_ctx *c)
{
	struct cg_totp *t = &c->out->totp;
	char text[SECRET_TEXT_MAX];
	size_t len = 0;
	cg_err r;

	if ((r = decode_short(v, n, text, sizeof(text),
	    CG_E_URI_SECRET)) != CG_OK)
		goto out;
	if (cg_base32_decode(text, t->secret, sizeof(t->secret), &len) !=
	    CG_OK || len < CG_SECRET_MIN) {
		r = CG_E_URI_SECRET;
		goto out;
	}
	t->secret_len = len;
 out:
	cg_wipe(text, sizeof(text));
	return r;
}

static cg_err param_issuer(const char *v, size_t n, struct parse_ctx *c)
{
	return pct_decode(v, n, true, c->issuer_param,
	    sizeof(c->issuer_param));
}

static cg_err param_algorithm(const char *v, size_t n, struct parse_ctx *c)
{
	char buf[16];
	cg_err r;

	if ((r = decode_short(v, n, buf, sizeof(buf),
	    CG_E_URI_ALGORITHM)) != CG_OK)
		return r;
	if (cg_alg_parse(buf, &c->out->totp.alg) != CG_OK)
		return CG_E_URI_ALGORITHM;
	return CG_OK;
}

static cg_err param_digits(const char *v, size_t n, struct parse_ctx *c)
{
	char buf[16];
	cg_err r;

	if ((r = decode_short(v, n, buf, sizeof(buf),
	    CG_E_URI_DIGITS)) != CG_OK)
		return r;
	if (strcmp(buf, "6") == 0)
		c->out->totp.digits = 6;
	else if (strcmp(buf, "8") == 0)
		c->out->totp.digits = 8;
	else
		return CG_E_URI_DIGITS;
	return CG_OK;
}

static cg_err param_period(const char *v, size_t n, struct parse_ctx *c)
{
	char buf[16];
	cg_err r;

	if ((r = decode_short(v, n, buf, sizeof(buf),
	    CG_E_URI_PERIOD)) != CG_OK)
		return r;
	if (strcmp(buf, "30") == 0)
		c->out->totp.period = 30;
	else if (strcmp(buf, "60") == 0)
		c->out->totp.period = 60;
	else
		return CG_E_URI_PERIOD;
	return CG_OK;
}

static const struct {
	const char *name;
	cg_err (*parse)(const char *v, size_t n, struct parse_ctx *c);
} params[] = {
	{ "secret", param_secret },
	{ "issuer", param_issuer },
	{ "algorithm", param_algorithm },
	{ "digits", param_digits },
	{ "period", param_period },
};
#define N_PARAMS CG_ARRAY_SIZE(params)
#define SEEN_SECRET 1u   /* bit of params[0] */
#define SEEN_ISSUER 2u   /* bit of params[1] */

/* One "name=value" segment of the query. */
static cg_err parse_param(const char *seg, size_t n, struct parse_ctx *c)
{
	const char *eq = memchr(seg, '=', n);
	size_t nlen;

	if (eq == NULL)
		return CG_E_URI_PARAM;
	nlen = (size_t)(eq - seg);
	for (size_t i = 0; i < N_PARAMS; i++) {
		if (strlen(params[i].name) != nlen ||
		    memcmp(params[i].name, seg, nlen) != 0)
			continue;
		if (c->seen & (1u << i))
			return CG_E_URI_PARAM;
		c->seen |= 1u << i;
		return params[i].parse(eq + 1, n - nlen - 1, c);
	}
	return CG_E_URI_PARAM;
}

static cg_err parse_query(const char *q, struct parse_ctx *c)
{
	cg_err r;

	while (*q != '\0') {
		size_t n = strcspn(q, "&");

		if (n > 0 && (r = parse_param(q, n, c)) != CG_OK)
			return r;
		q += n;
		if (*q == '&')
			q++;
	}
	return (c->seen & SEEN_SECRET) ? CG_OK : CG_E_URI_SECRET;
}

/* Label prefix and issuer= must agree; either alone names the issuer. */
static cg_err reconcile_issuer(struct parse_ctx *c)
{
	struct cg_otpauth *out = c->out;

	if (!(c->seen & SEEN_ISSUER))
		return CG_OK;
	if (c->label_issuer)
		return strcmp(out->issuer, c->issuer_param) == 0 ? CG_OK :
		    CG_E_URI_ISSUER;
	memcpy(out->issuer, c->issuer_param, sizeof(out->issuer));
	return CG_OK;
}

cg_err cg_otpauth_parse(const char *uri, struct cg_otpauth *out)
{
	struct parse_ctx c;
	const char *label, *query;
	cg_err r;

	if (uri == NULL || out == NULL)
		return CG_E_INVAL;
	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	c.out = out;
	out->totp.alg = CG_ALG_SHA1;
	out->totp.digits = 6;
	out->totp.period = 30;
	if (strnlen(uri, CG_URI_MAX + 1) > CG_URI_MAX) {
		r = CG_E_TOOBIG;
		goto out;
	}
	if ((r = parse_prefix(uri, &label)) != CG_OK ||
	    (r = check_raw_chars(label)) != CG_OK)
		goto out;
	query = label + strcspn(label, "?");
	if ((r = parse_label(label, (size_t)(query - label), &c)) != CG_OK)
		goto out;
	if (*query == '?')
		query++;
	if ((r = parse_query(query, &c)) != CG_OK)
		goto out;
	r = reconcile_issuer(&c);
 out:
	if (r != CG_OK)
		cg_wipe(out, sizeof(*out));
	cg_wipe(&c, sizeof(c));
	return r;
}
