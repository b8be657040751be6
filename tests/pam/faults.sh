#!/bin/sh
# Rule 3 under failure: a failed write, fsync or rename denies the login and
# leaves the previous state intact.
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

for fault in write:ENOSPC write:EIO fsync:EIO rename:EIO rename:ENOSPC; do
	t=$((t + 30))
	cp "$STATE/alice" "$T/before"
	log_mark
	CG_FAULT=$fault CG_FAULT_DIR=$STATE
	export CG_FAULT CG_FAULT_DIR
	pam_auth alice "$(code_for alice $t)" $t "" "$SHIM"
	rc=$?
	unset CG_FAULT CG_FAULT_DIR
	[ $rc -ne 0 ]; ok $? "$fault: the login is denied"
	cmp -s "$T/before" "$STATE/alice"; ok $? "$fault: the previous state is intact"
	audit_ok 'reason=state_error user=alice' "$fault: state_error audit line"
	n=$(find "$STATE" -name '.*' ! -name '.*.lock' | wc -l)
	[ "$n" -eq 0 ]; ok $? "$fault: no temporary file left"
	pam_auth alice "$(code_for alice $t)" $t
	ok $? "$fault: without the fault the same code then works"
done

# SIGKILL and SIGXFSZ at random moments, ulimit -f and a full file
# system: tests/pam/durable.sh.
done_testing
