/* Unstructured twin: POST /general/v0/general (multipart partition),
 * GET /general/docs and the health check. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "twins/unstructured/unstructured.h"
#include "util/util.h"

typedef struct form {
    multipart_part *parts;
    size_t n;
} form;

/* Last value of a text field; NULL when absent. */
static const char *field(const form *f, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < f->n; i++)
        if (!f->parts[i].filename && str_eq(f->parts[i].name, name)) v = f->parts[i].data;
    return v;
}

/* A list field: repeated, "name[]" or comma-separated ("eng,deu", which is
 * how the TypeScript SDK sends arrays). */
static json_value *list_field(arena *a, const form *f, const char *name)
{
    json_value *out = json_array(a);
    char *bracket = arena_printf(a, "%s[]", name);
    for (size_t i = 0; i < f->n; i++) {
        if (f->parts[i].filename || !(str_eq(f->parts[i].name, name) || str_eq(f->parts[i].name, bracket))) continue;
        const char *v = f->parts[i].data;
        /* a JSON-ish "[eng]" or "['eng', 'deu']" is accepted too */
        for (const char *s = v; *s;) {
            while (*s == ' ' || *s == '[' || *s == '\'' || *s == '"') s++;
            size_t n = strcspn(s, ",]'\"");
            if (n) json_push(out, json_stringn(a, s, n));
            s += n;
            while (*s == ',' || *s == ']' || *s == '\'' || *s == '"' || *s == ' ') s++;
        }
    }
    return out;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y", NULL};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (str_case_eq(v, yes[i])) return *out = true, true;
    for (size_t i = 0; no[i]; i++)
        if (str_case_eq(v, no[i])) return *out = false, true;
    return false;
}

static void bool_field(twin_ctx *ctx, const form *f, const char *name, bool *out, json_value *problems)
{
    const char *v = field(f, name);
    if (v && !parse_bool(v, out))
        us_problem(ctx, problems, "bool_parsing", "body", name, "Input should be a valid boolean, unable to interpret input",
                   json_string(ctx->a, v));
}

/* An integer field; *out keeps its value when the field is absent. */
static void int_field(twin_ctx *ctx, const form *f, const char *name, int64_t *out, json_value *problems)
{
    const char *v = field(f, name);
    if (!v) return;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno == ERANGE)
        us_problem(ctx, problems, "int_parsing", "body", name, "Input should be a valid integer, unable to parse string as an integer",
                   json_string(ctx->a, v));
    else *out = n;
}

static bool one_of(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (str_eq(v, list[i])) return true;
    return false;
}

/* ---- file types ---- */

static const struct {
    const char *ext, *mime;
} by_extension[] = {
    {"txt", "text/plain"}, {"text", "text/plain"}, {"log", "text/plain"}, {"rst", "text/x-rst"},
    {"md", "text/markdown"}, {"markdown", "text/markdown"}, {"html", "text/html"}, {"htm", "text/html"},
    {"xml", "application/xml"}, {"csv", "text/csv"}, {"tsv", "text/tsv"}, {"json", "application/json"},
    {"pdf", "application/pdf"},
};

static const char *filetype_of(const char *filename, const char *declared, const char *data, size_t len)
{
    if (declared && *declared) {
        for (size_t i = 0; i < sizeof by_extension / sizeof by_extension[0]; i++)
            if (str_case_eq(declared, by_extension[i].mime)) return by_extension[i].mime;
    }
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    for (size_t i = 0; dot && i < sizeof by_extension / sizeof by_extension[0]; i++)
        if (str_case_eq(dot + 1, by_extension[i].ext)) return by_extension[i].mime;
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) return "application/pdf";
    if (declared && *declared && !str_eq(declared, "application/octet-stream")) return declared;
    /* text without a recognisable name: plain text when it has no NUL bytes */
    return memchr(data, '\0', len) ? "application/octet-stream" : "text/plain";
}

/* Bytes in the given encoding -> valid UTF-8 (bad bytes become U+FFFD).
 * NULL for an encoding the twin does not know. */
