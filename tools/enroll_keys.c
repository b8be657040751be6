/* credgate-enroll init and rekey: the host key that seals every state.
 *
 * init:  create the host key if there is none; then bring every state up
 *        to date (a clear format-1 file is sealed), so a backup taken
 *        afterwards holds no secret in the clear.
 * rekey: create HOST_KEY.new (or resume with one an interrupted rekey
 *        left), re-seal every state and every kept credential version
 *        (versions.h) under it, and only when all of them are done
 *        rename it over HOST_KEY.  Meanwhile the module reads
 *        with both keys and writes with the new one (store_files.c), so
 *        logins go on during a rekey. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "enroll.h"
#include "seal.h"
#include "versions.h"

#define REKEY_PASSES 3

struct reseal_count {
	size_t looked, written, failed;
};

/* One state: write it back unchanged when it is stale.  *wrote says
 * whether this (the last) call asked for the write. */
static cg_err reseal_txn(struct cg_store_txn *txn, void *arg)
{
	bool *wrote = arg;

	*wrote = false;
	if (txn->found == CG_E_NOENT)
		return CG_OK;                 /* revoked meanwhile */
	if (txn->found != CG_OK)
		return txn->found;
	if (txn->stale) {
		txn->op = CG_STORE_WRITE;
		*wrote = true;
	}
	return CG_OK;
}

/* Every listed state through reseal_txn; each failure is reported. */
static int reseal_all(struct enroll_ctx *c, struct reseal_count *n)
{
	char **users = NULL;
	size_t count = 0;
	unsigned line;
	bool wrote;
	cg_err e;

	memset(n, 0, sizeof(*n));
	if ((e = cg_store_list(c->store, &users, &count)) != CG_OK) {
		enroll_err("cannot list the state directory: %s",
			   cg_strerror(e));
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		line = 0;
		wrote = false;
		n->looked++;
		e = cg_store_update(c->store, users[i], reseal_txn, &wrote,
				    &line);
		if (e == CG_OK) {
			n->written += wrote;
			continue;
		}
		memcpy(c->target, users[i], strlen(users[i]) + 1);
		enroll_state_error(c, e, line);
		n->failed++;
	}
	cg_store_list_free(users, count);
	c->target[0] = '\0';
	return 0;
}

static void print_key(const char *what, const char *path,
		      const struct cg_key *k)
{
	char id[2 * CG_KEY_ID_LEN + 1];

	cg_key_id_hex(k, id);
	printf("host key %s: %s (id %s)\n", path, what, id);
}

static int key_error(const char *path, cg_err e)
{
	enroll_err("host key %s: %s", path, cg_strerror(e));
	return ENROLL_EXIT_ERROR;
}

int enroll_cmd_init(struct enroll_ctx *c)
{
	const char *path = c->cfg->defaults.host_key;
	struct reseal_count n;
	struct cg_key k;
	cg_err e;

	e = cg_key_load(path, &k);
	if (e == CG_OK) {
		print_key("present", path, &k);
	} else if (e == CG_E_NOENT && (e = cg_key_create(path, &k)) == CG_OK) {
		print_key("created", path, &k);
		enroll_audit(c, "init", "ok", "key_created", NULL, 0);
	} else {
		enroll_audit(c, "init", "failed", "host_key", NULL, 0);
		return key_error(path, e);
	}
	cg_key_wipe(&k);
	if (reseal_all(c, &n) != 0)
		return ENROLL_EXIT_ERROR;
	printf("%zu states, %zu of them sealed now%s\n", n.looked, n.written,
	       n.failed > 0 ? "; some could not be read (above)" : "");
	return n.failed > 0 ? ENROLL_EXIT_ERROR : ENROLL_EXIT_OK;
}

/* The new key: the one an interrupted rekey left, else a fresh one. */
static int new_key(const char *newpath, struct cg_key *k)
{
	cg_err e = cg_key_load(newpath, k);

	if (e == CG_OK) {
		print_key("resuming an unfinished rekey with", newpath, k);
		return 0;
	}
	if (e == CG_E_NOENT && (e = cg_key_create(newpath, k)) == CG_OK) {
		print_key("created", newpath, k);
		return 0;
	}
	return key_error(newpath, e);
}

