/* lib/safefile: every refusal the state store and the gate rely on, the
 * atomic replace under SIGKILL, and the lock between processes.
 * Each test gets a fresh private (0700) directory. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "credfile.h"
#include "safefile.h"
#include "wipe.h"

struct fixture {
	char dir[PATH_MAX];
	int dirfd;
};

/* ---- fixture and helpers (plain libc: the oracle is not the code under
 * test) ---- */

static int make_tmpdir(char *out, size_t outsz, const char *base)
{
	int n = snprintf(out, outsz, "%s/safefile.XXXXXX", base);

	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return mkdtemp(out) == NULL ? -1 : 0;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *top = getenv("abs_top_builddir");
	char base[PATH_MAX];

	if (fx == NULL)
		return -1;
	if (top != NULL && top[0] == '/' &&
	    snprintf(base, sizeof(base), "%s/tests/unit", top) < (int)sizeof(base) &&
	    make_tmpdir(fx->dir, sizeof(fx->dir), base) == 0)
		;
	else if (make_tmpdir(fx->dir, sizeof(fx->dir), "/tmp") != 0) {
		free(fx);
		return -1;
	}
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fx->dirfd == -1) {
		rmdir(fx->dir);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	close(fx->dirfd);
	/* a test may have left a directory unwritable */
	chmod(fx->dir, 0700);
	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void make_file(struct fixture *fx, const char *name, const void *data,
		      size_t len, mode_t mode)
{
	int fd = openat(fx->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
			O_CLOEXEC, 0600);

	assert_true(fd != -1);
	assert_int_equal(fchmod(fd, mode), 0);	/* not subject to umask */
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void make_text(struct fixture *fx, const char *name, const char *s,
		      mode_t mode)
{
	make_file(fx, name, s, strlen(s), mode);
}

/* Contents of dirfd/name read with plain libc; NUL-terminated. */
static char *slurp(struct fixture *fx, const char *name, size_t *len_out)
{
	int fd = openat(fx->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0, cap = 1 << 21;
	char *buf = malloc(cap + 1);
	ssize_t n;

	assert_true(fd != -1);
	assert_non_null(buf);
	while ((n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	assert_int_equal(n, 0);
	assert_true(len < cap);
	close(fd);
	buf[len] = '\0';
	if (len_out != NULL)
		*len_out = len;
	return buf;
}

static void assert_contents(struct fixture *fx, const char *name,
			    const char *want)
{
	char *got = slurp(fx, name, NULL);

	assert_string_equal(got, want);
	free(got);
}

static char *path_in(struct fixture *fx, const char *name)
{
	static char path[PATH_MAX];

	assert_true(snprintf(path, sizeof(path), "%s/%s", fx->dir, name) <
		    (int)sizeof(path));
	return path;
}

static bool exists(struct fixture *fx, const char *name)
{
	struct stat st;

	return fstatat(fx->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Number of entries whose name starts with '.' (temp files), and of all
 * entries, in the fixture directory. */
static unsigned count_entries(struct fixture *fx, unsigned *dotted)
{
	DIR *d = opendir(fx->dir);
	struct dirent *de;
	unsigned all = 0, dots = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		all++;
		if (de->d_name[0] == '.')
			dots++;
	}
	closedir(d);
	if (dotted != NULL)
		*dotted = dots;
	return all;
}

static unsigned count_temps(struct fixture *fx)
{
	unsigned dots;

	count_entries(fx, &dots);
	return dots;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Exit status of a child that reports its verdict with _exit(0/N). */
static int wait_child(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* ---- owners and the checks on an fd ---- */

static void test_owner_trusted(void **state)
{
	(void)state;
	assert_true(cg_owner_trusted(0));
	assert_true(cg_owner_trusted(geteuid()));
	if (geteuid() != 65534)
		assert_false(cg_owner_trusted(65534));
}

static void test_symlink_file_refused(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	int fd = -1;

	make_text(fx, "target", "secret\n", 0600);
	assert_int_equal(symlinkat("target", fx->dirfd, "link"), 0);

	assert_int_equal(cg_open_file(path_in(fx, "link"), 077, &fd, NULL),
			 CG_E_SYMLINK);
	assert_int_equal(cg_openat_file(fx->dirfd, "link", O_RDONLY, 077, &fd,
					NULL), CG_E_SYMLINK);
	assert_int_equal(cg_openat_file(fx->dirfd, "link",
					O_WRONLY | O_CREAT | O_APPEND, 077,
					&fd, NULL), CG_E_SYMLINK);
	assert_int_equal(fd, -1);

	/* the target is untouched */
	assert_contents(fx, "target", "secret\n");
	assert_int_equal(fstatat(fx->dirfd, "target", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1);

	/* CVE-2024-47191: a dangling link must not create its target */
	assert_int_equal(symlinkat("created", fx->dirfd, "dangling"), 0);
	assert_int_equal(cg_openat_file(fx->dirfd, "dangling",
					O_WRONLY | O_CREAT, 077, &fd, NULL),
			 CG_E_SYMLINK);
	assert_false(exists(fx, "created"));

	/* replacing a link replaces the link, never writes through it */
	assert_int_equal(cg_atomic_replace(fx->dirfd, "link", "new", 3, 0600),
			 CG_OK);
	assert_int_equal(fstatat(fx->dirfd, "link", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_true(S_ISREG(st.st_mode));
	assert_contents(fx, "target", "secret\n");
}

static void test_symlink_dir_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "sub", 0700), 0);
	assert_int_equal(symlinkat("sub", fx->dirfd, "sublink"), 0);
	make_text(fx, "file", "x", 0600);

	assert_int_equal(cg_open_dir(path_in(fx, "sublink"), 022, &fd),
			 CG_E_SYMLINK);
	assert_int_equal(cg_open_dir(path_in(fx, "file"), 022, &fd),
			 CG_E_NOTREG);
	assert_int_equal(cg_open_dir(path_in(fx, "missing"), 022, &fd),
			 CG_E_NOENT);
	assert_int_equal(cg_open_dir("relative/dir", 022, &fd), CG_E_INVAL);
	assert_int_equal(fd, -1);

	assert_int_equal(cg_open_dir(path_in(fx, "sub"), 077, &fd), CG_OK);
	assert_true(fd >= 0);
	assert_int_equal(cg_check_fd(fd, true, 077, NULL), CG_OK);
	close(fd);

	assert_int_equal(fchmodat(fx->dirfd, "sub", 0777, 0), 0);
	fd = -1;
	assert_int_equal(cg_open_dir(path_in(fx, "sub"), 022, &fd), CG_E_MODE);
	assert_int_equal(fd, -1);
}

static void test_hardlink_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	make_text(fx, "a", "data", 0600);
	assert_int_equal(linkat(fx->dirfd, "a", fx->dirfd, "b", 0), 0);
	assert_int_equal(cg_open_file(path_in(fx, "a"), 077, &fd, NULL),
			 CG_E_NLINK);
	assert_int_equal(cg_openat_file(fx->dirfd, "b", O_RDONLY, 077, &fd,
					NULL), CG_E_NLINK);
	assert_int_equal(fd, -1);

	assert_int_equal(unlinkat(fx->dirfd, "b", 0), 0);
	assert_int_equal(cg_openat_file(fx->dirfd, "a", O_RDONLY, 077, &fd,
					NULL), CG_OK);
	close(fd);
}

static void test_group_writable_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	make_text(fx, "conf", "x", 0620);
	assert_int_equal(cg_open_file(path_in(fx, "conf"), 022, &fd, NULL),
			 CG_E_MODE);
	assert_int_equal(cg_openat_file(fx->dirfd, "conf", O_RDONLY, 022, &fd,
					NULL), CG_E_MODE);
	assert_int_equal(fd, -1);
	assert_int_equal(fchmodat(fx->dirfd, "conf", 0644, 0), 0);
	assert_int_equal(cg_open_file(path_in(fx, "conf"), 022, &fd, NULL),
			 CG_OK);
	close(fd);
}

static void test_world_readable_refused(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1;

	make_text(fx, "state", "secret", 0604);
	assert_int_equal(cg_open_file(path_in(fx, "state"), 077, &fd, NULL),
			 CG_E_MODE);
	assert_int_equal(fd, -1);
	assert_int_equal(fchmodat(fx->dirfd, "state", 0600, 0), 0);
	assert_int_equal(cg_open_file(path_in(fx, "state"), 077, &fd, &st),
			 CG_OK);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 6);
	/* O_NONBLOCK stays (safefile.h): a regular file reads whole anyway */
	assert_true((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	assert_int_equal(cg_read_all(fd, 100, &buf, &len), CG_OK);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "secret");
	cg_freezero(buf, len + 1);
	close(fd);
}

static void test_fifo_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	assert_int_equal(mkfifoat(fx->dirfd, "fifo", 0600), 0);
	alarm(10);	/* a blocking open would hang the suite: kill it */
	assert_int_equal(cg_open_file(path_in(fx, "fifo"), 077, &fd, NULL),
			 CG_E_NOTREG);
	assert_int_equal(cg_openat_file(fx->dirfd, "fifo", O_RDONLY, 077, &fd,
					NULL), CG_E_NOTREG);
	assert_int_equal(cg_openat_file(fx->dirfd, "fifo", O_WRONLY, 077, &fd,
					NULL), CG_E_NOTREG);
	assert_int_equal(cg_open_file("/dev/null", 0, &fd, NULL), CG_E_NOTREG);
	alarm(0);
	assert_int_equal(fd, -1);
}

static void test_directory_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "sub", 0700), 0);
	assert_int_equal(cg_open_file(path_in(fx, "sub"), 077, &fd, NULL),
			 CG_E_NOTREG);
	assert_int_equal(cg_openat_file(fx->dirfd, "sub", O_RDONLY, 077, &fd,
					NULL), CG_E_NOTREG);
	assert_int_equal(cg_openat_file(fx->dirfd, "sub", O_WRONLY, 077, &fd,
					NULL), CG_E_NOTREG);
	assert_int_equal(fd, -1);
	assert_int_equal(cg_check_fd(fx->dirfd, false, 077, NULL), CG_E_NOTREG);
	assert_int_equal(cg_check_fd(fx->dirfd, true, 077, NULL), CG_OK);
}

static void test_wrong_owner_refused(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	if (geteuid() != 0) {
		printf("# skip: needs root to chown a file to uid 65534\n");
		fflush(stdout);
		skip();
	}
	make_text(fx, "state", "x", 0600);
	assert_int_equal(fchownat(fx->dirfd, "state", 65534, 65534,
				  AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(cg_open_file(path_in(fx, "state"), 077, &fd, NULL),
			 CG_E_OWNER);
	assert_int_equal(cg_openat_file(fx->dirfd, "state", O_RDONLY, 077, &fd,
					NULL), CG_E_OWNER);
	assert_int_equal(mkdirat(fx->dirfd, "sub", 0700), 0);
	assert_int_equal(fchownat(fx->dirfd, "sub", 65534, 65534, 0), 0);
	assert_int_equal(cg_open_dir(path_in(fx, "sub"), 077, &fd), CG_E_OWNER);
	/* a lock file planted by another user is not ours to trust */
	assert_int_equal(cg_lock_file(fx->dirfd, "state", 0, &fd), CG_E_OWNER);
	assert_int_equal(fd, -1);
}

/* ---- names and flags ---- */

static void test_openat_bad_names(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = { "a/b", "..", ".", "", "/etc/passwd",
					   "sub/", NULL };
	char longname[NAME_MAX + 2];
	int fd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "a", 0700), 0);
	make_text(fx, "a/b", "x", 0600);
	for (size_t i = 0; bad[i] != NULL; i++)
		assert_int_equal(cg_openat_file(fx->dirfd, bad[i], O_RDONLY,
						077, &fd, NULL), CG_E_NAME);
	assert_int_equal(cg_openat_file(fx->dirfd, NULL, O_RDONLY, 077, &fd,
					NULL), CG_E_NAME);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(cg_openat_file(fx->dirfd, longname, O_RDONLY, 077,
					&fd, NULL), CG_E_NAME);
	assert_int_equal(cg_lock_file(fx->dirfd, "a/b", 0, &fd), CG_E_NAME);
	assert_int_equal(cg_lock_file(fx->dirfd, "..", 0, &fd), CG_E_NAME);

	/* flags that would act before the checks, or are not files */
	make_text(fx, "f", "keep", 0600);
	assert_int_equal(cg_openat_file(fx->dirfd, "f", O_WRONLY | O_TRUNC, 077,
					&fd, NULL), CG_E_INVAL);
	assert_int_equal(cg_openat_file(fx->dirfd, "f", O_RDONLY | O_DIRECTORY,
					077, &fd, NULL), CG_E_INVAL);
	assert_int_equal(cg_openat_file(fx->dirfd, "f", O_ACCMODE, 077, &fd,
					NULL), CG_E_INVAL);
	assert_int_equal(fd, -1);
	assert_contents(fx, "f", "keep");
	assert_int_equal(cg_open_file("relative", 077, &fd, NULL), CG_E_INVAL);
	assert_int_equal(cg_open_file(NULL, 077, &fd, NULL), CG_E_INVAL);
}

static void test_openat_create(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	mode_t old = umask(0);
	int fd = -1;

	assert_int_equal(cg_openat_file(fx->dirfd, "new",
					O_WRONLY | O_CREAT | O_EXCL, 077, &fd,
					&st), CG_OK);
	umask(old);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(cg_write_all(fd, "hello", 5), CG_OK);
	close(fd);
	fd = -1;
	assert_contents(fx, "new", "hello");
	assert_int_equal(cg_openat_file(fx->dirfd, "new",
					O_WRONLY | O_CREAT | O_EXCL, 077, &fd,
					NULL), CG_E_IO);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(cg_openat_file(fx->dirfd, "missing", O_RDONLY, 077,
					&fd, NULL), CG_E_NOENT);
	assert_int_equal(fd, -1);
}

/* atime of dirfd/name, with plain libc. */
static time_t atime_of(struct fixture *fx, const char *name)
{
	struct stat st;

	assert_int_equal(fstatat(fx->dirfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_atime;
}

/* Open and read dirfd/name through cg_openat_file with `flags`. */
static void read_via_openat(struct fixture *fx, const char *name, int flags,
			    struct stat *st)
{
	char *buf = NULL;
	size_t len = 0;
	int fd = -1;

	assert_int_equal(cg_openat_file(fx->dirfd, name, flags, 077, &fd, st),
			 CG_OK);
	assert_int_equal(cg_read_file(fd, st, 4096, &buf, &len), CG_OK);
	assert_int_equal(len, 5);
	cg_freezero(buf, len + 1);
	close(fd);
}

/* O_NOATIME (the state file's reads): the access time stays, where a
 * plain read of a file with an atime older than its mtime moves it
 * (relatime); *st has size, inode and owner but no times, since asking
 * for them makes the kernel stamp the next write fine-grained.  As root,
 * a caller that may not use O_NOATIME (not the owner, no CAP_FOWNER)
 * still reads the file. */
static void test_openat_noatime(void **state)
{
	struct fixture *fx = *state;
	const struct timespec old[2] = { { 1000000000, 0 },
					 { 0, UTIME_NOW } };
	struct stat st, plain;
	pid_t pid;
	int status;

	make_text(fx, "f", "hello", 0600);
	assert_int_equal(utimensat(fx->dirfd, "f", old, 0), 0);
	read_via_openat(fx, "f", O_RDONLY, &plain);
	if (atime_of(fx, "f") == 1000000000)
		skip();		/* this file system keeps no atime */
	assert_int_equal(utimensat(fx->dirfd, "f", old, 0), 0);
	read_via_openat(fx, "f", O_RDWR | O_NOATIME, &st);
	assert_int_equal(atime_of(fx, "f"), 1000000000);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_ino, plain.st_ino);
	assert_int_equal(st.st_dev, plain.st_dev);
	assert_int_equal(st.st_uid, plain.st_uid);
	assert_int_equal(st.st_mode, plain.st_mode);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mtim.tv_sec, 0);
	assert_int_equal(st.st_ctim.tv_nsec, 0);
	assert_true(plain.st_mtim.tv_sec > 1000000000);
	if (geteuid() != 0)
		return;
	/* nobody, with the file open to it and the directory searchable */
	assert_int_equal(fchmodat(fx->dirfd, "f", 0644, 0), 0);
	assert_int_equal(fchmod(fx->dirfd, 0711), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int fd = -1;

		if (setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0)
			_exit(3);
		if (openat(fx->dirfd, "f", O_RDONLY | O_NOATIME) != -1 ||
		    errno != EPERM)
			_exit(4);	/* the kernel did not refuse it */
		_exit(cg_openat_file(fx->dirfd, "f", O_RDONLY | O_NOATIME,
				     022, &fd, NULL) == CG_OK ? 0 : 5);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Run as root with a user's group as egid, as a setuid tool runs: what
 * cg_openat_file and cg_lock_file create is still root:root, and one
 * that exists with another group is taken back (in a child: egid). */
static void test_create_owned_by_root(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	pid_t pid;

	if (geteuid() != 0) {
		skip();
		return;
	}
	make_text(fx, "old", "x", 0600);
	assert_int_equal(fchownat(fx->dirfd, "old", 0, 65534, 0), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		struct stat cst;
		int fd, lfd;

		if (setegid(65534) != 0)
			_exit(2);
		if (cg_openat_file(fx->dirfd, "new", O_WRONLY | O_CREAT, 077,
				   &fd, &cst) != CG_OK)
			_exit(3);
		if (cst.st_uid != 0 || cst.st_gid != 0)
			_exit(4);
		close(fd);
		if (cg_openat_file(fx->dirfd, "old", O_RDONLY | O_CREAT, 077,
				   &fd, &cst) != CG_OK)
			_exit(5);
		if (cst.st_gid != 0)
			_exit(6);
		close(fd);
		if (cg_lock_file(fx->dirfd, ".lock", 0, &lfd) != CG_OK)
			_exit(7);
		close(lfd);
		_exit(0);
	}
	assert_int_equal(wait_child(pid), 0);
	assert_int_equal(fstatat(fx->dirfd, ".lock", &st, 0), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(fstatat(fx->dirfd, "old", &st, 0), 0);
	assert_int_equal(st.st_gid, 0);
}

/* ---- reading and writing ---- */

/* Make NAME with size bytes and read it back with at most max: through
 * cg_read_all, and through cg_read_file given the opener's fstat. */
static void read_back(struct fixture *fx, const char *name, size_t size,
		      size_t max, cg_err want)
{
	static char sentinel;
	char *data = malloc(size + 1), *buf = &sentinel;
	struct stat st;
	size_t len = 12345;
	int fd;

	assert_non_null(data);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	make_file(fx, name, data, size, 0600);
	assert_int_equal(cg_openat_file(fx->dirfd, name, O_RDONLY, 077, &fd,
					&st), CG_OK);
	assert_int_equal(cg_read_all(fd, max, &buf, &len), want);
	close(fd);
	if (want == CG_OK) {
		assert_int_equal(len, size);
		assert_memory_equal(buf, data, size);
		cg_freezero(buf, len + 1);
	}
	buf = &sentinel;
	len = 12345;
	assert_int_equal(cg_openat_file(fx->dirfd, name, O_RDONLY, 077, &fd,
					&st), CG_OK);
	assert_int_equal(cg_read_file(fd, &st, max, &buf, &len), want);
	close(fd);
	if (want == CG_OK) {
		assert_int_equal(len, size);
		assert_int_equal(buf[len], '\0');
		assert_memory_equal(buf, data, size);
		cg_freezero(buf, len + 1);
	} else {
		assert_null(buf);
		assert_int_equal(len, 0);
	}
	free(data);
}

static void test_read_all(void **state)
{
	struct fixture *fx = *state;
	char *buf = NULL;
	int fd;

	read_back(fx, "empty", 0, 0, CG_OK);
	read_back(fx, "cap-over", 100, 99, CG_E_TOOBIG);
	read_back(fx, "cap-exact", 100, 100, CG_OK);
	read_back(fx, "chunk-1", 4095, 4095, CG_OK);
	read_back(fx, "chunk", 4096, 4096, CG_OK);
	read_back(fx, "chunk+1", 4097, 4097, CG_OK);
	read_back(fx, "chunk-over", 4097, 4096, CG_E_TOOBIG);
	read_back(fx, "big", 100000, 1 << 20, CG_OK);
	read_back(fx, "big-over", 100000, 65536, CG_E_TOOBIG);

	assert_int_equal(cg_read_all(fx->dirfd, 100, &buf, NULL), CG_E_IO);
	assert_int_equal(errno, EISDIR);
	assert_null(buf);
	assert_int_equal(cg_openat_file(fx->dirfd, "empty", O_RDONLY, 077, &fd,
					NULL), CG_OK);
	assert_int_equal(cg_read_all(fd, SIZE_MAX, &buf, NULL), CG_E_INVAL);
	close(fd);
}

/* cg_read_file with an fstat that is no longer true: the file grew,
 * shrank, or is not a regular file at all; the answer is the file as it
 * is when read. */
static void test_read_file_changed(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, wfd, p[2];

	make_text(fx, "f", "0123456789", 0600);
	assert_int_equal(cg_openat_file(fx->dirfd, "f", O_RDONLY, 077, &fd,
					&st), CG_OK);
	assert_int_equal(st.st_size, 10);
	/* grew: one byte, then a whole buffer more */
	wfd = openat(fx->dirfd, "f", O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(wfd != -1);
	assert_int_equal(write(wfd, "a", 1), 1);
	assert_int_equal(cg_read_file(fd, &st, 100, &buf, &len), CG_OK);
	assert_int_equal(len, 11);
	assert_string_equal(buf, "0123456789a");
	cg_freezero(buf, len + 1);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(write(wfd, "bcdefghijklmnopqrstuvwxyz", 25), 25);
	assert_int_equal(cg_read_file(fd, &st, 100, &buf, &len), CG_OK);
	assert_int_equal(len, 36);
	assert_string_equal(buf, "0123456789abcdefghijklmnopqrstuvwxyz");
	cg_freezero(buf, len + 1);
	/* grew past max: too big, as cg_read_all says */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(cg_read_file(fd, &st, 20, &buf, &len), CG_E_TOOBIG);
	assert_null(buf);
	/* shrank */
	assert_int_equal(ftruncate(wfd, 4), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(cg_read_file(fd, &st, 100, &buf, &len), CG_OK);
	assert_int_equal(len, 4);
	assert_string_equal(buf, "0123");
	cg_freezero(buf, len + 1);
	/* an fstat that said "larger than max", the file small now */
	st.st_size = 1000;
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(cg_read_file(fd, &st, 100, &buf, &len), CG_OK);
	assert_int_equal(len, 4);
	cg_freezero(buf, len + 1);
	close(wfd);
	close(fd);
	/* not a regular file: read to the end, short reads or not */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fstat(p[0], &st), 0);
	assert_int_equal(write(p[1], "abc", 3), 3);
	assert_int_equal(write(p[1], "def", 3), 3);
	close(p[1]);
	assert_int_equal(cg_read_file(p[0], &st, 100, &buf, &len), CG_OK);
	assert_string_equal(buf, "abcdef");
	cg_freezero(buf, len + 1);
	close(p[0]);
}

static void test_write_all(void **state)
{
	struct fixture *fx = *state;
	size_t size = 1 << 20, len;
	char *data = malloc(size), *got;
	int fd;

	assert_non_null(data);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 7);
	assert_int_equal(cg_openat_file(fx->dirfd, "out",
					O_WRONLY | O_CREAT | O_EXCL, 077, &fd,
					NULL), CG_OK);
	assert_int_equal(cg_write_all(fd, data, size), CG_OK);
	close(fd);
	got = slurp(fx, "out", &len);
	assert_int_equal(len, size);
	assert_memory_equal(got, data, size);
	free(got);
	free(data);

	assert_int_equal(cg_openat_file(fx->dirfd, "out", O_RDONLY, 077, &fd,
					NULL), CG_OK);
	assert_int_equal(cg_write_all(fd, "x", 1), CG_E_IO);
	assert_int_equal(errno, EBADF);
	close(fd);
}

/* ---- atomic replace and create ---- */

static void test_atomic_replace(void **state)
{
	struct fixture *fx = *state;
	static const char msg[] = "new contents\n";
	struct stat st;

	make_text(fx, "state", "old", 0600);
	assert_int_equal(cg_atomic_replace(fx->dirfd, "state", msg,
					   strlen(msg), 0640), CG_OK);
	assert_contents(fx, "state", msg);
	assert_int_equal(fstatat(fx->dirfd, "state", &st, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(count_temps(fx), 0);
	assert_int_equal(count_entries(fx, NULL), 1);

	/* a missing NAME is created; empty contents are contents */
	assert_int_equal(cg_atomic_replace(fx->dirfd, "fresh", "", 0, 0600),
			 CG_OK);
	assert_contents(fx, "fresh", "");
	assert_int_equal(cg_atomic_replace(fx->dirfd, "fresh", "x", 1, 04755),
			 CG_E_INVAL);
	assert_int_equal(cg_atomic_replace(fx->dirfd, "fresh", NULL, 1, 0600),
			 CG_E_INVAL);
	assert_contents(fx, "fresh", "");
	assert_int_equal(count_temps(fx), 0);
}

static void test_atomic_create(void **state)
{
	struct fixture *fx = *state;
	struct stat st;

	assert_int_equal(cg_atomic_create(fx->dirfd, "user", "first", 5, 0600),
			 CG_OK);
	assert_contents(fx, "user", "first");
	assert_int_equal(fstatat(fx->dirfd, "user", &st, 0), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_int_equal(cg_atomic_create(fx->dirfd, "user", "second", 6,
					  0600), CG_E_EXISTS);
	assert_int_equal(errno, EEXIST);
	assert_contents(fx, "user", "first");

	/* a dangling symlink counts as existing; nothing is written through */
	assert_int_equal(symlinkat("elsewhere", fx->dirfd, "planted"), 0);
	assert_int_equal(cg_atomic_create(fx->dirfd, "planted", "x", 1, 0600),
			 CG_E_EXISTS);
	assert_false(exists(fx, "elsewhere"));
	assert_int_equal(count_temps(fx), 0);
}

static void test_atomic_fail_rename(void **state)
{
	struct fixture *fx = *state;
	struct stat st;

	/* renaming a file over a directory fails (EISDIR) after the temp
	 * file was fully written: the temp must go, the old entry stay */
	assert_int_equal(mkdirat(fx->dirfd, "state", 0700), 0);
	make_text(fx, "state/inside", "old", 0600);
	assert_int_equal(cg_atomic_replace(fx->dirfd, "state", "new", 3, 0600),
			 CG_E_IO);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(fstatat(fx->dirfd, "state", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_contents(fx, "state/inside", "old");
	assert_int_equal(count_temps(fx), 0);
	assert_int_equal(count_entries(fx, NULL), 1);
}

static void test_atomic_fail_write(void **state)
{
	struct fixture *fx = *state;
	static char big[8192];
	pid_t pid;

	/* RLIMIT_FSIZE makes write(2) fail with EFBIG half way, even for
	 * root; done in a child so the limit stays there. */
	make_text(fx, "state", "old state\n", 0600);
	memset(big, 'N', sizeof(big));
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		struct rlimit rl;
		cg_err err;

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &rl);
		rl.rlim_cur = 1024;
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(2);
		err = cg_atomic_replace(fx->dirfd, "state", big, sizeof(big),
					0600);
		_exit(err == CG_E_IO && errno == EFBIG ? 0 : 1);
	}
	assert_int_equal(wait_child(pid), 0);
	assert_contents(fx, "state", "old state\n");
	assert_int_equal(count_temps(fx), 0);
	assert_int_equal(count_entries(fx, NULL), 1);
}

/* ---- writing in place (cg_write_at) ---- */

static void test_write_at(void **state)
{
	struct fixture *fx = *state;
	sigset_t usr2, after;
	int fd;

	make_text(fx, "slots", "aaaaaaaaaa", 0600);
	assert_int_equal(cg_openat_file(fx->dirfd, "slots", O_RDWR, 077, &fd,
					NULL), CG_OK);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr2, NULL), 0);
	assert_int_equal(cg_write_at(fd, 2, "BBB", 3, true), CG_OK);
	assert_int_equal(cg_write_at(fd, 8, "CC", 2, false), CG_OK);
	/* nothing grows */
	assert_int_equal(cg_write_at(fd, 9, "DD", 2, true), CG_E_INVAL);
	assert_int_equal(cg_write_at(fd, -1, "D", 1, true), CG_E_INVAL);
	assert_int_equal(cg_write_at(-1, 0, "D", 1, true), CG_E_INVAL);
	/* the caller's mask is back, its own blocked signal still blocked */
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &usr2, &after), 0);
	assert_int_equal(sigismember(&after, SIGUSR2), 1);
	assert_int_equal(sigismember(&after, SIGTERM), 0);
	close(fd);
	assert_contents(fx, "slots", "aaBBBaaaCC");
}

/* A child writes 4 bytes at offset 2 of a 10-byte file under a 4-byte
 * RLIMIT_FSIZE with SIGXFSZ's default action (kill): 2 bytes go, the
 * next pwrite fails with EFBIG and raises SIGXFSZ, which cg_write_at
 * must take back.  With own_xfsz the child has SIGXFSZ blocked and one
 * already pending: that one is the caller's and must stay pending.
 * Exits 0 when all is as it should be; a death by SIGXFSZ fails
 * wait_child's WIFEXITED. */
static int write_at_fsize_child(struct fixture *fx, bool own_xfsz)
{
	pid_t pid = fork();

	assert_true(pid != -1);
	if (pid == 0) {
		struct rlimit rl;
		sigset_t set, pending;
		cg_err err;
		int fd;

		signal(SIGXFSZ, SIG_DFL);
		if (cg_openat_file(fx->dirfd, "slots", O_RDWR, 077, &fd,
				   NULL) != CG_OK)
			_exit(2);
		if (own_xfsz) {
			sigemptyset(&set);
			sigaddset(&set, SIGXFSZ);
			sigprocmask(SIG_BLOCK, &set, NULL);
			raise(SIGXFSZ);
		}
		getrlimit(RLIMIT_FSIZE, &rl);
		rl.rlim_cur = 4;
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(3);
		err = cg_write_at(fd, 2, "XYZW", 4, true);
		if (err != CG_E_IO || errno != EFBIG)
			_exit(4);
		/* a successful write under the limit raises nothing */
		if (cg_write_at(fd, 0, "ab", 2, true) != CG_OK)
			_exit(5);
		if (sigpending(&pending) != 0)
			_exit(6);
		if (sigismember(&pending, SIGXFSZ) != (own_xfsz ? 1 : 0))
			_exit(7);
		_exit(0);
	}
	return wait_child(pid);
}

static void test_write_at_fsize(void **state)
{
	struct fixture *fx = *state;

	make_text(fx, "slots", "aaaaaaaaaa", 0600);
	assert_int_equal(write_at_fsize_child(fx, false), 0);
	assert_contents(fx, "slots", "abXYaaaaaa");
	assert_int_equal(write_at_fsize_child(fx, true), 0);
	assert_contents(fx, "slots", "abXYaaaaaa");
}

static void test_atomic_name_limits(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = { "a/b", "..", ".", "", "/abs", NULL };
	char name[NAME_MAX + 2];

	memset(name, 'n', sizeof(name));
	name[CG_ATOMIC_NAME_MAX] = '\0';	/* temp name exactly NAME_MAX */
	assert_int_equal(cg_atomic_replace(fx->dirfd, name, "x", 1, 0600),
			 CG_OK);
	assert_int_equal(cg_atomic_create(fx->dirfd, name, "x", 1, 0600),
			 CG_E_EXISTS);
	assert_true(exists(fx, name));
	name[CG_ATOMIC_NAME_MAX] = 'n';
	name[CG_ATOMIC_NAME_MAX + 1] = '\0';
	assert_int_equal(cg_atomic_replace(fx->dirfd, name, "x", 1, 0600),
			 CG_E_NAME);
	name[CG_ATOMIC_NAME_MAX + 1] = 'n';
	name[NAME_MAX] = '\0';			/* 255: a legal file name */
	assert_int_equal(cg_atomic_create(fx->dirfd, name, "x", 1, 0600),
			 CG_E_NAME);
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = '\0';
	assert_int_equal(cg_atomic_replace(fx->dirfd, name, "x", 1, 0600),
			 CG_E_NAME);
	for (size_t i = 0; bad[i] != NULL; i++) {
		assert_int_equal(cg_atomic_replace(fx->dirfd, bad[i], "x", 1,
						   0600), CG_E_NAME);
		assert_int_equal(cg_atomic_create(fx->dirfd, bad[i], "x", 1,
						  0600), CG_E_NAME);
	}
	assert_int_equal(count_entries(fx, NULL), 1);
}

/* ---- crash safety: SIGKILL at random points of cg_atomic_replace ---- */

#define CRASH_A_LEN	4096
#define CRASH_B_LEN	65536
#define CRASH_ROUNDS	200
#define CRASH_BUDGET_MS	5000.0

static char crash_a[CRASH_A_LEN], crash_b[CRASH_B_LEN];

/* Write B, A, B, ... (or A, B, ...) until killed. */
static void crash_writer(int dirfd, char first)
{
	for (unsigned i = first == 'A' ? 1 : 0;; i++) {
		const char *d = i % 2 == 0 ? crash_b : crash_a;
		size_t n = i % 2 == 0 ? sizeof(crash_b) : sizeof(crash_a);

		if (cg_atomic_replace(dirfd, "state", d, n, 0600) != CG_OK)
			_exit(3);
	}
}

/* 'A' for all-A, 'B' for all-B, 0 for anything else. */
static char crash_classify(struct fixture *fx)
{
	size_t len;
	char *got = slurp(fx, "state", &len);
	char kind = 0;

	if (len == CRASH_A_LEN && memcmp(got, crash_a, len) == 0)
		kind = 'A';
	else if (len == CRASH_B_LEN && memcmp(got, crash_b, len) == 0)
		kind = 'B';
	free(got);
	return kind;
}

/* Kill delays are drawn from [0, *scale_us).  Until some writer has
 * finished a write, eight fruitless rounds in a row mean writes are slower
 * than the window (slow fsync): widen it. */
static void crash_widen(bool flipped, unsigned flips, unsigned *streak,
			unsigned *scale_us)
{
	if (flipped || flips > 0) {
		*streak = 0;
		return;
	}
	if (++*streak >= 8 && *scale_us < 200000) {
		*scale_us *= 2;
		*streak = 0;
	}
}

/* One round: a writer starting with the other contents, killed after
 * `delay`.  Returns what it left behind. */
static char crash_round(struct fixture *fx, char current, useconds_t delay)
{
	int status;
	pid_t pid = fork();

	assert_true(pid != -1);
	if (pid == 0)
		crash_writer(fx->dirfd, current == 'A' ? 'B' : 'A');
	usleep(delay);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* the writer itself must never have failed */
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	return crash_classify(fx);
}

static void test_atomic_crash(void **state)
{
	struct fixture *fx = *state;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	unsigned rounds = 0, flips = 0, streak = 0, scale_us, dots, all;
	double t0, start;
	char current = 'A', kind;

	memset(crash_a, 'A', sizeof(crash_a));
	memset(crash_b, 'B', sizeof(crash_b));
	/* kill within about three writes, so kills land before, inside and
	 * after a replace */
	t0 = now_ms();
	assert_int_equal(cg_atomic_replace(fx->dirfd, "state", crash_b,
					   sizeof(crash_b), 0600), CG_OK);
	assert_int_equal(cg_atomic_replace(fx->dirfd, "state", crash_a,
					   sizeof(crash_a), 0600), CG_OK);
	scale_us = (unsigned)(1500 * (now_ms() - t0));
	if (scale_us < 1000)
		scale_us = 1000;
	if (scale_us > 200000)
		scale_us = 200000;
	printf("# seed %u, first kill window %u us\n", seed, scale_us);

	start = now_ms();
	while (rounds < CRASH_ROUNDS && now_ms() - start < CRASH_BUDGET_MS) {
		kind = crash_round(fx, current,
				   (useconds_t)(rand_r(&seed) % scale_us));
		if (kind == 0)
			fail_msg("torn state after %u kills", rounds);
		crash_widen(kind != current, flips, &streak, &scale_us);
		flips += kind != current;
		current = kind;
		rounds++;
	}
	all = count_entries(fx, &dots);
	printf("# %u kills, %u of them changed the contents, %u temp files "
	       "left, last window %u us\n", rounds, flips, dots, scale_us);
	fflush(stdout);
	/* some kills came after a write finished, so the writer did write */
	assert_true(flips > 0);
	/* leftovers are temp files only, hidden by their leading '.' */
	assert_int_equal(all, dots + 1);
}

/* ---- locks between processes ---- */

/* In a child: drop the inherited lock descriptor (it shares the parent's
 * lock), try to lock, report how it went and how long it took. */
static int lock_child(struct fixture *fx, int inherited, unsigned timeout,
		      double *ms)
{
	double t0 = now_ms();
	int fd = -1;
	cg_err err;

	if (inherited != -1)
		close(inherited);
	err = cg_lock_file(fx->dirfd, ".alice.lock", timeout, &fd);
	*ms = now_ms() - t0;
	return (int)err;
}

static void test_lock_contended(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	double ms;
	pid_t pid;
	int fd = -1;

	assert_int_equal(cg_lock_file(fx->dirfd, ".alice.lock", 0, &fd), CG_OK);
	assert_int_equal(cg_check_fd(fd, false, 077, &st), CG_OK);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* held by the parent: the child times out, after about 100 ms */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int err = lock_child(fx, fd, 100, &ms);
		_exit(err == CG_E_LOCK && ms >= 95 && ms < 2000 ? 0 : 1);
	}
	assert_int_equal(wait_child(pid), 0);

	/* a waiting child gets the lock once the parent lets go */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int err = lock_child(fx, fd, 5000, &ms);
		_exit(err == CG_OK && ms >= 50 ? 0 : 1);
	}
	usleep(150 * 1000);
	close(fd);
	assert_int_equal(wait_child(pid), 0);

	/* released: an immediate attempt succeeds */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(lock_child(fx, -1, 0, &ms) == CG_OK ? 0 : 1);
	assert_int_equal(wait_child(pid), 0);
}

static void test_lock_refusals(void **state)
{
	struct fixture *fx = *state;
	int fd = -1;

	make_text(fx, "target", "keep", 0600);
	assert_int_equal(symlinkat("target", fx->dirfd, ".bob.lock"), 0);
	assert_int_equal(cg_lock_file(fx->dirfd, ".bob.lock", 0, &fd),
			 CG_E_SYMLINK);
	assert_contents(fx, "target", "keep");
	assert_int_equal(symlinkat("nothing", fx->dirfd, ".carol.lock"), 0);
	assert_int_equal(cg_lock_file(fx->dirfd, ".carol.lock", 0, &fd),
			 CG_E_SYMLINK);
	assert_false(exists(fx, "nothing"));

	make_text(fx, ".dave.lock", "", 0644);
	assert_int_equal(cg_lock_file(fx->dirfd, ".dave.lock", 0, &fd),
			 CG_E_MODE);
	assert_int_equal(fd, -1);
}

/* A waiter must end up holding the lock on the file at the name, not on
 * one that was unlinked while it waited. */
static void test_lock_unlinked_while_waiting(void **state)
{
	struct fixture *fx = *state;
	int fd = -1, fd2 = -1, ready[2], status;
	char c;
	pid_t pid;

	assert_int_equal(cg_lock_file(fx->dirfd, ".erin.lock", 0, &fd), CG_OK);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int mine = -1;

		close(fd);
		close(ready[0]);
		if (cg_lock_file(fx->dirfd, ".erin.lock", 5000, &mine) != CG_OK)
			_exit(1);
		if (write(ready[1], "L", 1) != 1)
			_exit(1);
		pause();	/* hold it until killed */
		_exit(0);
	}
	close(ready[1]);
	usleep(50 * 1000);	/* let the child start polling */
	assert_int_equal(unlinkat(fx->dirfd, ".erin.lock", 0), 0);
	close(fd);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_true(exists(fx, ".erin.lock"));
	assert_int_equal(cg_lock_file(fx->dirfd, ".erin.lock", 50, &fd2),
			 CG_E_LOCK);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(cg_lock_file(fx->dirfd, ".erin.lock", 0, &fd2), CG_OK);
	close(fd2);
}


/* ---- the path walk: every directory on the way ---- */

/* The credential under a directory its user owns or may write: the
 * directory swapped for a symlink to /etc must never be followed, and
 * the refusal names the component. */
static void test_walk_symlinked_dir_refused(void **state)
{
	struct fixture *fx = *state;
	struct cg_path_diag diag;
	int fd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "real", 0755), 0);
	assert_int_equal(mkdirat(fx->dirfd, "real/conf", 0755), 0);
	make_text(fx, "real/conf/key", "k", 0600);
	assert_int_equal(symlinkat("real", fx->dirfd, "app"), 0);
	assert_int_equal(cg_open_file_diag(path_in(fx, "app/conf/key"), 077,
					   &fd, NULL, &diag), CG_E_SYMLINK);
	assert_string_equal(diag.component, path_in(fx, "app"));
	assert_int_equal(cg_open_dir_diag(path_in(fx, "app/conf"), 077, &fd,
					  &diag), CG_E_SYMLINK);
	assert_string_equal(diag.component, path_in(fx, "app"));
	/* an absolute link to /etc, one level further down */
	assert_int_equal(symlinkat("/etc", fx->dirfd, "real/etc"), 0);
	assert_int_equal(cg_open_file_diag(path_in(fx, "real/etc/passwd"), 0,
					   &fd, NULL, &diag), CG_E_SYMLINK);
	assert_string_equal(diag.component, path_in(fx, "real/etc"));
	assert_int_equal(fd, -1);
	/* magic links: /proc/self/root/... is refused at "self" */
	assert_int_equal(cg_open_file_diag("/proc/self/root/etc/passwd", 0, &fd,
					   NULL, &diag), CG_E_SYMLINK);
	assert_string_equal(diag.component, "/proc/self");
	assert_int_equal(cg_open_file("/proc/1/root/etc/hostname", 0, &fd, NULL),
			 geteuid() == 0 ? CG_E_SYMLINK : CG_E_IO);
	/* the real path works, and "." and "//" change nothing */
	assert_int_equal(cg_open_file_diag(path_in(fx, "real/./conf//key"), 077,
					   &fd, NULL, &diag), CG_OK);
	assert_string_equal(diag.component, "");
	close(fd);
}

