#!/bin/sh
# Bash completion of credgate and credgate-enroll: "make install" puts it
# where bash-completion's own loader finds it under both names (complete
# -p after __load_completion); scripted completions (the functions called
# as bash calls them, COMPREPLY read back) offer the commands, each
# command's options and values, credential names from "credgate list"
# and enrolled users from "credgate-enroll list" (stubs in PATH print
# those); and every option the tools' --help gives a command is offered
# for that command.
. "$abs_top_srcdir/tests/tap.sh"
BASH=$(command -v bash) || skip_all "bash not installed"
BC=
for f in /usr/share/bash-completion/bash_completion /etc/bash_completion; do
	[ -f "$f" ] && { BC=$f; break; }
done
[ -n "$BC" ] || skip_all "bash-completion not installed"
SCRIPT=$abs_top_srcdir/etc/bash-completion/credgate
T=$(mktemp -d "$abs_top_builddir/tests/tools/completion.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

# ---- installed where bash-completion looks ---------------------------------
D=$T/root
make -C "$abs_top_builddir" install-data DESTDIR="$D" >"$T/install.out" 2>&1
ok $? "make install-data DESTDIR=..." || diag "$(tail -n 20 "$T/install.out")"
dir=$D$(eval echo "$bashcompletiondir")
[ -f "$dir/credgate" ] && [ -L "$dir/credgate-enroll" ] &&
	[ "$(readlink "$dir/credgate-enroll")" = credgate ]
ok $? "installed as credgate, and credgate-enroll linking to it"
for cmd in credgate credgate-enroll; do
	got=$(env -i HOME="$T" PATH=/usr/bin:/bin XDG_DATA_DIRS="$D$(eval echo "$datadir")" \
		"$BASH" -c '. "$1"; __load_completion "$2" && complete -p "$2"' \
		sh "$BC" "$cmd" 2>&1)
	case $cmd in credgate) want="complete -F _credgate credgate" ;;
	*) want="complete -F _credgate_enroll credgate-enroll" ;; esac
	[ "$got" = "$want" ]
	ok $? "bash-completion's loader finds $cmd's completion (complete -p)" ||
		diag "got: $got"
done

# ---- scripted completion ----------------------------------------------------
# Stubs: what the real tools' list commands print.
mkdir "$T/bin"
cat >"$T/bin/credgate" <<'STUB'
#!/bin/sh
case $1 in
list) printf 'smtp  SMTP relay password\napi-key  Payment provider\nops\n' ;;
requests) printf 'k7q2mx  bob  smtp  2026-12-02 07:00 UTC  1/2\n' ;;
*) exit 2 ;;
esac
STUB
cat >"$T/bin/credgate-enroll" <<'STUB'
#!/bin/sh
[ "$1" = list ] || exit 2
printf 'USER             ALGORITHM ...\nalice            sha1 ...\nbob              sha256 ...\n'
STUB
chmod 755 "$T/bin/credgate" "$T/bin/credgate-enroll"

# comp LINE: what completing LINE's last word offers (a LINE ending in a
# space completes an empty word), one per line, sorted.
comp() {
	env -i HOME="$T" PATH="$T/bin:/usr/bin:/bin" "$BASH" -c '
		. "$1"; . "$2"; line=$3
		compopt() { :; }   # outside a real completion, bash refuses it
		read -r -a COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line; COMP_POINT=${#line}
		case ${COMP_WORDS[0]} in credgate) f=_credgate ;; *) f=_credgate_enroll ;; esac
		COMPREPLY=()
		$f "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sed "/^\$/d" | sort -u' sh "$BC" "$SCRIPT" "$1"
}
# offers LINE WANT...: the completion of LINE is exactly WANT (nothing
# when no WANT is given).
offers() {
	line=$1; shift
	want=$(for w in "$@"; do printf '%s\n' "$w"; done | sort -u)
	got=$(comp "$line")
	if [ "$got" = "$want" ]; then
		pass "completing \"$line\""
	else
		fail "completing \"$line\""; diag "want: $(echo $want)" "got:  $(echo $got)"
	fi
}
# includes LINE WORD...: the completion contains every WORD.
includes() {
	line=$1; shift
	got=$(comp "$line")
	for w in "$@"; do
		printf '%s\n' "$got" | grep -q -x -F -- "$w" || {
			fail "completing \"$line\" offers $*"; diag "no $w in: $(echo $got)"; return; }
	done
	pass "completing \"$line\" offers $*"
}

