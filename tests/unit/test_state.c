/* State store: the text format (strict parser, round trip) and the store
 * in a private temporary directory (permissions, symlinks, links, names,
 * listing, locking). */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "state.h"
#include "wipe.h"

#define SECRET_B32 "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT"   /* bytes 0..19 */
#define HASH1 "pbkdf2-sha256:20000:00112233445566778899aabbccddeeff:" \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HASH2 "pbkdf2-sha256:1000:ffeeddccbbaa99887766554433221100:" \
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f"

#define L_HDR "credgate-state 1\n"                 /* line 1 */
#define L_SECRET "secret " SECRET_B32 "\n"          /* 2 */
#define L_ALG "algorithm sha1\n"                    /* 3 */
#define L_DIGITS "digits 6\n"                       /* 4 */
#define L_PERIOD "period 30\n"                      /* 5 */
#define L_LAST "last_step -1\n"                     /* 6 */
#define L_FAIL "failures 0\n"                       /* 7 */
#define L_LASTF "last_failure 0\n"                 /* 8 */
#define L_LOCKED "locked_until 0\n"                 /* 9 */
#define L_AT "enrolled_at 1700000000\n"             /* 10 */
#define L_BY "enrolled_by root\n"                   /* 11 */
#define L_AFTER_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL L_LASTF \
	L_LOCKED L_AT L_BY
#define VALID L_HDR L_SECRET L_AFTER_SECRET

static char state_dir[64];
static char outside_dir[64];

/* ---- text format ---------------------------------------------------- */

static void fill_state(struct cg_state *st)
{
	cg_state_init(st);
	for (size_t i = 0; i < 20; i++)
		st->totp.secret[i] = (uint8_t)i;
	st->totp.secret_len = 20;
	st->totp.alg = CG_ALG_SHA256;
	st->totp.digits = 8;
	st->totp.period = 60;
	st->last_step = 56666666;
	st->failures = 3;
	st->last_failure = 1700000100;
	st->locked_until = 1700000900;
	st->enrolled_at = 1700000000;
	strcpy(st->enrolled_by, "admin@EXAMPLE");
	strcpy(st->recovery[0], HASH1);
	strcpy(st->recovery[1], HASH2);
	st->nrecovery = 2;
	strcpy(st->grace[0].tty, "pts/3");
	st->grace[0].at = 1700000500;
	strcpy(st->grace[1].tty, "ssh:notty");
	st->grace[1].at = 0;
	st->ngrace = 2;
}

static void assert_states_equal(const struct cg_state *a,
				const struct cg_state *b)
{
	assert_int_equal(a->totp.secret_len, b->totp.secret_len);
	assert_memory_equal(a->totp.secret, b->totp.secret, a->totp.secret_len);
	assert_int_equal(a->totp.alg, b->totp.alg);
	assert_int_equal(a->totp.digits, b->totp.digits);
	assert_int_equal(a->totp.period, b->totp.period);
	assert_true(a->last_step == b->last_step);
	assert_int_equal(a->failures, b->failures);
	assert_true(a->last_failure == b->last_failure);
	assert_true(a->locked_until == b->locked_until);
	assert_true(a->enrolled_at == b->enrolled_at);
	assert_string_equal(a->enrolled_by, b->enrolled_by);
	assert_int_equal(a->nrecovery, b->nrecovery);
	for (size_t i = 0; i < a->nrecovery; i++)
		assert_string_equal(a->recovery[i], b->recovery[i]);
	assert_int_equal(a->ngrace, b->ngrace);
	for (size_t i = 0; i < a->ngrace; i++) {
		assert_string_equal(a->grace[i].tty, b->grace[i].tty);
		assert_true(a->grace[i].at == b->grace[i].at);
	}
}

