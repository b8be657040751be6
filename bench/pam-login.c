/* pam-login: drive one PAM auth stack for the benchmarks in bench/run.
 *
 * The PAM stack comes from a private directory (pam_start_confdir, Linux-PAM
 * >= 1.4), so nothing in /etc/pam.d is read or written and no pam_wrapper is
 * needed.  The clock is this program's: it defines time(), gettimeofday()
 * and clock_gettime(CLOCK_REALTIME*) and exports them (-rdynamic), so every
 * module and library that asks for the time through the PLT gets the fake
 * "now" -- libfaketime's technique, minus its timestamp file, so one process
 * can run many logins at successive time steps.  CLOCK_MONOTONIC stays real
 * and times the logins.  Codes come from oathtool (a file written by
 * bench/run), never from the modules' code.
 *
 *   pam-login logins CONFDIR SERVICE USER CODES T0 N
 *       N successful logins at T0, T0+30, ..., then NFAIL logins with a
 *       wrong code, one step apart.  Prints one key=value line: counts,
 *       median/min/max wall time and median CPU time of a whole login
 *       (pam_start..pam_end) in microseconds, and per successful and per
 *       failed pam_authenticate
 *       the bytes written (wchar of /proc/self/io) and the fsyncs.  Under
 *       callgrind, the first (cold) and last (warm) successful and the
 *       last failed login
 *       are cut by client requests into dumps named TAG:start TAG:auth
 *       TAG:end (pam_start, pam_authenticate, pam_end), TAG one of cold,
 *       ok, fail.  N >= 2.
 *
 *   pam-login paired CONFDIR SERVICE USER CODES T0 N FLOORDIR FLOORFILE
 *       N successful logins at T0, T0+30, ..., each followed by one
 *       login of the floor (service "bench" of the stack in FLOORDIR,
 *       plus the floor's write to FLOORFILE, below).  Prints
 *       "median_us= floor_us= ratio=": the two medians of whole logins
 *       and the first over the second.  One after the other, login by
 *       login, the two see the same machine: on a VM whose speed
 *       changes by a third from one second to the next, two runs even a
 *       second apart do not.
 *
 *   pam-login brute CONFDIR SERVICE PROBE-SERVICE USER CODES T0 SECONDS
 *                   INTERVAL MAINDIR PROBEDIR
 *       An attacker types a wrong code every INTERVAL seconds for SECONDS.
 *       Before each attempt the store in MAINDIR is copied to PROBEDIR
 *       and PROBE-SERVICE (the same module reading PROBEDIR) gets the
 *       right code: if it accepts, the attempt counts as "checked" (a
 *       right guess would have won), else as "refused".  Also measures how
 *       many codes (time steps) one moment accepts.  Each service keeps
 *       one PAM handle for the whole run (sshd, too, asks again on one
 *       handle), so module loading does not slow the run down.
 *
 *   pam-login parallel CONFDIR SERVICE USERPREFIX NPROC CODES T0 N
 *       NPROC processes at once, process k logging in USERPREFIXk (k from
 *       1) N times at T0, T0+30, ...  Prints "procs= logins= ok=
 *       wall_ms= per_s=": every login of every process, the wall time
 *       from the first fork to the last exit, and logins per second.
 *
 * The floor: with CG_BENCH_FLOOR=FILE in the environment, every
 * pam_authenticate is followed, inside the timed span, by a 400-byte
 * pwrite to FILE and one fdatasync -- the least a durable login can cost
 * on that file system (bench/run's "floor" row runs it with pam_permit).
 * A failed login is then not expected to fail.
 *
 * CODES: first line the time step of the second line, then one code per
 * line for consecutive 30-second steps. */
#include "config.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <security/pam_appl.h>
#include <valgrind/callgrind.h>

#define PERIOD 30
#define MAX_CODES 65536
#define MAX_LOGINS 1000
#define NFAIL 3                   /* failed logins per run: below every
				   * module's lock-out (ours: 5 in 300 s) */

static time_t fake_now;           /* 0: the real clock */
static int floor_fd = -1;         /* CG_BENCH_FLOOR: the floor's file */

