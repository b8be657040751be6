/* The kept versions of credentials (lib/versions.c): written, listed and
 * read back; refused when a header is edited, a file is moved to another
 * credential or number, or the host key is another; pruned; rekeyed
 * (resumably); fingerprints keyed.  Each test gets a fresh directory. */
#include "config.h"
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "seal.h"
#include "versions.h"
#include "wipe.h"

struct fx {
	char dir[PATH_MAX];
	char vdir[PATH_MAX + 16];
	struct cg_key key, other;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *top = getenv("abs_top_builddir");
	char kpath[PATH_MAX + 16];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/tests/unit/versions.XXXXXX",
		 top != NULL ? top : ".");
	if (mkdtemp(f->dir) == NULL || chmod(f->dir, 0755) != 0)
		return -1;
	snprintf(f->vdir, sizeof(f->vdir), "%s/versions", f->dir);
	snprintf(kpath, sizeof(kpath), "%s/key1", f->dir);
	if (cg_key_create(kpath, &f->key) != CG_OK)
		return -1;
	snprintf(kpath, sizeof(kpath), "%s/key2", f->dir);
	if (cg_key_create(kpath, &f->other) != CG_OK)
		return -1;
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	cg_key_wipe(&f->key);
	cg_key_wipe(&f->other);
	free(f);
	return 0;
}

static void add(struct cg_versions *vs, const char *user, const char *text,
		uint64_t want_seq)
{
	struct cg_version v;

	memset(&v, 0, sizeof(v));
	v.time = 1714557600 + (int64_t)want_seq;
	snprintf(v.user, sizeof(v.user), "%s", user);
	snprintf(v.by_login, sizeof(v.by_login), "-");
	v.action = CG_VERSION_PUT;
	assert_int_equal(cg_fingerprint(&vs->fp_host, text, strlen(text), v.fp),
			 CG_OK);
	assert_int_equal(cg_versions_add(vs, &v, text, strlen(text)), CG_OK);
	assert_int_equal(v.seq, want_seq);
}

static void expect_content(struct cg_versions *vs, uint64_t seq,
			   const char *want)
{
	struct cg_version v;
	uint8_t *c = NULL;
	size_t len = 0;

	assert_int_equal(cg_versions_load(vs, seq, &v, &c, &len), CG_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(c, want, len);
	assert_int_equal(v.seq, seq);
	assert_int_equal(v.size, len);
	cg_freezero(c, len + 1);
}

static char *vfile(struct fx *f, const char *cred, uint64_t seq)
{
	static char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s/%010llu", f->vdir, cred,
		 (unsigned long long)seq);
	return p;
}

static void test_add_list_load(void **state)
{
	struct fx *f = *state;
	struct cg_versions vs;
	struct cg_version *v;
	struct stat st;
	uint64_t bad;
	size_t n;

	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->key, false, &vs),
			 CG_E_NOENT);
	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->key, true, &vs),
			 CG_OK);
	assert_int_equal(stat(f->vdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	add(&vs, "alice", "first secret\n", 1);
	add(&vs, "bob", "second\0secret", 2);      /* NUL: up to it */
	add(&vs, "carol", "third", 3);
	assert_int_equal(cg_versions_list(&vs, &v, &n, &bad), CG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].seq, 1);
	assert_string_equal(v[0].user, "alice");
	assert_string_equal(v[2].user, "carol");
	assert_int_equal(v[1].size, 6);
	assert_int_equal(strlen(v[0].fp), CG_FP_HEX);
	free(v);
	expect_content(&vs, 1, "first secret\n");
	expect_content(&vs, 3, "third");
	assert_int_equal(stat(vfile(f, "smtp", 2), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The content is nowhere in clear. */
	{
		int fd = open(vfile(f, "smtp", 1), O_RDONLY);
		char buf[4096];
		ssize_t r = read(fd, buf, sizeof(buf) - 1);

		close(fd);
		assert_true(r > 0);
		buf[r] = '\0';
		assert_null(strstr(buf, "first secret"));
		assert_non_null(strstr(buf, "\nuser alice\n"));
	}
	cg_versions_close(&vs);
}

/* Edit one header line of a version file with sed-like replacement. */
static void edit_file(const char *path, const char *from, const char *to)
{
	char buf[1 << 16], out[1 << 16], *p;
	size_t n;
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_non_null(p = strstr(buf, from));
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - buf), buf, to,
		 p + strlen(from));
	assert_non_null(fp = fopen(path, "w"));
	fputs(out, fp);
	fclose(fp);
}

