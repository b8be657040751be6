/* The [ldap] section and "store =" of credgate.conf (lib/conf_ldap.c):
 * a full valid fleet config, defaults, the break-glass users, and a
 * table of broken ones each rejected at the right line with a message
 * naming the offending word. */
#include "config.h"
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cg_macros.h"
#include "conf.h"
#include "table_test.h"

#define MAIN "/etc/credgate/credgate.conf"
#define DROP "/etc/credgate/credgate.d/50-ldap.conf"

static cg_err parse(const char *main_text, const char *drop,
		    struct cg_config **out, struct cg_diag *diag)
{
	struct cg_config *cfg = cg_config_new();
	cg_err err;

	assert_non_null(cfg);
	err = cg_config_parse_buffer(cfg, MAIN, main_text, strlen(main_text),
				     diag);
	if (err == CG_OK && drop != NULL)
		err = cg_config_parse_buffer(cfg, DROP, drop, strlen(drop),
					     diag);
	if (err == CG_OK)
		err = cg_config_validate(cfg, diag);
	*out = cfg;
	return err;
}

static struct cg_config *parse_ok(const char *main_text, const char *drop)
{
	struct cg_config *cfg = NULL;
	struct cg_diag diag;
	char msg[PATH_MAX + 300];
	cg_err err = parse(main_text, drop, &cfg, &diag);

	if (err != CG_OK) {
		cg_diag_format(&diag, msg, sizeof(msg));
		cg_config_free(cfg);
		fail_msg("unexpected error %d: %s", err, msg);
	}
	return cfg;
}

#define LDAP_OK \
	"[ldap]\n" \
	"uri = ldaps://ldap1.example.org ldaps://ldap2.example.org:636/\n" \
	"tls = starttls\n" \
	"ca_file = /etc/credgate/ldap-ca.pem\n" \
	"bind_dn = cn=host1,ou=hosts,dc=example,dc=org\n" \
	"bind_password_file = /etc/credgate/ldap.secret\n" \
	"user_base = ou=people,dc=example,dc=org\n" \
	"token_base = ou=tokens,dc=example,dc=org\n" \
	"timeout = 7\n" \
	"local_users = root-breakglass, ops.admin\n"

static void test_full(void **state)
{
	struct cg_config *cfg = parse_ok("[defaults]\nstore = ldap\n" LDAP_OK,
					 NULL);
	const struct cg_ldap_conf *l = &cfg->ldap;

	assert_int_equal(cfg->defaults.store, CG_STORE_LDAP);
	assert_int_equal(l->nuris, 2);
	assert_string_equal(l->uris[0], "ldaps://ldap1.example.org");
	assert_string_equal(l->uris[1], "ldaps://ldap2.example.org:636/");
	assert_int_equal(l->tls, CG_LDAP_TLS_STARTTLS);
	assert_string_equal(l->ca_file, "/etc/credgate/ldap-ca.pem");
	assert_string_equal(l->bind_dn, "cn=host1,ou=hosts,dc=example,dc=org");
	assert_string_equal(l->bind_password_file, "/etc/credgate/ldap.secret");
	assert_string_equal(l->user_base, "ou=people,dc=example,dc=org");
	assert_string_equal(l->token_base, "ou=tokens,dc=example,dc=org");
	assert_int_equal(l->timeout, 7);
	assert_int_equal(l->nlocal_users, 2);
	assert_string_equal(l->local_users[1], "ops.admin");
	/* Break-glass users keep the files store; everyone else: ldap. */
	assert_int_equal(cg_config_store_for(cfg, "root-breakglass"),
			 CG_STORE_FILES);
	assert_int_equal(cg_config_store_for(cfg, "alice"), CG_STORE_LDAP);
	cg_config_free(cfg);
}

static void test_defaults(void **state)
{
	struct cg_config *cfg = parse_ok("[defaults]\nwindow = 1\n", NULL);

	assert_int_equal(cfg->defaults.store, CG_STORE_FILES);
	assert_null(cfg->ldap.file);
	assert_int_equal(cg_config_store_for(cfg, "alice"), CG_STORE_FILES);
	cg_config_free(cfg);
	/* [ldap] without store = ldap is fine (migrate --to ldap reads it);
	 * tls defaults to starttls, timeout to 5; [ldap] in a drop-in. */
	cfg = parse_ok("[defaults]\nstore = files\n",
		       "[ldap]\nuri = ldap://127.0.0.1\n"
		       "ca_file = /ca.pem\nbind_dn = cn=h\n"
		       "bind_password_file = /s\nuser_base = ou=p\n"
		       "token_base = ou=t\n");
	assert_int_equal(cfg->defaults.store, CG_STORE_FILES);
	assert_int_equal(cfg->ldap.tls, CG_LDAP_TLS_STARTTLS);
	assert_int_equal(cfg->ldap.timeout, 5);
	assert_int_equal(cfg->ldap.nlocal_users, 0);
	cg_config_free(cfg);
}

