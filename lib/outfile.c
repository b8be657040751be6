/* Writing a private file at a path a person named (--qr-png FILE), with
 * the caller's own filesystem identity (see outfile.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outfile.h"
#include "safefile.h"

static cg_err open_errno_to_cg(int err)
{
	switch (err) {
	case ELOOP:
		return CG_E_SYMLINK;	/* O_NOFOLLOW met a symlink */
	case ENXIO:			/* a FIFO with no reader, a socket */
	case EISDIR:
		return CG_E_NOTREG;
	case ENOENT:
		return CG_E_NOENT;
	default:
		return CG_E_IO;
	}
}

/* The ids the kernel checks file access with: the effective ids, unless
 * a set-id program switched them to the caller's with setfsuid(2)/
 * setfsgid(2) (cg_priv_fs_as_caller()).  An invalid id changes nothing
 * and returns the current one. */
static bool fs_ids_are_real(void)
{
	return (uid_t)setfsuid((uid_t)-1) == getuid() &&
	       (gid_t)setfsgid((gid_t)-1) == getgid();
}

/* Everything about the open file that must hold before we write. */
static cg_err check_output_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return CG_E_IO;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return CG_E_NOTREG;
	}
	if (st.st_uid != getuid()) {	/* = the fs uid, checked before */
		errno = EPERM;
		return CG_E_NOTMINE;
	}
	if (st.st_nlink != 1) {
		errno = EMLINK;
		return CG_E_NLINK;
	}
	return CG_OK;
}

/*
 * O_NONBLOCK so that a FIFO or a device cannot make us wait at open; it
 * is cleared once fstat has shown a regular file.  No O_TRUNC at open:
 * truncation waits for the same proof, so nothing but a regular file of
 * ours is ever modified.  The mode is tightened before the truncation,
 * so the new contents are never readable under an old, looser mode.
 */
static cg_err output_open(const char *path, int *fd_out)
{
	int fd, flags, saved;
	cg_err r;

	*fd_out = -1;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
		  O_NOCTTY | O_NONBLOCK, 0600);
	if (fd == -1)
		return open_errno_to_cg(errno);
	if ((r = check_output_fd(fd)) != CG_OK)
		goto fail;
	r = CG_E_IO;
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 ||
	    fchmod(fd, 0600) == -1 || ftruncate(fd, 0) == -1)
		goto fail;
	*fd_out = fd;
	return CG_OK;
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

cg_err cg_write_private_file(const char *path, const void *data, size_t len)
{
	int fd, saved;
	cg_err r;

	if (path == NULL || (data == NULL && len > 0))
		return CG_E_INVAL;
	/* The path is the user's choice: with privilege still held, a
	 * user's "--qr-png /etc/shadow" would be obeyed.  A set-id caller
	 * that forgot to switch to the real ids is a bug; refuse. */
	if (!fs_ids_are_real()) {
		errno = EPERM;
		return CG_E_INVAL;
	}
	if ((r = output_open(path, &fd)) != CG_OK)
		return r;
	r = cg_write_all(fd, data, len);
	if (r == CG_OK && fsync(fd) == -1)
		r = CG_E_IO;
	if (r != CG_OK) {
		/* An empty file says "failed"; half a file might be used.
		 * Should this fail too, r still reports the failure. */
		saved = errno;
		if (ftruncate(fd, 0) == -1) {
		}
		close(fd);
		errno = saved;
		return r;
	}
	if (close(fd) == -1)
		return CG_E_IO;
	return CG_OK;
}
