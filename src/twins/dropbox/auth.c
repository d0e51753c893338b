/* Dropbox twin: bearer-token auth with scopes, route arguments (JSON body or
 * Dropbox-API-Arg header) and Dropbox's error shapes: 409 route errors
 * {"error_summary", "error": {".tag": …}}, 401 auth errors, and the plain
 * text 400s the real service gives for malformed input. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "engine/scopes.h"
#include "http/form.h"
#include "twins/dropbox/dropbox.h"
#include "util/util.h"

/* Routes whose arguments travel in the Dropbox-API-Arg header (content host). */
static const char *const content_routes[] = {
    "files/upload", "files/download", "files/upload_session/start", "files/upload_session/append",
    "files/upload_session/append_v2", "files/upload_session/finish", "files/export", "sharing/get_shared_link_file",
    NULL};

/* Content-download routes: their bodies are empty, so no Content-Type is checked. */
static bool is_download_route(twin_ctx *ctx)
{
    const char *name = dbx_route_name(ctx);
    return str_eq(name, "files/download") || str_eq(name, "files/export") || str_eq(name, "sharing/get_shared_link_file");
}

/* The matched template, not the raw path: the router matches decoded
 * segments, so "/2/files/down%6Coad" is files/download too. */
const char *dbx_route_name(twin_ctx *ctx)
{
    const char *p = ctx->match.template_path ? ctx->match.template_path : ctx->req->path;
    return str_starts_with(p, "/2/") ? p + 3 : p;
}

static bool is_content_route(twin_ctx *ctx)
{
    const char *name = dbx_route_name(ctx);
    for (size_t i = 0; content_routes[i]; i++)
        if (str_eq(name, content_routes[i])) return true;
    return false;
}

json_value *dbx_tag(arena *a, const char *tag)
{
    json_value *o = json_object(a);
    json_set_str(a, o, ".tag", tag);
    return o;
}

json_value *dbx_tag_with(arena *a, const char *tag, json_value *inner)
{
    json_value *o = dbx_tag(a, tag);
    json_set(a, o, tag, inner);
    return o;
}

void dbx_reply(twin_ctx *ctx, json_value *body)
{
    twin_reply_json(ctx, 200, body);
}

void dbx_reply_null(twin_ctx *ctx)
{
    twin_reply_text(ctx, 200, "application/json", "null", 4);
}

void dbx_bad_request(twin_ctx *ctx, const char *message)
{
    const char *text = arena_printf(ctx->a, "Error in call to API function \"%s\": %s", dbx_route_name(ctx), message);
    twin_reply_text(ctx, 400, "text/plain; charset=utf-8", text, strlen(text));
}

static void send_summary_error(twin_ctx *ctx, int status, const char *summary, json_value *err)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "error_summary", arena_printf(a, "%s/..", summary));
    json_set(a, o, "error", err);
    twin_reply_json(ctx, status, o);
}

void dbx_route_error(twin_ctx *ctx, const char *summary, json_value *err)
{
    send_summary_error(ctx, 409, summary, err);
}

void dbx_lookup_error(twin_ctx *ctx, const char *outer, const char *reason)
{
    arena *a = ctx->a;
    dbx_route_error(ctx, arena_printf(a, "%s/%s", outer, reason), dbx_tag_with(a, outer, dbx_tag(a, reason)));
}

void dbx_conflict_error(twin_ctx *ctx, const char *outer, const char *kind)
{
    arena *a = ctx->a;
    json_value *conflict = dbx_tag_with(a, "conflict", dbx_tag(a, kind));
    dbx_route_error(ctx, arena_printf(a, "%s/conflict/%s", outer, kind), dbx_tag_with(a, outer, conflict));
}

static void auth_error(twin_ctx *ctx, const char *tag, json_value *err)
{
    send_summary_error(ctx, 401, tag, err ? err : dbx_tag(ctx->a, tag));
}

