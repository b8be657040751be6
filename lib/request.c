/* One approval request (request.h): its id, its rules and its text
 * form.  Pure functions of the record, the policy and the time, so the
 * rules are tested without a directory; request_store.c keeps them. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cg_macros.h"
#include "number.h"
#include "random.h"
#include "request.h"
#include "username.h"

#define FORMAT_TAG "credgate-request 1"

/* Crockford's base32 alphabet, lower case: no i, l, o, u to misread. */
static const char id_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

bool cg_request_id_valid(const char *id)
{
	if (id == NULL || strlen(id) != CG_REQUEST_ID_LEN)
		return false;
	for (size_t i = 0; i < CG_REQUEST_ID_LEN; i++) {
		if (i == 4) {
			if (id[i] != '-')
				return false;
		} else if (id[i] == '\0' || strchr(id_alphabet, id[i]) == NULL) {
			return false;
		}
	}
	return true;
}

cg_err cg_request_id_new(char id[CG_REQUEST_ID_LEN + 1])
{
	uint8_t rnd[8];
	cg_err e;

	if ((e = cg_random_bytes(rnd, sizeof(rnd))) != CG_OK)
		return e;
	for (size_t i = 0, j = 0; i < CG_REQUEST_ID_LEN; i++)
		id[i] = i == 4 ? '-' : id_alphabet[rnd[j++] & 31];
	id[CG_REQUEST_ID_LEN] = '\0';
	return CG_OK;
}

bool cg_request_reason_valid(const char *reason)
{
	size_t n = 0;

	if (reason == NULL)
		return false;
	for (; reason[n] != '\0'; n++)
		if (n >= CG_REQUEST_REASON_MAX ||
		    (unsigned char)reason[n] < 0x20 ||
		    (unsigned char)reason[n] > 0x7e)
			return false;
	return n > 0;
}

static const char *const state_names[] = {
	[CG_REQ_OPEN] = "open",
	[CG_REQ_APPROVED] = "approved",
	[CG_REQ_DENIED] = "denied",
	[CG_REQ_USED] = "used",
	[CG_REQ_EXPIRED] = "expired",
};

