/* What the credgate-enroll commands share: config and store, audit
 * lines, prompts, locked writes of a user's state. */
#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "enroll.h"
#include "grace.h"
#include "wipe.h"

void enroll_err(const char *fmt, ...)
{
	va_list ap;

	fputs(ENROLL_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int enroll_abs_path(const char *path, char *out, size_t sz)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(out, sz, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		n = snprintf(out, sz, "%s/%s", cwd, path);
	else
		n = -1;
	if (n < 0 || (size_t)n >= sz) {
		enroll_err("path too long or working directory unknown");
		return ENROLL_EXIT_ERROR;
	}
	return 0;
}

int enroll_load_config(struct enroll_ctx *c, const char *path)
{
	char msg[CG_CONFIG_MSG_MAX], abs[PATH_MAX];
	int rc;

	if ((rc = enroll_abs_path(path, abs, sizeof(abs))) != 0)
		return rc;
	if (cg_config_load_explained(abs, &c->cfg, msg, sizeof(msg)) != CG_OK) {
		enroll_err("%s", msg);
		return ENROLL_EXIT_ERROR;
	}
	return 0;
}

int enroll_open_store(struct enroll_ctx *c)
{
	char dir[PATH_MAX];
	cg_err e;

	if ((e = cg_store_open(c->cfg, &c->store)) != CG_OK) {
		if (cg_store_why(NULL)[0] != '\0') {
			enroll_err("%s store: %s", c->cfg->defaults.store ==
				   CG_STORE_LDAP ? "ldap" : "files",
				   cg_store_why(NULL));
			return ENROLL_EXIT_ERROR;
		}
		cg_audit_escape(c->cfg->defaults.state_dir, dir, sizeof(dir));
		enroll_err("state directory %s: %s%s", dir, cg_strerror(e),
			   e == CG_E_IO && errno == EACCES ?
			   " (permission denied: is " ENROLL_PROG
			   " installed setuid root?)" : "");
		return ENROLL_EXIT_ERROR;
	}
	return 0;
}

void enroll_ctx_release(struct enroll_ctx *c)
{
	cg_store_close(c->store);
	c->store = NULL;
	cg_config_free(c->cfg);
	c->cfg = NULL;
}

void enroll_audit(const struct enroll_ctx *c, const char *event,
		  const char *result, const char *reason,
		  const struct cg_audit_field *extra, size_t nextra)
{
	struct cg_audit_event ev = {
		.event = event,
		.result = result,
		.reason = reason,
		.user = cg_audit_or_none(c->target),
		.by = cg_audit_or_none(c->caller),
		.by_login = cg_audit_or_none(c->login),
	};

	for (size_t i = 0; i < nextra; i++)
		cg_audit_add(&ev, extra[i].key, extra[i].value);
	cg_audit_emit(&ev, NULL, NULL);
}

enum cg_line enroll_read_secret(const char *prompt, char *buf, size_t sz)
{
	/* stdin is unbuffered (main sets it) and read here with read(2) a
	 * byte at a time: no more than this line is taken, and no copy of
	 * it is left in a stdio buffer. */
	fflush(stderr);
	return cg_prompt_secret(STDIN_FILENO, STDERR_FILENO, prompt, buf, sz);
}

cg_err enroll_store_state(struct enroll_ctx *c, const struct cg_state *st,
			  bool force, bool *replaced)
{
	/* Decided inside the transaction: whoever enrolled in the meantime
	 * wins unless we were told to replace.  A damaged state is still a
	 * state; one that cannot be read at all is left alone. */
	*replaced = false;
	if (force) {
		cg_err e = cg_store_put(c->store, c->target, st, replaced);

		if (*replaced)
			enroll_forget_grace(c);
		return e;
	}
	return cg_store_create(c->store, c->target, st);
}

void enroll_forget_grace(const struct enroll_ctx *c)
{
	char dir[PATH_MAX];
	cg_err e = cg_grace_forget(c->cfg->defaults.grace_dir, c->target);

	if (e == CG_OK)
		return;
	cg_audit_escape(c->cfg->defaults.grace_dir, dir, sizeof(dir));
	fprintf(stderr, "warning: grace records of %s in %s not removed: %s\n",
		c->target, dir, cg_strerror(e));
}

cg_err enroll_read_state(struct enroll_ctx *c, struct cg_state *st,
			 unsigned *bad_line)
{
	return cg_store_read(c->store, c->target, st, bad_line);
}

void enroll_state_error(const struct enroll_ctx *c, cg_err e, unsigned line)
{
	const char *why = cg_store_why(c->store);

	/* The store's own words say it better when it has any (the
	 * directory's reason, the host key's problem, why a sealed state
	 * does not open). */
	if (e == CG_E_NOENT)
		enroll_err("%s: not enrolled", c->target);
	else if (why[0] != '\0')
		enroll_err("state of %s: %s", c->target, why);
	else if (line > 0)
		enroll_err("state of %s: line %u: %s", c->target, line,
			   cg_strerror(e));
	else
		enroll_err("state of %s: %s", c->target, cg_strerror(e));
}

void enroll_print_recovery(char (*codes)[CG_RECOVERY_CODE_SIZE], size_t n)
{
	if (n == 0) {
		printf("No recovery codes.\n");
		return;
	}
	printf("\nRecovery codes: each works once in place of a code. They are "
	       "shown only now;\nkeep them somewhere safe, away from the "
	       "authenticator:\n\n");
	for (size_t i = 0; i < n; i++)
		printf("    %s\n", codes[i]);
	printf("\n");
}

void enroll_format_time(int64_t t, char *buf, size_t sz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, sz, "-");
}
