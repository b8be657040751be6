# A private root sandbox for the setuid tools: a mount namespace in which
# /etc (and the configured sysconfdir) are overlays whose changes vanish
# with the namespace.  Inside it the tests write /etc/pam.d/credgate, the
# default credgate.conf, test users in /etc/passwd and /etc/group, install
# the tools setuid root, and run them as an unprivileged user — the real
# setuid path, with nothing on the host touched.
#
# Source after tests/tap.sh.  Provides:
#   rootns_enter "$@"     re-run the test script inside the sandbox (root only,
#                         otherwise the whole test is skipped)
#   RT                    a private tmpfs for the test (exec and suid allowed)
#   rootns_add_user NAME UID [GROUPS...]   /etc/passwd entry, own group, and
#                         supplementary membership of GROUPS (created if needed)
#   rootns_add_group NAME GID
#   rootns_install_setuid SRC NAME   install SRC as $RT/bin/NAME, root 4755
#   as_user USER CMD...   run CMD as USER (real uid, gid and groups)

rootns_enter() {
	if [ -n "${CG_ROOTNS:-}" ]; then
		rootns_setup
		return 0
	fi
	# Real root only: uid 0 inside a user namespace (what with-syslog.sh
	# makes for an unprivileged run) cannot install setuid root binaries.
	[ "$(id -u)" -eq 0 ] && awk 'NR == 1 { exit !($1 == 0 && $2 == 0) }' /proc/self/uid_map ||
		skip_all "needs root for a private mount namespace"
	command -v unshare >/dev/null || skip_all "unshare not installed"
	command -v setpriv >/dev/null || skip_all "setpriv not installed"
	unshare -m --propagation private true 2>/dev/null ||
		skip_all "cannot create a mount namespace"
	CG_ROOTNS=1 exec unshare -m --propagation private sh "$0" "$@"
}

overlay_dir() {          # overlay_dir DIR: writable private view of DIR
	key=$(echo "$1" | tr / _)
	mkdir -p "$RT/ov/$key/up" "$RT/ov/$key/work"
	mount -t overlay overlay \
		-o "lowerdir=$1,upperdir=$RT/ov/$key/up,workdir=$RT/ov/$key/work" "$1"
}

rootns_setup() {
	RT=$(mktemp -d /tmp/cg-rootns.XXXXXX) || exit 99
	mount -t tmpfs -o mode=755 cg-rootns "$RT" || exit 99
	mkdir "$RT/bin"
	overlay_dir /etc || skip_all "overlayfs not available"
	case "$sysconfdir" in
	/etc|/etc/*) ;;
	*) mkdir -p "$sysconfdir" 2>/dev/null; overlay_dir "$sysconfdir" ;;
	esac
	mkdir -p "$sysconfdir/credgate" /etc/pam.d
	trap 'cd /; umount -l "$RT" 2>/dev/null; rmdir "$RT" 2>/dev/null' EXIT
}

rootns_add_group() {
	echo "$1:x:$2:" >>/etc/group
}

rootns_add_user() {
	name=$1; uid=$2; shift 2
	echo "$name:x:$uid:$uid:$name:/nonexistent:/bin/sh" >>/etc/passwd
	echo "$name:x:$uid:" >>/etc/group
	for g in "$@"; do
		if ! grep -q "^$g:" /etc/group; then
			gid=$(( 5000 + $(grep -c . /etc/group) ))
			echo "$g:x:$gid:" >>/etc/group
		fi
		# append the user to the group's member list
		sed -i "s/^\($g:x:[0-9]*:\)\(.*\)$/\1\2,$name/; s/^\($g:x:[0-9]*:\),/\1/" /etc/group
	done
}

rootns_install_setuid() {
	install -o root -g root -m 4755 "$1" "$RT/bin/$2"
}

as_user() {
	u=$1; shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$@"
}
