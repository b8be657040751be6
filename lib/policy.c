/* Who may read what.  Role membership is asked of NSS every time (no
 * cache: a user removed from an LDAP group loses access at once), and
 * every answer that cannot be trusted counts against the user: an
 * exclusion NSS cannot evaluate excludes, an inclusion it cannot evaluate
 * does not include. */
#include "config.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cg_macros.h"
#include "datetime.h"
#include "cg_nss.h"
#include "policy.h"


/* ---- one member entry -------------------------------------------- */

enum member_match {
	MATCH_NO,
	MATCH_YES,
	MATCH_UNKNOWN_GROUP,    /* never matches; worth telling the admin */
	MATCH_NSS_ERROR,        /* could not tell */
};

static bool has_gid(const struct cg_user_info *u, gid_t gid)
{
	for (int i = 0; i < u->ngids; i++)
		if (u->gids[i] == gid)
			return true;
	return false;
}

static bool listed_in(char **mem, const char *name)
{
	for (; mem != NULL && *mem != NULL; mem++)
		if (strcmp(*mem, name) == 0)
			return true;
	return false;
}

static enum member_match group_match(const char *group,
				     const struct cg_user_info *u)
{
	struct group gr;
	char *buf = NULL;
	bool yes;

	switch (cg_nss_group(group, &gr, &buf)) {
	case CG_NSS_NOENT:
		return MATCH_UNKNOWN_GROUP;
	case CG_NSS_ERROR:
		return MATCH_NSS_ERROR;
	case CG_NSS_FOUND:
		break;
	}
	/* getgrouplist covers both; the member list is checked as well for
	 * NSS back ends whose initgroups is incomplete. */
	yes = has_gid(u, gr.gr_gid) || listed_in(gr.gr_mem, u->name);
	free(buf);
	return yes ? MATCH_YES : MATCH_NO;
}

/* A user entry matches by name.  An exclusion also matches any name
 * with the excluded user's uid, so an alias (two passwd names, one uid)
 * cannot walk around "!mallory". */
static enum member_match user_match(const struct cg_member *m,
				    const struct cg_user_info *u)
{
	struct passwd pw;
	char *buf = NULL;
	bool yes;

	if (strcmp(m->name, u->name) == 0)
		return MATCH_YES;
	if (!m->exclude)
		return MATCH_NO;
	switch (cg_nss_passwd(m->name, &pw, &buf)) {
	case CG_NSS_NOENT:
		return MATCH_NO;
	case CG_NSS_ERROR:
		return MATCH_NSS_ERROR;
	case CG_NSS_FOUND:
		break;
	}
	yes = pw.pw_uid == u->uid;
	free(buf);
	return yes ? MATCH_YES : MATCH_NO;
}

static enum member_match member_match(const struct cg_member *m,
				      const struct cg_user_info *u)
{
	return m->kind == CG_MEMBER_GROUP ? group_match(m->name, u) :
					    user_match(m, u);
}

/* ---- one role ---------------------------------------------------- */

enum role_match { ROLE_NOT_MEMBER, ROLE_MEMBER, ROLE_EXCLUDED };

/* Append to a message, cutting silently when full. */
static void appendf(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t sz, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (buf == NULL || sz == 0)
		return;
	len = strnlen(buf, sz);
	if (len >= sz - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, sz - len, fmt, ap);
	va_end(ap);
}

/* The decision's one line for humans; cut when it does not fit. */
static void explainf(struct cg_decision *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void explainf(struct cg_decision *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->explain, sizeof(out->explain), fmt, ap);
	va_end(ap);
}

static const char *member_prefix(const struct cg_member *m)
{
	if (m->exclude)
		return m->kind == CG_MEMBER_GROUP ? "!%" : "!";
	return m->kind == CG_MEMBER_GROUP ? "%" : "";
}

/* "bob", or "eve (via %contractors)": who an entry names, for the
 * membership notes. */
