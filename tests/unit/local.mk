
CMOCKA_TESTS += tests/unit/audit.t
tests_unit_audit_t_SOURCES = tests/unit/test_audit.c
tests_unit_audit_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_audit_t_LDADD = $(CG_TEST_LIBS)
tests_unit_audit_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

CMOCKA_TESTS += tests/unit/safefile.t
TESTS += tests/unit/safefile-no-openat2.sh
EXTRA_DIST += tests/unit/safefile-no-openat2.sh
tests_unit_safefile_t_SOURCES = tests/unit/test_safefile.c
tests_unit_safefile_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_safefile_t_LDADD = $(CG_TEST_LIBS)
tests_unit_safefile_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Grace per login session (lib/session.c, lib/grace.c).
CMOCKA_TESTS += tests/unit/grace.t
tests_unit_grace_t_SOURCES = tests/unit/test_grace.c
tests_unit_grace_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_grace_t_LDADD = $(CG_TEST_LIBS)
tests_unit_grace_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

CMOCKA_TESTS += tests/unit/state.t
tests_unit_state_t_SOURCES = tests/unit/test_state.c
tests_unit_state_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_state_t_LDADD = $(CG_TEST_LIBS)
tests_unit_state_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# State format 3: which of the two slots a reader takes.
CMOCKA_TESTS += tests/unit/state_slots.t
tests_unit_state_slots_t_SOURCES = tests/unit/test_state_slots.c
tests_unit_state_slots_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_state_slots_t_LDADD = $(CG_TEST_LIBS)
tests_unit_state_slots_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

CMOCKA_TESTS += tests/unit/store.t
tests_unit_store_t_SOURCES = tests/unit/test_store.c
tests_unit_store_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_store_t_LDADD = $(CG_TEST_LIBS)
tests_unit_store_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
EXTRA_DIST += tests/unit/state_fixture.h

# Sealing: AES-256-GCM, the host key file, HKDF.
CMOCKA_TESTS += tests/unit/seal.t
tests_unit_seal_t_SOURCES = tests/unit/test_seal.c
tests_unit_seal_t_CFLAGS = $(CG_TEST_CFLAGS) -Wno-deprecated-declarations
tests_unit_seal_t_LDADD = $(CG_TEST_LIBS)
tests_unit_seal_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# OpenSSL algorithms fetched once per process (lib/evp_fetch.c).
CMOCKA_TESTS += tests/unit/evp_fetch.t
tests_unit_evp_fetch_t_SOURCES = tests/unit/test_evp_fetch.c
tests_unit_evp_fetch_t_CFLAGS = $(CG_TEST_CFLAGS) -pthread
tests_unit_evp_fetch_t_LDADD = $(CG_TEST_LIBS)
tests_unit_evp_fetch_t_LDFLAGS = $(CG_TEST_LINKFLAGS) -pthread

CMOCKA_TESTS += tests/unit/recovery.t
tests_unit_recovery_t_SOURCES = tests/unit/test_recovery.c
tests_unit_recovery_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_recovery_t_LDADD = $(CG_TEST_LIBS)
tests_unit_recovery_t_LDFLAGS = $(CG_TEST_LINKFLAGS) \
	-Wl,--wrap=EVP_DigestInit_ex