static char *decode_text(arena *a, const char *enc, const char *s, size_t n, size_t *out_len)
{
    char e[32];
    snprintf(e, sizeof e, "%s", enc ? enc : "utf-8");
    str_to_lower(e);
    bool latin1 = str_eq(e, "latin-1") || str_eq(e, "latin1") || str_eq(e, "iso-8859-1") || str_eq(e, "iso8859-1") ||
                  str_eq(e, "cp1252") || str_eq(e, "windows-1252");
    bool utf8 = str_eq(e, "utf-8") || str_eq(e, "utf8") || str_eq(e, "utf-8-sig") || str_eq(e, "ascii") || str_eq(e, "us-ascii");
    if (!latin1 && !utf8) return NULL;
    buf b = BUF_INIT;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    if (utf8 && n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) p += 3;
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (c) buf_append(&b, p, 1);
            p++;
        } else if (latin1) {
            char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
            buf_append(&b, u, 2);
            p++;
        } else {
            size_t need = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            bool ok = need && (size_t)(end - p) >= need;
            for (size_t k = 1; ok && k < need; k++) ok = (p[k] & 0xc0) == 0x80;
            if (ok && need == 3) ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
            if (ok && need == 4) ok = !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
            if (ok) {
                buf_append(&b, p, need);
                p += need;
            } else {
                buf_append(&b, "\xef\xbf\xbd", 3);
                p++;
            }
        }
    }
    *out_len = b.len;
    char *r = arena_strndup(a, buf_cstr(&b), b.len);
    buf_free(&b);
    return r;
}

/* ---- CSV output (the library's dataframe columns) ---- */

static void csv_cell(buf *b, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\n\r")) {
        buf_append(b, s, strlen(s));
        return;
    }
    buf_append(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"') buf_append(b, "\"", 1);
        buf_append(b, s, 1);
    }
    buf_append(b, "\"", 1);
}

static void write_csv(buf *b, const json_value *elements)
{
    static const char *const cols[] = {"type", "element_id", "text", "filetype", "languages", "page_number",
                                       "filename", "parent_id", NULL};
    for (size_t i = 0; cols[i]; i++) buf_printf(b, "%s%s", i ? "," : "", cols[i]);
    buf_append(b, "\n", 1);
    json_foreach(el, elements) {
        const json_value *md = json_get(el, "metadata");
        csv_cell(b, json_get_str(el, "type"));
        buf_append(b, ",", 1);
        csv_cell(b, json_get_str(el, "element_id"));
        buf_append(b, ",", 1);
        csv_cell(b, json_get_str(el, "text"));
        buf_append(b, ",", 1);
        csv_cell(b, json_get_str(md, "filetype"));
        buf_append(b, ",", 1);
        buf langs = BUF_INIT;
        buf_append(&langs, "[", 1);
        json_foreach(l, json_get(md, "languages")) buf_printf(&langs, "%s'%s'", langs.len > 1 ? ", " : "", l->str);
        buf_append(&langs, "]", 1);
        csv_cell(b, buf_cstr(&langs));
        buf_free(&langs);
        buf_append(b, ",", 1);
        const json_value *pg = json_get(md, "page_number");
        if (pg) buf_append(b, pg->str, pg->len);
        buf_append(b, ",", 1);
        csv_cell(b, json_get_str(md, "filename"));
        buf_append(b, ",", 1);
        csv_cell(b, json_get_str(md, "parent_id"));
        buf_append(b, "\n", 1);
    }
}

/* ---- the handler ---- */

static const char *const strategies[] = {"fast", "hi_res", "auto", "ocr_only", "od_only", "vlm", NULL};
static const char *const output_formats[] = {"application/json", "text/csv", NULL};
static const char *const chunkers[] = {"basic", "by_page", "by_similarity", "by_title", NULL};

