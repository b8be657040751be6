#!/bin/sh
# QR codes drawn by lib/qr.h (through tests/helpers/qr-render) decode, by
# independent tools, to exactly the text: the PNG with zbarimg, the SVG
# rasterised by rsvg-convert, the terminal output painted by
# tests/helpers/term2pbm as a dark or a light terminal would show it.
# Then the rules for output files: mode 0600, no symlink, FIFO or device
# followed, nothing partial left after a write error.
. "$abs_top_srcdir/tests/tap.sh"

RENDER=$abs_top_builddir/tests/helpers/qr-render
TERM2PBM=$abs_top_builddir/tests/helpers/term2pbm
QRENCODE=$(command -v qrencode || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/qr.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
umask 022

# A typical URI (issuer with a space), the longest we make (SHA512, a
# 64-byte secret, 8 digits, 60 s, long names), and short plain text.
T_TYPICAL='otpauth://totp/Example%20Corp:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30'
T_LONG='otpauth://totp/ACME%20Cloud%20Operations:bartholomew.longname@corp.example.org?secret=OOLD2EFLMBHWHAK34KOGEMMVURIJ7VBHOWIHWW3KDFQUQHXPEJUSAPFGO7WG4YI5RN5GRDCE2URKFIAN7UO5FULRN6WWS5RI652BX6Y&issuer=ACME%20Cloud%20Operations&algorithm=SHA512&digits=8&period=60'
T_SHORT='credgate'

# decodes IMAGE TEXT DESC: zbarimg reads exactly TEXT from IMAGE.
decodes() {
	if [ -z "$ZBARIMG" ]; then
		skip "$3" "zbarimg not installed"
		return
	fi
	got=$("$ZBARIMG" -q --raw "$1" 2>"$work/zbar.err")
	if [ "$got" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "expected: $2" "got: $got" "$(cat "$work/zbar.err")"
	fi
}

# mode FILE: its permission bits in octal, e.g. 600.
mode() { stat -c %a "$1"; }

# refused DESC PATTERN CMD...: CMD exits 1 and says PATTERN on stderr.
refused() {
	desc=$1 pattern=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q -- "$pattern" "$work/err"; then
		pass "$desc"
	else
		fail "$desc"
		diag "exit $rc, stderr: $(cat "$work/err")"
	fi
}

# ---- decoding ----------------------------------------------------------

for name in TYPICAL LONG SHORT; do
	eval "text=\$T_$name"
	png=$work/$name.png svg=$work/$name.svg

	"$RENDER" png "$png" "$text"
	ok $? "$name: PNG written"
	decodes "$png" "$text" "$name: PNG decodes to the text"

	"$RENDER" svg "$svg" "$text"
	ok $? "$name: SVG written"
	if [ -z "$RSVG_CONVERT" ]; then
		skip "$name: SVG decodes to the text" "rsvg-convert not installed"
	else
		"$RSVG_CONVERT" -o "$work/svg.png" "$svg"
		decodes "$work/svg.png" "$text" "$name: SVG decodes to the text"
	fi

	for style in utf8 ansiutf8 ansi; do
		"$RENDER" $style "$text" >"$work/$name.$style" ||
			fail "$name: $style drawn"
		for theme in dark light; do
			# Plain half blocks draw light modules in the text colour
			# (as qrencode -t UTF8): a dark terminal is their setting.
			[ $style = utf8 ] && [ $theme = light ] && continue
			if "$TERM2PBM" -t $theme <"$work/$name.$style" \
			    >"$work/term.pbm"; then
				decodes "$work/term.pbm" "$text" \
				    "$name: $style on a $theme terminal decodes"
			else
				fail "$name: $style on a $theme terminal decodes"
				diag "term2pbm could not read the output"
			fi
		done
		# The qrencode command line tool draws the same bytes.
		if [ -z "$QRENCODE" ]; then
			skip "$name: $style same as qrencode -t $style" \
			    "qrencode not installed"
		else
			"$QRENCODE" -l M -m 4 -t $style -o "$work/ref" "$text"
			cmp -s "$work/ref" "$work/$name.$style"
			ok $? "$name: $style same as qrencode -t $style"
		fi
	done

	# Side in modules: the first UTF-8 line is all U+2588 (3 bytes).
	side=$(( ($(head -n 1 "$work/$name.utf8" | wc -c) - 1) / 3 ))
	px=$((side * 8))
	ihdr=$(od -An -tu1 -j12 -N14 "$png" | tr -s ' \n' '  ' | sed 's/^ //;s/ $//')
	expect="73 72 68 82 0 0 $((px / 256)) $((px % 256)) 0 0 $((px / 256)) $((px % 256)) 1 0"
	[ "$ihdr" = "$expect" ]
	ok $? "$name: PNG is ${px}x${px}, 1-bit grayscale (8 px/module, 4 quiet)"
	grep -q "viewBox=\"0 0 $side $side\"" "$svg" &&
	    grep -q 'shape-rendering="crispEdges"' "$svg" &&
	    [ "$(grep -c '<path' "$svg")" -eq 1 ]
	ok $? "$name: SVG viewBox is the ${side}-module side, one crisp path"
done

"$RENDER" png "$work/s3.png" "$T_TYPICAL" 3
decodes "$work/s3.png" "$T_TYPICAL" "PNG at 3 px/module decodes"
refused "PNG scale above the maximum refused" "out of range" \
    "$RENDER" png "$work/s99.png" "$T_TYPICAL" 99
[ ! -e "$work/s99.png" ]
ok $? "no file left by a refused scale"

long_text=$(printf '%3000s' '' | tr ' ' x)
refused "text too long for a QR code refused" "too large" \
    "$RENDER" png "$work/huge.png" "$long_text"
[ ! -e "$work/huge.png" ]
ok $? "no file left by an unencodable text"

refused "terminal write error reported" "I/O error" \
    sh -c '"$1" utf8 "$2" >/dev/full' sh "$RENDER" "$T_TYPICAL"

# ---- output files ------------------------------------------------------

for kind in png svg; do
	f=$work/new.$kind
	(umask 000 && "$RENDER" $kind "$f" "$T_TYPICAL")
	[ "$(mode "$f")" = 600 ]
	ok $? "$kind: new file is 0600 even with umask 000"

	# A longer, world-readable file: tightened and fully replaced.
	f=$work/old.$kind
	head -c 100000 /dev/zero >"$f"
	chmod 644 "$f"
	"$RENDER" $kind "$f" "$T_TYPICAL"
	[ "$(mode "$f")" = 600 ] && cmp -s "$f" "$work/new.$kind"
	ok $? "$kind: existing 0644 file becomes 0600, old contents gone"

	# A symlink, to an existing file and to none: refused, untouched.
	printf 'precious\n' >"$work/target"
	chmod 644 "$work/target"
	ln -s "$work/target" "$work/link.$kind"
	refused "$kind: symlink at the path refused" "symbolic link" \
	    "$RENDER" $kind "$work/link.$kind" "$T_TYPICAL"
	[ "$(cat "$work/target")" = precious ] &&
	    [ "$(mode "$work/target")" = 644 ] && [ -L "$work/link.$kind" ]
	ok $? "$kind: symlink target untouched (contents, mode)"
	ln -s "$work/nowhere.$kind" "$work/dangling.$kind"
	refused "$kind: dangling symlink refused" "symbolic link" \
	    "$RENDER" $kind "$work/dangling.$kind" "$T_TYPICAL"
	[ ! -e "$work/nowhere.$kind" ]
	ok $? "$kind: dangling symlink's target not created"

	# A FIFO, without and with a reader: refused at once, nothing sent.
	mkfifo "$work/fifo.$kind"
	refused "$kind: FIFO without a reader refused, no hang" \
	    "not a regular file" \
	    timeout 20 "$RENDER" $kind "$work/fifo.$kind" "$T_TYPICAL"
	exec 3<>"$work/fifo.$kind"
	refused "$kind: FIFO with a reader refused, no hang" \
	    "not a regular file" \
	    timeout 20 "$RENDER" $kind "$work/fifo.$kind" "$T_TYPICAL"
	printf 'marker\n' >&3
	read -r line <&3
	exec 3>&-
	[ "$line" = marker ]
	ok $? "$kind: nothing was written into the FIFO"
done

mkdir "$work/dir.png"
refused "a directory at the path refused" "not a regular file" \
    "$RENDER" png "$work/dir.png" "$T_TYPICAL"

refused "missing directory reported" "no such file" \
    "$RENDER" png "$work/no/such/dir.png" "$T_TYPICAL"

printf 'precious\n' >"$work/linked"
ln "$work/linked" "$work/hardlink.png"
refused "hard-linked file refused" "more than one hard link" \
    "$RENDER" png "$work/hardlink.png" "$T_TYPICAL"
[ "$(cat "$work/linked")" = precious ]
ok $? "hard-linked file untouched"

if [ "$(id -u)" -eq 0 ]; then
	# A device node of our own (the null device): refused before
	# anything, its mode included, is changed.
	mknod -m 666 "$work/null.png" c 1 3
	refused "device node refused" "not a regular file" \
	    "$RENDER" png "$work/null.png" "$T_TYPICAL"
	[ "$(mode "$work/null.png")" = 666 ]
	ok $? "device node's mode untouched"

	printf 'theirs\n' >"$work/theirs.png"
	chmod 644 "$work/theirs.png"
	chown nobody "$work/theirs.png"
	refused "another user's file refused" "belongs to another user" \
	    "$RENDER" png "$work/theirs.png" "$T_TYPICAL"
	[ "$(cat "$work/theirs.png")" = theirs ] &&
	    [ "$(mode "$work/theirs.png")" = 644 ]
	ok $? "another user's file untouched"
	# Still privileged (effective uid not the real one, as in a set-uid
	# program that forgot to switch): refused before the path is opened.
	# As in a set-uid root program run by nobody (real uid nobody,
	# effective uid root): writing with root's file access is refused;
	# after cg_priv_fs_as_caller() the file is written as nobody's.
	if command -v setpriv >/dev/null; then
		mkdir -m 700 "$work/nobody"
		chown 65534:65534 "$work/nobody"
		chmod 711 "$work"
		suid() { setpriv --ruid=65534 --rgid=65534 --clear-groups -- "$@"; }
		refused "set-uid caller with root's file access refused" \
		    "invalid argument" \
		    suid "$RENDER" png "$work/nobody/a.png" "$T_TYPICAL"
		[ ! -e "$work/nobody/a.png" ]
		ok $? "no file created with root's file access"
		suid "$RENDER" --fs-as-caller png "$work/nobody/a.png" \
		    "$T_TYPICAL" &&
		    [ "$(stat -c '%u %g %a' "$work/nobody/a.png")" = \
		      "65534 65534 600" ]
		ok $? "set-uid caller with the caller's file access writes the caller's 0600 file"
		refused "and cannot write where only root can" \
		    "I/O error" \
		    suid "$RENDER" --fs-as-caller png "$work/root.png" \
		    "$T_TYPICAL"
		chmod 700 "$work"
	else
		for t in "set-uid caller with root's file access refused" \
		    "no file created with root's file access" \
		    "set-uid caller with the caller's file access writes the caller's 0600 file" \
		    "and cannot write where only root can"; do
			skip "$t" "setpriv not installed"
		done
	fi
else
	skip "device node refused" "mknod needs root"
	skip "device node's mode untouched" "mknod needs root"
	skip "another user's file refused" "chown needs root"
	skip "another user's file untouched" "chown needs root"
	for t in "set-uid caller with root's file access refused" \
	    "no file created with root's file access" \
	    "set-uid caller with the caller's file access writes the caller's 0600 file" \
	    "and cannot write where only root can"; do
		skip "$t" "needs root"
	done
fi

# A write that fails half way (file size limit; SIGXFSZ ignored so write
# returns EFBIG): reported, and the file is left empty, not partial.
for kind in png svg; do
	f=$work/limited.$kind
	[ $kind = png ] && scale=32 || scale=
	refused "$kind: write error reported" "I/O error" \
	    sh -c 'ulimit -f 2 && trap "" XFSZ && exec "$@"' sh \
	    "$RENDER" $kind "$f" "$T_LONG" $scale
	[ -f "$f" ] && [ ! -s "$f" ] && [ "$(mode "$f")" = 600 ]
	ok $? "$kind: failed write leaves an empty 0600 file, not a partial one"
done

done_testing
