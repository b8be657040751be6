/* list and check: what the policy says, without authenticating. */
#include "config.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "credfile.h"
#include "gate.h"
#include "json.h"
#include "policy.h"
#include "state.h"
#include "store.h"

/* One granted credential: a line of text, or an element of the JSON
 * array "credentials" (credgate(1) documents the schema). */
static void print_granted(const struct gate *g, struct cg_json_out *w,
			  const struct cg_credential *c, int width)
{
	if (g->args.json) {
		cg_json_out_object(w, NULL);
		cg_json_out_str(w, "name", c->name);
		cg_json_out_str(w, "description", c->description);
		cg_json_out_close(w);
	} else if (c->description != NULL) {
		printf("%-*s  %s\n", width, c->name, c->description);
	} else {
		printf("%s\n", c->name);
	}
}

/* The credentials the caller may read (after authenticating), with
 * their descriptions: what sudo -l is to sudo.  Paths are not shown. */
int gate_cmd_list(const struct gate *g)
{
	struct cg_user_info u;
	struct cg_json_out w;
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
	cg_json_out_init(&w, stdout);
	if (g->args.json) {
		cg_json_out_object(&w, NULL);
		cg_json_out_str(&w, "user", g->caller.name);
		cg_json_out_array(&w, "credentials");
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
		print_granted(g, &w, c, width);
	}
	cg_user_info_free(&u);
	if (ret != GATE_EXIT_OK)
		return ret;     /* no half document on stdout: the error says why */
	if (g->args.json) {
		cg_json_out_close(&w);
		cg_json_out_close(&w);
	} else if (shown == 0) {
		/* Like sudo -l, say so rather than print nothing (on stderr,
		 * so a script reading the list still gets an empty one). */
		gate_err("no credential is granted to %s", g->caller.name);
	}
	if (cg_json_out_end(&w) != CG_OK) {
		gate_err("writing the list failed");
		ret = GATE_EXIT_ERROR;
	}
	return ret;
}

/* Whether the user could authenticate at all: enrolled, locked out. */
struct enrollment {
	const char *word;       /* "enrolled", "locked", "not_enrolled", "unusable" */
	int64_t locked_until;   /* "locked": until when */
	cg_err error;           /* "unusable": why */
};

static void read_enrollment(const struct gate *g, const char *user,
			    struct enrollment *en)
{
	struct cg_store *store = NULL;
	struct cg_state st;
	cg_err e;

	memset(en, 0, sizeof(*en));
	cg_state_init(&st);
	e = cg_store_open(g->cfg, &store);
	if (e == CG_OK)
		e = cg_store_read(store, user, &st, NULL);
	if (e == CG_E_NOENT) {
		en->word = "not_enrolled";
	} else if (e != CG_OK) {
		en->word = "unusable";
		en->error = e;
	} else if (st.locked_until > time(NULL)) {
		en->word = "locked";
		en->locked_until = st.locked_until;
	} else {
		en->word = "enrolled";
	}
	cg_state_wipe(&st);
	cg_store_close(store);
}

/* Whether the gate would hand the file over (the check it makes before
 * prompting): ok, or the audit reason, who may read an exposed file, and
 * why it is refused. */
struct file_status {
	bool ok;
	const char *reason;     /* "credential_exposed", "file_error" */
	char readable_by[CG_USER_MAX + 16];   /* "" unless exposed */
	char why[PATH_MAX + 200];
};

static void read_file_status(const struct cg_credential *c,
			     struct file_status *fs)
{
	struct cg_credfile_status s;
	int fd = -1;

	memset(fs, 0, sizeof(*fs));
	if (cg_credfile_open(c->path, &fd, &s) == CG_OK) {
		close(fd);
		fs->ok = true;
		return;
	}
	fs->reason = cg_credfile_reason(&s);
	cg_path_explain(s.err, s.errnum, &s.diag, fs->why, sizeof(fs->why));
	if (s.err == CG_E_EXPOSED)
		cg_credfile_readable_by(&s, fs->readable_by,
					sizeof(fs->readable_by));
}

/* "approvals: 2 by leads, secops (approval_ttl 600 s, approval_uses 1)":
 * a read also needs that many approved requests (credgate request). */
static void print_approvals_text(const struct cg_credential *c)
{
	char *const *roles;
	size_t n;

	if (c->approvals == 0)
		return;
	roles = cg_credential_approvers(c, &n);
	printf("approvals: %u by ", c->approvals);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i > 0 ? ", " : "", roles[i]);
	printf(" (approval_ttl %u s, approval_uses %u)\n", c->approval_ttl,
	       c->approval_uses);
}

