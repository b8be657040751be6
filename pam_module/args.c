/* The module's arguments from the /etc/pam.d line; an unknown or
 * malformed one makes the module deny (see args.h). */
#include "config.h"
#include <string.h>
#include "args.h"
#include "conf.h"

static const char *value_of(const char *arg, const char *key)
{
	size_t n = strlen(key);
	return strncmp(arg, key, n) == 0 ? arg + n : NULL;
}

static bool parse_one(const char *arg, struct cg_args *a)
{
	const char *v;

	if (strcmp(arg, "nullok") == 0)
		a->nullok = true;
	else if (strcmp(arg, "debug") == 0)
		a->debug = true;
	else if (strcmp(arg, "try_first_pass") == 0)
		a->try_first_pass = true;
	else if (strcmp(arg, "use_first_pass") == 0)
		a->use_first_pass = true;
	else if ((v = value_of(arg, "config=")) != NULL && v[0] == '/')
		a->config = v;
	else if ((v = value_of(arg, "prompt=")) != NULL && v[0] != '\0')
		a->prompt = v;
	else if ((v = value_of(arg, "role=")) != NULL &&
		 cg_config_name_valid(v) && a->nroles < CG_ARGS_MAX_ROLES)
		a->roles[a->nroles++] = v;
	else
		return false;
	return true;
}

bool cg_args_parse(int argc, const char **argv, struct cg_args *args)
{
	memset(args, 0, sizeof(*args));
	args->config = CG_DEFAULT_CONFIG;
	args->prompt = CG_DEFAULT_PROMPT;
	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL || !parse_one(argv[i], args)) {
			args->bad = argv[i] != NULL ? argv[i] : "(null)";
			return false;
		}
	}
	return true;
}