const char *cg_request_state_name(enum cg_request_state s)
{
	return (size_t)s < CG_ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

static bool is_final(enum cg_request_state s)
{
	return s == CG_REQ_DENIED || s == CG_REQ_USED || s == CG_REQ_EXPIRED;
}

int64_t cg_request_deadline(const struct cg_request *r,
			    const struct cg_credential *cred)
{
	if (cred == NULL || cred->approvals == 0)
		return 0;
	if (r->napprovals < cred->approvals)
		return r->created + cred->approval_ttl;
	return r->approvals[cred->approvals - 1].at + cred->approval_ttl;
}

enum cg_request_state cg_request_status(const struct cg_request *r,
					const struct cg_credential *cred,
					int64_t now, int64_t *until)
{
	int64_t end;

	if (until != NULL)
		*until = 0;
	if (is_final(r->state))
		return r->state;
	if ((end = cg_request_deadline(r, cred)) == 0 || now >= end)
		return CG_REQ_EXPIRED;
	if (r->napprovals >= cred->approvals && r->uses >= cred->approval_uses)
		return CG_REQ_USED;
	if (until != NULL)
		*until = end;
	return r->napprovals < cred->approvals ? CG_REQ_OPEN : CG_REQ_APPROVED;
}

bool cg_request_refresh(struct cg_request *r,
			const struct cg_credential *cred, int64_t now)
{
	enum cg_request_state s = cg_request_status(r, cred, now, NULL);

	if (s == r->state)
		return false;
	r->state = s;
	r->dirty = true;
	if (!is_final(s))
		return false;
	r->closed = now;
	return true;
}

enum cg_request_refusal cg_request_may_vote(const struct cg_request *r,
					    const struct cg_credential *cred,
					    const char *who, bool deny,
					    int64_t now)
{
	enum cg_request_state s;

	if (cred == NULL)
		return CG_REQ_NO_CREDENTIAL;
	if (strcmp(r->user, who) == 0)
		return CG_REQ_SELF;
	/* An approver may take their approval back (deny) until it is used
	 * up; it never counts twice. */
	for (size_t i = 0; !deny && i < r->napprovals; i++)
		if (strcmp(r->approvals[i].by, who) == 0)
			return CG_REQ_TWICE;
	s = cg_request_status(r, cred, now, NULL);
	/* A denial may still stop an approval not used up. */
	if (s == CG_REQ_OPEN || (deny && s == CG_REQ_APPROVED))
		return CG_REQ_OK;
	return CG_REQ_NOT_OPEN;
}

const char *cg_request_refusal_name(enum cg_request_refusal r)
{
	switch (r) {
	case CG_REQ_OK: return "ok";
	case CG_REQ_SELF: return "self_approval";
	case CG_REQ_TWICE: return "already_approved_by_you";
	case CG_REQ_NOT_OPEN: return "not_open";
	case CG_REQ_NO_CREDENTIAL: return "no_such_credential";
	}
	return "unknown";
}

bool cg_request_approve(struct cg_request *r,
			const struct cg_credential *cred, const char *who,
			int64_t now)
{
	struct cg_request_vote *v;

	if (r->napprovals >= CG_APPROVALS_MAX)
		return false;
	v = &r->approvals[r->napprovals++];
	snprintf(v->by, sizeof(v->by), "%s", who);
	v->at = now;
	r->dirty = true;
	if (r->napprovals < cred->approvals)
		return false;
	r->state = CG_REQ_APPROVED;
	return true;
}

void cg_request_deny(struct cg_request *r, const char *who, int64_t now)
{
	snprintf(r->denial.by, sizeof(r->denial.by), "%s", who);
	r->denial.at = now;
	r->state = CG_REQ_DENIED;
	r->closed = now;
	r->dirty = true;
}

/* ---- text form -------------------------------------------------------- */

static bool record_valid(const struct cg_request *r)
{
	if (!cg_request_id_valid(r->id) || !cg_user_name_valid(r->user) ||
	    !cg_config_name_valid(r->credential) || r->created <= 0 ||
	    (unsigned)r->state > CG_REQ_EXPIRED ||
	    r->napprovals > CG_APPROVALS_MAX || r->closed < 0 ||
	    (r->reason[0] != '\0' && !cg_request_reason_valid(r->reason)) ||
	    (r->denial.by[0] != '\0' && !cg_user_name_valid(r->denial.by)))
		return false;
	for (size_t i = 0; i < r->napprovals; i++)
		if (!cg_user_name_valid(r->approvals[i].by))
			return false;
	return true;
}

cg_err cg_request_format(const struct cg_request *r, char **text_out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*text_out = NULL;
	if (r == NULL || !record_valid(r))
		return CG_E_INVAL;
	if ((f = open_memstream(&text, &len)) == NULL)
		return CG_E_NOMEM;
	fprintf(f, FORMAT_TAG "\nid %s\nuser %s\ncredential %s\ncreated %lld\n"
		"state %s\n", r->id, r->user, r->credential,
		(long long)r->created, cg_request_state_name(r->state));
	if (r->reason[0] != '\0')
		fprintf(f, "reason %s\n", r->reason);
	for (size_t i = 0; i < r->napprovals; i++)
		fprintf(f, "approval %s %lld\n", r->approvals[i].by,
			(long long)r->approvals[i].at);
	if (r->denial.by[0] != '\0')
		fprintf(f, "denial %s %lld\n", r->denial.by,
			(long long)r->denial.at);
	fprintf(f, "uses %u\nclosed %lld\n", r->uses, (long long)r->closed);
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return CG_E_NOMEM;
	}
	*text_out = text;
	return CG_OK;
}

