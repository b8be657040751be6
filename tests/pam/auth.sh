#!/bin/sh
# pam_sm_authenticate end to end: codes, replay, window, lock-out,
# recovery codes, nullok, and the audit line of each decision.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
with_session "$@"
sandbox_init

BASE=1800000015               # 15 s into a 30 s step
at() { echo $((BASE + 30 * $1)); }

enroll alice

# --- right and wrong codes -------------------------------------------------
log_mark
pam_auth alice "$(code_for alice "$(at 0)")" "$(at 0)"
ok $? "right code is accepted"
audit_ok 'pam_credgate\(credgate-test:auth\): event=auth result=granted reason=code user=alice service=credgate-test' \
	"granted audit line"
grep -q 'Verification code:' "$T/out"; ok $? "the prompt is shown"
[ "$("$CG_STATE" "$STATE" get alice last_step)" = $((60000000)) ]
ok $? "the accepted step is recorded"

log_mark
wrong=$(other_code "$(code_for alice "$(at 1)")")
pam_auth alice "$wrong" "$(at 1)"
[ $? -ne 0 ]; ok $? "wrong code is refused"
audit_ok 'event=auth result=denied reason=bad_code user=alice' "bad_code audit line"
log_since | grep -q "$wrong"; [ $? -ne 0 ]; ok $? "the typed code is not in the log"

# --- window -----------------------------------------------------------------
pam_auth alice "$(code_for alice "$(at 2)")" "$(at 3)"
ok $? "code of the previous step is accepted (window 1)"
pam_auth alice "$(code_for alice "$(at 8)")" "$(at 5)"
[ $? -ne 0 ]; ok $? "code three steps in the future is refused"
pam_auth alice "$(code_for alice "$(at 7)")" "$(at 10)"
[ $? -ne 0 ]; ok $? "code three steps in the past is refused"
write_config "window = 3"
pam_auth alice "$(code_for alice "$(at 13)")" "$(at 11)"
ok $? "with window = 3, a code two steps ahead is accepted"
write_config

# --- replay -------------------------------------------------------------------
c=$(code_for alice "$(at 20)")
pam_auth alice "$c" "$(at 20)"
ok $? "fresh code accepted"
log_mark
pam_auth alice "$c" "$(at 20)"
[ $? -ne 0 ]; ok $? "the same code twice is refused"
audit_ok 'event=auth result=denied reason=replay user=alice' "replay audit line"
pam_auth alice "$(code_for alice "$(at 23)")" "$(at 22)"
ok $? "a code of a later step (within the window) is accepted"
pam_auth alice "$(code_for alice "$(at 22)")" "$(at 22)"
[ $? -ne 0 ]; ok $? "a code older than the last accepted step is refused"

# --- lock-out ------------------------------------------------------------------
write_config "max_failures = 3" "failure_window = 300" "lockout = 600"
t=$(at 40)
pam_auth alice 000000 "$t"; pam_auth alice 000001 "$t"
log_mark
pam_auth alice 000002 "$t"
audit_ok 'event=lockout result=denied reason=max_failures user=alice' "lock-out is logged"
before=$("$CG_STATE" "$STATE" get alice last_step)
log_mark
pam_auth alice "$(code_for alice "$(at 41)")" "$(at 41)"
[ $? -ne 0 ]; ok $? "right code refused while locked out"
audit_ok 'event=auth result=denied reason=locked_out user=alice' "locked_out audit line"
[ "$("$CG_STATE" "$STATE" get alice last_step)" = "$before" ]
ok $? "while locked, the code is not even checked (step not recorded)"
pam_auth alice "$(code_for alice "$((t + 601))")" "$((t + 601))"
ok $? "after the lock-out expires the right code works"

