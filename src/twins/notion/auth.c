/* Notion twin: bearer-token auth, Notion-Version, integration capabilities
 * (content and the three user-information levels) and Notion's error shape. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "engine/scopes.h"
#include "twins/notion/notion.h"
#include "util/util.h"

static const char default_caps[] =
    "read_content update_content insert_content read_user_information_with_email";

void nt_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    arena *a = ctx->a;
    char rid[37];
    uuid_v4(rid);
    json_value *b = json_object(a);
    json_set_str(a, b, "object", "error");
    json_set_int(a, b, "status", status);
    json_set_str(a, b, "code", code);
    json_set_str(a, b, "message", message);
    json_set_str(a, b, "request_id", rid);
    http_set_header(ctx->req, "x-request-id", rid);
    twin_reply_json(ctx, status, b);
}

void nt_invalid(twin_ctx *ctx, const char *message)
{
    nt_error(ctx, 400, "validation_error", message);
}

void nt_not_found(twin_ctx *ctx, const char *kind, const char *id)
{
    nt_error(ctx, 404, "object_not_found",
             arena_printf(ctx->a,
                          "Could not find %s with ID: %s. Make sure the relevant pages and databases are shared "
                          "with your integration.",
                          kind, id));
}

/* Engine-raised errors (unknown routes, faults) in Notion's vocabulary. */
void nt_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (str_eq(code, "not_found") || str_eq(code, "method_not_allowed")) {
        return nt_error(ctx, 400, "invalid_request_url", "Invalid request URL.");
    }
    static const char *const known[] = {"unauthorized", "restricted_resource", "object_not_found", "rate_limited",
                                        "invalid_json", "invalid_request_url", "invalid_request",
                                        "validation_error", "conflict_error", "internal_server_error",
                                        "service_unavailable", "gateway_timeout", "missing_version", NULL};
    bool is_known = false;
    for (size_t i = 0; known[i]; i++) is_known |= str_eq(known[i], code);
    if (!is_known) {
        switch (status) {
        case 400: code = "validation_error"; break;
        case 401: code = "unauthorized"; break;
        case 403: code = "restricted_resource"; break;
        case 404: code = "object_not_found"; break;
        case 409: code = "conflict_error"; break;
        case 429: code = "rate_limited"; break;
        case 503: code = "service_unavailable"; break;
        case 504: code = "gateway_timeout"; break;
        default: code = "internal_server_error"; break;
        }
    }
    if (str_eq(code, "rate_limited") && (!message || !*message || str_eq(message, "Injected fault.")))
        message = "You have been rate limited. Please try again in a few minutes.";
    nt_error(ctx, status, code, message && *message ? message : "Unexpected error occurred.");
}

static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h || strncasecmp(h, "bearer ", 7) != 0) return NULL;
    const char *t = h + 7;
    while (*t == ' ') t++;
    return t;
}

static bool token_ok(twin_ctx *ctx, const char *t)
{
    if (!t || !*t) return false;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) return false;
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (str_eq(t, env_token(&e, ctx->a, "notion", "ntn_", 46))) return true;
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_str(x), t)) return true;
    static const char *const prefixes[] = {"ntn_", "secret_", NULL};
    for (size_t i = 0; prefixes[i]; i++)
        if (str_starts_with(t, prefixes[i]) && strlen(t) > strlen(prefixes[i])) return true;
    return false;
}

static scope_set *capabilities(twin_ctx *ctx)
{
    const json_value *cfg = json_get(ctx->config, "capabilities");
    scope_set *s;
    if (cfg && cfg->type == JSON_ARRAY) s = scopes_from_json(ctx->a, cfg);
    else if (cfg && json_str(cfg)) s = scopes_parse(ctx->a, json_str(cfg));
    else s = scopes_parse(ctx->a, default_caps);
    /* The legacy name is the with-email level. */
    static const char *const legacy_children[] = {"read_user_information_with_email", NULL};
    static const scope_rule rules[] = {{"read_user_information", legacy_children}};
    scopes_effective(ctx->a, s, rules, 1, json_get(ctx->config, "disabled_capabilities"));
    return s;
}

static bool version_ok(const char *v)
{
    if (!v || strlen(v) != 10) return false;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (v[i] != '-') return false;
        } else if (v[i] < '0' || v[i] > '9') {
            return false;
        }
    }
    return true;
}

bool nt_authenticate(twin_ctx *ctx, const twin_route *route)
{
    nt_req *r = arena_zalloc(ctx->a, sizeof *r);
    ctx->principal = r;
    if (!token_ok(ctx, presented_token(ctx))) {
        nt_error(ctx, 401, "unauthorized", "API token is invalid.");
        return false;
    }
    const char *v = http_header_get(ctx->req, "Notion-Version");
    r->version = v;
    r->new_api = v && strcmp(v, "2025-09-03") >= 0;
    scope_set *caps = capabilities(ctx);
    r->user_level = scopes_has(caps, "read_user_information_with_email") ? 2
                    : scopes_has(caps, "read_user_information_no_email") ? 1
                                                                          : 0;
    if (!route) return true;    /* stubs: no further checks */
    if (!v) {
        nt_error(ctx, 400, "missing_version",
                 "Notion-Version header failed validation: Notion-Version header should be defined, instead was "
                 "`undefined`.");
        return false;
    }
    if (!version_ok(v)) {
        nt_invalid(ctx, arena_printf(ctx->a,
                                     "Notion-Version header failed validation: Notion-Version header should be a "
                                     "valid version, instead was `\"%s\"`.",
                                     v));
        return false;
    }
    if (ctx->body_error) {
        nt_error(ctx, 400, "invalid_json", "Error parsing JSON body.");
        return false;
    }
    const char *need = route->scope;
    if (!need) return true;
    bool ok = str_eq(need, "user_info") ? r->user_level > 0 : scopes_has(caps, need);
    if (!ok) {
        nt_error(ctx, 403, "restricted_resource", "Insufficient permissions for this endpoint.");
        return false;
    }
    nt_ensure_workspace(ctx);
    return true;
}

bool nt_new_api(twin_ctx *ctx)
{
    nt_req *r = ctx->principal;
    return r ? r->new_api : true;
}

int nt_user_level(twin_ctx *ctx)
{
    nt_req *r = ctx->principal;
    return r ? r->user_level : 2;
}
