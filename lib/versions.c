/* The kept versions of credentials and their fingerprints (versions.h):
 * the directory, the header format, sealing and unsealing. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cg_macros.h"
#include "hex.h"
#include "number.h"
#include "safefile.h"
#include "username.h"
#include "versions.h"
#include "wipe.h"

#define MAGIC "credgate-version 1\n"
#define SEALED "sealed "
#define HEADER_MAX 2048              /* bytes before "sealed " */
#define LOCK_NAME "lock"
#define TEMP_NAME ".version.tmp"
#define KEY_LABEL "credential-version"
#define FP_LABEL "fingerprint"
#define FILE_MAX (HEADER_MAX + 2 * (CG_CREDENTIAL_SIZE_MAX + CG_SEAL_OVERHEAD) + 16)

static const char *const action_names[] = { "put", "rollback", "found" };

const char *cg_version_action_name(enum cg_version_action a)
{
	return (size_t)a < CG_ARRAY_SIZE(action_names) ? action_names[a] : "-";
}

cg_err cg_fingerprint(const struct cg_key *host, const void *data,
		      size_t len, char out[CG_FP_HEX + 1])
{
	uint8_t mac[32];
	cg_err e;

	if ((e = cg_key_mac(host, FP_LABEL, data, len, mac)) != CG_OK)
		return e;
	cg_hex_encode(mac, CG_FP_HEX / 2, out);
	cg_wipe(mac, sizeof(mac));
	return CG_OK;
}

/* ---- the directory ---------------------------------------------------- */

/* versions_dir: its parent must exist (and pass the checks); it is made
 * here on the first put of any credential. */
static cg_err open_top(const char *versions_dir, bool create, int *fd)
{
	char parent[PATH_MAX], *slash;
	int pfd = -1;
	cg_err e;

	e = cg_open_dir(versions_dir, 077, fd);
	if (e != CG_E_NOENT || !create)
		return e;
	if (strlen(versions_dir) >= sizeof(parent))
		return CG_E_INVAL;
	memcpy(parent, versions_dir, strlen(versions_dir) + 1);
	if ((slash = strrchr(parent, '/')) == NULL || slash[1] == '\0')
		return CG_E_INVAL;
	*slash = '\0';
	if ((e = cg_open_dir(parent[0] != '\0' ? parent : "/", 022, &pfd)) != CG_OK)
		return e;
	e = cg_openat_dir(pfd, slash + 1, true, 077, fd);
	close(pfd);
	return e;
}

/* The directory to explain: versions_dir itself, or when it does not
 * exist yet its parent (the first put makes versions_dir there). */
static cg_err check_top(const char *versions_dir, char *where, size_t wsz,
			char *why, size_t whysz, bool *made_later)
{
	struct cg_path_diag diag;
	char *slash;
	int fd = -1, errnum;
	cg_err e;

	memset(&diag, 0, sizeof(diag));
	snprintf(where, wsz, "%s", versions_dir);
	e = cg_open_dir_diag(versions_dir, 077, &fd, &diag);
	if (e == CG_E_NOENT && diag.leaf && (slash = strrchr(where, '/')) != NULL) {
		*made_later = true;
		*(slash == where ? slash + 1 : slash) = '\0';
		memset(&diag, 0, sizeof(diag));
		e = cg_open_dir_diag(where, 022, &fd, &diag);
	}
	errnum = errno;
	if (fd >= 0)
		close(fd);
	if (e != CG_OK)
		cg_path_explain(e, errnum, &diag, why, whysz);
	return e;
}

cg_err cg_versions_check(const char *versions_dir, const char *credential,
			 char *where, size_t wsz, char *why, size_t whysz,
			 bool *made_later)
{
	int top = -1, sub = -1, errnum;
	cg_err e;

	*made_later = false;
	if (!cg_config_name_valid(credential))
		return CG_E_INVAL;
	if ((e = check_top(versions_dir, where, wsz, why, whysz,
			   made_later)) != CG_OK || *made_later)
		return e;
	snprintf(where, wsz, "%s/%s", versions_dir, credential);
	if ((e = cg_open_dir(versions_dir, 077, &top)) == CG_OK)
		e = cg_openat_dir(top, credential, false, 077, &sub);
	errnum = errno;
	if (top >= 0)
		close(top);
	if (sub >= 0)
		close(sub);
	if (e == CG_E_NOENT) {
		*made_later = true;
		return CG_OK;
	}
	if (e != CG_OK)
		cg_path_explain(e, errnum, NULL, why, whysz);
	return e;
}

