/* The policy parser (lib/conf*.c): a full valid policy with a drop-in,
 * defaults, a table of broken policies each rejected at the right
 * file:line with the right reason, and the file checks of the loader
 * (permissions, symlinks, owner, drop-in directory). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "conf.h"
#include "username.h"
#include "cg_macros.h"
#define MAX_TESTS 1024
#include "table_test.h"

#define MAIN "/etc/credgate/credgate.conf"
#define DROP "/etc/credgate/credgate.d/50-extra.conf"

/* ---- helpers ---------------------------------------------------------- */

static void assert_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			fail_msg("unprintable byte 0x%02x in message",
				 (unsigned char)*s);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* Parse main (and drop, if any) as the loader would, then validate. */
static cg_err parse_two(struct cg_config *cfg, const char *main_text,
			size_t main_len, const char *drop_text,
			struct cg_diag *diag)
{
	cg_err err;

	err = cg_config_parse_buffer(cfg, MAIN, main_text, main_len, diag);
	if (err == CG_OK && drop_text != NULL)
		err = cg_config_parse_buffer(cfg, DROP, drop_text,
					     strlen(drop_text), diag);
	if (err == CG_OK)
		err = cg_config_validate(cfg, diag);
	return err;
}

static struct cg_config *parse_ok(const char *main_text, const char *drop)
{
	struct cg_config *cfg = cg_config_new();
	struct cg_diag diag;
	char msg[PATH_MAX + 300];
	cg_err err;

	assert_non_null(cfg);
	err = parse_two(cfg, main_text, strlen(main_text), drop, &diag);
	if (err != CG_OK) {
		cg_diag_format(&diag, msg, sizeof(msg));
		fail_msg("unexpected error %d: %s", err, msg);
	}
	return cfg;
}

/* ---- a full valid policy ----------------------------------------------- */

static const char full_main[] =
	"# credgate policy\n"
	"; another comment style\n"
	"\n"
	"[defaults]\n"
	"state_dir = /var/lib/credgate/test-users\n"
	"window = 2\n"
	"max_failures = 7\n"
	"failure_window = 10m\n"
	"lockout = 1h\n"
	"grace = 90s\n"
	"self_enroll = yes\n"
	"issuer = Example Corp\n"
	"\n"
	"[role mail]\n"
	"\tmembers\t=  alice, %ops ,!mallory,  !%contractors  \n"
	"\n"
	"[role billing]\r\n"
	"members=bob\r\n"
	"\n"
	"[credential smtp]\n"
	"path = /etc/postfix/sasl_passwd\n"
	"roles = mail, billing\n"
	"description = SMTP relay (a = b; # not a comment)\n"
	"grace = 300\n"
	"require_totp = no\n"
	"\n"
	"[credential stripe]\n"
	"path = /etc/billing/stripe.key\n"
	"roles = billing, ops-oncall\n";      /* ops-oncall: in the drop-in */

static const char full_drop[] =
	"# a drop-in adds, it overrides nothing\n"
	"[role ops-oncall]\n"
	"members = carol, DOMAIN\\dave, eve@example.com, %on-call.team\n"
	"\n"
	"[credential pager]\n"
	"path = /etc/pager/token\n"
	"roles = ops-oncall\n"
	"description = Pager API token f\xc3\xbcr on-call\n"
	"require_totp = TRUE\n";

static void assert_member(const struct cg_member *m, enum cg_member_kind kind,
			  bool exclude, const char *name)
{
	assert_int_equal(m->kind, kind);
	assert_int_equal(m->exclude, exclude);
	assert_string_equal(m->name, name);
}

static void check_full_roles(const struct cg_config *cfg,
			     const char *main_file, const char *drop)
{
	const struct cg_role *r;

	assert_int_equal(cfg->nroles, 3);
	r = cg_config_role(cfg, "mail");
	assert_non_null(r);
	assert_string_equal(r->file, main_file);
	assert_int_equal(r->line, 14);
	assert_int_equal(r->nmembers, 4);
	assert_member(&r->members[0], CG_MEMBER_USER, false, "alice");
	assert_member(&r->members[1], CG_MEMBER_GROUP, false, "ops");
	assert_member(&r->members[2], CG_MEMBER_USER, true, "mallory");
	assert_member(&r->members[3], CG_MEMBER_GROUP, true, "contractors");
	r = cg_config_role(cfg, "billing");
	assert_non_null(r);
	assert_int_equal(r->line, 17);
	assert_int_equal(r->nmembers, 1);
	assert_member(&r->members[0], CG_MEMBER_USER, false, "bob");
	r = cg_config_role(cfg, "ops-oncall");
	assert_non_null(r);
	assert_string_equal(r->file, drop);
	assert_int_equal(r->line, 2);
	assert_int_equal(r->nmembers, 4);
	assert_member(&r->members[1], CG_MEMBER_USER, false, "DOMAIN\\dave");
	assert_member(&r->members[2], CG_MEMBER_USER, false,
		      "eve@example.com");
	assert_member(&r->members[3], CG_MEMBER_GROUP, false, "on-call.team");
	assert_null(cg_config_role(cfg, "nope"));
	assert_null(cg_config_role(cfg, "smtp"));  /* a credential */
}

static void check_full_credentials(const struct cg_config *cfg,
				   const char *main_file, const char *drop)
{
	const struct cg_credential *c;

	assert_int_equal(cfg->ncredentials, 3);
	c = cg_config_credential(cfg, "smtp");
	assert_non_null(c);
	assert_string_equal(c->path, "/etc/postfix/sasl_passwd");
	assert_int_equal(c->nroles, 2);
	assert_string_equal(c->roles[0], "mail");
	assert_string_equal(c->roles[1], "billing");
	assert_string_equal(c->description,
			    "SMTP relay (a = b; # not a comment)");
	assert_int_equal(c->grace, 300);
	assert_false(c->require_totp);
	assert_string_equal(c->file, main_file);
	assert_int_equal(c->line, 20);
	assert_int_equal(c->roles_line, 22);
	c = cg_config_credential(cfg, "stripe");
	assert_non_null(c);
	assert_null(c->description);
	assert_int_equal(c->grace, -1);
	assert_true(c->require_totp);
	assert_int_equal(c->nroles, 2);
	assert_string_equal(c->roles[1], "ops-oncall");
	c = cg_config_credential(cfg, "pager");
	assert_non_null(c);
	assert_string_equal(c->file, drop);
	assert_int_equal(c->line, 5);
	assert_string_equal(c->description,
			    "Pager API token f\xc3\xbcr on-call");
	assert_true(c->require_totp);
	assert_null(cg_config_credential(cfg, "mail"));
}

static void check_full_defaults(const struct cg_config *cfg)
{
	const struct cg_defaults *d = &cfg->defaults;

	assert_string_equal(d->state_dir, "/var/lib/credgate/test-users");
	assert_int_equal(d->window, 2);
	assert_int_equal(d->max_failures, 7);
	assert_int_equal(d->failure_window, 600);
	assert_int_equal(d->lockout, 3600);
	assert_int_equal(d->grace, 90);
	assert_true(d->self_enroll);
	assert_string_equal(d->issuer, "Example Corp");
}

static void test_full_valid(void **state)
{
	struct cg_config *cfg = parse_ok(full_main, full_drop);

	check_full_defaults(cfg);
	check_full_roles(cfg, MAIN, DROP);
	check_full_credentials(cfg, MAIN, DROP);
	cg_config_free(cfg);
}

static void assert_stock_defaults(const struct cg_defaults *d)
{
	assert_string_equal(d->state_dir, CG_DEFAULT_STATE_DIR);
	assert_int_equal(d->window, 1);
	assert_int_equal(d->max_failures, 5);
	assert_int_equal(d->failure_window, 300);
	assert_int_equal(d->lockout, 900);
	assert_int_equal(d->grace, 0);
	assert_string_equal(d->grace_dir, "/run/credgate/grace");
	assert_false(d->self_enroll);
	assert_string_equal(d->issuer, "");
}

