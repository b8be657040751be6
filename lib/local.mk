# The shared core: every part of credgate links this, nothing is written twice.
noinst_LTLIBRARIES += lib/libcredgate.la
lib_libcredgate_la_SOURCES = \
	lib/cg_error.c lib/cg_error.h \
	lib/cg_macros.h \
	lib/number.c lib/number.h lib/hex.c lib/hex.h \
	lib/username.c lib/username.h \
	lib/wipe.c lib/wipe.h \
	lib/base32.c lib/base32.h \
	lib/otp.c lib/otp.h \
	lib/random.c lib/random.h \
	lib/safefile.c lib/safefile.h \
	lib/audit.c lib/audit.h lib/audit_journal.c \
	lib/libsystemd.c lib/libsystemd.h \
	lib/datetime.c lib/datetime.h \
	lib/conf.c lib/conf_lex.c lib/conf_parse.c lib/conf_load.c lib/conf_ldap.c lib/conf_write.c \
	lib/conf.h lib/conf_int.h \
	lib/utf8.c lib/utf8.h \
	lib/nss.c lib/cg_nss.h \
	lib/policy.c lib/policy.h \
	lib/request.c lib/request_store.c lib/request.h \
	lib/verify.c lib/verify.h \
	lib/state_text.c lib/state.h lib/state_sealed.c lib/state_sealed.h \
	lib/state_slots.c \
	lib/seal.c lib/seal.h lib/evp_fetch.c lib/evp_fetch.h \
	lib/store.c lib/store.h lib/store_backend.h lib/store_files.c \
	lib/session.c lib/session.h \
	lib/grace.c lib/grace.h \
	lib/store_ldap_load.c lib/store_ldap_plugin.h \
	lib/recovery.c lib/recovery.h
# -ffunction-sections lets the module's link (--gc-sections) drop what
# only the tools call: sshd and sudo load nothing they never run.
lib_libcredgate_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) -fPIC \
	-ffunction-sections -fdata-sections
lib_libcredgate_la_LIBADD = $(CRYPTO_LIBS)
lib_libcredgate_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCG_LDAP_PLUGIN='"$(pkglibdir)/store_ldap.so"'

# What only the tools need: otpauth URIs, QR drawing (libqrencode, libpng),
# output files written as the caller, setuid hardening, locked memory and
# the multi-pattern matcher of the leak scanner.  Kept out of libcredgate so the
# PAM module does not load them into sshd, sudo and su on every login.
noinst_LTLIBRARIES += lib/libcredgate_tools.la
lib_libcredgate_tools_la_SOURCES = \
	lib/otpauth.c lib/otpauth.h \
	lib/outfile.c lib/outfile.h \
	lib/audit_parse.c lib/audit_parse.h \
	lib/json.c lib/json_out.c lib/json.h \
	lib/versions.c lib/versions.h \
	lib/qr.c lib/qr.h \
	lib/privguard.c lib/privguard.h \
	lib/credfile.c lib/credfile.h \
	lib/ttyline.c lib/ttyline.h \
	lib/argword.c lib/argword.h \
	lib/secmem.c lib/secmem.h \
	lib/acmatch.c lib/acmatch.h
lib_libcredgate_tools_la_CFLAGS = $(AM_CFLAGS) $(QRENCODE_CFLAGS) $(PNG_CFLAGS)
lib_libcredgate_tools_la_LIBADD = lib/libcredgate.la $(QRENCODE_LIBS) $(PNG_LIBS)

# The LDAP client of the fleet store (libldap), and the plugin that the
# core loads only for "store = ldap" (lib/store_ldap_plugin.h says why):
# $(pkglibdir)/store_ldap.so, exporting one symbol.
if HAVE_LDAP
noinst_LTLIBRARIES += lib/libcredgate_ldap.la
lib_libcredgate_ldap_la_SOURCES = \
	lib/ldap_client.h lib/ldap_int.h \
	lib/ldap_conn.c lib/ldap_token.c lib/ldap_write.c lib/ldap_check.c
lib_libcredgate_ldap_la_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(CRYPTO_CFLAGS) \
	-fPIC -ffunction-sections -fdata-sections
lib_libcredgate_ldap_la_LIBADD = $(LDAP_LIBS)

pkglib_LTLIBRARIES += lib/store_ldap.la
lib_store_ldap_la_SOURCES = lib/store_ldap.c lib/store_ldap_plugin.h
lib_store_ldap_la_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(CRYPTO_CFLAGS)
lib_store_ldap_la_LIBADD = lib/libcredgate_ldap.la lib/libcredgate.la \
	$(LDAP_LIBS) $(CRYPTO_LIBS)
lib_store_ldap_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^cg_store_ldap_plugin$$' -Wl,--gc-sections
endif
# The loader opens the .so; the libtool archive is only clutter there.
install-data-hook: store-ldap-remove-la
store-ldap-remove-la:
	rm -f '$(DESTDIR)$(pkglibdir)/store_ldap.la'
uninstall-hook: store-ldap-uninstall-so
store-ldap-uninstall-so:
	rm -f '$(DESTDIR)$(pkglibdir)/store_ldap.so'
.PHONY: store-ldap-remove-la store-ldap-uninstall-so
EXTRA_DIST += etc/ldap/credgate.ldif etc/ldap/credgate-acl.ldif
EXTRA_DIST += lib/README.md