cg_err cg_versions_open(const char *versions_dir, const char *credential,
			const struct cg_key *host, bool create,
			struct cg_versions *vs)
{
	int top = -1;
	cg_err e;

	memset(vs, 0, sizeof(*vs));
	vs->dirfd = -1;
	if (!cg_config_name_valid(credential) || host == NULL)
		return CG_E_INVAL;
	snprintf(vs->credential, sizeof(vs->credential), "%s", credential);
	if ((e = cg_key_derive(host, KEY_LABEL, &vs->key)) != CG_OK)
		goto out;
	vs->fp_host = *host;
	if ((e = open_top(versions_dir, create, &top)) != CG_OK)
		goto out;
	e = cg_openat_dir(top, credential, create, 077, &vs->dirfd);
 out:
	if (top >= 0)
		close(top);
	if (e != CG_OK)
		cg_versions_close(vs);
	return e;
}

void cg_versions_close(struct cg_versions *vs)
{
	if (vs->dirfd >= 0)
		close(vs->dirfd);
	vs->dirfd = -1;
	cg_key_wipe(&vs->key);
	cg_key_wipe(&vs->fp_host);
}

cg_err cg_versions_lock(struct cg_versions *vs, int *lockfd)
{
	return cg_lock_file(vs->dirfd, LOCK_NAME, 0, lockfd);
}

static bool seq_name(const char *name, uint64_t *seq)
{
	return strlen(name) == CG_VERSION_SEQ_DIGITS &&
	       strspn(name, "0123456789") == CG_VERSION_SEQ_DIGITS &&
	       cg_dec_u64(name, UINT64_MAX, false, seq) && *seq > 0;
}

static void seq_format(uint64_t seq, char out[CG_VERSION_SEQ_DIGITS + 1])
{
	snprintf(out, CG_VERSION_SEQ_DIGITS + 1, "%0*llu",
		 CG_VERSION_SEQ_DIGITS, (unsigned long long)seq);
}

/* ---- the header ------------------------------------------------------- */

static int header_text(const struct cg_versions *vs, const struct cg_version *v,
		       char *out, size_t sz)
{
	char key[2 * CG_KEY_ID_LEN + 1];

	cg_key_id_hex(&vs->fp_host, key);
	return snprintf(out, sz, MAGIC "credential %s\nkey %s\nseq %llu\n"
			"time %lld\nuser %s\nby_login %s\naction %s\n"
			"from %llu\nfingerprint %s\nsize %zu\n", vs->credential,
			key, (unsigned long long)v->seq, (long long)v->time,
			v->user, v->by_login, cg_version_action_name(v->action),
			(unsigned long long)v->from, v->fp, v->size);
}

/* "KEY VALUE\n" at *p: the value (NUL-terminated in place). */
static char *header_field(char **p, const char *key)
{
	size_t klen = strlen(key);
	char *v, *nl;

	if (strncmp(*p, key, klen) != 0 || (*p)[klen] != ' ' ||
	    (nl = strchr(*p + klen + 1, '\n')) == NULL)
		return NULL;
	v = *p + klen + 1;
	*nl = '\0';
	*p = nl + 1;
	return v;
}

static bool name_field(const char *v, char *out, size_t sz)
{
	if (strcmp(v, "-") != 0 && !cg_user_name_valid(v))
		return false;
	snprintf(out, sz, "%s", v);
	return true;
}

static bool action_field(const char *v, enum cg_version_action *a)
{
	for (size_t i = 0; i < CG_ARRAY_SIZE(action_names); i++)
		if (strcmp(v, action_names[i]) == 0) {
			*a = (enum cg_version_action)i;
			return true;
		}
	return false;
}

/* Parse the header (text, NUL-terminated, modified in place) of the
 * version file named seq of this credential; *end is where "sealed "
 * starts. */
