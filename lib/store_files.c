/* The files backend of the store: one root-only directory, one state file
 * per user ("USER", sealed under the host key: state_sealed.c), one lock
 * file per user (".USER.lock") and, only while a write is under way, one
 * temp file per user (".USER.tmp").
 * Every name used here is a checked user name relative to the checked
 * directory fd, so nothing a user controls becomes a path.
 *
 * Exclusivity is pessimistic: read_locked takes flock on the lock file
 * before reading, and holds it until release, after the write is durable.
 *
 * Two ways to write (DESIGN.md rule 3, both crash-safe):
 * - in place, the usual one: the file is format 3 (two sealed slots,
 *   state_slots.c) and the new state fits a slot, so the slot that does
 *   not hold the state just read is overwritten with generation + 1, one
 *   pwrite and one fdatasync (cg_write_at).  No temp file, no rename, no
 *   directory sync, no size change and no new block: the file system has
 *   no metadata to commit, and a full file system cannot refuse it.  A
 *   crash half-way leaves that slot failing its tag and the other slot,
 *   untouched, holding the state as it was: the attempt was not accepted
 *   (it counts only once fdatasync returned).  A failed write or sync is
 *   undone at once (the slot's old bytes written back, best effort, no
 *   sync: a crash may still show the new slot, which records an attempt
 *   that was refused -- more cautious, never less).
 * - by replacement, for everything else (a new user, a file of format 1
 *   or 2, a state that outgrew its slots, one sealed under a key other
 *   than the one writes use now, damaged content): a new format-3 file in
 *   the temp file, fsync, rename, directory fsync.
 *   The temp name is fixed per user: only the lock holder writes it, and
 *   a temp file left by a writer killed mid-write (SIGKILL cannot be
 *   blocked) is removed by the next replacement under the same lock.
 * A lockless snapshot read (files_read) may meet a slot being written: it
 * fails its tag and the other slot is taken; should both fail (two writes
 * during one read) the read is retried.  Names starting with
 * '.' are never user names, so lock and temp files cannot collide with a
 * state file; ".A.tmp" can never equal ".B.lock".
 *
 * Keys: the host key (defaults.host_key) and, while `credgate-enroll
 * rekey` runs, the new key next to it (HOST_KEY.new).  Both are looked
 * at afresh at the start of every read, under the user's lock, and
 * loaded again when their file changed (key_reload), so a state that
 * rekey sealed under the new key is readable by every transaction that
 * comes after it; every write seals under the new key if there is one.
 * Their directory is walked and checked once, at the first read, and
 * its fd kept like the state directory's: every later look is two
 * fstatat calls in it, not two walks from "/" (a login reads twice).
 * A clear format-1 state is read without a key and sealed on its next
 * write; no write happens without a key.
 *
 * A login's second read finds, as a rule, the bytes its first read
 * opened: it then takes the state the first read unsealed
 * (snapshot_take) instead of unsealing again. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "safefile.h"
#include "seal.h"
#include "state_sealed.h"
#include "store.h"
#include "store_backend.h"
#include "wipe.h"
#include "hex.h"
#include "cg_macros.h"

_Static_assert(CG_USER_NAME_LEN < CG_USER_MAX, "user buffer");
_Static_assert(CG_USER_NAME_LEN + 6 <= NAME_MAX, "lock file name");

/* ".USER.lock", ".USER.tmp" */
#define AUX_NAME_SIZE (CG_USER_NAME_LEN + 7)

#define NEW_KEY_SUFFIX ".new"

/* The last snapshot read's bytes and what they opened to (see
 * snapshot_take). */
struct snapshot {
	bool valid;
	char user[CG_USER_MAX];
	char *bytes;                  /* the file as read: no secret in it */
	size_t len;
	struct cg_state st;           /* the secret: wiped when dropped */
	struct cg_state_form form;
};

