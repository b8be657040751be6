/* The credgate.conf text format (see conf.h): lines, sections, keys and
 * values into struct cg_config.  Strict on purpose: anything this parser
 * is not sure about is an error naming file and line, so that a typo in a
 * policy denies loudly instead of granting quietly. */
#include "config.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "conf.h"
#include "conf_int.h"
#include "cg_macros.h"
#include "datetime.h"

enum section_kind { SEC_NONE, SEC_DEFAULTS, SEC_ROLE, SEC_CREDENTIAL, SEC_LDAP,
		    SEC_SCAN };

struct parser {
	struct cg_config *cfg;
	const char *file;
	unsigned line;
	struct cg_diag *diag;
	enum section_kind sec;
	size_t cur;             /* index of the role or credential being read */
	unsigned seen;          /* keys set in this section, bit = index */
};

typedef cg_err (*key_setter)(struct parser *p, const char *key, char *value);

struct key_def {
	const char *name;
	key_setter set;
};

static cg_err perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A content error at the current line. */
static cg_err perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_conf_vdiag(p->diag, p->file, p->line, fmt, ap);
	va_end(ap);
	return CG_E_PARSE;
}

static cg_err nomem(struct parser *p)
{
	cg_conf_diag(p->diag, p->file, p->line, "out of memory");
	return CG_E_NOMEM;
}

/* The escaped form of a user-supplied string, for one message. */
struct esc {
	char s[CG_CONF_ESC_MAX];
};

static const char *esc(struct esc *e, const char *s)
{
	cg_conf_escape(s, e->s, sizeof(e->s));
	return e->s;
}

/* A path for a message: its end says most ("credgate.d/10-mail.conf"),
 * so a long one loses its beginning. */
static const char *esc_path(struct esc *e, const char *path)
{
	size_t len = strlen(path), keep = sizeof(e->s) / 2;

	if (len <= keep) {
		cg_conf_escape(path, e->s, sizeof(e->s));
	} else {
		memcpy(e->s, "...", 3);
		cg_conf_escape(path + len - keep, e->s + 3,
			       sizeof(e->s) - 3);
	}
	return e->s;
}

/* "[defaults]", "[role ops]": the current section, for messages.  Names
 * were validated when the section began, so they are printable. */
static const char *section_label(const struct parser *p, char *buf,
				 size_t sz)
{
	switch (p->sec) {
	case SEC_DEFAULTS:
		snprintf(buf, sz, "[defaults]");
		break;
	case SEC_ROLE:
		snprintf(buf, sz, "[role %s]", p->cfg->roles[p->cur].name);
		break;
	case SEC_CREDENTIAL:
		snprintf(buf, sz, "[credential %s]",
			 p->cfg->credentials[p->cur].name);
		break;
	case SEC_LDAP:
		snprintf(buf, sz, "[ldap]");
		break;
	case SEC_SCAN:
		snprintf(buf, sz, "[scan]");
		break;
	default:
		snprintf(buf, sz, "(no section)");
		break;
	}
	return buf;
}

/* ---- values ---------------------------------------------------------- */

static cg_err set_number(struct parser *p, const char *key, const char *value,
			 bool duration, unsigned min, unsigned max,
			 unsigned *dst)
{
	uint64_t n = 0;
	struct esc e;

	switch (cg_conf_number(value, duration, &n)) {
	case CG_CONF_NUM_SYNTAX:
		return perr(p, "invalid value '%s' for '%s': expected %s",
			    esc(&e, value), key, duration ?
			    "seconds, or a number with suffix s, m or h" :
			    "a decimal number");
	case CG_CONF_NUM_RANGE:
		break;
	case CG_CONF_NUM_OK:
		if (n >= min && n <= max) {
			*dst = (unsigned)n;
			return CG_OK;
		}
		break;
	}
	return perr(p, "value '%s' for '%s' is out of range (%u..%u%s)",
		    esc(&e, value), key, min, max, duration ? " seconds" : "");
}

