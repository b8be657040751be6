/* credgate-enroll log: who read what, when, from the audit trail.  Reads
 * the inputs (logq_source.c), keeps the events that pass the filters,
 * orders them by time, and prints a table, JSON lines or a summary of
 * reads; --before-rotation narrows it to the reads of the value the
 * latest put replaced.  Root only (credgate-enroll.c). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cg_macros.h"
#include "enroll.h"
#include "json.h"
#include "logq.h"
#include "privguard.h"

/* Reads (deliveries) and refused attempts (auth or access denied) per
 * credential and user.  Built as the lines are read when nothing needs
 * the events themselves, so a summary of a large log takes little
 * memory. */
struct reader {
	char *credential, *user;          /* unescaped */
	char *credential_raw, *user_raw;  /* as logged, for the table */
	unsigned long reads, denied;
	int64_t first, last;
};

struct summary {
	struct reader *r;
	size_t n, cap;
};

static bool summary_add(struct summary *s, const struct logq_event *e);

struct logq {
	const struct enroll_opts *o;
	int64_t since, until;
	struct logq_event *ev;
	size_t n, cap, seq;
	int64_t first_time;           /* earliest line read, INT64_MAX if none */
	unsigned long malformed;
	bool failed;
	bool streaming;               /* --summary alone: counted, not kept */
	struct summary sum;
};

static bool is(const struct logq_event *e, const char *key, const char *v)
{
	const char *x = cg_audit_record_get(&e->rec, key);

	return x != NULL && strcmp(x, v) == 0;
}

/* A read of a credential: the gate handed it over (cat or run). */
static bool is_read(const struct logq_event *e)
{
	return is(e, "event", "access") && is(e, "result", "granted") &&
	       is(e, "reason", "delivered");
}

static bool is_rotation(const struct logq_event *e)
{
	return is(e, "event", "rotate") && is(e, "result", "granted");
}

static bool in_time(const struct logq *q, int64_t t)
{
	return (q->o->log_since == NULL || t >= q->since) &&
	       (q->o->log_until == NULL || t <= q->until);
}

/* The filters that apply while reading.  --before-rotation keeps the
 * credential's rotations and reads up to --until; the window is cut
 * once everything is read and ordered. */
static bool wanted(const struct logq *q, const struct logq_event *e)
{
	const struct enroll_opts *o = q->o;

	if (o->log_credential != NULL && !is(e, "credential", o->log_credential))
		return false;
	if (o->before_rotation)
		return (is_rotation(e) || is_read(e)) &&
		       (o->log_until == NULL || e->time <= q->until);
	if (!in_time(q, e->time))
		return false;
	if (o->log_user != NULL && !is(e, "user", o->log_user))
		return false;
	if (o->log_event != NULL && !is(e, "event", o->log_event))
		return false;
	if (o->log_result != NULL && !is(e, "result", o->log_result))
		return false;
	return true;
}

static bool keep(struct logq *q, struct logq_event *e)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct logq_event *ev = reallocarray(q->ev, cap, sizeof(*ev));

		if (ev == NULL) {
			enroll_err("out of memory");
			return false;
		}
		q->ev = ev;
		q->cap = cap;
	}
	e->seq = q->seq++;
	q->ev[q->n++] = *e;
	return true;
}

