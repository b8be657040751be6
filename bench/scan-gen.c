/* bench/scan-gen DIR FILES MEGABYTES: a deterministic tree of text files
 * for the leak-scan benchmark (bench/scan-run).  Files are spread over
 * directories of 100, two levels deep; sizes vary from 0.1 to 1.9 times
 * the mean; the text is lines of configuration- and code-like tokens
 * (words, identifiers, numbers, "key = value", quotes), so the bytes the
 * credentials are made of are everywhere. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *const words[] = {
	"the", "password", "user", "host", "port", "server", "config",
	"export", "echo", "if", "then", "else", "fi", "return", "int",
	"static", "const", "char", "void", "for", "while", "mail", "smtp",
	"relay", "deploy", "release", "build", "test", "error", "warning",
	"info", "debug", "true", "false", "null", "none", "localhost",
	"example.com", "https://", "api", "key", "token", "secret", "value",
	"name", "path", "/etc", "/var/log", "/home", "timeout", "retry",
	"TODO", "FIXME", "and", "or", "not", "in", "of", "to", "from",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))
static const char alnum[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

static size_t token(char *out)
{
	uint32_t r = next() % 10;
	size_t n = 0;

	if (r < 5) {
		const char *w = words[next() % NWORDS];

		n = strlen(w);
		memcpy(out, w, n);
	} else if (r < 8) {             /* an identifier or a random string */
		size_t len = 3 + next() % 14;

		for (; n < len; n++)
			out[n] = alnum[next() % (sizeof(alnum) - 1)];
	} else if (r < 9) {
		n = (size_t)sprintf(out, "%u", next() % 100000);
	} else {
		const char *p[] = { " = ", ": ", "\"", "'", "(", ");", "{", "}",
				    "=", ",", "#" };
		const char *s = p[next() % (sizeof(p) / sizeof(p[0]))];

		n = strlen(s);
		memcpy(out, s, n);
	}
	return n;
}

static int write_file(const char *path, size_t size)
{
	static char buf[1 << 20];
	size_t n = 0, line = 0;
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	if (size > sizeof(buf) - 64)
		size = sizeof(buf) - 64;
	while (n < size) {
		size_t len = token(buf + n);

		n += len;
		line += len;
		if (line > 20 + next() % 80) {
			buf[n++] = '\n';
			line = 0;
		} else {
			buf[n++] = ' ';
		}
	}
	buf[n++] = '\n';
	if (fwrite(buf, 1, n, f) != n || fclose(f) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	unsigned long files, mb;
	size_t mean;

	if (argc != 4 || (files = strtoul(argv[2], NULL, 10)) == 0 ||
	    (mb = strtoul(argv[3], NULL, 10)) == 0) {
		fprintf(stderr, "usage: scan-gen DIR FILES MEGABYTES\n");
		return 2;
	}
	mean = (size_t)(mb << 20) / files;
	for (unsigned long i = 0; i < files; i++) {
		size_t size = mean / 10 + (size_t)((uint64_t)mean * 18 / 10 *
						   (next() % 1000) / 1000);

		snprintf(path, sizeof(path), "%s/d%02lu", argv[1], i / 10000);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/d%02lu/s%03lu", argv[1],
			 i / 10000, i / 100 % 100);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/d%02lu/s%03lu/f%05lu.txt",
			 argv[1], i / 10000, i / 100 % 100, i);
		if (write_file(path, size) != 0) {
			fprintf(stderr, "scan-gen: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	return 0;
}
