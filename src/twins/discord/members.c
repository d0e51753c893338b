/* Discord twin: guild members, roles, bans and invites. */
#include <stdlib.h>
#include <string.h>

#include "twins/discord/discord.h"
#include "util/util.h"

static json_value *guild_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "guild_id");
    return id ? dc_guild_load(ctx, id) : NULL;
}

static const char *member_key(twin_ctx *ctx, const char *guild_id, const char *user_id)
{
    return arena_printf(ctx->a, "%s:%s", guild_id, user_id);
}

static int cmp_user_id(const void *x, const void *y)
{
    uint64_t a = dc_sf(json_get_str(*(json_value *const *)x, "user_id"));
    uint64_t b = dc_sf(json_get_str(*(json_value *const *)y, "user_id"));
    return a < b ? -1 : a > b;
}

/* The reason @discordjs/rest sends in X-Audit-Log-Reason (percent-encoded). */
static const char *audit_reason(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "X-Audit-Log-Reason");
    if (!h) return json_get_str(ctx->body, "reason");
    return http_percent_decode(ctx->a, h, strlen(h), false, NULL);
}

/* ---- members ---- */

void dc_member_add(twin_ctx *ctx, const char *guild_id, const char *user_id, const json_value *roles)
{
    arena *a = ctx->a;
    json_value *m = json_object(a);
    json_set_str(a, m, "guild_id", guild_id);
    json_set_str(a, m, "user_id", user_id);
    json_set_null(a, m, "nick");
    json_set(a, m, "roles", roles ? json_clone(a, roles) : json_array(a));
    json_set_str(a, m, "joined_at", dc_now_iso(ctx));
    json_set_bool(a, m, "deaf", false);
    json_set_bool(a, m, "mute", false);
    json_set_null(a, m, "communication_disabled_until");
    dc_save(ctx, "members", member_key(ctx, guild_id, user_id), m, "guild", guild_id, NULL, NULL);
}

json_value *dc_member_render(twin_ctx *ctx, const json_value *m)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_null(a, o, "avatar");
    json_set_null(a, o, "banner");
    json_set(a, o, "communication_disabled_until", json_clone(a, json_get(m, "communication_disabled_until")));
    json_set_int(a, o, "flags", 0);
    json_set_str(a, o, "joined_at", json_get_str(m, "joined_at"));
    json_set(a, o, "nick", json_clone(a, json_get(m, "nick")));
    json_set_bool(a, o, "pending", false);
    json_set_null(a, o, "premium_since");
    json_set(a, o, "roles", json_clone(a, json_get(m, "roles")));
    json_value *u = dc_user_find(ctx, json_get_str(m, "user_id"));
    json_set(a, o, "user", u ? u : json_object(a));
    json_set_bool(a, o, "mute", json_truthy(json_get(m, "mute")));
    json_set_bool(a, o, "deaf", json_truthy(json_get(m, "deaf")));
    return o;
}

static json_value *member_param(twin_ctx *ctx, json_value **guild)
{
    json_value *g = guild_param(ctx);
    if (!g) return NULL;
    const char *uid = dc_param_sf(ctx, "user_id");
    if (!uid) return NULL;
    json_value *m = twin_doc_get(ctx, "members", member_key(ctx, json_get_str(g, "id"), uid));
    if (!m) {
        dc_error(ctx, 404, DC_UNKNOWN_MEMBER, "Unknown Member");
        return NULL;
    }
    if (guild) *guild = g;
    return m;
}

void dc_members_list(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 1, 1, 1000, &limit)) return;
    uint64_t after = dc_sf(json_get_str(ctx->query, "after"));
    twin_list l = dc_list(ctx, "members", "guild", json_get_str(g, "id"));
    qsort(l.items, l.n, sizeof *l.items, cmp_user_id);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n && (int64_t)out->len < limit; i++)
        if (dc_sf(json_get_str(l.items[i], "user_id")) > after) json_push(out, dc_member_render(ctx, l.items[i]));
    twin_reply_json(ctx, 200, out);
}

void dc_member_get(twin_ctx *ctx)
{
    json_value *m = member_param(ctx, NULL);
    if (m) twin_reply_json(ctx, 200, dc_member_render(ctx, m));
}

