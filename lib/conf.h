/* NOTE: named conf.h, not config.h: "config.h" is autoconf's header, and
 * a lib/config.h would shadow it for every file in lib/. */
/* credgate.conf: one INI-style policy file plus optional drop-ins.
 *
 *   [defaults]             state_dir, host_key, window, max_failures,
 *                          failure_window, lockout, grace, grace_dir,
 *                          self_enroll, issuer, store, versions_dir
 *   [ldap]                 uri, tls, ca_file, bind_dn, bind_password_file,
 *                          user_base, token_base, timeout, local_users
 *                          (the fleet store; rules in conf_ldap.c)
 *   [role NAME]            members = alice, %ops, !mallory
 *   [credential NAME]      path =, roles =, description =, grace =,
 *                          require_totp =, approvals =, approvers =,
 *                          approval_ttl =, approval_uses =, and for
 *                          writing: writers =, keep =, max_size =,
 *                          format =, on_change =, on_change_timeout =,
 *                          owner =, group =, mode =
 *   [scan]                 paths =, exclude =, min_length =,
 *                          max_file_size = (credgate-enroll scan)
 *
 * Lines: "key = value", "# comment", "; comment", blank.  Every error
 * names the file and line (struct cg_diag).  An error anywhere makes the
 * whole load fail: the caller denies (fail closed).
 *
 * Syntax, strictly:
 * - Comments are whole lines whose first non-blank is '#' or ';'; there
 *   are no trailing comments ("description = a # b" keeps "a # b").
 * - Blanks are spaces and tabs, trimmed around keys and values.  A line
 *   may end in "\r\n".  A leading UTF-8 byte-order mark is skipped.
 * - A line longer than CG_CONFIG_LINE_MAX bytes, a NUL byte, a control
 *   character other than tab (C1 included) or invalid UTF-8 is an error.
 * - Section headers: "[defaults]", "[scan]", "[role NAME]", "[credential NAME]",
 *   exactly one name (cg_config_name_valid), nothing after ']'.  A role
 *   or credential defined twice, even in different files, is an error, as
 *   is a second [defaults] or [scan] (drop-ins add, they never override).
 * - Keys before any section, unknown sections or keys, a key repeated in
 *   one section and an empty value are errors.
 * - Numbers are decimal digits only: no sign, no "0x", no blanks, no
 *   trailing text.  Durations (failure_window, lockout, grace) are seconds
 *   or a number with one suffix: "s", "m" (x60) or "h" (x3600), e.g. 15m.
 * - Booleans (self_enroll, require_totp): yes|no|true|false|1|0, any case.
 * - Lists (members, roles): comma-separated, blanks around items ignored,
 *   no empty item (so no trailing comma).
 * - members: "user", "%group", "!user", "!%group"; user and group names
 *   follow the one user-name rule of username.h (1..240 bytes of
 *   [A-Za-z0-9_.@\\-], not starting with '.' or '-').  '!' excludes and always wins.
 *   An inclusion may end: "bob until 2026-12-31", "%contractors until
 *   2027-01-15T18:00" (datetime.h; UTC unless an offset is given).  From
 *   that instant on the entry includes nobody.  Exclusions never expire.
 *
 * - Sizes (max_file_size): bytes, or a number with one suffix K, M or G
 *   (x1024, x1024^2, x1024^3; lower case too), e.g. 64M.
 * - paths: absolute paths; exclude: absolute paths or glob patterns
 *   (fnmatch), items without '/' match a name anywhere.
 *
 * Ranges: min_length 4..4096, max_file_size 1..1G, window 0..10, max_failures 1..1000, failure_window 1..86400 s,
 * lockout 0..604800 s, grace 0..86400 s (also per credential), issuer at
 * most 127 bytes, state_dir, host_key, grace_dir and path absolute,
 * approvals 0..3, approval_ttl 1..86400 s, approval_uses 1..100.
 * Required: members in a role, path and roles in a credential; every role
 * a credential names (roles, writers, approvers) must be defined (in any
 * file); approvers, approval_ttl and approval_uses only with approvals
 * >= 1.
 *
 * Return codes: CG_E_PARSE for any content error, CG_E_NOMEM, CG_E_INVAL
 * for bad arguments; cg_config_load also passes on the refusals of
 * safefile.h (CG_E_MODE, CG_E_OWNER, CG_E_SYMLINK, ...), CG_E_NOENT,
 * CG_E_IO and CG_E_TOOBIG. */
