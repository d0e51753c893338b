/* Unstructured twin: deterministic UUIDs, times, UUID path parameters. */
#include <ctype.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

char *us_uuid(twin_ctx *ctx)
{
    char u[37];
    uuid_derived(u, ctx->twin, "uuid", "id", twin_counter(ctx, "uuid"));
    return arena_strdup(ctx->a, u);
}

const char *us_now_iso(twin_ctx *ctx)
{
    char out[40];
    format_iso8601(twin_now(ctx) * 1000, true, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

const char *us_param_uuid(twin_ctx *ctx, const char *param)
{
    const char *raw = twin_param(ctx, param);
    char *id = arena_strdup(ctx->a, raw ? raw : "");
    str_to_lower(id);
    if (!uuid_valid(id)) {
        json_value *list = json_array(ctx->a);
        us_problem(ctx, list, "uuid_parsing", "path", param, "Input should be a valid UUID", json_string(ctx->a, raw ? raw : ""));
        us_unprocessable(ctx, list);
        return NULL;
    }
    return id;
}
