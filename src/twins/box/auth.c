/* Box twin: bearer tokens, Box's error shape, the OAuth 2.0 token endpoint
 * (client credentials, authorization code, refresh token, JWT bearer),
 * revocation, the authorize page, and the webhook signature scheme. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "twins/box/box.h"
#include "util/base64.h"
#include "util/util.h"

#define TOKEN_TTL 3600
#define CODE_TTL 30

/* ---- errors ---- */

void bx_error(twin_ctx *ctx, int status, const char *code, const char *message, json_value *context)
{
    arena *a = ctx->a;
    char rid[17];
    random_token(rid, 16);
    str_to_lower(rid);
    json_value *b = json_object(a);
    json_set_str(a, b, "type", "error");
    json_set_int(a, b, "status", status);
    json_set_str(a, b, "code", code);
    if (context) json_set(a, b, "context_info", context);
    json_set_str(a, b, "help_url", BX_HELP_URL);
    json_set_str(a, b, "message", message);
    json_set_str(a, b, "request_id", rid);
    twin_reply_json(ctx, status, b);
}

static json_value *error_detail(arena *a, const char *reason, const char *name, const char *message)
{
    json_value *ctxinfo = json_object(a), *errs = json_array(a), *e = json_object(a);
    json_set_str(a, e, "reason", reason);
    json_set_str(a, e, "name", name);
    json_set_str(a, e, "message", message);
    json_push(errs, e);
    json_set(a, ctxinfo, "errors", errs);
    return ctxinfo;
}

void bx_not_found(twin_ctx *ctx, const char *what, const char *id)
{
    const char *msg = arena_printf(ctx->a, "Invalid value '%s'. '%s' with value '%s' not found", id, what, id);
    bx_error(ctx, 404, "not_found", "Not Found", error_detail(ctx->a, "invalid_parameter", what, msg));
}

void bx_bad_request(twin_ctx *ctx, const char *reason, const char *name, const char *message)
{
    bx_error(ctx, 400, "bad_request", "Bad Request", error_detail(ctx->a, reason, name, message));
}

void bx_missing(twin_ctx *ctx, const char *name)
{
    bx_bad_request(ctx, "missing_parameter", name, arena_printf(ctx->a, "'%s' is required", name));
}

/* Errors raised by the engine (unknown routes, faults) in Box's vocabulary. */
void bx_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (str_eq(code, "rate_limited") || status == 429) {
        bool has_retry = false;
        for (size_t i = 0; i < ctx->req->n_resp_headers; i++)
            has_retry |= str_case_eq(ctx->req->resp_headers[i].name, "Retry-After");
        if (!has_retry) http_set_header(ctx->req, "Retry-After", "1");
        return bx_error(ctx, 429, "rate_limit_exceeded", "Request rate limit exceeded, please try again later",
                        NULL);
    }
    if (str_eq(code, "not_found")) return bx_error(ctx, 404, "not_found", "Not Found", NULL);
    if (str_eq(code, "method_not_allowed")) return bx_error(ctx, 405, "method_not_allowed", "Method Not Allowed", NULL);
    if (str_eq(code, "injected_fault")) {
        switch (status) {
        case 400: code = "bad_request"; break;
        case 401: code = "unauthorized"; break;
        case 403: code = "forbidden"; break;
        case 404: code = "not_found"; break;
        case 409: code = "conflict"; break;
        case 412: code = "precondition_failed"; break;
        case 503: code = "unavailable"; break;
        default: code = status >= 500 ? "internal_server_error" : "bad_request"; break;
        }
        if (str_eq(message, "Injected fault.")) message = status >= 500 ? "Internal Server Error" : message;
    }
    bx_error(ctx, status, code, message && *message ? message : "Internal Server Error", NULL);
}

/* ---- credentials ---- */

static twin_env env_of(twin_ctx *ctx)
{
    return (twin_env){.run_id = ctx->run_id, .config = ctx->config};
}

