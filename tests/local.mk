# Test harness: every test speaks TAP, so each individual case is counted.
# Shell tests end in .sh; compiled cmocka tests end in .t (a check program
# named foo.t) and run through tests/cmocka-tap.sh.
TEST_EXTENSIONS = .sh .t
TAP_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(TAP_DRIVER)
SH_LOG_COMPILER = $(SHELL)
T_LOG_DRIVER = $(TAP_DRIVER)
T_LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/cmocka-tap.sh
AM_TESTS_ENVIRONMENT = \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	abs_top_srcdir='$(abs_top_srcdir)'; export abs_top_srcdir; \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	CC='$(CC)'; export CC;
EXTRA_DIST += tests/cmocka-tap.sh tests/tap.sh

CG_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CRYPTO_CFLAGS)
CG_TEST_LIBS = lib/libcredgate_tools.la $(CMOCKA_LIBS) $(CRYPTO_LIBS)
CG_TEST_LINKFLAGS = $(AM_LDFLAGS) -no-install

# cmocka programs are listed in CMOCKA_TESTS: without cmocka they are not
# built, and the suite reports one skipped test saying why.
CMOCKA_TESTS =
include tests/unit/local.mk
include tests/helpers/local.mk
include tests/pam/local.mk
include tests/tools/local.mk
include tests/install/local.mk
include tests/ldap/local.mk
EXTRA_DIST += build-aux/tap-driver.sh

if HAVE_CMOCKA
check_PROGRAMS += $(CMOCKA_TESTS)
TESTS += $(CMOCKA_TESTS)
else
TESTS += tests/skip-no-cmocka.sh
endif
EXTRA_DIST += tests/skip-no-cmocka.sh
