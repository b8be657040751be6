/* Approval requests (lib/request.c, lib/request_store.c): ids, reasons,
 * the life of a request under a policy and a clock (open, approved,
 * used, expired, denied), who may vote, the record's text form with a
 * table of damaged records, and the directory: created root-only,
 * records written 0600, read back, closed ones forgotten after a day,
 * temp files of a killed writer removed, a damaged record refusing the
 * whole transaction, an aborted transaction writing nothing. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "request.h"

#define T0 1800000000

static struct cg_credential cred2 = {
	.name = "prod-db", .approvals = 2, .approval_ttl = 900,
	.approval_uses = 1,
};

static void new_request(struct cg_request *r, const char *user)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "k7q2-9fx3");
	snprintf(r->user, sizeof(r->user), "%s", user);
	snprintf(r->credential, sizeof(r->credential), "prod-db");
	r->created = T0;
	r->state = CG_REQ_OPEN;
}

/* ---- ids and reasons --------------------------------------------------- */

static void test_ids(void **state)
{
	static const char *const bad[] = {
		"", "k7q2", "k7q29fx3", "k7q2-9fx", "k7q2-9fx33", "K7Q2-9FX3",
		"k7q2_9fx3", "k7qi-9fx3", "k7ql-9fx3", "k7qo-9fx3", "k7qu-9fx3",
		"../2-9fx3", "k7q2-9fx\n", "-k7q29fx3",
	};
	char id[CG_REQUEST_ID_LEN + 1], first[CG_REQUEST_ID_LEN + 1];
	int same = 0;

	(void)state;
	assert_true(cg_request_id_valid("k7q2-9fx3"));
	assert_true(cg_request_id_valid("0000-zzzz"));
	assert_false(cg_request_id_valid(NULL));
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad); i++)
		if (cg_request_id_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(cg_request_id_new(first), CG_OK);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(cg_request_id_new(id), CG_OK);
		assert_true(cg_request_id_valid(id));
		same += strcmp(id, first) == 0;
	}
	assert_true(same <= 1);                /* 40 random bits */
}

static void test_reasons(void **state)
{
	char longest[CG_REQUEST_REASON_MAX + 2];

	(void)state;
	assert_true(cg_request_reason_valid("deploy the 4.2 fix (INC-42)"));
	assert_false(cg_request_reason_valid(""));
	assert_false(cg_request_reason_valid(NULL));
	assert_false(cg_request_reason_valid("two\nlines"));
	assert_false(cg_request_reason_valid("\x1b[2J"));
	assert_false(cg_request_reason_valid("caf\xc3\xa9"));
	assert_false(cg_request_reason_valid("tab\there"));
	memset(longest, 'r', CG_REQUEST_REASON_MAX);
	longest[CG_REQUEST_REASON_MAX] = '\0';
	assert_true(cg_request_reason_valid(longest));
	strcat(longest, "r");
	assert_false(cg_request_reason_valid(longest));
}

/* ---- life of a request ----------------------------------------------- */

static void test_open_then_expired(void **state)
{
	struct cg_request r;
	int64_t until = 0;

	(void)state;
	new_request(&r, "alice");
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 899, &until),
			 CG_REQ_OPEN);
	assert_int_equal(until, T0 + 900);
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 900, &until),
			 CG_REQ_EXPIRED);
	assert_int_equal(until, 0);
	assert_false(cg_request_refresh(&r, &cred2, T0 + 10));
	assert_false(r.dirty);
	assert_true(cg_request_refresh(&r, &cred2, T0 + 900));
	assert_int_equal(r.state, CG_REQ_EXPIRED);
	assert_int_equal(r.closed, T0 + 900);
	assert_true(r.dirty);
	/* Final: a later, looser policy does not revive it. */
	assert_false(cg_request_refresh(&r, &cred2, T0 + 10));
	assert_int_equal(cg_request_status(&r, &cred2, T0, NULL),
			 CG_REQ_EXPIRED);
}

