/* Discord twin: bot-token auth, Discord's error bodies and rate limits.
 *
 * Rate limits follow Discord's model so that @discordjs/rest's bucket logic
 * works unchanged: each route template is a bucket (X-RateLimit-Bucket, an
 * opaque hash) counted per major parameter (channel, guild or webhook) in a
 * fixed window; every answer carries X-RateLimit-Limit/-Remaining/-Reset/
 * -Reset-After/-Bucket, and a request over the limit gets 429 with
 * Retry-After and {message, retry_after, global}.  A global per-second limit
 * answers the same with X-RateLimit-Global.  Windows are the engine's
 * in-memory counters (engine/ratelimit.h), so counting costs no store I/O.
 *
 * Config: rate_limit (requests per window, default 50), rate_limit_window_ms
 * (default 1000), global_rate_limit (per second, default 50; 0 disables). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "engine/ratelimit.h"
#include "twins/discord/discord.h"
#include "util/util.h"

void dc_error(twin_ctx *ctx, int status, int code, const char *message)
{
    if (!ctx->req) return;      /* seeding: the caller reports the problem */
    arena *a = ctx->a;
    json_value *b = json_object(a);
    json_set_str(a, b, "message", message);
    json_set_int(a, b, "code", code);
    twin_reply_json(ctx, status, b);
}

void dc_form_error(twin_ctx *ctx, const char *path, const char *ecode, const char *message)
{
    if (!ctx->req) return;
    arena *a = ctx->a;
    json_value *errors = json_object(a), *at = errors;
    char *p = arena_strdup(a, path);
    for (char *seg = strtok(p, "."); seg; seg = strtok(NULL, ".")) {
        json_value *next = json_object(a);
        json_set(a, at, seg, next);
        at = next;
    }
    json_value *list = json_array(a), *e = json_object(a);
    json_set_str(a, e, "code", ecode);
    json_set_str(a, e, "message", message);
    json_push(list, e);
    json_set(a, at, "_errors", list);
    json_value *b = json_object(a);
    json_set_str(a, b, "message", "Invalid Form Body");
    json_set_int(a, b, "code", DC_INVALID_FORM_BODY);
    json_set(a, b, "errors", errors);
    twin_reply_json(ctx, 400, b);
}

void dc_rate_limited(twin_ctx *ctx, double retry_after, bool global, int code, const char *message)
{
    arena *a = ctx->a;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)(retry_after + 0.999));
    http_set_header(ctx->req, "Retry-After", v);
    http_set_header(ctx->req, "X-RateLimit-Scope", global ? "global" : "user");
    if (global) http_set_header(ctx->req, "X-RateLimit-Global", "true");
    json_value *b = json_object(a);
    json_set_str(a, b, "message", message ? message : "You are being rate limited.");
    snprintf(v, sizeof v, "%.3f", retry_after);
    json_set(a, b, "retry_after", json_number_text(a, v));
    json_set_bool(a, b, "global", global);
    if (code) json_set_int(a, b, "code", code);
    twin_reply_json(ctx, 429, b);
}

static void rate_limited(twin_ctx *ctx, double retry_after, bool global)
{
    dc_rate_limited(ctx, retry_after, global, 0, NULL);
}

static const char *status_text(int status)
{
    switch (status) {
    case 400: return "400: Bad Request";
    case 401: return "401: Unauthorized";
    case 403: return "403: Forbidden";
    case 404: return "404: Not Found";
    case 405: return "405: Method Not Allowed";
    case 413: return "Request entity too large";
    case 502: return "502: Bad Gateway";
    case 503: return "503: Service Unavailable";
    default: return status >= 500 ? "500: Internal Server Error" : "400: Bad Request";
    }
}

/* Engine-raised errors (unknown routes, faults) in Discord's shape.  A fault
 * may name a Discord JSON error code ("50013"). */
