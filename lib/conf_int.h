/* Internal to the policy parser (conf.c, conf_parse.c, conf_load.c):
 * not for the module or the tools, which use conf.h. */
#ifndef CG_CONF_INT_H
#define CG_CONF_INT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "conf.h"

/* ---- tokens (conf_lex.c) ---------------------------------------------- */

bool cg_conf_is_blank(char c);              /* space or tab */
char *cg_conf_trim(char *s);                /* blanks cut off both ends, in place */

/* The next line of text[0..len) from *pos (a leading byte-order mark
 * skipped, the '\n' and one '\r' before it not included); false at
 * the end. */
bool cg_conf_next_line(const char *text, size_t len, size_t *pos,
		       const char **line, size_t *n);

/* Printable UTF-8 and tab only; *where is the offending byte. */
enum cg_conf_text { CG_CONF_TEXT_OK, CG_CONF_TEXT_NUL, CG_CONF_TEXT_CONTROL,
		    CG_CONF_TEXT_UTF8 };
enum cg_conf_text cg_conf_check_text(const unsigned char *s, size_t n,
				     size_t *where);

/* The next blank-separated word of *cursor, cut out in place (the blank
 * after it overwritten by a NUL); NULL when none is left. */
char *cg_conf_next_word(char **cursor);

/* The next comma-separated item of *cursor, cut out in place and
 * trimmed; NULL when the list is exhausted.  count_items counts the
 * items next_item will return (commas + 1). */
char *cg_conf_next_item(char **cursor);
size_t cg_conf_count_items(const char *value);

/* Decimal digits, and for a duration one optional suffix s, m or h. */
enum cg_conf_num { CG_CONF_NUM_OK, CG_CONF_NUM_SYNTAX, CG_CONF_NUM_RANGE };
enum cg_conf_num cg_conf_number(const char *s, bool duration, uint64_t *out);
/* Bytes: decimal digits and an optional suffix K, M or G (powers of
 * 1024, either case). */
enum cg_conf_num cg_conf_size(const char *s, uint64_t *out);

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
