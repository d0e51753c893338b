/* Jira twin: Bearer (and Basic email:token) authentication, OAuth 2.0 scope
 * enforcement with Jira's parent scopes, error shape and webhook signatures. */
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "engine/scopes.h"
#include "twins/jira/jira.h"
#include "util/base64.h"
#include "util/util.h"

#define C(...) (const char *const[]){__VA_ARGS__, NULL}
static const scope_rule rules[] = {
    {"write:jira-work", C("read:jira-work")},
    {"manage:jira-project", C("read:jira-work")},
    {"manage:jira-configuration", C("read:jira-work", "manage:jira-project")},
};
#undef C
#define N_RULES (sizeof rules / sizeof rules[0])

static const char default_scopes[] =
    "read:jira-work write:jira-work read:jira-user manage:jira-project manage:jira-webhook manage:jira-configuration";

typedef struct jira_req {
    const char *account_id;
} jira_req;

/* The presented token: Bearer <t>, or the API token of Basic email:token.
 * NULL = no Authorization header; "" = malformed. */
static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h) return NULL;
    if (strncasecmp(h, "Bearer ", 7) == 0) {
        const char *t = h + 7;
        while (*t == ' ') t++;
        return t;
    }
    if (strncasecmp(h, "Basic ", 6) == 0) {
        char *out = base64_decode(ctx->a, h + 6, NULL);
        char *colon = out ? strchr(out, ':') : NULL;
        if (!colon || colon == out) return "";
        return colon + 1;
    }
    return "";
}

static const char *run_token(twin_ctx *ctx)
{
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    return env_token(&e, ctx->a, "jira", "ATATT", 40);
}

static bool token_ok(twin_ctx *ctx, const char *t)
{
    if (!t || !*t) return false;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) return false;
    if (str_eq(t, run_token(ctx))) return true;
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_str(x), t)) return true;
    /* Atlassian API tokens and OAuth 2.0 access tokens (JWTs) */
    return (str_starts_with(t, "ATATT") || str_starts_with(t, "ATCTT") || str_starts_with(t, "eyJ")) && strlen(t) > 8;
}

static scope_set *effective_scopes(twin_ctx *ctx)
{
    const json_value *cfg = json_get(ctx->config, "default_token_scopes");
    scope_set *s;
    if (cfg && cfg->type == JSON_ARRAY) s = scopes_from_json(ctx->a, cfg);
    else if (cfg && json_str(cfg)) s = scopes_parse(ctx->a, json_str(cfg));
    else s = scopes_parse(ctx->a, default_scopes);
    scopes_effective(ctx->a, s, rules, N_RULES, json_get(ctx->config, "disabled_scopes"));
    return s;
}

const char *jira_viewer(twin_ctx *ctx)
{
    jira_req *r = ctx->principal;
    return r && r->account_id ? r->account_id : JIRA_ME;
}

static void unauthenticated(twin_ctx *ctx)
{
    http_set_header(ctx->req, "WWW-Authenticate", "OAuth realm=\"https%3A%2F%2Fyour-domain.atlassian.net\"");
    jira_errors(ctx, 401, "Client must be authenticated to access this resource.");
}

/* Jira tags every answer, public ones and errors included, with a request id. */
void jira_stamp_request(twin_ctx *ctx)
{
    char id[40];
    random_token(id, 16);
    http_set_header(ctx->req, "X-Arequestid", id);
}

bool jira_authenticate(twin_ctx *ctx, const twin_route *route)
{
    jira_req *r = arena_zalloc(ctx->a, sizeof *r);
    ctx->principal = r;
    const char *tok = presented_token(ctx);
    if (!token_ok(ctx, tok)) {
        unauthenticated(ctx);
        return false;
    }
    r->account_id = JIRA_ME;
    const char *need = route ? route->scope : NULL;
    if (!need) return true;
    scope_set *s = effective_scopes(ctx);
    if (scopes_has(s, "*") || scopes_has(s, need)) return true;
    jira_errors(ctx, 403, arena_printf(ctx->a, "The user does not have permission. Missing scope: %s", need));
    return false;
}

void jira_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (str_eq(code, "not_found") && message && str_starts_with(message, "Unrecognized request URL"))
        message = "null for uri: " ;
    if (status == 429 || str_eq(code, "rate_limited")) {
        status = 429;
        if (!message || !*message || str_eq(message, "Injected fault.")) message = "Rate limit exceeded.";
    }
    if (str_eq(message, "null for uri: ")) message = arena_printf(ctx->a, "null for uri: %s%s", jira_base(ctx), ctx->req->path);
    jira_errors(ctx, status, message && *message ? message : "Internal server error");
}

/* X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, payload)> (Jira's secure admin webhooks). */
const char **jira_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    (void)t;
    const char **lines = arena_zalloc(a, 2 * sizeof *lines);
    if (!secret || !*secret) return lines;
    const char *hex = hmac_sha256_hex(a, secret, &(byte_span){payload, len}, 1);
    lines[0] = arena_printf(a, "X-Hub-Signature: sha256=%s", hex);
    return lines;
}
