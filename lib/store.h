/* The state store: one transaction API over a small backend interface.
 *
 * Every change to a user's state, by the PAM module or by any
 * credgate-enroll command, is one call of cg_store_update (DESIGN.md
 * rule 3):
 *
 *   1. begin   the backend makes the read-modify-write exclusive for this
 *              user and reads the state as it is now
 *              (files: flock on the user's lock file, then read;
 *               ldap: read the entry; exclusivity comes from step 3)
 *   2. change  the caller's fn decides, in memory only, and says what to
 *              do: keep, write, or remove
 *   3. commit  at most one durable write
 *              (files: one slot of the file written in place and one
 *               fdatasync; a new file by temp file, fsync, rename and
 *               fsync of the dir when the file must change shape;
 *               ldap: one modify that is a compare-and-set against what
 *               step 1 read: it fails, and the transaction is retried,
 *               if anyone changed the entry since)
 *   4. end     release whatever step 1 took
 *
 * Nothing above lib/ takes a lock, opens a state file or knows which
 * backend it talks to.  Snapshot reads without a transaction
 * (cg_store_read) are for display and for decisions that are made again
 * inside a transaction (the module's "not enrolled?" and grace checks).
 *
 * fn may be called more than once: after a lost compare-and-set the
 * transaction starts again from a fresh read (at most CG_STORE_TRIES
 * times, then CG_E_CONFLICT).  So fn must decide from txn and arg alone
 * and must only produce output that the last call overwrites.
 *
 * Errors: CG_E_NOENT (user has no state), CG_E_EXISTS, CG_E_LOCK (another
 * transaction held the user too long), CG_E_UNAVAILABLE (the backend
 * cannot be reached: a directory server down, refused), CG_E_CONFLICT,
 * refusals of safefile.h for a state file that is not what it must be,
 * CG_E_PARSE / CG_E_UNSEAL for damaged content.  Every one denies. */
#ifndef CG_STORE_H
#define CG_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"
#include "conf.h"
#include "state.h"

#define CG_LOCK_TIMEOUT_MS 10000
#define CG_STORE_TRIES 4

struct cg_store;                      /* opaque; one per open store */

/* Open the store the configuration names: the files backend on
 * defaults.state_dir sealing under defaults.host_key, or with
 * "store = ldap" the directory of [ldap]
 * (whose break-glass local_users still use state_dir).  cfg must outlive
 * the store.  On failure cg_store_why(NULL) says why, where the error
 * code does not. */
cg_err cg_store_open(const struct cg_config *cfg, struct cg_store **out);
/* The same for a given store whatever "store =" says (migrate). */
cg_err cg_store_open_kind(const struct cg_config *cfg,
			  enum cg_store_kind kind, struct cg_store **out);
/* Open the files backend on one directory (root's, mode 0700), sealing
 * under the key file host_key (absolute path; read when needed, so a
 * missing key only fails the reads and writes that need it). */
cg_err cg_store_open_files(const char *state_dir, const char *host_key,
			   struct cg_store **out);
void cg_store_close(struct cg_store *store);        /* NULL is fine */
/* "files", "ldap": for messages. */
const char *cg_store_backend(const struct cg_store *store);
/* Why the store's last failed operation failed (with NULL: the last
 * cg_store_open of this thread), for a log line's detail ("host key
 * PATH: wrong owner", "state of alice: sealed under key ...", the
 * directory's words); "" when the error code says it all.  Never holds a
 * secret. */
const char *cg_store_why(const struct cg_store *store);
#define CG_STORE_DETAIL_MAX 1536      /* a log detail with the why */
/* The audit reason for a store error: "store_unavailable" for
 * CG_E_UNAVAILABLE (directory down, TLS, bind refused, timeout),
 * "state_error" for everything else. */
const char *cg_store_reason(cg_err e);

