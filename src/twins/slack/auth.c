/* Slack twin: tokens, scope enforcement, answers, OAuth v2, workspace settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/ratelimit.h"
#include "twins/slack/slack.h"
#include "util/base64.h"
#include "util/util.h"

/* Broad default grants of the config's bot and user tokens. */
static const char default_bot_scopes[] =
    "channels:history,channels:join,channels:manage,channels:read,chat:write,files:read,"
    "files:write,groups:history,groups:read,groups:write,im:history,im:read,im:write,mpim:history,mpim:read,"
    "mpim:write,pins:read,pins:write,reactions:read,reactions:write,search:read,team:read,users:read,"
    "users:read.email,users:write,emoji:read,bookmarks:read,bookmarks:write,usergroups:read,usergroups:write,dnd:read";
static const char default_user_scopes[] =
    "channels:history,channels:join,channels:manage,channels:read,channels:write,chat:write,files:read,files:write,"
    "groups:history,groups:read,groups:write,im:history,im:read,im:write,mpim:history,mpim:read,mpim:write,"
    "pins:read,pins:write,reactions:read,reactions:write,search:read,team:read,users:read,users:read.email,"
    "users:write,users.profile:read,users.profile:write,bookmarks:read,bookmarks:write,usergroups:read,usergroups:write,emoji:read,reminders:read,reminders:write,dnd:read,dnd:write,stars:read";
/* What tokens issued through OAuth get (the documented twin defaults). */
static const char default_oauth_bot_scopes[] =
    "channels:history,channels:manage,channels:read,chat:write,files:read,files:write,reactions:write,"
    "search:read,team:read,users:read";
static const char default_oauth_user_scopes[] = "search:read,channels:read,channels:history,groups:history,im:history";

/* ---- answers ---- */

json_value *slack_ok(twin_ctx *ctx)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", true);
    return o;
}

/* Slack reports most errors with HTTP 200, so the status cannot tell the
 * engine that a request failed; the body's "ok": false does, and then the
 * handler's writes roll back as for an error status (engine/twin.h). */
void slack_answer(twin_ctx *ctx, int status, json_value *body)
{
    json_value *ok = json_get(body, "ok");
    if (json_is_bool(ok) && !json_truthy(ok)) twin_answer_failed(ctx);
    twin_reply_json(ctx, status, body);
}

void slack_reply(twin_ctx *ctx, json_value *body)
{
    slack_answer(ctx, 200, body);
}

void slack_fail(twin_ctx *ctx, const char *error)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", false);
    json_set_str(ctx->a, o, "error", error);
    slack_answer(ctx, 200, o);
}

/* Slack answers {"ok": false, "error": "<code>"} with HTTP 200 for Web API
 * errors; an unknown method under /api/ is "unknown_method".  Paths outside
 * the Web API are plain 404s.  Rate limits keep their 429. */
void slack_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    (void)message;
    bool web_api = strncmp(ctx->req->path, "/api/", 5) == 0;
    bool unknown = status == 404 || status == 405;
    json_value *body = json_object(ctx->a);
    json_set_bool(ctx->a, body, "ok", false);
    const char *err = unknown ? (web_api ? "unknown_method" : "not_found") : code;
    if (str_eq(err, "rate_limited")) err = "ratelimited";
    json_set_str(ctx->a, body, "error", err);
    if (unknown && web_api) json_set_str(ctx->a, body, "req_method", ctx->req->path + 5);
    slack_answer(ctx, unknown ? (web_api ? 200 : 404) : status, body);
}

const char *slack_need(twin_ctx *ctx, const char *name, const char *error)
{
    const char *v = twin_arg(ctx, name);
    if (v && *v) return v;
    slack_fail(ctx, error);
    return NULL;
}

int64_t slack_int_arg(twin_ctx *ctx, const char *name, int64_t dflt)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return dflt;
    int64_t n;
    if (json_int64(v, &n)) return n;
    const char *s = json_str(v);
    if (s && *s) {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (!*end) return x;
    }
    return dflt;
}

