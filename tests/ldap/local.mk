# The fleet store against a real directory: slapd with the otp overlay,
# TLS from a CA made in the test, nslcd for NSS, all inside a private
# mount and network namespace (tests/ldap/directory.sh; root only).
LDAP_TESTS = tests/ldap/client.sh tests/ldap/fleet.sh
TESTS += $(LDAP_TESTS)
EXTRA_DIST += $(LDAP_TESTS) tests/ldap/directory.sh