static void read_chunking(twin_ctx *ctx, const form *f, us_chunking *c, json_value *problems)
{
    *c = (us_chunking){.max_characters = US_UNSET, .new_after_n_chars = US_UNSET, .combine_under_n_chars = US_UNSET,
                       .overlap = US_UNSET, .multipage_sections = true, .include_orig_elements = true};
    const char *chunk = field(f, "chunking_strategy");
    if (chunk && *chunk && !one_of(chunk, chunkers))
        us_problem(ctx, problems, "literal_error", "body", "chunking_strategy",
                   "Input should be 'basic', 'by_page', 'by_similarity' or 'by_title'", json_string(ctx->a, chunk));
    else if (chunk && *chunk) c->strategy = chunk;
    int_field(ctx, f, "max_characters", &c->max_characters, problems);
    int_field(ctx, f, "new_after_n_chars", &c->new_after_n_chars, problems);
    /* the API's name, and the library's */
    int_field(ctx, f, "combine_under_n_chars", &c->combine_under_n_chars, problems);
    int_field(ctx, f, "combine_text_under_n_chars", &c->combine_under_n_chars, problems);
    int_field(ctx, f, "overlap", &c->overlap, problems);
    bool_field(ctx, f, "overlap_all", &c->overlap_all, problems);
    bool_field(ctx, f, "multipage_sections", &c->multipage_sections, problems);
    bool_field(ctx, f, "include_orig_elements", &c->include_orig_elements, problems);
}

/* Reads and checks the form parameters into o; problems collects 422s. */
static void read_options(twin_ctx *ctx, const form *f, us_opts *o, const char **output, json_value *problems)
{
    arena *a = ctx->a;
    o->strategy = field(f, "strategy");
    if (!o->strategy) o->strategy = "hi_res";
    else if (!one_of(o->strategy, strategies))
        us_problem(ctx, problems, "literal_error", "body", "strategy",
                   "Input should be 'fast', 'hi_res', 'auto', 'ocr_only', 'od_only' or 'vlm'", json_string(a, o->strategy));
    *output = field(f, "output_format");
    if (!*output) *output = "application/json";
    else if (!one_of(*output, output_formats))
        us_problem(ctx, problems, "literal_error", "body", "output_format", "Input should be 'application/json' or 'text/csv'",
                   json_string(a, *output));
    read_chunking(ctx, f, &o->chunking, problems);
    bool_field(ctx, f, "coordinates", &o->coordinates, problems);
    bool_field(ctx, f, "include_page_breaks", &o->include_page_breaks, problems);
    bool_field(ctx, f, "unique_element_ids", &o->unique_element_ids, problems);
    bool ignored = false;
    bool_field(ctx, f, "pdf_infer_table_structure", &ignored, problems);
    bool_field(ctx, f, "xml_keep_tags", &ignored, problems);
    o->starting_page_number = 1;
    const char *sp = field(f, "starting_page_number");
    if (sp) {
        char *end;
        long long v = strtoll(sp, &end, 10);
        if (!*sp || *end) us_problem(ctx, problems, "int_parsing", "body", "starting_page_number",
                                     "Input should be a valid integer, unable to parse string as an integer", json_string(a, sp));
        else if (v < 1) us_problem(ctx, problems, "greater_than_equal", "body", "starting_page_number",
                                   "Input should be greater than or equal to 1", json_string(a, sp));
        else o->starting_page_number = v;
    }
    o->languages = list_field(a, f, "languages");
    if (!o->languages->len) o->languages = list_field(a, f, "ocr_languages");
    json_foreach(l, o->languages) {
        bool ok = l->len >= 2 && l->len <= 8;
        for (uint32_t i = 0; ok && i < l->len; i++) ok = islower((unsigned char)l->str[i]) || l->str[i] == '_';
        if (!ok) us_problem(ctx, problems, "value_error", "body", "languages",
                            arena_printf(a, "Value error, Invalid language code: %s", l->str), json_string(a, l->str));
    }
    if (!o->languages->len) json_push(o->languages, json_string(a, "eng"));
    const char *enc = field(f, "encoding");
    size_t dummy;
    if (enc && *enc && !decode_text(a, enc, "", 0, &dummy))
        us_problem(ctx, problems, "value_error", "body", "encoding", arena_printf(a, "Value error, Unknown encoding: %s", enc),
                   json_string(a, enc));
}

