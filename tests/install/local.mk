# Installation: the man pages (mandoc -Tlint, configured paths) and
# "make install" from a default configure landing where libpam looks.
INSTALL_TESTS = tests/install/man-lint.sh tests/install/pamdir.sh
TESTS += $(INSTALL_TESTS)
EXTRA_DIST += $(INSTALL_TESTS)