static cg_err set_bool(struct parser *p, const char *key, const char *value,
		       bool *dst)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };
	struct esc e;

	for (size_t i = 0; i < CG_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*dst = true;
			return CG_OK;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*dst = false;
			return CG_OK;
		}
	}
	return perr(p, "invalid value '%s' for '%s': expected yes or no",
		    esc(&e, value), key);
}

static cg_err check_abs_path(struct parser *p, const char *key,
			     const char *value)
{
	struct esc e;

	if (value[0] != '/')
		return perr(p, "'%s' must be an absolute path, not '%s'", key,
			    esc(&e, value));
	if (strlen(value) >= PATH_MAX)
		return perr(p, "'%s' is longer than %d bytes", key,
			    PATH_MAX - 1);
	return CG_OK;
}

static cg_err set_string(struct parser *p, const char *value, char **dst)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return nomem(p);
	free(*dst);
	*dst = copy;
	return CG_OK;
}

/* ---- [defaults] ------------------------------------------------------ */

static cg_err def_state_dir(struct parser *p, const char *key, char *value)
{
	struct cg_defaults *d = &p->cfg->defaults;
	cg_err err;

	if ((err = check_abs_path(p, key, value)) != CG_OK)
		return err;
	snprintf(d->state_dir, sizeof(d->state_dir), "%s", value);
	return CG_OK;
}

static cg_err def_versions_dir(struct parser *p, const char *key,
			       char *value)
{
	struct cg_defaults *d = &p->cfg->defaults;
	cg_err err;

	if ((err = check_abs_path(p, key, value)) != CG_OK)
		return err;
	snprintf(d->versions_dir, sizeof(d->versions_dir), "%s", value);
	return CG_OK;
}

static cg_err def_host_key(struct parser *p, const char *key, char *value)
{
	struct cg_defaults *d = &p->cfg->defaults;
	cg_err err;

	if ((err = check_abs_path(p, key, value)) != CG_OK)
		return err;
	snprintf(d->host_key, sizeof(d->host_key), "%s", value);
	return CG_OK;
}

static cg_err def_window(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, false, 0, 10,
			  &p->cfg->defaults.window);
}

static cg_err def_max_failures(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, false, 1, 1000,
			  &p->cfg->defaults.max_failures);
}

static cg_err def_failure_window(struct parser *p, const char *key,
				 char *value)
{
	return set_number(p, key, value, true, 1, 86400,
			  &p->cfg->defaults.failure_window);
}

static cg_err def_lockout(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, true, 0, 604800,
			  &p->cfg->defaults.lockout);
}

static cg_err def_grace(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, true, 0, 86400,
			  &p->cfg->defaults.grace);
}

static cg_err def_grace_dir(struct parser *p, const char *key, char *value)
{
	struct cg_defaults *d = &p->cfg->defaults;
	cg_err err;

	if ((err = check_abs_path(p, key, value)) != CG_OK)
		return err;
	snprintf(d->grace_dir, sizeof(d->grace_dir), "%s", value);
	return CG_OK;
}

static cg_err def_self_enroll(struct parser *p, const char *key, char *value)
{
	return set_bool(p, key, value, &p->cfg->defaults.self_enroll);
}

static cg_err def_issuer(struct parser *p, const char *key, char *value)
{
	struct cg_defaults *d = &p->cfg->defaults;

	if (strlen(value) >= sizeof(d->issuer))
		return perr(p, "'%s' is longer than %zu bytes", key,
			    sizeof(d->issuer) - 1);
	snprintf(d->issuer, sizeof(d->issuer), "%s", value);
	return CG_OK;
}

static cg_err def_store(struct parser *p, const char *key, char *value)
{
	struct cg_config *cfg = p->cfg;
	struct esc e;

	if (strcmp(value, "files") == 0)
		cfg->defaults.store = CG_STORE_FILES;
	else if (strcmp(value, "ldap") == 0)
		cfg->defaults.store = CG_STORE_LDAP;
	else
		return perr(p, "invalid value '%s' for '%s': expected files "
			    "or ldap", esc(&e, value), key);
	free(cfg->ldap.store_file);
	if ((cfg->ldap.store_file = strdup(p->file)) == NULL)
		return nomem(p);
	cfg->ldap.store_line = p->line;
	return CG_OK;
}