static void test_format_parse_round_trip(void **unused)
{
	struct cg_state st, back;
	char *text = NULL;
	unsigned bad = 99;

	fill_state(&st);
	assert_int_equal(cg_state_format(&st, &text), CG_OK);
	assert_string_equal(text,
		"credgate-state 1\nsecret " SECRET_B32 "\nalgorithm sha256\n"
		"digits 8\nperiod 60\nlast_step 56666666\nfailures 3\n"
		"last_failure 1700000100\nlocked_until 1700000900\n"
		"enrolled_at 1700000000\nenrolled_by admin@EXAMPLE\n"
		"recovery " HASH1 "\nrecovery " HASH2 "\n"
		"grace pts/3 1700000500\ngrace ssh:notty 0\n");
	assert_int_equal(cg_state_parse(text, strlen(text), &back, &bad), CG_OK);
	assert_int_equal(bad, 0);
	assert_states_equal(&st, &back);
	cg_free_string(text);
	cg_state_wipe(&back);
}

static void test_parse_valid_and_reformat(void **unused)
{
	static const char text[] = VALID;
	struct cg_state st;
	char *again = NULL;

	assert_int_equal(cg_state_parse(text, strlen(text), &st, NULL), CG_OK);
	assert_int_equal(st.totp.secret_len, 20);
	assert_int_equal(st.totp.secret[19], 19);
	assert_true(st.last_step == -1);
	assert_string_equal(st.enrolled_by, "root");
	assert_int_equal(st.nrecovery, 0);
	assert_int_equal(cg_state_format(&st, &again), CG_OK);
	assert_string_equal(again, text);
	cg_free_string(again);
	cg_state_wipe(&st);
}

static void test_parse_keys_any_order_and_limits(void **unused)
{
	static const char ok[] = L_HDR L_BY L_AT
		"last_step 9223372036854775807\nfailures 4294967295\n"
		L_LOCKED L_LASTF L_PERIOD L_DIGITS L_ALG
		"secret JBSWY3DPEHPK3PXP\n";
	struct cg_state st;
	unsigned bad = 99;

	assert_int_equal(cg_state_parse(ok, strlen(ok), &st, &bad), CG_OK);
	assert_int_equal(bad, 0);
	assert_true(st.last_step == INT64_MAX);
	assert_int_equal(st.failures, 4294967295u);
	assert_int_equal(st.totp.secret_len, 10);     /* 80 bits: minimum */
	cg_state_wipe(&st);
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	unsigned line;
};

