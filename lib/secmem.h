/* Locked memory for secrets that live for a whole run (the leak
 * scanner's needles and the automaton built from them).  Each block is
 * its own anonymous mapping:
 *   - mlock'ed, so it never reaches swap (with must_lock; else best effort),
 *   - MADV_DONTDUMP, so it never reaches a core file,
 *   - MADV_DONTFORK, so a child forked later does not even have it,
 *   - wiped (explicit_bzero) before it is unmapped.
 * The size is rounded up to whole pages; callers pass the size they asked
 * for back to cg_secmem_free. */
#ifndef CG_SECMEM_H
#define CG_SECMEM_H
#include <stdbool.h>
#include <stddef.h>

/* n zeroed bytes, or NULL with errno set (ENOMEM, or EPERM/ENOMEM from
 * mlock when must_lock and locking is not permitted). */
void *cg_secmem_alloc(size_t n, bool must_lock);
/* Grow (or shrink) a block: a new block, the first min(old_n, new_n)
 * bytes copied, the old one wiped and freed.  NULL on failure, with the
 * old block untouched. */
void *cg_secmem_realloc(void *p, size_t old_n, size_t new_n, bool must_lock);
/* Wipe and unmap; NULL is fine. */
void cg_secmem_free(void *p, size_t n);

#endif
