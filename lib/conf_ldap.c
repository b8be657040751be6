/* The [ldap] section of credgate.conf (the fleet store) and "store =":
 * what each value may be, and what must hold once every file is read.
 * The line and section mechanics are conf_parse.c's.
 *
 *   uri = ldaps://ldap1.example.org ldap://ldap2.example.org:389
 *         one or more, separated by blanks or commas, tried in order;
 *         scheme ldap:// or ldaps://, a host name, IPv4 address or
 *         [IPv6] address, an optional port, nothing after an optional
 *         "/" (no DN, attributes or extensions in the URI)
 *   tls = starttls | none      for ldap:// URIs (ldaps:// is always TLS);
 *         none only when every ldap:// URI names a loopback host
 *         (localhost, 127.0.0.0/8, [::1])
 *   ca_file, bind_password_file   absolute paths; ca_file is required
 *         whenever a connection uses TLS
 *   bind_dn, user_base, token_base   DNs (contain '=', at most
 *         CG_LDAP_DN_MAX bytes); all three required
 *   timeout = 5                seconds (suffix s/m allowed), 1..60
 *   local_users = a, b         break-glass users kept in the files store
 *
 * A second [ldap] is an error, as is "store = ldap" without [ldap]. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cg_macros.h"
#include "conf.h"
#include "conf_int.h"
#include "username.h"

#define URI_MAX 16
#define URI_LEN_MAX 512

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 127.D.D.D with each D 0..255, no leading zeros beyond "0". */
static bool is_ipv4_loopback(const char *h, size_t n)
{
	unsigned parts = 0, val = 0, digits = 0;

	if (n < 9 || strncmp(h, "127.", 4) != 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (digits == 0 || val > 255)
				return false;
			parts++;
			val = digits = 0;
			continue;
		}
		if (!is_digit(h[i]) || (digits == 1 && val == 0))
			return false;
		val = val * 10 + (unsigned)(h[i] - '0');
		digits++;
	}
	return parts == 4;
}

static bool host_is_loopback(const char *h, size_t n)
{
	return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
	       (n == 5 && memcmp(h, "[::1]", 5) == 0) ||
	       is_ipv4_loopback(h, n);
}

/* The host part: [IPv6] or letters, digits, '.', '-' (names and IPv4). */
static size_t host_len(const char *s)
{
	size_t n = 0;

	if (s[0] == '[') {
		while (s[++n] != '\0' && s[n] != ']')
			if (!is_digit(s[n]) && strchr("abcdefABCDEF:.", s[n]) == NULL)
				return 0;
		return s[n] == ']' && n > 1 ? n + 1 : 0;
	}
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       is_digit(s[n]) || s[n] == '.' || s[n] == '-')
		n++;
	return n;
}