static const struct bad_case bad_cases[] = {
	{ "empty file", "", 0, 1 },
	{ "missing version", L_SECRET L_AFTER_SECRET, 0, 1 },
	{ "version 2", "credgate-state 2\n" L_SECRET L_AFTER_SECRET, 0, 1 },
	{ "version trailing space", "credgate-state 1 \n" L_SECRET
	  L_AFTER_SECRET, 0, 1 },
	{ "unknown key", VALID "colour blue\n", 0, 12 },
	{ "duplicate key", VALID "digits 6\n", 0, 12 },
	{ "duplicate secret", L_HDR L_SECRET L_SECRET L_AFTER_SECRET, 0, 3 },
	{ "missing key", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT, 0, 11 },
	{ "only version", L_HDR, 0, 2 },
	{ "secret bad char", L_HDR "secret AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ1\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret lower case", L_HDR "secret aaaqeayeaudaocajbifqydiob4ibceqt\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret padded", L_HDR "secret JBSWY3DP\x3d\x3d\x3d\n" L_AFTER_SECRET,
	  0, 2 },
	{ "secret too short", L_HDR "secret JBSWY3DP\n" L_AFTER_SECRET, 0, 2 },
	{ "secret bad length", L_HDR "secret JBSWY3DPE\n" L_AFTER_SECRET, 0, 2 },
	{ "secret trailing bits", L_HDR "secret AEBAGBAFAYDQQCIKBN\n"
	  L_AFTER_SECRET, 0, 2 },
	{ "secret with space", L_HDR "secret JBSWY3DP EHPK3PXP\n" L_AFTER_SECRET,
	  0, 2 },
	{ "algorithm upper case", L_HDR L_SECRET "algorithm SHA1\n" L_DIGITS
	  L_PERIOD L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "algorithm md5", L_HDR L_SECRET "algorithm md5\n" L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "digits 7", L_HDR L_SECRET L_ALG "digits 7\n" L_PERIOD L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "digits leading zero", L_HDR L_SECRET L_ALG "digits 06\n" L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "digits plus sign", L_HDR L_SECRET L_ALG "digits +6\n" L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "period 45", L_HDR L_SECRET L_ALG L_DIGITS "period 45\n" L_LAST L_FAIL
	  L_LASTF L_LOCKED L_AT L_BY, 0, 5 },
	{ "last_step -2", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  "last_step -2\n" L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 6 },
	{ "last_step -0", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD
	  "last_step -0\n" L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 6 },
	{ "negative failures", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  "failures -1\n" L_LASTF L_LOCKED L_AT L_BY, 0, 7 },
	{ "failures overflow", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  "failures 4294967296\n" L_LASTF L_LOCKED L_AT L_BY, 0, 7 },
	{ "int64 overflow", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  "last_failure 9223372036854775808\n" L_LOCKED L_AT L_BY, 0, 8 },
	{ "huge number", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST L_FAIL
	  L_LASTF "locked_until 99999999999999999999999999\n" L_AT L_BY, 0, 9 },
	{ "number with garbage", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED "enrolled_at 17e8\n" L_BY, 0, 10 },
	{ "enrolled_by path", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT "enrolled_by ../x\n", 0, 11 },
	{ "no trailing newline", L_HDR L_SECRET L_ALG L_DIGITS L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT "enrolled_by root", 0, 11 },
	{ "CR line ending", L_HDR L_SECRET L_ALG "digits 6\r\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "tab separator", L_HDR L_SECRET L_ALG "digits\t6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "two spaces", L_HDR L_SECRET L_ALG "digits  6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "trailing space", L_HDR L_SECRET L_ALG "digits 6 \n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "empty value", L_HDR L_SECRET L_ALG "digits \n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "no separator", L_HDR L_SECRET L_ALG "digits6\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 4 },
	{ "blank line", L_HDR L_SECRET "\n" L_AFTER_SECRET, 0, 3 },
	{ "leading space", L_HDR L_SECRET " algorithm sha1\n" L_DIGITS L_PERIOD
	  L_LAST L_FAIL L_LASTF L_LOCKED L_AT L_BY, 0, 3 },
	{ "embedded NUL", L_HDR L_SECRET L_ALG "digits 6\0\n" L_PERIOD L_LAST
	  L_FAIL L_LASTF L_LOCKED L_AT L_BY,
	  sizeof(L_HDR L_SECRET L_ALG "digits 6\0\n" L_PERIOD L_LAST L_FAIL
		 L_LASTF L_LOCKED L_AT L_BY) - 1, 4 },
	{ "recovery short hex", VALID "recovery pbkdf2-sha256:20000:abc:def\n",
	  0, 12 },
	{ "recovery upper-case hex", VALID "recovery pbkdf2-sha256:20000:"
	  "00112233445566778899AABBCCDDEEFF:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery iterations 999", VALID "recovery pbkdf2-sha256:999:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery iterations too many", VALID "recovery pbkdf2-sha256:10000001:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery other kdf", VALID "recovery pbkdf2-sha1:20000:"
	  "00112233445566778899aabbccddeeff:"
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	  0, 12 },
	{ "recovery trailing garbage", VALID "recovery " HASH1 ":x\n", 0, 12 },
	{ "recovery clear text", VALID "recovery abcd-efgh-ijkl\n", 0, 12 },
	{ "grace bad tty", VALID "grace pts/0;rm 1700000000\n", 0, 12 },
	{ "grace no time", VALID "grace pts/0\n", 0, 12 },
	{ "grace negative time", VALID "grace pts/0 -5\n", 0, 12 },
	{ "grace extra field", VALID "grace pts/0 5 6\n", 0, 12 },
	{ "grace after bad", VALID "grace pts/1 5\nrecovery x\n", 0, 13 },
};

static void test_parse_rejects_malformed(void **unused)
{
	struct cg_state st;

	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		unsigned bad = 0;
		cg_err r;

		memset(&st, 0x5a, sizeof st);
		r = cg_state_parse(c->text, len, &st, &bad);
		if (r != CG_E_PARSE || bad != c->line)
			fail_msg("case \"%s\": got %d at line %u, want line %u",
				 c->name, (int)r, bad, c->line);
		/* Nothing half-parsed is left behind. */
		assert_int_equal(st.totp.secret_len, 0);
		assert_int_equal(st.totp.secret[0], 0);
	}
	assert_true(sizeof bad_cases / sizeof bad_cases[0] >= 20);
}