#ifndef CG_CONF_H
#define CG_CONF_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"

#ifndef CG_DEFAULT_CONFIG
#define CG_DEFAULT_CONFIG SYSCONFDIR "/credgate/credgate.conf"
#endif
#ifndef CG_DEFAULT_HOST_KEY
#define CG_DEFAULT_HOST_KEY SYSCONFDIR "/credgate/host.key"
#endif
#ifndef CG_DEFAULT_STATE_DIR
#define CG_DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/credgate/users"
#endif
#ifndef CG_DEFAULT_GRACE_DIR
#define CG_DEFAULT_GRACE_DIR "/run/credgate/grace"
#endif
#ifndef CG_DEFAULT_VERSIONS_DIR
#define CG_DEFAULT_VERSIONS_DIR LOCALSTATEDIR "/lib/credgate/versions"
#endif
#define CG_NAME_MAX 64          /* role and credential names */
#define CG_LDAP_DN_MAX 1024     /* bind_dn, user_base, token_base */
#define CG_CONFIG_MAX_BYTES (1024 * 1024)  /* per file */
#define CG_CONFIG_LINE_MAX 4096            /* bytes, without the newline */

/* Where and why a load failed. */
struct cg_diag {
	char file[PATH_MAX];    /* empty when not file-specific */
	unsigned line;          /* 0 when not line-specific */
	char message[256];      /* never contains a secret */
};

/* Where TOTP state lives: "store = files" (default) or "ldap". */
enum cg_store_kind { CG_STORE_FILES = 0, CG_STORE_LDAP };

struct cg_defaults {
	char state_dir[PATH_MAX];
	char versions_dir[PATH_MAX]; /* credgate put: locks, kept versions */
	enum cg_store_kind store;
	char host_key[PATH_MAX];  /* seals the state files (seal.h) */
	unsigned window;          /* steps accepted either side, default 1 */
	unsigned max_failures;    /* default 5 */
	unsigned failure_window;  /* seconds, default 300 */
	unsigned lockout;         /* seconds, default 900 */
	unsigned grace;           /* seconds, default 0 (off) */
	char grace_dir[PATH_MAX]; /* grace records (grace.h) */
	bool self_enroll;         /* default no */
	char issuer[128];         /* default empty: the host name is used */
};

/* One member entry of a role. */
enum cg_member_kind { CG_MEMBER_USER, CG_MEMBER_GROUP };
struct cg_member {
	enum cg_member_kind kind;
	bool exclude;             /* "!name" or "!%group" */
	char *name;
	int64_t until;            /* "until DATE": epoch seconds at which the
				   * membership ends; 0 = never */
	unsigned line;            /* of its "members =", for messages */
};

/* Has the entry's "until" passed at `now`?  An entry whose until is now
 * is already out. */
bool cg_member_expired(const struct cg_member *m, int64_t now);

/* check-config warns this long before a membership ends. */
#define CG_EXPIRY_WARN_SECONDS (7 * 86400)

/* "membership of WHO in role ROLE expired on DATE" (until <= now), or
 * "... expires on DATE" (until in the future).  who is "bob",
 * "%contractors" or "eve (via %contractors)". */
void cg_membership_note(char *buf, size_t sz, const char *who,
			const char *role, int64_t until, int64_t now);

struct cg_role {
	char *name;
	struct cg_member *members;
	size_t nmembers;
	char *file;               /* where it was defined, for messages */
	unsigned line;
};

