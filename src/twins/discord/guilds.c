/* Discord twin: guilds, guild channels, channels, boost levels and the
 * bot's own guild list. */
#include <stdlib.h>
#include <string.h>

#include "runs/runs.h"
#include "twins/discord/discord.h"
#include "util/util.h"

#define MB (1024LL * 1024)
#define EVERYONE_PERMS "2248473465835073"

/* ---- boost levels: the seed's table, overridable per limit ---- */

static const int64_t upload_mb[4] = {25, 25, 50, 100};
static const int64_t emoji_slots[4] = {50, 100, 150, 250};
static const int64_t boost_count[4] = {0, 2, 7, 14};

int dc_boost_level(twin_ctx *ctx, const json_value *guild)
{
    int64_t v;
    if (json_int64(json_get(ctx->config, "guild_boost_level"), &v) && v >= 0 && v <= 3) return (int)v;
    if (json_int64(json_get(guild, "_premium_tier"), &v) && v >= 0 && v <= 3) return (int)v;
    return 0;
}

int64_t dc_max_upload(twin_ctx *ctx, const json_value *guild)
{
    int64_t v;
    if (json_int64(json_get(ctx->config, "max_file_upload_bytes"), &v) && v > 0) return v;
    return upload_mb[dc_boost_level(ctx, guild)] * MB;
}

int64_t dc_max_emojis(twin_ctx *ctx, const json_value *guild)
{
    int64_t v;
    if (json_int64(json_get(ctx->config, "max_emoji_slots"), &v) && v >= 0) return v;
    return emoji_slots[dc_boost_level(ctx, guild)];
}

static json_value *boost_view(twin_ctx *ctx, bool ok)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *l = json_object(a);
    if (ok) json_set_bool(a, o, "ok", true);
    json_set_int(a, o, "guild_boost_level", dc_boost_level(ctx, NULL));
    json_set_int(a, l, "max_file_upload_bytes", dc_max_upload(ctx, NULL));
    json_set_int(a, l, "max_emoji_slots", dc_max_emojis(ctx, NULL));
    json_set(a, o, "limits", l);
    return o;
}

/* GET/POST <admin>/admin/boost-level: the config's guild_boost_level and the
 * limits it gives (POST {"guild_boost_level": 0..3} merges it into config). */
void dc_admin_boost(twin_ctx *ctx)
{
    if (str_eq(ctx->req->method, "POST")) {
        int64_t level;
        if (!json_int64(json_get(ctx->body, "guild_boost_level"), &level) || level < 0 || level > 3) {
            json_value *o = json_object(ctx->a);
            json_set_bool(ctx->a, o, "ok", false);
            json_set_str(ctx->a, o, "detail", "guild_boost_level must be an integer from 0 to 3");
            return twin_reply_json(ctx, 400, o);
        }
        json_value *patch = json_object(ctx->a);
        json_set_int(ctx->a, patch, "guild_boost_level", level);
        runs_set_config(ctx->inst->run, ctx->inst, patch, true);
        ctx->config = ctx->inst->config;
        return twin_reply_json(ctx, 200, boost_view(ctx, true));
    }
    twin_reply_json(ctx, 200, boost_view(ctx, false));
}

/* ---- loading ---- */

json_value *dc_guild_load(twin_ctx *ctx, const char *id)
{
    json_value *g = id ? twin_doc_get(ctx, "guilds", id) : NULL;
    if (!g) dc_error(ctx, 404, DC_UNKNOWN_GUILD, "Unknown Guild");
    return g;
}

json_value *dc_channel_load(twin_ctx *ctx, const char *id)
{
    json_value *c = id ? twin_doc_get(ctx, "channels", id) : NULL;
    if (!c) dc_error(ctx, 404, DC_UNKNOWN_CHANNEL, "Unknown Channel");
    return dc_thread_settle(ctx, c);
}

static json_value *guild_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "guild_id");
    return id ? dc_guild_load(ctx, id) : NULL;
}

static json_value *channel_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "channel_id");
    return id ? dc_channel_load(ctx, id) : NULL;
}

bool dc_is_thread(const json_value *c)
{
    int64_t t = -1;
    json_int64(json_get(c, "type"), &t);
    return t == 10 || t == 11 || t == 12;
}

/* ---- roles ---- */