static bool on_line(void *arg, const char *source, unsigned long lineno,
		    const char *line, size_t len, int64_t ref_time)
{
	struct logq *q = arg;
	struct logq_event e;
	enum logq_kind k;
	char why[LOGQ_WHY_MAX];

	memset(&e, 0, sizeof(e));
	e.time = INT64_MIN;
	e.source = source;
	e.lineno = lineno;
	if (len > 0 && line[0] == '{')
		k = logq_parse_journal_json(line, len, &e, why, sizeof(why));
	else
		k = logq_parse_syslog(line, len, ref_time, &e, why, sizeof(why));
	if (e.time != INT64_MIN && e.time < q->first_time)
		q->first_time = e.time;
	if (k == LOGQ_MALFORMED && (e.time == INT64_MIN || in_time(q, e.time))) {
		q->malformed++;
		enroll_err("%s:%lu: not a line credgate wrote: %s", source,
			   lineno, why);
	}
	if (k != LOGQ_EVENT)
		return true;
	if (!wanted(q, &e)) {
		cg_audit_record_free(&e.rec);
		return true;
	}
	if (q->streaming) {
		bool ok = summary_add(&q->sum, &e);

		cg_audit_record_free(&e.rec);
		if (!ok) {
			enroll_err("out of memory");
			q->failed = true;
		}
		return ok;
	}
	if (!keep(q, &e)) {
		cg_audit_record_free(&e.rec);
		q->failed = true;
		return false;
	}
	return true;
}

static int by_time(const void *a, const void *b)
{
	const struct logq_event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- inputs ---------------------------------------------------------------- */

static int read_inputs(struct logq *q)
{
	const struct enroll_opts *o = q->o;
	char **files = NULL;
	size_t n = 0;

	if (o->log_journal)
		return logq_read_journal(on_line, q);
	if (o->nlog_files > 0) {
		for (size_t i = 0; i < o->nlog_files && !q->failed; i++)
			if (logq_read_file(o->log_files[i], on_line, q) != 0)
				q->failed = true;
		return 0;
	}
	if (logq_default_files(&files, &n) != 0)
		return -1;
	if (n == 0)
		enroll_err("no /var/log/auth.log*: use --journal, or --file");
	for (size_t i = 0; i < n; i++)
		if (logq_read_file(files[i], on_line, q) != 0)
			q->failed = true;
	logq_free_files(files, n);
	return n == 0 ? -1 : 0;
}

/* ---- output: events ----------------------------------------------------- */

/* Shown in their own columns; every other field goes to the last one. */
static const char *const columns[] = {
	"event", "result", "reason", "user", "credential", "service",
};
#define NCOLUMNS (CG_ARRAY_SIZE(columns))

static const char *col_value(const struct logq_event *e, size_t c)
{
	const char *v = cg_audit_record_raw(&e->rec, columns[c]);

	return v != NULL ? v : "-";
}

/* Where from: the remote host when there is one, else the terminal. */
static const char *from(const struct logq_event *e)
{
	const char *rhost = cg_audit_record_raw(&e->rec, "rhost");
	const char *tty = cg_audit_record_raw(&e->rec, "tty");

	if (rhost != NULL && strcmp(rhost, "-") != 0)
		return rhost;
	return tty != NULL ? tty : "-";
}

static bool in_a_column(const char *key)
{
	if (strcmp(key, "tty") == 0 || strcmp(key, "rhost") == 0)
		return true;
	for (size_t c = 0; c < NCOLUMNS; c++)
		if (strcmp(key, columns[c]) == 0)
			return true;
	return false;
}

static void print_rest(const struct logq_event *e)
{
	bool first = true;

	for (size_t i = 0; i < e->rec.n; i++) {
		if (in_a_column(e->rec.f[i].key))
			continue;
		printf("%s%s=%s", first ? "" : " ", e->rec.f[i].key,
		       e->rec.raw[i]);
		first = false;
	}
	if (e->repeat > 1)
		printf("%s(x%u)", first ? "" : " ", e->repeat);
	if (first && e->repeat <= 1)
		printf("-");
}

static int width(const struct logq_event *ev, size_t n, size_t c,
		 const char *title)
{
	size_t w = strlen(title);

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(c == NCOLUMNS ? ev[i].host :
				  c == NCOLUMNS + 1 ? from(&ev[i]) :
				  col_value(&ev[i], c));
		w = l > w ? l : w;
	}
	return (int)w;
}

