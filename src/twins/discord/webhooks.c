/* Discord twin: channel webhooks (create, list, get, modify, delete, execute
 * with ?wait=true) and event delivery to subscribed URLs.
 *
 * Event subscriptions: config "webhook_url" (or "event_webhook_urls", a list)
 * receives every state change as Discord's webhook-event body
 * {"version":1,"application_id","type":1,"event":{"type","timestamp","data"}}
 * with the gateway event name ("MESSAGE_CREATE", ...) and its payload;
 * "webhook_events" (a list) narrows which types are sent.  Deliveries are
 * retried and logged by the engine (GET <admin>/admin/webhooks/deliveries),
 * and signed like Discord's (sign.c: X-Signature-Ed25519 and
 * X-Signature-Timestamp, verifiable with DISCORD_PUBLIC_KEY). */
#include <string.h>

#include "engine/webhooks.h"
#include "twins/discord/discord.h"
#include "util/util.h"

/* ---- events ---- */

static bool wanted(const json_value *filter, const char *type)
{
    if (!filter || filter->type != JSON_ARRAY || !filter->len) return true;
    json_foreach(x, filter) if (str_eq(json_str(x), type) || str_eq(json_str(x), "*")) return true;
    return false;
}

static void deliver(twin_ctx *ctx, const char *url, const char *type, const char *payload, size_t len,
                    const char *event_id)
{
    webhook_send s = {.url = url, .payload = payload, .len = len, .event_id = event_id, .event_type = type,
                      .secret = dc_signing_secret(ctx->a, ctx->run_id),
                      .endpoint_id = url, .user_agent = "Discord-Webhook/1.0 (+https://discord.com)"};
    webhooks_send(ctx, &s);
}

void dc_event(twin_ctx *ctx, const char *type, const json_value *data)
{
    const json_value *urls = json_get(ctx->config, "event_webhook_urls");
    const char *one = json_get_str(ctx->config, "webhook_url");
    if (ctx->seeding || (!one && (!urls || !urls->len)) || !wanted(json_get(ctx->config, "webhook_events"), type))
        return;
    arena *a = ctx->a;
    json_value *body = json_object(a), *ev = json_object(a);
    json_set_int(a, body, "version", 1);
    json_set_str(a, body, "application_id", dc_bot_id(ctx));
    json_set_int(a, body, "type", 1);
    json_set_str(a, ev, "type", type);
    json_set_str(a, ev, "timestamp", dc_now_iso(ctx));
    json_set(a, ev, "data", json_clone(a, data));
    json_set(a, body, "event", ev);
    size_t len;
    const char *text = json_to_string(a, body, &len);
    const char *event_id = dc_snowflake(ctx);
    if (one) deliver(ctx, one, type, text, len, event_id);
    json_foreach(u, urls) if (json_str(u)) deliver(ctx, json_str(u), type, text, len, event_id);
}

/* ---- webhooks ---- */

static json_value *webhook_render(twin_ctx *ctx, const json_value *w, bool with_token, bool with_user)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_null(a, o, "application_id");
    json_set_null(a, o, "avatar");
    json_set_str(a, o, "channel_id", json_get_str(w, "channel_id"));
    json_set_str(a, o, "guild_id", json_get_str(w, "guild_id"));
    json_set_str(a, o, "id", json_get_str(w, "id"));
    json_set_str(a, o, "name", json_get_str(w, "name"));
    json_set_int(a, o, "type", 1);
    if (with_user) {
        json_value *u = dc_user_find(ctx, json_get_str(w, "_user"));
        if (u) json_set(a, o, "user", u);
    }
    if (with_token) {
        json_set_str(a, o, "token", json_get_str(w, "_token"));
        /* The URL points at the twin, so apps that post to it stay in the sandbox. */
        const char *base = ctx->inst && ctx->inst->base_url ? ctx->inst->base_url : "https://discord.com";
        json_set_str(a, o, "url", arena_printf(a, "%s/api/v10/webhooks/%s/%s", base, json_get_str(w, "id"),
                                               json_get_str(w, "_token")));
    }
    return o;
}

static bool webhook_name_ok(twin_ctx *ctx, const char *name)
{
    if (!dc_check_len(ctx, "name", name, 1, 80)) return false;
    char *lower = str_to_lower(arena_strdup(ctx->a, name));
    if (strstr(lower, "clyde") || strstr(lower, "discord")) {
        dc_form_error(ctx, "name", "USERNAME_INVALID_CONTAINS",
                      arena_printf(ctx->a, "Username cannot contain \"%s\"", strstr(lower, "clyde") ? "clyde" : "discord"));
        return false;
    }
    return true;
}

void dc_webhook_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *cid = dc_param_sf(ctx, "channel_id");
    if (!cid) return;
    json_value *c = dc_channel_load(ctx, cid);
    if (!c || !dc_require_channel(ctx, c, DC_MANAGE_WEBHOOKS)) return;
    const char *name = json_get_str(ctx->body, "name");
    if (!webhook_name_ok(ctx, name)) return;
    if (twin_doc_count(ctx, "webhooks", "channel", cid) >= 15)
        return dc_error(ctx, 400, 30007, "Maximum number of webhooks reached (15)");
    const char *id = dc_snowflake(ctx);
    char token[72];
    derive_token(token, 68, ctx->twin, "webhook-token", id, twin_counter(ctx, "webhook-token"));
    json_value *w = json_object(a);
    json_set_str(a, w, "id", id);
    json_set_str(a, w, "name", name);
    json_set_str(a, w, "channel_id", cid);
    json_set_str(a, w, "guild_id", json_get_str(c, "guild_id"));
    json_set_str(a, w, "_token", token);
    json_set_str(a, w, "_user", dc_bot_id(ctx));
    dc_save(ctx, "webhooks", id, w, "channel", cid, "guild", json_get_str(c, "guild_id"));
    json_value *ev = json_object(a);
    json_set_str(a, ev, "guild_id", json_get_str(c, "guild_id"));
    json_set_str(a, ev, "channel_id", cid);
    dc_event(ctx, "WEBHOOKS_UPDATE", ev);
    twin_reply_json(ctx, 200, webhook_render(ctx, w, true, true));
}

