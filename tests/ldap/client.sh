#!/bin/sh
# The LDAP client layer (lib/ldap_*.c) against a real slapd with the otp
# overlay: connecting (StartTLS, ldaps, plain on loopback, failover, a
# wrong CA, a certificate for another host, refused binds, the password
# file's checks), tokens in the OATH-LDAP schema that slapo-otp accepts
# for a password+code bind, each side refusing a step the other used, the
# compare-and-set under 16 racing writers, damaged entries, the ACL, and
# removal.  Driven through tests/helpers/ldap-probe.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/ldap/directory.sh"
dir_enter "$@"
need_tool oathtool "$OATHTOOL"
PROBE=$abs_top_builddir/tests/helpers/ldap-probe
[ -x "$PROBE" ] || skip_all "ldap-probe not built"

dir_init
dir_start
ldap_add_group ops 3001
for u in alice:2001 bob:2002 carol:2003 dave:2004 erin:2005; do
	ldap_add_user "${u%:*}" "${u#*:}"
done
ldap_add_host host1
host_conf host1
C=$RT/host1.conf
SECRET=3132333435363738393031323334353637383930
OUT=$RT/out
ERR=$RT/err

probe() { "$PROBE" "$@" >"$OUT" 2>"$ERR"; }
step_now() { echo $(( $(date +%s) / 30 )); }
code_now() { "$OATHTOOL" --totp "$SECRET"; }
# conf_with KEY=VAL..: host1's config with these [ldap] settings changed.
conf_with() {
	cp "$RT/host1.conf" "$RT/alt.conf"
	for kv in "$@"; do
		k=${kv%%=*}
		sed -i "/^$k = /d" "$RT/alt.conf"
		echo "$k = ${kv#*=}" >>"$RT/alt.conf"
	done
}
field() { sed -n "s/^$1 //p" "$OUT"; }
expect_rc() {         # expect_rc WANT DESC: the last probe's exit status
	if [ "$RC" -eq "$1" ]; then pass "$2"; else
		fail "$2"; diag "exit $RC, want $1" "$(cat "$OUT" "$ERR")"; fi
}

# ---- connecting -----------------------------------------------------------
probe "$C" connect; RC=$?
expect_rc 0 "StartTLS with the test CA, bind as the host"
grep -q "^ok ldap://127.0.0.1 ops=2$" "$OUT"; ok $? "StartTLS and bind: two operations"

conf_with uri=ldaps://127.0.0.1
probe "$RT/alt.conf" connect; RC=$?
expect_rc 0 "ldaps:// with the test CA"

conf_with tls=none
probe "$RT/alt.conf" connect; RC=$?
expect_rc 0 "tls = none on a loopback URI"

conf_with "ca_file=$LD/tls/other-ca.pem"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 7 "StartTLS against a CA that did not sign the server: unavailable"
grep -q "StartTLS" "$ERR"; ok $? "... the reason names StartTLS"

conf_with uri=ldaps://127.0.0.1 "ca_file=$LD/tls/other-ca.pem"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 7 "ldaps:// against the wrong CA: unavailable"
# Neither ldap.conf (/etc is this sandbox's overlay) nor the environment
# of a root process can turn the certificate check off or swap the CA.
mkdir -p /etc/ldap
printf 'TLS_REQCERT never\nTLS_CACERT %s\n' "$CA" >/etc/ldap/ldap.conf
LDAPTLS_REQCERT=never LDAPTLS_CACERT=$CA "$PROBE" "$RT/alt.conf" connect \
	>"$OUT" 2>"$ERR"; RC=$?
rm -f /etc/ldap/ldap.conf
expect_rc 7 "TLS_REQCERT never in ldap.conf and the environment changes nothing"

conf_with uri=ldaps://127.0.0.2
probe "$RT/alt.conf" connect; RC=$?
expect_rc 7 "a certificate that does not name the host: refused"

conf_with "bind_password_file=$LD/wrong.secret"
(umask 077; echo nope >"$LD/wrong.secret")
probe "$RT/alt.conf" connect; RC=$?
expect_rc 7 "a wrong bind password: unavailable"
grep -q "bind: Invalid credentials" "$ERR"; ok $? "... the reason says the bind was refused"

chmod 644 "$LD/wrong.secret"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 1 "a password file others may read is refused"
grep -q "unsafe permissions" "$ERR"; ok $? "... and the reason says so"
chmod 600 "$LD/wrong.secret"
chown 65534 "$LD/wrong.secret"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 1 "a password file not owned by root is refused"
grep -q "bind_password_file $LD/wrong.secret: wrong owner (must be root)" "$ERR"; r=$?
ok $r "... and the reason names the file"; [ $r -eq 0 ] || diag "$(cat "$ERR")"
chown 0 "$LD/wrong.secret"
ln -s "$LD/host1.secret" "$LD/link.secret"
conf_with "bind_password_file=$LD/link.secret"
probe "$RT/alt.conf" connect; RC=$?
[ $RC -eq 1 ] &&
	grep -q "bind_password_file $LD/link.secret: refusing to follow a symbolic link" "$ERR"; r=$?
