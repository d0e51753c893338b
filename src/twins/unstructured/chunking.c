/* Unstructured twin: chunking_strategy, applied to one file's elements
 * after partitioning, as the library documents it.
 *
 * Two passes.  Pre-chunking gathers consecutive elements while they fit:
 * a pre-chunk that already passed the soft maximum (new_after_n_chars) is
 * full, and an element whose text would take the joined text (elements
 * separated by a blank line) past the hard maximum (max_characters) starts
 * the next one.  A Table always stands alone.  by_title also starts a new
 * pre-chunk at every Title and, unless multipage_sections, on every new
 * page; by_page on every new page.  by_title then combines consecutive
 * pre-chunks while the first is shorter than combine_under_n_chars and the
 * two fit.  Second pass: each pre-chunk becomes a CompositeElement (its
 * elements' whitespace-normalised texts joined by "\n\n"), or a Table; one
 * over the hard maximum (a single oversized element) is text-split, at the
 * last newline, else the last space, before the limit, into continuation
 * chunks that start with `overlap` characters of the previous one (a table:
 * TableChunk elements).  overlap_all applies the overlap between whole
 * pre-chunks too.  Lengths are counted in code points, as Python counts.
 *
 * by_similarity needs an embedding model; the twin has none and chunks such
 * requests like basic (no semantic boundaries).  A split table's chunks
 * carry text only, not the library's row-aligned text_as_html. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "twins/unstructured/unstructured.h"
#include "util/base64.h"
#include "util/flate.h"
#include "util/util.h"

#define SEPARATOR "\n\n"
#define SEPARATOR_LEN 2
#define DEFAULT_MAX_CHARACTERS 500

typedef struct limits {
    int64_t hard_max, soft_max, combine_under, overlap, inter_overlap;
} limits;

typedef struct item {
    json_value *el;
    const char *raw;            /* the element's text as partitioned */
    int64_t raw_len;            /* in code points */
    const char *norm;           /* whitespace runs collapsed, trimmed */
    bool table;
    bool title;
    bool has_page;
    int64_t page;
} item;

typedef struct prechunk {
    size_t start, end;          /* items [start, end) */
    const char *prefix;         /* overlap from the previous pre-chunk */
} prechunk;

typedef struct prechunks {
    prechunk *v;
    size_t n, cap;
} prechunks;

/* ---- text in code points ---- */

static int64_t cp_len(const char *s)
{
    int64_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Byte offset of code point k (the end when s is shorter). */
static size_t cp_offset(const char *s, int64_t k)
{
    size_t i = 0;
    for (int64_t seen = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && seen++ == k) return i;
    }
    return i;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static char *stripped(arena *a, const char *s, size_t n, bool left, bool right)
{
    while (left && n && is_space(*s)) s++, n--;
    while (right && n && is_space(s[n - 1])) n--;
    return arena_strndup(a, s, n);
}

/* " ".join(text.split()) */
static char *normalized(arena *a, const char *s)
{
    buf b = BUF_INIT;
    for (const char *p = s; *p;) {
        while (*p && is_space(*p)) p++;
        const char *w = p;
        while (*p && !is_space(*p)) p++;
        if (p == w) break;
        if (b.len) buf_putc(&b, ' ');
        buf_append(&b, w, (size_t)(p - w));
    }
    char *r = arena_strndup(a, buf_cstr(&b), b.len);
    buf_free(&b);
    return r;
}

/* ---- options ---- */

const char *us_chunking_check(arena *a, const us_chunking *c)
{
    if (!c->strategy) return NULL;
    int64_t hard = c->max_characters != US_UNSET ? c->max_characters : DEFAULT_MAX_CHARACTERS;
    if (hard <= 0) return arena_printf(a, "'max_characters' argument must be > 0, got %lld", (long long)hard);
    if (c->combine_under_n_chars != US_UNSET && c->combine_under_n_chars < 0)
        return arena_printf(a, "'combine_text_under_n_chars' argument must be >= 0, got %lld",
                            (long long)c->combine_under_n_chars);
    if (c->new_after_n_chars != US_UNSET && c->new_after_n_chars < 0)
        return arena_printf(a, "'new_after_n_chars' argument must be >= 0, got %lld", (long long)c->new_after_n_chars);
    if (c->overlap != US_UNSET && c->overlap >= hard)
        return arena_printf(a, "'overlap' argument must be less than `max_characters`, got %lld >= %lld",
                            (long long)c->overlap, (long long)hard);
    return NULL;
}

static limits limits_of(const us_chunking *c)
{
    limits l;
    l.hard_max = c->max_characters != US_UNSET ? c->max_characters : DEFAULT_MAX_CHARACTERS;
    l.soft_max = c->new_after_n_chars == US_UNSET || c->new_after_n_chars > l.hard_max ? l.hard_max : c->new_after_n_chars;
    /* only by_title combines; its default is "whenever space allows" */
    l.combine_under = 0;
    if (str_eq(c->strategy, "by_title")) {
        l.combine_under = c->combine_under_n_chars == US_UNSET ? l.hard_max : c->combine_under_n_chars;
        if (l.combine_under > l.soft_max) l.combine_under = l.soft_max;
    }
    l.overlap = c->overlap != US_UNSET && c->overlap > 0 ? c->overlap : 0;
    l.inter_overlap = c->overlap_all ? l.overlap : 0;
    return l;
}

/* ---- pre-chunks ---- */

static void push_prechunk(arena *a, prechunks *p, prechunk pc)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        prechunk *w = arena_alloc(a, cap * sizeof *w);
        if (p->n) memcpy(w, p->v, p->n * sizeof *w);
        p->v = w;
        p->cap = cap;
    }
    p->v[p->n++] = pc;
}

