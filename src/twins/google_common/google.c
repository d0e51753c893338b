/* Google's error envelope, bearer tokens, paging and field masks, shared by
 * the Google twins (see google.h). */
#include "twins/google_common/google.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/base64.h"
#include "util/util.h"

/* ---- errors ---- */

const char *google_base_url(const twin_ctx *ctx)
{
    return ctx->inst && ctx->inst->base_url ? ctx->inst->base_url : "https://www.googleapis.com";
}

const char *google_status_name(int code)
{
    switch (code) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 409: return "ALREADY_EXISTS";
    case 410: return "FAILED_PRECONDITION";
    case 412: return "FAILED_PRECONDITION";
    case 429: return "RESOURCE_EXHAUSTED";
    case 503: return "UNAVAILABLE";
    default: return code >= 500 ? "INTERNAL" : NULL;
    }
}

json_value *google_error_body(arena *a, const google_api *api, const google_error *e)
{
    json_value *body = json_object(a), *err = json_object(a), *items = json_array(a), *item = json_object(a);
    json_set_str(a, item, "message", e->item_message ? e->item_message : e->message);
    json_set_str(a, item, "domain", e->domain ? e->domain : "global");
    json_set_str(a, item, "reason", e->reason);
    if (e->location) json_set_str(a, item, "location", e->location);
    if (e->location_type) json_set_str(a, item, "locationType", e->location_type);
    json_push(items, item);
    json_set_int(a, err, "code", e->code);
    json_set_str(a, err, "message", e->message);
    json_set(a, err, "errors", items);
    const char *status = e->status ? e->status : api->status_names ? google_status_name(e->code) : NULL;
    if (status) json_set_str(a, err, "status", status);
    json_set(a, body, "error", err);
    return body;
}

void google_reply_error(twin_ctx *ctx, const google_api *api, const google_error *e)
{
    twin_reply_json(ctx, e->code, google_error_body(ctx->a, api, e));
}

/* ---- OAuth bearer tokens ---- */

/* The token after "Bearer " / "OAuth " (or ?access_token=); NULL when the
 * request carries none, "" when its Authorization header has another scheme. */
static const char *presented_token(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h) return json_get_str(ctx->query, "access_token");
    /* "OAuth" is the scheme Google's older clients still send. */
    if (strncasecmp(h, "Bearer ", 7) != 0 && strncasecmp(h, "OAuth ", 6) != 0) return "";
    const char *t = strchr(h, ' ');
    while (*t == ' ') t++;
    return t;
}

const char *google_bearer_token(twin_ctx *ctx, const google_api *api)
{
    const char *tok = presented_token(ctx);
    if (tok && *tok) return tok;
    /* A header of another scheme (Basic, a bare token) holds no OAuth
     * credential at all, so Google answers as for a missing one. */
    google_reply_login_required(ctx, api);
    return NULL;
}

bool google_token_well_formed(const char *token)
{
    if (!token || !*token) return false;
    for (const char *p = token; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e) return false;
    return true;
}

#define SEE_DEVCONSOLE "See https://developers.google.com/identity/sign-in/web/devconsole-project."

