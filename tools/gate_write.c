/* put and rollback: replacing a credential file for one of its writers
 * (credgate(1)), once PAM and the policy have said yes.
 *
 * The order, and why:
 *   1. open the file's directory (walked safely) and note the file as it
 *      is now, or that there is none;
 *   2. put: read the new content from standard input -- no lock held yet,
 *      so a slow writer blocks nobody;
 *   3. take the credential's lock; another put or rollback of it running
 *      means refused (exit 6);
 *   4. read the file: it must still be the one noted in 1 (else it was
 *      edited under us: refused, nothing written);
 *   5. keep its content as a version if credgate has none of it (the
 *      content before the first put, or an edit made without credgate);
 *   6. rollback: load the chosen version;
 *   7. check the new content: size, format, not what is there already;
 *   8. add it as a version, then replace the file -- same owner and
 *      group, the mode without any bit for group or others (a new file:
 *      as the policy says) -- re-checking right before the rename that it
 *      is still the file of 4; if that fails the version is taken back;
 *   9. prune, audit event=rotate, run on_change (still under the lock, so
 *      two on_change runs never overlap).
 * Signals the caller could send to interrupt it (they own the process's
 * real uid) are blocked from 3 on; SIGKILL cannot be, and then the file
 * holds the old content or the new, never a mix. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "gate.h"
#include "number.h"
#include "safefile.h"
#include "versions.h"
#include "wipe.h"

struct wtxn {
	const struct gate *g;
	const struct cg_credential *c;
	struct cg_key host;
	struct cg_versions vs;
	int dirfd, lockfd;
	char base[NAME_MAX + 1];      /* the file's name in its directory */
	bool existed;                 /* the file was there at 1 */
	struct stat st;               /* ... as it was then */
	char *old;                    /* its content (4) */
	size_t oldlen;
	char old_fp[CG_FP_HEX + 1];
	char *new;                    /* the new content (2 or 6) */
	size_t newlen;
	char new_fp[CG_FP_HEX + 1];
	unsigned long long from;      /* rollback: the version restored */
};

