/* Reading a user's token as slapo-otp does: the user entry by uid, its
 * oathTOTPToken DN, the token entry, its oathTOTPParams entry; and
 * turning the values into a struct cg_state, refusing anything credgate
 * cannot use (rule 1: only "no token" means not enrolled). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cg_macros.h"
#include "ldap_int.h"
#include "number.h"
#include "recovery.h"
#include "username.h"
#include "wipe.h"

const char *const cg_ldap_attr_names[CG_A__COUNT] = {
	[CG_A_OBJECTCLASS] = "objectClass",
	[CG_A_SECRET] = "oathSecret",
	[CG_A_PARAMS] = "oathTOTPParams",
	[CG_A_LENGTH] = "oathOTPLength",
	[CG_A_ALGORITHM] = "oathHMACAlgorithm",
	[CG_A_PERIOD] = "oathTOTPTimeStepPeriod",
	[CG_A_WINDOW] = "oathTOTPTimeStepWindow",
	[CG_A_LAST_STEP] = "oathTOTPLastTimeStep",
	[CG_A_FAILURES] = "oathFailureCount",
	[CG_A_LAST_FAILURE] = "oathLastFailure",
	[CG_A_SECRET_TIME] = "oathSecretTime",
	[CG_A_LOCKED_UNTIL] = "credgateLockedUntil",
	[CG_A_ENROLLED_BY] = "credgateEnrolledBy",
	[CG_A_RECOVERY] = "credgateRecoveryCode",
	[CG_A_DRIFT] = "oathTOTPTimeStepDrift",
};

bool cg_ldap_attr_is_state(enum cg_ldap_attr a)
{
	switch (a) {
	case CG_A_LAST_STEP:
	case CG_A_FAILURES:
	case CG_A_LAST_FAILURE:
	case CG_A_SECRET_TIME:
	case CG_A_LOCKED_UNTIL:
	case CG_A_ENROLLED_BY:
	case CG_A_RECOVERY:
		return true;
	default:
		return false;
	}
}

static bool is_params_attr(enum cg_ldap_attr a)
{
	return a == CG_A_LENGTH || a == CG_A_ALGORITHM || a == CG_A_PERIOD ||
	       a == CG_A_WINDOW;
}

/* RFC 8018's HMAC OIDs, as slapo-otp's otp_choose_mech knows them. */
static const struct { const char *oid; cg_alg alg; } hmac_oids[] = {
	{ "1.2.840.113549.2.7", CG_ALG_SHA1 },
	{ "1.2.840.113549.2.9", CG_ALG_SHA256 },
	{ "1.2.840.113549.2.11", CG_ALG_SHA512 },
};

const char *cg_ldap_alg_oid(cg_alg alg)
{
	for (size_t i = 0; i < CG_ARRAY_SIZE(hmac_oids); i++)
		if (hmac_oids[i].alg == alg)
			return hmac_oids[i].oid;
	return NULL;
}

bool cg_ldap_has_class(struct berval **ocs, const char *oc)
{
	size_t n = strlen(oc);

	for (size_t i = 0; ocs != NULL && ocs[i] != NULL; i++)
		if (ocs[i]->bv_len == n &&
		    strncasecmp(ocs[i]->bv_val, oc, n) == 0)
			return true;
	return false;
}

char *cg_ldap_filter_value(const struct berval *bv)
{
	struct berval in = *bv, out = { 0, NULL };

	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	return out.bv_val;   /* ber_memfree-able; plain malloc in libldap */
}

char *cg_ldap_rdn_escape(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n * 3 + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strchr(",+\"\\<>;=#", s[i]) != NULL ||
		    (s[i] == ' ' && (i == 0 || i + 1 == n)))
			out[o++] = '\\';
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

void cg_ldap_format_time(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 16, "%Y%m%d%H%M%SZ", &tm) != 15)
		snprintf(out, 16, "19700101000000Z");
}

