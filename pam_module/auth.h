#ifndef CG_PAM_AUTH_H
#define CG_PAM_AUTH_H
#include <security/pam_modules.h>

/* pam_sm_authenticate's body: TOTP code or recovery code, with replay and
 * brute-force protection, every outcome audited. */
int cg_pam_authenticate(pam_handle_t *pamh, int flags, int argc,
			const char **argv);

#endif