static const char *config_or_token(twin_ctx *ctx, const char *key, const char *label)
{
    const char *v = json_get_str(ctx->config, key);
    if (v && *v) return v;
    twin_env e = env_of(ctx);
    return env_token(&e, ctx->a, label, "", 32);
}

const char *bx_developer_token(twin_ctx *ctx)
{
    return config_or_token(ctx, "developer_token", "box");
}

const char *bx_client_id(twin_ctx *ctx)
{
    return config_or_token(ctx, "client_id", "box-client-id");
}

const char *bx_client_secret(twin_ctx *ctx)
{
    return config_or_token(ctx, "client_secret", "box-client-secret");
}

const char *bx_primary_key(twin_ctx *ctx)
{
    return config_or_token(ctx, "webhook_primary_key", "box-webhook-primary");
}

const char *bx_secondary_key(twin_ctx *ctx)
{
    return config_or_token(ctx, "webhook_secondary_key", "box-webhook-secondary");
}

const char *bx_enterprise_id(twin_ctx *ctx)
{
    const char *v = json_get_str(ctx->config, "enterprise_id");
    return v && *v ? v : "1000001";
}

static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h || strncasecmp(h, "bearer ", 7) != 0) return NULL;
    const char *t = h + 7;
    while (*t == ' ') t++;
    return *t ? t : NULL;
}

/* The user a token acts as, or NULL when the token is unknown or expired. */
static const char *token_user(twin_ctx *ctx, const char *t)
{
    if (!t) return NULL;
    if (secret_eq(t, bx_developer_token(ctx))) return bx_admin_id(ctx);
    json_foreach(x, json_get(ctx->config, "tokens")) if (str_eq(json_str(x), t)) return bx_admin_id(ctx);
    json_value *rec = twin_doc_get(ctx, "_tokens", t);
    if (!rec) return NULL;
    int64_t exp = 0;
    json_int64(json_get(rec, "expires_at"), &exp);
    if (exp < twin_now(ctx)) return NULL;
    return json_get_str(rec, "user_id");
}

static void unauthorized(twin_ctx *ctx, bool presented)
{
    /* Box answers 401 with an empty body; the reason is in the header. */
    http_set_header(ctx->req, "WWW-Authenticate",
                    presented ? "Bearer realm=\"Service\", error=\"invalid_token\", error_description=\"The access "
                                "token provided is invalid.\""
                              : "Bearer realm=\"Service\", error=\"invalid_request\", error_description=\"The "
                                "access token was not found.\"");
    twin_reply_text(ctx, 401, NULL, "", 0);
}

bool bx_authenticate(twin_ctx *ctx, const twin_route *route)
{
    (void)route;
    bx_ensure(ctx);
    bx_req *r = arena_zalloc(ctx->a, sizeof *r);
    const char *t = presented_token(ctx);
    r->user_id = token_user(ctx, t);
    if (!r->user_id) {
        unauthorized(ctx, t != NULL);
        return false;
    }
    ctx->principal = r;
    /* As-User: admins, co-admins and service accounts act on behalf of a
     * regular user (not another admin). */
    const char *as = http_header_get(ctx->req, "As-User");
    if (as && *as && !str_eq(as, r->user_id)) {
        json_value *target = bx_user_get(ctx, as);
        const char *role = target ? json_get_str(target, "role") : NULL;
        if (!target || !bx_is_admin(ctx) || str_eq(role, "admin") || str_eq(role, "coadmin")) {
            bx_forbidden(ctx);
            return false;
        }
        r->user_id = arena_strdup(ctx->a, as);
    }
    if (ctx->body_error && route) {
        bx_error(ctx, 400, "bad_request", "Could not parse JSON body", NULL);
        return false;
    }
    return true;
}

/* ---- OAuth 2.0 ---- */

static void oauth_error(twin_ctx *ctx, int status, const char *error, const char *description)
{
    json_value *b = json_object(ctx->a);
    json_set_str(ctx->a, b, "error", error);
    json_set_str(ctx->a, b, "error_description", description);
    twin_reply_json(ctx, status, b);
}

