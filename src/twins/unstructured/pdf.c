/* Unstructured twin: the cheap part of PDF partitioning.
 *
 * The pages come from the page tree (/Root → /Pages → /Kids, objects read
 * from the file and from compressed object streams, see pdf_object.c), each
 * with its /Contents streams joined.  Text is read from the text-showing
 * operators Tj, TJ, ' and " inside BT/ET blocks, each string mapped through
 * the current font (Tf) and its /ToUnicode CMap (pdf_font.c); each BT/ET
 * block becomes a paragraph.  Form XObjects drawn with Do show their text
 * where they are drawn (nested, with a depth limit and cycle check).  Streams are read as stored or, with /Filter
 * /FlateDecode, inflated within the limits of pdf.h; other filters (LZW,
 * ASCII85, chains) and images are not decoded: such pages yield no
 * elements, as a scanned page without OCR would.  A file whose page tree
 * can not be read falls back to its content streams in file order, a page
 * each. */
#include <string.h>

#include "twins/unstructured/pdf.h"
#include "twins/unstructured/unstructured.h"

#define PDF_MAX_PAGES 100000
#define PDF_MAX_OPERANDS 32
#define PDF_MAX_FORM_DEPTH 12       /* forms drawn inside forms */
#define PDF_MAX_FORM_DRAWS 4096     /* form drawings per page: a form drawn 1000 times by a
                                       form drawn 1000 times must not cost a million */

/* ---- content stream text ---- */

typedef struct text_state {
    pdf_doc *doc;
    pdf_obj *resources;         /* the resources in effect (the page's or a form's), or NULL */
    pdf_obj *fonts;             /* their /Font dictionary, or NULL */
    const pdf_font *font;       /* the current font (Tf) */
    buf *page;
    const pdf_obj *forms[PDF_MAX_FORM_DEPTH];   /* the forms being drawn, outermost first (cycles) */
    int depth;
    size_t *form_draws;         /* forms the page may still draw */
} text_state;

static void use_resources(text_state *t, pdf_obj *resources)
{
    t->resources = resources && resources->type == PDF_DICT ? resources : NULL;
    t->fonts = pdf_resolve(t->doc, pdf_get(t->resources, "Font"));
    if (t->fonts && t->fonts->type != PDF_DICT) t->fonts = NULL;
}

static void select_font(text_state *t, const pdf_obj *name)
{
    t->font = NULL;
    if (!name || name->type != PDF_NAME || !t->fonts) return;
    t->font = pdf_font_of(t->doc, pdf_resolve(t->doc, pdf_get(t->fonts, name->str)));
}

/* A TJ array: strings, and numbers that move the pen; a large negative
 * move is a word space. */
static void show_array(text_state *t, const pdf_obj *arr, buf *out)
{
    for (size_t i = 0; i < arr->n; i++) {
        const pdf_obj *o = arr->items[i];
        if (o->type == PDF_STRING) pdf_font_show(t->font, o->str, o->len, out);
        else if (o->type == PDF_NUMBER && o->r <= -200 && out->len && out->data[out->len - 1] != ' ') buf_putc(out, ' ');
    }
}

static void new_line(buf *page)
{
    if (page->len && page->data[page->len - 1] != '\n') buf_putc(page, '\n');
}

static void content_text(text_state *t, const char *p, size_t len);

/* "/Name Do" draws an XObject: a form's content runs where it is drawn,
 * with its own /Resources (else those in effect) and font, which end with
 * it (Do saves and restores the graphics state).  Images show no text. */
static void draw_xobject(text_state *t, const pdf_obj *name)
{
    if (!name || name->type != PDF_NAME || t->depth == PDF_MAX_FORM_DEPTH || !*t->form_draws) return;
    pdf_obj *xobjects = pdf_resolve(t->doc, pdf_get(t->resources, "XObject"));
    pdf_obj *ref = pdf_get(xobjects, name->str), *form = pdf_resolve(t->doc, ref);
    if (!form || !form->data || !pdf_is_name(pdf_resolve(t->doc, pdf_get(form, "Subtype")), "Form")) return;
    for (int i = 0; i < t->depth; i++)
        if (t->forms[i] == form) return;    /* a form drawing itself */
    --*t->form_draws;
    buf content = BUF_INIT;
    if (pdf_decode(t->doc, form, ref->type == PDF_REF ? ref->i : -1, &content)) {
        text_state inner = *t;
        inner.forms[inner.depth++] = form;
        pdf_obj *own = pdf_resolve(t->doc, pdf_get(form, "Resources"));
        if (own && own->type == PDF_DICT) use_resources(&inner, own);
        content_text(&inner, buf_cstr(&content), content.len);
    }
    buf_free(&content);
}

