/* credgate-enroll scan: find copies of gated credential values on the
 * host — exact bytes, never printed.
 *
 * enroll_scan.c    the command: who may run it, options, the run, exit status
 * scan_needles.c   what to look for: needles derived from each credential
 *                  file, in locked memory, compiled into one matcher
 * scan_walk.c      the file-system walk: no symlinks, one file system,
 *                  no /proc, /sys or device files, loops and bind mounts once
 * scan_file.c      one file or git blob: read once, matched, findings
 * scan_git.c       git history through libgit2, in a worker process that
 *                  runs as the repository's owner and never held a secret
 * scan_report.c    findings as text, JSON and audit lines; problems,
 *                  summary, progress, rotation hints
 * scan_reach.c     who can read a file: world, a group, or its owner */
#ifndef CG_SCAN_H
#define CG_SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "acmatch.h"
#include "conf.h"

/* Exit statuses of scan (credgate-enroll(8)): as grep's. */
enum scan_exit {
	SCAN_EXIT_CLEAN = 0,         /* looked everywhere, found nothing */
	SCAN_EXIT_FOUND = 1,         /* at least one copy found */
	SCAN_EXIT_ERROR = 2,         /* error, or something could not be looked at */
};

#define SCAN_CRED_MAX (1 << 20)        /* bytes of one credential file */
#define SCAN_NEEDLE_MAX 256            /* longer needles keep their first bytes */
#define SCAN_NEEDLES_MAX 1000000       /* over all credentials */
#define SCAN_LINES_PER_FILE 100        /* findings listed per credential and file */
#define SCAN_HITS_MAX 65536            /* matches remembered per file */
#define SCAN_GIT_IDLE_SECONDS 60       /* a git worker silent this long is killed */
#define SCAN_PROBLEMS_LISTED 1000      /* in the JSON output */
#define SCAN_DEPTH_MAX 1024            /* directory levels: each holds an
					* open DIR (fd and buffer) */

/* ---- who can read a file (scan_reach.c) --------------------------------- */

/* Who can reach a directory: everyone (every directory on the way is
 * searchable by others), only the members of one group (those that are
 * not are searchable by that group), or nobody but owners and root. */
enum scan_reach_kind { REACH_ALL, REACH_GROUP, REACH_NONE };
struct scan_reach {
	enum scan_reach_kind kind;
	gid_t gid;                   /* REACH_GROUP */
};

enum scan_reader_kind { READER_WORLD, READER_GROUP, READER_OWNER };
struct scan_reader {
	enum scan_reader_kind kind;
	unsigned id;                 /* gid for READER_GROUP, else uid */
};

/* The reach of a directory entered from a directory with reach *r. */
void scan_reach_enter(struct scan_reach *r, const struct stat *dir);
/* Who may read st (a file, or a directory for a git history) reached
 * through r: the world, one group, or only its owner (and root).  POSIX
 * ACLs are not evaluated. */
struct scan_reader scan_readable_by(const struct scan_reach *r,
				    const struct stat *st);
/* "world", "group NAME", "owner NAME" (numeric ids when NSS has no name). */
void scan_reader_text(const struct scan_reader *rd, char *buf, size_t sz);

/* ---- the run's state ------------------------------------------------------ */

struct scan_cred {
	const struct cg_credential *conf;
	bool searched;               /* it has at least one needle */
	char why[160];               /* why not, when !searched */
	bool have_inode;             /* its file, skipped by the walk */
	dev_t dev;
	ino_t ino;
	size_t nneedles;
	uint64_t findings;
};

struct scan_inode {
	dev_t dev;
	ino_t ino;
};

struct scan_seen {
	struct scan_inode *v;
	size_t n, cap;
};

/* A needle: its credential and length (the bytes are in the matcher). */
struct scan_needle {
	uint32_t cred;
	uint32_t len;
};

/* One match in the buffer being scanned. */
struct scan_hit {
	size_t start;
	uint32_t cred;
	unsigned line;
};

struct scan_stats {
	uint64_t files, bytes, dirs;
	uint64_t repos, commits, blobs, blob_bytes;
	uint64_t findings, not_listed;
	/* what could not be looked at: makes the exit status 2 */
	uint64_t unreadable, git_errors, creds_skipped, missing;
	/* left out on purpose */
	uint64_t too_big, symlinks, special, other_fs, pseudo_fs, excluded,
		 loops, cred_files;
	uint64_t changed;            /* changed while being read */
	uint64_t errors;             /* the scan itself failed: exit 2 */
};

struct scan_opts {
	bool json, rotate_hint, xdev, git;
	const char *const *paths;    /* roots to walk */
	size_t npaths;
	bool paths_given;            /* on the command line: a missing one is an error */
};