/* "YYYYMMDDHHMMSS[.fff]Z": what slapd and credgate write. */
bool cg_ldap_parse_time(const struct berval *bv, int64_t *t)
{
	char buf[32];
	struct tm tm;
	size_t i = 14;
	time_t v;

	if (bv->bv_len < 15 || bv->bv_len >= sizeof(buf))
		return false;
	memcpy(buf, bv->bv_val, bv->bv_len);
	buf[bv->bv_len] = '\0';
	for (size_t k = 0; k < 14; k++)
		if (buf[k] < '0' || buf[k] > '9')
			return false;
	if (buf[i] == '.' || buf[i] == ',')
		for (i++; buf[i] >= '0' && buf[i] <= '9'; i++)
			;
	if (buf[i] != 'Z' || buf[i + 1] != '\0')
		return false;
	memset(&tm, 0, sizeof(tm));
	if (strptime(buf, "%Y%m%d%H%M%S", &tm) == NULL)
		return false;
	if ((v = timegm(&tm)) == (time_t)-1 || v < 0)
		return false;
	*t = (int64_t)v;
	return true;
}

/* ---- finding ------------------------------------------------------------ */

static cg_err search(struct cg_ldap *l, const char *base, int scope,
		     const char *filter, char **attrs, int sizelimit,
		     LDAPMessage **res)
{
	struct timeval tv = cg_ldap_timeout(l);
	struct cg_sigpipe g;
	int rc;

	*res = NULL;
	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_search_ext_s(l->ld, base, scope, filter, attrs, 0, NULL,
			       NULL, &tv, sizelimit, res);
	cg_sigpipe_restore(&g);
	if (rc == LDAP_SUCCESS || (rc == LDAP_SIZELIMIT_EXCEEDED &&
				   sizelimit > 0))
		return CG_OK;
	ldap_msgfree(*res);
	*res = NULL;
	return cg_ldap_fail(l, "search", rc);
}

static cg_err dup_dn(LDAP *ld, LDAPMessage *e, char **out)
{
	char *dn = ldap_get_dn(ld, e);

	*out = dn != NULL ? strdup(dn) : NULL;
	ldap_memfree(dn);
	return *out != NULL ? CG_OK : CG_E_NOMEM;
}

cg_err cg_ldap_find(struct cg_ldap *l, const char *user, char **user_dn,
		    char **token_dn, bool *totp_user)
{
	char *attrs[] = { "oathTOTPToken", "objectClass", NULL };
	char *esc = NULL, *filter = NULL;
	struct berval **ocs;
	struct berval ubv = { strlen(user), (char *)user }, **v = NULL;
	LDAPMessage *res = NULL, *e;
	cg_err r;

	*user_dn = *token_dn = NULL;
	if (totp_user != NULL)
		*totp_user = false;
	if ((esc = cg_ldap_filter_value(&ubv)) == NULL ||
	    asprintf(&filter, "(uid=%s)", esc) < 0) {
		filter = NULL;
		r = CG_E_NOMEM;
		goto out;
	}
	if ((r = search(l, l->conf->user_base, LDAP_SCOPE_SUBTREE, filter,
			attrs, 2, &res)) != CG_OK)
		goto out;
	switch (ldap_count_entries(l->ld, res)) {
	case 0:
		cg_ldap_setwhy(l, "no entry uid=%s under %s", user,
			       l->conf->user_base);
		r = CG_E_NOENT;
		goto out;
	case 1:
		break;
	default:
		cg_ldap_setwhy(l, "more than one entry uid=%s under %s", user,
			       l->conf->user_base);
		r = CG_E_PARSE;
		goto out;
	}
	e = ldap_first_entry(l->ld, res);
	if ((r = dup_dn(l->ld, e, user_dn)) != CG_OK)
		goto out;
	if (totp_user != NULL) {
		ocs = ldap_get_values_len(l->ld, e, "objectClass");
		*totp_user = cg_ldap_has_class(ocs, "oathTOTPUser");
		ldap_value_free_len(ocs);
	}
	v = ldap_get_values_len(l->ld, e, "oathTOTPToken");
	if (v == NULL || v[0] == NULL) {
		cg_ldap_setwhy(l, "%s has no oathTOTPToken", *user_dn);
		r = CG_E_NOENT;
		goto out;
	}
	if (v[1] != NULL || memchr(v[0]->bv_val, '\0', v[0]->bv_len) != NULL ||
	    (*token_dn = strndup(v[0]->bv_val, v[0]->bv_len)) == NULL) {
		cg_ldap_setwhy(l, "%s: unusable oathTOTPToken", *user_dn);
		r = *token_dn == NULL && v[1] == NULL ? CG_E_NOMEM : CG_E_PARSE;
		goto out;
	}
	r = CG_OK;
 out:
	ldap_value_free_len(v);
	ldap_msgfree(res);
	free(filter);
	ber_memfree(esc);
	return r;
}

