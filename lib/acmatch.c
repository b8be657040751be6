/* Aho–Corasick multi-pattern matching compiled to a DFA (see acmatch.h):
 * patterns are gathered, a trie is built in a dense table, failure links
 * complete it into a DFA (breadth first, in place), states are renumbered
 * so that those with output come last, and a Wu–Manber shift table lets
 * the scan skip where no pattern can start.  Every block lives in
 * cg_secmem: the table spells out the patterns. */
#include "config.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "acmatch.h"
#include "secmem.h"

#define NONE UINT32_MAX
#define GRAM 4                          /* bytes the skip table hashes */
#define SKIP_MAX_M 64                   /* longest window it looks at */

struct pat {
	size_t off;                     /* in bytes[] */
	uint32_t len;
	uint32_t id;                    /* the caller's */
};

/* A block of cg_secmem with its size, so it can be freed. */
struct block {
	void *p;
	size_t n;
};

struct cg_ac {
	bool locked, compiled;
	struct block bytes, pats;       /* patterns as added */
	size_t nbytes, npats, minlen;
	/* The DFA.  States are premultiplied by ncls; those >= match_base
	 * have output: out_first[k] is 1 + the first pattern ending there
	 * (0: none, only through the dictionary link), pat_next chains the
	 * others, out_dict[k] is the next state on the failure chain that has
	 * patterns of its own (NONE: no more), k = (state - match_base) /
	 * ncls. */
	uint8_t cls[256];
	uint32_t ncls, nstates, match_base;
	struct block delta, out_first, out_dict, pat_next;
	/* Wu–Manber skip table, when every pattern has GRAM bytes or more:
	 * skip[gram_hash(4-gram)] (see build_skip). */
	struct block skip;
	uint32_t skip_m, skip_hash_shift;
	bool use_skip;
};

static bool block_alloc(const struct cg_ac *ac, struct block *b, size_t n)
{
	b->p = cg_secmem_alloc(n, ac->locked);
	b->n = b->p != NULL ? n : 0;
	return b->p != NULL;
}

static void block_free(struct block *b)
{
	cg_secmem_free(b->p, b->n);
	b->p = NULL;
	b->n = 0;
}

/* Room for `need` bytes in b, doubling. */
static bool block_reserve(const struct cg_ac *ac, struct block *b, size_t need)
{
	size_t n = b->n > 0 ? b->n : 4096;
	void *q;

	if (need <= b->n)
		return true;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return false;
		n *= 2;
	}
	if ((q = cg_secmem_realloc(b->p, b->n, n, ac->locked)) == NULL)
		return false;
	b->p = q;
	b->n = n;
	return true;
}

cg_err cg_ac_new(unsigned flags, struct cg_ac **out)
{
	struct cg_ac *ac;
	bool locked = (flags & CG_AC_LOCKED) != 0;

	if (out == NULL || (flags & ~CG_AC_LOCKED) != 0)
		return CG_E_INVAL;
	*out = NULL;
	/* Even the struct: cls[] tells which bytes the secrets contain. */
	if ((ac = cg_secmem_alloc(sizeof(*ac), locked)) == NULL)
		return CG_E_NOMEM;
	ac->locked = locked;
	*out = ac;
	return CG_OK;
}

cg_err cg_ac_add(struct cg_ac *ac, const void *pattern, size_t len,
		 uint32_t id)
{
	struct pat *p;

	if (ac == NULL || ac->compiled || pattern == NULL || len == 0 ||
	    len > UINT32_MAX || ac->nbytes > SIZE_MAX - len)
		return CG_E_INVAL;
	if (!block_reserve(ac, &ac->bytes, ac->nbytes + len) ||
	    !block_reserve(ac, &ac->pats, (ac->npats + 1) * sizeof(*p)))
		return CG_E_NOMEM;
	memcpy((unsigned char *)ac->bytes.p + ac->nbytes, pattern, len);
	p = (struct pat *)ac->pats.p + ac->npats;
	p->off = ac->nbytes;
	p->len = (uint32_t)len;
	p->id = id;
	ac->nbytes += len;
	ac->npats++;
	if (ac->minlen == 0 || len < ac->minlen)
		ac->minlen = len;
	return CG_OK;
}

/* ---- building -------------------------------------------------------- */

