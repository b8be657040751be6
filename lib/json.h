/* JSON, as far as the tools need it: writing strings for --json output,
 * and reading the flat objects `journalctl -o json` prints (one entry per
 * line) for the log query.  RFC 8259; nothing here allocates beyond one
 * scratch buffer per parse, and nothing prints except to the FILE given. */
#ifndef CG_JSON_H
#define CG_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "cg_error.h"

/* Write s (len bytes) as a JSON string, quotes included.  Valid UTF-8 is
 * kept; '"', '\\' and control characters are escaped; a byte that is not
 * part of valid UTF-8 is written as the code point of the same number
 * (\u0080..\u00ff), so the output is always valid JSON. */
void cg_json_string(FILE *f, const char *s, size_t len);
/* The same for a NUL-terminated string; NULL is written as null. */
void cg_json_str(FILE *f, const char *s);

enum cg_json_type {
	CG_JSON_STRING,   /* val: the decoded bytes (UTF-8), NUL-terminated */
	CG_JSON_BYTES,    /* an array of integers 0..255 (journald's form of
			   * a value that is not text): val holds those bytes */
	CG_JSON_NUMBER,   /* val: the number as written */
	CG_JSON_OTHER,    /* null, true, false, an object, any other array */
};

/* Called once per member of the top-level object; a non-CG_OK return
 * stops the parse and is returned.  key and val live until the call
 * returns; val may contain NUL bytes (vlen counts them). */
typedef cg_err (*cg_json_member_fn)(void *arg, const char *key,
				    enum cg_json_type type, const char *val,
				    size_t vlen);

/* Parse text (len bytes) as exactly one JSON object, optionally
 * surrounded by blanks.  CG_E_PARSE for anything else (nesting deeper
 * than 32 included), CG_E_NOMEM. */
cg_err cg_json_object_parse(const char *text, size_t len,
			    cg_json_member_fn fn, void *arg);

/* Writing a JSON document member by member (json_out.c): commas, nesting
 * and the final newline are handled here, strings go through
 * cg_json_string.  key is NULL for an array's elements and for the
 * document itself.  Nesting deeper than CG_JSON_OUT_DEPTH is a caller's
 * bug: the extra levels are not written and cg_json_out_end says so. */
#define CG_JSON_OUT_DEPTH 8

struct cg_json_out {
	FILE *f;
	unsigned depth;
	bool overflow;
	char close[CG_JSON_OUT_DEPTH];     /* '}' or ']' per open level */
	bool more[CG_JSON_OUT_DEPTH];      /* a member already written there */
};

void cg_json_out_init(struct cg_json_out *w, FILE *f);
void cg_json_out_object(struct cg_json_out *w, const char *key);
void cg_json_out_array(struct cg_json_out *w, const char *key);
/* Close the innermost object or array; closing the document ends its line. */
void cg_json_out_close(struct cg_json_out *w);
void cg_json_out_str(struct cg_json_out *w, const char *key, const char *s); /* NULL: null */
void cg_json_out_int(struct cg_json_out *w, const char *key, long long v);
void cg_json_out_bool(struct cg_json_out *w, const char *key, bool v);
void cg_json_out_null(struct cg_json_out *w, const char *key);
/* CG_OK when the document was complete and the stream has no error. */
cg_err cg_json_out_end(struct cg_json_out *w);

#endif
