/* What the scan tells: one line per finding (credential, where, owner,
 * mode, who can read it — never the value nor any part of it), an audit
 * line per finding, problems on standard error, a summary, the JSON
 * document for tools, rotation hints, and a progress line when standard
 * error is a terminal.  Everything a user could have named (paths, file
 * names in a commit, git's messages) is escaped before it is written; the
 * JSON document goes through the tools' one JSON writer (lib/json.h). */
#include "config.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "audit.h"
#include "enroll.h"
#include "json.h"
#include "privguard.h"
#include "scan.h"

#define PROGRESS_FIRST_MS 1000          /* long runs only */
#define PROGRESS_EVERY_MS 250
#define PROBLEM_MAX 9000                /* a message, with a path in it */

struct finding {                        /* kept for --json */
	uint32_t cred;
	char *path, *commit, *file;
	unsigned line;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	struct scan_reader reader;
};

struct problem {
	char *path;                     /* may be NULL */
	char *msg;
};

struct scan_out {
	struct finding *findings;
	size_t nfindings, findings_cap;
	struct problem *problems;
	size_t nproblems, problems_cap;
	struct timespec start, last;
	bool tty, progress_shown, out_of_memory;
};

/* ---- escaping ---------------------------------------------------------------- */

static const char hex[] = "0123456789abcdef";

static bool plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr("._:/@%+,-", c));
}

static void put_byte_escaped(FILE *f, unsigned char c)
{
	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c < 0x20 || c >= 0x7f)
		fprintf(f, "\\x%c%c", hex[c >> 4], hex[c & 15]);
	else
		fputc(c, f);
}

/* The rules of audit.h's values, without its length limit: a path in a
 * finding is never cut. */
void scan_put_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	bool plain = *p != '\0';

	for (const unsigned char *q = p; *q != '\0' && plain; q++)
		plain = plain_char(*q);
	if (plain) {
		fputs(s, f);
		return;
	}
	if (*p == '\0') {
		fputc('-', f);
		return;
	}
	fputc('"', f);
	for (; *p != '\0'; p++)
		put_byte_escaped(f, *p);
	fputc('"', f);
}

/* Free text (a message): printable ASCII as is, other bytes as \xNN. */
static void put_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%c%c", hex[*p >> 4], hex[*p & 15]);
		else
			fputc(*p, f);
}

/* ---- progress ------------------------------------------------------------------ */

