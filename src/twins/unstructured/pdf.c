/* Unstructured twin: the cheap part of PDF partitioning.
 *
 * Text is read from the pages' content streams (the text-showing operators
 * Tj, TJ, ' and " inside BT/ET blocks); each BT/ET block becomes a
 * paragraph.  Content streams are read as stored or, with /Filter
 * /FlateDecode (what nearly every PDF writer uses), inflated through zlib
 * within the limits below; other filters (LZW, ASCII85, chains) and images
 * are not decoded: such pages yield no elements, as a scanned page without
 * OCR would.  Pages come from the page dictionaries' /Contents references
 * when those are readable, else from the content streams in file order
 * (pdf-lib, which the TypeScript SDK uses to split PDFs, moves page
 * dictionaries into compressed object streams but keeps content streams as
 * they were).  Strings are read as single-byte text: composite (Type0)
 * fonts' glyph codes are not mapped through ToUnicode. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/flate.h"
#include "util/util.h"

/* Inflating is bounded: one content stream may inflate to PDF_STREAM_LIMIT
 * bytes and a document's streams together to PDF_TOTAL_LIMIT, so a small
 * "decompression bomb" gets a 400 instead of the server's memory. */
#define PDF_STREAM_LIMIT ((size_t)16 << 20)
#define PDF_TOTAL_LIMIT ((size_t)128 << 20)

typedef struct pdf_stream {
    long num;                   /* object number */
    const char *dict;           /* dictionary text, not NUL-terminated */
    size_t dict_len;
    const char *data;           /* the stored (maybe compressed) bytes */
    size_t len;
    const char *text;           /* a content stream's text; NULL for other streams */
    size_t text_len;
} pdf_stream;

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    if (!n || p >= end) return NULL;
    const char *last = end - n;
    for (; p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, n) == 0) return p;
    }
    return NULL;
}

static bool is_pdf_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_pdf_delimiter(char c)
{
    return is_pdf_space(c) || strchr("()<>[]{}/%", c) != NULL;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && is_pdf_space(*p)) p++;
    return p;
}

/* The value after a name key of the dictionary (key "/Length"): a pointer
 * past the key and its spaces, or NULL when the key is absent.  "/Length1"
 * does not match "/Length". */
static const char *dict_value(const pdf_stream *s, const char *key)
{
    const char *end = s->dict + s->dict_len;
    size_t n = strlen(key);
    for (const char *p = s->dict; (p = find(p, end, key)); p += n) {
        if (p + n < end && !is_pdf_delimiter(p[n])) continue;
        return skip_space(p + n, end);
    }
    return NULL;
}

static bool dict_has(const pdf_stream *s, const char *key)
{
    return dict_value(s, key) != NULL;
}

/* A direct integer value (not an "N G R" reference); -1 otherwise. */
static long dict_direct_int(const pdf_stream *s, const char *key)
{
    const char *end = s->dict + s->dict_len, *p = dict_value(s, key);
    if (!p || p >= end || !isdigit((unsigned char)*p)) return -1;
    long v = 0;
    for (; p < end && isdigit((unsigned char)*p); p++) {
        if (v > (LONG_MAX - 9) / 10) return -1;
        v = v * 10 + (*p - '0');
    }
    const char *q = skip_space(p, end);
    if (q < end && isdigit((unsigned char)*q)) return -1; /* "12 0 R" */
    return v;
}

/* The end of the dictionary starting at p ("<<"), past its ">>"; NULL when
 * it does not close. */
static const char *dict_end(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        if (*p == '(') {
            int paren = 0;
            for (; p < end; p++) {
                if (*p == '\\') p++;
                else if (*p == '(') paren++;
                else if (*p == ')' && --paren == 0) break;
            }
            if (p < end) p++;
        } else if (*p == '<' && p + 1 < end && p[1] == '<') {
            depth++;
            p += 2;
        } else if (*p == '>' && p + 1 < end && p[1] == '>') {
            p += 2;
            if (--depth == 0) return p;
        } else {
            p++;
        }
    }
    return NULL;
}

/* The stream's bytes: /Length when it is direct and lands on "endstream",
 * else up to the next "endstream" less the end-of-line before it.  Returns
 * the position after the stream. */