/* Engine-raised errors (unknown routes, injected faults) in Dropbox's shapes. */
void dbx_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    arena *a = ctx->a;
    if (status == 404 && (str_eq(code, "not_found") || str_eq(code, "method_not_allowed"))) {
        const char *text = arena_printf(a, "Unknown API function: \"%s\"", dbx_route_name(ctx));
        return twin_reply_text(ctx, 404, "text/plain; charset=utf-8", text, strlen(text));
    }
    if (status == 429) {
        /* RateLimitError: {"reason": {".tag": "too_many_requests"}, "retry_after": s}. */
        const char *reason = str_eq(code, "too_many_write_operations") ? code : "too_many_requests";
        json_value *err = json_object(a);
        json_set(a, err, "reason", dbx_tag(a, reason));
        const char *ra = NULL;
        for (size_t i = 0; i < ctx->req->n_resp_headers; i++)
            if (strcasecmp(ctx->req->resp_headers[i].name, "Retry-After") == 0) ra = ctx->req->resp_headers[i].value;
        int64_t secs = ra ? strtoll(ra, NULL, 10) : 1;
        if (!ra) http_set_header(ctx->req, "Retry-After", "1");
        json_set_int(a, err, "retry_after", secs > 0 ? secs : 1);
        return send_summary_error(ctx, 429, reason, err);
    }
    if (status == 401) return auth_error(ctx, str_eq(code, "unauthorized") ? "invalid_access_token" : code, NULL);
    if (status == 409 || status == 403) {
        const char *tag = code && *code && !str_eq(code, "injected_fault") ? code : "other";
        return send_summary_error(ctx, status, tag, dbx_tag(a, tag));
    }
    /* 400 and 5xx answers of the real service are plain text. */
    const char *text = message && *message ? message : http_status_text(status);
    if (status == 400) return dbx_bad_request(ctx, text);
    twin_reply_text(ctx, status, "text/plain; charset=utf-8", text, strlen(text));
}

/* The bearer token, from the header or the `authorization` URL parameter
 * (download links).  Dropbox answers a missing or non-Bearer value with a
 * plain-text 400, not the JSON 401 it gives unknown tokens; *bad_request
 * is set after answering that way. */
static const char *presented_token(twin_ctx *ctx, bool *bad_request)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    const char *where = "HTTP header \"Authorization\"";
    if (!h && (h = http_query_get(ctx->req, "authorization"))) where = "URL parameter \"authorization\"";
    *bad_request = true;
    if (!h) {
        dbx_bad_request(ctx, "Must provide HTTP header \"Authorization\" or URL parameter \"authorization\".");
        return NULL;
    }
    const char *t = strncasecmp(h, "bearer ", 7) == 0 ? h + 7 : NULL;
    while (t && *t == ' ') t++;
    if (!t || !*t) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "Invalid authorization value in %s: \"%s\".  Expecting \"Bearer "
                                                  "<oauth2-access-token>\".", where, h));
        return NULL;
    }
    *bad_request = false;
    return t;
}

static bool listed(const json_value *list, const char *t)
{
    json_foreach(x, list) if (str_eq(json_str(x), t)) return true;
    return false;
}

static bool token_valid(twin_ctx *ctx, const char *t)
{
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    if (str_eq(t, env_token(&e, ctx->a, "dropbox", "sl.", 60))) return true;
    return listed(json_get(ctx->config, "tokens"), t);
}

static bool token_revoked(twin_ctx *ctx, const char *t)
{
    return listed(json_get(twin_doc_get(ctx, "meta", "revoked"), "tokens"), t);
}

/* Dropbox's scopes: write grants read, content grants metadata. */
static scope_set *granted_scopes(twin_ctx *ctx)
{
    const json_value *cfg = json_get(ctx->config, "scopes");
    if (!cfg) return NULL;      /* no scopes configured: every route is allowed */
    scope_set *s = cfg->type == JSON_ARRAY ? scopes_from_json(ctx->a, cfg) : scopes_parse(ctx->a, json_str(cfg));
    static const char *const content_write[] = {"files.content.read", "files.metadata.write", NULL};
    static const char *const content_read[] = {"files.metadata.read", NULL};
    static const char *const metadata_write[] = {"files.metadata.read", NULL};
    static const char *const sharing_write[] = {"sharing.read", NULL};
    static const scope_rule rules[] = {{"files.content.write", content_write},
                                       {"files.content.read", content_read},
                                       {"files.metadata.write", metadata_write},
                                       {"sharing.write", sharing_write}};
    scopes_effective(ctx->a, s, rules, sizeof rules / sizeof rules[0], json_get(ctx->config, "disabled_scopes"));
    return s;
}

/* Stone's check of a NamespaceId (pattern "[-_0-9a-zA-Z:]+"). */
static bool valid_namespace_id(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != ':') return false;
    return true;
}

