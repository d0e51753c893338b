/* HTTP/1.1 server on libuv + llhttp.
 *
 * One server owns any number of listeners on one loop.  A connection handles
 * one request at a time (pipelined requests wait, unparsed, in the read
 * buffer), so responses always leave in order.  A handler receives the
 * request and must eventually call http_send() exactly once, either before it
 * returns or later (from a timer, after a webhook, ...).  Everything hanging
 * off the request lives in req->arena, freed after the response is written. */
#ifndef TWINS_HTTP_H
#define TWINS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>
#include <uv.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/util.h"

typedef struct http_server http_server;
typedef struct http_listener http_listener;
typedef struct http_conn http_conn;

typedef struct http_header {
    const char *name;       /* as received */
    const char *value;      /* leading/trailing whitespace trimmed */
} http_header;

typedef struct http_request {
    arena *arena;
    const char *method;     /* "GET", "POST", ... */
    const char *target;     /* raw request target ("/v1/x?y=1") */
    const char *path;       /* target up to '?', NOT percent-decoded */
    const char *query;      /* after '?', raw; "" when none */
    http_header *headers;
    size_t n_headers;
    const char *body;       /* NUL-terminated for convenience; may hold NULs, use body_len */
    size_t body_len;
    const char *remote_addr;/* "127.0.0.1" */
    int local_port;         /* port of the listener that accepted it */
    uint64_t start_ns;      /* uv_hrtime() when the head was complete */
    http_listener *listener;
    void *listener_data;    /* the pointer given to http_listen() */

    /* response being built */
    int status;             /* default 200 */
    http_header *resp_headers;
    size_t n_resp_headers, cap_resp_headers;
    buf resp_body;
    bool sent;

    http_conn *conn;        /* internal */
    void *user;             /* free for the application (request-scoped context) */
} http_request;

typedef void (*http_handler)(http_request *req);

typedef struct http_server_config {
    size_t max_body_bytes;       /* default 64 MiB; larger bodies get 413 */
    size_t max_header_bytes;     /* default 64 KiB; larger heads get 431 */
    uint64_t header_timeout_ms;  /* head must complete within this; default 10 s */
    uint64_t idle_timeout_ms;    /* keep-alive idle; default 60 s */
    uint64_t body_timeout_ms;    /* whole body; default 60 s */
} http_server_config;

http_server *http_server_new(uv_loop_t *loop, const http_server_config *cfg);  /* cfg NULL = defaults */
/* Called for each finished response (access log, metrics, journal). */
typedef void (*http_log_fn)(const http_request *req, uint64_t duration_us, void *data);
void http_server_on_response(http_server *s, http_log_fn fn, void *data);

/* Starts listening.  port 0 picks a free port; the bound port is returned in
 * *bound_port.  Returns NULL and sets *err (static string) on failure. */
http_listener *http_listen(http_server *s, const char *host, int port, http_handler handler,
                           void *data, int *bound_port, const char **err);
/* Stops accepting and closes the listener's idle connections now; busy ones
 * close after their in-flight response.  No further handler calls come for
 * this listener after this returns.  The listener memory is freed later. */
void http_listener_close(http_listener *l);

/* Graceful shutdown: stop accepting everywhere, let in-flight requests finish,
 * close everything, then call done. */
void http_server_shutdown(http_server *s, void (*done)(void *), void *data);
void http_server_free(http_server *s);          /* after shutdown completed */
size_t http_server_connection_count(const http_server *s);

/* ---- request helpers ---- */
/* Header names compared case-insensitively.  The first letter settles
 * most mismatches without a call: each lookup walks every header. */
static inline bool http_name_eq(const char *a, const char *b)
{
    return ((a[0] ^ b[0]) & ~0x20) == 0 && strcasecmp(a, b) == 0;
}
const char *http_header_get(const http_request *req, const char *name);     /* case-insensitive; NULL if absent */
/* Value of a cookie in the Cookie header, or NULL. */
const char *http_cookie_get(const http_request *req, const char *name);
/* First value of a query parameter, percent-decoded ('+' as space); NULL if
 * absent.  A value that decodes to hold a NUL byte ("abc%00xyz") is returned
 * as sent, undecoded, never cut short to another value ("abc"); callers that
 * store or echo the value, or must reject a NUL, use http_query_span. */
const char *http_query_get(const http_request *req, const char *name);
/* The same value with its length: every decoded byte, "%00" included
 * (out->p is NUL-terminated as well).  False, out untouched, if absent. */
bool http_query_span(const http_request *req, const char *name, byte_span *out);
/* Every value of a query parameter, in request order, decoded like
 * http_query_get ("a=1&a=2&a" -> "1", "2", "").  Returns the count; when
 * values is non-NULL it gets a NULL-terminated arena array (never NULL, even
 * for 0).  The name is matched exactly after decoding: "a[]" is its own key. */
size_t http_query_all(const http_request *req, const char *name, const char ***values);
/* The media type of Content-Type, lower-cased, without parameters ("application/json"); "" if none. */
const char *http_content_type(const http_request *req);

/* ---- response helpers ---- */
void http_set_status(http_request *req, int status);
void http_add_header(http_request *req, const char *name, const char *value);  /* copied */
void http_set_header(http_request *req, const char *name, const char *value);  /* replaces same name */
/* Finishes the response: writes status line, headers (Content-Length, Date,
 * and Connection are added automatically), body.  Exactly once per request. */
void http_send(http_request *req);
void http_send_body(http_request *req, int status, const char *content_type, const char *body, size_t len);
void http_send_json(http_request *req, int status, const char *json, size_t len);

const char *http_status_text(int status);

/* ---- decoding helpers ---- */
/* Percent-decodes n bytes of s into the arena; with plus_as_space '+' -> ' '.
 * Invalid escapes are kept literally.  *out_len gets the decoded length. */
char *http_percent_decode(arena *a, const char *s, size_t n, bool plus_as_space, size_t *out_len);
char *http_percent_encode(arena *a, const char *s, size_t n);  /* RFC 3986 unreserved kept */

#endif
