/* Linux-PAM entry points.  Only pam_sm_* symbols are exported. */
#include "config.h"
#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_modules.h>
#include "account.h"
#include "auth.h"

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	return cg_pam_authenticate(pamh, flags, argc, argv);
}

/* sshd and su fail a correct login when every auth module ignores
 * setcred, so succeed: there are no credentials to establish. */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	(void)pamh; (void)flags; (void)argc; (void)argv;
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
				const char **argv)
{
	return cg_pam_acct_mgmt(pamh, flags, argc, argv);
}
