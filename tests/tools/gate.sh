#!/bin/sh
# credgate, the setuid access gate, end to end: the real binary installed
# setuid root in a private mount namespace (tests/tools/rootns.sh) and run
# by unprivileged users, the PAM module from the build tree in
# /etc/pam.d/credgate, codes from oathtool, every decision's audit line
# read back from a private /dev/log.  Root only (skipped otherwise).
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

GATE_BUILT=$abs_top_builddir/tools/credgate
HELPERS=$abs_top_builddir/tests/tools
[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace, setuid binary)"
need_tool oathtool "$OATHTOOL"
[ -x "$GATE_BUILT" ] || skip_all "credgate not built"
[ -f "$MODULE" ] || skip_all "module not built"
command -v setsid >/dev/null || skip_all "setsid not installed"
with_private_syslog "$@"
rootns_enter "$@"

# --- the sandbox ---------------------------------------------------------
T=$RT/t               # root only: secrets (lib.sh's enroll), outputs
STATE=$RT/state
CRED=$RT/cred
PUB=$RT/pub           # scratch the test users may write
CONF=$CG_DEFAULT_CONFIG
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir -m 700 "$T" "$STATE"
mkdir -m 755 "$CRED" "$RT/lib" "$RT/fakebin"
mkdir -m 1777 "$PUB"
rootns_add_user alice 42001 mailers
rootns_add_user bob 42002
rootns_add_user carol 42003
rootns_install_setuid "$GATE_BUILT" credgate
GATE=$RT/bin/credgate
install -m 755 "$HELPERS/exec-noargv" "$RT/bin/exec-noargv"
install -m 644 "$HELPERS/.libs/preload-marker.so" "$HELPERS/.libs/pam_envdump.so" \
	"$HELPERS/.libs/pam_setuser.so" "$RT/lib/"

cat >/etc/pam.d/credgate <<EOF
auth     optional $RT/lib/pam_envdump.so $T/env.dump
auth     required $MODULE
account  required $MODULE
EOF

write_policy() {
	cat >"$CONF" <<EOF
[defaults]
state_dir = $STATE
grace_dir = $RT/grace
host_key = $RT/host.key

[role mail]
members = %mailers

[role billing]
members = alice

[role ops]
members = carol, alice, !alice

[credential smtp]
path = $CRED/smtp
roles = mail
description = SMTP relay password
grace = 5m

[credential api]
path = $CRED/api
roles = billing, ops
description = Payment provider API key

[credential ops]
path = $CRED/ops
roles = ops

[credential binary]
path = $CRED/binary
roles = mail

[credential max]
path = $CRED/max
roles = mail

[credential linked]
path = $CRED/link
roles = mail

[credential big]
path = $CRED/big
roles = mail

[credential notroot]
path = $CRED/notroot
roles = mail

[credential ownerdir]
path = $RT/srv/alice/key
roles = mail

[credential swapped]
path = $PUB/appconf/key
roles = mail

[credential hardlinked]
path = $CRED/hl
roles = mail

[credential exposed]
path = $CRED/exposed
roles = mail

[credential groupread]
path = $CRED/groupread
roles = mail

[credential missing]
path = $CRED/missing
roles = mail
EOF
	chown root:root "$CONF"
	chmod 644 "$CONF"
}
write_policy
"$CG_STATE" "$STATE" init || exit 99

umask 077
printf 'relay.example.org alice@example.org:S3cr3t p@ss\n' >"$CRED/smtp"
printf 'sk_live_0123456789' >"$CRED/api"
printf 'ops-token\n' >"$CRED/ops"
printf '\000\001\377line\nrest\000\n\033[31m\r' >"$CRED/binary"
head -c 1048576 /dev/urandom >"$CRED/max"
head -c 1048577 /dev/zero >"$CRED/big"
printf 'x\n' >"$CRED/notroot"
chown alice "$CRED/notroot"
ln -s smtp "$CRED/link"
printf 'hl-secret\n' >"$CRED/hl"
ln "$CRED/hl" "$RT/hl-second-name"
printf 'exposed-secret\n' >"$CRED/exposed"
chmod 644 "$CRED/exposed"
printf 'group-secret\n' >"$CRED/groupread"
chgrp mailers "$CRED/groupread"
chmod 640 "$CRED/groupread"
# A directory on the way that a role member owns (issue 10, item 1): the
# key in it is root's, but alice could swap the directory.
mkdir -p -m 755 "$RT/srv/alice"
chown alice "$RT/srv/alice"
printf 'alice-dir-secret\n' >"$RT/srv/alice/key"
umask 022

