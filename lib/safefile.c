/* Safe opening, reading, atomic replacement and locking of files that a
 * privileged process trusts.  See safefile.h for the rules. */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>	/* renameat */
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>	/* makedev */
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_LINUX_OPENAT2_H 1
#endif
#endif
#include "safefile.h"
#include "wipe.h"

#define READ_CHUNK	4096
#define TEMP_TRIES	8	/* O_EXCL collisions before giving up */
#define TEMP_RANDOM	6	/* random characters in a temp name */
#define LOCK_POLL_MS	5

/* How a walk opens a file at its end: O_NONBLOCK so that a FIFO or a
 * device there cannot block the open (see finish_open). */
#define LEAF_FILE_FLAGS	(O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* Flags a caller may pass to cg_openat_file.  O_TRUNC is not among them:
 * it would truncate a file before we had checked it. */
#define OPENAT_ALLOWED \
	(O_ACCMODE | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC | \
	 O_NOCTTY | O_NOATIME)

/* close(2) for cleanup paths: the caller's errno is what matters. */
static void close_keep_errno(int fd)
{
	int saved = errno;

	if (fd != -1)
		(void)close(fd);
	errno = saved;
}

/* One directory entry name: nothing that walks elsewhere. */
static bool name_is_component(const char *name)
{
	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	return strnlen(name, NAME_MAX + 1) <= NAME_MAX;
}

/* Turn a failed open's errno into a refusal; errno is kept for CG_E_IO. */
static cg_err open_errno_to_err(void)
{
	switch (errno) {
	case ENOENT:
		return CG_E_NOENT;
	case ELOOP:
		return CG_E_SYMLINK;
	case ENOTDIR:
	case EISDIR:
	case ENXIO:	/* FIFO without reader, socket, absent device */
		return CG_E_NOTREG;
	default:
		return CG_E_IO;
	}
}

bool cg_owner_trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* cg_check_fd on an fstat already taken. */
static cg_err check_stat(const struct stat *st, bool want_dir,
			 mode_t forbidden)
{
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return CG_E_NOTREG;
	if (!cg_owner_trusted(st->st_uid))
		return CG_E_OWNER;
	if ((st->st_mode & forbidden) != 0)
		return CG_E_MODE;
	/* A second link may live in a directory someone else controls. */
	if (!want_dir && st->st_nlink != 1)
		return CG_E_NLINK;
	return CG_OK;
}

/* fstat without asking for the file's timestamps: *st has every field
 * the checks use (device, inode, type and mode, links, owner, group,
 * size) and zero times.  Why: since Linux 6.13 a ctime or mtime that was
 * read ("queried") makes the next write stamp the file with a
 * fine-grained time instead of the coarse clock's, and each new stamp
 * dirties the inode.  The state file is checked and rewritten at every
 * login, so a plain fstat cost an inode update per login -- and on ext4
 * without a journal its fdatasync then wrote the inode block as well:
 * three disk requests a login instead of two (data and flush), measured
 * with block:block_rq_issue.  Falls back to fstat where statx is missing
 * or filtered (ENOSYS, or EPERM from a seccomp filter). */
static int fstat_untimed(int fd, struct stat *st)
{
	const unsigned want = STATX_TYPE | STATX_MODE | STATX_NLINK |
			      STATX_UID | STATX_GID | STATX_INO | STATX_SIZE;
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, want, &sx) == -1)
		return errno == ENOSYS || errno == EPERM ? fstat(fd, st) : -1;
	if ((sx.stx_mask & want) != want)
		return fstat(fd, st);
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	st->st_ino = (ino_t)sx.stx_ino;
	st->st_mode = sx.stx_mode;
	st->st_nlink = (nlink_t)sx.stx_nlink;
	st->st_uid = sx.stx_uid;
	st->st_gid = sx.stx_gid;
	st->st_size = (off_t)sx.stx_size;
	return 0;
}

cg_err cg_check_fd(int fd, bool want_dir, mode_t forbidden,
		   struct stat *st_out)
{
	struct stat st;
	cg_err err;

	if (fstat(fd, &st) == -1)
		return CG_E_IO;
	if ((err = check_stat(&st, want_dir, forbidden)) != CG_OK)
		return err;
	if (st_out != NULL)
		*st_out = st;
	return CG_OK;
}

/* Files we create belong to root:root when we run as root.  A setuid
 * program runs with the caller's group as its effective gid, and a file
 * it creates would take that group ("-rw------- root alice"). */
static cg_err own_by_root_group(int fd)
{
	if (geteuid() == 0 && getegid() != 0 && fchown(fd, 0, 0) == -1)
		return CG_E_IO;
	return CG_OK;
}

/* Common tail of the file openers: check the fd, then hand it over.
 *
 * The file was opened with O_NONBLOCK, so that a FIFO or device planted
 * at its name can neither block the open nor act on it.  Once fstat has
 * shown a regular file the flag is left set (clearing it cost two fcntl
 * calls per open): for a regular file, read(2), pwrite(2), fdatasync(2)
 * and flock(2) do not look at it -- the kernel's generic file read and
 * write paths never turn it into a non-waiting I/O, and flock waits or
 * not by LOCK_NB alone -- and that is all that is done with these fds
 * (cg_read_all, cg_read_file, cg_write_at, cg_lock_file, the callers'
 * own reads).  The one exception was mandatory locking (gone since Linux
 * 5.15), where a read would fail with EAGAIN instead of waiting: that
 * fails closed.  io_uring does honour the flag on a regular file, so a
 * caller that hands the fd to io_uring or to another process clears it
 * first (safefile.h). */
static cg_err finish_open(int fd, int flags, mode_t forbidden, int *fd_out,
			  struct stat *st_out)
{
	int (*stat_fd)(int, struct stat *) =
	    (flags & O_NOATIME) != 0 ? fstat_untimed : fstat;
	struct stat st;
	cg_err err = CG_E_IO;

