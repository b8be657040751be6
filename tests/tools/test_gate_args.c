/* The gate's argument parser (tools/gate_args.c): every command, every
 * refusal, and that names are validated by the parser itself, before the
 * gate looks anything up with privilege. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "gate_args.h"
#include "cg_macros.h"

#define ARGV(...) ((char *[]){ "credgate", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(CG_ARRAY_SIZE(v)) - 1)
#define PARSE(a, ...) parse(a, ARGV(__VA_ARGS__), \
			     ARGC(((char *[]){ "credgate", __VA_ARGS__, NULL })))

static bool parse(struct gate_args *a, char **argv, int argc)
{
	bool ok = gate_args_parse(argc, argv, a);
	if (!ok) {
		assert_non_null(a->error);
		assert_int_equal(a->cmd, GATE_CMD_NONE);
	}
	return ok;
}

static void test_commands(void **state)
{
	struct gate_args a;
	(void)state;

	assert_true(PARSE(&a, "list"));
	assert_int_equal(a.cmd, GATE_CMD_LIST);
	assert_null(a.config);
	assert_true(PARSE(&a, "cat", "smtp"));
	assert_int_equal(a.cmd, GATE_CMD_CAT);
	assert_string_equal(a.credential, "smtp");
	assert_true(PARSE(&a, "check", "alice", "billing-api"));
	assert_int_equal(a.cmd, GATE_CMD_CHECK);
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.credential, "billing-api");
	assert_true(PARSE(&a, "--help"));
	assert_int_equal(a.cmd, GATE_CMD_HELP);
	assert_true(PARSE(&a, "help"));
	assert_int_equal(a.cmd, GATE_CMD_HELP);
	assert_true(PARSE(&a, "-V"));
	assert_int_equal(a.cmd, GATE_CMD_VERSION);
	assert_true(PARSE(&a, "--config", "/etc/x.conf", "--version"));
	assert_int_equal(a.cmd, GATE_CMD_VERSION);
}

/* Errors about one word say which (the tools print it, escaped). */
static void test_error_names_the_word(void **state)
{
	struct gate_args a;
	(void)state;

	assert_false(PARSE(&a, "frobnicate"));
	assert_string_equal(a.error, "unknown command");
	assert_string_equal(a.error_word, "frobnicate");
	assert_false(PARSE(&a, "cat"));
	assert_string_equal(a.error, "wrong number of arguments for");
	assert_string_equal(a.error_word, "cat");
	assert_false(PARSE(&a, "--frob", "list"));
	assert_string_equal(a.error, "unknown option");
	assert_string_equal(a.error_word, "--frob");
	assert_false(PARSE(&a, "cat", "../x"));
	assert_null(a.error_word);
}

static void test_run(void **state)
{
	struct gate_args a;
	char **v = ARGV("run", "smtp", "--", "mail", "-s", "--", "x");
	(void)state;

	assert_true(parse(&a, v, 8));
	assert_int_equal(a.cmd, GATE_CMD_RUN);
	assert_null(a.env_var);
	assert_int_equal(a.ncommand, 4);
	assert_ptr_equal(a.command, v + 4);
	assert_null(a.command[a.ncommand]);
	assert_true(PARSE(&a, "run", "smtp", "--env", "SMTP_PASS", "--", "x"));
	assert_string_equal(a.env_var, "SMTP_PASS");
	assert_string_equal(a.command[0], "x");
	assert_true(PARSE(&a, "run", "smtp", "--env=_x1", "--", "x"));
	assert_string_equal(a.env_var, "_x1");
	/* the command's own options are its business */
	assert_true(PARSE(&a, "run", "smtp", "--", "--env", "LD_PRELOAD"));
	assert_null(a.env_var);
}

/* --json: list, check and requests only, before or after their
 * operands, once. */
static void test_json(void **state)
{
	struct gate_args a;
	(void)state;

	assert_true(PARSE(&a, "list"));
	assert_false(a.json);
	assert_true(PARSE(&a, "list", "--json"));
	assert_int_equal(a.cmd, GATE_CMD_LIST);
	assert_true(a.json);
	assert_true(PARSE(&a, "check", "--json", "alice", "smtp"));
	assert_true(a.json);
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.credential, "smtp");
	assert_true(PARSE(&a, "check", "alice", "smtp", "--json"));
	assert_true(a.json);
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.credential, "smtp");
	assert_false(PARSE(&a, "check", "alice", "--json", "smtp"));
	assert_false(PARSE(&a, "list", "--json", "--json"));
	assert_false(PARSE(&a, "cat", "--json"));
	assert_false(PARSE(&a, "cat", "smtp", "--json"));
	assert_false(PARSE(&a, "--json", "list"));
	assert_true(PARSE(&a, "requests", "--json"));
	assert_int_equal(a.cmd, GATE_CMD_REQUESTS);
	assert_true(a.json);
	assert_false(PARSE(&a, "requests", "--json", "--json"));
	assert_false(PARSE(&a, "request", "prod-db", "--json"));
	assert_false(PARSE(&a, "approve", "k7q2-9fx3", "--json"));
}

