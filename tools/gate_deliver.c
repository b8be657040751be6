/* Handing a credential over: cat writes it to stdout; run gives it to a
 * command in a sealed memfd (or one environment variable) after
 * dropping privileges for good.  Nothing is ever written to disk. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "credfile.h"
#include "gate.h"
#include "privguard.h"
#include "safefile.h"
#include "wipe.h"

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

int gate_open_credential(const struct gate *g, const struct cg_credential *c,
			 int *fd_out)
{
	char why[PATH_MAX + 200], readable[CG_USER_MAX + 16];
	struct cg_credfile_status s;

	if (cg_credfile_open(c->path, fd_out, &s) == CG_OK)
		return GATE_EXIT_OK;
	cg_path_explain(s.err, s.errnum, &s.diag, why, sizeof(why));
	if (s.err == CG_E_EXPOSED)
		cg_credfile_readable_by(&s, readable, sizeof(readable));
	gate_audit_file(g, cg_credfile_reason(&s), c->path,
			s.err == CG_E_EXPOSED ? readable : NULL, why);
	gate_err("credential %s: %s: %s", c->name, c->path, why);
	return GATE_EXIT_FILE;
}

/* The whole credential from fd.  *buf_out is freed with
 * cg_freezero(buf, len + 1). */
static int read_credential(const struct gate *g, const struct cg_credential *c,
			   int fd, char **buf_out, size_t *len_out)
{
	char detail[PATH_MAX + 64];
	cg_err e;

	if ((e = cg_read_all(fd, GATE_MAX_CREDENTIAL, buf_out,
			     len_out)) == CG_OK)
		return GATE_EXIT_OK;
	if (e == CG_E_TOOBIG)
		snprintf(detail, sizeof(detail), "larger than %d bytes",
			 GATE_MAX_CREDENTIAL);
	else
		snprintf(detail, sizeof(detail), "%s",
			 e == CG_E_IO ? strerror(errno) : cg_strerror(e));
	gate_audit_file(g, "file_error", c->path, NULL, detail);
	gate_err("credential %s: %s: %s", c->name, c->path, detail);
	return GATE_EXIT_FILE;
}

int gate_cmd_cat(const struct gate *g, const struct cg_credential *c, int fd)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if ((ret = read_credential(g, c, fd, &buf, &len)) != GATE_EXIT_OK)
		return ret;
	/* A closed pipe is an error to report and audit, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (cg_write_all(STDOUT_FILENO, buf, len) != CG_OK) {
		gate_audit(g, false, "output_error", strerror(errno));
		gate_err("writing the credential: %s", strerror(errno));
		ret = GATE_EXIT_ERROR;
	} else {
		gate_audit(g, true, "delivered", "cat");
	}
	cg_freezero(buf, len + 1);
	return ret;
}

/* A memfd holding buf, sealed so that nobody (the command included) can
 * change or resize it, positioned at 0, inherited across exec. */