struct scan_git;
struct scan_out;

struct scan {
	const struct scan_opts *o;
	const struct cg_scan_conf *conf;
	struct scan_cred *creds;
	size_t ncreds;
	struct scan_inode *inodes;   /* of the credential files, sorted */
	size_t ninodes;
	struct cg_ac *ac;
	struct scan_needle *needles; /* cg_secmem: lengths say something too */
	size_t nneedles, needles_bytes;
	unsigned char *buf;          /* the file or blob being matched */
	size_t bufsz;
	struct scan_hit *hits;
	size_t nhits;
	bool hits_full;
	struct scan_seen seen;       /* directories entered (scan_walk.c) */
	struct scan_git *git;
	struct scan_out *out;
	struct scan_stats st;
};

/* Where a match was: a file, or a blob in a git history. */
struct scan_place {
	const char *path;            /* the file, or the git directory */
	const char *commit;          /* hex, NULL for a file */
	const char *file;            /* path in the commit's tree, NULL for a file */
	const struct stat *st;       /* of the file, or of the git directory */
	struct scan_reader reader;
};

/* ---- scan_needles.c ------------------------------------------------------- */

typedef cg_err (*scan_needle_fn)(const unsigned char *p, size_t len,
				 void *arg);
/* The needles of one credential's content, each handed to fn once
 * (duplicates are the caller's to drop): the whole content, each line
 * and the value-like parts of each line (credgate-enroll(8), "What is
 * searched"), trimmed, at least min_length bytes, at most
 * SCAN_NEEDLE_MAX (longer ones are cut to their first bytes).  Comment
 * lines ('#'), section headers ("[name]") and PEM armour lines
 * ("-----BEGIN ...") are no needles: they are the same in every file of
 * their kind. */
cg_err scan_needles_derive(const unsigned char *text, size_t len,
			   unsigned min_length, scan_needle_fn fn, void *arg);
/* Read every credential of the policy, derive its needles into the
 * matcher (locked memory), compile it.  A credential that cannot be read
 * or has no needle is skipped with its reason (reported).  0 to go on,
 * else SCAN_EXIT_ERROR (nothing to search for, or no memory). */
int scan_load_credentials(struct scan *s, const struct cg_config *cfg);
/* Is st the file of a credential? */
bool scan_is_credential_file(const struct scan *s, const struct stat *st);
void scan_needles_free(struct scan *s);

/* ---- scan_file.c ---------------------------------------------------------- */

/* Match s->buf[0..len) and report what is found at `where`. */
void scan_match_buffer(struct scan *s, size_t len,
		       const struct scan_place *where);
/* Room for n bytes in s->buf (the old contents are wiped). */
bool scan_buffer_reserve(struct scan *s, size_t n);
/* A regular file in dirfd: opened without following a symlink, without
 * blocking, checked on its fd, read once, matched. */
void scan_file(struct scan *s, int dirfd, const char *name, const char *path,
	       const struct scan_reach *reach);
void scan_buffer_free(struct scan *s);

/* ---- scan_walk.c ---------------------------------------------------------- */

/* Walk one root (a directory or a single file). */
void scan_walk_root(struct scan *s, const char *root);
void scan_walk_free(struct scan *s);

/* ---- scan_git.c ----------------------------------------------------------- */

/* Fork the git helper: call before any secret is read, so that neither
 * it nor the workers it forks ever hold one.  0 or SCAN_EXIT_ERROR. */
int scan_git_start(struct scan *s);
/* Scan every blob reachable from any ref of the git directory dirfd
 * (at path, status st, reach r). */
void scan_git_repo(struct scan *s, const char *path, const struct stat *st,
		   const struct scan_reach *r);
void scan_git_stop(struct scan *s);

/* ---- scan_report.c -------------------------------------------------------- */

int scan_out_open(struct scan *s);
/* A finding: credential cred on line `line` of `where`. */
void scan_report_finding(struct scan *s, const struct scan_place *where,
			 uint32_t cred, unsigned line);
/* Something that could not be looked at (counted by the caller): path
 * (NULL: none) and a message, both escaped on output. */
void scan_report_problem(struct scan *s, const char *path, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
/* The progress line on a terminal (rate-limited; quiet otherwise). */
void scan_progress(struct scan *s);
/* Summary, JSON document, rotation hints, closing audit line; the exit
 * status. */
int scan_report_finish(struct scan *s);
void scan_out_free(struct scan *s);
/* Write s as a "key=value" value: as is when made only of
 * [A-Za-z0-9._:/@%+,-], else in double quotes with '"' and '\\'
 * escaped and other bytes as \xNN; never cut. */
void scan_put_value(FILE *f, const char *s);

#endif
