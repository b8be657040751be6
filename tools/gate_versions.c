/* versions: the kept versions of a credential, for its readers and
 * writers -- when, by whom, its fingerprint and size, and which one the
 * file holds now; never any content, so no code is asked for. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gate.h"
#include "safefile.h"
#include "versions.h"
#include "wipe.h"

/* The fingerprint of what the file holds now; "" when there is none. */
static cg_err current_fp(const struct cg_credential *c,
			 const struct cg_key *host, char fp[CG_FP_HEX + 1])
{
	char *buf = NULL;
	size_t len = 0;
	int fd = -1;
	cg_err e;

	fp[0] = '\0';
	e = cg_open_file(c->path, 022, &fd, NULL);
	if (e == CG_E_NOENT)
		return CG_OK;
	if (e == CG_OK)
		e = cg_read_all(fd, GATE_MAX_CREDENTIAL, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (e == CG_OK)
		e = cg_fingerprint(host, buf, len, fp);
	cg_freezero(buf, len + 1);
	return e;
}

static void print_versions(const struct cg_version *v, size_t n,
			   const char *now)
{
	size_t uw = strlen("USER");
	char t[32], action[32];
	struct tm tm;
	time_t tt;

	for (size_t i = 0; i < n; i++)
		uw = strlen(v[i].user) > uw ? strlen(v[i].user) : uw;
	printf("%-8s  %-19s  %-12s  %-*s  %-*s  %8s\n", "VERSION",
	       "TIME (UTC)", "ACTION", (int)uw, "USER", CG_FP_HEX,
	       "FINGERPRINT", "SIZE");
	for (size_t i = n; i-- > 0; ) {
		tt = (time_t)v[i].time;
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(t, sizeof(t), "-");
		if (v[i].action == CG_VERSION_ROLLBACK)
			snprintf(action, sizeof(action), "rollback:%llu",
				 (unsigned long long)v[i].from);
		else
			snprintf(action, sizeof(action), "%s",
				 cg_version_action_name(v[i].action));
		printf("%-8llu  %-19s  %-12s  %-*s  %-*s  %8zu%s\n",
		       (unsigned long long)v[i].seq, t, action, (int)uw,
		       v[i].user, CG_FP_HEX, v[i].fp, v[i].size,
		       i == n - 1 && strcmp(v[i].fp, now) == 0 ?
		       "  (current)" : "");
	}
}

int gate_cmd_versions(const struct gate *g, const struct cg_credential *c)
{
	struct cg_versions vs = { .dirfd = -1 };
	struct cg_version *v = NULL;
	struct cg_key host;
	char now[CG_FP_HEX + 1];
	uint64_t bad = 0;
	size_t n = 0;
	int ret = GATE_EXIT_ERROR;
	cg_err e;

	const char *path;

	if ((e = gate_load_host_key(g, &host, &path)) != CG_OK) {
		gate_err("host key %s: %s", path, cg_strerror(e));
		return GATE_EXIT_ERROR;
	}
	e = cg_versions_open(g->cfg->defaults.versions_dir, c->name, &host,
			     false, &vs);
	if (e == CG_E_NOENT) {
		gate_audit(g, true, "listed", "no versions");
		gate_err("%s: no versions kept yet (nothing was put)", c->name);
		ret = GATE_EXIT_OK;
		goto out;
	}
	if (e == CG_OK)
		e = cg_versions_list(&vs, &v, &n, &bad);
	if (e == CG_OK)
		e = current_fp(c, &host, now);
	if (e != CG_OK) {
		gate_audit(g, false, "versions_error", cg_strerror(e));
		gate_err("%s: %s%s", c->name, cg_strerror(e),
			 bad != 0 ? " (a version file is damaged)" : "");
		goto out;
	}
	gate_audit(g, true, "listed", NULL);
	print_versions(v, n, now);
	if (n > 0 && strcmp(v[n - 1].fp, now) != 0)
		gate_err("note: %s now holds %s credgate has no version of "
			 "(changed outside credgate?); the next put keeps it",
			 c->path, now[0] != '\0' ? "content" : "nothing");
	ret = fflush(stdout) == 0 ? GATE_EXIT_OK : GATE_EXIT_ERROR;
 out:
	free(v);
	cg_versions_close(&vs);
	cg_key_wipe(&host);
	return ret;
}
