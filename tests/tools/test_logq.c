/* The log query's parsers (tools/logq_line.c, logq_time.c, lib/json.c):
 * syslog lines from the programs that share auth.log, journal entries as
 * journalctl -o json prints them, timestamps with and without a year,
 * and the JSON writer read back by the reader. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "json.h"
#include "logq.h"
#include "table_test.h"

/* 2024-05-02 00:00:00 UTC: the files below were written then. */
#define REF 1714608000

struct line_case {
	const char *line;
	enum logq_kind kind;
	const char *want;     /* EVENT: "time program pid user"; MALFORMED: why */
};

static const struct line_case line_cases[] = {
	{ "May  1 10:00:01 h sshd[100]: pam_credgate(sshd:auth): event=auth "
	  "result=granted reason=code user=alice service=sshd tty=ssh rhost=10.0.0.7",
	  LOGQ_EVENT, "1714557601 sshd 100 alice" },
	{ "May  1 10:00:02 h su[7]: pam_credgate(su:auth): event=auth "
	  "result=denied reason=bad_code user=bob service=su tty=pts/1 rhost=-",
	  LOGQ_EVENT, "1714557602 su 7 bob" },
	{ "May  1 10:00:03 h sudo: pam_credgate(sudo:account): event=access "
	  "result=granted reason=granted user=carol role=ops service=sudo tty=pts/2 rhost=-",
	  LOGQ_EVENT, "1714557603 sudo -1 carol" },
	{ "2024-05-01T12:00:04.123456+02:00 h credgate[9]: event=access "
	  "result=granted reason=delivered user=alice credential=smtp "
	  "service=credgate tty=- rhost=- detail=cat",
	  LOGQ_EVENT, "1714557604 credgate 9 alice" },
	{ "2024-05-01T10:00:05Z h credgate-enroll[3]: event=enroll result=ok "
	  "user=dave by=root", LOGQ_EVENT, "1714557605 credgate-enroll 3 dave" },
	{ "May  1 10:00:06 h sshd[100]: message repeated 3 times: [ "
	  "pam_credgate(sshd:auth): event=auth result=denied reason=bad_code "
	  "user=eve service=sshd tty=ssh rhost=10.9.9.9]",
	  LOGQ_EVENT, "1714557606 sshd 100 eve" },
	/* The journal's entry of the module, forwarded to syslog by
	 * journald (ForwardToSyslog): its identifier is credgate. */
	{ "May  1 10:00:07 h credgate[101]: pam_credgate(sshd:auth): "
	  "event=auth result=granted reason=code user=frank service=sshd "
	  "tty=ssh rhost=10.0.0.8", LOGQ_EVENT, "1714557607 credgate 101 frank" },
	/* Other programs' lines, even with key=value text in them. */
	{ "May  1 10:00:00 h sshd[100]: Accepted keyboard-interactive/pam for "
	  "alice from 10.0.0.7 port 5555 ssh2", LOGQ_OTHER, NULL },
	{ "May  1 10:02:00 h sudo[300]:    alice : TTY=pts/0 ; PWD=/ ; "
	  "USER=root ; COMMAND=/usr/bin/credgate-enroll log --event access",
	  LOGQ_OTHER, NULL },
	{ "May  1 10:02:00 h su[301]: pam_unix(su:session): session opened "
	  "for user root(uid=0) by alice(uid=1000)", LOGQ_OTHER, NULL },
	{ "May  1 10:02:00 h sshd[1]: pam_credgate(sshd:account): account: no "
	  "role= and no CREDGATE_CREDENTIAL: nothing to check", LOGQ_OTHER, NULL },
	{ "not a syslog line at all", LOGQ_OTHER, NULL },
	/* Lines credgate did not write. */
	{ "May  1 10:03:00 h logger: event=access result=granted "
	  "reason=delivered user=mallory credential=smtp service=credgate",
	  LOGQ_MALFORMED, "program logger" },
	{ "May  1 10:03:00 h sshd[5]: pam_credgate(sshd:auth): event=auth "
	  "result=granted reason=code user=mallory service=credgate tty=- rhost=-",
	  LOGQ_MALFORMED, "service= is not sshd" },
	{ "May  1 10:03:00 h credgate[5]: event=access result=denied "
	  "user=bob credential=smtp result=granted", LOGQ_MALFORMED,
	  "appears twice" },
	{ "May  1 10:03:00 h credgate[5]: event=access result=denied "
	  "user=bob#012event=access", LOGQ_MALFORMED, "unexpected byte" },
};