/* ---- reading a token ---------------------------------------------------- */

void cg_ldap_token_free(struct cg_ldap_token *tok)
{
	if (tok == NULL)
		return;
	for (size_t i = 0; i < CG_A__COUNT; i++) {
		if (tok->v[i] == NULL)
			continue;
		/* The secret is wiped before its memory is given back. */
		for (size_t k = 0; tok->v[i][k] != NULL; k++)
			cg_wipe(tok->v[i][k]->bv_val, tok->v[i][k]->bv_len);
		ldap_value_free_len(tok->v[i]);
	}
	free(tok->dn);
	free(tok->params_dn);
	free(tok);
}

const char *cg_ldap_token_dn(const struct cg_ldap_token *tok)
{
	return tok->dn;
}

/* Base read of one entry, which must be of class oc.  The token entry
 * gives every attribute (the parameters too, when it is its own
 * parameter entry); a separate parameter entry only the parameters. */
static cg_err read_entry(struct cg_ldap *l, const char *dn, const char *oc,
			 struct cg_ldap_token *tok, bool params_only)
{
	char *attrs[CG_A__COUNT + 1];
	LDAPMessage *res = NULL, *e;
	struct berval **ocs = NULL;
	size_t n = 0;
	cg_err r;

	for (size_t a = 0; a < CG_A__COUNT; a++)
		if (!params_only || is_params_attr(a) || a == CG_A_OBJECTCLASS)
			attrs[n++] = (char *)cg_ldap_attr_names[a];
	attrs[n] = NULL;
	r = search(l, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, &res);
	if (r == CG_E_NOENT || (r == CG_OK &&
				(e = ldap_first_entry(l->ld, res)) == NULL)) {
		cg_ldap_setwhy(l, "%s: no such entry (dangling %s)", dn,
			       params_only ? "oathTOTPParams" : "oathTOTPToken");
		r = CG_E_NOENT;         /* the caller says what that means */
		goto out;
	}
	if (r != CG_OK)
		goto out;
	ocs = ldap_get_values_len(l->ld, e, "objectClass");
	if (!cg_ldap_has_class(ocs, oc)) {
		cg_ldap_setwhy(l, "%s is not an %s", dn, oc);
		r = CG_E_PARSE;
		goto out;
	}
	for (size_t a = 0; a < CG_A__COUNT; a++) {
		if (a == CG_A_OBJECTCLASS || (params_only && !is_params_attr(a)))
			continue;
		ldap_value_free_len(tok->v[a]);
		tok->v[a] = ldap_get_values_len(l->ld, e, cg_ldap_attr_names[a]);
	}
	if (!params_only) {
		tok->v[CG_A_OBJECTCLASS] = ocs;
		ocs = NULL;
	}
 out:
	ldap_value_free_len(ocs);
	ldap_msgfree(res);
	return r;
}

/* DNs compared after normalising spacing and case: "the same entry". */
static bool same_dn(const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	bool same;

	if (ldap_dn_normalize(a, LDAP_DN_FORMAT_LDAP, &na, LDAP_DN_FORMAT_LDAPV3) ||
	    ldap_dn_normalize(b, LDAP_DN_FORMAT_LDAP, &nb, LDAP_DN_FORMAT_LDAPV3))
		same = strcasecmp(a, b) == 0;
	else
		same = strcasecmp(na, nb) == 0;
	ldap_memfree(na);
	ldap_memfree(nb);
	return same;
}

/* A token that a user points to and that is missing is damaged; the
 * decoy, which no user points to, may simply not exist yet. */
static cg_err read_token(struct cg_ldap *l, const char *token_dn,
			 struct cg_ldap_token **out, struct cg_state *st,
			 bool missing_ok);

cg_err cg_ldap_read(struct cg_ldap *l, const char *token_dn,
		    struct cg_ldap_token **out, struct cg_state *st)
{
	return read_token(l, token_dn, out, st, false);
}

cg_err cg_ldap_read_entry(struct cg_ldap *l, const char *token_dn,
			  struct cg_ldap_token **out, struct cg_state *st)
{
	return read_token(l, token_dn, out, st, true);
}

