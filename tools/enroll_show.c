/* Showing an enrollment's otpauth:// URI and QR codes (terminal, PNG,
 * SVG), written with the caller's own identity. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "enroll.h"
#include "privguard.h"
#include "qr.h"

/* Write the PNG or SVG with the caller's own file access: the path is
 * theirs to choose, so it must be theirs to write (outfile.h refuses
 * symlinks, other users' files and anything but a regular file). */
static int write_qr_file(const char *path, const char *uri, bool png)
{
	char shown[PATH_MAX];
	int saved_errno = 0;
	cg_err e, back;

	if ((e = cg_priv_fs_as_caller()) == CG_OK)
		e = png ? cg_qr_write_png(path, uri, 0) :
			  cg_qr_write_svg(path, uri);
	saved_errno = errno;
	back = cg_priv_fs_as_root();
	cg_audit_escape(path, shown, sizeof(shown));
	if (back != CG_OK) {
		enroll_err("cannot switch file access back; stopping");
		return ENROLL_EXIT_ERROR;
	}
	if (e != CG_OK) {
		enroll_err("%s: %s%s%s", shown, cg_strerror(e),
			   e == CG_E_IO ? ": " : "",
			   e == CG_E_IO ? strerror(saved_errno) : "");
		return ENROLL_EXIT_ERROR;
	}
	printf("QR code written to %s\n", shown);
	return 0;
}

static enum cg_qr_style terminal_style(enum enroll_qr qr)
{
	return qr == QR_ANSI ? CG_QR_ANSI :
	       qr == QR_ANSIUTF8 ? CG_QR_ANSIUTF8 : CG_QR_UTF8;
}

int enroll_show(const struct enroll_ctx *c, const char *uri,
		const char *secret_b32)
{
	enum enroll_qr qr = c->o->qr;
	int rc;
	cg_err e;

	/* Files first: a path that cannot be written stops everything
	 * before any secret is shown. */
	if (c->o->qr_png != NULL &&
	    (rc = write_qr_file(c->o->qr_png, uri, true)) != 0)
		return rc;
	if (c->o->qr_svg != NULL &&
	    (rc = write_qr_file(c->o->qr_svg, uri, false)) != 0)
		return rc;
	if (qr == QR_DEFAULT)
		qr = isatty(STDOUT_FILENO) ? QR_UTF8 : QR_NONE;
	if (qr != QR_NONE) {
		printf("Scan this QR code with the authenticator app:\n\n");
		fflush(stdout);
		if ((e = cg_qr_write_terminal(stdout, uri,
					      terminal_style(qr))) != CG_OK) {
			enroll_err("QR code: %s", cg_strerror(e));
			return ENROLL_EXIT_ERROR;
		}
		printf("\n");
	}
	printf("Key URI (the QR code's contents):\n%s\n\n", uri);
	printf("Or enter by hand: secret %s, %s, %u digits, %u seconds\n\n",
	       secret_b32, cg_alg_name(c->o->alg), c->o->digits, c->o->period);
	fflush(stdout);
	return 0;
}