static void print_table(const struct logq_event *ev, size_t n)
{
	static const char *const titles[] = {
		"EVENT", "RESULT", "REASON", "USER", "CREDENTIAL", "SERVICE",
	};
	int w[NCOLUMNS + 2];
	char t[32];

	for (size_t c = 0; c < NCOLUMNS; c++)
		w[c] = width(ev, n, c, titles[c]);
	w[NCOLUMNS] = width(ev, n, NCOLUMNS, "HOST");
	w[NCOLUMNS + 1] = width(ev, n, NCOLUMNS + 1, "FROM");
	printf("%-19s  %-*s", "TIME", w[NCOLUMNS], "HOST");
	for (size_t c = 0; c < NCOLUMNS; c++)
		printf("  %-*s", w[c], titles[c]);
	printf("  %-*s  OTHER\n", w[NCOLUMNS + 1], "FROM");
	for (size_t i = 0; i < n; i++) {
		logq_format_local(ev[i].time, t, sizeof(t));
		printf("%-19s  %-*s", t, w[NCOLUMNS], ev[i].host);
		for (size_t c = 0; c < NCOLUMNS; c++)
			printf("  %-*s", w[c], col_value(&ev[i], c));
		printf("  %-*s  ", w[NCOLUMNS + 1], from(&ev[i]));
		print_rest(&ev[i]);
		putchar('\n');
	}
}

/* One JSON object per line.  Our own members start with '_' (as the
 * journal's trusted fields do): audit keys never do, so none collide. */
static void print_json(const struct logq_event *ev, size_t n)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		const struct logq_event *e = &ev[i];

		logq_format_utc(e->time, t, sizeof(t));
		printf("{\"_time\":\"%s\",\"_epoch\":%lld,\"_host\":", t,
		       (long long)e->time);
		cg_json_str(stdout, e->host);
		printf(",\"_program\":");
		cg_json_str(stdout, e->program);
		if (e->pid >= 0)
			printf(",\"_pid\":%ld", e->pid);
		printf(",\"_source\":");
		cg_json_str(stdout, e->source);
		printf(",\"_line\":%lu", e->lineno);
		if (e->repeat > 1)
			printf(",\"_repeat\":%u", e->repeat);
		for (size_t f = 0; f < e->rec.n; f++) {
			putchar(',');
			cg_json_str(stdout, e->rec.f[f].key);
			putchar(':');
			cg_json_str(stdout, e->rec.f[f].value);
		}
		printf("}\n");
	}
}

/* ---- output: summary ---------------------------------------------------- */

static struct reader *find_reader(struct summary *s, const char *c,
				  const char *u, const struct logq_event *e)
{
	struct reader *r;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->r[i].credential, c) == 0 &&
		    strcmp(s->r[i].user, u) == 0)
			return &s->r[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct reader *nr = reallocarray(s->r, cap, sizeof(*nr));

		if (nr == NULL)
			return NULL;
		s->r = nr;
		s->cap = cap;
	}
	r = &s->r[s->n];
	*r = (struct reader){ strdup(c), strdup(u),
		strdup(cg_audit_record_raw(&e->rec, "credential")),
		strdup(cg_audit_record_raw(&e->rec, "user")), 0, 0,
		INT64_MAX, INT64_MIN };
	if (r->credential == NULL || r->user == NULL ||
	    r->credential_raw == NULL || r->user_raw == NULL) {
		free(r->credential);
		free(r->user);
		free(r->credential_raw);
		free(r->user_raw);
		return NULL;
	}
	s->n++;
	return r;
}

/* Count one event; false when memory ran out. */
static bool summary_add(struct summary *s, const struct logq_event *e)
{
	const char *c = cg_audit_record_get(&e->rec, "credential");
	const char *u = cg_audit_record_get(&e->rec, "user");
	bool denied = is(e, "result", "denied") &&
		      (is(e, "event", "auth") || is(e, "event", "access"));
	struct reader *x;

	if (c == NULL || u == NULL || (!is_read(e) && !denied))
		return true;
	if ((x = find_reader(s, c, u, e)) == NULL)
		return false;
	if (denied) {
		x->denied += e->repeat;
		return true;
	}
	x->reads += e->repeat;
	x->first = e->time < x->first ? e->time : x->first;
	x->last = e->time > x->last ? e->time : x->last;
	return true;
}