static const char *stream_extent(pdf_stream *s, const char *d, const char *end)
{
    long n = dict_direct_int(s, "/Length");
    if (n >= 0 && (size_t)n <= (size_t)(end - d)) {
        const char *q = skip_space(d + n, end);
        if ((size_t)(end - q) >= 9 && memcmp(q, "endstream", 9) == 0) {
            s->data = d;
            s->len = (size_t)n;
            return q + 9;
        }
    }
    const char *es = find(d, end, "endstream");
    if (!es) es = end;
    size_t dl = (size_t)(es - d);
    if (dl && d[dl - 1] == '\n') dl--;
    if (dl && d[dl - 1] == '\r') dl--;
    s->data = d;
    s->len = dl;
    return es == end ? end : es + 9;
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
        long num = num_end > q && num_end - q < 12 ? strtol(q, NULL, 10) : -1;
        const char *body = skip_space(p + 4, end);
        p += 4;
        if (end - body < 2 || memcmp(body, "<<", 2) != 0) continue;
        const char *de = dict_end(body, end);
        if (!de) break;
        const char *st = skip_space(de, end);
        p = de;
        if ((size_t)(end - st) < 6 || memcmp(st, "stream", 6) != 0) continue;
        const char *d = st + 6;
        if (d < end && *d == '\r') d++;
        if (d < end && *d == '\n') d++;
        if (n == cap) {
            pdf_stream *w = arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
            cap *= 2;
        }
        v[n] = (pdf_stream){.num = num, .dict = body, .dict_len = (size_t)(de - body)};
        p = stream_extent(&v[n], d, end);
        n++;
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

/* An operator token ("BT") in content: delimited on both sides. */
static bool has_operator(const char *p, size_t len, const char *op)
{
    const char *end = p + len;
    size_t n = strlen(op);
    for (const char *q = p; (q = find(q, end, op)); q += n) {
        bool before = q == p || is_pdf_delimiter(q[-1]);
        bool after = q + n == end || is_pdf_delimiter(q[n]);
        if (before && after) return true;
    }
    return false;
}

/* Streams that are never page content: fonts, images, ICC profiles, forms,
 * object and cross-reference streams. */
static bool may_be_content(const pdf_stream *s)
{
    static const char *const keys[] = {"/Type", "/Subtype", "/Length1", "/Length2", "/Length3", "/N", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (dict_has(s, keys[i])) return false;
    return true;
}

typedef enum { FILTER_NONE, FILTER_FLATE, FILTER_UNSUPPORTED } pdf_filter;

/* "/Filter /FlateDecode" or "/Filter [/FlateDecode]"; any other filter, or
 * a chain, is one the twin does not decode. */
static pdf_filter stream_filter(const pdf_stream *s)
{
    const char *end = s->dict + s->dict_len, *v = dict_value(s, "/Filter");
    if (!v) return FILTER_NONE;
    bool array = v < end && *v == '[';
    if (array) v = skip_space(v + 1, end);
    static const char flate[] = "/FlateDecode";
    size_t n = sizeof flate - 1;
    if ((size_t)(end - v) < n || memcmp(v, flate, n) != 0) return FILTER_UNSUPPORTED;
    const char *after = v + n;
    if (after < end && !is_pdf_delimiter(*after)) return FILTER_UNSUPPORTED;
    if (array && (after = skip_space(after, end)) < end && *after != ']') return FILTER_UNSUPPORTED;
    return FILTER_FLATE;
}

/* Decodes the content streams and keeps their text.  Returns NULL, or the
 * error detail of a stream that inflates past the limits. */
static const char *extract_texts(arena *a, pdf_stream *streams, size_t n)
{
    size_t inflated = 0;
    for (size_t i = 0; i < n; i++) {
        pdf_stream *s = &streams[i];
        if (!may_be_content(s)) continue;
        pdf_filter filter = stream_filter(s);
        if (filter == FILTER_UNSUPPORTED) continue;
        const char *content = s->data;
        size_t content_len = s->len;
        buf decoded = BUF_INIT;
        if (filter == FILTER_FLATE) {
            size_t budget = PDF_TOTAL_LIMIT - inflated;
            size_t limit = budget < PDF_STREAM_LIMIT ? budget : PDF_STREAM_LIMIT;
            /* truncated or corrupt data keeps what decoded, as PDF viewers do */
            if (flate_inflate(s->data, s->len, limit, &decoded) == FLATE_TOO_LARGE) {
                buf_free(&decoded);
                return arena_printf(a, "PDF stream (object %ld) inflates past the %zu MiB limit%s", s->num,
                                    limit >> 20, limit < PDF_STREAM_LIMIT ? " for the whole document" : "");
            }
            inflated += decoded.len;
            content = buf_cstr(&decoded);
            content_len = decoded.len;
        }
        if (has_operator(content, content_len, "BT")) {
            buf text = BUF_INIT;
            content_text(content, content_len, &text);
            s->text = arena_strndup(a, buf_cstr(&text), text.len);
            s->text_len = text.len;
            buf_free(&text);
        }
        buf_free(&decoded);
    }
    return NULL;
}

/* The stream of an object number; the last one when an incremental update
 * wrote the object again. */
static const pdf_stream *stream_by_num(const pdf_stream *v, size_t n, long num)
{
    for (size_t i = n; i-- > 0;)
        if (v[i].num == num) return &v[i];
    return NULL;
}

typedef struct pdf_page {
    long *contents;             /* object numbers of the page's content streams */
    size_t n;
} pdf_page;

/* The object numbers after /Contents: "N G R" or "[N G R N G R ...]". */
static void parse_contents(arena *a, const char *c, const char *end, pdf_page *page)
{
    c = skip_space(c, end);
    bool array = c < end && *c == '[';
    if (array) c++;
    size_t cap = 4;
    page->contents = arena_alloc(a, cap * sizeof *page->contents);
    page->n = 0;
    for (;;) {
        c = skip_space(c, end);
        long nums[2];
        int k = 0;
        for (; k < 2 && c < end && isdigit((unsigned char)*c); k++) {
            const char *s = c;
            while (c < end && isdigit((unsigned char)*c)) c++;
            nums[k] = c - s < 12 ? strtol(s, NULL, 10) : -1;
            c = skip_space(c, end);
        }
        if (k < 2 || c >= end || *c != 'R') return;
        c++;
        if (page->n == cap) {
            long *w = arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, page->contents, page->n * sizeof *w);
            page->contents = w;
            cap *= 2;
        }
        page->contents[page->n++] = nums[0];
        if (!array) return;
    }
}

/* Page dictionaries readable in the file ("/Type /Page" objects), each with
 * its /Contents; returns the page count found. */
static size_t find_pages(arena *a, const char *data, size_t len, pdf_page **out)
{
    const char *end = data + len;
    size_t n = 0, cap = 16;
    pdf_page *v = arena_alloc(a, cap * sizeof *v);
    for (const char *p = data; (p = find(p, end, "/Type"));) {
        const char *q = skip_space(p + 5, end);
        p = q > p + 5 ? q : p + 5;
        if (end - q < 5 || memcmp(q, "/Page", 5) != 0 || (q + 5 < end && !is_pdf_delimiter(q[5]))) continue;
        /* the enclosing object's /Contents */
        const char *objend = find(q, end, "endobj");
        const char *objstart = q;
        while (objstart > data && (end - objstart < 4 || memcmp(objstart, " obj", 4) != 0)) objstart--;
        const char *c = find(objstart, objend ? objend : end, "/Contents");
        if (n == cap) {
            pdf_page *w = arena_alloc(a, 2 * cap * sizeof *w);
            memcpy(w, v, n * sizeof *v);
            v = w;
            cap *= 2;
        }
        v[n] = (pdf_page){0};
        if (c) parse_contents(a, c + 9, objend ? objend : end, &v[n]);
        n++;
    }
    *out = v;
    return n;
}

/* A page's text: its content streams' texts in order (a stream can end a
 * word and the next go on, so they are joined by a newline). */
static char *page_text(arena *a, const pdf_page *page, const pdf_stream *streams, size_t n_streams, size_t *len)
{
    buf b = BUF_INIT;
    for (size_t k = 0; k < page->n; k++) {
        const pdf_stream *s = stream_by_num(streams, n_streams, page->contents[k]);
        if (!s || !s->text) continue;
        if (b.len) buf_append(&b, "\n", 1);
        buf_append(&b, s->text, s->text_len);
    }
    *len = b.len;
    char *r = arena_strndup(a, buf_cstr(&b), b.len);
    buf_free(&b);
    return r;
}

/* True when the page dictionaries name content streams the file holds:
 * then they give the page order (else the page dictionaries sit in
 * compressed object streams and content streams are taken in file order). */
static bool pages_resolve(const pdf_page *pages, size_t n_pages, const pdf_stream *streams, size_t n_streams)
{
    for (size_t i = 0; i < n_pages; i++)
        for (size_t k = 0; k < pages[i].n; k++)
            if (stream_by_num(streams, n_streams, pages[i].contents[k])) return true;
    return false;
}

const char *us_partition_pdf(twin_ctx *ctx, const us_opts *o, const char *data, size_t len, json_value *out)
{
    arena *a = ctx->a;
    if (len < 5 || memcmp(data, "%PDF-", 5) != 0) return "File does not appear to be a valid PDF";
    if (find(data, data + len, "/Encrypt")) return "File is encrypted. Please decrypt it with password.";
    pdf_stream *streams;
    size_t n_streams = collect_streams(a, data, len, &streams);
    const char *err = extract_texts(a, streams, n_streams);
    if (err) return err;
    pdf_page *pages;
    size_t n_pages = find_pages(a, data, len, &pages);
    /* the text of each page, in page order */
    const char **texts = arena_alloc(a, (n_streams + n_pages + 1) * sizeof *texts);
    size_t *lens = arena_alloc(a, (n_streams + n_pages + 1) * sizeof *lens);
    size_t np = 0;
    if (pages_resolve(pages, n_pages, streams, n_streams)) {
        for (size_t i = 0; i < n_pages; i++, np++) texts[np] = page_text(a, &pages[i], streams, n_streams, &lens[np]);
    } else {
        for (size_t i = 0; i < n_streams; i++)
            if (streams[i].text) texts[np] = streams[i].text, lens[np++] = streams[i].text_len;
    }
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    for (size_t i = 0; i < np; i++) {
        us_elems_page(&e, o->starting_page_number + (int64_t)i);
        if (i && o->include_page_breaks) us_elem_add(&e, "PageBreak", "");
        us_elems_paragraphs(&e, texts[i], lens[i]);
    }
    return NULL;
}
