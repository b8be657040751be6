/* The git worker: one process per repository, running as the
 * repository's owner, that lists every blob reachable from any ref with
 * libgit2 and streams it to the scanner (scan_git.h).
 *
 * Why libgit2, and why like this.  The scanner runs as root and meets
 * repositories owned by users.  The git command line in a user's
 * repository obeys that user's configuration — core.fsmonitor,
 * core.pager, filters, hooks — and runs whatever it names; git refuses
 * such "dubious ownership" for that reason (CVE-2022-24765).  libgit2
 * runs no hooks, no filters (only on checkout, which is never done here)
 * and no fsmonitor: reading objects executes nothing.  It still parses
 * the user's files, and a parser bug should not be worth a root shell
 * or a secret, so:
 *   - the worker drops to the owner (uid, gid, their groups) first, for
 *     good: it can then read only what the owner can read anyway (an
 *     objects/info/alternates or gitdir file pointing at root's
 *     repositories gets nowhere);
 *   - it is forked from a helper that was forked before any credential
 *     was read, so no needle is in its memory to leak;
 *   - libgit2 (with libssh2, Kerberos, mbedTLS behind it) is dlopen()ed
 *     only here, so neither the setuid credgate-enroll nor the root
 *     scanner ever maps it;
 *   - no system, XDG or global git configuration is read (empty search
 *     paths, like GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null), and
 *     the repository is opened as a bare git directory (no work tree).
 *
 * Order: every commit reachable from any ref (and HEAD), collected with
 * their parents by hand so a missing or corrupt commit costs only itself
 * (reported), then visited oldest first, so each blob is reported with
 * the first commit and path that had it.  Trees and blobs are visited
 * once each (a tree seen before holds nothing new). */
#include "config.h"
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <git2.h>
#include "cg_macros.h"
#include "privguard.h"
#include "scan_git.h"

#define MAX_ERRORS 100                  /* per repository, then give up */
#define MAX_TREE_DEPTH 512
#define WHAT_MAX (GIT_REC_FILE_MAX + 128)    /* "blob HEX (path)"; records cut it */

#define GIT_FUNCS(X) \
	X(git_libgit2_init) X(git_libgit2_opts) X(git_error_last) \
	X(git_repository_open_ext) X(git_repository_odb) \
	X(git_odb_read_header) \
	X(git_reference_iterator_new) X(git_reference_next) \
	X(git_reference_iterator_free) X(git_reference_peel) \
	X(git_reference_name) X(git_reference_free) X(git_reference_name_to_id) \
	X(git_object_type) X(git_object_id) X(git_object_free) \
	X(git_commit_lookup) X(git_commit_tree_id) X(git_commit_time) \
	X(git_commit_parentcount) X(git_commit_parent_id) X(git_commit_free) \
	X(git_tree_lookup) X(git_tree_entrycount) X(git_tree_entry_byindex) \
	X(git_tree_entry_type) X(git_tree_entry_id) X(git_tree_entry_name) \
	X(git_tree_free) X(git_blob_lookup) X(git_blob_rawsize) \
	X(git_blob_rawcontent) X(git_blob_free) X(git_oid_fmt)

static struct {
#define X(f) __typeof__(f) *f;
	GIT_FUNCS(X)
#undef X
} G;

/* A set of object ids (open addressing; the null id marks a free slot). */
struct oidset {
	git_oid *v;
	size_t n, cap;
};

struct commit_ref {
	git_oid id;
	int64_t time;
};

struct worker {
	int out;
	uint64_t max_size;
	git_repository *repo;
	git_odb *odb;
	struct oidset seen;             /* trees and blobs */
	struct oidset commits_seen;
	struct commit_ref *commits;
	size_t ncommits, commits_cap;
	char commit[GIT_REC_COMMIT_MAX];  /* hex, or the ref naming a tree
					   * or blob */
	uint64_t commits_read;
	char path[GIT_REC_FILE_MAX];
	unsigned errors;
};

/* ---- records --------------------------------------------------------- */

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(GIT_WORKER_PIPE);
		c += w;
		n -= (size_t)w;
	}
}