struct files_store {
	int dirfd;
	int keydir;                   /* the host key's directory, or -1 */
	char key_path[PATH_MAX];
	char new_key_path[PATH_MAX + sizeof(NEW_KEY_SUFFIX)];
	struct cg_key key, new_key;
	cg_err key_err, new_key_err;  /* CG_OK when loaded */
	struct stat key_seen, new_key_seen;  /* the files they came from */
	struct snapshot snap;
	char why[PATH_MAX + 320];     /* what the last failure was about */
};

/* Snapshot reads retried when a slotted file opened in neither slot. */
#define SNAPSHOT_TRIES 3

/* One open transaction: the held lock, and what an in-place commit
 * needs of the file read under it. */
struct files_txn {
	int lockfd;
	int fd;                       /* the state file (O_RDWR), or -1 */
	uint8_t *file;                /* its bytes as read (sealed only) */
	size_t flen;
	bool in_place;                /* format 3, opened, not stale */
	struct cg_state_form form;
	char user[CG_USER_MAX];
};

/* ".USER.SUFFIX"; user passed cg_user_name_valid (<= CG_USER_NAME_LEN),
 * suffix is "lock" or "tmp". */
static void aux_name(char out[AUX_NAME_SIZE], const char *user,
		     const char *suffix)
{
	size_t u = strnlen(user, CG_USER_NAME_LEN), x = strnlen(suffix, 4);

	out[0] = '.';
	memcpy(out + 1, user, u);
	out[1 + u] = '.';
	memcpy(out + 2 + u, suffix, x);
	out[2 + u + x] = '\0';
}

cg_err cg_store_files_open(const char *state_dir, const char *host_key,
			   void **be_out)
{
	struct files_store *fs;
	cg_err e;

	*be_out = NULL;
	if (host_key == NULL || host_key[0] != '/' ||
	    strlen(host_key) >= sizeof(fs->key_path))
		return CG_E_INVAL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return CG_E_NOMEM;
	fs->dirfd = fs->keydir = -1;
	memcpy(fs->key_path, host_key, strlen(host_key) + 1);
	snprintf(fs->new_key_path, sizeof(fs->new_key_path), "%s%s", host_key,
		 NEW_KEY_SUFFIX);
	fs->key_err = fs->new_key_err = CG_E_NOENT;
	/* Root's, and nobody else may even list it: 077 forbidden. */
	if ((e = cg_open_dir(state_dir, 077, &fs->dirfd)) != CG_OK) {
		free(fs);
		return e;
	}
	*be_out = fs;
	return CG_OK;
}

static void snapshot_drop(struct snapshot *sn)
{
	if (sn->valid)
		cg_state_wipe(&sn->st);
	free(sn->bytes);
	memset(sn, 0, sizeof(*sn));
}

/* Remember what a snapshot read of user opened (best effort: without
 * memory, nothing is remembered). */
static void snapshot_keep(struct snapshot *sn, const char *user,
			  const char *bytes, size_t len,
			  const struct cg_state *st,
			  const struct cg_state_form *form)
{
	snapshot_drop(sn);
	if ((sn->bytes = malloc(len + 1)) == NULL)
		return;
	memcpy(sn->bytes, bytes, len);
	sn->len = len;
	memcpy(sn->user, user, strlen(user) + 1);  /* valid: < CG_USER_MAX */
	sn->st = *st;
	sn->form = *form;
	sn->valid = true;
}

/* A login reads its user's state twice: before the prompt (a snapshot,
 * no lock) and in the transaction, under the lock.  When the locked read
 * finds the very bytes the snapshot opened, for the same user, and the
 * key that opened them is still one this store holds, unsealing them
 * again would give the same state (the seal is deterministic given key,
 * bytes and user): take the snapshot's instead, once.  Every path of a
 * login still unseals exactly once (the decoy's included), so the time
 * a wrong code takes still tells nothing. */
static bool snapshot_take(struct files_store *fs, const char *user,
			  const char *bytes, size_t len,
			  struct cg_state *out, struct cg_state_form *form)
{
	struct snapshot *sn = &fs->snap;
	const uint8_t *id = sn->form.key_id;
	bool key_held;

