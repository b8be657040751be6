/* The caller's login session from /proc (see session.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "number.h"
#include "session.h"

#define STAT_MAX 4096                /* a /proc/PID/stat line, generously */
#define FIELD_SESSION 6
#define FIELD_TTY_NR 7
#define FIELD_STARTTIME 22
#define PTS_MAJOR_FIRST 136          /* Unix98 ptys: majors 136..143 */
#define PTS_MAJOR_LAST 143
#define TTY_MAJOR 4                  /* virtual consoles tty0..tty63 */

/* Read a small /proc file whole; NUL-terminated. */
static cg_err read_proc(const char *path, char *buf, size_t sz, size_t *len)
{
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1)
		return errno == ENOENT || errno == ESRCH ? CG_E_NOENT : CG_E_IO;
	while (got + 1 < sz) {
		n = read(fd, buf + got, sz - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return got > 0 ? CG_OK : CG_E_IO;
}

/* One field of n bytes: canonical decimal (number.h), negative only
 * where the kernel prints a signed value. */
static bool parse_field(const char *s, size_t n, bool sign, long long *out)
{
	char buf[24];
	int64_t v = 0;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!cg_dec_i64(buf, sign ? INT64_MIN : 0, INT64_MAX, &v))
		return false;
	*out = v;
	return true;
}

cg_err cg_session_parse_stat(const char *text, size_t len, long long *sid,
			     unsigned *major, unsigned *minor,
			     unsigned long long *start)
{
	const char *p = NULL, *end = text + len;
	long long v = 0, tty = 0, start_v = 0;
	int field = 2;                  /* the ")" closes field 2, comm */

	for (const char *q = text; q < end; q++)
		if (*q == ')')
			p = q;          /* the last one: comm may hold ')' */
	if (p == NULL)
		return CG_E_PARSE;
	for (p++; p < end && *p != '\n' && field < FIELD_STARTTIME;) {
		const char *tok;

		if (*p != ' ')
			return CG_E_PARSE;
		tok = ++p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		field++;
		if (field == FIELD_SESSION || field == FIELD_TTY_NR ||
		    field == FIELD_STARTTIME) {
			if (!parse_field(tok, (size_t)(p - tok),
					 field == FIELD_TTY_NR, &v))
				return CG_E_PARSE;
			if (field == FIELD_SESSION)
				*sid = v;
			else if (field == FIELD_TTY_NR)
				tty = v;
			else
				start_v = v;
		}
	}
	if (field != FIELD_STARTTIME)
		return CG_E_PARSE;
	/* The kernel's new_encode_dev() layout of tty_nr. */
	*major = (unsigned)(((unsigned long long)tty >> 8) & 0xfff);
	*minor = (unsigned)(((unsigned long long)tty & 0xff) |
			    (((unsigned long long)tty >> 12) & 0xfff00));
	*start = (unsigned long long)start_v;
	return CG_OK;
}

static cg_err read_boot_id(char out[CG_BOOT_ID_SIZE])
{
	char buf[64];
	size_t len = 0;
	cg_err e;

	if ((e = read_proc("/proc/sys/kernel/random/boot_id", buf, sizeof(buf),
			   &len)) != CG_OK)
		return e;
	if (len < CG_BOOT_ID_SIZE - 1 ||
	    strspn(buf, "0123456789abcdef-") != CG_BOOT_ID_SIZE - 1)
		return CG_E_PARSE;
	memcpy(out, buf, CG_BOOT_ID_SIZE - 1);
	out[CG_BOOT_ID_SIZE - 1] = '\0';
	return CG_OK;
}

cg_err cg_session_current(struct cg_session *out)
{
	char buf[STAT_MAX], path[64];
	unsigned lmajor = 0, lminor = 0;
	unsigned long long ignored = 0;
	long long lsid = 0;
	size_t len = 0;
	cg_err e;

	memset(out, 0, sizeof(*out));
	if ((e = read_proc("/proc/self/stat", buf, sizeof(buf), &len)) != CG_OK ||
	    (e = cg_session_parse_stat(buf, len, &out->sid, &out->major,
				       &out->minor, &ignored)) != CG_OK)
		return e;
	if ((out->major == 0 && out->minor == 0) || out->sid <= 0)
		return CG_E_NOENT;      /* no controlling terminal */
	/* The leader's start time tells this session from an earlier one
	 * that had the same id; a session whose leader is gone has none. */
	snprintf(path, sizeof(path), "/proc/%lld/stat", out->sid);
	if ((e = read_proc(path, buf, sizeof(buf), &len)) != CG_OK ||
	    (e = cg_session_parse_stat(buf, len, &lsid, &lmajor, &lminor,
				       &out->leader_start)) != CG_OK)
		return e;
	if (lsid != out->sid)
		return CG_E_NOENT;      /* that pid leads no session now */
	return read_boot_id(out->boot_id);
}

bool cg_session_tty_name(const struct cg_session *s, char *buf, size_t sz)
{
	char name[CG_TTY_NAME_MAX], dev[CG_TTY_NAME_MAX + 8];
	struct stat st;

	if (sz > 0)
		buf[0] = '\0';
	if (s->major >= PTS_MAJOR_FIRST && s->major <= PTS_MAJOR_LAST)
		snprintf(name, sizeof(name), "pts/%u", s->minor +
			 (s->major - PTS_MAJOR_FIRST) * (1u << 20));
	else if (s->major == TTY_MAJOR && s->minor < 64)
		snprintf(name, sizeof(name), "tty%u", s->minor);
	else
		return false;
	/* Keep the name only if /dev really has that device under it. */
	snprintf(dev, sizeof(dev), "/dev/%s", name);
	if (stat(dev, &st) != 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != s->major || minor(st.st_rdev) != s->minor ||
	    strlen(name) >= sz)
		return false;
	memcpy(buf, name, strlen(name) + 1);
	return true;
}
