/* The store's transaction layer: the one place where a user's state is
 * read, changed and written (DESIGN.md rule 3; the contract is in
 * store.h, the backend interface in store_backend.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "store_backend.h"
#include "wipe.h"

bool cg_store_damaged(cg_err e)
{
	return e == CG_E_PARSE || e == CG_E_TOOBIG || e == CG_E_UNSEAL;
}

cg_err cg_store_new(const struct cg_store_ops *ops, void *be,
		    struct cg_store **out)
{
	struct cg_store *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ops->close(be);
		return CG_E_NOMEM;
	}
	s->ops = ops;
	s->be = be;
	*out = s;
	return CG_OK;
}

cg_err cg_store_open_files(const char *state_dir, const char *host_key,
			   struct cg_store **out)
{
	void *be = NULL;
	cg_err e;

	*out = NULL;
	if ((e = cg_store_files_open(state_dir, host_key, &be)) != CG_OK)
		return e;
	return cg_store_new(&cg_store_files_ops, be, out);
}

cg_err cg_store_open_kind(const struct cg_config *cfg,
			  enum cg_store_kind kind, struct cg_store **out)
{
	cg_store_set_open_why(NULL);
	if (kind == CG_STORE_LDAP)
		return cg_store_open_ldap(cfg, out);
	return cg_store_open_files(cfg->defaults.state_dir,
				   cfg->defaults.host_key, out);
}

cg_err cg_store_open(const struct cg_config *cfg, struct cg_store **out)
{
	/* The choice of backend belongs here and nowhere else.  A failure
	 * to open the ldap store denies: never a fall back to files. */
	return cg_store_open_kind(cfg, cfg->defaults.store, out);
}

void cg_store_close(struct cg_store *store)
{
	if (store == NULL)
		return;
	store->ops->close(store->be);
	free(store);
}

const char *cg_store_backend(const struct cg_store *store)
{
	return store->ops->name;
}

const char *cg_store_why(const struct cg_store *store)
{
	const char *why;

	if (store == NULL)
		return cg_store_open_why();
	why = store->ops->why != NULL ? store->ops->why(store->be) : NULL;
	return why != NULL ? why : "";
}

const char *cg_store_reason(cg_err e)
{
	return e == CG_E_UNAVAILABLE ? "store_unavailable" : "state_error";
}

cg_err cg_store_check(const struct cg_config *cfg, cg_store_report_fn say,
		      void *arg)
{
	/* [ldap] is checked wherever it is set, also before "store = ldap"
	 * (migrate --to ldap needs it). */
	if (cfg->ldap.file == NULL)
		return CG_OK;
	return cg_store_check_ldap(cfg, say, arg);
}

/* Carry out what fn decided, in the open transaction h. */
static cg_err txn_apply(struct cg_store *s, void *h,
			const struct cg_store_txn *txn,
			const struct cg_state *old)
{
	switch (txn->op) {
	case CG_STORE_KEEP:
		return CG_OK;
	case CG_STORE_WRITE:
		if (txn->found == CG_E_NOENT)
			return s->ops->create(s->be, h, &txn->st);
		return s->ops->commit(s->be, h,
				      txn->found == CG_OK ? old : NULL,
				      &txn->st);
	case CG_STORE_REMOVE:
		if (txn->found == CG_E_NOENT)
			return CG_E_NOENT;
		return s->ops->remove(s->be, h);
	}
	return CG_E_INVAL;
}

/* One try: begin, fn, apply, end.  old is scratch for the state as read
 * (what an optimistic backend compares against). */
static cg_err txn_once(struct cg_store *s, const char *user, cg_store_fn fn,
		       void *arg, struct cg_store_txn *txn,
		       struct cg_state *old)
{
	void *h = NULL;
	cg_err e;

	cg_state_wipe(&txn->st);
	cg_state_init(&txn->st);
	txn->user = user;
	txn->bad_line = 0;
	txn->stale = false;
	txn->op = CG_STORE_KEEP;
	txn->found = s->ops->read_locked(s->be, txn, &h);
	if (txn->found != CG_OK && txn->found != CG_E_NOENT &&
	    !cg_store_damaged(txn->found)) {
		e = txn->found;
		goto out;
	}
	*old = txn->st;
	if ((e = fn(txn, arg)) != CG_OK)
		goto out;
	e = txn_apply(s, h, txn, old);
 out:
	s->ops->release(s->be, h);
	return e;
}

