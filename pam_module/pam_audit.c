#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <security/pam_ext.h>
#include "audit.h"
#include "pam_audit.h"

static const char *item_string(pam_handle_t *pamh, int item)
{
	const void *v = NULL;
	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

void cg_pam_ctx_init(struct cg_pam_ctx *ctx, pam_handle_t *pamh)
{
	ctx->pamh = pamh;
	ctx->user = item_string(pamh, PAM_USER);
	ctx->service = item_string(pamh, PAM_SERVICE);
	ctx->tty = item_string(pamh, PAM_TTY);
	ctx->rhost = item_string(pamh, PAM_RHOST);
	ctx->credential = pam_getenv(pamh, "CREDGATE_CREDENTIAL");
	ctx->debug = false;
}

void cg_pam_audit(const struct cg_pam_ctx *ctx, const char *event,
		  bool granted, const char *reason, const char *role,
		  const char *detail)
{
	struct cg_audit_field f[10];
	char line[CG_AUDIT_LINE_MAX];
	size_t n = 0;

	f[n++] = (struct cg_audit_field){ "event", event };
	f[n++] = (struct cg_audit_field){ "result", granted ? "granted" : "denied" };
	f[n++] = (struct cg_audit_field){ "reason", reason };
	f[n++] = (struct cg_audit_field){ "user", ctx->user };
	if (ctx->credential != NULL)
		f[n++] = (struct cg_audit_field){ "credential", ctx->credential };
	if (role != NULL)
		f[n++] = (struct cg_audit_field){ "role", role };
	f[n++] = (struct cg_audit_field){ "service", ctx->service };
	f[n++] = (struct cg_audit_field){ "tty", ctx->tty };
	f[n++] = (struct cg_audit_field){ "rhost", ctx->rhost };
	if (detail != NULL)
		f[n++] = (struct cg_audit_field){ "detail", detail };
	cg_audit_format(f, n, line, sizeof(line));
	/* pam_syslog logs to LOG_AUTHPRIV with the "pam_credgate(service:type)" prefix. */
	pam_syslog(ctx->pamh, granted ? LOG_NOTICE : LOG_WARNING, "%s", line);
}

void cg_pam_debug(const struct cg_pam_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->debug)
		return;
	va_start(ap, fmt);
	pam_vsyslog(ctx->pamh, LOG_DEBUG, fmt, ap);
	va_end(ap);
}