	if (!sn->valid || strcmp(sn->user, user) != 0 || sn->len != len ||
	    memcmp(sn->bytes, bytes, len) != 0)
		return false;
	key_held = sn->form.version == 1 ||
		   (fs->key_err == CG_OK &&
		    memcmp(fs->key.id, id, CG_KEY_ID_LEN) == 0) ||
		   (fs->new_key_err == CG_OK &&
		    memcmp(fs->new_key.id, id, CG_KEY_ID_LEN) == 0);
	if (!key_held)
		return false;
	*out = sn->st;
	*form = sn->form;
	snapshot_drop(sn);
	return true;
}

static void files_close(void *be)
{
	struct files_store *fs = be;

	if (fs == NULL)
		return;
	if (fs->dirfd >= 0)
		close(fs->dirfd);
	if (fs->keydir >= 0)
		close(fs->keydir);
	cg_key_wipe(&fs->key);
	cg_key_wipe(&fs->new_key);
	snapshot_drop(&fs->snap);
	cg_freezero(fs, sizeof(*fs));
}

static const char *files_why(void *be)
{
	return ((struct files_store *)be)->why;
}

/* Load one key file into *k (*err: how that went), unless it is still
 * the file the last load read, or still missing.  A login reads twice in
 * one store (before the prompt, then in the transaction); the second
 * read then costs one fstatat, not open, fstat, read, close and the key
 * id's HMAC.  Still the file = same device, inode, size, mode, owner,
 * mtime and ctime: init and rekey put a key in place by rename (a new
 * inode), and a write, chmod or chown changes ctime (a timestamp the
 * kernel makes fine-grained once it was queried).  *seen is taken before
 * the load, so a file replaced meanwhile is loaded again next time. */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size && a->st_mode == b->st_mode &&
	       a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void key_reload(int dirfd, const char *name, struct cg_key *k,
		       cg_err *err, struct stat *seen)
{
	struct stat now;

	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT && *err == CG_E_NOENT)
			return;
		memset(&now, 0, sizeof(now));
	} else if (*err == CG_OK && same_file(&now, seen)) {
		return;
	}
	*err = cg_key_load_at(dirfd, name, k);
	*seen = now;
}

/* Load the host key and a pending new key (rekey under way).  A key
 * directory that would not open is tried again at the next load; its
 * refusal stands for both keys, as a walk to each would have said. */
static void keys_load(struct files_store *fs)
{
	const char *base = NULL;
	size_t dirlen;
	cg_err e;

	if (fs->keydir < 0 &&
	    (e = cg_key_dir_open(fs->key_path, &fs->keydir, &base)) != CG_OK) {
		fs->keydir = -1;
		cg_key_wipe(&fs->key);
		cg_key_wipe(&fs->new_key);
		fs->key_err = fs->new_key_err = e;
		return;
	}
	/* Both names start after the key path's last '/'. */
	dirlen = (size_t)(strrchr(fs->key_path, '/') - fs->key_path) + 1;
	key_reload(fs->keydir, fs->key_path + dirlen, &fs->key, &fs->key_err,
		   &fs->key_seen);
	key_reload(fs->keydir, fs->new_key_path + dirlen, &fs->new_key,
		   &fs->new_key_err, &fs->new_key_seen);
}

static void key_problem(struct files_store *fs, const char *path, cg_err e)
{
	snprintf(fs->why, sizeof(fs->why), "host key %s: %s", path,
		 e == CG_E_NOENT ? "missing (credgate-enroll init creates it)" :
		 cg_strerror(e));
}

/* The key new states are sealed under: the pending new key if there is
 * one (and it is sound), else the host key. */
static cg_err write_key(struct files_store *fs, const struct cg_key **k)
{
	if (fs->new_key_err == CG_OK) {
		*k = &fs->new_key;
		return CG_OK;
	}
	if (fs->new_key_err != CG_E_NOENT) {
		key_problem(fs, fs->new_key_path, fs->new_key_err);
		return CG_E_KEY;
	}
	if (fs->key_err != CG_OK) {
		key_problem(fs, fs->key_path, fs->key_err);
		return CG_E_KEY;
	}
	*k = &fs->key;
	return CG_OK;
}

