#!/bin/sh
# Run a command with a private /dev/log whose messages go to LOGFILE:
# a private mount namespace gets a copy of /dev (bind mounts of the usual
# nodes) plus a socket served by tests/helpers/syslog-sink, so the code
# under test uses glibc's real syslog(3) path and nothing reaches the
# host's logger.  The host's journal socket is hidden too (an empty tmpfs
# on /run/systemd/journal): audit events go to the journal where its
# socket exists, and must come here instead.  /tmp can be private as
# well (CG_PRIVATE_TMP, below).  Needs root or unprivileged
# user namespaces; exits 77 when neither is available.
# Usage: with-syslog.sh LOGFILE CMD [ARGS...]
set -u
if [ "${1:-}" != --inside ]; then
	log=$1; shift
	userns=
	[ "$(id -u)" -eq 0 ] || userns=-r
	unshare $userns -m --propagation private true 2>/dev/null || exit 77
	d=$(mktemp -d /tmp/cg-dev.XXXXXX) || exit 99
	unshare $userns -m --propagation private sh "$0" --inside "$d" "$log" "$@"
	rc=$?
	rmdir "$d"
	exit $rc
fi
shift
d=$1; log=$2; shift 2
# Everything below lives in a tmpfs of this namespace and vanishes with it.
mount -t tmpfs -o mode=755 cg-dev "$d" || exit 99
if [ -d /run/systemd/journal ]; then
	mount -t tmpfs -o mode=755 cg-nojournal /run/systemd/journal || exit 99
fi
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] || continue
	: >"$d/$n" && mount --bind "/dev/$n" "$d/$n" || exit 99
done
for n in pts shm; do
	[ -d "/dev/$n" ] || continue
	mkdir "$d/$n" && mount --rbind "/dev/$n" "$d/$n" || exit 99
done
ln -s pts/ptmx "$d/ptmx"
ln -s /proc/self/fd "$d/fd"
ln -s /proc/self/fd/0 "$d/stdin"
ln -s /proc/self/fd/1 "$d/stdout"
ln -s /proc/self/fd/2 "$d/stderr"
: >"$log"
"$abs_top_builddir/tests/helpers/syslog-sink" "$d/log" "$log" &
sink=$!
i=0
while [ ! -S "$d/log" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
mount --rbind "$d" /dev || exit 99
# With CG_PRIVATE_TMP=1 (the test suite), a /tmp of our own too:
# pam_wrapper copies its service directory to /tmp/pam.X (one character,
# chosen from the pid), so tests running side by side would otherwise
# load each other's PAM services, and its stale directories (it cannot
# parse a pid above 65535) use up the names.  LOGFILE must then not be
# under /tmp.
if [ "${CG_PRIVATE_TMP:-}" = 1 ]; then
	mount -t tmpfs -o mode=1777 cg-tmp /tmp || exit 99
fi
"$@"
rc=$?
sleep 0.1            # let the last datagrams be written
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null
exit $rc