static char *prechunk_text(arena *a, const item *items, prechunk pc)
{
    buf b = BUF_INIT;
    if (pc.prefix && *pc.prefix) buf_puts(&b, pc.prefix);
    for (size_t i = pc.start; i < pc.end; i++) {
        if (!*items[i].norm) continue;
        if (b.len) buf_append(&b, SEPARATOR, SEPARATOR_LEN);
        buf_puts(&b, items[i].norm);
    }
    char *r = arena_strndup(a, buf_cstr(&b), b.len);
    buf_free(&b);
    return r;
}

static bool is_table_only(const item *items, prechunk pc)
{
    return pc.end - pc.start == 1 && items[pc.start].table;
}

/* The element being gathered into the next pre-chunk. */
typedef struct builder {
    size_t start, count;
    const char *prefix;
    int64_t text_len;           /* code points of the texts, separators not counted */
    int64_t segments;           /* non-empty texts (the overlap prefix is one) */
} builder;

static void builder_reset(builder *b, const char *prefix)
{
    b->count = 0;
    b->prefix = prefix;
    b->segments = *prefix ? 1 : 0;
    b->text_len = cp_len(prefix);
}

static bool builder_will_fit(const builder *b, const item *items, const item *it, const limits *l)
{
    if (it->table) return b->count == 0;
    if (b->count && items[b->start].table) return false;
    if (b->count == 0) return true;
    int64_t length = b->text_len + (b->segments ? b->segments - 1 : 0) * SEPARATOR_LEN;
    if (length > l->soft_max) return false;
    int64_t remaining = l->hard_max - b->text_len - b->segments * SEPARATOR_LEN;
    return remaining >= it->raw_len;
}

static void builder_add(builder *b, const item *it, size_t index)
{
    if (b->count == 0) {
        b->start = index;
        /* a table does not start with the previous chunk's overlap */
        if (it->table) builder_reset(b, "");
    }
    b->count++;
    if (*it->raw) {
        b->segments++;
        b->text_len += it->raw_len;
    }
}

static void builder_flush(arena *a, builder *b, const item *items, const limits *l, prechunks *out)
{
    if (!b->count) return;
    prechunk pc = {b->start, b->start + b->count, b->prefix};
    push_prechunk(a, out, pc);
    const char *next = "";
    if (l->inter_overlap && !is_table_only(items, pc)) {
        const char *text = prechunk_text(a, items, pc);
        int64_t n = cp_len(text);
        size_t from = cp_offset(text, n > l->inter_overlap ? n - l->inter_overlap : 0);
        next = stripped(a, text + from, strlen(text + from), true, true);
    }
    builder_reset(b, next);
}

