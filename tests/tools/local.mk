# QR codes (lib/qr.h): API and exact terminal shape (cmocka), then
# decoding by zbarimg and the file-safety rules (shell, via qr-render).
CMOCKA_TESTS += tests/tools/qr-api.t
tests_tools_qr_api_t_SOURCES = tests/tools/test_qr_api.c
tests_tools_qr_api_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_qr_api_t_LDADD = $(CG_TEST_LIBS)
tests_tools_qr_api_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
TESTS += tests/tools/qr.sh
EXTRA_DIST += tests/tools/qr.sh
EXTRA_DIST += tests/tools/rootns.sh

# The access gate: its argument parser (cmocka), and end to end as a
# non-root caller of the real setuid binary in a private mount namespace
# (gate.sh, root only), with helpers: an argc == 0 exec, an LD_PRELOAD
# marker library and a PAM module that dumps the privileged environment.
CMOCKA_TESTS += tests/tools/gate-args.t
check_PROGRAMS += tests/tools/exec-noargv
tests_tools_gate_args_t_SOURCES = tests/tools/test_gate_args.c
tests_tools_gate_args_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
tests_tools_gate_args_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_gate_args_t_LDADD = tools/libgate.la $(CG_TEST_LIBS)
tests_tools_gate_args_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
tests_tools_exec_noargv_SOURCES = tests/tools/exec-noargv.c
tests_tools_exec_noargv_LDFLAGS = $(CG_TEST_LINKFLAGS)
check_LTLIBRARIES += tests/tools/preload-marker.la tests/tools/pam_envdump.la \
	tests/tools/pam_setuser.la
tests_tools_preload_marker_la_SOURCES = tests/tools/preload-marker.c
tests_tools_preload_marker_la_CFLAGS = $(WARN_CFLAGS) -Wno-missing-prototypes
tests_tools_preload_marker_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_tools_pam_envdump_la_SOURCES = tests/tools/pam_envdump.c
tests_tools_pam_envdump_la_CFLAGS = $(WARN_CFLAGS)
tests_tools_pam_envdump_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_tools_pam_envdump_la_LIBADD = $(PAM_LIBS)
tests_tools_pam_setuser_la_SOURCES = tests/tools/pam_setuser.c
tests_tools_pam_setuser_la_CFLAGS = $(WARN_CFLAGS)
tests_tools_pam_setuser_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_tools_pam_setuser_la_LIBADD = $(PAM_LIBS)
TESTS += tests/tools/gate.sh
EXTRA_DIST += tests/tools/gate.sh

# Issue 12 through the same setuid gate: expiring membership, approvals
# (root sandbox, clock from faketime through the sandbox's ld.so.preload).
TESTS += tests/tools/gate-until.sh tests/tools/gate-approve.sh
EXTRA_DIST += tests/tools/gate-until.sh tests/tools/gate-approve.sh \
	tests/tools/gate-sandbox.sh
# A hostile caller of the setuid gate: ulimit -f 0, a CPU limit.
TESTS += tests/tools/gate-limits.sh
EXTRA_DIST += tests/tools/gate-limits.sh

# credgate-enroll: its import parsers (cmocka), then the tool end to end
# (root sandbox of rootns.sh; skipped when not root).
CMOCKA_TESTS += tests/tools/enroll-parse.t
tests_tools_enroll_parse_t_SOURCES = tests/tools/test_enroll_parse.c
tests_tools_enroll_parse_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools -I$(top_srcdir)/tests/unit
tests_tools_enroll_parse_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_enroll_parse_t_LDADD = tools/libenroll.la $(CG_TEST_LIBS)
tests_tools_enroll_parse_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
ENROLL_TESTS = tests/tools/enroll-add.sh tests/tools/enroll-user.sh \
	tests/tools/enroll-prune.sh tests/tools/enroll-prompts.sh \
	tests/tools/enroll-import.sh tests/tools/enroll-check.sh \
	tests/tools/enroll-keys.sh
TESTS += $(ENROLL_TESTS)
EXTRA_DIST += $(ENROLL_TESTS) tests/tools/enroll-lib.sh

# credgate-enroll log: its parsers (cmocka), then the command on generated
# logs, rotated .gz files and a real journal (log.sh; the sandboxed parts
# need root).
CMOCKA_TESTS += tests/tools/logq.t
tests_tools_logq_t_SOURCES = tests/tools/test_logq.c
tests_tools_logq_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools -I$(top_srcdir)/tests/unit
tests_tools_logq_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_logq_t_LDADD = tools/libenroll.la $(CG_TEST_LIBS)
tests_tools_logq_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
TESTS += tests/tools/log.sh
EXTRA_DIST += tests/tools/log.sh tests/tools/log-sample.sh tests/tools/log-journal.sh

# credgate-enroll scan end to end (root sandbox of rootns.sh, git, jq;
# skipped when not root).
TESTS += tests/tools/scan.sh
EXTRA_DIST += tests/tools/scan.sh

# The scanner's pure parts: needles, readers, escaping (cmocka).
CMOCKA_TESTS += tests/tools/scan.t
tests_tools_scan_t_SOURCES = tests/tools/test_scan.c
tests_tools_scan_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools -I$(top_srcdir)/tests/unit
tests_tools_scan_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_scan_t_LDADD = tools/libenroll.la $(CG_TEST_LIBS)
tests_tools_scan_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# --json of credgate list/check and credgate-enroll list/status/check-config
# against the schemas in the man pages (root sandbox; jq).
TESTS += tests/tools/json.sh
EXTRA_DIST += tests/tools/json.sh tests/tools/json-lib.sh

# credgate put, versions, rollback and on_change, end to end as users of
# the setuid gate (root sandbox of rootns.sh; skipped when not root).
TESTS += tests/tools/put.sh
EXTRA_DIST += tests/tools/put.sh

# Bash completion of both tools: installed where bash-completion loads it,
# and what it offers (scripted compgen, checked against --help).
TESTS += tests/tools/completion.sh
EXTRA_DIST += tests/tools/completion.sh

# Audit events in the journal: the fields a private journal-sink receives
# from the module, the gate and credgate-enroll; syslog without a
# journal; the module without libsystemd (root sandbox).
TESTS += tests/tools/journal.sh
EXTRA_DIST += tests/tools/journal.sh