static const struct key_def defaults_keys[] = {
	{ "state_dir", def_state_dir },
	{ "host_key", def_host_key },
	{ "window", def_window },
	{ "max_failures", def_max_failures },
	{ "failure_window", def_failure_window },
	{ "lockout", def_lockout },
	{ "grace", def_grace },
	{ "grace_dir", def_grace_dir },
	{ "self_enroll", def_self_enroll },
	{ "issuer", def_issuer },
	{ "store", def_store },
	{ "versions_dir", def_versions_dir },
};

/* ---- [role NAME] ----------------------------------------------------- */

/* "alice", "%ops", "!mallory", "!%contractors", each alone; an
 * inclusion may add "until DATE".  item is cut into words in place. */
static cg_err parse_member(struct parser *p, const char *key, char *item,
			   struct cg_member *m)
{
	char shown[CG_CONF_ESC_MAX], *word[4], *cursor = item;
	const char *name, *why = NULL;
	size_t nword = 0;
	struct esc e;

	if (item[0] == '\0')
		return perr(p, "empty item in '%s' (stray comma?)", key);
	cg_conf_escape(item, shown, sizeof(shown));
	while (nword < 4 && (word[nword] = cg_conf_next_word(&cursor)) != NULL)
		nword++;
	name = word[0];
	m->exclude = name[0] == '!';
	if (m->exclude)
		name++;
	m->kind = name[0] == '%' ? CG_MEMBER_GROUP : CG_MEMBER_USER;
	if (m->kind == CG_MEMBER_GROUP)
		name++;
	if (nword == 4 && strcmp(word[1], "until") == 0)
		return perr(p, "'%s' in '%s': text after the date (zone names "
			    "are not supported; give Z or an offset such as "
			    "+01:00)", shown, key);
	if ((nword != 1 && (nword != 3 || strcmp(word[1], "until") != 0)) ||
	    !cg_conf_member_name_valid(name))
		return perr(p, "invalid member '%s' in '%s': expected user, "
			    "%%group, !user or !%%group, optionally followed "
			    "by 'until DATE'", shown, key);
	if (nword == 3 && m->exclude)
		return perr(p, "'%s' in '%s': an exclusion cannot expire "
			    "(only members take 'until')", shown, key);
	if (nword == 3 && !cg_datetime_parse(word[2], &m->until, &why))
		return perr(p, "invalid date '%s' in '%s' (%s): expected "
			    "YYYY-MM-DD[Thh:mm[:ss]][Z|+hh:mm]",
			    esc(&e, word[2]), key, why);
	m->line = p->line;
	m->name = strdup(name);
	return m->name == NULL ? nomem(p) : CG_OK;
}

static void free_members(struct cg_member *members, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(members[i].name);
	free(members);
}

static cg_err role_members(struct parser *p, const char *key, char *value)
{
	struct cg_role *role = &p->cfg->roles[p->cur];
	struct cg_member *members;
	size_t n = 0;
	char *cursor = value, *item;
	cg_err err = CG_OK;

	members = calloc(cg_conf_count_items(value), sizeof(*members));
	if (members == NULL)
		return nomem(p);
	while ((item = cg_conf_next_item(&cursor)) != NULL) {
		if ((err = parse_member(p, key, item, &members[n])) != CG_OK)
			goto out;
		n++;
	}
	role->members = members;
	role->nmembers = n;
	members = NULL;
	n = 0;
 out:
	free_members(members, n);
	return err;
}

static const struct key_def role_keys[] = {
	{ "members", role_members },
};

/* ---- [credential NAME] ----------------------------------------------- */

static struct cg_credential *current_credential(struct parser *p)
{
	return &p->cfg->credentials[p->cur];
}

static cg_err cred_path(struct parser *p, const char *key, char *value)
{
	cg_err err;

	if ((err = check_abs_path(p, key, value)) != CG_OK)
		return err;
	return set_string(p, value, &current_credential(p)->path);
}

