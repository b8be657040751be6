#!/bin/sh
# Audit events in the journal.  In the root sandbox of gate-sandbox.sh
# (the setuid gate, the module through /etc/pam.d/credgate, a private
# /dev/log), a private tmpfs on /run/systemd/journal where
# tests/helpers/journal-sink serves the journal's native protocol as
# "socket" -- the fixed path libsystemd sends to, so the programs under
# test have nothing to override.  Asserted: the fields (MESSAGE_ID per
# event type, SYSLOG_IDENTIFIER=credgate, CREDGATE_*) of a module login
# (right and wrong code), a gate read, a denial and credgate-enroll
# actions; that a journal-sent event does not also reach syslog; that the
# log query reads the entries; that with the journal gone (a socket
# nobody serves) syslog gets the lines; and that with libsystemd hidden
# (its file replaced by /dev/null in this namespace, so dlopen fails)
# the module and the gate work and log to syslog.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/gate-sandbox.sh"
JQ=$(command -v jq) || skip_all "jq not installed"
SINK=$abs_top_builddir/tests/helpers/journal-sink
ENROLL=$abs_top_builddir/tools/credgate-enroll
[ -x "$SINK" ] || skip_all "journal-sink not built"
[ -x "$ENROLL" ] || skip_all "credgate-enroll not built"
gate_sandbox "$@"
[ "$CG_SYSLOG_FILE" != none ] || skip_all "no private syslog"

# The journal's directory, private: a tmpfs on it, or on the nearest
# directory above it that exists (nothing on the host is created).
JDIR=/run/systemd/journal
if [ -d $JDIR ]; then
	mount -t tmpfs -o mode=755 cg-journal $JDIR || exit 99
elif [ -d /run/systemd ]; then
	mount -t tmpfs -o mode=755 cg-journal /run/systemd && mkdir $JDIR || exit 99
else
	mount -t tmpfs -o mode=755 cg-journal /run && mkdir -p $JDIR || exit 99
fi
J=$T/journal.json
SINK_PID=
journal_start() {
	: >"$J"
	rm -f $JDIR/socket
	"$SINK" $JDIR/socket "$J" &
	SINK_PID=$!
	i=0
	while [ ! -S $JDIR/socket ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
}
journal_stop() {       # the socket stays: a journal that stopped
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID"
	SINK_PID=
}
trap 'journal_stop; clock_real; kill "$FT_HOLDER" 2>/dev/null; cd /; umount -l "$RT" 2>/dev/null; rmdir "$RT" 2>/dev/null' EXIT

# The MESSAGE_IDs the man pages publish as stable.
msgid() {
	case $1 in
	auth) echo d9b264ad9a16423eb403e534d4b0176c ;;
	lockout) echo 0027d32febd64667b62f06157454b240 ;;
	access) echo 4b91c08ef070453b927593a500feb026 ;;
	unlock) echo 14738a052d3e4db6b58fd2cb26ce090c ;;
	revoke) echo 2e8b4ce700854d93ab9b3527c96c3148 ;;
	esac
}

# entry DESC JQ-CONDITION: exactly one entry since the mark matches.
JMARK=0
jmark() { sleep 0.1; JMARK=$(wc -l <"$J"); }
jsince() { sleep 0.1; tail -n +"$((JMARK + 1))" "$J"; }
entry() {
	n=$(jsince | "$JQ" -s "map(select($2)) | length" 2>&1)
	if [ "$n" = 1 ]; then
		pass "$1"
	else
		fail "$1"
		diag "entries matching: $n; since the mark:" "$(jsince)"
	fi
}
# The fields every entry carries, for an event of type $1.
common() {
	echo ".MESSAGE_ID == \"$(msgid "$1")\" and .CREDGATE_EVENT == \"$1\" and
	      .SYSLOG_IDENTIFIER == \"credgate\" and .SYSLOG_FACILITY == \"10\""
}

rootns_add_user alice 42001
rootns_add_user bob 42002
umask 077
printf 'relay secret\n' >"$CRED/smtp"
umask 022
policy "
[role mail]
members = alice

[credential smtp]
path = $CRED/smtp
roles = mail"
T0=1800000000

