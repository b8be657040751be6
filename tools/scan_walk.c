/* The file-system walk of the scan: depth first, relative to open
 * directory fds (openat, O_NOFOLLOW: no symlink is ever followed, no
 * path length limit), on one file system unless told otherwise, never
 * into /proc, /sys or other kernel file systems, each directory once (a
 * bind mount seen twice or a loop of them is entered once), device
 * files, FIFOs and sockets left alone.  Whatever cannot be opened or
 * listed is reported and counted, and the walk goes on. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "scan.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | \
		   O_NOCTTY | O_CLOEXEC)

struct frame {
	DIR *dir;
	size_t pathlen;              /* of this directory's path */
	struct scan_reach reach;     /* who can get into it */
	dev_t dev;
};

struct walk {
	struct scan *s;
	char *path;                  /* of the current entry */
	size_t pathlen, pathcap;
	struct frame *stack;
	size_t depth, cap;
};

/* ---- the path of the current entry ---------------------------------------- */

static bool path_set(struct walk *w, size_t base, const char *name)
{
	size_t n = strlen(name), need = base + 1 + n + 1;

	if (need > w->pathcap) {
		size_t cap = w->pathcap > 0 ? w->pathcap : PATH_MAX;
		char *p;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(w->path, cap)) == NULL)
			return false;
		w->path = p;
		w->pathcap = cap;
	}
	/* "/" + "etc" is "/etc", not "//etc" */
	if (base == 1 && w->path[0] == '/')
		base = 0;
	w->path[base] = '/';
	memcpy(w->path + base + 1, name, n + 1);
	w->pathlen = base + 1 + n;
	return true;
}

/* ---- what is left out on purpose ----------------------------------------- */