void dc_me_guild_member(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    json_value *m = twin_doc_get(ctx, "members", member_key(ctx, json_get_str(g, "id"), dc_bot_id(ctx)));
    if (!m) return dc_error(ctx, 404, DC_UNKNOWN_GUILD, "Unknown Guild");
    twin_reply_json(ctx, 200, dc_member_render(ctx, m));
}

static void save_member(twin_ctx *ctx, const json_value *m)
{
    const char *gid = json_get_str(m, "guild_id");
    dc_save(ctx, "members", member_key(ctx, gid, json_get_str(m, "user_id")), m, "guild", gid, NULL, NULL);
}

/* Role ids in a but not in b, or in b but not in a: the roles a PATCH changes. */
static bool roles_changed_below(twin_ctx *ctx, const json_value *g, const json_value *a, const json_value *b)
{
    for (int pass = 0; pass < 2; pass++) {
        json_foreach(x, pass ? b : a) {
            bool both = false;
            json_foreach(y, pass ? a : b) both |= str_eq(json_str(x), json_str(y));
            json_value *role = both ? NULL : twin_doc_get(ctx, "roles", json_str(x));
            if (role && !dc_require_role_below(ctx, g, role)) return false;
        }
    }
    return true;
}

/* Discord's longest timeout. */
#define MAX_TIMEOUT_MS (28LL * 24 * 3600 * 1000)

/* A timeout needs its target below the bot, and Discord never times out
 * the bot itself, the owner (checked by the hierarchy) or an administrator. */
static bool may_time_out(twin_ctx *ctx, const json_value *g, const char *user_id)
{
    if (!dc_require_member_below(ctx, g, user_id)) return false;
    if (!str_eq(user_id, dc_bot_id(ctx)) && !(dc_perms_guild(ctx, g, user_id) & DC_ADMINISTRATOR)) return true;
    dc_missing_permissions(ctx);
    return false;
}

/* The permissions a member PATCH needs, by the fields it sets; acting on
 * another member's nick or timeout also needs them below the bot. */
static bool may_update_member(twin_ctx *ctx, const json_value *g, const json_value *m)
{
    static const struct { const char *field; uint64_t perm; bool hierarchy; } needs[] = {
        {"nick", DC_MANAGE_NICKNAMES, true}, {"roles", DC_MANAGE_ROLES, false},
        {"mute", DC_MUTE_MEMBERS, false}, {"deaf", DC_DEAFEN_MEMBERS, false},
        {"communication_disabled_until", DC_MODERATE_MEMBERS, false}};
    const char *uid = json_get_str(m, "user_id");
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
        if (!json_get(ctx->body, needs[i].field)) continue;
        if (!dc_require_guild(ctx, g, needs[i].perm)) return false;
        if (needs[i].hierarchy && !dc_require_member_below(ctx, g, uid)) return false;
    }
    return !json_get(ctx->body, "communication_disabled_until") || may_time_out(ctx, g, uid);
}

/* communication_disabled_until from the body: NULL (answered 50035) when it is
 * not a timestamp or lies more than 28 days ahead; JSON null lifts a timeout. */
static json_value *timeout_from(twin_ctx *ctx, const json_value *until)
{
    static const char field[] = "communication_disabled_until";
    if (json_is_null(until)) return json_null(ctx->a);
    int64_t ms = json_str(until) ? parse_iso8601_ms(json_str(until)) : -1;
    if (ms < 0) {
        dc_form_error(ctx, field, "DATE_TYPE_PARSE", "Could not parse timestamp. Should be ISO8601.");
        return NULL;
    }
    if (ms > twin_now_ms(ctx) + MAX_TIMEOUT_MS) {
        dc_form_error(ctx, field, "INVALID_COMMUNICATION_DISABLED_TIMESTAMP", "Invalid communication disabled timestamp");
        return NULL;
    }
    return json_string(ctx->a, dc_iso(ctx, ms));
}

