/* credgate-enroll check-config: the policy, the state directory and the
 * directory of the ldap store checked like visudo -c. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "credfile.h"
#include "enroll.h"
#include "seal.h"

/* Why the state directory cannot be used, for an admin to fix. */
static const char *store_leaf_problem(cg_err e, int err)
{
	switch (e) {
	case CG_E_NOENT:   return "does not exist (create it: root, mode 0700)";
	case CG_E_MODE:    return "unsafe permissions (must be mode 0700)";
	case CG_E_OWNER:   return "wrong owner (must be root)";
	case CG_E_SYMLINK: return "is a symbolic link; refusing to follow it";
	case CG_E_NOTREG:  return "not a directory";
	case CG_E_IO:      return strerror(err);
	default:           return cg_strerror(e);
	}
}

/* The same, naming the directory on the way when that was refused. */
static void store_problem(const char *dir, cg_err e, int err, char *buf,
			  size_t sz)
{
	struct cg_path_diag pd;
	int fd = -1;

	/* Ask the walk again, for the component (files backend only). */
	if (e != CG_E_IO && cg_open_dir_diag(dir, 077, &fd, &pd) == e &&
	    !pd.leaf) {
		cg_path_explain(e, err, &pd, buf, sz);
		return;
	}
	if (fd >= 0)
		close(fd);
	snprintf(buf, sz, "state directory %s", store_leaf_problem(e, err));
}

/* Every credential's file, checked as the gate checks it before it
 * prompts (credfile.h): "PATH: OK (credential NAME)", or on stderr
 * "FILE:LINE: credential NAME: PATH: why" where the credential is
 * defined.  True when all are fine. */
static bool check_credentials(const struct cg_config *cfg)
{
	char why[PATH_MAX + 200], path[PATH_MAX], file[PATH_MAX];
	struct cg_credfile_status s;
	bool all_ok = true;
	int fd = -1;

	for (size_t i = 0; i < cfg->ncredentials; i++) {
		const struct cg_credential *c = &cfg->credentials[i];

		cg_audit_escape(c->path, path, sizeof(path));
		if (cg_credfile_open(c->path, &fd, &s) == CG_OK) {
			close(fd);
			printf("%s: OK (credential %s)\n", path, c->name);
			continue;
		}
		all_ok = false;
		cg_path_explain(s.err, s.errnum, &s.diag, why, sizeof(why));
		cg_audit_escape(c->file, file, sizeof(file));
		fprintf(stderr, "%s:%u: credential %s: %s: %s\n", file,
			c->line, c->name, path, why);
	}
	return all_ok;
}

/* The policy is valid, but a membership that has ended, or ends within
 * CG_EXPIRY_WARN_SECONDS, is worth a word: access gone (or about to go)
 * without anyone editing the file.  "FILE:LINE: warning: ..." on stderr;
 * the exit status stays 0. */
static void warn_expiring_members(const struct cg_config *cfg, int64_t now)
{
	static const char prefix[] = "warning: ";
	char who[CG_USER_MAX + 2], msg[PATH_MAX + 300];
	struct cg_diag diag;

	for (size_t i = 0; i < cfg->nroles; i++) {
		const struct cg_role *r = &cfg->roles[i];

		for (size_t j = 0; j < r->nmembers; j++) {
			const struct cg_member *m = &r->members[j];

			if (m->until == 0 ||
			    m->until - now > CG_EXPIRY_WARN_SECONDS)
				continue;
			snprintf(who, sizeof(who), "%s%s",
				 m->kind == CG_MEMBER_GROUP ? "%" : "",
				 m->name);
			snprintf(diag.file, sizeof(diag.file), "%s", r->file);
			diag.line = m->line;
			memcpy(diag.message, prefix, sizeof(prefix));
			cg_membership_note(diag.message + sizeof(prefix) - 1,
					   sizeof(diag.message) -
					   (sizeof(prefix) - 1), who, r->name,
					   m->until, now);
			cg_diag_format(&diag, msg, sizeof(msg));
			fprintf(stderr, "%s\n", msg);
		}
	}
}

/* One finding of the ldap store's checks: "ldap: OK: ..." on standard
 * output, or "ldap: ..." on standard error and exit 1. */
