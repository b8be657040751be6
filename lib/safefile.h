/* Opening and replacing files with privilege, without being fooled.
 *
 * Rules (DESIGN.md rule 2): no path component is followed if it is a
 * symlink, in any position, and every file is checked on its open fd
 * (fstat), never on a path.  Paths must be absolute: a setuid program's
 * working directory belongs to the user who started it.
 *
 * Resolving a path (cg_open_file, cg_open_dir, cg_open_dir_create)
 * checks every directory on the way, from "/" down: each must have a
 * trusted owner and must not be writable by group or others -- except a
 * sticky directory with a trusted owner (/tmp), since below it every
 * entry on the way, the leaf included, must have a trusted owner too.
 * So nobody but root can swap a directory for a symlink under a
 * credential, nor change where a checked directory's name leads.  Where
 * the kernel has openat2, each directory is checked by fstatat (not
 * following it), in order, and the leaf is then opened by one
 * openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) of the whole path:
 * safefile.c argues why that is as safe as holding an fd on each
 * directory.  Without openat2, or when anything is refused, the path is
 * walked one component at a time holding an fd on each directory (each
 * step openat2 with those flags, else openat(O_PATH | O_DIRECTORY |
 * O_NOFOLLOW)), and that walk gives the answer.  "." and empty
 * components are skipped; ".." is refused (CG_E_NAME).  The _diag
 * variants name the refused component (the path up to it) for messages.
 *
 * "Trusted owner" means root, or the effective uid of this process: a
 * PAM application that runs as root (sshd, sudo, su, the credgate gate)
 * trusts only root; a test that runs unprivileged trusts itself and still
 * refuses files of any other user.
 *
 * Errors: CG_E_IO leaves errno set by the failing call; every refusal
 * (CG_E_SYMLINK, CG_E_NOTREG, CG_E_OWNER, CG_E_MODE, CG_E_NLINK, CG_E_NAME)
 * has its own code.  No function here ever prints anything. */
#ifndef CG_SAFEFILE_H
#define CG_SAFEFILE_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "cg_error.h"

/* Longest NAME cg_atomic_replace/cg_atomic_create accept: the temp name
 * ".NAME.XXXXXX" must still fit in NAME_MAX. */
#define CG_ATOMIC_NAME_MAX (NAME_MAX - 8)

bool cg_owner_trusted(uid_t uid);

/* Check an open fd: a regular file (or, with want_dir, a directory),
 * owned by a trusted owner, with none of the `forbidden` mode bits set
 * (e.g. 022 for "not group/world writable", 077 for "private"), and for a
 * regular file exactly one link.  st_out may be NULL. */
cg_err cg_check_fd(int fd, bool want_dir, mode_t forbidden,
		   struct stat *st_out);

/* Which component of a path was refused, and what it looked like: the
 * path up to and including it ("/srv/app/conf" for a symlinked conf),
 * whether that is the leaf (else a directory on the way), and its mode,
 * owner and links when it could be examined.  component is "" when the
 * refusal was not about a component (bad arguments). */
struct cg_path_diag {
	char component[PATH_MAX];
	bool leaf;
	bool want_dir;               /* the leaf should be a directory */
	bool have_stat;
	mode_t mode;
	uid_t uid;
	unsigned long nlink;
	mode_t forbidden;            /* the bits the leaf must not have */
};

/* Why a path was refused, for an admin, without the path itself (the
 * caller says which path it was about): "is a symbolic link; refusing to
 * follow it", "unsafe permissions: mode 0664, writable by group or
 * others", "directory /srv/app on the way has the wrong owner: uid 1001,
 * must be root", ...  errnum is the errno of a CG_E_IO failure. */
void cg_path_explain(cg_err err, int errnum, const struct cg_path_diag *diag,
		     char *buf, size_t sz);

/* Open a directory by absolute path, walked as above, and check it with
 * `forbidden`.  A relative path gives CG_E_INVAL.  diag may be NULL. */
cg_err cg_open_dir(const char *path, mode_t forbidden, int *dirfd_out);
cg_err cg_open_dir_diag(const char *path, mode_t forbidden, int *dirfd_out,
			struct cg_path_diag *diag);

