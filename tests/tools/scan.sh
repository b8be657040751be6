#!/bin/sh
# credgate-enroll scan, end to end, as root in a private mount namespace
# with throw-away files (tests/tools/rootns.sh): the SMTP password of a
# gated file copied into the places issue 15 lists.  Asserts the exact set
# of findings (text and JSON), the exit status, that no output or syslog
# line contains the value, that a repository's configuration runs nothing
# and that its history is read with its owner's rights only.  Root only.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

TOOL_BUILT=$abs_top_builddir/tools/credgate-enroll
[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace, files of several users)"
[ -x "$TOOL_BUILT" ] || skip_all "credgate-enroll not built"
command -v git >/dev/null || skip_all "git not installed (it makes the test repositories)"
command -v jq >/dev/null || skip_all "jq not installed"
with_private_syslog "$@"
rootns_enter "$@"

# --- the sandbox ---------------------------------------------------------
P=Tr0ub4dor-3-smtp-Xq9v                  # the gated SMTP password
W=$RT/w                                  # outputs, root only
H=$RT/home
CONF=$RT/conf/credgate.conf
CRED=$RT/etc/postfix/sasl_passwd
mkdir -m 700 "$W"
mkdir -m 755 "$H" "$RT/conf" "$RT/etc" "$RT/etc/postfix" "$RT/srv" "$RT/vault"
rootns_add_user alice 2001
rootns_add_user bob 2002
rootns_add_group deploy 3001
sed -i 's/^\(deploy:x:3001:\)$/\1alice/' /etc/group
printf '[smtp.example.com]:587 relay-user:%s\n' "$P" >"$CRED"
chmod 600 "$CRED"
write_scan_conf() {
	{
		echo "[role mail]"
		echo "members = alice"
		echo "[credential smtp]"
		echo "path = $CRED"
		echo "roles = mail"
		for l in "$@"; do echo "$l"; done
	} >"$CONF"
	chmod 644 "$CONF"
}
write_scan_conf

# as USER FILE MODE: stdin into FILE, owned by USER, mode MODE
put() {
	cat >"$2"
	chown "$1:$1" "$2"
	chmod "$3" "$2"
}
mkdir -m 755 "$H/alice" "$H/alice/app"
mkdir -m 700 "$H/bob"
chown alice:alice "$H/alice" "$H/alice/app"
chown bob:bob "$H/bob"

# 1. a world-readable deploy script under a home directory
printf '#!/bin/sh\n# send the nightly report\nSMTP_PASS=%s ./send-report\n' "$P" |
	put alice "$H/alice/deploy.sh" 755
# 2. a .env readable by a group
printf 'APP_ENV=production\nSMTP_PASSWORD="%s"\n' "$P" | put alice "$H/alice/app/.env" 640
chgrp deploy "$H/alice/app/.env"
# 3. a root-only copy (a copy, though not exposed)
mkdir -m 700 "$RT/srv/backup"
cp "$CRED" "$RT/srv/backup/sasl_passwd.bak"
# 4. a substring of a longer line, in a home only its owner can enter
printf 'notes\ntested with curl --ssl-reqd --user relay-user:%s smtp://smtp.example.com:587 ok\n' "$P" |
	put bob "$H/bob/notes.txt" 644
# 6. base64 of it: not matched (only exact bytes are searched)
printf 'echo %s | base64 -d\n' "$(printf %s "$P" | base64)" | put alice "$H/alice/b64.sh" 644
# 7. a decoy sharing a prefix, and the user name alone: not reported
printf 'Tr0ub4dor-3-smtp-Ab1c\nrelay-user:something-else\nTr0ub4dor\n' |
	put alice "$H/alice/decoy.conf" 644
# 8. a symlink to the credential: not followed
ln -s "$CRED" "$H/alice/pw"
# 9. the credential file itself is under a scanned root ($RT/etc): not reported

