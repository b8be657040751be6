#!/bin/sh
# credgate-enroll import: a real ~/.google_authenticator made by Debian's
# google-authenticator tool, an otpauth:// URI, a pam_oath usersfile.
# After each import our module accepts the codes oathtool computes from
# the same secret, and, where the old module is installed, the old module
# (pam_google_authenticator, pam_oath) accepts the very same code at the
# very same (faked) instant.  Codes the old module used cannot be replayed
# after the move; scratch codes become recovery codes.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox
GA_TOOL=$(command -v google-authenticator || true)
PAMDIR=/lib/$(gcc -print-multiarch 2>/dev/null)/security
PAM_GA=$PAMDIR/pam_google_authenticator.so
PAM_OATH=$PAMDIR/pam_oath.so
rootns_add_user multi 4001
rootns_add_user seven 4002

BASE=1800000000
at() { echo $((BASE + $1)); }
totp() {   # totp BASE32 EPOCH [PERIOD [DIGITS [ALG]]]
	"$OATHTOOL" --totp="${5:-SHA1}" -d "${4:-6}" -s "${3:-30}s" -b \
		-N "@$2" "$1"
}
totp_hex() {
	"$OATHTOOL" --totp -d "${4:-6}" -s "${3:-30}s" -N "@$2" "$1"
}

# old_pam SERVICE-LINE USER INPUT EPOCH: the old module, same harness.
old_pam() {
	echo "auth required $1" >"$SERVICES/old-test"
	printf '%s\n' "$3" | AT_PRELOAD="$(preload)" at_time "$4" env \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		"$PAMTESTER" -v old-test "$2" authenticate >"$W/old.out" 2>&1
}
old_ok() {    # old_ok LINE USER INPUT EPOCH DESC
	if old_pam "$1" "$2" "$3" "$4"; then pass "$5"; else
		fail "$5"; diag "$(cat "$W/old.out")"; fi
}
import_case() {   # import_case WANT DESC ARGS..: run as root, no input
	want=$1 desc=$2
	shift 2
	run_tool "$TOOL" import "$@"
	expect_rc "$want" "$desc"
}
err_has() {       # err_has PATTERN DESC
	if grep -q -- "$1" "$W/err"; then pass "$2"; else
		fail "$2"; diag "stderr: $(cat "$W/err")"; fi
}

# ---- pam_google_authenticator ------------------------------------------------
if [ -z "$GA_TOOL" ]; then
	skip_all "google-authenticator (libpam-google-authenticator) not installed"
fi
GA=$W/alice/.google_authenticator
as_user alice "$GA_TOOL" --time-based --disallow-reuse --force \
	--rate-limit=3 --rate-time=30 --window-size=3 --emergency-codes=5 \
	--secret="$GA" --qr-mode=NONE --quiet --no-confirm </dev/null
ok $? "google-authenticator made alice's file"
[ "$(stat -c '%U %a' "$GA")" = "alice 400" ]
ok $? "the file is alice's, mode 0400"
SECRET=$(head -n 1 "$GA")
grep -E '^[1-9][0-9]{7}$' "$GA" >"$W/scratch"
[ "$(wc -l <"$W/scratch")" -eq 5 ]
ok $? "with five scratch codes"

# The old module logs alice in once on a root copy (user=root: its owner),
# which records the step in DISALLOW_REUSE; that copy is what we import.
cp "$GA" "$W/ga-copy"
chmod 400 "$W/ga-copy"
GA_LINE="$PAM_GA secret=$W/ga-copy user=root"
t=$(at 5)
if [ -f "$PAM_GA" ]; then
	old_ok "$GA_LINE" alice "$(totp "$SECRET" "$t")" "$t" \
		"pam_google_authenticator accepts oathtool's code at t"
else
	skip "pam_google_authenticator accepts oathtool's code at t" \
		"pam_google_authenticator.so not installed"
	# Make the copy look as if it had: the step used is recorded.
	sed -i "s/^\" DISALLOW_REUSE.*/\" DISALLOW_REUSE $((t / 30))/" "$W/ga-copy"
fi

log_mark
import_case 0 "import of alice's google-authenticator file" \
	alice --google-authenticator "$W/ga-copy"
err_has '5 scratch code(s): kept as recovery codes' \
	"the report says the scratch codes are kept"
err_has 'DISALLOW_REUSE: mapped' "the report maps DISALLOW_REUSE"
err_has 'WINDOW_SIZE 3: accepted 1 step(s) before and 1 after' \
	"the report explains WINDOW_SIZE"
err_has "Same as credgate's window = 1" "and that it equals our window"
err_has 'RATE_LIMIT 3 30: not mapped' "the report says RATE_LIMIT is not mapped"
err_has 'max_failures = 5 within failure_window = 300 s' \
	"and names the site-wide settings instead"
audit_ok 'event=import result=ok reason=new user=alice by=root by_login=- source=google-authenticator algorithm=sha1 recovery_codes=5' \
	"the import is audited"
log_since | grep -q -e "$SECRET" -f "$W/scratch"
[ $? -ne 0 ]
ok $? "no secret or scratch code in the log"