t=$(at 70)
pam_auth alice 000000 "$t"; pam_auth alice 000001 "$t"
pam_auth alice "$(code_for alice "$t")" "$t"
ok $? "success after two failures"
[ "$("$CG_STATE" "$STATE" get alice failures)" = 0 ]
ok $? "success resets the failure count"
t=$(at 71)
pam_auth alice 000000 "$t"; pam_auth alice 000001 "$t"
pam_auth alice "$(code_for alice "$t")" "$t"
ok $? "two more failures do not lock (count was reset)"
t=$(at 80)
pam_auth alice 000000 "$t"; pam_auth alice 000001 "$t"
t2=$((t + 301))
pam_auth alice 000002 "$t2"
pam_auth alice "$(code_for alice "$t2")" "$t2"
ok $? "failures older than failure_window do not count"
write_config

# --- recovery codes -------------------------------------------------------------
"$CG_STATE" "$STATE" recovery alice 3 >"$T/codes"
rc1=$(sed -n 1p "$T/codes")
if grep -q -F "$rc1" "$STATE/alice" || grep -q -F "$(echo "$rc1" | tr -d -)" "$STATE/alice"; then
	fail "recovery codes are not stored in clear"
else
	pass "recovery codes are not stored in clear"
fi
log_mark
pam_auth alice "$rc1" "$(at 90)"
ok $? "a recovery code is accepted"
audit_ok 'event=auth result=granted reason=recovery_code user=alice' "recovery audit line"
log_since | grep -q -F "$rc1"; [ $? -ne 0 ]; ok $? "the recovery code is not in the log"
pam_auth alice "$rc1" "$(at 91)"
[ $? -ne 0 ]; ok $? "the same recovery code is refused the second time"
[ "$("$CG_STATE" "$STATE" get alice recovery_left)" = 2 ]
ok $? "two recovery codes left"
pam_auth alice "$(sed -n 2p "$T/codes" | tr a-z A-Z)" "$(at 92)"
ok $? "recovery codes are case-insensitive"

# --- not enrolled, nullok ---------------------------------------------------------
log_mark
pam_auth bob 123456 "$(at 100)"
[ $? -ne 0 ]; ok $? "a user who is not enrolled is refused"
grep -q 'Verification code:' "$T/out"; ok $? "... after the same prompt as everybody"
audit_ok 'event=auth result=denied reason=not_enrolled user=bob' "not_enrolled audit line"
write_service nullok-test "auth required $MODULE config=$CONF nullok" \
	"auth required pam_permit.so"
pam_auth bob "" "$(at 100)" nullok-test
ok $? "nullok: a user who is not enrolled is ignored"
pam_auth alice 000000 "$(at 101)" nullok-test
[ $? -ne 0 ]; ok $? "nullok: an enrolled user still needs a right code"

# --- the state key is the canonical account for the uid ----------------------------
# An alias passwd entry (another name, alice's uid) is alice: with nullok
# it must not find "no state" and so skip her second factor.
echo "alias:x:$(user_uid alice):$(user_uid alice):alias:/home/alice:/bin/sh" >>"$T/passwd"
pam_auth alias "" "$(at 102)" nullok-test
[ $? -ne 0 ]; ok $? "nullok: an alias of alice is not ignored"
grep -q 'Verification code:' "$T/out"; ok $? "... it is asked for a code"
log_mark
pam_auth alias "$(code_for alice "$(at 103)")" "$(at 103)" nullok-test
ok $? "... and alice's code logs it in"
audit_ok 'event=auth result=granted reason=code user=alias' "granted audit line names the name used"
[ "$("$CG_STATE" "$STATE" get alice last_step)" = $(( $(at 103) / 30 )) ] &&
	[ ! -e "$STATE/alias" ]
ok $? "... recorded in alice's state, no state of its own"
pam_auth alice "$(code_for alice "$(at 103)")" "$(at 103)"
[ $? -ne 0 ]; ok $? "... so the same code is a replay for alice"

# --- debug -----------------------------------------------------------------
write_service debug-test "auth required $MODULE config=$CONF debug"
log_mark
pam_auth alice "$(code_for alice "$(at 105)")" "$(at 105)" debug-test
ok $? "debug: the login works as usual"
audit_ok 'pam_credgate\(debug-test:auth\): debug: config .*credgate.conf: state_dir .*window 1' \
	"debug: the configuration in use is logged"