/* Working memory of cg_ac_compile, freed (wiped) at its end. */
struct build {
	struct block go;                /* trie, then DFA: node * ncls + class */
	struct block first;             /* per node: 1 + first pattern, or 0 */
	struct block fail, dict, order, newid;
	uint32_t nnodes;
};

static void build_free(struct build *b)
{
	block_free(&b->go);
	block_free(&b->first);
	block_free(&b->fail);
	block_free(&b->dict);
	block_free(&b->order);
	block_free(&b->newid);
}

/* Byte classes: each byte that occurs in a pattern gets its own class,
 * all the others share class 0 (from any state they lead to the root). */
static void make_classes(struct cg_ac *ac)
{
	const unsigned char *bytes = ac->bytes.p;
	bool used[256] = { false };

	for (size_t i = 0; i < ac->nbytes; i++)
		used[bytes[i]] = true;
	ac->ncls = 1;
	for (unsigned b = 0; b < 256; b++)
		ac->cls[b] = used[b] ? (uint8_t)ac->ncls++ : 0;
}

static cg_err build_alloc(struct cg_ac *ac, struct build *b, size_t maxnodes)
{
	size_t cells;

	if (maxnodes > UINT32_MAX / ac->ncls)
		return CG_E_TOOBIG;
	cells = maxnodes * ac->ncls;
	if (cells > CG_AC_MAX_TABLE / sizeof(uint32_t))
		return CG_E_TOOBIG;
	if (!block_alloc(ac, &b->go, cells * sizeof(uint32_t)) ||
	    !block_alloc(ac, &b->first, maxnodes * sizeof(uint32_t)) ||
	    !block_alloc(ac, &b->fail, maxnodes * sizeof(uint32_t)) ||
	    !block_alloc(ac, &b->dict, maxnodes * sizeof(uint32_t)) ||
	    !block_alloc(ac, &b->order, maxnodes * sizeof(uint32_t)) ||
	    !block_alloc(ac, &b->newid, maxnodes * sizeof(uint32_t)) ||
	    !block_alloc(ac, &ac->pat_next, ac->npats * sizeof(uint32_t) + 1))
		return CG_E_NOMEM;
	return CG_OK;
}

/* The trie: 0 in go[] means "no child" (no child is the root). */
static void build_trie(struct cg_ac *ac, struct build *b)
{
	const unsigned char *bytes = ac->bytes.p;
	const struct pat *pats = ac->pats.p;
	uint32_t *go = b->go.p, *first = b->first.p;
	uint32_t *pat_next = ac->pat_next.p;

	b->nnodes = 1;
	for (size_t p = 0; p < ac->npats; p++) {
		uint32_t s = 0;

		for (uint32_t i = 0; i < pats[p].len; i++) {
			uint32_t *t = &go[(size_t)s * ac->ncls +
					  ac->cls[bytes[pats[p].off + i]]];
			if (*t == 0)
				*t = b->nnodes++;
			s = *t;
		}
		pat_next[p] = first[s];
		first[s] = (uint32_t)p + 1;
	}
}

/* Breadth first from the root: each child's failure state is where its
 * parent's failure state goes on the same class, and each missing
 * transition is copied from the failure state's (complete) row.  order[]
 * receives the nodes in breadth-first order, the root first. */
static void build_links(struct cg_ac *ac, struct build *b)
{
	uint32_t *go = b->go.p, *first = b->first.p, *fail = b->fail.p;
	uint32_t *dict = b->dict.p, *order = b->order.p;
	size_t head = 1, tail = 1, n = ac->ncls;

	order[0] = 0;
	for (size_t c = 0; c < n; c++)
		if (go[c] != 0)
			order[tail++] = go[c];     /* fail and dict stay 0 */
	while (head < tail) {
		uint32_t s = order[head++], f = fail[s];

		for (size_t c = 0; c < n; c++) {
			uint32_t *t = &go[s * n + c];

			if (*t == 0) {
				*t = go[f * n + c];
				continue;
			}
			fail[*t] = go[f * n + c];
			dict[*t] = first[fail[*t]] != 0 ? fail[*t] :
				   dict[fail[*t]];
			order[tail++] = *t;
		}
	}
}

static bool has_output(const struct build *b, uint32_t node)
{
	return ((const uint32_t *)b->first.p)[node] != 0 ||
	       ((const uint32_t *)b->dict.p)[node] != 0;
}

/* New numbers: states without output first (breadth-first order kept,
 * so the hot shallow rows sit together), then those with output. */
