
# syslog-sink: a minimal syslog daemon for asserting audit lines.
check_PROGRAMS += tests/helpers/syslog-sink
tests_helpers_syslog_sink_SOURCES = tests/helpers/syslog-sink.c
tests_helpers_syslog_sink_LDFLAGS = $(CG_TEST_LINKFLAGS)
EXTRA_DIST += tests/with-syslog.sh

# cg-state: enroll users with known secrets and read their state (lib/ API).
check_PROGRAMS += tests/helpers/cg-state
tests_helpers_cg_state_SOURCES = tests/helpers/cg-state.c
tests_helpers_cg_state_CFLAGS = $(CG_TEST_CFLAGS)
tests_helpers_cg_state_LDADD = $(CG_TEST_LIBS)
tests_helpers_cg_state_LDFLAGS = $(CG_TEST_LINKFLAGS)

# faultinject.so: LD_PRELOAD shim failing write/fsync/rename in one directory.
check_LTLIBRARIES += tests/helpers/faultinject.la
tests_helpers_faultinject_la_SOURCES = tests/helpers/faultinject.c
tests_helpers_faultinject_la_CFLAGS = $(WARN_CFLAGS) -Wno-missing-prototypes
tests_helpers_faultinject_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_helpers_faultinject_la_LIBADD = -ldl

# workcount.so: LD_PRELOAD shim counting HMACs, seals, unseals, hashes
# and syncs, for timing.sh's same-work check.
check_LTLIBRARIES += tests/helpers/workcount.la
tests_helpers_workcount_la_SOURCES = tests/helpers/workcount.c
tests_helpers_workcount_la_CFLAGS = $(WARN_CFLAGS) $(CRYPTO_CFLAGS) \
	-Wno-missing-prototypes
tests_helpers_workcount_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_helpers_workcount_la_LIBADD = -ldl

# qr-render: draw QR codes through lib/qr.h; term2pbm: paint terminal
# output as a PBM, so zbarimg can check what a terminal would show.
check_PROGRAMS += tests/helpers/qr-render tests/helpers/term2pbm
tests_helpers_qr_render_SOURCES = tests/helpers/qr-render.c
tests_helpers_qr_render_CFLAGS = $(CG_TEST_CFLAGS)
tests_helpers_qr_render_LDADD = $(CG_TEST_LIBS)
tests_helpers_qr_render_LDFLAGS = $(CG_TEST_LINKFLAGS)
tests_helpers_term2pbm_SOURCES = tests/helpers/term2pbm.c
tests_helpers_term2pbm_LDFLAGS = $(CG_TEST_LINKFLAGS)

# totp-print: our TOTP codes for given parameters, for oathtool cross-checks.
check_PROGRAMS += tests/helpers/totp-print
tests_helpers_totp_print_SOURCES = tests/helpers/totp_print.c
tests_helpers_totp_print_CFLAGS = $(CG_TEST_CFLAGS)
tests_helpers_totp_print_LDADD = lib/libcredgate.la $(CRYPTO_LIBS)
tests_helpers_totp_print_LDFLAGS = $(CG_TEST_LINKFLAGS)

# pam-acct: a PAM application that sets PAM environment variables (as the
# gate sets CREDGATE_CREDENTIAL) before authenticate/acct_mgmt.
check_PROGRAMS += tests/helpers/pam-acct
tests_helpers_pam_acct_SOURCES = tests/helpers/pam-acct.c
tests_helpers_pam_acct_CFLAGS = $(AM_CFLAGS)
tests_helpers_pam_acct_LDADD = $(PAM_LIBS)
tests_helpers_pam_acct_LDFLAGS = $(CG_TEST_LINKFLAGS)

# pam-time: pam_authenticate timed per case in one process (timing.sh).
check_PROGRAMS += tests/helpers/pam-time
tests_helpers_pam_time_SOURCES = tests/helpers/pam-time.c
tests_helpers_pam_time_CFLAGS = $(AM_CFLAGS)
tests_helpers_pam_time_LDADD = $(PAM_LIBS)
tests_helpers_pam_time_LDFLAGS = $(CG_TEST_LINKFLAGS)

# ldap-probe: the LDAP client layer one operation at a time (tests/ldap).
if HAVE_LDAP
check_PROGRAMS += tests/helpers/ldap-probe
tests_helpers_ldap_probe_SOURCES = tests/helpers/ldap-probe.c
tests_helpers_ldap_probe_CFLAGS = $(CG_TEST_CFLAGS) $(LDAP_CFLAGS)
tests_helpers_ldap_probe_LDADD = lib/libcredgate_ldap.la lib/libcredgate.la \
	$(LDAP_LIBS) $(CRYPTO_LIBS)
tests_helpers_ldap_probe_LDFLAGS = $(CG_TEST_LINKFLAGS)
endif

# pty-run: a command as the leader of a new session on a fresh pty (or a
# recycled pts number), optionally driven by an expect/send script.
check_PROGRAMS += tests/helpers/pty-run
tests_helpers_pty_run_SOURCES = tests/helpers/pty-run.c
tests_helpers_pty_run_LDFLAGS = $(CG_TEST_LINKFLAGS)

# no-openat2.so: LD_PRELOAD shim answering ENOSYS for openat2, so the
# safe path walk's fallback is tested too (tests/unit/safefile-no-openat2.sh).
check_LTLIBRARIES += tests/helpers/no-openat2.la
tests_helpers_no_openat2_la_SOURCES = tests/helpers/no-openat2.c
tests_helpers_no_openat2_la_CFLAGS = $(WARN_CFLAGS) -Wno-missing-prototypes
tests_helpers_no_openat2_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_helpers_no_openat2_la_LIBADD = -ldl

# libnss_cgfail: an NSS source that fails for "ghost" (prune's tests).
check_LTLIBRARIES += tests/helpers/nss_cgfail.la
tests_helpers_nss_cgfail_la_SOURCES = tests/helpers/nss_cgfail.c
tests_helpers_nss_cgfail_la_CFLAGS = $(WARN_CFLAGS)
tests_helpers_nss_cgfail_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

# journal-sink: a minimal journald (native protocol, fields as JSON lines)
# for asserting the journal entries of audit events (tests/tools/journal.sh).
check_PROGRAMS += tests/helpers/journal-sink
tests_helpers_journal_sink_SOURCES = tests/helpers/journal-sink.c
tests_helpers_journal_sink_LDFLAGS = $(CG_TEST_LINKFLAGS)
