/* Unified.to twin: shared declarations.
 *
 * State (all in the store):
 *   connections  24-hex id -> connection object as the API renders it
 *   webhooks     24-hex id -> webhook object                  index connection
 *   apicalls     24-hex id -> API call log entry               index connection
 * The integrations catalog is fixed (the seven providers the twin proxies
 * to) and lives in code.  Category routes (/messaging/{connection_id}/...,
 * /storage/..., /calendar/...) stay stubs, but only for connections that
 * exist; each such call is logged as an API call. */
#ifndef TWINS_UNIFIED_H
#define TWINS_UNIFIED_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

/* ---- auth and errors (auth.c) ---- */
bool un_authenticate(twin_ctx *ctx, const twin_route *route);
void un_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
void un_error(twin_ctx *ctx, int status, const char *message);

/* ---- helpers (common.c) ---- */
char *un_hex_id(twin_ctx *ctx);                       /* 24 lower-case hex chars, deterministic */
const char *un_now_iso(twin_ctx *ctx);
/* The known integration (an object of the catalog) or NULL. */
const json_value *un_integration(twin_ctx *ctx, const char *type);
json_value *un_integrations(twin_ctx *ctx);           /* the whole catalog, fresh copy */
/* Values of a query parameter given once or repeated, each also split on commas. */
json_value *un_query_list(twin_ctx *ctx, const char *name);
/* limit/offset from the query; false after answering 400. */
bool un_paging(twin_ctx *ctx, int64_t *limit, int64_t *offset);
/* Answers a JSON array with items[offset, offset+limit). */
void un_send_page(twin_ctx *ctx, json_value *items, int64_t limit, int64_t offset);
void un_save(twin_ctx *ctx, const char *collection, const json_value *doc, const char *connection_id);
/* Logs one API call made through a connection. */
void un_log_call(twin_ctx *ctx, const json_value *conn, int status, const char *error);

/* ---- connections (connections.c) ---- */
/* Builds and stores a connection from API/seed input; NULL + *err on bad input. */
json_value *un_connection_insert(twin_ctx *ctx, const json_value *in, const char **err);

/* ---- seeding (seed.c) ---- */
int un_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);
extern const char un_seed_schema[];

#define UN_HANDLERS(X) \
    X(connections_list) X(connection_create) X(connection_get) X(connection_update) X(connection_delete) \
    X(integrations_list) \
    X(webhooks_list) X(webhook_create) X(webhook_get) X(webhook_update) X(webhook_delete) X(webhook_trigger) \
    X(apicalls_list) X(apicall_get)
#define UN_DECLARE(n) void un_##n(twin_ctx *ctx);
UN_HANDLERS(UN_DECLARE)
#undef UN_DECLARE

#endif
