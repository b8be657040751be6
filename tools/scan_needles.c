/* What the scanner looks for.  Each credential file of the policy is read
 * (as the gate opens it) into locked memory and cut into needles: the
 * whole content, each line, and the value-like parts of each line — the
 * password in "relay-user:s3cr3t-pw", the value in "KEY=...", the last
 * field of "[host]:port user:pass".  Parts shorter than min_length are
 * dropped so common words never match.  Every needle goes into one
 * matcher (lib/acmatch.c), whose memory is locked too; the file buffers
 * are wiped as soon as their needles are in it. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cg_macros.h"
#include "safefile.h"
#include "scan.h"
#include "secmem.h"

struct span {
	const unsigned char *p;
	size_t n;
};

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static struct span trim(struct span s)
{
	while (s.n > 0 && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* "'value'", "\"value\"," or "value;" -> value. */
static struct span unquote(struct span s)
{
	s = trim(s);
	if (s.n > 0 && (s.p[s.n - 1] == ',' || s.p[s.n - 1] == ';'))
		s.n--;
	if (s.n >= 2 && (s.p[0] == '"' || s.p[0] == '\'') &&
	    s.p[s.n - 1] == s.p[0]) {
		s.p++;
		s.n -= 2;
	}
	return s;
}

/* What follows the first occurrence of `sep` (empty when absent). */
static struct span after(struct span s, const char *sep)
{
	size_t k = strlen(sep);

	for (size_t i = 0; i + k <= s.n; i++)
		if (memcmp(s.p + i, sep, k) == 0)
			return (struct span){ s.p + i + k, s.n - i - k };
	return (struct span){ s.p + s.n, 0 };
}

/* The last blank-separated field (empty when there is one field only). */
static struct span last_field(struct span s)
{
	for (size_t i = s.n; i > 0; i--)
		if (s.p[i - 1] == ' ' || s.p[i - 1] == '\t')
			return (struct span){ s.p + i, s.n - i };
	return (struct span){ s.p + s.n, 0 };
}

static bool starts_with(struct span s, const char *prefix)
{
	size_t k = strlen(prefix);

	return s.n >= k && memcmp(s.p, prefix, k) == 0;
}

/* Lines that are the same in every file of their kind. */
static bool is_boilerplate(struct span l)
{
	return l.p[0] == '#' ||
	       (l.p[0] == '[' && l.p[l.n - 1] == ']') ||
	       starts_with(l, "-----BEGIN ") || starts_with(l, "-----END ");
}

struct deriver {
	unsigned min_length;
	scan_needle_fn fn;
	void *arg;
};

static cg_err emit(const struct deriver *d, struct span s)
{
	s = trim(s);
	if (s.n < d->min_length)
		return CG_OK;
	return d->fn(s.p, s.n < SCAN_NEEDLE_MAX ? s.n : SCAN_NEEDLE_MAX,
		     d->arg);
}

/* A line and its value-like parts. */
static cg_err derive_line(const struct deriver *d, struct span line)
{
	struct span l = trim(line);
	struct span field = last_field(l), x = field.n > 0 ? field : l;
	cg_err e;

	if (l.n == 0 || is_boilerplate(l))
		return CG_OK;
	const struct span parts[] = {
		l,                              /* the line */
		unquote(after(l, "=")),         /* KEY=value, key = "value" */
		unquote(after(l, ": ")),        /* key: value */
		unquote(field),                 /* [host]:port user:pass */
		unquote(after(x, ":")),         /* user:pass */
		unquote(after(x, "=")),         /* ... password=value */
	};

	for (size_t i = 0; i < CG_ARRAY_SIZE(parts); i++)
		if ((e = emit(d, parts[i])) != CG_OK)
			return e;
	return CG_OK;
}

cg_err scan_needles_derive(const unsigned char *text, size_t len,
			   unsigned min_length, scan_needle_fn fn, void *arg)
{
	struct deriver d = { min_length > 0 ? min_length : 1, fn, arg };
	size_t pos = 0;
	cg_err e;

	if ((e = emit(&d, (struct span){ text, len })) != CG_OK)
		return e;
	while (pos < len) {
		const unsigned char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		if ((e = derive_line(&d, (struct span){ text + pos, n })) != CG_OK)
			return e;
		pos += n + 1;
	}
	return CG_OK;
}

