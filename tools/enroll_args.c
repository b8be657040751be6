/* credgate-enroll's command line and --help text. */
#include "config.h"
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "argword.h"
#include "enroll.h"
#include "wipe.h"
#include "cg_macros.h"
#include "number.h"

/* Keep in step with man/credgate-enroll.8. */
static const char usage_text[] =
"Usage: " ENROLL_PROG " [--config FILE] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Enroll users for credgate's TOTP second factor and manage enrollments.\n"
"\n"
"Commands:\n"
"  add [USER]             new secret: show the otpauth:// URI and QR code,\n"
"                         confirm a code from the app, print recovery codes\n"
"  list                   enrolled users (orphans: accounts NSS no longer knows)\n"
"  status [USER]          one user's enrollment\n"
"  revoke USER            remove the enrollment\n"
"  unlock USER            end a lock-out after too many failures\n"
"  recovery USER          new recovery codes; the old ones stop working\n"
"  import [USER] SOURCE   take over a secret from another TOTP module\n"
"  check-config [FILE]    validate the configuration, the state directory,\n"
"                         the host key, every credential's file (and for\n"
"                         writable ones on_change and the versions directory),\n"
"                         and the directory of an [ldap] section\n"
"  log                    the audit trail: who read what, when (root)\n"
"  migrate --to ldap|files [USER...]  move enrollments into the directory,\n"
"                         or copy them back to this host's state directory\n"
"  scan [PATH...]         find copies of the credentials' values on the host\n"
"                         (root; default: [scan] paths of the configuration,\n"
"                         else /home /root /srv /opt /var/www /etc /tmp\n"
"                         /var/tmp)\n"
"  init                   create the host key if there is none, and seal\n"
"                         every state still stored in the clear\n"
"  rekey                  seal every state under a new host key\n"
"  prune [--dry-run]      remove the enrollments of accounts NSS no longer\n"
"                         knows (--dry-run: only say which)\n"
"\n"
"Options of add:\n"
"  --algorithm sha1|sha256|sha512  HMAC of the codes (default sha1)\n"
"  --digits 6|8           code length (default 6)\n"
"  --period 30|60         seconds per code (default 30)\n"
"  --issuer NAME          issuer shown by the app (default: [defaults] issuer\n"
"                         of the configuration, else the host name)\n"
"  --label NAME           account name shown by the app (default: USER)\n"
"  --qr utf8|ansiutf8|ansi|none  QR code on the terminal (default utf8 when\n"
"                         standard output is a terminal, else none)\n"
"  --qr-png FILE          also write the QR code as PNG (mode 0600)\n"
"  --qr-svg FILE          also write the QR code as SVG (mode 0600)\n"
"  --no-confirm           activate without asking for a code (root only)\n"
"  --force                replace an existing enrollment\n"
"  --recovery-codes N     number of recovery codes, 0-20 (default 10)\n"
"\n"
"Sources of import (exactly one):\n"
"  --uri URI              an otpauth://totp/ URI; \"-\" reads it from standard\n"
"                         input (an argument is visible to other users)\n"
"  --google-authenticator FILE  a ~/.google_authenticator file; its scratch\n"
"                         codes become recovery codes\n"
"  --oath-usersfile FILE  pam_oath's usersfile (its HOTP/T30 or T60 line)\n"
"  --force                replace an existing enrollment\n"
"\n"
"Option of recovery:\n"
"  --recovery-codes N     number of codes, 0-20 (default 10)\n"
"\n"
"Option of list, status and check-config:\n"
"  --json                 one JSON document (schemas in credgate-enroll(8))\n"
"\n"
"Options of log (default input: /var/log/auth.log*, rotated and .gz too):\n"
"  --credential NAME      events about this credential\n"
"  --user NAME            events about this user\n"
"  --event WORD           access, auth, rotate, enroll, lockout, ...\n"
"  --result WORD          granted, denied, ok, failed\n"
"  --since DATE, --until DATE   as date -d takes them (\"yesterday\",\n"
"                         \"2024-05-01 14:00\", \"2 hours ago\", \"@EPOCH\")\n"
"  --file FILE            read FILE instead (repeatable; - is standard\n"
"                         input, where journalctl -o json output is read too)\n"
"  --journal              read the system journal (needs libsystemd)\n"
"  --json                 one JSON object per line\n"
"  --summary              per credential and user: reads, denied attempts,\n"
"                         first and last read\n"
"  --before-rotation      with --credential: the reads of the value that the\n"
"                         latest put or rollback replaced\n"
"Options of scan:\n"
"  --json                 one JSON document instead of text lines\n"
"  --rotate-hint          for each leaked credential, the commands to run next\n"
"                         (credgate put NAME, credgate-enroll log --credential\n"
"                         NAME; put needs credgate's rotation feature)\n"
"  --xdev                 stay on each PATH's file system (the default)\n"
"  --no-xdev              cross into other file systems (never /proc, /sys)\n"
"  --no-git               do not read git histories\n"
"\n"
"Option of prune:\n"
"  --dry-run              only name the orphans; remove and log nothing\n"
"\n"
"Option of migrate (required):\n"
"  --to ldap|files        the store to move to; without USER, every user of\n"
"                         the other store\n"
"\n"
"Other options:\n"
"  --config FILE          configuration file (real uid 0 only; default\n"
"                         " CG_DEFAULT_CONFIG ")\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Only root may act on other users.  Another user may run add and import\n"
"for themself when self_enroll = yes and they are not enrolled yet, or\n"
"with --force after giving their current code; and status for themself.\n"
"\n"
"Exit status: 0 success, 1 error, 2 usage error, 3 permission denied,\n"
"4 unknown or not enrolled user, 5 already enrolled (use --force),\n"
"6 not confirmed (wrong code or end of input; nothing was written);\n"
"log: 4 when --before-rotation finds no rotation;\n"
"scan: 0 nothing found, 1 copies found, 2 error or something could not be\n"
"looked at.\n";

