#!/bin/sh
# Two-person approval through the setuid gate (credgate.conf approvals =
# N): real users of the root sandbox, the real libpam and module, codes
# from oathtool, the clock of every process moved by faketime.  Each case
# of issue 12: a full request -> approve -> use cycle, self-approval and
# approval by a non-approver refused, expiry of a request (and of an
# unused approval), single use and approval_uses, two approvals required
# with the same person approving twice refused, a replayed approval,
# deny, and the audit line of each step.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/tools/gate-sandbox.sh"
gate_sandbox "$@"

rootns_add_user alice 42001          # reads prod-db and vault
rootns_add_user dave 42004           # reads them too, approves nothing
rootns_add_user bob 42002            # an approver by name
rootns_add_user carol 42003 secops   # an approver through %secops
rootns_add_user erin 42005           # neither
rootns_add_user frank 42006          # an approver whose membership ended
umask 077
printf 'postgres://app:S3cret@db/prod\n' >"$CRED/prod-db"
printf 'vault-root-token\n' >"$CRED/vault"
printf 'plain\n' >"$CRED/plain"
printf 'graced-secret\n' >"$CRED/graced"
umask 022
policy "grace_dir = $RT/grace

[role dba]
members = alice, dave

[role leads]
members = bob, %secops, frank until 2027-01-01

[credential prod-db]
path = $CRED/prod-db
roles = dba
approvals = 1
approvers = leads

[credential vault]
path = $CRED/vault
roles = dba
approvals = 2
approvers = leads
approval_ttl = 10m
approval_uses = 2

[credential shared]
path = $CRED/plain
roles = dba
approvals = 1

[credential plain]
path = $CRED/plain
roles = dba

[credential graced]
path = $CRED/graced
roles = dba
grace = 5m
approvals = 1
approvers = leads
approval_uses = 2

[credential quick]
path = $CRED/plain
roles = dba
require_totp = no
approvals = 1
approvers = leads
approval_uses = 3"
for u in alice dave bob carol erin frank; do fresh $u; done

# The clock: every step of the test at its own 30 s time step, so no
# code is ever a replay of the user's previous one (unless meant to be).
NOW=1800000015
tick() { NOW=$((NOW + ${1:-30})); clock_at $NOW; }
utc_minute() { date -u -d "@$1" '+%Y-%m-%d %H:%M'; }
tick 0
code() { code_at "$1" "$NOW"; }
A='credgate\[[0-9]+\]: event=approval'
no_prompt() {
	if grep -q 'Verification code' "$T/err"; then
		fail "$1"; diag "$(cat "$T/err")"
	else
		pass "$1"
	fi
}

# --- what root's credgate check says ---------------------------------------------
"$GATE" check alice vault >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "check: alice may read vault (with approvals)"
out_has '^approvals: 2 by leads \(approval_ttl 600 s, approval_uses 2\)$' \
	"check: the approvals a read needs, by whom, for how long, how many reads"
"$GATE" check alice plain >"$T/out" 2>"$T/err"
! grep -q '^approvals' "$T/out"; ok $? "check: nothing about approvals where none is needed"
if JQ=$(command -v jq); then
	"$GATE" check --json alice shared >"$T/out" 2>"$T/err"
	"$JQ" -e '.approvals == 1 and .approvers == ["dba"]' "$T/out" >/dev/null
	ok $? "check --json: approvals, and approvers defaulting to the credential's roles"
else
	skip "check --json: approvals" "jq not installed"
fi

# --- the full cycle: request -> approve -> use -------------------------------------
log_mark
gate alice "" cat prod-db
rc_is 1 "cycle: without an approval, cat is denied"
no_prompt "cycle: ... before any code is asked for"
err_has "prod-db needs approval first: run 'credgate request prod-db" "cycle: ... saying what to do"
audit_ok 'event=access result=denied reason=approval_required user=alice credential=prod-db .*detail="1 approval needed"' \
	"cycle: approval_required audit line"

