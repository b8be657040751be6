#!/bin/sh
# Rule 3 under contention: one code, many simultaneous logins, exactly one
# wins; many users at once, every login succeeds and every state stays valid.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
sandbox_init
CG_SYSLOG_FILE=none
# As root, every pamtester gets a /tmp of its own (pam_wrapper's names
# collide when many start at once: lib.sh's pam_exec).
if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
	CG_TMP_EACH=1
fi

NOW=1800000015
enroll alice
code=$(code_for alice $NOW)
pids=
for i in $(seq 1 16); do
	OUT=$T/race.$i pam_auth_bg alice "$code" $NOW
	pids="$pids $PAM_PID"
done
wins=0
for p in $pids; do wait "$p" && wins=$((wins + 1)); done
[ $wins -eq 1 ]; ok $? "16 simultaneous logins with one code: exactly one succeeds (got $wins)"
"$CG_STATE" "$STATE" check alice; ok $? "alice's state is valid after the race"

# 200 users, in parallel waves of 25.  (pam_wrapper copies the service
# directory to /tmp/pam.X with one character chosen from the pid: without
# a /tmp each, two of them sometimes share it and one falls back to
# "other", pam_deny -- a harness collision, not ours.)
n=200
for i in $(seq -w 1 $n); do
	enroll "u$i"
	echo "u$i:x:$(expr 4000 + "$i"):100:u$i:/nonexistent:/bin/sh" >>"$T/passwd"
done
failed_logins=0
for wave in 0 1 2 3 4 5 6 7; do
	pids=
	for j in $(seq 1 25); do
		i=$(printf '%03d' $((wave * 25 + j)))
		OUT=$T/out.u$i pam_auth_bg "u$i" "$(code_for "u$i" $NOW)" $NOW
		pids="$pids $PAM_PID"
	done
	for p in $pids; do wait "$p" || failed_logins=$((failed_logins + 1)); done
done
for f in "$T"/out.u*; do
	grep -q successfully "$f" || diag "$f:" "$(cat "$f")"
done
[ $failed_logins -eq 0 ]; ok $? "200 users authenticating in parallel all succeed ($failed_logins failed)"
bad=0
for i in $(seq -w 1 $n); do
	"$CG_STATE" "$STATE" check "u$i" || bad=$((bad + 1))
done
[ $bad -eq 0 ]; ok $? "all 200 state files are valid ($bad bad)"
step=$((NOW / 30))
bad=0
for i in $(seq -w 1 $n); do
	[ "$("$CG_STATE" "$STATE" get "u$i" last_step)" = $step ] || bad=$((bad + 1))
done
[ $bad -eq 0 ]; ok $? "every user's accepted step was recorded"
leftovers=$(find "$STATE" -name '.*' ! -name '.*.lock' | wc -l)
[ "$leftovers" -eq 0 ]; ok $? "no temporary files left behind"
done_testing
