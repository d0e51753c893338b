/* Unstructured twin: PDF objects and documents (see pdf.h).
 *
 * Object locations come from scanning the file for "N G obj" and from the
 * decoded object streams (/Type /ObjStm), not from the cross-reference
 * table: a scan also reads files whose xref offsets are wrong, as PDF
 * viewers' repair modes do, and an object written again later in the file
 * (an incremental update) replaces the earlier one.  The catalog comes from
 * the last trailer or cross-reference stream's /Root. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/pdf.h"
#include "util/flate.h"

/* ---- lexing ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delimiter(char c)
{
    return is_space(c) || strchr("()<>[]{}/%", c) != NULL;
}

const char *pdf_skip_space(const char *p, const char *end)
{
    while (p < end) {
        if (is_space(*p)) {
            p++;
        } else if (*p == '%') {
            while (p < end && *p != '\n' && *p != '\r') p++;
        } else {
            break;
        }
    }
    return p;
}

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    if (!n || p >= end || (size_t)(end - p) < n) return NULL;
    const char *last = end - n;
    for (; p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, n) == 0) return p;
    }
    return NULL;
}

static pdf_obj *new_obj(arena *a, pdf_type t)
{
    pdf_obj *o = arena_zalloc(a, sizeof *o);
    o->type = t;
    return o;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* (literal) with its escapes, as bytes. */
static pdf_obj *literal_string(arena *a, const char **pp, const char *end)
{
    const char *p = *pp + 1;
    buf b = BUF_INIT;
    int depth = 1;
    while (p < end) {
        char c = *p++;
        if (c == '\\' && p < end) {
            char e = *p++;
            static const char from[] = "nrtbf", to[] = "\n\r\t\b\f";
            const char *k = strchr(from, e);
            if (e && k) {
                buf_putc(&b, to[k - from]);
            } else if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int n = 0; n < 2 && p < end && *p >= '0' && *p <= '7'; n++) v = v * 8 + (*p++ - '0');
                buf_putc(&b, (char)(v & 0xff));
            } else if (e == '\r') {
                if (p < end && *p == '\n') p++;     /* a line continuation */
            } else if (e != '\n') {
                buf_putc(&b, e);
            }
            continue;
        }
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) break;
        if (c == '\r') {                            /* any end of line reads as \n */
            if (p < end && *p == '\n') p++;
            c = '\n';
        }
        buf_putc(&b, c);
    }
    pdf_obj *o = new_obj(a, PDF_STRING);
    o->str = arena_memdup(a, b.data ? b.data : "", b.len + 1);
    o->len = b.len;
    buf_free(&b);
    *pp = p;
    return depth == 0 ? o : NULL;
}

static pdf_obj *hex_string(arena *a, const char **pp, const char *end)
{
    const char *p = *pp + 1;
    buf b = BUF_INIT;
    int hi = -1;
    for (; p < end && *p != '>'; p++) {
        int v = hexval(*p);
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            buf_putc(&b, (char)(hi * 16 + v));
            hi = -1;
        }
    }
    if (hi >= 0) buf_putc(&b, (char)(hi * 16));     /* an odd digit count ends in 0 */
    pdf_obj *o = new_obj(a, PDF_STRING);
    o->str = arena_memdup(a, b.data ? b.data : "", b.len + 1);
    o->len = b.len;
    buf_free(&b);
    *pp = p < end ? p + 1 : end;
    return p < end ? o : NULL;
}

/* /Name with #xx escapes, or a bare keyword (true, R, Tj). */
static pdf_obj *word(arena *a, const char **pp, const char *end, pdf_type t)
{
    const char *p = *pp + (t == PDF_NAME);
    buf b = BUF_INIT;
    for (; p < end && !is_delimiter(*p); p++) {
        if (t == PDF_NAME && *p == '#' && end - p > 2 && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            buf_putc(&b, (char)(hexval(p[1]) * 16 + hexval(p[2])));
            p += 2;
        } else {
            buf_putc(&b, *p);
        }
    }
    pdf_obj *o = new_obj(a, t);
    o->str = arena_strndup(a, buf_cstr(&b), b.len);
    o->len = b.len;
    buf_free(&b);
    *pp = p;
    if (t == PDF_KEYWORD) {
        if (!strcmp(o->str, "true") || !strcmp(o->str, "false")) {
            o->type = PDF_BOOL;
            o->i = o->str[0] == 't';
        } else if (!strcmp(o->str, "null")) {
            o->type = PDF_NULL;
        }
    }
    return o;
}