/* A list of role names ("roles", "writers", "approvers").  Syntax only here: whether
 * each role exists is known once every file is read (cg_config_validate),
 * so the line is kept for that message. */
static cg_err role_list(struct parser *p, const char *key, char *value,
			char ***out, size_t *nout, unsigned *line)
{
	char **roles, *cursor = value, *item;
	size_t n = 0;
	cg_err err = CG_OK;
	struct esc e;

	roles = calloc(cg_conf_count_items(value), sizeof(*roles));
	if (roles == NULL)
		return nomem(p);
	while ((item = cg_conf_next_item(&cursor)) != NULL) {
		if (item[0] == '\0') {
			err = perr(p, "empty item in '%s' (stray comma?)", key);
			goto out;
		}
		if (!cg_config_name_valid(item)) {
			err = perr(p, "invalid role name '%s' in '%s'",
				   esc(&e, item), key);
			goto out;
		}
		if ((roles[n] = strdup(item)) == NULL) {
			err = nomem(p);
			goto out;
		}
		n++;
	}
	*out = roles;
	*nout = n;
	*line = p->line;
	roles = NULL;
	n = 0;
 out:
	cg_conf_free_list(roles, n);
	return err;
}

static cg_err cred_roles(struct parser *p, const char *key, char *value)
{
	struct cg_credential *cred = current_credential(p);

	return role_list(p, key, value, &cred->roles, &cred->nroles,
			 &cred->roles_line);
}

/* ---- writing it (values checked in conf_write.c) ---------------------- */

static cg_err cred_writers(struct parser *p, const char *key, char *value)
{
	struct cg_cred_write *w = &current_credential(p)->write;

	return role_list(p, key, value, &w->writers, &w->nwriters,
			 &w->writers_line);
}

static cg_err cred_keep(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, false, 0, 100,
			  &current_credential(p)->write.keep);
}

static cg_err cred_on_change_timeout(struct parser *p, const char *key,
				     char *value)
{
	return set_number(p, key, value, true, 1, 3600,
			  &current_credential(p)->write.on_change_timeout);
}

static cg_err cred_write_value(struct parser *p, const char *key,
			       char *value)
{
	char why[sizeof(p->diag->message)];
	cg_err err;

	err = cg_conf_write_set(&current_credential(p)->write, key, value,
				why, sizeof(why));
	if (err == CG_E_NOMEM)
		return nomem(p);
	return err == CG_OK ? CG_OK : perr(p, "%s", why);
}

/* ---- two-person approval (request.h) ---------------------------------- */

/* approvers, approval_ttl, approval_uses mean nothing without
 * approvals: remember the first for cg_config_validate's message. */
static void note_approval_key(struct parser *p, const char *key)
{
	struct cg_credential *cred = current_credential(p);

	if (cred->approval_key != NULL)
		return;
	cred->approval_key = key;
	cred->approval_key_line = p->line;
}

static cg_err cred_approvals(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, false, 0, CG_APPROVALS_MAX,
			  &current_credential(p)->approvals);
}

static cg_err cred_approvers(struct parser *p, const char *key, char *value)
{
	struct cg_credential *cred = current_credential(p);

	note_approval_key(p, "approvers");
	return role_list(p, key, value, &cred->approvers, &cred->napprovers,
			 &cred->approvers_line);
}

static cg_err cred_approval_ttl(struct parser *p, const char *key,
				char *value)
{
	note_approval_key(p, "approval_ttl");
	return set_number(p, key, value, true, 1, CG_APPROVAL_TTL_MAX,
			  &current_credential(p)->approval_ttl);
}

static cg_err cred_approval_uses(struct parser *p, const char *key,
				 char *value)
{
	note_approval_key(p, "approval_uses");
	return set_number(p, key, value, false, 1, CG_APPROVAL_USES_MAX,
			  &current_credential(p)->approval_uses);
}

static cg_err cred_description(struct parser *p, const char *key, char *value)
{
	return set_string(p, value, &current_credential(p)->description);
}

