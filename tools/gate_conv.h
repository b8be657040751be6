/* The gate's PAM conversation.  Like sudo, it talks to the controlling
 * terminal (/dev/tty) when there is one, so that stdin stays the
 * command's (credgate run NAME -- CMD <input) and stdout stays the
 * credential's; echo is off for hidden prompts.  Without a terminal it
 * writes prompts to stderr and reads answers from stdin one byte at a
 * time, so nothing after the answer's newline is consumed. */
#ifndef CG_GATE_CONV_H
#define CG_GATE_CONV_H
#include <stdbool.h>
#include <security/pam_appl.h>

struct gate_conv_io {
	int in_fd;
	int out_fd;
	bool is_tty;                 /* in_fd is a terminal: echo control */
	int tty_fd;                  /* opened /dev/tty, -1 if none */
};

void gate_conv_open(struct gate_conv_io *io);
void gate_conv_close(struct gate_conv_io *io);

/* The pam_conv function; appdata is a struct gate_conv_io. */
int gate_conv(int n, const struct pam_message **msg,
	      struct pam_response **resp, void *appdata);

#endif
