#!/bin/sh
# credgate-enroll run by root: add (QR codes read back by zbarimg, every
# algorithm/digits/period accepted by the module with the codes oathtool
# computes from the decoded URI, confirmation, --force, recovery codes),
# then list, status, revoke, unlock, recovery, the audit lines, and the
# command line's errors and exit codes.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox
TERM2PBM=$abs_top_builddir/tests/helpers/term2pbm

BASE=1800000000               # a multiple of 60: steps start here
at() { echo $((BASE + $1)); }

# A code that is not the right one for URI at EPOCH.
wrong_code() {
	right=$(code_from_uri "$1" "$2")
	d=${#right}
	r=$(echo "$right" | sed 's/^0*//')
	[ $d -eq 8 ] && mod=100000000 || mod=1000000
	printf "%0${d}d\n" $(( (${r:-0} + 1) % mod ))
}

# ---- QR codes -------------------------------------------------------------
t=$(at 5)
tool_start tool_at "$t" "$TOOL" add alice --qr utf8 \
	--qr-png "$W/a.png" --qr-svg "$W/a.svg"
wait_for '^otpauth://' "$W/out"
ok $? "add shows the otpauth:// URI"
printed=$(grep '^otpauth://' "$W/out")
[ "$(decode "$W/a.png")" = "$printed" ]
ok $? "the PNG decodes to exactly the printed URI"
if [ -n "$RSVG_CONVERT" ]; then
	"$RSVG_CONVERT" -o "$W/a-svg.png" "$W/a.svg"
	[ "$(decode "$W/a-svg.png")" = "$printed" ]
	ok $? "the SVG (rasterised) decodes to exactly the printed URI"
else
	skip "the SVG (rasterised) decodes to exactly the printed URI" \
		"rsvg-convert not installed"
fi
# The terminal drawing: the lines after "Scan this QR code..." and a
# blank line, up to the next blank line.
awk '/^Scan this QR code/ { on = 1; getline; next }
     on && /^$/ { exit } on { print }' "$W/out" >"$W/term.txt"
"$TERM2PBM" -t dark <"$W/term.txt" >"$W/term.pbm" &&
	[ "$(decode "$W/term.pbm")" = "$printed" ]
ok $? "the terminal QR code (utf8, dark terminal) decodes to the URI"
[ "$(stat -c %a "$W/a.png") $(stat -c %a "$W/a.svg")" = "600 600" ]
ok $? "PNG and SVG are written with mode 0600"
case $printed in
*"algorithm=SHA1&digits=6&period=30") pass "the URI carries algorithm, digits and period" ;;
*) fail "the URI carries algorithm, digits and period"; diag "$printed" ;;
esac
[ "$(uri_field "$printed" issuer)" = "$(hostname)" ] ||
	[ -n "$(uri_field "$printed" issuer)" ]
