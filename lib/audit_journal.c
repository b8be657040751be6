/* An audit event as a journal entry with fields (audit.h says which),
 * sent with libsystemd's sd_journal_sendv when the journal's socket is
 * there and libsystemd can be loaded (libsystemd.h); otherwise the
 * caller logs the line to syslog as before.
 *
 * The MESSAGE_IDs below are a published interface (pam_credgate(8),
 * credgate(1), credgate-enroll(8)): never change one; a new event type
 * gets a new id (systemd-id128 new). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "audit.h"
#include "cg_macros.h"
#include "libsystemd.h"

static const struct {
	const char *event;
	const char *id;
} message_ids[] = {
	/* the module */
	{ "auth",         "d9b264ad9a16423eb403e534d4b0176c" },
	{ "lockout",      "0027d32febd64667b62f06157454b240" },
	{ "access",       "4b91c08ef070453b927593a500feb026" },
	/* the gate */
	{ "approval",     "a816bce39e914fe9a4bc5bcf8e1a5eaa" },
	{ "rotate",       "9657d134c97b470a8c95cb892986d539" },
	{ "versions",     "22bdd709840346cfa92c7d8569a08332" },
	{ "on_change",    "5b259262281d4562b46424f8e512c361" },
	/* credgate-enroll */
	{ "enroll",       "dfe03353910a4bafbb760cfd2be8bb2f" },
	{ "revoke",       "2e8b4ce700854d93ab9b3527c96c3148" },
	{ "unlock",       "14738a052d3e4db6b58fd2cb26ce090c" },
	{ "recovery",     "cd8c6360b30b4082a8d9843fcdae495a" },
	{ "import",       "c4daabfb416541dc876bae63a29c985a" },
	{ "status",       "79e5e372c1e943e08ad91d176080541b" },
	{ "list",         "082ab6b2c2c34110bfc6d733b471051a" },
	{ "check-config", "91d04d8133ba4927b0750d443585aac4" },
	{ "log",          "3789e62694114d9a88475e7d9a1cd5b7" },
	{ "scan",         "969c09da73064c0d8d01b66025911ea6" },
	{ "leak",         "314b3602911145a39e36e398c2a7d079" },
	{ "migrate",      "76aecf41b3824c398805aa6bcefc439e" },
	{ "init",         "8aa256b671ca4be1ad18667860276c88" },
	{ "rekey",        "7b9aadaab61c41bf8c314d2c5820f37c" },
	{ "prune",        "4251f80e47ee424ab22ca05a86a2102b" },
};

const char *cg_audit_message_id(const char *event)
{
	for (size_t i = 0; event != NULL && i < CG_ARRAY_SIZE(message_ids); i++)
		if (strcmp(event, message_ids[i].event) == 0)
			return message_ids[i].id;
	return NULL;
}

/* The fixed fields, then one per field of the line. */
#define FIXED_FIELDS 5
#define ENTRY_FIELDS (FIXED_FIELDS + CG_AUDIT_FIELDS_MAX)

struct entry {
	struct iovec iov[ENTRY_FIELDS];
	int n;
	char *buf;                  /* where the next field is written */
};

/* "PREFIXNAME=value" into the buffer as the next field: name's letters
 * in capitals, any other byte but a digit made '_' (journal field names
 * are [A-Z0-9_]); value "" written "-" as in the line, and cut at max
 * bytes, marked "...". */
static void add(struct entry *e, const char *prefix, const char *name,
		const char *value, size_t max)
{
	char *p = e->buf;
	size_t vlen;

	if (value == NULL || *value == '\0')
		value = "-";
	vlen = strnlen(value, max + 1);
	p = stpcpy(p, prefix);
	for (; *name != '\0'; name++)
		*p++ = (*name >= 'a' && *name <= 'z') ? (char)(*name - 'a' + 'A') :
		       ((*name >= 'A' && *name <= 'Z') ||
			(*name >= '0' && *name <= '9')) ? *name : '_';
	*p++ = '=';
	memcpy(p, value, vlen > max ? max : vlen);
	p += vlen > max ? max : vlen;
	if (vlen > max)
		p = stpcpy(p, "...");
	e->iov[e->n].iov_base = e->buf;
	e->iov[e->n].iov_len = (size_t)(p - e->buf);
	e->n++;
	e->buf = p;
}

bool cg_audit_journal(const struct cg_audit_event *ev, const char *prefix,
		      const char *line, int priority)
{
	int (*sendv)(const struct iovec *, int);
	struct cg_audit_field f[CG_AUDIT_FIELDS_MAX];
	const char *id = cg_audit_message_id(ev->event);
	char msg[CG_AUDIT_LINE_MAX + 128], prio[16], *mem;
	struct entry e = { .n = 0 };
	struct stat st;
	size_t nf, size;
	bool sent;

	/* Where there is no journal, libsystemd is not even loaded. */
	if (lstat(CG_AUDIT_JOURNAL_SOCKET, &st) != 0 || !S_ISSOCK(st.st_mode))
		return false;
	*(void **)&sendv = cg_libsystemd_sym("sd_journal_sendv");
	if (sendv == NULL)
		return false;
	nf = cg_audit_event_fields(ev, f);
	snprintf(msg, sizeof(msg), "%s%s", prefix != NULL ? prefix : "", line);
	snprintf(prio, sizeof(prio), "%d", priority);
	/* The fixed fields' names and values, then each field's. */
	size = 128 + strlen(msg) + strlen(prio);
	for (size_t i = 0; i < nf; i++)
		size += strlen("CREDGATE_") + strlen(f[i].key) + 1 +
			CG_AUDIT_JOURNAL_VALUE_MAX + 3;
	if ((mem = malloc(size)) == NULL)
		return false;
	e.buf = mem;
	add(&e, "", "MESSAGE", msg, sizeof(msg));
	if (id != NULL)
		add(&e, "", "MESSAGE_ID", id, 32);
	add(&e, "", "PRIORITY", prio, sizeof(prio));
	add(&e, "", "SYSLOG_FACILITY", "10", 2);        /* LOG_AUTHPRIV >> 3 */
	add(&e, "", "SYSLOG_IDENTIFIER", "credgate", 8);
	for (size_t i = 0; i < nf; i++)
		add(&e, "CREDGATE_", f[i].key, f[i].value,
		    CG_AUDIT_JOURNAL_VALUE_MAX);
	sent = sendv(e.iov, e.n) >= 0;
	free(mem);
	return sent;
}
