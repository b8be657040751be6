/* credgate-enroll check-config: the policy, the state directory and the
 * directory of the ldap store checked like visudo -c. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "credfile.h"
#include "versions.h"
#include "enroll.h"
#include "json.h"
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

/* One credential, checked as the gate checks it: its file before it
 * prompts (credfile.h), and for a credential people may write, the
 * on_change program a put runs as root (unsafe_program) and the
 * directory its versions are kept in (versions_error, versions.h).  ok,
 * or the audit reason and why not. */
struct cred_check {
	bool ok;
	const char *reason;   /* credential_exposed, file_error,
				 * unsafe_program, versions_error */
	char why[PATH_MAX + 512];
	bool about_file;      /* why is about the file at the credential's path */
};

static void check_credential_file(const struct cg_config *cfg,
				  const struct cg_credential *c,
				  struct cred_check *cc)
{
	struct cg_credfile_status s;
	char why[256], where[PATH_MAX];
	bool later;
	int fd = -1;

	memset(cc, 0, sizeof(*cc));
	if (cg_credfile_open(c->path, &fd, &s) != CG_OK) {
		cc->reason = cg_credfile_reason(&s);
		cc->about_file = true;
		cg_path_explain(s.err, s.errnum, &s.diag, cc->why,
				sizeof(cc->why));
		return;
	}
	close(fd);
	if (c->write.on_change != NULL &&
	    cg_program_check(c->write.on_change[0], why, sizeof(why)) != CG_OK) {
		cc->reason = "unsafe_program";
		snprintf(cc->why, sizeof(cc->why), "on_change program %s: %s",
			 c->write.on_change[0], why);
		return;
	}
	if (c->write.nwriters > 0 &&
	    cg_versions_check(cfg->defaults.versions_dir, c->name, where,
			      sizeof(where), why, sizeof(why), &later) != CG_OK) {
		cc->reason = "versions_error";
		snprintf(cc->why, sizeof(cc->why), "versions directory %s: %s",
			 where, why);
		return;
	}
	cc->ok = true;
}

/* Every credential's file: "PATH: OK (credential NAME)", or on stderr
 * "FILE:LINE: credential NAME: PATH: why" where the credential is
 * defined.  True when all are fine. */
static bool check_credentials(const struct cg_config *cfg)
{
	char path[PATH_MAX], file[PATH_MAX];
	struct cred_check cc;
	bool all_ok = true;

	for (size_t i = 0; i < cfg->ncredentials; i++) {
		const struct cg_credential *c = &cfg->credentials[i];

		cg_audit_escape(c->path, path, sizeof(path));
		check_credential_file(cfg, c, &cc);
		if (cc.ok) {
			printf("%s: OK (credential %s)\n", path, c->name);
			continue;
		}
		all_ok = false;
		cg_audit_escape(c->file, file, sizeof(file));
		fprintf(stderr, "%s:%u: credential %s: %s%s%s\n", file,
			c->line, c->name, cc.about_file ? path : "",
			cc.about_file ? ": " : "", cc.why);
	}
	return all_ok;
}

/* The users the roles name (entries not excluded and not ended), into
 * seen (at most max kept, *n counting them).  False when a role takes a
 * %group: who is in it is NSS's answer at run time, not the file's. */
static bool named_users(const struct cg_config *cfg, char *const *roles,
			size_t nroles, int64_t now, const char **seen,
			size_t max, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < nroles; i++) {
		const struct cg_role *r = cg_config_role(cfg, roles[i]);

		for (size_t j = 0; r != NULL && j < r->nmembers; j++) {
			const struct cg_member *m = &r->members[j];
			size_t k;

			if (m->exclude || cg_member_expired(m, now))
				continue;
			if (m->kind == CG_MEMBER_GROUP)
				return false;
			for (k = 0; k < *n && strcmp(seen[k], m->name) != 0; k++)
				;
			if (k == *n && *n < max)
				seen[(*n)++] = m->name;
		}
	}
	return true;
}

/* How many people can approve a request for c, at most, as far as the
 * file tells (false: it does not, a %group is involved): the approvers
 * it names, one fewer when every reader is one of them (the requester
 * never approves their own request).  Counted up to one past
 * CG_APPROVALS_MAX, which is all a shortage needs. */
