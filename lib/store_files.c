/* The files backend of the store: one root-only directory, one state file
 * per user ("USER"), one lock file per user (".USER.lock") and, only
 * while a write is under way, one temp file per user (".USER.tmp").
 * Every name used here is a checked user name relative to the checked
 * directory fd, so nothing a user controls becomes a path.
 *
 * Exclusivity is pessimistic: read_locked takes flock on the lock file
 * before reading, and holds it until release, after the directory fsync.
 * The temp name is fixed per user: only the lock holder writes it, and a
 * temp file left by a writer killed mid-write (SIGKILL cannot be blocked)
 * is removed by the next write under the same lock.  Names starting with
 * '.' are never user names, so lock and temp files cannot collide with a
 * state file; ".A.tmp" can never equal ".B.lock". */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "safefile.h"
#include "store.h"
#include "store_backend.h"
#include "wipe.h"

_Static_assert(CG_USER_NAME_LEN < CG_USER_MAX, "user buffer");
_Static_assert(CG_USER_NAME_LEN + 6 <= NAME_MAX, "lock file name");

/* ".USER.lock", ".USER.tmp" */
#define AUX_NAME_SIZE (CG_USER_NAME_LEN + 7)

struct files_store {
	int dirfd;
};

/* One open transaction: the held lock. */
struct files_txn {
	int lockfd;
	char user[CG_USER_MAX];
};

/* ".USER.SUFFIX"; user passed cg_user_name_valid (<= CG_USER_NAME_LEN),
 * suffix is "lock" or "tmp". */
static void aux_name(char out[AUX_NAME_SIZE], const char *user,
		     const char *suffix)
{
	size_t u = strnlen(user, CG_USER_NAME_LEN), x = strnlen(suffix, 4);

	out[0] = '.';
	memcpy(out + 1, user, u);
	out[1 + u] = '.';
	memcpy(out + 2 + u, suffix, x);
	out[2 + u + x] = '\0';
}

cg_err cg_store_files_open(const char *state_dir, void **be_out)
{
	struct files_store *fs;
	cg_err e;

	*be_out = NULL;
	if ((fs = calloc(1, sizeof *fs)) == NULL)
		return CG_E_NOMEM;
	/* Root's, and nobody else may even list it: 077 forbidden. */
	if ((e = cg_open_dir(state_dir, 077, &fs->dirfd)) != CG_OK) {
		free(fs);
		return e;
	}
	*be_out = fs;
	return CG_OK;
}

static void files_close(void *be)
{
	struct files_store *fs = be;

	if (fs == NULL)
		return;
	if (fs->dirfd >= 0)
		close(fs->dirfd);
	free(fs);
}

/* Read and parse the user's file: regular, one link, trusted owner, no
 * group/other bits at all. */
static cg_err files_read(void *be, const char *user, struct cg_state *out,
			 unsigned *bad_line)
{
	struct files_store *fs = be;
	char *text = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err r;

	if ((r = cg_openat_file(fs->dirfd, user, O_RDONLY, 077, &fd,
				NULL)) != CG_OK)
		goto out;
	if ((r = cg_read_all(fd, CG_STATE_MAX_BYTES, &text, &len)) != CG_OK)
		goto out;
	r = cg_state_parse(text, len, out, bad_line);
 out:
	if (fd >= 0)
		close(fd);
	if (text != NULL)
		cg_freezero(text, len + 1);
	return r;
}

static cg_err files_read_locked(void *be, const char *user, void **h,
				struct cg_state *st, unsigned *bad_line)
{
	struct files_store *fs = be;
	struct files_txn *t;
	char lock[AUX_NAME_SIZE];
	cg_err e;

	*h = NULL;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return CG_E_NOMEM;
	aux_name(lock, user, "lock");
	if ((e = cg_lock_file(fs->dirfd, lock, CG_LOCK_TIMEOUT_MS,
			      &t->lockfd)) != CG_OK) {
		free(t);
		return e;
	}
	memcpy(t->user, user, strlen(user) + 1);  /* valid: < CG_USER_MAX */
	e = files_read(be, user, st, bad_line);
	if (e == CG_OK || e == CG_E_NOENT || cg_store_damaged(e)) {
		*h = t;
		return e;
	}
	close(t->lockfd);
	free(t);
	return e;
}