json_value *dc_role_new(twin_ctx *ctx, const char *guild_id, const char *id, const char *name, const char *perms)
{
    arena *a = ctx->a;
    if (!id) id = dc_snowflake(ctx);
    json_value *r = json_object(a);
    json_set_str(a, r, "id", id);
    json_set_str(a, r, "name", name);
    json_set_str(a, r, "permissions", perms ? perms : "0");
    json_set_int(a, r, "position", str_eq(id, guild_id) ? 0 : twin_doc_count(ctx, "roles", "guild", guild_id));
    json_set_int(a, r, "color", 0);
    json_set_bool(a, r, "hoist", false);
    json_set_bool(a, r, "managed", false);
    json_set_bool(a, r, "mentionable", false);
    json_set_null(a, r, "icon");
    json_set_null(a, r, "unicode_emoji");
    json_set_int(a, r, "flags", 0);
    json_set_str(a, r, "_guild", guild_id);
    dc_save(ctx, "roles", id, r, "guild", guild_id, NULL, NULL);
    return r;
}

json_value *dc_guild_roles(twin_ctx *ctx, const char *guild_id)
{
    twin_list l = dc_list_by_position(ctx, "roles", guild_id);
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(arr, dc_role_render(ctx, l.items[i]));
    return arr;
}

/* ---- guilds ---- */

json_value *dc_guild_create(twin_ctx *ctx, const char *name, int premium_tier, const char *owner_id)
{
    arena *a = ctx->a;
    const char *id = dc_snowflake(ctx);
    json_value *g = json_object(a);
    json_set_str(a, g, "id", id);
    json_set_str(a, g, "name", name);
    json_set_null(a, g, "description");
    json_set_str(a, g, "owner_id", owner_id ? owner_id : dc_bot_id(ctx));
    json_set_null(a, g, "system_channel_id");
    json_set_int(a, g, "verification_level", 0);
    json_set_int(a, g, "default_message_notifications", 0);
    json_set_int(a, g, "explicit_content_filter", 0);
    json_set_int(a, g, "afk_timeout", 300);
    json_set_null(a, g, "afk_channel_id");
    json_set_str(a, g, "preferred_locale", "en-US");
    if (premium_tier >= 0) json_set_int(a, g, "_premium_tier", premium_tier);
    dc_save(ctx, "guilds", id, g, NULL, NULL, NULL, NULL);
    dc_role_new(ctx, id, id, "@everyone", EVERYONE_PERMS);
    dc_member_add(ctx, id, dc_bot_id(ctx), NULL);
    return g;
}

static json_value *emojis_of(twin_ctx *ctx, const char *guild_id);

static json_value *guild_render(twin_ctx *ctx, const json_value *g, bool counts)
{
    arena *a = ctx->a;
    const char *id = json_get_str(g, "id");
    int level = dc_boost_level(ctx, g);
    json_value *o = json_object(a);
    json_set_str(a, o, "id", id);
    json_set_str(a, o, "name", json_get_str(g, "name"));
    static const char *const nulls[] = {"icon", "home_header", "splash", "discovery_splash", "banner",
                                        "application_id", "widget_channel_id", "vanity_url_code",
                                        "rules_channel_id", "safety_alerts_channel_id", "public_updates_channel_id",
                                        "max_presences", "incidents_data", NULL};
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, o, nulls[i]);
    json_set(a, o, "description", json_clone(a, json_get(g, "description")));
    json_set(a, o, "features", json_array(a));
    json_set_str(a, o, "owner_id", json_get_str(g, "owner_id"));
    json_set_str(a, o, "region", "deprecated");
    json_set(a, o, "afk_channel_id", json_clone(a, json_get(g, "afk_channel_id")));
    json_set(a, o, "afk_timeout", json_clone(a, json_get(g, "afk_timeout")));
    json_set(a, o, "system_channel_id", json_clone(a, json_get(g, "system_channel_id")));
    json_set_int(a, o, "system_channel_flags", 0);
    json_set_bool(a, o, "widget_enabled", false);
    json_set(a, o, "verification_level", json_clone(a, json_get(g, "verification_level")));
    json_set(a, o, "roles", dc_guild_roles(ctx, id));
    json_set(a, o, "default_message_notifications", json_clone(a, json_get(g, "default_message_notifications")));
    json_set_int(a, o, "mfa_level", 0);
    json_set(a, o, "explicit_content_filter", json_clone(a, json_get(g, "explicit_content_filter")));
    json_set_int(a, o, "max_members", 500000);
    json_set_int(a, o, "max_stage_video_channel_users", 50);
    json_set_int(a, o, "max_video_channel_users", 25);
    json_set_int(a, o, "premium_tier", level);
    json_set_int(a, o, "premium_subscription_count", boost_count[level]);
    json_set_str(a, o, "preferred_locale", json_get_str(g, "preferred_locale"));
    json_set_bool(a, o, "premium_progress_bar_enabled", false);
    json_set_bool(a, o, "nsfw", false);
    json_set_int(a, o, "nsfw_level", 0);
    json_set(a, o, "emojis", emojis_of(ctx, id));
    json_set(a, o, "stickers", json_array(a));
    if (counts) {
        json_set_int(a, o, "approximate_member_count", twin_doc_count(ctx, "members", "guild", id));
        json_set_int(a, o, "approximate_presence_count", 0);
    }
    return o;
}

