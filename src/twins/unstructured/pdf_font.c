/* Unstructured twin: from shown string bytes to text (see pdf.h).
 *
 * A font's /ToUnicode CMap (beginbfchar / beginbfrange, UTF-16BE
 * destinations) maps its character codes to text.  Composite (Type0) fonts
 * use multi-byte codes: the CMap's codespace ranges give their lengths, and
 * Identity-H/V (what Word and Chrome write) is two bytes.  Codes a CMap does
 * not map read as WinAnsi in simple fonts and are dropped in composite ones
 * (their codes are glyph ids, which carry no text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/pdf.h"

#define CMAP_MAX_RANGES ((size_t)1 << 17)

typedef struct cmap_range {
    uint32_t lo, hi;            /* source codes */
    uint8_t code_len;           /* bytes of a source code */
    uint16_t *dst;              /* UTF-16 of lo; the last unit counts up through the range */
    size_t dst_len;
} cmap_range;

typedef struct codespace {
    uint32_t lo, hi;
    uint8_t len;
} codespace;

struct pdf_font {
    bool composite;
    uint8_t code_len;           /* fixed code length; 0: from the codespace ranges */
    codespace *spaces;
    size_t n_spaces, spaces_cap;
    cmap_range *ranges;         /* sorted by lo */
    size_t n_ranges, ranges_cap;
};

/* ---- output ---- */

static void put_utf8(buf *out, uint32_t cp)
{
    if (cp == '\t') cp = ' ';
    if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff) return;
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    buf_append(out, u, n);
}

/* WinAnsiEncoding, the simple fonts' usual encoding: Latin-1 but for
 * 0x80-0x9f (quotes, dashes, the euro sign). */
static uint32_t winansi(unsigned char c)
{
    static const uint16_t high[32] = {
        0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
        0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
    };
    return c >= 0x80 && c < 0xa0 ? high[c - 0x80] : c;
}

/* UTF-16 units as UTF-8: surrogate pairs joined, lone surrogates dropped. */
static void put_utf16(buf *out, const uint16_t *u, size_t n, uint16_t last_add)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = u[i] + (i + 1 == n ? last_add : 0);
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
            uint32_t lo = u[i + 1] + (i + 2 == n ? last_add : 0);
            if (lo >= 0xdc00 && lo < 0xe000) {
                put_utf8(out, 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00));
                i++;
            }
            continue;
        }
        if (c >= 0xd800 && c < 0xe000) continue;
        put_utf8(out, c);
    }
}

/* ---- CMap parsing ---- */

static uint32_t code_of(const pdf_obj *s)
{
    uint32_t v = 0;
    for (size_t i = 0; i < s->len && i < 4; i++) v = v << 8 | (unsigned char)s->str[i];
    return v;
}

static bool is_code(const pdf_obj *o)
{
    return o && o->type == PDF_STRING && o->len >= 1 && o->len <= 4;
}

static uint16_t *utf16_of(arena *a, const pdf_obj *s, size_t *n)
{
    *n = s->len / 2;
    uint16_t *u = arena_alloc(a, (*n ? *n : 1) * sizeof *u);
    for (size_t i = 0; i < *n; i++) u[i] = (uint16_t)((unsigned char)s->str[2 * i] << 8 | (unsigned char)s->str[2 * i + 1]);
    return u;
}

static void add_range(arena *a, pdf_font *f, uint32_t lo, uint32_t hi, uint8_t len, const pdf_obj *dst)
{
    if (f->n_ranges >= CMAP_MAX_RANGES || dst->type != PDF_STRING || dst->len < 2) return;
    if (f->n_ranges == f->ranges_cap) {
        f->ranges_cap = f->ranges_cap ? f->ranges_cap * 2 : 64;
        cmap_range *v = arena_alloc(a, f->ranges_cap * sizeof *v);
        if (f->n_ranges) memcpy(v, f->ranges, f->n_ranges * sizeof *v);
        f->ranges = v;
    }
    cmap_range *r = &f->ranges[f->n_ranges++];
    *r = (cmap_range){.lo = lo, .hi = hi, .code_len = len};
    r->dst = utf16_of(a, dst, &r->dst_len);
}

static void add_codespace(arena *a, pdf_font *f, const pdf_obj *lo, const pdf_obj *hi)
{
    if (!is_code(lo) || !is_code(hi) || lo->len != hi->len || f->n_spaces >= 256) return;
    if (f->n_spaces == f->spaces_cap) {
        f->spaces_cap = f->spaces_cap ? f->spaces_cap * 2 : 4;
        codespace *v = arena_alloc(a, f->spaces_cap * sizeof *v);
        if (f->n_spaces) memcpy(v, f->spaces, f->n_spaces * sizeof *v);
        f->spaces = v;
    }
    f->spaces[f->n_spaces++] = (codespace){code_of(lo), code_of(hi), (uint8_t)lo->len};
}

/* "<lo> <hi> <dst>" counts the destination up; "<lo> <hi> [<d0> <d1> ...]"
 * lists one destination a code. */
static void add_bfrange(arena *a, pdf_font *f, const pdf_obj *lo, const pdf_obj *hi, const pdf_obj *dst)
{
    if (!is_code(lo) || !is_code(hi)) return;
    uint32_t l = code_of(lo), h = code_of(hi);
    if (h < l) return;
    if (dst->type == PDF_STRING) {
        add_range(a, f, l, h, (uint8_t)lo->len, dst);
        return;
    }
    if (dst->type != PDF_ARRAY) return;
    for (size_t i = 0; i < dst->n && i <= h - l; i++) add_range(a, f, l + (uint32_t)i, l + (uint32_t)i, (uint8_t)lo->len, dst->items[i]);
}

