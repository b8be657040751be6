/* Connecting to the directory: URIs tried in order, TLS that cannot be
 * weakened by ldap.conf or the environment, timeouts on everything, the
 * bind password read from a root-only file and wiped; and the mapping of
 * libldap's result codes to ours, with a reason for the log. */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ldap_int.h"
#include "safefile.h"
#include "wipe.h"

#define PASSWORD_MAX 1024

struct timeval cg_ldap_timeout(const struct cg_ldap *l)
{
	struct timeval tv = { .tv_sec = (time_t)l->conf->timeout };

	return tv;
}

void cg_ldap_setwhy(struct cg_ldap *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
}

/* Printable ASCII only, for a message that reaches syslog. */
static void printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

cg_err cg_ldap_fail(struct cg_ldap *l, const char *op, int rc)
{
	char *diag = NULL;

	if (l->ld != NULL)
		(void)ldap_get_option(l->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE,
				      &diag);
	cg_ldap_setwhy(l, "%s: %s: %s%s%s%s", l->uri != NULL ? l->uri : "-",
		       op, ldap_err2string(rc),
		       diag != NULL && diag[0] != '\0' ? " (" : "",
		       diag != NULL ? diag : "",
		       diag != NULL && diag[0] != '\0' ? ")" : "");
	printable(l->why);
	ldap_memfree(diag);
	switch (rc) {
	case LDAP_NO_SUCH_OBJECT:
		return CG_E_NOENT;
	case LDAP_ASSERTION_FAILED:      /* the entry changed since read */
	case LDAP_NO_SUCH_ATTRIBUTE:     /* a value we delete is gone */
	case LDAP_TYPE_OR_VALUE_EXISTS:  /* a value we add appeared */
	case LDAP_CONSTRAINT_VIOLATION:  /* single-valued: one appeared */
	case LDAP_ALREADY_EXISTS:
		return CG_E_CONFLICT;
	default:
		/* Down, timed out, TLS, refused, busy, no access, server
		 * error: nothing we can decide on. */
		return CG_E_UNAVAILABLE;
	}
}

void cg_sigpipe_block(struct cg_sigpipe *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	g->pending_before = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

void cg_sigpipe_restore(struct cg_sigpipe *g)
{
	sigset_t set, pending;
	struct timespec zero = { 0, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	/* Ours, raised while blocked: take it off the queue. */
	if (!g->pending_before && sigismember(&pending, SIGPIPE) == 1)
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* The password: root's file, no group/other bits, one line. */
static cg_err read_password(struct cg_ldap *l, const char *path, char **pw,
			    size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	int fd = -1;
	cg_err e;

	*pw = NULL;
	if ((e = cg_open_file(path, 077, &fd, NULL)) != CG_OK) {
		cg_ldap_setwhy(l, "bind_password_file %s: %s", path,
			       cg_strerror(e));
		return e;
	}
	e = cg_read_all(fd, PASSWORD_MAX, &buf, &n);
	close(fd);
	if (e != CG_OK) {
		cg_ldap_setwhy(l, "bind_password_file %s: %s", path,
			       cg_strerror(e));
		return e;
	}
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n == 0 || memchr(buf, '\0', n) != NULL ||
	    memchr(buf, '\n', n) != NULL) {
		/* An empty password would be an unauthenticated bind. */
		cg_ldap_setwhy(l, "bind_password_file %s: must hold one "
			       "non-empty line", path);
		cg_freezero(buf, n + 1);
		return CG_E_PARSE;
	}
	*pw = buf;
	*len = n;
	return CG_OK;
}

/* Options of one handle: ours win over ldap.conf and LDAP* variables. */
static int set_options(LDAP *ld, const struct cg_ldap_conf *c)
{
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND;
	int tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2, zero = 0;
	struct timeval tv = { .tv_sec = (time_t)c->timeout };
	int rc;

	if ((rc = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_TIMELIMIT, &c->timeout)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON)))
		return rc;
	if (c->ca_file == NULL)
		return LDAP_SUCCESS;          /* no TLS anywhere (checked) */
	if ((rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE,
				  c->ca_file)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTDIR, NULL)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, NULL)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, NULL)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)) ||
	    (rc = ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12)))
		return rc;
	/* A context of this handle's own, built from the options above. */
	return ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
}

