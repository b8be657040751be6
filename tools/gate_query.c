/* list and check: what the policy says, without authenticating. */
#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "credfile.h"
#include "gate.h"
#include "policy.h"
#include "state.h"
#include "store.h"

/* The credentials the caller may read (after authenticating), with
 * their descriptions: what sudo -l is to sudo.  Paths are not shown. */
int gate_cmd_list(const struct gate *g)
{
	struct cg_user_info u;
	int width = 0, ret = GATE_EXIT_OK;
	size_t shown = 0;
	cg_err e;

	memset(&u, 0, sizeof(u));
	if ((e = cg_user_info_lookup(g->caller.name, &u)) != CG_OK) {
		gate_err("cannot resolve your groups: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	for (size_t i = 0; i < g->cfg->ncredentials; i++) {
		int n = (int)strlen(g->cfg->credentials[i].name);
		width = n > width ? n : width;
	}
	for (size_t i = 0; i < g->cfg->ncredentials; i++) {
		const struct cg_credential *c = &g->cfg->credentials[i];
		struct cg_decision d;

		if ((e = cg_policy_decide_credential(g->cfg, &u, c->name, &d)) != CG_OK) {
			gate_err("cannot decide for %s: %s", c->name, cg_strerror(e));
			ret = GATE_EXIT_ERROR;
			break;
		}
		if (!d.granted)
			continue;
		shown++;
		if (c->description != NULL)
			printf("%-*s  %s\n", width, c->name, c->description);
		else
			printf("%s\n", c->name);
	}
	cg_user_info_free(&u);
	/* Like sudo -l, say so rather than print nothing (on stderr, so a
	 * script reading the list still gets an empty one). */
	if (ret == GATE_EXIT_OK && shown == 0)
		gate_err("no credential is granted to %s", g->caller.name);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		gate_err("writing the list failed");
		ret = GATE_EXIT_ERROR;
	}
	return ret;
}

/* Whether the user could authenticate at all: enrolled, locked out. */
static void print_enrollment(const struct gate *g, const char *user)
{
	struct cg_store *store = NULL;
	struct cg_state st;
	cg_err e;

	cg_state_init(&st);
	e = cg_store_open(g->cfg, &store);
	if (e == CG_OK)
		e = cg_store_read(store, user, &st, NULL);
	if (e == CG_E_NOENT)
		printf("enrollment: %s is not enrolled\n", user);
	else if (e != CG_OK)
		printf("enrollment: state of %s unusable: %s\n", user, cg_strerror(e));
	else if (st.locked_until > time(NULL))
		printf("enrollment: enrolled, locked out until %lld\n",
		       (long long)st.locked_until);
	else
		printf("enrollment: enrolled\n");
	cg_state_wipe(&st);
	cg_store_close(store);
}

/* Whether the gate would hand the file over (the check it makes before
 * prompting); false when it would refuse it. */
static bool print_file_status(const struct cg_credential *c)
{
	char why[PATH_MAX + 200], readable[CG_USER_MAX + 16];
	struct cg_credfile_status s;
	int fd = -1;

	if (cg_credfile_open(c->path, &fd, &s) == CG_OK) {
		close(fd);
		printf("file: OK\n");
		return true;
	}
	cg_path_explain(s.err, s.errnum, &s.diag, why, sizeof(why));
	if (s.err == CG_E_EXPOSED) {
		cg_credfile_readable_by(&s, readable, sizeof(readable));
		printf("file: refused (%s, readable by %s): %s\n",
		       cg_credfile_reason(&s), readable, why);
	} else {
		printf("file: refused (%s): %s\n", cg_credfile_reason(&s), why);
	}
	return false;
}

/* Root only: why USER may or may not read NAME.  Exit 0 when the gate
 * would hand it over (after a code), 1 when the policy denies, 4 when the
 * policy grants but the file would be refused. */
int gate_cmd_check(const struct gate *g)
{
	const struct cg_credential *c;
	struct cg_decision d;
	bool file_ok = true;
	cg_err e;

	e = cg_policy_check_credential(g->cfg, g->args.user, g->args.credential, &d);
	if (e != CG_OK) {
		gate_err("cannot decide: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	printf("decision: %s (%s)\n", d.granted ? "granted" : "denied",
	       cg_policy_reason_name(d.reason));
	printf("because: %s\n", d.explain);
	if ((c = cg_config_credential(g->cfg, g->args.credential)) != NULL) {
		printf("credential: %s, path %s, %s\n", c->name, c->path,
		       c->require_totp ? "TOTP required" : "TOTP not required");
		file_ok = print_file_status(c);
		print_enrollment(g, g->args.user);
	}
	if (!d.granted)
		return GATE_EXIT_DENIED;
	return file_ok ? GATE_EXIT_OK : GATE_EXIT_FILE;
}