static bool excluded(const struct scan *s, const char *path)
{
	const char *name = strrchr(path, '/');

	name = name != NULL ? name + 1 : path;
	for (size_t i = 0; i < s->conf->nexclude; i++) {
		const char *pat = s->conf->exclude[i];

		if (strchr(pat, '/') == NULL ?
		    fnmatch(pat, name, 0) == 0 :
		    fnmatch(pat, path, FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool kernel_path(const char *path)
{
	return is_under(path, "/proc") || is_under(path, "/sys");
}

/* File systems that are the kernel's (reading may block or never end)
 * or a user's (FUSE: its daemon can stall every read). */
static bool kernel_fs(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEVPTS_SUPER_MAGIC:
	case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC: case TRACEFS_MAGIC: case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC: case PSTOREFS_MAGIC: case 0x62656570 /* configfs */:
	case 0x65735546 /* fuse */: case 0x65735543 /* fusectl */:
	case 0x19800202 /* mqueue */:
	case 0x42494e4d /* binfmt_misc */: case 0x6e736673 /* nsfs */:
		return true;
	default:
		return false;
	}
}

/* ---- directories entered once ------------------------------------------- */

/* The directories entered, over all roots: an open-addressing table of
 * (device, inode); inode 0 marks a free slot (no directory has it). */
static size_t seen_slot(const struct scan_seen *t, const struct scan_inode *k)
{
	uint64_t h = ((uint64_t)k->dev * 0x9e3779b97f4a7c15ULL) ^
		     ((uint64_t)k->ino * 0xc2b2ae3d27d4eb4fULL);
	size_t i = (size_t)(h ^ (h >> 29)) & (t->cap - 1);

	while (t->v[i].ino != 0 &&
	       (t->v[i].dev != k->dev || t->v[i].ino != k->ino))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static bool seen_grow(struct scan_seen *t)
{
	struct scan_seen old = *t;

	t->cap = old.cap > 0 ? old.cap * 2 : 4096;
	if ((t->v = calloc(t->cap, sizeof(*t->v))) == NULL) {
		*t = old;
		return false;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].ino != 0)
			t->v[seen_slot(t, &old.v[i])] = old.v[i];
	free(old.v);
	return true;
}

/* True the first time a directory is met. */
static bool first_visit(struct scan_seen *t, const struct stat *st)
{
	struct scan_inode k = { st->st_dev, st->st_ino };
	size_t i;

	if ((t->n + 1) * 2 > t->cap && !seen_grow(t))
		return true;            /* no memory: walk it, may repeat */
	i = seen_slot(t, &k);
	if (t->v[i].ino != 0)
		return false;
	t->v[i] = k;
	t->n++;
	return true;
}

void scan_walk_free(struct scan *s)
{
	free(s->seen.v);
	memset(&s->seen, 0, sizeof(s->seen));
}

/* ---- entering a directory -------------------------------------------------- */

/* HEAD, objects/ and refs/: a git directory (".git", or a bare one). */
static bool is_git_dir(int fd)
{
	struct stat st;

	return fstatat(fd, "objects", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) &&
	       fstatat(fd, "refs", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) &&
	       fstatat(fd, "HEAD", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}

static void dir_problem(struct scan *s, const char *path, const char *what)
{
	s->st.unreadable++;
	scan_report_problem(s, path, "%s: %s", what,
			    errno == EMFILE || errno == ENFILE ?
			    "too deep (out of file descriptors)" :
			    strerror(errno));
}

static bool push(struct walk *w, int fd, const struct stat *st,
		 const struct scan_reach *reach)
{
	struct frame *f;
	DIR *d;

	if (w->depth == w->cap) {
		size_t cap = w->cap > 0 ? w->cap * 2 : 64;

		if ((f = reallocarray(w->stack, cap, sizeof(*f))) == NULL)
			return false;
		w->stack = f;
		w->cap = cap;
	}
	if ((d = fdopendir(fd)) == NULL)
		return false;
	f = &w->stack[w->depth++];
	f->dir = d;
	f->pathlen = w->pathlen;
	f->reach = *reach;
	f->dev = st->st_dev;
	w->s->st.dirs++;
	return true;
}

/* The directory fd (status *st, reached through parent_reach) at the
 * current path: its history if it is a git directory, then its entries. */
static void enter(struct walk *w, int fd, const struct stat *st,
		  const struct scan_reach *parent_reach)
{
	struct scan_reach reach = *parent_reach;
	struct scan *s = w->s;

	if (!first_visit(&s->seen, st)) {
		s->st.loops++;          /* a bind mount met again, or a loop */
		close(fd);
		return;
	}
	if (w->depth >= SCAN_DEPTH_MAX) {
		/* A user can nest without end; memory and fds cannot. */
		s->st.unreadable++;
		scan_report_problem(s, w->path, "more than %d directories "
				    "deep: not entered", SCAN_DEPTH_MAX);
		close(fd);
		return;
	}
	scan_reach_enter(&reach, st);
	if (s->o->git && is_git_dir(fd))
		scan_git_repo(s, w->path, st, parent_reach);
	if (!push(w, fd, st, &reach)) {
		dir_problem(s, w->path, "cannot list");
		close(fd);
	}
}

static void subdir(struct walk *w, const struct frame *top, const char *name)
{
	struct scan *s = w->s;
	struct stat st, fst;
	int fd;

	if (fstatat(dirfd(top->dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			dir_problem(s, w->path, "cannot stat");
		return;
	}
	if (!S_ISDIR(st.st_mode)) {     /* replaced since it was listed */
		s->st.special++;
		return;
	}
	if (kernel_path(w->path)) {
		s->st.pseudo_fs++;
		return;
	}
	if (st.st_dev != top->dev && s->o->xdev) {
		s->st.other_fs++;
		return;
	}
	if ((fd = openat(dirfd(top->dir), name, DIR_FLAGS)) < 0) {
		if (errno == ELOOP)
			s->st.symlinks++;
		else if (errno != ENOENT)
			dir_problem(s, w->path, "cannot open");
		return;
	}
	if (fstat(fd, &fst) != 0 || fst.st_dev != st.st_dev ||
	    fst.st_ino != st.st_ino) {
		close(fd);              /* replaced since it was looked at */
		return;
	}
	if (st.st_dev != top->dev && kernel_fs(fd)) {
		s->st.pseudo_fs++;
		close(fd);
		return;
	}
	enter(w, fd, &fst, &top->reach);
}

/* ---- the walk -------------------------------------------------------------- */

static unsigned char entry_type(int dfd, const struct dirent *ent)
{
	struct stat st;

	if (ent->d_type != DT_UNKNOWN)
		return ent->d_type;
	if (fstatat(dfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
	       S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
}

static void entry(struct walk *w, const struct dirent *ent)
{
	const struct frame *top = &w->stack[w->depth - 1];
	struct scan *s = w->s;

	if (!path_set(w, top->pathlen, ent->d_name)) {
		s->st.unreadable++;
		scan_report_problem(s, NULL, "out of memory");
		return;
	}
	if (excluded(s, w->path)) {
		s->st.excluded++;
		return;
	}
	switch (entry_type(dirfd(top->dir), ent)) {
	case DT_REG:
		scan_file(s, dirfd(top->dir), ent->d_name, w->path, &top->reach);
		break;
	case DT_DIR:
		subdir(w, top, ent->d_name);
		break;
	case DT_LNK:
		s->st.symlinks++;
		break;
	case DT_UNKNOWN:
		break;                  /* gone since it was listed */
	default:
		s->st.special++;        /* devices, FIFOs, sockets */
		break;
	}
}

static void pop(struct walk *w)
{
	closedir(w->stack[--w->depth].dir);
}

static void run(struct walk *w)
{
	while (w->depth > 0) {
		struct frame *top = &w->stack[w->depth - 1];
		struct dirent *ent;

		errno = 0;
		if ((ent = readdir(top->dir)) == NULL) {
			if (errno != 0) {
				w->path[top->pathlen] = '\0';
				dir_problem(w->s, w->path, "cannot list");
			}
			pop(w);
			continue;
		}
		if (strcmp(ent->d_name, ".") == 0 ||
		    strcmp(ent->d_name, "..") == 0)
			continue;
		entry(w, ent);
	}
}

/* ---- a root ---------------------------------------------------------------- */

/* Who can get to `path` (absolute, resolved) from "/". */
static void reach_of_parents(const char *path, struct scan_reach *r)
{
	char buf[PATH_MAX];
	struct stat st;
	const char *slash = path;

	r->kind = REACH_ALL;
	r->gid = 0;
	while ((slash = strchr(slash, '/')) != NULL) {
		size_t n = slash == path ? 1 : (size_t)(slash - path);

		memcpy(buf, path, n);
		buf[n] = '\0';
		if (stat(buf, &st) == 0)
			scan_reach_enter(r, &st);
		slash++;
	}
}

/* A root that is a single file. */
static void root_file(struct scan *s, const char *path,
		      const struct scan_reach *r)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	int dfd;

	memcpy(dir, path, n);
	dir[n] = '\0';
	if ((dfd = open(dir, DIR_FLAGS)) < 0) {
		dir_problem(s, dir, "cannot open");
		return;
	}
	scan_file(s, dfd, slash + 1, path, r);
	close(dfd);
}

static void root_missing(struct scan *s, const char *root)
{
	/* The built-in list names directories a host may not have. */
	if (errno == ENOENT && !s->o->paths_given)
		return;
	s->st.missing++;
	scan_report_problem(s, root, "cannot scan: %s", strerror(errno));
}

void scan_walk_root(struct scan *s, const char *root)
{
	struct walk w = { .s = s };
	struct scan_reach reach;
	struct stat st;
	char *real;
	int fd;

	/* The admin's own roots may be symlinks (/home -> /usr/home):
	 * resolved once here; nothing below them is followed. */
	if ((real = realpath(root, NULL)) == NULL || strlen(real) >= PATH_MAX) {
		root_missing(s, root);
		free(real);
		return;
	}
	reach_of_parents(real, &reach);
	if (excluded(s, real) || kernel_path(real)) {
		s->st.excluded++;
	} else if (lstat(real, &st) == 0 && S_ISREG(st.st_mode)) {
		root_file(s, real, &reach);
	} else if ((fd = open(real, DIR_FLAGS)) < 0 || fstat(fd, &st) != 0) {
		root_missing(s, root);
		if (fd >= 0)
			close(fd);
	} else if (path_set(&w, 0, real + 1)) {
		enter(&w, fd, &st, &reach);
		run(&w);
	} else {
		close(fd);
	}
	while (w.depth > 0)
		pop(&w);
	free(w.stack);
	free(w.path);
	free(real);
}