static void test_walk_writable_dir_refused(void **state)
{
	struct fixture *fx = *state;
	struct cg_path_diag diag;
	int fd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "conf", 0755), 0);
	make_text(fx, "conf/key", "k", 0600);
	assert_int_equal(fchmodat(fx->dirfd, "conf", 0775, 0), 0);
	assert_int_equal(cg_open_file_diag(path_in(fx, "conf/key"), 077, &fd,
					   NULL, &diag), CG_E_MODE);
	assert_string_equal(diag.component, path_in(fx, "conf"));
	assert_int_equal(fchmodat(fx->dirfd, "conf", 0757, 0), 0);
	assert_int_equal(cg_open_file(path_in(fx, "conf/key"), 077, &fd, NULL),
			 CG_E_MODE);
	/* sticky and world-writable like /tmp: only trusted owners below */
	assert_int_equal(fchmodat(fx->dirfd, "conf", 01777, 0), 0);
	assert_int_equal(cg_open_file(path_in(fx, "conf/key"), 077, &fd, NULL),
			 CG_OK);
	close(fd);
	fd = -1;
	/* ".." climbs: refused, whatever it would reach */
	assert_int_equal(cg_open_file_diag(path_in(fx, "conf/../conf/key"), 077,
					   &fd, NULL, &diag), CG_E_NAME);
	assert_string_equal(diag.component, path_in(fx, "conf/.."));
	assert_int_equal(cg_open_dir(path_in(fx, ".."), 022, &fd), CG_E_NAME);
	/* a file where a directory should be */
	assert_int_equal(cg_open_file_diag(path_in(fx, "conf/key/x"), 077, &fd,
					   NULL, &diag), CG_E_NOTREG);
	assert_string_equal(diag.component, path_in(fx, "conf/key"));
	assert_int_equal(fd, -1);
}

