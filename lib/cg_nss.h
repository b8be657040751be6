/* NSS lookups, one place: a user and their groups, whether NSS knows a
 * name, the canonical account of a name, and the raw passwd/group lookups
 * the policy's member matching needs.  Every call tells "not found" from
 * "NSS failed"; callers must never take a failure for "not found".
 * (Not "nss.h": that name is glibc's <nss.h>, which the test NSS
 * module includes.) */
#ifndef CG_CG_NSS_H
#define CG_CG_NSS_H
#include <grp.h>
#include <pwd.h>
#include <sys/types.h>
#include "cg_error.h"
#include "username.h"

/* A user as NSS sees them: name, primary and supplementary groups. */
struct cg_user_info {
	char name[256];
	uid_t uid;
	gid_t *gids;         /* primary first */
	int ngids;
};

/* CG_E_NOENT when NSS does not know the user; CG_E_IO when NSS fails.
 * name is the name NSS returns (a case-insensitive directory may answer
 * "Alice" with "alice"); members are matched against it. */
cg_err cg_user_info_lookup(const char *user, struct cg_user_info *out);
void cg_user_info_free(struct cg_user_info *u);

/* Does NSS know the user?  CG_OK yes, CG_E_NOENT no, CG_E_IO when NSS
 * could not answer: never take that for "no" (a directory that is down
 * has deleted nobody). */
cg_err cg_user_known(const char *user);

/* The canonical account for a name: getpwnam, then getpwuid of its uid,
 * so an alias entry (another name, the same uid) or another spelling
 * NSS accepts ("ALICE", "alice@REALM") comes out as the one account that
 * owns the uid.  The state store is keyed by it.  CG_E_NOENT when NSS
 * does not know the name (or, oddly, its uid); CG_E_NAME when the
 * canonical name is not a valid user name (username.h); CG_E_IO when
 * NSS fails.  uid_out may be NULL. */
cg_err cg_user_canonical(const char *name, char out[CG_USER_NAME_LEN + 1],
			 uid_t *uid_out);

enum cg_nss_lookup { CG_NSS_FOUND, CG_NSS_NOENT, CG_NSS_ERROR };

/* getpwnam_r / getgrnam_r with a buffer grown until the entry fits (up to
 * 4 MiB).  On CG_NSS_FOUND *buf holds the strings the entry points into:
 * free(*buf) when done; otherwise nothing is allocated. */
enum cg_nss_lookup cg_nss_passwd(const char *name, struct passwd *pw,
				 char **buf);
enum cg_nss_lookup cg_nss_group(const char *name, struct group *gr,
				char **buf);

#endif
