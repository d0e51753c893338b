/* Google Calendar twin: push notification channels (events, calendarList,
 * acl and settings watch; channels.stop).  A new channel gets a "sync"
 * message; every later change to the watched collection sends "exists".
 * Notifications are empty POSTs carrying the X-Goog-* headers, delivered
 * (with retries and a delivery log) by the engine's webhook machinery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/webhooks.h"
#include "twins/google_calendar/gcal.h"
#include "util/map.h"
#include "util/util.h"

/* Channels are indexed by what they watch ("events/<calendar id>",
 * "calendarList"), so a write reads only the channels it concerns. */
static const char *watch_key(arena *a, const char *kind, const char *cal_id)
{
    return cal_id ? arena_printf(a, "%s/%s", kind, cal_id) : kind;
}

static const char *channel_watch_key(arena *a, const json_value *ch)
{
    const char *kind = json_get_str(ch, "_kind");
    return watch_key(a, kind ? kind : "", json_get_str(ch, "_cal"));
}

static void channel_save(twin_ctx *ctx, const json_value *ch)
{
    store_index idx = {"watch", channel_watch_key(ctx->a, ch)};
    twin_doc_put(ctx, "channels", json_get_str(ch, "id"), ch, &idx, 1);
}

/* Stores written before channels carried the "watch" index hold channels
 * without it, and gc_notify (which reads only the index) would never see
 * them.  Each bucket's index count is compared with the channels that belong
 * in it; a bucket that falls short has its channels saved again, which
 * writes their index entries.  A store that is already indexed is only read. */
void gc_watch_reindex(twin_ctx *ctx)
{
    twin_list l = {0};
    if (twin_doc_list(ctx, "channels", &(store_list_opts){0}, &l) != 0 || !l.n) return;
    map wanted;   /* watch key -> number of channels that belong under it */
    map_init(&wanted);
    for (size_t i = 0; i < l.n; i++) {
        const char *key = channel_watch_key(ctx->a, l.items[i]);
        map_put(&wanted, key, (void *)((uintptr_t)map_get(&wanted, key) + 1));
    }
    for (size_t i = 0; i < l.n; i++) {
        const char *key = channel_watch_key(ctx->a, l.items[i]);
        if (twin_doc_count(ctx, "channels", "watch", key) < (int64_t)(uintptr_t)map_get(&wanted, key))
            channel_save(ctx, l.items[i]);
    }
    map_free(&wanted);
}

