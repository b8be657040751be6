/* Test helper: a minimal systemd-journald for asserting the fields of
 * audit entries.  Binds a Unix datagram socket at PATH (what libsystemd's
 * sd_journal_sendv sends to as /run/systemd/journal/socket) and parses
 * the journal's native protocol:
 *
 *   KEY=value\n                        a value without a newline
 *   KEY\n<64-bit little-endian length><value bytes>\n     any value
 *
 * where the entry is the datagram itself or, for an entry too big for
 * one (libsystemd then passes a sealed memfd with SCM_RIGHTS), the
 * content of the descriptor received.  Each entry is appended to OUTFILE
 * as one JSON object per line, every value a string (bytes outside
 * printable ASCII as \u00XX), with the time of receipt added as
 * journald adds it; an entry that breaks the protocol is
 * written as {"_ERROR":"why"} so a test sees it.  Runs until SIGTERM.
 * Usage: journal-sink SOCKET-PATH OUTFILE */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DGRAM_MAX (256 * 1024)
#define MEMFD_MAX (16 * 1024 * 1024)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void json_string(FILE *out, const unsigned char *s, size_t n)
{
	putc('"', out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fprintf(out, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			fprintf(out, "\\u%04x", s[i]);
		else
			putc(s[i], out);
	}
	putc('"', out);
}

static bool valid_key(const unsigned char *k, size_t n)
{
	if (n == 0 || n > 64 || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

/* The entry in buf as one JSON line, or NULL and *why.  Like journald,
 * it adds the time of receipt (__REALTIME_TIMESTAMP, microseconds), so
 * the line is what `journalctl -o json` would print for the query. */
static char *parse(const unsigned char *p, size_t n, const char **why)
{
	struct timespec ts;
	const unsigned char *end = p + n;
	char *json = NULL;
	size_t jlen = 0;
	FILE *out = open_memstream(&json, &jlen);
	bool first = true;

	*why = NULL;
	if (out == NULL) {
		*why = "out of memory";
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(out, "{\"__REALTIME_TIMESTAMP\":\"%llu\"",
		(unsigned long long)ts.tv_sec * 1000000ULL +
		(unsigned long long)ts.tv_nsec / 1000);
	while (p < end && *why == NULL) {
		const unsigned char *k = p, *v;
		uint64_t vlen = 0;
		size_t klen;

		while (p < end && *p != '=' && *p != '\n')
			p++;
		if (p == end) {
			*why = "field without '=' or newline";
			break;
		}
		klen = (size_t)(p - k);
		if (!valid_key(k, klen)) {
			*why = "invalid field name";
			break;
		}
		if (*p == '=') {
			v = ++p;
			while (p < end && *p != '\n')
				p++;
			if (p == end) {
				*why = "value without its newline";
				break;
			}
			vlen = (uint64_t)(p - v);
		} else {
			if (end - ++p < 8) {
				*why = "binary field without its length";
				break;
			}
			for (int i = 7; i >= 0; i--)
				vlen = (vlen << 8) | p[i];
			v = p += 8;
			if ((uint64_t)(end - p) < vlen + 1 || p[vlen] != '\n') {
				*why = "binary field's length does not match";
				break;
			}
			p += vlen;
		}
		p++;                                    /* the newline */
		putc(',', out);
		first = false;
		json_string(out, k, klen);
		putc(':', out);
		json_string(out, v, (size_t)vlen);
	}
	if (first && *why == NULL)
		*why = "empty entry";
	fputs("}", out);
	fclose(out);
	if (*why != NULL) {
		free(json);
		return NULL;
	}
	return json;
}

/* The content of a memfd libsystemd passed, into buf. */
static ssize_t read_fd(int fd, unsigned char **buf)
{
	struct stat st;
	ssize_t n = -1;

	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= MEMFD_MAX &&
	    (*buf = malloc((size_t)st.st_size)) != NULL) {
		n = pread(fd, *buf, (size_t)st.st_size, 0);
		if (n != st.st_size) {
			free(*buf);
			n = -1;
		}
	}
	close(fd);
	return n;
}

static void serve(int s, FILE *out)
{
	static unsigned char buf[DGRAM_MAX];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;

	while (!stop) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		unsigned char *entry = buf, *mem = NULL;
		const char *why;
		ssize_t n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
		char *json;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL;
		     c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			if (mem == NULL && (n = read_fd(fd, &mem)) >= 0)
				entry = mem;
		}
		if (n < 0)
			why = "unreadable memfd";
		else if ((m.msg_flags & MSG_TRUNC) != 0)
			why = "datagram truncated";
		else if ((json = parse(entry, (size_t)n, &why)) != NULL) {
			fprintf(out, "%s\n", json);
			free(json);
		}
		if (why != NULL)
			fprintf(out, "{\"_ERROR\":\"%s\"}\n", why);
		fflush(out);
		free(mem);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr;
	struct sigaction sa;
	FILE *out;
	int s;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: journal-sink SOCKET OUTFILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;         /* no SA_RESTART: recvmsg returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((out = fopen(argv[2], "a")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		perror(argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	serve(s, out);
	fclose(out);
	close(s);
	return 0;
}