static void member_who(const struct cg_member *m, const struct cg_user_info *u,
		       char *buf, size_t sz)
{
	if (m->kind == CG_MEMBER_GROUP)
		snprintf(buf, sz, "%s (via %%%s)", u->name, m->name);
	else
		snprintf(buf, sz, "%s", m->name);
}

/* What one pass over a role's entries found. */
struct role_scan {
	int64_t now;
	const struct cg_member *expired;   /* first lapsed entry naming the user */
	char *notes;                       /* "; ..." for the admin */
	size_t notessz;
};

/* The first exclusion (or inclusion) entry of the role that matches the
 * user.  An exclusion NSS cannot evaluate counts as matching: an error
 * must never let an excluded user in.  An inclusion whose "until" has
 * passed includes nobody; one that names the user is noted, so the
 * admin hears why.  Unknown groups and lookup failures are noted too. */
static const struct cg_member *first_match(const struct cg_role *role,
					   const struct cg_user_info *u,
					   bool exclusions,
					   struct role_scan *scan)
{
	char who[512], note[384];

	for (size_t i = 0; i < role->nmembers; i++) {
		const struct cg_member *m = &role->members[i];
		enum member_match mm;

		if (m->exclude != exclusions)
			continue;
		mm = member_match(m, u);
		if (mm == MATCH_UNKNOWN_GROUP)
			appendf(scan->notes, scan->notessz,
				"; %s%s is not a known group",
				member_prefix(m), m->name);
		else if (mm == MATCH_NSS_ERROR)
			appendf(scan->notes, scan->notessz,
				"; %s%s: NSS lookup failed",
				member_prefix(m), m->name);
		if (mm == MATCH_YES && cg_member_expired(m, scan->now)) {
			member_who(m, u, who, sizeof(who));
			cg_membership_note(note, sizeof(note), who, role->name,
					   m->until, scan->now);
			appendf(scan->notes, scan->notessz, "; %s", note);
			if (scan->expired == NULL)
				scan->expired = m;
			continue;
		}
		if (mm == MATCH_YES || (mm == MATCH_NSS_ERROR && exclusions))
			return m;
	}
	return NULL;
}

/* Exclusions first, whatever the order in the file: one that matches
 * decides.  *which is the member that decided. */
static enum role_match role_match(const struct cg_role *role,
				  const struct cg_user_info *u,
				  const struct cg_member **which,
				  struct role_scan *scan)
{
	if ((*which = first_match(role, u, true, scan)) != NULL)
		return ROLE_EXCLUDED;
	if ((*which = first_match(role, u, false, scan)) != NULL)
		return ROLE_MEMBER;
	return ROLE_NOT_MEMBER;
}

static void describe_match(enum role_match rm, const struct cg_member *m,
			   const char *notes, char *via, size_t viasz)
{
	if (via == NULL || viasz == 0)
		return;
	switch (rm) {
	case ROLE_MEMBER:
		snprintf(via, viasz, "%s %s%s",
			 m->kind == CG_MEMBER_GROUP ? "group" : "user",
			 member_prefix(m), m->name);
		break;
	case ROLE_EXCLUDED:
		snprintf(via, viasz, "excluded by %s%s", member_prefix(m),
			 m->name);
		break;
	case ROLE_NOT_MEMBER:
		snprintf(via, viasz, "not a member");
		break;
	}
	/* notes starts with "; " */
	appendf(via, viasz, "%s", notes);
}

bool cg_role_has_member(const struct cg_role *role,
			const struct cg_user_info *u, char *via, size_t viasz)
{
	const struct cg_member *m = NULL;
	char notes[512] = "";
	struct role_scan scan = { time(NULL), NULL, notes, sizeof(notes) };
	enum role_match rm;

	if (via != NULL && viasz > 0)
		via[0] = '\0';
	if (role == NULL || u == NULL)
		return false;
	rm = role_match(role, u, &m, &scan);
	describe_match(rm, m, notes, via, viasz);
	return rm == ROLE_MEMBER;
}

