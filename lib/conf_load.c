/* Reading credgate.conf and its drop-ins from disk.  The main file's path
 * is walked and each file checked on its open fd (safefile.h: no symlink
 * anywhere, root's directories nobody else may write, regular file,
 * trusted owner, not group/world writable) before a byte of it is
 * believed; credgate.d is opened under the directory that walk checked,
 * the drop-ins under credgate.d.  Every refusal names the file (and the
 * directory on the way) and says why. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf.h"
#include "conf_int.h"
#include "safefile.h"

#define DROPIN_DIR "credgate.d"
#define DROPIN_SUFFIX ".conf"
#define DROPIN_MAX 1024         /* files; beyond that something is wrong */
#define FORBIDDEN_MODE 022      /* group or world writable */

/* Why safefile refused `file`, in words an admin can act on, naming the
 * directory on the way when it was one of those (cg_path_explain).
 * errnum is the errno of the failing call, used for CG_E_IO only. */
static void refuse(struct cg_diag *diag, const char *file, cg_err err,
		   int errnum, const struct cg_path_diag *pd)
{
	char why[PATH_MAX + 200];

	cg_path_explain(err, errnum, pd, why, sizeof(why));
	cg_conf_diag(diag, file, 0, "%s", why);
}

/* A drop-in (or credgate.d: want_dir) opened by name under its checked
 * directory was refused: what it looks like, for the message. */
static void refuse_at(struct cg_diag *diag, const char *file, int dirfd,
		      const char *name, bool want_dir, cg_err err, int errnum)
{
	struct cg_path_diag pd;
	struct stat st;

	memset(&pd, 0, sizeof(pd));
	pd.leaf = true;
	pd.want_dir = want_dir;
	pd.forbidden = FORBIDDEN_MODE;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		pd.have_stat = true;
		pd.mode = st.st_mode;
		pd.uid = st.st_uid;
		pd.nlink = (unsigned long)st.st_nlink;
	}
	refuse(diag, file, err, errnum, &pd);
}

/* Read an opened, checked file (st: its opener's fstat) and parse it
 * into cfg. */
static cg_err parse_fd(struct cg_config *cfg, int fd, const struct stat *st,
		       const char *file, struct cg_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	cg_err err;

	err = cg_read_file(fd, st, CG_CONFIG_MAX_BYTES, &text, &len);
	if (err == CG_E_TOOBIG) {
		cg_conf_diag(diag, file, 0, "larger than %d bytes",
			     CG_CONFIG_MAX_BYTES);
		goto out;
	}
	if (err != CG_OK) {
		cg_conf_diag(diag, file, 0, "cannot read: %s",
			     err == CG_E_IO ? strerror(errno) :
			     cg_strerror(err));
		goto out;
	}
	err = cg_config_parse_buffer(cfg, file, text, len, diag);
 out:
	free(text);
	return err;
}

/* The main file; *dirfd gets its checked directory, for credgate.d. */
static cg_err load_main(struct cg_config *cfg, const char *path, int *dirfd,
			struct cg_diag *diag)
{
	struct cg_path_diag pd;
	struct stat st;
	int fd = -1;
	cg_err err;

	err = cg_open_file_dir_diag(path, FORBIDDEN_MODE, &fd, &st, dirfd,
				    &pd);
	if (err != CG_OK) {
		refuse(diag, path, err, errno, &pd);
		return err;
	}
	err = parse_fd(cfg, fd, &st, path, diag);
	close(fd);
	return err;
}

/* Drop-ins are what glob("*.conf") would match: no hidden files (editor
 * and lock files start with '.'), a name before the suffix. */