static void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].credential);
		free(s->r[i].user);
		free(s->r[i].credential_raw);
		free(s->r[i].user_raw);
	}
	free(s->r);
	memset(s, 0, sizeof(*s));
}

static int by_name(const void *a, const void *b)
{
	const struct reader *x = a, *y = b;
	int c = strcmp(x->credential, y->credential);

	return c != 0 ? c : strcmp(x->user, y->user);
}

static void print_summary(struct summary *s, bool json)
{
	int wc = (int)strlen("CREDENTIAL"), wu = (int)strlen("USER");
	const struct reader *r = s->r;
	char f[32], l[32];

	if (s->n > 0)
		qsort(s->r, s->n, sizeof(*s->r), by_name);
	for (size_t i = 0; i < s->n && !json; i++) {
		wc = (int)strlen(r[i].credential_raw) > wc ?
		     (int)strlen(r[i].credential_raw) : wc;
		wu = (int)strlen(r[i].user_raw) > wu ? (int)strlen(r[i].user_raw) : wu;
	}
	if (!json)
		printf("%-*s  %-*s  %5s  %6s  %-19s  %s\n", wc, "CREDENTIAL", wu,
		       "USER", "READS", "DENIED", "FIRST", "LAST");
	for (size_t i = 0; i < s->n; i++) {
		bool any = r[i].reads > 0;

		if (json) {
			printf("{\"credential\":");
			cg_json_str(stdout, r[i].credential);
			printf(",\"user\":");
			cg_json_str(stdout, r[i].user);
			printf(",\"reads\":%lu,\"denied\":%lu", r[i].reads,
			       r[i].denied);
			if (any) {
				logq_format_utc(r[i].first, f, sizeof(f));
				logq_format_utc(r[i].last, l, sizeof(l));
				printf(",\"first\":\"%s\",\"last\":\"%s\"", f, l);
			}
			printf("}\n");
			continue;
		}
		snprintf(f, sizeof(f), "-");
		snprintf(l, sizeof(l), "-");
		if (any) {
			logq_format_local(r[i].first, f, sizeof(f));
			logq_format_local(r[i].last, l, sizeof(l));
		}
		printf("%-*s  %-*s  %5lu  %6lu  %-19s  %s\n", wc,
		       r[i].credential_raw, wu, r[i].user_raw, r[i].reads,
		       r[i].denied, f, l);
	}
}

static int print_events(const struct enroll_opts *o,
			const struct logq_event *ev, size_t n)
{
	struct summary sum;

	if (!o->summary) {
		if (o->json)
			print_json(ev, n);
		else
			print_table(ev, n);
		return ENROLL_EXIT_OK;
	}
	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < n; i++)
		if (!summary_add(&sum, &ev[i])) {
			summary_free(&sum);
			enroll_err("out of memory");
			return ENROLL_EXIT_ERROR;
		}
	print_summary(&sum, o->json);
	summary_free(&sum);
	return ENROLL_EXIT_OK;
}

/* ---- --before-rotation ------------------------------------------------------ */

static const char *raw_or_none(const struct logq_event *e, const char *key)
{
	const char *v = cg_audit_record_raw(&e->rec, key);

	return v != NULL ? v : "-";
}

static void describe(const char *what, const struct logq_event *e)
{
	char t[32];

	logq_format_local(e->time, t, sizeof(t));
	enroll_err("%s %s by %s (old_fp=%s new_fp=%s)", what, t,
		   raw_or_none(e, "user"), raw_or_none(e, "old_fp"),
		   raw_or_none(e, "new_fp"));
}

/* The reads between the rotation before the latest one (or the start of
 * the log) and the latest one, into a new list out (borrowing records). */