log_mark
gate alice "$(code alice)" request prod-db --reason "deploy the 4.2 fix"
rc_is 0 "cycle: alice requests prod-db after her code"
ID=$(cat "$T/out")
echo "$ID" | grep -Eqx '[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}'
ok $? "cycle: the request id is short and random ($ID)"
err_has "request $ID: prod-db needs 1 approval by someone else; it expires at 2027-01-15 08:15:1[5-9] UTC" \
	"cycle: and says what happens next"
audit_ok "pam_credgate\\(credgate:auth\\): event=auth result=granted action=request reason=code user=alice credential=prod-db" \
	"cycle: the module authenticated the request (action=request)"
audit_ok "$A result=granted action=request reason=\"deploy the 4.2 fix\" id=$ID user=alice approver=- credential=prod-db service=credgate" \
	"cycle: event=approval action=request audit line"
[ "$(stat -c '%U:%G %a' "$STATE/.requests")" = "root:root 700" ] &&
	[ "$(stat -c '%U:%G %a' "$STATE/.requests/$ID")" = "root:root 600" ]
ok $? "cycle: the request is root's (0600) in a root 0700 directory beside the state"

tick
gate bob "" requests
rc_is 0 "cycle: requests for bob"
out_has "^$ID  alice +prod-db +3[0-2]s  0/1  deploy the 4.2 fix\$" \
	"cycle: bob sees the request: id, requester, credential, age, approvals, reason"
gate erin "" requests
[ ! -s "$T/out" ]; ok $? "cycle: erin, no approver, sees no request"
gate alice "" requests
[ ! -s "$T/out" ]; ok $? "cycle: alice does not see her own request"
"$GATE" requests >"$T/out" 2>"$T/err"
out_has "^$ID  alice +prod-db +3[0-2]s  0/1  deploy the 4.2 fix\$" \
	"cycle: root sees every open request (the admin's overview)"

log_mark
gate bob "$(code bob)" approve "$ID"
rc_is 0 "cycle: bob approves after his own code"
out_has "^approved request $ID: alice may read prod-db 1 time until 2027-01-15 08:15:4[5-9] UTC\$" \
	"cycle: bob is told what he allowed"
audit_ok "pam_credgate\\(credgate:auth\\): event=auth result=granted action=approve reason=code user=bob credential=prod-db" \
	"cycle: the module authenticated bob (action=approve)"
audit_ok "pam_credgate\\(credgate:account\\): event=access result=granted action=approve reason=granted user=bob credential=prod-db role=leads .*grants approving reads of prod-db: bob is listed by name" \
	"cycle: the module checked bob against the approvers"
audit_ok "$A result=granted action=approve reason=\"deploy the 4.2 fix\" id=$ID user=alice approver=bob credential=prod-db .*detail=\"approval 1 of 1\"" \
	"cycle: event=approval action=approve audit line"

tick
log_mark
gate alice "$(code alice)" cat prod-db
rc_is 0 "cycle: alice reads prod-db after her code"
out_is() { cmp -s "$T/out" "$1"; ok $? "$2"; }
out_is "$CRED/prod-db" "cycle: the credential, byte for byte"
audit_ok "$A result=granted action=use reason=\"deploy the 4.2 fix\" id=$ID user=alice approver=bob credential=prod-db .*detail=\"read 1 of 1\"" \
	"cycle: event=approval action=use audit line"
audit_ok 'event=access result=granted reason=delivered user=alice credential=prod-db' \
	"cycle: then the delivery"

# --- exactly once ---------------------------------------------------------------------
tick
log_mark
gate alice "$(code alice)" cat prod-db
rc_is 1 "single use: a second read needs a new approval"
no_prompt "single use: refused before the prompt"
audit_ok 'event=access result=denied reason=approval_required user=alice credential=prod-db' \
	"single use: approval_required again"
tick
log_mark
gate carol "$(code carol)" approve "$ID"
rc_is 1 "replay: approving a used request again is refused"
no_prompt "replay: before any code"
err_has "request $ID is used" "replay: it says the request is used"
audit_ok "$A result=denied action=approve .*id=$ID user=alice approver=carol credential=prod-db .*detail=not_open" \
	"replay: denied audit line"
gate bob "$(code bob)" approve "$ID"
rc_is 1 "replay: bob cannot approve it again either"
err_has "you have approved request $ID already" "replay: bob is told he did"

