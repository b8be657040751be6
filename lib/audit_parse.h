/* Reading audit lines back: the inverse of cg_audit_format (audit.h), for
 * the incident query (credgate-enroll log).
 *
 * Strict on purpose.  A line is accepted only in the exact form credgate
 * writes it: "key=value" pairs separated by single spaces, the first key
 * "event", a "result", every key once, keys of [a-z][a-z0-9_]*, values
 * either plain ([A-Za-z0-9._:/@%+,-]+) or double-quoted with only the
 * escapes the writer makes (\" \\ and \xNN, lower-case hex, for bytes
 * outside printable ASCII) and quoted only when they must be.  A line
 * edited by hand, or a value someone managed to smuggle a second
 * "result=granted" into, fails here with a reason instead of being
 * counted.  (Syslog itself authenticates nobody: see credgate-enroll(8)
 * for what that means for forged lines.) */
#ifndef CG_AUDIT_PARSE_H
#define CG_AUDIT_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "audit.h"
#include "cg_error.h"

#define CG_AUDIT_PARSED_MAX 32        /* fields in one line */
#define CG_AUDIT_KEY_MAX 32           /* bytes of a key, with its NUL */

struct cg_audit_record {
	size_t n;
	/* key, and value unescaped ("-" stays "-": the writer's "none") */
	struct cg_audit_field f[CG_AUDIT_PARSED_MAX];
	/* each value exactly as it was written (quotes and escapes kept):
	 * safe to print on a terminal */
	const char *raw[CG_AUDIT_PARSED_MAX];
	char *buf;                        /* owns every string above */
};

/* Parse one line (without its newline; len bytes, no NUL needed).
 * CG_E_PARSE with a short reason in why (never more than a quoted key)
 * when the line is not exactly what credgate writes; CG_E_NOMEM.  On
 * failure out holds nothing to free. */
cg_err cg_audit_parse(const char *line, size_t len,
		      struct cg_audit_record *out, char *why, size_t whysz);

/* The unescaped value of key, or NULL when the line has no such key. */
const char *cg_audit_record_get(const struct cg_audit_record *r,
				const char *key);
/* The same, as written (for display). */
const char *cg_audit_record_raw(const struct cg_audit_record *r,
				const char *key);

void cg_audit_record_free(struct cg_audit_record *r);

#endif