static void test_grace_dir(void **state)
{
	struct cg_config *cfg = parse_ok("[defaults]\ngrace_dir = /run/x\n",
					 NULL);

	assert_string_equal(cfg->defaults.grace_dir, "/run/x");
	cg_config_free(cfg);
}

static void test_defaults_when_absent(void **state)
{
	struct cg_config *cfg = cg_config_new();
	struct cg_diag diag;

	assert_non_null(cfg);
	assert_stock_defaults(&cfg->defaults);
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, "", 0, &diag),
			 CG_OK);
	assert_int_equal(cg_config_validate(cfg, &diag), CG_OK);
	assert_int_equal(cfg->nroles, 0);
	cg_config_free(cfg);

	cfg = parse_ok("[role a]\nmembers = x\n", NULL);
	assert_stock_defaults(&cfg->defaults);
	assert_null(cfg->defaults_file);
	cg_config_free(cfg);

	/* An empty [defaults] changes nothing either. */
	cfg = parse_ok("[defaults]\n# nothing here\n", NULL);
	assert_stock_defaults(&cfg->defaults);
	assert_string_equal(cfg->defaults_file, MAIN);
	assert_int_equal(cfg->defaults_line, 1);
	cg_config_free(cfg);
}

/* Numbers at their limits, duration suffixes, boolean spellings. */
static void test_values_accepted(void **state)
{
	struct cg_config *cfg;

	cfg = parse_ok("[defaults]\nwindow = 0\nmax_failures = 1000\n"
		       "failure_window = 24h\nlockout = 0s\ngrace = 007\n"
		       "self_enroll = False\n", NULL);
	assert_int_equal(cfg->defaults.window, 0);
	assert_int_equal(cfg->defaults.max_failures, 1000);
	assert_int_equal(cfg->defaults.failure_window, 86400);
	assert_int_equal(cfg->defaults.lockout, 0);
	assert_int_equal(cfg->defaults.grace, 7);
	assert_false(cfg->defaults.self_enroll);
	cg_config_free(cfg);

	cfg = parse_ok("[defaults]\nwindow = 10\nmax_failures = 1\n"
		       "failure_window = 1\nlockout = 604800\n"
		       "grace = 1440m\nself_enroll = 1\n", NULL);
	assert_int_equal(cfg->defaults.window, 10);
	assert_int_equal(cfg->defaults.lockout, 604800);
	assert_int_equal(cfg->defaults.grace, 86400);
	assert_true(cfg->defaults.self_enroll);
	cg_config_free(cfg);

	cfg = parse_ok("[defaults]\nlockout = 168h\nself_enroll = true\n"
		       "issuer = Caf\xc3\xa9 \"Ops\": #1\n", NULL);
	assert_int_equal(cfg->defaults.lockout, 604800);
	assert_true(cfg->defaults.self_enroll);
	assert_string_equal(cfg->defaults.issuer, "Caf\xc3\xa9 \"Ops\": #1");
	cg_config_free(cfg);
}

/* [scan]: defaults, lists, sizes with and without a suffix. */
static void test_scan_section(void **state)
{
	struct cg_config *cfg = cg_config_new();

	assert_non_null(cfg);
	assert_null(cfg->scan.paths);
	assert_int_equal(cfg->scan.nexclude, 0);
	assert_int_equal(cfg->scan.min_length, 10);
	assert_true(cfg->scan.max_file_size == 64ULL << 20);
	cg_config_free(cfg);

	cfg = parse_ok("[scan]\npaths = /home, /srv/www ,/root\n"
		       "exclude = /home/*/.cache, *.iso,node_modules\n"
		       "min_length = 4\nmax_file_size = 512k\n", NULL);
	assert_int_equal(cfg->scan.npaths, 3);
	assert_string_equal(cfg->scan.paths[0], "/home");
	assert_string_equal(cfg->scan.paths[1], "/srv/www");
	assert_string_equal(cfg->scan.paths[2], "/root");
	assert_int_equal(cfg->scan.nexclude, 3);
	assert_string_equal(cfg->scan.exclude[0], "/home/*/.cache");
	assert_string_equal(cfg->scan.exclude[1], "*.iso");
	assert_string_equal(cfg->scan.exclude[2], "node_modules");
	assert_int_equal(cfg->scan.min_length, 4);
	assert_true(cfg->scan.max_file_size == 512ULL << 10);
	assert_string_equal(cfg->scan.file, MAIN);
	assert_int_equal(cfg->scan.line, 1);
	cg_config_free(cfg);

	cfg = parse_ok("[scan]\nmin_length = 4096\nmax_file_size = 1G\n",
		       NULL);
	assert_int_equal(cfg->scan.min_length, 4096);
	assert_true(cfg->scan.max_file_size == 1ULL << 30);
	cg_config_free(cfg);

	cfg = parse_ok("[scan]\nmax_file_size = 1\n", NULL);
	assert_true(cfg->scan.max_file_size == 1);
	cg_config_free(cfg);
}

/* A byte-order mark, a line of exactly CG_CONFIG_LINE_MAX bytes, a last
 * line without newline, blanks inside headers, CRLF. */
static void test_lexical_edges(void **state)
{
	size_t pre = strlen("[credential c]\npath = /x\nroles = a\n"
			    "description = ");
	size_t n = pre + (CG_CONFIG_LINE_MAX - strlen("description = ")) + 1;
	char *text = malloc(n + 64);
	struct cg_config *cfg;

	assert_non_null(text);
	strcpy(text, "[credential c]\npath = /x\nroles = a\ndescription = ");
	memset(text + pre, 'd', n - pre - 1);
	strcpy(text + n - 1, "\n[role a]\r\nmembers = x");
	cfg = parse_ok(text, NULL);
	assert_int_equal(strlen(cfg->credentials[0].description),
			 CG_CONFIG_LINE_MAX - strlen("description = "));
	cg_config_free(cfg);
	free(text);

	cfg = parse_ok("\xef\xbb\xbf[ role\t a ]\nmembers = x", NULL);
	assert_non_null(cg_config_role(cfg, "a"));
	cg_config_free(cfg);

	/* 63 characters is the longest name. */
	cfg = parse_ok("[role abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		       "VWXYZ0123456789_]\nmembers = x\n", NULL);
	assert_int_equal(strlen(cfg->roles[0].name), CG_NAME_MAX - 1);
	cg_config_free(cfg);
}

/* Members follow the store's one user-name rule (username.h): the
 * longest name the store can hold is accepted, one byte more refused. */
static void test_member_name_length(void **state)
{
	char text[CG_USER_NAME_LEN + 64];
	struct cg_config *cfg = cg_config_new();
	struct cg_diag diag;
	size_t pre = strlen("[role a]\nmembers = ");

	(void)state;
	snprintf(text, sizeof(text), "[role a]\nmembers = ");
	memset(text + pre, 'u', CG_USER_NAME_LEN);
	text[pre + CG_USER_NAME_LEN] = '\0';
	assert_true(cg_user_name_valid(text + pre));
	cg_config_free(parse_ok(text, NULL));
	strcat(text, "u");
	assert_false(cg_user_name_valid(text + pre));
	assert_non_null(cfg);
	assert_int_equal(parse_two(cfg, text, strlen(text), NULL, &diag),
			 CG_E_PARSE);
	assert_int_equal(diag.line, 2);
	cg_config_free(cfg);
}

/* "until DATE" on members: the instant stored, the line kept for
 * check-config, the expiry rule at its boundary. */
