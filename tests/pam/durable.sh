#!/bin/sh
# One durable write per attempt, and what a hostile caller or a full disk
# can do to it: durable-write calls counted per login (the fault shim's
# CG_SYNC_LOG), "ulimit -f" (SIGXFSZ) and SIGXFSZ sent mid-login leave
# no temp file and kill nothing, SIGKILL at random moments (300 times)
# never leaves a state that does not open nor more than one stale temp
# file, which the next write removes; a really full file system (a small
# tmpfs, root only) refuses a right code and leaves the state as it was.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
sandbox_init

SHIM="$abs_top_builddir/tests/helpers/.libs/faultinject.so"
[ -f "$SHIM" ] || skip_all "faultinject.so not built"
ulimit -c 0
BASE=1800000015
at() { echo $((BASE + 30 * $1)); }
write_config "max_failures = 1000" "failure_window = 24h" "lockout = 0"
enroll alice
temps() { find "$STATE" -name '.*' ! -name '.*.lock' | wc -l; }


# --- durable-write calls per attempt -----------------------------------------
syncs() {       # syncs DESC USER INPUT STEP
	rm -f "$T/sync.log"
	CG_SYNC_LOG=$T/sync.log; export CG_SYNC_LOG
	pam_auth "$2" "$3" "$(at "$4")" "" "$SHIM"
	unset CG_SYNC_LOG
	n=$(cat "$T/sync.log" 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] && [ "$n" -le 2 ]
	ok $? "$1: $n durable-write calls (fsync/fdatasync), at most 2" ||
		diag "$(cat "$T/sync.log" 2>/dev/null)"
}
syncs "a right code" alice "$(code_for alice "$(at 0)")" 0
grep -q "^fsync $STATE/.alice.tmp$" "$T/sync.log" &&
	grep -q "^fsync $STATE$" "$T/sync.log"
ok $? "they are the temp file's and the directory's"
syncs "a wrong code" alice 000000 1
syncs "a user with no state (the decoy is written)" carol 000000 2

# --- ulimit -f 0 -----------------------------------------------------------------
# pam_wrapper itself writes small files at start, so the limit is a few
# blocks rather than 0 (the setuid tools, which lift it, are tested with
# 0 in tests/tools); a sealed state (4 KiB) is beyond it.
cp "$STATE/alice" "$T/before"
(ulimit -f 2; pam_auth alice "$(code_for alice "$(at 3)")" "$(at 3)")
rc=$?
[ $rc -eq 1 ]; ok $? "ulimit -f: the right code is refused, pamtester not killed by SIGXFSZ (exit $rc)"
grep -q 'Authentication failure' "$T/out"
ok $? "ulimit -f: an authentication failure"
cmp -s "$T/before" "$STATE/alice"; ok $? "ulimit -f: the state is as it was"
[ "$(temps)" -eq 0 ]; ok $? "ulimit -f: no temp file left"
pam_auth alice "$(code_for alice "$(at 3)")" "$(at 3)"
ok $? "without the limit the same code then works"

# A slow disk (each fsync in the state directory takes 40 ms more), so
# that a good share of the signals below land while a temp file exists;
# and a login's length with it, so the signals fall anywhere in it.
CG_SYNC_DELAY_MS=40 CG_FAULT_DIR=$STATE VICTIM_PRELOAD=$SHIM
export CG_SYNC_DELAY_MS CG_FAULT_DIR
t0=$(date +%s%N)
victim alice 000000 "$(at 4)"
wait "$VPID"
SPAN=$(( ($(date +%s%N) - t0) / 1000000 * 12 / 10 + 1 ))

# --- SIGXFSZ at random moments: blocked while a temp file exists ---------------
bad=0; left=0
for i in $(seq 1 60); do
	victim alice 000000 "$(at 4)"
	strike XFSZ "$SPAN"
	"$CG_STATE" "$STATE" check alice 2>/dev/null || bad=$((bad + 1))
	[ "$(temps)" -eq 0 ] || left=$((left + 1))
