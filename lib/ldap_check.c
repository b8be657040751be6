/* What check-config asks of the directory: a bind, the schema slapo-otp
 * and credgate use, every token readable, and who can see oathSecret. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cg_macros.h"
#include "ldap_int.h"
#include "store_ldap_plugin.h"
#include "wipe.h"

/* Names that must appear in the subschema entry. */
static const char *const need_at[] = {
	"oathSecret", "oathTOTPToken", "oathTOTPParams", "oathOTPLength",
	"oathHMACAlgorithm", "oathTOTPTimeStepPeriod", "oathTOTPTimeStepWindow",
	"oathTOTPLastTimeStep", "oathFailureCount", "oathLastFailure",
	"oathSecretTime", "credgateRecoveryCode", "credgateLockedUntil",
	"credgateEnrolledBy",
};
static const char *const need_oc[] = {
	"oathTOTPUser", "oathTOTPToken", "oathTOTPParams", "credgateToken",
};

/* Does one of the definitions say NAME 'name' (or name in a list)? */
static bool defines(struct berval **defs, const char *name)
{
	char quoted[80];

	snprintf(quoted, sizeof(quoted), "'%s'", name);
	for (size_t i = 0; defs != NULL && defs[i] != NULL; i++) {
		char *d = strndup(defs[i]->bv_val, defs[i]->bv_len);
		bool hit = d != NULL && strcasestr(d, quoted) != NULL;

		free(d);
		if (hit)
			return true;
	}
	return false;
}

static cg_err base_read(struct cg_ldap *l, const char *dn, char **attrs,
			LDAPMessage **res, LDAPMessage **e)
{
	struct timeval tv = cg_ldap_timeout(l);
	struct cg_sigpipe g;
	int rc;

	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_search_ext_s(l->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			       attrs, 0, NULL, NULL, &tv, 1, res);
	cg_sigpipe_restore(&g);
	if (rc != LDAP_SUCCESS)
		return cg_ldap_fail(l, "read", rc);
	if ((*e = ldap_first_entry(l->ld, *res)) == NULL) {
		cg_ldap_setwhy(l, "%s: not readable", dn[0] != '\0' ? dn :
			       "root DSE");
		return CG_E_UNAVAILABLE;
	}
	return CG_OK;
}

cg_err cg_ldap_check_schema(struct cg_ldap *l)
{
	char *dse_attrs[] = { "subschemaSubentry", NULL };
	char *sch_attrs[] = { "attributeTypes", "objectClasses", NULL };
	LDAPMessage *res = NULL, *e;
	struct berval **sub = NULL, **at = NULL, **oc = NULL;
	char *dn = NULL;
	cg_err r;

	if ((r = base_read(l, "", dse_attrs, &res, &e)) != CG_OK)
		goto out;
	sub = ldap_get_values_len(l->ld, e, dse_attrs[0]);
	if (sub == NULL || sub[0] == NULL ||
	    (dn = strndup(sub[0]->bv_val, sub[0]->bv_len)) == NULL) {
		cg_ldap_setwhy(l, "no subschemaSubentry in the root DSE");
		r = CG_E_UNAVAILABLE;
		goto out;
	}
	ldap_msgfree(res);
	res = NULL;
	if ((r = base_read(l, dn, sch_attrs, &res, &e)) != CG_OK)
		goto out;
	at = ldap_get_values_len(l->ld, e, "attributeTypes");
	oc = ldap_get_values_len(l->ld, e, "objectClasses");
	for (size_t i = 0; i < CG_ARRAY_SIZE(need_at); i++)
		if (!defines(at, need_at[i])) {
			cg_ldap_setwhy(l, "attribute type %s", need_at[i]);
			r = CG_E_NOENT;
			goto out;
		}
	for (size_t i = 0; i < CG_ARRAY_SIZE(need_oc); i++)
		if (!defines(oc, need_oc[i])) {
			cg_ldap_setwhy(l, "object class %s", need_oc[i]);
			r = CG_E_NOENT;
			goto out;
		}
	r = CG_OK;
 out:
	ldap_value_free_len(sub);
	ldap_value_free_len(at);
	ldap_value_free_len(oc);
	ldap_msgfree(res);
	free(dn);
	return r;
}

cg_err cg_ldap_count_secrets(struct cg_ldap *l, const char *base,
			     unsigned *readable)
{
	char *attrs[] = { "oathSecret", NULL };
	struct timeval tv = cg_ldap_timeout(l);
	LDAPMessage *res = NULL;
	struct cg_sigpipe g;
	int rc;

	*readable = 0;
	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_search_ext_s(l->ld, base, LDAP_SCOPE_SUBTREE,
			       "(oathSecret=*)", attrs, 0, NULL, NULL, &tv,
			       0, &res);
	cg_sigpipe_restore(&g);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return cg_ldap_fail(l, "search", rc);
	}
	for (LDAPMessage *e = ldap_first_entry(l->ld, res); e != NULL;
	     e = ldap_next_entry(l->ld, e)) {
		struct berval **v = ldap_get_values_len(l->ld, e, attrs[0]);

		if (v != NULL && v[0] != NULL)
			(*readable)++;
		for (size_t i = 0; v != NULL && v[i] != NULL; i++)
			cg_wipe(v[i]->bv_val, v[i]->bv_len);
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return CG_OK;
}

