/* The credential file rule (credfile.h): safe path, then exposure. */
#include "config.h"
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "credfile.h"

#define CRED_NOT_WRITABLE 022        /* by group or others */
#define CRED_NOT_READABLE 044        /* by group or others: exposed */

cg_err cg_credfile_open(const char *path, int *fd_out,
			struct cg_credfile_status *s)
{
	int fd = -1;

	memset(s, 0, sizeof(*s));
	*fd_out = -1;
	s->err = cg_open_file_diag(path, CRED_NOT_WRITABLE, &fd, &s->st,
				   &s->diag);
	if (s->err == CG_E_IO)
		s->errnum = errno;
	if (s->err != CG_OK)
		return s->err;
	if ((s->st.st_mode & CRED_NOT_READABLE) != 0) {
		close(fd);
		s->diag.leaf = true;
		s->diag.have_stat = true;
		s->diag.mode = s->st.st_mode;
		s->diag.uid = s->st.st_uid;
		s->err = CG_E_EXPOSED;
		return s->err;
	}
	*fd_out = fd;
	return CG_OK;
}

const char *cg_credfile_reason(const struct cg_credfile_status *s)
{
	return s->err == CG_E_EXPOSED ? "credential_exposed" : "file_error";
}

void cg_credfile_readable_by(const struct cg_credfile_status *s, char *buf,
			     size_t sz)
{
	struct group *gr;

	if ((s->st.st_mode & S_IROTH) != 0) {
		snprintf(buf, sz, "world");
	} else if ((s->st.st_mode & S_IRGRP) != 0) {
		if ((gr = getgrgid(s->st.st_gid)) != NULL)
			snprintf(buf, sz, "group %s", gr->gr_name);
		else
			snprintf(buf, sz, "group %u", (unsigned)s->st.st_gid);
	} else {
		snprintf(buf, sz, "owner");
	}
}

void cg_credfile_explain(const char *path, const struct cg_credfile_status *s,
			 char *buf, size_t sz)
{
	char why[PATH_MAX + 200];

	cg_path_explain(s->err, s->errnum, &s->diag, why, sizeof(why));
	snprintf(buf, sz, "%s: %s", path, why);
}

cg_err cg_program_check(const char *path, char *why, size_t whysz)
{
	struct cg_path_diag diag;
	struct stat st;
	int fd = -1, errnum;
	cg_err e;

	memset(&diag, 0, sizeof(diag));
	e = cg_open_file_diag(path, 022, &fd, &st, &diag);
	errnum = errno;
	if (fd >= 0)
		close(fd);
	if (e == CG_OK && (st.st_mode & 0111) == 0) {
		snprintf(why, whysz, "not executable");
		return CG_E_MODE;
	}
	if (e != CG_OK)
		cg_path_explain(e, errnum, &diag, why, whysz);
	return e;
}