# --- refusals -----------------------------------------------------------------------------
tick
gate alice "$(code alice)" request prod-db --reason=again
rc_is 0 "refusals: a second request"
ID2=$(cat "$T/out")
[ "$ID2" != "$ID" ]; ok $? "refusals: with a new id"
tick
log_mark
gate alice "$(code alice)" approve "$ID2"
rc_is 1 "refusals: alice cannot approve her own request"
no_prompt "refusals: self-approval refused before any code"
err_has "request $ID2 is your own: someone else must approve it" "refusals: saying so"
audit_ok "$A result=denied action=approve reason=again id=$ID2 user=alice approver=alice credential=prod-db .*detail=self_approval" \
	"refusals: self_approval audit line"
log_mark
gate dave "$(code dave)" approve "$ID2"
rc_is 1 "refusals: dave (a reader, not an approver) cannot approve"
no_prompt "refusals: refused before any code"
audit_ok "$A result=denied action=approve reason=again id=$ID2 user=alice approver=dave credential=prod-db .*detail=\"not_approver: no role grants approving reads of prod-db to dave" \
	"refusals: not_approver audit line"
log_mark
gate erin "$(code erin)" request prod-db
rc_is 1 "refusals: erin, no reader, cannot request"
no_prompt "refusals: refused before any code"
audit_ok "$A result=denied action=request reason=- id=- user=erin approver=- credential=prod-db .*detail=not_in_role" \
	"refusals: request not_in_role audit line"
gate alice "" request plain
rc_is 2 "refusals: a credential without approvals takes no request"
err_has "plain needs no approval" "refusals: saying so"
gate bob "" approve zzzz-zzzz
rc_is 1 "refusals: an unknown id"
err_has 'no request zzzz-zzzz' "refusals: named"
gate bob "" approve 'K7Q2/../x'
rc_is 2 "refusals: a malformed id is a usage error"

# A wrong code: refused by the module, the request unchanged.
tick
log_mark
gate bob "$(other_code "$(code bob)")" approve "$ID2"
rc_is 1 "refusals: bob's wrong code"
audit_ok 'event=auth result=denied action=approve reason=bad_code user=bob credential=prod-db' \
	"refusals: the module refused the code"
no_audit "$A result=granted action=approve" "refusals: no approval recorded"
grep -q '^approval' "$STATE/.requests/$ID2"; [ $? -ne 0 ]
ok $? "refusals: the stored request has no approval"

# --- a replayed approval: the same code twice ---------------------------------------------
tick
BOBCODE=$(code bob)
gate bob "$BOBCODE" approve "$ID2"
rc_is 0 "replay: bob approves request 2"
gate alice "$(code alice)" request vault --reason "rotate"
ID4=$(cat "$T/out")
log_mark
gate bob "$BOBCODE" approve "$ID4"
rc_is 1 "replay: bob's code of that approval does not approve another"
audit_ok 'event=auth result=denied action=approve reason=replay user=bob credential=vault' \
	"replay: the module refused the replayed code"
no_audit "$A result=granted action=approve" "replay: nothing approved"

# Approvers default to the credential's own roles.
tick
gate alice "$(code alice)" request shared --reason "shared one"
ID3=$(cat "$T/out")
gate bob "$(code bob)" approve "$ID3"
rc_is 1 "default approvers: bob is no approver of shared (no approvers = its readers)"
gate dave "$(code dave)" approve "$ID3"
rc_is 0 "default approvers: dave, a reader of shared, approves it"

# --- two approvals, the same person twice -------------------------------------------------------
tick
log_mark
gate bob "$(code bob)" approve "$ID4"
rc_is 0 "two: bob's approval counts once"
out_has "^approved request $ID4 \\(approval 1 of 2\\); it needs another approver\$" \
	"two: and more are needed"
audit_ok "$A result=granted action=approve reason=rotate id=$ID4 user=alice approver=bob credential=vault .*detail=\"approval 1 of 2\"" \
	"two: approval 1 of 2 audit line"
