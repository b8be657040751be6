/* lib/qr.h through its API: argument checks, the exact shape of the
 * terminal output (quiet zone on every side), and that a refused request
 * leaves no file behind.  Decoding is tests/tools/qr.sh's job (zbarimg
 * is the oracle there). */
#include "config.h"
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "qr.h"

#define SHORT	"hi"		/* version 1 at level M: 21 modules */
#define SIDE	(21 + 2 * CG_QR_QUIET_ZONE)

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 32];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/qrapi.XXXXXX",
		 tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/out", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Render to memory; the caller frees *buf. */
static cg_err render(const char *text, enum cg_qr_style style, char **buf,
		     size_t *len)
{
	FILE *f = open_memstream(buf, len);
	cg_err r;

	assert_non_null(f);
	r = cg_qr_write_terminal(f, text, style);
	assert_int_equal(fclose(f), 0);
	return r;
}

static char *next_line(char **p)
{
	char *line = *p, *nl = strchr(line, '\n');

	if (nl == NULL)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return line;
}

static void test_bad_arguments(void **state)
{
	struct fixture *fx = *state;
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(cg_qr_write_terminal(NULL, SHORT, CG_QR_UTF8),
			 CG_E_INVAL);
	assert_int_equal(cg_qr_write_terminal(stdout, NULL, CG_QR_UTF8),
			 CG_E_INVAL);
	assert_int_equal(cg_qr_write_terminal(stdout, "", CG_QR_UTF8),
			 CG_E_INVAL);
	assert_int_equal(render(SHORT, (enum cg_qr_style)99, &buf, &len),
			 CG_E_INVAL);
	assert_int_equal(len, 0);	/* nothing drawn */
	free(buf);

	assert_int_equal(cg_qr_write_png(NULL, SHORT, 0), CG_E_INVAL);
	assert_int_equal(cg_qr_write_png(fx->path, NULL, 0), CG_E_INVAL);
	assert_int_equal(cg_qr_write_png(fx->path, "", 0), CG_E_INVAL);
	assert_int_equal(cg_qr_write_png(fx->path, SHORT,
					 CG_QR_PNG_SCALE_MAX + 1), CG_E_RANGE);
	assert_int_equal(cg_qr_write_svg(NULL, SHORT), CG_E_INVAL);
	assert_int_equal(cg_qr_write_svg(fx->path, NULL), CG_E_INVAL);
	assert_int_equal(cg_qr_write_svg(fx->path, ""), CG_E_INVAL);
	assert_false(exists(fx->path));
}

/* Version 40 at level M holds 2331 bytes: more must be refused before
 * any file is created. */
static void test_too_big(void **state)
{
	struct fixture *fx = *state;
	char *text = malloc(3001);

	assert_non_null(text);
	memset(text, 'x', 3000);
	text[3000] = '\0';
	assert_int_equal(cg_qr_write_png(fx->path, text, 0), CG_E_TOOBIG);
	assert_int_equal(cg_qr_write_svg(fx->path, text), CG_E_TOOBIG);
	assert_false(exists(fx->path));
	assert_int_equal(cg_qr_write_terminal(stdout, text, CG_QR_UTF8),
			 CG_E_TOOBIG);
	free(text);
}

/* Parse one half-block line (prefix and suffix already checked) into
 * two module rows, 1 for dark; returns the number of columns. */
static int parse_halfblock(const char *s, char row[2][SIDE])
{
	int x;

	for (x = 0; *s; x++) {
		int top = 1, bottom = 1;	/* a space: both dark */
		assert_true(x < SIDE);
		if (*s == ' ') {
			s++;
		} else {
			assert_memory_equal(s, "\xe2\x96", 2);
			assert_true(s[2] == (char)0x80 || s[2] == (char)0x84 ||
				    s[2] == (char)0x88);
			top = s[2] == (char)0x84;	/* only the lower half light */
			bottom = s[2] == (char)0x80;
			s += 3;
		}
		row[0][x] = (char)top;
		row[1][x] = (char)bottom;
	}
	return x;
}

/* Parse one ANSI line into a module row, 1 for dark; returns the number
 * of modules.  Every module is two spaces on a white or black ground. */
static int parse_ansi(const char *s, char row[SIDE])
{
	int x = 0, dark = -1;

	while (*s) {
		if (strncmp(s, "\033[40m", 5) == 0) {
			dark = 1;
			s += 5;
		} else if (strncmp(s, "\033[47m", 5) == 0) {
			dark = 0;
			s += 5;
		} else {
			assert_true(dark != -1);	/* colour set first */
			assert_true(x < SIDE);
			assert_memory_equal(s, "  ", 2);
			row[x++] = (char)dark;
			s += 2;
		}
	}
	return x;
}

/* The quiet zone: module rows 0-3 and SIDE-4.. are light, and in every
 * row columns 0-3 and SIDE-4.. are. */
static void check_quiet(const char row[SIDE], int y)
{
	int x;

	for (x = 0; x < SIDE; x++)
		if (y < 4 || y >= SIDE - 4 || x < 4 || x >= SIDE - 4)
			assert_int_equal(row[x], 0);
}

