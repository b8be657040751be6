#!/bin/sh
# credgate-enroll installed setuid root and run by ordinary users: they
# may enroll only themselves, only with self_enroll = yes, replace their
# enrollment only with their current code, never pass --config, never
# run the admin commands; the QR files they ask for are written with
# their own permissions.  The setuid program cannot be given a fake
# clock, so codes here are for the real time (the window of 1 step
# covers a step boundary).
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox

# as USER CMD..: run CMD as USER with no input; sets TOOL_RC.
as() {
	u=$1; shift
	as_user "$u" "$@" </dev/null >"$W/out" 2>"$W/err"
	TOOL_RC=$?
}
now() { date +%s; }
denied_case() {        # denied_case USER DESC REASON ARGS..
	u=$1 desc=$2 reason=$3
	shift 3
	log_mark
	as "$u" "$TOOL" "$@"
	expect_rc 3 "$desc: exit 3"
	audit_ok "result=denied reason=$reason .*by=$u" "$desc: audited"
}

# Self-enrollment as USER: confirm with the right code now.
self_add() {
	u=$1; shift
	tool_start as_user "$u" "$TOOL" add --qr none "$@"
	if wait_for '^otpauth://' "$W/out"; then
		URI=$(grep '^otpauth://' "$W/out")
		feed "$(code_from_uri "$URI" "$(now)")"
	fi
	tool_finish
}

# ---- self_enroll = no (the default) ----------------------------------------
denied_case alice "self-enrollment while self_enroll = no" \
	self_enroll_disabled add
has_state alice
[ $? -ne 0 ]
ok $? "and nothing is written"
grep -q 'self_enroll = no' "$W/err"
ok $? "the message names the setting"

write_conf "self_enroll = yes"

# ---- never for someone else, never the admin commands, never --config ---------
denied_case alice "enrolling another user" not_self add bob
has_state bob
[ $? -ne 0 ]
ok $? "bob is not enrolled by alice"
denied_case alice "importing for another user" not_self \
	import bob --uri -
denied_case alice "status of another user" not_self status bob
for cmd in list "revoke bob" "unlock bob" "recovery bob" "revoke alice"; do
	# shellcheck disable=SC2086
	denied_case alice "$cmd" not_root $cmd
done
as alice "$TOOL" check-config
expect_rc 3 "check-config: exit 3"
denied_case alice "--config" config_not_root --config "$W/alice/my.conf" add
denied_case alice "--config with a command allowed to her" config_not_root \
	--config "$CONF" status
denied_case alice "--no-confirm" no_confirm_not_root add --no-confirm
has_state alice
[ $? -ne 0 ]
ok $? "alice is still not enrolled"

# ---- QR files are written as the caller ------------------------------------------
as bob "$TOOL" add --qr-png "$W/bob.png"
expect_rc 1 "--qr-png where bob cannot write: exit 1"
grep -q 'Permission denied' "$W/err"
ok $? "says permission denied"
[ ! -e "$W/bob.png" ] && ! has_state bob
ok $? "no file, no enrollment"

echo precious >"$W/bob/target"
chown bob "$W/bob/target"
ln -s "$W/bob/target" "$W/bob/link.png"
as bob "$TOOL" add --qr-png "$W/bob/link.png"
expect_rc 1 "--qr-png to a symlink: exit 1"
grep -q 'symbolic link' "$W/err"
ok $? "says it is a symbolic link"
[ "$(cat "$W/bob/target")" = precious ] && ! has_state bob
ok $? "the target is untouched, nothing enrolled"
ln -s /etc/shadow "$W/bob/shadow.svg"
before=$(md5sum </etc/shadow; stat -c '%U %a' /etc/shadow)
as bob "$TOOL" add --qr-svg "$W/bob/shadow.svg"
expect_rc 1 "--qr-svg to a symlink to a root file: exit 1"
[ "$(md5sum </etc/shadow; stat -c '%U %a' /etc/shadow)" = "$before" ]
ok $? "/etc/shadow untouched"

