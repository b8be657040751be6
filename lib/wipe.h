/* Wiping and comparing memory that held secrets or codes. */
#ifndef CG_WIPE_H
#define CG_WIPE_H
#include <stdbool.h>
#include <stddef.h>
#include "cg_macros.h"

/* Overwrite n bytes in a way the compiler may not elide (explicit_bzero). */
void cg_wipe(void *p, size_t n);
/* Wipe a whole array in place; a pointer is a compile error, so the
 * size is never sizeof(pointer) by mistake. */
#define cg_wipe_array(a) cg_wipe((a), sizeof(a) + CG_MUST_BE_ARRAY(a))
/* Wipe then free; NULL is fine.  For heap buffers of known size. */
void cg_freezero(void *p, size_t n);
/* Wipe a NUL-terminated string (strlen bytes) then free it. */
void cg_free_string(char *s);
/* Constant-time equality of two buffers of the same length. */
bool cg_memeq_consttime(const void *a, const void *b, size_t n);
/* Constant-time equality of two strings; the time depends only on the
 * lengths, never on where they differ. */
bool cg_streq_consttime(const char *a, const char *b);

#endif