	if (stat_fd(fd, &st) == -1)
		goto out;
	/* With O_CREAT the file may be one we just made, with our egid
	 * (own_by_root_group).  One that is root:root already -- the lock
	 * file, at every login -- needs nothing: looking at its fstat first
	 * spares asking for our ids.  The checks are made on what the
	 * chown left. */
	if ((flags & O_CREAT) != 0 && (st.st_uid != 0 || st.st_gid != 0) &&
	    (own_by_root_group(fd) != CG_OK || stat_fd(fd, &st) == -1))
		goto out;
	if ((err = check_stat(&st, false, forbidden)) != CG_OK)
		goto out;
	if (st_out != NULL)
		*st_out = st;
	*fd_out = fd;
	fd = -1;
 out:
	close_keep_errno(fd);
	return err;
}

/* ---- saying why --------------------------------------------------------- */

/* What is wrong with a mode, given the bits that were forbidden. */
static const char *mode_fault(mode_t mode, mode_t forbidden)
{
	if ((mode & forbidden & 022) != 0)
		return "writable by group or others";
	if ((mode & forbidden & 044) != 0)
		return "readable by group or others";
	return "accessible by group or others";
}

/* The leaf itself was refused. */
static void explain_leaf(cg_err err, int errnum, const struct cg_path_diag *d,
			 char *buf, size_t sz)
{
	mode_t perm = d->mode & 07777;

	switch (err) {
	case CG_E_SYMLINK:
		snprintf(buf, sz, "is a symbolic link; refusing to follow it");
		break;
	case CG_E_NOTREG:
		snprintf(buf, sz, "%s", d->want_dir ? "not a directory" :
			 "not a regular file");
		break;
	case CG_E_OWNER:
		if (d->have_stat)
			snprintf(buf, sz, "wrong owner: uid %u, must be root",
				 (unsigned)d->uid);
		else
			snprintf(buf, sz, "wrong owner: must be root");
		break;
	case CG_E_MODE:
		if (d->have_stat)
			snprintf(buf, sz, "unsafe permissions: mode %04o, %s",
				 (unsigned)perm, mode_fault(d->mode,
							    d->forbidden));
		else
			snprintf(buf, sz, "unsafe permissions");
		break;
	case CG_E_EXPOSED:
		snprintf(buf, sz, "readable by group or others (mode %04o): "
			 "the credential is exposed; make it mode 0600 or "
			 "0400", (unsigned)perm);
		break;
	case CG_E_NLINK:
		snprintf(buf, sz, "has more than one hard link (%lu); "
			 "refusing it", d->nlink);
		break;
	case CG_E_NOENT:
		snprintf(buf, sz, "no such file or directory");
		break;
	case CG_E_IO:
		snprintf(buf, sz, "cannot open: %s", strerror(errnum));
		break;
	default:
		snprintf(buf, sz, "%s", cg_strerror(err));
		break;
	}
}

/* A directory on the way (or what should have been one) was refused. */
static void explain_component(cg_err err, int errnum,
			      const struct cg_path_diag *d, char *buf,
			      size_t sz)
{
	const char *c = d->component;
	size_t n = strlen(c);

	switch (err) {
	case CG_E_SYMLINK:
		snprintf(buf, sz, "directory %s on the way is a symbolic "
			 "link; refusing to follow it", c);
		break;
	case CG_E_NOTREG:
		snprintf(buf, sz, "%s on the way is not a directory", c);
		break;
	case CG_E_OWNER:
		snprintf(buf, sz, "directory %s on the way has the wrong "
			 "owner: uid %u, must be root", c, (unsigned)d->uid);
		break;
	case CG_E_MODE:
		snprintf(buf, sz, "directory %s on the way has unsafe "
			 "permissions: mode %04o, writable by group or others",
			 c, (unsigned)(d->mode & 07777));
		break;
	case CG_E_NOENT:
		snprintf(buf, sz, "directory %s does not exist", c);
		break;
	case CG_E_NAME:
		snprintf(buf, sz, n >= 3 && strcmp(c + n - 3, "/..") == 0 ?
			 "'..' in the path (%s); refusing it" :
			 "path too long (%s)", c);
		break;
	case CG_E_IO:
		snprintf(buf, sz, "directory %s on the way: %s", c,
			 strerror(errnum));
		break;
	default:
		snprintf(buf, sz, "directory %s on the way: %s", c,
			 cg_strerror(err));
		break;
	}
}

void cg_path_explain(cg_err err, int errnum, const struct cg_path_diag *diag,
		     char *buf, size_t sz)
{
	struct cg_path_diag none;

	if (sz == 0)
		return;
	if (diag == NULL) {
		memset(&none, 0, sizeof(none));
		none.leaf = true;
		diag = &none;
	}
	if (diag->leaf || diag->component[0] == '\0' || err == CG_E_EXPOSED)
		explain_leaf(err, errnum, diag, buf, sz);
	else
		explain_component(err, errnum, diag, buf, sz);
}

/* ---- resolving a path without being fooled ---------------------------- */

#if defined(SYS_openat2) && defined(HAVE_LINUX_OPENAT2_H)
#define HAVE_OPENAT2 1
/* Set for good once openat2 turned out to be missing. */
static int no_openat2;

/* openat2 that refuses a symlink or magic link (/proc/PID/fd/N,
 * /proc/PID/root) in any component of path with ELOOP.  A seccomp filter
 * answering EPERM or ENOSYS, or an old kernel's E2BIG, means openat2 is
 * not available: -1 with errno ENOSYS, then and ever after. */
static int openat2_nofollow(int dirfd, const char *path, int flags,
			    mode_t mode)
{
	struct open_how how;
	int fd;

	if (no_openat2) {
		errno = ENOSYS;
		return -1;
	}
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_NOFOLLOW);
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd == -1 && (errno == ENOSYS || errno == EPERM || errno == E2BIG)) {
		no_openat2 = 1;
		errno = ENOSYS;
	}
	return fd;
}
#endif