static cg_err read_token(struct cg_ldap *l, const char *token_dn,
			 struct cg_ldap_token **out, struct cg_state *st,
			 bool missing_ok)
{
	struct cg_ldap_token *tok = calloc(1, sizeof(*tok));
	struct berval **p;
	cg_err r;

	*out = NULL;
	if (tok == NULL || (tok->dn = strdup(token_dn)) == NULL) {
		r = CG_E_NOMEM;
		goto out;
	}
	if ((r = read_entry(l, token_dn, "oathTOTPToken", tok, false)) != CG_OK) {
		if (r == CG_E_NOENT && !missing_ok)
			r = CG_E_PARSE;
		goto out;
	}
	p = tok->v[CG_A_PARAMS];
	if (p == NULL || p[0] == NULL || p[1] != NULL ||
	    memchr(p[0]->bv_val, '\0', p[0]->bv_len) != NULL) {
		cg_ldap_setwhy(l, "%s: no usable oathTOTPParams", token_dn);
		r = CG_E_PARSE;
		goto out;
	}
	if ((tok->params_dn = strndup(p[0]->bv_val, p[0]->bv_len)) == NULL) {
		r = CG_E_NOMEM;
		goto out;
	}
	/* The parameters: on the token itself, or one more read. */
	tok->own_params = same_dn(tok->params_dn, token_dn);
	if (tok->own_params &&
	    !cg_ldap_has_class(tok->v[CG_A_OBJECTCLASS], "oathTOTPParams")) {
		cg_ldap_setwhy(l, "%s is not an oathTOTPParams", token_dn);
		r = CG_E_PARSE;
		goto out;
	}
	if (!tok->own_params &&
	    (r = read_entry(l, tok->params_dn, "oathTOTPParams", tok,
			    true)) != CG_OK) {
		if (r == CG_E_NOENT)
			r = CG_E_PARSE;
		goto out;
	}
	r = cg_ldap_token_to_state(l, tok, st);
 out:
	if (r != CG_OK) {
		cg_ldap_token_free(tok);
		return r;
	}
	*out = tok;
	return CG_OK;
}

/* ---- values -> state ---------------------------------------------------- */

/* One value of a single-valued attribute as a C string; NULL if absent. */
static bool single(const struct cg_ldap_token *tok, enum cg_ldap_attr a,
		   char *buf, size_t sz, bool *present)
{
	struct berval **v = tok->v[a];

	*present = v != NULL && v[0] != NULL;
	if (!*present)
		return true;
	if (v[1] != NULL || v[0]->bv_len >= sz ||
	    memchr(v[0]->bv_val, '\0', v[0]->bv_len) != NULL)
		return false;
	memcpy(buf, v[0]->bv_val, v[0]->bv_len);
	buf[v[0]->bv_len] = '\0';
	return true;
}

static cg_err bad(struct cg_ldap *l, const struct cg_ldap_token *tok,
		  enum cg_ldap_attr a, const char *what)
{
	cg_ldap_setwhy(l, "%s: %s: %s", tok->dn, cg_ldap_attr_names[a], what);
	return CG_E_PARSE;
}

/* An integer attribute; absent gives `absent`. */
static cg_err int_attr(struct cg_ldap *l, const struct cg_ldap_token *tok,
		       enum cg_ldap_attr a, int64_t min, int64_t max,
		       int64_t absent, int64_t *out)
{
	char buf[32];
	bool present;

	if (!single(tok, a, buf, sizeof(buf), &present) ||
	    (present && !cg_dec_i64(buf, min, max, out)))
		return bad(l, tok, a, "not a number credgate accepts");
	if (!present)
		*out = absent;
	return CG_OK;
}

static cg_err time_attr(struct cg_ldap *l, const struct cg_ldap_token *tok,
			enum cg_ldap_attr a, int64_t *out)
{
	struct berval **v = tok->v[a];

	*out = 0;
	if (v == NULL || v[0] == NULL)
		return CG_OK;
	if (v[1] != NULL || !cg_ldap_parse_time(v[0], out))
		return bad(l, tok, a, "not a time YYYYMMDDHHMMSSZ");
	return CG_OK;
}

static cg_err totp_params(struct cg_ldap *l, const struct cg_ldap_token *tok,
			  struct cg_totp *t)
{
	char oid[64];
	int64_t n;
	bool present;
	size_t i;
	cg_err r;