static void test_member_until(void **state)
{
	struct cg_config *cfg;
	const struct cg_role *r;
	char note[256];

	cfg = parse_ok("[role mail]\n"
		       "members = alice, bob until 2026-12-31,\t%contractors "
		       "until\t2027-01-15T18:00 , carol until "
		       "2030-01-01T10:00+02:00, !mallory\n"
		       "[role ops]\n\nmembers = dave until 2027-01-15T18:00-05:30"
		       "\n", NULL);
	r = cg_config_role(cfg, "mail");
	assert_int_equal(r->nmembers, 5);
	assert_member(&r->members[0], CG_MEMBER_USER, false, "alice");
	assert_int_equal(r->members[0].until, 0);
	assert_member(&r->members[1], CG_MEMBER_USER, false, "bob");
	assert_int_equal(r->members[1].until, 1798675200);
	assert_member(&r->members[2], CG_MEMBER_GROUP, false, "contractors");
	assert_int_equal(r->members[2].until, 1800036000);
	assert_int_equal(r->members[3].until, 1893484800);
	assert_member(&r->members[4], CG_MEMBER_USER, true, "mallory");
	assert_int_equal(r->members[4].until, 0);
	for (size_t i = 0; i < r->nmembers; i++)
		assert_int_equal(r->members[i].line, 2);
	r = cg_config_role(cfg, "ops");
	assert_int_equal(r->members[0].until, 1800055800);
	assert_int_equal(r->members[0].line, 5);

	/* Out from the instant itself; no until, never out. */
	r = cg_config_role(cfg, "mail");
	assert_false(cg_member_expired(&r->members[1], 1798675199));
	assert_true(cg_member_expired(&r->members[1], 1798675200));
	assert_false(cg_member_expired(&r->members[0], INT64_MAX));
	assert_false(cg_member_expired(NULL, 0));

	cg_membership_note(note, sizeof(note), "bob", "mail", 1798675200,
			   1798675200);
	assert_string_equal(note, "membership of bob in role mail expired "
			    "on 2026-12-31 00:00 UTC");
	cg_membership_note(note, sizeof(note), "%contractors", "mail",
			   1800036000, 1800036000 - 3600);
	assert_string_equal(note, "membership of %contractors in role mail "
			    "expires on 2027-01-15 18:00 UTC");
	cg_config_free(cfg);
}

/* Two-person approval: the keys, their defaults, and who approves when
 * approvers is not given. */
static void test_approval_keys(void **state)
{
	struct cg_config *cfg;
	const struct cg_credential *c;
	char *const *who;
	size_t n = 0;

	cfg = parse_ok("[role dba]\nmembers = alice\n[role leads]\n"
		       "members = bob\n[role sec]\nmembers = carol\n"
		       "[credential prod-db]\npath = /etc/db\nroles = dba\n"
		       "approvals = 2\napprovers = leads,sec\n"
		       "approval_ttl = 15m\napproval_uses = 3\n"
		       "[credential plain]\npath = /etc/p\nroles = dba, sec\n"
		       "[credential mostly]\npath = /etc/m\nroles = dba\n"
		       "approvals = 3\napproval_uses = 100\n"
		       "approval_ttl = 24h\n", NULL);
	c = cg_config_credential(cfg, "prod-db");
	assert_int_equal(c->approvals, 2);
	assert_int_equal(c->approval_ttl, 900);
	assert_int_equal(c->approval_uses, 3);
	who = cg_credential_approvers(c, &n);
	assert_int_equal(n, 2);
	assert_string_equal(who[0], "leads");
	assert_string_equal(who[1], "sec");
	assert_int_equal(c->approvers_line, 11);
	c = cg_config_credential(cfg, "plain");
	assert_int_equal(c->approvals, 0);
	assert_int_equal(c->approval_ttl, CG_APPROVAL_TTL_DEFAULT);
	assert_int_equal(c->approval_uses, 1);
	assert_null(c->approvers);
	who = cg_credential_approvers(c, &n);
	assert_int_equal(n, 2);                 /* its own roles */
	assert_string_equal(who[0], "dba");
	assert_string_equal(who[1], "sec");
	c = cg_config_credential(cfg, "mostly");
	assert_int_equal(c->approvals, 3);
	assert_int_equal(c->approval_uses, 100);
	assert_int_equal(c->approval_ttl, 86400);
	cg_config_free(cfg);
}

static void test_name_valid(void **state)
{
	assert_true(cg_config_name_valid("smtp"));
	assert_true(cg_config_name_valid("a"));
	assert_true(cg_config_name_valid("A_b.c-9"));
	assert_true(cg_config_name_valid("9lives"));
	assert_false(cg_config_name_valid(NULL));
	assert_false(cg_config_name_valid(""));
	assert_false(cg_config_name_valid(".hidden"));
	assert_false(cg_config_name_valid("-opt"));
	assert_false(cg_config_name_valid("a/b"));
	assert_false(cg_config_name_valid("a b"));
	assert_false(cg_config_name_valid("a@b"));
	assert_false(cg_config_name_valid("caf\xc3\xa9"));
	assert_false(cg_config_name_valid("0123456789012345678901234567890"
					  "123456789012345678901234567890123"));
}

static void test_diag_format(void **state)
{
	struct cg_diag diag;
	char buf[PATH_MAX + 300];

	memset(&diag, 0, sizeof(diag));
	snprintf(diag.file, sizeof(diag.file), "/etc/x.conf");
	diag.line = 7;
	snprintf(diag.message, sizeof(diag.message), "unknown key 'a'");
	cg_diag_format(&diag, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/x.conf:7: unknown key 'a'");
	diag.line = 0;
	cg_diag_format(&diag, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/x.conf: unknown key 'a'");
	diag.file[0] = '\0';
	cg_diag_format(&diag, buf, sizeof(buf));
	assert_string_equal(buf, "unknown key 'a'");
	/* A file name with a newline cannot forge a second log line. */
	snprintf(diag.file, sizeof(diag.file), "/tmp/a\nb\x7f.conf");
	diag.line = 2;
	cg_diag_format(&diag, buf, sizeof(buf));
	assert_string_equal(buf, "/tmp/a\\x0ab\\x7f.conf:2: unknown key 'a'");
	/* Short buffers are cut, never overrun. */
	cg_diag_format(&diag, buf, 5);
	assert_string_equal(buf, "/tmp");
}

/* User bytes in a message are escaped and long ones cut. */
static void test_message_escaping(void **state)
{
	struct cg_config *cfg = cg_config_new();
	struct cg_diag diag;
	char text[400];

	assert_non_null(cfg);
	snprintf(text, sizeof(text), "[defaults]\nw\xc3\xadndow = 1\n");
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, text, strlen(text),
						&diag), CG_E_PARSE);
	assert_contains(diag.message, "unknown key 'w\\xc3\\xadndow'");
	assert_printable(diag.message);
	cg_config_free(cfg);

	cfg = cg_config_new();
	assert_non_null(cfg);
	snprintf(text, sizeof(text), "[defaults]\nwindow = %0300d\n", 5);
	text[20] = 'x';
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, text, strlen(text),
						&diag), CG_E_PARSE);
	assert_contains(diag.message, "...' for 'window'");
	assert_true(strlen(diag.message) < 200);
	cg_config_free(cfg);

	/* A long path keeps its end, the part that names the file. */
	cfg = cg_config_new();
	assert_non_null(cfg);
	snprintf(text, sizeof(text), "/etc/%0200d/credgate.d/10-mail.conf", 0);
	assert_int_equal(cg_config_parse_buffer(cfg, text, "[role r]\n", 9,
						&diag), CG_OK);
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, "\n[role r]\n", 10,
						&diag), CG_E_PARSE);
	assert_contains(diag.message, "(first at ...");
	assert_contains(diag.message, "credgate.d/10-mail.conf:1)");
	cg_config_free(cfg);
}

