# The shared core: every part of credgate links this, nothing is written twice.
noinst_LTLIBRARIES += lib/libcredgate.la
lib_libcredgate_la_SOURCES = \
	lib/cg_error.c lib/cg_error.h \
	lib/wipe.c lib/wipe.h \
	lib/base32.c lib/base32.h \
	lib/otp.c lib/otp.h \
	lib/otpauth.c lib/otpauth.h \
	lib/secret.c lib/secret.h \
	lib/safefile.c lib/safefile.h
lib_libcredgate_la_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) -fPIC
lib_libcredgate_la_LIBADD = $(CRYPTO_LIBS)