offers "credgate " list cat run check put versions rollback request approve \
	deny requests help
offers "credgate --" --config --help --version
offers "credgate --config /etc/x.conf c" cat check
offers "credgate list " --json
offers "credgate cat " smtp api-key ops
offers "credgate put s" smtp
offers "credgate versions " smtp api-key ops
offers "credgate cat smtp "
includes "credgate check " root
offers "credgate check alice " smtp api-key ops
offers "credgate check --json alice a" api-key
offers "credgate check -" --json
offers "credgate run " smtp api-key ops
offers "credgate run smtp " --env --
offers "credgate run smtp --env SMTP_PASS " --env --
includes "credgate run smtp -- ech" echo
offers "credgate request " smtp api-key ops
offers "credgate request smtp " --reason
offers "credgate request smtp --reason "
offers "credgate approve " k7q2mx
offers "credgate deny k" k7q2mx
offers "credgate requests " --json
offers "credgate-enroll " add list status revoke unlock recovery import \
	check-config log scan migrate init rekey prune
offers "credgate-enroll add --algorithm " sha1 sha256 sha512
offers "credgate-enroll add --digits " 6 8
offers "credgate-enroll add alice --qr " utf8 ansiutf8 ansi none
offers "credgate-enroll migrate --to " ldap files
offers "credgate-enroll log --result " granted denied ok failed found clean \
	incomplete
offers "credgate-enroll log --event on" on_change
offers "credgate-enroll log --credential " smtp api-key ops
offers "credgate-enroll prune --" --dry-run --config
offers "credgate-enroll list --" --json --config
offers "credgate-enroll revoke " alice bob
offers "credgate-enroll --config /x.conf unlock b" bob
offers "credgate-enroll revoke alice "
includes "credgate-enroll add " root

# ---- every option --help gives a command is offered for it -------------------
# Sections of the help: "Options of add:", "Option of list, status and
# check-config:", "Sources of import ...:"; their "  --option" lines.
"$abs_top_builddir/tools/credgate-enroll" --help >"$T/help" 2>&1
awk '/^(Options?|Sources) of / {
		s = $0; sub(/^(Options?|Sources) of /, "", s); sub(/ *[(:].*$/, "", s)
		gsub(/,| and /, " ", s); cmds = s; next }
	/^[^ ]/ { cmds = ""; next }
	cmds != "" && /^  --/ {
		n = split($0, w, /[ ,]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^--[a-z-]+$/) {
			split(cmds, c, / +/); for (j in c) if (c[j] != "") print c[j], w[i] } }' \
	"$T/help" | sort -u >"$T/pairs"
[ "$(wc -l <"$T/pairs")" -ge 30 ]
ok $? "the help lists the options of each command ($(wc -l <"$T/pairs") pairs)"
missing=
while read -r cmd opt; do
	comp "credgate-enroll $cmd --" | grep -q -x -F -- "$opt" || missing="$missing $cmd:$opt"
done <"$T/pairs"
[ -z "$missing" ]
ok $? "credgate-enroll: every option of every command is offered" || diag "missing:$missing"
"$abs_top_builddir/tools/credgate" --help >"$T/ghelp" 2>&1
# "credgate [--config FILE] approve ID | deny ID | requests": each
# alternative's first word.
cmds=$(sed -n 's/^ *\(usage:\)\{0,1\} *credgate \[--config FILE\] //p' "$T/ghelp" |
	sed 's/ | /\n/g' | awk '{ print $1 }' | sort -u)
[ -n "$cmds" ] && offered=$(comp "credgate ") &&
	for c in $cmds; do printf '%s\n' "$offered" | grep -q -x "$c" || exit 1; done
ok $? "credgate: every command of the usage is offered ($(echo $cmds))"
done_testing