/* The same, first making the directory and any missing parent with
 * exactly `mode` (owned by this process: root in production).  A mode
 * with bits of `forbidden` or outside 0777 is CG_E_INVAL. */
cg_err cg_open_dir_create(const char *path, mode_t mode, mode_t forbidden,
			  int *dirfd_out, struct cg_path_diag *diag);

/* Open a file by absolute path for reading, walked as above, and check
 * it as cg_check_fd does.  A FIFO or device planted there is refused
 * without blocking.  st_out and diag may be NULL.
 *
 * The fd this and cg_openat_file hand over still has O_NONBLOCK, the
 * flag that kept the open from blocking: on a regular file read(2),
 * pwrite(2), fsync(2) and flock(2) ignore it, so it costs nothing to
 * leave.  Clear it (fcntl F_SETFL) before handing the fd to io_uring,
 * which honours it, or to another process. */
cg_err cg_open_file(const char *path, mode_t forbidden, int *fd_out,
		    struct stat *st_out);
cg_err cg_open_file_diag(const char *path, mode_t forbidden, int *fd_out,
			 struct stat *st_out, struct cg_path_diag *diag);

/* cg_open_file_diag that also hands over, in *dirfd_out, the file's
 * directory as the walk left it (an O_PATH fd, checked like every
 * directory on the way), so that a sibling can be opened under it with
 * cg_openat_file or cg_openat_dir without a second walk from "/".
 * *dirfd_out is set only on success; st_out may be NULL. */
cg_err cg_open_file_dir_diag(const char *path, mode_t forbidden, int *fd_out,
			     struct stat *st_out, int *dirfd_out,
			     struct cg_path_diag *diag);

/* Open `name` (a single component: non-empty, no '/', not "." or "..",
 * else CG_E_NAME) relative to dirfd with O_NOFOLLOW|O_CLOEXEC|O_NOCTTY
 * plus `flags`, and check it.  `flags` is an access mode plus any of
 * O_CREAT, O_EXCL, O_APPEND, O_NOATIME (others give CG_E_INVAL; O_TRUNC in
 * particular, since it would act before the checks).  A file created here
 * gets mode 0600.  CG_E_NOENT only when the file does not exist; a symlink
 * gives CG_E_SYMLINK.  st_out may be NULL.
 *
 * O_NOATIME is for a file read and rewritten at every login (the state
 * file): the read leaves its access time alone (a caller the kernel
 * refuses O_NOATIME to -- not the owner, no CAP_FOWNER -- reads it
 * normally), and the check asks for no timestamps, so *st_out has zero
 * times (safefile.c, fstat_untimed, says why both save a disk write). */
cg_err cg_openat_file(int dirfd, const char *name, int flags,
		      mode_t forbidden, int *fd_out, struct stat *st_out);

/* Open the directory `name` (one component, else CG_E_NAME) under dirfd
 * without following a symlink (CG_E_SYMLINK; a non-directory is
 * CG_E_NOTREG), creating it with mode 0700 (root:root when run as root)
 * first when `create` is set and it is absent, and check it like
 * cg_open_dir. */
cg_err cg_openat_dir(int dirfd, const char *name, bool create,
		     mode_t forbidden, int *fd_out);

/* Read a whole file from fd, at most `max` bytes (CG_E_TOOBIG beyond).
 * The buffer is NUL-terminated; free it with cg_freezero(buf, len + 1)
 * when it may hold secrets.  len_out may be NULL.  On failure nothing is
 * returned and whatever was read has been wiped. */
cg_err cg_read_all(int fd, size_t max, char **buf_out, size_t *len_out);

/* cg_read_all of a regular file that was just opened and checked, given
 * st, the fstat the opener returned (cg_open_file, cg_openat_file ...):
 * with its size one read(2) suffices, where cg_read_all needs a second
 * one that returns 0.  The answer is cg_read_all's all the same: a file
 * that grew or shrank since st was taken is read to its real end, and
 * max is the bound.  st of anything but a regular file: cg_read_all. */
cg_err cg_read_file(int fd, const struct stat *st, size_t max,
		    char **buf_out, size_t *len_out);

/* Write the whole buffer, retrying on EINTR and short writes. */
cg_err cg_write_all(int fd, const void *buf, size_t len);

