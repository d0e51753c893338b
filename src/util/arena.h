/* Arena allocator: many small allocations freed together.
 * Requests, parsed JSON documents and handler scratch space live in arenas so
 * that error paths never leak: dropping the arena drops everything. */
#ifndef TWINS_ARENA_H
#define TWINS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t block_size);            /* 0 picks a default (8 KiB) */
void arena_free(arena *a);                      /* NULL is fine */
void arena_reset(arena *a);                     /* keeps the first block */
void *arena_alloc(arena *a, size_t n);          /* 16-byte aligned, never NULL (aborts on OOM) */
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);   /* NUL-terminated copy */
void *arena_memdup(arena *a, const void *p, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
size_t arena_used(const arena *a);              /* bytes handed out, for metrics */

#endif
