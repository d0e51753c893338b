/* Unstructured twin: the PDF reader behind us_partition_pdf (internal).
 *
 * pdf_object.c parses PDF objects and loads a document: every "N G obj" of
 * the file plus the objects inside compressed object streams, the trailer
 * (or cross-reference stream) /Root, indirect references and stream
 * decoding.  pdf_predictor.c undoes FlateDecode's PNG and TIFF
 * predictors.  pdf_font.c maps the bytes of shown strings through a font's
 * /ToUnicode CMap.  pdf.c walks the page tree and reads the text.
 *
 * Everything is bounded (nesting, object counts, decoded bytes) so that a
 * hostile file costs at most a few times its size. */
#ifndef TWINS_UNSTRUCTURED_PDF_H
#define TWINS_UNSTRUCTURED_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

#define PDF_MAX_DEPTH 64                        /* nested arrays/dicts, page tree levels */
#define PDF_MAX_OBJECTS ((size_t)1 << 20)       /* objects a document may define */
#define PDF_STREAM_LIMIT ((size_t)16 << 20)     /* one stream's decoded bytes */
#define PDF_TOTAL_LIMIT ((size_t)128 << 20)     /* all streams of a document */
/* ... and at most PDF_MIN_TOTAL + PDF_SIZE_RATIO times the file's size:
 * text streams deflate 3-10 times, while a deflate bomb reaches 1000, so a
 * small hostile file (the fuzzer's) can not cost 128 MiB of inflating and
 * parsing per request. */
#define PDF_MIN_TOTAL ((size_t)256 << 10)
#define PDF_SIZE_RATIO 64
#define PDF_MAX_VALUES ((size_t)1 << 20)        /* parsed values a document keeps */
#define PDF_MAX_OPERAND_VALUES ((size_t)1 << 16) /* values between two operators of a content stream or CMap */

typedef enum pdf_type {
    PDF_NULL, PDF_BOOL, PDF_NUMBER, PDF_STRING, PDF_NAME, PDF_ARRAY, PDF_DICT, PDF_REF, PDF_KEYWORD
} pdf_type;

typedef struct pdf_obj pdf_obj;
struct pdf_obj {
    pdf_type type;
    bool is_int;                /* a number without a fraction */
    bool visited;               /* page tree walk: seen already (cycles) */
    long long i;                /* integer value; a reference's object number */
    double r;                   /* number value */
    const char *str;            /* string bytes; name (without '/') or keyword, NUL-terminated */
    size_t len;
    pdf_obj **items;            /* array items; dict values */
    const char **keys;          /* dict keys */
    size_t n;
    const char *data;           /* a stream's stored bytes (dicts followed by "stream") */
    size_t data_len;
    void *memo;                 /* a font dictionary's pdf_font, built once */
};

/* One object at *pp (skipping spaces and comments), allocated in a; *pp
 * moves past it.  NULL when no object starts there (a stray delimiter, which
 * is consumed) or the input ends inside it (*pp == end then).  Each value
 * parsed takes one from *budget; an empty budget ends the input, so memory
 * stays proportional to the budget, not to the file (a value is ~100 bytes). */
pdf_obj *pdf_parse(arena *a, const char **pp, const char *end, size_t *budget);
pdf_obj *pdf_get(const pdf_obj *dict, const char *key);
bool pdf_is_name(const pdf_obj *o, const char *name);
const char *pdf_skip_space(const char *p, const char *end);

typedef struct pdf_entry {
    long long num;
    size_t pos;                 /* file offset (of the object stream for its members) */
    size_t sub;                 /* index inside its object stream */
    pdf_obj *obj;
} pdf_entry;

typedef struct pdf_doc {
    arena *a;
    pdf_entry *entries;         /* sorted by number, one per number once loaded */
    size_t n, cap;
    size_t sorted;              /* entries[0..sorted) are sorted (lookups) */
    pdf_entry *streams;         /* stream objects in file order (the fallback's pages) */
    size_t n_streams, streams_cap;
    pdf_obj *root;              /* the catalog, or NULL */
    size_t decoded;             /* stream bytes decoded so far */
    size_t total_limit;         /* what they may reach: PDF_TOTAL_LIMIT, less for a small file */
    size_t budget;              /* values the document may still parse */
    const char *error;          /* a limit was passed: the 400 detail */
} pdf_doc;

void pdf_load(pdf_doc *d, arena *a, const char *data, size_t len);
/* Follows references; NULL for a missing object. */
pdf_obj *pdf_resolve(const pdf_doc *d, pdf_obj *o);
/* Appends a stream's decoded bytes to out.  False for filters the twin does
 * not decode and when a limit is passed (d->error is set then). */
bool pdf_decode(pdf_doc *d, const pdf_obj *stream, long long num, buf *out);

/* Undoes the /DecodeParms predictor (PNG 10-15, TIFF 2) of a stream's
 * inflated bytes in place; returns their new length (len when there is no
 * predictor or its parameters are out of range). */
size_t pdf_unpredict(const pdf_doc *d, const pdf_obj *stream, char *data, size_t len);

typedef struct pdf_font pdf_font;
/* The font of a font dictionary (memoised on it). */
const pdf_font *pdf_font_of(pdf_doc *d, pdf_obj *font_dict);
/* Appends the text of a shown string as UTF-8; font NULL reads bytes as WinAnsi. */
void pdf_font_show(const pdf_font *f, const char *s, size_t len, buf *out);

#endif
