/* JSON strings out, flat JSON objects in (see json.h). */
#include "config.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "utf8.h"

#define JSON_DEPTH_MAX 32

void cg_json_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	putc('"', f);
	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
			i++;
		} else if (c == '\n') {
			fputs("\\n", f);
			i++;
		} else if (c == '\t') {
			fputs("\\t", f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			putc(c, f);
			i++;
		} else if ((n = cg_utf8_seq(p + i, len - i)) > 0) {
			fwrite(p + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\u%04x", c);
			i++;
		}
	}
	putc('"', f);
}

void cg_json_str(FILE *f, const char *s)
{
	if (s == NULL)
		fputs("null", f);
	else
		cg_json_string(f, s, strlen(s));
}

/* ---- reading --------------------------------------------------------- */

struct jp {
	const char *p, *end;
	char *scratch;          /* decoded keys and values, reused per member */
	size_t ssize;
	int depth;
};

static void skip_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool eat(struct jp *j, char c)
{
	skip_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX (the backslash and 'u' already read), a surrogate pair whole. */
static cg_err take_uescape(struct jp *j, uint32_t *cp)
{
	int hi, lo;

	if (j->end - j->p < 4 || (hi = hex4(j->p)) < 0)
		return CG_E_PARSE;
	j->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return CG_E_PARSE;              /* a lone low surrogate */
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp = (uint32_t)hi;
		return CG_OK;
	}
	if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
	    (lo = hex4(j->p + 2)) < 0xdc00 || lo > 0xdfff)
		return CG_E_PARSE;
	j->p += 6;
	*cp = 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
	return CG_OK;
}

/* A string (opening quote next) decoded to *out + *n, NUL-terminated.
 * Decoding never makes a string longer, so out needs len + 1 bytes. */
static cg_err take_string(struct jp *j, char *out, size_t *n)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	size_t o = 0;
	uint32_t cp;
	const char *s;
	cg_err e;

	if (!eat(j, '"'))
		return CG_E_PARSE;
	for (;;) {
		if (j->p >= j->end)
			return CG_E_PARSE;
		unsigned char c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return CG_E_PARSE;
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (j->p >= j->end)
			return CG_E_PARSE;
		c = (unsigned char)*j->p++;
		if (c == 'u') {
			if ((e = take_uescape(j, &cp)) != CG_OK)
				return e;
			o += put_utf8(out + o, cp);
			continue;
		}
		for (s = simple; *s != '\0' && *s != (char)c; s += 2)
			;
		if (*s == '\0')
			return CG_E_PARSE;
		out[o++] = s[1];
	}
	out[o] = '\0';
	*n = o;
	return CG_OK;
}

static cg_err skip_value(struct jp *j);

/* A number as JSON writes it; its text is j->p before .. after. */
static cg_err take_number(struct jp *j)
{
	const char *start = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return CG_E_PARSE;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return CG_E_PARSE;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return CG_E_PARSE;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > start ? CG_OK : CG_E_PARSE;
}

static cg_err skip_container(struct jp *j, char close, bool object)
{
	char *tmp = j->scratch;
	size_t n;
	cg_err e;

	if (++j->depth > JSON_DEPTH_MAX)
		return CG_E_PARSE;
	if (eat(j, close)) {
		j->depth--;
		return CG_OK;
	}
	do {
		if (object && ((e = take_string(j, tmp, &n)) != CG_OK ||
			       !eat(j, ':')))
			return CG_E_PARSE;
		if ((e = skip_value(j)) != CG_OK)
			return e;
	} while (eat(j, ','));
	j->depth--;
	return eat(j, close) ? CG_OK : CG_E_PARSE;
}