static void test_bad_arguments(void **state)
{
	struct cg_config *cfg = cg_config_new();
	struct cg_config *out = (struct cg_config *)&out;
	struct cg_diag diag;

	assert_non_null(cfg);
	assert_int_equal(cg_config_parse_buffer(NULL, MAIN, "", 0, &diag),
			 CG_E_INVAL);
	assert_int_equal(cg_config_parse_buffer(cfg, NULL, "", 0, &diag),
			 CG_E_INVAL);
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, NULL, 3, &diag),
			 CG_E_INVAL);
	/* diag may be NULL. */
	assert_int_equal(cg_config_parse_buffer(cfg, MAIN, "x", 1, NULL),
			 CG_E_PARSE);
	assert_int_equal(cg_config_validate(NULL, NULL), CG_E_INVAL);
	assert_int_equal(cg_config_load("relative.conf", &out, &diag),
			 CG_E_INVAL);
	assert_null(out);
	assert_contains(diag.message, "must be absolute");
	cg_config_free(cfg);
	cg_config_free(NULL);
}

/* The keys of writing a credential (conf_write.c): defaults, every form
 * accepted, writers cross-checked like roles. */
static void test_write_keys(void **state)
{
	const struct cg_cred_write *w;
	struct cg_config *cfg;

	(void)state;
	cfg = parse_ok("[role mail]\nmembers = a\n[role ops]\nmembers = b\n"
		       "[credential plain]\npath = /x\nroles = mail\n"
		       "[credential smtp]\npath = /etc/postfix/sasl_passwd\n"
		       "roles = mail\nwriters = ops, mail\nkeep = 0\n"
		       "max_size = 1M\nformat = line\non_change = "
		       "/usr/sbin/postmap\t /etc/postfix/sasl_passwd\n"
		       "on_change_timeout = 2m\nowner = root\ngroup = postfix\n"
		       "mode = 0600\n", NULL);
	assert_int_equal(cg_config_validate(cfg, NULL), CG_OK);
	assert_string_equal(cfg->defaults.versions_dir,
			    CG_DEFAULT_VERSIONS_DIR);
	w = &cg_config_credential(cfg, "plain")->write;
	assert_int_equal(w->nwriters, 0);
	assert_int_equal(w->keep, 5);
	assert_int_equal(w->max_size, 65536);
	assert_int_equal(w->format, CG_FORMAT_ANY);
	assert_null(w->on_change);
	assert_int_equal(w->on_change_timeout, 30);
	assert_null(w->group);
	assert_int_equal(w->mode, -1);
	w = &cg_config_credential(cfg, "smtp")->write;
	assert_int_equal(w->nwriters, 2);
	assert_string_equal(w->writers[0], "ops");
	assert_string_equal(w->writers[1], "mail");
	assert_int_equal(w->keep, 0);
	assert_int_equal(w->max_size, 1024 * 1024);
	assert_int_equal(w->format, CG_FORMAT_LINE);
	assert_string_equal(w->on_change[0], "/usr/sbin/postmap");
	assert_string_equal(w->on_change[1], "/etc/postfix/sasl_passwd");
	assert_null(w->on_change[2]);
	assert_int_equal(w->on_change_timeout, 120);
	assert_string_equal(w->group, "postfix");
	assert_int_equal(w->mode, 0600);
	cg_config_free(cfg);
	/* One size lexer (conf_lex.c): max_size takes the suffix in either
	 * case, as [scan] sizes do. */
	cfg = parse_ok("[role mail]\nmembers = a\n[credential c]\npath = /x\n"
		       "roles = mail\nwriters = mail\nmax_size = 1m\n", NULL);
	assert_int_equal(cg_config_credential(cfg, "c")->write.max_size,
			 1024 * 1024);
	cg_config_free(cfg);

	cfg = parse_ok("[defaults]\nversions_dir = /srv/v\n[role a]\n"
		       "members = x\n[credential c]\nroles = a\n"
		       "path = /x\nmax_size = 64k\nmode = 600\ngroup = 110\n"
		       "owner = 0\nkeep = 100\n", NULL);
	assert_string_equal(cfg->defaults.versions_dir, "/srv/v");
	w = &cg_config_credential(cfg, "c")->write;
	assert_int_equal(w->max_size, 65536);
	assert_int_equal(w->mode, 0600);
	assert_string_equal(w->group, "110");
	assert_int_equal(w->keep, 100);
	cg_config_free(cfg);
}

/* ---- the table of broken policies -------------------------------------- */

/* An unknown role in a credential is reported at its "roles =" line: that
 * is the line to fix.  A missing required key is reported at the section
 * header. */
struct bad_case {
	const char *name;
	const char *text;       /* main file; NULL: generated (long line) */
	size_t len;             /* 0: strlen(text) */
	const char *drop;       /* optional second file */
	bool in_drop;           /* the error is in the drop-in */
	unsigned line;
	const char *msg;        /* substring of the message */
};

#define D "[defaults]\n"
#define BAD(n, t, l, m) { n, t, 0, NULL, false, l, m }
#define BAD_LEN(n, t, l, m) { n, t, sizeof(t) - 1, NULL, false, l, m }
#define BAD_DROP(n, t, d, l, m) { n, t, 0, d, true, l, m }

