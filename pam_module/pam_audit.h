/* The module's view of one PAM transaction, for audit lines. */
#ifndef CG_PAM_AUDIT_H
#define CG_PAM_AUDIT_H
#include <stdbool.h>
#include <security/pam_modules.h>

struct cg_pam_ctx {
	pam_handle_t *pamh;
	const char *user;          /* NULL until known */
	const char *service;
	const char *tty;
	const char *rhost;
	const char *credential;    /* CREDGATE_CREDENTIAL from the gate */
	const char *action;        /* CREDGATE_ACTION from the gate, or NULL */
	const char *stage;         /* "auth", "account": as pam_syslog names it */
	bool debug;
};

void cg_pam_ctx_init(struct cg_pam_ctx *ctx, pam_handle_t *pamh,
		     const char *stage);

/* One audit line: event=EVENT result=RESULT reason=REASON user= [credential=
 * role=] service= tty= rhost= [detail=].  role and detail may be NULL. */
void cg_pam_audit(const struct cg_pam_ctx *ctx, const char *event,
		  bool granted, const char *reason, const char *role,
		  const char *detail);

/* A debug line (only with the "debug" argument); never pass secrets. */
void cg_pam_debug(const struct cg_pam_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