void dc_member_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *g = NULL, *m = member_param(ctx, &g);
    if (!m) return;
    json_value *until = json_get(ctx->body, "communication_disabled_until");
    json_value *timeout = until ? timeout_from(ctx, until) : NULL;
    if ((until && !timeout) || !may_update_member(ctx, g, m)) return;
    const char *gid = json_get_str(g, "id");
    json_value *nick = json_get(ctx->body, "nick");
    if (nick) {
        if (json_str(nick) && *json_str(nick) && !dc_check_len(ctx, "nick", json_str(nick), 1, 32)) return;
        json_set(a, m, "nick", json_str(nick) && *json_str(nick) ? json_string(a, json_str(nick)) : json_null(a));
    }
    json_value *roles = json_get(ctx->body, "roles");
    if (roles && !json_is_null(roles)) {
        json_value *clean = json_array(a);
        json_foreach(r, roles) {
            if (str_eq(json_str(r), gid)) continue;     /* @everyone is implicit */
            json_value *role = json_str(r) ? twin_doc_get(ctx, "roles", json_str(r)) : NULL;
            if (!role || !str_eq(json_get_str(role, "_guild"), gid))
                return dc_error(ctx, 404, DC_UNKNOWN_ROLE, "Unknown Role");
            json_push(clean, json_string(a, json_str(r)));
        }
        if (!roles_changed_below(ctx, g, json_get(m, "roles"), clean)) return;
        json_set(a, m, "roles", clean);
    }
    static const char *const flags[] = {"mute", "deaf", NULL};
    for (size_t i = 0; flags[i]; i++)
        if (json_get(ctx->body, flags[i])) json_set_bool(a, m, flags[i], json_truthy(json_get(ctx->body, flags[i])));
    if (timeout) json_set(a, m, "communication_disabled_until", timeout);
    save_member(ctx, m);
    json_value *out = dc_member_render(ctx, m);
    dc_event(ctx, "GUILD_MEMBER_UPDATE", out);
    twin_reply_json(ctx, 200, out);
}

void dc_member_remove(twin_ctx *ctx)
{
    json_value *g = NULL, *m = member_param(ctx, &g);
    if (!m || !dc_require_guild(ctx, g, DC_KICK_MEMBERS) || !dc_require_member_below(ctx, g, json_get_str(m, "user_id")))
        return;
    twin_doc_delete(ctx, "members", member_key(ctx, json_get_str(g, "id"), json_get_str(m, "user_id")));
    dc_event(ctx, "GUILD_MEMBER_REMOVE", dc_member_render(ctx, m));
    dc_no_content(ctx);
}

void dc_me_leave_guild(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    const char *gid = json_get_str(g, "id");
    /* The bot leaving is the guild disappearing from its point of view. */
    twin_doc_delete(ctx, "members", member_key(ctx, gid, dc_bot_id(ctx)));
    twin_doc_delete(ctx, "guilds", gid);
    dc_no_content(ctx);
}

static json_value *role_of_guild(twin_ctx *ctx, const char *gid, const char *param)
{
    const char *rid = dc_param_sf(ctx, param);
    if (!rid) return NULL;
    json_value *r = twin_doc_get(ctx, "roles", rid);
    if (!r || !str_eq(json_get_str(r, "_guild"), gid)) {
        dc_error(ctx, 404, DC_UNKNOWN_ROLE, "Unknown Role");
        return NULL;
    }
    return r;
}

static void member_role(twin_ctx *ctx, bool add)
{
    arena *a = ctx->a;
    json_value *g = NULL, *m = member_param(ctx, &g);
    if (!m) return;
    json_value *r = role_of_guild(ctx, json_get_str(g, "id"), "role_id");
    if (!r || !dc_require_guild(ctx, g, DC_MANAGE_ROLES) || !dc_require_role_below(ctx, g, r)) return;
    const char *rid = json_get_str(r, "id");
    bool had;
    json_set(a, m, "roles", dc_id_set(a, json_get(m, "roles"), rid, add, &had));
    save_member(ctx, m);
    dc_no_content(ctx);
}

void dc_member_role_add(twin_ctx *ctx)
{
    member_role(ctx, true);
}

void dc_member_role_remove(twin_ctx *ctx)
{
    member_role(ctx, false);
}

/* ---- roles ---- */

json_value *dc_role_render(twin_ctx *ctx, const json_value *r)
{
    arena *a = ctx->a;
    json_value *o = dc_public(a, r), *colors = json_object(a);
    int64_t color = 0;
    json_int64(json_get(r, "color"), &color);
    json_set_int(a, colors, "primary_color", color);
    json_set_null(a, colors, "secondary_color");
    json_set_null(a, colors, "tertiary_color");
    json_set(a, o, "colors", colors);
    return o;
}

