/* The backend interface behind lib/store.h: what a store (files today,
 * ldap next) implements.  Only lib/store*.c include this.
 *
 * A transaction on one user is read_locked, then at most one of commit /
 * create / remove, then release (always, also after a failure).  The
 * transaction layer (store.c) owns the state buffers and the retries; a
 * backend only stores and fetches.
 *
 * Two ways to make the read-modify-write exclusive, both fit:
 * - pessimistic (files): read_locked takes a lock that commit/create/
 *   remove then rely on; they never return CG_E_CONFLICT.
 * - optimistic (ldap): read_locked takes nothing and keeps in *h what it
 *   read (the entry's DN and the attribute values, or an entryCSN);
 *   commit is one atomic compare-and-set against that (an LDAP modify
 *   that deletes the old values and adds the new ones, or RFC 4528's
 *   assertion control) and returns CG_E_CONFLICT when the entry changed
 *   in between; create likewise when one appeared.  The transaction layer
 *   then releases and starts again with a fresh read_locked.
 * commit also receives the state as read (`old`), so a backend need not
 * keep a copy of its own to compare against.
 *
 * Errors: CG_E_NOENT from read_locked only when the user has no state;
 * CG_E_UNAVAILABLE when the backend cannot be reached or refuses to serve
 * (the module logs reason=store_unavailable); damaged content as
 * cg_store_damaged says.  read_locked returns *h set (transaction open)
 * for CG_OK, CG_E_NOENT and damaged content, NULL for everything else.
 *
 * The user name given to every op has passed cg_user_name_valid. */
#ifndef CG_STORE_BACKEND_H
#define CG_STORE_BACKEND_H
#include <stddef.h>
#include "cg_error.h"
#include "conf.h"
#include "state.h"
#include "store.h"

struct cg_store_ops {
	const char *name;

	/* Begin: make the transaction exclusive (or remember what was read)
	 * for txn->user and read the state into txn->st (cg_state_init'ed
	 * by the caller); set txn->bad_line as cg_state_parse does and
	 * txn->stale when the state would now be stored differently (an
	 * older format, sealed under a key that is not the current one).
	 * Returns what txn->found becomes. */
	cg_err (*read_locked)(void *be, struct cg_store_txn *txn, void **h);
	/* Replace the state read_locked found (old: NULL when that was
	 * damaged content) by st: one durable write. */
	cg_err (*commit)(void *be, void *h, const struct cg_state *old,
			 const struct cg_state *st);
	/* Create where read_locked found no state: CG_E_EXISTS (or
	 * CG_E_CONFLICT) if one appeared meanwhile. */
	cg_err (*create)(void *be, void *h, const struct cg_state *st);
	/* Remove the user's state and whatever else the backend keeps for
	 * the user (files: the lock file too). */
	cg_err (*remove)(void *be, void *h);
	/* End the transaction; h may be NULL. */
	void (*release)(void *be, void *h);

	/* Snapshot read, no transaction. */
	cg_err (*read)(void *be, const char *user, struct cg_state *st,
		       unsigned *bad_line);
	/* Users with state, any order (the caller sorts); each name a
	 * malloc'ed string that passed cg_user_name_valid. */
	cg_err (*list)(void *be, char ***users, size_t *n);
	/* Why the last operation failed, for the log (server, operation,
	 * the directory's words; files: the host key's problem, why a
	 * sealed state does not open; never a secret); NULL or "" if the
	 * error code says it all. */
	const char *(*why)(void *be);
	void (*close)(void *be);
};

struct cg_store {
	const struct cg_store_ops *ops;
	void *be;
};

/* Wrap an opened backend; on failure be is closed with ops->close. */
cg_err cg_store_new(const struct cg_store_ops *ops, void *be,
		    struct cg_store **out);

/* The files backend (store_files.c). */
cg_err cg_store_files_open(const char *state_dir, const char *host_key,
			   void **be_out);
extern const struct cg_store_ops cg_store_files_ops;

/* The ldap backend, from the plugin (store_ldap_load.c).  Failures are
 * CG_E_UNAVAILABLE with the reason in cg_store_why(NULL). */
cg_err cg_store_open_ldap(const struct cg_config *cfg, struct cg_store **out);
cg_err cg_store_check_ldap(const struct cg_config *cfg,
			   cg_store_report_fn say, void *arg);
void cg_store_set_open_why(const char *why);
const char *cg_store_open_why(void);

#endif
