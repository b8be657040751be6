
# credgate: the access gate, installed setuid root (credgate-install-setuid
# below).  install-exec-hook, install-data-hook and uninstall-hook are
# shared by both tools: each adds its own target as a prerequisite,
# neither gives them a recipe.
bin_PROGRAMS += tools/credgate
tools_credgate_SOURCES = \
	tools/credgate.c tools/gate.h \
	tools/gate_args.c tools/gate_args.h \
	tools/gate_conv.c tools/gate_conv.h \
	tools/gate_pam.c tools/gate_deliver.c tools/gate_query.c
tools_credgate_LDFLAGS = $(AM_LDFLAGS) -Wl,-z,relro,-z,now
tools_credgate_LDADD = lib/libcredgate_tools.la $(PAM_LIBS) $(CRYPTO_LIBS)

# Its PAM service, and an example policy (also installed as the policy
# when there is none yet; uninstall removes that only while unchanged).
pamconfdir = $(sysconfdir)/pam.d
dist_pamconf_DATA = etc/pam.d/credgate
credgateconfdir = $(sysconfdir)/credgate
dist_credgateconf_DATA = etc/credgate.conf.example
credgatestatedir = $(localstatedir)/lib/credgate/users

# Both tools are setuid root: chown needs root (a DESTDIR/fakeroot build
# as root gets it too); as another user only the mode is set, with a
# warning saying what to run.
install-exec-hook: credgate-install-setuid
credgate-install-setuid:
	@for f in '$(DESTDIR)$(bindir)/credgate$(EXEEXT)' \
	          '$(DESTDIR)$(sbindir)/credgate-enroll$(EXEEXT)'; do \
	  if test "`id -u`" = 0; then \
	    echo " chown root:root $$f && chmod 4755 $$f"; \
	    chown root:root "$$f" && chmod 4755 "$$f" || exit 1; \
	  else \
	    echo " chmod 4755 $$f"; chmod 4755 "$$f" || exit 1; \
	    echo "WARNING: $$f is not owned by root (chown needs root): as root run" >&2; \
	    echo "WARNING:   chown root:root $$f && chmod 4755 $$f" >&2; \
	  fi; \
	done

install-data-hook: credgate-install-data
credgate-install-data:
	@c='$(DESTDIR)$(credgateconfdir)'; \
	if test -e "$$c/credgate.conf"; then \
	  echo " $$c/credgate.conf exists: not replaced"; \
	else \
	  echo " $(INSTALL_DATA) credgate.conf.example $$c/credgate.conf"; \
	  $(INSTALL_DATA) '$(srcdir)/etc/credgate.conf.example' "$$c/credgate.conf"; \
	fi
	$(MKDIR_P) '$(DESTDIR)$(credgatestatedir)'
	chmod 700 '$(DESTDIR)$(credgatestatedir)'

uninstall-hook: credgate-uninstall
credgate-uninstall:
	@c='$(DESTDIR)$(credgateconfdir)'; \
	if test -f "$$c/credgate.conf" && \
	   cmp -s '$(srcdir)/etc/credgate.conf.example' "$$c/credgate.conf"; then \
	  echo " rm -f $$c/credgate.conf"; rm -f "$$c/credgate.conf"; \
	fi; \
	for d in '$(DESTDIR)$(credgatestatedir)' '$(DESTDIR)$(localstatedir)/lib/credgate' "$$c"; do \
	  rmdir "$$d" 2>/dev/null || :; \
	done

.PHONY: credgate-install-setuid credgate-install-data credgate-uninstall

# credgate-enroll: enrollment and admin tool, installed setuid root so that
# users may enroll themselves (self_enroll = yes): see
# credgate-install-setuid above.
sbin_PROGRAMS += tools/credgate-enroll
tools_credgate_enroll_SOURCES = \
	tools/credgate-enroll.c tools/enroll.h \
	tools/enroll_args.c tools/enroll_common.c tools/enroll_self.c \
	tools/enroll_add.c tools/enroll_show.c tools/enroll_admin.c \
	tools/enroll_import.c tools/enroll_ga.c tools/enroll_oath.c \
	tools/enroll_check.c
tools_credgate_enroll_LDFLAGS = $(AM_LDFLAGS) -Wl,-z,relro,-z,now
tools_credgate_enroll_LDADD = lib/libcredgate_tools.la $(CRYPTO_LIBS)