/* The kept versions of credentials (credgate put) are sealed under the
 * host key too: move them to the new one, in passes as the states (a put
 * that loaded the old key just before HOST_KEY.new appeared may still
 * seal one under it). */
static int reseal_versions(struct enroll_ctx *c, const char *path,
			   const char *newpath)
{
	struct cg_key old, k;
	char failed[CG_NAME_MAX] = "";
	size_t count = 0, total = 0;
	cg_err e;

	if ((e = cg_key_load(path, &old)) != CG_OK)
		return key_error(path, e);
	if ((e = cg_key_load(newpath, &k)) != CG_OK) {
		cg_key_wipe(&old);
		return key_error(newpath, e);
	}
	for (int pass = 0; pass < REKEY_PASSES; pass++) {
		e = cg_versions_rekey(c->cfg->defaults.versions_dir, &old, &k,
				      &count, failed, sizeof(failed));
		total += count;
		if (e != CG_OK || count == 0)
			break;
	}
	cg_key_wipe(&old);
	cg_key_wipe(&k);
	if (e != CG_OK || count != 0) {
		enroll_err("versions of credential %s could not be re-sealed: "
			   "%s", failed[0] != '\0' ? failed : "(several)",
			   e != CG_OK ? cg_strerror(e) : "they kept appearing "
			   "under the old key");
		enroll_err("%s is kept, and both keys stay in use until rekey "
			   "runs again", newpath);
		enroll_audit(c, "rekey", "failed", "versions_error", NULL, 0);
		return ENROLL_EXIT_ERROR;
	}
	if (total > 0)
		printf("%zu credential versions re-sealed\n", total);
	return 0;
}

int enroll_cmd_rekey(struct enroll_ctx *c)
{
	const char *path = c->cfg->defaults.host_key;
	char newpath[PATH_MAX];
	struct reseal_count n;
	struct cg_key old, k;
	int rc;
	cg_err e;

	if ((e = cg_key_load(path, &old)) != CG_OK)
		return key_error(path, e);
	print_key("current", path, &old);
	cg_key_wipe(&old);
	if (cg_key_new_path(path, newpath, sizeof(newpath)) != CG_OK)
		return key_error(path, CG_E_TOOBIG);
	if ((rc = new_key(newpath, &k)) != 0) {
		enroll_audit(c, "rekey", "failed", "host_key", NULL, 0);
		return rc;
	}
	cg_key_wipe(&k);
	/* A state enrolled while the first pass listed the directory may
	 * have been sealed under the old key: passes go on until one finds
	 * nothing left to re-seal. */
	for (int pass = 0; pass < REKEY_PASSES; pass++) {
		if (reseal_all(c, &n) != 0)
			return ENROLL_EXIT_ERROR;
		if (n.failed > 0 || n.written == 0)
			break;
	}
	if (n.failed > 0 || n.written > 0) {
		if (n.failed > 0)
			enroll_err("%zu states could not be re-sealed",
				   n.failed);
		else
			enroll_err("states kept appearing under the old key");
		enroll_err("%s is kept, and both keys stay in use until rekey "
			   "runs again", newpath);
		enroll_audit(c, "rekey", "failed", "state_error", NULL, 0);
		return ENROLL_EXIT_ERROR;
	}
	if ((rc = reseal_versions(c, path, newpath)) != 0)
		return rc;
	if ((e = cg_key_promote(path)) != CG_OK) {
		enroll_audit(c, "rekey", "failed", "host_key", NULL, 0);
		return key_error(path, e);
	}
	printf("%zu states re-sealed; %s now holds the new key\n", n.looked,
	       path);
	enroll_audit(c, "rekey", "ok", NULL, NULL, 0);
	return ENROLL_EXIT_OK;
}