static void list_webhooks(twin_ctx *ctx, const char *index, const char *value)
{
    twin_list l = dc_list(ctx, "webhooks", index, value);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(out, webhook_render(ctx, l.items[i], true, true));
    twin_reply_json(ctx, 200, out);
}

void dc_channel_webhooks(twin_ctx *ctx)
{
    const char *cid = dc_param_sf(ctx, "channel_id");
    json_value *c = cid ? dc_channel_load(ctx, cid) : NULL;
    if (c && dc_require_channel(ctx, c, DC_MANAGE_WEBHOOKS)) list_webhooks(ctx, "channel", cid);
}

void dc_guild_webhooks(twin_ctx *ctx)
{
    const char *gid = dc_param_sf(ctx, "guild_id");
    json_value *g = gid ? dc_guild_load(ctx, gid) : NULL;
    if (g && dc_require_guild(ctx, g, DC_MANAGE_WEBHOOKS)) list_webhooks(ctx, "guild", gid);
}

static json_value *webhook_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "webhook_id");
    if (!id) return NULL;
    json_value *w = twin_doc_get(ctx, "webhooks", id);
    if (!w) dc_error(ctx, 404, DC_UNKNOWN_WEBHOOK, "Unknown Webhook");
    return w;
}

/* A webhook the bot reaches by id (not token): MANAGE_WEBHOOKS in its channel. */
static json_value *webhook_managed(twin_ctx *ctx)
{
    json_value *w = webhook_param(ctx);
    json_value *c = w ? twin_doc_get(ctx, "channels", json_get_str(w, "channel_id")) : NULL;
    if (c && !dc_require_channel(ctx, c, DC_MANAGE_WEBHOOKS)) return NULL;
    return w;
}

/* The webhook of a token route, checked against its token. */
static json_value *webhook_by_token(twin_ctx *ctx)
{
    json_value *w = webhook_param(ctx);
    if (w && !secret_eq(twin_param(ctx, "webhook_token"), json_get_str(w, "_token"))) {
        dc_error(ctx, 401, DC_INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token");
        return NULL;
    }
    return w;
}

void dc_webhook_get(twin_ctx *ctx)
{
    json_value *w = webhook_managed(ctx);
    if (w) twin_reply_json(ctx, 200, webhook_render(ctx, w, true, true));
}

void dc_webhook_get_token(twin_ctx *ctx)
{
    json_value *w = webhook_by_token(ctx);
    if (w) twin_reply_json(ctx, 200, webhook_render(ctx, w, true, false));
}

void dc_webhook_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *w = webhook_managed(ctx);
    if (!w) return;
    const char *name = json_get_str(ctx->body, "name");
    if (name) {
        if (!webhook_name_ok(ctx, name)) return;
        json_set_str(a, w, "name", name);
    }
    const char *cid = json_get_str(ctx->body, "channel_id");
    if (cid) {
        json_value *c = twin_doc_get(ctx, "channels", cid);
        if (!c || !str_eq(json_get_str(c, "guild_id"), json_get_str(w, "guild_id")))
            return dc_form_error(ctx, "channel_id", "CHANNEL_INVALID", "Invalid channel");
        if (!dc_require_channel(ctx, c, DC_MANAGE_WEBHOOKS)) return;     /* moving it needs the target too */
        json_set_str(a, w, "channel_id", cid);
    }
    dc_save(ctx, "webhooks", json_get_str(w, "id"), w, "channel", json_get_str(w, "channel_id"), "guild",
            json_get_str(w, "guild_id"));
    twin_reply_json(ctx, 200, webhook_render(ctx, w, true, true));
}

void dc_webhook_delete(twin_ctx *ctx)
{
    json_value *w = webhook_managed(ctx);
    if (!w) return;
    twin_doc_delete(ctx, "webhooks", json_get_str(w, "id"));
    dc_no_content(ctx);
}

/* POST /webhooks/{id}/{token}: posts as the webhook (username override
 * allowed); ?wait=true answers the message, else 204; ?thread_id posts into
 * a thread of the webhook's channel, unarchiving it unless it is locked. */
void dc_webhook_execute(twin_ctx *ctx)
{
    json_value *w = webhook_by_token(ctx);
    if (!w) return;
    const char *target = json_get_str(w, "channel_id");
    const char *thread = json_get_str(ctx->query, "thread_id");
    if (thread) {
        json_value *t = dc_sf(thread) ? twin_doc_get(ctx, "channels", thread) : NULL;
        if (!t || !str_eq(json_get_str(t, "parent_id"), target))
            return dc_error(ctx, 400, DC_UNKNOWN_CHANNEL, "Unknown Channel");
        target = thread;
    }
    json_value *c = dc_channel_load(ctx, target);
    if (!c) return;
    int opened = dc_is_thread(c) ? dc_thread_open_for_send(ctx, c, true) : 0;
    if (opened < 0) return;
    json_value *m = dc_message_post(ctx, c, w);
    if (!m) return;
    if (opened > 0) dc_thread_after_send(ctx, c, true, false);
    if (dc_bool_arg(ctx, "wait")) twin_reply_json(ctx, 200, m);
    else dc_no_content(ctx);
}