void dc_guild_get(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (g) twin_reply_json(ctx, 200, guild_render(ctx, g, dc_bool_arg(ctx, "with_counts")));
}

/* Optional channel-id member of a PATCH body: null clears, else it must name
 * a channel of the guild. */
static bool patch_channel_ref(twin_ctx *ctx, json_value *g, const char *field)
{
    json_value *v = json_get(ctx->body, field);
    if (!v) return true;
    if (json_is_null(v)) {
        json_set_null(ctx->a, g, field);
        return true;
    }
    json_value *c = json_str(v) ? twin_doc_get(ctx, "channels", json_str(v)) : NULL;
    if (!c || !str_eq(json_get_str(c, "guild_id"), json_get_str(g, "id"))) {
        dc_form_error(ctx, field, "CHANNEL_INVALID", "Invalid channel");
        return false;
    }
    json_set_str(ctx->a, g, field, json_str(v));
    return true;
}

void dc_guild_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_MANAGE_GUILD)) return;
    json_value *name = json_get(ctx->body, "name");
    if (name) {
        if (!dc_check_len(ctx, "name", json_str(name), 2, 100)) return;
        json_set_str(a, g, "name", json_str(name));
    }
    json_value *d = json_get(ctx->body, "description");
    if (d) json_set(a, g, "description", json_str(d) ? json_string(a, json_str(d)) : json_null(a));
    static const struct { const char *field; int64_t lo, hi; } ints[] = {
        {"verification_level", 0, 4}, {"default_message_notifications", 0, 1}, {"explicit_content_filter", 0, 2}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!json_get(ctx->body, ints[i].field)) continue;
        int64_t v;
        if (!dc_int_arg(ctx, ints[i].field, 0, ints[i].lo, ints[i].hi, &v)) return;
        json_set_int(a, g, ints[i].field, v);
    }
    if (json_get(ctx->body, "afk_timeout")) {
        int64_t v;
        if (!dc_int_arg(ctx, "afk_timeout", 300, 60, 3600, &v)) return;
        if (v != 60 && v != 300 && v != 900 && v != 1800 && v != 3600)
            return dc_form_error(ctx, "afk_timeout", "BASE_TYPE_CHOICES",
                                 "Value must be one of {60, 300, 900, 1800, 3600}.");
        json_set_int(a, g, "afk_timeout", v);
    }
    if (!patch_channel_ref(ctx, g, "system_channel_id") || !patch_channel_ref(ctx, g, "afk_channel_id")) return;
    const char *loc = json_get_str(ctx->body, "preferred_locale");
    if (loc) json_set_str(a, g, "preferred_locale", loc);
    dc_save(ctx, "guilds", json_get_str(g, "id"), g, NULL, NULL, NULL, NULL);
    dc_event(ctx, "GUILD_UPDATE", guild_render(ctx, g, false));
    twin_reply_json(ctx, 200, guild_render(ctx, g, false));
}

