/* The ldap backend of the store (store_backend.h): a user's state is the
 * token entry of the OATH-LDAP schema that ldap_client.h reads and
 * writes, shared by every host of the fleet.  Built into the plugin
 * store_ldap.so with libldap; the core loads it (store_ldap_load.c) only
 * when a configuration says "store = ldap".
 *
 * Exclusivity is optimistic: read_locked takes nothing; commit is one
 * compare-and-set modify against what was read, and CG_E_CONFLICT makes
 * the transaction layer read again and decide again.  So of any number of
 * logins racing on any number of hosts with one code, one records the
 * step and the others then see it as used; and every counted failure
 * lands on the one token, whichever host counted it.
 *
 * The connection is made at the first operation that needs it (a
 * break-glass user never needs it) and kept for the store's life.  A
 * snapshot read (the module's "enrolled?" check before the prompt) is kept for the next transaction on the same user, which then
 * starts without a round trip: if the entry changed since, the
 * compare-and-set fails and the retry reads afresh, so a stale copy can
 * only ever cost a retry or, where nothing is written (a lock-out seen),
 * a denial.  A login is then three operations: find the token, read it,
 * one modify.
 *
 * The store's decoy (store.h: what a login for a user with no state is
 * judged against, so its timing does not tell) is the token entry
 * cn=-decoy,<token_base>, which no user points to.  A snapshot read that
 * finds no token reads the decoy too, as a read of a token would cost,
 * and keeps it for the decoy's transaction after the prompt: so before
 * the prompt every user costs two searches, after it one modify.
 *
 * The break-glass users of [ldap] local_users are passed to the files
 * backend on state_dir, opened on first use. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ldap_client.h"
#include "store.h"
#include "store_backend.h"
#include "store_ldap_plugin.h"
#include "wipe.h"

struct ldap_store {
	const struct cg_config *cfg;       /* borrowed: outlives the store */
	struct cg_ldap *l;                 /* NULL until first needed */
	void *files;                       /* files backend, local users */
	struct ldap_txn *cached;           /* last snapshot read */
	struct ldap_txn *cached_decoy;     /* the decoy, read with it */
	char why[1024];
};

/* What one transaction (or one snapshot read) holds. */
struct ldap_txn {
	void *files_h;                     /* a local user's transaction */
	bool local;
	bool decoy;                        /* the decoy's entry */
	char user[CG_USER_MAX];
	char *user_dn;                     /* NULL: no entry for the user */
	char *token_dn;                    /* NULL: no token */
	bool totp_user;
	struct cg_ldap_token *tok;         /* NULL: none, or not readable */
	cg_err found;
};

static void txn_free(struct ldap_txn *t)
{
	if (t == NULL)
		return;
	free(t->user_dn);
	free(t->token_dn);
	cg_ldap_token_free(t->tok);
	free(t);
}

/* A break-glass user (whatever "store =" says: migrate opens this
 * backend on a files host too). */
static bool is_local(const struct ldap_store *s, const char *user)
{
	return cg_config_local_user(s->cfg, user);
}

static cg_err files(struct ldap_store *s)
{
	cg_err e;

	if (s->files != NULL)
		return CG_OK;
	e = cg_store_files_open(s->cfg->defaults.state_dir,
				s->cfg->defaults.host_key, &s->files);
	if (e != CG_OK)
		snprintf(s->why, sizeof(s->why), "%.400s: %s",
			 s->cfg->defaults.state_dir, cg_strerror(e));
	return e;
}

static cg_err connected(struct ldap_store *s)
{
	if (s->l != NULL)
		return CG_OK;
	return cg_ldap_connect(&s->cfg->ldap, &s->l, s->why, sizeof(s->why));
}

/* The failure's reason, kept for cg_store_why(). */
static cg_err failed(struct ldap_store *s, cg_err e)
{
	if (s->l != NULL && cg_ldap_why(s->l)[0] != '\0')
		snprintf(s->why, sizeof(s->why), "%s", cg_ldap_why(s->l));
	if (e == CG_E_UNAVAILABLE && s->l != NULL) {
		/* The connection may be dead: the next try reconnects. */
		cg_ldap_close(s->l);
		s->l = NULL;
	}
	return e;
}

/* Find and read the user's token: t->found says what was there. */
static cg_err fetch(struct ldap_store *s, struct ldap_txn *t,
		    struct cg_state *st)
{
	cg_err e;

	if ((e = connected(s)) != CG_OK)
		return e;
	e = cg_ldap_find(s->l, t->user, &t->user_dn, &t->token_dn,
			 &t->totp_user);
	if (e == CG_OK)
		e = cg_ldap_read(s->l, t->token_dn, &t->tok, st);
	if (e != CG_OK && e != CG_E_NOENT && !cg_store_damaged(e))
		return failed(s, e);
	if (e != CG_OK)
		(void)failed(s, e);     /* keep the reason, not an error */
	t->found = e;
	return CG_OK;
}