static void test_two_approvals_then_used(void **state)
{
	struct cg_request r;
	int64_t until = 0;

	(void)state;
	new_request(&r, "alice");
	assert_int_equal(cg_request_may_vote(&r, &cred2, "bob", false, T0 + 5),
			 CG_REQ_OK);
	assert_false(cg_request_approve(&r, &cred2, "bob", T0 + 5));
	assert_int_equal(r.state, CG_REQ_OPEN);
	/* The same person twice, where two are required. */
	assert_int_equal(cg_request_may_vote(&r, &cred2, "bob", false, T0 + 6),
			 CG_REQ_TWICE);
	assert_int_equal(cg_request_may_vote(&r, &cred2, "alice", false,
					     T0 + 6), CG_REQ_SELF);
	/* ... but bob may take his approval back with a denial. */
	assert_int_equal(cg_request_may_vote(&r, &cred2, "bob", true, T0 + 6),
			 CG_REQ_OK);
	assert_true(cg_request_approve(&r, &cred2, "carol", T0 + 600));
	assert_int_equal(r.state, CG_REQ_APPROVED);
	/* The use window runs from the approval that completed it. */
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 1000, &until),
			 CG_REQ_APPROVED);
	assert_int_equal(until, T0 + 1500);
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 1500, NULL),
			 CG_REQ_EXPIRED);
	/* Approved: a third approval (a replay) is refused, a denial may
	 * still stop it. */
	assert_int_equal(cg_request_may_vote(&r, &cred2, "dave", false,
					     T0 + 700), CG_REQ_NOT_OPEN);
	assert_int_equal(cg_request_may_vote(&r, &cred2, "dave", true,
					     T0 + 700), CG_REQ_OK);
	r.uses = 1;
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 700, NULL),
			 CG_REQ_USED);
	assert_true(cg_request_refresh(&r, &cred2, T0 + 700));
	assert_int_equal(r.state, CG_REQ_USED);
	assert_int_equal(cg_request_may_vote(&r, &cred2, "dave", true,
					     T0 + 701), CG_REQ_NOT_OPEN);
}

static void test_policy_changes(void **state)
{
	struct cg_credential c = cred2;
	struct cg_request r;

	(void)state;
	new_request(&r, "alice");
	cg_request_approve(&r, &c, "bob", T0 + 1);
	/* approval_uses = 3: three reads. */
	c.approvals = 1;
	c.approval_uses = 3;
	assert_int_equal(cg_request_status(&r, &c, T0 + 2, NULL),
			 CG_REQ_APPROVED);
	r.uses = 2;
	assert_int_equal(cg_request_status(&r, &c, T0 + 2, NULL),
			 CG_REQ_APPROVED);
	r.uses = 3;
	assert_int_equal(cg_request_status(&r, &c, T0 + 2, NULL),
			 CG_REQ_USED);
	r.uses = 0;
	/* Tightened to 3 approvals: open again. */
	c.approvals = 3;
	assert_int_equal(cg_request_status(&r, &c, T0 + 2, NULL), CG_REQ_OPEN);
	/* No longer asking for approval, or gone from the policy: expired. */
	c.approvals = 0;
	assert_int_equal(cg_request_status(&r, &c, T0 + 2, NULL),
			 CG_REQ_EXPIRED);
	assert_int_equal(cg_request_status(&r, NULL, T0 + 2, NULL),
			 CG_REQ_EXPIRED);
	assert_int_equal(cg_request_may_vote(&r, NULL, "bob", false, T0),
			 CG_REQ_NO_CREDENTIAL);
}

static void test_deny(void **state)
{
	struct cg_request r;

	(void)state;
	new_request(&r, "alice");
	assert_int_equal(cg_request_may_vote(&r, &cred2, "alice", true, T0),
			 CG_REQ_SELF);
	cg_request_deny(&r, "bob", T0 + 3);
	assert_int_equal(r.state, CG_REQ_DENIED);
	assert_int_equal(r.closed, T0 + 3);
	assert_string_equal(r.denial.by, "bob");
	assert_int_equal(cg_request_status(&r, &cred2, T0 + 4, NULL),
			 CG_REQ_DENIED);
	assert_int_equal(cg_request_may_vote(&r, &cred2, "carol", false,
					     T0 + 4), CG_REQ_NOT_OPEN);
	assert_string_equal(cg_request_refusal_name(CG_REQ_SELF),
			    "self_approval");
	assert_string_equal(cg_request_state_name(CG_REQ_DENIED), "denied");
}

