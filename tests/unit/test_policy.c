/* Role resolution and decisions (lib/policy.c) against users and groups
 * served by nss_wrapper: direct user, primary group, supplementary group,
 * exclusions by user, by group and by an alias uid, unknown groups, a
 * user in no role, an unknown user, a credential with two roles, an
 * unknown credential, role=NAME lists.
 *
 * nss_wrapper must be preloaded and pointed at its files before the
 * first NSS call, so the program writes the files and re-executes itself
 * with LD_PRELOAD set (the ASan runtime first in a sanitizer build).  It
 * skips when nss_wrapper is not there. */
#include "config.h"
#include <dlfcn.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "conf.h"
#include "policy.h"

#ifndef CG_ASAN_RUNTIME
#define CG_ASAN_RUNTIME ""
#endif
#define CHILD_ENV "CG_POLICY_TEST_DIR"
#define NGROUPS_BIG 100         /* more than policy.c's first guess */
#define HUGE_MEMBERS 1000       /* a group entry larger than 4 KiB */

static const char passwd_text[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"alice:x:2001:2001::/home/alice:/bin/sh\n"
	"bob:x:2002:2002::/home/bob:/bin/sh\n"
	"carol:x:2003:3003::/home/carol:/bin/sh\n"   /* primary: mailers */
	"dave:x:2004:2004::/home/dave:/bin/sh\n"
	"eve:x:2005:2005::/home/eve:/bin/sh\n"
	"mallory:x:2006:2006::/home/mallory:/bin/sh\n"
	"mallory2:x:2006:2006::/home/mallory:/bin/sh\n" /* alias uid */
	"grouper:x:2007:2007::/home/grouper:/bin/sh\n"
	"frank:x:2008:2008::/home/frank:/bin/sh\n";

static const char policy_text[] =
	"[role mail]\n"
	"members = alice, %ops, !mallory\n"
	"[role billing]\n"
	"members = %mailers, zed\n"
	"[role admins]\n"
	"members = %ops, !%contractors\n"
	"[role ghosts]\n"
	"members = %nosuchgroup\n"
	"[role lenient]\n"
	"members = alice, !%alsonosuch\n"
	"[role noalice]\n"
	"members = dave, !alice\n"
	"[role last]\n"
	"members = %g99\n"
	"[role crowd]\n"
	"members = %huge\n"
	"[credential smtp]\n"
	"path = /etc/postfix/sasl_passwd\n"
	"roles = mail\n"
	"writers = admins\n"
	"[credential apikey]\n"
	"path = /srv/billing/api.key\n"
	"roles = billing, mail\n"
	"[credential mixed]\n"
	"path = /srv/mixed\n"
	"roles = noalice, mail\n"
	"[credential haunted]\n"
	"path = /srv/haunted\n"
	"roles = ghosts\n";

/* ---- the NSS sandbox --------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_group_file(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/group", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs("root:x:0:\n"
	      "ops:x:3001:bob,eve,mallory\n"
	      "contractors:x:3002:eve\n"
	      "mailers:x:3003:\n", f);
	/* grouper is in g0..g99: more groups than a first guess holds. */
	for (i = 0; i < NGROUPS_BIG; i++)
		fprintf(f, "g%d:x:%d:grouper\n", i, 4000 + i);
	/* huge: a member list far beyond a first getgrnam_r buffer, with
	 * frank at its very end. */
	fputs("huge:x:5000:", f);
	for (i = 0; i < HUGE_MEMBERS; i++)
		fprintf(f, "member%04d,", i);
	fputs("frank\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

static void remove_sandbox(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/passwd", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/group", dir);
	unlink(path);
	rmdir(dir);
}

/* In the parent: write the files, then run this program again with
 * nss_wrapper preloaded.  Returns only on failure. */
static int reexec_under_nss_wrapper(char **argv)
{
	char dir[] = "/tmp/cg-policy-test.XXXXXX", path[PATH_MAX];
	char preload[PATH_MAX * 2];

	if (mkdtemp(dir) == NULL || write_file(dir, "passwd", passwd_text) ||
	    write_group_file(dir)) {
		perror("test_policy: sandbox");
		return 99;
	}
	snprintf(preload, sizeof(preload), "%s%slibnss_wrapper.so",
		 CG_ASAN_RUNTIME, CG_ASAN_RUNTIME[0] != '\0' ? " " : "");
	snprintf(path, sizeof(path), "%s/passwd", dir);
	setenv("NSS_WRAPPER_PASSWD", path, 1);
	snprintf(path, sizeof(path), "%s/group", dir);
	setenv("NSS_WRAPPER_GROUP", path, 1);
	setenv("LD_PRELOAD", preload, 1);
	setenv(CHILD_ENV, dir, 1);
	/* argv[0], not /proc/self/exe: under valgrind the latter is
	 * valgrind's own tool binary. */
	execv(argv[0], argv);
	perror("test_policy: execv");
	remove_sandbox(dir);
	return 99;
}

static bool nss_wrapper_active(void)
{
	bool (*enabled)(void);

	*(void **)&enabled = dlsym(RTLD_DEFAULT, "nss_wrapper_enabled");
	return enabled != NULL && enabled();
}

/* ---- fixtures and helpers ---------------------------------------- */

static struct cg_config *cfg;

static int load_policy(void **state)
{
	struct cg_diag diag;

	(void)state;
	cfg = cg_config_new();
	if (cfg == NULL)
		return -1;
	if (cg_config_parse_buffer(cfg, "/etc/credgate/credgate.conf",
				   policy_text, strlen(policy_text),
				   &diag) != CG_OK ||
	    cg_config_validate(cfg, &diag) != CG_OK) {
		fprintf(stderr, "policy: line %u: %s\n", diag.line,
			diag.message);
		return -1;
	}
	return 0;
}

static int free_policy(void **state)
{
	(void)state;
	cg_config_free(cfg);
	cfg = NULL;
	return 0;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* Is user in role?  via gets the explanation. */
static bool in_role(const char *user, const char *role, char *via,
		    size_t viasz)
{
	struct cg_user_info u;
	const struct cg_role *r = cg_config_role(cfg, role);
	bool yes;

	assert_non_null(r);
	assert_int_equal(cg_user_info_lookup(user, &u), CG_OK);
	yes = cg_role_has_member(r, &u, via, viasz);
	cg_user_info_free(&u);
	return yes;
}

static void decide(const char *user, const char *credential,
		   struct cg_decision *d)
{
	assert_int_equal(cg_policy_check_credential(cfg, user, credential, d),
			 CG_OK);
}

/* ---- user lookup ------------------------------------------------- */

static void test_lookup_user(void **state)
{
	struct cg_user_info u;
	bool ops = false;

	(void)state;
	assert_int_equal(cg_user_info_lookup("bob", &u), CG_OK);
	assert_string_equal(u.name, "bob");
	assert_int_equal(u.uid, 2002);
	assert_true(u.ngids >= 2);
	assert_int_equal(u.gids[0], 2002);          /* primary first */
	for (int i = 0; i < u.ngids; i++)
		ops |= u.gids[i] == 3001;
	assert_true(ops);
	cg_user_info_free(&u);
	assert_null(u.gids);

	assert_int_equal(cg_user_info_lookup("carol", &u), CG_OK);
	assert_int_equal(u.gids[0], 3003);
	cg_user_info_free(&u);
}

static void test_lookup_unknown_user(void **state)
{
	struct cg_user_info u;

	(void)state;
	assert_int_equal(cg_user_info_lookup("nobody-here", &u), CG_E_NOENT);
	assert_null(u.gids);
	assert_int_equal(cg_user_info_lookup(NULL, &u), CG_E_INVAL);
}

static void test_lookup_many_groups(void **state)
{
	struct cg_user_info u;
	char via[128];

	(void)state;
	assert_int_equal(cg_user_info_lookup("grouper", &u), CG_OK);
	assert_int_equal(u.ngids, NGROUPS_BIG + 1);
	cg_user_info_free(&u);
	assert_true(in_role("grouper", "last", via, sizeof(via)));
	assert_string_equal(via, "group %g99");
}

/* ---- membership -------------------------------------------------- */

static void test_direct_user(void **state)
{
	char via[128];

	(void)state;
	assert_true(in_role("alice", "mail", via, sizeof(via)));
	assert_string_equal(via, "user alice");
}

static void test_primary_group(void **state)
{
	char via[128];

	(void)state;
	assert_true(in_role("carol", "billing", via, sizeof(via)));
	assert_string_equal(via, "group %mailers");
}

static void test_supplementary_group(void **state)
{
	char via[128];

	(void)state;
	assert_true(in_role("bob", "mail", via, sizeof(via)));
	assert_string_equal(via, "group %ops");
	assert_true(in_role("bob", "admins", via, sizeof(via)));
}

static void test_group_with_huge_member_list(void **state)
{
	char via[128];

	(void)state;
	assert_true(in_role("frank", "crowd", via, sizeof(via)));
	assert_string_equal(via, "group %huge");
	assert_false(in_role("alice", "crowd", via, sizeof(via)));
}

static void test_user_exclusion_beats_inclusion(void **state)
{
	char via[128];
	struct cg_decision d;

	(void)state;
	/* mallory is in %ops, which role mail includes. */
	assert_false(in_role("mallory", "mail", via, sizeof(via)));
	assert_string_equal(via, "excluded by !mallory");
	decide("mallory", "smtp", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXCLUDED);
	assert_string_equal(d.role, "mail");
	assert_string_equal(cg_policy_reason_name(d.reason), "excluded");
	assert_contains(d.explain, "role mail excludes mallory (!mallory)");
}

static void test_exclusion_covers_alias_uid(void **state)
{
	char via[128];

	(void)state;
	/* mallory2 has mallory's uid: another name, the same person. */
	assert_false(in_role("mallory2", "mail", via, sizeof(via)));
	assert_string_equal(via, "excluded by !mallory");
}

static void test_group_exclusion_beats_inclusion(void **state)
{
	char via[128];
	struct cg_decision d;
	const char *roles[] = { "admins" };

	(void)state;
	/* eve is in %ops (included) and in %contractors (excluded). */
	assert_false(in_role("eve", "admins", via, sizeof(via)));
	assert_string_equal(via, "excluded by !%contractors");
	assert_int_equal(cg_policy_check_roles(cfg, "eve", roles, 1, &d),
			 CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXCLUDED);
	assert_string_equal(d.role, "admins");
}

static void test_unknown_group(void **state)
{
	char via[128];
	struct cg_decision d;

	(void)state;
	assert_false(in_role("alice", "ghosts", via, sizeof(via)));
	assert_string_equal(via, "not a member; %nosuchgroup is not a known "
			    "group");
	decide("alice", "haunted", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	assert_contains(d.explain, "%nosuchgroup is not a known group");
	/* An unknown group excludes nobody either. */
	assert_true(in_role("alice", "lenient", via, sizeof(via)));
	assert_string_equal(via, "user alice; !%alsonosuch is not a known "
			    "group");
}

static void test_user_in_no_role(void **state)
{
	struct cg_decision d;
	char via[128];

	(void)state;
	assert_false(in_role("dave", "mail", via, sizeof(via)));
	assert_string_equal(via, "not a member");
	decide("dave", "smtp", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	assert_null(d.role);
	assert_string_equal(cg_policy_reason_name(d.reason), "not_in_role");
	assert_string_equal(d.explain,
			    "no role grants smtp to dave; roles checked: mail");
}

static void test_unknown_user(void **state)
{
	struct cg_decision d;
	const char *roles[] = { "mail" };

	(void)state;
	decide("nobody-here", "smtp", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_UNKNOWN_USER);
	assert_string_equal(cg_policy_reason_name(d.reason), "unknown_user");
	assert_int_equal(cg_policy_check_roles(cfg, "nobody-here", roles, 1,
					       &d), CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_UNKNOWN_USER);
}

/* ---- decisions --------------------------------------------------- */

static void test_grant_explained(void **state)
{
	struct cg_decision d;

	(void)state;
	decide("alice", "smtp", &d);
	assert_true(d.granted);
	assert_int_equal(d.reason, CG_POLICY_GRANTED);
	assert_string_equal(d.role, "mail");
	assert_string_equal(d.explain,
			    "role mail grants smtp: alice is listed by name");
	decide("bob", "smtp", &d);
	assert_true(d.granted);
	assert_string_equal(d.explain,
			    "role mail grants smtp: bob is a member via %ops");
}

static void test_credential_with_two_roles(void **state)
{
	struct cg_decision d;

	(void)state;
	decide("carol", "apikey", &d);
	assert_true(d.granted);
	assert_string_equal(d.role, "billing");
	decide("alice", "apikey", &d);
	assert_true(d.granted);
	assert_string_equal(d.role, "mail");
	decide("dave", "apikey", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	assert_contains(d.explain, "roles checked: billing, mail");
	/* mallory: not in billing, excluded from mail. */
	decide("mallory", "apikey", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXCLUDED);
	assert_string_equal(d.role, "mail");
}

static void test_exclusion_is_per_role(void **state)
{
	struct cg_decision d;

	(void)state;
	/* noalice excludes alice, mail includes her: mail grants. */
	decide("alice", "mixed", &d);
	assert_true(d.granted);
	assert_string_equal(d.role, "mail");
}

static void test_unknown_credential(void **state)
{
	struct cg_decision d;
	struct cg_user_info u;

	(void)state;
	decide("alice", "nosuch", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NO_CREDENTIAL);
	assert_null(d.role);
	assert_string_equal(cg_policy_reason_name(d.reason),
			    "no_such_credential");
	assert_string_equal(d.explain, "no credential nosuch in the policy");
	/* Decided before the user is looked up. */
	decide("nobody-here", "nosuch", &d);
	assert_int_equal(d.reason, CG_POLICY_NO_CREDENTIAL);
	/* A name no policy can hold is not echoed. */
	decide("alice", "../\x1b[2J", &d);
	assert_int_equal(d.reason, CG_POLICY_NO_CREDENTIAL);
	assert_string_equal(d.explain, "not a valid credential name");
	assert_int_equal(cg_user_info_lookup("alice", &u), CG_OK);
	assert_int_equal(cg_policy_decide_credential(cfg, &u, "nosuch", &d),
			 CG_OK);
	assert_int_equal(d.reason, CG_POLICY_NO_CREDENTIAL);
	cg_user_info_free(&u);
}

/* Writers are their own list: a reader is not a writer, nor the
 * reverse, and a credential without writers is written by nobody. */
static void test_write_access(void **state)
{
	struct cg_decision d;
	enum cg_access a;

	(void)state;
	assert_int_equal(cg_policy_check_access(cfg, "bob", "smtp",
						CG_ACCESS_WRITE, &d), CG_OK);
	assert_true(d.granted);
	assert_string_equal(d.role, "admins");
	assert_contains(d.explain, "role admins grants writing smtp");
	assert_int_equal(cg_policy_check_access(cfg, "bob", "smtp",
						CG_ACCESS_READ, &d), CG_OK);
	assert_true(d.granted);         /* bob reads through %ops in mail */
	assert_int_equal(cg_policy_check_access(cfg, "alice", "smtp",
						CG_ACCESS_WRITE, &d), CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	assert_contains(d.explain, "no role grants writing smtp to alice");
	assert_int_equal(cg_policy_check_access(cfg, "eve", "smtp",
						CG_ACCESS_WRITE, &d), CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXCLUDED);
	assert_int_equal(cg_policy_check_access(cfg, "carol", "apikey",
						CG_ACCESS_WRITE, &d), CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	assert_string_equal(d.explain, "apikey has no writers (no 'writers =' "
			    "in its section)");
	assert_int_equal(cg_policy_check_access(cfg, "bob", "nosuch",
						CG_ACCESS_WRITE, &d), CG_OK);
	assert_int_equal(d.reason, CG_POLICY_NO_CREDENTIAL);

	assert_true(cg_access_parse(NULL, &a) && a == CG_ACCESS_READ);
	assert_true(cg_access_parse("read", &a) && a == CG_ACCESS_READ);
	assert_true(cg_access_parse("write", &a) && a == CG_ACCESS_WRITE);
	assert_false(cg_access_parse("Write", &a));
	assert_false(cg_access_parse("", &a));
	assert_string_equal(cg_access_name(CG_ACCESS_WRITE), "write");
	assert_string_equal(cg_access_name(CG_ACCESS_READ), "read");
}

static void test_decide_roles(void **state)
{
	struct cg_decision d;
	const char *both[] = { "billing", "mail" };
	const char *typo[] = { "mail", "mial" };

	(void)state;
	assert_int_equal(cg_policy_check_roles(cfg, "alice", both, 2, &d),
			 CG_OK);
	assert_true(d.granted);
	assert_string_equal(d.role, "mail");
	assert_string_equal(d.explain, "role mail: alice is listed by name");
	assert_int_equal(cg_policy_check_roles(cfg, "dave", both, 2, &d),
			 CG_OK);
	assert_false(d.granted);
	assert_string_equal(d.explain,
			    "dave holds none of the roles billing, mail");
	/* A role the policy lacks is an error, even for a member of the
	 * other role, and even for an unknown user. */
	assert_int_equal(cg_policy_check_roles(cfg, "alice", typo, 2, &d),
			 CG_E_NOENT);
	assert_false(d.granted);
	assert_string_equal(d.role, "mial");
	assert_string_equal(d.explain, "no [role mial] in the policy");
	assert_int_equal(cg_policy_check_roles(cfg, "nobody-here", typo, 2,
					       &d), CG_E_NOENT);
}

/* "until DATE": out from that instant, for a user and for a %group;
 * the decision says so; an expired entry next to a valid one, in the
 * same role or another, does not deny; exclusions still win.  Dates are
 * a day either side of now. */
static void test_expiring_membership(void **state)
{
	struct cg_config *saved = cfg, *tcfg = cg_config_new();
	struct cg_diag diag;
	struct cg_decision d;
	char past[32], future[32], text[1024], via[512];
	const char *temp[] = { "temp" };
	time_t now = time(NULL), p = now - 86400, f = now + 86400;
	struct tm tp, tf;

	(void)state;
	assert_non_null(tcfg);
	gmtime_r(&p, &tp);
	gmtime_r(&f, &tf);
	strftime(past, sizeof(past), "%Y-%m-%dT%H:%M:%SZ", &tp);
	strftime(future, sizeof(future), "%Y-%m-%dT%H:%M:%SZ", &tf);
	snprintf(text, sizeof(text),
		 "[role temp]\nmembers = alice, bob until %s, %%contractors "
		 "until %s, carol until %s, dave until %s, dave\n"
		 "[role later]\nmembers = bob until %s\n"
		 "[role strict]\nmembers = mallory until %s, !mallory\n"
		 "[credential t]\npath = /t\nroles = temp\n"
		 "[credential both]\npath = /b\nroles = temp, later\n"
		 "[credential s]\npath = /s\nroles = strict\n",
		 past, past, future, past, future, future);
	assert_int_equal(cg_config_parse_buffer(tcfg, "/etc/x.conf", text,
						strlen(text), &diag), CG_OK);
	assert_int_equal(cg_config_validate(tcfg, &diag), CG_OK);
	cfg = tcfg;

	decide("bob", "t", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXPIRED);
	assert_string_equal(cg_policy_reason_name(d.reason),
			    "membership_expired");
	assert_string_equal(d.role, "temp");
	assert_contains(d.explain, "membership of bob in role temp expired on ");
	assert_contains(d.explain, "roles checked: temp");
	assert_false(in_role("bob", "temp", via, sizeof(via)));
	assert_contains(via, "not a member; membership of bob in role temp "
			"expired on ");

	/* eve is in contractors: the group's entry has lapsed. */
	decide("eve", "t", &d);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXPIRED);
	assert_contains(d.explain, "membership of eve (via %contractors) in "
			"role temp expired on ");
	assert_int_equal(cg_policy_check_roles(cfg, "eve", temp, 1, &d),
			 CG_OK);
	assert_false(d.granted);
	assert_int_equal(d.reason, CG_POLICY_EXPIRED);

	/* Not yet: granted, and the explanation gives the end. */
	decide("carol", "t", &d);
	assert_true(d.granted);
	assert_contains(d.explain, "carol is listed by name until ");
	/* A lapsed entry beside a lasting one. */
	decide("dave", "t", &d);
	assert_true(d.granted);
	assert_string_equal(d.explain, "role temp grants t: dave is listed "
			    "by name");
	/* Lapsed in one role, current in another. */
	decide("bob", "both", &d);
	assert_true(d.granted);
	assert_string_equal(d.role, "later");
	/* Someone who was never listed is not told about others. */
	decide("frank", "t", &d);
	assert_int_equal(d.reason, CG_POLICY_NOT_IN_ROLE);
	/* The exclusion still wins over a current inclusion. */
	decide("mallory", "s", &d);
	assert_int_equal(d.reason, CG_POLICY_EXCLUDED);

	cfg = saved;
	cg_config_free(tcfg);
}

static void test_bad_arguments(void **state)
{
	struct cg_decision d;
	struct cg_user_info u;
	char via[16] = "x";

	(void)state;
	assert_int_equal(cg_policy_check_credential(NULL, "alice", "smtp", &d),
			 CG_E_INVAL);
	assert_int_equal(cg_policy_check_credential(cfg, NULL, "smtp", &d),
			 CG_E_INVAL);
	assert_int_equal(cg_policy_check_roles(cfg, "alice", NULL, 1, &d),
			 CG_E_INVAL);
	assert_false(cg_role_has_member(NULL, NULL, via, sizeof(via)));
	assert_string_equal(via, "");
	assert_int_equal(cg_user_info_lookup("alice", &u), CG_OK);
	/* A small via buffer is cut, never overrun. */
	assert_false(cg_role_has_member(cg_config_role(cfg, "ghosts"), &u,
					via, sizeof(via)));
	assert_int_equal(strlen(via), sizeof(via) - 1);
	cg_user_info_free(&u);
	cg_user_info_free(NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_user),
		cmocka_unit_test(test_lookup_unknown_user),
		cmocka_unit_test(test_lookup_many_groups),
		cmocka_unit_test(test_direct_user),
		cmocka_unit_test(test_primary_group),
		cmocka_unit_test(test_supplementary_group),
		cmocka_unit_test(test_group_with_huge_member_list),
		cmocka_unit_test(test_user_exclusion_beats_inclusion),
		cmocka_unit_test(test_exclusion_covers_alias_uid),
		cmocka_unit_test(test_group_exclusion_beats_inclusion),
		cmocka_unit_test(test_unknown_group),
		cmocka_unit_test(test_user_in_no_role),
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_grant_explained),
		cmocka_unit_test(test_credential_with_two_roles),
		cmocka_unit_test(test_exclusion_is_per_role),
		cmocka_unit_test(test_unknown_credential),
		cmocka_unit_test(test_decide_roles),
		cmocka_unit_test(test_write_access),
		cmocka_unit_test(test_expiring_membership),
		cmocka_unit_test(test_bad_arguments),
	};
	const char *dir = getenv(CHILD_ENV);
	int rc;

	(void)argc;
	if (dir == NULL)
		return reexec_under_nss_wrapper(argv);
	if (!nss_wrapper_active()) {
		remove_sandbox(dir);
		printf("1..0 # SKIP nss_wrapper (libnss_wrapper.so) not "
		       "available\n");
		return 0;
	}
	rc = cmocka_run_group_tests(tests, load_policy, free_policy);
	remove_sandbox(dir);
	return rc;
}
