#!/bin/sh
# The man pages: the sources (what the Debian package ships) are clean
# under mandoc -Tlint at every level, style included (line length,
# trailing blanks, dates); the installed pages, generated with this
# build's paths, are clean at warning level and name this build's
# configuration file, state directory and PAM service directory.
. "$abs_top_srcdir/tests/tap.sh"
need_tool mandoc "$MANDOC"
PAGES="pam_credgate.8 credgate-enroll.8 credgate.1 credgate.conf.5"
plan 12

for p in $PAGES; do
	out=$("$MANDOC" -Tlint -W style "$abs_top_srcdir/man/$p" 2>&1)
	ok $? "mandoc -Tlint -W style: man/$p"
	[ -z "$out" ] || diag "$out"
done
for p in $PAGES; do
	out=$("$MANDOC" -Tlint -W warning "$abs_top_builddir/man/gen/$p" 2>&1)
	ok $? "mandoc -Tlint -W warning: generated man/gen/$p"
	[ -z "$out" ] || diag "$out"
done

gen=$abs_top_builddir/man/gen
grep -q -F "$sysconfdir/credgate/credgate.conf" "$gen/credgate.conf.5" &&
	grep -q -F "$localstatedir/lib/credgate/users" "$gen/credgate.conf.5"
ok $? "credgate.conf(5) names the configured policy and state paths"
grep -q -F "$pamconfdir/credgate" "$gen/credgate.1"
ok $? "credgate(1) names the configured PAM service file"
# A page naming /etc/credgate when the build reads elsewhere would send
# the admin to the wrong file.
# (a path starts after a blank, a quote or a roff font escape)
at='(^|[[:space:]"(]|\\f[BIR])'
stale=
[ "$sysconfdir" = /etc ] || stale=$(grep -E "$at/etc/credgate" "$gen"/*)
[ "$localstatedir" = /var ] || stale="$stale$(grep -E "$at/var/lib/credgate" "$gen"/*)"
[ -z "$stale" ]
ok $? "no generated page names a path this build does not use"
[ -z "$stale" ] || diag "$stale"
head -n 1 "$gen/credgate.1" | grep -q -F "\"credgate $PACKAGE_VERSION\""
ok $? ".TH names this version ($PACKAGE_VERSION)"