static bool number_starts(const char *p, const char *end)
{
    if (isdigit((unsigned char)*p)) return true;
    if (*p != '+' && *p != '-' && *p != '.') return false;
    const char *q = p + 1;
    if (*p != '.' && q < end && *q == '.') q++;
    return q < end && isdigit((unsigned char)*q);
}

static pdf_obj *number(arena *a, const char **pp, const char *end)
{
    const char *p = *pp, *s = p;
    bool frac = false;
    if (*p == '+' || *p == '-') p++;
    for (; p < end && (isdigit((unsigned char)*p) || *p == '.'); p++) frac |= *p == '.';
    char tmp[40];
    size_t n = (size_t)(p - s) < sizeof tmp - 1 ? (size_t)(p - s) : sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    pdf_obj *o = new_obj(a, PDF_NUMBER);
    o->r = strtod(tmp, NULL);
    if (!frac && o->r > (double)LLONG_MIN && o->r < (double)LLONG_MAX) {
        o->is_int = true;
        o->i = (long long)o->r;
    }
    *pp = p;
    return o;
}

/* "N G R" after the integer N: a reference (N in o). */
static bool reference_follows(const char **pp, const char *end)
{
    const char *p = pdf_skip_space(*pp, end), *s = p;
    while (p < end && isdigit((unsigned char)*p)) p++;
    if (p == s || p - s > 10) return false;
    p = pdf_skip_space(p, end);
    if (p >= end || *p != 'R' || (p + 1 < end && !is_delimiter(p[1]))) return false;
    *pp = p + 1;
    return true;
}

static void push_item(arena *a, pdf_obj *o, const char *key, pdf_obj *v, size_t *cap)
{
    if (o->n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        pdf_obj **items = arena_alloc(a, *cap * sizeof *items);
        if (o->n) memcpy(items, o->items, o->n * sizeof *items);
        o->items = items;
        if (o->type == PDF_DICT) {
            const char **keys = arena_alloc(a, *cap * sizeof *keys);
            if (o->n) memcpy(keys, o->keys, o->n * sizeof *keys);
            o->keys = keys;
        }
    }
    if (o->type == PDF_DICT) o->keys[o->n] = key;
    o->items[o->n++] = v;
}

static pdf_obj *parse_at(arena *a, const char **pp, const char *end, int depth, size_t *budget);

/* [ ... ] or << /Key value ... >>; what does not parse inside is skipped. */
static pdf_obj *container(arena *a, const char **pp, const char *end, int depth, pdf_type t, size_t *budget)
{
    const char *p = *pp + (t == PDF_DICT ? 2 : 1);
    pdf_obj *o = new_obj(a, t);
    size_t cap = 0;
    for (;;) {
        p = pdf_skip_space(p, end);
        if (p >= end) break;
        if (t == PDF_ARRAY && *p == ']') {
            *pp = p + 1;
            return o;
        }
        if (t == PDF_DICT && *p == '>' && p + 1 < end && p[1] == '>') {
            *pp = p + 2;
            return o;
        }
        pdf_obj *key = NULL;
        if (t == PDF_DICT) {
            key = parse_at(a, &p, end, depth + 1, budget);
            if (!key || key->type != PDF_NAME) continue;
            p = pdf_skip_space(p, end);
            if (p + 1 < end && p[0] == '>' && p[1] == '>') {
                push_item(a, o, key->str, new_obj(a, PDF_NULL), &cap);
                continue;
            }
        }
        pdf_obj *v = parse_at(a, &p, end, depth + 1, budget);
        if (v) push_item(a, o, key ? key->str : NULL, v, &cap);
    }
    *pp = end;
    return NULL;
}

static pdf_obj *parse_at(arena *a, const char **pp, const char *end, int depth, size_t *budget)
{
    const char *p = pdf_skip_space(*pp, end);
    *pp = p;
    if (p >= end) return NULL;
    if (depth > PDF_MAX_DEPTH || *budget == 0) {
        *pp = end;
        return NULL;
    }
    --*budget;
    char c = *p;
    if (c == '<' && p + 1 < end && p[1] == '<') return container(a, pp, end, depth, PDF_DICT, budget);
    if (c == '[') return container(a, pp, end, depth, PDF_ARRAY, budget);
    if (c == '<') return hex_string(a, pp, end);
    if (c == '(') return literal_string(a, pp, end);
    if (c == '/') return word(a, pp, end, PDF_NAME);
    if (number_starts(p, end)) {
        pdf_obj *o = number(a, pp, end);
        if (o->is_int && o->i >= 0 && reference_follows(pp, end)) o->type = PDF_REF;
        return o;
    }
    if (!is_delimiter(c)) return word(a, pp, end, PDF_KEYWORD);
    *pp = p + (c == '>' && p + 1 < end && p[1] == '>' ? 2 : 1);  /* a stray delimiter */
    return NULL;
}