tick
gate alice "" cat vault
rc_is 1 "two: one approval of two does not open vault"
tick
log_mark
gate bob "$(code bob)" approve "$ID4"
rc_is 1 "two: bob cannot approve a second time"
no_prompt "two: refused before any code"
err_has "you have approved request $ID4 already" "two: saying so"
audit_ok "$A result=denied action=approve .*id=$ID4 .*approver=bob .*detail=already_approved_by_you" \
	"two: already_approved_by_you audit line"
gate carol "" requests
out_has "^$ID4  alice +vault .* 1/2  rotate\$" "two: carol (via %secops) sees it, 1 of 2"
# requests --json: the documented members (credgate(1)) and the same facts.
if JQ=$(command -v jq); then
	. "$abs_top_srcdir/tests/tools/json-lib.sh"
	gate carol "" requests --json
	rc_is 0 "json: requests --json"
	json_schema_ok credgate-requests "$T/out" "json: the documented members, and only those"
	"$JQ" -e --arg id "$ID4" '.user == "carol" and
		([.requests[] | select(.id == $id)] | length == 1 and (.[0] |
		 .requester == "alice" and .credential == "vault" and
		 .reason == "rotate" and .approvals_needed == 2 and
		 .approved_by == ["bob"] and .expires == .created + 600 and
		 .age >= 60))' "$T/out" >/dev/null
	ok $? "json: carol sees request $ID4 of alice for vault, approved by bob, 1 of 2"
	gate erin "" requests --json
	"$JQ" -e '.user == "erin" and .requests == []' "$T/out" >/dev/null
	ok $? "json: nothing for erin: an empty array"
else
	for d in 1 2 3 4; do skip "json: requests --json" "jq not installed"; done
fi
log_mark
gate carol "$(code carol)" approve "$ID4"
rc_is 0 "two: carol's approval completes it"
out_has "alice may read vault 2 times until" "two: approval_uses = 2"
audit_ok "$A result=granted action=approve reason=rotate id=$ID4 user=alice approver=carol credential=vault .*detail=\"approval 2 of 2\"" \
	"two: approval 2 of 2 audit line"
for n in 1 2; do
	tick
	log_mark
	gate alice "$(code alice)" run vault -- sh -c 'cat "$CREDGATE_FILE"'
	rc_is 0 "uses: run $n of 2"
	audit_ok "$A result=granted action=use reason=rotate id=$ID4 user=alice approver=bob,carol credential=vault .*detail=\"read $n of 2\"" \
		"uses: use audit line $n"
done
tick
gate alice "" cat vault
rc_is 1 "uses: a third read is refused"

# --- deny ---------------------------------------------------------------------------
tick
gate alice "$(code alice)" request prod-db --reason "please"
ID5=$(cat "$T/out")
tick
log_mark
gate carol "$(code carol)" deny "$ID5"
rc_is 0 "deny: carol denies"
out_has "^denied request $ID5: alice may not read prod-db\$" "deny: said"
audit_ok "$A result=granted action=deny reason=please id=$ID5 user=alice approver=carol credential=prod-db" \
	"deny: event=approval action=deny audit line"
tick
gate bob "$(code bob)" approve "$ID5"
rc_is 1 "deny: a denied request cannot be approved"
err_has "request $ID5 is denied" "deny: saying so"
gate alice "" cat prod-db
rc_is 1 "deny: alice still cannot read"
log_mark
gate alice "$(code alice)" deny "$ID5"
rc_is 1 "deny: alice cannot deny (or withdraw) a request herself"
err_has "request $ID5 is your own: someone else must deny it" "deny: saying so"
audit_ok "$A result=denied action=deny reason=please id=$ID5 user=alice approver=alice .*detail=self_approval" \
	"deny: self_approval audit line"

# An approver takes an approval back before it is used.
tick
gate alice "$(code alice)" request prod-db --reason "oops"
ID8=$(cat "$T/out")
log_mark
gate erin "$(code erin)" deny "$ID8"
rc_is 1 "deny: erin, no approver, cannot deny"
no_prompt "deny: refused before any code"
audit_ok "$A result=denied action=deny reason=oops id=$ID8 user=alice approver=erin .*detail=\"not_approver: " \
	"deny: not_approver audit line"