static long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000 +
	       (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void progress_clear(struct scan *s)
{
	if (s->out->progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		s->out->progress_shown = false;
	}
}

void scan_progress(struct scan *s)
{
	struct scan_out *o = s->out;
	struct timespec now;

	if (!o->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (elapsed_ms(&o->start, &now) < PROGRESS_FIRST_MS ||
	    elapsed_ms(&o->last, &now) < PROGRESS_EVERY_MS)
		return;
	o->last = now;
	fprintf(stderr, "\r\033[Kscanning: %llu files, %.1f MiB, %llu git "
		"blobs, %llu findings", (unsigned long long)s->st.files,
		(double)(s->st.bytes + s->st.blob_bytes) / (1 << 20),
		(unsigned long long)s->st.blobs,
		(unsigned long long)s->st.findings);
	fflush(stderr);
	o->progress_shown = true;
}

/* ---- findings ------------------------------------------------------------------- */

static void user_name(uid_t uid, char *buf, size_t sz)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(buf, sz, "%s", pw->pw_name);
	else
		snprintf(buf, sz, "%u", (unsigned)uid);
}

/* event=leak credential= path= readable_by= [commit= file=] line= */
static void audit_finding(const struct scan *s, const struct scan_place *w,
			  uint32_t cred, unsigned line, const char *reader)
{
	char linebuf[16];
	struct cg_audit_event ev = {
		.event = "leak",
		.credential = s->creds[cred].conf->name,
		.path = w->path,
		.readable_by = reader,
		.priority = LOG_WARNING,
	};

	snprintf(linebuf, sizeof(linebuf), "%u", line);
	if (w->commit != NULL) {
		cg_audit_add(&ev, "commit", w->commit);
		cg_audit_add(&ev, "file", w->file);
	}
	cg_audit_add(&ev, "line", linebuf);
	cg_audit_emit(&ev, NULL, NULL);
}

static void print_finding(const struct scan *s, const struct scan_place *w,
			  uint32_t cred, unsigned line, const char *reader)
{
	char owner[64];

	user_name(w->st->st_uid, owner, sizeof(owner));
	fputs("credential=", stdout);
	scan_put_value(stdout, s->creds[cred].conf->name);
	fputs(" path=", stdout);
	scan_put_value(stdout, w->path);
	if (w->commit != NULL) {
		fputs(" commit=", stdout);
		scan_put_value(stdout, w->commit);
		fputs(" file=", stdout);
		scan_put_value(stdout, w->file);
	}
	printf(" line=%u owner=", line);
	scan_put_value(stdout, owner);
	printf(" mode=%04o readable_by=", (unsigned)(w->st->st_mode & 07777));
	scan_put_value(stdout, reader);
	fputc('\n', stdout);
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = true;
	return d;
}

static void keep_finding(struct scan *s, const struct scan_place *w,
			 uint32_t cred, unsigned line)
{
	struct scan_out *o = s->out;
	struct finding *f;
	bool failed = false;

	if (o->nfindings == o->findings_cap) {
		size_t cap = o->findings_cap > 0 ? o->findings_cap * 2 : 64;

		if ((f = reallocarray(o->findings, cap, sizeof(*f))) == NULL) {
			o->out_of_memory = true;
			return;
		}
		o->findings = f;
		o->findings_cap = cap;
	}
	f = &o->findings[o->nfindings];
	*f = (struct finding){ cred, NULL, NULL, NULL, line, w->st->st_uid,
			       w->st->st_gid, w->st->st_mode, w->reader };
	f->path = dup_or_null(w->path, &failed);
	f->commit = dup_or_null(w->commit, &failed);
	f->file = dup_or_null(w->file, &failed);
	if (failed) {
		o->out_of_memory = true;
		free(f->path);
		free(f->commit);
		free(f->file);
		return;
	}
	o->nfindings++;
}

void scan_report_finding(struct scan *s, const struct scan_place *where,
			 uint32_t cred, unsigned line)
{
	char reader[300];

	s->st.findings++;
	s->creds[cred].findings++;
	scan_reader_text(&where->reader, reader, sizeof(reader));
	audit_finding(s, where, cred, line, reader);
	if (s->o->json) {
		keep_finding(s, where, cred, line);
		return;
	}
	progress_clear(s);
	print_finding(s, where, cred, line, reader);
}

/* ---- problems ------------------------------------------------------------------- */

static void keep_problem(struct scan_out *o, const char *path, const char *msg)
{
	struct problem *p;
	bool failed = false;

	if (o->nproblems >= SCAN_PROBLEMS_LISTED)
		return;
	if (o->nproblems == o->problems_cap) {
		size_t cap = o->problems_cap > 0 ? o->problems_cap * 2 : 16;

		if ((p = reallocarray(o->problems, cap, sizeof(*p))) == NULL)
			return;
		o->problems = p;
		o->problems_cap = cap;
	}
	p = &o->problems[o->nproblems];
	p->path = dup_or_null(path, &failed);
	p->msg = dup_or_null(msg, &failed);
	if (failed) {
		free(p->path);
		free(p->msg);
		return;
	}
	o->nproblems++;
}

void scan_report_problem(struct scan *s, const char *path, const char *fmt,
			 ...)
{
	char msg[PROBLEM_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->out != NULL) {
		progress_clear(s);
		if (s->o->json)
			keep_problem(s->out, path, msg);
	}
	fputs(ENROLL_PROG ": scan: ", stderr);
	if (path != NULL) {
		scan_put_value(stderr, path);
		fputs(": ", stderr);
	}
	put_text(stderr, msg);
	fputc('\n', stderr);
}

/* ---- the end ------------------------------------------------------------------- */

int scan_out_open(struct scan *s)
{
	if ((s->out = calloc(1, sizeof(*s->out))) == NULL) {
		fputs(ENROLL_PROG ": scan: out of memory\n", stderr);
		return SCAN_EXIT_ERROR;
	}
	s->out->tty = isatty(STDERR_FILENO) == 1;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &s->out->start);
	s->out->last = s->out->start;
	return 0;
}

void scan_out_free(struct scan *s)
{
	struct scan_out *o = s->out;

	if (o == NULL)
		return;
	for (size_t i = 0; i < o->nfindings; i++) {
		free(o->findings[i].path);
		free(o->findings[i].commit);
		free(o->findings[i].file);
	}
	free(o->findings);
	for (size_t i = 0; i < o->nproblems; i++) {
		free(o->problems[i].path);
		free(o->problems[i].msg);
	}
	free(o->problems);
	free(o);
	s->out = NULL;
}

/* Things that could not be looked at: they make a clean scan exit 2. */
static uint64_t incomplete(const struct scan *s)
{
	return s->st.unreadable + s->st.git_errors + s->st.creds_skipped +
	       s->st.missing + s->st.errors + (s->out->out_of_memory ? 1 : 0);
}

