/* Writing JSON documents member by member (see json.h): the --json
 * output of the tools' list, status and check commands. */
#include "config.h"
#include <string.h>
#include "json.h"

void cg_json_out_init(struct cg_json_out *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* The separator and the key before a value at the current level. */
static void member(struct cg_json_out *w, const char *key)
{
	if (w->depth > 0) {
		if (w->more[w->depth - 1])
			putc(',', w->f);
		w->more[w->depth - 1] = true;
	}
	if (key != NULL && w->depth > 0 && w->close[w->depth - 1] == '}') {
		cg_json_str(w->f, key);
		putc(':', w->f);
	}
}

static void open_level(struct cg_json_out *w, const char *key, char open,
		       char close)
{
	if (w->depth >= CG_JSON_OUT_DEPTH) {
		w->overflow = true;
		return;
	}
	member(w, key);
	putc(open, w->f);
	w->close[w->depth] = close;
	w->more[w->depth] = false;
	w->depth++;
}

void cg_json_out_object(struct cg_json_out *w, const char *key)
{
	open_level(w, key, '{', '}');
}

void cg_json_out_array(struct cg_json_out *w, const char *key)
{
	open_level(w, key, '[', ']');
}

void cg_json_out_close(struct cg_json_out *w)
{
	if (w->depth == 0 || w->overflow) {
		w->overflow = true;
		return;
	}
	w->depth--;
	putc(w->close[w->depth], w->f);
	if (w->depth == 0)
		putc('\n', w->f);
}

void cg_json_out_str(struct cg_json_out *w, const char *key, const char *s)
{
	member(w, key);
	cg_json_str(w->f, s);
}

void cg_json_out_int(struct cg_json_out *w, const char *key, long long v)
{
	member(w, key);
	fprintf(w->f, "%lld", v);
}

void cg_json_out_bool(struct cg_json_out *w, const char *key, bool v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->f);
}

void cg_json_out_null(struct cg_json_out *w, const char *key)
{
	member(w, key);
	fputs("null", w->f);
}

cg_err cg_json_out_end(struct cg_json_out *w)
{
	if (w->overflow || w->depth != 0)
		return CG_E_INVAL;
	if (fflush(w->f) != 0 || ferror(w->f))
		return CG_E_IO;
	return CG_OK;
}