/* VALID followed by n copies of line; the first refused copy is max+1. */
static void check_repeat_limit(const char *line, size_t max)
{
	char text[8192];
	struct cg_state st;
	unsigned bad;
	size_t i;

	strcpy(text, VALID);
	for (i = 0; i < max; i++)
		strcat(text, line);
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad), CG_OK);
	strcat(text, line);
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad),
			 CG_E_PARSE);
	assert_int_equal(bad, 11 + max + 1);
}

static void test_parse_repeat_limits(void **unused)
{
	check_repeat_limit("recovery " HASH1 "\n", CG_RECOVERY_MAX);
	check_repeat_limit("grace pts/0 1700000000\n", CG_GRACE_MAX);
}

static void test_parse_overlong_line(void **unused)
{
	char text[4096];
	struct cg_state st;
	unsigned bad;

	strcpy(text, VALID "enrolled_by ");
	memset(text + strlen(text), 'a', 2000);
	strcpy(text + strlen(VALID "enrolled_by ") + 2000, "\n");
	assert_int_equal(cg_state_parse(text, strlen(text), &st, &bad),
			 CG_E_PARSE);
	assert_int_equal(bad, 12);
}

static void test_format_refuses_invalid(void **unused)
{
	struct cg_state st;
	char *text = (char *)"unchanged";

	fill_state(&st);
	st.totp.digits = 7;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	assert_null(text);
	fill_state(&st);
	st.enrolled_by[0] = '\0';
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.totp.secret_len = 9;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	strcpy(st.recovery[1], "abcd-efgh-ijkl");   /* never a clear code */
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	strcpy(st.grace[0].tty, "pts/0\nfailures 0");
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.last_step = -2;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	fill_state(&st);
	st.nrecovery = CG_RECOVERY_MAX + 1;
	assert_int_equal(cg_state_format(&st, &text), CG_E_INVAL);
	cg_state_wipe(&st);
}

static void test_name_validation(void **unused)
{
	char longest[CG_USER_NAME_LEN + 2];

	assert_true(cg_user_name_valid("alice"));
	assert_true(cg_user_name_valid("a.b-c_d@EXAMPLE.COM"));
	assert_true(cg_user_name_valid("DOMAIN\\user"));
	assert_false(cg_user_name_valid(""));
	assert_false(cg_user_name_valid(".hidden"));
	assert_false(cg_user_name_valid("-x"));
	assert_false(cg_user_name_valid("a/b"));
	assert_false(cg_user_name_valid("../x"));
	assert_false(cg_user_name_valid("a b"));
	assert_false(cg_user_name_valid("a\nb"));
	assert_false(cg_user_name_valid(NULL));
	memset(longest, 'u', sizeof longest);
	longest[CG_USER_NAME_LEN] = '\0';
	assert_true(cg_user_name_valid(longest));
	longest[CG_USER_NAME_LEN] = 'u';
	longest[CG_USER_NAME_LEN + 1] = '\0';
	assert_false(cg_user_name_valid(longest));
	assert_true(cg_grace_tty_valid("pts/0"));
	assert_true(cg_grace_tty_valid("ssh:notty"));
	assert_false(cg_grace_tty_valid(""));
	assert_false(cg_grace_tty_valid("pts 0"));
}