/* o: the request's options, completed with the file's name and type. */
static const char *partition_one(twin_ctx *ctx, const form *f, const multipart_part *file, us_opts *opts, json_value *out,
                                 int *status)
{
    arena *a = ctx->a;
    us_opts o = *opts;
    o.filename = file->filename && *file->filename ? file->filename : "document";
    const char *declared = field(f, "content_type");
    if (!declared) declared = file->content_type;
    o.filetype = filetype_of(o.filename, declared, file->data, file->len);
    *opts = o;
    *status = 400;
    if (str_eq(o.filetype, "application/pdf")) return us_partition_pdf(ctx, &o, file->data, file->len, out);
    bool texty = str_starts_with(o.filetype, "text/") || str_eq(o.filetype, "application/json") ||
                 str_eq(o.filetype, "application/xml");
    if (!texty)
        return arena_printf(a, "Unable to process %s: File type %s is not supported.", o.filename, o.filetype);
    size_t n = 0;
    char *text = decode_text(a, field(f, "encoding"), file->data, file->len, &n);
    if (str_eq(o.filetype, "text/markdown")) return us_partition_markdown(ctx, &o, text, n, out);
    if (str_eq(o.filetype, "text/html") || str_eq(o.filetype, "application/xml"))
        return us_partition_html(ctx, &o, text, n, out);
    if (str_eq(o.filetype, "text/csv")) return us_partition_csv(ctx, &o, text, n, ',', out);
    if (str_eq(o.filetype, "text/tsv")) return us_partition_csv(ctx, &o, text, n, '\t', out);
    if (str_eq(o.filetype, "application/json")) return us_partition_json(ctx, &o, text, n, out);
    return us_partition_text(ctx, &o, text, n, out);
}

void us_partition(twin_ctx *ctx)
{
    arena *a = ctx->a;
    form f = {0};
    const char *ct = http_header_get(ctx->req, "Content-Type");
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
        multipart_parse(a, ct, ctx->req->body, ctx->req->body_len, &f.parts, &f.n);
    json_value *problems = json_array(a);
    size_t n_files = 0;
    for (size_t i = 0; i < f.n; i++) n_files += str_eq(f.parts[i].name, "files");
    if (!n_files) us_problem(ctx, problems, "missing", "body", "files", "Field required", NULL);
    us_opts o = {0};
    const char *output;
    read_options(ctx, &f, &o, &output, problems);
    if (problems->len) return us_unprocessable(ctx, problems);
    const char *chunk_error = us_chunking_check(a, &o.chunking);
    if (chunk_error) return us_detail(ctx, 400, chunk_error);
    json_value *results = json_array(a);
    for (size_t i = 0; i < f.n; i++) {
        if (!str_eq(f.parts[i].name, "files")) continue;
        json_value *els = json_array(a);
        int status;
        us_opts file_opts = o;
        const char *err = partition_one(ctx, &f, &f.parts[i], &file_opts, els, &status);
        if (err) return us_detail(ctx, status, err);
        if (o.chunking.strategy) els = us_chunk(ctx, &file_opts, els);
        json_push(results, els);
    }
    /* one file: its elements; several: one list per file, like the service */
    json_value *answer = n_files == 1 ? results->first : results;
    if (str_eq(output, "text/csv")) {
        buf b = BUF_INIT;
        if (n_files == 1) write_csv(&b, answer);
        else json_foreach(els, results) write_csv(&b, els);
        twin_reply_buf(ctx, 200, "text/csv; charset=utf-8", &b);
        return;
    }
    answer->next = NULL;
    twin_reply_json(ctx, 200, answer);
}

static const char docs_html[] =
    "<!DOCTYPE html><html><head><title>Unstructured API - Swagger UI</title></head>"
    "<body><div id=\"swagger-ui\"></div><p>Unstructured API (twin): POST /general/v0/general</p></body></html>";

void us_docs(twin_ctx *ctx)
{
    twin_reply_text(ctx, 200, "text/html; charset=utf-8", docs_html, sizeof docs_html - 1);
}

void us_healthcheck(twin_ctx *ctx)
{
    json_value *b = json_object(ctx->a);
    json_set_str(ctx->a, b, "healthcheck", "HEALTHCHECK STATUS: EVERYTHING OK!");
    twin_reply_json(ctx, 200, b);
}