bool slack_bool_arg(twin_ctx *ctx, const char *name, bool dflt)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return dflt;
    if (json_is_bool(v)) return json_truthy(v);
    const char *s = json_str(v);
    if (!s) return dflt;
    return str_eq(s, "true") || str_eq(s, "1");
}

json_value *slack_json_arg(twin_ctx *ctx, const char *name)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return NULL;
    if (v->type == JSON_STRING) {
        json_error err;
        json_value *p = json_parse(ctx->a, v->str, v->len, &err);
        return p;
    }
    return v;
}

const char *slack_cursor_encode(arena *a, const char *id)
{
    const char *raw = arena_printf(a, "next_id:%s", id);
    return base64_encode(a, raw, strlen(raw));
}

const char *slack_cursor_decode(arena *a, const char *cursor)
{
    size_t n = 0;
    char *raw = base64_decode(a, cursor, &n);
    if (!raw || n < 8 || memcmp(raw, "next_id:", 8) != 0) return NULL;
    return arena_strndup(a, raw + 8, n - 8);
}

/* ---- settings ---- */

static const char *const setting_keys[] = {"tier", "free_max_file_bytes", "paid_max_file_bytes", "max_file_bytes",
                                           "file_uploads_enabled", "max_storage_bytes", "storage_used_bytes",
                                           NULL};

json_value *slack_settings(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *s = json_object(a);
    json_set_str(a, s, "tier", "free");
    json_set_int(a, s, "free_max_file_bytes", SLACK_GIB);
    json_set_int(a, s, "paid_max_file_bytes", SLACK_GIB);
    json_set_bool(a, s, "file_uploads_enabled", true);
    json_set_null(a, s, "max_storage_bytes");
    json_set_int(a, s, "storage_used_bytes", 0);
    json_set_int(a, s, "uploaded_bytes", 0);
    for (size_t i = 0; setting_keys[i]; i++) {
        json_value *v = json_get(ctx->config, setting_keys[i]);
        if (v) json_set(a, s, setting_keys[i], json_clone(a, v));
    }
    json_value *doc = twin_doc_get(ctx, "_settings", "workspace");
    json_foreach(m, doc) json_set(a, s, m->key, json_clone(a, m));
    return s;
}

void slack_settings_save(twin_ctx *ctx, const json_value *s)
{
    twin_doc_put(ctx, "_settings", "workspace", s, NULL, 0);
}

int64_t slack_setting_int(twin_ctx *ctx, const json_value *s, const char *key, int64_t dflt)
{
    (void)ctx;
    int64_t n;
    json_value *v = json_get(s, key);
    if (v && json_int64(v, &n)) return n;
    if (v && json_str(v)) return strtoll(v->str, NULL, 10);
    return dflt;
}

const char *slack_team_name(twin_ctx *ctx)
{
    const char *n = json_get_str(ctx->config, "team_name");
    return n ? n : "Default Workspace";
}

const char *slack_team_domain(twin_ctx *ctx)
{
    const char *n = json_get_str(ctx->config, "team_domain");
    return n ? n : "slack-twin";
}

/* ---- workspace ---- */

void slack_ensure_workspace(twin_ctx *ctx)
{
    slack_messages_reindex(ctx);
    slack_events_start(ctx);
    if (twin_doc_get(ctx, "users", SLACK_BOT_USER)) return;
    json_value *bot = slack_user_skeleton(ctx, SLACK_BOT_USER, "slack-twin-bot", "Slack Twin Bot", true);
    slack_user_save(ctx, bot);
    json_value *usr = slack_user_skeleton(ctx, SLACK_HUMAN_USER, "slack-twin-user", "Slack Twin User", false);
    json_set_bool(ctx->a, usr, "is_admin", true);
    json_set_bool(ctx->a, usr, "is_owner", true);
    json_set_bool(ctx->a, usr, "is_primary_owner", true);
    json_set_str(ctx->a, json_get(usr, "profile"), "email", "slack-twin-user@example.com");
    slack_user_save(ctx, usr);
    json_value *general = slack_channel_new(ctx, "general", false, SLACK_HUMAN_USER);
    json_set_str(ctx->a, general, "id", "CTWINGEN001");
    json_set_bool(ctx->a, general, "is_general", true);
    slack_add_member(ctx, general, SLACK_BOT_USER);
    slack_channel_save(ctx, general);
}