gate bob "$(code bob)" approve "$ID8"
rc_is 0 "withdraw: bob approves request $ID8"
tick
log_mark
gate alice "$(code alice)" cat prod-db
rc_is 0 "withdraw: alice reads prod-db once more"
audit_ok "$A result=granted action=use reason=again id=$ID2 " \
	"withdraw: ... with request $ID2, approved earlier, which runs out first"
tick
log_mark
gate bob "$(code bob)" deny "$ID8"
rc_is 0 "withdraw: bob denies the request he approved (not used yet)"
audit_ok "$A result=granted action=deny reason=oops id=$ID8 user=alice approver=bob credential=prod-db" \
	"withdraw: the deny audit line"
tick
log_mark
gate alice "$(code alice)" cat prod-db
rc_is 1 "withdraw: the approval no longer opens prod-db"
no_prompt "withdraw: refused before any code"
audit_ok 'event=access result=denied reason=approval_required user=alice credential=prod-db' \
	"withdraw: approval_required"

# An approver whose membership of the approver role has ended.
tick
gate alice "$(code alice)" request prod-db --reason "frank?"
IDF=$(cat "$T/out")
log_mark
gate frank "$(code frank)" approve "$IDF"
rc_is 1 "until: frank, out of leads since 2027-01-01, cannot approve"
no_prompt "until: refused before any code"
err_has "you may not approve requests for prod-db" "until: saying so"
audit_ok "$A result=denied action=approve reason=\"frank\\?\" id=$IDF user=alice approver=frank .*detail=\"not_approver: .*membership of frank in role leads expired on 2027-01-01 00:00 UTC" \
	"until: not_approver audit line says the membership expired"
gate frank "" requests
[ ! -s "$T/out" ]; ok $? "until: frank's requests lists nothing"
gate bob "$(code bob)" deny "$IDF"

# --- expiry ---------------------------------------------------------------------------
tick
gate alice "$(code alice)" request prod-db --reason "late"
ID6=$(cat "$T/out")
C6=$NOW
tick 900
log_mark
gate bob "$(code bob)" approve "$ID6"
rc_is 1 "expiry: a request not approved within approval_ttl (900 s) is refused"
no_prompt "expiry: before any code"
err_has "request $ID6 is expired" "expiry: saying so"
audit_ok "$A result=ok action=expire reason=late id=$ID6 user=alice approver=- credential=prod-db .*detail=\"not approved in time: ran out $(utc_minute $((C6 + 900))):[0-9]{2} UTC\"" \
	"expiry: event=approval action=expire audit line, with when it ran out"
log_mark
gate bob "" requests
no_audit "action=expire .*id=$ID6" "expiry: an expiry is logged once"

tick
gate alice "$(code alice)" request prod-db --reason "unused"
ID7=$(cat "$T/out")
tick
gate bob "$(code bob)" approve "$ID7"
rc_is 0 "expiry: approved"
A7=$NOW
tick 900
log_mark
gate alice "$(code alice)" cat prod-db
rc_is 1 "expiry: an approval not used within approval_ttl lapses"
audit_ok "$A result=ok action=expire reason=unused id=$ID7 user=alice approver=bob credential=prod-db .*detail=\"approved, not used in time: ran out $(utc_minute $((A7 + 900))):[0-9]{2} UTC\"" \
	"expiry: expire audit line of the unused approval"

# Nobody touches a request: root's credgate requests (from cron, say)
# finds it has run out and writes its line.
tick
gate alice "$(code alice)" request prod-db --reason "cron"
ID9=$(cat "$T/out")
C9=$NOW
tick 900
log_mark
"$GATE" requests >"$T/out" 2>"$T/err"
RC=$?
rc_is 0 "expiry: root may run credgate requests"
audit_ok "$A result=ok action=expire reason=cron id=$ID9 user=alice approver=- credential=prod-db .*detail=\"not approved in time: ran out $(utc_minute $((C9 + 900))):[0-9]{2} UTC\"" \
	"expiry: root's credgate requests writes the expire line of a request nobody touched"

# --- reads racing for one approval ------------------------------------------------
# require_totp = no lets eight reads pass authentication at once; the
# approval allows three: exactly three are delivered.
tick
log_mark
gate alice "" request quick --reason race
rc_is 1 "require_totp = no: a request still takes a code"
audit_ok 'event=auth result=denied action=request .*user=alice credential=quick' \
	"require_totp = no: the module refused the request without a code"
