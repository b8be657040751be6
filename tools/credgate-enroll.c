/* credgate-enroll: enroll users for credgate's TOTP factor and manage
 * their enrollments.  Installed setuid root so that a user may enroll
 * themself (self_enroll = yes); everything else is root's.  Written with
 * the gate's rules (DESIGN.md rule 7): hardened first thing in main, the
 * configuration path from the command line honoured for root only, every
 * file a user names opened with the user's own file-system identity. */
#include "config.h"
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "enroll.h"
#include "policy.h"
#include "privguard.h"

/* The real user: their name is the "by=" of every audit line, and the
 * login uid's the "by_login=". */
static int identify_caller(struct enroll_ctx *c)
{
	struct passwd *pw;

	c->caller_root = cg_priv_caller_is_root();
	/* Who logged in: by=root says only that sudo or su was used. */
	cg_priv_login_name(c->login, sizeof(c->login));
	pw = getpwuid(getuid());
	if (pw != NULL && cg_user_name_valid(pw->pw_name) &&
	    strlen(pw->pw_name) < sizeof(c->caller)) {
		memcpy(c->caller, pw->pw_name, strlen(pw->pw_name) + 1);
		return 0;
	}
	if (c->caller_root) {
		snprintf(c->caller, sizeof(c->caller), "root");
		return 0;
	}
	enroll_err("who are you? (uid %u has no valid user name)",
		   (unsigned)getuid());
	return ENROLL_EXIT_ERROR;
}

static bool command_has_user(enum enroll_cmd cmd)
{
	return cmd != CMD_LIST && cmd != CMD_CHECK_CONFIG && cmd != CMD_LOG &&
	       cmd != CMD_SCAN && cmd != CMD_MIGRATE && cmd != CMD_INIT &&
	       cmd != CMD_REKEY && cmd != CMD_PRUNE;
}

/* The user acted on: the argument, else the caller, as the canonical
 * account for its uid (policy.h: the name the state is kept under, so an
 * alias entry acts on the account it aliases).  New enrollments need a
 * user the system knows; the others work on whatever state exists, so an
 * admin can still revoke someone already deleted from NSS. */
static int resolve_target(struct enroll_ctx *c)
{
	const char *name = c->o->arg != NULL ? c->o->arg : c->caller;
	char canon[CG_USER_NAME_LEN + 1];
	uid_t uid;
	cg_err e;

	if (!command_has_user(c->o->cmd))
		return 0;
	if (!cg_user_name_valid(name) || strlen(name) >= sizeof(c->target)) {
		enroll_err("invalid user name");
		return ENROLL_EXIT_USAGE;
	}
	memcpy(c->target, name, strlen(name) + 1);
	if ((e = cg_user_canonical(name, canon, &uid)) == CG_OK) {
		memcpy(c->target, canon, strlen(canon) + 1);
		c->target_known = true;
		c->target_uid = uid;
	} else if (e != CG_E_NOENT) {
		enroll_err("%s: cannot look up the user: %s", c->target,
			   cg_strerror(e));
		return ENROLL_EXIT_ERROR;
	} else if (c->o->cmd == CMD_ADD || c->o->cmd == CMD_IMPORT) {
		enroll_err("%s: no such user", c->target);
		return ENROLL_EXIT_NOTFOUND;
	}
	return 0;
}

static const char *audit_event(enum enroll_cmd cmd)
{
	return cmd == CMD_ADD ? "enroll" : enroll_cmd_name(cmd);
}

static int deny(struct enroll_ctx *c, const char *reason, const char *msg)
{
	enroll_err("%s", msg);
	enroll_audit(c, audit_event(c->o->cmd), "denied", reason, NULL, 0);
	return ENROLL_EXIT_DENIED;
}

/* Root may do anything.  Anyone else: status, add and import for
 * themself only, the latter two only with self_enroll = yes.  Whether
 * they are enrolled already is checked by the command, under the rules
 * of enroll_self.c. */
