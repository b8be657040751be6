#!/bin/sh
# --json of credgate list and check, and of credgate-enroll list, status
# and check-config: each document parses (jq), has exactly the members its
# man page documents -- the examples marked "json-example: NAME" in
# credgate(1) and credgate-enroll(8) are the schema: no member that is
# not there, none of theirs missing, no member of another type -- and says
# what the text output says.  The real setuid tools in the root sandbox.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
JQ=$(command -v jq) || skip_all "jq not installed"
GATE_BUILT=$abs_top_builddir/tools/credgate
[ -x "$GATE_BUILT" ] || skip_all "credgate not built"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox
rootns_install_setuid "$GATE_BUILT" credgate
GATE=$RT/bin/credgate

. "$abs_top_srcdir/tests/tools/json-lib.sh"
# schema_ok NAME DESC: $W/out is one JSON document of the documented shape.
schema_ok() { json_schema_ok "$1" "$W/out" "$2"; }
# jq_ok FILTER DESC: FILTER is true of $W/out.
jq_ok() {
	if "$JQ" -e "$1" "$W/out" >/dev/null 2>&1; then
		pass "$2"
	else
		fail "$2"; diag "jq '$1' on:" "$(cat "$W/out")"
	fi
}
gate_as() {
	u=$1; shift
	as_user "$u" "$GATE" "$@" </dev/null >"$W/out" 2>"$W/err"
	TOOL_RC=$?
}

T0=1800000000
# ---- credgate-enroll list --------------------------------------------------
enroll_user alice $T0 >/dev/null || { echo "Bail out! cannot enroll alice"; exit 99; }
enroll_user bob $((T0 + 30)) --algorithm sha256 --digits 8 --recovery-codes 3 >/dev/null ||
	{ echo "Bail out! cannot enroll bob"; exit 99; }
printf 'not a state file\n' >"$STATE/carol"
chmod 600 "$STATE/carol"
run_tool "$TOOL" list --json
expect_rc 0 "list --json: exit 0"
schema_ok enroll-list "list --json: the documented members, and only those"
jq_ok '[.users[].user] == ["alice", "bob", "carol"]' "list --json: every state file, in order"
jq_ok '.users[1] | .algorithm == "sha256" and .digits == 8 and .period == 30 and
	.recovery_codes == 3 and .locked == false and .enrolled_by == "root" and
	.enrolled_at == '$((T0 + 30))' and .error == null' \
	"list --json: bob's parameters, enrollment time and author"
jq_ok '.users[2] | .error != null and .algorithm == null and .enrolled_at == null' \
	"list --json: an unreadable state has an error and nulls"
cp "$W/out" "$W/list.json"
run_tool "$TOOL" list
[ "$(tail -n +2 "$W/out" | awk '{ print $1 }' | tr '\n' ' ')" = \
  "$("$JQ" -r '[.users[].user] | join(" ")' "$W/list.json") " ]
ok $? "list: the text names the same users"
run_tool "$TOOL" list --json --recovery-codes 3
expect_rc 2 "list: an option of another command is still refused"

# ---- credgate-enroll status ------------------------------------------------
run_tool "$TOOL" status alice --json
expect_rc 0 "status --json alice: exit 0"
schema_ok enroll-status "status --json: the documented members, and only those"
jq_ok '.user == "alice" and .enrolled == true and .failures == 0 and
	.last_used == '$T0' and .recovery_codes == 10 and .error == null' \
	"status --json: the confirmation code's step is the last used"
run_tool "$TOOL" status dave --json
expect_rc 4 "status --json of a user not enrolled: exit 4"
schema_ok enroll-status "status --json, not enrolled: still the documented members"
jq_ok '.user == "dave" and .enrolled == false and .algorithm == null and .error == null' \
	"status --json, not enrolled: enrolled false, the rest null"
run_tool "$TOOL" status carol --json
expect_rc 1 "status --json of an unreadable state: exit 1"
jq_ok '.enrolled == true and .error != null and .digits == null' \
	"status --json, unreadable: the error, no parameters"
