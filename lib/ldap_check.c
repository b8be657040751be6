/* What check-config asks of the directory beyond a bind: is the schema
 * slapo-otp and credgate use there, and who can see oathSecret. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cg_macros.h"
#include "ldap_int.h"
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
