/* Audit lines: escaping, the one event line of every decision, and where
 * it is sent (see audit.h for the format; the journal's side of it is
 * audit_journal.c). */
#include "config.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include "audit.h"
#include "cg_macros.h"

bool cg_audit_plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("._:/@%+,-", c) != NULL);
}

static int needs_quotes(const char *v)
{
	for (; *v != '\0'; v++)
		if (!cg_audit_plain_char((unsigned char)*v))
			return 1;
	return 0;
}

/* Append the escaped form of one byte; returns bytes written or 0 if the
 * output has no room for all of it (so an escape is never cut). */
static size_t escape_byte(unsigned char c, char *out, size_t room)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[4];
	size_t n;

	if (c == '"' || c == '\\') {
		tmp[0] = '\\'; tmp[1] = (char)c; n = 2;
	} else if (c < 0x20 || c >= 0x7f) {
		tmp[0] = '\\'; tmp[1] = 'x';
		tmp[2] = hex[c >> 4]; tmp[3] = hex[c & 15]; n = 4;
	} else {
		tmp[0] = (char)c; n = 1;
	}
	if (n > room)
		return 0;
	memcpy(out, tmp, n);
	return n;
}

void cg_audit_escape(const char *value, char *out, size_t outsz)
{
	cg_audit_escape_max(value, CG_AUDIT_VALUE_MAX, out, outsz);
}

void cg_audit_escape_max(const char *value, size_t max, char *out,
			 size_t outsz)
{
	size_t o = 0, in = 0;
	int quote;

	if (outsz == 0)
		return;
	if (value == NULL || *value == '\0') {
		strncpy(out, "-", outsz - 1);
		out[outsz - 1] = '\0';
		return;
	}
	/* Below 7 bytes not even '"' + one byte + '"...' + NUL fits; the
	 * "..." and the closing quote below would be written past the end. */
	if (outsz < 7) {
		out[0] = '\0';
		return;
	}
	quote = needs_quotes(value);
	/* Reserve room for the closing quote, "..." and the NUL. */
	size_t limit = outsz - 6;
	if (quote && o < limit)
		out[o++] = '"';
	for (; value[in] != '\0' && in < max; in++) {
		size_t w = escape_byte((unsigned char)value[in], out + o,
				       limit > o ? limit - o : 0);
		if (w == 0)
			break;
		o += w;
	}
	if (value[in] != '\0') {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	if (quote)
		out[o++] = '"';
	out[o] = '\0';
}

void cg_audit_format(const struct cg_audit_field *fields, size_t n,
		     char *out, size_t outsz)
{
	char value[CG_AUDIT_DETAIL_MAX * 4 + 8];
	size_t o = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* A detail says what went wrong ("FILE:LINE: what, why"),
		 * and a path may take 128 bytes of it alone. */
		cg_audit_escape_max(fields[i].value,
				    strcmp(fields[i].key, "detail") == 0 ?
				    CG_AUDIT_DETAIL_MAX : CG_AUDIT_VALUE_MAX,
				    value, sizeof(value));
		size_t need = strlen(fields[i].key) + 1 + strlen(value) +
			      (o > 0 ? 1 : 0);
		if (o + need + 1 > outsz)
			continue;
		if (o > 0)
			out[o++] = ' ';
		o += (size_t)snprintf(out + o, outsz - o, "%s=%s", fields[i].key, value);
	}
}

/* The documented key order; NULL members are left out. */
#define EV(m) { #m, offsetof(struct cg_audit_event, m) }
static const struct {
	const char *key;
	size_t offset;
} event_keys[] = {
	EV(event), EV(result), EV(action), EV(reason), EV(id), EV(user),
	EV(by), EV(by_login), EV(approver), EV(credential), EV(role),
	EV(path), EV(readable_by), EV(old_fp), EV(new_fp), EV(size),
	EV(service), EV(tty), EV(rhost), EV(detail),
};
#undef EV

bool cg_audit_add(struct cg_audit_event *ev, const char *key,
		  const char *value)
{
	if (ev->nextra >= CG_ARRAY_SIZE(ev->extra))
		return false;
	ev->extra[ev->nextra++] = (struct cg_audit_field){ key, value };
	return true;
}

size_t cg_audit_event_fields(const struct cg_audit_event *ev,
			     struct cg_audit_field f[CG_AUDIT_FIELDS_MAX])
{
	size_t n = 0;

	_Static_assert(CG_ARRAY_SIZE(event_keys) + CG_AUDIT_EXTRA_MAX <=
		       CG_AUDIT_FIELDS_MAX, "CG_AUDIT_FIELDS_MAX too small");
	for (size_t i = 0; i < CG_ARRAY_SIZE(event_keys); i++) {
		const char *v = *(const char *const *)(const void *)
			((const char *)ev + event_keys[i].offset);
		if (v != NULL)
			f[n++] = (struct cg_audit_field){ event_keys[i].key, v };
	}
	for (size_t i = 0; i < ev->nextra && i < CG_AUDIT_EXTRA_MAX; i++)
		f[n++] = ev->extra[i];
	return n;
}

void cg_audit_event_format(const struct cg_audit_event *ev, char *out,
			   size_t outsz)
{
	struct cg_audit_field f[CG_AUDIT_FIELDS_MAX];

	cg_audit_format(f, cg_audit_event_fields(ev, f), out, outsz);
}

int cg_audit_priority(const struct cg_audit_event *ev)
{
	if (ev->priority != 0)
		return ev->priority;
	if (ev->result != NULL && (strcmp(ev->result, "granted") == 0 ||
				   strcmp(ev->result, "ok") == 0))
		return LOG_NOTICE;
	return LOG_WARNING;
}

static void syslog_sink(void *ctx, int priority, const char *line)
{
	(void)ctx;
	syslog(LOG_AUTHPRIV | priority, "%s", line);
}

void cg_audit_emit_prefixed(const struct cg_audit_event *ev,
			    const char *prefix, cg_audit_sink *sink, void *ctx)
{
	char line[CG_AUDIT_LINE_MAX];
	int priority = cg_audit_priority(ev);

	cg_audit_event_format(ev, line, sizeof(line));
	/* The journal when it takes the entry, else syslog: never both,
	 * since journald also reads /dev/log and would hold it twice. */
	if (cg_audit_journal(ev, prefix, line, priority))
		return;
	(sink != NULL ? sink : syslog_sink)(ctx, priority, line);
}

void cg_audit_emit(const struct cg_audit_event *ev, cg_audit_sink *sink,
		   void *ctx)
{
	cg_audit_emit_prefixed(ev, NULL, sink, ctx);
}

void cg_audit_open(const char *ident)
{
	openlog(ident, LOG_PID, LOG_AUTHPRIV);
}
