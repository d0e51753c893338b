/* multipart/form-data (RFC 7578 over RFC 2046 framing).
 *
 * The body is: preamble, then "--boundary" parts each introduced by a
 * delimiter line, part headers, a blank line and content up to the next
 * CRLF "--boundary"; the last delimiter has "--" appended; the epilogue
 * after it is ignored. */
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "http/http.h"

#define MAX_PARTS 1024
#define MAX_BOUNDARY 70

typedef struct cursor {
    const char *p, *end;
} cursor;

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p;
}

/* Reads a parameter value: quoted-string (with \-escapes) or a token. */
static char *param_value(arena *a, const char *p, const char *end, const char **after)
{
    if (p < end && *p == '"') {
        char *out = arena_alloc(a, (size_t)(end - p) + 1);
        size_t o = 0;
        for (p++; p < end && *p != '"'; p++) {
            if (*p == '\\' && p + 1 < end) p++;
            out[o++] = *p;
        }
        out[o] = '\0';
        *after = p < end ? p + 1 : p;
        return out;
    }
    const char *start = p;
    while (p < end && *p != ';' && *p != ' ' && *p != '\t') p++;
    *after = p;
    return arena_strndup(a, start, (size_t)(p - start));
}

/* Finds parameter `name` in a header value like `form-data; name="x"`.
 * Returns NULL when absent. */
static char *header_param(arena *a, const char *value, const char *end, const char *name)
{
    size_t name_len = strlen(name);
    const char *p = memchr(value, ';', (size_t)(end - value));
    while (p && p < end) {
        p = skip_ws(p + 1, end);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq) return NULL;
        const char *key_end = eq;
        while (key_end > p && (key_end[-1] == ' ' || key_end[-1] == '\t')) key_end--;
        const char *after;
        char *v = param_value(a, skip_ws(eq + 1, end), end, &after);
        if ((size_t)(key_end - p) == name_len && strncasecmp(p, name, name_len) == 0) return v;
        p = memchr(after, ';', (size_t)(end - after));
    }
    return NULL;
}

/* RFC 5987 ext-value: charset'language'percent-encoded. */
static char *ext_value(arena *a, const char *v)
{
    const char *q1 = strchr(v, '\'');
    const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    if (!q2) return NULL;
    return http_percent_decode(a, q2 + 1, strlen(q2 + 1), false, NULL);
}

static bool boundary_from(arena *a, const char *content_type, char **out)
{
    if (!content_type) return false;
    const char *end = content_type + strlen(content_type);
    char *b = header_param(a, content_type, end, "boundary");
    if (!b || !*b || strlen(b) > MAX_BOUNDARY) return false;
    *out = b;
    return true;
}

static void apply_header(arena *a, multipart_part *part, const char *line, const char *end)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (!colon) return;
    size_t name_len = (size_t)(colon - line);
    const char *value = skip_ws(colon + 1, end);
    const char *value_end = end;
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) value_end--;
    if (name_len == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
        char *name = header_param(a, value, value_end, "name");
        char *filename = header_param(a, value, value_end, "filename");
        char *filename_ext = header_param(a, value, value_end, "filename*");
        if (name) part->name = name;
        if (filename_ext) {
            char *decoded = ext_value(a, filename_ext);
            if (decoded) filename = decoded;
        }
        if (filename) part->filename = filename;
    } else if (name_len == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
        part->content_type = arena_strndup(a, value, (size_t)(value_end - value));
    }
}

/* Part headers up to and including the blank line. */
static bool read_part_headers(arena *a, cursor *c, multipart_part *part)
{
    for (;;) {
        const char *eol = memmem(c->p, (size_t)(c->end - c->p), "\r\n", 2);
        if (!eol) return false;
        if (eol == c->p) {
            c->p += 2;
            return true;
        }
        apply_header(a, part, c->p, eol);
        c->p = eol + 2;
    }
}

/* After a delimiter: "--" closes, else optional padding then CRLF. */
static bool after_delimiter(cursor *c, bool *closed)
{
    if (c->end - c->p >= 2 && c->p[0] == '-' && c->p[1] == '-') {
        *closed = true;
        return true;
    }
    c->p = skip_ws(c->p, c->end);
    if (c->end - c->p < 2 || c->p[0] != '\r' || c->p[1] != '\n') return false;
    c->p += 2;
    *closed = false;
    return true;
}

/* Positions c just past the first delimiter ("--b" at the start or after CRLF). */
static bool skip_preamble(cursor *c, const char *delim, size_t delim_len)
{
    size_t n = (size_t)(c->end - c->p);
    if (n >= delim_len - 2 && memcmp(c->p, delim + 2, delim_len - 2) == 0) {
        c->p += delim_len - 2;
        return true;
    }
    const char *at = memmem(c->p, n, delim, delim_len);
    if (!at) return false;
    c->p = at + delim_len;
    return true;
}

bool multipart_parse(arena *a, const char *content_type, const char *body, size_t len,
                     multipart_part **parts, size_t *n_parts)
{
    *parts = NULL;
    *n_parts = 0;
    char *boundary;
    if (!boundary_from(a, content_type, &boundary)) return false;
    char *delim = arena_printf(a, "\r\n--%s", boundary);
    size_t delim_len = strlen(delim);
    cursor c = {body, body + len};
    if (!body || !skip_preamble(&c, delim, delim_len)) return false;
    size_t cap = 8, n = 0;
    multipart_part *out = arena_alloc(a, cap * sizeof *out);
    for (;;) {
        bool closed;
        if (!after_delimiter(&c, &closed)) return false;
        if (closed) break;
        if (n == MAX_PARTS) return false;
        multipart_part part = {.name = ""};
        if (!read_part_headers(a, &c, &part)) return false;
        const char *next = memmem(c.p, (size_t)(c.end - c.p), delim, delim_len);
        if (!next) return false;
        part.data = arena_strndup(a, c.p, (size_t)(next - c.p));
        part.len = (size_t)(next - c.p);
        if (n == cap) {
            multipart_part *grown = arena_alloc(a, cap * 2 * sizeof *grown);
            memcpy(grown, out, n * sizeof *out);
            out = grown;
            cap *= 2;
        }
        out[n++] = part;
        c.p = next + delim_len;
    }
    *parts = out;
    *n_parts = n;
    return true;
}