static const char *issue_refresh(twin_ctx *ctx, const char *user_id)
{
    char t[65];
    random_token(t, 64);
    json_value *rec = json_object(ctx->a);
    json_set_str(ctx->a, rec, "user_id", user_id);
    json_set_str(ctx->a, rec, "client_id", bx_client_id(ctx));
    json_set_int(ctx->a, rec, "expires_at", twin_now(ctx) + 60LL * 86400);
    twin_doc_put(ctx, "_refresh", t, rec, NULL, 0);
    return arena_strdup(ctx->a, t);
}

static void issue_tokens(twin_ctx *ctx, const char *user_id, bool with_refresh)
{
    arena *a = ctx->a;
    char t[33];
    random_token(t, 32);
    const char *refresh = with_refresh ? issue_refresh(ctx, user_id) : NULL;
    json_value *rec = json_object(a);
    json_set_str(a, rec, "user_id", user_id);
    json_set_int(a, rec, "expires_at", twin_now(ctx) + TOKEN_TTL);
    if (refresh) json_set_str(a, rec, "refresh_token", refresh);
    twin_doc_put(ctx, "_tokens", t, rec, NULL, 0);
    json_value *o = json_object(a);
    json_set_str(a, o, "access_token", t);
    json_set_int(a, o, "expires_in", TOKEN_TTL);
    json_set(a, o, "restricted_to", json_array(a));
    if (refresh) json_set_str(a, o, "refresh_token", refresh);
    json_set_str(a, o, "token_type", "bearer");
    twin_reply_json(ctx, 200, o);
}

static bool client_ok(twin_ctx *ctx)
{
    const char *id = twin_arg(ctx, "client_id"), *secret = twin_arg(ctx, "client_secret");
    /* Also accepted as HTTP Basic credentials, as OAuth 2.0 allows. */
    const char *h = http_header_get(ctx->req, "Authorization");
    if ((!id || !secret) && h && strncasecmp(h, "basic ", 6) == 0) {
        char *dec = base64_decode(ctx->a, h + 6, NULL);
        char *colon = dec ? strchr(dec, ':') : NULL;
        if (colon) {
            *colon = '\0';
            id = dec;
            secret = colon + 1;
        }
    }
    return id && secret && secret_eq(id, bx_client_id(ctx)) && secret_eq(secret, bx_client_secret(ctx));
}

static void grant_client_credentials(twin_ctx *ctx)
{
    const char *type = twin_arg(ctx, "box_subject_type"), *sub = twin_arg(ctx, "box_subject_id");
    if (!type || str_eq(type, "enterprise")) {
        if (sub && !str_eq(sub, bx_enterprise_id(ctx)))
            return oauth_error(ctx, 400, "invalid_grant", "Grant credentials are invalid");
        return issue_tokens(ctx, bx_service_id(ctx), false);
    }
    if (str_eq(type, "user")) {
        if (!sub || !bx_user_get(ctx, sub)) return oauth_error(ctx, 400, "invalid_grant", "Grant credentials are invalid");
        return issue_tokens(ctx, sub, false);
    }
    oauth_error(ctx, 400, "invalid_request", "Invalid box_subject_type parameter");
}

static void grant_authorization_code(twin_ctx *ctx)
{
    const char *code = twin_arg(ctx, "code");
    json_value *rec = code && *code ? twin_doc_get(ctx, "_codes", code) : NULL;
    int64_t exp = 0;
    if (rec) json_int64(json_get(rec, "expires_at"), &exp);
    if (!rec || exp < twin_now(ctx)) {
        if (rec) twin_doc_delete(ctx, "_codes", code);
        return oauth_error(ctx, 400, "invalid_grant", rec ? "The authorization code has expired"
                                                          : "Auth code doesn't exist or is invalid for the client");
    }
    const char *redirect = twin_arg(ctx, "redirect_uri"), *want = json_get_str(rec, "redirect_uri");
    if (redirect && want && *want && !str_eq(redirect, want))
        return oauth_error(ctx, 400, "invalid_grant", "The redirect_uri does not match the authorization request");
    twin_doc_delete(ctx, "_codes", code);    /* one use only */
    issue_tokens(ctx, json_get_str(rec, "user_id"), true);
}