/* Page boundaries: the first element sets the page; a different explicit
 * page number later starts a new one. */
typedef struct page_state {
    bool started;
    int64_t page;
} page_state;

static bool on_new_page(page_state *s, const item *it)
{
    if (!s->started) {
        s->started = true;
        s->page = it->has_page ? it->page : 1;
        return false;
    }
    if (!it->has_page || it->page == s->page) return false;
    s->page = it->page;
    return true;
}

static void prechunk_all(arena *a, const us_chunking *c, const limits *l, const item *items, size_t n, prechunks *out)
{
    bool by_title = str_eq(c->strategy, "by_title"), by_page = str_eq(c->strategy, "by_page");
    bool pages_bound = by_page || (by_title && !c->multipage_sections);
    page_state ps = {0};
    builder b = {0};
    builder_reset(&b, "");
    for (size_t i = 0; i < n; i++) {
        bool boundary = by_title && items[i].title;
        if (pages_bound && on_new_page(&ps, &items[i])) boundary = true;
        if (boundary || !builder_will_fit(&b, items, &items[i], l)) builder_flush(a, &b, items, l, out);
        builder_add(&b, &items[i], i);
    }
    builder_flush(a, &b, items, l, out);
}

/* by_title's second look: small pre-chunks joined with the next while the
 * first is under combine_under_n_chars and both fit. */
static void combine(arena *a, const limits *l, const item *items, prechunks *p)
{
    prechunks out = {0};
    bool have = false;
    prechunk acc = {0};
    for (size_t i = 0; i < p->n; i++) {
        prechunk next = p->v[i];
        if (have) {
            bool fits = !is_table_only(items, acc) && !is_table_only(items, next) &&
                        cp_len(prechunk_text(a, items, acc)) < l->combine_under &&
                        cp_len(prechunk_text(a, items, (prechunk){acc.start, next.end, acc.prefix})) <= l->hard_max;
            if (fits) {
                acc.end = next.end;
                continue;
            }
            push_prechunk(a, &out, acc);
        }
        acc = next;
        have = true;
    }
    if (have) push_prechunk(a, &out, acc);
    *p = out;
}

/* ---- text splitting ---- */

/* The text still to split: head (a short arena string) followed by tail (a
 * pointer into the original).  Each split looks at a window of at most
 * hard_max + 2 code points and carries only what it reads, never copying
 * the rest: splitting a long text into small chunks costs the text's
 * length, not its square. */
typedef struct split_text {
    const char *head, *tail;
} split_text;

static bool split_done(const split_text *t)
{
    return !*t->head && !*t->tail;
}

/* Skips the leading spaces of the text. */
static void lstrip_text(split_text *t)
{
    while (is_space(*t->head)) t->head++;
    if (!*t->head)
        while (is_space(*t->tail)) t->tail++;
}

/* The rest after byte `from` of window w (which beyond continues), its
 * overlap prefix first; false when it would not be shorter than w + beyond
 * (no progress). */
static bool rest_after(arena *a, const limits *l, const char *w, size_t from, const char *fragment, const char *beyond,
                       split_text *rest)
{
    split_text r = {w + from, beyond};
    lstrip_text(&r);
    const char *head = arena_strdup(a, r.head);
    if (l->overlap > 1) {
        int64_t flen = cp_len(fragment), tail_len = l->overlap - 1;
        const char *tail = fragment + cp_offset(fragment, flen > tail_len ? flen - tail_len : 0);
        while (is_space(*tail)) tail++;
        head = arena_printf(a, "%s %s", tail, head);
    }
    /* len(head) + len(r.tail) >= len(w) + len(beyond), without counting beyond */
    if (cp_len(head) - (int64_t)(r.tail - beyond) >= cp_len(w)) return false;
    rest->head = head;
    rest->tail = r.tail;
    lstrip_text(rest);
    return true;
}

