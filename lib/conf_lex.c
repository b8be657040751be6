/* The tokens of credgate.conf, each lexed in one place: lines (a
 * byte-order mark, CRLF), the characters a line may hold, blanks,
 * blank-separated words (section headers, on_change commands),
 * comma-separated list items, and numbers with an optional duration
 * suffix.  conf_parse.c gives them meaning; nothing here allocates. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "conf_int.h"
#include "number.h"
#include "utf8.h"

bool cg_conf_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

char *cg_conf_trim(char *s)
{
	size_t n;

	while (cg_conf_is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && cg_conf_is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

bool cg_conf_next_line(const char *text, size_t len, size_t *pos,
		       const char **line, size_t *n)
{
	const char *start, *nl;

	if (*pos == 0 && len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		*pos = 3;       /* byte-order mark some editors write */
	if (*pos >= len)
		return false;
	start = text + *pos;
	nl = memchr(start, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - start) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && start[*n - 1] == '\r')
		(*n)--;
	*line = start;
	return true;
}

enum cg_conf_text cg_conf_check_text(const unsigned char *s, size_t n,
				     size_t *where)
{
	size_t i = 0, len;

	while (i < n) {
		*where = i;
		if (s[i] == '\0')
			return CG_CONF_TEXT_NUL;
		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
				return CG_CONF_TEXT_CONTROL;
			i++;
			continue;
		}
		if ((len = cg_utf8_seq(s + i, n - i)) == 0)
			return CG_CONF_TEXT_UTF8;
		if (s[i] == 0xc2 && s[i + 1] < 0xa0)
			return CG_CONF_TEXT_CONTROL;    /* C1: U+0080..U+009F */
		i += len;
	}
	return CG_CONF_TEXT_OK;
}

char *cg_conf_next_word(char **cursor)
{
	char *s = *cursor, *word;

	while (cg_conf_is_blank(*s))
		*s++ = '\0';
	if (*s == '\0') {
		*cursor = s;
		return NULL;
	}
	word = s;
	while (*s != '\0' && !cg_conf_is_blank(*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*cursor = s;
	return word;
}

char *cg_conf_next_item(char **cursor)
{
	char *start = *cursor, *comma;

	if (start == NULL)
		return NULL;
	comma = strchr(start, ',');
	if (comma != NULL) {
		*comma = '\0';
		*cursor = comma + 1;
	} else {
		*cursor = NULL;
	}
	return cg_conf_trim(start);
}

size_t cg_conf_count_items(const char *value)
{
	size_t n = 1;

	for (; *value != '\0'; value++)
		n += *value == ',';
	return n;
}

enum cg_conf_num cg_conf_number(const char *s, bool duration, uint64_t *out)
{
	uint64_t n = 0, mult = 1;
	cg_err e = cg_dec_prefix(s, &s, &n);
	bool overflow = e == CG_E_RANGE;

	if (e == CG_E_INVAL)
		return CG_CONF_NUM_SYNTAX;
	if (duration && *s != '\0' && s[1] == '\0') {
		switch (*s) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		default: return CG_CONF_NUM_SYNTAX;
		}
		s++;
	}
	if (*s != '\0')
		return CG_CONF_NUM_SYNTAX;
	if (overflow || n > UINT64_MAX / mult)
		return CG_CONF_NUM_RANGE;
	*out = n * mult;
	return CG_CONF_NUM_OK;
}

enum cg_conf_num cg_conf_size(const char *s, uint64_t *out)
{
	uint64_t n = 0, mult = 1;
	cg_err e = cg_dec_prefix(s, &s, &n);

	if (e == CG_E_INVAL)
		return CG_CONF_NUM_SYNTAX;
	switch (*s) {
	case '\0': break;
	case 'k': case 'K': mult = 1ULL << 10; s++; break;
	case 'm': case 'M': mult = 1ULL << 20; s++; break;
	case 'g': case 'G': mult = 1ULL << 30; s++; break;
	default: return CG_CONF_NUM_SYNTAX;
	}
	if (*s != '\0')
		return CG_CONF_NUM_SYNTAX;
	if (e == CG_E_RANGE || n > UINT64_MAX / mult)
		return CG_CONF_NUM_RANGE;
	*out = n * mult;
	return CG_CONF_NUM_OK;
}
