#!/bin/sh
# "make install" from a default configure puts the module where libpam
# looks: the tree is installed with DESTDIR, and in a private mount
# namespace (tests/tools/rootns.sh) the directory it landed in is overlaid
# on the same path of this system.  A service file naming the module
# without a path then authenticates a user with a real code, which only
# works if that path is one libpam searches.  Root only; skipped for a
# build configured with --with-pamdir.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace)"
[ "$cg_pamdir_auto" = yes ] ||
	skip_all "pamdir set by --with-pamdir: not a default configure"
need_tool oathtool "$OATHTOOL"
need_tool pamtester "$PAMTESTER"
need_faketime
with_private_syslog "$@"
rootns_enter "$@"
plan 8

T=$RT/t
STATE=$RT/state
CONF=$RT/credgate.conf
D=$RT/destdir
mkdir -m 700 "$T" "$STATE"
rootns_add_user alice 42001
printf '[defaults]\nstate_dir = %s\nhost_key = %s\n' "$STATE" "$RT/host.key" >"$CONF"
"$CG_STATE" "$STATE" init || exit 99
printf 'auth required pam_credgate.so config=%s\n' "$CONF" >/etc/pam.d/cg-bare
printf 'account required pam_permit.so\n' >>/etc/pam.d/cg-bare

make -C "$abs_top_builddir" install DESTDIR="$D" >"$T/install.out" 2>&1
ok $? "make install DESTDIR=... from a default configure" || diag "$(tail -n 20 "$T/install.out")"
mod=$(find "$D" -name pam_credgate.so)
[ -n "$mod" ] && [ "$(echo "$mod" | wc -l)" -eq 1 ]
ok $? "exactly one pam_credgate.so installed: ${mod#"$D"}"
[ -z "$(find "$D" -name 'pam_credgate.la')" ]
ok $? "no libtool archive next to it"
sysdir=${mod%/pam_credgate.so}
sysdir=${sysdir#"$D"}
[ -d "$sysdir" ]
ok $? "$sysdir exists on this system" || exit 1

# pam_auth_bare INPUT EPOCH: pamtester on the bare-name service as root.
pam_auth_bare() {
	printf '%s\n' "$1" | AT_PRELOAD="$ASAN_RUNTIME" at_time "$2" \
		"$PAMTESTER" -v cg-bare alice authenticate >"$T/out" 2>&1
}
enroll alice >/dev/null
now=$(date +%s)
if [ -e "$sysdir/pam_credgate.so" ]; then
	skip "without the install, the bare name is unknown" "this host has a pam_credgate.so"
else
	pam_auth_bare "$(code_for alice "$now")" "$now"
	[ $? -ne 0 ] && grep -q -i 'unknown' "$T/out"
	ok $? "without the install, the bare name is unknown" || diag "$(cat "$T/out")"
fi

mount -t overlay overlay -o "lowerdir=$D$sysdir:$sysdir" "$sysdir"
ok $? "the installed directory overlaid on $sysdir"
log_mark
now=$((now + 60))
pam_auth_bare "$(code_for alice "$now")" "$now"
ok $? "a service naming bare pam_credgate.so authenticates with a right code" ||
	diag "$(cat "$T/out")"
audit_ok 'pam_credgate\(cg-bare:auth\): event=auth result=granted .*user=alice' \
	"the installed module audited the login"
umount "$sysdir"
