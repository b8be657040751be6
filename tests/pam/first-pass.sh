#!/bin/sh
# The module's arguments (pam_module/args.c) end to end, in a stack where
# another module asked first: try_first_pass takes the stacked token only
# when it looks like a code (a pam_unix password must not be judged: it
# would count a failure on every login and lock the user out), else
# prompts; use_first_pass never prompts.  pam_set_items (pam_wrapper's
# test module) plays the module stacked above ours (pam_unix): it leaves
# a token in PAM_AUTHTOK, here taken from the environment.
. "$abs_top_srcdir/tests/tap.sh"
. "$abs_top_srcdir/tests/pam/lib.sh"
with_private_syslog "$@"
sandbox_init
SET_ITEMS="$PAM_WRAPPER_MODULES/pam_set_items.so"
[ -f "$SET_ITEMS" ] || skip_all "pam_set_items.so (pam_wrapper) not installed"
plan 20

BASE=1800000015
at() { echo $((BASE + 30 * $1)); }
enroll alice
stack() {   # stack NAME TOKEN CREDGATE-ARGS...: the token, then us
	svc=$1 PAM_AUTHTOK=$2; shift 2
	export PAM_AUTHTOK
	write_service "$svc" "auth required $SET_ITEMS" \
		"auth required $MODULE config=$CONF $*"
}
no_denial() {   # no_denial DESC: no auth denial was logged since the mark
	if [ "$CG_SYSLOG_FILE" = none ]; then skip "$1" "no private syslog"; return; fi
	log_since | grep -q 'event=auth result=denied'; [ $? -ne 0 ]; ok $? "$1"
}
prompts() { grep -c 'Verification code:' "$T/out"; }

# --- try_first_pass --------------------------------------------------------
stack try-pw 'correct horse battery' try_first_pass
log_mark
pam_auth alice "$(code_for alice "$(at 0)")" "$(at 0)" try-pw
ok $? "try_first_pass: a password is not taken for a code; the prompted code logs in"
[ "$(prompts)" = 1 ]; ok $? "try_first_pass: the code prompt is shown after the password"
no_denial "try_first_pass: the password is not judged (no failure counted)"
audit_ok 'event=auth result=granted reason=code user=alice' "try_first_pass: granted audit line"

# A stacked token shaped like a code is taken, and judged: no prompt.
c=$(code_for alice "$(at 1)")
stack try-code "$c" try_first_pass
log_mark
pam_auth alice "" "$(at 1)" try-code
ok $? "try_first_pass: a code typed at the first prompt logs in"
[ "$(prompts)" = 0 ]; ok $? "try_first_pass: no second prompt"
# ... and spaced the way authenticator apps show it ("123 456").
c=$(code_for alice "$(at 2)")
spaced="$(echo "$c" | cut -c1-3) $(echo "$c" | cut -c4-)"
stack try-spaced "$spaced" try_first_pass
pam_auth alice "" "$(at 2)" try-spaced
ok $? "try_first_pass: a code with a space is taken as a code"

# A code-shaped but wrong token is judged and refused (no fallback to
# a prompt: that would give two guesses per login).
w=$(other_code "$(code_for alice "$(at 3)")")
stack try-wrong "$w" try_first_pass
log_mark
pam_auth alice "$(code_for alice "$(at 3)")" "$(at 3)" try-wrong
[ $? -ne 0 ]; ok $? "try_first_pass: a wrong code-shaped token is refused"
[ "$(prompts)" = 0 ]; ok $? "try_first_pass: and no second guess is offered"
audit_ok 'event=auth result=denied reason=bad_code user=alice' "try_first_pass: bad_code audit line"

# --- use_first_pass ---------------------------------------------------------
c=$(code_for alice "$(at 4)")
stack use-code "$c" use_first_pass
pam_auth alice "" "$(at 4)" use-code
ok $? "use_first_pass: the stacked code logs in"
[ "$(prompts)" = 0 ]; ok $? "use_first_pass: never prompts"
stack use-pw 'correct horse battery' use_first_pass
log_mark
pam_auth alice "$(code_for alice "$(at 5)")" "$(at 5)" use-pw
[ $? -ne 0 ]; ok $? "use_first_pass: a password in the stack is refused"
[ "$(prompts)" = 0 ]; ok $? "use_first_pass: no prompt to fall back to"
log_since | grep -q 'correct horse'; [ $? -ne 0 ]; ok $? "use_first_pass: the password is not logged"

# Without either option the module ignores the stacked token and asks.
c=$(code_for alice "$(at 6)")
stack plain "$(other_code "$c")"
pam_auth alice "$c" "$(at 6)" plain
ok $? "no first_pass option: the module prompts for its own code"
[ "$(prompts)" = 1 ]; ok $? "no first_pass option: exactly one prompt"

# --- argument parsing (args.c) --------------------------------------------------
unset PAM_AUTHTOK
bad_arg() {   # bad_arg ARG DESC
	write_service badarg "auth required $MODULE config=$CONF $1"
	log_mark
	pam_auth alice "$(code_for alice "$(at 7)")" "$(at 7)" badarg
	[ $? -ne 0 ] && { [ "$CG_SYSLOG_FILE" = none ] ||
		log_since | grep -q "reason=bad_argument user=alice .*detail="; }
	ok $? "$2"
}
bad_arg 'config=relative.conf' "a relative config= path denies (bad_argument)"
bad_arg 'role=no/such' "an invalid role= name denies (bad_argument)"
bad_arg 'prompt=' "an empty prompt= denies (bad_argument)"
