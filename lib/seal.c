/* Sealing with the host key: loading and creating the key file, AES-256-GCM
 * seal/unseal, HKDF-derived keys and keyed fingerprints (seal.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include "evp_fetch.h"
#include "hex.h"
#include "random.h"
#include "safefile.h"
#include "seal.h"
#include "wipe.h"

#define KEY_ID_LABEL "credgate key id"
#define DERIVE_PREFIX "credgate:"

cg_err cg_key_dir_open(const char *path, int *dirfd, const char **base)
{
	char dir[PATH_MAX];
	const char *slash;
	size_t n;

	if (path == NULL || path[0] != '/')
		return CG_E_INVAL;
	slash = strrchr(path, '/');
	n = (size_t)(slash - path);
	if (n >= sizeof(dir) || slash[1] == '\0')
		return CG_E_INVAL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	*base = slash + 1;
	return cg_open_dir(n == 0 ? "/" : dir, 022, dirfd);
}

/* HMAC fetched once per process (evp_fetch.h); the context, which holds
 * the key's pads, is cleansed when freed. */
static cg_err hmac_sha256(const uint8_t *key, size_t keylen,
			  const void *data, size_t len, uint8_t out[32])
{
	EVP_MAC *mac = cg_evp_hmac();
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen = 0;
	cg_err e = CG_E_CRYPTO;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"SHA2-256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (mac != NULL && (ctx = EVP_MAC_CTX_new(mac)) != NULL &&
	    EVP_MAC_init(ctx, key, keylen, params) == 1 &&
	    EVP_MAC_update(ctx, data, len) == 1 &&
	    EVP_MAC_final(ctx, out, &outlen, 32) == 1 && outlen == 32)
		e = CG_OK;
	EVP_MAC_CTX_free(ctx);
	if (e != CG_OK)
		cg_wipe(out, 32);
	return e;
}

static cg_err key_set_id(struct cg_key *k)
{
	uint8_t mac[32];
	cg_err e;

	e = hmac_sha256(k->bytes, CG_KEY_LEN, KEY_ID_LABEL,
			strlen(KEY_ID_LABEL), mac);
	if (e == CG_OK)
		memcpy(k->id, mac, CG_KEY_ID_LEN);
	cg_wipe_array(mac);
	return e;
}

void cg_key_wipe(struct cg_key *k)
{
	if (k != NULL)
		cg_wipe(k, sizeof(*k));
}

void cg_key_id_hex(const struct cg_key *k, char out[2 * CG_KEY_ID_LEN + 1])
{
	cg_hex_encode(k->id, CG_KEY_ID_LEN, out);
}

cg_err cg_key_load(const char *path, struct cg_key *out)
{
	const char *base = NULL;
	int dirfd = -1;
	cg_err e;

	cg_key_wipe(out);
	if ((e = cg_key_dir_open(path, &dirfd, &base)) != CG_OK)
		return e;
	e = cg_key_load_at(dirfd, base, out);
	close(dirfd);
	return e;
}

cg_err cg_key_load_at(int dirfd, const char *name, struct cg_key *out)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err e;

	cg_key_wipe(out);
	/* Private to its owner; 0400 as created, 0600 tolerated. */
	if ((e = cg_openat_file(dirfd, name, O_RDONLY, 077, &fd, &st)) !=
	    CG_OK)
		goto out;
	e = cg_read_file(fd, &st, CG_KEY_LEN, &buf, &len);
	if (e == CG_E_TOOBIG || (e == CG_OK && len != CG_KEY_LEN))
		e = CG_E_KEY;
	if (e != CG_OK)
		goto out;
	memcpy(out->bytes, buf, CG_KEY_LEN);
	e = key_set_id(out);
 out:
	if (buf != NULL)
		cg_freezero(buf, len + 1);
	if (fd >= 0)
		close(fd);
	if (e != CG_OK)
		cg_key_wipe(out);
	return e;
}

cg_err cg_key_create(const char *path, struct cg_key *out)
{
	struct cg_key k;
	const char *base = NULL;
	int dirfd = -1;
	cg_err e;

	memset(&k, 0, sizeof(k));
	if ((e = cg_key_dir_open(path, &dirfd, &base)) != CG_OK)
		goto out;
	if ((e = cg_random_bytes(k.bytes, CG_KEY_LEN)) != CG_OK ||
	    (e = key_set_id(&k)) != CG_OK)
		goto out;
	if ((e = cg_atomic_create(dirfd, base, k.bytes, CG_KEY_LEN, 0400)) !=
	    CG_OK)
		goto out;
	if (out != NULL)
		*out = k;
 out:
	if (dirfd >= 0)
		close(dirfd);
	cg_key_wipe(&k);
	return e;
}

cg_err cg_key_new_path(const char *path, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s%s", path, CG_KEY_NEW_SUFFIX);

	return n > 0 && (size_t)n < outsz ? CG_OK : CG_E_TOOBIG;
}