enum {
	OPT_CONFIG = 256, OPT_ALGORITHM, OPT_DIGITS, OPT_PERIOD, OPT_ISSUER,
	OPT_LABEL, OPT_QR, OPT_QR_PNG, OPT_QR_SVG, OPT_NO_CONFIRM, OPT_FORCE,
	OPT_RECOVERY, OPT_URI, OPT_GA, OPT_OATH, OPT_CREDENTIAL, OPT_USER,
	OPT_EVENT, OPT_RESULT, OPT_SINCE, OPT_UNTIL, OPT_FILE, OPT_JOURNAL,
	OPT_JSON, OPT_SUMMARY, OPT_BEFORE_ROTATION, OPT_ROTATE_HINT,
	OPT_XDEV, OPT_NO_XDEV, OPT_NO_GIT, OPT_TO, OPT_DRY_RUN,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "algorithm", required_argument, NULL, OPT_ALGORITHM },
	{ "digits", required_argument, NULL, OPT_DIGITS },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "issuer", required_argument, NULL, OPT_ISSUER },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "qr", required_argument, NULL, OPT_QR },
	{ "qr-png", required_argument, NULL, OPT_QR_PNG },
	{ "qr-svg", required_argument, NULL, OPT_QR_SVG },
	{ "no-confirm", no_argument, NULL, OPT_NO_CONFIRM },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "recovery-codes", required_argument, NULL, OPT_RECOVERY },
	{ "uri", required_argument, NULL, OPT_URI },
	{ "google-authenticator", required_argument, NULL, OPT_GA },
	{ "oath-usersfile", required_argument, NULL, OPT_OATH },
	{ "credential", required_argument, NULL, OPT_CREDENTIAL },
	{ "user", required_argument, NULL, OPT_USER },
	{ "event", required_argument, NULL, OPT_EVENT },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "before-rotation", no_argument, NULL, OPT_BEFORE_ROTATION },
	{ "rotate-hint", no_argument, NULL, OPT_ROTATE_HINT },
	{ "xdev", no_argument, NULL, OPT_XDEV },
	{ "no-xdev", no_argument, NULL, OPT_NO_XDEV },
	{ "no-git", no_argument, NULL, OPT_NO_GIT },
	{ "to", required_argument, NULL, OPT_TO },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ NULL, 0, NULL, 0 },
};

#define BIT(o) (1u << ((o) - OPT_CONFIG))
_Static_assert(OPT_DRY_RUN - OPT_CONFIG < 32,
	       "every option needs its bit in an unsigned");
#define ADD_OPTS (BIT(OPT_ALGORITHM) | BIT(OPT_DIGITS) | BIT(OPT_PERIOD) | \
	BIT(OPT_ISSUER) | BIT(OPT_LABEL) | BIT(OPT_QR) | BIT(OPT_QR_PNG) | \
	BIT(OPT_QR_SVG) | BIT(OPT_NO_CONFIRM) | BIT(OPT_FORCE) | \
	BIT(OPT_RECOVERY))
