#!/bin/sh
# credgate-enroll check-config: like visudo -c, "FILE: OK" and exit 0, or
# "FILE:LINE: message" and exit 1, for the main file, its drop-ins and
# the state directory it names.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
rootns_enter "$@"
enroll_sandbox

C=$W/check
mkdir -m 755 "$C"

# conf NAME LINES..: a policy file (root's, 0644) from its lines.
conf() {
	f=$C/$1; shift
	: >"$f"
	for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
	chmod 644 "$f"
}
# check_fails FILE LINE PATTERN DESC: exit 1, stderr is FILE:LINE: ...PATTERN
# (CHECK names the file to check when the error is in another one)
check_fails() {
	run_tool "$TOOL" check-config "${CHECK:-$1}"
	want="$1:$2: "
	[ "$2" = 0 ] && want="$1: "
	first=$(head -n 1 "$W/err")
	case $first in
	"$want"*"$3"*) ok_msg=yes ;;
	*) ok_msg=no ;;
	esac
	if [ "$TOOL_RC" -eq 1 ] && [ $ok_msg = yes ]; then
		pass "$4"
	else
		fail "$4"
		diag "exit $TOOL_RC, want 1 and '$want...$3'" "stderr: $(cat "$W/err")"
	fi
}

DEF="[defaults]"
SD="state_dir = $STATE"

(umask 077; echo 'relay:secret' >"$C/sasl_passwd")
conf good.conf "$DEF" "$SD" "host_key = $RT/host.key" "self_enroll = yes" "" "[role mail]" \
	"members = alice, %ops, !mallory" "" "[credential smtp]" \
	"path = $C/sasl_passwd" "roles = mail" \
	"description = SMTP relay password"
run_tool "$TOOL" check-config "$C/good.conf"
expect_rc 0 "a good policy: exit 0"
[ "$(sed -n 1p "$W/out")" = "$C/good.conf: OK" ]
ok $? "prints FILE: OK"
[ "$(sed -n 2p "$W/out")" = "$STATE: OK (state directory)" ]
ok $? "and checks the state directory"
grep -qx "$C/sasl_passwd: OK (credential smtp)" "$W/out"
ok $? "and each credential's file"
(cd "$C" && "$TOOL" check-config good.conf >"$W/out" 2>&1)
ok $? "a relative FILE is read from the working directory"
run_tool "$TOOL" --config "$C/good.conf" check-config
expect_rc 0 "--config FILE works the same"
run_tool "$TOOL" check-config
expect_rc 0 "without FILE the default configuration is checked"
grep -q "^$CONF: OK$" "$W/out"
ok $? "and named"

conf key.conf "$DEF" "$SD" "windwo = 2"
check_fails "$C/key.conf" 3 "unknown key 'windwo'" "an unknown key: its line"
conf range.conf "$DEF" "window = 99" "$SD"
check_fails "$C/range.conf" 2 "out of range" "a value out of range: its line"
conf bool.conf "# comment" "$DEF" "$SD" "self_enroll = maybe"
check_fails "$C/bool.conf" 4 "expected yes or no" "a bad boolean: its line"
conf section.conf "$DEF" "$SD" "" "[rolle mail]" "members = alice"
check_fails "$C/section.conf" 4 "unknown section" "an unknown section: its line"
conf rel.conf "$DEF" "state_dir = var/lib/credgate"
check_fails "$C/rel.conf" 2 "absolute path" "a relative state_dir: its line"
conf role.conf "$DEF" "$SD" "[credential smtp]" "path = /etc/x" \
	"description = d" "roles = mail, billing" "" "[role mail]" "members = bob"
check_fails "$C/role.conf" 6 "billing" "an undefined role: the line of roles ="
conf member.conf "$DEF" "$SD" "[role ops]" "members = alice, , bob"
check_fails "$C/member.conf" 4 "empty item" "a stray comma: its line"
conf dup.conf "$DEF" "$SD" "[role ops]" "members = a" "[role ops]" "members = b"
check_fails "$C/dup.conf" 5 "duplicate section" "a role defined twice: the second line"
conf junk.conf "$DEF" "$SD" "just some words"
check_fails "$C/junk.conf" 3 "expected 'key = value'" "a line that is no setting: its line"

# A drop-in: the error names the drop-in and its line.
mkdir -m 755 "$C/credgate.d"
conf main.conf "$DEF" "$SD" "[role mail]" "members = alice"
printf '[credential api]\npath = /etc/api.key\nroles = mail\n[role mail]\nmembers = bob\n' \
	>"$C/credgate.d/10-api.conf"
chmod 644 "$C/credgate.d/10-api.conf"
CHECK=$C/main.conf check_fails "$C/credgate.d/10-api.conf" 4 "duplicate section" \
	"an error in a drop-in: the drop-in's file and line"