/* ---- the store --------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int setup_dirs(void **unused)
{
	strcpy(state_dir, "/tmp/cg-state-XXXXXX");
	strcpy(outside_dir, "/tmp/cg-outside-XXXXXX");
	if (mkdtemp(state_dir) == NULL || mkdtemp(outside_dir) == NULL)
		return -1;
	return chmod(state_dir, 0700);
}

static int teardown_dirs(void **unused)
{
	nftw(state_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(outside_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void path_in(char *buf, size_t n, const char *dir, const char *name)
{
	int len = snprintf(buf, n, "%s/%s", dir, name);

	assert_true(len > 0 && (size_t)len < n);
}

static void write_raw(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	path_in(path, sizeof path, state_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void open_store(struct cg_store *store)
{
	assert_int_equal(cg_store_open(state_dir, store), CG_OK);
}

static void test_store_create_read_write_remove(void **unused)
{
	struct cg_store store;
	struct cg_state st, back;
	struct stat sb;
	char path[256];

	open_store(&store);
	fill_state(&st);
	assert_int_equal(cg_state_create(&store, "alice", &st), CG_OK);
	path_in(path, sizeof path, state_dir, "alice");
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(cg_state_read(&store, "alice", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);

	st.last_step = 56666667;
	st.failures = 0;
	st.ngrace = 0;
	assert_int_equal(cg_state_write(&store, "alice", &st), CG_OK);
	assert_int_equal(cg_state_read(&store, "alice", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);

	assert_int_equal(cg_state_remove(&store, "alice"), CG_OK);
	assert_int_equal(cg_state_read(&store, "alice", &back, NULL),
			 CG_E_NOENT);
	assert_int_equal(cg_state_remove(&store, "alice"), CG_E_NOENT);
	cg_state_wipe(&back);
	cg_store_close(&store);
	assert_int_equal(store.dirfd, -1);
}


static void test_store_create_twice(void **unused)
{
	struct cg_store store;
	struct cg_state st, back;

	open_store(&store);
	fill_state(&st);
	assert_int_equal(cg_state_create(&store, "bob", &st), CG_OK);
	st.failures = 4;
	assert_int_equal(cg_state_create(&store, "bob", &st), CG_E_EXISTS);
	/* The first state is intact. */
	assert_int_equal(cg_state_read(&store, "bob", &back, NULL), CG_OK);
	assert_int_equal(back.failures, 3);
	cg_state_wipe(&back);
	cg_store_close(&store);
}

static void test_store_read_missing(void **unused)
{
	struct cg_store store;
	struct cg_state st;

	open_store(&store);
	assert_int_equal(cg_state_read(&store, "nobody", &st, NULL), CG_E_NOENT);
	cg_store_close(&store);
}

static void assert_file_is(const char *path, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_store_symlink_refused(void **unused)
{
	struct cg_store store;
	struct cg_state st;
	struct cg_state_lock lk;
	char target[256], link_path[256];
	unsigned bad = 7;
	int fd;

	path_in(target, sizeof target, outside_dir, "victim");
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, VALID, strlen(VALID)), (ssize_t)strlen(VALID));
	close(fd);
	path_in(link_path, sizeof link_path, state_dir, "alice");
	assert_int_equal(symlink(target, link_path), 0);

	open_store(&store);
	assert_int_equal(cg_state_read(&store, "alice", &st, &bad),
			 CG_E_SYMLINK);
	assert_int_equal(bad, 0);
	fill_state(&st);
	assert_int_equal(cg_state_create(&store, "alice", &st), CG_E_EXISTS);
	assert_file_is(target, VALID);
	/* Even a write (the module never gets that far: the read failed)
	 * replaces the link itself, never what it points to. */
	assert_int_equal(cg_state_lock(&store, "alice", 0, &lk), CG_OK);
	assert_int_equal(cg_state_write(&store, "alice", &st), CG_OK);
	cg_state_unlock(&lk);
	assert_file_is(target, VALID);
	assert_int_equal(cg_state_remove(&store, "alice"), CG_OK);
	assert_file_is(target, VALID);
	cg_store_close(&store);
}

static void test_store_mode_refused(void **unused)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0610, 0601, 0660 };
	struct cg_store store;
	struct cg_state st;

	open_store(&store);
	write_raw("carol", VALID, 0644);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char path[256];

		path_in(path, sizeof path, state_dir, "carol");
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(cg_state_read(&store, "carol", &st, NULL),
				 CG_E_MODE);
	}
	cg_store_close(&store);
}

