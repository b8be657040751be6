# QR codes (lib/qr.h): API and exact terminal shape (cmocka), then
# decoding by zbarimg and the file-safety rules (shell, via qr-render).
check_PROGRAMS += tests/tools/qr-api.t
TESTS += tests/tools/qr-api.t
tests_tools_qr_api_t_SOURCES = tests/tools/test_qr_api.c
tests_tools_qr_api_t_CFLAGS = $(CG_TEST_CFLAGS)
tests_tools_qr_api_t_LDADD = $(CG_TEST_LIBS)
tests_tools_qr_api_t_LDFLAGS = $(CG_TEST_LINKFLAGS)
TESTS += tests/tools/qr.sh
EXTRA_DIST += tests/tools/qr.sh
EXTRA_DIST += tests/tools/rootns.sh