static void renumber(struct cg_ac *ac, struct build *b)
{
	const uint32_t *order = b->order.p;
	uint32_t *newid = b->newid.p, next = 0;

	for (uint32_t i = 0; i < b->nnodes; i++)
		if (!has_output(b, order[i]))
			newid[order[i]] = next++;
	ac->match_base = next * ac->ncls;
	for (uint32_t i = 0; i < b->nnodes; i++)
		if (has_output(b, order[i]))
			newid[order[i]] = next++;
	ac->nstates = b->nnodes;
}

static cg_err build_final(struct cg_ac *ac, struct build *b)
{
	const uint32_t *go = b->go.p, *first = b->first.p, *dict = b->dict.p;
	const uint32_t *newid = b->newid.p;
	uint32_t *delta, *out_first, *out_dict, n = ac->ncls;
	size_t nout = b->nnodes - ac->match_base / n;

	if (!block_alloc(ac, &ac->delta, (size_t)b->nnodes * n * sizeof(*delta)) ||
	    !block_alloc(ac, &ac->out_first, nout * sizeof(*out_first) + 1) ||
	    !block_alloc(ac, &ac->out_dict, nout * sizeof(*out_dict) + 1))
		return CG_E_NOMEM;
	delta = ac->delta.p;
	out_first = ac->out_first.p;
	out_dict = ac->out_dict.p;
	for (uint32_t o = 0; o < b->nnodes; o++) {
		uint32_t row = newid[o] * n;

		for (uint32_t c = 0; c < n; c++)
			delta[row + c] = newid[go[(size_t)o * n + c]] * n;
		if (row >= ac->match_base) {
			size_t k = (row - ac->match_base) / n;

			out_first[k] = first[o];
			out_dict[k] = dict[o] != 0 ? newid[dict[o]] * n : NONE;
		}
	}
	return CG_OK;
}

static uint32_t gram_hash(const unsigned char *p, uint32_t shift)
{
	uint32_t x;

	memcpy(&x, p, sizeof(x));
	return (x * 2654435761u) >> shift;      /* Knuth's multiplicative hash */
}

/* Wu–Manber's shift table over the first m bytes of every pattern (m the
 * shortest length, at most SKIP_MAX_M): for the 4-gram that ends a
 * window of m bytes, how far the window may move without passing the
 * start of any pattern.  A 4-gram seen nowhere allows m - 3; one that
 * ends the m-byte prefix of some pattern allows 0 (a possible start).
 * Hash collisions only make shifts smaller, never unsafe.  About 4
 * entries per 4-gram, between 2^10 and 2^20. */
static cg_err build_skip(struct cg_ac *ac)
{
	const unsigned char *bytes = ac->bytes.p;
	const struct pat *pats = ac->pats.p;
	unsigned log2n = 10;
	uint8_t *shift;
	size_t grams;

	ac->use_skip = ac->minlen >= GRAM;
	if (!ac->use_skip)
		return CG_OK;
	ac->skip_m = ac->minlen < SKIP_MAX_M ? (uint32_t)ac->minlen : SKIP_MAX_M;
	grams = ac->npats * (ac->skip_m - GRAM + 1);
	while (log2n < 20 && ((size_t)1 << log2n) < grams * 4)
		log2n++;
	if (!block_alloc(ac, &ac->skip, (size_t)1 << log2n))
		return CG_E_NOMEM;
	ac->skip_hash_shift = 32 - log2n;
	shift = ac->skip.p;
	memset(shift, (int)(ac->skip_m - GRAM + 1), (size_t)1 << log2n);
	for (size_t p = 0; p < ac->npats; p++) {
		const unsigned char *pat = bytes + pats[p].off;

		for (uint32_t end = GRAM; end <= ac->skip_m; end++) {
			uint32_t h = gram_hash(pat + end - GRAM,
					       ac->skip_hash_shift);
			uint8_t d = (uint8_t)(ac->skip_m - end);

			if (d < shift[h])
				shift[h] = d;
		}
	}
	return CG_OK;
}

cg_err cg_ac_compile(struct cg_ac *ac)
{
	struct build b;
	cg_err e;

	if (ac == NULL || ac->compiled)
		return CG_E_INVAL;
	memset(&b, 0, sizeof(b));
	make_classes(ac);
	if ((e = build_alloc(ac, &b, ac->nbytes + 1)) != CG_OK)
		goto out;
	build_trie(ac, &b);
	build_links(ac, &b);
	renumber(ac, &b);
	if ((e = build_final(ac, &b)) != CG_OK ||
	    (e = build_skip(ac)) != CG_OK)
		goto out;
	ac->compiled = true;
 out:
	build_free(&b);
	return e;
}