/* "NAME EPOCH" for approval and denial lines. */
static bool parse_vote(char *v, struct cg_request_vote *out)
{
	char *sp = strchr(v, ' ');

	if (sp == NULL)
		return false;
	*sp = '\0';
	if (!cg_user_name_valid(v) ||
	    !cg_dec_i64(sp + 1, 1, INT64_MAX, &out->at))
		return false;
	snprintf(out->by, sizeof(out->by), "%s", v);
	return true;
}

static bool parse_state(const char *v, enum cg_request_state *out)
{
	for (size_t i = 0; i < CG_ARRAY_SIZE(state_names); i++) {
		if (strcmp(v, state_names[i]) == 0) {
			*out = (enum cg_request_state)i;
			return true;
		}
	}
	return false;
}

/* A string value into a fixed buffer, refusing one that does not fit. */
static bool copy_value(char *dst, size_t sz, const char *v)
{
	if (strlen(v) >= sz)
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

/* Keys that appear exactly once, as bits of `seen`. */
enum { K_ID, K_USER, K_CRED, K_CREATED, K_STATE, K_REASON, K_DENIAL,
       K_USES, K_CLOSED, K_REQUIRED = 0x19f };

static bool parse_line(char *line, struct cg_request *r, unsigned *seen)
{
	static const char *const once[] = {
		"id", "user", "credential", "created", "state", "reason",
		"denial", "uses", "closed",
	};
	char *v = strchr(line, ' ');
	size_t k;
	int64_t n;

	if (v == NULL)
		return false;
	*v++ = '\0';
	if (strcmp(line, "approval") == 0)
		return r->napprovals < CG_APPROVALS_MAX &&
		       parse_vote(v, &r->approvals[r->napprovals++]);
	for (k = 0; k < CG_ARRAY_SIZE(once) && strcmp(line, once[k]) != 0; k++)
		;
	if (k == CG_ARRAY_SIZE(once) || (*seen & (1u << k)))
		return false;
	*seen |= 1u << k;
	switch (k) {
	case K_ID:
		return copy_value(r->id, sizeof(r->id), v);
	case K_USER:
		return copy_value(r->user, sizeof(r->user), v);
	case K_CRED:
		return copy_value(r->credential, sizeof(r->credential), v);
	case K_CREATED:
		return cg_dec_i64(v, 1, INT64_MAX, &r->created);
	case K_STATE:
		return parse_state(v, &r->state);
	case K_REASON:
		return copy_value(r->reason, sizeof(r->reason), v);
	case K_DENIAL:
		return parse_vote(v, &r->denial);
	case K_USES:
		return cg_dec_unsigned(v, UINT32_MAX, true, &r->uses);
	case K_CLOSED:
		if (!cg_dec_i64(v, 0, INT64_MAX, &n))
			return false;
		r->closed = n;
		return true;
	}
	return false;
}

cg_err cg_request_parse(const char *text, size_t len, struct cg_request *out,
			unsigned *bad_line)
{
	char buf[CG_REQUEST_MAX_BYTES + 1], *line, *nl;
	unsigned seen = 0, lineno = 1;

	if (bad_line != NULL)
		*bad_line = 0;
	memset(out, 0, sizeof(*out));
	if (text == NULL || len > CG_REQUEST_MAX_BYTES ||
	    memchr(text, '\0', len) != NULL || len == 0 ||
	    text[len - 1] != '\n')
		goto bad;
	memcpy(buf, text, len);
	buf[len] = '\0';
	nl = strchr(buf, '\n');
	*nl = '\0';
	if (strcmp(buf, FORMAT_TAG) != 0)
		goto bad;
	for (line = nl + 1; *line != '\0'; line = nl + 1) {
		lineno++;
		nl = strchr(line, '\n');
		*nl = '\0';
		if (!parse_line(line, out, &seen))
			goto bad;
	}
	lineno++;               /* a missing key: one past the last line */
	if ((seen & K_REQUIRED) != K_REQUIRED || !record_valid(out))
		goto bad;
	return CG_OK;
bad:
	if (bad_line != NULL)
		*bad_line = lineno;
	memset(out, 0, sizeof(*out));
	return CG_E_PARSE;
}
