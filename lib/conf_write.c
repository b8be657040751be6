/* The keys of a [credential] section that say how it may be written
 * (credgate put and rollback): what each value may be.  The line and
 * section mechanics, and the keys that are plain numbers or role lists
 * (keep, on_change_timeout, writers), are conf_parse.c's.  See conf.h for
 * the keys and credgate.conf(5) for what they mean. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "conf_int.h"
#include "number.h"
#include "username.h"

static cg_err bad(char *why, size_t whysz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static cg_err bad(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return CG_E_PARSE;
}

void cg_conf_write_init(struct cg_cred_write *w)
{
	memset(w, 0, sizeof(*w));
	w->keep = 5;
	w->max_size = 64 * 1024;
	w->format = CG_FORMAT_ANY;
	w->on_change_timeout = 30;
	w->mode = -1;
}

void cg_conf_write_clear(struct cg_cred_write *w)
{
	cg_conf_free_list(w->writers, w->nwriters);
	for (size_t i = 0; w->on_change != NULL && w->on_change[i] != NULL; i++)
		free(w->on_change[i]);
	free(w->on_change);
	free(w->group);
	memset(w, 0, sizeof(*w));
}

/* "65536", "64K", "1M": bytes, 1..CG_CREDENTIAL_SIZE_MAX. */
static cg_err set_max_size(struct cg_cred_write *w, const char *value,
			   char *why, size_t whysz)
{
	char esc[CG_CONF_ESC_MAX];
	uint64_t n = 0;
	enum cg_conf_num r = cg_conf_size(value, &n);

	cg_conf_escape(value, esc, sizeof(esc));
	if (r == CG_CONF_NUM_SYNTAX)
		return bad(why, whysz, "invalid value '%s' for 'max_size': "
			   "expected bytes, or a number with suffix K or M",
			   esc);
	if (r == CG_CONF_NUM_RANGE || n == 0 || n > CG_CREDENTIAL_SIZE_MAX)
		return bad(why, whysz, "value '%s' for 'max_size' is out of "
			   "range (1..%d bytes)", esc, CG_CREDENTIAL_SIZE_MAX);
	w->max_size = (size_t)n;
	return CG_OK;
}

static cg_err set_format(struct cg_cred_write *w, const char *value,
			 char *why, size_t whysz)
{
	char esc[CG_CONF_ESC_MAX];

	if (strcmp(value, "any") == 0) {
		w->format = CG_FORMAT_ANY;
	} else if (strcmp(value, "line") == 0) {
		w->format = CG_FORMAT_LINE;
	} else {
		cg_conf_escape(value, esc, sizeof(esc));
		return bad(why, whysz, "invalid value '%s' for 'format': "
			   "expected line or any", esc);
	}
	return CG_OK;
}

/* Words split at blanks: no shell ever sees them, so quotes and
 * backslashes would not do what they seem to and are refused. */
static cg_err set_on_change(struct cg_cred_write *w, const char *value,
			    char *why, size_t whysz)
{
	char **argv, *copy, *word, *cursor;
	size_t n = 0;

	if (strpbrk(value, "\"'\\") != NULL)
		return bad(why, whysz, "'on_change' takes no quotes or "
			   "backslashes (no shell runs it): put a command that "
			   "needs them in a script");
	if (value[0] != '/')
		return bad(why, whysz, "'on_change' must start with an "
			   "absolute program path (no PATH search)");
	if ((copy = strdup(value)) == NULL ||
	    (argv = calloc(CG_ON_CHANGE_ARGS_MAX + 1, sizeof(*argv))) == NULL) {
		free(copy);
		return CG_E_NOMEM;
	}
	for (cursor = copy; (word = cg_conf_next_word(&cursor)) != NULL; ) {
		if (n == CG_ON_CHANGE_ARGS_MAX) {
			free(copy);
			w->on_change = argv;
			return bad(why, whysz, "'on_change' has more than %d "
				   "words", CG_ON_CHANGE_ARGS_MAX);
		}
		if ((argv[n++] = strdup(word)) == NULL) {
			free(copy);
			w->on_change = argv;
			return CG_E_NOMEM;
		}
	}
	free(copy);
	w->on_change = argv;      /* freed by cg_conf_write_clear */
	return CG_OK;
}

/* The gate serves only root-owned credential files (a file another
 * user owns, that user could change), so a file credgate creates is
 * root's; the key exists so that a policy can say so. */
static cg_err set_owner(const char *value, char *why, size_t whysz)
{
	char esc[CG_CONF_ESC_MAX];

	if (strcmp(value, "root") == 0 || strcmp(value, "0") == 0)
		return CG_OK;
	cg_conf_escape(value, esc, sizeof(esc));
	return bad(why, whysz, "'owner = %s': only root (the gate serves "
		   "only files root owns; use group and mode to let a "
		   "service read it)", esc);
}

static cg_err set_group(struct cg_cred_write *w, const char *value,
			char *why, size_t whysz)
{
	char esc[CG_CONF_ESC_MAX];
	uint64_t gid;

	if (!cg_user_name_valid(value) &&
	    !cg_dec_u64(value, UINT32_MAX - 1, true, &gid)) {
		cg_conf_escape(value, esc, sizeof(esc));
		return bad(why, whysz, "invalid group '%s' for 'group': "
			   "expected a group name or number", esc);
	}
	free(w->group);
	return (w->group = strdup(value)) == NULL ? CG_E_NOMEM : CG_OK;
}

/* Octal, like chmod: "0600", "600". */
static cg_err set_mode(struct cg_cred_write *w, const char *value,
		       char *why, size_t whysz)
{
	char esc[CG_CONF_ESC_MAX];
	size_t n = strlen(value);
	int mode = 0;

	cg_conf_escape(value, esc, sizeof(esc));
	if (n < 3 || n > 4 || strspn(value, "01234567") != n ||
	    (n == 4 && value[0] != '0'))
		return bad(why, whysz, "invalid value '%s' for 'mode': "
			   "expected octal permissions such as 0600", esc);
	for (size_t i = 0; i < n; i++)
		mode = mode * 8 + (value[i] - '0');
	if ((mode & CG_CREDENTIAL_MODE_NEVER) != 0)
		return bad(why, whysz, "'mode = %s' lets its group or others "
			   "in, and the gate refuses such a file: at most 0%o",
			   esc, 0777 & ~CG_CREDENTIAL_MODE_NEVER);
	w->mode = mode;
	return CG_OK;
}

cg_err cg_conf_write_set(struct cg_cred_write *w, const char *key,
			 const char *value, char *why, size_t whysz)
{
	if (strcmp(key, "max_size") == 0)
		return set_max_size(w, value, why, whysz);
	if (strcmp(key, "format") == 0)
		return set_format(w, value, why, whysz);
	if (strcmp(key, "on_change") == 0)
		return set_on_change(w, value, why, whysz);
	if (strcmp(key, "owner") == 0)
		return set_owner(value, why, whysz);
	if (strcmp(key, "group") == 0)
		return set_group(w, value, why, whysz);
	if (strcmp(key, "mode") == 0)
		return set_mode(w, value, why, whysz);
	return bad(why, whysz, "unknown key '%s'", key);
}
