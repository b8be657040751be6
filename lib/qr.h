/* Drawing an otpauth:// URI as a QR code: on a terminal, as PNG, as SVG.
 *
 * The text is encoded with libqrencode (ECC level M, 8-bit hint,
 * case-sensitive) and always drawn with the 4-module quiet zone the QR
 * specification requires.  The text holds the TOTP secret, and so does
 * every picture of it: the QR matrix and the rendered bytes are wiped
 * before they are freed.
 *
 * Files are written with the caller's privileges: a setuid caller must
 * switch to the real uid before naming a path the user chose. */
#ifndef CG_QR_H
#define CG_QR_H
#include <stdio.h>
#include "cg_error.h"

#define CG_QR_QUIET_ZONE	4	/* modules of light margin, each side */
#define CG_QR_PNG_SCALE_DEFAULT	8	/* pixels per module */
#define CG_QR_PNG_SCALE_MAX	32

enum cg_qr_style {
	/* Half blocks (U+2580, U+2584, U+2588, space), two module rows per
	 * line, light modules drawn in the foreground colour, as
	 * `qrencode -t UTF8` does: right on a light-on-dark terminal,
	 * inverted (which many scanners refuse) on a dark-on-light one. */
	CG_QR_UTF8,
	/* The same half blocks with the colours set explicitly (white on
	 * black, `qrencode -t ANSIUTF8`): scans whatever the terminal's own
	 * colours are, as long as it honours ANSI colours. */
	CG_QR_ANSIUTF8,
	/* ANSI background colours, two spaces per module, one module row
	 * per line (`qrencode -t ANSI`): no Unicode needed, but twice as
	 * wide and twice as tall as the half-block styles. */
	CG_QR_ANSI,
};

/* Draw text on `out` in the given style.  The stream is flushed; a write
 * error is CG_E_IO (errno kept).  Text that does not fit a QR code is
 * CG_E_TOOBIG; empty text is CG_E_INVAL. */
cg_err cg_qr_write_terminal(FILE *out, const char *text,
			    enum cg_qr_style style);

/* Write a 1-bit grayscale PNG, `scale` pixels per module (0 means
 * CG_QR_PNG_SCALE_DEFAULT; above CG_QR_PNG_SCALE_MAX is CG_E_RANGE).
 *
 * The picture is rendered in memory first, so a text that cannot be
 * encoded leaves no file.  It is then written by cg_write_private_file()
 * (outfile.h): mode 0600, a symlink refused (CG_E_SYMLINK) and its target
 * untouched, a FIFO or device refused (CG_E_NOTREG) without blocking, a
 * file of another user (CG_E_NOTMINE) or with other hard links
 * (CG_E_NLINK) refused, fsync'ed, and on a write error (CG_E_IO) left
 * empty rather than partial.  errno is kept from the failing call. */
cg_err cg_qr_write_png(const char *path, const char *text, unsigned scale);

/* Write an SVG (a viewBox in module units, one <path> for the dark
 * modules, shape-rendering="crispEdges"), with the same file rules as
 * cg_qr_write_png(). */
cg_err cg_qr_write_svg(const char *path, const char *text);

#endif