ok $r "a symlink to the right password file is refused, before any bind"
[ $r -eq 0 ] || diag "$(cat "$ERR")"
conf_with "bind_password_file=$LD/wrong.secret"
: >"$LD/wrong.secret"; chmod 600 "$LD/wrong.secret"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 6 "an empty password file is refused (no unauthenticated bind)"

conf_with "uri=ldap://127.0.0.1:1 ldap://127.0.0.1"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 0 "the first URI down: the second answers"
grep -q "^ok ldap://127.0.0.1 " "$OUT"; ok $? "... and is the one in use"

conf_with "uri=ldap://127.0.0.1:1 ldaps://127.0.0.1:2"
probe "$RT/alt.conf" connect; RC=$?
expect_rc 7 "every URI down: unavailable"
grep -q "127.0.0.1:1.*; ldaps://127.0.0.1:2" "$ERR"; ok $? "... with every URI's reason"

# An address that never answers the TCP connect: a veth in this network
# namespace with a static neighbour, so the SYN leaves and nothing comes
# back.  The connect, made asynchronously, is bounded by timeout.
if ip link add cgv0 type veth peer name cgv1 2>/dev/null &&
	ip addr add 10.9.9.1/24 dev cgv0 && ip link set cgv0 up &&
	ip link set cgv1 up &&
	ip neigh replace 10.9.9.2 lladdr 02:00:00:00:00:02 dev cgv0; then
	for u in ldap://10.9.9.2 ldaps://10.9.9.2; do
		conf_with "uri=$u" timeout=2
		t0=$(date +%s)
		probe "$RT/alt.conf" connect; RC=$?
		t1=$(date +%s)
		[ $RC -eq 7 ] && [ $((t1 - t0)) -le 6 ] && grep -q -E "$u: .*(Timed out|Can't contact LDAP server)" "$ERR"; r=$?
		ok $r "$u never answering the connect: unavailable after timeout = 2 ($((t1 - t0)) s)"
		[ $r -eq 0 ] || diag "exit $RC" "$(cat "$ERR")"
	done
else
	skip "an address that never answers the connect" "no veth here"
	skip "... over ldaps" "no veth here"
fi

# ---- a token in the OATH-LDAP schema ---------------------------------------
probe "$C" find alice; RC=$?
expect_rc 3 "not enrolled: no token"
probe "$C" find nobody; RC=$?
expect_rc 3 "not in the directory: no token"

probe "$C" create alice "$SECRET"; RC=$?
expect_rc 0 "create alice's token"
probe "$C" create alice "$SECRET"; RC=$?
expect_rc 1 "a second create is refused"
probe "$C" read alice; RC=$?
expect_rc 0 "read it back"
[ "$(field secret)" = "$SECRET" ] && [ "$(field digits)" = 6 ] &&
	[ "$(field period)" = 30 ] && [ "$(field algorithm)" = sha1 ] &&
	[ "$(field last_step)" = -1 ] && [ "$(field enrolled_by)" = root ]
ok $? "secret, parameters and enrollment as written"
ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "cn=alice,$TOKENS" -s base >"$RT/entry"
grep -q "^oathTOTPParams: cn=alice,$TOKENS$" "$RT/entry" &&
	grep -q "^oathHMACAlgorithm: 1.2.840.113549.2.7$" "$RT/entry" &&
	grep -q "^oathTOTPTimeStepWindow: 1$" "$RT/entry" &&
	grep -q "^oathSecret: 12345678901234567890$" "$RT/entry"
ok $? "the token is its own oathTOTPParams entry, raw secret"
ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "uid=alice,$PEOPLE" -s base \
	objectClass oathTOTPToken >"$RT/entry"
grep -q "^objectClass: oathTOTPUser$" "$RT/entry" &&
	grep -q "^oathTOTPToken: cn=alice,$TOKENS$" "$RT/entry"
ok $? "the user entry points at it (oathTOTPUser)"

# slapo-otp: password+code through an LDAP bind, on the token credgate made.
"$LDAPWHOAMI" -x -H ldap://127.0.0.1 -D "uid=alice,$PEOPLE" -w "alicepw$(code_now)" >/dev/null 2>&1
ok $? "slapo-otp accepts password+code for the token credgate created"
used=$(ldap_admin ldapsearch -LLL -b "cn=alice,$TOKENS" -s base oathTOTPLastTimeStep |
	sed -n 's/^oathTOTPLastTimeStep: //p')
