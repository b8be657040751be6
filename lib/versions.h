/* The kept versions of credentials (credgate put, versions, rollback),
 * and their keyed fingerprints.
 *
 * One directory per credential, versions_dir/NAME, root-owned, mode
 * 0700, holding:
 *   lock          flock(2)ed by a put or rollback for as long as it runs
 *   0000000017    one version (its sequence number, 10 digits)
 * A version is every content the credential file has had since
 * credgate first wrote it: what each put or rollback installed, and what
 * was found in the file when credgate had no record of it (the content
 * before the first put, or an edit made without credgate).  Its file is a
 * header in clear, then the content sealed (seal.h: AES-256-GCM under a
 * key derived from the host key for this purpose, the header as
 * additional data, so no field of it can be changed, and no file moved
 * to another credential or number, without the content failing to open):
 *
 *   credgate-version 1
 *   credential smtp
 *   key 0123456789abcdef     the id of the host key it is sealed under
 *   seq 17
 *   time 1714557600          when it became the content (found: the
 *                            file's modification time)
 *   user alice               who put it ("-": found in place)
 *   by_login alice           their login name ("-": unknown)
 *   action put               put | rollback | found
 *   from 12                  rollback: the version restored; else 0
 *   fingerprint 0123456789abcdef
 *   size 42
 *   sealed HEX               nonce || ciphertext || tag
 *
 * Fingerprints are the first CG_FP_HEX hex digits of HMAC-SHA256 under a
 * key derived from the host key ("fingerprint"): equal contents have
 * equal fingerprints, so the audit trail shows that two versions differ
 * (or not), but a fingerprint cannot be checked against a guessed
 * password by anyone without the host key. */
#ifndef CG_VERSIONS_H
#define CG_VERSIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cg_error.h"
#include "conf.h"
#include "seal.h"
#include "state.h"

#define CG_FP_HEX 16
#define CG_VERSION_SEQ_DIGITS 10
#define CG_VERSIONS_MAX 1000        /* files in one directory we look at */

enum cg_version_action {
	CG_VERSION_PUT,
	CG_VERSION_ROLLBACK,
	CG_VERSION_FOUND,
};

struct cg_version {
	uint64_t seq;
	int64_t time;
	char user[CG_USER_MAX];       /* "-" for found */
	char by_login[CG_USER_MAX];   /* "-" when unknown */
	enum cg_version_action action;
	uint64_t from;
	char fp[CG_FP_HEX + 1];
	size_t size;
	char key_id[2 * CG_KEY_ID_LEN + 1];  /* host key it is sealed under */
};

struct cg_versions {
	int dirfd;                    /* -1 when closed */
	char credential[CG_NAME_MAX];
	struct cg_key key;            /* derived from the host key */
	struct cg_key fp_host;        /* the host key, for fingerprints */
};

/* Fingerprint of data under the host key. */
cg_err cg_fingerprint(const struct cg_key *host, const void *data,
		      size_t len, char out[CG_FP_HEX + 1]);

/* check-config's question: will a put of credential find its versions
 * directory safe?  Checked as cg_versions_open would open it: the
 * credential's directory under versions_dir, versions_dir, or -- when
 * those do not exist yet (*made_later: the first put makes them) -- the
 * parent the put makes them in.  CG_OK, or an error with the directory
 * at fault in where and why for an admin. */
cg_err cg_versions_check(const char *versions_dir, const char *credential,
			 char *where, size_t wsz, char *why, size_t whysz,
			 bool *made_later);

/* Open versions_dir/credential (versions_dir itself and the credential's
 * directory created, root 0700, when absent and create is set; both must
 * be root's and private).  host is the host key (copied). */
cg_err cg_versions_open(const char *versions_dir, const char *credential,
			const struct cg_key *host, bool create,
			struct cg_versions *vs);
void cg_versions_close(struct cg_versions *vs);

/* The credential's put lock, without waiting: CG_E_LOCK when another put
 * or rollback holds it.  Unlock by closing *lockfd. */
cg_err cg_versions_lock(struct cg_versions *vs, int *lockfd);

/* Every version's header, oldest first (*out freed with free()).  A file
 * that is not a version of this credential is CG_E_PARSE with its
 * number in *bad (0 when the name itself is wrong). */
cg_err cg_versions_list(struct cg_versions *vs, struct cg_version **out,
			size_t *n, uint64_t *bad);

/* Add a version: v->seq is set to one more than the newest (call under
 * the lock), the rest of *v is the caller's.  Written durably and
 * atomically. */
cg_err cg_versions_add(struct cg_versions *vs, struct cg_version *v,
		       const void *content, size_t len);

/* One version's header and content (unsealed; free with
 * cg_freezero(*content, *len + 1)).  CG_E_NOENT when there is no such
 * version, CG_E_KEY when it is sealed under another host key than vs's
 * (a rekey not finished), CG_E_UNSEAL when its content does not open
 * (altered). */
cg_err cg_versions_load(struct cg_versions *vs, uint64_t seq,
			struct cg_version *v, uint8_t **content, size_t *len);

/* Remove one version (a put that failed after adding it). */
cg_err cg_versions_remove(struct cg_versions *vs, uint64_t seq);

/* Keep the newest `total` versions, remove the others. */
cg_err cg_versions_prune(struct cg_versions *vs, size_t total);

const char *cg_version_action_name(enum cg_version_action a);

/* After a new host key (credgate-enroll rekey): every version of every
 * credential sealed under `old` is sealed again under `new`, with its
 * fingerprint recomputed; those already under `new` are skipped, so an
 * interrupted rekey resumes.  *count says how many were rewritten; on
 * failure `failed` names the credential.  A missing versions_dir is
 * nothing to do. */
cg_err cg_versions_rekey(const char *versions_dir, const struct cg_key *old,
			 const struct cg_key *new, size_t *count,
			 char *failed, size_t failedsz);

#endif