/* Writing a credential (credgate put, rollback; credgate.conf(5)):
 *   writers = ROLE, ...     who may (roles, like "roles" for readers)
 *   keep = 5                previous contents kept, 0..100
 *   max_size = 64K          1..CG_CREDENTIAL_SIZE_MAX bytes (suffix K, M)
 *   format = any | line     line: one line of text, no NUL, no CR
 *   on_change = /usr/sbin/postmap /etc/postfix/sasl_passwd
 *                           run as root after a change: an absolute
 *                           program and its arguments, split at blanks,
 *                           no shell, no quoting
 *   on_change_timeout = 30  seconds (suffix s, m), 1..3600
 *   owner, group, mode      of a file put where none was: owner only
 *                           root (the gate serves nothing else), group
 *                           a name or number, mode octal without any
 *                           bit of CG_CREDENTIAL_MODE_NEVER */
#define CG_CREDENTIAL_SIZE_MAX (1024 * 1024)
#define CG_CREDENTIAL_MODE_NEVER 077   /* nothing for group or others: the
					* gate refuses a credential file they
					* can read or write (credfile.h) */
#define CG_ON_CHANGE_ARGS_MAX 32
enum cg_cred_format { CG_FORMAT_ANY = 0, CG_FORMAT_LINE };
struct cg_cred_write {
	char **writers;           /* names of roles that exist; none: nobody */
	size_t nwriters;
	unsigned writers_line;
	unsigned keep;
	size_t max_size;
	enum cg_cred_format format;
	char **on_change;         /* argv, NULL-terminated; NULL: none */
	unsigned on_change_timeout;
	char *group;              /* NULL: root */
	int mode;                 /* -1: 0600 */
};

struct cg_credential {
	char *name;
	char *path;               /* absolute */
	char **roles;             /* names of roles that exist */
	size_t nroles;
	char *description;        /* may be NULL */
	int grace;                /* seconds, -1 = use defaults.grace */
	bool require_totp;        /* default yes */
	char *file;               /* where the section starts */
	unsigned line;
	unsigned roles_line;      /* line of "roles =", 0 if absent; an
				   * unknown role is reported there */
	struct cg_cred_write write;
	/* Two-person approval (request.h): approvals from other people a
	 * read needs first, 0 = none (the default), at most
	 * CG_APPROVALS_MAX; who may give them (NULL: the readers' roles);
	 * how long a request waits and an approval lasts; reads per
	 * approval. */
	unsigned approvals;
	char **approvers;
	size_t napprovers;
	unsigned approvers_line;
	unsigned approval_ttl;     /* seconds, default CG_APPROVAL_TTL_DEFAULT */
	unsigned approval_uses;    /* default 1 */
	const char *approval_key;  /* first approval option set, and its */
	unsigned approval_key_line; /* line: an error without approvals */
};

#define CG_APPROVALS_MAX 3
#define CG_APPROVAL_TTL_DEFAULT 900
#define CG_APPROVAL_TTL_MAX 86400
#define CG_APPROVAL_USES_MAX 100

/* The roles whose members may approve reads of cred: "approvers", else
 * the credential's own roles. */
char *const *cg_credential_approvers(const struct cg_credential *cred,
				     size_t *n);

/* [ldap]: present when ldap.file is not NULL.  Strings are NULL when
 * their key is absent (cg_config_validate requires the mandatory ones). */
enum cg_ldap_tls { CG_LDAP_TLS_STARTTLS = 0, CG_LDAP_TLS_NONE };
struct cg_ldap_conf {
	char **uris;              /* ldap://HOST[:PORT] or ldaps://, in order */
	size_t nuris;
	enum cg_ldap_tls tls;     /* for ldap:// URIs; ldaps:// is always TLS */
	char *ca_file;            /* absolute; required when TLS is used */
	char *bind_dn;
	char *bind_password_file; /* absolute; checked like the config */
	char *user_base;
	char *token_base;
	unsigned timeout;         /* seconds, default 5 */
	char **local_users;       /* break-glass: these keep the files store */
	size_t nlocal_users;
	char *file;               /* where [ldap] is, NULL if nowhere */
	unsigned line;
	unsigned uri_line, tls_line;  /* for messages about their values */
	char *store_file;         /* where "store =" is, for messages */
	unsigned store_line;
};