static bool possible_approvers(const struct cg_config *cfg,
			       const struct cg_credential *c, int64_t now,
			       size_t *count)
{
	enum { MAX = CG_APPROVALS_MAX + 1 };
	const char *approvers[MAX], *readers[MAX];
	char *const *roles;
	size_t nroles, nreaders, k;

	roles = cg_credential_approvers(c, &nroles);
	if (!named_users(cfg, roles, nroles, now, approvers, MAX, count))
		return false;
	if (*count == MAX ||
	    !named_users(cfg, c->roles, c->nroles, now, readers, MAX,
			 &nreaders) || nreaders == MAX)
		return true;
	for (size_t i = 0; i < nreaders; i++) {
		for (k = 0; k < *count && strcmp(approvers[k], readers[i]); k++)
			;
		if (k == *count)
			return true;    /* a reader who approves nothing */
	}
	if (*count > 0 && nreaders > 0)
		(*count)--;
	return true;
}

/* A credential with approvals = N that fewer than N people could ever
 * approve: no request for it can be approved.  A "warning: ..." diag
 * for fn, at its approvers (or its section). */
static void each_unapprovable(const struct cg_config *cfg, int64_t now,
			      void (*fn)(const struct cg_diag *, void *),
			      void *arg)
{
	struct cg_diag diag;
	size_t n;

	for (size_t i = 0; i < cfg->ncredentials; i++) {
		const struct cg_credential *c = &cfg->credentials[i];

		if (c->approvals == 0 ||
		    !possible_approvers(cfg, c, now, &n) || n >= c->approvals)
			continue;
		snprintf(diag.file, sizeof(diag.file), "%s", c->file);
		diag.line = c->approvers_line > 0 ? c->approvers_line : c->line;
		snprintf(diag.message, sizeof(diag.message), "warning: "
			 "[credential %s] needs %u approvals but at most %zu "
			 "%s other than the requester can give them: no "
			 "request for it can be approved", c->name,
			 c->approvals, n, n == 1 ? "person" : "people");
		fn(&diag, arg);
	}
}

/* The policy is valid, but a membership that has ended, or ends within
 * CG_EXPIRY_WARN_SECONDS, is worth a word: access gone (or about to go)
 * without anyone editing the file.  Each becomes a "warning: ..." diag
 * for fn; the exit status stays 0. */
