/* Drawing an otpauth:// URI as a QR code: terminal, PNG, SVG (qr.h). */
#include "config.h"
#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "outfile.h"
#include "qr.h"
#include "wipe.h"

/*
 * Every picture is first rendered into a memory buffer and only then
 * written, with one write path: so a picture is either complete or not
 * written at all, and the bytes (which encode the secret as surely as the
 * text does) live in one place that is wiped.
 */
struct qrbuf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

#define QRBUF_MAX	(64u * 1024 * 1024)

static cg_err qrbuf_reserve(struct qrbuf *b, size_t extra)
{
	unsigned char *grown;
	size_t cap;

	if (extra > QRBUF_MAX - b->len)
		return CG_E_TOOBIG;
	if (b->len + extra <= b->cap)
		return CG_OK;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra)
		cap *= 2;
	/* Not realloc: the old block would be freed without being wiped. */
	if ((grown = malloc(cap)) == NULL)
		return CG_E_NOMEM;
	if (b->len > 0)
		memcpy(grown, b->data, b->len);
	cg_freezero(b->data, b->cap);
	b->data = grown;
	b->cap = cap;
	return CG_OK;
}

static cg_err qrbuf_append(struct qrbuf *b, const void *p, size_t n)
{
	cg_err r;

	if ((r = qrbuf_reserve(b, n)) != CG_OK)
		return r;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return CG_OK;
}

static cg_err qrbuf_puts(struct qrbuf *b, const char *s)
{
	return qrbuf_append(b, s, strlen(s));
}

static cg_err qrbuf_printf(struct qrbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static cg_err qrbuf_printf(struct qrbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	cg_err r = CG_E_TOOBIG;	/* only short fragments come here */
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(tmp))
		r = qrbuf_append(b, tmp, (size_t)n);
	cg_wipe(tmp, sizeof(tmp));	/* a piece of the picture */
	return r;
}