	if ((r = int_attr(l, tok, CG_A_LENGTH, 6, 8, -1, &n)) != CG_OK)
		return r;
	if (n < 0 || !cg_digits_valid((unsigned)n))
		return bad(l, tok, CG_A_LENGTH, "missing, or not 6 or 8");
	t->digits = (unsigned)n;
	if ((r = int_attr(l, tok, CG_A_PERIOD, 1, 3600, -1, &n)) != CG_OK)
		return r;
	if (n < 0 || !cg_period_valid((unsigned)n))
		return bad(l, tok, CG_A_PERIOD, "missing, or not 30 or 60");
	t->period = (unsigned)n;
	if (!single(tok, CG_A_ALGORITHM, oid, sizeof(oid), &present) ||
	    !present)
		return bad(l, tok, CG_A_ALGORITHM, "missing");
	for (i = 0; i < CG_ARRAY_SIZE(hmac_oids); i++)
		if (strcmp(oid, hmac_oids[i].oid) == 0)
			break;
	if (i == CG_ARRAY_SIZE(hmac_oids))
		return bad(l, tok, CG_A_ALGORITHM, "not HMAC-SHA1, -SHA256 "
			   "or -SHA512");
	t->alg = hmac_oids[i].alg;
	return CG_OK;
}

static cg_err secret_attr(struct cg_ldap *l, const struct cg_ldap_token *tok,
			  struct cg_totp *t)
{
	struct berval **v = tok->v[CG_A_SECRET];

	if (v == NULL || v[0] == NULL || v[1] != NULL ||
	    v[0]->bv_len < CG_SECRET_MIN || v[0]->bv_len > CG_SECRET_MAX)
		return bad(l, tok, CG_A_SECRET, "missing, or not 10..128 "
			   "raw bytes");
	memcpy(t->secret, v[0]->bv_val, v[0]->bv_len);
	t->secret_len = v[0]->bv_len;
	return CG_OK;
}

static cg_err recovery_attr(struct cg_ldap *l,
			    const struct cg_ldap_token *tok,
			    struct cg_state *st)
{
	struct berval **v = tok->v[CG_A_RECOVERY];

	for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
		char *h = st->recovery[st->nrecovery];

		if (st->nrecovery == CG_RECOVERY_MAX)
			return bad(l, tok, CG_A_RECOVERY, "too many values");
		if (v[i]->bv_len >= CG_RECOVERY_HASH_SIZE ||
		    memchr(v[i]->bv_val, '\0', v[i]->bv_len) != NULL)
			return bad(l, tok, CG_A_RECOVERY, "malformed value");
		memcpy(h, v[i]->bv_val, v[i]->bv_len);
		h[v[i]->bv_len] = '\0';
		if (cg_recovery_entry_parse(h, NULL, NULL, NULL) != CG_OK)
			return bad(l, tok, CG_A_RECOVERY, "malformed value");
		st->nrecovery++;
	}
	return CG_OK;
}

cg_err cg_ldap_token_to_state(struct cg_ldap *l,
			      const struct cg_ldap_token *tok,
			      struct cg_state *st)
{
	int64_t n;
	bool present;
	cg_err r;

	cg_state_init(st);
	if ((r = secret_attr(l, tok, &st->totp)) != CG_OK ||
	    (r = totp_params(l, tok, &st->totp)) != CG_OK ||
	    (r = int_attr(l, tok, CG_A_LAST_STEP, -1, INT64_MAX, -1,
			  &st->last_step)) != CG_OK ||
	    (r = int_attr(l, tok, CG_A_FAILURES, 0, 1000000, 0, &n)) != CG_OK ||
	    (r = time_attr(l, tok, CG_A_LAST_FAILURE, &st->last_failure)) ||
	    (r = time_attr(l, tok, CG_A_LOCKED_UNTIL, &st->locked_until)) ||
	    (r = time_attr(l, tok, CG_A_SECRET_TIME, &st->enrolled_at)) ||
	    (r = recovery_attr(l, tok, st)) != CG_OK)
		goto out;
	st->failures = (unsigned)n;
	if (!single(tok, CG_A_ENROLLED_BY, st->enrolled_by,
		    sizeof(st->enrolled_by), &present) ||
	    (present && !cg_user_name_valid(st->enrolled_by) &&
	     strcmp(st->enrolled_by, "-") != 0)) {
		r = bad(l, tok, CG_A_ENROLLED_BY, "not a user name");
		goto out;
	}
	if (!present)
		snprintf(st->enrolled_by, sizeof(st->enrolled_by), "-");
	r = CG_OK;
 out:
	if (r != CG_OK)
		cg_state_wipe(st);
	return r;
}