# 5. a git repository where it was committed and later removed; its
# configuration names commands a git CLI would run (fsmonitor, pager,
# hooks): none may run.
as_alice_git() {
	as_user alice env HOME="$H/alice" GIT_CONFIG_NOSYSTEM=1 \
		git -c user.name=alice -c user.email=alice@example.com "$@"
}
REPO=$H/alice/site
as_user alice mkdir "$REPO"
as_alice_git -C "$REPO" init -q -b main
printf '[smtp]\npassword = %s\n' "$P" | put alice "$REPO/config.ini" 644
as_alice_git -C "$REPO" add config.ini
as_alice_git -C "$REPO" commit -q -m "mail settings"
LEAK_COMMIT=$(as_alice_git -C "$REPO" rev-parse HEAD)
as_alice_git -C "$REPO" rm -q config.ini
echo 'password from the environment' | put alice "$REPO/README" 644
as_alice_git -C "$REPO" add README
as_alice_git -C "$REPO" commit -q -m "no secrets in the repository"
PWNED=$RT/pwned
for k in core.fsmonitor core.pager core.sshCommand diff.external \
	filter.x.smudge filter.x.clean; do
	as_alice_git -C "$REPO" config "$k" "touch $PWNED.$k"
done
printf '#!/bin/sh\ntouch %s.hook\n' "$PWNED" | put alice "$REPO/.git/hooks/post-checkout" 755

# A repository of alice's whose alternates point at root's private one,
# and a ref naming a commit only root's objects have: read as alice, that
# commit cannot be reached — no finding, a git problem instead.
VAULT=$RT/vault/secret.git
git init -q --bare "$VAULT"
VBLOB=$(printf 'password = %s\n' "$P" | git --git-dir="$VAULT" hash-object -w --stdin)
VTREE=$(printf '100644 blob %s\tsmtp.conf\n' "$VBLOB" | git --git-dir="$VAULT" mktree)
VCOMMIT=$(echo vault | git --git-dir="$VAULT" -c user.name=r -c user.email=r@x commit-tree "$VTREE")
chmod -R go-rwx "$RT/vault"
SNEAKY=$H/alice/sneaky
as_user alice mkdir "$SNEAKY"
as_alice_git -C "$SNEAKY" init -q
echo "$VAULT/objects" | put alice "$SNEAKY/.git/objects/info/alternates" 644
echo "$VCOMMIT" | put alice "$SNEAKY/.git/refs/heads/steal" 644

