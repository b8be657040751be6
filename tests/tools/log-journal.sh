# Part of log.sh (sourced, as root): a real systemd-journald in a private
# mount namespace (its own /run, /var/log and /dev/log), fed through
# /dev/log by logger(1) standing in for the module in sshd, by a line
# forged with logger -t credgate, and through the journal's own socket
# (sd_journal_sendv, fields and all) by credgate-enroll itself (a refused
# query, which it audits) and by the module in pamtester (pam_wrapper; no
# code typed).  The query then reads the journal two ways:
# `journalctl -o json` piped into --file -, and --journal (libsystemd);
# both must give the same events, and the forged line must be flagged by
# the sender the journal recorded (_COMM), which a tag does not change.
# journalctl finds the native entries by their fields.
JOURNALD=/lib/systemd/systemd-journald
if [ ! -x "$JOURNALD" ] || ! command -v journalctl >/dev/null ||
   ! command -v logger >/dev/null || ! command -v jq >/dev/null; then
	for d in "journal: entries" "journal: journalctl -o json" \
		 "journal: --journal" "journal: same events" \
		 "journal: forged line flagged" "journal: tool's own line" \
		 "journal: the module's entry is read" \
		 "journal: journalctl finds them by field"; do
		skip "$d" "systemd-journald, journalctl, logger or jq missing"
	done
	return 0
fi
chmod 755 "$T"
cat >"$T/journal.sh" <<'EOF'
set -u
T=$1 ENROLL=$2 JOURNALD=$3 MODULE=$4 PRELOAD=$5
mount -t tmpfs cg-run /run && mkdir -p /run/systemd/journal /run/log/journal &&
	mount -t tmpfs cg-varlog /var/log || exit 99
d=$T/dev
mkdir "$d" && mount -t tmpfs -o mode=755 cg-dev "$d" || exit 99
for n in null zero random urandom; do
	: >"$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 99
done
ln -s /run/systemd/journal/dev-log "$d/log"
mount --rbind "$d" /dev || exit 99
"$JOURNALD" >/dev/null 2>&1 &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/dev-log ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
logger -t sshd -p authpriv.notice 'pam_credgate(sshd:auth): event=auth result=granted reason=code user=alice service=sshd tty=ssh rhost=10.0.0.7'
# The forger stays alive a moment, so journald can record who it is
# (for a process gone before journald looks, _COMM is missing).
{ echo 'event=access result=granted reason=delivered user=mallory credential=smtp service=credgate tty=- rhost=-'; sleep 1; } |
	logger -t credgate -p authpriv.notice
setpriv --reuid=65534 --regid=65534 --clear-groups "$ENROLL" log >/dev/null 2>&1
# The module, for a user it does not know as enrolled.
mkdir -m 700 "$T/jstate" "$T/jsvc"
printf '[defaults]\nstate_dir = %s\n' "$T/jstate" >"$T/jconf"
echo "auth required $MODULE config=$T/jconf" >"$T/jsvc/cg-journal"
echo "auth required pam_deny.so" >"$T/jsvc/other"
env LD_PRELOAD="$PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/jsvc" \
	pamtester cg-journal root authenticate </dev/null >/dev/null 2>&1
i=0
until [ "$(journalctl -o json --no-pager 2>/dev/null | grep -c 'event=')" -ge 4 ] || [ $i -ge 300 ]; do
	sleep 0.02; i=$((i + 1))
done
journalctl -o json --no-pager >"$T/journal.json" 2>/dev/null
journalctl -o json --no-pager SYSLOG_IDENTIFIER=credgate CREDGATE_EVENT=auth \
	CREDGATE_USER=root >"$T/jfield.auth" 2>/dev/null
journalctl -o json --no-pager SYSLOG_IDENTIFIER=credgate CREDGATE_RESULT=denied \
	CREDGATE_REASON=not_root >"$T/jfield.log" 2>/dev/null
"$ENROLL" log --file - --json <"$T/journal.json" >"$T/j1" 2>"$T/j1.err"
echo $? >"$T/j1.rc"
"$ENROLL" log --journal --json >"$T/j2" 2>"$T/j2.err"
echo $? >"$T/j2.rc"
kill "$jpid"
wait "$jpid" 2>/dev/null
EOF
jpreload=libpam_wrapper.so
[ -n "$ASAN_RUNTIME" ] && jpreload="$ASAN_RUNTIME $jpreload"
unshare -m --propagation private sh "$T/journal.sh" "$T" "$ENROLL" "$JOURNALD" \
	"$abs_top_builddir/pam_module/.libs/pam_credgate.so" "$jpreload" >/dev/null 2>&1
[ "$(grep -c 'event=' "$T/journal.json" 2>/dev/null)" -ge 4 ]
ok $? "journal: four entries written by the real journald"
[ "$(cat "$T/j1.rc" 2>/dev/null)" = 0 ] &&
	jq -e -s 'map(select(.user == "alice" and .service == "sshd" and
			      ._program == "sshd" and .rhost == "10.0.0.7")) | length == 1' "$T/j1" >/dev/null
ok $? "journal: journalctl -o json | log --file -"
[ "$(cat "$T/j2.rc" 2>/dev/null)" = 0 ] && [ -s "$T/j2" ]
ok $? "journal: --journal reads it through libsystemd"
jq -c 'del(._source, ._line)' "$T/j1" >"$T/j1.n" 2>/dev/null
jq -c 'del(._source, ._line)' "$T/j2" >"$T/j2.n" 2>/dev/null
[ -s "$T/j1.n" ] && cmp -s "$T/j1.n" "$T/j2.n"
ok $? "journal: the same events both ways"
grep -q 'sent by process logger, not by credgate' "$T/j1.err" &&
	grep -q 'sent by process logger, not by credgate' "$T/j2.err" &&
	! grep -q mallory "$T/j1" "$T/j2"
ok $? "journal: the line forged with logger -t credgate is flagged, not counted"
jq -e -s 'map(select(.event == "log" and .result == "denied" and
		      .reason == "not_root" and .by == "nobody" and
		      ._program == "credgate")) | length == 1' "$T/j2" >/dev/null
ok $? "journal: credgate-enroll's own audit entry is read"
jq -e -s 'map(select(.event == "auth" and .reason == "no_code" and
		      .user == "root" and .service == "cg-journal" and
		      ._program == "credgate")) | length == 1' "$T/j2" >/dev/null &&
	jq -e -s 'map(select(.event == "auth" and .service == "cg-journal")) |
		  length == 1' "$T/j1" >/dev/null
ok $? "journal: the module's entry is read (--journal and --file -)"
jq -e -s 'length == 1 and (.[0] | .MESSAGE_ID == "d9b264ad9a16423eb403e534d4b0176c"
	and .CREDGATE_SERVICE == "cg-journal" and .CREDGATE_RESULT == "denied"
	and ._TRANSPORT == "journal"
	and (.MESSAGE | startswith("pam_credgate(cg-journal:auth): event=auth ")))' \
	"$T/jfield.auth" >/dev/null &&
	jq -e -s 'length == 1 and (.[0] | .MESSAGE_ID == "3789e62694114d9a88475e7d9a1cd5b7"
		and .CREDGATE_EVENT == "log" and ._TRANSPORT == "journal")' \
	"$T/jfield.log" >/dev/null
r=$?
ok $r "journal: journalctl finds them by field (SYSLOG_IDENTIFIER=credgate CREDGATE_...)"
[ $r -eq 0 ] || diag "$(cat "$T/jfield.auth" "$T/jfield.log")"