static void grant_refresh(twin_ctx *ctx)
{
    const char *t = twin_arg(ctx, "refresh_token");
    json_value *rec = t && *t ? twin_doc_get(ctx, "_refresh", t) : NULL;
    int64_t exp = 0;
    if (rec) json_int64(json_get(rec, "expires_at"), &exp);
    if (!rec || exp < twin_now(ctx)) return oauth_error(ctx, 400, "invalid_grant", "Invalid refresh token");
    /* Box rotates refresh tokens: the old one stops working. */
    twin_doc_delete(ctx, "_refresh", t);
    issue_tokens(ctx, json_get_str(rec, "user_id"), true);
}

/* JWT bearer grant (server authentication with a key pair).  The claims
 * are checked like Box does (iss, box_sub_type + sub, exp); the RS256
 * signature is not verified, since the twin never sees the app's public key. */
static void grant_jwt(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *assertion = twin_arg(ctx, "assertion");
    const char *dot1 = assertion ? strchr(assertion, '.') : NULL;
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    size_t n = 0;
    char *payload = dot2 ? base64_decode(a, arena_strndup(a, dot1 + 1, (size_t)(dot2 - dot1 - 1)), &n) : NULL;
    json_value *claims = payload ? json_parse(a, payload, n, NULL) : NULL;
    if (!claims || claims->type != JSON_OBJECT)
        return oauth_error(ctx, 400, "invalid_grant", "Invalid JWT assertion");
    if (!str_eq(json_get_str(claims, "iss"), twin_arg(ctx, "client_id")))
        return oauth_error(ctx, 400, "invalid_grant", "Please check the 'iss' claim.");
    int64_t exp = 0;
    /* exp is the client's clock; measured on the run's (advanced) clock
     * every fresh assertion would already have lapsed. */
    if (!json_int64(json_get(claims, "exp"), &exp) || exp < now_ms() / 1000)
        return oauth_error(ctx, 400, "invalid_grant",
                           "Current date time must be before the expiration date time listed in the 'exp' claim.");
    const char *type = json_get_str(claims, "box_sub_type"), *sub = json_get_str(claims, "sub");
    if (str_eq(type, "enterprise") && str_eq(sub, bx_enterprise_id(ctx))) return issue_tokens(ctx, bx_service_id(ctx), false);
    if (str_eq(type, "user") && bx_user_get(ctx, sub)) return issue_tokens(ctx, sub, false);
    oauth_error(ctx, 400, "invalid_grant", "Please check the 'sub' claim.");
}

void bx_oauth_token(twin_ctx *ctx)
{
    bx_ensure(ctx);
    const char *grant = twin_arg(ctx, "grant_type");
    static const char *const known[] = {"client_credentials", "authorization_code", "refresh_token",
                                        "urn:ietf:params:oauth:grant-type:jwt-bearer", NULL};
    bool ok = false;
    for (size_t i = 0; known[i]; i++) ok |= str_eq(grant, known[i]);
    if (!ok) return oauth_error(ctx, 400, "invalid_request", "Invalid grant_type parameter or parameter missing");
    if (!client_ok(ctx)) return oauth_error(ctx, 400, "invalid_client", "The client credentials are invalid");
    if (str_eq(grant, "client_credentials")) grant_client_credentials(ctx);
    else if (str_eq(grant, "authorization_code")) grant_authorization_code(ctx);
    else if (str_eq(grant, "refresh_token")) grant_refresh(ctx);
    else grant_jwt(ctx);
}