static void send_record(struct worker *w, uint32_t type, const char *file,
			uint64_t dlen, const void *data)
{
	struct git_record r = { type, 0, 0, 0, dlen };
	size_t flen = strlen(file);

	r.clen = (uint32_t)strlen(w->commit);
	r.flen = (uint32_t)(flen < GIT_REC_FILE_MAX ? flen : GIT_REC_FILE_MAX - 1);
	write_all(w->out, &r, sizeof(r));
	write_all(w->out, w->commit, r.clen);
	write_all(w->out, file, r.flen);
	if (type == GIT_REC_BLOB)
		write_all(w->out, data, (size_t)dlen);
}

/* What libgit2 said went wrong, about `what`; after MAX_ERRORS the
 * repository is given up. */
static void git_fail(struct worker *w, const char *what)
{
	const git_error *e = G.git_error_last();
	char msg[WHAT_MAX + 512];

	snprintf(msg, sizeof(msg), "%s: %s", what,
		 e != NULL && e->message != NULL ? e->message : "failed");
	send_record(w, GIT_REC_ERROR, msg, 0, NULL);
	if (++w->errors >= MAX_ERRORS) {
		send_record(w, GIT_REC_ERROR, "too many errors: the rest of "
			    "this history was not read", 0, NULL);
		_exit(GIT_WORKER_OK);
	}
}

/* ---- object id sets ---------------------------------------------------- */

static bool oid_null(const git_oid *id)
{
	static const git_oid zero;

	return memcmp(id->id, zero.id, GIT_OID_RAWSZ) == 0;
}

static size_t oid_slot(const struct oidset *s, const git_oid *id)
{
	uint64_t h;
	size_t i;

	memcpy(&h, id->id, sizeof(h));  /* an id is a hash already */
	for (i = (size_t)h & (s->cap - 1);
	     !oid_null(&s->v[i]) &&
	     memcmp(s->v[i].id, id->id, GIT_OID_RAWSZ) != 0;
	     i = (i + 1) & (s->cap - 1))
		;
	return i;
}

static void oidset_grow(struct oidset *s)
{
	struct oidset old = *s;

	s->cap = old.cap > 0 ? old.cap * 2 : 4096;
	if ((s->v = calloc(s->cap, sizeof(*s->v))) == NULL)
		_exit(GIT_WORKER_OK);   /* out of memory: the scanner reports it */
	for (size_t i = 0; i < old.cap; i++)
		if (!oid_null(&old.v[i]))
			s->v[oid_slot(s, &old.v[i])] = old.v[i];
	free(old.v);
}

/* True when id was not in the set (and now is). */
static bool oidset_add(struct oidset *s, const git_oid *id)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap)
		oidset_grow(s);
	i = oid_slot(s, id);
	if (!oid_null(&s->v[i]))
		return false;
	s->v[i] = *id;
	s->n++;
	return true;
}

/* ---- blobs and trees ---------------------------------------------------- */

static void visit_blob(struct worker *w, const git_oid *id)
{
	size_t size = 0;
	git_object_t type;
	git_blob *b;
	char hex[GIT_OID_HEXSZ + 1] = { 0 }, what[WHAT_MAX];

	if (!oidset_add(&w->seen, id))
		return;
	G.git_oid_fmt(hex, id);
	snprintf(what, sizeof(what), "blob %s (%s)", hex, w->path);
	if (G.git_odb_read_header(&size, &type, w->odb, id) != 0) {
		git_fail(w, what);
		return;
	}
	if (size > w->max_size) {
		send_record(w, GIT_REC_TOO_BIG, w->path, size, NULL);
		return;
	}
	if (G.git_blob_lookup(&b, w->repo, id) != 0) {
		git_fail(w, what);
		return;
	}
	send_record(w, GIT_REC_BLOB, w->path, (uint64_t)G.git_blob_rawsize(b),
		    G.git_blob_rawcontent(b));
	G.git_blob_free(b);
}

static void visit_tree(struct worker *w, const git_oid *id, size_t plen,
		       unsigned depth);