cg_err cg_key_promote(const char *path)
{
	char newbase[NAME_MAX + 1];
	const char *base = NULL;
	int dirfd = -1;
	cg_err e;

	if ((e = cg_key_dir_open(path, &dirfd, &base)) != CG_OK)
		return e;
	e = CG_E_NAME;
	if (cg_key_new_path(base, newbase, sizeof(newbase)) != CG_OK)
		goto out;
	e = CG_E_IO;
	if (renameat(dirfd, newbase, dirfd, base) == -1 || fsync(dirfd) == -1)
		goto out;
	e = CG_OK;
 out:
	close(dirfd);
	return e;
}

/* One AES-256-GCM operation over in[0..len) into out; the tag is read
 * (decrypt) or written (encrypt) at tag. */
static cg_err gcm(bool enc, const struct cg_key *k, const uint8_t *nonce,
		  const void *aad, size_t aadlen, const uint8_t *in,
		  size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *aes = cg_evp_aes256gcm();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	cg_err e = CG_E_CRYPTO;

	if (aes == NULL || ctx == NULL || len > CG_SEAL_MAX || aadlen > INT_MAX)
		goto out;
	/* The cipher fetched once per process (evp_fetch.h), where
	 * EVP_aes_256_gcm() would fetch it again at every init. */
	if (EVP_CipherInit_ex2(ctx, aes, k->bytes, nonce, enc ? 1 : 0,
			       NULL) != 1)
		goto out;
	if (aadlen > 0 &&
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					CG_SEAL_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + (len > 0 ? n : 0), &fin) != 1) {
		e = enc ? CG_E_CRYPTO : CG_E_UNSEAL;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
				       CG_SEAL_TAG_LEN, tag) != 1)
		goto out;
	e = CG_OK;
 out:
	EVP_CIPHER_CTX_free(ctx);
	return e;
}

cg_err cg_seal(const struct cg_key *k, const void *aad, size_t aadlen,
	       const void *pt, size_t ptlen, uint8_t **out, size_t *outlen)
{
	uint8_t *buf;
	cg_err e;

	*out = NULL;
	*outlen = 0;
	if (ptlen > CG_SEAL_MAX || (pt == NULL && ptlen > 0))
		return CG_E_INVAL;
	if ((buf = malloc(ptlen + CG_SEAL_OVERHEAD)) == NULL)
		return CG_E_NOMEM;
	if (getrandom(buf, CG_SEAL_NONCE_LEN, 0) != CG_SEAL_NONCE_LEN) {
		free(buf);
		return CG_E_RANDOM;
	}
	e = gcm(true, k, buf, aad, aadlen, pt, ptlen, buf + CG_SEAL_NONCE_LEN,
		buf + CG_SEAL_NONCE_LEN + ptlen);
	if (e != CG_OK) {
		cg_freezero(buf, ptlen + CG_SEAL_OVERHEAD);
		return e;
	}
	*out = buf;
	*outlen = ptlen + CG_SEAL_OVERHEAD;
	return CG_OK;
}

cg_err cg_unseal(const struct cg_key *k, const void *aad, size_t aadlen,
		 const uint8_t *in, size_t inlen, uint8_t **out,
		 size_t *outlen)
{
	uint8_t *buf;
	size_t len;
	cg_err e;

	*out = NULL;
	*outlen = 0;
	if (inlen < CG_SEAL_OVERHEAD)
		return CG_E_UNSEAL;
	len = inlen - CG_SEAL_OVERHEAD;
	if (len > CG_SEAL_MAX)
		return CG_E_INVAL;
	if ((buf = malloc(len + 1)) == NULL)
		return CG_E_NOMEM;
	e = gcm(false, k, in, aad, aadlen, in + CG_SEAL_NONCE_LEN, len, buf,
		(uint8_t *)(uintptr_t)(in + CG_SEAL_NONCE_LEN + len));
	if (e != CG_OK) {
		cg_freezero(buf, len + 1);
		return e;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return CG_OK;
}

cg_err cg_key_derive(const struct cg_key *k, const char *label,
		     struct cg_key *out)
{
	char info[128];
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[4];
	size_t n = strlen(DERIVE_PREFIX), l = label != NULL ? strlen(label) : 0;
	cg_err e = CG_E_CRYPTO;

	cg_key_wipe(out);
	if (l == 0 || n + l >= sizeof(info))
		return CG_E_INVAL;
	memcpy(info, DERIVE_PREFIX, n);
	memcpy(info + n, label, l);
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)k->bytes, CG_KEY_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      info, n + l);
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out->bytes, CG_KEY_LEN, params) != 1)
		goto out;
	e = key_set_id(out);
 out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (e != CG_OK)
		cg_key_wipe(out);
	return e;
}

cg_err cg_key_mac(const struct cg_key *k, const char *label,
		  const void *data, size_t len, uint8_t out[32])
{
	struct cg_key sub;
	cg_err e;

	if ((e = cg_key_derive(k, label, &sub)) == CG_OK)
		e = hmac_sha256(sub.bytes, CG_KEY_LEN, data, len, out);
	cg_key_wipe(&sub);
	return e;
}
