/* Writing tokens: the compare-and-set modify of every login, creating a
 * token and linking its user, unlinking and deleting it, and listing
 * the users that have one. */
#include "config.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cg_macros.h"
#include "ldap_int.h"
#include "username.h"
#include "wipe.h"

#define MODS_MAX 48
#define VALS_MAX 160
#define TEXT_MAX 64
/* An entry at the token's DN that no user points to and that is older
 * than this was left by an enrollment that died half-way: replaced. */
#define ORPHAN_AGE 60

/* A modify or add being built: LDAPMods over values we own or borrow. */
struct mods {
	LDAPMod m[MODS_MAX];
	LDAPMod *p[MODS_MAX + 1];
	size_t n;
	struct berval bv[VALS_MAX];
	struct berval *bvp[VALS_MAX + MODS_MAX];
	size_t nbv, nbvp;
	char text[VALS_MAX][TEXT_MAX];
	bool full;
};

/* Start a modification; values follow with val()/text(); end() closes. */
static void mod_begin_name(struct mods *ms, int op, const char *name)
{
	if (ms->n == MODS_MAX || ms->nbvp == CG_ARRAY_SIZE(ms->bvp)) {
		ms->full = true;
		return;
	}
	ms->m[ms->n].mod_op = op | LDAP_MOD_BVALUES;
	ms->m[ms->n].mod_type = (char *)name;
	ms->m[ms->n].mod_bvalues = &ms->bvp[ms->nbvp];
	ms->p[ms->n] = &ms->m[ms->n];
	ms->n++;
	ms->p[ms->n] = NULL;
}

static void mod_begin(struct mods *ms, int op, enum cg_ldap_attr a)
{
	mod_begin_name(ms, op, cg_ldap_attr_names[a]);
}

static void mod_end(struct mods *ms)
{
	if (ms->nbvp < CG_ARRAY_SIZE(ms->bvp))
		ms->bvp[ms->nbvp++] = NULL;
	else
		ms->full = true;
}

static void val(struct mods *ms, const void *bytes, size_t len)
{
	/* Room for this value and the NULL that ends its modification. */
	if (ms->nbv == VALS_MAX || ms->nbvp + 1 >= CG_ARRAY_SIZE(ms->bvp)) {
		ms->full = true;
		return;
	}
	ms->bv[ms->nbv].bv_val = (char *)bytes;
	ms->bv[ms->nbv].bv_len = len;
	ms->bvp[ms->nbvp++] = &ms->bv[ms->nbv++];
}

static void str(struct mods *ms, const char *s)
{
	val(ms, s, strlen(s));
}

