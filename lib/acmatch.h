/* Multi-pattern exact matching: Aho–Corasick, compiled to a DFA.
 *
 * Every pattern is found in one pass over the input, whatever their
 * number: one table lookup per byte (no per-pattern rescans), so the time
 * is flat in the number of patterns and only the table grows.  Built for
 * the leak scanner, whose patterns are secrets: every block the automaton
 * uses is cg_secmem (locked with CG_AC_LOCKED, never dumped, never
 * inherited by fork, wiped when freed) — the table alone spells out the
 * patterns.
 *
 * Details that make it fast:
 * - bytes that occur in no pattern share one class, so a row has as many
 *   entries as the patterns have distinct bytes (plus one), not 256;
 * - state numbers are premultiplied by the row length, and states where a
 *   pattern ends are numbered last, so the hot loop is one load and one
 *   compare per byte;
 * - when every pattern is at least 4 bytes long, a Wu–Manber shift
 *   table over hashed 4-grams skips stretches where no pattern can start
 *   (up to the shortest pattern's length minus 3 at a time, as grep -F
 *   and agrep skip); the DFA runs only from a possible start until it is
 *   back at its root, so every match is still found exactly once.
 *
 * Use: cg_ac_new, cg_ac_add for each pattern, cg_ac_compile once, then
 * cg_ac_scan any number of buffers (concurrently too: scanning does not
 * modify the automaton), cg_ac_free. */
#ifndef CG_ACMATCH_H
#define CG_ACMATCH_H
#include <stddef.h>
#include <stdint.h>
#include "cg_error.h"

#define CG_AC_LOCKED 0x1u           /* fail unless the memory can be mlock'ed */
/* The transition table may not grow beyond this (CG_E_TOOBIG). */
#define CG_AC_MAX_TABLE ((size_t)1 << 30)

struct cg_ac;

/* One match: the caller's id of the pattern and the offset just past its
 * last byte (so it started at end - length).  Return 0 to go on, anything
 * else to stop the scan, which then returns that value.  Matches come in
 * order of their end; several patterns ending at the same byte come in
 * no particular order. */
typedef int (*cg_ac_match_fn)(uint32_t id, size_t end, void *arg);

cg_err cg_ac_new(unsigned flags, struct cg_ac **out);
/* Add a pattern (1 byte at least; CG_E_INVAL after cg_ac_compile).  The
 * bytes are copied.  The same bytes may be added under several ids: each
 * is reported. */
cg_err cg_ac_add(struct cg_ac *ac, const void *pattern, size_t len,
		 uint32_t id);
/* Build the automaton.  CG_E_TOOBIG past CG_AC_MAX_TABLE, CG_E_NOMEM
 * (errno from mmap/mlock kept).  Without any pattern, scans find nothing. */
cg_err cg_ac_compile(struct cg_ac *ac);
/* Scan a buffer; 0 when it was scanned to the end, else what the callback
 * returned to stop it.  The automaton must be compiled. */
int cg_ac_scan(const struct cg_ac *ac, const void *buf, size_t len,
	       cg_ac_match_fn fn, void *arg);
size_t cg_ac_states(const struct cg_ac *ac);
/* Bytes of memory the compiled automaton uses. */
size_t cg_ac_memory(const struct cg_ac *ac);
/* Wipe and free; NULL is fine. */
void cg_ac_free(struct cg_ac *ac);

#endif