unset CHECK
rm -r "$C/credgate.d"

# File-level problems: named without a line.
conf gw.conf "$DEF" "$SD"
chmod 664 "$C/gw.conf"
check_fails "$C/gw.conf" 0 "unsafe permissions" "a group-writable file"
ln -s "$C/good.conf" "$C/link.conf"
check_fails "$C/link.conf" 0 "symbolic link" "a symbolic link"
check_fails "$C/none.conf" 0 "no such file" "a missing file"
conf owner.conf "$DEF" "$SD"
chown alice "$C/owner.conf"
check_fails "$C/owner.conf" 0 "wrong owner" "a file not owned by root"

# The state directory.
conf nostate.conf "$DEF" "state_dir = $W/nostate"
run_tool "$TOOL" check-config "$C/nostate.conf"
expect_rc 1 "a missing state directory: exit 1"
grep -q "^$W/nostate: state directory does not exist" "$W/err"
ok $? "says the state directory does not exist"
mkdir -m 755 "$W/openstate"
conf open.conf "$DEF" "state_dir = $W/openstate"
run_tool "$TOOL" check-config "$C/open.conf"
expect_rc 1 "a state directory others can read: exit 1"
grep -q "^$W/openstate: state directory unsafe permissions (must be mode 0700)" "$W/err"
ok $? "says so"
mkdir -m 700 "$W/alicestate"
chown alice "$W/alicestate"
conf alice.conf "$DEF" "state_dir = $W/alicestate"
run_tool "$TOOL" check-config "$C/alice.conf"
expect_rc 1 "a state directory not owned by root: exit 1"
grep -q "wrong owner (must be root)" "$W/err"
ok $? "says so"

# Credential files, checked as the gate checks them before it prompts
# (issue 10, item 3): every problem named by credential and file, at the
# line of the credential's section, and any of them is an error.
mk() {    # mk NAME MODE: a root-owned credential file in $C
	(umask 077; echo "$1-secret" >"$C/$1")
	chmod "$2" "$C/$1"
}
mk exposed 644
mk groupread 640
mk writable 620
mk hl 600
ln "$C/hl" "$C/hl-second-name"
ln -s sasl_passwd "$C/sym"
mkdir -m 755 "$C/srv" "$C/srv/alice"
chown alice "$C/srv/alice"
mk srv/alice/key 600
conf creds.conf "$DEF" "$SD" "[role mail]" "members = alice" \
	"[credential good]" "path = $C/sasl_passwd" "roles = mail" \
	"[credential exposed]" "path = $C/exposed" "roles = mail" \
	"[credential groupread]" "path = $C/groupread" "roles = mail" \
	"[credential writable]" "path = $C/writable" "roles = mail" \
	"[credential linked]" "path = $C/hl" "roles = mail" \
	"[credential missing]" "path = $C/missing" "roles = mail" \
	"[credential ownerdir]" "path = $C/srv/alice/key" "roles = mail" \
	"[credential symlink]" "path = $C/sym" "roles = mail"
run_tool "$TOOL" check-config "$C/creds.conf"
expect_rc 1 "credential files with problems: exit 1"
grep -qx "$C/sasl_passwd: OK (credential good)" "$W/out"
ok $? "credentials: a good one is OK"
err_line() {    # err_line LINE NAME PATH WHY DESC
	grep -qF "$C/creds.conf:$1: credential $2: $3: $4" "$W/err"
	ok $? "credentials: $5"
}
err_line 8 exposed "$C/exposed" \
	"readable by group or others (mode 0644): the credential is exposed" \
	"a world-readable file is an error"
err_line 11 groupread "$C/groupread" "readable by group or others (mode 0640)" \
	"a group-readable file is an error"
err_line 14 writable "$C/writable" "unsafe permissions: mode 0620, writable by group or others" \
	"a group-writable file"
err_line 17 linked "$C/hl" "has more than one hard link (2)" "a hard-linked file"
err_line 20 missing "$C/missing" "no such file or directory" "a missing file"
err_line 23 ownerdir "$C/srv/alice/key" \
	"directory $C/srv/alice on the way has the wrong owner: uid $(id -u alice), must be root" \
	"a directory on the way owned by a user"
err_line 26 symlink "$C/sym" "is a symbolic link; refusing to follow it" "a symlink"
[ "$(wc -l <"$W/err")" -eq 7 ]; ok $? "credentials: one line per problem"
rm -f "$C/srv/alice/key"
rmdir "$C/srv/alice"
ln -s /etc "$C/srv/alice"
conf swap.conf "$DEF" "$SD" "[role mail]" "members = alice" \
	"[credential swapped]" "path = $C/srv/alice/shadow" "roles = mail"
