/* NSS lookups for the policy and the store: a user's groups, whether NSS
 * knows a name, the canonical account of a uid.  Buffers grow until the
 * answer fits (huge LDAP groups) but stay bounded, and "not found" is
 * told apart from "NSS failed": a directory that is down has deleted
 * nobody. */
#include "config.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cg_nss.h"

#define NSS_BUF_START 4096
#define NSS_BUF_MAX (4 * 1024 * 1024)   /* huge LDAP groups, but bounded */
#define GROUPS_START 64
#define GROUPS_MAX 65536                /* NGROUPS_MAX on Linux */

/* "Not found" as the getpwnam_r(3) family may report it. */
static bool nss_notfound(int rc)
{
	return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF ||
	       rc == EPERM;
}

/* "Buffer too small": ERANGE, or -1 with errno ERANGE as nss_wrapper
 * (and some NSS shims) report it. */
static bool nss_range(int rc)
{
	return rc == ERANGE || (rc == -1 && errno == ERANGE);
}

/* One getXXnam_r call, typed generically so one loop serves both. */
typedef int (*nss_get_fn)(const char *name, void *ent, char *buf, size_t sz,
			  bool *found);

static int passwd_get(const char *name, void *ent, char *buf, size_t sz,
		      bool *found)
{
	struct passwd *res = NULL;
	int rc = getpwnam_r(name, ent, buf, sz, &res);
	*found = res != NULL;
	return rc;
}

/* getpwuid_r through the same loop: the key is a uid_t in disguise. */
static int passwd_uid_get(const char *key, void *ent, char *buf, size_t sz,
			  bool *found)
{
	struct passwd *res = NULL;
	uid_t uid;
	int rc;

	memcpy(&uid, key, sizeof(uid));
	rc = getpwuid_r(uid, ent, buf, sz, &res);
	*found = res != NULL;
	return rc;
}

static int group_get(const char *name, void *ent, char *buf, size_t sz,
		     bool *found)
{
	struct group *res = NULL;
	int rc = getgrnam_r(name, ent, buf, sz, &res);
	*found = res != NULL;
	return rc;
}

/* A getXXnam_r lookup with a buffer grown on ERANGE.  On CG_NSS_FOUND the
 * caller frees *buf (the entry's strings live in it). */
static enum cg_nss_lookup nss_lookup(nss_get_fn get, const char *name, void *ent,
			      char **buf)
{
	size_t sz = NSS_BUF_START;
	char *b = NULL, *grown;
	bool found = false;
	int rc;

	for (;;) {
		if ((grown = realloc(b, sz)) == NULL) {
			free(b);
			return CG_NSS_ERROR;
		}
		b = grown;
		errno = 0;
		rc = get(name, ent, b, sz, &found);
		if (!nss_range(rc) || sz >= NSS_BUF_MAX)
			break;
		sz *= 2;
	}
	if (found) {
		*buf = b;
		return CG_NSS_FOUND;
	}
	free(b);
	return nss_notfound(rc) ? CG_NSS_NOENT : CG_NSS_ERROR;
}

enum cg_nss_lookup cg_nss_passwd(const char *name, struct passwd *pw,
				 char **buf)
{
	return nss_lookup(passwd_get, name, pw, buf);
}

enum cg_nss_lookup cg_nss_group(const char *name, struct group *gr,
				char **buf)
{
	return nss_lookup(group_get, name, gr, buf);
}

/* Every group of the user, primary first, the list grown until it fits. */
static cg_err user_groups(const char *name, gid_t primary, gid_t **out,
			  int *nout)
{
	gid_t *gids = NULL, *grown;
	int n = GROUPS_START, want;

	for (;;) {
		grown = reallocarray(gids, (size_t)n, sizeof(*gids));
		if (grown == NULL) {
			free(gids);
			return CG_E_NOMEM;
		}
		gids = grown;
		want = n;
		if (getgrouplist(name, primary, gids, &want) != -1)
			break;
		/* want is now the size needed (glibc); grow at least 2x. */
		if (n >= GROUPS_MAX) {
			free(gids);
			return CG_E_TOOBIG;
		}
		n = want > n ? want : n * 2;
		if (n > GROUPS_MAX)
			n = GROUPS_MAX;
	}
	for (int i = 1; i < want; i++) {
		if (gids[i] == primary) {
			gids[i] = gids[0];
			gids[0] = primary;
			break;
		}
	}
	*out = gids;
	*nout = want;
	return CG_OK;
}

/* A lookup's answer as a cg_err: CG_OK, CG_E_NOENT, or CG_E_IO. */
static cg_err lookup_err(enum cg_nss_lookup r)
{
	return r == CG_NSS_FOUND ? CG_OK : r == CG_NSS_NOENT ? CG_E_NOENT :
	       CG_E_IO;
}

cg_err cg_user_canonical(const char *name, char out[CG_USER_NAME_LEN + 1],
			 uid_t *uid_out)
{
	struct passwd pw;
	char *buf = NULL, key[sizeof(uid_t)];
	uid_t uid;
	cg_err err = CG_E_IO;

	if (name == NULL || out == NULL)
		return CG_E_INVAL;
	out[0] = '\0';
	if ((err = lookup_err(cg_nss_passwd(name, &pw, &buf))) != CG_OK)
		return err;
	uid = pw.pw_uid;
	free(buf);
	buf = NULL;
	/* The account that owns the uid: an alias entry (another name,
	 * the same uid) is that account, not a user of its own. */
	memcpy(key, &uid, sizeof(uid));
	switch (nss_lookup(passwd_uid_get, key, &pw, &buf)) {
	case CG_NSS_NOENT:
		err = CG_E_NOENT;
		goto out;
	case CG_NSS_ERROR:
		goto out;
	case CG_NSS_FOUND:
		break;
	}
	err = CG_E_NAME;
	if (!cg_user_name_valid(pw.pw_name))
		goto out;
	memcpy(out, pw.pw_name, strlen(pw.pw_name) + 1);
	if (uid_out != NULL)
		*uid_out = uid;
	err = CG_OK;
 out:
	free(buf);
	return err;
}

cg_err cg_user_info_lookup(const char *user, struct cg_user_info *out)
{
	struct passwd pw;
	char *buf = NULL;
	cg_err err;

	if (user == NULL || out == NULL)
		return CG_E_INVAL;
	memset(out, 0, sizeof(*out));
	if ((err = lookup_err(cg_nss_passwd(user, &pw, &buf))) != CG_OK)
		return err;
	/* Match on the name NSS returns: a case-insensitive directory
	 * answers "Alice" with the canonical "alice". */
	if (strlen(pw.pw_name) >= sizeof(out->name)) {
		err = CG_E_NAME;
		goto out;
	}
	snprintf(out->name, sizeof(out->name), "%s", pw.pw_name);
	out->uid = pw.pw_uid;
	err = user_groups(pw.pw_name, pw.pw_gid, &out->gids, &out->ngids);
 out:
	free(buf);
	if (err != CG_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

void cg_user_info_free(struct cg_user_info *u)
{
	if (u == NULL)
		return;
	free(u->gids);
	memset(u, 0, sizeof(*u));
}

cg_err cg_user_known(const char *user)
{
	struct passwd pw;
	char *buf = NULL;
	cg_err err;

	if (user == NULL)
		return CG_E_INVAL;
	err = lookup_err(cg_nss_passwd(user, &pw, &buf));
	free(buf);
	return err;
}
