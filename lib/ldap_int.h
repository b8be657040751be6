/* Shared by the LDAP client's files (ldap_conn.c, ldap_token.c,
 * ldap_write.c): the connection and the helpers every operation uses. */
#ifndef CG_LDAP_INT_H
#define CG_LDAP_INT_H
#include <signal.h>
#include <stdbool.h>
#include <ldap.h>
#include "ldap_client.h"

#define CG_LDAP_WHY_MAX 512

struct cg_ldap {
	LDAP *ld;
	const struct cg_ldap_conf *conf;   /* borrowed from the config */
	const char *uri;                   /* conf->uris[i] that answered */
	unsigned ops;                      /* operations sent */
	char why[CG_LDAP_WHY_MAX];
};

/* The OATH-LDAP attributes and credgate's extension, in one table
 * (ldap_token.c) so reading, asserting and writing name them alike. */
enum cg_ldap_attr {
	CG_A_OBJECTCLASS,
	CG_A_SECRET,               /* oathSecret */
	CG_A_PARAMS,               /* oathTOTPParams */
	CG_A_LENGTH,               /* oathOTPLength            (params) */
	CG_A_ALGORITHM,            /* oathHMACAlgorithm        (params) */
	CG_A_PERIOD,               /* oathTOTPTimeStepPeriod   (params) */
	CG_A_WINDOW,               /* oathTOTPTimeStepWindow   (params) */
	CG_A_LAST_STEP,            /* oathTOTPLastTimeStep */
	CG_A_FAILURES,             /* oathFailureCount */
	CG_A_LAST_FAILURE,         /* oathLastFailure */
	CG_A_SECRET_TIME,          /* oathSecretTime */
	CG_A_LOCKED_UNTIL,         /* credgateLockedUntil */
	CG_A_ENROLLED_BY,          /* credgateEnrolledBy */
	CG_A_RECOVERY,             /* credgateRecoveryCode */
	CG_A_DRIFT,                /* oathTOTPTimeStepDrift (slapo-otp's) */
	CG_A__COUNT
};
extern const char *const cg_ldap_attr_names[CG_A__COUNT];
/* The attributes that hold mutable state: asserted on every write. */
bool cg_ldap_attr_is_state(enum cg_ldap_attr a);

struct cg_ldap_token {
	char *dn;
	char *params_dn;
	bool own_params;                    /* params_dn is dn itself */
	struct berval **v[CG_A__COUNT];     /* as read; NULL when absent */
};

/* Is oc among the objectClass values (case-insensitive)? */
bool cg_ldap_has_class(struct berval **ocs, const char *oc);

/* Fill l->why with "URI: OP: <message> (<diagnostic>)" for rc; map rc:
 * gone/timeout/refused -> CG_E_UNAVAILABLE, changed under us ->
 * CG_E_CONFLICT, no such object -> CG_E_NOENT. */
cg_err cg_ldap_fail(struct cg_ldap *l, const char *op, int rc);
void cg_ldap_setwhy(struct cg_ldap *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The timeout of every operation. */
struct timeval cg_ldap_timeout(const struct cg_ldap *l);

/* SIGPIPE held back around calls that write to the socket: liblber
 * writes with write(2), and a server that closed the connection must
 * not kill sshd or sudo.  A SIGPIPE raised meanwhile is discarded. */
struct cg_sigpipe {
	sigset_t old;
	bool pending_before;
};
void cg_sigpipe_block(struct cg_sigpipe *g);
void cg_sigpipe_restore(struct cg_sigpipe *g);

/* The oathHMACAlgorithm OID of an algorithm. */
const char *cg_ldap_alg_oid(cg_alg alg);
/* "x=..." filter escaping of any bytes. */
char *cg_ldap_filter_value(const struct berval *bv);
/* An RDN value: '\\' and the other DN specials escaped. */
char *cg_ldap_rdn_escape(const char *s);


/* GeneralizedTime "YYYYMMDDHHMMSSZ" <-> epoch seconds. */
void cg_ldap_format_time(int64_t t, char out[16]);
bool cg_ldap_parse_time(const struct berval *bv, int64_t *t);

#endif