# ---- a read: the module's auth and access, the gate's delivery -------------------
journal_start
clock_at $T0
fresh alice
jmark
log_mark
gate alice "$(code_at alice $T0)" cat smtp
rc_is 0 "journal up: alice reads smtp"
entry "module login: auth granted, with its fields" "$(common auth) and
	.PRIORITY == \"5\" and .CREDGATE_RESULT == \"granted\" and
	.CREDGATE_REASON == \"code\" and .CREDGATE_USER == \"alice\" and
	.CREDGATE_CREDENTIAL == \"smtp\" and .CREDGATE_SERVICE == \"credgate\" and
	(.MESSAGE | startswith(\"pam_credgate(credgate:auth): event=auth result=granted reason=code user=alice \"))"
entry "module account stage: access granted by role mail" "$(common access) and
	.CREDGATE_RESULT == \"granted\" and .CREDGATE_REASON == \"granted\" and
	.CREDGATE_ROLE == \"mail\" and .CREDGATE_USER == \"alice\" and
	(.MESSAGE | startswith(\"pam_credgate(credgate:account): event=access \"))"
entry "gate read: access delivered" "$(common access) and
	.CREDGATE_RESULT == \"granted\" and .CREDGATE_REASON == \"delivered\" and
	.CREDGATE_USER == \"alice\" and .CREDGATE_CREDENTIAL == \"smtp\" and
	.CREDGATE_DETAIL == \"cat\" and
	(.MESSAGE | startswith(\"event=access result=granted reason=delivered user=alice credential=smtp \"))"
[ "$(jsince | grep -c .)" -eq 3 ] && ! jsince | grep -q _ERROR
r=$?
ok $r "three entries, each parsed (native protocol)"
[ $r -eq 0 ] || diag "$(jsince)"
no_audit 'event=' "journal up: nothing of it went to syslog as well"

# ---- a wrong code ------------------------------------------------------------------
clock_at $((T0 + 60))
right=$(code_at alice $((T0 + 60)))
wrong=$(printf '%06d' $(( (1$right + 1) % 1000000 )))
jmark
gate alice "$wrong" cat smtp
[ "$RC" -ne 0 ]; ok $? "journal up: a wrong code is refused"
entry "module login: auth denied, bad_code, priority warning" "$(common auth) and
	.PRIORITY == \"4\" and .CREDGATE_RESULT == \"denied\" and
	.CREDGATE_REASON == \"bad_code\" and .CREDGATE_USER == \"alice\""

# ---- a denial: bob holds no role -----------------------------------------------------
clock_at $((T0 + 120))
fresh bob
jmark
gate bob "$(code_at bob $((T0 + 120)))" cat smtp
[ "$RC" -ne 0 ]; ok $? "journal up: bob is denied"
entry "denial: access denied, not_in_role" "$(common access) and
	.PRIORITY == \"4\" and .CREDGATE_RESULT == \"denied\" and
	.CREDGATE_REASON == \"not_in_role\" and .CREDGATE_USER == \"bob\" and
	.CREDGATE_CREDENTIAL == \"smtp\""

# ---- credgate-enroll ----------------------------------------------------------------
clock_real
jmark
"$ENROLL" unlock alice >"$T/out" 2>&1
RC=$?
rc_is 0 "credgate-enroll unlock alice"
"$ENROLL" revoke bob >"$T/out" 2>&1
RC=$?
rc_is 0 "credgate-enroll revoke bob"
entry "enroll tool: unlock ok, by root" "$(common unlock) and
	.CREDGATE_RESULT == \"ok\" and .CREDGATE_USER == \"alice\" and
	.CREDGATE_BY == \"root\" and (.MESSAGE | startswith(\"event=unlock result=ok \"))"
entry "enroll tool: revoke ok, by root" "$(common revoke) and
	.CREDGATE_RESULT == \"ok\" and .CREDGATE_USER == \"bob\" and .CREDGATE_BY == \"root\""

# ---- the log query reads what the journal got ------------------------------------------
"$ENROLL" log --file - --json <"$J" >"$T/q" 2>"$T/q.err"
RC=$?
rc_is 0 "log query on the entries"
"$JQ" -e -s 'map(select(.event == "auth" and .service == "credgate")) | length == 2' \
	"$T/q" >/dev/null &&
	"$JQ" -e -s 'map(select(.event == "access" and .reason == "delivered" and
		.credential == "smtp" and ._program == "credgate")) | length == 1' "$T/q" >/dev/null &&
	"$JQ" -e -s 'map(select(.event == "unlock")) | length == 1' "$T/q" >/dev/null &&
	[ ! -s "$T/q.err" ]
r=$?
ok $r "log query: the module's, the gate's and the tool's events, none flagged"
[ $r -eq 0 ] || diag "$(cat "$T/q" "$T/q.err")"

# ---- the journal gone: its socket is there, nobody reads it --------------------------
journal_stop
clock_at $((T0 + 180))
fresh alice
log_mark
gate alice "$(code_at alice $((T0 + 180)))" cat smtp
rc_is 0 "journal down: alice reads smtp"
audit_ok "pam_credgate\(credgate:auth\): event=auth result=granted reason=code user=alice" \
	"journal down: the module's line goes to syslog"
audit_ok "credgate\[[0-9]+\]: event=access result=granted reason=delivered user=alice credential=smtp" \
	"journal down: the gate's line goes to syslog"

# ---- no libsystemd: dlopen cannot load it ----------------------------------------------
lib=$(ldconfig -p | awk '$1 == "libsystemd.so.0" && /x86-64|x86_64|64bit/ { print $NF; exit }')
[ -n "$lib" ] || lib=$(ldconfig -p | awk '$1 == "libsystemd.so.0" { print $NF; exit }')
if [ -z "$lib" ]; then
	skip "no libsystemd: the read works" "libsystemd is not installed here"
	skip "no libsystemd: lines in syslog" "libsystemd is not installed here"
	skip "no libsystemd: nothing in the journal" "libsystemd is not installed here"
else
	mount --bind /dev/null "$(readlink -f "$lib")" || exit 99
	journal_start
	clock_at $((T0 + 240))
	fresh alice
	log_mark
	gate alice "$(code_at alice $((T0 + 240)))" cat smtp
	rc_is 0 "no libsystemd: the module and the gate work, alice reads smtp"
	audit_ok "pam_credgate\(credgate:auth\): event=auth result=granted reason=code user=alice" \
		"no libsystemd: the module's line goes to syslog"
	sleep 0.1
	[ ! -s "$J" ]
	r=$?
	ok $r "no libsystemd: nothing reached the journal's socket"
	[ $r -eq 0 ] || diag "$(cat "$J")"
fi
clock_real

done_testing