static int authorize(struct enroll_ctx *c)
{
	enum enroll_cmd cmd = c->o->cmd;

	if (c->caller_root)
		return 0;
	if (cmd != CMD_STATUS && cmd != CMD_ADD && cmd != CMD_IMPORT)
		return deny(c, "not_root", "only root may do that");
	if (strcmp(c->target, c->caller) != 0)
		return deny(c, "not_self", "only root may act on another user");
	if (cmd == CMD_STATUS)
		return 0;
	if (!c->cfg->defaults.self_enroll)
		return deny(c, "self_enroll_disabled",
			    "self-enrollment is disabled (self_enroll = no); "
			    "ask an administrator");
	if (c->o->no_confirm)
		return deny(c, "no_confirm_not_root",
			    "--no-confirm is for root only");
	return 0;
}

static int dispatch(struct enroll_ctx *c)
{
	switch (c->o->cmd) {
	case CMD_ADD:          return enroll_cmd_add(c);
	case CMD_LIST:         return enroll_cmd_list(c);
	case CMD_STATUS:       return enroll_cmd_status(c);
	case CMD_REVOKE:       return enroll_cmd_revoke(c);
	case CMD_UNLOCK:       return enroll_cmd_unlock(c);
	case CMD_RECOVERY:     return enroll_cmd_recovery(c);
	case CMD_IMPORT:       return enroll_cmd_import(c);
	case CMD_CHECK_CONFIG: return enroll_cmd_check_config(c);
	case CMD_LOG:          return enroll_cmd_log(c);
	case CMD_SCAN:         return enroll_cmd_scan(c);
	case CMD_MIGRATE:      return enroll_cmd_migrate(c);
	case CMD_INIT:         return enroll_cmd_init(c);
	case CMD_REKEY:        return enroll_cmd_rekey(c);
	case CMD_PRUNE:        return enroll_cmd_prune(c);
	case CMD_NONE:         break;
	}
	return ENROLL_EXIT_USAGE;
}

/* scan is root's, needs no state directory, and keeps grep's exit
 * statuses: whatever stops it early is 2. */
static int run_scan(struct enroll_ctx *c, const char *config)
{
	if (c->o->config != NULL && !c->caller_root) {
		deny(c, "config_not_root", "--config is honoured only for root");
		return 2;
	}
	if (!c->caller_root) {
		deny(c, "not_root", "only root may scan");
		return 2;
	}
	return enroll_load_config(c, config) == 0 ? dispatch(c) : 2;
}

static int run(struct enroll_ctx *c)
{
	const char *config = c->o->config != NULL ? c->o->config :
			     CG_DEFAULT_CONFIG;
	int rc;

	if ((rc = identify_caller(c)) != 0)
		return c->o->cmd == CMD_SCAN ? 2 : rc;
	if (c->o->cmd == CMD_SCAN)
		return run_scan(c, config);
	if (c->o->config != NULL && !c->caller_root)
		return deny(c, "config_not_root",
			    "--config is honoured only for root");
	/* Neither needs the policy: the log query must work while the
	 * policy is broken, in the middle of an incident. */
	if (c->o->cmd == CMD_CHECK_CONFIG || c->o->cmd == CMD_LOG)
		return c->caller_root ? dispatch(c) :
			deny(c, "not_root", "only root may do that");
	if ((rc = resolve_target(c)) != 0)
		return rc;
	if ((rc = enroll_load_config(c, config)) != 0)
		return rc;
	if ((rc = authorize(c)) != 0)
		return rc;
	/* migrate opens both stores itself. */
	if (c->o->cmd != CMD_MIGRATE && (rc = enroll_open_store(c)) != 0)
		return rc;
	return dispatch(c);
}

int main(int argc, char **argv)
{
	struct enroll_opts o;
	struct enroll_ctx c;
	bool stop = false;
	int rc;

	cg_priv_init(argc, argv);
	/* Codes are read byte by byte: none stays behind in a stdio buffer,
	 * and a second line is left for the next prompt. */
	setvbuf(stdin, NULL, _IONBF, 0);
	memset(&c, 0, sizeof(c));
	rc = enroll_parse_args(argc, argv, &o, &stop);
	if (rc == 0 && !stop) {
		c.o = &o;
		cg_audit_open(ENROLL_PROG);
		rc = run(&c);
	}
	enroll_ctx_release(&c);
	enroll_opts_free(&o);
	if (fflush(stdout) != 0 && (rc == ENROLL_EXIT_OK ||
				    (c.o != NULL && o.cmd == CMD_SCAN))) {
		enroll_err("error writing to standard output");
		rc = o.cmd == CMD_SCAN ? 2 : ENROLL_EXIT_ERROR;
	}
	return rc;
}
