#!/bin/sh
# credgate put, versions and rollback end to end: the real setuid gate in
# the root sandbox of rootns.sh, run by unprivileged users through the
# real libpam and the module (codes from oathtool), with the audit lines
# read back from a private /dev/log.  Covers: owner, group and mode kept
# (and tightened from 0644), a new file as the policy says, a reader, an
# unknown credential, a wrong code, content too big, not one line, empty
# or unchanged, a file changed under the gate, concurrent puts, a full
# disk, on_change success, failure and timeout, versions sealed and
# listed, rollback.  Root only (skipped otherwise).
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

GATE_BUILT=$abs_top_builddir/tools/credgate
[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace, setuid binary)"
need_tool oathtool "$OATHTOOL"
[ -x "$GATE_BUILT" ] || skip_all "credgate not built"
[ -f "$MODULE" ] || skip_all "module not built"
command -v setsid >/dev/null || skip_all "setsid not installed"
with_private_syslog "$@"
rootns_enter "$@"

# --- the sandbox ------------------------------------------------------------
T=$RT/t
STATE=$RT/state
CRED=$RT/cred
VERS=$RT/versions
FULL=$RT/full
CONF=$CG_DEFAULT_CONFIG
KEY=$RT/host.key
mkdir -m 700 "$T" "$STATE"
mkdir -m 755 "$CRED" "$FULL"
rootns_add_user alice 42001 mailers
rootns_add_user bob 42002 mailers
rootns_add_user carol 42003 rotators
rootns_add_group postfix 42100
rootns_install_setuid "$GATE_BUILT" credgate
GATE=$RT/bin/credgate
"$CG_STATE" "$STATE" init >/dev/null || { echo "Bail out! no host key"; exit 99; }
[ -f "$KEY" ] || { echo "Bail out! cg-state init made no $KEY"; exit 99; }

cat >/etc/pam.d/credgate <<EOF
auth     required $MODULE
account  required $MODULE
EOF

# on_change commands: one that records how it ran, one that fails, one
# that hangs (with a child in its process group), one that holds the
# lock for a while.
cat >"$RT/bin/onchange-record" <<EOF
#!/bin/sh
{ echo "uid \$(id -u) \$(id -ru) gid \$(id -g) groups \$(id -G)"; echo "cwd \$(pwd)"
  echo "umask \$(umask)"; echo "args \$*"; env | sort | sed 's/^/env /'
  ls /proc/self/fd | sort -n | tr '\n' ' ' | sed 's/^/fds /'; echo
  cat "\$1" | sed 's/^/content /'; } >$T/onchange.out
EOF
cat >"$RT/bin/onchange-hang" <<EOF
#!/bin/sh
sleep 600 &
echo "\$! \$\$" >$T/hang.pids
wait
EOF
cat >"$RT/bin/onchange-slow" <<'EOF'
#!/bin/sh
sleep 3
EOF
chmod 755 "$RT/bin/onchange-record" "$RT/bin/onchange-hang" "$RT/bin/onchange-slow"
# Commands a user could change: theirs, or root's in a directory of theirs.
mkdir -p "$RT/carols/sub"
printf '#!/bin/sh\ntouch %s/userhook.ran\n' "$T" >"$RT/carols/hook"
cp "$RT/carols/hook" "$RT/carols/sub/hook"
chmod 755 "$RT/carols" "$RT/carols/hook" "$RT/carols/sub/hook"
chown carol "$RT/carols/hook" "$RT/carols/sub"

write_policy() {
	cat >"$CONF" <<EOF
[defaults]
state_dir = $STATE
grace_dir = $RT/grace
host_key = $KEY
versions_dir = $VERS

[role mail]
members = %mailers

[role rot]
members = %rotators

[credential smtp]
path = $CRED/smtp
roles = mail
writers = rot
keep = 3
on_change = $RT/bin/onchange-record $CRED/smtp

[credential fresh]
path = $CRED/fresh
roles = mail
writers = rot
group = postfix
mode = 0600

[credential exposed]
path = $CRED/exposed
roles = mail
writers = rot

[credential pw]
path = $CRED/pw
roles = mail
writers = rot
format = line
max_size = 32

[credential failing]
path = $CRED/failing
roles = mail
writers = rot
on_change = /usr/bin/false

[credential hanging]
path = $CRED/hanging
roles = mail
writers = rot
on_change = $RT/bin/onchange-hang
on_change_timeout = 2

[credential slow]
path = $CRED/slow
roles = mail
writers = rot
on_change = $RT/bin/onchange-slow

[credential readonly]
path = $CRED/readonly
roles = mail

[credential full]
path = $FULL/cred
roles = mail
writers = rot

[credential report]
path = $CRED/report
roles = mail
writers = rot

[credential userhook]
path = $CRED/userhook
roles = mail
writers = rot
on_change = $RT/carols/hook

[credential userdir]
path = $CRED/userdir
roles = mail
writers = rot
on_change = $RT/carols/sub/hook
EOF
	chmod 644 "$CONF"
}
write_policy

