/* UTF-8: how long the sequence at a byte is, strictly. */
#ifndef CG_UTF8_H
#define CG_UTF8_H
#include <stddef.h>

/* Length of the UTF-8 sequence at s (n > 0 bytes available), 0 if it is
 * not one: ASCII gives 1; no overlong forms, no surrogates, nothing above
 * U+10FFFF. */
size_t cg_utf8_seq(const unsigned char *s, size_t n);

#endif
