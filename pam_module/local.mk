# The PAM module: only pam_sm_* exported, everything else in lib/.
pam_LTLIBRARIES += pam_module/pam_credgate.la
pam_module_pam_credgate_la_SOURCES = \
	pam_module/pam_credgate.c \
	pam_module/args.c pam_module/args.h \
	pam_module/auth.c pam_module/auth.h \
	pam_module/account.c pam_module/account.h \
	pam_module/pin.c pam_module/pin.h \
	pam_module/pam_audit.c pam_module/pam_audit.h
pam_module_pam_credgate_la_CFLAGS = $(AM_CFLAGS)
pam_module_pam_credgate_la_LIBADD = lib/libcredgate.la $(PAM_LIBS)
pam_module_pam_credgate_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^pam_sm_' -Wl,--gc-sections -Wl,-z,nodelete

# PAM loads the .so; a libtool archive next to it is only clutter there.
install-data-hook: pam-credgate-remove-la
pam-credgate-remove-la:
	rm -f '$(DESTDIR)$(pamdir)/pam_credgate.la'
.PHONY: pam-credgate-remove-la
# ... so libtool's uninstall, which goes by the .la, needs help with the .so.
uninstall-hook: pam-credgate-uninstall-so
pam-credgate-uninstall-so:
	rm -f '$(DESTDIR)$(pamdir)/pam_credgate.so'
.PHONY: pam-credgate-uninstall-so