# Fake commands: if anything privileged searched the caller's PATH, the
# log would say so.
for f in id sh cat ls env true unix_chkpwd logger sendmail; do
	printf '#!/bin/sh\necho "${0##*/} $(/usr/bin/id -u)" >>%s/fakebin.log\necho "fake ${0##*/}"\n' \
		"$PUB" >"$RT/fakebin/$f"
	chmod 755 "$RT/fakebin/$f"
done

# --- helpers ----------------------------------------------------------------
# fresh USER: a new secret, so the next code is never a replay.
fresh() {
	rm -f "$STATE/$1"
	enroll "$1" >/dev/null || { echo "Bail out! cannot enroll $1"; exit 99; }
}
now_code() { code_for "$1" "$(date +%s)"; }

# gate USER INPUT ARGS...: the setuid gate as USER, INPUT on stdin, in a
# new session (no controlling terminal: the code is read from stdin).
# stdout in $T/out, stderr in $T/err, exit status in RC.
gate() {
	gu=$1 gin=$2
	shift 2
	printf '%s\n' "$gin" |
		as_user "$gu" setsid -w "$GATE" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# gate_env USER INPUT VAR=VAL... -- ARGS...: the same with a hostile environment.
gate_env() {
	gu=$1 gin=$2
	shift 2
	printf '%s\n' "$gin" | as_user "$gu" env "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# rc_is WANT DESC
rc_is() {
	if [ "$RC" -eq "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "exit $RC, want $1" "stdout: $(head -c 300 "$T/out")" \
			"stderr: $(cat "$T/err")"
	fi
}
no_audit() {
	[ "$CG_SYSLOG_FILE" = none ] && { skip "$2" "no private syslog"; return; }
	if log_since | grep -E -q -- "$1"; then
		fail "$2"
		diag "unexpected /$1/ in:" "$(log_since)"
	else
		pass "$2"
	fi
}
out_is() {    # out_is FILE DESC: stdout equals FILE byte for byte
	cmp -s "$T/out" "$1"; ok $? "$2"
}
out_empty() { [ ! -s "$T/out" ]; ok $? "$1"; }
err_has() { grep -q -- "$1" "$T/err"; ok $? "$2"; }
GATE_LINE='credgate\[[0-9]+\]: event=access'

# --- cat: granted ---------------------------------------------------------------
fresh alice
log_mark
gate alice "$(now_code alice)" cat smtp
rc_is 0 "cat: right code and a granting role"
out_is "$CRED/smtp" "cat: stdout is the credential"
err_has 'Verification code: ' "cat: the prompt goes to stderr"
audit_ok 'pam_credgate\(credgate:auth\): event=auth result=granted reason=code user=alice credential=smtp service=credgate tty=- rhost=-' \
	"cat: module audits the authentication"
audit_ok 'pam_credgate\(credgate:account\): event=access result=granted reason=granted user=alice credential=smtp role=mail service=credgate' \
	"cat: module audits the role decision"
audit_ok "$GATE_LINE result=granted reason=delivered user=alice credential=smtp service=credgate tty=- rhost=- detail=cat\$" \
	"cat: gate audits the delivery"

fresh alice
gate alice "$(now_code alice)" cat binary
rc_is 0 "cat: a binary credential"
out_is "$CRED/binary" "cat: binary contents byte for byte (NUL, 0xff, ESC, CR)"

fresh alice
gate alice "$(now_code alice)" cat max
rc_is 0 "cat: a credential of exactly 1 MiB"
out_is "$CRED/max" "cat: 1 MiB byte for byte"

# --- cat: denied ---------------------------------------------------------------
fresh alice
wrong=$(other_code "$(now_code alice)")
log_mark
gate alice "$wrong" cat smtp
rc_is 1 "cat: a wrong code is denied (exit 1)"
out_empty "cat: nothing on stdout after a wrong code"
err_has 'authentication failed' "cat: says authentication failed"
audit_ok 'event=auth result=denied reason=bad_code user=alice credential=smtp service=credgate' \
	"cat: bad_code audit line"
no_audit 'reason=delivered' "cat: no delivery after a wrong code"
no_audit "$wrong" "cat: the typed code is not logged"

# No role: denied before any prompt (issue 10, item 7), and no failure
# is counted against bob for a code he was never asked.
fresh bob
log_mark
gate bob "$(now_code bob)" cat smtp
rc_is 1 "cat: no role is denied"
out_empty "cat: nothing on stdout without a role"
err_has 'access denied' "cat: says access denied"
grep -q 'Verification' "$T/err"; [ $? -ne 0 ]; ok $? "cat: no role: denied before any prompt"
no_audit 'event=auth ' "cat: no role: nothing authenticated"
[ "$("$CG_STATE" "$STATE" get bob failures)" = 0 ]
ok $? "cat: no role: no failure counted"
audit_ok 'event=access result=denied reason=not_in_role user=bob credential=smtp service=credgate' \
	"cat: not_in_role audit line"
no_audit 'reason=delivered' "cat: no delivery without a role"

fresh alice
log_mark
gate alice "$(now_code alice)" cat ops
rc_is 1 "cat: an excluded user is denied"
audit_ok 'event=access result=denied reason=excluded user=alice credential=ops role=ops' \
	"cat: excluded audit line"

fresh alice
log_mark
gate alice "$(now_code alice)" cat nosuch
rc_is 1 "cat: an unknown credential is denied"
out_empty "cat: nothing on stdout for an unknown credential"
audit_ok 'event=access result=denied reason=no_such_credential user=alice credential=nosuch service=credgate' \
	"cat: no_such_credential audit line"

log_mark
gate alice "" cat '../../etc/shadow'
rc_is 2 "cat: an invalid credential name is a usage error"
grep -q 'Verification' "$T/err"; [ $? -ne 0 ]; ok $? "cat: refused before any prompt"
no_audit 'shadow' "cat: the invalid name reaches no lookup and no log"

# --- the credential file --------------------------------------------------------
fresh alice
log_mark
gate alice "$(now_code alice)" cat linked
rc_is 4 "cat: a symlink as credential path is refused (exit 4)"
out_empty "cat: nothing on stdout through a symlink"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=linked .*symbolic link" \
	"cat: file_error audit line for the symlink"

fresh alice
log_mark
gate alice "$(now_code alice)" cat big
rc_is 4 "cat: a credential over 1 MiB is refused"
err_has 'larger than 1048576 bytes' "cat: with a clear error"
out_empty "cat: nothing on stdout for a too large file"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=big .*larger than" \
	"cat: file_error audit line for the size"

fresh alice
log_mark
gate alice "$(now_code alice)" cat notroot
rc_is 4 "cat: a credential file not owned by root is refused"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=notroot .*owner" \
	"cat: file_error audit line for the owner"

# --- the credential file, checked before the prompt (issue 10, items 1, 3) ---
# refused NAME RC WHY DESC: alice asks for NAME; refused with exit RC,
# WHY on stderr, no prompt, nothing authenticated, nothing delivered.
refused() {
	fresh alice
	log_mark
	gate alice "$(now_code alice)" cat "$1"
	rc_is "$2" "$4: refused (exit $2)"
	err_has "$3" "$4: says why"
	out_empty "$4: nothing on stdout"
	grep -q 'Verification' "$T/err"; [ $? -ne 0 ]; ok $? "$4: before any prompt"
	no_audit 'event=auth ' "$4: nothing authenticated"
}
refused ownerdir 4 "directory $RT/srv/alice on the way has the wrong owner: uid 42001" \
	"a directory on the way owned by a role member"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=ownerdir path=$RT/srv/alice/key .*wrong owner" \
	"... file_error audit line naming it"

# The swap: alice makes the directory a symlink to /etc.  Followed with
# privilege, it would hand her /etc/shadow.
as_user alice mkdir "$PUB/appconf"
refused swapped 4 "directory $PUB/appconf on the way has the wrong owner" \
	"the swappable directory itself"
as_user alice rmdir "$PUB/appconf"
as_user alice ln -s /etc "$PUB/appconf"
(umask 077; echo ETC-SECRET >/etc/key)     # in the sandbox's /etc overlay
refused swapped 4 "directory $PUB/appconf on the way is a symbolic link" \
	"the directory swapped for a symlink to /etc"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=swapped .*symbolic link" \
	"... file_error audit line"
grep -q ETC-SECRET "$T/out" "$T/err"; [ $? -ne 0 ]; ok $? "... /etc/key never read"
rm -f /etc/key "$PUB/appconf"

refused hardlinked 4 "more than one hard link" "a hard-linked credential"
refused missing 4 "no such file or directory" "a missing credential"

refused exposed 4 "readable by group or others (mode 0644)" "a world-readable credential"
audit_ok "^<84>.*$GATE_LINE result=denied reason=credential_exposed user=alice credential=exposed path=$CRED/exposed readable_by=world " \
	"... credential_exposed, logged as a warning, readable_by=world"
refused groupread 4 "readable by group or others (mode 0640)" "a group-readable credential"
audit_ok "$GATE_LINE result=denied reason=credential_exposed user=alice credential=groupread path=$CRED/groupread readable_by=\"group mailers\"" \
	"... readable_by names the group"

# --- the policy file --------------------------------------------------------------
chmod 664 "$CONF"
log_mark
gate alice "000000" cat smtp
rc_is 3 "policy group-writable: denied (exit 3)"
grep -q 'Verification' "$T/err"; [ $? -ne 0 ]; ok $? "policy group-writable: no prompt"
grep -q "$CONF" "$T/err"; [ $? -ne 0 ]; ok $? "policy group-writable: details only in the log"
out_empty "policy group-writable: nothing on stdout"
audit_ok "$GATE_LINE result=denied reason=config_error user=alice credential=smtp .*unsafe permissions" \
	"policy group-writable: config_error audit line"
gate alice "" list
rc_is 3 "policy group-writable: list is refused too"
chmod 644 "$CONF"
chown alice "$CONF"
log_mark
gate alice "000000" cat smtp
rc_is 3 "policy owned by a user: denied"
audit_ok "$GATE_LINE result=denied reason=config_error user=alice credential=smtp .*owner" \
	"policy owned by a user: config_error audit line"
write_policy

# --- list ----------------------------------------------------------------------
names() { awk '{print $1}' "$T/out" | sort | tr '\n' ' '; }
gate alice "" list
rc_is 0 "list: alice"
[ "$(names)" = "api big binary exposed groupread hardlinked linked max missing notroot ownerdir smtp swapped " ]
ok $? "list: exactly alice's credentials ($(names))"
grep -q '^smtp  *SMTP relay password$' "$T/out"; ok $? "list: with descriptions"
[ ! -s "$T/err" ]; ok $? "list: no prompt, no authentication"
gate bob "" list
rc_is 0 "list: bob"
out_empty "list: nothing for a user without roles"
gate carol "" list
[ "$(names)" = "api ops " ]; ok $? "list: exactly carol's credentials ($(names))"

# --- run ----------------------------------------------------------------------------
fresh alice
log_mark
gate alice "$(now_code alice)" run binary -- sh -c 'exec cat "$CREDGATE_FILE"'
rc_is 0 "run: CREDGATE_FILE"
out_is "$CRED/binary" "run: CREDGATE_FILE holds the credential byte for byte"
audit_ok "$GATE_LINE result=granted reason=delivered user=alice credential=binary service=credgate tty=- rhost=- detail=run\$" \
	"run: gate audits the delivery"

fresh alice
gate alice "$(now_code alice)" run smtp -- sh -c '
	echo "uid $(id -u) $(id -g)"
	grep -E "^(Uid|Gid|CapEff|CapPrm|CapAmb):" /proc/self/status
	echo "file $CREDGATE_FILE -> $(readlink "$CREDGATE_FILE")"
	printf x >>"$CREDGATE_FILE" 2>/dev/null && echo WRITABLE
	exec cat "$CREDGATE_FILE"'
rc_is 0 "run: privileges"
grep -q '^uid 42001 42001$' "$T/out"; ok $? "run: the command runs as the caller"
grep -q "^Uid:	42001	42001	42001	42001$" "$T/out"; ok $? "run: real, effective, saved and fs uid are the caller's"
grep -q "^Gid:	42001	42001	42001	42001$" "$T/out"; ok $? "run: all gids are the caller's"
grep -q '^CapEff:	0000000000000000$' "$T/out" &&
	grep -q '^CapPrm:	0000000000000000$' "$T/out" &&
	grep -q '^CapAmb:	0000000000000000$' "$T/out"
ok $? "run: no capabilities (CapEff, CapPrm, CapAmb 0)"
grep -q '^file /proc/self/fd/[0-9]* -> /memfd:credgate (deleted)$' "$T/out"
ok $? "run: CREDGATE_FILE is a memfd, on no file system"
grep -q WRITABLE "$T/out"; [ $? -ne 0 ]; ok $? "run: the memfd is sealed against writing"
[ "$(tail -n 1 "$T/out")" = "$(cat "$CRED/smtp")" ]; ok $? "run: contents unchanged after the write attempt"

# A caller who shed groups does not get them back from NSS.
fresh alice
printf '%s\n' "$(now_code alice)" |
	setpriv --reuid=alice --regid=alice --clear-groups setsid -w "$GATE" run smtp -- id -G >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "run: caller without supplementary groups"
[ "$(cat "$T/out")" = 42001 ]; ok $? "run: the command gets the caller's groups, not NSS's ($(cat "$T/out"))"

fresh alice
gate alice "$(now_code alice)" run smtp --env SMTP_PASS -- sh -c 'printf %s "$SMTP_PASS"; echo "[${CREDGATE_FILE-unset}]" >&2'
rc_is 0 "run --env"
out_is "$CRED/smtp" "run --env: the variable holds the credential exactly"
err_has '\[unset\]' "run --env: no CREDGATE_FILE then"

fresh alice
log_mark
gate alice "$(now_code alice)" run binary --env BLOB -- true
rc_is 4 "run --env: a credential with a NUL byte is refused"
err_has 'NUL' "run --env: saying why"
audit_ok "$GATE_LINE result=denied reason=file_error user=alice credential=binary .*NUL" \
	"run --env: file_error audit line"

fresh alice
gate alice "$(now_code alice)" run smtp -- sh -c 'exit 7'
rc_is 7 "run: the command's exit status is the gate's"

fresh alice
log_mark
gate_env alice "$(now_code alice)" PATH=/usr/bin:/bin \
	setsid -w "$GATE" run smtp -- no-such-command-here
rc_is 127 "run: command not found is 127"
audit_ok "$GATE_LINE result=denied reason=exec_failed user=alice credential=smtp" \
	"run: exec_failed audit line"

fresh alice
gate alice "$(now_code alice)
the command's own input" run smtp -- cat
rc_is 0 "run: stdin after the code"
[ "$(cat "$T/out")" = "the command's own input" ]
ok $? "run: the gate reads only the code's line; the rest is the command's"

# Nothing on disk: fresh /tmp, /var/tmp and /dev/shm in a child namespace
# (this test's tree is mounted back at its own path), an empty cwd.
cat >"$T/nofile.sh" <<'EOF'
set -u
RT=$1 T=$2 GATE=$3 CODE=$4 CWD=$5 KEEP=$6
# Fresh tmpfs on /tmp, /var/tmp and /dev/shm, but the trees the test
# needs (the sandbox, the build and source trees, which may well live
# under /tmp) are bind-mounted back at their own paths.
mount -t tmpfs cg-hold /mnt || exit 99
i=0
for d in $KEEP; do
	i=$((i + 1)); mkdir "/mnt/$i" && mount --rbind "$d" "/mnt/$i" || exit 99
done
mount -t tmpfs cg-tmp /tmp && mount -t tmpfs cg-vartmp /var/tmp &&
	mount -t tmpfs cg-shm /dev/shm || exit 99
i=0
for d in $KEEP; do
	i=$((i + 1))
	case $d in /tmp/*|/var/tmp/*|/dev/shm/*) ;; *) continue ;; esac
	mkdir -p "$d" && mount --rbind "/mnt/$i" "$d" || exit 99
done
snap() { find /tmp /var/tmp /dev/shm "$CWD" -xdev | sort; }
snap >"$T/before"
cd "$CWD" || exit 99
printf '%s\n' "$CODE" |
	setpriv --reuid=alice --regid=alice --init-groups setsid -w "$GATE" run smtp -- \
	sh -c 'cat "$CREDGATE_FILE" >/dev/null && echo read' >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
snap >"$T/after"
EOF
mkdir -m 777 "$PUB/cwd"
fresh alice
unshare -m --propagation private sh "$T/nofile.sh" "$RT" "$T" "$GATE" "$(now_code alice)" "$PUB/cwd" \
	"$RT $abs_top_builddir $abs_top_srcdir"
RC=$(cat "$T/rc" 2>/dev/null || echo 99)
rc_is 0 "run: in a private /tmp"
[ "$(cat "$T/out")" = read ]; ok $? "run: the command read the credential"
cmp -s "$T/before" "$T/after"; ok $? "run: no file appears in /tmp, /var/tmp, /dev/shm or the cwd"
[ -s "$T/before" ] || diag "empty snapshot"
cmp -s "$T/before" "$T/after" || diag "$(diff "$T/before" "$T/after")"

# --- the caller's environment ---------------------------------------------------
CG_MARKER=$T/control LD_PRELOAD=$RT/lib/preload-marker.so /bin/true
grep -q '^true 0 0$' "$T/control"; ok $? "env: the marker library works when preloaded (control)"

fresh alice
rm -f "$PUB/marker" "$PUB/fakebin.log" "$T/env.dump"
gate_env alice "$(now_code alice)" \
	LD_PRELOAD="$RT/lib/preload-marker.so" LD_LIBRARY_PATH="$RT/lib" \
	CG_MARKER="$PUB/marker" IFS="/ " PATH="$RT/fakebin:$PATH" \
	TERM="$(printf '\033]0;pwned\007')" GCONV_PATH="$RT/lib" \
	NLSPATH="$RT/lib/%N" LOCALDOMAIN=evil.example TMPDIR="$PUB" \
	LANG='../../../tmp/x' PAM_WRAPPER=1 \
	setsid -w "$GATE" cat smtp
rc_is 0 "env: cat works with a hostile environment"
out_is "$CRED/smtp" "env: and delivers the credential"
[ -s "$PUB/marker" ]; ok $? "env: LD_PRELOAD did load into the unprivileged env and setsid"
grep -q '^credgate ' "$PUB/marker"; [ $? -ne 0 ]; ok $? "env: LD_PRELOAD never loads into the gate"
[ ! -e "$PUB/fakebin.log" ]; ok $? "env: the privileged part runs nothing from the caller's PATH"
grep -q '^uid=42001 euid=0$' "$T/env.dump"; ok $? "env: the PAM stack runs with euid 0 for uid 42001"
[ "$(grep -c '^env ' "$T/env.dump")" -eq 1 ] && grep -q "^env PATH=$SAFE_PATH\$" "$T/env.dump"
ok $? "env: the PAM stack sees only PATH=$SAFE_PATH"
grep '^env ' "$T/env.dump" | grep -Eq 'LD_|IFS|TERM|GCONV|NLSPATH|LOCALDOMAIN|TMPDIR|LANG|CG_MARKER|PAM_WRAPPER'
[ $? -ne 0 ]; ok $? "env: no loader, locale, terminal or wrapper variable reaches it"

fresh alice
rm -f "$PUB/marker"
gate_env alice "$(now_code alice)" TERM=xterm-256color LANG=C.UTF-8 \
	setsid -w "$GATE" cat smtp
grep -q '^env TERM=xterm-256color$' "$T/env.dump" && grep -q '^env LANG=C.UTF-8$' "$T/env.dump"
ok $? "env: plain TERM and LANG are kept"

fresh alice
rm -f "$PUB/marker"
gate_env alice "$(now_code alice)" \
	LD_PRELOAD="$RT/lib/preload-marker.so" CG_MARKER="$PUB/marker" \
	CALLER_VAR=kept IFS=: setsid -w "$GATE" run smtp -- printenv
rc_is 0 "env: run with LD_PRELOAD set"
grep -q '^printenv ' "$PUB/marker"; [ $? -ne 0 ]; ok $? "env: LD_PRELOAD does not reach the command either"
grep -q '^LD_' "$T/out"; [ $? -ne 0 ]; ok $? "env: no LD_* variable in the command's environment"
grep -q '^CALLER_VAR=kept$' "$T/out" && grep -q '^IFS=:$' "$T/out" &&
	grep -q '^CREDGATE_FILE=/proc/self/fd/' "$T/out"
ok $? "env: the command gets the caller's other variables and CREDGATE_FILE"

fresh alice
rm -f "$PUB/fakebin.log"
gate_env alice "$(now_code alice)" PATH="$RT/fakebin:/usr/bin:/bin" \
	setsid -w "$GATE" run smtp -- id
rc_is 0 "env: run searches the caller's PATH"
[ "$(cat "$T/out")" = "fake id" ] && [ "$(cat "$PUB/fakebin.log")" = "id 42001" ]
ok $? "env: and runs what it finds as the caller, after the drop"

# --- on a terminal -------------------------------------------------------------
# expect gives the gate a controlling terminal: the code is read from it
# with echo off, and the tty is named in the audit line.
if command -v expect >/dev/null; then
	fresh alice
	code=$(now_code alice)
	log_mark
	GATE=$GATE CODE=$code expect -c '
		set timeout 20
		log_user 0
		spawn -noecho setpriv --reuid=alice --regid=alice --init-groups $env(GATE) cat smtp
		expect {
			"Verification code: " {}
			timeout { exit 98 }
			eof { exit 99 }
		}
		send "$env(CODE)\r"
		expect eof
		puts -nonewline $expect_out(buffer)
		lassign [wait] pid spawnid os_error value
		exit $value
	' >"$T/out" 2>"$T/err"
	RC=$?
	rc_is 0 "terminal: cat with the code typed on the terminal"
	grep -q 'S3cr3t p@ss' "$T/out"; ok $? "terminal: the credential is shown"
	grep -q "$code" "$T/out"; [ $? -ne 0 ]; ok $? "terminal: the code is not echoed"
	audit_ok "$GATE_LINE result=granted reason=delivered user=alice credential=smtp service=credgate tty=pts/[0-9]+ rhost=- detail=cat" \
		"terminal: the audit line names the tty"
else
	for d in "cat on a terminal" "credential shown" "code not echoed" "tty audited"; do
		skip "terminal: $d" "expect not installed"
	done
fi

# --- grace: per login session ----------------------------------------------------------
# smtp has grace = 5m.  alice reads it twice in one login session on a
# pty (the second time without a code), then once in a new session.
# (pty-run opens the pty as root, then the session becomes alice's.)
PTY_RUN=$abs_top_builddir/tests/helpers/pty-run
ALICE="setpriv --reuid=alice --regid=alice --init-groups"
if "$PTY_RUN" true 2>/dev/null; then
	rm -rf "$RT/grace"
	fresh alice
	log_mark
	printf 'expect Verification code: \nsend %s\nexpect S3cr3t p@ss\nexpect S3cr3t p@ss\nexpect end\n' \
		"$(now_code alice)" |
		"$PTY_RUN" -s -- $ALICE sh -c "$GATE cat smtp; $GATE cat smtp; echo end" \
		>"$T/out" 2>"$T/err"
	RC=$?
	rc_is 0 "grace: two reads in one login session"
	[ "$(grep -c 'Verification code' "$T/out")" -eq 1 ]
	ok $? "grace: only the first one asks for a code"
	audit_ok 'pam_credgate\(credgate:auth\): event=auth result=granted reason=grace user=alice credential=smtp service=credgate tty=pts/[0-9]+' \
		"grace: audited with the session's tty"
	printf 'expect Verification code: \nsend 000000\n' |
		"$PTY_RUN" -s -- $ALICE "$GATE" cat smtp >"$T/out" 2>"$T/err"
	RC=$?
	rc_is 1 "grace: a new login session is asked for a code (and denied a wrong one)"
	[ "$(stat -c '%a %U' "$RT/grace" "$RT/grace/alice" | tr '\n' ' ')" = "700 root 600 root " ]
	ok $? "grace: records are root's, in a root-only directory"
	# The code prompt: echo off, and back on when a signal ends the gate.
	fresh alice
	printf 'expect Verification code: \necho\nkill 15\nwait\necho\n' |
		"$PTY_RUN" -s -- $ALICE "$GATE" cat smtp >"$T/out" 2>"$T/err"
	RC=$?
	[ "$(grep '^echo' "$T/err" | tr '\n' ' ')" = "echo off echo on " ]
	ok $? "terminal: echo off at the prompt, restored when SIGTERM ends the gate"
	[ "$RC" -eq 143 ]; ok $? "terminal: ... and SIGTERM did end it ($RC)"
else
	skip "grace in a login session" "no pty"
fi

# --- the identity is pinned (issue 10, item 4) ------------------------------------
# A stacked module switches PAM_USER to bob for our auth stage (which then
# checks bob's code) and back to alice before the account stage.
cp /etc/pam.d/credgate "$T/pam.saved"
cat >/etc/pam.d/credgate <<EOF
auth     required $RT/lib/pam_setuser.so bob
auth     required $MODULE
auth     required $RT/lib/pam_setuser.so alice
account  required $MODULE
EOF
fresh alice
fresh bob
log_mark
gate alice "$(now_code bob)" cat smtp
rc_is 1 "pinned: bob's code, PAM_USER set back to alice: denied"
out_empty "pinned: nothing delivered"
audit_ok 'event=auth result=granted reason=code user=bob credential=smtp' \
	"pinned: the module did check bob's code (control)"
audit_ok 'pam_credgate\(credgate:account\): event=access result=denied reason=user_changed user=alice credential=smtp' \
	"pinned: the account stage sees the change (user_changed)"
no_audit 'reason=delivered' "pinned: no delivery"
cat >/etc/pam.d/credgate <<EOF
auth     required $RT/lib/pam_setuser.so bob
auth     required $MODULE
account  required $MODULE
EOF
fresh bob
log_mark
gate alice "$(now_code bob)" cat smtp
rc_is 1 "pinned: PAM_USER left as bob after auth: denied"
audit_ok "$GATE_LINE result=denied reason=user_changed user=alice credential=smtp .*after auth" \
	"pinned: the gate stops right after the auth stage"
no_audit 'credgate:account' "pinned: the account stage never runs for bob"
cp "$T/pam.saved" /etc/pam.d/credgate

# --- hardening ---------------------------------------------------------------------
# Linux >= 5.18 turns an empty argv into { "" }; older kernels pass argc 0.
# Either way the gate refuses before doing anything.
log_mark
as_user alice "$RT/bin/exec-noargv" "$GATE" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "argc == 0 is refused"
err_has 'empty argument list' "argc == 0: says so"
no_audit 'credgate\[' "argc == 0: stops before anything is logged"

cat >"$PUB/evil.conf" <<EOF
[defaults]
state_dir = $PUB
[role all]
members = alice
[credential shadow]
path = /etc/shadow
roles = all
EOF
chown alice "$PUB/evil.conf"
gate alice "" --config "$PUB/evil.conf" list
rc_is 2 "--config is refused for a non-root caller"
err_has 'only honoured for root' "--config: says so"
out_empty "--config: nothing listed"
gate alice "" --config="$CONF" cat smtp
rc_is 2 "--config=FILE is refused too, even naming the real policy"
gate alice "" check alice smtp
rc_is 2 "check is refused for a non-root caller"
gate alice "" --help
rc_is 0 "--help"
grep -q '^usage: credgate' "$T/out"; ok $? "--help prints the usage on stdout"
gate alice "" --version
grep -q '^credgate [0-9]' "$T/out"; ok $? "--version"
gate alice "" frobnicate
rc_is 2 "an unknown command is a usage error"
err_has "unknown command 'frobnicate'" "... naming it"
gate alice "" --frob=x list
err_has "unknown option '--frob'" "an unknown option is named (without its value)"

# --- check (root) ---------------------------------------------------------------------
"$GATE" check alice smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "check: granted for alice"
grep -q '^decision: granted (granted)$' "$T/out" && grep -q 'mail' "$T/out"
ok $? "check: names the granting role"
grep -q '^enrollment: enrolled$' "$T/out"; ok $? "check: shows the enrollment"
grep -q '^file: OK$' "$T/out"; ok $? "check: the credential file is fine"
"$GATE" check alice exposed >"$T/out" 2>"$T/err"
RC=$?
rc_is 4 "check: granted, but the file would be refused: exit 4"
grep -q '^file: refused (credential_exposed, readable by world): readable by group or others (mode 0644)' "$T/out"
ok $? "check: says the file is exposed"
"$GATE" check alice ownerdir >"$T/out" 2>"$T/err"
RC=$?
grep -q "^file: refused (file_error): directory $RT/srv/alice on the way has the wrong owner" "$T/out"
ok $? "check: names the directory on the way"
"$GATE" check bob smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "check: denied for bob"
grep -q '^decision: denied (not_in_role)$' "$T/out"; ok $? "check: says not_in_role"
"$GATE" check alice ops >"$T/out" 2>"$T/err"
RC=$?
grep -q '^decision: denied (excluded)$' "$T/out"; ok $? "check: says excluded"
"$GATE" check alice nosuch >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "check: unknown credential"
grep -q '^decision: denied (no_such_credential)$' "$T/out"; ok $? "check: says no_such_credential"
sed 's/members = %mailers/members = bob/' "$CONF" >"$T/alt.conf"
chmod 644 "$T/alt.conf"
"$GATE" --config "$T/alt.conf" check bob smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "check: root's --config is honoured"

done_testing
