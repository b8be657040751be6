/* One file (or git blob) of the scan: opened without following a symlink
 * and without blocking, checked on its fd, read once into the scan
 * buffer, matched against every needle in one pass; matches become one
 * finding per credential and line. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scan.h"
#include "wipe.h"

bool scan_buffer_reserve(struct scan *s, size_t n)
{
	size_t nb = s->bufsz > 0 ? s->bufsz : 65536;
	unsigned char *q;

	if (n <= s->bufsz)
		return true;
	while (nb < n) {
		if (nb > SIZE_MAX / 2)
			return false;
		nb *= 2;
	}
	if ((q = malloc(nb)) == NULL)
		return false;
	/* What it held may be a copy of a secret: wipe, do not realloc. */
	cg_freezero(s->buf, s->bufsz);
	s->buf = q;
	s->bufsz = nb;
	return true;
}

void scan_buffer_free(struct scan *s)
{
	cg_freezero(s->buf, s->bufsz);
	s->buf = NULL;
	s->bufsz = 0;
	free(s->hits);
	s->hits = NULL;
}

/* ---- matching --------------------------------------------------------- */

static int on_match(uint32_t id, size_t end, void *arg)
{
	struct scan *s = arg;
	const struct scan_needle *nd = &s->needles[id];

	if (s->nhits == SCAN_HITS_MAX) {
		s->hits_full = true;
		return 1;
	}
	s->hits[s->nhits].start = end - nd->len;
	s->hits[s->nhits].cred = nd->cred;
	s->hits[s->nhits].line = 0;
	s->nhits++;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct scan_hit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_cred_line(const void *a, const void *b)
{
	const struct scan_hit *x = a, *y = b;

	if (x->cred != y->cred)
		return x->cred < y->cred ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static size_t count_newlines(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *nl;
	size_t count = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		count++;
		p = nl + 1;
	}
	return count;
}

/* Line numbers, counted once up to the last match. */
static void number_lines(struct scan *s)
{
	size_t pos = 0;
	unsigned line = 1;

	qsort(s->hits, s->nhits, sizeof(*s->hits), by_start);
	for (size_t i = 0; i < s->nhits; i++) {
		line += (unsigned)count_newlines(s->buf + pos,
						 s->hits[i].start - pos);
		pos = s->hits[i].start;
		s->hits[i].line = line;
	}
}

/* One finding per credential and line, at most SCAN_LINES_PER_FILE per
 * credential; the rest are counted. */
static void report_hits(struct scan *s, const struct scan_place *where)
{
	size_t listed = 0;

	qsort(s->hits, s->nhits, sizeof(*s->hits), by_cred_line);
	for (size_t i = 0; i < s->nhits; i++) {
		const struct scan_hit *h = &s->hits[i];

		if (i > 0 && h->cred != h[-1].cred)
			listed = 0;
		else if (i > 0 && h->line == h[-1].line)
			continue;
		if (listed++ < SCAN_LINES_PER_FILE)
			scan_report_finding(s, where, h->cred, h->line);
		else
			s->st.not_listed++;
	}
}

void scan_match_buffer(struct scan *s, size_t len,
		       const struct scan_place *where)
{
	s->nhits = 0;
	s->hits_full = false;
	if (s->hits == NULL &&
	    (s->hits = calloc(SCAN_HITS_MAX, sizeof(*s->hits))) == NULL) {
		s->st.unreadable++;
		scan_report_problem(s, where->path, "out of memory");
		return;
	}
	cg_ac_scan(s->ac, s->buf, len, on_match, s);
	if (s->nhits == 0)
		return;
	number_lines(s);
	report_hits(s, where);
	if (s->hits_full)
		scan_report_problem(s, where->path, "more than %d matches: "
				    "only those before are listed",
				    SCAN_HITS_MAX);
}

/* ---- one file ---------------------------------------------------------- */

#define OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

/* O_NOATIME keeps the scan from touching every access time; it is
 * refused (EPERM) on files of others without CAP_FOWNER. */
static int open_file(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, OPEN_FLAGS | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, OPEN_FLAGS);
	return fd;
}

static void open_failed(struct scan *s, const char *path)
{
	switch (errno) {
	case ENOENT:
		return;                 /* gone since it was listed */
	case ELOOP:
		s->st.symlinks++;       /* replaced by a symlink meanwhile */
		return;
	case ENXIO:
	case ENODEV:
		s->st.special++;        /* a socket or device after all */
		return;
	default:
		s->st.unreadable++;
		scan_report_problem(s, path, "cannot open: %s", strerror(errno));
	}
}

/* Read at most want bytes; -1 on error (errno set). */
static ssize_t read_upto(int fd, unsigned char *buf, size_t want)
{
	size_t len = 0;
	ssize_t n;

	while (len < want && (n = read(fd, buf + len, want - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static bool changed(const struct stat *a, const struct stat *b)
{
	return a->st_size != b->st_size || a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	       a->st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

/* Read fd (status *st) into the buffer and match it. */
static void scan_fd(struct scan *s, int fd, const char *path,
		    const struct stat *st, const struct scan_reach *reach)
{
	struct scan_place where = { path, NULL, NULL, st,
				    scan_readable_by(reach, st) };
	size_t want = (size_t)st->st_size + 1;  /* one more: did it grow? */
	struct stat after;
	ssize_t len;

	if (!scan_buffer_reserve(s, want)) {
		s->st.unreadable++;
		scan_report_problem(s, path, "out of memory");
		return;
	}
	if ((len = read_upto(fd, s->buf, want)) < 0) {
		s->st.unreadable++;
		scan_report_problem(s, path, "cannot read: %s", strerror(errno));
		return;
	}
	if ((size_t)len == want || fstat(fd, &after) != 0 ||
	    changed(st, &after)) {
		s->st.changed++;
		scan_report_problem(s, path, "changed while being read (the "
				    "first %zd bytes were searched)", len);
	}
	s->st.files++;
	s->st.bytes += (uint64_t)len;
	scan_match_buffer(s, (size_t)len, &where);
}

void scan_file(struct scan *s, int dirfd, const char *name, const char *path,
	       const struct scan_reach *reach)
{
	struct stat st;
	int fd;

	if ((fd = open_file(dirfd, name)) < 0) {
		open_failed(s, path);
		return;
	}
	if (fstat(fd, &st) != 0) {
		s->st.unreadable++;
		scan_report_problem(s, path, "cannot stat: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		s->st.special++;        /* a FIFO: opened, never read */
	} else if (scan_is_credential_file(s, &st)) {
		s->st.cred_files++;
	} else if ((unsigned long long)st.st_size > s->conf->max_file_size) {
		s->st.too_big++;
	} else {
		scan_fd(s, fd, path, &st, reach);
	}
	close(fd);
	scan_progress(s);
}
