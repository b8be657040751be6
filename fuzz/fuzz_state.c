/* libFuzzer target: the state file parser, and format(parse(x)) round trip. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "state.h"
#include "wipe.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cg_state a, b;
	char *text = NULL;
	unsigned line = 0;

	cg_state_init(&a);
	cg_state_init(&b);
	if (cg_state_parse((const char *)data, size, &a, &line) != CG_OK)
		return 0;
	/* Whatever parses must format, and format back to the same state. */
	if (cg_state_format(&a, &text) != CG_OK)
		abort();
	if (cg_state_parse(text, strlen(text), &b, &line) != CG_OK)
		abort();
	if (memcmp(&a.totp, &b.totp, sizeof(a.totp)) != 0 ||
	    a.last_step != b.last_step || a.nrecovery != b.nrecovery)
		abort();
	cg_free_string(text);
	cg_state_wipe(&a);
	cg_state_wipe(&b);
	return 0;
}