/* ---- the text form --------------------------------------------------- */

static const char good_text[] =
	"credgate-request 1\nid k7q2-9fx3\nuser alice\ncredential prod-db\n"
	"created 1800000000\nstate approved\nreason deploy the 4.2 fix\n"
	"approval bob 1800000100\napproval carol 1800000200\nuses 0\n"
	"closed 0\n";

static void test_round_trip(void **state)
{
	struct cg_request r, back;
	char *text = NULL;
	unsigned line = 9;

	(void)state;
	assert_int_equal(cg_request_parse(good_text, strlen(good_text), &r,
					  &line), CG_OK);
	assert_int_equal(line, 0);
	assert_string_equal(r.reason, "deploy the 4.2 fix");
	assert_int_equal(r.napprovals, 2);
	assert_string_equal(r.approvals[1].by, "carol");
	assert_int_equal(r.approvals[1].at, 1800000200);
	assert_int_equal(cg_request_format(&r, &text), CG_OK);
	assert_string_equal(text, good_text);
	assert_int_equal(cg_request_parse(text, strlen(text), &back, NULL),
			 CG_OK);
	assert_memory_equal(&r, &back, sizeof(r));
	free(text);

	/* Nothing unreadable is ever written. */
	snprintf(r.reason, sizeof(r.reason), "a\nb");
	assert_int_equal(cg_request_format(&r, &text), CG_E_INVAL);
	assert_null(text);
	new_request(&r, "alice");
	snprintf(r.user, sizeof(r.user), "-x");
	assert_int_equal(cg_request_format(&r, &text), CG_E_INVAL);
}

struct bad_record { const char *name; const char *text; unsigned line; };

#define HEAD "credgate-request 1\nid k7q2-9fx3\nuser alice\n" \
	"credential prod-db\ncreated 1800000000\n"
#define TAIL "uses 0\nclosed 0\n"

static const struct bad_record bad_records[] = {
	{ "wrong_tag", "credgate-request 2\nid k7q2-9fx3\n", 1 },
	{ "missing_state", HEAD TAIL, 8 },
	{ "unknown_key", HEAD "state open\ncolour red\n" TAIL, 7 },
	{ "duplicate_key", HEAD "state open\nstate used\n" TAIL, 7 },
	{ "bad_state", HEAD "state pending\n" TAIL, 6 },
	{ "four_approvals", HEAD "state open\napproval a 1\napproval b 1\n"
	  "approval c 1\napproval d 1\n" TAIL, 10 },
	{ "approval_no_time", HEAD "state open\napproval bob\n" TAIL, 7 },
	{ "approval_bad_user", HEAD "state open\napproval -bob 5\n" TAIL, 7 },
	{ "reason_control", HEAD "state open\nreason a\rb\n" TAIL, 10 },
	{ "reason_utf8", HEAD "state open\nreason caf\xc3\xa9\n" TAIL, 10 },
	{ "negative_time", HEAD "state open\nclosed -1\nuses 0\n", 7 },
	{ "leading_zero", HEAD "state open\nuses 01\nclosed 0\n", 7 },
	{ "bad_id", "credgate-request 1\nid K7Q2-9FX3\nuser alice\n"
	  "credential prod-db\ncreated 1\nstate open\n" TAIL, 9 },
	{ "bad_credential", "credgate-request 1\nid k7q2-9fx3\nuser alice\n"
	  "credential ../x\ncreated 1\nstate open\n" TAIL, 9 },
	{ "no_final_newline", HEAD "state open\nuses 0\nclosed 0", 0 },
	{ "nul_byte", HEAD "state open\nuses 0\0\nclosed 0\n", 0 },
	{ "blank_line", HEAD "state open\n\n" TAIL, 7 },
	{ "trailing_blank", HEAD "state open\nuses 0 \nclosed 0\n", 7 },
};

