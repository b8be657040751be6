/* credgate-enroll log, the incident query: what its parts share.
 *   logq_line.c    one log line (syslog text or a journal entry) into an event
 *   logq_time.c    syslog timestamps, and --since/--until through date(1)
 *   logq_source.c  where lines come from: /var/log/auth.log* (plain or
 *                  gzip), a file, standard input, the journal (libsystemd)
 *   enroll_log.c   the command: filters, the rotation window, table, JSON,
 *                  summary
 * The parsers (logq_line.c, logq_time.c's timestamp reader) do no I/O, so
 * they are unit-tested and fuzzed directly. */
#ifndef CG_LOGQ_H
#define CG_LOGQ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "audit_parse.h"

#define LOGQ_LINE_MAX (64 * 1024)     /* longer input lines are skipped */
#define LOGQ_HOST_MAX 256
#define LOGQ_PROGRAM_MAX 128
#define LOGQ_WHY_MAX 160

/* One credgate audit event found in a log. */
struct logq_event {
	int64_t time;                 /* seconds since the epoch */
	char host[LOGQ_HOST_MAX];     /* "-" when the log does not say */
	char program[LOGQ_PROGRAM_MAX]; /* syslog identifier, without [pid] */
	long pid;                     /* -1 when the log does not say */
	unsigned repeat;              /* rsyslog's "message repeated N times" */
	const char *source;           /* file name; owned by the reader */
	unsigned long lineno;
	size_t seq;                   /* input order, for a stable sort */
	struct cg_audit_record rec;   /* the fields */
};

enum logq_kind {
	LOGQ_OTHER,       /* not a credgate event line: sshd, sudo, su, ... */
	LOGQ_EVENT,       /* *ev filled; free ev->rec */
	LOGQ_MALFORMED,   /* looks like credgate's, but is not what it
			   * writes: why says how (ev->time is set when known) */
};

/* A line of a syslog file ("May  1 12:00:00 host prog[pid]: message" or
 * "2024-05-01T12:00:00.123+02:00 host prog[pid]: message").  ref_time
 * gives the year of the first form: the latest date not after ref_time
 * plus a day (a file's modification time, or now). */
enum logq_kind logq_parse_syslog(const char *line, size_t len,
				 int64_t ref_time, struct logq_event *ev,
				 char *why, size_t whysz);

/* A journal entry as `journalctl -o json` prints it (one line). */
enum logq_kind logq_parse_journal_json(const char *line, size_t len,
				       struct logq_event *ev, char *why,
				       size_t whysz);

/* The message of a log entry whose header is already in ev (time, host,
 * program, pid).  comm is the sender's process name when the log records
 * it (journal _COMM), else NULL. */
enum logq_kind logq_classify(const char *msg, size_t len, const char *comm,
			     struct logq_event *ev, char *why, size_t whysz);

/* logq_time.c: a syslog timestamp at the start of s; *used is its length
 * (without the following blank).  False if s does not start with one. */
bool logq_parse_timestamp(const char *s, size_t len, int64_t ref_time,
			  int64_t *out, size_t *used);
/* What `date -d TEXT +%s` makes of text, by running date(1) itself (with
 * no shell, the text one argument, TZ as the caller set it): the query's
 * --since/--until take exactly what date takes.  False with a reason in
 * why for text that is not a date (or is not printable). */
bool logq_date(const char *text, int64_t *out, char *why, size_t whysz);
/* "2024-05-01 12:00:00" in local time, and the RFC 3339 form in UTC. */
void logq_format_local(int64_t t, char *buf, size_t sz);
void logq_format_utc(int64_t t, char *buf, size_t sz);

/* logq_source.c.  Each line of each input goes to fn; a line starting
 * with '{' is a journal entry, anything else syslog text (so
 * `journalctl -o json | credgate-enroll log --file -` works).  fn returns
 * false to stop.  The readers return 0, or -1 after printing why. */
typedef bool (*logq_line_fn)(void *arg, const char *source,
			     unsigned long lineno, const char *line,
			     size_t len, int64_t ref_time);
/* The rotated family /var/log/auth.log* (auth.log.N, auth.log.N.gz,
 * auth.log-DATE[.gz], auth.log), oldest first. */
int logq_default_files(char ***paths, size_t *n);
void logq_free_files(char **paths, size_t n);
/* One file ("-": standard input), plain or gzip (by its content). */
int logq_read_file(const char *path, logq_line_fn fn, void *arg);
/* The system journal through libsystemd, if it can be loaded; each entry
 * is handed to fn as its journal JSON line. */
int logq_read_journal(logq_line_fn fn, void *arg);

#endif
