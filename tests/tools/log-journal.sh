# Part of log.sh (sourced, as root): a real systemd-journald in a private
# mount namespace (its own /run, /var/log and /dev/log), fed through
# /dev/log by logger(1) standing in for the module in sshd, by a line
# forged with logger -t credgate, and by credgate-enroll itself (a refused
# query, which it audits).  The query then reads the journal two ways:
# `journalctl -o json` piped into --file -, and --journal (libsystemd);
# both must give the same events, and the forged line must be flagged by
# the sender the journal recorded (_COMM), which a tag does not change.
JOURNALD=/lib/systemd/systemd-journald
if [ ! -x "$JOURNALD" ] || ! command -v journalctl >/dev/null ||
   ! command -v logger >/dev/null || ! command -v jq >/dev/null; then
	for d in "journal: entries" "journal: journalctl -o json" \
		 "journal: --journal" "journal: same events" \
		 "journal: forged line flagged" "journal: tool's own line"; do
		skip "$d" "systemd-journald, journalctl, logger or jq missing"
	done
	return 0
fi
chmod 755 "$T"
cat >"$T/journal.sh" <<'EOF'
set -u
T=$1 ENROLL=$2 JOURNALD=$3
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
i=0
until [ "$(journalctl -o json --no-pager 2>/dev/null | grep -c 'event=')" -ge 3 ] || [ $i -ge 300 ]; do
	sleep 0.02; i=$((i + 1))
done
journalctl -o json --no-pager >"$T/journal.json" 2>/dev/null
"$ENROLL" log --file - --json <"$T/journal.json" >"$T/j1" 2>"$T/j1.err"
echo $? >"$T/j1.rc"
"$ENROLL" log --journal --json >"$T/j2" 2>"$T/j2.err"
echo $? >"$T/j2.rc"
kill "$jpid"
wait "$jpid" 2>/dev/null
EOF
unshare -m --propagation private sh "$T/journal.sh" "$T" "$ENROLL" "$JOURNALD" >/dev/null 2>&1
[ "$(grep -c 'event=' "$T/journal.json" 2>/dev/null)" -ge 3 ]
ok $? "journal: three entries written by the real journald"
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
		      ._program == "credgate-enroll")) | length == 1' "$T/j2" >/dev/null
ok $? "journal: credgate-enroll's own audit line is read"
