/* Per-user TOTP state: one file per user in a root-only directory.
 *
 * File format (text, one "key value" per line, version first):
 *
 *   credgate-state 1
 *   secret JBSWY3DPEHPK3PXP...          base32, no padding
 *   algorithm sha1                      sha1 | sha256 | sha512
 *   digits 6                            6 | 8
 *   period 30                           30 | 60
 *   last_step -1                        last accepted time step, -1 none
 *   failures 0                          failures in a row, each within failure_window of the previous
 *   last_failure 0                      epoch seconds of the latest failure, 0 none
 *   locked_until 0                      epoch seconds, 0 not locked
 *   enrolled_at 1700000000              epoch seconds
 *   enrolled_by root                    user name of who enrolled, - unknown
 *   recovery pbkdf2-sha256:ITER:SALTHEX:HASHHEX     zero or more
 *
 * Every key except recovery appears exactly once, in any order;
 * unknown keys, repeated keys, bad numbers, trailing garbage are all
 * CG_E_PARSE.  Numbers are canonical decimal (no '+', no leading zero).
 * The secret is canonical unpadded upper-case base32 of CG_SECRET_MIN..
 * CG_SECRET_MAX bytes; recovery entries as cg_recovery_entry_parse says,
 * at most CG_RECOVERY_MAX.  Every line, the last included, ends in '\n';
 * no other control character appears anywhere.  Files written before
 * grace moved to grace.h may hold up to 8 lines "grace TTY EPOCH": they
 * are checked as before and ignored.
 *
 * Reading, locking and writing a user's state: store.h (one transaction
 * API; this header is the state itself and its text form). */
#ifndef CG_STATE_H
#define CG_STATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cg_error.h"
#include "otp.h"
#include "username.h"

#define CG_STATE_VERSION 1
#define CG_STATE_MAX_BYTES (64 * 1024)
#define CG_USER_MAX 256              /* incl. NUL */
#define CG_RECOVERY_MAX 20           /* stored recovery hashes */
#define CG_RECOVERY_HASH_SIZE 160    /* "pbkdf2-sha256:..." incl. NUL */
struct cg_state {
	struct cg_totp totp;
	int64_t last_step;           /* -1 none */
	unsigned failures;
	int64_t last_failure;
	int64_t locked_until;
	int64_t enrolled_at;
	char enrolled_by[CG_USER_MAX];
	char recovery[CG_RECOVERY_MAX][CG_RECOVERY_HASH_SIZE];
	size_t nrecovery;
};

/* User names accepted for state files: cg_user_name_valid (username.h).
 * Anything else is refused before any file is touched. */

/* Text form <-> struct, exposed for tests and the fuzz target.
 * cg_state_format's buffer holds the secret: free with cg_free_string.
 * It refuses (CG_E_INVAL) a struct the parser would not read back, so
 * nothing unreadable is ever written.  cg_state_parse wipes *out on
 * failure. */
cg_err cg_state_format(const struct cg_state *st, char **text_out);
cg_err cg_state_parse(const char *text, size_t len, struct cg_state *out,
		      unsigned *bad_line);
/* Initialise a fresh state (last_step -1, no failures, sha1, 6 digits,
 * 30 s, enrolled_by "-"); the caller fills in secret and enrollment. */
void cg_state_init(struct cg_state *st);
void cg_state_wipe(struct cg_state *st);

#endif
