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
#include "ttyline.h"
#include "wipe.h"
#include "cg_macros.h"

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

/* One answer (ttyline.h: a byte at a time, echo off for a hidden
 * prompt on a terminal).  NULL -- a conversation error -- on end of
 * input, an empty line, a NUL byte or a line longer than PAM allows. */
static char *prompt(const struct gate_conv_io *io, const char *text, bool echo)
{
	char buf[PAM_MAX_RESP_SIZE];
	bool hidden = !echo && io->is_tty && cg_echo_off(io->in_fd);
	char *answer = NULL;

	/* Echo off before the prompt, as getpass(3) does: whatever was typed
	 * ahead of the prompt is flushed (TCSAFLUSH), never echoed or used. */
	write_text(io->out_fd, text, false);
	if (cg_line_read(io->in_fd, buf, sizeof(buf)) == CG_LINE_OK &&
	    buf[0] != '\0')
		answer = strdup(buf);
	if (hidden)
		cg_echo_restore();
	/* Nothing echoed the answer's newline: end the prompt's line. */
	if (hidden || !io->is_tty)
		write_text(io->out_fd, "", true);
	cg_wipe(buf, sizeof(buf));
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
