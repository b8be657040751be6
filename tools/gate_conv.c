/* The gate's PAM conversation on the controlling terminal (gate_conv.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <security/pam_appl.h>
#include "gate_conv.h"
#include "wipe.h"
#include "cg_macros.h"

/* The terminal settings to restore if a signal arrives with echo off. */
static struct termios saved_tio;
static volatile sig_atomic_t echo_off_fd = -1;

static void restore_and_reraise(int sig)
{
	if (echo_off_fd >= 0)
		(void)tcsetattr(echo_off_fd, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Not SIGTSTP: a stopped job keeps echo off and its shell restores the
 * terminal; a resumed gate then still reads with echo off. */
static const int echo_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSIG_ECHO CG_ARRAY_SIZE(echo_signals)

static void echo_off(int fd, struct sigaction *old)
{
	struct sigaction sa;
	struct termios tio;

	if (tcgetattr(fd, &saved_tio) != 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSIG_ECHO; i++)
		(void)sigaction(echo_signals[i], &sa, &old[i]);
	tio = saved_tio;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	echo_off_fd = fd;
	(void)tcsetattr(fd, TCSAFLUSH, &tio);
}

static void echo_restore(const struct sigaction *old)
{
	if (echo_off_fd < 0)
		return;
	(void)tcsetattr(echo_off_fd, TCSAFLUSH, &saved_tio);
	echo_off_fd = -1;
	for (size_t i = 0; i < NSIG_ECHO; i++)
		(void)sigaction(echo_signals[i], &old[i], NULL);
}

/* Write text from a module with control characters shown as '?': a
 * message must not be able to drive the terminal. */
static void write_text(int fd, const char *text, bool newline)
{
	char buf[PAM_MAX_MSG_SIZE + 1];
	size_t n = 0;

	for (; text != NULL && *text != '\0' && n < PAM_MAX_MSG_SIZE; text++) {
		unsigned char c = (unsigned char)*text;
		buf[n++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	if (newline)
		buf[n++] = '\n';
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* One line from fd, a byte at a time, without the newline.  NULL on
 * EOF before any byte, on error, or on a line longer than PAM allows. */
static char *read_line(int fd)
{
	char buf[PAM_MAX_RESP_SIZE];
	size_t n = 0;
	bool too_long = false, got = false;
	char *line = NULL;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		got = true;
		if (n + 1 < sizeof(buf))
			buf[n++] = c;
		else
			too_long = true;
	}
	if (got && !too_long) {
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		buf[n] = '\0';
		line = strdup(buf);
	}
	cg_wipe(buf, sizeof(buf));
	return line;
}

static char *prompt(const struct gate_conv_io *io, const char *text, bool echo)
{
	struct sigaction old[NSIG_ECHO];
	bool hide = !echo && io->is_tty;
	char *answer;

	/* Echo off before the prompt, as getpass(3) does: whatever was typed
	 * ahead of the prompt is flushed (TCSAFLUSH), never echoed or used. */
	if (hide)
		echo_off(io->in_fd, old);
	write_text(io->out_fd, text, false);
	answer = read_line(io->in_fd);
	if (hide)
		echo_restore(old);
	/* Nothing echoed the answer's newline: end the prompt's line. */
	if (hide || !io->is_tty)
		write_text(io->out_fd, "", true);
	return answer;
}

static void free_responses(struct pam_response *r, int n)
{
	for (int i = 0; i < n; i++)
		cg_free_string(r[i].resp);
	free(r);
}

int gate_conv(int n, const struct pam_message **msg,
	      struct pam_response **resp, void *appdata)
{
	const struct gate_conv_io *io = appdata;
	struct pam_response *r;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG || io == NULL)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *text = msg[i]->msg;
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = prompt(io, text,
					   msg[i]->msg_style == PAM_PROMPT_ECHO_ON);
			if (r[i].resp == NULL) {
				free_responses(r, n);
				return PAM_CONV_ERR;
			}
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			write_text(io->out_fd, text, true);
			break;
		default:
			free_responses(r, n);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

void gate_conv_open(struct gate_conv_io *io)
{
	io->tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (io->tty_fd >= 0 && isatty(io->tty_fd)) {
		io->in_fd = io->out_fd = io->tty_fd;
		io->is_tty = true;
		return;
	}
	if (io->tty_fd >= 0)
		close(io->tty_fd);
	io->tty_fd = -1;
	io->in_fd = STDIN_FILENO;
	io->out_fd = STDERR_FILENO;
	io->is_tty = isatty(STDIN_FILENO) != 0;
}

void gate_conv_close(struct gate_conv_io *io)
{
	if (io->tty_fd >= 0)
		close(io->tty_fd);
	io->tty_fd = -1;
}