/* ---- tokens ---- */

scope_set *slack_config_scopes(twin_ctx *ctx, const char *key, const char *defaults)
{
    json_value *v = json_get(ctx->config, key);
    if (v && v->type == JSON_ARRAY) return scopes_from_json(ctx->a, v);
    if (v && json_str(v)) return scopes_parse(ctx->a, v->str);
    json_value *s = twin_doc_get(ctx, "_settings", "workspace");
    v = json_get(s, key);
    if (v && v->type == JSON_ARRAY) return scopes_from_json(ctx->a, v);
    return scopes_parse(ctx->a, defaults);
}

static const char *config_str(twin_ctx *ctx, const char *key, const char *dflt)
{
    const char *v = json_get_str(ctx->config, key);
    return v && *v ? v : dflt;
}

/* Fills p from a token record {token, user_id, scopes, is_bot}. */
static void from_record(twin_ctx *ctx, slack_principal *p, const json_value *rec)
{
    p->is_bot = json_truthy(json_get(rec, "is_bot"));
    const char *user = json_get_str(rec, "user_id");
    p->user_id = user ? user : p->is_bot ? SLACK_BOT_USER : SLACK_HUMAN_USER;
    p->scopes = scopes_from_json(ctx->a, json_get(rec, "scopes"));
}

static bool resolve_token(twin_ctx *ctx, const char *token, slack_principal *p)
{
    if (str_starts_with(token, "xoxe.")) token += 5;
    p->token = token;
    if (str_eq(token, config_str(ctx, "bot_token", SLACK_DEFAULT_BOT_TOKEN))) {
        p->is_bot = true;
        p->user_id = SLACK_BOT_USER;
        p->scopes = slack_config_scopes(ctx, "bot_scopes", default_bot_scopes);
    } else if (str_eq(token, config_str(ctx, "user_token", SLACK_DEFAULT_USER_TOKEN))) {
        p->user_id = SLACK_HUMAN_USER;
        p->scopes = slack_config_scopes(ctx, "user_scopes", default_user_scopes);
    } else {
        json_value *rec = NULL;
        json_foreach(t, json_get(ctx->config, "tokens")) if (str_eq(json_get_str(t, "token"), token)) rec = t;
        if (!rec) rec = twin_doc_get(ctx, "_tokens", token);
        if (!rec) return false;
        from_record(ctx, p, rec);
    }
    /* Bot tokens always keep chat:write and files:write. */
    if (p->is_bot) {
        scopes_add(ctx->a, p->scopes, "chat:write");
        scopes_add(ctx->a, p->scopes, "files:write");
    }
    scopes_disable(p->scopes, json_get(ctx->config, "disabled_scopes"));
    return true;
}

static const char *bearer_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        const char *k = h + 7;
        while (*k == ' ') k++;
        if (*k) return k;
    }
    return NULL;
}

static const char *presented_token(twin_ctx *ctx)
{
    const char *t = bearer_token(ctx);
    if (t) return t;
    t = json_get_str(ctx->body, "token");
    if (t && *t) return t;
    t = json_get_str(ctx->query, "token");
    return t && *t ? t : NULL;
}

static bool missing_scope(twin_ctx *ctx, const char *needed, const scope_set *have)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", false);
    json_set_str(ctx->a, o, "error", "missing_scope");
    json_set_str(ctx->a, o, "needed", needed);
    json_set_str(ctx->a, o, "provided", scopes_join(ctx->a, have, ","));
    slack_answer(ctx, 200, o);
    return false;
}