/* check-config: the stores' own findings, one say() each (ok or not);
 * CG_OK when every one is ok.  With an [ldap] section: bind, schema,
 * every token readable, oathSecret hidden from anonymous clients.  The
 * files store has nothing to add. */
typedef void (*cg_store_report_fn)(void *arg, bool ok, const char *msg);
cg_err cg_store_check(const struct cg_config *cfg, cg_store_report_fn say,
		      void *arg);

/* What a transaction's fn sees and decides. */
enum cg_store_op {
	CG_STORE_KEEP,                /* change nothing (the default) */
	CG_STORE_WRITE,               /* store txn->st (created if absent) */
	CG_STORE_REMOVE,              /* remove the user's state */
};

struct cg_store_txn {
	const char *user;
	/* What begin found: CG_OK (st holds the state), CG_E_NOENT (no
	 * state; st is cg_state_init'ed), or damaged content (CG_E_PARSE,
	 * CG_E_TOOBIG, CG_E_UNSEAL; st initialised, bad_line for PARSE).
	 * Other read errors end the transaction before fn is called. */
	cg_err found;
	unsigned bad_line;
	/* Found, but stored in an older form (a clear format-1 file, or
	 * sealed under a key other than the current one): writing it back
	 * unchanged brings it up to date (credgate-enroll init, rekey). */
	bool stale;
	struct cg_state st;           /* change it in memory */
	enum cg_store_op op;          /* set by fn */
};

/* fn's return: CG_OK to do txn->op, anything else to abort without a
 * write (that error is what cg_store_update returns). */
typedef cg_err (*cg_store_fn)(struct cg_store_txn *txn, void *arg);

/* The transaction (steps 1-4 above).  bad_line (may be NULL) receives
 * txn.bad_line.  Returns fn's error, else the backend's. */
cg_err cg_store_update(struct cg_store *store, const char *user,
		       cg_store_fn fn, void *arg, unsigned *bad_line);

/* The decoy: a state no user has, under the reserved name CG_STORE_DECOY
 * (no user name starts with '-'), never listed.  A login for a user with
 * no state, or one NSS does not know, judges its code against the decoy
 * and writes it back (verify.c), so that it costs what a wrong code for
 * an enrolled user costs, durable write included, and its timing does
 * not tell who is enrolled.  fn sees it like any state (CG_E_NOENT the
 * first time).  A backend that cannot keep it may fail: the caller
 * ignores the result. */
#define CG_STORE_DECOY "-decoy"
cg_err cg_store_update_decoy(struct cg_store *store, cg_store_fn fn,
			     void *arg);
/* A snapshot read of the decoy, nothing returned: what the read of a
 * user's state before the prompt costs, for a user the module has no
 * state to read for (unknown to NSS).  The ldap store keeps it for the
 * decoy's transaction after the prompt, as it does a user's. */
void cg_store_read_decoy(struct cg_store *store);

/* Conveniences over cg_store_update.  create: CG_E_EXISTS if the user
 * has state (damaged or not); put: create or replace whatever is there,
 * *replaced (may be NULL) says which; remove: CG_E_NOENT if none. */
cg_err cg_store_create(struct cg_store *store, const char *user,
		       const struct cg_state *st);
cg_err cg_store_put(struct cg_store *store, const char *user,
		    const struct cg_state *st, bool *replaced);
cg_err cg_store_remove(struct cg_store *store, const char *user);

/* Snapshot read without a transaction.  CG_E_NOENT only when the user
 * has no state; bad_line (may be NULL) as in struct cg_store_txn.
 * *out is initialised even on failure. */
cg_err cg_store_read(struct cg_store *store, const char *user,
		     struct cg_state *out, unsigned *bad_line);

/* Sorted list of users with state.  Contents are not read. */
cg_err cg_store_list(struct cg_store *store, char ***users_out, size_t *n_out);
void cg_store_list_free(char **users, size_t n);

/* Damaged content: the backend read something, but not a state. */
bool cg_store_damaged(cg_err e);

#endif