/* ---- decisions --------------------------------------------------- */

/* What the roles of one request said; filled role by role. */
struct tally {
	int64_t now;            /* one instant for the whole decision */
	const char *granted_by;
	const struct cg_member *grant_member;
	const char *excluded_by;
	const struct cg_member *exclude_member;
	const char *expired_in;  /* a role whose entry for the user lapsed */
	const struct cg_member *expired_member;
	char checked[256];      /* "mail, billing" */
	char notes[512];        /* "; %nosuch is not a known group" */
};

static void tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
	t->now = time(NULL);
}

static void tally_role(struct tally *t, const struct cg_role *role,
		       const struct cg_user_info *u)
{
	const struct cg_member *m = NULL;
	struct role_scan scan = { t->now, NULL, t->notes, sizeof(t->notes) };

	appendf(t->checked, sizeof(t->checked), "%s%s",
		t->checked[0] != '\0' ? ", " : "", role->name);
	switch (role_match(role, u, &m, &scan)) {
	case ROLE_MEMBER:
		if (t->granted_by == NULL) {
			t->granted_by = role->name;
			t->grant_member = m;
		}
		break;
	case ROLE_EXCLUDED:
		if (t->excluded_by == NULL) {
			t->excluded_by = role->name;
			t->exclude_member = m;
		}
		break;
	case ROLE_NOT_MEMBER:
		break;
	}
	if (scan.expired != NULL && t->expired_in == NULL) {
		t->expired_in = role->name;
		t->expired_member = scan.expired;
	}
}

static void decision_init(struct cg_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->granted = false;
	out->reason = CG_POLICY_NOT_IN_ROLE;
	out->role = NULL;
}

/* Turn the tally into the decision: for a credential (its name) or for
 * role=NAME (credential NULL). */
static void tally_decide(const struct tally *t, const struct cg_user_info *u,
			 const char *credential, struct cg_decision *out)
{
	char subject[CG_NAME_MAX + 16] = "";

	if (credential != NULL)
		snprintf(subject, sizeof(subject), " grants %s", credential);
	if (t->granted_by != NULL) {
		const struct cg_member *m = t->grant_member;
		char until[CG_DATETIME_TEXT_MAX + 8] = "";

		out->granted = true;
		out->reason = CG_POLICY_GRANTED;
		out->role = t->granted_by;
		if (m->until != 0) {
			memcpy(until, " until ", 8);
			cg_datetime_format(m->until, until + 7,
					   sizeof(until) - 7);
		}
		if (m->kind == CG_MEMBER_GROUP)
			explainf(out, "role %s%s: %s is a member via %%%s%s",
				 t->granted_by, subject, u->name, m->name,
				 until);
		else
			explainf(out, "role %s%s: %s is listed by name%s",
				 t->granted_by, subject, u->name, until);
		return;
	}
	if (t->excluded_by != NULL) {
		out->reason = CG_POLICY_EXCLUDED;
		out->role = t->excluded_by;
		explainf(out, "role %s excludes %s (%s%s); roles checked: "
			 "%s%s", t->excluded_by, u->name,
			 member_prefix(t->exclude_member),
			 t->exclude_member->name, t->checked, t->notes);
		return;
	}
	if (t->expired_in != NULL) {
		/* The notes already say "membership of ... expired on". */
		out->reason = CG_POLICY_EXPIRED;
		out->role = t->expired_in;
		explainf(out, "%s; roles checked: %s", t->notes + 2,
			 t->checked);
		return;
	}
	out->reason = CG_POLICY_NOT_IN_ROLE;
	if (credential != NULL)
		explainf(out, "no role grants %s to %s; roles checked: %s%s",
			 credential, u->name, t->checked, t->notes);
	else
		explainf(out, "%s holds none of the roles %s%s", u->name,
			 t->checked, t->notes);
}

