/* Request assembly: llhttp callbacks fill a req_parser's http_request.
 *
 * llhttp does all framing (and rejects ambiguous framing such as CL+TE);
 * this file only collects the pieces, enforces the size limits and pauses
 * llhttp after each message so pipelined requests wait unparsed. */
#include <string.h>
#include <strings.h>

#include "http/conn_internal.h"

#define DEFAULT_MAX_BODY (64u << 20)
#define DEFAULT_MAX_HEADER (64u << 10)
#define DEFAULT_HEADER_TIMEOUT_MS 10000
#define DEFAULT_IDLE_TIMEOUT_MS 60000
#define DEFAULT_BODY_TIMEOUT_MS 60000
/* Scratch buffers that grew past this are released after the request so one
 * large upload does not pin memory for the life of a keep-alive connection. */
#define KEEP_SCRATCH_BYTES (256u << 10)
#define BODY_RESERVE_BYTES (1u << 20)

void http_config_defaults(http_server_config *cfg)
{
    if (!cfg->max_body_bytes) cfg->max_body_bytes = DEFAULT_MAX_BODY;
    if (!cfg->max_header_bytes) cfg->max_header_bytes = DEFAULT_MAX_HEADER;
    if (!cfg->header_timeout_ms) cfg->header_timeout_ms = DEFAULT_HEADER_TIMEOUT_MS;
    if (!cfg->idle_timeout_ms) cfg->idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_MS;
    if (!cfg->body_timeout_ms) cfg->body_timeout_ms = DEFAULT_BODY_TIMEOUT_MS;
}

static req_parser *parser_of(llhttp_t *ll)
{
    return ll->data;
}

static int fail(req_parser *p, int status)
{
    p->error_status = status;
    return HPE_USER;
}

/* Counts head bytes as they arrive so an endless head is cut early. */
static int count_head(req_parser *p, size_t n)
{
    p->head_bytes += n;
    return p->head_bytes > p->cfg->max_header_bytes ? fail(p, 431) : HPE_OK;
}

static int on_message_begin(llhttp_t *ll)
{
    parser_of(ll)->message_begun = true;
    return HPE_OK;
}

static int on_url(llhttp_t *ll, const char *at, size_t n)
{
    req_parser *p = parser_of(ll);
    buf_append(&p->url, at, n);
    return count_head(p, n);
}

static int on_header_field(llhttp_t *ll, const char *at, size_t n)
{
    req_parser *p = parser_of(ll);
    buf_append(&p->field, at, n);
    return count_head(p, n + 4);    /* ": " and CRLF count too */
}