static void test_line(void **state)
{
	const struct line_case *c = *state;
	struct logq_event ev;
	char why[LOGQ_WHY_MAX], got[256];
	enum logq_kind k;

	memset(&ev, 0, sizeof(ev));
	k = logq_parse_syslog(c->line, strlen(c->line), REF, &ev, why,
			      sizeof(why));
	assert_int_equal(k, c->kind);
	if (k == LOGQ_MALFORMED && strstr(why, c->want) == NULL)
		fail_msg("reason '%s', want '%s'", why, c->want);
	if (k != LOGQ_EVENT)
		return;
	snprintf(got, sizeof(got), "%lld %s %ld %s", (long long)ev.time,
		 ev.program, ev.pid, cg_audit_record_get(&ev.rec, "user"));
	assert_string_equal(got, c->want);
	assert_string_equal(ev.host, "h");
	cg_audit_record_free(&ev.rec);
}

static void test_repeat_count(void **s)
{
	const char *l = line_cases[5].line;
	struct logq_event ev;
	char why[LOGQ_WHY_MAX];

	(void)s;
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(logq_parse_syslog(l, strlen(l), REF, &ev, why,
					   sizeof(why)), LOGQ_EVENT);
	assert_int_equal(ev.repeat, 3);
	assert_string_equal(cg_audit_record_get(&ev.rec, "rhost"), "10.9.9.9");
	cg_audit_record_free(&ev.rec);
}

/* Without a year: the latest date not after the file's time (plus a day). */
static void test_year(void **s)
{
	int64_t t;
	size_t used;
	(void)s;

	/* A file written 2025-01-03 holds December 2024. */
	assert_true(logq_parse_timestamp("Dec 28 23:00:00 h", 17, 1735862400,
					 &t, &used));
	assert_int_equal(t, 1735426800);
	assert_int_equal(used, 15);
	/* ... and January 2025. */
	assert_true(logq_parse_timestamp("Jan  2 01:00:00", 15, 1735862400,
					 &t, &used));
	assert_int_equal(t, 1735779600);
	assert_false(logq_parse_timestamp("Foo  2 01:00:00", 15, REF, &t, &used));
	assert_false(logq_parse_timestamp("Jan 42 01:00:00", 15, REF, &t, &used));
	assert_false(logq_parse_timestamp("2024-05-01T10:00:00", 19, REF, &t, &used));
	assert_true(logq_parse_timestamp("2024-05-01T10:00:00-01:30 x", 27, REF,
					 &t, &used));
	assert_int_equal(t, 1714557600 + 5400);
	assert_int_equal(used, 25);
}

struct journal_case {
	const char *json;
	enum logq_kind kind;
	const char *want;
};

static const struct journal_case journal_cases[] = {
	{ "{\"__REALTIME_TIMESTAMP\":\"1714557601999999\",\"_PID\":\"100\","
	  "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_COMM\":\"sshd\",\"_HOSTNAME\":\"h\","
	  "\"MESSAGE\":\"pam_credgate(sshd:auth): event=auth result=granted "
	  "reason=code user=alice service=sshd tty=ssh rhost=10.0.0.7\"}",
	  LOGQ_EVENT, "1714557601 sshd 100 alice" },
	/* The message as bytes (journald's form for non-text), \u escapes. */
	{ "{\"MESSAGE\":[101,118,101,110,116,61,97,99,99,101,115,115,32,114,101,"
	  "115,117,108,116,61,111,107],\"SYSLOG_IDENTIFIER\":\"credgate\","
	  "\"_COMM\":\"credgate\",\"_HOSTNAME\":\"h\",\"SYSLOG_PID\":\"5\","
	  "\"__REALTIME_TIMESTAMP\":\"1714557602000000\",\"X\":[\"a\",\"b\"],"
	  "\"Y\":null,\"Z\":{\"q\":[1,2.5e3]}}",
	  LOGQ_EVENT, "1714557602 credgate 5 (null)" },
	/* logger -t credgate: the tag lies, the journal's _COMM does not. */
	{ "{\"MESSAGE\":\"event=access result=granted reason=delivered "
	  "user=mallory credential=smtp\",\"SYSLOG_IDENTIFIER\":\"credgate\","
	  "\"_COMM\":\"logger\",\"__REALTIME_TIMESTAMP\":\"1714557603000000\"}",
	  LOGQ_MALFORMED, "process logger" },
	{ "{\"MESSAGE\":\"Started Session 3 of User alice.\","
	  "\"__REALTIME_TIMESTAMP\":\"1714557604000000\"}", LOGQ_OTHER, NULL },
	{ "{\"MESSAGE\":\"event=auth result=x\"", LOGQ_MALFORMED, "invalid JSON" },
	{ "{\"MESSAGE\":\"\\ud800\"}", LOGQ_MALFORMED, "invalid JSON" },
	{ "{\"MESSAGE\":\"x\"} {}", LOGQ_MALFORMED, "invalid JSON" },
};

