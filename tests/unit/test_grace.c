/* lib/session.c and lib/grace.c: the /proc stat parser, the record
 * format, and grace granted only to the very session (terminal device,
 * session id, leader start time, boot) and service that earned it, for
 * the configured time.  Each store test gets a fresh /tmp directory. */
#include "config.h"
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "grace.h"
#include "session.h"
#include "cg_macros.h"

#define BOOT "0f3c2a54-9a1b-4c7e-8d2f-6b5e4a3c2d1e"
#define OTHER_BOOT "1f3c2a54-9a1b-4c7e-8d2f-6b5e4a3c2d1e"
#define NOW 1800000000

static char top[PATH_MAX], dir[PATH_MAX + 16];

static struct cg_session session(unsigned minor, long long sid,
				 unsigned long long start, const char *boot)
{
	struct cg_session s;

	memset(&s, 0, sizeof(s));
	s.major = 136;
	s.minor = minor;
	s.sid = sid;
	s.leader_start = start;
	snprintf(s.boot_id, sizeof(s.boot_id), "%s", boot);
	return s;
}

/* ---- /proc/PID/stat -------------------------------------------------- */

static void test_parse_stat(void **unused)
{
	/* pid (comm) state ppid pgrp session tty_nr ... starttime(22) */
	static const char plain[] = "4242 (bash) S 4200 4242 4242 34817 4300 "
		"4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200\n";
	/* A command name may hold ") " and digits: only the last ')' counts. */
	static const char tricky[] = "77 (a) 1 2 3 4 5 (x) R 1 77 77 1025 -1 "
		"0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n";
	long long sid = 0;
	unsigned maj = 0, min = 0;
	unsigned long long start = 0;

	assert_int_equal(cg_session_parse_stat(plain, strlen(plain), &sid,
					       &maj, &min, &start), CG_OK);
	assert_true(sid == 4242 && maj == 136 && min == 1 && start == 987654);
	assert_int_equal(cg_session_parse_stat(tricky, strlen(tricky), &sid,
					       &maj, &min, &start), CG_OK);
	assert_true(sid == 77 && maj == 4 && min == 1 && start == 5);
	/* tty_nr 0x100fff12: major 0xfff, minor 0x10012 */
	{
		static const char big[] = "1 (x) S 0 1 1 269483794 0 0 0 0 0 "
			"0 0 0 0 0 20 0 1 0 3\n";
		assert_int_equal(cg_session_parse_stat(big, strlen(big), &sid,
						       &maj, &min, &start), CG_OK);
		assert_int_equal(maj, 0xfff);
		assert_int_equal(min, 0x10012);
	}
}

static void test_parse_stat_rejects(void **unused)
{
	static const char *const bad[] = {
		"",
		"4242 bash S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n",
		"1 (x) S 0 1 1 0\n",                           /* short */
		"1 (x) S 0 1 -1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 3\n",
		"1 (x) S 0 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 -3\n",
		"1 (x) S 0 1 1  0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 3\n",
		"1 (x) S 0 1 1x 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 3\n",
		"1 (x) S 0 1 99999999999999999999 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 3\n",
	};
	long long sid;
	unsigned maj, min;
	unsigned long long start;

	for (size_t i = 0; i < CG_ARRAY_SIZE(bad); i++)
		if (cg_session_parse_stat(bad[i], strlen(bad[i]), &sid, &maj,
					  &min, &start) != CG_E_PARSE)
			fail_msg("accepted: %s", bad[i]);
}

/* What the kernel says about this very process, whatever it is. */
static void test_session_current(void **unused)
{
	struct cg_session s;
	char name[CG_TTY_NAME_MAX];
	cg_err e = cg_session_current(&s);

	if (e == CG_E_NOENT) {
		printf("# no controlling terminal here: cg_session_current "
		       "says so\n");
		return;
	}
	assert_int_equal(e, CG_OK);
	assert_true(s.sid > 0);
	assert_int_equal(strlen(s.boot_id), CG_BOOT_ID_SIZE - 1);
	assert_true(s.major != 0 || s.minor != 0);
	if (cg_session_tty_name(&s, name, sizeof(name)))
		assert_true(strncmp(name, "pts/", 4) == 0 ||
			    strncmp(name, "tty", 3) == 0);
}

/* ---- the record format ------------------------------------------------ */

