/* import: take over a secret another TOTP setup already gave the user's
 * app, so a site can move to credgate without enrolling everyone anew. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "enroll.h"
#include "otpauth.h"
#include "privguard.h"
#include "safefile.h"
#include "wipe.h"

#define IMPORT_FILE_MAX (64 * 1024)

/* The file must be the target's or root's (as the old modules require)
 * and writable by nobody else: otherwise its secret is not theirs. */
static int check_import_fd(const struct enroll_ctx *c, int fd,
			   const char *shown)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		enroll_err("%s: not a regular file", shown);
		return ENROLL_EXIT_ERROR;
	}
	if (st.st_uid != 0 && !(c->target_known && st.st_uid == c->target_uid)) {
		enroll_err("%s: owned by uid %u, neither root nor %s; refusing",
			   shown, (unsigned)st.st_uid, c->target);
		return ENROLL_EXIT_ERROR;
	}
	if (st.st_mode & 022) {
		enroll_err("%s: writable by group or others; refusing", shown);
		return ENROLL_EXIT_ERROR;
	}
	if (st.st_mode & 044)
		fprintf(stderr, "warning: %s is readable by other users: they "
			"may know the secret;\n    consider enrolling anew "
			"(add --force) instead.\n", shown);
	return 0;
}

/* Open with the caller's own file access: a user can import only what
 * they could read anyway, and root reads without following a symlink. */
static int read_import_file(const struct enroll_ctx *c, const char *path,
			    char **text, size_t *len)
{
	char shown[PATH_MAX];
	int fd = -1, err = EPERM, rc = ENROLL_EXIT_ERROR;
	cg_err e;

	cg_audit_escape(path, shown, sizeof(shown));
	if (cg_priv_fs_as_caller() == CG_OK) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
			  O_NOCTTY);
		err = errno;
	}
	if (cg_priv_fs_as_root() != CG_OK) {
		enroll_err("cannot switch file access back; stopping");
		goto out;
	}
	if (fd < 0) {
		enroll_err("%s: %s", shown, err == ELOOP ?
			   "is a symbolic link; refusing to follow it" :
			   strerror(err));
		goto out;
	}
	if ((rc = check_import_fd(c, fd, shown)) != 0)
		goto out;
	if ((e = cg_read_all(fd, IMPORT_FILE_MAX, text, len)) != CG_OK) {
		enroll_err("%s: %s", shown, e == CG_E_IO ? strerror(errno) :
			   cg_strerror(e));
		rc = ENROLL_EXIT_ERROR;
	}
 out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The URI from standard input: one line, with echo off on a terminal.
 * A NUL byte or an overlong line is an error saying so, never a URI cut
 * short (cut at a NUL, "...secret=X\0&digits=8" would import 6 digits). */
static int read_uri(char *line, size_t sz)
{
	enum cg_line got = enroll_read_secret("otpauth:// URI: ", line, sz);

	switch (got) {
	case CG_LINE_OK:
		return 0;
	case CG_LINE_EOF:
		enroll_err("no URI read from standard input");
		return ENROLL_EXIT_USAGE;
	case CG_LINE_TOOLONG:
		enroll_err("the URI on standard input is longer than %zu bytes",
			   sz - 1);
		return ENROLL_EXIT_ERROR;
	case CG_LINE_NUL:
		enroll_err("the URI on standard input contains a NUL byte");
		return ENROLL_EXIT_ERROR;
	default:
		enroll_err("cannot read standard input: %s", strerror(errno));
		return ENROLL_EXIT_ERROR;
	}
}

static int import_uri(struct enroll_ctx *c, struct enroll_import *imp)
{
	struct cg_otpauth oa;
	char line[ENROLL_LINE_MAX];
	const char *uri = c->o->uri;
	int rc = 0;
	cg_err e;

	memset(&oa, 0, sizeof(oa));
	memset(line, 0, sizeof(line));
	if (strcmp(uri, "-") == 0) {
		if ((rc = read_uri(line, sizeof(line))) != 0)
			goto out;
		uri = line;
	} else {
		fprintf(stderr, "warning: a URI given as an argument was "
			"visible to other users (use --uri -).\n");
	}
	if ((e = cg_otpauth_parse(uri, &oa)) != CG_OK) {
		enroll_err("malformed URI: %s", cg_strerror(e));
		rc = ENROLL_EXIT_ERROR;
		goto out;
	}
	imp->totp = oa.totp;
	imp->last_step = -1;
	fprintf(stderr, "Imported from the URI: %s, %u digits, %u s steps "
		"(issuer and label stay in the app only).\n",
		cg_alg_name(oa.totp.alg), oa.totp.digits, oa.totp.period);
 out:
	cg_wipe(line, sizeof(line));
	cg_wipe(&oa, sizeof(oa));
	return rc;
}

static int parse_failed(const char *path, unsigned line, const char *why)
{
	char shown[PATH_MAX];

	cg_audit_escape(path, shown, sizeof(shown));
	if (line > 0)
		enroll_err("%s:%u: %s", shown, line, why);
	else
		enroll_err("%s: %s", shown, why);
	return ENROLL_EXIT_ERROR;
}

static int import_ga(struct enroll_ctx *c, struct enroll_import *imp)
{
	struct enroll_ga_info info;
	char *text = NULL, why[256] = "";
	size_t len = 0;
	unsigned line = 0;
	int rc;

	if ((rc = read_import_file(c, c->o->ga_file, &text, &len)) != 0)
		return rc;
	if (enroll_ga_parse(text, len, imp, &info, &line, why,
			    sizeof(why)) != CG_OK)
		rc = parse_failed(c->o->ga_file, line, why);
	else
		enroll_ga_report(imp, &info, &c->cfg->defaults, stderr);
	cg_freezero(text, len + 1);
	return rc;
}

