/* Two-person approval (credgate.conf: approvals = N): a reader asks to
 * read a credential (a request), N other people who hold an approver
 * role approve it, then the reader's next reads within approval_ttl are
 * delivered, approval_uses times.
 *
 * Requests are host-local.  A request is consent to hand over one file
 * of this host, named by this host's policy: the same credential name on
 * another host may be another file under another policy, so an approval
 * must not travel.  They therefore live beside the files store, not in
 * the store's backends (the fleet's LDAP directory holds TOTP tokens in
 * the OATH-LDAP schema, shared with slapd's otp overlay): one record per
 * request in <state_dir>/.requests/ID, root 0600 in a root 0700
 * directory whose name, starting with '.', can never be a user's state
 * file.  The state directory stays local with either store backend.
 *
 * Record (text, "key value" lines, version first, every line ends '\n'):
 *
 *   credgate-request 1
 *   id k7q2-9fx3
 *   user alice                    the requester
 *   credential prod-db
 *   created 1800000000            epoch seconds
 *   state open                    open|approved|denied|used|expired
 *   reason deploy the 4.2 fix     optional; printable ASCII
 *   approval bob 1800000100       0..CG_APPROVALS_MAX, in order
 *   denial carol 1800000200       optional
 *   uses 0                        reads delivered
 *   closed 0                      when it became denied/used/expired
 *
 * Times and counts are judged against the policy in force when they are
 * judged (approvals needed, approval_ttl, approval_uses), so tightening
 * the policy applies to requests already made.  Every change is one
 * transaction over the whole directory (cg_requests_update): one lock,
 * read every record, decide in memory, write each changed record
 * atomically (safefile.h), remove records closed more than
 * CG_REQUEST_KEEP ago, unlock. */
#ifndef CG_REQUEST_H
#define CG_REQUEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"
#include "conf.h"
#include "username.h"

#define CG_REQUEST_ID_LEN 9             /* "k7q2-9fx3" */
#define CG_REQUEST_REASON_MAX 200       /* bytes */
#define CG_REQUEST_MAX_BYTES 4096       /* one record file */
#define CG_REQUEST_KEEP (24 * 3600)     /* closed records kept this long */
#define CG_REQUESTS_MAX 512             /* records in the directory */
#define CG_REQUESTS_OPEN_PER_USER 4     /* waiting for approval at once */
#define CG_REQUEST_DIR ".requests"

enum cg_request_state {
	CG_REQ_OPEN,          /* waiting for approvals */
	CG_REQ_APPROVED,      /* approved, reads left, within approval_ttl */
	CG_REQ_DENIED,
	CG_REQ_USED,          /* every read it allowed was made */
	CG_REQ_EXPIRED,       /* not approved, or not used, in time */
};

struct cg_request_vote {
	char by[CG_USER_NAME_LEN + 1];
	int64_t at;
};

struct cg_request {
	char id[CG_REQUEST_ID_LEN + 1];
	char user[CG_USER_NAME_LEN + 1];
	char credential[CG_NAME_MAX];
	char reason[CG_REQUEST_REASON_MAX + 1];   /* "" when none */
	int64_t created;
	enum cg_request_state state;
	struct cg_request_vote approvals[CG_APPROVALS_MAX];
	size_t napprovals;
	struct cg_request_vote denial;            /* by[0] == 0: none */
	unsigned uses;
	int64_t closed;                           /* 0 while open/approved */
	/* In memory only: what the transaction must do with it. */
	bool dirty;                               /* write it back */
	bool fresh;                               /* create it */
};

/* "k7q2-9fx3": 4 + '-' + 4 of [0-9a-z] without i, l, o, u (Crockford's
 * base32), from the CSPRNG (40 bits: ids need not be secret, only
 * distinct and not chosen by anyone). */
bool cg_request_id_valid(const char *id);
cg_err cg_request_id_new(char id[CG_REQUEST_ID_LEN + 1]);

/* A reason as given to "credgate request --reason": 1..CG_REQUEST_REASON_MAX
 * bytes of printable ASCII (it is shown on approvers' terminals). */
bool cg_request_reason_valid(const char *reason);

const char *cg_request_state_name(enum cg_request_state s);