static int refuse(struct wtxn *t, const char *reason, int exit_status,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Tell the writer, and audit the refusal with what is known so far. */
static int refuse(struct wtxn *t, const char *reason, int exit_status,
		  const char *fmt, ...)
{
	struct gate_rotation r = { .reason = reason };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r.old_fp = t->old_fp[0] != '\0' ? t->old_fp : NULL;
	r.new_fp = t->new_fp[0] != '\0' ? t->new_fp : NULL;
	r.have_size = t->new != NULL;
	r.size = t->newlen;
	r.detail = msg;
	gate_audit_rotate(t->g, false, &r);
	gate_err("%s: %s", t->c->name, msg);
	return exit_status;
}

static const char *why(cg_err e)
{
	return e == CG_E_IO ? strerror(errno) : cg_strerror(e);
}

/* ---- 1: the directory and the file as it is now --------------------------- */

static int open_target(struct wtxn *t)
{
	char dir[PATH_MAX], *slash;
	cg_err e;

	snprintf(dir, sizeof(dir), "%s", t->c->path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash[1] == '\0' ||
	    strlen(slash + 1) > CG_ATOMIC_NAME_MAX)
		return refuse(t, "file_error", GATE_EXIT_FILE,
			      "%s: not a file name credgate can replace",
			      t->c->path);
	snprintf(t->base, sizeof(t->base), "%s", slash + 1);
	*slash = '\0';
	/* The directory must be root's and closed to others, as every
	 * directory on the way: the file is replaced in it, with root. */
	if ((e = cg_open_dir(dir[0] != '\0' ? dir : "/", 022, &t->dirfd)) != CG_OK)
		return refuse(t, "file_error", GATE_EXIT_FILE, "%s: %s",
			      dir[0] != '\0' ? dir : "/", why(e));
	if (fstatat(t->dirfd, t->base, &t->st, AT_SYMLINK_NOFOLLOW) == 0)
		t->existed = true;
	else if (errno != ENOENT)
		return refuse(t, "file_error", GATE_EXIT_FILE, "%s: %s",
			      t->c->path, strerror(errno));
	return GATE_EXIT_OK;
}

/* ---- 2: the new content from standard input ----------------------------------- */

static int read_input(struct wtxn *t)
{
	cg_err e;

	if (isatty(STDIN_FILENO))
		return refuse(t, "bad_input", GATE_EXIT_USAGE, "put reads the "
			      "new content from standard input: redirect a "
			      "file or a pipe into it (on a terminal it would "
			      "be echoed)");
	e = cg_read_all(STDIN_FILENO, t->c->write.max_size, &t->new,
			&t->newlen);
	if (e == CG_E_TOOBIG)
		return refuse(t, "too_big", GATE_EXIT_DENIED, "the new "
			      "content is larger than max_size (%zu bytes): "
			      "nothing replaced", t->c->write.max_size);
	if (e != CG_OK)
		return refuse(t, "input_error", GATE_EXIT_ERROR,
			      "reading standard input: %s", why(e));
	return GATE_EXIT_OK;
}

/* ---- 3, 4: the lock, and the file read under it ----------------------------------- */

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int lock_and_read(struct wtxn *t)
{
	struct stat now;
	cg_err e;
	int fd = -1;

	e = cg_versions_open(t->g->cfg->defaults.versions_dir, t->c->name,
			     &t->host, true, &t->vs);
	if (e == CG_OK)
		e = cg_versions_lock(&t->vs, &t->lockfd);
	if (e == CG_E_LOCK)
		return refuse(t, "busy", GATE_EXIT_BUSY, "another put or "
			      "rollback of %s is in progress; try again when "
			      "it is done", t->c->name);
	if (e != CG_OK)
		return refuse(t, "versions_error", GATE_EXIT_ERROR, "%s/%s: %s",
			      t->g->cfg->defaults.versions_dir, t->c->name,
			      why(e));
	e = cg_openat_file(t->dirfd, t->base, O_RDONLY, 022, &fd, &now);
	if (e == CG_E_NOENT && !t->existed)
		return GATE_EXIT_OK;
	if (e == CG_OK)
		e = cg_read_all(fd, GATE_MAX_CREDENTIAL, &t->old, &t->oldlen);
	if (fd >= 0)
		close(fd);
	if (e == CG_E_NOENT || (e == CG_OK && (!t->existed ||
					       !same_file(&now, &t->st))))
		return refuse(t, "changed", GATE_EXIT_FILE, "%s changed while "
			      "the put began (edited by someone else?): "
			      "nothing replaced; look, then try again",
			      t->c->path);
	if (e != CG_OK)
		return refuse(t, "file_error", GATE_EXIT_FILE, "%s: %s",
			      t->c->path, why(e));
	if ((e = cg_fingerprint(&t->host, t->old, t->oldlen, t->old_fp)) != CG_OK)
		return refuse(t, "key_error", GATE_EXIT_ERROR,
			      "fingerprint: %s", why(e));
	return GATE_EXIT_OK;
}

/* ---- 5: what is there now, kept ------------------------------------------------ */

static int keep_current(struct wtxn *t, const struct cg_version *v, size_t n)
{
	struct cg_version found;
	cg_err e;

	if (!t->existed || (n > 0 && strcmp(v[n - 1].fp, t->old_fp) == 0))
		return GATE_EXIT_OK;
	memset(&found, 0, sizeof(found));
	found.time = (int64_t)t->st.st_mtim.tv_sec;
	snprintf(found.user, sizeof(found.user), "-");
	snprintf(found.by_login, sizeof(found.by_login), "-");
	found.action = CG_VERSION_FOUND;
	memcpy(found.fp, t->old_fp, sizeof(found.fp));
	if ((e = cg_versions_add(&t->vs, &found, t->old, t->oldlen)) != CG_OK)
		return refuse(t, "versions_error", GATE_EXIT_ERROR, "keeping "
			      "the current content as a version: %s; nothing "
			      "replaced", why(e));
	return GATE_EXIT_OK;
}

/* ---- 6: rollback's content ----------------------------------------------------- */

/* VERSION, or the newest version whose content is not the current one. */
static int load_rollback(struct wtxn *t, const struct cg_version *v, size_t n)
{
	struct cg_version meta;
	uint8_t *content = NULL;
	size_t len = 0, i;
	cg_err e;

	if (t->g->args.version == 0) {
		for (i = n; i-- > 0 && strcmp(v[i].fp, t->old_fp) == 0; )
			;
		if (i == (size_t)-1)
			return refuse(t, "no_version", GATE_EXIT_DENIED,
				      "no earlier version to roll back to "
				      "(see credgate versions %s)", t->c->name);
		t->from = v[i].seq;
	} else {
		t->from = t->g->args.version;
	}
	e = cg_versions_load(&t->vs, t->from, &meta, &content, &len);
	if (e == CG_E_NOENT)
		return refuse(t, "no_version", GATE_EXIT_DENIED, "no version "
			      "%llu (see credgate versions %s)", t->from,
			      t->c->name);
	if (e != CG_OK)
		return refuse(t, "versions_error", GATE_EXIT_ERROR,
			      "version %llu: %s", t->from, why(e));
	t->new = (char *)content;
	t->newlen = len;
	return GATE_EXIT_OK;
}

/* ---- 7: the new content --------------------------------------------------------- */

static const char *content_problem(const struct cg_cred_write *w,
				   const char *s, size_t n)
{
	const char *nl;

	if (n == 0)
		return "the new content is empty";
	if (n > w->max_size)
		return "the new content is larger than max_size";
	if (w->format != CG_FORMAT_LINE)
		return NULL;
	if (memchr(s, '\0', n) != NULL)
		return "the new content has a NUL byte (format = line)";
	if (memchr(s, '\r', n) != NULL)
		return "the new content has a carriage return (format = line)";
	nl = memchr(s, '\n', n);
	if (nl != NULL && nl != s + n - 1)
		return "the new content is more than one line (format = line)";
	if (n == 1 && nl != NULL)
		return "the new content is an empty line (format = line)";
	return NULL;
}

static int check_new(struct wtxn *t)
{
	const char *problem = content_problem(&t->c->write, t->new, t->newlen);
	cg_err e;

	if (problem != NULL)
		return refuse(t, "bad_content", GATE_EXIT_DENIED,
			      "%s: nothing replaced", problem);
	if ((e = cg_fingerprint(&t->host, t->new, t->newlen, t->new_fp)) != CG_OK)
		return refuse(t, "key_error", GATE_EXIT_ERROR,
			      "fingerprint: %s", why(e));
	if (t->existed && strcmp(t->new_fp, t->old_fp) == 0)
		return refuse(t, "unchanged", GATE_EXIT_DENIED, "the new "
			      "content is what the file holds already: "
			      "nothing replaced (a rotation needs a new value)");
	return GATE_EXIT_OK;
}

/* ---- 8: the replacement ---------------------------------------------------------- */

/* The group a new file gets: the policy's (a name through NSS, or a
 * number), else root's. */
static bool policy_gid(const struct cg_cred_write *w, gid_t *gid)
{
	uint64_t n;
	struct group *gr;

	*gid = 0;
	if (w->group == NULL)
		return true;
	if (cg_dec_u64(w->group, UINT32_MAX - 1, true, &n)) {
		*gid = (gid_t)n;
		return true;
	}
	if ((gr = getgrnam(w->group)) == NULL)
		return false;
	*gid = gr->gr_gid;
	return true;
}

/* Owner, group and mode of the new file; a note for the writer when
 * the old mode let others in. */
static int new_identity(struct wtxn *t, uid_t *uid, gid_t *gid, mode_t *mode,
			char *note, size_t notesz)
{
	const struct cg_cred_write *w = &t->c->write;
	mode_t old;

	note[0] = '\0';
	if (!t->existed) {
		*uid = 0;
		*mode = w->mode >= 0 ? (mode_t)w->mode : 0600;
		if (!policy_gid(w, gid))
			return refuse(t, "config_error", GATE_EXIT_CONFIG,
				      "group = %s: no such group", w->group);
		return GATE_EXIT_OK;
	}
	*uid = t->st.st_uid;
	*gid = t->st.st_gid;
	old = t->st.st_mode & 0777;
	*mode = old & ~(mode_t)CG_CREDENTIAL_MODE_NEVER;
	if (*mode != old)
		snprintf(note, notesz, "mode %04o was %s; the new file has "
			 "mode %04o", (unsigned)old, (old & 007) != 0 ?
			 "open to others" : "open to its group",
			 (unsigned)*mode);
	return GATE_EXIT_OK;
}

/* ".NAME.credgate-CRED": ours alone under the credential's lock, so a
 * put killed midway leaves at most this one file, which the next put
 * removes.  NULL (a random name) when it would be too long. */
static const char *temp_name(const struct wtxn *t, char *buf, size_t sz)
{
	int n = snprintf(buf, sz, ".%s.credgate-%s", t->base, t->c->name);

	return n > 0 && (size_t)n < sz && (size_t)n <= NAME_MAX ? buf : NULL;
}

static int replace(struct wtxn *t, struct cg_version *v, char *note,
		   size_t notesz)
{
	char tmp[NAME_MAX * 2];
	uid_t uid;
	gid_t gid;
	mode_t mode;
	cg_err e;
	int ret;

	if ((ret = new_identity(t, &uid, &gid, &mode, note, notesz)) != GATE_EXIT_OK)
		return ret;
	memset(v, 0, sizeof(*v));
	v->time = (int64_t)time(NULL);
	snprintf(v->user, sizeof(v->user), "%s", t->g->caller.name);
	snprintf(v->by_login, sizeof(v->by_login), "%s",
		 t->g->caller.login[0] != '\0' ? t->g->caller.login : "-");
	v->action = t->from != 0 ? CG_VERSION_ROLLBACK : CG_VERSION_PUT;
	v->from = t->from;
	memcpy(v->fp, t->new_fp, sizeof(v->fp));
	if ((e = cg_versions_add(&t->vs, v, t->new, t->newlen)) != CG_OK)
		return refuse(t, "versions_error", GATE_EXIT_ERROR, "keeping "
			      "the new content as a version: %s; nothing "
			      "replaced", why(e));
	e = cg_atomic_replace_checked(t->dirfd, t->base,
				      temp_name(t, tmp, sizeof(tmp)), t->new,
				      t->newlen, mode, uid, gid,
				      t->existed ? &t->st : NULL);
	if (e == CG_OK)
		return GATE_EXIT_OK;
	/* The file still holds what it held: take the version back. */
	(void)cg_versions_remove(&t->vs, v->seq);
	if (e == CG_E_CHANGED || e == CG_E_EXISTS)
		return refuse(t, "changed", GATE_EXIT_FILE, "%s changed while "
			      "being replaced (edited by someone else?): "
			      "nothing replaced; look, then try again",
			      t->c->path);
	return refuse(t, "write_error", GATE_EXIT_FILE, "writing %s: %s; "
		      "the old content is intact", t->c->path, why(e));
}

/* ---- the whole ------------------------------------------------------------------- */

static int load_key(struct wtxn *t)
{
	const char *path;
	cg_err e = gate_load_host_key(t->g, &t->host, &path);

	if (e == CG_OK)
		return GATE_EXIT_OK;
	return refuse(t, "key_error", GATE_EXIT_ERROR, "host key %s: %s%s",
		      path, why(e), e == CG_E_NOENT ?
		      " (create it with credgate-enroll init)" : "");
}

static int versions_of(struct wtxn *t, struct cg_version **v, size_t *n)
{
	uint64_t bad = 0;
	cg_err e = cg_versions_list(&t->vs, v, n, &bad);

	if (e == CG_OK)
		return GATE_EXIT_OK;
	if (bad != 0)
		return refuse(t, "versions_error", GATE_EXIT_ERROR, "version "
			      "%llu of %s cannot be read (%s): nothing "
			      "replaced", (unsigned long long)bad, t->c->name,
			      why(e));
	return refuse(t, "versions_error", GATE_EXIT_ERROR, "%s/%s: %s",
		      t->g->cfg->defaults.versions_dir, t->c->name, why(e));
}

static void report(struct wtxn *t, const struct cg_version *v,
		   const char *note)
{
	struct gate_rotation r = {
		.reason = t->from != 0 ? "rollback" : "replaced",
		.old_fp = t->existed ? t->old_fp : NULL,
		.new_fp = t->new_fp,
		.size = t->newlen,
		.have_size = true,
		.version = v->seq,
		.detail = note[0] != '\0' ? note : NULL,
	};

	gate_audit_rotate(t->g, true, &r);
	if (t->from != 0)
		gate_err("%s: rolled back to version %llu (now version %llu, "
			 "%zu bytes, fingerprint %s)", t->c->name, t->from,
			 (unsigned long long)v->seq, t->newlen, t->new_fp);
	else
		gate_err("%s: replaced (version %llu, %zu bytes, fingerprint "
			 "%s)", t->c->name, (unsigned long long)v->seq,
			 t->newlen, t->new_fp);
	if (note[0] != '\0')
		gate_err("note: %s: %s", t->c->path, note);
}

static int write_locked(struct wtxn *t)
{
	struct cg_version *v = NULL, now;
	char note[128];
	size_t n = 0;
	int ret;

	if ((ret = versions_of(t, &v, &n)) != GATE_EXIT_OK)
		return ret;
	if ((ret = keep_current(t, v, n)) == GATE_EXIT_OK &&
	    (t->g->args.cmd != GATE_CMD_ROLLBACK ||
	     (ret = load_rollback(t, v, n)) == GATE_EXIT_OK) &&
	    (ret = check_new(t)) == GATE_EXIT_OK &&
	    (ret = replace(t, &now, note, sizeof(note))) == GATE_EXIT_OK) {
		report(t, &now, note);
		/* The total kept: the current content and `keep` before it. */
		if (cg_versions_prune(&t->vs, (size_t)t->c->write.keep + 1) != CG_OK)
			gate_err("warning: could not remove old versions of %s",
				 t->c->name);
		if (!gate_on_change(t->g, t->c))
			ret = GATE_EXIT_ON_CHANGE;
	}
	free(v);
	return ret;
}

int gate_cmd_write(const struct gate *g, const struct cg_credential *c)
{
	struct wtxn t = { .g = g, .c = c, .dirfd = -1, .lockfd = -1 };
	sigset_t block;
	int ret;

	t.vs.dirfd = -1;
	if ((ret = load_key(&t)) != GATE_EXIT_OK ||
	    (ret = open_target(&t)) != GATE_EXIT_OK ||
	    (g->args.cmd == GATE_CMD_PUT &&
	     (ret = read_input(&t)) != GATE_EXIT_OK))
		goto out;
	sigemptyset(&block);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD)
			sigaddset(&block, s);
	/* Blocked until the process ends: a signal sent meanwhile must not
	 * take effect between the version, the file and the audit line. */
	sigprocmask(SIG_BLOCK, &block, NULL);
	if ((ret = lock_and_read(&t)) == GATE_EXIT_OK)
		ret = write_locked(&t);
	if (t.lockfd >= 0)
		close(t.lockfd);
	t.lockfd = -1;
 out:
	if (t.dirfd >= 0)
		close(t.dirfd);
	cg_versions_close(&t.vs);
	cg_key_wipe(&t.host);
	cg_freezero(t.old, t.oldlen + 1);
	cg_freezero(t.new, t.newlen + 1);
	return ret;
}