static void each_expiring_member(const struct cg_config *cfg, int64_t now,
				 void (*fn)(const struct cg_diag *, void *),
				 void *arg)
{
	static const char prefix[] = "warning: ";
	char who[CG_USER_MAX + 2];
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
			fn(&diag, arg);
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
struct host_key_status {
	bool ok;
	char id[2 * CG_KEY_ID_LEN + 1];   /* when ok */
	const char *problem;              /* when not */
	bool rekey_unfinished;
};

static void read_host_key(const char *path, struct host_key_status *hk)
{
	char newpath[PATH_MAX];
	struct cg_key k;
	cg_err e;

	memset(hk, 0, sizeof(*hk));
	if ((e = cg_key_load(path, &k)) != CG_OK) {
		hk->problem = e == CG_E_NOENT ? "missing (credgate-enroll init "
			"creates it); no state can be sealed or opened" :
			e == CG_E_KEY ? "unusable: not exactly 32 bytes" :
			e == CG_E_MODE ? "unsafe permissions (must be private "
			"to root, in a directory only root may write)" :
			e == CG_E_IO ? strerror(errno) : cg_strerror(e);
		return;
	}
	hk->ok = true;
	cg_key_id_hex(&k, hk->id);
	cg_key_wipe(&k);
	if (cg_key_new_path(path, newpath, sizeof(newpath)) == CG_OK &&
	    cg_key_load(newpath, &k) == CG_OK) {
		cg_key_wipe(&k);
		hk->rekey_unfinished = true;
	}
}

static int check_host_key(const char *path)
{
	struct host_key_status hk;
	char shown[PATH_MAX];

	read_host_key(path, &hk);
	cg_audit_escape(path, shown, sizeof(shown));
	if (!hk.ok) {
		fflush(stdout);
		fprintf(stderr, "%s: host key %s\n", shown, hk.problem);
		return ENROLL_EXIT_ERROR;
	}
	printf("%s: OK (host key, id %s)\n", shown, hk.id);
	if (hk.rekey_unfinished)
		printf("%s" CG_KEY_NEW_SUFFIX ": an unfinished rekey; run "
		       "credgate-enroll rekey again\n", shown);
	return ENROLL_EXIT_OK;
}

/* "host_key" of check-config --json. */
static bool json_host_key(struct cg_json_out *w, const char *path)
{
	struct host_key_status hk;

	read_host_key(path, &hk);
	cg_json_out_object(w, "host_key");
	cg_json_out_str(w, "path", path);
	cg_json_out_bool(w, "ok", hk.ok);
	cg_json_out_str(w, "id", hk.ok ? hk.id : NULL);
	cg_json_out_str(w, "error", hk.problem);
	cg_json_out_bool(w, "rekey_unfinished", hk.rekey_unfinished);
	cg_json_out_close(w);
	return hk.ok;
}

/* "FILE:LINE: warning: ..." on stderr. */
static void warn_text(const struct cg_diag *diag, void *arg)
{
	char msg[PATH_MAX + 300];

	(void)arg;
	cg_diag_format(diag, msg, sizeof(msg));
	fprintf(stderr, "%s\n", msg);
}

/* {"file": ..., "line": ..., "message": ...}: where and what, for JSON
 * (a message of a warning keeps its "warning: " word out). */
static void json_diag(struct cg_json_out *w, const char *key,
		      const struct cg_diag *diag)
{
	const char *msg = diag->message;

	if (strncmp(msg, "warning: ", 9) == 0)
		msg += 9;
	cg_json_out_object(w, key);
	cg_json_out_str(w, "file", diag->file[0] != '\0' ? diag->file : NULL);
	if (diag->line > 0)
		cg_json_out_int(w, "line", diag->line);
	else
		cg_json_out_null(w, "line");
	cg_json_out_str(w, "message", msg);
	cg_json_out_close(w);
}

static void warn_json(const struct cg_diag *diag, void *arg)
{
	json_diag(arg, NULL, diag);
}

/* One finding of the stores' checks, as an element of "store_checks". */
struct json_checks {
	struct cg_json_out *w;
	bool failed;
};

static void report_json(void *arg, bool ok, const char *msg)
{
	struct json_checks *jc = arg;

	cg_json_out_object(jc->w, NULL);
	cg_json_out_bool(jc->w, "ok", ok);
	cg_json_out_str(jc->w, "message", msg);
	cg_json_out_close(jc->w);
	jc->failed |= !ok;
}

/* An element of "credentials"; false when the file would be refused. */
static bool json_credential(struct cg_json_out *w, const struct cg_config *cfg,
			    const struct cg_credential *c)
{
	struct cred_check cc;

	check_credential_file(cfg, c, &cc);
	cg_json_out_object(w, NULL);
	cg_json_out_str(w, "name", c->name);
	cg_json_out_str(w, "path", c->path);
	cg_json_out_str(w, "file", c->file);
	cg_json_out_int(w, "line", c->line);
	cg_json_out_bool(w, "ok", cc.ok);
	cg_json_out_str(w, "reason", cc.reason);
	cg_json_out_str(w, "error", cc.ok ? NULL : cc.why);
	cg_json_out_close(w);
	return cc.ok;
}

/* Is the state directory in use: always with the files store, for
 * local_users with ldap. */
static bool uses_state_dir(const struct cg_config *cfg)
{
	return cfg->defaults.store == CG_STORE_FILES ||
	       cfg->ldap.nlocal_users > 0;
}

/* Does a credential ask for approval?  Its requests live in the state
 * directory whatever the store (request.h). */
static bool keeps_requests(const struct cg_config *cfg)
{
	for (size_t i = 0; i < cfg->ncredentials; i++)
		if (cfg->credentials[i].approvals > 0)
			return true;
	return false;
}

/* The state directory, checked as its users open it: as the files
 * store when TOTP state lives there, else as the approval requests'
 * home (cg_requests_update).  *used is false when nothing needs it. */
static cg_err check_state_dir(const struct cg_config *cfg, bool *used,
			      int *err)
{
	struct cg_store *store = NULL;
	int fd = -1;
	cg_err e = CG_OK;

	*err = 0;
	*used = true;
	if (uses_state_dir(cfg)) {
		if ((e = cg_store_open_kind(cfg, CG_STORE_FILES, &store)) !=
		    CG_OK)
			*err = errno;
		cg_store_close(store);
	} else if (keeps_requests(cfg)) {
		if ((e = cg_open_dir(cfg->defaults.state_dir, 077, &fd)) !=
		    CG_OK)
			*err = errno;
		else
			close(fd);
	} else {
		*used = false;
	}
	return e;
}

/* check-config --json: one document (credgate-enroll(8), JSON OUTPUT). */
static int check_config_json(struct enroll_ctx *c, const char *file)
{
	struct cg_json_out w;
	struct json_checks jc = { &w, false };
	char problem[CG_CONFIG_MSG_MAX];
	struct cg_diag diag;
	cg_err e, se = CG_OK;
	bool dir = false, ok;
	int err = 0;

	memset(&diag, 0, sizeof(diag));
	e = cg_config_load(file, &c->cfg, &diag);
	if (e == CG_OK)
		se = check_state_dir(c->cfg, &dir, &err);
	cg_json_out_init(&w, stdout);
	cg_json_out_object(&w, NULL);
	cg_json_out_str(&w, "file", file);
	if (e != CG_OK)
		json_diag(&w, "error", &diag);
	else
		cg_json_out_null(&w, "error");
	cg_json_out_array(&w, "warnings");
	if (e == CG_OK)
		each_expiring_member(c->cfg, time(NULL), warn_json, &w);
	if (e == CG_OK)
		each_unapprovable(c->cfg, time(NULL), warn_json, &w);
	cg_json_out_close(&w);
	if (dir) {
		if (se != CG_OK)
			store_problem(c->cfg->defaults.state_dir, se, err,
				      problem, sizeof(problem));
		cg_json_out_object(&w, "state_dir");
		cg_json_out_str(&w, "path", c->cfg->defaults.state_dir);
		cg_json_out_bool(&w, "ok", se == CG_OK);
		cg_json_out_str(&w, "error", se == CG_OK ? NULL : problem);
		cg_json_out_close(&w);
	} else {
		cg_json_out_null(&w, "state_dir");
	}
	if (e == CG_OK && uses_state_dir(c->cfg))
		jc.failed |= !json_host_key(&w, c->cfg->defaults.host_key);
	else
		cg_json_out_null(&w, "host_key");
	cg_json_out_array(&w, "store_checks");
	if (e == CG_OK)
		(void)cg_store_check(c->cfg, report_json, &jc);
	cg_json_out_close(&w);
	cg_json_out_array(&w, "credentials");
	for (size_t i = 0; e == CG_OK && i < c->cfg->ncredentials; i++)
		jc.failed |= !json_credential(&w, c->cfg,
					       &c->cfg->credentials[i]);
	cg_json_out_close(&w);
	/* Last, once every check is known. */
	ok = e == CG_OK && se == CG_OK && !jc.failed;
	cg_json_out_bool(&w, "ok", ok);
	cg_json_out_close(&w);
	if (cg_json_out_end(&w) != CG_OK) {
		enroll_err("writing the result failed");
		return ENROLL_EXIT_ERROR;
	}
	return ok ? ENROLL_EXIT_OK : ENROLL_EXIT_ERROR;
}

/* Like visudo -c: "FILE: OK", or "FILE:LINE: message" and exit 1.  The
 * state directory the configuration names is checked too, with the
 * rules the module applies (root's, nobody else may even list it), and
 * the host key that seals it, when it is used: always with the files
 * store, for local_users with ldap (and the directory alone for the
 * approval requests of credentials with approvals).
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
	char msg[CG_CONFIG_MSG_MAX];
	bool failed = false, dir;
	int rc, err;
	cg_err e;

	if ((rc = enroll_abs_path(path, file, sizeof(file))) != 0)
		return rc;
	if (c->o->json)
		return check_config_json(c, file);
	if (cg_config_load_explained(file, &c->cfg, msg, sizeof(msg)) != CG_OK) {
		fprintf(stderr, "%s\n", msg);
		return ENROLL_EXIT_ERROR;
	}
	cg_audit_escape(file, shown, sizeof(shown));
	printf("%s: OK\n", shown);
	fflush(stdout);
	each_expiring_member(c->cfg, time(NULL), warn_text, NULL);
	each_unapprovable(c->cfg, time(NULL), warn_text, NULL);
	cg_audit_escape(c->cfg->defaults.state_dir, shown, sizeof(shown));
	e = check_state_dir(c->cfg, &dir, &err);
	if (dir && e != CG_OK) {
		store_problem(c->cfg->defaults.state_dir, e, err, msg,
			      sizeof(msg));
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", shown, msg);
		failed = true;
	} else if (dir) {
		printf("%s: OK (state directory%s)\n", shown,
		       uses_state_dir(c->cfg) ? "" : ", for approval requests");
	}
	if (uses_state_dir(c->cfg) &&
	    check_host_key(c->cfg->defaults.host_key) != 0)
		failed = true;
	(void)cg_store_check(c->cfg, report, &failed);
	fflush(stdout);
	if (!check_credentials(c->cfg))
		failed = true;
	return failed ? ENROLL_EXIT_ERROR : ENROLL_EXIT_OK;
}