static bool uri_is_ldaps(const char *uri)
{
	return strncasecmp(uri, "ldaps://", 8) == 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Connections are made asynchronously (LDAP_OPT_CONNECT_ASYNC): it is the
 * one mode in which libldap 2.5 bounds the TLS handshake of ldaps:// by
 * LDAP_OPT_NETWORK_TIMEOUT; made synchronously, the handshake with a
 * server that accepts and never answers spins for ever (fleet.sh stops
 * slapd with SIGSTOP).  The first operation then returns
 * LDAP_X_CONNECTING until the TCP connection is up: true when it is worth
 * sending again (the socket became writable within the timeout), else
 * false, with *rc LDAP_TIMEOUT if the time ran out. */
static bool still_connecting(struct cg_ldap *l, int *rc,
			     const struct timespec *t0)
{
	struct pollfd p = { .fd = -1, .events = POLLOUT };
	long left = (long)l->conf->timeout * 1000 - ms_since(t0);

	if (*rc != LDAP_X_CONNECTING)
		return false;
	if (left <= 0 ||
	    ldap_get_option(l->ld, LDAP_OPT_DESC, &p.fd) != LDAP_OPT_SUCCESS ||
	    p.fd < 0 || poll(&p, 1, (int)left) <= 0) {
		*rc = LDAP_TIMEOUT;
		return false;
	}
	return true;
}

/* One URI: handle, options, StartTLS if asked, simple bind as dn (NULL:
 * anonymous). */
static cg_err try_uri(struct cg_ldap *l, const char *uri, const char *dn,
		      const struct berval *cred)
{
	const struct cg_ldap_conf *c = l->conf;
	struct timespec t0;
	int rc;

	l->uri = uri;
	if ((rc = ldap_initialize(&l->ld, uri)) != LDAP_SUCCESS)
		return cg_ldap_fail(l, "initialize", rc);
	if ((rc = set_options(l->ld, c)) != LDAP_SUCCESS)
		return cg_ldap_fail(l, "TLS options", rc);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!uri_is_ldaps(uri) && c->tls == CG_LDAP_TLS_STARTTLS) {
		l->ops++;
		do
			rc = ldap_start_tls_s(l->ld, NULL, NULL);
		while (still_connecting(l, &rc, &t0));
		if (rc != LDAP_SUCCESS)
			return cg_ldap_fail(l, "StartTLS", rc);
	}
	l->ops++;
	do
		rc = ldap_sasl_bind_s(l->ld, dn, LDAP_SASL_SIMPLE,
				      (struct berval *)cred, NULL, NULL, NULL);
	while (still_connecting(l, &rc, &t0));
	if (rc != LDAP_SUCCESS)
		return cg_ldap_fail(l, uri_is_ldaps(uri) ? "TLS connect and "
				    "bind" : "bind", rc);
	return CG_OK;
}

static void drop_handle(struct cg_ldap *l)
{
	if (l->ld != NULL)
		ldap_unbind_ext_s(l->ld, NULL, NULL);
	l->ld = NULL;
}

/* Connect as bind_dn, or anonymously. */
static cg_err connect_as(const struct cg_ldap_conf *conf, bool anonymous,
			 struct cg_ldap **out, char *why, size_t whysz)
{
	struct cg_ldap *l = calloc(1, sizeof(*l));
	struct cg_sigpipe g;
	struct berval cred = { 0, NULL };
	char *pw = NULL, all[CG_LDAP_WHY_MAX * 2] = "";
	size_t len = 0;
	cg_err e = CG_E_UNAVAILABLE;

	*out = NULL;
	if (l == NULL)
		return CG_E_NOMEM;
	l->conf = conf;
	if (!anonymous && (e = read_password(l, conf->bind_password_file,
					     &pw, &len)) != CG_OK)
		goto out;
	cred.bv_val = pw;
	cred.bv_len = len;
	cg_sigpipe_block(&g);
	for (size_t i = 0; i < conf->nuris; i++) {
		if ((e = try_uri(l, conf->uris[i], anonymous ? NULL :
				 conf->bind_dn, &cred)) == CG_OK)
			break;
		/* Every URI's reason, for the admin reading the log. */
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
			 all[0] != '\0' ? "; " : "", l->why);
		drop_handle(l);
		e = CG_E_UNAVAILABLE;
	}
	cg_sigpipe_restore(&g);
	if (e != CG_OK)
		snprintf(l->why, sizeof(l->why), "%s", all);
 out:
	cg_freezero(pw, len + 1);
	if (e != CG_OK) {
		if (why != NULL)
			snprintf(why, whysz, "%s", l->why);
		cg_ldap_close(l);
		return e;
	}
	l->why[0] = '\0';
	*out = l;
	return CG_OK;
}

cg_err cg_ldap_connect(const struct cg_ldap_conf *conf,
		       struct cg_ldap **out, char *why, size_t whysz)
{
	return connect_as(conf, false, out, why, whysz);
}

cg_err cg_ldap_connect_anonymous(const struct cg_ldap_conf *conf,
				 struct cg_ldap **out, char *why, size_t whysz)
{
	return connect_as(conf, true, out, why, whysz);
}

void cg_ldap_close(struct cg_ldap *l)
{
	struct cg_sigpipe g;

	if (l == NULL)
		return;
	cg_sigpipe_block(&g);
	drop_handle(l);
	cg_sigpipe_restore(&g);
	free(l);
}

const char *cg_ldap_uri(const struct cg_ldap *l)
{
	return l->uri != NULL ? l->uri : "";
}

const char *cg_ldap_why(const struct cg_ldap *l)
{
	return l->why;
}

unsigned cg_ldap_ops(const struct cg_ldap *l)
{
	return l->ops;
}