static void qrbuf_free(struct qrbuf *b)
{
	cg_freezero(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- encoding ------------------------------------------------------- */

static cg_err qr_encode(const char *text, QRcode **qr_out)
{
	QRcode *qr;

	*qr_out = NULL;
	if (text == NULL || *text == '\0')
		return CG_E_INVAL;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL) {
		if (errno == ERANGE)
			return CG_E_TOOBIG;
		return errno == ENOMEM ? CG_E_NOMEM : CG_E_INVAL;
	}
	*qr_out = qr;
	return CG_OK;
}

static void qr_free(QRcode *qr)
{
	if (qr == NULL)
		return;
	cg_wipe(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
}

/* Side of the picture in modules, quiet zone included. */
static int qr_side(const QRcode *qr)
{
	return qr->width + 2 * CG_QR_QUIET_ZONE;
}

/* Is module (x, y) dark?  Coordinates count from the picture's corner,
 * so everything outside the symbol is quiet zone, i.e. light. */
static bool qr_dark(const QRcode *qr, int x, int y)
{
	x -= CG_QR_QUIET_ZONE;
	y -= CG_QR_QUIET_ZONE;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return (qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1) != 0;
}

/* ---- terminal ------------------------------------------------------- */

/* One line of half blocks shows module rows y and y + 1.  The glyph's
 * foreground is the light colour (see enum cg_qr_style). */
static cg_err render_halfblock_line(struct qrbuf *b, const QRcode *qr,
				    int y, bool colour)
{
	static const char *const glyph[4] = {
		" ",			/* both dark */
		"\xe2\x96\x84",	/* U+2584: lower half light */
		"\xe2\x96\x80",	/* U+2580: upper half light */
		"\xe2\x96\x88",	/* U+2588: both light */
	};
	int side = qr_side(qr), x;
	cg_err r;

	if (colour && (r = qrbuf_puts(b, "\033[40;37;1m")) != CG_OK)
		return r;
	for (x = 0; x < side; x++) {
		int i = (!qr_dark(qr, x, y) << 1) | !qr_dark(qr, x, y + 1);
		if ((r = qrbuf_puts(b, glyph[i])) != CG_OK)
			return r;
	}
	return qrbuf_puts(b, colour ? "\033[0m\n" : "\n");
}

/* One line of background colours shows module row y, a module being two
 * spaces so that it is about square. */
static cg_err render_ansi_line(struct qrbuf *b, const QRcode *qr, int y)
{
	int side = qr_side(qr), x, prev = -1;
	cg_err r;

	for (x = 0; x < side; x++) {
		int dark = qr_dark(qr, x, y);
		if (dark != prev &&
		    (r = qrbuf_puts(b, dark ? "\033[40m" : "\033[47m")) != CG_OK)
			return r;
		prev = dark;
		if ((r = qrbuf_puts(b, "  ")) != CG_OK)
			return r;
	}
	return qrbuf_puts(b, "\033[0m\n");
}

static cg_err render_terminal(struct qrbuf *b, const QRcode *qr,
			      enum cg_qr_style style)
{
	int side = qr_side(qr), y;
	cg_err r = CG_OK;

	switch (style) {
	case CG_QR_UTF8:
	case CG_QR_ANSIUTF8:
		/* An odd side leaves a last half line: module row `side` is
		 * outside the picture, so it is light, more quiet zone. */
		for (y = 0; y < side && r == CG_OK; y += 2)
			r = render_halfblock_line(b, qr, y,
						  style == CG_QR_ANSIUTF8);
		return r;
	case CG_QR_ANSI:
		for (y = 0; y < side && r == CG_OK; y++)
			r = render_ansi_line(b, qr, y);
		return r;
	}
	return CG_E_INVAL;
}

cg_err cg_qr_write_terminal(FILE *out, const char *text,
			    enum cg_qr_style style)
{
	struct qrbuf b = { NULL, 0, 0 };
	QRcode *qr = NULL;
	cg_err r;

	if (out == NULL) {
		r = CG_E_INVAL;
		goto out;
	}
	if ((r = qr_encode(text, &qr)) != CG_OK ||
	    (r = render_terminal(&b, qr, style)) != CG_OK)
		goto out;
	if (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0 ||
	    ferror(out))
		r = CG_E_IO;
 out:
	qrbuf_free(&b);
	qr_free(qr);
	return r;
}

/* ---- SVG ------------------------------------------------------------ */

static cg_err svg_header(struct qrbuf *b, int side)
{
	cg_err r;

	if ((r = qrbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")) != CG_OK)
		return r;
	/* Size a viewer shows by default; the viewBox is in modules. */
	if ((r = qrbuf_printf(b, " width=\"%d\" height=\"%d\""
	    " viewBox=\"0 0 %d %d\"", side * CG_QR_PNG_SCALE_DEFAULT,
	    side * CG_QR_PNG_SCALE_DEFAULT, side, side)) != CG_OK)
		return r;
	if ((r = qrbuf_puts(b, " shape-rendering=\"crispEdges\">\n")) != CG_OK)
		return r;
	/* The quiet zone must be light even on a dark page. */
	return qrbuf_printf(b, "<rect width=\"%d\" height=\"%d\""
	    " fill=\"#ffffff\"/>\n", side, side);
}

/* Dark modules as one path of horizontal runs, in module units. */
static cg_err render_svg(struct qrbuf *b, const QRcode *qr)
{
	int side = qr_side(qr), x, y, run;
	cg_err r;

	if ((r = svg_header(b, side)) != CG_OK ||
	    (r = qrbuf_puts(b, "<path fill=\"#000000\" d=\"")) != CG_OK)
		return r;
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x += run) {
			for (run = 0; qr_dark(qr, x + run, y); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			if ((r = qrbuf_printf(b, "M%d %dh%dv1h-%dz",
			    x, y, run, run)) != CG_OK)
				return r;
		}
	}
	return qrbuf_puts(b, "\"/>\n</svg>\n");
}

/* ---- PNG ------------------------------------------------------------ */

static void png_append(png_structp png, png_bytep data, size_t len)
{
	if (qrbuf_append(png_get_io_ptr(png), data, len) != CG_OK)
		png_error(png, "out of memory");
}

static void png_flush_nop(png_structp png)
{
}

/* libpng reports through longjmp; keep its messages off our stderr, the
 * caller reports the cg_err. */
static void png_error_quiet(png_structp png, png_const_charp msg)
{
	png_longjmp(png, 1);
}

static void png_warning_quiet(png_structp png, png_const_charp msg)
{
}

/* Nothing that is changed after setjmp is used after the longjmp, so no
 * local needs to be volatile. */
static cg_err png_emit(png_structp png, png_infop info, const QRcode *qr,
		       unsigned scale, png_bytep row, size_t rowlen)
{
	int side = qr_side(qr), x, y;
	unsigned s, px = (unsigned)side * scale;

	if (setjmp(png_jmpbuf(png)))
		return CG_E_NOMEM;	/* the only failure: we write to memory */
	png_set_IHDR(png, info, px, px, 1, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		/* 1-bit gray: 0 is black.  Start white, clear dark pixels. */
		memset(row, 0xff, rowlen);
		for (x = 0; x < side; x++) {
			if (!qr_dark(qr, x, y))
				continue;
			for (s = 0; s < scale; s++) {
				unsigned p = (unsigned)x * scale + s;
				row[p / 8] &= (png_byte)~(0x80u >> (p % 8));
			}
		}
		for (s = 0; s < scale; s++)
			png_write_row(png, row);
	}
	png_write_end(png, NULL);
	return CG_OK;
}

static cg_err render_png(struct qrbuf *b, const QRcode *qr, unsigned scale)
{
	png_structp png = NULL;
	png_infop info = NULL;
	png_bytep row = NULL;
	size_t rowlen = ((size_t)qr_side(qr) * scale + 7) / 8;
	cg_err r = CG_E_NOMEM;

	if ((row = malloc(rowlen)) == NULL)
		goto out;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
				      png_error_quiet, png_warning_quiet);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
		goto out;
	png_set_write_fn(png, b, png_append, png_flush_nop);
	r = png_emit(png, info, qr, scale, row, rowlen);
 out:
	if (png != NULL)
		png_destroy_write_struct(&png, info ? &info : NULL);
	cg_freezero(row, rowlen);
	return r;
}

cg_err cg_qr_write_png(const char *path, const char *text, unsigned scale)
{
	struct qrbuf b = { NULL, 0, 0 };
	QRcode *qr = NULL;
	cg_err r;

	if (scale == 0)
		scale = CG_QR_PNG_SCALE_DEFAULT;
	if (path == NULL) {
		r = CG_E_INVAL;
		goto out;
	}
	if (scale > CG_QR_PNG_SCALE_MAX) {
		r = CG_E_RANGE;
		goto out;
	}
	if ((r = qr_encode(text, &qr)) != CG_OK ||
	    (r = render_png(&b, qr, scale)) != CG_OK)
		goto out;
	r = cg_write_private_file(path, b.data, b.len);
 out:
	qrbuf_free(&b);
	qr_free(qr);
	return r;
}

cg_err cg_qr_write_svg(const char *path, const char *text)
{
	struct qrbuf b = { NULL, 0, 0 };
	QRcode *qr = NULL;
	cg_err r;

	if (path == NULL) {
		r = CG_E_INVAL;
		goto out;
	}
	if ((r = qr_encode(text, &qr)) != CG_OK ||
	    (r = render_svg(&b, qr)) != CG_OK)
		goto out;
	r = cg_write_private_file(path, b.data, b.len);
 out:
	qrbuf_free(&b);
	qr_free(qr);
	return r;
}
