#!/bin/sh
# CG_ARRAY_SIZE and cg_wipe_array refuse a pointer at compile time (the
# size would silently be sizeof(pointer)); they accept an array.
. "$abs_top_srcdir/tests/tap.sh"
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || skip_all "no C compiler ($cc)"
plan 4
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
try() {   # try EXPR: does a function using EXPR compile?
	printf '#include "wipe.h"\nvoid f(char *p);\nvoid f(char *p) { char a[8]; (void)p; (void)a; %s; }\n' "$1" >"$d/t.c"
	"$cc" -fsyntax-only -I"$abs_top_srcdir/lib" "$d/t.c" 2>/dev/null
}
expect() {   # expect yes|no EXPR DESC
	if try "$2"; then got=yes; else got=no; fi
	[ "$got" = "$1" ]; ok $? "$3"
}
expect yes 'cg_wipe_array(a)' "cg_wipe_array takes an array"
expect no 'cg_wipe_array(p)' "cg_wipe_array refuses a pointer"
expect yes '(void)CG_ARRAY_SIZE(a)' "CG_ARRAY_SIZE takes an array"
expect no '(void)CG_ARRAY_SIZE(p)' "CG_ARRAY_SIZE refuses a pointer"
