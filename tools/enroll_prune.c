/* credgate-enroll prune: remove the enrollments of accounts NSS no
 * longer knows.  A state file outliving its account is a secret nobody
 * should hold, and would greet a new account given the same name.  Only
 * "no such user" counts: an NSS lookup that fails (a directory that is
 * down) keeps the state and makes the exit status 1. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "enroll.h"
#include "policy.h"

/* What happened to one state file. */
enum prune_result { PRUNE_KEPT, PRUNE_REMOVED, PRUNE_FAILED };

static enum prune_result prune_one(struct enroll_ctx *c, const char *user)
{
	cg_err e;

	if ((e = cg_user_known(user)) == CG_OK)
		return PRUNE_KEPT;
	if (e != CG_E_NOENT) {
		enroll_err("%s: account lookup failed: %s; kept", user,
			   cg_strerror(e));
		return PRUNE_FAILED;
	}
	if (c->o->dry_run) {
		printf("%s: no such account; would be removed\n", user);
		return PRUNE_REMOVED;
	}
	memcpy(c->target, user, strlen(user) + 1);  /* valid, < CG_USER_MAX */
	if ((e = cg_store_remove(c->store, user)) != CG_OK &&
	    e != CG_E_NOENT) {
		enroll_state_error(c, e, 0);
		enroll_audit(c, "prune", "failed", "state_error", NULL, 0);
		return PRUNE_FAILED;
	}
	enroll_forget_grace(c);
	enroll_audit(c, "prune", "ok", "no_such_account", NULL, 0);
	printf("%s: no such account; enrollment removed\n", user);
	return PRUNE_REMOVED;
}

int enroll_cmd_prune(struct enroll_ctx *c)
{
	char **users = NULL;
	size_t n = 0, removed = 0, failed = 0;
	cg_err e;

	/* In the directory, an account this host does not know may well be
	 * one of the fleet's: prune is for this host's state files. */
	if (c->cfg->defaults.store != CG_STORE_FILES) {
		enroll_err("prune works on the files store only; remove "
			   "tokens from the directory with its own tools");
		return ENROLL_EXIT_USAGE;
	}
	if ((e = cg_store_list(c->store, &users, &n)) != CG_OK) {
		enroll_err("cannot list the state directory: %s",
			   cg_strerror(e));
		return ENROLL_EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		switch (prune_one(c, users[i])) {
		case PRUNE_REMOVED: removed++; break;
		case PRUNE_FAILED:  failed++; break;
		case PRUNE_KEPT:    break;
		}
	}
	cg_store_list_free(users, n);
	c->target[0] = '\0';
	printf("%zu orphaned enrollment%s %s, %zu kept%s.\n", removed,
	       removed == 1 ? "" : "s",
	       c->o->dry_run ? "would be removed" : "removed",
	       n - removed - failed,
	       failed > 0 ? ", some could not be checked or removed" : "");
	return failed > 0 ? ENROLL_EXIT_ERROR : ENROLL_EXIT_OK;
}