static cg_err cred_grace(struct parser *p, const char *key, char *value)
{
	unsigned grace = 0;
	cg_err err;

	if ((err = set_number(p, key, value, true, 0, 86400, &grace)) != CG_OK)
		return err;
	current_credential(p)->grace = (int)grace;
	return CG_OK;
}

static cg_err cred_require_totp(struct parser *p, const char *key,
				char *value)
{
	return set_bool(p, key, value, &current_credential(p)->require_totp);
}

static const struct key_def credential_keys[] = {
	{ "path", cred_path },
	{ "roles", cred_roles },
	{ "description", cred_description },
	{ "grace", cred_grace },
	{ "require_totp", cred_require_totp },
	{ "writers", cred_writers },
	{ "keep", cred_keep },
	{ "max_size", cred_write_value },
	{ "format", cred_write_value },
	{ "on_change", cred_write_value },
	{ "on_change_timeout", cred_on_change_timeout },
	{ "owner", cred_write_value },
	{ "group", cred_write_value },
	{ "mode", cred_write_value },
	{ "approvals", cred_approvals },
	{ "approvers", cred_approvers },
	{ "approval_ttl", cred_approval_ttl },
	{ "approval_uses", cred_approval_uses },
};

/* ---- [ldap] (values checked in conf_ldap.c) --------------------------- */

static cg_err ldap_value(struct parser *p, const char *key, char *value)
{
	char why[sizeof(p->diag->message)];
	cg_err err;

	err = cg_conf_ldap_set(&p->cfg->ldap, key, value, p->line, why,
			       sizeof(why));
	if (err == CG_E_NOMEM)
		return nomem(p);
	return err == CG_OK ? CG_OK : perr(p, "%s", why);
}

static cg_err ldap_timeout(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, true, 1, 60, &p->cfg->ldap.timeout);
}

static const struct key_def ldap_keys[] = {
	{ "uri", ldap_value },
	{ "tls", ldap_value },
	{ "ca_file", ldap_value },
	{ "bind_dn", ldap_value },
	{ "bind_password_file", ldap_value },
	{ "user_base", ldap_value },
	{ "token_base", ldap_value },
	{ "timeout", ldap_timeout },
	{ "local_users", ldap_value },
};

/* ---- [scan] ---------------------------------------------------------- */

/* A size: decimal digits and at most one suffix K, M or G (powers of
 * 1024, either case). */
static cg_err set_size(struct parser *p, const char *key, const char *value,
		       uint64_t max, uint64_t *dst)
{
	uint64_t v = 0;
	struct esc e;

	switch (cg_conf_size(value, &v)) {
	case CG_CONF_NUM_SYNTAX:
		return perr(p, "invalid value '%s' for '%s': expected bytes, "
			    "or a number with suffix K, M or G",
			    esc(&e, value), key);
	case CG_CONF_NUM_OK:
		if (v >= 1 && v <= max) {
			*dst = v;
			return CG_OK;
		}
		break;
	case CG_CONF_NUM_RANGE:
		break;
	}
	return perr(p, "value '%s' for '%s' is out of range (1..%lluG)",
		    esc(&e, value), key, (unsigned long long)(max >> 30));
}

typedef cg_err (*item_check)(struct parser *p, const char *key,
			     const char *item);

/* A comma-separated list, each item checked, into a new array. */
static cg_err set_list(struct parser *p, const char *key, char *value,
		       item_check check, char ***dst, size_t *ndst)
{
	char **items, *cursor = value, *item;
	size_t n = 0;
	cg_err err = CG_OK;

	if ((items = calloc(cg_conf_count_items(value), sizeof(*items))) == NULL)
		return nomem(p);
	while ((item = cg_conf_next_item(&cursor)) != NULL) {
		if (item[0] == '\0') {
			err = perr(p, "empty item in '%s' (stray comma?)", key);
			goto out;
		}
		if ((err = check(p, key, item)) != CG_OK)
			goto out;
		if ((items[n] = strdup(item)) == NULL) {
			err = nomem(p);
			goto out;
		}
		n++;
	}
	*dst = items;
	*ndst = n;
	items = NULL;
	n = 0;
 out:
	cg_conf_free_list(items, n);
	return err;
}