void bx_oauth_revoke(twin_ctx *ctx)
{
    if (!client_ok(ctx)) return oauth_error(ctx, 400, "invalid_client", "The client credentials are invalid");
    const char *t = twin_arg(ctx, "token");
    if (t && *t) {
        json_value *rec = twin_doc_get(ctx, "_tokens", t);
        const char *refresh = rec ? json_get_str(rec, "refresh_token") : NULL;
        if (refresh) twin_doc_delete(ctx, "_refresh", refresh);
        twin_doc_delete(ctx, "_tokens", t);
        twin_doc_delete(ctx, "_refresh", t);
    }
    twin_reply_text(ctx, 200, NULL, "", 0);
}

/* The consent screen, approved at once for the enterprise admin (or the
 * configured oauth_user_id): redirects to redirect_uri with a one-time code. */
void bx_oauth_authorize(twin_ctx *ctx)
{
    bx_ensure(ctx);
    arena *a = ctx->a;
    const char *client = bx_query(ctx, "client_id"), *redirect = bx_query(ctx, "redirect_uri");
    const char *state = bx_query(ctx, "state"), *rt = bx_query(ctx, "response_type");
    if (!client || !secret_eq(client, bx_client_id(ctx)))
        return oauth_error(ctx, 400, "invalid_client", "The client credentials are invalid");
    if (!str_eq(rt, "code")) return oauth_error(ctx, 400, "unsupported_response_type", "Invalid response type");
    if (!redirect || !*redirect) redirect = json_get_str(ctx->config, "redirect_uri");
    if (!redirect || !*redirect) return oauth_error(ctx, 400, "invalid_request", "Missing redirect_uri");
    const char *user = json_get_str(ctx->config, "oauth_user_id");
    if (!user || !bx_user_get(ctx, user)) user = bx_admin_id(ctx);
    char code[33];
    random_token(code, 32);
    json_value *rec = json_object(a);
    json_set_str(a, rec, "user_id", user);
    json_set_str(a, rec, "client_id", client);
    json_set_str(a, rec, "redirect_uri", bx_query(ctx, "redirect_uri"));
    json_set_int(a, rec, "expires_at", twin_now(ctx) + CODE_TTL);
    twin_doc_put(ctx, "_codes", code, rec, NULL, 0);
    const char *loc = arena_printf(a, "%s%scode=%s", redirect, strchr(redirect, '?') ? "&" : "?", code);
    if (state) loc = arena_printf(a, "%s&state=%s", loc, http_percent_encode(a, state, strlen(state)));
    http_set_header(ctx->req, "Location", loc);
    twin_reply_text(ctx, 302, NULL, "", 0);
}

/* ---- webhook signatures ---- */

static const char *hmac_b64(arena *a, const char *key, const char *payload, size_t len, const char *ts)
{
    /* The signed message is the body followed by the delivery timestamp. */
    unsigned char md[32];
    hmac_sha256(key, (byte_span[]){{payload, len}, {ts, strlen(ts)}}, 2, md);
    return base64_encode(a, md, sizeof md);
}

/* secret is "<primary>\n<secondary>": Box signs every delivery with both
 * keys so either can be rotated. */
const char **bx_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    const char **lines = arena_zalloc(a, 7 * sizeof *lines);
    char ts[40];
    format_iso8601(t * 1000, false, ts, sizeof ts);
    size_t n = strlen(ts);
    if (n && ts[n - 1] == 'Z') snprintf(ts + n - 1, sizeof ts - (n - 1), "+00:00");
    size_t i = 0;
    lines[i++] = arena_printf(a, "box-delivery-timestamp: %s", ts);
    lines[i++] = "box-signature-version: 1";
    lines[i++] = "box-signature-algorithm: HmacSHA256";
    const char *nl = secret ? strchr(secret, '\n') : NULL;
    char *primary = secret ? arena_strndup(a, secret, nl ? (size_t)(nl - secret) : strlen(secret)) : NULL;
    const char *secondary = nl ? nl + 1 : NULL;
    if (primary && *primary) lines[i++] = arena_printf(a, "box-signature-primary: %s", hmac_b64(a, primary, payload, len, ts));
    if (secondary && *secondary)
        lines[i++] = arena_printf(a, "box-signature-secondary: %s", hmac_b64(a, secondary, payload, len, ts));
    return lines;
}