pam_refused alice "$(totp "$SECRET" "$t")" "$t" \
	"our module refuses the code the old module used (no replay across the move)"
t=$(at 35)
pam_ok alice "$(totp "$SECRET" "$t")" "$t" \
	"our module accepts oathtool's code of the next step"
if [ -f "$PAM_GA" ]; then
	old_ok "$GA_LINE" alice "$(totp "$SECRET" "$t")" "$t" \
		"pam_google_authenticator accepts that same code at that instant"
else
	skip "pam_google_authenticator accepts that same code at that instant" \
		"pam_google_authenticator.so not installed"
fi
t=$(at 95)
pam_ok alice "$(totp "$SECRET" "$((t - 30))")" "$t" \
	"our module accepts the previous step's code (window 1, as WINDOW_SIZE 3)"
s1=$(sed -n 1p "$W/scratch")
pam_ok alice "$s1" "$(at 200)" "a scratch code logs in as a recovery code"
pam_refused alice "$s1" "$(at 230)" "only once"
pam_ok alice "$(sed -n 2p "$W/scratch")" "$(at 260)" "another scratch code works"

# alice herself, with self_enroll = yes: the file is read as alice.
run_tool "$TOOL" revoke alice
write_conf "self_enroll = yes"
as_user alice "$TOOL" import --google-authenticator "$GA" </dev/null \
	>"$W/out" 2>"$W/err"
TOOL_RC=$?
expect_rc 0 "alice imports her own file herself"
write_conf
import_case 1 "bob's import of alice's file is refused (not his)" \
	bob --google-authenticator "$GA"
err_has 'neither root nor bob' "because the file belongs to neither root nor bob"

# A wider window, 60 s steps.
G2=$W/bob/.google_authenticator
as_user bob "$GA_TOOL" -t -d -f -S 60 -w 17 -e 2 -s "$G2" -Q NONE -q -C -u </dev/null
S2=$(head -n 1 "$G2")
import_case 0 "import of a file with STEP_SIZE 60 and WINDOW_SIZE 17" \
	bob --google-authenticator "$G2"
err_has 'WINDOW_SIZE 17: accepted 8 step(s) before and 8 after' \
	"the report explains WINDOW_SIZE 17"
err_has 'window = 8 would accept' "and names the window that would match"
t=$(at 600)
pam_ok bob "$(totp "$S2" "$t" 60)" "$t" "60 s steps: our module accepts the code"
run_tool "$TOOL" status bob
grep -q '^period:          60$' "$W/out"
ok $? "the period is 60"

# Files that are refused.
ga_file() {    # ga_file NAME OWNER MODE CONTENT: a file under $W/carol
	printf '%b' "$4" >"$W/carol/$1"
	chown "$2" "$W/carol/$1"
	chmod "$3" "$W/carol/$1"
}
as_user carol "$GA_TOOL" -c -f -w 3 -s "$W/carol/hotp" -Q NONE -q -C -u </dev/null
import_case 1 "a counter-based (HOTP) file is refused" \
	carol --google-authenticator "$W/carol/hotp"
err_has 'counter-based (HOTP_COUNTER)' "saying it is HOTP"
ga_file notp carol 400 "$SECRET\n\" WINDOW_SIZE 3\n12345678\n"
import_case 1 "a file without TOTP_AUTH is refused" \
	carol --google-authenticator "$W/carol/notp"
err_has 'no TOTP_AUTH' "saying so"
ga_file bad carol 400 "$SECRET\n\" TOTP_AUTH\nhello world\n"
import_case 1 "a malformed line is refused" \
	carol --google-authenticator "$W/carol/bad"
err_has "$W/carol/bad:3: neither an option nor an 8-digit scratch code" \
	"with file and line"
ga_file s45 carol 400 "$SECRET\n\" STEP_SIZE 45\n\" TOTP_AUTH\n"
import_case 1 "STEP_SIZE 45 is refused" carol --google-authenticator "$W/carol/s45"
err_has "s45:2: STEP_SIZE other than 30 or 60" "with file and line"
ga_file nosecret carol 400 "not base32!\n\" TOTP_AUTH\n"
import_case 1 "a first line that is no secret is refused" \
	carol --google-authenticator "$W/carol/nosecret"
err_has "nosecret:1: first line is not a base32 secret" "with file and line"
ga_file gw carol 620 "$SECRET\n\" TOTP_AUTH\n"
import_case 1 "a group-writable file is refused" carol --google-authenticator "$W/carol/gw"
err_has 'writable by group or others' "saying so"
ln -s "$W/carol/notp" "$W/carol/link"
import_case 1 "a symbolic link is refused" carol --google-authenticator "$W/carol/link"
err_has 'symbolic link' "saying so"
import_case 1 "a missing file is reported" carol --google-authenticator "$W/carol/none"
err_has 'No such file' "saying so"
ga_file readable carol 444 "$SECRET\n\" TOTP_AUTH\n"
import_case 0 "a file readable by others is imported" \
	carol --google-authenticator "$W/carol/readable"