/* ---- the clock every module sees ---- */

static int real_clock(clockid_t clk, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, clk, ts);
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (fake_now != 0 && (clk == CLOCK_REALTIME ||
			      clk == CLOCK_REALTIME_COARSE)) {
		ts->tv_sec = fake_now;
		ts->tv_nsec = 0;
		return 0;
	}
	return real_clock(clk, ts);
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

/* Count the fsyncs the modules ask for (the real ones still happen). */
static long fsyncs;

int fsync(int fd)
{
	fsyncs++;
	return (int)syscall(SYS_fsync, fd);
}

int fdatasync(int fd)
{
	fsyncs++;
	return (int)syscall(SYS_fdatasync, fd);
}

static int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	real_clock(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* CPU time of this process (user + system), unaffected by waiting for
 * the disk or for a busy CPU. */
static int64_t cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* ---- codes from oathtool ---- */

struct codes {
	long first_step;
	size_t n;
	char code[MAX_CODES][12];
};

static struct codes codes;

static void load_codes(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64];

	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		fprintf(stderr, "pam-login: %s: cannot read\n", path);
		exit(2);
	}
	codes.first_step = atol(line);
	while (codes.n < MAX_CODES && fgets(line, sizeof(line), f) != NULL) {
		size_t len = strcspn(line, "\r\n");

		if (len == 0 || len >= sizeof(codes.code[0]))
			break;
		memcpy(codes.code[codes.n++], line, len);   /* zeroed: static */
	}
	fclose(f);
}

static const char *code_at(time_t t)
{
	long i = (long)(t / PERIOD) - codes.first_step;

	if (i < 0 || (size_t)i >= codes.n) {
		fprintf(stderr, "pam-login: no code for t=%lld\n", (long long)t);
		exit(2);
	}
	return codes.code[i];
}

/* A six-digit code that no step within +-12 of t accepts. */
static void wrong_code_at(time_t t, char *out, size_t sz)
{
	long v = atol(code_at(t));

	for (;;) {
		int clash = 0;

		v = (v + 123457) % 1000000;
		snprintf(out, sz, "%06ld", v);
		for (int d = -12; d <= 12 && !clash; d++)
			clash = strcmp(out, code_at(t + d * PERIOD)) == 0;
		if (!clash)
			return;
	}
}

/* ---- one login ---- */

static const char *answer;        /* what the "user" types */

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)data;
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(answer);
	}
	*resp = r;
	return PAM_SUCCESS;
}

static long long io_wchar(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "wchar: ", 7) == 0)
			v = atoll(line + 7);
	fclose(f);
	return v;
}

struct login {
	int rc;
	int64_t ns;               /* pam_start .. pam_end */
	int64_t auth_ns;          /* pam_authenticate alone */
	int64_t cpu_ns;           /* CPU time of pam_start .. pam_end */
	long long wchar;          /* bytes written inside pam_authenticate */
	long fsyncs;              /* fsync/fdatasync calls in it */
};

static void cg_dump(const char *tag, const char *phase)
{
	char name[32];

	if (tag == NULL)
		return;
	snprintf(name, sizeof(name), "%s:%s", tag, phase);
	CALLGRIND_DUMP_STATS_AT(name);
}

/* One whole login.  tag != NULL: callgrind gets one dump per phase
 * (pam_start, pam_authenticate, pam_end), without this program's own
 * bookkeeping in between; the wall time excludes it too. */