static void test_format_parse(void **unused)
{
	struct cg_grace_list l, back;
	char *text = NULL;

	memset(&l, 0, sizeof(l));
	l.rec[0].session = session(3, 4242, 987654, BOOT);
	strcpy(l.rec[0].service, "credgate");
	l.rec[0].at = NOW;
	l.rec[1].session = session(1048575, 1, 0, OTHER_BOOT);
	strcpy(l.rec[1].service, "sudo-i_x.y@z+1");
	l.rec[1].at = 0;
	l.n = 2;
	assert_int_equal(cg_grace_format(&l, &text), CG_OK);
	assert_string_equal(text, "credgate-grace 1\n"
		"credgate 136:3 4242 987654 " BOOT " 1800000000\n"
		"sudo-i_x.y@z+1 136:1048575 1 0 " OTHER_BOOT " 0\n");
	assert_int_equal(cg_grace_parse(text, strlen(text), &back), CG_OK);
	assert_int_equal(back.n, 2);
	assert_memory_equal(&back.rec[0], &l.rec[0], sizeof(l.rec[0]));
	assert_memory_equal(&back.rec[1], &l.rec[1], sizeof(l.rec[1]));
	free(text);

	l.rec[1].session.sid = 0;
	assert_int_equal(cg_grace_format(&l, &text), CG_E_INVAL);
	l.rec[1].session.sid = 1;
	strcpy(l.rec[1].service, "a b");
	assert_int_equal(cg_grace_format(&l, &text), CG_E_INVAL);
	assert_null(text);
}

static void test_parse_rejects(void **unused)
{
#define H "credgate-grace 1\n"
#define R "credgate 136:3 4242 987654 " BOOT " 1800000000"
	static const char *const bad[] = {
		"",
		"credgate-grace 2\n",
		H R,                                     /* no final newline */
		H R " 1\n",                              /* extra field */
		H "credgate 136:3 4242 987654 " BOOT "\n",
		H "credgate  136:3 4242 987654 " BOOT " 1\n",
		H "cred gate 136:3 4242 987654 " BOOT " 1\n",
		H "credgate 136-3 4242 987654 " BOOT " 1\n",
		H "credgate 4096:3 4242 987654 " BOOT " 1\n",
		H "credgate 136:3 0 987654 " BOOT " 1\n",
		H "credgate 136:3 04242 987654 " BOOT " 1\n",
		H "credgate 136:3 -1 987654 " BOOT " 1\n",
		H "credgate 136:3 4242 987654 " BOOT " -1\n",
		H "credgate 136:3 4242 987654 0F3C2A54-9A1B-4C7E-8D2F-6B5E4A3C2D1E 1\n",
		H "credgate 136:3 4242 987654 short 1\n",
		H "cred\tgate 136:3 4242 987654 " BOOT " 1\n",
		H "credgate 136:3 4242 987654 " BOOT " 1\r\n",
	};
	struct cg_grace_list l;
	char many[8192];

	for (size_t i = 0; i < CG_ARRAY_SIZE(bad); i++)
		if (cg_grace_parse(bad[i], strlen(bad[i]), &l) != CG_E_PARSE)
			fail_msg("accepted: %s", bad[i]);
	{
		static const char nul[] = H "cred\0gate 136:3 4242 987654 "
			BOOT " 1\n";
		assert_int_equal(cg_grace_parse(nul, sizeof(nul) - 1, &l),
				 CG_E_PARSE);
	}
	strcpy(many, H);
	for (int i = 0; i < CG_GRACE_RECORDS; i++)
		strcat(many, R "\n");
	assert_int_equal(cg_grace_parse(many, strlen(many), &l), CG_OK);
	assert_int_equal(l.n, CG_GRACE_RECORDS);
	strcat(many, R "\n");
	assert_int_equal(cg_grace_parse(many, strlen(many), &l), CG_E_PARSE);
	assert_int_equal(l.n, 0);
#undef H
#undef R
}

/* ---- the store --------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **unused)
{
	strcpy(top, "/tmp/cg-grace-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	/* Missing parents are made too, as /run/credgate is at boot. */
	snprintf(dir, sizeof(dir), "%s/run/grace", top);
	return 0;
}

