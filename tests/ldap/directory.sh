# A real directory for the fleet tests: slapd with the otp overlay (the
# OATH-LDAP schema), credgate's schema extension and example ACL from
# etc/ldap/, TLS from a CA made here, and nslcd resolving users and groups
# from it through NSS.  Everything runs in a private mount and network
# namespace (own loopback, so fixed ports collide with nothing), inside
# the root sandbox of tests/tools/rootns.sh: /etc is a throw-away overlay,
# /run a private tmpfs.  Daemons are started here and stopped by PID.
#
# Source after tests/tap.sh (it sources rootns.sh), then:
#   dir_enter "$@"       re-run the script inside the namespace (root only,
#                        else the whole test is skipped with the reason)
#   dir_init             CA, server certificate, slapd.conf, base data
#   dir_start / dir_stop slapd on ldap:// and ldaps://127.0.0.1, and on
#                        ldaps://127.0.0.2, which the certificate does not name
#   nss_start            nslcd + nsswitch.conf "files ldap" (this namespace only)
#   ldap_admin CMD ARGS  ldapsearch/ldapmodify/... bound as the rootdn
#   ldap_add_user NAME UID [GROUP..]   posixAccount in ou=people (password NAMEpw)
#   ldap_add_group NAME GID            posixGroup in ou=groups
#   ldap_add_host NAME   host entry in ou=hosts, password in $LD/NAME.secret
#   host_conf NAME [KEY=VAL..]   $RT/NAME.conf: store = ldap, its own
#                        bind_dn and state directory; KEY=VAL go to [ldap]
#                        ("defaults.KEY=VAL" to [defaults])
#   token_attr USER ATTR the value(s) of ATTR on USER's token, as the rootdn
#   PLUGIN               the ldap store plugin, installed where the core
#                        loads it from ($libdir/credgate, an overlay here)
# Variables: LD (work dir), BASE, PEOPLE, TOKENS, HOSTS, GROUPS, CA (PEM),
#   SLAPD_PID, NSLCD_PID, ROOTDN, ROOTPW.
. "$abs_top_srcdir/tests/tools/rootns.sh"

BASE="dc=example,dc=org"
PEOPLE="ou=people,$BASE"
TOKENS="ou=tokens,$BASE"
HOSTS="ou=hosts,$BASE"
GROUPS="ou=groups,$BASE"
ROOTDN="cn=admin,$BASE"
ROOTPW="admin-secret"
SLAPD_PID=
NSLCD_PID=

dir_enter() {
	if [ -n "${CG_DIRNS:-}" ]; then
		ip link set lo up || skip_all "cannot bring up a private loopback"
		dir_private_tmp
		rootns_enter "$@"
		trap 'dir_cleanup' EXIT
		dir_install_plugin
		return 0
	fi
	[ "$(id -u)" -eq 0 ] && awk 'NR == 1 { exit !($1 == 0 && $2 == 0) }' /proc/self/uid_map ||
		skip_all "needs root for a private mount and network namespace"
	[ "$HAVE_LDAP" = yes ] || skip_all "built without the LDAP store (libldap-dev missing)"
	need_tool slapd "$SLAPD"
	need_tool slapadd "$SLAPADD"
	need_tool ldapwhoami "$LDAPWHOAMI"
	need_tool openssl "$OPENSSL"
	[ -n "$SLAPD_MODULEDIR" ] || skip_all "slapd's otp overlay (otp.la) not found"
	command -v ip >/dev/null || skip_all "ip (iproute2) not installed"
	unshare -m -n --propagation private true 2>/dev/null ||
		skip_all "cannot create a mount and network namespace"
	CG_DIRNS=1 CG_ROOTNS=1 exec unshare -m -n --propagation private sh "$0" "$@"
}

# A /tmp of our own: pam_wrapper copies its services to /tmp/pam.X (one
# character of name), and processes of tests running in parallel otherwise
# collide there and read each other's PAM services.  The private syslog
# file stays readable through a descriptor opened before.
dir_private_tmp() {
	if [ -n "${CG_SYSLOG_FILE:-}" ] && [ "$CG_SYSLOG_FILE" != none ]; then
		exec 9<"$CG_SYSLOG_FILE"
		CG_SYSLOG_FILE=/proc/$$/fd/9
	fi
	mount -t tmpfs -o mode=1777 cg-tmp /tmp || bail "cannot mount a private /tmp"
}

# The core loads the plugin from its compile-time path only: put the
# build's copy there, in an overlay of the nearest existing directory.
dir_install_plugin() {
	PLUGIN=$libdir/credgate/store_ldap.so
	built=$abs_top_builddir/lib/.libs/store_ldap.so
	[ -f "$built" ] || return 0
	d=$libdir
	while [ ! -d "$d" ]; do d=$(dirname "$d"); done
	[ "$d" != / ] || bail "no directory to overlay for $libdir"
	overlay_dir "$d" || bail "cannot overlay $d"
	# When $d is also above the configured sysconfdir (a prefix that does
	# not exist yet, as under make distcheck), the new overlay hides what
	# rootns_setup made there: make it again.
	mkdir -p "$libdir/credgate" "$sysconfdir/credgate"
	install -m 755 "$built" "$PLUGIN"
}

