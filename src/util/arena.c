#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block;

struct arena {
    block *head;
    size_t block_size;
    size_t used_total;
    block *spare;       /* standard blocks kept by arena_reset for reuse */
    size_t n_spare;
};

/* A request arena is reset after every request; keeping a few of its blocks
 * saves a malloc/free pair per block on the next one (a Stripe create uses
 * about five).  Sanitizer builds keep none, so that a use after reset still
 * shows up as a use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define KEEP_SPARE_BLOCKS 0
#else
#define KEEP_SPARE_BLOCKS 1
#endif
#define MAX_SPARE 8

static block *block_new(size_t size)
{
    block *b = malloc(sizeof(block) + size);
    if (!b) {
        fputs("twins: out of memory\n", stderr);
        abort();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *arena_new(size_t block_size)
{
    arena *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->block_size = block_size ? block_size : 8192;
    a->head = block_new(a->block_size);
    return a;
}

void arena_free(arena *a)
{
    if (!a) return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    for (block *b = a->spare, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void arena_reset(arena *a)
{
    block *keep = a->head;
    while (keep->next) {
        block *next = keep->next;
        if (KEEP_SPARE_BLOCKS && keep->size == a->block_size && a->n_spare < MAX_SPARE) {
            keep->next = a->spare;
            a->spare = keep;
            a->n_spare++;
        } else {
            free(keep);
        }
        keep = next;
    }
    keep->used = 0;
    a->head = keep;
    a->used_total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    block *b = a->head;
    if (b->size - b->used < n) {
        /* Large requests get a block of their own placed behind the head so
         * the head's free space is not wasted. */
        if (n > a->block_size / 2) {
            block *big = block_new(n);
            big->used = n;
            big->next = b->next;
            b->next = big;
            a->used_total += n;
            return big->data;
        }
        block *fresh = a->spare;
        if (fresh) {
            a->spare = fresh->next;
            a->n_spare--;
            fresh->used = 0;
        } else {
            fresh = block_new(a->block_size);
        }
        fresh->next = b;
        a->head = b = fresh;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_total += n;
    return p;
}

void *arena_zalloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_memdup(arena *a, const void *p, size_t n)
{
    void *q = arena_alloc(a, n ? n : 1);
    if (n) memcpy(q, p, n);
    return q;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *q = arena_alloc(a, n + 1);
    if (n) memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    /* UBSan builds make GCC see a NULL fmt path and warn; a NULL fmt is a
     * caller bug, so format nothing rather than crash. */
    if (!fmt) fmt = "";
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, copy);
    va_end(copy);
    if (n < 0) return arena_strdup(a, "");
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

size_t arena_used(const arena *a)
{
    return a->used_total;
}