/* A directory on the way owned by someone else (a service account, a
 * role member) is refused even when nobody else may write it. */
static void test_walk_foreign_dir_refused(void **state)
{
	struct fixture *fx = *state;
	struct cg_path_diag diag;
	int fd = -1;

	if (geteuid() != 0) {
		printf("# skip: needs root to chown a directory\n");
		fflush(stdout);
		skip();
	}
	assert_int_equal(mkdirat(fx->dirfd, "conf", 0755), 0);
	make_text(fx, "conf/key", "k", 0600);
	assert_int_equal(fchownat(fx->dirfd, "conf", 65534, 65534, 0), 0);
	assert_int_equal(cg_open_file_diag(path_in(fx, "conf/key"), 077, &fd,
					   NULL, &diag), CG_E_OWNER);
	assert_string_equal(diag.component, path_in(fx, "conf"));
	/* under a sticky directory, a file of another user is refused */
	assert_int_equal(fchownat(fx->dirfd, "conf", 0, 0, 0), 0);
	assert_int_equal(fchmodat(fx->dirfd, "conf", 01777, 0), 0);
	assert_int_equal(fchownat(fx->dirfd, "conf/key", 65534, 65534, 0), 0);
	assert_int_equal(cg_open_file_diag(path_in(fx, "conf/key"), 077, &fd,
					   NULL, &diag), CG_E_OWNER);
	assert_string_equal(diag.component, path_in(fx, "conf/key"));
	assert_int_equal(fd, -1);
}