static int on_header_value(llhttp_t *ll, const char *at, size_t n)
{
    req_parser *p = parser_of(ll);
    buf_append(&p->value, at, n);
    return count_head(p, n);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void push_header(req_parser *p, const char *name, size_t name_len, const char *value,
                        size_t value_len)
{
    http_request *r = &p->req;
    http_header *h = header_slot(r->arena, &r->headers, r->n_headers++, &p->cap_headers, 16);
    while (value_len && is_ows(*value)) value++, value_len--;
    while (value_len && is_ows(value[value_len - 1])) value_len--;
    h->name = arena_strndup(r->arena, name, name_len);
    h->value = arena_strndup(r->arena, value, value_len);
}

/* RFC 9110 token characters. */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool valid_field_name(const buf *name)
{
    if (name->len == 0) return false;
    for (size_t i = 0; i < name->len; i++)
        if (!is_tchar((unsigned char)name->data[i])) return false;
    return true;
}

static int on_header_value_complete(llhttp_t *ll)
{
    req_parser *p = parser_of(ll);
    /* llhttp 8.1 lets "Transfer-Encoding : chunked" through as an unknown
     * field; a proxy may read it differently, so such names are refused
     * (RFC 9112 section 5.1). */
    if (!valid_field_name(&p->field)) return fail(p, 400);
    /* Fields after the head are chunked trailers: RFC 9110 section 6.5.1
     * forbids merging them into the header section, where a trailer could
     * pose as Authorization or Content-Type after the head was checked. */
    if (!p->head_complete)
        push_header(p, buf_cstr(&p->field), p->field.len, buf_cstr(&p->value), p->value.len);
    buf_reset(&p->field);
    buf_reset(&p->value);
    return HPE_OK;
}

static void split_target(http_request *r, const char *url, size_t len)
{
    char *target = arena_strndup(r->arena, url, len);
    char *q = memchr(target, '?', len);
    r->target = target;
    if (q) {
        r->path = arena_strndup(r->arena, target, (size_t)(q - target));
        r->query = q + 1;
    } else {
        r->path = target;
        r->query = "";
    }
}

static bool body_expected(const llhttp_t *ll)
{
    if (ll->flags & F_CHUNKED) return true;
    return (ll->flags & F_CONTENT_LENGTH) && ll->content_length > 0;
}

static bool asks_continue(const http_request *r)
{
    const char *expect = http_header_get(r, "Expect");
    return expect && strcasecmp(expect, "100-continue") == 0;
}

static int on_headers_complete(llhttp_t *ll)
{
    req_parser *p = parser_of(ll);
    http_request *r = &p->req;
    r->method = llhttp_method_name(llhttp_get_method(ll));
    split_target(r, buf_cstr(&p->url), p->url.len);
    r->start_ns = uv_hrtime();
    p->head_complete = true;
    p->keep_alive = llhttp_should_keep_alive(ll);
    if ((ll->flags & F_CONTENT_LENGTH) && ll->content_length > p->cfg->max_body_bytes)
        return fail(p, 413);
    /* Reserve for the announced body only up to a bound: a head alone must
     * not make the server allocate max_body_bytes for a body never sent. */
    if (ll->flags & F_CONTENT_LENGTH)
        buf_reserve(&p->body, (size_t)(ll->content_length < BODY_RESERVE_BYTES ? ll->content_length
                                                                               : BODY_RESERVE_BYTES));
    p->want_continue = body_expected(ll) && ll->http_major == 1 && ll->http_minor >= 1 &&
                       asks_continue(r);
    return HPE_OK;
}

static int on_body(llhttp_t *ll, const char *at, size_t n)
{
    req_parser *p = parser_of(ll);
    if (p->body.len + n > p->cfg->max_body_bytes) return fail(p, 413);
    buf_append(&p->body, at, n);
    return HPE_OK;
}

static int on_message_complete(llhttp_t *ll)
{
    req_parser *p = parser_of(ll);
    http_request *r = &p->req;
    /* p->body lives, untouched, until http_parser_next() resets it together
     * with the arena, so the request can point at it instead of copying a
     * body of up to max_body_bytes. */
    r->body = buf_cstr(&p->body);
    r->body_len = p->body.len;
    p->want_continue = false;
    p->upgrade = llhttp_get_upgrade(ll) || ll->method == HTTP_CONNECT;
    /* Stop right after this message: the next pipelined request must not be
     * parsed (and must not overwrite this one) before the answer is out. */
    return HPE_PAUSED;
}

static const llhttp_settings_t *settings(void)
{
    static llhttp_settings_t s;
    static bool ready;
    if (!ready) {
        llhttp_settings_init(&s);
        s.on_message_begin = on_message_begin;
        s.on_url = on_url;
        s.on_header_field = on_header_field;
        s.on_header_value = on_header_value;
        s.on_header_value_complete = on_header_value_complete;
        s.on_headers_complete = on_headers_complete;
        s.on_body = on_body;
        s.on_message_complete = on_message_complete;
        ready = true;
    }
    return &s;
}

static void request_clear(http_request *r)
{
    arena *a = r->arena;
    buf body = r->resp_body;
    buf_reset(&body);
    if (body.cap > KEEP_SCRATCH_BYTES) buf_free(&body);
    memset(r, 0, sizeof *r);
    r->arena = a;
    r->resp_body = body;
    r->status = 200;
    r->query = "";
    r->body = "";
}

static void scratch_reset(buf *b)
{
    if (b->cap > KEEP_SCRATCH_BYTES) buf_free(b);
    else buf_reset(b);
}

void http_parser_init(req_parser *p, const http_server_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    llhttp_init(&p->ll, HTTP_REQUEST, settings());
    p->ll.data = p;
    p->req.arena = arena_new(0);
    request_clear(&p->req);
}

void http_parser_destroy(req_parser *p)
{
    arena_free(p->req.arena);
    buf_free(&p->req.resp_body);
    buf_free(&p->url);
    buf_free(&p->field);
    buf_free(&p->value);
    buf_free(&p->body);
}

void http_parser_next(req_parser *p)
{
    arena_reset(p->req.arena);
    request_clear(&p->req);
    scratch_reset(&p->url);
    scratch_reset(&p->field);
    scratch_reset(&p->value);
    scratch_reset(&p->body);
    p->head_bytes = 0;
    p->cap_headers = 0;
    p->message_begun = p->head_complete = p->want_continue = false;
    p->keep_alive = p->upgrade = false;
}

http_feed_result http_parser_feed(req_parser *p, const char *data, size_t len, size_t *used)
{
    *used = 0;
    if (p->error_status) return HTTP_FEED_ERROR;
    llhttp_errno_t err = llhttp_execute(&p->ll, data, len);
    if (err == HPE_OK) {
        *used = len;
        return HTTP_FEED_MORE;
    }
    if (err == HPE_PAUSED) {
        *used = (size_t)(llhttp_get_error_pos(&p->ll) - data);
        llhttp_resume(&p->ll);
        return HTTP_FEED_REQUEST;
    }
    if (!p->error_status) p->error_status = 400;
    return HTTP_FEED_ERROR;
}
