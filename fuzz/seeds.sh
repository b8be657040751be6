#!/bin/sh
# Every fuzz target runs over its seed corpus (fuzz/seeds/NAME) in the
# ordinary build: a target that no longer builds or a seed that now fails
# one of the target's checks (they abort) fails make check, not only the
# fuzzing build of scripts/test.
. "$abs_top_srcdir/tests/tap.sh"
# One target per seed directory.
targets=$(cd "$abs_top_srcdir/fuzz/seeds" && ls)
set -- $targets
plan $#
for t in $targets; do
	bin="$abs_top_builddir/fuzz/fuzz_$t"
	if [ ! -x "$bin" ]; then fail "fuzz_$t: not built"; continue; fi
	out=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1" "$bin" "$abs_top_srcdir/fuzz/seeds/$t" 2>&1)
	rc=$?
	n=$(printf '%s\n' "$out" | grep -c '^ran ')
	[ $rc -eq 0 ] && [ "$n" -gt 0 ]
	ok $? "fuzz_$t runs over its $n seeds"
	[ $rc -eq 0 ] || diag "$out"
done