static void test_config(void **state)
{
	struct gate_args a;
	(void)state;

	assert_true(PARSE(&a, "--config", "/etc/c.conf", "list"));
	assert_string_equal(a.config, "/etc/c.conf");
	assert_true(PARSE(&a, "--config=/etc/c.conf", "cat", "x"));
	assert_string_equal(a.config, "/etc/c.conf");
	assert_false(PARSE(&a, "--config", "relative.conf", "list"));
	assert_false(PARSE(&a, "--config=", "list"));
	assert_false(PARSE(&a, "--config"));
	assert_false(PARSE(&a, "--config", "/a", "--config", "/b", "list"));
	/* global options go before the command */
	assert_false(PARSE(&a, "list", "--config", "/etc/c.conf"));
}

static void test_refused(void **state)
{
	struct gate_args a;
	(void)state;

	assert_false(gate_args_parse(0, (char *[]){ NULL }, &a));
	assert_non_null(a.error);
	assert_false(PARSE(&a, "--bogus", "list"));
	assert_false(PARSE(&a, "-"));
	assert_false(PARSE(&a, "nosuch"));
	assert_false(PARSE(&a, "list", "extra"));
	assert_false(PARSE(&a, "cat"));
	assert_false(PARSE(&a, "cat", "a", "b"));
	assert_false(PARSE(&a, "check", "alice"));
	assert_false(PARSE(&a, "run", "smtp"));
	assert_false(PARSE(&a, "run", "smtp", "cmd"));
	assert_false(PARSE(&a, "run", "smtp", "--"));
	assert_false(PARSE(&a, "run", "smtp", "--", ""));
	assert_false(PARSE(&a, "run", "smtp", "--env", "--", "x"));
	assert_false(PARSE(&a, "run", "smtp", "--env", "A", "--env", "B", "--", "x"));
	assert_false(PARSE(&a, "run", "smtp", "--env"));
}

