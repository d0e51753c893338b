/* Growable byte buffer, always NUL-terminated after its contents. */
#ifndef TWINS_BUF_H
#define TWINS_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct buf {
    char *data;     /* NULL until the first append */
    size_t len, cap;
} buf;

#define BUF_INIT {0}

void buf_grow(buf *b, size_t extra);  /* makes room for extra bytes and the NUL */
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_reset(buf *b);                 /* len = 0, keeps memory */
void buf_free(buf *b);
char *buf_steal(buf *b, size_t *len);   /* caller frees; buffer becomes empty */
const char *buf_cstr(const buf *b);     /* "" when empty */

/* The fast paths are inline: JSON writing calls them once per token, and a
 * call per byte cost about a quarter of a Stripe create's instructions. */
static inline void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) buf_grow(b, extra);
}

static inline void buf_append(buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buf_putc(buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

#endif
