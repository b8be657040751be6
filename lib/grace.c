/* Grace records per login session (see grace.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "grace.h"
#include "number.h"
#include "safefile.h"
#include "username.h"

#define GRACE_HEADER "credgate-grace 1"
#define GRACE_FIELDS 6
#define GRACE_LOCK_TIMEOUT_MS 2000
#define GRACE_DIR_MODE 0700
/* Lock file ".USER.lock", temp file ".USER.tmp" */
#define LOCK_NAME_SIZE (CG_USER_NAME_LEN + 7)

bool cg_grace_service_valid(const char *service)
{
	size_t n = 0;

	if (service == NULL)
		return false;
	for (const char *p = service; *p != '\0'; p++, n++) {
		char c = *p;

		if (n + 1 >= CG_SERVICE_MAX ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || strchr("_.@+-", c) != NULL))
			return false;
	}
	return n > 0;
}

static bool same_session(const struct cg_grace_record *r, const char *service,
			 const struct cg_session *s)
{
	return strcmp(r->service, service) == 0 &&
	       r->session.major == s->major && r->session.minor == s->minor &&
	       r->session.sid == s->sid &&
	       r->session.leader_start == s->leader_start &&
	       strcmp(r->session.boot_id, s->boot_id) == 0;
}

/* ---- text form ------------------------------------------------------- */

/* A field of n bytes as canonical decimal (number.h) up to max. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	char buf[24];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return cg_dec_u64(buf, max, true, out);
}

static bool parse_dev(const char *s, size_t n, struct cg_session *ses)
{
	const char *colon = memchr(s, ':', n);
	uint64_t maj = 0, min = 0;

	if (colon == NULL ||
	    !parse_dec(s, (size_t)(colon - s), 0xfff, &maj) ||
	    !parse_dec(colon + 1, n - (size_t)(colon - s) - 1, 0xfffff, &min))
		return false;
	ses->major = (unsigned)maj;
	ses->minor = (unsigned)min;
	return true;
}

/* One record line (without its '\n'): six fields, one space apart. */
static bool parse_record(const char *line, size_t len,
			 struct cg_grace_record *r)
{
	const char *f[GRACE_FIELDS];
	size_t fl[GRACE_FIELDS], k = 0;
	uint64_t v = 0;

	memset(r, 0, sizeof(*r));
	f[0] = line;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		fl[k] = (size_t)(line + i - f[k]);
		if (++k == GRACE_FIELDS)
			break;
		f[k] = line + i + 1;
	}
	if (k != GRACE_FIELDS || f[5] + fl[5] != line + len)
		return false;
	if (fl[0] >= CG_SERVICE_MAX || fl[4] != CG_BOOT_ID_SIZE - 1)
		return false;
	memcpy(r->service, f[0], fl[0]);
	memcpy(r->session.boot_id, f[4], fl[4]);
	if (!cg_grace_service_valid(r->service) ||
	    strspn(r->session.boot_id, "0123456789abcdef-") != fl[4] ||
	    !parse_dev(f[1], fl[1], &r->session))
		return false;
	if (!parse_dec(f[2], fl[2], INT_MAX, &v) || v == 0)
		return false;
	r->session.sid = (long long)v;
	if (!parse_dec(f[3], fl[3], UINT64_MAX, &v))
		return false;
	r->session.leader_start = v;
	if (!parse_dec(f[5], fl[5], INT64_MAX, &v))
		return false;
	r->at = (int64_t)v;
	return true;
}

cg_err cg_grace_parse(const char *text, size_t len, struct cg_grace_list *out)
{
	size_t pos = 0, hl = strlen(GRACE_HEADER);

	memset(out, 0, sizeof(*out));
	if (len < hl + 1 || memcmp(text, GRACE_HEADER "\n", hl + 1) != 0)
		return CG_E_PARSE;
	for (size_t i = 0; i < len; i++)
		if ((text[i] < 0x20 && text[i] != '\n') || text[i] == 0x7f ||
		    (text[i] & 0x80) != 0)
			return CG_E_PARSE;
	for (pos = hl + 1; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		if (nl == NULL || out->n == CG_GRACE_RECORDS ||
		    !parse_record(text + pos, (size_t)(nl - text) - pos,
				  &out->rec[out->n])) {
			memset(out, 0, sizeof(*out));
			return CG_E_PARSE;
		}
		out->n++;
		pos = (size_t)(nl - text) + 1;
	}
	return CG_OK;
}

cg_err cg_grace_format(const struct cg_grace_list *l, char **text_out)
{
	char *buf = NULL;
	size_t sz = CG_GRACE_FILE_MAX, len;
	int n;

	*text_out = NULL;
	if (l->n > CG_GRACE_RECORDS)
		return CG_E_INVAL;
	if ((buf = malloc(sz)) == NULL)
		return CG_E_NOMEM;
	len = (size_t)snprintf(buf, sz, "%s\n", GRACE_HEADER);
	for (size_t i = 0; i < l->n; i++) {
		const struct cg_grace_record *r = &l->rec[i];

		if (!cg_grace_service_valid(r->service) || r->session.sid <= 0 ||
		    r->session.sid > INT_MAX || r->at < 0 ||
		    r->session.major > 0xfff || r->session.minor > 0xfffff ||
		    strnlen(r->session.boot_id, CG_BOOT_ID_SIZE) !=
		    CG_BOOT_ID_SIZE - 1) {
			free(buf);
			return CG_E_INVAL;
		}
		n = snprintf(buf + len, sz - len, "%s %u:%u %lld %llu %s %" PRId64
			     "\n", r->service, r->session.major,
			     r->session.minor, r->session.sid,
			     r->session.leader_start, r->session.boot_id, r->at);
		if (n < 0 || (size_t)n >= sz - len) {
			free(buf);
			return CG_E_TOOBIG;
		}
		len += (size_t)n;
	}
	*text_out = buf;
	return CG_OK;
}

