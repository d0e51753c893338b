/* Private to src/http: request assembly on top of llhttp, kept free of
 * sockets so that unit tests and the fuzzer can drive it with plain bytes. */
#ifndef TWINS_HTTP_CONN_INTERNAL_H
#define TWINS_HTTP_CONN_INTERNAL_H

#include <llhttp.h>

#include "http/http.h"

/* Makes room for one more header in an arena-held array of n (capacity
 * *cap, doubling from first): arena memory is not resized, so it copies. */
http_header *header_slot(arena *a, http_header **arr, size_t n, size_t *cap, size_t first);

typedef struct req_parser {
    llhttp_t ll;
    const http_server_config *cfg;
    http_request req;           /* the request being assembled, then in flight */
    buf url, field, value, body;/* reused between requests: no malloc per request */
    size_t head_bytes;          /* counted against max_header_bytes */
    size_t cap_headers;
    bool message_begun;         /* first byte of the current request seen */
    bool head_complete;
    bool want_continue;         /* Expect: 100-continue and the body is still to come */
    bool keep_alive;            /* llhttp's verdict for this request */
    bool upgrade;               /* CONNECT / Upgrade: bytes after it are not HTTP */
    int error_status;           /* 400, 413 or 431 once framing failed */
} req_parser;

typedef enum {
    HTTP_FEED_MORE,     /* everything consumed, the request is not complete yet */
    HTTP_FEED_REQUEST,  /* p->req is complete; bytes after it were not consumed */
    HTTP_FEED_ERROR,    /* p->error_status says what to answer before closing */
} http_feed_result;

void http_parser_init(req_parser *p, const http_server_config *cfg);
void http_parser_destroy(req_parser *p);
/* Parses from data; *used gets the bytes consumed.  After HTTP_FEED_REQUEST
 * call http_parser_next() once the request is done with, before feeding on. */
http_feed_result http_parser_feed(req_parser *p, const char *data, size_t len, size_t *used);
/* Forgets the finished request (arena reset) and readies the next one. */
void http_parser_next(req_parser *p);

/* Fills cfg's zero fields with the documented defaults. */
void http_config_defaults(http_server_config *cfg);

#endif
