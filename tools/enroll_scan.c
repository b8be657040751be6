/* credgate-enroll scan [PATH...]: find copies of the gated credentials'
 * values on the host (scan.h has the map of its parts).  The order
 * matters: the git helper is forked before any credential is read, so
 * the processes that parse users' repositories never held a secret; the
 * needles live in locked memory from the moment they are read until they
 * are wiped at the end. */
#include "config.h"
#include <string.h>
#include <sys/resource.h>
#include "cg_macros.h"
#include "enroll.h"
#include "scan.h"

static const char *const default_paths[] = {
	"/home", "/root", "/srv", "/opt", "/var/www", "/etc", "/tmp",
	"/var/tmp",
};

/* Deep trees keep one directory fd open per level. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Roots: the command line's, else [scan] paths, else the built-in list. */
static void choose_paths(const struct enroll_ctx *c, struct scan_opts *so)
{
	const struct cg_scan_conf *sc = &c->cfg->scan;

	if (c->o->nargs > 0) {
		so->paths = (const char *const *)c->o->args;
		so->npaths = c->o->nargs;
		so->paths_given = true;
	} else if (sc->npaths > 0) {
		so->paths = (const char *const *)sc->paths;
		so->npaths = sc->npaths;
		so->paths_given = true;
	} else {
		so->paths = default_paths;
		so->npaths = CG_ARRAY_SIZE(default_paths);
	}
}

static int run(struct scan *s, const struct cg_config *cfg)
{
	int rc;

	if ((rc = scan_out_open(s)) != 0)
		return rc;
	if ((s->o->git && scan_git_start(s) != 0) ||
	    scan_load_credentials(s, cfg) != 0) {
		s->st.errors++;
		return scan_report_finish(s);
	}
	for (size_t i = 0; i < s->o->npaths; i++)
		scan_walk_root(s, s->o->paths[i]);
	return scan_report_finish(s);
}

int enroll_cmd_scan(struct enroll_ctx *c)
{
	struct scan_opts so = {
		.json = c->o->json, .rotate_hint = c->o->rotate_hint,
		.xdev = !c->o->no_xdev, .git = !c->o->no_git,
	};
	struct scan s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.o = &so;
	s.conf = &c->cfg->scan;
	choose_paths(c, &so);
	raise_fd_limit();
	rc = run(&s, c->cfg);
	scan_git_stop(&s);
	scan_needles_free(&s);
	scan_buffer_free(&s);
	scan_walk_free(&s);
	scan_out_free(&s);
	return rc;
}
