/* The tools' one reader of secret lines, with echo off (ttyline.h). */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "cg_macros.h"
#include "ttyline.h"
#include "wipe.h"

/* The terminal settings to restore if a signal arrives with echo off. */
static struct termios saved_tio;
static volatile sig_atomic_t echo_off_fd = -1;

/* Not SIGTSTP: a stopped job keeps echo off and its shell restores the
 * terminal; a resumed reader then still reads with echo off. */
static const int echo_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction saved_actions[CG_ARRAY_SIZE(echo_signals)];

/* Async-signal-safe: tcsetattr, signal and raise are. */
static void restore_and_reraise(int sig)
{
	if (echo_off_fd >= 0)
		(void)tcsetattr(echo_off_fd, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

bool cg_echo_off(int fd)
{
	struct sigaction sa;
	struct termios tio;

	if (echo_off_fd >= 0 || !isatty(fd) || tcgetattr(fd, &saved_tio) != 0)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < CG_ARRAY_SIZE(echo_signals); i++)
		(void)sigaction(echo_signals[i], &sa, &saved_actions[i]);
	tio = saved_tio;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	echo_off_fd = fd;
	(void)tcsetattr(fd, TCSAFLUSH, &tio);
	return true;
}

void cg_echo_restore(void)
{
	if (echo_off_fd < 0)
		return;
	(void)tcsetattr(echo_off_fd, TCSAFLUSH, &saved_tio);
	echo_off_fd = -1;
	for (size_t i = 0; i < CG_ARRAY_SIZE(echo_signals); i++)
		(void)sigaction(echo_signals[i], &saved_actions[i], NULL);
}

enum cg_line cg_line_read(int fd, char *buf, size_t sz)
{
	enum cg_line status = CG_LINE_OK;
	bool got = false;
	size_t n = 0;
	ssize_t r = 0;
	char c;

	if (sz == 0)
		return CG_LINE_TOOLONG;
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			status = CG_LINE_ERROR;
			break;
		}
		if (r == 0 || c == '\n')
			break;
		got = true;
		if (c == '\0')
			status = CG_LINE_NUL;
		else if (n + 1 >= sz && status == CG_LINE_OK)
			status = CG_LINE_TOOLONG;
		else if (status == CG_LINE_OK)
			buf[n++] = c;
	}
	if (status == CG_LINE_OK && !got && r == 0)
		status = CG_LINE_EOF;
	if (status != CG_LINE_OK) {
		cg_wipe(buf, sz);
		buf[0] = '\0';
		return status;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return CG_LINE_OK;
}

const char *cg_line_strerror(enum cg_line status)
{
	switch (status) {
	case CG_LINE_OK:      return "success";
	case CG_LINE_EOF:     return "end of input";
	case CG_LINE_TOOLONG: return "line too long";
	case CG_LINE_NUL:     return "contains a NUL byte";
	case CG_LINE_ERROR:   return "read error";
	}
	return "unknown error";
}

static void write_str(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, s + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

enum cg_line cg_prompt_secret(int in_fd, int out_fd, const char *prompt,
			      char *buf, size_t sz)
{
	enum cg_line status;
	bool hidden;

	/* Echo off before the prompt: typeahead is flushed, never shown. */
	hidden = cg_echo_off(in_fd);
	write_str(out_fd, prompt);
	status = cg_line_read(in_fd, buf, sz);
	if (hidden)
		cg_echo_restore();
	/* Nothing echoed the answer's newline: end the prompt's line. */
	if (hidden || !isatty(in_fd))
		write_str(out_fd, "\n");
	return status;
}
