# The JSON documents of the tools against their man pages, for tests
# that source it after tests/tap.sh with $JQ set: the examples marked
# "json-example: NAME" in credgate(1) and credgate-enroll(8) are the
# schema -- no member that is not there, none of theirs missing, no
# member of another type.

# example NAME: the documented example NAME, as JSON.
example() {
	cat "$abs_top_srcdir/man/credgate.1" "$abs_top_srcdir/man/credgate-enroll.8" |
		awk -v m=".\\\\\" json-example: $1" '$0 == m { f = 1; next }
			f && /^\.EX/ { next } f && /^\.EE/ { exit } f { print }' |
		sed 's/\\-/-/g'
}

# The members of a document against the example: paths with array
# indices as 0, so each element is held to the example's first.
SCHEMA_JQ='
def norm: [paths | map(if type == "number" then 0 else . end)] | unique;
def n0: map(if type == "number" then 0 else . end);
$doc[0] as $d | $act[0] as $x |
($d | norm) as $dp | ($x | norm) as $ap |
[ $ap[] | select(. as $p | $dp | index([$p]) | not) ] as $extra |
[ $dp[] | select(length > 0) | . as $p | ($x | getpath($p[:-1])) as $parent |
  select(($parent | type) == "object" and ($parent | has($p[-1]) | not)) ] as $missing |
[ $x | paths(scalars) as $c | ($c | n0) as $p |
  ($d | getpath($p) | type) as $dt | ($x | getpath($c) | type) as $at |
  select($dt != "null" and $at != "null" and $dt != $at) |
  {path: $p, documented: $dt, got: $at} ] as $types |
if ($extra + $missing + $types | length) == 0 then "ok"
else {undocumented: $extra, missing: $missing, wrong_type: $types} end'

# json_schema_ok NAME FILE DESC: FILE is one JSON document of the shape
# documented as NAME.
json_schema_ok() {
	example "$1" >"$2.example"
	if ! "$JQ" -e . "$2.example" >/dev/null 2>&1; then
		fail "$3"; diag "no parseable json-example: $1 in the man pages"; return
	fi
	if [ "$(wc -l <"$2")" -ne 1 ] || ! "$JQ" -e . "$2" >/dev/null 2>&1; then
		fail "$3"; diag "not one JSON document on one line:" "$(cat "$2")"; return
	fi
	r=$("$JQ" -n -c --slurpfile doc "$2.example" --slurpfile act "$2" "$SCHEMA_JQ")
	if [ "$r" = '"ok"' ]; then
		pass "$3"
	else
		fail "$3"; diag "$r" "$(cat "$2")"
	fi
}
