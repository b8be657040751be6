# Shared by the credgate-enroll tests.  Everything runs in the root
# sandbox of tests/tools/rootns.sh: test users in /etc/passwd, the default
# credgate.conf, a state directory, the tool installed setuid root, and
# the PAM module from the build tree through pam_wrapper.  Codes come from
# oathtool, QR codes are read back by zbarimg.
#
# Source after tests/tap.sh, then:  with_private_syslog "$@"; rootns_enter "$@"; enroll_sandbox
# Provides:
#   TOOL, W (work dir), STATE, CONF, write_conf [KEY=VAL..]
#   tool_at EPOCH CMD..      run CMD (the tool) with its clock at EPOCH
#   tool_start CMD..; feed LINE..; tool_finish   CMD reading a FIFO; output
#                            in $W/out and $W/err, exit status in TOOL_RC
#   wait_for PATTERN FILE    until a line matches (10 s at most)
#   decode IMAGE             what zbarimg reads
#   uri_field URI NAME       secret, algorithm, digits or period of a URI
#   code_from_uri URI EPOCH  the code oathtool computes for that instant
#   enroll_user USER EPOCH [ARGS..]   add USER as root, confirmed with the
#                            right code at EPOCH; $URI, $W/USER.codes
#   pam_try USER INPUT EPOCH 0 when the module accepts INPUT for USER
#   has_state USER           a state file exists
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

# Before with_private_syslog: run as a user, it would re-run the test in a
# user namespace, where rootns_enter would take the mapped uid 0 for root.
[ "$(id -u)" -eq 0 ] ||
	skip_all "needs root (a private mount namespace, a setuid install)"

TOOL_BUILT=$abs_top_builddir/tools/credgate-enroll

enroll_sandbox() {
	need_tool oathtool "$OATHTOOL"
	need_faketime
	need_tool pamtester "$PAMTESTER"
	need_tool zbarimg "$ZBARIMG"
	[ -x "$TOOL_BUILT" ] || skip_all "credgate-enroll not built"
	[ -f "$MODULE" ] || skip_all "module not built"
	W=$RT/work
	STATE=$RT/state
	SERVICES=$RT/services
	CONF=$sysconfdir/credgate/credgate.conf
	mkdir -m 755 "$W" "$SERVICES"
	mkdir -m 700 "$STATE"
	write_conf
	echo "auth required pam_deny.so" >"$SERVICES/other"
	echo "auth required $MODULE config=$CONF" >"$SERVICES/credgate-test"
	rootns_install_setuid "$TOOL_BUILT" credgate-enroll
	TOOL=$RT/bin/credgate-enroll
	"$TOOL" init >"$W/init.out" 2>&1 || { cat "$W/init.out"; exit 99; }
	# The same key at the default path, for configurations that name
	# none (the sandbox's private view of $sysconfdir).
	install -m 400 "$RT/host.key" "$sysconfdir/credgate/host.key"
	uid=2001
	for u in alice bob carol dave erin; do
		rootns_add_user $u $uid
		mkdir -m 700 "$W/$u"
		chown $u:$u "$W/$u"
		uid=$((uid + 1))
	done
	chmod 711 "$RT"
	# Local time is UTC in here, for the tool and for what it reads.
	ln -sf /usr/share/zoneinfo/UTC /etc/localtime
}

write_conf() {
	{
		echo "[defaults]"
		echo "state_dir = $STATE"
		echo "host_key = $RT/host.key"
		echo "grace_dir = $RT/grace"
		for kv in "$@"; do echo "$kv"; done
	} >"$CONF"
	chmod 644 "$CONF"
}

# tool_at EPOCH CMD..: the tool with its clock at EPOCH.  It clears its
# environment (privguard.h), so libfaketime cannot read FAKETIME there
# (tests/tap.sh's at_time): it reads /etc/faketimerc, inside the
# sandbox's /etc overlay, instead.  libfaketime comes before the ASan
# runtime, as in at_time.
tool_at() {
	t=$1; shift
	TZ=UTC date -u -d "@$t" '+@%Y-%m-%d %H:%M:%S' >/etc/faketimerc
	env LD_PRELOAD="$LIBFAKETIME${ASAN_RUNTIME:+ $ASAN_RUNTIME}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
		"$@"
	at_rc=$?
	rm -f /etc/faketimerc
	return $at_rc
}

tool_start() {
	rm -f "$W/fifo" "$W/out" "$W/err"
	mkfifo -m 666 "$W/fifo"
	"$@" <"$W/fifo" >"$W/out" 2>"$W/err" &
	TOOL_PID=$!
	exec 3>"$W/fifo"
}
feed() { for line in "$@"; do printf '%s\n' "$line" >&3; done; }
tool_finish() {
	exec 3>&-
	wait "$TOOL_PID"
	TOOL_RC=$?
}

wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		grep -E -q -- "$1" "$2" 2>/dev/null && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	grep -E -q -- "$1" "$2" 2>/dev/null
}

decode() { "$ZBARIMG" -q --raw "$1" 2>/dev/null; }

uri_field() {
	printf '%s\n' "$1" | sed -n "s/.*[?&]$2=\([^&]*\).*/\1/p"
}

code_from_uri() {
	"$OATHTOOL" --totp="$(uri_field "$1" algorithm)" \
		-d "$(uri_field "$1" digits)" -s "$(uri_field "$1" period)s" \
		-b -N "@$2" "$(uri_field "$1" secret)"
}

enroll_user() {
	eu=$1 et=$2
	shift 2
	URI=
	tool_start tool_at "$et" "$TOOL" add "$eu" --qr none \
		--qr-png "$W/$eu.png" "$@"
	if wait_for '^otpauth://' "$W/out"; then
		URI=$(decode "$W/$eu.png")
		feed "$(code_from_uri "$URI" "$et")"
	fi
	tool_finish
	grep -E '^    [a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$' "$W/out" |
		tr -d ' ' >"$W/$eu.codes"
	[ -n "$URI" ] && return $TOOL_RC
	return 1
}

pam_try() {
	printf '%s\n' "$2" | AT_PRELOAD="$(preload)" at_time "$3" env \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		PAM_WRAPPER_USE_SYSLOG=1 \
		"$PAMTESTER" -v credgate-test "$1" authenticate >"$W/pam.out" 2>&1
}

# pam_ok USER INPUT EPOCH DESC / pam_refused ...: a TAP case each.
pam_ok() {
	if pam_try "$1" "$2" "$3"; then
		pass "$4"
	else
		fail "$4"
		diag "$(cat "$W/pam.out")" "$(log_since | tail -n 3)"
	fi
}
pam_refused() {
	if pam_try "$1" "$2" "$3"; then
		fail "$4"
		diag "$(cat "$W/pam.out")"
	else
		pass "$4"
	fi
}

has_state() { [ -f "$STATE/$1" ]; }

# expect_rc WANT DESC: the last tool run ($TOOL_RC) ended with WANT.
expect_rc() {
	if [ "$TOOL_RC" -eq "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "exit $TOOL_RC, want $1" "stdout: $(cat "$W/out")" \
			"stderr: $(cat "$W/err")"
	fi
}

# run_tool CMD..: run to the end with no input; sets TOOL_RC.
run_tool() {
	"$@" </dev/null >"$W/out" 2>"$W/err"
	TOOL_RC=$?
}