void dc_roles_list(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    twin_reply_json(ctx, 200, dc_guild_roles(ctx, json_get_str(g, "id")));
}

void dc_role_get(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    json_value *r = role_of_guild(ctx, json_get_str(g, "id"), "role_id");
    if (r) twin_reply_json(ctx, 200, dc_role_render(ctx, r));
}

/* Applies name, permissions, color, hoist, mentionable, unicode_emoji. */
static bool role_fields(twin_ctx *ctx, json_value *r)
{
    arena *a = ctx->a;
    json_value *name = json_get(ctx->body, "name");
    if (name && !json_is_null(name)) {
        if (!dc_check_len(ctx, "name", json_str(name), 0, 100)) return false;
        json_set_str(a, r, "name", json_str(name));
    }
    json_value *p = json_get(ctx->body, "permissions");
    if (p && !json_is_null(p)) {
        const char *s = json_str(p) ? json_str(p) : p->type == JSON_NUMBER ? p->str : NULL;
        if (!s || (!dc_sf(s) && !str_eq(s, "0"))) {
            dc_form_error(ctx, "permissions", "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
            return false;
        }
        json_set_str(a, r, "permissions", s);
    }
    if (json_get(ctx->body, "color") && !json_is_null(json_get(ctx->body, "color"))) {
        int64_t c;
        if (!dc_int_arg(ctx, "color", 0, 0, 0xFFFFFF, &c)) return false;
        json_set_int(a, r, "color", c);
    }
    static const char *const flags[] = {"hoist", "mentionable", NULL};
    for (size_t i = 0; flags[i]; i++)
        if (json_get(ctx->body, flags[i])) json_set_bool(a, r, flags[i], json_truthy(json_get(ctx->body, flags[i])));
    json_value *ue = json_get(ctx->body, "unicode_emoji");
    if (ue) json_set(a, r, "unicode_emoji", json_str(ue) ? json_string(a, json_str(ue)) : json_null(a));
    return true;
}

/* Discord puts a new role at position 1, just above @everyone; the others move up. */
static void place_at_bottom(twin_ctx *ctx, const char *guild_id, json_value *role)
{
    const char *rid = json_get_str(role, "id");
    twin_list l = dc_list(ctx, "roles", "guild", guild_id);
    for (size_t i = 0; i < l.n; i++) {
        const char *id = json_get_str(l.items[i], "id");
        int64_t pos = 0;
        json_int64(json_get(l.items[i], "position"), &pos);
        if (str_eq(id, rid) || str_eq(id, guild_id) || pos < 1) continue;
        json_set_int(ctx->a, l.items[i], "position", pos + 1);
        dc_save(ctx, "roles", id, l.items[i], "guild", guild_id, NULL, NULL);
    }
    json_set_int(ctx->a, role, "position", 1);
}

void dc_role_create(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_MANAGE_ROLES)) return;
    const char *gid = json_get_str(g, "id");
    if (twin_doc_count(ctx, "roles", "guild", gid) >= 250)
        return dc_error(ctx, 400, 30005, "Maximum number of guild roles reached (250)");
    /* Validate before minting, so a bad body leaves no role behind. */
    json_value *probe = json_object(ctx->a);
    if (!role_fields(ctx, probe) || !dc_require_grantable(ctx, g, dc_perm_parse(json_get(probe, "permissions"))))
        return;
    json_value *r = dc_role_new(ctx, gid, NULL, "new role", "0");
    role_fields(ctx, r);
    place_at_bottom(ctx, gid, r);
    dc_save(ctx, "roles", json_get_str(r, "id"), r, "guild", gid, NULL, NULL);
    json_value *out = dc_role_render(ctx, r);
    dc_event(ctx, "GUILD_ROLE_CREATE", out);
    twin_reply_json(ctx, 200, out);
}

