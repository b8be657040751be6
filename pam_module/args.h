/* Module arguments from the /etc/pam.d line. */
#ifndef CG_PAM_ARGS_H
#define CG_PAM_ARGS_H
#include <stdbool.h>
#include <stddef.h>

#define CG_ARGS_MAX_ROLES 16
#define CG_DEFAULT_PROMPT "Verification code: "

struct cg_args {
	const char *config;          /* config=FILE */
	const char *prompt;          /* prompt=TEXT */
	bool nullok;
	bool try_first_pass;
	bool use_first_pass;
	bool debug;
	const char *roles[CG_ARGS_MAX_ROLES];   /* role=NAME (account stage) */
	size_t nroles;
	const char *bad;             /* first argument we did not understand */
};

/* Fill args from argv.  Returns false (and sets args->bad) on an unknown
 * or malformed argument: the caller denies.  Strings point into argv. */
bool cg_args_parse(int argc, const char **argv, struct cg_args *args);

#endif
