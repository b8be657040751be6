/* Sealing secrets at rest: the host key, AES-256-GCM with caller-chosen
 * additional data, and keys derived from the host key for one purpose.
 *
 * The host key is 32 random bytes in a file (default
 * /etc/credgate/host.key), owned by root (cg_owner_trusted), with no
 * group or other permission bits (created 0400), exactly 32 bytes long,
 * in a directory owned by root that group and others cannot write.
 * Anything else is refused: a key others could read or replace seals
 * nothing.
 *
 * A sealed blob is nonce (12 random bytes) || ciphertext || tag (16).
 * The nonce comes from getrandom(2): random 96-bit nonces are safe for
 * far more than 2^32 seals per key, and getrandom spares a PAM module the
 * cost of seeding OpenSSL's DRBG on every login.  The additional data
 * (AAD) is whatever the caller binds the blob to (the state store: the
 * format version and the user name), so a blob moved to another context
 * fails to open.
 *
 * Derived keys: HKDF-SHA256 of the host key with info "credgate:" LABEL,
 * so each purpose (a credential's versions, fingerprints, ...) has its
 * own key and nothing sealed for one purpose opens for another.
 * cg_key_mac is a keyed SHA-256 (HMAC) under such a derived key: a
 * fingerprint that says nothing to whoever lacks the host key.
 *
 * Every buffer that held a key or plaintext is wiped; plaintext returned
 * to the caller is freed with cg_freezero(p, len). */
#ifndef CG_SEAL_H
#define CG_SEAL_H
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"

#define CG_KEY_LEN 32
#define CG_KEY_ID_LEN 8              /* bytes; shown as 16 hex digits */
#define CG_SEAL_NONCE_LEN 12
#define CG_SEAL_TAG_LEN 16
#define CG_SEAL_OVERHEAD (CG_SEAL_NONCE_LEN + CG_SEAL_TAG_LEN)
#define CG_SEAL_MAX (1024 * 1024 * 1024)   /* plaintext bytes */

struct cg_key {
	uint8_t bytes[CG_KEY_LEN];
	/* Names the key in sealed data without revealing it: the first
	 * CG_KEY_ID_LEN bytes of HMAC-SHA256(key, "credgate key id"). */
	uint8_t id[CG_KEY_ID_LEN];
};

/* Load and check the key file at the absolute path.  CG_E_NOENT when it
 * does not exist; CG_E_OWNER, CG_E_MODE, CG_E_SYMLINK, CG_E_NOTREG,
 * CG_E_NLINK for the file or its directory; CG_E_KEY when it is not
 * exactly CG_KEY_LEN bytes.  *out is wiped on failure. */
cg_err cg_key_load(const char *path, struct cg_key *out);

/* cg_key_load in two steps, for a caller that loads keys more than once
 * (the files store, at every read): open the directory of the absolute
 * key path, walked and checked as cg_open_dir does (trusted owner, not
 * writable by group or others; CG_E_INVAL for a relative path or one
 * ending in '/'), pointing *base at the path's last component; then load
 * the key file `name` (one component) in that directory, with the checks
 * and errors of cg_key_load. */
cg_err cg_key_dir_open(const char *path, int *dirfd, const char **base);
cg_err cg_key_load_at(int dirfd, const char *name, struct cg_key *out);

/* Create the key file with CG_KEY_LEN bytes from the CSPRNG: O_EXCL,
 * mode 0400, root:root when run as root, written durably (file and
 * directory synced).  CG_E_EXISTS if it exists.  The directory must pass
 * the checks cg_key_load makes.  out (may be NULL) receives the key. */
cg_err cg_key_create(const char *path, struct cg_key *out);

/* Rekeying: the new key lives next to the host key as PATH.new until
 * every sealed state has moved to it; then cg_key_promote renames it
 * over PATH (and syncs the directory).  Readers know both meanwhile. */
#define CG_KEY_NEW_SUFFIX ".new"
/* PATH.new into out; CG_E_TOOBIG if it does not fit. */
cg_err cg_key_new_path(const char *path, char *out, size_t outsz);
cg_err cg_key_promote(const char *path);

/* The key's id as 16 lower-case hex digits and a NUL. */
void cg_key_id_hex(const struct cg_key *k, char out[2 * CG_KEY_ID_LEN + 1]);

void cg_key_wipe(struct cg_key *k);

/* AES-256-GCM.  cg_seal: *out (malloc'ed, plaintext length +
 * CG_SEAL_OVERHEAD bytes) = nonce || ciphertext || tag.  cg_unseal:
 * *out (malloc'ed, NUL-terminated for convenience, free with
 * cg_freezero(*out, *outlen + 1)) is the plaintext; CG_E_UNSEAL when the
 * blob fails authentication (wrong key, other AAD, altered, truncated).
 * aad may be NULL when aadlen is 0. */
cg_err cg_seal(const struct cg_key *k, const void *aad, size_t aadlen,
	       const void *pt, size_t ptlen, uint8_t **out, size_t *outlen);
cg_err cg_unseal(const struct cg_key *k, const void *aad, size_t aadlen,
		 const uint8_t *in, size_t inlen, uint8_t **out,
		 size_t *outlen);

/* A key for one purpose: HKDF-SHA256(k, info = "credgate:" label).  The
 * label is a literal from our code ("state", "credential-version",
 * "fingerprint", ...).  out->id is computed as for a loaded key. */
cg_err cg_key_derive(const struct cg_key *k, const char *label,
		     struct cg_key *out);

/* HMAC-SHA256(cg_key_derive(k, label), data): a keyed fingerprint. */
cg_err cg_key_mac(const struct cg_key *k, const char *label,
		  const void *data, size_t len, uint8_t out[32]);

#endif
