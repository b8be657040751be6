/* libFuzzer target for credgate-enroll's import parsers (tools/enroll_ga.c,
 * tools/enroll_oath.c).  The first byte picks the format; the rest is the
 * file.  Besides memory errors (ASan), it checks what the tool relies on
 * before writing a state: a success is a TOTP the core accepts, with at
 * most CG_RECOVERY_MAX 8-digit scratch codes; a failure leaves nothing
 * behind and gives a printable message. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "enroll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

static void check_import(const struct enroll_import *imp)
{
	char code[CG_CODE_MAX + 1];

	if (cg_totp_code(&imp->totp, 0, code, sizeof(code)) != CG_OK)
		abort();
	if (imp->nscratch > CG_RECOVERY_MAX || imp->last_step < -1)
		abort();
	for (size_t i = 0; i < imp->nscratch; i++)
		if (strlen(imp->scratch[i]) != 8 ||
		    strspn(imp->scratch[i], "0123456789") != 8)
			abort();
}

static void check_wiped(const struct enroll_import *imp)
{
	static const struct enroll_import zero;

	if (memcmp(imp, &zero, sizeof(zero)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct enroll_import imp;
	struct enroll_ga_info info;
	unsigned line = 0, notes = 0;
	char why[256] = "";
	char *text;
	cg_err e;

	if (size < 1)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		e = enroll_oath_parse(text, size - 1, "alice", &imp, &notes,
				      &line, why, sizeof(why));
	else
		e = enroll_ga_parse(text, size - 1, &imp, &info, &line, why,
				    sizeof(why));
	if (e == CG_OK) {
		check_import(&imp);
	} else {
		if (e != CG_E_PARSE && e != CG_E_NOENT)
			abort();
		check_wiped(&imp);
		if (e == CG_E_PARSE)
			check_printable(why);
	}
	free(text);
	return 0;
}