static void test_store_dir_checked(void **unused)
{
	struct cg_store store;
	char sub[256];

	assert_int_equal(chmod(state_dir, 0755), 0);
	assert_int_equal(cg_store_open(state_dir, &store), CG_E_MODE);
	assert_int_equal(store.dirfd, -1);
	assert_int_equal(chmod(state_dir, 0710), 0);
	assert_int_equal(cg_store_open(state_dir, &store), CG_E_MODE);
	assert_int_equal(chmod(state_dir, 0700), 0);
	assert_int_equal(cg_store_open("tmp/relative", &store), CG_E_INVAL);
	path_in(sub, sizeof sub, state_dir, "missing");
	assert_int_equal(cg_store_open(sub, &store), CG_E_NOENT);
	/* A symlink to a good directory is still a symlink. */
	path_in(sub, sizeof sub, outside_dir, "link");
	assert_int_equal(symlink(state_dir, sub), 0);
	assert_int_equal(cg_store_open(sub, &store), CG_E_SYMLINK);
}

static void test_store_hardlink_refused(void **unused)
{
	struct cg_store store;
	struct cg_state st;
	char a[256], b[256];

	open_store(&store);
	fill_state(&st);
	assert_int_equal(cg_state_create(&store, "dave", &st), CG_OK);
	path_in(a, sizeof a, state_dir, "dave");
	path_in(b, sizeof b, state_dir, "erin");
	assert_int_equal(link(a, b), 0);
	assert_int_equal(cg_state_read(&store, "dave", &st, NULL), CG_E_NLINK);
	assert_int_equal(cg_state_read(&store, "erin", &st, NULL), CG_E_NLINK);
	cg_store_close(&store);
}

static void test_store_owner_refused(void **unused)
{
	struct cg_store store;
	struct cg_state st;
	char path[256];

	if (geteuid() != 0)
		skip();
	open_store(&store);
	write_raw("frank", VALID, 0600);
	path_in(path, sizeof path, state_dir, "frank");
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(cg_state_read(&store, "frank", &st, NULL), CG_E_OWNER);
	cg_store_close(&store);
	assert_int_equal(chown(state_dir, 65534, 0), 0);
	assert_int_equal(cg_store_open(state_dir, &store), CG_E_OWNER);
}

static void test_store_not_regular(void **unused)
{
	struct cg_store store;
	struct cg_state st;
	char path[256];

	open_store(&store);
	path_in(path, sizeof path, state_dir, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Must not block waiting for a writer. */
	assert_int_equal(cg_state_read(&store, "fifo", &st, NULL), CG_E_NOTREG);
	path_in(path, sizeof path, state_dir, "subdir");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(cg_state_read(&store, "subdir", &st, NULL), CG_E_NOTREG);
	cg_store_close(&store);
}

static void test_store_garbage_and_size(void **unused)
{
	struct cg_store store;
	struct cg_state st;
	unsigned bad = 0;
	char *big;

	open_store(&store);
	write_raw("gina", L_HDR L_SECRET "garbage\n", 0600);
	assert_int_equal(cg_state_read(&store, "gina", &st, &bad), CG_E_PARSE);
	assert_int_equal(bad, 3);
	big = malloc(CG_STATE_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'x', CG_STATE_MAX_BYTES + 1);
	big[CG_STATE_MAX_BYTES + 1] = '\0';
	write_raw("huge", big, 0600);
	free(big);
	assert_int_equal(cg_state_read(&store, "huge", &st, &bad), CG_E_TOOBIG);
	cg_store_close(&store);
}

static void test_store_invalid_names(void **unused)
{
	static const char *const names[] = {
		"../x", ".hidden", "-x", "a/b", "", "..", ".", "a b", "x\n",
		/* overlong */
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu",
	};
	struct cg_store store;
	struct cg_state st;
	struct cg_state_lock lk;
	char **list;
	size_t n;

	open_store(&store);
	fill_state(&st);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(cg_state_read(&store, names[i], &st, NULL),
				 CG_E_NAME);
		assert_int_equal(cg_state_create(&store, names[i], &st),
				 CG_E_NAME);
		assert_int_equal(cg_state_write(&store, names[i], &st),
				 CG_E_NAME);
		assert_int_equal(cg_state_remove(&store, names[i]), CG_E_NAME);
		assert_int_equal(cg_state_lock(&store, names[i], 0, &lk),
				 CG_E_NAME);
		assert_int_equal(lk.fd, -1);
	}
	/* Nothing was created anywhere. */
	assert_int_equal(cg_store_list(&store, &list, &n), CG_OK);
	assert_int_equal(n, 0);
	cg_store_list_free(list, n);
	assert_int_equal(rmdir(state_dir), 0);
	assert_int_equal(mkdir(state_dir, 0700), 0);
	cg_store_close(&store);
}

