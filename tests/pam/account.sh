#!/bin/sh
# pam_sm_acct_mgmt end to end: roles for a credential the gate names in
# CREDGATE_CREDENTIAL, role=NAME stacks, policy errors, and the
# per-credential auth options (require_totp, grace) -- each decision's
# audit line asserted.  pamtester cannot set PAM environment variables,
# so tests/helpers/pam-acct does, as the gate will.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
with_session "$@"
sandbox_init

PAM_ACCT="$abs_top_builddir/tests/helpers/pam-acct"
BASE=1800000015               # 15 s into a 30 s step
at() { echo $((BASE + 30 * $1)); }

# Users from lib.sh: alice bob carol dave eve mallory (uid = gid = 200N).
# bob and mallory are in ops; carol's primary group is mailers; eve is a
# contractor.
cat >>"$T/group" <<EOF
ops:x:3001:bob,mallory
contractors:x:3002:eve
mailers:x:2003:
EOF

POLICY_MAIN='
[role mail]
members = alice, %ops, !mallory

[role billing]
members = %mailers, dave

[role admins]
members = %ops, eve, !%contractors

[role ghosts]
members = %nosuchgroup

[credential smtp]
path = /etc/postfix/sasl_passwd
roles = mail
writers = admins
description = SMTP relay password

[credential apikey]
path = /srv/billing/api.key
roles = billing, mail

[credential haunted]
path = /srv/ghost
roles = ghosts

[credential relaxed]
path = /srv/relaxed
roles = mail
writers = mail
require_totp = no

[credential graceful]
path = /srv/graceful
roles = mail
writers = mail
grace = 5m'

write_policy() {
	write_config "$@" "$POLICY_MAIN"
}
write_policy

# The gate's service: what tools/credgate runs (service name "credgate").
write_service credgate "auth required $MODULE config=$CONF" \
	"account required $MODULE config=$CONF"
write_service ops-only "account required $MODULE config=$CONF role=admins"
write_service mail-or-billing \
	"account required $MODULE config=$CONF role=billing role=mail"
write_service typo-role "account required $MODULE config=$CONF role=admin"
write_service gate-plus-role "account required $MODULE config=$CONF role=billing"
write_service plain "account required $MODULE config=$CONF" \
	"account required pam_permit.so"
write_service plain-alone "account required $MODULE config=$CONF"
write_service badarg-acct "account required $MODULE config=$CONF role=../x"
write_service other-svc "auth required $MODULE config=$CONF" \
	"account required $MODULE config=$CONF"

# gate CREDENTIAL USER INPUT EPOCH [SERVICE] OPS...: pam-acct with
# CREDGATE_CREDENTIAL set (none when CREDENTIAL is "-").  Output in $T/out.
gate() {
	cred=$1 user=$2 input=$3 epoch=$4 svc=$5; shift 5
	set -- "$svc" "$user" "$@"
	[ "$cred" != - ] && set -- -e "CREDGATE_CREDENTIAL=$cred" "$@"
	[ -n "${GATE_ACTION:-}" ] && set -- -e "CREDGATE_ACTION=$GATE_ACTION" "$@"
	[ -n "${GATE_TTY:-}" ] && set -- -t "$GATE_TTY" "$@"
	printf '%s\n' "$input" | AT_PRELOAD="$(preload)" at_time "$epoch" env \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		PAM_WRAPPER_USE_SYSLOG=1 \
		NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
		"$PAM_ACCT" "$@" >"$T/out" 2>&1
}

# acct CREDENTIAL USER [SERVICE]: the account stage alone.
acct() {
	gate "$1" "$2" "" "$(at 0)" "${3:-credgate}" acct_mgmt
}

# pamtester's acct_mgmt, for stacks that need no PAM environment.
pamtester_acct() {
	env LD_PRELOAD="$(preload)" \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$SERVICES" \
		PAM_WRAPPER_USE_SYSLOG=1 \
		NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:verify_asan_link_order=0" \
		"$PAMTESTER" -v "$1" "$2" acct_mgmt >"$T/out" 2>&1
}

out_has() { grep -q -- "$1" "$T/out"; }