/* ---- check-config --------------------------------------------------------- */

static void sayf(cg_store_report_fn say, void *arg, bool ok, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void sayf(cg_store_report_fn say, void *arg, bool ok, const char *fmt,
		 ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(arg, ok, msg);
}

/* Every token readable and usable; the first few bad ones named. */
static bool check_tokens(struct cg_ldap *l, cg_store_report_fn say, void *arg)
{
	char **users = NULL, *user_dn = NULL, *token_dn = NULL;
	size_t n = 0, good = 0, bad = 0;
	cg_err e;

	if ((e = cg_ldap_list(l, &users, &n)) != CG_OK) {
		sayf(say, arg, false, "cannot list users with a token: %s",
		     cg_ldap_why(l));
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct cg_ldap_token *tok = NULL;
		struct cg_state st;

		cg_state_init(&st);
		e = cg_ldap_find(l, users[i], &user_dn, &token_dn, NULL);
		if (e == CG_OK)
			e = cg_ldap_read(l, token_dn, &tok, &st);
		if (e == CG_OK)
			good++;
		else if (++bad <= 5)
			sayf(say, arg, false, "token of %s: %s", users[i],
			     cg_ldap_why(l));
		cg_state_wipe(&st);
		cg_ldap_token_free(tok);
		free(user_dn);
		free(token_dn);
		user_dn = token_dn = NULL;
		free(users[i]);
	}
	free(users);
	if (bad > 5)
		sayf(say, arg, false, "... and %zu more unusable tokens",
		     bad - 5);
	if (bad == 0)
		sayf(say, arg, true, "%zu tokens (with their parameter "
		     "entries) readable and valid", good);
	return bad == 0;
}

/* What an anonymous client sees of oathSecret under the two bases. */
static bool check_anonymous(const struct cg_config *cfg,
			    cg_store_report_fn say, void *arg)
{
	const char *bases[] = { cfg->ldap.user_base, cfg->ldap.token_base };
	struct cg_ldap *anon = NULL;
	char why[CG_LDAP_WHY_MAX];
	unsigned seen = 0, total = 0;
	bool ok = true;

	if (cg_ldap_connect_anonymous(&cfg->ldap, &anon, why, sizeof(why))
	    != CG_OK) {
		/* A directory that refuses anonymous binds shows nothing. */
		sayf(say, arg, true, "anonymous bind refused: oathSecret not "
		     "readable anonymously");
		return true;
	}
	for (size_t i = 0; i < CG_ARRAY_SIZE(bases); i++) {
		if (cg_ldap_count_secrets(anon, bases[i], &seen) != CG_OK)
			seen = 0;       /* refused: nothing seen */
		total += seen;
	}
	cg_ldap_close(anon);
	if (total > 0) {
		sayf(say, arg, false, "oathSecret readable anonymously in %u "
		     "entries: restrict it to the host DNs "
		     "(etc/ldap/credgate-acl.ldif)", total);
		ok = false;
	} else {
		sayf(say, arg, true, "oathSecret not readable anonymously");
	}
	return ok;
}

cg_err cg_store_ldap_check(const struct cg_config *cfg,
			   cg_store_report_fn say, void *arg)
{
	struct cg_ldap *l = NULL;
	char why[CG_LDAP_WHY_MAX];
	bool ok = true;
	cg_err e;

	if ((e = cg_ldap_connect(&cfg->ldap, &l, why, sizeof(why))) != CG_OK) {
		sayf(say, arg, false, "cannot bind as %s: %s",
		     cfg->ldap.bind_dn, why);
		return e;
	}
	sayf(say, arg, true, "bound to %s as %s", cg_ldap_uri(l),
	     cfg->ldap.bind_dn);
	if ((e = cg_ldap_check_schema(l)) == CG_OK) {
		sayf(say, arg, true, "schema: OATH-LDAP (slapd's otp overlay) "
		     "and credgate's extension present");
	} else {
		sayf(say, arg, false, "schema: %s %s (moduleload otp, overlay "
		     "otp, and etc/ldap/credgate.ldif)", e == CG_E_NOENT ?
		     "missing" : "unreadable:", cg_ldap_why(l));
		ok = false;
	}
	ok &= check_tokens(l, say, arg);
	cg_ldap_close(l);
	ok &= check_anonymous(cfg, say, arg);
	return ok ? CG_OK : CG_E_PARSE;
}
