/* Unified.to twin: /unified/webhook CRUD (virtual webhooks; a trigger
 * delivers through the shared webhook engine) and the /unified/apicall log. */
#include <string.h>

#include "engine/webhooks.h"
#include "twins/unified/unified.h"
#include "util/util.h"

static bool valid_event(const char *e)
{
    return str_eq(e, "created") || str_eq(e, "updated") || str_eq(e, "deleted");
}

/* object_type is "<category>_<object>" ("messaging_message", "storage_file"). */
static bool valid_object_type(const char *t)
{
    if (!t || !strchr(t, '_') || t[0] == '_') return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_')) return false;
    return true;
}

/* Applies writable fields; NULL on success, else the message. */
static const char *apply_webhook(twin_ctx *ctx, json_value *w, const json_value *in)
{
    arena *a = ctx->a;
    const json_value *v;
    if ((v = json_get(in, "event"))) {
        if (!valid_event(json_str(v))) return "event must be one of created, updated, deleted";
        json_set(a, w, "event", json_clone(a, v));
    }
    if ((v = json_get(in, "object_type"))) {
        if (!valid_object_type(json_str(v))) return "object_type is invalid";
        json_set(a, w, "object_type", json_clone(a, v));
    }
    if ((v = json_get(in, "hook_url"))) {
        const char *u = json_str(v);
        if (!u || !(str_starts_with(u, "http://") || str_starts_with(u, "https://")))
            return "hook_url must be an http(s) URL";
        json_set(a, w, "hook_url", json_clone(a, v));
    }
    if ((v = json_get(in, "interval"))) {
        int64_t n;
        if (!json_int64(v, &n) || n < 1) return "interval must be a positive number of minutes";
        json_set(a, w, "interval", json_clone(a, v));
    }
    if ((v = json_get(in, "is_paused"))) {
        if (!json_is_bool(v)) return "is_paused must be a boolean";
        json_set(a, w, "is_paused", json_clone(a, v));
    }
    if ((v = json_get(in, "fields"))) {
        if (v->type != JSON_STRING) return "fields must be a string";
        json_set(a, w, "fields", json_clone(a, v));
    }
    if ((v = json_get(in, "filters"))) {
        if (v->type != JSON_OBJECT) return "filters must be an object";
        json_set(a, w, "filters", json_clone(a, v));
    }
    return NULL;
}

static json_value *find_webhook(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *w = twin_doc_get(ctx, "webhooks", id);
    if (!w) un_error(ctx, 404, arena_printf(ctx->a, "Webhook %s not found", id ? id : ""));
    return w;
}

void un_webhook_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const json_value *in = ctx->body;
    if (in->type != JSON_OBJECT) return un_error(ctx, 400, "Body must be a webhook object");
    const char *cid = json_get_str(in, "connection_id");
    if (!cid) return un_error(ctx, 400, "connection_id is required");
    json_value *conn = twin_doc_get(ctx, "connections", cid);
    if (!conn) return un_error(ctx, 404, arena_printf(a, "Connection %s not found", cid));
    if (!json_get(in, "event")) return un_error(ctx, 400, "event is required");
    if (!json_get(in, "object_type")) return un_error(ctx, 400, "object_type is required");
    if (!json_get(in, "hook_url")) return un_error(ctx, 400, "hook_url is required");
    json_value *w = json_object(a);
    const char *now = un_now_iso(ctx);
    json_set_str(a, w, "id", un_hex_id(ctx));
    json_set_str(a, w, "created_at", now);
    json_set_str(a, w, "updated_at", now);
    json_set_str(a, w, "workspace_id", json_get_str(conn, "workspace_id"));
    json_set_str(a, w, "connection_id", cid);
    json_set_str(a, w, "integration_type", json_get_str(conn, "integration_type"));
    json_set_str(a, w, "environment", json_get_str(conn, "environment"));
    json_set_str(a, w, "webhook_type", "virtual");
    json_set_int(a, w, "interval", 60);
    json_set_bool(a, w, "is_healthy", true);
    json_set_bool(a, w, "is_paused", false);
    json_set(a, w, "runs", json_array(a));
    const char *err = apply_webhook(ctx, w, in);
    if (err) return un_error(ctx, 400, err);
    /* the category part of object_type must be one the connection has */
    const char *ot = json_get_str(w, "object_type");
    json_value *cat = json_stringn(a, ot, (size_t)(strchr(ot, '_') - ot));
    bool has = false;
    json_foreach(c, json_get(conn, "categories")) has |= str_eq(json_str(c), cat->str);
    if (!has) return un_error(ctx, 400, arena_printf(a, "Connection %s does not support %s", cid, cat->str));
    un_save(ctx, "webhooks", w, cid);
    twin_reply_json(ctx, 200, w);
}