typedef enum { CMAP_NONE, CMAP_CODESPACE, CMAP_BFCHAR, CMAP_BFRANGE } cmap_section;

static int range_order(const void *x, const void *y)
{
    const cmap_range *a = x, *b = y;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The operators of a CMap program; operands are kept (in the font's arena)
 * until a section's entry is complete. */
static void parse_cmap(arena *a, pdf_font *f, const char *p, size_t len)
{
    const char *end = p + len;
    arena *scratch = arena_new(0);
    cmap_section section = CMAP_NONE;
    pdf_obj *ops[3];
    int n_ops = 0;
    size_t budget = PDF_MAX_OPERAND_VALUES;
    while (p < end) {
        pdf_obj *o = pdf_parse(scratch, &p, end, &budget);
        if (!o) continue;
        if (o->type == PDF_KEYWORD) {
            section = !strcmp(o->str, "begincodespacerange") ? CMAP_CODESPACE
                    : !strcmp(o->str, "beginbfchar")         ? CMAP_BFCHAR
                    : !strcmp(o->str, "beginbfrange")        ? CMAP_BFRANGE
                                                             : CMAP_NONE;
            n_ops = 0;
            arena_reset(scratch);
            budget = PDF_MAX_OPERAND_VALUES;
            continue;
        }
        if (section == CMAP_NONE) {
            if (o->type != PDF_DICT && o->type != PDF_ARRAY) continue;
            arena_reset(scratch);   /* a dictionary operand of "begincmap" and the like */
            budget = PDF_MAX_OPERAND_VALUES;
            continue;
        }
        ops[n_ops++] = o;
        int need = section == CMAP_BFRANGE ? 3 : 2;
        if (n_ops < need) continue;
        if (section == CMAP_CODESPACE) add_codespace(a, f, ops[0], ops[1]);
        else if (section == CMAP_BFCHAR && is_code(ops[0])) add_range(a, f, code_of(ops[0]), code_of(ops[0]), (uint8_t)ops[0]->len, ops[1]);
        else if (section == CMAP_BFRANGE) add_bfrange(a, f, ops[0], ops[1], ops[2]);
        n_ops = 0;
        arena_reset(scratch);
        budget = PDF_MAX_OPERAND_VALUES;
    }
    arena_free(scratch);
    if (f->n_ranges) qsort(f->ranges, f->n_ranges, sizeof *f->ranges, range_order);
}

/* ---- fonts ---- */

const pdf_font *pdf_font_of(pdf_doc *d, pdf_obj *dict)
{
    if (!dict || dict->type != PDF_DICT) return NULL;
    if (dict->memo) return dict->memo;
    pdf_font *f = arena_zalloc(d->a, sizeof *f);
    dict->memo = f;
    f->composite = pdf_is_name(pdf_resolve(d, pdf_get(dict, "Subtype")), "Type0");
    pdf_obj *enc = pdf_resolve(d, pdf_get(dict, "Encoding"));
    if (!f->composite) f->code_len = 1;
    else if (pdf_is_name(enc, "Identity-H") || pdf_is_name(enc, "Identity-V")) f->code_len = 2;
    pdf_obj *tu = pdf_get(dict, "ToUnicode");
    pdf_obj *cmap = pdf_resolve(d, tu);
    if (cmap && cmap->type == PDF_DICT && cmap->data) {
        buf b = BUF_INIT;
        if (pdf_decode(d, cmap, tu->type == PDF_REF ? tu->i : -1, &b)) parse_cmap(d->a, f, buf_cstr(&b), b.len);
        buf_free(&b);
    }
    if (f->composite && !f->code_len && !f->n_spaces) f->code_len = 2;
    return f;
}

/* The length of the code at s: fixed, or the codespace range it falls in. */
static size_t code_length(const pdf_font *f, const unsigned char *s, size_t left)
{
    if (f->code_len) return f->code_len <= left ? f->code_len : left;
    for (size_t len = 1; len <= 4 && len <= left; len++) {
        uint32_t v = 0;
        for (size_t i = 0; i < len; i++) v = v << 8 | s[i];
        for (size_t k = 0; k < f->n_spaces; k++)
            if (f->spaces[k].len == len && v >= f->spaces[k].lo && v <= f->spaces[k].hi) return len;
    }
    return f->composite && left >= 2 ? 2 : 1;
}

static const cmap_range *find_range(const pdf_font *f, uint32_t code, size_t len)
{
    size_t lo = 0, hi = f->n_ranges;
    while (lo < hi) {   /* the first range starting after code */
        size_t mid = lo + (hi - lo) / 2;
        if (f->ranges[mid].lo <= code) lo = mid + 1;
        else hi = mid;
    }
    /* ranges may overlap a little (bfchar inside a bfrange): look back a few */
    for (size_t k = lo, seen = 0; k-- > 0 && seen < 16; seen++) {
        const cmap_range *r = &f->ranges[k];
        if (r->code_len == len && code >= r->lo && code <= r->hi) return r;
    }
    return NULL;
}

void pdf_font_show(const pdf_font *f, const char *s, size_t len, buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = f ? code_length(f, u + i, len - i) : 1;
        uint32_t code = 0;
        for (size_t k = 0; k < n; k++) code = code << 8 | u[i + k];
        const cmap_range *r = f ? find_range(f, code, n) : NULL;
        if (r) put_utf16(out, r->dst, r->dst_len, (uint16_t)(code - r->lo));
        else if (!f || !f->composite) put_utf8(out, winansi(u[i]));
        i += n;
    }
}
