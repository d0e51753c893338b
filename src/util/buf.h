/* Growable byte buffer, always NUL-terminated after its contents. */
#ifndef TWINS_BUF_H
#define TWINS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;     /* NULL until the first append */
    size_t len, cap;
} buf;

#define BUF_INIT {0}

void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_reset(buf *b);                 /* len = 0, keeps memory */
void buf_free(buf *b);
char *buf_steal(buf *b, size_t *len);   /* caller frees; buffer becomes empty */
const char *buf_cstr(const buf *b);     /* "" when empty */

#endif
