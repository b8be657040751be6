/* Test helper, LD_PRELOAD shim: make file operations on one directory
 * fail, to prove a failed write never damages a user's state.
 *   CG_FAULT=write:ENOSPC | fsync:EIO | rename:EIO | ...
 *                           write covers write(2) and pwrite(2), fsync
 *                           covers fsync(2) and fdatasync(2)
 *   CG_FAULT=write:TORN     a pwrite in the directory writes a random
 *                           part of its bytes and the process dies of
 *                           SIGKILL: a crash in the middle of an
 *                           in-place update of a state slot
 *   CG_FAULT_DIR=/abs/dir   only files in this directory are affected
 *   CG_SYNC_LOG=/abs/file   every fsync/fdatasync (any fd, fault or not)
 *                           appends a line "CALL PATH" to this file
 *   CG_SYNC_DELAY_MS=N      fsync/fdatasync of a file in CG_FAULT_DIR
 *                           first sleeps N ms: a slow disk, so that a
 *                           signal sent at a random moment often lands
 *                           while a temp file exists
 * Operations elsewhere (the terminal, pam_wrapper's files) are untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int fault_errno(const char *op)
{
	const char *spec = getenv("CG_FAULT");
	size_t n = strlen(op);

	if (spec == NULL || strncmp(spec, op, n) != 0 || spec[n] != ':')
		return 0;
	spec += n + 1;
	if (strcmp(spec, "ENOSPC") == 0) return ENOSPC;
	if (strcmp(spec, "EIO") == 0) return EIO;
	if (strcmp(spec, "EDQUOT") == 0) return EDQUOT;
	if (strcmp(spec, "TORN") == 0) return -1;
	return 0;
}

/* Is the open fd (a file or a directory) inside CG_FAULT_DIR? */
static int fd_in_dir(int fd)
{
	const char *dir = getenv("CG_FAULT_DIR");
	char link[64], path[PATH_MAX];
	ssize_t n;

	if (dir == NULL)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return strncmp(path, dir, strlen(dir)) == 0;
}

static int path_in_dir(int dirfd, const char *p)
{
	const char *dir = getenv("CG_FAULT_DIR");

	if (dir == NULL || p == NULL)
		return 0;
	if (p[0] == '/')
		return strncmp(p, dir, strlen(dir)) == 0;
	return dirfd == AT_FDCWD ? 0 : fd_in_dir(dirfd);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t count)
{
	int e = fault_errno("write");
	if (e > 0 && fd_in_dir(fd)) {
		errno = e;
		return -1;
	}
	return REAL(write)(fd, buf, count);
}

/* A crash half-way through: some of the bytes (at least one, never all),
 * then death without any cleanup. */
static void torn_write(int fd, const void *buf, size_t count, off_t off)
{
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL) ^
	    (unsigned)clock();
	size_t part = count > 1 ? 1 + (size_t)rand_r(&seed) % (count - 1) : 0;

	(void)!REAL(pwrite)(fd, buf, part, off);
	kill(getpid(), SIGKILL);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	int e = fault_errno("write");
	if (e != 0 && fd_in_dir(fd)) {
		if (e == -1)
			torn_write(fd, buf, count, off);
		errno = e;
		return -1;
	}
	return REAL(pwrite)(fd, buf, count, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off)
{
	return pwrite(fd, buf, count, off);
}

/* Count a durable-write call: one line, written with O_APPEND. */
static void log_sync(const char *call, int fd)
{
	const char *log = getenv("CG_SYNC_LOG");
	char link[64], path[PATH_MAX], line[PATH_MAX + 32];
	ssize_t n;
	int lfd, len;

	if (log == NULL)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n < 0 ? 0 : n] = '\0';
	len = snprintf(line, sizeof(line), "%s %s\n", call, path);
	lfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0)
		return;
	if (len > 0)
		(void)!REAL(write)(lfd, line, (size_t)len);
	close(lfd);
}

static void slow_sync(int fd)
{
	const char *ms = getenv("CG_SYNC_DELAY_MS");
	struct timespec ts;
	long n;

	if (ms == NULL || (n = atol(ms)) <= 0 || !fd_in_dir(fd))
		return;
	ts.tv_sec = n / 1000;
	ts.tv_nsec = (n % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int fsync(int fd)
{
	log_sync("fsync", fd);
	slow_sync(fd);
	int e = fault_errno("fsync");
	if (e != 0 && fd_in_dir(fd)) {
		errno = e;
		return -1;
	}
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	log_sync("fdatasync", fd);
	slow_sync(fd);
	int e = fault_errno("fsync");
	if (e != 0 && fd_in_dir(fd)) {
		errno = e;
		return -1;
	}
	return REAL(fdatasync)(fd);
}

int rename(const char *from, const char *to)
{
	int e = fault_errno("rename");
	if (e != 0 && path_in_dir(AT_FDCWD, to)) {
		errno = e;
		return -1;
	}
	return REAL(rename)(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int e = fault_errno("rename");
	if (e != 0 && path_in_dir(tofd, to)) {
		errno = e;
		return -1;
	}
	return REAL(renameat)(fromfd, from, tofd, to);
}

int renameat2(int fromfd, const char *from, int tofd, const char *to,
	      unsigned int flags)
{
	int e = fault_errno("rename");
	if (e != 0 && path_in_dir(tofd, to)) {
		errno = e;
		return -1;
	}
	return REAL(renameat2)(fromfd, from, tofd, to, flags);
}

int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	int e = fault_errno("rename");
	if (e != 0 && path_in_dir(tofd, to)) {
		errno = e;
		return -1;
	}
	return REAL(linkat)(fromfd, from, tofd, to, flags);
}