/* Simulated per-method rate limits (config rate_limiting_enabled + rate_limits),
 * counted in the engine's in-memory windows. */
static bool rate_limited(twin_ctx *ctx)
{
    if (!json_truthy(json_get(ctx->config, "rate_limiting_enabled"))) return false;
    /* The matched template, so "chat%2EpostMessage" counts as chat.postMessage. */
    const char *path = ctx->match.template_path ? ctx->match.template_path : ctx->req->path;
    const char *method = str_starts_with(path, "/api/") ? path + 5 : NULL;
    json_value *rule = method ? json_get(json_get(ctx->config, "rate_limits"), method) : NULL;
    if (!rule) return false;
    int64_t window = 60, max = 1, retry = 0;
    json_int64(json_get(rule, "window_seconds"), &window);
    json_int64(json_get(rule, "max_requests"), &max);
    if (!json_int64(json_get(rule, "retry_after_seconds"), &retry)) retry = window;
    /* Whole seconds, as the twin's clock counts them: a window opened at
     * second s ends at s + window_seconds.  A window of no length holds only
     * the request itself. */
    int64_t count = 1;
    if (window > RATELIMIT_MAX_WINDOW_MS / 1000) window = RATELIMIT_MAX_WINDOW_MS / 1000;
    if (window > 0)
        count = ratelimit_hit(ctx->inst->rate_limits, "method", method, window * 1000, twin_now(ctx) * 1000).count;
    if (count <= max) return false;
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)retry);
    http_set_header(ctx->req, "Retry-After", v);
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", false);
    json_set_str(ctx->a, o, "error", "ratelimited");
    slack_answer(ctx, 429, o);
    return true;
}

/* Outside the Web API (the url_private downloads) a request Slack cannot
 * authorize gets the workspace's sign-in page with HTTP 200, not a JSON
 * error: a client that forgot the token receives HTML instead of the file. */
static bool sign_in_page(twin_ctx *ctx)
{
    static const char page[] = "<!doctype html><title>Slack</title><p>Sign in to your workspace to see this file.</p>\n";
    twin_reply_text(ctx, 200, "text/html; charset=utf-8", page, sizeof page - 1);
    return false;
}

bool slack_authenticate(twin_ctx *ctx, const twin_route *route)
{
    slack_principal *p = arena_zalloc(ctx->a, sizeof *p);
    ctx->principal = p;
    /* File downloads take the token from the Authorization header only. */
    bool web_api = str_starts_with(ctx->req->path, "/api/");
    const char *token = web_api ? presented_token(ctx) : bearer_token(ctx);
    if (!token) {
        if (!web_api) return sign_in_page(ctx);
        slack_fail(ctx, "not_authed");
        return false;
    }
    if (!resolve_token(ctx, token, p)) {
        if (!web_api) return sign_in_page(ctx);
        slack_fail(ctx, "invalid_auth");
        return false;
    }
    http_set_header(ctx->req, "X-OAuth-Scopes", scopes_join(ctx->a, p->scopes, ","));
    if (route && route->scope && !scopes_has(p->scopes, "*") && !scopes_has(p->scopes, route->scope)) {
        if (!web_api) return sign_in_page(ctx);
        http_set_header(ctx->req, "X-Accepted-OAuth-Scopes", route->scope);
        return missing_scope(ctx, route->scope, p->scopes);
    }
    if (rate_limited(ctx)) return false;
    return true;
}

/* ---- OAuth v2 ---- */

static void oauth_page_error(twin_ctx *ctx, const char *error)
{
    const char *body = arena_printf(ctx->a, "<!doctype html><title>Slack OAuth</title><p>OAuth error: %s</p>\n", error);
    twin_reply_text(ctx, 400, "text/html; charset=utf-8", body, strlen(body));
}

