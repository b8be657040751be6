/* Where the log query's lines come from: the rotated family of
 * /var/log/auth.log (gzip read with zlib, recognised by content, not by
 * name), one file or standard input, or the system journal read through
 * libsystemd when the library can be loaded (lib/libsystemd.h: credgate
 * does not depend on it). */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "cg_macros.h"
#include "enroll.h"
#include "json.h"
#include "libsystemd.h"
#include "logq.h"

#define LOG_DIR "/var/log"
#define LOG_BASE "auth.log"
#define FILES_MAX 1000
#define READ_CHUNK (128 * 1024)

/* ---- the rotated family ------------------------------------------------ */

/* auth.log, auth.log.N[.gz], auth.log-ANYTHING[.gz]; rank orders them
 * oldest first: dated ones by name, then numbered by falling N, then the
 * live file. */
static bool family_member(const char *name, long *rank)
{
	const char *p = name + strlen(LOG_BASE);
	long n = 0;

	if (strncmp(name, LOG_BASE, strlen(LOG_BASE)) != 0)
		return false;
	if (*p == '\0') {
		*rank = 2000000;
		return true;
	}
	if (*p == '-' && p[1] != '\0') {
		*rank = 0;
		return true;
	}
	if (*p++ != '.' || *p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9' && n < 100000; p++)
		n = n * 10 + (*p - '0');
	if (*p != '\0' && strcmp(p, ".gz") != 0)
		return false;
	*rank = 1000000 - n;
	return true;
}

struct ranked {
	char *path;
	long rank;
};

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->path, y->path);
}

int logq_default_files(char ***paths, size_t *n)
{
	struct ranked *r = NULL;
	struct dirent *de;
	size_t cnt = 0;
	char **out;
	DIR *d;

	*paths = NULL;
	*n = 0;
	if ((d = opendir(LOG_DIR)) == NULL) {
		enroll_err("%s: %s", LOG_DIR, strerror(errno));
		return -1;
	}
	if ((r = calloc(FILES_MAX, sizeof(*r))) == NULL)
		goto nomem;
	while ((de = readdir(d)) != NULL && cnt < FILES_MAX) {
		long rank;

		if (!family_member(de->d_name, &rank))
			continue;
		if (asprintf(&r[cnt].path, "%s/%s", LOG_DIR, de->d_name) < 0)
			goto nomem;
		r[cnt++].rank = rank;
	}
	closedir(d);
	d = NULL;
	qsort(r, cnt, sizeof(*r), by_rank);
	if ((out = calloc(cnt + 1, sizeof(*out))) == NULL)
		goto nomem;
	for (size_t i = 0; i < cnt; i++)
		out[i] = r[i].path;
	free(r);
	*paths = out;
	*n = cnt;
	return 0;
 nomem:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; r != NULL && i < cnt; i++)
		free(r[i].path);
	free(r);
	enroll_err("out of memory");
	return -1;
}

void logq_free_files(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---- one file ------------------------------------------------------------ */

/* A regular file (or, for "-", whatever standard input is), without
 * blocking on a FIFO planted under the name. */
static int open_input(const char *path, int *fd_out, int64_t *ref_time)
{
	struct stat st;
	int fd, fl;

	if (strcmp(path, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) < 0)
			goto fail;
		*ref_time = (int64_t)time(NULL);
		*fd_out = fd;
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		goto fail;
	if (fstat(fd, &st) != 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		enroll_err("%s: not a regular file", path);
		return -1;
	}
	*ref_time = (int64_t)st.st_mtime;
	*fd_out = fd;
	return 0;
 fail:
	enroll_err("%s: %s", strcmp(path, "-") == 0 ? "standard input" : path,
		   strerror(errno));
	return -1;
}

struct line_reader {
	const char *source;
	char *line;               /* LOGQ_LINE_MAX + 1 */
	size_t len;
	bool overlong;
	unsigned long lineno;
	int64_t ref_time;
	logq_line_fn fn;
	void *arg;
	bool stop;
};

static void end_line(struct line_reader *r)
{
	r->lineno++;
	if (r->overlong)
		enroll_err("%s:%lu: longer than %d bytes; skipped", r->source,
			   r->lineno, LOGQ_LINE_MAX);
	else if (!r->fn(r->arg, r->source, r->lineno, r->line, r->len,
			r->ref_time))
		r->stop = true;
	r->len = 0;
	r->overlong = false;
}

static void feed(struct line_reader *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && !r->stop; i++) {
		if (buf[i] == '\n') {
			end_line(r);
		} else if (r->len < LOGQ_LINE_MAX) {
			r->line[r->len++] = buf[i];
		} else {
			r->overlong = true;
		}
	}
}

