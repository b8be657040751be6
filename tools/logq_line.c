/* One log line into a credgate event: the syslog header (or the journal
 * entry's fields), the prefix of whatever program logged it, then the
 * strict audit-line reader (audit_parse.h).
 *
 * Which lines are credgate's: the module logs through pam_syslog, so its
 * lines carry "pam_credgate(SERVICE:STAGE): " after the header of the
 * application that loaded it (sshd, sudo, su, credgate, pamtester...);
 * the tools log under their own names, credgate and credgate-enroll.
 * An "event=" line from any other program, or whose service= is not the
 * one in its prefix, is not one credgate wrote: it is flagged, not
 * counted. */
#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "logq.h"
#include "number.h"

#define PAM_PREFIX "pam_credgate("
#define REPEATED "message repeated "

/* arg comes from the log: escaped as audit values are, so the reason is
 * safe to print on a terminal. */
static enum logq_kind malformed(char *why, size_t whysz, const char *before,
				const char *arg, const char *after)
{
	char esc[LOGQ_PROGRAM_MAX * 4 + 8];

	cg_audit_escape(arg, esc, sizeof(esc));
	snprintf(why, whysz, "%s%s%s", before, esc, after);
	return LOGQ_MALFORMED;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* rsyslog folds repeats into "message repeated N times: [ MESSAGE]". */
static void unwrap_repeat(const char **msg, size_t *len, unsigned *repeat)
{
	const char *s = *msg, *end = s + *len, *p = s + strlen(REPEATED);
	unsigned long n = 0;

	if (!starts(s, *len, REPEATED))
		return;
	for (; p < end && *p >= '0' && *p <= '9' && n < 1000000; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (n == 0 || !starts(p, (size_t)(end - p), " times: [") ||
	    end[-1] != ']')
		return;
	p += strlen(" times: [");
	if (p < end && *p == ' ')
		p++;
	*msg = p;
	*len = (size_t)(end - 1 - p);
	*repeat = (unsigned)n;
}

/* "pam_credgate(sshd:auth): " -> service "sshd"; false if absent. */
static bool pam_prefix(const char **msg, size_t *len, char *service,
		       size_t sz)
{
	const char *s = *msg, *end = s + *len, *p, *colon = NULL;

	if (!starts(s, *len, PAM_PREFIX))
		return false;
	for (p = s + strlen(PAM_PREFIX); p < end && *p != ')'; p++)
		if (*p == ':')
			colon = p;
	if (p >= end || colon == NULL || end - p < 3 || p[1] != ':' ||
	    p[2] != ' ')
		return false;
	s += strlen(PAM_PREFIX);
	snprintf(service, sz, "%.*s", (int)(colon - s), s);
	*msg = p + 3;
	*len = (size_t)(end - *msg);
	return true;
}

static bool is_tool(const char *name)
{
	return name != NULL && (strcmp(name, "credgate") == 0 ||
				strcmp(name, "credgate-enroll") == 0);
}

enum logq_kind logq_classify(const char *msg, size_t len, const char *comm,
			     struct logq_event *ev, char *why, size_t whysz)
{
	char service[LOGQ_PROGRAM_MAX] = "";
	const char *svc;
	bool pam;

	why[0] = '\0';
	ev->repeat = 1;
	unwrap_repeat(&msg, &len, &ev->repeat);
	pam = pam_prefix(&msg, &len, service, sizeof(service));
	if (!starts(msg, len, "event="))
		return LOGQ_OTHER;
	/* Without the module's prefix only the tools write event lines;
	 * the journal also knows the sending process (_COMM), which a
	 * syslog tag chosen with logger -t does not change. */
	if (!pam && !is_tool(ev->program))
		return malformed(why, whysz, "event line from program ",
				 ev->program, ", not from credgate");
	if (!pam && comm != NULL && !is_tool(comm))
		return malformed(why, whysz, "event line sent by process ",
				 comm, ", not by credgate");
	if (cg_audit_parse(msg, len, &ev->rec, why, whysz) != CG_OK)
		return LOGQ_MALFORMED;
	svc = cg_audit_record_get(&ev->rec, "service");
	if (pam && (svc == NULL || strcmp(svc, service) != 0)) {
		cg_audit_record_free(&ev->rec);
		return malformed(why, whysz, "service= is not ", service,
				 ", the service in the pam_credgate prefix");
	}
	return LOGQ_EVENT;
}

/* ---- syslog text -------------------------------------------------------- */

/* "host prog[pid]: " after the timestamp; *msg is what follows. */
static bool syslog_header(const char *s, const char *end,
			  struct logq_event *ev, const char **msg)
{
	const char *host, *prog, *p = s;

	if (p >= end || *p++ != ' ')
		return false;
	for (host = p; p < end && *p != ' '; p++)
		;
	if (p == host || p >= end || (size_t)(p - host) >= sizeof(ev->host))
		return false;
	snprintf(ev->host, sizeof(ev->host), "%.*s", (int)(p - host), host);
	for (prog = ++p; p < end && *p != ' ' && *p != '[' && *p != ':'; p++)
		;
	if (p == prog || p >= end ||
	    (size_t)(p - prog) >= sizeof(ev->program))
		return false;
	snprintf(ev->program, sizeof(ev->program), "%.*s", (int)(p - prog),
		 prog);
	ev->pid = -1;
	if (*p == '[') {
		long pid = 0;

		for (p++; p < end && *p >= '0' && *p <= '9' && pid < 100000000; p++)
			pid = pid * 10 + (*p - '0');
		if (p >= end || *p++ != ']')
			return false;
		ev->pid = pid;
	}
	if (end - p < 1 || *p++ != ':')
		return false;
	if (p < end && *p == ' ')
		p++;
	*msg = p;
	return true;
}

enum logq_kind logq_parse_syslog(const char *line, size_t len,
				 int64_t ref_time, struct logq_event *ev,
				 char *why, size_t whysz)
{
	const char *msg, *end = line + len;
	size_t used;

	why[0] = '\0';
	memset(&ev->rec, 0, sizeof(ev->rec));
	if (!logq_parse_timestamp(line, len, ref_time, &ev->time, &used) ||
	    !syslog_header(line + used, end, ev, &msg))
		return LOGQ_OTHER;
	return logq_classify(msg, (size_t)(end - msg), NULL, ev, why, whysz);
}

/* ---- journal entries ------------------------------------------------------- */

struct jfields {
	char *message;
	size_t mlen;
	char ident[LOGQ_PROGRAM_MAX];
	char comm[LOGQ_PROGRAM_MAX];
	char host[LOGQ_HOST_MAX];
	long pid, syslog_pid;
	int64_t usec;
	bool have_time, have_comm;
};

static void copy_field(char *dst, size_t sz, const char *val, size_t vlen)
{
	snprintf(dst, sz, "%.*s", (int)(vlen < sz ? vlen : sz - 1), val);
}

static cg_err journal_member(void *arg, const char *key,
			     enum cg_json_type t, const char *val, size_t vlen)
{
	struct jfields *j = arg;
	uint64_t v;

	/* Values are NUL-terminated (a byte array may hold a NUL itself,
	 * which then fails every number below). */
	if (t != CG_JSON_STRING && t != CG_JSON_BYTES)
		return CG_OK;
	if (strcmp(key, "MESSAGE") == 0) {
		free(j->message);
		if ((j->message = malloc(vlen + 1)) == NULL)
			return CG_E_NOMEM;
		memcpy(j->message, val, vlen);
		j->message[vlen] = '\0';
		j->mlen = vlen;
	} else if (strcmp(key, "SYSLOG_IDENTIFIER") == 0) {
		copy_field(j->ident, sizeof(j->ident), val, vlen);
	} else if (strcmp(key, "_COMM") == 0) {
		copy_field(j->comm, sizeof(j->comm), val, vlen);
		j->have_comm = true;
	} else if (strcmp(key, "_HOSTNAME") == 0) {
		copy_field(j->host, sizeof(j->host), val, vlen);
	} else if (strcmp(key, "__REALTIME_TIMESTAMP") == 0) {
		j->have_time = cg_dec_u64(val, INT64_MAX, false, &v);
		j->usec = (int64_t)v;
	} else if (strcmp(key, "_PID") == 0 &&
		   cg_dec_u64(val, LONG_MAX, false, &v)) {
		j->pid = (long)v;
	} else if (strcmp(key, "SYSLOG_PID") == 0 &&
		   cg_dec_u64(val, LONG_MAX, false, &v)) {
		j->syslog_pid = (long)v;
	}
	return CG_OK;
}

enum logq_kind logq_parse_journal_json(const char *line, size_t len,
				       struct logq_event *ev, char *why,
				       size_t whysz)
{
	struct jfields j;
	enum logq_kind k;
	cg_err e;

	why[0] = '\0';
	memset(&ev->rec, 0, sizeof(ev->rec));
	memset(&j, 0, sizeof(j));
	j.pid = j.syslog_pid = -1;
	if ((e = cg_json_object_parse(line, len, journal_member, &j)) != CG_OK) {
		free(j.message);
		snprintf(why, whysz, "%s", e == CG_E_NOMEM ? "out of memory" :
			 "not a journal entry (invalid JSON)");
		return LOGQ_MALFORMED;
	}
	if (j.message == NULL || !j.have_time) {
		free(j.message);
		return LOGQ_OTHER;
	}
	ev->time = j.usec / 1000000;
	snprintf(ev->host, sizeof(ev->host), "%s", j.host[0] ? j.host : "-");
	snprintf(ev->program, sizeof(ev->program), "%s",
		 j.ident[0] ? j.ident : j.have_comm ? j.comm : "-");
	/* _PID is the journal's own record of the sender; SYSLOG_PID is
	 * what the sender claimed. */
	ev->pid = j.pid >= 0 ? j.pid : j.syslog_pid;
	k = logq_classify(j.message, j.mlen, j.have_comm ? j.comm : NULL, ev,
			  why, whysz);
	free(j.message);
	return k;
}
