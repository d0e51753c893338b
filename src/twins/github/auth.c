/* GitHub twin: token authentication, OAuth scopes, rate-limit headers,
 * error shape and webhook signatures. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "engine/ratelimit.h"
#include "engine/scopes.h"
#include "twins/github/github.h"
#include "util/base64.h"
#include "util/util.h"

#define C(...) (const char *const[]){__VA_ARGS__, NULL}
static const scope_rule rules[] = {
    {"repo", C("repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events")},
    {"admin:repo_hook", C("write:repo_hook")},
    {"write:repo_hook", C("read:repo_hook")},
    {"admin:org", C("write:org")},
    {"write:org", C("read:org")},
    {"admin:public_key", C("write:public_key")},
    {"write:public_key", C("read:public_key")},
    {"admin:gpg_key", C("write:gpg_key")},
    {"write:gpg_key", C("read:gpg_key")},
    {"admin:ssh_signing_key", C("write:ssh_signing_key")},
    {"write:ssh_signing_key", C("read:ssh_signing_key")},
    {"user", C("read:user", "user:email", "user:follow")},
    {"project", C("read:project")},
    {"write:packages", C("read:packages")},
    {"write:discussion", C("read:discussion")},
    {"codespace", C("codespace:secrets")},
    {"audit_log", C("read:audit_log")},
    {"copilot", C("manage_billing:copilot")},
    {"admin:enterprise", C("manage_runners:enterprise", "manage_billing:enterprise", "read:enterprise")},
};
#undef C
#define N_RULES (sizeof rules / sizeof rules[0])

static const char default_scopes[] =
    "repo, admin:org, user, workflow, admin:repo_hook, admin:org_hook, gist, notifications, write:packages, "
    "delete_repo, project, write:discussion";

static const char *const token_prefixes[] = {"ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_", NULL};

static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h) return NULL;
    if (strncasecmp(h, "token ", 6) == 0 || strncasecmp(h, "bearer ", 7) == 0) {
        const char *t = strchr(h, ' ');
        while (*t == ' ') t++;
        return t;
    }
    if (strncasecmp(h, "Basic ", 6) == 0) {
        /* user:token, the token is the password */
        char *out = base64_decode(ctx->a, h + 6, NULL);
        if (!out) return "";
        char *colon = strchr(out, ':');
        return colon ? colon + 1 : out;
    }
    return "";
}

static const char *run_token(twin_ctx *ctx)
{
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    return env_token(&e, ctx->a, "github", "ghp_", 36);
}

/* meta: the seed's "meta/seed" document (tokens, token_scopes, viewer), read
 * once per request by gh_authenticate; NULL when nothing was seeded. */
static bool token_ok(twin_ctx *ctx, const json_value *meta, const char *t)
{
    if (!t || !*t) return false;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) return false;
    if (str_eq(t, run_token(ctx))) return true;
    const json_value *extra = json_get(ctx->config, "tokens");
    json_foreach(x, extra) if (str_eq(json_str(x), t) || str_eq(json_get_str(x, "token"), t)) return true;
    if (json_get(json_get(meta, "tokens"), t)) return true;
    for (size_t i = 0; token_prefixes[i]; i++)
        if (str_starts_with(t, token_prefixes[i]) && strlen(t) > strlen(token_prefixes[i])) return true;
    return false;
}

/* A config `tokens` entry {token, login, scopes} for t, or NULL. */
static const json_value *token_record(twin_ctx *ctx, const char *t)
{
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_get_str(x, "token"), t)) return x;
    return NULL;
}

