/* Reading one line of secret input -- a code, a recovery code, an
 * otpauth:// URI -- the one reader of both tools (the gate's PAM
 * conversation, credgate-enroll's prompts).
 *
 * A line is read a byte at a time, so nothing after its newline is
 * consumed (the rest of standard input stays the next reader's) and no
 * copy lingers in a stdio buffer.  A NUL byte or a line longer than the
 * buffer is an error of its own, never silently cut: the rest of such a
 * line is consumed and wiped.
 *
 * Echo: on a terminal, echo is turned off before the prompt is written,
 * as getpass(3) does (typeahead is flushed, never echoed or used), and
 * turned back on afterwards -- also when SIGINT, SIGTERM, SIGHUP or
 * SIGQUIT arrives meanwhile: the handler restores the terminal, then the
 * signal takes its default course. */
#ifndef CG_TTYLINE_H
#define CG_TTYLINE_H
#include <stdbool.h>
#include <stddef.h>

enum cg_line {
	CG_LINE_OK,
	CG_LINE_EOF,          /* end of input before any byte */
	CG_LINE_TOOLONG,      /* more than sz - 1 bytes */
	CG_LINE_NUL,          /* a NUL byte in the line */
	CG_LINE_ERROR,        /* read error (errno) */
};

/* One line from fd into buf (sz bytes, NUL-terminated), without its
 * newline and a CR before it.  End of input after some bytes ends the
 * line.  On anything but CG_LINE_OK, buf is wiped (""). */
enum cg_line cg_line_read(int fd, char *buf, size_t sz);

/* "end of input", "line too long", "contains a NUL byte", ... */
const char *cg_line_strerror(enum cg_line status);

/* Echo off on the terminal fd (see above); false, and nothing changed,
 * when fd is no terminal.  One terminal at a time; cg_echo_restore undoes
 * it (and is harmless when echo was not turned off). */
bool cg_echo_off(int fd);
void cg_echo_restore(void);

/* The whole prompt: echo off when in_fd is a terminal, `prompt` on
 * out_fd, one line, echo back on, and a newline on out_fd to end the
 * prompt's line (nothing echoed the answer's).  The caller wipes buf. */
enum cg_line cg_prompt_secret(int in_fd, int out_fd, const char *prompt,
			      char *buf, size_t sz);

#endif