/* Takes the next chunk (at most the hard maximum) off t. */
static void split_once(arena *a, const limits *l, split_text *t, const char **chunk)
{
    /* the window: the head and enough of the tail to see past hard_max
     * (the head stays short: it is what a window left over) */
    int64_t head_len = cp_len(t->head);
    size_t more = head_len < l->hard_max + 2 ? cp_offset(t->tail, l->hard_max + 2 - head_len) : 0;
    const char *w = arena_printf(a, "%s%.*s", t->head, (int)more, t->tail), *beyond = t->tail + more;
    int64_t total = cp_len(w);
    if (total <= l->hard_max && !*beyond) {
        *chunk = w;
        *t = (split_text){"", ""};
        return;
    }
    static const char separators[] = {'\n', ' '};
    for (size_t k = 0; k < sizeof separators; k++) {
        /* the last separator at code point overlap+1 .. hard_max */
        size_t at = SIZE_MAX;
        int64_t cp = 0;
        for (size_t i = 0; w[i] && cp <= l->hard_max; i++) {
            if (((unsigned char)w[i] & 0xc0) == 0x80) continue;
            if (w[i] == separators[k] && cp >= l->overlap + 1) at = i;
            cp++;
        }
        if (at == SIZE_MAX) continue;
        char *fragment = stripped(a, w, at, false, true);
        split_text rest;
        if (!*fragment || !rest_after(a, l, w, at + 1, fragment, beyond, &rest)) continue;
        *chunk = fragment;
        *t = rest;
        return;
    }
    /* no separator: cut at the limit, the rest starting `overlap` earlier */
    size_t cut = cp_offset(w, l->hard_max), again = cp_offset(w, l->hard_max - l->overlap);
    *chunk = stripped(a, w, cut, false, true);
    *t = (split_text){w + again, beyond};
    lstrip_text(t);
}

/* ---- chunk elements ---- */

typedef enum { KEEP_FIRST, DROP, LIST_UNIQUE, LIST_CONCATENATE } consolidation;

static consolidation consolidation_of(const char *key)
{
    static const char *const dropped[] = {"coordinates", "detection_class_prob", "parent_id", "category_depth",
                                          "is_continuation", "orig_elements", "text_as_html", "table_id",
                                          "chunk_index", "element_id", NULL};
    static const char *const concatenated[] = {"emphasized_text_contents", "emphasized_text_tags", "link_texts",
                                               "link_urls", "links", "regex_metadata", NULL};
    for (size_t i = 0; dropped[i]; i++)
        if (str_eq(key, dropped[i])) return DROP;
    for (size_t i = 0; concatenated[i]; i++)
        if (str_eq(key, concatenated[i])) return LIST_CONCATENATE;
    return str_eq(key, "languages") ? LIST_UNIQUE : KEEP_FIRST;
}

static bool array_has(const json_value *arr, const json_value *v)
{
    json_foreach(x, arr) if (json_equal(x, v)) return true;
    return false;
}

/* One metadata for the chunk from its elements' metadata. */
static json_value *consolidated(arena *a, const item *items, prechunk pc)
{
    json_value *md = json_object(a);
    for (size_t i = pc.start; i < pc.end; i++) {
        json_foreach(m, json_get(items[i].el, "metadata")) {
            if (json_is_null(m)) continue;
            consolidation how = consolidation_of(m->key);
            json_value *have = json_get(md, m->key);
            if (how == DROP || (how == KEEP_FIRST && have)) continue;
            if (how == KEEP_FIRST || m->type != JSON_ARRAY) {
                if (!have) json_set(a, md, m->key, json_clone(a, m));
                continue;
            }
            if (!have) json_set(a, md, m->key, have = json_array(a));
            if (have->type != JSON_ARRAY) continue;
            json_foreach(x, m) if (how == LIST_CONCATENATE || !array_has(have, x)) json_push(have, json_clone(a, x));
        }
    }
    return md;
}

/* metadata.orig_elements: the elements of the chunk as gzipped JSON in base64. */
static const char *orig_elements(arena *a, const item *items, prechunk pc)
{
    json_value *arr = json_array(a);
    for (size_t i = pc.start; i < pc.end; i++) {
        json_value *el = json_clone(a, items[i].el);
        json_remove(json_get(el, "metadata"), "orig_elements");
        json_push(arr, el);
    }
    size_t len, gz_len;
    char *text = json_to_string(a, arr, &len);
    char *gz = gzip_compress(a, text, len, &gz_len);
    return base64_encode(a, gz, gz_len);
}