ok $? "the issuer defaults to the host name"
secret=$(uri_field "$printed" secret)
[ ${#secret} -eq 32 ]
ok $? "the secret is 160 bits (32 base32 characters)"
feed "$(code_from_uri "$printed" "$t")"
tool_finish
expect_rc 0 "the right code activates the enrollment"
has_state alice
ok $? "alice has a state file"
[ "$(grep -c -E '^    [a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$' "$W/out")" -eq 10 ]
ok $? "ten recovery codes are printed"
audit_ok 'credgate-enroll\[[0-9]+\]: event=enroll result=ok reason=new user=alice by=root by_login=- algorithm=sha1 digits=6 period=30 recovery_codes=10 confirmed=yes' \
	"the enrollment is audited"
log_since | grep -q -e "$secret" -e "$(sed -n 's/^    //p' "$W/out" | head -1)"
[ $? -ne 0 ]
ok $? "neither the secret nor a recovery code reaches the log"
URI_ALICE=$printed

# The confirmed code's step is used up: it cannot log in.
pam_refused alice "$(code_from_uri "$URI_ALICE" "$t")" "$t" \
	"the confirmation code cannot be replayed to log in"

# ---- every algorithm, digits and period --------------------------------------
n=0
for alg in sha1 sha256 sha512; do
	for digits in 6 8; do
		for period in 30 60; do
			n=$((n + 1))
			u=combo$n
			rootns_add_user $u $((3000 + n))
			t=$(at $((600 * n + 7)))
			what="$alg/$digits/$period"
			enroll_user $u "$t" --algorithm $alg --digits $digits \
				--period $period
			ok $? "$what: enrolled, confirmed with oathtool's code from the decoded URI"
			ALG=$(echo $alg | tr a-z A-Z)
			[ "$(uri_field "$URI" algorithm) $(uri_field "$URI" digits) $(uri_field "$URI" period)" = "$ALG $digits $period" ]
			ok $? "$what: the decoded URI says $ALG, $digits, $period"
			later=$((t + 2 * period))
			pam_ok $u "$(code_from_uri "$URI" "$later")" "$later" \
				"$what: the module accepts a later code oathtool computes"
		done
	done
done

# ---- issuer and label ----------------------------------------------------------
write_conf "issuer = Example Corp"
tool_start tool_at "$(at 9000)" "$TOOL" add bob --qr none --no-confirm
tool_finish
case $(grep '^otpauth://' "$W/out") in
otpauth://totp/Example%20Corp:bob\?*"&issuer=Example%20Corp&"*)
	pass "[defaults] issuer is the default issuer" ;;
*) fail "[defaults] issuer is the default issuer"; diag "$(cat "$W/out")" ;;
esac
run_tool "$TOOL" revoke bob
write_conf
run_tool "$TOOL" add bob --qr none --no-confirm --issuer "ACME Ops" \
	--label "bob@example.org"
case $(grep '^otpauth://' "$W/out") in
otpauth://totp/ACME%20Ops:bob%40example.org\?*"&issuer=ACME%20Ops&"*)
	pass "--issuer and --label name the account" ;;
*) fail "--issuer and --label name the account"; diag "$(cat "$W/out")" ;;
esac
audit_ok 'event=enroll result=ok reason=new user=bob by=root .*confirmed=no' \
	"--no-confirm is audited as such"
grep -q '█' "$W/out"
[ $? -ne 0 ]
ok $? "no terminal QR code when standard output is not a terminal"
run_tool "$TOOL" revoke bob

# ---- no right code, no enrollment -------------------------------------------------
t=$(at 9600)
log_mark
tool_start tool_at "$t" "$TOOL" add bob --qr none
wait_for '^otpauth://' "$W/out"
uri=$(grep '^otpauth://' "$W/out")
bad=$(wrong_code "$uri" "$t")
feed "$bad" "$bad" "$bad"
tool_finish
expect_rc 6 "three wrong codes: exit 6"
has_state bob
[ $? -ne 0 ]
ok $? "three wrong codes leave no state"
audit_ok 'event=enroll result=failed reason=not_confirmed user=bob by=root' \
	"the failed confirmation is audited"
run_tool tool_at "$t" "$TOOL" add bob --qr none
expect_rc 6 "end of input: exit 6"
has_state bob
[ $? -ne 0 ]
ok $? "end of input leaves no state"
grep -q 'nothing was enrolled' "$W/err"
ok $? "and says so"

tool_start tool_at "$t" "$TOOL" add bob --qr none --recovery-codes 0
wait_for '^otpauth://' "$W/out"
uri=$(grep '^otpauth://' "$W/out")
feed "$(wrong_code "$uri" "$t")" "$(code_from_uri "$uri" "$t")"
tool_finish
expect_rc 0 "a wrong code, then the right one: enrolled"
grep -q 'No recovery codes' "$W/out"
ok $? "--recovery-codes 0 prints none"

# ---- --force ---------------------------------------------------------------------
cp "$STATE/alice" "$W/alice.before"
run_tool tool_at "$(at 9700)" "$TOOL" add alice --qr none
expect_rc 5 "enrolling an enrolled user without --force: exit 5"
cmp -s "$STATE/alice" "$W/alice.before"
ok $? "and the enrollment is unchanged"
grep -q 'enrolled already' "$W/err"
ok $? "with a clear message"
t=$(at 9720)
enroll_user alice "$t" --force
ok $? "--force replaces the enrollment"
URI_ALICE_OLD=$URI_ALICE
URI_ALICE=$URI
audit_ok 'event=enroll result=ok reason=replaced user=alice by=root' \
	"the replacement is audited"
