/* Unstructured twin: building document elements.
 *
 * An element is {"type", "element_id", "text", "metadata"}.  Its id is a
 * hash of (filename, absolute page number, index on the page, text), so the
 * ids of a page do not depend on how the document was split into requests.
 * Elements after a Title carry it as metadata.parent_id, like the library's
 * section hierarchy. */
#include <ctype.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

#define PAGE_WIDTH 1700.0
#define PAGE_HEIGHT 2200.0
#define LINE_HEIGHT 44.0

void us_elems_init(us_elems *e, twin_ctx *ctx, const us_opts *o, json_value *out, int64_t page)
{
    *e = (us_elems){.ctx = ctx, .o = o, .out = out, .page = page, .y = 200.0};
}

void us_elems_page(us_elems *e, int64_t page)
{
    e->page = page;
    e->seq = 0;
    e->y = 200.0;
}

static size_t word_count(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool w = !isspace((unsigned char)*s);
        if (w && !in) n++;
        in = w;
    }
    return n;
}

static bool has_alpha(const char *s)
{
    for (; *s; s++)
        if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80) return true;
    return false;
}

/* The library's heuristics, simplified: short capitalised lines without a
 * sentence ending are titles, sentences are narrative text. */
const char *us_classify(const char *text)
{
    size_t len = strlen(text), words = word_count(text);
    if (!len || !has_alpha(text)) return "UncategorizedText";
    char last = text[len - 1];
    bool sentence_end = last == '.' || last == '!' || last == '?' || last == ';' || last == ',';
    unsigned char first = (unsigned char)text[0];
    if (!sentence_end && words <= 12 && len <= 120 && (isupper(first) || isdigit(first) || first >= 0x80))
        return "Title";
    if (words >= 3) return "NarrativeText";
    return "UncategorizedText";
}

void us_elem_id(const us_elems *e, const char *text, char out[37])
{
    buf in = BUF_INIT;
    buf_printf(&in, "%s|%lld|%d|%s", e->o->filename, (long long)e->page, e->seq, text);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)buf_cstr(&in), in.len, md);
    buf_free(&in);
    static const char hex[] = "0123456789abcdef";
    char h[33];
    for (int i = 0; i < 16; i++) {
        h[2 * i] = hex[md[i] >> 4];
        h[2 * i + 1] = hex[md[i] & 15];
    }
    h[32] = '\0';
    if (e->o->unique_element_ids) {
        h[12] = '4';
        h[16] = "89ab"[md[8] & 3];
        snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
    } else {
        memcpy(out, h, 33);
    }
}

/* The store id of the section open at the end of a page of a file. */
static const char *section_id(const us_elems *e, int64_t page)
{
    char id[37];
    us_elems at = *e;
    at.page = page;
    at.seq = -1;
    us_opts plain = *e->o;
    plain.unique_element_ids = false;
    at.o = &plain;
    us_elem_id(&at, "section", id);
    return arena_strdup(e->ctx->a, id);
}

void us_section_resume(us_elems *e)
{
    if (!e->ctx->store || e->page <= 1) return;
    json_value *doc = twin_doc_get(e->ctx, "pdf_sections", section_id(e, e->page - 1));
    const char *title = json_get_str(doc, "title_id");
    if (title) e->title_id = title;
}

void us_section_keep(const us_elems *e)
{
    if (!e->ctx->store) return;
    arena *a = e->ctx->a;
    json_value *doc = json_object(a);
    json_set_str(a, doc, "filename", e->o->filename);
    json_set_int(a, doc, "page_number", e->page);
    json_set(a, doc, "title_id", e->title_id ? json_string(a, e->title_id) : json_null(a));
    twin_doc_put(e->ctx, "pdf_sections", section_id(e, e->page), doc, NULL, 0);
}

static json_value *point(arena *a, double x, double y)
{
    json_value *p = json_array(a);
    json_push(p, json_double_value(a, x));
    json_push(p, json_double_value(a, y));
    return p;
}

