#!/bin/sh
# One durable write per attempt, and what a hostile caller, a crash or a
# full disk can do to it: durable-write calls counted per login (the
# fault shim's CG_SYNC_LOG: one fdatasync of the state file, written in
# place), "ulimit -f" (SIGXFSZ) and SIGXFSZ sent mid-login leave no temp
# file and kill nothing, SIGKILL at random moments (300 times, in place
# and while converting an old format) never leaves a state that does not
# open nor more than one stale temp file, which the next write removes;
# a writer that dies with a slot half written (at a random byte) leaves
# the state as it was before that attempt; on a really full file system
# (a small tmpfs, root only) an in-place update is accepted because it is
# recorded (read back after), and a write that needs new space (converting
# a format-1 state) refuses a right code and leaves the state as it was.
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
# pam_wrapper makes /tmp/pam.X (one letter: about 60 names in all) and
# writes its pid there just after; a process killed in between leaves a
# directory that no later pam_wrapper can tell is stale, and once the
# names run out every pam_wrapper process on the host fails.  After the
# kills below, remove such directories: still without a pid 100 ms after
# they were seen, they are nobody's.
reap_pwrap() {
	_c=""
	for _d in /tmp/pam.?; do
		[ -d "$_d" ] && [ ! -s "$_d/pid" ] && _c="$_c $_d"
	done
	[ -n "$_c" ] || return 0
	sleep 0.1
	for _d in $_c; do
		[ -d "$_d" ] && [ ! -s "$_d/pid" ] && rm -rf "$_d"
	done
	return 0
}


# --- durable-write calls per attempt -----------------------------------------
syncs() {       # syncs DESC USER INPUT STEP
	rm -f "$T/sync.log"
	CG_SYNC_LOG=$T/sync.log; export CG_SYNC_LOG
	pam_auth "$2" "$3" "$(at "$4")" "" "$SHIM"
	unset CG_SYNC_LOG
	n=$(cat "$T/sync.log" 2>/dev/null | wc -l)
	[ "$n" -eq 1 ]
	ok $? "$1: $n durable-write call (fsync/fdatasync), exactly 1" ||
		diag "$(cat "$T/sync.log" 2>/dev/null)"
}
syncs "a right code" alice "$(code_for alice "$(at 0)")" 0
[ "$(cat "$T/sync.log")" = "fdatasync $STATE/alice" ]
ok $? "it is an fdatasync of the state file (updated in place)"
syncs "a wrong code" alice 000000 1
pam_auth carol 000000 "$(at 2)"     # the decoy's first write creates it
syncs "a user with no state (the decoy is written)" carol 000000 2
[ "$(cat "$T/sync.log")" = "fdatasync $STATE/-decoy" ]
ok $? "(the decoy's fdatasync)"

# --- ulimit -f 0 -----------------------------------------------------------------
# pam_wrapper itself writes small files at start, so the limit is a few
# blocks rather than 0 (the setuid tools, which lift it, are tested with
# 0 in tests/tools); the slots of a state (up to 4 KiB) end beyond it, so
# the write fails part-way and is undone.
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
reap_pwrap
[ $bad -eq 0 ] && [ $left -eq 0 ]
ok $? "60 logins sent SIGXFSZ at random moments: state opens, no temp file ($bad bad, $left left)"

# --- SIGKILL at random moments ---------------------------------------------------
# Odd rounds: alice, written in place.  Even rounds: dave, whose state is
# put back to format 1 first, so that his login converts it (temp file,
# rename): the kills land in both ways of writing.
enroll dave
b32=$(printf '%s' "$(cat "$T/dave.secret")" | xxd_b32)
printf 'credgate-state 1\nsecret %s\nalgorithm sha1\ndigits 6\nperiod 30\nlast_step -1\nfailures 0\nlast_failure 0\nlocked_until 0\nenrolled_at 1700000000\nenrolled_by root\n' \
	"$b32" >"$T/dave.v1"
bad=0; over=0; seen=0; t=5
for i in $(seq 1 300); do
	t=$((t + 1))
	u=alice
	if [ $((i % 2)) -eq 0 ]; then
		u=dave
		cp "$T/dave.v1" "$STATE/dave"
	fi
	if [ $((i % 4)) -lt 2 ]; then input=$(code_for $u "$(at $t)"); else input=000000; fi
	victim $u "$input" "$(at $t)"
	strike KILL "$SPAN"
	"$CG_STATE" "$STATE" check $u 2>>"$T/check.err" || bad=$((bad + 1))
	n=$(temps)
	[ "$n" -le 1 ] || over=$((over + 1))
	[ "$n" -eq 0 ] || [ -f "$STATE/.dave.tmp" ] || over=$((over + 1))
	[ $u = dave ] && [ -f "$STATE/.dave.tmp" ] && seen=$((seen + 1))
	[ $((i % 50)) -eq 0 ] && reap_pwrap
done
diag "a login takes about $((SPAN * 10 / 12)) ms here; a killed conversion" \
	"left .dave.tmp behind after $seen of 150 kills"
