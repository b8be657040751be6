/* Audit lines: one line per decision, "key=value" pairs, values escaped so
 * nothing a user typed or named (user names, tty names, remote hosts,
 * credential names) can forge a second line or a second field.
 *
 *   event=auth result=denied reason=bad_code user=alice service=sshd tty=pts/0 rhost=10.0.0.7
 *
 * Escaping: NULL or "" -> "-".  A value made only of [A-Za-z0-9._:/@%+,-]
 * is written as is; anything else is wrapped in double quotes with '"'
 * and '\\' backslash-escaped and every byte outside printable ASCII
 * written as \xNN.  Never pass a code, secret or recovery code. */
#ifndef CG_AUDIT_H
#define CG_AUDIT_H
#include <stddef.h>

#define CG_AUDIT_LINE_MAX 1024
#define CG_AUDIT_VALUE_MAX 128        /* longer values are cut, marked "..." */

struct cg_audit_field {
	const char *key;                  /* a literal from our code */
	const char *value;                /* anything, escaped */
};

/* Escape one value into out (always NUL-terminated). */
void cg_audit_escape(const char *value, char *out, size_t outsz);

/* Build the line from n fields into out (always NUL-terminated; fields
 * that do not fit are dropped whole, never cut mid-escape). */
void cg_audit_format(const struct cg_audit_field *fields, size_t n,
		     char *out, size_t outsz);

/* For programs without a PAM handle (the tools): openlog once with the
 * program's name on LOG_AUTHPRIV, then one syslog line per call. */
void cg_audit_open(const char *ident);
void cg_audit_log(int priority, const struct cg_audit_field *fields, size_t n);

#endif