/* One operator with its operands. */
static void text_operator(text_state *t, const char *op, pdf_obj **args, int n, bool *in_text)
{
    if (!strcmp(op, "Do")) {
        if (n >= 1) draw_xobject(t, args[n - 1]);
    } else if (!strcmp(op, "BT")) {
        *in_text = true;
    } else if (!strcmp(op, "ET")) {
        *in_text = false;
        buf_append(t->page, "\n\n", 2);
    } else if (!strcmp(op, "Tf")) {
        select_font(t, n >= 2 ? args[n - 2] : NULL);
    } else if (!*in_text) {
        return;
    } else if (!strcmp(op, "Tj") || !strcmp(op, "'") || !strcmp(op, "\"")) {
        if (op[0] != 'T') buf_putc(t->page, '\n');
        if (n >= 1 && args[n - 1]->type == PDF_STRING) pdf_font_show(t->font, args[n - 1]->str, args[n - 1]->len, t->page);
    } else if (!strcmp(op, "TJ")) {
        if (n >= 1 && args[n - 1]->type == PDF_ARRAY) show_array(t, args[n - 1], t->page);
    } else if (!strcmp(op, "Td") || !strcmp(op, "TD") || !strcmp(op, "Tm") || !strcmp(op, "T*")) {
        new_line(t->page);
    }
}

/* Inline image data ("BI ... ID <bytes> EI") is skipped to its "EI". */
static const char *skip_inline_image(const char *p, const char *end)
{
    for (; p + 2 <= end; p++) {
        if (p[0] == 'E' && p[1] == 'I' && (p + 2 == end || strchr(" \t\r\n\f", p[2])) &&
            strchr(" \t\r\n\f", p[-1]))
            return p + 2;
    }
    return end;
}

static void content_text(text_state *t, const char *p, size_t len)
{
    const char *end = p + len;
    arena *scratch = arena_new(0);
    pdf_obj *args[PDF_MAX_OPERANDS];
    int n = 0;
    bool in_text = false;
    size_t budget = PDF_MAX_OPERAND_VALUES;
    while (p < end) {
        pdf_obj *o = pdf_parse(scratch, &p, end, &budget);
        if (!o) continue;
        if (o->type != PDF_KEYWORD) {
            if (n == PDF_MAX_OPERANDS) {
                memmove(args, args + 1, (PDF_MAX_OPERANDS - 1) * sizeof *args);
                n--;
            }
            args[n++] = o;
            continue;
        }
        if (!strcmp(o->str, "ID") && p < end) p = skip_inline_image(p + 1, end);
        else text_operator(t, o->str, args, n, &in_text);
        n = 0;
        arena_reset(scratch);
        budget = PDF_MAX_OPERAND_VALUES;
    }
    arena_free(scratch);
}

/* ---- pages ---- */

typedef struct pdf_page {
    pdf_obj *dict;
    pdf_obj *resources;         /* its own or inherited */
} pdf_page;

typedef struct page_list {
    pdf_page *v;
    size_t n, cap;
} page_list;

static void add_page(arena *a, page_list *l, pdf_obj *dict, pdf_obj *resources)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        pdf_page *w = arena_alloc(a, l->cap * sizeof *w);
        if (l->n) memcpy(w, l->v, l->n * sizeof *w);
        l->v = w;
    }
    l->v[l->n++] = (pdf_page){dict, resources};
}

/* The page tree in order; a node seen twice (a cycle) is skipped. */
static void walk_pages(pdf_doc *d, pdf_obj *ref, pdf_obj *resources, int depth, page_list *out)
{
    pdf_obj *node = pdf_resolve(d, ref);
    if (!node || node->type != PDF_DICT || node->visited || depth > PDF_MAX_DEPTH || out->n >= PDF_MAX_PAGES) return;
    node->visited = true;
    pdf_obj *own = pdf_resolve(d, pdf_get(node, "Resources"));
    if (own && own->type == PDF_DICT) resources = own;
    pdf_obj *kids = pdf_resolve(d, pdf_get(node, "Kids"));
    if (kids && kids->type == PDF_ARRAY) {
        for (size_t i = 0; i < kids->n; i++) walk_pages(d, kids->items[i], resources, depth + 1, out);
    } else if (!pdf_is_name(pdf_resolve(d, pdf_get(node, "Type")), "Pages")) {
        add_page(d->a, out, node, resources);
    }
}

/* A page's content streams decoded and joined (a stream boundary is a
 * token boundary).  Returns how many of them the file holds. */