static int teardown(void **unused)
{
	nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static bool applies(const char *user, const char *service,
		    struct cg_session s, unsigned grace, time_t now)
{
	bool a = true;

	assert_int_equal(cg_grace_check(dir, user, service, &s, grace, now,
					&a), CG_OK);
	return a;
}

static void test_only_the_same_session(void **unused)
{
	struct cg_session s = session(3, 4242, 987654, BOOT);
	struct stat st;
	char path[PATH_MAX + 32];

	assert_false(applies("alice", "credgate", s, 300, NOW));   /* no dir */
	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s, NOW),
			 CG_OK);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/run", top);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/alice", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_true(applies("alice", "credgate", s, 300, NOW));
	assert_true(applies("alice", "credgate", s, 300, NOW + 299));
	assert_false(applies("alice", "credgate", s, 300, NOW + 300));
	assert_false(applies("alice", "credgate", s, 300, NOW - 1));
	assert_false(applies("alice", "credgate", s, 0, NOW));
	assert_false(applies("bob", "credgate", s, 300, NOW));
	assert_false(applies("alice", "sudo", s, 300, NOW));
	assert_false(applies("alice", "credgate",
			     session(4, 4242, 987654, BOOT), 300, NOW));
	assert_false(applies("alice", "credgate",
			     session(3, 4243, 987654, BOOT), 300, NOW));
	assert_false(applies("alice", "credgate",
			     session(3, 4242, 987655, BOOT), 300, NOW));
	assert_false(applies("alice", "credgate",
			     session(3, 4242, 987654, OTHER_BOOT), 300, NOW));
	{
		struct cg_session other_major = s;

		other_major.major = 137;
		assert_false(applies("alice", "credgate", other_major, 300,
				     NOW));
	}
	assert_int_equal(cg_grace_forget(dir, "alice"), CG_OK);
	assert_false(applies("alice", "credgate", s, 300, NOW));
	assert_int_equal(cg_grace_forget(dir, "alice"), CG_OK);
	assert_int_equal(cg_grace_forget(dir, "../alice"), CG_E_NAME);
	assert_int_equal(cg_grace_record(dir, "alice", "bad service", &s, NOW),
			 CG_E_NAME);
}

static void test_records_kept_and_dropped(void **unused)
{
	struct cg_session s;

	/* More sessions than kept: the oldest goes. */
	for (int i = 0; i <= CG_GRACE_RECORDS; i++) {
		s = session(1, 100 + i, 5, BOOT);
		assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s,
						 NOW + i), CG_OK);
	}
	assert_false(applies("alice", "credgate", session(1, 100, 5, BOOT),
			     3600, NOW + 20));
	assert_true(applies("alice", "credgate", session(1, 101, 5, BOOT),
			    3600, NOW + 20));
	assert_true(applies("alice", "credgate",
			    session(1, 100 + CG_GRACE_RECORDS, 5, BOOT), 3600,
			    NOW + 20));
	/* A success in another boot drops this boot's records. */
	s = session(1, 7, 5, OTHER_BOOT);
	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s, NOW + 30),
			 CG_OK);
	assert_false(applies("alice", "credgate", session(1, 101, 5, BOOT),
			     3600, NOW + 31));
	assert_true(applies("alice", "credgate", s, 3600, NOW + 31));
	/* The same session again: one record, the newer time. */
	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s,
					 NOW + 1000), CG_OK);
	assert_true(applies("alice", "credgate", s, 60, NOW + 1030));
}

static void test_damaged_or_unsafe(void **unused)
{
	struct cg_session s = session(3, 4242, 987654, BOOT);
	char path[PATH_MAX + 32];
	bool a = true;
	FILE *f;

	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s, NOW),
			 CG_OK);
	snprintf(path, sizeof(path), "%s/alice", dir);
	assert_non_null(f = fopen(path, "a"));
	fputs("garbage\n", f);
	fclose(f);
	/* A damaged file grants nothing, and the next success replaces it. */
	assert_int_equal(cg_grace_check(dir, "alice", "credgate", &s, 300, NOW,
					&a), CG_E_PARSE);
	assert_false(a);
	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s, NOW),
			 CG_OK);
	assert_true(applies("alice", "credgate", s, 300, NOW));
	/* Readable by others: not trusted. */
	assert_int_equal(chmod(path, 0644), 0);
	a = true;
	assert_int_equal(cg_grace_check(dir, "alice", "credgate", &s, 300, NOW,
					&a), CG_E_MODE);
	assert_false(a);
	/* A directory others may list is refused whole. */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(cg_grace_check(dir, "alice", "credgate", &s, 300, NOW,
					&a), CG_E_MODE);
	assert_int_equal(cg_grace_record(dir, "alice", "credgate", &s, NOW),
			 CG_E_MODE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_stat_rejects),
		cmocka_unit_test(test_session_current),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test_setup_teardown(test_only_the_same_session,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_kept_and_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_or_unsafe,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
