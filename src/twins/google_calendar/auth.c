/* Google Calendar twin: OAuth bearer tokens, scopes and Google's error shape.
 *
 * Any bearer token is accepted (config `strict_tokens: true` limits them to
 * the run's GOOGLE_ACCESS_TOKEN and the keys of config `tokens`).  Scopes
 * come from config `tokens.<token>` (array), else `token_scopes`, else the
 * full calendar scope; short names ("calendar.readonly") mean
 * https://www.googleapis.com/auth/<name>.  Parent scopes grant their
 * children; `disabled_scopes` removes scopes after expansion.  Each route
 * names a group whose accepted scopes are those of the discovery document. */
#include <string.h>

#include "engine/env.h"
#include "engine/scopes.h"
#include "twins/google_calendar/gcal.h"
#include "util/util.h"

#define S "https://www.googleapis.com/auth/calendar"
#define C(...) (const char *const[]){__VA_ARGS__, NULL}
static const scope_rule rules[] = {
    {S, C(S ".readonly", S ".events", S ".calendars", S ".acls", S ".calendarlist", S ".settings.readonly",
          S ".freebusy", S ".app.created")},
    {S ".readonly", C(S ".events.readonly", S ".calendars.readonly", S ".acls.readonly", S ".calendarlist.readonly",
                      S ".settings.readonly", S ".freebusy")},
    {S ".events", C(S ".events.readonly", S ".events.owned")},
    {S ".events.readonly", C(S ".events.owned.readonly", S ".events.freebusy", S ".events.public.readonly")},
    {S ".events.owned", C(S ".events.owned.readonly")},
    {S ".calendars", C(S ".calendars.readonly")},
    {S ".acls", C(S ".acls.readonly")},
    {S ".calendarlist", C(S ".calendarlist.readonly")},
};
#define N_RULES (sizeof rules / sizeof rules[0])

typedef struct group {
    const char *name;
    const char *const *accepted;
} group;

static const group groups[] = {
    {"acl.write", C(S, S ".acls")},
    {"acl.read", C(S, S ".acls", S ".acls.readonly", S ".readonly")},
    {"acl.list", C(S, S ".acls", S ".acls.readonly")},
    {"cl.write", C(S, S ".app.created", S ".calendarlist")},
    {"cl.insert", C(S, S ".calendarlist")},
    {"cl.read", C(S, S ".app.created", S ".calendarlist", S ".calendarlist.readonly", S ".readonly")},
    {"cal.clear", C(S, S ".calendars")},
    {"cal.write", C(S, S ".app.created", S ".calendars")},
    {"cal.read", C(S, S ".app.created", S ".calendars", S ".calendars.readonly", S ".readonly")},
    {"colors", C(S, S ".app.created", S ".calendarlist", S ".calendarlist.readonly", S ".events.freebusy",
                 S ".events.owned", S ".events.owned.readonly", S ".events.public.readonly", S ".readonly")},
    {"ev.write", C(S, S ".app.created", S ".events", S ".events.owned")},
    {"ev.move", C(S, S ".events", S ".events.owned")},
    {"ev.read", C(S, S ".app.created", S ".events", S ".events.freebusy", S ".events.owned", S ".events.owned.readonly",
                  S ".events.public.readonly", S ".events.readonly", S ".readonly")},
    {"freebusy", C(S, S ".events.freebusy", S ".freebusy", S ".readonly")},
    {"settings", C(S, S ".readonly", S ".settings.readonly")},
    {"stop", C(S, S ".acls", S ".acls.readonly", S ".app.created", S ".calendarlist", S ".calendarlist.readonly",
               S ".events", S ".events.freebusy", S ".events.owned", S ".events.owned.readonly",
               S ".events.public.readonly", S ".events.readonly", S ".readonly", S ".settings.readonly")},
};
#undef C

static const char *full_scope(arena *a, const char *s)
{
    if (str_starts_with(s, "https://")) return s;
    return arena_printf(a, GOOGLE_SCOPE_PREFIX "%s", s);
}

static void add_scopes(arena *a, scope_set *set, const json_value *v)
{
    if (v && v->type == JSON_STRING) {
        scope_set *p = scopes_parse(a, v->str);
        for (size_t i = 0; i < p->n; i++) scopes_add(a, set, full_scope(a, p->items[i]));
        return;
    }
    json_foreach(x, v) if (json_str(x)) scopes_add(a, set, full_scope(a, x->str));
}