/* The counters, "name=value", in one fixed order (text and JSON). */
struct counter {
	const char *name;
	uint64_t value;
};

static size_t counters(const struct scan *s, struct counter *c)
{
	const struct scan_stats *t = &s->st;
	size_t n = 0, searched = 0;

	for (size_t i = 0; i < s->ncreds; i++)
		searched += s->creds[i].searched;
#define C(k, v) c[n++] = (struct counter){ k, (uint64_t)(v) }
	C("credentials", s->ncreds); C("searched", searched);
	C("needles", s->nneedles);
	C("files", t->files); C("bytes", t->bytes); C("directories", t->dirs);
	C("git_repositories", t->repos); C("git_commits", t->commits);
	C("git_blobs", t->blobs); C("git_bytes", t->blob_bytes);
	C("findings", t->findings); C("not_listed", t->not_listed);
	C("unreadable", t->unreadable); C("git_errors", t->git_errors);
	C("credentials_skipped", t->creds_skipped); C("missing", t->missing);
	C("errors", t->errors);
	C("too_big", t->too_big); C("changed", t->changed);
	C("symlinks", t->symlinks); C("special", t->special);
	C("other_fs", t->other_fs); C("pseudo_fs", t->pseudo_fs);
	C("excluded", t->excluded); C("loops", t->loops);
	C("credential_files", t->cred_files);
#undef C
	return n;
}
#define NCOUNTERS 26

/* What an administrator runs next: replace the value through the gate
 * (credgate(1) put), then see who read the value it replaced. */
#define PUT_CMD "credgate put %s <NEW-VALUE-FILE"
#define LOG_CMD "credgate-enroll log --credential %s"
#define ROTATE_NOTE "credgate put is for the credential's writers; after " \
	"it, add --before-rotation to the log query for who read the old value"

static void print_hints(const struct scan *s)
{
	bool any = false;

	for (size_t i = 0; i < s->ncreds; i++) {
		const char *name = s->creds[i].conf->name;

		if (s->creds[i].findings == 0)
			continue;
		any = true;
		printf("rotate: %s (%llu findings): next,\n  " PUT_CMD
		       "\n  " LOG_CMD "\n", name,
		       (unsigned long long)s->creds[i].findings, name, name);
	}
	if (any)
		printf("note: " ROTATE_NOTE "\n");
}

static void print_text_end(const struct scan *s, uint64_t missed)
{
	struct counter c[NCOUNTERS];
	size_t n = counters(s, c);

	fputs("summary:", stdout);
	for (size_t i = 0; i < n; i++)
		printf(" %s=%llu", c[i].name, (unsigned long long)c[i].value);
	fputc('\n', stdout);
	if (s->st.findings > 0)
		printf("result: %llu findings; the values are exposed where "
		       "listed above\n", (unsigned long long)s->st.findings);
	else if (missed > 0)
		printf("result: nothing found, but %llu things could not be "
		       "looked at (see the messages on standard error)\n",
		       (unsigned long long)missed);
	else
		printf("result: nothing found\n");
	if (s->o->rotate_hint)
		print_hints(s);
}

static void json_finding(const struct scan *s, struct cg_json_out *w,
			 const struct finding *f)
{
	char owner[64], reader[300], mode[8];
	struct group *gr = getgrgid(f->gid);

	user_name(f->uid, owner, sizeof(owner));
	scan_reader_text(&f->reader, reader, sizeof(reader));
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(f->mode & 07777));
	cg_json_out_object(w, NULL);
	cg_json_out_str(w, "credential", s->creds[f->cred].conf->name);
	cg_json_out_str(w, "path", f->path);
	cg_json_out_str(w, "commit", f->commit);       /* NULL: null */
	cg_json_out_str(w, "file", f->file);
	cg_json_out_int(w, "line", f->line);
	cg_json_out_str(w, "owner", owner);
	cg_json_out_int(w, "uid", f->uid);
	cg_json_out_str(w, "group", gr != NULL ? gr->gr_name : "");
	cg_json_out_int(w, "gid", f->gid);
	cg_json_out_str(w, "mode", mode);
	cg_json_out_str(w, "readable_by", reader);
	cg_json_out_close(w);
}