/* A formatted value, kept in ms. */
static void text(struct mods *ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text(struct mods *ms, const char *fmt, ...)
{
	va_list ap;
	char *t;

	if (ms->nbv == VALS_MAX) {
		ms->full = true;
		return;
	}
	t = ms->text[ms->nbv];
	va_start(ap, fmt);
	vsnprintf(t, TEXT_MAX, fmt, ap);
	va_end(ap);
	str(ms, t);
}

static void time_val(struct mods *ms, int64_t t)
{
	char buf[16];

	cg_ldap_format_time(t, buf);
	text(ms, "%s", buf);
}

/* One mod with the values as read (borrowed from the token). */
static void mod_raw(struct mods *ms, int op, enum cg_ldap_attr a,
		    struct berval **v)
{
	mod_begin(ms, op, a);
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		val(ms, v[i]->bv_val, v[i]->bv_len);
	mod_end(ms);
}

/* ---- state -> values ---------------------------------------------------- */

/* The value(s) of a single-valued state attribute in st, if any. */
static bool state_value(struct mods *ms, enum cg_ldap_attr a,
			const struct cg_state *st, bool emit)
{
	bool has = false;

	switch (a) {
	case CG_A_LAST_STEP:
		if ((has = st->last_step >= 0) && emit)
			text(ms, "%" PRId64, st->last_step);
		break;
	case CG_A_FAILURES:
		if ((has = st->failures > 0) && emit)
			text(ms, "%u", st->failures);
		break;
	case CG_A_LAST_FAILURE:
		if ((has = st->last_failure > 0) && emit)
			time_val(ms, st->last_failure);
		break;
	case CG_A_LOCKED_UNTIL:
		if ((has = st->locked_until > 0) && emit)
			time_val(ms, st->locked_until);
		break;
	case CG_A_SECRET_TIME:
		if ((has = st->enrolled_at > 0) && emit)
			time_val(ms, st->enrolled_at);
		break;
	case CG_A_ENROLLED_BY:
		if ((has = strcmp(st->enrolled_by, "-") != 0) && emit)
			str(ms, st->enrolled_by);
		break;
	default:
		break;
	}
	return has;
}

static bool scalar_changed(enum cg_ldap_attr a, const struct cg_state *o,
			   const struct cg_state *n)
{
	switch (a) {
	case CG_A_LAST_STEP:    return o->last_step != n->last_step;
	case CG_A_FAILURES:     return o->failures != n->failures;
	case CG_A_LAST_FAILURE: return o->last_failure != n->last_failure;
	case CG_A_LOCKED_UNTIL: return o->locked_until != n->locked_until;
	case CG_A_SECRET_TIME:  return o->enrolled_at != n->enrolled_at;
	case CG_A_ENROLLED_BY:
		return strcmp(o->enrolled_by, n->enrolled_by) != 0;
	default:                return false;
	}
}

static bool has_hash(const struct cg_state *st, const char *h, size_t len)
{
	for (size_t i = 0; i < st->nrecovery; i++)
		if (strlen(st->recovery[i]) == len &&
		    memcmp(st->recovery[i], h, len) == 0)
			return true;
	return false;
}

static bool totp_changed(const struct cg_totp *a, const struct cg_totp *b)
{
	return a->secret_len != b->secret_len || a->alg != b->alg ||
	       a->digits != b->digits || a->period != b->period ||
	       memcmp(a->secret, b->secret, a->secret_len) != 0;
}

/* The parameters slapo-otp reads, replaced on the token itself. */
static void params_mods(struct mods *ms, const struct cg_totp *t,
			unsigned window, int op)
{
	mod_begin(ms, op, CG_A_LENGTH);
	text(ms, "%u", t->digits);
	mod_end(ms);
	mod_begin(ms, op, CG_A_ALGORITHM);
	str(ms, cg_ldap_alg_oid(t->alg));
	mod_end(ms);
	mod_begin(ms, op, CG_A_PERIOD);
	text(ms, "%u", t->period);
	mod_end(ms);
	mod_begin(ms, op, CG_A_WINDOW);
	text(ms, "%u", window);
	mod_end(ms);
}

/* ---- the compare-and-set ------------------------------------------------ */

/* (&(a=v)...(!(b=*))...): every state attribute as read. */
static char *assertion(const struct cg_ldap_token *tok)
{
	size_t cap = 64, len;
	char *f = malloc(cap), *grown;

	if (f == NULL)
		return NULL;
	strcpy(f, "(&");
	for (size_t a = 0; a < CG_A__COUNT; a++) {
		struct berval **v = tok->v[a];
		const char *name = cg_ldap_attr_names[a];

		if (!cg_ldap_attr_is_state(a))
			continue;
		for (size_t i = 0; v == NULL || v[i] != NULL; i++) {
			char *esc = v != NULL ? cg_ldap_filter_value(v[i]) : NULL;
			size_t need;

			if (v != NULL && esc == NULL)
				goto fail;
			need = strlen(name) + (esc != NULL ? strlen(esc) : 0) + 8;
			len = strlen(f);
			if (len + need + 2 > cap) {
				cap = (len + need + 2) * 2;
				if ((grown = realloc(f, cap)) == NULL) {
					ber_memfree(esc);
					goto fail;
				}
				f = grown;
			}
			if (v == NULL)
				snprintf(f + len, cap - len, "(!(%s=*))", name);
			else
				snprintf(f + len, cap - len, "(%s=%s)", name, esc);
			ber_memfree(esc);
			if (v == NULL)
				break;
		}
	}
	strcat(f, ")");
	return f;
 fail:
	free(f);
	return NULL;
}

/* The modify that turns what tok read into st. */
static void commit_mods(struct mods *ms, const struct cg_ldap_token *tok,
			const struct cg_state *old, const struct cg_state *st,
			unsigned window, bool *ext)
{
	static const enum cg_ldap_attr scalars[] = {
		CG_A_LAST_STEP, CG_A_FAILURES, CG_A_LAST_FAILURE,
		CG_A_LOCKED_UNTIL, CG_A_SECRET_TIME, CG_A_ENROLLED_BY,
	};
	struct berval **rv = tok->v[CG_A_RECOVERY];
	bool any;

	*ext = false;
	for (size_t i = 0; i < CG_ARRAY_SIZE(scalars); i++) {
		enum cg_ldap_attr a = scalars[i];

		if (!scalar_changed(a, old, st))
			continue;
		/* Delete exactly the value read, add the new one: each
		 * fails if another writer got there first. */
		if (tok->v[a] != NULL)
			mod_raw(ms, LDAP_MOD_DELETE, a, tok->v[a]);
		if (state_value(ms, a, st, false)) {
			mod_begin(ms, LDAP_MOD_ADD, a);
			state_value(ms, a, st, true);
			mod_end(ms);
			*ext |= a == CG_A_LOCKED_UNTIL || a == CG_A_ENROLLED_BY;
		}
	}
	/* Recovery hashes: the used ones deleted by value, new ones added. */
	any = false;
	for (size_t i = 0; rv != NULL && rv[i] != NULL; i++) {
		if (has_hash(st, rv[i]->bv_val, rv[i]->bv_len))
			continue;
		if (!any)
			mod_begin(ms, LDAP_MOD_DELETE, CG_A_RECOVERY);
		any = true;
		val(ms, rv[i]->bv_val, rv[i]->bv_len);
	}
	if (any)
		mod_end(ms);
	any = false;
	for (size_t i = 0; i < st->nrecovery; i++) {
		if (has_hash(old, st->recovery[i], strlen(st->recovery[i])))
			continue;
		if (!any)
			mod_begin(ms, LDAP_MOD_ADD, CG_A_RECOVERY);
		any = *ext = true;
		str(ms, st->recovery[i]);
	}
	if (any)
		mod_end(ms);
	if (!totp_changed(&old->totp, &st->totp))
		return;
	/* A new secret (add --force, import --force): the old one deleted
	 * by value, slapo-otp's drift for the old secret dropped. */
	mod_raw(ms, LDAP_MOD_DELETE, CG_A_SECRET, tok->v[CG_A_SECRET]);
	mod_begin(ms, LDAP_MOD_ADD, CG_A_SECRET);
	val(ms, st->totp.secret, st->totp.secret_len);
	mod_end(ms);
	if (tok->v[CG_A_DRIFT] != NULL) {
		mod_begin(ms, LDAP_MOD_DELETE, CG_A_DRIFT);
		mod_end(ms);
	}
	if (!tok->own_params) {
		/* Shared parameters are not ours to change: the token
		 * becomes its own parameter entry. */
		if (!cg_ldap_has_class(tok->v[CG_A_OBJECTCLASS],
				       "oathTOTPParams")) {
			mod_begin(ms, LDAP_MOD_ADD, CG_A_OBJECTCLASS);
			str(ms, "oathTOTPParams");
			mod_end(ms);
		}
		mod_begin(ms, LDAP_MOD_REPLACE, CG_A_PARAMS);
		str(ms, tok->dn);
		mod_end(ms);
	}
	params_mods(ms, &st->totp, window, LDAP_MOD_REPLACE);
}

static cg_err modify(struct cg_ldap *l, const char *dn, LDAPMod **mods,
		     const char *assert_filter, const char *what)
{
	LDAPControl *ctrl = NULL, *ctrls[2] = { NULL, NULL };
	struct cg_sigpipe g;
	int rc;

	if (assert_filter != NULL) {
		rc = ldap_create_assertion_control(l->ld, (char *)assert_filter,
						   1, &ctrl);
		if (rc != LDAP_SUCCESS)
			return cg_ldap_fail(l, "assertion control", rc);
		ctrls[0] = ctrl;
	}
	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_modify_ext_s(l->ld, dn, mods, ctrls, NULL);
	cg_sigpipe_restore(&g);
	ldap_control_free(ctrl);
	return rc == LDAP_SUCCESS ? CG_OK : cg_ldap_fail(l, what, rc);
}

cg_err cg_ldap_commit(struct cg_ldap *l, const struct cg_ldap_token *tok,
		      const struct cg_state *old, const struct cg_state *st,
		      unsigned window, bool always)
{
	struct mods *ms = calloc(1, sizeof(*ms));
	char *filter = NULL;
	bool ext = false;
	cg_err r;

	if (ms == NULL)
		return CG_E_NOMEM;
	commit_mods(ms, tok, old, st, window, &ext);
	if (ext && !cg_ldap_has_class(tok->v[CG_A_OBJECTCLASS],
				      "credgateToken")) {
		mod_begin(ms, LDAP_MOD_ADD, CG_A_OBJECTCLASS);
		str(ms, "credgateToken");
		mod_end(ms);
	}
	if (ms->full) {
		cg_ldap_setwhy(l, "%s: modification too large", tok->dn);
		r = CG_E_TOOBIG;
		goto out;
	}
	if (ms->n == 0 && always) {
		mod_begin(ms, LDAP_MOD_REPLACE, CG_A_WINDOW);
		text(ms, "%u", window);
		mod_end(ms);
	}
	if (ms->n == 0) {
		r = CG_OK;              /* nothing differs: nothing to send */
		goto out;
	}
	if ((filter = assertion(tok)) == NULL) {
		r = CG_E_NOMEM;
		goto out;
	}
	r = modify(l, tok->dn, ms->p, filter, "modify");
	if (r == CG_E_NOENT)
		r = CG_E_CONFLICT;      /* the token was removed meanwhile */
 out:
	free(filter);
	cg_wipe(ms, sizeof(*ms));       /* pointed at secrets */
	free(ms);
	return r;
}

/* ---- create, remove, list ----------------------------------------------- */

/* The whole token entry for st, as an add. */
static void token_attrs(struct mods *ms, const char *user, const char *dn,
			const struct cg_state *st, unsigned window)
{
	static const enum cg_ldap_attr scalars[] = {
		CG_A_LAST_STEP, CG_A_FAILURES, CG_A_LAST_FAILURE,
		CG_A_LOCKED_UNTIL, CG_A_SECRET_TIME, CG_A_ENROLLED_BY,
	};

	mod_begin(ms, LDAP_MOD_ADD, CG_A_OBJECTCLASS);
	str(ms, "device");
	str(ms, "oathTOTPToken");
	str(ms, "oathTOTPParams");
	str(ms, "credgateToken");
	mod_end(ms);
	mod_begin_name(ms, LDAP_MOD_ADD, "cn");     /* the RDN's value */
	str(ms, user);
	mod_end(ms);
	mod_begin(ms, LDAP_MOD_ADD, CG_A_SECRET);
	val(ms, st->totp.secret, st->totp.secret_len);
	mod_end(ms);
	mod_begin(ms, LDAP_MOD_ADD, CG_A_PARAMS);
	str(ms, dn);
	mod_end(ms);
	params_mods(ms, &st->totp, window, LDAP_MOD_ADD);
	for (size_t i = 0; i < CG_ARRAY_SIZE(scalars); i++) {
		if (!state_value(ms, scalars[i], st, false))
			continue;
		mod_begin(ms, LDAP_MOD_ADD, scalars[i]);
		state_value(ms, scalars[i], st, true);
		mod_end(ms);
	}
	if (st->nrecovery > 0) {
		mod_begin(ms, LDAP_MOD_ADD, CG_A_RECOVERY);
		for (size_t i = 0; i < st->nrecovery; i++)
			str(ms, st->recovery[i]);
		mod_end(ms);
	}
}

static cg_err add_entry(struct cg_ldap *l, const char *dn, LDAPMod **attrs)
{
	struct cg_sigpipe g;
	int rc;

	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_add_ext_s(l->ld, dn, attrs, NULL, NULL);
	cg_sigpipe_restore(&g);
	return rc == LDAP_SUCCESS ? CG_OK : cg_ldap_fail(l, "add", rc);
}

static cg_err delete_entry(struct cg_ldap *l, const char *dn)
{
	struct cg_sigpipe g;
	int rc;

	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_delete_ext_s(l->ld, dn, NULL, NULL);
	cg_sigpipe_restore(&g);
	return rc == LDAP_SUCCESS ? CG_OK : cg_ldap_fail(l, "delete", rc);
}

/* Is the entry at dn a leftover (no user points to it, old enough)? */
static bool is_orphan(struct cg_ldap *l, const char *dn)
{
	struct berval dbv = { strlen(dn), (char *)dn };
	char *esc = cg_ldap_filter_value(&dbv), *filter = NULL;
	char *attrs[] = { "oathSecretTime", NULL };
	struct timeval tv = cg_ldap_timeout(l);
	LDAPMessage *res = NULL, *e;
	struct berval **v = NULL;
	struct cg_sigpipe g;
	int64_t made = 0;
	bool orphan = false;
	int rc;

	if (esc == NULL || asprintf(&filter, "(oathTOTPToken=%s)", esc) < 0) {
		ber_memfree(esc);
		return false;
	}
	cg_sigpipe_block(&g);
	l->ops += 2;
	rc = ldap_search_ext_s(l->ld, l->conf->user_base, LDAP_SCOPE_SUBTREE,
			       filter, attrs, 0, NULL, NULL, &tv, 1, &res);
	if (rc == LDAP_SUCCESS && ldap_count_entries(l->ld, res) == 0) {
		ldap_msgfree(res);
		res = NULL;
		rc = ldap_search_ext_s(l->ld, dn, LDAP_SCOPE_BASE,
				       "(objectClass=*)", attrs, 0, NULL, NULL,
				       &tv, 1, &res);
		e = rc == LDAP_SUCCESS ? ldap_first_entry(l->ld, res) : NULL;
		v = e != NULL ? ldap_get_values_len(l->ld, e, attrs[0]) : NULL;
		orphan = e != NULL && (v == NULL || v[0] == NULL ||
				       (cg_ldap_parse_time(v[0], &made) &&
					made + ORPHAN_AGE < time(NULL)));
	}
	cg_sigpipe_restore(&g);
	ldap_value_free_len(v);
	ldap_msgfree(res);
	free(filter);
	ber_memfree(esc);
	return orphan;
}

/* Add cn=NAME,token_base for st; *dn_out (may be NULL) gets its DN.  An
 * entry left there by an enrollment that died is replaced when
 * replace_orphan. */
static cg_err add_token(struct cg_ldap *l, const char *name,
			const struct cg_state *st, unsigned window,
			bool replace_orphan, char **dn_out)
{
	struct mods *ms = calloc(1, sizeof(*ms));
	char *rdn = cg_ldap_rdn_escape(name), *dn = NULL;
	cg_err r;

	if (ms == NULL || rdn == NULL ||
	    asprintf(&dn, "cn=%s,%s", rdn, l->conf->token_base) < 0) {
		dn = NULL;
		r = CG_E_NOMEM;
		goto out;
	}
	token_attrs(ms, name, dn, st, window);
	if (ms->full) {
		r = CG_E_TOOBIG;
		goto out;
	}
	r = add_entry(l, dn, ms->p);
	if (r == CG_E_CONFLICT && replace_orphan && is_orphan(l, dn) &&
	    delete_entry(l, dn) == CG_OK)
		r = add_entry(l, dn, ms->p);
	if (r == CG_OK && dn_out != NULL) {
		*dn_out = dn;
		dn = NULL;
	}
 out:
	if (ms != NULL) {
		cg_wipe(ms, sizeof(*ms));
		free(ms);
	}
	free(rdn);
	free(dn);
	return r;
}

cg_err cg_ldap_create_entry(struct cg_ldap *l, const char *name,
			    const struct cg_state *st, unsigned window)
{
	return add_token(l, name, st, window, false, NULL);
}

cg_err cg_ldap_delete(struct cg_ldap *l, const char *dn)
{
	return delete_entry(l, dn);
}

cg_err cg_ldap_create(struct cg_ldap *l, const char *user,
		      const char *user_dn, bool totp_user,
		      const struct cg_state *st, unsigned window)
{
	struct mods link;
	char *dn = NULL;
	cg_err r;

	if ((r = add_token(l, user, st, window, true, &dn)) != CG_OK)
		goto out;
	/* Link the user, asserting nobody linked a token meanwhile. */
	memset(&link, 0, sizeof(link));
	if (!totp_user) {
		mod_begin(&link, LDAP_MOD_ADD, CG_A_OBJECTCLASS);
		str(&link, "oathTOTPUser");
		mod_end(&link);
	}
	mod_begin_name(&link, LDAP_MOD_ADD, "oathTOTPToken");
	str(&link, dn);
	mod_end(&link);
	r = modify(l, user_dn, link.p, "(!(oathTOTPToken=*))", "link user");
	if (r != CG_OK) {
		char keep[CG_LDAP_WHY_MAX];

		memcpy(keep, l->why, sizeof(keep));
		(void)delete_entry(l, dn);      /* undo; an orphan at worst */
		memcpy(l->why, keep, sizeof(keep));
		if (r == CG_E_NOENT)
			r = CG_E_CONFLICT;      /* the user entry went away */
	}
 out:
	free(dn);
	return r;
}

cg_err cg_ldap_remove(struct cg_ldap *l, const char *user_dn,
		      const char *token_dn)
{
	struct mods ms;
	cg_err r;

	if (strcasecmp(user_dn, token_dn) == 0) {
		cg_ldap_setwhy(l, "%s is its own token: remove the OATH "
			       "attributes by hand", user_dn);
		return CG_E_INVAL;
	}
	memset(&ms, 0, sizeof(ms));
	mod_begin_name(&ms, LDAP_MOD_DELETE, "oathTOTPToken");
	str(&ms, token_dn);        /* by value: fails if it changed */
	mod_end(&ms);
	mod_begin(&ms, LDAP_MOD_DELETE, CG_A_OBJECTCLASS);
	str(&ms, "oathTOTPUser");
	mod_end(&ms);
	if ((r = modify(l, user_dn, ms.p, NULL, "unlink user")) != CG_OK)
		return r == CG_E_NOENT ? CG_E_CONFLICT : r;
	r = delete_entry(l, token_dn);
	return r == CG_E_NOENT ? CG_OK : r;
}

static cg_err list_add(char ***list, size_t *n, size_t *cap, const char *s)
{
	char **grown;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;

		if ((grown = reallocarray(*list, ncap, sizeof(*grown))) == NULL)
			return CG_E_NOMEM;
		*list = grown;
		*cap = ncap;
	}
	if (((*list)[*n] = strdup(s)) == NULL)
		return CG_E_NOMEM;
	(*n)++;
	return CG_OK;
}

