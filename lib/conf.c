/* The policy model: creation, lookup, cross-checks after every file is
 * read, freeing, and the diagnostics every error carries.  The text
 * format is parsed in conf_parse.c, files are read in conf_load.c. */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "conf_int.h"
#include "datetime.h"
#include "username.h"

struct cg_config *cg_config_new(void)
{
	struct cg_config *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	snprintf(cfg->defaults.state_dir, sizeof(cfg->defaults.state_dir),
		 "%s", CG_DEFAULT_STATE_DIR);
	snprintf(cfg->defaults.versions_dir,
		 sizeof(cfg->defaults.versions_dir), "%s",
		 CG_DEFAULT_VERSIONS_DIR);
	snprintf(cfg->defaults.host_key, sizeof(cfg->defaults.host_key),
		 "%s", CG_DEFAULT_HOST_KEY);
	cfg->defaults.window = 1;
	cfg->defaults.max_failures = 5;
	cfg->defaults.failure_window = 300;
	cfg->defaults.lockout = 900;
	cfg->defaults.grace = 0;
	snprintf(cfg->defaults.grace_dir, sizeof(cfg->defaults.grace_dir),
		 "%s", CG_DEFAULT_GRACE_DIR);
	cfg->defaults.self_enroll = false;
	cfg->defaults.issuer[0] = '\0';
	cfg->defaults.store = CG_STORE_FILES;
	cfg->ldap.timeout = 5;
	cfg->scan.min_length = CG_SCAN_MIN_LENGTH;
	cfg->scan.max_file_size = CG_SCAN_MAX_FILE_SIZE;
	return cfg;
}

static void role_clear(struct cg_role *role)
{
	for (size_t i = 0; i < role->nmembers; i++)
		free(role->members[i].name);
	free(role->members);
	free(role->name);
	free(role->file);
}

static void credential_clear(struct cg_credential *cred)
{
	for (size_t i = 0; i < cred->nroles; i++)
		free(cred->roles[i]);
	free(cred->roles);
	for (size_t i = 0; i < cred->napprovers; i++)
		free(cred->approvers[i]);
	free(cred->approvers);
	free(cred->name);
	free(cred->path);
	free(cred->description);
	free(cred->file);
	cg_conf_write_clear(&cred->write);
}

void cg_conf_free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

void cg_config_free(struct cg_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nroles; i++)
		role_clear(&cfg->roles[i]);
	free(cfg->roles);
	for (size_t i = 0; i < cfg->ncredentials; i++)
		credential_clear(&cfg->credentials[i]);
	free(cfg->credentials);
	free(cfg->defaults_file);
	cg_conf_ldap_clear(&cfg->ldap);
	cg_conf_free_list(cfg->scan.paths, cfg->scan.npaths);
	cg_conf_free_list(cfg->scan.exclude, cfg->scan.nexclude);
	free(cfg->scan.file);
	free(cfg);
}

const struct cg_role *cg_config_role(const struct cg_config *cfg,
				     const char *name)
{
	if (cfg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nroles; i++)
		if (strcmp(cfg->roles[i].name, name) == 0)
			return &cfg->roles[i];
	return NULL;
}

const struct cg_credential *cg_config_credential(const struct cg_config *cfg,
						 const char *name)
{
	if (cfg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->ncredentials; i++)
		if (strcmp(cfg->credentials[i].name, name) == 0)
			return &cfg->credentials[i];
	return NULL;
}

/* ASCII only, independent of the locale (the module runs in whatever
 * locale the PAM application set). */
static bool is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/* Letters, digits and `extra`; 1..max-1 bytes; not starting with '.' or
 * '-' (no hidden names, nothing that looks like an option). */
static bool name_valid(const char *name, size_t max, const char *extra)
{
	size_t n;

	if (name == NULL || name[0] == '\0' || name[0] == '.' ||
	    name[0] == '-')
		return false;
	for (n = 0; name[n] != '\0'; n++) {
		unsigned char c = (unsigned char)name[n];

		if (n >= max - 1)
			return false;
		if (!is_alnum(c) && strchr(extra, c) == NULL)
			return false;
	}
	return true;
}

bool cg_config_name_valid(const char *name)
{
	return name_valid(name, CG_NAME_MAX, "_.-");
}

bool cg_conf_member_name_valid(const char *name)
{
	return cg_user_name_valid(name);
}

bool cg_member_expired(const struct cg_member *m, int64_t now)
{
	return m != NULL && m->until != 0 && now >= m->until;
}

void cg_membership_note(char *buf, size_t sz, const char *who,
			const char *role, int64_t until, int64_t now)
{
	char when[CG_DATETIME_TEXT_MAX];

	if (buf == NULL || sz == 0)
		return;
	cg_datetime_format(until, when, sizeof(when));
	snprintf(buf, sz, "membership of %s in role %s %s on %s", who, role,
		 now >= until ? "expired" : "expires", when);
}

/* Required keys of a role: a role nobody can hold is a mistake. */
static cg_err validate_role(const struct cg_role *role, struct cg_diag *diag)
{
	if (role->nmembers == 0) {
		cg_conf_diag(diag, role->file, role->line,
			     "[role %s] has no 'members' (required)",
			     role->name);
		return CG_E_PARSE;
	}
	return CG_OK;
}

