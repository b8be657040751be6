/* Loading the ldap store plugin, only when a configuration says
 * "store = ldap" (store_ldap_plugin.h says why it is a plugin).
 *
 * The plugin is code run with root's privilege inside sshd, sudo, su and
 * the setuid tools, so it is opened like a policy file: by its absolute
 * compile-time path (CG_LDAP_PLUGIN, in $(pkglibdir)), final component
 * not followed, owned by root, writable by nobody else; and the checked
 * descriptor is what the dynamic loader maps (/proc/self/fd/N), so the
 * file checked is the file loaded.  It is loaded once per process and
 * never unloaded (RTLD_NODELETE: libldap's TLS library keeps state). */
#include "config.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "safefile.h"
#include "store.h"
#include "store_backend.h"
#include "store_ldap_plugin.h"

#ifndef CG_LDAP_PLUGIN
#define CG_LDAP_PLUGIN "/usr/lib/credgate/store_ldap.so"
#endif

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct cg_store_ldap_plugin *loaded;

/* Why the last open failed in this thread (cg_store_why(NULL)). */
static __thread char open_why[512];

const char *cg_store_open_why(void)
{
	return open_why;
}

void cg_store_set_open_why(const char *why)
{
	snprintf(open_why, sizeof(open_why), "%s", why != NULL ? why : "");
}

#ifdef HAVE_LDAP
static cg_err load(const struct cg_store_ldap_plugin **out)
{
	const struct cg_store_ldap_plugin *p;
	char fdpath[64];
	void *dl;
	int fd = -1;
	cg_err e;

	if ((e = cg_open_file(CG_LDAP_PLUGIN, 022, &fd, NULL)) != CG_OK) {
		snprintf(open_why, sizeof(open_why), "ldap store plugin %s: "
			 "%s", CG_LDAP_PLUGIN, cg_strerror(e));
		return CG_E_UNAVAILABLE;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	dl = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	close(fd);
	if (dl == NULL) {
		snprintf(open_why, sizeof(open_why), "ldap store plugin %s: "
			 "%s", CG_LDAP_PLUGIN, dlerror());
		return CG_E_UNAVAILABLE;
	}
	p = dlsym(dl, CG_STORE_LDAP_SYMBOL);
	if (p == NULL || p->abi != CG_STORE_LDAP_ABI ||
	    p->state_size != sizeof(struct cg_state) ||
	    p->config_size != sizeof(struct cg_config)) {
		snprintf(open_why, sizeof(open_why), "ldap store plugin %s: "
			 "not from this build of credgate", CG_LDAP_PLUGIN);
		return CG_E_UNAVAILABLE;
	}
	*out = p;
	return CG_OK;
}
#endif

static cg_err plugin(const struct cg_store_ldap_plugin **out)
{
	cg_err e = CG_OK;

	*out = NULL;
#ifdef HAVE_LDAP
	pthread_mutex_lock(&load_lock);
	if (loaded == NULL)
		e = load(&loaded);
	*out = loaded;
	pthread_mutex_unlock(&load_lock);
#else
	snprintf(open_why, sizeof(open_why), "this credgate was built "
		 "without the ldap store (configure found no libldap)");
	e = CG_E_UNAVAILABLE;
#endif
	return e;
}

cg_err cg_store_open_ldap(const struct cg_config *cfg, struct cg_store **out)
{
	const struct cg_store_ldap_plugin *p;
	void *be = NULL;
	cg_err e;

	*out = NULL;
	if ((e = plugin(&p)) != CG_OK)
		return e;
	if ((e = p->open(cfg, &be)) != CG_OK)
		return e;
	return cg_store_new(p->ops, be, out);
}

cg_err cg_store_check_ldap(const struct cg_config *cfg,
			   cg_store_report_fn say, void *arg)
{
	const struct cg_store_ldap_plugin *p;
	cg_err e;

	if ((e = plugin(&p)) != CG_OK) {
		say(arg, false, open_why);
		return e;
	}
	return p->check(cfg, say, arg);
}
