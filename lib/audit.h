/* Audit lines (DESIGN rule 8): one line per decision, "key=value" pairs,
 * values escaped so nothing a user typed or named (user names, tty names,
 * remote hosts, credential names) can forge a second line or a second
 * field.  Every audit line of the module and of both tools is one
 * struct cg_audit_event, formatted here in one fixed key order:
 *
 *   event result action reason id user by by_login approver credential
 *   role path readable_by old_fp new_fp size service tty rhost detail
 *   [extra...]
 *
 *   event=auth result=denied reason=bad_code user=alice service=sshd tty=pts/0 rhost=10.0.0.7
 *
 * A NULL member is left out of the line; "" is written as "-" (so a
 * field that must always appear, like user= before PAM knows the user,
 * is set to cg_audit_or_none(x)).
 *
 * Escaping: NULL or "" -> "-".  A value made only of [A-Za-z0-9._:/@%+,-]
 * is written as is; anything else is wrapped in double quotes with '"'
 * and '\\' backslash-escaped and every byte outside printable ASCII
 * written as \xNN.  Never pass a code, secret or recovery code. */
#ifndef CG_AUDIT_H
#define CG_AUDIT_H
#include <stdbool.h>
#include <stddef.h>

#define CG_AUDIT_LINE_MAX 1024
#define CG_AUDIT_VALUE_MAX 128        /* longer values are cut, marked "..." */
#define CG_AUDIT_DETAIL_MAX 512       /* ... except detail= */
#define CG_AUDIT_EXTRA_MAX 8          /* command-specific fields, at the end */

struct cg_audit_field {
	const char *key;                  /* a literal from our code */
	const char *value;                /* anything, escaped */
};

struct cg_audit_event {
	const char *event;        /* auth, access, enroll, revoke, ... */
	const char *result;       /* granted, denied, ok, failed */
	const char *action;
	const char *reason;
	const char *id;
	const char *user;         /* whom the decision is about */
	const char *by;           /* who acted (admin commands) */
	const char *by_login;     /* their login uid's name */
	const char *approver;
	const char *credential;
	const char *role;
	const char *path;
	const char *readable_by;
	const char *old_fp;
	const char *new_fp;
	const char *size;
	const char *service;
	const char *tty;
	const char *rhost;
	const char *detail;
	struct cg_audit_field extra[CG_AUDIT_EXTRA_MAX];
	size_t nextra;
	int priority;             /* 0: LOG_NOTICE for granted/ok, else LOG_WARNING */
};

/* Append an extra field; false (and nothing added) when the event has
 * CG_AUDIT_EXTRA_MAX already.  key must be a literal from our code. */
bool cg_audit_add(struct cg_audit_event *ev, const char *key,
		  const char *value);

/* v itself, or "" (written "-") when v is NULL: for fields that always
 * appear in the documented line. */
static inline const char *cg_audit_or_none(const char *v)
{
	return v != NULL ? v : "";
}

/* The fields of ev that are set, in the line's order (extras last);
 * returns how many. */
#define CG_AUDIT_FIELDS_MAX 32
size_t cg_audit_event_fields(const struct cg_audit_event *ev,
			     struct cg_audit_field f[CG_AUDIT_FIELDS_MAX]);

/* The line for ev, always NUL-terminated; fields that do not fit are
 * dropped whole, never cut mid-escape. */
void cg_audit_event_format(const struct cg_audit_event *ev, char *out,
			   size_t outsz);

/* The syslog priority of ev (its own, else by its result). */
int cg_audit_priority(const struct cg_audit_event *ev);

/* Where an event goes.  Where the journal's socket
 * (/run/systemd/journal/socket) exists and libsystemd can be loaded, to
 * the journal as one entry with fields (cg_audit_journal); when the
 * journal does not take it, to the sink as its line.  Never both:
 * journald also reads /dev/log, and would hold the event twice.
 * Sink NULL: syslog(3) on LOG_AUTHPRIV (the tools, after cg_audit_open);
 * the module passes a sink calling pam_syslog so the line carries PAM's
 * "pam_credgate(service:type): " prefix, and passes that prefix to
 * cg_audit_emit_prefixed so the journal's MESSAGE is the same text. */
typedef void cg_audit_sink(void *ctx, int priority, const char *line);
void cg_audit_emit(const struct cg_audit_event *ev, cg_audit_sink *sink,
		   void *ctx);
void cg_audit_emit_prefixed(const struct cg_audit_event *ev,
			    const char *prefix, cg_audit_sink *sink,
			    void *ctx);

/* ---- the journal (audit_journal.c) ----
 * The entry: MESSAGE= (prefix and line, as syslog gets it),
 * MESSAGE_ID= (cg_audit_message_id), PRIORITY=, SYSLOG_FACILITY=10
 * (authpriv: journald's forwarding to syslog files it where the line
 * would have gone), SYSLOG_IDENTIFIER=credgate, and per field of the
 * line CREDGATE_KEY=value (the key in capitals, the value unescaped --
 * the journal stores any bytes -- and cut at CG_AUDIT_JOURNAL_VALUE_MAX
 * bytes, marked "...").  Entries stay far below a datagram's size, so
 * libsystemd never hands the journal a memfd for them.
 * True when the journal took the entry. */
#define CG_AUDIT_JOURNAL_VALUE_MAX 1024
#define CG_AUDIT_JOURNAL_SOCKET "/run/systemd/journal/socket"
bool cg_audit_journal(const struct cg_audit_event *ev, const char *prefix,
		      const char *line, int priority);
/* The fixed MESSAGE_ID of an event type ("auth", "access", ...: 32 hex
 * digits, stable across releases), or NULL for a type it does not know. */
const char *cg_audit_message_id(const char *event);

/* For programs without a PAM handle (the tools): openlog once with the
 * program's name on LOG_AUTHPRIV. */
void cg_audit_open(const char *ident);

/* A byte a value may hold without quotes ([A-Za-z0-9._:/@%+,-]); the
 * reader of audit lines (audit_parse.h) holds lines to the same rule. */
bool cg_audit_plain_char(unsigned char c);

/* Building blocks, exposed for tests. */
void cg_audit_escape(const char *value, char *out, size_t outsz);
/* The same, cutting after max bytes of value instead of
 * CG_AUDIT_VALUE_MAX. */
void cg_audit_escape_max(const char *value, size_t max, char *out,
			 size_t outsz);
void cg_audit_format(const struct cg_audit_field *fields, size_t n,
		     char *out, size_t outsz);

#endif
