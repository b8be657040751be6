#!/bin/sh
# The host key and sealing, through the real setuid credgate-enroll:
# init creates the key (0400, root:root) and seals clear format-1 states;
# nothing of a secret or a recovery hash is in the state directory after
# add, import, recovery and logins; files a non-root caller makes are
# root:root; revoke leaves no lock file; rekey re-seals everything,
# resumes an interrupted run, and every user can still log in.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox

BASE=1800000000
at() { echo $((BASE + 30 * $1)); }
KEY=$RT/host.key

# clean_of B32 WHEN: the secret (base32, hex either case, raw bytes) and
# any recovery hash are nowhere under the state directory.
clean_of() {
	hex=$("$OATHTOOL" --totp -b -v "$1" 2>/dev/null | sed -n 's/^Hex secret: //p')
	found=
	for f in "$STATE"/* "$STATE"/.[!.]*; do
		[ -f "$f" ] || continue
		grep -a -q -i -e "$1" -e "$hex" -e pbkdf2 -e 'sha256:' "$f" &&
			found="$found $f"
		od -An -v -tx1 "$f" | tr -d ' \n' | grep -q -i "$hex" &&
			found="$found $f(raw)"
	done
	[ -n "$hex" ] && [ -z "$found" ]
	ok $? "$2: no secret or recovery hash in the state directory${found:+ ($found)}"
}
# The id of the key that sealed USER's state: format 3 (lib/state_slots.c),
# the key id (8 bytes after the generation) of the slot with the higher
# generation (8 bytes little-endian at the start of each slot).
key_id() {
	_f=$STATE/$1
	_s=$(sed -n '2s/^slot_size //p' "$_f")
	_g0=$(od -An -j64 -N8 -tu8 "$_f" | tr -d ' ')
	_g1=$(od -An -j$((64 + _s)) -N8 -tu8 "$_f" | tr -d ' ')
	_o=64; [ "$_g1" -gt "$_g0" ] && _o=$((64 + _s))
	od -An -j$((_o + 8)) -N8 -tx1 "$_f" | tr -d ' \n'
}

# ---- init ---------------------------------------------------------------------
[ "$(stat -c '%a %U %G %s' "$KEY")" = "400 root root 32" ]
ok $? "init created the host key: 32 bytes, 0400, root:root"
grep -q "^host key $KEY: created (id [0-9a-f]\{16\})$" "$W/init.out"
ok $? "and said so, with its id"
cp "$KEY" "$W/key.before"
run_tool "$TOOL" init
expect_rc 0 "init again: exit 0"
grep -q "^host key $KEY: present" "$W/out" && cmp -s "$KEY" "$W/key.before"
ok $? "and the key is kept"
as_user alice "$TOOL" init </dev/null >"$W/out" 2>&1
[ $? -eq 3 ]; ok $? "init is root's only"

# ---- add, import, recovery, logins ---------------------------------------------------
enroll_user alice "$(at 0)"
expect_rc 0 "alice enrolled"
A=$(uri_field "$URI" secret)
clean_of "$A" "after add"
US=0123456789abcdef0123456789abcdef01234567
UB=$("$OATHTOOL" --totp -v "$US" | sed -n 's/^Base32 secret: //p')
tool_start "$TOOL" import bob --uri -
feed "otpauth://totp/Corp:bob?secret=$UB&issuer=Corp"
tool_finish
expect_rc 0 "bob imported from a URI"
clean_of "$UB" "after import"
run_tool "$TOOL" recovery alice --recovery-codes 3
expect_rc 0 "new recovery codes for alice"
RC1=$(grep -E '^    [a-z2-7]{4}-' "$W/out" | head -n 1 | tr -d ' ')
clean_of "$A" "after recovery"
pam_ok alice "$RC1" "$(at 2)" "a recovery code logs alice in"
pam_ok alice "$(code_from_uri "$URI" "$(at 3)")" "$(at 3)" "alice's code logs her in"
pam_ok bob "$("$OATHTOOL" --totp -N "@$(at 3)" "$US")" "$(at 3)" "bob's code logs him in"
clean_of "$A" "after logins (alice)"
clean_of "$UB" "after logins (bob)"

# ---- ownership: a non-root caller's files are root:root --------------------------------
write_conf "self_enroll = yes"
tool_start as_user carol "$TOOL" add --qr none
if wait_for '^otpauth://' "$W/out"; then
	URI_C=$(grep '^otpauth://' "$W/out")
	feed "$(code_from_uri "$URI_C" "$(date +%s)")"
fi
tool_finish
expect_rc 0 "carol enrolls herself"
[ "$(stat -c '%U:%G %a' "$STATE/carol" "$STATE/.carol.lock" | sort -u)" = "root:root 600" ]
ok $? "her state and lock files are root:root, 0600 (not her group)"
write_conf

# ---- revoke takes the lock file too ------------------------------------------------
run_tool "$TOOL" revoke carol
expect_rc 0 "carol revoked"
[ ! -e "$STATE/carol" ] && [ ! -e "$STATE/.carol.lock" ]
ok $? "no state and no lock file left"

# ---- rekey ---------------------------------------------------------------------
OLD=$(key_id alice)
run_tool "$TOOL" rekey
expect_rc 0 "rekey: exit 0"
[ ! -e "$KEY.new" ] && ! cmp -s "$KEY" "$W/key.before"
ok $? "the host key is replaced, no new key left aside"
[ "$(stat -c '%a %U' "$KEY")" = "400 root" ]
ok $? "the new key is 0400 root"
NEW=$(key_id alice)
[ "$NEW" != "$OLD" ] && [ "$(key_id bob)" = "$NEW" ]
ok $? "every state is sealed under the new key"
pam_ok alice "$(code_from_uri "$URI" "$(at 4)")" "$(at 4)" "alice logs in after rekey"
pam_ok bob "$("$OATHTOOL" --totp -N "@$(at 4)" "$US")" "$(at 4)" "bob logs in after rekey"

# An interrupted rekey: the new key exists, not every state uses it.
cp "$KEY" "$W/key.mid"
(umask 277 && head -c 32 /dev/urandom >"$KEY.new")
cp "$KEY.new" "$W/key.new"
pam_ok alice "$(code_from_uri "$URI" "$(at 5)")" "$(at 5)" \
	"during a rekey alice logs in"
[ "$(key_id alice)" != "$(key_id bob)" ]
ok $? "and her state is written under the new key, bob's still under the old"
pam_ok bob "$("$OATHTOOL" --totp -N "@$(at 5)" "$US")" "$(at 5)" \
	"bob (old key) logs in during the rekey too"
run_tool "$TOOL" check-config
grep -q "host.key.new: an unfinished rekey" "$W/out"
ok $? "check-config reports the unfinished rekey"
run_tool "$TOOL" rekey
expect_rc 0 "rekey again finishes it"
grep -q "resuming an unfinished rekey" "$W/out"
ok $? "saying it resumes"
cmp -s "$KEY" "$W/key.new" && [ ! -e "$KEY.new" ]
ok $? "with the key that was aside"
pam_ok alice "$(code_from_uri "$URI" "$(at 6)")" "$(at 6)" "alice logs in after it"
pam_ok bob "$("$OATHTOOL" --totp -N "@$(at 6)" "$US")" "$(at 6)" "bob logs in after it"

# ---- init seals a clear format-1 state ---------------------------------------------
DS=3132333435363738393031323334353637383930
DB=$("$OATHTOOL" --totp -v "$DS" | sed -n 's/^Base32 secret: //p')
printf 'credgate-state 1\nsecret %s\nalgorithm sha1\ndigits 6\nperiod 30\nlast_step -1\nfailures 0\nlast_failure 0\nlocked_until 0\nenrolled_at 1700000000\nenrolled_by root\n' \
	"$DB" >"$STATE/dave"
chmod 600 "$STATE/dave"
run_tool "$TOOL" init
expect_rc 0 "init with a clear state present: exit 0"
grep -q "1 of them sealed now" "$W/out"
ok $? "says it sealed one"
[ "$(head -n 1 "$STATE/dave")" = "credgate-state 3" ]
ok $? "dave's state is now format 3"
clean_of "$DB" "after init"
pam_ok dave "$("$OATHTOOL" --totp -N "@$(at 7)" "$DS")" "$(at 7)" "dave logs in"

done_testing