static bool take_word(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static cg_err skip_value(struct jp *j)
{
	size_t n;

	skip_ws(j);
	if (j->p >= j->end)
		return CG_E_PARSE;
	switch (*j->p) {
	case '"':
		return take_string(j, j->scratch, &n);
	case '{':
		j->p++;
		return skip_container(j, '}', true);
	case '[':
		j->p++;
		return skip_container(j, ']', false);
	default:
		if (take_word(j, "null") || take_word(j, "true") ||
		    take_word(j, "false"))
			return CG_OK;
		return take_number(j);
	}
}

/* [n, n, ...] of integers 0..255 into out; CG_E_RANGE if it is some
 * other array (then nothing was consumed). */
static cg_err take_byte_array(struct jp *j, char *out, size_t *n)
{
	const char *save = j->p;
	size_t o = 0;

	if (!eat(j, '['))
		return CG_E_PARSE;
	if (eat(j, ']')) {
		*n = 0;
		return CG_OK;
	}
	do {
		unsigned v = 0;
		int digits = 0;

		skip_ws(j);
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9' &&
		       digits < 4) {
			v = v * 10 + (unsigned)(*j->p++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255) {
			j->p = save;
			return CG_E_RANGE;
		}
		out[o++] = (char)v;
	} while (eat(j, ','));
	if (!eat(j, ']')) {
		j->p = save;
		return CG_E_RANGE;
	}
	out[o] = '\0';
	*n = o;
	return CG_OK;
}

/* One member's value, decoded when it is of a type the caller wants. */
static cg_err member_value(struct jp *j, char *val, enum cg_json_type *t,
			   size_t *vlen)
{
	const char *start;
	cg_err e;

	skip_ws(j);
	if (j->p >= j->end)
		return CG_E_PARSE;
	*vlen = 0;
	val[0] = '\0';
	if (*j->p == '"') {
		*t = CG_JSON_STRING;
		return take_string(j, val, vlen);
	}
	if (*j->p == '[') {
		if ((e = take_byte_array(j, val, vlen)) != CG_E_RANGE) {
			*t = CG_JSON_BYTES;
			return e;
		}
	} else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		start = j->p;
		if ((e = take_number(j)) != CG_OK)
			return e;
		*vlen = (size_t)(j->p - start);
		memcpy(val, start, *vlen);
		val[*vlen] = '\0';
		*t = CG_JSON_NUMBER;
		return CG_OK;
	}
	*t = CG_JSON_OTHER;
	return skip_value(j);
}

static cg_err parse_members(struct jp *j, char *key, char *val,
			    cg_json_member_fn fn, void *arg)
{
	enum cg_json_type t;
	size_t klen, vlen;
	cg_err e;

	if (!eat(j, '{'))
		return CG_E_PARSE;
	if (eat(j, '}'))
		return CG_OK;
	do {
		if ((e = take_string(j, key, &klen)) != CG_OK || !eat(j, ':'))
			return CG_E_PARSE;
		if ((e = member_value(j, val, &t, &vlen)) != CG_OK)
			return e;
		if ((e = fn(arg, key, t, val, vlen)) != CG_OK)
			return e;
	} while (eat(j, ','));
	return eat(j, '}') ? CG_OK : CG_E_PARSE;
}

cg_err cg_json_object_parse(const char *text, size_t len,
			    cg_json_member_fn fn, void *arg)
{
	struct jp j = { text, text + len, NULL, 0, 0 };
	char *key = NULL, *val = NULL;
	cg_err e = CG_E_NOMEM;

	if (text == NULL || fn == NULL)
		return CG_E_INVAL;
	/* Decoded text is never longer than its source. */
	if ((key = malloc(len + 1)) == NULL || (val = malloc(len + 1)) == NULL ||
	    (j.scratch = malloc(len + 1)) == NULL)
		goto out;
	e = parse_members(&j, key, val, fn, arg);
	if (e == CG_OK) {
		skip_ws(&j);
		if (j.p != j.end)
			e = CG_E_PARSE;
	}
 out:
	free(key);
	free(val);
	free(j.scratch);
	return e;
}
