/* Git histories for the scanner: the helper process (forked before any
 * secret is read), one worker per repository (scan_git_worker.c), and
 * the scanner's side, which reads the blobs a worker sends and matches
 * them like files.  See scan_git.h for who talks to whom. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "scan.h"
#include "scan_git.h"

struct scan_git {
	pid_t helper;
	int sock;
};

/* ---- the helper (root, no secrets) --------------------------------------- */

static void send_status(int sock, int32_t kind, pid_t pid, int status, int fd)
{
	struct git_status st = { kind, (int32_t)pid, (int32_t)status };
	struct iovec iov = { &st, sizeof(st) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(st))
		_exit(1);
}

/* One repository: a worker writing into a fresh pipe, whose read end
 * goes to the scanner; then the worker's end. */
static void serve(int sock, const struct git_request *rq)
{
	int p[2], status = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0) {
		send_status(sock, GIT_EXITED, 0, -1, -1);
		return;
	}
	if ((pid = fork()) == 0) {
		close(sock);
		close(p[0]);
		scan_git_worker(rq, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		send_status(sock, GIT_EXITED, 0, -1, -1);
		return;
	}
	send_status(sock, GIT_STARTED, pid, 0, p[0]);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	send_status(sock, GIT_EXITED, pid, status, -1);
}

/* Nothing of the scanner's is kept: fds 0-2 on /dev/null (a worker must
 * not write into the admin's report), every other fd but the socket
 * closed, "/" as working directory. */
static void helper_main(int sock)
{
	struct git_request rq;
	ssize_t n;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 || dup2(sock, 3) < 0 || chdir("/") != 0)
		_exit(1);
	sock = 3;
	close_range(4, ~0U, 0);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		n = recv(sock, &rq, sizeof(rq), 0);
		if (n == 0)
			_exit(0);       /* the scanner is done */
		if (n != (ssize_t)sizeof(rq))
			_exit(1);
		rq.user[sizeof(rq.user) - 1] = '\0';
		rq.path[sizeof(rq.path) - 1] = '\0';
		serve(sock, &rq);
	}
}

int scan_git_start(struct scan *s)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (s->git = calloc(1, sizeof(*s->git))) == NULL) {
		scan_report_problem(s, NULL, "cannot start the git helper: %s",
				    strerror(errno));
		return SCAN_EXIT_ERROR;
	}
	fflush(NULL);                   /* nothing buffered is written twice */
	if ((pid = fork()) == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		free(s->git);
		s->git = NULL;
		scan_report_problem(s, NULL, "cannot start the git helper: %s",
				    strerror(errno));
		return SCAN_EXIT_ERROR;
	}
	s->git->helper = pid;
	s->git->sock = sv[0];
	return 0;
}

void scan_git_stop(struct scan *s)
{
	if (s->git == NULL)
		return;
	close(s->git->sock);            /* the helper sees EOF and exits */
	while (waitpid(s->git->helper, NULL, 0) < 0 && errno == EINTR)
		;
	free(s->git);
	s->git = NULL;
}

/* ---- the scanner's side ------------------------------------------------------ */

/* A message of the helper, with the data fd for GIT_STARTED. */
static bool recv_status(struct scan_git *g, struct git_status *st, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { st, sizeof(*st) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	while ((n = recvmsg(g->sock, &msg, MSG_CMSG_CLOEXEC)) < 0 &&
	       errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*st))
		return false;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return st->kind == GIT_STARTED ? *fd >= 0 : true;
}

/* One worker's stream. */
struct stream {
	int fd;
	pid_t pid;
	bool killed;                    /* timed out, or sent garbage */
};

/* Read exactly n bytes; false at the end of the stream or when the
 * worker stayed silent too long (then it is killed). */