# --- running it ----------------------------------------------------------
# scan ARGS..: as root; output in $W/out, $W/err, status in $RC.
scan() {
	"$TOOL_BUILT" --config "$CONF" scan "$@" </dev/null >"$W/out" 2>"$W/err"
	RC=$?
}
expect_rc() {
	if [ "$RC" -eq "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "exit $RC, want $1" "stdout: $(cat "$W/out")" "stderr: $(cat "$W/err")"
	fi
}
# same_lines DESC WANT-FILE GOT-FILE: equal as sets of lines
same_lines() {
	sort "$2" >"$2.s"
	sort "$3" >"$3.s"
	if cmp -s "$2.s" "$3.s"; then
		pass "$1"
	else
		fail "$1"
		diag "$(diff "$2.s" "$3.s")"
	fi
}
# grep_ok PATTERN FILE DESC: a line of FILE matches PATTERN (grep -E)
grep_ok() {
	if grep -E -q -- "$1" "$2"; then
		pass "$3"
	else
		fail "$3"
		diag "expected /$1/ in $2:" "$(cat "$2")"
	fi
}
# never_value DESC FILES..: none contains the value or its first 10 bytes
never_value() {
	d=$1; shift
	if cat "$@" | grep -q -F -e "$P" -e "Tr0ub4dor-"; then
		fail "$d"
		diag "$(cat "$@" | grep -F -e "$P" -e "Tr0ub4dor-")"
	else
		pass "$d"
	fi
}

log_mark
scan "$H" "$RT/srv" "$RT/etc"
expect_rc 1 "copies found: exit 1"

cat >"$W/want" <<EOF
credential=smtp path=$H/alice/deploy.sh line=3 owner=alice mode=0755 readable_by=world
credential=smtp path=$H/alice/app/.env line=2 owner=alice mode=0640 readable_by="group deploy"
credential=smtp path=$RT/srv/backup/sasl_passwd.bak line=1 owner=root mode=0600 readable_by="owner root"
credential=smtp path=$H/bob/notes.txt line=2 owner=bob mode=0644 readable_by="owner bob"
credential=smtp path=$REPO/.git commit=$LEAK_COMMIT file=config.ini line=2 owner=alice mode=0755 readable_by=world
EOF
grep '^credential=' "$W/out" >"$W/got"
same_lines "exactly the five copies: world, group, root-only, substring, git history" \
	"$W/want" "$W/got"
grep -q '^summary: .* findings=5 .* credential_files=1$' "$W/out"
ok $? "the credential file itself is skipped, not reported"
grep -q '^summary: .* symlinks=1 ' "$W/out"
ok $? "the symlink to the credential is not followed"
grep -q '^summary: .* git_repositories=2 git_commits=2 ' "$W/out"
ok $? "both repositories met, the two commits of site read"
grep_ok "^credgate-enroll: scan: $SNEAKY/.git: git history: (ref refs/heads/steal|commit $VCOMMIT)" "$W/err" \
	"alternates into root's repository: read as alice, the commit is out of reach"
ls "$RT" | grep -q pwned
[ $? -ne 0 ]
ok $? "no command named by the repository's configuration or hooks ran"
never_value "no output line contains the value" "$W/out" "$W/err"
grep -q 'scanning:' "$W/err"
[ $? -ne 0 ]
ok $? "no progress line when standard error is not a terminal"
if [ "$CG_SYSLOG_FILE" = none ]; then
	skip "one audit line per finding" "no private syslog"
	skip "no syslog line contains the value" "no private syslog"
else
	log_since >"$W/log"
	n=$(grep -c 'event=leak credential=smtp path=[^ ]* readable_by=' "$W/log")
	[ "$n" -eq 5 ]
	ok $? "one audit line per finding (event=leak credential= path= readable_by=)"
	grep -q "event=leak credential=smtp path=$H/alice/app/.env readable_by=\"group deploy\" line=2$" "$W/log"
	ok $? "the audit line of the group-readable .env"
	grep -q 'event=scan result=found by=root by_login=- findings=5 ' "$W/log"
	ok $? "and a closing audit line"
	never_value "no syslog line contains the value" "$W/log"
fi

# --- the same as JSON -----------------------------------------------------------
scan --json "$H" "$RT/srv" "$RT/etc"
expect_rc 1 "--json: exit 1"
jq -e . "$W/out" >/dev/null
ok $? "--json: one valid JSON document"
jq -r '.findings[] | [.credential, .path, (.commit // "-"), (.file // "-"),
	(.line | tostring), .owner, .mode, .readable_by] | join("|")' "$W/out" >"$W/got"
cat >"$W/want" <<EOF
smtp|$H/alice/deploy.sh|-|-|3|alice|0755|world
smtp|$H/alice/app/.env|-|-|2|alice|0640|group deploy
smtp|$RT/srv/backup/sasl_passwd.bak|-|-|1|root|0600|owner root
smtp|$H/bob/notes.txt|-|-|2|bob|0644|owner bob
smtp|$REPO/.git|$LEAK_COMMIT|config.ini|2|alice|0755|world
EOF
same_lines "--json: the same five findings" "$W/want" "$W/got"
jq -e '.status == 1 and .complete == false and .summary.findings == 5 and
	.summary.credential_files == 1 and .summary.git_errors >= 1 and
	.credentials == [{"name":"smtp","path":"'"$CRED"'","searched":true,
	"needles":3,"findings":5,"reason":null}] and
	(.problems | map(select(.path == "'"$SNEAKY/.git"'")) | length) >= 1' \
	"$W/out" >/dev/null
ok $? "--json: status, credentials, summary and problems"
never_value "--json: the value is nowhere in it" "$W/out" "$W/err"

# --- rotation hints --------------------------------------------------------------
scan --rotate-hint "$H/alice/deploy.sh"
expect_rc 1 "a single file as PATH"
grep -q '^  credgate put smtp <NEW-VALUE-FILE$' "$W/out" &&
	grep -q '^  credgate-enroll log --credential smtp$' "$W/out" &&
	grep -q "^note: credgate put is for the credential's writers; after it, add --before-rotation" "$W/out"