void dc_role_update(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g) return;
    const char *gid = json_get_str(g, "id");
    json_value *r = role_of_guild(ctx, gid, "role_id");
    if (!r || !dc_require_guild(ctx, g, DC_MANAGE_ROLES) || !dc_require_role_below(ctx, g, r)) return;
    uint64_t before = dc_perm_parse(json_get(r, "permissions"));
    if (!role_fields(ctx, r)) return;
    /* Only the permissions being added must be the bot's own. */
    if (!dc_require_grantable(ctx, g, dc_perm_parse(json_get(r, "permissions")) & ~before)) return;
    dc_save(ctx, "roles", json_get_str(r, "id"), r, "guild", gid, NULL, NULL);
    json_value *out = dc_role_render(ctx, r);
    dc_event(ctx, "GUILD_ROLE_UPDATE", out);
    twin_reply_json(ctx, 200, out);
}

void dc_role_delete(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *g = guild_param(ctx);
    if (!g) return;
    const char *gid = json_get_str(g, "id");
    json_value *r = role_of_guild(ctx, gid, "role_id");
    if (!r || !dc_require_guild(ctx, g, DC_MANAGE_ROLES)) return;
    const char *rid = json_get_str(r, "id");
    if (str_eq(rid, gid)) return dc_error(ctx, 400, DC_INVALID_ROLE, "Invalid Role");
    if (!dc_require_role_below(ctx, g, r)) return;
    twin_doc_delete(ctx, "roles", rid);
    /* Members lose the role. */
    twin_list l = dc_list(ctx, "members", "guild", gid);
    for (size_t i = 0; i < l.n; i++) {
        json_value *roles = json_array(a);
        bool changed = false;
        json_foreach(x, json_get(l.items[i], "roles")) {
            if (str_eq(json_str(x), rid)) changed = true;
            else json_push(roles, json_string(a, json_str(x)));
        }
        if (!changed) continue;
        json_set(a, l.items[i], "roles", roles);
        save_member(ctx, l.items[i]);
    }
    dc_no_content(ctx);
}

/* ---- bans ---- */

static json_value *ban_render(twin_ctx *ctx, const json_value *b)
{
    json_value *o = json_object(ctx->a);
    json_value *u = dc_user_find(ctx, json_get_str(b, "user_id"));
    json_set(ctx->a, o, "user", u ? u : json_object(ctx->a));
    json_set(ctx->a, o, "reason", json_clone(ctx->a, json_get(b, "reason")));
    return o;
}

void dc_bans_list(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_BAN_MEMBERS)) return;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 1000, 1, 1000, &limit)) return;
    uint64_t before = dc_sf(json_get_str(ctx->query, "before")), after = dc_sf(json_get_str(ctx->query, "after"));
    twin_list l = dc_list(ctx, "bans", "guild", json_get_str(g, "id"));
    qsort(l.items, l.n, sizeof *l.items, cmp_user_id);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n && (int64_t)out->len < limit; i++) {
        uint64_t n = dc_sf(json_get_str(l.items[i], "user_id"));
        if ((before && n >= before) || (after && n <= after)) continue;
        json_push(out, ban_render(ctx, l.items[i]));
    }
    twin_reply_json(ctx, 200, out);
}

static json_value *ban_param(twin_ctx *ctx, const char **key)
{
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_BAN_MEMBERS)) return NULL;
    const char *uid = dc_param_sf(ctx, "user_id");
    if (!uid) return NULL;
    *key = member_key(ctx, json_get_str(g, "id"), uid);
    json_value *b = twin_doc_get(ctx, "bans", *key);
    if (!b) dc_error(ctx, 404, DC_UNKNOWN_BAN, "Unknown Ban");
    return b;
}

void dc_ban_get(twin_ctx *ctx)
{
    const char *key;
    json_value *b = ban_param(ctx, &key);
    if (b) twin_reply_json(ctx, 200, ban_render(ctx, b));
}

void dc_ban_delete(twin_ctx *ctx)
{
    const char *key;
    json_value *b = ban_param(ctx, &key);
    if (!b) return;
    twin_doc_delete(ctx, "bans", key);
    dc_event(ctx, "GUILD_BAN_REMOVE", ban_render(ctx, b));
    dc_no_content(ctx);
}

