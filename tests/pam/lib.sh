# Sandbox for end-to-end PAM tests: the real libpam loads the module from
# the build tree through pam_wrapper; users and groups come from
# nss_wrapper; codes come from oathtool; the clock from faketime; audit
# lines from a private /dev/log (tests/with-syslog.sh).  Nothing in /etc
# is read or written.
#
# Source after tests/tap.sh.  Provides:
#   sandbox_init             T, STATE, CONF, SERVICES; writes a default config
#   write_config [KEY=VAL..] rewrite [defaults] with these keys
#   write_service NAME LINE... one service file (module lines)
#   enroll USER [ALG DIGITS PERIOD]   known random secret in $T/USER.secret
#   code_for USER EPOCH [STEPS]       the code oathtool computes
#   pam_auth USER INPUT EPOCH [SERVICE]  0 on PAM success; output in $T/out
#                            ($SESSION: a command to run pamtester under,
#                            e.g. "setsid -w" or "$PTY_RUN --")
#   with_session "$@"        run the script as the leader of its own login
#                            session on a pty ($CG_PTS: its number)
#   log_mark / log_since     audit lines since the mark
#   audit_ok PATTERN DESC    a TAP case: an audit line since the mark matches

MODULE="$abs_top_builddir/pam_module/.libs/pam_credgate.so"
CG_STATE="$abs_top_builddir/tests/helpers/cg-state"
PTY_RUN="$abs_top_builddir/tests/helpers/pty-run"

# Run the whole test script again inside a private syslog, once.
with_private_syslog() {
	[ -n "${CG_SYSLOG_FILE:-}" ] && return 0
	CG_SYSLOG_FILE=$(mktemp "$abs_top_builddir/tests/syslog.XXXXXX")
	export CG_SYSLOG_FILE
	CG_PRIVATE_TMP=1 sh "$abs_top_srcdir/tests/with-syslog.sh" \
		"$CG_SYSLOG_FILE" sh "$0" "$@"
	rc=$?
	rm -f "$CG_SYSLOG_FILE"
	if [ $rc -eq 77 ]; then
		CG_SYSLOG_FILE=none exec sh "$0" "$@"
	fi
	exit $rc
}

# Run the whole test script again, once, as the leader of a new login
# session whose controlling terminal is a fresh pty: grace is kept per
# login session (lib/session.h), so this is what makes successive calls
# "the same session".  Without a pty (CG_SESSION=none) grace tests skip.
with_session() {
	[ -n "${CG_SESSION:-}" ] && return 0
	if ! "$PTY_RUN" true 2>/dev/null; then
		CG_SESSION=none
		export CG_SESSION
		return 0
	fi
	CG_SESSION=1 exec "$PTY_RUN" -- sh "$0" "$@"
}

sandbox_init() {
	need_tool oathtool "$OATHTOOL"
	need_faketime
	need_tool pamtester "$PAMTESTER"
	[ -f "$MODULE" ] || skip_all "module not built"
	T=$(mktemp -d "$abs_top_builddir/tests/pam/sandbox.XXXXXX") || exit 99
	chmod 755 "$T"
	trap 'rm -rf "$T"' EXIT
	STATE=$T/state
	CONF=$T/credgate.conf
	SERVICES=$T/services
	mkdir -m 700 "$STATE"
	mkdir "$SERVICES"
	echo "auth required pam_deny.so" >"$SERVICES/other"
	echo "account required pam_deny.so" >>"$SERVICES/other"
	write_config
	"$CG_STATE" "$STATE" init || exit 99
	write_service credgate-test "auth required $MODULE config=$CONF"
	{
		echo "root:x:0:0:root:/root:/bin/sh"
		for u in alice bob carol dave eve mallory; do
			echo "$u:x:$(user_uid $u):$(user_uid $u):$u:/home/$u:/bin/sh"
		done
	} >"$T/passwd"
	echo "root:x:0:" >"$T/group"
}

user_uid() {
	case $1 in
	alice) echo 2001 ;; bob) echo 2002 ;; carol) echo 2003 ;;
	dave) echo 2004 ;; eve) echo 2005 ;; mallory) echo 2006 ;;
	*) echo 3000 ;;
	esac
}

write_config() {
	{
		echo "[defaults]"
		echo "state_dir = $STATE"
		echo "host_key = $T/host.key"
		case " $* " in
		*" grace_dir ="*) ;;
		*) echo "grace_dir = $T/grace" ;;
		esac
		for kv in "$@"; do echo "$kv"; done
	} >"$CONF"
	chmod 644 "$CONF"
}

write_service() {
	name=$1; shift
	: >"$SERVICES/$name"
	for line in "$@"; do echo "$line" >>"$SERVICES/$name"; done
}