static void json_credentials(const struct scan *s, struct cg_json_out *w)
{
	cg_json_out_array(w, "credentials");
	for (size_t i = 0; i < s->ncreds; i++) {
		const struct scan_cred *c = &s->creds[i];

		cg_json_out_object(w, NULL);
		cg_json_out_str(w, "name", c->conf->name);
		cg_json_out_str(w, "path", c->conf->path);
		cg_json_out_bool(w, "searched", c->searched);
		cg_json_out_int(w, "needles", (long long)c->nneedles);
		cg_json_out_int(w, "findings", (long long)c->findings);
		cg_json_out_str(w, "reason", c->searched ? NULL : c->why);
		cg_json_out_close(w);
	}
	cg_json_out_close(w);
}

static void json_hints(const struct scan *s, struct cg_json_out *w)
{
	char cmd[CG_NAME_MAX + 64];

	cg_json_out_array(w, "rotate_hints");
	for (size_t i = 0; i < s->ncreds; i++) {
		const char *name = s->creds[i].conf->name;

		if (s->creds[i].findings == 0)
			continue;
		cg_json_out_object(w, NULL);
		cg_json_out_str(w, "credential", name);
		snprintf(cmd, sizeof(cmd), PUT_CMD, name);
		cg_json_out_str(w, "put", cmd);
		snprintf(cmd, sizeof(cmd), LOG_CMD, name);
		cg_json_out_str(w, "log", cmd);
		cg_json_out_close(w);
	}
	cg_json_out_close(w);
	cg_json_out_str(w, "rotate_note", ROTATE_NOTE);
}

/* The --json document (credgate-enroll(8), SCANNING FOR LEAKS). */
static cg_err print_json(const struct scan *s, uint64_t missed, int status)
{
	const struct scan_out *o = s->out;
	struct counter c[NCOUNTERS];
	size_t n = counters(s, c);
	struct cg_json_out w;

	cg_json_out_init(&w, stdout);
	cg_json_out_object(&w, NULL);
	cg_json_out_int(&w, "status", status);
	cg_json_out_bool(&w, "complete", missed == 0);
	cg_json_out_array(&w, "findings");
	for (size_t i = 0; i < o->nfindings; i++)
		json_finding(s, &w, &o->findings[i]);
	cg_json_out_close(&w);
	json_credentials(s, &w);
	cg_json_out_array(&w, "problems");
	for (size_t i = 0; i < o->nproblems; i++) {
		cg_json_out_object(&w, NULL);
		cg_json_out_str(&w, "path", o->problems[i].path);
		cg_json_out_str(&w, "problem", o->problems[i].msg);
		cg_json_out_close(&w);
	}
	cg_json_out_close(&w);
	cg_json_out_object(&w, "summary");
	for (size_t i = 0; i < n; i++)
		cg_json_out_int(&w, c[i].name, (long long)c[i].value);
	cg_json_out_close(&w);
	if (s->o->rotate_hint)
		json_hints(s, &w);
	cg_json_out_close(&w);
	return cg_json_out_end(&w);
}

static void audit_end(const struct scan *s, const char *result)
{
	char findings[24], files[24], blobs[24], login[CG_USER_MAX];
	struct cg_audit_event ev = {
		.event = "scan",
		.result = result,
		.by = "root",
		.by_login = login,
		.priority = s->st.findings > 0 ? LOG_WARNING : LOG_NOTICE,
	};

	cg_priv_login_name(login, sizeof(login));
	if (login[0] == '\0')
		snprintf(login, sizeof(login), "-");

	snprintf(findings, sizeof(findings), "%llu",
		 (unsigned long long)s->st.findings);
	snprintf(files, sizeof(files), "%llu", (unsigned long long)s->st.files);
	snprintf(blobs, sizeof(blobs), "%llu", (unsigned long long)s->st.blobs);
	cg_audit_add(&ev, "findings", findings);
	cg_audit_add(&ev, "files", files);
	cg_audit_add(&ev, "git_blobs", blobs);
	cg_audit_emit(&ev, NULL, NULL);
}

int scan_report_finish(struct scan *s)
{
	uint64_t missed = incomplete(s);
	int status = s->st.findings > 0 ? SCAN_EXIT_FOUND :
		     missed > 0 ? SCAN_EXIT_ERROR : SCAN_EXIT_CLEAN;

	progress_clear(s);
	if (s->out->out_of_memory)
		scan_report_problem(s, NULL, "out of memory: not every finding "
				    "is in the JSON output");
	audit_end(s, status == SCAN_EXIT_FOUND ? "found" :
		  status == SCAN_EXIT_ERROR ? "incomplete" : "clean");
	if (s->o->json && print_json(s, missed, status) != CG_OK)
		return SCAN_EXIT_ERROR;     /* main says the output failed */
	if (!s->o->json)
		print_text_end(s, missed);
	return status;
}