static void notify_one(twin_ctx *ctx, json_value *ch, const char *state)
{
    arena *a = ctx->a;
    int64_t n = 0;
    json_int64(json_get(ch, "_msg"), &n);
    n++;
    json_set_int(a, ch, "_msg", n);
    channel_save(ctx, ch);
    const char **h = arena_zalloc(a, 9 * sizeof *h);
    size_t k = 0;
    h[k++] = arena_printf(a, "X-Goog-Channel-ID: %s", json_get_str(ch, "id"));
    h[k++] = arena_printf(a, "X-Goog-Resource-ID: %s", json_get_str(ch, "resourceId"));
    h[k++] = arena_printf(a, "X-Goog-Resource-URI: %s", json_get_str(ch, "resourceUri"));
    h[k++] = arena_printf(a, "X-Goog-Resource-State: %s", state);
    h[k++] = arena_printf(a, "X-Goog-Message-Number: %lld", (long long)n);
    int64_t exp = 0;
    if (json_get_str(ch, "expiration")) exp = atoll(json_get_str(ch, "expiration"));
    char when[40];
    format_iso8601(exp, false, when, sizeof when);
    h[k++] = arena_printf(a, "X-Goog-Channel-Expiration: %s", when);
    if (json_get_str(ch, "token")) h[k++] = arena_printf(a, "X-Goog-Channel-Token: %s", json_get_str(ch, "token"));
    webhooks_send(ctx, &(webhook_send){.url = json_get_str(ch, "address"),
                                       .payload = "",
                                       .len = 0,
                                       .event_id = arena_printf(a, "%s-%lld", json_get_str(ch, "id"), (long long)n),
                                       .event_type = state,
                                       .endpoint_id = json_get_str(ch, "id"),
                                       .extra_headers = h,
                                       .user_agent = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"});
}

void gc_notify(twin_ctx *ctx, const char *kind, const char *cal_id)
{
    if (ctx->seeding) return;
    twin_list l = {0};
    store_list_opts o = {.index_name = "watch", .index_value = watch_key(ctx->a, kind, cal_id)};
    if (twin_doc_list(ctx, "channels", &o, &l) != 0) return;
    int64_t now = twin_now_ms(ctx);
    for (size_t i = 0; i < l.n; i++) {
        json_value *ch = l.items[i];
        const char *exp = json_get_str(ch, "expiration");
        if (exp && atoll(exp) < now) continue;
        notify_one(ctx, ch, "exists");
    }
}

static void watch(twin_ctx *ctx, const char *kind, const char *cal_id, const char *path)
{
    arena *a = ctx->a;
    json_value *b = ctx->body;
    const char *id = json_get_str(b, "id"), *address = json_get_str(b, "address"), *type = json_get_str(b, "type");
    if (!id || !*id) return gc_required(ctx, "Required");
    if (!type || (!str_eq(type, "web_hook") && !str_eq(type, "webhook")))
        return gc_invalid(ctx, "Invalid value for: type");
    if (!address || !*address) return gc_required(ctx, "Required");
    if (!str_starts_with(address, "https://") && !str_starts_with(address, "http://"))
        return gc_bad_request(ctx, arena_printf(a, "WebHook callback must be HTTPS: %s", address));
    if (twin_doc_get(ctx, "channels", id))
        return gc_bad_request(ctx, arena_printf(a, "Channel id %s not unique", id));
    json_value *ch = json_object(a);
    json_set_str(a, ch, "kind", "api#channel");
    json_set_str(a, ch, "id", id);
    json_set_str(a, ch, "resourceId", twin_new_id(ctx, "", 27));
    json_set_str(a, ch, "resourceUri", arena_printf(a, "%s/calendar/v3%s?alt=json", google_base_url(ctx), path));
    if (json_get_str(b, "token")) json_set_str(a, ch, "token", json_get_str(b, "token"));
    int64_t now = twin_now_ms(ctx), exp = now + 7 * 86400000LL;
    const char *e = json_get_str(b, "expiration");
    json_value *en = json_get(b, "expiration");
    int64_t want = 0;
    if (e) want = atoll(e);
    else if (en) json_int64(en, &want);
    if (want > now && want < exp) exp = want;
    json_set_str(a, ch, "expiration", arena_printf(a, "%lld", (long long)exp));
    json_set_str(a, ch, "address", address);
    json_set_str(a, ch, "_kind", kind);
    if (cal_id) json_set_str(a, ch, "_cal", cal_id);
    json_set_int(a, ch, "_msg", 0);
    channel_save(ctx, ch);
    if (!ctx->seeding) notify_one(ctx, ch, "sync");
    json_value *out = gc_public(ctx, ch);
    json_remove(out, "address");
    gc_reply(ctx, out);
}

void gc_events_watch(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    const char **types;
    if (!cal || !gc_event_types(ctx, &types)) return;
    const char *id = json_get_str(cal, "id");
    watch(ctx, "events", id, arena_printf(ctx->a, "/calendars/%s/events", id));
}

void gc_acl_watch(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *id = json_get_str(cal, "id");
    watch(ctx, "acl", id, arena_printf(ctx->a, "/calendars/%s/acl", id));
}

void gc_cl_watch(twin_ctx *ctx)
{
    watch(ctx, "calendarList", NULL, "/users/me/calendarList");
}

void gc_settings_watch(twin_ctx *ctx)
{
    watch(ctx, "settings", NULL, "/users/me/settings");
}

void gc_channels_stop(twin_ctx *ctx)
{
    const char *id = json_get_str(ctx->body, "id"), *rid = json_get_str(ctx->body, "resourceId");
    if (!id || !*id) return gc_required(ctx, "Required");
    json_value *ch = twin_doc_get(ctx, "channels", id);
    if (!ch || (rid && !str_eq(rid, json_get_str(ch, "resourceId"))))
        return gc_error(ctx, 404, "global", "notFound",
                        arena_printf(ctx->a, "Channel '%s' not found for project 'twins'", id));
    twin_doc_delete(ctx, "channels", id);
    gc_no_content(ctx);
}
