/* The store (lib/store.h) over the files backend, in a private temporary
 * directory: the transaction (what fn sees, what each op does, that the
 * lock is held while fn runs, exclusivity under concurrent updates,
 * stale temp files), and every refusal of a state file that is not what
 * it must be (permissions, symlinks, links, names), listing. */
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
#include "recovery.h"
#include "safefile.h"
#include "seal.h"
#include "state.h"
#include "state_fixture.h"
#include "store.h"
#include "wipe.h"
#include "cg_macros.h"

static char state_dir[64];
static char outside_dir[64];
static char key_path[96];

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static int setup_dirs(void **unused)
{
	(void)unused;
	strcpy(state_dir, "/tmp/cg-state-XXXXXX");
	strcpy(outside_dir, "/tmp/cg-outside-XXXXXX");
	if (mkdtemp(state_dir) == NULL || mkdtemp(outside_dir) == NULL)
		return -1;
	snprintf(key_path, sizeof(key_path), "%s/host.key", outside_dir);
	if (cg_key_create(key_path, NULL) != CG_OK)
		return -1;
	return chmod(state_dir, 0700);
}

static int teardown_dirs(void **unused)
{
	(void)unused;
	nftw(state_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(outside_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void path_in(char *buf, size_t n, const char *dir, const char *name)
{
	int len = snprintf(buf, n, "%s/%s", dir, name);

	assert_true(len > 0 && (size_t)len < n);
}

static bool exists_in_dir(const char *name)
{
	char path[256];
	struct stat sb;

	path_in(path, sizeof(path), state_dir, name);
	return lstat(path, &sb) == 0;
}

static void write_raw(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	path_in(path, sizeof(path), state_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static struct cg_store *open_store(void)
{
	struct cg_store *store = NULL;

	assert_int_equal(cg_store_open_files(state_dir, key_path, &store), CG_OK);
	assert_non_null(store);
	assert_string_equal(cg_store_backend(store), "files");
	return store;
}

static void assert_file_is(const char *path, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

/* ---- the transaction -------------------------------------------------- */

static void test_create_read_put_remove(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st, back;
	struct stat sb;
	char path[256];
	bool replaced = true;

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(store, "alice", &st), CG_OK);
	path_in(path, sizeof(path), state_dir, "alice");
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(cg_store_read(store, "alice", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);

	st.last_step = 56666667;
	st.failures = 0;
	assert_int_equal(cg_store_put(store, "alice", &st, &replaced), CG_OK);
	assert_true(replaced);
	assert_int_equal(cg_store_read(store, "alice", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);
	assert_true(exists_in_dir(".alice.lock"));
	assert_false(exists_in_dir(".alice.tmp"));

	/* Revocation takes the lock file with it. */
	assert_int_equal(cg_store_remove(store, "alice"), CG_OK);
	assert_false(exists_in_dir("alice"));
	assert_false(exists_in_dir(".alice.lock"));
	assert_int_equal(cg_store_read(store, "alice", &back, NULL),
			 CG_E_NOENT);
	assert_int_equal(cg_store_remove(store, "alice"), CG_E_NOENT);
	assert_int_equal(cg_store_put(store, "alice", &st, &replaced), CG_OK);
	assert_false(replaced);
	cg_state_wipe(&back);
	cg_store_close(store);
}

static void test_create_twice(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st, back;

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(store, "bob", &st), CG_OK);
	st.failures = 4;
	assert_int_equal(cg_store_create(store, "bob", &st), CG_E_EXISTS);
	/* The first state is intact. */
	assert_int_equal(cg_store_read(store, "bob", &back, NULL), CG_OK);
	assert_int_equal(back.failures, 3);
	/* A damaged state is still a state: create refuses, put replaces. */
	write_raw("gina", L_HDR "garbage\n", 0600);
	assert_int_equal(cg_store_create(store, "gina", &st), CG_E_EXISTS);
	assert_int_equal(cg_store_put(store, "gina", &st, NULL), CG_OK);
	assert_int_equal(cg_store_read(store, "gina", &back, NULL), CG_OK);
	assert_int_equal(back.failures, 4);
	cg_state_wipe(&back);
	cg_store_close(store);
}

struct probe {
	cg_err found;
	unsigned bad_line;
	enum cg_store_op op;
	cg_err ret;
	int calls;
	int lock_in_child;   /* cg_lock_file's answer to another process */
};

/* Records what fn saw; tries the user's lock from a child process. */
static cg_err probe_fn(struct cg_store_txn *txn, void *arg)
{
	struct probe *p = arg;
	int status;
	pid_t pid;

	p->calls++;
	p->found = txn->found;
	p->bad_line = txn->bad_line;
	pid = fork();
	if (pid == 0) {
		char lock[300];
		int dfd = open(state_dir, O_RDONLY | O_DIRECTORY), fd;

		snprintf(lock, sizeof(lock), ".%s.lock", txn->user);
		_exit((int)cg_lock_file(dfd, lock, 0, &fd));
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	p->lock_in_child = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (p->ret == CG_OK) {
		txn->st.failures = 9;
		txn->op = p->op;
	}
	return p->ret;
}

static void test_update_sees_and_keeps(void **unused)
{
	struct cg_store *store = open_store();
	struct probe p = { .op = CG_STORE_KEEP };
	struct cg_state st;
	struct stat before, after;
	char path[256];
	unsigned bad = 0;

	(void)unused;
	/* No state: fn sees NOENT; KEEP creates nothing. */
	assert_int_equal(cg_store_update(store, "carol", probe_fn, &p, NULL),
			 CG_OK);
	assert_int_equal(p.found, CG_E_NOENT);
	assert_int_equal(p.lock_in_child, CG_E_LOCK);   /* held during fn */
	assert_false(exists_in_dir("carol"));
	/* Damaged: fn sees PARSE and the line. */
	write_raw("carol", L_HDR L_SECRET "garbage\n", 0600);
	path_in(path, sizeof(path), state_dir, "carol");
	assert_int_equal(lstat(path, &before), 0);
	assert_int_equal(cg_store_update(store, "carol", probe_fn, &p, &bad),
			 CG_OK);
	assert_int_equal(p.found, CG_E_PARSE);
	assert_int_equal(p.bad_line, 3);
	assert_int_equal(bad, 3);
	/* A valid state, fn fails: its error, nothing written. */
	fill_state(&st);
	assert_int_equal(cg_store_put(store, "carol", &st, NULL), CG_OK);
	assert_int_equal(lstat(path, &before), 0);
	p.ret = CG_E_RANGE;
	p.op = CG_STORE_WRITE;
	assert_int_equal(cg_store_update(store, "carol", probe_fn, &p, NULL),
			 CG_E_RANGE);
	assert_int_equal(p.found, CG_OK);
	assert_int_equal(lstat(path, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	/* fn writes: one call, the change is there, the lock was free
	 * again afterwards. */
	p.ret = CG_OK;
	p.calls = 0;
	assert_int_equal(cg_store_update(store, "carol", probe_fn, &p, NULL),
			 CG_OK);
	assert_int_equal(p.calls, 1);
	assert_int_equal(cg_store_read(store, "carol", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 9);
	/* REMOVE */
	p.op = CG_STORE_REMOVE;
	assert_int_equal(cg_store_update(store, "carol", probe_fn, &p, NULL),
			 CG_OK);
	assert_false(exists_in_dir("carol"));
	assert_false(exists_in_dir(".carol.lock"));
	cg_state_wipe(&st);
	cg_store_close(store);
}

/* ---- format 3: in place, or replaced ----------------------------------- */

static void stat_state(const char *user, struct stat *sb)
{
	char path[256];

	path_in(path, sizeof(path), state_dir, user);
	assert_int_equal(lstat(path, sb), 0);
}

/* The generation in slot 0 and slot 1 (state_slots.c: 8 bytes LE at the
 * start of each slot; slots of 2016 bytes after 64 bytes of header). */
static void slot_gens(const char *user, uint64_t gen[2])
{
	char path[256];
	uint8_t b[8];
	int fd;

	path_in(path, sizeof(path), state_dir, user);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pread(fd, b, 8, 64 + i * 2016), 8);
		gen[i] = 0;
		for (int j = 7; j >= 0; j--)
			gen[i] = gen[i] << 8 | b[j];
	}
	close(fd);
}

/* Updates overwrite the other slot in place: same inode, same size, the
 * generations leapfrog, and every read sees the latest.  Reads leave the
 * access time alone (O_NOATIME: a login would dirty the inode for it). */
static void test_in_place_alternates(void **unused)
{
	const struct timespec old_atime[2] = { { 1000000000, 0 },
					       { 0, UTIME_OMIT } };
	struct cg_store *store = open_store();
	struct cg_state st, back;
	struct stat first, now;
	uint64_t gen[2];
	char path[256];

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(store, "fay", &st), CG_OK);
	stat_state("fay", &first);
	assert_int_equal(first.st_size, 4096);
	slot_gens("fay", gen);
	assert_true(gen[0] == 1 && gen[1] == 0);
	path_in(path, sizeof(path), state_dir, "fay");
	for (int i = 1; i <= 5; i++) {
		st.failures = (unsigned)i;
		assert_int_equal(utimensat(AT_FDCWD, path, old_atime, 0), 0);
		assert_int_equal(cg_store_put(store, "fay", &st, NULL), CG_OK);
		assert_int_equal(cg_store_read(store, "fay", &back, NULL), CG_OK);
		assert_states_equal(&st, &back);
		stat_state("fay", &now);
		assert_int_equal(now.st_atime, 1000000000);
		assert_int_equal(now.st_ino, first.st_ino);
		assert_int_equal(now.st_size, 4096);
		slot_gens("fay", gen);
		assert_int_equal(gen[i % 2], (uint64_t)i + 1);
		assert_int_equal(gen[1 - i % 2], (uint64_t)i);
	}
	cg_store_close(store);
}

/* A format-1 file is read, and its next write replaces it by format 3;
 * a state that outgrows its slots gets a bigger file, kept after. */
static void test_converted_and_grown(void **unused)
{
	char codes[CG_RECOVERY_MAX][CG_RECOVERY_CODE_SIZE];
	struct cg_store *store = open_store();
	struct cg_state st, back;
	struct stat before, now;
	char path[256];
	char head[17];
	int fd;

	(void)unused;
	write_raw("gus", VALID, 0600);
	stat_state("gus", &before);
	assert_int_equal(cg_store_read(store, "gus", &st, NULL), CG_OK);
	assert_int_equal(cg_store_put(store, "gus", &st, NULL), CG_OK);
	stat_state("gus", &now);
	assert_true(now.st_ino != before.st_ino);
	assert_int_equal(now.st_size, 4096);
	path_in(path, sizeof(path), state_dir, "gus");
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(read(fd, head, sizeof(head)), (ssize_t)sizeof(head));
	close(fd);
	assert_memory_equal(head, "credgate-state 3\n", sizeof(head));

	assert_int_equal(cg_recovery_regenerate(&st, CG_RECOVERY_MAX, codes),
			 CG_OK);
	assert_int_equal(cg_store_put(store, "gus", &st, NULL), CG_OK);
	stat_state("gus", &before);
	assert_int_equal(before.st_size, 8192);
	assert_int_equal(cg_store_read(store, "gus", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);
	st.nrecovery = 1;
	assert_int_equal(cg_store_put(store, "gus", &st, NULL), CG_OK);
	stat_state("gus", &now);
	assert_int_equal(now.st_ino, before.st_ino);   /* in place again */
	assert_int_equal(now.st_size, 8192);
	assert_int_equal(cg_store_read(store, "gus", &back, NULL), CG_OK);
	assert_states_equal(&st, &back);
	cg_wipe_array(codes);
	cg_state_wipe(&st);
	cg_store_close(store);
}

/* A writer killed mid-write leaves ".USER.tmp"; the next write under the
 * lock removes it, and no other temp name is ever used. */
static void test_stale_temp_removed(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st;

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(store, "dave", &st), CG_OK);
	write_raw(".dave.tmp", "half a sta", 0600);
	st.failures = 1;
	assert_int_equal(cg_store_put(store, "dave", &st, NULL), CG_OK);
	assert_false(exists_in_dir(".dave.tmp"));
	assert_int_equal(cg_store_read(store, "dave", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 1);
	cg_store_close(store);
}

static cg_err increment_fn(struct cg_store_txn *txn, void *arg)
{
	(void)arg;
	if (txn->found != CG_OK)
		return txn->found;
	txn->st.failures++;
	txn->op = CG_STORE_WRITE;
	return CG_OK;
}

/* Read-modify-write from several processes at once loses nothing. */
static void test_concurrent_updates(void **unused)
{
	enum { PROCS = 4, EACH = 25 };
	struct cg_store *store = open_store();
	struct cg_state st;
	pid_t pids[PROCS];
	int status;

	(void)unused;
	fill_state(&st);
	st.failures = 0;
	assert_int_equal(cg_store_create(store, "erin", &st), CG_OK);
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct cg_store *s = NULL;

			if (cg_store_open_files(state_dir, key_path, &s) != CG_OK)
				_exit(100);
			for (int k = 0; k < EACH; k++)
				if (cg_store_update(s, "erin", increment_fn,
						    NULL, NULL) != CG_OK)
					_exit(101);
			cg_store_close(s);
			_exit(0);
		}
	}
	for (int i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(cg_store_read(store, "erin", &st, NULL), CG_OK);
	assert_int_equal(st.failures, PROCS * EACH);
	cg_state_wipe(&st);
	cg_store_close(store);
}

/* A transaction after a snapshot read of the same user takes what the
 * snapshot unsealed only while the file and the key are what it saw. */
static void test_snapshot_taken_only_when_unchanged(void **unused)
{
	struct cg_store *a = open_store(), *b = open_store();
	struct cg_state st;

	(void)unused;
	fill_state(&st);
	st.failures = 1;
	assert_int_equal(cg_store_create(a, "dave", &st), CG_OK);
	/* Changed by another process in between: the bytes now count. */
	assert_int_equal(cg_store_read(a, "dave", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 1);
	assert_int_equal(cg_store_update(b, "dave", increment_fn, NULL, NULL),
			 CG_OK);
	assert_int_equal(cg_store_update(a, "dave", increment_fn, NULL, NULL),
			 CG_OK);
	assert_int_equal(cg_store_read(b, "dave", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 3);
	/* Unchanged: taken, and the write goes on from it. */
	assert_int_equal(cg_store_read(a, "dave", &st, NULL), CG_OK);
	assert_int_equal(cg_store_update(a, "dave", increment_fn, NULL, NULL),
			 CG_OK);
	assert_int_equal(cg_store_read(b, "dave", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 4);
	/* Another user's snapshot is never taken. */
	assert_int_equal(cg_store_create(a, "erin", &st), CG_OK);
	assert_int_equal(cg_store_read(a, "erin", &st, NULL), CG_OK);
	assert_int_equal(cg_store_update(a, "dave", increment_fn, NULL, NULL),
			 CG_OK);
	assert_int_equal(cg_store_read(b, "dave", &st, NULL), CG_OK);
	assert_int_equal(st.failures, 5);
	/* The host key replaced, the file not: the file no longer opens,
	 * whatever the snapshot unsealed before. */
	assert_int_equal(cg_store_read(a, "dave", &st, NULL), CG_OK);
	assert_int_equal(unlink(key_path), 0);
	assert_int_equal(cg_key_create(key_path, NULL), CG_OK);
	assert_int_equal(cg_store_update(a, "dave", increment_fn, NULL, NULL),
			 CG_E_UNSEAL);
	cg_state_wipe(&st);
	cg_store_close(a);
	cg_store_close(b);
}

/* The host key is looked at again by every read: one rewritten in place
 * (same inode, same size) or made readable by others between two reads
 * of one store is noticed. */
static void test_key_looked_at_every_read(void **unused)
{
	struct cg_store *a = open_store();
	struct cg_state st;
	uint8_t other[CG_KEY_LEN];
	int fd;

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(a, "fred", &st), CG_OK);
	assert_int_equal(cg_store_read(a, "fred", &st, NULL), CG_OK);
	memset(other, 0x5a, sizeof(other));
	fd = open(key_path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, other, sizeof(other)), (ssize_t)sizeof(other));
	close(fd);
	assert_int_equal(cg_store_read(a, "fred", &st, NULL), CG_E_UNSEAL);
	assert_int_equal(chmod(key_path, 0644), 0);
	assert_int_equal(cg_store_read(a, "fred", &st, NULL), CG_E_UNSEAL);
	assert_non_null(strstr(cg_store_why(a), "permissions"));
	cg_state_wipe(&st);
	cg_store_close(a);
}

/* ---- refusals --------------------------------------------------------- */

static void test_read_missing(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st;

	(void)unused;
	assert_int_equal(cg_store_read(store, "nobody", &st, NULL), CG_E_NOENT);
	cg_store_close(store);
}

static void test_symlink_refused(void **unused)
{
	struct cg_store *store;
	struct cg_state st;
	char target[256], link_path[256];
	unsigned bad = 7;
	int fd;

	(void)unused;
	path_in(target, sizeof(target), outside_dir, "victim");
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, VALID, strlen(VALID)), (ssize_t)strlen(VALID));
	close(fd);
	path_in(link_path, sizeof(link_path), state_dir, "alice");
	assert_int_equal(symlink(target, link_path), 0);

	store = open_store();
	assert_int_equal(cg_store_read(store, "alice", &st, &bad),
			 CG_E_SYMLINK);
	assert_int_equal(bad, 0);
	fill_state(&st);
	/* Neither a create nor a forced write nor a removal goes through
	 * it: the transaction ends at the read. */
	assert_int_equal(cg_store_create(store, "alice", &st), CG_E_SYMLINK);
	assert_int_equal(cg_store_put(store, "alice", &st, NULL),
			 CG_E_SYMLINK);
	assert_int_equal(cg_store_remove(store, "alice"), CG_E_SYMLINK);
	assert_file_is(target, VALID);
	assert_true(exists_in_dir("alice"));
	cg_store_close(store);
}

static void test_mode_refused(void **unused)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0610, 0601, 0660 };
	struct cg_store *store = open_store();
	struct cg_state st;

	(void)unused;
	write_raw("carol", VALID, 0644);
	for (size_t i = 0; i < CG_ARRAY_SIZE(modes); i++) {
		char path[256];

		path_in(path, sizeof(path), state_dir, "carol");
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(cg_store_read(store, "carol", &st, NULL),
				 CG_E_MODE);
	}
	cg_store_close(store);
}

static void test_dir_checked(void **unused)
{
	struct cg_store *store = NULL;
	char sub[256];

	(void)unused;
	assert_int_equal(chmod(state_dir, 0755), 0);
	assert_int_equal(cg_store_open_files(state_dir, key_path, &store), CG_E_MODE);
	assert_null(store);
	assert_int_equal(chmod(state_dir, 0710), 0);
	assert_int_equal(cg_store_open_files(state_dir, key_path, &store), CG_E_MODE);
	assert_int_equal(chmod(state_dir, 0700), 0);
	assert_int_equal(cg_store_open_files("tmp/relative", key_path, &store),
			 CG_E_INVAL);
	path_in(sub, sizeof(sub), state_dir, "missing");
	assert_int_equal(cg_store_open_files(sub, key_path, &store), CG_E_NOENT);
	/* A symlink to a good directory is still a symlink. */
	path_in(sub, sizeof(sub), outside_dir, "link");
	assert_int_equal(symlink(state_dir, sub), 0);
	assert_int_equal(cg_store_open_files(sub, key_path, &store), CG_E_SYMLINK);
	cg_store_close(NULL);           /* harmless */
}

static void test_hardlink_refused(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st;
	char a[256], b[256];

	(void)unused;
	fill_state(&st);
	assert_int_equal(cg_store_create(store, "dave", &st), CG_OK);
	path_in(a, sizeof(a), state_dir, "dave");
	path_in(b, sizeof(b), state_dir, "erin");
	assert_int_equal(link(a, b), 0);
	assert_int_equal(cg_store_read(store, "dave", &st, NULL), CG_E_NLINK);
	assert_int_equal(cg_store_read(store, "erin", &st, NULL), CG_E_NLINK);
	cg_store_close(store);
}

static void test_owner_refused(void **unused)
{
	struct cg_store *store;
	struct cg_state st;
	char path[256];

	(void)unused;
	if (geteuid() != 0)
		skip();
	store = open_store();
	write_raw("frank", VALID, 0600);
	path_in(path, sizeof(path), state_dir, "frank");
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(cg_store_read(store, "frank", &st, NULL), CG_E_OWNER);
	cg_store_close(store);
	assert_int_equal(chown(state_dir, 65534, 0), 0);
	assert_int_equal(cg_store_open_files(state_dir, key_path, &store), CG_E_OWNER);
}

static void test_not_regular(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st;
	char path[256];

	(void)unused;
	path_in(path, sizeof(path), state_dir, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Must not block waiting for a writer. */
	assert_int_equal(cg_store_read(store, "fifo", &st, NULL), CG_E_NOTREG);
	path_in(path, sizeof(path), state_dir, "subdir");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(cg_store_read(store, "subdir", &st, NULL),
			 CG_E_NOTREG);
	cg_store_close(store);
}

static void test_garbage_and_size(void **unused)
{
	struct cg_store *store = open_store();
	struct cg_state st;
	unsigned bad = 0;
	char *big;

	(void)unused;
	write_raw("gina", L_HDR L_SECRET "garbage\n", 0600);
	assert_int_equal(cg_store_read(store, "gina", &st, &bad), CG_E_PARSE);
	assert_int_equal(bad, 3);
	big = malloc(CG_STATE_MAX_BYTES + 2);
	assert_non_null(big);
	memset(big, 'x', CG_STATE_MAX_BYTES + 1);
	big[CG_STATE_MAX_BYTES + 1] = '\0';
	write_raw("huge", big, 0600);
	free(big);
	assert_int_equal(cg_store_read(store, "huge", &st, &bad), CG_E_TOOBIG);
	cg_store_close(store);
}

static void test_invalid_names(void **unused)
{
	static const char *const names[] = {
		"../x", ".hidden", "-x", "a/b", "", "..", ".", "a b", "x\n",
		/* overlong */
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu",
	};
	struct cg_store *store = open_store();
	struct probe p = { .op = CG_STORE_WRITE };
	struct cg_state st;
	char **list;
	size_t n;

	(void)unused;
	fill_state(&st);
	for (size_t i = 0; i < CG_ARRAY_SIZE(names); i++) {
		assert_int_equal(cg_store_read(store, names[i], &st, NULL),
				 CG_E_NAME);
		assert_int_equal(cg_store_create(store, names[i], &st),
				 CG_E_NAME);
		assert_int_equal(cg_store_put(store, names[i], &st, NULL),
				 CG_E_NAME);
		assert_int_equal(cg_store_remove(store, names[i]), CG_E_NAME);
		assert_int_equal(cg_store_update(store, names[i], probe_fn, &p,
						 NULL), CG_E_NAME);
	}
	assert_int_equal(p.calls, 0);
	/* Nothing was created anywhere. */
	assert_int_equal(cg_store_list(store, &list, &n), CG_OK);
	assert_int_equal(n, 0);
	cg_store_list_free(list, n);
	assert_int_equal(rmdir(state_dir), 0);
	assert_int_equal(mkdir(state_dir, 0700), 0);
	cg_store_close(store);
}

static void test_list(void **unused)
{
	static const char *const users[] = { "zoe", "alice", "Bob", "carol" };
	struct cg_store *store = open_store();
	struct cg_state st;
	char path[256], **list;
	size_t n;

	(void)unused;
	fill_state(&st);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(cg_store_create(store, users[i], &st), CG_OK);
	write_raw(".hidden", VALID, 0600);
	write_raw(".alice.tmp", VALID, 0600);
	path_in(path, sizeof(path), state_dir, "dir");
	assert_int_equal(mkdir(path, 0700), 0);
	path_in(path, sizeof(path), state_dir, "link");
	assert_int_equal(symlink("alice", path), 0);
	assert_int_equal(cg_store_list(store, &list, &n), CG_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "Bob");
	assert_string_equal(list[1], "alice");
	assert_string_equal(list[2], "carol");
	assert_string_equal(list[3], "zoe");
	cg_store_list_free(list, n);
	/* Twice on the same store gives the same answer. */
	assert_int_equal(cg_store_list(store, &list, &n), CG_OK);
	assert_int_equal(n, 4);
	cg_store_list_free(list, n);
	cg_store_close(store);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_dirs, teardown_dirs)
	const struct CMUnitTest tests[] = {
		T(test_create_read_put_remove),
		T(test_create_twice),
		T(test_update_sees_and_keeps),
		T(test_stale_temp_removed),
		T(test_in_place_alternates),
		T(test_converted_and_grown),
		T(test_concurrent_updates),
		T(test_snapshot_taken_only_when_unchanged),
		T(test_key_looked_at_every_read),
		T(test_read_missing),
		T(test_symlink_refused),
		T(test_mode_refused),
		T(test_dir_checked),
		T(test_hardlink_refused),
		T(test_owner_refused),
		T(test_not_regular),
		T(test_garbage_and_size),
		T(test_invalid_names),
		T(test_list),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
