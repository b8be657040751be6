/* Test helper, LD_PRELOAD shim: count the cryptographic operations and
 * the syncs of a process, so a test can show that every kind of wrong
 * answer costs the same work, call for call (tests/pam/timing.sh).
 *   CG_WORK_LOG=/abs/file   at exit, one line is appended:
 *       "mac=N seal=N unseal=N digest=N pbkdf2=N sync=N"
 *   mac: EVP_MAC_init (an HMAC: a TOTP step, a key id); seal and unseal:
 *   EVP_CipherInit_ex2 to encrypt or decrypt (AES-GCM); digest:
 *   EVP_DigestInit_ex (a recovery-code hash); pbkdf2: PKCS5_PBKDF2_HMAC;
 *   sync: fsync(2) and fdatasync(2).
 * Every call is passed on to the real function.  The module calls
 * libcrypto through its PLT, so the shim sees each call it makes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <openssl/evp.h>

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
/* libpam loads the module, and with it libcrypto, outside the global
 * scope, where RTLD_NEXT does not look: ask libcrypto itself. */
#define CRYPTO(name) ((__typeof__(&name))crypto_sym(#name))

static void *crypto_sym(const char *name)
{
	static void *lib;

	if (lib == NULL)
		lib = dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_NOLOAD);
	if (lib == NULL)
		lib = dlopen("libcrypto.so.3", RTLD_LAZY);
	if (lib == NULL)
		abort();
	return dlsym(lib, name);
}

static unsigned long n_mac, n_seal, n_unseal, n_digest, n_pbkdf2, n_sync;

int EVP_MAC_init(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen,
		 const OSSL_PARAM params[])
{
	n_mac++;
	return CRYPTO(EVP_MAC_init)(ctx, key, keylen, params);
}

int EVP_CipherInit_ex2(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher,
		       const unsigned char *key, const unsigned char *iv,
		       int enc, const OSSL_PARAM params[])
{
	if (enc == 1)
		n_seal++;
	else if (enc == 0)
		n_unseal++;
	return CRYPTO(EVP_CipherInit_ex2)(ctx, cipher, key, iv, enc, params);
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	n_digest++;
	return CRYPTO(EVP_DigestInit_ex)(ctx, type, impl);
}

int PKCS5_PBKDF2_HMAC(const char *pass, int passlen,
		      const unsigned char *salt, int saltlen, int iter,
		      const EVP_MD *digest, int keylen, unsigned char *out)
{
	n_pbkdf2++;
	return CRYPTO(PKCS5_PBKDF2_HMAC)(pass, passlen, salt, saltlen, iter,
				       digest, keylen, out);
}

int fsync(int fd)
{
	n_sync++;
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	n_sync++;
	return REAL(fdatasync)(fd);
}

__attribute__((destructor)) static void work_report(void)
{
	const char *path = getenv("CG_WORK_LOG");
	FILE *f;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "mac=%lu seal=%lu unseal=%lu digest=%lu pbkdf2=%lu "
		"sync=%lu\n", n_mac, n_seal, n_unseal, n_digest, n_pbkdf2,
		n_sync);
	fclose(f);
}
