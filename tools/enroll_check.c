/* credgate-enroll check-config: the policy and the state directory
 * checked like visudo -c. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "enroll.h"

/* Why the state directory cannot be used, for an admin to fix. */
static const char *store_problem(cg_err e, int err)
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

/* Like visudo -c: "FILE: OK", or "FILE:LINE: message" and exit 1.  The
 * state directory the configuration names is checked too, with the
 * rules the module applies (root's, nobody else may even list it). */
int enroll_cmd_check_config(struct enroll_ctx *c)
{
	const char *path = c->o->arg != NULL ? c->o->arg :
			   c->o->config != NULL ? c->o->config :
			   CG_DEFAULT_CONFIG;
	char file[PATH_MAX], shown[PATH_MAX];
	struct cg_store *store = NULL;
	char msg[CG_CONFIG_MSG_MAX];
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
	cg_audit_escape(c->cfg->defaults.state_dir, shown, sizeof(shown));
	if ((e = cg_store_open(c->cfg, &store)) != CG_OK) {
		fprintf(stderr, "%s: state directory %s\n", shown,
			store_problem(e, errno));
		return ENROLL_EXIT_ERROR;
	}
	cg_store_close(store);
	printf("%s: OK (state directory)\n", shown);
	return ENROLL_EXIT_OK;
}