static size_t page_contents(pdf_doc *d, const pdf_page *page, buf *out)
{
    pdf_obj *c = pdf_get(page->dict, "Contents");
    pdf_obj *resolved = pdf_resolve(d, c);
    size_t found = 0;
    if (resolved && resolved->type == PDF_ARRAY) {
        for (size_t i = 0; i < resolved->n && !d->error; i++) {
            pdf_obj *s = pdf_resolve(d, resolved->items[i]);
            if (!s || !s->data) continue;
            found++;
            if (out->len) buf_putc(out, '\n');
            pdf_decode(d, s, resolved->items[i]->type == PDF_REF ? resolved->items[i]->i : -1, out);
        }
    } else if (resolved && resolved->data) {
        found++;
        pdf_decode(d, resolved, c->type == PDF_REF ? c->i : -1, out);
    }
    return found;
}

typedef struct page_text {
    const char *text;
    size_t len;
} page_text;

static page_text text_of(pdf_doc *d, pdf_obj *resources, const char *content, size_t len)
{
    buf b = BUF_INIT;
    size_t form_draws = PDF_MAX_FORM_DRAWS;
    text_state t = {.doc = d, .page = &b, .form_draws = &form_draws};
    use_resources(&t, resources);
    content_text(&t, content, len);
    page_text r = {arena_strndup(d->a, buf_cstr(&b), b.len), b.len};
    buf_free(&b);
    return r;
}

/* The pages of the page tree; 0 when the tree names no content stream the
 * file holds. */
static size_t tree_pages(pdf_doc *d, page_text **out)
{
    page_list pages = {0};
    if (d->root) walk_pages(d, pdf_get(d->root, "Pages"), NULL, 0, &pages);
    page_text *texts = arena_alloc(d->a, (pages.n + 1) * sizeof *texts);
    size_t streams = 0;
    for (size_t i = 0; i < pages.n && !d->error; i++) {
        buf content = BUF_INIT;
        streams += page_contents(d, &pages.v[i], &content);
        texts[i] = text_of(d, pages.v[i].resources, buf_cstr(&content), content.len);
        buf_free(&content);
    }
    *out = texts;
    return streams ? pages.n : 0;
}

/* Streams that are never page content: fonts, images, ICC profiles, forms,
 * object and cross-reference streams. */
static bool may_be_content(const pdf_obj *s)
{
    static const char *const keys[] = {"Type", "Subtype", "Length1", "Length2", "Length3", "N", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (pdf_get(s, keys[i])) return false;
    return true;
}

/* A content stream that shows text ("BT" as an operator). */
static bool has_text_block(const char *p, size_t len)
{
    for (const char *q = p; (q = memmem(q, (size_t)(p + len - q), "BT", 2)); q += 2) {
        bool before = q == p || strchr(" \t\r\n\f\0", q[-1]);
        bool after = q + 2 == p + len || strchr(" \t\r\n\f\0/[<(", q[2]);
        if (before && after) return true;
    }
    return false;
}

/* The fallback: every content stream showing text is a page, in file order. */
static size_t stream_pages(pdf_doc *d, page_text **out)
{
    page_text *texts = arena_alloc(d->a, (d->n_streams + 1) * sizeof *texts);
    size_t n = 0;
    for (size_t i = 0; i < d->n_streams && !d->error; i++) {
        const pdf_entry *e = &d->streams[i];
        if (!may_be_content(e->obj)) continue;
        buf content = BUF_INIT;
        if (pdf_decode(d, e->obj, e->num, &content) && has_text_block(buf_cstr(&content), content.len))
            texts[n++] = text_of(d, NULL, buf_cstr(&content), content.len);
        buf_free(&content);
    }
    *out = texts;
    return n;
}

const char *us_partition_pdf(twin_ctx *ctx, const us_opts *o, const char *data, size_t len, json_value *out)
{
    if (len < 5 || memcmp(data, "%PDF-", 5) != 0) return "File does not appear to be a valid PDF";
    if (memmem(data, len, "/Encrypt", 8)) return "File is encrypted. Please decrypt it with password.";
    pdf_doc d;
    pdf_load(&d, ctx->a, data, len);
    page_text *pages;
    size_t np = tree_pages(&d, &pages);
    if (!np && !d.error) np = stream_pages(&d, &pages);
    if (d.error) return d.error;
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    us_section_resume(&e);
    for (size_t i = 0; i < np; i++) {
        us_elems_page(&e, o->starting_page_number + (int64_t)i);
        if (i && o->include_page_breaks) us_elem_add(&e, "PageBreak", "");
        us_elems_paragraphs(&e, pages[i].text, pages[i].len);
    }
    if (np) us_section_keep(&e);
    return NULL;
}