pdf_obj *pdf_parse(arena *a, const char **pp, const char *end, size_t *budget)
{
    return parse_at(a, pp, end, 0, budget);
}

pdf_obj *pdf_get(const pdf_obj *dict, const char *key)
{
    if (!dict || dict->type != PDF_DICT) return NULL;
    for (size_t i = 0; i < dict->n; i++)
        if (!strcmp(dict->keys[i], key)) return dict->items[i];
    return NULL;
}

bool pdf_is_name(const pdf_obj *o, const char *name)
{
    return o && o->type == PDF_NAME && !strcmp(o->str, name);
}

/* ---- the object table ---- */

static void add_entry(pdf_doc *d, long long num, size_t pos, size_t sub, pdf_obj *obj)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        pdf_entry *v = arena_alloc(d->a, d->cap * sizeof *v);
        if (d->n) memcpy(v, d->entries, d->n * sizeof *v);
        d->entries = v;
    }
    d->entries[d->n++] = (pdf_entry){.num = num, .pos = pos, .sub = sub, .obj = obj};
}

static void add_stream(pdf_doc *d, long long num, size_t pos, pdf_obj *obj)
{
    if (d->n_streams == d->streams_cap) {
        d->streams_cap = d->streams_cap ? d->streams_cap * 2 : 16;
        pdf_entry *v = arena_alloc(d->a, d->streams_cap * sizeof *v);
        if (d->n_streams) memcpy(v, d->streams, d->n_streams * sizeof *v);
        d->streams = v;
    }
    d->streams[d->n_streams++] = (pdf_entry){.num = num, .pos = pos, .obj = obj};
}

static int entry_order(const void *x, const void *y)
{
    const pdf_entry *a = x, *b = y;
    if (a->num != b->num) return a->num < b->num ? -1 : 1;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/* Sorts by number and keeps the last definition of each. */
static void index_entries(pdf_doc *d)
{
    if (!d->n) return;
    qsort(d->entries, d->n, sizeof *d->entries, entry_order);
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (k && d->entries[k - 1].num == d->entries[i].num) k--;
        d->entries[k++] = d->entries[i];
    }
    d->n = d->sorted = k;
}

static pdf_obj *lookup(const pdf_doc *d, long long num)
{
    size_t lo = 0, hi = d->sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->entries[mid].num < num) lo = mid + 1;
        else hi = mid;
    }
    return lo < d->sorted && d->entries[lo].num == num ? d->entries[lo].obj : NULL;
}

pdf_obj *pdf_resolve(const pdf_doc *d, pdf_obj *o)
{
    for (int hops = 0; o && o->type == PDF_REF; hops++) {
        if (hops == 32) return NULL;
        o = lookup(d, o->i);
    }
    return o;
}

/* ---- the file scan ---- */

/* The object and generation numbers before " obj" at p; false when they are
 * not there (an "endobj", or "obj" inside text). */
static bool object_header(const char *data, const char *p, long long *num)
{
    const char *q = p;
    if (q == data || !is_space(q[-1])) return false;
    while (q > data && is_space(q[-1])) q--;
    const char *gen_end = q;
    while (q > data && isdigit((unsigned char)q[-1])) q--;
    if (q == gen_end || gen_end - q > 5 || q == data || !is_space(q[-1])) return false;
    while (q > data && is_space(q[-1])) q--;
    const char *num_end = q;
    while (q > data && isdigit((unsigned char)q[-1])) q--;
    if (q == num_end || num_end - q > 10 || (q > data && !is_delimiter(q[-1]))) return false;
    *num = strtoll(q, NULL, 10);
    return true;
}

/* The stream data after the dictionary o: /Length when it is direct and
 * lands on "endstream", else up to the next "endstream" less the end of
 * line before it.  Returns the position after the stream. */
static const char *stream_extent(pdf_obj *o, const char *d, const char *end)
{
    pdf_obj *length = pdf_get(o, "Length");
    if (length && length->type == PDF_NUMBER && length->is_int && length->i >= 0 &&
        (unsigned long long)length->i <= (size_t)(end - d)) {
        const char *q = pdf_skip_space(d + length->i, end);
        if ((size_t)(end - q) >= 9 && memcmp(q, "endstream", 9) == 0) {
            o->data = d;
            o->data_len = (size_t)length->i;
            return q + 9;
        }
    }
    const char *es = find(d, end, "endstream");
    if (!es) es = end;
    size_t dl = (size_t)(es - d);
    if (dl && d[dl - 1] == '\n') dl--;
    if (dl && d[dl - 1] == '\r') dl--;
    o->data = d;
    o->data_len = dl;
    return es == end ? end : es + 9;
}