/* ---- one credential into the matcher ------------------------------------- */

/* The needles of one credential, collected so duplicates go in once. */
struct collect {
	struct span *v;                 /* cg_secmem */
	size_t n, bytes;
};

static cg_err collect_one(const unsigned char *p, size_t len, void *arg)
{
	struct collect *c = arg;
	size_t need = (c->n + 1) * sizeof(*c->v);

	if (need > c->bytes) {
		size_t nb = c->bytes > 0 ? c->bytes * 2 : 4096;
		void *q;

		if (c->n >= SCAN_NEEDLES_MAX)
			return CG_E_TOOBIG;
		if ((q = cg_secmem_realloc(c->v, c->bytes, nb, true)) == NULL)
			return CG_E_NOMEM;
		c->v = q;
		c->bytes = nb;
	}
	c->v[c->n++] = (struct span){ p, len };
	return CG_OK;
}

static int compare_spans(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->p, y->p, x->n);
}

static cg_err add_needle(struct scan *s, uint32_t cred, struct span sp)
{
	size_t need = (s->nneedles + 1) * sizeof(*s->needles);
	cg_err e;

	if (s->nneedles >= SCAN_NEEDLES_MAX)
		return CG_E_TOOBIG;
	if (need > s->needles_bytes) {
		size_t nb = s->needles_bytes > 0 ? s->needles_bytes * 2 : 4096;
		void *q = cg_secmem_realloc(s->needles, s->needles_bytes, nb,
					    true);
		if (q == NULL)
			return CG_E_NOMEM;
		s->needles = q;
		s->needles_bytes = nb;
	}
	if ((e = cg_ac_add(s->ac, sp.p, sp.n, (uint32_t)s->nneedles)) != CG_OK)
		return e;
	s->needles[s->nneedles].cred = cred;
	s->needles[s->nneedles].len = (uint32_t)sp.n;
	s->nneedles++;
	return CG_OK;
}

/* Derive, sort, drop duplicates, add to the matcher. */
static cg_err add_content(struct scan *s, uint32_t cred,
			  const unsigned char *text, size_t len)
{
	struct collect c = { NULL, 0, 0 };
	cg_err e;

	e = scan_needles_derive(text, len, s->conf->min_length, collect_one, &c);
	if (e == CG_OK && c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), compare_spans);
	for (size_t i = 0; e == CG_OK && i < c.n; i++) {
		if (i > 0 && compare_spans(&c.v[i - 1], &c.v[i]) == 0)
			continue;
		e = add_needle(s, cred, c.v[i]);
		s->creds[cred].nneedles += e == CG_OK;
	}
	cg_secmem_free(c.v, c.bytes);
	return e;
}

/* The file, read whole into locked memory: *buf_out (size *cap_out,
 * content *len_out), freed by the caller with cg_secmem_free.  On
 * failure `why` says why, never with content. */