static bool is_dropin_name(const char *name)
{
	size_t n = strlen(name), sn = strlen(DROPIN_SUFFIX);

	return name[0] != '.' && n > sn &&
	       strcmp(name + n - sn, DROPIN_SUFFIX) == 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The drop-in names in dirfd, sorted with strcmp. */
static cg_err list_dropins(int dirfd, const char *dir, char ***names_out,
			   size_t *n_out, struct cg_diag *diag)
{
	char **names = NULL, **grown;
	size_t n = 0;
	DIR *d = NULL;
	struct dirent *ent;
	int fd;
	cg_err err = CG_OK;

	/* fdopendir owns its fd: give it a copy, dirfd stays ours. */
	if ((fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (d = fdopendir(fd)) == NULL) {
		cg_conf_diag(diag, dir, 0, "cannot read directory: %s",
			     strerror(errno));
		if (fd != -1)
			close(fd);
		return CG_E_IO;
	}
	for (;;) {
		errno = 0;
		if ((ent = readdir(d)) == NULL) {
			if (errno != 0) {
				cg_conf_diag(diag, dir, 0, "cannot read "
					     "directory: %s", strerror(errno));
				err = CG_E_IO;
			}
			break;
		}
		if (!is_dropin_name(ent->d_name))
			continue;
		if (n == DROPIN_MAX) {
			cg_conf_diag(diag, dir, 0, "more than %d drop-in "
				     "files", DROPIN_MAX);
			err = CG_E_TOOBIG;
			break;
		}
		grown = reallocarray(names, n + 1, sizeof(*names));
		if (grown != NULL)
			names = grown;
		if (grown == NULL || (names[n] = strdup(ent->d_name)) == NULL) {
			cg_conf_diag(diag, dir, 0, "out of memory");
			err = CG_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (err == CG_OK) {
		if (n > 0)
			qsort(names, n, sizeof(*names), compare_names);
		*names_out = names;
		*n_out = n;
		names = NULL;
		n = 0;
	}
	free_names(names, n);
	return err;
}

static cg_err load_dropin(struct cg_config *cfg, int dirfd, const char *dir,
			  const char *name, struct cg_diag *diag)
{
	char file[PATH_MAX];
	struct stat st;
	int fd = -1, n;
	cg_err err;

	n = snprintf(file, sizeof(file), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(file)) {
		cg_conf_diag(diag, dir, 0, "drop-in path too long");
		return CG_E_TOOBIG;
	}
	err = cg_openat_file(dirfd, name, O_RDONLY, FORBIDDEN_MODE, &fd, &st);
	if (err != CG_OK) {
		refuse_at(diag, file, dirfd, name, false, err, errno);
		return err;
	}
	err = parse_fd(cfg, fd, &st, file, diag);
	close(fd);
	return err;
}

/* "<dirname(path)>/credgate.d"; path is absolute. */
static cg_err dropin_dir(const char *path, char *out, size_t sz,
			 struct cg_diag *diag)
{
	const char *slash = strrchr(path, '/');
	int dirlen = (int)(slash - path), n;

	n = snprintf(out, sz, "%.*s/%s", dirlen, path, DROPIN_DIR);
	if (n < 0 || (size_t)n >= sz) {
		cg_conf_diag(diag, path, 0, "drop-in directory path too long");
		return CG_E_TOOBIG;
	}
	return CG_OK;
}

/* credgate.d under maindir, the main file's checked directory. */
static cg_err load_dropins(struct cg_config *cfg, int maindir,
			   const char *path, struct cg_diag *diag)
{
	char dir[PATH_MAX], **names = NULL;
	size_t n = 0;
	int dirfd = -1;
	cg_err err;

	if ((err = dropin_dir(path, dir, sizeof(dir), diag)) != CG_OK)
		return err;
	err = cg_openat_dir(maindir, DROPIN_DIR, false, FORBIDDEN_MODE,
			    &dirfd);
	if (err == CG_E_NOENT)
		return CG_OK;   /* drop-ins are optional */
	if (err != CG_OK) {
		refuse_at(diag, dir, maindir, DROPIN_DIR, true, err, errno);
		return err;
	}
	if ((err = list_dropins(dirfd, dir, &names, &n, diag)) != CG_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		err = load_dropin(cfg, dirfd, dir, names[i], diag);
		if (err != CG_OK)
			goto out;
	}
 out:
	free_names(names, n);
	close(dirfd);
	return err;
}

cg_err cg_config_load(const char *path, struct cg_config **out,
		      struct cg_diag *diag)
{
	struct cg_config *cfg = NULL;
	int dirfd = -1;
	cg_err err;

	cg_conf_diag_clear(diag);
	if (out == NULL)
		return CG_E_INVAL;
	*out = NULL;
	if (path == NULL || path[0] != '/') {
		cg_conf_diag(diag, path, 0, "configuration path must be "
			     "absolute");
		return CG_E_INVAL;
	}
	if ((cfg = cg_config_new()) == NULL) {
		cg_conf_diag(diag, path, 0, "out of memory");
		return CG_E_NOMEM;
	}
	if ((err = load_main(cfg, path, &dirfd, diag)) != CG_OK)
		goto out;
	if ((err = load_dropins(cfg, dirfd, path, diag)) != CG_OK)
		goto out;
	if ((err = cg_config_validate(cfg, diag)) != CG_OK)
		goto out;
	*out = cfg;
	cfg = NULL;
 out:
	if (dirfd >= 0)
		close(dirfd);
	cg_config_free(cfg);
	return err;
}

cg_err cg_config_load_explained(const char *path, struct cg_config **out,
				char *msg, size_t msgsz)
{
	struct cg_diag diag;
	cg_err e;

	memset(&diag, 0, sizeof(diag));
	if (msgsz > 0)
		msg[0] = '\0';
	if ((e = cg_config_load(path, out, &diag)) != CG_OK)
		cg_diag_format(&diag, msg, msgsz);
	return e;
}