[ $bad -eq 0 ]; ok $? "300 logins killed at random moments: the state always opens ($bad bad)"
[ $over -eq 0 ]; ok $? "never more than one stale temp file, .dave.tmp ($over over)"
t=$((t + 1))
pam_auth alice "$(code_for alice "$(at $t)")" "$(at $t)"
ok $? "alice logs in afterwards"
pam_auth dave "$(code_for dave "$(at $t)")" "$(at $t)"
ok $? "dave logs in afterwards"
[ "$(temps)" -eq 0 ]; ok $? "and that write removed any stale temp file"
[ "$seen" -gt 0 ]; ok $? "(some kills did land while a temp file existed: $seen)"
unset CG_SYNC_DELAY_MS CG_FAULT_DIR VICTIM_PRELOAD

# --- a crash in the middle of an in-place write ----------------------------------
# The shim's write:TORN writes a random part of the slot, then the writer
# dies (SIGKILL, no cleanup, no undo): what a power cut leaves.  The
# other slot must answer, with the state from before that attempt (the
# right code it carried was never accepted: it still works after).
bad=0; moved=0; lost=0
for i in $(seq 1 40); do
	t=$((t + 1))
	before=$("$CG_STATE" "$STATE" get alice last_step)
	code=$(code_for alice "$(at $t)")
	CG_FAULT=write:TORN CG_FAULT_DIR=$STATE
	export CG_FAULT CG_FAULT_DIR
	pam_auth alice "$code" "$(at $t)" "" "$SHIM"
	unset CG_FAULT CG_FAULT_DIR
	"$CG_STATE" "$STATE" check alice 2>>"$T/check.err" || bad=$((bad + 1))
	[ "$("$CG_STATE" "$STATE" get alice last_step)" = "$before" ] ||
		moved=$((moved + 1))
	pam_auth alice "$code" "$(at $t)" || lost=$((lost + 1))
done
reap_pwrap
[ $bad -eq 0 ]; ok $? "40 writers killed with a slot half written: the state always opens ($bad bad)"
[ $moved -eq 0 ]; ok $? "and it is the state from before the torn attempt ($moved changed)"
[ $lost -eq 0 ]; ok $? "whose right code then works: it was never recorded ($lost refused)"

# --- a really full file system (root: a tmpfs in a private namespace) ------------
if [ "$(id -u)" -ne 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
	skip "full file system" "needs root for a private mount namespace"
	done_testing
	exit
fi
t=$((t + 1))
code=$(code_for alice "$(at $t)")
dcode=$(code_for dave "$(at $t)")
cp -a "$STATE" "$T/state.copy"
cp "$T/dave.v1" "$T/state.copy/dave"
cat >"$T/full.sh" <<EOF
set -u
login() {      # login USER CODE OUT: pamtester's exit status in OUT.rc
	printf '%s\n' "\$2" | env TZ=UTC FAKETIME="@$(fake_stamp "$(at $t)")" \
		LD_PRELOAD="$LIBFAKETIME $(preload)" \
		ASAN_OPTIONS="\${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" PAM_WRAPPER_USE_SYSLOG=1 \
		NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
		"$PAMTESTER" -v credgate-test "\$1" authenticate >"\$3.out" 2>&1
	echo \$? >"\$3.rc"
}
mount -t tmpfs -o size=256k,mode=0700 cg-full "$STATE" || exit 3
cp -a "$T/state.copy/." "$STATE/" || exit 3
dd if=/dev/zero of="$STATE/.fill" bs=4096 2>/dev/null
dd if=/dev/zero of="$STATE/.fill2" bs=1 2>/dev/null
df -k "$STATE" | tail -n 1 >"$T/full.df"
# alice's state has slots: her login writes in place, needing no space.
cp "$STATE/alice" "$T/full.before"
login alice "$code" "$T/full.alice"
cmp -s "$T/full.before" "$STATE/alice"; echo \$? >"$T/full.alice.same"
"$CG_STATE" "$STATE" get alice last_step >"$T/full.alice.step"
login alice "$code" "$T/full.replay"
# dave's is format 1: converting it needs a new file, which cannot be had.
cp "$STATE/dave" "$T/full.before"
login dave "$dcode" "$T/full.dave"
cmp -s "$T/full.before" "$STATE/dave"; echo \$? >"$T/full.dave.same"
find "$STATE" -name '.*' ! -name '.*.lock' ! -name '.fill*' | wc -l >"$T/full.temps"
rm -f "$STATE/.fill" "$STATE/.fill2"
login dave "$dcode" "$T/full.room"
EOF
unshare -m --propagation private sh "$T/full.sh"
ok $? "(a 256 KiB tmpfs, filled up, over the state directory)"
diag "df: $(cat "$T/full.df")"
[ "$(cat "$T/full.alice.rc")" -eq 0 ]
ok $? "full file system, state with slots: the right code is accepted"
[ "$(cat "$T/full.alice.same")" -ne 0 ] &&
	[ "$(cat "$T/full.alice.step")" -eq $(($(at $t) / 30)) ]
ok $? "because it was recorded: the state changed, read back it holds the code's step"
[ "$(cat "$T/full.replay.rc")" -ne 0 ]
ok $? "and the same code again is refused (replay)"
[ "$(cat "$T/full.dave.rc")" -ne 0 ]
ok $? "full file system, a format-1 state to convert: the right code is refused"
[ "$(cat "$T/full.dave.same")" -eq 0 ]
ok $? "full file system: that state is byte for byte as it was"
[ "$(cat "$T/full.temps")" -eq 0 ]; ok $? "full file system: no temp file left"
[ "$(cat "$T/full.room.rc")" -eq 0 ]
ok $? "with room again, the same code works: it was never recorded"

done_testing
