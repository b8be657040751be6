/* Test driver: how long pam_authenticate takes, per case, in one process
 * (so process start-up, which dwarfs what is measured, is left out).
 *   pam-time SERVICE REPS USER=ANSWER...
 * Runs REPS rounds; each round authenticates every USER once, answering
 * the prompt with ANSWER, in turn (interleaved, so load on a shared
 * machine falls on every case alike).  Prints one line per case:
 * "USER MEDIAN_US MIN_US RESULT" (RESULT: the PAM code of the last
 * round's attempt).  Exit 2 on a usage or setup error. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <security/pam_appl.h>

#define CASES_MAX 8

struct tcase {
	char user[128];
	const char *answer;
	double *us;
	int last_rc;
};

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	const char *answer = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(answer);
	*resp = r;
	return PAM_SUCCESS;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One pam_start .. pam_end; the time of pam_authenticate alone. */
static int one(const char *service, struct tcase *c, double *us)
{
	struct pam_conv pc = { conv, (void *)c->answer };
	pam_handle_t *pamh = NULL;
	double t0;
	int rc;

	if (pam_start(service, c->user, &pc, &pamh) != PAM_SUCCESS)
		return -1;
	t0 = now_us();
	rc = pam_authenticate(pamh, 0);
	*us = now_us() - t0;
	pam_end(pamh, rc);
	return rc;
}

int main(int argc, char **argv)
{
	struct tcase cases[CASES_MAX];
	int reps, n = argc - 3;

	if (argc < 4 || n > CASES_MAX || (reps = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: pam-time SERVICE REPS USER=ANSWER...\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(argv[3 + i], '=');
		size_t len = eq != NULL ? (size_t)(eq - argv[3 + i]) : 0;

		if (eq == NULL || len == 0 || len >= sizeof(cases[i].user) ||
		    (cases[i].us = calloc((size_t)reps, sizeof(double))) == NULL)
			return 2;
		memcpy(cases[i].user, argv[3 + i], len);
		cases[i].user[len] = '\0';
		cases[i].answer = eq + 1;
	}
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < n; i++)
			if ((cases[i].last_rc = one(argv[1], &cases[i],
						    &cases[i].us[r])) < 0)
				return 2;
	for (int i = 0; i < n; i++) {
		qsort(cases[i].us, (size_t)reps, sizeof(double), cmp_double);
		printf("%s %.0f %.0f %s\n", cases[i].user,
		       cases[i].us[reps / 2], cases[i].us[0],
		       pam_strerror(NULL, cases[i].last_rc));
		free(cases[i].us);
	}
	return 0;
}
