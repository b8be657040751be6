/* Two-person approval in the gate (credgate.conf approvals = N; the
 * rules in lib/request.h): request, approve, deny, requests, and the
 * approved read that cat and run take.
 *
 * Every step that needs a code checks what it can first (reader,
 * approver, not the requester, request still open) so nobody types a
 * code for nothing, then authenticates through PAM, then checks again
 * inside the transaction that changes the request: between the two, the
 * request may have expired, been denied, or been approved by the same
 * person in another terminal.  Every step, refused or done, is one audit
 * line event=approval action=request|approve|deny|use|expire. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "audit.h"
#include "datetime.h"
#include "gate.h"
#include "json.h"
#include "policy.h"
#include "request.h"

/* "bob,carol": who approved, for the audit line. */
static void approver_list(const struct cg_request *r, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (size_t i = 0; i < r->napprovals; i++)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s%s",
			 i > 0 ? "," : "", r->approvals[i].by);
}

/* event=approval result=granted|denied|ok (expire) action=
 * reason=<the requester's reason> id=
 * user=<requester> approver= credential= service= tty= [detail=]. */
static void audit_approval(const struct gate *g, const char *action,
			   const char *result, const struct cg_request *r,
			   const char *approver, const char *detail)
{
	struct cg_audit_event ev = {
		.event = "approval",
		.result = result,
		.action = action,
		.reason = cg_audit_or_none(r->reason),
		.id = cg_audit_or_none(r->id),
		.user = cg_audit_or_none(r->user),
		.approver = cg_audit_or_none(approver),
		.credential = cg_audit_or_none(r->credential),
		.service = CG_GATE_SERVICE,
		.tty = cg_audit_or_none(g->caller.tty),
		.detail = detail,
	};

	cg_audit_emit(&ev, NULL, NULL);
}

/* Why and when a request ran out, for its expire line: the line is
 * written when the gate next looks at the requests, which may be
 * later. */
static void expire_detail(const struct cg_request *r,
			  const struct cg_credential *c, char *buf, size_t sz)
{
	char when[CG_DATETIME_TEXT_MAX];
	int64_t end = cg_request_deadline(r, c);

	if (c == NULL) {
		snprintf(buf, sz, "the policy no longer has the credential");
		return;
	}
	if (end == 0) {
		snprintf(buf, sz, "the credential no longer needs approval");
		return;
	}
	cg_datetime_format(end, when, sizeof(when));
	snprintf(buf, sz, "%s in time: ran out %s",
		 r->napprovals >= c->approvals ? "approved, not used" :
						 "not approved", when);
}

/* Bring every request up to date with the policy and the clock; each
 * that has just run out is audited once, as action=expire. */
static void sweep(const struct gate *g, struct cg_request_set *set)
{
	char who[CG_APPROVALS_MAX * (CG_USER_NAME_LEN + 1) + 1];
	char detail[96];

	for (size_t i = 0; i < set->n; i++) {
		struct cg_request *r = &set->r[i];
		const struct cg_credential *c =
			cg_config_credential(g->cfg, r->credential);

		if (!cg_request_refresh(r, c, set->now) ||
		    r->state != CG_REQ_EXPIRED)
			continue;
		expire_detail(r, c, detail, sizeof(detail));
		approver_list(r, who, sizeof(who));
		audit_approval(g, "expire", "ok", r, who, detail);
	}
}

/* Report a request transaction that failed for a reason of the store. */
static int store_failure(const struct gate *g, const char *what, cg_err e,
			 const char *bad_id)
{
	char detail[400];

	snprintf(detail, sizeof(detail), "%s: requests in %.*s/" CG_REQUEST_DIR
		 ": %s%s%s", what, 200, g->cfg->defaults.state_dir,
		 cg_strerror(e), bad_id[0] != '\0' ? ": record " : "", bad_id);
	gate_audit(g, false, "state_error", detail);
	gate_err("%s", detail);
	return GATE_EXIT_ERROR;
}

static const char *state_dir(const struct gate *g)
{
	return g->cfg->defaults.state_dir;
}