void un_webhooks_list(twin_ctx *ctx)
{
    int64_t limit, offset;
    if (!un_paging(ctx, &limit, &offset)) return;
    const char *cid = json_get_str(ctx->query, "connection_id");
    const char *type = json_get_str(ctx->query, "integration_type");
    const char *object = json_get_str(ctx->query, "object");
    json_value *all = twin_doc_all(ctx, "webhooks"), *out = json_array(ctx->a);
    json_value *next;
    for (json_value *w = all->first; w; w = next) {
        next = w->next;
        w->next = NULL;
        if (cid && !str_eq(json_get_str(w, "connection_id"), cid)) continue;
        if (type && !str_eq(json_get_str(w, "integration_type"), type)) continue;
        if (object && !str_eq(json_get_str(w, "object_type"), object)) continue;
        json_push(out, w);
    }
    un_send_page(ctx, out, limit, offset);
}

void un_webhook_get(twin_ctx *ctx)
{
    json_value *w = find_webhook(ctx);
    if (w) twin_reply_json(ctx, 200, w);
}

void un_webhook_update(twin_ctx *ctx)
{
    json_value *w = find_webhook(ctx);
    if (!w) return;
    if (ctx->body->type != JSON_OBJECT) return un_error(ctx, 400, "Body must be a webhook object");
    const char *cid = json_get_str(ctx->body, "connection_id");
    if (cid && !str_eq(cid, json_get_str(w, "connection_id"))) return un_error(ctx, 400, "connection_id cannot be changed");
    const char *err = apply_webhook(ctx, w, ctx->body);
    if (err) return un_error(ctx, 400, err);
    json_set_str(ctx->a, w, "updated_at", un_now_iso(ctx));
    un_save(ctx, "webhooks", w, json_get_str(w, "connection_id"));
    twin_reply_json(ctx, 200, w);
}

void un_webhook_delete(twin_ctx *ctx)
{
    json_value *w = find_webhook(ctx);
    if (!w) return;
    twin_doc_delete(ctx, "webhooks", json_get_str(w, "id"));
    twin_reply_text(ctx, 200, "application/json", "", 0);
}

/* Delivers the webhook's (empty) current batch to hook_url at once, the way
 * Unified's trigger runs a virtual webhook outside its interval. */
void un_webhook_trigger(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *w = find_webhook(ctx);
    if (!w) return;
    json_value *payload = json_object(a);
    json_set(a, payload, "data", json_array(a));
    json_set(a, payload, "webhook", json_clone(a, w));
    json_set_str(a, payload, "nonce", un_hex_id(ctx));
    json_set_str(a, payload, "type", "INITIAL-COMPLETE");
    size_t len = 0;
    const char *text = json_to_string(a, payload, &len);
    const char *run_id = un_hex_id(ctx);
    webhook_send s = {
        .url = json_get_str(w, "hook_url"),
        .payload = text,
        .len = len,
        .event_id = run_id,
        .event_type = arena_printf(a, "%s.%s", json_get_str(w, "object_type"), json_get_str(w, "event")),
        .endpoint_id = json_get_str(w, "id"),
        .user_agent = "Unified.to",
    };
    webhooks_send(ctx, &s);
    json_value *runs = json_get(w, "runs");
    if (!runs || runs->type != JSON_ARRAY) json_set(a, w, "runs", runs = json_array(a));
    json_push(runs, json_string(a, un_now_iso(ctx)));
    json_set_str(a, w, "checked_at", un_now_iso(ctx));
    un_save(ctx, "webhooks", w, json_get_str(w, "connection_id"));
    twin_reply_text(ctx, 200, "application/json", "", 0);
}

void un_apicalls_list(twin_ctx *ctx)
{
    int64_t limit, offset;
    if (!un_paging(ctx, &limit, &offset)) return;
    const char *cid = json_get_str(ctx->query, "connection_id");
    const char *type = json_get_str(ctx->query, "integration_type");
    const char *error = json_get_str(ctx->query, "error");
    json_value *all = twin_doc_all(ctx, "apicalls"), *out = json_array(ctx->a);
    /* newest first, like Unified's log */
    json_value *next;
    for (json_value *c = all->first; c; c = next) {
        next = c->next;
        c->next = NULL;
        if (cid && !str_eq(json_get_str(c, "connection_id"), cid)) continue;
        if (type && !str_eq(json_get_str(c, "integration_type"), type)) continue;
        if (str_eq(error, "true") && !json_get(c, "error")) continue;
        if (str_eq(error, "false") && json_get(c, "error")) continue;
        c->next = out->first;
        out->first = c;
        if (!out->last) out->last = c;
        out->len++;
    }
    un_send_page(ctx, out, limit, offset);
}

void un_apicall_get(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *c = twin_doc_get(ctx, "apicalls", id);
    if (!c) return un_error(ctx, 404, arena_printf(ctx->a, "API call %s not found", id ? id : ""));
    twin_reply_json(ctx, 200, c);
}