void dc_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (status == 429) return rate_limited(ctx, 1.0, false);
    char *end = NULL;
    long n = code ? strtol(code, &end, 10) : 0;
    bool numeric = code && *code && end && !*end;
    if (!message || !*message || str_eq(message, "Injected fault.") || !numeric) message = status_text(status);
    dc_error(ctx, status, numeric ? (int)n : 0, message);
}

static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h) return NULL;
    if (strncasecmp(h, "Bot ", 4) == 0) h += 4;
    else if (strncasecmp(h, "Bearer ", 7) == 0) h += 7;
    else return NULL;
    while (*h == ' ') h++;
    return h;
}

static bool token_ok(twin_ctx *ctx, const char *t)
{
    if (!t || !*t) return false;
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (secret_eq(t, env_token(&e, ctx->a, "discord", "", 59))) return true;
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_str(x), t)) return true;
    return false;
}

static int64_t config_int(twin_ctx *ctx, const char *key, int64_t def)
{
    int64_t v;
    return json_int64(json_get(ctx->config, key), &v) && v >= 0 ? v : def;
}

static const char *major_param(twin_ctx *ctx)
{
    static const char *const majors[] = {"channel_id", "guild_id", "webhook_id", NULL};
    for (size_t i = 0; majors[i]; i++) {
        const char *v = route_param_get(&ctx->match, majors[i]);
        if (v) return v;
    }
    return "";
}

/* Sets the rate-limit headers; returns false after answering 429. */
static bool rate_limit(twin_ctx *ctx)
{
    ratelimit *rl = ctx->inst->rate_limits;
    int64_t now = now_ms();
    int64_t global = config_int(ctx, "global_rate_limit", 50);
    if (global > 0) {
        ratelimit_window g = ratelimit_hit(rl, "global", "", 1000, now);
        if (g.count > global) {
            rate_limited(ctx, (double)(g.reset_ms - now) / 1000.0, true);
            return false;
        }
    }
    const char *tmpl = ctx->match.template_path ? ctx->match.template_path : ctx->req->path;
    char bucket[33];
    derive_token(bucket, 32, "discord-bucket", ctx->req->method, tmpl, 0);
    str_to_lower(bucket);
    int64_t limit = config_int(ctx, "rate_limit", 50), window = config_int(ctx, "rate_limit_window_ms", 1000);
    if (limit < 1) limit = 1;
    if (window < 1) window = 1;
    ratelimit_window w = ratelimit_hit(rl, bucket, major_param(ctx), window, now);
    int64_t n = w.count, reset = w.reset_ms;
    int64_t remaining = n >= limit ? 0 : limit - n;
    char v[48];
    snprintf(v, sizeof v, "%lld", (long long)limit);
    http_set_header(ctx->req, "X-RateLimit-Limit", v);
    snprintf(v, sizeof v, "%lld", (long long)remaining);
    http_set_header(ctx->req, "X-RateLimit-Remaining", v);
    snprintf(v, sizeof v, "%lld.%03lld", (long long)(reset / 1000), (long long)(reset % 1000));
    http_set_header(ctx->req, "X-RateLimit-Reset", v);
    snprintf(v, sizeof v, "%.3f", (double)(reset - now) / 1000.0);
    http_set_header(ctx->req, "X-RateLimit-Reset-After", v);
    http_set_header(ctx->req, "X-RateLimit-Bucket", bucket);
    if (n > limit) {
        rate_limited(ctx, (double)(reset - now) / 1000.0, false);
        return false;
    }
    return true;
}

bool dc_authenticate(twin_ctx *ctx, const twin_route *route)
{
    /* Counted before the token check: Discord limits (and reports limits
     * on) unauthorized requests too. */
    if (!rate_limit(ctx)) return false;
    bool webhook_token = route && str_eq(route->scope, "webhook_token");
    if (!webhook_token && !token_ok(ctx, presented_token(ctx))) {
        dc_error(ctx, 401, DC_GENERAL, "401: Unauthorized");
        return false;
    }
    if (route && ctx->body_error) {
        dc_error(ctx, 400, 50109, "The request body contains invalid JSON.");
        return false;
    }
    return true;
}
