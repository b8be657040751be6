#!/bin/sh
# Orphans: enrollments of accounts NSS no longer knows.  list marks them
# (text and JSON), status says so, prune --dry-run names them and changes
# nothing, prune removes them (audited) and nothing else -- and an
# account NSS cannot answer for (an NSS source that fails, the test
# module libnss_cgfail) is never taken for a deleted one.  Root sandbox.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/enroll-lib.sh"
JQ=$(command -v jq) || skip_all "jq not installed"
NSSMOD=$abs_top_builddir/tests/helpers/.libs/nss_cgfail.so
[ -f "$NSSMOD" ] || skip_all "nss_cgfail not built"
with_private_syslog "$@"
rootns_enter "$@"
enroll_sandbox

# The failing NSS source, where glibc looks for NSS modules (the
# directory of libc, made a private overlay here).
libdir=$(dirname "$(ldd /bin/true | awk '/libc\.so/ { print $3 }')")
overlay_dir "$libdir" || skip_all "cannot overlay $libdir"
cp "$NSSMOD" "$libdir/libnss_cgfail.so.2"
nss() { printf 'passwd: %s\ngroup: files\nshadow: files\n' "$1" >/etc/nsswitch.conf; }

T0=1800000000
rootns_add_user ghost 2101
rootns_add_user frank 2102
for u in alice bob ghost frank; do
	enroll_user $u $T0 >/dev/null || { echo "Bail out! cannot enroll $u"; exit 99; }
done
# bob and ghost leave /etc/passwd; NSS says "no such user" for bob and
# fails for ghost.
sed -i '/^bob:/d; /^ghost:/d' /etc/passwd
nss "files cgfail"

# ---- list and status mark them --------------------------------------------------
run_tool "$TOOL" list
expect_rc 0 "list: exit 0"
grep -q -E '^bob .* \(orphan: no such account\)$' "$W/out"
ok $? "list marks bob an orphan"
grep -q -E '^ghost .* \(account lookup failed\)$' "$W/out"
ok $? "list says NSS could not answer for ghost"
grep -q -E '^alice .*root$' "$W/out"
ok $? "list leaves alice's line as it was"
run_tool "$TOOL" list --json
jq_orphans=$("$JQ" -c '[.users[] | {(.user): .orphan}] | add' "$W/out")
[ "$jq_orphans" = '{"alice":false,"bob":true,"frank":false,"ghost":null}' ]
ok $? "list --json: orphan true, false, or null when NSS failed" || diag "$jq_orphans"
run_tool "$TOOL" status bob --json
[ "$("$JQ" -c '[.orphan, .enrolled]' "$W/out")" = '[true,true]' ]
ok $? "status --json: bob is an enrolled orphan"
run_tool "$TOOL" status bob
grep -q '^account:         no such account' "$W/out"
ok $? "status says so in text"

# ---- prune --dry-run: names, changes nothing -----------------------------------
log_mark
run_tool "$TOOL" prune --dry-run
expect_rc 1 "prune --dry-run: exit 1 while an account cannot be looked up"
grep -q '^bob: no such account; would be removed$' "$W/out"
ok $? "prune --dry-run names bob"
grep -q 'ghost: account lookup failed' "$W/err"
ok $? "prune --dry-run says ghost could not be checked"
grep -q -E '^(alice|frank|ghost):' "$W/out"
[ $? -ne 0 ]
ok $? "prune --dry-run names no one else"
has_state bob && has_state ghost
ok $? "prune --dry-run removes nothing"
sleep 0.1
log_since | grep -q 'event=prune'
[ $? -ne 0 ]
ok $? "prune --dry-run logs nothing"

# ---- prune ------------------------------------------------------------------------
log_mark
run_tool "$TOOL" prune
expect_rc 1 "prune: exit 1 while an account cannot be looked up"
! has_state bob
ok $? "prune removes bob's enrollment"
has_state ghost && has_state alice && has_state frank
ok $? "prune keeps ghost (NSS failed), alice and frank"
grep -q '^1 orphaned enrollment removed, 2 kept, some could not be checked or removed\.$' "$W/out"
ok $? "prune counts what it did" || diag "$(cat "$W/out")"
audit_ok 'credgate-enroll\[[0-9]+\]: event=prune result=ok reason=no_such_account user=bob by=root' \
	"prune is audited"

# NSS answers again: ghost is now known to be gone.
nss files
log_mark
run_tool "$TOOL" prune
expect_rc 0 "prune, NSS answering: exit 0"
! has_state ghost && has_state alice && has_state frank
ok $? "prune removes ghost now, and only ghost"
audit_ok 'event=prune result=ok reason=no_such_account user=ghost by=root' \
	"that removal is audited too"
run_tool "$TOOL" prune
expect_rc 0 "prune with no orphan: exit 0"
grep -q '^0 orphaned enrollments removed, 2 kept\.$' "$W/out"
ok $? "prune with no orphan says so"

# A new account given bob's name does not inherit bob's secret.
rootns_add_user bob 2201
run_tool "$TOOL" status bob
expect_rc 4 "a new account named bob is not enrolled"

as_user alice "$TOOL" prune </dev/null >"$W/out" 2>"$W/err"
TOOL_RC=$?
expect_rc 3 "prune is root's: exit 3 for alice"
run_tool "$TOOL" prune extra
expect_rc 2 "prune takes no argument: exit 2"
run_tool "$TOOL" list --dry-run
expect_rc 2 "--dry-run is prune's only"
done_testing