static void files_release(void *be, void *h)
{
	struct files_txn *t = h;

	(void)be;
	if (t == NULL)
		return;
	if (t->lockfd >= 0)
		close(t->lockfd);
	free(t);
}

/* Format st and write it under the held lock. */
static cg_err files_store(struct files_store *fs, struct files_txn *t,
			  const struct cg_state *st, bool replace)
{
	char tmp[AUX_NAME_SIZE];
	char *text = NULL;
	cg_err r;

	if ((r = cg_state_format(st, &text)) != CG_OK)
		goto out;
	aux_name(tmp, t->user, "tmp");
	r = cg_atomic_write_locked(fs->dirfd, t->user, tmp, text, strlen(text),
				   0600, replace);
 out:
	cg_free_string(text);
	return r;
}

static cg_err files_commit(void *be, void *h, const struct cg_state *old,
			   const struct cg_state *st)
{
	(void)old;      /* the lock makes it exclusive: nothing to compare */
	return files_store(be, h, st, true);
}

static cg_err files_create(void *be, void *h, const struct cg_state *st)
{
	return files_store(be, h, st, false);
}

/* The state file, then the lock file while we still hold it: a waiter
 * that then gets the lock finds it no longer named and retakes it on a
 * fresh file (cg_lock_file), so removing it is safe.  A revocation must
 * survive a crash like any other update: the directory is synced. */
static cg_err files_remove(void *be, void *h)
{
	struct files_store *fs = be;
	struct files_txn *t = h;
	char lock[AUX_NAME_SIZE];

	if (unlinkat(fs->dirfd, t->user, 0) != 0)
		return errno == ENOENT ? CG_E_NOENT : CG_E_IO;
	aux_name(lock, t->user, "lock");
	if (unlinkat(fs->dirfd, lock, 0) != 0 && errno != ENOENT)
		return CG_E_IO;
	if (fsync(fs->dirfd) != 0)
		return CG_E_IO;
	return CG_OK;
}

/* Append a copy of name to the growing list. */
static cg_err list_add(char ***list, size_t *n, size_t *cap, const char *name)
{
	char **grown, *copy;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		if ((grown = reallocarray(*list, ncap, sizeof *grown)) == NULL)
			return CG_E_NOMEM;
		*list = grown;
		*cap = ncap;
	}
	if ((copy = strdup(name)) == NULL)
		return CG_E_NOMEM;
	(*list)[(*n)++] = copy;
	return CG_OK;
}

/* Is this directory entry a state file?  Lock and temp files start with
 * '.', so the name test drops them; lstat-like fstatat drops the rest. */
static bool is_state_entry(int dirfd, const char *name)
{
	struct stat st;

	if (!cg_user_name_valid(name))
		return false;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	return S_ISREG(st.st_mode);
}

static cg_err files_list(void *be, char ***users_out, size_t *n_out)
{
	struct files_store *fs = be;
	char **list = NULL;
	size_t n = 0, cap = 0;
	DIR *d = NULL;
	struct dirent *de;
	int fd;
	cg_err r;

	/* A fresh open of "." has its own offset; the store's fd is kept. */
	if ((fd = openat(fs->dirfd, ".", O_RDONLY | O_DIRECTORY |
			 O_CLOEXEC)) < 0 || (d = fdopendir(fd)) == NULL) {
		r = CG_E_IO;
		goto out;
	}
	fd = -1;
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (!is_state_entry(dirfd(d), de->d_name))
			continue;
		if ((r = list_add(&list, &n, &cap, de->d_name)) != CG_OK)
			goto out;
	}
	if (errno != 0) {
		r = CG_E_IO;
		goto out;
	}
	*users_out = list;
	*n_out = n;
	list = NULL;
	r = CG_OK;
 out:
	if (fd >= 0)
		close(fd);
	if (d != NULL)
		closedir(d);
	cg_store_list_free(list, n);
	return r;
}

const struct cg_store_ops cg_store_files_ops = {
	.name = "files",
	.read_locked = files_read_locked,
	.commit = files_commit,
	.create = files_create,
	.remove = files_remove,
	.release = files_release,
	.read = files_read,
	.list = files_list,
	.close = files_close,
};