static void test_names(void **state)
{
	struct gate_args a;
	(void)state;

	assert_false(PARSE(&a, "cat", "../etc/shadow"));
	assert_false(PARSE(&a, "cat", "/etc/shadow"));
	assert_false(PARSE(&a, "cat", ""));
	assert_false(PARSE(&a, "cat", "-x"));
	assert_false(PARSE(&a, "cat", ".hidden"));
	assert_false(PARSE(&a, "cat", "a\nb"));
	assert_false(PARSE(&a, "cat", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(PARSE(&a, "run", "a b", "--", "x"));
	assert_false(PARSE(&a, "check", "al/ice", "smtp"));
	assert_false(PARSE(&a, "check", "-alice", "smtp"));
	assert_false(PARSE(&a, "check", "alice", "sm tp"));
	assert_false(PARSE(&a, "run", "smtp", "--env", "LD_PRELOAD", "--", "x"));
	assert_false(PARSE(&a, "run", "smtp", "--env", "1X", "--", "x"));
	assert_false(PARSE(&a, "run", "smtp", "--env", "A=B", "--", "x"));
	assert_false(PARSE(&a, "run", "smtp", "--env", "", "--", "x"));
	assert_true(gate_env_name_valid("SMTP_PASSWORD"));
	assert_false(gate_env_name_valid("LD_LIBRARY_PATH"));
	assert_false(gate_env_name_valid(
		"A12345678901234567890123456789012345678901234567890123456789012345"));
}

/* put, versions, rollback: one credential each, rollback an optional
 * version number (canonical decimal, not 0). */
static void test_write_commands(void **state)
{
	struct gate_args a;
	(void)state;

	assert_true(PARSE(&a, "put", "smtp"));
	assert_int_equal(a.cmd, GATE_CMD_PUT);
	assert_string_equal(a.credential, "smtp");
	assert_true(gate_cmd_writes(a.cmd));
	assert_true(PARSE(&a, "versions", "smtp"));
	assert_int_equal(a.cmd, GATE_CMD_VERSIONS);
	assert_false(gate_cmd_writes(a.cmd));
	assert_true(PARSE(&a, "rollback", "smtp"));
	assert_int_equal(a.cmd, GATE_CMD_ROLLBACK);
	assert_int_equal(a.version, 0);
	assert_true(gate_cmd_writes(a.cmd));
	assert_true(PARSE(&a, "rollback", "smtp", "17"));
	assert_int_equal(a.version, 17);
	assert_true(PARSE(&a, "--config", "/etc/c.conf", "put", "api-key"));
	assert_false(gate_cmd_writes(GATE_CMD_CAT));
	assert_false(PARSE(&a, "put"));
	assert_false(PARSE(&a, "put", "smtp", "extra"));
	assert_false(PARSE(&a, "put", "../etc/shadow"));
	assert_false(PARSE(&a, "put", "-"));
	assert_false(PARSE(&a, "versions"));
	assert_false(PARSE(&a, "rollback", "smtp", "0"));
	assert_false(PARSE(&a, "rollback", "smtp", "017"));
	assert_false(PARSE(&a, "rollback", "smtp", "-1"));
	assert_false(PARSE(&a, "rollback", "smtp", "1x"));
	assert_false(PARSE(&a, "rollback", "smtp", "4294967296"));
	assert_false(PARSE(&a, "rollback", "smtp", "1", "2"));
}

/* Two-person approval: request NAME [--reason TEXT], approve ID,
 * deny ID, requests. */
static void test_approval(void **state)
{
	struct gate_args a;
	(void)state;

	assert_true(PARSE(&a, "request", "prod-db"));
	assert_int_equal(a.cmd, GATE_CMD_REQUEST);
	assert_string_equal(a.credential, "prod-db");
	assert_null(a.reason);
	assert_true(PARSE(&a, "request", "prod-db", "--reason", "deploy 4.2"));
	assert_string_equal(a.reason, "deploy 4.2");
	assert_true(PARSE(&a, "request", "prod-db", "--reason=INC-42: fix"));
	assert_string_equal(a.reason, "INC-42: fix");
	assert_true(PARSE(&a, "approve", "k7q2-9fx3"));
	assert_int_equal(a.cmd, GATE_CMD_APPROVE);
	assert_string_equal(a.request_id, "k7q2-9fx3");
	assert_null(a.credential);
	assert_true(PARSE(&a, "deny", "0000-zzzz"));
	assert_int_equal(a.cmd, GATE_CMD_DENY);
	assert_true(PARSE(&a, "requests"));
	assert_int_equal(a.cmd, GATE_CMD_REQUESTS);

	assert_false(PARSE(&a, "request"));
	assert_false(PARSE(&a, "request", "../x"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", ""));
	assert_false(PARSE(&a, "request", "prod-db", "--reason="));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", "a\nb"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", "\x1b[2J"));
	assert_false(PARSE(&a, "request", "prod-db", "why"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", "a", "b"));
	assert_false(PARSE(&a, "approve"));
	assert_false(PARSE(&a, "approve", "k7q2-9fx3", "k7q2-9fx4"));
	assert_false(PARSE(&a, "approve", "K7Q2-9FX3"));
	assert_false(PARSE(&a, "approve", "../../etc"));
	assert_false(PARSE(&a, "deny", "k7q29fx3"));
	assert_false(PARSE(&a, "requests", "all"));
}

/* A reason is shown on approvers' terminals and logged: 1 to 200 bytes
 * of printable ASCII, nothing else. */
static void test_reason(void **state)
{
	char text[202];
	struct gate_args a;
	(void)state;

	memset(text, 'x', sizeof(text) - 1);
	text[200] = '\0';
	assert_true(PARSE(&a, "request", "prod-db", "--reason", text));
	text[200] = 'x';
	text[201] = '\0';
	assert_false(PARSE(&a, "request", "prod-db", "--reason", text));
	assert_true(PARSE(&a, "request", "prod-db", "--reason",
			  "say \"why\" = INC\\42 ~"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", "tab\there"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason", "del\x7f"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason",
			   "caf\xc3\xa9"));
	assert_false(PARSE(&a, "request", "prod-db", "--reason",
			   "\xe2\x80\xae"));      /* RIGHT-TO-LEFT OVERRIDE */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_approval),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_error_names_the_word),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_write_commands),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