[ -x "$PAM_ACCT" ] || skip_all "pam-acct helper not built"

# --- a credential named by the gate ------------------------------------------
log_mark
acct smtp alice
ok $? "alice, listed by name in role mail, may read smtp"
audit_ok 'pam_credgate\(credgate:account\): event=access result=granted reason=granted user=alice credential=smtp role=mail service=credgate' \
	"granted audit line names credential and role"
audit_ok 'detail="role mail grants smtp: alice is listed by name"' \
	"the detail explains the grant"

log_mark
acct smtp bob
ok $? "bob may read smtp through his supplementary group %ops"
audit_ok 'result=granted reason=granted user=bob credential=smtp role=mail .*via %ops' \
	"granted via %ops"

log_mark
acct smtp mallory
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "mallory is in %ops but excluded by !mallory: denied"
audit_ok 'event=access result=denied reason=excluded user=mallory credential=smtp role=mail ' \
	"excluded audit line"

log_mark
acct smtp dave
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "dave holds no role granting smtp: denied"
audit_ok 'event=access result=denied reason=not_in_role user=dave credential=smtp service=credgate .*roles checked: mail' \
	"not_in_role audit line lists the roles checked"

log_mark
acct apikey carol
ok $? "carol may read apikey through her primary group %mailers"
audit_ok 'result=granted reason=granted user=carol credential=apikey role=billing ' \
	"granted by billing"
acct apikey alice
ok $? "a credential with two roles: alice gets apikey through mail"
acct apikey eve
[ $? -ne 0 ]; ok $? "eve holds neither role of apikey"

log_mark
acct nosuch alice
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "an unknown credential is denied"
audit_ok 'event=access result=denied reason=no_such_credential user=alice credential=nosuch ' \
	"no_such_credential audit line"

log_mark
acct 'bad name' alice
[ $? -ne 0 ]; ok $? "a credential name that cannot exist is denied"
audit_ok 'reason=no_such_credential user=alice credential="bad name" ' \
	"... and logged quoted"

log_mark
acct haunted alice
[ $? -ne 0 ]; ok $? "a role whose only group is unknown grants nobody"
audit_ok 'reason=not_in_role user=alice credential=haunted .*nosuchgroup is not a known group' \
	"the unknown group is named in the detail"

log_mark
acct smtp zed
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_USER_UNKNOWN'
ok $? "a user NSS does not know is denied (PAM_USER_UNKNOWN)"
audit_ok 'event=access result=denied reason=unknown_user user=zed credential=smtp ' \
	"unknown_user audit line"

# --- policy errors deny everybody ------------------------------------------------
chmod 664 "$CONF"
log_mark
acct smtp alice
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_AUTH_ERR'
ok $? "a group-writable policy denies even a granted user"
audit_ok 'event=access result=denied reason=config_error user=alice credential=smtp .*credgate.conf: unsafe permissions' \
	"config_error audit line names the file"
chmod 644 "$CONF"

echo "members = alice" >>"$CONF"      # after [credential graceful]
line=$(wc -l <"$CONF")
log_mark
acct smtp alice
[ $? -ne 0 ]; ok $? "a policy with an unknown key denies"
audit_ok "reason=config_error .*credgate.conf:$line: unknown key" \
	"config_error names file and line"
write_policy

mkdir -m 755 "$T/credgate.d"
printf '[role mail]\nmembers = dave\n' >"$T/credgate.d/10-mail.conf"
chmod 644 "$T/credgate.d/10-mail.conf"
log_mark
acct smtp alice
[ $? -ne 0 ]; ok $? "a drop-in redefining a role denies"
audit_ok 'reason=config_error .*credgate.d/10-mail.conf:1: duplicate section' \
	"config_error names the drop-in and line"
printf '[role auditors]\nmembers = dave\n\n[credential logs]\npath = /var/log/x\nroles = auditors\n' \
	>"$T/credgate.d/10-mail.conf"
acct logs dave
ok $? "a credential and role from a drop-in grant"
rm -r "$T/credgate.d"

