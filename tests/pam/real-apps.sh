#!/bin/sh
# The module in real PAM stacks: sudo, su and sshd, each with only
# pam_credgate in its auth stack, in a private mount namespace
# (tests/tools/rootns.sh) whose /etc is an overlay: the service files, the
# sudoers drop-in and the test users vanish with it.  Real time (setuid
# programs and a daemon: no faketime), so every login that must succeed
# uses a user of its own and no test waits for the next time step.
# Audit lines come from a private /dev/log.  Root only (skipped otherwise).
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
. "$abs_top_srcdir/tests/tools/rootns.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (mount namespace, real setuid sudo/su)"
need_tool oathtool "$OATHTOOL"
[ -f "$MODULE" ] || skip_all "module not built"
command -v expect >/dev/null || skip_all "expect not installed"
# sudo, su and sshd are not built with ASan, and as setuid programs or
# daemons they ignore LD_PRELOAD: an ASan-instrumented module cannot be
# loaded into them.  The sanitizer build covers the module through
# pamtester (auth.sh and the others); this test runs in the plain build.
[ -z "$ASAN_RUNTIME" ] ||
	skip_all "sanitizer build: an ASan module cannot load into setuid sudo/su or sshd"
with_private_syslog "$@"
rootns_enter "$@"

# --- the sandbox ---------------------------------------------------------
T=$RT/t               # root only: secrets (lib.sh's enroll), outputs
STATE=$RT/state
CONF=$RT/credgate.conf
mkdir -m 700 "$T" "$STATE"
printf '[defaults]\nstate_dir = %s\ngrace_dir = %s\nhost_key = %s\n' \
	"$STATE" "$RT/grace" "$RT/host.key" >"$CONF"
"$CG_STATE" "$STATE" init || exit 99
chmod 644 "$CONF"

uid=42100
for u in sa sb sc ua ub uc ha hb; do
	uid=$((uid + 1))
	rootns_add_user "cg$u" "$uid"
done

# Only our module authenticates; the rest of each stack just lets through.
write_pam() {
	cat >"/etc/pam.d/$1" <<EOF
auth     required $MODULE config=$CONF
account  required pam_permit.so
password required pam_deny.so
session  required pam_permit.so
EOF
}

now() { date +%s; }
now_code() { code_for "$1" "$(now)"; }

# ask_as USER CODE CMD...: run CMD as USER under expect, answer the
# verification prompt with CODE; 0 when CMD succeeded.  Output in $T/out.
ask() {
	code=$1; shift
	CG_CODE=$code expect -f - -- "$@" >"$T/out" 2>&1 <<'EOF'
set timeout 20
spawn -noecho {*}$argv
expect {
	-re {Verification code: ?$} { send -- "$env(CG_CODE)\r" }
	timeout { puts "NO PROMPT"; exit 98 }
	eof { puts "EOF BEFORE PROMPT"; exit 97 }
}
expect {
	-re {Verification code: ?$} { puts "ASKED AGAIN"; exit 96 }
	timeout { puts "TIMEOUT"; exit 95 }
	eof
}
lassign [wait] pid spawnid oserr status
exit $status
EOF
}
ask_as() {
	u=$1; code=$2; shift 2
	ask "$code" setpriv --reuid="$u" --regid="$u" --init-groups "$@"
}
EXPECT_FAILED='^(NO PROMPT|EOF BEFORE PROMPT|ASKED AGAIN|TIMEOUT)'
# refused DESC STATUS: a TAP case that passes when the program failed
# after having shown the prompt (not when expect itself failed).
refused() {
	if [ "$2" -ne 0 ] && ! grep -q -E "$EXPECT_FAILED" "$T/out"; then
		pass "$1"; else
		fail "$1"; diag "status $2" "$(cat "$T/out")"; fi
}
accepted() {
	ok "$2" "$1"
	[ "$2" -eq 0 ] || diag "$(cat "$T/out")"
}

# --- sudo ----------------------------------------------------------------
if [ -x /usr/bin/sudo ]; then
	write_pam sudo
	cat >/etc/sudoers.d/credgate-test <<'EOF'
Defaults timestamp_timeout=0, lecture=never, passwd_tries=1, !mail_badpass
cgsa, cgsb, cgsc ALL=(ALL) ALL
EOF
	chmod 0440 /etc/sudoers.d/credgate-test
	for u in cgsa cgsb cgsc; do enroll "$u"; done

	log_mark
	ask_as cgsa "$(now_code cgsa)" sudo -k id -u
	accepted "sudo: the right code runs the command" $?
	grep -q '^0' "$T/out"; ok $? "sudo: the command ran as root"
	audit_ok 'pam_credgate\(sudo:auth\): event=auth result=granted reason=code user=cgsa service=sudo' \
		"sudo: granted audit line"

	log_mark
	ask_as cgsb "$(other_code "$(now_code cgsb)")" sudo -k true
	refused "sudo: a wrong code is refused" $?
	audit_ok 'pam_credgate\(sudo:auth\): event=auth result=denied reason=bad_code user=cgsb' \
		"sudo: bad_code audit line"

	c=$(now_code cgsc)
	ask_as cgsc "$c" sudo -k true
	accepted "sudo: a fresh code is accepted" $?
	log_mark
	ask_as cgsc "$c" sudo -k true
	refused "sudo: the same code twice is refused" $?
	audit_ok 'pam_credgate\(sudo:auth\): event=auth result=denied reason=replay user=cgsc' \
		"sudo: replay audit line"

	# sudo -S: the prompt on stderr, the code read from a pipe.
	log_mark
	printf '%s\n' "$(other_code "$(now_code cgsa)")" |
		as_user cgsa sudo -S -k true >"$T/out" 2>&1
	[ $? -ne 0 ]; ok $? "sudo -S: a wrong code from a pipe is refused"
	grep -q 'Verification code:' "$T/out"; ok $? "sudo -S: our prompt is shown"