probe "$C" read alice
[ -n "$used" ] && [ "$(field last_step)" = "$used" ]
ok $? "credgate reads the step slapo-otp recorded"
probe "$C" accept alice "$used"; RC=$?
expect_rc 5 "credgate refuses the step slapo-otp accepted"

next=$((used + 1))
probe "$C" accept alice "$next"; RC=$?
expect_rc 0 "credgate accepts a later step"
"$LDAPWHOAMI" -x -H ldap://127.0.0.1 -D "uid=alice,$PEOPLE" \
	-w "alicepw$("$OATHTOOL" --totp -N "@$((next * 30))" "$SECRET")" >/dev/null 2>&1
[ $? -eq 49 ]; ok $? "slapo-otp refuses the code of the step credgate accepted"

# ---- compare-and-set under racing writers -----------------------------------
race() {            # race CMD ARGS..: 16 probes read, then all write at once
	b=$RT/barrier.$$
	rm -f "$b" "$b".*
	pids=
	for i in $(seq 16); do
		"$PROBE" "$C" "$@" "$b" >"$RT/race.$i" 2>&1 &
		pids="$pids $!"
	done
	i=0
	while [ "$(ls "$b".* 2>/dev/null | wc -l)" -lt 16 ] && [ $i -lt 1000 ]; do
		sleep 0.01; i=$((i + 1))
	done
	: >"$b"
	WON=0 LOST=0
	for p in $pids; do
		wait "$p"
		case $? in 0) WON=$((WON + 1)) ;; 4) LOST=$((LOST + 1)) ;; esac
	done
}
race accept alice $((next + 5))
[ "$WON" -eq 1 ] && [ "$LOST" -eq 15 ]
ok $? "16 writers of one step, all having read the same state: one wins, 15 conflict ($WON/$LOST)"
probe "$C" read alice
[ "$(field last_step)" = $((next + 5)) ]; ok $? "... and the winner's step is stored"
race fail alice
probe "$C" read alice
[ "$WON" -eq 1 ] && [ "$LOST" -eq 15 ] && [ "$(field failures)" = 1 ]
ok $? "16 racing failure counts: exactly one lands ($WON/$LOST)"

# ---- recovery hashes, lock-out, damaged entries -----------------------------
H1=pbkdf2-sha256:20000:00112233445566778899aabbccddeeff:$(printf '%064d' 1)
H2=pbkdf2-sha256:20000:00112233445566778899aabbccddeeff:$(printf '%064d' 2)
probe "$C" recovery alice "$H1" "$H2"; RC=$?
expect_rc 0 "store two recovery hashes"
probe "$C" read alice
[ "$(field recovery)" = 2 ]; ok $? "... read back"
probe "$C" recovery alice "$H2"; RC=$?
probe "$C" read alice
[ "$(field recovery)" = 1 ] && ldap_admin ldapsearch -LLL -o ldif-wrap=no \
	-b "cn=alice,$TOKENS" -s base credgateRecoveryCode | grep -q ":$(printf '%064d' 2)$"
ok $? "one used: deleted by value, the other kept"
probe "$C" set alice locked_until 4102444800; RC=$?
[ "$(token_attr alice credgateLockedUntil)" = 21000101000000Z ]
ok $? "a lock-out end is stored as credgateLockedUntil"

printf 'dn: cn=alice,%s\nchangetype: modify\nreplace: oathOTPLength\noathOTPLength: 7\n' \
	"$TOKENS" | ldap_admin ldapmodify >/dev/null
probe "$C" read alice; RC=$?
expect_rc 6 "7 digits: damaged, not 'not enrolled'"
grep -q oathOTPLength "$ERR"; ok $? "... the reason names the attribute"
printf 'dn: cn=alice,%s\nchangetype: modify\nreplace: oathOTPLength\noathOTPLength: 6\n' \
	"$TOKENS" | ldap_admin ldapmodify >/dev/null

printf 'dn: uid=bob,%s\nchangetype: modify\nadd: objectClass\nobjectClass: oathTOTPUser\n-\nadd: oathTOTPToken\noathTOTPToken: cn=gone,%s\n' \
	"$PEOPLE" "$TOKENS" | ldap_admin ldapmodify >/dev/null
probe "$C" read bob; RC=$?
expect_rc 6 "a token pointer to nothing: damaged"
grep -q dangling "$ERR"; ok $? "... and said so"

printf 'dn: ou=more,%s\nobjectClass: organizationalUnit\nou: more\n\ndn: uid=carol,ou=more,%s\nobjectClass: account\nuid: carol\n\n' \
	"$PEOPLE" "$PEOPLE" | ldap_load