void dc_ban_put(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *g = guild_param(ctx);
    if (!g || !dc_require_guild(ctx, g, DC_BAN_MEMBERS)) return;
    const char *gid = json_get_str(g, "id");
    const char *uid = dc_param_sf(ctx, "user_id");
    if (!uid) return;
    if (!dc_user_find(ctx, uid)) return dc_error(ctx, 404, DC_UNKNOWN_USER, "Unknown User");
    /* Only a member has a place in the hierarchy; any other user can be banned. */
    if (twin_doc_get(ctx, "members", member_key(ctx, gid, uid)) && !dc_require_member_below(ctx, g, uid)) return;
    int64_t secs;
    if (!dc_int_arg(ctx, "delete_message_seconds", 0, 0, 604800, &secs)) return;
    json_value *b = json_object(a);
    json_set_str(a, b, "guild_id", gid);
    json_set_str(a, b, "user_id", uid);
    json_set_str(a, b, "reason", audit_reason(ctx));
    dc_save(ctx, "bans", member_key(ctx, gid, uid), b, "guild", gid, NULL, NULL);
    twin_doc_delete(ctx, "members", member_key(ctx, gid, uid));
    /* delete_message_seconds removes the user's recent messages in the guild */
    if (secs > 0) {
        int64_t cutoff = twin_now_ms(ctx) - secs * 1000;
        twin_list chans = dc_list(ctx, "channels", "guild", gid);
        for (size_t i = 0; i < chans.n; i++) {
            twin_list msgs = dc_list(ctx, "messages", "channel", json_get_str(chans.items[i], "id"));
            for (size_t j = 0; j < msgs.n; j++) {
                const char *mid = json_get_str(msgs.items[j], "id");
                if (str_eq(json_get_str(json_get(msgs.items[j], "author"), "id"), uid) && dc_sf_ms(mid) >= cutoff)
                    twin_doc_delete(ctx, "messages", mid);
            }
        }
    }
    dc_event(ctx, "GUILD_BAN_ADD", ban_render(ctx, b));
    dc_no_content(ctx);
}

/* ---- invites ---- */

static json_value *invite_render(twin_ctx *ctx, const json_value *inv, bool counts)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *gid = json_get_str(inv, "guild_id");
    json_set_int(a, o, "type", 0);
    json_set_str(a, o, "code", json_get_str(inv, "code"));
    json_value *inviter = dc_user_find(ctx, json_get_str(inv, "_inviter"));
    if (inviter) json_set(a, o, "inviter", inviter);
    json_set(a, o, "max_age", json_clone(a, json_get(inv, "max_age")));
    json_set_str(a, o, "created_at", json_get_str(inv, "created_at"));
    json_set(a, o, "expires_at", json_clone(a, json_get(inv, "expires_at")));
    json_value *g = twin_doc_get(ctx, "guilds", gid), *ig = json_object(a);
    json_set_str(a, ig, "id", gid);
    json_set_str(a, ig, "name", json_get_str(g, "name"));
    json_set_null(a, ig, "splash");
    json_set_null(a, ig, "banner");
    json_set(a, ig, "description", json_clone(a, json_get(g, "description")));
    json_set_null(a, ig, "icon");
    json_set(a, ig, "features", json_array(a));
    json_set_int(a, ig, "verification_level", 0);
    json_set_null(a, ig, "vanity_url_code");
    json_set_int(a, ig, "nsfw_level", 0);
    json_set_bool(a, ig, "nsfw", false);
    json_set_int(a, ig, "premium_subscription_count", 0);
    json_set(a, o, "guild", ig);
    json_set_str(a, o, "guild_id", gid);
    json_value *c = twin_doc_get(ctx, "channels", json_get_str(inv, "channel_id")), *ic = json_object(a);
    json_set_str(a, ic, "id", json_get_str(inv, "channel_id"));
    json_set(a, ic, "type", c ? json_clone(a, json_get(c, "type")) : json_int(a, 0));
    json_set_str(a, ic, "name", json_get_str(c, "name"));
    json_set(a, o, "channel", ic);
    json_set(a, o, "uses", json_clone(a, json_get(inv, "uses")));
    json_set(a, o, "max_uses", json_clone(a, json_get(inv, "max_uses")));
    json_set(a, o, "temporary", json_clone(a, json_get(inv, "temporary")));
    json_set_int(a, o, "flags", 0);
    if (counts) {
        json_set_int(a, o, "approximate_member_count", twin_doc_count(ctx, "members", "guild", gid));
        json_set_int(a, o, "approximate_presence_count", 0);
    }
    return o;
}

