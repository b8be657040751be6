/* Times for the log query: the two timestamp forms syslog files use, the
 * dates an admin types (--since/--until, read by date(1) itself), and how
 * times are shown. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "datetime.h"
#include "logq.h"
#include "number.h"
#include "privguard.h"

#define DATE_PROG "/bin/date"
#define DATE_TEXT_MAX 200
#define DATE_WAIT_MS 5000

/* Exactly n digits at s (the one decimal parser, number.h); s is
 * NUL-terminated. */
static bool fixed(const char *s, int n, int *out)
{
	const char *end = NULL;
	uint64_t v = 0;

	if (cg_dec_prefix(s, &end, &v) != CG_OK || end - s != n)
		return false;
	*out = (int)v;
	return true;
}

/* "2024-05-01T12:00:00[.123456](Z|+02:00)" (rsyslog's RFC 3339 form):
 * the one datetime reader (datetime.h), once the fraction of a second is
 * dropped.  An offset is required: without one the time is ambiguous. */
static bool parse_rfc3339(const char *s, size_t len, int64_t *out,
			  size_t *used)
{
	char buf[CG_DATETIME_TEXT_MAX + 8];
	size_t i = 0, n = 0;

	while (i < len && s[i] != ' ' && n < sizeof(buf) - 1) {
		if (i == 19 && s[i] == '.') {
			for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				;
			continue;
		}
		buf[n++] = s[i++];
	}
	buf[n] = '\0';
	if ((i < len && s[i] != ' ') || n < 20 || buf[10] != 'T' ||
	    strpbrk(buf + 16, "Z+-") == NULL ||
	    !cg_datetime_parse(buf, out, NULL))
		return false;
	*used = i;
	return true;
}

/* mktime(3) of the start of an hour in local time, remembering the last
 * answer: consecutive log lines share their hour, and mktime itself
 * (which looks at the time zone each time) is what a large log's query
 * would otherwise spend its time in.  Minutes and seconds within an
 * hour never cross a daylight-saving change. */
static time_t hour_start(int year, int mon, int day, int hour)
{
	static int k_year = -1, k_mon, k_day, k_hour;
	static time_t k_t;
	struct tm tm;

	if (year == k_year && mon == k_mon && day == k_day && hour == k_hour)
		return k_t;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_isdst = -1;
	k_t = mktime(&tm);
	k_year = year;
	k_mon = mon;
	k_day = day;
	k_hour = hour;
	return k_t;
}

/* "May  1 12:00:00" (the traditional form): local time, no year. */
static bool parse_traditional(const char *s, size_t len, int64_t ref,
			      int64_t *out, size_t *used)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char f[16];
	struct tm reftm;
	time_t t = (time_t)-1, r = (time_t)ref;
	const char *m;
	int day, hour, min, sec;

	if (len < 15)
		return false;
	memcpy(f, s, 15);
	f[15] = '\0';
	f[3] = f[6] = f[9] = f[12] = '\0';     /* separators, checked below */
	if (s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' ||
	    !fixed(f + (s[4] == ' ' ? 5 : 4), s[4] == ' ' ? 1 : 2, &day) ||
	    !fixed(f + 7, 2, &hour) || !fixed(f + 10, 2, &min) ||
	    !fixed(f + 13, 2, &sec))
		return false;
	for (m = months; *m != '\0' && memcmp(m, s, 3) != 0; m += 3)
		;
	if (*m == '\0' || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60 || localtime_r(&r, &reftm) == NULL)
		return false;
	/* A date after the reference (plus a day of clock slack) belongs
	 * to the year before: a file written in January holds December. */
	for (int back = 0; back < 2; back++) {
		t = hour_start(reftm.tm_year - back, (int)(m - months) / 3, day,
			       hour);
		if (t == (time_t)-1)
			return false;
		t += min * 60 + sec;
		if (t <= r + 86400)
			break;
	}
	*out = (int64_t)t;
	*used = 15;
	return true;
}

bool logq_parse_timestamp(const char *s, size_t len, int64_t ref_time,
			  int64_t *out, size_t *used)
{
	return parse_rfc3339(s, len, out, used) ||
	       parse_traditional(s, len, ref_time, out, used);
}

void logq_format_local(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, sz, "@%lld", (long long)t);
}

void logq_format_utc(int64_t t, char *buf, size_t sz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, sz, "@%lld", (long long)t);
}

/* ---- --since / --until ------------------------------------------------ */

/* Printable ASCII and bounded: anything else is no date, and is refused
 * before a process is started for it. */
static bool date_text_ok(const char *text)
{
	size_t n = strlen(text);

	if (n == 0 || n > DATE_TEXT_MAX)
		return false;
	for (; *text != '\0'; text++)
		if ((unsigned char)*text < 0x20 || (unsigned char)*text >= 0x7f)
			return false;
	return true;
}

/* The child: date --date=TEXT +%s, output on the pipe, nothing else. */
static void exec_date(const char *arg, int out_fd)
{
	const char *tz = NULL;
	char **env = cg_priv_caller_env();
	char tzbuf[256];
	char *envp[3] = { "PATH=" CG_SAFE_PATH, NULL, NULL };
	char *argv[] = { "date", (char *)arg, "+%s", NULL };
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, "TZ=", 3) == 0)
			tz = *env;
	if (tz != NULL && strlen(tz) < sizeof(tzbuf)) {
		snprintf(tzbuf, sizeof(tzbuf), "%s", tz);
		envp[1] = tzbuf;
	}
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(devnull, 2) < 0)
		_exit(127);
	execve(DATE_PROG, argv, envp);
	_exit(127);
}

/* Read what date printed, and its status, within DATE_WAIT_MS. */
static bool collect_date(pid_t pid, int fd, char *buf, size_t sz)
{
	size_t n = 0;
	ssize_t r;
	int status = 0;

	for (;;) {
		r = read(fd, buf + n, sz - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (n += (size_t)r) >= sz - 1)
			break;
	}
	buf[n] = '\0';
	for (int waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited += 10) {
		if (waited >= DATE_WAIT_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
		usleep(10000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool logq_date(const char *text, int64_t *out, char *why, size_t whysz)
{
	char arg[DATE_TEXT_MAX + 16], buf[64], *end;
	int pfd[2];
	long long v;
	pid_t pid;
	bool ok;

	if (!date_text_ok(text)) {
		snprintf(why, whysz, "not a date (printable text of at most "
			 "%d bytes)", DATE_TEXT_MAX);
		return false;
	}
	/* One argument, "--date=TEXT": whatever TEXT starts with, date
	 * reads it as the date and nothing else. */
	snprintf(arg, sizeof(arg), "--date=%s", text);
	if (pipe2(pfd, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		snprintf(why, whysz, "cannot run %s: %s", DATE_PROG,
			 strerror(errno));
		return false;
	}
	if (pid == 0) {
		close(pfd[0]);
		exec_date(arg, pfd[1]);
	}
	close(pfd[1]);
	ok = collect_date(pid, pfd[0], buf, sizeof(buf));
	close(pfd[0]);
	errno = 0;
	v = ok ? strtoll(buf, &end, 10) : 0;
	if (!ok || end == buf || (*end != '\n' && *end != '\0') || errno != 0) {
		snprintf(why, whysz, "not a date that date -d accepts");
		return false;
	}
	*out = (int64_t)v;
	return true;
}