static struct login login(const char *confdir, const char *service,
			  const char *user, const char *typed, time_t now,
			  const char *tag)
{
	static const struct pam_conv pc = { conv, NULL };
	struct login l = { PAM_SYSTEM_ERR, 0, 0, 0, 0, 0 };
	pam_handle_t *pamh = NULL;
	int64_t t0, t1, t2, t3, t4, t5, c0, c1, c2, c3, c4, c5;
	long long w0;

	fake_now = now;
	answer = typed;
	if (tag != NULL)
		CALLGRIND_ZERO_STATS;
	c0 = cpu_ns();
	t0 = mono_ns();
	if (pam_start_confdir(service, user, &pc, confdir, &pamh) != PAM_SUCCESS) {
		fprintf(stderr, "pam-login: pam_start_confdir failed\n");
		exit(2);
	}
	t1 = mono_ns();
	c1 = cpu_ns();
	cg_dump(tag, "start");
	w0 = io_wchar();
	fsyncs = 0;
	if (tag != NULL)
		CALLGRIND_ZERO_STATS;
	c2 = cpu_ns();
	t2 = mono_ns();
	l.rc = pam_authenticate(pamh, PAM_SILENT);
	if (floor_fd >= 0) {
		static const char rec[400];

		if (pwrite(floor_fd, rec, sizeof(rec), 0) != (ssize_t)sizeof(rec) ||
		    fdatasync(floor_fd) != 0)
			exit(2);
	}
	t3 = mono_ns();
	c3 = cpu_ns();
	cg_dump(tag, "auth");
	l.fsyncs = fsyncs;
	l.wchar = io_wchar() - w0;
	if (tag != NULL)
		CALLGRIND_ZERO_STATS;
	c4 = cpu_ns();
	t4 = mono_ns();
	pam_end(pamh, l.rc);
	t5 = mono_ns();
	c5 = cpu_ns();
	cg_dump(tag, "end");
	l.ns = (t1 - t0) + (t3 - t2) + (t5 - t4);
	l.auth_ns = t3 - t2;
	l.cpu_ns = (c1 - c0) + (c3 - c2) + (c5 - c4);
	fake_now = 0;
	return l;
}

/* ---- mode "logins" ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v. */
static int64_t median(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_i64);
	return v[n / 2];
}

static int run_logins(char **a)
{
	const char *confdir = a[0], *svc = a[1], *user = a[2];
	time_t t0 = (time_t)atoll(a[4]);
	int n = atoi(a[5]), ok = 0;
	static int64_t ns[MAX_LOGINS], auth_ns[MAX_LOGINS], cpu[MAX_LOGINS];
	int64_t fail_ns[NFAIL], fail_auth_ns[NFAIL], fail_cpu[NFAIL];
	long long wchar_ok = 0, wchar_fail = 0;
	long fsync_ok = 0, fsync_fail = 0;
	int rejected = 0;
	int64_t med;
	char wrong[12];
	struct login l;

	load_codes(a[3]);
	if (n < 2 || n > MAX_LOGINS)
		return 2;
	for (int i = 0; i < n; i++) {
		time_t now = t0 + (time_t)i * PERIOD;

		l = login(confdir, svc, user, code_at(now), now,
			  i == 0 ? "cold" : i == n - 1 ? "ok" : NULL);
		ok += l.rc == PAM_SUCCESS;
		ns[i] = l.ns;
		auth_ns[i] = l.auth_ns;
		cpu[i] = l.cpu_ns;
		wchar_ok += l.wchar;
		fsync_ok += l.fsyncs;
	}
	for (int i = 0; i < NFAIL; i++) {
		time_t now = t0 + (time_t)(n + i) * PERIOD;

		wrong_code_at(now, wrong, sizeof(wrong));
		l = login(confdir, svc, user, wrong, now,
			  i == NFAIL - 1 ? "fail" : NULL);
		rejected += l.rc != PAM_SUCCESS;
		fail_ns[i] = l.ns;
		fail_auth_ns[i] = l.auth_ns;
		fail_cpu[i] = l.cpu_ns;
		wchar_fail += l.wchar;
		fsync_fail += l.fsyncs;
	}
	med = median(ns, n);        /* sorts ns: min and max follow */
	printf("ok=%d logins=%d rejected=%d fails=%d median_us=%.1f "
	       "min_us=%.1f max_us=%.1f auth_median_us=%.1f fail_us=%.1f "
	       "fail_auth_us=%.1f cpu_us=%.1f fail_cpu_us=%.1f wchar_ok=%lld "
	       "wchar_fail=%lld fsync_ok=%.1f fsync_fail=%.1f\n",
	       ok, n, rejected, NFAIL, med / 1e3, ns[0] / 1e3, ns[n - 1] / 1e3,
	       median(auth_ns, n) / 1e3, median(fail_ns, NFAIL) / 1e3,
	       median(fail_auth_ns, NFAIL) / 1e3, median(cpu, n) / 1e3,
	       median(fail_cpu, NFAIL) / 1e3, wchar_ok / n,
	       wchar_fail / NFAIL, (double)fsync_ok / n,
	       (double)fsync_fail / NFAIL);
	return ok == n && (rejected == NFAIL || floor_fd >= 0) ? 0 : 1;
}

