/* Test helper: a PAM module that sets PAM_USER to its argument in the
 * auth stage -- what a stacked module that maps or switches users does.
 * Put before and after pam_credgate, it has the module authenticate one
 * user and then hands the transaction back to another, so the tests can
 * show that the identity the code was checked for is pinned.  Never
 * installed.  "auth required /abs/pam_setuser.so USER" */
#include "config.h"
#define PAM_SM_AUTH
#include <security/pam_modules.h>

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	(void)flags;
	if (argc != 1)
		return PAM_SERVICE_ERR;
	return pam_set_item(pamh, PAM_USER, argv[0]);
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	(void)pamh; (void)flags; (void)argc; (void)argv;
	return PAM_IGNORE;
}
