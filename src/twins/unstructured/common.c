/* Unstructured twin: deterministic UUIDs, times, UUID path parameters. */
#include <ctype.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

char *us_uuid(twin_ctx *ctx)
{
    int64_t k = twin_counter(ctx, "uuid");
    char tok[40];
    derive_token(tok, 32, ctx->twin, "uuid", "id", k);
    static const char hex[] = "0123456789abcdef";
    char h[33];
    for (int i = 0; i < 32; i++) h[i] = hex[(unsigned char)tok[i] % 16];
    h[12] = '4';
    h[16] = "89ab"[(unsigned char)tok[16] % 4];
    h[32] = '\0';
    return arena_printf(ctx->a, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
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