static bool is_decoy(const char *user)
{
	return strcmp(user, CG_STORE_DECOY) == 0;
}

/* Read the decoy's entry: t->found is CG_E_NOENT before its first use. */
static cg_err fetch_decoy(struct ldap_store *s, struct ldap_txn *t,
			  struct cg_state *st)
{
	cg_err e;

	t->decoy = true;
	if ((e = connected(s)) != CG_OK)
		return e;
	if (t->token_dn == NULL &&
	    asprintf(&t->token_dn, "cn=%s,%s", CG_STORE_DECOY,
		     s->cfg->ldap.token_base) < 0) {
		t->token_dn = NULL;
		return CG_E_NOMEM;
	}
	e = cg_ldap_read_entry(s->l, t->token_dn, &t->tok, st);
	if (e != CG_OK && e != CG_E_NOENT && !cg_store_damaged(e))
		return failed(s, e);
	t->found = e;
	return CG_OK;
}

static cg_err new_txn(const char *user, struct ldap_txn **out);

/* Keep a read of the decoy for the transaction after the prompt. */
static void prefetch_decoy(struct ldap_store *s)
{
	struct ldap_txn *t = NULL;
	struct cg_state scratch;

	if (s->cached_decoy != NULL || new_txn(CG_STORE_DECOY, &t) != CG_OK)
		return;
	cg_state_init(&scratch);
	if (fetch_decoy(s, t, &scratch) == CG_OK)
		s->cached_decoy = t;
	else
		txn_free(t);
	cg_state_wipe(&scratch);
}

static cg_err new_txn(const char *user, struct ldap_txn **out)
{
	struct ldap_txn *t = calloc(1, sizeof(*t));

	*out = t;
	if (t == NULL)
		return CG_E_NOMEM;
	snprintf(t->user, sizeof(t->user), "%s", user);
	return CG_OK;
}

static cg_err ldap_read_locked(void *be, struct cg_store_txn *txn, void **h)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = NULL;
	const char *user = txn->user;
	struct cg_state *st = &txn->st;
	cg_err e;

	*h = NULL;
	if (is_local(s, user)) {
		if ((e = files(s)) != CG_OK || (e = new_txn(user, &t)) != CG_OK)
			return e;
		t->local = true;
		e = cg_store_files_ops.read_locked(s->files, txn, &t->files_h);
		if (t->files_h == NULL) {
			txn_free(t);
			return e;
		}
		*h = t;
		return e;
	}
	if (is_decoy(user) && s->cached_decoy != NULL && s->l != NULL) {
		t = s->cached_decoy;
		s->cached_decoy = NULL;
		if (t->tok != NULL &&
		    cg_ldap_token_to_state(s->l, t->tok, st) != CG_OK) {
			txn_free(t);
			t = NULL;
		}
	} else if (s->cached != NULL && s->l != NULL &&
		   strcmp(s->cached->user, user) == 0) {
		/* The snapshot just read: its token converts again. */
		t = s->cached;
		s->cached = NULL;
		if (t->tok != NULL &&
		    cg_ldap_token_to_state(s->l, t->tok, st) != CG_OK) {
			txn_free(t);
			t = NULL;
		}
	}
	if (t == NULL) {
		if ((e = new_txn(user, &t)) != CG_OK)
			return e;
		e = is_decoy(user) ? fetch_decoy(s, t, st) : fetch(s, t, st);
		if (e != CG_OK) {
			txn_free(t);
			return e;
		}
	}
	*h = t;
	return t->found;
}

static cg_err ldap_create(void *be, void *h, const struct cg_state *st)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = h;
	cg_err e;

	if (t->local)
		return cg_store_files_ops.create(s->files, t->files_h, st);
	if (t->decoy) {
		if ((e = connected(s)) != CG_OK)
			return e;
		e = cg_ldap_create_entry(s->l, CG_STORE_DECOY, st,
					 s->cfg->defaults.window);
		return e == CG_OK ? CG_OK : failed(s, e);
	}
	if (t->user_dn == NULL) {
		snprintf(s->why, sizeof(s->why), "no entry uid=%.250s under "
			 "%.600s", t->user, s->cfg->ldap.user_base);
		return CG_E_NOENT;
	}
	if ((e = connected(s)) != CG_OK)
		return e;
	e = cg_ldap_create(s->l, t->user, t->user_dn, t->totp_user, st,
			   s->cfg->defaults.window);
	return e == CG_OK ? CG_OK : failed(s, e);
}

static cg_err ldap_remove(void *be, void *h)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = h;
	cg_err e;

	if (t->local)
		return cg_store_files_ops.remove(s->files, t->files_h);
	if (t->token_dn == NULL || (t->user_dn == NULL && !t->decoy))
		return CG_E_NOENT;
	if ((e = connected(s)) != CG_OK)
		return e;
	e = t->decoy ? cg_ldap_delete(s->l, t->token_dn) :
		       cg_ldap_remove(s->l, t->user_dn, t->token_dn);
	return e == CG_OK ? CG_OK : failed(s, e);
}