#define C "[credential c]\npath = /x\n"
static const struct bad_case bad_cases[] = {
	BAD("writers_unknown_role", "[role a]\nmembers = x\n"
	    "[credential c]\npath = /x\nroles = a\nwriters = a, nosuch\n", 6,
	    "names unknown role 'nosuch' in 'writers'"),
	BAD("writers_empty_item", C "writers = a,\n", 3,
	    "empty item in 'writers'"),
	BAD("keep_range", C "keep = 101\n", 3,
	    "value '101' for 'keep' is out of range (0..100)"),
	BAD("max_size_zero", C "max_size = 0\n", 3,
	    "out of range (1..1048576 bytes)"),
	BAD("max_size_big", C "max_size = 2M\n", 3,
	    "out of range (1..1048576 bytes)"),
	BAD("max_size_suffix", C "max_size = 64KB\n", 3,
	    "expected bytes, or a number with suffix K or M"),
	BAD("max_size_text", C "max_size = lots\n", 3,
	    "invalid value 'lots' for 'max_size'"),
	BAD("format_unknown", C "format = json\n", 3,
	    "invalid value 'json' for 'format': expected line or any"),
	BAD("on_change_relative", C "on_change = postmap /x\n", 3,
	    "must start with an absolute program path"),
	BAD("on_change_quotes", C "on_change = /bin/sh -c \"postmap x\"\n", 3,
	    "takes no quotes or backslashes"),
	BAD("on_change_timeout_range", C "on_change_timeout = 2h\n", 3,
	    "out of range (1..3600 seconds)"),
	BAD("owner_not_root", C "owner = postfix\n", 3,
	    "'owner = postfix': only root"),
	BAD("group_bad", C "group = a:b\n", 3, "invalid group 'a:b'"),
	BAD("mode_world_readable", C "mode = 0644\n", 3,
	    "'mode = 0644' lets its group or others in"),
	BAD("mode_group_readable", C "mode = 0640\n", 3,
	    "'mode = 0640' lets its group or others in"),
	BAD("mode_group_writable", C "mode = 0660\n", 3,
	    "lets its group or others in, and the gate refuses such a file: "
	    "at most 0700"),
	BAD("mode_not_octal", C "mode = 0689\n", 3,
	    "expected octal permissions"),
	BAD("mode_setuid", C "mode = 4700\n", 3,
	    "expected octal permissions"),
	BAD("versions_dir_relative", D "versions_dir = var/v\n", 2,
	    "'versions_dir' must be an absolute path"),
	BAD("unknown_key_defaults", D "windwo = 1\n", 2,
	    "unknown key 'windwo' in [defaults]"),
	BAD("unknown_key_role", "[role a]\nmembers = x\npath = /x\n", 3,
	    "unknown key 'path' in [role a]"),
	BAD("unknown_key_credential",
	    "[credential c]\npath = /x\nroles = a\nmembers = x\n", 4,
	    "unknown key 'members' in [credential c]"),
	BAD("unknown_section", D "\n[roles x]\n", 3,
	    "unknown section [roles]"),
	BAD("key_before_section", "# hi\nwindow = 1\n" D, 2,
	    "key 'window' outside any section"),
	BAD("bad_number", D "window = abc\n", 2,
	    "invalid value 'abc' for 'window': expected a decimal number"),
	BAD("out_of_range", D "window = 11\n", 2,
	    "value '11' for 'window' is out of range (0..10)"),
	BAD("negative", D "max_failures = -1\n", 2,
	    "invalid value '-1' for 'max_failures'"),
	BAD("plus_sign", D "window = +1\n", 2, "invalid value '+1'"),
	BAD("trailing_junk", D "lockout = 10x\n", 2,
	    "invalid value '10x' for 'lockout': expected seconds"),
	BAD("blank_inside_number", D "lockout = 10 m\n", 2,
	    "invalid value '10 m'"),
	BAD("hex_number", D "window = 0x1\n", 2, "invalid value '0x1'"),
	BAD("overflow", D "failure_window = 99999999999999999999999\n", 2,
	    "is out of range (1..86400 seconds)"),
	BAD("suffix_overflow", D "grace = 18446744073709551615h\n", 2,
	    "is out of range (0..86400 seconds)"),
	BAD("duration_out_of_range", D "lockout = 169h\n", 2,
	    "value '169h' for 'lockout' is out of range (0..604800 seconds)"),
	BAD("unknown_suffix", D "lockout = 1d\n", 2, "invalid value '1d'"),
	BAD("suffix_alone", D "lockout = m\n", 2, "invalid value 'm'"),
	BAD("two_suffixes", D "lockout = 1hm\n", 2, "invalid value '1hm'"),
	BAD("suffix_on_count", D "window = 1s\n", 2,
	    "invalid value '1s' for 'window'"),
	BAD("max_failures_zero", D "max_failures = 0\n", 2,
	    "out of range (1..1000)"),
	BAD("failure_window_zero", D "failure_window = 0\n", 2,
	    "out of range (1..86400 seconds)"),
	BAD("bad_bool", D "self_enroll = maybe\n", 2,
	    "invalid value 'maybe' for 'self_enroll': expected yes or no"),
	BAD("bad_require_totp", "[credential c]\nrequire_totp = on\n", 2,
	    "for 'require_totp': expected yes or no"),
	BAD("duplicate_key", D "window = 1\n\nwindow = 2\n", 4,
	    "duplicate key 'window' in [defaults]"),
	BAD("duplicate_members", "[role a]\nmembers = x\nmembers = y\n", 3,
	    "duplicate key 'members' in [role a]"),
	BAD("duplicate_path", "[credential c]\npath = /a\npath = /b\n", 3,
	    "duplicate key 'path' in [credential c]"),
	BAD("duplicate_role", "[role a]\nmembers = x\n[role a]\nmembers = y\n",
	    3, "duplicate section [role a] (first at " MAIN ":1)"),
	BAD("duplicate_defaults", D "window = 1\n" D, 3,
	    "duplicate section [defaults]"),
	BAD_DROP("duplicate_role_across_files", "[role ops]\nmembers = x\n",
		 "# drop-in\n\n[role ops]\nmembers = y\n", 3,
		 "duplicate section [role ops] (first at " MAIN ":1)"),
	BAD_DROP("duplicate_credential_across_files",
		 "[role a]\nmembers = x\n[credential c]\npath = /x\n"
		 "roles = a\n",
		 "[credential c]\npath = /y\nroles = a\n", 1,
		 "duplicate section [credential c] (first at " MAIN ":3)"),
	BAD_DROP("duplicate_defaults_across_files", D "window = 1\n",
		 "[defaults]\nlockout = 5\n", 1,
		 "duplicate section [defaults] (first at " MAIN ":1)"),
	BAD("unknown_role", "[role a]\nmembers = x\n\n[credential c]\n"
	    "path = /x\nroles = a, b\n", 6,
	    "[credential c] names unknown role 'b'"),
	BAD_DROP("unknown_role_in_drop_in", "[role a]\nmembers = x\n",
		 "[credential c]\nroles = a,\tnope\npath = /x\n", 2,
		 "unknown role 'nope'"),
	BAD("relative_path", "[credential c]\npath = etc/x\n", 2,
	    "'path' must be an absolute path, not 'etc/x'"),
	BAD("relative_state_dir", D "state_dir = var/lib\n", 2,
	    "'state_dir' must be an absolute path"),
	BAD("relative_grace_dir", D "grace_dir = run/grace\n", 2,
	    "'grace_dir' must be an absolute path"),
	BAD("missing_path", "[role a]\nmembers = x\n\n[credential c]\n"
	    "roles = a\n", 4, "[credential c] has no 'path' (required)"),
	BAD("missing_roles", "[credential c]\npath = /x\n", 1,
	    "[credential c] has no 'roles' (required)"),
	BAD("missing_members", "[role a]\n# nobody yet\n", 1,
	    "[role a] has no 'members' (required)"),
	BAD("member_percent_alone", "[role a]\nmembers = alice, %\n", 2,
	    "invalid member '%' in 'members'"),
	BAD("member_bang_alone", "[role a]\nmembers = !, bob\n", 2,
	    "invalid member '!'"),
	BAD("member_bang_percent", "[role a]\nmembers = !%\n", 2,
	    "invalid member '!%'"),
	BAD("member_with_space", "[role a]\nmembers = a b\n", 2,
	    "invalid member 'a b'"),
	BAD("member_leading_dot", "[role a]\nmembers = .x\n", 2,
	    "invalid member '.x'"),
	BAD("member_leading_dash", "[role a]\nmembers = %-x\n", 2,
	    "invalid member '%-x'"),
	BAD("member_double_bang", "[role a]\nmembers = !!x\n", 2,
	    "invalid member '!!x'"),
	BAD("member_percent_bang", "[role a]\nmembers = %!x\n", 2,
	    "invalid member '%!x'"),
	BAD("member_empty_item", "[role a]\nmembers = alice,,bob\n", 2,
	    "empty item in 'members'"),
	BAD("member_trailing_comma", "[role a]\nmembers = alice,\n", 2,
	    "empty item in 'members'"),
	BAD("until_bad_month", "[role a]\nmembers = x, bob until 2026-13-01\n",
	    2, "invalid date '2026-13-01' in 'members' (month out of range)"),
	BAD("until_no_such_day", "[role a]\nmembers = bob until 2026-02-29\n",
	    2, "(no such day in that month)"),
	BAD("until_bad_time", "[role a]\nmembers = bob until 2026-01-01T24:00\n",
	    2, "(time out of range)"),
	BAD("until_seconds_range",
	    "[role a]\nmembers = bob until 2026-01-01T10:00:60\n", 2,
	    "(time out of range)"),
	BAD("until_space_not_t",
	    "[role a]\nmembers = bob until 2026-01-01 10:00\n", 2,
	    "text after the date (zone names are not supported"),
	BAD("until_zone_name",
	    "[role a]\nmembers = bob until 2027-01-15T18:00 Europe/Berlin\n",
	    2, "zone names are not supported"),
	BAD("until_zone_abbrev", "[role a]\nmembers = bob until 2027-01-15CET\n",
	    2, "zone names are not supported"),
	BAD("until_bad_offset",
	    "[role a]\nmembers = bob until 2027-01-15T18:00+24:00\n", 2,
	    "(offset out of range)"),
	BAD("until_short_year", "[role a]\nmembers = bob until 27-01-15\n", 2,
	    "(not YYYY-MM-DD)"),
	BAD("until_before_1970", "[role a]\nmembers = bob until 1969-12-31\n",
	    2, "(year before 1970)"),
	BAD("until_epoch", "[role a]\nmembers = bob until 1970-01-01\n", 2,
	    "(before 1970)"),
	BAD("until_missing_date", "[role a]\nmembers = bob until\n", 2,
	    "invalid member 'bob until' in 'members'"),
	BAD("until_misspelt", "[role a]\nmembers = bob till 2027-01-01\n", 2,
	    "invalid member 'bob till 2027-01-01'"),
	BAD("until_on_exclusion",
	    "[role a]\nmembers = x, !mallory until 2027-01-01\n", 2,
	    "an exclusion cannot expire"),
	BAD("until_bad_name", "[role a]\nmembers = -bob until 2027-01-01\n",
	    2, "invalid member '-bob until 2027-01-01'"),
	BAD("until_date_escaped",
	    "[role a]\nmembers = bob until 2027-01-01\xc3\xa9\n", 2,
	    "invalid date '2027-01-01\\xc3\\xa9'"),
	BAD("approvals_range", "[credential c]\napprovals = 4\n", 2,
	    "value '4' for 'approvals' is out of range (0..3)"),
	BAD("approvals_duration", "[credential c]\napprovals = 1s\n", 2,
	    "invalid value '1s' for 'approvals'"),
	BAD("approval_ttl_zero", "[credential c]\napproval_ttl = 0\n", 2,
	    "value '0' for 'approval_ttl' is out of range (1..86400 seconds)"),
	BAD("approval_ttl_long", "[credential c]\napproval_ttl = 25h\n", 2,
	    "out of range (1..86400 seconds)"),
	BAD("approval_uses_zero", "[credential c]\napproval_uses = 0\n", 2,
	    "value '0' for 'approval_uses' is out of range (1..100)"),
	BAD("approval_uses_many", "[credential c]\napproval_uses = 101\n", 2,
	    "out of range (1..100)"),
	BAD("approvers_bad_name", "[credential c]\napprovers = a b\n", 2,
	    "invalid role name 'a b' in 'approvers'"),
	BAD("approvers_empty_item", "[credential c]\napprovers = a,\n", 2,
	    "empty item in 'approvers'"),
	BAD("approvers_twice", "[credential c]\napprovers = a\n"
	    "approvers = b\n", 3, "duplicate key 'approvers'"),
	BAD("approvers_unknown_role", "[role a]\nmembers = x\n"
	    "[credential c]\npath = /x\nroles = a\napprovals = 1\n"
	    "approvers = a, leads\n", 7,
	    "[credential c] names unknown role 'leads' in 'approvers'"),
	BAD("approvers_without_approvals", "[role a]\nmembers = x\n"
	    "[credential c]\npath = /x\nroles = a\n\napprovers = a\n"
	    "approval_ttl = 5m\n", 7,
	    "[credential c] sets 'approvers' but not 'approvals' (no "
	    "approval would be asked for)"),
	BAD("approval_ttl_with_zero_approvals", "[role a]\nmembers = x\n"
	    "[credential c]\napproval_ttl = 5m\npath = /x\nroles = a\n"
	    "approvals = 0\n", 4, "sets 'approval_ttl' but not 'approvals'"),
	BAD("approval_uses_without_approvals", "[role a]\nmembers = x\n"
	    "[credential c]\npath = /x\nroles = a\napproval_uses = 2\n", 6,
	    "sets 'approval_uses' but not 'approvals'"),
	BAD("roles_empty_item", "[credential c]\nroles = ,a\n", 2,
	    "empty item in 'roles'"),
	BAD("roles_bad_name", "[credential c]\nroles = a/b\n", 2,
	    "invalid role name 'a/b' in 'roles'"),
	BAD("section_bad_role_name", "[role -x]\n", 1,
	    "invalid role name '-x'"),
	BAD("section_bad_credential_name", "[credential a/b]\n", 1,
	    "invalid credential name 'a/b'"),
	BAD("section_name_too_long", "[role abcdefghijklmnopqrstuvwxyzABCD"
	    "EFGHIJKLMNOPQRSTUVWXYZ0123456789_-]\n", 1, "invalid role name"),
	BAD("unterminated_header", D "[role x\n", 2,
	    "unterminated section header"),
	BAD("header_without_name", "[role]\n", 1, "[role] needs a name"),
	BAD("header_two_names", "[credential a b]\n", 1,
	    "[credential NAME] takes exactly one name"),
	BAD("defaults_with_name", "[defaults x]\n", 1,
	    "[defaults] takes no name"),
	BAD("text_after_header", "[role a] # ops\n", 1,
	    "unexpected text after ']'"),
	BAD("empty_header", "[ ]\n", 1, "empty section header"),
	BAD("empty_value", D "issuer =\n", 2, "empty value for 'issuer'"),
	BAD("blank_value", D "issuer = \t \n", 2, "empty value for 'issuer'"),
	BAD("empty_members", "[role a]\nmembers =\n", 2,
	    "empty value for 'members'"),
	BAD("no_equals", D "window 1\n", 2, "expected 'key = value'"),
	BAD("missing_key", D " = 1\n", 2, "missing key before '='"),
	BAD("issuer_too_long", D "issuer = "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\n", 2, "'issuer' is longer than 127 bytes"),
	BAD("credential_grace_range", "[credential c]\ngrace = 86401\n", 2,
	    "out of range (0..86400 seconds)"),
	BAD("credential_grace_negative", "[credential c]\ngrace = -1\n", 2,
	    "invalid value '-1' for 'grace'"),
	{ "overlong_line", NULL, 0, NULL, false, 3,
	  "line too long (more than 4096 bytes)" },
	BAD_LEN("nul_byte", D "issuer = a\0b\n", 2, "NUL byte at column 11"),
	BAD_LEN("nul_in_comment", "# a\0\n", 1, "NUL byte at column 4"),
	BAD("invalid_utf8", "[credential c]\ndescription = caf\xe9\n", 2,
	    "invalid UTF-8 at column 18"),
	BAD("overlong_utf8", "[credential c]\ndescription = \xc0\xaf\n", 2,
	    "invalid UTF-8"),
	BAD("utf8_surrogate", "[credential c]\ndescription = \xed\xa0\x80\n",
	    2, "invalid UTF-8"),
	BAD("utf8_truncated", "[credential c]\ndescription = \xe2\x82", 2,
	    "invalid UTF-8"),
	BAD("utf8_above_max", "# \xf4\x90\x80\x80\n", 1, "invalid UTF-8"),
	BAD("control_char", "[credential c]\ndescription = \x1b[31mred\n", 2,
	    "control character at column 15"),
	BAD("c1_control", "# \xc2\x85\n", 1, "control character"),
	BAD("lone_cr", D "issuer = a\rb\n", 2, "control character"),
	BAD("del_char", D "issuer = a\x7f\n", 2, "control character"),
	/* [scan] */
	BAD("scan_unknown_key", "[scan]\npath = /home\n", 2,
	    "unknown key 'path' in [scan]"),
	BAD("scan_with_name", "[scan x]\n", 1, "[scan] takes no name"),
	BAD("scan_duplicate", "[scan]\nmin_length = 12\n\n[scan]\n", 4,
	    "duplicate section [scan] (first at " MAIN ":1)"),
	BAD_DROP("scan_duplicate_across_files", "[scan]\nmin_length = 12\n",
		 "[scan]\n", 1, "duplicate section [scan] (first at " MAIN ":1)"),
	BAD("scan_relative_path", "[scan]\npaths = /home, srv\n", 2,
	    "'paths' must be an absolute path, not 'srv'"),
	BAD("scan_paths_empty_item", "[scan]\npaths = /home,,/srv\n", 2,
	    "empty item in 'paths'"),
	BAD("scan_exclude_relative_with_slash",
	    "[scan]\nexclude = *.iso, cache/x\n", 2,
	    "'cache/x' in 'exclude' must be an absolute path or pattern"),
	BAD("scan_min_length_small", "[scan]\nmin_length = 3\n", 2,
	    "value '3' for 'min_length' is out of range (4..4096)"),
	BAD("scan_min_length_word", "[scan]\nmin_length = ten\n", 2,
	    "invalid value 'ten' for 'min_length'"),
	BAD("scan_size_suffix", "[scan]\nmax_file_size = 64MB\n", 2,
	    "invalid value '64MB' for 'max_file_size': expected bytes, or a "
	    "number with suffix K, M or G"),
	BAD("scan_size_zero", "[scan]\nmax_file_size = 0\n", 2,
	    "value '0' for 'max_file_size' is out of range (1..1G)"),
	BAD("scan_size_too_big", "[scan]\nmax_file_size = 2G\n", 2,
	    "out of range (1..1G)"),
	BAD("scan_size_overflow",
	    "[scan]\nmax_file_size = 99999999999999999999999K\n", 2,
	    "out of range (1..1G)"),
	BAD("scan_size_suffix_alone", "[scan]\nmax_file_size = M\n", 2,
	    "invalid value 'M'"),
	BAD("scan_size_sign", "[scan]\nmax_file_size = -1\n", 2,
	    "invalid value '-1'"),
};

/* Line 3 is one byte too long. */
static char *make_long_line(void)
{
	const char *head = "[defaults]\nwindow = 1\n# ";
	size_t hl = strlen(head), body = CG_CONFIG_LINE_MAX + 1 - 2;
	char *text = malloc(hl + body + 2);

	assert_non_null(text);
	memcpy(text, head, hl);
	memset(text + hl, 'x', body);
	strcpy(text + hl + body, "\n");
	return text;
}

static void test_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct cg_config *cfg = cg_config_new();
	char *generated = NULL;
	const char *text = c->text;
	struct cg_diag diag;
	cg_err err;

	assert_non_null(cfg);
	if (text == NULL)
		text = generated = make_long_line();
	err = parse_two(cfg, text, c->len != 0 ? c->len : strlen(text),
			c->drop, &diag);
	assert_int_equal(err, CG_E_PARSE);
	assert_string_equal(diag.file, c->in_drop ? DROP : MAIN);
	assert_int_equal(diag.line, c->line);
	assert_contains(diag.message, c->msg);
	assert_printable(diag.message);
	cg_config_free(cfg);
	free(generated);
}