static void report(void *arg, bool ok, const char *msg)
{
	bool *failed = arg;
	char shown[1024];
	size_t i;

	/* Printable: a directory's diagnostic is not ours to trust. */
	for (i = 0; msg[i] != '\0' && i + 1 < sizeof(shown); i++)
		shown[i] = (unsigned char)msg[i] < 0x20 ||
			   (unsigned char)msg[i] == 0x7f ? '?' : msg[i];
	shown[i] = '\0';
	if (ok) {
		printf("ldap: OK: %s\n", shown);
	} else {
		fflush(stdout);
		fprintf(stderr, "ldap: %s\n", shown);
		*failed = true;
	}
}

/* The host key, with the checks the store makes before it seals or
 * opens a state; an unfinished rekey is worth knowing about. */
static int check_host_key(const char *path)
{
	char shown[PATH_MAX], newpath[PATH_MAX], id[2 * CG_KEY_ID_LEN + 1];
	struct cg_key k;
	cg_err e;

	cg_audit_escape(path, shown, sizeof(shown));
	if ((e = cg_key_load(path, &k)) != CG_OK) {
		fflush(stdout);
		fprintf(stderr, "%s: host key %s\n", shown,
			e == CG_E_NOENT ? "missing (credgate-enroll init "
			"creates it); no state can be sealed or opened" :
			e == CG_E_KEY ? "unusable: not exactly 32 bytes" :
			e == CG_E_MODE ? "unsafe permissions (must be private "
			"to root, in a directory only root may write)" :
			e == CG_E_IO ? strerror(errno) : cg_strerror(e));
		return ENROLL_EXIT_ERROR;
	}
	cg_key_id_hex(&k, id);
	cg_key_wipe(&k);
	printf("%s: OK (host key, id %s)\n", shown, id);
	if (cg_key_new_path(path, newpath, sizeof(newpath)) == CG_OK &&
	    cg_key_load(newpath, &k) == CG_OK) {
		cg_key_wipe(&k);
		printf("%s" CG_KEY_NEW_SUFFIX ": an unfinished rekey; run "
		       "credgate-enroll rekey again\n", shown);
	}
	return ENROLL_EXIT_OK;
}

/* Like visudo -c: "FILE: OK", or "FILE:LINE: message" and exit 1.  The
 * state directory the configuration names is checked too, with the
 * rules the module applies (root's, nobody else may even list it), and
 * the host key that seals it, when it is used: always with the files
 * store, for local_users with ldap.
 * With an [ldap] section the directory is asked too (a test bind, the
 * schema, every token, oathSecret hidden from anonymous clients).  And
 * every credential's file is checked with the gate's rule (credfile.h).
 * Every problem is reported; any makes the exit status 1. */
int enroll_cmd_check_config(struct enroll_ctx *c)
{
	const char *path = c->o->arg != NULL ? c->o->arg :
			   c->o->config != NULL ? c->o->config :
			   CG_DEFAULT_CONFIG;
	char file[PATH_MAX], shown[PATH_MAX];
	struct cg_store *store = NULL;
	char msg[CG_CONFIG_MSG_MAX];
	bool failed = false;
	int rc;
	cg_err e;

	if ((rc = enroll_abs_path(path, file, sizeof(file))) != 0)
		return rc;
	if (cg_config_load_explained(file, &c->cfg, msg, sizeof(msg)) != CG_OK) {
		fprintf(stderr, "%s\n", msg);
		return ENROLL_EXIT_ERROR;
	}
	cg_audit_escape(file, shown, sizeof(shown));
	printf("%s: OK\n", shown);
	fflush(stdout);
	warn_expiring_members(c->cfg, time(NULL));
	cg_audit_escape(c->cfg->defaults.state_dir, shown, sizeof(shown));
	if (c->cfg->defaults.store == CG_STORE_FILES ||
	    c->cfg->ldap.nlocal_users > 0) {
		e = cg_store_open_kind(c->cfg, CG_STORE_FILES, &store);
		if (e != CG_OK) {
			store_problem(c->cfg->defaults.state_dir, e, errno,
				      msg, sizeof(msg));
			fflush(stdout);
			fprintf(stderr, "%s: %s\n", shown, msg);
			failed = true;
		} else {
			cg_store_close(store);
			printf("%s: OK (state directory)\n", shown);
		}
		if (check_host_key(c->cfg->defaults.host_key) != 0)
			failed = true;
	}
	(void)cg_store_check(c->cfg, report, &failed);
	fflush(stdout);
	if (!check_credentials(c->cfg))
		failed = true;
	return failed ? ENROLL_EXIT_ERROR : ENROLL_EXIT_OK;
}