# --- role=NAME stacks (pamtester) ---------------------------------------------------
log_mark
pamtester_acct ops-only bob
ok $? "role=admins: bob (via %ops) passes"
audit_ok 'pam_credgate\(ops-only:account\): event=access result=granted reason=granted user=bob role=admins service=ops-only' \
	"granted audit line for role=, no credential field"
log_mark
pamtester_acct ops-only eve
[ $? -ne 0 ]; ok $? "role=admins: eve is listed but excluded by !%contractors"
audit_ok 'result=denied reason=excluded user=eve role=admins .*!%contractors' \
	"excluded by group"
log_mark
pamtester_acct ops-only alice
[ $? -ne 0 ]; ok $? "role=admins: alice is not in the role"
audit_ok 'result=denied reason=not_in_role user=alice service=ops-only' \
	"not_in_role for role="
pamtester_acct mail-or-billing alice
ok $? "role=billing role=mail: one of them suffices (alice via mail)"
pamtester_acct mail-or-billing dave
ok $? "role=billing role=mail: dave via billing"
pamtester_acct mail-or-billing eve
[ $? -ne 0 ]; ok $? "role=billing role=mail: eve holds neither"

log_mark
pamtester_acct typo-role bob
[ $? -ne 0 ]; ok $? "role= naming a role the policy lacks denies"
audit_ok 'result=denied reason=config_error user=bob role=admin .*no \[role admin\]' \
	"config_error names the unknown role"

log_mark
pamtester_acct badarg-acct alice
[ $? -ne 0 ]; ok $? "a malformed role= argument denies"
audit_ok 'event=access result=denied reason=bad_argument user=alice .*detail="role=\.\./x"' \
	"bad_argument audit line"

log_mark
pamtester_acct plain alice
ok $? "no role= and no credential: the module ignores (the stack decides)"
[ -z "$(log_since | grep 'event=access')" ]; ok $? "... and logs no decision"
pamtester_acct plain-alone alice
[ $? -ne 0 ]; ok $? "... alone in a stack, PAM_IGNORE leaves libpam to deny"

# Both: the credential check cannot widen what role= allows.
log_mark
acct smtp alice gate-plus-role
[ $? -ne 0 ]; ok $? "role=billing and CREDGATE_CREDENTIAL=smtp: alice (not billing) denied"
audit_ok 'result=denied reason=not_in_role user=alice credential=smtp ' \
	"denied on the role= check"
acct apikey carol gate-plus-role
ok $? "carol holds billing and apikey: granted"

# --- through authentication and account together ------------------------------------
enroll alice
enroll dave
t=$(at 10)
log_mark
gate smtp alice "$(code_for alice "$t")" "$t" credgate authenticate acct_mgmt
ok $? "authenticate + acct_mgmt: right code and a granting role"
audit_ok 'event=auth result=granted reason=code user=alice credential=smtp ' \
	"auth line carries the credential"
audit_ok 'event=access result=granted reason=granted user=alice credential=smtp role=mail' \
	"access granted line"

t=$(at 11)
gate smtp dave "$(code_for dave "$t")" "$t" credgate authenticate acct_mgmt
[ $? -ne 0 ] && out_has 'authenticate: PAM_SUCCESS' && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "right code but no role: authenticated, then denied by the account stage"

t=$(at 12)
log_mark
gate smtp alice 000000 "$t" credgate authenticate acct_mgmt
[ $? -ne 0 ] && ! out_has 'acct_mgmt:'
ok $? "wrong code: denied before the account stage"
audit_ok 'event=auth result=denied reason=bad_code user=alice credential=smtp' \
	"bad_code line"

t=$(at 13)
log_mark
gate nosuch alice "$(code_for alice "$t")" "$t" credgate authenticate acct_mgmt
[ $? -ne 0 ] && out_has 'authenticate: PAM_SUCCESS' && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "unknown credential: normal TOTP authentication, then denied"
audit_ok 'event=access result=denied reason=no_such_credential user=alice credential=nosuch' \
	"no_such_credential after authentication"

