/* Unstructured twin: the cheap part of PDF partitioning.
 *
 * Text is read from the pages' content streams when they are stored
 * uncompressed (the text-showing operators Tj, TJ, ' and " inside BT/ET
 * blocks); each BT/ET block becomes a paragraph.  Pages come from the page
 * dictionaries' /Contents references when those are readable, else from the
 * content streams in file order (pdf-lib, which the TypeScript SDK uses to
 * split PDFs, moves page dictionaries into compressed object streams but
 * keeps content streams as they were).  Compressed (FlateDecode) streams and
 * images are not decoded: such pages yield no elements, as a scanned page
 * without OCR would. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

typedef struct pdf_stream {
    long num;                   /* object number */
    const char *dict;           /* dictionary text, not NUL-terminated */
    size_t dict_len;
    const char *data;
    size_t len;
} pdf_stream;

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; p + n <= end; p++)
        if (*p == needle[0] && memcmp(p, needle, n) == 0) return p;
    return NULL;
}

static bool dict_has(const pdf_stream *s, const char *key)
{
    return find(s->dict, s->dict + s->dict_len, key) != NULL;
}

/* Every "N G obj << ... >> stream ... endstream" in the file. */
static size_t collect_streams(arena *a, const char *data, size_t len, pdf_stream **out)
{
    const char *end = data + len;
    size_t n = 0, cap = 16;
    pdf_stream *v = arena_alloc(a, cap * sizeof *v);
    for (const char *p = data; (p = find(p, end, " obj"));) {
        /* the object number: digits before " G" before " obj" */
        const char *q = p;
        while (q > data && isdigit((unsigned char)q[-1])) q--;
        while (q > data && q[-1] == ' ') q--;
        const char *num_end = q;
        while (q > data && isdigit((unsigned char)q[-1])) q--;
        long num = num_end > q ? strtol(q, NULL, 10) : -1;
        const char *body = p + 4;
        const char *endobj = find(body, end, "endobj");
        const char *st = find(body, endobj ? endobj : end, "stream");
        p = body;
        if (!st || (endobj && st > endobj)) continue;
        const char *d = st + 6;
        if (d < end && *d == '\r') d++;
        if (d < end && *d == '\n') d++;
        const char *es = find(d, end, "endstream");
        if (!es) break;
        size_t dl = (size_t)(es - d);
        while (dl && (d[dl - 1] == '\n' || d[dl - 1] == '\r')) dl--;
        if (n == cap) {
            pdf_stream *w = arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
            cap *= 2;
        }
        v[n++] = (pdf_stream){num, body, (size_t)(st - body), d, dl};
        p = es + 9;
    }
    *out = v;
    return n;
}

/* ---- content stream text ---- */

/* Simple fonts' bytes read as Latin-1, written as UTF-8; control bytes dropped. */
static void latin1_byte(buf *out, unsigned char c)
{
    if (c >= 0x80) {
        char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
        buf_append(out, u, 2);
    } else if (c >= 0x20 || c == '\n') {
        buf_append(out, (const char[]){(char)c}, 1);
    }
}

static void literal_string(const char **pp, const char *end, buf *out)
{
    const char *p = *pp + 1;
    int depth = 1;
    while (p < end) {
        char c = *p++;
        if (c == '\\' && p < end) {
            char e = *p++;
            switch (e) {
            case 'n': buf_append(out, "\n", 1); break;
            case 'r': break;
            case 't': buf_append(out, " ", 1); break;
            case 'b': case 'f': break;
            case '\r': case '\n': break;
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++) v = v * 8 + (*p++ - '0');
                    latin1_byte(out, (unsigned char)(v & 0xff));
                } else {
                    latin1_byte(out, (unsigned char)e);
                }
            }
            continue;
        }
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) break;
        latin1_byte(out, (unsigned char)c);
    }
    *pp = p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* <48656c6c6f> as single bytes (simple fonts). */
static void hex_string(const char **pp, const char *end, buf *out)
{
    const char *p = *pp + 1;
    int hi = -1;
    for (; p < end && *p != '>'; p++) {
        int v = hexval(*p);
        if (v < 0) continue;
        if (hi < 0) hi = v;
        else {
            char c = (char)(hi * 16 + v);
            if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f) buf_append(out, &c, 1);
            hi = -1;
        }
    }
    *pp = p < end ? p + 1 : p;
}

/* Text of one content stream: BT/ET blocks separated by blank lines, text
 * moves to a new line by newlines. */
