/* libFuzzer target: the approval request record parser (lib/request.c),
 * and format(parse(x)) parsing back to the same record. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "request.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cg_request a, b;
	char *text = NULL;
	unsigned line = 0;

	if (cg_request_parse((const char *)data, size, &a, &line) != CG_OK)
		return 0;
	/* Whatever parses must format, and format back to the same record. */
	if (cg_request_format(&a, &text) != CG_OK)
		abort();
	if (cg_request_parse(text, strlen(text), &b, &line) != CG_OK)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(text);
	return 0;
}
