/* The gate's command line, parsed without side effects (gate_args.h). */
#include "config.h"
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "cg_macros.h"
#include "conf.h"
#include "gate_args.h"
#include "number.h"
#include "request.h"
#include "state.h"

bool gate_env_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > GATE_ENV_NAME_MAX || strncmp(name, "LD_", 3) == 0)
		return false;
	if (name[0] >= '0' && name[0] <= '9')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_')
			return false;
	}
	return true;
}

/* A usage error about one word of argv (named in the message). */
static bool usage_error_word(struct gate_args *a, const char *msg,
			     const char *word)
{
	a->error = msg;
	a->error_word = word;
	a->cmd = GATE_CMD_NONE;
	return false;
}

static bool usage_error(struct gate_args *a, const char *msg)
{
	a->error = msg;
	a->cmd = GATE_CMD_NONE;
	return false;
}

/* --config FILE or --config=FILE at argv[*i]; false if it is not one. */
static bool take_config(int argc, char *const *argv, int *i,
			struct gate_args *a)
{
	const char *arg = argv[*i];

	if (a->config != NULL && strncmp(arg, "--config", 8) == 0)
		return usage_error(a, "--config given twice");
	if (strncmp(arg, "--config=", 9) == 0) {
		a->config = arg + 9;
	} else if (strcmp(arg, "--config") == 0) {
		if (*i + 1 >= argc)
			return usage_error(a, "--config needs a file");
		a->config = argv[++*i];
	} else {
		return usage_error_word(a, "unknown option", arg);
	}
	if (a->config[0] != '/' || strlen(a->config) >= PATH_MAX)
		return usage_error(a, "--config needs an absolute path");
	(*i)++;
	return true;
}

/* run NAME [--env VAR] -- CMD [ARGS...], from argv[i] = NAME. */
static bool parse_run(int argc, char *const *argv, int i, struct gate_args *a)
{
	a->credential = argv[i++];
	while (i < argc && strcmp(argv[i], "--") != 0) {
		const char *arg = argv[i];
		if (a->env_var == NULL && strncmp(arg, "--env=", 6) == 0) {
			a->env_var = arg + 6;
			i++;
		} else if (a->env_var == NULL && strcmp(arg, "--env") == 0 &&
			   i + 1 < argc) {
			a->env_var = argv[i + 1];
			i += 2;
		} else {
			return usage_error(a, "run: expected [--env VAR] -- COMMAND");
		}
	}
	if (a->env_var != NULL && !gate_env_name_valid(a->env_var))
		return usage_error(a, "run: invalid --env variable name");
	if (i >= argc || ++i >= argc || argv[i][0] == '\0')
		return usage_error(a, "run: expected -- COMMAND [ARGS...]");
	a->command = argv + i;
	a->ncommand = argc - i;
	return true;
}

/* request NAME [--reason TEXT | --reason=TEXT], approve ID, deny ID,
 * requests: the commands of two-person approval.  True when cmd is one
 * of them with its operands (a->error set if they are wrong), false
 * when it is none of them or has the wrong number of operands. */
static bool parse_approval(const char *cmd, int argc, char *const *argv,
			   int i, struct gate_args *a)
{
	int left = argc - i;

	if (strcmp(cmd, "requests") == 0 && left == 0) {
		a->cmd = GATE_CMD_REQUESTS;
	} else if ((strcmp(cmd, "approve") == 0 || strcmp(cmd, "deny") == 0) &&
		   left == 1) {
		a->cmd = cmd[0] == 'a' ? GATE_CMD_APPROVE : GATE_CMD_DENY;
		a->request_id = argv[i];
	} else if (strcmp(cmd, "request") == 0 && left >= 1) {
		a->cmd = GATE_CMD_REQUEST;
		a->credential = argv[i++];
		if (left == 2 && strncmp(argv[i], "--reason=", 9) == 0)
			a->reason = argv[i] + 9;
		else if (left == 3 && strcmp(argv[i], "--reason") == 0)
			a->reason = argv[i + 1];
		else if (left != 1)
			(void)usage_error(a, "request: expected NAME "
					  "[--reason TEXT]");
	} else {
		return false;
	}
	return true;
}

