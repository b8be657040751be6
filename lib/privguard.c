/* Hardening of the setuid-root tools (DESIGN.md rule 7): environment,
 * fds, core dumps, argc 0, and dropping privileges (see privguard.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "number.h"
#include "cg_macros.h"
#include "privguard.h"
#include "username.h"

extern char **environ;
static char **caller_env;
static gid_t *caller_groups;
static int caller_ngroups;

static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		int n = open("/dev/null", O_RDWR);
		/* open returns the lowest free fd, which is this one. */
		if (n != fd)
			_exit(1);
	}
}

/* Values safe to keep: short, printable, no shell or path tricks. */
static bool plain_value(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 64)
		return false;
	for (; *v != '\0'; v++)
		if (!(*v >= 'a' && *v <= 'z') && !(*v >= 'A' && *v <= 'Z') &&
		    !(*v >= '0' && *v <= '9') && strchr("._-@", *v) == NULL)
			return false;
	return true;
}

static char **copy_env(char **env)
{
	size_t n = 0;
	char **copy;

	while (env != NULL && env[n] != NULL)
		n++;
	if ((copy = calloc(n + 1, sizeof(*copy))) == NULL)
		_exit(1);
	for (size_t i = 0; i < n; i++)
		if ((copy[i] = strdup(env[i])) == NULL)
			_exit(1);
	return copy;
}

static void sanitise_env(void)
{
	static const char *const keep[] = { "TERM", "LANG", "LC_ALL" };
	char *kept[3] = { NULL, NULL, NULL };

	caller_env = copy_env(environ);
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(keep[i]);
		if (v != NULL && plain_value(v))
			kept[i] = strdup(v);
	}
	if (clearenv() != 0)
		_exit(1);
	if (setenv("PATH", CG_SAFE_PATH, 1) != 0)
		_exit(1);
	for (size_t i = 0; i < 3; i++) {
		if (kept[i] != NULL && setenv(keep[i], kept[i], 1) != 0)
			_exit(1);
		free(kept[i]);
	}
}

/* Limits a caller could set to break a write half-way (a state file's
 * temp file cut short by RLIMIT_FSIZE and SIGXFSZ, SIGXCPU or the kill
 * at the CPU hard limit between write and rename), lifted while we run
 * as root and given back before anything runs as the caller. */
static const int hostile_limits[] = { RLIMIT_FSIZE, RLIMIT_CPU };
static struct rlimit caller_limits[2];
static bool limits_saved;

static void lift_limits(void)
{
	const struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	for (size_t i = 0; i < CG_ARRAY_SIZE(hostile_limits); i++) {
		if (getrlimit(hostile_limits[i], &caller_limits[i]) != 0)
			_exit(1);
		/* Raising a hard limit needs root: as a plain user (tests,
		 * not installed setuid) the soft limit goes up to the hard. */
		if (setrlimit(hostile_limits[i], &unlimited) != 0) {
			struct rlimit up = caller_limits[i];

			up.rlim_cur = up.rlim_max;
			if (setrlimit(hostile_limits[i], &up) != 0)
				_exit(1);
		}
	}
	limits_saved = true;
	/* A write past RLIMIT_FSIZE then fails with EFBIG instead of
	 * killing us before the temp file is removed. */
	if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
		_exit(1);
}

/* Before anything runs as the caller: their limits and SIGXFSZ's
 * default action back (an ignored signal survives exec). */
static cg_err restore_limits(void)
{
	if (!limits_saved)
		return CG_OK;
	if (signal(SIGXFSZ, SIG_DFL) == SIG_ERR)
		return CG_E_IO;
	for (size_t i = 0; i < CG_ARRAY_SIZE(hostile_limits); i++)
		if (setrlimit(hostile_limits[i], &caller_limits[i]) != 0)
			return CG_E_IO;
	return CG_OK;
}

static void save_groups(void)
{
	int n = getgroups(0, NULL);

	if (n < 0 || (caller_groups = calloc((size_t)n + 1, sizeof(gid_t))) == NULL)
		_exit(1);
	if ((caller_ngroups = getgroups(n, caller_groups)) < 0)
		_exit(1);
}

void cg_priv_init(int argc, char **argv)
{
	struct rlimit no_core = { 0, 0 };

	ensure_std_fds();
	if (argc < 1 || argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		/* An exec with argc == 0 is an attack (CVE-2021-4034 style);
		 * Linux >= 5.18 turns it into argv = { "" }, refused alike. */
		fputs("credgate: refusing to run with an empty argument list\n", stderr);
		exit(1);
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    setrlimit(RLIMIT_CORE, &no_core) != 0)
		exit(1);
	umask(077);
	lift_limits();
	sanitise_env();
	save_groups();
}

char **cg_priv_caller_env(void)
{
	return caller_env;
}

bool cg_priv_caller_is_root(void)
{
	return getuid() == 0;
}

cg_err cg_priv_drop_permanently(const char *user, uid_t uid, gid_t gid)
{
	if (restore_limits() != CG_OK)
		return CG_E_IO;
	if ((user != NULL ? initgroups(user, gid) : setgroups(0, NULL)) != 0 ||
	    setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return CG_E_IO;
	/* Paranoia: if root can be regained, the drop did not happen. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return CG_E_IO;
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		return CG_E_IO;
	return CG_OK;
}

void cg_priv_login_name(char *out, size_t sz)
{
	char buf[32];
	uint64_t uid;
	struct passwd *pw;
	ssize_t n;
	int fd;

	out[0] = '\0';
	if ((fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	/* (uid_t)-1: no login uid was ever set. */
	if (!cg_dec_u64(buf, UINT32_MAX - 1, true, &uid))
		return;
	if ((pw = getpwuid((uid_t)uid)) != NULL && cg_user_name_valid(pw->pw_name))
		snprintf(out, sz, "%s", pw->pw_name);
	else
		snprintf(out, sz, "%llu", (unsigned long long)uid);
}

cg_err cg_priv_fs_as_caller(void)
{
	setfsgid(getgid());
	setfsuid(getuid());
	/* setfsuid reports the previous value; a second call tells the truth. */
	if ((uid_t)setfsuid((uid_t)-1) != getuid() ||
	    (gid_t)setfsgid((gid_t)-1) != getgid())
		return CG_E_IO;
	return CG_OK;
}

cg_err cg_priv_fs_as_root(void)
{
	setfsuid(geteuid());
	setfsgid(getegid());
	if ((uid_t)setfsuid((uid_t)-1) != geteuid())
		return CG_E_IO;
	return CG_OK;
}

cg_err cg_priv_drop_to_caller(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (caller_groups == NULL)            /* cg_priv_init not called */
		return CG_E_IO;
	if (restore_limits() != CG_OK)
		return CG_E_IO;
	/* setgroups needs privilege: a caller that is not root only gets
	 * here from a setuid program, where it still has it. */
	if (setgroups((size_t)caller_ngroups, caller_groups) != 0 ||
	    setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return CG_E_IO;
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return CG_E_IO;
	if (geteuid() != uid || getegid() != gid)
		return CG_E_IO;
	return CG_OK;
}
