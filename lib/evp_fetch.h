/* OpenSSL algorithms fetched once per process, for the code that runs on
 * every login (seal.c, otp.c, recovery.c).
 *
 * A fetch by name costs a look-up in OpenSSL's method store (and an
 * implicit fetch hides behind every EVP_aes_256_gcm() or digest name
 * passed to an init); done once, a login does not pay it for each hash,
 * HMAC and unseal.  Each function returns the same object for the life
 * of the process, from the default library context; the caller must not
 * free it.  NULL if the fetch failed (no provider offers it, FIPS
 * refuses it): then the next call tries again, so one failure never
 * sticks.  Safe to call from several threads at once.  A process that
 * changes its default providers or properties later (FIPS) keeps what
 * was fetched first: pam_credgate(8), NOTES.
 *
 * The objects are never freed: they stay reachable from this file's
 * statics (valgrind: "still reachable", not a leak), and the PAM module
 * is linked -z nodelete, so they outlive every pam_end. */
#ifndef CG_EVP_FETCH_H
#define CG_EVP_FETCH_H
#include <openssl/evp.h>

EVP_MD *cg_evp_sha256(void);
EVP_MAC *cg_evp_hmac(void);
EVP_CIPHER *cg_evp_aes256gcm(void);

#endif
