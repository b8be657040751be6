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
#include "logq.h"
#include "privguard.h"

#define DATE_PROG "/bin/date"
#define DATE_TEXT_MAX 200
#define DATE_WAIT_MS 5000

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "2024-05-01T12:00:00[.123456](Z|+02:00)" (rsyslog's RFC 3339 form). */
static bool parse_rfc3339(const char *s, size_t len, int64_t *out,
			  size_t *used)
{
	struct tm tm;
	size_t i = 19;
	int off = 0;
	time_t t;

	if (len < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2) || s[10] != 'T' ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2))
		return false;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			return false;
	}
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (len - i >= 6 && (s[i] == '+' || s[i] == '-') &&
		   digits(s + i + 1, 2) && s[i + 3] == ':' &&
		   digits(s + i + 4, 2)) {
		off = (num(s + i + 1, 2) * 60 + num(s + i + 4, 2)) * 60;
		if (s[i] == '-')
			off = -off;
		i += 6;
	} else {
		return false;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 5, 2) - 1;
	tm.tm_mday = num(s + 8, 2);
	tm.tm_hour = num(s + 11, 2);
	tm.tm_min = num(s + 14, 2);
	tm.tm_sec = num(s + 17, 2);
	if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	if ((t = timegm(&tm)) == (time_t)-1)
		return false;
	*out = (int64_t)t - off;
	*used = i;
	return true;
}

/* "May  1 12:00:00" (the traditional form): local time, no year. */
static bool parse_traditional(const char *s, size_t len, int64_t ref,
			      int64_t *out, size_t *used)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm, reftm;
	time_t t, r = (time_t)ref;
	const char *m;
	int day;

	if (len < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' ||
	    s[12] != ':' || !digits(s + 7, 2) || !digits(s + 10, 2) ||
	    !digits(s + 13, 2))
		return false;
	for (m = months; *m != '\0' && memcmp(m, s, 3) != 0; m += 3)
		;
	if (*m == '\0')
		return false;
	if (s[4] == ' ' && digits(s + 5, 1))
		day = s[5] - '0';
	else if (digits(s + 4, 2))
		day = num(s + 4, 2);
	else
		return false;
	if (localtime_r(&r, &reftm) == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = reftm.tm_year;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_mday = day;
	tm.tm_hour = num(s + 7, 2);
	tm.tm_min = num(s + 10, 2);
	tm.tm_sec = num(s + 13, 2);
	tm.tm_isdst = -1;
	if (day < 1 || day > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return false;
	/* A date after the reference (plus a day of clock slack) belongs
	 * to the year before: a file written in January holds December. */
	if ((t = mktime(&tm)) != (time_t)-1 && t > r + 86400) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = reftm.tm_year - 1;
		tm.tm_mon = (int)(m - months) / 3;
		tm.tm_mday = day;
		tm.tm_hour = num(s + 7, 2);
		tm.tm_min = num(s + 10, 2);
		tm.tm_sec = num(s + 13, 2);
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t == (time_t)-1)
		return false;
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