typedef struct emitter {
    twin_ctx *ctx;
    const us_opts *o;
    json_value *out;
    us_elems ids;               /* page and index on the page, for the ids */
} emitter;

static json_value *emit(emitter *em, const char *type, const char *text, json_value *md)
{
    arena *a = em->ctx->a;
    int64_t page = 0;
    json_int64(json_get(md, "page_number"), &page);
    if (page != em->ids.page) us_elems_page(&em->ids, page);
    char id[37];
    us_elem_id(&em->ids, text, id);
    em->ids.seq++;
    json_value *el = json_object(a);
    json_set_str(a, el, "type", type);
    json_set_str(a, el, "element_id", id);
    json_set_str(a, el, "text", text);
    json_set(a, el, "metadata", md);
    json_push(em->out, el);
    return el;
}

static void emit_table(emitter *em, const limits *l, const item *items, prechunk pc)
{
    arena *a = em->ctx->a;
    const item *t = &items[pc.start];
    if (!*t->norm) return;
    json_value *base = consolidated(a, items, pc);
    const char *html = json_get_str(json_get(t->el, "metadata"), "text_as_html");
    if (cp_len(t->norm) <= l->hard_max && (!html || cp_len(html) <= l->hard_max)) {
        if (html) json_set_str(a, base, "text_as_html", html);
        emit(em, "Table", t->norm, base);
        return;
    }
    char table_id[37];
    uuid_derived(table_id, em->o->filename, json_get_str(t->el, "element_id"), "table", (int64_t)pc.start);
    split_text rest = {"", t->norm};
    for (int64_t index = 0; !split_done(&rest); index++) {
        const char *chunk;
        split_once(a, l, &rest, &chunk);
        json_value *md = json_clone(a, base);
        if (index) json_set_bool(a, md, "is_continuation", true);
        json_set_str(a, md, "table_id", table_id);
        json_set_int(a, md, "chunk_index", index);
        emit(em, "TableChunk", chunk, md);
    }
}

static void emit_composite(emitter *em, const us_chunking *c, const limits *l, const item *items, prechunk pc)
{
    arena *a = em->ctx->a;
    split_text rest = {"", prechunk_text(a, items, pc)};
    if (split_done(&rest)) return;
    json_value *md = consolidated(a, items, pc);
    if (c->include_orig_elements) json_set_str(a, md, "orig_elements", orig_elements(a, items, pc));
    for (bool first = true; !split_done(&rest); first = false) {
        const char *chunk;
        split_once(a, l, &rest, &chunk);
        json_value *m = first ? md : json_clone(a, md);
        if (!first) json_set_bool(a, m, "is_continuation", true);
        emit(em, "CompositeElement", chunk, m);
    }
}

json_value *us_chunk(twin_ctx *ctx, const us_opts *o, const json_value *elements)
{
    arena *a = ctx->a;
    const us_chunking *c = &o->chunking;
    limits l = limits_of(c);
    size_t n = elements->len;
    item *items = arena_zalloc(a, (n + 1) * sizeof *items);
    size_t k = 0;
    json_foreach(el, elements) {
        if (el->type != JSON_OBJECT) continue;
        item *it = &items[k++];
        const char *type = json_get_str(el, "type");
        it->el = (json_value *)el;
        it->raw = json_get_str(el, "text");
        if (!it->raw) it->raw = "";
        it->raw_len = cp_len(it->raw);
        it->norm = normalized(a, it->raw);
        it->table = type && str_eq(type, "Table");
        it->title = type && str_eq(type, "Title");
        it->has_page = json_int64(json_get(json_get(el, "metadata"), "page_number"), &it->page);
    }
    prechunks pre = {0};
    prechunk_all(a, c, &l, items, k, &pre);
    if (str_eq(c->strategy, "by_title")) combine(a, &l, items, &pre);
    emitter em = {.ctx = ctx, .o = o, .out = json_array(a)};
    us_elems_init(&em.ids, ctx, o, em.out, -1);
    for (size_t i = 0; i < pre.n; i++) {
        if (is_table_only(items, pre.v[i])) emit_table(&em, &l, items, pre.v[i]);
        else emit_composite(&em, c, &l, items, pre.v[i]);
    }
    return em.out;
}