run_tool "$TOOL" check-config "$C/swap.conf"
expect_rc 1 "a directory swapped for a symlink to /etc: exit 1"
grep -qF "$C/swap.conf:5: credential swapped: $C/srv/alice/shadow: directory $C/srv/alice on the way is a symbolic link" "$W/err"
ok $? "credentials: the symlinked directory is named"
rm -f "$C/srv/alice"

# A credential people may write: the on_change program a put runs as
# root, and the directory its versions are kept in, checked as the gate
# checks them (issue 11).
mkdir -m 755 "$C/bin" "$C/vers-ok"
printf '#!/bin/sh\nexit 0\n' >"$C/bin/reload"; chmod 755 "$C/bin/reload"
cp "$C/bin/reload" "$C/bin/reload-gw"; chmod 775 "$C/bin/reload-gw"
cp "$C/bin/reload" "$C/bin/reload-noexec"; chmod 644 "$C/bin/reload-noexec"
mkdir -m 777 "$C/vers-open"
wconf() {      # wconf NAME VERSIONS_DIR ON_CHANGE: one writable credential
	conf "$1" "$DEF" "$SD" "versions_dir = $2" "[role mail]" "members = alice" \
		"[credential good]" "path = $C/sasl_passwd" "roles = mail" \
		"writers = mail" "on_change = $3"
}
wconf w-ok.conf "$C/vers-ok/v" "$C/bin/reload --quiet"
run_tool "$TOOL" check-config "$C/w-ok.conf"
expect_rc 0 "writable: a safe on_change and a versions_dir to be made: exit 0"
grep -qx "$C/sasl_passwd: OK (credential good)" "$W/out"
ok $? "writable: the credential is OK"
wconf w-gw.conf "$C/vers-ok/v" "$C/bin/reload-gw"
run_tool "$TOOL" check-config "$C/w-gw.conf"
expect_rc 1 "writable: a group-writable on_change program: exit 1"
grep -qxF "$C/w-gw.conf:6: credential good: on_change program $C/bin/reload-gw: unsafe permissions: mode 0775, writable by group or others" "$W/err"
ok $? "writable: ... named with the credential's file and line" ||
	diag "$(cat "$W/err")"
wconf w-nx.conf "$C/vers-ok/v" "$C/bin/reload-noexec"
run_tool "$TOOL" check-config "$C/w-nx.conf"
expect_rc 1 "writable: an on_change program that is not executable: exit 1"
grep -qxF "$C/w-nx.conf:6: credential good: on_change program $C/bin/reload-noexec: not executable" "$W/err"
ok $? "writable: ... says so" || diag "$(cat "$W/err")"
wconf w-open.conf "$C/vers-open" "$C/bin/reload"
run_tool "$TOOL" check-config "$C/w-open.conf"
expect_rc 1 "writable: a versions_dir others may write: exit 1"
grep -qF "$C/w-open.conf:6: credential good: versions directory $C/vers-open: unsafe permissions" "$W/err"
ok $? "writable: ... names the directory" || diag "$(cat "$W/err")"
mkdir -m 700 "$C/vers-sub" "$C/vers-sub/good"; chmod 750 "$C/vers-sub/good"
wconf w-sub.conf "$C/vers-sub" "$C/bin/reload"
run_tool "$TOOL" check-config "$C/w-sub.conf"
expect_rc 1 "writable: the credential's own versions directory is checked too"
grep -qF "versions directory $C/vers-sub/good: " "$W/err"
ok $? "writable: ... and named" || diag "$(cat "$W/err")"
if [ -n "${JQ:-}" ] || command -v jq >/dev/null; then
	run_tool "$TOOL" check-config --json "$C/w-gw.conf"
	r=$(jq -r '.credentials[0].reason + " " + (.ok|tostring)' "$W/out")
	[ "$r" = "unsafe_program false" ]
	ok $? "writable: --json gives reason unsafe_program ($r)"
else
	skip "writable: --json gives reason unsafe_program" "jq not installed"
fi

# Memberships with an end: warnings for those that have ended and those
# that end within 7 days (the clock from faketime), exit 0 all the same.
conf exp.conf "$DEF" "$SD" "host_key = $RT/host.key" "[role mail]" \
	"members = alice, bob until 2027-01-15, %contractors until 2027-01-20T12:00" \
	"[role ops]" "members = carol until 2027-03-01T00:00+01:00, dave until 2027-01-22T23:00-01:00"
