/* libFuzzer target: the grace record parser with its format(parse(x))
 * round trip, and the /proc/PID/stat parser of session.c. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "grace.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cg_grace_list a, b;
	unsigned long long start;
	unsigned maj, min;
	long long sid;
	char *text = NULL;

	(void)cg_session_parse_stat((const char *)data, size, &sid, &maj, &min,
				    &start);
	if (cg_grace_parse((const char *)data, size, &a) != CG_OK)
		return 0;
	/* Whatever parses must format to the same text and back. */
	if (cg_grace_format(&a, &text) != CG_OK ||
	    strlen(text) != size || memcmp(text, data, size) != 0 ||
	    cg_grace_parse(text, strlen(text), &b) != CG_OK ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	free(text);
	return 0;
}
