/* Who can read a file the scanner found: the world, one group, or only
 * its owner.  Reading needs the read bit on the file and the search bit
 * on every directory on the way, so the walk carries how far down the
 * world (or one group) can get. */
#include "config.h"
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include "scan.h"

void scan_reach_enter(struct scan_reach *r, const struct stat *dir)
{
	mode_t m = dir->st_mode;

	if (m & S_IXOTH)
		return;                         /* no narrower than before */
	if (!(m & S_IXGRP)) {
		r->kind = REACH_NONE;
		return;
	}
	/* Only members of the directory's group get through. */
	if (r->kind == REACH_ALL) {
		r->kind = REACH_GROUP;
		r->gid = dir->st_gid;
	} else if (r->kind == REACH_GROUP && r->gid != dir->st_gid) {
		r->kind = REACH_NONE;
	}
}

struct scan_reader scan_readable_by(const struct scan_reach *r,
				    const struct stat *st)
{
	struct scan_reader rd = { READER_OWNER, (unsigned)st->st_uid };
	mode_t m = st->st_mode;

	if ((m & S_IROTH) && r->kind == REACH_ALL) {
		rd.kind = READER_WORLD;
		rd.id = 0;
	} else if ((m & S_IROTH) && r->kind == REACH_GROUP) {
		/* others may read it, but only the group gets there */
		rd.kind = READER_GROUP;
		rd.id = (unsigned)r->gid;
	} else if ((m & S_IRGRP) && (r->kind == REACH_ALL ||
		   (r->kind == REACH_GROUP && r->gid == st->st_gid))) {
		rd.kind = READER_GROUP;
		rd.id = (unsigned)st->st_gid;
	}
	return rd;
}

void scan_reader_text(const struct scan_reader *rd, char *buf, size_t sz)
{
	struct passwd *pw;
	struct group *gr;

	switch (rd->kind) {
	case READER_WORLD:
		snprintf(buf, sz, "world");
		break;
	case READER_GROUP:
		if ((gr = getgrgid((gid_t)rd->id)) != NULL)
			snprintf(buf, sz, "group %s", gr->gr_name);
		else
			snprintf(buf, sz, "group %u", rd->id);
		break;
	case READER_OWNER:
		if ((pw = getpwuid((uid_t)rd->id)) != NULL)
			snprintf(buf, sz, "owner %s", pw->pw_name);
		else
			snprintf(buf, sz, "owner %u", rd->id);
		break;
	}
}