static scope_set *effective_scopes(twin_ctx *ctx, const json_value *meta, const char *tok)
{
    scope_set *s;
    const json_value *cfg = json_get(token_record(ctx, tok), "scopes");
    if (!cfg) cfg = json_get(ctx->config, "default_token_scopes");
    if (cfg && cfg->type == JSON_ARRAY) s = scopes_from_json(ctx->a, cfg);
    else if (cfg && json_str(cfg)) s = scopes_parse(ctx->a, json_str(cfg));
    else if (meta && json_get(meta, "token_scopes")) s = scopes_from_json(ctx->a, json_get(meta, "token_scopes"));
    else s = scopes_parse(ctx->a, default_scopes);
    scope_set *granted = scopes_parse(ctx->a, "");
    for (size_t i = 0; i < s->n; i++) scopes_add(ctx->a, granted, s->items[i]);
    scopes_effective(ctx->a, s, rules, N_RULES, json_get(ctx->config, "disabled_scopes"));
    /* X-OAuth-Scopes lists what the token was granted (not the expansion),
     * minus disabled ones. */
    scopes_disable(granted, json_get(ctx->config, "disabled_scopes"));
    gh_req *r = ctx->principal;
    r->scopes = scopes_join(ctx->a, granted, ", ");
    return s;
}

/* The required scope and every scope that grants it, GitHub's X-Accepted-OAuth-Scopes. */
static const char *accepted_scopes(arena *a, const char *scope)
{
    return scopes_join(a, scopes_ancestors(a, scope, rules, N_RULES), ", ");
}

/* GitHub's core limit: per caller kind, in windows reset on the hour.  The
 * twin counts but never refuses; X-RateLimit-Remaining bottoms out at 0. */
gh_rate gh_core_rate(twin_ctx *ctx, bool authed, bool count)
{
    const int64_t hour = 3600 * 1000, now = now_ms();
    const char *key = authed ? "authenticated" : "anonymous";
    ratelimit_window w = count ? ratelimit_hit_aligned(ctx->inst->rate_limits, "core", key, hour, now)
                               : ratelimit_peek(ctx->inst->rate_limits, "core", key, now);
    if (!w.reset_ms) w.reset_ms = now - now % hour + hour;   /* no request yet this hour */
    int64_t limit = authed ? 5000 : 60;
    return (gh_rate){.limit = limit, .used = w.count, .remaining = w.count > limit ? 0 : limit - w.count,
                     .reset = w.reset_ms / 1000};
}

static void rate_headers(twin_ctx *ctx, bool authed, bool count)
{
    gh_rate r = gh_core_rate(ctx, authed, count);
    char v[24];
    http_request *req = ctx->req;
    snprintf(v, sizeof v, "%lld", (long long)r.limit);
    http_set_header(req, "X-RateLimit-Limit", v);
    snprintf(v, sizeof v, "%lld", (long long)r.remaining);
    http_set_header(req, "X-RateLimit-Remaining", v);
    snprintf(v, sizeof v, "%lld", (long long)r.reset);
    http_set_header(req, "X-RateLimit-Reset", v);
    snprintf(v, sizeof v, "%lld", (long long)r.used);
    http_set_header(req, "X-RateLimit-Used", v);
    http_set_header(req, "X-RateLimit-Resource", "core");
}

static void stamp(twin_ctx *ctx)
{
    char id[40];
    random_token(id, 8);
    http_set_header(ctx->req, "X-GitHub-Request-Id", id);
    http_set_header(ctx->req, "X-GitHub-Media-Type", "github.v3; format=json");
    http_set_header(ctx->req, "X-GitHub-Api-Version-Selected", "2022-11-28");
}

const char *gh_viewer(twin_ctx *ctx)
{
    gh_req *r = ctx->principal;
    return r ? r->login : NULL;
}

/* Whose token it is: config `tokens` [{token, login, scopes}] and seeded users'
 * `token` name other users; every other accepted token is the viewer's. */
static const char *token_login(twin_ctx *ctx, const json_value *meta, const char *t)
{
    const char *login = json_get_str(token_record(ctx, t), "login");
    if (login && *login) return login;
    const char *seeded = json_get_str(json_get(meta, "tokens"), t);
    return seeded && *seeded ? seeded : NULL;
}