else
	for d in "sudo: right code" "sudo: ran as root" "sudo: granted audit" \
		"sudo: wrong code" "sudo: bad_code audit" "sudo: fresh code" \
		"sudo: replay" "sudo: replay audit" "sudo -S: wrong code" "sudo -S: prompt"; do
		skip "$d" "sudo not installed"
	done
fi

# --- su ------------------------------------------------------------------
write_pam su
for u in cgua cgub cguc; do enroll "$u"; done

log_mark
ask_as cgsa "$(now_code cgua)" su cgua -c id
accepted "su: the target user's right code works" $?
grep -q 'uid=42104(cgua)' "$T/out"; ok $? "su: the command ran as the target user"
audit_ok 'pam_credgate\(su:auth\): event=auth result=granted reason=code user=cgua service=su' \
	"su: granted audit line"

log_mark
ask_as cgsa "$(other_code "$(now_code cgub)")" su cgub -c true
refused "su: a wrong code is refused" $?
audit_ok 'pam_credgate\(su:auth\): event=auth result=denied reason=bad_code user=cgub' \
	"su: bad_code audit line"

# The caller's own code does not open another account.
ask_as cguc "$(now_code cguc)" su cgub -c true
refused "su: the caller's code is not the target's" $?

# --- sshd ----------------------------------------------------------------
sshd_tests=5
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null ||
	! command -v ssh-keygen >/dev/null || ! command -v ss >/dev/null; then
	i=0; while [ $i -lt $sshd_tests ]; do
		skip "sshd" "openssh-server, openssh-client or ss (iproute2) not installed"
		i=$((i + 1)); done
	done_testing; exit
fi

free_port() {
	p=$((20000 + $(od -An -tu2 -N2 /dev/urandom) % 40000))
	while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
	echo "$p"
}
mount -t tmpfs -o mode=755 cg-run /run && mkdir -m 755 /run/sshd
mount -t tmpfs -o mode=755 cg-log /var/log
ssh-keygen -q -t ed25519 -N '' -f "$RT/hostkey" >/dev/null
chmod 600 "$RT/hostkey"
write_pam sshd
for u in cgha cghb; do enroll "$u"; done

start_sshd() {
	PORT=$(free_port)
	cat >"$RT/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $RT/hostkey
PidFile $RT/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
AuthenticationMethods keyboard-interactive
PasswordAuthentication no
PubkeyAuthentication no
PermitRootLogin no
EOF
	/usr/sbin/sshd -D -f "$RT/sshd_config" -E "$RT/sshd.log" &
	SSHD=$!
	i=0
	while ! ss -Hltn "sport = :$PORT" | grep -q . && [ $i -lt 100 ]; do
		kill -0 "$SSHD" 2>/dev/null || return 1
		sleep 0.05; i=$((i + 1))
	done
	ss -Hltn "sport = :$PORT" | grep -q .
}
tries=0
until start_sshd; do
	tries=$((tries + 1))
	kill "$SSHD" 2>/dev/null; wait "$SSHD" 2>/dev/null
	[ $tries -lt 3 ] && continue
	i=0; while [ $i -lt $sshd_tests ]; do
		fail "sshd"; i=$((i + 1)); done
	diag "sshd did not start" "$(cat "$RT/sshd.log")"
	done_testing; exit
done
trap 'kill "$SSHD" 2>/dev/null; wait "$SSHD" 2>/dev/null; cd /; umount -l "$RT" 2>/dev/null; rmdir "$RT" 2>/dev/null' EXIT

ssh_as() {
	ask "$2" ssh -F /dev/null -p "$PORT" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o PreferredAuthentications=keyboard-interactive \
		-o NumberOfPasswordPrompts=1 "$1@127.0.0.1" "$3"
}

log_mark
ssh_as cgha "$(now_code cgha)" 'echo ran-as-$(id -un)'
accepted "sshd: the right code logs in" $?
grep -q 'ran-as-cgha' "$T/out"; ok $? "sshd: the command ran as the user"
audit_ok 'pam_credgate\(sshd:auth\): event=auth result=granted reason=code user=cgha service=sshd' \
	"sshd: granted audit line"

log_mark
ssh_as cghb "$(other_code "$(now_code cghb)")" 'echo ran-as-$(id -un)'
refused "sshd: a wrong code is denied" $?
audit_ok 'pam_credgate\(sshd:auth\): event=auth result=denied reason=bad_code user=cghb' \
	"sshd: bad_code audit line"

# Let the listener reap its session processes before it goes.
i=0
while pgrep -P "$SSHD" >/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
kill "$SSHD" 2>/dev/null
wait "$SSHD" 2>/dev/null
done_testing