/* ---- mode "paired" ---- */

static int run_paired(char **a)
{
	const char *confdir = a[0], *svc = a[1], *user = a[2];
	time_t t0 = (time_t)atoll(a[4]);
	int n = atoi(a[5]), ffd, ok = 0;
	static int64_t ns[MAX_LOGINS], fns[MAX_LOGINS];
	int64_t med, fmed;
	struct login l;

	load_codes(a[3]);
	if (n < 1 || n > MAX_LOGINS ||
	    (ffd = open(a[7], O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		time_t now = t0 + (time_t)i * PERIOD;

		floor_fd = -1;
		l = login(confdir, svc, user, code_at(now), now, NULL);
		ok += l.rc == PAM_SUCCESS;
		ns[i] = l.ns;
		floor_fd = ffd;
		l = login(a[6], "bench", user, code_at(now), now, NULL);
		ok += l.rc == PAM_SUCCESS;
		fns[i] = l.ns;
	}
	med = median(ns, n);
	fmed = median(fns, n);
	printf("ok=%d logins=%d median_us=%.1f floor_us=%.1f ratio=%.2f\n",
	       ok, 2 * n, med / 1e3, fmed / 1e3, (double)med / (double)fmed);
	return ok == 2 * n ? 0 : 1;
}

/* ---- mode "parallel" ---- */

static int run_parallel(char **a)
{
	const char *confdir = a[0], *svc = a[1], *prefix = a[2];
	int nproc = atoi(a[3]), n = atoi(a[6]), ok = 0, status;
	time_t t0 = (time_t)atoll(a[5]);
	char user[64];
	int64_t start, wall;
	pid_t pid;

	load_codes(a[4]);
	if (nproc < 1 || nproc > 256 || n < 1 || n > MAX_LOGINS)
		return 2;
	start = mono_ns();
	for (int k = 1; k <= nproc; k++) {
		if ((pid = fork()) < 0)
			return 2;
		if (pid > 0)
			continue;
		snprintf(user, sizeof(user), "%s%d", prefix, k);
		for (int i = 0; i < n; i++) {
			time_t now = t0 + (time_t)i * PERIOD;

			if (login(confdir, svc, user, code_at(now), now,
				  NULL).rc != PAM_SUCCESS)
				_exit(1);
		}
		_exit(0);
	}
	while ((pid = wait(&status)) > 0)
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	wall = mono_ns() - start;
	printf("procs=%d logins=%d ok=%d wall_ms=%.1f per_s=%.1f\n", nproc,
	       nproc * n, ok * n, wall / 1e6, nproc * n / (wall / 1e9));
	return ok == nproc ? 0 : 1;
}

/* ---- mode "brute" ---- */

static void copy_file(int sfd, int dfd, const char *name)
{
	char buf[65536];
	struct stat st;
	ssize_t r;
	int in, out;

	if ((in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(in, &st) != 0) {
		perror(name);
		exit(2);
	}
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, st.st_mode & 07777);
	if (out < 0 || fchmod(out, st.st_mode & 07777) != 0) {
		perror(name);
		exit(2);
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r) {
			perror(name);
			exit(2);
		}
	if (r < 0) {
		perror(name);
		exit(2);
	}
	close(in);
	close(out);
}

/* Make PROBEDIR an exact copy of MAINDIR's regular files. */
static void sync_dir(const char *from, const char *to)
{
	int sfd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (sfd < 0 || dfd < 0 || (d = fdopendir(dup(dfd))) == NULL) {
		perror("sync_dir");
		exit(2);
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_REG)
			unlinkat(dfd, e->d_name, 0);
	closedir(d);
	if ((d = fdopendir(dup(sfd))) == NULL)
		exit(2);
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_REG)
			copy_file(sfd, dfd, e->d_name);
	closedir(d);
	close(sfd);
	close(dfd);
}

/* One more try on an open handle, as sshd asks again on one connection. */
static int attempt(pam_handle_t *pamh, const char *typed, time_t now)
{
	int rc;

	fake_now = now;
	answer = typed;
	rc = pam_authenticate(pamh, PAM_SILENT);
	fake_now = 0;
	return rc;
}

static pam_handle_t *open_handle(const char *confdir, const char *service,
				 const char *user)
{
	static const struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh = NULL;

	if (pam_start_confdir(service, user, &pc, confdir, &pamh) != PAM_SUCCESS) {
		fprintf(stderr, "pam-login: pam_start_confdir failed\n");
		exit(2);
	}
	return pamh;
}

static int run_brute(char **a)
{
	const char *confdir = a[0], *user = a[3];
	time_t t0 = (time_t)atoll(a[5]);
	long secs = atol(a[6]), every = atol(a[7]);
	const char *maindir = a[8], *probedir = a[9];
	long attempts = 0, checked = 0, granted = 0;
	long first_refused = -1, window_lo = 99, window_hi = -99;
	pam_handle_t *main_h, *probe_h;
	char wrong[12];

	load_codes(a[4]);
	if (every < 1)
		return 2;
	main_h = open_handle(confdir, a[1], user);
	probe_h = open_handle(confdir, a[2], user);
	/* Which steps does one moment (the middle of a step) accept? */
	for (int d = -8; d <= 8; d++) {
		time_t now = t0 - PERIOD + PERIOD / 2;

		sync_dir(maindir, probedir);
		if (attempt(probe_h, code_at(now + d * PERIOD), now) ==
		    PAM_SUCCESS) {
			window_lo = d < window_lo ? d : window_lo;
			window_hi = d > window_hi ? d : window_hi;
		}
	}
	for (long s = 0; s < secs; s += every) {
		time_t now = t0 + s;

		sync_dir(maindir, probedir);
		if (attempt(probe_h, code_at(now), now) == PAM_SUCCESS)
			checked++;
		else if (first_refused < 0)
			first_refused = s;
		wrong_code_at(now, wrong, sizeof(wrong));
		granted += attempt(main_h, wrong, now) == PAM_SUCCESS;
		attempts++;
	}
	pam_end(probe_h, PAM_SUCCESS);
	pam_end(main_h, PAM_SUCCESS);
	printf("attempts=%ld checked=%ld refused=%ld wrong_granted=%ld "
	       "first_refused_s=%ld window_steps=%ld..%ld\n",
	       attempts, checked, attempts - checked, granted, first_refused,
	       window_lo, window_hi);
	return granted == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *floor_file = getenv("CG_BENCH_FLOOR");

	if (floor_file != NULL && floor_file[0] != '\0' &&
	    (floor_fd = open(floor_file, O_WRONLY | O_CREAT | O_CLOEXEC,
			     0600)) < 0)
		return 2;
	if (argc == 9 && strcmp(argv[1], "parallel") == 0)
		return run_parallel(argv + 2);
	if (argc == 8 && strcmp(argv[1], "logins") == 0)
		return run_logins(argv + 2);
	if (argc == 10 && strcmp(argv[1], "paired") == 0)
		return run_paired(argv + 2);
	if (argc == 12 && strcmp(argv[1], "brute") == 0)
		return run_brute(argv + 2);
	fprintf(stderr, "usage: pam-login logins CONFDIR SERVICE USER CODES T0 N\n"
		"       pam-login paired CONFDIR SERVICE USER CODES T0 N "
		"FLOORDIR FLOORFILE\n"
		"       pam-login brute CONFDIR SERVICE PROBE-SERVICE USER CODES "
		"T0 SECONDS INTERVAL MAINDIR PROBEDIR\n"
		"       pam-login parallel CONFDIR SERVICE USERPREFIX NPROC CODES "
		"T0 N\n");
	return 2;
}