probe "$C" find carol; RC=$?
expect_rc 6 "two entries with one uid: refused"

# A token with shared parameters (as other OATH-LDAP tools make them).
printf '%s\n' "dn: cn=totp-params,$TOKENS" "objectClass: organizationalRole" \
	"objectClass: oathTOTPParams" "cn: totp-params" "oathOTPLength: 8" \
	"oathHMACAlgorithm: 1.2.840.113549.2.9" "oathTOTPTimeStepPeriod: 60" "" \
	"dn: cn=erin,$TOKENS" "objectClass: device" "objectClass: oathTOTPToken" \
	"cn: erin" "oathSecret: 12345678901234567890123456789012" \
	"oathTOTPParams: cn=totp-params,$TOKENS" "" | ldap_load
printf 'dn: uid=erin,%s\nchangetype: modify\nadd: objectClass\nobjectClass: oathTOTPUser\n-\nadd: oathTOTPToken\noathTOTPToken: cn=erin,%s\n' \
	"$PEOPLE" "$TOKENS" | ldap_admin ldapmodify >/dev/null
probe "$C" read erin; RC=$?
[ $RC -eq 0 ] && [ "$(field digits)" = 8 ] && [ "$(field period)" = 60 ] &&
	[ "$(field algorithm)" = sha256 ]
ok $? "a token with a separate parameter entry is read"
erin_code=$("$OATHTOOL" --totp=sha256 -d 8 -s 60s 3132333435363738393031323334353637383930313233343536373839303132)
"$LDAPWHOAMI" -x -H ldap://127.0.0.1 -D "uid=erin,$PEOPLE" -w "erinpw$erin_code" >/dev/null 2>&1
ok $? "... slapo-otp agrees on those parameters"
probe "$C" accept erin "$(( $(date +%s) / 60 ))"; RC=$?
expect_rc 5 "... and credgate refuses the step slapo-otp used"

probe "$C" list; RC=$?
[ "$(sort "$OUT" | tr '\n' ' ')" = "alice bob erin " ]
ok $? "list: the users with a token"
probe "$C" schema; RC=$?
expect_rc 0 "schema: the OATH-LDAP and credgate attributes are known"

# ---- who sees oathSecret ----------------------------------------------------
probe "$C" secrets "$BASE"; RC=$?
[ $RC -eq 0 ] && [ "$(cat "$OUT")" -ge 2 ]
ok $? "the host DN reads the secrets ($(cat "$OUT"))"
probe "$C" secrets "$BASE" anonymous; RC=$?
[ $RC -eq 0 ] && [ "$(cat "$OUT")" = 0 ]
ok $? "an anonymous bind reads none"
(umask 077; printf 'davepw\n' >"$LD/dave.pw")
conf_with "bind_dn=uid=dave,$PEOPLE" "bind_password_file=$LD/dave.pw"
probe "$RT/alt.conf" secrets "$BASE"; RC=$?
[ $RC -eq 0 ] && [ "$(cat "$OUT")" = 0 ]
ok $? "a user's own bind reads none"
conf_with "bind_dn=uid=dave,$PEOPLE" "bind_password_file=$LD/dave.pw"
probe "$RT/alt.conf" create dave "$SECRET"; RC=$?
expect_rc 7 "a user's own bind cannot create tokens"

# ---- removal, leftovers -------------------------------------------------------
probe "$C" remove alice; RC=$?
expect_rc 0 "remove alice's token"
probe "$C" find alice; RC=$?
expect_rc 3 "... she has none"
ldap_admin ldapsearch -LLL -b "$TOKENS" "(cn=alice)" dn | grep -q . ; [ $? -ne 0 ]
ok $? "... the token entry is gone"
"$LDAPWHOAMI" -x -H ldap://127.0.0.1 -D "uid=alice,$PEOPLE" -w alicepw >/dev/null 2>&1
ok $? "... and her plain password binds again (no oathTOTPUser)"

printf '%s\n' "dn: cn=dave,$TOKENS" "objectClass: device" "objectClass: oathTOTPToken" \
	"objectClass: oathTOTPParams" "cn: dave" "oathSecret: 0123456789" \
	"oathTOTPParams: cn=dave,$TOKENS" "oathOTPLength: 6" \
	"oathHMACAlgorithm: 1.2.840.113549.2.7" "oathTOTPTimeStepPeriod: 30" \
	"oathSecretTime: 20200101000000Z" "" | ldap_load
probe "$C" create dave "$SECRET"; RC=$?
expect_rc 0 "an old token entry nobody points to is replaced"
probe "$C" read dave
[ "$(field secret)" = "$SECRET" ]; ok $? "... by the new one"

dir_stop
probe "$C" read dave; RC=$?
expect_rc 7 "slapd stopped: unavailable"

done_testing
