/* How a word from the command line is quoted in an error message
 * ("unknown option '--frob'"): printable, whatever the user typed
 * (cg_audit_escape), and for an option only its name -- what follows
 * '=' may be a secret (a mistyped --urii=otpauth://...?secret=...). */
#ifndef CG_ARGWORD_H
#define CG_ARGWORD_H
#include <stddef.h>

void cg_arg_show(const char *word, char *out, size_t sz);

#endif
