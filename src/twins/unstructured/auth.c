/* Unstructured twin: API-key auth (header unstructured-api-key, or a bearer
 * token on the Platform API) and FastAPI's error shapes. */
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "twins/unstructured/unstructured.h"
#include "util/util.h"

void us_detail(twin_ctx *ctx, int status, const char *detail)
{
    json_value *b = json_object(ctx->a);
    json_set_str(ctx->a, b, "detail", detail);
    twin_reply_json(ctx, status, b);
}

void us_problem(twin_ctx *ctx, json_value *list, const char *type, const char *where, const char *field,
                const char *msg, const json_value *input)
{
    arena *a = ctx->a;
    json_value *p = json_object(a), *loc = json_array(a);
    json_push(loc, json_string(a, where));
    if (field) json_push(loc, json_string(a, field));
    json_set_str(a, p, "type", type);
    json_set(a, p, "loc", loc);
    json_set_str(a, p, "msg", msg);
    json_set(a, p, "input", input ? json_clone(a, input) : json_null(a));
    json_push(list, p);
}

void us_unprocessable(twin_ctx *ctx, json_value *list)
{
    json_value *b = json_object(ctx->a);
    json_set(ctx->a, b, "detail", list);
    twin_reply_json(ctx, 422, b);
}

/* Engine-raised errors (unknown routes, faults): FastAPI's {"detail": ...}. */
void us_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (str_eq(code, "not_found")) message = "Not Found";
    else if (str_eq(code, "method_not_allowed")) message = "Method Not Allowed";
    us_detail(ctx, status, message && *message ? message : "Internal Server Error");
}

static const char *presented_key(twin_ctx *ctx)
{
    const char *k = http_header_get(ctx->req, "unstructured-api-key");
    if (k && *k) return k;
    const char *h = http_header_get(ctx->req, "Authorization");
    if (h && strncasecmp(h, "bearer ", 7) == 0) {
        h += 7;
        while (*h == ' ') h++;
        if (*h) return h;
    }
    return NULL;
}

static bool key_ok(twin_ctx *ctx, const char *k)
{
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (secret_eq(k, env_token(&e, ctx->a, "unstructured", "", 32))) return true;
    json_foreach(x, json_get(ctx->config, "api_keys")) if (str_eq(json_str(x), k)) return true;
    return false;
}

bool us_authenticate(twin_ctx *ctx, const twin_route *route)
{
    const char *k = presented_key(ctx);
    if (!k) {
        us_detail(ctx, 401, "API key is missing, please provide an API key in the header.");
        return false;
    }
    if (!key_ok(ctx, k)) {
        us_detail(ctx, 401, "API key is invalid, please provide a valid API key in the header.");
        return false;
    }
    if (ctx->body_error && !str_starts_with(ctx->req->path, "/general/")) {
        json_value *list = json_array(ctx->a);
        us_problem(ctx, list, "json_invalid", "body", NULL, "JSON decode error", NULL);
        us_unprocessable(ctx, list);
        return false;
    }
    return true;
}
