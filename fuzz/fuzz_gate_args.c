/* libFuzzer target for the gate's command line (tools/gate_args.c): the
 * input, split at NUL bytes, is argv (argv[0] included, so argc 0 and
 * an empty argv[0] are reached too).  Besides memory errors (ASan), it
 * checks what credgate relies on before any privileged lookup: a
 * success carries only valid names, ids and reasons, an absolute
 * --config and, for run, a
 * non-empty command inside argv; a failure a fixed, printable message. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "gate_args.h"
#include "request.h"
#include "state.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

static void check_success(const struct gate_args *a, char **argv, int argc)
{
	switch (a->cmd) {
	case GATE_CMD_HELP:
	case GATE_CMD_VERSION:
		return;
	case GATE_CMD_LIST:
		if (a->credential != NULL)
			abort();
		break;
	case GATE_CMD_CHECK:
		if (a->user == NULL || !cg_user_name_valid(a->user))
			abort();
		/* fall through */
	case GATE_CMD_CAT:
	case GATE_CMD_RUN:
	case GATE_CMD_REQUEST:
	case GATE_CMD_PUT:
	case GATE_CMD_VERSIONS:
	case GATE_CMD_ROLLBACK:
		if (a->credential == NULL || !cg_config_name_valid(a->credential))
			abort();
		break;
	case GATE_CMD_APPROVE:
	case GATE_CMD_DENY:
		if (a->request_id == NULL || !cg_request_id_valid(a->request_id))
			abort();
		break;
	case GATE_CMD_REQUESTS:
		break;
	default:
		abort();
	}
	if (a->reason != NULL && !cg_request_reason_valid(a->reason))
		abort();
	/* --json only where a JSON document is written. */
	if (a->json && a->cmd != GATE_CMD_LIST && a->cmd != GATE_CMD_CHECK &&
	    a->cmd != GATE_CMD_REQUESTS)
		abort();
	if (a->config != NULL && a->config[0] != '/')
		abort();
	/* Only rollback takes a version, never 0 (the oldest is 1). */
	if (a->version != 0 && (a->cmd != GATE_CMD_ROLLBACK ||
				a->version > UINT32_MAX))
		abort();
	if (a->cmd != GATE_CMD_RUN) {
		if (a->command != NULL || a->env_var != NULL)
			abort();
		return;
	}
	if (a->env_var != NULL && !gate_env_name_valid(a->env_var))
		abort();
	if (a->ncommand < 1 || a->command < argv + 1 ||
	    a->command + a->ncommand != argv + argc ||
	    a->command[0][0] == '\0' || a->command[a->ncommand] != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *argv[MAX_ARGS + 1];
	struct gate_args a;
	int argc = 0;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; size > 0 && i <= size && argc < MAX_ARGS;) {
		argv[argc++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	argv[argc] = NULL;
	if (gate_args_parse(argc, argv, &a)) {
		check_success(&a, argv, argc);
	} else {
		if (a.error == NULL || a.cmd != GATE_CMD_NONE)
			abort();
		check_printable(a.error);
	}
	free(copy);
	return 0;
}
