/* The identity the auth stage verified, pinned in the PAM handle for the
 * account stage.  A stacked module may change PAM_USER after ours has
 * checked a code: one that authenticates bob and then sets PAM_USER back
 * to alice would otherwise have the account stage grant alice's roles on
 * bob's code.  The auth stage keeps the canonical name of the user it
 * authenticated (pam_set_data: PAM data is private to modules, an
 * application cannot set it); the account stage denies when PAM_USER
 * now names anyone else. */
#ifndef CG_PAM_PIN_H
#define CG_PAM_PIN_H
#include <stdbool.h>
#include <security/pam_modules.h>

/* Remember `user` (canonical) as authenticated; PAM_BUF_ERR on failure. */
int cg_pin_user(pam_handle_t *pamh, const char *user);

/* False when a user was pinned and `user` (canonical) is not that one.
 * *pinned (may be NULL) says whether one was. */
bool cg_pin_matches(pam_handle_t *pamh, const char *user, bool *pinned);

#endif
