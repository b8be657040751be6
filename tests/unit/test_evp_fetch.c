/* OpenSSL algorithms fetched once (lib/evp_fetch.c): each call returns
 * the same object, from any thread, and the objects compute what their
 * names say (published SHA-256 and HMAC-SHA256 vectors, an AES-256-GCM
 * round trip through EVP's own one-shot names as the oracle). */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include "evp_fetch.h"
#include "hex.h"

#define NTHREADS 8

static void *fetch_all(void *arg)
{
	void **got = arg;

	got[0] = cg_evp_sha256();
	got[1] = cg_evp_hmac();
	got[2] = cg_evp_aes256gcm();
	return NULL;
}

/* Threads racing on the first call all get the one published object;
 * the losers' own fetches are freed (valgrind and LeakSanitizer would
 * see them otherwise). */
static void test_same_object_every_thread(void **s)
{
	pthread_t t[NTHREADS];
	void *got[NTHREADS][3];
	(void)s;
	for (size_t i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fetch_all, got[i]),
				 0);
	for (size_t i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (size_t i = 0; i < NTHREADS; i++) {
		assert_non_null(got[i][0]);
		assert_non_null(got[i][1]);
		assert_non_null(got[i][2]);
		assert_ptr_equal(got[i][0], got[0][0]);
		assert_ptr_equal(got[i][1], got[0][1]);
		assert_ptr_equal(got[i][2], got[0][2]);
	}
	assert_ptr_equal(cg_evp_sha256(), got[0][0]);
	assert_ptr_equal(cg_evp_hmac(), got[0][1]);
	assert_ptr_equal(cg_evp_aes256gcm(), got[0][2]);
}

static void test_sha256(void **s)
{
	uint8_t md[32], want[32];
	unsigned n = 0;
	(void)s;
	/* FIPS 180-2, "abc". */
	assert_true(cg_hex_decode("ba7816bf8f01cfea414140de5dae2223"
				  "b00361a396177a9cb410ff61f20015ad", 32, true,
				  want));
	assert_int_equal(EVP_Digest("abc", 3, md, &n, cg_evp_sha256(), NULL),
			 1);
	assert_int_equal(n, 32);
	assert_memory_equal(md, want, 32);
}

static void test_hmac_sha256(void **s)
{
	static const uint8_t key[20] = {
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	};
	OSSL_PARAM p[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(cg_evp_hmac());
	uint8_t mac[32], want[32];
	size_t n = 0;
	(void)s;
	/* RFC 4231 test case 1. */
	assert_true(cg_hex_decode("b0344c61d8db38535ca8afceaf0bf12b"
				  "881dc200c9833da726e9376c2e32cff7", 32, true,
				  want));
	assert_non_null(ctx);
	assert_int_equal(EVP_MAC_init(ctx, key, sizeof(key), p), 1);
	assert_int_equal(EVP_MAC_update(ctx, (const uint8_t *)"Hi There", 8),
			 1);
	assert_int_equal(EVP_MAC_final(ctx, mac, &n, sizeof(mac)), 1);
	EVP_MAC_CTX_free(ctx);
	assert_int_equal(n, 32);
	assert_memory_equal(mac, want, 32);
}

/* Encrypted with the fetched cipher, decrypted with EVP_aes_256_gcm(). */
static void test_aes256gcm(void **s)
{
	uint8_t key[32] = { 1 }, iv[12] = { 2 }, pt[40], ct[40], back[40];
	uint8_t tag[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, f = 0;
	(void)s;
	memset(pt, 'p', sizeof(pt));
	assert_non_null(ctx);
	assert_string_equal(EVP_CIPHER_get0_name(cg_evp_aes256gcm()),
			    "AES-256-GCM");
	assert_int_equal(EVP_EncryptInit_ex2(ctx, cg_evp_aes256gcm(), key, iv,
					     NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, ct, &n, pt, sizeof(pt)), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, ct + n, &f), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
					     tag), 1);
	assert_int_equal(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
					    iv), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, back, &n, ct, sizeof(ct)), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
					     tag), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, back + n, &f), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_memory_equal(back, pt, sizeof(pt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_object_every_thread),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hmac_sha256),
		cmocka_unit_test(test_aes256gcm),
	};
	return cmocka_run_group_tests_name("evp_fetch", tests, NULL, NULL);
}