/* ---- the directory --------------------------------------------------- */

/* Read dir/user into l; a missing file is an empty list. */
static cg_err read_list(int dirfd, const char *user, struct cg_grace_list *l)
{
	char *text = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err e;

	memset(l, 0, sizeof(*l));
	e = cg_openat_file(dirfd, user, O_RDONLY, 077, &fd, NULL);
	if (e == CG_E_NOENT)
		return CG_OK;
	if (e == CG_OK)
		e = cg_read_all(fd, CG_GRACE_FILE_MAX, &text, &len);
	if (e == CG_OK)
		e = cg_grace_parse(text, len, l);
	if (fd >= 0)
		close(fd);
	free(text);
	return e;
}

cg_err cg_grace_check(const char *dir, const char *user, const char *service,
		      const struct cg_session *s, unsigned grace, time_t now,
		      bool *applies)
{
	struct cg_grace_list l;
	int dirfd = -1;
	cg_err e;

	*applies = false;
	if (!cg_user_name_valid(user) || !cg_grace_service_valid(service))
		return CG_E_NAME;
	if (grace == 0)
		return CG_OK;
	e = cg_open_dir(dir, 077, &dirfd);
	if (e == CG_E_NOENT)
		return CG_OK;
	if (e != CG_OK)
		return e;
	/* No lock: the file is only ever replaced by rename. */
	if ((e = read_list(dirfd, user, &l)) == CG_OK) {
		for (size_t i = 0; i < l.n; i++)
			if (same_session(&l.rec[i], service, s) &&
			    l.rec[i].at <= (int64_t)now &&
			    (int64_t)now - l.rec[i].at < (int64_t)grace)
				*applies = true;
	}
	close(dirfd);
	return e;
}

/* Keep what may still matter, drop this session's old record, then
 * make room and append. */
static void list_update(struct cg_grace_list *l, const char *service,
			const struct cg_session *s, time_t now)
{
	struct cg_grace_record *r;
	size_t k = 0, oldest = 0;

	for (size_t i = 0; i < l->n; i++) {
		r = &l->rec[i];
		if (same_session(r, service, s) ||
		    strcmp(r->session.boot_id, s->boot_id) != 0 ||
		    r->at > (int64_t)now ||
		    (int64_t)now - r->at >= CG_GRACE_MAX_SECONDS)
			continue;
		l->rec[k++] = *r;
	}
	l->n = k;
	if (l->n == CG_GRACE_RECORDS) {
		for (size_t i = 1; i < l->n; i++)
			if (l->rec[i].at < l->rec[oldest].at)
				oldest = i;
		l->rec[oldest] = l->rec[--l->n];
	}
	r = &l->rec[l->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->service, service, strlen(service) + 1);
	r->session = *s;
	r->at = (int64_t)now;
}

static cg_err lock_user(int dirfd, const char *user, int *lockfd)
{
	char name[LOCK_NAME_SIZE];

	snprintf(name, sizeof(name), ".%s.lock", user);
	return cg_lock_file(dirfd, name, GRACE_LOCK_TIMEOUT_MS, lockfd);
}

cg_err cg_grace_record(const char *dir, const char *user, const char *service,
		       const struct cg_session *s, time_t now)
{
	struct cg_grace_list l;
	char *text = NULL, tmp[LOCK_NAME_SIZE];
	int dirfd = -1, lockfd = -1;
	cg_err e;

	if (!cg_user_name_valid(user) || !cg_grace_service_valid(service))
		return CG_E_NAME;
	snprintf(tmp, sizeof(tmp), ".%s.tmp", user);
	if ((e = cg_open_dir_create(dir, GRACE_DIR_MODE, 077, &dirfd,
				    NULL)) != CG_OK)
		return e;
	if ((e = lock_user(dirfd, user, &lockfd)) != CG_OK)
		goto out;
	/* A damaged file grants nothing: start afresh rather than fail. */
	if (read_list(dirfd, user, &l) != CG_OK)
		memset(&l, 0, sizeof(l));
	list_update(&l, service, s, now);
	if ((e = cg_grace_format(&l, &text)) != CG_OK)
		goto out;
	/* Under the lock the fixed temp name is ours; what a killed writer
	 * left there is removed first. */
	e = cg_atomic_replace_nosync(dirfd, user, tmp, text, strlen(text),
				     0600);
 out:
	free(text);
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
	return e;
}

cg_err cg_grace_forget(const char *dir, const char *user)
{
	int dirfd = -1, lockfd = -1;
	cg_err e;

	if (!cg_user_name_valid(user))
		return CG_E_NAME;
	e = cg_open_dir(dir, 077, &dirfd);
	if (e == CG_E_NOENT)
		return CG_OK;
	if (e != CG_OK)
		return e;
	if ((e = lock_user(dirfd, user, &lockfd)) == CG_OK &&
	    unlinkat(dirfd, user, 0) == -1 && errno != ENOENT)
		e = CG_E_IO;
	if (lockfd >= 0)
		close(lockfd);
	close(dirfd);
	return e;
}