/* "in 14m", for people. */
static void format_left(int64_t seconds, char *buf, size_t sz)
{
	if (seconds < 120)
		snprintf(buf, sz, "%llds", (long long)seconds);
	else if (seconds < 7200)
		snprintf(buf, sz, "%lldm", (long long)(seconds / 60));
	else
		snprintf(buf, sz, "%lldh", (long long)(seconds / 3600));
}

/* ---- request NAME ---------------------------------------------------- */

struct request_txn {
	const struct gate *g;
	const struct cg_credential *c;
	bool apply;                      /* false: only look */
	struct cg_request made;          /* a copy of the new request */
	unsigned open;                   /* the caller's live requests */
};

static cg_err request_fn(struct cg_request_set *set, void *arg)
{
	struct request_txn *t = arg;
	struct cg_request *r;
	cg_err e;

	sweep(t->g, set);
	t->open = 0;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->r[i].user, t->g->caller.name) == 0 &&
		    (set->r[i].state == CG_REQ_OPEN ||
		     set->r[i].state == CG_REQ_APPROVED))
			t->open++;
	if (t->open >= CG_REQUESTS_OPEN_PER_USER ||
	    set->n >= CG_REQUESTS_MAX)
		return CG_E_TOOBIG;
	if (!t->apply)
		return CG_OK;
	e = cg_request_add(set, t->g->caller.name, t->c->name,
			   t->g->args.reason, &r);
	if (e == CG_OK)
		t->made = *r;
	return e;
}

/* The reader check before the prompt (the account stage checks again). */
static int must_read(const struct gate *g, const struct cg_credential *c,
		     struct cg_request *stub)
{
	struct cg_decision d;
	cg_err e;

