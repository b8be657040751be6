/* Command line of the access gate, parsed without side effects (no
 * lookups, no I/O, no allocation), so that it can be fuzzed and so that
 * every name is validated before anything is looked up with privilege.
 *
 *   credgate [--config FILE] list [--json]
 *   credgate [--config FILE] cat NAME
 *   credgate [--config FILE] run NAME [--env VAR] -- CMD [ARGS...]
 *   credgate [--config FILE] check [--json] USER NAME
 *   credgate [--config FILE] put NAME            (new content on stdin)
 *   credgate [--config FILE] versions NAME
 *   credgate [--config FILE] rollback NAME [VERSION]
 *   credgate [--config FILE] request NAME [--reason TEXT]
 *   credgate [--config FILE] approve ID | deny ID
 *   credgate [--config FILE] requests [--json]
 *   credgate --help | --version
 *
 * Whether --config and check are allowed (real uid 0) is the caller's
 * decision, not the parser's. */
#ifndef CG_GATE_ARGS_H
#define CG_GATE_ARGS_H
#include <stdbool.h>

#define GATE_ENV_NAME_MAX 64

enum gate_command {
	GATE_CMD_NONE,
	GATE_CMD_HELP,
	GATE_CMD_VERSION,
	GATE_CMD_LIST,
	GATE_CMD_CAT,
	GATE_CMD_RUN,
	GATE_CMD_CHECK,
	GATE_CMD_PUT,
	GATE_CMD_VERSIONS,
	GATE_CMD_ROLLBACK,
	GATE_CMD_REQUEST,         /* two-person approval (request.h) */
	GATE_CMD_APPROVE,
	GATE_CMD_DENY,
	GATE_CMD_REQUESTS,
};

struct gate_args {
	enum gate_command cmd;
	const char *config;       /* --config FILE (absolute), or NULL */
	const char *credential;   /* all but list: a valid credential name */
	const char *user;         /* check: a valid user name */
	const char *env_var;      /* run --env VAR, or NULL */
	char *const *command;     /* run: CMD ARGS..., NULL-terminated, in argv */
	int ncommand;
	bool json;                /* list, check, requests: --json */
	unsigned long long version; /* rollback VERSION, 0 when not given */
	const char *reason;       /* request --reason TEXT (valid), or NULL */
	const char *request_id;   /* approve, deny: a valid request id */
	const char *error;        /* on failure: a fixed message, never input */
	const char *error_word;   /* the word it is about (in argv), or NULL */
};

/* Fill *out from argv[0..argc-1] (argv[argc] must be NULL, as exec
 * guarantees).  False on a usage error, with out->error set; strings in
 * *out point into argv. */
bool gate_args_parse(int argc, char *const *argv, struct gate_args *out);

/* put and rollback write the credential; everything else reads. */
bool gate_cmd_writes(enum gate_command cmd);

/* An environment variable name for run --env: [A-Za-z_][A-Za-z0-9_]*,
 * at most GATE_ENV_NAME_MAX bytes, not LD_* (those never reach the
 * command, see credgate(1)). */
bool gate_env_name_valid(const char *name);

#endif