static void test_store_list(void **unused)
{
	static const char *const users[] = { "zoe", "alice", "Bob", "carol" };
	struct cg_store store;
	struct cg_state st;
	struct cg_state_lock lk;
	char path[256], **list;
	size_t n;

	open_store(&store);
	fill_state(&st);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(cg_state_create(&store, users[i], &st), CG_OK);
	assert_int_equal(cg_state_lock(&store, "alice", 0, &lk), CG_OK);
	cg_state_unlock(&lk);
	write_raw(".hidden", VALID, 0600);
	path_in(path, sizeof path, state_dir, "dir");
	assert_int_equal(mkdir(path, 0700), 0);
	path_in(path, sizeof path, state_dir, "link");
	assert_int_equal(symlink("alice", path), 0);
	assert_int_equal(cg_store_list(&store, &list, &n), CG_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "Bob");
	assert_string_equal(list[1], "alice");
	assert_string_equal(list[2], "carol");
	assert_string_equal(list[3], "zoe");
	cg_store_list_free(list, n);
	/* Twice on the same store gives the same answer. */
	assert_int_equal(cg_store_list(&store, &list, &n), CG_OK);
	assert_int_equal(n, 4);
	cg_store_list_free(list, n);
	cg_store_close(&store);
}

/* The child tries the lock the parent holds; exit status is its cg_err. */
static int lock_in_child(const char *user, unsigned timeout_ms)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct cg_store store;
		struct cg_state_lock lk;
		cg_err r;

		if (cg_store_open(state_dir, &store) != CG_OK)
			_exit(100);
		r = cg_state_lock(&store, user, timeout_ms, &lk);
		cg_state_unlock(&lk);
		_exit((int)r);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_store_lock(void **unused)
{
	struct cg_store store;
	struct cg_state_lock lk;
	struct stat sb;
	char path[256];

	open_store(&store);
	assert_int_equal(cg_state_lock(&store, "alice", 1000, &lk), CG_OK);
	assert_true(lk.fd >= 0);
	path_in(path, sizeof path, state_dir, ".alice.lock");
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(lock_in_child("alice", 50), CG_E_LOCK);
	assert_int_equal(lock_in_child("alice", 0), CG_E_LOCK);
	/* Another user's lock is independent. */
	assert_int_equal(lock_in_child("bob", 0), CG_OK);
	cg_state_unlock(&lk);
	assert_int_equal(lk.fd, -1);
	cg_state_unlock(&lk);           /* harmless twice */
	assert_int_equal(lock_in_child("alice", 50), CG_OK);
	cg_store_close(&store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_parse_valid_and_reformat),
		cmocka_unit_test(test_parse_keys_any_order_and_limits),
		cmocka_unit_test(test_parse_rejects_malformed),
		cmocka_unit_test(test_parse_repeat_limits),
		cmocka_unit_test(test_parse_overlong_line),
		cmocka_unit_test(test_format_refuses_invalid),
		cmocka_unit_test(test_name_validation),
#define STORE_TEST(f) cmocka_unit_test_setup_teardown(f, setup_dirs, teardown_dirs)
		STORE_TEST(test_store_create_read_write_remove),
		STORE_TEST(test_store_create_twice),
		STORE_TEST(test_store_read_missing),
		STORE_TEST(test_store_symlink_refused),
		STORE_TEST(test_store_mode_refused),
		STORE_TEST(test_store_dir_checked),
		STORE_TEST(test_store_hardlink_refused),
		STORE_TEST(test_store_owner_refused),
		STORE_TEST(test_store_not_regular),
		STORE_TEST(test_store_garbage_and_size),
		STORE_TEST(test_store_invalid_names),
		STORE_TEST(test_store_list),
		STORE_TEST(test_store_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
