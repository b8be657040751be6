# The setuid gate in the root sandbox of rootns.sh, for the tests of
# expiring membership (gate-until.sh) and approvals (gate-approve.sh):
# the real binary installed setuid root, run by real users of the
# sandbox's /etc/passwd, the PAM module from the build tree in
# /etc/pam.d/credgate, codes from oathtool, audit lines from a private
# /dev/log, and the clock of every process (the setuid gate included)
# moved by libfaketime through the sandbox's own /etc/ld.so.preload.
#
# Source after tests/tap.sh, then: gate_sandbox "$@"
# Provides:
#   T, STATE, CRED, CONF, GATE       paths (T is root's scratch)
#   policy TEXT                      write the policy: [defaults] with
#                                    state_dir, then TEXT
#   fresh USER                       a new secret (the next code is no replay)
#   code_at USER EPOCH               the code oathtool computes then
#   clock_at EPOCH / clock_real      every program started afterwards
#                                    sees its clock start at EPOCH / the
#                                    real clock again
#   gate USER INPUT ARGS...          the gate as USER, INPUT on stdin (no
#                                    terminal); $T/out, $T/err, RC
#   rc_is WANT DESC, out_has RE DESC, err_has RE DESC, no_audit RE DESC
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

gate_sandbox() {
	GATE_BUILT=$abs_top_builddir/tools/credgate
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace, setuid binary)"
	need_tool oathtool "$OATHTOOL"
	need_faketime
	[ -x "$GATE_BUILT" ] || skip_all "credgate not built"
	[ -f "$MODULE" ] || skip_all "module not built"
	command -v setsid >/dev/null || skip_all "setsid not installed"
	with_private_syslog "$@"
	rootns_enter "$@"
	T=$RT/t
	STATE=$RT/state
	CRED=$RT/cred
	CONF=$CG_DEFAULT_CONFIG
	mkdir -m 700 "$T" "$STATE"
	mkdir -m 755 "$CRED"
	rootns_install_setuid "$GATE_BUILT" credgate
	GATE=$RT/bin/credgate
	cat >/etc/pam.d/credgate <<EOF
auth     required $MODULE
account  required $MODULE
EOF
	# libfaketime comes first when the gate is built with ASan (see
	# tests/tap.sh's at_time); ASan must be told that is fine.
	if [ -n "$ASAN_RUNTIME" ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0"
		export ASAN_OPTIONS
	fi
	faketime_shared
	trap 'clock_real; kill "$FT_HOLDER" 2>/dev/null; cd /; umount -l "$RT" 2>/dev/null; rmdir "$RT" 2>/dev/null' EXIT
}

# libfaketime 0.9.10 shares its state between a process and its children
# through a semaphore and a shared memory object that it creates mode
# 0600 and names in FAKETIME_SHARED.  With every process preloading it,
# root's setpriv creates them and the child that became alice cannot
# open them: libfaketime fails.  So one pair is made for everybody: a
# holder process creates them on a private /dev/shm (none of the host's
# stale objects), they are opened up, and every later process inherits
# their names.
faketime_shared() {
	mount -t tmpfs -o mode=1777 cg-shm /dev/shm || exit 99
	env FAKETIME=+0 LD_PRELOAD="$LIBFAKETIME" sleep 3600 &
	FT_HOLDER=$!
	i=0
	while [ ! -e "/dev/shm/faketime_shm_$FT_HOLDER" ] && [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	chmod 666 "/dev/shm/sem.faketime_sem_$FT_HOLDER" \
		"/dev/shm/faketime_shm_$FT_HOLDER" || exit 99
	FAKETIME_SHARED="/faketime_sem_$FT_HOLDER /faketime_shm_$FT_HOLDER"
	export FAKETIME_SHARED
}

policy() {
	{
		echo "[defaults]"
		echo "state_dir = $STATE"
		echo "host_key = ${STATE%/*}/host.key"
		echo "$1"
	} >"$CONF"
	[ -e "${STATE%/*}/host.key" ] || "$CG_STATE" "$STATE" init || exit 99
	chown root:root "$CONF"
	chmod 644 "$CONF"
}

fresh() {
	rm -f "$STATE/$1"
	enroll "$1" >/dev/null || { echo "Bail out! cannot enroll $1"; exit 99; }
}
code_at() { code_for "$1" "$2"; }

# The setuid gate ignores LD_PRELOAD and clears FAKETIME from its
# environment; /etc/ld.so.preload and /etc/faketimerc (in the sandbox's
# /etc overlay) reach it all the same.
clock_at() {
	_stamp=$(TZ=UTC date -u -d "@$1" '+@%Y-%m-%d %H:%M:%S')
	echo "$_stamp" >/etc/faketimerc
	echo "$LIBFAKETIME" >/etc/ld.so.preload
}
clock_real() { rm -f /etc/ld.so.preload /etc/faketimerc; }

gate() {
	gu=$1 gin=$2
	shift 2
	printf '%s\n' "$gin" |
		as_user "$gu" setsid -w "$GATE" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

rc_is() {
	if [ "$RC" -eq "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "exit $RC, want $1" "stdout: $(head -c 600 "$T/out")" \
			"stderr: $(cat "$T/err")"
	fi
}
out_has() {
	if grep -E -q -- "$1" "$T/out"; then pass "$2"; else
		fail "$2"; diag "/$1/ not in stdout:" "$(cat "$T/out")"; fi
}
err_has() {
	if grep -E -q -- "$1" "$T/err"; then pass "$2"; else
		fail "$2"; diag "/$1/ not in stderr:" "$(cat "$T/err")"; fi
}
no_audit() {
	[ "$CG_SYSLOG_FILE" = none ] && { skip "$2" "no private syslog"; return; }
	if log_since | grep -E -q -- "$1"; then
		fail "$2"
		diag "unexpected /$1/ in:" "$(log_since)"
	else
		pass "$2"
	fi
}
