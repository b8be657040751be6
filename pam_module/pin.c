/* The authenticated user pinned from auth to account (pin.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <security/pam_ext.h>
#include "pin.h"

#define PIN_DATA "pam_credgate.authenticated_user"

static void pin_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

int cg_pin_user(pam_handle_t *pamh, const char *user)
{
	char *copy = strdup(user);

	if (copy == NULL)
		return PAM_BUF_ERR;
	if (pam_set_data(pamh, PIN_DATA, copy, pin_cleanup) != PAM_SUCCESS) {
		free(copy);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

bool cg_pin_matches(pam_handle_t *pamh, const char *user, bool *pinned)
{
	const void *data = NULL;

	if (pam_get_data(pamh, PIN_DATA, &data) != PAM_SUCCESS ||
	    data == NULL) {
		if (pinned != NULL)
			*pinned = false;
		return true;
	}
	if (pinned != NULL)
		*pinned = true;
	return user != NULL && strcmp(data, user) == 0;
}
