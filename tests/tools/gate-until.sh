#!/bin/sh
# Expiring role membership through the setuid gate: bob by name and eve
# through %contractors are in role mail until 2027-01-15T18:00 UTC; the
# gate (list, cat) and credgate check, with the clock a minute before and
# at that instant (faketime), and each decision's audit line.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/gate-sandbox.sh"
gate_sandbox "$@"

rootns_add_user alice 42001
rootns_add_user bob 42002
rootns_add_user eve 42005 contractors
rootns_add_user carol 42003
umask 077
printf 'relay secret\n' >"$CRED/smtp"
umask 022
policy "
[role mail]
members = alice, bob until 2027-01-15T18:00, %contractors until 2027-01-15T18:00Z, carol until 2027-01-15T19:00+01:00

[credential smtp]
path = $CRED/smtp
roles = mail"

UNTIL=1800036000      # 2027-01-15 18:00 UTC
BEFORE=$((UNTIL - 60))

for who in bob eve carol; do
	[ $who = eve ] && as='eve \(via %contractors\)' || as=$who
	clock_at $BEFORE
	gate $who "" list
	out_has '^smtp' "before the end: $who's list shows smtp"
	fresh $who
	log_mark
	gate $who "$(code_at $who $BEFORE)" cat smtp
	rc_is 0 "before the end: $who reads smtp"
	audit_ok "credgate\[[0-9]+\]: event=access result=granted reason=delivered user=$who credential=smtp" \
		"before the end: delivery audited ($who)"

	clock_at $UNTIL
	gate $who "" list
	[ ! -s "$T/out" ]; ok $? "at the end: $who's list is empty"
	fresh $who
	log_mark
	gate $who "$(code_at $who $UNTIL)" cat smtp
	rc_is 1 "at the end: $who is denied"
	audit_ok "event=access result=denied reason=membership_expired user=$who credential=smtp .*membership of $as in role mail expired on 2027-01-15 18:00 UTC" \
		"at the end: membership_expired audit line ($who)"
	no_audit 'reason=delivered' "at the end: nothing delivered to $who"
done

clock_at $UNTIL
fresh alice
gate alice "$(code_at alice $UNTIL)" cat smtp
rc_is 0 "a member without an end date is not affected"

"$GATE" check bob smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 1 "check after the end: denied"
out_has '^decision: denied \(membership_expired\)$' "check: says membership_expired"
out_has '^because: membership of bob in role mail expired on 2027-01-15 18:00 UTC; roles checked: mail$' \
	"check: \"membership of bob in role mail expired on ...\""
"$GATE" check eve smtp >"$T/out" 2>"$T/err"
out_has '^because: membership of eve \(via %contractors\) in role mail expired on 2027-01-15 18:00 UTC' \
	"check: the same for a %group member"
clock_at $BEFORE
"$GATE" check bob smtp >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "check before the end: granted"
out_has '^because: role mail grants smtp: bob is listed by name until 2027-01-15 18:00 UTC$' \
	"check: says until when"
clock_real

done_testing