static cg_err check_scan_path(struct parser *p, const char *key,
			      const char *item)
{
	return check_abs_path(p, key, item);
}

/* Absolute paths, or patterns; a pattern without '/' matches a name. */
static cg_err check_exclude(struct parser *p, const char *key,
			    const char *item)
{
	struct esc e;

	if (strchr(item, '/') != NULL && item[0] != '/')
		return perr(p, "'%s' in '%s' must be an absolute path or "
			    "pattern, or a name without '/'",
			    esc(&e, item), key);
	if (strlen(item) >= PATH_MAX)
		return perr(p, "'%s' is longer than %d bytes", key,
			    PATH_MAX - 1);
	return CG_OK;
}

static cg_err scan_paths(struct parser *p, const char *key, char *value)
{
	struct cg_scan_conf *sc = &p->cfg->scan;

	return set_list(p, key, value, check_scan_path, &sc->paths,
			&sc->npaths);
}

static cg_err scan_exclude(struct parser *p, const char *key, char *value)
{
	struct cg_scan_conf *sc = &p->cfg->scan;

	return set_list(p, key, value, check_exclude, &sc->exclude,
			&sc->nexclude);
}

static cg_err scan_min_length(struct parser *p, const char *key, char *value)
{
	return set_number(p, key, value, false, 4, 4096,
			  &p->cfg->scan.min_length);
}

static cg_err scan_max_file_size(struct parser *p, const char *key,
				 char *value)
{
	return set_size(p, key, value, CG_SCAN_MAX_FILE_SIZE_LIMIT,
			&p->cfg->scan.max_file_size);
}

static const struct key_def scan_keys[] = {
	{ "paths", scan_paths },
	{ "exclude", scan_exclude },
	{ "min_length", scan_min_length },
	{ "max_file_size", scan_max_file_size },
};

/* ---- sections -------------------------------------------------------- */

static cg_err begin_scan(struct parser *p)
{
	struct cg_config *cfg = p->cfg;
	struct esc e;

	if (cfg->scan.file != NULL)
		return perr(p, "duplicate section [scan] (first at %s:%u)",
			    esc_path(&e, cfg->scan.file), cfg->scan.line);
	if ((cfg->scan.file = strdup(p->file)) == NULL)
		return nomem(p);
	cfg->scan.line = p->line;
	p->sec = SEC_SCAN;
	return CG_OK;
}

static cg_err begin_defaults(struct parser *p)
{
	struct cg_config *cfg = p->cfg;
	struct esc e;

	if (cfg->defaults_file != NULL)
		return perr(p, "duplicate section [defaults] (first at %s:%u)",
			    esc_path(&e, cfg->defaults_file),
			    cfg->defaults_line);
	if ((cfg->defaults_file = strdup(p->file)) == NULL)
		return nomem(p);
	cfg->defaults_line = p->line;
	p->sec = SEC_DEFAULTS;
	return CG_OK;
}

static cg_err begin_ldap(struct parser *p)
{
	struct cg_ldap_conf *l = &p->cfg->ldap;
	struct esc e;

	if (l->file != NULL)
		return perr(p, "duplicate section [ldap] (first at %s:%u)",
			    esc_path(&e, l->file), l->line);
	if ((l->file = strdup(p->file)) == NULL)
		return nomem(p);
	l->line = p->line;
	p->sec = SEC_LDAP;
	return CG_OK;
}