enroll() {
	user=$1
	secret=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$secret" >"$T/$user.secret"
	echo "${2:-sha1} ${3:-6} ${4:-30}" >"$T/$user.params"
	b32=$(printf '%s' "$secret" | xxd_b32)
	"$CG_STATE" "$STATE" enroll "$user" "$b32" "${2:-sha1}" "${3:-6}" "${4:-30}"
}

# hex on stdin -> base32 (the test helper decodes it with our lib, and
# oathtool reads the hex: two independent paths to the same secret).
xxd_b32() {
	"$OATHTOOL" --totp -v "$(cat)" 2>/dev/null | sed -n 's/^Base32 secret: //p'
}

code_for() {
	read -r alg digits period <"$T/$1.params"
	"$OATHTOOL" --totp="$alg" -d "$digits" -s "${period}s" -N "@$2" \
		"$(cat "$T/$1.secret")"
}

# The preload list for a PAM run: [EXTRA] [ASan runtime] wrappers
# (at_time puts libfaketime in front of all of it).
preload() {
	p="libpam_wrapper.so libnss_wrapper.so"
	[ -n "$ASAN_RUNTIME" ] && p="$ASAN_RUNTIME $p"
	[ -n "${1:-}" ] && p="$1 $p"
	echo "$p"
}

# pam_auth USER INPUT EPOCH [SERVICE] [EXTRA-PRELOAD]: 0 on PAM success.
# Output goes to ${OUT:-$T/out}; PAM_ITEMS adds pamtester -I options.
pam_auth() {
	printf '%s\n' "$2" | pam_exec "$@"
}

# The same, in the background, with stdin from a file; $PAM_PID is the
# shell that runs it (wait for it; to signal pamtester itself, use victim).
pam_auth_bg() {
	f=$(mktemp "$T/input.XXXXXX")
	printf '%s\n' "$2" >"$f"
	pam_exec "$@" <"$f" &
	PAM_PID=$!
}

# victim USER INPUT EPOCH: pamtester itself as $VPID, leader of its own
# process group (setsid execs env, env execs pamtester), so a signal
# reaches the process that writes -- not a shell around it.
# $VICTIM_PRELOAD: one more library to preload (a fault shim).
victim() {
	printf '%s\n' "$2" >"$T/vin"
	setsid env TZ=UTC FAKETIME="@$(fake_stamp "$3")" \
		LD_PRELOAD="$LIBFAKETIME $(preload "${VICTIM_PRELOAD:-}")" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
		"$PAMTESTER" -v credgate-test "$1" authenticate \
		<"$T/vin" >"$T/vout" 2>&1 &
	VPID=$!
}
# strike SIGNAL [MS]: at a random moment within the next MS (default 100)
# milliseconds.
strike() {
	_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	_ms=$((_r % ${2:-100}))
	sleep "$((_ms / 1000)).$(printf '%03d' $((_ms % 1000)))"
	kill -s "$1" -- "-$VPID" 2>/dev/null
	wait "$VPID" 2>/dev/null
}

# CG_TMP_EACH=1 (root only): each pamtester in a /tmp of its own, for
# tests that start many at once (pam_wrapper's one-character /tmp/pam.X
# names collide, and one process removes the directory another is using).
pam_exec() {
	AT_PRELOAD="$(preload "${5:-}")" at_time "$3" ${CG_TMP_EACH:+unshare -m \
		--propagation private sh "$abs_top_srcdir/tests/pam/private-tmp.sh"} env \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		PAM_WRAPPER_USE_SYSLOG=1 \
		NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
		${SESSION:-} \
		"$PAMTESTER" -v ${PAM_ITEMS:-} "${4:-credgate-test}" "$1" authenticate \
		>"${OUT:-$T/out}" 2>&1
}

LOG_MARK=0
log_mark() {
	[ "$CG_SYSLOG_FILE" = none ] && return 0
	LOG_MARK=$(wc -l <"$CG_SYSLOG_FILE")
}
log_since() {
	sleep 0.05
	tail -n +"$((LOG_MARK + 1))" "$CG_SYSLOG_FILE"
}
# audit_ok PATTERN DESC: an audit line since the mark matches PATTERN.
# The syslog sink writes a line a moment after it was sent, later still
# on a loaded machine: the line is waited for (5 s at most), not assumed
# to be there after a fixed pause.
audit_ok() {
	if [ "$CG_SYSLOG_FILE" = none ]; then
		skip "$2" "no private syslog (needs root or user namespaces)"
		return
	fi
	_i=0
	until tail -n +"$((LOG_MARK + 1))" "$CG_SYSLOG_FILE" |
	      grep -E -q -- "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			fail "$2"
			diag "expected /$1/ in:" "$(log_since)"
			return 1
		fi
		sleep 0.05
	done
	pass "$2"
}