/* One entry of a tree: its path is path[0..plen) + "/" + name. */
static void visit_entry(struct worker *w, const git_tree_entry *e,
			size_t plen, unsigned depth)
{
	const char *name = G.git_tree_entry_name(e);
	int len;

	len = snprintf(w->path + plen, sizeof(w->path) - plen, "%s%s",
		       plen > 0 ? "/" : "", name);
	if (len < 0 || (size_t)len >= sizeof(w->path) - plen) {
		w->path[plen] = '\0';
		send_record(w, GIT_REC_ERROR, "a path in the tree is too long",
			    0, NULL);
		return;
	}
	switch (G.git_tree_entry_type(e)) {
	case GIT_OBJECT_TREE:
		visit_tree(w, G.git_tree_entry_id(e), plen + (size_t)len,
			   depth + 1);
		break;
	case GIT_OBJECT_BLOB:
		visit_blob(w, G.git_tree_entry_id(e));
		break;
	default:
		break;                  /* a submodule's commit: not here */
	}
	w->path[plen] = '\0';
}

static void visit_tree(struct worker *w, const git_oid *id, size_t plen,
		       unsigned depth)
{
	char hex[GIT_OID_HEXSZ + 1] = { 0 }, what[WHAT_MAX];
	git_tree *t;
	size_t n;

	if (!oidset_add(&w->seen, id))
		return;                 /* every blob in it is known */
	G.git_oid_fmt(hex, id);
	if (depth > MAX_TREE_DEPTH) {
		snprintf(what, sizeof(what), "tree %s (%s) nested too deep",
			 hex, w->path);
		send_record(w, GIT_REC_ERROR, what, 0, NULL);
		return;
	}
	if (G.git_tree_lookup(&t, w->repo, id) != 0) {
		snprintf(what, sizeof(what), "tree %s (%s)", hex, w->path);
		git_fail(w, what);
		return;
	}
	n = G.git_tree_entrycount(t);
	for (size_t i = 0; i < n; i++)
		visit_entry(w, G.git_tree_entry_byindex(t, i), plen, depth);
	G.git_tree_free(t);
}

/* ---- commits ------------------------------------------------------------- */

static void commit_push(struct worker *w, const git_oid *id, int64_t time)
{
	if (w->ncommits == w->commits_cap) {
		size_t cap = w->commits_cap > 0 ? w->commits_cap * 2 : 1024;
		struct commit_ref *v = reallocarray(w->commits, cap,
						    sizeof(*v));

		if (v == NULL)
			_exit(GIT_WORKER_OK);
		w->commits = v;
		w->commits_cap = cap;
	}
	w->commits[w->ncommits].id = *id;
	w->commits[w->ncommits].time = time;
	w->ncommits++;
}

/* Every commit reachable from `start`, each once, with its time.  A
 * commit that cannot be read is reported; the others go on. */
static void collect_commits(struct worker *w, const git_oid *start)
{
	size_t todo = w->ncommits;
	char hex[GIT_OID_HEXSZ + 1] = { 0 }, what[64];

	if (!oidset_add(&w->commits_seen, start))
		return;
	commit_push(w, start, 0);
	for (; todo < w->ncommits; todo++) {
		git_commit *c;
		git_oid id = w->commits[todo].id;

		if (G.git_commit_lookup(&c, w->repo, &id) != 0) {
			G.git_oid_fmt(hex, &id);
			snprintf(what, sizeof(what), "commit %s", hex);
			git_fail(w, what);
			continue;
		}
		w->commits[todo].time = (int64_t)G.git_commit_time(c);
		for (unsigned i = 0; i < G.git_commit_parentcount(c); i++) {
			const git_oid *p = G.git_commit_parent_id(c, i);

			if (p != NULL && oidset_add(&w->commits_seen, p))
				commit_push(w, p, 0);
		}
		G.git_commit_free(c);
	}
}

static int by_time(const void *a, const void *b)
{
	const struct commit_ref *x = a, *y = b;

	return x->time < y->time ? -1 : x->time > y->time;
}

static void visit_commits(struct worker *w)
{
	qsort(w->commits, w->ncommits, sizeof(*w->commits), by_time);
	for (size_t i = 0; i < w->ncommits; i++) {
		git_commit *c;

		if (G.git_commit_lookup(&c, w->repo, &w->commits[i].id) != 0)
			continue;       /* reported while collecting */
		w->commits_read++;
		G.git_oid_fmt(w->commit, &w->commits[i].id);
		w->path[0] = '\0';
		visit_tree(w, G.git_commit_tree_id(c), 0, 0);
		G.git_commit_free(c);
	}
}