const google_api gc_api = {.service = "calendar-json.googleapis.com", .scope = S, .status_names = true,
                           .page_size_clamps = true, .fields = &gc_fields};

static bool token_ok(twin_ctx *ctx, const char *t)
{
    if (!google_token_well_formed(t)) return false;
    if (!json_truthy(json_get(ctx->config, "strict_tokens"))) return true;
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (str_eq(t, env_token(&e, ctx->a, "google", "ya29.", 40))) return true;
    return json_get(json_get(ctx->config, "tokens"), t) != NULL;
}

void gc_error_at(twin_ctx *ctx, int status, const char *domain, const char *reason, const char *message,
                 const char *location, const char *location_type)
{
    google_reply_error(ctx, &gc_api, &(google_error){.code = status, .domain = domain, .reason = reason,
                                                     .message = message, .location = location,
                                                     .location_type = location_type});
}

void gc_error(twin_ctx *ctx, int status, const char *domain, const char *reason, const char *message)
{
    gc_error_at(ctx, status, domain, reason, message, NULL, NULL);
}

void gc_not_found(twin_ctx *ctx)
{
    gc_error(ctx, 404, "global", "notFound", "Not Found");
}

void gc_bad_request(twin_ctx *ctx, const char *message)
{
    gc_error(ctx, 400, "global", "badRequest", message ? message : "Bad Request");
}

void gc_invalid(twin_ctx *ctx, const char *message)
{
    gc_error(ctx, 400, "global", "invalid", message ? message : "Invalid Value");
}

void gc_required(twin_ctx *ctx, const char *message)
{
    gc_error(ctx, 400, "global", "required", message ? message : "Required");
}

void gc_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (!message || !*message || str_eq(message, "Injected fault.")) message = NULL;
    if (status == 429 || str_eq(code, "rate_limited")) {
        gc_error(ctx, status == 429 ? 429 : 403, "usageLimits", "rateLimitExceeded",
                 message ? message : "Rate Limit Exceeded");
    } else if (status == 404 || str_eq(code, "not_found")) {
        gc_error(ctx, 404, "global", "notFound", message ? message : "Not Found");
    } else if (status == 401) {
        gc_error_at(ctx, 401, "global", "authError", message ? message : "Invalid Credentials", "Authorization",
                    "header");
    } else if (status == 403) {
        gc_error(ctx, 403, "global", "forbidden", message ? message : "Forbidden");
    } else if (status == 503) {
        gc_error(ctx, 503, "global", "backendError", message ? message : "Backend Error");
    } else if (status >= 500) {
        gc_error(ctx, status, "global", "backendError", message ? message : "Backend Error");
    } else if (status == 409) {
        gc_error(ctx, 409, "global", "duplicate", message ? message : "The requested identifier already exists.");
    } else {
        gc_error(ctx, status, "global", code && *code ? code : "badRequest", message ? message : "Bad Request");
    }
}

static bool scopes_ok(twin_ctx *ctx, const twin_route *route, const char *tok);

bool gc_authenticate(twin_ctx *ctx, const twin_route *route)
{
    const char *tok = google_bearer_token(ctx, &gc_api);
    if (!tok) return false;
    if (!token_ok(ctx, tok)) {
        google_reply_invalid_credentials(ctx, &gc_api);
        return false;
    }
    return scopes_ok(ctx, route, tok) && google_check_fields(ctx, &gc_api, route);
}

static bool scopes_ok(twin_ctx *ctx, const twin_route *route, const char *tok)
{
    arena *a = ctx->a;
    const char *need = route ? route->scope : NULL;
    if (!need) return true;
    scope_set *s = scopes_parse(a, "");
    const json_value *per = json_get(json_get(ctx->config, "tokens"), tok);
    const json_value *cfg = json_get(ctx->config, "token_scopes");
    if (per && (per->type == JSON_ARRAY || per->type == JSON_STRING)) add_scopes(a, s, per);
    else if (cfg) add_scopes(a, s, cfg);
    else scopes_add(a, s, S);
    scope_set *dis = scopes_parse(a, "");
    add_scopes(a, dis, json_get(ctx->config, "disabled_scopes"));
    scopes_effective(a, s, rules, N_RULES, scopes_to_json(a, dis));
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        if (!str_eq(groups[g].name, need)) continue;
        if (scopes_has(s, "*") || scopes_has_any(s, groups[g].accepted)) return true;
        google_reply_insufficient_scopes(ctx, &gc_api);
        return false;
    }
    return true;
}
#undef S