static void test_journal(void **state)
{
	const struct journal_case *c = *state;
	struct logq_event ev;
	char why[LOGQ_WHY_MAX], got[256];
	const char *user;
	enum logq_kind k;

	memset(&ev, 0, sizeof(ev));
	k = logq_parse_journal_json(c->json, strlen(c->json), &ev, why,
				    sizeof(why));
	assert_int_equal(k, c->kind);
	if (k == LOGQ_MALFORMED && strstr(why, c->want) == NULL)
		fail_msg("reason '%s', want '%s'", why, c->want);
	if (k != LOGQ_EVENT)
		return;
	user = cg_audit_record_get(&ev.rec, "user");
	snprintf(got, sizeof(got), "%lld %s %ld %s", (long long)ev.time,
		 ev.program, ev.pid, user != NULL ? user : "(null)");
	assert_string_equal(got, c->want);
	cg_audit_record_free(&ev.rec);
}

struct collect {
	char val[256];
	size_t len;
};

static cg_err take_s(void *arg, const char *key, enum cg_json_type t,
		     const char *val, size_t vlen)
{
	struct collect *c = arg;

	if (strcmp(key, "s") == 0 && t == CG_JSON_STRING) {
		memcpy(c->val, val, vlen);
		c->len = vlen;
	}
	return CG_OK;
}

static void test_json_writer(void **s)
{
	static const char in[] = "a\"b\\c\n\t\x01\x7f caf\xc3\xa9 \xff\xc3";
	char *buf = NULL;
	size_t len = 0;
	struct collect c;
	FILE *f;

	(void)s;
	assert_non_null(f = open_memstream(&buf, &len));
	fputs("{\"s\":", f);
	cg_json_string(f, in, sizeof(in) - 1);
	fputs("}", f);
	fclose(f);
	assert_string_equal(buf, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u007f caf\xc3\xa9 "
			    "\\u00ff\\u00c3\"}");
	memset(&c, 0, sizeof(c));
	assert_int_equal(cg_json_object_parse(buf, len, take_s, &c), CG_OK);
	/* Valid UTF-8 and ASCII come back as they were. */
	assert_memory_equal(c.val, in, sizeof(in) - 4);
	free(buf);
}

int main(void)
{
	static char names[CG_ARRAY_SIZE(line_cases) +
			  CG_ARRAY_SIZE(journal_cases)][80];
	size_t k = 0;

	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < CG_ARRAY_SIZE(line_cases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "syslog line %zu: %.50s",
			 i + 1, line_cases[i].line + 16);
		add_test(names[k], test_line, (void *)&line_cases[i]);
	}
	for (size_t i = 0; i < CG_ARRAY_SIZE(journal_cases); i++, k++) {
		snprintf(names[k], sizeof(names[k]), "journal entry %zu", i + 1);
		add_test(names[k], test_journal, (void *)&journal_cases[i]);
	}
	add_test("message repeated N times counts N", test_repeat_count, NULL);
	add_test("timestamps: year inferred, RFC 3339 offsets", test_year, NULL);
	add_test("JSON strings written and read back", test_json_writer, NULL);
	return _cmocka_run_group_tests("logq", tests, ntests, NULL, NULL);
}