/* ---- the loader: files in a temporary directory ---------------------- */

struct fixture {
	char dir[64];
	char conf[128];
	char dropdir[128];
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/cg-conf-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->conf, sizeof(f->conf), "%s/credgate.conf", f->dir);
	snprintf(f->dropdir, sizeof(f->dropdir), "%s/credgate.d", f->dir);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	return remove(path);
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void write_in(const char *dir, const char *name, const char *text,
		     mode_t mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, mode);
}

static void make_dropdir(const struct fixture *f, mode_t mode)
{
	assert_int_equal(mkdir(f->dropdir, 0700), 0);
	assert_int_equal(chmod(f->dropdir, mode), 0);
}

/* Expect a refusal: code, the file named, no line, and the reason. */
static void expect_load_error(const char *conf, cg_err want,
			      const char *file, unsigned line,
			      const char *msg)
{
	struct cg_config *cfg = (struct cg_config *)&cfg;
	struct cg_diag diag;
	char formatted[PATH_MAX + 300], prefix[PATH_MAX + 16];

	assert_int_equal(cg_config_load(conf, &cfg, &diag), want);
	assert_null(cfg);
	assert_string_equal(diag.file, file);
	assert_int_equal(diag.line, line);
	assert_contains(diag.message, msg);
	assert_printable(diag.message);
	cg_diag_format(&diag, formatted, sizeof(formatted));
	if (line != 0)
		snprintf(prefix, sizeof(prefix), "%s:%u: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	assert_int_equal(strncmp(formatted, prefix, strlen(prefix)), 0);
}

static void test_load_full(void **state)
{
	struct fixture *f = *state;
	struct cg_config *cfg = NULL;
	struct cg_diag diag;
	char drop[256];

	write_file(f->conf, full_main, 0644);
	make_dropdir(f, 0755);
	write_in(f->dropdir, "50-extra.conf", full_drop, 0600);
	/* Not drop-ins, so never opened (these would all be refused):
	 * another suffix, hidden names such as editor swap and lock files. */
	write_in(f->dropdir, "README", "not a config\n", 0644);
	write_in(f->dropdir, "50-extra.conf.bak", "garbage\n", 0644);
	write_in(f->dropdir, ".50-extra.conf.swp", "garbage\n", 0666);
	write_in(f->dropdir, ".hidden.conf", "garbage\n", 0666);
	write_in(f->dropdir, ".conf", "garbage\n", 0644);
	snprintf(drop, sizeof(drop), "%s/.#50-extra.conf", f->dropdir);
	assert_int_equal(symlink("root@host.1234:1700000000", drop), 0);
	assert_int_equal(cg_config_load(f->conf, &cfg, &diag), CG_OK);
	assert_non_null(cfg);
	snprintf(drop, sizeof(drop), "%s/50-extra.conf", f->dropdir);
	check_full_defaults(cfg);
	check_full_roles(cfg, f->conf, drop);
	check_full_credentials(cfg, f->conf, drop);
	assert_string_equal(cfg->defaults_file, f->conf);
	cg_config_free(cfg);
}

static void test_load_without_dropins(void **state)
{
	struct fixture *f = *state;
	struct cg_config *cfg = NULL;
	struct cg_diag diag;

	write_file(f->conf, "[role a]\nmembers = x\n", 0600);
	assert_int_equal(cg_config_load(f->conf, &cfg, &diag), CG_OK);
	assert_int_equal(cfg->nroles, 1);
	cg_config_free(cfg);
}

/* Drop-ins are read in strcmp order, whatever order they were made in:
 * the second definition is the one in the later name. */
static void test_load_dropin_order(void **state)
{
	struct fixture *f = *state;
	char second[256];

	write_file(f->conf, "# only drop-ins\n", 0644);
	make_dropdir(f, 0700);
	write_in(f->dropdir, "20-b.conf", "\n[role r]\nmembers = b\n", 0644);
	write_in(f->dropdir, "10-a.conf", "[role r]\nmembers = a\n", 0644);
	write_in(f->dropdir, "1-z.conf", "# empty\n", 0644);
	snprintf(second, sizeof(second), "%s/20-b.conf", f->dropdir);
	expect_load_error(f->conf, CG_E_PARSE, second, 2,
			  "duplicate section [role r] (first at ");
}

static void test_load_group_writable(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "[role a]\nmembers = x\n", 0664);
	expect_load_error(f->conf, CG_E_MODE, f->conf, 0,
			  "unsafe permissions: mode 0664, writable by group "
			  "or others");
}

