/* Feeds raw bytes to the request parser in fuzzer-chosen slices, the way
 * reads arrive on a socket, and pokes every request accessor. */
#include <stdint.h>
#include <string.h>

#include "http/conn_internal.h"

static void touch_request(http_request *r)
{
    http_header_get(r, "content-length");
    http_cookie_get(r, "sid");
    http_query_get(r, "a");
    const char **values;
    size_t n = http_query_all(r, "a", &values);
    for (size_t i = 0; i < n; i++) (void)strlen(values[i]);
    http_content_type(r);
    for (size_t i = 0; i < r->n_headers; i++) (void)strlen(r->headers[i].value);
    if (r->body_len) (void)r->body[r->body_len];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    http_server_config cfg = {.max_body_bytes = 4096, .max_header_bytes = 4096};
    http_config_defaults(&cfg);
    req_parser p;
    http_parser_init(&p, &cfg);
    size_t slice = data[0] % 64 + 1;
    const char *s = (const char *)data + 1, *end = (const char *)data + size;
    while (s < end) {
        size_t n = (size_t)(end - s) < slice ? (size_t)(end - s) : slice, used;
        http_feed_result r = http_parser_feed(&p, s, n, &used);
        s += used;
        if (r == HTTP_FEED_ERROR) break;
        if (r == HTTP_FEED_REQUEST) {
            touch_request(&p.req);
            http_parser_next(&p);
        }
    }
    http_parser_destroy(&p);
    return 0;
}