void dc_me_guilds(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 200, 1, 200, &limit)) return;
    uint64_t before = dc_sf(json_get_str(ctx->query, "before")), after = dc_sf(json_get_str(ctx->query, "after"));
    bool counts = dc_bool_arg(ctx, "with_counts");
    twin_list l = dc_list(ctx, "guilds", NULL, NULL);
    json_value *out = json_array(a);
    for (size_t i = 0; i < l.n && (int64_t)out->len < limit; i++) {
        const json_value *g = l.items[i];
        const char *id = json_get_str(g, "id");
        uint64_t n = dc_sf(id);
        if ((before && n >= before) || (after && n <= after)) continue;
        json_value *o = json_object(a);
        json_set_str(a, o, "id", id);
        json_set_str(a, o, "name", json_get_str(g, "name"));
        json_set_null(a, o, "icon");
        json_set_null(a, o, "banner");
        json_set_bool(a, o, "owner", str_eq(json_get_str(g, "owner_id"), dc_bot_id(ctx)));
        json_set_str(a, o, "permissions",
                     arena_printf(a, "%llu", (unsigned long long)dc_perms_guild(ctx, g, dc_bot_id(ctx))));
        json_set(a, o, "features", json_array(a));
        if (counts) {
            json_set_int(a, o, "approximate_member_count", twin_doc_count(ctx, "members", "guild", id));
            json_set_int(a, o, "approximate_presence_count", 0);
        }
        json_push(out, o);
    }
    twin_reply_json(ctx, 200, out);
}

/* ---- channels ---- */

json_value *dc_channel_create(twin_ctx *ctx, const json_value *guild, const char *name, int type, const char *topic,
                              const char *parent_id)
{
    arena *a = ctx->a;
    const char *gid = json_get_str(guild, "id");
    const char *id = dc_snowflake(ctx);
    int64_t pos = 0;
    twin_list l = dc_list(ctx, "channels", "guild", gid);
    for (size_t i = 0; i < l.n; i++) pos += !dc_is_thread(l.items[i]);
    json_value *c = json_object(a);
    json_set_str(a, c, "id", id);
    json_set_int(a, c, "type", type);
    json_set_null(a, c, "last_message_id");
    json_set_int(a, c, "flags", 0);
    json_set_str(a, c, "guild_id", gid);
    json_set_str(a, c, "name", name);
    json_set_str(a, c, "parent_id", parent_id);
    json_set_int(a, c, "rate_limit_per_user", 0);
    json_set_int(a, c, "position", pos);
    json_set(a, c, "permission_overwrites", json_array(a));
    json_set_bool(a, c, "nsfw", false);
    if (type == 2 || type == 13) {
        json_set_int(a, c, "bitrate", 64000);
        json_set_int(a, c, "user_limit", 0);
        json_set_null(a, c, "rtc_region");
    } else if (type != 4) {
        json_set_str(a, c, "topic", topic);
    }
    if (type == 15) json_set(a, c, "available_tags", json_array(a));
    dc_save(ctx, "channels", id, c, "guild", gid, NULL, NULL);
    /* The first text channel is where Discord posts system messages. */
    if (type == 0 && json_is_null(json_get(guild, "system_channel_id"))) {
        json_value *g = json_clone(a, guild);
        json_set_str(a, g, "system_channel_id", id);
        dc_save(ctx, "guilds", gid, g, NULL, NULL, NULL, NULL);
    }
    return c;
}

json_value *dc_channel_render(twin_ctx *ctx, const json_value *c)
{
    return dc_public(ctx->a, c);
}

void dc_guild_channels(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    twin_list l = dc_list_by_position(ctx, "channels", json_get_str(g, "id"));
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (!dc_is_thread(l.items[i])) json_push(out, dc_channel_render(ctx, l.items[i]));
    twin_reply_json(ctx, 200, out);
}

static bool valid_guild_type(int64_t t)
{
    return t == 0 || t == 2 || t == 4 || t == 5 || t == 13 || t == 15;
}

/* A category that parents a channel must be a category of the same guild. */
static bool parent_ok(twin_ctx *ctx, const char *guild_id, const char *parent_id)
{
    json_value *p = twin_doc_get(ctx, "channels", parent_id);
    int64_t t = -1;
    json_int64(json_get(p, "type"), &t);
    if (p && t == 4 && str_eq(json_get_str(p, "guild_id"), guild_id)) return true;
    dc_form_error(ctx, "parent_id", "CHANNEL_PARENT_INVALID", "Invalid parent channel");
    return false;
}

