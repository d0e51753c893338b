/* Unstructured twin: undoing FlateDecode predictors (see pdf.h).
 *
 * Writers filter rows before deflating them to compress better:
 * cross-reference and object streams from common producers carry
 * /DecodeParms << /Predictor 12 /Columns 5 >>.  A PNG predictor (10-15)
 * prefixes every row with a filter byte (None, Sub, Up, Average, Paeth)
 * that may change from row to row; the TIFF predictor 2 stores each
 * component as the difference from the one to its left.
 *
 * The parameters are the file's: columns, colours and bits are bounded
 * before any row size is computed, so no product overflows and a row is
 * never larger than the data it comes from. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/pdf.h"

#define MAX_COLUMNS (1 << 24)
#define MAX_COLORS 32

typedef struct predictor {
    long long kind;             /* 1 none, 2 TIFF, 10-15 PNG */
    size_t colors, bits, columns;
    size_t row;                 /* bytes per row, filter byte excluded */
    size_t bpp;                 /* bytes per pixel, at least 1 (PNG's left neighbour) */
} predictor;

static long long int_param(const pdf_doc *d, const pdf_obj *parms, const char *key, long long fallback)
{
    pdf_obj *o = pdf_resolve(d, pdf_get(parms, key));
    return o && o->type == PDF_NUMBER && o->is_int ? o->i : fallback;
}

/* The stream's parameters (a one-filter array's first); false when they
 * are out of range, which leaves the data as inflated. */
static bool read_params(const pdf_doc *d, const pdf_obj *s, predictor *p)
{
    pdf_obj *parms = pdf_resolve(d, pdf_get(s, "DecodeParms"));
    if (!parms) parms = pdf_resolve(d, pdf_get(s, "DP"));
    if (parms && parms->type == PDF_ARRAY) parms = parms->n ? pdf_resolve(d, parms->items[0]) : NULL;
    if (!parms || parms->type != PDF_DICT) return false;
    p->kind = int_param(d, parms, "Predictor", 1);
    long long colors = int_param(d, parms, "Colors", 1), bits = int_param(d, parms, "BitsPerComponent", 8),
              columns = int_param(d, parms, "Columns", 1);
    if (p->kind != 2 && (p->kind < 10 || p->kind > 15)) return false;
    if (colors < 1 || colors > MAX_COLORS || columns < 1 || columns > MAX_COLUMNS) return false;
    if (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16) return false;
    p->colors = (size_t)colors;
    p->bits = (size_t)bits;
    p->columns = (size_t)columns;
    p->row = (p->colors * p->bits * p->columns + 7) / 8;
    p->bpp = (p->colors * p->bits + 7) / 8;
    return true;
}

static uint8_t paeth(uint8_t left, uint8_t up, uint8_t up_left)
{
    int p = left + up - up_left;
    int pa = abs(p - left), pb = abs(p - up), pc = abs(p - up_left);
    if (pa <= pb && pa <= pc) return left;
    return pb <= pc ? up : up_left;
}

/* One PNG row in place; prev is the decoded row above (zeros for the first). */
static void png_row(uint8_t filter, uint8_t *row, const uint8_t *prev, size_t n, size_t bpp)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t left = i >= bpp ? row[i - bpp] : 0, up = prev[i], up_left = i >= bpp ? prev[i - bpp] : 0;
        switch (filter) {
        case 1: row[i] = (uint8_t)(row[i] + left); break;
        case 2: row[i] = (uint8_t)(row[i] + up); break;
        case 3: row[i] = (uint8_t)(row[i] + (left + up) / 2); break;
        case 4: row[i] = (uint8_t)(row[i] + paeth(left, up, up_left)); break;
        default: break;     /* 0 (None), and unknown types read as None */
        }
    }
}

/* Rows of 1 + row bytes become rows of row bytes; a last, short row keeps
 * what it has.  Decoding in place is safe: output never overtakes input. */
static size_t undo_png(const predictor *p, uint8_t *data, size_t len)
{
    /* a row never holds more than the data (hostile /Columns) */
    uint8_t *zeros = calloc(1, p->row < len ? p->row : len);
    if (!zeros) return 0;
    size_t in = 0, out = 0;
    const uint8_t *prev = zeros;
    while (in < len) {
        uint8_t filter = data[in++];
        size_t n = len - in < p->row ? len - in : p->row;
        memmove(data + out, data + in, n);
        png_row(filter, data + out, prev, n, p->bpp);
        prev = data + out;
        in += n;
        out += n;
        if (n < p->row) break;
    }
    free(zeros);
    return out;
}

static unsigned get_bits(const uint8_t *row, size_t index, size_t bits)
{
    size_t bit = index * bits;
    return (row[bit / 8] >> (8 - bits - bit % 8)) & ((1u << bits) - 1);
}

static void set_bits(uint8_t *row, size_t index, size_t bits, unsigned v)
{
    size_t bit = index * bits, shift = 8 - bits - bit % 8;
    unsigned mask = ((1u << bits) - 1) << shift;
    row[bit / 8] = (uint8_t)((row[bit / 8] & ~mask) | ((v << shift) & mask));
}

/* TIFF predictor 2: each component adds the same component of the pixel to
 * its left, modulo its width. */
static void tiff_row(const predictor *p, uint8_t *row, size_t n)
{
    size_t c = p->colors;
    if (p->bits == 8) {
        for (size_t i = c; i < n; i++) row[i] = (uint8_t)(row[i] + row[i - c]);
    } else if (p->bits == 16) {
        for (size_t i = 2 * c; i + 1 < n; i += 2) {
            unsigned v = ((unsigned)row[i] << 8 | row[i + 1]) + ((unsigned)row[i - 2 * c] << 8 | row[i + 1 - 2 * c]);
            row[i] = (uint8_t)(v >> 8);
            row[i + 1] = (uint8_t)v;
        }
    } else {
        size_t components = n * 8 / p->bits;
        for (size_t i = c; i < components; i++)
            set_bits(row, i, p->bits, get_bits(row, i, p->bits) + get_bits(row, i - c, p->bits));
    }
}

static size_t undo_tiff(const predictor *p, uint8_t *data, size_t len)
{
    for (size_t at = 0; at < len; at += p->row)
        tiff_row(p, data + at, len - at < p->row ? len - at : p->row);
    return len;
}

size_t pdf_unpredict(const pdf_doc *d, const pdf_obj *stream, char *data, size_t len)
{
    predictor p;
    if (!read_params(d, stream, &p)) return len;
    if (p.kind == 2) return undo_tiff(&p, (uint8_t *)data, len);
    return undo_png(&p, (uint8_t *)data, len);
}
