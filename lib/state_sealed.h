/* The files backend's on-disk form of a state: format 3 (two sealed
 * slots in a fixed-size file, updated in place: state_slots.c), and the
 * formats it replaces, still read: format 2 (one sealed blob in text,
 * state_sealed.c) and the clear format 1. */
#ifndef CG_STATE_SEALED_H
#define CG_STATE_SEALED_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_error.h"
#include "seal.h"
#include "state.h"

#define CG_STATE_AAD_MAX (32 + CG_USER_MAX)

#define CG_STATE_VERSION_CURRENT 3

/* What cg_state_open found, for messages, for rekey and for the in-place
 * update of format 3. */
struct cg_state_form {
	int version;                  /* 1, 2 or 3; 0 when unrecognised */
	uint8_t key_id[CG_KEY_ID_LEN];  /* 2, 3: the key that sealed it */
	bool unknown_key;             /* sealed under none of the keys */
	/* format 3, when it opened: */
	size_t slot_size;             /* bytes per slot */
	int slot;                     /* the slot that holds the state */
	uint64_t generation;          /* its generation (>= 1) */
};

/* Format 3.  The file is CG_STATE_V3_HEADER bytes of header, then slot 0
 * and slot 1 of slot_size bytes each; slot_size is 2048 k - 32 for k in
 * 1..16, so a file is k 4 KiB blocks. */
#define CG_STATE_V3_HEADER 64

/* A new file: header, st sealed for `user` under k with generation gen
 * in slot 0, slot 1 empty (zero bytes, written: no hole).  The slots are
 * the smallest that hold st and at least min_slot bytes (0: no minimum).
 * *out (malloc'ed; no secret in it) is *len bytes. */
cg_err cg_state_seal_file(const struct cg_state *st, const char *user,
			  const struct cg_key *k, uint64_t gen,
			  size_t min_slot, uint8_t **out, size_t *len);

/* One slot of slot_size bytes (a size a file of format 3 had), st sealed
 * for `user` under k with generation gen, into out[slot_size]:
 * CG_E_TOOBIG when st does not fit. */
cg_err cg_state_seal_slot(const struct cg_state *st, const char *user,
			  const struct cg_key *k, uint64_t gen,
			  size_t slot_size, uint8_t *out);

/* Where slot 0 or 1 starts in a file of format 3. */
size_t cg_state_slot_offset(size_t slot_size, int slot);

/* Open a file of format 3 (cg_state_open calls it for one). */
cg_err cg_state_open_v3(const char *text, size_t len, const char *user,
			const struct cg_key *const *keys, size_t nkeys,
			struct cg_state *out, unsigned *bad_line,
			struct cg_state_form *form);

/* Read a whole file: format 1 is parsed as is; formats 2 and 3 are opened
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