# --- require_totp = no ---------------------------------------------------------------------
t=$(at 20)
log_mark
gate relaxed alice "" "$t" credgate authenticate acct_mgmt
ok $? "require_totp = no: authenticated without a code"
! out_has 'Verification code'; ok $? "... and without a prompt"
audit_ok 'event=auth result=granted reason=totp_not_required user=alice credential=relaxed service=credgate' \
	"totp_not_required audit line"
gate relaxed dave "" "$t" credgate authenticate acct_mgmt
[ $? -ne 0 ] && out_has 'authenticate: PAM_SUCCESS' && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "require_totp = no does not waive the role check"
gate relaxed carol "" "$t" credgate authenticate
ok $? "require_totp = no: a user who is not enrolled needs no code either"
log_mark
gate relaxed alice "" "$t" other-svc authenticate
[ $? -ne 0 ] && out_has 'Verification code'
ok $? "outside the gate's service the credential does not waive TOTP"
audit_ok 'event=auth result=denied .*user=alice credential=relaxed service=other-svc' \
	"... and the code is checked as usual"

# --- the authenticated user is pinned (issue 10, item 4) ---------------------------
# A stacked module has our auth stage check bob's code, then sets
# PAM_USER back to alice: the account stage must not grant alice's roles.
SETUSER=$abs_top_builddir/tests/tools/.libs/pam_setuser.so
if [ -f "$SETUSER" ]; then
	enroll bob
	write_service swap-user "auth required $SETUSER bob" \
		"auth required $MODULE config=$CONF" \
		"auth required $SETUSER alice" \
		"account required $MODULE config=$CONF"
	write_service same-user "auth required $SETUSER alice" \
		"auth required $MODULE config=$CONF" \
		"auth required $SETUSER alice" \
		"account required $MODULE config=$CONF"
	t=$(at 20)
	log_mark
	gate smtp alice "$(code_for bob "$t")" "$t" swap-user authenticate acct_mgmt
	[ $? -ne 0 ] && out_has 'authenticate: PAM_SUCCESS' && out_has 'acct_mgmt: PAM_PERM_DENIED'
	ok $? "pinned: bob's code, then PAM_USER back to alice: the account stage denies"
	audit_ok 'event=access result=denied reason=user_changed user=alice credential=smtp service=swap-user' \
		"pinned: user_changed audit line"
	gate smtp alice "$(code_for alice "$t")" "$t" same-user authenticate acct_mgmt
	ok $? "pinned: the same stack without a switch grants (control)"
else
	skip "the authenticated user is pinned" "pam_setuser.so not built"
fi

# --- per-credential grace -----------------------------------------------------------------
# Grace is per login session: this script leads its own (with_session).
per_credential_grace() {
	t=$(at 30)
	gate graceful alice "$(code_for alice "$t")" "$t" credgate authenticate
	ok $? "code accepted in this session"
	log_mark
	gate graceful alice "" "$((t + 200))" credgate authenticate
	ok $? "grace = 5m for this credential: no code 200 s later in the same session"
	audit_ok 'event=auth result=granted reason=grace user=alice credential=graceful' \
		"grace audit line"
	gate smtp alice "" "$((t + 200))" credgate authenticate
	[ $? -ne 0 ]; ok $? "another credential (default grace 0) needs a code"
	gate graceful alice "" "$((t + 200))" other-svc authenticate
	[ $? -ne 0 ]; ok $? "outside the gate's service the credential's grace does not apply"
	gate graceful alice "" "$((t + 301))" credgate authenticate
	[ $? -ne 0 ]; ok $? "after 5 minutes the code is needed again"
	t=$(at 35)
	gate graceful alice "$(code_for alice "$t")" "$t" credgate authenticate
	log_mark
	GATE_ACTION=write gate graceful alice "" "$((t + 60))" credgate authenticate
	[ $? -ne 0 ] && out_has 'Verification code'
	ok $? "a write (CREDGATE_ACTION=write) gets no grace: a code is asked"
	GATE_ACTION=

	write_policy "grace = 600"
	t=$(at 50)
	gate smtp alice "$(code_for alice "$t")" "$t" credgate authenticate
	sed -i 's/^grace = 5m$/grace = 0/' "$CONF"
	gate graceful alice "" "$((t + 60))" credgate authenticate
	[ $? -ne 0 ]; ok $? "a credential's grace = 0 overrides a longer default"
	gate smtp alice "" "$((t + 60))" credgate authenticate
	ok $? "... while other credentials keep the default grace"
	write_policy
}
if [ "$CG_SESSION" = none ]; then
	skip "per-credential grace" "no pty for a login session"