dir_cleanup() {
	dir_stop
	[ -n "$NSLCD_PID" ] && kill "$NSLCD_PID" 2>/dev/null && wait "$NSLCD_PID" 2>/dev/null
	NSLCD_PID=
	cd /
	umount -l "$RT" 2>/dev/null
	rmdir "$RT" 2>/dev/null
}

# A CA and a server certificate for 127.0.0.1 (and localhost).
dir_tls() {
	t=$LD/tls
	mkdir -p "$t"
	"$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$t/ca.key" -out "$t/ca.pem" -days 3650 \
		-subj "/CN=credgate test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 &&
	"$OPENSSL" req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$t/server.key" -out "$t/server.csr" \
		-subj "/CN=127.0.0.1" >/dev/null 2>&1 &&
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" \
		>"$t/ext.cnf" &&
	"$OPENSSL" x509 -req -in "$t/server.csr" -CA "$t/ca.pem" \
		-CAkey "$t/ca.key" -CAcreateserial -out "$t/server.pem" \
		-days 3650 -extfile "$t/ext.cnf" >/dev/null 2>&1 ||
		return 1
	CA=$t/ca.pem
	# A second CA that signed nothing here: trusting it must fail TLS.
	"$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$t/other.key" -out "$t/other-ca.pem" -days 3650 \
		-subj "/CN=some other CA" >/dev/null 2>&1
}

# LDIF (cn=config form) -> slapd.conf lines: unfold, then rename.
ldif_schema_to_conf() {
	sed -e ':a;N;$!ba;s/\n //g' "$1" | sed -n \
		-e 's/^olcObjectIdentifier: /objectidentifier /p' \
		-e 's/^olcAttributeTypes: /attributetype /p' \
		-e 's/^olcObjectClasses: /objectclass /p'
}
ldif_acl_to_conf() {
	sed -e ':a;N;$!ba;s/\n //g' "$1" |
		sed -n -e 's/^olcAccess: {[0-9]*}/access /p'
}

dir_init() {
	LD=$RT/ldap
	DB=${SLAPD_DB_DIR:-$LD/db}      # bench/ldap puts it on disk
	mkdir -p "$LD" "$DB"
	dir_tls || bail "cannot make the test CA with openssl"
	ldif_schema_to_conf "$abs_top_srcdir/etc/ldap/credgate.ldif" \
		>"$LD/credgate.schema"
	cat >"$LD/slapd.conf" <<-EOF
	include /etc/ldap/schema/core.schema
	include /etc/ldap/schema/cosine.schema
	include /etc/ldap/schema/nis.schema
	include /etc/ldap/schema/inetorgperson.schema
	modulepath $SLAPD_MODULEDIR
	moduleload back_mdb
	moduleload otp
	include $LD/credgate.schema
	pidfile $LD/slapd.pid
	loglevel 0
	TLSCACertificateFile $LD/tls/ca.pem
	TLSCertificateFile $LD/tls/server.pem
	TLSCertificateKeyFile $LD/tls/server.key
	database mdb
	suffix "$BASE"
	rootdn "$ROOTDN"
	rootpw $ROOTPW
	directory $DB
	maxsize 67108864
	index objectClass,uid,memberUid eq
	overlay otp
	EOF
	ldif_acl_to_conf "$abs_top_srcdir/etc/ldap/credgate-acl.ldif" \
		>>"$LD/slapd.conf"
	{
		printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: example\ndc: example\n\n' "$BASE"
		for ou in people tokens hosts groups; do
			printf 'dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' "$ou" "$BASE" "$ou"
		done
	} >"$LD/base.ldif"
	"$SLAPADD" -f "$LD/slapd.conf" -l "$LD/base.ldif" >"$LD/slapadd.log" 2>&1 ||
		bail "slapadd failed: $(cat "$LD/slapadd.log")"
}


dir_start() {
	rm -f "$LD/slapd.pid"
	# SLAPD_DEBUG=256 logs every operation to $LD/slapd.log (bench/ldap).
	"$SLAPD" -d "${SLAPD_DEBUG:-0}" \
		-h "ldap://127.0.0.1:389/ ldaps://127.0.0.1:636/ ldaps://127.0.0.2:636/" \
		-f "$LD/slapd.conf" >>"$LD/slapd.log" 2>&1 &
	SLAPD_PID=$!
	i=0
	until "$LDAPWHOAMI" -x -H ldap://127.0.0.1:389 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 200 ] || bail "slapd did not start: $(tail -5 "$LD/slapd.log")"
		kill -0 "$SLAPD_PID" 2>/dev/null ||
			bail "slapd exited: $(tail -5 "$LD/slapd.log")"
		sleep 0.05
	done
}

