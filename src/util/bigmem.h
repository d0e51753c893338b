/* Big tables read at random (the memory store's id tables and sorted arrays)
 * on memory of their own, backed by transparent huge pages where the kernel
 * allows it.  With 4 KiB pages every probe of a table of many megabytes is
 * likely a TLB miss, which costs most in a VM; a 2 MiB page covers 512
 * times more.  The machine's THP setting is usually "madvise", so the pages
 * must be asked for: big_alloc maps sizes of BIG_MIN_BYTES and more with
 * mmap and madvise(MADV_HUGEPAGE) (ignored where refused) and leaves smaller
 * ones to malloc.
 *
 * The caller passes the size it allocated with back to big_realloc and
 * big_free: that tells which allocator the block came from.  Running out of
 * memory aborts, like the rest of the server's allocations. */
#ifndef TWINS_BIGMEM_H
#define TWINS_BIGMEM_H

#include <stddef.h>

#define BIG_MIN_BYTES ((size_t)2 << 20) /* one x86-64 huge page */

void *big_alloc(size_t n);                                 /* zeroed; n > 0 */
void *big_realloc(void *p, size_t old_n, size_t new_n);    /* like realloc; p NULL with old_n 0 allocates */
void big_free(void *p, size_t n);                          /* NULL is fine */

/* Faults [p, p + n) in now, ahead of use.  The first touch of fresh memory
 * is what costs most, in a VM above all (the host backs the page then):
 * several milliseconds per huge page.  A caller that faults a big table in
 * a slice per operation spreads that cost instead of paying it in one. */
void big_populate(void *p, size_t n);

#endif
