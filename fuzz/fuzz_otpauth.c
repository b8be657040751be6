/* libFuzzer target: otpauth URI parser, and parse(build(parse(x))) stability. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "otpauth.h"
#include "wipe.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cg_otpauth a, b;
	char *s, *uri = NULL;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cg_otpauth_parse(s, &a) == CG_OK &&
	    cg_otpauth_build(&a, &uri) == CG_OK) {
		if (cg_otpauth_parse(uri, &b) != CG_OK ||
		    memcmp(&a.totp, &b.totp, sizeof(a.totp)) != 0 ||
		    strcmp(a.issuer, b.issuer) != 0 ||
		    strcmp(a.account, b.account) != 0)
			abort();
		cg_free_string(uri);
	}
	free(s);
	return 0;
}
