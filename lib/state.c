/* The state store: one root-only directory, one file per user, one lock
 * file per user.  Every name used here is a checked user name relative to
 * the checked directory fd, so nothing a user controls becomes a path. */
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
#include "state.h"
#include "wipe.h"

_Static_assert(CG_USER_NAME_LEN < CG_USER_MAX, "user buffer");
_Static_assert(CG_USER_NAME_LEN <= CG_ATOMIC_NAME_MAX, "temp file name");
_Static_assert(CG_USER_NAME_LEN + 6 <= NAME_MAX, "lock file name");

/* Lock file name ".USER.lock" */
#define LOCK_NAME_SIZE (CG_USER_NAME_LEN + 7)

cg_err cg_store_open(const char *state_dir, struct cg_store *out)
{
	out->dirfd = -1;
	/* Root's, and nobody else may even list it: 077 forbidden. */
	return cg_open_dir(state_dir, 077, &out->dirfd);
}

void cg_store_close(struct cg_store *store)
{
	if (store != NULL && store->dirfd >= 0) {
		close(store->dirfd);
		store->dirfd = -1;
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

cg_err cg_store_list(struct cg_store *store, char ***users_out, size_t *n_out)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	DIR *d = NULL;
	struct dirent *de;
	int fd;
	cg_err r;

	*users_out = NULL;
	*n_out = 0;
	/* A fresh open of "." has its own offset; the store's fd is kept. */
	if ((fd = openat(store->dirfd, ".", O_RDONLY | O_DIRECTORY |
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
	if (n > 0)
		qsort(list, n, sizeof *list, name_cmp);
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

void cg_store_list_free(char **users, size_t n)
{
	if (users == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(users[i]);
	free(users);
}

cg_err cg_state_lock(struct cg_store *store, const char *user,
		     unsigned timeout_ms, struct cg_state_lock *lock_out)
{
	char name[LOCK_NAME_SIZE];

	lock_out->fd = -1;
	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	snprintf(name, sizeof name, ".%s.lock", user);
	return cg_lock_file(store->dirfd, name, timeout_ms, &lock_out->fd);
}

void cg_state_unlock(struct cg_state_lock *lock)
{
	/* The lock file stays: unlinking it would let a waiter lock a file
	 * that a newcomer no longer sees. */
	if (lock != NULL && lock->fd >= 0) {
		close(lock->fd);
		lock->fd = -1;
	}
}

cg_err cg_state_read(struct cg_store *store, const char *user,
		     struct cg_state *out, unsigned *bad_line)
{
	char *text = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err r;

	if (bad_line != NULL)
		*bad_line = 0;
	cg_state_init(out);
	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	/* Regular, one link, trusted owner, no group/other bits at all. */
	if ((r = cg_openat_file(store->dirfd, user, O_RDONLY, 077, &fd,
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

/* Format st and hand it to cg_atomic_replace or cg_atomic_create. */
static cg_err state_store(struct cg_store *store, const char *user,
			  const struct cg_state *st, bool create)
{
	char *text = NULL;
	cg_err r;

	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	if ((r = cg_state_format(st, &text)) != CG_OK)
		goto out;
	if (create)
		r = cg_atomic_create(store->dirfd, user, text, strlen(text),
				     0600);
	else
		r = cg_atomic_replace(store->dirfd, user, text, strlen(text),
				      0600);
 out:
	cg_free_string(text);
	return r;
}

cg_err cg_state_write(struct cg_store *store, const char *user,
		      const struct cg_state *st)
{
	return state_store(store, user, st, false);
}

cg_err cg_state_create(struct cg_store *store, const char *user,
		       const struct cg_state *st)
{
	return state_store(store, user, st, true);
}

cg_err cg_state_remove(struct cg_store *store, const char *user)
{
	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	if (unlinkat(store->dirfd, user, 0) != 0)
		return errno == ENOENT ? CG_E_NOENT : CG_E_IO;
	/* A revocation must survive a crash like any other update. */
	if (fsync(store->dirfd) != 0)
		return CG_E_IO;
	return CG_OK;
}
