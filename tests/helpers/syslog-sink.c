/* Test helper: a minimal syslog daemon.  Binds a Unix datagram socket at
 * PATH (what glibc's syslog(3) talks to as /dev/log) and appends every
 * message, one per line, to OUTFILE.  Runs until SIGTERM.
 * Usage: syslog-sink SOCKET-PATH OUTFILE */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr;
	struct sigaction sa;
	char buf[8192];
	FILE *out;
	int s;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: syslog-sink SOCKET OUTFILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;         /* no SA_RESTART: recv returns */
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
	while (!stop) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		fwrite(buf, 1, (size_t)n, out);
		fputc('\n', out);
		fflush(out);
	}
	fclose(out);
	unlink(argv[1]);
	return 0;
}