#define IMPORT_OPTS (BIT(OPT_URI) | BIT(OPT_GA) | BIT(OPT_OATH) | BIT(OPT_FORCE))
#define LOG_OPTS (BIT(OPT_CREDENTIAL) | BIT(OPT_USER) | BIT(OPT_EVENT) | \
	BIT(OPT_RESULT) | BIT(OPT_SINCE) | BIT(OPT_UNTIL) | BIT(OPT_FILE) | \
	BIT(OPT_JOURNAL) | BIT(OPT_JSON) | BIT(OPT_SUMMARY) | \
	BIT(OPT_BEFORE_ROTATION))
#define SCAN_OPTS (BIT(OPT_JSON) | BIT(OPT_ROTATE_HINT) | BIT(OPT_XDEV) | \
	BIT(OPT_NO_XDEV) | BIT(OPT_NO_GIT))
#define ANY_ARGS INT_MAX

/* Each command: its name, the options it takes, how many arguments. */
static const struct {
	enum enroll_cmd cmd;
	const char *name;
	unsigned opts;
	int min_args, max_args;
} commands[] = {
	{ CMD_ADD, "add", ADD_OPTS, 0, 1 },
	{ CMD_LIST, "list", BIT(OPT_JSON), 0, 0 },
	{ CMD_STATUS, "status", BIT(OPT_JSON), 0, 1 },
	{ CMD_REVOKE, "revoke", 0, 1, 1 },
	{ CMD_UNLOCK, "unlock", 0, 1, 1 },
	{ CMD_RECOVERY, "recovery", BIT(OPT_RECOVERY), 1, 1 },
	{ CMD_IMPORT, "import", IMPORT_OPTS, 0, 1 },
	{ CMD_CHECK_CONFIG, "check-config", BIT(OPT_JSON), 0, 1 },
	{ CMD_LOG, "log", LOG_OPTS, 0, 0 },
	{ CMD_SCAN, "scan", SCAN_OPTS, 0, ANY_ARGS },
	{ CMD_MIGRATE, "migrate", BIT(OPT_TO), 0, ANY_ARGS },
	{ CMD_INIT, "init", 0, 0, 0 },
	{ CMD_REKEY, "rekey", 0, 0, 0 },
	{ CMD_PRUNE, "prune", BIT(OPT_DRY_RUN), 0, 0 },
};
#define NCOMMANDS CG_ARRAY_SIZE(commands)

const char *enroll_cmd_name(enum enroll_cmd cmd)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].cmd == cmd)
			return commands[i].name;
	return "-";
}

/* Decimal digits only, no sign, no blanks, at most max. */
static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	return cg_dec_unsigned(s, max, false, out);
}

static bool parse_qr(const char *s, enum enroll_qr *out)
{
	static const struct { const char *name; enum enroll_qr qr; } styles[] = {
		{ "utf8", QR_UTF8 }, { "ansiutf8", QR_ANSIUTF8 },
		{ "ansi", QR_ANSI }, { "none", QR_NONE },
	};

	for (size_t i = 0; i < CG_ARRAY_SIZE(styles); i++)
		if (strcmp(s, styles[i].name) == 0) {
			*out = styles[i].qr;
			return true;
		}
	return false;
}

static int bad_value(const char *opt, const char *expect)
{
	enroll_err("--%s: expected %s", opt, expect);
	return ENROLL_EXIT_USAGE;
}

/* Copy the URI and wipe argv's copy: it holds a secret and would stay
 * readable in /proc/PID/cmdline for the life of the process. */
static int take_uri(struct enroll_opts *o, char *arg)
{
	free(o->uri);
	if ((o->uri = strdup(arg)) == NULL) {
		enroll_err("out of memory");
		return ENROLL_EXIT_ERROR;
	}
	cg_wipe(arg, strlen(arg));
	return 0;
}

/* A word of the audit vocabulary: [a-z_], 1..31 bytes. */
static bool audit_word(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return false;
	return true;
}

/* The options of log (their values are checked here; the dates when the
 * command runs, by date(1)). */