done
[ $bad -eq 0 ] && [ $left -eq 0 ]
ok $? "60 logins sent SIGXFSZ at random moments: state opens, no temp file ($bad bad, $left left)"

# --- SIGKILL at random moments ---------------------------------------------------
bad=0; over=0; seen=0; t=5
for i in $(seq 1 300); do
	t=$((t + 1))
	if [ $((i % 2)) -eq 0 ]; then input=$(code_for alice "$(at $t)"); else input=000000; fi
	victim alice "$input" "$(at $t)"
	strike KILL "$SPAN"
	"$CG_STATE" "$STATE" check alice 2>>"$T/check.err" || bad=$((bad + 1))
	n=$(temps)
	[ "$n" -le 1 ] || over=$((over + 1))
	[ "$n" -eq 0 ] || [ -f "$STATE/.alice.tmp" ] || over=$((over + 1))
	[ -f "$STATE/.alice.tmp" ] && seen=$((seen + 1))
done
diag "a login takes about $((SPAN * 10 / 12)) ms here; a killed write left" \
	".alice.tmp behind after $seen of 300 kills"
[ $bad -eq 0 ]; ok $? "300 logins killed at random moments: the state always opens ($bad bad)"
[ $over -eq 0 ]; ok $? "never more than one stale temp file, .alice.tmp ($over over)"
t=$((t + 1))
pam_auth alice "$(code_for alice "$(at $t)")" "$(at $t)"
ok $? "alice logs in afterwards"
[ "$(temps)" -eq 0 ]; ok $? "and that write removed any stale temp file"
[ "$seen" -gt 0 ]; ok $? "(some kills did land while a temp file existed: $seen)"
unset CG_SYNC_DELAY_MS CG_FAULT_DIR VICTIM_PRELOAD

# --- a really full file system (root: a tmpfs in a private namespace) ------------
if [ "$(id -u)" -ne 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
	skip "full file system" "needs root for a private mount namespace"
	done_testing
	exit
fi
t=$((t + 1))
code=$(code_for alice "$(at $t)")
cp -a "$STATE" "$T/state.copy"
cat >"$T/full.sh" <<EOF
set -u
mount -t tmpfs -o size=256k,mode=0700 cg-full "$STATE" || exit 3
cp -a "$T/state.copy/." "$STATE/" || exit 3
dd if=/dev/zero of="$STATE/.fill" bs=4096 2>/dev/null
dd if=/dev/zero of="$STATE/.fill2" bs=1 2>/dev/null
cp "$STATE/alice" "$T/full.before"
printf '%s\n' "$code" | env TZ=UTC FAKETIME="@$(fake_stamp "$(at $t)")" \
	LD_PRELOAD="$LIBFAKETIME $(preload)" \
	ASAN_OPTIONS="\${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
	PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" PAM_WRAPPER_USE_SYSLOG=1 \
	NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
	"$PAMTESTER" -v credgate-test alice authenticate >"$T/full.out" 2>&1
echo \$? >"$T/full.rc"
cmp -s "$T/full.before" "$STATE/alice"; echo \$? >"$T/full.same"
find "$STATE" -name '.*' ! -name '.*.lock' ! -name '.fill*' | wc -l >"$T/full.temps"
EOF
unshare -m --propagation private sh "$T/full.sh"
ok $? "(a 256 KiB tmpfs, filled up, over the state directory)"
[ "$(cat "$T/full.rc")" -ne 0 ]; ok $? "full file system: the right code is refused"
[ "$(cat "$T/full.same")" -eq 0 ]; ok $? "full file system: the state is byte for byte as it was"
[ "$(cat "$T/full.temps")" -eq 0 ]; ok $? "full file system: no temp file left"
pam_auth alice "$code" "$(at $t)"
ok $? "with room again, the same code works: it was never recorded"

done_testing