/* What the request is now, under the policy cred (NULL: the credential
 * is gone from the policy) at `now`.  Denied, used and expired are
 * final; open and approved are judged afresh: approved once the
 * credential's approvals are in, expired approval_ttl after creation
 * (not approved) or after the approval that completed it (not used),
 * used once approval_uses reads were made.  A credential that no longer
 * asks for approval makes its requests expired.  *until (may be NULL)
 * gets when an open or approved request expires, else 0. */
enum cg_request_state cg_request_status(const struct cg_request *r,
					const struct cg_credential *cred,
					int64_t now, int64_t *until);

/* When an open or approved request runs out under the policy cred:
 * approval_ttl after its creation while approvals are missing, after
 * the approval that completed it once approved.  0 when cred is NULL
 * or asks for no approval (then it has run out already). */
int64_t cg_request_deadline(const struct cg_request *r,
			    const struct cg_credential *cred);

/* Bring the stored state up to cg_request_status; true (and dirty set)
 * when the request just became expired or used this way, which the
 * caller audits as action=expire. */
bool cg_request_refresh(struct cg_request *r,
			const struct cg_credential *cred, int64_t now);

/* Why an approval or denial by `who` is refused (CG_REQ_OK: it may go
 * on).  Approver roles are a policy question (policy.h), asked
 * separately. */
enum cg_request_refusal {
	CG_REQ_OK,
	CG_REQ_SELF,              /* who made the request */
	CG_REQ_TWICE,             /* who has approved it already (an
				   * approval; a denial may follow one) */
	CG_REQ_NOT_OPEN,          /* approved, denied, used or expired */
	CG_REQ_NO_CREDENTIAL,     /* the policy no longer has it */
};
enum cg_request_refusal cg_request_may_vote(const struct cg_request *r,
					    const struct cg_credential *cred,
					    const char *who, bool deny,
					    int64_t now);
const char *cg_request_refusal_name(enum cg_request_refusal r);

/* Record a vote that cg_request_may_vote allowed.  An approval returns
 * true when it completed the request (now approved). */
bool cg_request_approve(struct cg_request *r,
			const struct cg_credential *cred, const char *who,
			int64_t now);
void cg_request_deny(struct cg_request *r, const char *who, int64_t now);

/* ---- the text form (exposed for tests and the fuzz target) ---------- */

/* Refuses (CG_E_INVAL) a record the parser would not read back. */
cg_err cg_request_format(const struct cg_request *r, char **text_out);
/* CG_E_PARSE with *bad_line (may be NULL) the offending line. */
cg_err cg_request_parse(const char *text, size_t len, struct cg_request *out,
			unsigned *bad_line);

/* ---- the directory ---------------------------------------------------- */

struct cg_request_set {
	struct cg_request *r;
	size_t n;
	size_t cap;
	int64_t now;               /* the transaction's one instant */
};

/* A new request in the set (fresh, dirty, state open, created = now,
 * id from cg_request_id_new, distinct from every other in the set).
 * CG_E_TOOBIG when the directory holds CG_REQUESTS_MAX records.  The
 * pointer is valid until the next cg_request_add. */
cg_err cg_request_add(struct cg_request_set *set, const char *user,
		      const char *credential, const char *reason,
		      struct cg_request **out);
/* The record with this id, or NULL. */
struct cg_request *cg_request_find(struct cg_request_set *set,
				   const char *id);

/* fn decides in memory, setting dirty (or using cg_request_add) on what
 * must be written; CG_OK commits, anything else aborts without a write
 * and is returned. */
typedef cg_err (*cg_request_fn)(struct cg_request_set *set, void *arg);

/* The transaction, at time `now`: open <state_dir>/.requests (created
 * root 0700 when create is true and it is missing; else a missing one is
 * an empty set), lock it, remove temp files a killed writer left, read
 * every record (a damaged one fails the transaction: CG_E_PARSE, named
 * in *bad_id), call fn, write what it changed, remove records closed
 * more than CG_REQUEST_KEEP ago, unlock.  bad_id may be NULL. */
cg_err cg_requests_update(const char *state_dir, bool create, int64_t now,
			  cg_request_fn fn, void *arg,
			  char bad_id[CG_REQUEST_ID_LEN + 1]);

#endif