/* [scan], for credgate-enroll scan. */
#define CG_SCAN_MIN_LENGTH 10                    /* default min_length */
#define CG_SCAN_MAX_FILE_SIZE (64ULL << 20)      /* default max_file_size */
#define CG_SCAN_MAX_FILE_SIZE_LIMIT (1ULL << 30) /* largest accepted */
struct cg_scan_conf {
	char **paths;             /* NULL: the scanner's built-in list */
	size_t npaths;
	char **exclude;
	size_t nexclude;
	unsigned min_length;
	uint64_t max_file_size;
	char *file;               /* where [scan] was, NULL if nowhere: */
	unsigned line;            /* a second [scan] is an error */
};

struct cg_config {
	struct cg_defaults defaults;
	struct cg_ldap_conf ldap;
	struct cg_scan_conf scan;
	struct cg_role *roles;
	size_t nroles;
	struct cg_credential *credentials;
	size_t ncredentials;
	char *defaults_file;      /* where [defaults] was, NULL if nowhere: */
	unsigned defaults_line;   /* a second [defaults] is an error */
};

/* Load `path` and then, if it exists, every "*.conf" in the directory
 * "<dirname(path)>/credgate.d", in strcmp order.  Each file is opened
 * without following a final symlink and must be owned by root (see
 * cg_owner_trusted) and not group/world writable, as is the drop-in
 * directory; a missing directory is fine, any other problem with it is an
 * error.  Names starting with '.' are skipped.  The result has passed
 * cg_config_validate.  On failure *out is NULL and diag says where and
 * why (diag.file is the offending file or directory). */
cg_err cg_config_load(const char *path, struct cg_config **out,
		      struct cg_diag *diag);

/* cg_config_load for callers that only report: on failure msg holds the
 * "file:line: message" an admin reads (cg_diag_format), ready for an
 * audit line or stderr.  One definition of "load, then explain". */
#define CG_CONFIG_MSG_MAX (PATH_MAX + 300)
cg_err cg_config_load_explained(const char *path, struct cg_config **out,
				char *msg, size_t msgsz);

/* Parse one buffer as if read from `file` into cfg (used by the loader
 * and by the fuzz target).  Cross-references (roles of credentials) are
 * checked by cg_config_validate once every file is read.  On failure cfg
 * may hold part of the buffer: the caller discards it (cg_config_free).
 * diag may be NULL in both. */
cg_err cg_config_parse_buffer(struct cg_config *cfg, const char *file,
			      const char *text, size_t len,
			      struct cg_diag *diag);
cg_err cg_config_validate(const struct cg_config *cfg, struct cg_diag *diag);
struct cg_config *cg_config_new(void);      /* defaults filled in */
void cg_config_free(struct cg_config *cfg);

const struct cg_role *cg_config_role(const struct cg_config *cfg,
				     const char *name);
const struct cg_credential *cg_config_credential(const struct cg_config *cfg,
						 const char *name);
/* The store that keeps `user`'s state: defaults.store, except that the
 * break-glass [ldap] local_users always use the files store. */
enum cg_store_kind cg_config_store_for(const struct cg_config *cfg,
				       const char *user);
/* Is user one of [ldap] local_users? */
bool cg_config_local_user(const struct cg_config *cfg, const char *user);

/* Names of roles and credentials: [A-Za-z0-9_.-], 1..CG_NAME_MAX-1,
 * not starting with '.' or '-'. */
bool cg_config_name_valid(const char *name);
/* "file:line: message" (or "file: message") for admins; bytes of the
 * file name outside printable ASCII are written as \xNN. */
void cg_diag_format(const struct cg_diag *diag, char *buf, size_t sz);

#endif
