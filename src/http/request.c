/* Request accessors and response-building helpers (everything but the
 * actual write, which lives with the connection in server.c). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "util/util.h"

const char *http_header_get(const http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
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
        if (strcasecmp(req->headers[i].name, "Cookie") != 0) continue;
        const char *v = cookie_in(req->arena, req->headers[i].value, name);
        if (v) return v;
    }
    return NULL;
}

const char *http_query_get(const http_request *req, const char *name)
{
    size_t name_len = strlen(name);
    const char *p = req->query ? req->query : "";
    while (*p) {
        const char *end = strchr(p, '&');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *key_end = eq ? eq : end;
        size_t key_len;
        char *key = http_percent_decode(req->arena, p, (size_t)(key_end - p), true, &key_len);
        if (key_len == name_len && memcmp(key, name, name_len) == 0) {
            const char *v = eq ? eq + 1 : end;
            return http_percent_decode(req->arena, v, (size_t)(end - v), true, NULL);
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
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

void http_add_header(http_request *req, const char *name, const char *value)
{
    if (req->n_resp_headers == req->cap_resp_headers) {
        size_t cap = req->cap_resp_headers ? req->cap_resp_headers * 2 : 8;
        http_header *grown = arena_alloc(req->arena, cap * sizeof *grown);
        if (req->n_resp_headers) memcpy(grown, req->resp_headers, req->n_resp_headers * sizeof *grown);
        req->resp_headers = grown;
        req->cap_resp_headers = cap;
    }
    http_header *h = &req->resp_headers[req->n_resp_headers++];
    h->name = header_copy(req->arena, name);
    h->value = header_copy(req->arena, value);
}

void http_set_header(http_request *req, const char *name, const char *value)
{
    size_t kept = 0;
    for (size_t i = 0; i < req->n_resp_headers; i++)
        if (strcasecmp(req->resp_headers[i].name, name) != 0) req->resp_headers[kept++] = req->resp_headers[i];
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