static cg_err begin_role(struct parser *p, const char *name)
{
	struct cg_config *cfg = p->cfg;
	const struct cg_role *prev = cg_config_role(cfg, name);
	struct cg_role *roles, role = { 0 };
	struct esc e;

	if (prev != NULL)
		return perr(p, "duplicate section [role %s] (first at %s:%u)",
			    name, esc_path(&e, prev->file), prev->line);
	roles = reallocarray(cfg->roles, cfg->nroles + 1, sizeof(*roles));
	if (roles == NULL)
		return nomem(p);
	cfg->roles = roles;
	role.name = strdup(name);
	role.file = strdup(p->file);
	role.line = p->line;
	if (role.name == NULL || role.file == NULL) {
		free(role.name);
		free(role.file);
		return nomem(p);
	}
	p->cur = cfg->nroles;
	cfg->roles[cfg->nroles++] = role;
	p->sec = SEC_ROLE;
	return CG_OK;
}

static cg_err begin_credential(struct parser *p, const char *name)
{
	struct cg_config *cfg = p->cfg;
	const struct cg_credential *prev = cg_config_credential(cfg, name);
	struct cg_credential *creds, cred = { 0 };
	struct esc e;

	if (prev != NULL)
		return perr(p, "duplicate section [credential %s] "
			    "(first at %s:%u)", name, esc_path(&e, prev->file),
			    prev->line);
	creds = reallocarray(cfg->credentials, cfg->ncredentials + 1,
			     sizeof(*creds));
	if (creds == NULL)
		return nomem(p);
	cfg->credentials = creds;
	cred.name = strdup(name);
	cred.file = strdup(p->file);
	cred.line = p->line;
	cred.grace = -1;
	cred.require_totp = true;
	cg_conf_write_init(&cred.write);
	cred.approval_ttl = CG_APPROVAL_TTL_DEFAULT;
	cred.approval_uses = 1;
	if (cred.name == NULL || cred.file == NULL) {
		free(cred.name);
		free(cred.file);
		return nomem(p);
	}
	p->cur = cfg->ncredentials;
	cfg->credentials[cfg->ncredentials++] = cred;
	p->sec = SEC_CREDENTIAL;
	return CG_OK;
}

/* "[kind]" or "[kind NAME]"; s is trimmed and starts with '['. */
static cg_err parse_section(struct parser *p, char *s)
{
	char *end = strchr(s, ']'), *tok[3], *cursor;
	size_t ntok = 0;
	bool role;
	struct esc e;

	if (end == NULL)
		return perr(p, "unterminated section header (missing ']')");
	if (end[1] != '\0')
		return perr(p, "unexpected text after ']' in section header");
	*end = '\0';
	cursor = s + 1;
	while (ntok < 3 && (tok[ntok] = cg_conf_next_word(&cursor)) != NULL)
		ntok++;
	p->seen = 0;
	p->sec = SEC_NONE;      /* until the header is known to be good */
	if (ntok == 0)
		return perr(p, "empty section header '[]'");
	if (strcmp(tok[0], "defaults") == 0) {
		if (ntok != 1)
			return perr(p, "[defaults] takes no name");
		return begin_defaults(p);
	}
	if (strcmp(tok[0], "ldap") == 0) {
		if (ntok != 1)
			return perr(p, "[ldap] takes no name");
		return begin_ldap(p);
	}
	if (strcmp(tok[0], "scan") == 0) {
		if (ntok != 1)
			return perr(p, "[scan] takes no name");
		return begin_scan(p);
	}
	role = strcmp(tok[0], "role") == 0;
	if (!role && strcmp(tok[0], "credential") != 0)
		return perr(p, "unknown section [%s]: expected [defaults], "
			    "[ldap], [scan], [role NAME] or [credential NAME]",
			    esc(&e, tok[0]));
	if (ntok == 1)
		return perr(p, "[%s] needs a name: [%s NAME]", tok[0], tok[0]);
	if (ntok > 2)
		return perr(p, "[%s NAME] takes exactly one name", tok[0]);
	if (!cg_config_name_valid(tok[1]))
		return perr(p, "invalid %s name '%s' (1..%d of A-Z a-z 0-9 _ "
			    ". -, not starting with '.' or '-')", tok[0],
			    esc(&e, tok[1]), CG_NAME_MAX - 1);
	return role ? begin_role(p, tok[1]) : begin_credential(p, tok[1]);
}

/* ---- key = value ----------------------------------------------------- */

