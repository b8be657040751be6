/* The LDAP client of the fleet store: tokens in the OATH-LDAP schema
 * exactly as slapd's otp overlay (slapo-otp) reads them, through libldap.
 * Internal to the ldap store plugin (store_ldap.so): nothing that loads
 * only the files store links this, or libldap.
 *
 * The directory layout (DIT):
 *
 *   uid=alice,<user_base>        objectClass: oathTOTPUser (auxiliary)
 *                                oathTOTPToken: cn=alice,<token_base>
 *   cn=alice,<token_base>        objectClass: device, oathTOTPToken,
 *                                  oathTOTPParams, credgateToken
 *                                oathSecret (raw bytes), oathTOTPParams
 *                                (this entry's own DN), oathOTPLength,
 *                                oathHMACAlgorithm, oathTOTPTimeStepPeriod,
 *                                oathTOTPTimeStepWindow, oathTOTPLastTimeStep,
 *                                oathFailureCount, oathLastFailure,
 *                                oathSecretTime, credgateLockedUntil,
 *                                credgateEnrolledBy, credgateRecoveryCode
 *
 * slapo-otp follows the same chain on a simple bind to the user's DN:
 * user -> oathTOTPToken -> token (oathSecret, oathTOTPLastTimeStep) ->
 * oathTOTPParams -> parameters.  Tokens made by other tools, with their
 * parameters in a separate (shared) entry, are read as well.  A token
 * that is its own parameter entry costs one read less per login.
 *
 * Every accepted code and every counted failure is one modify of the
 * token entry that is a compare-and-set against what was read: each
 * changed value is deleted by value and the new one added, and the
 * whole modify carries an RFC 4528 assertion that every state attribute
 * still holds the value read (or is still absent).  Any change by
 * another host, or by slapo-otp, in between makes it fail (CG_E_CONFLICT)
 * with nothing written.
 *
 * Errors: CG_E_UNAVAILABLE when no server answers, TLS fails, the bind is
 * refused, an answer times out or the directory refuses an operation;
 * CG_E_NOENT only when the user has no entry or no token; CG_E_PARSE for
 * an entry that does not make a valid token (dangling pointer, bad
 * value); CG_E_CONFLICT as above.  The reason, for the log, is in
 * cg_ldap_why(): server, operation and the directory's words, never a
 * secret. */
#ifndef CG_LDAP_CLIENT_H
#define CG_LDAP_CLIENT_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"
#include "conf.h"
#include "state.h"

struct cg_ldap;                 /* one bound connection */
struct cg_ldap_token;           /* one token as read */

/* Connect to the first URI of conf that answers (TLS as conf says,
 * certificate checked against ca_file and the URI's host), and bind as
 * bind_dn with the password in bind_password_file (root's, no group or
 * other permission; one trailing newline dropped).  On failure *out is
 * NULL and why (if not NULL) says why for every URI tried. */
cg_err cg_ldap_connect(const struct cg_ldap_conf *conf,
		       struct cg_ldap **out, char *why, size_t whysz);
void cg_ldap_close(struct cg_ldap *l);
/* The URI that answered; the reason of the last failure ("" if none). */
const char *cg_ldap_uri(const struct cg_ldap *l);
const char *cg_ldap_why(const struct cg_ldap *l);
/* LDAP operations sent since connect (for the benchmark's count). */
unsigned cg_ldap_ops(const struct cg_ldap *l);

/* Find the user's entry (uid=USER under user_base) and its token DN;
 * *totp_user (may be NULL): the entry has objectClass oathTOTPUser.
 * CG_E_NOENT: no such user entry (*user_dn NULL) or no oathTOTPToken
 * (*user_dn set); CG_E_PARSE: several entries, several tokens. */
cg_err cg_ldap_find(struct cg_ldap *l, const char *user, char **user_dn,
		    char **token_dn, bool *totp_user);

/* Read the token entry (and its parameter entry when separate) and
 * convert it to st.  CG_E_PARSE (why names the attribute) for a missing
 * entry or a value credgate cannot use.  The token keeps what was read
 * for the compare-and-set. */
cg_err cg_ldap_read(struct cg_ldap *l, const char *token_dn,
		    struct cg_ldap_token **tok, struct cg_state *st);
/* The same for an entry no user points to (the store's decoy):
 * CG_E_NOENT when there is no entry at token_dn. */
cg_err cg_ldap_read_entry(struct cg_ldap *l, const char *token_dn,
			  struct cg_ldap_token **tok, struct cg_state *st);
void cg_ldap_token_free(struct cg_ldap_token *tok);
/* Convert a token as read into st again (as cg_ldap_read did). */
cg_err cg_ldap_token_to_state(struct cg_ldap *l,
			      const struct cg_ldap_token *tok,
			      struct cg_state *st);
const char *cg_ldap_token_dn(const struct cg_ldap_token *tok);

/* Write st over what tok read (old is tok's state as converted): one
 * compare-and-set modify, CG_E_CONFLICT if the entry changed.  Only what
 * differs is written, and nothing is sent when nothing differs, unless
 * `always` (the decoy, whose write must cost what a user's does); a
 * change of secret or parameters turns a token with shared parameters
 * into its own parameter entry.  window is written as
 * oathTOTPTimeStepWindow for slapo-otp. */
cg_err cg_ldap_commit(struct cg_ldap *l, const struct cg_ldap_token *tok,
		      const struct cg_state *old, const struct cg_state *st,
		      unsigned window, bool always);

/* Create cn=USER,token_base from st and link the user entry user_dn to
 * it (objectClass oathTOTPUser unless totp_user, oathTOTPToken), the
 * link asserting that the user has no token yet.  CG_E_CONFLICT: a
 * token appeared meanwhile (the new entry is removed again).  A token
 * entry left at that DN by an enrollment that died half-way (no user
 * points to it, a minute old) is replaced. */
cg_err cg_ldap_create(struct cg_ldap *l, const char *user,
		      const char *user_dn, bool totp_user,
		      const struct cg_state *st, unsigned window);

/* Only the entry cn=NAME,token_base, no user linked (the decoy). */
cg_err cg_ldap_create_entry(struct cg_ldap *l, const char *name,
			    const struct cg_state *st, unsigned window);
/* Delete an entry no user points to. */
cg_err cg_ldap_delete(struct cg_ldap *l, const char *dn);

/* Unlink the user's token (asserting it is still token_dn) and delete the
 * token entry.  CG_E_CONFLICT if the user's token changed meanwhile. */
cg_err cg_ldap_remove(struct cg_ldap *l, const char *user_dn,
		      const char *token_dn);

/* Users (uid) under user_base that have an oathTOTPToken, any order;
 * names that are not valid user names are skipped. */
cg_err cg_ldap_list(struct cg_ldap *l, char ***users, size_t *n);

/* For check-config (ldap_check.c).  The same connection without a
 * bind: what anyone on the network sees. */
cg_err cg_ldap_connect_anonymous(const struct cg_ldap_conf *conf,
				 struct cg_ldap **out, char *why,
				 size_t whysz);
/* The OATH-LDAP attributes and object classes slapo-otp uses, and
 * credgate's extension: CG_E_NOENT with the first missing name in why. */
cg_err cg_ldap_check_schema(struct cg_ldap *l);
/* How many entries under base show this connection an oathSecret. */
cg_err cg_ldap_count_secrets(struct cg_ldap *l, const char *base,
			     unsigned *readable);

#endif
