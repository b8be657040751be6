/* Between the scanner and its git processes (scan_git.c, scan_git_worker.c).
 *
 *   scanner (root, holds the needles)
 *     |  SOCK_SEQPACKET: git_request ->, <- git_status ('P' + data fd, 'X')
 *   helper (root; forked before any secret was read, so it never had one)
 *     |  fork per repository
 *   worker (drops to the repository's owner, then dlopen()s libgit2)
 *     `- data pipe -> scanner: git_record + commit + file [+ blob bytes]
 *
 * The scanner trusts nothing it reads from a worker: lengths are checked
 * against hard limits, a worker silent for SCAN_GIT_IDLE_SECONDS is
 * killed, and a worker cannot forge the helper's messages (they travel on
 * another channel). */
#ifndef CG_SCAN_GIT_H
#define CG_SCAN_GIT_H
#include <limits.h>
#include <stdint.h>

struct git_request {
	uint32_t uid, gid;           /* the repository's owner */
	uint64_t max_size;           /* larger blobs are only counted */
	char user[256];              /* owner's name, "" if NSS has none */
	char path[PATH_MAX];         /* the git directory */
};

/* helper -> scanner */
enum { GIT_STARTED = 'P', GIT_EXITED = 'X' };
struct git_status {
	int32_t kind;
	int32_t pid;                 /* of the worker */
	int32_t status;              /* waitpid status, for GIT_EXITED */
};

/* worker -> scanner, each followed by clen bytes of commit (hex, or the
 * ref name for objects a ref names directly), flen bytes of file (path in
 * the tree, or the message of GIT_REC_ERROR), then for GIT_REC_BLOB dlen
 * bytes of blob. */
enum {
	GIT_REC_BLOB = 'B',          /* dlen: size of the blob that follows */
	GIT_REC_TOO_BIG = 'S',       /* dlen: size of a blob not sent */
	GIT_REC_ERROR = 'E',         /* something could not be read */
	GIT_REC_DONE = 'D',          /* dlen: commits walked */
};
struct git_record {
	uint32_t type, clen, flen, pad;
	uint64_t dlen;
};
#define GIT_REC_COMMIT_MAX 256
#define GIT_REC_FILE_MAX 8192        /* path in a tree, or a message */

/* Exit statuses of a worker. */
enum {
	GIT_WORKER_OK = 0,
	GIT_WORKER_OPEN = 3,         /* not a repository libgit2 can open */
	GIT_WORKER_DROP = 4,         /* could not become the owner */
	GIT_WORKER_LIB = 5,          /* libgit2 could not be loaded */
	GIT_WORKER_PIPE = 6,         /* the scanner stopped listening */
};

/* The worker: become the owner, read the repository, stream records to
 * `out`, _exit with one of the statuses above.  Never returns. */
void scan_git_worker(const struct git_request *rq, int out)
	__attribute__((noreturn));

#endif
