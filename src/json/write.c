/* Serialisation: DOM writers, number formatting and the streaming writer. */
#include "json/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* ---- strings ---- */

/* Escape to use for each byte; 0 means the byte is copied as is.  'u' marks
 * control characters without a short form (written as \u00XX). */
static const char escape_for[256] = {
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
    [0x06] = 'u', [0x07] = 'u', ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', [0x0b] = 'u',
    ['\f'] = 'f', ['\r'] = 'r', [0x0e] = 'u', [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u',
    [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u',
    [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\',
};

static void write_escape(buf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e = escape_for[c];
    if (e == 'u') {
        char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        buf_append(out, seq, sizeof seq);
    } else {
        char seq[2] = {'\\', e};
        buf_append(out, seq, sizeof seq);
    }
}

/* Length of the leading run of bytes that are copied as they are (ASCII,
 * no escape), tested eight at a time: most strings are plain ASCII, and the
 * writer spends its time here. */
static size_t plain_prefix(const unsigned char *u, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, u + i, sizeof x);
        uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        uint64_t special = (x - ones * 0x20) |            /* below 0x20 */
                           ((quote - ones) & ~quote) |    /* '"' */
                           ((backslash - ones) & ~backslash) | x; /* '\\', >= 0x80 */
        if (special & highs) break;
    }
    while (i < n && u[i] < 0x80 && !escape_for[u[i]]) i++;
    return i;
}

/* Output is always UTF-8, whatever the bytes: a form value or path segment
 * may carry any (%FF), and a document holding them would neither parse back
 * (json_parse rejects them, so a stored record would be lost) nor be valid
 * JSON for clients.  Each byte of an ill-formed sequence becomes U+FFFD. */
void json_write_string(buf *out, const char *s, size_t n)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    const unsigned char *u = (const unsigned char *)s;
    buf_reserve(out, n + 2);
    buf_putc(out, '"');
    size_t run = 0;   /* start of the bytes not yet copied */
    for (size_t i = 0; (i += plain_prefix(u + i, n - i)) < n;) {
        unsigned char c = u[i];
        int seq = c < 0x80 ? 0 : utf8_sequence_length(u + i, u + n);
        if (seq) {
            i += (size_t)seq;
            continue;
        }
        buf_append(out, s + run, i - run);
        if (c < 0x80) write_escape(out, c);
        else buf_append(out, replacement, sizeof replacement - 1);
        run = ++i;
    }
    buf_append(out, s + run, n - run);
    buf_putc(out, '"');
}

/* ---- numbers ---- */

/* Shortest of %.15g/%.16g/%.17g that reads back as d (17 always does).
 * Assumes the C locale for LC_NUMERIC. */
static int format_double(char out[32], double d)
{
    int n = 0;
    for (int precision = 15; precision <= 17; precision++) {
        n = snprintf(out, 32, "%.*g", precision, d);
        if (strtod(out, NULL) == d) break;
    }
    return n;
}

json_value *json_double_value(arena *a, double d)
{
    if (!isfinite(d)) return json_null(a);
    char text[32];
    format_double(text, d);
    return json_number_text(a, text);
}

