/* Points in time written by admins, as in "bob until 2026-12-31":
 *
 *   YYYY-MM-DD                      midnight at the start of that day
 *   YYYY-MM-DDThh:mm[:ss]           that minute (second)
 *   ... followed by Z, +hh:mm, -hh:mm, +hhmm or +hh   that offset from UTC
 *
 * Without an offset the time is UTC.  Zone names ("Europe/Berlin") are
 * refused: resolving one needs the process's TZ, which a PAM module
 * loaded into sshd or sudo must not change.  Years 1970..9999; every
 * field is checked (no 2026-02-30, no 24:00, no leap second). */
#ifndef CG_DATETIME_H
#define CG_DATETIME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text cg_datetime_format writes, with the NUL. */
#define CG_DATETIME_TEXT_MAX 32

/* Parse s (the whole string) into seconds since the epoch, which must
 * come out positive.  On failure *why (may be NULL) gets a short fixed
 * phrase for a message ("month out of range", ...). */
bool cg_datetime_parse(const char *s, int64_t *out, const char **why);

/* "2026-12-31 00:00 UTC", or "2026-12-31 18:00:30 UTC" when the seconds
 * are not zero.  Always NUL-terminated. */
void cg_datetime_format(int64_t t, char *buf, size_t sz);

#endif