static void path_root_bad_request(twin_ctx *ctx, const char *message)
{
    dbx_bad_request(ctx, arena_printf(ctx->a, "Dropbox-API-Path-Root: %s", message));
}

/* 422 {"error_summary": "…/..", "error": PathRootError}: the SDKs' PathRootError. */
static void path_root_error(twin_ctx *ctx, const char *tag, json_value *err)
{
    send_summary_error(ctx, 422, tag, err);
}

/* The Dropbox-API-Path-Root header (common.PathRoot): "home", the user's
 * root namespace (checked: invalid_root carries the current RootInfo) or a
 * namespace the user can reach (no_permission otherwise).  The twin's
 * account has one namespace, both its root and its home, so every valid
 * header roots calls where they already are.  False after answering. */
static bool check_path_root(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Dropbox-API-Path-Root");
    if (!h) return true;
    arena *a = ctx->a;
    json_value *v = json_parse(a, h, strlen(h), NULL);
    if (!v) {
        path_root_bad_request(ctx, "could not decode input as JSON");
        return false;
    }
    if (v->type != JSON_STRING && v->type != JSON_OBJECT) {
        const char *got = v->type == JSON_ARRAY ? "list" : v->type == JSON_NUMBER ? "number" : v->type == JSON_NULL ? "null"
                                                                                                                  : "boolean";
        path_root_bad_request(ctx, arena_printf(a, "expected object, got %s", got));
        return false;
    }
    /* A Void member may be given as its bare name (the JSON string "home"). */
    const char *tag = v->type == JSON_STRING ? v->str : json_get_str(v, ".tag");
    if (!tag) {
        path_root_bad_request(ctx, "missing '.tag' key");
        return false;
    }
    if (str_eq(tag, "home")) return true;
    if (!str_eq(tag, "root") && !str_eq(tag, "namespace_id")) {
        path_root_bad_request(ctx, arena_printf(a, "unknown tag '%s'", tag));
        return false;
    }
    if (v->type == JSON_STRING) {
        path_root_bad_request(ctx, arena_printf(a, "tag '%s' must be given as an object with its value", tag));
        return false;
    }
    json_value *nsv = json_get(v, tag);
    if (!nsv || nsv->type == JSON_NULL) {
        path_root_bad_request(ctx, arena_printf(a, "missing required field '%s'", tag));
        return false;
    }
    const char *ns = json_str(nsv);
    if (!valid_namespace_id(ns)) {
        path_root_bad_request(ctx, ns ? arena_printf(a, "%s: '%s' did not match pattern '[-_0-9a-zA-Z:]+'", tag, ns)
                                      : arena_printf(a, "%s: expected string", tag));
        return false;
    }
    json_value *acct = dbx_account(ctx);
    const char *mine = json_get_str(acct, "namespace_id");
    if (str_eq(ns, mine)) return true;
    if (str_eq(tag, "namespace_id")) {
        path_root_error(ctx, "no_permission", dbx_tag(a, "no_permission"));
        return false;
    }
    json_value *info = dbx_tag(a, "user");
    json_set_str(a, info, "root_namespace_id", mine);
    json_set_str(a, info, "home_namespace_id", mine);
    path_root_error(ctx, "invalid_root", dbx_tag_with(a, "invalid_root", info));
    return false;
}

/* Dropbox-API-Select-User / -Select-Admin (or the select_user / select_admin
 * URL parameters) pick a team member for a team token.  The twin's tokens
 * are user tokens (it has no team-token model), and Dropbox answers a user
 * token that sends either with a plain-text 400. */
static bool check_select_headers(twin_ctx *ctx)
{
    static const struct {
        const char *header, *param, *what;
    } selects[] = {{"Dropbox-API-Select-User", "select_user", "user"},
                   {"Dropbox-API-Select-Admin", "select_admin", "admin"}};
    for (size_t i = 0; i < sizeof selects / sizeof selects[0]; i++) {
        if (!http_header_get(ctx->req, selects[i].header) && !http_query_get(ctx->req, selects[i].param)) continue;
        dbx_bad_request(ctx, arena_printf(ctx->a, "Unexpected select %s header. Your app does not have permission to "
                                                  "use this feature", selects[i].what));
        return false;
    }
    return true;
}