ok $? "--rotate-hint: credgate put and the log query, and how they go together"

# --- clean, incomplete, refused -----------------------------------------------------
mkdir -m 755 "$RT/srv/clean"
echo "nothing to see" >"$RT/srv/clean/readme"
scan "$RT/srv/clean"
expect_rc 0 "nothing found: exit 0"
grep -q '^result: nothing found$' "$W/out"
ok $? "and says so"

mkdir -m 755 "$RT/srv/locked"
echo "$P" | put bob "$RT/srv/locked/secret" 000
mkdir -m 000 "$RT/srv/locked/closed"
chown bob:bob "$RT/srv/locked/closed"
setpriv --inh-caps=-dac_override,-dac_read_search \
	--bounding-set=-dac_override,-dac_read_search \
	"$TOOL_BUILT" --config "$CONF" scan "$RT/srv/locked" "$RT/srv/clean" \
	</dev/null >"$W/out" 2>"$W/err"
RC=$?
expect_rc 2 "an unreadable file (root without DAC override): exit 2"
grep -q "^credgate-enroll: scan: $RT/srv/locked/secret: cannot open: Permission denied" "$W/err" &&
	grep -q "^credgate-enroll: scan: $RT/srv/locked/closed: cannot open: Permission denied" "$W/err" &&
	grep -q '^summary: .* files=1 .* unreadable=2 ' "$W/out"
ok $? "an unreadable file and directory are reported and counted, and the scan goes on"

rootns_install_setuid "$TOOL_BUILT" credgate-enroll
as_user alice "$RT/bin/credgate-enroll" scan "$H/alice" </dev/null >"$W/out" 2>"$W/err"
RC=$?
expect_rc 2 "run by a user: refused, exit 2"
grep -q 'only root may scan' "$W/err"
ok $? "and told why"

# --- what the walk leaves alone ------------------------------------------------------
# A loop of bind mounts, another file system, FIFOs and device nodes (a
# FIFO must never block the scan: "timeout" turns a hang into a failure).
mkdir -p "$RT/srv/walk/loop/inner" "$RT/srv/walk/mnt" "$RT/srv/walk/dev"
mount --bind "$RT/srv/walk/loop" "$RT/srv/walk/loop/inner"
mount -t tmpfs -o size=1m walk-tmpfs "$RT/srv/walk/mnt"
echo "export SMTP_PASSWORD=$P" >"$RT/srv/walk/mnt/on-another-fs.sh"
mkfifo "$RT/srv/walk/dev/fifo"
mknod "$RT/srv/walk/dev/zero" c 1 5
ln -s /dev/zero "$RT/srv/walk/dev/zero-link"
timeout 60 "$TOOL_BUILT" --config "$CONF" scan "$RT/srv/walk" </dev/null >"$W/out" 2>"$W/err"
RC=$?
expect_rc 0 "a loop of bind mounts, another file system, a FIFO, a device: exit 0"
grep_ok '^summary: .* symlinks=1 special=2 other_fs=1 .* loops=1 ' "$W/out" \
	"the loop entered once, the other file system, FIFO and device left alone"
timeout 60 "$TOOL_BUILT" --config "$CONF" scan --no-xdev "$RT/srv/walk" </dev/null >"$W/out" 2>"$W/err"
RC=$?
expect_rc 1 "--no-xdev: the copy on the other file system is found"
grep_ok "^credential=smtp path=$RT/srv/walk/mnt/on-another-fs.sh line=1 " "$W/out" \
	"named with its path"
umount "$RT/srv/walk/mnt" "$RT/srv/walk/loop/inner"
# A tree nested deeper than the walk goes (1024 levels): reported, not fatal.
mkdir "$RT/srv/deep"
(cd "$RT/srv/deep" && perl -e 'for (1..1100) { mkdir "d" or die; chdir "d" or die }')
scan "$RT/srv/deep"
expect_rc 2 "a tree deeper than 1024 levels: exit 2"
grep_ok "^credgate-enroll: scan: $RT/srv/deep(/d){1024}: more than 1024 directories deep: not entered" \
	"$W/err" "the level not entered is reported"
