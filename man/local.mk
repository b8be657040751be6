# Man pages.  The sources in man/ are written with the paths of a Debian
# install (/etc/credgate, /var/lib/credgate, /etc/pam.d); the installed
# pages are generated from them with the configured paths, as OpenSSH's
# fixpaths does, so a page never names a file the build put elsewhere.
CG_MAN_SRC = man/pam_credgate.8 man/credgate-enroll.8 man/credgate.1 man/credgate.conf.5
man_MANS += man/gen/pam_credgate.8 man/gen/credgate-enroll.8 man/gen/credgate.1 \
	man/gen/credgate.conf.5
EXTRA_DIST += $(CG_MAN_SRC)
CLEANFILES += $(man_MANS)

cg_man_fixpaths = sed \
	-e 's|/etc/credgate|$(sysconfdir)/credgate|g' \
	-e 's|/var/lib/credgate|$(localstatedir)/lib/credgate|g' \
	-e 's|/etc/pam\.d|$(pamconfdir)|g' \
	-e 's|/usr/lib/credgate|$(pkglibdir)|g' \
	-e '1s|"credgate [0-9][0-9.]*"|"credgate $(VERSION)"|'
cg_man_gen = $(AM_V_GEN)$(MKDIR_P) man/gen && $(cg_man_fixpaths)
man/gen/pam_credgate.8: man/pam_credgate.8 Makefile
	$(cg_man_gen) $(srcdir)/man/pam_credgate.8 >$@.tmp && mv $@.tmp $@
man/gen/credgate-enroll.8: man/credgate-enroll.8 Makefile
	$(cg_man_gen) $(srcdir)/man/credgate-enroll.8 >$@.tmp && mv $@.tmp $@
man/gen/credgate.1: man/credgate.1 Makefile
	$(cg_man_gen) $(srcdir)/man/credgate.1 >$@.tmp && mv $@.tmp $@
man/gen/credgate.conf.5: man/credgate.conf.5 Makefile
	$(cg_man_gen) $(srcdir)/man/credgate.conf.5 >$@.tmp && mv $@.tmp $@
