/* The directory of approval requests (request.h): <state_dir>/.requests,
 * one record per id, one lock for the whole directory.
 *
 * One lock, not one per record: every operation either scans all records
 * (expiry, "credgate requests", finding the approval a read consumes) or
 * creates one whose id must be distinct from all, and they come at human
 * pace, so a directory lock costs nothing and makes each transaction see
 * one consistent set.  Writes go through safefile.h's
 * cg_atomic_write_locked with the fixed temp name ".ID.tmp" (the lock
 * makes it ours): the same durable-write rule as the state store, not a
 * copy of it.  Names starting with '.' are never ids, so the lock and
 * temp files cannot be mistaken for records. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "request.h"
#include "safefile.h"
#include "store.h"

#define LOCK_NAME ".lock"

/* Why openat of the requests directory failed: with O_DIRECTORY, a
 * symbolic link gives ENOTDIR (or ELOOP), like any other non-directory. */
static cg_err open_error(int statefd)
{
	struct stat st;
	int err = errno;

	if (err == ENOENT)
		return CG_E_NOENT;
	if (err == ELOOP || (err == ENOTDIR &&
			     fstatat(statefd, CG_REQUEST_DIR, &st,
				     AT_SYMLINK_NOFOLLOW) == 0 &&
			     S_ISLNK(st.st_mode)))
		return CG_E_SYMLINK;
	if (err == ENOTDIR)
		return CG_E_NOTREG;
	errno = err;
	return CG_E_IO;
}

/* Open the requests directory under the (already checked) state
 * directory, creating it root 0700 when asked.  CG_E_NOENT when it is
 * missing and create is false. */
static cg_err open_dir(int statefd, bool create, int *fd_out)
{
	bool made = false;
	int fd;
	cg_err e;

	*fd_out = -1;
	if (create) {
		if (mkdirat(statefd, CG_REQUEST_DIR, 0700) == 0)
			made = true;
		else if (errno != EEXIST)
			return CG_E_IO;
	}
	fd = openat(statefd, CG_REQUEST_DIR, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return open_error(statefd);
	/* The setuid gate runs with the caller's gid: the directory it
	 * made is root's alone (the state directory already is, so nobody
	 * could have swapped it in between). */
	if (made && geteuid() == 0 && fchown(fd, 0, 0) != 0) {
		close(fd);
		return CG_E_IO;
	}
	if ((e = cg_check_fd(fd, true, 077, NULL)) != CG_OK) {
		close(fd);
		return e;
	}
	*fd_out = fd;
	return CG_OK;
}

static cg_err set_grow(struct cg_request_set *set)
{
	struct cg_request *grown;
	size_t cap;

	if (set->n < set->cap)
		return CG_OK;
	cap = set->cap ? set->cap * 2 : 16;
	if ((grown = reallocarray(set->r, cap, sizeof(*grown))) == NULL)
		return CG_E_NOMEM;
	set->r = grown;
	set->cap = cap;
	return CG_OK;
}

static cg_err read_record(int dirfd, const char *id, struct cg_request *out)
{
	char *text = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err e;

	if ((e = cg_openat_file(dirfd, id, O_RDONLY, 077, &fd, NULL)) == CG_OK &&
	    (e = cg_read_all(fd, CG_REQUEST_MAX_BYTES, &text, &len)) == CG_OK)
		e = cg_request_parse(text, len, out, NULL);
	if (e == CG_OK && strcmp(out->id, id) != 0)
		e = CG_E_PARSE;         /* a record renamed to another id */
	if (fd >= 0)
		close(fd);
	free(text);
	return e;
}

/* Every record; temp files a killed writer left are removed (we hold the
 * lock, so no writer is alive); anything else is not ours to judge and
 * is left alone.  On a damaged record, bad_id names it. */
static cg_err read_all(int dirfd, struct cg_request_set *set, char *bad_id)
{
	struct dirent *de;
	DIR *d;
	int fd;
	cg_err e = CG_OK;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return CG_E_IO;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return CG_E_IO;
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' && len > 4 &&
		    strcmp(de->d_name + len - 4, ".tmp") == 0) {
			(void)unlinkat(dirfd, de->d_name, 0);
			continue;
		}
		if (!cg_request_id_valid(de->d_name))
			continue;
		if ((e = set_grow(set)) != CG_OK)
			break;
		if ((e = read_record(dirfd, de->d_name, &set->r[set->n])) != CG_OK) {
			if (bad_id != NULL)
				snprintf(bad_id, CG_REQUEST_ID_LEN + 1, "%s",
					 de->d_name);
			break;
		}
		set->n++;
	}
	if (e == CG_OK && errno != 0)
		e = CG_E_IO;
	closedir(d);
	return e;
}