void slack_oauth_authorize(twin_ctx *ctx)
{
    const char *client_id = twin_arg(ctx, "client_id");
    const char *redirect = twin_arg(ctx, "redirect_uri");
    if (!client_id || !*client_id) return oauth_page_error(ctx, "invalid_client_id");
    if (!redirect || !*redirect) redirect = json_get_str(ctx->config, "oauth_redirect_uri");
    if (!redirect || !*redirect) return oauth_page_error(ctx, "bad_redirect_uri");
    const char *code = arena_printf(ctx->a, "%lld.%s", (long long)twin_now(ctx), twin_new_id(ctx, "", 24));
    json_value *doc = json_object(ctx->a);
    json_set_str(ctx->a, doc, "client_id", client_id);
    json_set_str(ctx->a, doc, "redirect_uri", redirect);
    json_set_str(ctx->a, doc, "scope", twin_arg(ctx, "scope"));
    json_set_str(ctx->a, doc, "user_scope", twin_arg(ctx, "user_scope"));
    twin_doc_put(ctx, "_oauth_codes", code, doc, NULL, 0);
    buf b = BUF_INIT;
    buf_puts(&b, redirect);
    buf_putc(&b, strchr(redirect, '?') ? '&' : '?');
    buf_puts(&b, "code=");
    buf_puts(&b, http_percent_encode(ctx->a, code, strlen(code)));
    const char *state = twin_arg(ctx, "state");
    if (state) {
        buf_puts(&b, "&state=");
        buf_puts(&b, http_percent_encode(ctx->a, state, strlen(state)));
    }
    const char *url = arena_strndup(ctx->a, b.data, b.len);
    buf_free(&b);
    http_set_header(ctx->req, "Location", url);
    const char *body = arena_printf(ctx->a, "<!doctype html><title>Redirecting</title><p>Redirecting</p>\n");
    twin_reply_text(ctx, 302, "text/html; charset=utf-8", body, strlen(body));
}

/* client_id:client_secret from HTTP Basic auth, when the body lacks them. */
static void basic_credentials(twin_ctx *ctx, const char **id, const char **secret)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h || strncasecmp(h, "Basic ", 6) != 0) return;
    char *raw = base64_decode(ctx->a, h + 6, NULL);
    if (!raw) return;
    char *colon = strchr(raw, ':');
    if (!colon) return;
    *colon = '\0';
    if (!*id) *id = raw;
    if (!*secret) *secret = colon + 1;
}

static const char *issue_token(twin_ctx *ctx, const char *prefix, const char *user, bool is_bot, const scope_set *s)
{
    const char *tok = arena_printf(ctx->a, "%s%s-%s", prefix, "TTWIN0001", twin_new_id(ctx, "", 24));
    json_value *rec = json_object(ctx->a);
    json_set_str(ctx->a, rec, "token", tok);
    json_set_str(ctx->a, rec, "user_id", user);
    json_set(ctx->a, rec, "scopes", scopes_to_json(ctx->a, s));
    json_set_bool(ctx->a, rec, "is_bot", is_bot);
    json_set_str(ctx->a, rec, "source", "oauth");
    twin_doc_put(ctx, "_tokens", tok, rec, NULL, 0);
    return tok;
}