/* Why a sealed state did not open, for the log. */
static void open_problem(struct files_store *fs, cg_err e,
			 const struct cg_state_form *form)
{
	char id[2 * CG_KEY_ID_LEN + 1];

	if (e != CG_E_UNSEAL)
		return;
	if (!form->unknown_key) {
		snprintf(fs->why, sizeof(fs->why), "sealed for another user "
			 "or altered");
		return;
	}
	cg_hex_encode(form->key_id, CG_KEY_ID_LEN, id);
	if (fs->key_err != CG_OK)
		key_problem(fs, fs->key_path, fs->key_err);
	else
		snprintf(fs->why, sizeof(fs->why), "sealed under key %s, "
			 "which is not this host's key", id);
}

/* Would a write now store this differently: a file of format 1 or 2, or
 * one sealed under a key other than the one writes use now?  (A stale
 * file is replaced, never updated in place: after a rekey no slot sealed
 * under the old key stays behind.) */
static bool form_stale(struct files_store *fs,
		       const struct cg_state_form *form)
{
	const struct cg_key *k = NULL;

	if (form->version != CG_STATE_VERSION_CURRENT)
		return true;
	if (write_key(fs, &k) != CG_OK)
		return false;           /* nothing to bring it up to */
	fs->why[0] = '\0';
	return memcmp(form->key_id, k->id, CG_KEY_ID_LEN) != 0;
}

/* What one read of the user's file found. */
struct file_read {
	int fd;                       /* with keep_fd: the file, else -1 */
	char *text;                   /* with keep_fd: its bytes */
	size_t len;
	struct cg_state_form form;
	bool stale;
};

static void file_read_done(struct file_read *fr)
{
	if (fr->fd >= 0)
		close(fr->fd);
	if (fr->text != NULL)
		cg_freezero(fr->text, fr->len + 1);
	fr->fd = -1;
	fr->text = NULL;
}

/* Read and open the user's file: regular, one link, trusted owner, no
 * group/other bits at all.  With keep_fd (under the lock) the file is
 * opened for writing too and fd and bytes are kept in *fr, for an
 * in-place commit; the caller then calls file_read_done. */
static cg_err files_read_form(struct files_store *fs, const char *user,
			      struct cg_state *out, unsigned *bad_line,
			      bool keep_fd, struct file_read *fr)
{
	const struct cg_key *keys[2];
	struct stat st;
	cg_err r;

	memset(fr, 0, sizeof(*fr));
	fr->fd = -1;
	fs->why[0] = '\0';
	keys_load(fs);
	keys[0] = fs->key_err == CG_OK ? &fs->key : NULL;
	keys[1] = fs->new_key_err == CG_OK ? &fs->new_key : NULL;
	if ((r = cg_openat_file(fs->dirfd, user, O_NOATIME |
				(keep_fd ? O_RDWR : O_RDONLY), 077, &fr->fd,
				&st)) != CG_OK)
		goto out;
	if ((r = cg_read_file(fr->fd, &st, CG_STATE_MAX_BYTES, &fr->text,
			      &fr->len)) != CG_OK)
		goto out;
	if (keep_fd && snapshot_take(fs, user, fr->text, fr->len, out,
				     &fr->form)) {
		*bad_line = 0;
		r = CG_OK;
	} else {
		r = cg_state_open(fr->text, fr->len, user, keys,
				  CG_ARRAY_SIZE(keys), out, bad_line,
				  &fr->form);
		open_problem(fs, r, &fr->form);
		if (!keep_fd && r == CG_OK)
			snapshot_keep(&fs->snap, user, fr->text, fr->len, out,
				      &fr->form);
	}
	if (r == CG_OK)
		fr->stale = form_stale(fs, &fr->form);
 out:
	if (!keep_fd)
		file_read_done(fr);
	return r;
}

static cg_err files_read(void *be, const char *user, struct cg_state *out,
			 unsigned *bad_line)
{
	const struct timespec nap = { 0, 1000000L };
	struct file_read fr;
	cg_err r;

	for (int i = 0;; i++) {
		r = files_read_form(be, user, out, bad_line, false, &fr);
		if (r == CG_OK || fr.form.version != CG_STATE_VERSION_CURRENT ||
		    !cg_store_damaged(r) || i + 1 == SNAPSHOT_TRIES)
			return r;
		(void)nanosleep(&nap, NULL);
	}
}