/* Every "N G obj" of the file, streams' data skipped. */
static void scan_objects(pdf_doc *d, const char *data, size_t len)
{
    const char *end = data + len;
    for (const char *p = data; d->n < PDF_MAX_OBJECTS && (p = find(p, end, "obj"));) {
        long long num;
        const char *after = p + 3;
        if ((after < end && !is_delimiter(*after)) || !object_header(data, p, &num)) {
            p = after;
            continue;
        }
        size_t pos = (size_t)(p - data);
        p = after;
        pdf_obj *o = pdf_parse(d->a, &p, end, &d->budget);
        if (!o) {
            if (p >= end) break;
            continue;
        }
        if (o->type == PDF_DICT) {
            const char *st = pdf_skip_space(p, end);
            if ((size_t)(end - st) >= 6 && memcmp(st, "stream", 6) == 0 && (st + 6 == end || is_delimiter(st[6]))) {
                const char *s = st + 6;
                if (s < end && *s == '\r') s++;
                if (s < end && *s == '\n') s++;
                p = stream_extent(o, s, end);
                add_stream(d, num, pos, o);
            }
        }
        add_entry(d, num, pos, 0, o);
    }
}

static bool int_value(const pdf_doc *d, pdf_obj *o, long long *v)
{
    o = pdf_resolve(d, o);
    if (!o || o->type != PDF_NUMBER || !o->is_int) return false;
    *v = o->i;
    return true;
}

/* The objects of one object stream: "/N" pairs "num offset" then the
 * objects from /First.  Offsets must increase (each member is read up to
 * the next), so a hostile stream costs one pass over its data. */
static void load_object_stream(pdf_doc *d, const pdf_entry *e)
{
    long long count, first;
    if (!int_value(d, pdf_get(e->obj, "N"), &count) || !int_value(d, pdf_get(e->obj, "First"), &first)) return;
    buf b = BUF_INIT;
    if (!pdf_decode(d, e->obj, e->num, &b) || first < 0 || (unsigned long long)first > b.len) {
        buf_free(&b);
        return;
    }
    const char *data = buf_cstr(&b), *end = data + b.len, *header_end = data + first, *p = data;
    arena *scratch = arena_new(0);
    long long prev_off = -1;
    for (long long k = 0; k < count && d->n < PDF_MAX_OBJECTS; k++) {
        size_t header_budget = 4;
        pdf_obj *num = pdf_parse(scratch, &p, header_end, &header_budget);
        pdf_obj *off = pdf_parse(scratch, &p, header_end, &header_budget);
        if (!num || !off || !num->is_int || !off->is_int || num->i < 0 || off->i <= prev_off ||
            (unsigned long long)off->i >= (size_t)(end - header_end))
            break;
        /* the member ends where the next begins */
        const char *peek = p, *member_end = end;
        pdf_obj *next_num = pdf_parse(scratch, &peek, header_end, &header_budget);
        pdf_obj *next_off = pdf_parse(scratch, &peek, header_end, &header_budget);
        if (k + 1 < count && next_num && next_off && next_off->is_int && next_off->i > off->i &&
            (unsigned long long)next_off->i < (size_t)(end - header_end))
            member_end = header_end + next_off->i;
        const char *m = header_end + off->i;
        pdf_obj *o = pdf_parse(d->a, &m, member_end, &d->budget);
        if (o) add_entry(d, num->i, e->pos, (size_t)k + 1, o);
        prev_off = off->i;
        arena_reset(scratch);
    }
    arena_free(scratch);
    buf_free(&b);
}

/* The catalog: /Root of the last trailer or cross-reference stream, else
 * the last /Type /Catalog object. */
static void find_root(pdf_doc *d, const char *data, size_t len)
{
    const char *end = data + len, *trailer = NULL;
    for (const char *p = data; (p = find(p, end, "trailer")); p += 7) trailer = p;
    pdf_obj *tdict = NULL;
    if (trailer) {
        const char *p = trailer + 7;
        tdict = pdf_parse(d->a, &p, end, &d->budget);
    }
    const pdf_entry *xref = NULL;
    for (size_t i = 0; i < d->n_streams; i++)
        if (pdf_is_name(pdf_get(d->streams[i].obj, "Type"), "XRef")) xref = &d->streams[i];
    pdf_obj *root = NULL;
    if (xref && (!trailer || xref->pos > (size_t)(trailer - data))) root = pdf_resolve(d, pdf_get(xref->obj, "Root"));
    if (!root && tdict) root = pdf_resolve(d, pdf_get(tdict, "Root"));
    if (!root && xref) root = pdf_resolve(d, pdf_get(xref->obj, "Root"));
    size_t best = 0;
    for (size_t i = 0; !root && i < d->n; i++) {
        if (pdf_is_name(pdf_get(d->entries[i].obj, "Type"), "Catalog") && d->entries[i].pos >= best) {
            best = d->entries[i].pos;
            d->root = d->entries[i].obj;
        }
    }
    if (root && root->type == PDF_DICT) d->root = root;
}

