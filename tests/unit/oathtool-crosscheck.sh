#!/bin/sh
# Cross-check our TOTP codes against oathtool, an independent implementation:
# a few fixed edge cases plus CG_CROSSCHECK_CASES (default 1000) random ones,
# each with a random secret of 10..64 bytes from /dev/urandom, a random time
# in 0..4e9, algorithm sha1/sha256/sha512, 6 or 8 digits, period 30 or 60.
# One TAP line per case; a failing line carries everything needed to rerun
# that case by hand (the secrets are throw-away random test keys):
#   oathtool --totp=ALG -d DIGITS -s PERIODs -N @EPOCH HEXSECRET
#   tests/helpers/totp-print HEXSECRET ALG DIGITS PERIOD EPOCH
. "$abs_top_srcdir/tests/tap.sh"
need_tool oathtool "$OATHTOOL"

TOTP_PRINT="$abs_top_builddir/tests/helpers/totp-print"
[ -x "$TOTP_PRINT" ] || { echo "Bail out! $TOTP_PRINT not built"; exit 1; }
ncases=${CG_CROSSCHECK_CASES:-1000}

work=$(mktemp -d) || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$work"' EXIT

# Fixed cases first: epoch 0, step boundaries, the end of the range, the
# shortest and longest secrets.
cat >"$work/cases" <<'EOF'
3132333435363738393031323334353637383930 sha1 8 30 59
3132333435363738393031323334353637383930 sha1 6 30 0
3132333435363738393031323334353637383930 sha1 6 30 29
3132333435363738393031323334353637383930 sha1 6 30 30
3132333435363738393031323334353637383930 sha256 8 60 4000000000
00000000000000000000 sha1 6 30 1700000000
ffffffffffffffffffff sha512 8 60 1700000000
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f sha512 6 30 3999999999
EOF

# Random cases.  Each needs at most 1 + 64 + 4 + 3 random bytes.
od -An -v -tu1 -N $((ncases * 72)) /dev/urandom | tr -s ' \n' '\n\n' |
awk -v n="$ncases" '
function byte(   b) {
	while ((getline b) > 0)
		if (b != "")
			return b + 0
	print "short read from /dev/urandom" > "/dev/stderr"
	exit 1
}
BEGIN {
	split("sha1 sha256 sha512", algs, " ")
	for (c = 0; c < n; c++) {
		len = 10 + byte() % 55
		hex = ""
		for (i = 0; i < len; i++)
			hex = hex sprintf("%02x", byte())
		t = ((byte() * 256 + byte()) * 256 + byte()) * 256 + byte()
		t = t % 4000000001
		alg = algs[1 + byte() % 3]
		d = (byte() % 2) ? 8 : 6
		p = (byte() % 2) ? 60 : 30
		printf "%s %s %d %d %.0f\n", hex, alg, d, p, t
	}
}' >>"$work/cases" || { echo "Bail out! generating cases failed"; exit 1; }

# Our codes for all cases in one run; an ERROR line fails just that case.
"$TOTP_PRINT" <"$work/cases" >"$work/ours" 2>"$work/ours.err"
[ "$(wc -l <"$work/ours")" -eq "$(wc -l <"$work/cases")" ] ||
	{ echo "Bail out! totp-print output does not match the cases"; exit 1; }

# oathtool's codes: one run per case (it takes one key at a time), started
# by xargs rather than a shell loop, which costs half the forks.
awk '{ printf "--totp=%s -d %s -s %ss -N @%s %s\n", $2, $3, $4, $5, $1 }' \
	"$work/cases" >"$work/args"
xargs -L 1 "$OATHTOOL" <"$work/args" >"$work/theirs" 2>"$work/theirs.err" ||
	{ echo "Bail out! oathtool failed: $(head -n 3 "$work/theirs.err")"; exit 1; }
[ "$(wc -l <"$work/theirs")" -eq "$(wc -l <"$work/cases")" ] ||
	{ echo "Bail out! oathtool output does not match the cases"; exit 1; }

plan "$(wc -l <"$work/cases")"
paste -d ' ' "$work/cases" "$work/ours" "$work/theirs" >"$work/joined"
while read -r hex alg digits period epoch ours theirs; do
	desc="$alg digits=$digits period=$period epoch=$epoch keylen=$((${#hex} / 2))"
	if [ "$ours" = "$theirs" ]; then
		pass "$desc"
	else
		fail "$desc: ours=$ours oathtool=$theirs"
		diag "secret=$hex"
	fi
done <"$work/joined"
if [ -s "$work/ours.err" ]; then
	diag "totp-print reported:" "$(cat "$work/ours.err")"
fi
done_testing