void dc_invite_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *cid = dc_param_sf(ctx, "channel_id");
    if (!cid) return;
    json_value *c = dc_channel_load(ctx, cid);
    if (!c || !dc_require_channel(ctx, c, DC_CREATE_INSTANT_INVITE)) return;
    int64_t max_age, max_uses;
    if (!dc_int_arg(ctx, "max_age", 86400, 0, 604800, &max_age) || !dc_int_arg(ctx, "max_uses", 0, 0, 100, &max_uses))
        return;
    char code[12];
    derive_token(code, 8, ctx->twin, "invite", ctx->run_id, twin_counter(ctx, "invite"));
    int64_t now = twin_now_ms(ctx);
    json_value *inv = json_object(a);
    json_set_str(a, inv, "code", code);
    json_set_str(a, inv, "guild_id", json_get_str(c, "guild_id"));
    json_set_str(a, inv, "channel_id", cid);
    json_set_str(a, inv, "_inviter", dc_bot_id(ctx));
    json_set_int(a, inv, "max_age", max_age);
    json_set_int(a, inv, "max_uses", max_uses);
    json_set_bool(a, inv, "temporary", json_truthy(json_get(ctx->body, "temporary")));
    json_set_int(a, inv, "uses", 0);
    json_set_str(a, inv, "created_at", dc_iso(ctx, now));
    if (max_age) json_set_str(a, inv, "expires_at", dc_iso(ctx, now + max_age * 1000));
    else json_set_null(a, inv, "expires_at");
    dc_save(ctx, "invites", code, inv, "channel", cid, "guild", json_get_str(c, "guild_id"));
    json_value *out = invite_render(ctx, inv, false);
    dc_event(ctx, "INVITE_CREATE", out);
    twin_reply_json(ctx, 200, out);
}

static void list_invites(twin_ctx *ctx, const char *index, const char *value)
{
    twin_list l = dc_list(ctx, "invites", index, value);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(out, invite_render(ctx, l.items[i], false));
    twin_reply_json(ctx, 200, out);
}

void dc_channel_invites(twin_ctx *ctx)
{
    const char *cid = dc_param_sf(ctx, "channel_id");
    json_value *c = cid ? dc_channel_load(ctx, cid) : NULL;
    if (c && dc_require_channel(ctx, c, DC_MANAGE_CHANNELS)) list_invites(ctx, "channel", cid);
}

void dc_guild_invites(twin_ctx *ctx)
{
    json_value *g = guild_param(ctx);
    if (g && dc_require_guild(ctx, g, DC_MANAGE_GUILD)) list_invites(ctx, "guild", json_get_str(g, "id"));
}

static json_value *invite_param(twin_ctx *ctx)
{
    const char *code = twin_param(ctx, "code");
    json_value *inv = code ? twin_doc_get(ctx, "invites", code) : NULL;
    if (!inv) dc_error(ctx, 404, DC_UNKNOWN_INVITE, "Unknown Invite");
    return inv;
}

void dc_invite_get(twin_ctx *ctx)
{
    json_value *inv = invite_param(ctx);
    if (inv) twin_reply_json(ctx, 200, invite_render(ctx, inv, dc_bool_arg(ctx, "with_counts")));
}

void dc_invite_delete(twin_ctx *ctx)
{
    json_value *inv = invite_param(ctx);
    if (!inv) return;
    /* MANAGE_CHANNELS in the invite's channel or MANAGE_GUILD. */
    json_value *c = twin_doc_get(ctx, "channels", json_get_str(inv, "channel_id"));
    if (!(c && dc_channel_has_any(ctx, c, DC_MANAGE_CHANNELS))) {
        json_value *g = twin_doc_get(ctx, "guilds", json_get_str(inv, "guild_id"));
        if (!g || !dc_require_guild(ctx, g, DC_MANAGE_GUILD)) return;
    }
    twin_doc_delete(ctx, "invites", json_get_str(inv, "code"));
    json_value *out = invite_render(ctx, inv, false);
    dc_event(ctx, "INVITE_DELETE", out);
    twin_reply_json(ctx, 200, out);
}
