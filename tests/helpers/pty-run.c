/* Test helper: run a command as the leader of a new login session whose
 * controlling terminal is a fresh pty -- what a real login gives -- so
 * that tests exercise grace bound to a session and terminal handling
 * (echo) for real.
 *
 *   pty-run [-p N] [-n FILE] [-s] [-t SECONDS] -- CMD [ARGS...]
 *
 *   -p N   the pty must be /dev/pts/N (a recycled number): ptys are
 *          opened until that one comes, the others held meanwhile;
 *          exit 77 when it does not come (another process holds it).
 *   -n     write the pts number to FILE.
 *   -s     script mode: CMD's stdin, stdout and stderr are the pty, and
 *          pty-run reads a script on its own stdin, one command a line:
 *            expect TEXT   wait until the output shows TEXT (after the
 *                          previous match); exit 98 on timeout or EOF
 *            send TEXT     type TEXT and Enter
 *            echo          print "echo on" or "echo off" on stderr: the
 *                          terminal's ECHO flag right now
 *            kill SIG      send signal number SIG to CMD
 *            wait          wait until CMD has exited (the pty stays open,
 *                          so "echo" still reads its settings)
 *          Everything the pty shows is copied to stdout.
 *          Without -s, CMD keeps pty-run's stdin, stdout and stderr; only
 *          its controlling terminal is the pty (output there is dropped).
 *   -t     seconds for each expect and, with -s, for the end (default 20).
 *
 * CMD gets CG_PTS=N in its environment.  The exit status is CMD's (128 +
 * signal if it was killed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 256
#define SEEN_MAX (1 << 20)

static int timeout_s = 20;
static pid_t child_pid;
static int child_status;
static bool child_done;
static char seen[SEEN_MAX];
static size_t nseen;

static void die(int code, const char *what, const char *arg)
	__attribute__((noreturn));
static void die(int code, const char *what, const char *arg)
{
	fprintf(stderr, "pty-run: %s%s\n", what, arg);
	exit(code);
}

static int open_pty(int *num)
{
	char name[64];
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0 ||
	    ptsname_r(fd, name, sizeof(name)) != 0 ||
	    sscanf(name, "/dev/pts/%d", num) != 1)
		die(99, "cannot open a pty: ", strerror(errno));
	return fd;
}

/* A pty, numbered `want` if want >= 0. */
static int get_pty(int want, int *num)
{
	int held[MAX_HELD], nheld = 0, fd = -1;

	for (;;) {
		fd = open_pty(num);
		if (want < 0 || *num == want)
			break;
		if (nheld == MAX_HELD) {
			close(fd);
			fd = -1;
			break;
		}
		held[nheld++] = fd;
	}
	while (nheld > 0)
		close(held[--nheld]);
	if (fd < 0) {
		fprintf(stderr, "pty-run: /dev/pts/%d is not free\n", want);
		exit(77);
	}
	return fd;
}

static void child(int master, int num, bool script, char **cmd)
{
	char name[64], env[32];
	int slave;

	if (ptsname_r(master, name, sizeof(name)) != 0 || setsid() < 0)
		_exit(99);
	/* Opened without O_NOCTTY by a session leader: the controlling tty. */
	if ((slave = open(name, O_RDWR)) < 0 ||
	    ioctl(slave, TIOCSCTTY, 0) != 0)
		_exit(99);
	if (script && (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
		       dup2(slave, 2) < 0))
		_exit(99);
	if (slave > 2)
		close(slave);
	snprintf(env, sizeof(env), "%d", num);
	setenv("CG_PTS", env, 1);
	execvp(cmd[0], cmd);
	_exit(127);
}

