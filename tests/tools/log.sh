#!/bin/sh
# credgate-enroll log, the incident query, on a generated week of auth.log
# (tests/tools/log-sample.sh: a rotated .gz, lines of sshd, sudo, su, the
# gate and the module in each, a forged and an injected line): the table,
# --json (read back by jq), --summary, the filters, --before-rotation,
# hostile dates.  As root also: the default /var/log/auth.log* family in a
# private mount namespace, the refusal for other users, and a real
# systemd-journald in a private namespace read both through
# `journalctl -o json | ... --file -` and through libsystemd (--journal).
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/log-sample.sh"

ENROLL=$abs_top_builddir/tools/credgate-enroll
[ -x "$ENROLL" ] || skip_all "credgate-enroll not built"
command -v gzip >/dev/null || skip_all "gzip not installed"
T=$(mktemp -d "$abs_top_builddir/tests/tools/log.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
mkdir "$T/logs"
log_sample "$T/logs"
L=$T/logs
FILES="--file $L/auth.log.2.gz --file $L/auth.log.1 --file $L/auth.log"
export TZ=UTC

q() {      # q ARGS...: the query as root on the sample; out, err, RC
	# shellcheck disable=SC2086
	"$ENROLL" log $FILES "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
rc_is() { [ "$RC" -eq "$1" ]; ok $? "$2 (exit $RC)"; }
out_is() {  # out_is DESC <<EOF expected
	cat >"$T/want"
	if cmp -s "$T/want" "$T/out"; then
		pass "$1"
	else
		fail "$1"
		diag "$(diff "$T/want" "$T/out")"
	fi
}
err_has() { grep -q -- "$1" "$T/err"; ok $? "$2"; }

# Root's command: anyone else is refused (and audited).
if [ "$(id -u)" -ne 0 ]; then
	"$ENROLL" log --file "$L/auth.log" >"$T/out" 2>"$T/err"
	RC=$?
	rc_is 3 "not root: refused"
	err_has 'only root' "not root: says so"
	skip "the query itself" "needs root (credgate-enroll log is root's)"
	done_testing
	exit
fi
chmod 755 "$T"
setpriv --reuid=65534 --regid=65534 --clear-groups "$ENROLL" log \
	--file "$L/auth.log" >"$T/out" 2>"$T/err"
RC=$?
rc_is 3 "another user: refused"
err_has 'only root' "another user: says so"
[ ! -s "$T/out" ]; ok $? "another user: sees nothing"

# --- the table ---------------------------------------------------------------
q
rc_is 0 "table: the week"
out_is "table: every credgate event, in time order, none of the others" <<'EOF'
TIME                 HOST  EVENT   RESULT   REASON       USER                  CREDENTIAL  SERVICE   FROM         OTHER
2024-04-28 09:00:10  gw    auth    granted  code         alice                 smtp        credgate  pts/0        -
2024-04-28 09:00:10  gw    access  granted  granted      alice                 smtp        credgate  pts/0        role=mail
2024-04-28 09:00:10  gw    access  granted  delivered    alice                 smtp        credgate  pts/0        detail=cat
2024-04-28 12:00:00  gw    rotate  granted  replaced     carol                 smtp        credgate  pts/3        by_login=carol old_fp=1111111111111111 new_fp=2222222222222222 size=40
2024-04-29 08:00:05  gw    auth    granted  code         bob                   -           sudo      /dev/pts/1   -
2024-04-29 09:30:00  gw    access  granted  delivered    bob                   smtp        credgate  pts/1        detail=run
2024-04-30 10:00:00  gw    auth    denied   bad_code     dave                  -           su        pts/4        -
2024-04-30 10:05:00  gw    access  granted  delivered    alice                 smtp        credgate  pts/0        detail=cat
2024-04-30 10:06:00  gw    access  denied   not_in_role  eve                   smtp        credgate  pts/5        -
2024-04-30 11:00:00  gw    access  granted  delivered    alice                 api         credgate  pts/0        detail=cat
2024-05-01 07:00:00  gw    auth    denied   bad_code     bob                   -           sshd      203.0.113.9  -
2024-05-01 07:00:00  gw    auth    denied   bad_code     bob                   -           sshd      203.0.113.9  (x2)
2024-05-01 08:00:00  gw    access  granted  delivered    bob                   smtp        credgate  pts/1        detail=cat
2024-05-01 08:30:00  gw    access  denied   not_in_role  "eve result=granted"  smtp        credgate  -            -
2024-05-01 09:00:00  gw    rotate  granted  replaced     carol                 smtp        credgate  pts/3        by_login=carol old_fp=2222222222222222 new_fp=3333333333333333 size=41
2024-05-01 09:10:00  gw    access  granted  delivered    alice                 smtp        credgate  pts/0        detail=cat
2024-05-01 09:20:00  gw    revoke  ok       -            bob                   -           -         -            by=root by_login=carol
EOF
grep -q mallory "$T/out"; [ $? -ne 0 ]; ok $? "table: the line forged with logger is not counted"
err_has "auth.log.1:6: not a line credgate wrote: event line from program mallory" \
	"the forged line is flagged with file and line"
err_has "auth.log:5: not a line credgate wrote: key 'result' appears twice" \
	"the injected result= is flagged with file and line"
err_has "2 lines that credgate did not write" "the flagged lines are counted"

# --- JSON ----------------------------------------------------------------------
if command -v jq >/dev/null; then
	q --json
	rc_is 0 "json: runs"
	[ "$(jq -s length "$T/out")" = 17 ]; ok $? "json: one object per event (17)"
	[ "$(wc -l <"$T/out")" -eq 17 ]; ok $? "json: one per line"
	jq -e -s '.[14] == {"_time":"2024-05-01T09:00:00Z","_epoch":1714554000,
		"_host":"gw","_program":"credgate","_pid":1090,
		"_source":"'"$L/auth.log"'","_line":6,"event":"rotate",
		"result":"granted","reason":"replaced","user":"carol",
		"by_login":"carol","credential":"smtp",
		"old_fp":"2222222222222222","new_fp":"3333333333333333",
		"size":"41","service":"credgate","tty":"pts/3","rhost":"-"}' \
		"$T/out" >/dev/null
	ok $? "json: a rotation, every field"
	jq -e -s '[.[] | select(._repeat == 2 and .user == "bob")] | length == 1' "$T/out" >/dev/null
	ok $? "json: a repeated line says _repeat"
	jq -e -s '[.[] | select(.user == "eve result=granted")] | length == 1' "$T/out" >/dev/null
	ok $? "json: escaped values come out unescaped"
	jq -e -s '[.[] | select(.user == "mallory")] | length == 0' "$T/out" >/dev/null
	ok $? "json: no forged event"
else
	for d in runs "one object per event" "one per line" "every field" \
		 _repeat unescaped "no forged"; do
		skip "json: $d" "jq not installed"
	done
fi

# --- summary ----------------------------------------------------------------------
q --summary
rc_is 0 "summary: runs"
out_is "summary: reads and refused attempts per credential and user" <<'EOF'
CREDENTIAL  USER                  READS  DENIED  FIRST                LAST
api         alice                     1       0  2024-04-30 11:00:00  2024-04-30 11:00:00
smtp        alice                     3       0  2024-04-28 09:00:10  2024-05-01 09:10:00
smtp        bob                       2       0  2024-04-29 09:30:00  2024-05-01 08:00:00
smtp        eve                       0       1  -                    -
smtp        "eve result=granted"      0       1  -                    -
EOF
q --summary --json --credential api
out_is "summary --json" <<'EOF'
{"credential":"api","user":"alice","reads":1,"denied":0,"first":"2024-04-30T11:00:00Z","last":"2024-04-30T11:00:00Z"}
EOF

# --- filters ------------------------------------------------------------------------
q --event rotate --credential smtp
rc_is 0 "filter: --event --credential"
[ "$(grep -c ' rotate ' "$T/out")" -eq 2 ] && [ "$(wc -l <"$T/out")" -eq 3 ]
ok $? "filter: the two rotations of smtp"
q --result denied --event auth
[ "$(awk 'NR > 1 {print $6 "/" $7}' "$T/out" | tr '\n' ' ')" = "bad_code/dave bad_code/bob bad_code/bob " ]
ok $? "filter: --result denied --event auth: dave once, bob twice (one repeated)"
q --user alice --credential smtp --since '2024-04-29' --until '2024-05-01 09:09:59'
[ "$(awk 'NR > 1 {print $1 "_" $2}' "$T/out")" = "2024-04-30_10:05:00" ]
ok $? "filter: --user --since --until (date -d forms)"
q --since @1714521600 --event revoke --json
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '"by":"root"' "$T/out"
ok $? "filter: --since @EPOCH"
"$ENROLL" log --file "$L/auth.log.2.gz" --event rotate >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "a .gz file alone"
grep -q '^2024-04-28 12:00:00 ' "$T/out"; ok $? "the .gz is read (year from its time: 2024)"
# Standard input has no file time: the year is the latest that does not
# put the line in the future.  (faketime cannot help: the tool clears
# its environment, FAKETIME included, before it reads the clock.)
y=$(date +%Y)
[ "$(date +%m%d)" -lt 0427 ] && y=$((y - 1))
gzip -dc "$L/auth.log.2.gz" | "$ENROLL" log --file - --event rotate |
	sed "s/^$y-/2024-/" >"$T/out2" 2>"$T/err"
cmp -s "$T/out" "$T/out2"; ok $? "standard input, plain (year from the clock: $y)"
gzip -c "$L/auth.log" >"$T/renamed"
"$ENROLL" log --file "$T/renamed" --user carol >"$T/out" 2>"$T/err"
grep -q ' rotate ' "$T/out"; ok $? "gzip recognised by content, not by name"

# --- --before-rotation ----------------------------------------------------------------
q --credential smtp --before-rotation
rc_is 0 "before-rotation: runs"
out_is "before-rotation: exactly the reads since the previous put" <<'EOF'
TIME                 HOST  EVENT   RESULT   REASON     USER   CREDENTIAL  SERVICE   FROM   OTHER
2024-04-29 09:30:00  gw    access  granted  delivered  bob    smtp        credgate  pts/1  detail=run
2024-04-30 10:05:00  gw    access  granted  delivered  alice  smtp        credgate  pts/0  detail=cat
2024-05-01 08:00:00  gw    access  granted  delivered  bob    smtp        credgate  pts/1  detail=cat
EOF
err_has 'replaced at 2024-05-01 09:00:00 by carol (old_fp=2222222222222222 new_fp=3333333333333333)' \
	"before-rotation: names the rotation"
err_has 'put at 2024-04-28 12:00:00 by carol' "before-rotation: and the put before it"
grep -q 'outside credgate' "$T/err"; [ $? -ne 0 ]; ok $? "before-rotation: fingerprints chain: no warning"
q --credential smtp --before-rotation --summary
out_is "before-rotation --summary: the readers" <<'EOF'
CREDENTIAL  USER   READS  DENIED  FIRST                LAST
smtp        alice      1       0  2024-04-30 10:05:00  2024-04-30 10:05:00
smtp        bob        2       0  2024-04-29 09:30:00  2024-05-01 08:00:00
EOF
q --credential smtp --before-rotation --until '2024-05-01 08:59:59'
out_is "before-rotation --until: the earlier rotation, from the start of the log" <<'EOF'
TIME                 HOST  EVENT   RESULT   REASON     USER   CREDENTIAL  SERVICE   FROM   OTHER
2024-04-28 09:00:10  gw    access  granted  delivered  alice  smtp        credgate  pts/0  detail=cat
EOF
err_has 'since before the log starts (2024-04-28 09:00:00)' "before-rotation: says the log's start"
sed 's/old_fp=2222222222222222/old_fp=4444444444444444/' "$L/auth.log" >"$T/gap"
"$ENROLL" log --file "$L/auth.log.2.gz" --file "$T/gap" --credential smtp --before-rotation >"$T/out" 2>"$T/err"
err_has 'changed outside credgate' "before-rotation: a gap in the fingerprints is reported"
q --credential api --before-rotation
rc_is 4 "before-rotation: no rotation of api"
err_has 'no rotation of api' "before-rotation: says so"

# --- bad input ----------------------------------------------------------------------------
for bad in '$(touch '"$T"'/pwned)' '; touch '"$T"'/pwned' '-1' '--help' '--version' \
	   "$(printf 'now\nnow')" "$(printf '%0300d' 0)" 'yesterday-ish' ''; do
	q --since "$bad"
	[ "$RC" -eq 2 ] && grep -q -- '--since: not a date' "$T/err" && [ ! -s "$T/out" ]
	ok $? "hostile --since '$(printf %s "$bad" | head -c 30 | tr '\n' ' ')': a clear usage error"
done
[ ! -e "$T/pwned" ]; ok $? "hostile --since: nothing was run"
q --until 'next blursday'
rc_is 2 "--until: not a date"
for args in "--summary --event auth" "--before-rotation" \
	    "--before-rotation --credential smtp --since yesterday" \
	    "--journal --file x" "--credential ../x" "--event ACCESS" \
	    "--user a:b" "--json --json"; do
	# shellcheck disable=SC2086
	"$ENROLL" log $args >"$T/out" 2>"$T/err"
	RC=$?
	[ "$RC" -eq 2 ] && [ -s "$T/err" ]; ok $? "usage error: $args"
done
"$ENROLL" log --file "$T/nosuch" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "a missing file is an error"
err_has "$T/nosuch: No such file" "naming the file"
mkfifo "$T/fifo"
"$ENROLL" log --file "$T/fifo" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "a FIFO is refused without blocking"
head -c 300 "$L/auth.log.2.gz" >"$T/trunc.gz"
"$ENROLL" log --file "$T/trunc.gz" >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "a truncated .gz is an error"
err_has 'trunc.gz: unexpected end of file' "naming the file and the problem"
{ head -c 70000 /dev/zero | tr '\0' x; echo; cat "$L/auth.log"; } >"$T/long"
"$ENROLL" log --file "$T/long" --event revoke >"$T/out" 2>"$T/err"
RC=$?
err_has 'long:1: longer than 65536 bytes' "an overlong line is skipped, and said"
grep -q ' revoke ' "$T/out"; ok $? "the lines after it are read"

# --- root: the default inputs, other users, the journal ----------------------------------------
if ! unshare -m --propagation private true 2>/dev/null; then
	skip "default /var/log/auth.log*" "no mount namespace"
	done_testing
	exit
fi
cat >"$T/varlog.sh" <<'EOF'
mount -t tmpfs cg-varlog /var/log || exit 99
cp -p "$1"/auth.log* /var/log/ && touch /var/log/syslog /var/log/auth.logx
exec "$2" log --credential smtp --before-rotation --summary
EOF
unshare -m --propagation private sh "$T/varlog.sh" "$L" "$ENROLL" >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "default inputs: /var/log/auth.log* (in a private namespace)"
out_is "default inputs: the rotated family, oldest first" <<'EOF'
CREDENTIAL  USER   READS  DENIED  FIRST                LAST
smtp        alice      1       0  2024-04-30 10:05:00  2024-04-30 10:05:00
smtp        bob        2       0  2024-04-29 09:30:00  2024-05-01 08:00:00
EOF

. "$abs_top_srcdir/tests/tools/log-journal.sh"
done_testing
