/* Decimal numbers: the one parser for policy values, state files,
 * recovery-hash parameters, command-line options and imported files.
 * Digits are ASCII '0'..'9' only (no locale, no sign, no blanks, no
 * strtoul surprises such as "0x10", " 5" or "-1" wrapping around). */
#ifndef CG_NUMBER_H
#define CG_NUMBER_H
#include <stdbool.h>
#include <stdint.h>
#include "cg_error.h"

/* The run of digits at the start of s: CG_OK with *out and *end (first
 * byte after the digits); CG_E_INVAL if s starts with no digit;
 * CG_E_RANGE if the value exceeds UINT64_MAX (*end still set). */
cg_err cg_dec_prefix(const char *s, const char **end, uint64_t *out);

/* All of s is digits, with a value <= max.  canonical refuses leading
 * zeros ("007"), for files where each value has exactly one spelling. */
bool cg_dec_u64(const char *s, uint64_t max, bool canonical, uint64_t *out);
bool cg_dec_unsigned(const char *s, unsigned max, bool canonical,
		     unsigned *out);

/* Canonical signed decimal in min..max: an optional '-', digits, no
 * leading zero, no "-0". */
bool cg_dec_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