err_has 'readable by other users' "with a warning"
has_state carol
ok $? "carol is enrolled"
import_case 5 "import over an enrollment without --force: exit 5" \
	carol --google-authenticator "$W/carol/readable"
run_tool "$TOOL" revoke carol

# ---- otpauth:// URI ------------------------------------------------------------
US=$(echo 0123456789abcdef0123456789abcdef01234567 | tr -d '\n')
UB=$("$OATHTOOL" --totp -v "$US" | sed -n 's/^Base32 secret: //p')
tool_start "$TOOL" import dave --uri -
feed "otpauth://totp/Corp:dave?secret=$UB&issuer=Corp&algorithm=SHA512&digits=8&period=60"
tool_finish
expect_rc 0 "import from a URI on standard input"
grep -q 'sha512, 8 digits, 60 s' "$W/err"
ok $? "the report names the parameters"
t=$(at 1200)
pam_ok dave "$(totp "$UB" "$t" 60 8 SHA512)" "$t" \
	"our module accepts oathtool's SHA512/8/60 code"
run_tool "$TOOL" import dave --force \
	--uri "otpauth://totp/dave?secret=$UB&algorithm=SHA256"
expect_rc 0 "import from a URI argument (--force)"
err_has 'visible to other users' "warns that an argument is visible"
t=$(at 1500)
pam_ok dave "$(totp "$UB" "$t" 30 6 SHA256)" "$t" \
	"our module accepts the SHA256/6/30 code (defaults of the format)"
import_case 1 "a malformed URI is refused" erin --uri "otpauth://totp/x?secret=!!"
err_has 'malformed URI' "saying so"
import_case 1 "an HOTP URI is refused" erin --uri "otpauth://hotp/x?secret=$UB&counter=1"
err_has 'only totp' "saying so"
has_state erin
[ $? -ne 0 ]
ok $? "nothing is written for refused URIs"
run_tool "$TOOL" import erin --uri -
expect_rc 2 "--uri - with no input: exit 2"

# ---- pam_oath usersfile ----------------------------------------------------------
OS=3132333435363738393031323334353637383930
OD=0102030405060708090a0b0c0d0e0f1011121314
UF=$W/users.oath
{
	echo "# pam_oath users"
	echo "HOTP/T30/6 carol - $OS"
	echo "HOTP/T60/8	dave	+	$OD	0"
	echo "HOTP erin - $OS"
	echo "HOTP/T30 multi - $OS"
	echo "HOTP/T30 multi - $OD"
	echo "HOTP/T30/7 seven - $OS"
} >"$UF"
chmod 600 "$UF"
OATH_LINE="$PAM_OATH usersfile=$UF window=1"
t=$(at 3000)
if [ -f "$PAM_OATH" ]; then
	old_ok "$OATH_LINE" carol "$(totp_hex "$OS" "$t")" "$t" \
		"pam_oath accepts oathtool's code at t"
	grep -q "^HOTP/T30/6	carol	-	$OS	0	[0-9]*	" "$UF"
	ok $? "pam_oath recorded the code it accepted"
else
	skip "pam_oath accepts oathtool's code at t" "pam_oath.so not installed"
	skip "pam_oath recorded the code it accepted" "pam_oath.so not installed"
fi
import_case 0 "import of carol's usersfile line" carol --oath-usersfile "$UF"
if [ -f "$PAM_OATH" ]; then
	err_has 'last code used: mapped' "the report maps the last code used"
	pam_refused carol "$(totp_hex "$OS" "$t")" "$t" \
		"our module refuses the code pam_oath used (no replay across the move)"
else
	skip "the report maps the last code used" "pam_oath.so not installed"
	skip "our module refuses the code pam_oath used" "pam_oath.so not installed"
fi
t=$(at 3030)
pam_ok carol "$(totp_hex "$OS" "$t")" "$t" \
	"our module accepts oathtool's code of the next step"
if [ -f "$PAM_OATH" ]; then
	old_ok "$OATH_LINE" carol "$(totp_hex "$OS" "$t")" "$t" \
		"pam_oath accepts that same code at that instant"
else
	skip "pam_oath accepts that same code at that instant" "pam_oath.so not installed"
fi
err_has "window = 1 (steps either" "the report says the window is site-wide"

run_tool "$TOOL" revoke dave
import_case 0 "import of a HOTP/T60/8 line" dave --oath-usersfile "$UF"
err_has 'password field: not imported' "the report says the password is not imported"
t=$(at 3600)
pam_ok dave "$(totp_hex "$OD" "$t" 60 8)" "$t" "our module accepts its 8-digit 60 s code"
import_case 1 "an event-based HOTP line is refused" erin --oath-usersfile "$UF"
err_has "users.oath:4: event-based HOTP token" "with file and line"
import_case 1 "two lines for one user are refused" multi --oath-usersfile "$UF"
err_has "users.oath:6: second line for this user" "with file and line"
import_case 1 "7 digits are refused" seven --oath-usersfile "$UF"
err_has "7-digit codes" "saying so"
import_case 4 "a user without a line: exit 4" alice --force --oath-usersfile "$UF"
err_has "no token line for this user" "saying so"

done_testing
