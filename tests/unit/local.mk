
check_PROGRAMS += tests/unit/audit.t
TESTS += tests/unit/audit.t
tests_unit_audit_t_SOURCES = tests/unit/test_audit.c
tests_unit_audit_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_audit_t_LDADD = $(CG_TEST_LIBS)
tests_unit_audit_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

check_PROGRAMS += tests/unit/safefile.t
TESTS += tests/unit/safefile.t
tests_unit_safefile_t_SOURCES = tests/unit/test_safefile.c
tests_unit_safefile_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_safefile_t_LDADD = $(CG_TEST_LIBS)
tests_unit_safefile_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

check_PROGRAMS += tests/unit/state.t
TESTS += tests/unit/state.t
tests_unit_state_t_SOURCES = tests/unit/test_state.c
tests_unit_state_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_state_t_LDADD = $(CG_TEST_LIBS)
tests_unit_state_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

check_PROGRAMS += tests/unit/recovery.t
TESTS += tests/unit/recovery.t
tests_unit_recovery_t_SOURCES = tests/unit/test_recovery.c
tests_unit_recovery_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_recovery_t_LDADD = $(CG_TEST_LIBS)
tests_unit_recovery_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# OTP core: base32, HOTP/TOTP, otpauth URIs; cross-checked against oathtool.
check_PROGRAMS += tests/unit/base32.t tests/unit/otp.t tests/unit/otpauth.t
TESTS += tests/unit/base32.t tests/unit/otp.t tests/unit/otpauth.t \
	tests/unit/oathtool-crosscheck.sh
EXTRA_DIST += tests/unit/oathtool-crosscheck.sh
tests_unit_base32_t_SOURCES = tests/unit/test_base32.c
tests_unit_base32_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_base32_t_LDADD = $(CG_TEST_LIBS)
tests_unit_base32_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
tests_unit_otp_t_SOURCES = tests/unit/test_otp.c
tests_unit_otp_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_otp_t_LDADD = $(CG_TEST_LIBS)
tests_unit_otp_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
tests_unit_otpauth_t_SOURCES = tests/unit/test_otpauth.c
tests_unit_otpauth_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_otpauth_t_LDADD = $(CG_TEST_LIBS)
tests_unit_otpauth_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Policy parser: valid policies, a table of broken ones, the loader's file checks.
check_PROGRAMS += tests/unit/config.t
TESTS += tests/unit/config.t
tests_unit_config_t_SOURCES = tests/unit/test_config.c
tests_unit_config_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_config_t_LDADD = $(CG_TEST_LIBS)
tests_unit_config_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

