/* Audit line escaping: no user-controlled byte may end the line, start a
 * new field, or be hidden.  The event's fields, and its journal
 * MESSAGE_IDs: one per event type, the ones the man pages publish. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>
#include "audit.h"
#include "cg_macros.h"
#include "wipe.h"

static void check_escape(const char *in, const char *want)
{
	char out[CG_AUDIT_VALUE_MAX * 4 + 8];
	cg_audit_escape(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_plain_values(void **s)
{
	(void)s;
	check_escape("alice", "alice");
	check_escape("pts/0", "pts/0");
	check_escape("10.0.0.7", "10.0.0.7");
	check_escape("user@EXAMPLE.COM", "user@EXAMPLE.COM");
	check_escape(NULL, "-");
	check_escape("", "-");
}

static void test_forging_is_impossible(void **s)
{
	(void)s;
	check_escape("bob result=granted", "\"bob result=granted\"");
	check_escape("a\nevent=auth", "\"a\\x0aevent=auth\"");
	check_escape("x\"y\\z", "\"x\\\"y\\\\z\"");
	check_escape("\x1b[2J", "\"\\x1b[2J\"");
	check_escape("caf\xc3\xa9", "\"caf\\xc3\\xa9\"");
	check_escape("a\rb", "\"a\\x0db\"");
}

static void test_long_values_are_marked(void **s)
{
	char in[400], out[CG_AUDIT_VALUE_MAX * 4 + 8];
	(void)s;
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cg_audit_escape(in, out, sizeof(out));
	assert_int_equal(strlen(out), CG_AUDIT_VALUE_MAX + 3);
	assert_string_equal(out + CG_AUDIT_VALUE_MAX, "...");
}

static void test_small_buffer_never_cuts_an_escape(void **s)
{
	char out[12];
	(void)s;
	cg_audit_escape("\n\n\n\n\n\n", out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	/* Every backslash is followed by a complete \xNN. */
	for (char *p = strchr(out, '\\'); p != NULL; p = strchr(p + 1, '\\'))
		assert_true(p[1] == 'x' && p[2] != '\0' && p[3] != '\0');
}

/* Tiny buffers: nothing is written past outsz (the canary bytes after
 * it stay intact) and the result is always a terminated string. */
static void test_tiny_buffer_stays_in_bounds(void **s)
{
	static const char *const values[] = { "alice", "a b", "\n\n\n", "-" };
	(void)s;
	for (size_t v = 0; v < CG_ARRAY_SIZE(values); v++) {
		for (size_t sz = 1; sz <= 12; sz++) {
			char buf[32];

			memset(buf, 'Z', sizeof(buf));
			cg_audit_escape(values[v], buf, sz);
			assert_non_null(memchr(buf, '\0', sz));
			for (size_t i = sz; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 'Z');
		}
	}
}

