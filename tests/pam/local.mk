# End-to-end PAM tests: real libpam + pam_wrapper + nss_wrapper.
PAM_TESTS = tests/pam/auth.sh tests/pam/real-apps.sh tests/pam/concurrency.sh tests/pam/faults.sh \
	tests/pam/account.sh tests/pam/exports.sh tests/pam/first-pass.sh \
	tests/pam/sealed.sh tests/pam/timing.sh tests/pam/durable.sh
TESTS += $(PAM_TESTS)
EXTRA_DIST += $(PAM_TESTS) tests/pam/lib.sh tests/pam/private-tmp.sh
