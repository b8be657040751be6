#!/bin/sh
# credgate-enroll's prompts on a real terminal and its input edges
# (issue 10, items 5 and 6): codes, recovery codes and URIs are read with
# echo off (the pty's termios read at the prompt, tests/helpers/pty-run),
# the terminal is restored when a signal ends the tool at a prompt, a NUL
# byte or an overlong line in a URI on standard input is an error saying
# so, and an unknown option or command is named.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox
PTY_RUN=$abs_top_builddir/tests/helpers/pty-run
[ -x "$PTY_RUN" ] || skip_all "pty-run not built"
"$PTY_RUN" true 2>/dev/null || skip_all "no pty"

# on_pty SCRIPT CMD..: CMD on a fresh pty, driven by SCRIPT (pty-run -s);
# what the terminal showed in $W/tty, "echo on|off" lines in $W/echo,
# exit status in TOOL_RC.
on_pty() {
	script=$1; shift
	printf '%s' "$script" | "$PTY_RUN" -s -- "$@" >"$W/tty" 2>"$W/echo"
	TOOL_RC=$?
}
echo_is() {    # echo_is N WANT DESC: the Nth echo query said WANT
	[ "$(grep '^echo ' "$W/echo" | sed -n "$1p")" = "echo $2" ]
	ok $? "$3"
	[ $? -eq 0 ] || diag "$(cat "$W/echo")" "$(cat "$W/tty")"
}

# --- the confirmation code of add ---------------------------------------------
on_pty 'expect Code shown by the app: 
echo
send 314159
expect Code shown by the app: 
send 271828
expect Code shown by the app: 
send 161803
wait
echo
' "$TOOL" add carol --qr none
echo_is 1 off "add: echo is off at the confirmation prompt"
[ "$TOOL_RC" -eq 6 ]; ok $? "add: three wrong codes: not confirmed (exit 6)"
grep -q -e 314159 -e 271828 -e 161803 "$W/tty"; [ $? -ne 0 ]
ok $? "add: no typed code appears on the terminal"
echo_is 2 on "add: echo is on again afterwards"

# A signal at the prompt: the terminal gets its echo back.
for sig in 15 2 1; do
	on_pty "expect Code shown by the app: 
echo
kill $sig
wait
echo
" "$TOOL" add carol --qr none
	echo_is 1 off "add: echo off at the prompt (signal $sig follows)"
	echo_is 2 on "add: signal $sig at the prompt: echo restored"
	[ "$TOOL_RC" -eq $((128 + sig)) ]; ok $? "add: ... and the signal ended the tool ($TOOL_RC)"
done
! has_state carol; ok $? "add: nothing was enrolled"

# --- the current code (or a recovery code) of a self re-enrollment -------------
write_conf "self_enroll = yes"
enroll_user alice "$(date +%s)" >/dev/null
rec=$(head -n 1 "$W/alice.codes")
on_pty "expect recovery code): 
echo
send $rec
expect Code shown by the app: 
echo
send 000000
expect Code shown by the app: 
send 000000
expect Code shown by the app: 
send 000000
wait
" setpriv --reuid=alice --regid=alice --init-groups "$TOOL" add --force --qr none
echo_is 1 off "add --force: echo off while the recovery code is typed"
echo_is 2 off "add --force: and at the new app's code"
grep -q "$rec" "$W/tty"; [ $? -ne 0 ]; ok $? "add --force: the recovery code is not shown"
write_conf

# --- import --uri - -------------------------------------------------------------
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
on_pty "expect otpauth:// URI: 
echo
send otpauth://totp/x:dave?secret=$SECRET&issuer=x
expect enrolled
wait
" "$TOOL" import dave --uri -
echo_is 1 off "import: echo off while the URI (a secret) is typed"
[ "$TOOL_RC" -eq 0 ]; ok $? "import: the URI typed on a terminal is imported"
grep -q "$SECRET" "$W/tty"; [ $? -ne 0 ]; ok $? "import: the secret is not shown"
"$TOOL" revoke dave >/dev/null 2>&1

# A NUL byte: cut there, the URI would still parse (with 6 digits).
printf 'otpauth://totp/x:dave?secret=%s\000&digits=8\n' "$SECRET" |
	"$TOOL" import dave --uri - >"$W/out" 2>"$W/err"
TOOL_RC=$?
[ "$TOOL_RC" -eq 1 ]; ok $? "import: a NUL byte in the URI is an error (exit 1)"
grep -q 'contains a NUL byte' "$W/err"; ok $? "import: saying so"
! has_state dave; ok $? "import: nothing imported"
# Overlong: 5000 bytes on one line.
{ printf 'otpauth://totp/x:dave?secret=%s&issuer=' "$SECRET"
  head -c 5000 /dev/zero | tr '\0' x; echo; } |
	"$TOOL" import dave --uri - >"$W/out" 2>"$W/err"
TOOL_RC=$?
[ "$TOOL_RC" -eq 1 ]; ok $? "import: an overlong URI line is an error (exit 1)"
grep -q 'longer than 4095 bytes' "$W/err"; ok $? "import: saying so, not 'no URI read'"
! has_state dave; ok $? "import: nothing imported"
printf '' | "$TOOL" import dave --uri - >"$W/out" 2>"$W/err"
grep -q 'no URI read' "$W/err"; ok $? "import: empty input still says no URI was read"

# --- unknown words are named ---------------------------------------------------
run_tool "$TOOL" frobnicate
grep -q "unknown command 'frobnicate'" "$W/err"; ok $? "an unknown command is named"
run_tool "$TOOL" add carol --frob
grep -q "unknown option '--frob'" "$W/err"; ok $? "an unknown long option is named"
run_tool "$TOOL" add carol -z
grep -q "unknown option '-z'" "$W/err"; ok $? "an unknown short option is named"
run_tool "$TOOL" import carol --urii="otpauth://totp/x?secret=$SECRET"
grep -q "unknown option '--urii'" "$W/err" && ! grep -q "$SECRET" "$W/err"
ok $? "an unknown option is named without its value (it may be a secret)"
run_tool "$TOOL" import carol --uri
grep -q "option '--uri' needs a value" "$W/err"; ok $? "a missing value names the option"

done_testing