/* The name may come from a command line: quote it only if it is one a
 * policy could define, which makes it printable. */
static void set_no_credential(const char *credential, struct cg_decision *out)
{
	out->granted = false;
	out->reason = CG_POLICY_NO_CREDENTIAL;
	out->role = NULL;
	if (cg_config_name_valid(credential))
		explainf(out, "no credential %s in the policy", credential);
	else
		explainf(out, "not a valid credential name");
}

/* A role named but not defined is a mistake in the PAM stack or the
 * policy: refuse the request whole rather than silently skip the name. */
static cg_err check_roles_defined(const struct cg_config *cfg,
				  const char *const *roles, size_t nroles,
				  struct cg_decision *out)
{
	for (size_t i = 0; i < nroles; i++) {
		if (cg_config_role(cfg, roles[i]) != NULL)
			continue;
		out->role = roles[i];
		if (cg_config_name_valid(roles[i]))
			explainf(out, "no [role %s] in the policy", roles[i]);
		else
			explainf(out, "not a valid role name");
		return CG_E_NOENT;
	}
	return CG_OK;
}

static const char *const access_names[] = {
	[CG_ACCESS_READ] = "read",
	[CG_ACCESS_WRITE] = "write",
	[CG_ACCESS_REQUEST] = "request",
	[CG_ACCESS_APPROVE] = "approve",
	[CG_ACCESS_DENY] = "deny",
};

bool cg_access_parse(const char *action, enum cg_access *out)
{
	if (action == NULL) {
		*out = CG_ACCESS_READ;
		return true;
	}
	for (size_t i = 0; i < CG_ARRAY_SIZE(access_names); i++) {
		if (strcmp(action, access_names[i]) == 0) {
			*out = (enum cg_access)i;
			return true;
		}
	}
	return false;
}

const char *cg_access_name(enum cg_access access)
{
	return (size_t)access < CG_ARRAY_SIZE(access_names) ?
	       access_names[access] : "read";
}

/* The roles that hold an access to cred, and how a grant is worded. */
static char *const *access_roles(const struct cg_credential *cred,
				 enum cg_access access, size_t *n,
				 const char **verb)
{
	switch (access) {
	case CG_ACCESS_WRITE:
		*verb = "writing ";
		*n = cred->write.nwriters;
		return cred->write.writers;
	case CG_ACCESS_APPROVE:
	case CG_ACCESS_DENY:
		*verb = "approving reads of ";
		return cg_credential_approvers(cred, n);
	default:
		*verb = "";
		*n = cred->nroles;
		return cred->roles;
	}
}

cg_err cg_policy_decide_access(const struct cg_config *cfg,
			       const struct cg_user_info *u,
			       const char *credential, enum cg_access access,
			       struct cg_decision *out)
{
	const struct cg_credential *cred;
	char subject[CG_NAME_MAX + 32];
	char *const *roles;
	const char *verb;
	size_t nroles;
	struct tally t;

	if (cfg == NULL || u == NULL || credential == NULL || out == NULL)
		return CG_E_INVAL;
	decision_init(out);
	if ((cred = cg_config_credential(cfg, credential)) == NULL) {
		set_no_credential(credential, out);
		return CG_OK;
	}
	roles = access_roles(cred, access, &nroles, &verb);
	if (nroles == 0) {
		out->reason = CG_POLICY_NOT_IN_ROLE;
		explainf(out, "%s has no writers (no 'writers =' in its "
			 "section)", cred->name);
		return CG_OK;
	}
	snprintf(subject, sizeof(subject), "%s%s", verb, cred->name);
	tally_init(&t);
	for (size_t i = 0; i < nroles; i++) {
		const struct cg_role *role = cg_config_role(cfg, roles[i]);

		/* cg_config_validate saw to it that every role exists. */
		if (role == NULL)
			return CG_E_INVAL;
		tally_role(&t, role, u);
	}
	tally_decide(&t, u, subject, out);
	return CG_OK;
}