	e = cg_policy_check_credential(g->cfg, g->caller.name, c->name, &d);
	if (e != CG_OK) {
		gate_audit(g, false, "nss_error", cg_strerror(e));
		gate_err("cannot resolve your groups: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	if (d.granted)
		return GATE_EXIT_OK;
	audit_approval(g, "request", "denied", stub, NULL,
		       cg_policy_reason_name(d.reason));
	gate_err("access denied: you may not read %s", c->name);
	return GATE_EXIT_DENIED;
}

/* The request transaction: only looking (before the prompt: the
 * state directory is usable and the caller may still ask) or making
 * the request (after it). */
static int request_step(const struct gate *g, struct request_txn *t,
			const struct cg_request *stub, bool apply)
{
	char bad[CG_REQUEST_ID_LEN + 1];
	bool mine;
	cg_err e;

	t->apply = apply;
	e = cg_requests_update(state_dir(g), apply, time(NULL), request_fn, t,
			       bad);
	if (e == CG_E_TOOBIG) {
		mine = t->open >= CG_REQUESTS_OPEN_PER_USER;
		audit_approval(g, "request", "denied", stub, NULL, mine ?
			       "too_many_open_requests" : "too_many_requests");
		if (mine)
			gate_err("too many open requests (%u of yours); wait "
				 "for them or let them expire", t->open);
		else
			gate_err("too many requests on this host (%d); wait "
				 "for them to expire", CG_REQUESTS_MAX);
		return GATE_EXIT_DENIED;
	}
	if (e != CG_OK)
		return store_failure(g, "request", e, bad);
	return GATE_EXIT_OK;
}

int gate_cmd_request(const struct gate *g)
{
	const struct cg_credential *c =
		cg_config_credential(g->cfg, g->args.credential);
	struct request_txn t = { .g = g, .c = c };
	struct cg_request stub;
	char when[CG_DATETIME_TEXT_MAX];
	int ret;

	memset(&stub, 0, sizeof(stub));
	/* The caller's name passed cg_user_name_valid: it fits. */
	snprintf(stub.user, sizeof(stub.user), "%.*s",
		 (int)sizeof(stub.user) - 1, g->caller.name);
	snprintf(stub.credential, sizeof(stub.credential), "%s",
		 g->args.credential);
	snprintf(stub.reason, sizeof(stub.reason), "%s",
		 g->args.reason != NULL ? g->args.reason : "");
	if (c == NULL) {
		audit_approval(g, "request", "denied", &stub, NULL,
			       "no_such_credential");
		gate_err("no credential %s in the policy", g->args.credential);
		return GATE_EXIT_DENIED;
	}
	if (c->approvals == 0) {
		gate_err("%s needs no approval: read it with 'credgate cat %s'",
			 c->name, c->name);
		return GATE_EXIT_USAGE;
	}
	/* Look first: nobody types a code for a request that cannot be
	 * made (too many, or the state directory unusable). */
	if ((ret = must_read(g, c, &stub)) != GATE_EXIT_OK ||
	    (ret = request_step(g, &t, &stub, false)) != GATE_EXIT_OK ||
	    (ret = gate_pam_authorize(g, c->name, CG_ACCESS_REQUEST)) !=
	    GATE_EXIT_OK ||
	    (ret = request_step(g, &t, &stub, true)) != GATE_EXIT_OK)
		return ret;
	audit_approval(g, "request", "granted", &t.made, NULL, NULL);
	cg_datetime_format(t.made.created + c->approval_ttl, when, sizeof(when));
	printf("%s\n", t.made.id);
	fprintf(stderr, "credgate: request %s: %s needs %u approval%s by "
		"someone else; it expires at %s\n", t.made.id, c->name,
		c->approvals, c->approvals > 1 ? "s" : "", when);
	if (fflush(stdout) != 0 || ferror(stdout))
		return GATE_EXIT_ERROR;
	return GATE_EXIT_OK;
}

/* ---- approve ID, deny ID ---------------------------------------------- */

struct vote_txn {
	const struct gate *g;
	bool deny;
	bool apply;                      /* false: only look */
	bool found;
	struct cg_request r;             /* the request as found (and left) */
	enum cg_request_refusal refusal;
	bool completed;
};

static cg_err vote_fn(struct cg_request_set *set, void *arg)
{
	struct vote_txn *t = arg;
	const struct cg_credential *c;
	struct cg_request *r;

	sweep(t->g, set);
	if ((r = cg_request_find(set, t->g->args.request_id)) == NULL)
		return CG_OK;
	t->found = true;
	c = cg_config_credential(t->g->cfg, r->credential);
	t->refusal = cg_request_may_vote(r, c, t->g->caller.name, t->deny,
					 set->now);
	if (t->apply && t->refusal == CG_REQ_OK) {
		if (t->deny)
			cg_request_deny(r, t->g->caller.name, set->now);
		else
			t->completed = cg_request_approve(r, c,
							  t->g->caller.name,
							  set->now);
	}
	t->r = *r;
	return CG_OK;
}

/* Say why a vote is refused, and audit it. */
static int refuse_vote(const struct gate *g, const struct vote_txn *t,
		       const char *action)
{
	audit_approval(g, action, "denied", &t->r, g->caller.name,
		       cg_request_refusal_name(t->refusal));
	switch (t->refusal) {
	case CG_REQ_SELF:
		gate_err("request %s is your own: someone else must %s it",
			 t->r.id, action);
		break;
	case CG_REQ_TWICE:
		gate_err("you have approved request %s already; another "
			 "approver must do the rest", t->r.id);
		break;
	case CG_REQ_NO_CREDENTIAL:
		gate_err("request %s is for %s, which the policy no longer has",
			 t->r.id, t->r.credential);
		break;
	default:
		gate_err("request %s is %s", t->r.id,
			 cg_request_state_name(t->r.state));
		break;
	}
	return GATE_EXIT_DENIED;
}

/* Is the caller an approver of the credential?  Before the prompt. */
static int must_approve(const struct gate *g, const struct vote_txn *t,
			const char *action)
{
	struct cg_decision d;
	char detail[600];
	cg_err e;

	e = cg_policy_check_access(g->cfg, g->caller.name, t->r.credential,
				   CG_ACCESS_APPROVE, &d);
	if (e != CG_OK) {
		gate_audit(g, false, "nss_error", cg_strerror(e));
		gate_err("cannot resolve your groups: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	if (d.granted)
		return GATE_EXIT_OK;
	snprintf(detail, sizeof(detail), "not_approver: %s", d.explain);
	audit_approval(g, action, "denied", &t->r, g->caller.name, detail);
	gate_err("you may not %s requests for %s", action, t->r.credential);
	return GATE_EXIT_DENIED;
}

static void report_vote(const struct gate *g, const struct vote_txn *t,
			const char *action)
{
	const struct cg_credential *c =
		cg_config_credential(g->cfg, t->r.credential);
	char detail[64], when[CG_DATETIME_TEXT_MAX];

	if (t->deny) {
		audit_approval(g, action, "granted", &t->r, g->caller.name, NULL);
		printf("denied request %s: %s may not read %s\n", t->r.id,
		       t->r.user, t->r.credential);
		return;
	}
	snprintf(detail, sizeof(detail), "approval %zu of %u",
		 t->r.napprovals, c != NULL ? c->approvals : 0);
	audit_approval(g, action, "granted", &t->r, g->caller.name, detail);
	if (!t->completed || c == NULL) {
		printf("approved request %s (%s); it needs another approver\n",
		       t->r.id, detail);
		return;
	}
	cg_datetime_format(t->r.approvals[t->r.napprovals - 1].at +
			   c->approval_ttl, when, sizeof(when));
	printf("approved request %s: %s may read %s %u time%s until %s\n",
	       t->r.id, t->r.user, t->r.credential, c->approval_uses,
	       c->approval_uses > 1 ? "s" : "", when);
}

int gate_cmd_vote(const struct gate *g)
{
	bool deny = g->args.cmd == GATE_CMD_DENY;
	const char *action = deny ? "deny" : "approve";
	struct vote_txn t = { .g = g, .deny = deny };
	char bad[CG_REQUEST_ID_LEN + 1];
	int ret;
	cg_err e;

	/* Look first: nobody types a code for a vote that cannot count. */
	e = cg_requests_update(state_dir(g), false, time(NULL), vote_fn, &t,
			       bad);
	if (e != CG_OK)
		return store_failure(g, action, e, bad);
	if (!t.found) {
		snprintf(t.r.id, sizeof(t.r.id), "%s", g->args.request_id);
		audit_approval(g, action, "denied", &t.r, g->caller.name,
			       "no_such_request");
		gate_err("no request %s", g->args.request_id);
		return GATE_EXIT_DENIED;
	}
	if (t.refusal != CG_REQ_OK)
		return refuse_vote(g, &t, action);
	if ((ret = must_approve(g, &t, action)) != GATE_EXIT_OK)
		return ret;
	ret = gate_pam_authorize(g, t.r.credential,
				 deny ? CG_ACCESS_DENY : CG_ACCESS_APPROVE);
	if (ret != GATE_EXIT_OK)
		return ret;
	/* Again, under the lock: the request may have changed meanwhile. */
	t.apply = true;
	t.found = false;
	e = cg_requests_update(state_dir(g), false, time(NULL), vote_fn, &t,
			       bad);
	if (e != CG_OK)
		return store_failure(g, action, e, bad);
	if (!t.found) {
		gate_err("request %s is gone", g->args.request_id);
		return GATE_EXIT_DENIED;
	}
	if (t.refusal != CG_REQ_OK)
		return refuse_vote(g, &t, action);
	report_vote(g, &t, action);
	if (fflush(stdout) != 0 || ferror(stdout))
		return GATE_EXIT_ERROR;
	return GATE_EXIT_OK;
}

/* ---- requests --------------------------------------------------------- */

/* An open request the caller may approve, copied out of the
 * transaction: nothing is printed while the directory is locked, and a
 * failure halfway prints nothing. */
struct listed {
	struct cg_request r;
	unsigned needed;                 /* the credential's approvals */
	int64_t until;                   /* when it expires unapproved */
};

struct list_txn {
	const struct gate *g;
	const struct cg_user_info *u;
	struct listed *items;
	size_t n;
	cg_err err;
};

/* Root (the real uid) sees every open request: the admin's overview,
 * and what a cron job listing them is for. */
static cg_err list_fn(struct cg_request_set *set, void *arg)
{
	struct list_txn *t = arg;
	bool all = t->g->caller.uid == 0;

	sweep(t->g, set);
	if (set->n > 0 &&
	    (t->items = calloc(set->n, sizeof(*t->items))) == NULL)
		return CG_E_NOMEM;
	for (size_t i = 0; i < set->n; i++) {
		const struct cg_request *r = &set->r[i];
		const struct cg_credential *c =
			cg_config_credential(t->g->cfg, r->credential);
		struct cg_decision d;
		struct listed *l = &t->items[t->n];

		if (r->state != CG_REQ_OPEN || c == NULL)
			continue;
		if (!all) {
			if (cg_request_may_vote(r, c, t->g->caller.name, false,
						set->now) != CG_REQ_OK)
				continue;
			t->err = cg_policy_decide_access(t->g->cfg, t->u,
							 r->credential,
							 CG_ACCESS_APPROVE, &d);
			if (t->err != CG_OK)
				return CG_OK;   /* the expiries found count */
			if (!d.granted)
				continue;
		}
		l->r = *r;
		l->needed = c->approvals;
		(void)cg_request_status(r, c, set->now, &l->until);
		t->n++;
	}
	return CG_OK;
}

/* Oldest first (readdir's order is none); ids break ties. */
static int listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	if (x->r.created != y->r.created)
		return x->r.created < y->r.created ? -1 : 1;
	return strcmp(x->r.id, y->r.id);
}

/* ID USER CREDENTIAL AGE APPROVALS REASON, one line each. */
static void print_requests_text(const struct list_txn *t, int64_t now)
{
	char age[32];

	for (size_t i = 0; i < t->n; i++) {
		const struct listed *l = &t->items[i];

		format_left(now - l->r.created, age, sizeof(age));
		printf("%s  %-12s %-16s %5s  %zu/%u  %s\n", l->r.id, l->r.user,
		       l->r.credential, age, l->r.napprovals, l->needed,
		       l->r.reason[0] != '\0' ? l->r.reason : "-");
	}
	if (t->n == 0)
		gate_err("%s", t->g->caller.uid == 0 ? "no open request" :
			 "no open request awaits your approval");
}

/* The schema of requests --json (credgate(1), JSON OUTPUT). */
static void print_requests_json(const struct list_txn *t, int64_t now)
{
	struct cg_json_out w;

	cg_json_out_init(&w, stdout);
	cg_json_out_object(&w, NULL);
	cg_json_out_str(&w, "user", t->g->caller.name);
	cg_json_out_array(&w, "requests");
	for (size_t i = 0; i < t->n; i++) {
		const struct listed *l = &t->items[i];

		cg_json_out_object(&w, NULL);
		cg_json_out_str(&w, "id", l->r.id);
		cg_json_out_str(&w, "requester", l->r.user);
		cg_json_out_str(&w, "credential", l->r.credential);
		cg_json_out_str(&w, "reason", l->r.reason[0] != '\0' ?
				l->r.reason : NULL);
		cg_json_out_int(&w, "created", (long long)l->r.created);
		cg_json_out_int(&w, "age", (long long)(now - l->r.created));
		cg_json_out_int(&w, "expires", (long long)l->until);
		cg_json_out_int(&w, "approvals_needed", l->needed);
		cg_json_out_array(&w, "approved_by");
		for (size_t k = 0; k < l->r.napprovals; k++)
			cg_json_out_str(&w, NULL, l->r.approvals[k].by);
		cg_json_out_close(&w);
		cg_json_out_close(&w);
	}
	cg_json_out_close(&w);
	cg_json_out_close(&w);
}

int gate_cmd_requests(const struct gate *g)
{
	struct cg_user_info u;
	struct list_txn t = { .g = g, .u = &u };
	char bad[CG_REQUEST_ID_LEN + 1];
	int64_t now = time(NULL);
	int ret = GATE_EXIT_OK;
	cg_err e;

	if ((e = cg_user_info_lookup(g->caller.name, &u)) != CG_OK) {
		gate_err("cannot resolve your groups: %s", cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	e = cg_requests_update(state_dir(g), false, now, list_fn, &t, bad);
	cg_user_info_free(&u);
	if (e != CG_OK) {
		ret = store_failure(g, "requests", e, bad);
	} else if (t.err != CG_OK) {
		gate_err("cannot resolve your groups: %s", cg_strerror(t.err));
		ret = GATE_EXIT_ERROR;
	} else {
		if (t.n > 1)
			qsort(t.items, t.n, sizeof(*t.items), listed_cmp);
		if (g->args.json)
			print_requests_json(&t, now);
		else
			print_requests_text(&t, now);
		if (fflush(stdout) != 0 || ferror(stdout))
			ret = GATE_EXIT_ERROR;
	}
	free(t.items);
	return ret;
}

/* ---- the approved read ------------------------------------------------ */

struct use_txn {
	const struct gate *g;
	const struct cg_credential *c;
	bool take;                       /* false: only look */
	bool found;
	struct cg_request r;
};

/* The caller's approved request for c that runs out first. */
static cg_err use_fn(struct cg_request_set *set, void *arg)
{
	struct use_txn *t = arg;
	struct cg_request *best = NULL;
	int64_t best_until = 0, until;

	sweep(t->g, set);
	for (size_t i = 0; i < set->n; i++) {
		struct cg_request *r = &set->r[i];

		if (strcmp(r->user, t->g->caller.name) != 0 ||
		    strcmp(r->credential, t->c->name) != 0 ||
		    cg_request_status(r, t->c, set->now, &until) !=
		    CG_REQ_APPROVED)
			continue;
		if (best == NULL || until < best_until) {
			best = r;
			best_until = until;
		}
	}
	if (best == NULL)
		return CG_OK;
	t->found = true;
	if (t->take) {
		best->uses++;
		best->dirty = true;
		(void)cg_request_refresh(best, t->c, set->now);
	}
	t->r = *best;
	return CG_OK;
}

static int approval_required(const struct gate *g,
			     const struct cg_credential *c)
{
	char detail[96];

	snprintf(detail, sizeof(detail), "%u approval%s needed", c->approvals,
		 c->approvals > 1 ? "s" : "");
	gate_audit(g, false, "approval_required", detail);
	gate_err("%s needs approval first: run 'credgate request %s "
		 "--reason ...' and ask an approver", c->name, c->name);
	return GATE_EXIT_DENIED;
}

static int use_txn(const struct gate *g, const struct cg_credential *c,
		   bool take)
{
	struct use_txn t = { .g = g, .c = c, .take = take };
	char bad[CG_REQUEST_ID_LEN + 1], who[CG_APPROVALS_MAX *
					     (CG_USER_NAME_LEN + 1) + 1];
	char detail[64];
	cg_err e;

	e = cg_requests_update(state_dir(g), false, time(NULL), use_fn, &t,
			       bad);
	if (e != CG_OK)
		return store_failure(g, "use", e, bad);
	if (!t.found)
		return approval_required(g, c);
	if (!take)
		return GATE_EXIT_OK;
	approver_list(&t.r, who, sizeof(who));
	snprintf(detail, sizeof(detail), "read %u of %u", t.r.uses,
		 c->approval_uses);
	audit_approval(g, "use", "granted", &t.r, who, detail);
	return GATE_EXIT_OK;
}

int gate_approval_precheck(const struct gate *g, const struct cg_credential *c)
{
	if (c->approvals == 0)
		return GATE_EXIT_OK;
	return use_txn(g, c, false);
}

int gate_approval_use(const struct gate *g, const struct cg_credential *c)
{
	if (c->approvals == 0)
		return GATE_EXIT_OK;
	return use_txn(g, c, true);
}
