/* libFuzzer target for the leak scanner's needles and matcher: arbitrary
 * bytes as a credential file (the first byte picks min_length).  Beyond
 * memory errors it checks that every needle is bytes of the file, of an
 * allowed length, and that the Aho-Corasick matcher built from them finds
 * in the file exactly what a naive search finds. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "acmatch.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NEEDLES 512

struct run {
	const uint8_t *text;
	size_t len;
	unsigned min_length;
	const uint8_t *p[MAX_NEEDLES];
	size_t n[MAX_NEEDLES];
	size_t count;
	size_t hits, naive_hits;
};

static cg_err collect(const unsigned char *p, size_t len, void *arg)
{
	struct run *r = arg;

	if (len < r->min_length || len > SCAN_NEEDLE_MAX ||
	    p < r->text || p + len > r->text + r->len)
		abort();                /* not bytes of the file, or a bad length */
	if (r->count < MAX_NEEDLES) {
		r->p[r->count] = p;
		r->n[r->count] = len;
		r->count++;
	}
	return CG_OK;
}

static int count_hit(uint32_t id, size_t end, void *arg)
{
	struct run *r = arg;

	if (id >= r->count || end < r->n[id] || end > r->len ||
	    memcmp(r->text + end - r->n[id], r->p[id], r->n[id]) != 0)
		abort();                /* a match that is not there */
	r->hits++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	struct cg_ac *ac = NULL;

	if (size < 1)
		return 0;
	memset(&r, 0, sizeof(r));
	r.min_length = 4 + data[0] % 17;
	r.text = data + 1;
	r.len = size - 1;
	if (scan_needles_derive(r.text, r.len, r.min_length, collect, &r) !=
	    CG_OK)
		abort();
	if (cg_ac_new(0, &ac) != CG_OK)
		return 0;
	for (size_t i = 0; i < r.count; i++)
		if (cg_ac_add(ac, r.p[i], r.n[i], (uint32_t)i) != CG_OK)
			abort();
	if (cg_ac_compile(ac) != CG_OK)
		abort();
	cg_ac_scan(ac, r.text, r.len, count_hit, &r);
	for (size_t i = 0; i < r.count; i++)
		for (size_t j = 0; j + r.n[i] <= r.len; j++)
			r.naive_hits += memcmp(r.text + j, r.p[i], r.n[i]) == 0;
	if (r.hits != r.naive_hits)
		abort();                /* a match missed */
	cg_ac_free(ac);
	return 0;
}