static int rotation_window(struct logq *q, struct logq_event **out,
			   size_t *nout)
{
	const struct enroll_opts *o = q->o;
	const char *was, *now;
	size_t last = q->n, prev = q->n, k = 0;
	char t[32];

	for (size_t i = q->n; i-- > 0 && prev == q->n; )
		if (is_rotation(&q->ev[i]))
			*(last == q->n ? &last : &prev) = i;
	if (last == q->n) {
		enroll_err("no rotation of %s in the log", o->log_credential);
		return ENROLL_EXIT_NOTFOUND;
	}
	describe("the value whose reads are listed was replaced at",
		 &q->ev[last]);
	if (prev == q->n) {
		logq_format_local(q->first_time, t, sizeof(t));
		enroll_err("it was in place since before the log starts (%s)", t);
	} else {
		describe("it had been put at", &q->ev[prev]);
		was = cg_audit_record_get(&q->ev[prev].rec, "new_fp");
		now = cg_audit_record_get(&q->ev[last].rec, "old_fp");
		if (was == NULL || now == NULL || strcmp(was, now) != 0)
			enroll_err("warning: the value replaced is not the one "
				   "put then: the file was changed outside "
				   "credgate in between");
	}
	if ((*out = calloc(q->n + 1, sizeof(**out))) == NULL) {
		enroll_err("out of memory");
		return ENROLL_EXIT_ERROR;
	}
	for (size_t i = prev == q->n ? 0 : prev + 1; i < last; i++)
		if (is_read(&q->ev[i]) &&
		    (o->log_user == NULL || is(&q->ev[i], "user", o->log_user)))
			(*out)[k++] = q->ev[i];
	*nout = k;
	return ENROLL_EXIT_OK;
}

/* ---- the command ------------------------------------------------------------- */

static int parse_dates(struct logq *q)
{
	char why[128];

	if (q->o->log_since != NULL &&
	    !logq_date(q->o->log_since, &q->since, why, sizeof(why))) {
		enroll_err("--since: %s", why);
		return ENROLL_EXIT_USAGE;
	}
	if (q->o->log_until != NULL &&
	    !logq_date(q->o->log_until, &q->until, why, sizeof(why))) {
		enroll_err("--until: %s", why);
		return ENROLL_EXIT_USAGE;
	}
	return 0;
}

/* Root's TZ, so that "yesterday 14:00" and the times shown mean what
 * the admin means (the setuid start cleared the environment). */
static void use_callers_tz(void)
{
	char **env = cg_priv_caller_env();

	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, "TZ=", 3) == 0)
			setenv("TZ", *env + 3, 1);
	tzset();
}

int enroll_cmd_log(struct enroll_ctx *c)
{
	struct logq q;
	struct logq_event *win = NULL;
	size_t nwin = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	q.o = c->o;
	q.first_time = INT64_MAX;
	q.streaming = c->o->summary && !c->o->before_rotation;
	use_callers_tz();
	if ((rc = parse_dates(&q)) != 0)
		return rc;
	if (read_inputs(&q) != 0)
		q.failed = true;
	if (q.n > 0)
		qsort(q.ev, q.n, sizeof(*q.ev), by_time);
	if (q.streaming)
		print_summary(&q.sum, c->o->json);
	else if (!c->o->before_rotation)
		rc = print_events(c->o, q.ev, q.n);
	else if ((rc = rotation_window(&q, &win, &nwin)) == ENROLL_EXIT_OK)
		rc = print_events(c->o, win, nwin);
	free(win);
	if (q.malformed > 0)
		enroll_err("%lu line%s that credgate did not write (see above)",
			   q.malformed, q.malformed == 1 ? "" : "s");
	for (size_t i = 0; i < q.n; i++)
		cg_audit_record_free(&q.ev[i].rec);
	free(q.ev);
	summary_free(&q.sum);
	return rc == ENROLL_EXIT_OK && q.failed ? ENROLL_EXIT_ERROR : rc;
}