static cg_err update(struct cg_store *store, const char *user,
		     cg_store_fn fn, void *arg, unsigned *bad_line)
{
	struct cg_store_txn txn;
	struct cg_state old;
	cg_err e = CG_E_CONFLICT;

	memset(&txn, 0, sizeof(txn));
	cg_state_init(&old);
	for (int i = 0; i < CG_STORE_TRIES && e == CG_E_CONFLICT; i++)
		e = txn_once(store, user, fn, arg, &txn, &old);
	if (bad_line != NULL)
		*bad_line = txn.bad_line;
	cg_state_wipe(&txn.st);
	cg_state_wipe(&old);
	return e;
}

cg_err cg_store_update(struct cg_store *store, const char *user,
		       cg_store_fn fn, void *arg, unsigned *bad_line)
{
	if (bad_line != NULL)
		*bad_line = 0;
	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	return update(store, user, fn, arg, bad_line);
}

cg_err cg_store_update_decoy(struct cg_store *store, cg_store_fn fn,
			     void *arg)
{
	return update(store, CG_STORE_DECOY, fn, arg, NULL);
}

void cg_store_read_decoy(struct cg_store *store)
{
	struct cg_state st;

	cg_state_init(&st);
	(void)store->ops->read(store->be, CG_STORE_DECOY, &st, NULL);
	cg_state_wipe(&st);
}

static cg_err put_fn(struct cg_store_txn *txn, void *arg)
{
	const struct cg_state *st = arg;

	txn->st = *st;
	txn->op = CG_STORE_WRITE;
	return CG_OK;
}

static cg_err create_fn(struct cg_store_txn *txn, void *arg)
{
	if (txn->found != CG_E_NOENT)
		return CG_E_EXISTS;      /* a damaged state is still a state */
	return put_fn(txn, arg);
}

cg_err cg_store_create(struct cg_store *store, const char *user,
		       const struct cg_state *st)
{
	return cg_store_update(store, user, create_fn, (void *)st, NULL);
}

struct put_arg {
	const struct cg_state *st;
	bool replaced;
};

static cg_err put_any_fn(struct cg_store_txn *txn, void *arg)
{
	struct put_arg *p = arg;

	p->replaced = txn->found != CG_E_NOENT;
	return put_fn(txn, (void *)p->st);
}

cg_err cg_store_put(struct cg_store *store, const char *user,
		    const struct cg_state *st, bool *replaced)
{
	struct put_arg p = { st, false };
	cg_err e = cg_store_update(store, user, put_any_fn, &p, NULL);

	if (replaced != NULL)
		*replaced = e == CG_OK && p.replaced;
	return e;
}

static cg_err remove_fn(struct cg_store_txn *txn, void *arg)
{
	(void)arg;
	if (txn->found == CG_E_NOENT)
		return CG_E_NOENT;
	txn->op = CG_STORE_REMOVE;
	return CG_OK;
}

cg_err cg_store_remove(struct cg_store *store, const char *user)
{
	return cg_store_update(store, user, remove_fn, NULL, NULL);
}

cg_err cg_store_read(struct cg_store *store, const char *user,
		     struct cg_state *out, unsigned *bad_line)
{
	cg_err e;

	if (bad_line != NULL)
		*bad_line = 0;
	cg_state_init(out);
	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	if ((e = store->ops->read(store->be, user, out, bad_line)) != CG_OK) {
		cg_state_wipe(out);
		cg_state_init(out);
	}
	return e;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

cg_err cg_store_list(struct cg_store *store, char ***users_out, size_t *n_out)
{
	cg_err e;

	*users_out = NULL;
	*n_out = 0;
	if ((e = store->ops->list(store->be, users_out, n_out)) != CG_OK)
		return e;
	if (*n_out > 1)
		qsort(*users_out, *n_out, sizeof(**users_out), name_cmp);
	return CG_OK;
}

void cg_store_list_free(char **users, size_t n)
{
	if (users == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(users[i]);
	free(users);
}