static void print_check_text(const struct gate *g, const struct cg_decision *d,
			     const struct cg_credential *c,
			     const struct file_status *fs,
			     const struct enrollment *en)
{
	printf("decision: %s (%s)\n", d->granted ? "granted" : "denied",
	       cg_policy_reason_name(d->reason));
	printf("because: %s\n", d->explain);
	if (c == NULL)
		return;
	printf("credential: %s, path %s, %s\n", c->name, c->path,
	       c->require_totp ? "TOTP required" : "TOTP not required");
	print_approvals_text(c);
	if (fs->ok)
		printf("file: OK\n");
	else if (fs->readable_by[0] != '\0')
		printf("file: refused (%s, readable by %s): %s\n", fs->reason,
		       fs->readable_by, fs->why);
	else
		printf("file: refused (%s): %s\n", fs->reason, fs->why);
	if (strcmp(en->word, "not_enrolled") == 0)
		printf("enrollment: %s is not enrolled\n", g->args.user);
	else if (strcmp(en->word, "unusable") == 0)
		printf("enrollment: state of %s unusable: %s\n", g->args.user,
		       cg_strerror(en->error));
	else if (strcmp(en->word, "locked") == 0)
		printf("enrollment: enrolled, locked out until %lld\n",
		       (long long)en->locked_until);
	else
		printf("enrollment: enrolled\n");
}

/* "file" of check --json: null without a credential, else an object. */
static void json_file_status(struct cg_json_out *w,
			     const struct cg_credential *c,
			     const struct file_status *fs)
{
	if (c == NULL) {
		cg_json_out_null(w, "file");
		return;
	}
	cg_json_out_object(w, "file");
	cg_json_out_bool(w, "ok", fs->ok);
	cg_json_out_str(w, "reason", fs->reason);
	cg_json_out_str(w, "readable_by", fs->readable_by[0] != '\0' ?
			fs->readable_by : NULL);
	cg_json_out_str(w, "error", fs->ok ? NULL : fs->why);
	cg_json_out_close(w);
}

/* "approvals" (null without a credential) and "approvers" (null unless
 * approvals > 0): who must approve a read first. */
static void json_approvals(struct cg_json_out *w, const struct cg_credential *c)
{
	char *const *roles;
	size_t n;

	if (c == NULL) {
		cg_json_out_null(w, "approvals");
		cg_json_out_null(w, "approvers");
		return;
	}
	cg_json_out_int(w, "approvals", c->approvals);
	if (c->approvals == 0) {
		cg_json_out_null(w, "approvers");
		return;
	}
	roles = cg_credential_approvers(c, &n);
	cg_json_out_array(w, "approvers");
	for (size_t i = 0; i < n; i++)
		cg_json_out_str(w, NULL, roles[i]);
	cg_json_out_close(w);
}

/* The schema of check --json (credgate(1)): every member always there,
 * null where it does not apply. */
static cg_err print_check_json(const struct gate *g, const struct cg_decision *d,
			       const struct cg_credential *c,
			       const struct file_status *fs,
			       const struct enrollment *en)
{
	struct cg_json_out w;

	cg_json_out_init(&w, stdout);
	cg_json_out_object(&w, NULL);
	cg_json_out_str(&w, "user", g->args.user);
	cg_json_out_str(&w, "credential", g->args.credential);
	cg_json_out_bool(&w, "granted", d->granted);
	cg_json_out_str(&w, "reason", cg_policy_reason_name(d->reason));
	cg_json_out_str(&w, "role", d->role);
	cg_json_out_str(&w, "explain", d->explain);
	cg_json_out_str(&w, "path", c != NULL ? c->path : NULL);
	if (c != NULL)
		cg_json_out_bool(&w, "totp_required", c->require_totp);
	else
		cg_json_out_null(&w, "totp_required");
	json_approvals(&w, c);
	json_file_status(&w, c, fs);
	cg_json_out_str(&w, "enrollment", c != NULL ? en->word : NULL);
	if (c != NULL && strcmp(en->word, "locked") == 0)
		cg_json_out_int(&w, "locked_until", (long long)en->locked_until);
	else
		cg_json_out_null(&w, "locked_until");
	cg_json_out_str(&w, "enrollment_error", c != NULL && en->error != CG_OK ?
			cg_strerror(en->error) : NULL);
	cg_json_out_close(&w);
	return cg_json_out_end(&w);
}

/* Root only: why USER may or may not read NAME.  Exit 0 when the gate
 * would hand it over (after a code), 1 when the policy denies, 4 when the
 * policy grants but the file would be refused. */
int gate_cmd_check(const struct gate *g)
{
	const struct cg_credential *c;
	struct file_status fs;
	struct enrollment en;
	struct cg_decision d;
	cg_err e;

	e = cg_policy_check_credential(g->cfg, g->args.user, g->args.credential, &d);
	if (e != CG_OK) {
		gate_err("cannot decide: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	memset(&en, 0, sizeof(en));
	memset(&fs, 0, sizeof(fs));
	fs.ok = true;
	if ((c = cg_config_credential(g->cfg, g->args.credential)) != NULL) {
		read_file_status(c, &fs);
		read_enrollment(g, g->args.user, &en);
	}
	if (!g->args.json) {
		print_check_text(g, &d, c, &fs, &en);
	} else if (print_check_json(g, &d, c, &fs, &en) != CG_OK) {
		gate_err("writing the answer failed");
		return GATE_EXIT_ERROR;
	}
	if (!d.granted)
		return GATE_EXIT_DENIED;
	return fs.ok ? GATE_EXIT_OK : GATE_EXIT_FILE;
}