/* Read what the pty shows (up to ms milliseconds); false at its end. */
static bool pump(int master, int ms, bool copy)
{
	struct pollfd p = { master, POLLIN, 0 };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return true;
	n = read(master, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && errno == EINTR;  /* EIO: every slave closed */
	if (copy) {
		(void)!write(STDOUT_FILENO, buf, (size_t)n);
		if (nseen + (size_t)n > SEEN_MAX)
			nseen = 0;
		memcpy(seen + nseen, buf, (size_t)n);
		nseen += (size_t)n;
	}
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void expect(int master, const char *text)
{
	long long end = now_ms() + timeout_s * 1000LL;
	char *hit;

	while ((hit = memmem(seen, nseen, text, strlen(text))) == NULL) {
		if (now_ms() >= end)
			die(98, "timed out expecting ", text);
		if (!pump(master, 100, true))
			die(98, "end of output expecting ", text);
	}
	nseen -= (size_t)(hit + strlen(text) - seen);
	memmove(seen, hit + strlen(text), nseen);
}

/* Reap CMD if it has exited (blocking: wait up to the timeout). */
static void reap(int master, bool block)
{
	long long end = now_ms() + timeout_s * 1000LL;
	pid_t r;

	while (!child_done) {
		r = waitpid(child_pid, &child_status, WNOHANG);
		if (r < 0)
			die(99, "waitpid: ", strerror(errno));
		if (r == child_pid) {
			child_done = true;
			break;
		}
		if (!block)
			break;
		if (now_ms() >= end)
			die(98, "timed out waiting for the command", "");
		if (!pump(master, 50, true))
			usleep(20000);
	}
}

static void run_script(int master)
{
	char line[4096];
	struct termios tio;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "expect ", 7) == 0) {
			expect(master, line + 7);
		} else if (strncmp(line, "send ", 5) == 0) {
			strcat(line, "\r");
			if (write(master, line + 5, strlen(line + 5)) < 0)
				die(99, "write: ", strerror(errno));
		} else if (strcmp(line, "echo") == 0) {
			/* On a master, TCGETS reports the slave's settings. */
			if (tcgetattr(master, &tio) != 0)
				die(99, "tcgetattr: ", strerror(errno));
			fprintf(stderr, "echo %s\n",
				(tio.c_lflag & ECHO) ? "on" : "off");
		} else if (strncmp(line, "kill ", 5) == 0) {
			if (kill(child_pid, atoi(line + 5)) != 0)
				die(99, "kill: ", strerror(errno));
		} else if (strcmp(line, "wait") == 0) {
			reap(master, true);
		} else if (line[0] != '\0') {
			die(2, "unknown script command: ", line);
		}
	}
}

/* Until the command exits (and, in script mode, the pty is closed).
 * Only script mode has a deadline: otherwise CMD may be a whole test. */
static int finish(int master, pid_t pid, bool script)
{
	long long end = now_ms() + timeout_s * 1000LL;
	bool open = true;

	(void)pid;
	while (!child_done || (script && open)) {
		if (script && now_ms() >= end) {
			kill(-child_pid, SIGKILL);
			die(98, "timed out waiting for the command", "");
		}
		/* Without -s the slave may be closed now and opened again
		 * later (/dev/tty): keep draining. */
		if (!open || !pump(master, 50, script)) {
			open = open && !script;
			usleep(20000);
		}
		reap(master, false);
	}
	if (WIFSIGNALED(child_status))
		return 128 + WTERMSIG(child_status);
	return WEXITSTATUS(child_status);
}

int main(int argc, char **argv)
{
	int opt, want = -1, num = -1, master;
	const char *numfile = NULL;
	bool script = false;
	FILE *f;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+p:n:st:")) != -1) {
		switch (opt) {
		case 'p': want = atoi(optarg); break;
		case 'n': numfile = optarg; break;
		case 's': script = true; break;
		case 't': timeout_s = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc)
		die(2, "usage: pty-run [-p N] [-n FILE] [-s] [-t SECONDS] -- CMD...", "");
	signal(SIGPIPE, SIG_IGN);
	master = get_pty(want, &num);
	if (numfile != NULL) {
		if ((f = fopen(numfile, "w")) == NULL ||
		    fprintf(f, "%d\n", num) < 0 || fclose(f) != 0)
			die(99, "cannot write ", numfile);
	}
	if ((pid = fork()) < 0)
		die(99, "fork: ", strerror(errno));
	if (pid == 0)
		child(master, num, script, argv + optind);
	child_pid = pid;
	if (script)
		run_script(master);
	return finish(master, pid, script);
}