void dc_guild_channel_create(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_MANAGE_CHANNELS)) return;
    json_value *ow = json_get(ctx->body, "permission_overwrites");
    if (ow && !json_is_null(ow)) {
        if (!dc_require_guild(ctx, g, DC_MANAGE_ROLES) || !(ow = dc_overwrites_from(ctx, g, ow))) return;
    } else {
        ow = NULL;
    }
    const char *name = json_get_str(ctx->body, "name");
    if (!dc_check_len(ctx, "name", name, 1, 100)) return;
    int64_t type;
    if (!dc_int_arg(ctx, "type", 0, 0, 16, &type)) return;
    if (!valid_guild_type(type))
        return dc_form_error(ctx, "type", "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5, 13, 14, 15}.");
    const char *topic = json_get_str(ctx->body, "topic");
    if (topic && !dc_check_len(ctx, "topic", topic, 0, 1024)) return;
    const char *parent = json_get_str(ctx->body, "parent_id");
    if (parent && !parent_ok(ctx, json_get_str(g, "id"), parent)) return;
    json_value *c = dc_channel_create(ctx, g, name, (int)type, topic, parent);
    arena *a = ctx->a;
    if (json_get(ctx->body, "nsfw")) json_set_bool(a, c, "nsfw", json_truthy(json_get(ctx->body, "nsfw")));
    int64_t v;
    if (json_get(ctx->body, "rate_limit_per_user")) {
        if (!dc_int_arg(ctx, "rate_limit_per_user", 0, 0, 21600, &v)) return;
        json_set_int(a, c, "rate_limit_per_user", v);
    }
    if (json_get(ctx->body, "position")) {
        if (!dc_int_arg(ctx, "position", 0, 0, 1000000, &v)) return;
        json_set_int(a, c, "position", v);
    }
    if (ow) json_set(a, c, "permission_overwrites", ow);
    dc_save(ctx, "channels", json_get_str(c, "id"), c, "guild", json_get_str(g, "id"), NULL, NULL);
    json_value *out = dc_channel_render(ctx, c);
    dc_event(ctx, "CHANNEL_CREATE", out);
    twin_reply_json(ctx, 201, out);
}

void dc_channel_get(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (c && dc_require_channel(ctx, c, 0)) twin_reply_json(ctx, 200, dc_channel_render(ctx, c));
}

/* Editing or deleting a thread takes MANAGE_THREADS unless the bot started
 * it; any other channel takes MANAGE_CHANNELS. */
static bool may_manage_channel(twin_ctx *ctx, const json_value *c)
{
    if (!dc_is_thread(c)) return dc_require_channel(ctx, c, DC_MANAGE_CHANNELS);
    return dc_require_channel(ctx, c, str_eq(json_get_str(c, "owner_id"), dc_bot_id(ctx)) ? 0 : DC_MANAGE_THREADS);
}

void dc_channel_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = channel_param(ctx);
    if (!c || !may_manage_channel(ctx, c)) return;
    const char *gid = json_get_str(c, "guild_id");
    json_value *name = json_get(ctx->body, "name");
    if (name) {
        if (!dc_check_len(ctx, "name", json_str(name), 1, 100)) return;
        json_set_str(a, c, "name", json_str(name));
    }
    if (dc_is_thread(c)) {
        if (!dc_thread_update(ctx, c)) return;
    } else {
        json_value *topic = json_get(ctx->body, "topic");
        if (topic) {
            if (json_str(topic) && !dc_check_len(ctx, "topic", json_str(topic), 0, 1024)) return;
            json_set(a, c, "topic", json_str(topic) ? json_string(a, json_str(topic)) : json_null(a));
        }
        if (json_get(ctx->body, "nsfw")) json_set_bool(a, c, "nsfw", json_truthy(json_get(ctx->body, "nsfw")));
        json_value *parent = json_get(ctx->body, "parent_id");
        if (parent) {
            if (json_str(parent) && !parent_ok(ctx, gid, json_str(parent))) return;
            json_set(a, c, "parent_id", json_str(parent) ? json_string(a, json_str(parent)) : json_null(a));
        }
        json_value *ow = json_get(ctx->body, "permission_overwrites");
        if (ow && !json_is_null(ow)) {
            json_value *g = twin_doc_get(ctx, "guilds", gid);
            if (!dc_require_channel(ctx, c, DC_MANAGE_ROLES) || !(ow = dc_overwrites_from(ctx, g, ow))) return;
            json_set(a, c, "permission_overwrites", ow);
        }
        int64_t v;
        if (json_get(ctx->body, "position")) {
            if (!dc_int_arg(ctx, "position", 0, 0, 1000000, &v)) return;
            json_set_int(a, c, "position", v);
        }
        if (json_get(ctx->body, "type")) {
            int64_t cur = 0;
            json_int64(json_get(c, "type"), &cur);
            if (!dc_int_arg(ctx, "type", cur, 0, 16, &v)) return;
            /* Only text and announcement channels convert into each other. */
            if (v != cur && !((cur == 0 && v == 5) || (cur == 5 && v == 0)))
                return dc_form_error(ctx, "type", "BASE_TYPE_CHOICES", "Value must be one of {0, 5}.");
            json_set_int(a, c, "type", v);
        }
    }
    int64_t v;
    if (json_get(ctx->body, "rate_limit_per_user")) {
        if (!dc_int_arg(ctx, "rate_limit_per_user", 0, 0, 21600, &v)) return;
        json_set_int(a, c, "rate_limit_per_user", v);
    }
    dc_save(ctx, "channels", json_get_str(c, "id"), c, "guild", gid, "parent",
            dc_is_thread(c) ? json_get_str(c, "parent_id") : NULL);
    json_value *out = dc_channel_render(ctx, c);
    dc_event(ctx, dc_is_thread(c) ? "THREAD_UPDATE" : "CHANNEL_UPDATE", out);
    twin_reply_json(ctx, 200, out);
}