dir_stop() {
	[ -n "$SLAPD_PID" ] || return 0
	kill "$SLAPD_PID" 2>/dev/null
	wait "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=
}

ldap_admin() {
	cmd=$1; shift
	"$cmd" -x -H ldap://127.0.0.1:389 -D "$ROOTDN" -w "$ROOTPW" "$@"
}

ldap_load() {          # LDIF on stdin, added as the rootdn
	ldap_admin ldapadd >/dev/null
}

ldap_add_group() {
	printf 'dn: cn=%s,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n\n' \
		"$1" "$GROUPS" "$1" "$2" | ldap_load
}

ldap_add_user() {
	name=$1; uid=$2; shift 2
	printf '%s\n' "dn: uid=$name,$PEOPLE" "objectClass: inetOrgPerson" \
		"objectClass: posixAccount" "uid: $name" "cn: $name" "sn: $name" \
		"uidNumber: $uid" "gidNumber: $uid" "homeDirectory: /nonexistent" \
		"loginShell: /bin/sh" "userPassword: ${name}pw" "" | ldap_load
	ldap_add_group "$name" "$uid"
	for g in "$@"; do
		printf 'dn: cn=%s,%s\nchangetype: modify\nadd: memberUid\nmemberUid: %s\n\n' \
			"$g" "$GROUPS" "$name" | ldap_admin ldapmodify >/dev/null
	done
}

ldap_add_host() {
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	printf '%s\n' "dn: cn=$1,$HOSTS" "objectClass: device" \
		"objectClass: simpleSecurityObject" "cn: $1" "userPassword: $pw" "" |
		ldap_load
	(umask 077; printf '%s\n' "$pw" >"$LD/$1.secret")
}

# host_conf NAME [KEY=VAL..]: a host's config; state in $RT/NAME.state.
host_conf() {
	h=$1; shift
	mkdir -p -m 700 "$RT/$h.state"
	{
		echo "[defaults]"
		echo "state_dir = $RT/$h.state"
		echo "host_key = $RT/host.key"
		echo "store = ldap"
		for kv in "$@"; do
			case $kv in defaults.*) echo "${kv#defaults.}" | sed 's/=/ = /' ;; esac
		done
		echo "[ldap]"
		echo "uri = ldap://127.0.0.1"
		echo "ca_file = $CA"
		echo "bind_dn = cn=$h,$HOSTS"
		echo "bind_password_file = $LD/$h.secret"
		echo "user_base = $PEOPLE"
		echo "token_base = $TOKENS"
		echo "timeout = 5"
		for kv in "$@"; do
			case $kv in defaults.*) ;; *) echo "$kv" | sed 's/=/ = /' ;; esac
		done
	} >"$RT/$h.conf"
	# local_users live in the files store: its host key (one for both
	# test hosts).
	[ -e "$RT/host.key" ] ||
		"$abs_top_builddir/tests/helpers/cg-state" "$RT/$h.state" init ||
		exit 99
	chmod 644 "$RT/$h.conf"
}

token_attr() {
	ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "cn=$1,$TOKENS" -s base \
		"$2" | sed -n "s/^$2:: *//p; s/^$2: *//p"
}

# nslcd for NSS in this namespace only: a private /run, and /etc (an
# overlay here) gets nsswitch.conf "files ldap" and nslcd.conf.
nss_start() {
	need_tool nslcd "$NSLCD"
	[ -f /usr/lib/x86_64-linux-gnu/libnss_ldap.so.2 ] || [ -f /lib/x86_64-linux-gnu/libnss_ldap.so.2 ] ||
		ls /usr/lib/*/libnss_ldap.so.2 >/dev/null 2>&1 ||
		skip_all "libnss-ldapd not installed"
	getent passwd nslcd >/dev/null || skip_all "no nslcd user (nslcd package)"
	mount -t tmpfs -o mode=755 cg-run /run || bail "cannot mount /run"
	mkdir -p /run/nslcd
	chown nslcd:nslcd /run/nslcd
	cat >/etc/nslcd.conf <<-EOF
	uid nslcd
	gid nslcd
	uri ldap://127.0.0.1:389/
	base $BASE
	base passwd $PEOPLE
	base group $GROUPS
	EOF
	chmod 640 /etc/nslcd.conf
	printf '%s\n' "passwd: files ldap" "group: files ldap" \
		"shadow: files" "hosts: files" >/etc/nsswitch.conf
	"$NSLCD" -n >"$LD/nslcd.log" 2>&1 &
	NSLCD_PID=$!
	i=0
	until [ -S /run/nslcd/socket ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || bail "nslcd did not start: $(cat "$LD/nslcd.log")"
		sleep 0.05
	done
}