static cg_err files_read_locked(void *be, struct cg_store_txn *txn, void **h)
{
	struct files_store *fs = be;
	const char *user = txn->user;
	struct file_read fr;
	struct files_txn *t;
	char lock[AUX_NAME_SIZE];
	cg_err e;

	*h = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return CG_E_NOMEM;
	t->fd = -1;
	aux_name(lock, user, "lock");
	if ((e = cg_lock_file(fs->dirfd, lock, CG_LOCK_TIMEOUT_MS,
			      &t->lockfd)) != CG_OK) {
		free(t);
		return e;
	}
	memcpy(t->user, user, strlen(user) + 1);  /* valid: < CG_USER_MAX */
	e = files_read_form(fs, user, &txn->st, &txn->bad_line, true, &fr);
	txn->stale = e == CG_OK && fr.stale;
	t->form = fr.form;
	t->in_place = e == CG_OK && !fr.stale;  /* stale: not format 3 */
	if (t->in_place) {
		/* Handed over: the bytes are ciphertext and headers only. */
		t->fd = fr.fd;
		t->file = (uint8_t *)fr.text;
		t->flen = fr.len;
		fr.fd = -1;
		fr.text = NULL;
	}
	file_read_done(&fr);
	if (e == CG_OK || e == CG_E_NOENT || cg_store_damaged(e)) {
		*h = t;
		return e;
	}
	close(t->lockfd);
	free(t);
	return e;
}

static void files_release(void *be, void *h)
{
	struct files_txn *t = h;

	(void)be;
	if (t == NULL)
		return;
	if (t->fd >= 0)
		close(t->fd);
	free(t->file);
	if (t->lockfd >= 0)
		close(t->lockfd);
	free(t);
}

/* Overwrite the slot that does not hold the state read, with the next
 * generation: one pwrite, one fdatasync.  CG_E_TOOBIG (nothing written)
 * when st does not fit the file's slots.  A failed write is undone. */
static cg_err commit_in_place(struct files_txn *t, const struct cg_key *k,
			      const struct cg_state *st)
{
	size_t s = t->form.slot_size;
	size_t off = cg_state_slot_offset(s, 1 - t->form.slot);
	uint8_t *slot;
	cg_err r;

	if (off + s > t->flen)
		return CG_E_INVAL;
	if ((slot = malloc(s)) == NULL)
		return CG_E_NOMEM;
	if ((r = cg_state_seal_slot(st, t->user, k, t->form.generation + 1, s,
				    slot)) != CG_OK)
		goto out;
	if ((r = cg_write_at(t->fd, (off_t)off, slot, s, true)) != CG_OK) {
		int saved = errno;

		(void)cg_write_at(t->fd, (off_t)off, t->file + off, s, false);
		errno = saved;
	}
 out:
	free(slot);
	return r;
}

/* Seal st into a new file and put it in place of the old one (if any):
 * temp file, fsync, rename, directory fsync, under the held lock. */
static cg_err commit_replace(struct files_store *fs, struct files_txn *t,
			     const struct cg_key *k, const struct cg_state *st,
			     bool replace)
{
	char tmp[AUX_NAME_SIZE];
	uint8_t *file = NULL;
	size_t len = 0;
	cg_err r;

	/* The generation goes on from the file replaced, if it was ours. */
	if ((r = cg_state_seal_file(st, t->user, k, t->form.generation + 1,
				    t->form.slot_size, &file, &len)) != CG_OK)
		return r;
	aux_name(tmp, t->user, "tmp");
	r = cg_atomic_write_locked(fs->dirfd, t->user, tmp, file, len, 0600,
				   replace);
	free(file);
	return r;
}