static void report_oath(unsigned notes, const struct enroll_import *imp,
			const struct cg_defaults *d)
{
	fprintf(stderr, "Imported from the pam_oath usersfile:\n"
		"  secret (%zu bits), SHA1, %u digits, %u s steps: mapped.\n",
		imp->totp.secret_len * 8, imp->totp.digits, imp->totp.period);
	if (notes & ENROLL_OATH_LAST_OTP)
		fprintf(stderr, "  last code used: mapped; it and older ones "
			"cannot be used again.\n");
	else if (notes & ENROLL_OATH_LAST_TIME)
		fprintf(stderr, "  last login time: mapped; codes older than "
			"it cannot be used.\n");
	if (notes & ENROLL_OATH_PASSWORD)
		fprintf(stderr, "  password field: not imported: credgate "
			"checks the code only; keep a password\n    module "
			"(pam_unix) in the stack.\n");
	fprintf(stderr, "  pam_oath's window= option: not mapped: credgate's "
		"window is site-wide,\n    now window = %u (steps either "
		"side) in credgate.conf [defaults].\n", d->window);
}

static int import_oath(struct enroll_ctx *c, struct enroll_import *imp)
{
	char *text = NULL, why[256] = "";
	size_t len = 0;
	unsigned line = 0, notes = 0;
	int rc;
	cg_err e;

	if ((rc = read_import_file(c, c->o->oath_file, &text, &len)) != 0)
		return rc;
	e = enroll_oath_parse(text, len, c->target, imp, &notes, &line, why,
			      sizeof(why));
	if (e == CG_E_NOENT) {
		parse_failed(c->o->oath_file, 0, "no token line for this user");
		rc = ENROLL_EXIT_NOTFOUND;
	} else if (e != CG_OK) {
		rc = parse_failed(c->o->oath_file, line, why);
	} else {
		report_oath(notes, imp, &c->cfg->defaults);
	}
	cg_freezero(text, len + 1);
	return rc;
}

/* The new state: secret, last step used, scratch codes hashed. */
static cg_err build_state(const struct enroll_ctx *c,
			  const struct enroll_import *imp, struct cg_state *st)
{
	cg_err e;

	st->totp = imp->totp;
	st->last_step = imp->last_step;
	for (size_t i = 0; i < imp->nscratch; i++)
		if ((e = cg_recovery_hash(imp->scratch[i],
					  st->recovery[i])) != CG_OK)
			return e;
	st->nrecovery = imp->nscratch;
	st->enrolled_at = time(NULL);
	memcpy(st->enrolled_by, c->caller, strlen(c->caller) + 1);
	return CG_OK;
}

static const char *source_name(const struct enroll_opts *o)
{
	return o->uri != NULL ? "uri" : o->ga_file != NULL ?
	       "google-authenticator" : "oath-usersfile";
}

static int store(struct enroll_ctx *c, const struct cg_state *st)
{
	bool replaced = false;
	char nrec[16];
	cg_err e;

	if ((e = enroll_store_state(c, st, c->o->force, &replaced)) != CG_OK) {
		if (e == CG_E_EXISTS)
			enroll_err("%s was enrolled meanwhile; nothing changed "
				   "(--force replaces)", c->target);
		else
			enroll_state_error(c, e, 0);
		enroll_audit(c, "import", "failed", e == CG_E_EXISTS ?
			     "already_enrolled" : "state_error",
			     (const struct cg_audit_field[]){
				{ "source", source_name(c->o) } }, 1);
		return e == CG_E_EXISTS ? ENROLL_EXIT_EXISTS : ENROLL_EXIT_ERROR;
	}
	snprintf(nrec, sizeof(nrec), "%zu", st->nrecovery);
	enroll_audit(c, "import", "ok", replaced ? "replaced" : "new",
		(const struct cg_audit_field[]){
			{ "source", source_name(c->o) },
			{ "algorithm", cg_alg_name(st->totp.alg) },
			{ "recovery_codes", nrec } }, 3);
	printf("%s is enrolled from the imported secret%s (%zu recovery "
	       "code%s).\n", c->target, replaced ?
	       ", replacing the previous enrollment" : "", st->nrecovery,
	       st->nrecovery == 1 ? "" : "s");
	return ENROLL_EXIT_OK;
}

int enroll_cmd_import(struct enroll_ctx *c)
{
	struct enroll_import imp;
	struct cg_state st;
	int rc;
	cg_err e;

	memset(&imp, 0, sizeof(imp));
	cg_state_init(&st);
	if ((rc = enroll_may_write(c, "import")) != 0)
		goto out;
	rc = c->o->uri != NULL ? import_uri(c, &imp) :
	     c->o->ga_file != NULL ? import_ga(c, &imp) : import_oath(c, &imp);
	if (rc != 0) {
		enroll_audit(c, "import", "failed", "bad_source",
			     (const struct cg_audit_field[]){
				{ "source", source_name(c->o) } }, 1);
		goto out;
	}
	if ((e = build_state(c, &imp, &st)) != CG_OK) {
		enroll_err("cannot hash the scratch codes: %s", cg_strerror(e));
		rc = ENROLL_EXIT_ERROR;
		goto out;
	}
	rc = store(c, &st);
 out:
	cg_wipe(&imp, sizeof(imp));
	cg_state_wipe(&st);
	return rc;
}
