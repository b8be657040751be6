/* The module's audit lines and debug lines, sent through pam_syslog (the
 * audit events to the journal instead where there is one, audit.h). */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_ext.h>
#include "audit.h"
#include "pam_audit.h"
#include "policy.h"

static const char *item_string(pam_handle_t *pamh, int item)
{
	const void *v = NULL;
	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

void cg_pam_ctx_init(struct cg_pam_ctx *ctx, pam_handle_t *pamh,
		     const char *stage)
{
	ctx->pamh = pamh;
	ctx->user = item_string(pamh, PAM_USER);
	ctx->service = item_string(pamh, PAM_SERVICE);
	ctx->tty = item_string(pamh, PAM_TTY);
	ctx->rhost = item_string(pamh, PAM_RHOST);
	ctx->credential = pam_getenv(pamh, "CREDGATE_CREDENTIAL");
	ctx->action = pam_getenv(pamh, CG_ACTION_ENV);
	ctx->stage = stage;
	ctx->debug = false;
}

static void pam_sink(void *ctx, int priority, const char *line)
{
	/* pam_syslog logs to LOG_AUTHPRIV with the "pam_credgate(service:type)" prefix. */
	pam_syslog(ctx, priority, "%s", line);
}

void cg_pam_audit(const struct cg_pam_ctx *ctx, const char *event,
		  bool granted, const char *reason, const char *role,
		  const char *detail)
{
	struct cg_audit_event ev = {
		.event = event,
		.result = granted ? "granted" : "denied",
		/* Reads are the lines documented before writes existed:
		 * only another action is named. */
		.action = ctx->action != NULL && strcmp(ctx->action, "read") != 0 ?
			  ctx->action : NULL,
		.reason = cg_audit_or_none(reason),
		.user = cg_audit_or_none(ctx->user),
		.credential = ctx->credential,
		.role = role,
		.service = cg_audit_or_none(ctx->service),
		.tty = cg_audit_or_none(ctx->tty),
		.rhost = cg_audit_or_none(ctx->rhost),
		.detail = detail,
	};
	char prefix[512];

	/* What pam_syslog writes before the line, for the journal's
	 * MESSAGE: the same text whichever way the event goes. */
	snprintf(prefix, sizeof(prefix), "pam_credgate(%s:%s): ",
		 ctx->service != NULL ? ctx->service : "", ctx->stage);
	cg_audit_emit_prefixed(&ev, prefix, pam_sink, ctx->pamh);
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
