#!/bin/sh
# The safe path walk without openat2 (an old kernel, or a seccomp filter
# answering ENOSYS): tests/helpers/no-openat2.so takes the system call
# away and the safefile unit tests must give the same answers through the
# openat(O_NOFOLLOW) fallback.  The shim leaves a mark when it refused a
# call, so this cannot pass with the shim not in the way.
. "$abs_top_srcdir/tests/tap.sh"

SHIM=$abs_top_builddir/tests/helpers/.libs/no-openat2.so
PROG=$abs_top_builddir/tests/unit/safefile.t
[ -f "$SHIM" ] || skip_all "no-openat2.so not built"
[ -x "$PROG" ] || skip_all "safefile.t not built (no cmocka)"
mark=$(mktemp) && rm -f "$mark" || exit 99
out=$(mktemp) || exit 99
trap 'rm -f "$mark" "$out"' EXIT

env LD_PRELOAD="${ASAN_RUNTIME:+$ASAN_RUNTIME }$SHIM" CG_NO_OPENAT2_MARK="$mark" \
	CMOCKA_MESSAGE_OUTPUT=TAP "$PROG" >"$out" 2>&1
rc=$?
[ $rc -eq 0 ]; ok $? "the safefile tests pass without openat2"
[ $rc -eq 0 ] || diag "$(grep -A3 '^not ok' "$out")"
[ -e "$mark" ]; ok $? "... and the shim did refuse openat2 (the fallback ran)"
done_testing