static int format_u64(char *out, uint64_t n)   /* out: 20 bytes */
{
    char tmp[24];
    int len = 0;
    do {
        tmp[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (int i = 0; i < len; i++) out[i] = tmp[len - 1 - i];
    return len;
}

/* ---- DOM writers ---- */

static void write_compact(buf *out, const json_value *v)
{
    switch (v->type) {
    case JSON_NULL: buf_append(out, "null", 4); return;
    case JSON_FALSE: buf_append(out, "false", 5); return;
    case JSON_TRUE: buf_append(out, "true", 4); return;
    case JSON_NUMBER: buf_append(out, v->str, v->len); return;
    case JSON_STRING: json_write_string(out, v->str, v->len); return;
    case JSON_ARRAY:
    case JSON_OBJECT: break;
    }
    bool is_object = v->type == JSON_OBJECT;
    buf_putc(out, is_object ? '{' : '[');
    for (const json_value *c = v->first; c; c = c->next) {
        if (c != v->first) buf_putc(out, ',');
        if (is_object) {
            json_write_string(out, c->key, c->key_len);
            buf_putc(out, ':');
        }
        write_compact(out, c);
    }
    buf_putc(out, is_object ? '}' : ']');
}

void json_write(buf *out, const json_value *v)
{
    /* Documents are usually a few hundred bytes to a few KiB: start there
     * rather than doubling up from the buffer's 64 bytes. */
    if (!out->cap) buf_reserve(out, 1000); /* a 1 KiB allocation */
    if (!v)
        buf_append(out, "null", 4);
    else
        write_compact(out, v);
}

static void write_newline_indent(buf *out, size_t spaces)
{
    buf_reserve(out, spaces + 1);
    out->data[out->len++] = '\n';
    memset(out->data + out->len, ' ', spaces);
    out->len += spaces;
    out->data[out->len] = '\0';
}

static void write_pretty(buf *out, const json_value *v, size_t indent, size_t level)
{
    bool is_object = v->type == JSON_OBJECT;
    if ((v->type != JSON_ARRAY && !is_object) || !v->first) {
        write_compact(out, v);
        return;
    }
    buf_putc(out, is_object ? '{' : '[');
    for (const json_value *c = v->first; c; c = c->next) {
        if (c != v->first) buf_putc(out, ',');
        write_newline_indent(out, indent * (level + 1));
        if (is_object) {
            json_write_string(out, c->key, c->key_len);
            buf_append(out, ": ", 2);
        }
        write_pretty(out, c, indent, level + 1);
    }
    write_newline_indent(out, indent * level);
    buf_putc(out, is_object ? '}' : ']');
}

void json_write_pretty(buf *out, const json_value *v, int indent)
{
    /* Same rules as JSON.stringify(v, null, indent): no indent means compact
     * output, and the indent is capped at 10. */
    if (!v || indent <= 0) {
        json_write(out, v);
        return;
    }
    write_pretty(out, v, (size_t)(indent > 10 ? 10 : indent), 0);
}

/* Serialising into a buffer kept between calls avoids a malloc and a few
 * reallocs per document (every store write goes through here); the arena
 * copy is a bump allocation.  Buffers that grew large are let go. */
#define SCRATCH_KEEP (64u << 10)
static _Thread_local buf scratch;

char *json_to_string(arena *a, const json_value *v, size_t *len_out)
{
    buf_reset(&scratch);
    json_write(&scratch, v);
    char *s = arena_strndup(a, scratch.data, scratch.len);
    if (len_out) *len_out = scratch.len;
    if (scratch.cap > SCRATCH_KEEP) buf_free(&scratch);
    return s;
}

/* ---- streaming writer ---- */

void jw_init(jw *w, buf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

/* Emits the comma that separates this value from the previous sibling. */
static void jw_before_value(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth]) buf_putc(w->out, ',');
    w->need_comma[w->depth] = true;
}

static void jw_open(jw *w, char bracket)
{
    jw_before_value(w);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        /* A programming error, not an input error: nothing builds answers
         * this deep, and continuing would write past need_comma. */
        fputs("twins: jw nesting deeper than JW_MAX_DEPTH\n", stderr);
        abort();
    }
    buf_putc(w->out, bracket);
    w->need_comma[++w->depth] = false;
}

static void jw_close(jw *w, char bracket)
{
    buf_putc(w->out, bracket);
    if (w->depth > 0) w->depth--;
}

void jw_object_begin(jw *w)
{
    jw_open(w, '{');
}

void jw_object_end(jw *w)
{
    jw_close(w, '}');
}

void jw_array_begin(jw *w)
{
    jw_open(w, '[');
}

void jw_array_end(jw *w)
{
    jw_close(w, ']');
}

void jw_keyn(jw *w, const char *key, size_t n)
{
    if (w->need_comma[w->depth]) buf_putc(w->out, ',');
    w->need_comma[w->depth] = true;
    json_write_string(w->out, key, n);
    buf_putc(w->out, ':');
    w->after_key = true;
}

void jw_key(jw *w, const char *key)
{
    jw_keyn(w, key, strlen(key));
}

void jw_stringn(jw *w, const char *s, size_t n)
{
    jw_before_value(w);
    json_write_string(w->out, s, n);
}

void jw_string(jw *w, const char *s)
{
    if (s)
        jw_stringn(w, s, strlen(s));
    else
        jw_null(w);
}

void jw_uint(jw *w, uint64_t n)
{
    char text[24];
    jw_raw(w, text, (size_t)format_u64(text, n));
}

void jw_int(jw *w, int64_t n)
{
    char text[24];
    if (n >= 0) {
        jw_raw(w, text, (size_t)format_u64(text, (uint64_t)n));
        return;
    }
    text[0] = '-';
    /* 0 - (uint64_t)n is the magnitude even for INT64_MIN. */
    int len = format_u64(text + 1, 0 - (uint64_t)n);
    jw_raw(w, text, (size_t)len + 1);
}

void jw_double(jw *w, double d)
{
    char text[32];
    if (!isfinite(d)) {
        jw_null(w);
        return;
    }
    jw_raw(w, text, (size_t)format_double(text, d));
}

void jw_bool(jw *w, bool b)
{
    jw_raw(w, b ? "true" : "false", b ? 4 : 5);
}

void jw_null(jw *w)
{
    jw_raw(w, "null", 4);
}

void jw_raw(jw *w, const char *json, size_t n)
{
    jw_before_value(w);
    buf_append(w->out, json, n);
}

void jw_value(jw *w, const json_value *v)
{
    jw_before_value(w);
    json_write(w->out, v);
}

void jw_kv_string(jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_string(w, s);
}

void jw_kv_int(jw *w, const char *key, int64_t n)
{
    jw_key(w, key);
    jw_int(w, n);
}

void jw_kv_bool(jw *w, const char *key, bool b)
{
    jw_key(w, key);
    jw_bool(w, b);
}

void jw_kv_null(jw *w, const char *key)
{
    jw_key(w, key);
    jw_null(w);
}