# ---- self-enrollment ----------------------------------------------------------------
log_mark
self_add alice --qr-png "$W/alice/qr.png"
expect_rc 0 "alice enrolls herself with self_enroll = yes"
has_state alice && [ "$(stat -c '%U %a' "$STATE/alice")" = "root 600" ]
ok $? "her state file is root's, mode 0600"
[ "$(stat -c '%U %a' "$W/alice/qr.png")" = "alice 600" ]
ok $? "her PNG is hers, mode 0600"
[ "$(decode "$W/alice/qr.png")" = "$URI" ]
ok $? "her PNG decodes to the URI"
audit_ok 'event=enroll result=ok reason=new user=alice by=alice' \
	"the self-enrollment is audited with by=alice"
as alice "$TOOL" status
expect_rc 0 "status for herself"
grep -q 'by alice$' "$W/out"
ok $? "status says she enrolled herself"
URI_ALICE=$URI

as alice "$TOOL" add
expect_rc 5 "enrolled already, no --force: exit 5"

# ---- replacing her own enrollment needs her current code -------------------------------
log_mark
tool_start as_user alice "$TOOL" add --force --qr none
feed 000000 000001 000002
tool_finish
expect_rc 3 "--force with three wrong current codes: exit 3"
[ "$("$CG_STATE" "$STATE" get alice secret)" = "$(uri_field "$URI_ALICE" secret)" ]
ok $? "the secret is unchanged"
grep -q '^otpauth://' "$W/out"
[ $? -ne 0 ]
ok $? "no new secret was shown"
audit_ok 'event=enroll result=denied reason=bad_code user=alice by=alice by_login=- check=current_code' \
	"the refusal is audited"
"$CG_STATE" "$STATE" get alice failures >"$W/failures" 2>&1
[ "$(cat "$W/failures")" = 3 ]
ok $? "the wrong codes count as failures (lock-out applies)"

tool_start as_user alice "$TOOL" add --force --qr none
# The code of the next step: newer than the step her confirmation used.
feed "$(code_from_uri "$URI_ALICE" "$(( $(now) + 30 ))")"
if wait_for '^otpauth://' "$W/out"; then
	URI=$(grep '^otpauth://' "$W/out")
	feed "$(code_from_uri "$URI" "$(now)")"
fi
tool_finish
expect_rc 0 "--force with her current code replaces the enrollment"
[ "$URI" != "$URI_ALICE" ] &&
	[ "$("$CG_STATE" "$STATE" get alice secret)" = "$(uri_field "$URI" secret)" ] &&
	[ "$(uri_field "$URI" secret)" != "$(uri_field "$URI_ALICE" secret)" ]
ok $? "with a new secret"
audit_ok 'event=enroll result=ok reason=replaced user=alice by=alice' \
	"the replacement is audited"
t=$(( $(now) + 600 ))
pam_ok alice "$(code_from_uri "$URI" "$t")" "$t" \
	"the module accepts the new secret's codes"
pam_refused alice "$(code_from_uri "$URI_ALICE" "$((t + 30))")" "$((t + 30))" \
	"and refuses the old one's"

# The module's login at the later time made every current code old.
log_mark
tool_start as_user alice "$TOOL" add --force --qr none
feed "$(code_from_uri "$URI" "$(now)")"
tool_finish
expect_rc 3 "a current code older than her last login is refused"
audit_ok 'event=enroll result=denied reason=replay user=alice by=alice' \
	"as a replay"

# ---- import for herself -------------------------------------------------------------------
secret=$("$OATHTOOL" --totp -v 0123456789abcdef0123456789abcdef01234567 |
	sed -n 's/^Base32 secret: //p')
tool_start as_user carol "$TOOL" import --uri -
feed "otpauth://totp/Test:carol?secret=$secret&issuer=Test&algorithm=SHA256&digits=8&period=60"
tool_finish
expect_rc 0 "carol imports her own secret from a URI on standard input"
"$CG_STATE" "$STATE" check carol
ok $? "her state is valid"
printf 'X\n" TOTP_AUTH\n' >"$W/root-only"
chmod 600 "$W/root-only"
as carol "$TOOL" import --force --google-authenticator "$W/root-only"
expect_rc 6 "carol cannot replace her enrollment by import without her code"
as dave "$TOOL" import --google-authenticator "$W/root-only"
expect_rc 1 "dave cannot import a file only root can read"
grep -q 'Permission denied' "$W/err"
ok $? "says permission denied"

done_testing