/* Replace dirfd/name atomically with `data`: write a temp file
 * ".NAME.XXXXXX" created with O_EXCL in the same directory, fchmod it to
 * `mode` (permission bits only, else CG_E_INVAL), fsync it, renameat it
 * over NAME, fsync the directory.  NAME is one component of at most
 * CG_ATOMIC_NAME_MAX bytes (else CG_E_NAME).  On any failure the temp
 * file is removed and NAME is untouched; errno is kept.  (Only a failing
 * fsync of the directory comes after the rename: then NAME may already
 * hold the new data, durability unknown.) */
cg_err cg_atomic_replace(int dirfd, const char *name, const void *data,
			 size_t len, mode_t mode);

/* The same without any fsync, for files whose loss in a crash is
 * harmless (grace records on tmpfs): readers still see the old or the new
 * contents, never a mix.  tmp as for cg_atomic_write_locked (the
 * caller's fixed temp name under its lock), or NULL for a random one. */
cg_err cg_atomic_replace_nosync(int dirfd, const char *name, const char *tmp,
				const void *data, size_t len, mode_t mode);

/* Like cg_atomic_replace but fails with CG_E_EXISTS if NAME exists
 * (link(2) of the temp file instead of rename). */
cg_err cg_atomic_create(int dirfd, const char *name, const void *data,
			size_t len, mode_t mode);

/* Like cg_atomic_replace (replace) or cg_atomic_create, but the temp
 * file has the fixed name `tmp` (one component starting with '.'),
 * which the caller owns exclusively because it holds a lock covering it.
 * A temp file a killed writer left at that name is removed first, so
 * no more than one is ever left behind per name.
 *
 * Both cg_atomic_* and this one: every blockable signal is blocked for
 * the duration (no handler runs while a temp file exists); a SIGXFSZ the
 * write itself raised (RLIMIT_FSIZE) is discarded, the write fails with
 * CG_E_IO (errno EFBIG) and the temp file is removed.  Files created by
 * a process whose euid is 0 are chowned to root:root. */
cg_err cg_atomic_write_locked(int dirfd, const char *name, const char *tmp,
			      const void *data, size_t len, mode_t mode,
			      bool replace);

/* Overwrite len bytes at offset off of the regular file fd, in place,
 * and with sync fdatasync(2) it: one durable write that changes neither
 * the file's size nor its blocks, so the file system has no metadata to
 * commit (the files store's slotted state, store_files.c).  The range
 * must lie inside the file (else CG_E_INVAL): nothing grows, so a full
 * file system cannot refuse it.  Signals are held as for
 * cg_atomic_write_locked (a SIGXFSZ the write raised fails it with
 * EFBIG, discarded).  On failure the range may hold part of the new
 * bytes: the caller undoes it. */
cg_err cg_write_at(int fd, off_t off, const void *data, size_t len,
		   bool sync);

/* The replacement of a file others use (credgate put): like
 * cg_atomic_write_locked (tmp may also be NULL for a random temp name),
 * and the new file gets uid:gid and mode.  With expect, NAME is replaced
 * only while it is still the file expect describes (device, inode, size,
 * modification and change time, compared right before the rename):
 * CG_E_CHANGED when it was edited, replaced or removed meanwhile.
 * Without expect NAME is created, and CG_E_EXISTS if it appeared.
 * Either way nothing of ours is left behind on failure. */
cg_err cg_atomic_replace_checked(int dirfd, const char *name,
				 const char *tmp, const void *data,
				 size_t len, mode_t mode, uid_t uid,
				 gid_t gid, const struct stat *expect);

/* Take an exclusive flock(2) on dirfd/name, creating it (mode 0600) if
 * needed.  The lock file is opened like cg_openat_file with forbidden
 * 077.  Polls every 5 ms for up to timeout_ms (0: one try), then gives
 * CG_E_LOCK.  If the file is unlinked or replaced while we wait, the lock
 * is retaken on the file now at that name.  The caller unlocks by closing
 * *lockfd_out. */
cg_err cg_lock_file(int dirfd, const char *name, unsigned timeout_ms,
		    int *lockfd_out);

#endif