bool dbx_authenticate(twin_ctx *ctx, const twin_route *route)
{
    bool bad_request;
    const char *t = presented_token(ctx, &bad_request);
    if (bad_request) return false;
    if (token_revoked(ctx, t) || !token_valid(ctx, t)) {
        if (listed(json_get(ctx->config, "expired_tokens"), t)) {
            auth_error(ctx, "expired_access_token", NULL);
            return false;
        }
        auth_error(ctx, "invalid_access_token", NULL);
        return false;
    }
    dbx_req *r = arena_zalloc(ctx->a, sizeof *r);
    r->token = t;
    r->shares = -1;
    ctx->principal = r;
    if (!check_select_headers(ctx) || !check_path_root(ctx)) return false;
    if (!route || !route->scope) return true;
    scope_set *granted = granted_scopes(ctx);
    if (granted && !scopes_has(granted, route->scope)) {
        json_value *err = dbx_tag(ctx->a, "missing_scope");
        json_set_str(ctx->a, err, "required_scope", route->scope);
        auth_error(ctx, "missing_scope", err);
        return false;
    }
    return true;
}

static json_value *content_args(twin_ctx *ctx)
{
    const char *ct = http_header_get(ctx->req, "Content-Type");
    bool upload = !is_download_route(ctx);
    if (upload && ct && !media_type_is(ct, "application/octet-stream") && !str_starts_with(ct, "text/plain; charset=dropbox-cors-hack")) {
        const char *text = arena_printf(ctx->a,
                                        "Bad HTTP \"Content-Type\" header: \"%s\".  Expecting one of "
                                        "\"application/octet-stream\", \"text/plain; charset=dropbox-cors-hack\".",
                                        ct);
        twin_reply_text(ctx, 400, "text/plain; charset=utf-8", text, strlen(text));
        return NULL;
    }
    /* The URL parameter is parsed with its length: "%00" inside it is not
     * JSON, so it must fail the parse, not end the text early. */
    const char *where = "HTTP header \"Dropbox-API-Arg\"";
    byte_span arg = {0};
    if ((arg.p = http_header_get(ctx->req, "Dropbox-API-Arg"))) arg.n = strlen(arg.p);
    else if (http_query_span(ctx->req, "arg", &arg)) where = "URL parameter \"arg\"";
    else {
        dbx_bad_request(ctx, "Must provide HTTP header \"Dropbox-API-Arg\" or URL parameter \"arg\".");
        return NULL;
    }
    json_value *v = json_parse(ctx->a, arg.p, arg.n, NULL);
    if (!v) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "%s: could not decode input as JSON", where));
        return NULL;
    }
    return v;
}

json_value *dbx_args(twin_ctx *ctx)
{
    json_value *v;
    if (is_content_route(ctx)) {
        v = content_args(ctx);
        if (!v) return NULL;
    } else {
        const char *ct = http_header_get(ctx->req, "Content-Type");
        if (ctx->req->body_len && ct && !media_type_is(ct, "application/json") &&
            !str_starts_with(ct, "text/plain; charset=dropbox-cors-hack")) {
            const char *text = arena_printf(ctx->a,
                                            "Bad HTTP \"Content-Type\" header: \"%s\".  Expecting one of "
                                            "\"application/json\", \"application/json; charset=utf-8\", "
                                            "\"text/plain; charset=dropbox-cors-hack\".",
                                            ct);
            twin_reply_text(ctx, 400, "text/plain; charset=utf-8", text, strlen(text));
            return NULL;
        }
        if (ctx->body_error) {
            dbx_bad_request(ctx, "request body: could not decode input as JSON");
            return NULL;
        }
        v = ctx->body;
    }
    if (!v || v->type == JSON_NULL) return json_object(ctx->a);
    if (v->type != JSON_OBJECT) {
        dbx_bad_request(ctx, "request body: expected an object");
        return NULL;
    }
    return v;
}

const char *dbx_req_str(twin_ctx *ctx, const json_value *args, const char *field)
{
    json_value *v = json_get(args, field);
    if (!v || v->type == JSON_NULL) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: missing required field '%s'", field));
        return NULL;
    }
    if (v->type != JSON_STRING) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: expected string, got %s", field,
                                          v->type == JSON_OBJECT ? "object" : v->type == JSON_ARRAY ? "list"
                                                                                                       : "number"));
        return NULL;
    }
    return v->str;
}

bool dbx_opt_bool(const json_value *args, const char *field, bool fallback)
{
    json_value *v = json_get(args, field);
    return json_is_bool(v) ? json_truthy(v) : fallback;
}