/* What one walk reached while "d" was being swapped: 0 refused, 1 the
 * real thing, -1 the thing behind the symlink. */
static int swapped_walk(int i, const char *file, const char *dir,
			const struct stat *real)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, dfd = -1, got;

	switch (i % 3) {
	case 0:
		if (cg_open_file(file, 077, &fd, NULL) != CG_OK)
			return 0;
		assert_int_equal(cg_read_all(fd, 100, &buf, &len), CG_OK);
		got = strcmp(buf, "real") == 0 ? 1 : -1;
		free(buf);
		break;
	case 1:
		if (cg_open_file_dir_diag(file, 077, &fd, NULL, &dfd,
					  NULL) != CG_OK)
			return 0;
		assert_int_equal(fstat(dfd, &st), 0);
		close(dfd);
		got = st.st_ino == real->st_ino ? 1 : -1;
		break;
	default:
		if (cg_open_dir(dir, 022, &fd) != CG_OK)
			return 0;
		assert_int_equal(fstat(fd, &st), 0);
		got = st.st_ino == real->st_ino ? 1 : -1;
		break;
	}
	close(fd);
	return got;
}

/* A directory on the way swapped with a symlink (renameat2
 * RENAME_EXCHANGE), over and over, while paths through it are walked:
 * each walk refuses or reaches the real file and directory, never what
 * is behind the link -- whichever way it goes (checked by path and then
 * one openat2, or, under no-openat2.so, an fd held on each directory). */