# OTP core: base32, HOTP/TOTP, otpauth URIs; cross-checked against oathtool.
CMOCKA_TESTS += tests/unit/base32.t tests/unit/otp.t tests/unit/otpauth.t
TESTS += tests/unit/oathtool-crosscheck.sh tests/unit/macros-compile.sh
EXTRA_DIST += tests/unit/oathtool-crosscheck.sh tests/unit/macros-compile.sh
tests_unit_base32_t_SOURCES = tests/unit/test_base32.c
tests_unit_base32_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_base32_t_LDADD = $(CG_TEST_LIBS)
tests_unit_base32_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
tests_unit_otp_t_SOURCES = tests/unit/test_otp.c
tests_unit_otp_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_otp_t_LDADD = $(CG_TEST_LIBS)
tests_unit_otp_t_LDFLAGS = $(CG_TEST_LINKFLAGS) -Wl,--wrap=EVP_MAC_init
tests_unit_otpauth_t_SOURCES = tests/unit/test_otpauth.c
tests_unit_otpauth_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_otpauth_t_LDADD = $(CG_TEST_LIBS)
tests_unit_otpauth_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Dates in the policy ("bob until 2026-12-31").
CMOCKA_TESTS += tests/unit/datetime.t
tests_unit_datetime_t_SOURCES = tests/unit/test_datetime.c
tests_unit_datetime_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_datetime_t_LDADD = $(CG_TEST_LIBS)
tests_unit_datetime_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Approval requests: their rules, text form and directory.
CMOCKA_TESTS += tests/unit/request.t
tests_unit_request_t_SOURCES = tests/unit/test_request.c
tests_unit_request_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_request_t_LDADD = $(CG_TEST_LIBS)
tests_unit_request_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Policy parser: valid policies, a table of broken ones, the loader's file checks.
CMOCKA_TESTS += tests/unit/config.t
tests_unit_config_t_SOURCES = tests/unit/test_config.c
tests_unit_config_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_config_t_LDADD = $(CG_TEST_LIBS)
tests_unit_config_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Roles and decisions (lib/policy.c), users and groups from nss_wrapper:
# the program re-executes itself with libnss_wrapper.so preloaded.
CMOCKA_TESTS += tests/unit/policy.t
tests_unit_policy_t_SOURCES = tests/unit/test_policy.c
tests_unit_policy_t_CPPFLAGS = $(AM_CPPFLAGS) -DCG_ASAN_RUNTIME='"$(ASAN_RUNTIME)"'
tests_unit_policy_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_policy_t_LDADD = $(CG_TEST_LIBS)
tests_unit_policy_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# The locked verify step (lib/verify.c): fdatasync and cg_totp_verify are
# wrapped at link time to inject write failures and count judged codes.
CMOCKA_TESTS += tests/unit/verify.t
tests_unit_verify_t_SOURCES = tests/unit/test_verify.c
tests_unit_verify_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_verify_t_LDADD = $(CG_TEST_LIBS)
tests_unit_verify_t_LDFLAGS = $(CG_TEST_LINKFLAGS) \
	-Wl,--wrap=fdatasync -Wl,--wrap=cg_totp_verify \
	-Wl,--wrap=cg_recovery_match
EXTRA_DIST += tests/unit/table_test.h

# The one decimal parser and the one hex codec.
CMOCKA_TESTS += tests/unit/number.t
tests_unit_number_t_SOURCES = tests/unit/test_number.c
tests_unit_number_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_number_t_LDADD = $(CG_TEST_LIBS)
tests_unit_number_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# The [ldap] section and "store =" (lib/conf_ldap.c).
CMOCKA_TESTS += tests/unit/config-ldap.t
tests_unit_config_ldap_t_SOURCES = tests/unit/test_config_ldap.c
tests_unit_config_ldap_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_config_ldap_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_config_ldap_t_LDADD = $(CG_TEST_LIBS)
tests_unit_config_ldap_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Audit lines read back (lib/audit_parse.c): the writer as oracle.
CMOCKA_TESTS += tests/unit/audit-parse.t
tests_unit_audit_parse_t_SOURCES = tests/unit/test_audit_parse.c
tests_unit_audit_parse_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_audit_parse_t_LDADD = $(CG_TEST_LIBS)
tests_unit_audit_parse_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# The leak scanner's multi-pattern matcher (lib/acmatch.c).
CMOCKA_TESTS += tests/unit/acmatch.t
tests_unit_acmatch_t_SOURCES = tests/unit/test_acmatch.c
tests_unit_acmatch_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_acmatch_t_LDADD = $(CG_TEST_LIBS)
tests_unit_acmatch_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# The JSON writer of the tools' --json output (lib/json_out.c).
CMOCKA_TESTS += tests/unit/json-out.t
tests_unit_json_out_t_SOURCES = tests/unit/test_json_out.c
tests_unit_json_out_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_json_out_t_LDADD = $(CG_TEST_LIBS)
tests_unit_json_out_t_LDFLAGS = $(CG_TEST_LINKFLAGS)

# Kept versions of credentials (lib/versions.c): sealed, listed, pruned,
# refused when edited or moved, rekeyed.
CMOCKA_TESTS += tests/unit/versions.t
tests_unit_versions_t_SOURCES = tests/unit/test_versions.c
tests_unit_versions_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_unit_versions_t_LDADD = $(CG_TEST_LIBS)
tests_unit_versions_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
