/* Sealing (lib/seal.c): AES-256-GCM against a published test vector,
 * round trips, every way a blob must fail to open, the host key file's
 * checks, and HKDF recomputed from its definition (RFC 5869) with plain
 * HMAC as the independent oracle. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "seal.h"
#include "wipe.h"

static char dir[64], keypath[96];

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static int setup(void **s)
{
	(void)s;
	snprintf(dir, sizeof(dir), "/tmp/cg-seal.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(keypath, sizeof(keypath), "%s/host.key", dir);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	return nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const void *data, size_t n,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* NIST GCM test case 14 (McGrew and Viega): zero key, zero IV, 16 zero
 * bytes of plaintext, no AAD. */
static void test_gcm_known_answer(void **s)
{
	static const uint8_t blob[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
		0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18,
		0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
		0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19,
	};
	static const uint8_t zeros[16];
	struct cg_key k;
	uint8_t *pt = NULL;
	size_t n = 0;

	(void)s;
	memset(&k, 0, sizeof(k));
	assert_int_equal(cg_unseal(&k, NULL, 0, blob, sizeof(blob), &pt, &n),
			 CG_OK);
	assert_int_equal(n, 16);
	assert_memory_equal(pt, zeros, 16);
	cg_freezero(pt, n + 1);
}

static void test_round_trip_and_refusals(void **s)
{
	static const char msg[] = "the secret and nothing but";
	struct cg_key k, other;
	uint8_t *blob = NULL, *blob2 = NULL, *pt = NULL;
	size_t n = 0, n2 = 0, m = 0;

	(void)s;
	assert_int_equal(cg_key_create(keypath, &k), CG_OK);
	assert_int_equal(cg_seal(&k, "alice", 5, msg, sizeof(msg), &blob, &n),
			 CG_OK);
	assert_int_equal(n, sizeof(msg) + CG_SEAL_OVERHEAD);
	assert_null(memmem(blob, n, "secret", 6));
	assert_int_equal(cg_seal(&k, "alice", 5, msg, sizeof(msg), &blob2,
				 &n2), CG_OK);
	assert_memory_not_equal(blob, blob2, CG_SEAL_NONCE_LEN);  /* fresh */
	assert_int_equal(cg_unseal(&k, "alice", 5, blob, n, &pt, &m), CG_OK);
	assert_int_equal(m, sizeof(msg));
	assert_memory_equal(pt, msg, m);
	cg_freezero(pt, m + 1);
	/* Other additional data, other key, any bit changed, cut short. */
	assert_int_equal(cg_unseal(&k, "alicf", 5, blob, n, &pt, &m),
			 CG_E_UNSEAL);
	assert_null(pt);
	assert_int_equal(cg_unseal(&k, NULL, 0, blob, n, &pt, &m),
			 CG_E_UNSEAL);
	memset(&other, 0, sizeof(other));
	other.bytes[0] = 1;
	assert_int_equal(cg_unseal(&other, "alice", 5, blob, n, &pt, &m),
			 CG_E_UNSEAL);
	for (size_t i = 0; i < n; i += 7) {
		blob[i] ^= 0x01;
		assert_int_equal(cg_unseal(&k, "alice", 5, blob, n, &pt, &m),
				 CG_E_UNSEAL);
		blob[i] ^= 0x01;
	}
	assert_int_equal(cg_unseal(&k, "alice", 5, blob, n - 1, &pt, &m),
			 CG_E_UNSEAL);
	assert_int_equal(cg_unseal(&k, "alice", 5, blob, 10, &pt, &m),
			 CG_E_UNSEAL);
	free(blob);
	free(blob2);
	cg_key_wipe(&k);
}

