/* Unified.to twin: bearer-JWT auth, Unified's error shape, and the guard that
 * lets category stubs answer only for connections that exist. */
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "twins/unified/unified.h"
#include "util/util.h"

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Bad Request";
    }
}

/* {"statusCode": 404, "message": "...", "error": "Not Found"} */
void un_error(twin_ctx *ctx, int status, const char *message)
{
    arena *a = ctx->a;
    json_value *b = json_object(a);
    json_set_int(a, b, "statusCode", status);
    json_set_str(a, b, "message", message && *message ? message : reason(status));
    json_set_str(a, b, "error", reason(status));
    twin_reply_json(ctx, status, b);
}

/* Engine-raised errors (unknown routes, faults). */
void un_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (str_eq(code, "not_found") || str_eq(code, "method_not_allowed"))
        message = arena_printf(ctx->a, "Cannot %s %s", ctx->req->method, ctx->req->path);
    un_error(ctx, status, message);
}

/* "Bearer <jwt>" as documented, or the bare JWT, which is what the official
 * SDK sends (its security scheme is an API key in the Authorization header). */
static const char *presented_token(twin_ctx *ctx)
{
    const char *t = http_header_get(ctx->req, "Authorization");
    if (!t) return NULL;
    if (strncasecmp(t, "bearer ", 7) == 0) t += 7;
    while (*t == ' ') t++;
    return *t ? t : NULL;
}

static bool token_ok(twin_ctx *ctx, const char *t)
{
    if (!t) return false;
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (secret_eq(t, env_token(&e, ctx->a, "unified", "", 40))) return true;
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_str(x), t)) return true;
    return false;
}

/* Stubbed category routes (/messaging/{connection_id}/channel, ...) answer
 * only for a connection that exists, like the real API; every such call is
 * logged under /unified/apicall.  (The stub engine answers after this hook,
 * always 200.) */
static bool connection_guard(twin_ctx *ctx)
{
    const char *cid = twin_param(ctx, "connection_id");
    if (!cid) return true;
    json_value *conn = twin_doc_get(ctx, "connections", cid);
    if (!conn) {
        un_error(ctx, 404, arena_printf(ctx->a, "Connection %s not found", cid));
        return false;
    }
    if (json_truthy(json_get(conn, "is_paused"))) {
        un_log_call(ctx, conn, 403, "Connection is paused");
        un_error(ctx, 403, "Connection is paused");
        return false;
    }
    un_log_call(ctx, conn, 200, NULL);
    return true;
}

bool un_authenticate(twin_ctx *ctx, const twin_route *route)
{
    if (!token_ok(ctx, presented_token(ctx))) {
        un_error(ctx, 401, "Unauthorized");
        return false;
    }
    if (ctx->body_error) {
        un_error(ctx, 400, "Invalid JSON body");
        return false;
    }
    if (!route) return connection_guard(ctx);
    return true;
}
