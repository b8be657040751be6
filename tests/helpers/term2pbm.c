/* term2pbm: what a terminal would show, as a picture a scanner can read.
 *
 *   term2pbm [-t dark|light] [-s SCALE] [-m MARGIN] < TEXT > IMAGE.pbm
 *
 * Reads the output of cg_qr_write_terminal() (any style) and paints it as
 * a terminal would: each character cell is one unit wide and two units
 * tall (half blocks fill one unit), a space shows the background colour,
 * U+2580/U+2584/U+2588 the foreground colour in the upper, lower or both
 * halves.  SGR escapes set the colours (black, red and blue count as dark,
 * the rest as light); without them the terminal's own colours apply:
 * light text on a dark background (-t dark, the default) or dark on
 * light (-t light).  MARGIN cells (default 2) of terminal background
 * surround the picture, as on a real screen.  Each unit becomes SCALE x
 * SCALE pixels (default 4).  Output is a binary PBM (P4).
 *
 * Anything else in the input (another character, another escape) is an
 * error, so the test notices output it does not understand. */
#include "config.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_COLS 512
#define MAX_ROWS 512

/* unit[row][col]: true when that unit is dark; a cell is two unit rows. */
static bool unit_dark[2 * MAX_ROWS][MAX_COLS];
static bool unit_set[2 * MAX_ROWS][MAX_COLS];

struct term {
	bool def_fg_dark, def_bg_dark;	/* the terminal's own colours */
	bool fg_dark, bg_dark;		/* current colours */
	int row, col, rows, cols;
};

static void die(const char *msg)
{
	fprintf(stderr, "term2pbm: %s\n", msg);
	exit(2);
}

static bool colour_dark(int c)
{
	return c == 0 || c == 1 || c == 4;	/* black, red, blue */
}

static void sgr(struct term *t, int code)
{
	if (code == 0) {
		t->fg_dark = t->def_fg_dark;
		t->bg_dark = t->def_bg_dark;
	} else if (code == 1 || code == 22) {
		/* bold: brighter, never dark vs. light */
	} else if (code >= 30 && code <= 37) {
		t->fg_dark = colour_dark(code - 30);
	} else if (code >= 90 && code <= 97) {
		t->fg_dark = code == 90;
	} else if (code == 39) {
		t->fg_dark = t->def_fg_dark;
	} else if (code >= 40 && code <= 47) {
		t->bg_dark = colour_dark(code - 40);
	} else if (code >= 100 && code <= 107) {
		t->bg_dark = code == 100;
	} else if (code == 49) {
		t->bg_dark = t->def_bg_dark;
	} else {
		die("unsupported SGR code");
	}
}

/* Parse "[n;n;...m" after ESC. */
static void escape(struct term *t, FILE *in)
{
	int c, code = 0;
	bool have = false;

	if (getc(in) != '[')
		die("escape other than CSI");
	while ((c = getc(in)) != EOF) {
		if (c >= '0' && c <= '9') {
			code = code * 10 + (c - '0');
			have = true;
			if (code > 1000)
				die("bad SGR number");
		} else if (c == ';' || c == 'm') {
			sgr(t, have ? code : 0);
			code = 0;
			have = false;
			if (c == 'm')
				return;
		} else {
			die("CSI sequence other than SGR");
		}
	}
	die("truncated escape");
}

static void put_cell(struct term *t, bool top_fg, bool bottom_fg)
{
	int r = 2 * t->row, c = t->col;

	if (t->row >= MAX_ROWS || c >= MAX_COLS)
		die("picture too large");
	unit_dark[r][c] = top_fg ? t->fg_dark : t->bg_dark;
	unit_dark[r + 1][c] = bottom_fg ? t->fg_dark : t->bg_dark;
	unit_set[r][c] = unit_set[r + 1][c] = true;
	t->col++;
	if (t->col > t->cols)
		t->cols = t->col;
	if (t->row + 1 > t->rows)
		t->rows = t->row + 1;
}

/* The three half-block glyphs are E2 96 80 / 84 / 88 in UTF-8. */
static void glyph(struct term *t, FILE *in)
{
	int b1 = getc(in), b2 = getc(in);

	if (b1 != 0x96)
		die("unexpected UTF-8 character");
	if (b2 == 0x80)
		put_cell(t, true, false);
	else if (b2 == 0x84)
		put_cell(t, false, true);
	else if (b2 == 0x88)
		put_cell(t, true, true);
	else
		die("unexpected UTF-8 character");
}

static void read_screen(struct term *t, FILE *in)
{
	int c;

	while ((c = getc(in)) != EOF) {
		if (c == '\033')
			escape(t, in);
		else if (c == ' ')
			put_cell(t, false, false);
		else if (c == 0xe2)
			glyph(t, in);
		else if (c == '\n') {
			t->row++;
			t->col = 0;
		} else
			die("unexpected character");
	}
}

static void write_pbm(const struct term *t, int scale, int margin)
{
	int uw = t->cols + 2 * margin, uh = 2 * (t->rows + 2 * margin);
	int w = uw * scale, h = uh * scale, y, x;
	size_t rowlen = ((size_t)w + 7) / 8;
	unsigned char *row = malloc(rowlen);

	if (row == NULL)
		die("out of memory");
	printf("P4\n%d %d\n", w, h);
	for (y = 0; y < h; y++) {
		int ur = y / scale - 2 * margin;
		memset(row, 0, rowlen);
		for (x = 0; x < w; x++) {
			int uc = x / scale - margin;
			bool dark = t->def_bg_dark;	/* outside: background */
			if (ur >= 0 && uc >= 0 && ur < 2 * t->rows &&
			    uc < t->cols && unit_set[ur][uc])
				dark = unit_dark[ur][uc];
			if (dark)	/* PBM: 1 is black */
				row[x / 8] |= (unsigned char)(0x80u >> (x % 8));
		}
		fwrite(row, 1, rowlen, stdout);
	}
	free(row);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
}

int main(int argc, char **argv)
{
	struct term t = { false, true, false, true, 0, 0, 0, 0 };
	int opt, scale = 4, margin = 2;

	while ((opt = getopt(argc, argv, "t:s:m:")) != -1) {
		switch (opt) {
		case 't':
			if (strcmp(optarg, "dark") == 0)
				t.def_fg_dark = false, t.def_bg_dark = true;
			else if (strcmp(optarg, "light") == 0)
				t.def_fg_dark = true, t.def_bg_dark = false;
			else
				die("-t dark|light");
			break;
		case 's':
			scale = atoi(optarg);
			if (scale < 1 || scale > 16)
				die("-s 1..16");
			break;
		case 'm':
			margin = atoi(optarg);
			if (margin < 0 || margin > 16)
				die("-m 0..16");
			break;
		default:
			die("usage: term2pbm [-t dark|light] [-s SCALE] [-m MARGIN]");
		}
	}
	t.fg_dark = t.def_fg_dark;
	t.bg_dark = t.def_bg_dark;
	read_screen(&t, stdin);
	if (t.rows == 0 || t.cols == 0)
		die("empty input");
	write_pbm(&t, scale, margin);
	return 0;
}