void slack_oauth_access(twin_ctx *ctx)
{
    const char *client_id = twin_arg(ctx, "client_id"), *secret = twin_arg(ctx, "client_secret");
    basic_credentials(ctx, &client_id, &secret);
    const char *code = twin_arg(ctx, "code");
    if (!client_id || !*client_id) return slack_fail(ctx, "invalid_client_id");
    const char *want_secret = json_get_str(ctx->config, "client_secret");
    if (want_secret && !str_eq(want_secret, secret)) return slack_fail(ctx, "bad_client_secret");
    if (!code || !*code) return slack_fail(ctx, "invalid_code");
    json_value *rec = twin_doc_get(ctx, "_oauth_codes", code);
    if (!rec) return slack_fail(ctx, "invalid_code");
    if (!str_eq(json_get_str(rec, "client_id"), client_id)) return slack_fail(ctx, "invalid_client_id");
    const char *redirect = twin_arg(ctx, "redirect_uri");
    if (redirect && *redirect && !str_eq(redirect, json_get_str(rec, "redirect_uri")))
        return slack_fail(ctx, "bad_redirect_uri");
    twin_doc_delete(ctx, "_oauth_codes", code);

    arena *a = ctx->a;
    scope_set *bot = slack_config_scopes(ctx, "oauth_bot_scopes", default_oauth_bot_scopes);
    scope_set *user = slack_config_scopes(ctx, "oauth_user_scopes", default_oauth_user_scopes);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "app_id", SLACK_APP_ID);
    json_value *au = json_object(a);
    json_set_str(a, au, "id", SLACK_HUMAN_USER);
    json_set_str(a, au, "scope", scopes_join(a, user, ","));
    json_set_str(a, au, "access_token", issue_token(ctx, "xoxp-", SLACK_HUMAN_USER, false, user));
    json_set_str(a, au, "token_type", "user");
    json_set(a, o, "authed_user", au);
    json_set_str(a, o, "scope", scopes_join(a, bot, ","));
    json_set_str(a, o, "token_type", "bot");
    json_set_str(a, o, "access_token", issue_token(ctx, "xoxb-", SLACK_BOT_USER, true, bot));
    json_set_str(a, o, "bot_user_id", SLACK_BOT_USER);
    json_value *team = json_object(a);
    json_set_str(a, team, "id", SLACK_TEAM_ID);
    json_set_str(a, team, "name", slack_team_name(ctx));
    json_set(a, o, "team", team);
    json_set_null(a, o, "enterprise");
    json_set_bool(a, o, "is_enterprise_install", false);
    slack_reply(ctx, o);
}

/* ---- listing helpers ---- */

size_t slack_all(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value,
                 json_value ***out)
{
    store_list_opts o = {.index_name = index_name, .index_value = index_value};
    twin_list l = {0};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) {
        *out = NULL;
        return 0;
    }
    *out = l.items;
    return l.n;
}

size_t slack_page_limit(twin_ctx *ctx, size_t dflt, size_t max)
{
    int64_t limit = slack_int_arg(ctx, "limit", (int64_t)dflt);
    if (limit <= 0) return dflt;
    return (uint64_t)limit > max ? max : (size_t)limit;
}

bool slack_paginate(twin_ctx *ctx, json_value **items, size_t n, const char *id_key, size_t dflt, size_t max,
                    size_t *start, size_t *count, const char **next)
{
    size_t limit = slack_page_limit(ctx, dflt, max);
    *start = 0;
    const char *cursor = twin_arg(ctx, "cursor");
    if (cursor && *cursor) {
        const char *id = slack_cursor_decode(ctx->a, cursor);
        size_t i = 0;
        while (id && i < n && !str_eq(json_get_str(items[i], id_key), id)) i++;
        if (!id || i == n) {
            slack_fail(ctx, "invalid_cursor");
            return false;
        }
        *start = i;
    }
    size_t left = n - *start;
    *count = left < limit ? left : limit;
    size_t after = *start + *count;
    *next = after < n ? slack_cursor_encode(ctx->a, json_get_str(items[after], id_key)) : "";
    return true;
}

json_value *slack_response_metadata(twin_ctx *ctx, const char *next)
{
    json_value *m = json_object(ctx->a);
    json_set_str(ctx->a, m, "next_cursor", next ? next : "");
    return m;
}

/* Kept apart from slack_authenticate's route check: some methods need a
 * scope that depends on the conversation named (channels:history for a
 * public channel, groups:history for a private one). */
bool slack_require_scope(twin_ctx *ctx, const char *needed)
{
    const scope_set *have = slack_me(ctx)->scopes;
    if (scopes_has(have, "*") || scopes_has(have, needed)) return true;
    http_set_header(ctx->req, "X-Accepted-OAuth-Scopes", needed);
    return missing_scope(ctx, needed, have);
}
