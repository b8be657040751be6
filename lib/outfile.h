/* Writing a private file at a path a person named (--qr-png FILE).
 *
 * Unlike the state files (safefile.h), the path is the caller's choice,
 * not a checked directory of ours: so this runs with the caller's own
 * file-system identity (a set-uid program switches first, see below),
 * and what it guards against is being tricked into writing somewhere
 * else or leaving the contents readable by others. */
#ifndef CG_OUTFILE_H
#define CG_OUTFILE_H
#include <stddef.h>
#include "cg_error.h"

/* Create or replace the contents of `path` with `data`, mode 0600.
 *
 * Refused, with nothing modified: a symlink at path (CG_E_SYMLINK; the
 * target is untouched), anything but a regular file (CG_E_NOTREG; a FIFO
 * or device is refused without blocking), a file owned by another uid
 * (CG_E_NOTMINE: its owner could read it whatever its mode), a file with
 * other hard links (CG_E_NLINK).  A missing directory is CG_E_NOENT.
 *
 * File access must already be the caller's: when the file-system ids
 * (setfsuid(2); the effective ids unless changed) differ from the real
 * ids -- a set-id program that has not called cg_priv_fs_as_caller() or
 * dropped privilege -- everything is refused (CG_E_INVAL, errno EPERM).
 *
 * An existing file's mode is tightened to 0600 before it is truncated and
 * written.  The data is fsync'ed; on a write or fsync failure the file is
 * truncated to empty (never a partial file) and CG_E_IO returned.  errno
 * is kept from the call that failed. */
cg_err cg_write_private_file(const char *path, const void *data, size_t len);

#endif