static cg_err write_record(int dirfd, const struct cg_request *r)
{
	char tmp[CG_REQUEST_ID_LEN + 6], *text = NULL;
	cg_err e;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", r->id);
	if ((e = cg_request_format(r, &text)) != CG_OK)
		return e;
	e = cg_atomic_write_locked(dirfd, r->id, tmp, text, strlen(text),
				   0600, !r->fresh);
	free(text);
	return e;
}

/* Write what fn changed, then forget what closed long ago. */
static cg_err commit(int dirfd, struct cg_request_set *set)
{
	bool removed = false;
	cg_err e;

	for (size_t i = 0; i < set->n; i++) {
		struct cg_request *r = &set->r[i];

		if (r->dirty && (e = write_record(dirfd, r)) != CG_OK)
			return e;
		if (r->closed != 0 && set->now - r->closed > CG_REQUEST_KEEP &&
		    unlinkat(dirfd, r->id, 0) == 0)
			removed = true;
	}
	if (removed && fsync(dirfd) != 0)
		return CG_E_IO;
	return CG_OK;
}

cg_err cg_request_add(struct cg_request_set *set, const char *user,
		      const char *credential, const char *reason,
		      struct cg_request **out)
{
	struct cg_request *r;
	cg_err e;

	*out = NULL;
	if (!cg_user_name_valid(user) || !cg_config_name_valid(credential) ||
	    (reason != NULL && !cg_request_reason_valid(reason)))
		return CG_E_INVAL;
	if (set->n >= CG_REQUESTS_MAX)
		return CG_E_TOOBIG;
	if ((e = set_grow(set)) != CG_OK)
		return e;
	r = &set->r[set->n];
	memset(r, 0, sizeof(*r));
	do {
		if ((e = cg_request_id_new(r->id)) != CG_OK)
			return e;
	} while (cg_request_find(set, r->id) != NULL);
	snprintf(r->user, sizeof(r->user), "%s", user);
	snprintf(r->credential, sizeof(r->credential), "%s", credential);
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "");
	r->created = set->now;
	r->state = CG_REQ_OPEN;
	r->fresh = r->dirty = true;
	set->n++;
	*out = r;
	return CG_OK;
}

struct cg_request *cg_request_find(struct cg_request_set *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->r[i].id, id) == 0)
			return &set->r[i];
	return NULL;
}

cg_err cg_requests_update(const char *state_dir, bool create, int64_t now,
			  cg_request_fn fn, void *arg,
			  char bad_id[CG_REQUEST_ID_LEN + 1])
{
	struct cg_request_set set = { NULL, 0, 0, now };
	int statefd = -1, dirfd = -1, lockfd = -1;
	cg_err e;

	if (bad_id != NULL)
		bad_id[0] = '\0';
	if ((e = cg_open_dir(state_dir, 077, &statefd)) != CG_OK)
		goto out;
	e = open_dir(statefd, create, &dirfd);
	if (e == CG_E_NOENT) {          /* nothing was ever requested */
		e = fn(&set, arg);
		if (e == CG_OK && set.n > 0)
			e = CG_E_NOENT;
		goto out;
	}
	if (e != CG_OK)
		goto out;
	if ((e = cg_lock_file(dirfd, LOCK_NAME, CG_LOCK_TIMEOUT_MS,
			      &lockfd)) != CG_OK)
		goto out;
	if ((e = read_all(dirfd, &set, bad_id)) != CG_OK)
		goto out;
	if ((e = fn(&set, arg)) != CG_OK)
		goto out;
	e = commit(dirfd, &set);
 out:
	if (lockfd >= 0)
		close(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	if (statefd >= 0)
		close(statefd);
	free(set.r);
	return e;
}