static int set_log_option(struct enroll_opts *o, int opt, const char *name,
			  char *val)
{
	switch (opt) {
	case OPT_CREDENTIAL:
		if (!cg_config_name_valid(val))
			return bad_value(name, "a credential name");
		o->log_credential = val;
		break;
	case OPT_USER:
		if (!cg_user_name_valid(val))
			return bad_value(name, "a user name");
		o->log_user = val;
		break;
	case OPT_EVENT:
	case OPT_RESULT:
		if (!audit_word(val))
			return bad_value(name, "a word of a-z and _");
		*(opt == OPT_EVENT ? &o->log_event : &o->log_result) = val;
		break;
	case OPT_SINCE: o->log_since = val; break;
	case OPT_UNTIL: o->log_until = val; break;
	case OPT_FILE:
		if (val[0] == '\0')
			return bad_value(name, "a file name");
		if (o->nlog_files >= ENROLL_LOG_FILES_MAX) {
			enroll_err("--file: at most %d files",
				   ENROLL_LOG_FILES_MAX);
			return ENROLL_EXIT_USAGE;
		}
		o->log_files[o->nlog_files++] = val;
		break;
	case OPT_JOURNAL: o->log_journal = true; break;
	case OPT_JSON: o->json = true; break;
	case OPT_SUMMARY: o->summary = true; break;
	case OPT_BEFORE_ROTATION: o->before_rotation = true; break;
	}
	return 0;
}

/* One option into o; 0 or an exit status. */
static int set_option(struct enroll_opts *o, int opt, const char *name,
		      char *val)
{
	switch (opt) {
	case OPT_CONFIG: o->config = val; break;
	case OPT_ALGORITHM:
		if (cg_alg_parse(val, &o->alg) != CG_OK)
			return bad_value(name, "sha1, sha256 or sha512");
		break;
	case OPT_DIGITS:
		if (!parse_uint(val, 8, &o->digits) || !cg_digits_valid(o->digits))
			return bad_value(name, "6 or 8");
		break;
	case OPT_PERIOD:
		if (!parse_uint(val, 60, &o->period) || !cg_period_valid(o->period))
			return bad_value(name, "30 or 60");
		break;
	case OPT_ISSUER: o->issuer = val; break;
	case OPT_LABEL: o->label = val; break;
	case OPT_QR:
		if (!parse_qr(val, &o->qr))
			return bad_value(name, "utf8, ansiutf8, ansi or none");
		break;
	case OPT_QR_PNG: o->qr_png = val; break;
	case OPT_QR_SVG: o->qr_svg = val; break;
	case OPT_NO_CONFIRM: o->no_confirm = true; break;
	case OPT_FORCE: o->force = true; break;
	case OPT_RECOVERY:
		if (!parse_uint(val, CG_RECOVERY_MAX, &o->recovery_count))
			return bad_value(name, "a number from 0 to 20");
		break;
	case OPT_URI: return take_uri(o, val);
	case OPT_GA: o->ga_file = val; break;
	case OPT_OATH: o->oath_file = val; break;
	case OPT_ROTATE_HINT: o->rotate_hint = true; break;
	case OPT_XDEV: o->no_xdev = false; break;
	case OPT_NO_XDEV: o->no_xdev = true; break;
	case OPT_NO_GIT: o->no_git = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_TO:
		if (strcmp(val, "ldap") != 0 && strcmp(val, "files") != 0)
			return bad_value(name, "ldap or files");
		o->to_ldap = strcmp(val, "ldap") == 0;
		o->to_set = true;
		break;
	default: return set_log_option(o, opt, name, val);
	}
	return 0;
}

static int find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Combinations of log options that cannot mean anything. */
static int check_log_options(const struct enroll_opts *o)
{
	const char *msg = NULL;

	if (o->log_journal && o->nlog_files > 0)
		msg = "--journal and --file exclude each other";
	else if (o->summary && (o->log_event != NULL || o->log_result != NULL))
		msg = "--summary counts reads and refusals; --event and "
		      "--result do not apply";
	else if (o->before_rotation && o->log_credential == NULL)
		msg = "--before-rotation needs --credential";
	else if (o->before_rotation && (o->log_since != NULL ||
		 o->log_event != NULL || o->log_result != NULL))
		msg = "--before-rotation chooses the time and the events "
		      "itself; only --until, --user, --json, --summary and "
		      "the inputs apply";
	if (msg == NULL)
		return 0;
	enroll_err("%s", msg);
	return ENROLL_EXIT_USAGE;
}