static void delete_messages_of(twin_ctx *ctx, const char *channel_id)
{
    twin_list l = dc_list(ctx, "messages", "channel", channel_id);
    for (size_t i = 0; i < l.n; i++) twin_doc_delete(ctx, "messages", json_get_str(l.items[i], "id"));
}

void dc_channel_delete(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c || !may_manage_channel(ctx, c)) return;
    const char *id = json_get_str(c, "id");
    delete_messages_of(ctx, id);
    /* Threads go with their parent channel. */
    twin_list threads = dc_list(ctx, "channels", "parent", id);
    for (size_t i = 0; i < threads.n; i++) {
        delete_messages_of(ctx, json_get_str(threads.items[i], "id"));
        dc_thread_members_drop(ctx, json_get_str(threads.items[i], "id"));
        twin_doc_delete(ctx, "channels", json_get_str(threads.items[i], "id"));
    }
    if (dc_is_thread(c)) dc_thread_members_drop(ctx, id);
    twin_doc_delete(ctx, "channels", id);
    json_value *out = dc_channel_render(ctx, c);
    dc_event(ctx, dc_is_thread(c) ? "THREAD_DELETE" : "CHANNEL_DELETE", out);
    twin_reply_json(ctx, 200, out);
}

/* ---- permission overwrites ---- */

/* The channel whose overwrites the path names: not a thread or a DM (they have none). */
static json_value *overwrite_channel(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c || !dc_param_sf(ctx, "overwrite_id")) return NULL;
    if (dc_is_thread(c) || !json_get_str(c, "guild_id")) {
        dc_error(ctx, 400, 50024, "Cannot execute action on this channel type");
        return NULL;
    }
    return dc_require_channel(ctx, c, DC_MANAGE_ROLES) ? c : NULL;
}

/* The channel's overwrites without the one for id; *had says whether it was there. */
static json_value *overwrites_without(twin_ctx *ctx, const json_value *c, const char *id, bool *had)
{
    json_value *out = json_array(ctx->a);
    *had = false;
    json_foreach(o, json_get(c, "permission_overwrites")) {
        if (str_eq(json_get_str(o, "id"), id)) *had = true;
        else json_push(out, json_clone(ctx->a, o));
    }
    return out;
}

static void overwrites_save(twin_ctx *ctx, json_value *c, json_value *overwrites)
{
    json_set(ctx->a, c, "permission_overwrites", overwrites);
    dc_save(ctx, "channels", json_get_str(c, "id"), c, "guild", json_get_str(c, "guild_id"), NULL, NULL);
    dc_event(ctx, "CHANNEL_UPDATE", dc_channel_render(ctx, c));
    dc_no_content(ctx);
}

/* PUT /channels/{id}/permissions/{overwrite_id} {type, allow, deny}: creates or
 * replaces the overwrite.  Like Discord, the bot can allow or deny only
 * permissions it has in the channel itself. */