/* ---- scanning -------------------------------------------------------- */

/* Every pattern that ends in `state`: its own, then along its dictionary
 * links. */
static int __attribute__((noinline))
report(const struct cg_ac *ac, uint32_t state, size_t end,
       cg_ac_match_fn fn, void *arg)
{
	const struct pat *pats = ac->pats.p;
	const uint32_t *out_first = ac->out_first.p, *out_dict = ac->out_dict.p;
	const uint32_t *pat_next = ac->pat_next.p;
	int rc;

	while (state != NONE) {
		size_t k = (state - ac->match_base) / ac->ncls;

		for (uint32_t p = out_first[k]; p != 0; p = pat_next[p - 1])
			if ((rc = fn(pats[p - 1].id, end, arg)) != 0)
				return rc;
		state = out_dict[k];
	}
	return 0;
}

static int scan_plain(const struct cg_ac *ac, const unsigned char *p,
		      size_t len, cg_ac_match_fn fn, void *arg)
{
	const uint32_t *delta = ac->delta.p;
	const uint8_t *cls = ac->cls;
	uint32_t s = 0, mb = ac->match_base;
	int rc;

	for (size_t i = 0; i < len; i++) {
		s = delta[s + cls[p[i]]];
		if (__builtin_expect(s >= mb, 0) &&
		    (rc = report(ac, s, i + 1, fn, arg)) != 0)
			return rc;
	}
	return 0;
}

/* Slide a window of skip_m bytes: while the 4-gram ending it says no
 * pattern can start here, move on by what the table allows; where one
 * may, run the DFA from its root until it is back at the root (no match
 * can then be under way) and slide again from there.  A pattern starting
 * at j is never missed: the window stops at j, or the DFA was running at
 * j and could not return to the root before the pattern ended.  No
 * pattern is shorter than the window, so none starts in the last
 * skip_m - 1 bytes unless the DFA is already running. */
static int scan_skip(const struct cg_ac *ac, const unsigned char *p,
		     size_t len, cg_ac_match_fn fn, void *arg)
{
	const uint32_t *delta = ac->delta.p;
	const uint8_t *cls = ac->cls, *shift = ac->skip.p;
	uint32_t s, mb = ac->match_base, hs = ac->skip_hash_shift;
	size_t pos = 0, i, m = ac->skip_m;
	int rc;

	while (len >= m && pos <= len - m) {
		uint8_t d = shift[gram_hash(p + pos + m - GRAM, hs)];

		if (d != 0) {
			pos += d;
			continue;
		}
		s = 0;
		i = pos;
		do {
			s = delta[s + cls[p[i]]];
			i++;
			if (__builtin_expect(s >= mb, 0) &&
			    (rc = report(ac, s, i, fn, arg)) != 0)
				return rc;
		} while (s != 0 && i < len);
		pos = i;
	}
	return 0;
}

int cg_ac_scan(const struct cg_ac *ac, const void *buf, size_t len,
	       cg_ac_match_fn fn, void *arg)
{
	if (ac == NULL || !ac->compiled || ac->npats == 0 || len == 0)
		return 0;
	return ac->use_skip ? scan_skip(ac, buf, len, fn, arg) :
				scan_plain(ac, buf, len, fn, arg);
}

size_t cg_ac_states(const struct cg_ac *ac)
{
	return ac != NULL ? ac->nstates : 0;
}

size_t cg_ac_memory(const struct cg_ac *ac)
{
	if (ac == NULL)
		return 0;
	return ac->delta.n + ac->out_first.n + ac->out_dict.n +
	       ac->pat_next.n + ac->skip.n + ac->bytes.n + ac->pats.n +
	       sizeof(*ac);
}

void cg_ac_free(struct cg_ac *ac)
{
	if (ac == NULL)
		return;
	block_free(&ac->bytes);
	block_free(&ac->pats);
	block_free(&ac->delta);
	block_free(&ac->out_first);
	block_free(&ac->out_dict);
	block_free(&ac->pat_next);
	block_free(&ac->skip);
	cg_secmem_free(ac, sizeof(*ac));
}
