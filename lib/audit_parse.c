/* Reading one audit line back into its fields, accepting only the exact
 * form cg_audit_format writes (see audit_parse.h). */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit_parse.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;          /* the writer uses lower case only */
}

struct cursor {
	const char *p, *end;
	char *out;          /* next free byte of the record's buffer */
	char *why;
	size_t whysz;
};

static cg_err bad(struct cursor *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static cg_err bad(struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	if (c->why != NULL && c->whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whysz, fmt, ap);
		va_end(ap);
	}
	return CG_E_PARSE;
}

/* key: [a-z][a-z0-9_]*, then '='. */
static cg_err take_key(struct cursor *c, const char **key)
{
	const char *start = c->p;
	size_t n;

	while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') ||
	       (c->p > start && ((*c->p >= '0' && *c->p <= '9') || *c->p == '_'))))
		c->p++;
	n = (size_t)(c->p - start);
	if (n == 0)
		return bad(c, "expected a key");
	if (n >= CG_AUDIT_KEY_MAX)
		return bad(c, "key longer than %d bytes", CG_AUDIT_KEY_MAX - 1);
	if (c->p >= c->end || *c->p != '=')
		return bad(c, "key '%.*s' not followed by '='", (int)n, start);
	c->p++;
	memcpy(c->out, start, n);
	c->out[n] = '\0';
	*key = c->out;
	c->out += n + 1;
	return CG_OK;
}

/* The inside of a quoted value up to the closing quote, unescaped into
 * c->out.  *special: a byte that needed the quotes was seen. */
static cg_err take_quoted(struct cursor *c, bool *special)
{
	*special = false;
	for (;;) {
		unsigned char ch;
		int hi, lo;

		if (c->p >= c->end)
			return bad(c, "unterminated quoted value");
		ch = (unsigned char)*c->p++;
		if (ch == '"')
			return CG_OK;
		if (ch < 0x20 || ch >= 0x7f)
			return bad(c, "raw byte 0x%02x in a value", ch);
		if (ch != '\\') {
			*special |= !cg_audit_plain_char(ch);
			*c->out++ = (char)ch;
			continue;
		}
		*special = true;
		if (c->p >= c->end)
			return bad(c, "unterminated escape");
		ch = (unsigned char)*c->p++;
		if (ch == '"' || ch == '\\') {
			*c->out++ = (char)ch;
			continue;
		}
		if (ch != 'x' || c->end - c->p < 2 ||
		    (hi = hexval((unsigned char)c->p[0])) < 0 ||
		    (lo = hexval((unsigned char)c->p[1])) < 0)
			return bad(c, "invalid escape in a value");
		ch = (unsigned char)(hi << 4 | lo);
		c->p += 2;
		/* The writer escapes only what is not printable ASCII. */
		if (ch >= 0x20 && ch < 0x7f)
			return bad(c, "needless escape \\x%02x", ch);
		if (ch == 0)
			return bad(c, "NUL byte in a value");
		*c->out++ = (char)ch;
	}
}

/* A value, unescaped into c->out; *raw is the value as written. */
static cg_err take_value(struct cursor *c, const char **value,
			 const char **raw, size_t *rawlen)
{
	const char *start = c->p;
	char *v = c->out;
	bool special = false;
	size_t n;
	cg_err e;

	if (c->p < c->end && *c->p == '"') {
		c->p++;
		if ((e = take_quoted(c, &special)) != CG_OK)
			return e;
		n = (size_t)(c->out - v);
		/* A value cut at CG_AUDIT_VALUE_MAX bytes (a detail at
		 * CG_AUDIT_DETAIL_MAX) keeps the quotes its lost tail needed;
		 * any other quoting must be necessary. */
		if (n == 0)
			return bad(c, "empty quoted value");
		if (!special && !((n == CG_AUDIT_VALUE_MAX + 3 ||
				   n == CG_AUDIT_DETAIL_MAX + 3) &&
				  memcmp(v + n - 3, "...", 3) == 0))
			return bad(c, "needless quotes");
	} else {
		while (c->p < c->end && cg_audit_plain_char((unsigned char)*c->p))
			*c->out++ = *c->p++;
		if (c->out == v)
			return bad(c, "empty value");
		if (c->p < c->end && *c->p != ' ')
			return bad(c, "unexpected byte 0x%02x in a value",
				   (unsigned char)*c->p);
	}
	*c->out++ = '\0';
	*value = v;
	*rawlen = (size_t)(c->p - start);
	*raw = start;
	return CG_OK;
}

static bool has_key(const struct cg_audit_record *r, const char *key)
{
	return cg_audit_record_get(r, key) != NULL;
}

/* Fields one by one into r (buffer already allocated). */
static cg_err parse_fields(struct cursor *c, struct cg_audit_record *r)
{
	const char *key = NULL, *value = NULL, *raw = NULL;
	size_t rawlen = 0;
	cg_err e;

	while (c->p < c->end) {
		if (r->n > 0 && *c->p++ != ' ')
			return bad(c, "fields not separated by one space");
		if (r->n >= CG_AUDIT_PARSED_MAX)
			return bad(c, "more than %d fields", CG_AUDIT_PARSED_MAX);
		if ((e = take_key(c, &key)) != CG_OK ||
		    (e = take_value(c, &value, &raw, &rawlen)) != CG_OK)
			return e;
		if (has_key(r, key))
			return bad(c, "key '%s' appears twice", key);
		memcpy(c->out, raw, rawlen);
		c->out[rawlen] = '\0';
		r->raw[r->n] = c->out;
		c->out += rawlen + 1;
		r->f[r->n].key = key;
		r->f[r->n].value = value;
		r->n++;
	}
	if (r->n == 0 || strcmp(r->f[0].key, "event") != 0)
		return bad(c, "does not start with event=");
	if (!has_key(r, "result"))
		return bad(c, "no result=");
	return CG_OK;
}

cg_err cg_audit_parse(const char *line, size_t len,
		      struct cg_audit_record *out, char *why, size_t whysz)
{
	struct cursor c = { line, line + len, NULL, why, whysz };
	cg_err e;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (len >= CG_AUDIT_LINE_MAX)
		return bad(&c, "longer than credgate writes (%d bytes)",
			   CG_AUDIT_LINE_MAX - 1);
	/* Keys, values and raw values each fit in the line's length. */
	if ((out->buf = malloc(3 * len + 3 * CG_AUDIT_PARSED_MAX + 1)) == NULL)
		return CG_E_NOMEM;
	c.out = out->buf;
	if ((e = parse_fields(&c, out)) != CG_OK)
		cg_audit_record_free(out);
	return e;
}

const char *cg_audit_record_get(const struct cg_audit_record *r,
				const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].key, key) == 0)
			return r->f[i].value;
	return NULL;
}

const char *cg_audit_record_raw(const struct cg_audit_record *r,
				const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].key, key) == 0)
			return r->raw[i];
	return NULL;
}

void cg_audit_record_free(struct cg_audit_record *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
