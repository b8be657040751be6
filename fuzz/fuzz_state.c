/* libFuzzer target: a state file as the files store reads it -- the clear
 * text parser (format 1), the sealed format 2 and the slotted format 3
 * (cg_state_open, under a fixed all-zero key, for user "alice") -- and,
 * whatever opens, the round trips format(parse(x)) and open(seal(x)),
 * the latter also after an in-place update of the other slot. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "seal.h"
#include "state.h"
#include "state_sealed.h"
#include "wipe.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void same(const struct cg_state *a, const struct cg_state *b)
{
	if (memcmp(&a->totp, &b->totp, sizeof(a->totp)) != 0 ||
	    a->last_step != b->last_step || a->nrecovery != b->nrecovery)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const struct cg_key zero;    /* id left 0: matches "key 000..." */
	const struct cg_key *keys[1] = { &zero };
	struct cg_state_form form;
	struct cg_state a, b;
	char *text = NULL;
	uint8_t *file = NULL;
	size_t flen = 0, slot_size;
	unsigned line = 0;

	cg_state_init(&a);
	cg_state_init(&b);
	if (cg_state_open((const char *)data, size, "alice", keys, 1, &a,
			  &line, &form) != CG_OK)
		return 0;
	/* Whatever opens must format and parse back to the same state... */
	if (cg_state_format(&a, &text) != CG_OK ||
	    cg_state_parse(text, strlen(text), &b, &line) != CG_OK)
		abort();
	same(&a, &b);
	cg_free_string(text);
	/* ...and seal and open back to it, for alice and for no one else... */
	if (cg_state_seal_file(&a, "alice", &zero, 7, 0, &file, &flen) != CG_OK ||
	    cg_state_open((char *)file, flen, "alice", keys, 1, &b, &line,
			  &form) != CG_OK || form.version != 3 ||
	    form.slot != 0 || form.generation != 7)
		abort();
	same(&a, &b);
	slot_size = form.slot_size;
	if (cg_state_open((char *)file, flen, "alicf", keys, 1, &b, &line,
			  &form) != CG_E_UNSEAL)
		abort();
	/* ...and once more written in place into slot 1, which then wins. */
	if (a.last_step < INT64_MAX)
		a.last_step++;
	if (cg_state_seal_slot(&a, "alice", &zero, 8, slot_size,
			       file + cg_state_slot_offset(slot_size, 1))
	    != CG_OK ||
	    cg_state_open((char *)file, flen, "alice", keys, 1, &b, &line,
			  &form) != CG_OK || form.slot != 1 ||
	    form.generation != 8)
		abort();
	same(&a, &b);
	free(file);
	cg_state_wipe(&a);
	cg_state_wipe(&b);
	return 0;
}