/* Every role of a list ("roles", "writers", "approvers") is defined
 * somewhere. */
static bool roles_defined(const struct cg_config *cfg,
			  const struct cg_credential *cred, char **roles,
			  size_t n, const char *key, unsigned line,
			  struct cg_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		if (cg_config_role(cfg, roles[i]) != NULL)
			continue;
		cg_conf_diag(diag, cred->file, line,
			     "[credential %s] names unknown role '%s' in "
			     "'%s' (no [role %s] in any file)",
			     cred->name, roles[i], key, roles[i]);
		return false;
	}
	return true;
}

/* Required keys of a credential, every role it names defined, approval
 * options only with approvals. */
static cg_err validate_credential(const struct cg_config *cfg,
				  const struct cg_credential *cred,
				  struct cg_diag *diag)
{
	if (cred->path == NULL) {
		cg_conf_diag(diag, cred->file, cred->line,
			     "[credential %s] has no 'path' (required)",
			     cred->name);
		return CG_E_PARSE;
	}
	if (cred->nroles == 0) {
		cg_conf_diag(diag, cred->file, cred->line,
			     "[credential %s] has no 'roles' (required)",
			     cred->name);
		return CG_E_PARSE;
	}
	if (!roles_defined(cfg, cred, cred->roles, cred->nroles, "roles",
			   cred->roles_line, diag) ||
	    !roles_defined(cfg, cred, cred->write.writers,
			   cred->write.nwriters, "writers",
			   cred->write.writers_line, diag) ||
	    !roles_defined(cfg, cred, cred->approvers, cred->napprovers,
			   "approvers", cred->approvers_line, diag))
		return CG_E_PARSE;
	/* approvers = ... without approvals would ask nobody: a quiet
	 * grant where the admin meant a second person. */
	if (cred->approvals == 0 && cred->approval_key != NULL) {
		cg_conf_diag(diag, cred->file, cred->approval_key_line,
			     "[credential %s] sets '%s' but not 'approvals' "
			     "(no approval would be asked for)", cred->name,
			     cred->approval_key);
		return CG_E_PARSE;
	}
	return CG_OK;
}

char *const *cg_credential_approvers(const struct cg_credential *cred,
				     size_t *n)
{
	if (cred->napprovers > 0) {
		*n = cred->napprovers;
		return cred->approvers;
	}
	*n = cred->nroles;
	return cred->roles;
}

cg_err cg_config_validate(const struct cg_config *cfg, struct cg_diag *diag)
{
	cg_err err;

	cg_conf_diag_clear(diag);
	if (cfg == NULL)
		return CG_E_INVAL;
	for (size_t i = 0; i < cfg->nroles; i++)
		if ((err = validate_role(&cfg->roles[i], diag)) != CG_OK)
			return err;
	for (size_t i = 0; i < cfg->ncredentials; i++) {
		err = validate_credential(cfg, &cfg->credentials[i], diag);
		if (err != CG_OK)
			return err;
	}
	return cg_conf_ldap_validate(cfg, diag);
}

void cg_conf_diag_clear(struct cg_diag *diag)
{
	if (diag == NULL)
		return;
	diag->file[0] = '\0';
	diag->line = 0;
	diag->message[0] = '\0';
}

void cg_conf_vdiag(struct cg_diag *diag, const char *file, unsigned line,
		   const char *fmt, va_list ap)
{
	if (diag == NULL)
		return;
	snprintf(diag->file, sizeof(diag->file), "%s",
		 file != NULL ? file : "");
	diag->line = line;
	vsnprintf(diag->message, sizeof(diag->message), fmt, ap);
}

void cg_conf_diag(struct cg_diag *diag, const char *file, unsigned line,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cg_conf_vdiag(diag, file, line, fmt, ap);
	va_end(ap);
}

static bool is_printable_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

void cg_conf_escape(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = 0, o = 0, room;
	const unsigned char *p;

	if (out == NULL || outsz == 0)
		return;
	if (s == NULL)
		s = "";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		need += is_printable_ascii(*p) ? 1 : 4;
	/* Cut only when it does not fit, and then leave room for "...". */
	room = need < outsz ? outsz - 1 : (outsz > 4 ? outsz - 4 : 0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		size_t w = is_printable_ascii(*p) ? 1 : 4;

		if (o + w > room)
			break;
		if (w == 1) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	if (need >= outsz && outsz > 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void cg_diag_format(const struct cg_diag *diag, char *buf, size_t sz)
{
	char file[PATH_MAX];

	if (buf == NULL || sz == 0)
		return;
	if (diag == NULL) {
		buf[0] = '\0';
		return;
	}
	/* The path came from an admin or a directory listing: keep the
	 * line printable whatever bytes it holds. */
	cg_conf_escape(diag->file, file, sizeof(file));
	if (file[0] != '\0' && diag->line != 0)
		snprintf(buf, sz, "%s:%u: %s", file, diag->line,
			 diag->message);
	else if (file[0] != '\0')
		snprintf(buf, sz, "%s: %s", file, diag->message);
	else
		snprintf(buf, sz, "%s", diag->message);
}