void google_reply_login_required(twin_ctx *ctx, const google_api *api)
{
    http_set_header(ctx->req, "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
    google_reply_error(ctx, api, &(google_error){
        .code = 401, .reason = "required", .item_message = "Login Required.",
        .message = "Request is missing required authentication credential. Expected OAuth 2 access token, login "
                   "cookie or other valid authentication credential. " SEE_DEVCONSOLE,
        .location = "Authorization", .location_type = "header", .status = "UNAUTHENTICATED"});
}

void google_reply_invalid_credentials(twin_ctx *ctx, const google_api *api)
{
    http_set_header(ctx->req, "WWW-Authenticate",
                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
    google_reply_error(ctx, api, &(google_error){
        .code = 401, .reason = "authError", .item_message = "Invalid Credentials",
        .message = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                   "other valid authentication credential. " SEE_DEVCONSOLE,
        .location = "Authorization", .location_type = "header", .status = "UNAUTHENTICATED"});
}

void google_reply_insufficient_scopes(twin_ctx *ctx, const google_api *api)
{
    arena *a = ctx->a;
    json_value *b = google_error_body(a, api, &(google_error){
        .code = 403, .reason = "insufficientPermissions", .item_message = "Insufficient Permission",
        .message = "Request had insufficient authentication scopes.", .status = "PERMISSION_DENIED"});
    json_value *details = json_array(a), *info = json_object(a), *md = json_object(a);
    json_set_str(a, info, "@type", "type.googleapis.com/google.rpc.ErrorInfo");
    json_set_str(a, info, "reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
    json_set_str(a, info, "domain", "googleapis.com");
    json_set_str(a, md, "service", api->service);
    json_set(a, info, "metadata", md);
    json_push(details, info);
    json_set(a, json_get(b, "error"), "details", details);
    http_set_header(ctx->req, "WWW-Authenticate",
                    arena_printf(a, "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\", "
                                    "scope=\"%s\"", api->scope));
    twin_reply_json(ctx, 403, b);
}

/* ---- paging ---- */

/* Plain decimal digits only: Google's int32 parameters take no sign, no
 * spaces and nothing past INT32_MAX.  *out gets the value (or -1 when it
 * does not fit). */
static bool int32_text(const char *v, int64_t *out)
{
    int64_t n = 0;
    if (!*v) return false;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        n = n * 10 + (*p - '0');
        if (n > INT32_MAX) return false;
    }
    *out = n;
    return true;
}

bool google_page_size(twin_ctx *ctx, const google_api *api, const char *param, int64_t dflt, int64_t max,
                      int64_t *out)
{
    const char *v = json_get_str(ctx->query, param);
    *out = dflt;
    if (!v || !*v) return true;
    /* The range Google checks is the discovery document's: Drive declares
     * a maximum and enforces it; Calendar declares only the minimum, so any
     * int32 is accepted and what exceeds the page ceiling is clamped. */
    int64_t limit = api->page_size_clamps ? INT32_MAX : max, n = -1;
    if (!int32_text(v, &n) || n < 1 || n > limit) {
        google_reply_error(ctx, api, &(google_error){
            .code = 400, .reason = "invalid", .location = param, .location_type = "parameter",
            .message = arena_printf(ctx->a, "Invalid value '%s'. Values must be within the range: [1, %lld]", v,
                                    (long long)limit)});
        return false;
    }
    *out = n > max ? max : n;
    return true;
}

static twin_cursor_form google_cursor_form(twin_ctx *ctx, char kind)
{
    return (twin_cursor_form){.prefix = "C", .head = arena_printf(ctx->a, "%c:", kind), .tail = ":twins"};
}

const char *google_cursor(twin_ctx *ctx, char kind, int64_t n)
{
    twin_cursor_form f = google_cursor_form(ctx, kind);
    return twin_cursor_write(ctx, &f, n);
}

twin_cursor_state google_cursor_read(twin_ctx *ctx, const char *tok, char kind, int64_t *out)
{
    twin_cursor_form f = google_cursor_form(ctx, kind);
    return twin_cursor_read(ctx, &f, tok, out);
}

bool google_page_offset(twin_ctx *ctx, const google_api *api, int64_t *out)
{
    const char *t = json_get_str(ctx->query, "pageToken");
    *out = 0;
    if (!t || !*t || google_cursor_read(ctx, t, 'o', out) == TWIN_CURSOR_CURRENT) return true;
    *out = 0;
    google_reply_error(ctx, api, &(google_error){.code = 400, .reason = "invalid", .message = "Invalid Value",
                                                 .location = "pageToken", .location_type = "parameter"});
    return false;
}

google_page google_page_window(int64_t offset, int64_t size, size_t n)
{
    google_page p = {.start = n, .end = n, .more = false};
    if (offset < 0 || size < 1 || (uint64_t)offset >= n) return p;
    p.start = (size_t)offset;
    size_t left = n - p.start;
    p.end = (uint64_t)size < left ? p.start + (size_t)size : n;
    p.more = p.end < n;
    return p;
}

/* ---- partial responses: "kind,files(id,name),nextPageToken", "capabilities/canEdit", "*" ---- */

typedef struct mask_node {
    char *name;
    struct mask_node *children;   /* NULL = the whole value */
    struct mask_node *next;
} mask_node;

static mask_node *parse_list(arena *a, const char **p);

static mask_node *parse_item(arena *a, const char **p)
{
    while (**p == ' ') (*p)++;
    const char *s = *p;
    while (**p && !strchr(",()/", **p)) (*p)++;
    const char *e = *p;
    while (e > s && e[-1] == ' ') e--;
    if (e == s) return NULL;
    mask_node *n = arena_zalloc(a, sizeof *n);
    n->name = arena_strndup(a, s, (size_t)(e - s));
    if (**p == '(') {
        (*p)++;
        n->children = parse_list(a, p);
        if (**p == ')') (*p)++;
    } else if (**p == '/') {
        (*p)++;
        n->children = parse_item(a, p);
    }
    while (**p == ' ') (*p)++;
    return n;
}

static mask_node *parse_list(arena *a, const char **p)
{
    mask_node *head = NULL, **tail = &head;
    for (;;) {
        mask_node *n = parse_item(a, p);
        if (n) {
            *tail = n;
            tail = &n->next;
        }
        if (**p == ',') {
            (*p)++;
            continue;
        }
        break;
    }
    return head;
}

static json_value *apply(arena *a, const json_value *v, const mask_node *m)
{
    if (!m) return json_clone(a, v);
    if (v->type == JSON_ARRAY) {
        json_value *out = json_array(a);
        json_foreach(x, v) json_push(out, apply(a, x, m));
        return out;
    }
    if (v->type != JSON_OBJECT) return json_clone(a, v);
    for (const mask_node *n = m; n; n = n->next)
        if (str_eq(n->name, "*") && !n->children) return json_clone(a, v);
    json_value *out = json_object(a);
    json_foreach(x, v) {
        for (const mask_node *n = m; n; n = n->next) {
            if (!str_eq(n->name, x->key) && !str_eq(n->name, "*")) continue;
            json_value *r = apply(a, x, n->children);
            json_value *prev = json_get(out, x->key);
            if (prev && prev->type == JSON_OBJECT && r->type == JSON_OBJECT) json_merge(a, prev, r);
            else if (!prev) json_set(a, out, x->key, r);
        }
    }
    return out;
}

json_value *google_apply_fields(arena *a, const json_value *v, const char *mask)
{
    if (!mask || !*mask) return (json_value *)v;
    const char *p = mask;
    mask_node *m = parse_list(a, &p);
    return m ? apply(a, v, m) : (json_value *)v;
}

/* ---- validating a mask against the response schema ---- */

static const mask_node *schema_fields(arena *a, const google_fields *gf, const char *name)
{
    for (size_t i = 0; i < gf->n_schemas; i++) {
        if (!str_eq(gf->schemas[i].name, name)) continue;
        const char *p = gf->schemas[i].fields;
        return parse_list(a, &p);
    }
    return NULL;
}

static bool is_star(const mask_node *n)
{
    return n && str_eq(n->name, "*") && !n->next;
}

/* The first name in mask that schema (one level of fields) does not have;
 * NULL when every selection is valid. */
static const char *invalid_selection(arena *a, const google_fields *gf, const mask_node *mask,
                                     const mask_node *schema)
{
    if (schema && schema->name[0] == '@' && !schema->next) {
        schema = schema_fields(a, gf, schema->name + 1);
        if (!schema) return NULL;   /* a schema the table lacks: nothing to check against */
    }
    for (const mask_node *m = mask; m; m = m->next) {
        if (str_eq(m->name, "*")) continue;
        const mask_node *s = schema;
        while (s && !str_eq(s->name, m->name)) s = s->next;
        if (!s) return m->name;
        if (!m->children || is_star(s->children) || is_star(m->children)) continue;
        if (!s->children) return m->children->name;   /* a scalar has nothing below it */
        const char *bad = invalid_selection(a, gf, m->children, s->children);
        if (bad) return bad;
    }
    return NULL;
}

bool google_check_fields(twin_ctx *ctx, const google_api *api, const twin_route *route)
{
    const char *f = json_get_str(ctx->query, "fields");
    const google_fields *gf = api->fields;
    if (!f || !*f || !gf || !route) return true;
    const char *schema = NULL;
    for (size_t i = 0; i < gf->n_methods && !schema; i++)
        if (str_eq(gf->methods[i].method, route->method) && str_eq(gf->methods[i].path, route->path))
            schema = gf->methods[i].schema;
    if (!schema) return true;
    const char *p = f;
    mask_node *mask = parse_list(ctx->a, &p);
    const mask_node ref = {.name = arena_printf(ctx->a, "@%s", schema)};
    const char *bad = invalid_selection(ctx->a, gf, mask, &ref);
    if (!bad) return true;
    const char *msg = arena_printf(ctx->a, "Invalid field selection %s", bad);
    google_reply_error(ctx, api, &(google_error){.code = 400, .reason = "invalidParameter", .message = msg,
                                                 .location = "fields", .location_type = "parameter"});
    return false;
}

bool google_fields_may_keep(twin_ctx *ctx, const char *dflt, const char *name)
{
    const char *f = json_get_str(ctx->query, "fields");
    const char *mask = f && *f ? f : dflt;
    return !mask || !*mask || strchr(mask, '*') || strstr(mask, name);
}

void google_reply_fields(twin_ctx *ctx, const json_value *body, const char *dflt)
{
    const char *f = json_get_str(ctx->query, "fields");
    twin_reply_json(ctx, 200, google_apply_fields(ctx->a, body, f && *f ? f : dflt));
}