as_user alice "$TOOL" status --json </dev/null >"$W/out" 2>"$W/err"
ok $? "status --json: a user for themself"
jq_ok '.user == "alice" and .enrolled == true' "status --json: the caller by default"

# ---- credgate-enroll check-config ---------------------------------------------
C=$W/check
mkdir -m 755 "$C" "$RT/cred"
for f in smtp api ops open; do printf 'secret-%s\n' $f >"$RT/cred/$f"; done
chmod 600 "$RT/cred/smtp" "$RT/cred/api" "$RT/cred/ops"
chmod 644 "$RT/cred/open"
write_policy() {
	f=$1; shift
	printf '%s\n' "[defaults]" "state_dir = ${SD:-$STATE}" "grace_dir = $RT/grace" "$@" >"$f"
	chmod 644 "$f"
}
write_policy "$C/good.conf" "" "[role mail]" "members = alice, bob until 2020-01-01" \
	"" "[credential smtp]" "path = $RT/cred/smtp" "roles = mail"
run_tool "$TOOL" check-config "$C/good.conf" --json
expect_rc 0 "check-config --json, good: exit 0"
schema_ok enroll-check-config "check-config --json: the documented members, and only those"
jq_ok '.ok == true and .file == "'"$C/good.conf"'" and .error == null and
	.state_dir.path == "'"$STATE"'" and .state_dir.ok == true and .state_dir.error == null and
	.store_checks == [] and .host_key.ok == true and .host_key.error == null and
	(.host_key.id | test("^[0-9a-f]+$")) and .host_key.rekey_unfinished == false and
	.credentials == [{"name": "smtp", "path": "'"$RT/cred/smtp"'", "file": "'"$C/good.conf"'",
		"line": 8, "ok": true, "reason": null, "error": null}]' \
	"check-config --json, good: ok, the state directory and the credential file checked"
jq_ok '.warnings | length == 1 and .[0].line == 6 and .[0].file == "'"$C/good.conf"'" and
	(.[0].message | test("^membership of bob in role mail expired on 2020-01-01"))' \
	"check-config --json: an expired membership is a warning with file and line"
write_policy "$C/bad.conf" "" "[role mail]" "member = alice"
run_tool "$TOOL" check-config "$C/bad.conf" --json
expect_rc 1 "check-config --json, a bad key: exit 1"
schema_ok enroll-check-config-error "check-config --json, bad: the documented members"
jq_ok '.ok == false and .error.file == "'"$C/bad.conf"'" and .error.line == 6 and
	(.error.message | test("member")) and .state_dir == null and .warnings == []' \
	"check-config --json, bad: the error's file, line and message"
msg=$("$JQ" -r .error.message "$W/out")
run_tool "$TOOL" check-config "$C/bad.conf"
[ "$(head -n 1 "$W/err")" = "$C/bad.conf:6: $msg" ]
ok $? "check-config: the text names the same error" || diag "$(cat "$W/err")"
write_policy "$C/exposed.conf" "" "[role mail]" "members = alice" "" \
	"[credential open]" "path = $RT/cred/open" "roles = mail"
run_tool "$TOOL" check-config "$C/exposed.conf" --json
expect_rc 1 "check-config --json, a credential file others may read: exit 1"
jq_ok '.ok == false and .error == null and .credentials[0].ok == false and
	.credentials[0].reason == "credential_exposed" and .credentials[0].line == 8 and
	(.credentials[0].error | length > 0)' \
	"check-config --json: the exposed credential, where it is defined, and why"
write_policy "$C/nokey.conf" "host_key = $RT/no-such.key"
run_tool "$TOOL" check-config "$C/nokey.conf" --json
expect_rc 1 "check-config --json, no host key: exit 1"
jq_ok '.ok == false and .host_key.ok == false and .host_key.id == null and
	(.host_key.error | test("missing"))' "check-config --json: the missing host key"