static void test_tampering(void **state)
{
	struct fx *f = *state;
	struct cg_versions vs, api, other;
	struct cg_version v, *l;
	uint8_t *c = NULL;
	uint64_t bad;
	size_t len, n;
	char dest[PATH_MAX + 64];

	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->key, true, &vs),
			 CG_OK);
	add(&vs, "alice", "one", 1);
	add(&vs, "bob", "two", 2);
	add(&vs, "carol", "three", 3);
	/* A header field changed: the seal does not open. */
	edit_file(vfile(f, "smtp", 1), "\nuser alice\n", "\nuser mallo\n");
	assert_int_equal(cg_versions_load(&vs, 1, &v, &c, &len), CG_E_UNSEAL);
	assert_null(c);
	/* Another host key: refused as such. */
	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->other, false,
					  &other), CG_OK);
	assert_int_equal(cg_versions_load(&other, 2, &v, &c, &len), CG_E_KEY);
	cg_versions_close(&other);
	/* Renumbered: the header says another number. */
	snprintf(dest, sizeof(dest), "%s", vfile(f, "smtp", 9));
	assert_int_equal(rename(vfile(f, "smtp", 3), dest), 0);
	assert_int_equal(cg_versions_list(&vs, &l, &n, &bad), CG_E_PARSE);
	assert_int_equal(bad, 9);
	assert_int_equal(rename(dest, vfile(f, "smtp", 3)), 0);
	/* Moved to another credential. */
	assert_int_equal(cg_versions_open(f->vdir, "api", &f->key, true, &api),
			 CG_OK);
	snprintf(dest, sizeof(dest), "%s", vfile(f, "api", 1));
	assert_int_equal(rename(vfile(f, "smtp", 2), dest), 0);
	assert_int_equal(cg_versions_list(&api, &l, &n, &bad), CG_E_PARSE);
	assert_int_equal(bad, 1);
	assert_int_equal(cg_versions_load(&api, 1, &v, &c, &len), CG_E_PARSE);
	/* Junk in the directory. */
	assert_int_equal(unlink(dest), 0);
	snprintf(dest, sizeof(dest), "%s/api/notes.txt", f->vdir);
	close(open(dest, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(cg_versions_list(&api, &l, &n, &bad), CG_E_PARSE);
	assert_int_equal(bad, 0);
	assert_int_equal(cg_versions_load(&vs, 42, &v, &c, &len), CG_E_NOENT);
	cg_versions_close(&api);
	cg_versions_close(&vs);
}

static void test_prune_remove_lock(void **state)
{
	struct fx *f = *state;
	struct cg_versions vs;
	struct cg_version *v;
	uint64_t bad;
	size_t n;
	int l1 = -1, l2 = -1;

	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->key, true, &vs),
			 CG_OK);
	for (uint64_t i = 1; i <= 6; i++)
		add(&vs, "alice", i % 2 ? "odd" : "even", i);
	assert_int_equal(cg_versions_prune(&vs, 3), CG_OK);
	assert_int_equal(cg_versions_list(&vs, &v, &n, &bad), CG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].seq, 4);
	free(v);
	assert_int_equal(cg_versions_remove(&vs, 6), CG_OK);
	add(&vs, "bob", "again", 6);     /* numbers follow the newest left */
	assert_int_equal(cg_versions_lock(&vs, &l1), CG_OK);
	assert_int_equal(cg_versions_lock(&vs, &l2), CG_E_LOCK);
	close(l1);
	assert_int_equal(cg_versions_lock(&vs, &l2), CG_OK);
	close(l2);
	cg_versions_close(&vs);
}

static void test_fingerprints(void **state)
{
	struct fx *f = *state;
	char a[CG_FP_HEX + 1], b[CG_FP_HEX + 1], c[CG_FP_HEX + 1];

	assert_int_equal(cg_fingerprint(&f->key, "pw", 2, a), CG_OK);
	assert_int_equal(cg_fingerprint(&f->key, "pw", 2, b), CG_OK);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), CG_FP_HEX);
	assert_int_equal(strspn(a, "0123456789abcdef"), CG_FP_HEX);
	assert_int_equal(cg_fingerprint(&f->key, "pX", 2, c), CG_OK);
	assert_string_not_equal(a, c);
	/* Keyed: another host key, another fingerprint of the same value. */
	assert_int_equal(cg_fingerprint(&f->other, "pw", 2, c), CG_OK);
	assert_string_not_equal(a, c);
}

static void test_rekey(void **state)
{
	struct fx *f = *state;
	struct cg_versions vs;
	struct cg_version *v;
	char fp_new[CG_FP_HEX + 1], failed[CG_NAME_MAX];
	uint64_t bad;
	size_t n, count;

	assert_int_equal(cg_versions_rekey(f->vdir, &f->key, &f->other, &count,
					   failed, sizeof(failed)), CG_OK);
	assert_int_equal(count, 0);      /* no directory yet: nothing to do */
	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->key, true, &vs),
			 CG_OK);
	add(&vs, "alice", "one", 1);
	add(&vs, "bob", "two", 2);
	cg_versions_close(&vs);
	assert_int_equal(cg_versions_open(f->vdir, "api", &f->key, true, &vs),
			 CG_OK);
	add(&vs, "carol", "key", 1);
	cg_versions_close(&vs);
	assert_int_equal(cg_versions_rekey(f->vdir, &f->key, &f->other, &count,
					   failed, sizeof(failed)), CG_OK);
	assert_int_equal(count, 3);
	assert_int_equal(cg_versions_open(f->vdir, "smtp", &f->other, false,
					  &vs), CG_OK);
	expect_content(&vs, 1, "one");
	expect_content(&vs, 2, "two");
	assert_int_equal(cg_versions_list(&vs, &v, &n, &bad), CG_OK);
	assert_int_equal(cg_fingerprint(&f->other, "two", 3, fp_new), CG_OK);
	assert_string_equal(v[1].fp, fp_new);
	assert_string_equal(v[1].user, "bob");
	free(v);
	cg_versions_close(&vs);
	/* Again: everything is under the new key already. */
	assert_int_equal(cg_versions_rekey(f->vdir, &f->key, &f->other, &count,
					   failed, sizeof(failed)), CG_OK);
	assert_int_equal(count, 0);
	/* A version under neither key stops it, naming the credential. */
	assert_int_equal(cg_versions_rekey(f->vdir, &f->key, &f->key, &count,
					   failed, sizeof(failed)), CG_E_KEY);
	assert_true(strcmp(failed, "smtp") == 0 || strcmp(failed, "api") == 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_list_load),
		T(test_tampering),
		T(test_prune_remove_lock),
		T(test_fingerprints),
		T(test_rekey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
