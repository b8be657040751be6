/* Test driver: a minimal PAM application that, unlike pamtester, can put
 * variables into the PAM environment before the stack runs, as the gate
 * does with CREDGATE_CREDENTIAL.
 *   pam-acct [-e NAME=VALUE]... [-t TTY] SERVICE USER OP...
 * OP is authenticate or acct_mgmt; they run in order and stop at the
 * first failure.  Each prints "OP: PAM_NAME"; prompts go to stdout and
 * answers are read from stdin, one line each.  Exit 0 when every OP
 * succeeded, 1 when one failed, 2 on a usage or setup error. */
#include "config.h"
#include "cg_macros.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <security/pam_appl.h>

static const char *rc_name(int rc)
{
	static const struct { int rc; const char *name; } names[] = {
		{ PAM_SUCCESS, "PAM_SUCCESS" },
		{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
		{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
		{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
		{ PAM_IGNORE, "PAM_IGNORE" },
		{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
		{ PAM_CONV_ERR, "PAM_CONV_ERR" },
		{ PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED" },
	};

	for (size_t i = 0; i < CG_ARRAY_SIZE(names); i++)
		if (names[i].rc == rc)
			return names[i].name;
	return "PAM_OTHER";
}

static char *read_answer(void)
{
	char *line = NULL;
	size_t sz = 0;
	ssize_t n = getline(&line, &sz, stdin);

	if (n < 0) {
		free(line);
		return strdup("");
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)data;
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		printf("%s\n", msg[i]->msg != NULL ? msg[i]->msg : "");
		fflush(stdout);
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = read_answer();
	}
	*resp = r;
	return PAM_SUCCESS;
}

static int run_op(pam_handle_t *pamh, const char *op)
{
	if (strcmp(op, "authenticate") == 0)
		return pam_authenticate(pamh, 0);
	if (strcmp(op, "acct_mgmt") == 0)
		return pam_acct_mgmt(pamh, 0);
	fprintf(stderr, "pam-acct: unknown operation %s\n", op);
	return -1;
}

int main(int argc, char **argv)
{
	struct pam_conv pc = { conv, NULL };
	pam_handle_t *pamh = NULL;
	const char *envs[16], *tty = NULL;
	size_t nenv = 0;
	int opt, rc = PAM_SUCCESS, status = 0;

	while ((opt = getopt(argc, argv, "+e:t:")) != -1) {
		if (opt == 'e' && nenv < CG_ARRAY_SIZE(envs))
			envs[nenv++] = optarg;
		else if (opt == 't')
			tty = optarg;
		else
			return 2;
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: pam-acct [-e NAME=VALUE]... [-t TTY] "
			"SERVICE USER OP...\n");
		return 2;
	}
	if (pam_start(argv[optind], argv[optind + 1], &pc, &pamh) !=
	    PAM_SUCCESS)
		return 2;
	for (size_t i = 0; i < nenv; i++)
		if (pam_putenv(pamh, envs[i]) != PAM_SUCCESS)
			status = 2;
	if (tty != NULL && pam_set_item(pamh, PAM_TTY, tty) != PAM_SUCCESS)
		status = 2;
	for (int i = optind + 2; i < argc && status == 0; i++) {
		rc = run_op(pamh, argv[i]);
		if (rc == -1) {
			status = 2;
			break;
		}
		printf("%s: %s\n", argv[i], rc_name(rc));
		if (rc != PAM_SUCCESS)
			status = 1;
	}
	pam_end(pamh, rc == -1 ? PAM_SUCCESS : rc);
	return status;
}
