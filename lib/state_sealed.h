/* The files backend's on-disk form of a state: format 2 (sealed under the
 * host key, bound to the user name) and the clear format 1 it replaces.
 * The layout is described in state_sealed.c. */
#ifndef CG_STATE_SEALED_H
#define CG_STATE_SEALED_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"
#include "seal.h"
#include "state.h"

#define CG_STATE_AAD_MAX (32 + CG_USER_MAX)

/* What cg_state_open found, for messages and for rekey. */
struct cg_state_form {
	int version;                  /* 1 or 2; 0 when unrecognised */
	uint8_t key_id[CG_KEY_ID_LEN];  /* format 2: the sealing key */
	bool unknown_key;             /* format 2 under none of the keys */
};

/* Format st and seal it for `user` under k; *text_out (malloc'ed, no
 * secret in it) is the whole file. */
cg_err cg_state_seal(const struct cg_state *st, const char *user,
		     const struct cg_key *k, char **text_out);

/* Read a whole file's text: format 1 is parsed as is; format 2 is opened
 * with whichever of keys[0..nkeys) (NULL entries skipped) has its id.
 * CG_E_UNSEAL when no key has that id (form->unknown_key) or the blob
 * fails authentication (another user's file, altered); CG_E_PARSE
 * with *bad_line for anything malformed (a line of the sealed text when
 * the damage is inside it).  *out is wiped on failure. */
cg_err cg_state_open(const char *text, size_t len, const char *user,
		     const struct cg_key *const *keys, size_t nkeys,
		     struct cg_state *out, unsigned *bad_line,
		     struct cg_state_form *form);

#endif