static void test_load_world_writable(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "[role a]\nmembers = x\n", 0646);
	expect_load_error(f->conf, CG_E_MODE, f->conf, 0,
			  "unsafe permissions");
}

static void test_load_symlink(void **state)
{
	struct fixture *f = *state;
	char real[256];

	snprintf(real, sizeof(real), "%s/real.conf", f->dir);
	write_file(real, "[role a]\nmembers = x\n", 0644);
	assert_int_equal(symlink(real, f->conf), 0);
	expect_load_error(f->conf, CG_E_SYMLINK, f->conf, 0,
			  "symbolic link");
}

static void test_load_missing(void **state)
{
	struct fixture *f = *state;

	expect_load_error(f->conf, CG_E_NOENT, f->conf, 0, "no such file");
}

static void test_load_not_regular(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(f->conf, 0755), 0);
	expect_load_error(f->conf, CG_E_NOTREG, f->conf, 0,
			  "not a regular file");
}

static void test_load_too_big(void **state)
{
	struct fixture *f = *state;
	size_t n = CG_CONFIG_MAX_BYTES + 1;
	char *text = malloc(n + 1);

	assert_non_null(text);
	memset(text, '\n', n);
	text[n] = '\0';
	write_file(f->conf, text, 0644);
	free(text);
	expect_load_error(f->conf, CG_E_TOOBIG, f->conf, 0, "larger than");
}

static void test_load_parse_error_in_main(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "[defaults]\n\nlockout = forever\n", 0644);
	expect_load_error(f->conf, CG_E_PARSE, f->conf, 3,
			  "invalid value 'forever' for 'lockout'");
}

