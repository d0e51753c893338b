#include "util/bigmem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it */
#endif

static bool is_big(size_t n)
{
    return n >= BIG_MIN_BYTES;
}

/* Mappings are whole huge pages: a partial one at the end could not be huge. */
static size_t mapped_len(size_t n)
{
    return (n + BIG_MIN_BYTES - 1) & ~(BIG_MIN_BYTES - 1);
}

static void want_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE); /* THP off or unsupported: 4 KiB pages will do */
#else
    (void)p;
    (void)len;
#endif
}

/* A zeroed mapping of len bytes (whole huge pages) that starts on a huge-page
 * boundary: only aligned 2 MiB ranges can be backed by huge pages.  Maps a
 * huge page more than needed and trims the ends. */
static void *map_aligned(size_t len)
{
    size_t over = len + BIG_MIN_BYTES;
    char *raw = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) abort();
    char *start = (char *)(((uintptr_t)raw + BIG_MIN_BYTES - 1) & ~(uintptr_t)(BIG_MIN_BYTES - 1));
    size_t head = (size_t)(start - raw), tail = over - head - len;
    if (head) munmap(raw, head);
    if (tail) munmap(start + len, tail);
    want_huge_pages(start, len);
    return start;
}

void *big_alloc(size_t n)
{
    if (is_big(n)) return map_aligned(mapped_len(n));
    void *p = calloc(n ? n : 1, 1);
    if (!p) abort();
    return p;
}

/* Both sizes big.  The kernel moves page tables rather than bytes, so even
 * a table of hundreds of megabytes grows without a copy. */
static void *remap_big(void *p, size_t old_n, size_t new_n)
{
    size_t old_len = mapped_len(old_n), new_len = mapped_len(new_n);
    if (new_len == old_len) return p;
    if (new_len < old_len) {
        munmap((char *)p + new_len, old_len - new_len);
        return p;
    }
    void *q = mremap(p, old_len, new_len, 0); /* in place, when the addresses after it are free */
    if (q != MAP_FAILED) {
        want_huge_pages(p, new_len);
        return p;
    }
    /* Elsewhere: an aligned mapping of the new size whose first part the old
     * pages replace (MREMAP_FIXED), which keeps the new start aligned where
     * a plain MREMAP_MAYMOVE would not. */
    q = map_aligned(new_len);
    if (mremap(p, old_len, old_len, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
        memcpy(q, p, old_n);
        munmap(p, old_len);
    }
    return q;
}

void *big_realloc(void *p, size_t old_n, size_t new_n)
{
    if (!p) return big_alloc(new_n);
    if (is_big(old_n) && is_big(new_n)) return remap_big(p, old_n, new_n);
    if (!is_big(old_n) && !is_big(new_n)) {
        void *q = realloc(p, new_n ? new_n : 1);
        if (!q) abort();
        return q;
    }
    /* Across the threshold: a copy, once per table. */
    void *q = big_alloc(new_n);
    memcpy(q, p, old_n < new_n ? old_n : new_n);
    big_free(p, old_n);
    return q;
}

void big_free(void *p, size_t n)
{
    if (!p) return;
    if (is_big(n)) munmap(p, mapped_len(n));
    else free(p);
}

void big_populate(void *p, size_t n)
{
    if (!n || madvise(p, n, MADV_POPULATE_WRITE) == 0) return;
    /* Refused (an older kernel): a write per page does the same. */
    for (volatile char *c = p, *end = (char *)p + n; c < end; c += 4096) *c = *c;
}