/* The options seen must all belong to the command; arguments counted. */
static int check_command(struct enroll_opts *o, unsigned seen, int nargs,
			 char **args)
{
	char word[CG_AUDIT_VALUE_MAX + 8];
	int ci;

	if (nargs == 0) {
		enroll_err("no command given (try --help)");
		return ENROLL_EXIT_USAGE;
	}
	if ((ci = find_command(args[0])) < 0) {
		cg_arg_show(args[0], word, sizeof(word));
		enroll_err("unknown command %s (try --help)", word);
		return ENROLL_EXIT_USAGE;
	}
	o->cmd = commands[ci].cmd;
	for (size_t i = 0; long_opts[i].name != NULL; i++) {
		int v = long_opts[i].val;

		if (v > OPT_CONFIG && (seen & BIT(v)) &&
		    !(commands[ci].opts & BIT(v))) {
			enroll_err("option --%s does not apply to %s",
				   long_opts[i].name, commands[ci].name);
			return ENROLL_EXIT_USAGE;
		}
	}
	if (nargs - 1 < commands[ci].min_args ||
	    nargs - 1 > commands[ci].max_args) {
		enroll_err("wrong number of arguments for %s (try --help)",
			   commands[ci].name);
		return ENROLL_EXIT_USAGE;
	}
	o->arg = nargs > 1 ? args[1] : NULL;
	o->args = args + 1;
	o->nargs = (size_t)(nargs - 1);
	if (o->cmd == CMD_MIGRATE && !o->to_set) {
		enroll_err("migrate needs --to ldap or --to files");
		return ENROLL_EXIT_USAGE;
	}
	if ((seen & BIT(OPT_XDEV)) && (seen & BIT(OPT_NO_XDEV))) {
		enroll_err("--xdev and --no-xdev contradict each other");
		return ENROLL_EXIT_USAGE;
	}
	if (o->cmd == CMD_IMPORT &&
	    (o->uri != NULL) + (o->ga_file != NULL) + (o->oath_file != NULL) != 1) {
		enroll_err("import needs exactly one of --uri, "
			   "--google-authenticator, --oath-usersfile");
		return ENROLL_EXIT_USAGE;
	}
	return o->cmd == CMD_LOG ? check_log_options(o) : 0;
}

static int help_or_version(int opt)
{
	if (opt == 'h')
		fputs(usage_text, stdout);
	else
		printf("%s (%s) %s\n", ENROLL_PROG, PACKAGE_NAME,
		       PACKAGE_VERSION);
	return fflush(stdout) == 0 ? ENROLL_EXIT_OK : ENROLL_EXIT_ERROR;
}

/* getopt_long refused an option: name it.  optopt is the letter of a
 * short one; a long one is the word just before optind. */
static int bad_option(int opt, char **argv)
{
	char word[CG_AUDIT_VALUE_MAX + 8], shortopt[3] = { '-', 0, 0 };

	/* A long option's optopt is its val (>= 256), or 0 if unknown. */
	shortopt[1] = (char)optopt;
	cg_arg_show(optopt > 0 && optopt < 256 ? shortopt : argv[optind - 1],
		    word, sizeof(word));
	enroll_err(opt == '?' ? "unknown option %s (try --help)" :
		   "option %s needs a value (try --help)", word);
	return ENROLL_EXIT_USAGE;
}

int enroll_parse_args(int argc, char **argv, struct enroll_opts *o,
		      bool *stop)
{
	unsigned seen = 0;
	int opt, idx, rc;

	memset(o, 0, sizeof(*o));
	o->alg = CG_ALG_SHA1;
	o->digits = 6;
	o->period = 30;
	o->qr = QR_DEFAULT;
	o->recovery_count = CG_RECOVERY_DEFAULT_COUNT;
	*stop = false;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hV", long_opts, &idx)) != -1) {
		if (opt == 'h' || opt == 'V') {
			*stop = true;
			return help_or_version(opt);
		}
		if (opt == '?' || opt == ':')
			return bad_option(opt, argv);
		if ((seen & BIT(opt)) && opt != OPT_FILE) {
			enroll_err("option --%s given twice", long_opts[idx].name);
			return ENROLL_EXIT_USAGE;
		}
		seen |= BIT(opt);
		if ((rc = set_option(o, opt, long_opts[idx].name, optarg)) != 0)
			return rc;
	}
	return check_command(o, seen, argc - optind, argv + optind);
}

void enroll_opts_free(struct enroll_opts *o)
{
	cg_free_string(o->uri);
	o->uri = NULL;
}
