/* credgate: the access gate.  Setuid root; see credgate(1) and DESIGN.md
 * rule 7.  main() hardens the process before anything else, validates
 * every name on the command line before any lookup, identifies the
 * caller by the real uid only, loads the policy (refusing it unless root
 * owns it), then dispatches. */
#include "config.h"
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "argword.h"
#include "audit.h"
#include "gate.h"
#include "policy.h"
#include "privguard.h"

static const char usage_text[] =
	"usage: credgate [--config FILE] list [--json]\n"
	"       credgate [--config FILE] cat NAME\n"
	"       credgate [--config FILE] run NAME [--env VAR] -- COMMAND [ARGS...]\n"
	"       credgate [--config FILE] check [--json] USER NAME\n"
	"       credgate [--config FILE] put NAME < NEW-CONTENT\n"
	"       credgate [--config FILE] versions NAME\n"
	"       credgate [--config FILE] rollback NAME [VERSION]\n"
	"       credgate [--config FILE] request NAME [--reason TEXT]\n"
	"       credgate [--config FILE] approve ID | deny ID\n"
	"       credgate [--config FILE] requests [--json]\n"
	"       credgate --help | --version\n";

static const char help_text[] =
	"\n"
	"  list          the credentials you may read, with descriptions\n"
	"  cat NAME      authenticate (TOTP code), then write NAME to stdout\n"
	"  run NAME -- COMMAND [ARGS...]\n"
	"                authenticate, then run COMMAND as you, without\n"
	"                privileges, with the credential in a sealed in-memory\n"
	"                file named by $CREDGATE_FILE (with --env VAR: in $VAR)\n"
	"  check USER NAME   (root) why USER may or may not read NAME\n"
	"  put NAME      (writers) authenticate, then replace NAME with what\n"
	"                standard input holds; the old content is kept\n"
	"  versions NAME the kept versions of NAME: time, who, fingerprint,\n"
	"                size (never the content)\n"
	"  rollback NAME [VERSION]\n"
	"                (writers) authenticate, then put VERSION back\n"
	"                (default: the content before the current one)\n"
	"  request NAME [--reason TEXT]\n"
	"                NAME needs approval by others (approvals = N): after\n"
	"                your code, ask for it; prints the request's id\n"
	"  approve ID, deny ID\n"
	"                as an approver of someone else's request, after your\n"
	"                code, approve or deny it\n"
	"  requests      the open requests you may approve (root: all): id,\n"
	"                requester, credential, age, approvals, reason\n"
	"  --json        list, check, requests: one JSON document (schemas in\n"
	"                credgate(1))\n"
	"  --config FILE (root) use this policy instead of " CG_DEFAULT_CONFIG "\n"
	"\n"
	"Exit status: 0 ok, 1 denied, 2 usage, 3 policy error, 4 credential file\n"
	"refused, 5 other error, 6 another put of NAME is running, 7 put done but\n"
	"on_change failed; run: the command's status, 126/127 if it cannot be\n"
	"run.  See credgate(1).\n";

