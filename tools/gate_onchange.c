/* The policy's on_change command, after a put or rollback: run as root
 * (real and effective: it is the admin's command, like postmap, not the
 * writer's), with nothing of the writer's -- environment, file
 * descriptors, limits, signal mask, working directory, umask -- in a
 * session of its own, killed with its process group at the timeout.  Its
 * result is audited and told to the writer; the new content stays in
 * place whatever it does (credgate.conf(5)). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "audit.h"
#include "credfile.h"
#include "cg_macros.h"
#include "gate.h"
#include "policy.h"
#include "safefile.h"

#define ON_CHANGE_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
#define POLL_MS 10

/* Limits the writer may have lowered (they are inherited through a
 * setuid exec), back to what a root daemon would have. */
static void reset_limits(void)
{
	static const int unlimited[] = { RLIMIT_CPU, RLIMIT_FSIZE,
		RLIMIT_DATA, RLIMIT_AS, RLIMIT_STACK };
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	struct rlimit files = { 1024, 4096 }, core = { 0, 0 };

	for (size_t i = 0; i < CG_ARRAY_SIZE(unlimited); i++)
		(void)setrlimit(unlimited[i], &inf);
	(void)setrlimit(RLIMIT_NOFILE, &files);
	(void)setrlimit(RLIMIT_CORE, &core);
}

static void reset_signals(void)
{
	struct sigaction dfl;
	sigset_t none;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		(void)sigaction(s, &dfl, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child: become a clean root process and exec; on failure write
 * errno to err_fd (close-on-exec, so a successful exec closes it). */
static void child(const struct cg_credential *c, pid_t parent, int err_fd)
{
	char cred[sizeof("CREDGATE_CREDENTIAL=") + CG_NAME_MAX];
	char *envp[] = { ON_CHANGE_PATH, "HOME=/", cred, NULL };
	int e, fd;

	snprintf(cred, sizeof(cred), "CREDGATE_CREDENTIAL=%s", c->name);
	if (setsid() < 0 || setgroups(0, NULL) != 0 ||
	    setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
		goto fail;
	/* Killed with the gate, so the timeout cannot be escaped by
	 * killing the gate; set after the uid change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		goto fail;
	reset_signals();
	reset_limits();
	umask(022);
	if (chdir("/") != 0 || (fd = open("/dev/null", O_RDWR)) < 0 ||
	    dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		goto fail;
	for (int i = 3; i < 1024; i++)
		if (i != err_fd)
			(void)close(i);
	execve(c->write.on_change[0], c->write.on_change, envp);
 fail:
	e = errno;
	(void)!write(err_fd, &e, sizeof(e));
	_exit(127);
}

struct outcome {
	char reason[32];      /* exit_N, signal_N, timeout, exec_error,
			       * unsafe_program */
	char detail[PATH_MAX + 160];
	bool ok;
};

/* The program runs as root: credfile.h's cg_program_check.  Once that
 * holds nobody else can alter the path before exec. */
static bool program_safe(const char *path, struct outcome *o)
{
	char why[256];

	if (cg_program_check(path, why, sizeof(why)) == CG_OK)
		return true;
	snprintf(o->reason, sizeof(o->reason), "unsafe_program");
	snprintf(o->detail, sizeof(o->detail), "%s: %s; not run", path, why);
	return false;
}

/* Wait for the child, counting naps rather than reading a clock (a
 * clock stepped back cannot make the wait endless). */
static void wait_child(pid_t pid, int err_fd, unsigned timeout_s,
		       struct outcome *o)
{
	const struct timespec nap = { 0, POLL_MS * 1000000L };
	unsigned long long waited = 0, limit = timeout_s * 1000ULL;
	int status = 0, e = 0;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && waited < limit) {
		(void)nanosleep(&nap, NULL);
		waited += POLL_MS;
	}
	if (r == 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		snprintf(o->reason, sizeof(o->reason), "timeout");
		snprintf(o->detail, sizeof(o->detail), "still running after "
			 "%u s: killed", timeout_s);
		return;
	}
	(void)kill(-pid, SIGKILL);   /* whatever it left running in its group */
	if (read(err_fd, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		snprintf(o->reason, sizeof(o->reason), "exec_error");
		snprintf(o->detail, sizeof(o->detail), "could not be run: %s",
			 strerror(e));
	} else if (WIFEXITED(status)) {
		snprintf(o->reason, sizeof(o->reason), "exit_%d",
			 WEXITSTATUS(status));
		snprintf(o->detail, sizeof(o->detail), "exit status %d",
			 WEXITSTATUS(status));
		o->ok = WEXITSTATUS(status) == 0;
	} else {
		snprintf(o->reason, sizeof(o->reason), "signal_%d",
			 WTERMSIG(status));
		snprintf(o->detail, sizeof(o->detail), "killed by signal %d",
			 WTERMSIG(status));
	}
}

static void audit_outcome(const struct gate *g, const struct cg_credential *c,
			  const struct outcome *o)
{
	struct cg_audit_event ev = {
		.event = "on_change",
		.result = o->ok ? "ok" : "failed",
		.reason = o->reason,
		.user = cg_audit_or_none(g->caller.name),
		.by_login = cg_audit_or_none(g->caller.login),
		.credential = c->name,
		.service = CG_GATE_SERVICE,
		.tty = cg_audit_or_none(g->caller.tty),
		.rhost = "",
		.detail = o->detail,
	};

	cg_audit_add(&ev, "command", c->write.on_change[0]);
	cg_audit_emit(&ev, NULL, NULL);
}

bool gate_on_change(const struct gate *g, const struct cg_credential *c)
{
	struct outcome o;
	pid_t pid, parent = getpid();
	int pfd[2];

	if (c->write.on_change == NULL)
		return true;
	memset(&o, 0, sizeof(o));
	if (!program_safe(c->write.on_change[0], &o)) {
		/* not run */
	} else if (pipe2(pfd, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		snprintf(o.reason, sizeof(o.reason), "exec_error");
		snprintf(o.detail, sizeof(o.detail), "cannot start it: %s",
			 strerror(errno));
	} else {
		if (pid == 0) {
			close(pfd[0]);
			child(c, parent, pfd[1]);
		}
		close(pfd[1]);
		wait_child(pid, pfd[0], c->write.on_change_timeout, &o);
		close(pfd[0]);
	}
	audit_outcome(g, c, &o);
	/* Not the command itself: the policy may be private. */
	if (!o.ok)
		gate_err("%s: on_change failed (%s): the new content stays in "
			 "place; tell an administrator (it is in the system "
			 "log)", c->name, o.detail);
	return o.ok;
}
