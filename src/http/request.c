/* Request accessors and response-building helpers (everything but the
 * actual write, which lives with the connection in server.c). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "http/conn_internal.h"
#include "util/util.h"

const char *http_header_get(const http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (http_name_eq(req->headers[i].name, name)) return req->headers[i].value;
    return NULL;
}

static bool is_cookie_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Looks name up in one Cookie header value ("a=1; b=2"). */
static const char *cookie_in(arena *a, const char *header, const char *name)
{
    size_t name_len = strlen(name);
    const char *p = header;
    while (*p) {
        while (is_cookie_space(*p) || *p == ';') p++;
        const char *end = strchr(p, ';');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && (size_t)(eq - p) == name_len && memcmp(p, name, name_len) == 0) {
            const char *v = eq + 1, *v_end = end;
            while (v_end > v && is_cookie_space(v_end[-1])) v_end--;
            if (v_end - v >= 2 && *v == '"' && v_end[-1] == '"') v++, v_end--;
            return arena_strndup(a, v, (size_t)(v_end - v));
        }
        p = end;
    }
    return NULL;
}

const char *http_cookie_get(const http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (!http_name_eq(req->headers[i].name, "Cookie")) continue;
        const char *v = cookie_in(req->arena, req->headers[i].value, name);
        if (v) return v;
    }
    return NULL;
}

/* One key=value pair of a query string, still encoded. */
typedef struct query_pair {
    const char *key, *value;    /* value NULL for a bare key ("&flag&") */
    size_t key_len, value_len;
} query_pair;

/* Splits the pair starting at *p and moves *p past it (and its '&'). */
static query_pair next_pair(const char **p)
{
    const char *start = *p, *end = strchr(start, '&');
    if (!end) end = start + strlen(start);
    const char *eq = memchr(start, '=', (size_t)(end - start));
    query_pair qp = {.key = start, .key_len = (size_t)((eq ? eq : end) - start)};
    if (eq) qp.value = eq + 1, qp.value_len = (size_t)(end - eq - 1);
    *p = *end ? end + 1 : end;
    return qp;
}

/* Keys are compared decoded, so "enc%20key" matches "enc key" and "a%5B%5D"
 * matches "a[]".  An empty segment ("a=1&&b=2") is no pair at all, as in
 * WHATWG URLSearchParams; "=v" is a pair with an empty key. */
static bool pair_named(arena *a, const query_pair *qp, const char *name, size_t name_len)
{
    if (!qp->key_len && !qp->value) return false;
    size_t key_len;
    char *key = http_percent_decode(a, qp->key, qp->key_len, true, &key_len);
    return key_len == name_len && memcmp(key, name, name_len) == 0;
}

static byte_span pair_bytes(arena *a, const query_pair *qp)
{
    if (!qp->value) return (byte_span){"", 0};
    size_t len;
    const char *v = http_percent_decode(a, qp->value, qp->value_len, true, &len);
    return (byte_span){v, len};
}

/* The C-string form: a value holding a NUL byte comes back as sent, still
 * encoded, since cutting "abc%00xyz" to "abc" would name another object. */
static const char *pair_value(arena *a, const query_pair *qp)
{
    byte_span v = pair_bytes(a, qp);
    if (memchr(v.p, '\0', v.n)) return arena_strndup(a, qp->value, qp->value_len);
    return v.p;
}

static bool find_pair(const http_request *req, const char *name, query_pair *out)
{
    size_t name_len = strlen(name);
    const char *p = req->query ? req->query : "";
    while (*p) {
        *out = next_pair(&p);
        if (pair_named(req->arena, out, name, name_len)) return true;
    }
    return false;
}

const char *http_query_get(const http_request *req, const char *name)
{
    query_pair qp;
    return find_pair(req, name, &qp) ? pair_value(req->arena, &qp) : NULL;
}

bool http_query_span(const http_request *req, const char *name, byte_span *out)
{
    query_pair qp;
    if (!find_pair(req, name, &qp)) return false;
    *out = pair_bytes(req->arena, &qp);
    return true;
}

size_t http_query_all(const http_request *req, const char *name, const char ***values)
{
    size_t name_len = strlen(name), n = 0;
    const char *p = req->query ? req->query : "";
    /* A query holds at most one pair per '&' plus one; sizing the array up
     * front spares a second pass (the arena frees it with the request). */
    size_t cap = 1;
    for (const char *c = p; *c; c++) cap += *c == '&';
    const char **out = values ? arena_alloc(req->arena, (cap + 1) * sizeof *out) : NULL;
    while (*p) {
        query_pair qp = next_pair(&p);
        if (!pair_named(req->arena, &qp, name, name_len)) continue;
        if (out) out[n] = pair_value(req->arena, &qp);
        n++;
    }
    if (out) out[n] = NULL;
    if (values) *values = out;
    return n;
}

const char *http_content_type(const http_request *req)
{
    const char *ct = http_header_get(req, "Content-Type");
    if (!ct) return "";
    size_t n = strcspn(ct, ";");
    while (n && isspace((unsigned char)ct[n - 1])) n--;
    return str_to_lower(arena_strndup(req->arena, ct, n));
}

void http_set_status(http_request *req, int status)
{
    req->status = status;
}

/* CR and LF in a value would let a caller split the response (a redirect
 * target taken from a query string, say); they become spaces. */
static char *header_copy(arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    for (char *c = out; *c; c++)
        if (*c == '\r' || *c == '\n') *c = ' ';
    return out;
}

http_header *header_slot(arena *a, http_header **arr, size_t n, size_t *cap, size_t first)
{
    if (n == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : first;
        http_header *grown = arena_alloc(a, grown_cap * sizeof *grown);
        if (n) memcpy(grown, *arr, n * sizeof *grown);
        *arr = grown;
        *cap = grown_cap;
    }
    return &(*arr)[n];
}

void http_add_header(http_request *req, const char *name, const char *value)
{
    http_header *h = header_slot(req->arena, &req->resp_headers, req->n_resp_headers++, &req->cap_resp_headers, 8);
    h->name = header_copy(req->arena, name);
    h->value = header_copy(req->arena, value);
}

void http_set_header(http_request *req, const char *name, const char *value)
{
    size_t kept = 0;
    for (size_t i = 0; i < req->n_resp_headers; i++)
        if (!http_name_eq(req->resp_headers[i].name, name)) req->resp_headers[kept++] = req->resp_headers[i];
    req->n_resp_headers = kept;
    http_add_header(req, name, value);
}

void http_send_body(http_request *req, int status, const char *content_type, const char *body, size_t len)
{
    req->status = status;
    if (content_type) http_set_header(req, "Content-Type", content_type);
    buf_reset(&req->resp_body);
    buf_append(&req->resp_body, body, len);
    http_send(req);
}

void http_send_json(http_request *req, int status, const char *json, size_t len)
{
    http_send_body(req, status, "application/json", json, len);
}

const char *http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "Unknown";
    }
}
