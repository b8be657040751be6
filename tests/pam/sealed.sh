#!/bin/sh
# Secrets sealed at rest (state format 3): nothing of a secret or a
# recovery hash under the state directory; a state bound to its user; a
# missing, wrong or unsafe host key denies with its reason; a clear
# format-1 state still works and is sealed by its next write.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
sandbox_init

BASE=1800000015
at() { echo $((BASE + 30 * $1)); }

# clean_of USER WHEN: no trace of USER's secret (base32, hex in either
# case, raw bytes) and no recovery hash anywhere under the state dir.
clean_of() {
	hex=$(cat "$T/$1.secret")
	b32=$(printf '%s' "$hex" | xxd_b32)
	HEX=$(printf '%s' "$hex" | tr a-f A-F)
	found=
	for f in "$STATE"/* "$STATE"/.[!.]*; do
		[ -f "$f" ] || continue
		grep -a -q -i -e "$b32" -e "$hex" -e pbkdf2 -e 'sha256:' \
			-e '^recovery' "$f" && found="$found $f"
		# raw bytes: the file as hex contains the secret's hex
		od -An -v -tx1 "$f" | tr -d ' \n' | grep -q -i "$hex" &&
			found="$found $f(raw)"
	done
	[ -z "$found" ]; ok $? "$2: no secret or recovery hash in the state directory${found:+ ($found)}"
}

enroll alice
enroll bob
[ "$(head -n 1 "$STATE/alice")" = "credgate-state 3" ]
ok $? "a new state is written in format 3 (two sealed slots)"
clean_of alice "after enrollment"
pam_auth alice "$(code_for alice "$(at 0)")" "$(at 0)"; ok $? "alice logs in"
clean_of alice "after a login"
"$CG_STATE" "$STATE" recovery alice 3 >"$T/codes"
clean_of alice "after new recovery codes"
pam_auth alice "$(head -n 1 "$T/codes")" "$(at 1)"; ok $? "a recovery code works"
clean_of alice "after a recovery login"
[ "$(wc -c <"$STATE/alice")" -eq "$(wc -c <"$STATE/bob")" ]
ok $? "state files of users with and without recovery codes have the same size"

# --- bound to the user -------------------------------------------------------
cp "$STATE/bob" "$T/bob.saved"
cp "$STATE/alice" "$STATE/bob"
log_mark
pam_auth bob "$(code_for alice "$(at 2)")" "$(at 2)"
[ $? -ne 0 ]; ok $? "alice's state copied to bob's name: refused (with alice's code)"
audit_ok 'reason=state_error user=bob .*sealed for another user or altered' \
	"the reason is logged"
cmp -s "$STATE/alice" "$STATE/bob"; ok $? "the copied file is left as it was"
cp "$T/bob.saved" "$STATE/bob"
pam_auth bob "$(code_for bob "$(at 2)")" "$(at 2)"; ok $? "bob's own state works again"

# --- altered -----------------------------------------------------------------
cp "$STATE/alice" "$T/alice.saved"
# change one byte inside the sealed blob of each slot (format 3: 64 bytes
# of header, then two slots of slot_size bytes; each blob starts after 16
# bytes of generation and key id).  One altered slot alone is a torn
# write and the other slot answers (tests/unit/test_store.c).
cp "$T/alice.saved" "$T/alice.altered"
s=$(sed -n '2s/^slot_size //p' "$T/alice.saved")
for o in $((64 + 40)) $((64 + s + 40)); do
	b=$(od -An -j$o -N1 -tu1 "$T/alice.saved" | tr -d ' ')
	printf "\\$(printf %o $(((b + 1) % 256)))" |
		dd of="$T/alice.altered" bs=1 seek=$o conv=notrunc 2>/dev/null
done
cmp -s "$T/alice.saved" "$T/alice.altered"
[ $? -ne 0 ]; ok $? "(the altered copy differs)"
cat "$T/alice.altered" >"$STATE/alice"
log_mark
pam_auth alice "$(code_for alice "$(at 3)")" "$(at 3)"
[ $? -ne 0 ]; ok $? "an altered sealed state is refused"
audit_ok 'reason=state_error user=alice' "state_error logged"
cmp -s "$T/alice.altered" "$STATE/alice"; ok $? "and not modified by the failed read"
cat "$T/alice.saved" >"$STATE/alice"

# --- the host key ------------------------------------------------------------
mv "$T/host.key" "$T/host.key.saved"
log_mark
pam_auth alice "$(code_for alice "$(at 4)")" "$(at 4)"
[ $? -ne 0 ]; ok $? "no host key: denied"
audit_ok "reason=state_error user=alice .*host key $T/host.key: missing" \
	"the missing key is named in the log"
"$CG_STATE" "$STATE" init
log_mark
pam_auth alice "$(code_for alice "$(at 5)")" "$(at 5)"
[ $? -ne 0 ]; ok $? "another host key: denied"
audit_ok "reason=state_error user=alice .*sealed under key [0-9a-f]{16}, which is not this host's key" \
	"the wrong key is named in the log"
cmp -s "$T/alice.saved" "$STATE/alice"; ok $? "the state is untouched"
rm -f "$T/host.key"
cp "$T/host.key.saved" "$T/host.key"
chmod 440 "$T/host.key"
log_mark
pam_auth alice "$(code_for alice "$(at 6)")" "$(at 6)"
[ $? -ne 0 ]; ok $? "a host key the group may read: denied"
audit_ok "host key $T/host.key: unsafe permissions" "and the reason logged"
chmod 400 "$T/host.key"
pam_auth alice "$(code_for alice "$(at 7)")" "$(at 7)"; ok $? "the right key back: alice logs in"

# --- format 1, in the clear, from before sealing -----------------------------
enroll carol
b32=$(printf '%s' "$(cat "$T/carol.secret")" | xxd_b32)
printf 'credgate-state 1\nsecret %s\nalgorithm sha1\ndigits 6\nperiod 30\nlast_step -1\nfailures 0\nlast_failure 0\nlocked_until 0\nenrolled_at 1700000000\nenrolled_by root\n' \
	"$b32" >"$STATE/carol"
"$CG_STATE" "$STATE" check carol; ok $? "a format-1 state is read"
grep -q "$b32" "$STATE/carol"; ok $? "(in the clear)"
pam_auth carol "$(code_for carol "$(at 8)")" "$(at 8)"; ok $? "carol logs in with it"
[ "$(head -n 1 "$STATE/carol")" = "credgate-state 3" ]
ok $? "and her state is sealed by that login's write"
clean_of carol "after the format-1 state was rewritten"
pam_auth carol "$(code_for carol "$(at 8)")" "$(at 8)"
[ $? -ne 0 ]; ok $? "the step recorded before sealing still counts (replay refused)"

done_testing