static void test_dropin_group_writable(void **state)
{
	struct fixture *f = *state;
	char bad[256];

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	make_dropdir(f, 0755);
	write_in(f->dropdir, "10-ok.conf", "[role b]\nmembers = y\n", 0644);
	write_in(f->dropdir, "20-bad.conf", "[role c]\nmembers = z\n", 0664);
	snprintf(bad, sizeof(bad), "%s/20-bad.conf", f->dropdir);
	expect_load_error(f->conf, CG_E_MODE, bad, 0,
			  "unsafe permissions: mode 0664, writable by group "
			  "or others");
}

static void test_dropin_symlink(void **state)
{
	struct fixture *f = *state;
	char link[256], real[256];

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	make_dropdir(f, 0755);
	snprintf(real, sizeof(real), "%s/real.conf", f->dir);
	write_file(real, "[role b]\nmembers = y\n", 0644);
	snprintf(link, sizeof(link), "%s/30-link.conf", f->dropdir);
	assert_int_equal(symlink(real, link), 0);
	expect_load_error(f->conf, CG_E_SYMLINK, link, 0, "symbolic link");
}

static void test_dropin_dir_group_writable(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	make_dropdir(f, 0775);
	expect_load_error(f->conf, CG_E_MODE, f->dropdir, 0,
			  "unsafe permissions");
}

static void test_dropin_dir_is_file(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	write_file(f->dropdir, "", 0644);
	expect_load_error(f->conf, CG_E_NOTREG, f->dropdir, 0,
			  "not a directory");
}

static void test_dropin_dir_symlink(void **state)
{
	struct fixture *f = *state;
	char real[256];

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	snprintf(real, sizeof(real), "%s/elsewhere", f->dir);
	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(symlink(real, f->dropdir), 0);
	expect_load_error(f->conf, CG_E_SYMLINK, f->dropdir, 0,
			  "symbolic link");
}

static void test_dropin_parse_error(void **state)
{
	struct fixture *f = *state;
	char bad[256];

	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	make_dropdir(f, 0755);
	write_in(f->dropdir, "10-bad.conf", "[credential c]\npath = /x\n"
		 "roles = a\nrole = b\n", 0644);
	snprintf(bad, sizeof(bad), "%s/10-bad.conf", f->dropdir);
	expect_load_error(f->conf, CG_E_PARSE, bad, 4,
			  "unknown key 'role' in [credential c]");
}

/* Roles are checked once every file is read: a credential of the main
 * file may name a role of a drop-in, and an unknown one is reported at
 * its file and line even when the file is a drop-in. */
static void test_validate_after_all_files(void **state)
{
	struct fixture *f = *state;
	char drop[256];

	write_file(f->conf, "[credential c]\npath = /x\nroles = late\n", 0644);
	make_dropdir(f, 0755);
	write_in(f->dropdir, "10-x.conf", "[role late]\nmembers = l\n"
		 "[credential d]\npath = /y\n\nroles = late, missing\n", 0644);
	snprintf(drop, sizeof(drop), "%s/10-x.conf", f->dropdir);
	expect_load_error(f->conf, CG_E_PARSE, drop, 6,
			  "[credential d] names unknown role 'missing'");
	write_in(f->dropdir, "20-y.conf", "[role missing]\nmembers = m\n",
		 0644);
	{
		struct cg_config *cfg = NULL;
		struct cg_diag diag;

		assert_int_equal(cg_config_load(f->conf, &cfg, &diag), CG_OK);
		cg_config_free(cfg);
	}
}

static void test_load_wrong_owner(void **state)
{
	struct fixture *f = *state;
	char drop[256];

	if (geteuid() != 0)
		skip();
	write_file(f->conf, "[role a]\nmembers = x\n", 0644);
	assert_int_equal(chown(f->conf, 65534, 65534), 0);
	expect_load_error(f->conf, CG_E_OWNER, f->conf, 0,
			  "wrong owner: uid 65534, must be root");
	assert_int_equal(chown(f->conf, 0, 0), 0);
	make_dropdir(f, 0755);
	write_in(f->dropdir, "10-x.conf", "[role b]\nmembers = y\n", 0644);
	snprintf(drop, sizeof(drop), "%s/10-x.conf", f->dropdir);
	assert_int_equal(chown(drop, 65534, 0), 0);
	expect_load_error(f->conf, CG_E_OWNER, drop, 0,
			  "wrong owner: uid 65534, must be root");
}

/* The directory holding the policy is on the way too: owned by someone
 * else, writable by others, or swapped for a symlink, it is refused and
 * named (the policy file itself may be perfect). */
static void test_load_dir_on_the_way(void **state)
{
	struct fixture *f = *state;
	char sub[160], conf[200], link[160], msg[400];

	snprintf(sub, sizeof(sub), "%s/etc", f->dir);
	snprintf(conf, sizeof(conf), "%s/credgate.conf", sub);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_file(conf, "[role a]\nmembers = x\n", 0644);
	assert_int_equal(chmod(sub, 0775), 0);
	snprintf(msg, sizeof(msg), "directory %s on the way has unsafe "
		 "permissions: mode 0775, writable by group or others", sub);
	expect_load_error(conf, CG_E_MODE, conf, 0, msg);
	assert_int_equal(chmod(sub, 0755), 0);
	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink("etc", link), 0);
	snprintf(conf, sizeof(conf), "%s/credgate.conf", link);
	snprintf(msg, sizeof(msg), "directory %s on the way is a symbolic "
		 "link; refusing to follow it", link);
	expect_load_error(conf, CG_E_SYMLINK, conf, 0, msg);
	if (geteuid() != 0)
		return;
	snprintf(conf, sizeof(conf), "%s/credgate.conf", sub);
	assert_int_equal(chown(sub, 65534, 65534), 0);
	snprintf(msg, sizeof(msg), "directory %s on the way has the wrong "
		 "owner: uid 65534, must be root", sub);
	expect_load_error(conf, CG_E_OWNER, conf, 0, msg);
}

#define FIX(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, \
						fixture_teardown)

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_full_valid),
	cmocka_unit_test(test_defaults_when_absent),
	cmocka_unit_test(test_grace_dir),
	cmocka_unit_test(test_values_accepted),
	cmocka_unit_test(test_scan_section),
	cmocka_unit_test(test_lexical_edges),
	cmocka_unit_test(test_member_until),
	cmocka_unit_test(test_write_keys),
	cmocka_unit_test(test_approval_keys),
	cmocka_unit_test(test_name_valid),
	cmocka_unit_test(test_diag_format),
	cmocka_unit_test(test_message_escaping),
	cmocka_unit_test(test_bad_arguments),
	FIX(test_load_full),
	FIX(test_load_without_dropins),
	FIX(test_load_dropin_order),
	FIX(test_load_group_writable),
	FIX(test_load_world_writable),
	FIX(test_load_symlink),
	FIX(test_load_missing),
	FIX(test_load_not_regular),
	FIX(test_load_too_big),
	FIX(test_load_parse_error_in_main),
	FIX(test_load_dir_on_the_way),
	FIX(test_dropin_group_writable),
	FIX(test_dropin_symlink),
	FIX(test_dropin_dir_group_writable),
	FIX(test_dropin_dir_is_file),
	FIX(test_dropin_dir_symlink),
	FIX(test_dropin_parse_error),
	FIX(test_validate_after_all_files),
	FIX(test_load_wrong_owner),
	FIX(test_member_name_length),
};

int main(void)
{
	add_tests(fixed_tests, CG_ARRAY_SIZE(fixed_tests));
	/* One TAP line per broken policy, so a failure names the case. */
	for (size_t i = 0; i < CG_ARRAY_SIZE(bad_cases); i++)
		add_test(bad_cases[i].name, test_bad_case,
			 (void *)&bad_cases[i]);
	return _cmocka_run_group_tests("config", tests, ntests, NULL, NULL);
}