static int sealed_memfd(const char *buf, size_t len)
{
	int fd = memfd_create("credgate", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (cg_write_all(fd, buf, len) != CG_OK ||
	    fcntl(fd, F_ADD_SEALS, SEALS) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0 ||
	    fcntl(fd, F_SETFD, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The caller's environment without LD_* (see credgate(1)) and without
 * `name`, plus "name=value".  NULL on allocation failure. */
static char **command_env(const char *name, const char *value)
{
	char **caller = cg_priv_caller_env();
	size_t n = 0, k = 0, nlen = strlen(name);
	char **env;

	while (caller != NULL && caller[n] != NULL)
		n++;
	if ((env = calloc(n + 2, sizeof(*env))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *e = caller[i];
		if (strchr(e, '=') == NULL || strncmp(e, "LD_", 3) == 0 ||
		    (strncmp(e, name, nlen) == 0 && e[nlen] == '='))
			continue;
		env[k++] = caller[i];
	}
	if (asprintf(&env[k], "%s=%s", name, value) < 0) {
		free(env);
		return NULL;
	}
	return env;
}

/* Free what command_env made: its last entry is ours (and may hold the
 * credential), the others are borrowed from the caller's environment. */
static void free_command_env(char **env)
{
	size_t n = 0;

	while (env[n] != NULL)
		n++;
	if (n > 0)
		cg_free_string(env[n - 1]);
	free(env);
}

static const char *env_value(char **env, const char *name)
{
	size_t nlen = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, nlen) == 0 && (*env)[nlen] == '=')
			return *env + nlen + 1;
	return NULL;
}

/* Errors after which execvp(3) tries the next PATH element. */
static bool try_next(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ESTALE ||
	       err == ENODEV || err == ETIMEDOUT || err == ELOOP ||
	       err == ENAMETOOLONG;
}

/* execve `file`, searching the PATH of `env` (not ours) as execvp does,
 * but never falling back to /bin/sh on ENOEXEC: no shell anywhere.
 * Returns the errno to report. */
static int exec_search(const char *file, char *const *argv, char **env)
{
	const char *path, *p;
	char full[PATH_MAX];
	int err = ENOENT;

	if (strchr(file, '/') != NULL) {
		execve(file, argv, env);
		return errno;
	}
	if ((path = env_value(env, "PATH")) == NULL)
		path = "/bin:/usr/bin";
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int dlen = (int)(end - p);
		int n = dlen == 0 ? snprintf(full, sizeof(full), "%s", file) :
			snprintf(full, sizeof(full), "%.*s/%s", dlen, p, file);
		if (n > 0 && (size_t)n < sizeof(full)) {
			execve(full, argv, env);
			if (errno == EACCES)
				err = EACCES;
			else if (!try_next(errno))
				return errno;
		}
		if (*end == '\0')
			break;
		p = end;
	}
	return err;
}

/* The credential as the command will see it: an environment entry,
 * either VAR=contents or CREDGATE_FILE=/proc/self/fd/N. */
static char **prepare_env(const struct gate *g, const char *buf, size_t len)
{
	char fdpath[64];
	int fd;

	if (g->args.env_var != NULL)
		return command_env(g->args.env_var, buf);
	if ((fd = sealed_memfd(buf, len)) < 0)
		return NULL;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	return command_env("CREDGATE_FILE", fdpath);
}

int gate_cmd_run(const struct gate *g, const struct cg_credential *c, int fd)
{
	char *buf = NULL, **env;
	size_t len = 0;
	int ret, err;

	if ((ret = read_credential(g, c, fd, &buf, &len)) != GATE_EXIT_OK)
		return ret;
	if (g->args.env_var != NULL && memchr(buf, '\0', len) != NULL) {
		cg_freezero(buf, len + 1);
		gate_audit(g, false, "file_error", "contains a NUL byte: not for --env");
		gate_err("credential %s contains a NUL byte and cannot be put in "
			 "the environment; use CREDGATE_FILE", c->name);
		return GATE_EXIT_FILE;
	}
	env = prepare_env(g, buf, len);
	cg_freezero(buf, len + 1);
	if (env == NULL) {
		gate_audit(g, false, "internal_error", strerror(errno));
		gate_err("preparing the credential: %s", strerror(errno));
		return GATE_EXIT_ERROR;
	}
	/* For good, before anything of the caller's runs: the command, and
	 * the PATH search that finds it. */
	if (cg_priv_drop_to_caller() != CG_OK) {
		gate_audit(g, false, "internal_error", "cannot drop privileges");
		gate_err("cannot drop privileges");
		_exit(GATE_EXIT_ERROR);
	}
	/* The syslog socket is close-on-exec (glibc opens it so). */
	gate_audit(g, true, "delivered", "run");
	err = exec_search(g->args.command[0], g->args.command, env);
	free_command_env(env);
	gate_audit(g, false, "exec_failed", strerror(err));
	gate_err("cannot run the command: %s", strerror(err));
	return err == ENOENT ? GATE_EXIT_NOTFOUND : GATE_EXIT_NOEXEC;
}