rm -rf "$RT/srv/deep"
scan --no-xdev /proc /sys
expect_rc 0 "/proc and /sys are never walked"
grep_ok '^summary: .* files=0 .* excluded=2 ' "$W/out" "and counted as left out"

# --- progress on a terminal ----------------------------------------------------------
# 100 sparse files of 64 MiB: seconds of reading, no space taken.
PTY_RUN=$abs_top_builddir/tests/helpers/pty-run
if [ -x "$PTY_RUN" ]; then
	mkdir "$RT/srv/big"
	i=0
	while [ $i -lt 100 ]; do truncate -s 64M "$RT/srv/big/f$i"; i=$((i + 1)); done
	echo 'expect scanning: ' | "$PTY_RUN" -s -t 120 -- \
		"$TOOL_BUILT" --config "$CONF" scan "$RT/srv/big" >"$W/pty" 2>&1
	RC=$?
	expect_rc 0 "on a terminal: exit 0"
	if grep -a -q 'scanning: [0-9]* files, [0-9.]* MiB, 0 git blobs, 0 findings' "$W/pty" &&
	   grep -a -q 'summary: .* files=100 ' "$W/pty"; then
		pass "a progress line (files and bytes) on a terminal, then the summary"
	else
		fail "a progress line (files and bytes) on a terminal, then the summary"
		diag "$(cat -v "$W/pty" | tail -n 5)"
	fi
	rm -rf "$RT/srv/big"
else
	skip "progress on a terminal" "pty-run not built"
	skip "progress on a terminal" "pty-run not built"
fi

# --- [scan] in the configuration ----------------------------------------------------
write_scan_conf "[scan]" "paths = $RT/srv" "exclude = *.bak, locked"
scan
expect_rc 0 "[scan] paths and exclude: the backup and locked/ left out"
grep -q '^summary: .* excluded=2 ' "$W/out"
ok $? "and counted as excluded"
write_scan_conf "[scan]" "min_length = 3"
scan "$RT/srv/clean"
expect_rc 2 "a bad [scan] value: exit 2"
grep_ok "^credgate-enroll: $CONF:7: value '3' for 'min_length' is out of range" \
	"$W/err" "with file and line"
write_scan_conf "[credential api]" "path = $RT/etc/api.key" "roles = mail"
scan "$RT/srv/clean"
expect_rc 2 "a credential that cannot be read: skipped, exit 2"
grep -q "^credgate-enroll: scan: $RT/etc/api.key: credential api not searched: cannot open it" "$W/err"
ok $? "with the reason"
write_scan_conf

# --- a corrupt git object -------------------------------------------------------------
# root's own bare repository: the leaked value in its first commit, then
# a second commit whose new blob is overwritten with garbage.
CORRUPT=$RT/srv/corrupt.git
cgit() { git --git-dir="$CORRUPT" -c user.name=r -c user.email=r@x "$@"; }
git init -q --bare "$CORRUPT"
b1=$(printf '[smtp]\npassword = %s\n' "$P" | cgit hash-object -w --stdin)
c1=$(echo one | cgit commit-tree "$(printf '100644 blob %s\tconfig.ini\n' "$b1" | cgit mktree)")
b2=$(echo 'nothing here' | cgit hash-object -w --stdin)
c2=$(echo two | cgit commit-tree -p "$c1" "$(printf '100644 blob %s\tREADME\n' "$b2" | cgit mktree)")
cgit update-ref refs/heads/main "$c2"
f="$CORRUPT/objects/$(echo "$b2" | cut -c1-2)/$(echo "$b2" | cut -c3-)"
chmod u+w "$f"
printf 'garbage' >"$f"
scan --no-git "$CORRUPT"
expect_rc 0 "--no-git: no history read"
scan "$CORRUPT"
grep_ok "^credgate-enroll: scan: $CORRUPT: git history: blob $b2 \(README\)" "$W/err" \
	"a corrupt object is reported"
grep_ok "^credential=smtp path=$CORRUPT commit=$c1 file=config.ini line=2 owner=root mode=0755 readable_by=world$" \
	"$W/out" "and the rest of the history is still read"
expect_rc 1 "findings win over problems: exit 1"

done_testing
