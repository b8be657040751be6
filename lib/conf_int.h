/* Internal to the policy parser (conf.c, conf_parse.c, conf_load.c):
 * not for the module or the tools, which use conf.h. */
#ifndef CG_CONF_INT_H
#define CG_CONF_INT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "conf.h"

/* Room for one user-supplied value quoted in a message. */
#define CG_CONF_ESC_MAX 72

/* Fill diag (which may be NULL) with file, line and a message. */
void cg_conf_vdiag(struct cg_diag *diag, const char *file, unsigned line,
		   const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
void cg_conf_diag(struct cg_diag *diag, const char *file, unsigned line,
		  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cg_conf_diag_clear(struct cg_diag *diag);

/* Copy s into out for a message: printable ASCII kept, every other byte
 * written as \xNN, cut with "..." when it does not fit. */
void cg_conf_escape(const char *s, char *out, size_t outsz);

bool cg_conf_member_name_valid(const char *name);

/* The keys of [credential] about writing it (conf_write.c): max_size,
 * format, on_change, owner, group, mode.  CG_E_PARSE with a message in
 * why for a bad value, CG_E_NOMEM. */
void cg_conf_write_init(struct cg_cred_write *w);
cg_err cg_conf_write_set(struct cg_cred_write *w, const char *key,
			 const char *value, char *why, size_t whysz);
void cg_conf_write_clear(struct cg_cred_write *w);

/* [ldap] (conf_ldap.c).  Set `key` (any key of the section but
 * timeout, which is a plain number) from its trimmed, non-empty value;
 * CG_E_PARSE with a message in why for a bad value, CG_E_NOMEM. */
cg_err cg_conf_ldap_set(struct cg_ldap_conf *l, const char *key,
			const char *value, unsigned line, char *why,
			size_t whysz);
/* Required keys, TLS rules, "store = ldap" without [ldap]. */
cg_err cg_conf_ldap_validate(const struct cg_config *cfg,
			     struct cg_diag *diag);
void cg_conf_ldap_clear(struct cg_ldap_conf *l);

/* Free n strings and the array holding them; NULL is fine. */
void cg_conf_free_list(char **items, size_t n);

#endif
