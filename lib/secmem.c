/* Locked, non-dumpable, non-inherited memory for long-lived secrets
 * (see secmem.h). */
#include "config.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "secmem.h"

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - page)
		return 0;
	return (n + page - 1) / page * page;
}

void *cg_secmem_alloc(size_t n, bool must_lock)
{
	size_t len = page_round(n);
	void *p;
	int err;

	if (len == 0) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Lock before anything is written, so no byte ever sees swap. */
	if (madvise(p, len, MADV_DONTDUMP) != 0 ||
	    madvise(p, len, MADV_DONTFORK) != 0 ||
	    (mlock(p, len) != 0 && must_lock)) {
		err = errno;
		munmap(p, len);
		errno = err;
		return NULL;
	}
	return p;
}

void *cg_secmem_realloc(void *p, size_t old_n, size_t new_n, bool must_lock)
{
	void *q = cg_secmem_alloc(new_n, must_lock);

	if (q == NULL)
		return NULL;
	if (p != NULL)
		memcpy(q, p, old_n < new_n ? old_n : new_n);
	cg_secmem_free(p, old_n);
	return q;
}

void cg_secmem_free(void *p, size_t n)
{
	size_t len = page_round(n);

	if (p == NULL || len == 0)
		return;
	explicit_bzero(p, len);
	munlock(p, len);
	munmap(p, len);
}
