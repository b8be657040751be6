/* A command-line word quoted safely in an error (argword.h). */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "argword.h"
#include "audit.h"

#define ARG_SHOWN_MAX 64        /* bytes of the word shown, before escaping */

void cg_arg_show(const char *word, char *out, size_t sz)
{
	char cut[ARG_SHOWN_MAX + 4], esc[4 * ARG_SHOWN_MAX + 16];
	size_t n = word == NULL ? 0 : strlen(word);

	if (word != NULL && word[0] == '-' && strchr(word, '=') != NULL)
		n = (size_t)(strchr(word, '=') - word);
	if (n > ARG_SHOWN_MAX)
		snprintf(cut, sizeof(cut), "%.*s...", ARG_SHOWN_MAX, word);
	else
		snprintf(cut, sizeof(cut), "%.*s", (int)n,
			 word != NULL ? word : "");
	/* 'word', or the escaped form, which brings its own quotes. */
	cg_audit_escape(cut, esc, sizeof(esc));
	snprintf(out, sz, esc[0] == '"' ? "%s" : "'%s'", esc);
}
