/* A credential file, checked the way the gate hands it over: one rule
 * for the gate (before it prompts), credgate check and check-config.
 *
 * The path is walked without a symlink through directories root owns
 * and nobody else may write (safefile.h); the file is regular, has one
 * link, is owned by root and writable by nobody else -- and readable by
 * nobody else: a credential group or others can read is exposed
 * (CG_E_EXPOSED), whoever set its mode, and is refused so that the leak
 * is noticed (reason=credential_exposed, a warning in the log). */
#ifndef CG_CREDFILE_H
#define CG_CREDFILE_H
#include <stddef.h>
#include <sys/stat.h>
#include "cg_error.h"
#include "safefile.h"

struct cg_credfile_status {
	cg_err err;
	int errnum;                     /* errno of a CG_E_IO failure */
	struct cg_path_diag diag;       /* which component, and how */
	struct stat st;                 /* the file, on CG_OK and EXPOSED */
};

/* Open and check path; on CG_OK *fd_out is the open file, positioned at
 * its start.  s is filled whatever the outcome. */
cg_err cg_credfile_open(const char *path, int *fd_out,
			struct cg_credfile_status *s);

/* The audit reason: "credential_exposed" or "file_error". */
const char *cg_credfile_reason(const struct cg_credfile_status *s);

/* Who may read an exposed file: "world" or "group NAME" ("group GID"
 * when the group has no name), into buf. */
void cg_credfile_readable_by(const struct cg_credfile_status *s, char *buf,
			     size_t sz);

/* "PATH: why" for an admin (cg_path_explain). */
void cg_credfile_explain(const char *path, const struct cg_credfile_status *s,
			 char *buf, size_t sz);

/* A program root runs for a credential (on_change): nobody but root may
 * be able to change it, so it is walked and checked as a credential file
 * is (every directory root's and closed to others, no symlink, the file
 * root's, not group/world writable, one link; readable by others is
 * fine), and it must be executable.  CG_OK, or an error with why filled
 * for an admin ("not executable" is CG_E_MODE). */
cg_err cg_program_check(const char *path, char *why, size_t whysz);

#endif
