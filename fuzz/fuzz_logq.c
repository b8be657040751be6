/* libFuzzer target for the log query's readers: arbitrary bytes as a
 * syslog line, as a journal JSON entry and as an audit line.  Beyond
 * memory errors it checks the promise of audit_parse.h: a line it accepts
 * is exactly what cg_audit_format writes for the fields it returned. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "audit_parse.h"
#include "logq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const char *line, size_t len)
{
	struct cg_audit_record r;
	char why[128], again[CG_AUDIT_LINE_MAX];

	if (cg_audit_parse(line, len, &r, why, sizeof(why)) != CG_OK) {
		if (why[0] == '\0')
			abort();        /* every refusal says why */
		return;
	}
	for (size_t i = 0; i < r.n; i++)
		if (strlen(r.f[i].value) > CG_AUDIT_VALUE_MAX) {
			cg_audit_record_free(&r);
			return;         /* a cut value: not re-creatable */
		}
	cg_audit_format(r.f, r.n, again, sizeof(again));
	if (strlen(again) != len || memcmp(again, line, len) != 0)
		abort();
	cg_audit_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct logq_event ev;
	char why[LOGQ_WHY_MAX];

	check_canonical(line, size);
	memset(&ev, 0, sizeof(ev));
	if (logq_parse_syslog(line, size, 1714608000, &ev, why,
			      sizeof(why)) == LOGQ_EVENT)
		cg_audit_record_free(&ev.rec);
	memset(&ev, 0, sizeof(ev));
	if (logq_parse_journal_json(line, size, &ev, why,
				    sizeof(why)) == LOGQ_EVENT)
		cg_audit_record_free(&ev.rec);
	return 0;
}