void dc_overwrite_put(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = overwrite_channel(ctx);
    if (!c) return;
    const char *id = twin_param(ctx, "overwrite_id");
    json_value *in = ctx->body && ctx->body->type == JSON_OBJECT ? json_clone(a, ctx->body) : json_object(a);
    json_set_str(a, in, "id", id);
    json_value *o = dc_overwrite_from(ctx, twin_doc_get(ctx, "guilds", json_get_str(c, "guild_id")), in, "");
    if (!o) return;
    uint64_t wanted = dc_perm_parse(json_get(o, "allow")) | dc_perm_parse(json_get(o, "deny"));
    if (wanted & ~dc_perms_channel(ctx, c, dc_bot_id(ctx))) return dc_missing_permissions(ctx);
    bool had;
    json_value *list = overwrites_without(ctx, c, id, &had);
    json_push(list, o);
    overwrites_save(ctx, c, list);
}

void dc_overwrite_delete(twin_ctx *ctx)
{
    json_value *c = overwrite_channel(ctx);
    if (!c) return;
    bool had;
    json_value *list = overwrites_without(ctx, c, twin_param(ctx, "overwrite_id"), &had);
    if (had) overwrites_save(ctx, c, list);
    else dc_no_content(ctx);
}

/* ---- emojis ---- */

static json_value *emoji_render(twin_ctx *ctx, const json_value *e)
{
    json_value *o = dc_public(ctx->a, e);
    json_value *u = dc_user_find(ctx, json_get_str(e, "_user"));
    if (u) json_set(ctx->a, o, "user", u);
    return o;
}

static json_value *emojis_of(twin_ctx *ctx, const char *guild_id)
{
    twin_list l = dc_list(ctx, "emojis", "guild", guild_id);
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(arr, emoji_render(ctx, l.items[i]));
    return arr;
}

void dc_emojis_list(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (g) twin_reply_json(ctx, 200, emojis_of(ctx, json_get_str(g, "id")));
}

static json_value *emoji_param(twin_ctx *ctx, json_value **guild)
{
    json_value *g = guild_param(ctx);
    if (!g) return NULL;
    const char *id = dc_param_sf(ctx, "emoji_id");
    if (!id) return NULL;
    json_value *e = twin_doc_get(ctx, "emojis", id);
    if (!e || !str_eq(json_get_str(e, "_guild"), json_get_str(g, "id"))) {
        dc_error(ctx, 404, DC_UNKNOWN_EMOJI, "Unknown Emoji");
        return NULL;
    }
    if (guild) *guild = g;
    return e;
}

void dc_emoji_get(twin_ctx *ctx)
{
    json_value *e = emoji_param(ctx, NULL);
    if (e) twin_reply_json(ctx, 200, emoji_render(ctx, e));
}

static bool emoji_name_ok(twin_ctx *ctx, const char *name)
{
    if (!dc_check_len(ctx, "name", name, 2, 32)) return false;
    for (const char *p = name; *p; p++) {
        if (!(*p == '_' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
            dc_form_error(ctx, "name", "STRING_TYPE_REGEX", "String value did not match validation regex.");
            return false;
        }
    }
    return true;
}

static bool roles_valid(twin_ctx *ctx, const char *guild_id, const json_value *roles, const char *field)
{
    json_foreach(r, roles) {
        json_value *role = json_str(r) ? twin_doc_get(ctx, "roles", json_str(r)) : NULL;
        if (!role || !str_eq(json_get_str(role, "_guild"), guild_id)) {
            dc_form_error(ctx, field, "GUILD_ROLE_INVALID", "Invalid role");
            return false;
        }
    }
    return true;
}

void dc_emoji_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *g = guild_param(ctx);
    if (!g) return;
    uint64_t p = dc_perms_guild(ctx, g, dc_bot_id(ctx));
    if (!(p & (DC_CREATE_GUILD_EXPRESSIONS | DC_MANAGE_GUILD_EXPRESSIONS)))
        return (void)dc_require_guild(ctx, g, DC_CREATE_GUILD_EXPRESSIONS);
    const char *gid = json_get_str(g, "id");
    const char *name = json_get_str(ctx->body, "name");
    if (!emoji_name_ok(ctx, name)) return;
    const char *image = json_get_str(ctx->body, "image");
    if (!image) return dc_form_error(ctx, "image", "BASE_TYPE_REQUIRED", "This field is required");
    if (!str_starts_with(image, "data:image/") || !strstr(image, ";base64,"))
        return dc_form_error(ctx, "image", "IMAGE_INVALID", "Invalid image data");
    json_value *roles = json_get(ctx->body, "roles");
    if (roles && !roles_valid(ctx, gid, roles, "roles")) return;
    int64_t max = dc_max_emojis(ctx, g);
    if (twin_doc_count(ctx, "emojis", "guild", gid) >= max)
        return dc_error(ctx, 400, DC_MAX_EMOJIS, arena_printf(a, "Maximum number of emojis reached (%lld)", (long long)max));
    const char *id = dc_snowflake(ctx);
    json_value *e = json_object(a);
    json_set_str(a, e, "id", id);
    json_set_str(a, e, "name", name);
    json_set(a, e, "roles", roles && roles->type == JSON_ARRAY ? json_clone(a, roles) : json_array(a));
    json_set_bool(a, e, "require_colons", true);
    json_set_bool(a, e, "managed", false);
    json_set_bool(a, e, "animated", str_starts_with(image, "data:image/gif"));
    json_set_bool(a, e, "available", true);
    json_set_str(a, e, "_guild", gid);
    json_set_str(a, e, "_user", dc_bot_id(ctx));
    dc_save(ctx, "emojis", id, e, "guild", gid, NULL, NULL);
    dc_event(ctx, "GUILD_EMOJIS_UPDATE", emojis_of(ctx, gid));
    twin_reply_json(ctx, 201, emoji_render(ctx, e));
}

/* MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS for the bot's own emoji. */
static bool may_manage_emoji(twin_ctx *ctx, const json_value *g, const json_value *e)
{
    bool own = str_eq(json_get_str(e, "_user"), dc_bot_id(ctx));
    if (own && (dc_perms_guild(ctx, g, dc_bot_id(ctx)) & DC_CREATE_GUILD_EXPRESSIONS)) return true;
    return dc_require_guild(ctx, g, DC_MANAGE_GUILD_EXPRESSIONS);
}

void dc_emoji_update(twin_ctx *ctx)
{
    json_value *g = NULL, *e = emoji_param(ctx, &g);
    if (!e || !may_manage_emoji(ctx, g, e)) return;
    const char *gid = json_get_str(g, "id");
    const char *name = json_get_str(ctx->body, "name");
    if (name) {
        if (!emoji_name_ok(ctx, name)) return;
        json_set_str(ctx->a, e, "name", name);
    }
    json_value *roles = json_get(ctx->body, "roles");
    if (roles && roles->type == JSON_ARRAY) {
        if (!roles_valid(ctx, gid, roles, "roles")) return;
        json_set(ctx->a, e, "roles", json_clone(ctx->a, roles));
    }
    dc_save(ctx, "emojis", json_get_str(e, "id"), e, "guild", gid, NULL, NULL);
    twin_reply_json(ctx, 200, emoji_render(ctx, e));
}

void dc_emoji_delete(twin_ctx *ctx)
{
    json_value *g = NULL, *e = emoji_param(ctx, &g);
    if (!e || !may_manage_emoji(ctx, g, e)) return;
    twin_doc_delete(ctx, "emojis", json_get_str(e, "id"));
    dc_event(ctx, "GUILD_EMOJIS_UPDATE", emojis_of(ctx, json_get_str(g, "id")));
    dc_no_content(ctx);
}

/* ---- direct messages ---- */

/* POST /users/@me/channels {recipient_id}: the DM channel with that user,
 * the same one every time, as Discord does. */
void dc_dm_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *uid = json_get_str(ctx->body, "recipient_id");
    if (!uid) return dc_form_error(ctx, "recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
    json_value *user = dc_sf(uid) ? dc_user_find(ctx, uid) : NULL;
    if (!user) return dc_error(ctx, 404, DC_UNKNOWN_USER, "Unknown User");
    twin_list l = dc_list(ctx, "channels", "dm", uid);
    json_value *c = l.n ? l.items[0] : NULL;
    if (!c) {
        const char *id = dc_snowflake(ctx);
        c = json_object(a);
        json_set_str(a, c, "id", id);
        json_set_int(a, c, "type", 1);
        json_set_null(a, c, "last_message_id");
        json_set_int(a, c, "flags", 0);
        json_value *rc = json_array(a);
        json_push(rc, user);
        json_set(a, c, "recipients", rc);
        dc_save(ctx, "channels", id, c, "dm", uid, NULL, NULL);
    }
    twin_reply_json(ctx, 200, dc_channel_render(ctx, c));
}