static cg_err read_credential(struct scan_cred *sc, unsigned char **buf_out,
			      size_t *cap_out, size_t *len_out)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0;
	ssize_t n;
	int fd = -1;
	cg_err e;

	/* As the gate opens it: no final symlink, a regular file owned by
	 * root with one link, checked on the fd. */
	if ((e = cg_open_file(sc->conf->path, 0, &fd, &st)) != CG_OK) {
		snprintf(sc->why, sizeof(sc->why), "cannot open it: %s",
			 e == CG_E_IO ? strerror(errno) : cg_strerror(e));
		return e;
	}
	sc->have_inode = true;
	sc->dev = st.st_dev;
	sc->ino = st.st_ino;
	if (st.st_size > SCAN_CRED_MAX) {
		e = CG_E_TOOBIG;
		goto out;
	}
	cap = (size_t)st.st_size + 1;   /* one more: did it grow? */
	if ((buf = cg_secmem_alloc(cap, true)) == NULL) {
		e = CG_E_NOMEM;
		goto out;
	}
	while (len < cap && (n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = CG_E_IO;
			snprintf(sc->why, sizeof(sc->why), "cannot read it: %s",
				 strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len == cap)
		e = CG_E_TOOBIG;        /* grew while being read: try later */
 out:
	if (e == CG_E_TOOBIG)
		snprintf(sc->why, sizeof(sc->why), "larger than %d bytes, or "
			 "growing", SCAN_CRED_MAX);
	if (e == CG_E_NOMEM)
		snprintf(sc->why, sizeof(sc->why), "cannot lock memory for "
			 "it: %s", strerror(errno));
	close(fd);
	if (e != CG_OK) {
		cg_secmem_free(buf, cap);
		return e;
	}
	*buf_out = buf;
	*cap_out = cap;
	*len_out = len;
	return CG_OK;
}

/* One credential: 0 (searched or skipped with a reason), or CG_E_NOMEM /
 * CG_E_TOOBIG when the matcher itself cannot take more. */
static cg_err load_one(struct scan *s, uint32_t i)
{
	struct scan_cred *sc = &s->creds[i];
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0;
	cg_err e;

	if (read_credential(sc, &buf, &cap, &len) != CG_OK)
		return CG_OK;
	e = add_content(s, i, buf, len);
	cg_secmem_free(buf, cap);
	if (e != CG_OK)
		return e;
	sc->searched = sc->nneedles > 0;
	if (!sc->searched)
		snprintf(sc->why, sizeof(sc->why), "no value of at least "
			 "min_length (%u) bytes in it", s->conf->min_length);
	return CG_OK;
}

static int matcher_error(struct scan *s, cg_err e)
{
	scan_report_problem(s, NULL, "cannot build the matcher: %s%s",
			    cg_strerror(e), e == CG_E_TOOBIG ?
			    " (too many or too long values: raise "
			    "min_length?)" : "");
	return SCAN_EXIT_ERROR;
}

static int compare_inodes(const void *a, const void *b)
{
	const struct scan_inode *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The credential files, sorted, so each file the walk meets costs a
 * binary search however many credentials there are. */
static int index_inodes(struct scan *s)
{
	if (s->ncreds == 0)
		return 0;
	if ((s->inodes = calloc(s->ncreds, sizeof(*s->inodes))) == NULL)
		return matcher_error(s, CG_E_NOMEM);
	for (size_t i = 0; i < s->ncreds; i++)
		if (s->creds[i].have_inode)
			s->inodes[s->ninodes++] = (struct scan_inode){
				s->creds[i].dev, s->creds[i].ino };
	qsort(s->inodes, s->ninodes, sizeof(*s->inodes), compare_inodes);
	return 0;
}

int scan_load_credentials(struct scan *s, const struct cg_config *cfg)
{
	size_t searched = 0;
	cg_err e;

	s->ncreds = cfg->ncredentials;
	if (s->ncreds > 0 &&
	    (s->creds = calloc(s->ncreds, sizeof(*s->creds))) == NULL)
		return matcher_error(s, CG_E_NOMEM);
	if ((e = cg_ac_new(CG_AC_LOCKED, &s->ac)) != CG_OK)
		return matcher_error(s, e);
	for (size_t i = 0; i < s->ncreds; i++) {
		s->creds[i].conf = &cfg->credentials[i];
		if ((e = load_one(s, (uint32_t)i)) != CG_OK)
			return matcher_error(s, e);
		if (s->creds[i].searched) {
			searched++;
			continue;
		}
		s->st.creds_skipped++;
		scan_report_problem(s, s->creds[i].conf->path,
				    "credential %s not searched: %s",
				    s->creds[i].conf->name, s->creds[i].why);
	}
	if ((e = cg_ac_compile(s->ac)) != CG_OK)
		return matcher_error(s, e);
	if (index_inodes(s) != 0)
		return SCAN_EXIT_ERROR;
	if (searched == 0) {
		scan_report_problem(s, NULL, "nothing to search for: %s",
				    s->ncreds == 0 ? "the policy names no "
				    "credential" : "no credential could be "
				    "read");
		return SCAN_EXIT_ERROR;
	}
	return 0;
}

bool scan_is_credential_file(const struct scan *s, const struct stat *st)
{
	struct scan_inode key = { st->st_dev, st->st_ino };

	return s->ninodes > 0 &&
	       bsearch(&key, s->inodes, s->ninodes, sizeof(key),
		       compare_inodes) != NULL;
}

void scan_needles_free(struct scan *s)
{
	cg_ac_free(s->ac);
	s->ac = NULL;
	cg_secmem_free(s->needles, s->needles_bytes);
	s->needles = NULL;
	s->needles_bytes = 0;
	free(s->creds);
	s->creds = NULL;
	free(s->inodes);
	s->inodes = NULL;
}