void pdf_load(pdf_doc *d, arena *a, const char *data, size_t len)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    d->budget = PDF_MAX_VALUES;
    d->total_limit = len < (PDF_TOTAL_LIMIT - PDF_MIN_TOTAL) / PDF_SIZE_RATIO ? PDF_MIN_TOTAL + len * PDF_SIZE_RATIO
                                                                             : PDF_TOTAL_LIMIT;
    scan_objects(d, data, len);
    index_entries(d);   /* object streams' /Length and /N may be references */
    size_t direct = d->n;
    for (size_t i = 0; i < d->n_streams && !d->error; i++)
        if (pdf_is_name(pdf_get(d->streams[i].obj, "Type"), "ObjStm")) load_object_stream(d, &d->streams[i]);
    if (d->n != direct) index_entries(d);
    find_root(d, data, len);
}

/* ---- stream decoding ---- */

typedef enum { FILTER_NONE, FILTER_FLATE, FILTER_UNSUPPORTED } pdf_filter;

/* /FlateDecode, alone or as a one-filter array; other filters and chains
 * are not decoded. */
static pdf_filter stream_filter(const pdf_doc *d, const pdf_obj *s)
{
    pdf_obj *f = pdf_resolve(d, pdf_get(s, "Filter"));
    if (!f || f->type == PDF_NULL) return FILTER_NONE;
    if (f->type == PDF_ARRAY) {
        if (f->n == 0) return FILTER_NONE;
        if (f->n > 1) return FILTER_UNSUPPORTED;
        f = pdf_resolve(d, f->items[0]);
    }
    return pdf_is_name(f, "FlateDecode") || pdf_is_name(f, "Fl") ? FILTER_FLATE : FILTER_UNSUPPORTED;
}

/* The 400 detail when decoding passes a limit: one stream's, or the whole
 * document's (the absolute one, or the one its file size gives). */
static const char *too_large_detail(const pdf_doc *d, long long num, bool whole)
{
    if (!whole) return arena_printf(d->a, "PDF stream (object %lld) inflates past the %zu MiB limit", num, PDF_STREAM_LIMIT >> 20);
    if (d->total_limit < PDF_TOTAL_LIMIT)
        return arena_printf(d->a, "PDF stream (object %lld) inflates the document past %d times its file size", num,
                            PDF_SIZE_RATIO);
    return arena_printf(d->a, "PDF stream (object %lld) inflates past the %zu MiB limit for the whole document", num,
                        PDF_TOTAL_LIMIT >> 20);
}

/* Inflated data also loses its predictor (/DecodeParms, pdf_predictor.c).
 * Every decoding counts, also of a stream decoded again (a /Contents array
 * naming one stream many times, a form drawn on every page). */
bool pdf_decode(pdf_doc *d, const pdf_obj *s, long long num, buf *out)
{
    if (d->error || !s || !s->data) return false;
    pdf_filter filter = stream_filter(d, s);
    if (filter == FILTER_UNSUPPORTED) return false;
    size_t budget = d->total_limit - d->decoded;
    size_t limit = budget < PDF_STREAM_LIMIT ? budget : PDF_STREAM_LIMIT;
    size_t before = out->len;
    bool too_large;
    if (filter == FILTER_FLATE) {
        /* truncated or corrupt data keeps what decoded, as PDF viewers do */
        too_large = flate_inflate(s->data, s->data_len, limit, out) == FLATE_TOO_LARGE;
        if (!too_large && out->len > before) {
            out->len = before + pdf_unpredict(d, s, out->data + before, out->len - before);
            out->data[out->len] = '\0';
        }
    } else {
        too_large = s->data_len > budget;
        if (!too_large) buf_append(out, s->data, s->data_len);
    }
    if (too_large) {
        d->error = too_large_detail(d, num, filter == FILTER_NONE || limit < PDF_STREAM_LIMIT);
        return false;
    }
    d->decoded += out->len - before;
    return true;
}