static void test_tls_none_loopback(void **state)
{
	static const char *const loop[] = {
		"ldap://127.0.0.1", "ldap://localhost:3389/", "ldap://[::1]",
		"ldap://127.1.2.3:389", "ldap://127.0.0.1 ldap://[::1]:1389",
	};
	char text[1024];

	for (size_t i = 0; i < CG_ARRAY_SIZE(loop); i++) {
		struct cg_config *cfg;

		snprintf(text, sizeof(text), "[defaults]\nstore = ldap\n"
			 "[ldap]\nuri = %s\ntls = none\nbind_dn = cn=h\n"
			 "bind_password_file = /s\nuser_base = ou=p\n"
			 "token_base = ou=t\n", loop[i]);
		cfg = parse_ok(text, NULL);
		assert_int_equal(cfg->ldap.tls, CG_LDAP_TLS_NONE);
		assert_null(cfg->ldap.ca_file);   /* not needed without TLS */
		cg_config_free(cfg);
	}
}

/* ---- broken configs ---------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *text;
	const char *drop;
	unsigned line;
	const char *file;         /* MAIN unless set */
	const char *message;      /* a part of it */
};

#define REQ "bind_dn = cn=h\nbind_password_file = /s\nuser_base = ou=p\n" \
	    "token_base = ou=t\nca_file = /ca\n"

