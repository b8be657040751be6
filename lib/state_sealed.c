/* Reading a user's state file: the dispatch on its first line, and the
 * two formats that came before format 3 (state_slots.c, the only one
 * written now): they are read, and the next write converts them.
 *
 * Format 1 is the clear text of state.h.  Format 2:
 *
 *   credgate-state 2
 *   key 0123456789abcdef          id of the host key that sealed it
 *   sealed BASE64                 cg_seal(nonce || ciphertext || tag)
 *
 * The plaintext is the format-1 text (state_text.c) followed by NUL bytes
 * up to a multiple of STATE_PAD, so the file's size says nothing about
 * how many recovery codes or grace entries it holds.  STATE_PAD is chosen
 * so that one padded state, sealed and in base64, still fits in one 4 KiB
 * block.  The additional data
 * is "credgate-state 2", a NUL and the user name: a file copied or
 * renamed to another user, or relabelled as another version, fails to
 * open.  Nothing of the secret or the recovery hashes is in the clear. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "hex.h"
#include "state.h"
#include "state_sealed.h"
#include "wipe.h"

#define V1_HEADER "credgate-state 1\n"
#define V2_HEADER "credgate-state 2"
#define V3_HEADER "credgate-state 3\n"
#define STATE_PAD 3000

/* "credgate-state 2" NUL user */
static size_t make_aad(const char *user, char aad[CG_STATE_AAD_MAX])
{
	size_t h = strlen(V2_HEADER) + 1, u = strlen(user);

	memcpy(aad, V2_HEADER, h);
	memcpy(aad + h, user, u);
	return h + u;
}

/* Base64 (RFC 4648, padded) of the sealed blob.  No canonical check:
 * what matters is the bytes, and the GCM tag vouches for every one. */
static bool b64_decode(const char *s, size_t n, uint8_t **out, size_t *len)
{
	uint8_t *buf;
	size_t pad;
	int r;

	*out = NULL;
	if (n == 0 || n % 4 != 0 || n > CG_STATE_MAX_BYTES)
		return false;
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789+/=") < n)
		return false;
	pad = (size_t)(s[n - 1] == '=') + (size_t)(s[n - 2] == '=');
	if ((buf = malloc(n / 4 * 3 + 1)) == NULL)
		return false;
	r = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (r < 0 || (size_t)r != n / 4 * 3) {
		free(buf);
		return false;
	}
	*out = buf;
	*len = (size_t)r - pad;
	return true;
}

/* Split the three lines of format 2: key id and sealed blob. */
static bool v2_fields(const char *text, size_t len, uint8_t id[CG_KEY_ID_LEN],
		      const char **b64, size_t *b64len)
{
	const char *p = text + strlen(V2_HEADER) + 1, *end = text + len, *nl;

	if (len < strlen(V2_HEADER) + 1 ||
	    memcmp(text, V2_HEADER "\n", strlen(V2_HEADER) + 1) != 0)
		return false;
	if ((size_t)(end - p) < 4 + 2 * CG_KEY_ID_LEN + 1 ||
	    memcmp(p, "key ", 4) != 0 ||
	    !cg_hex_decode(p + 4, CG_KEY_ID_LEN, true, id) ||
	    p[4 + 2 * CG_KEY_ID_LEN] != '\n')
		return false;
	p += 4 + 2 * CG_KEY_ID_LEN + 1;
	if ((size_t)(end - p) < 7 || memcmp(p, "sealed ", 7) != 0)
		return false;
	p += 7;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    nl + 1 != end)
		return false;
	*b64 = p;
	*b64len = (size_t)(nl - p);
	return true;
}

/* The plaintext is text, then only NULs, ending on a STATE_PAD boundary. */
static cg_err unpad(const uint8_t *plain, size_t plen, size_t *textlen)
{
	const uint8_t *nul = memchr(plain, '\0', plen);
	size_t n;

	if (nul == NULL || plen % STATE_PAD != 0)
		return CG_E_PARSE;
	n = (size_t)(nul - plain);
	for (size_t i = n; i < plen; i++)
		if (plain[i] != '\0')
			return CG_E_PARSE;
	*textlen = n;
	return CG_OK;
}

cg_err cg_state_open(const char *text, size_t len, const char *user,
		     const struct cg_key *const *keys, size_t nkeys,
		     struct cg_state *out, unsigned *bad_line,
		     struct cg_state_form *form)
{
	char aad[CG_STATE_AAD_MAX];
	uint8_t id[CG_KEY_ID_LEN], *blob = NULL, *plain = NULL;
	const struct cg_key *k = NULL;
	const char *b64 = NULL;
	size_t b64len = 0, blen = 0, plen = 0, tlen = 0;
	cg_err e;

	memset(form, 0, sizeof(*form));
	if (bad_line != NULL)
		*bad_line = 0;
	if (len >= strlen(V3_HEADER) &&
	    memcmp(text, V3_HEADER, strlen(V3_HEADER)) == 0)
		return cg_state_open_v3(text, len, user, keys, nkeys, out,
					bad_line, form);
	if (len >= strlen(V1_HEADER) &&
	    memcmp(text, V1_HEADER, strlen(V1_HEADER)) == 0) {
		form->version = 1;
		return cg_state_parse(text, len, out, bad_line);
	}
	form->version = 2;
	if (!v2_fields(text, len, id, &b64, &b64len)) {
		if (bad_line != NULL)
			*bad_line = 1;
		return CG_E_PARSE;
	}
	memcpy(form->key_id, id, CG_KEY_ID_LEN);
	for (size_t i = 0; i < nkeys && k == NULL; i++)
		if (keys[i] != NULL &&
		    memcmp(keys[i]->id, id, CG_KEY_ID_LEN) == 0)
			k = keys[i];
	if (k == NULL) {
		form->unknown_key = true;
		return CG_E_UNSEAL;
	}
	if (!b64_decode(b64, b64len, &blob, &blen)) {
		if (bad_line != NULL)
			*bad_line = 3;
		return CG_E_PARSE;
	}
	if ((e = cg_unseal(k, aad, make_aad(user, aad), blob, blen, &plain,
			   &plen)) != CG_OK)
		goto out;
	if ((e = unpad(plain, plen, &tlen)) != CG_OK)
		goto out;
	e = cg_state_parse((const char *)plain, tlen, out, bad_line);
 out:
	free(blob);
	if (plain != NULL)
		cg_freezero(plain, plen + 1);
	return e;
}