audit_ok 'debug: state of alice: verdict code' "debug: the verdict is logged"
log_since | grep -q "$(code_for alice "$(at 105)")"; [ $? -ne 0 ]
ok $? "debug: the code is not logged"

# --- bad arguments and files ------------------------------------------------------
write_service badarg-test "auth required $MODULE config=$CONF frobnicate"
log_mark
pam_auth alice "$(code_for alice "$(at 110)")" "$(at 110)" badarg-test
[ $? -ne 0 ]; ok $? "an unknown module argument denies"
audit_ok 'reason=bad_argument user=alice .*detail=frobnicate' "bad_argument audit line"

chmod 664 "$CONF"
log_mark
pam_auth alice "$(code_for alice "$(at 111)")" "$(at 111)"
[ $? -ne 0 ]; ok $? "a group-writable config denies"
audit_ok 'reason=config_error user=alice .*credgate.conf' "config_error names the file"
chmod 644 "$CONF"

echo "window = lots" >>"$CONF"
bad_line=$(grep -c '' "$CONF")
log_mark
pam_auth alice "$(code_for alice "$(at 112)")" "$(at 112)"
[ $? -ne 0 ]; ok $? "a malformed config denies"
audit_ok "reason=config_error .*credgate.conf:$bad_line: invalid value 'lots'" \
	"config_error names file and line"
write_config

if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$CONF"
	pam_auth alice "$(code_for alice "$(at 113)")" "$(at 113)"
	[ $? -ne 0 ]; ok $? "a config owned by another user denies"
	chown 0 "$CONF"
	chown 65534 "$STATE/alice"
	pam_auth alice "$(code_for alice "$(at 114)")" "$(at 114)"
	[ $? -ne 0 ]; ok $? "a state file owned by another user denies"
	chown 0 "$STATE/alice"
else
	skip "a config owned by another user denies" "needs root to chown"
	skip "a state file owned by another user denies" "needs root to chown"
fi

chmod 644 "$STATE/alice"
log_mark
pam_auth alice "$(code_for alice "$(at 115)")" "$(at 115)"
[ $? -ne 0 ]; ok $? "a world-readable state file denies"
audit_ok 'reason=state_error user=alice' "state_error audit line"
chmod 600 "$STATE/alice"

enroll carol
cp "$STATE/carol" "$T/carol.target"
mv "$STATE/carol" "$T/carol.real"
ln -s "$T/carol.target" "$STATE/carol"
pam_auth carol "$(code_for carol "$(at 116)")" "$(at 116)"
[ $? -ne 0 ]; ok $? "a symlinked state file denies"
cmp -s "$T/carol.target" "$T/carol.real"; ok $? "the symlink's target is untouched"
rm "$STATE/carol"

printf 'credgate-state 1\nsecret !!!\n' >"$STATE/carol"
chmod 600 "$STATE/carol"
log_mark
pam_auth carol "$(code_for carol "$(at 117)")" "$(at 117)"
[ $? -ne 0 ]; ok $? "a state file with garbage denies"
audit_ok 'reason=state_error user=carol .*line 2' "state_error names the line"

chmod 755 "$STATE"
pam_auth alice "$(code_for alice "$(at 118)")" "$(at 118)"
[ $? -ne 0 ]; ok $? "a state directory readable by others denies"
chmod 700 "$STATE"
pam_auth alice "$(code_for alice "$(at 119)")" "$(at 119)"
ok $? "and alice logs in again once it is fixed"

log_mark
pam_auth '../alice' 123456 "$(at 120)"
[ $? -ne 0 ]; ok $? "a user name with a path is refused"
audit_ok 'reason=bad_user_name user=../alice' "bad_user_name audit line"