void gate_err(const char *fmt, ...)
{
	va_list ap;

	fputs("credgate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The fields every line of the gate carries. */
static struct cg_audit_event gate_event(const struct gate *g, bool granted,
					const char *reason, const char *detail)
{
	struct cg_audit_event ev = {
		.event = gate_cmd_writes(g->args.cmd) ? "rotate" :
			 g->args.cmd == GATE_CMD_VERSIONS ? "versions" : "access",
		.result = granted ? "granted" : "denied",
		.reason = cg_audit_or_none(reason),
		.user = cg_audit_or_none(g->caller.name),
		.credential = g->args.credential,
		.service = CG_GATE_SERVICE,
		.tty = cg_audit_or_none(g->caller.tty),
		.rhost = "",
		.detail = detail,
	};

	if (gate_cmd_writes(g->args.cmd))
		ev.by_login = cg_audit_or_none(g->caller.login);
	return ev;
}

void gate_audit(const struct gate *g, bool granted, const char *reason,
		const char *detail)
{
	struct cg_audit_event ev = gate_event(g, granted, reason, detail);

	cg_audit_emit(&ev, NULL, NULL);
}

void gate_audit_rotate(const struct gate *g, bool granted,
		       const struct gate_rotation *r)
{
	struct cg_audit_event ev = gate_event(g, granted, r->reason, r->detail);
	char size[32], version[32];

	ev.old_fp = cg_audit_or_none(r->old_fp);
	ev.new_fp = cg_audit_or_none(r->new_fp);
	snprintf(size, sizeof(size), "%zu", r->size);
	ev.size = r->have_size ? size : "";
	if (r->version != 0) {
		snprintf(version, sizeof(version), "%llu", r->version);
		cg_audit_add(&ev, "version", version);
	}
	cg_audit_emit(&ev, NULL, NULL);
}

cg_err gate_load_host_key(const struct gate *g, struct cg_key *k,
			  const char **path_out)
{
	static char newpath[PATH_MAX];
	const char *path = g->cfg->defaults.host_key;
	cg_err e;

	*path_out = path;
	if (cg_key_new_path(path, newpath, sizeof(newpath)) == CG_OK &&
	    (e = cg_key_load(newpath, k)) != CG_E_NOENT) {
		*path_out = newpath;
		return e;
	}
	return cg_key_load(path, k);
}

void gate_audit_file(const struct gate *g, const char *reason,
		     const char *path, const char *readable_by,
		     const char *detail)
{
	struct cg_audit_event ev = gate_event(g, false, reason, detail);

	ev.path = path;
	ev.readable_by = readable_by;
	cg_audit_emit(&ev, NULL, NULL);
}

/* The caller's controlling terminal, "pts/0" style, as the kernel sees
 * it (session.h) -- not from stdin or stderr, which the caller may point
 * at another of their terminals.  For audit lines and PAM_TTY only: the
 * module's grace is keyed on the session itself, never on this name. */
static void find_tty(char *out, size_t sz)
{
	struct cg_session s;

	out[0] = '\0';
	if (cg_session_current(&s) == CG_OK)
		(void)cg_session_tty_name(&s, out, sz);
}

/* Who called: the real uid through NSS.  $USER, $LOGNAME and PAM_RUSER
 * are the caller's to forge; getuid() is not. */
static bool identify_caller(struct gate_caller *c)
{
	struct passwd *pw;

	c->uid = getuid();
	if ((pw = getpwuid(c->uid)) == NULL || !cg_user_name_valid(pw->pw_name) ||
	    strlen(pw->pw_name) >= sizeof(c->name))
		return false;
	snprintf(c->name, sizeof(c->name), "%s", pw->pw_name);
	find_tty(c->tty, sizeof(c->tty));
	cg_priv_login_name(c->login, sizeof(c->login));
	return true;
}

static int load_policy(struct gate *g)
{
	const char *path = g->args.config != NULL ? g->args.config : CG_DEFAULT_CONFIG;
	char msg[CG_CONFIG_MSG_MAX];

	if (cg_config_load_explained(path, &g->cfg, msg, sizeof(msg)) == CG_OK)
		return GATE_EXIT_OK;
	gate_audit(g, false, "config_error", msg);
	/* The policy may be private: only root sees where it is broken. */
	if (cg_priv_caller_is_root())
		gate_err("policy error: %s", msg);
	else
		gate_err("the policy cannot be used (the reason is in the system "
			 "log); access is denied");
	return GATE_EXIT_CONFIG;
}

/* The gate's own decision on its own policy for the caller, to read or
 * to write: the credential it names, or the denial (audited,
 * GATE_EXIT_DENIED). */
static int policy_grants(const struct gate *g, enum cg_access access,
			 const struct cg_credential **c_out)
{
	struct cg_decision d;
	cg_err e;

	e = cg_policy_check_access(g->cfg, g->caller.name, g->args.credential,
				   access, &d);
	if (e != CG_OK) {
		gate_audit(g, false, "nss_error", cg_strerror(e));
		gate_err("cannot resolve your groups: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	if (!d.granted ||
	    (*c_out = cg_config_credential(g->cfg, g->args.credential)) == NULL) {
		struct cg_audit_event ev = gate_event(g, false,
			cg_policy_reason_name(d.reason), d.explain);

		ev.role = d.role;
		cg_audit_emit(&ev, NULL, NULL);
		gate_err("access denied%s", access == CG_ACCESS_WRITE ?
			 " (not a writer of this credential)" : "");
		return GATE_EXIT_DENIED;
	}
	return GATE_EXIT_OK;
}

/* cat and run.  Everything that can be refused without a code is
 * refused before the prompt: a caller no role lets read the credential
 * (no code asked, no failure counted), and a credential file that is
 * missing, unsafe or exposed (said now, not after a code), and a read
 * that needs an approval the caller does not have.  Then PAM,
 * then the policy once more (both must grant: the module's stack may name
 * another file, and a membership may have ended meanwhile), then the
 * file -- the very fd checked before the prompt. */
static int deliver(struct gate *g)
{
	const struct cg_credential *c = NULL;
	int fd = -1, ret;

	if (geteuid() != 0) {
		gate_err("not installed setuid root; cannot read credentials");
		return GATE_EXIT_ERROR;
	}
	if ((ret = policy_grants(g, CG_ACCESS_READ, &c)) != GATE_EXIT_OK ||
	    (ret = gate_open_credential(g, c, &fd)) != GATE_EXIT_OK)
		return ret;
	/* A credential that needs approval (approvals = N) is read only
	 * with an approved request: looked for before the prompt, taken
	 * (once, under its lock) after it. */
	if ((ret = gate_approval_precheck(g, c)) == GATE_EXIT_OK &&
	    (ret = gate_pam_authorize(g, g->args.credential,
				      CG_ACCESS_READ)) == GATE_EXIT_OK &&
	    (ret = policy_grants(g, CG_ACCESS_READ, &c)) == GATE_EXIT_OK &&
	    (ret = gate_approval_use(g, c)) == GATE_EXIT_OK)
		ret = g->args.cmd == GATE_CMD_CAT ? gate_cmd_cat(g, c, fd) :
		      gate_cmd_run(g, c, fd);
	close(fd);
	return ret;
}

/* put and rollback: the writers are checked before the prompt (nobody
 * spends a code on a request that is refused anyway), PAM runs with
 * CREDGATE_ACTION=write so its account stage checks them too, and the
 * gate decides again after it. */
static int write_credential(struct gate *g)
{
	const struct cg_credential *c = NULL;
	int ret;

	if (geteuid() != 0) {
		gate_err("not installed setuid root; cannot write credentials");
		return GATE_EXIT_ERROR;
	}
	if (g->args.cmd == GATE_CMD_PUT && isatty(STDIN_FILENO)) {
		gate_err("put reads the new content from standard input: "
			 "redirect a file or a pipe into it (on a terminal it "
			 "would be echoed)");
		return GATE_EXIT_USAGE;
	}
	if ((ret = policy_grants(g, CG_ACCESS_WRITE, &c)) != GATE_EXIT_OK ||
	    (ret = gate_pam_authorize(g, g->args.credential,
				      CG_ACCESS_WRITE)) != GATE_EXIT_OK ||
	    (ret = policy_grants(g, CG_ACCESS_WRITE, &c)) != GATE_EXIT_OK)
		return ret;
	return gate_cmd_write(g, c);
}

/* versions: for readers and writers; no code (no content is shown). */
static int list_versions(struct gate *g)
{
	const struct cg_credential *c = NULL;
	struct cg_decision d;
	int ret;

	if (geteuid() != 0) {
		gate_err("not installed setuid root; cannot read versions");
		return GATE_EXIT_ERROR;
	}
	if (cg_policy_check_access(g->cfg, g->caller.name, g->args.credential,
				   CG_ACCESS_WRITE, &d) == CG_OK && d.granted)
		c = cg_config_credential(g->cfg, g->args.credential);
	else if ((ret = policy_grants(g, CG_ACCESS_READ, &c)) != GATE_EXIT_OK)
		return ret;
	return gate_cmd_versions(g, c);
}

/* request, approve, deny, requests: the requests are root's. */
static int approval(struct gate *g)
{
	if (geteuid() != 0) {
		gate_err("not installed setuid root; cannot keep requests");
		return GATE_EXIT_ERROR;
	}
	switch (g->args.cmd) {
	case GATE_CMD_REQUEST:
		return gate_cmd_request(g);
	case GATE_CMD_REQUESTS:
		return gate_cmd_requests(g);
	default:
		return gate_cmd_vote(g);
	}
}

static int dispatch(struct gate *g)
{
	int ret;

	if (!identify_caller(&g->caller)) {
		gate_err("cannot identify the calling user (uid %u)",
			 (unsigned)g->caller.uid);
		return GATE_EXIT_ERROR;
	}
	if ((ret = load_policy(g)) != GATE_EXIT_OK)
		return ret;
	switch (g->args.cmd) {
	case GATE_CMD_LIST:
		return gate_cmd_list(g);
	case GATE_CMD_CHECK:
		return gate_cmd_check(g);
	case GATE_CMD_CAT:
	case GATE_CMD_RUN:
		return deliver(g);
	case GATE_CMD_PUT:
	case GATE_CMD_ROLLBACK:
		return write_credential(g);
	case GATE_CMD_VERSIONS:
		return list_versions(g);
	case GATE_CMD_REQUEST:
	case GATE_CMD_APPROVE:
	case GATE_CMD_DENY:
	case GATE_CMD_REQUESTS:
		return approval(g);
	default:
		return GATE_EXIT_USAGE;
	}
}

int main(int argc, char **argv)
{
	struct gate g;
	int ret;

	cg_priv_init(argc, argv);
	memset(&g, 0, sizeof(g));
	cg_audit_open("credgate");
	if (!gate_args_parse(argc, argv, &g.args)) {
		char word[CG_AUDIT_VALUE_MAX + 8];

		if (g.args.error_word != NULL) {
			cg_arg_show(g.args.error_word, word, sizeof(word));
			gate_err("%s %s", g.args.error, word);
		} else {
			gate_err("%s", g.args.error);
		}
		fputs(usage_text, stderr);
		return GATE_EXIT_USAGE;
	}
	if (g.args.cmd == GATE_CMD_HELP) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return GATE_EXIT_OK;
	}
	if (g.args.cmd == GATE_CMD_VERSION) {
		puts("credgate " PACKAGE_VERSION);
		return GATE_EXIT_OK;
	}
	if (g.args.config != NULL && !cg_priv_caller_is_root()) {
		gate_err("--config is only honoured for root");
		return GATE_EXIT_USAGE;
	}
	if (g.args.cmd == GATE_CMD_CHECK && !cg_priv_caller_is_root()) {
		gate_err("check is only for root");
		return GATE_EXIT_USAGE;
	}
	ret = dispatch(&g);
	cg_config_free(g.cfg);
	return ret;
}