static void content_text(const char *p, size_t len, buf *page)
{
    const char *end = p + len;
    buf pending = BUF_INIT;         /* strings since the last operator */
    bool in_text = false;
    while (p < end) {
        char c = *p;
        if (c == '%') {
            while (p < end && *p != '\n' && *p != '\r') p++;
        } else if (c == '(') {
            literal_string(&p, end, &pending);
        } else if (c == '<' && p + 1 < end && p[1] != '<') {
            hex_string(&p, end, &pending);
        } else if (c == '[' || c == ']') {
            p++;
        } else if (isalpha((unsigned char)c) || c == '\'' || c == '"' || c == '*') {
            const char *s = p;
            while (p < end && (isalpha((unsigned char)*p) || *p == '*' || *p == '\'' || *p == '"')) p++;
            size_t n = (size_t)(p - s);
            if (n == 2 && !memcmp(s, "BT", 2)) {
                in_text = true;
            } else if (n == 2 && !memcmp(s, "ET", 2)) {
                in_text = false;
                buf_append(page, "\n\n", 2);
            } else if (in_text && ((n == 2 && (!memcmp(s, "Tj", 2) || !memcmp(s, "TJ", 2))) || (n == 1 && (*s == '\'' || *s == '"')))) {
                if (n == 1) buf_append(page, "\n", 1);
                buf_append(page, buf_cstr(&pending), pending.len);
            } else if (in_text && ((n == 2 && (!memcmp(s, "Td", 2) || !memcmp(s, "TD", 2) || !memcmp(s, "Tm", 2) ||
                                               !memcmp(s, "T*", 2))))) {
                if (page->len && page->data[page->len - 1] != '\n') buf_append(page, "\n", 1);
            }
            pending.len = 0;
        } else if (c == '-' && p + 1 < end && isdigit((unsigned char)p[1]) && pending.len) {
            /* a large negative kerning inside TJ is a word space */
            long v = strtol(p + 1, NULL, 10);
            if (v >= 200 && pending.data[pending.len - 1] != ' ') buf_append(&pending, " ", 1);
            p++;
            while (p < end && (isdigit((unsigned char)*p) || *p == '.')) p++;
        } else {
            p++;
        }
    }
    buf_free(&pending);
}

static bool is_content(const pdf_stream *s)
{
    if (dict_has(s, "/Filter") || dict_has(s, "/Subtype") || dict_has(s, "/Type")) return false;
    return find(s->data, s->data + s->len, "BT") != NULL;
}

static const pdf_stream *stream_by_num(const pdf_stream *v, size_t n, long num)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].num == num) return &v[i];
    return NULL;
}

/* Page dictionaries readable in the file ("/Type /Page" objects), each with
 * the object numbers of its /Contents; returns the page count found. */
static size_t page_contents(arena *a, const char *data, size_t len, long **first_content)
{
    const char *end = data + len;
    size_t n = 0, cap = 16;
    long *v = arena_alloc(a, cap * sizeof *v);
    for (const char *p = data; (p = find(p, end, "/Type"));) {
        const char *q = p + 5;
        while (q < end && *q == ' ') q++;
        p = q;
        if (end - q < 5 || memcmp(q, "/Page", 5) != 0 || (q + 5 < end && isalpha((unsigned char)q[5]))) continue;
        /* the enclosing object's /Contents */
        const char *objend = find(q, end, "endobj");
        const char *objstart = q;
        while (objstart > data && memcmp(objstart, " obj", 4) != 0) objstart--;
        const char *c = find(objstart, objend ? objend : end, "/Contents");
        long num = -1;
        if (c) {
            c += 9;
            while (c < end && (*c == ' ' || *c == '[')) c++;
            num = strtol(c, NULL, 10);
        }
        if (n == cap) {
            long *w = arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
            cap *= 2;
        }
        v[n++] = num;
    }
    *first_content = v;
    return n;
}

const char *us_partition_pdf(twin_ctx *ctx, const us_opts *o, const char *data, size_t len, json_value *out)
{
    arena *a = ctx->a;
    if (len < 5 || memcmp(data, "%PDF-", 5) != 0) return "File does not appear to be a valid PDF";
    if (find(data, data + len, "/Encrypt")) return "File is encrypted. Please decrypt it with password.";
    pdf_stream *streams;
    size_t n_streams = collect_streams(a, data, len, &streams);
    long *contents;
    size_t n_pages = page_contents(a, data, len, &contents);
    /* the content stream of each page, in page order */
    const pdf_stream **pages = arena_alloc(a, (n_streams + n_pages + 1) * sizeof *pages);
    size_t np = 0;
    bool by_dict = n_pages > 0;
    for (size_t i = 0; i < n_pages; i++) {
        const pdf_stream *s = stream_by_num(streams, n_streams, contents[i]);
        by_dict &= contents[i] >= 0;
        pages[np++] = s && is_content(s) ? s : NULL;
    }
    if (!by_dict) {
        np = 0;
        for (size_t i = 0; i < n_streams; i++)
            if (is_content(&streams[i])) pages[np++] = &streams[i];
    }
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    for (size_t i = 0; i < np; i++) {
        us_elems_page(&e, o->starting_page_number + (int64_t)i);
        if (i && o->include_page_breaks) us_elem_add(&e, "PageBreak", "");
        if (!pages[i]) continue;
        buf text = BUF_INIT;
        content_text(pages[i]->data, pages[i]->len, &text);
        us_elems_paragraphs(&e, buf_cstr(&text), text.len);
        buf_free(&text);
    }
    return NULL;
}