static const char *viewer_login(twin_ctx *ctx, const json_value *meta)
{
    const char *login = json_get_str(ctx->config, "login");
    if (login && *login) return login;
    login = json_get_str(meta, "viewer");
    return login && *login ? login : "octocat";
}

bool gh_authenticate(twin_ctx *ctx, const twin_route *route)
{
    gh_req *r = arena_zalloc(ctx->a, sizeof *r);
    ctx->principal = r;
    r->need = gh_route_need(route);
    stamp(ctx);
    const char *tok = presented_token(ctx);
    bool anonymous = !tok || !*tok;
    /* Asking for the rate limit status does not count against it, as on GitHub. */
    rate_headers(ctx, !anonymous, !(route && route->handler == gh_rate_limit));
    if (anonymous) {
        /* Public reads work without a token; everything else needs one. */
        bool read = str_eq(ctx->req->method, "GET") || str_eq(ctx->req->method, "HEAD");
        if (route && read && !route->scope) return true;
        gh_message(ctx, 401, "Requires authentication");
        return false;
    }
    const json_value *meta = twin_doc_get(ctx, "meta", "seed");
    if (!token_ok(ctx, meta, tok)) {
        gh_message(ctx, 401, "Bad credentials");
        return false;
    }
    scope_set *s = effective_scopes(ctx, meta, tok);
    r->login = token_login(ctx, meta, tok);
    if (!r->login) r->login = viewer_login(ctx, meta);
    if (!gh_account_get(ctx, r->login)) gh_account_create(ctx, r->login, NULL, NULL, false);
    http_set_header(ctx->req, "X-OAuth-Scopes", r->scopes);
    const char *need = route ? route->scope : NULL;
    if (!need) {
        http_set_header(ctx->req, "X-Accepted-OAuth-Scopes", "");
        return true;
    }
    http_set_header(ctx->req, "X-Accepted-OAuth-Scopes", accepted_scopes(ctx->a, need));
    if (scopes_has(s, "*") || scopes_has(s, need)) return true;
    gh_message(ctx, 403, "Resource not accessible by personal access token");
    return false;
}

static bool has_resp_header(const http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_resp_headers; i++)
        if (strcasecmp(req->resp_headers[i].name, name) == 0) return true;
    return false;
}

void gh_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (!has_resp_header(ctx->req, "X-RateLimit-Limit")) {
        const char *tok = presented_token(ctx);
        rate_headers(ctx, tok && *tok, !str_eq(ctx->req->path, "/rate_limit"));
    }
    if (str_eq(code, "not_found")) message = "Not Found";
    else if (status == 429 || str_eq(code, "rate_limited")) {
        status = status == 429 ? 429 : 403;
        message = message && *message && !str_eq(message, "Injected fault.") ? message
                  : "API rate limit exceeded for user ID 1.";
        http_set_header(ctx->req, "X-RateLimit-Remaining", "0");
    }
    gh_message(ctx, status, message && *message ? message : "Server Error");
}

/* X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, payload)>, plus the legacy SHA-1 header. */
const char **gh_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    (void)t;
    const char **lines = arena_zalloc(a, 3 * sizeof *lines);
    if (!secret || !*secret) return lines;
    const EVP_MD *mds[2] = {EVP_sha256(), EVP_sha1()};
    for (int k = 0; k < 2; k++) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        if (!HMAC(mds[k], secret, (int)strlen(secret), (const unsigned char *)payload, len, md, &md_len)) md_len = 0;
        char hex[2 * EVP_MAX_MD_SIZE + 1];
        hex_encode(md, md_len, hex);
        lines[k] = k == 0 ? arena_printf(a, "X-Hub-Signature-256: sha256=%s", hex)
                          : arena_printf(a, "X-Hub-Signature: sha1=%s", hex);
    }
    return lines;
}