static const struct key_def *section_keys(enum section_kind sec, size_t *n)
{
	switch (sec) {
	case SEC_DEFAULTS:
		*n = CG_ARRAY_SIZE(defaults_keys);
		return defaults_keys;
	case SEC_ROLE:
		*n = CG_ARRAY_SIZE(role_keys);
		return role_keys;
	case SEC_CREDENTIAL:
		*n = CG_ARRAY_SIZE(credential_keys);
		return credential_keys;
	case SEC_LDAP:
		*n = CG_ARRAY_SIZE(ldap_keys);
		return ldap_keys;
	case SEC_SCAN:
		*n = CG_ARRAY_SIZE(scan_keys);
		return scan_keys;
	default:
		*n = 0;
		return NULL;
	}
}

static cg_err parse_assignment(struct parser *p, char *s)
{
	char *eq = strchr(s, '='), *key, *value, label[CG_NAME_MAX + 16];
	const struct key_def *keys;
	size_t nkeys, i;
	struct esc e;

	if (eq == NULL)
		return perr(p, "expected 'key = value', a [section] header "
			    "or a comment");
	*eq = '\0';
	key = cg_conf_trim(s);
	value = cg_conf_trim(eq + 1);
	if (key[0] == '\0')
		return perr(p, "missing key before '='");
	if (p->sec == SEC_NONE)
		return perr(p, "key '%s' outside any section (expected "
			    "[defaults], [role NAME] or [credential NAME] "
			    "first)", esc(&e, key));
	keys = section_keys(p->sec, &nkeys);
	for (i = 0; i < nkeys && strcmp(keys[i].name, key) != 0; i++)
		;
	if (i == nkeys)
		return perr(p, "unknown key '%s' in %s", esc(&e, key),
			    section_label(p, label, sizeof(label)));
	if (p->seen & (1u << i))
		return perr(p, "duplicate key '%s' in %s", key,
			    section_label(p, label, sizeof(label)));
	if (value[0] == '\0')
		return perr(p, "empty value for '%s'", key);
	p->seen |= 1u << i;
	return keys[i].set(p, key, value);
}

/* ---- lines ----------------------------------------------------------- */

static cg_err parse_line(struct parser *p, const char *text, size_t n)
{
	char buf[CG_CONFIG_LINE_MAX + 1], *s;
	size_t where = 0;

	if (n > CG_CONFIG_LINE_MAX)
		return perr(p, "line too long (more than %d bytes)",
			    CG_CONFIG_LINE_MAX);
	switch (cg_conf_check_text((const unsigned char *)text, n, &where)) {
	case CG_CONF_TEXT_NUL:
		return perr(p, "NUL byte at column %zu", where + 1);
	case CG_CONF_TEXT_CONTROL:
		return perr(p, "control character at column %zu (only tab "
			    "is allowed)", where + 1);
	case CG_CONF_TEXT_UTF8:
		return perr(p, "invalid UTF-8 at column %zu", where + 1);
	case CG_CONF_TEXT_OK:
		break;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	s = cg_conf_trim(buf);
	if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
		return CG_OK;
	if (s[0] == '[')
		return parse_section(p, s);
	return parse_assignment(p, s);
}

cg_err cg_config_parse_buffer(struct cg_config *cfg, const char *file,
			      const char *text, size_t len,
			      struct cg_diag *diag)
{
	struct parser p = { .cfg = cfg, .file = file, .diag = diag };
	const char *line;
	size_t pos = 0, n;
	cg_err err;

	cg_conf_diag_clear(diag);
	if (cfg == NULL || file == NULL || (text == NULL && len > 0)) {
		cg_conf_diag(diag, file, 0, "invalid arguments");
		return CG_E_INVAL;
	}
	while (cg_conf_next_line(text, len, &pos, &line, &n)) {
		if (p.line == UINT_MAX)
			return perr(&p, "too many lines");
		p.line++;
		if ((err = parse_line(&p, line, n)) != CG_OK)
			return err;
	}
	return CG_OK;
}
