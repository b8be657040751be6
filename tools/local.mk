
# credgate: the access gate, installed setuid root (credgate-install-setuid
# below).  install-exec-hook, install-data-hook and uninstall-hook are
# shared by both tools: each adds its own target as a prerequisite,
# neither gives them a recipe.
# Everything but main() is a convenience library (pam_u2f's pattern), so
# unit tests and fuzz targets link the same objects instead of compiling
# tools/*.c again.
noinst_LTLIBRARIES += tools/libgate.la
tools_libgate_la_SOURCES = \
	tools/gate.h \
	tools/gate_args.c tools/gate_args.h \
	tools/gate_conv.c tools/gate_conv.h \
	tools/gate_pam.c tools/gate_deliver.c tools/gate_query.c \
	tools/gate_write.c tools/gate_versions.c tools/gate_onchange.c \
	tools/gate_approve.c
tools_libgate_la_LIBADD = lib/libcredgate_tools.la $(PAM_LIBS) $(CRYPTO_LIBS)

bin_PROGRAMS += tools/credgate
tools_credgate_SOURCES = tools/credgate.c
tools_credgate_LDFLAGS = $(AM_LDFLAGS) -Wl,-z,relro,-z,now
tools_credgate_LDADD = tools/libgate.la

# Its PAM service and the policy are the admin's once installed: each is
# installed only when absent (an existing one is kept, and make says so)
# and uninstalled only while identical to what was installed.  The example
# policy (every line a comment) is the policy's first version.
credgateconfdir = $(sysconfdir)/credgate
dist_credgateconf_DATA = etc/credgate.conf.example
EXTRA_DIST += etc/pam.d/credgate
credgatestatedir = $(localstatedir)/lib/credgate/users
cg_admin_files = etc/pam.d/credgate:$(pamconfdir)/credgate \
	etc/credgate.conf.example:$(credgateconfdir)/credgate.conf

# Bash completion for both tools, one script under both names:
# bash-completion loads a command's completion from a file named after it.
dist_bashcompletion_DATA = etc/bash-completion/credgate
install-data-hook: credgate-install-completion
credgate-install-completion:
	cd '$(DESTDIR)$(bashcompletiondir)' && rm -f credgate-enroll && \
	$(LN_S) credgate credgate-enroll
uninstall-hook: credgate-uninstall-completion
credgate-uninstall-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/credgate-enroll'
.PHONY: credgate-install-completion credgate-uninstall-completion

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
	@for f in $(cg_admin_files); do \
	  src='$(srcdir)/'$${f%%:*}; dst='$(DESTDIR)'$${f#*:}; \
	  if test -e "$$dst"; then \
	    echo " $$dst exists: kept (not replaced by $$src)"; \
	  else \
	    echo " $(INSTALL_DATA) $$src $$dst"; \
	    $(MKDIR_P) "$${dst%/*}" && $(INSTALL_DATA) "$$src" "$$dst" || exit 1; \
	  fi; \
	done
	$(MKDIR_P) '$(DESTDIR)$(credgatestatedir)'
	chmod 700 '$(DESTDIR)$(credgatestatedir)'
	@k='$(DESTDIR)$(credgateconfdir)/host.key'; \
	if test -n '$(DESTDIR)'; then \
	  echo " DESTDIR set: no host key made (a package must not carry one):"; \
	  echo " on the host, run: credgate-enroll init"; \
	elif test -e "$$k"; then \
	  echo " $$k exists: kept"; \
	else \
	  echo " creating the host key $$k (32 random bytes, mode 0400)"; \
	  (umask 277 && head -c 32 /dev/urandom >"$$k.tmp") && \
	  { test "`id -u`" != 0 || chown root:root "$$k.tmp"; } && \
	  mv "$$k.tmp" "$$k" || { rm -f "$$k.tmp"; exit 1; }; \
	fi

uninstall-hook: credgate-uninstall
credgate-uninstall:
	@for f in $(cg_admin_files); do \
	  src='$(srcdir)/'$${f%%:*}; dst='$(DESTDIR)'$${f#*:}; \
	  if test -f "$$dst" && cmp -s "$$src" "$$dst"; then \
	    echo " rm -f $$dst"; rm -f "$$dst"; \
	  elif test -e "$$dst"; then \
	    echo " $$dst differs from $$src (edited): kept"; \
	  fi; \
	done; \
	c='$(DESTDIR)$(credgateconfdir)'; s='$(DESTDIR)$(credgatestatedir)'; \
	if test -f "$$c/host.key" && test -z "`ls -A "$$s" 2>/dev/null`"; then \
	  echo " rm -f $$c/host.key (nothing is sealed under it)"; \
	  rm -f "$$c/host.key"; \
	elif test -f "$$c/host.key"; then \
	  echo " $$c/host.key kept: the states in $$s are sealed under it"; \
	fi; \
	for d in '$(DESTDIR)$(credgatestatedir)' '$(DESTDIR)$(localstatedir)/lib/credgate' \
	         '$(DESTDIR)$(credgateconfdir)'; do \
	  rmdir "$$d" 2>/dev/null || :; \
	done

.PHONY: credgate-install-setuid credgate-install-data credgate-uninstall

# credgate-enroll: enrollment and admin tool, installed setuid root so that
# users may enroll themselves (self_enroll = yes): see
# credgate-install-setuid above.
noinst_LTLIBRARIES += tools/libenroll.la
tools_libenroll_la_SOURCES = \
	tools/enroll.h \
	tools/enroll_args.c tools/enroll_common.c tools/enroll_self.c \
	tools/enroll_add.c tools/enroll_show.c tools/enroll_admin.c \
	tools/enroll_import.c tools/enroll_ga.c tools/enroll_oath.c \
	tools/enroll_check.c tools/enroll_migrate.c tools/enroll_keys.c \
	tools/enroll_prune.c \
	tools/enroll_log.c tools/logq.h tools/logq_line.c tools/logq_time.c \
	tools/logq_source.c \
	tools/enroll_scan.c \
	tools/scan.h tools/scan_needles.c tools/scan_walk.c tools/scan_file.c \
	tools/scan_reach.c tools/scan_report.c \
	tools/scan_git.h tools/scan_git.c tools/scan_git_worker.c
# libgit2's headers only: scan's git worker dlopen()s it (scan_git_worker.c).
tools_libenroll_la_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(GIT2_CFLAGS)
tools_libenroll_la_LIBADD = lib/libcredgate_tools.la $(CRYPTO_LIBS) $(ZLIB_LIBS)

sbin_PROGRAMS += tools/credgate-enroll
tools_credgate_enroll_SOURCES = tools/credgate-enroll.c
tools_credgate_enroll_LDFLAGS = $(AM_LDFLAGS) -Wl,-z,relro,-z,now
tools_credgate_enroll_LDADD = tools/libenroll.la