static const struct bad_case bad_cases[] = {
	{ "store value", "[defaults]\nstore = sql\n", NULL, 2, NULL,
	  "invalid value 'sql' for 'store': expected files or ldap" },
	{ "store ldap without [ldap]", "[defaults]\nwindow = 1\nstore = ldap\n",
	  NULL, 3, NULL, "'store = ldap' needs an [ldap] section" },
	{ "[ldap] twice", "[ldap]\nuri = ldap://a\n" REQ "[ldap]\n", NULL, 8,
	  NULL, "duplicate section [ldap] (first at " MAIN ":1)" },
	{ "[ldap] in a drop-in and main", "[ldap]\nuri = ldap://a\n" REQ,
	  "[ldap]\n", 1, DROP, "duplicate section [ldap]" },
	{ "[ldap] with a name", "[ldap x]\n", NULL, 1, NULL,
	  "[ldap] takes no name" },
	{ "unknown key", "[ldap]\nurl = ldap://a\n", NULL, 2, NULL,
	  "unknown key 'url' in [ldap]" },
	{ "repeated key", "[ldap]\ntimeout = 1\ntimeout = 2\n", NULL, 3, NULL,
	  "duplicate key 'timeout' in [ldap]" },
	{ "uri scheme", "[ldap]\nuri = ldapi:///run/slapd\n", NULL, 2, NULL,
	  "invalid URI 'ldapi:///run/slapd' in 'uri': expected ldap://HOST" },
	{ "uri without host", "[ldap]\nuri = ldap://\n", NULL, 2, NULL,
	  "invalid URI 'ldap://' in 'uri': missing or malformed host" },
	{ "uri with a DN", "[ldap]\nuri = ldap://h/dc=example\n", NULL, 2, NULL,
	  "unexpected text after the host" },
	{ "uri port 0", "[ldap]\nuri = ldap://h:0\n", NULL, 2, NULL,
	  "invalid URI 'ldap://h:0' in 'uri': bad port" },
	{ "uri port too big", "[ldap]\nuri = ldaps://h:65536\n", NULL, 2, NULL,
	  "bad port" },
	{ "second uri bad", "[ldap]\nuri = ldaps://a, http://b\n", NULL, 2, NULL,
	  "invalid URI 'http://b'" },
	{ "uri only commas", "[ldap]\nuri = ,\n", NULL, 2, NULL,
	  "no URI in 'uri'" },
	{ "bad ipv6", "[ldap]\nuri = ldap://[::1\n", NULL, 2, NULL,
	  "missing or malformed host" },
	{ "tls value", "[ldap]\ntls = yes\n", NULL, 2, NULL,
	  "invalid value 'yes' for 'tls': expected starttls or none" },
	{ "tls none remote", "[ldap]\nuri = ldap://127.0.0.1 ldap://ldap.example\n"
	  "tls = none\n" REQ, NULL, 3, NULL,
	  "'tls = none' is allowed only when every ldap:// URI is a loopback "
	  "address, not for 'ldap://ldap.example'" },
	{ "tls none 127.0.0.256", "[ldap]\nuri = ldap://127.0.0.256\n"
	  "tls = none\n" REQ, NULL, 3, NULL, "not for 'ldap://127.0.0.256'" },
	{ "tls none localhost.evil", "[ldap]\nuri = ldap://localhost.evil.org\n"
	  "tls = none\n" REQ, NULL, 3, NULL, "not for 'ldap://localhost.evil.org'" },
	{ "ca_file missing for ldaps", "[ldap]\nuri = ldaps://h\nbind_dn = cn=h\n"
	  "bind_password_file = /s\nuser_base = ou=p\ntoken_base = ou=t\n",
	  NULL, 1, NULL, "[ldap] has no 'ca_file' (required for ldaps://" },
	{ "ca_file missing for starttls", "[ldap]\nuri = ldap://127.0.0.1\n"
	  "bind_dn = cn=h\nbind_password_file = /s\nuser_base = ou=p\n"
	  "token_base = ou=t\n", NULL, 1, NULL, "has no 'ca_file'" },
	{ "ca_file relative", "[ldap]\nca_file = ca.pem\n", NULL, 2, NULL,
	  "'ca_file' must be an absolute path" },
	{ "password file relative", "[ldap]\nbind_password_file = s\n", NULL, 2,
	  NULL, "'bind_password_file' must be an absolute path" },
	{ "bind_dn not a DN", "[ldap]\nbind_dn = host1\n", NULL, 2, NULL,
	  "'bind_dn' must be a DN" },
	{ "user_base not a DN", "[ldap]\nuser_base = people\n", NULL, 2, NULL,
	  "'user_base' must be a DN" },
	{ "token_base not a DN", "[ldap]\ntoken_base = tokens\n", NULL, 2, NULL,
	  "'token_base' must be a DN" },
	{ "timeout 0", "[ldap]\ntimeout = 0\n", NULL, 2, NULL,
	  "value '0' for 'timeout' is out of range (1..60 seconds)" },
	{ "timeout 2m", "[ldap]\ntimeout = 2m\n", NULL, 2, NULL,
	  "out of range (1..60 seconds)" },
	{ "timeout word", "[ldap]\ntimeout = soon\n", NULL, 2, NULL,
	  "invalid value 'soon' for 'timeout'" },
	{ "local_users bad name", "[ldap]\nlocal_users = root, -x\n", NULL, 2,
	  NULL, "invalid user name '-x' in 'local_users'" },
	{ "local_users stray comma", "[ldap]\nlocal_users = root,\n", NULL, 2,
	  NULL, "invalid user name '' in 'local_users' (stray comma?)" },
	{ "uri missing", "[ldap]\n" REQ, NULL, 1, NULL,
	  "[ldap] has no 'uri' (required)" },
	{ "bind_dn missing", "[ldap]\nuri = ldaps://h\nca_file = /c\n"
	  "bind_password_file = /s\nuser_base = ou=p\ntoken_base = ou=t\n",
	  NULL, 1, NULL, "[ldap] has no 'bind_dn' (required)" },
	{ "password file missing", "[ldap]\nuri = ldaps://h\nca_file = /c\n"
	  "bind_dn = cn=h\nuser_base = ou=p\ntoken_base = ou=t\n",
	  NULL, 1, NULL, "has no 'bind_password_file'" },
	{ "user_base missing", "[ldap]\nuri = ldaps://h\nca_file = /c\n"
	  "bind_dn = cn=h\nbind_password_file = /s\ntoken_base = ou=t\n",
	  NULL, 1, NULL, "has no 'user_base'" },
	{ "token_base missing", "[ldap]\nuri = ldaps://h\nca_file = /c\n"
	  "bind_dn = cn=h\nbind_password_file = /s\nuser_base = ou=p\n",
	  NULL, 1, NULL, "has no 'token_base'" },
};

static void test_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct cg_config *cfg = NULL;
	struct cg_diag diag;
	cg_err err = parse(c->text, c->drop, &cfg, &diag);

	cg_config_free(cfg);
	expect_err(err, CG_E_PARSE);
	assert_string_equal(diag.file, c->file != NULL ? c->file : MAIN);
	assert_int_equal(diag.line, c->line);
	if (strstr(diag.message, c->message) == NULL)
		fail_msg("'%s' does not contain '%s'", diag.message,
			 c->message);
}

int main(void)
{
	add_test("full [ldap] section", test_full, NULL);
	add_test("defaults", test_defaults, NULL);
	add_test("tls = none on loopback URIs", test_tls_none_loopback, NULL);
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad_cases); i++)
		add_test(bad_cases[i].name, test_bad_case,
			 (void *)&bad_cases[i]);
	return _cmocka_run_group_tests("config_ldap", tests, ntests, NULL,
				       NULL);
}
