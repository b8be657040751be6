/* The contract between the core and the ldap store plugin
 * (store_ldap.so, built from lib/store_ldap.c, lib/ldap_*.c and libldap).
 * The core (store_ldap_load.c) loads the plugin only when a configuration
 * says "store = ldap", so a host that keeps state in files never maps
 * libldap, GnuTLS, SASL and p11-kit into sshd, sudo or su.
 *
 * The plugin exports exactly one symbol, cg_store_ldap_plugin.  Both
 * sides are built from one tree; abi and the sizes guard against a
 * plugin left over from another build. */
#ifndef CG_STORE_LDAP_PLUGIN_H
#define CG_STORE_LDAP_PLUGIN_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"
#include "conf.h"
#include "state.h"
#include "store.h"
#include "store_backend.h"

#define CG_STORE_LDAP_ABI 1
#define CG_STORE_LDAP_SYMBOL "cg_store_ldap_plugin"

struct cg_store_ldap_plugin {
	int abi;                      /* CG_STORE_LDAP_ABI */
	size_t state_size;            /* sizeof(struct cg_state) */
	size_t config_size;           /* sizeof(struct cg_config) */
	const struct cg_store_ops *ops;
	/* A backend for cfg's [ldap] (cfg must outlive it); connects at
	 * the first operation that needs the directory. */
	cg_err (*open)(const struct cg_config *cfg, void **be);
	/* check-config's questions to the directory (store.h). */
	cg_err (*check)(const struct cg_config *cfg, cg_store_report_fn say,
			void *arg);
};

extern const struct cg_store_ldap_plugin cg_store_ldap_plugin;

/* In the plugin: the checks behind ->check (ldap_check.c). */
cg_err cg_store_ldap_check(const struct cg_config *cfg,
			   cg_store_report_fn say, void *arg);

#endif
