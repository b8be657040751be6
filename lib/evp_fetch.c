/* OpenSSL algorithms fetched once per process (see evp_fetch.h).
 *
 * Published with a compare-and-swap rather than pthread_once, so that a
 * failed fetch is tried again at the next call instead of failing every
 * later login of a long-lived process; two threads racing on the first
 * call both fetch, one keeps its object and the other frees its own. */
#include "config.h"
#include <stdbool.h>
#include "evp_fetch.h"

static EVP_MD *sha256;
static EVP_MAC *hmac;
static EVP_CIPHER *aes256gcm;

/* *slot's object, or obj published there; obj freed if another thread
 * was first. */
#define PUBLISH(slot, obj, free_fn)                                         \
	do {                                                                \
		__typeof__(obj) seen = NULL;                                \
		if (!__atomic_compare_exchange_n(&(slot), &seen, (obj), false, \
						 __ATOMIC_ACQ_REL,          \
						 __ATOMIC_ACQUIRE)) {       \
			free_fn(obj);                                       \
			(obj) = seen;                                       \
		}                                                           \
	} while (0)

EVP_MD *cg_evp_sha256(void)
{
	EVP_MD *md = __atomic_load_n(&sha256, __ATOMIC_ACQUIRE);

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA2-256", NULL)) != NULL)
		PUBLISH(sha256, md, EVP_MD_free);
	return md;
}

EVP_MAC *cg_evp_hmac(void)
{
	EVP_MAC *mac = __atomic_load_n(&hmac, __ATOMIC_ACQUIRE);

	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL)
		PUBLISH(hmac, mac, EVP_MAC_free);
	return mac;
}

EVP_CIPHER *cg_evp_aes256gcm(void)
{
	EVP_CIPHER *c = __atomic_load_n(&aes256gcm, __ATOMIC_ACQUIRE);

	if (c == NULL &&
	    (c = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) != NULL)
		PUBLISH(aes256gcm, c, EVP_CIPHER_free);
	return c;
}