/* Write st under the held lock: in place when the file allows it. */
static cg_err files_store(struct files_store *fs, struct files_txn *t,
			  const struct cg_state *st, bool replace)
{
	const struct cg_key *k = NULL;
	cg_err r;

	if ((r = write_key(fs, &k)) != CG_OK)
		return r;
	if (replace && t->in_place) {
		char tmp[AUX_NAME_SIZE];

		/* A temp file a killed replacement left goes now too (not
		 * synced: should the removal be lost, it is harmless and
		 * still the only one). */
		aux_name(tmp, t->user, "tmp");
		(void)unlinkat(fs->dirfd, tmp, 0);
		if ((r = commit_in_place(t, k, st)) != CG_E_TOOBIG)
			return r;
	}
	return commit_replace(fs, t, k, st, replace);
}

static cg_err files_commit(void *be, void *h, const struct cg_state *old,
			   const struct cg_state *st)
{
	(void)old;      /* the lock makes it exclusive: nothing to compare */
	return files_store(be, h, st, true);
}

static cg_err files_create(void *be, void *h, const struct cg_state *st)
{
	return files_store(be, h, st, false);
}

/* The state file, then the lock file while we still hold it: a waiter
 * that then gets the lock finds it no longer named and retakes it on a
 * fresh file (cg_lock_file), so removing it is safe.  A revocation must
 * survive a crash like any other update: the directory is synced. */
static cg_err files_remove(void *be, void *h)
{
	struct files_store *fs = be;
	struct files_txn *t = h;
	char lock[AUX_NAME_SIZE];

	if (unlinkat(fs->dirfd, t->user, 0) != 0)
		return errno == ENOENT ? CG_E_NOENT : CG_E_IO;
	aux_name(lock, t->user, "lock");
	if (unlinkat(fs->dirfd, lock, 0) != 0 && errno != ENOENT)
		return CG_E_IO;
	if (fsync(fs->dirfd) != 0)
		return CG_E_IO;
	return CG_OK;
}

/* Append a copy of name to the growing list. */
static cg_err list_add(char ***list, size_t *n, size_t *cap, const char *name)
{
	char **grown, *copy;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		if ((grown = reallocarray(*list, ncap, sizeof(*grown))) == NULL)
			return CG_E_NOMEM;
		*list = grown;
		*cap = ncap;
	}
	if ((copy = strdup(name)) == NULL)
		return CG_E_NOMEM;
	(*list)[(*n)++] = copy;
	return CG_OK;
}

/* Is this directory entry a state file?  Lock and temp files start with
 * '.', so the name test drops them; lstat-like fstatat drops the rest. */
static bool is_state_entry(int dirfd, const char *name)
{
	struct stat st;

	if (!cg_user_name_valid(name))
		return false;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	return S_ISREG(st.st_mode);
}

static cg_err files_list(void *be, char ***users_out, size_t *n_out)
{
	struct files_store *fs = be;
	char **list = NULL;
	size_t n = 0, cap = 0;
	DIR *d = NULL;
	struct dirent *de;
	int fd;
	cg_err r;

	/* A fresh open of "." has its own offset; the store's fd is kept. */
	if ((fd = openat(fs->dirfd, ".", O_RDONLY | O_DIRECTORY |
			 O_CLOEXEC)) < 0 || (d = fdopendir(fd)) == NULL) {
		r = CG_E_IO;
		goto out;
	}
	fd = -1;
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (!is_state_entry(dirfd(d), de->d_name))
			continue;
		if ((r = list_add(&list, &n, &cap, de->d_name)) != CG_OK)
			goto out;
	}
	if (errno != 0) {
		r = CG_E_IO;
		goto out;
	}
	*users_out = list;
	*n_out = n;
	list = NULL;
	r = CG_OK;
 out:
	if (fd >= 0)
		close(fd);
	if (d != NULL)
		closedir(d);
	cg_store_list_free(list, n);
	return r;
}

const struct cg_store_ops cg_store_files_ops = {
	.name = "files",
	.read_locked = files_read_locked,
	.commit = files_commit,
	.create = files_create,
	.remove = files_remove,
	.release = files_release,
	.read = files_read,
	.list = files_list,
	.close = files_close,
	.why = files_why,
};
