#!/bin/sh
# A hostile caller of the setuid gate: "ulimit -f 0" (so any write would
# raise SIGXFSZ, whose default action kills) and a tight CPU limit.  The
# gate ignores SIGXFSZ and lifts both before it touches state, so the
# login is recorded and nothing is left behind, however often it is run
# (the issue: 300 runs left 303 root-owned temp files).  A hard limit of
# 0 can be lifted only with CAP_SYS_RESOURCE, which some containers take
# even from root: there the write fails cleanly (denied, nothing left,
# nothing killed).  A command run through the gate gets the caller's
# limits back.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/gate-sandbox.sh"
gate_sandbox "$@"

rootns_add_user alice 42001
umask 077
printf 'relay secret\n' >"$CRED/smtp"
umask 022
policy "max_failures = 1000
[role mail]
members = alice

[credential smtp]
path = $CRED/smtp
roles = mail"
BASE=1800000000
extras() { find "$STATE" -name '.*' ! -name '.*.lock' | wc -l; }

# limited USER INPUT ARGS...: the gate as USER under "ulimit $LIMIT".  Its
# output goes through pipes: under that limit nothing, not even the shell
# that sets it, may write to a regular file.
limited() {
	lu=$1 lin=$2
	shift 2
	{ printf '%s\n' "$lin" | as_user "$lu" setsid -w sh -c \
		"ulimit $LIMIT; ulimit -t 5; "'exec "$0" "$@"' "$GATE" "$@" \
		2>"$T/err.fifo"; echo $? >"$T/rc"; } | cat >"$T/out" &
	lpid=$!
	cat <"$T/err.fifo" >"$T/err"
	wait "$lpid"
	RC=$(cat "$T/rc")
}
mkfifo "$T/err.fifo"

# Bit 24 of the bounding set: CAP_SYS_RESOURCE.
cap_resource() {
	bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	[ $(( (0x$bnd >> 24) & 1 )) -eq 1 ]
}
t=$BASE
for LIMIT in "-S -f 0" "-f 0"; do
	fresh alice
	t=$((t + 60))
	clock_at $t
	log_mark
	limited alice "$(code_at alice $t)" cat smtp
	if [ "$LIMIT" = "-S -f 0" ] || cap_resource; then
		rc_is 0 "ulimit $LIMIT: a right code still reads the credential"
		out_has '^relay secret$' "ulimit $LIMIT: the credential is delivered"
		"$CG_STATE" "$STATE" get alice last_step >"$T/step"
		[ "$(cat "$T/step")" -eq $((t / 30)) ]
		ok $? "ulimit $LIMIT: the login was recorded (the step is used)"
	else
		rc_is 1 "ulimit $LIMIT without CAP_SYS_RESOURCE: denied, not killed"
		audit_ok 'reason=state_error user=alice' \
			"ulimit $LIMIT without CAP_SYS_RESOURCE: a state error, logged"
		skip "ulimit $LIMIT: recorded" "no CAP_SYS_RESOURCE here to lift a hard limit"
	fi
	[ "$(extras)" -eq 0 ]; ok $? "ulimit $LIMIT: no temp file left"
	bad=0
	for i in $(seq 1 30); do
		limited alice 000000 cat smtp
		[ "$RC" -eq 153 ] && bad=$((bad + 1))    # killed by SIGXFSZ
	done
	[ "$bad" -eq 0 ] && [ "$(extras)" -eq 0 ]
	ok $? "ulimit $LIMIT: 30 wrong codes, never killed, no temp file left ($bad killed, $(extras) left)"
done
LIMIT="-S -f 0"

# The caller's limits come back for a command run through the gate.
fresh alice
clock_at $((BASE + 600))
limited alice "$(code_at alice $((BASE + 600)))" run smtp -- sh -c 'ulimit -S -f; ulimit -t'
rc_is 0 "run: the command ran"
[ "$(tr '\n' ' ' <"$T/out")" = "0 5 " ]
ok $? "run: the command has the caller's limits again ($(tr '\n' ' ' <"$T/out"))"

done_testing
