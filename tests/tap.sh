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
ok() { if [ "$1" -eq 0 ]; then shift; pass "$@"; else shift; fail "$@"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
need_tool() { [ -n "$2" ] && [ -x "$2" ] || skip_all "$1 not installed"; }
done_testing() {
	[ -n "$TAP_PLANNED" ] || echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