static void test_bad_record(void **state)
{
	const struct bad_record *b = *state;
	size_t len = strlen(b->text);
	struct cg_request r;
	unsigned line = 0;

	if (strcmp(b->name, "nul_byte") == 0)
		len = sizeof(HEAD "state open\nuses 0\0\nclosed 0\n") - 1;
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(cg_request_parse(b->text, len, &r, &line),
			 CG_E_PARSE);
	if (b->line != 0)
		assert_int_equal(line, b->line);
	assert_true(line > 0);
	assert_int_equal(r.created, 0);         /* wiped on failure */
}

/* ---- the directory ----------------------------------------------------- */

struct dirfix {
	char state[64];
	char dir[96];
};

static int dir_setup(void **state)
{
	struct dirfix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->state, sizeof(f->state), "/tmp/cg-request-test.XXXXXX");
	if (mkdtemp(f->state) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/" CG_REQUEST_DIR, f->state);
	*state = f;
	return 0;
}

static int dir_teardown(void **state)
{
	struct dirfix *f = *state;
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->state);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct txn_arg {
	int mode;               /* what the fn does */
	size_t seen;
	char id[CG_REQUEST_ID_LEN + 1];
};

enum { ADD, LOOK, CLOSE_OLD, ABORT, APPROVE };

static cg_err txn_fn(struct cg_request_set *set, void *argp)
{
	struct txn_arg *a = argp;
	struct cg_request *r;
	cg_err e;

	a->seen = set->n;
	switch (a->mode) {
	case ADD:
		if ((e = cg_request_add(set, "alice", "prod-db", "because",
					&r)) != CG_OK)
			return e;
		memcpy(a->id, r->id, sizeof(a->id));
		return CG_OK;
	case CLOSE_OLD:
		r = cg_request_find(set, a->id);
		assert_non_null(r);
		cg_request_deny(r, "bob", set->now);
		return CG_OK;
	case APPROVE:
		r = cg_request_find(set, a->id);
		assert_non_null(r);
		cg_request_approve(r, &cred2, "bob", set->now);
		/* An abort after changing memory writes nothing. */
		return CG_E_EXISTS;
	case ABORT:
		return CG_E_LOCK;
	default:
		return CG_OK;
	}
}

static void read_record_file(const struct dirfix *f, const char *id,
			     char *buf, size_t sz, struct stat *st)
{
	char path[160];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, id);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, st), 0);
	n = read(fd, buf, sz - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	close(fd);
}