cg_err cg_policy_decide_credential(const struct cg_config *cfg,
				   const struct cg_user_info *u,
				   const char *credential,
				   struct cg_decision *out)
{
	return cg_policy_decide_access(cfg, u, credential, CG_ACCESS_READ,
				       out);
}

cg_err cg_policy_decide_roles(const struct cg_config *cfg,
			      const struct cg_user_info *u,
			      const char *const *roles, size_t nroles,
			      struct cg_decision *out)
{
	struct tally t;
	cg_err err;

	if (cfg == NULL || u == NULL || (roles == NULL && nroles > 0) ||
	    out == NULL)
		return CG_E_INVAL;
	decision_init(out);
	if ((err = check_roles_defined(cfg, roles, nroles, out)) != CG_OK)
		return err;
	tally_init(&t);
	for (size_t i = 0; i < nroles; i++)
		tally_role(&t, cg_config_role(cfg, roles[i]), u);
	tally_decide(&t, u, NULL, out);
	return CG_OK;
}

/* An unknown user is an answer, not an error. */
static cg_err lookup_for_decision(const char *user, struct cg_user_info *u,
				  struct cg_decision *out)
{
	cg_err err = cg_user_info_lookup(user, u);

	if (err == CG_E_NOENT) {
		out->reason = CG_POLICY_UNKNOWN_USER;
		explainf(out, "user unknown to NSS");
	}
	return err;
}

cg_err cg_policy_check_access(const struct cg_config *cfg, const char *user,
			      const char *credential, enum cg_access access,
			      struct cg_decision *out)
{
	struct cg_user_info u;
	cg_err err;

	if (cfg == NULL || user == NULL || credential == NULL || out == NULL)
		return CG_E_INVAL;
	decision_init(out);
	/* An unknown credential is the answer whoever asks. */
	if (cg_config_credential(cfg, credential) == NULL) {
		set_no_credential(credential, out);
		return CG_OK;
	}
	if ((err = lookup_for_decision(user, &u, out)) != CG_OK)
		return err == CG_E_NOENT ? CG_OK : err;
	err = cg_policy_decide_access(cfg, &u, credential, access, out);
	cg_user_info_free(&u);
	return err;
}

cg_err cg_policy_check_credential(const struct cg_config *cfg,
				  const char *user, const char *credential,
				  struct cg_decision *out)
{
	return cg_policy_check_access(cfg, user, credential, CG_ACCESS_READ,
				      out);
}

cg_err cg_policy_check_roles(const struct cg_config *cfg, const char *user,
			     const char *const *roles, size_t nroles,
			     struct cg_decision *out)
{
	struct cg_user_info u;
	cg_err err;

	if (cfg == NULL || user == NULL || (roles == NULL && nroles > 0) ||
	    out == NULL)
		return CG_E_INVAL;
	decision_init(out);
	if ((err = check_roles_defined(cfg, roles, nroles, out)) != CG_OK)
		return err;
	if ((err = lookup_for_decision(user, &u, out)) != CG_OK)
		return err == CG_E_NOENT ? CG_OK : err;
	err = cg_policy_decide_roles(cfg, &u, roles, nroles, out);
	cg_user_info_free(&u);
	return err;
}

const char *cg_policy_reason_name(enum cg_policy_reason r)
{
	switch (r) {
	case CG_POLICY_GRANTED:
		return "granted";
	case CG_POLICY_NO_CREDENTIAL:
		return "no_such_credential";
	case CG_POLICY_NOT_IN_ROLE:
		return "not_in_role";
	case CG_POLICY_EXCLUDED:
		return "excluded";
	case CG_POLICY_UNKNOWN_USER:
		return "unknown_user";
	case CG_POLICY_EXPIRED:
		return "membership_expired";
	}
	return "unknown";
}