/* One page of users with a token; *cookie says where the next starts. */
static cg_err list_page(struct cg_ldap *l, struct berval *cookie,
			char ***list, size_t *n, size_t *cap)
{
	char *attrs[] = { "uid", NULL };
	struct timeval tv = cg_ldap_timeout(l);
	LDAPControl *page = NULL, *ctrls[2] = { NULL, NULL }, **rctrls = NULL;
	LDAPMessage *res = NULL;
	struct cg_sigpipe g;
	ber_int_t count = 0;
	int rc, err = LDAP_SUCCESS;
	cg_err r = CG_OK;

	rc = ldap_create_page_control(l->ld, 500, cookie, 1, &page);
	if (rc != LDAP_SUCCESS)
		return cg_ldap_fail(l, "paged results control", rc);
	ctrls[0] = page;
	l->ops++;
	cg_sigpipe_block(&g);
	rc = ldap_search_ext_s(l->ld, l->conf->user_base, LDAP_SCOPE_SUBTREE,
			       "(oathTOTPToken=*)", attrs, 0, ctrls, NULL, &tv,
			       0, &res);
	cg_sigpipe_restore(&g);
	ldap_control_free(page);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return cg_ldap_fail(l, "search", rc);
	}
	for (LDAPMessage *e = ldap_first_entry(l->ld, res); e != NULL && r == CG_OK;
	     e = ldap_next_entry(l->ld, e)) {
		struct berval **v = ldap_get_values_len(l->ld, e, "uid");
		char name[CG_USER_MAX];

		if (v != NULL && v[0] != NULL && v[1] == NULL &&
		    v[0]->bv_len < sizeof(name)) {
			memcpy(name, v[0]->bv_val, v[0]->bv_len);
			name[v[0]->bv_len] = '\0';
			if (cg_user_name_valid(name))
				r = list_add(list, n, cap, name);
		}
		ldap_value_free_len(v);
	}
	ber_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	if (r == CG_OK &&
	    ldap_parse_result(l->ld, res, &err, NULL, NULL, NULL, &rctrls, 0) ==
	    LDAP_SUCCESS && rctrls != NULL) {
		LDAPControl *c = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS,
						   rctrls, NULL);

		if (c != NULL)
			(void)ldap_parse_pageresponse_control(l->ld, c, &count,
							      cookie);
	}
	ldap_controls_free(rctrls);
	ldap_msgfree(res);
	return r;
}

cg_err cg_ldap_list(struct cg_ldap *l, char ***users, size_t *n)
{
	struct berval cookie = { 0, NULL };
	char **list = NULL;
	size_t cnt = 0, cap = 0;
	cg_err r;

	*users = NULL;
	*n = 0;
	do {
		r = list_page(l, &cookie, &list, &cnt, &cap);
	} while (r == CG_OK && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	if (r != CG_OK) {
		for (size_t i = 0; i < cnt; i++)
			free(list[i]);
		free(list);
		return r;
	}
	*users = list;
	*n = cnt;
	return CG_OK;
}
