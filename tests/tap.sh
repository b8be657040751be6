# TAP helpers for shell tests.  Source it first:  . "$abs_top_srcdir/tests/tap.sh"
# Functions: plan N, ok COND-EXIT-STATUS DESC, pass DESC, fail DESC,
# skip DESC REASON, skip_all REASON, need_tool NAME PATH, diag TEXT, done_testing
set -u
. "$abs_top_builddir/tests/env.sh"
TAP_N=0
TAP_FAILED=0
TAP_PLANNED=

plan() { TAP_PLANNED=$1; echo "1..$1"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
pass() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
fail() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP ${2:-}"; }
# ok STATUS DESC: pass when STATUS is 0.  Usage: some_cmd; ok $? "desc"
# Returns STATUS's truth, so "ok $? DESC || diag ..." explains a failure.
ok() { if [ "$1" -eq 0 ]; then shift; pass "$@"; else shift; fail "$@"; return 1; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 99; }
need_tool() { [ -n "$2" ] && [ -x "$2" ] || skip_all "$1 not installed"; }
# at_time EPOCH CMD...: run CMD with the clock starting at EPOCH and running
# on.  libfaketime is preloaded first, then $AT_PRELOAD (the ASan runtime,
# the cwrap wrappers...): the faketime wrapper puts itself last, which
# deadlocks with the ASan runtime.  Put other libraries in AT_PRELOAD, not
# in an inner "env LD_PRELOAD=", which would drop libfaketime.
fake_stamp() { TZ=UTC date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
at_time() {
	_at=$1; shift
	env TZ=UTC FAKETIME="@$(fake_stamp "$_at")" \
		LD_PRELOAD="$LIBFAKETIME${AT_PRELOAD:+ $AT_PRELOAD}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
		"$@"
}
# other_code CODE: a code of the same length that differs in every digit
# (no arithmetic: "$((012345 + 1))" is octal, and fails on 8 or 9).
other_code() { echo "$1" | tr 0123456789 1234567890; }
need_faketime() { [ -n "$LIBFAKETIME" ] && [ -f "$LIBFAKETIME" ] || skip_all "libfaketime not installed"; }

done_testing() {
	[ -n "$TAP_PLANNED" ] || echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
