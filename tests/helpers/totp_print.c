/* totp-print: print our TOTP code for given parameters, so shell tests can
 * compare it with an independent implementation (oathtool).
 *
 *   totp-print HEXSECRET ALG DIGITS PERIOD EPOCH
 *   totp-print < cases        one case per line, same five fields
 *
 * ALG is sha1, sha256 or sha512.  One code per line on stdout; a case
 * that cannot be computed prints "ERROR" on its line (so lines stay
 * aligned with the input) and a reason on stderr, and the exit status
 * becomes 1.  Test data only: the secrets are random test keys. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "otp.h"
#include "wipe.h"

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static cg_err parse_hex(const char *hex, uint8_t *out, size_t outsz,
			size_t *outlen)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 2 != 0)
		return CG_E_INVAL;
	if (n / 2 > outsz)
		return CG_E_TOOBIG;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return CG_E_INVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return CG_OK;
}

static bool parse_num(const char *s, long long min, long long max,
		      long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Compute the code for one case given as five strings. */
static cg_err one_case(char *const f[5], char *code, size_t codesz)
{
	struct cg_totp t;
	long long digits, period, epoch;
	cg_err r;

	memset(&t, 0, sizeof(t));
	if ((r = parse_hex(f[0], t.secret, sizeof(t.secret),
	    &t.secret_len)) != CG_OK)
		goto out;
	if ((r = cg_alg_parse(f[1], &t.alg)) != CG_OK)
		goto out;
	if (!parse_num(f[2], 0, 100, &digits) ||
	    !parse_num(f[3], 0, 100000, &period) ||
	    !parse_num(f[4], 0, (long long)1 << 40, &epoch)) {
		r = CG_E_INVAL;
		goto out;
	}
	t.digits = (unsigned)digits;
	t.period = (unsigned)period;
	r = cg_totp_code(&t, cg_totp_step(&t, (time_t)epoch), code, codesz);
 out:
	cg_wipe(&t, sizeof(t));
	return r;
}

static int print_case(char *const f[5], unsigned long lineno)
{
	char code[CG_CODE_MAX + 1];
	cg_err r = one_case(f, code, sizeof(code));

	if (r != CG_OK) {
		fprintf(stderr, "totp-print: case %lu: %s\n", lineno,
		    cg_strerror(r));
		puts("ERROR");
		return 1;
	}
	puts(code);
	return 0;
}

static int from_stdin(void)
{
	char line[1024], *f[5], *save;
	unsigned long lineno = 0;
	int status = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		int n = 0;

		lineno++;
		for (char *tok = strtok_r(line, " \t\n", &save);
		    tok != NULL && n < 5; tok = strtok_r(NULL, " \t\n", &save))
			f[n++] = tok;
		if (n != 5) {
			fprintf(stderr, "totp-print: line %lu: need 5 fields\n",
			    lineno);
			puts("ERROR");
			status = 1;
			continue;
		}
		status |= print_case(f, lineno);
	}
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 6)
		return print_case(argv + 1, 0);
	if (argc == 1)
		return from_stdin();
	fprintf(stderr,
	    "usage: totp-print HEXSECRET ALG DIGITS PERIOD EPOCH\n"
	    "       totp-print < cases   (same five fields per line)\n");
	return 2;
}
