#ifndef CG_PAM_ACCOUNT_H
#define CG_PAM_ACCOUNT_H
#include <security/pam_modules.h>

/* pam_sm_acct_mgmt's body: does the user hold a role that grants the
 * credential the gate asked for (CREDGATE_CREDENTIAL) and/or one of the
 * role=NAME roles?  Every decision audited as event=access. */
int cg_pam_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
		     const char **argv);

#endif