static void test_key_file(void **s)
{
	struct cg_key k, again;
	char id[2 * CG_KEY_ID_LEN + 1], sub[128];
	struct stat sb;
	uint8_t bytes[CG_KEY_LEN + 1];

	(void)s;
	assert_int_equal(cg_key_load(keypath, &k), CG_E_NOENT);
	assert_int_equal(cg_key_create(keypath, &k), CG_OK);
	assert_int_equal(stat(keypath, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0400);
	assert_int_equal(sb.st_size, CG_KEY_LEN);
	assert_int_equal(cg_key_create(keypath, NULL), CG_E_EXISTS);
	assert_int_equal(cg_key_load(keypath, &again), CG_OK);
	assert_memory_equal(k.bytes, again.bytes, CG_KEY_LEN);
	assert_memory_equal(k.id, again.id, CG_KEY_ID_LEN);
	cg_key_id_hex(&k, id);
	assert_int_equal(strlen(id), 16);
	/* The id is not the key. */
	assert_memory_not_equal(k.id, k.bytes, CG_KEY_ID_LEN);
	assert_int_equal(chmod(keypath, 0440), 0);
	assert_int_equal(cg_key_load(keypath, &again), CG_E_MODE);
	assert_int_equal(chmod(keypath, 0600), 0);
	assert_int_equal(cg_key_load(keypath, &again), CG_OK);
	/* Wrong sizes. */
	memset(bytes, 7, sizeof(bytes));
	write_file(keypath, bytes, CG_KEY_LEN - 1, 0400);
	assert_int_equal(cg_key_load(keypath, &again), CG_E_KEY);
	write_file(keypath, bytes, CG_KEY_LEN + 1, 0400);
	assert_int_equal(cg_key_load(keypath, &again), CG_E_KEY);
	/* A symlink, a directory others may write, a relative path. */
	snprintf(sub, sizeof(sub), "%s/link", dir);
	assert_int_equal(symlink(keypath, sub), 0);
	assert_int_equal(cg_key_load(sub, &again), CG_E_SYMLINK);
	assert_int_equal(chmod(dir, 0777), 0);
	write_file(keypath, bytes, CG_KEY_LEN, 0400);
	assert_int_equal(cg_key_load(keypath, &again), CG_E_MODE);
	assert_int_equal(cg_key_create(sub, NULL), CG_E_MODE);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(cg_key_load(keypath, &again), CG_OK);
	assert_int_equal(cg_key_load("host.key", &again), CG_E_INVAL);
	cg_key_wipe(&k);
	cg_key_wipe(&again);
}

/* The two steps of cg_key_load: the directory once, keys in it many
 * times, each with the file's own checks; the directory's checks are
 * those of cg_key_load. */
static void test_key_load_at(void **s)
{
	struct cg_key k, again;
	const char *base = NULL;
	char sub[128];
	int dfd = -1;

	(void)s;
	assert_int_equal(cg_key_create(keypath, &k), CG_OK);
	assert_int_equal(cg_key_dir_open(keypath, &dfd, &base), CG_OK);
	assert_string_equal(base, strrchr(keypath, '/') + 1);
	assert_int_equal(cg_key_load_at(dfd, base, &again), CG_OK);
	assert_memory_equal(k.bytes, again.bytes, CG_KEY_LEN);
	assert_memory_equal(k.id, again.id, CG_KEY_ID_LEN);
	assert_int_equal(cg_key_load_at(dfd, "absent.new", &again),
			 CG_E_NOENT);
	assert_int_equal(cg_key_load_at(dfd, "../host.key", &again),
			 CG_E_NAME);
	snprintf(sub, sizeof(sub), "%s/link", dir);
	assert_int_equal(symlink(keypath, sub), 0);
	assert_int_equal(cg_key_load_at(dfd, "link", &again), CG_E_SYMLINK);
	assert_int_equal(chmod(keypath, 0440), 0);
	assert_int_equal(cg_key_load_at(dfd, base, &again), CG_E_MODE);
	assert_int_equal(close(dfd), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(cg_key_dir_open(keypath, &dfd, &base), CG_E_MODE);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(cg_key_dir_open(sub, &dfd, &base), CG_OK);
	assert_int_equal(close(dfd), 0);
	assert_int_equal(cg_key_dir_open("host.key", &dfd, &base),
			 CG_E_INVAL);
	assert_int_equal(cg_key_dir_open("/srv/", &dfd, &base), CG_E_INVAL);
	cg_key_wipe(&k);
	cg_key_wipe(&again);
}

static void test_new_key_promote(void **s)
{
	struct cg_key k, n, back;
	char newpath[128];

	(void)s;
	assert_int_equal(cg_key_create(keypath, &k), CG_OK);
	assert_int_equal(cg_key_new_path(keypath, newpath, sizeof(newpath)),
			 CG_OK);
	assert_int_equal(strcmp(newpath + strlen(keypath), ".new"), 0);
	assert_int_equal(cg_key_create(newpath, &n), CG_OK);
	assert_int_equal(cg_key_promote(keypath), CG_OK);
	assert_int_equal(cg_key_load(keypath, &back), CG_OK);
	assert_memory_equal(back.bytes, n.bytes, CG_KEY_LEN);
	assert_int_equal(cg_key_load(newpath, &back), CG_E_NOENT);
	assert_int_equal(cg_key_promote(keypath), CG_E_IO);
	cg_key_wipe(&k);
	cg_key_wipe(&n);
}

static void hmac(const uint8_t *key, size_t klen, const void *d, size_t n,
		 uint8_t out[32])
{
	unsigned len = 0;

	assert_non_null(HMAC(EVP_sha256(), key, (int)klen, d, n, out, &len));
	assert_int_equal(len, 32);
}

/* RFC 5869 with no salt (a zero salt of hash length) and L = 32: one
 * expand block, T(1) = HMAC(PRK, info || 0x01). */
static void test_derive_is_hkdf(void **s)
{
	static const uint8_t zero_salt[32];
	struct cg_key k, d1, d2, d3;
	uint8_t prk[32], t1[32], msg[64], mac[32], want[32];
	size_t n;

	(void)s;
	for (size_t i = 0; i < CG_KEY_LEN; i++)
		k.bytes[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(cg_key_derive(&k, "fingerprint", &d1), CG_OK);
	hmac(zero_salt, sizeof(zero_salt), k.bytes, CG_KEY_LEN, prk);
	n = (size_t)snprintf((char *)msg, sizeof(msg), "credgate:fingerprint");
	msg[n++] = 0x01;
	hmac(prk, sizeof(prk), msg, n, t1);
	assert_memory_equal(d1.bytes, t1, 32);
	assert_int_equal(cg_key_derive(&k, "fingerprint", &d2), CG_OK);
	assert_memory_equal(d1.bytes, d2.bytes, 32);
	assert_int_equal(cg_key_derive(&k, "state", &d3), CG_OK);
	assert_memory_not_equal(d1.bytes, d3.bytes, 32);
	assert_int_equal(cg_key_derive(&k, "", &d3), CG_E_INVAL);
	/* cg_key_mac: HMAC under the derived key. */
	assert_int_equal(cg_key_mac(&k, "fingerprint", "data", 4, mac), CG_OK);
	hmac(d1.bytes, 32, "data", 4, want);
	assert_memory_equal(mac, want, 32);
	/* A key's id: HMAC-SHA256(key, "credgate key id"), truncated. */
	hmac(d1.bytes, 32, "credgate key id", 15, want);
	assert_memory_equal(d1.id, want, CG_KEY_ID_LEN);
	cg_key_wipe(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm_known_answer),
		cmocka_unit_test_setup_teardown(test_round_trip_and_refusals,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_load_at, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_new_key_promote, setup,
						teardown),
		cmocka_unit_test(test_derive_is_hkdf),
	};

	return cmocka_run_group_tests_name("seal", tests, NULL, NULL);
}