/* One step of a walk: open `name` (one component) under dirfd without
 * following a symlink.  openat2 where the kernel has it: then the
 * kernel itself refuses symlinks and magic links with ELOOP.  Else
 * openat with O_NOFOLLOW, under which a symlink fails (ELOOP, or ENOTDIR
 * with O_DIRECTORY): the fallback then gives the real answer. */
static int open_step(int dirfd, const char *name, int flags, mode_t mode)
{
#ifdef HAVE_OPENAT2
	int fd = openat2_nofollow(dirfd, name, flags, mode);

	if (fd != -1 || errno != ENOSYS)
		return fd;
#endif
	return openat(dirfd, name, flags | O_NOFOLLOW, mode);
}

/* A failed step's errno as a refusal.  ENOTDIR is what O_DIRECTORY
 * gives for a symlink as well as for a file: fstatat (no following)
 * tells them apart; nothing is opened through it. */
static cg_err step_errno_to_err(int dirfd, const char *name)
{
	int saved = errno;
	struct stat st;
	cg_err err = open_errno_to_err();

	if (saved == ENOTDIR &&
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		err = CG_E_SYMLINK;
	errno = saved;
	return err;
}

/* Where a walk is: the directory fd it holds and the part of the path
 * reached so far (for messages). */
struct walk {
	int fd;
	char done[PATH_MAX];
	size_t len;
	bool at_leaf;                /* done names the last component */
	struct cg_path_diag *diag;
};

/* Note the refused component (and, with st, what it looked like). */
static cg_err walk_refuse_st(struct walk *w, cg_err err, const struct stat *st)
{
	struct cg_path_diag *d = w->diag;

	if (d == NULL)
		return err;
	memcpy(d->component, w->done, w->len + 1);
	d->leaf = w->at_leaf;
	d->have_stat = st != NULL;
	if (st != NULL) {
		d->mode = st->st_mode;
		d->uid = st->st_uid;
		d->nlink = (unsigned long)st->st_nlink;
	}
	return err;
}

static cg_err walk_refuse(struct walk *w, cg_err err)
{
	return walk_refuse_st(w, err, NULL);
}

static void walk_append(struct walk *w, const char *name)
{
	size_t n = strlen(name);

	if (w->len + n + 2 > sizeof(w->done))
		return;         /* cannot happen: the path fitted PATH_MAX */
	if (w->len > 1)
		w->done[w->len++] = '/';
	memcpy(w->done + w->len, name, n + 1);
	w->len += n;
}

/* A directory on the way: a directory, trusted owner, and not writable
 * by group or others -- unless it is a sticky directory with a trusted
 * owner (/tmp): there nobody can rename or remove an entry that is not
 * theirs, and every entry below it on the way (the leaf included) must
 * have a trusted owner anyway. */
static cg_err dir_on_way(const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return CG_E_NOTREG;
	if (!cg_owner_trusted(st->st_uid))
		return CG_E_OWNER;
	if ((st->st_mode & 022) != 0 && (st->st_mode & S_ISVTX) == 0)
		return CG_E_MODE;
	return CG_OK;
}

static cg_err walk_check_dir(struct walk *w, int fd)
{
	struct stat st;
	cg_err err;

	if (fstat(fd, &st) == -1)
		return walk_refuse(w, CG_E_IO);
	if ((err = dir_on_way(&st)) != CG_OK)
		return walk_refuse_st(w, err, &st);
	return CG_OK;
}

/* Make the missing directory `name` under the walk's fd: the parent is
 * trusted and not writable by others, so nobody can race us there. */
static cg_err walk_mkdir(struct walk *w, const char *name, mode_t mode)
{
	int fd;

	if (mkdirat(w->fd, name, mode) == -1 && errno != EEXIST)
		return walk_refuse(w, CG_E_IO);
	fd = open_step(w->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -1)
		return walk_refuse(w, step_errno_to_err(w->fd, name));
	/* mkdir is subject to the umask; the mode asked for is exact. */
	if (own_by_root_group(fd) != CG_OK || fchmod(fd, mode) == -1) {
		close_keep_errno(fd);
		return walk_refuse(w, CG_E_IO);
	}
	close(fd);
	return CG_OK;
}

/* Go down one directory; with create, a missing one is made first. */
static cg_err walk_down(struct walk *w, const char *name, bool create,
			mode_t mode)
{
	cg_err err;
	int fd;

	walk_append(w, name);
	fd = open_step(w->fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -1 && errno == ENOENT && create) {
		if ((err = walk_mkdir(w, name, mode)) != CG_OK)
			return err;
		fd = open_step(w->fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	}
	if (fd == -1)
		return walk_refuse(w, step_errno_to_err(w->fd, name));
	if ((err = walk_check_dir(w, fd)) != CG_OK) {
		close(fd);
		return err;
	}
	close(w->fd);
	w->fd = fd;
	return CG_OK;
}

/* Walk every directory of an absolute path but the last component, from
 * "/" on, checking each.  *leaf points into `buf` (a copy of path): the
 * last component, or "." for "/" itself.  ".." is refused (CG_E_NAME):
 * a path that climbs is a mistake or a trick. */
static cg_err walk_parents(struct walk *w, const char *path, char *buf,
			   bool create, mode_t mode, const char **leaf)
{
	char *p, *next, *comp = NULL;
	cg_err err;

	w->fd = -1;
	memcpy(w->done, "/", 2);
	w->len = 1;
	if (path == NULL || path[0] != '/')
		return CG_E_INVAL;
	if (strlen(path) >= PATH_MAX)
		return walk_refuse(w, CG_E_NAME);
	memcpy(buf, path, strlen(path) + 1);
	if ((w->fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return walk_refuse(w, CG_E_IO);
	if ((err = walk_check_dir(w, w->fd)) != CG_OK)
		return err;
	for (p = buf; p != NULL; p = next) {
		while (*p == '/')
			p++;
		next = strchr(p, '/');
		if (next != NULL)
			*next++ = '\0';
		if (*p == '\0' || strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (comp != NULL)
				walk_append(w, comp);
			walk_append(w, p);
			return walk_refuse(w, CG_E_NAME);
		}
		if (comp != NULL &&
		    (err = walk_down(w, comp, create, mode)) != CG_OK)
			return err;
		comp = p;
	}
	*leaf = comp != NULL ? comp : ".";
	if (comp != NULL)
		walk_append(w, comp);
	w->at_leaf = true;
	return CG_OK;
}

/* The leaf was opened but refused: note what it looked like. */
static cg_err walk_refuse_fd(struct walk *w, cg_err err, int fd)
{
	struct stat st;

	return walk_refuse_st(w, err, fstat(fd, &st) == 0 ? &st : NULL);
}

static void walk_end(struct walk *w)
{
	close_keep_errno(w->fd);
	w->fd = -1;
}

/* ---- the same checks, fewer system calls ---------------------------- */

/* The walk above costs three system calls per directory (open, fstat,
 * close), and a login makes three walks.  Where the kernel has openat2
 * the same checks cost one call per directory:
 *
 *   fstatat(AT_SYMLINK_NOFOLLOW) of "/", "/a", "/a/b", ... in that order,
 *   each passing dir_on_way; then one openat2 of the whole path with
 *   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, and the leaf checked on
 *   its fd as always.  (A caller that wants the leaf's directory gets it
 *   opened by openat2 and checked on its fd instead of by fstatat, and
 *   the leaf opened under it.)
 *
 * Why checking by path is as safe here as holding an fd on each
 * directory.  The danger is that a name checked at one moment leads
 * elsewhere at the next.  A directory entry changes (rename, unlink,
 * another directory or a symlink put in its place) only at the hands of
 * someone who may write the directory holding it, and a directory's owner
 * and mode change only at the hands of its owner or root.  Each prefix is
 * checked only after its parent passed: owned by a trusted owner and not
 * writable by group or others -- so from that moment nobody but root and
 * the trusted owner can change the parent's entries or its mode -- or
 * sticky with a trusted owner, where nobody but the owner of an entry
 * (checked next: trusted) or of the directory can move or remove it.  By
 * induction from "/", once the last directory has passed, every name on
 * the path still leads to the directories that were checked, unless root
 * or the trusted owner changed them since.  fstatat of "/a/b" follows
 * "a" if it is a link, but "a" was seen to be a directory just before and
 * cannot have changed since.  The one thing the walk with fds did that
 * this does not: a directory that root (or the trusted owner) moves away
 * mid-walk and replaces is not followed to its new place; here the name
 * is.  That is a race of root against root, who can as well rewrite the
 * file itself; and even then nothing is followed: the final openat2
 * refuses a symlink or magic link in any component (test_safefile's
 * swapped-directory test races exactly that).
 *
 * Anything but success -- no openat2, a path the walk treats specially,
 * any refusal or error -- and the caller walks the slow way, which gives
 * the answer, its error code and its diag: the quick way never decides a
 * refusal.  (The paths walked are the configuration's, never a user's,
 * so which way a login takes tells nothing about who logs in.) */

/* norm = path without empty and "." components ("/a//./b/" gives
 * "/a/b").  False for what only the slow walk answers: a relative path,
 * one too long, "..", or no component at all ("/"). */
static bool quick_normalize(const char *path, char norm[PATH_MAX])
{
	const char *p = path, *end;
	size_t n = 0, len;

	if (path == NULL || path[0] != '/' ||
	    strnlen(path, PATH_MAX) >= PATH_MAX)
		return false;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		if ((end = strchr(p, '/')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (len != 1 || p[0] != '.') {
			norm[n++] = '/';
			memcpy(norm + n, p, len);
			n += len;
		}
		p = end;
	}
	norm[n] = '\0';
	return n > 0;
}

/* Check by path, in order from "/", every directory of norm whose name is
 * at most upto bytes long ("/" is 1). */
static bool quick_check_dirs(char *norm, size_t upto)
{
	struct stat st;
	bool ok = true;
	char c;

	for (size_t len = 1; ok && len <= upto; len++) {
		if (len > 1 && norm[len] != '/')
			continue;
		c = norm[len];
		norm[len] = '\0';
		ok = fstatat(AT_FDCWD, norm, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    dir_on_way(&st) == CG_OK;
		norm[len] = c;
	}
	return ok;
}

/* The quick way: true with *fd_out opened with `flags` and checked like
 * the slow walk's leaf (and, if dirfd_out is not NULL, *dirfd_out the
 * leaf's directory, O_PATH, checked like every directory on the way);
 * false with nothing open when the slow walk must answer. */
static bool quick_open(const char *path, int flags, bool want_dir,
		       mode_t forbidden, int *fd_out, struct stat *st_out,
		       int *dirfd_out)
{
#ifdef HAVE_OPENAT2
	char norm[PATH_MAX], c;
	struct stat st;
	size_t last, plen;
	bool ok = false;
	int fd = -1, dfd = -1;

	if (no_openat2 || !quick_normalize(path, norm))
		return false;
	last = (size_t)(strrchr(norm, '/') - norm);
	plen = last > 0 ? last : 1;	/* the leaf's directory */
	if (dirfd_out == NULL) {
		if (!quick_check_dirs(norm, plen))
			return false;
		fd = openat2_nofollow(AT_FDCWD, norm, flags, 0);
	} else {
		if (!quick_check_dirs(norm, plen - 1))
			return false;
		c = norm[plen];
		norm[plen] = '\0';
		dfd = openat2_nofollow(AT_FDCWD, norm, O_PATH | O_DIRECTORY |
				       O_CLOEXEC, 0);
		norm[plen] = c;
		if (dfd == -1 || fstat(dfd, &st) == -1 ||
		    dir_on_way(&st) != CG_OK)
			goto out;
		fd = openat2_nofollow(dfd, norm + last + 1, flags, 0);
	}
	if (fd == -1 || cg_check_fd(fd, want_dir, forbidden, st_out) != CG_OK)
		goto out;
	*fd_out = fd;
	fd = -1;
	if (dirfd_out != NULL) {
		*dirfd_out = dfd;
		dfd = -1;
	}
	ok = true;
 out:
	close_keep_errno(fd);
	close_keep_errno(dfd);
	return ok;
#else
	(void)path;
	(void)flags;
	(void)want_dir;
	(void)forbidden;
	(void)fd_out;
	(void)st_out;
	(void)dirfd_out;
	return false;
#endif
}

static cg_err open_dir_walk(const char *path, mode_t forbidden, bool create,
			    mode_t mode, int *dirfd_out,
			    struct cg_path_diag *diag)
{
	char buf[PATH_MAX];
	struct walk w = { .diag = diag };
	const char *leaf = NULL;
	cg_err err;
	int fd = -1;

	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->want_dir = true;
		diag->forbidden = forbidden;
	}
	if (quick_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, true,
		       forbidden, dirfd_out, NULL, NULL))
		return CG_OK;
	if ((err = walk_parents(&w, path, buf, create, mode, &leaf)) != CG_OK)
		goto out;
	fd = open_step(w.fd, leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -1 && errno == ENOENT && create) {
		if ((err = walk_mkdir(&w, leaf, mode)) != CG_OK)
			goto out;
		fd = open_step(w.fd, leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	}
	if (fd == -1) {
		err = walk_refuse(&w, step_errno_to_err(w.fd, leaf));
		goto out;
	}
	if ((err = cg_check_fd(fd, true, forbidden, NULL)) != CG_OK) {
		walk_refuse_fd(&w, err, fd);
		goto out;
	}
	*dirfd_out = fd;
	fd = -1;
 out:
	close_keep_errno(fd);
	walk_end(&w);
	return err;
}

cg_err cg_open_dir_diag(const char *path, mode_t forbidden, int *dirfd_out,
			struct cg_path_diag *diag)
{
	return open_dir_walk(path, forbidden, false, 0, dirfd_out, diag);
}

cg_err cg_open_dir(const char *path, mode_t forbidden, int *dirfd_out)
{
	return open_dir_walk(path, forbidden, false, 0, dirfd_out, NULL);
}

cg_err cg_open_dir_create(const char *path, mode_t mode, mode_t forbidden,
			  int *dirfd_out, struct cg_path_diag *diag)
{
	if ((mode & ~(mode_t)0777) != 0 || (mode & forbidden) != 0)
		return CG_E_INVAL;
	return open_dir_walk(path, forbidden, true, mode, dirfd_out, diag);
}

static cg_err open_file_walk(const char *path, mode_t forbidden, int *fd_out,
			     struct stat *st_out, int *dirfd_out,
			     struct cg_path_diag *diag)
{
	char buf[PATH_MAX];
	struct walk w = { .diag = diag };
	const char *leaf = NULL;
	cg_err err;
	int fd = -1;

	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->forbidden = forbidden;
	}
	if (quick_open(path, LEAF_FILE_FLAGS, false, forbidden, fd_out, st_out,
		       dirfd_out))
		return CG_OK;
	if ((err = walk_parents(&w, path, buf, false, 0, &leaf)) != CG_OK)
		goto out;
	fd = open_step(w.fd, leaf, LEAF_FILE_FLAGS, 0);
	if (fd == -1) {
		err = walk_refuse(&w, step_errno_to_err(w.fd, leaf));
		goto out;
	}
	if ((err = cg_check_fd(fd, false, forbidden, st_out)) != CG_OK) {
		walk_refuse_fd(&w, err, fd);
		goto out;
	}
	/* O_NONBLOCK stays: see finish_open. */
	*fd_out = fd;
	fd = -1;
	if (dirfd_out != NULL) {
		*dirfd_out = w.fd;
		w.fd = -1;
	}
 out:
	close_keep_errno(fd);
	walk_end(&w);
	return err;
}

cg_err cg_open_file_diag(const char *path, mode_t forbidden, int *fd_out,
			 struct stat *st_out, struct cg_path_diag *diag)
{
	return open_file_walk(path, forbidden, fd_out, st_out, NULL, diag);
}

cg_err cg_open_file_dir_diag(const char *path, mode_t forbidden, int *fd_out,
			     struct stat *st_out, int *dirfd_out,
			     struct cg_path_diag *diag)
{
	return open_file_walk(path, forbidden, fd_out, st_out, dirfd_out,
			      diag);
}

cg_err cg_open_file(const char *path, mode_t forbidden, int *fd_out,
		    struct stat *st_out)
{
	return cg_open_file_diag(path, forbidden, fd_out, st_out, NULL);
}

cg_err cg_openat_dir(int dirfd, const char *name, bool create,
		     mode_t forbidden, int *fd_out)
{
	cg_err err;
	int fd;

	if (!name_is_component(name))
		return CG_E_NAME;
	if (create && mkdirat(dirfd, name, 0700) == -1 && errno != EEXIST)
		return CG_E_IO;
	fd = open_step(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -1)
		return step_errno_to_err(dirfd, name);
	/* A directory we just made has our egid; make it root's. */
	if (create && own_by_root_group(fd) != CG_OK) {
		close_keep_errno(fd);
		return CG_E_IO;
	}
	if ((err = cg_check_fd(fd, true, forbidden, NULL)) != CG_OK) {
		close_keep_errno(fd);
		return err;
	}
	*fd_out = fd;
	return CG_OK;
}

cg_err cg_openat_file(int dirfd, const char *name, int flags,
		      mode_t forbidden, int *fd_out, struct stat *st_out)
{
	int fd;

	if (!name_is_component(name))
		return CG_E_NAME;
	if ((flags & ~OPENAT_ALLOWED) != 0 || (flags & O_ACCMODE) == O_ACCMODE)
		return CG_E_INVAL;
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK, 0600);
	/* O_NOATIME is for the owner and CAP_FOWNER only; others read as
	 * usual (the checks that follow are the same). */
	if (fd == -1 && errno == EPERM && (flags & O_NOATIME) != 0)
		fd = openat(dirfd, name, (flags & ~O_NOATIME) | O_NOFOLLOW |
			    O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd == -1)
		return open_errno_to_err();
	return finish_open(fd, flags, forbidden, fd_out, st_out);
}

/* Make room for more data in *bufp (allocated *sizep bytes, len used),
 * never beyond max + 2 so that reading max + 1 bytes shows "too big".
 * The old buffer is wiped: it may hold a secret and realloc would not. */
static cg_err read_grow(char **bufp, size_t *sizep, size_t len, size_t max)
{
	size_t size = *sizep < READ_CHUNK / 2 ? READ_CHUNK : *sizep * 2;
	char *nbuf;

	if (size > max + 2)
		size = max + 2;
	if ((nbuf = malloc(size)) == NULL)
		return CG_E_NOMEM;
	if (len > 0)
		memcpy(nbuf, *bufp, len);
	cg_freezero(*bufp, *sizep);
	*bufp = nbuf;
	*sizep = size;
	return CG_OK;
}

/* Read fd to its end, at most max bytes.  expect is the size an fstat of
 * fd (a regular file) saw, or SIZE_MAX when unknown.  Known, the buffer
 * starts with room for one byte more than that, and a read that stops
 * short of it with exactly `expect` bytes read has met the end: a
 * regular file's read(2) returns less than asked for only there.  So
 * the whole file comes in one call instead of a read that fills the
 * buffer and another that returns 0.  A file that grew since the fstat
 * fills the room and is read on; one that shrank stops short elsewhere
 * and is read on to the 0 that says where its end is now. */
static cg_err read_all(int fd, size_t expect, size_t max, char **buf_out,
		       size_t *len_out)
{
	char *buf = NULL;
	size_t size = 0, len = 0, want;
	ssize_t n;
	cg_err err;

	*buf_out = NULL;
	if (len_out != NULL)
		*len_out = 0;
	if (max > SIZE_MAX / 2)
		return CG_E_INVAL;
	if (expect != SIZE_MAX) {
		size = (expect < max ? expect : max) + 2;
		if ((buf = malloc(size)) == NULL)
			return CG_E_NOMEM;
	}
	for (;;) {
		if (len + 1 >= size &&
		    (err = read_grow(&buf, &size, len, max)) != CG_OK)
			goto out;
		want = size - 1 - len;
		n = read(fd, buf + len, want);
		if (n == -1 && errno == EINTR)
			continue;
		err = CG_E_IO;
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
		err = CG_E_TOOBIG;
		if (len > max)
			goto out;
		if (len == expect && (size_t)n < want)
			break;
	}
	buf[len] = '\0';
	*buf_out = buf;
	buf = NULL;
	if (len_out != NULL)
		*len_out = len;
	err = CG_OK;
 out:
	cg_freezero(buf, size);
	return err;
}

cg_err cg_read_all(int fd, size_t max, char **buf_out, size_t *len_out)
{
	return read_all(fd, SIZE_MAX, max, buf_out, len_out);
}

cg_err cg_read_file(int fd, const struct stat *st, size_t max,
		    char **buf_out, size_t *len_out)
{
	size_t expect = SIZE_MAX;

	if (S_ISREG(st->st_mode) && st->st_size >= 0 &&
	    (uintmax_t)st->st_size < SIZE_MAX)
		expect = (size_t)st->st_size;
	return read_all(fd, expect, max, buf_out, len_out);
}

cg_err cg_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return CG_E_IO;
		if (n == 0) {	/* no progress and no reason: give one */
			errno = EIO;
			return CG_E_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return CG_OK;
}

/* Create ".NAME.XXXXXX" next to NAME with O_EXCL; tmp holds its name.
 * NAME has been checked to be at most CG_ATOMIC_NAME_MAX bytes. */
static cg_err temp_create_random(int dirfd, const char *name,
				 char tmp[NAME_MAX + 1], int *fd_out)
{
	static const char alphabet[64] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t nlen = strlen(name);
	uint8_t rnd[TEMP_RANDOM];
	int fd;

	tmp[0] = '.';
	memcpy(tmp + 1, name, nlen);
	tmp[1 + nlen] = '.';
	tmp[2 + nlen + TEMP_RANDOM] = '\0';
	for (int tries = 0; tries < TEMP_TRIES; tries++) {
		/* getrandom, not the OpenSSL DRBG: the name only has to be
		 * unpredictable enough for O_EXCL, and the first RAND_bytes of
		 * a process costs ~9M instructions — paid by every sshd
		 * connection and sudo run (bench/README.md). */
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return CG_E_RANDOM;
		for (size_t i = 0; i < TEMP_RANDOM; i++)
			tmp[2 + nlen + i] = alphabet[rnd[i] & 63];
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd != -1) {
			*fd_out = fd;
			return CG_OK;
		}
		if (errno != EEXIST)
			return CG_E_IO;
	}
	return CG_E_IO;	/* errno is EEXIST */
}

/* Create the caller's fixed temp name `fixed` (the caller's lock makes it
 * exclusively theirs), removing what a killed writer left there first. */
static cg_err temp_create_fixed(int dirfd, const char *fixed,
				char tmp[NAME_MAX + 1], int *fd_out)
{
	int fd;

	if (unlinkat(dirfd, fixed, 0) == -1 && errno != ENOENT)
		return CG_E_IO;
	fd = openat(dirfd, fixed, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
	if (fd == -1)
		return CG_E_IO;
	memcpy(tmp, fixed, strlen(fixed) + 1);
	*fd_out = fd;
	return CG_OK;
}

static cg_err temp_create(int dirfd, const char *name, const char *fixed,
			  char tmp[NAME_MAX + 1], int *fd_out)
{
	cg_err err;

	err = fixed != NULL ? temp_create_fixed(dirfd, fixed, tmp, fd_out) :
	    temp_create_random(dirfd, name, tmp, fd_out);
	if (err == CG_OK && (err = own_by_root_group(*fd_out)) != CG_OK) {
		close_keep_errno(*fd_out);
		(void)unlinkat(dirfd, tmp, 0);
	}
	return err;
}

/* How one atomic write goes (the public functions fill it in). */
struct wopts {
	const char *fixed;         /* fixed temp name, or NULL for a random one */
	mode_t mode;
	bool replace;              /* rename over NAME, else create it */
	bool sync;                 /* fsync the file and the directory */
	bool owned;                /* give the file uid:gid */
	uid_t uid;
	gid_t gid;
	const struct stat *expect; /* replace only if NAME is still this file */
};

/* Give the temp file its owner, mode and contents (durably when sync).
 * The owner first: until then the file is root:root 0600. */
static cg_err temp_fill(int fd, const void *data, size_t len,
			const struct wopts *o)
{
	cg_err err;

	if (o->owned && fchown(fd, o->uid, o->gid) == -1)
		return CG_E_IO;
	if (fchmod(fd, o->mode) == -1)
		return CG_E_IO;
	if ((err = cg_write_all(fd, data, len)) != CG_OK)
		return err;
	if (o->sync && fsync(fd) == -1)
		return CG_E_IO;
	return CG_OK;
}

/* Is dirfd/name still the file expect describes?  The last look before a
 * rename: a file edited or replaced since the caller read it is not
 * overwritten unseen. */
static cg_err still_expected(int dirfd, const char *name,
			     const struct stat *expect)
{
	struct stat now;

	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? CG_E_CHANGED : CG_E_IO;
	if (now.st_dev != expect->st_dev || now.st_ino != expect->st_ino ||
	    now.st_size != expect->st_size ||
	    now.st_mtim.tv_sec != expect->st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != expect->st_mtim.tv_nsec ||
	    now.st_ctim.tv_sec != expect->st_ctim.tv_sec ||
	    now.st_ctim.tv_nsec != expect->st_ctim.tv_nsec)
		return CG_E_CHANGED;
	return CG_OK;
}

/* Put the finished temp file at NAME.  Replace: rename over it.  Create:
 * link (which never overwrites), then drop the temp name.  If that last
 * unlink fails, NAME exists with two links (cg_check_fd will refuse it)
 * and the error is reported; it needs a broken file system. */
static cg_err temp_install(int dirfd, const char *tmp, const char *name,
			   const struct wopts *o)
{
	cg_err err;

	if (o->replace && o->expect != NULL &&
	    (err = still_expected(dirfd, name, o->expect)) != CG_OK)
		return err;
	if (o->replace)
		return renameat(dirfd, tmp, dirfd, name) == -1 ?
		    CG_E_IO : CG_OK;
	if (linkat(dirfd, tmp, dirfd, name, 0) == -1)
		return errno == EEXIST ? CG_E_EXISTS : CG_E_IO;
	return unlinkat(dirfd, tmp, 0) == -1 ? CG_E_IO : CG_OK;
}

static cg_err atomic_write_unmasked(int dirfd, const char *name,
				    const void *data, size_t len,
				    const struct wopts *o)
{
	char tmp[NAME_MAX + 1];
	bool have_tmp = false;
	cg_err err;
	int fd = -1, rc;

	if ((err = temp_create(dirfd, name, o->fixed, tmp, &fd)) != CG_OK)
		return err;
	have_tmp = true;
	if ((err = temp_fill(fd, data, len, o)) != CG_OK)
		goto out;
	rc = close(fd);	/* NFS and quotas report write errors here */
	fd = -1;
	err = CG_E_IO;
	if (rc == -1)
		goto out;
	if ((err = temp_install(dirfd, tmp, name, o)) != CG_OK)
		goto out;
	have_tmp = false;
	err = CG_E_IO;
	if (o->sync && fsync(dirfd) == -1)
		goto out;
	err = CG_OK;
 out:
	close_keep_errno(fd);
	if (have_tmp) {
		rc = errno;
		(void)unlinkat(dirfd, tmp, 0);
		errno = rc;
	}
	return err;
}

/* Run fn(arg) with every signal that can be blocked held pending, so no
 * handler (or default action) runs in the middle of a write: between
 * creating a temp file and removing or renaming it, or between writing a
 * state slot in place and undoing a failed write.  SIGXFSZ is raised by
 * the write itself when the caller set RLIMIT_FSIZE low: the write then
 * fails with EFBIG and fn cleans up; a SIGXFSZ that became pending during
 * fn was ours and is taken back, so its default action cannot kill the
 * process later.  errno is fn's.
 *
 * Two system calls when fn succeeds, the mask and its restoring:
 * - a SIGXFSZ pending before fn can only be one the caller kept blocked
 *   (one not blocked would have been handled, or have killed us, or been
 *   dropped as ignored, before the mask took effect), so sigpending is
 *   asked only then;
 * - the kernel raises SIGXFSZ only together with an EFBIG failure of the
 *   write, which fails fn: after a success there is none of ours to take
 *   back, and after a failure sigtimedwait alone takes it if it is there
 *   (EAGAIN if not). */
static cg_err with_signals_held(cg_err (*fn)(void *), void *arg)
{
	const struct timespec zero = { 0, 0 };
	sigset_t all, old, pending, xfsz;
	bool xfsz_before;
	cg_err err;
	int saved;

	sigfillset(&all);
	sigemptyset(&xfsz);
	sigaddset(&xfsz, SIGXFSZ);
	if (pthread_sigmask(SIG_BLOCK, &all, &old) != 0)
		return CG_E_IO;
	xfsz_before = sigismember(&old, SIGXFSZ) == 1 &&
	    sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ) == 1;
	err = fn(arg);
	saved = errno;
	if (err != CG_OK && !xfsz_before)
		(void)sigtimedwait(&xfsz, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return err;
}

struct atomic_args {
	int dirfd;
	const char *name;
	const void *data;
	size_t len;
	const struct wopts *o;
};

static cg_err atomic_write_held(void *arg)
{
	const struct atomic_args *a = arg;

	return atomic_write_unmasked(a->dirfd, a->name, a->data, a->len, a->o);
}

static cg_err atomic_write(int dirfd, const char *name, const void *data,
			   size_t len, const struct wopts *o)
{
	struct atomic_args a = { dirfd, name, data, len, o };

	if (!name_is_component(name) || strlen(name) > CG_ATOMIC_NAME_MAX)
		return CG_E_NAME;
	if (o->fixed != NULL &&
	    (!name_is_component(o->fixed) || o->fixed[0] != '.'))
		return CG_E_NAME;
	if ((o->mode & ~(mode_t)0777) != 0 || (data == NULL && len > 0))
		return CG_E_INVAL;
	return with_signals_held(atomic_write_held, &a);
}

struct write_at_args {
	int fd;
	off_t off;
	const unsigned char *data;
	size_t len;
	bool sync;
};

static cg_err write_at_held(void *arg)
{
	const struct write_at_args *a = arg;
	const unsigned char *p = a->data;
	size_t left = a->len;
	off_t off = a->off;
	ssize_t n;

	while (left > 0) {
		n = pwrite(a->fd, p, left, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return CG_E_IO;
		if (n == 0) {	/* no progress and no reason: give one */
			errno = EIO;
			return CG_E_IO;
		}
		p += n;
		off += n;
		left -= (size_t)n;
	}
	if (a->sync && fdatasync(a->fd) == -1)
		return CG_E_IO;
	return CG_OK;
}

cg_err cg_write_at(int fd, off_t off, const void *data, size_t len,
		   bool sync)
{
	struct write_at_args a = { fd, off, data, len, sync };
	struct stat st;

	if (fd < 0 || off < 0 || (data == NULL && len > 0))
		return CG_E_INVAL;
	if (fstat_untimed(fd, &st) == -1)
		return CG_E_IO;
	if (!S_ISREG(st.st_mode) || (uint64_t)off + len > (uint64_t)st.st_size)
		return CG_E_INVAL;
	return with_signals_held(write_at_held, &a);
}

cg_err cg_atomic_replace(int dirfd, const char *name, const void *data,
			 size_t len, mode_t mode)
{
	struct wopts o = { .mode = mode, .replace = true, .sync = true };

	return atomic_write(dirfd, name, data, len, &o);
}

cg_err cg_atomic_replace_nosync(int dirfd, const char *name, const char *tmp,
				const void *data, size_t len, mode_t mode)
{
	struct wopts o = { .fixed = tmp, .mode = mode, .replace = true };

	return atomic_write(dirfd, name, data, len, &o);
}

cg_err cg_atomic_create(int dirfd, const char *name, const void *data,
			size_t len, mode_t mode)
{
	struct wopts o = { .mode = mode, .sync = true };

	return atomic_write(dirfd, name, data, len, &o);
}

cg_err cg_atomic_write_locked(int dirfd, const char *name, const char *tmp,
			      const void *data, size_t len, mode_t mode,
			      bool replace)
{
	struct wopts o = { .fixed = tmp, .mode = mode, .replace = replace,
			   .sync = true };

	if (tmp == NULL)
		return CG_E_INVAL;
	return atomic_write(dirfd, name, data, len, &o);
}

cg_err cg_atomic_replace_checked(int dirfd, const char *name,
				 const char *tmp, const void *data,
				 size_t len, mode_t mode, uid_t uid,
				 gid_t gid, const struct stat *expect)
{
	struct wopts o = { .fixed = tmp, .mode = mode, .sync = true,
			   .owned = true, .uid = uid, .gid = gid,
			   .expect = expect, .replace = expect != NULL };

	return atomic_write(dirfd, name, data, len, &o);
}

/* Is the locked file (its fstat) still the one at dirfd/name?  A lock on
 * a file that was unlinked or replaced meanwhile protects nothing. */
static cg_err lock_still_named(int dirfd, const char *name,
			       const struct stat *locked)
{
	struct stat at_name;

	if (fstatat(dirfd, name, &at_name, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? CG_E_LOCK : CG_E_IO;
	if (at_name.st_dev != locked->st_dev ||
	    at_name.st_ino != locked->st_ino)
		return CG_E_LOCK;
	return CG_OK;
}

/* One attempt: CG_OK with the lock held, CG_E_LOCK if busy, else error. */
static cg_err lock_try(int dirfd, const char *name, int *fd_out)
{
	struct stat locked;          /* an open file's dev/ino never change */
	cg_err err;
	int fd = -1;

	if ((err = cg_openat_file(dirfd, name, O_RDONLY | O_CREAT, 077, &fd,
				  &locked)) != CG_OK)
		return err;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		err = (errno == EWOULDBLOCK || errno == EINTR) ?
		    CG_E_LOCK : CG_E_IO;
		goto out;
	}
	if ((err = lock_still_named(dirfd, name, &locked)) != CG_OK)
		goto out;
	*fd_out = fd;
	fd = -1;
 out:
	close_keep_errno(fd);
	return err;
}

cg_err cg_lock_file(int dirfd, const char *name, unsigned timeout_ms,
		    int *lockfd_out)
{
	const struct timespec nap = { 0, LOCK_POLL_MS * 1000000L };
	unsigned long long waited;
	cg_err err;

	/* The wait is counted in naps, not read from a clock: a clock
	 * stopped by faketime (or stepped back) cannot make it endless. */
	for (waited = 0;; waited += LOCK_POLL_MS) {
		err = lock_try(dirfd, name, lockfd_out);
		if (err != CG_E_LOCK || waited >= timeout_ms)
			return err;
		(void)nanosleep(&nap, NULL);
	}
}
