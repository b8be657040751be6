/* qr-render: draw a QR code through lib/qr.h, for the tests.
 *   qr-render [--fs-as-caller] png FILE TEXT [SCALE]
 *   qr-render svg FILE TEXT
 *   qr-render utf8|ansiutf8|ansi TEXT      (to stdout)
 * --fs-as-caller first switches file access to the real ids, as a
 * set-uid tool does before writing where the user asked
 * (cg_priv_fs_as_caller()).
 * Exit 0 on success; 1 with "qr-render: MESSAGE" on stderr when the
 * library refuses or fails (the tests match MESSAGE); 2 on bad usage. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "privguard.h"
#include "qr.h"

static int usage(void)
{
	fputs("usage: qr-render [--fs-as-caller] png FILE TEXT [SCALE] |"
	      " svg FILE TEXT | utf8|ansiutf8|ansi TEXT\n", stderr);
	return 2;
}

static int report(cg_err r, int saved_errno)
{
	if (r == CG_OK)
		return 0;
	fprintf(stderr, "qr-render: %s (errno: %s)\n", cg_strerror(r),
		strerror(saved_errno));
	return 1;
}

static int parse_scale(const char *s, unsigned *scale)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > 1000)
		return -1;
	*scale = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned scale = 0;
	cg_err r;

	if (argc > 1 && strcmp(argv[1], "--fs-as-caller") == 0) {
		if (cg_priv_fs_as_caller() != CG_OK) {
			fputs("qr-render: cannot switch file access\n", stderr);
			return 1;
		}
		argc--;
		argv++;
	}
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "png") == 0 && (argc == 4 || argc == 5)) {
		if (argc == 5 && parse_scale(argv[4], &scale) == -1)
			return usage();
		r = cg_qr_write_png(argv[2], argv[3], scale);
	} else if (strcmp(argv[1], "svg") == 0 && argc == 4) {
		r = cg_qr_write_svg(argv[2], argv[3]);
	} else if (strcmp(argv[1], "utf8") == 0 && argc == 3) {
		r = cg_qr_write_terminal(stdout, argv[2], CG_QR_UTF8);
	} else if (strcmp(argv[1], "ansiutf8") == 0 && argc == 3) {
		r = cg_qr_write_terminal(stdout, argv[2], CG_QR_ANSIUTF8);
	} else if (strcmp(argv[1], "ansi") == 0 && argc == 3) {
		r = cg_qr_write_terminal(stdout, argv[2], CG_QR_ANSI);
	} else {
		return usage();
	}
	return report(r, errno);
}