int logq_read_file(const char *path, logq_line_fn fn, void *arg)
{
	struct line_reader r = { .source = path, .fn = fn, .arg = arg };
	char *buf = NULL;
	gzFile gz = NULL;
	int fd = -1, n, errnum, ret = -1;
	const char *msg;

	if (strcmp(path, "-") == 0)
		r.source = "(stdin)";
	if (open_input(path, &fd, &r.ref_time) != 0)
		return -1;
	if ((buf = malloc(READ_CHUNK)) == NULL ||
	    (r.line = malloc(LOGQ_LINE_MAX + 1)) == NULL) {
		enroll_err("out of memory");
		goto out;
	}
	/* zlib reads a file that is not gzip as it is ("transparent"), and
	 * concatenated gzip members as one stream. */
	if ((gz = gzdopen(fd, "rb")) == NULL) {
		enroll_err("%s: cannot read", r.source);
		goto out;
	}
	fd = -1;
	gzbuffer(gz, READ_CHUNK);
	while (!r.stop && (n = gzread(gz, buf, READ_CHUNK)) > 0)
		feed(&r, buf, (size_t)n);
	msg = gzerror(gz, &errnum);
	/* zlib names the stream "<fd:N>: "; the file's name is ours. */
	if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ") != NULL)
		msg = strstr(msg, ": ") + 2;
	if (errnum != Z_OK && errnum != Z_STREAM_END && !r.stop) {
		enroll_err("%s: %s (after line %lu)", r.source,
			   errnum == Z_ERRNO ? strerror(errno) : msg, r.lineno);
		goto out;
	}
	if (r.len > 0 && !r.stop)
		end_line(&r);          /* a last line without newline */
	ret = 0;
 out:
	if (gz != NULL)
		gzclose(gz);
	if (fd >= 0)
		close(fd);
	free(buf);
	free(r.line);
	return ret;
}

/* ---- the journal ------------------------------------------------------------ */

typedef struct sd_journal sd_journal;
#define SD_JOURNAL_LOCAL_ONLY 1

struct sdj {
	int (*open)(sd_journal **, int);
	void (*close)(sd_journal *);
	int (*next)(sd_journal *);
	int (*get_data)(sd_journal *, const char *, const void **, size_t *);
	int (*get_realtime_usec)(sd_journal *, uint64_t *);
};

static bool sdj_load(struct sdj *s)
{
	*(void **)&s->open = cg_libsystemd_sym("sd_journal_open");
	*(void **)&s->close = cg_libsystemd_sym("sd_journal_close");
	*(void **)&s->next = cg_libsystemd_sym("sd_journal_next");
	*(void **)&s->get_data = cg_libsystemd_sym("sd_journal_get_data");
	*(void **)&s->get_realtime_usec =
		cg_libsystemd_sym("sd_journal_get_realtime_usec");
	return s->open != NULL && s->close != NULL && s->next != NULL &&
	       s->get_data != NULL && s->get_realtime_usec != NULL;
}

/* One field as a JSON member, if the entry has it. */
static void json_field(struct sdj *s, sd_journal *j, FILE *f,
		       const char *name, bool *first)
{
	size_t nlen = strlen(name), len = 0;
	const void *data = NULL;

	if (s->get_data(j, name, &data, &len) < 0 || len <= nlen ||
	    memcmp(data, name, nlen) != 0 || ((const char *)data)[nlen] != '=')
		return;
	fprintf(f, "%s", *first ? "{" : ",");
	*first = false;
	cg_json_str(f, name);
	putc(':', f);
	cg_json_string(f, (const char *)data + nlen + 1, len - nlen - 1);
}

/* The entry as the JSON line journalctl -o json would print (the fields
 * the query reads), so one parser serves both ways in. */
static bool entry_json(struct sdj *s, sd_journal *j, char **line,
		       size_t *len)
{
	static const char *const fields[] = {
		"MESSAGE", "SYSLOG_IDENTIFIER", "_COMM", "_HOSTNAME", "_PID",
		"SYSLOG_PID",
	};
	uint64_t usec = 0;
	bool first = true;
	FILE *f;

	if (s->get_realtime_usec(j, &usec) < 0 ||
	    (f = open_memstream(line, len)) == NULL)
		return false;
	for (size_t i = 0; i < CG_ARRAY_SIZE(fields); i++)
		json_field(s, j, f, fields[i], &first);
	fprintf(f, "%s\"__REALTIME_TIMESTAMP\":\"%llu\"}", first ? "{" : ",",
		(unsigned long long)usec);
	return fclose(f) == 0;
}

int logq_read_journal(logq_line_fn fn, void *arg)
{
	struct sdj s;
	sd_journal *j = NULL;
	unsigned long n = 0;
	bool go, failed = false;
	char *line;
	size_t len;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!sdj_load(&s)) {
		enroll_err("--journal: libsystemd cannot be loaded here; pipe "
			   "'journalctl -o json' into --file - instead");
		return -1;
	}
	if ((rc = s.open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0) {
		enroll_err("--journal: cannot open the journal: %s",
			   strerror(-rc));
		return -1;
	}
	while ((rc = s.next(j)) > 0) {
		const void *data;
		size_t dlen;

		n++;
		/* Most entries are not ours: look before building a line. */
		if (s.get_data(j, "MESSAGE", &data, &dlen) < 0 ||
		    memmem(data, dlen, "event=", 6) == NULL)
			continue;
		if (!entry_json(&s, j, &line, &len)) {
			enroll_err("--journal: out of memory");
			failed = true;
			break;
		}
		go = fn(arg, "journal", n, line, len, 0);
		free(line);
		if (!go)
			break;
	}
	if (rc < 0) {
		enroll_err("--journal: reading failed: %s", strerror(-rc));
		failed = true;
	}
	s.close(j);
	return failed ? -1 : 0;
}