static cg_err header_parse(const struct cg_versions *vs, char *text,
			   uint64_t seq, struct cg_version *v, char **end)
{
	char *p = text, *f[11];
	static const char *const keys[] = { "credential", "key", "seq",
		"time", "user", "by_login", "action", "from", "fingerprint",
		"size" };
	uint64_t n;
	int64_t t;

	if (strncmp(p, MAGIC, strlen(MAGIC)) != 0)
		return CG_E_PARSE;
	p += strlen(MAGIC);
	for (size_t i = 0; i < CG_ARRAY_SIZE(keys); i++)
		if ((f[i] = header_field(&p, keys[i])) == NULL)
			return CG_E_PARSE;
	memset(v, 0, sizeof(*v));
	if (strncmp(p, SEALED, strlen(SEALED)) != 0 ||
	    strcmp(f[0], vs->credential) != 0 ||
	    strlen(f[1]) != 2 * CG_KEY_ID_LEN ||
	    !cg_hex_decode(f[1], CG_KEY_ID_LEN, true, NULL) ||
	    !cg_dec_u64(f[2], UINT64_MAX, true, &v->seq) || v->seq != seq ||
	    !cg_dec_i64(f[3], 0, INT64_MAX, &t) ||
	    !name_field(f[4], v->user, sizeof(v->user)) ||
	    !name_field(f[5], v->by_login, sizeof(v->by_login)) ||
	    !action_field(f[6], &v->action) ||
	    !cg_dec_u64(f[7], UINT64_MAX, true, &v->from) ||
	    strlen(f[8]) != CG_FP_HEX ||
	    !cg_hex_decode(f[8], CG_FP_HEX / 2, true, NULL) ||
	    !cg_dec_u64(f[9], CG_CREDENTIAL_SIZE_MAX, true, &n))
		return CG_E_PARSE;
	v->time = t;
	memcpy(v->key_id, f[1], sizeof(v->key_id));
	memcpy(v->fp, f[8], CG_FP_HEX + 1);
	v->size = (size_t)n;
	*end = p;
	return CG_OK;
}

/* Read the version file seq: all of it (with_content) or its first
 * HEADER_MAX bytes. */
static cg_err read_version(struct cg_versions *vs, uint64_t seq,
			   bool with_content, char **buf, size_t *len)
{
	char name[CG_VERSION_SEQ_DIGITS + 1];
	int fd = -1;
	cg_err e;

	seq_format(seq, name);
	if ((e = cg_openat_file(vs->dirfd, name, O_RDONLY, 077, &fd, NULL)) != CG_OK)
		return e;
	if (with_content) {
		e = cg_read_all(fd, FILE_MAX, buf, len);
	} else {
		char *b = malloc(HEADER_MAX + 1);
		ssize_t n = 0, r;

		e = CG_E_NOMEM;
		if (b != NULL) {
			while (n < HEADER_MAX &&
			       (r = read(fd, b + n, (size_t)(HEADER_MAX - n))) > 0)
				n += r;
			b[n] = '\0';
			*buf = b;
			*len = (size_t)n;
			e = CG_OK;
		}
	}
	close(fd);
	return e;
}

static cg_err read_header(struct cg_versions *vs, uint64_t seq,
			  struct cg_version *v)
{
	char *buf = NULL, *end;
	size_t len = 0;
	cg_err e;

	if ((e = read_version(vs, seq, false, &buf, &len)) != CG_OK)
		return e;
	e = strlen(buf) != len ? CG_E_PARSE :
	    header_parse(vs, buf, seq, v, &end);
	free(buf);
	return e;
}

/* ---- listing ------------------------------------------------------------ */