t=$(at 9780)
pam_refused alice "$(code_from_uri "$URI_ALICE_OLD" "$t")" "$t" \
	"the old secret's codes no longer work"
pam_ok alice "$(code_from_uri "$URI_ALICE" "$t")" "$t" \
	"the new secret's codes do"

# ---- recovery codes --------------------------------------------------------------
rc1=$(sed -n 1p "$W/alice.codes")
t=$(at 9900)
pam_ok alice "$rc1" "$t" \
	"a printed recovery code logs in"
pam_refused alice "$rc1" "$((t + 60))" \
	"but only once"
run_tool "$TOOL" status alice
grep -q '^recovery codes:  9 left$' "$W/out"
ok $? "status counts the recovery codes left"

log_mark
run_tool "$TOOL" recovery alice --recovery-codes 3
expect_rc 0 "recovery makes new codes"
grep -E '^    [a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$' "$W/out" | tr -d ' ' \
	>"$W/alice.new"
[ "$(wc -l <"$W/alice.new")" -eq 3 ]
ok $? "--recovery-codes 3 prints three"
audit_ok 'event=recovery result=ok user=alice by=root by_login=- recovery_codes=3' \
	"recovery is audited"

pam_refused alice "$(sed -n 2p "$W/alice.codes")" "$(at 9960)" \
	"an old recovery code is void"
pam_ok alice "$(sed -n 1p "$W/alice.new")" "$(at 9990)" \
	"a new one works"

# by_login (issue 10, item 8): root acting through sudo or su is named by
# the login uid pam_loginuid set at login, which the user cannot change.
# Here it is set as pam_loginuid would, for the one process.
if sh -c 'echo 0 >/proc/self/loginuid' 2>/dev/null; then
	log_mark
	sh -c 'echo "$1" >/proc/self/loginuid && shift && exec "$@"' sh \
		"$(id -u bob)" "$TOOL" unlock alice \
		</dev/null >"$W/out" 2>"$W/err"
	expect_rc 0 "unlock as root under bob's login"
	audit_ok 'event=unlock result=ok reason=not_locked user=alice by=root by_login=bob$' \
		"by_login names the person behind root"
	sh -c 'echo 4242 >/proc/self/loginuid && exec "$@"' sh \
		"$TOOL" unlock alice </dev/null >"$W/out" 2>"$W/err"
	audit_ok 'event=unlock result=ok .*user=alice by=root by_login=4242' \
		"a login uid NSS does not know is given as a number"
else
	skip "by_login" "cannot set a login uid here (no kernel audit support)"
fi

# ---- lock-out and unlock -----------------------------------------------------------
write_conf "max_failures = 3" "lockout = 3600"
t=$(at 10200)
enroll_user carol "$t"
ok $? "carol enrolled"
t=$(at 10260)
bad=$(wrong_code "$URI" "$t")
for i in 1 2 3; do pam_try carol "$bad" "$t"; done
pam_refused carol "$(code_from_uri "$URI" "$t")" "$t" \
	"after three failures carol is locked out"
run_tool tool_at "$t" "$TOOL" status carol
grep -q '^locked:          yes, until ' "$W/out"
ok $? "status shows the lock-out"
run_tool tool_at "$t" "$TOOL" list
grep -q -E '^carol +sha1 +6 +30 +10 +yes ' "$W/out"
ok $? "list shows the lock-out"
log_mark
run_tool tool_at "$t" "$TOOL" unlock carol
expect_rc 0 "unlock succeeds"
audit_ok 'event=unlock result=ok reason=was_locked user=carol by=root' \
	"unlock is audited"
pam_ok carol "$(code_from_uri "$URI" "$((t + 30))")" "$((t + 30))" \
	"after unlock the right code works"
run_tool "$TOOL" unlock nosuch
expect_rc 4 "unlock of a user without enrollment: exit 4"
write_conf