static bool read_exact(struct stream *in, void *buf, size_t n)
{
	struct pollfd p = { in->fd, POLLIN, 0 };
	char *c = buf;
	ssize_t r;
	int rc;

	while (n > 0) {
		rc = poll(&p, 1, SCAN_GIT_IDLE_SECONDS * 1000);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			kill(in->pid, SIGKILL);
			in->killed = true;
			return false;
		}
		if ((r = read(in->fd, c, n)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

/* Where the repository is, for findings in it. */
struct repo {
	const char *path;
	const struct stat *st;
	struct scan_reader reader;
};

static bool record_valid(const struct scan *s, const struct git_record *r)
{
	if (r->clen >= GIT_REC_COMMIT_MAX || r->flen >= GIT_REC_FILE_MAX)
		return false;
	switch (r->type) {
	case GIT_REC_BLOB:
		return r->dlen <= s->conf->max_file_size;
	case GIT_REC_TOO_BIG: case GIT_REC_ERROR: case GIT_REC_DONE:
		return true;
	default:
		return false;
	}
}

/* One record; false to stop reading this worker. */
static bool handle_record(struct scan *s, struct stream *in,
			  const struct repo *rp)
{
	struct git_record r;
	char commit[GIT_REC_COMMIT_MAX], file[GIT_REC_FILE_MAX];
	struct scan_place where = { rp->path, commit, file, rp->st,
				    rp->reader };

	if (!read_exact(in, &r, sizeof(r)))
		return false;
	if (!record_valid(s, &r) || !read_exact(in, commit, r.clen) ||
	    !read_exact(in, file, r.flen))
		goto garbage;
	commit[r.clen] = '\0';
	file[r.flen] = '\0';
	switch (r.type) {
	case GIT_REC_BLOB:
		if (!scan_buffer_reserve(s, (size_t)r.dlen + 1) ||
		    !read_exact(in, s->buf, (size_t)r.dlen))
			goto garbage;
		s->st.blobs++;
		s->st.blob_bytes += r.dlen;
		scan_match_buffer(s, (size_t)r.dlen, &where);
		scan_progress(s);
		break;
	case GIT_REC_TOO_BIG:
		s->st.too_big++;
		break;
	case GIT_REC_ERROR:
		s->st.git_errors++;
		scan_report_problem(s, rp->path, "git history: %s", file);
		break;
	case GIT_REC_DONE:
		s->st.commits += r.dlen;
		break;
	}
	return true;
 garbage:
	if (!in->killed) {
		kill(in->pid, SIGKILL);
		in->killed = true;
	}
	return false;
}

/* How the worker ended, when that means part of the history was not
 * read (errors it reported itself are counted already). */
static void worker_ended(struct scan *s, const char *path,
			 const struct stream *in, int status)
{
	if (in->killed) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: the reader was "
				    "stopped (silent for %d s, or sent "
				    "malformed data)", SCAN_GIT_IDLE_SECONDS);
	} else if (WIFSIGNALED(status)) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: the reader was "
				    "killed by signal %d", WTERMSIG(status));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == GIT_WORKER_DROP) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: cannot run as the "
				    "repository's owner");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != GIT_WORKER_OK &&
		   WEXITSTATUS(status) != GIT_WORKER_OPEN &&
		   WEXITSTATUS(status) != GIT_WORKER_LIB) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: the reader failed "
				    "(status %d)", WEXITSTATUS(status));
	}
}

static bool make_request(struct scan *s, const char *path,
			 const struct stat *st, struct git_request *rq)
{
	struct passwd *pw = getpwuid(st->st_uid);

	memset(rq, 0, sizeof(*rq));
	if (strlen(path) >= sizeof(rq->path)) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: path too long");
		return false;
	}
	memcpy(rq->path, path, strlen(path) + 1);
	rq->uid = (uint32_t)st->st_uid;
	rq->gid = (uint32_t)(pw != NULL ? pw->pw_gid : st->st_gid);
	if (pw != NULL && strlen(pw->pw_name) < sizeof(rq->user))
		memcpy(rq->user, pw->pw_name, strlen(pw->pw_name) + 1);
	rq->max_size = s->conf->max_file_size;
	return true;
}

static void helper_lost(struct scan *s, const char *path)
{
	s->st.git_errors++;
	scan_report_problem(s, path, "git history: the git helper is gone; "
			    "no more histories are read");
	close(s->git->sock);
	waitpid(s->git->helper, NULL, 0);
	free(s->git);
	s->git = NULL;
}

void scan_git_repo(struct scan *s, const char *path, const struct stat *st,
		   const struct scan_reach *r)
{
	struct repo rp = { path, st, scan_readable_by(r, st) };
	struct git_request rq;
	struct git_status gs;
	struct stream in = { -1, 0, false };

	if (s->git == NULL || !make_request(s, path, st, &rq))
		return;
	s->st.repos++;
	if (send(s->git->sock, &rq, sizeof(rq), MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(rq) || !recv_status(s->git, &gs, &in.fd)) {
		helper_lost(s, path);
		return;
	}
	if (gs.kind != GIT_STARTED) {
		s->st.git_errors++;
		scan_report_problem(s, path, "git history: cannot start a "
				    "reader");
		return;
	}
	in.pid = gs.pid;
	while (handle_record(s, &in, &rp))
		;
	close(in.fd);
	if (!recv_status(s->git, &gs, &in.fd) || gs.kind != GIT_EXITED) {
		helper_lost(s, path);
		return;
	}
	worker_ended(s, path, &in, gs.status);
}
