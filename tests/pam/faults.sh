#!/bin/sh
# Rule 3 under failure: a failed write, sync or rename denies the login and
# leaves the previous state intact, on both ways the files store writes
# (lib/store_files.c): in place (a state of format 3: one pwrite of a
# slot, one fdatasync) and by replacement (here: converting a clear
# format-1 state: temp file, fsync, rename, directory fsync).  A torn
# in-place write (the writer dies with part of a slot written):
# tests/pam/durable.sh.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
sandbox_init

SHIM="$abs_top_builddir/tests/helpers/.libs/faultinject.so"
[ -f "$SHIM" ] || skip_all "faultinject.so not built"
BASE=1800000015
enroll alice
t=$BASE
pam_auth alice "$(code_for alice $t)" $t; ok $? "baseline login"
[ "$(head -n 1 "$STATE/alice")" = "credgate-state 3" ]
ok $? "(alice's state has slots: her logins write in place)"

# fault USER DESC: one login with $CG_FAULT in effect, then checks.
fault() {
	t=$((t + 30))
	cp "$STATE/$1" "$T/before"
	log_mark
	CG_FAULT_DIR=$STATE; export CG_FAULT CG_FAULT_DIR
	pam_auth "$1" "$(code_for "$1" $t)" $t "" "$SHIM"
	rc=$?
	unset CG_FAULT CG_FAULT_DIR
	[ $rc -ne 0 ]; ok $? "$2: the login is denied"
	cmp -s "$T/before" "$STATE/$1"
	ok $? "$2: the state is byte for byte as it was"
	audit_ok "reason=state_error user=$1" "$2: state_error audit line"
	n=$(find "$STATE" -name '.*' ! -name '.*.lock' | wc -l)
	[ "$n" -eq 0 ]; ok $? "$2: no temporary file left"
	pam_auth "$1" "$(code_for "$1" $t)" $t
	ok $? "$2: without the fault the same code then works"
}

# --- in place --------------------------------------------------------------------
for CG_FAULT in write:ENOSPC write:EIO fsync:EIO; do
	fault alice "in place, $CG_FAULT"
done
# The in-place write takes no rename: a failing rename changes nothing.
t=$((t + 30))
CG_FAULT=rename:EIO CG_FAULT_DIR=$STATE
export CG_FAULT CG_FAULT_DIR
pam_auth alice "$(code_for alice $t)" $t "" "$SHIM"
ok $? "in place, rename:EIO: not needed, the login succeeds"
unset CG_FAULT CG_FAULT_DIR

# --- by replacement: a clear format-1 state converted on its next write --------
enroll carol
b32=$(printf '%s' "$(cat "$T/carol.secret")" | xxd_b32)
printf 'credgate-state 1\nsecret %s\nalgorithm sha1\ndigits 6\nperiod 30\nlast_step -1\nfailures 0\nlast_failure 0\nlocked_until 0\nenrolled_at 1700000000\nenrolled_by root\n' \
	"$b32" >"$T/carol.v1"
for CG_FAULT in write:ENOSPC write:EIO fsync:EIO rename:EIO rename:ENOSPC; do
	cp "$T/carol.v1" "$STATE/carol"
	fault carol "converting, $CG_FAULT"
done
[ "$(head -n 1 "$STATE/carol")" = "credgate-state 3" ]
ok $? "(carol's state was converted by the last login)"

done_testing