/* Layout boxes for PDFs: elements stacked down the page in reading order. */
static json_value *coordinates(us_elems *e, const char *text)
{
    arena *a = e->ctx->a;
    size_t len = strlen(text);
    double lines = (double)(len / 90 + 1);
    double x0 = 150.0, x1 = len >= 90 ? PAGE_WIDTH - 150.0 : 150.0 + (double)len * 15.0;
    double y0 = e->y, y1 = e->y + lines * LINE_HEIGHT;
    e->y = y1 + 20.0;
    json_value *c = json_object(a), *pts = json_array(a);
    json_push(pts, point(a, x0, y0));
    json_push(pts, point(a, x0, y1));
    json_push(pts, point(a, x1, y1));
    json_push(pts, point(a, x1, y0));
    json_set(a, c, "points", pts);
    json_set_str(a, c, "system", "PixelSpace");
    json_set(a, c, "layout_width", json_double_value(a, PAGE_WIDTH));
    json_set(a, c, "layout_height", json_double_value(a, PAGE_HEIGHT));
    return c;
}

json_value *us_elem_add(us_elems *e, const char *type, const char *text)
{
    arena *a = e->ctx->a;
    if (!type) type = us_classify(text);
    char id[37];
    us_elem_id(e, text, id);
    e->seq++;
    json_value *el = json_object(a), *md = json_object(a);
    json_set_str(a, el, "type", type);
    json_set_str(a, el, "element_id", id);
    json_set_str(a, el, "text", text);
    bool is_pdf = str_eq(e->o->filetype, "application/pdf");
    if (is_pdf && e->o->coordinates) json_set(a, md, "coordinates", coordinates(e, text));
    else if (is_pdf) coordinates(e, text); /* keeps the layout the same with or without them */
    json_set_str(a, md, "filetype", e->o->filetype);
    json_set(a, md, "languages", json_clone(a, e->o->languages));
    json_set_int(a, md, "page_number", e->page);
    json_set_str(a, md, "filename", e->o->filename);
    if (str_eq(type, "Title")) e->title_id = arena_strdup(a, id);
    else if (e->title_id && !str_eq(type, "PageBreak")) json_set_str(a, md, "parent_id", e->title_id);
    if (is_pdf && !str_eq(e->o->strategy, "fast") && !str_eq(type, "PageBreak"))
        json_set(a, md, "detection_class_prob", json_double_value(a, 0.91));
    json_set(a, el, "metadata", md);
    json_push(e->out, el);
    return el;
}

/* "- item", "* item", "• item", "1. item", "2) item" -> the item text, else NULL. */
static const char *bullet_text(const char *line)
{
    const unsigned char *p = (const unsigned char *)line;
    if ((p[0] == '-' || p[0] == '*' || p[0] == '+') && p[1] == ' ') return line + 2;
    if (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xa2) return line + 3 + (p[3] == ' ');
    size_t d = 0;
    while (isdigit(p[d])) d++;
    if (d && d < 4 && (p[d] == '.' || p[d] == ')') && p[d + 1] == ' ') return line + d + 2;
    return NULL;
}

static char *trimmed(arena *a, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return arena_strndup(a, s, n);
}

/* Adds the paragraph built so far (lines joined by spaces). */
static void flush_paragraph(us_elems *e, buf *para)
{
    if (!para->len) return;
    char *t = trimmed(e->ctx->a, buf_cstr(para), para->len);
    if (*t) us_elem_add(e, NULL, t);
    para->len = 0;
}

void us_elems_paragraphs(us_elems *e, const char *text, size_t len)
{
    arena *a = e->ctx->a;
    buf para = BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        char *line = trimmed(a, text + i, j - i);
        i = j + 1;
        if (!*line) {
            flush_paragraph(e, &para);
            continue;
        }
        const char *item = bullet_text(line);
        if (item) {
            flush_paragraph(e, &para);
            char *t = trimmed(a, item, strlen(item));
            if (*t) us_elem_add(e, "ListItem", t);
            continue;
        }
        if (para.len) buf_append(&para, " ", 1);
        buf_append(&para, line, strlen(line));
    }
    flush_paragraph(e, &para);
    buf_free(&para);
}