gate alice "$(code alice)" request quick --reason race
IDR=$(cat "$T/out")
log_mark
gate bob "" approve "$IDR"
rc_is 1 "require_totp = no: an approval still takes a code"
audit_ok 'event=auth result=denied action=approve .*user=bob credential=quick' \
	"require_totp = no: the module refused the approval without a code"
no_audit "$A result=granted action=approve" "require_totp = no: nothing approved"
gate bob "$(code bob)" approve "$IDR"
rc_is 0 "race: approved for 3 reads"
tick
log_mark
pids=
for i in 1 2 3 4 5 6 7 8; do
	as_user alice setsid -w "$GATE" cat quick </dev/null >"$T/race.$i" 2>&1 &
	pids="$pids $!"
done
won=0
for p in $pids; do wait "$p" && won=$((won + 1)); done
[ "$won" -eq 3 ]; ok $? "race: 8 reads at once, exactly 3 delivered ($won)"
[ "$(log_since | grep -c "action=use .*id=$IDR")" -eq 3 ] &&
	log_since | grep -q "action=use .*id=$IDR .*read 3 of 3"
ok $? "race: three use lines, the last one read 3 of 3"
[ "$(log_since | grep -c 'reason=approval_required user=alice credential=quick')" -eq 5 ]
ok $? "race: the other five were denied approval_required"

# --- grace: for the approved reads, never for a step of approval ------------------------
# graced has grace = 5m and approval_uses = 2: in one login session on a
# pty, alice's first read takes her code, the second her grace; a request
# in that session is asked for a code all the same.
PTY_RUN=$abs_top_builddir/tests/helpers/pty-run
if "$PTY_RUN" true 2>/dev/null; then
	tick
	gate alice "$(code alice)" request graced --reason grace
	IDG=$(cat "$T/out")
	gate bob "$(code bob)" approve "$IDG"
	rc_is 0 "grace: approved for 2 reads"
	tick
	log_mark
	printf 'expect Verification code: \nsend %s\nexpect graced-secret\nexpect graced-secret\nexpect Verification code: \nsend %s\nexpect end\n' \
		"$(code alice)" "$(other_code "$(code alice)")" |
		"$PTY_RUN" -s -- setpriv --reuid=alice --regid=alice --init-groups \
		sh -c "$GATE cat graced; $GATE cat graced; $GATE request graced --reason again; echo end" \
		>"$T/out" 2>"$T/err"
	RC=$?
	rc_is 0 "grace: the session ran to its end"
	[ "$(grep -c 'Verification code' "$T/out")" -eq 2 ] &&
		[ "$(grep -c '^graced-secret' "$T/out")" -eq 2 ]
	ok $? "grace: two reads, one code; then the request asks for one"
	audit_ok "pam_credgate\\(credgate:auth\\): event=auth result=granted reason=grace user=alice credential=graced" \
		"grace: the second read passed on alice's grace"
	audit_ok "$A result=granted action=use reason=grace id=$IDG .*detail=\"read 2 of 2\"" \
		"grace: and took the approval's second read"
	audit_ok "event=auth result=denied action=request reason=bad_code user=alice credential=graced" \
		"grace: the request in the same session took a code (a wrong one: denied)"
else
	for d in 1 2 3 4 5; do skip "grace in a login session" "no pty"; done
fi