static void test_walk_swapped_for_symlink(void **state)
{
	struct fixture *fx = *state;
	char file[PATH_MAX], dir[PATH_MAX];
	unsigned reached = 0, refused = 0;
	volatile unsigned long *swaps;
	struct stat real;
	pid_t pid;
	int got;

	assert_int_equal(mkdirat(fx->dirfd, "d", 0755), 0);
	assert_int_equal(mkdirat(fx->dirfd, "d/sub", 0755), 0);
	make_text(fx, "d/sub/f", "real", 0600);
	assert_int_equal(mkdirat(fx->dirfd, "evil", 0755), 0);
	assert_int_equal(mkdirat(fx->dirfd, "evil/sub", 0755), 0);
	make_text(fx, "evil/sub/f", "evil", 0600);
	assert_int_equal(symlinkat("evil", fx->dirfd, "l"), 0);
	assert_int_equal(fstatat(fx->dirfd, "d/sub", &real, 0), 0);
	snprintf(file, sizeof(file), "%s", path_in(fx, "d/sub/f"));
	snprintf(dir, sizeof(dir), "%s", path_in(fx, "d/sub/"));
	swaps = mmap(NULL, sizeof(*swaps), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(swaps != MAP_FAILED);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		for (;;) {
			if (renameat2(fx->dirfd, "d", fx->dirfd, "l",
				      RENAME_EXCHANGE) != 0)
				_exit(1);
			(*swaps)++;
		}
	}
	for (int i = 0; i < 3000; i++) {
		got = swapped_walk(i, file, dir, &real);
		if (got < 0)
			break;
		got > 0 ? reached++ : refused++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("# %u walks reached the real file, %u refused, %lu swaps\n",
	       reached, refused, *swaps);
	fflush(stdout);
	assert_int_equal(got >= 0, 1);
	assert_true(*swaps > 0);
	munmap((void *)swaps, sizeof(*swaps));
	/* and once the swapping stops, with "d" where it belongs */
	if (fstatat(fx->dirfd, "l", &real, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(real.st_mode))
		assert_int_equal(renameat2(fx->dirfd, "d", fx->dirfd, "l",
					   RENAME_EXCHANGE), 0);
	assert_int_equal(fstatat(fx->dirfd, "d/sub", &real, 0), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(swapped_walk(i, file, dir, &real), 1);
}

/* The leaf's directory handed over is the one the path names; "/" and
 * trailing slashes walk too. */
static void test_walk_dir_handed_over(void **state)
{
	struct fixture *fx = *state;
	struct stat want, st;
	int fd = -1, dfd = -1;

	assert_int_equal(mkdirat(fx->dirfd, "a", 0755), 0);
	assert_int_equal(mkdirat(fx->dirfd, "a/b", 0755), 0);
	make_text(fx, "a/b/f", "x", 0600);
	assert_int_equal(fstatat(fx->dirfd, "a/b", &want, 0), 0);
	assert_int_equal(cg_open_file_dir_diag(path_in(fx, "a//b/./f/"), 077,
					       &fd, &st, &dfd, NULL), CG_OK);
	assert_int_equal(st.st_size, 1);	/* the file's fstat */
	assert_int_equal(fstat(dfd, &st), 0);
	assert_int_equal(st.st_ino, want.st_ino);
	assert_true((fcntl(dfd, F_GETFL) & O_PATH) != 0);
	close(fd);
	/* a sibling opened under it, as conf_load does with credgate.d */
	assert_int_equal(cg_openat_file(dfd, "f", O_RDONLY, 077, &fd, NULL),
			 CG_OK);
	close(fd);
	close(dfd);
	assert_int_equal(cg_open_dir("/", 022, &fd), CG_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(stat("/", &want), 0);
	assert_int_equal(st.st_ino, want.st_ino);
	close(fd);
	assert_int_equal(cg_open_dir(path_in(fx, "a/b/"), 022, &fd), CG_OK);
	close(fd);
}

static void test_walk_create(void **state)
{
	struct fixture *fx = *state;
	struct cg_path_diag diag;
	struct stat st;
	int fd = -1;
	mode_t old = umask(077);

	assert_int_equal(cg_open_dir_create(path_in(fx, "a/b/c"), 0711, 022,
					    &fd, &diag), CG_OK);
	umask(old);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0711);     /* not the umask's */
	close(fd);
	fd = -1;
	assert_int_equal(fstatat(fx->dirfd, "a", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0711);
	/* existing: opened and checked as it is */
	assert_int_equal(cg_open_dir_create(path_in(fx, "a/b/c"), 0700, 077,
					    &fd, &diag), CG_E_MODE);
	assert_string_equal(diag.component, path_in(fx, "a/b/c"));
	/* never through a symlink, never under a writable directory */
	assert_int_equal(symlinkat("a", fx->dirfd, "l"), 0);
	assert_int_equal(cg_open_dir_create(path_in(fx, "l/x"), 0700, 077, &fd,
					    &diag), CG_E_SYMLINK);
	assert_false(exists(fx, "a/x"));
	assert_int_equal(fchmodat(fx->dirfd, "a", 0777, 0), 0);
	assert_int_equal(cg_open_dir_create(path_in(fx, "a/y"), 0700, 077, &fd,
					    &diag), CG_E_MODE);
	assert_string_equal(diag.component, path_in(fx, "a"));
	assert_false(exists(fx, "a/y"));
	assert_int_equal(cg_open_dir_create(path_in(fx, "z"), 0755, 077, &fd,
					    &diag), CG_E_INVAL);
	assert_int_equal(fd, -1);
}

/* credgate put's replacement: owner, group and mode given; replaced only
 * while NAME is still the file the caller read. */
static void test_replace_checked(void **state)
{
	struct fixture *fx = *state;
	gid_t gid = getuid() == 0 ? 1 : getegid();
	struct stat st, now;

	make_text(fx, "cred", "old\n", 0644);
	assert_int_equal(fstatat(fx->dirfd, "cred", &st, 0), 0);
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred",
		".cred.tmp", "new\n", 4, 0640, geteuid(), gid, &st), CG_OK);
	assert_contents(fx, "cred", "new\n");
	assert_int_equal(fstatat(fx->dirfd, "cred", &now, 0), 0);
	assert_int_equal(now.st_mode & 07777, 0640);
	assert_int_equal(now.st_uid, geteuid());
	assert_int_equal(now.st_gid, gid);
	assert_int_equal(count_temps(fx), 0);

	/* edited since it was read: refused, untouched, no temp file */
	st = now;
	make_text(fx, "other", "x", 0600);
	assert_int_equal(renameat(fx->dirfd, "other", fx->dirfd, "cred"), 0);
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred",
		".cred.tmp", "newer", 5, 0600, geteuid(), gid, &st),
		CG_E_CHANGED);
	assert_contents(fx, "cred", "x");
	assert_int_equal(count_temps(fx), 0);
	/* the same inode, written to in place */
	assert_int_equal(fstatat(fx->dirfd, "cred", &st, 0), 0);
	{
		int fd = openat(fx->dirfd, "cred", O_WRONLY | O_APPEND);
		struct timespec later[2] = { { 0, UTIME_OMIT },
			{ st.st_mtim.tv_sec + 5, 0 } };

		assert_true(fd != -1);
		assert_int_equal(write(fd, "y", 1), 1);
		assert_int_equal(futimens(fd, later), 0);
		close(fd);
	}
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred", NULL,
		"newer", 5, 0600, geteuid(), gid, &st), CG_E_CHANGED);
	assert_contents(fx, "cred", "xy");
	/* removed since it was read */
	assert_int_equal(fstatat(fx->dirfd, "cred", &st, 0), 0);
	assert_int_equal(unlinkat(fx->dirfd, "cred", 0), 0);
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred",
		".cred.tmp", "newer", 5, 0600, geteuid(), gid, &st),
		CG_E_CHANGED);
	assert_false(exists(fx, "cred"));
	/* no expectation: created, or refused when it appeared */
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred",
		".cred.tmp", "first", 5, 0600, geteuid(), gid, NULL), CG_OK);
	assert_contents(fx, "cred", "first");
	assert_int_equal(cg_atomic_replace_checked(fx->dirfd, "cred",
		".cred.tmp", "again", 5, 0600, geteuid(), gid, NULL),
		CG_E_EXISTS);
	assert_contents(fx, "cred", "first");
	assert_int_equal(count_temps(fx), 0);
}

