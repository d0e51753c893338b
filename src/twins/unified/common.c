/* Unified.to twin: ids, times, the integrations catalog, query lists,
 * offset paging, storage and the API-call log. */
#include <stdlib.h>
#include <string.h>

#include "twins/unified/unified.h"
#include "util/util.h"

char *un_hex_id(twin_ctx *ctx)
{
    char *id = arena_alloc(ctx->a, 25);
    derive_hex(id, 24, ctx->twin, "hexid", "id", twin_counter(ctx, "hexid"));
    return id;
}

const char *un_now_iso(twin_ctx *ctx)
{
    char out[40];
    format_iso8601(twin_now(ctx) * 1000, true, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

/* The providers the twin's connections proxy to (the seed's list), with
 * Unified's type names and the categories Unified files them under. */
static const struct {
    const char *type, *name, *categories, *docs;
} catalog[] = {
    {"slack", "Slack", "messaging", "https://api.slack.com/methods"},
    {"googlemail", "Google Mail", "messaging", "https://developers.google.com/gmail/api"},
    {"googledrive", "Google Drive", "storage", "https://developers.google.com/drive/api"},
    {"googlecalendar", "Google Calendar", "calendar", "https://developers.google.com/calendar/api"},
    {"box", "Box", "storage", "https://developer.box.com/reference"},
    {"notion", "Notion", "kms,task", "https://developers.notion.com/reference"},
    {"dropbox", "Dropbox", "storage", "https://www.dropbox.com/developers/documentation"},
};

static json_value *integration_json(arena *a, size_t i)
{
    json_value *o = json_object(a), *cats = json_array(a);
    json_set_str(a, o, "type", catalog[i].type);
    json_set_str(a, o, "name", catalog[i].name);
    for (const char *s = catalog[i].categories; *s;) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        json_push(cats, json_stringn(a, s, n));
        s += n + (c ? 1 : 0);
    }
    json_set(a, o, "categories", cats);
    json_set_bool(a, o, "is_active", true);
    json_set_bool(a, o, "beta", false);
    json_set_str(a, o, "api_docs_url", catalog[i].docs);
    json_set_str(a, o, "web_url", arena_printf(a, "https://unified.to/integrations/%s", catalog[i].type));
    json_set_str(a, o, "logo_url", arena_printf(a, "https://unified.to/images/integrations/%s.png", catalog[i].type));
    json_set_int(a, o, "popularity", (int64_t)(sizeof catalog / sizeof catalog[0] - i));
    json_value *tn = json_array(a);
    json_push(tn, json_string(a, "access_token"));
    json_set(a, o, "token_names", tn);
    return o;
}

json_value *un_integrations(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++) json_push(arr, integration_json(ctx->a, i));
    return arr;
}

const json_value *un_integration(twin_ctx *ctx, const char *type)
{
    for (size_t i = 0; type && i < sizeof catalog / sizeof catalog[0]; i++)
        if (str_eq(catalog[i].type, type)) return integration_json(ctx->a, i);
    return NULL;
}

static void push_split(arena *a, json_value *out, const char *v)
{
    for (const char *s = v; *s;) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        if (n) json_push(out, json_stringn(a, s, n));
        s += n + (c ? 1 : 0);
    }
}

/* Speakeasy sends arrays exploded (categories=a&categories=b); other
 * clients send categories[]=a or one comma-joined value. */
json_value *un_query_list(twin_ctx *ctx, const char *name)
{
    json_value *out = json_array(ctx->a);
    const char *forms[] = {name, arena_printf(ctx->a, "%s[]", name)};
    for (size_t f = 0; f < 2; f++) {
        const char **values;
        http_query_all(ctx->req, forms[f], &values);
        for (const char **v = values; *v; v++) push_split(ctx->a, out, *v);
    }
    return out;
}

static bool parse_count(const char *s, int64_t *out)
{
    if (!s || !*s) return false;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0) return false;
    *out = v;
    return true;
}

bool un_paging(twin_ctx *ctx, int64_t *limit, int64_t *offset)
{
    *limit = 100;
    *offset = 0;
    const char *l = json_get_str(ctx->query, "limit"), *o = json_get_str(ctx->query, "offset");
    if (l && (!parse_count(l, limit) || *limit == 0)) {
        un_error(ctx, 400, arena_printf(ctx->a, "Invalid limit: %s", l));
        return false;
    }
    if (o && !parse_count(o, offset)) {
        un_error(ctx, 400, arena_printf(ctx->a, "Invalid offset: %s", o));
        return false;
    }
    return true;
}

void un_send_page(twin_ctx *ctx, json_value *items, int64_t limit, int64_t offset)
{
    json_value *page = json_array(ctx->a);
    int64_t i = 0;
    json_value *next;
    for (json_value *x = items ? items->first : NULL; x; x = next, i++) {
        next = x->next;
        if (i < offset || i >= offset + limit) continue;
        x->next = NULL;
        json_push(page, x);
    }
    twin_reply_json(ctx, 200, page);
}

void un_save(twin_ctx *ctx, const char *collection, const json_value *doc, const char *connection_id)
{
    store_index idx = {"connection", connection_id};
    twin_doc_put(ctx, collection, json_get_str(doc, "id"), doc, connection_id ? &idx : NULL, connection_id ? 1 : 0);
}

/* "GET /messaging/{connection_id}/channel/{id}" -> "messaging channel get"-ish names
 * are Unified's; the twin names a call by its method and category path. */
void un_log_call(twin_ctx *ctx, const json_value *conn, int status, const char *error)
{
    arena *a = ctx->a;
    const char *cid = json_get_str(conn, "id");
    json_value *c = json_object(a);
    json_set_str(a, c, "id", un_hex_id(ctx));
    json_set_str(a, c, "created_at", un_now_iso(ctx));
    json_set_str(a, c, "connection_id", cid);
    json_set_str(a, c, "integration_type", json_get_str(conn, "integration_type"));
    json_set_str(a, c, "environment", "Production");
    json_set_str(a, c, "workspace_id", json_get_str(conn, "workspace_id"));
    json_set_str(a, c, "method", ctx->req->method);
    json_set_str(a, c, "path", ctx->req->path);
    /* name: the path without the connection id ("/messaging/channel") */
    const char *p = ctx->req->path, *at = strstr(p, cid);
    json_set_str(a, c, "name", at ? arena_printf(a, "%.*s%s", (int)(at - p - 1), p, at + strlen(cid)) : p);
    json_set_str(a, c, "status", arena_printf(a, "%d", status));
    json_set_str(a, c, "type", "inbound");
    json_set_bool(a, c, "is_billable", status < 400);
    if (error) json_set_str(a, c, "error", error);
    const char *ua = http_header_get(ctx->req, "User-Agent");
    if (ua) json_set_str(a, c, "user_agent", ua);
    if (ctx->req->remote_addr) json_set_str(a, c, "ip_address", ctx->req->remote_addr);
    un_save(ctx, "apicalls", c, cid);
}