# --- grace ----------------------------------------------------------------------------
# Grace belongs to a login session as the kernel sees it (controlling
# tty device, session id, session leader's start time), plus the service
# -- never to PAM_TTY.  This script is the leader of its own session on
# pts/$CG_PTS (with_session); "$PTY_RUN --" starts another session on a
# fresh pty, "setsid -w" runs without a controlling terminal.
grace_tests() {
	# Many denials follow: no lock-out in between.
	write_config "grace = 120" "max_failures = 1000"
	t=$(at 130)
	pam_auth alice "$(code_for alice "$t")" "$t"
	ok $? "code accepted in this session"
	log_mark
	pam_auth alice "" "$((t + 60))"
	ok $? "within grace, the same session needs no code"
	! grep -q 'Verification code:' "$T/out"; ok $? "... and is not even asked for one"
	audit_ok 'event=auth result=granted reason=grace user=alice' "grace audit line"
	[ "$(stat -c '%a %u' "$T/grace")" = "700 $(id -u)" ] &&
		[ "$(stat -c '%a %u' "$T/grace/alice")" = "600 $(id -u)" ]
	ok $? "grace records: one file per user (0600) in a private directory (0700)"
	[ -z "$(cat "$STATE/alice" | grep '^grace')" ]
	ok $? "grace is not in the user's state file"

	PAM_ITEMS="-I tty=/dev/pts/$CG_PTS"
	SESSION="$PTY_RUN --" pam_auth alice "" "$((t + 61))"
	[ $? -ne 0 ] && grep -q 'Verification code:' "$T/out"
	ok $? "another session (a new pty) claiming this session's PAM_TTY is asked for a code"
	SESSION="setsid -w" pam_auth alice "" "$((t + 62))"
	[ $? -ne 0 ]; ok $? "no controlling terminal (as sshd's monitor): no grace, whatever PAM_TTY says"
	printf 'garbage\n' >"$T/garbage"
	pam_auth alice garbage "$((t + 63))" credgate-test2
	[ $? -ne 0 ]; ok $? "another service in the same session gets no grace"
	SESSION="setsid -w" pam_auth alice garbage "$((t + 64))" credgate-test2
	[ $? -ne 0 ]; ok $? "another service claiming the session's PAM_TTY gets no grace"
	PAM_ITEMS=
	pam_auth alice "" "$((t + 121))"
	[ $? -ne 0 ]; ok $? "after the grace period the code is needed again"

	# A recycled pts: a session on a fresh pty earns grace and ends; a
	# new session that gets the same pts number is asked for a code.
	t=$(at 140)
	rm -f "$T/pts"
	SESSION="$PTY_RUN -n $T/pts --" pam_auth alice "$(code_for alice "$t")" "$t"
	ok $? "a code in a short session on pts/$(cat "$T/pts" 2>/dev/null)"
	n=$(cat "$T/pts")
	PAM_ITEMS="-I tty=/dev/pts/$n"
	SESSION="$PTY_RUN -p $n --" pam_auth alice "" "$((t + 10))"
	rc=$?
	if grep -q 'is not free' "$T/out"; then
		skip "a new session on the recycled pts/$n is asked for a code" \
			"pts/$n was taken by another process"
	else
		[ $rc -ne 0 ] && grep -q 'Verification code:' "$T/out"
		ok $? "a new session on the recycled pts/$n is asked for a code"
	fi
	PAM_ITEMS=

	write_config "grace = 120" "max_failures = 1000" \
		"grace_dir = $T/public/grace"
	mkdir -m 777 "$T/public"
	pam_auth alice "$(code_for alice "$(at 150)")" "$(at 150)"
	ok $? "a grace_dir under a directory others may write: the code still works"
	[ ! -e "$T/public/grace" ]; ok $? "... and no grace record is written there"
	pam_auth alice "" "$(at 150)"
	[ $? -ne 0 ]; ok $? "... so there is no grace"
	write_config
}
if [ "$CG_SESSION" = none ]; then
	skip "grace tests" "no pty for a login session"
else
	write_service credgate-test2 "auth required $MODULE config=$CONF"
	grace_tests
fi
done_testing