/* Half blocks: ceil(SIDE / 2) lines of SIDE glyphs, each wrapped in the
 * style's prefix and suffix; the row past the last (SIDE is odd) is
 * light too. */
static void check_halfblock(const char *prefix, const char *suffix,
			    enum cg_qr_style style, char matrix[SIDE + 1][SIDE])
{
	char *buf = NULL, *p, *line;
	size_t len = 0, plen = strlen(prefix), slen = strlen(suffix);
	int y = 0;

	assert_int_equal(render(SHORT, style, &buf, &len), CG_OK);
	assert_int_equal(strlen(buf), len);
	for (p = buf; (line = next_line(&p)) != NULL; y += 2) {
		size_t ll = strlen(line);
		assert_true(y < SIDE);
		assert_true(ll > plen + slen);
		assert_memory_equal(line, prefix, plen);
		assert_memory_equal(line + ll - slen, suffix, slen);
		line[ll - slen] = '\0';
		assert_int_equal(parse_halfblock(line + plen, &matrix[y]),
				 SIDE);
		check_quiet(matrix[y], y);
		check_quiet(matrix[y + 1], y + 1);
	}
	assert_int_equal(*p, '\0');	/* output ends with a newline */
	assert_int_equal(y, SIDE + 1);
	free(buf);
}

static void test_utf8_shape(void **state)
{
	char m[SIDE + 1][SIDE];

	check_halfblock("", "", CG_QR_UTF8, m);
}

static void test_ansiutf8_shape(void **state)
{
	char m[SIDE + 1][SIDE];

	check_halfblock("\033[40;37;1m", "\033[0m", CG_QR_ANSIUTF8, m);
}

static void check_ansi(char matrix[SIDE][SIDE])
{
	char *buf = NULL, *p, *line;
	size_t len = 0;
	int y = 0;

	assert_int_equal(render(SHORT, CG_QR_ANSI, &buf, &len), CG_OK);
	for (p = buf; (line = next_line(&p)) != NULL; y++) {
		size_t ll = strlen(line);
		assert_true(y < SIDE);
		assert_true(ll > 4);
		assert_string_equal(line + ll - 4, "\033[0m");
		line[ll - 4] = '\0';
		assert_int_equal(parse_ansi(line, matrix[y]), SIDE);
		check_quiet(matrix[y], y);
	}
	assert_int_equal(*p, '\0');
	assert_int_equal(y, SIDE);
	free(buf);
}

static void test_ansi_shape(void **state)
{
	char m[SIDE][SIDE];

	check_ansi(m);
}

/* Every style draws the same matrix, and it is a QR code: the three
 * finder patterns' 7x7 rings sit in their corners. */
static void test_styles_agree(void **state)
{
	char u[SIDE + 1][SIDE], c[SIDE + 1][SIDE], a[SIDE][SIDE];
	static const int corner[3][2] = { { 4, 4 }, { SIDE - 11, 4 },
					  { 4, SIDE - 11 } };
	int i, x, y;

	check_halfblock("", "", CG_QR_UTF8, u);
	check_halfblock("\033[40;37;1m", "\033[0m", CG_QR_ANSIUTF8, c);
	check_ansi(a);
	assert_memory_equal(u, c, sizeof(c));
	assert_memory_equal(u, a, sizeof(a));
	for (i = 0; i < 3; i++)
		for (y = 0; y < 7; y++)
			for (x = 0; x < 7; x++) {
				int ring = x == 0 || x == 6 || y == 0 || y == 6;
				int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
				assert_int_equal(a[corner[i][1] + y][corner[i][0] + x],
						 ring || core);
			}
}

static void test_write_error(void **state)
{
	FILE *full = fopen("/dev/full", "w");

	if (full == NULL)
		skip();
	assert_int_equal(cg_qr_write_terminal(full, SHORT, CG_QR_ANSI),
			 CG_E_IO);
	fclose(full);
}

/* Scale 0 means the default. */
static void test_png_default_scale(void **state)
{
	struct fixture *fx = *state;
	char other[PATH_MAX + 40];
	FILE *a, *b;
	int ca, cb;

	snprintf(other, sizeof(other), "%s/out8", fx->dir);
	assert_int_equal(cg_qr_write_png(fx->path, SHORT, 0), CG_OK);
	assert_int_equal(cg_qr_write_png(other, SHORT,
					 CG_QR_PNG_SCALE_DEFAULT), CG_OK);
	assert_non_null(a = fopen(fx->path, "r"));
	assert_non_null(b = fopen(other, "r"));
	do {
		ca = getc(a);
		cb = getc(b);
		assert_int_equal(ca, cb);
	} while (ca != EOF);
	fclose(a);
	fclose(b);
	unlink(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big, setup, teardown),
		cmocka_unit_test(test_utf8_shape),
		cmocka_unit_test(test_ansiutf8_shape),
		cmocka_unit_test(test_ansi_shape),
		cmocka_unit_test(test_styles_agree),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test_setup_teardown(test_png_default_scale, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
