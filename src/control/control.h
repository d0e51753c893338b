/* The control-plane HTTP API on the main port. */
#ifndef TWINS_CONTROL_H
#define TWINS_CONTROL_H

#include <stdbool.h>

#include "http/http.h"
#include "json/json.h"

typedef struct control_config {
    const char *const *api_keys;   /* NULL-terminated; empty = no auth (loopback only) */
    const char *public_domain;     /* host-name routing "<run>--<twin>.<domain>" */
    const char *version;
    http_server *server;           /* for connection counts in /metrics */
} control_config;

void control_init(const control_config *cfg);
void control_handle(http_request *req);

/* Helpers shared with the scenarios module. */
void control_send_detail(http_request *req, int status, const char *detail);
void control_send_buf(http_request *req, int status, buf *body);
/* Parses a JSON body; empty body -> {}.  On failure answers 400/415 and returns NULL. */
json_value *control_json_body(http_request *req);
bool control_authorized(const http_request *req);

#endif