# ---- list and status -----------------------------------------------------------------
run_tool "$TOOL" list
expect_rc 0 "list succeeds"
head -n 1 "$W/out" | grep -q -E '^USER +ALGORITHM +DIGITS +PERIOD +RECOVERY +LOCKED +ENROLLED +BY$'
ok $? "list has a header"
grep -q -E '^alice +sha1 +6 +30 +2 +no +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC +root$' "$W/out"
ok $? "list shows algorithm, digits, period, codes left, lock, when and by whom"
grep -q -E '^combo12 +sha512 +8 +60 ' "$W/out"
ok $? "list shows each user's parameters"
[ "$(tail -n +2 "$W/out" | wc -l)" -eq "$(ls "$STATE" | wc -l)" ]
ok $? "list has one line per state file"
run_tool "$TOOL" status combo6
expect_rc 0 "status succeeds"
grep -q '^algorithm:       sha256$' "$W/out" &&
	grep -q '^digits:          6$' "$W/out" &&
	grep -q '^period:          60$' "$W/out" &&
	grep -q '^enrolled:        .* UTC by root$' "$W/out" &&
	grep -q '^locked:          no$' "$W/out"
ok $? "status shows the enrollment"
run_tool "$TOOL" status erin
expect_rc 4 "status of a user not enrolled: exit 4"
grep -q 'erin: not enrolled' "$W/err"
ok $? "with a clear message"

# ---- revoke -------------------------------------------------------------------------
log_mark
run_tool "$TOOL" revoke carol
expect_rc 0 "revoke succeeds"
has_state carol
[ $? -ne 0 ]
ok $? "revoke removes the state"
audit_ok 'event=revoke result=ok user=carol by=root' "revoke is audited"
pam_refused carol "$(code_from_uri "$URI" "$(at 10400)")" "$(at 10400)" \
	"a revoked user's code is refused"
run_tool "$TOOL" revoke carol
expect_rc 4 "revoking again: exit 4"

# ---- command line --------------------------------------------------------------------
usage_case() {
	want=$1 desc=$2
	shift 2
	run_tool "$TOOL" "$@"
	expect_rc "$want" "$desc"
}
usage_case 2 "no command: exit 2"
usage_case 2 "unknown command: exit 2" frobnicate
usage_case 2 "--digits 7: exit 2" add erin --digits 7
usage_case 2 "--period 45: exit 2" add erin --period 45
usage_case 2 "--algorithm md5: exit 2" add erin --algorithm md5
usage_case 2 "--qr sixel: exit 2" add erin --qr sixel
usage_case 2 "--recovery-codes 21: exit 2" add erin --recovery-codes 21
usage_case 2 "an option of another command: exit 2" list --force
usage_case 2 "an option given twice: exit 2" add erin --digits 6 --digits 8
usage_case 2 "too many arguments: exit 2" revoke alice bob
usage_case 2 "a missing argument: exit 2" revoke
usage_case 2 "an invalid user name: exit 2" status '../etc'
usage_case 2 "import without a source: exit 2" import erin
usage_case 4 "an unknown user: exit 4" add nosuchuser --no-confirm
has_state nosuchuser
[ $? -ne 0 ]
ok $? "and nothing is written for them"
grep -q 'no such user' "$W/err"
ok $? "with a clear message"
usage_case 1 "a missing --config file: exit 1" --config "$W/none.conf" list
grep -q "$W/none.conf: no such file" "$W/err"
ok $? "names the file"
run_tool "$TOOL" --help
expect_rc 0 "--help: exit 0"
for cmd in add list status revoke unlock recovery import check-config; do
	grep -q "^  $cmd" "$W/out" || { fail "--help lists $cmd"; continue; }
	pass "--help lists $cmd"
done
run_tool "$TOOL" --version
grep -q "^credgate-enroll (credgate) " "$W/out"
ok $? "--version"

# --help and the man page name the same options.
man=$abs_top_srcdir/man/credgate-enroll.8
"$TOOL" --help | grep -o -E -- '--[a-z][a-z-]+' | sort -u >"$W/help.opts"
sed 's/\\-/-/g' "$man" | grep -o -E -- '--[a-z][a-z-]+' | sort -u >"$W/man.opts"
if cmp -s "$W/help.opts" "$W/man.opts"; then
	pass "--help and credgate-enroll(8) document the same options"
else
	fail "--help and credgate-enroll(8) document the same options"
	diag "$(diff "$W/help.opts" "$W/man.opts")"
fi

done_testing