mkdir -m 755 "$RT/open-state"
SD=$RT/open-state
write_policy "$C/open.conf"
SD=
run_tool "$TOOL" check-config "$C/open.conf" --json
expect_rc 1 "check-config --json, a state directory others may read: exit 1"
jq_ok '.ok == false and .error == null and .state_dir.ok == false and
	(.state_dir.error | test("0700"))' "check-config --json: the state directory's problem"

# ---- credgate list and check ---------------------------------------------------
write_policy "$CONF" "" "[role mail]" "members = alice" "" \
	"[credential smtp]" "path = $RT/cred/smtp" "roles = mail" \
	"description = SMTP relay \"password\"" "" \
	"[credential api]" "path = $RT/cred/api" "roles = mail" "" \
	"[credential ops]" "path = $RT/cred/ops" "roles = nobody" "" \
	"[credential open]" "path = $RT/cred/open" "roles = nobody" "" \
	"[role nobody]" "members = !alice"
gate_as alice list --json
expect_rc 0 "credgate list --json: exit 0"
schema_ok credgate-list "credgate list --json: the documented members, and only those"
jq_ok '.user == "alice" and [.credentials[].name] == ["smtp", "api"] and
	.credentials[0].description == "SMTP relay \"password\"" and
	.credentials[1].description == null' \
	"credgate list --json: what alice may read, descriptions escaped or null"
cp "$W/out" "$W/glist.json"
gate_as alice list
[ "$(awk '{ print $1 }' "$W/out" | tr '\n' ' ')" = \
  "$("$JQ" -r '[.credentials[].name] | join(" ")' "$W/glist.json") " ]
ok $? "credgate list: the text names the same credentials"
gate_as bob list --json
expect_rc 0 "credgate list --json, nothing granted: exit 0"
jq_ok '.user == "bob" and .credentials == []' "credgate list --json, nothing granted: an empty array"
gate_as alice list --json --json
expect_rc 2 "credgate list --json --json: a usage error"

run_tool "$GATE" check --json alice smtp
expect_rc 0 "credgate check --json, granted: exit 0"
schema_ok credgate-check "credgate check --json: the documented members, and only those"
jq_ok '.user == "alice" and .credential == "smtp" and .granted == true and
	.reason == "granted" and .role == "mail" and .path == "'"$RT/cred/smtp"'" and
	.totp_required == true and .enrollment == "enrolled" and .locked_until == null and
	.enrollment_error == null and (.explain | length > 0) and
	.approvals == 0 and .approvers == null and
	.file == {"ok": true, "reason": null, "readable_by": null, "error": null}' \
	"credgate check --json, granted: decision, role, path, file and enrollment"
cp "$W/out" "$W/check.json"
run_tool "$GATE" check alice smtp
grep -q -F "because: $("$JQ" -r .explain "$W/check.json")" "$W/out"
ok $? "credgate check: the text gives the same explanation"
run_tool "$GATE" check dave smtp --json
expect_rc 1 "credgate check --json, not in the role: exit 1"
schema_ok credgate-check "credgate check --json, denied: the documented members"
jq_ok '.granted == false and .reason == "not_in_role" and .enrollment == "not_enrolled"' \
	"credgate check --json, denied: the reason and the enrollment"
run_tool "$GATE" check --json alice nosuch
expect_rc 1 "credgate check --json, no such credential: exit 1"
jq_ok '.reason == "no_such_credential" and .path == null and .totp_required == null and
	.approvals == null and .approvers == null and
	.file == null and .enrollment == null' "credgate check --json, no such credential: nulls"
run_tool "$GATE" check --json alice ops
jq_ok '.granted == false and .reason == "excluded" and .role == "nobody"' \
	"credgate check --json, excluded: the excluding role"
run_tool "$GATE" check --json alice open
jq_ok '.file.ok == false and .file.reason == "credential_exposed" and
	.file.readable_by == "world" and (.file.error | length > 0)' \
	"credgate check --json: a file others may read is refused, and why"
run_tool "$GATE" check alice open
grep -q -F "file: refused (credential_exposed, readable by world)" "$W/out"
ok $? "credgate check: the text says the same"
done_testing