/* The command word and its operands, from argv[i]. */
static bool is_command(const char *word)
{
	static const char *const names[] = {
		"help", "list", "cat", "check", "put", "versions", "rollback",
		"run", "request", "approve", "deny", "requests",
	};

	for (size_t i = 0; i < CG_ARRAY_SIZE(names); i++)
		if (strcmp(word, names[i]) == 0)
			return true;
	return false;
}

static bool parse_command(int argc, char *const *argv, int i,
			  struct gate_args *a)
{
	const char *cmd = argv[i++];
	int left = argc - i;
	uint64_t version = 0;

	/* list, check and requests take --json, before or after their
	 * operands. */
	if ((strcmp(cmd, "list") == 0 || strcmp(cmd, "check") == 0 ||
	     strcmp(cmd, "requests") == 0) && left > 0) {
		if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
			i++;
			left--;
		} else if (strcmp(argv[argc - 1], "--json") == 0) {
			a->json = true;
			left--;
		}
	}
	if (strcmp(cmd, "help") == 0 && left == 0) {
		a->cmd = GATE_CMD_HELP;
	} else if (strcmp(cmd, "list") == 0 && left == 0) {
		a->cmd = GATE_CMD_LIST;
	} else if (strcmp(cmd, "cat") == 0 && left == 1) {
		a->cmd = GATE_CMD_CAT;
		a->credential = argv[i];
	} else if (strcmp(cmd, "check") == 0 && left == 2) {
		a->cmd = GATE_CMD_CHECK;
		a->user = argv[i];
		a->credential = argv[i + 1];
		if (!cg_user_name_valid(a->user))
			return usage_error(a, "check: invalid user name");
	} else if ((strcmp(cmd, "put") == 0 || strcmp(cmd, "versions") == 0) &&
		   left == 1) {
		a->cmd = cmd[0] == 'p' ? GATE_CMD_PUT : GATE_CMD_VERSIONS;
		a->credential = argv[i];
	} else if (strcmp(cmd, "rollback") == 0 && (left == 1 || left == 2)) {
		a->cmd = GATE_CMD_ROLLBACK;
		a->credential = argv[i];
		if (left == 2 && (!cg_dec_u64(argv[i + 1], UINT32_MAX, true,
					      &version) || version == 0))
			return usage_error(a, "rollback: VERSION is a number "
					   "(see credgate versions NAME)");
		a->version = version;
	} else if (strcmp(cmd, "run") == 0 && left >= 1) {
		a->cmd = GATE_CMD_RUN;
		if (!parse_run(argc, argv, i, a))
			return false;
	} else if (parse_approval(cmd, argc, argv, i, a)) {
		if (a->error != NULL)
			return false;
	} else if (is_command(cmd)) {
		return usage_error_word(a, "wrong number of arguments for",
					cmd);
	} else {
		return usage_error_word(a, "unknown command", cmd);
	}
	if (a->credential != NULL && !cg_config_name_valid(a->credential))
		return usage_error(a, "invalid credential name");
	if (a->reason != NULL && !cg_request_reason_valid(a->reason))
		return usage_error(a, "request: the reason must be 1 to 200 "
				   "characters of printable ASCII");
	if (a->request_id != NULL && !cg_request_id_valid(a->request_id))
		return usage_error(a, "invalid request id (like k7q2-9fx3)");
	return true;
}

bool gate_cmd_writes(enum gate_command cmd)
{
	return cmd == GATE_CMD_PUT || cmd == GATE_CMD_ROLLBACK;
}

bool gate_args_parse(int argc, char *const *argv, struct gate_args *out)
{
	int i = 1;

	memset(out, 0, sizeof(*out));
	if (argc < 1 || argv == NULL)
		return usage_error(out, "empty argument list");
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			out->cmd = GATE_CMD_HELP;
			return true;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			out->cmd = GATE_CMD_VERSION;
			return true;
		}
		if (!take_config(argc, argv, &i, out))
			return false;
	}
	if (i >= argc)
		return usage_error(out, "no command given");
	return parse_command(argc, argv, i, out);
}