/* ---- refs ------------------------------------------------------------------ */

/* What a ref names, tags peeled: commits are collected, a tree or blob
 * named directly is visited under the ref's name. */
static void visit_ref(struct worker *w, git_reference *ref)
{
	const char *name = G.git_reference_name(ref);
	git_object *obj;
	char what[WHAT_MAX];

	if (G.git_reference_peel(&obj, ref, GIT_OBJECT_ANY) != 0) {
		snprintf(what, sizeof(what), "ref %s", name);
		git_fail(w, what);
		return;
	}
	snprintf(w->commit, sizeof(w->commit), "%s", name);
	w->path[0] = '\0';
	switch (G.git_object_type(obj)) {
	case GIT_OBJECT_COMMIT:
		collect_commits(w, G.git_object_id(obj));
		break;
	case GIT_OBJECT_TREE:
		visit_tree(w, G.git_object_id(obj), 0, 0);
		break;
	case GIT_OBJECT_BLOB:
		snprintf(w->path, sizeof(w->path), "%s", name);
		visit_blob(w, G.git_object_id(obj));
		break;
	default:
		break;
	}
	G.git_object_free(obj);
}

static void visit_refs(struct worker *w)
{
	git_reference_iterator *it;
	git_reference *ref;
	git_oid head;
	int rc;

	if (G.git_reference_iterator_new(&it, w->repo) != 0) {
		git_fail(w, "refs");
		return;
	}
	while ((rc = G.git_reference_next(&ref, it)) == 0) {
		visit_ref(w, ref);
		G.git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER)
		git_fail(w, "refs");
	G.git_reference_iterator_free(it);
	/* A detached HEAD is a ref of its own. */
	if (G.git_reference_name_to_id(&head, w->repo, "HEAD") == 0)
		collect_commits(w, &head);
}

/* ---- the process ----------------------------------------------------------- */

static bool load_libgit2(void)
{
	void *h = dlopen(CG_GIT2_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return false;
#define X(f) if ((G.f = (__typeof__(G.f))dlsym(h, #f)) == NULL) return false;
	GIT_FUNCS(X)
#undef X
	return true;
}

/* No configuration but the repository's own, no ownership check (the
 * worker is the owner; the check exists to protect other users). */
static bool setup_libgit2(void)
{
	static const int levels[] = {
		GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM,
		GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
	};

	if (G.git_libgit2_init() < 0 ||
	    G.git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0) != 0)
		return false;
	for (size_t i = 0; i < CG_ARRAY_SIZE(levels); i++)
		if (G.git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i],
				       "") != 0)
			return false;
	return true;
}

static void become_owner(const struct git_request *rq)
{
	if (cg_priv_drop_permanently(rq->user[0] != '\0' ? rq->user : NULL,
				     (uid_t)rq->uid, (gid_t)rq->gid) != CG_OK)
		_exit(GIT_WORKER_DROP);
	/* The uid change reset "dumpable" from fs.suid_dumpable: no core
	 * file, no ptrace by the owner, no new privileges from here. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		_exit(GIT_WORKER_DROP);
}

void scan_git_worker(const struct git_request *rq, int out)
{
	struct worker w;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.max_size = rq->max_size;
	become_owner(rq);
	if (!load_libgit2() || !setup_libgit2()) {
		send_record(&w, GIT_REC_ERROR, "cannot load libgit2 ("
			    CG_GIT2_SONAME ")", 0, NULL);
		_exit(GIT_WORKER_LIB);
	}
	if (G.git_repository_open_ext(&w.repo, rq->path,
				      GIT_REPOSITORY_OPEN_NO_SEARCH |
				      GIT_REPOSITORY_OPEN_BARE, NULL) != 0 ||
	    G.git_repository_odb(&w.odb, w.repo) != 0) {
		git_fail(&w, "cannot open the repository");
		_exit(GIT_WORKER_OPEN);
	}
	visit_refs(&w);
	visit_commits(&w);
	w.commit[0] = '\0';
	send_record(&w, GIT_REC_DONE, "", w.commits_read, NULL);
	/* Nothing to free: the process ends here. */
	_exit(GIT_WORKER_OK);
}
