/* The locked read-verify-record step of one authentication. */
#ifndef CG_VERIFY_H
#define CG_VERIFY_H
#include <stdbool.h>
#include <time.h>
#include "conf.h"
#include "state.h"
#include "store.h"

enum cg_verdict {
	CG_GRANTED_CODE,
	CG_GRANTED_RECOVERY,
	CG_DENIED_BAD_CODE,
	CG_DENIED_REPLAY,
	CG_DENIED_LOCKED,        /* locked before this attempt: never counts */
	CG_DENIED_NOW_LOCKED,    /* this failure reached max_failures */
	CG_DENIED_NOT_ENROLLED,
	CG_DENIED_STATE_ERROR,   /* lock, read, parse or write failed */
};

struct cg_verify_result {
	enum cg_verdict verdict;
	cg_err err;              /* for CG_DENIED_STATE_ERROR */
	unsigned bad_line;       /* parse errors */
	unsigned recovery_left;  /* after a recovery code was used */
};

/* One store transaction (store.h): read the state, judge `code` in
 * memory (TOTP within the window and newer than the last accepted step,
 * else a recovery code) doing the same work whatever the outcome, then
 * write the result once: a failure counted, or a success (last step,
 * reset count).  A locked-out user's code is judged the same way, the
 * result thrown away, and the state written back unchanged: the same
 * work, the same one write, nothing counted.  A write failure denies even a correct
 * code: an unrecorded step could be replayed.  If no code can be
 * computed at all (OpenSSL error) the verdict is CG_DENIED_STATE_ERROR
 * with err set, and nothing is written.  Grace is the caller's business
 * (grace.h). */
void cg_verify_and_record(struct cg_store *store, const char *user,
			  const struct cg_defaults *d, const char *code,
			  time_t now, struct cg_verify_result *res);

/* For a login that has no state to judge (the user is not enrolled, or
 * NSS does not know them): the same work and the same durable write as
 * a wrong code, done on the store's decoy (store.h), so the answer comes
 * as fast or as slow as for anyone.  cg_verify_and_record calls it itself
 * for CG_DENIED_NOT_ENROLLED. */
void cg_verify_decoy(struct cg_store *store, const struct cg_defaults *d,
		     const char *code, time_t now);

const char *cg_verdict_reason(enum cg_verdict v);

#endif
