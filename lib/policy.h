/* Who may read what: role membership through NSS, and the decision for one
 * (user, credential) or (user, roles) pair.  Deny unless a role grants;
 * an exclusion ("!alice", "!%contractors") always wins over an inclusion.
 * Groups are resolved with getgrouplist(3)/getgrnam_r(3), so whatever NSS
 * serves (files, LDAP, SSSD, FreeIPA) works unchanged. */
#ifndef CG_POLICY_H
#define CG_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cg_error.h"
#include "conf.h"
#include "cg_nss.h"
#include "username.h"

enum cg_policy_reason {
	CG_POLICY_GRANTED,          /* a role granted it */
	CG_POLICY_NO_CREDENTIAL,    /* no such credential in the policy */
	CG_POLICY_NOT_IN_ROLE,      /* no granting role lists the user */
	CG_POLICY_EXCLUDED,         /* no role grants, and one of them excludes the user */
	CG_POLICY_UNKNOWN_USER,     /* NSS does not know the user */
	CG_POLICY_EXPIRED,          /* no role grants, and an entry that named
				     * the user has passed its "until" */
};

struct cg_decision {
	bool granted;
	enum cg_policy_reason reason;
	const char *role;          /* granting (or excluding) role; points into cfg
				    * (for CG_E_NOENT from the roles functions:
				    * the caller's unknown name) */
	char explain[512];         /* one human line, e.g. "role mail grants smtp: member via group %ops" */
};

/* Is the user a member of the role, now?  *via (may be NULL) says how:
 * "user alice", "group %ops", "excluded by !mallory", "not a member;
 * membership of bob in role mail expired on ...".
 *
 * Every decision here is taken at the current time (time(2)): an entry
 * "until DATE" counts up to that instant and never after it. */
bool cg_role_has_member(const struct cg_role *role,
			const struct cg_user_info *u, char *via, size_t viasz);

/* What is asked of a credential: reading it (its "roles") or writing it
 * (its "writers": credgate put and rollback), or a step of two-person
 * approval (request.h): asking for a read (its readers again), approving
 * or denying someone else's (its approvers: "approvers", else its
 * roles).  A credential without writers may be written by nobody. */
enum cg_access {
	CG_ACCESS_READ,
	CG_ACCESS_WRITE,
	CG_ACCESS_REQUEST,
	CG_ACCESS_APPROVE,
	CG_ACCESS_DENY,
};

/* The gate names the access in the PAM environment as
 * CREDGATE_ACTION=read|write|request|approve|deny, so the account stage
 * can tell them apart.  Unset means read; anything else is refused
 * (false).  Every access but a read takes a fresh code (no grace, no
 * require_totp waiver). */
#define CG_ACTION_ENV "CREDGATE_ACTION"
bool cg_access_parse(const char *action, enum cg_access *out);
const char *cg_access_name(enum cg_access access);

/* Decide for one credential and access (the gate, and pam_sm_acct_mgmt
 * with CREDGATE_CREDENTIAL and CREDGATE_ACTION set), by the rules of
 * cg_policy_decide_credential over the roles of that access. */
cg_err cg_policy_decide_access(const struct cg_config *cfg,
			       const struct cg_user_info *u,
			       const char *credential, enum cg_access access,
			       struct cg_decision *out);
cg_err cg_policy_check_access(const struct cg_config *cfg, const char *user,
			      const char *credential, enum cg_access access,
			      struct cg_decision *out);

/* Decide for one credential (the gate, and pam_sm_acct_mgmt with
 * CREDGATE_CREDENTIAL set).  Granted iff some role of the credential
 * includes the user and does not exclude them; an exclusion in one role
 * does not cancel an inclusion in another.  An unknown credential is a
 * decision (CG_POLICY_NO_CREDENTIAL), not an error. */
cg_err cg_policy_decide_credential(const struct cg_config *cfg,
				   const struct cg_user_info *u,
				   const char *credential,
				   struct cg_decision *out);

/* Decide for a list of role names (pam_sm_acct_mgmt's role=NAME): granted
 * iff one of them includes and does not exclude the user.  A name with no
 * [role] in cfg gives CG_E_NOENT (out->role is that name, out->explain
 * says so): a typo in a PAM stack denies loudly. */
cg_err cg_policy_decide_roles(const struct cg_config *cfg,
			      const struct cg_user_info *u,
			      const char *const *roles, size_t nroles,
			      struct cg_decision *out);

/* The same, from a user name: look the user up through NSS first.  A user
 * NSS does not know is a decision (CG_POLICY_UNKNOWN_USER, CG_OK); any
 * other lookup failure is an error (CG_E_IO, CG_E_NOMEM, ...), and the
 * caller denies.  An unknown credential is decided before any lookup. */
cg_err cg_policy_check_credential(const struct cg_config *cfg,
				  const char *user, const char *credential,
				  struct cg_decision *out);
cg_err cg_policy_check_roles(const struct cg_config *cfg, const char *user,
			     const char *const *roles, size_t nroles,
			     struct cg_decision *out);

const char *cg_policy_reason_name(enum cg_policy_reason r); /* "granted", "not_in_role", ... */

/* The PAM service of the gate (tools/credgate).  Only there does the
 * module let CREDGATE_CREDENTIAL relax authentication (a credential's
 * grace and require_totp): in other services the variable could have
 * come from pam_env and a user's own file. */
#define CG_GATE_SERVICE "credgate"

#endif