# --- the reason: what approvers see and the log keeps ------------------------------------
R200='say "hi" \o/ = ok'
while [ ${#R200} -lt 200 ]; do R200="${R200}x"; done
tick
NREQ=$(ls "$STATE/.requests" | wc -l)
gate alice "" request prod-db --reason "${R200}x"
rc_is 2 "reason: 201 bytes is a usage error"
no_prompt "reason: before any code"
gate alice "" request prod-db --reason "$(printf 'tab\there')"
rc_is 2 "reason: a control character is a usage error"
err_has 'the reason must be 1 to 200 characters of printable ASCII' "reason: saying so"
gate alice "" request prod-db --reason "$(printf 'caf\303\251')"
rc_is 2 "reason: non-ASCII is a usage error"
[ "$(ls "$STATE/.requests" | wc -l)" -eq "$NREQ" ]
ok $? "reason: no request was made of them"
log_mark
gate alice "$(code alice)" request prod-db --reason "$R200"
rc_is 0 "reason: 200 bytes with quotes, backslash and = are taken"
IDQ=$(cat "$T/out")
gate bob "" requests
grep -q "^$IDQ " "$T/out" && grep -qF "  0/1  $R200" "$T/out"
ok $? "reason: approvers see it whole"
audit_ok "$A result=granted action=request reason=\"say \\\\\"hi\\\\\" \\\\\\\\o/ = okx+\.\.\.\" id=$IDQ " \
	"reason: the log quotes and escapes it, cut at its value limit with ..."
gate bob "$(code bob)" deny "$IDQ"
rc_is 0 "reason: denied again (frees alice's slot)"

# --- the open-request limit ------------------------------------------------------------
# The state directory unusable: said before any code, naming it.
tick
chmod 755 "$STATE"
log_mark
gate dave "$(code dave)" request prod-db --reason "n0"
rc_is 5 "store: a state directory others may read: request refused (exit 5)"
no_prompt "store: ... before any code"
err_has "request: requests in $STATE/.requests: " "store: ... naming the directory"
audit_ok "event=access result=denied reason=state_error user=dave credential=prod-db .*requests in $STATE/.requests" \
	"store: state_error audit line"
chmod 700 "$STATE"

for n in 1 2 3 4; do
	tick
	gate dave "$(code dave)" request prod-db --reason "n$n"
done
rc_is 0 "limit: four open requests"
gate bob "" requests
[ "$(grep -o ' n[0-9]$' "$T/out" | tr -d ' \n')" = n1n2n3n4 ]
ok $? "requests: oldest first"
tick
gate dave "$(code dave)" request prod-db --reason "n5"
rc_is 1 "limit: a fifth is refused"
no_prompt "limit: ... before any code"
err_has 'too many open requests' "limit: saying so"

# --- the policy stops asking for approval ------------------------------------------
# Requests for a credential that no longer needs approval run out at
# once, and their expire line says why.
tick
gate alice "$(code alice)" request shared --reason "policy change"
rc_is 0 "policy: a request for shared"
IDX=$(cat "$T/out")
sed -i '/^\[credential shared\]/,/^$/{/^approvals/d}' "$CONF"
grep -A3 '^\[credential shared\]' "$CONF" | grep -q '^approvals'; [ $? -ne 0 ]
ok $? "policy: shared no longer has approvals"
log_mark
"$GATE" requests >"$T/out" 2>"$T/err"
audit_ok "$A result=ok action=expire reason=\"policy change\" id=$IDX user=alice approver=- credential=shared .*detail=\"the credential no longer needs approval\"" \
	"policy: the request expired, saying why"
[ ! -s "$T/out" ] || ! grep -q "^$IDX " "$T/out"
ok $? "policy: and is no longer listed"

# --- the incident query reads the approval lines back ------------------------------
# The private syslog's lines as rsyslog would write auth.log (a host name
# after the time), through credgate-enroll log --json: who asked for
# request 1, who approved it, who read with it, and why.
if [ "$CG_SYSLOG_FILE" != none ] && JQ=$(command -v jq); then
	clock_real
	sed 's/^<[0-9]*>\(.\{15\}\) /\1 host1 /' "$CG_SYSLOG_FILE" >"$T/auth.log"
	"$abs_top_builddir/tools/credgate-enroll" log --file "$T/auth.log" --json \
		>"$T/out" 2>"$T/err"
	"$JQ" -e -s --arg id "$ID" '[.[] | select(.event == "approval" and
		.id == $id and .result == "granted")] |
		map(.action) == ["request", "approve", "use"] and
		all(.reason == "deploy the 4.2 fix" and .user == "alice" and
		    .credential == "prod-db") and
		.[1].approver == "bob" and .[2].approver == "bob"' "$T/out" >/dev/null
	ok $? "log: credgate-enroll log reads back request, approval and use of $ID"
else
	skip "log: the approval lines read back" "no private syslog or no jq"
fi

clock_real
done_testing