static void test_store(void **state)
{
	struct dirfix *f = *state;
	struct txn_arg a = { .mode = LOOK };
	char buf[1024], bad[CG_REQUEST_ID_LEN + 1], path[200];
	struct stat st;

	assert_int_equal(chmod(f->state, 0700), 0);
	/* No directory yet: an empty set, and nothing created. */
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    NULL), CG_OK);
	assert_int_equal(a.seen, 0);
	assert_int_equal(stat(f->dir, &st), -1);
	a.mode = ADD;
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    NULL), CG_E_NOENT);
	assert_int_equal(cg_requests_update(f->state, true, T0, txn_fn, &a,
					    NULL), CG_OK);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	read_record_file(f, a.id, buf, sizeof(buf), &st);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(strstr(buf, "user alice\ncredential prod-db\n"
			       "created 1800000000\nstate open\n"
			       "reason because\n"));

	/* Read back; an aborted transaction writes nothing. */
	a.mode = APPROVE;
	assert_int_equal(cg_requests_update(f->state, true, T0 + 1, txn_fn,
					    &a, NULL), CG_E_EXISTS);
	assert_int_equal(a.seen, 1);
	read_record_file(f, a.id, buf, sizeof(buf), &st);
	assert_null(strstr(buf, "approval"));

	/* A temp file a killed writer left is removed under the lock. */
	snprintf(path, sizeof(path), "%s/.%s.tmp", f->dir, a.id);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	a.mode = LOOK;
	assert_int_equal(cg_requests_update(f->state, false, T0 + 2, txn_fn,
					    &a, NULL), CG_OK);
	assert_int_equal(access(path, F_OK), -1);

	/* Closed records are kept a day, then forgotten. */
	a.mode = CLOSE_OLD;
	assert_int_equal(cg_requests_update(f->state, false, T0 + 3, txn_fn,
					    &a, NULL), CG_OK);
	a.mode = LOOK;
	assert_int_equal(cg_requests_update(f->state, false,
					    T0 + 3 + CG_REQUEST_KEEP, txn_fn,
					    &a, NULL), CG_OK);
	assert_int_equal(a.seen, 1);
	assert_int_equal(cg_requests_update(f->state, false,
					    T0 + 4 + CG_REQUEST_KEEP, txn_fn,
					    &a, NULL), CG_OK);
	assert_int_equal(a.seen, 1);            /* seen, then removed */
	assert_int_equal(cg_requests_update(f->state, false, T0 + 5, txn_fn,
					    &a, NULL), CG_OK);
	assert_int_equal(a.seen, 0);

	/* A damaged record refuses the transaction and is named. */
	snprintf(path, sizeof(path), "%s/zzzz-zzzz", f->dir);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    bad), CG_E_PARSE);
	assert_string_equal(bad, "zzzz-zzzz");
	/* So does a record under another record's name. */
	unlink(path);
	a.mode = ADD;
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    NULL), CG_OK);
	snprintf(buf, sizeof(buf), "%s/%s", f->dir, a.id);
	assert_int_equal(rename(buf, path), 0);
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    bad), CG_E_PARSE);
	unlink(path);

	/* Other names are not records and are left alone. */
	snprintf(path, sizeof(path), "%s/README", f->dir);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	a.mode = LOOK;
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    NULL), CG_OK);
	assert_int_equal(access(path, F_OK), 0);

	a.mode = ABORT;
	assert_int_equal(cg_requests_update(f->state, false, T0, txn_fn, &a,
					    NULL), CG_E_LOCK);
}

static void test_store_refusals(void **state)
{
	struct dirfix *f = *state;
	struct txn_arg a = { .mode = LOOK };
	struct cg_request_set full = { NULL, CG_REQUESTS_MAX, 0, T0 };
	struct cg_request *r = NULL;

	/* The state directory must be private, and so must ours. */
	assert_int_equal(chmod(f->state, 0755), 0);
	assert_int_equal(cg_requests_update(f->state, true, T0, txn_fn, &a,
					    NULL), CG_E_MODE);
	assert_int_equal(chmod(f->state, 0700), 0);
	assert_int_equal(mkdir(f->dir, 0750), 0);
	assert_int_equal(cg_requests_update(f->state, true, T0, txn_fn, &a,
					    NULL), CG_E_MODE);
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(symlink("/tmp", f->dir), 0);
	assert_int_equal(cg_requests_update(f->state, true, T0, txn_fn, &a,
					    NULL), CG_E_SYMLINK);
	assert_int_equal(unlink(f->dir), 0);
	/* A full directory takes no more. */
	assert_int_equal(cg_request_add(&full, "alice", "prod-db", NULL, &r),
			 CG_E_TOOBIG);
	assert_null(r);
	assert_int_equal(cg_request_add(&full, "alice", "prod-db", "a\nb", &r),
			 CG_E_INVAL);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_open_then_expired),
		cmocka_unit_test(test_two_approvals_then_used),
		cmocka_unit_test(test_policy_changes),
		cmocka_unit_test(test_deny),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test_setup_teardown(test_store, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_store_refusals, dir_setup,
						dir_teardown),
	};
	static struct CMUnitTest tests[CG_ARRAY_SIZE(fixed) +
				       CG_ARRAY_SIZE(bad_records)];
	size_t n = CG_ARRAY_SIZE(fixed);

	memcpy(tests, fixed, sizeof(fixed));
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad_records); i++) {
		tests[n].name = bad_records[i].name;
		tests[n].test_func = test_bad_record;
		tests[n].initial_state = (void *)&bad_records[i];
		n++;
	}
	return _cmocka_run_group_tests("request", tests, n, NULL, NULL);
}