/* One URI; *ldaps and *loopback describe it.  NULL when fine, else why. */
static const char *uri_check(const char *u, bool *ldaps, bool *loopback)
{
	const char *h;
	size_t hn;

	if (strlen(u) > URI_LEN_MAX)
		return "too long";
	if (strncasecmp(u, "ldap://", 7) == 0) {
		*ldaps = false;
		h = u + 7;
	} else if (strncasecmp(u, "ldaps://", 8) == 0) {
		*ldaps = true;
		h = u + 8;
	} else {
		return "expected ldap://HOST or ldaps://HOST";
	}
	if ((hn = host_len(h)) == 0)
		return "missing or malformed host";
	*loopback = host_is_loopback(h, hn);
	h += hn;
	if (*h == ':') {
		unsigned long port = 0;
		size_t d = 0;

		while (is_digit(h[1 + d]) && d < 6)
			port = port * 10 + (unsigned long)(h[1 + d++] - '0');
		if (d == 0 || d > 5 || port == 0 || port > 65535)
			return "bad port";
		h += 1 + d;
	}
	if (*h == '/')
		h++;
	return *h == '\0' ? NULL :
		"unexpected text after the host (no DN or options in a URI)";
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Split on blanks and commas into a fresh list of checked URIs. */
static cg_err set_uris(struct cg_ldap_conf *l, const char *value, char *why,
		       size_t whysz)
{
	char **uris = calloc(URI_MAX, sizeof(*uris)), esc[CG_CONF_ESC_MAX];
	const char *p = value, *bad;
	size_t n = 0;
	cg_err err = CG_E_PARSE;

	if (uris == NULL)
		return CG_E_NOMEM;
	while (*p != '\0') {
		size_t len = strcspn(p, " \t,");
		bool ldaps, loop;

		if (len == 0) {
			p++;
			continue;
		}
		if (n == URI_MAX) {
			snprintf(why, whysz, "more than %d URIs in 'uri'", URI_MAX);
			goto out;
		}
		if ((uris[n] = strndup(p, len)) == NULL) {
			err = CG_E_NOMEM;
			goto out;
		}
		if ((bad = uri_check(uris[n], &ldaps, &loop)) != NULL) {
			cg_conf_escape(uris[n], esc, sizeof(esc));
			snprintf(why, whysz, "invalid URI '%s' in 'uri': %s",
				 esc, bad);
			n++;
			goto out;
		}
		n++;
		p += len;
	}
	if (n == 0) {
		snprintf(why, whysz, "no URI in 'uri'");
		goto out;
	}
	free_list(l->uris, l->nuris);
	l->uris = uris;
	l->nuris = n;
	uris = NULL;
	n = 0;
	err = CG_OK;
 out:
	free_list(uris, n);
	return err;
}

static cg_err set_dn(char **dst, const char *key, const char *value,
		     char *why, size_t whysz)
{
	if (strchr(value, '=') == NULL || strlen(value) > CG_LDAP_DN_MAX) {
		snprintf(why, whysz, "'%s' must be a DN such as "
			 "ou=people,dc=example,dc=org (at most %d bytes)",
			 key, CG_LDAP_DN_MAX);
		return CG_E_PARSE;
	}
	free(*dst);
	return (*dst = strdup(value)) == NULL ? CG_E_NOMEM : CG_OK;
}

static cg_err set_path(char **dst, const char *key, const char *value,
		       char *why, size_t whysz)
{
	if (value[0] != '/' || strlen(value) >= PATH_MAX) {
		snprintf(why, whysz, "'%s' must be an absolute path (at most "
			 "%d bytes)", key, PATH_MAX - 1);
		return CG_E_PARSE;
	}
	free(*dst);
	return (*dst = strdup(value)) == NULL ? CG_E_NOMEM : CG_OK;
}

static cg_err set_local_users(struct cg_ldap_conf *l, const char *value,
			      char *why, size_t whysz)
{
	size_t cap = 1, n = 0;
	char **users, esc[CG_CONF_ESC_MAX];
	const char *p = value;
	cg_err err = CG_E_PARSE;

	for (const char *c = value; *c != '\0'; c++)
		cap += *c == ',';
	if ((users = calloc(cap, sizeof(*users))) == NULL)
		return CG_E_NOMEM;
	for (;;) {
		size_t len = strcspn(p, ","), b = 0, e = len;

		while (b < e && (p[b] == ' ' || p[b] == '\t'))
			b++;
		while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if ((users[n] = strndup(p + b, e - b)) == NULL) {
			err = CG_E_NOMEM;
			goto out;
		}
		if (!cg_user_name_valid(users[n++])) {
			cg_conf_escape(users[n - 1], esc, sizeof(esc));
			snprintf(why, whysz, "invalid user name '%s' in "
				 "'local_users'%s", esc, e == b ?
				 " (stray comma?)" : "");
			goto out;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	free_list(l->local_users, l->nlocal_users);
	l->local_users = users;
	l->nlocal_users = n;
	users = NULL;
	n = 0;
	err = CG_OK;
 out:
	free_list(users, n);
	return err;
}

cg_err cg_conf_ldap_set(struct cg_ldap_conf *l, const char *key,
			const char *value, unsigned line, char *why,
			size_t whysz)
{
	struct { const char *key; char **dst; bool path; } strs[] = {
		{ "ca_file", &l->ca_file, true },
		{ "bind_password_file", &l->bind_password_file, true },
		{ "bind_dn", &l->bind_dn, false },
		{ "user_base", &l->user_base, false },
		{ "token_base", &l->token_base, false },
	};
	char esc[CG_CONF_ESC_MAX];

	if (strcmp(key, "uri") == 0) {
		l->uri_line = line;
		return set_uris(l, value, why, whysz);
	}
	if (strcmp(key, "tls") == 0) {
		l->tls_line = line;
		if (strcmp(value, "starttls") == 0 || strcmp(value, "none") == 0) {
			l->tls = value[0] == 's' ? CG_LDAP_TLS_STARTTLS :
						   CG_LDAP_TLS_NONE;
			return CG_OK;
		}
		cg_conf_escape(value, esc, sizeof(esc));
		snprintf(why, whysz, "invalid value '%s' for 'tls': expected "
			 "starttls or none", esc);
		return CG_E_PARSE;
	}
	if (strcmp(key, "local_users") == 0)
		return set_local_users(l, value, why, whysz);
	for (size_t i = 0; i < CG_ARRAY_SIZE(strs); i++)
		if (strcmp(key, strs[i].key) == 0)
			return strs[i].path ?
			       set_path(strs[i].dst, key, value, why, whysz) :
			       set_dn(strs[i].dst, key, value, why, whysz);
	snprintf(why, whysz, "unknown key");
	return CG_E_INVAL;
}

static cg_err need(const struct cg_ldap_conf *l, const void *v,
		   const char *key, struct cg_diag *diag)
{
	if (v != NULL)
		return CG_OK;
	cg_conf_diag(diag, l->file, l->line, "[ldap] has no '%s' (required)",
		     key);
	return CG_E_PARSE;
}

/* Does any connection use TLS, and is tls = none only used on loopback? */
static cg_err check_tls(const struct cg_ldap_conf *l, struct cg_diag *diag)
{
	bool any_tls = false;

	for (size_t i = 0; i < l->nuris; i++) {
		bool ldaps = false, loop = false;

		(void)uri_check(l->uris[i], &ldaps, &loop);
		if (ldaps || l->tls == CG_LDAP_TLS_STARTTLS)
			any_tls = true;
		else if (!loop) {
			cg_conf_diag(diag, l->file, l->tls_line, "'tls = none' "
				     "is allowed only when every ldap:// URI is "
				     "a loopback address, not for '%s'",
				     l->uris[i]);
			return CG_E_PARSE;
		}
	}
	if (any_tls && l->ca_file == NULL) {
		cg_conf_diag(diag, l->file, l->line, "[ldap] has no 'ca_file' "
			     "(required for ldaps:// and tls = starttls)");
		return CG_E_PARSE;
	}
	return CG_OK;
}

cg_err cg_conf_ldap_validate(const struct cg_config *cfg,
			     struct cg_diag *diag)
{
	const struct cg_ldap_conf *l = &cfg->ldap;
	cg_err err;

	if (l->file == NULL) {
		if (cfg->defaults.store != CG_STORE_LDAP)
			return CG_OK;
		cg_conf_diag(diag, l->store_file, l->store_line, "'store = "
			     "ldap' needs an [ldap] section (in any file)");
		return CG_E_PARSE;
	}
	if ((err = need(l, l->uris, "uri", diag)) != CG_OK ||
	    (err = need(l, l->bind_dn, "bind_dn", diag)) != CG_OK ||
	    (err = need(l, l->bind_password_file, "bind_password_file",
			diag)) != CG_OK ||
	    (err = need(l, l->user_base, "user_base", diag)) != CG_OK ||
	    (err = need(l, l->token_base, "token_base", diag)) != CG_OK)
		return err;
	return check_tls(l, diag);
}

void cg_conf_ldap_clear(struct cg_ldap_conf *l)
{
	free_list(l->uris, l->nuris);
	free_list(l->local_users, l->nlocal_users);
	free(l->ca_file);
	free(l->bind_dn);
	free(l->bind_password_file);
	free(l->user_base);
	free(l->token_base);
	free(l->file);
	free(l->store_file);
	memset(l, 0, sizeof(*l));
}

bool cg_config_local_user(const struct cg_config *cfg, const char *user)
{
	for (size_t i = 0; user != NULL && i < cfg->ldap.nlocal_users; i++)
		if (strcmp(cfg->ldap.local_users[i], user) == 0)
			return true;
	return false;
}

enum cg_store_kind cg_config_store_for(const struct cg_config *cfg,
				       const char *user)
{
	return cg_config_local_user(cfg, user) ? CG_STORE_FILES :
						 cfg->defaults.store;
}