else
	per_credential_grace
fi

# --- expiring membership -----------------------------------------------------------------
# bob by name and eve through %contractors until 2027-01-15T18:00 UTC
# (epoch 1800036000), for the gate's credential and for role= alike; the
# clock from faketime, a second before and at the instant.
write_config "$POLICY_MAIN" '
[role temps]
members = alice, bob until 2027-01-15T18:00, %contractors until 2027-01-15T20:00+02:00

[credential tempcred]
path = /srv/temp
roles = temps'
write_service temps-only "account required $MODULE config=$CONF role=temps"
UNTIL=1800036000
# acct_at CREDENTIAL USER EPOCH [SERVICE]: the account stage at EPOCH.
acct_at() { gate "$1" "$2" "" "$3" "${4:-credgate}" acct_mgmt; }

for who in bob eve; do
	[ $who = bob ] && how='is listed by name' || how='is a member via %contractors'
	[ $who = bob ] && as=bob || as='eve \(via %contractors\)'
	log_mark
	acct_at tempcred $who $((UNTIL - 1))
	ok $? "until: $who may read tempcred a second before the end"
	audit_ok "result=granted reason=granted user=$who credential=tempcred role=temps .*$how until 2027-01-15 18:00 UTC" \
		"until: the grant says until when ($who)"
	log_mark
	acct_at tempcred $who $UNTIL
	[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_PERM_DENIED'
	ok $? "until: $who is out of the role at the instant it ends"
	audit_ok "event=access result=denied reason=membership_expired user=$who credential=tempcred role=temps .*membership of $as in role temps expired on 2027-01-15 18:00 UTC" \
		"until: membership_expired audit line ($who)"
	acct_at - $who $((UNTIL - 1)) temps-only
	ok $? "until: role=temps admits $who before the end"
	log_mark
	acct_at - $who $((UNTIL + 86400)) temps-only
	[ $? -ne 0 ]; ok $? "until: role=temps refuses $who after it"
	audit_ok "pam_credgate\\(temps-only:account\\): event=access result=denied reason=membership_expired user=$who role=temps " \
		"until: role= audit line ($who)"
done
acct_at tempcred alice $((UNTIL + 86400))
ok $? "until: a member without an end date stays"

# --- CREDGATE_ACTION: the steps of two-person approval --------------------------
# The gate sets it for request, approve and deny (policy.h).  approve and
# deny are checked against the credential's approvers, request against its
# readers; each takes a fresh code (no grace, no require_totp waiver).
# with_action ACTION CMD...: CMD with CREDGATE_ACTION=ACTION (a prefix
# assignment would outlive a shell function call in dash).
with_action() {
	GATE_ACTION=$1
	shift
	"$@"
	wa_rc=$?
	GATE_ACTION=
	return $wa_rc
}
write_config "$POLICY_MAIN" '
[role leads]
members = carol

[credential guarded]
path = /srv/guarded
roles = mail
approvals = 1
approvers = leads
grace = 5m

[credential lenient]
path = /srv/lenient
roles = mail
require_totp = no
approvals = 1'
log_mark
with_action approve acct guarded carol
ok $? "action=approve: carol, in the approver role leads (not a reader), passes"
audit_ok 'event=access result=granted action=approve reason=granted user=carol credential=guarded role=leads .*role leads grants approving reads of guarded: carol is listed by name' \
	"action=approve: the audit line names the action and the approver role"
log_mark
with_action deny acct guarded alice
[ $? -ne 0 ]; ok $? "action=deny: alice, a reader but no approver, is refused"
audit_ok 'event=access result=denied action=deny reason=not_in_role user=alice credential=guarded .*no role grants approving reads of guarded to alice' \
	"action=deny: not_in_role, saying no approver role has her"
with_action request acct guarded alice
ok $? "action=request: a reader passes"
with_action request acct guarded carol
[ $? -ne 0 ]; ok $? "action=request: an approver who is no reader does not"

rm -f "$STATE/bob"
enroll bob
GATE_TTY=/dev/pts/7
t=$(at 200)
gate guarded bob "$(code_for bob "$t")" "$t" credgate authenticate
ok $? "action: a code for guarded on pts/7"
gate guarded bob "" "$((t + 60))" credgate authenticate
ok $? "action: a read a minute later is within its grace"
log_mark
with_action request gate guarded bob "" "$((t + 60))" credgate authenticate
[ $? -ne 0 ] && out_has 'Verification code'
ok $? "action=request: no grace, a code is asked for"
audit_ok 'event=auth result=denied action=request reason=bad_code user=bob credential=guarded' \
	"action=request: the empty answer is a bad code"
t2=$((t + 90))
with_action request gate guarded bob "$(code_for bob "$t2")" "$t2" credgate authenticate
ok $? "action=request: with his code, granted"
GATE_TTY=
gate lenient bob "" "$((t + 120))" credgate authenticate
ok $? "require_totp = no: a read needs no code"
with_action request gate lenient bob "" "$((t + 120))" credgate authenticate
[ $? -ne 0 ]; ok $? "action=request: require_totp = no waives nothing"
with_action bogus gate lenient bob "" "$((t + 120))" credgate authenticate
[ $? -ne 0 ]; ok $? "auth: an unknown CREDGATE_ACTION waives nothing either"

# A malformed date denies everybody, naming file and line.
write_config "$POLICY_MAIN" '
[role temps]
members = alice, bob until 2027-02-30'
line=$(wc -l <"$CONF")
log_mark
acct_at smtp alice $((UNTIL - 1))
[ $? -ne 0 ]; ok $? "until: a malformed date denies (fail closed)"
audit_ok "reason=config_error .*credgate.conf:$line: invalid date '2027-02-30' in 'members'" \
	"until: config_error names file, line and date"
write_policy

# --- writes: CREDGATE_ACTION=write checks "writers" ------------------------------
GATE_ACTION=write
log_mark
acct smtp bob
ok $? "write: bob (ops, in role admins = smtp's writers) may write smtp"
audit_ok 'event=access result=granted action=write reason=granted user=bob credential=smtp role=admins service=credgate' \
	"write: the granted line names the action and the writers' role"
audit_ok 'detail="role admins grants writing smtp: bob is a member via %ops"' \
	"write: the detail says writing"
log_mark
acct smtp alice
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_PERM_DENIED'
ok $? "write: alice reads smtp but is no writer: denied"
audit_ok 'event=access result=denied action=write reason=not_in_role user=alice credential=smtp .*no role grants writing smtp to alice' \
	"write: not_in_role audit line"
log_mark
acct apikey carol
[ $? -ne 0 ]; ok $? "write: a credential without writers is written by nobody"
audit_ok 'action=write reason=not_in_role user=carol credential=apikey .*apikey has no writers' \
	"write: says it has no writers"
GATE_ACTION=delete
log_mark
acct smtp alice
[ $? -ne 0 ] && out_has 'acct_mgmt: PAM_AUTH_ERR'
ok $? "an unknown CREDGATE_ACTION denies"
audit_ok 'event=access result=denied action=delete reason=bad_action user=alice credential=smtp' \
	"bad_action audit line"
GATE_ACTION=read
acct smtp alice
ok $? "CREDGATE_ACTION=read is a read"
GATE_ACTION=write
t=$(at 60)
log_mark
gate relaxed alice "" "$t" credgate authenticate acct_mgmt
[ $? -ne 0 ] && out_has 'Verification code'
ok $? "write: require_totp = no does not waive the code for a write"
t=$(at 61)
gate relaxed alice "$(code_for alice "$t")" "$t" credgate authenticate acct_mgmt
ok $? "write: with the code, alice (mail, the writers of relaxed) may write it"
GATE_ACTION=

done_testing
