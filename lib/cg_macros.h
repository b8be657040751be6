/* Compile-time helpers used across the tree (the pattern of Linux-PAM's
 * pam_inline.h): an array size that refuses a pointer, so a buffer that
 * decays to a pointer can never be sized as 8 bytes by mistake. */
#ifndef CG_MACROS_H
#define CG_MACROS_H

#define CG_SAME_TYPE(a, b) \
	__builtin_types_compatible_p(__typeof__(a), __typeof__(b))
/* 0, or a compile error when e is false. */
#define CG_ZERO_OR_FAIL(e) (sizeof(int[-1 + 2 * !!(e)]) * 0)
/* 0 for an array; a compile error for a pointer. */
#define CG_MUST_BE_ARRAY(a) CG_ZERO_OR_FAIL(!CG_SAME_TYPE((a), &(a)[0]))

#define CG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + CG_MUST_BE_ARRAY(a))

#endif