static void test_format_line(void **s)
{
	struct cg_audit_field f[] = {
		{ "event", "auth" }, { "result", "denied" },
		{ "reason", "bad_code" }, { "user", "eve\nevent=auth" },
		{ "tty", NULL },
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	cg_audit_format(f, 5, line, sizeof(line));
	assert_string_equal(line, "event=auth result=denied reason=bad_code "
			    "user=\"eve\\x0aevent=auth\" tty=-");
	assert_null(strchr(line, '\n'));
}

static void test_format_drops_fields_that_do_not_fit(void **s)
{
	struct cg_audit_field f[] = {
		{ "event", "auth" }, { "user", "a-rather-long-user-name" },
		{ "result", "ok" },
	};
	char line[24];
	(void)s;
	cg_audit_format(f, 3, line, sizeof(line));
	assert_string_equal(line, "event=auth result=ok");
}

/* A detail keeps CG_AUDIT_DETAIL_MAX bytes, every other value
 * CG_AUDIT_VALUE_MAX: a configuration error names a file that may lie
 * deep, its line, the offending word and why. */
static void test_format_keeps_a_long_detail(void **s)
{
	char detail[CG_AUDIT_DETAIL_MAX + 50], user[300];
	char line[CG_AUDIT_LINE_MAX], want[CG_AUDIT_DETAIL_MAX + 8];
	struct cg_audit_field f[] = {
		{ "event", "access" }, { "user", user }, { "detail", detail },
	};
	const char *d, *u;
	(void)s;
	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	memset(detail, 'd', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	cg_audit_format(f, 3, line, sizeof(line));
	assert_non_null(u = strstr(line, " user="));
	assert_int_equal(strcspn(u + 6, " "), CG_AUDIT_VALUE_MAX + 3);
	assert_non_null(d = strstr(line, " detail="));
	memset(want, 'd', CG_AUDIT_DETAIL_MAX);
	memcpy(want + CG_AUDIT_DETAIL_MAX, "...", 4);
	assert_string_equal(d + 8, want);
	/* Shorter than that: whole. */
	detail[300] = '\0';
	cg_audit_format(f, 3, line, sizeof(line));
	assert_non_null(d = strstr(line, " detail="));
	assert_string_equal(d + 8, detail);
}

/* The module's documented line, byte for byte (pam_credgate(8)). */
static void test_event_module_line(void **s)
{
	struct cg_audit_event ev = {
		.event = "auth", .result = "denied", .reason = "bad_code",
		.user = "alice", .service = "sshd", .tty = "pts/0",
		.rhost = "10.0.0.7",
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event=auth result=denied reason=bad_code "
			    "user=alice service=sshd tty=pts/0 rhost=10.0.0.7");
	assert_int_equal(cg_audit_priority(&ev), LOG_WARNING);
}

/* The gate's line: credential between user and service, an always-
 * present rhost written "-", detail last. */
static void test_event_gate_line(void **s)
{
	struct cg_audit_event ev = {
		.event = "access", .result = "granted",
		.reason = cg_audit_or_none(NULL), .user = "alice",
		.credential = "smtp", .service = "credgate", .tty = "pts/3",
		.rhost = "", .detail = "delivered 42 bytes",
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event=access result=granted reason=- "
			    "user=alice credential=smtp service=credgate "
			    "tty=pts/3 rhost=- detail=\"delivered 42 bytes\"");
	assert_int_equal(cg_audit_priority(&ev), LOG_NOTICE);
}

/* credgate-enroll's line: no reason when there is none, by= after
 * user=, then the command's own fields in the order given. */
static void test_event_enroll_line_with_extras(void **s)
{
	struct cg_audit_event ev = {
		.event = "enroll", .result = "ok", .reason = "new",
		.user = "bob", .by = "root",
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	assert_true(cg_audit_add(&ev, "algorithm", "sha1"));
	assert_true(cg_audit_add(&ev, "digits", "6"));
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event=enroll result=ok reason=new user=bob "
			    "by=root algorithm=sha1 digits=6");
	ev.reason = NULL;
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event=enroll result=ok user=bob by=root "
			    "algorithm=sha1 digits=6");
}

/* Extras are bounded: the ninth is refused, nothing overflows. */
static void test_event_extras_are_bounded(void **s)
{
	struct cg_audit_event ev = { .event = "x" };
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	for (size_t i = 0; i < CG_AUDIT_EXTRA_MAX; i++)
		assert_true(cg_audit_add(&ev, "k", "v"));
	assert_false(cg_audit_add(&ev, "overflow", "v"));
	assert_int_equal(ev.nextra, CG_AUDIT_EXTRA_MAX);
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_null(strstr(line, "overflow"));
}

/* Every named member appears, in the documented order. */
static void test_event_key_order(void **s)
{
	struct cg_audit_event ev = {
		.event = "a", .result = "b", .action = "c", .reason = "d",
		.id = "e", .user = "f", .by = "g", .by_login = "h",
		.approver = "i", .credential = "j", .role = "k", .path = "l",
		.readable_by = "m", .old_fp = "n", .new_fp = "o", .size = "p",
		.service = "q", .tty = "r", .rhost = "s", .detail = "t",
		.priority = LOG_ERR,
	};
	char line[CG_AUDIT_LINE_MAX];
	(void)s;
	cg_audit_event_format(&ev, line, sizeof(line));
	assert_string_equal(line, "event=a result=b action=c reason=d id=e "
			    "user=f by=g by_login=h approver=i credential=j "
			    "role=k path=l readable_by=m old_fp=n new_fp=o "
			    "size=p service=q tty=r rhost=s detail=t");
	assert_int_equal(cg_audit_priority(&ev), LOG_ERR);
}

/* The journal's fields are the line's fields, in its order, extras last. */
static void test_event_fields(void **s)
{
	struct cg_audit_event ev = {
		.event = "access", .result = "granted", .user = "alice",
		.credential = "smtp", .service = "credgate",
	};
	struct cg_audit_field f[CG_AUDIT_FIELDS_MAX];
	static const char *const want[] = {
		"event", "result", "user", "credential", "service", "version",
	};
	size_t n;
	(void)s;
	assert_true(cg_audit_add(&ev, "version", "7"));
	n = cg_audit_event_fields(&ev, f);
	assert_int_equal(n, CG_ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(f[i].key, want[i]);
	assert_string_equal(f[5].value, "7");
}

static const char *const events[] = {
	"auth", "lockout", "access", "approval", "rotate", "versions",
	"on_change", "enroll", "revoke", "unlock", "recovery", "import",
	"status", "list", "check-config", "log", "scan", "leak", "migrate",
	"init", "rekey", "prune",
};

/* One MESSAGE_ID per event type: 32 lower-case hex digits, no two
 * alike; none for an unknown type. */
static void test_message_ids(void **s)
{
	(void)s;
	for (size_t i = 0; i < CG_ARRAY_SIZE(events); i++) {
		const char *id = cg_audit_message_id(events[i]);
		assert_non_null(id);
		assert_int_equal(strlen(id), 32);
		assert_int_equal(strspn(id, "0123456789abcdef"), 32);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(id,
				cg_audit_message_id(events[j]));
	}
	assert_string_equal(cg_audit_message_id("auth"),
			    "d9b264ad9a16423eb403e534d4b0176c");
	assert_string_equal(cg_audit_message_id("access"),
			    "4b91c08ef070453b927593a500feb026");
	assert_null(cg_audit_message_id("no-such-event"));
	assert_null(cg_audit_message_id(NULL));
}

/* Lines "EVENT   <32 hex digits>" of a man page: each must be the
 * code's id for that event; returns how many, and marks the events. */
static size_t published_ids(const char *page, bool seen[])
{
	char path[4096], line[256], name[64], id[64], extra;
	const char *top = getenv("abs_top_srcdir");
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/man/%s", top, page);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *dash;

		if (sscanf(line, "%63s %63s %c", name, id, &extra) != 2 ||
		    strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32)
			continue;
		while ((dash = strstr(name, "\\-")) != NULL)     /* roff's \- */
			memmove(dash, dash + 1, strlen(dash));
		assert_non_null(cg_audit_message_id(name));
		assert_string_equal(cg_audit_message_id(name), id);
		for (size_t i = 0; i < CG_ARRAY_SIZE(events); i++)
			if (strcmp(events[i], name) == 0)
				seen[i] = true;
		n++;
	}
	fclose(f);
	return n;
}

/* The man pages publish every event type's id, and the code sends those. */
static void test_message_ids_are_published(void **s)
{
	bool seen[CG_ARRAY_SIZE(events)] = { false };
	(void)s;
	if (getenv("abs_top_srcdir") == NULL)
		skip();
	assert_int_equal(published_ids("pam_credgate.8", seen), 3);
	assert_int_equal(published_ids("credgate.1", seen), 5);
	assert_int_equal(published_ids("credgate-enroll.8", seen), 15);
	for (size_t i = 0; i < CG_ARRAY_SIZE(events); i++)
		assert_true(seen[i]);
}

static void test_array_helpers(void **s)
{
	char buf[17];
	int nums[5];
	(void)s;
	assert_int_equal(CG_ARRAY_SIZE(buf), 17);
	assert_int_equal(CG_ARRAY_SIZE(nums), 5);
	memset(buf, 'x', sizeof(buf));
	cg_wipe_array(buf);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_values),
		cmocka_unit_test(test_forging_is_impossible),
		cmocka_unit_test(test_long_values_are_marked),
		cmocka_unit_test(test_small_buffer_never_cuts_an_escape),
		cmocka_unit_test(test_tiny_buffer_stays_in_bounds),
		cmocka_unit_test(test_format_line),
		cmocka_unit_test(test_format_drops_fields_that_do_not_fit),
		cmocka_unit_test(test_format_keeps_a_long_detail),
		cmocka_unit_test(test_event_module_line),
		cmocka_unit_test(test_event_gate_line),
		cmocka_unit_test(test_event_enroll_line_with_extras),
		cmocka_unit_test(test_event_extras_are_bounded),
		cmocka_unit_test(test_event_key_order),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_message_ids),
		cmocka_unit_test(test_message_ids_are_published),
		cmocka_unit_test(test_array_helpers),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