JAN16=$(date -u -d 2027-01-16 +%s)
run_tool tool_at "$JAN16" "$TOOL" check-config "$C/exp.conf"
expect_rc 0 "until: expiring memberships are warnings, not errors"
[ "$(sed -n 1p "$W/out")" = "$C/exp.conf: OK" ]
ok $? "until: the policy is still OK"
grep -qx "$C/exp.conf:5: warning: membership of bob in role mail expired on 2027-01-15 00:00 UTC" "$W/err"
ok $? "until: warns about a membership that has expired, with file and line"
grep -qx "$C/exp.conf:5: warning: membership of %contractors in role mail expires on 2027-01-20 12:00 UTC" "$W/err"
ok $? "until: warns about a %group membership ending within 7 days"
grep -qx "$C/exp.conf:7: warning: membership of dave in role ops expires on 2027-01-23 00:00 UTC" "$W/err"
ok $? "until: an offset is converted to UTC"
[ "$(grep -c warning "$W/err")" -eq 3 ]
ok $? "until: nothing about alice (no end) or carol (more than 7 days away)"
run_tool tool_at "$(date -u -d 2026-12-01 +%s)" "$TOOL" check-config "$C/exp.conf"
[ "$TOOL_RC" -eq 0 ] && [ ! -s "$W/err" ]
ok $? "until: no warning while every end is more than 7 days away"
# Approvals no approver roles can give: a warning with file and line
# (roles with a %group are NSS's to answer, not judged).
conf appr.conf "$DEF" "$SD" "host_key = $RT/host.key" \
	"[role dba]" "members = alice, erin" \
	"[role leads]" "members = bob, carol until 2027-01-10, !mallory" \
	"[role ops]" "members = %ops" \
	"[credential two]" "path = $C/sasl_passwd" "roles = dba" "approvals = 2" "approvers = leads" \
	"[credential own]" "path = $C/sasl_passwd" "roles = dba" "approvals = 2" \
	"[credential grp]" "path = $C/sasl_passwd" "roles = dba" "approvals = 3" "approvers = ops"
run_tool tool_at "$JAN16" "$TOOL" check-config "$C/appr.conf"
expect_rc 0 "approvals: a shortage of approvers is a warning, not an error"
grep -qx "$C/appr.conf:14: warning: \[credential two\] needs 2 approvals but at most 1 person other than the requester can give them: no request for it can be approved" "$W/err"
ok $? "approvals: two needed, one lead left (carol's membership ended): warned at 'approvers ='"
grep -qx "$C/appr.conf:15: warning: \[credential own\] needs 2 approvals but at most 1 person other than the requester can give them: no request for it can be approved" "$W/err"
ok $? "approvals: two readers approving each other give one approval, not two: warned at the section"
[ "$(grep -c 'approvals but' "$W/err")" -eq 2 ]
ok $? "approvals: nothing about a role of a %group"
run_tool tool_at "$(date -u -d 2027-01-01 +%s)" "$TOOL" check-config "$C/appr.conf"
! grep -q 'credential two.*approvals but' "$W/err"
ok $? "approvals: no warning about two while carol is still a lead"
conf baddate.conf "$DEF" "$SD" "[role mail]" "members = alice, bob until 31.12.2026"
check_fails "$C/baddate.conf" 4 "invalid date '31.12.2026' in 'members'" \
	"until: a malformed date is an error with file and line"

# The host key (enroll_sandbox created it with credgate-enroll init).
run_tool "$TOOL" check-config "$C/good.conf"
grep -q "^$RT/host.key: OK (host key, id [0-9a-f]\{16\})$" "$W/out"
ok $? "the host key is checked and its id shown"
mkdir -m 755 "$W/keys"
key_fails() {   # key_fails MESSAGE DESCRIPTION: $W/keys/k is refused
	conf k.conf "$DEF" "$SD" "host_key = $W/keys/k"
	run_tool "$TOOL" check-config "$C/k.conf"
	expect_rc 1 "$2: exit 1"
	grep -q "^$W/keys/k: host key $1" "$W/err"
	ok $? "$2: says so"
}
key_fails "missing (credgate-enroll init creates it)" "no host key"
install -m 400 "$RT/host.key" "$W/keys/k"
chmod 440 "$W/keys/k"
key_fails "unsafe permissions" "a key the group may read"
chmod 400 "$W/keys/k"
chown alice "$W/keys/k"
key_fails "wrong owner" "a key not owned by root"
rm -f "$W/keys/k"
head -c 31 /dev/urandom >"$W/keys/k"; chmod 400 "$W/keys/k"
key_fails "unusable: not exactly 32 bytes" "a key of 31 bytes"
rm -f "$W/keys/k"
install -m 400 "$RT/host.key" "$W/keys/k"
chmod 777 "$W/keys"
key_fails "unsafe permissions" "a key in a directory others may write"
chmod 755 "$W/keys"
install -m 400 "$RT/host.key" "$W/keys/k.new"
conf k.conf "$DEF" "$SD" "host_key = $W/keys/k"
run_tool "$TOOL" check-config "$C/k.conf"
expect_rc 0 "an unfinished rekey is no error"
grep -q "^$W/keys/k.new: an unfinished rekey; run credgate-enroll rekey again" "$W/out"
ok $? "but is reported"

run_tool "$TOOL" check-config a b
expect_rc 2 "two files: usage error"

done_testing