static int by_seq(const void *a, const void *b)
{
	const struct cg_version *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

cg_err cg_versions_list(struct cg_versions *vs, struct cg_version **out,
			size_t *n, uint64_t *bad)
{
	struct cg_version *v = NULL;
	struct dirent *de;
	size_t cnt = 0;
	uint64_t seq;
	cg_err e = CG_OK;
	DIR *d;
	int fd;

	*out = NULL;
	*n = 0;
	*bad = 0;
	if ((fd = dup(vs->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return CG_E_IO;
	}
	rewinddir(d);
	if ((v = calloc(CG_VERSIONS_MAX, sizeof(*v))) == NULL)
		e = CG_E_NOMEM;
	while (e == CG_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, LOCK_NAME) == 0)
			continue;
		if (!seq_name(de->d_name, &seq) || cnt == CG_VERSIONS_MAX) {
			e = CG_E_PARSE;
			break;
		}
		if ((e = read_header(vs, seq, &v[cnt])) != CG_OK)
			*bad = seq;
		else
			cnt++;
	}
	closedir(d);
	if (e != CG_OK) {
		free(v);
		return e;
	}
	qsort(v, cnt, sizeof(*v), by_seq);
	*out = v;
	*n = cnt;
	return CG_OK;
}

/* ---- writing and reading ------------------------------------------------------ */

static uint64_t newest_seq(struct cg_versions *vs, cg_err *e)
{
	struct cg_version *v;
	uint64_t bad, seq = 0;
	size_t n;

	if ((*e = cg_versions_list(vs, &v, &n, &bad)) != CG_OK)
		return 0;
	if (n > 0)
		seq = v[n - 1].seq;
	free(v);
	return seq;
}

/* Write version v (its seq set) of content: created, or with replace
 * (rekey) rewritten in place. */
static cg_err write_version(struct cg_versions *vs, struct cg_version *v,
			    const void *content, size_t len, bool replace)
{
	char header[HEADER_MAX], name[CG_VERSION_SEQ_DIGITS + 1];
	uint8_t *sealed = NULL;
	char *file = NULL;
	size_t slen = 0, hlen;
	int h;
	cg_err e;

	if (len > CG_CREDENTIAL_SIZE_MAX)
		return CG_E_TOOBIG;
	v->size = len;
	cg_key_id_hex(&vs->fp_host, v->key_id);
	h = header_text(vs, v, header, sizeof(header));
	if (h < 0 || (size_t)h >= sizeof(header))
		return CG_E_TOOBIG;
	hlen = (size_t)h;
	/* The header is the additional data: no field of it can change. */
	if ((e = cg_seal(&vs->key, header, hlen, content, len, &sealed,
			 &slen)) != CG_OK)
		return e;
	e = CG_E_NOMEM;
	if ((file = malloc(hlen + strlen(SEALED) + 2 * slen + 2)) == NULL)
		goto out;
	memcpy(file, header, hlen);
	memcpy(file + hlen, SEALED, strlen(SEALED));
	cg_hex_encode(sealed, slen, file + hlen + strlen(SEALED));
	file[hlen + strlen(SEALED) + 2 * slen] = '\n';
	seq_format(v->seq, name);
	e = cg_atomic_write_locked(vs->dirfd, name, TEMP_NAME, file,
				   hlen + strlen(SEALED) + 2 * slen + 1, 0600,
				   replace);
 out:
	free(sealed);
	free(file);
	return e;
}

cg_err cg_versions_add(struct cg_versions *vs, struct cg_version *v,
		       const void *content, size_t len)
{
	cg_err e;

	v->seq = newest_seq(vs, &e) + 1;
	if (e != CG_OK)
		return e;
	return write_version(vs, v, content, len, false);
}

cg_err cg_versions_load(struct cg_versions *vs, uint64_t seq,
			struct cg_version *v, uint8_t **content, size_t *len)
{
	char *buf = NULL, *end, *hex;
	uint8_t *sealed = NULL;
	size_t blen = 0, hexlen, hlen;
	cg_err e;

	*content = NULL;
	if ((e = read_version(vs, seq, true, &buf, &blen)) != CG_OK)
		return e;
	e = CG_E_PARSE;
	/* The header as written is the additional data: parse a copy. */
	if (strlen(buf) != blen || (hex = strstr(buf, "\n" SEALED)) == NULL)
		goto out;
	hlen = (size_t)(hex - buf) + 1;
	hex += 1 + strlen(SEALED);
	hexlen = strcspn(hex, "\n");
	if (hex[hexlen] != '\n' || hex[hexlen + 1] != '\0' || hexlen % 2 != 0 ||
	    hexlen / 2 < CG_SEAL_OVERHEAD)
		goto out;
	{
		char *copy = strndup(buf, hlen + strlen(SEALED));

		if (copy == NULL) {
			e = CG_E_NOMEM;
			goto out;
		}
		e = header_parse(vs, copy, seq, v, &end);
		free(copy);
		if (e != CG_OK)
			goto out;
	}
	{
		char key[2 * CG_KEY_ID_LEN + 1];

		cg_key_id_hex(&vs->fp_host, key);
		e = CG_E_KEY;           /* sealed under another host key */
		if (strcmp(key, v->key_id) != 0)
			goto out;
	}
	e = CG_E_NOMEM;
	if ((sealed = malloc(hexlen / 2)) == NULL)
		goto out;
	e = CG_E_PARSE;
	if (!cg_hex_decode(hex, hexlen / 2, true, sealed))
		goto out;
	e = cg_unseal(&vs->key, buf, hlen, sealed, hexlen / 2, content, len);
	if (e == CG_OK && *len != v->size) {
		cg_freezero(*content, *len + 1);
		*content = NULL;
		e = CG_E_PARSE;
	}
 out:
	free(sealed);
	free(buf);
	return e;
}

cg_err cg_versions_remove(struct cg_versions *vs, uint64_t seq)
{
	char name[CG_VERSION_SEQ_DIGITS + 1];

	seq_format(seq, name);
	if (unlinkat(vs->dirfd, name, 0) == -1 && errno != ENOENT)
		return CG_E_IO;
	return fsync(vs->dirfd) == -1 ? CG_E_IO : CG_OK;
}

cg_err cg_versions_prune(struct cg_versions *vs, size_t total)
{
	struct cg_version *v;
	uint64_t bad;
	size_t n;
	cg_err e;

	if ((e = cg_versions_list(vs, &v, &n, &bad)) != CG_OK)
		return e;
	for (size_t i = 0; i + total < n && e == CG_OK; i++)
		e = cg_versions_remove(vs, v[i].seq);
	free(v);
	return e;
}

/* ---- rekey ---------------------------------------------------------------- */

/* One credential: every version under the old key is opened and sealed
 * again under the new one, its fingerprint recomputed (fingerprints are
 * keyed too).  Versions already under the new key are left alone, so an
 * interrupted rekey resumes. */
static cg_err rekey_one(const char *versions_dir, const char *credential,
			const struct cg_key *old, const struct cg_key *new,
			size_t *count)
{
	struct cg_versions from, to;
	struct cg_version *v = NULL, meta;
	char new_id[2 * CG_KEY_ID_LEN + 1];
	uint8_t *content = NULL;
	size_t n = 0, len = 0;
	uint64_t bad;
	int lockfd = -1;
	cg_err e;

	from.dirfd = to.dirfd = -1;
	cg_key_id_hex(new, new_id);
	if ((e = cg_versions_open(versions_dir, credential, old, false,
				  &from)) != CG_OK ||
	    (e = cg_versions_open(versions_dir, credential, new, false,
				  &to)) != CG_OK ||
	    (e = cg_lock_file(to.dirfd, LOCK_NAME, 10000, &lockfd)) != CG_OK ||
	    (e = cg_versions_list(&to, &v, &n, &bad)) != CG_OK)
		goto out;
	for (size_t i = 0; i < n && e == CG_OK; i++) {
		if (strcmp(v[i].key_id, new_id) == 0)
			continue;
		if ((e = cg_versions_load(&from, v[i].seq, &meta, &content,
					  &len)) != CG_OK)
			break;
		e = cg_fingerprint(new, content, len, meta.fp);
		if (e == CG_OK)
			e = write_version(&to, &meta, content, len, true);
		cg_freezero(content, len + 1);
		content = NULL;
		if (e == CG_OK)
			(*count)++;
	}
 out:
	free(v);
	if (lockfd >= 0)
		close(lockfd);
	cg_versions_close(&from);
	cg_versions_close(&to);
	return e;
}

cg_err cg_versions_rekey(const char *versions_dir, const struct cg_key *old,
			 const struct cg_key *new, size_t *count,
			 char *failed, size_t failedsz)
{
	struct dirent *de;
	cg_err e = CG_OK;
	int fd;
	DIR *d;

	*count = 0;
	if (failed != NULL && failedsz > 0)
		failed[0] = '\0';
	e = cg_open_dir(versions_dir, 077, &fd);
	if (e == CG_E_NOENT)
		return CG_OK;           /* nothing was ever put */
	if (e != CG_OK)
		return e;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return CG_E_IO;
	}
	while (e == CG_OK && (de = readdir(d)) != NULL) {
		if (!cg_config_name_valid(de->d_name))
			continue;
		e = rekey_one(versions_dir, de->d_name, old, new, count);
		if (e != CG_OK && failed != NULL)
			snprintf(failed, failedsz, "%s", de->d_name);
	}
	closedir(d);
	return e;
}