umask 077
printf 'relay.example.org carol@example.org:0ld-p4ss\n' >"$CRED/smtp"
chgrp postfix "$CRED/smtp"
chmod 600 "$CRED/smtp"
printf 'old exposed\n' >"$CRED/exposed"
chmod 644 "$CRED/exposed"
for f in pw failing hanging slow readonly report userhook userdir; do printf 'old %s\n' "$f" >"$CRED/$f"; done
umask 022

fresh() {
	rm -f "$STATE/$1"
	enroll "$1" >/dev/null || { echo "Bail out! cannot enroll $1"; exit 99; }
}
now_code() { code_for "$1" "$(date +%s)"; }
# Each put gets a freshly enrolled user, so its code is never a replay;
# enrolled before the pipeline starts, so the gate never meets the state
# half made.

# put USER NAME FILE: the gate as USER in a session without a terminal,
# the code then FILE on stdin.  Output in $T/out, $T/err, status in RC.
put() {
	fresh "$1"
	{ printf '%s\n' "$(now_code "$1")"; cat "$3"; } |
		as_user "$1" setsid -w "$GATE" put "$2" >"$T/out" 2>"$T/err"
	RC=$?
}
# gate USER ARGS...: any other command, a code on stdin.
gate() {
	gu=$1; shift
	fresh "$gu"
	printf '%s\n' "$(now_code "$gu")" |
		as_user "$gu" setsid -w "$GATE" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
content() { printf '%s' "$2" >"$T/$1"; }
rc_is() {
	if [ "$RC" -eq "$1" ]; then pass "$2"; else
		fail "$2"; diag "exit $RC, want $1" "stderr: $(cat "$T/err")"
	fi
}
err_has() { grep -q -- "$1" "$T/err"; ok $? "$2"; }
no_prompt() { ! grep -q 'Verification code' "$T/err"; ok $? "$1"; }
same() { cmp -s "$1" "$2"; ok $? "$3"; }
nversions() { ls "$VERS/$1" 2>/dev/null | grep -c '^[0-9]*$'; }
mode_of() { stat -c '%a %U:%G' "$1"; }
FP='[0-9a-f]\{16\}'
FPE='[0-9a-f]{16}'
ROT='credgate\[[0-9]+\]: event=rotate'

# --- put -----------------------------------------------------------------------
content new1 'relay.example.org carol@example.org:n3w-p4ss
'
log_mark
put carol smtp "$T/new1"
rc_is 0 "put: a writer replaces the credential"
same "$CRED/smtp" "$T/new1" "put: the file holds the new content byte for byte"
[ "$(mode_of "$CRED/smtp")" = "600 root:postfix" ]
ok $? "put: owner, group and mode kept (600 root:postfix): $(mode_of "$CRED/smtp")"
size1=$(wc -c <"$T/new1")
err_has "smtp: replaced (version 2, $size1 bytes, fingerprint " "put: the writer is told"
audit_ok "pam_credgate\\(credgate:account\\): event=access result=granted action=write reason=granted user=carol credential=smtp role=rot" \
	"put: the module's account stage checked the writers"
audit_ok "$ROT result=granted reason=replaced user=carol by_login=- credential=smtp old_fp=$FPE new_fp=$FPE size=$size1 service=credgate tty=- rhost=- version=2\$" \
	"put: the rotate audit line"
old_fp=$(log_since | sed -n 's/.*event=rotate .*old_fp=\([0-9a-f]*\) new_fp=\([0-9a-f]*\).*/\1/p')
new_fp=$(log_since | sed -n 's/.*event=rotate .*old_fp=\([0-9a-f]*\) new_fp=\([0-9a-f]*\).*/\2/p')
[ -n "$old_fp" ] && [ "$old_fp" != "$new_fp" ]; ok $? "put: old and new fingerprints differ"
log_since | grep -q -e '0ld-p4ss' -e 'n3w-p4ss'; [ $? -ne 0 ]; ok $? "put: no content in the log"
audit_ok "credgate\\[[0-9]+\\]: event=on_change result=ok reason=exit_0 user=carol .*credential=smtp .*command=$RT/bin/onchange-record" \
	"on_change: success audited"

# on_change ran as root, cleanly.
grep -q '^uid 0 0 gid 0 groups 0$' "$T/onchange.out"; ok $? "on_change: as root (real and effective), no groups"
grep -q '^cwd /$' "$T/onchange.out" && grep -q '^umask 0022$' "$T/onchange.out"
ok $? "on_change: in /, umask 022"
[ "$(grep '^env ' "$T/onchange.out" | grep -v '^env PWD=\|^env SHLVL=\|^env _=' | tr '\n' ' ')" = \
  "env CREDGATE_CREDENTIAL=smtp env HOME=/ env PATH=/usr/sbin:/usr/bin:/sbin:/bin " ]
ok $? "on_change: a clean environment ($(grep '^env ' "$T/onchange.out" | tr '\n' ' '))"
grep -q "^args $CRED/smtp\$" "$T/onchange.out"; ok $? "on_change: its arguments from the policy"
grep -q '^content relay.example.org carol@example.org:n3w-p4ss$' "$T/onchange.out"
ok $? "on_change: runs after the file was replaced"
grep -q '^fds 0 1 2 3 $' "$T/onchange.out"; ok $? "on_change: no file descriptor of the gate (fds: $(grep '^fds' "$T/onchange.out"))"

# by_login: the login uid of whoever is behind it.
content new2 'relay.example.org carol@example.org:s3cond
'
log_mark
fresh carol
{ printf '%s\n' "$(now_code carol)"; cat "$T/new2"; } |
	sh -c 'echo 42001 >/proc/self/loginuid && exec setpriv --reuid=carol --regid=carol --init-groups setsid -w "$1" put smtp' sh "$GATE" >"$T/out" 2>"$T/err"
RC=$?
if [ $RC -eq 0 ]; then
	audit_ok "$ROT result=granted reason=replaced user=carol by_login=alice credential=smtp" \
		"by_login: the login uid's name (alice logged in, carol put)"
else
	skip "by_login" "cannot set a login uid here"
fi

# --- versions -------------------------------------------------------------------
gate alice versions smtp
rc_is 0 "versions: a reader lists them"
no_prompt "versions: no code asked (no content shown)"
[ "$(grep -c '^[0-9]' "$T/out")" -eq 3 ]; ok $? "versions: found + two puts"
grep -q "^3  .* put  *carol  *$FP  *$(wc -c <"$T/new2")  (current)\$" "$T/out"
ok $? "versions: the newest, by carol, current"
grep -q "^1  .* found  *-  *$old_fp  *45\$" "$T/out"; ok $? "versions: the content found before the first put"
grep -q -e 'p4ss' -e 's3cond' "$T/out"; [ $? -ne 0 ]; ok $? "versions: never any content"
gate bob versions readonly
rc_is 0 "versions: nothing kept yet is not an error"
err_has 'no versions kept yet' "versions: says so"
gate carol versions nosuch
rc_is 1 "versions: an unknown credential is denied"

# Sealed: neither the old nor the new value is anywhere in the directory,
# in clear or hex.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
found=no
for s in 0ld-p4ss n3w-p4ss s3cond; do
	grep -rq -e "$s" -e "$(hex "$s")" "$VERS" && found=$s
done
[ $found = no ]; ok $? "versions: sealed (no value in clear or hex under $VERS: $found)"
[ "$(stat -c '%a %U' "$VERS" "$VERS/smtp" | sort -u)" = "700 root" ]
ok $? "versions: directories root 0700"
[ "$(stat -c '%a %U' "$VERS"/smtp/0* | sort -u)" = "600 root" ]
ok $? "versions: files root 0600"

# --- refused before a prompt -----------------------------------------------------------
content new3 'x
'
log_mark
put alice smtp "$T/new3"
rc_is 1 "reader: put refused (not a writer)"
no_prompt "reader: refused before the code is asked"
err_has 'not a writer' "reader: says so"
same "$CRED/smtp" "$T/new2" "reader: nothing replaced"
audit_ok "$ROT result=denied reason=not_in_role user=alice by_login=- credential=smtp service=credgate .*no role grants writing smtp to alice" \
	"reader: audited as a refused rotation"
put carol readonly "$T/new3"
rc_is 1 "a credential without writers: refused"
err_has 'not a writer' "without writers: says so"
put carol nosuch "$T/new3"
rc_is 1 "unknown credential: refused"
no_prompt "unknown credential: before the prompt"
printf 'x\n' | as_user carol setsid -w "$GATE" put ../etc/shadow >"$T/out" 2>"$T/err"
RC=$?
rc_is 2 "an invalid credential name is a usage error"

# --- authentication -----------------------------------------------------------------------
fresh carol
log_mark
{ printf '%s\n' "$(other_code "$(now_code carol)")"; cat "$T/new3"; } |
	as_user carol setsid -w "$GATE" put smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "a wrong code: refused"
same "$CRED/smtp" "$T/new2" "a wrong code: nothing replaced"
audit_ok 'event=auth result=denied action=write reason=bad_code user=carol credential=smtp' "a wrong code: audited"

# --- bad content ------------------------------------------------------------------------------
n=$(nversions smtp)
head -c 65537 /dev/zero | tr '\0' x >"$T/big"
put carol smtp "$T/big"
rc_is 1 "more than max_size (64 KiB): refused"
err_has 'larger than max_size (65536 bytes): nothing replaced' "too big: says so"
same "$CRED/smtp" "$T/new2" "too big: nothing replaced"
[ "$(nversions smtp)" -eq "$n" ]; ok $? "too big: no version added"
: >"$T/empty"
put carol smtp "$T/empty"
rc_is 1 "empty content: refused"
put carol smtp "$T/new2"
rc_is 1 "the same content again: refused"
err_has 'nothing replaced (a rotation needs a new value)' "unchanged: says why"
content twolines 'a
b
'
put carol pw "$T/twolines"
rc_is 1 "format = line: two lines refused"
err_has 'more than one line (format = line)' "format = line: says so"
printf 'pass\0word\n' >"$T/nul"
put carol pw "$T/nul"
rc_is 1 "format = line: a NUL byte refused"
printf 'pass\r\n' >"$T/cr"
put carol pw "$T/cr"
rc_is 1 "format = line: a carriage return refused"
head -c 33 /dev/zero | tr '\0' y >"$T/long"
put carol pw "$T/long"
rc_is 1 "max_size = 32: 33 bytes refused"
content okline 'n3w-line-p4ss
'
put carol pw "$T/okline"
rc_is 0 "format = line: one line with its newline"
same "$CRED/pw" "$T/okline" "format = line: written"

# --- modes ----------------------------------------------------------------------------------
log_mark
put carol exposed "$T/new3"
rc_is 0 "a world-readable (0644) file is replaced"
[ "$(mode_of "$CRED/exposed")" = "600 root:root" ]; ok $? "... by one others cannot read (600)"
err_has 'note: .*exposed: mode 0644 was open to others; the new file has mode 0600' \
	"... and the writer is told"
audit_ok "$ROT result=granted reason=replaced user=carol .*credential=exposed .*detail=\"mode 0644 was open to others; the new file has mode 0600\"" \
	"... and the audit line says so"
put carol fresh "$T/new3"
rc_is 0 "a new file is created"
[ "$(mode_of "$CRED/fresh")" = "600 root:postfix" ]; ok $? "... with the policy's group and mode"
chmod 640 "$CRED/fresh"
put carol fresh "$T/new1"
rc_is 0 "a group-readable (0640) file is replaced"
[ "$(mode_of "$CRED/fresh")" = "600 root:postfix" ]; ok $? "... by one its group cannot read (the gate would refuse it)"
err_has 'mode 0640 was open to its group; the new file has mode 0600' "... and the writer is told"
audit_ok "$ROT result=granted reason=replaced user=carol .*credential=fresh old_fp=- new_fp=$FPE size=2" \
	"... old_fp=- for a new file"

# --- rollback ----------------------------------------------------------------------------------
log_mark
gate carol rollback smtp
rc_is 0 "rollback: back to the content before"
same "$CRED/smtp" "$T/new1" "rollback: the previous content is back, byte for byte"
err_has 'smtp: rolled back to version 2 (now version 4' "rollback: says which"
audit_ok "$ROT result=granted reason=rollback user=carol .*credential=smtp old_fp=$FPE new_fp=$new_fp size=$size1 .*version=4" \
	"rollback: audited, with the fingerprint of the restored value"
gate carol rollback smtp 1
rc_is 0 "rollback VERSION: the first one"
[ "$(cat "$CRED/smtp")" = 'relay.example.org carol@example.org:0ld-p4ss' ]
ok $? "rollback 1: the content found before any put"
gate alice rollback smtp 2
rc_is 1 "rollback: a reader may not"
no_prompt "rollback: refused before the prompt"
gate carol rollback smtp 99
rc_is 1 "rollback: no such version"
err_has 'no version 99' "rollback: says so"
gate carol versions smtp
grep -q '^5  .* rollback:1  *carol ' "$T/out"; ok $? "versions: shows the rollbacks"
[ "$(nversions smtp)" -eq 4 ]; ok $? "keep = 3: the current content and 3 before it"
# A new host key: the versions move to it, their fingerprints with them.
ENROLL_TOOL=$abs_top_builddir/tools/credgate-enroll
gate carol versions smtp
before=$(grep '(current)' "$T/out" | awk '{print $6}')
"$ENROLL_TOOL" rekey >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "rekey: credgate-enroll rekey moves the versions too"
grep -q '^[0-9]* credential versions re-sealed$' "$T/out"; ok $? "rekey: says how many"
gate carol versions smtp
after=$(grep '(current)' "$T/out" | awk '{print $6}')
[ -n "$after" ] && [ "$after" != "$before" ]
ok $? "rekey: the current version is still found, under a new fingerprint ($before -> $after)"
gate carol rollback smtp 2
rc_is 0 "rekey: a version sealed before it rolls back"
same "$CRED/smtp" "$T/new1" "rekey: with its content"
# A version file edited by hand does not open.
v=$(ls "$VERS/smtp" | grep '^0' | head -1)
sed -i 's/^user .*/user mallory/' "$VERS/smtp/$v"
gate carol rollback smtp "$(echo "$v" | sed 's/^0*//')"
rc_is 5 "rollback: an altered version file is refused"
err_has 'sealed' "... because its seal does not open"

# --- the file changed under the gate --------------------------------------------------------------
mkfifo "$T/fifo"
fresh carol
code=$(now_code carol)
log_mark
as_user carol setsid -w "$GATE" put smtp <"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
exec 7>"$T/fifo"
printf '%s\n' "$code" >&7
# Wait until the gate, past PAM, reads the new content.
i=0
until log_since | grep -q 'action=write reason=granted user=carol credential=smtp' &&
      g=$(pgrep -f "^$GATE put smtp") && grep -q '^0 0x0 ' "/proc/$g/syscall" 2>/dev/null ||
      [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
printf 'edited by root meanwhile\n' >>"$CRED/smtp"
cp "$CRED/smtp" "$T/edited"
cat "$T/new3" >&7
exec 7>&-
wait $pid
RC=$?
rc_is 4 "changed under the gate: refused"
same "$CRED/smtp" "$T/edited" "changed under the gate: the edit is kept, nothing replaced"
err_has 'changed while the put began' "changed under the gate: says so"
audit_ok "$ROT result=denied reason=changed user=carol .*credential=smtp" "changed under the gate: audited"

# --- two puts at once --------------------------------------------------------------------------------
content s1 'slow one
'
content s2 'slow two
'
fresh carol
{ printf '%s\n' "$(now_code carol)"; cat "$T/s1"; } |
	as_user carol setsid -w "$GATE" put slow >"$T/out1" 2>"$T/err1" &
pid=$!
i=0
until [ "$(cat "$CRED/slow")" = 'slow one' ] || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
put carol slow "$T/s2"
rc_is 6 "concurrent put: refused while the other runs (its on_change)"
err_has 'another put or rollback of slow is in progress' "concurrent put: says so"
wait $pid
RC=$?
rc_is 0 "concurrent put: the first one completes"
[ "$(cat "$CRED/slow")" = 'slow one' ]; ok $? "concurrent put: its content stays"

# --- on_change failure and timeout --------------------------------------------------------------------
log_mark
put carol failing "$T/new3"
rc_is 7 "on_change failing: exit 7"
same "$CRED/failing" "$T/new3" "on_change failing: the new content stays"
err_has 'on_change failed (exit status 1): the new content stays in place' "on_change failing: the writer is told"
audit_ok 'event=on_change result=failed reason=exit_1 user=carol .*credential=failing' \
	"on_change failing: audited"
log_mark
start=$(date +%s)
put carol hanging "$T/new3"
took=$(( $(date +%s) - start ))
rc_is 7 "on_change hanging: exit 7"
[ "$took" -lt 15 ]; ok $? "on_change hanging: killed at its timeout (2 s; took $took s)"
audit_ok 'event=on_change result=failed reason=timeout user=carol .*credential=hanging .*killed' \
	"on_change hanging: audited as a timeout"
same "$CRED/hanging" "$T/new3" "on_change hanging: the new content stays"
sleep 0.2
left=
# Gone, or a zombie waiting for init to reap it.
for p in $(cat "$T/hang.pids" 2>/dev/null); do
	[ -d "/proc/$p" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat" 2>/dev/null &&
		left="$left $p"
done
[ -s "$T/hang.pids" ] && [ -z "$left" ]; ok $? "on_change hanging: its whole process group is gone ($left)"

log_mark
put carol userhook "$T/new3"
rc_is 7 "on_change a user owns: the put is done, the command refused"
[ ! -e "$T/userhook.ran" ]; ok $? "on_change a user owns: never run as root"
audit_ok "event=on_change result=failed reason=unsafe_program user=carol .*credential=userhook .*wrong owner" \
	"on_change a user owns: audited"
put carol userdir "$T/new3"
rc_is 7 "on_change in a directory a user owns: refused"
[ ! -e "$T/userhook.ran" ]; ok $? "on_change in a directory a user owns: never run"

# --- a full disk ----------------------------------------------------------------------------------------------
if mount -t tmpfs -o size=64k,mode=0755 cg-full "$FULL"; then
	printf 'the old full\n' >"$FULL/cred"
	chmod 600 "$FULL/cred"
	head -c 60000 /dev/urandom >"$T/bigger"
	dd if=/dev/zero of="$FULL/filler" bs=1k count=1000 2>/dev/null
	n=$(nversions full)
	log_mark
	put carol full "$T/bigger"
	rc_is 4 "full disk: refused"
	err_has 'No space left on device; the old content is intact' "full disk: says so"
	[ "$(cat "$FULL/cred")" = 'the old full' ]; ok $? "full disk: the old content is intact"
	[ -z "$(ls -A "$FULL" | grep -v '^cred$\|^filler$')" ]; ok $? "full disk: no temp file left ($(ls -A "$FULL" | tr '\n' ' '))"
	[ "$(cat "$VERS/full/"0* 2>/dev/null | grep -c '^action put')" -eq 0 ]
	ok $? "full disk: the new content's version is taken back"
	audit_ok "$ROT result=denied reason=write_error user=carol .*credential=full" "full disk: audited"
else
	skip "full disk" "cannot mount a tmpfs"
fi

# --- the rotation report on the lines the gate itself wrote -----------------------------------
# put, alice and bob read, put again, alice reads: the value the second
# put replaced was read by alice and bob once each, and nobody else.
if [ "$CG_SYSLOG_FILE" != none ]; then
	rpt_start=$(wc -l <"$CG_SYSLOG_FILE")
	content r1 'report value one
'
	content r2 'report value two
'
	put carol report "$T/r1"
	gate alice cat report
	gate bob cat report
	gate bob cat report
	gate carol cat report      # not a reader: refused, not a read
	put carol report "$T/r2"
	gate alice cat report
	sleep 0.2
	# The private syslog's lines as rsyslog writes auth.log: no <PRI>,
	# a host name after the time.
	tail -n +"$((rpt_start + 1))" "$CG_SYSLOG_FILE" |
		sed -E 's/^<[0-9]+>(.{15}) /\1 gw /' >"$T/auth.log"
	"$abs_top_builddir/tools/credgate-enroll" log --file "$T/auth.log" \
		--credential report --before-rotation --summary >"$T/out" 2>"$T/err"
	RC=$?
	rc_is 0 "report: the query runs on the gate's own lines"
	[ "$(awk 'NR > 1 {print $2 "=" $3}' "$T/out" | tr '\n' ' ')" = "alice=1 bob=2 " ]
	ok $? "report: exactly the readers of the replaced value (alice once, bob twice): $(awk 'NR > 1 {print $2 "=" $3}' "$T/out" | tr '\n' ' ')"
	! grep -q 'not a line credgate wrote' "$T/err"
	ok $? "report: every line the gate and the module wrote reads back"
	"$abs_top_builddir/tools/credgate-enroll" log --file "$T/auth.log" \
		--credential report --event rotate >"$T/out" 2>"$T/err"
	[ "$(grep -c ' rotate  *granted  *replaced  *carol ' "$T/out")" -eq 2 ]
	ok $? "report: both puts are in the trail"
else
	skip "rotation report" "no private syslog"
fi

done_testing
