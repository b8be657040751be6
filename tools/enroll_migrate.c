/* credgate-enroll migrate --to ldap|files [USER...]: enrollments between
 * this host's state directory and the directory of [ldap], whatever
 * "store =" says, keeping the secret, last used step, failures, lock-out
 * and recovery codes.
 *
 * --to ldap moves: each user's state file is read under its lock, the
 * token created in the directory, and the file removed in the same files
 * transaction, so no login on this host slips in between and nothing of
 * the second factor stays on the host.  --to files copies: the directory
 * keeps the token for the other hosts of the fleet (revoke it there when
 * the last host has left).  A user who has state on both sides is left
 * alone and reported; the break-glass local_users never move. */
#include "config.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "enroll.h"

struct move {
	struct cg_store *to;          /* the directory, for --to ldap */
	struct cg_state copied;       /* what went, for the report */
	cg_err to_err;                /* the directory's answer */
};

/* Files transaction of one user: create in the directory, then remove
 * here.  A failure in the directory aborts with nothing removed. */
static cg_err move_fn(struct cg_store_txn *txn, void *arg)
{
	struct move *m = arg;

	if (txn->found != CG_OK)
		return txn->found;           /* none, or damaged: not moved */
	m->to_err = cg_store_create(m->to, txn->user, &txn->st);
	if (m->to_err != CG_OK)
		return m->to_err;
	m->copied = txn->st;
	txn->op = CG_STORE_REMOVE;
	return CG_OK;
}

/* Files transaction of one user: write what the directory holds, if this
 * host has nothing for the user yet. */
static cg_err copy_fn(struct cg_store_txn *txn, void *arg)
{
	struct move *m = arg;

	if (txn->found != CG_E_NOENT)
		return CG_E_EXISTS;
	txn->st = m->copied;
	txn->op = CG_STORE_WRITE;
	return CG_OK;
}

static void report_ok(const char *user, const char *what,
		      const struct cg_state *st)
{
	printf("%s: %s (last step %" PRId64 ", %zu recovery code%s%s)\n",
	       user, what, st->last_step, st->nrecovery,
	       st->nrecovery == 1 ? "" : "s",
	       st->locked_until > 0 ? ", locked out" : "");
}

static bool migrate_user(struct enroll_ctx *c, struct cg_store *files,
			 struct cg_store *ldap, const char *user)
{
	struct move m = { .to = ldap, .to_err = CG_OK };
	const char *dest = c->o->to_ldap ? "ldap" : "files";
	struct cg_audit_field to = { "to", dest };
	struct cg_store *failed;
	unsigned line = 0;
	cg_err e;

	snprintf(c->target, sizeof(c->target), "%s", user);
	cg_state_init(&m.copied);
	if (cg_config_local_user(c->cfg, user)) {
		printf("%s: in local_users: stays in files\n", user);
		return true;
	}
	if (c->o->to_ldap) {
		e = cg_store_update(files, user, move_fn, &m, &line);
	} else {
		e = cg_store_read(ldap, user, &m.copied, &line);
		if (e == CG_OK)
			e = cg_store_update(files, user, copy_fn, &m, NULL);
	}
	if (e == CG_OK) {
		report_ok(user, c->o->to_ldap ? "moved to ldap" :
			  "copied to files", &m.copied);
		enroll_audit(c, "migrate", "ok", NULL, &to, 1);
	} else if (e == CG_E_EXISTS) {
		enroll_err("%s: already enrolled in %s; left alone (revoke "
			   "one of them first)", user, dest);
	} else if (e == CG_E_NOENT && m.to_err == CG_OK) {
		enroll_err("%s: not enrolled in %s", user,
			   c->o->to_ldap ? "files" : "ldap");
	} else {
		failed = m.to_err != CG_OK || !c->o->to_ldap ? ldap : files;
		if (line > 0)
			enroll_err("%s: line %u: %s", user, line,
				   cg_strerror(e));
		else
			enroll_err("%s: %s%s%s", user, cg_strerror(e),
				   cg_store_why(failed)[0] != '\0' ? ": " : "",
				   cg_store_why(failed));
	}
	if (e != CG_OK)
		enroll_audit(c, "migrate", "failed", cg_store_reason(e), &to, 1);
	cg_state_wipe(&m.copied);
	return e == CG_OK;
}

int enroll_cmd_migrate(struct enroll_ctx *c)
{
	struct cg_store *files = NULL, *ldap = NULL;
	char **users = NULL;
	size_t n = 0;
	bool all_ok = true;
	int rc = ENROLL_EXIT_ERROR;
	cg_err e;

	if (c->cfg->ldap.file == NULL) {
		enroll_err("migrate: the configuration has no [ldap] section");
		return ENROLL_EXIT_ERROR;
	}
	if ((e = cg_store_open_kind(c->cfg, CG_STORE_FILES, &files)) != CG_OK ||
	    (e = cg_store_open_kind(c->cfg, CG_STORE_LDAP, &ldap)) != CG_OK) {
		enroll_err("migrate: %s: %s", files == NULL ?
			   c->cfg->defaults.state_dir : "ldap store",
			   cg_store_why(NULL)[0] != '\0' ? cg_store_why(NULL) :
			   cg_strerror(e));
		goto out;
	}
	if (c->o->nargs == 0) {
		/* Everyone the other side has. */
		e = cg_store_list(c->o->to_ldap ? files : ldap, &users, &n);
		if (e != CG_OK) {
			enroll_err("migrate: cannot list the %s store: %s",
				   c->o->to_ldap ? "files" : "ldap",
				   cg_strerror(e));
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			all_ok &= migrate_user(c, files, ldap, users[i]);
	} else {
		for (size_t i = 0; i < c->o->nargs; i++) {
			if (!cg_user_name_valid(c->o->args[i])) {
				enroll_err("migrate: invalid user name");
				all_ok = false;
				continue;
			}
			all_ok &= migrate_user(c, files, ldap, c->o->args[i]);
		}
	}
	rc = all_ok ? ENROLL_EXIT_OK : ENROLL_EXIT_ERROR;
 out:
	c->target[0] = '\0';
	cg_store_list_free(users, n);
	cg_store_close(ldap);
	cg_store_close(files);
	return rc;
}