static cg_err ldap_commit(void *be, void *h, const struct cg_state *old,
			  const struct cg_state *st)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = h;
	cg_err e;

	if (t->local)
		return cg_store_files_ops.commit(s->files, t->files_h, old, st);
	if (old == NULL || t->tok == NULL) {
		/* Over a damaged token (add --force, a decoy that does not
		 * convert): a new one. */
		if ((e = ldap_remove(be, h)) != CG_OK && e != CG_E_NOENT &&
		    !(t->decoy && e == CG_E_CONFLICT))
			return e;
		t->totp_user = false;
		return ldap_create(be, h, st);
	}
	if ((e = connected(s)) != CG_OK)
		return e;
	e = cg_ldap_commit(s->l, t->tok, old, st, s->cfg->defaults.window,
			   t->decoy);
	return e == CG_OK ? CG_OK : failed(s, e);
}

static void ldap_release(void *be, void *h)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = h;

	if (t == NULL)
		return;
	if (t->local)
		cg_store_files_ops.release(s->files, t->files_h);
	txn_free(t);
}

static cg_err ldap_read(void *be, const char *user, struct cg_state *st,
			unsigned *bad_line)
{
	struct ldap_store *s = be;
	struct ldap_txn *t = NULL;
	cg_err e;

	if (is_local(s, user)) {
		if ((e = files(s)) != CG_OK)
			return e;
		return cg_store_files_ops.read(s->files, user, st, bad_line);
	}
	if ((e = new_txn(user, &t)) != CG_OK)
		return e;
	if ((e = fetch(s, t, st)) != CG_OK) {
		txn_free(t);
		return e;
	}
	e = t->found;
	txn_free(s->cached);
	s->cached = t;
	/* No token: the decoy is read now, as a token would have been. */
	if (e == CG_E_NOENT || is_decoy(user))
		prefetch_decoy(s);
	return e;
}

/* The directory's users, and the local users that have files state. */
static cg_err ldap_list(void *be, char ***users, size_t *n)
{
	struct ldap_store *s = be;
	char **local = NULL, **all;
	size_t nlocal = 0;
	cg_err e;

	*users = NULL;
	*n = 0;
	if ((e = connected(s)) != CG_OK)
		return e;
	if ((e = cg_ldap_list(s->l, users, n)) != CG_OK)
		return failed(s, e);
	if (s->cfg->ldap.nlocal_users == 0 || files(s) != CG_OK)
		return CG_OK;
	if (cg_store_files_ops.list(s->files, &local, &nlocal) != CG_OK)
		return CG_OK;
	all = reallocarray(*users, *n + nlocal, sizeof(*all));
	if (all == NULL) {
		cg_store_list_free(local, nlocal);
		return CG_E_NOMEM;
	}
	*users = all;
	for (size_t i = 0; i < nlocal; i++) {
		if (is_local(s, local[i])) {
			all[(*n)++] = local[i];
			local[i] = NULL;
		}
	}
	cg_store_list_free(local, nlocal);
	return CG_OK;
}

static const char *ldap_why(void *be)
{
	return ((struct ldap_store *)be)->why;
}

static void ldap_close(void *be)
{
	struct ldap_store *s = be;

	if (s == NULL)
		return;
	txn_free(s->cached);
	txn_free(s->cached_decoy);
	cg_ldap_close(s->l);
	if (s->files != NULL)
		cg_store_files_ops.close(s->files);
	free(s);
}

static const struct cg_store_ops ldap_ops = {
	.name = "ldap",
	.read_locked = ldap_read_locked,
	.commit = ldap_commit,
	.create = ldap_create,
	.remove = ldap_remove,
	.release = ldap_release,
	.read = ldap_read,
	.list = ldap_list,
	.why = ldap_why,
	.close = ldap_close,
};

static cg_err ldap_open(const struct cg_config *cfg, void **be_out)
{
	struct ldap_store *s = calloc(1, sizeof(*s));

	*be_out = NULL;
	if (s == NULL)
		return CG_E_NOMEM;
	s->cfg = cfg;
	*be_out = s;
	return CG_OK;
}

/* For check-config: connect, schema, who sees secrets, every token. */
static cg_err ldap_check(const struct cg_config *cfg, cg_store_report_fn say,
			 void *arg)
{
	return cg_store_ldap_check(cfg, say, arg);
}

const struct cg_store_ldap_plugin cg_store_ldap_plugin = {
	.abi = CG_STORE_LDAP_ABI,
	.state_size = sizeof(struct cg_state),
	.config_size = sizeof(struct cg_config),
	.ops = &ldap_ops,
	.open = ldap_open,
	.check = ldap_check,
};