static void test_openat_dir(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	int fd = -1;

	assert_int_equal(cg_openat_dir(fx->dirfd, "v", false, 077, &fd),
			 CG_E_NOENT);
	assert_int_equal(cg_openat_dir(fx->dirfd, "v", true, 077, &fd), CG_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	close(fd);
	assert_int_equal(cg_openat_dir(fx->dirfd, "v", true, 077, &fd), CG_OK);
	close(fd);
	assert_int_equal(fchmodat(fx->dirfd, "v", 0755, 0), 0);
	assert_int_equal(cg_openat_dir(fx->dirfd, "v", false, 077, &fd),
			 CG_E_MODE);
	assert_int_equal(symlinkat("v", fx->dirfd, "link"), 0);
	assert_int_equal(cg_openat_dir(fx->dirfd, "link", true, 022, &fd),
			 CG_E_SYMLINK);
	make_text(fx, "file", "x", 0600);
	assert_int_equal(cg_openat_dir(fx->dirfd, "file", true, 022, &fd),
			 CG_E_NOTREG);
	assert_int_equal(cg_openat_dir(fx->dirfd, "../x", true, 022, &fd),
			 CG_E_NAME);
}

/* A credential may be read by nobody else: readable by group or others
 * is "exposed", told apart from every other refusal. */
static void test_credfile_exposed(void **state)
{
	struct fixture *fx = *state;
	struct cg_credfile_status s;
	char buf[PATH_MAX + 300];
	int fd = -1;

	make_text(fx, "key", "k", 0600);
	assert_int_equal(cg_credfile_open(path_in(fx, "key"), &fd, &s), CG_OK);
	assert_true(fd >= 0);
	close(fd);
	fd = -1;
	make_text(fx, "world", "k", 0644);
	assert_int_equal(cg_credfile_open(path_in(fx, "world"), &fd, &s),
			 CG_E_EXPOSED);
	assert_int_equal(fd, -1);
	assert_string_equal(cg_credfile_reason(&s), "credential_exposed");
	cg_credfile_readable_by(&s, buf, sizeof(buf));
	assert_string_equal(buf, "world");
	cg_credfile_explain("/x", &s, buf, sizeof(buf));
	assert_string_equal(buf, "/x: readable by group or others (mode 0644): "
			    "the credential is exposed; make it mode 0600 or 0400");
	make_text(fx, "group", "k", 0440);
	assert_int_equal(cg_credfile_open(path_in(fx, "group"), &fd, &s),
			 CG_E_EXPOSED);
	cg_credfile_readable_by(&s, buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "group ", 6), 0);
	/* writable by others is the older refusal, not "exposed" */
	make_text(fx, "gw", "k", 0620);
	assert_int_equal(cg_credfile_open(path_in(fx, "gw"), &fd, &s), CG_E_MODE);
	assert_string_equal(cg_credfile_reason(&s), "file_error");
	cg_credfile_explain("/x", &s, buf, sizeof(buf));
	assert_string_equal(buf, "/x: unsafe permissions: mode 0620, writable "
			    "by group or others");
	assert_int_equal(fd, -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_owner_trusted),
		T(test_symlink_file_refused),
		T(test_symlink_dir_refused),
		T(test_hardlink_refused),
		T(test_group_writable_refused),
		T(test_world_readable_refused),
		T(test_fifo_refused),
		T(test_directory_refused),
		T(test_wrong_owner_refused),
		T(test_openat_bad_names),
		T(test_openat_create),
		T(test_openat_noatime),
		T(test_create_owned_by_root),
		T(test_read_all),
		T(test_read_file_changed),
		T(test_write_all),
		T(test_atomic_replace),
		T(test_atomic_create),
		T(test_atomic_fail_rename),
		T(test_atomic_fail_write),
		T(test_atomic_name_limits),
		T(test_write_at),
		T(test_write_at_fsize),
		T(test_atomic_crash),
		T(test_lock_contended),
		T(test_lock_refusals),
		T(test_lock_unlinked_while_waiting),
		T(test_replace_checked),
		T(test_openat_dir),
		T(test_walk_symlinked_dir_refused),
		T(test_walk_writable_dir_refused),
		T(test_walk_foreign_dir_refused),
		T(test_walk_create),
		T(test_walk_swapped_for_symlink),
		T(test_walk_dir_handed_over),
		T(test_credfile_exposed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
